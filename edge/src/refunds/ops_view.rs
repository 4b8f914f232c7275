//! What the operations console shows of a payment's refunds: the refunds with their attempts, the amounts for the
//! "Paid?" verdict and the refund action, and timeline entries (refunds keep their history in their own rows, not
//! in `transitions`, whose entity CHECK predates them).

use super::{settle, store};
use crate::platform::Ctx;
use crate::records::PaymentRow;
use hsrc_shared::api::ops::{OpsPayment, TimelineEntry};
use hsrc_shared::api::refunds::RefundAttemptStatus;
use hsrc_shared::lifecycle::PaymentStatus;
use hsrc_shared::refund::{PaymentRefundStatus, RefundStatus};
use hsrc_shared::ApiError;

pub struct RefundsView {
    pub refunds: Vec<store::RefundRow>,
    pub attempts: Vec<store::AttemptRow>,
    pub refunded: i64,
    pub pending: i64,
}

/// A payment's refunds, pending ones first brought up to date with the provider (like every merchant read).
pub async fn load(ctx: &Ctx<'_>, payment_id: &str) -> Result<RefundsView, ApiError> {
    let mut refunds = store::for_payment(ctx, payment_id).await?;
    if refunds.iter().any(|r| r.status == RefundStatus::Pending) {
        settle::refresh_payment(ctx, payment_id).await?;
        refunds = store::for_payment(ctx, payment_id).await?;
    }
    let ids: Vec<&str> = refunds.iter().map(|r| r.id.as_str()).collect();
    let attempts = store::attempts(ctx, &ids).await?;
    let sum = |s: RefundStatus| refunds.iter().filter(|r| r.status == s).map(|r| r.amount).sum();
    let (refunded, pending) = (sum(RefundStatus::Succeeded), sum(RefundStatus::Pending));
    Ok(RefundsView { refunds, attempts, refunded, pending })
}

impl RefundsView {
    pub fn status(&self, captured: i64) -> PaymentRefundStatus {
        PaymentRefundStatus::of(captured, self.refunded)
    }

    /// What a new refund may take now (0 unless the payment is `SUCCEEDED`).
    pub fn refundable(&self, payment: &PaymentRow) -> i64 {
        if payment.status != PaymentStatus::Succeeded {
            return 0;
        }
        (payment.amount_captured - self.refunded - self.pending).max(0)
    }

    pub fn fill(&self, p: &mut OpsPayment) {
        p.amount_refunded = self.refunded;
        p.refund_status = self.status(p.amount_captured);
        p.refunds = self.refunds.iter().map(|r| r.to_api(&self.attempts)).collect();
    }

    /// Creation and settlement of each refund and each provider attempt, as timeline entries.
    pub fn timeline(&self) -> Vec<TimelineEntry> {
        let mut out = Vec::new();
        let entry = |entity: &str, id: &str, from: Option<&str>, to: &str, request_id: Option<&String>, at: i64| {
            TimelineEntry {
                entity: entity.into(),
                entity_id: id.into(),
                from_status: from.map(str::to_string),
                to_status: to.into(),
                request_id: request_id.cloned(),
                at_ms: at,
            }
        };
        for r in &self.refunds {
            out.push(entry("refund", &r.id, None, RefundStatus::Pending.as_str(), r.request_id.as_ref(), r.created_at));
            if r.status.is_terminal() {
                out.push(entry("refund", &r.id, Some("PENDING"), r.status.as_str(), None, r.updated_at));
            }
        }
        for a in &self.attempts {
            let pending = RefundAttemptStatus::Pending.as_str();
            out.push(entry("refund_attempt", &a.id, None, pending, a.request_id.as_ref(), a.created_at));
            if let Some(at) = a.resolved_at {
                out.push(entry("refund_attempt", &a.id, Some(pending), a.status.as_str(), None, at));
            }
        }
        out
    }
}
