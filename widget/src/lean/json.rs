//! Reading API responses into the shared wire types (`hsrc_shared::api`) with a small, non-generic JSON reader.
//!
//! Why not `serde_json::from_str`: every derived `Deserialize` monomorphizes serde_json's parser per type, which
//! cost the widget about 30 KB gzipped, a third of its budget. Here one parser builds a [`Json`] tree and each type
//! reads its fields from it. The types, their wire names and their defaults stay the shared ones: the tests
//! serialize values with the shared serde derives and check that reading them back gives the same values, so the
//! two cannot drift apart unnoticed. Unknown fields are ignored (a newer edge may add some).

use crate::challenge::{ChallengeStatus, ChallengeView};
use hsrc_shared::api::{
    Address, CardDetails, CollectField, ConfirmResponse, ConfirmResult, CustomFieldDef, CustomFieldType, Customer,
    Locale, MerchantDisplay, NextAction, PayerDetails, PayerSessionView, PaymentError, PaymentSummary, RedirectToUrl,
};
use hsrc_shared::error::{ApiError, ErrorType};
use hsrc_shared::lifecycle::{PaymentStatus, SessionStatus};
use std::collections::BTreeMap;

/// A parsed JSON value. Numbers keep their integer value; the API sends no fractions.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Int(i64),
    /// A number with a fraction or exponent (or beyond i64): recognised, not kept.
    Float,
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

/// Parses a JSON document; `None` when it is not valid JSON (or nests deeper than 64 levels).
pub fn parse(text: &str) -> Option<Json> {
    let mut p = Parser { s: text.as_bytes(), i: 0 };
    let value = p.value(0)?;
    p.ws();
    (p.i == p.s.len()).then_some(value)
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while matches!(self.s.get(self.i), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, lit: &[u8]) -> Option<()> {
        self.s.get(self.i..self.i + lit.len()).filter(|b| *b == lit)?;
        self.i += lit.len();
        Some(())
    }

    fn value(&mut self, depth: u8) -> Option<Json> {
        if depth > 64 {
            return None;
        }
        self.ws();
        match *self.s.get(self.i)? {
            b'n' => self.eat(b"null").map(|_| Json::Null),
            b't' => self.eat(b"true").map(|_| Json::Bool(true)),
            b'f' => self.eat(b"false").map(|_| Json::Bool(false)),
            b'"' => self.string().map(Json::Str),
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.eat(b"]").is_some() {
                    return Some(Json::Arr(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    self.ws();
                    if self.eat(b",").is_none() {
                        self.eat(b"]")?;
                        return Some(Json::Arr(items));
                    }
                }
            }
            b'{' => {
                self.i += 1;
                let mut fields = Vec::new();
                self.ws();
                if self.eat(b"}").is_some() {
                    return Some(Json::Obj(fields));
                }
                loop {
                    self.ws();
                    let key = self.string()?;
                    self.ws();
                    self.eat(b":")?;
                    fields.push((key, self.value(depth + 1)?));
                    self.ws();
                    if self.eat(b",").is_none() {
                        self.eat(b"}")?;
                        return Some(Json::Obj(fields));
                    }
                }
            }
            _ => self.number(),
        }
    }

    fn number(&mut self) -> Option<Json> {
        let start = self.i;
        let digits = |p: &mut Self| {
            let from = p.i;
            while p.s.get(p.i).is_some_and(u8::is_ascii_digit) {
                p.i += 1;
            }
            p.i > from
        };
        if self.s.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        if !digits(self) {
            return None;
        }
        let mut integral = true;
        if self.s.get(self.i) == Some(&b'.') {
            self.i += 1;
            integral = false;
            if !digits(self) {
                return None;
            }
        }
        if matches!(self.s.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            integral = false;
            if matches!(self.s.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if !digits(self) {
                return None;
            }
        }
        let text = std::str::from_utf8(&self.s[start..self.i]).ok()?;
        Some(if integral { text.parse().map(Json::Int).unwrap_or(Json::Float) } else { Json::Float })
    }

    fn hex4(&mut self) -> Option<u32> {
        let text = std::str::from_utf8(self.s.get(self.i..self.i + 4)?).ok()?;
        self.i += 4;
        u32::from_str_radix(text, 16).ok()
    }

    fn string(&mut self) -> Option<String> {
        self.eat(b"\"")?;
        let mut out = Vec::new();
        loop {
            let b = *self.s.get(self.i)?;
            self.i += 1;
            match b {
                b'"' => return String::from_utf8(out).ok(),
                b'\\' => {
                    let e = *self.s.get(self.i)?;
                    self.i += 1;
                    let c = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hi = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&hi) {
                                self.eat(b"\\u")?;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return None;
                                }
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            } else {
                                hi
                            };
                            char::from_u32(code)?
                        }
                        _ => return None,
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                0..=0x1f => return None,
                _ => out.push(b),
            }
        }
    }
}

