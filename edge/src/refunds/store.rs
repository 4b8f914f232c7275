//! Refund rows, their provider attempts, and the SQL that moves them. The one statement that matters most is
//! [`record_statements`]: the refund INSERT carries the budget rule in its WHERE, so the database decides races.

use crate::platform::{query_as, query_one, Ctx, Stmt};
use crate::stmt;
use crate::store::{self, int, int_bool, int_opt, json_text};
use hsrc_shared::api::ids::{ChargeId, PaymentId, RefundAttemptId, RefundId};
use hsrc_shared::api::refunds::{Refund, RefundAttempt, RefundAttemptStatus};
use hsrc_shared::api::Metadata;
use hsrc_shared::refund::{RefundReason, RefundStatus};
use hsrc_shared::ApiError;
use serde::{Deserialize, Deserializer};

fn refund_status<'de, D: Deserializer<'de>>(d: D) -> Result<RefundStatus, D::Error> {
    let s = String::deserialize(d)?;
    RefundStatus::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("unknown refund status {s}")))
}

fn attempt_status<'de, D: Deserializer<'de>>(d: D) -> Result<RefundAttemptStatus, D::Error> {
    let s = String::deserialize(d)?;
    RefundAttemptStatus::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("unknown attempt status {s}")))
}

fn reason<'de, D: Deserializer<'de>>(d: D) -> Result<Option<RefundReason>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.as_deref().and_then(RefundReason::parse))
}

pub const REFUND_COLUMNS: &str = "r.id, r.merchant_id, r.payment_id, r.amount, r.currency, r.status, r.version, \
     r.reason, r.failure_reason, r.metadata, r.request_id, r.livemode, r.created_at, r.updated_at";

#[derive(Debug, Clone, Deserialize)]
pub struct RefundRow {
    pub id: RefundId,
    pub merchant_id: String,
    pub payment_id: PaymentId,
    #[serde(deserialize_with = "int")]
    pub amount: i64,
    pub currency: String,
    #[serde(deserialize_with = "refund_status")]
    pub status: RefundStatus,
    #[serde(deserialize_with = "int")]
    pub version: i64,
    #[serde(deserialize_with = "reason")]
    pub reason: Option<RefundReason>,
    pub failure_reason: Option<String>,
    #[serde(deserialize_with = "json_text")]
    pub metadata: Metadata,
    pub request_id: Option<String>,
    #[serde(deserialize_with = "int_bool")]
    pub livemode: bool,
    #[serde(deserialize_with = "int")]
    pub created_at: i64,
    #[serde(deserialize_with = "int")]
    pub updated_at: i64,
}

pub const ATTEMPT_COLUMNS: &str = "a.id, a.refund_id, a.sequence, a.provider, a.charge_id, a.status, \
     a.failure_code, a.message, a.latency_ms, a.request_id, a.created_at, a.resolved_at";

#[derive(Debug, Clone, Deserialize)]
pub struct AttemptRow {
    pub id: RefundAttemptId,
    pub refund_id: RefundId,
    #[serde(deserialize_with = "int")]
    pub sequence: i64,
    pub provider: String,
    pub charge_id: ChargeId,
    #[serde(deserialize_with = "attempt_status")]
    pub status: RefundAttemptStatus,
    pub failure_code: Option<String>,
    pub message: Option<String>,
    #[serde(default, deserialize_with = "int_opt")]
    pub latency_ms: Option<i64>,
    pub request_id: Option<String>,
    #[serde(deserialize_with = "int")]
    pub created_at: i64,
    #[serde(default, deserialize_with = "int_opt")]
    pub resolved_at: Option<i64>,
}

impl AttemptRow {
    pub fn to_api(&self) -> RefundAttempt {
        RefundAttempt {
            id: self.id.clone(),
            object: "refund_attempt".into(),
            sequence: self.sequence as u32,
            provider: self.provider.clone(),
            charge_id: self.charge_id.clone(),
            status: self.status,
            failure_code: self.failure_code.clone(),
            message: self.message.clone(),
            latency_ms: self.latency_ms,
            request_id: self.request_id.clone(),
            created_at: self.created_at.div_euclid(1000),
            resolved_at: self.resolved_at.map(|t| t.div_euclid(1000)),
        }
    }
}

impl RefundRow {
    /// The merchant's refund object; `attempts` may hold other refunds' attempts (a page's), only ours are kept.
    pub fn to_api(&self, attempts: &[AttemptRow]) -> Refund {
        Refund {
            id: self.id.clone(),
            object: "refund".into(),
            payment_id: self.payment_id.clone(),
            amount: self.amount,
            currency: self.currency.clone(),
            status: self.status,
            reason: self.reason,
            failure_reason: self.failure_reason.clone(),
            metadata: self.metadata.clone(),
            attempts: attempts.iter().filter(|a| a.refund_id == self.id).map(AttemptRow::to_api).collect(),
            version: self.version,
            request_id: self.request_id.clone(),
            livemode: self.livemode,
            created_at: self.created_at.div_euclid(1000),
            updated_at: self.updated_at.div_euclid(1000),
        }
    }
}

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

/// A payment's refunds, newest first.
pub async fn for_payment(ctx: &Ctx<'_>, payment_id: &str) -> Result<Vec<RefundRow>, ApiError> {
    query_as(
        ctx.db,
        stmt!(
            format!(
                "SELECT {REFUND_COLUMNS} FROM refunds r WHERE r.payment_id = ?1 ORDER BY r.created_at DESC, r.rowid DESC"
            ),
            payment_id
        ),
    )
    .await
    .map_err(store::internal)
}

/// The refunds of several payments (a list page) in one query, newest first.
pub async fn for_payments(ctx: &Ctx<'_>, payment_ids: &[&str]) -> Result<Vec<RefundRow>, ApiError> {
    if payment_ids.is_empty() {
        return Ok(Vec::new());
    }
    query_as(
        ctx.db,
        stmt!(
            format!(
                "SELECT {REFUND_COLUMNS} FROM refunds r WHERE r.payment_id IN (SELECT value FROM json_each(?1)) \
                 ORDER BY r.created_at DESC, r.rowid DESC"
            ),
            store::to_json_text(&payment_ids)
        ),
    )
    .await
    .map_err(store::internal)
}

/// One page of a payment's refunds, newest first, after the refund `starting_after`.
pub async fn page(
    ctx: &Ctx<'_>,
    merchant_id: &str,
    payment_id: &str,
    limit: u32,
    starting_after: Option<&str>,
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
            starting_after,
            i64::from(limit) + 1
        ),
    )
    .await
    .map_err(store::internal)
}

/// The attempts of some refunds, oldest first.
pub async fn attempts(ctx: &Ctx<'_>, refund_ids: &[&str]) -> Result<Vec<AttemptRow>, ApiError> {
    if refund_ids.is_empty() {
        return Ok(Vec::new());
    }
    query_as(
        ctx.db,
        stmt!(
            format!(
                "SELECT {ATTEMPT_COLUMNS} FROM refund_attempts a WHERE a.refund_id IN (SELECT value FROM json_each(?1)) \
                 ORDER BY a.refund_id, a.sequence"
            ),
            store::to_json_text(&refund_ids)
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
