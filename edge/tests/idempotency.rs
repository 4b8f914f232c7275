//! Idempotency-Key semantics (IETF draft) on the native edge: replay, reuse with another body, in flight,
//! recovery of a key whose request died, expiry after 24 hours.

mod common;

use common::{err_code, World};
use hsrc_edge::http::{ApiRequest, ApiResponse, Method};
use hsrc_edge::pipeline::idempotency::{self, Claim, Keep};
use hsrc_edge::platform::{Database, DbError, Row, Stmt};
use hsrc_shared::test_cards as cards;
use hsrc_testkit::native::Harness;
use serde_json::json;
use std::cell::Cell;

fn create_with_key(w: &World, key: &str, amount: i64) -> ApiResponse {
    w.h.request(
        ApiRequest::new(Method::Post, "/v1/checkout-sessions")
            .with_header("authorization", &format!("Bearer {}", w.m.secret_key))
            .with_header("idempotency-key", key)
            .with_json(&json!({ "amount": amount, "currency": "TRY" })),
    )
}

fn sessions_in_db(w: &World) -> i64 {
    w.h.db.with_conn(|c| c.query_row("SELECT COUNT(*) FROM checkout_sessions", [], |r| r.get(0)).unwrap())
}

#[test]
fn a_retry_replays_the_first_response_byte_for_byte() {
    let w = World::new();
    let a = create_with_key(&w, "order-1", 100);
    let b = create_with_key(&w, "order-1", 100);
    assert_eq!((a.status, &a.body), (b.status, &b.body));
    assert_eq!(b.header("idempotent-replayed"), Some("true"));
    assert_eq!(sessions_in_db(&w), 1);
}

#[test]
fn the_same_key_with_another_body_is_refused() {
    let w = World::new();
    create_with_key(&w, "order-2", 100);
    assert_eq!(err_code(&create_with_key(&w, "order-2", 101)), (422, "idempotency_key_reused".into()));
}

#[test]
fn a_key_still_in_flight_is_refused_then_recovered_when_its_request_died() {
    let w = World::new();
    let first = create_with_key(&w, "order-3", 100);
    // Make the stored record look like a request that is still running.
    w.h.db
        .with_conn(|c| {
            c.execute(
                "UPDATE idempotency_keys SET state = 'in_flight', response_status = NULL, response_body = NULL",
                [],
            )
        })
        .unwrap();
    assert_eq!(err_code(&create_with_key(&w, "order-3", 100)), (409, "idempotency_key_in_flight".into()));
    // A minute later it may still be running (a slow provider call): still refused.
    w.h.runtime.advance_ms(61_000);
    assert_eq!(err_code(&create_with_key(&w, "order-3", 100)), (409, "idempotency_key_in_flight".into()));
    // Ten minutes on, far beyond any request's life, nobody is working on it any more: the retry runs.
    w.h.runtime.advance_ms(idempotency::STALE_IN_FLIGHT_MS);
    let retry = create_with_key(&w, "order-3", 100);
    assert_eq!(retry.status, 200);
    assert_ne!(retry.body, first.body);
}

#[test]
fn keys_are_scoped_per_merchant_and_expire_after_a_day() {
    let w = World::new();
    let other = w.h.seed_merchant("mer_other", "Other", false);
    create_with_key(&w, "shared-key", 100);
    let theirs = w.h.request(
        ApiRequest::new(Method::Post, "/v1/checkout-sessions")
            .with_header("authorization", &format!("Bearer {}", other.secret_key))
            .with_header("idempotency-key", "shared-key")
            .with_json(&json!({ "amount": 555, "currency": "TRY" })),
    );
    assert_eq!(theirs.status, 200, "another merchant's key space is separate");
    w.h.runtime.advance_ms(24 * 3600 * 1000 + 1);
    assert_eq!(create_with_key(&w, "shared-key", 999).status, 200, "an expired key can be used again");
}

