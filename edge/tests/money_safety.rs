//! Money safety on SQLite with the real migrations (#12): the fault cards with a payer retry in the middle, the
//! provider's idempotency, unknown outcomes that never fall back and are never written off, the write-off window,
//! late approvals voided, capture/void at the provider, authorization expiry, the reconciler's cursor, event
//! versions and cancellation reasons.

mod common;

use common::{err_code, World};
use hsrc_edge::jobs::scheduled;
use hsrc_edge::payments;
use hsrc_edge::providers::{self, Authorize, Instrument, Outcome};
use hsrc_shared::test_cards as cards;
use hsrc_testkit::fields::{pid, token};
use serde_json::{json, Value};

fn cron(w: &World) -> scheduled::RunReport {
    futures_executor::block_on(scheduled::run(&w.h.ctx()))
}

/// (reference, kind, outcome) of the provider's ledger for one payment.
fn ledger(w: &World, payment_id: &str) -> Vec<(String, String, String)> {
    w.h.db.with_conn(|c| {
        let mut st = c
            .prepare(
                "SELECT reference, kind, outcome FROM sandbox_ledger WHERE reference LIKE ?1 || '.%' ORDER BY rowid",
            )
            .unwrap();
        st.query_map([payment_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect()
    })
}

fn approvals(w: &World, payment_id: &str) -> usize {
    ledger(w, payment_id).iter().filter(|(_, k, o)| k == "authorize" && o.starts_with("approved")).count()
}

/// The payment's events (type, data.object) oldest first; asserts each object's version only goes up.
fn events(w: &World, payment_id: &str) -> Vec<(String, Value)> {
    let rows: Vec<(String, String)> = w.h.db.with_conn(|c| {
        let mut st = c.prepare("SELECT type, data FROM events WHERE payment_id = ?1 ORDER BY rowid").unwrap();
        st.query_map([payment_id], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
    });
    let mut seen = std::collections::HashMap::new();
    rows.into_iter()
        .map(|(kind, data)| {
            let object = serde_json::from_str::<Value>(&data).unwrap()["object"].clone();
            let id = object["id"].as_str().unwrap().to_string();
            let version = object["version"].as_i64().unwrap_or_else(|| panic!("{kind} has no data.object.version"));
            if let Some(before) = seen.insert(id.clone(), version) {
                assert!(version > before, "{kind}: {id} version {version} after {before}");
            }
            (kind, object)
        })
        .collect()
}

fn retry_is_refused(w: &World, t: &str) {
    let (status, code) = err_code(&w.confirm(t, cards::SUCCESS));
    assert_eq!(status, 409);
    assert!(["session_processing", "session_not_open"].contains(&code.as_str()), "{code}");
}

#[test]
fn lost_approval_settles_after_the_response_with_one_authorization() {
    let w = World::new();
    let s = w.create(json!({}));
    let r = w.confirm_ok(&token(&s), "4000000000007015");
    assert_eq!(r["confirmResult"]["payment"]["status"], "PROCESSING");
    retry_is_refused(&w, &token(&s));
    // wait_until's job: the lookup right after the response settles it.
    assert_eq!(w.h.run_after_response(), 1);
    assert_eq!(w.view(&token(&s))["status"], "COMPLETED");
    let p = w.payment(&pid(&s));
    assert_eq!(p["status"], "SUCCEEDED");
    assert_eq!(p["charges"][0]["provider_reference"], format!("{}.a1", pid(&s)));
    assert_eq!(approvals(&w, &pid(&s)), 1);
    let kinds: Vec<String> = events(&w, &pid(&s)).into_iter().map(|(k, _)| k).collect();
    assert_eq!(kinds, ["charge.succeeded", "payment.succeeded", "checkout_session.completed"]);
}

#[test]
fn late_answer_is_never_a_second_authorization() {
    let w = World::new();
    let s = w.create(json!({}));
    let r = w.confirm_ok(&token(&s), "4000000000007023");
    assert_eq!(r["confirmResult"]["payment"]["status"], "PROCESSING");
    retry_is_refused(&w, &token(&s));
    w.h.run_after_response();
    assert_eq!(w.view(&token(&s))["status"], "PROCESSING", "the provider is still working on it");
    w.h.runtime.advance_ms(w.h.config.sandbox_async_delay_ms);
    let report = cron(&w);
    assert_eq!(report.settled, 1, "{report:?}");
    assert_eq!(w.payment(&pid(&s))["status"], "SUCCEEDED");
    assert_eq!(approvals(&w, &pid(&s)), 1);
}

#[test]
fn fallback_with_a_lost_answer_is_recorded_before_the_call_and_reconciled() {
    let w = World::new();
    let s = w.create(json!({}));
    w.confirm_ok(&token(&s), "4000000000007031");
    // Before any reconciliation the database already knows the fallback attempt.
    let waiting: Vec<(String, String)> = w.h.db.with_conn(|c| {
        let mut st = c.prepare("SELECT provider, status FROM charges WHERE payment_id = ?1 ORDER BY sequence").unwrap();
        st.query_map([pid(&s)], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
    });
    assert_eq!(waiting, [("sandbox_primary".into(), "failed".into()), ("sandbox_fallback".into(), "pending".into())]);
    retry_is_refused(&w, &token(&s));
    w.h.background.jobs.borrow_mut().clear(); // the Worker died before wait_until ran: the cron job settles it
    cron(&w);
    let p2 = w.payment(&pid(&s));
    assert_eq!(p2["status"], "SUCCEEDED", "{p2}");
    assert_eq!(w.charge_statuses(&p2), ["failed", "succeeded"]);
    assert_eq!(ledger(&w, &pid(&s)), [(format!("{}.a2", pid(&s)), "authorize".into(), "approved".into())]);
}

#[test]
fn three_ds_pass_with_a_lost_answer_sets_the_charge_pending_with_the_mark() {
    let w = World::new();
    let s = w.create(json!({}));
    let r = w.confirm_ok(&token(&s), "4000000000007049");
    let url = r["confirmResult"]["paymentNextAction"]["redirect_user_to_url"]["url"].as_str().unwrap().to_string();
    let id = url.rsplit('/').next().unwrap();
    let done =
        w.call(hsrc_edge::http::Method::Post, &format!("/v1/3ds/{id}/complete"), Some(json!({"result": "pass"})), None);
    assert_eq!(done.status, 200);
    let stored = w.h.db.with_conn(|c| {
        c.query_row("SELECT status FROM charges WHERE payment_id = ?1", [pid(&s)], |r| r.get::<_, String>(0)).unwrap()
    });
    assert_eq!(stored, "pending", "the pass batch set the charge pending before the provider call");
    retry_is_refused(&w, &token(&s));
    w.h.background.jobs.borrow_mut().clear();
    cron(&w);
    assert_eq!(w.payment(&pid(&s))["status"], "SUCCEEDED");
    assert_eq!(approvals(&w, &pid(&s)), 1);
}

#[test]
fn released_authorization_is_voided_by_the_cron_job() {
    let w = World::new();
    let s = w.create(json!({ "capture_method": "manual" }));
    let r = w.confirm_ok(&token(&s), "4000000000007106");
    assert_eq!(r["confirmResult"]["payment"]["status"], "AUTHORIZED");
    retry_is_refused(&w, &token(&s));
    cron(&w);
    assert_eq!(w.payment(&pid(&s))["status"], "AUTHORIZED", "not before the issuer releases it");
    w.h.runtime.advance_ms(w.h.config.sandbox_hold_ms);
    cron(&w);
    let p = w.payment(&pid(&s));
    assert_eq!(
        (p["status"].as_str(), p["cancellation_reason"].as_str()),
        (Some("CANCELLED"), Some("authorization_expired"))
    );
    let kinds: Vec<String> = ledger(&w, &pid(&s)).into_iter().map(|(_, k, o)| format!("{k}:{o}")).collect();
    assert_eq!(kinds, ["authorize:approved_hold", "void:done"]);
    let ev = events(&w, &pid(&s));
    let last = ev.last().unwrap();
    assert_eq!(last.0, "payment.canceled");
    assert_eq!(last.1["cancellation_reason"], "authorization_expired");
}

#[test]
fn authorizations_expire_after_seven_days() {
    let w = World::new();
    let s = w.create(json!({ "capture_method": "manual" }));
    w.confirm_ok(&token(&s), cards::SUCCESS);
    w.h.runtime.advance_ms(7 * 24 * 3600 * 1000 - 1000);
    cron(&w);
    assert_eq!(w.payment(&pid(&s))["status"], "AUTHORIZED");
    w.h.runtime.advance_ms(1000);
    cron(&w);
    let p = w.payment(&pid(&s));
    assert_eq!(
        (p["status"].as_str(), p["cancellation_reason"].as_str()),
        (Some("CANCELLED"), Some("authorization_expired"))
    );
}

#[test]
fn capture_and_void_reach_the_provider_and_say_why() {
    let w = World::new();
    let s = w.create(json!({ "capture_method": "manual" }));
    w.confirm_ok(&token(&s), cards::SUCCESS);
    let r = w.post(&format!("/v1/payments/{}/capture", pid(&s)), json!({ "amount": 5000 }));
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.json_body()["payment"]["amount_captured"], 5000);
    let kinds: Vec<String> = ledger(&w, &pid(&s)).into_iter().map(|(_, k, o)| format!("{k}:{o}")).collect();
    assert_eq!(kinds, ["authorize:approved_hold", "capture:done"]);

    let s = w.create(json!({ "capture_method": "manual" }));
    w.confirm_ok(&token(&s), cards::SUCCESS);
    let r = w.post(&format!("/v1/payments/{}/void", pid(&s)), json!({}));
    assert_eq!(r.status, 200);
    assert_eq!(r.json_body()["payment"]["cancellation_reason"], "voided");
    let ev = events(&w, &pid(&s));
    assert_eq!(ev.last().unwrap().0, "payment.canceled");
    assert_eq!(ev.last().unwrap().1["cancellation_reason"], "voided");
    // A second void is refused without reaching the provider again.
    assert_eq!(err_code(&w.post(&format!("/v1/payments/{}/void", pid(&s)), json!({}))).0, 409);
    assert_eq!(ledger(&w, &pid(&s)).len(), 2);
}

#[test]
fn cancellation_reasons_for_expiry_and_cancel() {
    let w = World::new();
    let s = w.create(json!({ "expires_in": 3 }));
    w.h.runtime.advance_ms(4000);
    cron(&w);
    assert_eq!(w.payment(&pid(&s))["cancellation_reason"], "expired");
    let s = w.create(json!({}));
    let r = w.post(&format!("/v1/checkout-sessions/{}/cancel", s["id"].as_str().unwrap()), json!({}));
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(w.payment(&pid(&s))["cancellation_reason"], "merchant_cancelled");
    let ev = events(&w, &pid(&s));
    assert_eq!(ev[0].0, "payment.canceled");
    assert_eq!(ev[0].1["cancellation_reason"], "merchant_cancelled");
}

#[test]
fn the_provider_answers_a_repeated_reference_with_its_first_answer() {
    let w = World::new();
    let ctx = w.h.ctx();
    let card = hsrc_shared::card::validate_card(
        &serde_json::from_value(json!({ "number": cards::SUCCESS, "exp_month": 12, "exp_year": 2034, "cvc": "123" }))
            .unwrap(),
        2026,
        11,
    )
    .unwrap();
    let acquirer = providers::acquirer("sandbox_primary").unwrap();
    let req = Authorize {
        reference: "pay_x.a1",
        instrument: Instrument::Card(&card),
        amount: 100,
        currency: "TRY",
        capture: true,
        deadline_ms: ctx.now_ms() + 1000,
    };
    let first = futures_executor::block_on(acquirer.authorize(&ctx, &req));
    let again = futures_executor::block_on(acquirer.authorize(&ctx, &req));
    assert!(matches!(first, Outcome::Approved(_)));
    assert_eq!(first, again);
    assert_eq!(ledger(&w, "pay_x").len(), 1);
    assert_eq!(providers::acquirer("no_such_provider").map(|a| a.name()), None);
}

/// A stop between the claim and the provider call: no write-off inside the window (the call may still be in
/// flight); after it, the attempt is written off and the payer may pay again. If the provider approves after all
/// (a request that arrived late), the cron job voids it and says so on the charge.
#[test]
fn write_off_only_on_no_record_after_the_window_and_late_approvals_are_voided() {
    use hsrc_edge::faults::{FaultDb, Faults, Mode};
    let confirm_on = |w: &World, s: &Value, faults: &Faults| {
        let db = FaultDb { inner: &w.h.db, faults };
        let ctx = hsrc_edge::platform::Ctx { db: &db, ..w.h.ctx() };
        let req = serde_json::from_value(json!({
            "payment_method": { "type": "card", "card": { "number": cards::SUCCESS, "exp_month": 12, "exp_year": 2034, "cvc": "123" } },
            "payer": { "name": "Ada Lovelace", "email": "ada@example.com" }
        }))
        .unwrap();
        let _ = futures_executor::block_on(hsrc_edge::payments::confirm::confirm(&ctx, &token(s), req, None));
    };
    // Where the sandbox ledger write is among a confirm's awaits (counted on a world of its own).
    let counted = World::new();
    let counting = Faults::new(None);
    confirm_on(&counted, &counted.create(json!({})), &counting);
    let at = counting.log.borrow().iter().position(|l| l == "write sandbox_ledger").unwrap() + 1;
    let w = World::new();
    let s = w.create(json!({}));
    let faults = Faults::new(Some((at, Mode::Before)));
    confirm_on(&w, &s, &faults);
    assert_eq!(faults.log.borrow()[at - 1], "write sandbox_ledger");
    assert!(ledger(&w, &pid(&s)).is_empty(), "the provider never got it");

    w.h.runtime.advance_ms(w.h.config.write_off_after_ms - 1000);
    cron(&w);
    assert_eq!(w.view(&token(&s))["status"], "PROCESSING", "inside the window nothing is written off");
    w.h.runtime.advance_ms(1000);
    cron(&w);
    assert_eq!(w.view(&token(&s))["status"], "PENDING");
    let p = w.payment(&pid(&s));
    assert_eq!(w.charge_statuses(&p), ["failed"]);

    // The lost request reaches the provider late and is approved.
    let card = hsrc_shared::card::validate_card(
        &serde_json::from_value(json!({ "number": cards::SUCCESS, "exp_month": 12, "exp_year": 2034, "cvc": "123" }))
            .unwrap(),
        2026,
        11,
    )
    .unwrap();
    let reference = format!("{}.a1", pid(&s));
    let ctx = w.h.ctx();
    let late = Authorize {
        reference: &reference,
        instrument: Instrument::Card(&card),
        amount: 12500,
        currency: "TRY",
        capture: true,
        deadline_ms: 0,
    };
    // The provider's side of it (the table's acquirers end every call at our deadline; the provider does not).
    let provider = hsrc_edge::providers::sandbox_acquirer::SandboxAcquirer::new("sandbox_primary");
    futures_executor::block_on(providers::Acquirer::authorize(&provider, &ctx, &late));
    cron(&w);
    let kinds: Vec<String> = ledger(&w, &pid(&s)).into_iter().map(|(_, k, o)| format!("{k}:{o}")).collect();
    assert_eq!(kinds, ["authorize:approved", "void:done"]);
    let p = w.payment(&pid(&s));
    assert!(p["charges"][0]["message"].as_str().unwrap().contains("voided automatically"), "{p}");
    // The ops console shows it on the charge.
    let ops = w.h.db.with_conn(|c| {
        c.query_row("SELECT message FROM charges WHERE payment_id = ?1", [pid(&s)], |r| r.get::<_, String>(0)).unwrap()
    });
    assert!(ops.contains("Approved late"));
    // And the payer can still pay: one live authorization in the end.
    w.confirm_ok(&token(&s), cards::SUCCESS);
    assert_eq!(w.payment(&pid(&s))["status"], "SUCCEEDED");
}

/// The reconciler visits waiting rows in order from its cursor; one row that fails does not stop the others.
#[test]
fn one_bad_row_never_stops_the_reconciler() {
    let w = World::new();
    let bad = w.create(json!({}));
    w.confirm_ok(&token(&bad), "4000000000007015");
    let good = w.create(json!({}));
    w.confirm_ok(&token(&good), "4000000000007015");
    w.h.background.jobs.borrow_mut().clear();
    // Break the first session's payment row so loading it fails.
    w.h.db.with_conn(|c| c.execute("UPDATE payments SET status = 'NOT_A_STATUS' WHERE id = ?1", [pid(&bad)])).unwrap();
    let pass = futures_executor::block_on(payments::reconcile::reconcile_due(&w.h.ctx(), 100)).unwrap();
    assert_eq!((pass.visited, pass.settled, pass.errors.len()), (2, 1, 1), "{pass:?}");
    assert_eq!(w.view(&token(&good))["status"], "COMPLETED");

    // With a batch of one, consecutive passes walk the backlog in order instead of retrying the head.
    let w = World::new();
    let mut tokens = Vec::new();
    for _ in 0..3 {
        let s = w.create(json!({}));
        w.confirm_ok(&token(&s), "4000000000007015");
        w.h.runtime.advance_ms(10);
        tokens.push(token(&s));
    }
    w.h.background.jobs.borrow_mut().clear();
    for (i, t) in tokens.iter().enumerate() {
        let pass = futures_executor::block_on(payments::reconcile::reconcile_due(&w.h.ctx(), 1)).unwrap();
        assert_eq!(pass.settled, 1, "pass {i}");
        assert_eq!(w.view(t)["status"], "COMPLETED");
    }
}

/// What a 3DS pass that stopped mid-way left before #12 (challenge passed, payment PROCESSING, charge still
/// `requires_action`) is reconciled too: looked up, then written off after the window, the payer may pay again.
#[test]
fn legacy_requires_action_charge_on_a_processing_payment_is_reconciled() {
    let w = World::new();
    let s = w.create(json!({}));
    w.confirm_ok(&token(&s), "4000000000003220");
    w.h.db
        .with_conn(|c| {
            c.execute_batch(&format!(
                "UPDATE challenges SET status = 'passed' WHERE payment_id = '{0}';
                 UPDATE payments SET status = 'PROCESSING', version = version + 1 WHERE id = '{0}';",
                pid(&s)
            ))
        })
        .unwrap();
    w.h.runtime.advance_ms(w.h.config.write_off_after_ms);
    cron(&w);
    assert_eq!(w.view(&token(&s))["status"], "PENDING");
    assert_eq!(w.payment(&pid(&s))["status"], "REQUIRES_PAYMENT_METHOD");
}
