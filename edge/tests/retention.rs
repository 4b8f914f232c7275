//! The retention job (services/retention.rs) on SQLite with the real migrations and D1's foreign keys on:
//! expired idempotency keys and old, fully delivered events (with their deliveries and attempts) go; payments,
//! events still owed to an endpoint and anything inside the window stay; every run is bounded.

mod common;

use common::World;
use hsrc_edge::http::{ApiRequest, Method};
use hsrc_edge::jobs::{retention, scheduled};
use hsrc_edge::platform::{Ctx, DAY_MS};
use hsrc_edge::webhooks;
use hsrc_shared::test_cards as cards;
use serde_json::{json, Value};

fn block<T>(f: impl std::future::Future<Output = T>) -> T {
    futures_executor::block_on(f)
}

const HOUR_MS: i64 = 3600 * 1000;

fn world() -> World {
    let w = World::new();
    // D1 enforces foreign keys; the purge must delete in their order.
    w.h.db.with_conn(|c| c.execute_batch("PRAGMA foreign_keys = ON")).unwrap();
    let resp =
        w.post("/v1/webhook-endpoints", json!({ "url": "https://merchant.example/hooks", "enabled_events": ["*"] }));
    assert_eq!(resp.status, 200, "{}", String::from_utf8_lossy(&resp.body));
    w
}

fn count(w: &World, sql: &str) -> i64 {
    w.h.db.with_conn(|c| c.query_row(sql, [], |r| r.get(0))).unwrap()
}

fn job_ctx(w: &World) -> Ctx<'_> {
    Ctx { request_id: "job_retention".into(), ..w.h.ctx() }
}

/// A paid session, confirmed as the widget does it (with an Idempotency-Key), its webhooks delivered.
fn pay(w: &World, key: &str) -> Value {
    let s = w.create(json!({}));
    let req = ApiRequest::new(Method::Post, &format!("/v1/checkout-sessions/token/{}/confirm", s["token"].as_str().unwrap()))
        .with_header("idempotency-key", key)
        .with_json(&json!({
            "payment_method": { "type": "card", "card": { "number": cards::SUCCESS, "exp_month": 12, "exp_year": 2034, "cvc": "123" } },
            "payer": { "name": "Ada Lovelace", "email": "ada@example.com" }
        }));
    let resp = w.h.request(req);
    assert_eq!(resp.status, 200, "{}", String::from_utf8_lossy(&resp.body));
    drain(w);
    resp.json_body()
}

fn drain(w: &World) {
    loop {
        let ids = std::mem::take(&mut *w.h.queue.sent.borrow_mut());
        if ids.is_empty() {
            return;
        }
        for id in ids {
            block(webhooks::delivery::deliver_one(&job_ctx(w), &id)).unwrap();
        }
    }
}

fn payment_id(confirm: &Value) -> String {
    confirm["confirmResult"]["payment"]["id"].as_str().unwrap().to_string()
}

#[test]
fn purges_expired_keys_and_old_delivered_events_and_keeps_the_record() {
    let w = world();
    let old: Vec<Value> = (0..3).map(|i| pay(&w, &format!("old-{i}"))).collect();
    let old_events = count(&w, "SELECT COUNT(*) FROM events");
    assert!(old_events >= 3, "confirm writes events");
    assert!(count(&w, "SELECT COUNT(*) FROM delivery_attempts WHERE outcome = 'succeeded'") >= old_events);
    // One old event is still owed to its endpoint (its retries are pending): it must survive the purge.
    let owed: String =
        w.h.db.with_conn(|c| c.query_row("SELECT id FROM events ORDER BY rowid LIMIT 1", [], |r| r.get(0))).unwrap();
    w.h.db
        .with_conn(|c| c.execute("UPDATE webhook_deliveries SET status = 'pending' WHERE event_id = ?1", [&owed]))
        .unwrap();
    let (sessions, payments, charges) = (
        count(&w, "SELECT COUNT(*) FROM checkout_sessions"),
        count(&w, "SELECT COUNT(*) FROM payments"),
        count(&w, "SELECT COUNT(*) FROM charges"),
    );

    w.h.runtime.advance_ms(31 * DAY_MS);
    let fresh = pay(&w, "fresh");
    let fresh_events = count(&w, "SELECT COUNT(*) FROM events") - old_events;
    let report = block(scheduled::run(&job_ctx(&w)));

    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let p = &report.purged;
    assert_eq!(p.idempotency_keys, 3, "the three old keys are past 24 h; the fresh one is not");
    assert_eq!(p.events as i64, old_events - 1, "every old event but the one still owed");
    assert!(p.deliveries >= p.events && p.attempts >= p.deliveries, "{p:?}");
    assert!(!p.more);
    assert_eq!(count(&w, "SELECT COUNT(*) FROM events"), 1 + fresh_events);
    assert_eq!(
        w.h.db
            .with_conn(|c| c.query_row("SELECT COUNT(*) FROM events WHERE id = ?1", [&owed], |r| r.get::<_, i64>(0)))
            .unwrap(),
        1
    );
    assert_eq!(count(&w, "SELECT COUNT(*) FROM idempotency_keys"), 1);
    // Nothing dangles, and the system of record is whole.
    assert_eq!(count(&w, "SELECT COUNT(*) FROM webhook_deliveries d WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.id = d.event_id)"), 0);
    assert_eq!(count(&w, "SELECT COUNT(*) FROM delivery_attempts a WHERE NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.id = a.delivery_id)"), 0);
    assert_eq!(count(&w, "SELECT COUNT(*) FROM checkout_sessions"), sessions + 1);
    assert_eq!(count(&w, "SELECT COUNT(*) FROM payments"), payments + 1);
    assert_eq!(count(&w, "SELECT COUNT(*) FROM charges"), charges + 1);
    for c in old.iter().chain([&fresh]) {
        assert_eq!(w.payment(&payment_id(c))["status"], "SUCCEEDED");
    }
    // A second run finds nothing more.
    let again = block(retention::run(&job_ctx(&w), retention::Limits::default())).unwrap();
    assert_eq!((again.events, again.idempotency_keys), (0, 0));
}

