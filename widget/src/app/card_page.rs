//! The card element page (`/elements/card`, #15), built only into its own bundle (the `card-element` feature):
//! the checkout form's card fields, alone, in the merchant's page. It answers `create_payment_method` requests from
//! that page (exact origin, its own window only) by tokenising the card at the edge; the page gets back the `pm_…`,
//! brand and last4, never the card.

use super::{form_view, Ctx};
use crate::browser;
use crate::card_element::{self, ElementMessage};
use crate::i18n::Lang;
use crate::net;
use leptos::prelude::*;
use leptos::task::spawn_local;

pub fn card_page(key: String, parent_origin: Option<String>, lang: Option<Lang>) -> AnyView {
    let ctx = Ctx::new(String::new(), parent_origin.clone(), false, lang);
    provide_context(ctx);
    let key: &'static str = Box::leak(key.into_boxed_str());
    let post = move |m: &ElementMessage| {
        if let Some(origin) = &ctx.page.parent_origin {
            browser::post_to_parent(m, origin);
        }
    };
    // onChange: whenever the card or its shown errors change (complete, brand, first error; no digits).
    Effect::new(move |previous: Option<ElementMessage>| {
        let shown = ctx
            .errors
            .with(|e| card_element::FIELDS.into_iter().find_map(|f| e.get(&f).copied().map(|m| (f.clone(), m))));
        let message =
            ctx.form.with(|f| ElementMessage::change(f, shown, browser::this_month(), ctx.lang.get_untracked()));
        if previous.as_ref() != Some(&message) && previous.is_some() {
            post(&message);
        }
        message
    });
    if let Some(origin) = parent_origin {
        let handle = window_event_listener(leptos::ev::message, move |ev: web_sys::MessageEvent| {
            let from_parent = match (ev.source(), browser::window().parent()) {
                (Some(source), Ok(Some(parent))) => js_sys::Object::is(&source, &parent),
                _ => false,
            };
            if ev.origin() != origin || !from_parent {
                return;
            }
            let message = js_sys::JSON::stringify(&ev.data())
                .ok()
                .and_then(|s| s.as_string())
                .and_then(|s| crate::lean::json::parse(&s));
            if let Some(id) = message.as_ref().and_then(card_element::create_request_id) {
                spawn_local(create(ctx, key, id));
            }
        });
        on_cleanup(move || handle.remove());
        let for_height = ctx.page.parent_origin.clone().unwrap_or_default();
        request_animation_frame(move || {
            if let Some(el) = document().get_element_by_id("checkout") {
                browser::report_height(&el, for_height);
            }
            post(&ElementMessage::ready());
        });
    }
    crate::lean::dom::el("div").class("checkout card-element").id("checkout").child(form_view::card_fields(ctx)).view()
}

/// Checks the fields (showing their errors), then `POST /v1/payment-methods` with the publishable key.
async fn create(ctx: Ctx, key: &'static str, id: i64) {
    let lang = ctx.lang.get_untracked();
    let reply = |m: ElementMessage| {
        if let Some(origin) = &ctx.page.parent_origin {
            browser::post_to_parent(&m, origin);
        }
    };
    let card = ctx.form.with_untracked(|f| card_element::check(f, browser::this_month(), lang));
    let card = match card {
        Ok(card) => card,
        Err((field, error)) => {
            let msg = ctx.form.with_untracked(|f| f.check(&field, &Default::default(), browser::this_month()));
            if let Some(msg) = msg {
                ctx.errors.update(|e| {
                    e.insert(field.clone(), msg);
                });
            }
            browser::focus_id(&field.id());
            return reply(ElementMessage::failed(id, error));
        }
    };
    ctx.submitting.set(true);
    let result = net::create_payment_method(key, &card, browser::random_uuid()).await;
    drop(card);
    ctx.submitting.set(false);
    match result {
        Ok(method) => {
            ctx.form.update(|f| f.clear_card());
            reply(ElementMessage::created(id, method))
        }
        Err(e) => {
            let (code, param) = match &e {
                net::FetchError::Api(api) => (api.code.clone(), api.param.clone()),
                _ => ("processing_error".to_string(), None),
            };
            reply(ElementMessage::failed(id, card_element::api_error(&code, param.as_deref(), lang)))
        }
    }
}
