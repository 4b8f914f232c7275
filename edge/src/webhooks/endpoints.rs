//! Webhook endpoints: where a merchant wants events, which ones, and the secret that signs them.
//!
//! The secret is returned exactly twice in an endpoint's life: on create and on each rotation. It is stored so
//! deliveries can be signed later, and never logged. After a rotation the previous secret keeps signing (as a
//! second, space-separated signature) for a grace period, so a receiver can switch secrets without dropping events.

use crate::accounts::auth::Merchant;
use crate::platform::{query_as, query_one, Ctx, SqlValue, Stmt};
use crate::stmt;
use crate::store::{self, int, int_bool, int_opt, json_text, Paging};
use hsrc_shared::api::ids::EndpointId;
use hsrc_shared::api::webhooks::{DisabledReason, EndpointStatus};
use hsrc_shared::api::{EventType, List};
use hsrc_shared::webhook::WebhookSecret;
use hsrc_shared::{urls, ApiError};

pub use hsrc_shared::api::webhooks::{CreateEndpoint, RotateSecret, UpdateEndpoint, WebhookEndpoint};
use serde::Deserialize;

use super::codes;

/// Bytes of a new signing secret (the spec allows 24–64).
const SECRET_BYTES: usize = 32;
/// Endpoints one merchant may have: each event fans out to all of them.
pub const MAX_ENDPOINTS: i64 = 16;
/// Longest description.
const MAX_DESCRIPTION: usize = 500;
/// How long the previous secret keeps signing after a rotation, by default and at most.
pub const DEFAULT_ROTATION_GRACE_SECS: i64 = 24 * 3600;
const MAX_ROTATION_GRACE_SECS: i64 = 7 * 24 * 3600;

/// Why an endpoint is disabled (`disabled_reason`): the shared [`DisabledReason`], by its old names.
pub mod reasons {
    use hsrc_shared::api::webhooks::DisabledReason;

    pub const BY_MERCHANT: DisabledReason = DisabledReason::ByMerchant;
    pub const GONE: DisabledReason = DisabledReason::Gone;
    pub const FAILING: DisabledReason = DisabledReason::Failing;
}

/// An endpoint as stored. No `Debug`: it holds the secrets.
#[derive(Clone, Deserialize)]
pub struct EndpointRow {
    pub id: EndpointId,
    pub merchant_id: String,
    pub url: String,
    pub description: Option<String>,
    #[serde(deserialize_with = "json_text")]
    pub enabled_events: Vec<String>,
    pub status: EndpointStatus,
    pub disabled_reason: Option<DisabledReason>,
    #[serde(deserialize_with = "int_bool")]
    pub livemode: bool,
    secret: String,
    previous_secret: Option<String>,
    #[serde(deserialize_with = "int_opt", default)]
    pub previous_secret_expires_at: Option<i64>,
    #[serde(deserialize_with = "int_opt", default)]
    pub failing_since: Option<i64>,
    #[serde(deserialize_with = "int")]
    pub consecutive_failures: i64,
    #[serde(deserialize_with = "int")]
    pub created_at: i64,
    #[serde(deserialize_with = "int")]
    pub updated_at: i64,
}

pub const ENDPOINT_COLUMNS: &str =
    "w.id, w.merchant_id, w.url, w.description, w.enabled_events, w.status, w.disabled_reason, \
     w.livemode, w.secret, w.previous_secret, w.previous_secret_expires_at, w.failing_since, w.consecutive_failures, \
     w.created_at, w.updated_at";

impl EndpointRow {
    pub fn is_enabled(&self) -> bool {
        self.status == EndpointStatus::Enabled
    }

    pub fn to_api(&self, now_ms: i64, secret: Option<String>) -> WebhookEndpoint {
        WebhookEndpoint {
            id: self.id.clone(),
            object: "webhook_endpoint".into(),
            url: self.url.clone(),
            description: self.description.clone(),
            enabled_events: self.enabled_events.clone(),
            status: self.status,
            disabled_reason: self.disabled_reason,
            livemode: self.livemode,
            consecutive_failures: self.consecutive_failures,
            failing_since: self.failing_since.map(|t| t.div_euclid(1000)),
            previous_secret_expires_at: self
                .previous_secret_expires_at
                .filter(|t| *t > now_ms)
                .map(|t| t.div_euclid(1000)),
            created_at: self.created_at.div_euclid(1000),
            updated_at: self.updated_at.div_euclid(1000),
            secret,
        }
    }

    /// Whether the current secret opens under the configured data keys (a delivery is never sent without it).
    pub fn current_secret_opens(&self, ctx: &Ctx<'_>) -> bool {
        crate::accounts::sealed::open(ctx, &self.secret, &secret_aad(&self.id)).is_some()
    }

