//! Where a checkout confirm's time goes natively (#18 item 3): N approved confirms (4242…, the bench's card, one
//! merchant, a session each, with an `Idempotency-Key`) through the whole pipeline on SQLite with the real
//! migrations, the test clock moving `STEP_MS` per confirm like a steady load. Prints, for the last quarter of the
//! run, the mean time per request of each D1 round trip (by the fault harness's labels) and of everything that is
//! not storage (Rust CPU: JSON, hashing, HMAC, sealing, event fan-out). Printed, never asserted.
//!
//! Usage: cargo run --release -p hsrc-edge --example confirm_profile [N] [STEP_MS] [key|nokey]
//! (`PROFILE_SPLIT=1`: each statement of a `query_many` timed on its own).

use hsrc_edge::faults::label_of;
use hsrc_edge::http::{ApiRequest, Method};
use hsrc_edge::platform::{Ctx, Database, DbError, Row, Stmt};
use hsrc_testkit::native::Harness;
use serde_json::json;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// Storage that times every call, by label (one round trip each).
struct TimingDb<'a> {
    inner: &'a dyn Database,
    spent: RefCell<BTreeMap<String, (Duration, u32)>>,
}

impl TimingDb<'_> {
    fn add(&self, label: String, took: Duration) {
        let mut spent = self.spent.borrow_mut();
        let e = spent.entry(label).or_default();
        e.0 += took;
        e.1 += 1;
    }
}

#[async_trait::async_trait(?Send)]
impl Database for TimingDb<'_> {
    async fn query(&self, stmt: Stmt) -> Result<Vec<Row>, DbError> {
        let label = label_of(&stmt.sql);
        let t = Instant::now();
        let r = self.inner.query(stmt).await;
        self.add(label, t.elapsed());
        r
    }

    async fn batch(&self, stmts: Vec<Stmt>) -> Result<Vec<u64>, DbError> {
        let label = format!("batch {}", stmts.iter().map(|s| label_of(&s.sql)).collect::<Vec<_>>().join("+"));
        let t = Instant::now();
        let r = self.inner.batch(stmts).await;
        self.add(label, t.elapsed());
        r
    }

    async fn batch_rows(&self, stmts: Vec<Stmt>) -> Result<Vec<Vec<Row>>, DbError> {
        let label = format!("batch {}", stmts.iter().map(|s| label_of(&s.sql)).collect::<Vec<_>>().join("+"));
        let t = Instant::now();
        let r = self.inner.batch_rows(stmts).await;
        self.add(label, t.elapsed());
        r
    }

    async fn query_many(&self, stmts: Vec<Stmt>) -> Result<Vec<Vec<Row>>, DbError> {
        if std::env::var_os("PROFILE_SPLIT").is_some() {
            // Natively a round trip is one statement after another anyway: time each on its own.
            let mut out = Vec::with_capacity(stmts.len());
            for stmt in stmts {
                let label = format!("  of many: {}", stmt.sql.chars().take(90).collect::<String>());
                let t = Instant::now();
                out.push(self.inner.query(stmt).await?);
                self.add(label, t.elapsed());
            }
            return Ok(out);
        }
        let label = format!("many {}", stmts.iter().map(|s| label_of(&s.sql)).collect::<Vec<_>>().join(" + "));
        let t = Instant::now();
        let r = self.inner.query_many(stmts).await;
        self.add(label, t.elapsed());
        r
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(2000);
    let step_ms: i64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(100);
    let key = args.get(3).is_none_or(|a| a != "nokey");
    let mut h = Harness::new();
    // As in the bench (`RATE_LIMITS=off`): one key creating thousands of sessions is the load, not abuse.
    h.config.rate_limits = false;
    let m = h.seed_merchant("mer_profile", "Profile Shop", false);
    // The bench's merchant setting (scripts/bench.sh): one card across thousands of sessions is the load, not an attack.
    h.db.with_conn(|c| c.execute("UPDATE merchants SET card_max_declines = 1000000 WHERE id = 'mer_profile'", []))
        .expect("merchant setting");
    let tokens: Vec<String> = (0..n)
        .map(|_| {
            let create = ApiRequest::new(Method::Post, "/v1/checkout-sessions")
                .with_header("authorization", &format!("Bearer {}", m.secret_key))
                .with_json(&json!({ "amount": 12500, "currency": "TRY" }));
            h.request(create).json_body()["checkout_session"]["token"].as_str().expect("a token").to_string()
        })
        .collect();
    let measured_from = n - n / 4;
    let db = TimingDb { inner: &h.db, spent: RefCell::default() };
    let mut total = Duration::ZERO;
    for (i, token) in tokens.iter().enumerate() {
        h.runtime.advance_ms(step_ms);
        let mut confirm = ApiRequest::new(Method::Post, &format!("/v1/checkout-sessions/token/{token}/confirm"))
            .with_json(&json!({
                "payment_method": { "type": "card", "card": { "number": "4242424242424242", "exp_month": 12, "exp_year": 2034, "cvc": "123" } },
                "payer": { "name": "Ayse Yilmaz", "email": "ayse@example.com" }
            }));
        if key {
            confirm = confirm.with_header("idempotency-key", &format!("profile-{i}"));
        }
        if i == measured_from {
            db.spent.borrow_mut().clear();
        }
        let ctx = Ctx { db: &db, ..h.ctx() };
        let t = Instant::now();
        let resp = futures_executor::block_on(hsrc_edge::pipeline::handle(&ctx, confirm));
        if i >= measured_from {
            total += t.elapsed();
        }
        assert_eq!(resp.status, 200, "{}", String::from_utf8_lossy(&resp.body));
        h.run_after_response();
    }
    let measured = (n - measured_from) as f64;
    let us = |d: Duration| d.as_secs_f64() * 1e6 / measured;
    let spent = db.spent.borrow();
    let storage: Duration = spent.values().map(|(d, _)| *d).sum();
    println!(
        "{n} confirms ({} an Idempotency-Key), clock +{step_ms} ms each; means over the last {measured} (µs/request):",
        if key { "with" } else { "without" }
    );
    let mut rows: Vec<_> = spent.iter().collect();
    rows.sort_by_key(|(_, (spent, _))| std::cmp::Reverse(*spent));
    for (label, (d, calls)) in rows {
        println!("  {:>9.1}  ({:>4.2}/req)  {label}", us(*d), f64::from(*calls) / measured);
    }
    println!("  {:>9.1}  storage in all", us(storage));
    println!("  {:>9.1}  everything else (Rust CPU)", us(total - storage));
    println!("  {:>9.1}  whole request", us(total));
}
