//! The card element (#15): card number, expiry and CVC in our iframe on the merchant's page, for API-only
//! payments. The fields, their checks and their words are the checkout form's own (`form::FormState::check`, the
//! `i18n` catalogue); this module adds only what the element tells the merchant page, which never includes a digit
//! of the card.

use crate::form::{Field, FormState, Requirements, YearMonth};
use crate::i18n::{Lang, Msg};
use crate::lean::json::Json;
use hsrc_shared::api::CardInput;
use hsrc_shared::card::CardBrand;
use serde::Serialize;

/// The element's fields, in tab order.
pub const FIELDS: [Field; 3] = [Field::CardNumber, Field::Expiry, Field::Cvc];

/// A field error as `createPaymentMethod()` and `onChange` report it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// Stable: `incomplete_number`, `invalid_number`, `invalid_expiry`, `invalid_cvc`.
    pub code: &'static str,
    /// In the element's language.
    pub message: &'static str,
    /// The API parameter: `card[number]`, `card[exp_month]`, `card[cvc]`.
    pub param: &'static str,
}

/// The message the element posts to the merchant page (`source: "hsrc-checkout"`, like the checkout's).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ElementMessage {
    pub source: &'static str,
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub complete: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub brand: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<FieldError>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_method: Option<CreatedMethod>,
}

/// What `createPaymentMethod()` resolves to: the `pm_…` and what the page may show of the card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreatedMethod {
    pub id: String,
    pub brand: String,
    pub last4: String,
}

impl ElementMessage {
    fn new(kind: &'static str) -> Self {
        Self { source: "hsrc-checkout", kind, id: None, complete: None, brand: None, error: None, payment_method: None }
    }

    pub fn ready() -> Self {
        Self::new("ready")
    }

    /// `onChange`: complete or not, the brand, the first error shown.
    pub fn change(form: &FormState, shown: Option<(Field, Msg)>, now: YearMonth, lang: Lang) -> Self {
        let brand = form.brand();
        Self {
            complete: Some(check(form, now, lang).is_ok()),
            brand: (brand != CardBrand::Unknown).then(|| brand.as_str()),
            error: shown.map(|(field, msg)| field_error(&field, msg, lang)),
            ..Self::new("change")
        }
    }

    pub fn failed(id: i64, error: FieldError) -> Self {
        Self { id: Some(id), error: Some(error), ..Self::new("result") }
    }

    pub fn created(id: i64, method: CreatedMethod) -> Self {
        Self { id: Some(id), payment_method: Some(method), ..Self::new("result") }
    }
}

/// The card if every field is right, else the first field's error (the form's own checks).
pub fn check(form: &FormState, now: YearMonth, lang: Lang) -> Result<CardInput, (Field, FieldError)> {
    let req = Requirements::default();
    for field in FIELDS {
        if let Some(msg) = form.check(&field, &req, now) {
            let error = field_error(&field, msg, lang);
            return Err((field, error));
        }
    }
    form.card_input().ok_or_else(|| (Field::Expiry, field_error(&Field::Expiry, Msg::ExpiryIncomplete, lang)))
}

fn field_error(field: &Field, msg: Msg, lang: Lang) -> FieldError {
    let (code, param) = match (field, msg) {
        (Field::CardNumber, Msg::Required | Msg::CardIncomplete) => ("incomplete_number", "card[number]"),
        (Field::CardNumber, _) => ("invalid_number", "card[number]"),
        (Field::Expiry, _) => ("invalid_expiry", "card[exp_month]"),
        _ => ("invalid_cvc", "card[cvc]"),
    };
    FieldError { code, message: msg.text(lang), param }
}

/// An API error turned into the element's error shape (the field it names, or the card number).
pub fn api_error(code: &str, param: Option<&str>, lang: Lang) -> FieldError {
    let field = param.and_then(Field::from_param).unwrap_or(Field::CardNumber);
    let msg = crate::i18n::decline_reason(None, Some(code));
    FieldError { message: msg.text(lang), ..field_error(&field, Msg::CardInvalid, lang) }
}

