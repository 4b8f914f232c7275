//! The payments engine as a client sees it: every sandbox card, 3DS, async outcomes, routing and fallback, payer
//! retries, manual capture and void, expiry, cancel. Each scenario runs natively and against the local Worker.

use crate::cards;
use crate::checkout::{challenge_id, redirect_url, Checkout, Request};
use hsrc_shared::api::{ChallengeEnvelope, ChallengeStatus, PayerSessionEnvelope, Payment, PaymentEnvelope};
use hsrc_shared::lifecycle::{ChargeStatus, PaymentStatus, SessionStatus};
use serde_json::json;

/// (provider, status) of each charge, in order.
fn charges(p: &Payment) -> Vec<(&str, ChargeStatus)> {
    p.charges.iter().map(|c| (c.provider.as_str(), c.status)).collect()
}

fn statuses(p: &Payment) -> Vec<ChargeStatus> {
    p.charges.iter().map(|c| c.status).collect()
}

pub fn success_cards_complete_the_session(c: &dyn Checkout) {
    for card in [cards::SUCCESS, cards::SUCCESS_MASTERCARD] {
        let s = c.create_session(json!({}));
        let r = c.confirm_ok(&s.token, card);
        assert_eq!(r.checkout_session.status, SessionStatus::Completed);
        let p = c.payment(&s.payment_id);
        assert_eq!((p.status, p.amount_captured), (PaymentStatus::Succeeded, 12500));
        assert_eq!(charges(&p), [("sandbox_primary", ChargeStatus::Succeeded)]);
        assert_eq!(
            c.event_types(&s.payment_id),
            ["charge.succeeded", "payment.succeeded", "checkout_session.completed"]
        );
    }
}

pub fn each_decline_card_asks_for_another_method_with_its_code(c: &dyn Checkout) {
    for (card, code) in [
        (cards::DECLINED, "card_declined"),
        (cards::INSUFFICIENT_FUNDS, "insufficient_funds"),
        (cards::EXPIRED, "expired_card"),
        (cards::INCORRECT_CVC, "incorrect_cvc"),
    ] {
        let s = c.create_session(json!({}));
        let r = c.confirm_ok(&s.token, card);
        assert_eq!(r.checkout_session.status, SessionStatus::Pending, "{code}");
        let summary = &r.confirm_result.payment;
        assert_eq!(summary.status, PaymentStatus::RequiresPaymentMethod);
        assert_eq!(summary.last_error.as_ref().and_then(|e| e.decline_code.as_deref()), Some(code));
        let p = c.payment(&s.payment_id);
        assert_eq!(p.status, PaymentStatus::RequiresPaymentMethod);
        let charge = &p.charges[0];
        assert_eq!((charge.status, charge.decline_code.as_deref()), (ChargeStatus::Declined, Some(code)));
        assert!(charge.message.is_some(), "a decline carries words for the merchant");
        assert_eq!(c.event_types(&s.payment_id), ["charge.declined"]);
    }
}

pub fn attempts_run_out_then_the_session_fails(c: &dyn Checkout) {
    let s = c.create_session(json!({ "max_attempts": 2 }));
    assert_eq!(c.confirm_ok(&s.token, cards::DECLINED).checkout_session.attempts_remaining, 1);
    let r = c.confirm_ok(&s.token, cards::INSUFFICIENT_FUNDS);
    assert_eq!(
        (r.checkout_session.status, r.confirm_result.payment.status),
        (SessionStatus::Failed, PaymentStatus::Failed)
    );
    assert_eq!(
        c.event_types(&s.payment_id),
        ["charge.declined", "charge.declined", "payment.failed", "checkout_session.failed"]
    );
    c.confirm(&s.token, cards::SUCCESS).expect_error(409, "session_not_open");
}

