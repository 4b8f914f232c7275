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
use crate::payments::ride::{Ahead, KeyRecord};
use crate::platform::{first_as, Ctx, Row, SqlValue, Stmt};
use crate::stmt;
use crate::store;
use hsrc_shared::{codes, crypto, pan_scan, ApiError, ErrorType};
use serde::Deserialize;
use serde_json::Value as Json;
use std::cell::RefCell;
use std::rc::Rc;

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
    /// First use on the confirm: the key is written by the confirm's own batches; run the request, then
    /// [`Riding::settle`].
    Ride(Rc<Riding>),
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
    #[serde(deserialize_with = "crate::store::int")]
    expires_at: i64,
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
    /// `SELECT 1 FROM … WHERE … = ?10`: the same row, `?10` bound to `value`.
    pub exists: &'static str,
    pub value: String,
    pub verdict: Box<dyn FnOnce(Vec<Row>) -> Result<(), ApiError> + 'g>,
    /// The confirm (the hot path): its first reads join the key's, and the key rides its batches.
    pub ahead: Option<ReadAhead<'g>>,
}

/// The handler's first reads, run in the key's round trip; what they read (and the key, when it rides) goes to
/// `slot` when this execution is to run (on a replay they are dropped).
pub struct ReadAhead<'g> {
    pub reads: Vec<Stmt>,
    pub slot: &'g RefCell<Option<Ahead>>,
    /// The answer the handler's committed writes give, from `reads`' rows (None: not yet): for a key whose claim
    /// committed with the handler's batch but whose execution stopped before its answer was stored.
    pub resume: fn(&[Vec<Row>]) -> Option<Vec<u8>>,
}

pub async fn claim(ctx: &Ctx<'_>, req: &Request<'_>) -> Result<Claim, ApiError> {
    claim_guarded(ctx, req, None).await
}

/// Claims the key in ONE round trip. With a guard that reads ahead (the confirm) the trip only reads: the key's row
/// is written by the handler's own batches ([`Claim::Ride`]). Otherwise the guard's read, the conditional insert
/// (or takeover of an expired row) and the row as it now is go in one D1 batch (one transaction), and the row's
/// owner token says whether this execution won.
pub async fn claim_guarded(ctx: &Ctx<'_>, req: &Request<'_>, guard: Option<Guard<'_>>) -> Result<Claim, ApiError> {
    let key = req.key;
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
    match guard {
        Some(Guard { read, exists, value, verdict, ahead: Some(ahead) }) => {
            claim_riding(ctx, req, (read, verdict), Exists { sql: exists, value }, ahead).await
        }
        Some(Guard { read, exists, value, verdict, ahead: None }) => {
            claim_writing(ctx, req, Some(((read, verdict), Exists { sql: exists, value }))).await
        }
        None => claim_writing(ctx, req, None).await,
    }
}

/// A guard's read and its judge.
type Check<'g> = (Stmt, Box<dyn FnOnce(Vec<Row>) -> Result<(), ApiError> + 'g>);

/// The guard's `EXISTS` condition on the row a key is written for, with its value.
struct Exists {
    sql: &'static str,
    value: String,
}

fn row_stmt(scope: &str, key: &str) -> Stmt {
    stmt!(
        "SELECT request_hash, state, response_status, response_body, locked_at, expires_at, owner FROM idempotency_keys WHERE scope = ?1 AND key = ?2",
        scope,
        key
    )
}

fn new_owner(ctx: &Ctx<'_>) -> Owner {
    Owner(crypto::hex(&ctx.random_bytes::<16>()))
}

/// The claim as its own write: see [`claim_guarded`].
async fn claim_writing(
    ctx: &Ctx<'_>,
    req: &Request<'_>,
    guard: Option<(Check<'_>, Exists)>,
) -> Result<Claim, ApiError> {
    let (scope, key) = (req.scope, req.key);
    let hash = request_hash(ctx, req.method, req.path, req.body);
    let owner = new_owner(ctx);
    let now = ctx.now_ms();
    let (check, exists) = match guard {
        Some((check, exists)) => (Some(check), Some(exists)),
        None => (None, None),
    };
    let insert = upsert_stmt(&Written::in_flight(scope, key, &hash, &owner, now), exists.as_ref());
    let mut statements = Vec::with_capacity(3);
    let verdict = check.map(|(read, verdict)| {
        statements.push(read);
        verdict
    });
    statements.extend([insert, row_stmt(scope, key)]);
    let mut results = ctx.db.query_many(statements).await.map_err(store::internal)?.into_iter();
    let guard_rows = verdict.is_some().then(|| results.next().unwrap_or_default());
    results.next(); // the insert's (no rows)
    let claimed: Option<Record> = first_as(results.next()).map_err(store::internal)?;
    let ours = claimed.as_ref().is_some_and(|c| c.owner.as_deref() == Some(owner.0.as_str()));
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
        return Ok(Claim::Run(owner));
    }
    // No row at all: the guard's row vanished, or a 5xx released the key in between: the next retry claims afresh.
    let Some(record) = claimed else { return Err(in_flight()) };
    judge(ctx, req, &hash, record, now).await
}

