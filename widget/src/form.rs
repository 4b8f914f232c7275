//! The payment form as plain data: which fields a session asks for, what the payer typed, what is wrong with it,
//! and the request bodies it becomes. The Leptos components only bind these to inputs.
//!
//! Format rules (email, phone, address, card) are the shared validators the edge runs, so a value the form accepts
//! is a value the API accepts; the form adds presence checks and payer-friendly, localized messages.

use crate::card_input::{self, ExpiryError};
use crate::i18n::Msg;
use crate::lean::small_map::SmallMap;
use hsrc_shared::api::{
    Address, CardInput, CollectField, ConfirmRequest, CustomFieldDef, Customer, PayerDetails, PaymentMethodInput,
    PaymentMethodType,
};
use hsrc_shared::card::{self, CardBrand, CardProblem};
use hsrc_shared::validate::{self, FieldProblem};
use std::collections::BTreeMap;

/// One part of a postal address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AddrPart {
    Line1,
    Line2,
    City,
    State,
    PostalCode,
    Country,
}

impl AddrPart {
    /// Every part, in form order.
    pub const ALL: [AddrPart; 6] = [Self::Line1, Self::Line2, Self::City, Self::State, Self::PostalCode, Self::Country];

    /// The wire name (`postal_code`, …).
    pub fn key(self) -> &'static str {
        match self {
            Self::Line1 => "line1",
            Self::Line2 => "line2",
            Self::City => "city",
            Self::State => "state",
            Self::PostalCode => "postal_code",
            Self::Country => "country",
        }
    }

    /// Whether the address is incomplete without it.
    pub fn required(self) -> bool {
        matches!(self, Self::Line1 | Self::City | Self::PostalCode | Self::Country)
    }

    /// Its label.
    pub fn label(self) -> Msg {
        match self {
            Self::Line1 => Msg::Line1,
            Self::Line2 => Msg::Line2,
            Self::City => Msg::City,
            Self::State => Msg::State,
            Self::PostalCode => Msg::PostalCode,
            Self::Country => Msg::Country,
        }
    }

    fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.key() == key)
    }
}

/// Which address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AddrKind {
    Billing,
    Shipping,
}

impl AddrKind {
    /// The wire name of the address object.
    pub fn key(self) -> &'static str {
        match self {
            Self::Billing => "billing_address",
            Self::Shipping => "shipping_address",
        }
    }
}

/// A field of the form. Its `id` ties the input, its label and its error message together.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Name,
    Email,
    Phone,
    Address(AddrKind, AddrPart),
    /// A merchant-defined field, by key.
    Custom(String),
    CardNumber,
    Expiry,
    Cvc,
}

impl Field {
    /// The DOM id of the input; the error element is `<id>-error`. Custom keys are hex-encoded so any key is a
    /// valid, unique id.
    pub fn id(&self) -> String {
        match self {
            Self::Name => "f-name".into(),
            Self::Email => "f-email".into(),
            Self::Phone => "f-phone".into(),
            Self::Address(kind, part) => {
                let kind = match kind {
                    AddrKind::Billing => "billing",
                    AddrKind::Shipping => "shipping",
                };
                format!("f-{kind}-{}", part.key().replace('_', "-"))
            }
            Self::Custom(key) => {
                let mut hex = String::new();
                for b in key.bytes() {
                    crate::mode::push_hex(&mut hex, b, b"0123456789abcdef");
                }
                format!("f-cf-{hex}")
            }
            Self::CardNumber => "f-card-number".into(),
            Self::Expiry => "f-card-expiry".into(),
            Self::Cvc => "f-card-cvc".into(),
        }
    }

    /// The id of this field's error message (for `aria-describedby`).
    pub fn error_id(&self) -> String {
        format!("{}-error", self.id())
    }

