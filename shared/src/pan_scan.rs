//! Finds card numbers hidden in free text, so no PAN is stored or echoed through a side door (a custom field, a
//! name, an address line, metadata, an error message).
//!
//! A candidate is a run of digit groups joined by up to three spaces or dashes (`4242 4242-4242 4242`), or any
//! sub-run of whole groups, with 12–19 digits in all; it is a card number when it passes Luhn. Whole groups only:
//! a long reference number is not sliced at arbitrary digits, which would flag one window in ten.
//!
//! Digits inside a long lowercase-hex token (20+ characters with at least one letter: our object ids `ch_…`, token
//! hashes, UUID-free hex keys) are an identifier, not a card number: 24 random hex characters hold a Luhn-valid
//! 12+ digit group often enough (about 1 in 400 ids) that treating them as PANs made idempotent replays of
//! ordinary responses fail at random.

use crate::card::luhn_valid;

/// Fewest and most digits of a card number (ISO/IEC 7812).
pub const MIN_PAN_DIGITS: usize = 12;
pub const MAX_PAN_DIGITS: usize = 19;

/// One maximal digit group: its byte range in the text.
struct Group {
    start: usize,
    end: usize,
}

/// The runs of `text`: groups of ASCII digits where consecutive groups are separated by 1–3 spaces or dashes.
fn runs(text: &str) -> Vec<Vec<Group>> {
    let bytes = text.as_bytes();
    let mut runs: Vec<Vec<Group>> = Vec::new();
    let mut current: Vec<Group> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            if in_hex_identifier(bytes, start, i) {
                if !current.is_empty() {
                    runs.push(std::mem::take(&mut current));
                }
                continue;
            }
            current.push(Group { start, end: i });
            // Up to three spaces or dashes followed by a digit continue the run.
            let mut sep = 0;
            while sep < 3 && i + sep < bytes.len() && matches!(bytes[i + sep], b' ' | b'-') {
                sep += 1;
            }
            let joins = sep > 0 && i + sep < bytes.len() && bytes[i + sep].is_ascii_digit();
            if joins {
                i += sep;
            } else {
                runs.push(std::mem::take(&mut current));
            }
        } else {
            i += 1;
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    runs
}

/// Whether the digit group `bytes[start..end]` lies inside a long lowercase-hex token (see the module doc).
fn in_hex_identifier(bytes: &[u8], start: usize, end: usize) -> bool {
    let mut from = start;
    while from > 0 && bytes[from - 1].is_ascii_alphanumeric() {
        from -= 1;
    }
    let mut to = end;
    while to < bytes.len() && bytes[to].is_ascii_alphanumeric() {
        to += 1;
    }
    let token = &bytes[from..to];
    token.len() >= 20
        && token.iter().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        && token.iter().any(|b| b.is_ascii_alphabetic())
}

/// Card numbers start with 2–6 (Mastercard, Amex/JCB/Diners, Visa, Discover/UnionPay) or 9792 (Troy). This keeps
/// millisecond timestamps (`demo_1764624000000`) and most reference numbers, a tenth of which pass Luhn, out.
fn card_prefix(digits: &str) -> bool {
    matches!(digits.as_bytes().first(), Some(b'2'..=b'6')) || digits.starts_with("9792")
}

/// Byte ranges of `text` that hold a Luhn-valid 12–19 digit run.
pub fn card_number_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    for run in runs(text) {
        for first in 0..run.len() {
            let mut digits = String::new();
            for group in &run[first..] {
                digits.push_str(&text[group.start..group.end]);
                if digits.len() > MAX_PAN_DIGITS {
                    break;
                }
                if digits.len() >= MIN_PAN_DIGITS && card_prefix(&digits) && luhn_valid(&digits) {
                    spans.push((run[first].start, group.end));
                }
            }
        }
    }
    spans
}

/// True when `text` holds something that looks like a card number.
pub fn contains_card_number(text: &str) -> bool {
    !card_number_spans(text).is_empty()
}

/// `text` with every card-number-shaped run replaced by `[redacted]` (for messages built from input).
pub fn redact_card_numbers(text: &str) -> String {
    let spans = card_number_spans(text);
    if spans.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end) in merge(spans) {
        out.push_str(&text[at..start]);
        out.push_str("[redacted]");
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

fn merge(mut spans: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    spans.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in spans {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_card_numbers_however_they_are_written() {
        for text in [
            "4242424242424242",
            "4242 4242 4242 4242",
            "4242-4242-4242-4242",
            "card: 4242 4242 4242 4242 thanks",
            "5555555555554444",
            "378282246310005",    // Amex, 15 digits
            "6011111111111117",   // Discover
            "4242424242424242 2", // a PAN followed by a quantity: the PAN's groups alone are a candidate
            "ref 12 4242424242424242",
            "a4242424242424242b",
            "4242  4242 - 4242  4242",
        ] {
            assert!(contains_card_number(text), "{text}");
        }
    }

    #[test]
    fn leaves_ordinary_text_and_numbers_alone() {
        for text in [
            "",
            "Ada Lovelace",
            "Atatürk Cd. No: 12 Daire 4",
            "4242424242424241",           // fails Luhn
            "42424242424",                // 11 digits
            "42424242424242424242424242", // one 26-digit group is not sliced
            "order 2026-12-01",
            "+90 555 123 45 67",
            "demo_1764624000006",          // a Luhn-valid millisecond timestamp (an order id)
            "1234567812345670",            // Luhn-valid, but no card starts with 1
            "ch_bfb6cee56c6544714288546b", // an object id whose hex holds a Luhn-valid 13-digit group
        ] {
            assert!(!contains_card_number(text), "{text}");
        }
    }

    #[test]
    fn redaction_keeps_the_words_and_drops_the_digits() {
        let out = redact_card_numbers("invalid type: integer `4242424242424242`, expected a string");
        assert_eq!(out, "invalid type: integer `[redacted]`, expected a string");
        assert_eq!(redact_card_numbers("nothing here 123"), "nothing here 123");
        assert!(!redact_card_numbers("x 4242 4242 4242 4242 y").contains("4242"));
    }
}
