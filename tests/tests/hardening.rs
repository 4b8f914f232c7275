//! Attacks on the running Worker (workerd, local D1/KV, the Workers Rate Limiting binding): the OpenAPI document
//! against live responses, redirect-URL tricks, SSRF through live webhook URLs, framing/CSP/CORS headers on every
//! page kind, key rotation, key kinds, live/test separation, token lifetime, rate limits with Retry-After, card
//! testing, body limits, and a scan for secrets in storage and logs. Attacks that lock a card, a key or a budget
//! use their own seeded merchants (scripts/seed.sh), never the sandbox merchant the other tests share.

use hsrc_e2e::{cards, confirm_body, Api, Resp};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

fn key(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: scripts/seed.sh writes it to the keys file that scripts/test.sh exports")
    })
}

fn token(s: &Value) -> String {
    s["token"].as_str().unwrap().to_string()
}

fn pid(s: &Value) -> String {
    s["payment_id"].as_str().unwrap().to_string()
}

fn create_with(api: &Api, sk: &str, body: Value) -> Resp {
    api.send("POST", "/v1/checkout-sessions", Some(sk), Some(&body), &[])
}

fn session_with(api: &Api, sk: &str, extra: Value) -> Value {
    let mut body = json!({ "amount": 12500, "currency": "TRY" });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    create_with(api, sk, body).expect(200)["checkout_session"].clone()
}

/// A raw request (bytes and headers as given), for what the JSON helpers cannot send.
fn raw(api: &Api, method: &str, path: &str, headers: &[(&str, &str)], body: Vec<u8>) -> Resp {
    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .max_redirects(0)
        .build()
        .new_agent();
    let mut b = ureq::http::Request::builder().method(method).uri(api.url(path));
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    let mut resp = agent.run(b.body(body).unwrap()).unwrap_or_else(|e| panic!("{method} {path}: {e}"));
    let status = resp.status().as_u16();
    let headers = resp.headers().iter().map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string())).collect();
    let text = resp.body_mut().read_to_string().unwrap_or_default();
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Resp { status, headers, text, json }
}

// ---------------------------------------------------------------------------------------------------------------
// OpenAPI

/// Checks a live response against the schema the document gives its route and status.
#[track_caller]
fn conforms(doc: &Value, method: &str, path: &str, r: &Resp) {
    let m = hsrc_edge::http::Method::parse(method);
    let error_model = &doc["components"]["responses"]["Error"]["content"]["application/json"]["schema"];
    let schema = match hsrc_edge::router::find(m, path.split('?').next().unwrap()) {
        Ok((route, _)) => hsrc_edge::openapi::response_schema(doc, method, route.path, r.status)
            .unwrap_or_else(|| panic!("{method} {} {} is documented", route.path, r.status)),
        Err(_) => error_model,
    };
    if let Err(e) = hsrc_edge::openapi::validate(doc, schema, &r.json) {
        panic!("{method} {path} → {} does not match the document: {e}\n{}", r.status, r.text);
    }
    assert!(r.header("request-id").is_some(), "{method} {path} has a request-id");
}

