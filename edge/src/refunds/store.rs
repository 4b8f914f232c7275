//! Refund rows, their provider attempts, and the SQL that moves them. The one statement that matters most is
//! [`record_statements`]: the refund INSERT carries the budget rule in its WHERE, so the database decides races.

use crate::platform::{query_as, query_one, Ctx, Stmt};
use crate::stmt;
use crate::store::{self, int, Paging};
use hsrc_shared::ApiError;
use serde::Deserialize;

/// The read side (rows, API shapes, a payment's refunds) is in `records::refunds`, below payments and refunds both.
pub use crate::records::refunds::{attempts, for_payment, for_payments, AttemptRow, RefundRow, REFUND_COLUMNS};

/// Records a new refund and its first attempt, both `PENDING`, before the provider is called. The INSERT only
/// happens while the payment is `SUCCEEDED` and its pending + succeeded refunds plus this one fit in the captured
/// amount; the guard then aborts the batch (nothing written) when it did not. The payment's version moves too.
pub fn record_statements(ctx: &Ctx<'_>, r: &RefundRow, a: &AttemptRow) -> Vec<Stmt> {
    vec![
        stmt!(
            "INSERT INTO refunds (id, merchant_id, payment_id, amount, currency, status, version, reason, failure_reason, metadata, request_id, livemode, created_at, updated_at) \
             SELECT ?1, ?2, ?3, ?4, ?5, 'PENDING', 0, ?6, NULL, ?7, ?8, ?9, ?10, ?10 \
             WHERE EXISTS (SELECT 1 FROM payments p WHERE p.id = ?3 AND p.merchant_id = ?2 AND p.status = 'SUCCEEDED' \
               AND p.amount_captured - (SELECT COALESCE(SUM(x.amount), 0) FROM refunds x \
                 WHERE x.payment_id = ?3 AND x.status IN ('PENDING', 'SUCCEEDED')) >= ?4)",
            r.id.as_str(),
            r.merchant_id.as_str(),
            r.payment_id.as_str(),
            r.amount,
            r.currency.as_str(),
            r.reason.map(|x| x.as_str()),
            store::to_json_text(&r.metadata),
            r.request_id.as_deref(),
            r.livemode,
            r.created_at
        ),
        Stmt::cas_guard(),
        insert_attempt(a),
        stmt!(
            "UPDATE payments SET version = version + 1, updated_at = ?2 WHERE id = ?1",
            r.payment_id.as_str(),
            ctx.now_ms()
        ),
    ]
}

/// A new attempt, `pending`, written before its provider call.
pub fn insert_attempt(a: &AttemptRow) -> Stmt {
    stmt!(
        "INSERT INTO refund_attempts (id, refund_id, sequence, provider, charge_id, status, request_id, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, 'pending', ?6, ?7)",
        a.id.as_str(),
        a.refund_id.as_str(),
        a.sequence,
        a.provider.as_str(),
        a.charge_id.as_str(),
        a.request_id.as_deref(),
        a.created_at
    )
}

/// The outcome of one attempt (it only ever leaves `pending`, once).
pub fn resolve_attempt(ctx: &Ctx<'_>, a: &AttemptRow) -> Stmt {
    stmt!(
        "UPDATE refund_attempts SET status = ?2, failure_code = ?3, message = ?4, latency_ms = COALESCE(?5, latency_ms), resolved_at = ?6 \
         WHERE id = ?1 AND status = 'pending'",
        a.id.as_str(),
        a.status.as_str(),
        a.failure_code.as_deref(),
        a.message.as_deref(),
        a.latency_ms,
        ctx.now_ms()
    )
}

/// Compare-and-set of a refund's status on (status, version), with its guard.
pub fn move_refund(ctx: &Ctx<'_>, before: &RefundRow, after: &RefundRow) -> Vec<Stmt> {
    vec![
        stmt!(
            "UPDATE refunds SET status = ?1, version = version + 1, failure_reason = ?2, updated_at = ?3 \
             WHERE id = ?4 AND status = ?5 AND version = ?6",
            after.status.as_str(),
            after.failure_reason.as_deref(),
            ctx.now_ms(),
            before.id.as_str(),
            before.status.as_str(),
            before.version
        ),
        Stmt::cas_guard(),
    ]
}

/// Compare-and-set of the payment's version: refund settlements of one payment are serialized by it, so exactly
/// one of them sees the payment become fully refunded.
pub fn bump_payment(ctx: &Ctx<'_>, payment_id: &str, version: i64) -> Vec<Stmt> {
    vec![
        stmt!(
            "UPDATE payments SET version = version + 1, updated_at = ?3 WHERE id = ?1 AND version = ?2",
            payment_id,
            version,
            ctx.now_ms()
        ),
        Stmt::cas_guard(),
    ]
}

pub async fn load(ctx: &Ctx<'_>, id: &str) -> Result<Option<RefundRow>, ApiError> {
    query_one(ctx.db, stmt!(format!("SELECT {REFUND_COLUMNS} FROM refunds r WHERE r.id = ?1"), id))
        .await
        .map_err(store::internal)
}

/// One page of a payment's refunds, newest first, after the refund `starting_after`.
pub async fn page(
    ctx: &Ctx<'_>,
    merchant_id: &str,
    payment_id: &str,
    paging: &Paging,
) -> Result<Vec<RefundRow>, ApiError> {
    query_as(
        ctx.db,
        stmt!(
            format!(
                "SELECT {REFUND_COLUMNS} FROM refunds r WHERE r.payment_id = ?1 AND r.merchant_id = ?2 \
                 AND (?3 IS NULL OR r.rowid < (SELECT rowid FROM refunds WHERE id = ?3 AND payment_id = ?1)) \
                 ORDER BY r.rowid DESC LIMIT ?4"
            ),
            payment_id,
            merchant_id,
            paging.after(),
            paging.fetch()
        ),
    )
    .await
    .map_err(store::internal)
}

/// Pending refunds oldest first, after the (created_at, id) cursor: the cron's reconciliation order.
pub async fn pending_after(
    ctx: &Ctx<'_>,
    after: Option<(i64, String)>,
    limit: u32,
) -> Result<Vec<(i64, String)>, ApiError> {
    #[derive(Deserialize)]
    struct P {
        #[serde(deserialize_with = "int")]
        created_at: i64,
        id: String,
    }
    let (at, id) = after.unwrap_or((i64::MIN, String::new()));
    let rows: Vec<P> = query_as(
        ctx.db,
        stmt!(
            "SELECT created_at, id FROM refunds WHERE status = 'PENDING' AND (created_at > ?1 OR (created_at = ?1 AND id > ?2)) \
             ORDER BY created_at, id LIMIT ?3",
            at,
            id,
            i64::from(limit)
        ),
    )
    .await
    .map_err(store::internal)?;
    Ok(rows.into_iter().map(|p| (p.created_at, p.id)).collect())
}
