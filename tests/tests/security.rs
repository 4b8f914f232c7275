//! Live-readiness security (issue 14) against the local development Worker: no card data in any form (serde
//! errors, free text, idempotency rows, replays), tokens that die, card testing per merchant and per client,
//! unauthenticated writes bounded, API key list/revoke/undo, headers, and a streaming body cap. The refusing
//! non-development Worker is tested in `fail_closed.rs`.

use hsrc_e2e::{cards, confirm_body, worker_state, Api, Resp};
use hsrc_testkit::fields::token;
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::time::Duration;

/// Luhn-valid numbers that no other test uses, so finding them anywhere means this file's attacks leaked them.
const PAN_AS_NUMBER: &str = "5200828282828210";
const PAN_IN_TEXT: &str = "4000056655665556";
const PAN_IN_TEXT_SPACED: &str = "4000 0566 5566 5556";
const PAN_IN_KEY: &str = "6011000990139424";

fn key(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: run through scripts/test.sh"))
}

fn session_with(api: &Api, sk: &str, extra: Value) -> Value {
    let mut body = json!({ "amount": 12500, "currency": "TRY" });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    api.send("POST", "/v1/checkout-sessions", Some(sk), Some(&body), &[]).expect(200)["checkout_session"].clone()
}

fn confirm_from(api: &Api, token: &str, number: &str, ip: &str) -> Resp {
    let path = format!("/v1/checkout-sessions/token/{token}/confirm");
    api.send("POST", &path, None, Some(&confirm_body(number)), &[("cf-connecting-ip", ip)])
}

fn count(sql: &str, param: &str) -> i64 {
    worker_state::d1().query_row(sql, [param], |r| r.get(0)).unwrap()
}

#[track_caller]
fn no_digits_of(text: &str, pan: &str) {
    assert!(!text.contains(pan), "the card number was echoed: {text}");
    assert!(!text.contains(&pan[..12]), "part of the card number was echoed: {text}");
}

// ---------------------------------------------------------------------------------------------------------------
// 2. No card data in any form

#[test]
fn a_card_number_sent_as_a_json_number_is_never_echoed_nor_replayed_with_it() {
    let api = Api::from_env();
    let t = token(&api.create_session(json!({})));
    let mut body = confirm_body(cards::SUCCESS);
    body["payment_method"]["card"]["number"] = serde_json::from_str(PAN_AS_NUMBER).unwrap();
    let path = format!("/v1/checkout-sessions/token/{t}/confirm");
    let headers = [("idempotency-key", "sec-json-number-1")];
    let first = api.send("POST", &path, None, Some(&body), &headers);
    no_digits_of(&first.text, PAN_AS_NUMBER);
    let b = first.expect_error(400, "parameter_invalid");
    assert_eq!(b["error"]["param"], "payment_method[card][number]");
    // The retry gets the same answer, still without the number.
    let again = api.send("POST", &path, None, Some(&body), &headers);
    no_digits_of(&again.text, PAN_AS_NUMBER);
    assert_eq!(again.json, b);
    // Nor in an unknown field's name.
    let mut body = confirm_body(cards::SUCCESS);
    body["payment_method"]["card"][PAN_IN_KEY] = json!(1);
    let r = api.payer_post(&path, body);
    no_digits_of(&r.text, PAN_IN_KEY);
    r.expect_error(400, "parameter_unknown");
}