/// A `create_payment_method` request from the merchant page: its id.
pub fn create_request_id(message: &Json) -> Option<i64> {
    let is = |key: &str, want: &str| matches!(message.get(key), Some(Json::Str(s)) if s == want);
    if !is("source", "hsrc-merchant") || !is("type", "create_payment_method") {
        return None;
    }
    match message.get("id") {
        Some(Json::Int(n)) if *n > 0 => Some(*n),
        _ => None,
    }
}

/// The `pm_…` out of `POST /v1/payment-methods`' answer.
pub fn created_method(answer: &Json) -> Option<CreatedMethod> {
    let pm = answer.get("payment_method")?;
    let text = |j: Option<&Json>| match j {
        Some(Json::Str(s)) => Some(s.clone()),
        _ => None,
    };
    let card = pm.get("card")?;
    Some(CreatedMethod { id: text(pm.get("id"))?, brand: text(card.get("brand"))?, last4: text(card.get("last4"))? })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: YearMonth = YearMonth { year: 2026, month: 12 };

    fn form(number: &str, expiry: &str, cvc: &str) -> FormState {
        let mut f = FormState::default();
        f.set(&Field::CardNumber, number.into());
        f.set(&Field::Expiry, expiry.into());
        f.set(&Field::Cvc, cvc.into());
        f
    }

    #[test]
    fn a_complete_card_gives_the_api_body() {
        let card = check(&form("4242 4242 4242 4242", "12 / 34", "123"), NOW, Lang::En).unwrap();
        assert_eq!((card.number.as_str(), card.exp_month, card.exp_year), ("4242424242424242", 12, 2034));
    }

    #[test]
    fn the_first_wrong_field_is_reported_in_the_element_language() {
        let (field, e) = check(&form("4242 4242 4242 4241", "12 / 34", "123"), NOW, Lang::Tr).unwrap_err();
        assert_eq!((field, e.code, e.param), (Field::CardNumber, "invalid_number", "card[number]"));
        assert_eq!(e.message, Msg::CardInvalid.text(Lang::Tr));
        let (_, e) = check(&form("4242 4242 4242 4242", "01 / 20", "123"), NOW, Lang::En).unwrap_err();
        assert_eq!(e.code, "invalid_expiry");
        let (_, e) = check(&form("4242 4242 4242 4242", "12 / 34", "1"), NOW, Lang::En).unwrap_err();
        assert_eq!(e.code, "invalid_cvc");
        let (_, e) = check(&form("4242", "", ""), NOW, Lang::En).unwrap_err();
        assert_eq!(e.code, "incomplete_number");
    }

    #[test]
    fn messages_to_the_page_never_carry_card_digits() {
        let f = form("4242 4242 4242 4242", "12 / 34", "123");
        let text = serde_json::to_string(&ElementMessage::change(&f, None, NOW, Lang::En)).unwrap();
        assert_eq!(text, r#"{"source":"hsrc-checkout","type":"change","complete":true,"brand":"visa"}"#);
        let created =
            ElementMessage::created(7, CreatedMethod { id: "pm_1".into(), brand: "visa".into(), last4: "4242".into() });
        let text = serde_json::to_string(&created).unwrap();
        assert!(!text.contains("42424242"), "{text}");
    }

    #[test]
    fn only_well_formed_requests_from_the_page_are_taken() {
        let ok =
            crate::lean::json::parse(r#"{"source":"hsrc-merchant","type":"create_payment_method","id":3}"#).unwrap();
        assert_eq!(create_request_id(&ok), Some(3));
        for bad in [
            r#"{"source":"hsrc-checkout","type":"create_payment_method","id":3}"#,
            r#"{"source":"hsrc-merchant","type":"other","id":3}"#,
            r#"{"source":"hsrc-merchant","type":"create_payment_method","id":"3"}"#,
        ] {
            assert_eq!(create_request_id(&crate::lean::json::parse(bad).unwrap()), None, "{bad}");
        }
    }

    #[test]
    fn the_created_method_is_read_from_the_api_answer() {
        let answer = crate::lean::json::parse(
            r#"{"payment_method":{"id":"pm_1","object":"payment_method","type":"card","card":{"brand":"visa","last4":"4242","exp_month":12,"exp_year":2034},"livemode":false,"created_at":1,"expires_at":2}}"#,
        )
        .unwrap();
        assert_eq!(
            created_method(&answer),
            Some(CreatedMethod { id: "pm_1".into(), brand: "visa".into(), last4: "4242".into() })
        );
    }
}
