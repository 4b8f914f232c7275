//! The refund read model: refund and attempt rows, their API shapes, and the refund fields of a payment object
//! (`amount_refunded`, `refund_status`, `refunds`). Payments list their refunds and refunds build on payments, so the
//! read side lives here, below both; the writes stay in `refunds::store`.

use crate::platform::{query_as, Ctx};
use crate::stmt;
use crate::store::{self, int, int_bool, int_opt, json_text};
use hsrc_shared::api::ids::{ChargeId, PaymentId, RefundAttemptId, RefundId};
use hsrc_shared::api::refunds::{Refund, RefundAttempt, RefundAttemptStatus};
use hsrc_shared::api::{Metadata, Payment};
use hsrc_shared::lifecycle::PaymentStatus;
use hsrc_shared::refund::{PaymentRefundStatus, RefundReason, RefundStatus};
use hsrc_shared::ApiError;
use serde::{Deserialize, Deserializer};

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
    #[serde(deserialize_with = "super::status")]
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
    #[serde(deserialize_with = "super::status")]
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

/// Sets the payment's refund fields from its refunds (newest first) and their attempts.
pub fn fill(payment: &mut Payment, refunds: &[RefundRow], attempts: &[AttemptRow]) {
    let mine: Vec<&RefundRow> = refunds.iter().filter(|r| r.payment_id == payment.id).collect();
    payment.amount_refunded = mine.iter().filter(|r| r.status == RefundStatus::Succeeded).map(|r| r.amount).sum();
    payment.refund_status = PaymentRefundStatus::of(payment.amount_captured, payment.amount_refunded);
    payment.refunds = mine.iter().map(|r| r.to_api(attempts)).collect();
}

/// Fills the refund fields of payment objects (one query for the refunds, one for their attempts). Only
/// `SUCCEEDED` payments can have refunds, so the others cost nothing.
pub async fn attach(ctx: &Ctx<'_>, items: &mut [Payment]) -> Result<(), ApiError> {
    let ids: Vec<&str> = items.iter().filter(|p| p.status == PaymentStatus::Succeeded).map(|p| p.id.as_str()).collect();
    if ids.is_empty() {
        return Ok(());
    }
    let refunds = for_payments(ctx, &ids).await?;
    let refund_ids: Vec<&str> = refunds.iter().map(|r| r.id.as_str()).collect();
    let refund_attempts = attempts(ctx, &refund_ids).await?;
    for p in items.iter_mut() {
        fill(p, &refunds, &refund_attempts);
    }
    Ok(())
}