#[test]
fn every_free_text_input_refuses_a_card_number() {
    let api = Api::from_env();
    let fields = json!([{ "key": "note", "label": "Note", "type": "text" }]);
    let s = api.create_session(json!({ "custom_fields": fields }));
    let payer = format!("/v1/checkout-sessions/token/{}/payer", token(&s));
    let attempts = [
        (json!({ "custom_fields": { "note": PAN_IN_TEXT_SPACED } }), "payer[custom_fields][note]"),
        (
            json!({ "custom_fields": { "note": format!("card {}", PAN_IN_TEXT.replace("5665", "5665-")) } }),
            "payer[custom_fields][note]",
        ),
        (json!({ "name": PAN_IN_TEXT }), "payer[name]"),
        (
            json!({ "billing_address": { "line1": PAN_IN_TEXT_SPACED, "city": "İstanbul", "postal_code": "34000", "country": "TR" } }),
            "payer[billing_address][line1]",
        ),
    ];
    for (body, param) in attempts {
        let r = api.payer_post(&payer, body);
        no_digits_of(&r.text, PAN_IN_TEXT);
        assert_eq!(r.expect_error(400, "parameter_invalid")["error"]["param"], param);
    }
    // Ordinary text with numbers is fine.
    api.payer_post(&payer, json!({ "custom_fields": { "note": "Kapı 12, daire 4, sipariş 2026-1201" } })).expect(200);
    // The merchant's free text too: metadata values and keys, custom field labels, webhook descriptions.
    let merchant = [
        (json!({ "amount": 100, "currency": "TRY", "metadata": { "note": PAN_IN_TEXT_SPACED } }), "metadata[note]"),
        (json!({ "amount": 100, "currency": "TRY", "metadata": { PAN_IN_TEXT: "x" } }), "metadata"),
        (
            json!({ "amount": 100, "currency": "TRY", "custom_fields": [{ "key": "k", "label": PAN_IN_TEXT, "type": "text" }] }),
            "custom_fields[0][label]",
        ),
    ];
    for (body, param) in merchant {
        let r = api.post("/v1/checkout-sessions", body);
        no_digits_of(&r.text, PAN_IN_TEXT);
        assert_eq!(r.expect_error(400, "parameter_invalid")["error"]["param"], param);
    }
    let r = api.post(
        "/v1/webhook-endpoints",
        json!({ "url": "https://hooks.merchant.example/x", "description": PAN_IN_TEXT }),
    );
    no_digits_of(&r.text, PAN_IN_TEXT);
    assert_eq!(r.expect_error(400, "parameter_invalid")["error"]["param"], "description");
}

#[test]
fn idempotency_rows_hold_a_keyed_fingerprint_and_never_card_data() {
    let api = Api::from_env();
    let t = token(&api.create_session(json!({})));
    let path = format!("/v1/checkout-sessions/token/{t}/confirm");
    let mut body = confirm_body(cards::SUCCESS);
    body["payment_method"]["card"]["cvc"] = json!("862");
    let first = api.send("POST", &path, None, Some(&body), &[("idempotency-key", "sec-idem-fp")]).expect(200);
    let again = api.send("POST", &path, None, Some(&body), &[("idempotency-key", "sec-idem-fp")]);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.json, first);
    let conn = worker_state::d1();
    let mut st = conn.prepare("SELECT scope, request_hash, COALESCE(response_body, '') FROM idempotency_keys").unwrap();
    let rows: Vec<(String, String, String)> =
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect();
    assert!(!rows.is_empty());
    for (scope, hash, body) in &rows {
        assert!(hash.starts_with("hmac:"), "{scope}: not a keyed fingerprint: {hash}");
        assert!(body.is_empty() || body.starts_with("sealed:v2:"), "{scope}: replay not sealed with a key id");
        for pan in [cards::SUCCESS, PAN_AS_NUMBER, PAN_IN_TEXT, PAN_IN_KEY] {
            assert!(!body.contains(pan) && !hash.contains(pan));
        }
    }
    // The whole local state and the Worker log: none of this file's card numbers, in any spelling.
    for file in worker_state::scanned_files() {
        let text = String::from_utf8_lossy(&std::fs::read(&file).unwrap_or_default()).into_owned();
        for pan in [PAN_AS_NUMBER, PAN_IN_TEXT, PAN_IN_TEXT_SPACED, PAN_IN_KEY] {
            assert!(!text.contains(pan), "{pan} was found in {}", file.display());
        }
        assert!(!text.contains("\"cvc\":\"862\""), "the CVC was found in {}", file.display());
    }
}