    /// The field an API error's `param` points at: `email`, `payer.email`, `billing_address.postal_code`,
    /// `payer[billing_address][city]`, `custom_fields.size`, `payment_method.card.number`, `exp_year`, …
    pub fn from_param(param: &str) -> Option<Field> {
        let normalized = param.replace('[', ".").replace(']', "");
        let mut parts: Vec<&str> = normalized.split('.').filter(|p| !p.is_empty()).collect();
        while matches!(parts.first(), Some(&("payer" | "payment_method" | "card"))) {
            parts.remove(0);
        }
        match parts.as_slice() {
            ["name"] => Some(Self::Name),
            ["email"] => Some(Self::Email),
            ["phone"] => Some(Self::Phone),
            [addr, part] if *addr == "billing_address" || *addr == "shipping_address" => {
                let kind = if *addr == "billing_address" { AddrKind::Billing } else { AddrKind::Shipping };
                AddrPart::from_key(part).map(|p| Self::Address(kind, p))
            }
            ["billing_address"] => Some(Self::Address(AddrKind::Billing, AddrPart::Line1)),
            ["shipping_address"] => Some(Self::Address(AddrKind::Shipping, AddrPart::Line1)),
            ["custom_fields", key] => Some(Self::Custom((*key).to_string())),
            ["number"] => Some(Self::CardNumber),
            ["exp_month" | "exp_year" | "expiry"] => Some(Self::Expiry),
            ["cvc"] => Some(Self::Cvc),
            _ => None,
        }
    }
}

/// The autofill token of an address part (`billing postal-code`, …).
pub fn autocomplete(kind: AddrKind, part: AddrPart) -> &'static str {
    use AddrKind::{Billing, Shipping};
    use AddrPart::*;
    match (kind, part) {
        (Billing, Line1) => "billing address-line1",
        (Billing, Line2) => "billing address-line2",
        (Billing, City) => "billing address-level2",
        (Billing, State) => "billing address-level1",
        (Billing, PostalCode) => "billing postal-code",
        (Billing, Country) => "billing country",
        (Shipping, Line1) => "shipping address-line1",
        (Shipping, Line2) => "shipping address-line2",
        (Shipping, City) => "shipping address-level2",
        (Shipping, State) => "shipping address-level1",
        (Shipping, PostalCode) => "shipping postal-code",
        (Shipping, Country) => "shipping country",
    }
}

/// The expiry field's placeholder in the form's language.
pub fn expiry_placeholder(lang: crate::i18n::Lang) -> &'static str {
    match lang {
        crate::i18n::Lang::Tr => "AA / YY",
        crate::i18n::Lang::En => "MM / YY",
    }
}

/// What a session asks of the payer beyond name, email and card.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Requirements {
    pub phone: bool,
    pub billing_address: bool,
    pub shipping_address: bool,
    pub custom_fields: Vec<CustomFieldDef>,
}

impl Requirements {
    /// From a session's `collect` list and custom field definitions.
    pub fn new(collect: &[CollectField], custom_fields: &[CustomFieldDef]) -> Self {
        Self {
            phone: collect.contains(&CollectField::Phone),
            billing_address: collect.contains(&CollectField::BillingAddress),
            shipping_address: collect.contains(&CollectField::ShippingAddress),
            custom_fields: custom_fields.to_vec(),
        }
    }

    fn custom(&self, key: &str) -> Option<&CustomFieldDef> {
        self.custom_fields.iter().find(|d| d.key == key)
    }

    /// Whether the "shipping same as billing" box is offered (both addresses asked for).
    pub fn offers_same_as_billing(&self) -> bool {
        self.billing_address && self.shipping_address
    }
}

/// An address as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressInput {
    pub line1: String,
    pub line2: String,
    pub city: String,
    pub state: String,
    pub postal_code: String,
    pub country: String,
}

impl Default for AddressInput {
    fn default() -> Self {
        Self {
            line1: String::new(),
            line2: String::new(),
            city: String::new(),
            state: String::new(),
            postal_code: String::new(),
            country: "TR".into(),
        }
    }
}

impl AddressInput {
    fn from_address(a: &Address) -> Self {
        Self {
            line1: a.line1.clone(),
            line2: a.line2.clone().unwrap_or_default(),
            city: a.city.clone(),
            state: a.state.clone().unwrap_or_default(),
            postal_code: a.postal_code.clone(),
            country: if a.country.is_empty() { "TR".into() } else { a.country.clone() },
        }
    }

    fn part(&self, part: AddrPart) -> &str {
        match part {
            AddrPart::Line1 => &self.line1,
            AddrPart::Line2 => &self.line2,
            AddrPart::City => &self.city,
            AddrPart::State => &self.state,
            AddrPart::PostalCode => &self.postal_code,
            AddrPart::Country => &self.country,
        }
    }

