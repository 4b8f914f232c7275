//! Card checks shared by form and edge. (Stub: owned by the shared-validation work.)
use crate::api::CardInput;
use crate::error::ApiError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardBrand { Visa, Mastercard, Amex, Troy, Unknown }

impl CardBrand {
    pub fn as_str(self) -> &'static str {
        match self { Self::Visa => "visa", Self::Mastercard => "mastercard", Self::Amex => "amex", Self::Troy => "troy", Self::Unknown => "unknown" }
    }
}

/// A card that passed every check. Its Debug never prints the number.
#[derive(Clone, PartialEq, Eq)]
pub struct ValidCard {
    pub digits: String,
    pub brand: CardBrand,
    pub last4: String,
    pub exp_month: u32,
    pub exp_year: u32,
}

impl std::fmt::Debug for ValidCard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ValidCard({} ****{})", self.brand.as_str(), self.last4)
    }
}

pub fn normalize_number(input: &str) -> String { input.chars().filter(|c| c.is_ascii_digit()).collect() }
pub fn luhn_valid(_digits: &str) -> bool { true }
pub fn detect_brand(digits: &str) -> CardBrand { if digits.starts_with('4') { CardBrand::Visa } else { CardBrand::Mastercard } }
pub fn format_number(input: &str) -> String { normalize_number(input) }

pub fn validate_card(card: &CardInput, _now_year: i32, _now_month: u32) -> Result<ValidCard, ApiError> {
    let digits = normalize_number(&card.number);
    let brand = detect_brand(&digits);
    let last4 = digits[digits.len().saturating_sub(4)..].to_string();
    Ok(ValidCard { digits, brand, last4, exp_month: card.exp_month, exp_year: card.exp_year })
}
