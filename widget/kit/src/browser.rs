//! The browser calls both bundles make, each degrading to a harmless default instead of panicking.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The window; both bundles only ever run in one.
pub fn window() -> web_sys::Window {
    js_sys::global().unchecked_into()
}

/// Resolves after `ms` milliseconds.
pub async fn sleep(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
    });
    let _ = JsFuture::from(promise).await;
}

/// A fresh `Idempotency-Key` (CSPRNG-backed `crypto.randomUUID`).
pub fn random_uuid() -> String {
    match window().crypto() {
        Ok(crypto) => crypto.random_uuid(),
        // Without Web Crypto there is no safe key: fall back to time + Math.random, still unique per action.
        Err(_) => format!("{}-{}", js_sys::Date::now() as u64, (js_sys::Math::random() * 1e15) as u64),
    }
}

/// Moves keyboard focus to the element with this id (a first invalid field, a heading, a dialog's button).
pub fn focus(id: &str) {
    if let Some(el) = window()
        .document()
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

/// Sets an attribute on `<html>` (`lang`, `data-mode`).
pub fn set_root_attr(name: &str, value: &str) {
    if let Some(root) = window().document().and_then(|d| d.document_element()) {
        let _ = root.set_attribute(name, value);
    }
}

/// Sets the document title.
pub fn set_title(title: &str) {
    if let Some(doc) = window().document() {
        doc.set_title(title);
    }
}
