//! The Leptos UI. [`Ctx`] holds the checkout's signals and drives the flow (load, confirm, poll, cancel, expiry);
//! components in the submodules render one piece each and call back into it.

#[cfg(feature = "card-element")]
mod card_page;
mod challenge;
#[cfg(feature = "challenge")]
mod challenge_page;
mod fields;
mod form_view;
mod payer_actions;
mod plans_view;
mod polls;
mod screens;
mod takeover;

pub(crate) use crate::lean::slot::Slot;

use crate::browser;
use crate::flow::{screen_for, ParentMessage, Screen};
use crate::form::{FieldErrors, FormState, Requirements};
use crate::i18n::{fill, Lang, Msg};
use crate::lean::dom::el;
use crate::mode::{is_http_url, pick_lang, with_query_param, Mode};
use crate::net::{self, FetchError};
use hsrc_shared::api::PayerSessionView;
use hsrc_shared::error::codes;
use hsrc_shared::money;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering::Relaxed};
use std::sync::Mutex;
use std::time::Duration;
use wasm_bindgen::JsCast;

/// Mounts the app into `#app` (replacing the shell's loading placeholder; over a form the edge rendered, `boot.js`
/// made `#app` a second, hidden root: [`takeover`]), or the body when there is none.
pub fn mount() {
    let path = browser::pathname();
    // The card element names its merchant by publishable key (`key`), the checkout by session token.
    let id_param = if path.starts_with("/elements/") { "key" } else { "token" };
    let mode = Mode::detect(&path, browser::query_param(id_param), browser::query_param("origin"));
    browser::set_root_attr("data-mode", mode.css_name());
    let root = document().get_element_by_id("app").and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
    match root {
        Some(root) => {
            root.set_inner_html("");
            leptos::mount::mount_to(root, move || app(mode)).forget();
        }
        None => leptos::mount::mount_to_body(move || app(mode)),
    }
}

/// Picks the page for the mode: the checkout form, or (challenge bundle) the 3DS challenge page. Each bundle
/// shows the invalid-link page for the other's paths (`boot.js` never loads it there).
fn app(mode: Mode) -> AnyView {
    let lang_override = browser::query_param("locale").and_then(|l| Lang::parse(&l));
    match mode {
        #[cfg(not(any(feature = "challenge", feature = "card-element")))]
        Mode::Embed { token, parent_origin } => checkout_page(token, parent_origin, false, lang_override),
        #[cfg(not(any(feature = "challenge", feature = "card-element")))]
        Mode::Hosted { token } => checkout_page(token, None, true, lang_override),
        #[cfg(feature = "card-element")]
        Mode::CardElement { key, parent_origin } => card_page::card_page(key, parent_origin, lang_override),
        #[cfg(feature = "challenge")]
        Mode::Challenge { id } => challenge_page::challenge_page(id, lang_override),
        _ => {
            let lang = lang_override.unwrap_or_default();
            el("div")
                .class("checkout")
                .kid(
                    el("section").class("card").kid(
                        el("div")
                            .class("result")
                            .kid(el("h2").id("screen-title").text(Msg::InvalidLinkTitle.text(lang)))
                            .kid(el("p").text(Msg::InvalidLinkBody.text(lang))),
                    ),
                )
                .view()
        }
    }
}

/// What the checkout region shows.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Phase {
    /// Fetching the session.
    Loading,
    /// The token is unknown (or the API refused it).
    Invalid,
    /// The session could not be fetched: offer a retry.
    Offline,
    /// A screen of the flow.
    Show(Screen),
}

