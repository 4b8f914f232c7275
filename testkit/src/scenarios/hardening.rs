//! Attacks a client can make, and what the edge answers: redirect-URL tricks, SSRF through live webhook URLs,
//! framing/CSP/CORS headers on every page kind, key kinds and merchant isolation, live/test separation, token
//! lifetime, card testing and input limits. Every refusal names its status and error code. Each scenario runs
//! natively and against the local Worker; attacks that lock a card use `Merchant::Other`.

use crate::cards;
use crate::checkout::{challenge_id, confirm_body, Checkout, Merchant, Request, Response};
use hsrc_shared::api::{Payment, PaymentEnvelope, SessionEnvelope};
use hsrc_shared::lifecycle::SessionStatus;
use serde_json::{json, Value};

/// URLs that must never be accepted as `url`, `return_url` or `cancel_url` for a merchant allowed
/// `merchant.example` and `*.merchant.example`.
pub const URL_ATTACKS: &[&str] = &[
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "JaVaScRiPt:alert(document.domain)",
    " javascript:alert(1)",
    "  javascript:alert(1)",
    "java\tscript:alert(1)",
    "jav&#x09;ascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "DATA:text/html;base64,PHNjcmlwdD4=",
    "DaTa:text/html;base64,PHNjcmlwdD4=",
    "vbscript:msgbox(1)",
    "VBScript:msgbox(1)",
    "VBSCRIPT:msgbox(1)",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "\\/evil.example/",
    "\\\\evil.example/",
    "https:evil.example",
    "https:/evil.example",
    "https:\\\\evil.example",
    "https://merchant.example@evil.example/",
    "https://merchant.example:443@evil.example/",
    "https://user:pass@merchant.example/",
    "https://user@merchant.example/",
    "https://merchant.example.evil/",
    "https://merchant.example.evil.example/",
    "https://MERCHANT.example.evil/",
    "https://evilmerchant.example/",
    "https://notmerchant.example/",
    "https://merchant.example\\@evil.example/",
    "https://merchant.example\\evil.example/",
    "https://evil.example\\.merchant.example/",
    "https://evil.example/\\merchant.example/",
    "https://merchant.example /x",
    "https://merchant.example /",
    "https://merchant.example/\n/evil",
    "https://merchant.example/\t/x",
    "https://merchant.example/\r\nSet-Cookie:x=1",
    "https://merchant.example/\r\nLocation: https://evil.example",
    "https://merchant.example/\u{0000}",
    "\u{0001}https://merchant.example/",
    "\u{0008}https://merchant.example/",
    "https://merchant.example/\u{202e}",
    "https://merchant.example%2eevil.example/",
    "https://%6d%65rchant.example/",
    "https://%6D%65rchant.example/",
    "https://merchant%2Eexample/",
    "https://merchant.example/%2f%2fevil.example",
    "https://merchant.example/%5c%5cevil.example",
    "https://evil.example%2f.merchant.example/",
    "https://evil.example%23.merchant.example/",
    "https://mеrchant.example/",
    "https://merchant.еxample/",
    "https://merchant.examplе/",
    "https://xn--mrchant-3ng.example/",
    "https://ⅿerchant.example/",
    "https://merchant。example/",
    "http://merchant.example/",
    "ftp://merchant.example/",
    "file:///etc/passwd",
    "https://127.0.0.1.nip.io/",
    "https://0x7f000001/",
    "https://0x7f.0.0.1/",
    "https:///merchant.example",
    "",
    " ",
    "   ",
];

/// Webhook targets a live merchant must never be allowed: private, loopback, link-local, metadata, plain HTTP,
/// credentials in the URL.
pub const SSRF_TARGETS: &[&str] = &[
    "https://127.0.0.1/hook",
    "https://127.1.2.3/hook",
    "https://localhost/hook",
    "https://10.0.0.8/hook",
    "https://10.1.2.3/hook",
    "https://172.16.4.4/hook",
    "https://172.31.0.1/hook",
    "https://192.168.0.1/hook",
    "https://192.168.1.10/hook",
    "https://169.254.169.254/latest/meta-data",
    "https://[::1]/hook",
    "https://[fe80::1]/hook",
    "https://[fd00::1]/hook",
    "https://[::ffff:127.0.0.1]/hook",
    "https://[::ffff:10.0.0.1]/hook",
    "https://100.64.0.1/hook",
    "https://0.0.0.0/hook",
    "https://2130706433/hook",
    "https://0177.0.0.1/hook",
    "https://metadata.internal/hook",
    "https://service.internal/hook",
    "http://hooks.example.com/hook",
    "https://user:pw@hooks.example.com/hook",
];

