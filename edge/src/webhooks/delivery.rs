//! One delivery attempt, as the queue consumer makes it: re-read the row, claim it with a compare-and-set, sign
//! the event, POST it, and record the attempt and what happens next in one batch.
//!
//! Duplicate and stale queue messages are expected (Queues deliver at least once; the sweep may re-send): a
//! delivery that already succeeded, is not yet due, or is held by another consumer is left alone without a POST.
//! The claim (`status = 'sending'` with a lease, `attempts` as the compare value) lets exactly one consumer
//! attempt a delivery at a time.

use crate::platform::{query_one, Ctx, DbError, HttpOutcome, Stmt};
use crate::stmt;
use crate::store::{self, int, int_opt};
use hsrc_shared::webhook::{self, HEADER_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP};
use hsrc_shared::ApiError;
use serde::Deserialize;

use super::endpoints::{self, reasons, EndpointRow};
use super::event_log;
use super::policy::{self, Verdict, LEASE_MARGIN_MS};

/// Identifies our deliveries to receivers.
pub const USER_AGENT: &str = "HSRC-Webhooks/1.0 (+https://www.standardwebhooks.com)";

/// What one call of [`deliver_one`] did (tests and logs read it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// No such delivery.
    Missing,
    /// Final (succeeded, failed, cancelled), not yet due, or claimed by another consumer: no POST.
    NotDue,
    /// The endpoint is disabled: the delivery waits, no POST.
    EndpointDisabled,
    /// The endpoint was deleted: the delivery is cancelled.
    EndpointDeleted,
    /// Another consumer claimed it between our read and our claim.
    LostClaim,
    /// One POST was made.
    Attempted(Verdict),
}

#[derive(Debug, Deserialize)]
struct DeliveryRow {
    id: String,
    event_id: String,
    endpoint_id: String,
    status: String,
    #[serde(deserialize_with = "int")]
    attempts: i64,
    #[serde(deserialize_with = "int")]
    schedule_step: i64,
    #[serde(deserialize_with = "int_opt", default)]
    next_attempt_at: Option<i64>,
    #[serde(deserialize_with = "int_opt", default)]
    lease_until: Option<i64>,
}

impl DeliveryRow {
    fn is_due(&self, now: i64) -> bool {
        match self.status.as_str() {
            "pending" => self.next_attempt_at.is_some_and(|t| t <= now),
            "sending" => self.lease_until.is_some_and(|t| t < now),
            _ => false,
        }
    }
}

/// The queue consumer's entry point: never fails, logs what went wrong (ids and codes only).
pub async fn deliver(ctx: &Ctx<'_>, delivery_id: &str) {
    match deliver_one(ctx, delivery_id).await {
        Ok(step) => crate::log::info("webhook_delivery", &format!("{} {delivery_id} {step:?}", ctx.request_id)),
        Err(e) => crate::log::error("webhook_delivery", &format!("{} {delivery_id} {}", ctx.request_id, e.code)),
    }
}

