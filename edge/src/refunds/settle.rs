//! Talking to the provider about a refund and applying what it says. Every provider call has its attempt row
//! written `pending` first; its id is the provider reference, so asking again never refunds twice. An outcome we
//! could not learn (timeout, crash, lost response) leaves the refund `PENDING` for [`reconcile_due`] (the cron) or
//! the next read, which asks the provider by the same reference.

use super::provider::{self, RefundOutcome};
use super::store::{self, AttemptRow, RefundRow};
use crate::payments;
use crate::platform::{Ctx, DbError};
use crate::records::ChargeRow;
use crate::webhooks::events::{types, NewEvent, Outbox};
use hsrc_shared::api::refunds::RefundAttemptStatus;
use hsrc_shared::lifecycle::ChargeStatus;
use hsrc_shared::refund::{PaymentRefundStatus, RefundEvent, RefundStatus};
use hsrc_shared::{codes, ApiError};

/// How often a settlement that lost its compare-and-set is tried again before it is left to the cron.
const SETTLE_TRIES: usize = 4;

/// The charge whose captured money a refund returns: the payment's last approved one.
pub async fn captured_charge(ctx: &Ctx<'_>, payment_id: &str) -> Result<Option<ChargeRow>, ApiError> {
    let charges = payments::charges(ctx, payment_id).await?;
    Ok(charges.into_iter().rev().find(|c| matches!(c.status, ChargeStatus::Succeeded | ChargeStatus::Authorized)))
}

/// Calls the provider for `attempt` (already stored `pending`) and applies its answer.
pub async fn call_and_apply(ctx: &Ctx<'_>, refund: &RefundRow, attempt: &AttemptRow) -> Result<(), ApiError> {
    let charges = payments::charges(ctx, &refund.payment_id).await?;
    let charge = charges.iter().find(|c| c.id == attempt.charge_id).ok_or_else(ApiError::internal)?;
    let authorization = crate::payments::route::reference_of(charge);
    let started = ctx.now_ms();
    let outcome =
        provider::refund(ctx, &attempt.provider, authorization, &attempt.id, refund.amount, &refund.currency).await;
    apply(ctx, &refund.id, attempt, outcome, Some(ctx.now_ms() - started)).await
}

/// Applies a provider answer about `attempt`. `Pending` changes nothing; `Unavailable` closes the attempt as
/// failed (nothing happened at the provider) and leaves the refund pending for a new attempt.
pub async fn apply(
    ctx: &Ctx<'_>,
    refund_id: &str,
    attempt: &AttemptRow,
    outcome: RefundOutcome,
    latency_ms: Option<i64>,
) -> Result<(), ApiError> {
    let (event, attempt_status, code, message) = match outcome {
        RefundOutcome::Pending | RefundOutcome::Unknown => return Ok(()),
        RefundOutcome::Succeeded => (RefundEvent::ProviderSucceeded, RefundAttemptStatus::Succeeded, None, None),
        RefundOutcome::Declined { code, message } => {
            (RefundEvent::ProviderFailed, RefundAttemptStatus::Failed, Some(code), Some(message))
        }
        RefundOutcome::Cancelled => (RefundEvent::Cancel, RefundAttemptStatus::Cancelled, None, None),
        RefundOutcome::Unavailable { message } => {
            let closed = AttemptRow {
                status: RefundAttemptStatus::Failed,
                failure_code: Some(codes::PROCESSING_ERROR.into()),
                message: Some(message),
                latency_ms,
                ..attempt.clone()
            };
            ctx.db.batch(vec![store::resolve_attempt(ctx, &closed)]).await.map_err(crate::store::internal)?;
            return Ok(());
        }
    };
    let closed = AttemptRow {
        status: attempt_status,
        failure_code: code.clone(),
        message,
        latency_ms,
        resolved_at: Some(ctx.now_ms()),
        ..attempt.clone()
    };
    for _ in 0..SETTLE_TRIES {
        match settle_once(ctx, refund_id, &closed, event, code.as_deref()).await {
            Err(Settle::Lost) => continue,
            Err(Settle::Failed(e)) => return Err(e),
            Ok(()) => return Ok(()),
        }
    }
    // Still racing: the refund stays PENDING and the cron applies the provider's answer later.
    Ok(())
}

