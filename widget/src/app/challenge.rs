//! 3DS: the frame the checkout opens the challenge in. The page inside it is `challenge_page.rs`, in its own
//! bundle (the `challenge` feature).

use crate::browser;
use crate::challenge::ChallengeMessage;
use crate::i18n::Msg;
use crate::lean::dom::el;
use crate::mode::{is_same_origin_path, with_query_param};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The challenge inside the checkout. Only a same-origin URL is loaded, and only a `challenge_complete` message
/// from that very frame and our own origin counts.
///
/// `url` is the next action's URL (`/checkout/3ds/<id>`); `on_done` runs once the challenge page reports.
pub fn challenge_frame(ctx: super::Ctx, url: String, on_done: impl Fn() + Send + Sync + 'static) -> AnyView {
    let own_origin = browser::own_origin();
    if !is_same_origin_path(&url, &own_origin) {
        return el("p").class("banner").attr("role", "alert").text(ctx.t(Msg::ServiceError)).view();
    }
    let mut src = with_query_param(&url, "locale", ctx.lang.get_untracked().code());
    if let Some(origin) = &ctx.page.parent_origin {
        // The Worker needs the merchant origin to allow this nested frame (frame-ancestors covers every ancestor).
        src = with_query_param(&src, "origin", origin);
    }
    let handle = window_event_listener(leptos::ev::message, move |ev: web_sys::MessageEvent| {
        if ev.origin() != own_origin {
            return;
        }
        let Some(frame_window) = document()
            .get_element_by_id(FRAME_ID)
            .and_then(|f| f.dyn_into::<web_sys::HtmlIFrameElement>().ok())
            .and_then(|f| f.content_window())
        else {
            return;
        };
        let from_frame = ev.source().is_some_and(|source| js_sys::Object::is(&source, &frame_window));
        if !from_frame {
            return;
        }
        let message = js_sys::JSON::stringify(&ev.data())
            .ok()
            .and_then(|s| s.as_string())
            .and_then(|s| crate::lean::json::parse(&s));
        if message.is_some_and(|m| ChallengeMessage::is_completion(&m)) {
            on_done();
        }
    });
    on_cleanup(move || handle.remove());
    el("iframe")
        .class("challenge-frame")
        .id(FRAME_ID)
        .attr("src", src)
        .attr("title", ctx.t(Msg::ChallengeFrameTitle))
        .view()
}

/// The id of the challenge frame, to tell its messages from any other window's.
const FRAME_ID: &str = "challenge-frame";
