//! API-only payments (#15) on the real engine and migrations: create, payment methods from the card element,
//! confirm by the merchant's server or its page, retry after a decline, 3DS, raw card rules, cancel.

mod common;

use common::{dump_storage, err_code, World};
use hsrc_edge::http::{ApiRequest, ApiResponse, Method};
use hsrc_shared::test_cards as cards;
use serde_json::{json, Value};

const ORIGIN: &str = common::CARD_ELEMENT_ORIGIN;

fn body(resp: &ApiResponse) -> Value {
    assert_eq!(resp.status, 200, "{}", String::from_utf8_lossy(&resp.body));
    resp.json_body()
}

fn create(w: &World, extra: Value) -> Value {
    w.api_create(extra)
}

/// What our card element sends: publishable key, from our own origin.
fn payment_method_as(w: &World, number: &str, origin: Option<&str>, key: &str) -> ApiResponse {
    w.card_element(number, origin, key)
}

fn pm(w: &World, number: &str) -> String {
    w.pm(number)
}

fn confirm(w: &World, id: &str, pm: &str) -> ApiResponse {
    w.api_confirm(id, pm)
}

fn confirm_as_page(w: &World, id: &str, pm: &str, secret: Option<&str>) -> ApiResponse {
    let mut b = json!({ "payment_method": pm });
    if let Some(s) = secret {
        b["client_secret"] = json!(s);
    }
    w.call(Method::Post, &format!("/v1/payments/{id}/confirm"), Some(b), Some(&w.m.publishable_key.clone()))
}

#[test]
fn create_returns_a_created_payment_without_session_and_a_client_secret() {
    let w = World::new();
    let v = create(
        &w,
        json!({ "description": "İznik mug", "metadata": { "order_id": "o1" }, "return_url": "https://merchant.example/back", "capture_method": "manual" }),
    );
    let p = &v["payment"];
    assert_eq!(p["status"], "CREATED");
    assert_eq!(p["checkout_session_id"], Value::Null);
    assert_eq!((p["description"].as_str(), p["metadata"]["order_id"].as_str()), (Some("İznik mug"), Some("o1")));
    assert_eq!(p["capture_method"], "manual");
    let secret = v["client_secret"].as_str().unwrap();
    let (id, random) = secret.split_once("_secret_").unwrap();
    assert_eq!(id, p["id"].as_str().unwrap());
    assert!(random.len() >= 43, "256 bits of randomness, base64url: {random}");
    assert!(v["client_secret_expires_at"].as_i64().unwrap() > 0);
    // The secret is only returned on create, and only its hash is stored.
    assert!(!dump_storage(&w).contains(random));
    assert!(w.payment(id).get("client_secret").is_none());
}

#[test]
fn create_validates_like_a_session() {
    let w = World::new();
    for (extra, param) in [
        (json!({ "return_url": "javascript:alert(1)" }), "return_url"),
        (json!({ "return_url": "https://evil.example/x" }), "return_url"),
        (json!({ "currency": "XXX" }), "currency"),
        (json!({ "amount": 0 }), "amount"),
        (json!({ "max_attempts": 11 }), "max_attempts"),
        (json!({ "description": "card 4242 4242 4242 4242" }), "description"),
        (json!({ "surprise": 1 }), "surprise"),
    ] {
        let mut b = json!({ "amount": 12500, "currency": "TRY" });
        for (k, v) in extra.as_object().unwrap() {
            b[k] = v.clone();
        }
        let resp = w.post("/v1/payments", b);
        assert_eq!(resp.status, 400, "{extra}: {}", String::from_utf8_lossy(&resp.body));
        assert_eq!(resp.json_body()["error"]["param"], param, "{extra}");
        assert!(!String::from_utf8_lossy(&resp.body).contains("4242 4242"), "never echoes a card number");
    }
    // Publishable keys cannot create payments.
    let resp = w.call(
        Method::Post,
        "/v1/payments",
        Some(json!({"amount": 1, "currency": "TRY"})),
        Some(&w.m.publishable_key.clone()),
    );
    assert_eq!(err_code(&resp), (403, "api_key_wrong_kind".into()));
}

