//! Payment methods attached to a customer (#15) on the real engine and migrations: an attached `pm_…` pays the same
//! customer's later API-only payments (past the single-use 30 minutes, until the card's month ends), never another
//! customer's, never after it is detached; the attach rules; the list; and no card data in storage.

mod common;

use common::{dump_storage, err_code, World};
use hsrc_edge::http::Method;
use hsrc_shared::test_cards as cards;
use serde_json::{json, Value};

const MINUTE_MS: i64 = 60_000;

fn payment_for(w: &World, reference: Option<&str>) -> String {
    let extra = match reference {
        Some(r) => json!({ "customer_reference": r }),
        None => json!({}),
    };
    w.api_create(extra)["payment"]["id"].as_str().unwrap().to_string()
}

fn attach(w: &World, pm: &str, reference: &str) -> hsrc_edge::http::ApiResponse {
    w.post(&format!("/v1/payment-methods/{pm}/attach"), json!({ "customer_reference": reference }))
}

fn detach(w: &World, pm: &str) -> hsrc_edge::http::ApiResponse {
    w.post(&format!("/v1/payment-methods/{pm}/detach"), json!({}))
}

fn ok(resp: hsrc_edge::http::ApiResponse) -> Value {
    assert_eq!(resp.status, 200, "{}", String::from_utf8_lossy(&resp.body));
    resp.json_body()
}

fn listed(w: &World, reference: &str) -> Vec<String> {
    let v = ok(w.get(&format!("/v1/payment-methods?customer_reference={reference}")));
    v["data"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap().to_string()).collect()
}

fn status_after_confirm(w: &World, payment: &str, pm: &str) -> String {
    ok(w.api_confirm(payment, pm))["payment"]["status"].as_str().unwrap().to_string()
}

#[test]
fn an_attached_card_pays_its_customers_later_payments_and_no_one_elses() {
    let w = World::new();
    let pm = w.pm(cards::SUCCESS);
    let attached = ok(attach(&w, &pm, "user_1"))["payment_method"].clone();
    assert_eq!(attached["customer_reference"], "user_1");
    // Valid through the card's month (12/2034), no longer 30 minutes.
    assert_eq!(attached["expires_at"].as_i64(), Some(2_051_222_400), "2035-01-01T00:00Z");
    assert_eq!(listed(&w, "user_1"), vec![pm.clone()]);
    assert!(listed(&w, "user_2").is_empty());

    assert_eq!(status_after_confirm(&w, &payment_for(&w, Some("user_1")), &pm), "SUCCEEDED");
    assert_eq!(status_after_confirm(&w, &payment_for(&w, Some("user_1")), &pm), "SUCCEEDED", "reused");
    w.h.runtime.advance_ms(45 * MINUTE_MS);
    assert_eq!(status_after_confirm(&w, &payment_for(&w, Some("user_1")), &pm), "SUCCEEDED", "past 30 minutes");

    // Another customer's payment, or one for no customer, cannot use it; nothing is charged.
    for other in [Some("user_2"), None] {
        let payment = payment_for(&w, other);
        assert_eq!(err_code(&w.api_confirm(&payment, &pm)), (400, "payment_method_unusable".into()), "{other:?}");
        assert!(w.payment(&payment)["charges"].as_array().unwrap().is_empty());
        assert_eq!(w.payment(&payment)["status"], "CREATED");
    }

    // Detached: never charged again, gone from the list, cannot be attached again.
    let detached = ok(detach(&w, &pm))["payment_method"].clone();
    assert!(detached["customer_reference"].is_null() && detached["detached_at"].is_i64(), "{detached}");
    assert_eq!(ok(detach(&w, &pm))["payment_method"], detached, "detaching twice is a no-op");
    let payment = payment_for(&w, Some("user_1"));
    assert_eq!(err_code(&w.api_confirm(&payment, &pm)), (400, "payment_method_unusable".into()));
    assert!(listed(&w, "user_1").is_empty());
    assert_eq!(err_code(&attach(&w, &pm, "user_1")), (400, "payment_method_unusable".into()));

    let dump = dump_storage(&w);
    assert!(!dump.contains(cards::SUCCESS) && !dump.contains(&cards::SUCCESS[..12]), "no PAN in storage");
}