#[test]
fn the_served_document_lists_every_route_and_live_responses_match_it() {
    let api = Api::from_env();
    let doc = api.payer_get("/v1/openapi.json").expect(200);
    assert_eq!(doc["openapi"], "3.1.0");
    for r in hsrc_edge::router::ROUTES {
        let m = r.method.as_str().to_ascii_lowercase();
        assert!(doc["paths"][r.path][&m].is_object(), "{m} {} is in the served document", r.path);
    }
    let documented: usize = doc["paths"].as_object().unwrap().values().map(|p| p.as_object().unwrap().len()).sum();
    assert_eq!(documented, hsrc_edge::router::ROUTES.len(), "the document has exactly the routed operations");

    let s = api.create_session(json!({ "metadata": { "order_id": "o1" }, "public_metadata_keys": ["order_id"] }));
    let t = token(&s);
    let check = |method: &str, path: &str, r: Resp| {
        conforms(&doc, method, path, &r);
        r
    };
    check(
        "GET",
        &format!("/v1/checkout-sessions/{}", s["id"].as_str().unwrap()),
        api.get(&format!("/v1/checkout-sessions/{}", s["id"].as_str().unwrap())),
    );
    check("GET", "/v1/checkout-sessions?limit=3", api.get("/v1/checkout-sessions?limit=3"));
    check(
        "GET",
        &format!("/v1/checkout-sessions/token/{t}"),
        api.payer_get(&format!("/v1/checkout-sessions/token/{t}")),
    );
    let path = format!("/v1/checkout-sessions/token/{t}/confirm");
    check("POST", &path, api.confirm(&t, cards::DECLINED));
    check("POST", &path, api.confirm(&t, cards::SUCCESS));
    check("GET", &format!("/v1/payments/{}", pid(&s)), api.get(&format!("/v1/payments/{}", pid(&s))));
    check("GET", "/v1/payments?limit=3", api.get("/v1/payments?limit=3"));
    check("GET", "/v1/events?limit=3", api.get("/v1/events?limit=3"));
    check("GET", "/v1/health", api.payer_get("/v1/health"));
    check("GET", "/v1/payments/pay_missing", api.get("/v1/payments/pay_missing"));
    check("GET", "/v1/nope", api.get("/v1/nope"));
    check("POST", &path, api.confirm(&t, cards::SUCCESS));
}

// ---------------------------------------------------------------------------------------------------------------
// Redirect URLs

const URL_ATTACKS: &[&str] = &[
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.domain)",
    "  javascript:alert(1)",
    "java\tscript:alert(1)",
    "jav&#x09;ascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "DaTa:text/html;base64,PHNjcmlwdD4=",
    "vbscript:msgbox(1)",
    "VBSCRIPT:msgbox(1)",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "\\/evil.example/",
    "https:evil.example",
    "https:/evil.example",
    "https:\\\\evil.example",
    "https://merchant.example@evil.example/",
    "https://merchant.example:443@evil.example/",
    "https://user@merchant.example/",
    "https://merchant.example.evil/",
    "https://merchant.example.evil.example/",
    "https://notmerchant.example/",
    "https://merchant.example\\@evil.example/",
    "https://evil.example\\.merchant.example/",
    "https://evil.example/\\merchant.example/",
    "https://merchant.example /",
    "https://merchant.example/\t/x",
    "https://merchant.example/\r\nLocation: https://evil.example",
    "https://merchant.example/\u{0000}",
    "\u{0008}https://merchant.example/",
    "https://merchant.example/\u{202e}",
    "https://merchant.example%2eevil.example/",
    "https://%6D%65rchant.example/",
    "https://merchant%2eexample/",
    "https://merchant.example/%2f%2fevil.example",
    "https://merchant.example/%5c%5cevil.example",
    "https://evil.example%2f.merchant.example/",
    "https://evil.example%23.merchant.example/",
    "https://mеrchant.example/",
    "https://merchant.еxample/",
    "https://xn--mrchant-3ng.example/",
    "https://ⅿerchant.example/",
    "https://merchant。example/",
    "https://MERCHANT.example.evil/",
    "http://merchant.example/",
    "ftp://merchant.example/",
    "file:///etc/passwd",
    "https://0x7f.0.0.1/",
    "https:///merchant.example",
    "",
    " ",
];

#[test]
fn redirect_url_attacks_are_refused_through_create_session() {
    let api = Api::from_env();
    let long = format!("https://merchant.example/{}", "a".repeat(2100));
    let attacks: Vec<&str> = URL_ATTACKS.iter().copied().chain([long.as_str()]).collect();
    for field in ["url", "return_url", "cancel_url"] {
        for attack in &attacks {
            let r = api.post("/v1/checkout-sessions", json!({ "amount": 12500, "currency": "TRY", field: attack }));
            let text = r.text.clone();
            let b = r.expect_error(400, "url_invalid");
            assert_eq!(b["error"]["param"], field, "{field} = {attack:?}: {text}");
        }
    }
    let ok = api.create_session(
        json!({ "url": "https://shop.merchant.example/pay", "cancel_url": "https://merchant.example/cancel" }),
    );
    assert_eq!(ok["url"], "https://shop.merchant.example/pay");
}

