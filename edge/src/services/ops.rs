//! The operations console: find a session by whatever support was told (an id from a log line, an order number, an
//! email, the last four digits of a card), then show its whole story in one read: the payment and every charge, the
//! timeline of transitions, 3DS steps, events with their webhook deliveries and attempts, and a verdict that answers
//! "paid?" and "did the merchant hear about it?".
//!
//! Never by token: a checkout token is a bearer secret, so a term that looks like one is refused, not looked up.
//! Personal data leaves this module masked; searching takes the full value (an exact, indexed match), so finding a
//! payer by email never needs the screen to show the address. Every search term is an index probe (see
//! `migrations/0004_ops.sql`; `edge/tests/ops.rs` checks the query plans), except `key:value` on a metadata key other
//! than `order_id`, which scans the merchant's sessions newest first within the date range.

use crate::platform::{query_as, Ctx, SqlValue, Stmt};
use crate::services::records::{enum_text, ChargeRow, PaymentRow, SessionRow};
use crate::services::{confirm, payments, sessions};
use crate::stmt;
use crate::store::{self, int, int_bool, int_opt};
use hsrc_shared::api::{Address, Customer, PayerDetails};
use hsrc_shared::lifecycle::{PaymentEvent, PaymentStatus, SessionEvent, SessionStatus};
use hsrc_shared::ops::{
    MaskedPayer, MatchedBy, NotifiedVerdict, OpsActions, OpsAttempt, OpsChallenge, OpsCharge, OpsDelivery, OpsEndpoint,
    OpsEvent, OpsPayment, OpsRow, OpsSearchResult, OpsSession, OpsSessionDetail, PaidVerdict, TimelineEntry, Verdict,
};
use hsrc_shared::ApiError;
use serde::Deserialize;

/// Longest search term.
pub const MAX_TERM_CHARS: usize = 200;
const DAY_MS: i64 = 86_400_000;

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
            return Ok(if key == "order_id" {
                Term::OrderId(value.to_string())
            } else {
                Term::Metadata { key: key.to_string(), value: value.to_string() }
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

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days-from-civil).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A date-range bound: Unix seconds (what the console sends, from the browser's own time zone), or a `YYYY-MM-DD`
/// day in UTC. `end` makes a day inclusive: `to=2026-11-25` ends at the start of the 26th. Returns Unix ms.
pub fn parse_bound(value: &str, param: &str, end: bool) -> Result<i64, ApiError> {
    let v = value.trim();
    let invalid = || ApiError::invalid(param, format!("{param} must be Unix seconds or a date as YYYY-MM-DD."));
    if !v.is_empty() && v.len() <= 12 && v.bytes().all(|b| b.is_ascii_digit()) {
        return v.parse::<i64>().map(|s| s * 1000).map_err(|_| invalid());
    }
    let parts: Vec<&str> = v.split('-').collect();
    let [y, m, d] = parts.as_slice() else { return Err(invalid()) };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 || ![y, m, d].iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(invalid());
    }
    let (year, month, day) = (
        y.parse::<i64>().map_err(|_| invalid())?,
        m.parse::<i64>().map_err(|_| invalid())?,
        d.parse::<i64>().map_err(|_| invalid())?,
    );
    if !(1970..=9999).contains(&year) || !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return Err(invalid());
    }
    Ok((days_from_civil(year, month, day) + i64::from(end)) * DAY_MS)
}

/// `GET /v1/ops/search` parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchParams {
    pub term: Term,
    pub status: Option<SessionStatus>,
    pub payment_status: Option<PaymentStatus>,
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
    pub limit: u32,
    pub starting_after: Option<String>,
}

