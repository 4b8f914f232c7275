//! The sandbox as a truthful acquirer: it answers from the test card table, records every operation it received in
//! its ledger under our reference, answers a repeated reference with the recorded answer (never authorizing twice),
//! and looks up from that ledger only. Fault cards make it lose or delay answers *after* recording them, the way a
//! real network does.

use super::sandbox::{self, decline_code, decline_message, Scenario};
use super::sandbox_ledger::{self as ledger, Entry};
use super::sandbox_refunds as refunds;
use super::{Acquirer, Approval, Authorize, Instrument, Lookup, OpOutcome, Operation, Outcome, VaultOutcome};
use crate::platform::Ctx;
use crate::stmt;
use async_trait::async_trait;
use hsrc_shared::card::ValidCard;

pub struct SandboxAcquirer {
    name: &'static str,
}

impl SandboxAcquirer {
    pub const fn new(name: &'static str) -> Self {
        Self { name }
    }

    fn is_primary(&self) -> bool {
        self.name == sandbox::PRIMARY
    }

    fn unavailable(&self) -> Outcome {
        Outcome::Unavailable { message: format!("{} is unavailable (HTTP 503).", self.name) }
    }
}

/// What the provider does with one authorization: what it records (if anything) and whether its answer reaches us.
enum Plan {
    /// Refused before anything happened; nothing recorded.
    Unavailable,
    /// Record `outcome`, answer it at once.
    Answer { outcome: &'static str, hold: Option<i64> },
    /// Record `outcome` resolving at `resolve_at`, but our side never sees the answer (lost or past the deadline).
    Lost { outcome: &'static str, resolve_at: i64, why: &'static str },
}

fn decline_outcome(code: &'static str) -> &'static str {
    match code {
        "insufficient_funds" => "declined:insufficient_funds",
        "expired_card" => "declined:expired_card",
        "incorrect_cvc" => "declined:incorrect_cvc",
        _ => "declined:card_declined",
    }
}

/// Reads a recorded authorization outcome as the answer it stands for.
fn answer_of(entry: &Entry) -> Outcome {
    match entry.outcome.as_str() {
        "approved" => Outcome::Approved(Approval { captured: true, authorization_expires_at: None }),
        "approved_hold" => {
            Outcome::Approved(Approval { captured: false, authorization_expires_at: entry.hold_expires_at })
        }
        other => {
            let code = other.strip_prefix("declined:").and_then(decline_code).unwrap_or("card_declined");
            Outcome::Declined { code: code.into(), message: decline_message(code).into() }
        }
    }
}

fn op_answer_of(entry: &Entry) -> OpOutcome {
    match entry.outcome.strip_prefix("refused:") {
        None => OpOutcome::Done,
        Some(code) => OpOutcome::Refused { code: code.into(), message: decline_message(code).into() },
    }
}

impl SandboxAcquirer {
    fn plan(&self, ctx: &Ctx<'_>, scenario: Scenario, capture: bool) -> Plan {
        let approved = if capture { "approved" } else { "approved_hold" };
        let later = ctx.now_ms() + ctx.config.sandbox_async_delay_ms;
        match scenario {
            Scenario::Approve | Scenario::Challenge | Scenario::ChallengeThenResponseLost => {
                Plan::Answer { outcome: approved, hold: None }
            }
            // Refund test cards (#13): they charge like any card; their refunds differ (see sandbox_refunds).
            Scenario::ApproveRefundDeclines | Scenario::ApproveRefundAsync => {
                Plan::Answer { outcome: approved, hold: None }
            }
            Scenario::Decline(code) => Plan::Answer { outcome: decline_outcome(code), hold: None },
            Scenario::PrimaryUnavailable if self.is_primary() => Plan::Unavailable,
            Scenario::PrimaryUnavailable => Plan::Answer { outcome: approved, hold: None },
            Scenario::AllUnavailable => Plan::Unavailable,
            Scenario::TimeoutThenApprove | Scenario::ApproveAfterDeadline => {
                Plan::Lost { outcome: approved, resolve_at: later, why: "no answer before the deadline" }
            }
            Scenario::TimeoutThenDecline => Plan::Lost {
                outcome: "declined:card_declined",
                resolve_at: later,
                why: "no answer before the deadline",
            },
            Scenario::ApproveResponseLost => {
                Plan::Lost { outcome: approved, resolve_at: ctx.now_ms(), why: "connection reset by peer" }
            }
            Scenario::FallbackApproveResponseLost if self.is_primary() => Plan::Unavailable,
            Scenario::FallbackApproveResponseLost => {
                Plan::Lost { outcome: approved, resolve_at: ctx.now_ms(), why: "connection reset by peer" }
            }
            Scenario::HoldReleasedEarly => {
                Plan::Answer { outcome: approved, hold: (!capture).then(|| ctx.now_ms() + ctx.config.sandbox_hold_ms) }
            }
        }
    }

    async fn operate(&self, ctx: &Ctx<'_>, kind: &str, op: &Operation<'_>) -> OpOutcome {
        let unknown = |e: crate::platform::DbError| OpOutcome::Unknown { message: format!("{}: {e}", self.name) };
        match ledger::get(ctx, op.reference).await {
            Ok(Some(entry)) => return self.op_answer_now(ctx, &entry),
            Ok(None) => {}
            Err(e) => return OpOutcome::Unavailable { message: format!("{}: {e}", self.name) },
        }
        let mut resolve_at = ctx.now_ms();
        let outcome = match self.refusal(ctx, kind, op).await {
            Ok(None) if kind == "refund" => match refunds::profile(ctx, op.authorization).await {
                Ok(refunds::Profile::Immediate) => "done".to_string(),
                Ok(refunds::Profile::Declines) => format!("refused:{}", refunds::PROVIDER_DECLINED),
                Ok(refunds::Profile::Async) => {
                    resolve_at += ctx.config.sandbox_async_delay_ms;
                    "done".to_string()
                }
                Err(e) => return OpOutcome::Unavailable { message: format!("{}: {e}", self.name) },
            },
            Ok(None) => "done".to_string(),
            Ok(Some(code)) => format!("refused:{code}"),
            Err(e) => return OpOutcome::Unavailable { message: format!("{}: {e}", self.name) },
        };
        let entry = Entry {
            reference: op.reference.into(),
            provider: self.name.into(),
            kind: kind.into(),
            authorization: Some(op.authorization.into()),
            outcome,
            amount: op.amount,
            resolve_at,
            hold_expires_at: None,
        };
        match ledger::record(ctx, entry).await {
            Ok((entry, _)) => self.op_answer_now(ctx, &entry),
            // The write may have landed: only a lookup can tell.
            Err(e) => unknown(e),
        }
    }

    /// The answer to an operation as of now: one still in progress (an asynchronous refund) is not known yet.
    fn op_answer_now(&self, ctx: &Ctx<'_>, entry: &Entry) -> OpOutcome {
        if ctx.now_ms() < entry.resolve_at {
            return OpOutcome::Unknown { message: format!("{}: still processing this reference", self.name) };
        }
        op_answer_of(entry)
    }

    /// Why the provider refuses `kind` on the authorization, if it does.
    async fn refusal(
        &self,
        ctx: &Ctx<'_>,
        kind: &str,
        op: &Operation<'_>,
    ) -> Result<Option<&'static str>, crate::platform::DbError> {
        let Some(auth) = ledger::get(ctx, op.authorization).await? else { return Ok(Some("no_such_authorization")) };
        if auth.kind != "authorize" || !auth.outcome.starts_with("approved") || ctx.now_ms() < auth.resolve_at {
            return Ok(Some("no_such_authorization"));
        }
        let earlier = ledger::operations_on(ctx, op.authorization).await?;
        let voided = earlier.iter().any(|e| e.kind == "void" && e.outcome == "done");
        let captured = auth.outcome == "approved" || earlier.iter().any(|e| e.kind == "capture" && e.outcome == "done");
        Ok(match kind {
            "capture" if voided => Some("authorization_voided"),
            "capture" if captured => Some("already_captured"),
            "capture" if auth.hold_expires_at.is_some_and(|t| ctx.now_ms() >= t) => Some("authorization_expired"),
            "capture" if op.amount > auth.amount => Some("amount_too_large"),
            // Releasing is idempotent, and a captured charge is reversed the same day.
            "void" => None,
            "refund" if !captured => Some("not_captured"),
            _ => None,
        })
    }
}

#[async_trait(?Send)]
impl Acquirer for SandboxAcquirer {
    fn name(&self) -> &'static str {
        self.name
    }