#[test]
fn a_card_is_attached_only_while_fresh_and_only_for_the_customer_it_paid_for() {
    let w = World::new();
    // Unused and older than 30 minutes: expired, as for a confirm.
    let stale = w.pm(cards::SUCCESS);
    w.h.runtime.advance_ms(31 * MINUTE_MS);
    assert_eq!(err_code(&attach(&w, &stale, "user_1")), (400, "payment_method_unusable".into()));

    // Pay, then save the card: only for the customer of the payment it paid.
    let pm = w.pm(cards::SUCCESS);
    assert_eq!(status_after_confirm(&w, &payment_for(&w, Some("user_1")), &pm), "SUCCEEDED");
    assert_eq!(err_code(&attach(&w, &pm, "user_2")), (400, "payment_method_unusable".into()));
    assert_eq!(ok(attach(&w, &pm, "user_1"))["payment_method"]["customer_reference"], "user_1");
    assert_eq!(ok(attach(&w, &pm, "user_1"))["payment_method"]["customer_reference"], "user_1", "again: no-op");
    assert_eq!(err_code(&attach(&w, &pm, "user_2")), (400, "payment_method_unusable".into()), "already attached");
    let anonymous = w.pm(cards::SUCCESS);
    assert_eq!(status_after_confirm(&w, &payment_for(&w, None), &anonymous), "SUCCEEDED");
    assert_eq!(err_code(&attach(&w, &anonymous, "user_1")), (400, "payment_method_unusable".into()));
    // A single-use card that was used stays used.
    assert_eq!(err_code(&w.api_confirm(&payment_for(&w, None), &anonymous)), (400, "payment_method_unusable".into()));

    // Not attached: nothing to detach.
    let fresh = w.pm(cards::SUCCESS);
    assert_eq!(err_code(&detach(&w, &fresh)), (400, "payment_method_unusable".into()));
}

#[test]
fn attach_refuses_bad_references_other_merchants_and_the_publishable_key() {
    let w = World::new();
    let pm = w.pm(cards::SUCCESS);
    for bad in ["", "has space", "ü-ser", &"x".repeat(65), cards::SUCCESS] {
        let resp = attach(&w, &pm, bad);
        assert_eq!(err_code(&resp), (400, "parameter_invalid".into()), "{bad:?}");
        assert_eq!(resp.json_body()["error"]["param"], "customer_reference");
        assert!(!String::from_utf8_lossy(&resp.body).contains(cards::SUCCESS), "never echoed");
    }
    let resp = w.post("/v1/payments", json!({ "amount": 100, "currency": "TRY", "customer_reference": "a b" }));
    assert_eq!(err_code(&resp), (400, "parameter_invalid".into()));
    assert_eq!(err_code(&w.post(&format!("/v1/payment-methods/{pm}/attach"), json!({}))).0, 400);
    assert_eq!(err_code(&attach(&w, "pm_missing", "user_1")), (404, "resource_missing".into()));
    assert_eq!(err_code(&w.get("/v1/payment-methods")), (400, "parameter_missing".into()));

    let theirs = w.h.seed_merchant("mer_other", "Other Shop", false);
    let as_them =
        |method: Method, path: &str, body: Option<Value>| w.call(method, path, body, Some(&theirs.secret_key));
    let path = format!("/v1/payment-methods/{pm}/attach");
    assert_eq!(
        err_code(&as_them(Method::Post, &path, Some(json!({ "customer_reference": "user_1" })))),
        (404, "resource_missing".into())
    );
    assert_eq!(err_code(&as_them(Method::Post, &format!("/v1/payment-methods/{pm}/detach"), Some(json!({})))).0, 404);
    // Attaching is the merchant's server's act, never its page's.
    let resp = w.call(
        Method::Post,
        &path,
        Some(json!({ "customer_reference": "user_1" })),
        Some(&w.m.publishable_key.clone()),
    );
    assert_eq!(err_code(&resp), (403, "api_key_wrong_kind".into()));
}
