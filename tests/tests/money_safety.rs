//! Money safety end to end against the local Worker (#12): each fault card of the sandbox, with a payer retry in
//! the middle, ends in the right state with exactly the expected authorizations in the sandbox provider's ledger
//! (read from the local D1 file and matched to the charges the payments API shows), and the payment's webhook
//! events carry versions in order. Lost and late outcomes settle through lookups and the cron job
//! (`wrangler dev --test-scheduled`, fired through `/__scheduled`).

use hsrc_e2e::{cards, Api};
use hsrc_testkit::fields::{pid, token};
use serde_json::{json, Value};
use std::time::Duration;

const APPROVE_LOST: &str = cards::RESPONSE_LOST;
const APPROVE_LATE: &str = cards::APPROVE_AFTER_DEADLINE;
const FALLBACK_LOST: &str = cards::FALLBACK_RESPONSE_LOST;
const CHALLENGE_LOST: &str = cards::THREE_DS_RESPONSE_LOST;
const HOLD_RELEASED: &str = cards::HOLD_RELEASED_EARLY;

/// Fires the cron now and then until the session leaves PROCESSING.
fn settle(api: &Api, t: &str) -> Value {
    api.wait_for("the outcome to settle", Duration::from_secs(30), || {
        api.fire_cron();
        let v = api.payer_view(t);
        (v["status"] != "PROCESSING").then_some(v)
    })
}

/// A payer retry while the payment is being settled: refused, and it never reaches a provider.
fn payer_retries(api: &Api, t: &str, card: &str) {
    let retry = api.confirm(t, card);
    assert_eq!(retry.status, 409, "{}", retry.text);
    let code = retry.json["error"]["code"].as_str().unwrap_or_default().to_string();
    assert!(["session_processing", "session_not_open"].contains(&code.as_str()), "{code}");
}

