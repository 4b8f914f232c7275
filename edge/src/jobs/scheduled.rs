//! The cron job: expiry, settling timed-out and abandoned payments, webhook retries, housekeeping. Each step is
//! bounded per run and independent, so one failing step never starves the others.

use crate::jobs::retention;
use crate::payments::confirm;
use crate::platform::Ctx;
use crate::{sessions, webhooks};

const BATCH: u32 = 100;

#[derive(Debug, Default, serde::Serialize)]
pub struct RunReport {
    pub expired: usize,
    pub settled: usize,
    pub operations_settled: usize,
    pub webhooks_enqueued: usize,
    pub refunds_settled: usize,
    pub purged: retention::Purged,
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
    // Payments engine (#12): waiting charges, then capture/void operations, expired and late authorizations.
    match confirm::reconcile_due(ctx, BATCH).await {
        Ok(pass) => {
            report.settled = pass.settled;
            report.errors.extend(pass.errors);
        }
        Err(e) => report.errors.push(e.code),
    }
    match crate::payments::operations::reconcile_operations(ctx, BATCH).await {
        Ok(pass) => {
            report.operations_settled = pass.settled;
            report.errors.extend(pass.errors);
        }
        Err(e) => report.errors.push(e.code),
    }
    // Pending refunds: ask the provider again by each attempt's reference (issue #13).
    let refunds = crate::refunds::settle::reconcile_due(ctx, BATCH, 5).await;
    report.refunds_settled = refunds.settled;
    report.errors.extend(refunds.errors);
    match webhooks::sweep(ctx, BATCH).await {
        Ok(n) => report.webhooks_enqueued = n,
        Err(e) => report.errors.push(e.code),
    }
    // Retention last and bounded (jobs/retention.rs): it never holds the single D1 writer for long.
    match retention::run(ctx, retention::Limits::default()).await {
        Ok(purged) => report.purged = purged,
        Err(e) => report.errors.push(e.code),
    }
    // security: values sealed under a retired DATA_KEY move to the current one.
    if let Err(e) = crate::jobs::reseal::run(ctx, BATCH).await {
        report.errors.push(e.code);
    }
    if let Err(e) = crate::card_testing::purge_attempts(ctx).await {
        report.errors.push(e.code);
    }
    crate::log::info("scheduled", &serde_json::to_string(&report).unwrap_or_default());
    report
}
