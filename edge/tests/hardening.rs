//! Attacks on the API, natively (SQLite with the real migrations): the OpenAPI contract against real responses,
//! redirect-URL tricks, framing and CORS headers, key rotation and kinds, token lifetime, rate limits, card
//! testing and input limits. Every HTTP assertion names the status and the error code.

mod common;

use common::{err_code, World};
use hsrc_edge::http::{ApiRequest, ApiResponse, Method};
use hsrc_edge::openapi;
use hsrc_edge::router::{self, ROUTES};
use serde_json::{json, Value};

const PK: &str = "public";

fn token(s: &Value) -> String {
    s["token"].as_str().unwrap().to_string()
}

fn pid(s: &Value) -> String {
    s["payment_id"].as_str().unwrap().to_string()
}

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
    let schema = match router::find(method, path.split('?').next().unwrap()) {
        Ok((route, _)) => openapi::response_schema(doc, method.as_str(), route.path, r.status)
            .unwrap_or_else(|| panic!("{} {} {} is documented", method.as_str(), route.path, r.status)),
        Err(_) => error_model,
    };
    if let Err(e) = openapi::validate(doc, schema, &r.json_body()) {
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
        let secret = route.access == router::Access::Secret;
        assert_eq!(op["security"] == json!([{ "secretKey": [] }]), secret, "{m} {} security", route.path);
    }
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let m = Method::parse(method);
            let found = router::find(m, path).map(|(r, _)| r.path);
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
    assert_eq!(confirm(&t, "4000000000000002").status, 200);
    assert_eq!(confirm(&t, "4242424242424242").status, 200);
    assert_eq!(c(Method::Get, &format!("/v1/payments/{}", pid(&s)), None, sk).status, 200);
    assert_eq!(c(Method::Get, "/v1/payments?limit=5", None, sk).status, 200);
    assert_eq!(c(Method::Get, "/v1/events?limit=5", None, sk).status, 200);

    // 3DS, manual capture and void, cancel by merchant and by payer.
    let s3 = w.create(json!({}));
    let r = confirm(&token(&s3), "4000000000003220").json_body();
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
        assert_eq!(confirm(&token(&sm), "4242424242424242").status, 200);
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
    expect_error(&confirm(&t, "4242424242424242"), 409, "session_not_open");
    expect_error(&confirm("cst_unknown", "4242424242424242"), 404, "token_invalid");
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
    let schema = openapi::response_schema(&doc, "POST", "/v1/checkout-sessions", 200).unwrap().clone();
    let e = openapi::validate(&doc, &schema, &body).unwrap_err();
    assert!(e.contains("surprise"), "{e}");
    // …and so is a document that lost a field the API sends.
    doc["components"]["schemas"]["CheckoutSession"]["properties"].as_object_mut().unwrap().remove("payment_id");
    let e = openapi::validate(&doc, &schema, &r.json_body()).unwrap_err();
    assert!(e.contains("payment_id"), "{e}");
    // A wrong type is caught.
    let mut body = r.json_body();
    body["checkout_session"]["amount"] = json!("100");
    assert!(openapi::validate(&doc, &schema, &body).is_err());
}

// ---------------------------------------------------------------------------------------------------------------
// Redirect URLs

/// URLs that must never be accepted as `url`, `return_url` or `cancel_url` for a merchant allowed
/// `merchant.example` and `*.merchant.example`.
pub const URL_ATTACKS: &[&str] = &[
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "DATA:text/html;base64,PHNjcmlwdD4=",
    "vbscript:msgbox(1)",
    "VBScript:msgbox(1)",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "https:evil.example",
    "https:/evil.example",
    "https://merchant.example@evil.example/",
    "https://user:pass@merchant.example/",
    "https://merchant.example.evil/",
    "https://merchant.example.evil.example/",
    "https://evilmerchant.example/",
    "https://merchant.example\\@evil.example/",
    "https://merchant.example\\evil.example/",
    "https://evil.example\\.merchant.example/",
    "https://merchant.example /x",
    "https://merchant.example/\n/evil",
    "https://merchant.example/\r\nSet-Cookie:x=1",
    "https://merchant.example/\u{0000}",
    "\u{0001}https://merchant.example/",
    "https://merchant.example%2eevil.example/",
    "https://%6d%65rchant.example/",
    "https://merchant%2Eexample/",
    "https://merchant.example/%2f%2fevil.example",
    "https://evil.example%23.merchant.example/",
    "https://mеrchant.example/",
    "https://xn--mrchant-3ng.example/",
    "https://merchant.examplе/",
    "https://merchant。example/",
    "http://merchant.example/",
    "ftp://merchant.example/",
    "file:///etc/passwd",
    "https://127.0.0.1.nip.io/",
    "https://0x7f000001/",
    "https:///merchant.example",
    "",
    "   ",
];

