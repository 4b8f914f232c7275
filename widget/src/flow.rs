//! Which screen the checkout shows, what it tells the merchant page, and how long it waits: pure functions of the
//! session as the API returns it.

use crate::i18n::{decline_reason, Msg};
use hsrc_shared::api::{NextAction, PayerSessionView, PaymentError};
use hsrc_shared::lifecycle::{PaymentStatus, SessionStatus};
use serde::Serialize;

/// A screen of the checkout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    /// The payment form.
    Form,
    /// Waiting for an asynchronous outcome.
    Processing,
    /// 3DS (or another step) at this same-origin URL.
    Action {
        url: String,
    },
    /// The last attempt was declined; the payer may try another card.
    Declined {
        reason: Msg,
        attempts_remaining: u32,
    },
    Completed,
    Failed {
        reason: Option<Msg>,
    },
    Expired,
    Cancelled,
}

impl Screen {
    /// Whether nothing can change any more.
    pub fn is_final(&self) -> bool {
        matches!(self, Self::Completed | Self::Failed { .. } | Self::Expired | Self::Cancelled)
    }

    /// The message type posted to the merchant page when this screen appears (`None`: nothing to tell).
    pub fn event(&self) -> Option<&'static str> {
        match self {
            Self::Form | Self::Processing => None,
            Self::Action { .. } => Some("requires_action"),
            Self::Declined { .. } => Some("declined"),
            Self::Completed => Some("completed"),
            Self::Failed { .. } => Some("failed"),
            Self::Expired => Some("expired"),
            Self::Cancelled => Some("cancelled"),
        }
    }
}

/// The reason words for a payment's last error.
pub fn reason_of(error: &PaymentError) -> Msg {
    decline_reason(error.decline_code.as_deref(), Some(error.code.as_str()))
}

/// The URL of a payment's redirect step.
pub fn action_url(next: Option<&NextAction>) -> Option<&str> {
    match next {
        Some(NextAction::RedirectUserToUrl { redirect_user_to_url }) => Some(redirect_user_to_url.url.as_str()),
        None => None,
    }
}

/// The screen for a session view. `after_attempt` is true once the payer has submitted in this page, so that a
/// declined payment shows its reason instead of a plain form.
pub fn screen_for(view: &PayerSessionView, after_attempt: bool) -> Screen {
    let payment = &view.payment;
    match view.status {
        SessionStatus::Completed => Screen::Completed,
        SessionStatus::Expired => Screen::Expired,
        SessionStatus::Cancelled => Screen::Cancelled,
        SessionStatus::Failed => Screen::Failed { reason: payment.last_error.as_ref().map(reason_of) },
        SessionStatus::Pending | SessionStatus::Processing => {
            if payment.status == PaymentStatus::RequiresAction {
                if let Some(url) = action_url(payment.next_action.as_ref()) {
                    return Screen::Action { url: url.to_string() };
                }
            }
            match (view.status, payment.status, &payment.last_error) {
                (SessionStatus::Processing, ..) => Screen::Processing,
                (_, PaymentStatus::RequiresPaymentMethod, Some(error)) if after_attempt => {
                    Screen::Declined { reason: reason_of(error), attempts_remaining: view.attempts_remaining }
                }
                _ => Screen::Form,
            }
        }
    }
}

/// Delay before the `attempt`-th look at a processing session (0-based): every second at first, then backing off;
/// `None` once we have waited about two minutes and should stop and offer "check again".
pub fn poll_delay_ms(attempt: u32) -> Option<u32> {
    match attempt {
        0..=9 => Some(1_000),
        10..=29 => Some(2_000),
        30..=41 => Some(5_000),
        _ => None,
    }
}

/// Delay before the `attempt`-th look while a 3DS challenge is open, in case its message never arrives (the
/// payer finished it elsewhere): every 3 s for ten minutes.
pub fn action_poll_delay_ms(attempt: u32) -> Option<u32> {
    (attempt < 200).then_some(3_000)
}

/// A message to the merchant page (loader), as `postMessage` sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParentMessage {
    pub source: &'static str,
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checkout_session_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

impl ParentMessage {
    /// A lifecycle message (`ready`, `completed`, …) about this session.
    pub fn about(kind: &'static str, view: &PayerSessionView) -> Self {
        Self {
            source: "hsrc-checkout",
            kind,
            height: None,
            checkout_session_id: Some(view.id.clone().into_string()),
            payment_id: Some(view.payment.id.clone().into_string()),
            status: Some(view.status.as_str().to_string()),
        }
    }

