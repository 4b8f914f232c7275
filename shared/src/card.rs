//! Card checks shared by the form and the edge: normalisation, Luhn, brand detection, as-you-type formatting,
//! expiry and CVC rules.
//!
//! The browser form and the edge run this same code, so they can never disagree about whether a card is well
//! formed. Nothing here ever puts a card number into a message, a `Debug` string or an error.

use crate::api::CardInput;
use crate::error::{codes, ApiError};

/// Parameter path of the card number on the confirm body.
pub const PARAM_NUMBER: &str = "payment_method[card][number]";
/// Parameter path of the expiry month on the confirm body.
pub const PARAM_EXP_MONTH: &str = "payment_method[card][exp_month]";
/// Parameter path of the expiry year on the confirm body.
pub const PARAM_EXP_YEAR: &str = "payment_method[card][exp_year]";
/// Parameter path of the CVC on the confirm body.
pub const PARAM_CVC: &str = "payment_method[card][cvc]";

/// Fewest digits any card number has.
pub const MIN_NUMBER_LENGTH: usize = 12;
/// Most digits any card number has.
pub const MAX_NUMBER_LENGTH: usize = 19;
/// How many years ahead an expiry date may lie before it is considered a typo.
pub const MAX_YEARS_AHEAD: i32 = 20;

/// A card network, as far as the number's leading digits tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CardBrand {
    Visa,
    Mastercard,
    Amex,
    /// Türkiye's domestic scheme (IIN 9792 and the 65 range); first-class for TRY merchants.
    Troy,
    Unknown,
}

impl CardBrand {
    /// Lower-case wire name: `"visa"`, `"mastercard"`, `"amex"`, `"troy"`, `"unknown"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Visa => "visa",
            Self::Mastercard => "mastercard",
            Self::Amex => "amex",
            Self::Troy => "troy",
            Self::Unknown => "unknown",
        }
    }

    /// Human-readable name for labels and screen readers: `"Visa"`, `"Mastercard"`, `"American Express"`, `"Troy"`.
    pub fn display_name(self) -> &'static str {
        match self {
            Self::Visa => "Visa",
            Self::Mastercard => "Mastercard",
            Self::Amex => "American Express",
            Self::Troy => "Troy",
            Self::Unknown => "Card",
        }
    }
}

/// A card that passed every check. Its `Debug` never prints the number; it has no `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct ValidCard {
    /// The full number, digits only. Use it for the provider call and the fingerprint, then drop it.
    pub digits: String,
    pub brand: CardBrand,
    pub last4: String,
    pub exp_month: u32,
    pub exp_year: u32,
}

impl std::fmt::Debug for ValidCard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ValidCard({} ****{} {:02}/{})", self.brand.as_str(), self.last4, self.exp_month, self.exp_year)
    }
}

/// Everything that can be wrong with card input, without words: the widget maps each variant to Turkish or
/// English text, the edge to an [`ApiError`] via [`CardProblem::to_api_error`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CardProblem {
    /// No number was given.
    NumberMissing,
    /// The number has characters other than digits, spaces and dashes.
    NumberInvalidCharacters,
    /// Fewer digits than the brand (or any card) has.
    NumberTooShort,
    /// More digits than the brand (or any card) has.
    NumberTooLong,
    /// A length between the brand's allowed lengths (e.g. 14 digits for Visa).
    NumberWrongLength,
    /// The Luhn check digit does not match: most likely a typo.
    NumberChecksumFailed,
    /// The month is not 1–12.
    ExpiryMonthInvalid,
    /// The year is not a four-digit year, or lies more than [`MAX_YEARS_AHEAD`] years ahead.
    ExpiryYearInvalid,
    /// The expiry date is in the past.
    Expired,
    /// No CVC was given.
    CvcMissing,
    /// The CVC has non-digit characters.
    CvcInvalidCharacters,
    /// The CVC does not have the brand's length (4 for Amex, 3 otherwise).
    CvcWrongLength,
}

