//! Idempotency-Key, after the IETF draft: the first request with a key runs; a retry with the same key and body
//! replays its stored response byte for byte (errors included); the same key with another body is refused (422); a
//! retry while the first is still running is refused (409). Keys live 24 hours, scoped per merchant or session.

use crate::http::ApiResponse;
use crate::platform::{query_one, Ctx};
use crate::stmt;
use crate::store;
use hsrc_shared::{codes, crypto, ApiError, ErrorType};
use serde::Deserialize;

pub const KEY_TTL_MS: i64 = 24 * 3600 * 1000;
/// An in-flight record older than this belongs to a request that died; a retry may take it over.
const STALE_IN_FLIGHT_MS: i64 = 60 * 1000;
const MAX_KEY_LEN: usize = 255;

/// What to do with a request that carries a key.
pub enum Claim {
    /// First use: run the request, then `finish`.
    Run,
    /// Seen before: answer with this.
    Replay(ApiResponse),
}

#[derive(Deserialize)]
struct Record {
    request_hash: String,
    state: String,
    #[serde(deserialize_with = "crate::store::int_opt")]
    response_status: Option<i64>,
    response_body: Option<String>,
    #[serde(deserialize_with = "crate::store::int")]
    locked_at: i64,
}

pub fn request_hash(method: &str, path: &str, body: &[u8]) -> String {
    let mut material = Vec::with_capacity(body.len() + path.len() + 8);
    material.extend_from_slice(method.as_bytes());
    material.push(b' ');
    material.extend_from_slice(path.as_bytes());
    material.push(b'\n');
    material.extend_from_slice(body);
    crypto::sha256_hex(&material)
}

pub async fn claim(ctx: &Ctx<'_>, scope: &str, key: &str, hash: &str) -> Result<Claim, ApiError> {
    if key.is_empty() || key.len() > MAX_KEY_LEN || key.chars().any(|c| c.is_control()) {
        return Err(ApiError::invalid_code(
            codes::IDEMPOTENCY_KEY_INVALID,
            "Idempotency-Key",
            format!("Idempotency-Key must be 1 to {MAX_KEY_LEN} printable characters."),
        ));
    }
    let now = ctx.now_ms();
    let inserted = ctx
        .db
        .batch(vec![stmt!(
            "INSERT INTO idempotency_keys (scope, key, request_hash, state, locked_at, expires_at) VALUES (?1, ?2, ?3, 'in_flight', ?4, ?5) \
             ON CONFLICT (scope, key) DO UPDATE SET request_hash = excluded.request_hash, state = 'in_flight', locked_at = excluded.locked_at, \
             expires_at = excluded.expires_at, response_status = NULL, response_body = NULL WHERE idempotency_keys.expires_at <= ?4",
            scope,
            key,
            hash,
            now,
            now + KEY_TTL_MS
        )])
        .await
        .map_err(store::internal)?;
    if inserted.first().copied().unwrap_or(0) == 1 {
        return Ok(Claim::Run);
    }
    let record: Option<Record> = query_one(
        ctx.db,
        stmt!("SELECT request_hash, state, response_status, response_body, locked_at FROM idempotency_keys WHERE scope = ?1 AND key = ?2", scope, key),
    )
    .await
    .map_err(store::internal)?;
    let Some(record) = record else { return Ok(Claim::Run) };
    if record.request_hash != hash {
        return Err(ApiError::new(
            422,
            ErrorType::IdempotencyError,
            codes::IDEMPOTENCY_KEY_REUSED,
            "This Idempotency-Key was already used with a different request. Use a new key for a new request.",
        ));
    }
    match (record.state.as_str(), record.response_status, record.response_body) {
        ("done", Some(status), Some(sealed)) => {
            // The stored response may hold a payer token or a signing secret, so it is sealed at rest.
            let body = crate::sealed::open(ctx, &sealed).ok_or_else(ApiError::internal)?;
            Ok(Claim::Replay(ApiResponse {
                status: status as u16,
                headers: vec![
                    ("content-type".into(), "application/json".into()),
                    ("idempotent-replayed".into(), "true".into()),
                ],
                body,
            }))
        }
        _ if now - record.locked_at > STALE_IN_FLIGHT_MS => take_over(ctx, scope, key, record.locked_at).await,
        _ => Err(ApiError::new(
            409,
            ErrorType::IdempotencyError,
            codes::IDEMPOTENCY_KEY_IN_FLIGHT,
            "A request with this Idempotency-Key is still being processed. Retry in a moment.",
        )),
    }
}

async fn take_over(ctx: &Ctx<'_>, scope: &str, key: &str, locked_at: i64) -> Result<Claim, ApiError> {
    let changed = ctx
        .db
        .batch(vec![stmt!(
            "UPDATE idempotency_keys SET locked_at = ?1 WHERE scope = ?2 AND key = ?3 AND state = 'in_flight' AND locked_at = ?4",
            ctx.now_ms(),
            scope,
            key,
            locked_at
        )])
        .await
        .map_err(store::internal)?;
    if changed.first().copied().unwrap_or(0) == 1 {
        Ok(Claim::Run)
    } else {
        Err(ApiError::new(
            409,
            ErrorType::IdempotencyError,
            codes::IDEMPOTENCY_KEY_IN_FLIGHT,
            "A request with this Idempotency-Key is still being processed. Retry in a moment.",
        ))
    }
}

/// Stores the response for replay. Server errors release the key instead, so a retry can succeed.
pub async fn finish(ctx: &Ctx<'_>, scope: &str, key: &str, response: &ApiResponse) {
    let stmt = if response.status >= 500 {
        stmt!("DELETE FROM idempotency_keys WHERE scope = ?1 AND key = ?2 AND state = 'in_flight'", scope, key)
    } else {
        stmt!(
            "UPDATE idempotency_keys SET state = 'done', response_status = ?1, response_body = ?2 WHERE scope = ?3 AND key = ?4",
            i64::from(response.status),
            crate::sealed::seal(ctx, &response.body),
            scope,
            key
        )
    };
    if let Err(e) = ctx.db.batch(vec![stmt]).await {
        crate::log::error("idempotency", &e.to_string());
    }
}
