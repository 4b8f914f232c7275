//! Fault injection over the payments engine (#12): every path that can move money (confirm, fallback, 3DS pass and
//! fail, capture, void, reconcile, authorization expiry) is run once to count its awaits, then once per await and
//! per mode with the request stopped there (`faults::Mode::Before`: the call never took effect; `After`: it took
//! effect and its answer was lost). After each stop the clock moves past every window and ONE cron pass runs; then
//! the invariants must hold:
//! 1. no authorization in the provider's ledger without a charge row carrying its reference;
//! 2. no session still PROCESSING;
//! 3. never two live authorizations for one payment;
//! 4. the merchant's last payment event (and the payment's status) matches the provider's ledger.
//!
//! Each path's awaits are pinned by label: a path that gains an await fails here until the list (and so the
//! coverage) is updated.

mod common;

use common::World;
use hsrc_edge::faults::{FaultCache, FaultDb, FaultQueue, Faults, Mode};
use hsrc_edge::http::{ApiRequest, Method};
use hsrc_edge::jobs::scheduled;
use hsrc_edge::payments::{self, confirm};
use hsrc_edge::platform::Ctx;
use serde_json::{json, Value};

/// What a path's setup leaves for its faulted step.
struct Prepared {
    token: String,
    payment_id: String,
    merchant_id: String,
    challenge_id: Option<String>,
}

