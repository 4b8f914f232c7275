//! Retention: keeps D1 from growing without bound. Run by the cron (`scheduled::run`):
//! - idempotency keys past their 24 h life (`idempotency::KEY_TTL_MS`) are deleted;
//! - events older than `Config::event_retention_ms` (default 30 days, like Stripe's event retention) are deleted
//!   with their webhook deliveries and delivery attempts, but only once every delivery of the event is final
//!   (succeeded, failed or cancelled): an event still owed to an endpoint is never purged.
//!
//! Sessions, payments, charges and transitions are the system of record and are never purged here.
//!
//! D1 has one writer per database, so every batch is one short transaction of at most `batch` rows of a kind
//! (a few milliseconds): payments queue behind one batch, never behind the whole purge. A run stops after
//! `max_batches` batches per kind or `budget_ms` of its own time, whichever comes first; the next cron run goes on
//! where it stopped (always the oldest rows first).

use crate::platform::{query_as, Ctx};
use crate::stmt;
use crate::store;
use hsrc_shared::ApiError;
use serde::{Deserialize, Serialize};

/// How much one run may do.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Rows per transaction: idempotency keys per DELETE, events per batch (with their deliveries and attempts).
    pub batch: u32,
    /// Batches per kind per run.
    pub max_batches: u32,
    /// Wall-clock budget of one run, checked between batches.
    pub budget_ms: i64,
}

impl Default for Limits {
    fn default() -> Self {
        Self { batch: 200, max_batches: 25, budget_ms: 5_000 }
    }
}

/// What a run deleted.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct Purged {
    pub idempotency_keys: u64,
    pub events: u64,
    pub deliveries: u64,
    pub attempts: u64,
    pub batches: u32,
    /// The run stopped at a limit with rows still due (the next run continues).
    pub more: bool,
}

#[derive(Deserialize)]
struct Id {
    id: String,
}

/// One retention run: idempotency keys first (the cheap, high-volume kind), then events.
pub async fn run(ctx: &Ctx<'_>, limits: Limits) -> Result<Purged, ApiError> {
    let started = ctx.now_ms();
    let within_budget = |ctx: &Ctx<'_>| ctx.now_ms() - started < limits.budget_ms;
    let mut out = Purged::default();

    // A full batch means more may be due: go on while the limits allow, else leave it to the next run.
    let (mut full, mut batches) = (true, 0);
    while full && batches < limits.max_batches && within_budget(ctx) {
        let n = purge_idempotency_batch(ctx, limits.batch).await?;
        out.idempotency_keys += n;
        full = n == u64::from(limits.batch);
        batches += 1;
    }
    out.more |= full;
    out.batches += batches;

    let cutoff = ctx.now_ms() - ctx.config.event_retention_ms;
    let (mut full, mut batches) = (true, 0);
    while full && batches < limits.max_batches && within_budget(ctx) {
        let ids = events_due(ctx, cutoff, limits.batch).await?;
        full = ids.len() as u64 == u64::from(limits.batch);
        if ids.is_empty() {
            break;
        }
        let (attempts, deliveries, events) = purge_events(ctx, &ids).await?;
        out.attempts += attempts;
        out.deliveries += deliveries;
        out.events += events;
        batches += 1;
    }
    out.more |= full;
    out.batches += batches;
    Ok(out)
}

/// Deletes up to `batch` expired idempotency keys, oldest first (index `idempotency_by_expiry`).
async fn purge_idempotency_batch(ctx: &Ctx<'_>, batch: u32) -> Result<u64, ApiError> {
    let changed = ctx
        .db
        .batch(vec![stmt!(
            "DELETE FROM idempotency_keys WHERE rowid IN \
             (SELECT rowid FROM idempotency_keys WHERE expires_at <= ?1 ORDER BY expires_at LIMIT ?2)",
            ctx.now_ms(),
            batch
        )])
        .await
        .map_err(store::internal)?;
    Ok(changed.first().copied().unwrap_or(0))
}

/// The oldest events past the cutoff with no delivery still owed (index `events_by_created`, migration 0009).
async fn events_due(ctx: &Ctx<'_>, cutoff: i64, batch: u32) -> Result<Vec<String>, ApiError> {
    let rows: Vec<Id> = query_as(
        ctx.db,
        stmt!(
            "SELECT e.id FROM events e WHERE e.created_at < ?1 AND NOT EXISTS \
             (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id AND d.status IN ('pending', 'sending')) \
             ORDER BY e.created_at LIMIT ?2",
            cutoff,
            batch
        ),
    )
    .await
    .map_err(store::internal)?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// The ids of `ids` that still have no delivery owed, re-checked inside the transaction: a resend between the read
/// and this batch keeps its event.
const STILL_FINAL: &str = "WITH gone(id) AS (SELECT value FROM json_each(?1) WHERE NOT EXISTS \
     (SELECT 1 FROM webhook_deliveries p WHERE p.event_id = value AND p.status IN ('pending', 'sending')))";

/// Attempts, then deliveries, then events (the foreign keys' order), in one transaction.
async fn purge_events(ctx: &Ctx<'_>, ids: &[String]) -> Result<(u64, u64, u64), ApiError> {
    let ids = store::to_json_text(&ids);
    let changed = ctx
        .db
        .batch(vec![
            stmt!(
                format!(
                    "{STILL_FINAL} DELETE FROM delivery_attempts WHERE delivery_id IN \
                     (SELECT d.id FROM webhook_deliveries d WHERE d.event_id IN (SELECT id FROM gone))"
                ),
                ids.as_str()
            ),
            stmt!(
                format!("{STILL_FINAL} DELETE FROM webhook_deliveries WHERE event_id IN (SELECT id FROM gone)"),
                ids.as_str()
            ),
            stmt!(format!("{STILL_FINAL} DELETE FROM events WHERE id IN (SELECT id FROM gone)"), ids.as_str()),
        ])
        .await
        .map_err(store::internal)?;
    let at = |i: usize| changed.get(i).copied().unwrap_or(0);
    Ok((at(0), at(1), at(2)))
}
