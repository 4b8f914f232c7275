//! Settling: writes what an attempt came to onto the charge, the payment and the session, with their events, in one
//! batch guarded by compare-and-set on all three (so of two settlers of the same attempt exactly one wins).

use super::owner::Owner;
use super::ride::Ride;
use super::{event, resolved, update_charge, Verdict};
use crate::payments;
use crate::platform::{Ctx, SqlValue, Stmt};
use crate::records::{ChargeRow, PaymentRow, SessionRow};
use crate::sessions::transitions::{cas, Target};
use crate::store::to_json_text;
use crate::webhooks::events::{types, Outbox};
use hsrc_shared::api::PaymentError;
use hsrc_shared::lifecycle::{ChargeStatus, PaymentEvent, PaymentStatus, SessionEvent, SessionStatus};
use hsrc_shared::{codes, ApiError};

/// [`settle`] for a caller holding the provider's answer (the confirm, the 3DS pass), while a reader (a payer's
/// poll, the cron job) may look the same attempt up and settle it first. Losing that race is not an error: the
/// attempt is settled with the same answer, so the caller gets the owner and payment as stored (not a 409 for money
/// that moved). Any other conflict stays one. `ride`: the payer's key, answered in the outcome batch (not when the
/// reader won: then the request's answer is stored apart).
pub async fn settle_answered(
    ctx: &Ctx<'_>,
    owner: Owner,
    payment: PaymentRow,
    charge: &ChargeRow,
    verdict: Verdict,
    trail: Option<payments::Trail>,
    ride: Option<&Ride<'_>>,
) -> Result<(Owner, PaymentRow), ApiError> {
    let payment_id = payment.id.clone();
    match settle(ctx, owner, payment, charge, verdict, Batch { prefix: vec![], ride }, trail).await {
        Err(e) if e.status == 409 => {
            let stored = payments::charges(ctx, &payment_id).await?;
            if !stored.iter().any(|c| c.id == charge.id && c.status != charge.status) {
                return Err(e);
            }
            let payment = payments::load_row(ctx, &payment_id).await?;
            Ok((Owner::of(ctx, &payment).await?, payment))
        }
        settled => settled,
    }
}

/// What a caller adds to the outcome batch: `prefix` (e.g. the challenge mark of a failed 3DS, so the mark and the
/// decline commit together) and `ride` (the request's key, answered with the outcome).
#[derive(Default)]
pub struct Batch<'r> {
    pub prefix: Vec<Stmt>,
    pub ride: Option<&'r Ride<'r>>,
}

