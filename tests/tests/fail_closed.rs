//! A Worker started as a deployment runs it (no development marker, no DATA_KEY: scripts/test.sh starts this
//! second one) refuses every request with 503 `configuration_error`, says why in its log once, sends HSTS, and
//! serves no demo.

use serde_json::Value;

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: run through scripts/test.sh"))
}

fn get(base: &str, path: &str, key: Option<&str>) -> (u16, Option<String>, String) {
    let agent = hsrc_testkit::http::agent();
    let mut req = agent.get(format!("{base}{path}"));
    if let Some(k) = key {
        req = req.header("authorization", format!("Bearer {k}"));
    }
    let mut resp = req.call().unwrap_or_else(|e| panic!("GET {path}: {e}"));
    let hsts = resp.headers().get("strict-transport-security").and_then(|v| v.to_str().ok()).map(str::to_string);
    (resp.status().as_u16(), hsts, resp.body_mut().read_to_string().unwrap_or_default())
}

#[test]
fn without_the_development_marker_and_data_key_every_request_is_refused() {
    let base = env("HSRC_PROD_BASE_URL");
    let sk = env("HSRC_SECRET_KEY");
    for (path, key) in [
        ("/v1/health", None),
        ("/v1/checkout-sessions", Some(sk.as_str())),
        ("/v1/openapi.json", None),
        ("/checkout/hosted", None),
        ("/demo", None),
        ("/v1/checkout-sessions/token/cst_x", None),
    ] {
        let (status, hsts, body) = get(&base, path, key);
        assert_eq!(status, 503, "{path}: {body}");
        let json: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
        assert_eq!(json["error"]["code"], "configuration_error", "{path}: {body}");
        assert_eq!(json["error"]["type"], "api_error");
        assert!(!body.contains("DATA_KEY") && !body.contains("prod-like"), "the answer names no secret: {body}");
        assert!(hsts.is_some_and(|h| h.contains("max-age=")), "{path}: HSTS outside development");
    }
    // The operator's log says why, once.
    let log = std::fs::read_to_string(env("HSRC_PROD_WORKER_LOG")).unwrap_or_default();
    let said = log.lines().filter(|l| l.contains("refusing every request")).count();
    assert_eq!(said, 1, "logged once: {log}");
    assert!(log.contains("DATA_KEY is not set"));
    assert!(!log.contains("prod-like-fingerprint-key"), "the log never holds a key");
}
