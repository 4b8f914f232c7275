//! Refunds (DESIGN.md "Refunds"): captured money given back, in full or in parts.
//!
//! Create = check the rules (`hsrc_shared::refund::check_refund`), record the refund and its first attempt
//! `PENDING` in one guarded batch (the database re-checks the budget, so concurrent requests cannot overspend the
//! captured amount), then call the provider and apply its answer (`settle`). The payment keeps `SUCCEEDED` and
//! shows `amount_refunded`, `refund_status` and `refunds`, all computed from the refunds table.

pub mod ops_view;
pub mod provider;
pub mod settle;
pub mod store;

use crate::payments;
use crate::platform::{Ctx, DbError};
use crate::store::Paging;
use crate::webhooks::events::{types, NewEvent, Outbox};
use hsrc_shared::api::refunds::{CreateRefundRequest, Refund, RefundAttemptStatus};
use hsrc_shared::api::{List, Payment};
use hsrc_shared::lifecycle::PaymentStatus;
use hsrc_shared::refund::{check_refund, RefundEvent, RefundRefusal, RefundStatus};
use hsrc_shared::{codes, validate, ApiError, ErrorType};
use store::{AttemptRow, RefundRow};

/// `re_` ids and `pay_` ids are our own random hex: anything else is refused before it reaches a query or a message.
fn well_formed_id(id: &str, prefix: &str) -> bool {
    id.strip_prefix(prefix)
        .is_some_and(|rest| !rest.is_empty() && rest.len() <= 64 && rest.bytes().all(|b| b.is_ascii_alphanumeric()))
}

fn no_such(what: &str, param: Option<&str>) -> ApiError {
    let err = ApiError::new(404, ErrorType::InvalidRequestError, codes::RESOURCE_MISSING, format!("No such {what}."));
    match param {
        Some(p) => err.with_param(p),
        None => err,
    }
}

/// A Luhn-valid run of 12–19 digits (spaces and dashes allowed between them) could be a card number: never stored
/// as free text.
fn has_card_number(s: &str) -> bool {
    s.split(|c: char| !(c.is_ascii_digit() || c == ' ' || c == '-')).any(|run| {
        let digits: String = run.chars().filter(char::is_ascii_digit).collect();
        (12..=19).contains(&digits.len()) && hsrc_shared::card::luhn_valid(&digits)
    })
}

fn validate_request(req: &CreateRefundRequest) -> Result<(), ApiError> {
    if !well_formed_id(&req.payment_id, "pay_") {
        return Err(ApiError::invalid("payment_id", "payment_id must be the id of a payment (pay_…)."));
    }
    validate::metadata(&req.metadata, "metadata")?;
    if let Some((key, _)) = req.metadata.iter().find(|(_, v)| has_card_number(v)) {
        return Err(ApiError::invalid(format!("metadata[{key}]"), "Metadata values must not contain card numbers."));
    }
    Ok(())
}

fn refusal(e: RefundRefusal) -> ApiError {
    let message = e.to_string();
    match e {
        RefundRefusal::NotCapturedVoidInstead | RefundRefusal::NotRefundable(_) => {
            ApiError::conflict(codes::STATE_CONFLICT, message)
        }
        RefundRefusal::NothingLeft | RefundRefusal::Amount { .. } => {
            ApiError::invalid_code(codes::AMOUNT_INVALID, "amount", message)
        }
    }
}

/// The merchant's payment `id`; another merchant's is as unknown as a missing one (404 on `payment_id`, no echo).
async fn merchant_payment(ctx: &Ctx<'_>, merchant_id: &str, id: &str) -> Result<crate::records::PaymentRow, ApiError> {
    match payments::load_row(ctx, id).await {
        Ok(p) if p.merchant_id == merchant_id => Ok(p),
        Ok(_) => Err(no_such("payment", Some("payment_id"))),
        Err(e) if e.status == 404 => Err(no_such("payment", Some("payment_id"))),
        Err(e) => Err(e),
    }
}

/// Sum of the refunds that hold money (pending or succeeded).
fn committed(refunds: &[RefundRow]) -> i64 {
    refunds.iter().filter(|r| r.status.holds_money()).map(|r| r.amount).sum()
}

