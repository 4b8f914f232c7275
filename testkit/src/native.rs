//! The platform on a plain machine: SQLite with the real migrations, an in-memory cache and queue, a recording
//! HTTP client and a clock that tests can move. Used by native tests; never compiled into the Worker.

use async_trait::async_trait;
use hsrc_edge::http::{ApiRequest, ApiResponse};
use hsrc_edge::platform::{
    AfterResponse, Background, Cache, Config, Ctx, Database, DbError, DeliveryQueue, HttpClient, HttpOutcome,
    LimitBucket, RateLimiter, Row, Runtime, SqlValue, Stmt,
};
use rusqlite::types::ValueRef;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;

pub struct SqliteDb {
    conn: RefCell<rusqlite::Connection>,
}

impl SqliteDb {
    /// A fresh in-memory database with every migration of `edge/migrations` applied, in file-name order.
    pub fn migrated() -> Self {
        let conn = rusqlite::Connection::open_in_memory().expect("in-memory SQLite");
        // The edge's migrations, the same files `wrangler d1 migrations apply` runs.
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../edge/migrations");
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .expect("migrations dir")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "sql"))
            .collect();
        files.sort();
        for file in files {
            let sql = std::fs::read_to_string(&file).expect("migration file");
            conn.execute_batch(&sql).unwrap_or_else(|e| panic!("migration {} failed: {e}", file.display()));
        }
        Self { conn: RefCell::new(conn) }
    }

    /// Raw access for tests that inspect storage.
    pub fn with_conn<T>(&self, f: impl FnOnce(&rusqlite::Connection) -> T) -> T {
        f(&self.conn.borrow())
    }

    /// Every row of every table as text, for tests that prove something never reaches storage.
    pub fn dump(&self) -> String {
        self.with_conn(|c| {
            let tables: Vec<String> = c
                .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
                .and_then(|mut st| st.query_map([], |r| r.get(0))?.collect())
                .expect("table names");
            let rows = |t: &str| -> rusqlite::Result<Vec<String>> {
                let mut st = c.prepare(&format!("SELECT * FROM {t}"))?;
                let n = st.column_count();
                let rows = st
                    .query_map([], |r| (0..n).map(|i| r.get_ref(i).map(text)).collect::<rusqlite::Result<Vec<_>>>())?
                    .map(|row| row.map(|cells| cells.join("|")))
                    .collect();
                rows
            };
            tables.iter().map(|t| rows(t).expect("table rows").join("\n")).collect::<Vec<_>>().join("\n")
        })
    }
}

/// A stored value as the text a scan searches (a `Debug` of the raw value would print text as a byte list, and
/// a scan for a card number would then find nothing, whatever was stored).
fn text(v: ValueRef<'_>) -> String {
    match v {
        ValueRef::Null => "NULL".into(),
        ValueRef::Integer(n) => n.to_string(),
        ValueRef::Real(f) => f.to_string(),
        ValueRef::Text(t) | ValueRef::Blob(t) => String::from_utf8_lossy(t).into_owned(),
    }
}

fn bind(params: &[SqlValue]) -> Vec<rusqlite::types::Value> {
    params
        .iter()
        .map(|p| match p {
            SqlValue::Null => rusqlite::types::Value::Null,
            SqlValue::Int(i) => rusqlite::types::Value::Integer(*i),
            SqlValue::Text(s) => rusqlite::types::Value::Text(s.clone()),
        })
        .collect()
}

fn db_err(e: rusqlite::Error) -> DbError {
    DbError::from_message(e.to_string())
}

#[async_trait(?Send)]
impl Database for SqliteDb {
    async fn query(&self, stmt: Stmt) -> Result<Vec<Row>, DbError> {
        rows_of(&self.conn.borrow(), &stmt)
    }

    async fn batch(&self, stmts: Vec<Stmt>) -> Result<Vec<u64>, DbError> {
        let mut conn = self.conn.borrow_mut();
        let tx = conn.transaction().map_err(db_err)?;
        let mut changes = Vec::with_capacity(stmts.len());
        for stmt in &stmts {
            // Statements with `RETURNING` run here too: their rows are read and dropped.
            rows_of(&tx, stmt)?;
            changes.push(tx.changes());
        }
        tx.commit().map_err(db_err)?;
        Ok(changes)
    }

