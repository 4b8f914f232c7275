//! The cron job: expiry, settling timed-out and abandoned payments, webhook retries, housekeeping. Each step is
//! bounded per run and independent, so one failing step never starves the others.

use crate::platform::Ctx;
use crate::services::{confirm, idempotency, sessions, webhooks};

const BATCH: u32 = 100;

#[derive(Debug, Default, serde::Serialize)]
pub struct RunReport {
    pub expired: usize,
    pub settled: usize,
    pub webhooks_enqueued: usize,
    pub errors: Vec<String>,
}

pub async fn run(ctx: &Ctx<'_>) -> RunReport {
    let mut report = RunReport::default();
    match sessions::due_for_expiry(ctx, BATCH).await {
        Ok(due) => {
            for s in due {
                match sessions::expire_if_due(ctx, s).await {
                    Ok(after) if after.status == hsrc_shared::lifecycle::SessionStatus::Expired => report.expired += 1,
                    Ok(_) => {}
                    Err(e) => report.errors.push(e.code),
                }
            }
        }
        Err(e) => report.errors.push(e.code),
    }
    match confirm::reconcile_due(ctx, BATCH).await {
        Ok(n) => report.settled = n,
        Err(e) => report.errors.push(e.code),
    }
    match webhooks::sweep(ctx, BATCH).await {
        Ok(n) => report.webhooks_enqueued = n,
        Err(e) => report.errors.push(e.code),
    }
    if let Err(e) = idempotency::purge_expired(ctx).await {
        report.errors.push(e.code);
    }
    // security: values sealed under a retired DATA_KEY move to the current one.
    if let Err(e) = crate::services::reseal::run(ctx, BATCH).await {
        report.errors.push(e.code);
    }
    if let Err(e) = crate::services::limits::purge_attempts(ctx).await {
        report.errors.push(e.code);
    }
    crate::log::info("scheduled", &serde_json::to_string(&report).unwrap_or_default());
    report
}
