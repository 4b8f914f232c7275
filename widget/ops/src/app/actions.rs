//! Merchant actions from the console, through the same API routes the merchant's server uses, each behind a
//! confirmation and each with its own `Idempotency-Key` (made when the dialog opens, reused if the request has to
//! be retried), so a double click or a lost answer never does it twice.

use super::use_console;
use crate::browser;
use crate::i18n::{fill, Msg};
use crate::net;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    CancelSession {
        session_id: String,
    },
    /// An unpaid API-only payment (#15).
    CancelPayment {
        payment_id: String,
    },
    Capture {
        payment_id: String,
        amount: String,
    },
    Void {
        payment_id: String,
        amount: String,
    },
    /// `amount` in minor units; `shown` formatted for the question.
    Refund {
        payment_id: String,
        amount: i64,
        shown: String,
    },
    Resend {
        event_id: String,
        event_type: String,
        endpoint_id: String,
        endpoint_url: String,
    },
    Reenable {
        endpoint_id: String,
        endpoint_url: String,
    },
}

impl Action {
    /// Method, path and body of the API call.
    fn request(&self) -> (&'static str, String, serde_json::Value) {
        match self {
            Self::CancelSession { session_id } => {
                ("POST", format!("/v1/checkout-sessions/{session_id}/cancel"), serde_json::json!({}))
            }
            Self::CancelPayment { payment_id } => {
                ("POST", format!("/v1/payments/{payment_id}/cancel"), serde_json::json!({}))
            }
            Self::Capture { payment_id, .. } => {
                ("POST", format!("/v1/payments/{payment_id}/capture"), serde_json::json!({}))
            }
            Self::Void { payment_id, .. } => ("POST", format!("/v1/payments/{payment_id}/void"), serde_json::json!({})),
            Self::Refund { payment_id, amount, .. } => {
                ("POST", "/v1/refunds".to_string(), serde_json::json!({ "payment_id": payment_id, "amount": amount }))
            }
            Self::Resend { event_id, endpoint_id, .. } => {
                ("POST", format!("/v1/events/{event_id}/resend"), serde_json::json!({ "endpoint_id": endpoint_id }))
            }
            Self::Reenable { endpoint_id, .. } => {
                ("PATCH", format!("/v1/webhook-endpoints/{endpoint_id}"), serde_json::json!({ "disabled": false }))
            }
        }
    }

    fn question(&self, lang: crate::i18n::Lang) -> String {
        match self {
            Self::CancelSession { .. } => Msg::ConfirmCancel.text(lang).to_string(),
            Self::CancelPayment { .. } => Msg::ConfirmCancelPayment.text(lang).to_string(),
            Self::Capture { amount, .. } => fill(Msg::ConfirmCapture.text(lang), &[("amount", amount)]),
            Self::Void { amount, .. } => fill(Msg::ConfirmVoid.text(lang), &[("amount", amount)]),
            Self::Refund { shown, .. } => fill(Msg::ConfirmRefund.text(lang), &[("amount", shown)]),
            Self::Resend { event_type, endpoint_url, .. } => {
                fill(Msg::ConfirmResend.text(lang), &[("event", event_type), ("endpoint", endpoint_url)])
            }
            Self::Reenable { endpoint_url, .. } => fill(Msg::ConfirmReenable.text(lang), &[("endpoint", endpoint_url)]),
        }
    }

    fn name(&self) -> Msg {
        match self {
            Self::CancelSession { .. } => Msg::CancelSession,
            Self::CancelPayment { .. } => Msg::CancelPayment,
            Self::Capture { .. } => Msg::CapturePayment,
            Self::Void { .. } => Msg::VoidPayment,
            Self::Refund { .. } => Msg::RefundPayment,
            Self::Resend { .. } => Msg::Resend,
            Self::Reenable { .. } => Msg::Reenable,
        }
    }
}

/// An action the operator asked for, waiting for their confirmation.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingAction {
    pub action: Action,
    pub idempotency_key: String,
    pub working: bool,
    pub error: Option<String>,
}

/// Opens the confirmation for `action`.
pub fn ask(c: super::Console, action: Action) {
    c.notice.set(None);
    c.pending.set(Some(PendingAction { action, idempotency_key: browser::random_uuid(), working: false, error: None }));
    request_animation_frame(|| browser::focus("confirm-no"));
}

#[component]
pub fn ConfirmDialog() -> impl IntoView {
    let c = use_console();
    let close = move || {
        if !c.pending.with_untracked(|p| p.as_ref().is_some_and(|p| p.working)) {
            c.pending.set(None);
        }
    };
    let confirm = move |_| {
        let Some(pending) = c.pending.get_untracked() else { return };
        let Some(key) = c.key.get_untracked() else { return };
        if pending.working {
            return;
        }
        c.pending.update(|p| {
            if let Some(p) = p {
                p.working = true;
                p.error = None;
            }
        });
        spawn_local(async move {
            let (method, path, body) = pending.action.request();
            let result = net::act(method, &path, &key, &body, &pending.idempotency_key).await;
            let lang = c.lang.get_untracked();
            match result {
                Ok(_) => {
                    c.pending.set(None);
                    c.notice.set(Some((
                        true,
                        format!("{} {}", pending.action.name().text(lang), Msg::ActionDone.text(lang).to_lowercase()),
                    )));
                    if let Some(id) = c.detail_id.get_untracked() {
                        c.load_detail(id);
                    }
                }
                Err(e) if e.is_auth() => c.forget_key(Some(Msg::KeyRejected.text(lang).to_string())),
                Err(e) => {
                    let text = match &e {
                        net::FetchError::Network => Msg::NetworkError.text(lang).to_string(),
                        other => format!("{} {}", Msg::ActionFailed.text(lang), other.describe()),
                    };
                    // A refused action is final for its key (a retry would replay the refusal), so another try gets a new
                    // key; after a network failure the request may have gone through, so the key is kept.
                    let fresh = !matches!(e, net::FetchError::Network);
                    c.pending.update(|p| {
                        if let Some(p) = p {
                            p.working = false;
                            p.error = Some(text);
                            if fresh {
                                p.idempotency_key = browser::random_uuid();
                            }
                        }
                    });
                }
            }
        });
    };
    move || {
        c.pending.get().map(|p| {
            let lang = c.lang.get();
            let question = p.action.question(lang);
            let title = p.action.name().text(lang);
            view! {
                <div class="overlay" on:click=move |_| close()>
                    <div
                        class="dialog"
                        role="alertdialog"
                        aria-modal="true"
                        aria-labelledby="confirm-title"
                        aria-describedby="confirm-question"
                        id="confirm-dialog"
                        on:click=|ev| ev.stop_propagation()
                        on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Escape" { close() }
                    >
                        <h2 id="confirm-title">{Msg::ConfirmTitle.text(lang)}": "{title}</h2>
                        <p id="confirm-question">{question}</p>
                        {p.error.clone().map(|e| view! { <p class="error" role="alert" id="confirm-error">{e}</p> })}
                        <div class="dialog-buttons">
                            <button type="button" class="btn" id="confirm-no" on:click=move |_| close() disabled=p.working>{Msg::ConfirmNo.text(lang)}</button>
                            <button type="button" class="btn danger" id="confirm-yes" on:click=confirm disabled=p.working>
                                {if p.working { Msg::Working.text(lang) } else { Msg::ConfirmYes.text(lang) }}
                            </button>
                        </div>
                    </div>
                </div>
            }
        })
    }
}
