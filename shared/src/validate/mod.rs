//! Validation of payer and session input: email, phone, addresses, metadata, custom fields, payer details.
//!
//! Each check exists twice over one implementation: a locale-free `*_problem` function returning a
//! [`FieldProblem`] (the widget maps it to Turkish or English text next to the field), and an API function returning
//! an [`ApiError`] with the precise `param` path (`payer[billing_address][postal_code]`). The caller passes the
//! param prefix. Strings are trimmed; lengths count characters, not bytes.

mod address;
mod contact;
mod fields;
mod payer;

pub use address::*;
pub use contact::*;
pub use fields::*;
pub use payer::*;

use crate::api::{Address, CollectField, CustomFieldDef, CustomFieldType, Metadata, PayerDetails};
use crate::error::{codes, ApiError};
use std::collections::{BTreeMap, BTreeSet};

/// Longest payer name.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest email address (RFC 5321 path limit).
pub const MAX_EMAIL_CHARS: usize = 254;
/// Longest address line.
pub const MAX_LINE_CHARS: usize = 200;
/// Longest city or state.
pub const MAX_CITY_CHARS: usize = 100;
/// Longest postal code.
pub const MAX_POSTAL_CODE_CHARS: usize = 20;
/// Most metadata keys.
pub const MAX_METADATA_KEYS: usize = 50;
/// Longest metadata key.
pub const MAX_METADATA_KEY_CHARS: usize = 40;
/// Longest metadata value.
pub const MAX_METADATA_VALUE_CHARS: usize = 500;
/// Most custom fields on a session.
pub const MAX_CUSTOM_FIELDS: usize = 10;
/// Longest custom field key.
pub const MAX_CUSTOM_FIELD_KEY_CHARS: usize = 40;
/// Longest custom field label.
pub const MAX_CUSTOM_FIELD_LABEL_CHARS: usize = 100;
/// Most dropdown options.
pub const MAX_DROPDOWN_OPTIONS: usize = 50;
/// Longest dropdown option.
pub const MAX_DROPDOWN_OPTION_CHARS: usize = 100;
/// Longest custom field value.
pub const MAX_CUSTOM_FIELD_VALUE_CHARS: usize = 500;
/// Longest numeric custom field value.
pub const MAX_NUMERIC_CHARS: usize = 40;

/// What is wrong with one field, without words: the widget maps each variant to Turkish or English text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldProblem {
    /// The field is required and empty.
    Required,
    /// Longer than `max` characters.
    TooLong { max: usize },
    /// Contains control characters (newlines, tabs, NUL, …).
    ControlCharacters,
    /// Not an email address of the form `name@example.com`.
    EmailInvalid,
    /// A phone number must start with `+` and the country code.
    PhoneNeedsCountryCode,
    /// A phone number has 8–15 digits after the `+`, the first not 0, and only spaces, dashes, dots and parentheses
    /// between them.
    PhoneInvalid,
    /// A postal code of unexpected shape (Türkiye: five digits).
    PostalCodeInvalid,
    /// Not an upper-case ISO 3166-1 alpha-2 country code.
    CountryInvalid,
    /// A numeric custom field value that is not a decimal number.
    NotANumber,
    /// A dropdown value that is not one of the options.
    NotAnOption,
    /// A custom field the session does not define.
    UnknownField,
    /// Holds what looks like a card number (a Luhn-valid run of 12–19 digits): card data goes only in the card
    /// fields, never in free text, where it would be stored.
    CardNumber,
}

impl FieldProblem {
    /// English message for API errors, naming the field with `what` ("The email address", …).
    pub fn message(self, what: &str) -> String {
        match self {
            Self::Required => format!("{what} is required."),
            Self::TooLong { max } => format!("{what} must be at most {max} characters long."),
            Self::ControlCharacters => format!("{what} must not contain control characters such as line breaks."),
            Self::EmailInvalid => format!("{what} is not a valid email address (expected name@example.com)."),
            Self::PhoneNeedsCountryCode => {
                format!("{what} must be in international format, starting with + and the country code (+90 …).")
            }
            Self::PhoneInvalid => format!("{what} is not a valid phone number: give + and 8 to 15 digits."),
            Self::PostalCodeInvalid => format!("{what} is not a valid postal code for the country."),
            Self::CountryInvalid => format!("{what} must be an upper-case ISO 3166-1 alpha-2 country code such as TR."),
            Self::NotANumber => format!("{what} must be a number."),
            Self::NotAnOption => format!("{what} must be one of the offered options."),
            Self::UnknownField => format!("{what} is not a field of this checkout session."),
            Self::CardNumber => format!("{what} must not contain a card number."),
        }
    }