    async fn batch_rows(&self, stmts: Vec<Stmt>) -> Result<Vec<Vec<Row>>, DbError> {
        let mut conn = self.conn.borrow_mut();
        let tx = conn.transaction().map_err(db_err)?;
        let rows = stmts.iter().map(|stmt| rows_of(&tx, stmt)).collect::<Result<Vec<_>, _>>()?;
        tx.commit().map_err(db_err)?;
        Ok(rows)
    }
}

/// One statement's rows, column name → JSON value.
fn rows_of(conn: &rusqlite::Connection, stmt: &Stmt) -> Result<Vec<Row>, DbError> {
    let mut prepared = conn.prepare(&stmt.sql).map_err(db_err)?;
    let names: Vec<String> = prepared.column_names().iter().map(|s| s.to_string()).collect();
    let mut rows = prepared.query(rusqlite::params_from_iter(bind(&stmt.params))).map_err(db_err)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(db_err)? {
        let mut map = Row::new();
        for (i, name) in names.iter().enumerate() {
            let value = match row.get_ref(i).map_err(db_err)? {
                ValueRef::Null => serde_json::Value::Null,
                ValueRef::Integer(n) => n.into(),
                ValueRef::Real(f) => f.into(),
                ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned().into(),
                ValueRef::Blob(_) => serde_json::Value::Null,
            };
            map.insert(name.clone(), value);
        }
        out.push(map);
    }
    Ok(out)
}

#[derive(Default)]
pub struct MemoryCache {
    pub entries: RefCell<HashMap<String, String>>,
}

#[async_trait(?Send)]
impl Cache for MemoryCache {
    async fn get(&self, key: &str) -> Option<String> {
        self.entries.borrow().get(key).cloned()
    }
    async fn put(&self, key: &str, value: &str, _ttl_seconds: u64) {
        self.entries.borrow_mut().insert(key.into(), value.into());
    }
}

#[derive(Default)]
pub struct MemoryQueue {
    pub sent: RefCell<Vec<String>>,
    /// Delayed messages: (delivery id, delay in seconds).
    pub delayed: RefCell<Vec<(String, u32)>>,
}

#[async_trait(?Send)]
impl DeliveryQueue for MemoryQueue {
    async fn send(&self, delivery_ids: &[String]) -> Result<(), String> {
        self.sent.borrow_mut().extend(delivery_ids.iter().cloned());
        Ok(())
    }

    async fn send_later(&self, delivery_id: &str, delay_seconds: u32) -> Result<(), String> {
        self.delayed.borrow_mut().push((delivery_id.to_string(), delay_seconds));
        Ok(())
    }
}

/// One recorded outbound POST: url, headers, body.
pub type SentRequest = (String, Vec<(String, String)>, Vec<u8>);

/// Records every POST and answers with the queued outcomes (200 once they run out).
#[derive(Default)]
pub struct RecordingHttp {
    pub requests: RefCell<Vec<SentRequest>>,
    pub outcomes: RefCell<Vec<HttpOutcome>>,
}

#[async_trait(?Send)]
impl HttpClient for RecordingHttp {
    async fn post(&self, url: &str, headers: &[(String, String)], body: &[u8], _timeout_ms: u64) -> HttpOutcome {
        self.requests.borrow_mut().push((url.into(), headers.to_vec(), body.to_vec()));
        let mut outcomes = self.outcomes.borrow_mut();
        if outcomes.is_empty() {
            HttpOutcome::Response { status: 200 }
        } else {
            outcomes.remove(0)
        }
    }
}

/// Fixed-window counters aligned to the wall clock, like the Workers Rate Limiting binding under `wrangler dev`.
#[derive(Default)]
pub struct MemoryLimiter {
    counts: RefCell<HashMap<(LimitBucket, String, i64), u32>>,
}

#[async_trait(?Send)]
impl RateLimiter for MemoryLimiter {
    async fn allow(&self, bucket: LimitBucket, key: &str, now_ms: i64) -> bool {
        let (limit, period_s, _) = bucket.spec();
        let epoch = now_ms.div_euclid(i64::from(period_s) * 1000);
        let mut counts = self.counts.borrow_mut();
        counts.retain(|(b, _, e), _| *b != bucket || *e == epoch);
        let n = counts.entry((bucket, key.to_string(), epoch)).or_insert(0);
        if *n >= limit {
            return false;
        }
        *n += 1;
        true
    }
}

/// After-response jobs wait here until the test runs them (`Harness::run_after_response`), as if the Worker's
/// `wait_until` ran them after the payer got the response.
#[derive(Default)]
pub struct QueuedBackground {
    pub jobs: RefCell<Vec<AfterResponse>>,
}