#[test]
fn responses_with_a_secret_are_not_kept_for_replay() {
    let api = Api::from_env();
    let headers = [("idempotency-key", "sec-endpoint-secret")];
    let body = json!({ "url": "https://hooks.merchant.example/sec" });
    let created = api.send("POST", "/v1/webhook-endpoints", Some(&api.secret_key), Some(&body), &headers).expect(200);
    let secret = created["webhook_endpoint"]["secret"].as_str().unwrap().to_string();
    let retry = api.send("POST", "/v1/webhook-endpoints", Some(&api.secret_key), Some(&body), &headers);
    assert!(!retry.text.contains(&secret));
    retry.expect_error(409, "idempotency_replay_unavailable");
    assert_eq!(
        count(
            "SELECT COUNT(*) FROM idempotency_keys WHERE key = ?1 AND state = 'unavailable' AND response_body IS NULL",
            "sec-endpoint-secret"
        ),
        1
    );
}

// ---------------------------------------------------------------------------------------------------------------
// 3. Tokens that die

#[test]
fn a_token_answers_410_with_no_payer_data_after_its_grace() {
    let api = Api::from_env();
    let grace_ms: u64 = key("HSRC_TOKEN_GRACE_MS").parse().unwrap();
    let s = api.create_session(json!({ "customer": { "email": "kept-private@example.com" } }));
    let t = token(&s);
    assert_eq!(api.payer_view(&t)["customer"]["email"], "kept-private@example.com");
    api.confirm(&t, cards::SUCCESS).expect(200);
    // The result screen still works, but shows no payer details any more.
    let view = api.payer_view(&t);
    assert_eq!(view["status"], "COMPLETED");
    assert!(view.get("payer").is_none_or(Value::is_null) && view.get("customer").is_none_or(Value::is_null), "{view}");
    std::thread::sleep(Duration::from_millis(grace_ms + 1500));
    let gone = api.payer_get(&format!("/v1/checkout-sessions/token/{t}"));
    assert!(!gone.text.contains("kept-private") && !gone.text.contains("ayse@"), "{}", gone.text);
    let b = gone.expect_error(410, "token_expired");
    assert_eq!(b.as_object().unwrap().len(), 1, "a minimal body: {b}");
}

// ---------------------------------------------------------------------------------------------------------------
// 4. Card testing per merchant and per client

#[test]
fn a_card_testing_run_with_a_new_session_and_address_per_attempt_trips_the_merchant_breaker() {
    let api = Api::from_env();
    let sk = key("HSRC_CARDTEST_SECRET_KEY");
    let declining = [cards::DECLINED, cards::INSUFFICIENT_FUNDS, cards::EXPIRED];
    let mut stopped_at = None;
    for i in 0..24 {
        let s = session_with(&api, &sk, json!({}));
        let ip = format!("203.0.113.{}", i + 1);
        let r = confirm_from(&api, &token(&s), declining[i % 3], &ip);
        if r.status == 402 && r.json["error"]["decline_code"] == "card_velocity_exceeded" {
            stopped_at = Some(i);
            break;
        }
        assert_eq!(r.status, 200, "{}", r.text);
    }
    // No card was declined 10 times yet (per-card limit) and every session is new (per-session limit): the
    // merchant's breaker stopped it.
    let at = stopped_at.expect("the run was never stopped");
    assert!(at <= 16, "stopped only after {at} attempts");
    // A real card on a new session is paused too, for the cool-down.
    let s = session_with(&api, &sk, json!({}));
    let r = confirm_from(&api, &token(&s), cards::SUCCESS, "198.51.100.200");
    assert_eq!(r.expect_error(402, "card_declined")["error"]["decline_code"], "card_velocity_exceeded");
    // The ops console shows it.
    let ops = api.send("GET", "/v1/ops/search?limit=1", Some(&sk), None, &[]).expect(200);
    let pause = &ops["card_testing"];
    assert!(pause["until_ms"].as_i64().unwrap() > pause["tripped_at_ms"].as_i64().unwrap(), "{ops}");
    assert!(pause["declined_sessions"].as_i64().unwrap() >= 15);
}

