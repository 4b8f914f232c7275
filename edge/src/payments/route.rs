//! Routing: sends one attempt to its provider and, only when that provider positively did nothing, moves to the
//! next provider of the merchant's list as a new attempt. It knows providers by name only (through
//! [`crate::providers::acquirer`]), never which one is which.

use super::owner::Owner;
use super::{insert_charge, resolved, update_charge, Verdict};
use crate::platform::Ctx;
use crate::providers::{self, attempt_reference, Authorize, Instrument, Outcome};
use crate::records::ChargeRow;

use crate::webhooks::events::{types, Outbox};
use hsrc_shared::api::ids::PaymentId;
use hsrc_shared::installments::PaymentInstallments;
use hsrc_shared::lifecycle::ChargeStatus;
use hsrc_shared::ApiError;

/// Where routing stopped.
pub enum Routed {
    /// The attempt `charge` (still stored `pending`) got a final answer.
    Answered { charge: ChargeRow, verdict: Verdict },
    /// The outcome of `charge` is unknown: it stays `pending` for the reconciler's lookup. No fallback.
    Waiting { charge: ChargeRow },
}

/// A new pending attempt of `payment_id` at `provider`: number `sequence`, its provider reference derived (attempt
/// before call: the reference the provider will see is stored before it is sent).
pub fn new_attempt(
    ctx: &Ctx<'_>,
    payment_id: &PaymentId,
    sequence: i64,
    provider: &str,
    amount: i64,
    installments: Option<PaymentInstallments>,
) -> ChargeRow {
    ChargeRow {
        id: ctx.new_id("ch").into(),
        payment_id: payment_id.clone(),
        sequence,
        provider: provider.to_string(),
        status: ChargeStatus::Pending,
        amount,
        decline_code: None,
        message: None,
        latency_ms: None,
        provider_reference: Some(attempt_reference(payment_id, sequence)),
        request_id: Some(ctx.request_id.clone()),
        created_at: ctx.now_ms(),
        resolved_at: None,
        version: 1,
        authorization_expires_at: None,
        written_off_at: None,
        installments,
    }
}

/// The attempt after `prev` at `provider` (a fallback): same payment, amount and plan.
pub fn next_attempt(ctx: &Ctx<'_>, prev: &ChargeRow, provider: &str) -> ChargeRow {
    new_attempt(ctx, &prev.payment_id, prev.sequence + 1, provider, prev.amount, prev.installments.clone())
}

/// The provider reference of a stored charge (rows written before #12 used the charge id).
pub fn reference_of(charge: &ChargeRow) -> &str {
    charge.provider_reference.as_deref().unwrap_or(&charge.id)
}

/// Sends the stored pending attempt `first` and its fallbacks. `providers` is the merchant's list.
pub async fn route(
    ctx: &Ctx<'_>,
    owner: &Owner,
    providers: &[String],
    first: ChargeRow,
    instrument: &Instrument<'_>,
    capture: bool,
) -> Result<Routed, ApiError> {
    let mut charge = first;
    loop {
        let outcome = match providers::acquirer(&charge.provider) {
            Some(acquirer) => {
                let request = Authorize {
                    reference: reference_of(&charge),
                    instrument: *instrument,
                    amount: charge.amount,
                    currency: owner.currency(),
                    capture,
                    deadline_ms: ctx.now_ms() + ctx.config.provider_deadline_ms,
                };
                acquirer.authorize(ctx, &request).await
            }
            None => Outcome::Unavailable { message: format!("No acquirer is configured for {}.", charge.provider) },
        };
        let Some(verdict) = Verdict::of(&outcome) else { return Ok(Routed::Waiting { charge }) };
        let next = providers.iter().skip_while(|p| **p != charge.provider).nth(1);
        match (outcome.may_try_next_provider(), next) {
            (true, Some(provider)) => charge = fall_back(ctx, owner, &charge, &verdict, provider).await?,
            _ => return Ok(Routed::Answered { charge, verdict }),
        }
    }
}

/// Records the failed attempt and writes the fallback's pending row in one guarded batch, before calling it.
async fn fall_back(
    ctx: &Ctx<'_>,
    owner: &Owner,
    failed: &ChargeRow,
    verdict: &Verdict,
    provider: &str,
) -> Result<ChargeRow, ApiError> {
    let done = resolved(ctx, failed, verdict);
    let next = next_attempt(ctx, failed, provider);
    let mut statements = update_charge(ctx, &done, ChargeStatus::Pending);
    statements.extend(insert_charge(ctx, &next));
    let mut outbox = Outbox::default();
    outbox.push(ctx, owner.event(types::CHARGE_FAILED, serde_json::to_value(done.to_api()).unwrap_or_default()));
    outbox.commit(ctx, statements, "The payment changed at the same time.").await?;
    Ok(next)
}