type Setup = fn(&World) -> Prepared;
type Step = fn(&Ctx<'_>, &Prepared);

fn session(w: &World, extra: Value) -> Prepared {
    let s = w.create(extra);
    Prepared {
        token: s["token"].as_str().unwrap().into(),
        payment_id: s["payment_id"].as_str().unwrap().into(),
        merchant_id: w.m.id.clone(),
        challenge_id: None,
    }
}

fn confirm_body(number: &str) -> Value {
    json!({
        "payment_method": { "type": "card", "card": { "number": number, "exp_month": 12, "exp_year": 2034, "cvc": "123" } },
        "payer": { "name": "Ada Lovelace", "email": "ada@example.com" }
    })
}

fn confirm_request(number: &str) -> hsrc_shared::api::ConfirmRequest {
    serde_json::from_value(confirm_body(number)).unwrap()
}

fn run_confirm(ctx: &Ctx<'_>, p: &Prepared, number: &str) {
    let _ = futures_executor::block_on(confirm::confirm(ctx, &p.token, confirm_request(number), None));
}

const KEY: &str = "fault-1";

/// The payer's confirm through the whole pipeline, with the Idempotency-Key [`KEY`].
fn keyed_confirm(ctx: &Ctx<'_>, p: &Prepared, number: &str) -> hsrc_edge::http::ApiResponse {
    let req = ApiRequest::new(Method::Post, &format!("/v1/checkout-sessions/token/{}/confirm", p.token))
        .with_header("idempotency-key", KEY)
        .with_json(&confirm_body(number));
    futures_executor::block_on(hsrc_edge::pipeline::handle(ctx, req))
}

/// Setup for 3DS paths: confirmed with a challenge card, the challenge id kept.
fn challenged(w: &World, number: &str) -> Prepared {
    let mut p = session(w, json!({}));
    let r = w.confirm_ok(&p.token, number);
    let url = r["confirmResult"]["paymentNextAction"]["redirect_user_to_url"]["url"].as_str().unwrap().to_string();
    p.challenge_id = Some(url.rsplit('/').next().unwrap().to_string());
    p
}

fn authorized(w: &World) -> Prepared {
    let p = session(w, json!({ "capture_method": "manual" }));
    w.confirm_ok(&p.token, "4242424242424242");
    assert_eq!(w.payment(&p.payment_id)["status"], "AUTHORIZED");
    p
}

struct Path {
    name: &'static str,
    setup: Setup,
    step: Step,
    /// The awaits of the path, in order (labels from `faults::label_of`).
    awaits: Vec<&'static str>,
}

/// Every checkout confirm starts so: one trip by the token for the session, its merchant and payment, the next
/// attempt number, the card-testing reads and the payment's trail (the card's budget and the breaker's ratio are
/// checked inside the claim batch).
const CONFIRM: &[&str] = &[
    "read checkout_sessions + read merchants + read payments + read charges + read merchant_breakers + read card_declines + read charges + read transitions",
];
/// The claim of session, payment and first attempt (the attempt row before any provider call), with the card's
/// attempt counted against its budget.
const CLAIM: &[&str] = &["write card_attempts+checkout_sessions+payments+charges"];
/// A failed primary's attempt closed and the fallback's opened, its event queued (the batch names its deliveries).
const FALL_BACK: &[&str] = &["write charges"];
const AUTHORIZE: &[&str] = &["write sandbox_ledger"];
/// Settling an approved attempt: the outcome batch (its card attempts marked settled), its deliveries queued from
/// the batch's own answer (the confirm read the trail before its claim) ...
const SETTLE: &[&str] = &["write charges+card_attempts+payments+checkout_sessions"];
/// ... or the trail read first, where other attempts were written since (a fallback, 3DS, the reconciler).
const TRAIL: &[&str] = &["read charges + read transitions"];

/// A passed 3DS challenge up to its authorization: the challenge, its payment, session and attempt; the mark;
/// the merchant and the vaulted card.
const CHALLENGE_PASS: &[&str] = &[
    "read challenges",
    "read payments",
    "read checkout_sessions",
    "read charges",
    "write challenges+payments+charges",
    "read merchants",
    "read sandbox_operations",
];
/// The 3DS page's answer: the challenge as it is now.
const CHALLENGE_ANSWER: &[&str] = &["read challenges", "read payments", "read merchants"];

/// The payer's confirm with a key: the token's check, the key's row and the confirm's first reads in one round
/// trip that only reads; the key then rides the confirm's batches (claimed with the attempt, answered with the
/// outcome), so it adds no write of its own.
const KEYED_CONFIRM: &[&str] = &["read checkout_sessions + read idempotency_keys + read checkout_sessions + read merchants + read payments + read charges + read merchant_breakers + read card_declines + read charges + read transitions"];
const KEYED_CLAIM: &[&str] = &["write idempotency_keys+card_attempts+checkout_sessions+payments+charges"];
const KEYED_SETTLE: &[&str] = &["write charges+card_attempts+payments+checkout_sessions+idempotency_keys"];
/// The key's answer stored after the confirm, where no batch of the confirm's wrote it (an outcome still unknown).
const KEY_FINISH: &[&str] = &["write idempotency_keys"];

/// A path's awaits from its parts, in order.
fn awaits(parts: &[&[&'static str]]) -> Vec<&'static str> {
    parts.concat()
}

fn paths() -> Vec<Path> {
    vec![
        Path {
            name: "confirm: approve (4242)",
            setup: |w| session(w, json!({})),
            step: |ctx, p| run_confirm(ctx, p, "4242424242424242"),
            awaits: awaits(&[CONFIRM, CLAIM, AUTHORIZE, SETTLE]),
        },
        Path {
            name: "confirm through the pipeline with an Idempotency-Key (4242)",
            setup: |w| session(w, json!({})),
            step: |ctx, p| {
                keyed_confirm(ctx, p, "4242424242424242");
            },
            awaits: awaits(&[KEYED_CONFIRM, KEYED_CLAIM, AUTHORIZE, KEYED_SETTLE]),
        },
        Path {
            name: "confirm: primary down, fallback approves (8013)",
            setup: |w| session(w, json!({})),
            step: |ctx, p| run_confirm(ctx, p, "4000000000008013"),
            awaits: awaits(&[CONFIRM, CLAIM, FALL_BACK, AUTHORIZE, TRAIL, SETTLE]),
        },
        Path {
            name: "confirm: response lost (7015)",
            setup: |w| session(w, json!({})),
            step: |ctx, p| run_confirm(ctx, p, "4000000000007015"),
            awaits: awaits(&[CONFIRM, CLAIM, AUTHORIZE]),
        },
        Path {
            name: "confirm: fallback response lost (7031)",
            setup: |w| session(w, json!({})),
            step: |ctx, p| run_confirm(ctx, p, "4000000000007031"),
            awaits: awaits(&[CONFIRM, CLAIM, FALL_BACK, AUTHORIZE]),
        },
        Path {
            name: "confirm: decline (0002)",
            setup: |w| session(w, json!({})),
            step: |ctx, p| run_confirm(ctx, p, "4000000000000002"),
            awaits: awaits(&[
                CONFIRM,
                CLAIM,
                AUTHORIZE,
                &["write charges+card_declines+card_attempts+payments+checkout_sessions"],
            ]),
        },
        Path {
            name: "confirm: 3DS challenge starts (3220)",
            setup: |w| session(w, json!({})),
            step: |ctx, p| run_confirm(ctx, p, "4000000000003220"),
            awaits: awaits(&[
                CONFIRM,
                &[
                    "write sandbox_operations",
                    "read transitions",
                    "write card_attempts+checkout_sessions+payments+charges+challenges",
                ],
            ]),
        },
        Path {
            name: "3DS pass (3220)",
            setup: |w| challenged(w, "4000000000003220"),
            step: |ctx, p| {
                let id = p.challenge_id.as_deref().unwrap();
                let _ = futures_executor::block_on(confirm::complete_challenge(ctx, id, true));
            },
            awaits: awaits(&[CHALLENGE_PASS, AUTHORIZE, TRAIL, SETTLE, CHALLENGE_ANSWER]),
        },
        Path {
            name: "3DS pass, response lost (7049)",
            setup: |w| challenged(w, "4000000000007049"),
            step: |ctx, p| {
                let id = p.challenge_id.as_deref().unwrap();
                let _ = futures_executor::block_on(confirm::complete_challenge(ctx, id, true));
            },
            awaits: awaits(&[CHALLENGE_PASS, AUTHORIZE, CHALLENGE_ANSWER]),
        },
        Path {
            name: "3DS fail (3220)",
            setup: |w| challenged(w, "4000000000003220"),
            step: |ctx, p| {
                let id = p.challenge_id.as_deref().unwrap();
                let _ = futures_executor::block_on(confirm::complete_challenge(ctx, id, false));
            },
            awaits: vec![
                "read challenges",
                "read payments",
                "read checkout_sessions",
                "read charges",
                "read charges + read transitions",
                "write challenges+charges+card_declines+card_attempts+payments+checkout_sessions",
                "read challenges",
                "read payments",
                "read merchants",
            ],
        },
        Path {
            name: "capture",
            setup: authorized,
            step: |ctx, p| {
                let req = hsrc_shared::api::CaptureRequest { amount: None };
                let _ = futures_executor::block_on(payments::capture(ctx, &p.merchant_id, &p.payment_id, req));
            },
            awaits: vec![
                "read payments",
                "read charges",
                "write payment_operations",
                "read sandbox_ledger",
                "read sandbox_ledger",
                "read sandbox_ledger",
                "write sandbox_ledger",
                "read payments",
                "read checkout_sessions",
                "read charges",
                "read transitions",
                "write payment_operations+charges+payments",
                "read payments",
                "read checkout_sessions",
                "read payments",
                "read charges",
                "read transitions",
                "read refunds", // the capture answers the payment object with its refund fields (#13)
            ],
        },
        Path {
            name: "void",
            setup: authorized,
            step: |ctx, p| {
                let _ = futures_executor::block_on(payments::void(ctx, &p.merchant_id, &p.payment_id));
            },
            awaits: vec![
                "read payments",
                "read charges",
                "write payment_operations",
                "read sandbox_ledger",
                "read sandbox_ledger",
                "read sandbox_ledger",
                "write sandbox_ledger",
                "read payments",
                "read checkout_sessions",
                "read charges",
                "read transitions",
                "write payment_operations+charges+payments",
                "read payments",
                "read checkout_sessions",
                "read payments",
                "read charges",
                "read transitions",
            ],
        },
        Path {
            name: "reconcile a lost approval (7015)",
            setup: |w| {
                let p = session(w, json!({}));
                w.confirm_ok(&p.token, "4000000000007015");
                w.h.background.jobs.borrow_mut().clear();
                p
            },
            step: |ctx, _| {
                let _ = futures_executor::block_on(payments::reconcile::reconcile_due(ctx, 100));
            },
            awaits: vec![
                "read engine_cursors",
                "read charges",
                "read checkout_sessions",
                "read payments",
                "read charges",
                "read sandbox_ledger",
                "read charges + read transitions",
                "write charges+card_attempts+payments+checkout_sessions",
                "read checkout_sessions",
                "write engine_cursors",
            ],
        },
        Path {
            name: "reconcile: void an expired authorization (7106)",
            setup: |w| {
                let p = session(w, json!({ "capture_method": "manual" }));
                w.confirm_ok(&p.token, "4000000000007106");
                w.h.runtime.advance_ms(w.h.config.sandbox_hold_ms + 1);
                p
            },
            step: |ctx, _| {
                let _ = futures_executor::block_on(payments::operations::reconcile_operations(ctx, 100));
            },
            awaits: vec![
                "read engine_cursors",
                "read payment_operations",
                "write engine_cursors",
                "read charges",
                "read payments",
                "write payment_operations",
                "read sandbox_ledger",
                "read sandbox_ledger",
                "read sandbox_ledger",
                "write sandbox_ledger",
                "read payments",
                "read checkout_sessions",
                "read charges",
                "read transitions",
                "write payment_operations+charges+payments",
                "read charges",
            ],
        },
    ]
}

/// Runs `step` on a platform that stops at `stop_at` (or only counts); returns the labels of the awaits seen.
fn faulted(w: &World, p: &Prepared, step: impl Fn(&Ctx<'_>, &Prepared), stop_at: Option<(usize, Mode)>) -> Vec<String> {
    let faults = Faults::new(stop_at);
    let healthy = w.h.ctx();
    let db = FaultDb { inner: healthy.db, faults: &faults };
    let queue = FaultQueue { inner: healthy.queue, faults: &faults };
    let cache = FaultCache { inner: healthy.cache, faults: &faults };
    let ctx = Ctx { db: &db, queue: &queue, cache: &cache, ..w.h.ctx() };
    step(&ctx, p);
    let log = faults.log.borrow().clone();
    log
}

fn rows(w: &World, sql: &str, param: &str) -> Vec<Vec<String>> {
    w.h.db.with_conn(|c| {
        let mut st = c.prepare(sql).unwrap();
        let n = st.column_count();
        st.query_map([param], |r| {
            Ok((0..n)
                .map(|i| match r.get_ref(i).unwrap() {
                    rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                    rusqlite::types::ValueRef::Integer(i) => i.to_string(),
                    _ => String::new(),
                })
                .collect())
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
    })
}

/// The four invariants for the payment of `p`; `at` names the crash point in failure messages.
fn check_invariants(w: &World, p: &Prepared, at: &str) {
    let prefix = format!("{}.a", p.payment_id);
    let approvals = rows(
        w,
        "SELECT reference, outcome FROM sandbox_ledger WHERE kind = 'authorize' AND outcome LIKE 'approved%' AND substr(reference, 1, length(?1)) = ?1",
        &prefix,
    );
    let charge_refs: Vec<String> =
        rows(w, "SELECT provider_reference FROM charges WHERE payment_id = ?1", &p.payment_id)
            .into_iter()
            .map(|r| r[0].clone())
            .collect();
    for a in &approvals {
        assert!(charge_refs.contains(&a[0]), "{at}: authorization {} has no charge row", a[0]);
    }
    let voided: Vec<String> = rows(
        w,
        "SELECT authorization FROM sandbox_ledger WHERE kind = 'void' AND outcome = 'done' AND substr(authorization, 1, length(?1)) = ?1",
        &prefix,
    )
    .into_iter()
    .map(|r| r[0].clone())
    .collect();
    let live: Vec<&Vec<String>> = approvals.iter().filter(|a| !voided.contains(&a[0])).collect();
    assert!(live.len() <= 1, "{at}: two live authorizations: {live:?}");

    let session = w.h.db.with_conn(|c| {
        c.query_row("SELECT status FROM checkout_sessions WHERE payment_id = ?1", [&p.payment_id], |r| {
            r.get::<_, String>(0)
        })
        .unwrap()
    });
    assert_ne!(session, "PROCESSING", "{at}: session stuck after one reconcile pass");

    let captured = live.first().is_some_and(|a| {
        a[1] == "approved"
            || !rows(
                w,
                "SELECT 1 FROM sandbox_ledger WHERE kind = 'capture' AND outcome = 'done' AND authorization = ?1",
                &a[0],
            )
            .is_empty()
    });
    let status = w.payment(&p.payment_id)["status"].as_str().unwrap().to_string();
    let last_event = w.event_types(&p.payment_id).into_iter().rfind(|t| {
        ["payment.succeeded", "payment.authorized", "payment.failed", "payment.canceled"].contains(&t.as_str())
    });
    match (live.is_empty(), captured) {
        (false, true) => {
            assert_eq!(status, "SUCCEEDED", "{at}");
            assert_eq!(last_event.as_deref(), Some("payment.succeeded"), "{at}");
        }
        (false, false) => {
            assert_eq!(status, "AUTHORIZED", "{at}");
            assert_eq!(last_event.as_deref(), Some("payment.authorized"), "{at}");
        }
        (true, _) => {
            assert!(
                !["SUCCEEDED", "AUTHORIZED"].contains(&status.as_str()),
                "{at}: {status} without a live authorization"
            );
            assert!(
                !matches!(last_event.as_deref(), Some("payment.succeeded" | "payment.authorized")),
                "{at}: merchant told {last_event:?} without a live authorization"
            );
        }
    }
}

/// Past every window (challenge, provider delay, write-off, the 7106 hold), then one cron pass.
fn recover(w: &World) {
    w.h.background.jobs.borrow_mut().clear();
    let c = &w.h.config;
    w.h.runtime
        .advance_ms(c.challenge_ttl_ms + c.write_off_after_ms + c.sandbox_async_delay_ms + c.sandbox_hold_ms + 1_000);
    futures_executor::block_on(scheduled::run(&w.h.ctx()));
}

#[test]
fn every_crash_point_of_every_money_path_reconciles() {
    let mut report = Vec::new();
    let mut unpinned = Vec::new();
    for path in paths() {
        let w = World::new();
        let p = (path.setup)(&w);
        let labels = faulted(&w, &p, path.step, None);
        recover(&w);
        check_invariants(&w, &p, &format!("{} (no fault)", path.name));
        if labels.iter().map(String::as_str).collect::<Vec<_>>() != path.awaits {
            unpinned.push(format!("{}: {labels:?}", path.name));
        }
        for (i, label) in labels.iter().enumerate() {
            for mode in [Mode::Before, Mode::After] {
                let w = World::new();
                let p = (path.setup)(&w);
                faulted(&w, &p, path.step, Some((i + 1, mode)));
                recover(&w);
                let at = format!("{} — stop {mode:?} await {} ({label})", path.name, i + 1);
                check_invariants(&w, &p, &at);
                report.push(at);
            }
        }
    }
    println!("crash points covered ({}):\n{}", report.len(), report.join("\n"));
    assert!(unpinned.is_empty(), "a path's awaits changed; pin them (and so their coverage):\n{}", unpinned.join("\n"));
}

/// The keyed confirm's own matrix: the key is written only by the confirm's batches (claimed with the attempt,
/// answered with the outcome), so at every crash point its row tells the truth about the money:
/// - no row: the attempt's claim never committed (no charge), and the payer's retry simply runs;
/// - `in_flight`: the claim committed (a charge exists) and the answer did not; a retry is told to wait (409);
/// - answered: a retry gets the stored answer, and its payment and session statuses are the ones in the database.
///
/// Then the clock moves past every window, one cron pass runs, and the four money invariants hold (the retry moved no
/// money twice).
#[test]
fn every_crash_point_of_a_keyed_confirm_leaves_its_key_telling_the_truth() {
    let cards: &[(&str, &[&[&'static str]])] = &[
        ("4242424242424242", &[KEYED_CONFIRM, KEYED_CLAIM, AUTHORIZE, KEYED_SETTLE]),
        (
            "4000000000000002",
            &[
                KEYED_CONFIRM,
                KEYED_CLAIM,
                AUTHORIZE,
                &["write charges+card_declines+card_attempts+payments+checkout_sessions+idempotency_keys"],
            ],
        ),
        ("4000000000008013", &[KEYED_CONFIRM, KEYED_CLAIM, FALL_BACK, AUTHORIZE, TRAIL, KEYED_SETTLE]),
        ("4000000000007015", &[KEYED_CONFIRM, KEYED_CLAIM, AUTHORIZE, KEY_FINISH]),
        (
            "4000000000003220",
            &[
                KEYED_CONFIRM,
                &[
                    "write sandbox_operations",
                    "read transitions",
                    "write idempotency_keys+card_attempts+checkout_sessions+payments+charges+challenges",
                ],
            ],
        ),
        // Refused before any claim (not a valid card number): the row and its answer in one statement.
        ("4242424242424241", &[KEYED_CONFIRM, &["write idempotency_keys"]]),
    ];
    let mut unpinned = Vec::new();
    let mut covered = 0;
    for (number, parts) in cards {
        let w = World::new();
        let p = session(&w, json!({}));
        let labels = keyed_faulted(&w, &p, number, None);
        if labels.iter().map(String::as_str).collect::<Vec<_>>() != awaits(parts) {
            unpinned.push(format!("{number}: {labels:?}"));
        }
        check_key_after(&w, &p, number, &format!("{number} (no fault)"));
        for i in 1..=labels.len() {
            for mode in [Mode::Before, Mode::After] {
                let w = World::new();
                let p = session(&w, json!({}));
                keyed_faulted(&w, &p, number, Some((i, mode)));
                check_key_after(&w, &p, number, &format!("{number} — stop {mode:?} await {i} ({})", labels[i - 1]));
                covered += 1;
            }
        }
    }
    println!("keyed crash points covered: {covered}");
    assert!(unpinned.is_empty(), "a keyed path's awaits changed; pin them:\n{}", unpinned.join("\n"));
}

fn keyed_faulted(w: &World, p: &Prepared, number: &str, stop_at: Option<(usize, Mode)>) -> Vec<String> {
    faulted(w, p, |ctx, p| drop(keyed_confirm(ctx, p, number)), stop_at)
}

/// The key's row against the money right after the (stopped) request, the payer's immediate retry, then recovery.
fn check_key_after(w: &World, p: &Prepared, number: &str, at: &str) {
    let key = rows(w, "SELECT state, COALESCE(response_status, '') FROM idempotency_keys WHERE key = ?1", KEY);
    let charges = rows(w, "SELECT id FROM charges WHERE payment_id = ?1", &p.payment_id).len();
    let state = key.first().map(|r| r[0].clone());
    match state.as_deref() {
        None => assert_eq!(charges, 0, "{at}: no key row, yet the attempt was claimed"),
        Some("in_flight") => assert!(charges > 0, "{at}: the key is claimed without the attempt"),
        Some(other) => assert_eq!(other, "done", "{at}"),
    }
    let retry = keyed_confirm(&w.h.ctx(), p, number);
    let body: Value = serde_json::from_slice(&retry.body).unwrap();
    match state.as_deref() {
        Some("in_flight") => {
            assert_eq!((retry.status, body["error"]["code"].as_str()), (409, Some("idempotency_key_in_flight")), "{at}")
        }
        Some(_) => {
            assert_eq!(retry.header("idempotent-replayed"), Some("true"), "{at}: an answered key replays");
            // An answer that tells a settled payment (not one still PROCESSING, which a later lookup may settle)
            // committed with that outcome: the database says the same.
            let told = body["confirmResult"]["payment"]["status"].as_str();
            if retry.status == 200 && told != Some("PROCESSING") {
                let payment = rows(w, "SELECT status FROM payments WHERE id = ?1", &p.payment_id);
                assert_eq!(told, Some(payment[0][0].as_str()), "{at}: replayed payment");
                let session = rows(w, "SELECT status FROM checkout_sessions WHERE payment_id = ?1", &p.payment_id);
                assert_eq!(body["checkout_session"]["status"], session[0][0].as_str(), "{at}: replayed session");
            }
        }
        None => {}
    }
    recover(w);
    check_invariants(w, p, at);
    if state.as_deref() == Some("in_flight") {
        // The stopped execution's key is answered from the state its attempt settled into, never run again.
        let resumed = keyed_confirm(&w.h.ctx(), p, number);
        let body: Value = serde_json::from_slice(&resumed.body).unwrap();
        assert_eq!(resumed.status, 200, "{at}: the settled key's retry: {body}");
        assert_eq!(resumed.header("idempotent-replayed"), Some("true"), "{at}");
        let payment = rows(w, "SELECT status FROM payments WHERE id = ?1", &p.payment_id);
        assert_eq!(body["confirmResult"]["payment"]["status"].as_str(), Some(payment[0][0].as_str()), "{at}");
        let key = rows(w, "SELECT state FROM idempotency_keys WHERE key = ?1", KEY);
        assert_eq!(key[0][0], "done", "{at}: the resumed answer is kept");
        check_invariants(w, p, at);
    }
}
