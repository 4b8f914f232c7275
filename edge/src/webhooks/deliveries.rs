//! The delivery history merchants read (per event, per endpoint, every attempt with its time, status code, latency
//! and error) and the manual resend.

use crate::platform::{query_as, Ctx};
use crate::stmt;
use crate::store::{self, int, int_opt, Paging};
use hsrc_shared::api::ids::{DeliveryId, EndpointId, EventId};
use hsrc_shared::api::List;
use hsrc_shared::ApiError;

use hsrc_shared::api::webhooks::{AttemptOutcome, DeliveryStatus};
pub use hsrc_shared::api::webhooks::{DeliveryAttempt, Resend, WebhookDelivery};
use hsrc_shared::api::EventType;
use serde::Deserialize;

use super::{codes, endpoints, event_log, fanout};

/// A delivery as stored (times in Unix milliseconds), for readers that shape it their own way (API, ops console).
#[derive(Debug, Clone, Deserialize)]
pub struct Row {
    pub id: DeliveryId,
    pub event_id: EventId,
    pub event_type: EventType,
    pub endpoint_id: EndpointId,
    pub status: DeliveryStatus,
    #[serde(deserialize_with = "int")]
    pub attempts: i64,
    #[serde(deserialize_with = "int_opt", default)]
    pub next_attempt_at: Option<i64>,
    #[serde(deserialize_with = "int_opt", default)]
    pub last_status_code: Option<i64>,
    pub last_error: Option<String>,
    #[serde(deserialize_with = "int_opt", default)]
    pub succeeded_at: Option<i64>,
    #[serde(deserialize_with = "int")]
    pub created_at: i64,
}

/// One attempt as stored.
#[derive(Debug, Clone, Deserialize)]
pub struct AttemptRow {
    pub delivery_id: String,
    #[serde(deserialize_with = "int")]
    pub attempt: i64,
    #[serde(deserialize_with = "int")]
    pub started_at: i64,
    #[serde(deserialize_with = "int")]
    pub latency_ms: i64,
    #[serde(deserialize_with = "int_opt", default)]
    pub status_code: Option<i64>,
    pub outcome: AttemptOutcome,
    pub error: Option<String>,
    pub request_id: Option<String>,
}

/// A stored delivery with its attempts, oldest first.
pub struct Record {
    pub row: Row,
    pub attempts: Vec<AttemptRow>,
}

/// Every delivery of these events (oldest first), with attempts: three indexed queries whatever the count.
pub async fn records_for_events(ctx: &Ctx<'_>, merchant_id: &str, event_ids: &[&str]) -> Result<Vec<Record>, ApiError> {
    if event_ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<Row> = query_as(
        ctx.db,
        stmt!(
            format!("SELECT {COLUMNS} FROM webhook_deliveries d JOIN events e ON e.id = d.event_id WHERE d.event_id IN (SELECT value FROM json_each(?1)) AND d.merchant_id = ?2 ORDER BY d.created_at, d.rowid"),
            store::to_json_text(&event_ids),
            merchant_id
        ),
    )
    .await
    .map_err(store::internal)?;
    attach_attempts(ctx, rows).await
}

const COLUMNS: &str =
    "d.id, d.event_id, e.type AS event_type, d.endpoint_id, d.status, d.attempts, d.next_attempt_at, \
     d.last_status_code, d.last_error, d.succeeded_at, d.created_at";

/// Attaches the attempts to delivery rows (one query for the whole page).
async fn attach_attempts(ctx: &Ctx<'_>, rows: Vec<Row>) -> Result<Vec<Record>, ApiError> {
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let attempts: Vec<AttemptRow> = if ids.is_empty() {
        Vec::new()
    } else {
        query_as(
            ctx.db,
            stmt!(
                "SELECT delivery_id, attempt, started_at, latency_ms, status_code, outcome, error, request_id FROM delivery_attempts \
                 WHERE delivery_id IN (SELECT value FROM json_each(?1)) ORDER BY delivery_id, attempt",
                store::to_json_text(&ids)
            ),
        )
        .await
        .map_err(store::internal)?
    };
    Ok(rows
        .into_iter()
        .map(|row| Record { attempts: attempts.iter().filter(|a| a.delivery_id == row.id).cloned().collect(), row })
        .collect())
}

/// The merchant API's shape of a stored delivery (times in seconds, attempts in milliseconds).
fn to_api(record: Record) -> WebhookDelivery {
    let Record { row: r, attempts } = record;
    WebhookDelivery {
        attempts: attempts
            .into_iter()
            .map(|a| DeliveryAttempt {
                attempt: a.attempt,
                started_at_ms: a.started_at,
                latency_ms: a.latency_ms,
                status_code: a.status_code,
                outcome: a.outcome,
                error: a.error,
                request_id: a.request_id,
            })
            .collect(),
        id: r.id,
        object: "webhook_delivery".into(),
        event_id: r.event_id,
        event_type: r.event_type,
        endpoint_id: r.endpoint_id,
        next_attempt_at: r.next_attempt_at.filter(|_| r.status == DeliveryStatus::Pending).map(|t| t.div_euclid(1000)),
        status: r.status,
        attempt_count: r.attempts,
        last_status_code: r.last_status_code,
        last_error: r.last_error,
        succeeded_at: r.succeeded_at.map(|t| t.div_euclid(1000)),
        created_at: r.created_at.div_euclid(1000),
    }
}

