//! What the business logic needs from the outside world, as traits: the system-of-record database (D1), the edge
//! read cache (KV), the webhook queue, time and randomness. The Worker glue implements them over Cloudflare's
//! bindings; `native` implements them over SQLite and memory so every service runs under plain `cargo test`.

use async_trait::async_trait;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value as Json};

/// A bound SQL parameter. D1 and SQLite agree on these three.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlValue {
    Null,
    Int(i64),
    Text(String),
}

impl From<i64> for SqlValue {
    fn from(v: i64) -> Self {
        Self::Int(v)
    }
}
impl From<u32> for SqlValue {
    fn from(v: u32) -> Self {
        Self::Int(v.into())
    }
}
impl From<bool> for SqlValue {
    fn from(v: bool) -> Self {
        Self::Int(v.into())
    }
}
impl From<&str> for SqlValue {
    fn from(v: &str) -> Self {
        Self::Text(v.to_string())
    }
}
impl From<String> for SqlValue {
    fn from(v: String) -> Self {
        Self::Text(v)
    }
}
impl From<&String> for SqlValue {
    fn from(v: &String) -> Self {
        Self::Text(v.clone())
    }
}
/// Ids bind as their text.
macro_rules! sql_from_ids {
    ($($id:ident),+) => {$(
        impl From<&hsrc_shared::api::ids::$id> for SqlValue {
            fn from(v: &hsrc_shared::api::ids::$id) -> Self {
                Self::Text(v.as_str().to_string())
            }
        }
        impl From<hsrc_shared::api::ids::$id> for SqlValue {
            fn from(v: hsrc_shared::api::ids::$id) -> Self {
                Self::Text(v.into_string())
            }
        }
    )+};
}
sql_from_ids!(
    SessionId,
    PaymentId,
    ChargeId,
    RefundId,
    RefundAttemptId,
    EventId,
    EndpointId,
    DeliveryId,
    PaymentMethodId,
    ChallengeId,
    MerchantId
);
impl<T: Into<SqlValue>> From<Option<T>> for SqlValue {
    fn from(v: Option<T>) -> Self {
        v.map_or(Self::Null, Into::into)
    }
}

/// A row's id inside a statement, always bound as `?1`: the id itself, or read through another row in the same
/// statement (`(SELECT merchant_id FROM checkout_sessions WHERE token_hash = ?1)`), so reads that need an id from
/// a row not read yet still go in one round trip with that row's read.
#[derive(Debug, Clone, Copy)]
pub enum IdSql<'a> {
    Is(&'a str),
    /// `column` of the `table` row whose `key` is the value.
    Of {
        table: &'static str,
        key: &'static str,
        column: &'static str,
        value: &'a str,
    },
}

impl IdSql<'_> {
    /// The SQL that stands for the id.
    pub fn sql(&self) -> String {
        match self {
            Self::Is(_) => "?1".into(),
            Self::Of { table, key, column, .. } => format!("(SELECT {column} FROM {table} WHERE {key} = ?1)"),
        }
    }

    /// What `?1` is bound to.
    pub fn param(&self) -> SqlValue {
        match self {
            Self::Is(v) | Self::Of { value: v, .. } => (*v).into(),
        }
    }
}

/// One SQL statement with its parameters (positional `?1`, `?2`, …).
#[derive(Debug, Clone, PartialEq)]
pub struct Stmt {
    pub sql: String,
    pub params: Vec<SqlValue>,
}

impl Stmt {
    pub fn new(sql: impl Into<String>, params: Vec<SqlValue>) -> Self {
        Self { sql: sql.into(), params }
    }

    /// Follows an UPDATE that must have changed exactly one row: if it changed none, this statement fails and the
    /// whole batch rolls back with [`DbError::Conflict`].
    pub fn cas_guard() -> Self {
        Self::new("INSERT OR REPLACE INTO cas_guard (id, ok) VALUES (1, changes())", vec![])
    }

    /// Follows the write of an idempotency key's row: if it wrote none (another execution of the key holds the
    /// row), the batch rolls back with [`DbError::KeyTaken`].
    pub fn key_guard() -> Self {
        Self::new("INSERT OR REPLACE INTO key_guard (id, key_claimed) VALUES (1, changes())", vec![])
    }
}

/// Builds a `Stmt` from SQL and parameters of mixed types: `stmt!("… ?1 ?2", id, amount)`.
#[macro_export]
macro_rules! stmt {
    ($sql:expr $(, $param:expr)* $(,)?) => {
        $crate::platform::Stmt::new($sql, vec![$($crate::platform::SqlValue::from($param)),*])
    };
}

/// A result row, column name → JSON value (integers, strings, null).
pub type Row = Map<String, Json>;