fn long_url() -> String {
    format!("https://merchant.example/{}", "a".repeat(2100))
}

#[test]
fn redirect_url_attacks_are_refused_with_the_param_named() {
    let w = World::new();
    let long = long_url();
    let attacks: Vec<&str> = URL_ATTACKS.iter().copied().chain([long.as_str()]).collect();
    for field in ["url", "return_url", "cancel_url"] {
        for attack in &attacks {
            let r = w.post("/v1/checkout-sessions", json!({ "amount": 12500, "currency": "TRY", field: attack }));
            let b = expect_error(&r, 400, "url_invalid");
            assert_eq!(b["error"]["param"], field, "{field}={attack:?}: {b}");
        }
    }
    // The same fields accept what the merchant allowed.
    let ok = w.create(json!({ "url": "https://shop.merchant.example/pay", "return_url": "https://merchant.example/r?x=1", "cancel_url": "https://merchant.example/c" }));
    assert_eq!(ok["url"], "https://shop.merchant.example/pay");
}

#[test]
fn live_merchants_cannot_use_plain_http_localhost() {
    let w = World::new();
    let live = w.h.seed_merchant("mer_live", "Live Shop", true);
    for url in ["http://localhost:3000/r", "http://127.0.0.1/r"] {
        let r = w.call(
            Method::Post,
            "/v1/checkout-sessions",
            Some(json!({ "amount": 100, "currency": "TRY", "return_url": url })),
            Some(&live.secret_key),
        );
        expect_error(&r, 400, "url_invalid");
    }
}

#[test]
fn live_webhook_endpoints_cannot_target_private_networks() {
    let w = World::new();
    let live = w.h.seed_merchant("mer_live", "Live Shop", true);
    for url in [
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://10.0.0.8/hook",
        "https://172.16.4.4/hook",
        "https://192.168.1.10/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://[fe80::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://100.64.0.1/hook",
        "https://0.0.0.0/hook",
        "https://2130706433/hook",
        "https://metadata.internal/hook",
        "http://hooks.example.com/hook",
        "https://user:pw@hooks.example.com/hook",
    ] {
        let r = w.call(Method::Post, "/v1/webhook-endpoints", Some(json!({ "url": url })), Some(&live.secret_key));
        let b = expect_error(&r, 400, "url_invalid");
        assert_eq!(b["error"]["param"], "url", "{url}");
    }
    let ok = w.call(
        Method::Post,
        "/v1/webhook-endpoints",
        Some(json!({ "url": "https://hooks.example.com/hsrc" })),
        Some(&live.secret_key),
    );
    assert_eq!(ok.status, 200, "{}", body_text(&ok));
}

// ---------------------------------------------------------------------------------------------------------------
// Framing, CSP, CORS

fn csp(r: &ApiResponse) -> String {
    r.header("content-security-policy").unwrap_or_default().to_string()
}

#[track_caller]
fn strict_page(r: &ApiResponse, ancestors: &str) {
    assert_eq!(r.status, 200);
    let policy = csp(r);
    assert!(policy.ends_with(&format!("frame-ancestors {ancestors}")), "{policy}");
    for part in ["default-src 'none'", "script-src 'self' 'wasm-unsafe-eval'", "base-uri 'none'", "form-action 'self'"]
    {
        assert!(policy.contains(part), "{part} in {policy}");
    }
    assert!(
        !policy.contains("unsafe-inline") && !policy.contains("script-src *") && !policy.contains("'unsafe-eval'"),
        "{policy}"
    );
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(r.header("referrer-policy"), Some("no-referrer"));
    assert_eq!(r.header("cache-control"), Some("no-store"));
    assert!(r.header("access-control-allow-origin").is_none());
}