#[test]
fn bad_keys_and_bodies_get_the_error_model() {
    let w = World::new();
    assert_eq!(err_code(&create_with_key(&w, &"k".repeat(300), 100)), (400, "idempotency_key_invalid".into()));
    let mut req = ApiRequest::new(Method::Post, "/v1/checkout-sessions")
        .with_header("authorization", &format!("Bearer {}", w.m.secret_key))
        .with_header("content-type", "application/json");
    req.body = b"{\"amount\": 1".to_vec();
    assert_eq!(err_code(&w.h.request(req)), (400, "body_invalid_json".into()));
    let resp =
        w.post("/v1/checkout-sessions", json!({ "amount": 100, "currency": "TRY", "customer": { "emial": "x@y.z" } }));
    assert_eq!(err_code(&resp), (400, "parameter_unknown".into()));
    assert_eq!(resp.json_body()["error"]["param"], "customer[emial]");
}

#[test]
fn ids_with_the_wrong_prefix_are_the_usual_404_without_an_echo() {
    let w = World::new();
    let session = create_with_key(&w, "prefix-1", 100).json_body();
    let session_id = session["checkout_session"]["id"].as_str().unwrap().to_string();
    let payment_id = session["checkout_session"]["payment_id"].as_str().unwrap().to_string();
    assert_eq!(w.get(&format!("/v1/payments/{payment_id}")).status, 200);
    // A session id where a payment id belongs, and the other way round: not found, whatever exists under it.
    for path in [
        format!("/v1/payments/{session_id}"),
        format!("/v1/checkout-sessions/{payment_id}"),
        format!("/v1/refunds/{}", cards::SUCCESS),
        "/v1/events/we_1".to_string(),
        "/v1/webhook-endpoints/evt_1".to_string(),
    ] {
        let resp = w.get(&path);
        assert_eq!(err_code(&resp), (404, "resource_missing".into()), "{path}");
        let message = resp.json_body()["error"]["message"].as_str().unwrap().to_string();
        assert!(message.starts_with("No such ") && !message.contains('_') && !message.contains("4242"), "{message}");
    }
}

#[test]
fn tokens_and_signing_secrets_are_sealed_at_rest() {
    let w = World::new();
    let created = create_with_key(&w, "sealed-1", 100).json_body();
    let token = created["checkout_session"]["token"].as_str().unwrap().to_string();
    let endpoint = w.h.request(
        ApiRequest::new(Method::Post, "/v1/webhook-endpoints")
            .with_header("authorization", &format!("Bearer {}", w.m.secret_key))
            .with_header("idempotency-key", "sealed-2")
            .with_json(&json!({ "url": "https://hooks.merchant.example/hsrc", "enabled_events": ["*"] })),
    );
    assert_eq!(endpoint.status, 200, "{}", String::from_utf8_lossy(&endpoint.body));
    let secret = endpoint.json_body()["webhook_endpoint"]["secret"].as_str().unwrap_or_default().to_string();
    assert!(secret.starts_with("whsec_"), "{}", String::from_utf8_lossy(&endpoint.body));
    let dump = common::dump_storage(&w);
    assert!(!dump.contains(&token), "a payer token is stored in the clear");
    assert!(!dump.contains(&secret) && !dump.contains("whsec_"), "a signing secret is stored in the clear");
    // Replays still answer with the original bytes.
    assert_eq!(create_with_key(&w, "sealed-1", 100).json_body()["checkout_session"]["token"], token.as_str());
}

fn block<F: std::future::Future>(f: F) -> F::Output {
    futures_executor::block_on(f)
}

fn request<'a>(key: &'a str) -> idempotency::Request<'a> {
    idempotency::Request { scope: "merchant:mer_test", key, method: "POST", path: "/v1/x", body: b"{}" }
}

fn answer(status: u16, body: &str) -> ApiResponse {
    ApiResponse { status, headers: vec![], body: body.as_bytes().to_vec().into() }
}

