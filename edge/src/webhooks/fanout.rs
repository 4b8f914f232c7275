//! Getting deliveries onto the queue: fan-out writes one delivery row per subscribed endpoint in the event's own
//! batch; after commit the new rows are queued; the cron sweep queues whatever is due (retries) or was lost
//! (a failed send, a crashed consumer). Queue messages are only delivery ids, so a duplicate or stale message is
//! harmless: the consumer re-reads the row and does nothing unless the delivery is due.

use crate::platform::{query_as, Ctx, Stmt};
use crate::stmt;
use crate::store::{self};
use hsrc_shared::api::Event;
use hsrc_shared::ApiError;
use serde::Deserialize;

use super::policy::REQUEUE_AFTER_MS;

/// One INSERT … SELECT over the merchant's enabled endpoints whose `enabled_events` contain the type or `*`: no
/// read is needed before the batch, and its `RETURNING id` names the new deliveries to queue after it (no read
/// after it either). UNIQUE(event_id, endpoint_id) plus `OR IGNORE` makes it idempotent. The delivery id is
/// derived from the event and endpoint ids, so the same pair always names the same delivery.
pub fn fan_out(ctx: &Ctx<'_>, event: &Event, merchant_id: &str) -> Vec<Stmt> {
    vec![stmt!(
        "INSERT OR IGNORE INTO webhook_deliveries \
           (id, event_id, endpoint_id, merchant_id, status, attempts, schedule_step, next_attempt_at, created_at, updated_at) \
         SELECT 'dlv_' || substr(?1, instr(?1, '_') + 1) || substr(w.id, instr(w.id, '_') + 1), ?1, w.id, w.merchant_id, \
                'pending', 0, 0, ?4, ?4, ?4 \
         FROM webhook_endpoints w \
         WHERE w.merchant_id = ?2 AND w.status = 'enabled' AND w.livemode = ?5 \
           AND EXISTS (SELECT 1 FROM json_each(w.enabled_events) j WHERE j.value = '*' OR j.value = ?3) \
         RETURNING id",
        event.id.as_str(),
        merchant_id,
        event.kind.as_str(),
        ctx.now_ms(),
        event.livemode
    )]
}

#[derive(Deserialize)]
struct IdRow {
    id: String,
}

/// Sends delivery ids to the queue and notes when. Sent first, noted second: a crash in between only risks a
/// duplicate message, which the consumer tolerates. A failed send is logged and left to the sweep.
pub async fn enqueue(ctx: &Ctx<'_>, ids: Vec<String>) -> usize {
    if ids.is_empty() {
        return 0;
    }
    let mut sent = 0;
    // Queue batches are capped (100 messages); stay well under.
    for chunk in ids.chunks(50) {
        if let Err(e) = ctx.queue.send(chunk).await {
            crate::log::error(
                "webhook_enqueue",
                &format!("{} deliveries not queued: {}", chunk.len(), e.chars().take(200).collect::<String>()),
            );
            continue;
        }
        sent += chunk.len();
        let list = store::to_json_text(&chunk);
        if let Err(e) = ctx
            .db
            .batch(vec![stmt!(
                "UPDATE webhook_deliveries SET enqueued_at = ?1 WHERE id IN (SELECT value FROM json_each(?2))",
                ctx.now_ms(),
                list
            )])
            .await
        {
            crate::log::error("webhook_enqueue", &e.to_string());
        }
    }
    sent
}

/// Queues an endpoint's due deliveries right away (after it is re-enabled).
pub async fn enqueue_due_for_endpoint(ctx: &Ctx<'_>, endpoint_id: &str) {
    let rows: Result<Vec<IdRow>, _> = query_as(
        ctx.db,
        stmt!("SELECT id FROM webhook_deliveries WHERE endpoint_id = ?1 AND status = 'pending' AND next_attempt_at <= ?2 LIMIT 500", endpoint_id, ctx.now_ms()),
    )
    .await;
    match rows {
        Ok(rows) => {
            enqueue(ctx, rows.into_iter().map(|r| r.id).collect()).await;
        }
        Err(e) => crate::log::error("webhook_enqueue", &e.to_string()),
    }
}

/// The cron sweep: queues deliveries of enabled endpoints that are due and not freshly queued — retries whose
/// time has come, rows whose first send failed or never happened, and claims whose consumer died (lease over).
pub async fn sweep(ctx: &Ctx<'_>, limit: u32) -> Result<usize, ApiError> {
    let now = ctx.now_ms();
    let rows: Vec<IdRow> = query_as(
        ctx.db,
        stmt!(
            "SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints w ON w.id = d.endpoint_id AND w.status = 'enabled' \
             WHERE ((d.status = 'pending' AND d.next_attempt_at <= ?1) OR (d.status = 'sending' AND d.lease_until < ?1)) \
               AND (d.enqueued_at IS NULL OR d.enqueued_at < d.next_attempt_at OR d.enqueued_at <= ?2) \
             ORDER BY d.next_attempt_at LIMIT ?3",
            now,
            now - REQUEUE_AFTER_MS,
            i64::from(limit)
        ),
    )
    .await
    .map_err(store::internal)?;
    Ok(enqueue(ctx, rows.into_iter().map(|r| r.id).collect()).await)
}