#[test]
fn every_page_kind_sends_strict_csp_and_framing_rules() {
    let w = World::new();
    let t = token(&w.create(json!({})));
    let get = |p: &str| w.call(Method::Get, p, None, None);
    strict_page(
        &get(&format!("/checkout/embed?token={t}&origin=https://merchant.example")),
        "https://merchant.example",
    );
    strict_page(&get(&format!("/checkout/embed?token={t}&origin=https://evil.example")), "'none'");
    strict_page(
        &get(&format!("/checkout/embed?token={t}&origin=https://merchant.example;%20script-src%20*")),
        "'none'",
    );
    strict_page(&get(&format!("/checkout/embed?token={t}&origin=https://merchant.example.evil.example")), "'none'");
    strict_page(&get(&format!("/checkout/embed?token={t}")), "'none'");
    strict_page(&get("/checkout/embed?token=cst_forged&origin=https://merchant.example"), "'none'");
    strict_page(&get(&format!("/checkout/hosted?token={t}")), "'none'");
    strict_page(&get("/checkout/3ds/chl_x"), "'self'");
    strict_page(&get("/checkout/3ds/chl_x?origin=https://merchant.example"), "'self'");
    let r = w.confirm_ok(&token(&w.create(json!({}))), "4000000000003220");
    let chl = r["confirmResult"]["paymentNextAction"]["redirect_user_to_url"]["url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    strict_page(
        &get(&format!("/checkout/3ds/{chl}?origin=https://merchant.example")),
        "'self' https://merchant.example",
    );
    strict_page(&get(&format!("/checkout/3ds/{chl}?origin=https://evil.example")), "'self'");
    strict_page(&get("/demo"), "'none'");
    strict_page(&get("/ops"), "'none'");
    // The loader is the one public, cross-origin resource.
    let loader = get("/v1/checkout.js");
    assert_eq!(loader.header("access-control-allow-origin"), Some("*"));
    assert_eq!(loader.header("x-content-type-options"), Some("nosniff"));
}

#[test]
fn a_live_session_never_trusts_loopback_origins_for_framing() {
    let w = World::new();
    let live = w.h.seed_merchant("mer_live", "Live Shop", true);
    let r = w.call(
        Method::Post,
        "/v1/checkout-sessions",
        Some(json!({ "amount": 100, "currency": "TRY" })),
        Some(&live.secret_key),
    );
    let t = token(&r.json_body()["checkout_session"]);
    strict_page(
        &w.call(Method::Get, &format!("/checkout/embed?token={t}&origin=http://127.0.0.1:5173"), None, None),
        "'none'",
    );
    strict_page(
        &w.call(Method::Get, &format!("/checkout/embed?token={t}&origin=https://merchant.example"), None, None),
        "https://merchant.example",
    );
}