pub async fn create(ctx: &Ctx<'_>, merchant_id: &str, req: CreateRefundRequest) -> Result<Refund, ApiError> {
    validate_request(&req)?;
    let payment = merchant_payment(ctx, merchant_id, &req.payment_id).await?;
    let existing = store::for_payment(ctx, &payment.id).await?;
    let amount =
        check_refund(payment.status, payment.amount_captured, committed(&existing), req.amount).map_err(refusal)?;
    let charge = settle::captured_charge(ctx, &payment.id)
        .await?
        .ok_or_else(|| ApiError::conflict(codes::STATE_CONFLICT, "This payment has no captured charge to refund."))?;
    let now = ctx.now_ms();
    let refund = RefundRow {
        id: ctx.new_id("re").into(),
        merchant_id: merchant_id.to_string(),
        payment_id: payment.id.clone(),
        amount,
        currency: payment.currency.clone(),
        status: RefundStatus::Pending,
        version: 0,
        reason: req.reason,
        failure_reason: None,
        metadata: req.metadata,
        request_id: Some(ctx.request_id.clone()),
        livemode: payment.livemode,
        created_at: now,
        updated_at: now,
    };
    let attempt = AttemptRow {
        id: ctx.new_id("rfa").into(),
        refund_id: refund.id.clone(),
        sequence: 1,
        provider: charge.provider.clone(),
        charge_id: charge.id.clone(),
        status: RefundAttemptStatus::Pending,
        failure_code: None,
        message: None,
        latency_ms: None,
        request_id: Some(ctx.request_id.clone()),
        created_at: now,
        resolved_at: None,
    };
    let statements = store::record_statements(ctx, &refund, &attempt);
    let mut outbox = Outbox::default();
    outbox.push_about_refund(
        ctx,
        NewEvent {
            kind: types::REFUND_CREATED,
            merchant_id,
            livemode: payment.livemode,
            payment_id: Some(&payment.id),
            checkout_session_id: payment.checkout_session_id.as_deref(),
            object: serde_json::to_value(refund.to_api(std::slice::from_ref(&attempt))).unwrap_or_default(),
        },
        Some(&refund.id),
    );
    match outbox.run(ctx, statements).await {
        Ok(()) => {}
        // The budget changed between our read and the INSERT (a concurrent refund took it): say what is left now.
        Err(DbError::Conflict) => {
            let now_left = store::for_payment(ctx, &payment.id).await?;
            let err =
                check_refund(PaymentStatus::Succeeded, payment.amount_captured, committed(&now_left), Some(amount))
                    .err()
                    .unwrap_or(RefundRefusal::NothingLeft);
            return Err(refusal(err));
        }
        Err(e) => return Err(crate::store::internal(e)),
    }
    // The refund is recorded: whatever happens at the provider from here is reconcilable by the attempt's id.
    if let Err(e) = settle::call_and_apply(ctx, &refund, &attempt).await {
        crate::log::error("refund_call", &format!("{}: {}", refund.id, e.code));
    }
    load_api(ctx, &refund.id).await
}

async fn load_api(ctx: &Ctx<'_>, id: &str) -> Result<Refund, ApiError> {
    let row = store::load(ctx, id).await?.ok_or_else(|| no_such("refund", None))?;
    let attempts = store::attempts(ctx, &[row.id.as_str()]).await?;
    Ok(row.to_api(&attempts))
}

async fn load_for_merchant(ctx: &Ctx<'_>, merchant_id: &str, id: &str) -> Result<RefundRow, ApiError> {
    if !well_formed_id(id, "re_") {
        return Err(no_such("refund", None));
    }
    store::load(ctx, id).await?.filter(|r| r.merchant_id == merchant_id).ok_or_else(|| no_such("refund", None))
}

/// `GET /v1/refunds/:id`: a pending refund is brought up to date with the provider first.
pub async fn retrieve(ctx: &Ctx<'_>, merchant_id: &str, id: &str) -> Result<Refund, ApiError> {
    let row = load_for_merchant(ctx, merchant_id, id).await?;
    if row.status == RefundStatus::Pending {
        if let Err(e) = settle::refresh(ctx, &row).await {
            crate::log::error("refund_refresh", &format!("{}: {}", row.id, e.code));
        }
    }
    load_api(ctx, id).await
}

