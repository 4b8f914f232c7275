//! Refunds at the sandbox acquirer, shaped like the acquirer seam's `refund` operation: one call per attempt,
//! identified by our attempt id as the provider reference, idempotent on it, and answerable later by `lookup`.
//!
//! Like authorizations, the sandbox keeps its own ledger in `sandbox_operations` (it plays the external system):
//! one row per refund reference with its outcome and when it settles, and one "refund profile" row per charge of a
//! refund test card (written at authorization: the provider knows the card it charged, we only keep its last four).

use super::sandbox::Scenario;
use crate::platform::{query_one, Ctx, Stmt};
use crate::stmt;
use crate::store;
use hsrc_shared::ApiError;

/// The failure reason of a refund the provider refused.
pub const PROVIDER_DECLINED: &str = "provider_declined";

/// The provider's answer about one refund operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefundOutcome {
    /// The money went back to the payer.
    Succeeded,
    /// Refused for good: the money stays with the merchant.
    Declined { code: String, message: String },
    /// Accepted, not settled yet: ask again with `lookup`.
    Pending,
    /// Cancelled before it was paid out.
    Cancelled,
    /// The provider did not take the call (down, 5xx): nothing happened; a new attempt may be made.
    Unavailable { message: String },
    /// The provider has no operation under this reference: the call never reached it.
    Unknown,
}

const SUCCEEDED: &str = "refund:succeeded";
const DECLINED: &str = "refund:declined";
const CANCELLED: &str = "refund:cancelled";
const PROFILE_DECLINES: &str = "refund_profile:declines";
const PROFILE_ASYNC: &str = "refund_profile:async";

fn profile_reference(charge_reference: &str) -> String {
    format!("{charge_reference}#refunds")
}

/// At authorization of a refund test card: how the provider will treat refunds of this charge.
pub fn profile_statement(ctx: &Ctx<'_>, provider: &str, charge_reference: &str, scenario: &Scenario) -> Stmt {
    let profile = if *scenario == Scenario::ApproveRefundAsync { PROFILE_ASYNC } else { PROFILE_DECLINES };
    stmt!(
        "INSERT OR IGNORE INTO sandbox_operations (reference, provider, outcome, resolve_at, created_at) VALUES (?1, ?2, ?3, ?4, ?4)",
        profile_reference(charge_reference),
        provider,
        profile,
        ctx.now_ms()
    )
}

#[derive(serde::Deserialize)]
struct Op {
    outcome: String,
    #[serde(deserialize_with = "crate::store::int")]
    resolve_at: i64,
}

async fn op(ctx: &Ctx<'_>, reference: &str) -> Result<Option<Op>, ApiError> {
    query_one(ctx.db, stmt!("SELECT outcome, resolve_at FROM sandbox_operations WHERE reference = ?1", reference))
        .await
        .map_err(store::internal)
}

fn read(ctx: &Ctx<'_>, op: Option<Op>) -> RefundOutcome {
    match op {
        None => RefundOutcome::Unknown,
        Some(op) if op.outcome == CANCELLED => RefundOutcome::Cancelled,
        Some(op) if ctx.now_ms() < op.resolve_at => RefundOutcome::Pending,
        Some(op) if op.outcome == SUCCEEDED => RefundOutcome::Succeeded,
        Some(_) => RefundOutcome::Declined {
            code: PROVIDER_DECLINED.into(),
            message: "The provider declined the refund; the money stays with the merchant.".into(),
        },
    }
}

/// Refunds `amount` of the charge known to the provider as `charge_reference`. Calling again with the same
/// `reference` never refunds twice: it answers with the state of the operation the first call created.
pub async fn refund(
    ctx: &Ctx<'_>,
    provider: &str,
    charge_reference: &str,
    reference: &str,
    amount: i64,
) -> Result<RefundOutcome, ApiError> {
    if amount <= 0 {
        return Ok(RefundOutcome::Declined { code: PROVIDER_DECLINED.into(), message: "Invalid amount.".into() });
    }
    let profile = op(ctx, &profile_reference(charge_reference)).await?.map(|p| p.outcome);
    let (outcome, resolve_at) = match profile.as_deref() {
        Some(PROFILE_DECLINES) => (DECLINED, ctx.now_ms()),
        Some(PROFILE_ASYNC) => (SUCCEEDED, ctx.now_ms() + ctx.config.sandbox_async_delay_ms),
        _ => (SUCCEEDED, ctx.now_ms()),
    };
    ctx.db
        .batch(vec![stmt!(
            "INSERT OR IGNORE INTO sandbox_operations (reference, provider, outcome, resolve_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            reference,
            provider,
            outcome,
            resolve_at,
            ctx.now_ms()
        )])
        .await
        .map_err(store::internal)?;
    lookup(ctx, reference).await
}

/// How the refund operation `reference` stands now.
pub async fn lookup(ctx: &Ctx<'_>, reference: &str) -> Result<RefundOutcome, ApiError> {
    let found = op(ctx, reference).await?;
    Ok(read(ctx, found))
}

/// Cancels the refund operation `reference` if it has not settled. A reference the provider never saw is recorded
/// as cancelled, so a call still on its way can no longer refund. Answers with the operation's final state.
pub async fn cancel(ctx: &Ctx<'_>, provider: &str, reference: &str) -> Result<RefundOutcome, ApiError> {
    ctx.db
        .batch(vec![
            stmt!(
                "UPDATE sandbox_operations SET outcome = ?2, resolve_at = ?3 WHERE reference = ?1 AND resolve_at > ?3",
                reference,
                CANCELLED,
                ctx.now_ms()
            ),
            stmt!(
                "INSERT OR IGNORE INTO sandbox_operations (reference, provider, outcome, resolve_at, created_at) VALUES (?1, ?2, ?3, ?4, ?4)",
                reference,
                provider,
                CANCELLED,
                ctx.now_ms()
            ),
        ])
        .await
        .map_err(store::internal)?;
    lookup(ctx, reference).await
}