impl Background for QueuedBackground {
    fn after_response(&self, job: AfterResponse) {
        self.jobs.borrow_mut().push(job);
    }
}

/// A clock that only moves when told to, and a seeded generator (tests only; the Worker uses Web Crypto).
pub struct TestRuntime {
    pub now: Cell<i64>,
    state: Cell<u64>,
}

impl TestRuntime {
    pub fn new(now_ms: i64, seed: u64) -> Self {
        Self { now: Cell::new(now_ms), state: Cell::new(seed) }
    }

    pub fn advance_ms(&self, ms: i64) {
        self.now.set(self.now.get() + ms);
    }
}

impl Runtime for TestRuntime {
    fn now_ms(&self) -> i64 {
        self.now.get()
    }

    fn fill_random(&self, buf: &mut [u8]) {
        for b in buf.iter_mut() {
            // SplitMix64.
            let mut z = self.state.get().wrapping_add(0x9E37_79B9_7F4A_7C15);
            self.state.set(z);
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            *b = (z ^ (z >> 31)) as u8;
        }
    }

    /// A simulated timer: when first polled, the test clock jumps to the end of the wait (tests never sleep).
    fn sleep(&self, ms: u64) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + '_>> {
        Box::pin(async move { self.now.set(self.now.get() + ms as i64) })
    }
}

/// The whole edge in one process: storage, fakes, and the router, for tests that speak HTTP semantics.
pub struct Harness {
    pub db: SqliteDb,
    pub cache: MemoryCache,
    pub queue: MemoryQueue,
    pub http: RecordingHttp,
    pub runtime: TestRuntime,
    pub limiter: MemoryLimiter,
    pub config: Config,
    pub background: QueuedBackground,
    requests: Cell<u64>,
}

/// Keys of a seeded merchant.
pub struct SeededMerchant {
    pub id: String,
    pub secret_key: String,
    pub publishable_key: String,
}

impl Default for Harness {
    fn default() -> Self {
        Self::new()
    }
}

impl Harness {
    pub fn new() -> Self {
        Self {
            db: SqliteDb::migrated(),
            cache: MemoryCache::default(),
            queue: MemoryQueue::default(),
            http: RecordingHttp::default(),
            // 2026-11-25T00:00:00Z.
            runtime: TestRuntime::new(1_795_564_800_000, 7),
            limiter: MemoryLimiter::default(),
            config: Config { sandbox_async_delay_ms: 2_000, ..Config::default() },
            background: QueuedBackground::default(),
            requests: Cell::new(0),
        }
    }

    pub fn ctx(&self) -> Ctx<'_> {
        let n = self.requests.get() + 1;
        self.requests.set(n);
        Ctx {
            db: &self.db,
            cache: &self.cache,
            queue: &self.queue,
            http: &self.http,
            runtime: &self.runtime,
            limiter: &self.limiter,
            config: &self.config,
            background: &self.background,
            request_id: format!("req_test{n:06}"),
        }
    }

    pub fn request(&self, req: ApiRequest) -> ApiResponse {
        let ctx = self.ctx();
        futures_executor::block_on(hsrc_edge::pipeline::handle(&ctx, req))
    }

    /// Runs the after-response jobs raised so far (what `wait_until` does on the Worker); returns how many ran.
    pub fn run_after_response(&self) -> usize {
        let jobs = std::mem::take(&mut *self.background.jobs.borrow_mut());
        let ctx = self.ctx();
        for job in &jobs {
            futures_executor::block_on(hsrc_edge::payments::run_after_response(&ctx, job.clone()));
        }
        jobs.len()
    }

    /// Inserts a merchant with test keys, the way `scripts/seed.sh` does for the local Worker.
    pub fn seed_merchant(&self, id: &str, name: &str, livemode: bool) -> SeededMerchant {
        let mode = if livemode { "live" } else { "test" };
        let secret_key = format!("sk_{mode}_{id}_secret");
        let publishable_key = format!("pk_{mode}_{id}_public");
        let sql = hsrc_edge::accounts::merchants::seed_sql(
            id,
            name,
            livemode,
            &["merchant.example", "*.merchant.example", "localhost", "127.0.0.1"],
            &["https://merchant.example"],
            &secret_key,
            &publishable_key,
            self.runtime.now_ms(),
        );
        self.db.with_conn(|c| c.execute_batch(&sql)).expect("seed merchant");
        SeededMerchant { id: id.into(), secret_key, publishable_key }
    }
}
