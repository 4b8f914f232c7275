//! Capture and void as provider operations. Each writes its `payment_operations` row `pending` before the provider
//! call, under a reference derived from (payment, kind, charge), and is finished by the answer or, if the answer
//! was lost, by the cron job's lookup. The unique index on pending rows lets one operation per payment be in flight.
//! Also here: voiding authorizations past their expiry, and voiding late approvals of attempts we wrote off.

use super::cursor::{self, Position};
use super::route::reference_of;
use crate::payments;
use crate::platform::{query_as, Ctx, DbError, SqlValue, Stmt};
use crate::providers::{self, operation_reference, Approval, Lookup, OpOutcome, Operation, Outcome};
use crate::records::{ChargeRow, PaymentRow, CHARGE_COLUMNS};
use crate::sessions::transitions::{cas, timeline, Target};
use crate::stmt;
use crate::store;
use crate::webhooks::events::{types, Outbox};
use hsrc_shared::lifecycle::{ChargeStatus, PaymentStatus};
use hsrc_shared::{codes, ApiError};
use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Capture,
    Void,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Capture => "capture",
            Self::Void => "void",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct OpRow {
    pub id: String,
    pub reference: String,
    pub payment_id: String,
    pub charge_id: String,
    pub kind: String,
    pub reason: Option<String>,
    #[serde(deserialize_with = "crate::store::int")]
    pub amount: i64,
    pub provider: String,
    #[serde(deserialize_with = "crate::store::int")]
    pub created_at: i64,
}

const OP_COLUMNS: &str =
    "o.id, o.reference, o.payment_id, o.charge_id, o.kind, o.reason, o.amount, o.provider, o.created_at";

/// The authorization a capture or void acts on: the payment's latest authorized charge.
pub async fn authorized_charge(ctx: &Ctx<'_>, payment: &PaymentRow) -> Result<ChargeRow, ApiError> {
    payments::charges(ctx, &payment.id)
        .await?
        .into_iter()
        .rev()
        .find(|c| c.status == ChargeStatus::Authorized)
        .ok_or_else(|| ApiError::conflict(codes::STATE_CONFLICT, "This payment has no authorization to act on."))
}

/// Writes the operation `pending`, then asks the provider, then finishes it with the answer. Returns whether it
/// finished (false: the outcome is unknown and the cron job's lookup will finish it).
pub async fn run(
    ctx: &Ctx<'_>,
    payment: &PaymentRow,
    charge: &ChargeRow,
    kind: Kind,
    amount: i64,
    reason: Option<&str>,
) -> Result<bool, ApiError> {
    let op = OpRow {
        id: ctx.new_id("op"),
        reference: operation_reference(&payment.id, kind.as_str(), charge.sequence),
        payment_id: payment.id.clone().into(),
        charge_id: charge.id.clone().into(),
        kind: kind.as_str().into(),
        reason: reason.map(str::to_string),
        amount,
        provider: charge.provider.clone(),
        created_at: ctx.now_ms(),
    };
    ctx.db
        .batch(vec![stmt!(
            "INSERT INTO payment_operations (id, reference, payment_id, charge_id, kind, reason, amount, status, provider, request_id, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending', ?8, ?9, ?10)",
            op.id.as_str(),
            op.reference.as_str(),
            op.payment_id.as_str(),
            op.charge_id.as_str(),
            op.kind.as_str(),
            op.reason.clone(),
            op.amount,
            op.provider.as_str(),
            ctx.request_id.as_str(),
            op.created_at
        )])
        .await
        .map_err(|e| match e {
            DbError::Duplicate(_) => ApiError::conflict(
                codes::STATE_CONFLICT,
                "Another capture or void of this payment is in progress; read the payment again shortly.",
            ),
            other => store::internal(other),
        })?;
    let acquirer = providers::acquirer(&op.provider).ok_or_else(ApiError::internal)?;
    let request = Operation {
        reference: &op.reference,
        authorization: reference_of(charge),
        amount,
        currency: &payment.currency,
        deadline_ms: ctx.now_ms() + ctx.config.provider_deadline_ms,
    };
    let outcome = match kind {
        Kind::Capture => acquirer.capture(ctx, &request).await,
        Kind::Void => acquirer.void(ctx, &request).await,
    };
    if let OpOutcome::Unknown { .. } = outcome {
        return Ok(false);
    }
    match finish(ctx, &op, &outcome).await {
        // The cron job's lookup finished this operation with the provider's same answer first: not a conflict.
        Err(e) if e.status == 409 && !still_pending(ctx, &op.id).await? => {}
        result => result?,
    }
    match outcome {
        OpOutcome::Refused { code, message } => Err(ApiError::card(
            codes::PROCESSING_ERROR,
            Some(&code),
            format!("The provider refused the {}: {message}", op.kind),
        )),
        OpOutcome::Unavailable { .. } => Err(ApiError::card(
            codes::PROCESSING_ERROR,
            Some("processing_error"),
            format!("The provider is unavailable; nothing happened. Try the {} again.", op.kind),
        )),
        _ => Ok(true),
    }
}

