//! The payments engine on SQLite with the real migrations: every sandbox card, 3DS, async outcomes, routing
//! and fallback, payer retries, manual capture, expiry, cancel, and compare-and-set under contention.

mod common;

use common::{err_code, World};
use hsrc_edge::http::Method;
use serde_json::json;

fn token(s: &serde_json::Value) -> String {
    s["token"].as_str().unwrap().to_string()
}

fn pid(s: &serde_json::Value) -> String {
    s["payment_id"].as_str().unwrap().to_string()
}

#[test]
fn success_cards_complete_the_session() {
    let w = World::new();
    for card in ["4242424242424242", "5555555555554444"] {
        let s = w.create(json!({}));
        let r = w.confirm_ok(&token(&s), card);
        assert_eq!(r["checkout_session"]["status"], "COMPLETED");
        let p = w.payment(&pid(&s));
        assert_eq!((p["status"].as_str(), p["amount_captured"].as_i64()), (Some("SUCCEEDED"), Some(12500)));
        assert_eq!(w.charge_statuses(&p), ["succeeded"]);
        assert_eq!(w.event_types(&pid(&s)), ["charge.succeeded", "payment.succeeded", "checkout_session.completed"]);
    }
}

#[test]
fn each_decline_card_asks_for_another_method_with_its_code() {
    let w = World::new();
    for (card, code) in [
        ("4000000000000002", "card_declined"),
        ("4000000000009995", "insufficient_funds"),
        ("4000000000000069", "expired_card"),
        ("4000000000000127", "incorrect_cvc"),
    ] {
        let s = w.create(json!({}));
        let r = w.confirm_ok(&token(&s), card);
        assert_eq!(r["checkout_session"]["status"], "PENDING", "{card}");
        assert_eq!(r["confirmResult"]["payment"]["status"], "REQUIRES_PAYMENT_METHOD");
        assert_eq!(r["confirmResult"]["payment"]["last_error"]["decline_code"], code);
        let p = w.payment(&pid(&s));
        assert_eq!(p["charges"][0]["decline_code"], code);
        assert_eq!(w.event_types(&pid(&s)), ["charge.declined"]);
    }
}

#[test]
fn attempts_run_out_then_the_session_fails() {
    let w = World::new();
    let s = w.create(json!({ "max_attempts": 2 }));
    w.confirm_ok(&token(&s), "4000000000000002");
    let r = w.confirm_ok(&token(&s), "4000000000009995");
    assert_eq!(r["checkout_session"]["status"], "FAILED");
    assert_eq!(r["confirmResult"]["payment"]["status"], "FAILED");
    assert_eq!(
        w.event_types(&pid(&s)),
        ["charge.declined", "charge.declined", "payment.failed", "checkout_session.failed"]
    );
    assert_eq!(err_code(&w.confirm(&token(&s), "4242424242424242")), (409, "session_not_open".into()));
}

#[test]
fn three_ds_challenge_passes_inside_the_checkout() {
    let w = World::new();
    let s = w.create(json!({}));
    let r = w.confirm_ok(&token(&s), "4000000000003220");
    assert_eq!(r["checkout_session"]["status"], "PROCESSING");
    assert_eq!(r["confirmResult"]["payment"]["status"], "REQUIRES_ACTION");
    let url = r["confirmResult"]["paymentNextAction"]["redirect_user_to_url"]["url"].as_str().unwrap().to_string();
    assert_eq!(r["confirmResult"]["paymentNextAction"]["type"], "redirect_user_to_url");
    let challenge_id = url.rsplit('/').next().unwrap();
    assert!(!url.contains(&token(&s)), "the challenge URL carries no session token");

    let view = w.call(Method::Get, &format!("/v1/3ds/{challenge_id}"), None, None).json_body();
    assert_eq!(
        (view["challenge"]["status"].as_str(), view["challenge"]["card_last4"].as_str()),
        (Some("pending"), Some("3220"))
    );
    let done =
        w.call(Method::Post, &format!("/v1/3ds/{challenge_id}/complete"), Some(json!({ "result": "pass" })), None);
    assert_eq!(done.status, 200);
    assert_eq!(done.json_body()["challenge"]["status"], "passed");
    assert_eq!(w.view(&token(&s))["status"], "COMPLETED");
    let p = w.payment(&pid(&s));
    assert_eq!(p["status"], "SUCCEEDED");
    assert_eq!(
        w.event_types(&pid(&s)),
        ["payment.requires_action", "charge.succeeded", "payment.succeeded", "checkout_session.completed"]
    );
    // A finished challenge cannot be replayed.
    let again =
        w.call(Method::Post, &format!("/v1/3ds/{challenge_id}/complete"), Some(json!({ "result": "fail" })), None);
    assert_eq!(err_code(&again), (409, "state_conflict".into()));
}