#[test]
fn confirms_from_one_client_address_are_limited_across_sessions() {
    let api = Api::from_env();
    let sk = key("HSRC_CLIENTTEST_SECRET_KEY");
    let ip = "198.51.100.23";
    // 20 confirms a minute per address, counted in wall-clock windows: start where the whole run fits in one.
    hsrc_e2e::start_in_fresh_window(60, 25);
    let mut limited = None;
    for i in 0..30 {
        let s = session_with(&api, &sk, json!({}));
        let r = confirm_from(&api, &token(&s), cards::SUCCESS, ip);
        if r.status == 429 {
            limited = Some((i, r));
            break;
        }
        r.expect(200);
    }
    let (i, r) = limited.expect("one client address was never limited");
    assert!(i <= 20, "limited only after {i} confirms");
    assert!(r.header("retry-after").is_some());
    r.expect_error(429, "rate_limited");
    // Another address is not affected.
    let s = session_with(&api, &sk, json!({}));
    confirm_from(&api, &token(&s), cards::SUCCESS, "198.51.100.24").expect(200);
}

// ---------------------------------------------------------------------------------------------------------------
// 5. Unauthenticated writes are bounded

#[test]
fn made_up_tokens_and_challenge_ids_get_no_idempotency_row() {
    let api = Api::from_env();
    let fake = "cst_madeupmadeupmadeupmadeupmadeupmadeupmadeup";
    let r = api.send(
        "POST",
        &format!("/v1/checkout-sessions/token/{fake}/confirm"),
        None,
        Some(&confirm_body(cards::SUCCESS)),
        &[("idempotency-key", "sec-fake-token")],
    );
    r.expect_error(404, "token_invalid");
    let r = api.send(
        "POST",
        "/v1/3ds/chl_madeup/complete",
        None,
        Some(&json!({ "result": "pass" })),
        &[("idempotency-key", "sec-fake-chl")],
    );
    r.expect_error(404, "resource_missing");
    assert_eq!(count("SELECT COUNT(*) FROM idempotency_keys WHERE key LIKE ?1", "sec-fake-%"), 0);
}

#[test]
fn the_3ds_routes_have_a_rate_limit_bucket() {
    let api = Api::from_env();
    // 30 a minute per challenge id, counted in wall-clock windows (see `start_in_fresh_window`).
    hsrc_e2e::start_in_fresh_window(60, 15);
    let mut limited = None;
    for i in 0..40 {
        let r = api.payer_get("/v1/3ds/chl_sec_bucket_probe");
        if r.status == 429 {
            limited = Some((i, r));
            break;
        }
        r.expect_error(404, "resource_missing");
    }
    let (i, r) = limited.expect("the challenge route was never limited");
    assert!(i <= 30, "limited after {i}");
    r.expect_error(429, "rate_limited");
}

// ---------------------------------------------------------------------------------------------------------------
// 6. Keys

