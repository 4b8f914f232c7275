//! The payments domain (#17): the engine — everything that talks to a provider or settles what a provider said.
//!
//! The rules every module here keeps (#12):
//! - **Attempt before call.** A charge row is written `pending` (with the provider reference it will send) in a
//!   guarded batch before its provider call; capture and void write their `payment_operations` row the same way.
//! - **Same reference, same answer.** The reference is derived from (payment, attempt number) and sent on every retry.
//! - **Unknown is not failed.** An unknown outcome never falls back and is never written off: only a positive "no
//!   such attempt" from the provider's lookup, after the write-off window (well past the provider deadline), is.
//! - **Every waiting state is reconciled** by the cron job, in order, with a cursor, one row's error never stopping
//!   the rest.
//!
//! Modules: `confirm` (the one confirm, and the checkout payer's prelude), `api_confirm` / `api_payments` (API-only
//! payments, #15), `methods` (tokenised cards), `installments`, `resource` (the merchant's reads, capture, void),
//! `route` (walks the provider list, never names a provider), `settle` (writes an outcome onto the charge, payment
//! and its owner with their events), `owner` (session or API-only), `challenge` (3DS), `reconcile` (lookups of
//! waiting charges), `operations` (capture, void, authorization expiry, late approvals), `cursor`, `ride` (the
//! payer's idempotency key written by the engine's own batches).

pub mod api_confirm;
pub mod api_payments;
pub mod challenge;
pub mod confirm;
pub mod cursor;
pub mod customer_cards;
pub mod installments;
pub mod methods;
pub mod operations;
pub mod owner;
pub mod payer_view;
pub mod reconcile;
pub mod resource;
pub mod ride;
pub mod route;
pub mod settle;

pub use resource::{
    api_object, api_object_from, api_object_with, api_object_with_metadata, capture, charges, list, load_for_merchant,
    load_row, request_ids, retrieve, trail, void, Trail,
};

use crate::platform::{Ctx, Stmt};
use crate::providers::{Approval, Outcome};
use crate::records::{ChargeRow, SessionRow};
use crate::sessions::transitions::timeline;
use crate::stmt;
use crate::webhooks::events::NewEvent;
use hsrc_shared::lifecycle::ChargeStatus;

/// What an attempt came to, once known. (An unknown outcome is not a verdict: the charge keeps waiting.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Approved(Approval),
    Declined {
        code: String,
        message: String,
    },
    /// The provider did nothing: unavailable, or it has no record of the attempt (written off).
    Failed {
        message: String,
    },
}

impl Verdict {
    /// `None` for an unknown outcome.
    pub fn of(outcome: &Outcome) -> Option<Self> {
        match outcome {
            Outcome::Approved(a) => Some(Self::Approved(a.clone())),
            Outcome::Declined { code, message } => {
                Some(Self::Declined { code: code.clone(), message: message.clone() })
            }
            Outcome::Unavailable { message } => Some(Self::Failed { message: message.clone() }),
            Outcome::Unknown { .. } => None,
        }
    }

    /// The charge's status for this verdict.
    pub fn charge_status(&self) -> ChargeStatus {
        match self {
            Self::Approved(Approval { captured: true, .. }) => ChargeStatus::Succeeded,
            Self::Approved(_) => ChargeStatus::Authorized,
            Self::Declined { .. } => ChargeStatus::Declined,
            Self::Failed { .. } => ChargeStatus::Failed,
        }
    }
}