pub fn three_ds_challenge_passes_inside_the_checkout(c: &dyn Checkout) {
    let s = c.create_session(json!({}));
    let r = c.confirm_ok(&s.token, cards::THREE_DS);
    assert_eq!(
        (r.checkout_session.status, r.confirm_result.payment.status),
        (SessionStatus::Processing, PaymentStatus::RequiresAction)
    );
    let url = redirect_url(r.confirm_result.payment_next_action.as_ref()).expect("a 3DS redirect").to_string();
    assert!(url.starts_with(&format!("{}/checkout/3ds/", c.origin())), "the challenge is served by the edge: {url}");
    assert!(!url.contains(&s.token), "the challenge URL carries no session token");
    let id = challenge_id(&r);

    let view = c.payer_get(&format!("/v1/3ds/{id}")).typed::<ChallengeEnvelope>(200).challenge;
    assert_eq!((view.status, view.card_last4.as_deref()), (ChallengeStatus::Pending, Some(&cards::THREE_DS[12..])));
    let done = c.complete_challenge(&id, "pass").typed::<ChallengeEnvelope>(200).challenge;
    assert_eq!(done.status, ChallengeStatus::Passed);
    assert_eq!(c.payer_view(&s.token).status, SessionStatus::Completed);
    assert_eq!(c.payment(&s.payment_id).status, PaymentStatus::Succeeded);
    assert_eq!(
        c.event_types(&s.payment_id),
        ["payment.requires_action", "charge.succeeded", "payment.succeeded", "checkout_session.completed"]
    );
    // A finished challenge cannot be replayed.
    c.complete_challenge(&id, "fail").expect_error(409, "state_conflict");
}

pub fn failed_challenge_returns_the_session_to_the_payer(c: &dyn Checkout) {
    let s = c.create_session(json!({}));
    let r = c.confirm_ok(&s.token, cards::THREE_DS);
    c.complete_challenge(&challenge_id(&r), "fail").expect(200);
    let v = c.payer_view(&s.token);
    assert_eq!((v.status, v.payment.status), (SessionStatus::Pending, PaymentStatus::RequiresPaymentMethod));
    assert_eq!(v.payment.last_error.and_then(|e| e.decline_code).as_deref(), Some("authentication_failed"));
    assert_eq!(c.confirm_ok(&s.token, cards::SUCCESS).checkout_session.status, SessionStatus::Completed);
}

pub fn secure_mode_challenges_every_card_then_applies_its_outcome(c: &dyn Checkout) {
    let s = c.create_session(json!({ "secure_mode": true }));
    let r = c.confirm_ok(&s.token, cards::INSUFFICIENT_FUNDS);
    assert_eq!(r.confirm_result.payment.status, PaymentStatus::RequiresAction);
    c.complete_challenge(&challenge_id(&r), "pass").expect(200);
    let v = c.payer_view(&s.token);
    assert_eq!(v.payment.last_error.and_then(|e| e.decline_code).as_deref(), Some("insufficient_funds"));
    let r = c.confirm_ok(&s.token, cards::SUCCESS);
    assert_eq!(r.confirm_result.payment.status, PaymentStatus::RequiresAction, "secure mode challenges the retry too");
    c.complete_challenge(&challenge_id(&r), "pass").expect(200);
    assert_eq!(c.payment(&s.payment_id).status, PaymentStatus::Succeeded);
}

pub fn timeouts_stay_processing_then_settle_in_the_background(c: &dyn Checkout) {
    for (card, session, payment, charge) in [
        (cards::TIMEOUT_THEN_SUCCESS, SessionStatus::Completed, PaymentStatus::Succeeded, ChargeStatus::Succeeded),
        (
            cards::TIMEOUT_THEN_DECLINE,
            SessionStatus::Pending,
            PaymentStatus::RequiresPaymentMethod,
            ChargeStatus::Declined,
        ),
    ] {
        let s = c.create_session(json!({}));
        let confirm = c.confirm(&s.token, card);
        let confirm_request = confirm.header("request-id").map(str::to_string);
        let r: hsrc_shared::api::ConfirmResponse = confirm.typed(200);
        assert_eq!(
            (r.checkout_session.status, r.confirm_result.payment.status),
            (SessionStatus::Processing, PaymentStatus::Processing)
        );
        // Not settled yet: reads leave it processing.
        assert_eq!(c.payment(&s.payment_id).status, PaymentStatus::Processing);
        assert_eq!(c.payer_view(&s.token).status, SessionStatus::Processing);
        assert_eq!(c.settle(&s.token).status, session, "{card}");
        let p = c.payment(&s.payment_id);
        assert_eq!((p.status, statuses(&p)), (payment, vec![charge]));
        // The outcome's events carry the id of the run that resolved it, not the confirm's.
        let page: hsrc_shared::api::List<hsrc_shared::api::Event> =
            c.get(&format!("/v1/events?payment_id={}&limit=1", s.payment_id)).typed(200);
        let resolved_by = page.data[0].request_id.clone().expect("async events carry a request id");
        assert_ne!(Some(resolved_by), confirm_request, "{card}");
    }
}