#[test]
fn payment_methods_come_only_from_the_card_element_and_keep_no_card_data() {
    let w = World::new();
    let sk = w.m.secret_key.clone();
    let pk = w.m.publishable_key.clone();
    assert_eq!(err_code(&payment_method_as(&w, cards::SUCCESS, Some(ORIGIN), &sk)), (403, "api_key_wrong_kind".into()));
    assert_eq!(
        err_code(&payment_method_as(&w, cards::SUCCESS, Some("https://merchant.example"), &pk)),
        (403, "origin_not_allowed".into())
    );
    assert_eq!(err_code(&payment_method_as(&w, cards::SUCCESS, None, &pk)), (403, "origin_not_allowed".into()));
    assert_eq!(
        err_code(&payment_method_as(&w, "4111111111111111", Some(ORIGIN), &pk)),
        (400, "live_card_in_test_mode".into())
    );
    let v = body(&payment_method_as(&w, cards::SUCCESS, Some(ORIGIN), &pk));
    let m = &v["payment_method"];
    assert!(m["id"].as_str().unwrap().starts_with("pm_"));
    assert_eq!((m["card"]["brand"].as_str(), m["card"]["last4"].as_str()), (Some("visa"), Some("4242")));
    assert_eq!(m["expires_at"].as_i64().unwrap() - m["created_at"].as_i64().unwrap(), 30 * 60);
    let dump = dump_storage(&w);
    assert!(!dump.contains(cards::SUCCESS) && !dump.contains("424242424242"), "no PAN in storage");
    assert!(!dump.contains(&hsrc_shared::crypto::sha256_hex(cards::SUCCESS.as_bytes())), "no plain hash of the PAN");
}

#[test]
fn server_confirm_with_a_payment_method_succeeds_with_the_checkout_confirm_shape() {
    let w = World::new();
    let p = create(&w, json!({}));
    let id = p["payment"]["id"].as_str().unwrap();
    let method = pm(&w, cards::SUCCESS);
    let v = body(&confirm(&w, id, &method));
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["payment", "paymentNextAction"], "exactly the checkout confirm's confirmResult");
    assert_eq!((v["payment"]["status"].as_str(), &v["paymentNextAction"]), (Some("SUCCEEDED"), &Value::Null));
    assert_eq!(v["payment"]["card"]["last4"], "4242");
    let payment = w.payment(id);
    assert_eq!(payment["status"], "SUCCEEDED");
    assert_eq!(w.charge_statuses(&payment), ["succeeded"]);
    assert_eq!(w.event_types(id), ["charge.succeeded", "payment.succeeded"]);
    let null_sessions: i64 = w.h.db.with_conn(|c| {
        c.query_row("SELECT COUNT(*) FROM events WHERE payment_id = ?1 AND checkout_session_id IS NULL", [id], |r| {
            r.get(0)
        })
        .unwrap()
    });
    assert_eq!(null_sessions, 2, "events carry checkoutSessionId null");
    // A second confirm of a succeeded payment is a state conflict.
    let again = pm(&w, cards::SUCCESS);
    assert_eq!(err_code(&confirm(&w, id, &again)).0, 409);
}

#[test]
fn a_payment_method_is_single_use_and_expires() {
    let w = World::new();
    let method = pm(&w, cards::DECLINED);
    let first = create(&w, json!({}));
    let first_id = first["payment"]["id"].as_str().unwrap();
    assert_eq!(body(&confirm(&w, first_id, &method))["payment"]["status"], "REQUIRES_PAYMENT_METHOD");
    let second = create(&w, json!({}));
    let second_id = second["payment"]["id"].as_str().unwrap();
    assert_eq!(err_code(&confirm(&w, second_id, &method)), (400, "payment_method_unusable".into()));
    let stale = pm(&w, cards::SUCCESS);
    w.h.runtime.advance_ms(30 * 60 * 1000 + 1);
    assert_eq!(err_code(&confirm(&w, second_id, &stale)), (400, "payment_method_unusable".into()));
    assert_eq!(err_code(&confirm(&w, second_id, "pm_nope")), (400, "resource_missing".into()));
    // Nothing was charged by the refused confirms.
    assert!(w.payment(second_id)["charges"].as_array().unwrap().is_empty());
}

#[test]
fn a_decline_lets_the_payer_retry_on_the_same_payment_up_to_the_limit() {
    let w = World::new();
    let p = create(&w, json!({ "max_attempts": 2 }));
    let id = p["payment"]["id"].as_str().unwrap();
    let v = body(&confirm(&w, id, &pm(&w, cards::INSUFFICIENT_FUNDS)));
    assert_eq!(v["payment"]["status"], "REQUIRES_PAYMENT_METHOD");
    assert_eq!(v["payment"]["last_error"]["decline_code"], "insufficient_funds");
    let v = body(&confirm(&w, id, &pm(&w, cards::SUCCESS)));
    assert_eq!(v["payment"]["status"], "SUCCEEDED");
    assert_eq!(w.charge_statuses(&w.payment(id)), ["declined", "succeeded"]);

    let q = create(&w, json!({ "max_attempts": 2 }));
    let qid = q["payment"]["id"].as_str().unwrap();
    body(&confirm(&w, qid, &pm(&w, cards::DECLINED)));
    let v = body(&confirm(&w, qid, &pm(&w, cards::DECLINED)));
    assert_eq!(v["payment"]["status"], "FAILED", "attempts used up");
    assert_eq!(err_code(&confirm(&w, qid, &pm(&w, cards::SUCCESS))).0, 409);
    assert!(w.event_types(qid).contains(&"payment.failed".to_string()));
}

