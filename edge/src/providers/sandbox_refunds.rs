//! How the sandbox acquirer treats refunds of the two refund test cards (issue #13), kept apart from the acquirer
//! itself: a "refund profile" per authorization, written when such a card is approved (the provider knows the card
//! it charged; we only keep its last four), and the provider-side cancel of a refund still in progress.
//!
//! Profiles live in `sandbox_operations` under `<authorization reference>#refunds`; refunds themselves are ordinary
//! `refund` entries of the sandbox ledger, so a repeated reference gets the recorded answer like every operation.

use super::sandbox::Scenario;
use crate::platform::{query_one, Ctx, DbError, Stmt};
use crate::stmt;

/// The failure code of a refund the provider refuses (card 4000 0000 0000 7056).
pub const PROVIDER_DECLINED: &str = "provider_declined";
/// The code a refund entry carries once the merchant cancelled it at the provider.
pub const REFUND_CANCELLED: &str = "refund_cancelled";

/// How refunds of one authorization behave at the sandbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// Refunds are done at once (every card but the two below).
    Immediate,
    /// Every refund is refused with `provider_declined`.
    Declines,
    /// A refund is accepted and done after `sandbox_async_delay_ms`.
    Async,
}

const DECLINES: &str = "refund_profile:declines";
const ASYNC: &str = "refund_profile:async";

fn key(authorization: &str) -> String {
    format!("{authorization}#refunds")
}

/// The profile a scenario gives its approvals.
pub fn profile_of(scenario: &Scenario) -> Profile {
    match scenario {
        Scenario::ApproveRefundDeclines => Profile::Declines,
        Scenario::ApproveRefundAsync => Profile::Async,
        _ => Profile::Immediate,
    }
}

/// Remembers a non-immediate profile for the authorization `reference` (written before the authorization is
/// recorded, so no refund can ever see the authorization without it).
pub fn remember(ctx: &Ctx<'_>, provider: &str, reference: &str, profile: Profile) -> Option<Stmt> {
    let outcome = match profile {
        Profile::Immediate => return None,
        Profile::Declines => DECLINES,
        Profile::Async => ASYNC,
    };
    Some(stmt!(
        "INSERT OR IGNORE INTO sandbox_operations (reference, provider, outcome, resolve_at, created_at) VALUES (?1, ?2, ?3, ?4, ?4)",
        key(reference),
        provider,
        outcome,
        ctx.now_ms()
    ))
}

/// The profile of refunds of the authorization `authorization`.
pub async fn profile(ctx: &Ctx<'_>, authorization: &str) -> Result<Profile, DbError> {
    #[derive(serde::Deserialize)]
    struct Row {
        outcome: String,
    }
    let row: Option<Row> =
        query_one(ctx.db, stmt!("SELECT outcome FROM sandbox_operations WHERE reference = ?1", key(authorization)))
            .await?;
    Ok(match row.map(|r| r.outcome).as_deref() {
        Some(DECLINES) => Profile::Declines,
        Some(ASYNC) => Profile::Async,
        _ => Profile::Immediate,
    })
}

/// Cancels the refund `reference` while it is still in progress; a reference the provider never received is
/// recorded as cancelled, so a call still on its way can no longer refund. Returns whether it is cancelled now.
pub async fn cancel(ctx: &Ctx<'_>, provider: &str, reference: &str) -> Result<bool, DbError> {
    let cancelled = format!("refused:{REFUND_CANCELLED}");
    ctx.db
        .batch(vec![
            stmt!(
                "UPDATE sandbox_ledger SET outcome = ?2, resolve_at = ?3 WHERE reference = ?1 AND kind = 'refund' AND resolve_at > ?3",
                reference,
                cancelled.as_str(),
                ctx.now_ms()
            ),
            stmt!(
                "INSERT OR IGNORE INTO sandbox_ledger (reference, provider, kind, authorization, outcome, amount, resolve_at, created_at) \
                 VALUES (?1, ?2, 'refund', NULL, ?3, 0, ?4, ?4)",
                reference,
                provider,
                cancelled.as_str(),
                ctx.now_ms()
            ),
        ])
        .await?;
    #[derive(serde::Deserialize)]
    struct Row {
        outcome: String,
    }
    let row: Option<Row> =
        query_one(ctx.db, stmt!("SELECT outcome FROM sandbox_ledger WHERE reference = ?1", reference)).await?;
    Ok(row.is_some_and(|r| r.outcome == cancelled))
}
