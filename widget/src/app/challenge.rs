//! 3DS: the frame the checkout opens the challenge in, and the sandbox challenge page itself.

use crate::browser;
use crate::challenge::{brand_label, ChallengeMessage, ChallengeView};
use crate::i18n::{Lang, Msg};
use crate::mode::{is_same_origin_path, with_query_param};
use crate::net;
use hsrc_shared::money;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The challenge inside the checkout. Only a same-origin URL is loaded, and only a `challenge_complete` message
/// from that very frame and our own origin counts.
///
/// `url` is the next action's URL (`/checkout/3ds/<id>`); `on_done` runs once the challenge page reports.
pub fn challenge_frame(
    ctx: super::Ctx,
    url: String,
    on_done: impl Fn() + Send + Sync + 'static,
) -> AnyView {
    let own_origin = browser::own_origin();
    if !is_same_origin_path(&url, &own_origin) {
        return view! { <p class="banner" role="alert">{ctx.t(Msg::ServiceError)}</p> }.into_any();
    }
    let mut src = with_query_param(&url, "locale", ctx.lang.get_untracked().code());
    if let Some(origin) = &ctx.page.parent_origin {
        // The Worker needs the merchant origin to allow this nested frame (frame-ancestors covers every ancestor).
        src = with_query_param(&src, "origin", origin);
    }
    let frame = NodeRef::<leptos::html::Iframe>::new();
    let handle = window_event_listener(leptos::ev::message, move |ev: web_sys::MessageEvent| {
        if ev.origin() != own_origin {
            return;
        }
        let Some(frame_window) = frame.get_untracked().and_then(|f| f.content_window()) else {
            return;
        };
        let from_frame = ev
            .source()
            .is_some_and(|source| js_sys::Object::is(&source, &frame_window));
        if !from_frame {
            return;
        }
        let message = js_sys::JSON::stringify(&ev.data())
            .ok()
            .and_then(|s| s.as_string())
            .and_then(|s| crate::json::parse(&s));
        if message.is_some_and(|m| ChallengeMessage::is_completion(&m)) {
            on_done();
        }
    });
    on_cleanup(move || handle.remove());
    view! {
        <iframe class="challenge-frame" node_ref=frame src=src title=ctx.t(Msg::ChallengeFrameTitle)></iframe>
    }
    .into_any()
}

/// The state of the challenge page.
#[derive(Debug, Clone, PartialEq)]
enum Stage {
    Loading,
    Missing,
    Ready(ChallengeView),
    /// The payer chose; the call is in flight.
    Sending(ChallengeView),
    /// Finished with `pass` or `fail`.
    Done(ChallengeView, &'static str),
}

/// The sandbox 3DS challenge page: shows what is being paid, offers pass and fail, then tells the checkout.
pub fn challenge_page(id: String, lang_override: Option<Lang>) -> impl IntoView {
    let lang = lang_override.unwrap_or(Lang::En);
    browser::set_root_attr("lang", lang.code());
    browser::set_title(Msg::ChallengeTitle.text(lang));
    let stage = RwSignal::new(Stage::Loading);
    {
        let id = id.clone();
        spawn_local(async move {
            match net::load_challenge(&id).await {
                Ok(challenge) if challenge.is_done() => {
                    let result = if challenge.status == "passed" {
                        "pass"
                    } else {
                        "fail"
                    };
                    finish(stage, challenge, result);
                }
                Ok(challenge) => stage.set(Stage::Ready(challenge)),
                Err(_) => stage.set(Stage::Missing),
            }
        });
    }
    let choose = move |result: &'static str| {
        let Stage::Ready(view) = stage.get_untracked() else {
            return;
        };
        stage.set(Stage::Sending(view.clone()));
        let id = id.clone();
        spawn_local(async move {
            match net::complete_challenge(&id, result, browser::random_uuid()).await {
                Ok(challenge) => finish(stage, challenge, result),
                Err(_) => stage.set(Stage::Ready(view)),
            }
        });
    };
    let body = move || match stage.get() {
        Stage::Loading => {
            view! { <p class="muted" aria-busy="true">{Msg::Loading.text(lang)}</p> }.into_any()
        }
        Stage::Missing => {
            view! { <p role="alert">{Msg::ChallengeMissing.text(lang)}</p> }.into_any()
        }
        Stage::Ready(view) | Stage::Sending(view) => {
            let sending = matches!(stage.get_untracked(), Stage::Sending(_));
            let (choose_pass, choose_fail) = (choose.clone(), choose.clone());
            view! {
                {facts(view, lang)}
                <div class="actions">
                    <button
                        type="button"
                        class="btn primary"
                        data-result="pass"
                        disabled=sending
                        on:click=move |_| choose_pass("pass")
                    >
                        {Msg::ChallengePass.text(lang)}
                    </button>
                    <button
                        type="button"
                        class="btn danger"
                        data-result="fail"
                        disabled=sending
                        on:click=move |_| choose_fail("fail")
                    >
                        {Msg::ChallengeFail.text(lang)}
                    </button>
                </div>
            }
            .into_any()
        }
        Stage::Done(view, result) => {
            let text = match result {
                "pass" => Msg::ChallengePassed,
                _ => Msg::ChallengeFailed,
            };
            view! {
                {facts(view, lang)}
                <p class="done" role="status" data-result=result>{text.text(lang)}</p>
                <p class="muted">
                    {if browser::is_framed() { Msg::ChallengeReturning } else { Msg::ChallengeDoneTopLevel }.text(lang)}
                </p>
            }
            .into_any()
        }
    };
    view! {
        <div class="checkout">
            <section class="card challenge" aria-labelledby="challenge-title">
                <div class="challenge-head">
                    <span class="badge sandbox">{Msg::Sandbox.text(lang)}</span>
                    <span class="muted">"3D Secure"</span>
                </div>
                <h1 id="challenge-title">{Msg::ChallengeTitle.text(lang)}</h1>
                <p>{Msg::ChallengeBody.text(lang)}</p>
                {body}
            </section>
        </div>
    }
}

/// Records the outcome and tells the checkout that opened us (same origin only).
fn finish(stage: RwSignal<Stage>, view: ChallengeView, result: &'static str) {
    stage.set(Stage::Done(view, result));
    browser::post_to_parent(&ChallengeMessage::complete(result), &browser::own_origin());
}

/// Merchant, amount and card of the challenge.
fn facts(view: ChallengeView, lang: Lang) -> impl IntoView {
    let amount = match money::currency(&view.currency) {
        Some(c) => money::format_amount(view.amount, &c, lang.locale()),
        None => format!("{} {}", view.amount, view.currency),
    };
    let card = match (&view.card_brand, &view.card_last4) {
        (Some(brand), Some(last4)) => format!("{} •••• {last4}", brand_label(brand)),
        (None, Some(last4)) => format!("•••• {last4}"),
        (Some(brand), None) => brand_label(brand),
        (None, None) => "—".into(),
    };
    view! {
        <dl class="facts">
            <div>
                <dt>{Msg::Merchant.text(lang)}</dt>
                <dd>{view.merchant_name}</dd>
            </div>
            <div>
                <dt>{Msg::Amount.text(lang)}</dt>
                <dd class="strong">{amount}</dd>
            </div>
            <div>
                <dt>{Msg::Card.text(lang)}</dt>
                <dd>{card}</dd>
            </div>
        </dl>
    }
}