async fn still_pending(ctx: &Ctx<'_>, op_id: &str) -> Result<bool, ApiError> {
    let rows: Vec<serde_json::Value> = query_as(
        ctx.db,
        stmt!("SELECT 1 AS pending FROM payment_operations WHERE id = ?1 AND status = 'pending'", op_id),
    )
    .await
    .map_err(store::internal)?;
    Ok(!rows.is_empty())
}

/// Writes a final answer: the operation row, and on success the payment's move (with its event) in the same batch.
async fn finish(ctx: &Ctx<'_>, op: &OpRow, outcome: &OpOutcome) -> Result<(), ApiError> {
    let (status, code) = match outcome {
        OpOutcome::Done => ("succeeded", None),
        OpOutcome::Refused { code, .. } => ("failed", Some(code.clone())),
        OpOutcome::Unavailable { .. } => ("failed", Some("processing_error".to_string())),
        OpOutcome::Unknown { .. } => return Ok(()),
    };
    let mut statements = vec![
        stmt!(
            "UPDATE payment_operations SET status = ?1, error_code = ?2, resolved_at = ?3 WHERE id = ?4 AND status = 'pending'",
            status,
            code,
            ctx.now_ms(),
            op.id.as_str()
        ),
        Stmt::cas_guard(),
    ];
    let mut outbox = Outbox::default();
    if status == "succeeded" {
        if op.reason.as_deref() == Some("late_approval") {
            statements.push(stmt!(
                "UPDATE charges SET message = ?1, version = version + 1 WHERE id = ?2",
                format!("Approved late, after this attempt was written off; voided automatically ({}).", op.reference),
                op.charge_id.as_str()
            ));
        } else {
            let payment = payments::load_row(ctx, &op.payment_id).await?;
            let owner = super::owner::Owner::of(ctx, &payment).await?;
            let (to, sets, kind): (PaymentStatus, Vec<crate::sessions::transitions::Set>, hsrc_shared::api::EventType) =
                if op.kind == "capture" {
                    (PaymentStatus::Succeeded, vec![("amount_captured", op.amount.into())], types::PAYMENT_SUCCEEDED)
                } else {
                    let reason = op.reason.clone().unwrap_or_else(|| "voided".into());
                    (PaymentStatus::Cancelled, vec![("cancellation_reason", reason.into())], types::PAYMENT_CANCELED)
                };
            if payment.status == PaymentStatus::Authorized {
                let charge_to = if op.kind == "capture" { ChargeStatus::Succeeded } else { ChargeStatus::Authorized };
                statements.push(stmt!(
                    "UPDATE charges SET status = ?1, message = ?2, version = version + 1 WHERE id = ?3",
                    charge_to.as_str(),
                    (op.kind == "void").then(|| "Authorization released.".to_string()),
                    op.charge_id.as_str()
                ));
                if charge_to != ChargeStatus::Authorized {
                    statements.push(timeline(ctx, "charge", &op.charge_id, Some("authorized"), charge_to.as_str()));
                }
                let captured = sets.iter().find(|(c, _)| *c == "amount_captured").map(|(_, v)| v.clone());
                let reason = sets.iter().find(|(c, _)| *c == "cancellation_reason").map(|(_, v)| v.clone());
                statements.extend(cas(ctx, Target::payment(&payment), to.as_str(), sets));
                let mut after = PaymentRow {
                    status: to,
                    version: payment.version + 1,
                    updated_at: ctx.now_ms(),
                    ..payment.clone()
                };
                if let Some(SqlValue::Int(amount)) = captured {
                    after.amount_captured = amount;
                }
                if let Some(SqlValue::Text(reason)) = reason {
                    after.cancellation_reason = Some(reason);
                }
                let mut charges = payments::charges(ctx, &payment.id).await?;
                if let Some(c) = charges.iter_mut().find(|c| c.id == op.charge_id) {
                    c.status = charge_to;
                    c.version += 1;
                }
                let object = owner.payment_object(ctx, &after, &charges).await?;
                outbox.push(ctx, owner.event(kind, object));
            }
        }
    }
    outbox.commit(ctx, statements, "The payment changed at the same time; read it again.").await
}

