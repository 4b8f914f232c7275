//! Thin wrappers over the browser APIs the app needs: the page URL, timers, randomness, the clock and messages to
//! the embedding page. Every fallible call degrades to a harmless default instead of panicking.

use crate::flow::ParentMessage;
use crate::form::YearMonth;
pub use hsrc_webkit::browser::{focus as focus_id, random_uuid, set_root_attr, set_title, sleep, window};
#[cfg(any(feature = "challenge", feature = "card-element"))]
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The page's own origin (`http://127.0.0.1:8787`).
pub fn own_origin() -> String {
    window().location().origin().unwrap_or_default()
}

/// The page path (`/checkout/embed`).
pub fn pathname() -> String {
    window().location().pathname().unwrap_or_default()
}

/// A decoded query parameter of the page URL.
pub fn query_param(name: &str) -> Option<String> {
    let search = window().location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search).ok()?.get(name)
}

/// Navigates the whole page (hosted mode only; callers check the URL first).
pub fn navigate(url: &str) {
    let _ = window().location().assign(url);
}

/// Unix seconds by the browser's clock.
pub fn now_secs() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// This month, for the expiry check.
pub fn this_month() -> YearMonth {
    let d = js_sys::Date::new_0();
    YearMonth { year: d.get_full_year() as i32, month: d.get_month() + 1 }
}

/// Whether the page runs inside a frame.
pub fn is_framed() -> bool {
    match (window().parent(), window().top()) {
        (Ok(Some(parent)), _) => !js_sys::Object::is(&parent, &window()),
        _ => false,
    }
}

/// Serializes a message to a plain JS object.
#[cfg(any(feature = "challenge", feature = "card-element"))]
fn to_js<T: Serialize>(value: &T) -> Option<JsValue> {
    let json = serde_json::to_string(value).ok()?;
    js_sys::JSON::parse(&json).ok()
}

/// Posts `message` to the parent window, only to `target_origin` (never `*`).
#[cfg(any(feature = "challenge", feature = "card-element"))]
pub fn post_to_parent<T: Serialize>(message: &T, target_origin: &str) {
    if target_origin.is_empty() || target_origin == "*" || !is_framed() {
        return;
    }
    let (Some(data), Ok(Some(parent))) = (to_js(message), window().parent()) else {
        return;
    };
    let _ = parent.post_message(&data, target_origin);
}

/// Posts a message to the merchant page (only to `target_origin`, never `*`) as a plain object built field by field:
/// the form's most frequent message needs no serializer (the same object `post_to_parent` would send).
pub fn post_parent_message(message: &ParentMessage, target_origin: &str) {
    if target_origin.is_empty() || target_origin == "*" || !is_framed() {
        return;
    }
    let Ok(Some(parent)) = window().parent() else { return };
    let data = js_sys::Object::new();
    let set = |key: &str, value: JsValue| {
        let _ = js_sys::Reflect::set(&data, &JsValue::from_str(key), &value);
    };
    set("source", message.source.into());
    set("type", message.kind.into());
    if let Some(height) = message.height {
        set("height", height.into());
    }
    for (key, value) in [
        ("checkout_session_id", &message.checkout_session_id),
        ("payment_id", &message.payment_id),
        ("status", &message.status),
    ] {
        if let Some(value) = value {
            set(key, value.as_str().into());
        }
    }
    let _ = parent.post_message(&data, target_origin);
}

/// Tells the loader the content height whenever `element` changes size.
pub fn report_height(element: &web_sys::Element, parent_origin: String) {
    let target = element.clone();
    let mut last = 0u32;
    let callback = Closure::<dyn FnMut()>::new(move || {
        let height = target.get_bounding_client_rect().height().ceil().max(0.0) as u32;
        if height != last {
            last = height;
            post_parent_message(&ParentMessage::resize(height), &parent_origin);
        }
    });
    if let Ok(observer) = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()) {
        observer.observe(element);
        // The observer and its callback live as long as the page.
        callback.forget();
        std::mem::forget(observer);
    }
}

/// The text of the element with this id, which is removed (a data block the server put into the page, read once).
pub fn take_text(id: &str) -> Option<String> {
    let el = window().document()?.get_element_by_id(id)?;
    let text = el.text_content();
    el.remove();
    text
}
