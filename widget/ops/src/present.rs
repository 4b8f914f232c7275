//! Presentation rules as plain functions: which tone (colour and icon) a state gets, how times, durations and
//! amounts read, and the search request the form makes. Tested natively; the UI only calls them.

use crate::i18n::{Kind, Lang};
use hsrc_shared::api::ops::{NotifiedVerdict, PaidVerdict};
use hsrc_shared::money;
use hsrc_shared::time::DateTime;

/// What a state means to the person reading it. Each tone has a colour *and* an icon, and every badge also carries
/// the state's word, so nothing depends on seeing colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Done and good: paid, delivered, passed.
    Good,
    /// Running: a provider or a queue is on it.
    Busy,
    /// Someone must act (the payer, the merchant) or it will be retried.
    Attention,
    /// Went wrong.
    Bad,
    /// Ended without harm or without money: expired, cancelled.
    Neutral,
}

impl Tone {
    pub fn class(self) -> &'static str {
        match self {
            Self::Good => "tone-good",
            Self::Busy => "tone-busy",
            Self::Attention => "tone-attention",
            Self::Bad => "tone-bad",
            Self::Neutral => "tone-neutral",
        }
    }

    /// A glyph that says the same as the colour (screen readers get the word instead: the icon is aria-hidden).
    pub fn icon(self) -> &'static str {
        match self {
            Self::Good => "✓",
            Self::Busy => "↻",
            Self::Attention => "!",
            Self::Bad => "✕",
            Self::Neutral => "–",
        }
    }
}

pub fn tone(kind: Kind, status: &str) -> Tone {
    match (kind, status) {
        (Kind::Session, "COMPLETED") | (Kind::Payment, "SUCCEEDED") => Tone::Good,
        (Kind::Session, "PROCESSING") | (Kind::Payment, "PROCESSING") | (Kind::Payment, "REQUIRES_ACTION") => {
            Tone::Busy
        }
        (Kind::Session, "PENDING")
        | (Kind::Payment, "CREATED")
        | (Kind::Payment, "REQUIRES_PAYMENT_METHOD")
        | (Kind::Payment, "AUTHORIZED") => Tone::Attention,
        (Kind::Session, "FAILED") | (Kind::Payment, "FAILED") => Tone::Bad,
        (Kind::Session, _) | (Kind::Payment, _) => Tone::Neutral,
        (Kind::Charge, "succeeded") | (Kind::Charge, "authorized") => Tone::Good,
        (Kind::Charge, "pending") | (Kind::Charge, "requires_action") => Tone::Busy,
        (Kind::Charge, _) => Tone::Bad,
        (Kind::Delivery, "succeeded")
        | (Kind::Attempt, "succeeded")
        | (Kind::Challenge, "passed")
        | (Kind::Endpoint, "enabled") => Tone::Good,
        (Kind::Delivery, "sending") | (Kind::Challenge, "pending") => Tone::Busy,
        (Kind::Delivery, "pending") => Tone::Attention,
        (Kind::Delivery, "cancelled") | (Kind::Challenge, "abandoned") => Tone::Neutral,
        (Kind::Delivery, _) | (Kind::Attempt, _) | (Kind::Challenge, _) => Tone::Bad,
        (Kind::Endpoint, "disabled") => Tone::Bad,
        (Kind::Endpoint, _) => Tone::Neutral,
        (Kind::Refund, "SUCCEEDED") | (Kind::Refund, "succeeded") => Tone::Good,
        (Kind::Refund, "PENDING") | (Kind::Refund, "pending") => Tone::Busy,
        (Kind::Refund, "FAILED") | (Kind::Refund, "failed") => Tone::Bad,
        (Kind::Refund, _) => Tone::Neutral,
    }
}