enum Settle {
    Lost,
    Failed(ApiError),
}

impl From<ApiError> for Settle {
    fn from(e: ApiError) -> Self {
        Self::Failed(e)
    }
}

/// One try: the refund's move, the attempt's outcome, the payment's version and the events, in one batch that a
/// concurrent change of the refund or the payment aborts.
async fn settle_once(
    ctx: &Ctx<'_>,
    refund_id: &str,
    attempt: &AttemptRow,
    event: RefundEvent,
    failure_reason: Option<&str>,
) -> Result<(), Settle> {
    let Some(before) = store::load(ctx, refund_id).await? else { return Err(Settle::Failed(ApiError::internal())) };
    if before.status.is_terminal() {
        return Ok(()); // somebody settled it first: settling is idempotent
    }
    let to = before.status.next(event).map_err(ApiError::from)?;
    let payment = payments::load_row(ctx, &before.payment_id).await?;
    let mut siblings = store::for_payment(ctx, &payment.id).await?;
    let after = RefundRow {
        status: to,
        version: before.version + 1,
        failure_reason: failure_reason.map(str::to_string),
        updated_at: ctx.now_ms(),
        ..before.clone()
    };
    for r in siblings.iter_mut().filter(|r| r.id == after.id) {
        *r = after.clone();
    }
    let refunded: i64 = siblings.iter().filter(|r| r.status == RefundStatus::Succeeded).map(|r| r.amount).sum();
    let now_full = to == RefundStatus::Succeeded
        && PaymentRefundStatus::of(payment.amount_captured, refunded) == PaymentRefundStatus::Full;

    let mut statements = store::move_refund(ctx, &before, &after);
    statements.push(store::resolve_attempt(ctx, attempt));
    statements.extend(store::bump_payment(ctx, &payment.id, payment.version));

    let ids: Vec<&str> = siblings.iter().map(|r| r.id.as_str()).collect();
    let mut attempts = store::attempts(ctx, &ids).await?;
    for a in attempts.iter_mut().filter(|a| a.id == attempt.id) {
        *a = attempt.clone();
    }
    let object = after.to_api(&attempts);
    let kind = match to {
        RefundStatus::Succeeded => types::REFUND_SUCCEEDED,
        RefundStatus::Failed => types::REFUND_FAILED,
        RefundStatus::Cancelled => types::REFUND_CANCELLED,
        RefundStatus::Pending => return Err(Settle::Failed(ApiError::internal())),
    };
    let mut outbox = Outbox::default();
    let new_event = |kind: hsrc_shared::api::EventType, object: serde_json::Value| NewEvent {
        kind,
        merchant_id: &payment.merchant_id,
        livemode: payment.livemode,
        payment_id: Some(&payment.id),
        checkout_session_id: payment.checkout_session_id.as_deref(),
        object,
    };
    outbox.push_about_refund(ctx, new_event(kind, serde_json::to_value(&object).unwrap_or_default()), Some(&after.id));
    if now_full {
        let row_after =
            crate::records::PaymentRow { version: payment.version + 1, updated_at: ctx.now_ms(), ..payment.clone() };
        // The owner's metadata: a checkout session's, or the API-only payment's own (#15).
        let owner = crate::payments::owner::Owner::of(ctx, &payment).await?;
        let charges = payments::charges(ctx, &payment.id).await?;
        let mut payment_object =
            payments::api_object_with_metadata(ctx, &row_after, owner.metadata(), &charges).await?;
        // The stored refunds are the state before this batch: show the one it commits.
        crate::records::refunds::fill(&mut payment_object, &siblings, &attempts);
        let value = serde_json::to_value(&payment_object).unwrap_or_default();
        outbox.push_about_refund(ctx, new_event(types::PAYMENT_REFUNDED, value), Some(&after.id));
    }
    match outbox.run(ctx, statements).await {
        Ok(()) => Ok(()),
        Err(DbError::Conflict) => Err(Settle::Lost),
        Err(e) => Err(Settle::Failed(crate::store::internal(e))),
    }
}