    fn part_mut(&mut self, part: AddrPart) -> &mut String {
        match part {
            AddrPart::Line1 => &mut self.line1,
            AddrPart::Line2 => &mut self.line2,
            AddrPart::City => &mut self.city,
            AddrPart::State => &mut self.state,
            AddrPart::PostalCode => &mut self.postal_code,
            AddrPart::Country => &mut self.country,
        }
    }

    /// The wire address, trimmed, with empty optional parts left out.
    pub fn to_address(&self) -> Address {
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        Address {
            line1: self.line1.trim().into(),
            line2: opt(&self.line2),
            city: self.city.trim().into(),
            state: opt(&self.state),
            postal_code: self.postal_code.trim().into(),
            country: self.country.trim().to_ascii_uppercase(),
        }
    }
}

/// The month the browser's clock says it is, for the expiry check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YearMonth {
    pub year: i32,
    pub month: u32,
}

/// Everything the payer typed. Card data lives here only until the confirm request is built.
#[derive(Clone, PartialEq, Eq)]
pub struct FormState {
    pub name: String,
    pub email: String,
    pub phone: String,
    pub billing: AddressInput,
    pub shipping: AddressInput,
    pub shipping_same_as_billing: bool,
    pub custom: BTreeMap<String, String>,
    pub card_number: String,
    pub expiry: String,
    pub cvc: String,
}

impl std::fmt::Debug for FormState {
    /// Never prints the card number or the CVC.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FormState").field("name", &self.name).field("email", &self.email).finish_non_exhaustive()
    }
}

impl Default for FormState {
    fn default() -> Self {
        Self {
            name: String::new(),
            email: String::new(),
            phone: String::new(),
            billing: AddressInput::default(),
            shipping: AddressInput::default(),
            shipping_same_as_billing: true,
            custom: BTreeMap::new(),
            card_number: String::new(),
            expiry: String::new(),
            cvc: String::new(),
        }
    }
}

/// Errors by field; at most one message each.
pub type FieldErrors = SmallMap<Field, Msg>;

impl FormState {
    /// A form prefilled from what the merchant sent (`customer`) and what the payer saved earlier (`payer`, which
    /// wins).
    pub fn prefill(customer: Option<&Customer>, payer: Option<&PayerDetails>) -> Self {
        let mut form = Self::default();
        if let Some(c) = customer {
            form.name = c.name.clone().unwrap_or_default();
            form.email = c.email.clone().unwrap_or_default();
            form.phone = c.phone.clone().unwrap_or_default();
        }
        if let Some(p) = payer {
            let keep = |saved: &Option<String>, current: &mut String| {
                if let Some(v) = saved.as_ref().filter(|v| !v.is_empty()) {
                    *current = v.clone();
                }
            };
            keep(&p.name, &mut form.name);
            keep(&p.email, &mut form.email);
            keep(&p.phone, &mut form.phone);
            if let Some(a) = &p.billing_address {
                form.billing = AddressInput::from_address(a);
            }
            if let Some(a) = &p.shipping_address {
                form.shipping = AddressInput::from_address(a);
            }
            if let Some(same) = p.shipping_same_as_billing {
                form.shipping_same_as_billing = same;
            }
            form.custom = p.custom_fields.clone();
        }
        form
    }

    /// The current text of a field.
    pub fn value(&self, field: &Field) -> &str {
        match field {
            Field::Name => &self.name,
            Field::Email => &self.email,
            Field::Phone => &self.phone,
            Field::Address(AddrKind::Billing, part) => self.billing.part(*part),
            Field::Address(AddrKind::Shipping, part) => self.shipping.part(*part),
            Field::Custom(key) => self.custom.get(key).map(String::as_str).unwrap_or_default(),
            Field::CardNumber => &self.card_number,
            Field::Expiry => &self.expiry,
            Field::Cvc => &self.cvc,
        }
    }

    /// Sets a field's text as typed (formatting is the caller's: see [`crate::card_input`]).
    pub fn set(&mut self, field: &Field, value: String) {
        match field {
            Field::Name => self.name = value,
            Field::Email => self.email = value,
            Field::Phone => self.phone = value,
            Field::Address(AddrKind::Billing, part) => *self.billing.part_mut(*part) = value,
            Field::Address(AddrKind::Shipping, part) => *self.shipping.part_mut(*part) = value,
            Field::Custom(key) => {
                self.custom.insert(key.clone(), value);
            }
            Field::CardNumber => self.card_number = value,
            Field::Expiry => self.expiry = value,
            Field::Cvc => self.cvc = value,
        }
    }