/// What the page knows for its whole life and never renders from: the token, where messages go, and the
/// bookkeeping of polls and posts. Leaked once per page, so [`Ctx`] stays `Copy` without reactive storage. (The
/// page is single-threaded; atomics and mutexes only satisfy Leptos' `Send + Sync` bounds and cost nothing here.)
pub(crate) struct Page {
    pub token: String,
    /// The merchant page origin the Worker validated (embedded mode); messages go only there.
    pub parent_origin: Option<String>,
    pub hosted: bool,
    pub lang_override: Option<Lang>,
    /// What the session asks of the payer (set once when it loads).
    pub req: Mutex<Requirements>,
    /// Bumped to stop running polls.
    poll_gen: AtomicU32,
    /// Whether the payer has acted in this page (we move focus only then).
    interacted: AtomicBool,
    /// The last lifecycle message posted, so none repeats.
    last_posted: Mutex<Option<(&'static str, String)>>,
}

/// The checkout's reactive state, shared by its components through context. `Copy`, so closures capture it freely.
#[derive(Clone, Copy)]
pub(crate) struct Ctx {
    pub page: &'static Page,
    pub lang: Slot<Lang>,
    pub session: Slot<Option<PayerSessionView>>,
    pub phase: Slot<Phase>,
    pub form: Slot<FormState>,
    pub errors: Slot<FieldErrors>,
    pub submitting: Slot<bool>,
    /// True when the bounded processing poll ran out.
    pub gave_up: Slot<bool>,
    /// A form-level message (network trouble, a refused request); empty when none.
    pub banner: Slot<String>,
    /// Text of the polite live region.
    pub announce: Slot<String>,
    /// Installment plans for the card being typed, and the payer's chosen count (#16).
    pub plans: Slot<crate::installments::PlanState>,
    pub plan_choice: Slot<u32>,
}

/// The checkout context of the current component tree.
pub(crate) fn use_ctx() -> Ctx {
    expect_context::<Ctx>()
}

impl Ctx {
    fn new(token: String, parent_origin: Option<String>, hosted: bool, lang_override: Option<Lang>) -> Self {
        let page = Box::leak(Box::new(Page {
            token,
            parent_origin,
            hosted,
            lang_override,
            req: Mutex::new(Requirements::default()),
            poll_gen: AtomicU32::new(0),
            interacted: AtomicBool::new(false),
            last_posted: Mutex::new(None),
        }));
        Self {
            page,
            lang: Slot::new(lang_override.unwrap_or_default()),
            session: Slot::new(None),
            phase: Slot::new(Phase::Loading),
            form: Slot::new(FormState::default()),
            errors: Slot::new(FieldErrors::new()),
            submitting: Slot::new(false),
            gave_up: Slot::new(false),
            banner: Slot::new(String::new()),
            announce: Slot::new(String::new()),
            plans: Slot::new(Default::default()),
            plan_choice: Slot::new(1),
        }
    }

    /// What the session asks of the payer.
    pub fn req(&self) -> Requirements {
        self.page.req.lock().map(|r| r.clone()).unwrap_or_default()
    }

    /// A message in the checkout's language.
    pub fn t(&self, msg: Msg) -> &'static str {
        msg.text(self.lang.get_untracked())
    }

    /// The session amount in its currency, formatted for the language (`₺125,00`).
    pub fn amount_text(&self) -> String {
        match self.session.with_untracked(|s| s.as_ref().map(|s| s.amount)) {
            Some(amount) => self.amount_text_of(amount),
            None => String::new(),
        }
    }

    /// An amount in the session's currency, formatted for the language.
    pub fn amount_text_of(&self, amount: i64) -> String {
        let lang = self.lang.get_untracked();
        self.session.with_untracked(|s| match s {
            Some(s) => match money::currency(&s.currency) {
                Some(c) => money::format_amount(amount, &c, lang.locale()),
                None => format!("{} {}", amount, s.currency),
            },
            None => String::new(),
        })
    }

    /// The merchant's display name.
    pub fn merchant(&self) -> String {
        self.session.with_untracked(|s| s.as_ref().map(|s| s.merchant.name.clone()).unwrap_or_default())
    }

    /// Fills `{amount}` and `{merchant}` in a message.
    pub fn say(&self, msg: Msg) -> String {
        fill(self.t(msg), &[("amount", &self.amount_text()), ("merchant", &self.merchant())])
    }

    /// Posts a message to the merchant page, if we are embedded and know its origin.
    fn post(&self, message: &ParentMessage) {
        if let Some(origin) = &self.page.parent_origin {
            browser::post_parent_message(message, origin);
        }
    }