impl Json {
    /// A field of an object (`None` for other values or a missing key).
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// A type read from a [`Json`] value the way its serde derive writes it.
pub trait FromJson: Sized {
    fn from_json(j: &Json) -> Option<Self>;
}

/// A required field.
pub(crate) fn req<T: FromJson>(j: &Json, key: &str) -> Option<T> {
    T::from_json(j.get(key)?)
}

/// An optional field: missing and `null` are `None`; a present value must read.
pub(crate) fn opt<T: FromJson>(j: &Json, key: &str) -> Option<Option<T>> {
    match j.get(key) {
        None | Some(Json::Null) => Some(None),
        Some(v) => T::from_json(v).map(Some),
    }
}

/// A field with a serde default (missing or `null` gives the default).
fn or_default<T: FromJson + Default>(j: &Json, key: &str) -> Option<T> {
    opt(j, key).map(Option::unwrap_or_default)
}

impl FromJson for String {
    fn from_json(j: &Json) -> Option<Self> {
        j.str().map(str::to_string)
    }
}

/// Ids as the edge sends them (it minted them; the shared types check prefixes on the way in, not here).
macro_rules! id_from_json {
    ($($id:ty),+) => {$(
        impl FromJson for $id {
            fn from_json(j: &Json) -> Option<Self> {
                String::from_json(j).map(<$id>::from)
            }
        }
    )+};
}

id_from_json!(hsrc_shared::api::SessionId, hsrc_shared::api::PaymentId, hsrc_shared::api::ChallengeId);

impl FromJson for bool {
    fn from_json(j: &Json) -> Option<Self> {
        match j {
            Json::Bool(b) => Some(*b),
            _ => None,
        }
    }
}

impl FromJson for i64 {
    fn from_json(j: &Json) -> Option<Self> {
        match j {
            Json::Int(n) => Some(*n),
            _ => None,
        }
    }
}

impl FromJson for u32 {
    fn from_json(j: &Json) -> Option<Self> {
        i64::from_json(j).and_then(|n| u32::try_from(n).ok())
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(j: &Json) -> Option<Self> {
        match j {
            Json::Arr(items) => items.iter().map(T::from_json).collect(),
            _ => None,
        }
    }
}

impl FromJson for BTreeMap<String, String> {
    fn from_json(j: &Json) -> Option<Self> {
        match j {
            Json::Obj(fields) => {
                let mut map = BTreeMap::new();
                for (k, v) in fields {
                    map.insert(k.clone(), String::from_json(v)?);
                }
                Some(map)
            }
            _ => None,
        }
    }
}

/// Enums written as one of a fixed set of strings.
macro_rules! string_enum {
    ($ty:ty { $($wire:literal => $value:expr),* $(,)? }) => {
        impl FromJson for $ty {
            fn from_json(j: &Json) -> Option<Self> {
                match j.str()? {
                    $($wire => Some($value),)*
                    _ => None,
                }
            }
        }
    };
}

string_enum!(Locale { "tr" => Locale::Tr, "en" => Locale::En });
string_enum!(CollectField {
    "phone" => CollectField::Phone,
    "billing_address" => CollectField::BillingAddress,
    "shipping_address" => CollectField::ShippingAddress,
});
string_enum!(CustomFieldType {
    "text" => CustomFieldType::Text,
    "numeric" => CustomFieldType::Numeric,
    "dropdown" => CustomFieldType::Dropdown,
});
string_enum!(ErrorType {
    "invalid_request_error" => ErrorType::InvalidRequestError,
    "authentication_error" => ErrorType::AuthenticationError,
    "permission_error" => ErrorType::PermissionError,
    "idempotency_error" => ErrorType::IdempotencyError,
    "card_error" => ErrorType::CardError,
    "rate_limit_error" => ErrorType::RateLimitError,
    "api_error" => ErrorType::ApiError,
});

impl FromJson for SessionStatus {
    fn from_json(j: &Json) -> Option<Self> {
        SessionStatus::parse(j.str()?)
    }
}

impl FromJson for ChallengeStatus {
    fn from_json(j: &Json) -> Option<Self> {
        ChallengeStatus::parse(j.str()?)
    }
}

impl FromJson for PaymentStatus {
    fn from_json(j: &Json) -> Option<Self> {
        PaymentStatus::parse(j.str()?)
    }
}

impl FromJson for Customer {
    fn from_json(j: &Json) -> Option<Self> {
        Some(Customer { name: opt(j, "name")?, email: opt(j, "email")?, phone: opt(j, "phone")? })
    }
}

impl FromJson for Address {
    fn from_json(j: &Json) -> Option<Self> {
        Some(Address {
            line1: req(j, "line1")?,
            line2: opt(j, "line2")?,
            city: req(j, "city")?,
            state: opt(j, "state")?,
            postal_code: req(j, "postal_code")?,
            country: req(j, "country")?,
        })
    }
}

impl FromJson for PayerDetails {
    fn from_json(j: &Json) -> Option<Self> {
        Some(PayerDetails {
            name: opt(j, "name")?,
            email: opt(j, "email")?,
            phone: opt(j, "phone")?,
            billing_address: opt(j, "billing_address")?,
            shipping_address: opt(j, "shipping_address")?,
            shipping_same_as_billing: opt(j, "shipping_same_as_billing")?,
            custom_fields: or_default(j, "custom_fields")?,
        })
    }
}

impl FromJson for CustomFieldDef {
    fn from_json(j: &Json) -> Option<Self> {
        Some(CustomFieldDef {
            key: req(j, "key")?,
            label: req(j, "label")?,
            kind: req(j, "type")?,
            required: or_default(j, "required")?,
            options: or_default(j, "options")?,
        })
    }
}

impl FromJson for CardDetails {
    fn from_json(j: &Json) -> Option<Self> {
        Some(CardDetails {
            brand: req(j, "brand")?,
            last4: req(j, "last4")?,
            exp_month: req(j, "exp_month")?,
            exp_year: req(j, "exp_year")?,
            fingerprint: opt(j, "fingerprint")?,
        })
    }
}

impl FromJson for NextAction {
    fn from_json(j: &Json) -> Option<Self> {
        match j.get("type")?.str()? {
            "redirect_user_to_url" => Some(NextAction::RedirectUserToUrl {
                redirect_user_to_url: RedirectToUrl { url: req(j.get("redirect_user_to_url")?, "url")? },
            }),
            _ => None,
        }
    }
}

impl FromJson for PaymentError {
    fn from_json(j: &Json) -> Option<Self> {
        Some(PaymentError { code: req(j, "code")?, decline_code: opt(j, "decline_code")?, message: req(j, "message")? })
    }
}

impl FromJson for PaymentSummary {
    fn from_json(j: &Json) -> Option<Self> {
        Some(PaymentSummary {
            id: req(j, "id")?,
            status: req(j, "status")?,
            amount: req(j, "amount")?,
            currency: req(j, "currency")?,
            card: opt(j, "card")?,
            next_action: opt(j, "next_action")?,
            last_error: opt(j, "last_error")?,
            installments: opt(j, "installments")?,
        })
    }
}

impl FromJson for PayerSessionView {
    fn from_json(j: &Json) -> Option<Self> {
        Some(PayerSessionView {
            id: req(j, "id")?,
            object: req(j, "object")?,
            status: req(j, "status")?,
            amount: req(j, "amount")?,
            currency: req(j, "currency")?,
            expires_at: req(j, "expires_at")?,
            merchant: MerchantDisplay { name: req(j.get("merchant")?, "name")? },
            locale: req(j, "locale")?,
            customer: opt(j, "customer")?,
            collect: req(j, "collect")?,
            custom_fields: req(j, "custom_fields")?,
            metadata: req(j, "metadata")?,
            return_url: opt(j, "return_url")?,
            cancel_url: opt(j, "cancel_url")?,
            secure_mode: req(j, "secure_mode")?,
            livemode: req(j, "livemode")?,
            payer: opt(j, "payer")?,
            attempts_remaining: req(j, "attempts_remaining")?,
            payment: req(j, "payment")?,
            installments: opt(j, "installments")?,
        })
    }
}

/// `{"checkout_session": {…}}`.
pub fn session_envelope(j: &Json) -> Option<PayerSessionView> {
    req(j, "checkout_session")
}

impl FromJson for ConfirmResponse {
    fn from_json(j: &Json) -> Option<Self> {
        let result = j.get("confirmResult")?;
        Some(ConfirmResponse {
            checkout_session: req(j, "checkout_session")?,
            confirm_result: ConfirmResult {
                payment: req(result, "payment")?,
                payment_next_action: opt(result, "paymentNextAction")?,
            },
        })
    }
}

/// `{"error": {…}}`, with the HTTP status (which the body does not carry).
pub fn error_body(j: &Json, status: u16) -> Option<ApiError> {
    let e = j.get("error")?;
    Some(ApiError {
        status,
        kind: req(e, "type")?,
        code: req(e, "code")?,
        message: req(e, "message")?,
        param: opt(e, "param")?,
        decline_code: opt(e, "decline_code")?,
    })
}

impl FromJson for ChallengeView {
    fn from_json(j: &Json) -> Option<Self> {
        Some(ChallengeView {
            id: req(j, "id")?,
            status: req(j, "status")?,
            amount: req(j, "amount")?,
            currency: req(j, "currency")?,
            merchant_name: or_default(j, "merchant_name")?,
            card_brand: opt(j, "card_brand")?,
            card_last4: opt(j, "card_last4")?,
        })
    }
}

/// `{"challenge": {…}}`.
pub fn challenge_envelope(j: &Json) -> Option<ChallengeView> {
    req(j, "challenge")
}

#[cfg(test)]
mod tests {
    use super::*;
    use hsrc_shared::api::challenges::ChallengeEnvelope;
    use hsrc_shared::api::{ConfirmResult, PayerSessionEnvelope};
    use hsrc_shared::error::ErrorBody;