#[test]
fn live_webhook_endpoints_refuse_private_loopback_and_link_local_targets() {
    let api = Api::from_env();
    let live = key("HSRC_LIVE_SECRET_KEY");
    for url in [
        "https://127.0.0.1/hook",
        "https://127.1.2.3/hook",
        "https://localhost/hook",
        "https://10.1.2.3/hook",
        "https://172.31.0.1/hook",
        "https://192.168.0.1/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hook",
        "https://[fe80::1]/hook",
        "https://[fd00::1]/hook",
        "https://[::ffff:10.0.0.1]/hook",
        "https://0.0.0.0/hook",
        "https://2130706433/hook",
        "https://0177.0.0.1/hook",
        "https://service.internal/hook",
        "http://hooks.example.com/hook",
    ] {
        let r = api.send("POST", "/v1/webhook-endpoints", Some(&live), Some(&json!({ "url": url })), &[]);
        let text = r.text.clone();
        let b = r.expect_error(400, "url_invalid");
        assert_eq!(b["error"]["param"], "url", "{url}: {text}");
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Framing and headers

#[track_caller]
fn strict_page(r: &Resp, ancestors: &str) {
    assert_eq!(r.status, 200, "{}", r.text);
    let csp = r.header("content-security-policy").unwrap_or_default();
    assert!(csp.ends_with(&format!("frame-ancestors {ancestors}")), "{csp}");
    for part in ["default-src 'none'", "script-src 'self' 'wasm-unsafe-eval'", "base-uri 'none'", "form-action 'self'"]
    {
        assert!(csp.contains(part), "{part} in {csp}");
    }
    assert!(
        !csp.contains("'unsafe-inline'") && !csp.contains("'unsafe-eval'") && !csp.contains("script-src *"),
        "{csp}"
    );
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(r.header("referrer-policy"), Some("no-referrer"));
    assert!(r.header("content-type").unwrap_or_default().starts_with("text/html"));
    assert!(r.header("access-control-allow-origin").is_none());
}

#[test]
fn every_page_kind_sends_its_framing_rules() {
    let api = Api::from_env();
    let t = token(&api.create_session(json!({})));
    let own = api.base.clone();
    strict_page(&api.payer_get(&format!("/checkout/embed?token={t}&origin={own}")), &own);
    strict_page(&api.payer_get(&format!("/checkout/embed?token={t}&origin=https://evil.example")), "'none'");
    strict_page(
        &api.payer_get(&format!("/checkout/embed?token={t}&origin=https://merchant.example%20https://evil.example")),
        "'none'",
    );
    strict_page(
        &api.payer_get(&format!("/checkout/embed?token={t}&origin=https://evil.example%3B%20script-src%20*")),
        "'none'",
    );
    strict_page(&api.payer_get(&format!("/checkout/embed?token={t}")), "'none'");
    strict_page(&api.payer_get("/checkout/embed?token=cst_forged&origin=https://evil.example"), "'none'");
    strict_page(&api.payer_get(&format!("/checkout/hosted?token={t}")), "'none'");
    strict_page(&api.payer_get("/checkout/3ds/chl_anything"), "'self'");
    strict_page(&api.payer_get("/demo"), "'none'");
    strict_page(&api.payer_get("/ops"), "'none'");
    let loader = api.payer_get("/v1/checkout.js");
    assert_eq!(loader.status, 200);
    assert_eq!(loader.header("access-control-allow-origin"), Some("*"));
    assert_eq!(loader.header("x-content-type-options"), Some("nosniff"));
    assert!(loader.header("content-type").unwrap_or_default().contains("javascript"));
}

#[test]
fn the_api_answers_no_cross_origin_browser_and_refuses_preflights() {
    let api = Api::from_env();
    let t = token(&api.create_session(json!({})));
    let origin = [("origin", "https://evil.example")];
    for path in ["/v1/checkout-sessions", "/v1/payments", "/v1/events", "/v1/webhook-endpoints"] {
        let r = api.send("GET", path, Some(&api.secret_key), None, &origin);
        assert_eq!(r.status, 200, "{path}: {}", r.text);
        assert!(
            r.header("access-control-allow-origin").is_none() && r.header("access-control-allow-credentials").is_none(),
            "{path}"
        );
        assert_eq!(r.header("cache-control"), Some("no-store"), "{path}");
    }
    let r = api.send("GET", &format!("/v1/checkout-sessions/token/{t}"), None, None, &origin);
    assert!(r.status == 200 && r.header("access-control-allow-origin").is_none());
    for path in [
        "/v1/checkout-sessions",
        "/v1/payments",
        "/v1/api-keys/roll",
        "/v1/webhook-endpoints",
        "/v1/events",
        &format!("/v1/checkout-sessions/token/{t}/confirm"),
    ] {
        let r = api.send(
            "OPTIONS",
            path,
            None,
            None,
            &[
                ("origin", "https://evil.example"),
                ("access-control-request-method", "POST"),
                ("access-control-request-headers", "authorization"),
            ],
        );
        assert!(
            r.header("access-control-allow-origin").is_none() && r.header("access-control-allow-headers").is_none(),
            "{path}"
        );
        r.expect_error(405, "method_not_allowed");
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Keys and tokens

#[test]
fn rolled_keys_are_shown_once_and_retire_on_schedule() {
    let api = Api::from_env();
    let old = key("HSRC_ROLL_SECRET_KEY");
    let rolled = api.send("POST", "/v1/api-keys/roll", Some(&old), Some(&json!({ "expires_in": 3 })), &[]).expect(200)
        ["api_key"]
        .clone();
    let new = rolled["secret"].as_str().unwrap().to_string();
    assert!(new.starts_with("sk_test_") && new != old);
    // Both work during the grace period; the old one cannot mint a second successor.
    api.send("GET", "/v1/checkout-sessions", Some(&old), None, &[]).expect(200);
    api.send("GET", "/v1/checkout-sessions", Some(&new), None, &[]).expect(200);
    api.send("POST", "/v1/api-keys/roll", Some(&old), Some(&json!({})), &[]).expect_error(409, "state_conflict");
    api.wait_for("the grace period to end", Duration::from_secs(10), || {
        let r = api.send("GET", "/v1/checkout-sessions", Some(&old), None, &[]);
        (r.status == 401).then_some(r)
    })
    .expect_error(401, "api_key_invalid");
    // Rolling with no grace period retires the key at once.
    let newest = api.send("POST", "/v1/api-keys/roll", Some(&new), Some(&json!({})), &[]).expect(200)["api_key"]
        ["secret"]
        .as_str()
        .unwrap()
        .to_string();
    api.send("GET", "/v1/checkout-sessions", Some(&new), None, &[]).expect_error(401, "api_key_invalid");
    api.send("GET", "/v1/checkout-sessions", Some(&newest), None, &[]).expect(200);
    // Neither new key is stored or logged in the clear.
    for file in scanned_files() {
        let text = String::from_utf8_lossy(&std::fs::read(&file).unwrap_or_default()).into_owned();
        assert!(!text.contains(&new) && !text.contains(&newest), "a rolled key was found in {}", file.display());
    }
}

#[test]
fn publishable_keys_read_nothing_and_live_keys_never_reach_the_sandbox() {
    let api = Api::from_env();
    let s = api.create_session(json!({}));
    api.confirm(&token(&s), cards::SUCCESS).expect(200);
    for path in [
        "/v1/payments".to_string(),
        format!("/v1/payments/{}", pid(&s)),
        "/v1/checkout-sessions".into(),
        format!("/v1/checkout-sessions/{}", s["id"].as_str().unwrap()),
        "/v1/events".into(),
    ] {
        api.send("GET", &path, Some(&api.publishable_key), None, &[]).expect_error(403, "api_key_wrong_kind");
    }
    // Another merchant's secret key sees none of the sandbox merchant's objects.
    api.send("GET", &format!("/v1/payments/{}", pid(&s)), Some(&key("HSRC_GUARD_SECRET_KEY")), None, &[])
        .expect_error(404, "resource_missing");
    // Live sessions refuse sandbox cards without calling any provider.
    let live = key("HSRC_LIVE_SECRET_KEY");
    let ls = session_with(&api, &live, json!({}));
    assert_eq!(ls["livemode"], true);
    api.confirm(&token(&ls), cards::SUCCESS).expect_error(402, "processing_error");
    let p =
        api.send("GET", &format!("/v1/payments/{}", pid(&ls)), Some(&live), None, &[]).expect(200)["payment"].clone();
    assert_eq!(p["charges"].as_array().unwrap().len(), 0);
    // Real card numbers never reach the sandbox.
    let ts = api.create_session(json!({}));
    let b = api.confirm(&token(&ts), "4111111111111111").expect_error(400, "live_card_in_test_mode");
    assert_eq!(b["error"]["param"], "payment_method[card][number]");
    assert_eq!(api.payment(&pid(&ts))["charges"].as_array().unwrap().len(), 0);
}

#[test]
fn tokens_are_long_and_die_with_their_session() {
    let api = Api::from_env();
    let s = api.create_session(json!({}));
    let t = token(&s);
    assert!(t.strip_prefix("cst_").unwrap().len() * 6 >= 128, "{t}");
    api.payer_get(&format!("/v1/checkout-sessions/token/{}x", &t)).expect_error(404, "token_invalid");
    api.confirm(&t, cards::SUCCESS).expect(200);
    api.confirm(&t, cards::SUCCESS).expect_error(409, "session_not_open");
    api.payer_post(&format!("/v1/checkout-sessions/token/{t}/payer"), json!({ "name": "X" }))
        .expect_error(409, "session_not_open");
    api.payer_post(&format!("/v1/checkout-sessions/token/{t}/cancel"), json!({})).expect_error(409, "session_not_open");
    let c = api.create_session(json!({}));
    api.payer_post(&format!("/v1/checkout-sessions/token/{}/cancel", token(&c)), json!({})).expect(200);
    api.confirm(&token(&c), cards::SUCCESS).expect_error(409, "session_not_open");
    let e = api.create_session(json!({ "expires_in": 3 }));
    std::thread::sleep(Duration::from_millis(3500));
    api.confirm(&token(&e), cards::SUCCESS).expect_error(410, "session_expired");
}

// ---------------------------------------------------------------------------------------------------------------
// Rate limits and card testing

#[track_caller]
fn rate_limited(r: Resp, window: u32) {
    let wait: u32 = r.header("retry-after").expect("a Retry-After header").parse().unwrap();
    assert!((1..=window).contains(&wait), "Retry-After {wait}");
    let b = r.expect_error(429, "rate_limited");
    assert_eq!(b["error"]["type"], "rate_limit_error");
}

/// Sends `send` from 4 threads until one answers 429 (returned) or `max` requests went out.
fn until_limited(max: usize, send: impl Fn() -> Resp + Sync) -> Option<Resp> {
    let sent = std::sync::atomic::AtomicUsize::new(0);
    let found = std::sync::Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                while sent.fetch_add(1, std::sync::atomic::Ordering::SeqCst) < max && found.lock().unwrap().is_none() {
                    let r = send();
                    assert!(r.status < 500, "{} {}", r.status, r.text);
                    if r.status == 429 {
                        *found.lock().unwrap() = Some(r);
                    }
                }
            });
        }
    });
    found.into_inner().unwrap()
}

