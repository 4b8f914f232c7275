//! The payments engine's native-only checks: what needs the clock moved far (an abandoned 3DS challenge), the
//! storage itself (a stale compare-and-set, card data in any table or the cache), a second merchant (live mode),
//! or a merchant of its own (list paging). Every scenario a client can see runs on both sides in
//! `hsrc_testkit::scenarios::payments_engine` (`edge/tests/scenarios.rs`, `tests/tests/scenarios.rs`).

use hsrc_edge::http::Method;
use hsrc_shared::api::{CheckoutSession, List, Payment};
use hsrc_shared::lifecycle::{ChargeStatus, PaymentStatus, SessionStatus};
use hsrc_testkit::native_checkout::NativeCheckout;
use hsrc_testkit::{cards, Checkout};
use serde_json::json;

#[test]
fn abandoned_challenge_expires_back_to_the_payer() {
    let c = NativeCheckout::new();
    let s = c.create_session(json!({ "expires_in": 3600 }));
    c.confirm_ok(&s.token, cards::THREE_DS);
    c.elapse(c.h.config.challenge_ttl_ms as u64 + 1);
    assert_eq!(c.run_cron().settled, 1);
    let v = c.payer_view(&s.token);
    assert_eq!((v.status, v.payment.status), (SessionStatus::Pending, PaymentStatus::RequiresPaymentMethod));
}

#[test]
fn a_stale_compare_and_set_writes_nothing() {
    use hsrc_edge::platform::{Database, DbError};
    let c = NativeCheckout::new();
    let s = c.create_session(json!({}));
    let ctx = c.h.ctx();
    let target = hsrc_edge::sessions::transitions::Target {
        table: "checkout_sessions",
        entity: "checkout_session",
        id: &s.id,
        status: "PENDING",
        version: 99,
    };
    let stale = hsrc_edge::sessions::transitions::cas(&ctx, target, "PROCESSING", vec![]);
    let count =
        || -> i64 { c.h.db.with_conn(|c| c.query_row("SELECT COUNT(*) FROM transitions", [], |r| r.get(0)).unwrap()) };
    let before = count();
    assert_eq!(futures_executor::block_on(c.h.db.batch(stale)), Err(DbError::Conflict));
    assert_eq!(before, count(), "the timeline row of a lost race is rolled back with it");
}

#[test]
fn card_numbers_and_cvcs_never_reach_storage() {
    let c = NativeCheckout::new();
    for card in cards::numbers() {
        let s = c.create_session(json!({}));
        c.confirm(&s.token, card);
    }
    c.elapse(60_000);
    c.run_jobs();
    let dump = c.h.db.dump();
    assert!(dump.contains("Test Shop") && dump.contains(&s_last4()), "the dump is readable text");
    for card in cards::numbers() {
        assert!(!dump.contains(card), "a card number reached storage");
    }
    assert!(!dump.contains("\"cvc\""), "a CVC field reached storage");
    let cache = format!("{:?}", c.h.cache.entries.borrow());
    assert!(cards::numbers().all(|n| !cache.contains(n)));
}

/// The last four digits of 4242…, which a payment keeps (the whole number it never does).
fn s_last4() -> String {
    cards::SUCCESS[12..].to_string()
}

#[test]
fn live_merchants_never_reach_the_sandbox() {
    let c = NativeCheckout::new();
    let live = c.h.seed_merchant("mer_live", "Live Shop", true);
    let body = json!({ "amount": 100, "currency": "TRY", "url": "https://merchant.example/pay" });
    let created: hsrc_shared::api::SessionEnvelope = c
        .send(
            hsrc_testkit::Request::new(Method::Post.as_str(), "/v1/checkout-sessions").key(&live.secret_key).json(body),
        )
        .typed(200);
    let token = created.checkout_session.token.expect("a created session carries its token");
    c.confirm(&token, cards::SUCCESS).expect_error(402, "processing_error");
}

#[test]
fn lists_page_newest_first_with_status_filters() {
    let c = NativeCheckout::new();
    let ids: Vec<String> = (0..3).map(|_| c.create_session(json!({})).id).collect();
    let paid = c.create_session(json!({}));
    c.confirm_ok(&paid.token, cards::SUCCESS);
    let first: List<CheckoutSession> = c.get("/v1/checkout-sessions?status=PENDING&limit=2").typed(200);
    let got: Vec<&str> = first.data.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(got, [ids[2].as_str(), ids[1].as_str()]);
    let cursor = first.next_cursor.expect("a next page");
    let second: List<CheckoutSession> =
        c.get(&format!("/v1/checkout-sessions?status=PENDING&limit=2&starting_after={cursor}")).typed(200);
    assert_eq!((second.data[0].id.as_str(), second.has_more), (ids[0].as_str(), false));
    let payments: List<Payment> = c.get("/v1/payments?status=SUCCEEDED").typed(200);
    assert_eq!(payments.data.len(), 1);
    assert_eq!(payments.data[0].charges[0].status, ChargeStatus::Succeeded);
    c.get("/v1/payments?limit=1000").expect_error(400, "parameter_invalid");
    c.get("/v1/checkout-sessions?status=PAID").expect_error(400, "parameter_invalid");
}
