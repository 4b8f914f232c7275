//! The payments engine end to end against the local Worker (workerd, local D1/KV): every row of the sandbox card
//! table, secure mode, capture/void, expiry, payer retry, 50 racing confirms, and a scan of storage and logs for
//! card data.

use hsrc_e2e::{cards, Api};
use serde_json::{json, Value};
use std::time::Duration;

fn token(s: &Value) -> &str {
    s["token"].as_str().unwrap()
}

fn pid(s: &Value) -> &str {
    s["payment_id"].as_str().unwrap()
}

fn challenge_id(confirm: &Value) -> String {
    let url =
        confirm["confirmResult"]["paymentNextAction"]["redirect_user_to_url"]["url"].as_str().expect("a 3DS redirect");
    url.rsplit('/').next().unwrap().to_string()
}

fn complete_challenge(api: &Api, id: &str, result: &str) -> Value {
    api.payer_post(&format!("/v1/3ds/{id}/complete"), json!({ "result": result })).expect(200)
}

fn charges(p: &Value) -> Vec<(String, String)> {
    p["charges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["provider"].as_str().unwrap().into(), c["status"].as_str().unwrap().into()))
        .collect()
}

/// Waits (firing the cron now and then) until the session leaves PROCESSING.
fn settle(api: &Api, t: &str) -> Value {
    api.wait_for("the async outcome", Duration::from_secs(20), || {
        api.fire_cron();
        let v = api.payer_view(t);
        (v["status"] != "PROCESSING").then_some(v)
    })
}

#[test]
fn success_and_decline_rows_of_the_card_table() {
    let api = Api::from_env();
    for card in [cards::SUCCESS, cards::SUCCESS_MASTERCARD] {
        let s = api.create_session(json!({}));
        assert_eq!(api.confirm(token(&s), card).expect(200)["checkout_session"]["status"], "COMPLETED");
        let p = api.payment(pid(&s));
        assert_eq!(p["status"], "SUCCEEDED");
        assert_eq!(charges(&p), [("sandbox_primary".into(), "succeeded".into())]);
    }
    for (card, code) in [
        (cards::DECLINED, "card_declined"),
        (cards::INSUFFICIENT_FUNDS, "insufficient_funds"),
        (cards::EXPIRED, "expired_card"),
        (cards::INCORRECT_CVC, "incorrect_cvc"),
    ] {
        let s = api.create_session(json!({}));
        let r = api.confirm(token(&s), card).expect(200);
        assert_eq!(r["checkout_session"]["status"], "PENDING");
        let p = api.payment(pid(&s));
        assert_eq!(p["status"], "REQUIRES_PAYMENT_METHOD");
        assert_eq!(p["charges"][0]["decline_code"], code);
        assert_eq!(p["charges"][0]["status"], "declined");
        assert!(p["charges"][0]["message"].is_string());
    }
}

#[test]
fn three_ds_pass_and_fail_inside_the_checkout() {
    let api = Api::from_env();
    let s = api.create_session(json!({}));
    let r = api.confirm(token(&s), cards::THREE_DS).expect(200);
    assert_eq!(r["confirmResult"]["payment"]["status"], "REQUIRES_ACTION");
    let url = r["confirmResult"]["paymentNextAction"]["redirect_user_to_url"]["url"].as_str().unwrap();
    assert!(url.starts_with(&format!("{}/checkout/3ds/", api.base)), "the challenge is served by the edge: {url}");
    assert_eq!(complete_challenge(&api, &challenge_id(&r), "pass")["challenge"]["status"], "passed");
    assert_eq!(api.payer_view(token(&s))["status"], "COMPLETED");
    assert_eq!(api.payment(pid(&s))["status"], "SUCCEEDED");

    let s = api.create_session(json!({}));
    let r = api.confirm(token(&s), cards::THREE_DS).expect(200);
    complete_challenge(&api, &challenge_id(&r), "fail");
    let v = api.payer_view(token(&s));
    assert_eq!(
        (v["status"].as_str(), v["payment"]["status"].as_str()),
        (Some("PENDING"), Some("REQUIRES_PAYMENT_METHOD"))
    );
}

#[test]
fn secure_mode_forces_the_challenge_for_every_card() {
    let api = Api::from_env();
    let s = api.create_session(json!({ "secure_mode": true }));
    let r = api.confirm(token(&s), cards::SUCCESS).expect(200);
    assert_eq!(r["confirmResult"]["payment"]["status"], "REQUIRES_ACTION");
    complete_challenge(&api, &challenge_id(&r), "pass");
    assert_eq!(api.payment(pid(&s))["status"], "SUCCEEDED");
}

#[test]
fn timeout_cards_resolve_asynchronously() {
    let api = Api::from_env();
    for (card, session_status, payment_status) in [
        (cards::TIMEOUT_THEN_SUCCESS, "COMPLETED", "SUCCEEDED"),
        (cards::TIMEOUT_THEN_DECLINE, "PENDING", "REQUIRES_PAYMENT_METHOD"),
    ] {
        let s = api.create_session(json!({}));
        let r = api.confirm(token(&s), card).expect(200);
        assert_eq!(
            (r["checkout_session"]["status"].as_str(), r["confirmResult"]["payment"]["status"].as_str()),
            (Some("PROCESSING"), Some("PROCESSING"))
        );
        assert_eq!(api.payment(pid(&s))["status"], "PROCESSING");
        let v = settle(&api, token(&s));
        assert_eq!(v["status"], session_status);
        assert_eq!(api.payment(pid(&s))["status"], payment_status);
    }
}

#[test]
fn fallback_and_all_providers_down() {
    let api = Api::from_env();
    let s = api.create_session(json!({}));
    api.confirm(token(&s), cards::PRIMARY_DOWN).expect(200);
    let p = api.payment(pid(&s));
    assert_eq!(p["status"], "SUCCEEDED");
    assert_eq!(
        charges(&p),
        [("sandbox_primary".into(), "failed".into()), ("sandbox_fallback".into(), "succeeded".into())]
    );

    let s = api.create_session(json!({}));
    let r = api.confirm(token(&s), cards::ALL_DOWN).expect(200);
    assert_eq!(r["confirmResult"]["payment"]["last_error"]["code"], "processing_error");
    let p = api.payment(pid(&s));
    assert_eq!(p["status"], "REQUIRES_PAYMENT_METHOD");
    assert_eq!(
        charges(&p),
        [("sandbox_primary".into(), "failed".into()), ("sandbox_fallback".into(), "failed".into())]
    );
}

#[test]
fn payer_retries_until_the_attempt_limit() {
    let api = Api::from_env();
    let s = api.create_session(json!({ "max_attempts": 2 }));
    assert_eq!(api.confirm(token(&s), cards::DECLINED).expect(200)["checkout_session"]["attempts_remaining"], 1);
    let r = api.confirm(token(&s), cards::INSUFFICIENT_FUNDS).expect(200);
    assert_eq!(
        (r["checkout_session"]["status"].as_str(), r["confirmResult"]["payment"]["status"].as_str()),
        (Some("FAILED"), Some("FAILED"))
    );
    api.confirm(token(&s), cards::SUCCESS).expect_error(409, "session_not_open");
}

#[test]
fn manual_capture_and_void() {
    let api = Api::from_env();
    let s = api.create_session(json!({ "capture_method": "manual" }));
    api.confirm(token(&s), cards::SUCCESS).expect(200);
    assert_eq!(api.payment(pid(&s))["status"], "AUTHORIZED");
    let path = format!("/v1/payments/{}/capture", pid(&s));
    let key = format!("cap-{}", pid(&s));
    let a =
        api.send("POST", &path, Some(&api.secret_key), Some(&json!({ "amount": 5000 })), &[("idempotency-key", &key)]);
    let b =
        api.send("POST", &path, Some(&api.secret_key), Some(&json!({ "amount": 5000 })), &[("idempotency-key", &key)]);
    assert_eq!((a.status, b.text.as_str()), (200, a.text.as_str()), "capture is idempotent");
    assert_eq!(a.json["payment"]["amount_captured"], 5000);
    api.post(&path, json!({})).expect_error(409, "state_conflict");

    let s = api.create_session(json!({ "capture_method": "manual" }));
    api.confirm(token(&s), cards::SUCCESS).expect(200);
    assert_eq!(
        api.post(&format!("/v1/payments/{}/void", pid(&s)), json!({})).expect(200)["payment"]["status"],
        "CANCELLED"
    );
    api.post(&format!("/v1/payments/{}/capture", pid(&s)), json!({})).expect_error(409, "state_conflict");
    let listed = api.get("/v1/payments?status=CANCELLED&limit=100").expect(200);
    assert!(listed["data"].as_array().unwrap().iter().any(|p| p["id"] == pid(&s)));
}

#[test]
fn sessions_expire_and_their_tokens_die() {
    let api = Api::from_env();
    let s = api.create_session(json!({ "expires_in": 3 }));
    let v = api.wait_for("expiry", Duration::from_secs(15), || {
        std::thread::sleep(Duration::from_millis(500));
        let v = api.payer_view(token(&s));
        (v["status"] == "EXPIRED").then_some(v)
    });
    assert_eq!(v["payment"]["status"], "CANCELLED");
    api.confirm(token(&s), cards::SUCCESS).expect_error(410, "session_expired");
    api.payer_post(&format!("/v1/checkout-sessions/token/{}/payer", token(&s)), json!({ "name": "Late" }))
        .expect_error(410, "session_expired");

    // The scheduled job expires sessions nobody reads.
    let unread = api.create_session(json!({ "expires_in": 3 }));
    std::thread::sleep(Duration::from_secs(4));
    api.fire_cron();
    let got = api.get(&format!("/v1/checkout-sessions/{}", unread["id"].as_str().unwrap())).expect(200);
    assert_eq!(got["checkout_session"]["status"], "EXPIRED");
}

#[test]
fn fifty_racing_confirms_charge_exactly_once() {
    let api = std::sync::Arc::new(Api::from_env());
    let s = api.create_session(json!({}));
    let t = token(&s).to_string();
    let handles: Vec<_> = (0..50)
        .map(|_| {
            let api = api.clone();
            let t = t.clone();
            std::thread::spawn(move || api.confirm(&t, cards::SUCCESS).status)
        })
        .collect();
    let statuses: Vec<u16> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 200 || *s == 409), "{statuses:?}");
    let p = api.payment(pid(&s));
    assert_eq!(charges(&p).len(), 1);

    // The system of record agrees: one payment row for the session, one charge, one success event.
    let db = d1_file();
    let conn = rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let count = |sql: &str| -> i64 { conn.query_row(sql, [pid(&s)], |r| r.get(0)).unwrap() };
    assert_eq!(count("SELECT COUNT(*) FROM payments WHERE id = ?1"), 1);
    assert_eq!(count("SELECT COUNT(*) FROM charges WHERE payment_id = ?1"), 1);
    assert_eq!(count("SELECT COUNT(*) FROM events WHERE payment_id = ?1 AND type = 'payment.succeeded'"), 1);
}

