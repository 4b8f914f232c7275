//! Idempotency-Key, after the IETF draft: the first request with a key runs; a retry with the same key and body
//! replays its stored response byte for byte (errors included); the same key with another body is refused (422); a
//! retry while the first is still running is refused (409). Keys live 24 hours, scoped per merchant or session.
//!
//! Card data never reaches this table: the request fingerprint is an HMAC under a server key over the body with the
//! card number replaced by its keyed fingerprint and the CVC left out, and a response that holds a secret (a new
//! API key or webhook secret) or anything card-number-shaped is not kept: a retry gets 409
//! `idempotency_replay_unavailable`.
//!
//! Each claim carries a random owner token: only the execution that holds it may store or release the row, so a
//! slow first execution can never overwrite or delete the row of one that took over after it.

use crate::http::ApiResponse;
use crate::platform::{first_as, Ctx, Row, SqlValue, Stmt};
use crate::stmt;
use crate::store;
use hsrc_shared::{codes, crypto, pan_scan, ApiError, ErrorType};
use serde::Deserialize;
use serde_json::Value as Json;

pub const KEY_TTL_MS: i64 = 24 * 3600 * 1000;
/// An in-flight record older than this belongs to a request that died; a retry may take it over. Far above any
/// request's life (provider deadlines are seconds, a Worker request minutes), so the first execution cannot still
/// be running, and a takeover gets a new owner, so a late first execution cannot store over the second.
pub const STALE_IN_FLIGHT_MS: i64 = 10 * 60 * 1000;
const MAX_KEY_LEN: usize = 255;

/// What to do with a request that carries a key.
pub enum Claim {
    /// First use (or a takeover of a dead one): run the request, then `finish` with this owner token.
    Run(Owner),
    /// Seen before: answer with this.
    Replay(ApiResponse),
}

/// Proof that this execution holds the row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner(String);

/// Whether a response may be kept for replay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Store it (sealed) for replay.
    Replay,
    /// It holds a secret shown once: record that it ran, keep nothing.
    Never,
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
    /// The execution holding the row (None on rows written before owner tokens).
    #[serde(default)]
    owner: Option<String>,
}

/// The request fingerprint stored with the key: HMAC-SHA-256 under a key derived from `DATA_KEY` over method, path
/// and the body with card fields neutralised. Never a plain hash: a plain hash over a body with a PAN and CVC could
/// be brute-forced, and PCI forbids keeping the CVC in any form.
pub fn request_hash(ctx: &Ctx<'_>, method: &str, path: &str, body: &[u8]) -> String {
    let mut material = Vec::with_capacity(body.len() + path.len() + 8);
    material.extend_from_slice(method.as_bytes());
    material.push(b' ');
    material.extend_from_slice(path.as_bytes());
    material.push(b'\n');
    match serde_json::from_slice::<Json>(body) {
        Ok(mut json) => {
            neutralise_card_fields(ctx, &mut json);
            material.extend_from_slice(json.to_string().as_bytes());
        }
        // Not JSON: the handler refuses it; the keyed hash still reveals nothing about the bytes.
        Err(_) => material.extend_from_slice(body),
    }
    let key = crypto::hmac_sha256(b"hsrc-idempotency-fingerprint", ctx.config.data_key.as_bytes());
    format!("hmac:{}", crypto::hex(&crypto::hmac_sha256(&key, &material)))
}

/// Replaces every `number` (card number) with its keyed fingerprint and drops every `cvc`, at any depth.
fn neutralise_card_fields(ctx: &Ctx<'_>, json: &mut Json) {
    match json {
        Json::Object(map) => {
            map.remove("cvc");
            map.remove("cvv");
            if let Some(number) = map.get_mut("number") {
                let digits = match &*number {
                    Json::String(s) => hsrc_shared::card::normalize_number(s),
                    other => other.to_string(),
                };
                let key = crypto::hmac_sha256(b"hsrc-idempotency-card", ctx.config.fingerprint_key.as_bytes());
                *number = Json::String(format!("fp:{}", crypto::hex(&crypto::hmac_sha256(&key, digits.as_bytes()))));
            }
            map.values_mut().for_each(|v| neutralise_card_fields(ctx, v));
        }
        Json::Array(items) => items.iter_mut().for_each(|v| neutralise_card_fields(ctx, v)),
        _ => {}
    }
}

/// Rows written before the HMAC fingerprint (merchant scope only, see migration 0007) hold `sha256:` + a plain
/// hash; they are compared the old way until they expire.
fn legacy_hash(method: &str, path: &str, body: &[u8]) -> String {
    let mut material = Vec::with_capacity(body.len() + path.len() + 8);
    material.extend_from_slice(format!("{method} {path}\n").as_bytes());
    material.extend_from_slice(body);
    format!("sha256:{}", crypto::sha256_hex(&material))
}

/// The request a key is claimed for.
pub struct Request<'a> {
    pub scope: &'a str,
    pub key: &'a str,
    pub method: &'a str,
    pub path: &'a str,
    pub body: &'a [u8],
}