#[test]
fn keys_live_24_hours_and_events_the_configured_window() {
    let mut w = world();
    pay(&w, "k");
    let events = count(&w, "SELECT COUNT(*) FROM events");
    w.h.config.event_retention_ms = 2 * DAY_MS;

    w.h.runtime.advance_ms(23 * HOUR_MS);
    let p = block(retention::run(&job_ctx(&w), retention::Limits::default())).unwrap();
    assert_eq!((p.idempotency_keys, p.events), (0, 0), "within 24 h nothing goes");

    w.h.runtime.advance_ms(2 * HOUR_MS);
    let p = block(retention::run(&job_ctx(&w), retention::Limits::default())).unwrap();
    assert_eq!((p.idempotency_keys, p.events), (1, 0), "the key is past 24 h, events are inside their 2 days");

    w.h.runtime.advance_ms(DAY_MS);
    let p = block(retention::run(&job_ctx(&w), retention::Limits::default())).unwrap();
    assert_eq!(p.events as i64, events, "past the 2-day window");
    assert_eq!(count(&w, "SELECT COUNT(*) FROM events"), 0);
}

#[test]
fn each_run_is_bounded_and_the_next_one_continues() {
    let w = world();
    for i in 0..4 {
        pay(&w, &format!("b-{i}"));
    }
    let events = count(&w, "SELECT COUNT(*) FROM events");
    assert!(events >= 5, "enough events for several batches: {events}");
    w.h.runtime.advance_ms(31 * DAY_MS);
    let limits = retention::Limits { batch: 2, max_batches: 1, budget_ms: 60_000 };

    let first = block(retention::run(&job_ctx(&w), limits)).unwrap();
    assert_eq!(first.events, 2, "one batch of two events");
    assert_eq!(first.idempotency_keys, 2, "one batch of two keys");
    assert!(first.more, "rows are still due");
    assert_eq!(count(&w, "SELECT COUNT(*) FROM events"), events - 2);

    let mut total = first.events;
    for _ in 0..events {
        let p = block(retention::run(&job_ctx(&w), limits)).unwrap();
        total += p.events;
        if !p.more {
            break;
        }
    }
    assert_eq!(total as i64, events);
    assert_eq!(count(&w, "SELECT COUNT(*) FROM events"), 0);
    assert_eq!(count(&w, "SELECT COUNT(*) FROM idempotency_keys"), 0);
    assert_eq!(count(&w, "SELECT COUNT(*) FROM delivery_attempts"), 0);
}

#[test]
fn purging_uses_the_index_not_a_scan() {
    let w = world();
    let plan: Vec<String> = w.h.db.with_conn(|c| {
        let mut st = c
            .prepare(
                "EXPLAIN QUERY PLAN SELECT e.id FROM events e WHERE e.created_at < 1 AND NOT EXISTS \
                 (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id AND d.status IN ('pending', 'sending')) \
                 ORDER BY e.created_at LIMIT 10",
            )
            .unwrap();
        st.query_map([], |r| r.get::<_, String>(3)).unwrap().map(Result::unwrap).collect()
    });
    assert!(plan.iter().any(|p| p.contains("events_by_created")), "{plan:?}");
    assert!(!plan.iter().any(|p| p.starts_with("SCAN")), "{plan:?}");
}
