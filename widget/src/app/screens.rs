//! The checkout's non-form screens: summary header, loading, processing, 3DS, declined and the final states.

use super::challenge::ChallengeFrame;
use super::{use_ctx, Ctx};
use crate::flow::Screen;
use crate::i18n::{fill, Lang, Msg};
use leptos::prelude::*;

/// Merchant, amount and the test-mode badge, above every screen once the session is known.
#[component]
pub fn Summary() -> impl IntoView {
    let ctx = use_ctx();
    move || {
        let live = ctx.session.with(|s| s.as_ref().map(|s| s.livemode))?;
        let lang = ctx.lang.get();
        Some(view! {
            <header class="summary">
                <div class="summary-text">
                    <p class="merchant">
                        <span class="caption">{Msg::PayTo.text(lang)}</span>
                        <span class="merchant-name">{ctx.merchant()}</span>
                    </p>
                    <p class="amount">{ctx.amount_text()}</p>
                </div>
                {(!live).then(|| view! { <span class="badge test">{Msg::TestMode.text(lang)}</span> })}
            </header>
        })
    }
}

/// While the session loads.
#[component]
pub fn LoadingView() -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <div class="result loading" aria-busy="true">
            <span class="spinner" aria-hidden="true"></span>
            <p>{ctx.t(Msg::Loading)}</p>
        </div>
    }
}

/// The token is unknown or refused.
#[component]
pub fn InvalidLinkView(lang: Lang) -> impl IntoView {
    view! {
        <div class="result">
            <Icon tone=Tone::Error />
            <h2 id="screen-title" tabindex="-1">{Msg::InvalidLinkTitle.text(lang)}</h2>
            <p>{Msg::InvalidLinkBody.text(lang)}</p>
        </div>
    }
}

/// The session could not be fetched; the payer can retry.
#[component]
pub fn OfflineView() -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <div class="result">
            <Icon tone=Tone::Warning />
            <p role="alert">{ctx.t(Msg::NetworkError)}</p>
            <button type="button" class="btn primary" on:click=move |_| ctx.load()>{ctx.t(Msg::TryAgain)}</button>
        </div>
    }
}

/// The view of a flow screen.
pub fn screen_view(screen: Screen) -> AnyView {
    let ctx = use_ctx();
    match screen {
        Screen::Form => view! { <super::form_view::PaymentForm /> }.into_any(),
        Screen::Processing => view! { <ProcessingView /> }.into_any(),
        Screen::Action { url } => view! { <ActionView url=url /> }.into_any(),
        Screen::Declined { reason, attempts_remaining } => {
            view! { <DeclinedView reason=reason attempts_remaining=attempts_remaining /> }.into_any()
        }
        Screen::Completed => view! { <CompletedView /> }.into_any(),
        Screen::Failed { reason } => {
            let body = match reason {
                Some(reason) => format!("{} {}", ctx.t(reason), ctx.say(Msg::FailedBody)),
                None => ctx.say(Msg::FailedBody),
            };
            final_view(ctx, Tone::Error, Msg::FailedTitle, body)
        }
        Screen::Expired => final_view(ctx, Tone::Warning, Msg::ExpiredTitle, ctx.say(Msg::ExpiredBody)),
        Screen::Cancelled => final_view(ctx, Tone::Neutral, Msg::CancelledTitle, ctx.say(Msg::CancelledBody)),
    }
}

/// A final screen with an optional way back to the merchant (hosted page).
fn final_view(ctx: Ctx, tone: Tone, title: Msg, body: String) -> AnyView {
    let back = ctx.back_link().map(|href| view! { <a class="btn secondary" href=href>{ctx.say(Msg::BackToMerchant)}</a> });
    let redirecting = ctx
        .session
        .with_untracked(|s| s.as_ref().and_then(|s| s.cancel_url.clone()))
        .filter(|_| ctx.hosted && tone == Tone::Neutral)
        .map(|_| view! { <p class="muted">{ctx.say(Msg::Redirecting)}</p> });
    view! {
        <div class="result">
            <Icon tone=tone />
            <h2 id="screen-title" tabindex="-1">{ctx.t(title)}</h2>
            <p>{body}</p>
            {redirecting}
            {back}
        </div>
    }
    .into_any()
}

/// Waiting for an asynchronous outcome; after the bounded wait, offers "check again".
#[component]
fn ProcessingView() -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <div class="result" aria-busy=move || (!ctx.gave_up.get()).then_some("true")>
            <span class="spinner large" aria-hidden="true"></span>
            <h2 id="screen-title" tabindex="-1">{ctx.t(Msg::ProcessingTitle)}</h2>
            <Show
                when=move || ctx.gave_up.get()
                fallback=move || view! { <p>{ctx.t(Msg::ProcessingBody)}</p> }
            >
                <p>{ctx.say(Msg::StillProcessingBody)}</p>
                <button type="button" class="btn secondary" on:click=move |_| ctx.poll_outcome(true)>
                    {ctx.t(Msg::CheckAgain)}
                </button>
            </Show>
        </div>
    }
}

/// 3DS: the challenge opens inside the checkout.
#[component]
fn ActionView(url: String) -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <div class="action">
            <h2 id="screen-title" tabindex="-1">{ctx.t(Msg::ActionTitle)}</h2>
            <p class="muted">{ctx.t(Msg::ActionBody)}</p>
            <ChallengeFrame url=url on_done=move || ctx.challenge_done() />
        </div>
    }
}

/// A declined attempt: the reason in plain words and a way to try another card.
#[component]
fn DeclinedView(reason: Msg, attempts_remaining: u32) -> impl IntoView {
    let ctx = use_ctx();
    let attempts = fill(ctx.t(Msg::AttemptsLeft), &[("n", &attempts_remaining.to_string())]);
    view! {
        <div class="result">
            <Icon tone=Tone::Error />
            <h2 id="screen-title" tabindex="-1">{ctx.t(Msg::DeclinedTitle)}</h2>
            <p class="reason">{ctx.t(reason)}</p>
            <p class="muted">{attempts}</p>
            <button type="button" class="btn primary" on:click=move |_| ctx.try_another_card()>
                {ctx.t(Msg::TryAnotherCard)}
            </button>
        </div>
    }
}

/// The payment went through.
#[component]
fn CompletedView() -> impl IntoView {
    let ctx = use_ctx();
    let exit = ctx.hosted_exit(&Screen::Completed);
    view! {
        <div class="result">
            <Icon tone=Tone::Success />
            <h2 id="screen-title" tabindex="-1">{ctx.t(Msg::CompletedTitle)}</h2>
            <p>{ctx.say(Msg::CompletedBody)}</p>
            {exit.map(|(href, _)| {
                view! {
                    <p class="muted">{ctx.say(Msg::Redirecting)}</p>
                    <a class="btn secondary" href=href>{ctx.say(Msg::BackToMerchant)}</a>
                }
            })}
        </div>
    }
}

/// The mood of a result screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Success,
    Error,
    Warning,
    Neutral,
}

/// A round status icon (decorative: the heading says it in words).
#[component]
fn Icon(tone: Tone) -> impl IntoView {
    let (class, path) = match tone {
        Tone::Success => ("icon success", "M7 12.5l3.2 3.2L17 9"),
        Tone::Error => ("icon error", "M8.5 8.5l7 7M15.5 8.5l-7 7"),
        Tone::Warning => ("icon warning", "M12 7v6M12 16.5v.5"),
        Tone::Neutral => ("icon neutral", "M8 12h8"),
    };
    view! {
        <svg class=class viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <circle cx="12" cy="12" r="11" />
            <path d=path />
        </svg>
    }
}