impl CardProblem {
    /// The confirm-body parameter the problem is about.
    pub fn param(self) -> &'static str {
        match self {
            Self::NumberMissing
            | Self::NumberInvalidCharacters
            | Self::NumberTooShort
            | Self::NumberTooLong
            | Self::NumberWrongLength
            | Self::NumberChecksumFailed => PARAM_NUMBER,
            Self::ExpiryMonthInvalid => PARAM_EXP_MONTH,
            Self::ExpiryYearInvalid | Self::Expired => PARAM_EXP_YEAR,
            Self::CvcMissing | Self::CvcInvalidCharacters | Self::CvcWrongLength => PARAM_CVC,
        }
    }

    /// English message for API errors. Never contains card data.
    pub fn message(self) -> &'static str {
        match self {
            Self::NumberMissing => "Your card number is missing.",
            Self::NumberInvalidCharacters => "Your card number may contain only digits, spaces and dashes.",
            Self::NumberTooShort => "Your card number is incomplete.",
            Self::NumberTooLong => "Your card number has too many digits.",
            Self::NumberWrongLength => "Your card number has the wrong number of digits for its card brand.",
            Self::NumberChecksumFailed => "Your card number is invalid.",
            Self::ExpiryMonthInvalid => "Your card's expiration month must be between 1 and 12.",
            Self::ExpiryYearInvalid => "Your card's expiration year is invalid: give a four-digit year.",
            Self::Expired => "Your card's expiration date is in the past.",
            Self::CvcMissing => "Your card's security code is missing.",
            Self::CvcInvalidCharacters => "Your card's security code may contain only digits.",
            Self::CvcWrongLength => "Your card's security code has the wrong number of digits.",
        }
    }

    /// A 400 `card_invalid` error with this problem's parameter and message.
    pub fn to_api_error(self) -> ApiError {
        ApiError::invalid_code(codes::CARD_INVALID, self.param(), self.message())
    }
}

impl std::fmt::Display for CardProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

impl From<CardProblem> for ApiError {
    fn from(p: CardProblem) -> Self {
        p.to_api_error()
    }
}

/// Keeps only the ASCII digits of `input` (drops spaces, dashes and anything else the payer typed or pasted).
pub fn normalize_number(input: &str) -> String {
    input.chars().filter(char::is_ascii_digit).collect()
}