/// The local D1 database file that wrangler dev writes (under the run's persist directory).
fn d1_file() -> std::path::PathBuf {
    let state = std::env::var("HSRC_STATE_DIR").expect("HSRC_STATE_DIR is set by scripts/test.sh");
    files_under(std::path::Path::new(&state))
        .into_iter()
        .find(|p| {
            p.to_string_lossy().contains("D1DatabaseObject")
                && p.extension().is_some_and(|e| e == "sqlite")
                && !p.ends_with("metadata.sqlite")
        })
        .expect("the local D1 sqlite file")
}

fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(files_under(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[test]
fn no_card_number_or_cvc_reaches_d1_kv_or_logs() {
    let api = Api::from_env();
    let all = [
        cards::SUCCESS,
        cards::SUCCESS_MASTERCARD,
        cards::DECLINED,
        cards::INSUFFICIENT_FUNDS,
        cards::EXPIRED,
        cards::INCORRECT_CVC,
        cards::THREE_DS,
        cards::TIMEOUT_THEN_SUCCESS,
        cards::TIMEOUT_THEN_DECLINE,
        cards::PRIMARY_DOWN,
        cards::ALL_DOWN,
    ];
    let unique_cvc = "739";
    for card in all {
        let s = api.create_session(json!({}));
        let mut body = hsrc_e2e::confirm_body(card);
        body["payment_method"]["card"]["cvc"] = json!(unique_cvc);
        let r = api.payer_post(&format!("/v1/checkout-sessions/token/{}/confirm", token(&s)), body).expect(200);
        if r["confirmResult"]["payment"]["status"] == "REQUIRES_ACTION" {
            complete_challenge(&api, &challenge_id(&r), "pass");
        }
        // Views go through the KV cache.
        api.payer_view(token(&s));
    }
    // Everything wrangler persisted (D1 database and WAL, KV blobs, queue state) and the Worker's log.
    let state = std::env::var("HSRC_STATE_DIR").unwrap();
    // Miniflare's local trace store (`v3/observability`, a wrangler dev tool that records request URLs and D1
    // spans) is not our storage and does not exist on Cloudflare; every product store and our log are scanned.
    let mut scanned: Vec<_> = files_under(std::path::Path::new(&state))
        .into_iter()
        .filter(|p| !p.to_string_lossy().contains("/observability/"))
        .collect();
    scanned.push(std::env::var("HSRC_WORKER_LOG").expect("HSRC_WORKER_LOG is set by scripts/test.sh").into());
    assert!(scanned.len() > 2, "storage files were found to scan");
    for file in &scanned {
        let bytes = std::fs::read(file).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        for card in all {
            assert!(!text.contains(card), "a card number was found in {}", file.display());
        }
        assert!(!text.contains(&format!("\"cvc\":\"{unique_cvc}\"")), "a CVC was found in {}", file.display());
        // Secret keys are stored only as hashes and never logged.
        assert!(!text.contains(&api.secret_key), "the secret key was found in {}", file.display());
        // Our structured log lines (JSON) never carry a payer token or a webhook secret (D1 holds whsec_ secrets,
        // which signing needs; logs never do). wrangler's own dev access log prints URLs.
        for line in text.lines().filter(|l| l.starts_with('{')) {
            assert!(!line.contains("cst_"), "a session token was logged: {line}");
            assert!(!line.contains("whsec_"), "a webhook secret was logged: {line}");
        }
    }
}
