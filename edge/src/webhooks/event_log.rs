//! Reading the outbox: events as the merchant lists them and as they are delivered (the same object either way).

use crate::platform::{query_as, query_one, Ctx};
use crate::stmt;
use crate::store::{self, int, int_bool, json_text, Paging};
use hsrc_shared::api::ids::{EventId, PaymentId, RefundId, SessionId};
use hsrc_shared::api::{Event, EventData, EventType, List};
use hsrc_shared::ApiError;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct EventRow {
    pub id: EventId,
    pub merchant_id: String,
    #[serde(rename = "type")]
    pub kind: EventType,
    pub payment_id: Option<PaymentId>,
    pub checkout_session_id: Option<SessionId>,
    pub request_id: Option<String>,
    #[serde(default)]
    pub refund_id: Option<RefundId>,
    #[serde(deserialize_with = "int_bool")]
    pub livemode: bool,
    #[serde(deserialize_with = "json_text")]
    pub data: EventData,
    #[serde(deserialize_with = "int")]
    pub created_at: i64,
}

const EVENT_COLUMNS: &str =
    "e.id, e.merchant_id, e.type, e.payment_id, e.checkout_session_id, e.request_id, e.refund_id, e.livemode, e.data, e.created_at";

impl EventRow {
    pub fn to_api(&self) -> Event {
        Event {
            id: self.id.clone(),
            object: "event".into(),
            kind: self.kind,
            created_at: self.created_at.div_euclid(1000),
            payment_id: self.payment_id.clone(),
            checkout_session_id: self.checkout_session_id.clone(),
            request_id: self.request_id.clone(),
            refund_id: self.refund_id.clone(),
            livemode: self.livemode,
            data: self.data.clone(),
        }
    }
}

/// Filters of `GET /v1/events`.
#[derive(Debug, Default, Clone)]
pub struct EventFilter {
    pub kind: Option<EventType>,
    pub payment_id: Option<String>,
    pub checkout_session_id: Option<String>,
}

pub async fn load(ctx: &Ctx<'_>, id: &str) -> Result<Option<EventRow>, ApiError> {
    query_one(ctx.db, stmt!(format!("SELECT {EVENT_COLUMNS} FROM events e WHERE e.id = ?1"), id))
        .await
        .map_err(store::internal)
}

pub async fn load_for_merchant(ctx: &Ctx<'_>, merchant_id: &str, id: &str) -> Result<EventRow, ApiError> {
    load(ctx, id).await?.filter(|e| e.merchant_id == merchant_id).ok_or_else(|| ApiError::not_found("event", id))
}

pub async fn retrieve(ctx: &Ctx<'_>, merchant_id: &str, id: &str) -> Result<Event, ApiError> {
    Ok(load_for_merchant(ctx, merchant_id, id).await?.to_api())
}

/// Up to `limit + 1` of the merchant's events that match `filter` and lie past the cursor (`past_cursor` is the SQL
/// condition on `?5`, the cursor id), in rowid `order`: the one read behind both page directions.
async fn filtered(
    ctx: &Ctx<'_>,
    merchant_id: &str,
    filter: &EventFilter,
    past_cursor: &str,
    order: &str,
    cursor: Option<&str>,
    limit: u32,
) -> Result<Vec<EventRow>, ApiError> {
    query_as(
        ctx.db,
        stmt!(
            format!(
                "SELECT {EVENT_COLUMNS} FROM events e WHERE e.merchant_id = ?1 \
                 AND (?2 IS NULL OR e.type = ?2) AND (?3 IS NULL OR e.payment_id = ?3) AND (?4 IS NULL OR e.checkout_session_id = ?4) \
                 AND {past_cursor} ORDER BY e.rowid {order} LIMIT ?6"
            ),
            merchant_id,
            filter.kind.map(EventType::as_str),
            filter.payment_id.as_deref(),
            filter.checkout_session_id.as_deref(),
            cursor,
            i64::from(limit) + 1
        ),
    )
    .await
    .map_err(store::internal)
}

/// Newest first; `starting_after` is the last id of the previous page.
pub async fn list(
    ctx: &Ctx<'_>,
    merchant_id: &str,
    filter: &EventFilter,
    paging: &Paging,
) -> Result<List<Event>, ApiError> {
    let past_cursor = "(?5 IS NULL OR e.rowid < (SELECT rowid FROM events WHERE id = ?5 AND merchant_id = ?1))";
    let rows = filtered(ctx, merchant_id, filter, past_cursor, "DESC", paging.after(), paging.limit).await?;
    let items = rows.iter().map(EventRow::to_api).collect();
    Ok(paging.page(items, |e: &Event| e.id.clone().into()))
}

/// Events newer than `ending_before` (an event id): the `limit` oldest of them, returned newest first like every
/// page. Ordered by rowid, which D1's single writer assigns in commit order, so a follower that keeps the newest id
/// it has seen as its cursor never misses an event and never sees one twice. `next_cursor` (when `has_more`) is
/// the newest event of the page: pass it as `ending_before` again.
pub async fn list_newer(
    ctx: &Ctx<'_>,
    merchant_id: &str,
    filter: &EventFilter,
    limit: u32,
    ending_before: &str,
) -> Result<List<Event>, ApiError> {
    let past_cursor = "e.rowid > (SELECT rowid FROM events WHERE id = ?5 AND merchant_id = ?1)";
    let rows = filtered(ctx, merchant_id, filter, past_cursor, "ASC", Some(ending_before), limit).await?;
    let has_more = rows.len() > limit as usize;
    let mut items: Vec<Event> = rows.iter().take(limit as usize).map(EventRow::to_api).collect();
    items.reverse();
    let cursor = if has_more { items.first().map(|e| e.id.clone()) } else { None };
    Ok(List::new(items, has_more, cursor.map(Into::into)))
}