fn in_flight() -> ApiError {
    ApiError::new(
        409,
        ErrorType::IdempotencyError,
        codes::IDEMPOTENCY_KEY_IN_FLIGHT,
        "A request with this Idempotency-Key is still being processed. Retry in a moment.",
    )
}

/// What must hold before an unauthenticated caller's key may be claimed (a payer's token must exist and be alive):
/// its read runs in the claim's own round trip, the key's row is written only if `exists` finds the row, and
/// `verdict` judges the read before the claim counts for anything.
pub struct Guard<'g> {
    /// The guard's read; its rows go to `verdict`.
    pub read: Stmt,
    /// `SELECT 1 FROM … WHERE … = ?7`: the same row, `?7` bound to `value`.
    pub exists: &'static str,
    pub value: String,
    pub verdict: Box<dyn FnOnce(Vec<Row>) -> Result<(), ApiError> + 'g>,
    /// The handler's own first reads, run in the claim's round trip too; their rows go to `keep` when this
    /// execution wins the claim (the handler then reads nothing again; on a replay they are dropped).
    pub also: Vec<Stmt>,
    pub keep: Option<&'g std::cell::RefCell<Option<Vec<Vec<Row>>>>>,
}

pub async fn claim(ctx: &Ctx<'_>, req: &Request<'_>) -> Result<Claim, ApiError> {
    claim_guarded(ctx, req, None).await
}

/// Claims the key in ONE round trip: the guard's read, the conditional insert (or takeover of an expired row) and
/// the row as it now is, in one D1 batch (one transaction). The row's owner token says whether this execution won.
pub async fn claim_guarded(ctx: &Ctx<'_>, req: &Request<'_>, guard: Option<Guard<'_>>) -> Result<Claim, ApiError> {
    let (scope, key) = (req.scope, req.key);
    if key.is_empty() || key.len() > MAX_KEY_LEN || key.chars().any(|c| c.is_control()) {
        // The guard's answer comes first, as it always has (an unknown token is a 404 whatever its key).
        if let Some(g) = guard {
            (g.verdict)(ctx.db.query(g.read).await.map_err(store::internal)?)?;
        }
        return Err(ApiError::invalid_code(
            codes::IDEMPOTENCY_KEY_INVALID,
            "Idempotency-Key",
            format!("Idempotency-Key must be 1 to {MAX_KEY_LEN} printable characters."),
        ));
    }
    let hash = request_hash(ctx, req.method, req.path, req.body);
    let owner = Owner(crypto::hex(&ctx.random_bytes::<16>()));
    let now = ctx.now_ms();
    let (exists, mut params) = match &guard {
        Some(g) => (format!("EXISTS ({})", g.exists), vec![SqlValue::from(g.value.as_str())]),
        None => ("1".to_string(), vec![]),
    };
    let mut insert = stmt!(
        format!(
            "INSERT INTO idempotency_keys (scope, key, request_hash, state, locked_at, expires_at, owner) SELECT ?1, ?2, ?3, 'in_flight', ?4, ?5, ?6 WHERE {exists} \
             ON CONFLICT (scope, key) DO UPDATE SET request_hash = excluded.request_hash, state = 'in_flight', locked_at = excluded.locked_at, \
             expires_at = excluded.expires_at, response_status = NULL, response_body = NULL, owner = excluded.owner WHERE idempotency_keys.expires_at <= ?4"
        ),
        scope,
        key,
        hash.as_str(),
        now,
        now + KEY_TTL_MS,
        owner.0.as_str()
    );
    insert.params.append(&mut params);
    let row = stmt!(
        "SELECT request_hash, state, response_status, response_body, locked_at, owner FROM idempotency_keys WHERE scope = ?1 AND key = ?2",
        scope,
        key
    );
    let (verdict, mut statements, also, keep) = match guard {
        Some(g) => (Some(g.verdict), vec![g.read], g.also, g.keep),
        None => (None, vec![], vec![], None),
    };
    statements.extend([insert, row]);
    statements.extend(also);
    let mut results = ctx.db.query_many(statements).await.map_err(store::internal)?.into_iter();
    let guard_rows = verdict.is_some().then(|| results.next().unwrap_or_default());
    results.next(); // the insert's (no rows)
    let claimed: Option<Record> = first_as(results.next()).map_err(store::internal)?;
    let ours = claimed.as_ref().is_some_and(|c| c.owner.as_deref() == Some(owner.0.as_str()));
    let also_rows: Vec<Vec<Row>> = results.collect();
    if let (Some(verdict), Some(rows)) = (verdict, guard_rows) {
        if let Err(refused) = verdict(rows) {
            // The token exists but has ended: the caller gets the guard's answer and keeps no row.
            if ours {
                release(ctx, scope, key, &owner).await;
            }
            return Err(refused);
        }
    }
    if ours {
        if let Some(keep) = keep {
            *keep.borrow_mut() = Some(also_rows);
        }
        return Ok(Claim::Run(owner));
    }
    // No row at all: the guard's row vanished, or a 5xx released the key in between: the next retry claims afresh.
    let Some(record) = claimed else { return Err(in_flight()) };
    let same = if record.request_hash.starts_with("sha256:") {
        record.request_hash == legacy_hash(req.method, req.path, req.body)
    } else {
        crypto::constant_time_eq(record.request_hash.as_bytes(), hash.as_bytes())
    };
    if !same {
        return Err(ApiError::new(
            422,
            ErrorType::IdempotencyError,
            codes::IDEMPOTENCY_KEY_REUSED,
            "This Idempotency-Key was already used with a different request. Use a new key for a new request.",
        ));
    }
    match (record.state.as_str(), record.response_status, record.response_body) {
        ("done", Some(status), Some(sealed)) => {
            // The stored response may hold a payer token, so it is sealed at rest, bound to this row.
            let body = crate::accounts::sealed::open(ctx, &sealed, &aad(scope, key)).ok_or_else(ApiError::internal)?;
            Ok(Claim::Replay(ApiResponse {
                status: status as u16,
                headers: vec![
                    ("content-type".into(), "application/json".into()),
                    ("idempotent-replayed".into(), "true".into()),
                ],
                body: body.into(),
            }))
        }
        ("unavailable", _, _) => Err(ApiError::new(
            409,
            ErrorType::IdempotencyError,
            codes::IDEMPOTENCY_REPLAY_UNAVAILABLE,
            "The request with this Idempotency-Key ran, but its response held a secret shown only once and was not kept. \
             Look the object up (GET) instead; use a new key to run the request again.",
        )),
        ("in_flight", _, _) if now - record.locked_at > STALE_IN_FLIGHT_MS => {
            take_over(ctx, scope, key, record.locked_at).await
        }
        _ => Err(in_flight()),
    }
}

