//! The checkout-session slice over HTTP against the local Worker: create → lookup → payer → confirm → payment
//! read → cancel, idempotency and the error model.

use hsrc_e2e::{cards, confirm_body, Api};
use serde_json::json;

#[test]
fn health_answers_without_storage_and_carries_a_request_id() {
    let api = Api::from_env();
    let resp = api.payer_get("/v1/health");
    assert!(resp.header("request-id").is_some_and(|id| id.starts_with("req_")));
    assert_eq!(resp.expect(200)["status"], "ok");
}

#[test]
fn create_lookup_pay_and_verify_by_api() {
    let api = Api::from_env();
    let session = api.create_session(json!({ "collect": ["phone"] }));
    assert_eq!(session["status"], "PENDING");
    let token = session["token"].as_str().unwrap();
    assert!(token.len() >= 26, "token carries at least 128 bits");
    let payment_id = session["payment_id"].as_str().unwrap();
    assert_eq!(api.payment(payment_id)["status"], "CREATED");

    let view = api.payer_view(token);
    assert_eq!((view["status"].as_str(), view["amount"].as_i64()), (Some("PENDING"), Some(12500)));
    assert_eq!(view["merchant"]["name"], "HSRC Demo Store");
    assert!(view.get("token").is_none() && view["metadata"] == json!({}), "payer view hides merchant data");

    // The phone is required: confirm without it is refused and nothing is charged.
    api.confirm(token, cards::SUCCESS).expect_error(400, "payer_details_incomplete");
    api.payer_post(&format!("/v1/checkout-sessions/token/{token}/payer"), json!({ "phone": "not a phone" }))
        .expect_error(400, "parameter_invalid");
    let saved = api
        .payer_post(&format!("/v1/checkout-sessions/token/{token}/payer"), json!({ "phone": "+90 555 123 45 67" }))
        .expect(200);
    assert_eq!(saved["checkout_session"]["payer"]["phone"], "+905551234567");

    let result = api.confirm(token, cards::SUCCESS).expect(200);
    assert_eq!(result["checkout_session"]["status"], "COMPLETED");
    assert_eq!(result["confirmResult"]["payment"]["status"], "SUCCEEDED");
    assert!(result["confirmResult"]["paymentNextAction"].is_null());

    let payment = api.payment(payment_id);
    assert_eq!(payment["status"], "SUCCEEDED");
    assert_eq!(payment["checkout_session_id"], session["id"]);
    assert_eq!(payment["charges"].as_array().unwrap().len(), 1);
    assert_eq!(payment["charges"][0]["status"], "succeeded");
    assert_eq!(payment["card"]["last4"], "4242");
    assert!(payment["request_ids"].as_array().unwrap().len() >= 2);

    // A completed session's token can no longer pay or change anything.
    api.confirm(token, cards::SUCCESS).expect_error(409, "session_not_open");
    api.payer_post(&format!("/v1/checkout-sessions/token/{token}/cancel"), json!({}))
        .expect_error(409, "session_not_open");
}

#[test]
fn decline_then_retry_with_another_card() {
    let api = Api::from_env();
    let session = api.create_session(json!({}));
    let token = session["token"].as_str().unwrap();
    let declined = api.confirm(token, cards::DECLINED).expect(200);
    assert_eq!(declined["checkout_session"]["status"], "PENDING");
    assert_eq!(declined["confirmResult"]["payment"]["status"], "REQUIRES_PAYMENT_METHOD");
    assert_eq!(declined["confirmResult"]["payment"]["last_error"]["decline_code"], "card_declined");
    let ok = api.confirm(token, cards::SUCCESS).expect(200);
    assert_eq!(ok["checkout_session"]["status"], "COMPLETED");
    let payment = api.payment(session["payment_id"].as_str().unwrap());
    let statuses: Vec<_> =
        payment["charges"].as_array().unwrap().iter().map(|c| c["status"].as_str().unwrap().to_string()).collect();
    assert_eq!(statuses, ["declined", "succeeded"]);
}

#[test]
fn merchant_reads_lists_and_cancels_sessions() {
    let api = Api::from_env();
    let session = api.create_session(json!({ "metadata": { "order_id": "ord_cancel" } }));
    let id = session["id"].as_str().unwrap();
    let got = api.get(&format!("/v1/checkout-sessions/{id}")).expect(200);
    assert_eq!(got["checkout_session"]["metadata"]["order_id"], "ord_cancel");
    assert!(got["checkout_session"].get("token").is_none(), "the token is only shown once");

    let listed = api.get("/v1/checkout-sessions?status=PENDING&limit=100").expect(200);
    assert!(listed["data"].as_array().unwrap().iter().any(|s| s["id"] == id));

    let cancelled = api.post(&format!("/v1/checkout-sessions/{id}/cancel"), json!({})).expect(200);
    assert_eq!(cancelled["checkout_session"]["status"], "CANCELLED");
    assert_eq!(api.payment(session["payment_id"].as_str().unwrap())["status"], "CANCELLED");
    api.post(&format!("/v1/checkout-sessions/{id}/cancel"), json!({})).expect_error(409, "session_not_open");
    let token = session["token"].as_str().unwrap();
    api.confirm(token, cards::SUCCESS).expect_error(409, "session_not_open");
    assert_eq!(api.payer_view(token)["status"], "CANCELLED");
}