/// The cron job's share for operations: settle pending ones by lookup, void expired authorizations, void late
/// approvals. Each row on its own: an error is reported and the pass goes on.
pub async fn reconcile_operations(ctx: &Ctx<'_>, limit: u32) -> Result<super::reconcile::Pass, ApiError> {
    let mut pass = super::reconcile::Pass::default();
    let from = cursor::load(ctx, "operations").await.map_err(store::internal)?;
    let ops: Vec<OpRow> = query_as(
        ctx.db,
        stmt!(
            format!(
                "SELECT {OP_COLUMNS} FROM payment_operations o WHERE o.status = 'pending' \
                 AND (o.created_at > ?1 OR (o.created_at = ?1 AND o.id > ?2)) ORDER BY o.created_at, o.id LIMIT ?3"
            ),
            from.created_at,
            from.id.as_str(),
            i64::from(limit)
        ),
    )
    .await
    .map_err(store::internal)?;
    let full = ops.len() as u32 == limit;
    let mut last = None;
    for op in ops {
        pass.visited += 1;
        last = Some(Position { created_at: op.created_at, id: op.id.clone() });
        let Some(acquirer) = providers::acquirer(&op.provider) else { continue };
        let outcome = match acquirer.lookup_operation(ctx, &op.reference).await {
            Lookup::Answered(outcome) => outcome,
            Lookup::NotFound if ctx.now_ms() - op.created_at >= ctx.config.write_off_after_ms => {
                OpOutcome::Unavailable { message: "The provider has no record of this operation.".into() }
            }
            _ => continue,
        };
        match finish(ctx, &op, &outcome).await {
            Ok(()) => pass.settled += 1,
            Err(e) => pass.errors.push(format!("{}: {}", op.id, e.code)),
        }
    }
    cursor::save(ctx, "operations", if full { last } else { None }).await.map_err(store::internal)?;
    expire_authorizations(ctx, limit, &mut pass).await?;
    void_late_approvals(ctx, limit, &mut pass).await?;
    Ok(pass)
}

/// Voids every authorization past its expiry (ours, 7 days, or the issuer's release): the payment ends
/// `CANCELLED` with `cancellation_reason: authorization_expired`.
async fn expire_authorizations(ctx: &Ctx<'_>, limit: u32, pass: &mut super::reconcile::Pass) -> Result<(), ApiError> {
    let due: Vec<ChargeRow> = query_as(
        ctx.db,
        stmt!(
            format!(
                "SELECT {CHARGE_COLUMNS} FROM charges c JOIN payments p ON p.id = c.payment_id \
                 WHERE c.status = 'authorized' AND c.authorization_expires_at <= ?1 AND p.status = 'AUTHORIZED' \
                 AND NOT EXISTS (SELECT 1 FROM payment_operations o WHERE o.payment_id = c.payment_id AND o.status = 'pending') \
                 ORDER BY c.authorization_expires_at, c.id LIMIT ?2"
            ),
            ctx.now_ms(),
            i64::from(limit)
        ),
    )
    .await
    .map_err(store::internal)?;
    for charge in due {
        pass.visited += 1;
        void_for(ctx, &charge, "authorization_expired", pass).await;
    }
    Ok(())
}

/// One cron void of an authorized charge, counted in the pass's report; an error is collected there and never stops
/// the pass.
async fn void_for(ctx: &Ctx<'_>, charge: &ChargeRow, reason: &'static str, pass: &mut super::reconcile::Pass) {
    let result = async {
        let payment = payments::load_row(ctx, &charge.payment_id).await?;
        run(ctx, &payment, charge, Kind::Void, charge.amount, Some(reason)).await
    }
    .await;
    match result {
        Ok(true) => pass.settled += 1,
        Ok(false) => {}
        Err(e) => pass.errors.push(format!("{}: {}", charge.id, e.code)),
    }
}

/// For a day after we wrote an attempt off, keep asking the provider about it; if it approved after all (a request
/// that arrived late), void it at once. The charge's message says so on the ops console.
async fn void_late_approvals(ctx: &Ctx<'_>, limit: u32, pass: &mut super::reconcile::Pass) -> Result<(), ApiError> {
    let candidates: Vec<ChargeRow> = query_as(
        ctx.db,
        stmt!(
            format!(
                "SELECT {CHARGE_COLUMNS} FROM charges c WHERE c.written_off_at IS NOT NULL AND c.written_off_at > ?1 \
                 AND NOT EXISTS (SELECT 1 FROM payment_operations o WHERE o.charge_id = c.id AND o.status IN ('pending', 'succeeded')) \
                 ORDER BY c.written_off_at, c.id LIMIT ?2"
            ),
            ctx.now_ms() - 24 * 3600 * 1000,
            i64::from(limit)
        ),
    )
    .await
    .map_err(store::internal)?;
    for charge in candidates {
        pass.visited += 1;
        let Some(acquirer) = providers::acquirer(&charge.provider) else { continue };
        let Lookup::Answered(Outcome::Approved(Approval { .. })) = acquirer.lookup(ctx, reference_of(&charge)).await
        else {
            continue;
        };
        crate::log::error("late_approval", &format!("{} approved after write-off; voiding", charge.id));
        void_for(ctx, &charge, "late_approval", pass).await;
    }
    Ok(())
}
