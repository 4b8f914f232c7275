//! The refund's view of the acquirer seam ([`crate::providers::Acquirer`]): one call per attempt under the attempt's
//! id as reference (the provider's idempotency key), answers classified for the refund lifecycle. An answer that
//! says nothing for certain (timeout, 5xx after sending, still processing) is `Pending`: the refund waits and is
//! asked about again by the same reference.

use crate::platform::Ctx;
use crate::providers::sandbox_refunds::REFUND_CANCELLED;
use crate::providers::{self, Lookup, OpOutcome, Operation};

/// What the provider says about one refund attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefundOutcome {
    /// The money went back to the payer.
    Succeeded,
    /// Refused for good: the money stays with the merchant.
    Declined { code: String, message: String },
    /// Accepted or maybe received, not settled: ask again with [`lookup`].
    Pending,
    /// Cancelled at the provider before it was paid out.
    Cancelled,
    /// The provider did not take the call: nothing happened, a new attempt may be made.
    Unavailable { message: String },
    /// The provider positively has no operation under this reference: the call never reached it.
    Unknown,
}

fn from_op(outcome: OpOutcome) -> RefundOutcome {
    match outcome {
        OpOutcome::Done => RefundOutcome::Succeeded,
        OpOutcome::Refused { code, .. } if code == REFUND_CANCELLED => RefundOutcome::Cancelled,
        OpOutcome::Refused { code, message } => RefundOutcome::Declined { code, message },
        OpOutcome::Unavailable { message } => RefundOutcome::Unavailable { message },
        OpOutcome::Unknown { .. } => RefundOutcome::Pending,
    }
}

fn no_such_provider(name: &str) -> RefundOutcome {
    RefundOutcome::Unavailable { message: format!("No acquirer serves provider {name}.") }
}

/// Sends the refund attempt `reference` of `amount` against the authorization `authorization` at `provider`.
pub async fn refund(
    ctx: &Ctx<'_>,
    provider: &str,
    authorization: &str,
    reference: &str,
    amount: i64,
    currency: &str,
) -> RefundOutcome {
    let Some(acquirer) = providers::acquirer(provider) else { return no_such_provider(provider) };
    let op = Operation {
        reference,
        authorization,
        amount,
        currency,
        deadline_ms: ctx.now_ms() + ctx.config.provider_deadline_ms,
    };
    from_op(acquirer.refund(ctx, &op).await)
}

/// How the refund attempt `reference` stands at `provider`.
pub async fn lookup(ctx: &Ctx<'_>, provider: &str, reference: &str) -> RefundOutcome {
    let Some(acquirer) = providers::acquirer(provider) else { return no_such_provider(provider) };
    match acquirer.lookup_operation(ctx, reference).await {
        Lookup::NotFound => RefundOutcome::Unknown,
        Lookup::InProgress | Lookup::Unreachable { .. } => RefundOutcome::Pending,
        Lookup::Answered(outcome) => from_op(outcome),
    }
}

/// Asks `provider` to cancel the refund attempt `reference`; when it has already settled, says how.
pub async fn cancel(ctx: &Ctx<'_>, provider: &str, reference: &str) -> RefundOutcome {
    let Some(acquirer) = providers::acquirer(provider) else { return no_such_provider(provider) };
    match acquirer.cancel_refund(ctx, reference).await {
        OpOutcome::Done => RefundOutcome::Cancelled,
        OpOutcome::Refused { .. } => lookup(ctx, provider, reference).await,
        // Could not ask: nothing changes, the refund stays pending.
        OpOutcome::Unavailable { .. } | OpOutcome::Unknown { .. } => RefundOutcome::Pending,
    }
}