/// The confirm's claim: the guard's read, the key's row and the handler's first reads in one round trip that only
/// reads. A key not seen before (or expired) rides the handler's batches; one seen before is judged as always.
async fn claim_riding(
    ctx: &Ctx<'_>,
    req: &Request<'_>,
    (read, verdict): Check<'_>,
    exists: Exists,
    ahead: ReadAhead<'_>,
) -> Result<Claim, ApiError> {
    let (scope, key) = (req.scope, req.key);
    let mut statements = vec![read, row_stmt(scope, key)];
    statements.extend(ahead.reads);
    let mut results = ctx.db.query_many(statements).await.map_err(store::internal)?.into_iter();
    verdict(results.next().unwrap_or_default())?;
    let record: Option<Record> = first_as(results.next()).map_err(store::internal)?;
    let rows: Vec<Vec<Row>> = results.collect();
    let hash = request_hash(ctx, req.method, req.path, req.body);
    let now = ctx.now_ms();
    match record {
        // On this path a row is in flight only once the handler's claim batch committed it with the attempt (a
        // charge exists): the request never runs again; its answer is the state the attempt settled into.
        Some(record) if record.expires_at > now && record.state == "in_flight" && same_request(req, &hash, &record) => {
            let body = (ahead.resume)(&rows).ok_or_else(in_flight)?;
            store_resumed(ctx, (scope, key), &record, &body).await;
            Ok(Claim::Replay(replay(200, body)))
        }
        Some(record) if record.expires_at > now => {
            let claim = judge(ctx, req, &hash, record, now).await?;
            if let Claim::Run(_) = claim {
                *ahead.slot.borrow_mut() = Some(Ahead { rows, key: None });
            }
            Ok(claim)
        }
        // Not seen (or seen more than a day ago): the confirm's claim batch writes the row.
        _ => {
            let riding = Rc::new(Riding {
                scope: scope.to_string(),
                key: key.to_string(),
                hash,
                owner: new_owner(ctx),
                exists,
                now,
                state: RefCell::default(),
            });
            let key: Rc<dyn KeyRecord> = riding.clone();
            *ahead.slot.borrow_mut() = Some(Ahead { rows, key: Some(key) });
            Ok(Claim::Ride(riding))
        }
    }
}