/// `charge` resolved by `verdict` (in memory; [`resolve_charge`] writes it).
pub fn resolved(ctx: &Ctx<'_>, charge: &ChargeRow, verdict: &Verdict) -> ChargeRow {
    let (code, message) = match verdict {
        Verdict::Approved(_) => (None, None),
        Verdict::Declined { code, message } => (Some(code.clone()), Some(message.clone())),
        Verdict::Failed { message } => (Some("processing_error".to_string()), Some(message.clone())),
    };
    let authorization_expires_at = match verdict {
        // Our own limit (7 days by default) or the issuer's release, whichever comes first.
        Verdict::Approved(Approval { captured: false, authorization_expires_at }) => {
            let ours = ctx.now_ms() + ctx.config.authorization_ttl_ms;
            Some(authorization_expires_at.map_or(ours, |theirs| theirs.min(ours)))
        }
        _ => None,
    };
    ChargeRow {
        status: verdict.charge_status(),
        decline_code: code,
        message,
        latency_ms: Some(ctx.now_ms() - charge.created_at),
        resolved_at: Some(ctx.now_ms()),
        version: charge.version + 1,
        authorization_expires_at,
        ..charge.clone()
    }
}

/// A new charge row (an attempt about to be sent, or waiting on the payer's challenge).
pub fn insert_charge(ctx: &Ctx<'_>, c: &ChargeRow) -> Vec<Stmt> {
    vec![
        stmt!(
            "INSERT INTO charges (id, payment_id, sequence, provider, status, amount, decline_code, message, latency_ms, provider_reference, request_id, created_at, resolved_at, version, installments) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            c.id.as_str(),
            c.payment_id.as_str(),
            c.sequence,
            c.provider.as_str(),
            c.status.as_str(),
            c.amount,
            c.decline_code.clone(),
            c.message.clone(),
            c.latency_ms,
            c.provider_reference.clone(),
            c.request_id.clone(),
            c.created_at,
            c.resolved_at,
            c.version,
            c.installments.as_ref().map(crate::store::to_json_text)
        ),
        timeline(ctx, "charge", &c.id, None, c.status.as_str()),
    ]
}

/// Moves a stored charge from `from` to what `after` says, guarded: the batch aborts if the row moved meanwhile.
pub fn update_charge(ctx: &Ctx<'_>, after: &ChargeRow, from: ChargeStatus) -> Vec<Stmt> {
    vec![
        stmt!(
            "UPDATE charges SET status = ?1, decline_code = ?2, message = ?3, latency_ms = ?4, resolved_at = ?5, \
             version = ?6, authorization_expires_at = ?7, written_off_at = ?8 WHERE id = ?9 AND status = ?10",
            after.status.as_str(),
            after.decline_code.clone(),
            after.message.clone(),
            after.latency_ms,
            after.resolved_at,
            after.version,
            after.authorization_expires_at,
            after.written_off_at,
            after.id.as_str(),
            from.as_str()
        ),
        Stmt::cas_guard(),
        timeline(ctx, "charge", &after.id, Some(from.as_str()), after.status.as_str()),
    ]
}

/// An event about the session's payment.
pub fn event<'a>(
    kind: hsrc_shared::api::EventType,
    session: &'a SessionRow,
    object: serde_json::Value,
) -> NewEvent<'a> {
    NewEvent {
        kind,
        merchant_id: &session.merchant_id,
        livemode: session.livemode,
        payment_id: Some(&session.payment_id),
        checkout_session_id: Some(&session.id),
        object,
    }
}

/// Runs one after-response job (the Worker's `wait_until`, or the native test driving the queue). Failures are
/// logged only: the cron job reconciles whatever a job leaves.
pub async fn run_after_response(ctx: &Ctx<'_>, job: crate::platform::AfterResponse) {
    match job {
        crate::platform::AfterResponse::Reconcile { merchant_id, session_id } => {
            let result = async {
                let session = crate::sessions::load(ctx, &merchant_id, &session_id).await?;
                reconcile::reconcile_if_waiting(ctx, session).await
            }
            .await;
            if let Err(e) = result {
                crate::log::error("after_response", &format!("{session_id}: {}", e.code));
            }
        }
        crate::platform::AfterResponse::ReconcilePayment { payment_id } => {
            let result = async {
                let payment = crate::payments::load_row(ctx, &payment_id).await?;
                reconcile::reconcile_payment_if_waiting(ctx, payment).await
            }
            .await;
            if let Err(e) = result {
                crate::log::error("after_response", &format!("{payment_id}: {}", e.code));
            }
        }
    }
}