/// Brings a pending refund up to date with the provider: asks about its open attempt (calling again by the same
/// reference when the provider never received it), or makes a new attempt when the last one failed to reach it.
pub async fn refresh(ctx: &Ctx<'_>, refund: &RefundRow) -> Result<(), ApiError> {
    if refund.status != RefundStatus::Pending {
        return Ok(());
    }
    let attempts = store::attempts(ctx, &[refund.id.as_str()]).await?;
    match attempts.iter().rev().find(|a| a.status == RefundAttemptStatus::Pending) {
        Some(open) => match provider::lookup(ctx, &open.provider, &open.id).await {
            RefundOutcome::Unknown => call_and_apply(ctx, refund, open).await,
            outcome => apply(ctx, &refund.id, open, outcome, None).await,
        },
        None => {
            let last = attempts.last().ok_or_else(ApiError::internal)?;
            let next = AttemptRow {
                id: ctx.new_id("rfa").into(),
                sequence: last.sequence + 1,
                status: RefundAttemptStatus::Pending,
                failure_code: None,
                message: None,
                latency_ms: None,
                request_id: Some(ctx.request_id.clone()),
                created_at: ctx.now_ms(),
                resolved_at: None,
                ..last.clone()
            };
            ctx.db.batch(vec![store::insert_attempt(&next)]).await.map_err(crate::store::internal)?;
            call_and_apply(ctx, refund, &next).await
        }
    }
}

/// Refreshes every pending refund of a payment (the "next read" settles asynchronous refunds).
pub async fn refresh_payment(ctx: &Ctx<'_>, payment_id: &str) -> Result<(), ApiError> {
    for r in store::for_payment(ctx, payment_id).await?.iter().filter(|r| r.status == RefundStatus::Pending) {
        refresh(ctx, r).await?;
    }
    Ok(())
}

/// What one reconciliation pass did.
#[derive(Debug, Default)]
pub struct Pass {
    pub checked: usize,
    pub settled: usize,
    pub errors: Vec<String>,
}

/// The cron's pass over pending refunds: oldest first, page by page on a (created_at, id) cursor, at most
/// `pages × page_size` rows per run. A row that fails is logged and skipped; it never stops the pass.
pub async fn reconcile_due(ctx: &Ctx<'_>, page_size: u32, pages: u32) -> Pass {
    let mut pass = Pass::default();
    let mut cursor = None;
    for _ in 0..pages {
        let due = match store::pending_after(ctx, cursor.clone(), page_size).await {
            Ok(due) => due,
            Err(e) => {
                pass.errors.push(e.code);
                break;
            }
        };
        for (at, id) in &due {
            pass.checked += 1;
            let result = match store::load(ctx, id).await {
                Ok(Some(r)) => refresh(ctx, &r).await,
                Ok(None) => Ok(()),
                Err(e) => Err(e),
            };
            match result {
                Ok(()) => {
                    if matches!(store::load(ctx, id).await, Ok(Some(r)) if r.status.is_terminal()) {
                        pass.settled += 1;
                    }
                }
                Err(e) => {
                    crate::log::error("refund_reconcile", &format!("{id}: {}", e.code));
                    pass.errors.push(format!("{id}: {}", e.code));
                }
            }
            cursor = Some((*at, id.clone()));
        }
        if due.len() < page_size as usize {
            break;
        }
    }
    pass
}