fn create_as(c: &dyn Checkout, key: &str, body: Value) -> Response {
    c.send(Request::new("POST", "/v1/checkout-sessions").key(key).json(body))
}

/// The param of a 400 with this code.
#[track_caller]
fn refused(r: Response, code: &str) -> String {
    let b = r.expect_error(400, code);
    b["error"]["param"].as_str().unwrap_or_default().to_string()
}

pub fn redirect_url_attacks_are_refused_with_the_param_named(c: &dyn Checkout) {
    let long = format!("https://merchant.example/{}", "a".repeat(2100));
    let attacks: Vec<&str> = URL_ATTACKS.iter().copied().chain([long.as_str()]).collect();
    for field in ["url", "return_url", "cancel_url"] {
        for attack in &attacks {
            let r = c.post("/v1/checkout-sessions", json!({ "amount": 12500, "currency": "TRY", field: attack }));
            assert_eq!(refused(r, "url_invalid"), field, "{field} = {attack:?}");
        }
    }
    // The same fields accept what the merchant allowed.
    let body = json!({ "amount": 12500, "currency": "TRY", "url": "https://shop.merchant.example/pay",
        "return_url": "https://merchant.example/r?x=1", "cancel_url": "https://merchant.example/c" });
    let ok: SessionEnvelope = c.post("/v1/checkout-sessions", body).typed(200);
    assert_eq!(ok.checkout_session.url, "https://shop.merchant.example/pay");
}

pub fn live_merchants_cannot_use_plain_http_localhost(c: &dyn Checkout) {
    let live = c.merchant_key(Merchant::Live);
    for url in ["http://localhost:3000/r", "http://127.0.0.1/r"] {
        let r = create_as(c, &live, json!({ "amount": 100, "currency": "TRY", "return_url": url }));
        assert_eq!(refused(r, "url_invalid"), "return_url", "{url}");
    }
}

pub fn live_webhook_endpoints_cannot_target_private_networks(c: &dyn Checkout) {
    let live = c.merchant_key(Merchant::Live);
    for url in SSRF_TARGETS {
        let r = c.send(Request::new("POST", "/v1/webhook-endpoints").key(&live).json(json!({ "url": url })));
        assert_eq!(refused(r, "url_invalid"), "url", "{url}");
    }
}

#[track_caller]
fn strict_page(r: &Response, ancestors: &str) {
    assert_eq!(r.status, 200, "{}", r.text);
    let policy = r.header("content-security-policy").unwrap_or_default();
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
    assert!(r.header("content-type").unwrap_or_default().starts_with("text/html"));
    assert!(r.header("access-control-allow-origin").is_none());
}

pub fn every_page_kind_sends_strict_csp_and_framing_rules(c: &dyn Checkout) {
    let t = c.create_session(json!({})).token;
    let own = c.merchant_origin();
    let get = |p: &str| c.payer_get(p);
    strict_page(&get(&format!("/checkout/embed?token={t}&origin={own}")), &own);
    for forged in [
        "https://evil.example",
        "https://merchant.example.evil.example",
        "https://merchant.example%20https://evil.example",
        "https://merchant.example;%20script-src%20*",
        "https://evil.example%3B%20script-src%20*",
    ] {
        strict_page(&get(&format!("/checkout/embed?token={t}&origin={forged}")), "'none'");
    }
    strict_page(&get(&format!("/checkout/embed?token={t}")), "'none'");
    strict_page(&get(&format!("/checkout/embed?token=cst_forged&origin={own}")), "'none'");
    strict_page(&get(&format!("/checkout/hosted?token={t}")), "'none'");
    strict_page(&get("/checkout/3ds/chl_x"), "'self'");
    strict_page(&get(&format!("/checkout/3ds/chl_x?origin={own}")), "'self'");
    strict_page(&get("/demo"), "'none'");
    strict_page(&get("/ops"), "'none'");
    // The loader is the one public, cross-origin resource.
    let loader = get("/v1/checkout.js");
    assert_eq!(loader.status, 200);
    assert_eq!(loader.header("access-control-allow-origin"), Some("*"));
    assert_eq!(loader.header("x-content-type-options"), Some("nosniff"));
    assert!(loader.header("content-type").unwrap_or_default().contains("javascript"));
}