impl SearchParams {
    /// Reads `q`, `status` (session), `payment_status`, `from`, `to` through `get`; paging comes from the caller.
    pub fn from_query<'a>(
        get: impl Fn(&str) -> Option<&'a str>,
        limit: u32,
        starting_after: Option<String>,
    ) -> Result<Self, ApiError> {
        let status = get("status")
            .filter(|s| !s.is_empty())
            .map(|s| {
                SessionStatus::parse(&s.to_ascii_uppercase())
                    .ok_or_else(|| ApiError::invalid("status", format!("Unknown session status '{}'. Use one of PENDING, PROCESSING, COMPLETED, EXPIRED, CANCELLED, FAILED.", shown(s))))
            })
            .transpose()?;
        let payment_status = get("payment_status")
            .filter(|s| !s.is_empty())
            .map(|s| {
                PaymentStatus::parse(&s.to_ascii_uppercase()).ok_or_else(|| {
                    ApiError::invalid(
                        "payment_status",
                        format!("Unknown payment status '{}'. Use one of CREATED, PROCESSING, REQUIRES_ACTION, REQUIRES_PAYMENT_METHOD, AUTHORIZED, SUCCEEDED, CANCELLED, FAILED.", shown(s)),
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
        Ok(Self {
            term: classify(get("q").unwrap_or(""))?,
            status,
            payment_status,
            from_ms,
            to_ms,
            limit,
            starting_after,
        })
    }
}

/// A value echoed in an error message, bounded.
fn shown(s: &str) -> String {
    s.chars().take(40).collect()
}

#[derive(Deserialize)]
struct SearchRow {
    session_id: String,
    session_status: SessionStatus,
    payment_id: String,
    payment_status: PaymentStatus,
    #[serde(deserialize_with = "int")]
    amount: i64,
    currency: String,
    order_id: Option<String>,
    email: Option<String>,
    card_brand: Option<String>,
    card_last4: Option<String>,
    decline_code: Option<String>,
    #[serde(deserialize_with = "int_bool")]
    livemode: bool,
    #[serde(deserialize_with = "int")]
    created_at: i64,
    #[serde(deserialize_with = "int")]
    updated_at: i64,
}

/// How a term selects sessions: the ids it matches (a subquery answered from an index: a primary key, a unique
/// column or an expression index of 0004_ops.sql), or a condition on the merchant's list. Parameters are numbered
/// from `?8`.
enum Selection {
    Ids(String, Vec<SqlValue>),
    Condition(String, Vec<SqlValue>),
}

fn selection(term: &Term) -> Selection {
    let ids = |sql: &str, v: &String| Selection::Ids(sql.to_string(), vec![SqlValue::from(v)]);
    match term {
        Term::All => Selection::Condition("1 = 1".into(), vec![]),
        Term::SessionId(v) => ids("SELECT x.id AS id FROM checkout_sessions x WHERE x.id = ?8", v),
        Term::PaymentId(v) => ids("SELECT x.checkout_session_id AS id FROM payments x WHERE x.id = ?8", v),
        Term::ChargeId(v) => ids("SELECT x.checkout_session_id AS id FROM charges c JOIN payments x ON x.id = c.payment_id WHERE c.id = ?8", v),
        Term::EventId(v) => ids("SELECT e.checkout_session_id AS id FROM events e WHERE e.id = ?8", v),
        Term::RefundId(v) => ids("SELECT x.checkout_session_id AS id FROM refunds r JOIN payments x ON x.id = r.payment_id WHERE r.id = ?8", v),
        Term::DeliveryId(v) => ids("SELECT e.checkout_session_id AS id FROM webhook_deliveries d JOIN events e ON e.id = d.event_id WHERE d.id = ?8", v),
        Term::RequestId(v) => ids(
            "SELECT t.entity_id AS id FROM transitions t WHERE t.request_id = ?8 AND t.entity = 'checkout_session' \
             UNION SELECT x.checkout_session_id FROM transitions t JOIN payments x ON x.id = t.entity_id WHERE t.request_id = ?8 AND t.entity = 'payment' \
             UNION SELECT x.checkout_session_id FROM transitions t JOIN charges c ON c.id = t.entity_id JOIN payments x ON x.id = c.payment_id \
               WHERE t.request_id = ?8 AND t.entity = 'charge'",
            v,
        ),
        Term::Email(v) => ids(
            "SELECT x.id AS id FROM checkout_sessions x WHERE x.merchant_id = ?1 AND lower(json_extract(x.payer, '$.email')) = ?8 \
             UNION SELECT x.id FROM checkout_sessions x WHERE x.merchant_id = ?1 AND lower(json_extract(x.customer, '$.email')) = ?8",
            v,
        ),
        Term::OrderId(v) => ids("SELECT x.id AS id FROM checkout_sessions x WHERE x.merchant_id = ?1 AND json_extract(x.metadata, '$.order_id') = ?8", v),
        Term::OrderIdOrLast4(v) => ids(
            "SELECT x.id AS id FROM checkout_sessions x WHERE x.merchant_id = ?1 AND json_extract(x.metadata, '$.order_id') = ?8 \
             UNION SELECT x.checkout_session_id FROM payments x WHERE x.merchant_id = ?1 AND json_extract(x.card, '$.last4') = ?8",
            v,
        ),
        // The key was checked to be [A-Za-z0-9_.-], so quoting it in the JSON path is safe; it is bound anyway.
        Term::Metadata { key, value } => Selection::Condition("json_extract(s.metadata, ?9) = ?8".into(), vec![value.into(), format!("$.\"{key}\"").into()]),
    }
}

/// The search statement: the merchant's sessions with their payments, newest first, filtered and paged. A term's
/// matching ids drive the join (`CROSS JOIN` keeps SQLite from reordering it), so a search costs what its few
/// matches cost, not a walk of the merchant's list; without a term the list is walked newest first by index.
pub fn search_statement(merchant_id: &str, p: &SearchParams) -> Stmt {
    let (from, condition, term_params) = match selection(&p.term) {
        Selection::Ids(ids, params) => {
            (format!("({ids}) m CROSS JOIN checkout_sessions s ON s.id = m.id"), "1 = 1".to_string(), params)
        }
        Selection::Condition(condition, params) => ("checkout_sessions s".to_string(), condition, params),
    };
    let sql = format!(
        "SELECT s.id AS session_id, s.status AS session_status, s.payment_id, p.status AS payment_status, s.amount, s.currency, \
           json_extract(s.metadata, '$.order_id') AS order_id, \
           COALESCE(json_extract(s.payer, '$.email'), json_extract(s.customer, '$.email')) AS email, \
           json_extract(p.card, '$.brand') AS card_brand, json_extract(p.card, '$.last4') AS card_last4, \
           json_extract(p.last_error, '$.decline_code') AS decline_code, s.livemode, s.created_at, s.updated_at \
         FROM {from} JOIN payments p ON p.id = s.payment_id \
         WHERE s.merchant_id = ?1 AND (?2 IS NULL OR s.status = ?2) AND (?3 IS NULL OR p.status = ?3) \
           AND (?4 IS NULL OR s.created_at >= ?4) AND (?5 IS NULL OR s.created_at < ?5) \
           AND (?6 IS NULL OR (s.created_at, s.rowid) < (SELECT x.created_at, x.rowid FROM checkout_sessions x WHERE x.id = ?6 AND x.merchant_id = ?1)) \
           AND {condition} \
         ORDER BY s.created_at DESC, s.rowid DESC LIMIT ?7"
    );
    let mut params: Vec<SqlValue> = vec![
        merchant_id.into(),
        p.status.map(|s| s.as_str()).into(),
        p.payment_status.map(|s| s.as_str()).into(),
        p.from_ms.into(),
        p.to_ms.into(),
        p.starting_after.clone().into(),
        (i64::from(p.limit) + 1).into(),
    ];
    params.extend(term_params);
    Stmt::new(sql, params)
}

pub async fn search(ctx: &Ctx<'_>, merchant_id: &str, params: &SearchParams) -> Result<OpsSearchResult, ApiError> {
    let rows: Vec<SearchRow> =
        query_as(ctx.db, search_statement(merchant_id, params)).await.map_err(store::internal)?;
    let items: Vec<OpsRow> = rows
        .into_iter()
        .map(|r| OpsRow {
            session_id: r.session_id,
            session_status: r.session_status,
            payment_id: r.payment_id,
            payment_status: r.payment_status,
            amount: r.amount,
            currency: r.currency,
            order_id: r.order_id,
            payer_email: r.email.as_deref().map(mask_email),
            card_brand: r.card_brand,
            card_last4: r.card_last4,
            decline_code: r.decline_code,
            livemode: r.livemode,
            created_at_ms: r.created_at,
            updated_at_ms: r.updated_at,
        })
        .collect();
    let page = sessions::page(items, params.limit, |r: &OpsRow| r.session_id.clone());
    Ok(OpsSearchResult {
        object: "list".into(),
        matched_by: params.term.matched_by(),
        data: page.data,
        has_more: page.has_more,
        next_cursor: page.next_cursor,
        card_testing: crate::services::limits::open_breaker(ctx, merchant_id).await?.map(|b| {
            hsrc_shared::ops::CardTestingPause {
                tripped_at_ms: b.tripped_at,
                until_ms: b.until,
                declined_sessions: b.declined_sessions,
                attempted_sessions: b.attempted_sessions,
            }
        }),
    })
}

// ---- masking -------------------------------------------------------------------------------------------------

/// `ayse@example.com` → `a***@example.com`.
pub fn mask_email(email: &str) -> String {
    match email.rsplit_once('@') {
        Some((local, domain)) => format!("{}***@{domain}", local.chars().next().map(String::from).unwrap_or_default()),
        None => "***".into(),
    }
}

/// `Ayşe Yılmaz` → `Ayşe Y.`; a single word stays as it is.
pub fn mask_name(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    match words.as_slice() {
        [] => String::new(),
        [one] => (*one).to_string(),
        [first, .., last] => format!("{first} {}.", last.chars().next().map(String::from).unwrap_or_default()),
    }
}

/// `+905551234567` → `+90 ••• 67`.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().filter(|c| !c.is_whitespace()).collect();
    if chars.len() < 6 {
        return "•••".into();
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 2..].iter().collect();
    format!("{head} ••• {tail}")
}

fn place(a: &Address) -> String {
    format!("{}, {}", a.city.trim(), a.country.trim())
}

/// A URL without its query and fragment, which receivers often use for shared secrets.
pub fn hide_query(url: &str) -> String {
    let cut = url.find(['?', '#']).unwrap_or(url.len());
    if cut < url.len() {
        format!("{}?…", &url[..cut])
    } else {
        url.to_string()
    }
}

pub fn mask_payer(payer: Option<&PayerDetails>, customer: Option<&Customer>) -> MaskedPayer {
    let name = payer.and_then(|p| p.name.clone()).or_else(|| customer.and_then(|c| c.name.clone()));
    let email = payer.and_then(|p| p.email.clone()).or_else(|| customer.and_then(|c| c.email.clone()));
    let phone = payer.and_then(|p| p.phone.clone()).or_else(|| customer.and_then(|c| c.phone.clone()));
    MaskedPayer {
        name: name.as_deref().map(mask_name).filter(|n| !n.is_empty()),
        email: email.as_deref().map(mask_email),
        phone: phone.as_deref().map(mask_phone),
        billing_place: payer.and_then(|p| p.billing_address.as_ref()).map(place),
        shipping_place: payer.and_then(|p| p.shipping_address.as_ref()).map(place),
        shipping_same_as_billing: payer.and_then(|p| p.shipping_same_as_billing),
        custom_field_keys: payer.map(|p| p.custom_fields.keys().cloned().collect()).unwrap_or_default(),
    }
}

// ---- verdicts ------------------------------------------------------------------------------------------------

/// Was the order paid? Written as an exhaustive match: a new payment state must decide what it means here.
pub fn paid_verdict(session: SessionStatus, payment: PaymentStatus) -> PaidVerdict {
    match payment {
        PaymentStatus::Succeeded => PaidVerdict::Paid,
        PaymentStatus::Authorized => PaidVerdict::Authorized,
        PaymentStatus::Processing | PaymentStatus::RequiresAction => PaidVerdict::InProgress,
        PaymentStatus::Created | PaymentStatus::RequiresPaymentMethod => match session {
            SessionStatus::Pending => PaidVerdict::AwaitingPayer,
            SessionStatus::Processing => PaidVerdict::InProgress,
            SessionStatus::Completed | SessionStatus::Expired | SessionStatus::Cancelled | SessionStatus::Failed => {
                PaidVerdict::NotPaid
            }
        },
        PaymentStatus::Cancelled | PaymentStatus::Failed => PaidVerdict::NotPaid,
    }
}

/// Did the merchant hear about the latest change? Looks at the events written by the latest request that wrote
/// any (one state change writes its events together) and at every delivery of those.
pub fn notified_verdict(events: &[OpsEvent]) -> (NotifiedVerdict, Vec<String>, Option<i64>, Option<i64>) {
    let Some(last) = events.last() else { return (NotifiedVerdict::NoEvents, vec![], None, None) };
    let latest: Vec<&OpsEvent> =
        events.iter().filter(|e| e.request_id.is_some() && e.request_id == last.request_id).collect();
    let latest = if latest.is_empty() { vec![last] } else { latest };
    let types = latest.iter().map(|e| e.kind.clone()).collect();
    let at = latest.iter().map(|e| e.created_at_ms).max();
    let deliveries: Vec<&OpsDelivery> = latest.iter().flat_map(|e| e.deliveries.iter()).collect();
    if deliveries.is_empty() {
        return (NotifiedVerdict::NoEndpoint, types, at, None);
    }
    if deliveries.iter().all(|d| d.status == "succeeded") {
        let delivered = deliveries.iter().filter_map(|d| d.succeeded_at_ms).max();
        return (NotifiedVerdict::Delivered, types, at, delivered);
    }
    if deliveries.iter().any(|d| d.status == "pending" || d.status == "sending") {
        return (NotifiedVerdict::Retrying, types, at, None);
    }
    (NotifiedVerdict::Failed, types, at, None)
}

// ---- the session detail --------------------------------------------------------------------------------------

#[derive(Deserialize)]
struct TransitionRow {
    entity: String,
    entity_id: String,
    from_status: Option<String>,
    to_status: String,
    request_id: Option<String>,
    #[serde(deserialize_with = "int")]
    created_at: i64,
}

#[derive(Deserialize)]
struct ChallengeRow {
    id: String,
    charge_id: String,
    status: String,
    #[serde(deserialize_with = "int")]
    created_at: i64,
    #[serde(deserialize_with = "int")]
    expires_at: i64,
    #[serde(deserialize_with = "int_opt", default)]
    resolved_at: Option<i64>,
}

#[derive(Deserialize)]
struct EventLine {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    request_id: Option<String>,
    #[serde(deserialize_with = "int")]
    created_at: i64,
    cancelled_by: Option<String>,
}

#[derive(Deserialize)]
struct EndpointLine {
    id: String,
    url: String,
    status: String,
    disabled_reason: Option<String>,
    #[serde(deserialize_with = "int")]
    consecutive_failures: i64,
}

fn json_ids<S: AsRef<str>>(ids: &[S]) -> String {
    store::to_json_text(&ids.iter().map(AsRef::as_ref).collect::<Vec<&str>>())
}

/// Place of each charge in the fallback order of its confirm: charges of one confirm share its request id.
fn route_positions(charges: &[ChargeRow]) -> Vec<u32> {
    charges
        .iter()
        .enumerate()
        .map(|(i, c)| {
            1 + charges[..i]
                .iter()
                .filter(|earlier| earlier.request_id.is_some() && earlier.request_id == c.request_id)
                .count() as u32
        })
        .collect()
}

fn ops_payment(payment: &PaymentRow, charges: &[ChargeRow]) -> OpsPayment {
    let positions = route_positions(charges);
    OpsPayment {
        id: payment.id.clone(),
        status: payment.status,
        amount: payment.amount,
        amount_captured: payment.amount_captured,
        currency: payment.currency.clone(),
        capture_method: payment.capture_method,
        card_brand: payment.card.as_ref().map(|c| c.brand.clone()),
        card_last4: payment.card.as_ref().map(|c| c.last4.clone()),
        card_exp: payment.card.as_ref().map(|c| format!("{:02}/{}", c.exp_month, c.exp_year % 100)),
        last_error_code: payment.last_error.as_ref().map(|e| e.code.clone()),
        last_decline_code: payment.last_error.as_ref().and_then(|e| e.decline_code.clone()),
        last_error_message: payment.last_error.as_ref().map(|e| e.message.clone()),
        created_at_ms: payment.created_at,
        updated_at_ms: payment.updated_at,
        charges: charges
            .iter()
            .zip(positions)
            .map(|(c, route_position)| OpsCharge {
                id: c.id.clone(),
                sequence: c.sequence as u32,
                route_position,
                provider: c.provider.clone(),
                status: c.status,
                amount: c.amount,
                decline_code: c.decline_code.clone(),
                message: c.message.clone(),
                latency_ms: c.latency_ms,
                request_id: c.request_id.clone(),
                created_at_ms: c.created_at,
                resolved_at_ms: c.resolved_at,
            })
            .collect(),
        // Filled in by the refunds view (services::refunds::ops_view).
        amount_refunded: 0,
        refund_status: Default::default(),
        refunds: Vec::new(),
        installments: payment.installments.clone(),
    }
}

fn ops_session(s: &SessionRow) -> OpsSession {
    OpsSession {
        id: s.id.clone(),
        status: s.status,
        amount: s.amount,
        currency: s.currency.clone(),
        url: s.url.clone(),
        return_url: s.return_url.clone(),
        cancel_url: s.cancel_url.clone(),
        metadata: s.metadata.clone(),
        secure_mode: s.secure_mode,
        capture_method: s.capture_method,
        locale: enum_text(&s.locale),
        attempts: s.attempts.max(0) as u32,
        max_attempts: s.max_attempts.max(0) as u32,
        livemode: s.livemode,
        expires_at_ms: s.expires_at,
        created_at_ms: s.created_at,
        updated_at_ms: s.updated_at,
        payer: mask_payer(s.payer.as_ref(), s.customer.as_ref()),
    }
}

/// `GET /v1/ops/sessions/:id`. Like every merchant read, it first settles what is due (expiry, a timed-out provider
/// answer, an abandoned challenge), so the console never shows a state the API would not.
pub async fn session_detail(ctx: &Ctx<'_>, merchant_id: &str, id: &str) -> Result<OpsSessionDetail, ApiError> {
    let session = sessions::load(ctx, merchant_id, id).await?;
    let session = sessions::expire_if_due(ctx, session).await?;
    let session = confirm::reconcile_if_waiting(ctx, session).await?;
    let refunds = crate::services::refunds::ops_view::load(ctx, &session.payment_id).await?;
    let payment = payments::load_row(ctx, &session.payment_id).await?;
    let charges = payments::charges(ctx, &payment.id).await?;

    let mut entity_ids = vec![session.id.clone(), payment.id.clone()];
    entity_ids.extend(charges.iter().map(|c| c.id.clone()));
    let transitions: Vec<TransitionRow> = query_as(
        ctx.db,
        stmt!(
            "SELECT entity, entity_id, from_status, to_status, request_id, created_at FROM transitions \
             WHERE entity_id IN (SELECT value FROM json_each(?1)) ORDER BY id",
            json_ids(&entity_ids)
        ),
    )
    .await
    .map_err(store::internal)?;
    let challenges: Vec<ChallengeRow> = query_as(
        ctx.db,
        stmt!("SELECT id, charge_id, status, created_at, expires_at, resolved_at FROM challenges WHERE payment_id = ?1 ORDER BY created_at, id", payment.id.as_str()),
    )
    .await
    .map_err(store::internal)?;
    let events: Vec<EventLine> = query_as(
        ctx.db,
        stmt!(
            "SELECT id, type, request_id, created_at, \
               CASE WHEN type = 'checkout_session.cancelled' THEN json_extract(data, '$.object.cancelled_by') END AS cancelled_by \
             FROM events WHERE checkout_session_id = ?1 AND merchant_id = ?2 ORDER BY created_at, rowid",
            session.id.as_str(),
            merchant_id
        ),
    )
    .await
    .map_err(store::internal)?;
    let event_ids: Vec<&str> = events.iter().map(|e| e.id.as_str()).collect();
    let deliveries = crate::services::webhooks::deliveries::records_for_events(ctx, merchant_id, &event_ids).await?;
    let mut endpoint_ids: Vec<&str> = deliveries.iter().map(|d| d.row.endpoint_id.as_str()).collect();
    endpoint_ids.sort_unstable();
    endpoint_ids.dedup();
    let endpoint_rows: Vec<EndpointLine> = if endpoint_ids.is_empty() {
        Vec::new()
    } else {
        query_as(
            ctx.db,
            stmt!(
                "SELECT id, url, status, disabled_reason, consecutive_failures FROM webhook_endpoints \
                 WHERE id IN (SELECT value FROM json_each(?1)) AND merchant_id = ?2",
                json_ids(&endpoint_ids),
                merchant_id
            ),
        )
        .await
        .map_err(store::internal)?
    };

    let cancelled_by = events.iter().rev().find_map(|e| e.cancelled_by.clone());
    let ops_events: Vec<OpsEvent> = events
        .into_iter()
        .map(|e| OpsEvent {
            deliveries: deliveries
                .iter()
                .filter(|d| d.row.event_id == e.id)
                .map(|d| OpsDelivery {
                    id: d.row.id.clone(),
                    endpoint_id: d.row.endpoint_id.clone(),
                    status: d.row.status.clone(),
                    attempt_count: d.row.attempts,
                    next_attempt_at_ms: d.row.next_attempt_at.filter(|_| d.row.status == "pending"),
                    last_status_code: d.row.last_status_code,
                    last_error: d.row.last_error.clone(),
                    succeeded_at_ms: d.row.succeeded_at,
                    created_at_ms: d.row.created_at,
                    attempts: d
                        .attempts
                        .iter()
                        .map(|a| OpsAttempt {
                            attempt: a.attempt,
                            started_at_ms: a.started_at,
                            latency_ms: a.latency_ms,
                            status_code: a.status_code,
                            outcome: a.outcome.clone(),
                            error: a.error.clone(),
                            request_id: a.request_id.clone(),
                        })
                        .collect(),
                })
                .collect(),
            id: e.id,
            kind: e.kind,
            request_id: e.request_id,
            created_at_ms: e.created_at,
        })
        .collect();
    let endpoints = endpoint_ids
        .iter()
        .map(|id| match endpoint_rows.iter().find(|w| w.id == *id) {
            Some(w) => OpsEndpoint {
                id: w.id.clone(),
                url: hide_query(&w.url),
                status: w.status.clone(),
                disabled_reason: w.disabled_reason.clone(),
                consecutive_failures: w.consecutive_failures,
            },
            None => OpsEndpoint {
                id: (*id).to_string(),
                url: String::new(),
                status: "deleted".into(),
                disabled_reason: None,
                consecutive_failures: 0,
            },
        })
        .collect();

    let (notified, latest_event_types, latest_event_at_ms, delivered_at_ms) = notified_verdict(&ops_events);
    let redirect = match session.status {
        SessionStatus::Completed => session.return_url.clone(),
        SessionStatus::Cancelled => session.cancel_url.clone(),
        SessionStatus::Pending | SessionStatus::Processing | SessionStatus::Expired | SessionStatus::Failed => None,
    };
    let verdict = Verdict {
        paid: paid_verdict(session.status, payment.status),
        notified,
        latest_event_types,
        latest_event_at_ms,
        delivered_at_ms,
        redirect,
        cancelled_by: cancelled_by.filter(|_| session.status == SessionStatus::Cancelled),
        amount_refunded: refunds.refunded,
        amount_refund_pending: refunds.pending,
        refund_status: refunds.status(payment.amount_captured),
    };
    let actions = OpsActions {
        cancel_session: session.status.next(SessionEvent::Cancel).is_ok()
            && payment.status.next(PaymentEvent::Cancel).is_ok(),
        capture_payment: payment.status.next(PaymentEvent::Capture).is_ok(),
        void_payment: payment.status == PaymentStatus::Authorized,
        refund_payment: refunds.refundable(&payment) > 0,
        refundable_amount: refunds.refundable(&payment),
    };
    let mut timeline: Vec<TimelineEntry> = transitions
        .into_iter()
        .map(|t| TimelineEntry {
            entity: t.entity,
            entity_id: t.entity_id,
            from_status: t.from_status,
            to_status: t.to_status,
            request_id: t.request_id,
            at_ms: t.created_at,
        })
        .collect();
    timeline.extend(refunds.timeline());
    // Refund entries come from their own tables: merge them in by time (stable, so same-time entries keep order).
    timeline.sort_by_key(|t| t.at_ms);
    let mut ops_payment_view = ops_payment(&payment, &charges);
    refunds.fill(&mut ops_payment_view);
    Ok(OpsSessionDetail {
        object: "ops_session".into(),
        session: ops_session(&session),
        payment: ops_payment_view,
        verdict,
        actions,
        timeline,
        challenges: challenges
            .into_iter()
            .map(|c| OpsChallenge {
                id: c.id,
                charge_id: c.charge_id,
                status: c.status,
                created_at_ms: c.created_at,
                expires_at_ms: c.expires_at,
                resolved_at_ms: c.resolved_at,
            })
            .collect(),
        events: ops_events,
        endpoints,
    })
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

    #[test]
    fn personal_data_is_masked() {
        assert_eq!(mask_email("ayse@example.com"), "a***@example.com");
        assert_eq!(mask_email("@x.example"), "***@x.example");
        assert_eq!(mask_name("Ayşe Nur Yılmaz"), "Ayşe Y.");
        assert_eq!(mask_name("Cher"), "Cher");
        assert_eq!(mask_phone("+905551234567"), "+90 ••• 67");
        assert_eq!(mask_phone("123"), "•••");
        assert_eq!(hide_query("https://hooks.example/in?token=s3cret#x"), "https://hooks.example/in?…");
        assert_eq!(hide_query("https://hooks.example/in"), "https://hooks.example/in");
    }

    #[test]
    fn paid_verdict_reads_payment_then_session() {
        use PaymentStatus as P;
        use SessionStatus as S;
        assert_eq!(paid_verdict(S::Completed, P::Succeeded), PaidVerdict::Paid);
        assert_eq!(paid_verdict(S::Completed, P::Authorized), PaidVerdict::Authorized);
        assert_eq!(paid_verdict(S::Processing, P::RequiresAction), PaidVerdict::InProgress);
        assert_eq!(paid_verdict(S::Pending, P::RequiresPaymentMethod), PaidVerdict::AwaitingPayer);
        assert_eq!(paid_verdict(S::Expired, P::Cancelled), PaidVerdict::NotPaid);
        assert_eq!(paid_verdict(S::Failed, P::Failed), PaidVerdict::NotPaid);
    }

    fn event(kind: &str, request: &str, deliveries: &[&str]) -> OpsEvent {
        OpsEvent {
            id: format!("evt_{kind}"),
            kind: kind.into(),
            request_id: Some(request.into()),
            created_at_ms: 1,
            deliveries: deliveries
                .iter()
                .map(|s| OpsDelivery {
                    id: "dlv".into(),
                    endpoint_id: "we".into(),
                    status: (*s).into(),
                    attempt_count: 1,
                    next_attempt_at_ms: None,
                    last_status_code: None,
                    last_error: None,
                    succeeded_at_ms: (*s == "succeeded").then_some(5),
                    created_at_ms: 1,
                    attempts: vec![],
                })
                .collect(),
        }
    }

    #[test]
    fn notified_verdict_looks_at_the_latest_change_only() {
        assert_eq!(notified_verdict(&[]).0, NotifiedVerdict::NoEvents);
        // An old failed delivery does not matter once the latest change was delivered.
        let events = [
            event("charge.declined", "req_a", &["failed"]),
            event("payment.succeeded", "req_b", &["succeeded"]),
            event("checkout_session.completed", "req_b", &["succeeded"]),
        ];
        let (v, types, _, delivered) = notified_verdict(&events);
        assert_eq!((v, types.len(), delivered), (NotifiedVerdict::Delivered, 2, Some(5)));
        assert_eq!(
            notified_verdict(&[event("payment.succeeded", "req_b", &["succeeded", "pending"])]).0,
            NotifiedVerdict::Retrying
        );
        assert_eq!(
            notified_verdict(&[event("payment.succeeded", "req_b", &["succeeded", "failed"])]).0,
            NotifiedVerdict::Failed
        );
        assert_eq!(notified_verdict(&[event("payment.succeeded", "req_b", &[])]).0, NotifiedVerdict::NoEndpoint);
    }
}