/// Luhn (mod 10) check of a digits-only string. Empty input or any non-digit gives `false`.
pub fn luhn_valid(digits: &str) -> bool {
    if digits.is_empty() {
        return false;
    }
    let mut sum = 0u32;
    for (i, b) in digits.bytes().rev().enumerate() {
        if !b.is_ascii_digit() {
            return false;
        }
        let mut d = u32::from(b - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum.is_multiple_of(10)
}

/// The check digit that makes `partial` (digits only) pass Luhn when appended; `None` for non-digit input.
pub fn luhn_check_digit(partial: &str) -> Option<char> {
    if !partial.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    (b'0'..=b'9').map(char::from).find(|&c| {
        let mut candidate = String::with_capacity(partial.len() + 1);
        candidate.push_str(partial);
        candidate.push(c);
        luhn_valid(&candidate)
    })
}

/// IIN ranges: `(first, last, width)` means the number's first `width` digits lie in `first..=last`.
const BRAND_RANGES: &[(CardBrand, u32, u32, u32)] = &[
    (CardBrand::Visa, 4, 4, 1),
    (CardBrand::Amex, 34, 34, 2),
    (CardBrand::Amex, 37, 37, 2),
    (CardBrand::Mastercard, 51, 55, 2),
    (CardBrand::Mastercard, 2221, 2720, 4),
    (CardBrand::Troy, 9792, 9792, 4),
    (CardBrand::Troy, 65, 65, 2),
];

/// Detects the brand from the leading digits. Works on partial input for the form's live brand icon: a brand is
/// returned only once the typed prefix can belong to no other range (`"4"` → Visa, `"5"` → Unknown, `"55"` →
/// Mastercard, `"27"` → Unknown, `"272"` → Mastercard, `"9792"` → Troy, `"65"` → Troy).
///
/// Non-digit characters are ignored, so formatted input ("4242 42") works too.
pub fn detect_brand(digits: &str) -> CardBrand {
    let digits = normalize_number(digits);
    if digits.is_empty() {
        return CardBrand::Unknown;
    }
    for &(brand, first, last, width) in BRAND_RANGES {
        let width = width as usize;
        let take = digits.len().min(width);
        let Ok(prefix) = digits[..take].parse::<u32>() else { continue };
        // Every completion of the typed prefix to `width` digits lies in [lo, hi].
        let pad = 10u32.pow((width - take) as u32);
        let lo = prefix * pad;
        let hi = lo + pad - 1;
        if lo >= first && hi <= last {
            return brand;
        }
    }
    CardBrand::Unknown
}

/// Number lengths the brand issues, ascending. `Unknown` allows every length from 12 to 19.
pub fn expected_lengths(brand: CardBrand) -> &'static [usize] {
    match brand {
        CardBrand::Visa => &[13, 16, 19],
        CardBrand::Mastercard | CardBrand::Troy => &[16],
        CardBrand::Amex => &[15],
        CardBrand::Unknown => &[12, 13, 14, 15, 16, 17, 18, 19],
    }
}

/// The longest number the brand issues: where as-you-type input stops.
pub fn max_length(brand: CardBrand) -> usize {
    expected_lengths(brand).last().copied().unwrap_or(MAX_NUMBER_LENGTH)
}

/// CVC length of the brand: 4 for Amex, 3 for the others.
pub fn cvc_length(brand: CardBrand) -> usize {
    match brand {
        CardBrand::Amex => 4,
        CardBrand::Visa | CardBrand::Mastercard | CardBrand::Troy | CardBrand::Unknown => 3,
    }
}

/// Digit groups for display: Amex 4-6-5, everyone else groups of four.
fn groups(brand: CardBrand) -> &'static [usize] {
    match brand {
        CardBrand::Amex => &[4, 6, 5],
        _ => &[4, 4, 4, 4, 3],
    }
}

/// As-you-type display of a card number: digits grouped with single spaces ("4242 4242 4242 4242", Amex
/// "3782 822463 10005"), capped at the brand's longest length, no trailing space. Non-digits are dropped.
pub fn format_number(input: &str) -> String {
    let digits = normalize_number(input);
    let brand = detect_brand(&digits);
    let digits = &digits[..digits.len().min(max_length(brand))];
    let mut out = String::with_capacity(digits.len() + 4);
    let mut rest = digits;
    for &size in groups(brand) {
        if rest.is_empty() {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        let take = rest.len().min(size);
        out.push_str(&rest[..take]);
        rest = &rest[take..];
    }
    out
}

/// What is wrong with a complete card number, if anything (for the form on blur/submit and for the edge).
///
/// Accepts digits with spaces and dashes between them; checks 12–19 digits, the brand's lengths and Luhn.
pub fn number_problem(input: &str) -> Option<CardProblem> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Some(CardProblem::NumberMissing);
    }
    if !trimmed.chars().all(|c| c.is_ascii_digit() || c == ' ' || c == '-') {
        return Some(CardProblem::NumberInvalidCharacters);
    }
    let digits = normalize_number(trimmed);
    if digits.is_empty() {
        return Some(CardProblem::NumberMissing);
    }
    let brand = detect_brand(&digits);
    let lengths = expected_lengths(brand);
    let len = digits.len();
    let min = lengths.first().copied().unwrap_or(MIN_NUMBER_LENGTH).max(MIN_NUMBER_LENGTH);
    let max = lengths.last().copied().unwrap_or(MAX_NUMBER_LENGTH).min(MAX_NUMBER_LENGTH);
    if len < min {
        return Some(CardProblem::NumberTooShort);
    }
    if len > max {
        return Some(CardProblem::NumberTooLong);
    }
    if !lengths.contains(&len) {
        return Some(CardProblem::NumberWrongLength);
    }
    if !luhn_valid(&digits) {
        return Some(CardProblem::NumberChecksumFailed);
    }
    None
}