    fn full_view() -> PayerSessionView {
        let address = Address {
            line1: "Bağdat Cd. 1 \"A\"".into(),
            line2: Some("Daire 3".into()),
            city: "İstanbul".into(),
            state: None,
            postal_code: "34710".into(),
            country: "TR".into(),
        };
        PayerSessionView {
            id: "cs_1".into(),
            object: "checkout_session".into(),
            status: SessionStatus::Processing,
            amount: 12500,
            currency: "TRY".into(),
            expires_at: 1_800_000_000,
            merchant: MerchantDisplay { name: "Mağaza \u{1F600} \\ / \n".into() },
            locale: Locale::En,
            customer: Some(Customer { name: Some("Ayşe".into()), email: None, phone: Some("+905321234567".into()) }),
            collect: vec![CollectField::Phone, CollectField::BillingAddress, CollectField::ShippingAddress],
            custom_fields: vec![
                CustomFieldDef {
                    key: "size".into(),
                    label: "Size".into(),
                    kind: CustomFieldType::Dropdown,
                    required: true,
                    options: vec!["S".into(), "M".into()],
                },
                CustomFieldDef {
                    key: "note".into(),
                    label: "Note".into(),
                    kind: CustomFieldType::Text,
                    required: false,
                    options: vec![],
                },
            ],
            metadata: [("order_id".to_string(), "ord_123".to_string())].into_iter().collect(),
            return_url: Some("https://m.example/return".into()),
            cancel_url: None,
            secure_mode: true,
            livemode: false,
            payer: Some(PayerDetails {
                name: Some("Ayşe".into()),
                email: Some("a@example.com".into()),
                phone: None,
                billing_address: Some(address.clone()),
                shipping_address: Some(address),
                shipping_same_as_billing: Some(true),
                custom_fields: [("size".to_string(), "M".to_string())].into_iter().collect(),
            }),
            attempts_remaining: 2,
            payment: PaymentSummary {
                id: "pay_1".into(),
                status: PaymentStatus::RequiresAction,
                amount: 12500,
                currency: "TRY".into(),
                card: Some(CardDetails {
                    brand: "visa".into(),
                    last4: "3220".into(),
                    exp_month: 12,
                    exp_year: 2034,
                    fingerprint: None,
                }),
                next_action: Some(NextAction::RedirectUserToUrl {
                    redirect_user_to_url: RedirectToUrl { url: "/checkout/3ds/ch_1".into() },
                }),
                last_error: Some(PaymentError {
                    code: "card_declined".into(),
                    decline_code: Some("insufficient_funds".into()),
                    message: "Declined.".into(),
                }),
                installments: Some(hsrc_shared::installments::PaymentInstallments {
                    count: 3,
                    installment_amount: 4354,
                    last_installment_amount: 4353,
                    total_amount: 13061,
                    base_amount: 12500,
                    interest_amount: 561,
                    interest_rate: "4.49".into(),
                    interest_paid_by: hsrc_shared::installments::InterestPaidBy::Payer,
                    family: hsrc_shared::bin::CardFamily::Bonus,
                }),
            },
            installments: Some(hsrc_shared::installments::SessionInstallments { enabled: true, max_count: Some(6) }),
        }
    }

