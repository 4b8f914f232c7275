//! API keys and request budgets as a client meets them: a rolled key is shown once, kept only as a hash and retired
//! on schedule; rolling checks its input; confirms and lookups per token and requests per secret key get 429 with
//! `Retry-After` past their budget, and other tokens and keys keep theirs. Each scenario runs natively and against
//! the local Worker. Scenarios that spend a key or a budget use merchants of their own (`Merchant::Roll`,
//! `Merchant::Flood`). Where the clock is virtual the budgets are exact; against the Worker they are found by
//! flooding from several threads.

use crate::cards;
use crate::checkout::{Checkout, Merchant, Request, Response};
use hsrc_edge::platform::LimitBucket;
use serde_json::{json, Value};

fn roll(c: &dyn Checkout, key: &str, body: Value) -> Response {
    c.send(Request::new("POST", "/v1/api-keys/roll").key(key).json(body))
}

fn list_with(c: &dyn Checkout, key: &str) -> Response {
    c.send(Request::new("GET", "/v1/checkout-sessions?limit=1").key(key))
}

pub fn rolled_keys_are_shown_once_and_retire_on_schedule(c: &dyn Checkout) {
    let old = c.merchant_key(Merchant::Roll);
    let doc = c.payer_get("/v1/openapi.json").expect(200);
    let request = Request::new("POST", "/v1/api-keys/roll").key(&old).json(json!({ "expires_in": 3 }));
    let rolled = super::contract::checked(c, &doc, request).expect(200)["api_key"].clone();
    let new = rolled["secret"].as_str().unwrap_or_default().to_string();
    assert!(new.starts_with("sk_test_") && new.len() >= 8 + 48 && new != old, "{new}");
    // Both work during the grace period; the old one cannot mint a second successor.
    list_with(c, &old).expect(200);
    list_with(c, &new).expect(200);
    roll(c, &old, json!({})).expect_error(409, "state_conflict");
    if c.virtual_clock() {
        c.elapse(2_900);
        list_with(c, &old).expect(200);
    }
    let mut retired = None;
    for _ in 0..40 {
        let r = list_with(c, &old);
        if r.status == 401 {
            retired = Some(r);
            break;
        }
        c.elapse(250);
    }
    retired.expect("the old key retired within 10 s").expect_error(401, "api_key_invalid");
    list_with(c, &new).expect(200);

    // Rolling with no grace period retires the key at once, and a retired key cannot roll again.
    let key = roll(c, &new, json!({})).expect(200)["api_key"].clone();
    assert_eq!(key["rolled_key"]["expires_at"], key["created_at"]);
    let newest = key["secret"].as_str().unwrap_or_default().to_string();
    list_with(c, &new).expect_error(401, "api_key_invalid");
    roll(c, &new, json!({})).expect_error(401, "api_key_invalid");
    list_with(c, &newest).expect(200);
    // Neither new key is kept or logged in the clear.
    for k in [&new, &newest] {
        assert!(!c.stored(k), "a rolled key was found in storage");
    }
}

pub fn rolling_checks_its_input_and_needs_a_secret_key(c: &dyn Checkout) {
    let sk = c.secret_key();
    for bad in [json!({ "expires_in": -1 }), json!({ "expires_in": 604_801 })] {
        let b = roll(c, &sk, bad).expect_error(400, "parameter_invalid");
        assert_eq!(b["error"]["param"], "expires_in");
    }
    let b = roll(c, &sk, json!({ "expires": 1 })).expect_error(400, "parameter_unknown");
    assert_eq!(b["error"]["param"], "expires");
    roll(c, &c.publishable_key(), json!({})).expect_error(403, "api_key_wrong_kind");
    c.send(Request::new("POST", "/v1/api-keys/roll").json(json!({}))).expect_error(401, "api_key_missing");
    list_with(c, &sk).expect(200);
}

/// A 429 of the rate limiter, with a `Retry-After` within the window.
#[track_caller]
fn rate_limited(r: Response, window: u32) {
    let wait: u32 = r.header("retry-after").and_then(|w| w.parse().ok()).expect("a Retry-After header");
    assert!((1..=window).contains(&wait), "Retry-After {wait}");
    let b = r.expect_error(429, "rate_limited");
    assert_eq!(b["error"]["type"], "rate_limit_error");
}

/// Floods with `req` until a 429; natively exactly `limit` requests pass first.
#[track_caller]
fn flood_until_limited(c: &dyn Checkout, req: Request, (limit, window): (u32, u32)) -> Response {
    c.start_of_window(window);
    let (passed, r) = c.flood(req, 4 * limit as usize).expect("a 429 within four budgets");
    if c.virtual_clock() {
        assert_eq!(passed, limit as usize, "the whole budget passes, then no more");
    }
    r
}

fn spec(bucket: LimitBucket) -> (u32, u32) {
    let (limit, window, _) = bucket.spec();
    (limit, window)
}

pub fn confirms_per_token_are_rate_limited(c: &dyn Checkout) {
    let budget @ (_, window) = spec(LimitBucket::Confirm);
    let t = c.create_session(json!({})).token;
    let path = format!("/v1/checkout-sessions/token/{t}/confirm");
    rate_limited(flood_until_limited(c, Request::new("POST", &path).json(json!({})), budget), window);
    rate_limited(c.confirm(&t, cards::SUCCESS), window);
    // Another session's token has its own budget; the next window restores this one (a minute: only where the
    // clock is virtual).
    let other = c.create_session(json!({})).token;
    c.confirm(&other, cards::SUCCESS).expect(200);
    if c.virtual_clock() {
        c.elapse(u64::from(window) * 1000);
        c.confirm(&t, cards::SUCCESS).expect(200);
    }
}

pub fn token_lookups_are_rate_limited(c: &dyn Checkout) {
    let budget @ (_, window) = spec(LimitBucket::Payer);
    let t = c.create_session(json!({})).token;
    let path = format!("/v1/checkout-sessions/token/{t}");
    rate_limited(flood_until_limited(c, Request::new("GET", &path), budget), window);
    // Other sessions keep their own budget; guessing tokens spends the budget of each guess, never a real one's.
    let other = c.create_session(json!({})).token;
    c.payer_get(&format!("/v1/checkout-sessions/token/{other}")).expect(200);
    c.payer_get("/v1/checkout-sessions/token/cst_guess").expect_error(404, "token_invalid");
}

pub fn a_secret_key_over_its_budget_gets_429_and_other_keys_do_not(c: &dyn Checkout) {
    let budget @ (_, window) = spec(LimitBucket::SecretKeyTest);
    let flood = c.merchant_key(Merchant::Flood);
    let r = flood_until_limited(c, Request::new("GET", "/v1/payments/pay_flood").key(&flood), budget);
    rate_limited(r, window);
    // Still refused in the same window (ten seconds: against the Worker the flood may have ended one).
    if c.virtual_clock() {
        rate_limited(c.send(Request::new("GET", "/v1/payments").key(&flood)), window);
    }
    c.get("/v1/payments?limit=1").expect(200);
}

#[macro_export]
macro_rules! keys_scenarios {
    ($make:expr) => {
        $crate::scenario_tests!(
            $make,
            keys,
            rolled_keys_are_shown_once_and_retire_on_schedule,
            rolling_checks_its_input_and_needs_a_secret_key,
            confirms_per_token_are_rate_limited,
            token_lookups_are_rate_limited,
            a_secret_key_over_its_budget_gets_429_and_other_keys_do_not,
        );
    };
}