/// The provider's ledger for one payment: (reference, kind, outcome), authorizations and operations.
fn ledger(payment_id: &str) -> Vec<(String, String, String)> {
    let conn = hsrc_e2e::worker_state::d1();
    let mut st = conn
        .prepare(
            "SELECT reference, kind, outcome FROM sandbox_ledger WHERE substr(reference, 1, length(?1) + 1) = ?1 || '.' ORDER BY created_at, reference",
        )
        .unwrap();
    st.query_map([payment_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect()
}

/// The authorizations the provider approved for this payment, each matched to a charge of the payments API.
fn approved_authorizations(payment: &Value) -> Vec<String> {
    let approved: Vec<String> = ledger(payment["id"].as_str().unwrap())
        .into_iter()
        .filter(|(_, kind, outcome)| kind == "authorize" && outcome.starts_with("approved"))
        .map(|(reference, _, _)| reference)
        .collect();
    let refs: Vec<&str> =
        payment["charges"].as_array().unwrap().iter().filter_map(|c| c["provider_reference"].as_str()).collect();
    for a in &approved {
        assert!(refs.contains(&a.as_str()), "authorization {a} has no charge in {payment}");
    }
    approved
}

fn charges(p: &Value) -> Vec<(String, String)> {
    p["charges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["provider"].as_str().unwrap().into(), c["status"].as_str().unwrap().into()))
        .collect()
}

/// The payment's events oldest first, checking that every object's version only goes up.
fn events_in_order(api: &Api, payment_id: &str) -> Vec<Value> {
    let mut events: Vec<Value> = api.get(&format!("/v1/events?payment_id={payment_id}&limit=100")).expect(200)["data"]
        .as_array()
        .unwrap()
        .clone();
    events.reverse();
    let mut seen: std::collections::HashMap<String, i64> = Default::default();
    for e in &events {
        let object = &e["data"]["object"];
        let id = object["id"].as_str().unwrap().to_string();
        let version = object["version"].as_i64().unwrap_or_else(|| panic!("{} has no data.object.version", e["type"]));
        if let Some(before) = seen.get(&id) {
            assert!(version > *before, "{}: version {version} after {before} for {id}", e["type"]);
        }
        seen.insert(id, version);
    }
    events
}

fn types(events: &[Value]) -> Vec<String> {
    events.iter().map(|e| e["type"].as_str().unwrap().to_string()).collect()
}

#[test]
fn approval_with_a_lost_response_succeeds_once() {
    let api = Api::from_env();
    let s = api.create_session(json!({}));
    let r = api.confirm(&token(&s), APPROVE_LOST).expect(200);
    assert_eq!(r["confirmResult"]["payment"]["status"], "PROCESSING");
    payer_retries(&api, &token(&s), APPROVE_LOST);
    assert_eq!(settle(&api, &token(&s))["status"], "COMPLETED");
    let p = api.payment(&pid(&s));
    assert_eq!(p["status"], "SUCCEEDED");
    assert_eq!(charges(&p), [("sandbox_primary".into(), "succeeded".into())]);
    assert_eq!(approved_authorizations(&p), [format!("{}.a1", pid(&s))]);
    let events = events_in_order(&api, &pid(&s));
    assert_eq!(types(&events).iter().filter(|t| *t == "payment.succeeded").count(), 1);
}

#[test]
fn approval_after_the_deadline_is_not_charged_twice() {
    let api = Api::from_env();
    let s = api.create_session(json!({}));
    let r = api.confirm(&token(&s), APPROVE_LATE).expect(200);
    assert_eq!(r["confirmResult"]["payment"]["status"], "PROCESSING");
    payer_retries(&api, &token(&s), cards::SUCCESS);
    assert_eq!(settle(&api, &token(&s))["status"], "COMPLETED");
    let p = api.payment(&pid(&s));
    assert_eq!(p["status"], "SUCCEEDED");
    assert_eq!(charges(&p), [("sandbox_primary".into(), "succeeded".into())]);
    assert_eq!(approved_authorizations(&p).len(), 1);
    events_in_order(&api, &pid(&s));
}

#[test]
fn fallback_approval_with_a_lost_response_is_recorded_and_reconciled() {
    let api = Api::from_env();
    let s = api.create_session(json!({}));
    let r = api.confirm(&token(&s), FALLBACK_LOST).expect(200);
    assert_eq!(r["confirmResult"]["payment"]["status"], "PROCESSING");
    payer_retries(&api, &token(&s), FALLBACK_LOST);
    assert_eq!(settle(&api, &token(&s))["status"], "COMPLETED");
    let p = api.payment(&pid(&s));
    assert_eq!(p["status"], "SUCCEEDED");
    assert_eq!(
        charges(&p),
        [("sandbox_primary".into(), "failed".into()), ("sandbox_fallback".into(), "succeeded".into())]
    );
    assert_eq!(approved_authorizations(&p), [format!("{}.a2", pid(&s))]);
    let t = types(&events_in_order(&api, &pid(&s)));
    assert_eq!(t.first().map(String::as_str), Some("charge.failed"));
    assert!(t.contains(&"payment.succeeded".to_string()), "{t:?}");
}

#[test]
fn three_ds_pass_with_a_lost_authorization_response_succeeds_once() {
    let api = Api::from_env();
    let s = api.create_session(json!({}));
    let r = api.confirm(&token(&s), CHALLENGE_LOST).expect(200);
    assert_eq!(r["confirmResult"]["payment"]["status"], "REQUIRES_ACTION");
    let url = r["confirmResult"]["paymentNextAction"]["redirect_user_to_url"]["url"].as_str().unwrap();
    let challenge = url.rsplit('/').next().unwrap();
    api.payer_post(&format!("/v1/3ds/{challenge}/complete"), json!({ "result": "pass" })).expect(200);
    payer_retries(&api, &token(&s), CHALLENGE_LOST);
    assert_eq!(settle(&api, &token(&s))["status"], "COMPLETED");
    let p = api.payment(&pid(&s));
    assert_eq!(p["status"], "SUCCEEDED");
    assert_eq!(charges(&p), [("sandbox_primary".into(), "succeeded".into())]);
    assert_eq!(approved_authorizations(&p).len(), 1);
    let t = types(&events_in_order(&api, &pid(&s)));
    assert_eq!(t.first().map(String::as_str), Some("payment.requires_action"));
}

#[test]
fn an_authorization_the_issuer_releases_is_voided_and_cancelled() {
    let api = Api::from_env();
    let s = api.create_session(json!({ "capture_method": "manual" }));
    let r = api.confirm(&token(&s), HOLD_RELEASED).expect(200);
    assert_eq!(r["confirmResult"]["payment"]["status"], "AUTHORIZED");
    payer_retries(&api, &token(&s), HOLD_RELEASED);
    let p = api.wait_for("the released authorization to be voided", Duration::from_secs(40), || {
        api.fire_cron();
        let p = api.payment(&pid(&s));
        (p["status"] == "CANCELLED").then_some(p)
    });
    assert_eq!(p["cancellation_reason"], "authorization_expired");
    assert_eq!(approved_authorizations(&p).len(), 1);
    let kinds: Vec<String> =
        ledger(&pid(&s)).into_iter().map(|(_, kind, outcome)| format!("{kind}:{outcome}")).collect();
    assert_eq!(kinds, ["authorize:approved_hold", "void:done"]);
    let events = events_in_order(&api, &pid(&s));
    let t = types(&events);
    let authorized = t.iter().position(|t| t == "payment.authorized").expect("payment.authorized");
    let canceled = t.iter().position(|t| t == "payment.canceled").expect("payment.canceled");
    assert!(authorized < canceled, "{t:?}");
    assert_eq!(events[canceled]["data"]["object"]["cancellation_reason"], "authorization_expired");
}

#[test]
fn capture_and_void_go_through_the_provider() {
    let api = Api::from_env();
    let s = api.create_session(json!({ "capture_method": "manual" }));
    api.confirm(&token(&s), cards::SUCCESS).expect(200);
    let captured = api.post(&format!("/v1/payments/{}/capture", pid(&s)), json!({ "amount": 1000 })).expect(200);
    assert_eq!(captured["payment"]["status"], "SUCCEEDED");
    let kinds: Vec<String> =
        ledger(&pid(&s)).into_iter().map(|(_, kind, outcome)| format!("{kind}:{outcome}")).collect();
    assert_eq!(kinds, ["authorize:approved_hold", "capture:done"]);

    let s = api.create_session(json!({ "capture_method": "manual" }));
    api.confirm(&token(&s), cards::SUCCESS).expect(200);
    let voided = api.post(&format!("/v1/payments/{}/void", pid(&s)), json!({})).expect(200);
    assert_eq!(voided["payment"]["status"], "CANCELLED");
    assert_eq!(voided["payment"]["cancellation_reason"], "voided");
    let kinds: Vec<String> =
        ledger(&pid(&s)).into_iter().map(|(_, kind, outcome)| format!("{kind}:{outcome}")).collect();
    assert_eq!(kinds, ["authorize:approved_hold", "void:done"]);
}

/// 60 racing confirms on a lost-answer card: one winner, every loser refused with 409, one authorization.
#[test]
fn sixty_racing_confirms_authorize_once() {
    let api = std::sync::Arc::new(Api::from_env());
    let s = api.create_session(json!({}));
    let t = token(&s);
    let handles: Vec<_> = (0..60)
        .map(|_| {
            let api = api.clone();
            let t = t.clone();
            std::thread::spawn(move || api.confirm(&t, APPROVE_LOST).status)
        })
        .collect();
    let statuses: Vec<u16> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 200 || *s == 409), "{statuses:?}");
    settle(&api, &t);
    let p = api.payment(&pid(&s));
    assert_eq!(approved_authorizations(&p).len(), 1);
    assert_eq!(charges(&p).len(), 1);
}

/// D1 errors are classified by their text (`DbError::from_message`); this proves the match against workerd's D1,
/// deterministically (local races are too fast to rely on): a compare-and-set whose stored version no longer
/// matches what was read must come back as a 409 conflict, and a second in-flight operation refused by a UNIQUE
/// index as a 409 too. A missed match would be a 500.
#[test]
fn d1_conflicts_are_recognised_on_workerd() {
    let api = Api::from_env();
    // The guard: the session's stored version is nudged off what the request will read (1.5 reads as 1), so the
    // cancel's compare-and-set changes no row and the cas_guard CHECK aborts the batch.
    let s = api.create_session(json!({}));
    hsrc_e2e::worker_state::d1_write(&format!(
        "UPDATE checkout_sessions SET version = version + 0.5 WHERE id = '{}'",
        s["id"].as_str().unwrap()
    ));
    let r = api.post(&format!("/v1/checkout-sessions/{}/cancel", s["id"].as_str().unwrap()), json!({}));
    assert_eq!(r.status, 409, "{}", r.text);
    assert_eq!(r.json["error"]["code"], "state_conflict", "{}", r.text);

    // UNIQUE: a void already in flight for this payment (its pending row) refuses a capture before the provider.
    let s = api.create_session(json!({ "capture_method": "manual" }));
    api.confirm(&token(&s), cards::SUCCESS).expect(200);
    let charge = api.payment(&pid(&s))["charges"][0]["id"].as_str().unwrap().to_string();
    // Written now, not at time 0: a cron pass fired by another test meanwhile must see a void still inside its
    // write-off window (in flight), not one long lost that it would resolve and so free the capture.
    let now_ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis();
    hsrc_e2e::worker_state::d1_write(&format!(
        "INSERT INTO payment_operations (id, reference, payment_id, charge_id, kind, reason, amount, status, provider, created_at) \
         VALUES ('op_e2e_{0}', '{0}.void1', '{0}', '{charge}', 'void', 'voided', 12500, 'pending', 'sandbox_primary', {now_ms})",
        &pid(&s)
    ));
    let r = api.post(&format!("/v1/payments/{}/capture", pid(&s)), json!({}));
    assert_eq!(r.status, 409, "{}", r.text);
    assert_eq!(r.json["error"]["code"], "state_conflict", "{}", r.text);
    assert_eq!(ledger(&pid(&s)).len(), 1, "the capture never reached the provider");
}

/// The cause of an intermittent 500 in this binary's tests: a write to the D1 file from outside the Worker (the
/// setup above) made workerd's D1 fail every statement of an overlapping request with `SQLITE_BUSY`. Requests and
/// out-of-band writes now exclude each other (`worker_state::d1_write`); here writers that hold the lock for a while run
/// back to back while other threads create sessions, and no request may fail.
#[test]
fn out_of_band_writes_to_d1_never_fail_a_request_in_flight() {
    let done = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|scope| {
        let writer = scope.spawn(|| {
            let mut writes = 0;
            while !done.load(std::sync::atomic::Ordering::Relaxed) || writes < 5 {
                // Holds the write lock while a slow query runs (~tens of ms).
                hsrc_e2e::worker_state::d1_write(
                    "BEGIN IMMEDIATE; UPDATE engine_cursors SET id = id WHERE name = 'none'; \
                     WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000) SELECT count(*) FROM n; COMMIT;",
                );
                writes += 1;
                std::thread::sleep(Duration::from_millis(5));
            }
        });
        let clients: Vec<_> = (0..4)
            .map(|_| {
                scope.spawn(|| {
                    let api = Api::from_env();
                    let body =
                        json!({ "amount": 12500, "currency": "TRY", "return_url": "https://merchant.example/return" });
                    (0..6).map(|_| api.post("/v1/checkout-sessions", body.clone()).status).collect::<Vec<u16>>()
                })
            })
            .collect();
        let statuses: Vec<u16> = clients.into_iter().flat_map(|c| c.join().unwrap()).collect();
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        writer.join().unwrap();
        assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    });
}
