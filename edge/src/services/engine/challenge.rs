//! 3DS challenges: the page's view, and the payer's (or the clock's) answer. A pass marks the challenge, sets the
//! charge `pending` and the payment `PROCESSING` in one batch before the provider is called, so a stop after it
//! leaves a pending attempt the reconciler looks up. A fail or abandon marks the challenge and records the decline
//! in one batch.

use super::route::{route, Routed};
use super::settle::settle;
use super::Verdict;
use crate::auth::{self, Merchant};
use crate::platform::{query_one, Ctx, SqlValue, Stmt};
use crate::providers::{sandbox, Instrument};
use crate::services::records::{ChargeRow, PaymentRow};
use crate::services::transitions::{cas, timeline, Target};
use crate::services::{payments, sessions};
use crate::stmt;
use crate::store;
use hsrc_shared::api::CaptureMethod;
use hsrc_shared::lifecycle::{ChargeStatus, PaymentEvent};
use hsrc_shared::{codes, ApiError};
use serde::{Deserialize, Serialize};

/// A 3DS challenge as the challenge page sees it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChallengeView {
    pub id: String,
    pub status: String,
    pub amount: i64,
    pub currency: String,
    pub merchant_name: String,
    pub card_brand: Option<String>,
    pub card_last4: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ChallengeRow {
    pub id: String,
    pub payment_id: String,
    pub charge_id: String,
    pub status: String,
    #[serde(deserialize_with = "crate::store::int")]
    pub expires_at: i64,
}

async fn load_challenge(ctx: &Ctx<'_>, id: &str) -> Result<ChallengeRow, ApiError> {
    let row: Option<ChallengeRow> = query_one(
        ctx.db,
        stmt!("SELECT id, payment_id, charge_id, status, expires_at FROM challenges WHERE id = ?1", id),
    )
    .await
    .map_err(store::internal)?;
    row.ok_or_else(|| ApiError::not_found("3DS challenge", id))
}

pub async fn challenge_view(ctx: &Ctx<'_>, id: &str) -> Result<ChallengeView, ApiError> {
    let challenge = load_challenge(ctx, id).await?;
    let payment = payments::load_row(ctx, &challenge.payment_id).await?;
    let merchant = auth::merchant_by_id(ctx, &payment.merchant_id).await?.ok_or_else(ApiError::internal)?;
    let status = if challenge.status == "pending" && ctx.now_ms() >= challenge.expires_at {
        "abandoned".to_string()
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
    if challenge.status != "pending" {
        return Err(ApiError::conflict(
            codes::STATE_CONFLICT,
            format!("This 3DS challenge is already {}.", challenge.status),
        ));
    }
    let expired = ctx.now_ms() >= challenge.expires_at;
    let outcome = if expired {
        "abandoned"
    } else if passed {
        "passed"
    } else {
        "failed"
    };
    resolve_challenge(ctx, challenge, outcome).await?;
    challenge_view(ctx, id).await
}

/// The challenge of a payment whose time is up, if any (for reconciliation).
pub async fn expired_challenge(ctx: &Ctx<'_>, payment_id: &str) -> Result<Option<ChallengeRow>, ApiError> {
    query_one(
        ctx.db,
        stmt!("SELECT id, payment_id, charge_id, status, expires_at FROM challenges WHERE payment_id = ?1 AND status = 'pending' AND expires_at <= ?2", payment_id, ctx.now_ms()),
    )
    .await
    .map_err(store::internal)
}

/// Applies `outcome` (`passed`, `failed`, `abandoned`) to a pending challenge.
pub async fn resolve_challenge(ctx: &Ctx<'_>, challenge: ChallengeRow, outcome: &str) -> Result<(), ApiError> {
    let payment = payments::load_row(ctx, &challenge.payment_id).await?;
    let session = sessions::load(ctx, &payment.merchant_id, &payment.checkout_session_id).await?;
    let charge = payments::charges(ctx, &payment.id)
        .await?
        .into_iter()
        .find(|c| c.id == challenge.charge_id)
        .ok_or_else(ApiError::internal)?;
    let mark = vec![
        stmt!(
            "UPDATE challenges SET status = ?1, resolved_at = ?2 WHERE id = ?3 AND status = 'pending'",
            outcome,
            ctx.now_ms(),
            challenge.id.as_str()
        ),
        Stmt::cas_guard(),
    ];
    if outcome != "passed" {
        // The mark and the decline in one batch: a stop between them cannot exist.
        let verdict = Verdict::Declined {
            code: "authentication_failed".into(),
            message: sandbox::decline_message("authentication_failed").into(),
        };
        settle(ctx, session, payment, &charge, verdict, mark).await?;
        return Ok(());
    }
    let (payment, charge) = pass(ctx, &payment, &charge, mark).await?;
    let merchant = auth::merchant_by_id(ctx, &payment.merchant_id).await?.ok_or_else(ApiError::internal)?;
    let capture = session.capture_method == CaptureMethod::Automatic;
    let providers = providers_of(&merchant);
    match route(ctx, &session, &providers, charge, &Instrument::Vaulted(&challenge.id), capture).await? {
        Routed::Answered { charge, verdict } => {
            settle(ctx, session, payment, &charge, verdict, vec![]).await?;
        }
        Routed::Waiting { .. } => ctx.background.after_response(crate::platform::AfterResponse::Reconcile {
            merchant_id: session.merchant_id.clone(),
            session_id: session.id.clone(),
        }),
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
