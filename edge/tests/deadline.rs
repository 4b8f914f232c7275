//! The provider deadline of the seam (#12, `providers::deadline`): a call past its deadline is never sent, one
//! that started and did not answer in time is an unknown outcome at exactly the deadline (the test clock moves with
//! the platform's timer), and every acquirer of the table keeps it.

use hsrc_edge::providers::deadline::{authorize_within, lookup_within, operation_within};
use hsrc_edge::providers::{Lookup, OpOutcome, Outcome};
use hsrc_testkit::native::Harness;
use std::cell::Cell;

#[test]
fn a_provider_that_never_answers_is_unknown_at_the_deadline_not_before() {
    let h = Harness::new();
    let ctx = h.ctx();
    let start = ctx.now_ms();
    let deadline = start + ctx.config.provider_deadline_ms;
    let outcome = futures_executor::block_on(authorize_within(&ctx, deadline, futures::future::pending()));
    assert!(matches!(outcome, Outcome::Unknown { .. }), "{outcome:?}");
    // The timer ran for exactly the time left (the test clock moves with it).
    assert_eq!(ctx.now_ms(), deadline);
    assert_eq!(ctx.config.provider_deadline_ms, 8_000);
    assert!(ctx.config.provider_deadline_ms < ctx.config.write_off_after_ms);
}

#[test]
fn an_answer_in_time_is_the_answer() {
    let h = Harness::new();
    let ctx = h.ctx();
    let deadline = ctx.now_ms() + 8_000;
    let done = futures_executor::block_on(operation_within(&ctx, deadline, async { OpOutcome::Done }));
    assert_eq!(done, OpOutcome::Done);
    let found = futures_executor::block_on(lookup_within(&ctx, async { Lookup::<Outcome>::NotFound }));
    assert_eq!(found, Lookup::NotFound);
}

#[test]
fn past_the_deadline_nothing_is_sent() {
    let h = Harness::new();
    let ctx = h.ctx();
    let sent = Cell::new(false);
    let call = async {
        sent.set(true);
        Outcome::Approved(hsrc_edge::providers::Approval { captured: true, authorization_expires_at: None })
    };
    let outcome = futures_executor::block_on(authorize_within(&ctx, ctx.now_ms(), call));
    assert!(matches!(outcome, Outcome::Unavailable { .. }), "{outcome:?}");
    assert!(!sent.get(), "a call past its deadline must not start");
    let slow = futures_executor::block_on(lookup_within(&ctx, futures::future::pending::<Lookup<OpOutcome>>()));
    assert!(matches!(slow, Lookup::Unreachable { .. }));
}

#[test]
fn every_acquirer_of_the_table_keeps_the_deadline() {
    let h = Harness::new();
    let ctx = h.ctx();
    for name in hsrc_edge::providers::known_providers() {
        let acquirer = hsrc_edge::providers::acquirer(name).unwrap();
        let req = hsrc_edge::providers::Authorize {
            reference: "pay_deadline.a1",
            instrument: hsrc_edge::providers::Instrument::Vaulted("tok_unknown"),
            amount: 100,
            currency: "TRY",
            capture: true,
            deadline_ms: ctx.now_ms(),
        };
        // The sandbox alone would decline an unknown token; past its deadline the call never starts.
        let outcome = futures_executor::block_on(acquirer.authorize(&ctx, &req));
        assert!(matches!(outcome, Outcome::Unavailable { .. }), "{name}: {outcome:?}");
    }
}