    /// The secrets that sign a delivery made now: the current one, and the previous one during its grace period.
    /// Secrets are stored sealed (`crate::accounts::sealed`); one that does not open is skipped (and would fail
    /// verification, visibly).
    pub fn signing_secrets(&self, ctx: &Ctx<'_>) -> Vec<WebhookSecret> {
        let now_ms = ctx.now_ms();
        let previous =
            self.previous_secret.as_deref().filter(|_| self.previous_secret_expires_at.is_some_and(|t| t > now_ms));
        std::iter::once(self.secret.as_str())
            .chain(previous)
            .filter_map(|stored| crate::accounts::sealed::open_string(ctx, stored, &secret_aad(&self.id)))
            .filter_map(|s| WebhookSecret::parse(&s).ok())
            .collect()
    }
}

/// Where an endpoint's signing secrets are sealed: both `secret` and `previous_secret` hold "the endpoint's
/// signing secret" (rotation moves one into the other), so they share the column name in the associated data.
pub fn secret_aad(endpoint_id: &str) -> crate::accounts::sealed::Aad {
    crate::accounts::sealed::Aad::new("webhook_endpoints", "secret", endpoint_id)
}

/// Checks an `enabled_events` list: known types, or exactly `["*"]`; duplicates removed, order kept.
pub fn validate_enabled_events(list: Vec<String>) -> Result<Vec<String>, ApiError> {
    const PARAM: &str = "enabled_events";
    if list.is_empty() {
        return Err(ApiError::invalid(PARAM, "enabled_events needs at least one event type, or [\"*\"] for all."));
    }
    if list.iter().any(|t| t == "*") {
        return if list.iter().all(|t| t == "*") {
            Ok(vec!["*".into()])
        } else {
            Err(ApiError::invalid(PARAM, "\"*\" already means every event type; send it alone."))
        };
    }
    let mut out: Vec<String> = Vec::new();
    for (i, t) in list.into_iter().enumerate() {
        if EventType::parse(&t).is_none() {
            let shown: String = t.chars().take(60).collect();
            return Err(ApiError::invalid(
                format!("{PARAM}[{i}]"),
                format!("Unknown event type '{shown}'. Use one of {}, or \"*\".", EventType::one_of()),
            ));
        }
        if !out.contains(&t) {
            out.push(t);
        }
    }
    Ok(out)
}

fn validate_description(d: Option<String>) -> Result<Option<String>, ApiError> {
    match d {
        Some(d) if d.chars().count() > MAX_DESCRIPTION => {
            Err(ApiError::invalid("description", format!("description is limited to {MAX_DESCRIPTION} characters.")))
        }
        Some(d) if d.chars().any(char::is_control) => {
            Err(ApiError::invalid("description", "description must not contain control characters."))
        }
        Some(d) if hsrc_shared::pan_scan::contains_card_number(&d) => {
            Err(ApiError::invalid("description", "description must not contain a card number."))
        }
        Some(d) if d.trim().is_empty() => Ok(None),
        other => Ok(other),
    }
}

fn new_secret(ctx: &Ctx<'_>) -> Result<WebhookSecret, ApiError> {
    WebhookSecret::from_random_bytes(&ctx.random_bytes::<SECRET_BYTES>()).map_err(|_| ApiError::internal())
}

fn to_json_list(list: &[String]) -> String {
    store::to_json_text(&list)
}

pub async fn load(ctx: &Ctx<'_>, id: &str) -> Result<Option<EndpointRow>, ApiError> {
    query_one(ctx.db, stmt!(format!("SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints w WHERE w.id = ?1"), id))
        .await
        .map_err(store::internal)
}

/// The merchant's endpoint, or 404 (also for another merchant's id).
pub async fn load_for_merchant(ctx: &Ctx<'_>, merchant_id: &str, id: &str) -> Result<EndpointRow, ApiError> {
    load(ctx, id)
        .await?
        .filter(|e| e.merchant_id == merchant_id)
        .ok_or_else(|| ApiError::not_found("webhook endpoint", id))
}