    fn minimal_view() -> PayerSessionView {
        let mut v = full_view();
        v.customer = None;
        v.collect = vec![];
        v.custom_fields = vec![];
        v.metadata = BTreeMap::new();
        v.return_url = None;
        v.payer = None;
        v.payment.card = None;
        v.payment.next_action = None;
        v.payment.last_error = None;
        v.payment.installments = None;
        v.installments = None;
        v
    }

    fn read<T: serde::Serialize>(value: &T) -> Json {
        parse(&serde_json::to_string(value).expect("serializes")).expect("parses")
    }

    #[test]
    fn session_views_read_back_exactly_as_the_shared_serde_writes_them() {
        for view in [full_view(), minimal_view()] {
            let envelope = PayerSessionEnvelope { checkout_session: view.clone() };
            assert_eq!(session_envelope(&read(&envelope)), Some(view));
        }
    }

    #[test]
    fn every_status_reads_back() {
        for status in [
            SessionStatus::Pending,
            SessionStatus::Processing,
            SessionStatus::Completed,
            SessionStatus::Expired,
            SessionStatus::Cancelled,
            SessionStatus::Failed,
        ] {
            assert_eq!(SessionStatus::from_json(&read(&status)), Some(status));
        }
        for status in [
            PaymentStatus::Created,
            PaymentStatus::Processing,
            PaymentStatus::RequiresAction,
            PaymentStatus::RequiresPaymentMethod,
            PaymentStatus::Authorized,
            PaymentStatus::Succeeded,
            PaymentStatus::Cancelled,
            PaymentStatus::Failed,
        ] {
            assert_eq!(PaymentStatus::from_json(&read(&status)), Some(status));
        }
        for kind in [
            ErrorType::InvalidRequestError,
            ErrorType::AuthenticationError,
            ErrorType::PermissionError,
            ErrorType::IdempotencyError,
            ErrorType::CardError,
            ErrorType::RateLimitError,
            ErrorType::ApiError,
        ] {
            assert_eq!(ErrorType::from_json(&read(&kind)), Some(kind));
        }
    }

