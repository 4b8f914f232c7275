//! The retention job on the local Worker and its D1 (jobs/retention.rs, fired through the cron): rows are aged
//! in the D1 file the way 31 days would age them, then the cron purges what is past its window and nothing else.

use hsrc_e2e::{cards, confirm_body, worker_state, Api};
use rusqlite::{params, Connection};
use serde_json::Value;
use std::time::Duration;

const DAY_MS: i64 = 24 * 3600 * 1000;

/// Writes to the local D1 database from outside the Worker, which may be writing too (never during a request of
/// this process: `worker_state::with_d1_write`).
fn d1_write<T>(f: impl FnOnce(&Connection) -> T) -> T {
    worker_state::with_d1_write(Duration::from_secs(20), f)
}

/// A session paid with 4242… and this Idempotency-Key; returns (payment id, session id).
fn pay(api: &Api, key: &str) -> (String, String) {
    let s = api.create_session(serde_json::json!({}));
    let token = s["token"].as_str().unwrap();
    let r = api
        .send(
            "POST",
            &format!("/v1/checkout-sessions/token/{token}/confirm"),
            None,
            Some(&confirm_body(cards::SUCCESS)),
            &[("idempotency-key", key)],
        )
        .expect(200);
    let pid = r["confirmResult"]["payment"]["id"].as_str().unwrap().to_string();
    (pid, s["id"].as_str().unwrap().to_string())
}

fn event_ids(c: &Connection, payment_id: &str) -> Vec<String> {
    let mut st = c.prepare("SELECT id FROM events WHERE payment_id = ?1").unwrap();
    st.query_map([payment_id], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

fn count(c: &Connection, sql: &str, p: &str) -> i64 {
    c.query_row(sql, [p], |r| r.get(0)).unwrap()
}

#[test]
fn the_cron_purges_expired_keys_and_old_delivered_events_on_d1() {
    let api = Api::from_env();
    let run = std::process::id();
    let (old_key, fresh_key, owed_key) =
        (format!("ret-old-{run}"), format!("ret-fresh-{run}"), format!("ret-owed-{run}"));
    let (old, _) = pay(&api, &old_key);
    let (fresh, _) = pay(&api, &fresh_key);
    let (owed, _) = pay(&api, &owed_key);

    let c = worker_state::d1();
    let now: i64 = c.query_row("SELECT CAST(strftime('%s', 'now') AS INTEGER) * 1000", [], |r| r.get(0)).unwrap();
    let old_events = event_ids(&c, &old);
    let owed_events = event_ids(&c, &owed);
    let fresh_events = event_ids(&c, &fresh);
    drop(c);
    assert!(!old_events.is_empty() && !owed_events.is_empty(), "confirm writes events");
    // 31 days pass for the old and the owed payment's events and keys; the owed one still has a delivery waiting
    // for its next attempt (tomorrow), as when a merchant's endpoint has been down.
    d1_write(|c| {
        for pid in [&old, &owed] {
            c.execute(
                "UPDATE events SET created_at = created_at - ?2 WHERE payment_id = ?1",
                params![pid, 31 * DAY_MS],
            )
            .unwrap();
        }
        for key in [&old_key, &owed_key] {
            c.execute(
                "UPDATE idempotency_keys SET expires_at = ?2, locked_at = ?2 WHERE key = ?1",
                params![key, now - DAY_MS],
            )
            .unwrap();
        }
        c.execute(
            "INSERT INTO webhook_deliveries (id, event_id, endpoint_id, merchant_id, status, attempts, schedule_step, \
             next_attempt_at, created_at, updated_at) VALUES (?1, ?2, 'we_retention_e2e', 'mer_sandbox', 'pending', 1, 1, ?3, ?4, ?4)",
            params![format!("dlv_ret_{run}"), owed_events[0], now + DAY_MS, now - 31 * DAY_MS],
        )
        .unwrap();
    });

    api.fire_cron();
    let c = worker_state::d1();
    // Every old event whose deliveries are all final is gone, with its deliveries and attempts; one still owed to an
    // endpoint is not. (Other tests' endpoints may still be retrying deliveries of these events: those stay too.)
    let owes = "SELECT COUNT(*) FROM webhook_deliveries WHERE event_id = ?1 AND status IN ('pending', 'sending')";
    let left: Vec<String> = event_ids(&c, &old);
    assert!(left.len() < old_events.len(), "old events were purged: {left:?}");
    for id in &left {
        assert!(count(&c, owes, id) > 0, "event {id} is past the window with no delivery owed, yet kept");
    }
    for id in old_events.iter().filter(|id| !left.contains(id)) {
        assert_eq!(count(&c, "SELECT COUNT(*) FROM webhook_deliveries WHERE event_id = ?1", id), 0);
        assert_eq!(count(&c, "SELECT COUNT(*) FROM delivery_attempts WHERE event_id = ?1", id), 0);
    }
    assert!(event_ids(&c, &owed).contains(&owed_events[0]), "the event still owed to an endpoint stays");
    assert_eq!(event_ids(&c, &fresh), fresh_events, "events inside the window stay");
    let key_rows = "SELECT COUNT(*) FROM idempotency_keys WHERE key = ?1";
    assert_eq!(count(&c, key_rows, &old_key), 0, "the expired key is purged");
    assert_eq!(count(&c, key_rows, &owed_key), 0, "the expired key is purged");
    assert_eq!(count(&c, key_rows, &fresh_key), 1, "a key inside its 24 h stays");
    // The system of record is untouched: the payment and its charge are still there and readable.
    assert_eq!(count(&c, "SELECT COUNT(*) FROM charges WHERE payment_id = ?1", &old), 1);
    drop(c);
    d1_write(|c| c.execute("DELETE FROM webhook_deliveries WHERE id = ?1", [format!("dlv_ret_{run}")]).unwrap());
    let p: Value = api.payment(&old);
    assert_eq!(p["status"], "SUCCEEDED", "{p}");
}
