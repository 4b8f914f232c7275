//! The browser APIs the console needs, each degrading to a harmless default instead of panicking.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Where the secret key lives when the operator asks us to keep it: this tab only, gone when it closes.
const KEY_SLOT: &str = "hsrc_ops_key";
/// The chosen language (not a secret: kept across tabs).
const LANG_SLOT: &str = "hsrc_ops_lang";

pub use hsrc_webkit::browser::{focus, random_uuid, set_title, window};

fn session_storage() -> Option<web_sys::Storage> {
    window().session_storage().ok().flatten()
}

fn local_storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

pub fn stored_key() -> Option<String> {
    session_storage()?.get_item(KEY_SLOT).ok().flatten().filter(|k| !k.is_empty())
}

pub fn store_key(key: Option<&str>) {
    if let Some(storage) = session_storage() {
        let _ = match key {
            Some(k) => storage.set_item(KEY_SLOT, k),
            None => storage.remove_item(KEY_SLOT),
        };
    }
}

pub fn stored_lang() -> Option<String> {
    local_storage()?.get_item(LANG_SLOT).ok().flatten()
}

pub fn store_lang(code: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(LANG_SLOT, code);
    }
}

/// The browser's preferred language (`tr-TR`).
pub fn navigator_lang() -> Option<String> {
    window().navigator().language()
}

pub fn hash() -> String {
    window().location().hash().unwrap_or_default()
}

pub fn set_hash(hash: &str) {
    let _ = window().location().set_hash(hash);
}

/// Calls `f` whenever the `#…` part of the URL changes (links, back and forward).
pub fn on_hash_change(f: impl Fn() + 'static) {
    let callback = Closure::<dyn Fn()>::new(f);
    let _ = window().add_event_listener_with_callback("hashchange", callback.as_ref().unchecked_ref());
    // Lives as long as the page.
    callback.forget();
}

/// Minutes east of UTC in the reader's zone at that moment (so DST is right for each time shown).
pub fn offset_min(ms: i64) -> i64 {
    let d = js_sys::Date::new(&JsValue::from_f64(ms as f64));
    -(d.get_timezone_offset() as i64)
}

/// Unix seconds of local midnight starting the given day (the console searches in the reader's own days).
pub fn local_midnight_s(year: i32, month: u32, day: u32) -> i64 {
    let d = js_sys::Date::new_with_year_month_day(year as u32, month as i32 - 1, day as i32);
    (d.get_time() / 1000.0) as i64
}

pub fn set_root_lang(code: &str) {
    hsrc_webkit::browser::set_root_attr("lang", code);
}