pub fn primary_down_falls_back_and_records_both_charges(c: &dyn Checkout) {
    let s = c.create_session(json!({}));
    assert_eq!(c.confirm_ok(&s.token, cards::PRIMARY_DOWN).checkout_session.status, SessionStatus::Completed);
    let p = c.payment(&s.payment_id);
    assert_eq!(p.status, PaymentStatus::Succeeded);
    let seen: Vec<_> = p.charges.iter().map(|ch| (ch.provider.as_str(), ch.status, ch.sequence)).collect();
    assert_eq!(seen, [("sandbox_primary", ChargeStatus::Failed, 1), ("sandbox_fallback", ChargeStatus::Succeeded, 2)]);
    assert_eq!(
        c.event_types(&s.payment_id),
        ["charge.failed", "charge.succeeded", "payment.succeeded", "checkout_session.completed"]
    );
}

pub fn every_provider_down_is_a_processing_error_with_one_charge_each(c: &dyn Checkout) {
    let s = c.create_session(json!({}));
    let r = c.confirm_ok(&s.token, cards::ALL_DOWN);
    assert_eq!(r.checkout_session.status, SessionStatus::Pending);
    assert_eq!(r.confirm_result.payment.last_error.map(|e| e.code).as_deref(), Some("processing_error"));
    let p = c.payment(&s.payment_id);
    assert_eq!(p.status, PaymentStatus::RequiresPaymentMethod);
    assert_eq!(charges(&p), [("sandbox_primary", ChargeStatus::Failed), ("sandbox_fallback", ChargeStatus::Failed)]);
}

pub fn a_final_decline_never_falls_back(c: &dyn Checkout) {
    let s = c.create_session(json!({}));
    c.confirm_ok(&s.token, cards::DECLINED);
    assert_eq!(c.payment(&s.payment_id).charges.len(), 1);
}

pub fn manual_capture_authorizes_then_captures_part(c: &dyn Checkout) {
    let s = c.create_session(json!({ "capture_method": "manual" }));
    let r = c.confirm_ok(&s.token, cards::SUCCESS);
    assert_eq!(
        (r.checkout_session.status, r.confirm_result.payment.status),
        (SessionStatus::Completed, PaymentStatus::Authorized)
    );
    assert_eq!(c.event_types(&s.payment_id), ["charge.succeeded", "payment.authorized", "checkout_session.completed"]);
    let capture = format!("/v1/payments/{}/capture", s.payment_id);
    c.post(&capture, json!({ "amount": 99999 })).expect_error(400, "amount_invalid");
    let p = c.post(&capture, json!({ "amount": 10000 })).typed::<PaymentEnvelope>(200).payment;
    assert_eq!((p.status, p.amount_captured), (PaymentStatus::Succeeded, 10000));
    c.post(&capture, json!({})).expect_error(409, "state_conflict");
    c.post(&format!("/v1/payments/{}/void", s.payment_id), json!({})).expect_error(409, "state_conflict");
}

pub fn a_capture_retried_with_its_idempotency_key_replays(c: &dyn Checkout) {
    let s = c.create_session(json!({ "capture_method": "manual" }));
    c.confirm_ok(&s.token, cards::SUCCESS);
    let path = format!("/v1/payments/{}/capture", s.payment_id);
    let key = format!("cap-{}", s.payment_id);
    let capture = || {
        c.send(
            Request::new("POST", &path)
                .key(&c.secret_key())
                .json(json!({ "amount": 5000 }))
                .header("idempotency-key", &key),
        )
    };
    let (a, b) = (capture(), capture());
    assert_eq!((a.status, b.text.as_str()), (200, a.text.as_str()), "capture is idempotent");
    assert_eq!(a.typed::<PaymentEnvelope>(200).payment.amount_captured, 5000);
    c.post(&path, json!({})).expect_error(409, "state_conflict");
}

