//! Reading the console's search request: what a term means (an id by its prefix, an email, an order id, a card's
//! last four, `key:value` metadata) and the filters and date range that go with it. Pure: no SQL here.

use crate::store::Paging;
use hsrc_shared::api::ops::MatchedBy;
use hsrc_shared::lifecycle::{PaymentStatus, SessionStatus};
use hsrc_shared::time::{Date, DAY_MS};
use hsrc_shared::ApiError;

/// Longest search term.
pub const MAX_TERM_CHARS: usize = 200;

/// What a search term means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    All,
    SessionId(String),
    PaymentId(String),
    ChargeId(String),
    EventId(String),
    DeliveryId(String),
    RequestId(String),
    /// Lower-cased.
    Email(String),
    OrderIdOrLast4(String),
    OrderId(String),
    Metadata {
        key: String,
        value: String,
    },
    RefundId(String),
    /// `customer_reference:…` of API-only payments.
    CustomerReference(String),
}

impl Term {
    pub fn matched_by(&self) -> MatchedBy {
        match self {
            Self::All => MatchedBy::All,
            Self::SessionId(_) => MatchedBy::SessionId,
            Self::PaymentId(_) => MatchedBy::PaymentId,
            Self::ChargeId(_) => MatchedBy::ChargeId,
            Self::EventId(_) => MatchedBy::EventId,
            Self::DeliveryId(_) => MatchedBy::DeliveryId,
            Self::RequestId(_) => MatchedBy::RequestId,
            Self::Email(_) => MatchedBy::Email,
            Self::OrderIdOrLast4(_) => MatchedBy::OrderIdOrLast4,
            Self::OrderId(_) => MatchedBy::OrderId,
            Self::Metadata { .. } => MatchedBy::Metadata,
            Self::RefundId(_) => MatchedBy::RefundId,
            Self::CustomerReference(_) => MatchedBy::CustomerReference,
        }
    }
}

fn is_metadata_key(key: &str) -> bool {
    !key.is_empty() && key.len() <= 40 && key.bytes().all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
}

/// Reads a search term. Ids are recognised by their prefix; `key:value` searches one metadata key; anything with an
/// `@` is an email; anything else is an order id (or, when it is four digits, also a card's last four).
pub fn classify(q: &str) -> Result<Term, ApiError> {
    let q = q.trim();
    if q.is_empty() {
        return Ok(Term::All);
    }
    if q.chars().count() > MAX_TERM_CHARS || q.chars().any(char::is_control) {
        return Err(ApiError::invalid("q", format!("A search term is at most {MAX_TERM_CHARS} printable characters.")));
    }
    if q.starts_with("cst_") {
        return Err(ApiError::invalid(
            "q",
            "Checkout tokens are secrets and cannot be searched. Search by session id, payment id, request id, order id or payer email.",
        ));
    }
    let owned = q.to_string();
    let prefixed = |p: &str| q.starts_with(p) && q.len() > p.len();
    if prefixed("cs_") {
        return Ok(Term::SessionId(owned));
    }
    if prefixed("pay_") {
        return Ok(Term::PaymentId(owned));
    }
    if prefixed("ch_") {
        return Ok(Term::ChargeId(owned));
    }
    if prefixed("evt_") {
        return Ok(Term::EventId(owned));
    }
    if prefixed("re_") {
        return Ok(Term::RefundId(owned));
    }
    if prefixed("dlv_") && q.len() >= 40 {
        // Delivery ids carry the event's and the endpoint's random parts; queue runs (`dlv_` + 24 hex) are shorter.
        return Ok(Term::DeliveryId(owned));
    }
    if prefixed("req_") || prefixed("job_") || prefixed("dlv_") {
        return Ok(Term::RequestId(owned));
    }
    if let Some((key, value)) = q.split_once(':') {
        let (key, value) = (key.trim(), value.trim());
        if is_metadata_key(key) && !value.is_empty() {
            return Ok(match key {
                "order_id" => Term::OrderId(value.to_string()),
                "customer_reference" => Term::CustomerReference(value.to_string()),
                _ => Term::Metadata { key: key.to_string(), value: value.to_string() },
            });
        }
    }
    if q.contains('@') {
        return Ok(Term::Email(q.to_lowercase()));
    }
    if q.len() == 4 && q.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(Term::OrderIdOrLast4(owned));
    }
    Ok(Term::OrderId(owned))
}

/// A date-range bound: Unix seconds (what the console sends, from the browser's own time zone), or a `YYYY-MM-DD`
/// day in UTC. `end` makes a day inclusive: `to=2026-11-25` ends at the start of the 26th. Returns Unix ms.
pub fn parse_bound(value: &str, param: &str, end: bool) -> Result<i64, ApiError> {
    let v = value.trim();
    let invalid = || ApiError::invalid(param, format!("{param} must be Unix seconds or a date as YYYY-MM-DD."));
    if !v.is_empty() && v.len() <= 12 && v.bytes().all(|b| b.is_ascii_digit()) {
        return v.parse::<i64>().map(|s| s * 1000).map_err(|_| invalid());
    }
    let date = Date::parse_iso(v).filter(|d| (1970..=9999).contains(&d.year)).ok_or_else(invalid)?;
    Ok(date.start_ms() + if end { DAY_MS } else { 0 })
}