pub async fn create(ctx: &Ctx<'_>, merchant: &Merchant, req: CreateEndpoint) -> Result<WebhookEndpoint, ApiError> {
    let url = urls::validate_webhook_url(&req.url, "url", merchant.livemode)?;
    let enabled_events = validate_enabled_events(req.enabled_events.unwrap_or_else(|| vec!["*".into()]))?;
    let description = validate_description(req.description)?;
    #[derive(Deserialize)]
    struct Count {
        #[serde(deserialize_with = "int")]
        n: i64,
    }
    let count: Option<Count> = query_one(
        ctx.db,
        stmt!("SELECT COUNT(*) AS n FROM webhook_endpoints WHERE merchant_id = ?1", merchant.id.as_str()),
    )
    .await
    .map_err(store::internal)?;
    if count.map_or(0, |c| c.n) >= MAX_ENDPOINTS {
        return Err(ApiError::invalid_code(
            codes::ENDPOINT_LIMIT_REACHED,
            "url",
            format!("A merchant can have at most {MAX_ENDPOINTS} webhook endpoints; delete one first."),
        ));
    }
    let secret = new_secret(ctx)?;
    let id = ctx.new_id("we");
    let now = ctx.now_ms();
    ctx.db
        .batch(vec![stmt!(
            "INSERT INTO webhook_endpoints (id, merchant_id, url, description, enabled_events, status, livemode, secret, created_at, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, 'enabled', ?6, ?7, ?8, ?8)",
            id.as_str(),
            merchant.id.as_str(),
            url,
            description,
            to_json_list(&enabled_events),
            merchant.livemode,
            crate::accounts::sealed::seal(ctx, secret.to_whsec_string().as_bytes(), &secret_aad(&id)),
            now
        )])
        .await
        .map_err(store::internal)?;
    crate::log::info("webhook_endpoint_created", &format!("{} {}", merchant.id, id));
    let row = load_for_merchant(ctx, &merchant.id, &id).await?;
    Ok(row.to_api(now, Some(secret.to_whsec_string())))
}

pub async fn retrieve(ctx: &Ctx<'_>, merchant_id: &str, id: &str) -> Result<WebhookEndpoint, ApiError> {
    Ok(load_for_merchant(ctx, merchant_id, id).await?.to_api(ctx.now_ms(), None))
}

pub async fn list(ctx: &Ctx<'_>, merchant_id: &str, paging: &Paging) -> Result<List<WebhookEndpoint>, ApiError> {
    let rows: Vec<EndpointRow> = query_as(
        ctx.db,
        stmt!(
            format!(
                "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints w WHERE w.merchant_id = ?1 \
                 AND (?2 IS NULL OR w.rowid < (SELECT rowid FROM webhook_endpoints WHERE id = ?2 AND merchant_id = ?1)) \
                 ORDER BY w.rowid DESC LIMIT ?3"
            ),
            merchant_id,
            paging.after(),
            paging.fetch()
        ),
    )
    .await
    .map_err(store::internal)?;
    let now = ctx.now_ms();
    let items = rows.iter().map(|r| r.to_api(now, None)).collect();
    Ok(paging.page(items, |e: &WebhookEndpoint| e.id.clone().into()))
}

