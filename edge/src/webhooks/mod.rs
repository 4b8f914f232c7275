//! Webhooks: events from the outbox delivered at least once to every subscribed endpoint, signed per Standard
//! Webhooks, retried with back-off for about three days, every attempt recorded.
//!
//! The path of one event: `Outbox::push` adds [`fan_out`]'s INSERT to the state change's batch (one `pending`
//! delivery row per subscribed endpoint, `RETURNING` its id) → after commit [`enqueue_deliveries`] puts those ids on the
//! `WEBHOOKS` queue → the consumer calls [`deliver`] per message → failures are rescheduled on the row and the
//! cron [`sweep`] queues them again when due (and anything the queue lost).
//!
//! - `policy`: the rules (success, 410, back-off with jitter, disabling) as pure functions.
//! - `endpoints`: the endpoint resource and its secrets.
//! - `fanout`: fan-out, enqueueing, the sweep.
//! - `delivery`: one attempt (claim, sign, POST, record).
//! - `deliveries`: delivery history and resend.
//! - `event_log`: reading events back.

pub mod deliveries;
pub mod delivery;
pub mod endpoints;
pub mod event_log;
pub mod events;
pub mod fanout;
pub mod policy;

use crate::platform::{Ctx, Stmt};
use hsrc_shared::api::Event;

/// Error codes of the webhook routes live with every other code in [`hsrc_shared::error::ErrorCode`].
pub use hsrc_shared::codes;

/// Delivery rows for every endpoint subscribed to `event`, written in the event's batch.
pub fn fan_out(ctx: &Ctx<'_>, event: &Event, merchant_id: &str) -> Vec<Stmt> {
    fanout::fan_out(ctx, event, merchant_id)
}

/// Queues deliveries a committed batch created (their ids from its fan-out's `RETURNING`).
pub async fn enqueue_deliveries(ctx: &Ctx<'_>, ids: Vec<String>) {
    fanout::enqueue(ctx, ids).await;
}

/// Re-enqueues deliveries that are due (retries, and anything the queue lost). Returns how many.
pub async fn sweep(ctx: &Ctx<'_>, limit: u32) -> Result<usize, hsrc_shared::ApiError> {
    fanout::sweep(ctx, limit).await
}

/// Delivers one delivery (queue consumer): sign, POST, record the attempt, schedule the retry.
pub async fn deliver(ctx: &Ctx<'_>, delivery_id: &str) {
    delivery::deliver(ctx, delivery_id).await;
}