async fn with_attempts(ctx: &Ctx<'_>, rows: Vec<Row>) -> Result<Vec<WebhookDelivery>, ApiError> {
    Ok(attach_attempts(ctx, rows).await?.into_iter().map(to_api).collect())
}

/// Every delivery of one event (one per endpoint it went to).
pub async fn for_event(ctx: &Ctx<'_>, merchant_id: &str, event_id: &str) -> Result<List<WebhookDelivery>, ApiError> {
    event_log::load_for_merchant(ctx, merchant_id, event_id).await?;
    let rows: Vec<Row> = query_as(
        ctx.db,
        stmt!(format!("SELECT {COLUMNS} FROM webhook_deliveries d JOIN events e ON e.id = d.event_id WHERE d.event_id = ?1 AND d.merchant_id = ?2 ORDER BY d.rowid"), event_id, merchant_id),
    )
    .await
    .map_err(store::internal)?;
    Ok(List::new(with_attempts(ctx, rows).await?, false, None))
}

/// An endpoint's deliveries, newest first, optionally only those in one status.
pub async fn for_endpoint(
    ctx: &Ctx<'_>,
    merchant_id: &str,
    endpoint_id: &str,
    status: Option<DeliveryStatus>,
    paging: &Paging,
) -> Result<List<WebhookDelivery>, ApiError> {
    endpoints::load_for_merchant(ctx, merchant_id, endpoint_id).await?;
    let rows: Vec<Row> = query_as(
        ctx.db,
        stmt!(
            format!(
                "SELECT {COLUMNS} FROM webhook_deliveries d JOIN events e ON e.id = d.event_id \
                 WHERE d.endpoint_id = ?1 AND d.merchant_id = ?2 AND (?3 IS NULL OR d.status = ?3) \
                 AND (?4 IS NULL OR d.rowid < (SELECT rowid FROM webhook_deliveries WHERE id = ?4 AND endpoint_id = ?1)) \
                 ORDER BY d.rowid DESC LIMIT ?5"
            ),
            endpoint_id,
            merchant_id,
            status.map(DeliveryStatus::as_str),
            paging.after(),
            paging.fetch()
        ),
    )
    .await
    .map_err(store::internal)?;
    let items = with_attempts(ctx, rows).await?;
    Ok(paging.page(items, |d: &WebhookDelivery| d.id.clone().into()))
}

/// Re-delivers an event: each target delivery goes back to `pending`, due now, with a fresh retry schedule
/// (attempt numbering continues), and is queued. A delivery being attempted right now is left to finish. The
/// receiver sees the same `webhook-id`, so it can recognise a resend of something it already processed.
pub async fn resend(
    ctx: &Ctx<'_>,
    merchant_id: &str,
    event_id: &str,
    req: Resend,
) -> Result<List<WebhookDelivery>, ApiError> {
    let event = event_log::load_for_merchant(ctx, merchant_id, event_id).await?;
    let now = ctx.now_ms();
    let upsert_tail = "ON CONFLICT (event_id, endpoint_id) DO UPDATE SET status = 'pending', schedule_step = 0, \
         next_attempt_at = excluded.next_attempt_at, lease_until = NULL, updated_at = excluded.updated_at \
         WHERE webhook_deliveries.status != 'sending'";
    let insert_head = "INSERT INTO webhook_deliveries \
           (id, event_id, endpoint_id, merchant_id, status, attempts, schedule_step, next_attempt_at, created_at, updated_at) \
         SELECT 'dlv_' || substr(?1, instr(?1, '_') + 1) || substr(w.id, instr(w.id, '_') + 1), ?1, w.id, w.merchant_id, \
                'pending', 0, 0, ?3, ?3, ?3 FROM webhook_endpoints w";
    let stmt = match &req.endpoint_id {
        Some(endpoint_id) => {
            let endpoint = endpoints::load_for_merchant(ctx, merchant_id, endpoint_id).await.map_err(|e| e.with_param("endpoint_id"))?;
            if !endpoint.is_enabled() {
                return Err(ApiError::conflict(codes::ENDPOINT_DISABLED, format!("Webhook endpoint {} is disabled; enable it (PATCH disabled: false) before resending.", endpoint.id)).with_param("endpoint_id"));
            }
            stmt!(format!("{insert_head} WHERE w.id = ?4 AND w.merchant_id = ?2 {upsert_tail}"), event.id.as_str(), merchant_id, now, endpoint.id.as_str())
        }
        None => stmt!(
            format!(
                "{insert_head} WHERE w.merchant_id = ?2 AND w.status = 'enabled' AND w.livemode = ?5 \
                 AND EXISTS (SELECT 1 FROM json_each(w.enabled_events) j WHERE j.value = '*' OR j.value = ?4) {upsert_tail}"
            ),
            event.id.as_str(),
            merchant_id,
            now,
            event.kind.as_str(),
            event.livemode
        ),
    };
    ctx.db.batch(vec![stmt]).await.map_err(store::internal)?;
    #[derive(Deserialize)]
    struct Id {
        id: String,
    }
    let due: Vec<Id> = query_as(
        ctx.db,
        stmt!(
            "SELECT id FROM webhook_deliveries WHERE event_id = ?1 AND status = 'pending' AND next_attempt_at <= ?2",
            event.id.as_str(),
            now
        ),
    )
    .await
    .map_err(store::internal)?;
    fanout::enqueue(ctx, due.into_iter().map(|d| d.id).collect()).await;
    crate::log::info("webhook_resend", &format!("{merchant_id} {}", event.id));
    for_event(ctx, merchant_id, &event.id).await
}
