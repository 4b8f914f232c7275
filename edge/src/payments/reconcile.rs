//! Reconciling charges whose outcome we do not know yet: a pending attempt (unknown outcome, or a stop before or
//! after its provider call) is settled by the provider's lookup under its reference; a challenge the payer never
//! finished is abandoned when its time is up. Reads (payer polls, payment GET) and the cron job both call in here;
//! neither ever calls authorize, so reconciliation can never charge.

use super::challenge::{expired_challenge, resolve_challenge};
use super::cursor::{self, Position};
use super::owner::Owner;
use super::route::reference_of;
use super::settle::{settle, Batch};
use super::Verdict;
use crate::payments;
use crate::platform::{query_as, Ctx};
use crate::providers::{self, Lookup};
use crate::records::{ChargeRow, PaymentRow, SessionRow};
use crate::sessions;
use crate::stmt;
use crate::store;
use hsrc_shared::lifecycle::{ChargeStatus, PaymentStatus, SessionStatus};
use hsrc_shared::ApiError;
use serde::Deserialize;

/// If the session waits on something that may have finished, settle it now; returns the session as stored after.
pub async fn reconcile_if_waiting(ctx: &Ctx<'_>, session: SessionRow) -> Result<SessionRow, ApiError> {
    if session.status != SessionStatus::Processing {
        return Ok(session);
    }
    let payment = payments::load_row(ctx, &session.payment_id).await?;
    match reconcile_payment(ctx, Owner::Session(session.clone()), &payment).await {
        // Another reader settled it first: fine, read the result.
        Ok(()) | Err(ApiError { status: 409, .. }) => sessions::load(ctx, &session.merchant_id, &session.id).await,
        Err(e) => Err(e),
    }
}

/// The same for an API-only payment (#15, no session); returns the payment as stored after.
pub async fn reconcile_payment_if_waiting(ctx: &Ctx<'_>, payment: PaymentRow) -> Result<PaymentRow, ApiError> {
    if !matches!(payment.status, PaymentStatus::Processing | PaymentStatus::RequiresAction) {
        return Ok(payment);
    }
    let owner = Owner::of(ctx, &payment).await?;
    match reconcile_payment(ctx, owner, &payment).await {
        Ok(()) | Err(ApiError { status: 409, .. }) => payments::load_row(ctx, &payment.id).await,
        Err(e) => Err(e),
    }
}

async fn reconcile_payment(ctx: &Ctx<'_>, owner: Owner, payment: &PaymentRow) -> Result<(), ApiError> {
    match payment.status {
        PaymentStatus::Processing => reconcile_pending_charge(ctx, owner, payment).await,
        PaymentStatus::RequiresAction => match expired_challenge(ctx, &payment.id).await? {
            Some(c) => resolve_challenge(ctx, c, hsrc_shared::api::challenges::ChallengeStatus::Abandoned).await,
            None => Ok(()),
        },
        _ => Ok(()),
    }
}

async fn reconcile_pending_charge(ctx: &Ctx<'_>, owner: Owner, payment: &PaymentRow) -> Result<(), ApiError> {
    let charges = payments::charges(ctx, &payment.id).await?;
    // A `requires_action` charge on a PROCESSING payment is what a 3DS pass that stopped mid-way left before #12
    // (the pass batch now sets the charge pending itself): it is looked up like a pending one.
    let waiting = |c: &ChargeRow| matches!(c.status, ChargeStatus::Pending | ChargeStatus::RequiresAction);
    let Some(charge) = charges.into_iter().rev().find(waiting) else { return Ok(()) };
    let Some(verdict) = verdict_by_lookup(ctx, &charge).await else { return Ok(()) };
    let charge = match verdict {
        Verdict::Failed { .. } => ChargeRow { written_off_at: Some(ctx.now_ms()), ..charge },
        _ => charge,
    };
    settle(ctx, owner, payment.clone(), &charge, verdict, Batch::default(), None).await?;
    Ok(())
}

/// What the provider's ledger says a pending attempt came to; `None` while it cannot be known yet. A write-off
/// (`Failed`) only on a positive "no such attempt", and only once the write-off window has passed.
pub async fn verdict_by_lookup(ctx: &Ctx<'_>, charge: &ChargeRow) -> Option<Verdict> {
    let acquirer = providers::acquirer(&charge.provider)?;
    match acquirer.lookup(ctx, reference_of(charge)).await {
        Lookup::Answered(outcome) => Verdict::of(&outcome),
        Lookup::NotFound if ctx.now_ms() - charge.created_at >= ctx.config.write_off_after_ms => {
            Some(Verdict::Failed { message: "The provider has no record of this attempt; nothing was charged.".into() })
        }
        Lookup::NotFound | Lookup::InProgress | Lookup::Unreachable { .. } => None,
    }
}

/// One cron pass's account.
#[derive(Debug, Default, serde::Serialize)]
pub struct Pass {
    pub visited: usize,
    pub settled: usize,
    /// One entry per row that failed (the pass went on with the rest).
    pub errors: Vec<String>,
}

/// The cron job's share: every session waiting on a pending or challenged charge, oldest first from the cursor.
pub async fn reconcile_due(ctx: &Ctx<'_>, limit: u32) -> Result<Pass, ApiError> {
    #[derive(Deserialize)]
    struct Waiting {
        #[serde(deserialize_with = "crate::store::int")]
        created_at: i64,
        id: String,
        /// None for an API-only payment (#15).
        session_id: Option<String>,
        payment_id: String,
        merchant_id: String,
    }
    let from = cursor::load(ctx, "charges").await.map_err(store::internal)?;
    let waiting: Vec<Waiting> = query_as(
        ctx.db,
        stmt!(
            "SELECT c.created_at, c.id, NULLIF(p.checkout_session_id, p.id) AS session_id, p.id AS payment_id, p.merchant_id FROM charges c \
             JOIN payments p ON p.id = c.payment_id \
             WHERE c.status IN ('pending', 'requires_action') AND (c.created_at > ?1 OR (c.created_at = ?1 AND c.id > ?2)) \
             ORDER BY c.created_at, c.id LIMIT ?3",
            from.created_at,
            from.id.as_str(),
            i64::from(limit)
        ),
    )
    .await
    .map_err(store::internal)?;
    let mut pass = Pass::default();
    let full = waiting.len() as u32 == limit;
    let mut last = None;
    for w in waiting {
        pass.visited += 1;
        last = Some(Position { created_at: w.created_at, id: w.id.clone() });
        let result = async {
            match &w.session_id {
                Some(session_id) => {
                    let session = sessions::load(ctx, &w.merchant_id, session_id).await?;
                    Ok(reconcile_if_waiting(ctx, session).await?.status != SessionStatus::Processing)
                }
                None => {
                    let payment = payments::load_row(ctx, &w.payment_id).await?;
                    let after = reconcile_payment_if_waiting(ctx, payment).await?;
                    Ok(!matches!(after.status, PaymentStatus::Processing | PaymentStatus::RequiresAction))
                }
            }
        }
        .await;
        match result {
            Ok(true) => pass.settled += 1,
            Ok(false) => {}
            Err::<_, ApiError>(e) => pass.errors.push(format!("{}: {}", w.id, e.code)),
        }
    }
    cursor::save(ctx, "charges", if full { last } else { None }).await.map_err(store::internal)?;
    Ok(pass)
}