    async fn authorize(&self, ctx: &Ctx<'_>, req: &Authorize<'_>) -> Outcome {
        let scenario = match req.instrument {
            Instrument::Card(card) => sandbox::scenario(&card.digits),
            Instrument::Vaulted(token) => match sandbox::vaulted(ctx, token).await {
                Ok(s) => s,
                Err(_) => return self.unavailable(),
            },
        };
        let Some(scenario) = scenario else {
            // Never reached for real numbers (refused before routing); a vault miss declines like an issuer would.
            return Outcome::Declined {
                code: "card_declined".into(),
                message: decline_message("card_declined").into(),
            };
        };
        if let Some(write) = refunds::remember(ctx, self.name, req.reference, refunds::profile_of(&scenario)) {
            if ctx.db.batch(vec![write]).await.is_err() {
                return self.unavailable();
            }
        }
        let (outcome, resolve_at, hold, lost) = match self.plan(ctx, scenario, req.capture) {
            Plan::Unavailable => return self.unavailable(),
            Plan::Answer { outcome, hold } => (outcome, ctx.now_ms(), hold, None),
            Plan::Lost { outcome, resolve_at, why } => (outcome, resolve_at, None, Some(why)),
        };
        let entry = Entry {
            reference: req.reference.into(),
            provider: self.name.into(),
            kind: "authorize".into(),
            authorization: None,
            outcome: outcome.into(),
            amount: req.amount,
            resolve_at,
            hold_expires_at: hold,
        };
        // Same reference, same answer: `record` keeps the first entry for a reference, so a retry of an attempt
        // gets the recorded answer and never authorizes twice.
        match (ledger::record(ctx, entry).await, lost) {
            (Ok((_, true)), Some(why)) => Outcome::Unknown { message: format!("{}: {why}", self.name) },
            (Ok((entry, _)), _) if ctx.now_ms() < entry.resolve_at => {
                Outcome::Unknown { message: format!("{}: still processing this reference", self.name) }
            }
            (Ok((entry, _)), _) => answer_of(&entry),
            // The provider may or may not have recorded it: unknown, settled by lookup.
            (Err(e), _) => Outcome::Unknown { message: format!("{}: {e}", self.name) },
        }
    }