/// Settles the stored attempt `charge` (now `charge.status`) with `verdict`; `with` joins the batch. `trail` is the
/// payment's charges and request trail when the caller read them already (None: read here). Returns the new
/// session, payment.
pub async fn settle(
    ctx: &Ctx<'_>,
    owner: Owner,
    payment: PaymentRow,
    charge: &ChargeRow,
    verdict: Verdict,
    with: Batch<'_>,
    trail: Option<payments::Trail>,
) -> Result<(Owner, PaymentRow), ApiError> {
    let done = resolved(ctx, charge, &verdict);
    let Batch { prefix: mut statements, ride } = with;
    statements.extend(update_charge(ctx, &done, charge.status));
    if done.status == ChargeStatus::Declined {
        statements.extend(crate::card_testing::record_decline(ctx, &payment, &done.id));
    }
    statements.push(crate::card_testing::settle_attempts(ctx, owner.attempt_scope(&payment)));
    // The charges and the request trail in one round trip, unless the caller has them.
    let payments::Trail { charges: mut all_charges, request_ids } = match trail {
        Some(trail) => trail,
        None => payments::trail(ctx, &payment.id).await?,
    };
    match all_charges.iter_mut().find(|c| c.id == done.id) {
        Some(existing) => *existing = done.clone(),
        None => all_charges.push(done.clone()),
    }

    let (payment_event, last_error) = match &verdict {
        Verdict::Approved(a) if a.captured => (PaymentEvent::Succeed, None),
        Verdict::Approved(_) => (PaymentEvent::Authorize, None),
        Verdict::Declined { code, message } => (
            PaymentEvent::RequirePaymentMethod,
            Some(PaymentError {
                code: codes::CARD_DECLINED.into(),
                decline_code: Some(code.clone()),
                message: message.clone(),
            }),
        ),
        Verdict::Failed { .. } => (
            PaymentEvent::RequirePaymentMethod,
            Some(PaymentError {
                code: codes::PROCESSING_ERROR.into(),
                decline_code: Some("processing_error".into()),
                message: crate::providers::sandbox::decline_message("processing_error").into(),
            }),
        ),
    };
    let mut payment_to = payment.status.next(payment_event)?;
    // The session follows the payment; an API-only payment fails by itself once its attempts are used up (#15).
    let session_to = match &owner {
        Owner::Session(session) => {
            let session_event = match payment_to {
                PaymentStatus::Succeeded | PaymentStatus::Authorized => SessionEvent::PaymentSucceeded,
                _ => SessionEvent::PaymentNeedsNewMethod { attempts_remain: owner.attempts_remain() },
            };
            Some(session.status.next(session_event)?)
        }
        Owner::Api(_) => None,
    };
    let out_of_attempts = match session_to {
        Some(to) => to == SessionStatus::Failed,
        None => payment_to == PaymentStatus::RequiresPaymentMethod && !owner.attempts_remain(),
    };
    let mut payment_steps = vec![payment_to];
    if out_of_attempts {
        payment_to = payment_to.next(PaymentEvent::Fail)?;
        payment_steps.push(payment_to);
    }
    let captured = if payment_to == PaymentStatus::Succeeded { payment.amount } else { 0 };
    let mut version = payment.version;
    let mut from = payment.status;
    for step in &payment_steps {
        statements.extend(cas(
            ctx,
            Target { status: from.as_str(), version, ..Target::payment(&payment) },
            step.as_str(),
            vec![
                ("last_error", last_error.as_ref().map(to_json_text).into()),
                ("next_action", SqlValue::Null),
                ("amount_captured", captured.into()),
            ],
        ));
        version += 1;
        from = *step;
    }
    let owner_after = match (owner, session_to) {
        (Owner::Session(session), Some(to)) => {
            statements.extend(cas(ctx, Target::session(&session), to.as_str(), vec![]));
            Owner::Session(SessionRow { status: to, version: session.version + 1, updated_at: ctx.now_ms(), ..session })
        }
        (owner, _) => owner,
    };
    let payment_after = PaymentRow {
        status: payment_to,
        version,
        amount_captured: captured,
        last_error,
        next_action: None,
        updated_at: ctx.now_ms(),
        ..payment
    };

    let mut outbox = Outbox::default();
    let charge_kind = match done.status {
        ChargeStatus::Succeeded | ChargeStatus::Authorized => types::CHARGE_SUCCEEDED,
        ChargeStatus::Declined => types::CHARGE_DECLINED,
        _ => types::CHARGE_FAILED,
    };
    outbox.push(ctx, owner_after.event(charge_kind, serde_json::to_value(done.to_api()).unwrap_or_default()));
    let payment_object = owner_after.payment_object_from(ctx, &payment_after, &all_charges, request_ids);
    let payment_kind = match payment_to {
        PaymentStatus::Succeeded => Some(types::PAYMENT_SUCCEEDED),
        PaymentStatus::Authorized => Some(types::PAYMENT_AUTHORIZED),
        PaymentStatus::Failed => Some(types::PAYMENT_FAILED),
        _ => None,
    };
    if let Some(kind) = payment_kind {
        outbox.push(ctx, owner_after.event(kind, payment_object));
    }
    if let Owner::Session(session_after) = &owner_after {
        let session_object = serde_json::to_value(session_after.to_api(None)).unwrap_or_default();
        match session_after.status {
            SessionStatus::Completed => {
                outbox.push(ctx, event(types::SESSION_COMPLETED, session_after, session_object))
            }
            SessionStatus::Failed => outbox.push(ctx, event(types::SESSION_FAILED, session_after, session_object)),
            _ => {}
        }
    }
    // The request's answer commits with the outcome it tells (when this state is an answer of the request's kind).
    let ride = ride.filter(|ride| ride.answer_into(ctx, &owner_after, &payment_after, &mut statements));
    outbox.commit(ctx, statements, "The payment changed at the same time; read it again.").await?;
    if let Some(ride) = ride {
        ride.key.answered();
    }
    Ok((owner_after, payment_after))
}
