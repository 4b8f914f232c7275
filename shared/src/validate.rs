//! Validation of payer and session input: email, phone, addresses, metadata, custom fields, payer details.
//!
//! Each check exists twice over one implementation: a locale-free `*_problem` function returning a
//! [`FieldProblem`] (the widget maps it to Turkish or English text next to the field), and an API function returning
//! an [`ApiError`] with the precise `param` path (`payer[billing_address][postal_code]`). The caller passes the
//! param prefix. Strings are trimmed; lengths count characters, not bytes.

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

// ---------------------------------------------------------------------------------------------------------------
// Name, email, phone

/// Checks a payer name (1–200 characters, no control characters) and returns it trimmed.
pub fn name_value(value: &str) -> Result<String, FieldProblem> {
    text(value, MAX_NAME_CHARS, true)?.ok_or(FieldProblem::Required)
}

/// Validates a payer name for the API; returns it trimmed.
pub fn name(value: &str, param: &str) -> Result<String, ApiError> {
    name_value(value).map_err(|p| p.to_api_error(param, "The name"))
}

fn is_atext(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+/=?^_`{|}~-".contains(&b)
}

/// Whether `domain` is an ASCII DNS name with at least two labels and an alphabetic (or punycode) top-level label.
fn valid_email_domain(domain: &str) -> bool {
    if domain.is_empty() || domain.len() > 253 {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return false;
    }
    let labels_ok = labels.iter().all(|l| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    });
    let tld = labels.last().copied().unwrap_or_default();
    let tld_ok = (tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()))
        || (tld.len() > 4 && tld.to_ascii_lowercase().starts_with("xn--"));
    labels_ok && tld_ok
}

/// Checks an email address (pragmatic RFC 5322 subset: dot-atom `local@domain.tld`, ASCII, at most 254
/// characters, local part at most 64) and returns it trimmed with the domain lower-cased.
pub fn email_value(value: &str) -> Result<String, FieldProblem> {
    let v = value.trim();
    if v.is_empty() {
        return Err(FieldProblem::Required);
    }
    if v.chars().count() > MAX_EMAIL_CHARS {
        return Err(FieldProblem::TooLong { max: MAX_EMAIL_CHARS });
    }
    if has_control(v) {
        return Err(FieldProblem::ControlCharacters);
    }
    let Some((local, domain)) = v.split_once('@') else { return Err(FieldProblem::EmailInvalid) };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local.bytes().all(|b| b == b'.' || is_atext(b));
    if !local_ok || !valid_email_domain(domain) {
        return Err(FieldProblem::EmailInvalid);
    }
    Ok(format!("{local}@{}", domain.to_ascii_lowercase()))
}

/// Validates an email address for the API; returns it normalised (trimmed, domain lower-cased).
pub fn email(value: &str, param: &str) -> Result<String, ApiError> {
    email_value(value).map_err(|p| p.to_api_error(param, "The email address"))
}

/// Checks a phone number in E.164 form: `+`, then 8–15 digits (the first not 0) with optional spaces, dashes, dots
/// and parentheses between them. Returns `+` and the digits: `"+90 (555) 123-45-67"` → `"+905551234567"`.
pub fn phone_value(value: &str) -> Result<String, FieldProblem> {
    let v = value.trim();
    if v.is_empty() {
        return Err(FieldProblem::Required);
    }
    let Some(rest) = v.strip_prefix('+') else {
        return Err(if v.chars().all(|c| c.is_ascii_digit() || " -.()".contains(c)) {
            FieldProblem::PhoneNeedsCountryCode
        } else {
            FieldProblem::PhoneInvalid
        });
    };
    if !rest.chars().all(|c| c.is_ascii_digit() || " -.()".contains(c)) {
        return Err(FieldProblem::PhoneInvalid);
    }
    let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
    if !(8..=15).contains(&digits.len()) || digits.starts_with('0') {
        return Err(FieldProblem::PhoneInvalid);
    }
    Ok(format!("+{digits}"))
}

/// Validates a phone number for the API; returns it as E.164 (`"+905551234567"`).
pub fn phone_e164(value: &str, param: &str) -> Result<String, ApiError> {
    phone_value(value).map_err(|p| p.to_api_error(param, "The phone number"))
}

// ---------------------------------------------------------------------------------------------------------------
// Addresses

/// ISO 3166-1 alpha-2 codes, plus XK (Kosovo), which card networks and acquirers use.
pub const COUNTRY_CODES: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ", "BA", "BB", "BD",
    "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY", "BZ", "CA",
    "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE",
    "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA",
    "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK",
    "HM", "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP",
    "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT",
    "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS",
    "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ",
    "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS",
    "RU", "RW", "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST",
    "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW",
    "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI", "VN", "VU", "WF", "WS", "XK", "YE", "YT",
    "ZA", "ZM", "ZW",
];

/// The same codes as two-byte arrays, built at compile time: a lookup carries 500 bytes, not a table of 250 string
/// slices (2 KB of the payer's form wasm).
const COUNTRY_CODE_BYTES: [[u8; 2]; COUNTRY_CODES.len()] = {
    let mut out = [[0u8; 2]; COUNTRY_CODES.len()];
    let mut i = 0;
    while i < COUNTRY_CODES.len() {
        let code = COUNTRY_CODES[i].as_bytes();
        assert!(code.len() == 2, "country codes have two letters");
        out[i] = [code[0], code[1]];
        i += 1;
    }
    out
};

/// Whether `code` is an upper-case ISO 3166-1 alpha-2 code we accept.
pub fn is_country_code(code: &str) -> bool {
    let &[a, b] = code.as_bytes() else { return false };
    COUNTRY_CODE_BYTES.binary_search(&[a, b]).is_ok()
}

/// Checks a postal code: letters, digits, spaces and dashes, at most 20 characters; five digits in Türkiye.
pub fn postal_code_value(value: &str, country: &str) -> Result<String, FieldProblem> {
    let v = text(value, MAX_POSTAL_CODE_CHARS, true)?.ok_or(FieldProblem::Required)?;
    if !v.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-') {
        return Err(FieldProblem::PostalCodeInvalid);
    }
    if country == "TR" && !(v.len() == 5 && v.bytes().all(|b| b.is_ascii_digit())) {
        return Err(FieldProblem::PostalCodeInvalid);
    }
    Ok(v)
}

/// Every problem of an address, as `(field, problem)` pairs in form order (`"line1"`, `"line2"`, `"city"`,
/// `"state"`, `"postal_code"`, `"country"`). Empty when the address is valid.
pub fn address_problems(a: &Address) -> Vec<(&'static str, FieldProblem)> {
    normalize(a).err().unwrap_or_default()
}

/// The trimmed address, or every problem.
fn normalize(a: &Address) -> Result<Address, Vec<(&'static str, FieldProblem)>> {
    let mut problems = Vec::new();
    let mut take = |field: &'static str, r: Result<Option<String>, FieldProblem>| match r {
        Ok(v) => v,
        Err(p) => {
            problems.push((field, p));
            None
        }
    };
    let line1 = take("line1", text(&a.line1, MAX_LINE_CHARS, true));
    let line2 = take("line2", text(a.line2.as_deref().unwrap_or_default(), MAX_LINE_CHARS, false));
    let city = take("city", text(&a.city, MAX_CITY_CHARS, true));
    let state = take("state", text(a.state.as_deref().unwrap_or_default(), MAX_CITY_CHARS, false));
    let country = a.country.trim();
    let postal_code = take("postal_code", postal_code_value(&a.postal_code, country).map(Some));
    let country = take(
        "country",
        if country.is_empty() {
            Err(FieldProblem::Required)
        } else if is_country_code(country) {
            Ok(Some(country.to_string()))
        } else {
            Err(FieldProblem::CountryInvalid)
        },
    );
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Address {
        line1: line1.unwrap_or_default(),
        line2,
        city: city.unwrap_or_default(),
        state,
        postal_code: postal_code.unwrap_or_default(),
        country: country.unwrap_or_default(),
    })
}

fn address_field_label(field: &str) -> &'static str {
    match field {
        "line1" => "Address line 1",
        "line2" => "Address line 2",
        "city" => "The city",
        "state" => "The state or province",
        "postal_code" => "The postal code",
        _ => "The country",
    }
}

/// Validates an address and returns it trimmed. Errors name the field: `{param}[postal_code]`.
pub fn normalize_address(a: &Address, param: &str) -> Result<Address, ApiError> {
    normalize(a).map_err(|problems| match problems.first() {
        Some(&(field, p)) => p.to_api_error(&format!("{param}[{field}]"), address_field_label(field)),
        None => ApiError::invalid(param, "The address is invalid."),
    })
}

/// Validates an address: line1, city, postal_code and country required; lengths ≤ 200 (lines) / 100 (city, state)
/// / 20 (postal code); country an upper-case ISO 3166-1 alpha-2 code; no control characters. Errors name the
/// field: `{param}[postal_code]`.
pub fn address(a: &Address, param: &str) -> Result<(), ApiError> {
    normalize_address(a, param).map(|_| ())
}

// ---------------------------------------------------------------------------------------------------------------
// Metadata and custom field definitions

/// A key that can be echoed in a `param` path without smuggling anything into it.
fn printable_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 100
        && key.bytes().all(|b| b.is_ascii_graphic() && b != b'[' && b != b']')
        && !crate::pan_scan::contains_card_number(key)
}

fn keyed_param(param: &str, key: &str) -> String {
    if printable_key(key) {
        format!("{param}[{key}]")
    } else {
        param.to_string()
    }
}

/// Validates merchant metadata: at most 50 keys; keys 1–40 characters of `[A-Za-z0-9_.-]`; values at most 500
/// characters without control characters. Errors name the key: `metadata[order_id]`.
pub fn metadata(m: &Metadata, param: &str) -> Result<(), ApiError> {
    if m.len() > MAX_METADATA_KEYS {
        return Err(ApiError::invalid(param, format!("Metadata can have at most {MAX_METADATA_KEYS} keys.")));
    }
    for (key, value) in m {
        let key_ok = !key.is_empty()
            && key.len() <= MAX_METADATA_KEY_CHARS
            && key.bytes().all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
            && !crate::pan_scan::contains_card_number(key);
        if !key_ok {
            return Err(ApiError::invalid(
                keyed_param(param, key),
                format!("Metadata keys must be 1 to {MAX_METADATA_KEY_CHARS} characters of letters, digits, '_', '.' and '-'."),
            ));
        }
        if value.chars().count() > MAX_METADATA_VALUE_CHARS {
            return Err(ApiError::invalid(
                format!("{param}[{key}]"),
                format!("Metadata values must be at most {MAX_METADATA_VALUE_CHARS} characters long."),
            ));
        }
        if has_control(value) {
            return Err(ApiError::invalid(
                format!("{param}[{key}]"),
                "Metadata values must not contain control characters.",
            ));
        }
        if crate::pan_scan::contains_card_number(value) {
            return Err(ApiError::invalid(
                format!("{param}[{key}]"),
                FieldProblem::CardNumber.message("A metadata value"),
            ));
        }
    }
    Ok(())
}

/// Validates a session's custom field definitions: at most 10; keys unique, 1–40 characters of `[a-z0-9_]`;
/// labels 1–100 characters; a dropdown has 1–50 unique non-empty options (≤ 100 characters each); text and numeric
/// fields have no options. Errors name the spot: `custom_fields[2][options]`.
pub fn custom_field_defs(defs: &[CustomFieldDef]) -> Result<(), ApiError> {
    if defs.len() > MAX_CUSTOM_FIELDS {
        return Err(ApiError::invalid(
            "custom_fields",
            format!("A session can have at most {MAX_CUSTOM_FIELDS} custom fields."),
        ));
    }
    let mut keys = BTreeSet::new();
    for (i, def) in defs.iter().enumerate() {
        let p = |field: &str| format!("custom_fields[{i}][{field}]");
        let key_ok = !def.key.is_empty()
            && def.key.len() <= MAX_CUSTOM_FIELD_KEY_CHARS
            && def.key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !key_ok {
            return Err(ApiError::invalid(
                p("key"),
                format!("Custom field keys must be 1 to {MAX_CUSTOM_FIELD_KEY_CHARS} characters of a-z, 0-9 and '_'."),
            ));
        }
        if !keys.insert(def.key.as_str()) {
            return Err(ApiError::invalid(p("key"), format!("Custom field key '{}' is used more than once.", def.key)));
        }
        text(&def.label, MAX_CUSTOM_FIELD_LABEL_CHARS, true)
            .map_err(|problem| problem.to_api_error(&p("label"), "The custom field label"))?;
        match def.kind {
            CustomFieldType::Dropdown => {
                if def.options.is_empty() || def.options.len() > MAX_DROPDOWN_OPTIONS {
                    return Err(ApiError::invalid(
                        p("options"),
                        format!("A dropdown custom field needs 1 to {MAX_DROPDOWN_OPTIONS} options."),
                    ));
                }
                let mut seen = BTreeSet::new();
                for (j, option) in def.options.iter().enumerate() {
                    let param = format!("custom_fields[{i}][options][{j}]");
                    let value = text(option, MAX_DROPDOWN_OPTION_CHARS, true)
                        .map_err(|problem| problem.to_api_error(&param, "A dropdown option"))?
                        .unwrap_or_default();
                    if !seen.insert(value) {
                        return Err(ApiError::invalid(param, "Dropdown options must be unique."));
                    }
                }
            }
            CustomFieldType::Text | CustomFieldType::Numeric => {
                if !def.options.is_empty() {
                    return Err(ApiError::invalid(p("options"), "Only dropdown custom fields can have options."));
                }
            }
        }
    }
    Ok(())
}

/// Checks a decimal number: optional sign, digits, optionally `.` or `,` and more digits. Returns it with `.` as
/// the separator and no `+` (`"12,5"` → `"12.5"`).
pub fn decimal_value(value: &str) -> Result<String, FieldProblem> {
    let v = value.trim();
    if v.is_empty() {
        return Err(FieldProblem::Required);
    }
    if v.chars().count() > MAX_NUMERIC_CHARS {
        return Err(FieldProblem::TooLong { max: MAX_NUMERIC_CHARS });
    }
    let (sign, unsigned) = match v.as_bytes()[0] {
        b'-' => ("-", &v[1..]),
        b'+' => ("", &v[1..]),
        _ => ("", v),
    };
    let (int, frac) = match unsigned.find(['.', ',']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || frac.is_some_and(|f| !digits(f)) {
        return Err(FieldProblem::NotANumber);
    }
    Ok(match frac {
        Some(f) => format!("{sign}{int}.{f}"),
        None => format!("{sign}{int}"),
    })
}

/// Checks one custom field value against its definition and returns it normalised (trimmed; numbers with `.`).
/// An empty value is [`FieldProblem::Required`] whether or not the field is required: callers drop empty values.
pub fn custom_field_value(def: &CustomFieldDef, value: &str) -> Result<String, FieldProblem> {
    match def.kind {
        CustomFieldType::Text => text(value, MAX_CUSTOM_FIELD_VALUE_CHARS, true)?.ok_or(FieldProblem::Required),
        CustomFieldType::Numeric => decimal_value(value),
        CustomFieldType::Dropdown => {
            let v = value.trim();
            if v.is_empty() {
                return Err(FieldProblem::Required);
            }
            def.options.iter().find(|o| o.trim() == v).map(|o| o.trim().to_string()).ok_or(FieldProblem::NotAnOption)
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Payer details

const PAYER: &str = "payer";

/// Validates every field the payer gave and returns the normalised copy: name trimmed, email with lower-case
/// domain, phone in E.164, addresses trimmed, custom field values normalised. Empty optional strings and empty
/// custom field values count as not given (they become `None` / are dropped). When `shipping_same_as_billing` is
/// `Some(true)`, the copy's `shipping_address` is the billing address.
///
/// Errors are 400 with params under `payer` (`payer[email]`, `payer[billing_address][city]`,
/// `payer[custom_fields][company]`).
pub fn payer_details(p: &PayerDetails, defs: &[CustomFieldDef]) -> Result<PayerDetails, ApiError> {
    let present = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    let name = present(&p.name).map(|v| name(&v, &format!("{PAYER}[name]"))).transpose()?;
    let email = present(&p.email).map(|v| email(&v, &format!("{PAYER}[email]"))).transpose()?;
    let phone = present(&p.phone).map(|v| phone_e164(&v, &format!("{PAYER}[phone]"))).transpose()?;
    let billing_address =
        p.billing_address.as_ref().map(|a| normalize_address(a, &format!("{PAYER}[billing_address]"))).transpose()?;
    let mut shipping_address =
        p.shipping_address.as_ref().map(|a| normalize_address(a, &format!("{PAYER}[shipping_address]"))).transpose()?;
    if p.shipping_same_as_billing == Some(true) {
        shipping_address = billing_address.clone();
    }
    let mut custom_fields = BTreeMap::new();
    for (key, value) in &p.custom_fields {
        let param = keyed_param(&format!("{PAYER}[custom_fields]"), key);
        let Some(def) = defs.iter().find(|d| &d.key == key) else {
            return Err(FieldProblem::UnknownField.to_api_error(&param, "This custom field"));
        };
        match custom_field_value(def, value) {
            Ok(v) => {
                custom_fields.insert(key.clone(), v);
            }
            Err(FieldProblem::Required) => {}
            Err(problem) => return Err(problem.to_api_error(&param, &format!("The field '{}'", def.label.trim()))),
        }
    }
    Ok(PayerDetails {
        name,
        email,
        phone,
        billing_address,
        shipping_address,
        shipping_same_as_billing: p.shipping_same_as_billing,
        custom_fields,
    })
}

fn incomplete(param: String, message: impl Into<String>) -> ApiError {
    ApiError::invalid_code(codes::PAYER_DETAILS_INCOMPLETE, param, message)
}

fn filled(v: &Option<String>) -> bool {
    v.as_deref().is_some_and(|s| !s.trim().is_empty())
}

/// The first missing required field of an address (`"line1"`, `"city"`, `"postal_code"`, `"country"`).
fn missing_address_field(a: &Address) -> Option<&'static str> {
    [("line1", &a.line1), ("city", &a.city), ("postal_code", &a.postal_code), ("country", &a.country)]
        .into_iter()
        .find(|(_, v)| v.trim().is_empty())
        .map(|(f, _)| f)
}

/// Checks that everything the session requires is present: name and email always; phone, billing and shipping
/// address when collected (shipping is satisfied by `shipping_same_as_billing` with a billing address); every
/// required custom field. Presence only: run [`payer_details`] for the format checks.
///
/// Errors use [`codes::PAYER_DETAILS_INCOMPLETE`] (400) with the first missing field as `param`, in form order:
/// `payer[name]`, `payer[email]`, `payer[phone]`, `payer[billing_address]` (or `…[billing_address][city]` for a
/// partial address), `payer[shipping_address]`, `payer[custom_fields][<key>]`.
pub fn payer_complete(p: &PayerDetails, collect: &[CollectField], defs: &[CustomFieldDef]) -> Result<(), ApiError> {
    if !filled(&p.name) {
        return Err(incomplete(format!("{PAYER}[name]"), "The payer's name is required."));
    }
    if !filled(&p.email) {
        return Err(incomplete(format!("{PAYER}[email]"), "The payer's email address is required."));
    }
    if collect.contains(&CollectField::Phone) && !filled(&p.phone) {
        return Err(incomplete(format!("{PAYER}[phone]"), "The payer's phone number is required."));
    }
    let check_address = |a: Option<&Address>, field: &str, what: &str| -> Result<(), ApiError> {
        match a {
            None => Err(incomplete(format!("{PAYER}[{field}]"), format!("The {what} is required."))),
            Some(a) => match missing_address_field(a) {
                Some(part) => Err(incomplete(
                    format!("{PAYER}[{field}][{part}]"),
                    format!("The {what} is incomplete: {} is required.", part.replace('_', " ")),
                )),
                None => Ok(()),
            },
        }
    };
    if collect.contains(&CollectField::BillingAddress) {
        check_address(p.billing_address.as_ref(), "billing_address", "billing address")?;
    }
    if collect.contains(&CollectField::ShippingAddress) {
        let shipping = if p.shipping_same_as_billing == Some(true) {
            p.billing_address.as_ref()
        } else {
            p.shipping_address.as_ref()
        };
        check_address(shipping, "shipping_address", "shipping address")?;
    }
    for def in defs.iter().filter(|d| d.required) {
        let given = p.custom_fields.get(&def.key).is_some_and(|v| !v.trim().is_empty());
        if !given {
            return Err(incomplete(
                keyed_param(&format!("{PAYER}[custom_fields]"), &def.key),
                format!("The field '{}' is required.", def.label.trim()),
            ));
        }
    }
    Ok(())
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