    async fn lookup(&self, ctx: &Ctx<'_>, reference: &str) -> Lookup<Outcome> {
        match ledger::get(ctx, reference).await {
            Ok(None) => Lookup::NotFound,
            Ok(Some(e)) if e.kind != "authorize" => Lookup::NotFound,
            Ok(Some(e)) if ctx.now_ms() < e.resolve_at => Lookup::InProgress,
            Ok(Some(e)) => Lookup::Answered(answer_of(&e)),
            Err(e) => Lookup::Unreachable { message: format!("{}: {e}", self.name) },
        }
    }

    async fn capture(&self, ctx: &Ctx<'_>, op: &Operation<'_>) -> OpOutcome {
        self.operate(ctx, "capture", op).await
    }

    async fn void(&self, ctx: &Ctx<'_>, op: &Operation<'_>) -> OpOutcome {
        self.operate(ctx, "void", op).await
    }

    async fn refund(&self, ctx: &Ctx<'_>, op: &Operation<'_>) -> OpOutcome {
        self.operate(ctx, "refund", op).await
    }

    async fn lookup_operation(&self, ctx: &Ctx<'_>, reference: &str) -> Lookup<OpOutcome> {
        match ledger::get(ctx, reference).await {
            Ok(Some(e)) if e.kind != "authorize" && ctx.now_ms() < e.resolve_at => Lookup::InProgress,
            Ok(Some(e)) if e.kind != "authorize" => Lookup::Answered(op_answer_of(&e)),
            Ok(_) => Lookup::NotFound,
            Err(e) => Lookup::Unreachable { message: format!("{}: {e}", self.name) },
        }
    }

    async fn cancel_refund(&self, ctx: &Ctx<'_>, reference: &str) -> OpOutcome {
        match refunds::cancel(ctx, self.name, reference).await {
            Ok(true) => OpOutcome::Done,
            Ok(false) => {
                OpOutcome::Refused { code: "refund_settled".into(), message: "The refund has already settled.".into() }
            }
            Err(e) => OpOutcome::Unavailable { message: format!("{}: {e}", self.name) },
        }
    }

    async fn vault(&self, ctx: &Ctx<'_>, reference: &str, card: &ValidCard) -> VaultOutcome {
        // The sandbox keeps how the issuer will answer once authenticated, never the card number.
        let Some(scenario) = sandbox::scenario(&card.digits) else {
            return VaultOutcome::Unavailable { message: "The sandbox only vaults test cards.".into() };
        };
        let write = stmt!(
            "INSERT OR IGNORE INTO sandbox_operations (reference, provider, outcome, resolve_at, created_at) VALUES (?1, 'vault', ?2, ?3, ?3)",
            reference,
            scenario.after_authentication().encode(),
            ctx.now_ms()
        );
        match ctx.db.batch(vec![write]).await {
            Ok(_) => VaultOutcome::Vaulted { token: reference.into() },
            Err(e) => VaultOutcome::Unavailable { message: format!("{}: {e}", self.name) },
        }
    }
}