#[test]
fn failed_challenge_returns_the_session_to_the_payer() {
    let w = World::new();
    let s = w.create(json!({}));
    let r = w.confirm_ok(&token(&s), "4000000000003220");
    let url = r["confirmResult"]["paymentNextAction"]["redirect_user_to_url"]["url"].as_str().unwrap().to_string();
    let id = url.rsplit('/').next().unwrap();
    w.call(Method::Post, &format!("/v1/3ds/{id}/complete"), Some(json!({ "result": "fail" })), None);
    let v = w.view(&token(&s));
    assert_eq!(
        (v["status"].as_str(), v["payment"]["status"].as_str()),
        (Some("PENDING"), Some("REQUIRES_PAYMENT_METHOD"))
    );
    assert_eq!(v["payment"]["last_error"]["decline_code"], "authentication_failed");
    assert_eq!(w.confirm_ok(&token(&s), "4242424242424242")["checkout_session"]["status"], "COMPLETED");
}

#[test]
fn secure_mode_challenges_every_card_then_applies_its_outcome() {
    let w = World::new();
    let s = w.create(json!({ "secure_mode": true }));
    let r = w.confirm_ok(&token(&s), "4000000000009995");
    assert_eq!(r["confirmResult"]["payment"]["status"], "REQUIRES_ACTION");
    let url = r["confirmResult"]["paymentNextAction"]["redirect_user_to_url"]["url"].as_str().unwrap().to_string();
    let id = url.rsplit('/').next().unwrap();
    w.call(Method::Post, &format!("/v1/3ds/{id}/complete"), Some(json!({ "result": "pass" })), None);
    let v = w.view(&token(&s));
    assert_eq!(v["payment"]["last_error"]["decline_code"], "insufficient_funds");
    let r = w.confirm_ok(&token(&s), "4242424242424242");
    assert_eq!(r["confirmResult"]["payment"]["status"], "REQUIRES_ACTION", "secure mode challenges the retry too");
}

#[test]
fn abandoned_challenge_expires_back_to_the_payer() {
    let w = World::new();
    let s = w.create(json!({ "expires_in": 3600 }));
    w.confirm_ok(&token(&s), "4000000000003220");
    w.h.runtime.advance_ms(w.h.config.challenge_ttl_ms + 1);
    let report = futures_block(hsrc_edge::services::scheduled::run(&w.h.ctx()));
    assert_eq!(report.settled, 1);
    let v = w.view(&token(&s));
    assert_eq!(
        (v["status"].as_str(), v["payment"]["status"].as_str()),
        (Some("PENDING"), Some("REQUIRES_PAYMENT_METHOD"))
    );
}

#[test]
fn timeouts_stay_processing_then_settle_in_the_background() {
    let w = World::new();
    for (card, final_session, final_payment, charge) in [
        ("4000000000000119", "COMPLETED", "SUCCEEDED", "succeeded"),
        ("4000000000000218", "PENDING", "REQUIRES_PAYMENT_METHOD", "declined"),
    ] {
        let s = w.create(json!({}));
        let r = w.confirm_ok(&token(&s), card);
        assert_eq!(
            (r["checkout_session"]["status"].as_str(), r["confirmResult"]["payment"]["status"].as_str()),
            (Some("PROCESSING"), Some("PROCESSING"))
        );
        // Not settled yet: reads leave it processing, and expiry does not touch it.
        assert_eq!(w.view(&token(&s))["status"], "PROCESSING");
        w.h.runtime.advance_ms(w.h.config.sandbox_async_delay_ms + 10);
        let report = futures_block(hsrc_edge::services::scheduled::run(&w.h.ctx()));
        assert_eq!(report.settled, 1, "{card}");
        let p = w.payment(&pid(&s));
        assert_eq!(p["status"], final_payment);
        assert_eq!(w.charge_statuses(&p), [charge]);
        assert_eq!(w.view(&token(&s))["status"], final_session);
        let job_request = w.h.db.with_conn(|c| {
            c.query_row(
                "SELECT request_id FROM events WHERE payment_id = ?1 ORDER BY rowid DESC LIMIT 1",
                [pid(&s)],
                |r| r.get::<_, String>(0),
            )
            .unwrap()
        });
        assert!(job_request.starts_with("req_test"), "async events carry the id of the run that resolved them");
    }
}