pub fn void_releases_an_authorization(c: &dyn Checkout) {
    let s = c.create_session(json!({ "capture_method": "manual" }));
    c.confirm_ok(&s.token, cards::SUCCESS_MASTERCARD);
    let p = c.post(&format!("/v1/payments/{}/void", s.payment_id), json!({})).typed::<PaymentEnvelope>(200).payment;
    assert_eq!(p.status, PaymentStatus::Cancelled);
    assert_eq!(c.event_types(&s.payment_id).last().map(String::as_str), Some("payment.canceled"));
    c.post(&format!("/v1/payments/{}/capture", s.payment_id), json!({})).expect_error(409, "state_conflict");
    let listed: hsrc_shared::api::List<Payment> = c.get("/v1/payments?status=CANCELLED&limit=100").typed(200);
    assert!(listed.data.iter().any(|p| p.id == s.payment_id), "the voided payment is listed as CANCELLED");
}

pub fn sessions_expire_on_read_and_by_the_job_but_not_mid_payment(c: &dyn Checkout) {
    let idle = c.create_session(json!({ "expires_in": 3 }));
    let read = c.create_session(json!({ "expires_in": 3 }));
    let busy = c.create_session(json!({ "expires_in": 3 }));
    c.confirm_ok(&busy.token, cards::TIMEOUT_THEN_SUCCESS);
    c.elapse(4_000);
    let v = c.payer_view(&read.token);
    assert_eq!((v.status, v.payment.status), (SessionStatus::Expired, PaymentStatus::Cancelled));
    c.confirm(&read.token, cards::SUCCESS).expect_error(410, "session_expired");
    c.payer_post(&format!("/v1/checkout-sessions/token/{}/payer", read.token), json!({ "name": "Late" }))
        .expect_error(410, "session_expired");
    // The scheduled job expires sessions nobody reads.
    let ran = c.run_jobs();
    assert!(ran.is_none_or(|r| r.expired == 1), "the job expired exactly the unread session: {ran:?}");
    let got: hsrc_shared::api::SessionEnvelope = c.get(&format!("/v1/checkout-sessions/{}", idle.id)).typed(200);
    assert_eq!(got.checkout_session.status, SessionStatus::Expired);
    assert_eq!(c.payment(&idle.payment_id).status, PaymentStatus::Cancelled);
    assert_eq!(c.event_types(&idle.payment_id), ["payment.canceled", "checkout_session.expired"]);
    // The in-flight payment finished first and completed despite the deadline.
    assert_eq!(c.settle(&busy.token).status, SessionStatus::Completed);
}

pub fn payer_cancel_and_merchant_cancel_only_while_open(c: &dyn Checkout) {
    let s = c.create_session(json!({}));
    let r: PayerSessionEnvelope =
        c.payer_post(&format!("/v1/checkout-sessions/token/{}/cancel", s.token), json!({})).typed(200);
    assert_eq!(r.checkout_session.status, SessionStatus::Cancelled);
    let busy = c.create_session(json!({}));
    c.confirm_ok(&busy.token, cards::TIMEOUT_THEN_SUCCESS);
    c.post(&format!("/v1/checkout-sessions/{}/cancel", busy.id), json!({})).expect_error(409, "session_processing");
}

pub fn confirm_on_a_processing_session_is_refused_without_a_charge(c: &dyn Checkout) {
    let s = c.create_session(json!({}));
    c.confirm_ok(&s.token, cards::TIMEOUT_THEN_SUCCESS);
    c.confirm(&s.token, cards::SUCCESS).expect_error(409, "session_processing");
    assert_eq!(c.payment(&s.payment_id).charges.len(), 1);
}

#[macro_export]
macro_rules! payments_engine_scenarios {
    ($make:expr) => {
        $crate::scenario_tests!(
            $make,
            payments_engine,
            success_cards_complete_the_session,
            each_decline_card_asks_for_another_method_with_its_code,
            attempts_run_out_then_the_session_fails,
            three_ds_challenge_passes_inside_the_checkout,
            failed_challenge_returns_the_session_to_the_payer,
            secure_mode_challenges_every_card_then_applies_its_outcome,
            timeouts_stay_processing_then_settle_in_the_background,
            primary_down_falls_back_and_records_both_charges,
            every_provider_down_is_a_processing_error_with_one_charge_each,
            a_final_decline_never_falls_back,
            manual_capture_authorizes_then_captures_part,
            a_capture_retried_with_its_idempotency_key_replays,
            void_releases_an_authorization,
            sessions_expire_on_read_and_by_the_job_but_not_mid_payment,
            payer_cancel_and_merchant_cancel_only_while_open,
            confirm_on_a_processing_session_is_refused_without_a_charge,
        );
    };
}
