//! Money in minor units with ISO 4217 exponents.
//!
//! Amounts travel as integers in the currency's minor unit (`12500` TRY is ₺125.00, `1235` JPY is ¥1,235, `1500`
//! KWD is KWD 1.500). This module knows how many minor units each supported currency has, how large an amount may
//! be, and how to show an amount to the payer in Turkish or English.

use crate::api::Locale;
use crate::error::{codes, ApiError};

/// An ISO 4217 currency we accept.
///
/// Obtain one with [`currency`]; the table is the single source of truth for exponents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency {
    /// Upper-case ISO 4217 alphabetic code, e.g. `"TRY"`.
    pub code: &'static str,
    /// Number of minor-unit digits: 2 for TRY (kuruş), 0 for JPY, 3 for KWD.
    pub exponent: u8,
}

/// The largest amount in major units for every currency: 99,999,999 plus a full set of minor units.
const MAX_MAJOR_UNITS: i64 = 99_999_999;

/// `(code, exponent, symbol)`. The symbol is set only where it is unambiguous for a payer in Turkey or an
/// English-speaking country; other currencies are shown with their code.
const CURRENCIES: &[(&str, u8, Option<&str>)] = &[
    // Türkiye first: it is the product's home currency.
    ("TRY", 2, Some("₺")),
    ("USD", 2, Some("$")),
    ("EUR", 2, Some("€")),
    ("GBP", 2, Some("£")),
    ("JPY", 0, Some("¥")),
    ("KRW", 0, Some("₩")),
    ("INR", 2, Some("₹")),
    ("ILS", 2, Some("₪")),
    ("UAH", 2, Some("₴")),
    ("NGN", 2, Some("₦")),
    ("PHP", 2, Some("₱")),
    ("VND", 0, Some("₫")),
    ("AZN", 2, Some("₼")),
    ("GEL", 2, Some("₾")),
    ("KZT", 2, Some("₸")),
    // Three-decimal currencies.
    ("BHD", 3, None),
    ("IQD", 3, None),
    ("JOD", 3, None),
    ("KWD", 3, None),
    ("LYD", 3, None),
    ("OMR", 3, None),
    ("TND", 3, None),
    // Zero-decimal currencies.
    ("BIF", 0, None),
    ("CLP", 0, None),
    ("DJF", 0, None),
    ("GNF", 0, None),
    ("ISK", 0, None),
    ("KMF", 0, None),
    ("PYG", 0, None),
    ("RWF", 0, None),
    ("UGX", 0, None),
    ("VUV", 0, None),
    ("XAF", 0, None),
    ("XOF", 0, None),
    ("XPF", 0, None),
    // Two-decimal currencies shown by code (their symbols are shared with others, e.g. "$" or "kr").
    ("AED", 2, None),
    ("ALL", 2, None),
    ("AMD", 2, None),
    ("ARS", 2, None),
    ("AUD", 2, None),
    ("BAM", 2, None),
    ("BDT", 2, None),
    ("BGN", 2, None),
    ("BRL", 2, None),
    ("BYN", 2, None),
    ("CAD", 2, None),
    ("CHF", 2, None),
    ("CNY", 2, None),
    ("COP", 2, None),
    ("CZK", 2, None),
    ("DKK", 2, None),
    ("DZD", 2, None),
    ("EGP", 2, None),
    ("HKD", 2, None),
    ("HUF", 2, None),
    ("IDR", 2, None),
    ("KES", 2, None),
    ("LBP", 2, None),
    ("MAD", 2, None),
    ("MDL", 2, None),
    ("MKD", 2, None),
    ("MXN", 2, None),
    ("MYR", 2, None),
    ("NOK", 2, None),
    ("NZD", 2, None),
    ("PEN", 2, None),
    ("PKR", 2, None),
    ("PLN", 2, None),
    ("QAR", 2, None),
    ("RON", 2, None),
    ("RSD", 2, None),
    ("RUB", 2, None),
    ("SAR", 2, None),
    ("SEK", 2, None),
    ("SGD", 2, None),
    ("THB", 2, None),
    ("TWD", 2, None),
    ("UZS", 2, None),
    ("ZAR", 2, None),
];