/// `GET /v1/refunds?payment_id=…`: newest first, `starting_after` cursor.
pub async fn list(
    ctx: &Ctx<'_>,
    merchant_id: &str,
    payment_id: &str,
    paging: &Paging,
) -> Result<List<Refund>, ApiError> {
    if !well_formed_id(payment_id, "pay_") {
        return Err(ApiError::invalid("payment_id", "payment_id must be the id of a payment (pay_…)."));
    }
    if paging.after().is_some_and(|s| !well_formed_id(s, "re_")) {
        return Err(ApiError::invalid("starting_after", "starting_after must be a refund id (re_…)."));
    }
    let payment = merchant_payment(ctx, merchant_id, payment_id).await?;
    settle::refresh_payment(ctx, &payment.id).await?;
    let rows = store::page(ctx, merchant_id, &payment.id, paging).await?;
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let attempts = store::attempts(ctx, &ids).await?;
    let items = rows.iter().map(|r| r.to_api(&attempts)).collect();
    Ok(paging.page(items, |r: &Refund| r.id.clone().into()))
}

/// `POST /v1/refunds/:id/cancel`: only a `PENDING` refund, and only if the provider confirms it has not paid it
/// out; if it has settled meanwhile, that outcome is applied and the cancel is refused with 409.
pub async fn cancel(ctx: &Ctx<'_>, merchant_id: &str, id: &str) -> Result<Refund, ApiError> {
    let row = load_for_merchant(ctx, merchant_id, id).await?;
    row.status.next(RefundEvent::Cancel).map_err(ApiError::from)?;
    let attempts = store::attempts(ctx, &[row.id.as_str()]).await?;
    let open = attempts.iter().rev().find(|a| a.status == RefundAttemptStatus::Pending).cloned();
    let outcome = match &open {
        Some(a) => provider::cancel(ctx, &a.provider, &a.id).await,
        // No call is out (the last one never reached the provider): nothing to stop.
        None => provider::RefundOutcome::Cancelled,
    };
    let attempt = match open {
        Some(a) => a,
        None => attempts.last().cloned().ok_or_else(ApiError::internal)?,
    };
    settle::apply(ctx, &row.id, &attempt, outcome, None).await?;
    let after = load_api(ctx, id).await?;
    if after.status != RefundStatus::Cancelled {
        return Err(ApiError::conflict(
            codes::STATE_CONFLICT,
            format!("You cannot cancel this refund because its status is {}.", after.status),
        ));
    }
    Ok(after)
}

/// `GET /v1/payments/:id`: the payment object with its pending refunds first brought up to date with the provider
/// (the "next read" settles asynchronous refunds; a provider that cannot be asked leaves them pending, the read still
/// answers). Assembled here, above `payments`, because settling a refund builds on payments; `payments::retrieve`
/// fills the refunds as stored. No query more than that when no refund is pending.
pub async fn retrieve_payment(ctx: &Ctx<'_>, merchant_id: &str, id: &str) -> Result<Payment, ApiError> {
    let mut payment = payments::retrieve(ctx, merchant_id, id).await?;
    let pending = |p: &Payment| p.refunds.iter().filter(|r| r.status == RefundStatus::Pending).count();
    let before = pending(&payment);
    if before == 0 {
        return Ok(payment);
    }
    for r in store::for_payment(ctx, &payment.id).await?.iter().filter(|r| r.status == RefundStatus::Pending) {
        if let Err(e) = settle::refresh(ctx, r).await {
            crate::log::error("refund_refresh", &format!("{}: {}", r.id, e.code));
        }
    }
    crate::records::refunds::attach(ctx, std::slice::from_mut(&mut payment)).await?;
    if pending(&payment) < before {
        // A settled refund moved the payment's version.
        let now = payments::load_row(ctx, id).await?;
        (payment.version, payment.updated_at) = (now.version, now.updated_at.div_euclid(1000));
    }
    Ok(payment)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_numbers_are_found_in_free_text() {
        assert!(has_card_number("4242 4242 4242 4242"));
        assert!(has_card_number("card 4242-4242-4242-4242 please"));
        assert!(has_card_number("x4000000000007056"));
        assert!(!has_card_number("order 12345"));
        assert!(!has_card_number("1234567890123456")); // not Luhn-valid
        assert!(!has_card_number("424242424242424242424242")); // longer than any card number
    }

    #[test]
    fn only_our_ids_pass() {
        assert!(well_formed_id("pay_0a1b2c", "pay_"));
        assert!(!well_formed_id("pay_", "pay_"));
        assert!(!well_formed_id("re_1", "pay_"));
        assert!(!well_formed_id("pay_1'; --", "pay_"));
    }
}