/// Whether the payer has typed as many digits as the brand's longest number (the form moves focus on).
pub fn number_complete(input: &str) -> bool {
    let digits = normalize_number(input);
    !digits.is_empty() && digits.len() >= max_length(detect_brand(&digits))
}

/// What is wrong with an expiry date, if anything. `exp_year` is four-digit; the card is valid through the end
/// of its expiry month, so the current month is still fine.
pub fn expiry_problem(exp_month: u32, exp_year: u32, now_year: i32, now_month: u32) -> Option<CardProblem> {
    if !(1..=12).contains(&exp_month) {
        return Some(CardProblem::ExpiryMonthInvalid);
    }
    let Ok(year) = i32::try_from(exp_year) else { return Some(CardProblem::ExpiryYearInvalid) };
    if !(1000..=9999).contains(&year) {
        return Some(CardProblem::ExpiryYearInvalid);
    }
    if (year, exp_month) < (now_year, now_month) {
        return Some(CardProblem::Expired);
    }
    if year > now_year.saturating_add(MAX_YEARS_AHEAD) {
        return Some(CardProblem::ExpiryYearInvalid);
    }
    None
}

/// Checks an API expiry (four-digit year) against the current month.
///
/// Errors use [`codes::CARD_INVALID`] (400) with `payment_method[card][exp_month]` or `…[exp_year]`; a past date
/// says "Your card's expiration date is in the past.".
pub fn validate_expiry(exp_month: u32, exp_year: u32, now_year: i32, now_month: u32) -> Result<(), ApiError> {
    match expiry_problem(exp_month, exp_year, now_year, now_month) {
        Some(p) => Err(p.to_api_error()),
        None => Ok(()),
    }
}

