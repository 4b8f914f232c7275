//! Attacks on the API that only the native harness can stage: the OpenAPI contract against real responses, key
//! rotation on a clock that jumps, rate limits aligned to the window, what storage holds. Every attack a client
//! can make on both sides is a scenario in `hsrc_testkit::scenarios::hardening` (`edge/tests/scenarios.rs`).

mod common;

use common::{err_code, World};
use hsrc_edge::http::{ApiResponse, Method};
use hsrc_edge::routing::{self, ROUTES};
use hsrc_shared::test_cards as cards;
use hsrc_testkit::fields::{pid, token};
use serde_json::{json, Value};

fn body_text(r: &ApiResponse) -> String {
    String::from_utf8_lossy(&r.body).into_owned()
}

#[track_caller]
fn expect_error(r: &ApiResponse, status: u16, code: &str) -> Value {
    assert_eq!(err_code(r), (status, code.to_string()), "{}", body_text(r));
    let b = r.json_body();
    assert!(b["error"]["type"].is_string() && b["error"]["message"].is_string(), "{b}");
    b
}

/// Checks one response against the document: the schema documented for its route and status.
#[track_caller]
fn conforms(doc: &Value, method: Method, path: &str, r: &ApiResponse) {
    // Unrouted requests (404, 405) answer with the error model every response may carry.
    let error_model = &doc["components"]["responses"]["Error"]["content"]["application/json"]["schema"];
    let schema = match routing::find(method, path.split('?').next().unwrap()) {
        Ok((route, _)) => hsrc_testkit::schema::response_schema(doc, method.as_str(), route.path, r.status)
            .unwrap_or_else(|| panic!("{} {} {} is documented", method.as_str(), route.path, r.status)),
        Err(_) => error_model,
    };
    if let Err(e) = hsrc_testkit::schema::validate(doc, schema, &r.json_body()) {
        panic!("{} {} → {} does not match the document: {e}\nbody: {}", method.as_str(), path, r.status, body_text(r));
    }
}

/// Calls and checks the response against the document in one go.
fn call_checked(
    w: &World,
    doc: &Value,
    method: Method,
    path: &str,
    body: Option<Value>,
    key: Option<&str>,
) -> ApiResponse {
    let r = w.call(method, path, body, key);
    if r.header("content-type").is_some_and(|c| c.starts_with("application/json")) {
        conforms(doc, method, path, &r);
    }
    r
}

// ---------------------------------------------------------------------------------------------------------------
// OpenAPI

#[test]
fn openapi_document_is_served_and_covers_exactly_the_routes() {
    let w = World::new();
    let r = w.call(Method::Get, "/v1/openapi.json", None, None);
    assert_eq!(r.status, 200);
    let doc = r.json_body();
    assert_eq!(doc["openapi"], "3.1.0");
    for route in ROUTES {
        let m = route.method.as_str().to_ascii_lowercase();
        let op = &doc["paths"][route.path][&m];
        assert!(op.is_object(), "{m} {} is documented", route.path);
        assert!(
            op["responses"]["200"].is_object() && op["responses"]["default"].is_object(),
            "{m} {} documents success and errors",
            route.path
        );
        let secret = route.access == routing::Access::Secret;
        assert_eq!(op["security"] == json!([{ "secretKey": [] }]), secret, "{m} {} security", route.path);
    }
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let m = Method::parse(method);
            let found = routing::find(m, path).map(|(r, _)| r.path);
            assert_eq!(found.ok(), Some(path.as_str()), "{method} {path} is documented and routed to itself");
        }
    }
    assert_eq!(doc["components"]["securitySchemes"]["secretKey"]["scheme"], "bearer");
    assert!(doc["paths"]["/v1/checkout-sessions"]["post"]["requestBody"]["content"]["application/json"]["example"]
        .is_object());
}