#[test]
fn list_pagination_follows_the_cursor() {
    let api = Api::from_env();
    for _ in 0..3 {
        api.create_session(json!({}));
    }
    let first = api.get("/v1/checkout-sessions?limit=2").expect(200);
    assert_eq!(first["data"].as_array().unwrap().len(), 2);
    assert_eq!(first["has_more"], true);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = api.get(&format!("/v1/checkout-sessions?limit=2&starting_after={cursor}")).expect(200);
    let first_ids: Vec<_> = first["data"].as_array().unwrap().iter().map(|s| s["id"].clone()).collect();
    assert!(second["data"].as_array().unwrap().iter().all(|s| !first_ids.contains(&s["id"])));
}

#[test]
fn idempotency_key_replays_rejects_changes_and_scopes_per_merchant() {
    let api = Api::from_env();
    let key = format!("e2e-{}", std::process::id());
    let body = json!({ "amount": 777, "currency": "TRY" });
    let headers = [("idempotency-key", key.as_str())];
    let first = api.send("POST", "/v1/checkout-sessions", Some(&api.secret_key), Some(&body), &headers);
    assert_eq!(first.status, 200);
    let replay = api.send("POST", "/v1/checkout-sessions", Some(&api.secret_key), Some(&body), &headers);
    assert_eq!(replay.status, 200);
    assert_eq!(replay.text, first.text, "replay is byte for byte");
    assert_eq!(replay.header("idempotent-replayed"), Some("true"));

    let other = json!({ "amount": 778, "currency": "TRY" });
    api.send("POST", "/v1/checkout-sessions", Some(&api.secret_key), Some(&other), &headers)
        .expect_error(422, "idempotency_key_reused");

    // Errors replay too.
    let bad = json!({ "amount": -1, "currency": "TRY" });
    let err_key = format!("e2e-err-{}", std::process::id());
    let e1 =
        api.send("POST", "/v1/checkout-sessions", Some(&api.secret_key), Some(&bad), &[("idempotency-key", &err_key)]);
    let e2 =
        api.send("POST", "/v1/checkout-sessions", Some(&api.secret_key), Some(&bad), &[("idempotency-key", &err_key)]);
    assert_eq!((e1.status, e2.text.clone()), (400, e1.text));
}

#[test]
fn idempotent_confirm_charges_once() {
    let api = Api::from_env();
    let session = api.create_session(json!({}));
    let token = session["token"].as_str().unwrap();
    let path = format!("/v1/checkout-sessions/token/{token}/confirm");
    let body = confirm_body(cards::SUCCESS);
    let a = api.send("POST", &path, None, Some(&body), &[("idempotency-key", "pay-once")]);
    let b = api.send("POST", &path, None, Some(&body), &[("idempotency-key", "pay-once")]);
    assert_eq!((a.status, b.status), (200, 200));
    assert_eq!(a.text, b.text);
    assert_eq!(api.payment(session["payment_id"].as_str().unwrap())["charges"].as_array().unwrap().len(), 1);
}

#[test]
fn the_error_model_covers_every_bad_input() {
    let api = Api::from_env();
    api.send("POST", "/v1/checkout-sessions", None, Some(&json!({})), &[]).expect_error(401, "api_key_missing");
    api.send("POST", "/v1/checkout-sessions", Some("sk_test_nope"), Some(&json!({})), &[])
        .expect_error(401, "api_key_invalid");
    api.send("GET", "/v1/payments/pay_x", Some(&api.publishable_key), None, &[])
        .expect_error(403, "api_key_wrong_kind");
    api.send("POST", "/v1/checkout-sessions", Some(&api.secret_key), None, &[("content-type", "application/json")])
        .expect_error(400, "parameter_missing");
    let err = api
        .post("/v1/checkout-sessions", json!({ "amount": 100, "currency": "TRY", "colour": "red" }))
        .expect_error(400, "parameter_unknown");
    assert_eq!(err["error"]["param"], "colour");
    let err = api
        .post("/v1/checkout-sessions", json!({ "amount": "100", "currency": "TRY" }))
        .expect_error(400, "parameter_invalid");
    assert_eq!(err["error"]["param"], "amount");
    api.post("/v1/checkout-sessions", json!({ "amount": 100, "currency": "XXX" }))
        .expect_error(400, "currency_unsupported");
    let err = api
        .post("/v1/checkout-sessions", json!({ "amount": 100, "currency": "TRY", "return_url": "javascript:alert(1)" }))
        .expect_error(400, "url_invalid");
    assert_eq!(err["error"]["param"], "return_url");
    api.get("/v1/checkout-sessions/cs_missing").expect_error(404, "resource_missing");
    api.get("/v1/payments/pay_missing").expect_error(404, "resource_missing");
    api.payer_get("/v1/checkout-sessions/token/cst_not_a_token").expect_error(404, "token_invalid");
    api.get("/v1/nowhere").expect_error(404, "route_not_found");
    api.send("DELETE", "/v1/checkout-sessions", Some(&api.secret_key), None, &[])
        .expect_error(405, "method_not_allowed");
    let resp = api.send(
        "POST",
        "/v1/checkout-sessions",
        Some(&api.secret_key),
        Some(&json!({})),
        &[("content-type", "text/plain")],
    );
    assert_eq!(resp.status, 415);
    let session = api.create_session(json!({}));
    let token = session["token"].as_str().unwrap();
    api.confirm(token, "4111111111111111").expect_error(400, "live_card_in_test_mode");
    api.confirm(token, "4242424242424241").expect_error(400, "card_invalid");
}