/// The key's row as (state, response status), if there is one.
fn row(w: &World, key: &str) -> Option<(String, Option<i64>)> {
    w.h.db.with_conn(|c| {
        c.query_row("SELECT state, response_status FROM idempotency_keys WHERE key = ?1", [key], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .ok()
    })
}

#[test]
fn only_the_owner_of_a_key_finishes_or_releases_it() {
    let w = World::new();
    let ctx = w.h.ctx();
    let Ok(Claim::Run(first)) = block(idempotency::claim(&ctx, &request("own-1"))) else { panic!("first claim runs") };
    drop(ctx);
    // The first execution is presumed dead; a retry takes the row over with its own owner token.
    w.h.runtime.advance_ms(idempotency::STALE_IN_FLIGHT_MS + 1);
    let ctx = w.h.ctx();
    let Ok(Claim::Run(second)) = block(idempotency::claim(&ctx, &request("own-1"))) else { panic!("takeover runs") };
    assert_ne!(first, second);
    // The first execution comes back late: its 5xx must not delete the taker's row, its answer must not land.
    block(idempotency::finish(&ctx, "merchant:mer_test", "own-1", &first, &answer(500, "{}"), Keep::Replay));
    assert_eq!(row(&w, "own-1"), Some(("in_flight".into(), None)), "the 5xx DELETE spared the taker's row");
    block(idempotency::finish(
        &ctx,
        "merchant:mer_test",
        "own-1",
        &first,
        &answer(200, r#"{"late":true}"#),
        Keep::Replay,
    ));
    assert_eq!(row(&w, "own-1"), Some(("in_flight".into(), None)), "a non-owner cannot store its answer");
    // While the taker runs, another retry is refused: never a second execution beside it.
    assert!(matches!(block(idempotency::claim(&ctx, &request("own-1"))), Err(e) if e.status == 409));
    block(idempotency::finish(
        &ctx,
        "merchant:mer_test",
        "own-1",
        &second,
        &answer(200, r#"{"ok":true}"#),
        Keep::Replay,
    ));
    let Ok(Claim::Replay(replayed)) = block(idempotency::claim(&ctx, &request("own-1"))) else { panic!("replay") };
    assert_eq!(&*replayed.body, br#"{"ok":true}"#);
}

#[test]
fn a_response_with_a_secret_or_a_card_number_is_never_kept() {
    let w = World::new();
    let ctx = w.h.ctx();
    for (key, keep, body) in [
        ("secret-1", Keep::Never, r#"{"secret":"whsec_abc"}"#),
        ("card-1", Keep::Replay, r#"{"error":{"message":"4242 4242 4242 4242"}}"#),
    ] {
        let Ok(Claim::Run(owner)) = block(idempotency::claim(&ctx, &request(key))) else { panic!("runs") };
        block(idempotency::finish(&ctx, "merchant:mer_test", key, &owner, &answer(200, body), keep));
        let retry = block(idempotency::claim(&ctx, &request(key)));
        assert!(matches!(retry, Err(ref e) if e.code == "idempotency_replay_unavailable"), "{key}");
    }
    let dump = common::dump_storage(&w);
    assert!(!dump.contains("whsec_abc") && !dump.contains("4242"));
}

fn confirm_body(number: &str, cvc: &str) -> Vec<u8> {
    json!({"payment_method": {"card": {"number": number, "exp_month": 12, "exp_year": 2030, "cvc": cvc}}})
        .to_string()
        .into_bytes()
}

#[test]
fn fingerprint_is_keyed_and_holds_no_card_data() {
    use hsrc_shared::crypto::sha256_hex;
    let h = Harness::new();
    let ctx = h.ctx();
    let path = "/v1/checkout-sessions/token/t/confirm";
    let body = confirm_body(cards::SUCCESS, "123");
    let a = idempotency::request_hash(&ctx, "POST", path, &body);
    assert!(a.starts_with("hmac:"));
    // The same card written with spaces is the same request; another card is not.
    assert_eq!(a, idempotency::request_hash(&ctx, "POST", path, &confirm_body("4242 4242 4242 4242", "123")));
    assert_ne!(a, idempotency::request_hash(&ctx, "POST", path, &confirm_body(cards::SUCCESS_MASTERCARD, "123")));
    // Not a plain hash of anything the caller sent: neither the body's SHA-256 nor the legacy `sha256:` format
    // (method, path, newline, body) nor one without the server key.
    assert_ne!(&a[5..], sha256_hex(&body));
    let legacy = [format!("POST {path}\n").into_bytes(), body.clone()].concat();
    assert_ne!(&a[5..], sha256_hex(&legacy));
    let mut h2 = Harness::new();
    h2.config.data_key = "another-data-key-of-enough-length-000000".into();
    assert_ne!(a, idempotency::request_hash(&h2.ctx(), "POST", path, &body));
}

#[test]
fn the_cvc_never_enters_the_fingerprint() {
    let h = Harness::new();
    let ctx = h.ctx();
    let path = "/p";
    assert_eq!(
        idempotency::request_hash(&ctx, "POST", path, &confirm_body(cards::SUCCESS, "123")),
        idempotency::request_hash(&ctx, "POST", path, &confirm_body(cards::SUCCESS, "999"))
    );
    // The card number enters only as its keyed fingerprint: another fingerprint key, another request hash.
    let mut h2 = Harness::new();
    h2.config.fingerprint_key = "another-fingerprint-key-of-enough-length".into();
    assert_ne!(
        idempotency::request_hash(&ctx, "POST", path, &confirm_body(cards::SUCCESS, "123")),
        idempotency::request_hash(&h2.ctx(), "POST", path, &confirm_body(cards::SUCCESS, "123"))
    );
}

// ---- the payer's confirm: its key rides the confirm's own batches (#18) ---------------------------------------

fn keyed_confirm_on(ctx: &hsrc_edge::platform::Ctx<'_>, token: &str, key: &str, number: &str) -> ApiResponse {
    futures_executor::block_on(hsrc_edge::pipeline::handle(
        ctx,
        ApiRequest::new(Method::Post, &format!("/v1/checkout-sessions/token/{token}/confirm"))
            .with_header("idempotency-key", key)
            .with_json(&json!({
                "payment_method": { "type": "card", "card": { "number": number, "exp_month": 12, "exp_year": 2034, "cvc": "123" } },
                "payer": { "name": "Ada Lovelace", "email": "ada@example.com" }
            })),
    ))
}

#[test]
fn a_payers_confirm_replays_byte_for_byte_whether_it_approved_declined_challenged_or_was_refused() {
    for (number, status) in [
        (cards::SUCCESS, 200),
        ("4000000000000002", 200), // a decline is an answer: the payer may try another card
        ("4000000000003220", 200),
        ("4242424242424241", 400), // not a valid card number: refused before any claim
    ] {
        let w = World::new();
        let token = w.create(json!({}))["token"].as_str().unwrap().to_string();
        let first = keyed_confirm_on(&w.h.ctx(), &token, "pay-1", number);
        assert_eq!(first.status, status, "{number}: {}", String::from_utf8_lossy(&first.body));
        assert_eq!(row(&w, "pay-1"), Some(("done".into(), Some(i64::from(status)))), "{number}");
        let again = keyed_confirm_on(&w.h.ctx(), &token, "pay-1", number);
        assert_eq!((again.status, &again.body), (first.status, &first.body), "{number}");
        assert_eq!(again.header("idempotent-replayed"), Some("true"), "{number}");
    }
}

/// A database that runs `hook` before each write batch: `Err` fails the batch (nothing written), `Ok` lets it run.
struct Hooked<'a> {
    inner: &'a dyn Database,
    hook: Box<Hook<'a>>,
}

type Hook<'a> = dyn Fn(&[Stmt]) -> Result<(), DbError> + 'a;

#[async_trait::async_trait(?Send)]
impl Database for Hooked<'_> {
    async fn query(&self, stmt: Stmt) -> Result<Vec<Row>, DbError> {
        self.inner.query(stmt).await
    }
    async fn batch(&self, stmts: Vec<Stmt>) -> Result<Vec<u64>, DbError> {
        (self.hook)(&stmts)?;
        self.inner.batch(stmts).await
    }
    async fn batch_rows(&self, stmts: Vec<Stmt>) -> Result<Vec<Vec<Row>>, DbError> {
        (self.hook)(&stmts)?;
        self.inner.batch_rows(stmts).await
    }
    async fn query_many(&self, stmts: Vec<Stmt>) -> Result<Vec<Vec<Row>>, DbError> {
        self.inner.query_many(stmts).await
    }
}

/// Whether `stmts` is a batch that starts with `sql`, the first time only (`seen` remembers).
fn first_batch_starting(stmts: &[Stmt], sql: &str, seen: &Cell<bool>) -> bool {
    let hit = !seen.get() && stmts.first().is_some_and(|s| s.sql.starts_with(sql));
    seen.set(seen.get() || hit);
    hit
}

#[test]
fn a_key_taken_between_its_read_and_the_confirms_claim_stops_the_confirm_with_nothing_written() {
    let w = World::new();
    let s = w.create(json!({}));
    let token = s["token"].as_str().unwrap().to_string();
    // Another execution of the same key writes its row just before this one's claim batch (the window between
    // the key's read and the confirm's claim).
    let healthy = w.h.ctx();
    let raced = Cell::new(false);
    let db = Hooked {
        inner: healthy.db,
        hook: Box::new(|stmts| {
            if first_batch_starting(stmts, "INSERT INTO idempotency_keys", &raced) {
                w.h.db.with_conn(|c| {
                    c.execute(
                        "INSERT INTO idempotency_keys (scope, key, request_hash, state, locked_at, expires_at, owner) \
                         SELECT 'session:' || token_hash, 'pay-race', 'hmac:other', 'in_flight', 0, 9e15, 'someone-else' FROM checkout_sessions",
                        [],
                    )
                    .unwrap();
                });
            }
            Ok(())
        }),
    };
    let ctx = hsrc_edge::platform::Ctx { db: &db, ..w.h.ctx() };
    let resp = keyed_confirm_on(&ctx, &token, "pay-race", cards::SUCCESS);
    assert!(raced.get(), "the confirm claimed its key in a batch of its own");
    assert_eq!(err_code(&resp), (409, "idempotency_key_in_flight".into()));
    // The claim batch rolled back whole: no attempt, the session still open, the other execution's row untouched.
    let (charges, session): (i64, String) = w.h.db.with_conn(|c| {
        (
            c.query_row("SELECT COUNT(*) FROM charges", [], |r| r.get(0)).unwrap(),
            c.query_row("SELECT status FROM checkout_sessions", [], |r| r.get(0)).unwrap(),
        )
    });
    assert_eq!((charges, session.as_str()), (0, "PENDING"));
    let owner: String = w.h.db.with_conn(|c| {
        c.query_row("SELECT owner FROM idempotency_keys WHERE key = 'pay-race'", [], |r| r.get(0)).unwrap()
    });
    assert_eq!(owner, "someone-else");
    // Without the other execution, the same confirm runs.
    assert_eq!(keyed_confirm_on(&w.h.ctx(), &token, "pay-again", cards::SUCCESS).status, 200);
}

#[test]
fn a_payers_key_older_than_a_day_is_taken_over_by_the_confirms_claim() {
    let w = World::new();
    let token = w.create(json!({}))["token"].as_str().unwrap().to_string();
    let refused = keyed_confirm_on(&w.h.ctx(), &token, "pay-old", "4242424242424241");
    assert_eq!(refused.status, 400);
    // The row as a day-old one would be (the session itself is still open).
    w.h.db.with_conn(|c| c.execute("UPDATE idempotency_keys SET expires_at = 0", [])).unwrap();
    let paid = keyed_confirm_on(&w.h.ctx(), &token, "pay-old", cards::SUCCESS);
    assert_eq!(paid.status, 200, "{}", String::from_utf8_lossy(&paid.body));
    assert_eq!(row(&w, "pay-old"), Some(("done".into(), Some(200))));
}

#[test]
fn a_server_error_after_the_claim_keeps_the_key_and_its_retry_answers_from_the_settled_payment() {
    let w = World::new();
    let token = w.create(json!({}))["token"].as_str().unwrap().to_string();
    // The provider approved; the outcome batch fails once and the request ends in a 500.
    let healthy = w.h.ctx();
    let failed = Cell::new(false);
    let db = Hooked {
        inner: healthy.db,
        hook: Box::new(|stmts| {
            if first_batch_starting(stmts, "UPDATE charges", &failed) {
                return Err(DbError::Other("D1_ERROR: network connection lost".into()));
            }
            Ok(())
        }),
    };
    let ctx = hsrc_edge::platform::Ctx { db: &db, ..w.h.ctx() };
    let first = keyed_confirm_on(&ctx, &token, "pay-blip", cards::SUCCESS);
    assert!(failed.get(), "the outcome batch never ran");
    assert_eq!(first.status, 500, "{}", String::from_utf8_lossy(&first.body));
    // The attempt and its charge committed with the key: the key stays in flight (a release would let the retry
    // run the confirm again and keep whatever it answered).
    assert_eq!(row(&w, "pay-blip"), Some(("in_flight".into(), None)));
    w.h.background.jobs.borrow_mut().clear(); // the reconcile job the 500 left behind runs with the cron below
    let retry = keyed_confirm_on(&w.h.ctx(), &token, "pay-blip", cards::SUCCESS);
    assert_eq!(err_code(&retry), (409, "idempotency_key_in_flight".into()));
    // Another key meanwhile meets the processing session: a conflict is not an answer, so it keeps no row.
    let other = keyed_confirm_on(&w.h.ctx(), &token, "pay-other", cards::SUCCESS);
    assert_eq!(other.status, 409, "{}", String::from_utf8_lossy(&other.body));
    assert_eq!(row(&w, "pay-other"), None);

    // The reconciler settles the attempt by its reference; the key's retry now answers with that state.
    let c = &w.h.config;
    w.h.runtime.advance_ms(c.sandbox_async_delay_ms + c.write_off_after_ms + 1_000);
    futures_executor::block_on(hsrc_edge::jobs::scheduled::run(&w.h.ctx()));
    let status: String = w.h.db.with_conn(|c| c.query_row("SELECT status FROM payments", [], |r| r.get(0)).unwrap());
    assert_eq!(status, "SUCCEEDED");
    let answered = keyed_confirm_on(&w.h.ctx(), &token, "pay-blip", cards::SUCCESS);
    assert_eq!(answered.status, 200, "{}", String::from_utf8_lossy(&answered.body));
    assert_eq!(answered.header("idempotent-replayed"), Some("true"));
    let body: serde_json::Value = serde_json::from_slice(&answered.body).unwrap();
    assert_eq!(body["confirmResult"]["payment"]["status"], "SUCCEEDED", "{body}");
    assert_eq!(row(&w, "pay-blip"), Some(("done".into(), Some(200))));
    let again = keyed_confirm_on(&w.h.ctx(), &token, "pay-blip", cards::SUCCESS);
    assert_eq!(again.body, answered.body);
    // One attempt, one charge at the provider.
    let (charges, ledger): (i64, i64) = w.h.db.with_conn(|c| {
        (
            c.query_row("SELECT COUNT(*) FROM charges", [], |r| r.get(0)).unwrap(),
            c.query_row("SELECT COUNT(*) FROM sandbox_ledger", [], |r| r.get(0)).unwrap(),
        )
    });
    assert_eq!((charges, ledger), (1, 1));
}