    #[test]
    fn confirm_responses_read_back() {
        let view = full_view();
        let response = ConfirmResponse {
            confirm_result: ConfirmResult {
                payment: view.payment.clone(),
                payment_next_action: view.payment.next_action.clone(),
            },
            checkout_session: view,
        };
        assert_eq!(ConfirmResponse::from_json(&read(&response)), Some(response.clone()));
        let mut plain = response;
        plain.confirm_result.payment_next_action = None;
        assert_eq!(ConfirmResponse::from_json(&read(&plain)), Some(plain));
    }

    #[test]
    fn error_bodies_read_back_with_their_status() {
        let mut error = ApiError::card("card_declined", Some("insufficient_funds"), "Declined.");
        error.param = Some("payment_method[card][number]".into());
        let body = ErrorBody { error: error.clone() };
        assert_eq!(error_body(&read(&body), 402), Some(error));
        let plain = ApiError::not_found("checkout session", "cs_x");
        assert_eq!(error_body(&read(&ErrorBody { error: plain.clone() }), 404), Some(plain));
    }

    #[test]
    fn unknown_fields_are_ignored_and_missing_required_ones_fail() {
        let json = parse(r#"{"error":{"type":"api_error","code":"x","message":"m","new_field":[1,2,{"a":null}]}}"#)
            .expect("parses");
        assert_eq!(error_body(&json, 500).map(|e| e.code), Some("x".to_string()));
        let json = parse(r#"{"error":{"type":"api_error","message":"m"}}"#).expect("parses");
        assert_eq!(error_body(&json, 500), None);
    }

    #[test]
    fn parser_handles_json_edge_cases() {
        assert_eq!(
            parse(" [1, -2, 3.5, 1e3, true, false, null, \"\\u00e7\\ud83d\\ude00\"] "),
            Some(Json::Arr(vec![
                Json::Int(1),
                Json::Int(-2),
                Json::Float,
                Json::Float,
                Json::Bool(true),
                Json::Bool(false),
                Json::Null,
                Json::Str("ç😀".into()),
            ]))
        );
        assert_eq!(parse("{}"), Some(Json::Obj(vec![])));
        for bad in ["", "{", "[1,]", "{\"a\" 1}", "01x", "\"\u{1}\"", "nul", "[1] 2", "\"\\ud800\""] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
        let deep = "[".repeat(100) + &"]".repeat(100);
        assert_eq!(parse(&deep), None);
    }

    #[test]
    fn challenge_reads_from_its_envelope() {
        let json = parse(r#"{"challenge":{"id":"ch_1","status":"passed","amount":12500,"currency":"TRY","merchant_name":"S","card_brand":"visa","card_last4":"3220"}}"#).expect("parses");
        let view = challenge_envelope(&json).expect("reads");
        assert!(view.is_done());
        assert_eq!(view.card_last4.as_deref(), Some("3220"));
    }

    #[test]
    fn every_challenge_status_the_edge_sends_reads_back() {
        // The edge serializes the shared type with serde; the reader must give back the same value for each status
        // (`abandoned` was once missing from the widget's own copy of this type).
        for status in ChallengeStatus::ALL {
            let sent = ChallengeEnvelope {
                challenge: ChallengeView {
                    id: "ch_1".into(),
                    status: *status,
                    amount: 100,
                    currency: "TRY".into(),
                    merchant_name: "S".into(),
                    card_brand: None,
                    card_last4: None,
                },
            };
            let json = parse(&serde_json::to_string(&sent).expect("serializes")).expect("parses");
            assert_eq!(challenge_envelope(&json), Some(sent.challenge));
        }
    }
}
