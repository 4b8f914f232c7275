//! The payments engine's e2e-only checks against the local Worker (workerd, local D1/KV): 50 truly concurrent
//! confirms with the D1 file as the system of record, and a scan of every store and the log for card data. Every
//! scenario a client can see runs on both sides in `hsrc_testkit::scenarios::payments_engine`
//! (`tests/tests/scenarios.rs`, `edge/tests/scenarios.rs`).

use hsrc_e2e::{cards, worker_state, Api};
use hsrc_shared::api::ConfirmResponse;
use hsrc_shared::lifecycle::PaymentStatus;
use hsrc_testkit::checkout::challenge_id;
use hsrc_testkit::Checkout;
use serde_json::json;

#[test]
fn fifty_racing_confirms_charge_exactly_once() {
    let api = std::sync::Arc::new(Api::from_env());
    let s = Checkout::create_session(&*api, json!({}));
    let t = s.token.clone();
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
    assert_eq!(Checkout::payment(&*api, &s.payment_id).charges.len(), 1);

    // The system of record agrees: one payment row for the session, one charge, one success event.
    let conn = worker_state::d1();
    let count = |sql: &str| -> i64 { conn.query_row(sql, [&s.payment_id], |r| r.get(0)).unwrap() };
    assert_eq!(count("SELECT COUNT(*) FROM payments WHERE id = ?1"), 1);
    assert_eq!(count("SELECT COUNT(*) FROM charges WHERE payment_id = ?1"), 1);
    assert_eq!(count("SELECT COUNT(*) FROM events WHERE payment_id = ?1 AND type = 'payment.succeeded'"), 1);
}

#[test]
fn no_card_number_or_cvc_reaches_d1_kv_or_logs() {
    let api = Api::from_env();
    let c: &dyn Checkout = &api;
    // The cards of DESIGN.md's table (the fault, refund and installment cards have suites of their own).
    let all: Vec<&str> = cards::numbers().take(11).collect();
    let unique_cvc = "739";
    for &card in &all {
        let s = c.create_session(json!({}));
        let mut body = hsrc_e2e::confirm_body(card);
        body["payment_method"]["card"]["cvc"] = json!(unique_cvc);
        let r: ConfirmResponse =
            c.payer_post(&format!("/v1/checkout-sessions/token/{}/confirm", s.token), body).typed(200);
        if r.confirm_result.payment.status == PaymentStatus::RequiresAction {
            c.complete_challenge(&challenge_id(&r), "pass").expect(200);
        }
        // Views go through the KV cache.
        c.payer_view(&s.token);
    }
    // Everything wrangler persisted (D1 database and WAL, KV blobs, queue state) and the Worker's log.
    let scanned = worker_state::scanned_files();
    assert!(scanned.len() > 2, "storage files were found to scan");
    for file in &scanned {
        let bytes = std::fs::read(file).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        for card in &all {
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
