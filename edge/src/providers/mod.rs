//! Payment providers behind one seam, [`Acquirer`]. Routing and the payments engine see only this trait and the
//! outcome types; which acquirer serves a provider name is decided here, in [`acquirer`]. Adding a live acquirer is
//! one new file implementing the trait plus one line in that table (and the name in a merchant's provider list).
//! The table wraps every acquirer in [`deadline::Deadlined`], so each call ends by the request's `deadline_ms`
//! with the money classification of a late answer: an acquirer file never writes a timer of its own.
//!
//! Every call carries *our* reference for the operation, derived from the payment and the attempt number, and the
//! same reference is sent on every retry of that attempt: the acquirer answers a repeated reference with the answer
//! it already gave and never authorizes twice. That is what makes "ask again" safe after an unknown outcome.

pub mod deadline;
pub mod sandbox;
pub mod sandbox_acquirer;
mod sandbox_ledger;
pub mod sandbox_refunds;

use crate::platform::Ctx;
use async_trait::async_trait;
use hsrc_shared::card::ValidCard;

/// What the provider is asked to charge.
#[derive(Clone, Copy)]
pub enum Instrument<'a> {
    /// Card data in memory, straight from the form.
    Card(&'a ValidCard),
    /// A card the provider already holds (3DS step, tokenised card), by the token [`Acquirer::vault`] returned.
    Vaulted(&'a str),
}

/// Our reference for one authorization attempt: `(payment, attempt number)`, stable across retries of the attempt.
pub fn attempt_reference(payment_id: &str, sequence: i64) -> String {
    format!("{payment_id}.a{sequence}")
}

/// Our reference for a money operation on an authorization (`capture`, `void`, `refund`) and its number.
pub fn operation_reference(payment_id: &str, kind: &str, sequence: i64) -> String {
    format!("{payment_id}.{kind}{sequence}")
}

/// One authorization attempt.
pub struct Authorize<'a> {
    /// Our attempt reference ([`attempt_reference`]); the acquirer's idempotency key.
    pub reference: &'a str,
    pub instrument: Instrument<'a>,
    /// Minor units of `currency`.
    pub amount: i64,
    pub currency: &'a str,
    /// Automatic capture (`true`) or an authorization hold to capture later.
    pub capture: bool,
    /// Hard deadline for the answer, ms since the epoch: past it the acquirer gives up and reports
    /// [`Outcome::Unknown`]. Always well below the write-off window so no call is still in flight when we decide.
    pub deadline_ms: i64,
}

/// A money operation on an authorization made earlier: capture, void or refund.
pub struct Operation<'a> {
    /// Our reference for this operation ([`operation_reference`]); the acquirer's idempotency key.
    pub reference: &'a str,
    /// The attempt reference of the authorization it acts on.
    pub authorization: &'a str,
    pub amount: i64,
    pub currency: &'a str,
    pub deadline_ms: i64,
}

/// An approval: money is captured, or held until `authorization_expires_at` (the issuer releases it then).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    pub captured: bool,
    /// When the issuer releases an uncaptured hold (ms since the epoch), if the acquirer says.
    pub authorization_expires_at: Option<i64>,
}

/// The answer to an authorization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Approved(Approval),
    /// The issuer declined: final for this card, never retried at another provider.
    Declined {
        code: String,
        message: String,
    },
    /// Nothing happened (refused before sending, connection refused, 503 with no side effect): the next provider may
    /// be tried.
    Unavailable {
        message: String,
    },
    /// The request may have reached the provider and we did not get its answer (timeout past the deadline,
    /// connection reset, 5xx after sending). Never fall back, never write off: reconcile by [`Acquirer::lookup`].
    Unknown {
        message: String,
    },
}

impl Outcome {
    /// Only "nothing happened" lets routing move to the next provider.
    pub fn may_try_next_provider(&self) -> bool {
        matches!(self, Self::Unavailable { .. })
    }
}