#[test]
fn the_page_confirms_with_its_publishable_key_and_only_its_own_client_secret() {
    let w = World::new();
    let a = create(&w, json!({}));
    let b = create(&w, json!({}));
    let (a_id, a_secret) = (a["payment"]["id"].as_str().unwrap(), a["client_secret"].as_str().unwrap());
    let b_secret = b["client_secret"].as_str().unwrap();
    let method = pm(&w, cards::SUCCESS);
    assert_eq!(err_code(&confirm_as_page(&w, a_id, &method, None)), (400, "parameter_missing".into()));
    assert_eq!(err_code(&confirm_as_page(&w, a_id, &method, Some(b_secret))), (404, "resource_missing".into()));
    let v = body(&confirm_as_page(&w, a_id, &method, Some(a_secret)));
    assert_eq!(v["payment"]["status"], "SUCCEEDED");
    // The page's read: the summary only, with its secret.
    let path = format!("/v1/payments/{a_id}/client?client_secret={a_secret}");
    let view = body(&w.call(Method::Get, &path, None, Some(&w.m.publishable_key.clone())));
    assert_eq!(view["payment"]["status"], "SUCCEEDED");
    assert!(view["payment"].get("charges").is_none() && view["payment"]["card"].get("fingerprint").is_none());
    // Publishable keys still cannot read the merchant's payment object.
    let resp = w.call(Method::Get, &format!("/v1/payments/{a_id}"), None, Some(&w.m.publishable_key.clone()));
    assert_eq!(resp.status, 403);
    // The client secret is short-lived; the secret key is not.
    let c = create(&w, json!({}));
    let (c_id, c_secret) = (c["payment"]["id"].as_str().unwrap(), c["client_secret"].as_str().unwrap());
    w.h.runtime.advance_ms(60 * 60 * 1000 + 1);
    let fresh = pm(&w, cards::SUCCESS);
    assert_eq!(err_code(&confirm_as_page(&w, c_id, &fresh, Some(c_secret))), (410, "client_secret_expired".into()));
    assert_eq!(body(&confirm(&w, c_id, &fresh))["payment"]["status"], "SUCCEEDED");
}

fn complete_challenge(w: &World, next_action: &Value, result: &str) {
    let url = next_action["redirect_user_to_url"]["url"].as_str().unwrap();
    let challenge = url.rsplit('/').next().unwrap();
    let resp = w.call(Method::Post, &format!("/v1/3ds/{challenge}/complete"), Some(json!({ "result": result })), None);
    assert_eq!(resp.status, 200, "{}", String::from_utf8_lossy(&resp.body));
}

#[test]
fn three_d_secure_runs_through_the_next_action_and_resumes_the_same_engine() {
    let w = World::new();
    for (result, want) in [("pass", "SUCCEEDED"), ("fail", "REQUIRES_PAYMENT_METHOD")] {
        let p = create(&w, json!({}));
        let id = p["payment"]["id"].as_str().unwrap();
        let v = body(&confirm(&w, id, &pm(&w, cards::THREE_DS)));
        assert_eq!(v["payment"]["status"], "REQUIRES_ACTION");
        assert_eq!(v["paymentNextAction"]["type"], "redirect_user_to_url");
        assert!(w.event_types(id).contains(&"payment.requires_action".to_string()));
        complete_challenge(&w, &v["paymentNextAction"], result);
        assert_eq!(w.payment(id)["status"], want, "{result}");
    }
    // secure_mode forces the challenge for any card.
    let p = create(&w, json!({ "secure_mode": true }));
    let id = p["payment"]["id"].as_str().unwrap();
    let v = body(&confirm(&w, id, &pm(&w, cards::SUCCESS)));
    assert_eq!(v["payment"]["status"], "REQUIRES_ACTION");
    complete_challenge(&w, &v["paymentNextAction"], "pass");
    assert_eq!(w.payment(id)["status"], "SUCCEEDED");
}

#[test]
fn a_provider_timeout_settles_on_the_next_read_without_a_session() {
    let w = World::new();
    let p = create(&w, json!({}));
    let id = p["payment"]["id"].as_str().unwrap();
    assert_eq!(body(&confirm(&w, id, &pm(&w, cards::TIMEOUT_THEN_SUCCESS)))["payment"]["status"], "PROCESSING");
    w.h.runtime.advance_ms(5_000);
    assert_eq!(w.payment(id)["status"], "SUCCEEDED");
}

