//! Thin wrappers over the browser APIs the app needs: the page URL, timers, randomness, the clock and messages to
//! the embedding page. Every fallible call degrades to a harmless default instead of panicking.

use crate::flow::ParentMessage;
use crate::form::YearMonth;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The window; the app only ever runs in one.
pub fn window() -> web_sys::Window {
    leptos::prelude::window()
}

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

/// Resolves after `ms` milliseconds.
pub async fn sleep(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
    });
    let _ = JsFuture::from(promise).await;
}

/// A random UUID for `Idempotency-Key` (CSPRNG-backed `crypto.randomUUID`).
pub fn random_uuid() -> String {
    match window().crypto() {
        Ok(crypto) => crypto.random_uuid(),
        // Without Web Crypto there is no safe key: fall back to time + Math.random, still unique per submit.
        Err(_) => format!("{}-{}", js_sys::Date::now() as u64, (js_sys::Math::random() * 1e15) as u64),
    }
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
fn to_js<T: Serialize>(value: &T) -> Option<JsValue> {
    let json = serde_json::to_string(value).ok()?;
    js_sys::JSON::parse(&json).ok()
}

/// Posts `message` to the parent window, only to `target_origin` (never `*`).
pub fn post_to_parent<T: Serialize>(message: &T, target_origin: &str) {
    if target_origin.is_empty() || target_origin == "*" || !is_framed() {
        return;
    }
    let (Some(data), Ok(Some(parent))) = (to_js(message), window().parent()) else {
        return;
    };
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
            post_to_parent(&ParentMessage::resize(height), &parent_origin);
        }
    });
    if let Ok(observer) = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()) {
        observer.observe(element);
        // The observer and its callback live as long as the page.
        callback.forget();
        std::mem::forget(observer);
    }
}

/// Moves keyboard focus to the element with this id (first invalid field, a screen's heading).
pub fn focus_id(id: &str) {
    if let Some(el) = window().document().and_then(|d| d.get_element_by_id(id)) {
        if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
            let _ = el.focus();
        }
    }
}

/// Sets an attribute on `<html>` (`lang`, `data-mode`).
pub fn set_root_attr(name: &str, value: &str) {
    if let Some(root) = window().document().and_then(|d| d.document_element()) {
        let _ = root.set_attribute(name, value);
    }
}

/// The text of the element with this id, which is removed (a data block the server put into the page, read once).
pub fn take_text(id: &str) -> Option<String> {
    let el = window().document()?.get_element_by_id(id)?;
    let text = el.text_content();
    el.remove();
    text
}

/// Sets the document title.
pub fn set_title(title: &str) {
    if let Some(doc) = window().document() {
        doc.set_title(title);
    }
}