/// The flooding tests run one at a time, so each gets the Worker's throughput to itself.
static FLOODS: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn confirms_and_lookups_per_token_are_rate_limited() {
    let _alone = FLOODS.lock().unwrap_or_else(|e| e.into_inner());
    let api = Api::from_env();
    let (confirm_limit, confirm_window, _) = hsrc_edge::platform::LimitBucket::Confirm.spec();
    let t = token(&api.create_session(json!({})));
    let path = format!("/v1/checkout-sessions/token/{t}/confirm");
    let r = until_limited(3 * confirm_limit as usize, || api.payer_post(&path, json!({}))).expect("a 429 on confirm");
    rate_limited(r, confirm_window);
    rate_limited(api.confirm(&t, cards::SUCCESS), confirm_window);

    let (lookup_limit, lookup_window, _) = hsrc_edge::platform::LimitBucket::Payer.spec();
    let t2 = token(&api.create_session(json!({})));
    let view = format!("/v1/checkout-sessions/token/{t2}");
    let r = until_limited(3 * lookup_limit as usize, || api.payer_get(&view)).expect("a 429 on lookup");
    rate_limited(r, lookup_window);
    // Other sessions keep their own budget.
    let t3 = token(&api.create_session(json!({})));
    api.payer_get(&format!("/v1/checkout-sessions/token/{t3}")).expect(200);
}