    /// Whether the separate shipping address inputs are shown.
    pub fn shows_shipping(&self, req: &Requirements) -> bool {
        req.shipping_address && !(req.offers_same_as_billing() && self.shipping_same_as_billing)
    }

    /// The fields on screen, in tab order.
    pub fn fields(&self, req: &Requirements) -> Vec<Field> {
        let mut out = vec![Field::Name, Field::Email];
        if req.phone {
            out.push(Field::Phone);
        }
        if req.billing_address {
            out.extend(AddrPart::ALL.into_iter().map(|p| Field::Address(AddrKind::Billing, p)));
        }
        if self.shows_shipping(req) {
            out.extend(AddrPart::ALL.into_iter().map(|p| Field::Address(AddrKind::Shipping, p)));
        }
        out.extend(req.custom_fields.iter().map(|d| Field::Custom(d.key.clone())));
        out.extend([Field::CardNumber, Field::Expiry, Field::Cvc]);
        out
    }

    /// The brand of the card number typed so far.
    pub fn brand(&self) -> CardBrand {
        card_input::brand_of(&self.card_number)
    }

    /// What is wrong with one field, if anything: presence for what the session requires, then the shared format
    /// rules the edge applies.
    pub fn check(&self, field: &Field, req: &Requirements, now: YearMonth) -> Option<Msg> {
        let value = self.value(field).trim();
        match field {
            Field::Name => validate::name_value(value).err().map(field_problem_msg),
            Field::Email => validate::email_value(value).err().map(field_problem_msg),
            Field::Phone => {
                if value.is_empty() {
                    req.phone.then_some(Msg::Required)
                } else {
                    validate::phone_value(value).err().map(field_problem_msg)
                }
            }
            Field::Address(kind, part) => {
                let input = match kind {
                    AddrKind::Billing => &self.billing,
                    AddrKind::Shipping => &self.shipping,
                };
                validate::address_problems(&input.to_address())
                    .into_iter()
                    .find(|(key, _)| *key == part.key())
                    .map(|(_, problem)| field_problem_msg(problem))
            }
            Field::Custom(key) => {
                let def = req.custom(key)?;
                if value.is_empty() {
                    return def.required.then_some(Msg::Required);
                }
                validate::custom_field_value(def, value).err().map(field_problem_msg)
            }
            Field::CardNumber => card::number_problem(value).map(card_problem_msg),
            Field::Expiry => match card_input::parse_expiry(value) {
                Err(ExpiryError::Empty) => Some(Msg::Required),
                Err(ExpiryError::Incomplete) => Some(Msg::ExpiryIncomplete),
                Ok((month, year)) => card::expiry_problem(month, year, now.year, now.month).map(card_problem_msg),
            },
            Field::Cvc => card::cvc_problem(value, self.brand()).map(|p| match (p, self.brand()) {
                (CardProblem::CvcWrongLength | CardProblem::CvcInvalidCharacters, CardBrand::Amex) => {
                    Msg::CvcInvalidAmex
                }
                (p, _) => card_problem_msg(p),
            }),
        }
    }

    /// Everything wrong with the form, field by field. Each field check is the shared rule the edge runs for that
    /// value (`validate::*_value`, `card::*_problem`); the edge keeps the last word, and a 400 it answers lands on the
    /// field its `param` names (`app::Ctx::confirm_failed`). (Running the shared whole-request validators here too
    /// linked their English API messages and `format!` paths into the form: ≈ 1 KB gzipped for no finding.)
    pub fn validate(&self, req: &Requirements, now: YearMonth) -> FieldErrors {
        // Inserting one by one: `collect` into a map would link a sort routine for nothing.
        let mut errors = FieldErrors::new();
        for field in self.fields(req) {
            if let Some(msg) = self.check(&field, req, now) {
                errors.insert(field, msg);
            }
        }
        errors
    }