#[derive(Debug, Clone, PartialEq)]
pub enum DbError {
    /// A compare-and-set lost its race (the cas_guard fired): nothing in the batch was applied.
    Conflict,
    /// A UNIQUE constraint refused a row.
    Duplicate(String),
    /// The card-testing budget's guard fired (`card_guard.card_within_budget`): nothing was applied.
    CardOverBudget,
    /// The attempt would trip the merchant's decline-ratio breaker (`card_guard.breaker_stays_closed`).
    BreakerTrips,
    /// An idempotency key's row was taken by another execution of the key (`key_guard.key_claimed`).
    KeyTaken,
    Other(String),
}

impl DbError {
    /// Classifies an error message from SQLite or D1 (both carry SQLite's wording).
    pub fn from_message(message: String) -> Self {
        if message.contains("card_within_budget") {
            Self::CardOverBudget
        } else if message.contains("breaker_stays_closed") {
            Self::BreakerTrips
        } else if message.contains("key_claimed") {
            Self::KeyTaken
        } else if message.contains("CHECK constraint failed")
            && (message.contains("ok = 1") || message.contains("cas_guard"))
        {
            Self::Conflict
        } else if message.contains("UNIQUE constraint failed") || message.contains("PRIMARY KEY") {
            Self::Duplicate(message)
        } else {
            Self::Other(message)
        }
    }
}

impl std::fmt::Display for DbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Conflict => f.write_str("compare-and-set conflict"),
            Self::CardOverBudget => f.write_str("card over its budget"),
            Self::BreakerTrips => f.write_str("the merchant's breaker trips"),
            Self::KeyTaken => f.write_str("the idempotency key is taken"),
            Self::Duplicate(m) => write!(f, "duplicate: {m}"),
            Self::Other(m) => write!(f, "database error: {m}"),
        }
    }
}

impl std::error::Error for DbError {}

/// The system of record (D1 in production, SQLite in native tests).
#[async_trait(?Send)]
pub trait Database {
    async fn query(&self, stmt: Stmt) -> Result<Vec<Row>, DbError>;

    /// Runs all statements as one transaction: all or nothing. Returns rows changed per statement.
    async fn batch(&self, stmts: Vec<Stmt>) -> Result<Vec<u64>, DbError>;

    /// [`batch`](Self::batch) with each statement's rows (an `INSERT … RETURNING`): one transaction, all or nothing,
    /// in one round trip; a lost compare-and-set is [`DbError::Conflict`] as there.
    async fn batch_rows(&self, stmts: Vec<Stmt>) -> Result<Vec<Vec<Row>>, DbError>;

    /// Statements whose rows are needed, in ONE round trip (a D1 `batch`: one transaction, so the reads see one
    /// state, and a write with `RETURNING` commits with them). Rows per statement. The default asks one by one
    /// (in-process SQLite, where a round trip costs nothing).
    async fn query_many(&self, stmts: Vec<Stmt>) -> Result<Vec<Vec<Row>>, DbError> {
        let mut out = Vec::with_capacity(stmts.len());
        for stmt in stmts {
            out.push(self.query(stmt).await?);
        }
        Ok(out)
    }
}

/// The first row of one statement's result of [`Database::query_many`], typed (`None`: no rows, or no result).
pub fn first_as<T: DeserializeOwned>(rows: Option<Vec<Row>>) -> Result<Option<T>, DbError> {
    Ok(rows_as(rows.unwrap_or_default())?.into_iter().next())
}

/// Typed rows of one statement's result (of [`Database::query_many`]).
pub fn rows_as<T: DeserializeOwned>(rows: Vec<Row>) -> Result<Vec<T>, DbError> {
    rows.into_iter()
        .map(|row| serde_json::from_value(Json::Object(row)).map_err(|e| DbError::Other(format!("row shape: {e}"))))
        .collect()
}

/// Typed reads on top of [`Database`].
pub async fn query_as<T: DeserializeOwned>(db: &dyn Database, stmt: Stmt) -> Result<Vec<T>, DbError> {
    rows_as(db.query(stmt).await?)
}

pub async fn query_one<T: DeserializeOwned>(db: &dyn Database, stmt: Stmt) -> Result<Option<T>, DbError> {
    Ok(query_as(db, stmt).await?.into_iter().next())
}

/// The edge read cache (KV): eventually consistent, so it only holds what never changes for a key.
#[async_trait(?Send)]
pub trait Cache {
    async fn get(&self, key: &str) -> Option<String>;
    async fn put(&self, key: &str, value: &str, ttl_seconds: u64);
}

