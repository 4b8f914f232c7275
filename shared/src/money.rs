//! Money in minor units with ISO 4217 exponents. (Stub: owned by the shared-validation work.)
use crate::api::Locale;
use crate::error::ApiError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Currency {
    pub code: &'static str,
    pub exponent: u8,
}

pub fn currency(code: &str) -> Option<Currency> {
    match code {
        "TRY" => Some(Currency { code: "TRY", exponent: 2 }),
        _ => None,
    }
}

pub fn validate_amount(amount: i64, _currency: &Currency, param: &str) -> Result<(), ApiError> {
    if amount <= 0 { return Err(ApiError::invalid(param, "amount must be positive")); }
    Ok(())
}

pub fn format_amount(amount: i64, currency: &Currency, _locale: Locale) -> String {
    format!("{} {}", amount, currency.code)
}