#[test]
fn keys_are_listed_without_secrets_revoked_and_a_roll_undone() {
    let api = Api::from_env();
    let old = key("HSRC_KEYS_SECRET_KEY");
    let send = |k: &str, m: &str, p: &str, b: Option<Value>| api.send(m, p, Some(k), b.as_ref(), &[]);
    let list = send(&old, "GET", "/v1/api-keys", None).expect(200);
    assert!(!list.to_string().contains(&old) && !list.to_string().contains("key_hash"));
    let keys = list["data"].as_array().unwrap();
    let me = keys.iter().find(|k| k["current"] == true).expect("the calling key is listed");
    assert_eq!((me["kind"].as_str(), me["status"].as_str()), (Some("secret"), Some("active")));
    assert!(keys.iter().any(|k| k["kind"] == "publishable"));
    let my_id = me["id"].as_str().unwrap().to_string();
    // A key cannot revoke itself; grace periods are capped at 7 days.
    send(&old, "POST", &format!("/v1/api-keys/{my_id}/revoke"), Some(json!({})))
        .expect_error(400, "api_key_self_revoke");
    send(&old, "POST", "/v1/api-keys/roll", Some(json!({ "expires_in": 8 * 24 * 3600 })))
        .expect_error(400, "parameter_invalid");
    // A roll made with a leaked key is undone by revoking the key it made: the old key works on, with no end.
    let rolled = send(&old, "POST", "/v1/api-keys/roll", Some(json!({ "expires_in": 3600 }))).expect(200);
    let new_id = rolled["api_key"]["id"].as_str().unwrap().to_string();
    let new = rolled["api_key"]["secret"].as_str().unwrap().to_string();
    let revoked = send(&old, "POST", &format!("/v1/api-keys/{new_id}/revoke"), Some(json!({}))).expect(200);
    assert_eq!(revoked["api_key"]["status"], "revoked");
    send(&new, "GET", "/v1/api-keys", None).expect_error(401, "api_key_invalid");
    let list = send(&old, "GET", "/v1/api-keys", None).expect(200);
    let me = list["data"].as_array().unwrap().iter().find(|k| k["id"] == my_id.as_str()).unwrap().clone();
    assert_eq!(me["status"], "active", "{me}");
    assert!(me["expires_at"].is_null() && me["last_used_at"].is_i64());
    // The merchant can roll again now; another merchant's key id is not found.
    let other = key("HSRC_GUARD_SECRET_KEY");
    send(&other, "POST", &format!("/v1/api-keys/{my_id}/revoke"), Some(json!({})))
        .expect_error(404, "resource_missing");
}

// ---------------------------------------------------------------------------------------------------------------
// 9. Headers and the body cap

#[test]
fn pages_isolate_their_window_and_limit_browser_features() {
    let api = Api::from_env();
    for (path, payment) in [("/checkout/hosted", "payment=(self)"), ("/ops", "payment=()"), ("/demo", "payment=()")] {
        let r = api.send("GET", path, None, None, &[]);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("cross-origin-opener-policy"), Some("same-origin"), "{path}");
        let pp = r.header("permissions-policy").unwrap_or_default();
        assert!(pp.contains(payment) && pp.contains("camera=()"), "{path}: {pp}");
        // A development instance is plain HTTP on loopback: no HSTS here (the other Worker sends it).
        assert!(r.header("strict-transport-security").is_none());
        if path == "/checkout/hosted" {
            assert!(
                r.text.contains(r#"<meta name="referrer" content="no-referrer">"#),
                "the shell agrees with the header"
            );
            assert_eq!(r.header("referrer-policy"), Some("no-referrer"));
        }
    }
}

#[test]
fn a_chunked_body_over_the_cap_is_refused_while_streaming() {
    let api = Api::from_env();
    // A raw socket bypasses the kit's client, so it waits out a burst on the shared key itself (at most 3 times).
    let mut answer = chunked_upload(&api);
    for _ in 0..3 {
        if !answer.starts_with("HTTP/1.1 429") {
            break;
        }
        std::thread::sleep(Duration::from_secs(5));
        answer = chunked_upload(&api);
    }
    assert!(answer.starts_with("HTTP/1.1 413"), "{}", answer.lines().next().unwrap_or_default());
    assert!(answer.contains("body_too_large"));
}

/// POSTs 80 KB of chunked body, never announced by a Content-Length, and returns the raw answer.
fn chunked_upload(api: &Api) -> String {
    let addr = api.base.trim_start_matches("http://").to_string();
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let head = format!(
        "POST /v1/checkout-sessions HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        api.secret_key
    );
    stream.write_all(head.as_bytes()).unwrap();
    let chunk = vec![b' '; 8 * 1024];
    for _ in 0..10 {
        // 80 KB in all, never announced by a Content-Length.
        if stream.write_all(format!("{:x}\r\n", chunk.len()).as_bytes()).is_err()
            || stream.write_all(&chunk).is_err()
            || stream.write_all(b"\r\n").is_err()
        {
            break;
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n");
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
}
