//! Labelled inputs bound to [`crate::form::FormState`]: each has a real `<label>`, `aria-invalid` and an error
//! message tied to it with `aria-describedby`.

use super::{use_ctx, Ctx};
use crate::form::Field;
use crate::i18n::Msg;
pub use crate::input_kind::InputKind;
use crate::lean::dom::{el, El};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Re-checks one field and shows or clears its message.
fn recheck(ctx: Ctx, field: &Field) {
    let req = ctx.req();
    let problem = ctx.form.with_untracked(|f| f.check(field, &req, crate::browser::this_month()));
    ctx.errors.update(|errors| match problem {
        Some(msg) => {
            errors.insert(field.clone(), msg);
        }
        None => {
            errors.remove(field);
        }
    });
}

/// The reactive error message of a field (read in views and effects, it follows the form's errors).
#[derive(Clone)]
struct ErrorOf {
    ctx: Ctx,
    field: std::sync::Arc<Field>,
}

impl ErrorOf {
    fn new(ctx: Ctx, field: &Field) -> Self {
        Self { ctx, field: std::sync::Arc::new(field.clone()) }
    }

    fn get(&self) -> Option<Msg> {
        self.ctx.errors.with(|e| e.get(&*self.field).copied())
    }
}

/// A label's text with "(optional)" when the field may stay empty.
fn label_text(ctx: Ctx, label: String, optional: bool) -> String {
    if optional {
        format!("{label} ({})", ctx.t(Msg::Optional))
    } else {
        label
    }
}

/// The message element under a field; empty (and silent) while the field is fine.
fn error_text(ctx: Ctx, id: String, error: ErrorOf) -> El {
    el("p").class("field-error").id(id).dyn_text(move || error.get().map(|m| ctx.t(m)).unwrap_or_default().to_string())
}

/// `class="field"`, plus `invalid` while the field has an error.
fn field_box(error: ErrorOf) -> El {
    el("div").dyn_attr("class", move || Some(if error.get().is_some() { "field invalid" } else { "field" }.into()))
}

/// What a form field shows: which value it edits, its label and behaviour.
pub struct FieldSpec {
    /// Which form value it edits.
    pub field: Field,
    /// The label text.
    pub label: String,
    /// Whether it may stay empty.
    pub optional: bool,
    /// A hint under the label.
    pub hint: Option<Msg>,
    /// Text shown while empty.
    pub placeholder: Option<&'static str>,
}

impl FieldSpec {
    /// A required field with this label.
    pub fn new(field: Field, label: impl Into<String>) -> Self {
        Self { field, label: label.into(), optional: false, hint: None, placeholder: None }
    }

    /// Marks it optional (or not).
    pub fn optional(mut self, optional: bool) -> Self {
        self.optional = optional;
        self
    }

    /// Adds a hint under the label.
    pub fn hint(mut self, hint: Msg) -> Self {
        self.hint = Some(hint);
        self
    }

    /// Sets the placeholder.
    pub fn placeholder(mut self, text: &'static str) -> Self {
        self.placeholder = Some(text);
        self
    }
}

