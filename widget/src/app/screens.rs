//! The checkout's non-form screens. Each is a [`Panel`] (plain data: icon, title, text, one action, one link)
//! rendered by the one [`panel`] view, which keeps the wasm small; only the 3DS screen has its own view.

use super::challenge::challenge_frame;
use super::{Ctx, Phase};
use crate::flow::Screen;
use crate::i18n::{fill, Lang, Msg};
use crate::lean::dom::{dyn_view, el, nothing};
use leptos::prelude::*;

/// Merchant, amount and the test-mode badge, above every screen once the session is known.
pub fn summary(ctx: Ctx) -> AnyView {
    dyn_view(move || {
        let Some(live) = ctx.session.with(|s| s.as_ref().map(|s| s.livemode)) else {
            return nothing();
        };
        let lang = ctx.lang.get();
        el("header")
            .class("summary")
            .kid(
                el("div")
                    .class("summary-text")
                    .kid(
                        el("p")
                            .class("merchant")
                            .kid(el("span").class("caption").text(Msg::PayTo.text(lang)))
                            .kid(el("span").class("merchant-name").text(ctx.merchant())),
                    )
                    .kid(el("p").class("amount").text(ctx.amount_text())),
            )
            .kid_opt((!live).then(|| el("span").class("badge test").text(Msg::TestMode.text(lang))))
            .view()
    })
}

/// The mood of a result screen; `Busy` shows a spinner instead of an icon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Success,
    Error,
    Warning,
    Neutral,
    Busy,
}

/// What a panel's button does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Reload,
    TryAnotherCard,
    CheckAgain,
}

/// A result screen as data.
pub struct Panel {
    pub tone: Tone,
    pub title: Option<String>,
    /// The one sentence that matters most (a decline reason), emphasized.
    pub lead: Option<String>,
    /// Further paragraphs; `true` marks secondary (muted) text.
    pub lines: Vec<(String, bool)>,
    pub button: Option<(String, Action)>,
    /// A plain link (text, href): the way back to the merchant on the hosted page.
    pub link: Option<(String, String)>,
}

impl Panel {
    fn new(tone: Tone, title: Option<String>) -> Self {
        Self { tone, title, lead: None, lines: Vec::new(), button: None, link: None }
    }

    fn line(mut self, text: impl Into<String>, muted: bool) -> Self {
        self.lines.push((text.into(), muted));
        self
    }
}

/// Renders a panel.
pub fn panel(ctx: Ctx, p: Panel) -> AnyView {
    let Panel { tone, title, lead, lines, button, link } = p;
    let (class, path) = match tone {
        Tone::Success => ("icon success", "M7 12.5l3.2 3.2L17 9"),
        Tone::Error => ("icon error", "M8.5 8.5l7 7M15.5 8.5l-7 7"),
        Tone::Warning => ("icon warning", "M12 7v6M12 16.5v.5"),
        Tone::Neutral | Tone::Busy => ("icon neutral", "M8 12h8"),
    };
    let figure = if tone == Tone::Busy {
        el("span").class("spinner large").attr("aria-hidden", "true")
    } else {
        // A fixed icon from the table above (no payer or API data), so markup is safe here; it keeps SVG
        // namespacing to the parser instead of the renderer.
        el("div").class("icon-box").attr("aria-hidden", "true").prop_text("innerHTML", move || {
            format!(
                r#"<svg class="{class}" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><circle cx="12" cy="12" r="11"></circle><path d="{path}"></path></svg>"#
            )
        })
    };
    let mut result = el("div")
        .class("result")
        .attr_opt("aria-busy", (tone == Tone::Busy).then_some("true"))
        .kid(figure)
        .kid_opt(title.map(|t| el("h2").id("screen-title").attr("tabindex", "-1").text(t)))
        .kid_opt(lead.map(|t| el("p").class("reason").text(t)));
    for (text, muted) in lines {
        let p = if muted { el("p").class("muted") } else { el("p") };
        result = result.kid(p.text(text));
    }
    if let Some((text, action)) = button {
        result = result.kid(
            el("button")
                .attr("type", "button")
                .class("btn primary")
                .on("click", move |_| match action {
                    Action::Reload => ctx.load(),
                    Action::TryAnotherCard => ctx.try_another_card(),
                    Action::CheckAgain => ctx.poll_outcome(true),
                })
                .text(text),
        );
    }
    result.kid_opt(link.map(|(text, href)| el("a").class("btn secondary").attr("href", href).text(text))).view()
}