#[test]
fn real_responses_conform_to_the_document() {
    let w = World::new();
    let doc = w.call(Method::Get, "/v1/openapi.json", None, None).json_body();
    let sk = w.m.secret_key.clone();
    let sk = Some(sk.as_str());
    let c = |m, p: &str, b: Option<Value>, k: Option<&str>| call_checked(&w, &doc, m, p, b, k);

    assert_eq!(c(Method::Get, "/v1/health", None, None).status, 200);
    let create = json!({ "amount": 12500, "currency": "TRY", "return_url": "https://merchant.example/r", "metadata": { "order": "1" }, "public_metadata_keys": ["order"],
        "custom_fields": [{ "key": "tc", "label": "TC", "type": "numeric", "required": false }], "collect": ["phone"], "customer": { "email": "a@example.com" } });
    let s = c(Method::Post, "/v1/checkout-sessions", Some(create.clone()), sk).json_body()["checkout_session"].clone();
    let (t, id) = (token(&s), s["id"].as_str().unwrap().to_string());
    assert_eq!(c(Method::Get, &format!("/v1/checkout-sessions/{id}"), None, sk).status, 200);
    assert_eq!(c(Method::Get, "/v1/checkout-sessions?limit=2", None, sk).status, 200);
    assert_eq!(c(Method::Get, &format!("/v1/checkout-sessions/token/{t}"), None, None).status, 200);
    let payer = json!({ "name": "Ayşe Yılmaz", "email": "ayse@example.com", "phone": "+905551112233", "custom_fields": { "tc": "123" } });
    assert_eq!(c(Method::Post, &format!("/v1/checkout-sessions/token/{t}/payer"), Some(payer), None).status, 200);
    let confirm = |t: &str, card: &str| {
        c(
            Method::Post,
            &format!("/v1/checkout-sessions/token/{t}/confirm"),
            Some(json!({
        "payment_method": { "type": "card", "card": { "number": card, "exp_month": 12, "exp_year": 2034, "cvc": "123" } },
        "payer": { "name": "Ada", "email": "ada@example.com", "phone": "+905551112233" } })),
            None,
        )
    };
    assert_eq!(confirm(&t, cards::DECLINED).status, 200);
    assert_eq!(confirm(&t, cards::SUCCESS).status, 200);
    assert_eq!(c(Method::Get, &format!("/v1/payments/{}", pid(&s)), None, sk).status, 200);
    assert_eq!(c(Method::Get, "/v1/payments?limit=5", None, sk).status, 200);
    assert_eq!(c(Method::Get, "/v1/events?limit=5", None, sk).status, 200);

    // 3DS, manual capture and void, cancel by merchant and by payer.
    let s3 = w.create(json!({}));
    let r = confirm(&token(&s3), cards::THREE_DS).json_body();
    let chl = r["confirmResult"]["paymentNextAction"]["redirect_user_to_url"]["url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(c(Method::Get, &format!("/v1/3ds/{chl}"), None, None).status, 200);
    assert_eq!(
        c(Method::Post, &format!("/v1/3ds/{chl}/complete"), Some(json!({ "result": "pass" })), None).status,
        200
    );
    for action in ["capture", "void"] {
        let sm = w.create(json!({ "capture_method": "manual" }));
        assert_eq!(confirm(&token(&sm), cards::SUCCESS).status, 200);
        assert_eq!(c(Method::Post, &format!("/v1/payments/{}/{action}", pid(&sm)), Some(json!({})), sk).status, 200);
    }
    let sc = w.create(json!({}));
    assert_eq!(
        c(Method::Post, &format!("/v1/checkout-sessions/{}/cancel", sc["id"].as_str().unwrap()), None, sk).status,
        200
    );
    let sp = w.create(json!({}));
    assert_eq!(c(Method::Post, &format!("/v1/checkout-sessions/token/{}/cancel", token(&sp)), None, None).status, 200);

    // Errors are documented too.
    expect_error(&c(Method::Get, "/v1/payments/pay_nope", None, sk), 404, "resource_missing");
    expect_error(&c(Method::Get, "/v1/payments", None, None), 401, "api_key_missing");
    expect_error(&c(Method::Get, "/v1/payments", None, Some(&w.m.publishable_key.clone())), 403, "api_key_wrong_kind");
    expect_error(&c(Method::Post, "/v1/checkout-sessions", Some(json!({ "amount": 1 })), sk), 400, "parameter_missing");
    expect_error(&c(Method::Delete, "/v1/checkout-sessions", None, sk), 405, "method_not_allowed");
    expect_error(&confirm(&t, cards::SUCCESS), 409, "session_not_open");
    expect_error(&confirm("cst_unknown", cards::SUCCESS), 404, "token_invalid");
    expect_error(&confirm(&token(&w.create(json!({}))), "4111111111111111"), 400, "live_card_in_test_mode");

    // Rolling a key (last: it retires the key used above).
    let rolled = c(Method::Post, "/v1/api-keys/roll", Some(json!({ "expires_in": 60 })), sk);
    assert_eq!(rolled.status, 200, "{}", body_text(&rolled));
}

#[test]
fn a_field_missing_from_the_document_fails_validation() {
    let w = World::new();
    let mut doc = w.call(Method::Get, "/v1/openapi.json", None, None).json_body();
    let r = w.post("/v1/checkout-sessions", json!({ "amount": 100, "currency": "TRY" }));
    conforms(&doc, Method::Post, "/v1/checkout-sessions", &r);
    // An undocumented field in the response is caught…
    let mut body = r.json_body();
    body["checkout_session"]["surprise"] = json!(1);
    let schema = hsrc_testkit::schema::response_schema(&doc, "POST", "/v1/checkout-sessions", 200).unwrap().clone();
    let e = hsrc_testkit::schema::validate(&doc, &schema, &body).unwrap_err();
    assert!(e.contains("surprise"), "{e}");
    // …and so is a document that lost a field the API sends.
    doc["components"]["schemas"]["CheckoutSession"]["properties"].as_object_mut().unwrap().remove("payment_id");
    let e = hsrc_testkit::schema::validate(&doc, &schema, &r.json_body()).unwrap_err();
    assert!(e.contains("payment_id"), "{e}");
    // A wrong type is caught.
    let mut body = r.json_body();
    body["checkout_session"]["amount"] = json!("100");
    assert!(hsrc_testkit::schema::validate(&doc, &schema, &body).is_err());
}

// ---------------------------------------------------------------------------------------------------------------
// Webhook URLs (the refusals are a scenario; creating a live endpoint on a public host stays native, where no
// delivery can leave the machine)

#[test]
fn a_live_webhook_endpoint_on_a_public_https_host_is_accepted() {
    let w = World::new();
    let live = w.h.seed_merchant("mer_live", "Live Shop", true);
    let ok = w.call(
        Method::Post,
        "/v1/webhook-endpoints",
        Some(json!({ "url": "https://hooks.example.com/hsrc" })),
        Some(&live.secret_key),
    );
    assert_eq!(ok.status, 200, "{}", body_text(&ok));
}

// ---------------------------------------------------------------------------------------------------------------
// Keys

#[test]
fn rolling_a_key_without_grace_revokes_the_old_one_at_once() {
    let w = World::new();
    let r = w.post("/v1/api-keys/roll", json!({}));
    assert_eq!(r.status, 200, "{}", body_text(&r));
    let key = r.json_body()["api_key"].clone();
    let new_key = key["secret"].as_str().unwrap().to_string();
    assert!(new_key.starts_with("sk_test_") && new_key.len() >= 8 + 48, "{new_key}");
    assert_eq!(key["rolled_key"]["expires_at"], key["created_at"]);
    expect_error(&w.get("/v1/checkout-sessions"), 401, "api_key_invalid");
    assert_eq!(w.call(Method::Get, "/v1/checkout-sessions", None, Some(&new_key)).status, 200);
    // Only the hash is stored.
    let stored: Vec<String> = w.h.db.with_conn(|c| {
        let mut st = c.prepare("SELECT key_hash || prefix FROM api_keys").unwrap();
        st.query_map([], |r| r.get::<_, String>(0)).unwrap().map(Result::unwrap).collect()
    });
    assert!(stored.iter().all(|s| !s.contains(&new_key)));
    // A revoked key cannot roll again.
    expect_error(&w.post("/v1/api-keys/roll", json!({})), 401, "api_key_invalid");
}

#[test]
fn a_rolled_key_keeps_working_for_its_grace_period_only() {
    let w = World::new();
    let r = w.post("/v1/api-keys/roll", json!({ "expires_in": 3600 }));
    assert_eq!(r.status, 200, "{}", body_text(&r));
    let new_key = r.json_body()["api_key"]["secret"].as_str().unwrap().to_string();
    assert_eq!(w.get("/v1/checkout-sessions").status, 200);
    // The old key cannot mint a second successor.
    expect_error(&w.post("/v1/api-keys/roll", json!({})), 409, "state_conflict");
    w.h.runtime.advance_ms(3_599_000);
    assert_eq!(w.get("/v1/checkout-sessions").status, 200);
    w.h.runtime.advance_ms(2_000);
    expect_error(&w.get("/v1/checkout-sessions"), 401, "api_key_invalid");
    assert_eq!(w.call(Method::Get, "/v1/checkout-sessions", None, Some(&new_key)).status, 200);
}

#[test]
fn rolling_checks_its_input_and_needs_a_secret_key() {
    let w = World::new();
    for bad in [json!({ "expires_in": -1 }), json!({ "expires_in": 604_801 })] {
        let b = expect_error(&w.post("/v1/api-keys/roll", bad), 400, "parameter_invalid");
        assert_eq!(b["error"]["param"], "expires_in");
    }
    let b = expect_error(&w.post("/v1/api-keys/roll", json!({ "expires": 1 })), 400, "parameter_unknown");
    assert_eq!(b["error"]["param"], "expires");
    expect_error(
        &w.call(Method::Post, "/v1/api-keys/roll", Some(json!({})), Some(&w.m.publishable_key.clone())),
        403,
        "api_key_wrong_kind",
    );
    expect_error(&w.call(Method::Post, "/v1/api-keys/roll", Some(json!({})), None), 401, "api_key_missing");
}

// ---------------------------------------------------------------------------------------------------------------
// Tokens

#[test]
fn tokens_are_never_stored() {
    let w = World::new();
    let a = token(&w.create(json!({})));
    let stored: i64 = w.h.db.with_conn(|c| {
        c.query_row(
            "SELECT COUNT(*) FROM checkout_sessions WHERE token_hash = ?1 OR url LIKE ?2",
            [a.as_str(), &format!("%{a}%")],
            |r| r.get(0),
        )
        .unwrap()
    });
    assert_eq!(stored, 0);
    assert!(!w.h.db.dump().contains(&a), "the token is in no table");
}

/// An HTTP client cannot send a NUL in a header; the router must still refuse one if a platform passes it on.
#[test]
fn a_key_with_a_nul_byte_is_invalid() {
    let w = World::new();
    let r = w.call(Method::Get, "/v1/payments", None, Some(&format!("{}\u{0000}", w.m.secret_key)));
    assert_eq!(err_code(&r), (401, "api_key_invalid".into()), "{}", body_text(&r));
}

// ---------------------------------------------------------------------------------------------------------------
// Rate limits and card testing

#[track_caller]
fn rate_limited(r: &ApiResponse, max_wait: u32) {
    expect_error(r, 429, "rate_limited");
    assert_eq!(r.json_body()["error"]["type"], "rate_limit_error");
    let wait: u32 = r.header("retry-after").expect("Retry-After").parse().unwrap();
    assert!((1..=max_wait).contains(&wait), "Retry-After {wait}");
}

#[test]
fn confirms_per_token_are_rate_limited() {
    let w = World::new();
    let t = token(&w.create(json!({})));
    let path = format!("/v1/checkout-sessions/token/{t}/confirm");
    let (limit, window, _) = hsrc_edge::platform::LimitBucket::Confirm.spec();
    // Align to the start of a window so the budget is not split.
    let now = w.h.runtime.now.get();
    w.h.runtime.advance_ms(i64::from(window) * 1000 - now.rem_euclid(i64::from(window) * 1000));
    for _ in 0..limit {
        expect_error(&w.call(Method::Post, &path, Some(json!({})), None), 400, "parameter_missing");
    }
    rate_limited(&w.call(Method::Post, &path, Some(json!({})), None), window);
    rate_limited(&w.confirm(&t, cards::SUCCESS), window);
    // Another session's token has its own budget; the next window restores this one.
    let other = token(&w.create(json!({})));
    assert_eq!(w.confirm(&other, cards::SUCCESS).status, 200);
    w.h.runtime.advance_ms(i64::from(window) * 1000);
    assert_eq!(w.confirm(&t, cards::SUCCESS).status, 200);
}

#[test]
fn token_lookups_are_rate_limited() {
    let w = World::new();
    let t = token(&w.create(json!({})));
    let (limit, window, _) = hsrc_edge::platform::LimitBucket::Payer.spec();
    let now = w.h.runtime.now.get();
    w.h.runtime.advance_ms(i64::from(window) * 1000 - now.rem_euclid(i64::from(window) * 1000));
    let path = format!("/v1/checkout-sessions/token/{t}");
    for _ in 0..limit {
        assert_eq!(w.call(Method::Get, &path, None, None).status, 200);
    }
    rate_limited(&w.call(Method::Get, &path, None, None), window);
    // Guessing tokens spends the budget of each guess, never a real session's.
    expect_error(&w.call(Method::Get, "/v1/checkout-sessions/token/cst_guess", None, None), 404, "token_invalid");
}

#[test]
fn secret_keys_are_rate_limited() {
    let w = World::new();
    let (limit, window, _) = hsrc_edge::platform::LimitBucket::SecretKeyTest.spec();
    let now = w.h.runtime.now.get();
    w.h.runtime.advance_ms(i64::from(window) * 1000 - now.rem_euclid(i64::from(window) * 1000));
    for _ in 0..limit {
        expect_error(&w.get("/v1/payments/pay_x"), 404, "resource_missing");
    }
    rate_limited(&w.get("/v1/payments"), window);
    // Another merchant's key is unaffected.
    let other = w.h.seed_merchant("mer_other", "Other", false);
    assert_eq!(w.call(Method::Get, "/v1/payments", None, Some(&other.secret_key)).status, 200);
}
