//! Refunds on SQLite with the real migrations (issue #13): full and partial refunds, the budget rule and its
//! compare-and-set, authorizations (void instead), the failing and the asynchronous sandbox cards, cancel, replay,
//! events with the refund's version, and fault injection (crash before the provider call, lost response, a bad row
//! in the reconciliation pass). Every response is checked against the OpenAPI document.

mod common;

use common::{err_code, World};
use hsrc_edge::http::{ApiRequest, ApiResponse, Method};
use hsrc_edge::jobs::scheduled;
use hsrc_edge::openapi;
use hsrc_edge::platform::DbError;
use hsrc_edge::refunds::provider::{self as refund_provider, RefundOutcome};
use hsrc_edge::refunds::store::{self, AttemptRow, RefundRow};
use hsrc_shared::api::refunds::RefundAttemptStatus;
use hsrc_shared::refund::RefundStatus;
use hsrc_shared::test_cards as cards;
use serde_json::{json, Value};

const REFUND_FAILS: &str = cards::REFUND_DECLINES;
const REFUND_ASYNC: &str = cards::REFUND_ASYNC;

fn conforms(w: &World, method: Method, path: &str, r: &ApiResponse) {
    let doc = openapi::document();
    let (route, _) = hsrc_edge::routing::find(method, path.split('?').next().unwrap()).unwrap();
    let schema = hsrc_testkit::schema::response_schema(doc, method.as_str(), route.path, r.status)
        .unwrap_or_else(|| panic!("{path} {} is documented", r.status));
    if let Err(e) = hsrc_testkit::schema::validate(doc, schema, &r.json_body()) {
        panic!("{path} → {} does not match the document: {e}\n{}", r.status, String::from_utf8_lossy(&r.body));
    }
    let _ = w;
}

fn refund(w: &World, body: Value) -> ApiResponse {
    let r = w.post("/v1/refunds", body);
    conforms(w, Method::Post, "/v1/refunds", &r);
    r
}

fn refund_ok(w: &World, body: Value) -> Value {
    let r = refund(w, body);
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    r.json_body()["refund"].clone()
}

fn get_refund(w: &World, id: &str) -> Value {
    let path = format!("/v1/refunds/{id}");
    let r = w.get(&path);
    conforms(w, Method::Get, &path, &r);
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    r.json_body()["refund"].clone()
}

fn payment(w: &World, id: &str) -> Value {
    let path = format!("/v1/payments/{id}");
    let r = w.get(&path);
    conforms(w, Method::Get, &path, &r);
    r.json_body()["payment"].clone()
}

/// A paid session: returns the payment id.
fn paid(w: &World, card: &str, extra: Value) -> String {
    let s = w.create(extra);
    w.confirm_ok(s["token"].as_str().unwrap(), card);
    s["payment_id"].as_str().unwrap().to_string()
}

fn refund_rows(w: &World, payment_id: &str) -> i64 {
    w.h.db.with_conn(|c| {
        c.query_row("SELECT COUNT(*) FROM refunds WHERE payment_id = ?1", [payment_id], |r| r.get(0)).unwrap()
    })
}