#[test]
fn a_secret_key_over_its_budget_gets_429_and_other_keys_do_not() {
    let api = Api::from_env();
    let flood = key("HSRC_FLOOD_SECRET_KEY");
    let _alone = FLOODS.lock().unwrap_or_else(|e| e.into_inner());
    let (limit, window, _) = hsrc_edge::platform::LimitBucket::SecretKeyTest.spec();
    let started = Instant::now();
    let r = until_limited(4 * limit as usize, || api.send("GET", "/v1/payments/pay_flood", Some(&flood), None, &[]))
        .expect("a 429 for the flooding key");
    assert!(started.elapsed() < Duration::from_secs(60));
    rate_limited(r, window);
    api.get("/v1/payments?limit=1").expect(200);
}

#[test]
fn a_card_declined_across_many_sessions_is_blocked() {
    let api = Api::from_env();
    let guard = key("HSRC_GUARD_SECRET_KEY");
    let max = hsrc_edge::services::limits::CARD_MAX_DECLINES;
    for _ in 0..max {
        let s = session_with(&api, &guard, json!({}));
        let r = api.confirm(&token(&s), cards::DECLINED).expect(200);
        assert_eq!(r["confirmResult"]["payment"]["last_error"]["decline_code"], "card_declined");
    }
    let s = session_with(&api, &guard, json!({}));
    let b = api.confirm(&token(&s), cards::DECLINED).expect_error(402, "card_declined");
    assert_eq!(b["error"]["type"], "card_error");
    assert_eq!(b["error"]["decline_code"], "card_velocity_exceeded");
    let p =
        api.send("GET", &format!("/v1/payments/{}", pid(&s)), Some(&guard), None, &[]).expect(200)["payment"].clone();
    assert_eq!(p["charges"].as_array().unwrap().len(), 0, "the blocked attempt reached no provider");
    // The payer can still pay with another card.
    assert_eq!(api.confirm(&token(&s), cards::SUCCESS).expect(200)["checkout_session"]["status"], "COMPLETED");
}