#[test]
fn raw_card_data_is_the_test_mode_only_saq_d_path() {
    let w = World::new();
    let raw = json!({ "payment_method": { "type": "card", "card": { "number": cards::SUCCESS, "exp_month": 12, "exp_year": 2034, "cvc": "987" } } });
    let p = create(&w, json!({}));
    let id = p["payment"]["id"].as_str().unwrap();
    assert_eq!(body(&w.post(&format!("/v1/payments/{id}/confirm"), raw.clone()))["payment"]["status"], "SUCCEEDED");
    assert!(!dump_storage(&w).contains(cards::SUCCESS));

    let live = w.h.seed_merchant("mer_live", "Live Shop", true);
    let resp = w.call(
        Method::Post,
        "/v1/payments",
        Some(json!({ "amount": 12500, "currency": "TRY" })),
        Some(&live.secret_key),
    );
    let lid = body(&resp)["payment"]["id"].as_str().unwrap().to_string();
    let resp = w.call(Method::Post, &format!("/v1/payments/{lid}/confirm"), Some(raw), Some(&live.secret_key));
    assert_eq!(err_code(&resp), (403, "raw_card_data_not_allowed".into()));
    assert!(!String::from_utf8_lossy(&resp.body).contains("4242"));
}

#[test]
fn cancel_ends_an_unpaid_payment_and_refuses_a_paid_one() {
    let w = World::new();
    let p = create(&w, json!({}));
    let id = p["payment"]["id"].as_str().unwrap();
    let v = body(&w.post(&format!("/v1/payments/{id}/cancel"), json!({})));
    assert_eq!(v["payment"]["status"], "CANCELLED");
    assert_eq!(w.event_types(id), ["payment.canceled"]);
    assert_eq!(err_code(&confirm(&w, id, &pm(&w, cards::SUCCESS))).0, 409);

    let q = create(&w, json!({}));
    let qid = q["payment"]["id"].as_str().unwrap();
    body(&confirm(&w, qid, &pm(&w, cards::SUCCESS)));
    assert_eq!(err_code(&w.post(&format!("/v1/payments/{qid}/cancel"), json!({}))).0, 409);
    // A checkout session's payment is cancelled through its session, not here.
    let session = w.create(json!({}));
    let spid = session["payment_id"].as_str().unwrap();
    assert_eq!(err_code(&w.post(&format!("/v1/payments/{spid}/cancel"), json!({}))).0, 409);
}

#[test]
fn the_browser_routes_answer_cors_preflights() {
    let w = World::new();
    let req = ApiRequest::new(Method::Options, "/v1/payments/pay_1/confirm")
        .with_header("access-control-request-method", "POST")
        .with_header("origin", "https://merchant.example");
    let resp = w.h.request(req);
    assert_eq!(resp.status, 204);
    assert_eq!(resp.header("access-control-allow-origin"), Some("*"));
    // Server-only routes get no CORS at all.
    let req = ApiRequest::new(Method::Options, "/v1/payments").with_header("access-control-request-method", "POST");
    assert_ne!(w.h.request(req).status, 204);
}

/// The money-safety fault cards (#12) through an API-only payment: the same engine reconciles them without a
/// session, right after the response or by the cron job.
#[test]
fn fault_cards_settle_without_a_session() {
    let w = World::new();
    // Approved, response lost: settled after the response, one authorization.
    let p = create(&w, json!({}));
    let id = p["payment"]["id"].as_str().unwrap();
    assert_eq!(body(&confirm(&w, id, &pm(&w, cards::RESPONSE_LOST)))["payment"]["status"], "PROCESSING");
    assert_eq!(w.h.run_after_response(), 1);
    assert_eq!(w.payment(id)["status"], "SUCCEEDED");
    // Fallback approves, its answer lost, and the Worker died before wait_until: the cron job settles it.
    let q = create(&w, json!({}));
    let qid = q["payment"]["id"].as_str().unwrap();
    body(&confirm(&w, qid, &pm(&w, cards::FALLBACK_RESPONSE_LOST)));
    w.h.background.jobs.borrow_mut().clear();
    futures_executor::block_on(hsrc_edge::jobs::scheduled::run(&w.h.ctx()));
    let payment = w.payment(qid);
    assert_eq!(payment["status"], "SUCCEEDED");
    assert_eq!(w.charge_statuses(&payment), ["failed", "succeeded"]);
    // 3DS on a payment method's card, pass, then the authorization's answer is lost.
    let r = create(&w, json!({}));
    let rid = r["payment"]["id"].as_str().unwrap();
    let v = body(&confirm(&w, rid, &pm(&w, cards::THREE_DS_RESPONSE_LOST)));
    assert_eq!(v["payment"]["status"], "REQUIRES_ACTION");
    complete_challenge(&w, &v["paymentNextAction"], "pass");
    w.h.run_after_response();
    assert_eq!(w.payment(rid)["status"], "SUCCEEDED");
}
