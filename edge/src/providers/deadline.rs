//! The provider deadline, owned by the seam (#12): [`Deadlined`] wraps every acquirer of the table in
//! `providers::acquirer`, so each call (authorize, capture, void, refund, lookups, vault) ends by its deadline and a
//! live acquirer file never writes a timer of its own. The timer is
//! the platform's (`Runtime::sleep`: a real delay on the Worker, the test clock natively), the deadline the one the
//! engine put on the request (`Config::provider_deadline_ms`, 8 s, always below the write-off window), and the
//! classification is the money rule: a call that cannot start before its deadline did nothing (`Unavailable`, the
//! next provider may be tried); a call that started and did not answer in time may have happened (`Unknown`:
//! never fall back, never write off, reconcile by lookup).

use super::{Acquirer, Authorize, Lookup, OpOutcome, Operation, Outcome, VaultOutcome};
use crate::platform::Ctx;
use async_trait::async_trait;
use futures::future::{select, Either};
use hsrc_shared::card::ValidCard;
use std::future::Future;

/// How a call under a deadline ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Timed<T> {
    Answered(T),
    /// The deadline had passed before the call could start: it was never sent.
    NotSent,
    /// Sent, and no answer came before the deadline: its outcome is unknown.
    Late,
}

/// Runs `call` until `deadline_ms` (ms since the epoch) at the latest. `call` is not polled at all once the
/// deadline has passed.
pub async fn within<T>(ctx: &Ctx<'_>, deadline_ms: i64, call: impl Future<Output = T>) -> Timed<T> {
    let left = deadline_ms - ctx.now_ms();
    if left <= 0 {
        return Timed::NotSent;
    }
    let call = std::pin::pin!(call);
    match select(call, ctx.runtime.sleep(left as u64)).await {
        Either::Left((answer, _)) => Timed::Answered(answer),
        Either::Right(_) => Timed::Late,
    }
}

/// An authorization under its deadline.
pub async fn authorize_within(ctx: &Ctx<'_>, deadline_ms: i64, call: impl Future<Output = Outcome>) -> Outcome {
    match within(ctx, deadline_ms, call).await {
        Timed::Answered(outcome) => outcome,
        Timed::NotSent => Outcome::Unavailable { message: "The provider deadline passed before the call.".into() },
        Timed::Late => Outcome::Unknown { message: "No answer from the provider before the deadline.".into() },
    }
}

/// A capture, void or refund under its deadline.
pub async fn operation_within(ctx: &Ctx<'_>, deadline_ms: i64, call: impl Future<Output = OpOutcome>) -> OpOutcome {
    match within(ctx, deadline_ms, call).await {
        Timed::Answered(outcome) => outcome,
        Timed::NotSent => OpOutcome::Unavailable { message: "The provider deadline passed before the call.".into() },
        Timed::Late => OpOutcome::Unknown { message: "No answer from the provider before the deadline.".into() },
    }
}

/// A lookup under the provider deadline from now: a slow lookup says nothing about the attempt.
pub async fn lookup_within<T>(ctx: &Ctx<'_>, call: impl Future<Output = Lookup<T>>) -> Lookup<T> {
    match within(ctx, ctx.now_ms() + ctx.config.provider_deadline_ms, call).await {
        Timed::Answered(answer) => answer,
        Timed::NotSent | Timed::Late => Lookup::Unreachable { message: "No answer from the provider in time.".into() },
    }
}

/// An acquirer whose every call ends by its deadline (the request's `deadline_ms`; lookups and the rest: the provider
/// deadline from now).
pub struct Deadlined<A>(pub A);

#[async_trait(?Send)]
impl<A: Acquirer> Acquirer for Deadlined<A> {
    fn name(&self) -> &'static str {
        self.0.name()
    }

    async fn authorize(&self, ctx: &Ctx<'_>, req: &Authorize<'_>) -> Outcome {
        authorize_within(ctx, req.deadline_ms, self.0.authorize(ctx, req)).await
    }

    async fn lookup(&self, ctx: &Ctx<'_>, reference: &str) -> Lookup<Outcome> {
        lookup_within(ctx, self.0.lookup(ctx, reference)).await
    }

    async fn capture(&self, ctx: &Ctx<'_>, op: &Operation<'_>) -> OpOutcome {
        operation_within(ctx, op.deadline_ms, self.0.capture(ctx, op)).await
    }

    async fn void(&self, ctx: &Ctx<'_>, op: &Operation<'_>) -> OpOutcome {
        operation_within(ctx, op.deadline_ms, self.0.void(ctx, op)).await
    }

    async fn refund(&self, ctx: &Ctx<'_>, op: &Operation<'_>) -> OpOutcome {
        operation_within(ctx, op.deadline_ms, self.0.refund(ctx, op)).await
    }

    async fn cancel_refund(&self, ctx: &Ctx<'_>, reference: &str) -> OpOutcome {
        let deadline = ctx.now_ms() + ctx.config.provider_deadline_ms;
        operation_within(ctx, deadline, self.0.cancel_refund(ctx, reference)).await
    }

    async fn lookup_operation(&self, ctx: &Ctx<'_>, reference: &str) -> Lookup<OpOutcome> {
        lookup_within(ctx, self.0.lookup_operation(ctx, reference)).await
    }

    async fn vault(&self, ctx: &Ctx<'_>, reference: &str, card: &ValidCard) -> VaultOutcome {
        // A late vault moves no money: the card is simply not usable, as if the provider were down.
        match within(ctx, ctx.now_ms() + ctx.config.provider_deadline_ms, self.0.vault(ctx, reference, card)).await {
            Timed::Answered(answer) => answer,
            Timed::NotSent | Timed::Late => {
                VaultOutcome::Unavailable { message: "No answer from the provider in time.".into() }
            }
        }
    }
}