    /// A lifecycle message without a session (the link was invalid or expired before it loaded).
    pub fn bare(kind: &'static str) -> Self {
        Self { source: "hsrc-checkout", kind, height: None, checkout_session_id: None, payment_id: None, status: None }
    }

    /// The content height, for the loader to size the iframe.
    pub fn resize(height: u32) -> Self {
        Self { height: Some(height), ..Self::bare("resize") }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::view;
    use hsrc_shared::api::RedirectToUrl;

    fn declined(code: &str) -> PaymentError {
        PaymentError { code: "card_declined".into(), decline_code: Some(code.into()), message: "Declined".into() }
    }

    #[test]
    fn fresh_session_shows_the_form() {
        assert_eq!(screen_for(&view(SessionStatus::Pending, PaymentStatus::Created), false), Screen::Form);
    }

    #[test]
    fn decline_after_submit_shows_the_reason_and_attempts_left() {
        let mut v = view(SessionStatus::Pending, PaymentStatus::RequiresPaymentMethod);
        v.payment.last_error = Some(declined("insufficient_funds"));
        assert_eq!(
            screen_for(&v, true),
            Screen::Declined { reason: Msg::DeclineInsufficientFunds, attempts_remaining: 2 }
        );
        // Reloading the page after a decline shows the form again.
        assert_eq!(screen_for(&v, false), Screen::Form);
        assert_eq!(screen_for(&v, true).event(), Some("declined"));
    }

    #[test]
    fn exhausted_attempts_fail_with_the_last_reason() {
        let mut v = view(SessionStatus::Failed, PaymentStatus::Failed);
        v.payment.last_error = Some(declined("expired_card"));
        assert_eq!(screen_for(&v, true), Screen::Failed { reason: Some(Msg::DeclineExpiredCard) });
        assert_eq!(screen_for(&v, true).event(), Some("failed"));
    }

    #[test]
    fn requires_action_opens_the_challenge_url() {
        let mut v = view(SessionStatus::Processing, PaymentStatus::RequiresAction);
        v.payment.next_action = Some(NextAction::RedirectUserToUrl {
            redirect_user_to_url: RedirectToUrl { url: "/checkout/3ds/ch_1".into() },
        });
        let screen = screen_for(&v, false);
        assert_eq!(screen, Screen::Action { url: "/checkout/3ds/ch_1".into() });
        assert_eq!(screen.event(), Some("requires_action"));
    }

    #[test]
    fn timeout_card_keeps_processing_until_final() {
        assert_eq!(screen_for(&view(SessionStatus::Processing, PaymentStatus::Processing), true), Screen::Processing);
        assert_eq!(screen_for(&view(SessionStatus::Completed, PaymentStatus::Succeeded), true), Screen::Completed);
        assert_eq!(screen_for(&view(SessionStatus::Completed, PaymentStatus::Authorized), true), Screen::Completed);
    }

    #[test]
    fn terminal_sessions_map_to_their_screens_and_events() {
        for (status, screen, event) in [
            (SessionStatus::Completed, Screen::Completed, "completed"),
            (SessionStatus::Expired, Screen::Expired, "expired"),
            (SessionStatus::Cancelled, Screen::Cancelled, "cancelled"),
        ] {
            let s = screen_for(&view(status, PaymentStatus::Created), false);
            assert_eq!(s, screen);
            assert!(s.is_final());
            assert_eq!(s.event(), Some(event));
        }
        assert!(!Screen::Processing.is_final());
    }

    #[test]
    fn polling_is_bounded_and_backs_off() {
        let delays: Vec<u32> = (0..).map_while(poll_delay_ms).collect();
        let total: u32 = delays.iter().sum();
        assert_eq!(delays[0], 1_000);
        assert!(delays.windows(2).all(|w| w[0] <= w[1]));
        assert!((60_000..=180_000).contains(&total), "waits {total} ms in all");
        assert!(action_poll_delay_ms(10_000).is_none());
    }

    #[test]
    fn parent_messages_have_the_loader_shape() {
        let v = view(SessionStatus::Completed, PaymentStatus::Succeeded);
        let json = serde_json::to_value(ParentMessage::about("completed", &v)).expect("serializes");
        assert_eq!(
            json,
            serde_json::json!({"source":"hsrc-checkout","type":"completed","checkout_session_id":"cs_1","payment_id":"pay_1","status":"COMPLETED"})
        );
        let json = serde_json::to_value(ParentMessage::resize(420)).expect("serializes");
        assert_eq!(json, serde_json::json!({"source":"hsrc-checkout","type":"resize","height":420}));
    }
}