pub async fn deliver_one(ctx: &Ctx<'_>, delivery_id: &str) -> Result<Step, ApiError> {
    let row: Option<DeliveryRow> = query_one(
        ctx.db,
        stmt!("SELECT id, event_id, endpoint_id, status, attempts, schedule_step, next_attempt_at, lease_until FROM webhook_deliveries WHERE id = ?1", delivery_id),
    )
    .await
    .map_err(store::internal)?;
    let Some(delivery) = row else { return Ok(Step::Missing) };
    let now = ctx.now_ms();
    if !delivery.is_due(now) {
        return Ok(Step::NotDue);
    }
    let Some(endpoint) = endpoints::load(ctx, &delivery.endpoint_id).await? else {
        ctx.db
            .batch(vec![stmt!(
                "UPDATE webhook_deliveries SET status = 'cancelled', next_attempt_at = NULL, lease_until = NULL, last_error = 'endpoint deleted', updated_at = ?1 \
                 WHERE id = ?2 AND status IN ('pending', 'sending')",
                now,
                delivery.id.as_str()
            )])
            .await
            .map_err(store::internal)?;
        return Ok(Step::EndpointDeleted);
    };
    if !endpoint.is_enabled() {
        return Ok(Step::EndpointDisabled);
    }
    let event = event_log::load(ctx, &delivery.event_id).await?.ok_or_else(ApiError::internal)?;
    if !claim(ctx, &delivery, now).await? {
        return Ok(Step::LostClaim);
    }

    // Serialised once: these exact bytes are signed and sent.
    let body = serde_json::to_vec(&event.to_api()).map_err(|_| ApiError::internal())?;
    let timestamp = ctx.now_s();
    let secrets = endpoint.signing_secrets(ctx);
    let secret_refs: Vec<&webhook::WebhookSecret> = secrets.iter().collect();
    let headers = vec![
        ("content-type".to_string(), "application/json".to_string()),
        ("user-agent".to_string(), USER_AGENT.to_string()),
        (HEADER_ID.to_string(), event.id.clone().into()),
        (HEADER_TIMESTAMP.to_string(), timestamp.to_string()),
        (HEADER_SIGNATURE.to_string(), webhook::signature_header(&secret_refs, &event.id, timestamp, &body)),
    ];
    let started = ctx.now_ms();
    // A secret that does not open (DATA_KEY changed without DATA_KEYS_OLD, a row tampered with) must never mean an
    // unsigned or wrongly signed delivery: the attempt fails, visibly, in the delivery log and the Worker log.
    let outcome = if endpoint.current_secret_opens(ctx) {
        ctx.http.post(&endpoint.url, &headers, &body, ctx.config.webhook_timeout_ms).await
    } else {
        crate::log::error("webhook.secret_undecryptable", &format!("{} endpoint={}", ctx.request_id, endpoint.id));
        HttpOutcome::Error(
            "not sent: the endpoint's signing secret cannot be decrypted (check DATA_KEY / DATA_KEYS_OLD)".into(),
        )
    };
    let latency = (ctx.now_ms() - started).max(0);
    let verdict = policy::verdict(&outcome);
    record(ctx, &delivery, &endpoint, started, latency, &outcome).await?;
    Ok(Step::Attempted(verdict))
}

/// Takes the delivery for one attempt: changes exactly one row only if nobody attempted it since we read it.
async fn claim(ctx: &Ctx<'_>, delivery: &DeliveryRow, now: i64) -> Result<bool, ApiError> {
    let lease_until = now + i64::try_from(ctx.config.webhook_timeout_ms).unwrap_or(10_000) + LEASE_MARGIN_MS;
    let changed = ctx
        .db
        .batch(vec![stmt!(
            "UPDATE webhook_deliveries SET status = 'sending', attempts = attempts + 1, lease_until = ?1, updated_at = ?2 \
             WHERE id = ?3 AND attempts = ?4 \
               AND ((status = 'pending' AND next_attempt_at <= ?2) OR (status = 'sending' AND lease_until < ?2))",
            lease_until,
            now,
            delivery.id.as_str(),
            delivery.attempts
        )])
        .await
        .map_err(store::internal)?;
    Ok(changed.first() == Some(&1))
}