#[test]
fn api_responses_carry_no_cors_and_preflights_are_refused() {
    let w = World::new();
    let t = token(&w.create(json!({})));
    let with_origin = |m: Method, p: &str, key: Option<&str>| {
        let mut req = ApiRequest::new(m, p)
            .with_header("origin", "https://evil.example")
            .with_header("access-control-request-method", "POST");
        if let Some(k) = key {
            req = req.with_header("authorization", &format!("Bearer {k}"));
        }
        w.h.request(req)
    };
    let sk = w.m.secret_key.clone();
    for (m, p, key) in [
        (Method::Get, "/v1/checkout-sessions".to_string(), Some(sk.as_str())),
        (Method::Get, "/v1/payments".to_string(), Some(sk.as_str())),
        (Method::Get, "/v1/events".to_string(), Some(sk.as_str())),
        (Method::Get, format!("/v1/checkout-sessions/token/{t}"), None),
    ] {
        let r = with_origin(m, &p, key);
        assert_eq!(r.status, 200, "{p}");
        assert!(
            r.header("access-control-allow-origin").is_none() && r.header("access-control-allow-credentials").is_none(),
            "{p}"
        );
        assert!(r.header("request-id").is_some_and(|id| id.starts_with("req_")), "{p}");
        assert_eq!(r.header("cache-control"), Some("no-store"));
    }
    for p in [
        "/v1/checkout-sessions",
        "/v1/payments/pay_1",
        "/v1/api-keys/roll",
        "/v1/webhook-endpoints",
        &format!("/v1/checkout-sessions/token/{t}/confirm"),
    ] {
        let r = with_origin(Method::Options, p, None);
        expect_error(&r, 405, "method_not_allowed");
        assert!(
            r.header("access-control-allow-origin").is_none() && r.header("access-control-allow-methods").is_none(),
            "{p}"
        );
    }
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

#[test]
fn publishable_keys_cannot_read_payments_sessions_or_events() {
    let w = World::new();
    let s = w.create(json!({}));
    w.confirm_ok(&token(&s), "4242424242424242");
    let pk = w.m.publishable_key.clone();
    assert!(pk.contains(PK));
    for path in [
        "/v1/payments".to_string(),
        format!("/v1/payments/{}", pid(&s)),
        "/v1/checkout-sessions".to_string(),
        format!("/v1/checkout-sessions/{}", s["id"].as_str().unwrap()),
        "/v1/events".to_string(),
        "/v1/webhook-endpoints".to_string(),
    ] {
        expect_error(&w.call(Method::Get, &path, None, Some(&pk)), 403, "api_key_wrong_kind");
    }
    expect_error(
        &w.call(Method::Post, "/v1/checkout-sessions", Some(json!({ "amount": 1, "currency": "TRY" })), Some(&pk)),
        403,
        "api_key_wrong_kind",
    );
    expect_error(
        &w.call(Method::Post, &format!("/v1/payments/{}/void", pid(&s)), Some(json!({})), Some(&pk)),
        403,
        "api_key_wrong_kind",
    );
    // Keys of one merchant never see another's objects.
    let other = w.h.seed_merchant("mer_other", "Other", false);
    expect_error(
        &w.call(Method::Get, &format!("/v1/payments/{}", pid(&s)), None, Some(&other.secret_key)),
        404,
        "resource_missing",
    );
    // Forged and malformed keys.
    for key in [
        "sk_test_forged",
        "sk_live_mer_test_secret",
        "Bearer",
        "sk_test_mer_test_secret\u{0000}",
        "pk_test_mer_test_secret",
    ] {
        let r = w.call(Method::Get, "/v1/payments", None, Some(key));
        assert!(matches!(err_code(&r), (401, ref c) if c == "api_key_invalid"), "{key:?}: {}", body_text(&r));
    }
}

#[test]
fn test_cards_never_reach_a_live_provider_and_real_cards_never_reach_the_sandbox() {
    let w = World::new();
    let live = w.h.seed_merchant("mer_live", "Live Shop", true);
    let r = w.call(
        Method::Post,
        "/v1/checkout-sessions",
        Some(json!({ "amount": 100, "currency": "TRY" })),
        Some(&live.secret_key),
    );
    let s = r.json_body()["checkout_session"].clone();
    assert_eq!(s["livemode"], true);
    expect_error(&w.confirm(&token(&s), "4242424242424242"), 402, "processing_error");
    // A real-looking card in test mode is refused and leaves no trace.
    let t = w.create(json!({}));
    let b = expect_error(&w.confirm(&token(&t), "4111111111111111"), 400, "live_card_in_test_mode");
    assert_eq!(b["error"]["param"], "payment_method[card][number]");
    let charges: i64 = w.h.db.with_conn(|c| c.query_row("SELECT COUNT(*) FROM charges", [], |r| r.get(0)).unwrap());
    assert_eq!(charges, 0);
    let cards: i64 = w
        .h
        .db
        .with_conn(|c| c.query_row("SELECT COUNT(*) FROM payments WHERE card IS NOT NULL", [], |r| r.get(0)).unwrap());
    assert_eq!(cards, 0);
}

// ---------------------------------------------------------------------------------------------------------------
// Tokens

#[test]
fn tokens_are_long_random_and_bound_to_one_session() {
    let w = World::new();
    let a = token(&w.create(json!({})));
    let b = token(&w.create(json!({})));
    assert_ne!(a, b);
    let secret = a.strip_prefix("cst_").unwrap();
    assert!(secret.len() * 6 >= 128, "{a}");
    assert!(secret.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    // Near misses and other sessions' tokens open nothing.
    let mut near = a.clone();
    near.pop();
    near.push(if a.ends_with('A') { 'B' } else { 'A' });
    for t in [near.as_str(), "cst_", "x", &a.to_uppercase()] {
        expect_error(
            &w.call(Method::Get, &format!("/v1/checkout-sessions/token/{t}"), None, None),
            404,
            "token_invalid",
        );
    }
    // The token is not stored, and never returned again.
    let stored: i64 = w.h.db.with_conn(|c| {
        c.query_row(
            "SELECT COUNT(*) FROM checkout_sessions WHERE token_hash = ?1 OR url LIKE ?2",
            [a.as_str(), &format!("%{a}%")],
            |r| r.get(0),
        )
        .unwrap()
    });
    assert_eq!(stored, 0);
    let listed = w.get("/v1/checkout-sessions").json_body();
    assert!(!listed.to_string().contains(&a));
}

#[test]
fn tokens_die_with_their_session() {
    let w = World::new();
    // Completed.
    let t = token(&w.create(json!({})));
    w.confirm_ok(&t, "4242424242424242");
    expect_error(&w.confirm(&t, "4242424242424242"), 409, "session_not_open");
    expect_error(
        &w.call(Method::Post, &format!("/v1/checkout-sessions/token/{t}/payer"), Some(json!({ "name": "X" })), None),
        409,
        "session_not_open",
    );
    expect_error(
        &w.call(Method::Post, &format!("/v1/checkout-sessions/token/{t}/cancel"), None, None),
        409,
        "session_not_open",
    );
    // Cancelled by the merchant.
    let s = w.create(json!({}));
    w.post(&format!("/v1/checkout-sessions/{}/cancel", s["id"].as_str().unwrap()), json!({}));
    expect_error(&w.confirm(&token(&s), "4242424242424242"), 409, "session_not_open");
    // Failed (attempts exhausted).
    let s = w.create(json!({ "max_attempts": 1 }));
    w.confirm_ok(&token(&s), "4000000000000002");
    expect_error(&w.confirm(&token(&s), "4242424242424242"), 409, "session_not_open");
    // Expired.
    let s = w.create(json!({ "expires_in": 60 }));
    w.h.runtime.advance_ms(61_000);
    expect_error(&w.confirm(&token(&s), "4242424242424242"), 410, "session_expired");
    expect_error(
        &w.call(
            Method::Post,
            &format!("/v1/checkout-sessions/token/{}/payer", token(&s)),
            Some(json!({ "name": "X" })),
            None,
        ),
        410,
        "session_expired",
    );
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
    rate_limited(&w.confirm(&t, "4242424242424242"), window);
    // Another session's token has its own budget; the next window restores this one.
    let other = token(&w.create(json!({})));
    assert_eq!(w.confirm(&other, "4242424242424242").status, 200);
    w.h.runtime.advance_ms(i64::from(window) * 1000);
    assert_eq!(w.confirm(&t, "4242424242424242").status, 200);
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

#[test]
fn a_card_declined_across_many_sessions_is_blocked() {
    let w = World::new();
    let max = hsrc_edge::services::limits::CARD_MAX_DECLINES;
    for _ in 0..max {
        let s = w.create(json!({}));
        w.confirm_ok(&token(&s), "4000000000000002");
    }
    let s = w.create(json!({}));
    let b = expect_error(&w.confirm(&token(&s), "4000000000000002"), 402, "card_declined");
    assert_eq!(b["error"]["type"], "card_error");
    assert_eq!(b["error"]["decline_code"], "card_velocity_exceeded");
    // Nothing reached a provider for the refused attempt, and the session stays open for another card.
    let p = w.payment(&pid(&s));
    assert_eq!(p["charges"].as_array().unwrap().len(), 0);
    assert_eq!(w.confirm_ok(&token(&s), "4242424242424242")["checkout_session"]["status"], "COMPLETED");
    // The window passes and the card may try again.
    w.h.runtime.advance_ms(hsrc_edge::services::limits::CARD_WINDOW_MS + 1000);
    let s = w.create(json!({}));
    assert_eq!(w.confirm(&token(&s), "4000000000000002").status, 200);
}

#[test]
fn many_declines_on_one_session_block_it() {
    let w = World::new();
    let s = w.create(json!({ "max_attempts": 10 }));
    let max = hsrc_edge::services::limits::SESSION_MAX_DECLINES;
    let cards = ["4000000000000002", "4000000000009995", "4000000000000069", "4000000000000127"];
    for i in 0..max {
        w.confirm_ok(&token(&s), cards[i as usize % cards.len()]);
    }
    let b = expect_error(&w.confirm(&token(&s), "4242424242424242"), 402, "card_declined");
    assert_eq!(b["error"]["decline_code"], "card_velocity_exceeded");
}

// ---------------------------------------------------------------------------------------------------------------
// Input limits

fn create_error(w: &World, body: Value) -> Value {
    let r = w.post("/v1/checkout-sessions", body);
    assert_eq!(r.status, 400, "{}", body_text(&r));
    r.json_body()
}

#[test]
fn bodies_too_large_or_too_deep_are_refused_before_parsing() {
    let w = World::new();
    let mut req = ApiRequest::new(Method::Post, "/v1/checkout-sessions")
        .with_header("authorization", &format!("Bearer {}", w.m.secret_key))
        .with_header("content-type", "application/json");
    req.body = format!(r#"{{"amount":1,"currency":"TRY","metadata":{{"k":"{}"}}}}"#, "a".repeat(70_000)).into_bytes();
    expect_error(&w.h.request(req.clone()), 413, "body_too_large");
    req.body =
        format!(r#"{{"amount":1,"currency":"TRY","metadata":{}1{}}}"#, "[".repeat(40), "]".repeat(40)).into_bytes();
    expect_error(&w.h.request(req.clone()), 400, "body_invalid_json");
    req.body = b"{\"amount\":1,".to_vec();
    expect_error(&w.h.request(req.clone()), 400, "body_invalid_json");
    req.body = br#"{"amount":1,"currency":"TRY"} trailing"#.to_vec();
    expect_error(&w.h.request(req.clone()), 400, "body_invalid_json");
    let mut plain = req.clone();
    plain.headers.retain(|(k, _)| k != "content-type");
    plain = plain.with_header("content-type", "text/plain");
    plain.body = br#"{"amount":1,"currency":"TRY"}"#.to_vec();
    expect_error(&w.h.request(plain), 415, "unsupported_media_type");
}

#[test]
fn unknown_fields_are_named_even_when_nested() {
    let w = World::new();
    for (body, param) in [
        (json!({ "amount": 1, "currency": "TRY", "customer": { "emial": "a@example.com" } }), "customer[emial]"),
        (
            json!({ "amount": 1, "currency": "TRY", "custom_fields": [{ "key": "k", "label": "L", "type": "text", "lable": "x" }] }),
            "custom_fields[0][lable]",
        ),
        (json!({ "amount": 1, "currency": "TRY", "amuont": 2 }), "amuont"),
    ] {
        let b = create_error(&w, body);
        assert_eq!(
            (b["error"]["code"].as_str(), b["error"]["param"].as_str()),
            (Some("parameter_unknown"), Some(param))
        );
    }
    let t = token(&w.create(json!({})));
    let mut body = hsrc_edge_confirm_body("4242424242424242");
    body["payment_method"]["card"]["cvv"] = json!("123");
    let b = expect_error(
        &w.call(Method::Post, &format!("/v1/checkout-sessions/token/{t}/confirm"), Some(body), None),
        400,
        "parameter_unknown",
    );
    assert_eq!(b["error"]["param"], "payment_method[card][cvv]");
    let b = expect_error(&w.call(Method::Post, &format!("/v1/checkout-sessions/token/{t}/payer"), Some(json!({ "billing_address": { "line1": "x", "city": "y", "postal_code": "1", "country": "TR", "zip": "2" } })), None), 400, "parameter_unknown");
    assert_eq!(b["error"]["param"], "billing_address[zip]");
}

fn hsrc_edge_confirm_body(number: &str) -> Value {
    json!({ "payment_method": { "type": "card", "card": { "number": number, "exp_month": 12, "exp_year": 2034, "cvc": "123" } }, "payer": { "name": "A", "email": "a@example.com" } })
}

#[test]
fn amounts_strings_and_metadata_are_bounded() {
    let w = World::new();
    for (amount, currency) in [(0, "TRY"), (-1, "TRY"), (i64::MAX, "TRY"), (100_000_000_000, "TRY"), (0, "JPY")] {
        let b = create_error(&w, json!({ "amount": amount, "currency": currency }));
        assert_eq!(
            (b["error"]["code"].as_str(), b["error"]["param"].as_str()),
            (Some("amount_invalid"), Some("amount")),
            "{amount} {currency}"
        );
    }
    for currency in ["try", "XXX", "TRYY", ""] {
        let b = create_error(&w, json!({ "amount": 100, "currency": currency }));
        assert_eq!(b["error"]["code"], "currency_unsupported", "{currency}");
    }
    let b = create_error(&w, json!({ "amount": 1.5, "currency": "TRY" }));
    assert_eq!(
        (b["error"]["code"].as_str(), b["error"]["param"].as_str()),
        (Some("parameter_invalid"), Some("amount"))
    );
    let many: serde_json::Map<String, Value> = (0..51).map(|i| (format!("k{i}"), json!("v"))).collect();
    let b = create_error(&w, json!({ "amount": 100, "currency": "TRY", "metadata": many }));
    assert!(b["error"]["param"].as_str().unwrap().starts_with("metadata"), "{b}");
    let b = create_error(&w, json!({ "amount": 100, "currency": "TRY", "metadata": { "k".repeat(41): "v" } }));
    assert!(b["error"]["param"].as_str().unwrap().starts_with("metadata"), "{b}");
    let b = create_error(&w, json!({ "amount": 100, "currency": "TRY", "metadata": { "k": "v".repeat(501) } }));
    assert!(b["error"]["param"].as_str().unwrap().starts_with("metadata"), "{b}");
    let b = create_error(&w, json!({ "amount": 100, "currency": "TRY", "customer": { "name": "n".repeat(201) } }));
    assert_eq!(b["error"]["param"], "customer[name]");
    let fields: Vec<Value> = (0..11).map(|i| json!({ "key": format!("f{i}"), "label": "L", "type": "text" })).collect();
    let b = create_error(&w, json!({ "amount": 100, "currency": "TRY", "custom_fields": fields }));
    assert!(b["error"]["param"].as_str().unwrap().starts_with("custom_fields"), "{b}");
    let b = create_error(&w, json!({ "amount": 100, "currency": "TRY", "max_attempts": 11 }));
    assert_eq!(b["error"]["param"], "max_attempts");
    let b = create_error(&w, json!({ "amount": 100, "currency": "TRY", "expires_in": 8 * 24 * 3600 }));
    assert_eq!(b["error"]["param"], "expires_in");
    // Oversized path segments do not route.
    let long = "a".repeat(300);
    expect_error(
        &w.call(Method::Get, &format!("/v1/checkout-sessions/token/{long}"), None, None),
        404,
        "route_not_found",
    );
}

#[test]
fn the_3ds_page_may_be_framed_by_the_checkout_inside_the_merchants_own_page_only() {
    let w = World::new();
    let s = w.create(json!({}));
    let r = w.confirm_ok(&token(&s), "4000000000003220");
    let url = r["confirmResult"]["paymentNextAction"]["redirect_user_to_url"]["url"].as_str().unwrap().to_string();
    let id = url.rsplit('/').next().unwrap();
    let get = |p: &str| w.call(Method::Get, p, None, None);
    strict_page(
        &get(&format!("/checkout/3ds/{id}?origin=https://merchant.example")),
        "'self' https://merchant.example",
    );
    strict_page(&get(&format!("/checkout/3ds/{id}?origin=https://evil.example")), "'self'");
    strict_page(&get(&format!("/checkout/3ds/{id}?origin=https://merchant.example;%20script-src%20*")), "'self'");
    strict_page(&get(&format!("/checkout/3ds/{id}")), "'self'");
}