pub fn paid_tone(v: PaidVerdict) -> Tone {
    match v {
        PaidVerdict::Paid => Tone::Good,
        PaidVerdict::Authorized | PaidVerdict::AwaitingPayer => Tone::Attention,
        PaidVerdict::InProgress => Tone::Busy,
        PaidVerdict::NotPaid => Tone::Neutral,
    }
}

pub fn notified_tone(v: NotifiedVerdict) -> Tone {
    match v {
        NotifiedVerdict::Delivered => Tone::Good,
        NotifiedVerdict::Retrying => Tone::Attention,
        NotifiedVerdict::Failed | NotifiedVerdict::NoEndpoint => Tone::Bad,
        NotifiedVerdict::NoEvents => Tone::Neutral,
    }
}

/// A moment in the reader's time zone, to the second: `25.11.2026 14:03:07` (tr) or `2026-11-25 14:03:07` (en).
/// `offset_min` is minutes east of UTC.
pub fn fmt_time(ms: i64, offset_min: i64, lang: Lang) -> String {
    let t = DateTime::of_ms(ms + offset_min * 60_000);
    let (y, mo, d, h, mi, s) = (t.date.year, t.date.month, t.date.day, t.hour, t.minute, t.second);
    match lang {
        Lang::Tr => format!("{d:02}.{mo:02}.{y} {h:02}:{mi:02}:{s:02}"),
        Lang::En => format!("{y}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}"),
    }
}

/// A time of day with milliseconds, for timelines where steps are milliseconds apart: `14:03:07.123`.
pub fn fmt_clock(ms: i64, offset_min: i64) -> String {
    let t = DateTime::of_ms(ms + offset_min * 60_000);
    format!("{:02}:{:02}:{:02}.{:03}", t.hour, t.minute, t.second, t.millisecond)
}

/// `+182 ms`, `+2.4 s`, `+3 min` after a reference moment.
pub fn fmt_offset(ms: i64) -> String {
    let ms = ms.max(0);
    if ms < 1000 {
        format!("+{ms} ms")
    } else if ms < 60_000 {
        format!("+{}.{} s", ms / 1000, ms % 1000 / 100)
    } else if ms < 3_600_000 {
        format!("+{} min", ms / 60_000)
    } else {
        format!("+{} h", ms / 3_600_000)
    }
}

/// `85 ms`, `2.4 s`.
pub fn fmt_latency(ms: i64) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else {
        format!("{}.{} s", ms / 1000, ms % 1000 / 100)
    }
}

/// An amount in its currency for `lang` (`₺125,00`), or the raw minor units when the currency is unknown.
pub fn fmt_amount(amount: i64, currency: &str, lang: Lang) -> String {
    match money::currency(currency) {
        Some(c) => money::format_amount(amount, &c, lang.locale()),
        None => format!("{amount} {currency}"),
    }
}

/// The search form, as the query string of `GET /v1/ops/search`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchForm {
    pub q: String,
    pub status: String,
    pub payment_status: String,
    /// Unix seconds (the browser converts the chosen days in its own time zone).
    pub from_s: Option<i64>,
    pub to_s: Option<i64>,
}

pub const PAGE_SIZE: u32 = 20;

impl SearchForm {
    pub fn query(&self, starting_after: Option<&str>) -> String {
        let mut parts = vec![format!("limit={PAGE_SIZE}")];
        let q = self.q.trim();
        if !q.is_empty() {
            parts.push(format!("q={}", encode(q)));
        }
        if !self.status.is_empty() {
            parts.push(format!("status={}", encode(&self.status)));
        }
        if !self.payment_status.is_empty() {
            parts.push(format!("payment_status={}", encode(&self.payment_status)));
        }
        if let Some(f) = self.from_s {
            parts.push(format!("from={f}"));
        }
        if let Some(t) = self.to_s {
            parts.push(format!("to={t}"));
        }
        if let Some(after) = starting_after {
            parts.push(format!("starting_after={}", encode(after)));
        }
        format!("/v1/ops/search?{}", parts.join("&"))
    }
}

