//! What the payer does on the form: pay (validate, confirm once per key), cancel, try another card after a
//! decline, and how the answers land (a screen, a field error, a banner).

use super::{plans_view, Ctx};
use crate::browser;
use crate::flow::Screen;
use crate::form::{Field, FieldErrors, FormState};
use crate::i18n::{decline_reason, fill, Msg};
use crate::net::{self, FetchError};
use hsrc_shared::api::ConfirmResponse;
use hsrc_shared::error::codes;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::atomic::Ordering::Relaxed;

impl Ctx {
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
}