#[test]
fn primary_down_falls_back_and_records_both_charges() {
    let w = World::new();
    let s = w.create(json!({}));
    assert_eq!(w.confirm_ok(&token(&s), "4000000000008013")["checkout_session"]["status"], "COMPLETED");
    let p = w.payment(&pid(&s));
    let providers: Vec<_> = p["charges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["provider"].as_str().unwrap(), c["status"].as_str().unwrap(), c["sequence"].as_i64().unwrap()))
        .collect();
    assert_eq!(providers, [("sandbox_primary", "failed", 1), ("sandbox_fallback", "succeeded", 2)]);
    assert_eq!(
        w.event_types(&pid(&s)),
        ["charge.failed", "charge.succeeded", "payment.succeeded", "checkout_session.completed"]
    );
}

#[test]
fn every_provider_down_is_a_processing_error_with_one_charge_each() {
    let w = World::new();
    let s = w.create(json!({}));
    let r = w.confirm_ok(&token(&s), "4000000000003014");
    assert_eq!(r["checkout_session"]["status"], "PENDING");
    assert_eq!(r["confirmResult"]["payment"]["last_error"]["code"], "processing_error");
    let p = w.payment(&pid(&s));
    assert_eq!(w.charge_statuses(&p), ["failed", "failed"]);
}

#[test]
fn a_final_decline_never_falls_back() {
    let w = World::new();
    let s = w.create(json!({}));
    w.confirm_ok(&token(&s), "4000000000000002");
    assert_eq!(w.payment(&pid(&s))["charges"].as_array().unwrap().len(), 1);
}

#[test]
fn manual_capture_authorizes_then_captures_part() {
    let w = World::new();
    let s = w.create(json!({ "capture_method": "manual" }));
    let r = w.confirm_ok(&token(&s), "4242424242424242");
    assert_eq!(
        (r["checkout_session"]["status"].as_str(), r["confirmResult"]["payment"]["status"].as_str()),
        (Some("COMPLETED"), Some("AUTHORIZED"))
    );
    assert_eq!(w.event_types(&pid(&s)), ["charge.succeeded", "payment.authorized", "checkout_session.completed"]);
    let too_much = w.post(&format!("/v1/payments/{}/capture", pid(&s)), json!({ "amount": 99999 }));
    assert_eq!(err_code(&too_much), (400, "amount_invalid".into()));
    let cap = w.post(&format!("/v1/payments/{}/capture", pid(&s)), json!({ "amount": 10000 }));
    assert_eq!(cap.status, 200);
    assert_eq!(
        (cap.json_body()["payment"]["status"].as_str(), cap.json_body()["payment"]["amount_captured"].as_i64()),
        (Some("SUCCEEDED"), Some(10000))
    );
    assert_eq!(
        err_code(&w.post(&format!("/v1/payments/{}/capture", pid(&s)), json!({}))),
        (409, "state_conflict".into())
    );
    assert_eq!(err_code(&w.post(&format!("/v1/payments/{}/void", pid(&s)), json!({}))), (409, "state_conflict".into()));
}

#[test]
fn void_releases_an_authorization() {
    let w = World::new();
    let s = w.create(json!({ "capture_method": "manual" }));
    w.confirm_ok(&token(&s), "5555555555554444");
    let v = w.post(&format!("/v1/payments/{}/void", pid(&s)), json!({}));
    assert_eq!(v.json_body()["payment"]["status"], "CANCELLED");
    assert_eq!(w.event_types(&pid(&s)).last().unwrap(), "payment.canceled");
}

#[test]
fn sessions_expire_on_read_and_by_the_job_but_not_mid_payment() {
    let w = World::new();
    let idle = w.create(json!({ "expires_in": 60 }));
    let read = w.create(json!({ "expires_in": 60 }));
    let busy = w.create(json!({ "expires_in": 60 }));
    w.confirm_ok(&token(&busy), "4000000000000119");
    w.h.runtime.advance_ms(61_000);
    assert_eq!(w.view(&token(&read))["status"], "EXPIRED");
    assert_eq!(err_code(&w.confirm(&token(&read), "4242424242424242")), (410, "session_expired".into()));
    let report = futures_block(hsrc_edge::services::scheduled::run(&w.h.ctx()));
    assert_eq!(report.expired, 1);
    assert_eq!(
        w.get(&format!("/v1/checkout-sessions/{}", idle["id"].as_str().unwrap())).json_body()["checkout_session"]
            ["status"],
        "EXPIRED"
    );
    assert_eq!(w.payment(&pid(&idle))["status"], "CANCELLED");
    assert_eq!(w.event_types(&pid(&idle)), ["payment.canceled", "checkout_session.expired"]);
    // The in-flight payment finished first (the job settled it) and completed despite the deadline.
    assert_eq!(w.view(&token(&busy))["status"], "COMPLETED");
}

#[test]
fn payer_cancel_and_merchant_cancel_only_while_open() {
    let w = World::new();
    let s = w.create(json!({}));
    let r = w.call(Method::Post, &format!("/v1/checkout-sessions/token/{}/cancel", token(&s)), Some(json!({})), None);
    assert_eq!(r.json_body()["checkout_session"]["status"], "CANCELLED");
    let busy = w.create(json!({}));
    w.confirm_ok(&token(&busy), "4000000000000119");
    let r = w.post(&format!("/v1/checkout-sessions/{}/cancel", busy["id"].as_str().unwrap()), json!({}));
    assert_eq!(err_code(&r), (409, "session_processing".into()));
}

#[test]
fn confirm_on_a_processing_session_is_refused_without_a_charge() {
    let w = World::new();
    let s = w.create(json!({}));
    w.confirm_ok(&token(&s), "4000000000000119");
    assert_eq!(err_code(&w.confirm(&token(&s), "4242424242424242")), (409, "session_processing".into()));
    assert_eq!(w.payment(&pid(&s))["charges"].as_array().unwrap().len(), 1);
}

#[test]
fn a_stale_compare_and_set_writes_nothing() {
    use hsrc_edge::platform::{Database, DbError};
    let w = World::new();
    let s = w.create(json!({}));
    let ctx = w.h.ctx();
    let target = hsrc_edge::services::transitions::Target {
        table: "checkout_sessions",
        entity: "checkout_session",
        id: s["id"].as_str().unwrap(),
        status: "PENDING",
        version: 99,
    };
    let stale = hsrc_edge::services::transitions::cas(&ctx, target, "PROCESSING", vec![]);
    let before: i64 = w.h.db.with_conn(|c| c.query_row("SELECT COUNT(*) FROM transitions", [], |r| r.get(0)).unwrap());
    assert_eq!(futures_block(w.h.db.batch(stale)), Err(DbError::Conflict));
    let after: i64 = w.h.db.with_conn(|c| c.query_row("SELECT COUNT(*) FROM transitions", [], |r| r.get(0)).unwrap());
    assert_eq!(before, after, "the timeline row of a lost race is rolled back with it");
}

#[test]
fn card_numbers_and_cvcs_never_reach_storage() {
    let w = World::new();
    let cards: Vec<&str> = hsrc_edge::providers::sandbox::TEST_CARDS.iter().map(|(n, _)| *n).collect();
    for &card in &cards {
        let s = w.create(json!({}));
        w.confirm(&token(&s), card);
    }
    w.h.runtime.advance_ms(60_000);
    futures_block(hsrc_edge::services::scheduled::run(&w.h.ctx()));
    let dump = common::dump_storage(&w);
    for &card in &cards {
        assert!(!dump.contains(card), "a card number reached storage");
    }
    assert!(!dump.contains("\"cvc\""), "a CVC field reached storage");
    let cache = format!("{:?}", w.h.cache.entries.borrow());
    assert!(cards.iter().all(|c| !cache.contains(c)));
}

#[test]
fn live_merchants_never_reach_the_sandbox() {
    let w = World::new();
    let live = w.h.seed_merchant("mer_live", "Live Shop", true);
    let resp = w.call(
        Method::Post,
        "/v1/checkout-sessions",
        Some(json!({ "amount": 100, "currency": "TRY", "url": "https://merchant.example/pay" })),
        Some(&live.secret_key),
    );
    assert_eq!(resp.status, 200, "{}", String::from_utf8_lossy(&resp.body));
    let t = resp.json_body()["checkout_session"]["token"].as_str().unwrap().to_string();
    let r = w.confirm(&t, "4242424242424242");
    assert_eq!(err_code(&r), (402, "processing_error".into()));
}

fn futures_block<F: std::future::Future>(f: F) -> F::Output {
    futures_executor::block_on(f)
}

#[test]
fn lists_page_newest_first_with_status_filters() {
    let w = World::new();
    let ids: Vec<String> = (0..3).map(|_| w.create(json!({}))["id"].as_str().unwrap().to_string()).collect();
    let paid = w.create(json!({}));
    w.confirm_ok(&token(&paid), "4242424242424242");
    let first = w.get("/v1/checkout-sessions?status=PENDING&limit=2").json_body();
    let got: Vec<&str> = first["data"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(got, [ids[2].as_str(), ids[1].as_str()]);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = w.get(&format!("/v1/checkout-sessions?status=PENDING&limit=2&starting_after={cursor}")).json_body();
    assert_eq!(second["data"][0]["id"], ids[0].as_str());
    assert_eq!(second["has_more"], false);
    let payments = w.get("/v1/payments?status=SUCCEEDED").json_body();
    assert_eq!(payments["data"].as_array().unwrap().len(), 1);
    assert_eq!(payments["data"][0]["charges"][0]["status"], "succeeded");
    assert_eq!(err_code(&w.get("/v1/payments?limit=1000")), (400, "parameter_invalid".into()));
    assert_eq!(err_code(&w.get("/v1/checkout-sessions?status=PAID")), (400, "parameter_invalid".into()));
}