/// Percent-encodes a query value (everything but unreserved characters).
pub fn encode(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `2026-11-25` from a date input → (year, month, day).
pub fn parse_date_input(v: &str) -> Option<(i32, u32, u32)> {
    let mut it = v.split('-');
    let (y, m, d) = (it.next()?.parse().ok()?, it.next()?.parse().ok()?, it.next()?.parse().ok()?);
    if it.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    Some((y, m, d))
}

/// The route inside the console (the part after `#`): the search, one session, or one payment (an API-only payment
/// has no session, #15).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Search,
    Session(String),
    Payment(String),
}

impl Route {
    pub fn parse(hash: &str) -> Self {
        let path = hash.trim_start_matches('#').trim_start_matches('/');
        let id_ok =
            |id: &str| !id.is_empty() && id.len() <= 100 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        match (path.strip_prefix("sessions/"), path.strip_prefix("payments/")) {
            (Some(id), _) if id_ok(id) => Self::Session(id.to_string()),
            (_, Some(id)) if id_ok(id) => Self::Payment(id.to_string()),
            _ => Self::Search,
        }
    }

    pub fn hash(&self) -> String {
        match self {
            Self::Search => "#/".into(),
            Self::Session(id) => format!("#/sessions/{id}"),
            Self::Payment(id) => format!("#/payments/{id}"),
        }
    }

    /// The session or payment id a detail route shows.
    pub fn detail_id(&self) -> Option<&str> {
        match self {
            Self::Search => None,
            Self::Session(id) | Self::Payment(id) => Some(id),
        }
    }
}

/// An amount in major units as the refund field shows it: digits and a `.` (`12500` TRY → `125.00`).
pub fn major_input(amount: i64, currency: &str) -> String {
    let exponent = money::currency(currency).map_or(0, |c| u32::from(c.exponent));
    let unit = 10_i64.pow(exponent);
    if exponent == 0 {
        return amount.to_string();
    }
    format!("{}.{:0width$}", amount / unit, amount % unit, width = exponent as usize)
}