pub async fn update(
    ctx: &Ctx<'_>,
    merchant: &Merchant,
    id: &str,
    req: UpdateEndpoint,
) -> Result<WebhookEndpoint, ApiError> {
    let row = load_for_merchant(ctx, &merchant.id, id).await?;
    let now = ctx.now_ms();
    let mut sets: Vec<(&'static str, SqlValue)> = Vec::new();
    if let Some(url) = req.url {
        sets.push(("url", urls::validate_webhook_url(&url, "url", merchant.livemode)?.into()));
    }
    if let Some(list) = req.enabled_events {
        sets.push(("enabled_events", to_json_list(&validate_enabled_events(list)?).into()));
    }
    if req.description.is_some() {
        sets.push(("description", validate_description(req.description)?.into()));
    }
    let mut extra: Vec<Stmt> = Vec::new();
    match req.disabled {
        Some(true) if row.is_enabled() => {
            sets.push(("status", "disabled".into()));
            sets.push(("disabled_reason", reasons::BY_MERCHANT.as_str().into()));
        }
        Some(false) if !row.is_enabled() => {
            sets.push(("status", "enabled".into()));
            sets.push(("disabled_reason", SqlValue::Null));
            sets.push(("failing_since", SqlValue::Null));
            sets.push(("consecutive_failures", 0i64.into()));
            // Deliveries that waited while the endpoint was off become due now; the sweep (or the enqueue below)
            // sends them.
            extra.push(stmt!(
                "UPDATE webhook_deliveries SET next_attempt_at = ?1, updated_at = ?1 WHERE endpoint_id = ?2 AND status = 'pending' AND next_attempt_at > ?1",
                now,
                id
            ));
        }
        _ => {}
    }
    if !sets.is_empty() {
        let mut sql = String::from("UPDATE webhook_endpoints SET updated_at = ?1");
        let mut params: Vec<SqlValue> = vec![now.into()];
        for (column, value) in sets {
            params.push(value);
            sql.push_str(&format!(", {column} = ?{}", params.len()));
        }
        params.push(id.into());
        sql.push_str(&format!(" WHERE id = ?{}", params.len()));
        let mut stmts = vec![Stmt::new(sql, params)];
        stmts.append(&mut extra);
        ctx.db.batch(stmts).await.map_err(store::internal)?;
        if req.disabled == Some(false) && !row.is_enabled() {
            super::fanout::enqueue_due_for_endpoint(ctx, id).await;
        }
    }
    retrieve(ctx, &merchant.id, id).await
}

/// Deletes the endpoint; its unfinished deliveries are cancelled in the same batch. History stays on the events.
pub async fn delete(ctx: &Ctx<'_>, merchant_id: &str, id: &str) -> Result<serde_json::Value, ApiError> {
    load_for_merchant(ctx, merchant_id, id).await?;
    let now = ctx.now_ms();
    ctx.db
        .batch(vec![
            stmt!("DELETE FROM webhook_endpoints WHERE id = ?1 AND merchant_id = ?2", id, merchant_id),
            stmt!(
                "UPDATE webhook_deliveries SET status = 'cancelled', next_attempt_at = NULL, lease_until = NULL, updated_at = ?1, \
                 last_error = 'endpoint deleted' WHERE endpoint_id = ?2 AND status IN ('pending', 'sending')",
                now,
                id
            ),
        ])
        .await
        .map_err(store::internal)?;
    crate::log::info("webhook_endpoint_deleted", &format!("{merchant_id} {id}"));
    Ok(serde_json::json!({ "id": id, "object": "webhook_endpoint", "deleted": true }))
}

/// Issues a new secret; the current one keeps signing for `expires_in` seconds.
pub async fn rotate_secret(
    ctx: &Ctx<'_>,
    merchant_id: &str,
    id: &str,
    req: RotateSecret,
) -> Result<WebhookEndpoint, ApiError> {
    let grace = req.expires_in.unwrap_or(DEFAULT_ROTATION_GRACE_SECS);
    if !(0..=MAX_ROTATION_GRACE_SECS).contains(&grace) {
        return Err(ApiError::invalid(
            "expires_in",
            format!("expires_in must be between 0 and {MAX_ROTATION_GRACE_SECS} seconds."),
        ));
    }
    let row = load_for_merchant(ctx, merchant_id, id).await?;
    let secret = new_secret(ctx)?;
    let now = ctx.now_ms();
    let (previous, previous_expires) =
        if grace > 0 { (Some(row.secret.as_str()), Some(now + grace * 1000)) } else { (None, None) };
    // Compare-and-set on the secret being replaced: of two racing rotations, one wins and the other gets 409.
    ctx.db
        .batch(vec![
            stmt!(
                "UPDATE webhook_endpoints SET secret = ?1, previous_secret = ?2, previous_secret_expires_at = ?3, updated_at = ?4 \
                 WHERE id = ?5 AND secret = ?6",
                crate::accounts::sealed::seal(ctx, secret.to_whsec_string().as_bytes(), &secret_aad(id)),
                previous,
                previous_expires,
                now,
                id,
                row.secret.as_str()
            ),
            Stmt::cas_guard(),
        ])
        .await
        .map_err(|e| store::conflict_or_internal(e, "The secret was rotated at the same time; retrieve the endpoint and rotate again if needed."))?;
    crate::log::info("webhook_secret_rotated", &format!("{merchant_id} {id}"));
    let row = load_for_merchant(ctx, merchant_id, id).await?;
    Ok(row.to_api(now, Some(secret.to_whsec_string())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enabled_events_accept_known_types_or_a_lone_star() {
        assert_eq!(validate_enabled_events(vec!["*".into()]).unwrap(), vec!["*"]);
        assert_eq!(validate_enabled_events(vec!["*".into(), "*".into()]).unwrap(), vec!["*"]);
        let list = validate_enabled_events(vec![
            "payment.succeeded".into(),
            "charge.declined".into(),
            "payment.succeeded".into(),
        ])
        .unwrap();
        assert_eq!(list, vec!["payment.succeeded", "charge.declined"]);
        let e = validate_enabled_events(vec![]).unwrap_err();
        assert_eq!((e.status, e.param.as_deref()), (400, Some("enabled_events")));
        let e = validate_enabled_events(vec!["payment.succeeded".into(), "payment.exploded".into()]).unwrap_err();
        assert_eq!(
            (e.code.as_str(), e.param.as_deref()),
            (hsrc_shared::codes::PARAMETER_INVALID, Some("enabled_events[1]"))
        );
        assert!(validate_enabled_events(vec!["*".into(), "payment.succeeded".into()]).is_err());
    }

    #[test]
    fn descriptions_are_bounded_and_blank_means_none() {
        assert_eq!(validate_description(Some("  ".into())).unwrap(), None);
        assert_eq!(validate_description(Some("Orders".into())).unwrap().as_deref(), Some("Orders"));
        assert!(validate_description(Some("x".repeat(501))).is_err());
        assert!(validate_description(Some("a\u{0}b".into())).is_err());
    }
}
