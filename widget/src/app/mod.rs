//! The Leptos UI. [`Ctx`] holds the checkout's signals and drives the flow (load, confirm, poll, cancel, expiry);
//! components in the submodules render one piece each and call back into it.

#[cfg(feature = "card-element")]
mod card_page;
mod challenge;
#[cfg(feature = "challenge")]
mod challenge_page;
mod fields;
mod form_view;
mod plans_view;
mod screens;

pub(crate) use crate::lean::slot::Slot;

use crate::browser;
use crate::flow::{action_poll_delay_ms, poll_delay_ms, screen_for, ParentMessage, Screen};
use crate::form::{Field, FieldErrors, FormState, Requirements};
use crate::i18n::{decline_reason, fill, Lang, Msg};
use crate::lean::dom::el;
use crate::mode::{is_http_url, pick_lang, with_query_param, Mode};
use crate::net::{self, FetchError};
use hsrc_shared::api::{ConfirmResponse, PayerSessionView};
use hsrc_shared::error::codes;
use hsrc_shared::lifecycle::SessionStatus;
use hsrc_shared::money;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering::Relaxed};
use std::sync::Mutex;
use std::time::Duration;
use wasm_bindgen::JsCast;

/// Mounts the app into `#app` (replacing the shell's loading placeholder), or the body when there is none.
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

    /// First load of the session.
    fn load(&self) {
        let ctx = *self;
        ctx.phase.set(Phase::Loading);
        spawn_local(async move {
            match net::load_session(&ctx.page.token).await {
                Ok(view) => {
                    let lang = pick_lang(None, Lang::from_locale(view.locale));
                    ctx.lang.set(ctx.page.lang_override.unwrap_or(lang));
                    browser::set_root_attr("lang", ctx.lang.get_untracked().code());
                    if let Ok(mut req) = ctx.page.req.lock() {
                        *req = Requirements::new(&view.collect, &view.custom_fields);
                    }
                    ctx.form.set(FormState::prefill(view.customer.as_ref(), view.payer.as_ref()));
                    ctx.session.set(Some(view.clone()));
                    browser::set_title(&format!("{} · {}", ctx.merchant(), ctx.amount_text()));
                    ctx.post(&ParentMessage::about("ready", &view));
                    ctx.apply_view(view, false);
                    ctx.watch_expiry();
                }
                Err(e) => ctx.load_failed(e),
            }
        });
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

    /// Validates and confirms the payment (once: a submit in flight ignores further clicks).
    pub fn submit(&self) {
        if self.submitting.get_untracked() {
            return;
        }
        self.page.interacted.store(true, Relaxed);
        self.banner.set(String::new());
        let req = self.req();
        let errors = self.form.with_untracked(|f| f.validate(&req, browser::this_month()));
        if !errors.is_empty() {
            let order = self.form.with_untracked(|f| f.fields(&req));
            let first = order.iter().find(|f| errors.contains_key(*f)).cloned();
            self.announce.set(fill(self.t(Msg::FixErrors), &[("n", &errors.len().to_string())]));
            self.errors.set(errors);
            if let Some(field) = first {
                browser::focus_id(&field.id());
            }
            return;
        }
        self.errors.set(FieldErrors::new());
        let Some(mut body) = self.form.with_untracked(|f| f.confirm_request(&req)) else {
            return;
        };
        body.payment_method.installments =
            plans_view::confirm_choice(*self).map(|count| hsrc_shared::installments::InstallmentChoice { count });
        self.submitting.set(true);
        self.announce.set(self.t(Msg::Paying).into());
        let ctx = *self;
        // One key per submit: a retried request replays the first outcome instead of charging again.
        let key = browser::random_uuid();
        spawn_local(async move {
            let result = net::confirm(&ctx.page.token, &body, key).await;
            drop(body);
            ctx.submitting.set(false);
            match result {
                Ok(response) => ctx.confirmed(response),
                Err(e) => ctx.confirm_failed(e),
            }
        });
    }

    fn confirmed(&self, response: ConfirmResponse) {
        let ConfirmResponse { checkout_session: view, confirm_result } = response;
        let action = crate::flow::action_url(confirm_result.payment_next_action.as_ref()).map(str::to_string);
        match action {
            Some(url) if !view.status.is_terminal() => {
                self.session.set(Some(view));
                self.show(Screen::Action { url });
            }
            _ => self.apply_view(view, true),
        }
    }

    fn confirm_failed(&self, e: FetchError) {
        match e {
            FetchError::Network => self.banner.set(self.t(Msg::NetworkError).into()),
            FetchError::Unexpected(_) => self.banner.set(self.t(Msg::ServiceError).into()),
            FetchError::Api(e) => {
                let field = e.param.as_deref().and_then(Field::from_param);
                match (e.code.as_str(), field) {
                    (codes::LIVE_CARD_IN_TEST_MODE, _) => {
                        self.field_error(Field::CardNumber, Msg::DeclineTestCard);
                    }
                    (_, Some(field)) if e.status == 400 => self.field_error(field, Msg::FieldInvalid),
                    (codes::SESSION_EXPIRED, _) => self.show(Screen::Expired),
                    (codes::SESSION_NOT_OPEN | codes::SESSION_PROCESSING | codes::STATE_CONFLICT, _) => self.refresh(),
                    _ if e.status == 402 || e.decline_code.is_some() => {
                        let remaining = self.session.with_untracked(|s| s.as_ref().map(|s| s.attempts_remaining));
                        let reason = decline_reason(e.decline_code.as_deref(), Some(&e.code));
                        self.show(Screen::Declined { reason, attempts_remaining: remaining.unwrap_or_default() });
                        self.refresh();
                    }
                    _ if e.status >= 500 => self.banner.set(self.t(Msg::ServiceError).into()),
                    _ => self.banner.set(e.message),
                }
            }
        }
    }

    fn field_error(&self, field: Field, msg: Msg) {
        self.announce.set(self.t(msg).into());
        self.errors.update(|e| {
            e.insert(field.clone(), msg);
        });
        browser::focus_id(&field.id());
    }

    /// Polls the session until a processing payment settles (bounded, backing off). `now` skips the first wait.
    pub fn poll_outcome(&self, now: bool) {
        let ctx = *self;
        let gen = ctx.stop_polls();
        ctx.gave_up.set(false);
        spawn_local(async move {
            let mut attempt = 0;
            loop {
                let delay = if now && attempt == 0 { Some(0) } else { poll_delay_ms(attempt) };
                let Some(delay) = delay else {
                    ctx.gave_up.set(true);
                    return;
                };
                attempt += 1;
                browser::sleep(delay).await;
                if !ctx.polling(gen) {
                    return;
                }
                match net::load_session(&ctx.page.token).await {
                    Ok(view) if ctx.polling(gen) => {
                        if screen_for(&view, true) != Screen::Processing {
                            ctx.apply_view(view, true);
                            return;
                        }
                        ctx.session.set(Some(view));
                    }
                    Err(e) if e.code() == Some(codes::SESSION_EXPIRED) => {
                        ctx.show(Screen::Expired);
                        return;
                    }
                    _ => {}
                }
            }
        });
    }

    /// While a 3DS challenge is open, looks at the session now and then in case its message never arrives.
    fn watch_action(&self) {
        let ctx = *self;
        let gen = ctx.page.poll_gen.load(Relaxed);
        spawn_local(async move {
            let mut attempt = 0;
            while let Some(delay) = action_poll_delay_ms(attempt) {
                attempt += 1;
                browser::sleep(delay).await;
                if !ctx.polling(gen) {
                    return;
                }
                if let Ok(view) = net::load_session(&ctx.page.token).await {
                    if ctx.polling(gen) && !matches!(screen_for(&view, true), Screen::Action { .. }) {
                        ctx.apply_view(view, true);
                        return;
                    }
                }
            }
        });
    }

    /// The challenge page reported its outcome: look at the session right away.
    pub fn challenge_done(&self) {
        self.page.interacted.store(true, Relaxed);
        self.show(Screen::Processing);
        self.poll_outcome(true);
    }

    /// Shows the expiry screen once the session's time is up (the server has the last word: we ask it).
    fn watch_expiry(&self) {
        let ctx = *self;
        spawn_local(async move {
            let mut checks = 0;
            loop {
                let open = matches!(ctx.phase.get_untracked(), Phase::Show(Screen::Form | Screen::Declined { .. }));
                let expires_at = ctx.session.with_untracked(|s| s.as_ref().map(|s| s.expires_at));
                let Some(expires_at) = expires_at else { return };
                if matches!(ctx.phase.get_untracked(), Phase::Show(ref s) if s.is_final()) {
                    return;
                }
                let left = expires_at - browser::now_secs();
                if !open || left > 0 {
                    let wait = if open { (left.max(0) * 1000 + 300).min(15_000) } else { 5_000 };
                    browser::sleep(wait as u32).await;
                    continue;
                }
                // Past expiry by our clock; the server decides (clocks differ), for at most a few minutes.
                checks += 1;
                if checks > 90 {
                    return;
                }
                match net::load_session(&ctx.page.token).await {
                    Ok(view) if view.status != SessionStatus::Pending => {
                        if matches!(ctx.phase.get_untracked(), Phase::Show(Screen::Form | Screen::Declined { .. })) {
                            ctx.apply_view(view, false);
                        }
                    }
                    Err(e) if e.code() == Some(codes::SESSION_EXPIRED) => ctx.show(Screen::Expired),
                    _ => browser::sleep(2_000).await,
                }
            }
        });
    }

    /// The payer cancels the checkout.
    pub fn cancel(&self) {
        if self.submitting.get_untracked() {
            return;
        }
        self.page.interacted.store(true, Relaxed);
        self.submitting.set(true);
        let ctx = *self;
        let key = browser::random_uuid();
        spawn_local(async move {
            let result = net::cancel(&ctx.page.token, key).await;
            ctx.submitting.set(false);
            match result {
                Ok(view) => ctx.apply_view(view, false),
                Err(e) => ctx.confirm_failed(e),
            }
        });
    }

    /// Back to the form with the card cleared, after a decline.
    pub fn try_another_card(&self) {
        self.page.interacted.store(true, Relaxed);
        self.form.update(FormState::clear_card);
        plans_view::card_changed(*self);
        self.errors.set(FieldErrors::new());
        self.show(Screen::Form);
        request_animation_frame(|| browser::focus_id(&Field::CardNumber.id()));
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
    ctx.load();
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
