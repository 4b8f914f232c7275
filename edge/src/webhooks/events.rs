//! The outbox: events are written in the same D1 batch as the state change that causes them, so a change without
//! its event (or an event without its change) cannot exist. Delivery to webhook endpoints happens after commit.

use crate::platform::{Ctx, Stmt};
use crate::stmt;
use hsrc_shared::api::{Event, EventData, EventType};
use hsrc_shared::ApiError;
use serde_json::Value as Json;

/// Event types we emit ([`EventType`], named as the code has always called them).
pub mod types {
    use hsrc_shared::api::EventType;

    pub const PAYMENT_REQUIRES_ACTION: EventType = EventType::PaymentRequiresAction;
    pub const PAYMENT_SUCCEEDED: EventType = EventType::PaymentSucceeded;
    pub const PAYMENT_AUTHORIZED: EventType = EventType::PaymentAuthorized;
    pub const PAYMENT_FAILED: EventType = EventType::PaymentFailed;
    pub const PAYMENT_CANCELED: EventType = EventType::PaymentCanceled;
    pub const CHARGE_SUCCEEDED: EventType = EventType::ChargeSucceeded;
    pub const CHARGE_DECLINED: EventType = EventType::ChargeDeclined;
    pub const CHARGE_FAILED: EventType = EventType::ChargeFailed;
    pub const SESSION_COMPLETED: EventType = EventType::SessionCompleted;
    pub const SESSION_EXPIRED: EventType = EventType::SessionExpired;
    pub const SESSION_CANCELLED: EventType = EventType::SessionCancelled;
    pub const SESSION_FAILED: EventType = EventType::SessionFailed;
    pub const REFUND_CREATED: EventType = EventType::RefundCreated;
    pub const REFUND_SUCCEEDED: EventType = EventType::RefundSucceeded;
    pub const REFUND_FAILED: EventType = EventType::RefundFailed;
    pub const REFUND_CANCELLED: EventType = EventType::RefundCancelled;
    pub const PAYMENT_REFUNDED: EventType = EventType::PaymentRefunded;

    pub const ALL: &[EventType] = EventType::ALL;
}

/// An event about to be written.
pub struct NewEvent<'a> {
    pub kind: EventType,
    pub merchant_id: &'a str,
    pub livemode: bool,
    pub payment_id: Option<&'a str>,
    pub checkout_session_id: Option<&'a str>,
    pub object: Json,
}

/// Collects the events of one state change; `statements` go into the change's batch.
#[derive(Default)]
pub struct Outbox {
    pub events: Vec<Event>,
    pub statements: Vec<Stmt>,
    /// Where in `statements` the fan-outs are (their `RETURNING id` are the new deliveries, see [`Outbox::run`]).
    fan_outs: Vec<usize>,
}

impl Outbox {
    pub fn push(&mut self, ctx: &Ctx<'_>, new: NewEvent<'_>) {
        self.push_about_refund(ctx, new, None);
    }

    /// Same, for an event about a refund (`refund.*`, `payment.refunded`): the envelope names it as `refundId`.
    pub fn push_about_refund(&mut self, ctx: &Ctx<'_>, new: NewEvent<'_>, refund_id: Option<&str>) {
        let event = Event {
            id: ctx.new_id("evt").into(),
            object: "event".into(),
            kind: new.kind,
            created_at: ctx.now_s(),
            payment_id: new.payment_id.map(str::to_string).map(Into::into),
            checkout_session_id: new.checkout_session_id.map(str::to_string).map(Into::into),
            request_id: Some(ctx.request_id.clone()),
            refund_id: refund_id.map(str::to_string).map(Into::into),
            livemode: new.livemode,
            data: EventData { object: new.object },
        };
        self.statements.push(stmt!(
            "INSERT INTO events (id, merchant_id, type, payment_id, checkout_session_id, request_id, livemode, data, created_at, refund_id) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            event.id.as_str(),
            new.merchant_id,
            new.kind.as_str(),
            new.payment_id,
            new.checkout_session_id,
            ctx.request_id.as_str(),
            new.livemode,
            serde_json::json!({ "object": event.data.object }).to_string(),
            ctx.now_ms(),
            refund_id
        ));
        for fan_out in crate::webhooks::fan_out(ctx, &event, new.merchant_id) {
            self.fan_outs.push(self.statements.len());
            self.statements.push(fan_out);
        }
        self.events.push(event);
    }

    /// Runs a state change's `statements` with these events in one batch, then publishes them. A lost race (the
    /// batch's guard) is a 409 with `conflict`.
    pub async fn commit(self, ctx: &Ctx<'_>, statements: Vec<Stmt>, conflict: &str) -> Result<(), ApiError> {
        self.run(ctx, statements).await.map_err(|e| crate::store::conflict_or_internal(e, conflict))
    }

    /// Runs `statements` and then these events' statements in one transaction, and queues the deliveries the
    /// fan-out returned: the commit's own round trip names them, so no read follows it (the cron sweep queues any
    /// this misses).
    pub async fn run(self, ctx: &Ctx<'_>, mut statements: Vec<Stmt>) -> Result<(), crate::platform::DbError> {
        let offset = statements.len();
        statements.extend(self.statements);
        let mut rows = ctx.db.batch_rows(statements).await?;
        let ids = self
            .fan_outs
            .iter()
            .filter_map(|at| rows.get_mut(offset + at).map(std::mem::take))
            .flatten()
            .filter_map(|row| row.get("id").and_then(|id| id.as_str()).map(str::to_string))
            .collect();
        crate::webhooks::enqueue_deliveries(ctx, ids).await;
        Ok(())
    }
}