    /// The payer object of the confirm (and `/payer`) body: only what the session asks for, trimmed.
    pub fn payer_details(&self, req: &Requirements) -> PayerDetails {
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        let billing = req.billing_address.then(|| self.billing.to_address());
        let same = req.offers_same_as_billing() && self.shipping_same_as_billing;
        let shipping = if !req.shipping_address {
            None
        } else if same {
            billing.clone()
        } else {
            Some(self.shipping.to_address())
        };
        let mut custom_fields = BTreeMap::new();
        for def in &req.custom_fields {
            if let Some(value) = opt(self.value(&Field::Custom(def.key.clone()))) {
                custom_fields.insert(def.key.clone(), value);
            }
        }
        PayerDetails {
            name: opt(&self.name),
            email: opt(&self.email),
            phone: if req.phone { opt(&self.phone) } else { None },
            billing_address: billing,
            shipping_address: shipping,
            shipping_same_as_billing: req.shipping_address.then_some(same),
            custom_fields,
        }
    }

    /// The card as the API takes it; `None` while the expiry cannot be read.
    pub fn card_input(&self) -> Option<CardInput> {
        let (exp_month, exp_year) = card_input::parse_expiry(&self.expiry).ok()?;
        Some(CardInput {
            number: card::normalize_number(&self.card_number),
            exp_month,
            exp_year,
            cvc: self.cvc.trim().into(),
        })
    }

    /// The confirm body; `None` while the card is unreadable (validate first).
    pub fn confirm_request(&self, req: &Requirements) -> Option<ConfirmRequest> {
        Some(ConfirmRequest {
            payment_method: PaymentMethodInput {
                kind: PaymentMethodType::Card,
                card: self.card_input()?,
                installments: None,
            },
            payer: Some(self.payer_details(req)),
        })
    }

    /// Forgets the card (after a decline, before "try another card").
    pub fn clear_card(&mut self) {
        self.card_number.clear();
        self.expiry.clear();
        self.cvc.clear();
    }
}

/// The payer's words for a shared card check's finding.
pub fn card_problem_msg(problem: CardProblem) -> Msg {
    match problem {
        CardProblem::NumberMissing | CardProblem::CvcMissing => Msg::Required,
        CardProblem::NumberTooShort => Msg::CardIncomplete,
        CardProblem::NumberTooLong | CardProblem::NumberWrongLength => Msg::CardWrongLength,
        CardProblem::NumberInvalidCharacters | CardProblem::NumberChecksumFailed => Msg::CardInvalid,
        CardProblem::ExpiryMonthInvalid => Msg::ExpiryMonthInvalid,
        CardProblem::ExpiryYearInvalid => Msg::ExpiryYearInvalid,
        CardProblem::Expired => Msg::ExpiryPast,
        CardProblem::CvcInvalidCharacters | CardProblem::CvcWrongLength => Msg::CvcInvalid,
    }
}