    /// The API error for this problem at `param`: `parameter_missing` for [`FieldProblem::Required`],
    /// `parameter_invalid` otherwise (400).
    pub fn to_api_error(self, param: &str, what: &str) -> ApiError {
        match self {
            Self::Required => {
                let mut e = ApiError::missing(param);
                e.message = self.message(what);
                e
            }
            _ => ApiError::invalid(param, self.message(what)),
        }
    }
}

fn has_control(s: &str) -> bool {
    s.chars().any(char::is_control)
}

/// Trims `value`, then checks it is non-empty (when `required`), at most `max` characters and free of control
/// characters. Returns the trimmed value, `None` when empty and optional.
fn text(value: &str, max: usize, required: bool) -> Result<Option<String>, FieldProblem> {
    let v = value.trim();
    if v.is_empty() {
        return if required { Err(FieldProblem::Required) } else { Ok(None) };
    }
    if v.chars().count() > max {
        return Err(FieldProblem::TooLong { max });
    }
    if has_control(v) {
        return Err(FieldProblem::ControlCharacters);
    }
    if crate::pan_scan::contains_card_number(v) {
        return Err(FieldProblem::CardNumber);
    }
    Ok(Some(v.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(line1: &str, city: &str, postal: &str, country: &str) -> Address {
        Address {
            line1: line1.into(),
            line2: None,
            city: city.into(),
            state: None,
            postal_code: postal.into(),
            country: country.into(),
        }
    }

    fn istanbul() -> Address {
        addr("Büyükdere Cd. No:1", "İstanbul", "34394", "TR")
    }

    fn def(key: &str, kind: CustomFieldType, required: bool, options: &[&str]) -> CustomFieldDef {
        CustomFieldDef {
            key: key.into(),
            label: format!("Label {key}"),
            kind,
            required,
            options: options.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn param(e: &ApiError) -> &str {
        e.param.as_deref().unwrap_or_default()
    }

    #[test]
    fn emails_accepted_and_normalised() {
        let cases = [
            ("ayse@example.com", "ayse@example.com"),
            ("  Ayse.Yilmaz@Example.COM.TR ", "Ayse.Yilmaz@example.com.tr"),
            ("a+tag@sub.example.io", "a+tag@sub.example.io"),
            ("o'brien@example.ie", "o'brien@example.ie"),
            ("x@xn--mnchen-3ya.de", "x@xn--mnchen-3ya.de"),
            ("x@example.xn--p1ai", "x@example.xn--p1ai"),
        ];
        for (input, want) in cases {
            assert_eq!(email(input, "payer[email]").as_deref(), Ok(want), "{input}");
        }
    }

    #[test]
    fn emails_rejected() {
        let long = format!("{}@example.com", "a".repeat(250));
        let long_local = format!("{}@example.com", "a".repeat(65));
        let cases: &[(&str, FieldProblem)] = &[
            ("", FieldProblem::Required),
            ("   ", FieldProblem::Required),
            (&long, FieldProblem::TooLong { max: 254 }),
            (&long_local, FieldProblem::EmailInvalid),
            ("plain", FieldProblem::EmailInvalid),
            ("a@b", FieldProblem::EmailInvalid),
            ("a@b.c", FieldProblem::EmailInvalid),
            ("a@b.c0m", FieldProblem::EmailInvalid),
            ("a b@example.com", FieldProblem::EmailInvalid),
            ("a@exa mple.com", FieldProblem::EmailInvalid),
            ("a@@example.com", FieldProblem::EmailInvalid),
            ("a@b@example.com", FieldProblem::EmailInvalid),
            (".a@example.com", FieldProblem::EmailInvalid),
            ("a.@example.com", FieldProblem::EmailInvalid),
            ("a..b@example.com", FieldProblem::EmailInvalid),
            ("@example.com", FieldProblem::EmailInvalid),
            ("a@", FieldProblem::EmailInvalid),
            ("a@-example.com", FieldProblem::EmailInvalid),
            ("a@example-.com", FieldProblem::EmailInvalid),
            ("a@example..com", FieldProblem::EmailInvalid),
            ("a@.example.com", FieldProblem::EmailInvalid),
            ("a@example.com.", FieldProblem::EmailInvalid),
            ("\"a\"@example.com", FieldProblem::EmailInvalid),
            ("ayşe@example.com", FieldProblem::EmailInvalid),
            ("a@exämple.com", FieldProblem::EmailInvalid),
            ("a\n@example.com", FieldProblem::ControlCharacters),
        ];
        // A trailing newline is trimmed away like other surrounding whitespace.
        assert_eq!(email_value("a@example.com\n").as_deref(), Ok("a@example.com"));
        for &(input, want) in cases {
            assert_eq!(email_value(input), Err(want), "{input:?}");
            let e = email(input, "payer[email]").unwrap_err();
            assert_eq!(e.status, 400);
            assert_eq!(param(&e), "payer[email]");
        }
    }

    #[test]
    fn phones_accepted_and_normalised() {
        let cases = [
            ("+90 555 123 45 67", "+905551234567"),
            ("+905551234567", "+905551234567"),
            ("+90 (555) 123-45-67", "+905551234567"),
            ("  +1 415.555.2671 ", "+14155552671"),
            ("+44 20 7946 0958", "+442079460958"),
            ("+12345678", "+12345678"),
            ("+123456789012345", "+123456789012345"),
        ];
        for (input, want) in cases {
            assert_eq!(phone_e164(input, "payer[phone]").as_deref(), Ok(want), "{input}");
        }
    }

    #[test]
    fn phones_rejected() {
        let cases: &[(&str, FieldProblem)] = &[
            ("", FieldProblem::Required),
            ("05551234567", FieldProblem::PhoneNeedsCountryCode),
            ("555 123 45 67", FieldProblem::PhoneNeedsCountryCode),
            ("+0905551234567", FieldProblem::PhoneInvalid),
            ("+1234567", FieldProblem::PhoneInvalid),
            ("+1234567890123456", FieldProblem::PhoneInvalid),
            ("+90 555 ABC 45 67", FieldProblem::PhoneInvalid),
            ("+90+5551234567", FieldProblem::PhoneInvalid),
            ("++905551234567", FieldProblem::PhoneInvalid),
            ("phone", FieldProblem::PhoneInvalid),
            ("+90 555 123 45 67 ext 1", FieldProblem::PhoneInvalid),
            ("+９０５５５１２３４５６７", FieldProblem::PhoneInvalid),
        ];
        for &(input, want) in cases {
            assert_eq!(phone_value(input), Err(want), "{input:?}");
            let e = phone_e164(input, "payer[phone]").unwrap_err();
            assert_eq!(param(&e), "payer[phone]");
        }
    }

    #[test]
    fn addresses_accepted() {
        assert_eq!(address(&istanbul(), "payer[billing_address]"), Ok(()));
        let mut full = addr("1 Main St", "Springfield", "12345-6789", "US");
        full.line2 = Some("Apt 4".into());
        full.state = Some("IL".into());
        assert_eq!(address(&full, "a"), Ok(()));
        assert_eq!(address(&addr("10 Downing St", "London", "SW1A 2AA", "GB"), "a"), Ok(()));
        let mut padded = addr("  1 Main St ", " Ankara ", " 06100 ", " TR ");
        padded.line2 = Some("   ".into());
        let n = normalize_address(&padded, "a").unwrap();
        assert_eq!(n, Address { line2: None, ..addr("1 Main St", "Ankara", "06100", "TR") });
    }

    #[test]
    fn addresses_rejected_with_field_params() {
        let long = |n: usize| "x".repeat(n);
        let mut with_line2 = istanbul();
        with_line2.line2 = Some(long(201));
        let mut with_state = istanbul();
        with_state.state = Some("a\u{0}b".into());
        let cases: Vec<(Address, &str, &str)> = vec![
            (addr("", "İstanbul", "34394", "TR"), "p[line1]", codes::PARAMETER_MISSING),
            (addr(&long(201), "İstanbul", "34394", "TR"), "p[line1]", codes::PARAMETER_INVALID),
            (addr("a\nb", "İstanbul", "34394", "TR"), "p[line1]", codes::PARAMETER_INVALID),
            (with_line2, "p[line2]", codes::PARAMETER_INVALID),
            (addr("x", " ", "34394", "TR"), "p[city]", codes::PARAMETER_MISSING),
            (addr("x", &long(101), "34394", "TR"), "p[city]", codes::PARAMETER_INVALID),
            (with_state, "p[state]", codes::PARAMETER_INVALID),
            (addr("x", "y", "", "TR"), "p[postal_code]", codes::PARAMETER_MISSING),
            (addr("x", "y", &long(21), "US"), "p[postal_code]", codes::PARAMETER_INVALID),
            (addr("x", "y", "3439", "TR"), "p[postal_code]", codes::PARAMETER_INVALID),
            (addr("x", "y", "12#45", "US"), "p[postal_code]", codes::PARAMETER_INVALID),
            (addr("x", "y", "12345", ""), "p[country]", codes::PARAMETER_MISSING),
            (addr("x", "y", "12345", "tr"), "p[country]", codes::PARAMETER_INVALID),
            (addr("x", "y", "12345", "TUR"), "p[country]", codes::PARAMETER_INVALID),
            (addr("x", "y", "12345", "ZZ"), "p[country]", codes::PARAMETER_INVALID),
            (addr("x", "y", "12345", "UK"), "p[country]", codes::PARAMETER_INVALID),
        ];
        for (a, want_param, want_code) in cases {
            let e = address(&a, "p").unwrap_err();
            assert_eq!(param(&e), want_param, "{a:?}");
            assert_eq!(e.code, want_code, "{a:?}");
            assert_eq!(e.status, 400);
        }
    }

    #[test]
    fn address_problems_lists_every_field() {
        let problems = address_problems(&addr("", "", "12#", "tr"));
        assert_eq!(
            problems,
            vec![
                ("line1", FieldProblem::Required),
                ("city", FieldProblem::Required),
                ("postal_code", FieldProblem::PostalCodeInvalid),
                ("country", FieldProblem::CountryInvalid),
            ]
        );
        assert!(address_problems(&istanbul()).is_empty());
    }

    #[test]
    fn country_list_is_sorted_unique_and_complete() {
        assert_eq!(COUNTRY_CODES.len(), 250);
        assert!(COUNTRY_CODES.windows(2).all(|w| w[0] < w[1]));
        for c in ["TR", "US", "GB", "DE", "AE", "SA", "AZ", "XK"] {
            assert!(is_country_code(c), "{c}");
        }
        for c in ["tr", "UK", "EU", "", "T", "TUR"] {
            assert!(!is_country_code(c), "{c}");
        }
    }

    #[test]
    fn metadata_rules() {
        let ok: Metadata = [("order_id", "42"), ("a.b-c_D", "x"), ("k", "")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(metadata(&ok, "metadata"), Ok(()));
        let too_many: Metadata = (0..51).map(|i| (format!("k{i}"), "v".to_string())).collect();
        assert_eq!(param(&metadata(&too_many, "metadata").unwrap_err()), "metadata");
        let fifty: Metadata = (0..50).map(|i| (format!("k{i}"), "v".to_string())).collect();
        assert_eq!(metadata(&fifty, "metadata"), Ok(()));
        let cases: Vec<(String, String, String)> = vec![
            ("".into(), "v".into(), "metadata".into()),
            ("k".repeat(41), "v".into(), format!("metadata[{}]", "k".repeat(41))),
            ("bad key".into(), "v".into(), "metadata".into()),
            ("bad/key".into(), "v".into(), "metadata[bad/key]".into()),
            ("k\n".into(), "v".into(), "metadata".into()),
            ("ok".into(), "v".repeat(501), "metadata[ok]".into()),
            ("ok".into(), "a\u{7}b".into(), "metadata[ok]".into()),
        ];
        for (k, v, want) in cases {
            let m: Metadata = [(k.clone(), v)].into_iter().collect();
            let e = metadata(&m, "metadata").unwrap_err();
            assert_eq!(param(&e), want, "{k:?}");
            assert_eq!(e.code, codes::PARAMETER_INVALID);
        }
        let m: Metadata = [("ok".to_string(), "ş".repeat(500))].into_iter().collect();
        assert_eq!(metadata(&m, "metadata"), Ok(()), "500 characters, more bytes");
    }

    #[test]
    fn custom_field_defs_accepted() {
        let defs = vec![
            def("company", CustomFieldType::Text, false, &[]),
            def("tax_no_2", CustomFieldType::Numeric, true, &[]),
            def("size", CustomFieldType::Dropdown, true, &["S", "M", "L"]),
        ];
        assert_eq!(custom_field_defs(&defs), Ok(()));
        assert_eq!(custom_field_defs(&[]), Ok(()));
    }

    #[test]
    fn custom_field_defs_rejected() {
        use CustomFieldType::*;
        let mut long_label = def("a", Text, false, &[]);
        long_label.label = "l".repeat(101);
        let mut empty_label = def("a", Text, false, &[]);
        empty_label.label = "  ".into();
        let many: Vec<String> = (0..51).map(|i| format!("o{i}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        let cases: Vec<(Vec<CustomFieldDef>, &str)> = vec![
            ((0..11).map(|i| def(&format!("k{i}"), Text, false, &[])).collect(), "custom_fields"),
            (vec![def("", Text, false, &[])], "custom_fields[0][key]"),
            (vec![def("Company", Text, false, &[])], "custom_fields[0][key]"),
            (vec![def("with-dash", Text, false, &[])], "custom_fields[0][key]"),
            (vec![def(&"k".repeat(41), Text, false, &[])], "custom_fields[0][key]"),
            (vec![def("a", Text, false, &[]), def("a", Numeric, false, &[])], "custom_fields[1][key]"),
            (vec![long_label], "custom_fields[0][label]"),
            (vec![empty_label], "custom_fields[0][label]"),
            (vec![def("a", Text, false, &[]), def("b", Dropdown, false, &[])], "custom_fields[1][options]"),
            (vec![def("a", Dropdown, false, &many)], "custom_fields[0][options]"),
            (vec![def("a", Dropdown, false, &["x", " "])], "custom_fields[0][options][1]"),
            (vec![def("a", Dropdown, false, &["x", "y", " x "])], "custom_fields[0][options][2]"),
            (vec![def("a", Text, false, &["x"])], "custom_fields[0][options]"),
            (vec![def("a", Numeric, false, &["1"])], "custom_fields[0][options]"),
        ];
        for (defs, want) in cases {
            let e = custom_field_defs(&defs).unwrap_err();
            assert_eq!(param(&e), want, "{defs:?}");
            assert_eq!(e.status, 400);
        }
    }

    #[test]
    fn decimal_values() {
        let ok = [("12", "12"), (" 12.5 ", "12.5"), ("0,75", "0.75"), ("-3", "-3"), ("+7", "7"), ("007", "007")];
        for (input, want) in ok {
            assert_eq!(decimal_value(input).as_deref(), Ok(want), "{input}");
        }
        for bad in ["abc", "1.2.3", "1,2.3", ".5", "5.", "-", "1e5", "1 000", "١٢", "NaN", "inf"] {
            assert_eq!(decimal_value(bad), Err(FieldProblem::NotANumber), "{bad}");
        }
        assert_eq!(decimal_value(&"1".repeat(41)), Err(FieldProblem::TooLong { max: 40 }));
    }

    fn session_defs() -> Vec<CustomFieldDef> {
        vec![
            def("company", CustomFieldType::Text, false, &[]),
            def("employees", CustomFieldType::Numeric, true, &[]),
            def("size", CustomFieldType::Dropdown, true, &["S", "M", "L"]),
        ]
    }

    fn good_payer() -> PayerDetails {
        PayerDetails {
            name: Some("  Ayşe Yılmaz ".into()),
            email: Some("Ayse@Example.COM".into()),
            phone: Some("+90 555 123 45 67".into()),
            billing_address: Some(istanbul()),
            shipping_address: None,
            shipping_same_as_billing: Some(true),
            custom_fields: [("company", " HSRC "), ("employees", "12,5"), ("size", "M")]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    #[test]
    fn payer_details_normalises_everything() {
        let n = payer_details(&good_payer(), &session_defs()).unwrap();
        assert_eq!(n.name.as_deref(), Some("Ayşe Yılmaz"));
        assert_eq!(n.email.as_deref(), Some("Ayse@example.com"));
        assert_eq!(n.phone.as_deref(), Some("+905551234567"));
        assert_eq!(n.shipping_address, Some(istanbul()));
        assert_eq!(n.custom_fields.get("company").map(String::as_str), Some("HSRC"));
        assert_eq!(n.custom_fields.get("employees").map(String::as_str), Some("12.5"));
        assert_eq!(n.custom_fields.get("size").map(String::as_str), Some("M"));
    }

    #[test]
    fn payer_details_same_as_billing_overrides_shipping() {
        let mut p = good_payer();
        p.shipping_address = Some(addr("Elsewhere 1", "Ankara", "06100", "TR"));
        assert_eq!(payer_details(&p, &session_defs()).unwrap().shipping_address, Some(istanbul()));
        p.shipping_same_as_billing = Some(false);
        let n = payer_details(&p, &session_defs()).unwrap();
        assert_eq!(n.shipping_address.map(|a| a.city), Some("Ankara".to_string()));
    }

    #[test]
    fn payer_details_treats_empty_values_as_not_given() {
        let p = PayerDetails {
            name: Some("  ".into()),
            email: Some(String::new()),
            custom_fields: [("company".to_string(), " ".to_string())].into_iter().collect(),
            ..PayerDetails::default()
        };
        let n = payer_details(&p, &session_defs()).unwrap();
        assert_eq!(n, PayerDetails::default());
    }

    #[test]
    fn payer_details_rejections_name_the_field() {
        let defs = session_defs();
        let with = |f: &dyn Fn(&mut PayerDetails)| {
            let mut p = good_payer();
            f(&mut p);
            p
        };
        let cases: Vec<(PayerDetails, &str)> = vec![
            (with(&|p| p.name = Some("n".repeat(201))), "payer[name]"),
            (with(&|p| p.name = Some("a\u{0}b".into())), "payer[name]"),
            (with(&|p| p.email = Some("not-an-email".into())), "payer[email]"),
            (with(&|p| p.phone = Some("0555 123 45 67".into())), "payer[phone]"),
            (with(&|p| p.billing_address = Some(addr("x", "y", "1", "TR"))), "payer[billing_address][postal_code]"),
            (
                with(&|p| {
                    p.shipping_same_as_billing = None;
                    p.shipping_address = Some(addr("x", "y", "12345", "XX"));
                }),
                "payer[shipping_address][country]",
            ),
            (with(&|p| drop(p.custom_fields.insert("unknown".into(), "v".into()))), "payer[custom_fields][unknown]"),
            (
                with(&|p| drop(p.custom_fields.insert("employees".into(), "many".into()))),
                "payer[custom_fields][employees]",
            ),
            (with(&|p| drop(p.custom_fields.insert("size".into(), "XL".into()))), "payer[custom_fields][size]"),
            (
                with(&|p| drop(p.custom_fields.insert("company".into(), "c".repeat(501)))),
                "payer[custom_fields][company]",
            ),
            (with(&|p| drop(p.custom_fields.insert("a]b[".into(), "v".into()))), "payer[custom_fields]"),
        ];
        for (p, want) in cases {
            let e = payer_details(&p, &defs).unwrap_err();
            assert_eq!(param(&e), want);
            assert_eq!(e.status, 400);
            assert_eq!(e.code, codes::PARAMETER_INVALID);
        }
    }

    #[test]
    fn custom_field_values_for_the_widget() {
        let defs = session_defs();
        assert_eq!(custom_field_value(&defs[2], " L "), Ok("L".to_string()));
        assert_eq!(custom_field_value(&defs[2], "l"), Err(FieldProblem::NotAnOption));
        assert_eq!(custom_field_value(&defs[1], ""), Err(FieldProblem::Required));
        assert_eq!(custom_field_value(&defs[0], "a\tb"), Err(FieldProblem::ControlCharacters));
    }

    #[test]
    fn payer_complete_accepts_complete_details() {
        let all = [CollectField::Phone, CollectField::BillingAddress, CollectField::ShippingAddress];
        assert_eq!(payer_complete(&good_payer(), &all, &session_defs()), Ok(()));
        let minimal =
            PayerDetails { name: Some("A".into()), email: Some("a@example.com".into()), ..PayerDetails::default() };
        assert_eq!(payer_complete(&minimal, &[], &[]), Ok(()));
    }

    #[test]
    fn payer_complete_reports_the_first_missing_field() {
        let all = [CollectField::Phone, CollectField::BillingAddress, CollectField::ShippingAddress];
        let defs = session_defs();
        let with = |f: &dyn Fn(&mut PayerDetails)| {
            let mut p = good_payer();
            f(&mut p);
            p
        };
        let cases: Vec<(PayerDetails, &str)> = vec![
            (PayerDetails::default(), "payer[name]"),
            (with(&|p| p.name = Some(" ".into())), "payer[name]"),
            (with(&|p| p.email = None), "payer[email]"),
            (with(&|p| p.phone = None), "payer[phone]"),
            (with(&|p| p.billing_address = None), "payer[billing_address]"),
            (with(&|p| p.billing_address = Some(addr("x", "", "34394", "TR"))), "payer[billing_address][city]"),
            (with(&|p| p.shipping_same_as_billing = None), "payer[shipping_address]"),
            (with(&|p| p.shipping_same_as_billing = Some(false)), "payer[shipping_address]"),
            (
                with(&|p| {
                    p.shipping_same_as_billing = None;
                    p.shipping_address = Some(addr("x", "y", "z", ""));
                }),
                "payer[shipping_address][country]",
            ),
            (with(&|p| drop(p.custom_fields.remove("employees"))), "payer[custom_fields][employees]"),
            (with(&|p| drop(p.custom_fields.insert("size".into(), " ".into()))), "payer[custom_fields][size]"),
        ];
        for (p, want) in cases {
            let e = payer_complete(&p, &all, &defs).unwrap_err();
            assert_eq!(e.code, codes::PAYER_DETAILS_INCOMPLETE, "{want}");
            assert_eq!(e.status, 400);
            assert_eq!(param(&e), want);
        }
    }

    #[test]
    fn payer_complete_ignores_what_is_not_collected() {
        let mut p = good_payer();
        p.phone = None;
        p.billing_address = None;
        p.custom_fields.remove("company");
        assert_eq!(payer_complete(&p, &[], &session_defs()), Ok(()));
        // Shipping same as billing without a billing address does not satisfy shipping.
        let e = payer_complete(&p, &[CollectField::ShippingAddress], &session_defs()).unwrap_err();
        assert_eq!(param(&e), "payer[shipping_address]");
    }

    #[test]
    fn field_problem_messages_are_english_and_specific() {
        assert_eq!(FieldProblem::Required.message("The name"), "The name is required.");
        assert_eq!(
            FieldProblem::TooLong { max: 200 }.message("The name"),
            "The name must be at most 200 characters long."
        );
        let e = FieldProblem::Required.to_api_error("payer[name]", "The name");
        assert_eq!(e.code, codes::PARAMETER_MISSING);
        assert_eq!(e.message, "The name is required.");
    }
}
