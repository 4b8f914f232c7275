//! Webhook fan-out and delivery. (Placeholder: the webhooks work fills this in.)

use crate::platform::{Ctx, Stmt};
use hsrc_shared::api::Event;

/// Delivery rows for every endpoint subscribed to `event`, written in the event's batch.
pub fn fan_out(_ctx: &Ctx<'_>, _event: &Event, _merchant_id: &str) -> Vec<Stmt> {
    Vec::new()
}

/// Enqueues the pending deliveries of freshly committed events.
pub async fn enqueue_for_events(_ctx: &Ctx<'_>, _events: &[Event]) {}

/// Re-enqueues deliveries that are due (retries, and anything the queue lost). Returns how many.
pub async fn sweep(_ctx: &Ctx<'_>, _limit: u32) -> Result<usize, hsrc_shared::ApiError> {
    Ok(0)
}

/// Delivers one delivery (queue consumer): sign, POST, record the attempt, schedule the retry.
pub async fn deliver(_ctx: &Ctx<'_>, _delivery_id: &str) {}
