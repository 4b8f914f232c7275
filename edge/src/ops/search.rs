//! The search statement and its run: the merchant's payments newest first, each with its checkout session or, for
//! an API-only payment (#15), its API row. A term selects payments through an index probe (see
//! `migrations/0004_ops.sql` and `0014_…`; `edge/tests/ops.rs` checks the query plans), the filters and the page
//! cursor narrow them, and each row leaves with the payer's email masked.

use super::mask::mask_email;
use super::query::{SearchParams, Term};
use crate::platform::{query_as, Ctx, SqlValue, Stmt};
use crate::store::{self, int, int_bool};
use hsrc_shared::api::ops::{OpsRow, OpsSearchResult};
use hsrc_shared::lifecycle::{PaymentStatus, SessionStatus};
use hsrc_shared::ApiError;
use serde::Deserialize;

#[derive(Deserialize)]
struct SearchRow {
    session_id: Option<String>,
    session_status: Option<SessionStatus>,
    payment_id: String,
    payment_status: PaymentStatus,
    #[serde(deserialize_with = "int")]
    amount: i64,
    currency: String,
    order_id: Option<String>,
    email: Option<String>,
    customer_reference: Option<String>,
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

/// How a term selects payments: the payment ids it matches (a subquery answered from an index: a primary key, a
/// unique column or an expression index), or a condition on the merchant's list. Parameters are numbered from `?8`.
enum Selection {
    Ids(String, Vec<SqlValue>),
    Condition(String, Vec<SqlValue>),
}

fn selection(term: &Term) -> Selection {
    let ids = |sql: &str, v: &String| Selection::Ids(sql.to_string(), vec![SqlValue::from(v)]);
    match term {
        Term::All => Selection::Condition("1 = 1".into(), vec![]),
        Term::SessionId(v) => ids("SELECT x.payment_id AS id FROM checkout_sessions x WHERE x.id = ?8", v),
        Term::PaymentId(v) => ids("SELECT x.id AS id FROM payments x WHERE x.id = ?8", v),
        Term::ChargeId(v) => ids("SELECT c.payment_id AS id FROM charges c WHERE c.id = ?8", v),
        Term::EventId(v) => ids("SELECT e.payment_id AS id FROM events e WHERE e.id = ?8", v),
        Term::RefundId(v) => ids("SELECT r.payment_id AS id FROM refunds r WHERE r.id = ?8", v),
        Term::DeliveryId(v) => ids("SELECT e.payment_id AS id FROM webhook_deliveries d JOIN events e ON e.id = d.event_id WHERE d.id = ?8", v),
        Term::RequestId(v) => ids(
            "SELECT x.payment_id AS id FROM transitions t JOIN checkout_sessions x ON x.id = t.entity_id WHERE t.request_id = ?8 AND t.entity = 'checkout_session' \
             UNION SELECT t.entity_id FROM transitions t WHERE t.request_id = ?8 AND t.entity = 'payment' \
             UNION SELECT c.payment_id FROM transitions t JOIN charges c ON c.id = t.entity_id WHERE t.request_id = ?8 AND t.entity = 'charge'",
            v,
        ),
        Term::Email(v) => ids(
            "SELECT x.payment_id AS id FROM checkout_sessions x WHERE x.merchant_id = ?1 AND lower(json_extract(x.payer, '$.email')) = ?8 \
             UNION SELECT x.payment_id FROM checkout_sessions x WHERE x.merchant_id = ?1 AND lower(json_extract(x.customer, '$.email')) = ?8 \
             UNION SELECT a.payment_id FROM api_payments a WHERE a.merchant_id = ?1 AND lower(json_extract(a.customer, '$.email')) = ?8",
            v,
        ),
        Term::OrderId(v) => ids(
            "SELECT x.payment_id AS id FROM checkout_sessions x WHERE x.merchant_id = ?1 AND json_extract(x.metadata, '$.order_id') = ?8 \
             UNION SELECT a.payment_id FROM api_payments a WHERE a.merchant_id = ?1 AND json_extract(a.metadata, '$.order_id') = ?8",
            v,
        ),
        Term::OrderIdOrLast4(v) => ids(
            "SELECT x.payment_id AS id FROM checkout_sessions x WHERE x.merchant_id = ?1 AND json_extract(x.metadata, '$.order_id') = ?8 \
             UNION SELECT a.payment_id FROM api_payments a WHERE a.merchant_id = ?1 AND json_extract(a.metadata, '$.order_id') = ?8 \
             UNION SELECT x.id FROM payments x WHERE x.merchant_id = ?1 AND json_extract(x.card, '$.last4') = ?8",
            v,
        ),
        Term::CustomerReference(v) => {
            ids("SELECT a.payment_id AS id FROM api_payments a WHERE a.merchant_id = ?1 AND a.customer_reference = ?8", v)
        }
        // The key was checked to be [A-Za-z0-9_.-], so quoting it in the JSON path is safe; it is bound anyway.
        Term::Metadata { key, value } => Selection::Condition(
            "json_extract(COALESCE(s.metadata, a.metadata), ?9) = ?8".into(),
            vec![value.into(), format!("$.\"{key}\"").into()],
        ),
    }
}

/// The search statement: the merchant's payments with their sessions (none for API-only payments), newest first,
/// filtered and paged. A term's matching ids drive the join (`CROSS JOIN` keeps SQLite from reordering it), so a
/// search costs what its few matches cost, not a walk of the merchant's list; without a term the list is walked
/// newest first by index. A session status filter keeps only session payments.
pub fn search_statement(merchant_id: &str, p: &SearchParams) -> Stmt {
    let (from, condition, term_params) = match selection(&p.term) {
        Selection::Ids(ids, params) => {
            (format!("({ids}) m CROSS JOIN payments p ON p.id = m.id"), "1 = 1".to_string(), params)
        }
        Selection::Condition(condition, params) => ("payments p".to_string(), condition, params),
    };
    let sql = format!(
        "SELECT s.id AS session_id, s.status AS session_status, p.id AS payment_id, p.status AS payment_status, \
           COALESCE(s.amount, p.amount) AS amount, p.currency, \
           json_extract(COALESCE(s.metadata, a.metadata), '$.order_id') AS order_id, \
           COALESCE(json_extract(s.payer, '$.email'), json_extract(s.customer, '$.email'), json_extract(a.customer, '$.email')) AS email, \
           a.customer_reference, \
           json_extract(p.card, '$.brand') AS card_brand, json_extract(p.card, '$.last4') AS card_last4, \
           json_extract(p.last_error, '$.decline_code') AS decline_code, p.livemode, p.created_at, \
           COALESCE(s.updated_at, p.updated_at) AS updated_at \
         FROM {from} LEFT JOIN checkout_sessions s ON s.id = p.checkout_session_id LEFT JOIN api_payments a ON a.payment_id = p.id \
         WHERE p.merchant_id = ?1 AND (?2 IS NULL OR s.status = ?2) AND (?3 IS NULL OR p.status = ?3) \
           AND (?4 IS NULL OR p.created_at >= ?4) AND (?5 IS NULL OR p.created_at < ?5) \
           AND (?6 IS NULL OR (p.created_at, p.rowid) < (SELECT x.created_at, x.rowid FROM payments x WHERE x.id = ?6 AND x.merchant_id = ?1)) \
           AND {condition} \
         ORDER BY p.created_at DESC, p.rowid DESC LIMIT ?7"
    );
    let mut params: Vec<SqlValue> = vec![
        merchant_id.into(),
        p.status.map(|s| s.as_str()).into(),
        p.payment_status.map(|s| s.as_str()).into(),
        p.from_ms.into(),
        p.to_ms.into(),
        p.paging.after().into(),
        p.paging.fetch().into(),
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
            customer_reference: r.customer_reference,
            livemode: r.livemode,
            created_at_ms: r.created_at,
            updated_at_ms: r.updated_at,
        })
        .collect();
    // The cursor is the payment id: every row has one.
    let page = params.paging.page(items, |r: &OpsRow| r.payment_id.clone());
    Ok(OpsSearchResult {
        object: "list".into(),
        matched_by: params.term.matched_by(),
        data: page.data,
        has_more: page.has_more,
        next_cursor: page.next_cursor,
        card_testing: crate::card_testing::open_breaker(ctx, merchant_id).await?.map(|b| {
            hsrc_shared::api::ops::CardTestingPause {
                tripped_at_ms: b.tripped_at,
                until_ms: b.until,
                declined_sessions: b.declined_sessions,
                attempted_sessions: b.attempted_sessions,
            }
        }),
    })
}