// ---------------------------------------------------------------------------------------------------------------
// Input limits

#[test]
fn oversized_deep_mistyped_and_misspelled_bodies_are_refused() {
    let api = Api::from_env();
    let auth = format!("Bearer {}", api.secret_key);
    let json_headers = [("authorization", auth.as_str()), ("content-type", "application/json")];
    let big = format!(r#"{{"amount":100,"currency":"TRY","metadata":{{"k":"{}"}}}}"#, "a".repeat(70_000));
    raw(&api, "POST", "/v1/checkout-sessions", &json_headers, big.into_bytes()).expect_error(413, "body_too_large");
    let deep = format!(r#"{{"amount":100,"currency":"TRY","metadata":{}1{}}}"#, "[".repeat(30), "]".repeat(30));
    raw(&api, "POST", "/v1/checkout-sessions", &json_headers, deep.into_bytes()).expect_error(400, "body_invalid_json");
    raw(&api, "POST", "/v1/checkout-sessions", &json_headers, b"{\"amount\":".to_vec())
        .expect_error(400, "body_invalid_json");
    let plain = [("authorization", auth.as_str()), ("content-type", "text/plain")];
    raw(&api, "POST", "/v1/checkout-sessions", &plain, br#"{"amount":100,"currency":"TRY"}"#.to_vec())
        .expect_error(415, "unsupported_media_type");
    let form = [("authorization", auth.as_str()), ("content-type", "application/x-www-form-urlencoded")];
    raw(&api, "POST", "/v1/checkout-sessions", &form, b"amount=100&currency=TRY".to_vec())
        .expect_error(415, "unsupported_media_type");

    for (body, code, param) in [
        (
            json!({ "amount": 100, "currency": "TRY", "customer": { "emial": "a@example.com" } }),
            "parameter_unknown",
            "customer[emial]",
        ),
        (
            json!({ "amount": 100, "currency": "TRY", "custom_fields": [{ "key": "k", "label": "L", "type": "text", "lable": "x" }] }),
            "parameter_unknown",
            "custom_fields[0][lable]",
        ),
        (json!({ "amount": 0, "currency": "TRY" }), "amount_invalid", "amount"),
        (json!({ "amount": -5, "currency": "TRY" }), "amount_invalid", "amount"),
        (json!({ "amount": 9_007_199_254_740_991i64, "currency": "TRY" }), "amount_invalid", "amount"),
        (json!({ "amount": "100", "currency": "TRY" }), "parameter_invalid", "amount"),
        (json!({ "amount": 100, "currency": "try" }), "currency_unsupported", "currency"),
        (
            json!({ "amount": 100, "currency": "TRY", "customer": { "name": "n".repeat(201) } }),
            "parameter_invalid",
            "customer[name]",
        ),
    ] {
        let r = api.post("/v1/checkout-sessions", body.clone());
        let text = r.text.clone();
        let b = r.expect_error(400, code);
        assert_eq!(b["error"]["param"], param, "{body}: {text}");
    }
    let many: serde_json::Map<String, Value> = (0..51).map(|i| (format!("k{i}"), json!("v"))).collect();
    let b =
        api.post("/v1/checkout-sessions", json!({ "amount": 100, "currency": "TRY", "metadata": many })).expect(400);
    assert!(b["error"]["param"].as_str().unwrap_or_default().starts_with("metadata"), "{b}");

    let t = token(&api.create_session(json!({})));
    let mut body = confirm_body(cards::SUCCESS);
    body["payment_method"]["card"]["cvv"] = json!("123");
    let b = api
        .payer_post(&format!("/v1/checkout-sessions/token/{t}/confirm"), body)
        .expect_error(400, "parameter_unknown");
    assert_eq!(b["error"]["param"], "payment_method[card][cvv]");
}

// ---------------------------------------------------------------------------------------------------------------
// Secrets at rest and in logs

/// The local D1/KV files and the Worker log.
fn scanned_files() -> Vec<std::path::PathBuf> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(std::path::Path::new(&key("HSRC_STATE_DIR")), &mut out);
    // Miniflare's local trace store (a wrangler dev tool, not our storage; absent on Cloudflare) is left out.
    out.retain(|p| !p.to_string_lossy().contains("/observability/"));
    out.push(key("HSRC_WORKER_LOG").into());
    out
}

#[test]
fn secret_keys_are_never_stored_or_logged_in_the_clear() {
    let api = Api::from_env();
    // Traffic that carries every key in its Authorization header.
    for name in ["HSRC_SECRET_KEY", "HSRC_GUARD_SECRET_KEY", "HSRC_LIVE_SECRET_KEY", "HSRC_PUBLISHABLE_KEY"] {
        let k = key(name);
        let r = api.send("GET", "/v1/checkout-sessions?limit=1", Some(&k), None, &[]);
        assert!(r.status == 200 || r.status == 403, "{name}: {}", r.text);
        let r = api.send("GET", "/v1/nope", Some(&k), None, &[]);
        assert!(!r.text.contains(&k));
    }
    let files = scanned_files();
    assert!(files.len() > 2);
    for file in &files {
        let text = String::from_utf8_lossy(&std::fs::read(file).unwrap_or_default()).into_owned();
        for name in [
            "HSRC_SECRET_KEY",
            "HSRC_GUARD_SECRET_KEY",
            "HSRC_ROLL_SECRET_KEY",
            "HSRC_FLOOD_SECRET_KEY",
            "HSRC_LIVE_SECRET_KEY",
        ] {
            assert!(!text.contains(&key(name)), "{name} was found in {}", file.display());
        }
        // Our structured log lines never carry a webhook secret or a payer token.
        for line in text.lines().filter(|l| l.trim_start().starts_with('{')) {
            assert!(
                !line.contains("whsec_") && !line.contains("cst_") && !line.contains("/3ds/chl_"),
                "a secret was logged in {}: {line}",
                file.display()
            );
        }
    }
}