/// Writes the attempt and the delivery's next state (and the endpoint's health) in one batch, guarded by our
/// claim. If the claim was lost meanwhile (the lease ran out and someone else took over), only the attempt row is
/// kept, so the history stays complete.
async fn record(
    ctx: &Ctx<'_>,
    delivery: &DeliveryRow,
    endpoint: &EndpointRow,
    started: i64,
    latency: i64,
    outcome: &HttpOutcome,
) -> Result<(), ApiError> {
    let now = ctx.now_ms();
    let attempt_no = delivery.attempts + 1;
    let (kind, error) = policy::describe(outcome);
    let status_code = match outcome {
        HttpOutcome::Response { status } => Some(i64::from(*status)),
        _ => None,
    };
    let attempt = stmt!(
        "INSERT OR IGNORE INTO delivery_attempts (delivery_id, attempt, event_id, endpoint_id, started_at, latency_ms, status_code, outcome, error, request_id) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        delivery.id.as_str(),
        attempt_no,
        delivery.event_id.as_str(),
        delivery.endpoint_id.as_str(),
        started,
        latency,
        status_code,
        kind.as_str(),
        error.clone(),
        ctx.request_id.as_str()
    );
    let verdict = policy::verdict(outcome);
    let random = u32::from_le_bytes(ctx.random_bytes::<4>());
    let step = u32::try_from(delivery.schedule_step).unwrap_or(u32::MAX);
    let next = policy::next_attempt_at(now, step, random, ctx.config.webhook_retry_speedup);
    let mut stmts = Vec::with_capacity(4);
    match verdict {
        Verdict::Delivered => {
            stmts.push(stmt!(
                "UPDATE webhook_deliveries SET status = 'succeeded', succeeded_at = ?1, next_attempt_at = NULL, lease_until = NULL, \
                 last_status_code = ?2, last_error = NULL, last_attempt_at = ?3, schedule_step = ?4, updated_at = ?1 \
                 WHERE id = ?5 AND status = 'sending' AND attempts = ?6",
                now,
                status_code,
                started,
                delivery.schedule_step + 1,
                delivery.id.as_str(),
                attempt_no
            ));
            stmts.push(Stmt::cas_guard());
            stmts.push(attempt.clone());
            stmts.push(stmt!(
                "UPDATE webhook_endpoints SET failing_since = NULL, consecutive_failures = 0 WHERE id = ?1",
                endpoint.id.as_str()
            ));
        }
        Verdict::Gone | Verdict::Failed => {
            let status = if next.is_some() { "pending" } else { "failed" };
            stmts.push(stmt!(
                "UPDATE webhook_deliveries SET status = ?1, next_attempt_at = ?2, lease_until = NULL, last_status_code = ?3, \
                 last_error = ?4, last_attempt_at = ?5, schedule_step = ?6, updated_at = ?7 \
                 WHERE id = ?8 AND status = 'sending' AND attempts = ?9",
                status,
                next,
                status_code,
                error,
                started,
                delivery.schedule_step + 1,
                now,
                delivery.id.as_str(),
                attempt_no
            ));
            stmts.push(Stmt::cas_guard());
            stmts.push(attempt.clone());
            stmts.push(endpoint_failure(ctx, endpoint, started, now, verdict == Verdict::Gone));
        }
    }
    let retry_at = if verdict == Verdict::Failed { next } else { None };
    match ctx.db.batch(stmts).await {
        Ok(_) => schedule_short_retry(ctx, &delivery.id, retry_at, now).await,
        Err(DbError::Conflict) => {
            crate::log::error(
                "webhook_delivery",
                &format!("{} claim lost while attempting {}", ctx.request_id, delivery.id),
            );
            ctx.db.batch(vec![attempt]).await.map_err(store::internal)?;
        }
        Err(e) => return Err(store::internal(e)),
    }
    if verdict == Verdict::Gone {
        crate::log::info("webhook_endpoint_disabled", &format!("{} {}", endpoint.id, reasons::GONE));
    }
    Ok(())
}

/// Retries due within the queue's delay window go back on the queue with that delay, so the spec's 5-second retry
/// is not stretched to the next cron tick; later ones (and anything this misses) are the sweep's. A duplicate
/// message is harmless: the consumer re-checks that the delivery is due and claims it first.
async fn schedule_short_retry(ctx: &Ctx<'_>, delivery_id: &str, retry_at: Option<i64>, now: i64) {
    const MAX_QUEUE_DELAY_S: i64 = 12 * 3600;
    let Some(at) = retry_at else { return };
    let delay_s = ((at - now) / 1000).max(0);
    if delay_s <= MAX_QUEUE_DELAY_S {
        if let Err(e) = ctx.queue.send_later(delivery_id, delay_s as u32).await {
            crate::log::error("webhook_retry_enqueue", &format!("{delivery_id}: {e}"));
        }
    }
}

/// The endpoint's health after a failed attempt: count it, remember when failing started, and disable the endpoint
/// when it answered 410 or has not succeeded for the failing window. One UPDATE whose SET expressions all read the
/// row as it was, so concurrent consumers cannot undo each other's count.
fn endpoint_failure(ctx: &Ctx<'_>, endpoint: &EndpointRow, started: i64, now: i64, gone: bool) -> Stmt {
    let cutoff = now - policy::failing_window_ms(ctx.config.webhook_retry_speedup);
    stmt!(
        "UPDATE webhook_endpoints SET consecutive_failures = consecutive_failures + 1, \
           failing_since = COALESCE(failing_since, ?1), \
           disabled_reason = CASE WHEN status = 'enabled' AND ?2 = 1 THEN ?3 \
                                  WHEN status = 'enabled' AND COALESCE(failing_since, ?1) <= ?4 THEN ?5 \
                                  ELSE disabled_reason END, \
           status = CASE WHEN ?2 = 1 OR COALESCE(failing_since, ?1) <= ?4 THEN 'disabled' ELSE status END, \
           updated_at = CASE WHEN status = 'enabled' AND (?2 = 1 OR COALESCE(failing_since, ?1) <= ?4) THEN ?6 ELSE updated_at END \
         WHERE id = ?7",
        started,
        gone,
        reasons::GONE.as_str(),
        cutoff,
        reasons::FAILING.as_str(),
        now,
        endpoint.id.as_str()
    )
}