    /// Posts a lifecycle message once per (type, status).
    fn post_lifecycle(&self, kind: &'static str) {
        let message = self.session.with_untracked(|s| match s {
            Some(view) => ParentMessage::about(kind, view),
            None => ParentMessage::bare(kind),
        });
        let key = (kind, message.status.clone().unwrap_or_default());
        if let Ok(mut last) = self.page.last_posted.lock() {
            if last.as_ref() == Some(&key) {
                return;
            }
            *last = Some(key);
        }
        self.post(&message);
    }

    /// Stops any running poll.
    fn stop_polls(&self) -> u32 {
        self.page.poll_gen.fetch_add(1, Relaxed).wrapping_add(1)
    }

    /// Whether the poll started as `gen` is still the current one.
    fn polling(&self, gen: u32) -> bool {
        self.page.poll_gen.load(Relaxed) == gen
    }

    /// Shows a screen, runs its side effects when it is a new one ([`Self::on_screen`]) and starts what it needs
    /// (polling for outcomes). Every screen change comes through here, so no reactive `Effect` watches the phase
    /// (the form has none: Leptos' effect machinery was ≈ 4 KB of its wasm).
    pub fn show(&self, screen: Screen) {
        self.stop_polls();
        let new = self.phase.with_untracked(|p| !matches!(p, Phase::Show(s) if *s == screen));
        let next = screen.clone();
        self.phase.set(Phase::Show(screen));
        if new {
            self.on_screen(&next);
        }
        match next {
            Screen::Processing => self.poll_outcome(false),
            Screen::Action { .. } => self.watch_action(),
            _ => {}
        }
    }

    /// Takes a fresh session view; `after_attempt` once the payer has submitted.
    fn apply_view(&self, view: PayerSessionView, after_attempt: bool) {
        let screen = screen_for(&view, after_attempt);
        self.session.set(Some(view));
        self.show(screen);
    }

    /// First load of the session (and "try again" after it failed).
    fn load(&self) {
        let ctx = *self;
        ctx.phase.set(Phase::Loading);
        spawn_local(async move {
            match net::load_session(&ctx.page.token).await {
                Ok(view) => ctx.start(view, false),
                Err(e) => ctx.load_failed(e),
            }
        });
    }

    /// Starts the checkout on its session. `typed`: the page carries the server-rendered form, whose values the
    /// payer may have changed already; they win over the prefill.
    fn start(&self, view: PayerSessionView, typed: bool) {
        let lang = pick_lang(None, Lang::from_locale(view.locale));
        self.lang.set(self.page.lang_override.unwrap_or(lang));
        browser::set_root_attr("lang", self.lang.get_untracked().code());
        let req = Requirements::new(&view.collect, &view.custom_fields);
        let mut form = FormState::prefill(view.customer.as_ref(), view.payer.as_ref());
        if typed {
            takeover::read_typed(&mut form, &req);
        }
        if let Ok(mut slot) = self.page.req.lock() {
            *slot = req;
        }
        let card_typed = !form.card_number.is_empty();
        self.form.set(form);
        self.session.set(Some(view.clone()));
        browser::set_title(&format!("{} · {}", self.merchant(), self.amount_text()));
        self.post(&ParentMessage::about("ready", &view));
        self.apply_view(view, false);
        if card_typed {
            plans_view::card_changed(*self);
        }
        self.watch_expiry();
    }

    fn load_failed(&self, e: FetchError) {
        browser::set_root_attr("lang", self.lang.get_untracked().code());
        match e.code() {
            Some(codes::SESSION_EXPIRED) => self.show(Screen::Expired),
            Some(_) => {
                self.phase.set(Phase::Invalid);
                self.post_lifecycle("failed");
            }
            None => self.phase.set(Phase::Offline),
        }
    }

    /// Reloads the session after a refused request and shows where it stands.
    fn refresh(&self) {
        let ctx = *self;
        spawn_local(async move {
            match net::load_session(&ctx.page.token).await {
                Ok(view) => ctx.apply_view(view, true),
                Err(e) if e.code() == Some(codes::SESSION_EXPIRED) => ctx.show(Screen::Expired),
                Err(_) => ctx.banner.set(ctx.t(Msg::NetworkError).into()),
            }
        });
    }