/// Reads the refund field back into minor units: `125`, `125.5`, `125,50` (Turkish comma) → `12550`. `None` for
/// anything else, more decimals than the currency has, or amounts that overflow.
pub fn parse_major_input(text: &str, currency: &str) -> Option<i64> {
    let exponent = money::currency(currency).map_or(0, |c| usize::from(c.exponent));
    let t = text.trim().replace(',', ".");
    let (int, frac) = t.split_once('.').unwrap_or((&t, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || int.len() > 12 || !digits(int) || !digits(frac) || frac.len() > exponent {
        return None;
    }
    let unit = 10_i64.pow(exponent as u32);
    let frac_value: i64 = if frac.is_empty() { 0 } else { format!("{frac:0<exponent$}").parse().ok()? };
    int.parse::<i64>().ok()?.checked_mul(unit)?.checked_add(frac_value)
}

/// Whether a pasted key has the shape of a secret key (the API decides whether it is one).
pub fn looks_like_secret_key(key: &str) -> bool {
    let k = key.trim();
    (k.starts_with("sk_test_") || k.starts_with("sk_live_")) && k.len() > 12 && k.bytes().all(|b| b.is_ascii_graphic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refund_amounts_round_trip_through_the_field() {
        assert_eq!(major_input(12500, "TRY"), "125.00");
        assert_eq!(major_input(5, "TRY"), "0.05");
        assert_eq!(major_input(1235, "JPY"), "1235");
        for (text, want) in [("125.00", Some(12500)), ("125", Some(12500)), ("125,5", Some(12550)), (" 0.05 ", Some(5))]
        {
            assert_eq!(parse_major_input(text, "TRY"), want, "{text}");
        }
        for bad in ["", "1.234", "-1", "1e3", "12a", ".5", "9999999999999"] {
            assert_eq!(parse_major_input(bad, "TRY"), None, "{bad}");
        }
        assert_eq!(parse_major_input("1235", "JPY"), Some(1235));
        assert_eq!(parse_major_input("12.5", "JPY"), None);
    }

    #[test]
    fn times_read_in_the_readers_zone() {
        // 2026-11-25T00:00:00Z is 03:00 in Istanbul (UTC+3).
        assert_eq!(fmt_time(1_795_564_800_000, 180, Lang::Tr), "25.11.2026 03:00:00");
        assert_eq!(fmt_time(1_795_564_800_000, 0, Lang::En), "2026-11-25 00:00:00");
        assert_eq!(fmt_clock(1_795_564_800_123, 0), "00:00:00.123");
        assert_eq!(fmt_time(951_782_400_000, 0, Lang::En), "2000-02-29 00:00:00");
    }

    #[test]
    fn durations_are_short() {
        assert_eq!(fmt_offset(182), "+182 ms");
        assert_eq!(fmt_offset(2_450), "+2.4 s");
        assert_eq!(fmt_offset(180_000), "+3 min");
        assert_eq!(fmt_latency(85), "85 ms");
        assert_eq!(fmt_latency(10_000), "10.0 s");
    }

    #[test]
    fn amounts_follow_the_language() {
        assert_eq!(fmt_amount(12500, "TRY", Lang::Tr), "₺125,00");
        assert_eq!(fmt_amount(12500, "TRY", Lang::En), "₺125.00");
        assert_eq!(fmt_amount(5, "XXX", Lang::En), "5 XXX");
    }

    #[test]
    fn the_search_form_becomes_a_query() {
        let form = SearchForm {
            q: " ayse@example.com ".into(),
            status: "COMPLETED".into(),
            payment_status: String::new(),
            from_s: Some(10),
            to_s: None,
        };
        assert_eq!(form.query(None), "/v1/ops/search?limit=20&q=ayse%40example.com&status=COMPLETED&from=10");
        assert_eq!(SearchForm::default().query(Some("cs_1")), "/v1/ops/search?limit=20&starting_after=cs_1");
        assert_eq!(encode("order_id:ö 1"), "order_id%3A%C3%B6%201");
        assert_eq!(parse_date_input("2026-11-25"), Some((2026, 11, 25)));
        assert_eq!(parse_date_input("2026-13-25"), None);
    }

    #[test]
    fn routes_live_in_the_hash() {
        assert_eq!(Route::parse("#/sessions/cs_abc123"), Route::Session("cs_abc123".into()));
        assert_eq!(Route::parse("#/sessions/cs_a\"b"), Route::Search);
        assert_eq!(Route::parse(""), Route::Search);
        assert_eq!(Route::Session("cs_1".into()).hash(), "#/sessions/cs_1");
        assert_eq!(Route::parse("#/payments/pay_abc"), Route::Payment("pay_abc".into()));
        assert_eq!(Route::parse("#/payments/pay_<x>"), Route::Search);
        assert_eq!(Route::Payment("pay_1".into()).hash(), "#/payments/pay_1");
        assert_eq!(Route::Payment("pay_1".into()).detail_id(), Some("pay_1"));
    }

    #[test]
    fn every_state_has_a_tone_and_bad_ones_are_not_good() {
        assert_eq!(tone(Kind::Payment, "SUCCEEDED"), Tone::Good);
        assert_eq!(tone(Kind::Charge, "declined"), Tone::Bad);
        assert_eq!(tone(Kind::Delivery, "pending"), Tone::Attention);
        assert_eq!(tone(Kind::Attempt, "timeout"), Tone::Bad);
        assert_eq!(tone(Kind::Session, "EXPIRED"), Tone::Neutral);
        assert_ne!(Tone::Good.icon(), Tone::Bad.icon());
        assert!(looks_like_secret_key("sk_test_abcdefgh"));
        assert!(!looks_like_secret_key("pk_test_abcdefgh"));
    }
}
