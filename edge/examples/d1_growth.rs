//! D1 growth per paid session and the retention job's throughput (scripts/bench.sh runs it; BENCHMARKS.md "D1
//! growth and retention"). On SQLite with the real migrations, through the real request path (the native harness):
//! one merchant with one webhook endpoint; N sessions, each created, confirmed with 4242… and an Idempotency-Key as
//! the widget sends it, and its webhooks delivered. Every `step` sessions it records the database size per table and
//! index (SQLite's `dbstat`, the same page accounting D1 bills), so growth is measured, not extrapolated. Then the
//! clock moves 31 days and the cron's retention job runs until nothing is due, timed run by run.
//!
//! Usage: cargo run --release -p hsrc-edge --example d1_growth -- N STEP OUT.json

use hsrc_edge::http::{ApiRequest, Method};
use hsrc_edge::jobs::retention;
use hsrc_edge::platform::{Ctx, DAY_MS};
use hsrc_edge::webhooks;
use hsrc_testkit::native::Harness;
use serde_json::{json, Value};
use std::time::Instant;

fn block<T>(f: impl std::future::Future<Output = T>) -> T {
    futures_executor::block_on(f)
}

fn call(h: &Harness, req: ApiRequest) -> Value {
    let resp = h.request(req);
    assert_eq!(resp.status, 200, "{}", String::from_utf8_lossy(&resp.body));
    resp.json_body()
}

/// Bytes (pages × page size, what the database file holds) and rows per table, indexes counted with their table.
fn snapshot(h: &Harness, sessions: u64) -> Value {
    h.db.with_conn(|c| {
        let page: i64 = c.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap();
        let pages: i64 = c.query_row("PRAGMA page_count", [], |r| r.get(0)).unwrap();
        let mut st = c
            .prepare(
                "SELECT m.tbl_name, SUM(s.pgsize) FROM dbstat s JOIN sqlite_master m ON m.name = s.name \
                 GROUP BY m.tbl_name ORDER BY 2 DESC",
            )
            .unwrap();
        let per: Vec<(String, i64)> =
            st.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect();
        let tables: Vec<Value> = per
            .into_iter()
            .map(|(t, bytes)| {
                let rows: i64 = c.query_row(&format!("SELECT COUNT(*) FROM \"{t}\""), [], |r| r.get(0)).unwrap_or(0);
                json!({ "table": t, "bytes": bytes, "rows": rows })
            })
            .collect();
        json!({ "sessions": sessions, "bytes": page * pages, "tables": tables })
    })
}

/// A job's context (queue consumer, cron), like the Worker's.
fn job<'a>(h: &'a Harness, request_id: &str) -> Ctx<'a> {
    Ctx { request_id: request_id.into(), ..h.ctx() }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: u64 = args.first().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let step: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(n / 10).max(1);
    let out = args.get(2).cloned().unwrap_or_else(|| "d1-growth.json".into());

    let h = Harness::new();
    let m = h.seed_merchant("mer_growth", "Growth Shop", false);
    let auth = format!("Bearer {}", m.secret_key);
    call(
        &h,
        ApiRequest::new(Method::Post, "/v1/webhook-endpoints")
            .with_header("authorization", &auth)
            .with_json(&json!({ "url": "https://merchant.example/hooks", "enabled_events": ["*"] })),
    );
    let confirm = json!({
        "payment_method": { "type": "card", "card": { "number": "4242424242424242", "exp_month": 12, "exp_year": 2034, "cvc": "123" } },
        "payer": { "name": "Ayse Yilmaz", "email": "ayse@example.com" }
    });
    let create = json!({ "amount": 12500, "currency": "TRY", "return_url": "https://merchant.example/thanks", "metadata": { "order_id": "growth-1001" } });

    let mut snapshots = vec![snapshot(&h, 0)];
    let started = Instant::now();
    for i in 1..=n {
        let s = call(
            &h,
            ApiRequest::new(Method::Post, "/v1/checkout-sessions")
                .with_header("authorization", &auth)
                .with_json(&create),
        );
        let token = s["checkout_session"]["token"].as_str().unwrap().to_string();
        call(
            &h,
            ApiRequest::new(Method::Post, &format!("/v1/checkout-sessions/token/{token}/confirm"))
                .with_header("idempotency-key", &format!("growth-{i}"))
                .with_json(&confirm),
        );
        for id in std::mem::take(&mut *h.queue.sent.borrow_mut()) {
            block(webhooks::delivery::deliver_one(&job(&h, "dlv_growth"), &id)).unwrap();
        }
        h.http.requests.borrow_mut().clear();
        // A second apart, like real traffic: timestamps (and idempotency expiry) spread out.
        h.runtime.advance_ms(1_000);
        if i % step == 0 {
            snapshots.push(snapshot(&h, i));
            eprintln!("  {i} paid sessions, {:.1} s", started.elapsed().as_secs_f64());
        }
    }
    let fill_s = started.elapsed().as_secs_f64();

    // Retention: 31 days later everything above is past both windows.
    h.runtime.advance_ms(31 * DAY_MS);
    let mut runs = Vec::new();
    let purge_started = Instant::now();
    loop {
        let t = Instant::now();
        let p =
            block(retention::run(&Ctx { request_id: "job_growth".into(), ..h.ctx() }, retention::Limits::default()))
                .expect("retention run");
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        let rows = p.idempotency_keys + p.events + p.deliveries + p.attempts;
        runs.push(json!({ "ms": ms, "rows": rows, "purged": p }));
        if !p.more || rows == 0 {
            break;
        }
    }
    let purge_s = purge_started.elapsed().as_secs_f64();
    let after = snapshot(&h, n);
    h.db.with_conn(|c| c.execute_batch("VACUUM")).unwrap();
    let after_vacuum = snapshot(&h, n);
    let rows: u64 = runs.iter().map(|r| r["rows"].as_u64().unwrap_or(0)).sum();
    let result = json!({
        "paid_sessions": n,
        "fill_seconds": fill_s,
        "snapshots": snapshots,
        "retention": {
            "limits": { "batch": retention::Limits::default().batch, "max_batches": retention::Limits::default().max_batches,
                        "budget_ms": retention::Limits::default().budget_ms },
            "runs": runs.len(),
            "rows_purged": rows,
            "seconds": purge_s,
            "rows_per_second": rows as f64 / purge_s.max(1e-9),
            "slowest_run_ms": runs.iter().map(|r| r["ms"].as_f64().unwrap_or(0.0)).fold(0.0, f64::max),
            "after": after,
            "after_vacuum": after_vacuum,
        },
    });
    std::fs::write(&out, serde_json::to_string_pretty(&result).unwrap()).expect("write result");
    eprintln!("  wrote {out}: {n} paid sessions in {fill_s:.1} s; purge {rows} rows in {purge_s:.2} s");
}