/// Gives up a claim this execution holds (nothing ran).
async fn release(ctx: &Ctx<'_>, scope: &str, key: &str, owner: &Owner) {
    if let Err(e) = ctx.db.batch(vec![release_stmt(scope, key, owner)]).await {
        crate::log::error("idempotency", &e.to_string());
    }
}

fn release_stmt(scope: &str, key: &str, owner: &Owner) -> Stmt {
    stmt!(
        "DELETE FROM idempotency_keys WHERE scope = ?1 AND key = ?2 AND state = 'in_flight' AND owner = ?3",
        scope,
        key,
        owner.0.as_str()
    )
}

fn aad(scope: &str, key: &str) -> crate::accounts::sealed::Aad {
    crate::accounts::sealed::Aad::new("idempotency_keys", "response_body", &format!("{scope}\n{key}"))
}

/// A dead execution's row passes to this one with a new owner token, by compare-and-set on its lock time: of two
/// racing retries one wins, and the dead one's `finish`, should it ever arrive, changes nothing.
async fn take_over(ctx: &Ctx<'_>, scope: &str, key: &str, locked_at: i64) -> Result<Claim, ApiError> {
    let owner = Owner(crypto::hex(&ctx.random_bytes::<16>()));
    let changed = ctx
        .db
        .batch(vec![stmt!(
            "UPDATE idempotency_keys SET locked_at = ?1, owner = ?2 WHERE scope = ?3 AND key = ?4 AND state = 'in_flight' AND locked_at = ?5",
            ctx.now_ms(),
            owner.0.as_str(),
            scope,
            key,
            locked_at
        )])
        .await
        .map_err(store::internal)?;
    if changed.first().copied().unwrap_or(0) == 1 {
        crate::log::info("idempotency.takeover", &format!("{} scope={scope}", ctx.request_id));
        Ok(Claim::Run(owner))
    } else {
        Err(in_flight())
    }
}

/// Records the outcome, only if this execution still owns the row. Server errors release the key so a retry can
/// succeed; a response with a secret or a card-number-shaped value is marked `unavailable` instead of stored.
pub async fn finish(ctx: &Ctx<'_>, scope: &str, key: &str, owner: &Owner, response: &ApiResponse, keep: Keep) {
    let storable = keep == Keep::Replay && !pan_scan::contains_card_number(&String::from_utf8_lossy(&response.body));
    let stmt = if response.status >= 500 {
        release_stmt(scope, key, owner)
    } else if storable {
        stmt!(
            "UPDATE idempotency_keys SET state = 'done', response_status = ?1, response_body = ?2 WHERE scope = ?3 AND key = ?4 AND state = 'in_flight' AND owner = ?5",
            i64::from(response.status),
            crate::accounts::sealed::seal(ctx, &response.body, &aad(scope, key)),
            scope,
            key,
            owner.0.as_str()
        )
    } else {
        stmt!(
            "UPDATE idempotency_keys SET state = 'unavailable', response_status = ?1, response_body = NULL WHERE scope = ?2 AND key = ?3 AND state = 'in_flight' AND owner = ?4",
            i64::from(response.status),
            scope,
            key,
            owner.0.as_str()
        )
    };
    match ctx.db.batch(vec![stmt]).await {
        Ok(changed) if changed.first().copied().unwrap_or(0) == 0 => crate::log::error(
            "idempotency",
            &format!("{} lost ownership of its key; result not recorded", ctx.request_id),
        ),
        Ok(_) => {}
        Err(e) => crate::log::error("idempotency", &e.to_string()),
    }
}
