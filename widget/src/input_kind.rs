//! How a form input behaves: its type, keyboard, autofill and as-you-type formatting. One table for the wasm's
//! inputs (`app::fields`) and the edge-rendered form (`markup`), so both carry the same attributes.

use crate::card_input::{format_card_number, format_expiry, sanitize_cvc};

/// How an input behaves: its type, keyboard, autofill and as-you-type formatting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// Free text with an `autocomplete` hint.
    Text(&'static str),
    Email,
    Phone,
    /// A number typed as text (custom numeric fields).
    Decimal,
    CardNumber,
    Expiry,
    Cvc,
}

impl InputKind {
    /// The `type` attribute.
    pub fn input_type(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Phone => "tel",
            _ => "text",
        }
    }

    /// The `inputmode` attribute (the on-screen keyboard).
    pub fn inputmode(self) -> Option<&'static str> {
        match self {
            Self::Email => Some("email"),
            Self::Phone => Some("tel"),
            Self::Decimal => Some("decimal"),
            Self::CardNumber | Self::Expiry | Self::Cvc => Some("numeric"),
            Self::Text(_) => None,
        }
    }

    /// The `autocomplete` attribute (autofill).
    pub fn autocomplete(self) -> &'static str {
        match self {
            Self::Text(hint) => hint,
            Self::Email => "email",
            Self::Phone => "tel",
            Self::Decimal => "off",
            Self::CardNumber => "cc-number",
            Self::Expiry => "cc-exp",
            Self::Cvc => "cc-csc",
        }
    }

    /// The `maxlength` attribute.
    pub fn maxlength(self) -> Option<&'static str> {
        match self {
            Self::CardNumber => Some("23"),
            Self::Expiry => Some("7"),
            Self::Cvc => Some("4"),
            _ => None,
        }
    }

    /// Reformats what was typed; returns the new value and where the caret goes (when it must move).
    pub fn format(self, raw: &str, caret: u32) -> (String, Option<u32>) {
        match self {
            Self::CardNumber => {
                let f = format_card_number(raw, caret);
                (f.value, Some(f.caret))
            }
            Self::Expiry => (format_expiry(raw), None),
            Self::Cvc => (sanitize_cvc(raw), None),
            _ => (raw.to_string(), None),
        }
    }
}