/// Looks up a currency by its upper-case ISO 4217 code.
///
/// Only the canonical upper-case spelling is accepted: `currency("TRY")` is `Some`, `currency("try")` is `None`
/// (use [`parse_currency`] for an error that tells the caller to use upper case).
pub fn currency(code: &str) -> Option<Currency> {
    CURRENCIES.iter().find(|(c, _, _)| *c == code).map(|&(code, exponent, _)| Currency { code, exponent })
}

/// Every supported currency, in table order (TRY first). Useful for documentation and the OpenAPI enum.
pub fn supported_currencies() -> impl Iterator<Item = Currency> {
    CURRENCIES.iter().map(|&(code, exponent, _)| Currency { code, exponent })
}

/// Looks up a currency for a request parameter, with an error that says what to do.
///
/// Errors use [`codes::CURRENCY_UNSUPPORTED`] (400) with `param`; a lower-case spelling of a supported code gets a
/// message asking for upper case.
pub fn parse_currency(code: &str, param: &str) -> Result<Currency, ApiError> {
    if code.is_empty() {
        return Err(ApiError::missing(param));
    }
    if let Some(c) = currency(code) {
        return Ok(c);
    }
    let upper = code.to_ascii_uppercase();
    let message = if code.len() == 3 && currency(&upper).is_some() {
        format!("Currency codes are upper-case ISO 4217 codes: use '{upper}'.")
    } else {
        "Unsupported currency: give an upper-case ISO 4217 code such as 'TRY'.".to_string()
    };
    Err(ApiError::invalid_code(codes::CURRENCY_UNSUPPORTED, param, message))
}

/// The currency and amount of a new session or API-only payment (`currency`, `amount`), checked together.
///
/// Errors: [`codes::CURRENCY_UNSUPPORTED`] on `currency`, then those of [`validate_amount`] on `amount`.
pub fn order_amount(amount: i64, code: &str) -> Result<Currency, ApiError> {
    let currency = currency(code).ok_or_else(|| {
        ApiError::invalid_code(
            codes::CURRENCY_UNSUPPORTED,
            "currency",
            format!("Unsupported currency '{code}'. Use an upper-case ISO 4217 code such as TRY."),
        )
    })?;
    validate_amount(amount, &currency, "amount")?;
    Ok(currency)
}

impl Currency {
    /// `10^exponent`: how many minor units make one major unit.
    pub fn minor_per_major(&self) -> i64 {
        10_i64.pow(u32::from(self.exponent))
    }

    /// The largest amount accepted, in minor units: 99,999,999 major units and a full set of minor units
    /// (`9_999_999_999` for TRY, `99_999_999` for JPY, `99_999_999_999` for KWD).
    pub fn max_amount(&self) -> i64 {
        let unit = self.minor_per_major();
        MAX_MAJOR_UNITS * unit + (unit - 1)
    }

    /// The payer-facing symbol (`"₺"`, `"$"`, `"€"`), or `None` when the currency is shown by its code.
    pub fn symbol(&self) -> Option<&'static str> {
        CURRENCIES.iter().find(|(c, _, _)| *c == self.code).and_then(|&(_, _, s)| s)
    }
}

/// Checks that `amount` (minor units) is positive and at most [`Currency::max_amount`].
///
/// Errors use [`codes::AMOUNT_INVALID`] (400) with `param`.
pub fn validate_amount(amount: i64, currency: &Currency, param: &str) -> Result<(), ApiError> {
    if amount <= 0 {
        return Err(ApiError::invalid_code(
            codes::AMOUNT_INVALID,
            param,
            format!(
                "Amount must be a positive integer in the currency's minor unit (e.g. 12500 for 125.00 {}).",
                currency.code
            ),
        ));
    }
    let max = currency.max_amount();
    if amount > max {
        return Err(ApiError::invalid_code(
            codes::AMOUNT_INVALID,
            param,
            format!(
                "Amount must be at most {max} in minor units ({} {}).",
                to_decimal_string(max, currency),
                currency.code
            ),
        ));
    }
    Ok(())
}