pub fn the_3ds_page_may_be_framed_by_the_checkout_inside_the_merchants_own_page_only(c: &dyn Checkout) {
    let s = c.create_session(json!({}));
    let id = challenge_id(&c.confirm_ok(&s.token, cards::THREE_DS));
    let own = c.merchant_origin();
    let get = |p: &str| c.payer_get(p);
    strict_page(&get(&format!("/checkout/3ds/{id}?origin={own}")), &format!("'self' {own}"));
    strict_page(&get(&format!("/checkout/3ds/{id}?origin=https://evil.example")), "'self'");
    strict_page(&get(&format!("/checkout/3ds/{id}?origin={own};%20script-src%20*")), "'self'");
    strict_page(&get(&format!("/checkout/3ds/{id}")), "'self'");
}

pub fn a_live_session_never_trusts_loopback_origins_for_framing(c: &dyn Checkout) {
    let live = c.merchant_key(Merchant::Live);
    let created: SessionEnvelope = create_as(c, &live, json!({ "amount": 100, "currency": "TRY" })).typed(200);
    let t = created.checkout_session.token.expect("a created session carries its token");
    strict_page(&c.payer_get(&format!("/checkout/embed?token={t}&origin=http://127.0.0.1:5173")), "'none'");
    strict_page(
        &c.payer_get(&format!("/checkout/embed?token={t}&origin=https://merchant.example")),
        "https://merchant.example",
    );
}

pub fn api_responses_carry_no_cors_and_preflights_are_refused(c: &dyn Checkout) {
    let t = c.create_session(json!({})).token;
    let from_elsewhere = |method: &str, path: &str, key: Option<String>| {
        let mut req = Request::new(method, path)
            .header("origin", "https://evil.example")
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "authorization");
        req.key = key;
        c.send(req)
    };
    let sk = Some(c.secret_key());
    for (path, key) in [
        ("/v1/checkout-sessions".to_string(), sk.clone()),
        ("/v1/payments".into(), sk.clone()),
        ("/v1/events".into(), sk.clone()),
        ("/v1/webhook-endpoints".into(), sk.clone()),
        (format!("/v1/checkout-sessions/token/{t}"), None),
    ] {
        let r = from_elsewhere("GET", &path, key);
        assert_eq!(r.status, 200, "{path}: {}", r.text);
        assert!(
            r.header("access-control-allow-origin").is_none() && r.header("access-control-allow-credentials").is_none(),
            "{path}"
        );
        assert!(r.header("request-id").is_some_and(|id| id.starts_with("req_")), "{path}");
        assert_eq!(r.header("cache-control"), Some("no-store"), "{path}");
    }
    for path in [
        "/v1/checkout-sessions".to_string(),
        "/v1/payments".into(),
        "/v1/payments/pay_1".into(),
        "/v1/api-keys/roll".into(),
        "/v1/webhook-endpoints".into(),
        "/v1/events".into(),
        format!("/v1/checkout-sessions/token/{t}/confirm"),
    ] {
        let r = from_elsewhere("OPTIONS", &path, None);
        assert!(
            r.header("access-control-allow-origin").is_none()
                && r.header("access-control-allow-methods").is_none()
                && r.header("access-control-allow-headers").is_none(),
            "{path}"
        );
        r.expect_error(405, "method_not_allowed");
    }
}

pub fn publishable_keys_cannot_read_payments_sessions_or_events(c: &dyn Checkout) {
    let s = c.create_session(json!({}));
    c.confirm_ok(&s.token, cards::SUCCESS);
    let pk = c.publishable_key();
    assert!(pk.starts_with("pk_test_"), "{pk}");
    let as_pk = |method: &str, path: &str| Request::new(method, path).key(&pk);
    for path in [
        "/v1/payments".to_string(),
        format!("/v1/payments/{}", s.payment_id),
        "/v1/checkout-sessions".into(),
        format!("/v1/checkout-sessions/{}", s.id),
        "/v1/events".into(),
        "/v1/webhook-endpoints".into(),
    ] {
        c.send(as_pk("GET", &path)).expect_error(403, "api_key_wrong_kind");
    }
    let create = json!({ "amount": 1, "currency": "TRY" });
    c.send(as_pk("POST", "/v1/checkout-sessions").json(create)).expect_error(403, "api_key_wrong_kind");
    c.send(as_pk("POST", &format!("/v1/payments/{}/void", s.payment_id)).json(json!({})))
        .expect_error(403, "api_key_wrong_kind");
    // Keys of one merchant never see another's objects.
    let other = c.merchant_key(Merchant::Other);
    c.send(Request::new("GET", format!("/v1/payments/{}", s.payment_id)).key(&other))
        .expect_error(404, "resource_missing");
    // Forged and malformed keys.
    let own = c.secret_key();
    for key in [
        "sk_test_forged".to_string(),
        own.replacen("sk_test_", "sk_live_", 1),
        own.replacen("sk_test_", "pk_test_", 1),
        "Bearer".into(),
    ] {
        c.send(Request::new("GET", "/v1/payments").key(&key)).expect_error(401, "api_key_invalid");
    }
}

