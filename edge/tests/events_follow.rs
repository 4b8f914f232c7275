//! `GET /v1/events?ending_before=…`: reading the event log forward in time, as `hsrc listen` follows it. Paging
//! forward from any event visits every newer event exactly once, in creation order, with new events appended.

mod common;
use common::World;
use hsrc_shared::test_cards as cards;
use serde_json::{json, Value};

fn ids(page: &Value) -> Vec<String> {
    page["data"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_string()).collect()
}

/// Follows the log from `cursor` the way the CLI does: oldest first, `limit` at a time, until `has_more` is false.
fn follow(w: &World, cursor: &str, limit: u32) -> (Vec<String>, String) {
    let mut cursor = cursor.to_string();
    let mut seen = Vec::new();
    for _ in 0..100 {
        let resp = w.get(&format!("/v1/events?ending_before={cursor}&limit={limit}"));
        assert_eq!(resp.status, 200, "{}", String::from_utf8_lossy(&resp.body));
        let page = resp.json_body();
        let mut batch = ids(&page);
        batch.reverse();
        if let Some(newest) = batch.last() {
            cursor = newest.clone();
        }
        seen.extend(batch);
        if page["has_more"] != true {
            return (seen, cursor);
        }
        assert_eq!(page["next_cursor"], json!(cursor), "next_cursor is the newest event of the page");
    }
    panic!("follow did not finish");
}

#[test]
fn ending_before_reads_every_newer_event_once_in_order() {
    let w = World::new();
    let s = w.create(json!({}));
    w.confirm_ok(s["token"].as_str().unwrap(), cards::SUCCESS);
    let first_all = ids(&w.get("/v1/events?limit=100").json_body());
    assert!(first_all.len() >= 2, "a payment makes several events: {first_all:?}");
    let oldest = first_all.last().unwrap().clone();

    // More events after the cursor was taken.
    for _ in 0..3 {
        let s = w.create(json!({}));
        w.confirm_ok(s["token"].as_str().unwrap(), cards::DECLINED);
    }
    let mut all = ids(&w.get("/v1/events?limit=100").json_body());
    all.reverse(); // oldest first
    let expected: Vec<String> = all.iter().skip(1).cloned().collect();

    for limit in [1, 2, 100] {
        let (seen, cursor) = follow(&w, &oldest, limit);
        assert_eq!(seen, expected, "limit {limit}: every newer event once, oldest first");
        assert_eq!(&cursor, all.last().unwrap());
        // Caught up: nothing new, nothing repeated.
        assert_eq!(follow(&w, &cursor, limit).0, Vec::<String>::new());
    }
}

#[test]
fn ending_before_is_scoped_to_the_merchant_and_exclusive_with_starting_after() {
    let w = World::new();
    let s = w.create(json!({}));
    w.confirm_ok(s["token"].as_str().unwrap(), cards::SUCCESS);
    let newest = ids(&w.get("/v1/events?limit=1").json_body())[0].clone();
    let resp = w.get(&format!("/v1/events?ending_before={newest}&starting_after={newest}"));
    assert_eq!(resp.status, 400);
    assert_eq!(resp.json_body()["error"]["param"], "ending_before");

    let other = w.h.seed_merchant("mer_other", "Other Shop", false);
    let resp = w.call(
        hsrc_edge::http::Method::Get,
        &format!("/v1/events?ending_before={newest}"),
        None,
        Some(&other.secret_key),
    );
    assert_eq!(resp.status, 200);
    assert_eq!(ids(&resp.json_body()), Vec::<String>::new(), "another merchant's event is no cursor");
}