/// The amount as a plain decimal string in major units, no grouping, `.` as separator: `12500` TRY → `"125.00"`,
/// `1235` JPY → `"1235"`, `1500` KWD → `"1.500"`. The form providers and logs use.
pub fn to_decimal_string(amount: i64, currency: &Currency) -> String {
    let (integer, fraction) = split(amount, currency);
    let sign = if amount < 0 { "-" } else { "" };
    if currency.exponent == 0 {
        format!("{sign}{integer}")
    } else {
        format!("{sign}{integer}.{fraction:0width$}", width = usize::from(currency.exponent))
    }
}

/// Splits the absolute value into major and minor parts.
fn split(amount: i64, currency: &Currency) -> (u64, u64) {
    let unit = currency.minor_per_major().unsigned_abs();
    let abs = amount.unsigned_abs();
    (abs / unit, abs % unit)
}

/// Groups the digits of `n` by thousands with `sep`.
fn group_thousands(n: u64, sep: char) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(ch);
    }
    out
}

/// Formats an amount for the payer.
///
/// - Turkish (`Locale::Tr`): thousands `.`, decimals `,`, symbol first without a space: `1234567` TRY →
///   `"₺12.345,67"`, `12500` TRY → `"₺125,00"`.
/// - English (`Locale::En`): thousands `,`, decimals `.`: `"₺125.00"`, `"$1,234.56"`, `"¥1,235"`.
/// - Currencies without an unambiguous symbol show their code and a space: `"KWD 1.500"` (English),
///   `"KWD 1,500"` (Turkish).
///
/// A negative amount is shown with a leading minus sign (`"-₺1,00"`), though the API never produces one.
pub fn format_amount(amount: i64, currency: &Currency, locale: Locale) -> String {
    let (thousands, decimal) = match locale {
        Locale::Tr => ('.', ','),
        Locale::En => (',', '.'),
    };
    let (integer, fraction) = split(amount, currency);
    let mut number = group_thousands(integer, thousands);
    if currency.exponent > 0 {
        number.push(decimal);
        number.push_str(&format!("{fraction:0width$}", width = usize::from(currency.exponent)));
    }
    let sign = if amount < 0 { "-" } else { "" };
    match currency.symbol() {
        Some(symbol) => format!("{sign}{symbol}{number}"),
        None => format!("{sign}{} {number}", currency.code),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cur(code: &str) -> Currency {
        currency(code).unwrap_or_else(|| panic!("{code} should be supported"))
    }

    #[test]
    fn exponents_follow_iso_4217() {
        let table = [
            ("TRY", 2),
            ("USD", 2),
            ("EUR", 2),
            ("GBP", 2),
            ("JPY", 0),
            ("KRW", 0),
            ("KWD", 3),
            ("BHD", 3),
            ("JOD", 3),
            ("OMR", 3),
            ("TND", 3),
            ("CHF", 2),
            ("SEK", 2),
            ("NOK", 2),
            ("DKK", 2),
            ("PLN", 2),
            ("CZK", 2),
            ("HUF", 2),
            ("AED", 2),
            ("SAR", 2),
            ("CLP", 0),
            ("ISK", 0),
            ("VND", 0),
        ];
        for (code, exp) in table {
            assert_eq!(cur(code).exponent, exp, "{code}");
            assert_eq!(cur(code).code, code);
        }
    }

    #[test]
    fn codes_are_upper_case_only() {
        assert_eq!(currency("try"), None);
        assert_eq!(currency("Try"), None);
        assert_eq!(currency(" TRY"), None);
        assert_eq!(currency(""), None);
        assert_eq!(currency("XXX"), None);
    }

    #[test]
    fn table_has_no_duplicates_and_well_formed_codes() {
        let mut seen = std::collections::BTreeSet::new();
        for c in supported_currencies() {
            assert!(seen.insert(c.code), "duplicate {}", c.code);
            assert!(c.code.len() == 3 && c.code.bytes().all(|b| b.is_ascii_uppercase()), "{}", c.code);
            assert!(c.exponent <= 3);
        }
    }

    #[test]
    fn parse_currency_explains_lower_case() {
        assert_eq!(parse_currency("TRY", "currency").map(|c| c.code), Ok("TRY"));
        let e = parse_currency("try", "currency").unwrap_err();
        assert_eq!(e.code, codes::CURRENCY_UNSUPPORTED);
        assert_eq!(e.status, 400);
        assert_eq!(e.param.as_deref(), Some("currency"));
        assert!(e.message.contains("'TRY'"), "{}", e.message);
        let e = parse_currency("ABC", "currency").unwrap_err();
        assert_eq!(e.code, codes::CURRENCY_UNSUPPORTED);
        assert_eq!(parse_currency("", "currency").unwrap_err().code, codes::PARAMETER_MISSING);
    }

    #[test]
    fn max_amount_is_99_999_999_and_full_minor_units() {
        assert_eq!(cur("TRY").max_amount(), 9_999_999_999);
        assert_eq!(cur("JPY").max_amount(), 99_999_999);
        assert_eq!(cur("KWD").max_amount(), 99_999_999_999);
    }

    #[test]
    fn validate_amount_accepts_positive_up_to_max() {
        for code in ["TRY", "JPY", "KWD"] {
            let c = cur(code);
            assert_eq!(validate_amount(1, &c, "amount"), Ok(()));
            assert_eq!(validate_amount(c.max_amount(), &c, "amount"), Ok(()));
        }
    }

    #[test]
    fn validate_amount_rejects_zero_negative_and_too_large() {
        let c = cur("TRY");
        for amount in [0, -1, i64::MIN, c.max_amount() + 1, i64::MAX] {
            let e = validate_amount(amount, &c, "amount").unwrap_err();
            assert_eq!(e.code, codes::AMOUNT_INVALID, "{amount}");
            assert_eq!(e.status, 400);
            assert_eq!(e.param.as_deref(), Some("amount"));
        }
        let e = validate_amount(10_000_000_000, &c, "amount").unwrap_err();
        assert!(e.message.contains("99999999.99 TRY"), "{}", e.message);
    }

    #[test]
    fn formats_turkish_and_english() {
        let cases: &[(i64, &str, Locale, &str)] = &[
            (12500, "TRY", Locale::Tr, "₺125,00"),
            (1234567, "TRY", Locale::Tr, "₺12.345,67"),
            (5, "TRY", Locale::Tr, "₺0,05"),
            (12500, "TRY", Locale::En, "₺125.00"),
            (123456, "USD", Locale::En, "$1,234.56"),
            (123456, "USD", Locale::Tr, "$1.234,56"),
            (100, "EUR", Locale::En, "€1.00"),
            (1235, "JPY", Locale::En, "¥1,235"),
            (1235, "JPY", Locale::Tr, "¥1.235"),
            (1500, "KWD", Locale::En, "KWD 1.500"),
            (1500, "KWD", Locale::Tr, "KWD 1,500"),
            (123456789, "CHF", Locale::En, "CHF 1,234,567.89"),
            (999, "ISK", Locale::En, "ISK 999"),
            (999_999_999_999, "TRY", Locale::Tr, "₺9.999.999.999,99"),
            (-100, "TRY", Locale::Tr, "-₺1,00"),
            (i64::MIN, "TRY", Locale::En, "-₺92,233,720,368,547,758.08"),
        ];
        for &(amount, code, locale, want) in cases {
            assert_eq!(format_amount(amount, &cur(code), locale), want, "{amount} {code} {locale:?}");
        }
    }

    #[test]
    fn decimal_string_has_no_grouping() {
        assert_eq!(to_decimal_string(12500, &cur("TRY")), "125.00");
        assert_eq!(to_decimal_string(1235, &cur("JPY")), "1235");
        assert_eq!(to_decimal_string(1500, &cur("KWD")), "1.500");
        assert_eq!(to_decimal_string(-7, &cur("USD")), "-0.07");
    }

    #[test]
    fn symbols_are_known_for_common_currencies() {
        assert_eq!(cur("TRY").symbol(), Some("₺"));
        assert_eq!(cur("USD").symbol(), Some("$"));
        assert_eq!(cur("KWD").symbol(), None);
    }
}