/// The view of the checkout's current phase.
pub fn phase_view(ctx: Ctx, phase: Phase) -> AnyView {
    let t = move |m: Msg| ctx.t(m).to_string();
    let p = match phase {
        Phase::Loading => Panel::new(Tone::Busy, None).line(t(Msg::Loading), true),
        Phase::Invalid => invalid_link(ctx.lang.get_untracked()),
        Phase::Offline => Panel {
            button: Some((t(Msg::TryAgain), Action::Reload)),
            ..Panel::new(Tone::Warning, None).line(t(Msg::NetworkError), false)
        },
        Phase::Show(Screen::Form) => return super::form_view::payment_form(),
        Phase::Show(Screen::Action { url }) => return action_view(ctx, url),
        Phase::Show(Screen::Processing) => {
            return dyn_view(move || {
                let p = if ctx.gave_up.get() {
                    Panel {
                        button: Some((t(Msg::CheckAgain), Action::CheckAgain)),
                        ..Panel::new(Tone::Warning, Some(t(Msg::ProcessingTitle)))
                            .line(ctx.say(Msg::StillProcessingBody), false)
                    }
                } else {
                    Panel::new(Tone::Busy, Some(t(Msg::ProcessingTitle))).line(t(Msg::ProcessingBody), false)
                };
                panel(ctx, p)
            });
        }
        Phase::Show(Screen::Declined { reason, attempts_remaining }) => Panel {
            lead: Some(t(reason)),
            button: Some((t(Msg::TryAnotherCard), Action::TryAnotherCard)),
            ..Panel::new(Tone::Error, Some(t(Msg::DeclinedTitle)))
                .line(fill(ctx.t(Msg::AttemptsLeft), &[("n", &attempts_remaining.to_string())]), true)
        },
        Phase::Show(Screen::Completed) => {
            let mut p = Panel::new(Tone::Success, Some(t(Msg::CompletedTitle))).line(paid_text(ctx), false);
            // The receipt of a payment in installments: count × installment, the total charged, the order amount.
            let plan = ctx.session.with_untracked(|s| {
                let s = s.as_ref()?;
                crate::installments::receipt_line(
                    s.payment.installments.as_ref()?,
                    &s.currency,
                    ctx.lang.get_untracked(),
                )
            });
            if let Some(line) = plan {
                p = p.line(line, false);
            }
            if let Some((href, _)) = ctx.hosted_exit(&Screen::Completed) {
                p = p.line(ctx.say(Msg::Redirecting), true);
                p.link = Some((ctx.say(Msg::BackToMerchant), href));
            }
            p
        }
        Phase::Show(Screen::Failed { reason }) => {
            final_panel(ctx, Tone::Error, Msg::FailedTitle, reason, Msg::FailedBody)
        }
        Phase::Show(Screen::Expired) => final_panel(ctx, Tone::Warning, Msg::ExpiredTitle, None, Msg::ExpiredBody),
        Phase::Show(Screen::Cancelled) => {
            let mut p = final_panel(ctx, Tone::Neutral, Msg::CancelledTitle, None, Msg::CancelledBody);
            if ctx.hosted_exit(&Screen::Cancelled).is_some() {
                p = p.line(ctx.say(Msg::Redirecting), true);
            }
            p
        }
    };
    panel(ctx, p)
}

/// "You paid …": the payment's amount, which is the plan's total when the payer paid installment interest.
fn paid_text(ctx: Ctx) -> String {
    let paid = ctx.session.with_untracked(|s| s.as_ref().map(|s| s.payment.amount));
    let amount = paid.map(|a| ctx.amount_text_of(a)).unwrap_or_default();
    fill(ctx.t(Msg::CompletedBody), &[("amount", &amount), ("merchant", &ctx.merchant())])
}

/// The panel of an invalid link.
fn invalid_link(lang: Lang) -> Panel {
    Panel::new(Tone::Error, Some(Msg::InvalidLinkTitle.text(lang).into())).line(Msg::InvalidLinkBody.text(lang), false)
}

/// A final screen, with the way back to the merchant on the hosted page.
fn final_panel(ctx: Ctx, tone: Tone, title: Msg, reason: Option<Msg>, body: Msg) -> Panel {
    Panel {
        lead: reason.map(|r| ctx.t(r).to_string()),
        link: ctx.back_link().map(|href| (ctx.say(Msg::BackToMerchant), href)),
        ..Panel::new(tone, Some(ctx.t(title).into())).line(ctx.say(body), false)
    }
}

/// 3DS: the challenge opens inside the checkout.
fn action_view(ctx: Ctx, url: String) -> AnyView {
    el("div")
        .class("action")
        .kid(el("h2").id("screen-title").attr("tabindex", "-1").text(ctx.t(Msg::ActionTitle)))
        .kid(el("p").class("muted").text(ctx.t(Msg::ActionBody)))
        .child(challenge_frame(ctx, url, move || ctx.challenge_done()))
        .view()
}
