//! 3DS challenges: the page's view, and the payer's (or the clock's) answer. A pass marks the challenge, sets the
//! charge `pending` and the payment `PROCESSING` in one batch before the provider is called, so a stop after it
//! leaves a pending attempt the reconciler looks up. A fail or abandon marks the challenge and records the decline
//! in one batch.

use super::owner::Owner;
use super::route::{route, Routed};
use super::settle::{settle, settle_answered, Batch};
use super::Verdict;
use crate::accounts::auth::{self, Merchant};
use crate::payments;
use crate::platform::{query_one, Ctx, SqlValue, Stmt};
use crate::providers::{sandbox, Instrument};
use crate::records::{ChargeRow, PaymentRow};
use crate::sessions::transitions::{cas, timeline, Target};
use crate::stmt;
use crate::store;
use hsrc_shared::api::challenges::ChallengeStatus;
pub use hsrc_shared::api::challenges::ChallengeView;
use hsrc_shared::api::ids::ChallengeId;
use hsrc_shared::lifecycle::{ChargeStatus, PaymentEvent};
use hsrc_shared::{codes, ApiError};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct ChallengeRow {
    pub id: ChallengeId,
    pub payment_id: String,
    pub charge_id: String,
    pub status: ChallengeStatus,
    #[serde(deserialize_with = "crate::store::int")]
    pub expires_at: i64,
    /// The acquirer's token for the card, when it was vaulted before the challenge (a `pm_…`, #15); else the card
    /// was vaulted under the challenge id.
    pub vault_token: Option<String>,
}

const CHALLENGE_COLUMNS: &str = "id, payment_id, charge_id, status, expires_at, vault_token";

async fn load_challenge(ctx: &Ctx<'_>, id: &str) -> Result<ChallengeRow, ApiError> {
    let row: Option<ChallengeRow> =
        query_one(ctx.db, stmt!(format!("SELECT {CHALLENGE_COLUMNS} FROM challenges WHERE id = ?1"), id))
            .await
            .map_err(store::internal)?;
    row.ok_or_else(|| ApiError::not_found("3DS challenge", id))
}

pub async fn challenge_view(ctx: &Ctx<'_>, id: &str) -> Result<ChallengeView, ApiError> {
    let challenge = load_challenge(ctx, id).await?;
    let payment = payments::load_row(ctx, &challenge.payment_id).await?;
    let merchant = auth::merchant_by_id(ctx, &payment.merchant_id).await?.ok_or_else(ApiError::internal)?;
    let status = if challenge.status == ChallengeStatus::Pending && ctx.now_ms() >= challenge.expires_at {
        ChallengeStatus::Abandoned
    } else {
        challenge.status
    };
    Ok(ChallengeView {
        id: challenge.id,
        status,
        amount: payment.amount,
        currency: payment.currency.clone(),
        merchant_name: merchant.name,
        card_brand: payment.card.as_ref().map(|c| c.brand.clone()),
        card_last4: payment.card.as_ref().map(|c| c.last4.clone()),
    })
}

/// The merchant behind a challenge (for the challenge page's framing policy).
pub async fn challenge_merchant(ctx: &Ctx<'_>, id: &str) -> Result<Merchant, ApiError> {
    let challenge = load_challenge(ctx, id).await?;
    let payment = payments::load_row(ctx, &challenge.payment_id).await?;
    auth::merchant_by_id(ctx, &payment.merchant_id).await?.ok_or_else(ApiError::internal)
}

/// The payer finished (or the clock abandoned) a challenge: resume at the provider, or ask for another card.
pub async fn complete_challenge(ctx: &Ctx<'_>, id: &str, passed: bool) -> Result<ChallengeView, ApiError> {
    let challenge = load_challenge(ctx, id).await?;
    if challenge.status != ChallengeStatus::Pending {
        return Err(ApiError::conflict(
            codes::STATE_CONFLICT,
            format!("This 3DS challenge is already {}.", challenge.status),
        ));
    }
    let expired = ctx.now_ms() >= challenge.expires_at;
    let outcome = if expired {
        ChallengeStatus::Abandoned
    } else if passed {
        ChallengeStatus::Passed
    } else {
        ChallengeStatus::Failed
    };
    resolve_challenge(ctx, challenge, outcome).await?;
    challenge_view(ctx, id).await
}

