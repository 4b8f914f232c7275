//! Attacks only the running Worker can show (workerd, local D1/KV, the Workers Rate Limiting binding): the OpenAPI
//! document against live responses, key rotation in real time, rate limits with Retry-After under real
//! concurrency, and a scan for secrets in storage and logs. Attacks that lock a key or a budget use their own
//! seeded merchants (scripts/seed.sh). Every attack a client can make on both sides is a scenario in
//! `hsrc_testkit::scenarios::hardening` (`tests/tests/scenarios.rs`).

use hsrc_e2e::{cards, worker_state, Api, Resp};
use hsrc_testkit::Checkout;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

fn key(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: scripts/seed.sh writes it to the keys file that scripts/test.sh exports")
    })
}

// ---------------------------------------------------------------------------------------------------------------
// OpenAPI

/// Checks a live response against the schema the document gives its route and status.
#[track_caller]
fn conforms(doc: &Value, method: &str, path: &str, r: &Resp) {
    let m = hsrc_edge::http::Method::parse(method);
    let error_model = &doc["components"]["responses"]["Error"]["content"]["application/json"]["schema"];
    let schema = match hsrc_edge::routing::find(m, path.split('?').next().unwrap()) {
        Ok((route, _)) => hsrc_testkit::schema::response_schema(doc, method, route.path, r.status)
            .unwrap_or_else(|| panic!("{method} {} {} is documented", route.path, r.status)),
        Err(_) => error_model,
    };
    if let Err(e) = hsrc_testkit::schema::validate(doc, schema, &r.json) {
        panic!("{method} {path} → {} does not match the document: {e}\n{}", r.status, r.text);
    }
    assert!(r.header("request-id").is_some(), "{method} {path} has a request-id");
}

#[test]
fn the_served_document_lists_every_route_and_live_responses_match_it() {
    let api = Api::from_env();
    let doc = api.payer_get("/v1/openapi.json").expect(200);
    assert_eq!(doc["openapi"], "3.1.0");
    for r in hsrc_edge::routing::ROUTES {
        let m = r.method.as_str().to_ascii_lowercase();
        assert!(doc["paths"][r.path][&m].is_object(), "{m} {} is in the served document", r.path);
    }
    let documented: usize = doc["paths"].as_object().unwrap().values().map(|p| p.as_object().unwrap().len()).sum();
    assert_eq!(documented, hsrc_edge::routing::ROUTES.len(), "the document has exactly the routed operations");

    let s = Checkout::create_session(
        &api,
        json!({ "metadata": { "order_id": "o1" }, "public_metadata_keys": ["order_id"] }),
    );
    let (t, id, pid) = (s.token, s.id, s.payment_id);
    let check = |method: &str, path: &str, r: Resp| {
        conforms(&doc, method, path, &r);
        r
    };
    check("GET", &format!("/v1/checkout-sessions/{}", id), api.get(&format!("/v1/checkout-sessions/{}", id)));
    check("GET", "/v1/checkout-sessions?limit=3", api.get("/v1/checkout-sessions?limit=3"));
    check(
        "GET",
        &format!("/v1/checkout-sessions/token/{t}"),
        api.payer_get(&format!("/v1/checkout-sessions/token/{t}")),
    );
    let path = format!("/v1/checkout-sessions/token/{t}/confirm");
    check("POST", &path, api.confirm(&t, cards::DECLINED));
    check("POST", &path, api.confirm(&t, cards::SUCCESS));
    check("GET", &format!("/v1/payments/{}", pid), api.get(&format!("/v1/payments/{}", pid)));
    check("GET", "/v1/payments?limit=3", api.get("/v1/payments?limit=3"));
    check("GET", "/v1/events?limit=3", api.get("/v1/events?limit=3"));
    check("GET", "/v1/health", api.payer_get("/v1/health"));
    check("GET", "/v1/payments/pay_missing", api.get("/v1/payments/pay_missing"));
    check("GET", "/v1/nope", api.get("/v1/nope"));
    check("POST", &path, api.confirm(&t, cards::SUCCESS));
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
    for file in worker_state::scanned_files() {
        let text = String::from_utf8_lossy(&std::fs::read(&file).unwrap_or_default()).into_owned();
        assert!(!text.contains(&new) && !text.contains(&newest), "a rolled key was found in {}", file.display());
    }
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
    let t = Checkout::create_session(&api, json!({})).token;
    let path = format!("/v1/checkout-sessions/token/{t}/confirm");
    let r = until_limited(3 * confirm_limit as usize, || api.payer_post(&path, json!({}))).expect("a 429 on confirm");
    rate_limited(r, confirm_window);
    rate_limited(api.confirm(&t, cards::SUCCESS), confirm_window);

    let (lookup_limit, lookup_window, _) = hsrc_edge::platform::LimitBucket::Payer.spec();
    let t2 = Checkout::create_session(&api, json!({})).token;
    let view = format!("/v1/checkout-sessions/token/{t2}");
    let r = until_limited(3 * lookup_limit as usize, || api.payer_get(&view)).expect("a 429 on lookup");
    rate_limited(r, lookup_window);
    // Other sessions keep their own budget.
    let t3 = Checkout::create_session(&api, json!({})).token;
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

// ---------------------------------------------------------------------------------------------------------------
// Secrets at rest and in logs

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
    let files = worker_state::scanned_files();
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
