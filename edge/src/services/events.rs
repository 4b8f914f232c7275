//! The outbox: events are written in the same D1 batch as the state change that causes them, so a change without
//! its event (or an event without its change) cannot exist. Delivery to webhook endpoints happens after commit.

use crate::platform::{Ctx, Stmt};
use crate::stmt;
use hsrc_shared::api::{Event, EventData};
use serde_json::Value as Json;

/// Event types we emit. Stable wire names: merchants switch on them.
pub mod types {
    pub const PAYMENT_REQUIRES_ACTION: &str = "payment.requires_action";
    pub const PAYMENT_SUCCEEDED: &str = "payment.succeeded";
    pub const PAYMENT_AUTHORIZED: &str = "payment.authorized";
    pub const PAYMENT_FAILED: &str = "payment.failed";
    pub const PAYMENT_CANCELED: &str = "payment.canceled";
    pub const CHARGE_SUCCEEDED: &str = "charge.succeeded";
    pub const CHARGE_DECLINED: &str = "charge.declined";
    pub const CHARGE_FAILED: &str = "charge.failed";
    pub const SESSION_COMPLETED: &str = "checkout_session.completed";
    pub const SESSION_EXPIRED: &str = "checkout_session.expired";
    pub const SESSION_CANCELLED: &str = "checkout_session.cancelled";
    pub const SESSION_FAILED: &str = "checkout_session.failed";
    pub const REFUND_CREATED: &str = "refund.created";
    pub const REFUND_SUCCEEDED: &str = "refund.succeeded";
    pub const REFUND_FAILED: &str = "refund.failed";
    pub const REFUND_CANCELLED: &str = "refund.cancelled";
    pub const PAYMENT_REFUNDED: &str = "payment.refunded";

    pub const ALL: [&str; 17] = [
        PAYMENT_REQUIRES_ACTION,
        PAYMENT_SUCCEEDED,
        PAYMENT_AUTHORIZED,
        PAYMENT_FAILED,
        PAYMENT_CANCELED,
        CHARGE_SUCCEEDED,
        CHARGE_DECLINED,
        CHARGE_FAILED,
        SESSION_COMPLETED,
        SESSION_EXPIRED,
        SESSION_CANCELLED,
        SESSION_FAILED,
        REFUND_CREATED,
        REFUND_SUCCEEDED,
        REFUND_FAILED,
        REFUND_CANCELLED,
        PAYMENT_REFUNDED,
    ];
}

/// An event about to be written.
pub struct NewEvent<'a> {
    pub kind: &'static str,
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
}

impl Outbox {
    pub fn push(&mut self, ctx: &Ctx<'_>, new: NewEvent<'_>) {
        self.push_about_refund(ctx, new, None);
    }

    /// Same, for an event about a refund (`refund.*`, `payment.refunded`): the envelope names it as `refundId`.
    pub fn push_about_refund(&mut self, ctx: &Ctx<'_>, new: NewEvent<'_>, refund_id: Option<&str>) {
        let event = Event {
            id: ctx.new_id("evt"),
            object: "event".into(),
            kind: new.kind.to_string(),
            created_at: ctx.now_s(),
            payment_id: new.payment_id.map(str::to_string),
            checkout_session_id: new.checkout_session_id.map(str::to_string),
            request_id: Some(ctx.request_id.clone()),
            refund_id: refund_id.map(str::to_string),
            livemode: new.livemode,
            data: EventData { object: new.object },
        };
        self.statements.push(stmt!(
            "INSERT INTO events (id, merchant_id, type, payment_id, checkout_session_id, request_id, livemode, data, created_at, refund_id) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            event.id.as_str(),
            new.merchant_id,
            new.kind,
            new.payment_id,
            new.checkout_session_id,
            ctx.request_id.as_str(),
            new.livemode,
            serde_json::json!({ "object": event.data.object }).to_string(),
            ctx.now_ms(),
            refund_id
        ));
        self.statements.extend(crate::services::webhooks::fan_out(ctx, &event, new.merchant_id));
        self.events.push(event);
    }

    /// After the batch committed: hand the new deliveries to the queue (the cron sweep catches any we miss).
    pub async fn publish(self, ctx: &Ctx<'_>) {
        crate::services::webhooks::enqueue_for_events(ctx, &self.events).await;
    }
}