/// The challenge of a payment whose time is up, if any (for reconciliation).
pub async fn expired_challenge(ctx: &Ctx<'_>, payment_id: &str) -> Result<Option<ChallengeRow>, ApiError> {
    query_one(
        ctx.db,
        stmt!(format!("SELECT {CHALLENGE_COLUMNS} FROM challenges WHERE payment_id = ?1 AND status = 'pending' AND expires_at <= ?2"), payment_id, ctx.now_ms()),
    )
    .await
    .map_err(store::internal)
}

/// Applies `outcome` (`Passed`, `Failed`, `Abandoned`) to a pending challenge.
pub async fn resolve_challenge(
    ctx: &Ctx<'_>,
    challenge: ChallengeRow,
    outcome: ChallengeStatus,
) -> Result<(), ApiError> {
    let payment = payments::load_row(ctx, &challenge.payment_id).await?;
    let owner = Owner::of(ctx, &payment).await?;
    let charge = payments::charges(ctx, &payment.id)
        .await?
        .into_iter()
        .find(|c| c.id == challenge.charge_id)
        .ok_or_else(ApiError::internal)?;
    let mark = vec![
        stmt!(
            "UPDATE challenges SET status = ?1, resolved_at = ?2 WHERE id = ?3 AND status = 'pending'",
            outcome.as_str(),
            ctx.now_ms(),
            challenge.id.as_str()
        ),
        Stmt::cas_guard(),
    ];
    if outcome != ChallengeStatus::Passed {
        // The mark and the decline in one batch: a stop between them cannot exist.
        let verdict = Verdict::Declined {
            code: "authentication_failed".into(),
            message: sandbox::decline_message("authentication_failed").into(),
        };
        settle(ctx, owner, payment, &charge, verdict, Batch { prefix: mark, ride: None }, None).await?;
        return Ok(());
    }
    let (payment, charge) = pass(ctx, &payment, &charge, mark).await?;
    let merchant = auth::merchant_by_id(ctx, &payment.merchant_id).await?.ok_or_else(ApiError::internal)?;
    let capture = owner.captures(&payment);
    let providers = providers_of(&merchant);
    let token = challenge.vault_token.as_deref().unwrap_or(&challenge.id);
    match route(ctx, &owner, &providers, charge, &Instrument::Vaulted(token), capture).await? {
        Routed::Answered { charge, verdict } => {
            settle_answered(ctx, owner, payment, &charge, verdict, None, None).await?;
        }
        Routed::Waiting { .. } => ctx.background.after_response(owner.reconcile_job()),
    }
    Ok(())
}

/// The pass batch: challenge `passed`, charge `pending`, payment `PROCESSING`, all or nothing.
async fn pass(
    ctx: &Ctx<'_>,
    payment: &PaymentRow,
    charge: &ChargeRow,
    mark: Vec<Stmt>,
) -> Result<(PaymentRow, ChargeRow), ApiError> {
    let to = payment.status.next(PaymentEvent::ActionCompleted)?;
    let pending = ChargeRow { status: ChargeStatus::Pending, version: charge.version + 1, ..charge.clone() };
    let mut statements = mark;
    statements.extend(cas(ctx, Target::payment(payment), to.as_str(), vec![("next_action", SqlValue::Null)]));
    statements.push(stmt!(
        "UPDATE charges SET status = 'pending', version = ?1 WHERE id = ?2 AND status = 'requires_action'",
        pending.version,
        charge.id.as_str()
    ));
    statements.push(Stmt::cas_guard());
    statements.push(timeline(ctx, "charge", &charge.id, Some(charge.status.as_str()), "pending"));
    ctx.db
        .batch(statements)
        .await
        .map_err(|e| store::conflict_or_internal(e, "This 3DS challenge was completed at the same time."))?;
    Ok((PaymentRow { status: to, version: payment.version + 1, next_action: None, ..payment.clone() }, pending))
}

/// The merchant's providers in routing order (the sandbox primary when none are listed).
pub fn providers_of(merchant: &Merchant) -> Vec<String> {
    if merchant.providers.is_empty() {
        vec![sandbox::PRIMARY.to_string()]
    } else {
        merchant.providers.clone()
    }
}