/// The answer to a capture, void or refund.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpOutcome {
    Done,
    /// The provider refused it (e.g. the authorization already expired): final.
    Refused {
        code: String,
        message: String,
    },
    /// Nothing happened: safe to send again later with the same reference.
    Unavailable {
        message: String,
    },
    /// May have happened: reconcile by [`Acquirer::lookup_operation`].
    Unknown {
        message: String,
    },
}

/// What the provider's ledger says about one of our references.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup<T> {
    /// The provider positively has no operation under this reference: nothing happened. The only ground for
    /// writing an attempt off.
    NotFound,
    /// Received and still being processed: ask again later.
    InProgress,
    /// The final answer (never `Unavailable`/`Unknown`).
    Answered(T),
    /// We could not ask (provider down, timeout): ask again later; says nothing about the attempt.
    Unreachable { message: String },
}

/// The answer to [`Acquirer::vault`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VaultOutcome {
    /// The provider holds the card under `token`; use it as [`Instrument::Vaulted`].
    Vaulted {
        token: String,
    },
    Unavailable {
        message: String,
    },
}

/// A payment provider. Implementations never store or log card data; they only return outcomes (no `Result`: every
/// failure is one of the outcomes, classified by whether something may have happened at the provider).
#[async_trait(?Send)]
pub trait Acquirer: Sync {
    /// The provider name merchants list (`merchants.providers`).
    fn name(&self) -> &'static str;

    async fn authorize(&self, ctx: &Ctx<'_>, req: &Authorize<'_>) -> Outcome;

    /// How the authorization attempt `reference` ended at the provider.
    async fn lookup(&self, ctx: &Ctx<'_>, reference: &str) -> Lookup<Outcome>;

    async fn capture(&self, ctx: &Ctx<'_>, op: &Operation<'_>) -> OpOutcome;

    /// Releases an uncaptured authorization.
    async fn void(&self, ctx: &Ctx<'_>, op: &Operation<'_>) -> OpOutcome;

    async fn refund(&self, ctx: &Ctx<'_>, op: &Operation<'_>) -> OpOutcome;

    /// Cancels the refund `reference` if the provider has not paid it out yet (issue #13): `Done` when it is
    /// cancelled (a later call with that reference is refused), `Refused` when it has already settled (ask
    /// [`Acquirer::lookup_operation`] how). Acquirers without the feature refuse.
    async fn cancel_refund(&self, _ctx: &Ctx<'_>, _reference: &str) -> OpOutcome {
        OpOutcome::Refused {
            code: "cancel_not_supported".into(),
            message: "This provider cannot cancel refunds.".into(),
        }
    }

    /// How the capture, void or refund `reference` ended at the provider.
    async fn lookup_operation(&self, ctx: &Ctx<'_>, reference: &str) -> Lookup<OpOutcome>;

    /// Hands the card to the provider to keep under `reference` (3DS step, tokenised cards); the token it returns
    /// is what later authorizations send instead of card data.
    async fn vault(&self, ctx: &Ctx<'_>, reference: &str, card: &ValidCard) -> VaultOutcome;
}

static SANDBOX_PRIMARY: deadline::Deadlined<sandbox_acquirer::SandboxAcquirer> =
    deadline::Deadlined(sandbox_acquirer::SandboxAcquirer::new(sandbox::PRIMARY));
static SANDBOX_FALLBACK: deadline::Deadlined<sandbox_acquirer::SandboxAcquirer> =
    deadline::Deadlined(sandbox_acquirer::SandboxAcquirer::new(sandbox::FALLBACK));

/// The acquirer serving provider `name`, or `None` for a name nobody implements.
pub fn acquirer(name: &str) -> Option<&'static dyn Acquirer> {
    let all: [&'static dyn Acquirer; 2] = [&SANDBOX_PRIMARY, &SANDBOX_FALLBACK];
    all.into_iter().find(|a| a.name() == name)
}

/// The provider names a merchant may list.
pub fn known_providers() -> [&'static str; 2] {
    [sandbox::PRIMARY, sandbox::FALLBACK]
}