/// The payer's words for a shared field check's finding.
pub fn field_problem_msg(problem: FieldProblem) -> Msg {
    match problem {
        FieldProblem::Required => Msg::Required,
        FieldProblem::TooLong { .. } => Msg::TooLong,
        FieldProblem::ControlCharacters => Msg::FieldInvalid,
        FieldProblem::EmailInvalid => Msg::EmailInvalid,
        FieldProblem::PhoneNeedsCountryCode | FieldProblem::PhoneInvalid => Msg::PhoneInvalid,
        FieldProblem::PostalCodeInvalid => Msg::PostalCodeInvalid,
        FieldProblem::CountryInvalid => Msg::CountryInvalid,
        FieldProblem::NotANumber => Msg::NumberInvalid,
        FieldProblem::NotAnOption => Msg::OptionInvalid,
        FieldProblem::UnknownField | FieldProblem::CardNumber => Msg::FieldInvalid,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hsrc_shared::api::CustomFieldType;

    const NOW: YearMonth = YearMonth { year: 2026, month: 11 };

    fn everything() -> Requirements {
        Requirements::new(
            &[CollectField::Phone, CollectField::BillingAddress, CollectField::ShippingAddress],
            &[
                CustomFieldDef {
                    key: "tax_id".into(),
                    label: "Tax ID".into(),
                    kind: CustomFieldType::Numeric,
                    required: true,
                    options: vec![],
                },
                CustomFieldDef {
                    key: "size".into(),
                    label: "Size".into(),
                    kind: CustomFieldType::Dropdown,
                    required: false,
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
        )
    }

    /// The form's field checks agree with the shared whole-request validators the edge runs (which the form no
    /// longer links): whatever the form accepts, they accept; what they refuse, a field check refuses first.
    #[test]
    fn field_checks_agree_with_the_edge_validators() {
        let req = everything();
        let edge_accepts = |f: &FormState| {
            let payer = validate::payer_details(&f.payer_details(&req), &req.custom_fields).is_ok();
            let card = f.card_input().is_some_and(|c| card::validate_card(&c, NOW.year, NOW.month).is_ok());
            payer && card
        };
        let mut shipping = filled();
        shipping.shipping_same_as_billing = true;
        type Change = fn(&mut FormState);
        let variants: Vec<(&str, Change)> = vec![
            ("as filled", |_| {}),
            ("bad email", |f| f.email = "ayse@".into()),
            ("bad phone", |f| f.phone = "0532".into()),
            ("bad country", |f| f.billing.country = "XX".into()),
            ("long city", |f| f.billing.city = "x".repeat(300)),
            ("pan in a note", |f| {
                f.custom.insert("note".into(), "4242 4242 4242 4242".into());
            }),
            ("bad size", |f| {
                f.custom.insert("size".into(), "XL".into());
            }),
            ("letters in tax id", |f| {
                f.custom.insert("tax_id".into(), "12ab".into());
            }),
            ("luhn", |f| f.card_number = "4242 4242 4242 4241".into()),
            ("past expiry", |f| f.expiry = "01 / 20".into()),
            ("short cvc", |f| f.cvc = "12".into()),
            ("amex cvc", |f| {
                f.card_number = "3782 822463 10005".into();
                f.cvc = "123".into();
            }),
        ];
        for (what, change) in variants {
            let mut f = shipping.clone();
            change(&mut f);
            let form_accepts = f.validate(&req, NOW).is_empty();
            assert_eq!(form_accepts, edge_accepts(&f), "{what}");
            assert_eq!(form_accepts, what == "as filled", "{what}");
        }
    }

    fn filled() -> FormState {
        let mut f = FormState {
            name: " Ayşe Yılmaz ".into(),
            email: "ayse@example.com".into(),
            phone: "+905321234567".into(),
            ..Default::default()
        };
        f.billing = AddressInput {
            line1: "Bağdat Cd. 1".into(),
            line2: String::new(),
            city: "İstanbul".into(),
            state: "Kadıköy".into(),
            postal_code: "34710".into(),
            country: "TR".into(),
        };
        f.custom.insert("tax_id".into(), "1234567890".into());
        f.card_number = "4242 4242 4242 4242".into();
        f.expiry = "12 / 30".into();
        f.cvc = "123".into();
        f
    }

    #[test]
    fn a_complete_form_has_no_errors() {
        assert_eq!(filled().validate(&everything(), NOW), FieldErrors::new());
    }

    #[test]
    fn empty_form_flags_every_required_field_and_nothing_optional() {
        let errors = FormState::default().validate(&everything(), NOW);
        for f in [Field::Name, Field::Email, Field::Phone, Field::CardNumber, Field::Expiry, Field::Cvc] {
            assert_eq!(errors.get(&f), Some(&Msg::Required), "{f:?}");
        }
        assert_eq!(errors.get(&Field::Address(AddrKind::Billing, AddrPart::Line1)), Some(&Msg::Required));
        assert_eq!(errors.get(&Field::Custom("tax_id".into())), Some(&Msg::Required));
        assert!(!errors.contains_key(&Field::Address(AddrKind::Billing, AddrPart::Line2)));
        assert!(!errors.contains_key(&Field::Custom("size".into())));
        // Shipping is the billing address by default: its inputs are hidden and not checked.
        assert!(!errors.keys().any(|f| matches!(f, Field::Address(AddrKind::Shipping, _))));
    }

    #[test]
    fn phone_and_addresses_are_asked_only_when_the_session_collects_them() {
        let fields = FormState::default().fields(&Requirements::default());
        assert_eq!(fields, vec![Field::Name, Field::Email, Field::CardNumber, Field::Expiry, Field::Cvc]);
        let payer = filled().payer_details(&Requirements::default());
        assert_eq!(payer.phone, None);
        assert_eq!(payer.billing_address, None);
        assert_eq!(payer.shipping_same_as_billing, None);
        assert!(payer.custom_fields.is_empty());
    }

    #[test]
    fn shipping_same_as_billing_copies_the_billing_address() {
        let req = everything();
        let payer = filled().payer_details(&req);
        assert_eq!(payer.shipping_same_as_billing, Some(true));
        assert_eq!(payer.shipping_address, payer.billing_address);
        assert_eq!(payer.name.as_deref(), Some("Ayşe Yılmaz"));
        assert_eq!(payer.billing_address.as_ref().and_then(|a| a.line2.clone()), None);
    }

    #[test]
    fn unticking_same_as_billing_asks_for_the_shipping_address() {
        let req = everything();
        let mut form = filled();
        form.shipping_same_as_billing = false;
        assert!(form.fields(&req).contains(&Field::Address(AddrKind::Shipping, AddrPart::City)));
        let errors = form.validate(&req, NOW);
        assert_eq!(errors.get(&Field::Address(AddrKind::Shipping, AddrPart::City)), Some(&Msg::Required));
        form.shipping = form.billing.clone();
        form.shipping.city = "Ankara".into();
        let payer = form.payer_details(&req);
        assert_eq!(payer.shipping_same_as_billing, Some(false));
        assert_eq!(payer.shipping_address.map(|a| a.city), Some("Ankara".to_string()));
    }

    #[test]
    fn only_shipping_collected_shows_shipping_inputs_without_the_checkbox() {
        let req = Requirements::new(&[CollectField::ShippingAddress], &[]);
        let form = FormState::default();
        assert!(!req.offers_same_as_billing());
        assert!(form.shows_shipping(&req));
        assert_eq!(form.payer_details(&req).shipping_same_as_billing, Some(false));
    }

    #[test]
    fn custom_fields_check_their_type() {
        let req = everything();
        let mut form = filled();
        form.set(&Field::Custom("tax_id".into()), "12a".into());
        form.set(&Field::Custom("size".into()), "XL".into());
        let errors = form.validate(&req, NOW);
        assert_eq!(errors.get(&Field::Custom("tax_id".into())), Some(&Msg::NumberInvalid));
        assert_eq!(errors.get(&Field::Custom("size".into())), Some(&Msg::OptionInvalid));
        form.set(&Field::Custom("tax_id".into()), "12,5".into());
        form.set(&Field::Custom("size".into()), "M".into());
        assert!(form.validate(&req, NOW).is_empty());
        assert_eq!(form.payer_details(&req).custom_fields.get("size").map(String::as_str), Some("M"));
        assert!(!form.payer_details(&req).custom_fields.contains_key("note"));
    }

    #[test]
    fn address_checks_name_the_part_that_is_wrong() {
        let req = everything();
        let mut form = filled();
        form.billing.postal_code = "3471".into();
        assert_eq!(
            form.check(&Field::Address(AddrKind::Billing, AddrPart::PostalCode), &req, NOW),
            Some(Msg::PostalCodeInvalid)
        );
        assert_eq!(form.check(&Field::Address(AddrKind::Billing, AddrPart::City), &req, NOW), None);
        form.billing.line1 = "x".repeat(300);
        assert_eq!(form.check(&Field::Address(AddrKind::Billing, AddrPart::Line1), &req, NOW), Some(Msg::TooLong));
    }

    #[test]
    fn card_checks_say_what_is_wrong() {
        let req = Requirements::default();
        let mut form = filled();
        form.card_number = "4242 4242 4242".into();
        assert_eq!(form.check(&Field::CardNumber, &req, NOW), Some(Msg::CardIncomplete));
        form.card_number = "4242 4242 4242 4241".into();
        assert_eq!(form.check(&Field::CardNumber, &req, NOW), Some(Msg::CardInvalid));
        form.expiry = "10 / 26".into();
        assert_eq!(form.check(&Field::Expiry, &req, NOW), Some(Msg::ExpiryPast));
        form.expiry = "11 / 26".into();
        assert_eq!(form.check(&Field::Expiry, &req, NOW), None, "the current month is still valid");
        form.expiry = "13 / 30".into();
        assert_eq!(form.check(&Field::Expiry, &req, NOW), Some(Msg::ExpiryMonthInvalid));
        form.expiry = "12 / 60".into();
        assert_eq!(form.check(&Field::Expiry, &req, NOW), Some(Msg::ExpiryYearInvalid));
        form.cvc = "12".into();
        assert_eq!(form.check(&Field::Cvc, &req, NOW), Some(Msg::CvcInvalid));
        form.card_number = "3782 822463 10005".into();
        form.cvc = "123".into();
        assert_eq!(form.check(&Field::CardNumber, &req, NOW), None);
        assert_eq!(form.check(&Field::Cvc, &req, NOW), Some(Msg::CvcInvalidAmex));
        form.card_number = "4242 4242 4242 42".into();
        assert_eq!(form.check(&Field::CardNumber, &req, NOW), Some(Msg::CardWrongLength));
    }

    #[test]
    fn email_and_phone_use_the_shared_rules() {
        let req = everything();
        let mut form = filled();
        form.email = "not-an-email".into();
        form.phone = "call me".into();
        assert_eq!(form.check(&Field::Email, &req, NOW), Some(Msg::EmailInvalid));
        assert_eq!(form.check(&Field::Phone, &req, NOW), Some(Msg::PhoneInvalid));
    }

    #[test]
    fn confirm_body_has_four_digit_year_and_bare_digits() {
        let req = Requirements::default();
        let body = filled().confirm_request(&req).expect("readable card");
        assert_eq!(body.payment_method.card.number, "4242424242424242");
        assert_eq!((body.payment_method.card.exp_month, body.payment_method.card.exp_year), (12, 2030));
        let json = serde_json::to_value(&body).expect("serializes");
        assert_eq!(json["payment_method"]["type"], "card");
        assert_eq!(json["payment_method"]["card"]["cvc"], "123");
        assert_eq!(json["payer"]["email"], "ayse@example.com");
    }

    #[test]
    fn api_params_map_to_their_fields() {
        assert_eq!(Field::from_param("email"), Some(Field::Email));
        assert_eq!(Field::from_param("payer.email"), Some(Field::Email));
        assert_eq!(
            Field::from_param("payer[billing_address][postal_code]"),
            Some(Field::Address(AddrKind::Billing, AddrPart::PostalCode))
        );
        assert_eq!(
            Field::from_param("shipping_address.city"),
            Some(Field::Address(AddrKind::Shipping, AddrPart::City))
        );
        assert_eq!(Field::from_param("custom_fields.tax_id"), Some(Field::Custom("tax_id".into())));
        assert_eq!(Field::from_param("payment_method.card.number"), Some(Field::CardNumber));
        assert_eq!(Field::from_param("payment_method[card][exp_year]"), Some(Field::Expiry));
        assert_eq!(Field::from_param("cvc"), Some(Field::Cvc));
        assert_eq!(Field::from_param("amount"), None);
    }

    #[test]
    fn field_ids_are_unique_and_safe() {
        let form = filled();
        let mut req = everything();
        req.custom_fields.push(CustomFieldDef {
            key: "weird key\"<>".into(),
            label: "x".into(),
            kind: CustomFieldType::Text,
            required: false,
            options: vec![],
        });
        let mut all = form.fields(&req);
        all.extend(AddrPart::ALL.into_iter().map(|p| Field::Address(AddrKind::Shipping, p)));
        let ids: std::collections::BTreeSet<String> = all.iter().map(Field::id).collect();
        assert_eq!(ids.len(), all.len());
        assert!(ids.iter().all(|id| id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')));
    }

    #[test]
    fn prefill_prefers_saved_payer_details_over_merchant_customer() {
        let customer =
            Customer { name: Some("Merchant Name".into()), email: Some("m@example.com".into()), phone: None };
        let payer = PayerDetails {
            email: Some("saved@example.com".into()),
            shipping_same_as_billing: Some(false),
            ..Default::default()
        };
        let form = FormState::prefill(Some(&customer), Some(&payer));
        assert_eq!(form.name, "Merchant Name");
        assert_eq!(form.email, "saved@example.com");
        assert!(!form.shipping_same_as_billing);
        assert_eq!(form.billing.country, "TR");
    }

    #[test]
    fn debug_never_prints_card_data() {
        let printed = format!("{:?}", filled());
        assert!(!printed.contains("4242"));
        assert!(!printed.contains("123\""));
    }

    #[test]
    fn clearing_the_card_keeps_the_payer() {
        let mut form = filled();
        form.clear_card();
        assert!(form.card_number.is_empty() && form.expiry.is_empty() && form.cvc.is_empty());
        assert_eq!(form.email, "ayse@example.com");
    }
}