/// `refund.*` and `payment.refunded` events of a payment, oldest first: (type, refundId, object version).
fn refund_events(w: &World, payment_id: &str) -> Vec<(String, String, i64)> {
    w.h.db.with_conn(|c| {
        let mut st = c
            .prepare(
                "SELECT type, refund_id, json_extract(data, '$.object.version') FROM events \
                 WHERE payment_id = ?1 AND refund_id IS NOT NULL ORDER BY rowid",
            )
            .unwrap();
        st.query_map([payment_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect()
    })
}

#[test]
fn a_full_refund_by_default_returns_everything_and_the_payment_stays_succeeded() {
    let w = World::new();
    let pid = paid(&w, cards::SUCCESS, json!({}));
    let re = refund_ok(&w, json!({ "payment_id": pid, "reason": "requested_by_customer" }));
    assert_eq!((re["status"].as_str(), re["amount"].as_i64()), (Some("SUCCEEDED"), Some(12500)));
    assert!(re["id"].as_str().unwrap().starts_with("re_"));
    assert_eq!(
        (re["currency"].as_str(), re["reason"].as_str(), re["version"].as_i64()),
        (Some("TRY"), Some("requested_by_customer"), Some(1))
    );
    assert_eq!(re["attempts"][0]["status"], "succeeded");
    assert!(re["request_id"].as_str().unwrap().starts_with("req_"));
    let p = payment(&w, &pid);
    assert_eq!(p["status"], "SUCCEEDED");
    assert_eq!((p["amount_refunded"].as_i64(), p["refund_status"].as_str()), (Some(12500), Some("full")));
    assert_eq!(p["refunds"][0]["id"], re["id"]);
    let rid = re["id"].as_str().unwrap().to_string();
    assert_eq!(
        refund_events(&w, &pid),
        [
            ("refund.created".to_string(), rid.clone(), 0),
            ("refund.succeeded".to_string(), rid.clone(), 1),
            ("payment.refunded".to_string(), rid.clone(), p["version"].as_i64().unwrap()),
        ]
    );
    // Nothing is left: another refund is an over-refund on `amount`.
    let r = refund(&w, json!({ "payment_id": pid }));
    assert_eq!(err_code(&r), (400, "amount_invalid".to_string()));
    assert_eq!(r.json_body()["error"]["param"], "amount");
}

#[test]
fn several_partials_add_up_and_an_over_refund_is_refused_on_amount() {
    let w = World::new();
    let pid = paid(&w, cards::SUCCESS, json!({}));
    for amount in [2500, 5000] {
        let re = refund_ok(&w, json!({ "payment_id": pid, "amount": amount }));
        assert_eq!(re["status"], "SUCCEEDED");
    }
    let p = payment(&w, &pid);
    assert_eq!((p["amount_refunded"].as_i64(), p["refund_status"].as_str()), (Some(7500), Some("partial")));
    let r = refund(&w, json!({ "payment_id": pid, "amount": 5001 }));
    assert_eq!(err_code(&r), (400, "amount_invalid".to_string()));
    assert_eq!(r.json_body()["error"]["param"], "amount");
    assert!(r.json_body()["error"]["message"].as_str().unwrap().contains("5000"));
    for bad in [json!(0), json!(-5), json!("100"), json!(1.5)] {
        let r = refund(&w, json!({ "payment_id": pid, "amount": bad }));
        assert_eq!(r.status, 400, "{bad}");
        assert_eq!(r.json_body()["error"]["param"], "amount");
    }
    let last = refund_ok(&w, json!({ "payment_id": pid }));
    assert_eq!(last["amount"], 5000);
    let p = payment(&w, &pid);
    assert_eq!((p["amount_refunded"].as_i64(), p["refund_status"].as_str()), (Some(12500), Some("full")));
    // Exactly one payment.refunded, after the last partial.
    let kinds: Vec<String> = refund_events(&w, &pid).into_iter().map(|e| e.0).collect();
    assert_eq!(kinds.iter().filter(|k| *k == "payment.refunded").count(), 1);
    assert_eq!(kinds.last().map(String::as_str), Some("payment.refunded"));
}

#[test]
fn an_authorization_is_voided_not_refunded_and_unpaid_payments_are_refused() {
    let w = World::new();
    let held = paid(&w, cards::SUCCESS, json!({ "capture_method": "manual" }));
    let r = refund(&w, json!({ "payment_id": held }));
    assert_eq!(err_code(&r), (409, "state_conflict".to_string()));
    assert!(r.json_body()["error"]["message"].as_str().unwrap().contains("Void it instead"));
    // Captured in part: only the captured amount can go back.
    let cap = w.post(&format!("/v1/payments/{held}/capture"), json!({ "amount": 4000 }));
    assert_eq!(cap.status, 200);
    assert_eq!(err_code(&refund(&w, json!({ "payment_id": held, "amount": 4001 }))).0, 400);
    assert_eq!(refund_ok(&w, json!({ "payment_id": held }))["amount"], 4000);

    let declined = paid(&w, cards::DECLINED, json!({}));
    let r = refund(&w, json!({ "payment_id": declined }));
    assert_eq!(err_code(&r), (409, "state_conflict".to_string()));
    assert_eq!(refund_rows(&w, &declined), 0);
}

#[test]
fn the_failing_card_leaves_the_money_with_the_merchant_and_can_be_refunded_again() {
    let w = World::new();
    let pid = paid(&w, REFUND_FAILS, json!({}));
    let re = refund_ok(&w, json!({ "payment_id": pid, "amount": 12500 }));
    assert_eq!((re["status"].as_str(), re["failure_reason"].as_str()), (Some("FAILED"), Some("provider_declined")));
    assert_eq!(re["attempts"][0]["failure_code"], "provider_declined");
    let p = payment(&w, &pid);
    assert_eq!((p["amount_refunded"].as_i64(), p["refund_status"].as_str()), (Some(0), Some("none")));
    // A failed refund holds nothing: the whole amount can be asked for again.
    let again = refund_ok(&w, json!({ "payment_id": pid }));
    assert_eq!((again["amount"].as_i64(), again["status"].as_str()), (Some(12500), Some("FAILED")));
    let kinds: Vec<String> = refund_events(&w, &pid).into_iter().map(|e| e.0).collect();
    assert_eq!(kinds, ["refund.created", "refund.failed", "refund.created", "refund.failed"]);
}

#[test]
fn the_async_card_stays_pending_then_settles_on_the_next_read_or_the_cron() {
    let w = World::new();
    let pid = paid(&w, REFUND_ASYNC, json!({}));
    let first = refund_ok(&w, json!({ "payment_id": pid, "amount": 1000 }));
    assert_eq!(first["status"], "PENDING");
    let p = payment(&w, &pid);
    assert_eq!((p["amount_refunded"].as_i64(), p["refund_status"].as_str()), (Some(0), Some("none")));
    // Pending money is reserved: it counts against what is left.
    let r = refund(&w, json!({ "payment_id": pid, "amount": 11501 }));
    assert_eq!(err_code(&r).0, 400);
    w.h.runtime.advance_ms(2_500);
    // The next read settles it.
    let read = get_refund(&w, first["id"].as_str().unwrap());
    assert_eq!((read["status"].as_str(), read["version"].as_i64()), (Some("SUCCEEDED"), Some(1)));

    let second = refund_ok(&w, json!({ "payment_id": pid, "amount": 2000 }));
    assert_eq!(second["status"], "PENDING");
    w.h.runtime.advance_ms(2_500);
    let report = futures_executor::block_on(scheduled::run(&w.h.ctx()));
    assert_eq!(report.refunds_settled, 1, "{report:?}");
    let p = payment(&w, &pid);
    assert_eq!((p["amount_refunded"].as_i64(), p["refund_status"].as_str()), (Some(3000), Some("partial")));
}

#[test]
fn a_pending_refund_can_be_cancelled_and_a_settled_one_cannot() {
    let w = World::new();
    let pid = paid(&w, REFUND_ASYNC, json!({}));
    let re = refund_ok(&w, json!({ "payment_id": pid }));
    let id = re["id"].as_str().unwrap();
    let path = format!("/v1/refunds/{id}/cancel");
    let r = w.post(&path, json!({}));
    conforms(&w, Method::Post, &path, &r);
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.json_body()["refund"]["status"], "CANCELLED");
    assert_eq!(r.json_body()["refund"]["attempts"][0]["status"], "cancelled");
    // The provider does not pay it out later, and the budget is free again.
    w.h.runtime.advance_ms(5_000);
    assert_eq!(get_refund(&w, id)["status"], "CANCELLED");
    assert_eq!(payment(&w, &pid)["amount_refunded"], 0);
    let again = refund_ok(&w, json!({ "payment_id": pid }));
    w.h.runtime.advance_ms(2_500);
    assert_eq!(get_refund(&w, again["id"].as_str().unwrap())["status"], "SUCCEEDED");
    let r = w.post(&format!("/v1/refunds/{}/cancel", again["id"].as_str().unwrap()), json!({}));
    assert_eq!(err_code(&r), (409, "state_conflict".to_string()));
    // Pending at us but settled at the provider: the cancel applies the provider's outcome and is refused.
    let pid2 = paid(&w, REFUND_ASYNC, json!({}));
    let late = refund_ok(&w, json!({ "payment_id": pid2 }));
    w.h.runtime.advance_ms(2_500);
    let r = w.post(&format!("/v1/refunds/{}/cancel", late["id"].as_str().unwrap()), json!({}));
    assert_eq!(err_code(&r), (409, "state_conflict".to_string()));
    assert_eq!(get_refund(&w, late["id"].as_str().unwrap())["status"], "SUCCEEDED");
}

fn rows_for(w: &World, pid: &str, amount: i64) -> (RefundRow, AttemptRow) {
    let ctx = w.h.ctx();
    let charge_id: String = w.h.db.with_conn(|c| {
        c.query_row("SELECT id FROM charges WHERE payment_id = ?1 AND status = 'succeeded'", [pid], |r| r.get(0))
            .unwrap()
    });
    let now = ctx.now_ms();
    let r = RefundRow {
        id: ctx.new_id("re").into(),
        merchant_id: w.m.id.clone(),
        payment_id: pid.into(),
        amount,
        currency: "TRY".into(),
        status: RefundStatus::Pending,
        version: 0,
        reason: None,
        failure_reason: None,
        metadata: Default::default(),
        request_id: Some(ctx.request_id.clone()),
        livemode: false,
        created_at: now,
        updated_at: now,
    };
    let a = AttemptRow {
        id: ctx.new_id("rfa").into(),
        refund_id: r.id.clone(),
        sequence: 1,
        provider: "sandbox_primary".into(),
        charge_id: charge_id.into(),
        status: RefundAttemptStatus::Pending,
        failure_code: None,
        message: None,
        latency_ms: None,
        request_id: None,
        created_at: now,
        resolved_at: None,
    };
    (r, a)
}

fn record(w: &World, r: &RefundRow, a: &AttemptRow) -> Result<Vec<u64>, DbError> {
    let ctx = w.h.ctx();
    futures_executor::block_on(ctx.db.batch(store::record_statements(&ctx, r, a)))
}

#[test]
fn the_database_refuses_a_refund_over_the_budget_even_when_the_check_read_stale_data() {
    let w = World::new();
    let pid = paid(&w, cards::SUCCESS, json!({}));
    // Two requests read "12500 left" at the same time; each asks for 8000. The first fits, the second must not.
    let (r1, a1) = rows_for(&w, &pid, 8000);
    let (r2, a2) = rows_for(&w, &pid, 8000);
    assert!(record(&w, &r1, &a1).is_ok());
    assert_eq!(record(&w, &r2, &a2), Err(DbError::Conflict));
    // Nothing of the losing batch exists: no refund, no attempt.
    assert_eq!(refund_rows(&w, &pid), 1);
    let attempts: i64 = w.h.db.with_conn(|c| {
        c.query_row("SELECT COUNT(*) FROM refund_attempts WHERE refund_id = ?1", [r2.id.as_str()], |r| r.get(0))
            .unwrap()
    });
    assert_eq!(attempts, 0);
    // What fits still goes through.
    let (r3, a3) = rows_for(&w, &pid, 4500);
    assert!(record(&w, &r3, &a3).is_ok());
}

fn sandbox_ops(w: &World, reference: &str) -> i64 {
    w.h.db.with_conn(|c| {
        c.query_row("SELECT COUNT(*) FROM sandbox_ledger WHERE reference = ?1 AND kind = 'refund'", [reference], |r| {
            r.get(0)
        })
        .unwrap()
    })
}

#[test]
fn a_crash_before_the_provider_call_is_finished_by_the_cron_with_the_same_reference() {
    let w = World::new();
    let pid = paid(&w, cards::SUCCESS, json!({}));
    let (r, a) = rows_for(&w, &pid, 3000);
    record(&w, &r, &a).unwrap(); // the Worker died right after this batch
    assert_eq!(sandbox_ops(&w, &a.id), 0);
    let report = futures_executor::block_on(scheduled::run(&w.h.ctx()));
    assert_eq!(report.refunds_settled, 1, "{report:?}");
    let re = get_refund(&w, &r.id);
    assert_eq!(re["status"], "SUCCEEDED");
    assert_eq!(re["attempts"].as_array().unwrap().len(), 1, "the same attempt, not a second one");
    assert_eq!(sandbox_ops(&w, &a.id), 1);
}

#[test]
fn a_lost_provider_response_is_reconciled_without_refunding_twice() {
    let w = World::new();
    let pid = paid(&w, cards::SUCCESS, json!({}));
    let (r, a) = rows_for(&w, &pid, 3000);
    record(&w, &r, &a).unwrap();
    let charge_ref: String = w.h.db.with_conn(|c| {
        c.query_row("SELECT COALESCE(provider_reference, id) FROM charges WHERE id = ?1", [a.charge_id.as_str()], |r| {
            r.get(0)
        })
        .unwrap()
    });
    // The provider refunded, the answer never came back.
    let ctx = w.h.ctx();
    let got =
        futures_executor::block_on(refund_provider::refund(&ctx, "sandbox_primary", &charge_ref, &a.id, 3000, "TRY"));
    assert_eq!(got, RefundOutcome::Succeeded);
    let re = get_refund(&w, &r.id);
    assert_eq!(re["status"], "SUCCEEDED");
    assert_eq!(sandbox_ops(&w, &a.id), 1);
    // Asking the provider again by the same reference answers the same operation.
    let ctx = w.h.ctx();
    let again =
        futures_executor::block_on(refund_provider::refund(&ctx, "sandbox_primary", &charge_ref, &a.id, 3000, "TRY"));
    assert_eq!(again, RefundOutcome::Succeeded);
    assert_eq!(sandbox_ops(&w, &a.id), 1);
    assert_eq!(payment(&w, &pid)["amount_refunded"], 3000);
}

#[test]
fn one_bad_row_never_stops_the_reconciliation_pass() {
    let w = World::new();
    let pid = paid(&w, cards::SUCCESS, json!({}));
    // The oldest pending refund is broken (its attempts are gone); a good one waits behind it.
    let (bad, bad_a) = rows_for(&w, &pid, 1000);
    record(&w, &bad, &bad_a).unwrap();
    w.h.db.with_conn(|c| c.execute("DELETE FROM refund_attempts WHERE refund_id = ?1", [bad.id.as_str()])).unwrap();
    w.h.runtime.advance_ms(10);
    let (good, good_a) = rows_for(&w, &pid, 2000);
    record(&w, &good, &good_a).unwrap();
    let report = futures_executor::block_on(scheduled::run(&w.h.ctx()));
    assert_eq!(report.refunds_settled, 1, "{report:?}");
    assert!(report.errors.iter().any(|e| e.starts_with(bad.id.as_str())), "{report:?}");
    assert_eq!(get_refund(&w, &good.id)["status"], "SUCCEEDED");
}

#[test]
fn the_same_idempotency_key_replays_the_refund_instead_of_refunding_twice() {
    let w = World::new();
    let pid = paid(&w, cards::SUCCESS, json!({}));
    let send = || {
        let req = ApiRequest::new(Method::Post, "/v1/refunds")
            .with_header("authorization", &format!("Bearer {}", w.m.secret_key))
            .with_header("idempotency-key", "refund-order-42")
            .with_json(&json!({ "payment_id": pid, "amount": 1000 }));
        w.h.request(req)
    };
    let (a, b) = (send(), send());
    assert_eq!((a.status, b.status), (200, 200));
    assert_eq!(a.json_body()["refund"]["id"], b.json_body()["refund"]["id"]);
    assert_eq!(refund_rows(&w, &pid), 1);
}

#[test]
fn list_is_newest_first_with_a_cursor_and_bad_input_gets_the_error_model() {
    let w = World::new();
    let pid = paid(&w, cards::SUCCESS, json!({}));
    let ids: Vec<String> = (0..3)
        .map(|_| {
            w.h.runtime.advance_ms(5);
            refund_ok(&w, json!({ "payment_id": pid, "amount": 100 }))["id"].as_str().unwrap().to_string()
        })
        .collect();
    let path = format!("/v1/refunds?payment_id={pid}&limit=2");
    let page = w.get(&path);
    conforms(&w, Method::Get, &path, &page);
    let page = page.json_body();
    let got: Vec<&str> = page["data"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(got, [ids[2].as_str(), ids[1].as_str()]);
    assert_eq!(page["has_more"], true);
    let next = w.get(&format!("/v1/refunds?payment_id={pid}&limit=2&starting_after={}", ids[1])).json_body();
    assert_eq!(next["data"][0]["id"], ids[0].as_str());
    assert_eq!(next["has_more"], false);
    assert_eq!(payment(&w, &pid)["refunds"][0]["id"], ids[2].as_str());

    assert_eq!(err_code(&w.get("/v1/refunds")), (400, "parameter_missing".to_string()));
    let r = refund(&w, json!({ "payment_id": "pay_000000000000000000000000" }));
    assert_eq!(err_code(&r), (404, "resource_missing".to_string()));
    assert_eq!(r.json_body()["error"]["param"], "payment_id");
    let r = refund(&w, json!({ "payment_id": cards::SUCCESS }));
    assert_eq!(err_code(&r).0, 400);
    assert!(!String::from_utf8_lossy(&r.body).contains(cards::SUCCESS), "no echo of the value");
    assert_eq!(err_code(&refund(&w, json!({ "payment_id": pid, "charge": "x" }))).1, "parameter_unknown");
    assert_eq!(err_code(&refund(&w, json!({ "payment_id": pid, "reason": "bored" }))).0, 400);
    assert_eq!(err_code(&refund(&w, json!({}))), (400, "parameter_missing".to_string()));
    let r = refund(&w, json!({ "payment_id": pid, "metadata": { "note": "card 4242 4242 4242 4242" } }));
    assert_eq!(r.json_body()["error"]["param"], "metadata[note]");
    assert!(!common::dump_storage(&w).contains("4242 4242 4242 4242"));
    assert_eq!(err_code(&w.get("/v1/refunds/re_nope")), (404, "resource_missing".to_string()));
    // Another merchant's refund does not exist for us.
    let other = w.h.seed_merchant("mer_other", "Other", false);
    let r = w.call(Method::Get, &format!("/v1/refunds/{}", ids[0]), None, Some(&other.secret_key));
    assert_eq!(err_code(&r), (404, "resource_missing".to_string()));
    let r = w.call(Method::Post, "/v1/refunds", Some(json!({ "payment_id": pid })), Some(&other.secret_key));
    assert_eq!(err_code(&r), (404, "resource_missing".to_string()));
    // The publishable key cannot refund.
    let r = w.call(Method::Post, "/v1/refunds", Some(json!({ "payment_id": pid })), Some(&w.m.publishable_key));
    assert_eq!(r.status, 403);
}

#[test]
fn the_console_shows_refunds_with_attempts_on_the_timeline_and_finds_the_session_by_refund_id() {
    let w = World::new();
    let s = w.create(json!({ "metadata": { "order_id": "ord_refund_ops" } }));
    w.confirm_ok(s["token"].as_str().unwrap(), REFUND_ASYNC);
    let (sid, pid) = (s["id"].as_str().unwrap(), s["payment_id"].as_str().unwrap());
    let done = refund_ok(&w, json!({ "payment_id": pid, "amount": 2000 }));
    w.h.runtime.advance_ms(2_500);
    let waiting = refund_ok(&w, json!({ "payment_id": pid, "amount": 500 }));
    let path = format!("/v1/ops/sessions/{sid}");
    let r = w.get(&path);
    conforms(&w, Method::Get, &path, &r);
    let d = r.json_body()["ops_session"].clone();
    assert_eq!(d["verdict"]["paid"], "paid");
    assert_eq!(
        (d["verdict"]["amount_refunded"].as_i64(), d["verdict"]["amount_refund_pending"].as_i64()),
        (Some(2000), Some(500))
    );
    assert_eq!(d["verdict"]["refund_status"], "partial");
    assert_eq!(
        (d["actions"]["refund_payment"].as_bool(), d["actions"]["refundable_amount"].as_i64()),
        (Some(true), Some(10000))
    );
    let refunds: Vec<(&str, &str)> = d["payment"]["refunds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].as_str().unwrap(), r["status"].as_str().unwrap()))
        .collect();
    assert_eq!(refunds, [(waiting["id"].as_str().unwrap(), "PENDING"), (done["id"].as_str().unwrap(), "SUCCEEDED")]);
    assert_eq!(d["payment"]["refunds"][1]["attempts"][0]["status"], "succeeded");
    let steps: Vec<String> = d["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["entity"].as_str().unwrap().starts_with("refund"))
        .map(|t| format!("{}:{}", t["entity"].as_str().unwrap(), t["to_status"].as_str().unwrap()))
        .collect();
    for want in ["refund:PENDING", "refund:SUCCEEDED", "refund_attempt:pending", "refund_attempt:succeeded"] {
        assert!(steps.contains(&want.to_string()), "{want} in {steps:?}");
    }
    let times: Vec<i64> = d["timeline"].as_array().unwrap().iter().map(|t| t["at_ms"].as_i64().unwrap()).collect();
    assert!(times.windows(2).all(|p| p[0] <= p[1]), "oldest first");
    let kinds: Vec<&str> = d["events"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"refund.succeeded"), "{kinds:?}");

    let q = format!("/v1/ops/search?q={}", done["id"].as_str().unwrap());
    let found = w.get(&q).json_body();
    assert_eq!(found["matched_by"], "refund_id");
    assert_eq!(found["data"][0]["session_id"], sid);
    assert_eq!(found["data"].as_array().unwrap().len(), 1);
}