/// The webhook delivery queue: messages are delivery ids; consumers tolerate duplicates.
#[async_trait(?Send)]
pub trait DeliveryQueue {
    async fn send(&self, delivery_ids: &[String]) -> Result<(), String>;

    /// Sends one message to be delivered after `delay_seconds` (a short retry without waiting for the cron).
    async fn send_later(&self, delivery_id: &str, delay_seconds: u32) -> Result<(), String>;
}

/// An outbound HTTP POST for webhook delivery. Redirects are never followed.
#[async_trait(?Send)]
pub trait HttpClient {
    async fn post(&self, url: &str, headers: &[(String, String)], body: &[u8], timeout_ms: u64) -> HttpOutcome;
}

#[derive(Debug, Clone, PartialEq)]
pub enum HttpOutcome {
    Response { status: u16 },
    Timeout,
    Error(String),
}

/// Request budgets: Cloudflare's Rate Limiting binding in the Worker, counters in memory natively.
#[async_trait(?Send)]
pub trait RateLimiter {
    /// Counts one request of `bucket` for `key`; false when the key is over its budget for the current window.
    async fn allow(&self, bucket: LimitBucket, key: &str, now_ms: i64) -> bool;
}

/// The rate-limited budgets. Each is one `[[ratelimits]]` binding in wrangler.toml with the same numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LimitBucket {
    /// Confirms per session token.
    Confirm,
    /// Token lookups and other payer reads/writes per session token.
    Payer,
    /// Requests per live secret key.
    SecretKeyLive,
    /// Requests per test secret key (a quarter of the live budget, as is usual for sandboxes).
    SecretKeyTest,
    // --- security (issue 14) ---
    /// Reads and completions per 3DS challenge id.
    Challenge,
    /// Confirms per client address (`CF-Connecting-IP`), across sessions: a card-testing run that makes a new
    /// session per attempt still comes from few addresses.
    ClientConfirm,
    /// Unauthenticated payer and 3DS requests per client address.
    Client,
}

impl LimitBucket {
    /// (requests, window seconds, binding name). The binding allows windows of 10 or 60 seconds only.
    pub const fn spec(self) -> (u32, u32, &'static str) {
        match self {
            Self::Confirm => (60, 60, "LIMIT_CONFIRM"),
            Self::Payer => (300, 60, "LIMIT_PAYER"),
            Self::SecretKeyLive => (1000, 10, "LIMIT_SECRET_KEY_LIVE"),
            Self::SecretKeyTest => (250, 10, "LIMIT_SECRET_KEY_TEST"),
            Self::Challenge => (30, 60, "LIMIT_CHALLENGE"),
            Self::ClientConfirm => (20, 60, "LIMIT_CLIENT_CONFIRM"),
            Self::Client => (600, 60, "LIMIT_CLIENT"),
        }
    }
}

/// Work that must finish after the response is sent (#12). The Worker hands it to `ctx.wait_until` with fresh
/// bindings; natively it waits in a queue the test drives (`Harness::run_after_response`). Jobs are plain data so
/// they outlive the request that raised them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AfterResponse {
    /// Settle the session's waiting attempt by lookup: an outcome unknown at the deadline is often known a moment
    /// later, so the payer need not wait for the next poll or the cron job.
    Reconcile { merchant_id: String, session_id: String },
    /// The same for an API-only payment, which has no session (#15).
    ReconcilePayment { payment_id: String },
}

pub trait Background {
    fn after_response(&self, job: AfterResponse);
}

/// Time and randomness: injected so tests can move the clock.
pub trait Runtime {
    fn now_ms(&self) -> i64;
    /// Fills `buf` from a CSPRNG.
    fn fill_random(&self, buf: &mut [u8]);
    /// Resolves after `ms` milliseconds (the provider deadline's timer, `providers::deadline`).
    fn sleep(&self, ms: u64) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + '_>>;
}