pub fn test_cards_never_reach_a_live_provider_and_real_cards_never_reach_the_sandbox(c: &dyn Checkout) {
    let live = c.merchant_key(Merchant::Live);
    let created: SessionEnvelope = create_as(c, &live, json!({ "amount": 100, "currency": "TRY" })).typed(200);
    let ls = created.checkout_session;
    assert!(ls.livemode);
    c.confirm(ls.token.as_deref().unwrap_or_default(), cards::SUCCESS).expect_error(402, "processing_error");
    let p: PaymentEnvelope =
        c.send(Request::new("GET", format!("/v1/payments/{}", ls.payment_id)).key(&live)).typed(200);
    assert!(p.payment.charges.is_empty(), "no provider was called for the live session");
    // A real-looking card in test mode is refused and leaves no trace.
    let ts = c.create_session(json!({}));
    let b = c.confirm(&ts.token, "4111111111111111").expect_error(400, "live_card_in_test_mode");
    assert_eq!(b["error"]["param"], "payment_method[card][number]");
    let p: Payment = c.payment(&ts.payment_id);
    assert!(p.charges.is_empty() && p.card.is_none(), "the refused card left no charge and no card details");
}

pub fn tokens_are_long_random_and_bound_to_one_session(c: &dyn Checkout) {
    let a = c.create_session(json!({})).token;
    let b = c.create_session(json!({})).token;
    assert_ne!(a, b);
    let secret = a.strip_prefix("cst_").expect("a cst_ token");
    assert!(secret.len() * 6 >= 128, "{a}");
    assert!(secret.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_'));
    // Near misses and other sessions' tokens open nothing.
    let mut near = a.clone();
    near.pop();
    near.push(if a.ends_with('A') { 'B' } else { 'A' });
    for t in [near.as_str(), &format!("{a}x"), "cst_", "x", &a.to_uppercase()] {
        c.payer_get(&format!("/v1/checkout-sessions/token/{t}")).expect_error(404, "token_invalid");
    }
    // Never returned again: not in the list of sessions.
    assert!(!c.get("/v1/checkout-sessions?limit=100").text.contains(&a));
}

pub fn tokens_die_with_their_session(c: &dyn Checkout) {
    let not_open = |t: &str| {
        c.confirm(t, cards::SUCCESS).expect_error(409, "session_not_open");
    };
    // Completed.
    let t = c.create_session(json!({})).token;
    c.confirm_ok(&t, cards::SUCCESS);
    not_open(&t);
    c.payer_post(&format!("/v1/checkout-sessions/token/{t}/payer"), json!({ "name": "X" }))
        .expect_error(409, "session_not_open");
    c.payer_post(&format!("/v1/checkout-sessions/token/{t}/cancel"), json!({})).expect_error(409, "session_not_open");
    // Cancelled by the merchant, and by the payer.
    let s = c.create_session(json!({}));
    c.post(&format!("/v1/checkout-sessions/{}/cancel", s.id), json!({})).expect(200);
    not_open(&s.token);
    let s = c.create_session(json!({}));
    c.payer_post(&format!("/v1/checkout-sessions/token/{}/cancel", s.token), json!({})).expect(200);
    not_open(&s.token);
    // Failed (attempts exhausted).
    let s = c.create_session(json!({ "max_attempts": 1 }));
    c.confirm_ok(&s.token, cards::DECLINED);
    not_open(&s.token);
    // Expired.
    let s = c.create_session(json!({ "expires_in": 3 }));
    c.elapse(3_500);
    c.confirm(&s.token, cards::SUCCESS).expect_error(410, "session_expired");
    c.payer_post(&format!("/v1/checkout-sessions/token/{}/payer", s.token), json!({ "name": "X" }))
        .expect_error(410, "session_expired");
}

pub fn a_card_declined_across_many_sessions_is_blocked(c: &dyn Checkout) {
    let guard = c.merchant_key(Merchant::Other);
    let session =
        || -> crate::Session { create_as(c, &guard, c.session_body(json!({}))).typed::<SessionEnvelope>(200).into() };
    let max = hsrc_edge::card_testing::CARD_MAX_DECLINES;
    for _ in 0..max {
        let r = c.confirm_ok(&session().token, cards::DECLINED);
        assert_eq!(r.confirm_result.payment.last_error.and_then(|e| e.decline_code).as_deref(), Some("card_declined"));
    }
    let s = session();
    let b = c.confirm(&s.token, cards::DECLINED).expect_error(402, "card_declined");
    assert_eq!(
        (b["error"]["type"].as_str(), b["error"]["decline_code"].as_str()),
        (Some("card_error"), Some("card_velocity_exceeded"))
    );
    // Nothing reached a provider for the refused attempt, and the session stays open for another card.
    let p: PaymentEnvelope =
        c.send(Request::new("GET", format!("/v1/payments/{}", s.payment_id)).key(&guard)).typed(200);
    assert!(p.payment.charges.is_empty(), "the blocked attempt reached no provider");
    assert_eq!(c.confirm_ok(&s.token, cards::SUCCESS).checkout_session.status, SessionStatus::Completed);
    // The window passes and the card may try again (an hour: only where the clock is virtual).
    if c.virtual_clock() {
        c.elapse(hsrc_edge::card_testing::CARD_WINDOW_MS as u64 + 1000);
        c.confirm(&session().token, cards::DECLINED).expect(200);
    }
}

pub fn many_declines_on_one_session_block_it(c: &dyn Checkout) {
    let s = c.create_session(json!({ "max_attempts": 10 }));
    let max = hsrc_edge::card_testing::SESSION_MAX_DECLINES;
    let declines = [cards::DECLINED, cards::INSUFFICIENT_FUNDS, cards::EXPIRED, cards::INCORRECT_CVC];
    for i in 0..max {
        c.confirm_ok(&s.token, declines[i as usize % declines.len()]);
    }
    let b = c.confirm(&s.token, cards::SUCCESS).expect_error(402, "card_declined");
    assert_eq!(b["error"]["decline_code"], "card_velocity_exceeded");
}

pub fn bodies_too_large_too_deep_or_of_another_type_are_refused_before_parsing(c: &dyn Checkout) {
    let send = |content_type: &str, body: Vec<u8>| {
        c.send(
            Request::new("POST", "/v1/checkout-sessions")
                .key(&c.secret_key())
                .header("content-type", content_type)
                .raw(body),
        )
    };
    let json = "application/json";
    let big = format!(r#"{{"amount":1,"currency":"TRY","metadata":{{"k":"{}"}}}}"#, "a".repeat(70_000));
    send(json, big.into_bytes()).expect_error(413, "body_too_large");
    for depth in [30, 40] {
        let deep = format!(r#"{{"amount":1,"currency":"TRY","metadata":{}1{}}}"#, "[".repeat(depth), "]".repeat(depth));
        send(json, deep.into_bytes()).expect_error(400, "body_invalid_json");
    }
    send(json, b"{\"amount\":1,".to_vec()).expect_error(400, "body_invalid_json");
    send(json, br#"{"amount":1,"currency":"TRY"} trailing"#.to_vec()).expect_error(400, "body_invalid_json");
    send("text/plain", br#"{"amount":1,"currency":"TRY"}"#.to_vec()).expect_error(415, "unsupported_media_type");
    send("application/x-www-form-urlencoded", b"amount=100&currency=TRY".to_vec())
        .expect_error(415, "unsupported_media_type");
}

pub fn unknown_fields_are_named_even_when_nested(c: &dyn Checkout) {
    for (body, param) in [
        (json!({ "amount": 1, "currency": "TRY", "customer": { "emial": "a@example.com" } }), "customer[emial]"),
        (
            json!({ "amount": 1, "currency": "TRY", "custom_fields": [{ "key": "k", "label": "L", "type": "text", "lable": "x" }] }),
            "custom_fields[0][lable]",
        ),
        (json!({ "amount": 1, "currency": "TRY", "amuont": 2 }), "amuont"),
    ] {
        assert_eq!(refused(c.post("/v1/checkout-sessions", body), "parameter_unknown"), param);
    }
    let t = c.create_session(json!({})).token;
    let mut body = confirm_body(cards::SUCCESS);
    body["payment_method"]["card"]["cvv"] = json!("123");
    let r = c.payer_post(&format!("/v1/checkout-sessions/token/{t}/confirm"), body);
    assert_eq!(refused(r, "parameter_unknown"), "payment_method[card][cvv]");
    let address =
        json!({ "billing_address": { "line1": "x", "city": "y", "postal_code": "1", "country": "TR", "zip": "2" } });
    let r = c.payer_post(&format!("/v1/checkout-sessions/token/{t}/payer"), address);
    assert_eq!(refused(r, "parameter_unknown"), "billing_address[zip]");
}

pub fn amounts_strings_and_metadata_are_bounded(c: &dyn Checkout) {
    let create = |body: Value| c.post("/v1/checkout-sessions", body);
    for (amount, currency) in [
        (0, "TRY"),
        (-1, "TRY"),
        (-5, "TRY"),
        (i64::MAX, "TRY"),
        (9_007_199_254_740_991, "TRY"),
        (100_000_000_000, "TRY"),
        (0, "JPY"),
    ] {
        let r = create(json!({ "amount": amount, "currency": currency }));
        assert_eq!(refused(r, "amount_invalid"), "amount", "{amount} {currency}");
    }
    for currency in ["try", "XXX", "TRYY", ""] {
        let r = create(json!({ "amount": 100, "currency": currency }));
        assert_eq!(refused(r, "currency_unsupported"), "currency", "{currency:?}");
    }
    for amount in [json!(1.5), json!("100")] {
        assert_eq!(refused(create(json!({ "amount": amount, "currency": "TRY" })), "parameter_invalid"), "amount");
    }
    let many: serde_json::Map<String, Value> = (0..51).map(|i| (format!("k{i}"), json!("v"))).collect();
    let fields: Vec<Value> = (0..11).map(|i| json!({ "key": format!("f{i}"), "label": "L", "type": "text" })).collect();
    for (extra, param) in [
        (json!({ "metadata": many }), "metadata"),
        (json!({ "metadata": { "k".repeat(41): "v" } }), "metadata"),
        (json!({ "metadata": { "k": "v".repeat(501) } }), "metadata"),
        (json!({ "customer": { "name": "n".repeat(201) } }), "customer[name]"),
        (json!({ "custom_fields": fields }), "custom_fields"),
        (json!({ "max_attempts": 11 }), "max_attempts"),
        (json!({ "expires_in": 8 * 24 * 3600 }), "expires_in"),
    ] {
        let mut body = json!({ "amount": 100, "currency": "TRY" });
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        let r = create(body);
        assert_eq!(r.status, 400, "{extra}: {}", r.text);
        assert!(r.json["error"]["param"].as_str().unwrap_or_default().starts_with(param), "{param}: {}", r.text);
    }
    // Oversized path segments do not route.
    let long = "a".repeat(300);
    c.payer_get(&format!("/v1/checkout-sessions/token/{long}")).expect_error(404, "route_not_found");
}

#[macro_export]
macro_rules! hardening_scenarios {
    ($make:expr) => {
        $crate::scenario_tests!(
            $make,
            hardening,
            redirect_url_attacks_are_refused_with_the_param_named,
            live_merchants_cannot_use_plain_http_localhost,
            live_webhook_endpoints_cannot_target_private_networks,
            every_page_kind_sends_strict_csp_and_framing_rules,
            the_3ds_page_may_be_framed_by_the_checkout_inside_the_merchants_own_page_only,
            a_live_session_never_trusts_loopback_origins_for_framing,
            api_responses_carry_no_cors_and_preflights_are_refused,
            publishable_keys_cannot_read_payments_sessions_or_events,
            test_cards_never_reach_a_live_provider_and_real_cards_never_reach_the_sandbox,
            tokens_are_long_random_and_bound_to_one_session,
            tokens_die_with_their_session,
            a_card_declined_across_many_sessions_is_blocked,
            many_declines_on_one_session_block_it,
            bodies_too_large_too_deep_or_of_another_type_are_refused_before_parsing,
            unknown_fields_are_named_even_when_nested,
            amounts_strings_and_metadata_are_bounded,
        );
    };
}
