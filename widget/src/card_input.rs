//! As-you-type helpers for the card fields: grouping the number, keeping the caret where the payer typed,
//! `MM / YY` expiry and the CVC. Brand detection, Luhn and grouping rules come from `hsrc_shared::card`, the same
//! code the edge validates with.

use hsrc_shared::card::{self, CardBrand};

/// The brand of what the payer typed so far (`Unknown` while it cannot be told).
pub fn brand_of(input: &str) -> CardBrand {
    let digits = card::normalize_number(input);
    if digits.is_empty() {
        CardBrand::Unknown
    } else {
        card::detect_brand(&digits)
    }
}

/// Result of reformatting an input after a keystroke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Formatted {
    /// The new value of the input.
    pub value: String,
    /// Where the caret goes, in UTF-16 code units (what `setSelectionRange` takes).
    pub caret: u32,
}

/// Counts the ASCII digits in the first `caret` UTF-16 units of `input`.
fn digits_before(input: &str, caret: u32) -> usize {
    let mut units = 0u32;
    let mut digits = 0;
    for c in input.chars() {
        if units >= caret {
            break;
        }
        units += c.len_utf16() as u32;
        if c.is_ascii_digit() {
            digits += 1;
        }
    }
    digits
}

/// The caret position in `formatted` just after its `n`-th digit (at the start when `n` is 0).
fn caret_after_digits(formatted: &str, n: usize) -> u32 {
    if n == 0 {
        return 0;
    }
    let mut seen = 0;
    let mut units = 0u32;
    for c in formatted.chars() {
        units += c.len_utf16() as u32;
        if c.is_ascii_digit() {
            seen += 1;
            if seen == n {
                return units;
            }
        }
    }
    units
}

/// Reformats the card number after a keystroke: digits only, capped at the brand's length and grouped by the
/// shared rules; the caret stays after the same digit it followed.
pub fn format_card_number(input: &str, caret: u32) -> Formatted {
    let value = card::format_number(input);
    let kept = value.chars().filter(char::is_ascii_digit).count();
    let before = digits_before(input, caret).min(kept);
    Formatted { caret: caret_after_digits(&value, before), value }
}

/// Reformats the expiry as `MM / YY`: a leading 2–9 becomes `0N`, and the separator appears only with the third
/// digit. (The shared `format_expiry_input` adds it after the second, which would put it straight back when the
/// payer backspaces over it.)
pub fn format_expiry(input: &str) -> String {
    let digits: String = input.chars().filter(char::is_ascii_digit).take(4).collect();
    let mut chars = digits.chars();
    match (chars.next(), digits.len()) {
        (None, _) => String::new(),
        (Some(first), 1) if first > '1' => format!("0{first}"),
        (_, 1 | 2) => digits,
        _ => format!("{} / {}", &digits[..2], &digits[2..]),
    }
}

/// Keeps only the digits of a CVC, at most 4.
pub fn sanitize_cvc(input: &str) -> String {
    input.chars().filter(char::is_ascii_digit).take(4).collect()
}

/// Why an expiry could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpiryError {
    /// Nothing typed.
    Empty,
    /// Not a readable `MM / YY` yet.
    Incomplete,
}

/// Reads `MM / YY` (or `MMYY`, `MM/YYYY`) into a month and a four-digit year with the shared parser; the month
/// range and the date are checked by `hsrc_shared::card::expiry_problem`.
pub fn parse_expiry(input: &str) -> Result<(u32, u32), ExpiryError> {
    if input.trim().is_empty() {
        return Err(ExpiryError::Empty);
    }
    card::parse_expiry_input(input).ok_or(ExpiryError::Incomplete)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_number_keeps_only_digits_and_caps_length() {
        let out = format_card_number("4242-4242 4242 4242 4242 999", 30);
        assert_eq!(card::normalize_number(&out.value).len(), card::MAX_NUMBER_LENGTH);
        let amex = format_card_number("3782 822463 100059999", 25);
        assert_eq!(card::normalize_number(&amex.value), "378282246310005");
    }

    #[test]
    fn caret_follows_the_digit_it_was_after() {
        // Typing at the end leaves the caret at the end.
        let out = format_card_number("42424", 5);
        assert_eq!(out.caret as usize, out.value.encode_utf16().count());
        // A caret after the 2nd digit stays after the 2nd digit, whatever the grouping.
        let out = format_card_number("4242424242424242", 2);
        assert_eq!(&out.value[..out.caret as usize].chars().filter(char::is_ascii_digit).count(), &2);
        // Caret at the start stays there.
        assert_eq!(format_card_number("4242", 0).caret, 0);
    }

    #[test]
    fn expiry_formats_as_month_slash_year() {
        assert_eq!(format_expiry(""), "");
        assert_eq!(format_expiry("1"), "1");
        assert_eq!(format_expiry("4"), "04");
        assert_eq!(format_expiry("12"), "12");
        assert_eq!(format_expiry("123"), "12 / 3");
        assert_eq!(format_expiry("1230"), "12 / 30");
        assert_eq!(format_expiry("12 / 305"), "12 / 30");
        assert_eq!(format_expiry("ab12cd"), "12");
    }

    #[test]
    fn expiry_parses_to_four_digit_year() {
        assert_eq!(parse_expiry("12 / 30"), Ok((12, 2030)));
        assert_eq!(parse_expiry("0129"), Ok((1, 2029)));
        assert_eq!(parse_expiry("03/2031"), Ok((3, 2031)));
        assert_eq!(parse_expiry(""), Err(ExpiryError::Empty));
        assert_eq!(parse_expiry("12 / 3"), Err(ExpiryError::Incomplete));
        assert_eq!(parse_expiry("13 / 30"), Ok((13, 2030)), "the month range is the shared check's job");
    }

    #[test]
    fn cvc_keeps_four_digits_at_most() {
        assert_eq!(sanitize_cvc("1a2b3"), "123");
        assert_eq!(sanitize_cvc("123456"), "1234");
    }
}