/// `GET /v1/ops/search` parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchParams {
    pub term: Term,
    pub status: Option<SessionStatus>,
    pub payment_status: Option<PaymentStatus>,
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
    pub paging: Paging,
}

impl SearchParams {
    /// Reads `q`, `status` (session), `payment_status`, `from`, `to` through `get`; paging comes from the caller.
    pub fn from_query<'a>(get: impl Fn(&str) -> Option<&'a str>, paging: Paging) -> Result<Self, ApiError> {
        let status = get("status")
            .filter(|s| !s.is_empty())
            .map(|s| {
                SessionStatus::parse(&s.to_ascii_uppercase()).ok_or_else(|| {
                    ApiError::invalid(
                        "status",
                        format!("Unknown session status '{}'. Use one of {}.", shown(s), SessionStatus::one_of()),
                    )
                })
            })
            .transpose()?;
        let payment_status = get("payment_status")
            .filter(|s| !s.is_empty())
            .map(|s| {
                PaymentStatus::parse(&s.to_ascii_uppercase()).ok_or_else(|| {
                    ApiError::invalid(
                        "payment_status",
                        format!("Unknown payment status '{}'. Use one of {}.", shown(s), PaymentStatus::one_of()),
                    )
                })
            })
            .transpose()?;
        let from_ms = get("from").filter(|s| !s.is_empty()).map(|s| parse_bound(s, "from", false)).transpose()?;
        let to_ms = get("to").filter(|s| !s.is_empty()).map(|s| parse_bound(s, "to", true)).transpose()?;
        if let (Some(f), Some(t)) = (from_ms, to_ms) {
            if f >= t {
                return Err(ApiError::invalid("to", "to must be after from."));
            }
        }
        Ok(Self { term: classify(get("q").unwrap_or(""))?, status, payment_status, from_ms, to_ms, paging })
    }
}

/// A value echoed in an error message, bounded.
fn shown(s: &str) -> String {
    s.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_recognised_by_shape() {
        assert_eq!(classify("  ").unwrap(), Term::All);
        assert_eq!(classify("cs_abc").unwrap(), Term::SessionId("cs_abc".into()));
        assert_eq!(classify("pay_abc").unwrap(), Term::PaymentId("pay_abc".into()));
        assert_eq!(classify("ch_abc").unwrap(), Term::ChargeId("ch_abc".into()));
        assert_eq!(classify("evt_abc").unwrap(), Term::EventId("evt_abc".into()));
        assert_eq!(classify("req_abc").unwrap(), Term::RequestId("req_abc".into()));
        assert_eq!(classify("job_abc").unwrap(), Term::RequestId("job_abc".into()));
        let delivery = format!("dlv_{}", "a".repeat(48));
        assert_eq!(classify(&delivery).unwrap(), Term::DeliveryId(delivery.clone()));
        assert_eq!(
            classify("dlv_0123456789abcdef01234567").unwrap(),
            Term::RequestId("dlv_0123456789abcdef01234567".into())
        );
        assert_eq!(classify("Ayse@Example.COM").unwrap(), Term::Email("ayse@example.com".into()));
        assert_eq!(classify("4242").unwrap(), Term::OrderIdOrLast4("4242".into()));
        assert_eq!(classify("ord_123").unwrap(), Term::OrderId("ord_123".into()));
        assert_eq!(classify("order_id: ord_9").unwrap(), Term::OrderId("ord_9".into()));
        assert_eq!(classify("customer_reference:user_42").unwrap(), Term::CustomerReference("user_42".into()));
        assert_eq!(classify("cart:c-77").unwrap(), Term::Metadata { key: "cart".into(), value: "c-77".into() });
        // A colon that does not start a metadata key is part of an order id.
        assert_eq!(classify("a b:c").unwrap(), Term::OrderId("a b:c".into()));
        // Bare prefixes are order ids, not ids.
        assert_eq!(classify("cs_").unwrap(), Term::OrderId("cs_".into()));
    }

    #[test]
    fn tokens_and_oversized_terms_are_refused() {
        let e = classify("cst_AbCdEf0123456789").unwrap_err();
        assert_eq!(
            (e.status, e.code.as_str(), e.param.as_deref()),
            (400, hsrc_shared::codes::PARAMETER_INVALID, Some("q"))
        );
        assert!(!e.message.contains("AbCdEf"), "the token is not echoed");
        assert_eq!(classify(&"x".repeat(201)).unwrap_err().status, 400);
        assert_eq!(classify("a\u{7}b").unwrap_err().status, 400);
    }

    #[test]
    fn date_bounds_are_utc_days_or_unix_seconds() {
        assert_eq!(parse_bound("1795564800", "from", false).unwrap(), 1_795_564_800_000);
        assert_eq!(parse_bound("2026-11-25", "from", false).unwrap(), 1_795_564_800_000);
        assert_eq!(parse_bound("2026-11-25", "to", true).unwrap(), 1_795_564_800_000 + DAY_MS);
        assert_eq!(parse_bound("1970-01-01", "from", false).unwrap(), 0);
        assert_eq!(parse_bound("2024-02-29", "from", false).unwrap(), 1_709_164_800_000);
        for bad in ["2025-02-29", "2026-13-01", "2026-1-01", "yesterday", "", "-5", "2026-11-25T10:00"] {
            let e = parse_bound(bad, "from", false).unwrap_err();
            assert_eq!((e.status, e.param.as_deref()), (400, Some("from")), "{bad}");
        }
    }
}
