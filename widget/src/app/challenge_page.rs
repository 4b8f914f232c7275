//! The sandbox 3DS challenge page (`/checkout/3ds/<id>`), built only into the challenge bundle (the `challenge`
//! feature): the checkout form never loads it.

use super::Slot;
use crate::browser;
use crate::challenge::{brand_label, ChallengeMessage, ChallengeResult, ChallengeStatus, ChallengeView};
use crate::i18n::{Lang, Msg};
use crate::lean::dom::{el, group};
use crate::net;
use hsrc_shared::money;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The state of the challenge page.
#[derive(Debug, Clone, PartialEq)]
enum Stage {
    Loading,
    Missing,
    Ready(ChallengeView),
    /// The payer chose; the call is in flight.
    Sending(ChallengeView),
    /// Finished with `pass` or `fail`.
    Done(ChallengeView, ChallengeResult),
}

/// The sandbox 3DS challenge page: shows what is being paid, offers pass and fail, then tells the checkout.
pub fn challenge_page(id: String, lang_override: Option<Lang>) -> AnyView {
    let lang = lang_override.unwrap_or(Lang::En);
    browser::set_root_attr("lang", lang.code());
    browser::set_title(Msg::ChallengeTitle.text(lang));
    let stage = Slot::new(Stage::Loading);
    {
        let id = id.clone();
        spawn_local(async move {
            match net::load_challenge(&id).await {
                Ok(challenge) if challenge.is_done() => {
                    let passed = challenge.status == ChallengeStatus::Passed;
                    let result = if passed { ChallengeResult::Pass } else { ChallengeResult::Fail };
                    finish(stage, challenge, result);
                }
                Ok(challenge) => stage.set(Stage::Ready(challenge)),
                Err(_) => stage.set(Stage::Missing),
            }
        });
    }
    let choose = move |result: ChallengeResult| {
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
        Stage::Loading => el("p").class("muted").attr("aria-busy", "true").text(Msg::Loading.text(lang)).view(),
        Stage::Missing => el("p").attr("role", "alert").text(Msg::ChallengeMissing.text(lang)).view(),
        Stage::Ready(view) | Stage::Sending(view) => {
            let sending = matches!(stage.get_untracked(), Stage::Sending(_));
            let button = |class: &'static str, result: ChallengeResult, label: Msg| {
                let choose = choose.clone();
                el("button")
                    .attr("type", "button")
                    .class(class)
                    .attr("data-result", result.as_str())
                    .flag("disabled", sending)
                    .on("click", move |_| choose(result))
                    .text(label.text(lang))
            };
            group(vec![
                facts(view, lang),
                el("div")
                    .class("actions")
                    .kid(button("btn primary", ChallengeResult::Pass, Msg::ChallengePass))
                    .kid(button("btn danger", ChallengeResult::Fail, Msg::ChallengeFail))
                    .view(),
            ])
        }
        Stage::Done(view, result) => {
            let text = match result {
                ChallengeResult::Pass => Msg::ChallengePassed,
                ChallengeResult::Fail => Msg::ChallengeFailed,
            };
            let after = if browser::is_framed() { Msg::ChallengeReturning } else { Msg::ChallengeDoneTopLevel };
            group(vec![
                facts(view, lang),
                el("p")
                    .class("done")
                    .attr("role", "status")
                    .attr("data-result", result.as_str())
                    .text(text.text(lang))
                    .view(),
                el("p").class("muted").text(after.text(lang)).view(),
            ])
        }
    };
    el("div")
        .class("checkout")
        .kid(
            el("section")
                .class("card challenge")
                .attr("aria-labelledby", "challenge-title")
                .kid(
                    el("div")
                        .class("challenge-head")
                        .kid(el("span").class("badge sandbox").text(Msg::Sandbox.text(lang)))
                        .kid(el("span").class("muted").text("3D Secure")),
                )
                .kid(el("h1").id("challenge-title").text(Msg::ChallengeTitle.text(lang)))
                .kid(el("p").text(Msg::ChallengeBody.text(lang)))
                .dyn_view(body),
        )
        .view()
}

/// Records the outcome and tells the checkout that opened us (same origin only).
fn finish(stage: Slot<Stage>, view: ChallengeView, result: ChallengeResult) {
    stage.set(Stage::Done(view, result));
    browser::post_to_parent(&ChallengeMessage::complete(result.as_str()), &browser::own_origin());
}

/// Merchant, amount and card of the challenge.
fn facts(view: ChallengeView, lang: Lang) -> AnyView {
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
    let fact = |term: Msg, value: String, strong: bool| {
        let dd = if strong { el("dd").class("strong") } else { el("dd") };
        el("div").kid(el("dt").text(term.text(lang))).kid(dd.text(value))
    };
    el("dl")
        .class("facts")
        .kid(fact(Msg::Merchant, view.merchant_name, false))
        .kid(fact(Msg::Amount, amount, true))
        .kid(fact(Msg::Card, card, false))
        .view()
}