/// A text input with label, hint and error. `adornment` shows inside the input's box on the right (the card
/// brand).
pub fn text_field(spec: FieldSpec, kind: InputKind, adornment: Option<AnyView>) -> AnyView {
    let ctx = use_ctx();
    let FieldSpec { field, label, optional, hint, placeholder } = spec;
    let id = field.id();
    let error_id = field.error_id();
    let hint_id = format!("{id}-hint");
    let error = ErrorOf::new(ctx, &field);
    let value = {
        let field = field.clone();
        move || ctx.form.with(|f| f.value(&field).to_string())
    };
    let on_input = {
        let field = field.clone();
        move |ev: web_sys::Event| {
            let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else {
                return;
            };
            let raw = input.value();
            let caret = input.selection_start().ok().flatten().unwrap_or(raw.encode_utf16().count() as u32);
            let (formatted, new_caret) = kind.format(&raw, caret);
            if formatted != raw {
                input.set_value(&formatted);
                if let Some(c) = new_caret {
                    let _ = input.set_selection_range(c, c);
                }
            }
            ctx.form.update(|f| f.set(&field, formatted));
            if kind == InputKind::CardNumber {
                super::plans_view::card_changed(ctx);
            }
            if ctx.errors.with_untracked(|e| e.contains_key(&field)) {
                recheck(ctx, &field);
            }
        }
    };
    let on_blur = {
        let field = field.clone();
        move |_| {
            if !ctx.form.with_untracked(|f| f.value(&field).trim().is_empty()) {
                recheck(ctx, &field);
            }
        }
    };
    let described_by = {
        let error = error.clone();
        let hint_id = hint.map(|_| hint_id.clone());
        let error_id = error_id.clone();
        move || {
            let error_id = error.get().map(|_| error_id.as_str());
            match (hint_id.as_deref(), error_id) {
                (Some(h), Some(e)) => Some(format!("{h} {e}")),
                (Some(one), None) | (None, Some(one)) => Some(one.to_string()),
                (None, None) => None,
            }
        }
    };
    let mut wrap = el("div").class("input-wrap").kid(
        el("input")
            .id(id.clone())
            .attr("name", id.clone())
            .attr("type", kind.input_type())
            .attr_opt("inputmode", kind.inputmode())
            .attr("autocomplete", kind.autocomplete())
            .attr_opt("maxlength", kind.maxlength())
            .attr_opt("placeholder", placeholder)
            .attr("spellcheck", "false")
            .flag("required", !optional)
            .attr_opt("aria-required", (!optional).then_some("true"))
            .dyn_attr("aria-invalid", {
                let error = error.clone();
                move || error.get().map(|_| "true".into())
            })
            .dyn_attr("aria-describedby", described_by)
            .prop_text("value", value)
            .on("input", on_input)
            .on("blur", on_blur),
    );
    if let Some(adornment) = adornment {
        wrap = wrap.child(adornment);
    }
    field_box(error.clone())
        .kid(el("label").attr("for", id).text(label_text(ctx, label, optional)))
        .kid_opt(hint.map(|h| el("p").class("hint").id(hint_id).text(ctx.t(h))))
        .kid(wrap)
        .kid(error_text(ctx, error_id, error))
        .view()
}

/// A `<select>` with label and error; `choose` adds an empty "Choose…" first option. `options` are
/// `(value, text)` pairs.
pub fn select_field(
    spec: FieldSpec,
    options: Vec<(String, String)>,
    choose: bool,
    autocomplete: Option<&'static str>,
) -> AnyView {
    let ctx = use_ctx();
    let FieldSpec { field, label, optional, .. } = spec;
    let id = field.id();
    let error_id = field.error_id();
    let error = ErrorOf::new(ctx, &field);
    let on_change = {
        let field = field.clone();
        move |ev: web_sys::Event| {
            let value = event_target_value(&ev);
            ctx.form.update(|f| f.set(&field, value));
            recheck(ctx, &field);
        }
    };
    let error_ref = error_id.clone();
    let mut select = el("select")
        .id(id.clone())
        .attr("name", id.clone())
        .attr_opt("autocomplete", autocomplete)
        .flag("required", !optional)
        .dyn_attr("aria-invalid", {
            let error = error.clone();
            move || error.get().map(|_| "true".into())
        })
        .dyn_attr("aria-describedby", {
            let error = error.clone();
            move || error.get().map(|_| error_ref.clone())
        })
        .on("change", on_change);
    if choose {
        select = select.kid(el("option").attr("value", "").text(ctx.t(Msg::ChooseOne)));
    }
    for (value, text) in options {
        let field = field.clone();
        let current = value.clone();
        select = select.kid(
            el("option")
                .attr("value", value)
                .prop_flag("selected", move || ctx.form.with(|f| f.value(&field) == current))
                .text(text),
        );
    }
    field_box(error.clone())
        .kid(el("label").attr("for", id).text(label_text(ctx, label, optional)))
        .kid(el("div").class("input-wrap select").kid(select))
        .kid(error_text(ctx, error_id, error))
        .view()
}