    /// Side effects of a new screen: tell the merchant page, announce it, move focus, and (hosted) leave.
    fn on_screen(&self, screen: &Screen) {
        if let Some(kind) = screen.event() {
            self.post_lifecycle(kind);
        }
        let announcement = match screen {
            Screen::Form => None,
            Screen::Processing => Some(self.t(Msg::ProcessingTitle).to_string()),
            Screen::Action { .. } => Some(self.t(Msg::ActionBody).to_string()),
            Screen::Declined { reason, .. } => Some(format!("{} {}", self.t(Msg::DeclinedTitle), self.t(*reason))),
            Screen::Completed => Some(self.say(Msg::CompletedTitle)),
            Screen::Failed { .. } => Some(self.t(Msg::FailedTitle).to_string()),
            Screen::Expired => Some(self.t(Msg::ExpiredTitle).to_string()),
            Screen::Cancelled => Some(self.t(Msg::CancelledTitle).to_string()),
        };
        if let Some(text) = announcement {
            self.announce.set(text);
        }
        if self.page.interacted.load(Relaxed) && *screen != Screen::Form {
            request_animation_frame(|| browser::focus_id("screen-title"));
        }
        if self.page.hosted {
            if let Some((url, delay)) = self.hosted_exit(screen) {
                set_timeout(move || browser::navigate(&url), Duration::from_millis(delay));
            }
        }
    }

    /// Where the hosted page goes after a final screen, and after how long.
    pub fn hosted_exit(&self, screen: &Screen) -> Option<(String, u64)> {
        if !self.page.hosted {
            return None;
        }
        self.session.with_untracked(|s| {
            let s = s.as_ref()?;
            match screen {
                Screen::Completed => s
                    .return_url
                    .as_deref()
                    .filter(|u| is_http_url(u))
                    .map(|u| (with_query_param(u, "checkout_session_id", &s.id), 1_500)),
                Screen::Cancelled => s.cancel_url.clone().filter(|u| is_http_url(u)).map(|u| (u, 800)),
                _ => None,
            }
        })
    }

    /// The merchant link offered on final screens of the hosted page.
    pub fn back_link(&self) -> Option<String> {
        if !self.page.hosted {
            return None;
        }
        self.session.with_untracked(|s| {
            let s = s.as_ref()?;
            s.cancel_url.clone().or_else(|| s.return_url.clone()).filter(|u| is_http_url(u))
        })
    }
}

/// The checkout (embedded or hosted): summary, current screen, live region.
fn checkout_page(token: String, parent_origin: Option<String>, hosted: bool, lang_override: Option<Lang>) -> AnyView {
    let ctx = Ctx::new(token, parent_origin, hosted, lang_override);
    provide_context(ctx);
    // The view the Worker inlined into the page starts the form before it is built (no await in between), so the
    // first tree is the form: what [`takeover`] swaps in for the server's markup.
    match net::inline_session() {
        Some(view) => ctx.start(view, takeover::prerendered()),
        None => ctx.load(),
    }
    if let Some(origin) = ctx.page.parent_origin.clone() {
        // Once mounted, report the card's height to the loader whenever it changes.
        request_animation_frame(move || {
            if let Some(el) = document().get_element_by_id("checkout") {
                browser::report_height(&el, origin);
            }
        });
    }
    el("div")
        .class("checkout")
        .id("checkout")
        .kid(
            el("section")
                .class("card")
                .attr("aria-labelledby", "checkout-label")
                .kid(
                    el("h1")
                        .id("checkout-label")
                        .class("visually-hidden")
                        .dyn_text(move || Msg::CheckoutLabel.text(ctx.lang.get()).into()),
                )
                .child(screens::summary(ctx))
                .kid(el("div").class("screen").dyn_view(move || screens::phase_view(ctx, ctx.phase.get()))),
        )
        .kid(
            el("p")
                .class("secured")
                .kid(el("span").class("lock").attr("aria-hidden", "true"))
                .dyn_text(move || Msg::SecuredBy.text(ctx.lang.get()).into()),
        )
        .kid(
            el("div")
                .class("visually-hidden")
                .attr("role", "status")
                .attr("aria-live", "polite")
                .attr("aria-atomic", "true")
                .dyn_text(move || ctx.announce.get()),
        )
        .view()
}