/// A key seen before: the same request gets its stored answer, another request a 422, a running one a 409 (a dead
/// one is taken over).
async fn judge(ctx: &Ctx<'_>, req: &Request<'_>, hash: &str, record: Record, now: i64) -> Result<Claim, ApiError> {
    let (scope, key) = (req.scope, req.key);
    if !same_request(req, hash, &record) {
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
            Ok(Claim::Replay(replay(status as u16, body)))
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

/// Whether `record` was written for this very request (its fingerprint; rows before the HMAC the old way).
fn same_request(req: &Request<'_>, hash: &str, record: &Record) -> bool {
    if record.request_hash.starts_with("sha256:") {
        record.request_hash == legacy_hash(req.method, req.path, req.body)
    } else {
        crypto::constant_time_eq(record.request_hash.as_bytes(), hash.as_bytes())
    }
}

fn replay(status: u16, body: Vec<u8>) -> ApiResponse {
    ApiResponse {
        status,
        headers: vec![
            ("content-type".into(), "application/json".into()),
            ("idempotent-replayed".into(), "true".into()),
        ],
        body: body.into(),
    }
}

/// Stores a resumed answer in the row its stopped execution left in flight, by compare-and-set on the row as read:
/// of two racing retries one stores it; both answer with it (it is the state as it stands).
async fn store_resumed(ctx: &Ctx<'_>, (scope, key): (&str, &str), record: &Record, body: &[u8]) {
    let (state, sealed) = outcome(ctx, scope, key, body, Keep::Replay);
    let stmt = stmt!(
        "UPDATE idempotency_keys SET state = ?1, response_status = 200, response_body = ?2 \
         WHERE scope = ?3 AND key = ?4 AND state = 'in_flight' AND locked_at = ?5 AND owner IS ?6",
        state,
        sealed,
        scope,
        key,
        record.locked_at,
        record.owner.as_deref()
    );
    crate::log::info("idempotency.resumed", &format!("{} scope={scope}", ctx.request_id));
    write_once(ctx, stmt).await;
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
    let owner = new_owner(ctx);
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

/// A row as a request writes it in one statement: claimed (`in_flight`), or claimed and answered at once.
struct Written<'a> {
    scope: &'a str,
    key: &'a str,
    hash: &'a str,
    owner: &'a Owner,
    now: i64,
    state: &'static str,
    status: Option<i64>,
    body: Option<String>,
}

impl<'a> Written<'a> {
    fn in_flight(scope: &'a str, key: &'a str, hash: &'a str, owner: &'a Owner, now: i64) -> Self {
        Self { scope, key, hash, owner, now, state: "in_flight", status: None, body: None }
    }
}

/// What a finished request leaves in its row: its answer sealed for replay (`done`), or only that it ran
/// (`unavailable`: a response with a secret shown once, or anything card-number-shaped).
fn outcome(ctx: &Ctx<'_>, scope: &str, key: &str, body: &[u8], keep: Keep) -> (&'static str, Option<String>) {
    let storable = keep == Keep::Replay && !pan_scan::contains_card_number(&String::from_utf8_lossy(body));
    if storable {
        ("done", Some(crate::accounts::sealed::seal(ctx, body, &aad(scope, key))))
    } else {
        ("unavailable", None)
    }
}

/// Writes the row unless another execution holds it: a new row, or over one that expired. With `exists`, only for
/// a guard's row that exists (`?10`).
fn upsert_stmt(row: &Written<'_>, exists: Option<&Exists>) -> Stmt {
    let condition = exists.map_or_else(|| "1".to_string(), |e| format!("EXISTS ({})", e.sql));
    let mut insert = stmt!(
        format!(
            "INSERT INTO idempotency_keys (scope, key, request_hash, state, locked_at, expires_at, owner, response_status, response_body) \
             SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9 WHERE {condition} \
             ON CONFLICT (scope, key) DO UPDATE SET request_hash = excluded.request_hash, state = excluded.state, locked_at = excluded.locked_at, \
             expires_at = excluded.expires_at, response_status = excluded.response_status, response_body = excluded.response_body, \
             owner = excluded.owner WHERE idempotency_keys.expires_at <= ?5"
        ),
        row.scope,
        row.key,
        row.hash,
        row.state,
        row.now,
        row.now + KEY_TTL_MS,
        row.owner.0.as_str(),
        row.status,
        row.body.clone()
    );
    if let Some(e) = exists {
        insert.params.push(SqlValue::from(e.value.as_str()));
    }
    insert
}

/// Stores the answer in the row this execution owns (`in_flight_only`: and still running, the normal case).
fn answer_stmt(
    ctx: &Ctx<'_>,
    (scope, key, owner): (&str, &str, &Owner),
    status: u16,
    body: &[u8],
    keep: Keep,
    in_flight_only: bool,
) -> Stmt {
    let (state, sealed) = outcome(ctx, scope, key, body, keep);
    let running = if in_flight_only { " AND state = 'in_flight'" } else { "" };
    stmt!(
        format!(
            "UPDATE idempotency_keys SET state = ?1, response_status = ?2, response_body = ?3 WHERE scope = ?4 AND key = ?5 AND owner = ?6{running}"
        ),
        state,
        i64::from(status),
        sealed,
        scope,
        key,
        owner.0.as_str()
    )
}

/// Records the outcome, only if this execution still owns the row. Server errors release the key so a retry can
/// succeed; a response with a secret or a card-number-shaped value is marked `unavailable` instead of stored.
pub async fn finish(ctx: &Ctx<'_>, scope: &str, key: &str, owner: &Owner, response: &ApiResponse, keep: Keep) {
    let stmt = if response.status >= 500 {
        release_stmt(scope, key, owner)
    } else {
        answer_stmt(ctx, (scope, key, owner), response.status, &response.body, keep, true)
    };
    write_once(ctx, stmt).await;
}

/// Runs a key's one statement after the request; a row it did not change is logged, never retried.
async fn write_once(ctx: &Ctx<'_>, stmt: Stmt) {
    match ctx.db.batch(vec![stmt]).await {
        Ok(changed) if changed.first().copied().unwrap_or(0) == 0 => crate::log::error(
            "idempotency",
            &format!("{} lost ownership of its key; result not recorded", ctx.request_id),
        ),
        Ok(_) => {}
        Err(e) => crate::log::error("idempotency", &e.to_string()),
    }
}

/// A key riding the confirm's batches (see `payments::ride`): claimed in the attempt's claim batch, answered in
/// the batch that writes the confirm's result. What those batches did not write, [`settle`](Self::settle) writes
/// after the handler.
pub struct Riding {
    scope: String,
    key: String,
    hash: String,
    owner: Owner,
    exists: Exists,
    /// When the key was read (its row's lock and expiry count from here).
    now: i64,
    state: RefCell<Ridden>,
}

/// Which of the key's statements committed with the handler's batches.
#[derive(Default)]
struct Ridden {
    claimed: bool,
    taken: bool,
    /// The answer placed in a batch not yet committed.
    pending: Option<Vec<u8>>,
    /// The answer committed.
    answered: Option<Vec<u8>>,
}

impl Riding {
    fn ids(&self) -> (&str, &str, &Owner) {
        (&self.scope, &self.key, &self.owner)
    }

    /// After the handler: stores what its batches did not. Claimed and answered: nothing (one more check that the
    /// stored answer is the one sent); claimed only (a wait, an error after the claim): the answer, as `finish`;
    /// never claimed (refused before the claim batch): the row and its answer in one statement, unless another
    /// execution of the key holds it or the answer is a 5xx (a retry may then succeed).
    pub async fn settle(&self, ctx: &Ctx<'_>, response: &ApiResponse, keep: Keep) {
        let state = std::mem::take(&mut *self.state.borrow_mut());
        if let Some(stored) = &state.answered {
            // The stored answer committed with the state it describes; it stays the key's answer.
            if response.status != 200 || stored.as_slice() != &*response.body {
                crate::log::error("idempotency", &format!("{} answered differently than stored", ctx.request_id));
            }
            return;
        }
        if state.taken {
            return;
        }
        if state.claimed {
            // A server error after the claim (the attempt and its charge committed): the row stays in flight, and
            // a retry answers from the state the attempt settles into (`claim_riding`), never runs it again.
            if response.status >= 500 {
                return;
            }
            let stmt = answer_stmt(ctx, self.ids(), response.status, &response.body, keep, true);
            return write_once(ctx, stmt).await;
        }
        // Refused before the claim. A conflict (a lost race, "try again in a moment") or a server error is not
        // the request's answer: a retry runs again.
        if response.status >= 500 || response.status == 409 || response.status == 429 {
            return;
        }
        let (state, body) = outcome(ctx, &self.scope, &self.key, &response.body, keep);
        let row = Written {
            state,
            status: Some(i64::from(response.status)),
            body,
            ..Written::in_flight(&self.scope, &self.key, &self.hash, &self.owner, self.now)
        };
        if let Err(e) = ctx.db.batch(vec![upsert_stmt(&row, Some(&self.exists))]).await {
            crate::log::error("idempotency", &e.to_string());
        }
    }
}

impl KeyRecord for Riding {
    fn claim(&self) -> Vec<Stmt> {
        let row = Written::in_flight(&self.scope, &self.key, &self.hash, &self.owner, self.now);
        vec![upsert_stmt(&row, None), Stmt::key_guard()]
    }

    fn answer(&self, ctx: &Ctx<'_>, body: Vec<u8>) -> Vec<Stmt> {
        // Only the confirm rides, and its answers are kept for replay.
        let stmt = answer_stmt(ctx, self.ids(), 200, &body, Keep::Replay, true);
        self.state.borrow_mut().pending = Some(body);
        vec![stmt]
    }

    fn claimed(&self) {
        self.state.borrow_mut().claimed = true;
    }

    fn answered(&self) {
        let mut state = self.state.borrow_mut();
        state.answered = state.pending.take();
    }

    fn taken(&self) -> ApiError {
        self.state.borrow_mut().taken = true;
        in_flight()
    }
}
