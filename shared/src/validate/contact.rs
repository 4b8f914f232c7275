//! Name, email and phone.

use super::*;

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