/// Deployment settings read from the Worker's environment.
#[derive(Debug, Clone)]
pub struct Config {
    /// Public origin of the edge (`https://checkout.example` or `http://127.0.0.1:8787`), for URLs we hand out.
    pub public_origin: String,
    /// Serves `/demo` and its session endpoint (sandbox deployments only).
    pub demo_enabled: bool,
    /// Keys the card fingerprint HMAC. A Worker secret in production.
    pub fingerprint_key: String,
    /// How long a sandbox timeout takes to resolve.
    pub sandbox_async_delay_ms: i64,
    /// How long a 3DS challenge stays open before the payment returns to the payer.
    pub challenge_ttl_ms: i64,
    /// The sandbox merchant the demo shop acts as.
    pub demo_merchant_id: String,
    /// How long a webhook endpoint has to answer one delivery attempt.
    pub webhook_timeout_ms: u64,
    /// Divides webhook retry delays and the failing-endpoint window (1 in production; end-to-end tests use a large
    /// value so days of retries pass in seconds).
    pub webhook_retry_speedup: u32,
    /// Request rate limits (`RATE_LIMITS = "off"` turns them off, honoured only in development, for local load
    /// benchmarks).
    pub rate_limits: bool,
    /// Seals secrets kept in D1 (webhook signing secrets, idempotency replays). A Worker secret in production.
    pub data_key: String,
    // --- payments engine (#12) ---
    /// Hard deadline for one provider call; past it the outcome is unknown and reconciled by lookup. Well below
    /// [`Config::write_off_after_ms`] so no call is still in flight when an attempt is written off.
    pub provider_deadline_ms: i64,
    /// An attempt the provider has no record of is written off only this long after it was written.
    pub write_off_after_ms: i64,
    /// How long an uncaptured authorization is kept before the cron job voids it (7 days).
    pub authorization_ttl_ms: i64,
    /// How soon the sandbox issuer releases the hold of card 7106.
    pub sandbox_hold_ms: i64,
    /// Events (with their webhook deliveries and attempts) older than this are purged by the cron once every
    /// delivery is final (`EVENT_RETENTION_DAYS`, default 30 like Stripe's event retention).
    pub event_retention_ms: i64,
    // --- security (issue 14) ---
    /// A local development instance: set only by `scripts/dev.sh` and `scripts/test.sh` (`HSRC_ENV=development`),
    /// never by wrangler.toml. Outside development the keys must be real (`config_check`), the demo and
    /// `RATE_LIMITS=off` do not exist, and HSTS is sent.
    pub development: bool,
    /// Names the current `DATA_KEY` in sealed values (`DATA_KEY_ID`, default `k1`).
    pub data_key_id: String,
    /// Retired data keys, `(id, key)`, that only open values (`DATA_KEYS_OLD = "k1:…,k2:…"`).
    pub data_keys_old: Vec<(String, String)>,
    /// Why the deployment must refuse requests (`config_check::problems`), decided once when the config is read.
    pub refusal: Option<String>,
    /// How long a payer token still answers after its session ended, and after its expiry (`TOKEN_GRACE_MS`,
    /// default 15 minutes; the end-to-end tests shorten it).
    pub token_grace_ms: i64,
}

/// One day in milliseconds.
pub const DAY_MS: i64 = 24 * 3600 * 1000;

impl Default for Config {
    fn default() -> Self {
        Self {
            public_origin: "http://127.0.0.1:8787".into(),
            demo_enabled: true,
            fingerprint_key: "local-development-fingerprint-key".into(),
            sandbox_async_delay_ms: 2_000,
            challenge_ttl_ms: 15 * 60 * 1000,
            demo_merchant_id: "mer_sandbox".into(),
            webhook_timeout_ms: 10_000,
            webhook_retry_speedup: 1,
            rate_limits: true,
            data_key: "local-development-data-key".into(),
            provider_deadline_ms: 8_000,
            write_off_after_ms: 60_000,
            authorization_ttl_ms: 7 * 24 * 3600 * 1000,
            sandbox_hold_ms: 10_000,
            event_retention_ms: 30 * DAY_MS,
            development: true,
            data_key_id: "k1".into(),
            data_keys_old: Vec::new(),
            refusal: None,
            token_grace_ms: 15 * 60 * 1000,
        }
    }
}

/// Everything a request or job may touch, borrowed for its duration.
pub struct Ctx<'a> {
    pub db: &'a dyn Database,
    pub cache: &'a dyn Cache,
    pub queue: &'a dyn DeliveryQueue,
    pub http: &'a dyn HttpClient,
    pub runtime: &'a dyn Runtime,
    pub limiter: &'a dyn RateLimiter,
    pub config: &'a Config,
    /// Work to finish after the response (`ctx.wait_until` on the Worker).
    pub background: &'a dyn Background,
    /// The request (or job run) that causes whatever this context writes.
    pub request_id: String,
}

impl Ctx<'_> {
    pub fn now_ms(&self) -> i64 {
        self.runtime.now_ms()
    }

    pub fn now_s(&self) -> i64 {
        self.runtime.now_ms().div_euclid(1000)
    }

    pub fn random_bytes<const N: usize>(&self) -> [u8; N] {
        let mut buf = [0u8; N];
        self.runtime.fill_random(&mut buf);
        buf
    }

    /// A new object id: `prefix_` + 96 random bits in hex (ids are not secrets; tokens are longer).
    pub fn new_id(&self, prefix: &str) -> String {
        format!("{prefix}_{}", hsrc_shared::crypto::hex(&self.random_bytes::<12>()))
    }
}
