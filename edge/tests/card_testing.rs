//! The merchant's card-testing breaker on SQLite (#18 item 3 bounded its counts): it trips on a run of declined
//! sessions, and it does not when most of the merchant's sessions in the window paid — however many there were.

mod common;

use common::{err_code, World};
use hsrc_edge::card_testing::{MERCHANT_DECLINE_PERCENT, MERCHANT_MIN_DECLINED_SESSIONS};
use serde_json::json;

const DECLINING: [&str; 3] = ["4000000000000002", "4000000000009995", "4000000000000069"];

/// Two integers of the one row `sql` selects, if it selects one.
fn pair(w: &World, sql: &str) -> Option<(i64, i64)> {
    w.h.db.with_conn(|c| c.query_row(sql, [], |r| Ok((r.get(0)?, r.get(1)?))).ok())
}

fn breaker(w: &World) -> Option<(i64, i64)> {
    pair(w, "SELECT declined_sessions, attempted_sessions FROM merchant_breakers")
}

#[test]
fn a_run_of_declined_sessions_trips_the_breaker() {
    let w = World::new();
    let mut stopped_at = None;
    for i in 0..24 {
        let s = w.create(json!({}));
        let r = w.confirm(s["token"].as_str().unwrap(), DECLINING[i % 3]);
        if r.status == 402 && r.json_body()["error"]["decline_code"] == "card_velocity_exceeded" {
            stopped_at = Some(i);
            break;
        }
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    }
    assert_eq!(stopped_at, Some(MERCHANT_MIN_DECLINED_SESSIONS as usize), "the 16th attempt is refused");
    let (declined, attempted) = breaker(&w).expect("the breaker is open");
    assert_eq!((declined, attempted), (MERCHANT_MIN_DECLINED_SESSIONS, MERCHANT_MIN_DECLINED_SESSIONS + 1));
    // A good card on a new session waits for the cool-down too.
    let s = w.create(json!({}));
    let r = w.confirm(s["token"].as_str().unwrap(), "4242424242424242");
    assert_eq!(err_code(&r), (402, "card_declined".into()));
}

#[test]
fn declines_among_many_paid_sessions_do_not_trip_it() {
    let w = World::new();
    // Paid sessions first: far more than the declined ones can outweigh.
    for _ in 0..40 {
        let s = w.create(json!({}));
        w.confirm_ok(s["token"].as_str().unwrap(), "4242424242424242");
    }
    let declines = MERCHANT_MIN_DECLINED_SESSIONS + 5;
    assert!(declines * 100 < (declines + 40) * MERCHANT_DECLINE_PERCENT);
    for i in 0..declines as usize {
        let s = w.create(json!({}));
        let r = w.confirm(s["token"].as_str().unwrap(), DECLINING[i % 3]);
        assert_eq!(r.status, 200, "decline {i}: {}", String::from_utf8_lossy(&r.body));
    }
    assert_eq!(breaker(&w), None);
}

fn attempts_by_settled(w: &World) -> (i64, i64) {
    pair(w, "SELECT COALESCE(SUM(settled = 0), 0), COALESCE(SUM(settled = 1), 0) FROM card_attempts").unwrap()
}

/// Settling a charge marks its card attempts settled (migration 0016), so the card's in-flight walk only meets
/// open attempts; an attempt a crash left open still counts against the card's budget.
#[test]
fn settled_attempts_leave_the_in_flight_walk_and_open_ones_still_count() {
    let w = World::new();
    w.h.db.with_conn(|c| c.execute("UPDATE merchants SET card_max_declines = 2", []).unwrap());
    for _ in 0..5 {
        let s = w.create(json!({}));
        w.confirm_ok(s["token"].as_str().unwrap(), "4242424242424242");
    }
    let s = w.create(json!({}));
    let r = w.confirm(s["token"].as_str().unwrap(), DECLINING[0]);
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(attempts_by_settled(&w), (0, 6), "paid and declined attempts alike are marked settled");

    // Two confirms of the card that a crash stopped between claim and settle: open, on open sessions.
    let (fingerprint, at): (String, i64) = w.h.db.with_conn(|c| {
        c.query_row("SELECT fingerprint, MAX(created_at) FROM card_attempts", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
    });
    let crashed: Vec<String> = (0..2).map(|_| w.create(json!({}))["id"].as_str().unwrap().to_owned()).collect();
    w.h.db.with_conn(|c| {
        for (i, session) in crashed.iter().enumerate() {
            c.execute(
                "INSERT INTO card_attempts (id, merchant_id, fingerprint, checkout_session_id, created_at) \
                 VALUES (?1, 'mer_test', ?2, ?3, ?4)",
                rusqlite::params![format!("att_crashed_{i}"), fingerprint, session, at],
            )
            .unwrap();
        }
    });
    let s = w.create(json!({}));
    let r = w.confirm(s["token"].as_str().unwrap(), "4242424242424242");
    assert_eq!(r.status, 402, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.json_body()["error"]["decline_code"], "card_velocity_exceeded");
}