/// Parses the form's expiry field: `"MM/YY"`, `"MM / YY"`, `"MMYY"`, `"MM/YYYY"` (spaces ignored) into
/// `(month, four-digit year)`. Two-digit years are 2000 + YY. Range checks are left to [`expiry_problem`].
pub fn parse_expiry_input(input: &str) -> Option<(u32, u32)> {
    let compact: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    if !compact.is_ascii() {
        return None;
    }
    let (month, year) = match compact.split_once('/') {
        Some((m, y)) => (m, y),
        None if compact.len() == 4 || compact.len() == 6 => compact.split_at(2),
        None => return None,
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(month) || !all_digits(year) || month.len() > 2 {
        return None;
    }
    let month: u32 = month.parse().ok()?;
    let year: u32 = match year.len() {
        2 => 2000 + year.parse::<u32>().ok()?,
        4 => year.parse().ok()?,
        _ => return None,
    };
    Some((month, year))
}

/// As-you-type display of the expiry field: `"1"` → `"1"`, `"12"` → `"12 / "`, `"1234"` → `"12 / 34"`; a
/// leading digit 2–9 is read as a month and padded (`"4"` → `"04 / "`). Keeps at most four digits.
pub fn format_expiry_input(input: &str) -> String {
    let mut digits: String = normalize_number(input).chars().take(4).collect();
    if let Some(first) = digits.chars().next() {
        if ('2'..='9').contains(&first) {
            digits.insert(0, '0');
            digits.truncate(4);
        }
    }
    match digits.len() {
        0 | 1 => digits,
        _ => format!("{} / {}", &digits[..2], &digits[2..]),
    }
}

/// What is wrong with a CVC for the brand, if anything.
pub fn cvc_problem(cvc: &str, brand: CardBrand) -> Option<CardProblem> {
    let cvc = cvc.trim();
    if cvc.is_empty() {
        return Some(CardProblem::CvcMissing);
    }
    if !cvc.bytes().all(|b| b.is_ascii_digit()) {
        return Some(CardProblem::CvcInvalidCharacters);
    }
    let ok = match brand {
        // The brand is unknown, so either common length may be right.
        CardBrand::Unknown => cvc.len() == 3 || cvc.len() == 4,
        _ => cvc.len() == cvc_length(brand),
    };
    if ok {
        None
    } else {
        Some(CardProblem::CvcWrongLength)
    }
}

/// Every problem of a card, in form order (number, expiry, CVC). Empty when the card is valid.
pub fn card_problems(card: &CardInput, now_year: i32, now_month: u32) -> Vec<CardProblem> {
    let brand = detect_brand(&card.number);
    [
        number_problem(&card.number),
        expiry_problem(card.exp_month, card.exp_year, now_year, now_month),
        cvc_problem(&card.cvc, brand),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Validates a card from the confirm body: number present, 12–19 digits, the brand's length, Luhn, expiry not in
/// the past (four-digit year), CVC digits of the brand's length. Returns the normalised card.
///
/// Errors use [`codes::CARD_INVALID`] (400) with the precise `param` (`payment_method[card][number]`, …) and never
/// contain the number or the CVC.
pub fn validate_card(card: &CardInput, now_year: i32, now_month: u32) -> Result<ValidCard, ApiError> {
    if let Some(p) = card_problems(card, now_year, now_month).into_iter().next() {
        return Err(p.to_api_error());
    }
    let digits = normalize_number(&card.number);
    let brand = detect_brand(&digits);
    let last4 = digits[digits.len().saturating_sub(4)..].to_string();
    Ok(ValidCard { digits, brand, last4, exp_month: card.exp_month, exp_year: card.exp_year })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const NOW: (i32, u32) = (2025, 6);

    fn card(number: &str, m: u32, y: u32, cvc: &str) -> CardInput {
        CardInput { number: number.into(), exp_month: m, exp_year: y, cvc: cvc.into() }
    }

    #[test]
    fn luhn_known_numbers() {
        for n in [
            "4242424242424242",
            "5555555555554444",
            "4000000000000002",
            "4000000000009995",
            "4000000000000069",
            "4000000000000127",
            "4000000000003220",
            "4000000000000119",
            "4000000000000218",
            "4000000000008013",
            "4000000000003014",
            "378282246310005",
            "9792030000000000",
            "2221000000000009",
            "0",
        ] {
            assert!(luhn_valid(n), "{n}");
        }
        for n in ["4242424242424241", "5555555555554445", "", "42a2", "1"] {
            assert!(!luhn_valid(n), "{n}");
        }
    }

    #[test]
    fn check_digit_completes_luhn() {
        assert_eq!(luhn_check_digit("424242424242424"), Some('2'));
        assert_eq!(luhn_check_digit("979203000000000"), Some('0'));
        assert_eq!(luhn_check_digit("12a"), None);
    }

    #[test]
    fn normalize_keeps_digits_only() {
        assert_eq!(normalize_number(" 4242-4242 4242\t4242 "), "4242424242424242");
        assert_eq!(normalize_number("abc"), "");
    }

    #[test]
    fn brand_detection_full_and_partial() {
        use CardBrand::*;
        let cases = [
            ("", Unknown),
            ("4", Visa),
            ("4242 4242", Visa),
            ("5", Unknown),
            ("50", Unknown),
            ("51", Mastercard),
            ("55", Mastercard),
            ("56", Unknown),
            ("2", Unknown),
            ("22", Unknown),
            ("222", Unknown),
            ("2220", Unknown),
            ("2221", Mastercard),
            ("223", Mastercard),
            ("23", Mastercard),
            ("26", Mastercard),
            ("27", Unknown),
            ("271", Mastercard),
            ("272", Unknown),
            ("2720", Mastercard),
            ("2721", Unknown),
            ("28", Unknown),
            ("3", Unknown),
            ("34", Amex),
            ("37", Amex),
            ("35", Unknown),
            ("9", Unknown),
            ("979", Unknown),
            ("9792", Troy),
            ("9792030000000000", Troy),
            ("9793", Unknown),
            ("6", Unknown),
            ("65", Troy),
            ("6500", Troy),
            ("6011", Unknown),
            ("5555555555554444", Mastercard),
            ("378282246310005", Amex),
        ];
        for (input, want) in cases {
            assert_eq!(detect_brand(input), want, "{input:?}");
        }
    }

    #[test]
    fn brand_names() {
        assert_eq!(CardBrand::Visa.as_str(), "visa");
        assert_eq!(CardBrand::Mastercard.as_str(), "mastercard");
        assert_eq!(CardBrand::Amex.as_str(), "amex");
        assert_eq!(CardBrand::Troy.as_str(), "troy");
        assert_eq!(CardBrand::Unknown.as_str(), "unknown");
    }

    #[test]
    fn lengths_and_cvc() {
        assert_eq!(expected_lengths(CardBrand::Amex), &[15]);
        assert_eq!(expected_lengths(CardBrand::Troy), &[16]);
        assert_eq!(max_length(CardBrand::Visa), 19);
        assert_eq!(cvc_length(CardBrand::Amex), 4);
        assert_eq!(cvc_length(CardBrand::Visa), 3);
        assert_eq!(cvc_length(CardBrand::Troy), 3);
    }

    #[test]
    fn formats_as_you_type() {
        let cases = [
            ("", ""),
            ("4", "4"),
            ("4242", "4242"),
            ("42424", "4242 4"),
            ("4242424242424242", "4242 4242 4242 4242"),
            ("4242-4242-4242-4242", "4242 4242 4242 4242"),
            ("4242424242424242123", "4242 4242 4242 4242 123"),
            ("42424242424242421234", "4242 4242 4242 4242 123"),
            ("5555555555554444999", "5555 5555 5555 4444"),
            ("3782", "3782"),
            ("37828", "3782 8"),
            ("378282246310005", "3782 822463 10005"),
            ("3782822463100059", "3782 822463 10005"),
            ("9792 0300 0000 0007 1", "9792 0300 0000 0007"),
            ("6011000000000000000", "6011 0000 0000 0000 000"),
        ];
        for (input, want) in cases {
            assert_eq!(format_number(input), want, "{input:?}");
        }
    }

    #[test]
    fn number_problems() {
        use CardProblem::*;
        let cases: &[(&str, Option<CardProblem>)] = &[
            ("4242 4242 4242 4242", None),
            ("4242-4242-4242-4242", None),
            ("378282246310005", None),
            ("9792030000000000", None),
            ("", Some(NumberMissing)),
            ("   ", Some(NumberMissing)),
            (" - ", Some(NumberMissing)),
            ("4242x4242", Some(NumberInvalidCharacters)),
            ("4242.4242.4242.4242", Some(NumberInvalidCharacters)),
            ("４２４２", Some(NumberInvalidCharacters)),
            ("424242424242", Some(NumberTooShort)),
            ("42424242424242424242", Some(NumberTooLong)),
            ("42424242424242", Some(NumberWrongLength)),
            ("37828224631000", Some(NumberTooShort)),
            ("5555555555554444000", Some(NumberTooLong)),
            ("4242424242424241", Some(NumberChecksumFailed)),
            ("6011000000000004", None),
        ];
        for &(input, want) in cases {
            let got = number_problem(input);
            assert_eq!(got, want, "{input:?}");
        }
    }

    #[test]
    fn number_completeness() {
        assert!(number_complete("4242 4242 4242 4242 424"));
        assert!(!number_complete("4242 4242 4242 4242"));
        assert!(number_complete("5555 5555 5555 4444"));
        assert!(number_complete("378282246310005"));
        assert!(!number_complete(""));
    }

    #[test]
    fn expiry_rules() {
        use CardProblem::*;
        let cases: &[(u32, u32, Option<CardProblem>)] = &[
            (6, 2025, None),
            (7, 2025, None),
            (1, 2026, None),
            (12, 2045, None),
            (5, 2025, Some(Expired)),
            (12, 2024, Some(Expired)),
            (0, 2030, Some(ExpiryMonthInvalid)),
            (13, 2030, Some(ExpiryMonthInvalid)),
            (1, 30, Some(ExpiryYearInvalid)),
            (1, 2046, Some(ExpiryYearInvalid)),
            (1, u32::MAX, Some(ExpiryYearInvalid)),
        ];
        for &(m, y, want) in cases {
            assert_eq!(expiry_problem(m, y, NOW.0, NOW.1), want, "{m}/{y}");
        }
    }

    #[test]
    fn validate_expiry_errors_name_the_field() {
        let e = validate_expiry(5, 2025, NOW.0, NOW.1).unwrap_err();
        assert_eq!(e.code, codes::CARD_INVALID);
        assert_eq!(e.status, 400);
        assert_eq!(e.message, "Your card's expiration date is in the past.");
        assert_eq!(e.param.as_deref(), Some(PARAM_EXP_YEAR));
        let e = validate_expiry(13, 2030, NOW.0, NOW.1).unwrap_err();
        assert_eq!(e.param.as_deref(), Some(PARAM_EXP_MONTH));
        assert_eq!(validate_expiry(12, 2030, NOW.0, NOW.1), Ok(()));
    }

    #[test]
    fn parses_and_formats_expiry_input() {
        assert_eq!(parse_expiry_input("12/34"), Some((12, 2034)));
        assert_eq!(parse_expiry_input("12 / 34"), Some((12, 2034)));
        assert_eq!(parse_expiry_input("0134"), Some((1, 2034)));
        assert_eq!(parse_expiry_input("1/2030"), Some((1, 2030)));
        assert_eq!(parse_expiry_input("012030"), Some((1, 2030)));
        assert_eq!(parse_expiry_input("12/3"), None);
        assert_eq!(parse_expiry_input("ab/cd"), None);
        assert_eq!(parse_expiry_input(""), None);
        assert_eq!(parse_expiry_input("123/45"), None);
        // Found by proptest: four bytes that are not four ASCII characters must not be split mid-character.
        assert_eq!(parse_expiry_input("!\u{dca}"), None);
        assert_eq!(parse_expiry_input("１２３４"), None);
        assert_eq!(format_expiry_input(""), "");
        assert_eq!(format_expiry_input("1"), "1");
        assert_eq!(format_expiry_input("12"), "12 / ");
        assert_eq!(format_expiry_input("123"), "12 / 3");
        assert_eq!(format_expiry_input("1234"), "12 / 34");
        assert_eq!(format_expiry_input("12 / 345"), "12 / 34");
        assert_eq!(format_expiry_input("4"), "04 / ");
        assert_eq!(format_expiry_input("45"), "04 / 5");
    }

    #[test]
    fn cvc_rules() {
        use CardBrand::*;
        use CardProblem::*;
        let cases: &[(&str, CardBrand, Option<CardProblem>)] = &[
            ("123", Visa, None),
            ("1234", Amex, None),
            ("123", Amex, Some(CvcWrongLength)),
            ("1234", Visa, Some(CvcWrongLength)),
            ("12", Troy, Some(CvcWrongLength)),
            ("123", Unknown, None),
            ("1234", Unknown, None),
            ("", Visa, Some(CvcMissing)),
            ("12a", Visa, Some(CvcInvalidCharacters)),
            ("1 3", Visa, Some(CvcInvalidCharacters)),
        ];
        for &(cvc, brand, want) in cases {
            assert_eq!(cvc_problem(cvc, brand), want, "{cvc:?} {brand:?}");
        }
    }

    #[test]
    fn validate_card_accepts_sandbox_cards() {
        for n in ["4242 4242 4242 4242", "5555555555554444", "4000000000003220", "9792030000000000"] {
            let v = validate_card(&card(n, 12, 2030, "123"), NOW.0, NOW.1).unwrap();
            assert_eq!(v.digits, normalize_number(n));
            assert_eq!(v.last4, &v.digits[v.digits.len() - 4..]);
        }
        let v = validate_card(&card("3782 822463 10005", 1, 2027, "1234"), NOW.0, NOW.1).unwrap();
        assert_eq!(v.brand, CardBrand::Amex);
        assert_eq!(v.last4, "0005");
        assert_eq!((v.exp_month, v.exp_year), (1, 2027));
    }

    #[test]
    fn validate_card_rejections_have_param_and_no_number() {
        let cases: &[(CardInput, &str)] = &[
            (card("", 12, 2030, "123"), PARAM_NUMBER),
            (card("4242424242424241", 12, 2030, "123"), PARAM_NUMBER),
            (card("42424242424", 12, 2030, "123"), PARAM_NUMBER),
            (card("4242424242424242424242", 12, 2030, "123"), PARAM_NUMBER),
            (card("4242 4242 4242 424x", 12, 2030, "123"), PARAM_NUMBER),
            (card("37828224631000", 12, 2030, "1234"), PARAM_NUMBER),
            (card("4242424242424242", 0, 2030, "123"), PARAM_EXP_MONTH),
            (card("4242424242424242", 12, 30, "123"), PARAM_EXP_YEAR),
            (card("4242424242424242", 1, 2020, "123"), PARAM_EXP_YEAR),
            (card("4242424242424242", 12, 2030, ""), PARAM_CVC),
            (card("4242424242424242", 12, 2030, "12"), PARAM_CVC),
            (card("378282246310005", 12, 2030, "123"), PARAM_CVC),
        ];
        for (c, param) in cases {
            let e = validate_card(c, NOW.0, NOW.1).unwrap_err();
            assert_eq!(e.code, codes::CARD_INVALID, "{c:?}");
            assert_eq!(e.status, 400);
            assert_eq!(e.param.as_deref(), Some(*param), "{c:?}");
            let digits = normalize_number(&c.number);
            if digits.len() >= 4 {
                assert!(!e.message.contains(&digits[digits.len() - 4..]), "{}", e.message);
            }
        }
    }

    #[test]
    fn card_problems_lists_every_field() {
        let problems = card_problems(&card("4242424242424241", 13, 2030, "1"), NOW.0, NOW.1);
        assert_eq!(
            problems,
            vec![CardProblem::NumberChecksumFailed, CardProblem::ExpiryMonthInvalid, CardProblem::CvcWrongLength]
        );
    }

    #[test]
    fn debug_never_prints_the_number() {
        let v = validate_card(&card("4242424242424242", 12, 2030, "123"), NOW.0, NOW.1).unwrap();
        let s = format!("{v:?}");
        assert_eq!(s, "ValidCard(visa ****4242 12/2030)");
        assert!(!s.contains("42424242"));
    }

    proptest! {
        #[test]
        fn appending_the_check_digit_passes_luhn(prefix in "[0-9]{11,18}") {
            let digit = luhn_check_digit(&prefix).unwrap();
            let full = format!("{prefix}{digit}");
            prop_assert!(luhn_valid(&full));
            // Changing any single digit breaks the checksum.
            let bytes = full.as_bytes();
            for i in 0..bytes.len() {
                let mut changed = bytes.to_vec();
                changed[i] = b'0' + (bytes[i] - b'0' + 1) % 10;
                prop_assert!(!luhn_valid(std::str::from_utf8(&changed).unwrap()));
            }
        }

        #[test]
        fn format_round_trips_to_the_same_digits(input in "[0-9 -]{0,30}") {
            let formatted = format_number(&input);
            let digits = normalize_number(&input);
            let kept = normalize_number(&formatted);
            prop_assert!(digits.starts_with(&kept));
            prop_assert!(kept.len() <= max_length(detect_brand(&digits)));
            prop_assert_eq!(format_number(&formatted), formatted.clone());
            prop_assert!(!formatted.starts_with(' ') && !formatted.ends_with(' ') && !formatted.contains("  "));
        }

        #[test]
        fn brand_of_a_prefix_is_kept_when_typing_on(digits in "[0-9]{1,19}") {
            for n in 1..digits.len() {
                let partial = detect_brand(&digits[..n]);
                if partial != CardBrand::Unknown {
                    prop_assert_eq!(detect_brand(&digits), partial);
                }
            }
        }

        #[test]
        fn never_panics_on_any_input(s in "\\PC{0,40}", m in any::<u32>(), y in any::<u32>()) {
            let _ = format_number(&s);
            let _ = number_problem(&s);
            let _ = detect_brand(&s);
            let _ = format_expiry_input(&s);
            let _ = parse_expiry_input(&s);
            let _ = validate_card(&card(&s, m, y, &s), 2025, 6);
        }
    }
}
