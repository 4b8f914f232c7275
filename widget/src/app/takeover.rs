//! Taking over the form the edge server-rendered into the embed page (`crate::markup`): the payer may already be
//! typing into it when the wasm starts. `static/boot.js` renames the served root (`#app-served`) and puts an empty,
//! hidden `#app` after it, which the app mounts into as usual; while it builds, the app reads what was typed into
//! its form state from the served inputs (first in document order, so found by id). Once the wasm has started,
//! boot.js swaps the roots and puts focus and caret back — all before the next task, so no key the payer presses
//! falls between reading and swapping. (In boot.js rather than here: the same steps in Rust cost the wasm 1.1 KB of
//! DOM bindings against its size budget.)

use crate::card_input::{format_card_number, format_expiry, sanitize_cvc};
use crate::form::{Field, FormState, Requirements};
use leptos::prelude::document;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;

/// Whether the page carries the server-rendered form (its root is marked `data-prerendered`; only that form has
/// inputs before the wasm builds its own, so their presence is the test).
pub fn prerendered() -> bool {
    document().get_element_by_id("f-card-number").is_some()
}

/// The current value of the server's input or select with this id (both have a `value` property; read through the
/// input binding, one import fewer).
fn value_of(id: &str) -> String {
    match document().get_element_by_id(id) {
        Some(el) => el.unchecked_ref::<HtmlInputElement>().value(),
        None => String::new(),
    }
}

/// Reads what the payer typed into the server's form into `form` (formatted as the wasm's inputs format it).
/// Called while the app builds, before its own inputs exist.
pub fn read_typed(form: &mut FormState, req: &Requirements) {
    if let Some(same) = document().get_element_by_id("f-same-as-billing") {
        form.shipping_same_as_billing = same.unchecked_ref::<HtmlInputElement>().checked();
    }
    for field in form.fields(req) {
        let id = field.id();
        if document().get_element_by_id(&id).is_none() {
            continue;
        }
        let raw = value_of(&id);
        let value = match field {
            Field::CardNumber => format_card_number(&raw, 0).value,
            Field::Expiry => format_expiry(&raw),
            Field::Cvc => sanitize_cvc(&raw),
            _ => raw,
        };
        form.set(&field, value);
    }
}
