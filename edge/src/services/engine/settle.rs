//! Settling: writes what an attempt came to onto the charge, the payment and the session, with their events, in one
//! batch guarded by compare-and-set on all three (so of two settlers of the same attempt exactly one wins).

use super::{event, resolved, update_charge, Verdict};
use crate::platform::{Ctx, SqlValue, Stmt};
use crate::services::events::{types, Outbox};
use crate::services::payments;
use crate::services::records::{ChargeRow, PaymentRow, SessionRow};
use crate::services::transitions::{cas, Target};
use crate::store::{self, to_json_text};
use hsrc_shared::api::PaymentError;
use hsrc_shared::lifecycle::{ChargeStatus, PaymentEvent, PaymentStatus, SessionEvent, SessionStatus};
use hsrc_shared::{codes, ApiError};

/// Settles the stored attempt `charge` (now `charge.status`) with `verdict`. `prefix` joins the batch (e.g. the
/// challenge mark of a failed 3DS, so the mark and the decline commit together). Returns the new session, payment.
pub async fn settle(
    ctx: &Ctx<'_>,
    session: SessionRow,
    payment: PaymentRow,
    charge: &ChargeRow,
    verdict: Verdict,
    prefix: Vec<Stmt>,
) -> Result<(SessionRow, PaymentRow), ApiError> {
    let done = resolved(ctx, charge, &verdict);
    let mut statements = prefix;
    statements.extend(update_charge(ctx, &done, charge.status));
    if done.status == ChargeStatus::Declined {
        statements.extend(crate::services::limits::record_decline(ctx, &payment, &done.id));
    }
    let mut all_charges = payments::charges(ctx, &payment.id).await?;
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
    let session_event = match payment_to {
        PaymentStatus::Succeeded | PaymentStatus::Authorized => SessionEvent::PaymentSucceeded,
        _ => SessionEvent::PaymentNeedsNewMethod { attempts_remain: session.attempts < session.max_attempts },
    };
    let session_to = session.status.next(session_event)?;
    let mut payment_steps = vec![payment_to];
    if session_to == SessionStatus::Failed {
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
    statements.extend(cas(ctx, Target::session(&session), session_to.as_str(), vec![]));
    let session_after =
        SessionRow { status: session_to, version: session.version + 1, updated_at: ctx.now_ms(), ..session };
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
    outbox.push(ctx, event(charge_kind, &session_after, serde_json::to_value(done.to_api()).unwrap_or_default()));
    let payment_object =
        serde_json::to_value(payments::api_object_with(ctx, &payment_after, &session_after, &all_charges).await?)
            .unwrap_or_default();
    let session_object = serde_json::to_value(session_after.to_api(None)).unwrap_or_default();
    match payment_to {
        PaymentStatus::Succeeded => outbox.push(ctx, event(types::PAYMENT_SUCCEEDED, &session_after, payment_object)),
        PaymentStatus::Authorized => outbox.push(ctx, event(types::PAYMENT_AUTHORIZED, &session_after, payment_object)),
        PaymentStatus::Failed => outbox.push(ctx, event(types::PAYMENT_FAILED, &session_after, payment_object)),
        _ => {}
    }
    match session_to {
        SessionStatus::Completed => outbox.push(ctx, event(types::SESSION_COMPLETED, &session_after, session_object)),
        SessionStatus::Failed => outbox.push(ctx, event(types::SESSION_FAILED, &session_after, session_object)),
        _ => {}
    }
    statements.append(&mut outbox.statements);
    ctx.db
        .batch(statements)
        .await
        .map_err(|e| store::conflict_or_internal(e, "The payment changed at the same time; read it again."))?;
    outbox.publish(ctx).await;
    Ok((session_after, payment_after))
}
