//! Two writers on one payment (#12, the class of the intermittent e2e 500): another request's work runs right after
//! a chosen await of the first (`faults::Interleave`), so the first one's guarded batch loses its compare-and-set.
//! Losing to a writer that recorded the same provider answer is not an error: the caller gets the settled state
//! (200), never a 409 for money that moved, nor a 500; and the money moved once.

mod common;

use common::World;
use hsrc_edge::faults::Interleave;
use hsrc_edge::payments::{self, confirm, operations};
use hsrc_edge::platform::Ctx;
use hsrc_edge::sessions;
use hsrc_shared::test_cards as cards;
use serde_json::{json, Value};

fn confirm_request(number: &str) -> hsrc_shared::api::ConfirmRequest {
    serde_json::from_value(json!({
        "payment_method": { "type": "card", "card": { "number": number, "exp_month": 12, "exp_year": 2034, "cvc": "123" } },
        "payer": { "name": "Ada Lovelace", "email": "ada@example.com" }
    }))
    .unwrap()
}

fn approvals(w: &World, payment_id: &str) -> i64 {
    w.h.db.with_conn(|c| {
        c.query_row(
            "SELECT COUNT(*) FROM sandbox_ledger WHERE kind = 'authorize' AND outcome LIKE 'approved%' AND substr(reference, 1, length(?1)) = ?1",
            [format!("{payment_id}.a")],
            |r| r.get(0),
        )
        .unwrap()
    })
}

fn count(types: &[String], kind: &str) -> usize {
    types.iter().filter(|t| *t == kind).count()
}

/// A payer's poll (the read path's reconcile) that runs while `first` is between two awaits.
async fn payer_poll(ctx: &Ctx<'_>, merchant_id: &str, session_id: &str) {
    let session = sessions::load(ctx, merchant_id, session_id).await.unwrap();
    confirm::reconcile_if_waiting(ctx, session).await.unwrap();
}

#[test]
fn a_confirm_whose_answer_a_payer_poll_settled_first_answers_with_the_settled_payment() {
    let w = World::new();
    let s = w.create(json!({}));
    let (token, pid, sid) =
        (s["token"].as_str().unwrap(), s["payment_id"].as_str().unwrap(), s["id"].as_str().unwrap());
    let other = w.h.ctx();
    let healthy = w.h.ctx();
    // The provider has recorded its approval; before the confirm settles it, a poll looks it up and settles it.
    let db = Interleave::new(healthy.db, "write sandbox_ledger", payer_poll(&other, &w.m.id, sid));
    let ctx = Ctx { db: &db, ..w.h.ctx() };
    let answer = futures_executor::block_on(confirm::confirm(&ctx, token, confirm_request(cards::SUCCESS), None));
    assert!(db.ran(), "the poll ran in between");
    let answer = answer.unwrap_or_else(|e| panic!("the confirm must answer with the settled payment, got {e:?}"));
    assert_eq!(answer.confirm_result.payment.status.as_str(), "SUCCEEDED");
    assert_eq!(w.payment(pid)["status"], "SUCCEEDED");
    assert_eq!(approvals(&w, pid), 1);
    assert_eq!(count(&w.event_types(pid), "payment.succeeded"), 1);
}

#[test]
fn a_3ds_pass_whose_answer_the_cron_settled_first_shows_the_settled_challenge() {
    let w = World::new();
    let s = w.create(json!({}));
    let (token, pid) = (s["token"].as_str().unwrap(), s["payment_id"].as_str().unwrap());
    let r = w.confirm_ok(token, "4000000000003220");
    let url = r["confirmResult"]["paymentNextAction"]["redirect_user_to_url"]["url"].as_str().unwrap().to_string();
    let challenge = url.rsplit('/').next().unwrap().to_string();
    let other = w.h.ctx();
    let healthy = w.h.ctx();
    let cron = async {
        payments::reconcile::reconcile_due(&other, 100).await.unwrap();
    };
    let db = Interleave::new(healthy.db, "write sandbox_ledger", cron);
    let ctx = Ctx { db: &db, ..w.h.ctx() };
    let view = futures_executor::block_on(confirm::complete_challenge(&ctx, &challenge, true));
    assert!(db.ran());
    let view = view.unwrap_or_else(|e| panic!("the pass must answer with the challenge, got {e:?}"));
    assert_eq!(view.status, hsrc_shared::api::challenges::ChallengeStatus::Passed);
    assert_eq!(w.payment(pid)["status"], "SUCCEEDED");
    assert_eq!(approvals(&w, pid), 1);
    assert_eq!(count(&w.event_types(pid), "payment.succeeded"), 1);
}

#[test]
fn a_capture_the_cron_finished_first_answers_with_the_captured_payment() {
    let w = World::new();
    let s = w.create(json!({ "capture_method": "manual" }));
    let (token, pid) = (s["token"].as_str().unwrap(), s["payment_id"].as_str().unwrap());
    w.confirm_ok(token, cards::SUCCESS);
    let other = w.h.ctx();
    let healthy = w.h.ctx();
    let cron = async {
        operations::reconcile_operations(&other, 100).await.unwrap();
    };
    // The provider has captured; the cron pass looks the pending capture up and finishes it first.
    let db = Interleave::new(healthy.db, "write sandbox_ledger", cron);
    let ctx = Ctx { db: &db, ..w.h.ctx() };
    let merchant = w.m.id.clone();
    let captured = futures_executor::block_on(payments::capture(&ctx, &merchant, pid, Default::default()));
    assert!(db.ran());
    let captured = captured.unwrap_or_else(|e| panic!("the capture must answer with the payment, got {e:?}"));
    assert_eq!(captured.status.as_str(), "SUCCEEDED");
    let p: Value = w.payment(pid);
    assert_eq!(p["status"], "SUCCEEDED");
    assert_eq!(count(&w.event_types(pid), "payment.succeeded"), 1);
}
