//! The operations console API on SQLite with the real migrations: secret-key only, search by every handle support
//! is given (never by token), filters and paging, and a session detail whose payment, charges, timeline, 3DS steps,
//! events and webhook deliveries match what the merchant API says. The query plans prove search uses indexes.

mod common;

use common::{err_code, World};
use hsrc_edge::http::Method;
use hsrc_edge::ops::{self, SearchParams, Term};
use hsrc_edge::platform::{Ctx, HttpOutcome, SqlValue};
use hsrc_edge::store::Paging;
use hsrc_edge::webhooks::delivery::deliver_one;
use hsrc_shared::test_cards as cards;
use hsrc_testkit::fields::token;
use serde_json::{json, Value};

const DAY_MS: i64 = 86_400_000;

fn block<T>(f: impl std::future::Future<Output = T>) -> T {
    futures_executor::block_on(f)
}

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

/// Percent-encodes a query value (the harness decodes it like the Worker does).
fn enc(v: &str) -> String {
    v.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

trait Ops {
    fn search(&self, query: &str) -> Value;
    fn search_ids(&self, query: &str) -> Vec<String>;
    fn detail(&self, session_id: &str) -> Value;
    fn session_with(&self, order_id: &str, extra: Value) -> Value;
    fn job_ctx(&self, request_id: &str) -> Ctx<'_>;
    fn drain_deliveries(&self);
}

impl Ops for World {
    fn search(&self, query: &str) -> Value {
        let resp = self.get(&format!("/v1/ops/search?{query}"));
        assert_eq!(resp.status, 200, "{query}: {}", String::from_utf8_lossy(&resp.body));
        resp.json_body()
    }

    fn search_ids(&self, query: &str) -> Vec<String> {
        self.search(query)["data"].as_array().unwrap().iter().map(|r| s(&r["session_id"])).collect()
    }

    fn detail(&self, session_id: &str) -> Value {
        let resp = self.get(&format!("/v1/ops/sessions/{session_id}"));
        assert_eq!(resp.status, 200, "{}", String::from_utf8_lossy(&resp.body));
        resp.json_body()["ops_session"].clone()
    }

    fn session_with(&self, order_id: &str, extra: Value) -> Value {
        let mut body = json!({ "metadata": { "order_id": order_id, "cart": format!("cart-{order_id}") }, "return_url": "https://merchant.example/return", "cancel_url": "https://merchant.example/cancel" });
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        self.create(body)
    }

    fn job_ctx(&self, request_id: &str) -> Ctx<'_> {
        Ctx { request_id: request_id.to_string(), ..self.h.ctx() }
    }

    /// Runs the queue consumer over everything queued so far.
    fn drain_deliveries(&self) {
        loop {
            let ids = std::mem::take(&mut *self.h.queue.sent.borrow_mut());
            if ids.is_empty() {
                return;
            }
            for id in ids {
                block(deliver_one(&self.job_ctx("dlv_test"), &id)).unwrap();
            }
        }
    }
}

#[test]
fn ops_routes_need_the_secret_key() {
    let w = World::new();
    let session = w.session_with("ord_auth", json!({}));
    let paths = [
        "/v1/ops/search".to_string(),
        format!("/v1/ops/sessions/{}", s(&session["id"])),
        format!("/v1/ops/payments/{}", s(&session["payment_id"])),
    ];
    for path in paths {
        assert_eq!(err_code(&w.call(Method::Get, &path, None, None)), (401, "api_key_missing".into()), "{path}");
        assert_eq!(
            err_code(&w.call(Method::Get, &path, None, Some("sk_test_not_a_key"))),
            (401, "api_key_invalid".into()),
            "{path}"
        );
        assert_eq!(
            err_code(&w.call(Method::Get, &path, None, Some(&w.m.publishable_key.clone()))),
            (403, "api_key_wrong_kind".into()),
            "{path}"
        );
    }
}

#[test]
fn search_finds_a_session_by_every_handle_support_is_given() {
    let w = World::new();
    let other = w.session_with("ord_other", json!({}));
    let session = w.session_with("ord_1001", json!({ "customer": { "email": "Prefill@Merchant.example" } }));
    let sid = s(&session["id"]);
    let pid = s(&session["payment_id"]);
    let confirm = w.confirm(&token(&session), cards::SUCCESS);
    assert_eq!(confirm.status, 200);
    let confirm_request = confirm.header("request-id").unwrap().to_string();
    let payment = w.payment(&pid);
    let charge_id = s(&payment["charges"][0]["id"]);
    let event_id: String =
        w.h.db
            .with_conn(|c| c.query_row("SELECT id FROM events WHERE payment_id = ?1 LIMIT 1", [&pid], |r| r.get(0)))
            .unwrap();

    for (q, matched_by) in [
        (sid.clone(), "session_id"),
        (pid.clone(), "payment_id"),
        (charge_id, "charge_id"),
        (event_id, "event_id"),
        (confirm_request, "request_id"),
        ("ord_1001".to_string(), "order_id"),
        ("order_id:ord_1001".to_string(), "order_id"),
        ("cart:cart-ord_1001".to_string(), "metadata"),
        ("ADA@example.com".to_string(), "email"),
        ("prefill@merchant.example".to_string(), "email"),
    ] {
        let result = w.search(&format!("q={}", enc(&q)));
        assert_eq!(result["matched_by"], matched_by, "{q}");
        let ids: Vec<String> = result["data"].as_array().unwrap().iter().map(|r| s(&r["session_id"])).collect();
        assert_eq!(ids, vec![sid.clone()], "{q}");
    }
    // Four digits are an order id or a card's last four: the other session has no card, so only ours matches.
    assert_eq!(w.search_ids("q=4242"), vec![sid.clone()]);
    assert_eq!(w.search("q=4242")["matched_by"], "order_id_or_last4");

    // A row carries the session and its payment side by side, with the email masked.
    let row = w.search(&format!("q={pid}"))["data"][0].clone();
    assert_eq!(
        (s(&row["session_status"]), s(&row["payment_id"]), s(&row["payment_status"])),
        ("COMPLETED".into(), pid.clone(), "SUCCEEDED".into())
    );
    assert_eq!(
        (s(&row["order_id"]), s(&row["payer_email"]), s(&row["card_last4"])),
        ("ord_1001".into(), "a***@example.com".into(), "4242".into())
    );
    assert!(
        !w.get(&format!("/v1/ops/search?q={pid}")).body.windows(7).any(|x| x == b"ada@exa"),
        "the full email never leaves"
    );

    // No term: the newest first. Unknown terms find nothing rather than everything.
    assert_eq!(w.search_ids(""), vec![sid.clone(), s(&other["id"])]);
    assert!(w.search_ids("q=ord_nope").is_empty());
    assert!(w.search_ids("q=cs_nope").is_empty());
}

#[test]
fn search_never_looks_up_tokens_and_rejects_bad_filters() {
    let w = World::new();
    let session = w.session_with("ord_tok", json!({}));
    let resp = w.get(&format!("/v1/ops/search?q={}", token(&session)));
    assert_eq!(err_code(&resp), (400, "parameter_invalid".into()));
    assert_eq!(resp.json_body()["error"]["param"], "q");
    assert!(!String::from_utf8_lossy(&resp.body).contains(&token(&session)), "the token is not echoed back");

    for (query, param) in [
        ("status=PAID", "status"),
        ("payment_status=DONE", "payment_status"),
        ("from=yesterday", "from"),
        ("to=2026-02-30", "to"),
        ("from=2026-11-26&to=2026-11-25", "to"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
    ] {
        let resp = w.get(&format!("/v1/ops/search?{query}"));
        assert_eq!(err_code(&resp), (400, "parameter_invalid".into()), "{query}");
        assert_eq!(resp.json_body()["error"]["param"], param, "{query}");
    }
    let long = "x".repeat(201);
    assert_eq!(err_code(&w.get(&format!("/v1/ops/search?q={long}"))), (400, "parameter_invalid".into()));
}

#[test]
fn lists_filter_by_status_and_date_and_page_without_gaps() {
    let w = World::new();
    let mut created = Vec::new();
    for i in 0..5 {
        let session = w.session_with(&format!("ord_page_{i}"), json!({}));
        if i % 2 == 0 {
            w.confirm_ok(&token(&session), cards::SUCCESS);
        }
        created.push(s(&session["id"]));
        w.h.runtime.advance_ms(DAY_MS);
    }
    created.reverse();
    // Statuses of the session and of the payment filter separately (case-insensitive).
    assert_eq!(w.search_ids("status=COMPLETED").len(), 3);
    assert_eq!(w.search_ids("status=pending").len(), 2);
    assert_eq!(w.search_ids("payment_status=SUCCEEDED").len(), 3);
    assert_eq!(w.search_ids("payment_status=CREATED&status=PENDING").len(), 2);
    assert!(w.search_ids("payment_status=CREATED&status=COMPLETED").is_empty());

    // Pages of two, newest first, follow the cursor to the end.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let query = match &cursor {
            Some(c) => format!("limit=2&starting_after={c}"),
            None => "limit=2".into(),
        };
        let page = w.search(&query);
        seen.extend(page["data"].as_array().unwrap().iter().map(|r| s(&r["session_id"])));
        if page["has_more"] != true {
            assert!(page["next_cursor"].is_null());
            break;
        }
        cursor = Some(s(&page["next_cursor"]));
    }
    assert_eq!(seen, created);

    // Dates are UTC days (to is inclusive) or Unix seconds. The harness starts at 2026-11-25T00:00Z.
    assert_eq!(w.search_ids("from=2026-11-25&to=2026-11-25"), vec![created[4].clone()]);
    assert_eq!(w.search_ids("from=2026-11-27").len(), 3);
    assert_eq!(
        w.search_ids(&format!("from={}&to={}", 1_795_564_800 + 86_400, 1_795_564_800 + 2 * 86_400)),
        vec![created[3].clone()]
    );
    assert_eq!(w.search_ids("q=ord_page_2&status=COMPLETED"), vec![created[2].clone()]);
    assert!(w.search_ids("q=ord_page_2&to=2026-11-25").is_empty());
}

#[test]
fn another_merchants_sessions_are_invisible() {
    let w = World::new();
    let theirs = w.h.seed_merchant("mer_other", "Other Shop", false);
    let resp = w.call(
        Method::Post,
        "/v1/checkout-sessions",
        Some(json!({ "amount": 500, "currency": "TRY", "metadata": { "order_id": "ord_x" } })),
        Some(&theirs.secret_key),
    );
    let session = resp.json_body()["checkout_session"].clone();
    assert_eq!(err_code(&w.get(&format!("/v1/ops/sessions/{}", s(&session["id"])))), (404, "resource_missing".into()));
    assert!(w.search_ids(&format!("q={}", s(&session["id"]))).is_empty());
    assert!(w.search_ids("q=ord_x").is_empty());
    assert!(w.search_ids(&format!("q={}", s(&session["payment_id"]))).is_empty());
    assert_eq!(err_code(&w.get("/v1/ops/sessions/cs_missing")), (404, "resource_missing".into()));
}

#[test]
fn fallback_payment_shows_both_charges_in_route_order_and_the_whole_timeline() {
    let w = World::new();
    let session = w.session_with("ord_fallback", json!({}));
    let sid = s(&session["id"]);
    let confirm = w.confirm(&token(&session), cards::PRIMARY_DOWN);
    assert_eq!(confirm.status, 200);
    let confirm_request = confirm.header("request-id").unwrap().to_string();
    let d = w.detail(&sid);
    let api = w.payment(&s(&session["payment_id"]));

    assert_eq!((s(&d["session"]["status"]), s(&d["payment"]["status"])), ("COMPLETED".into(), "SUCCEEDED".into()));
    assert_eq!(d["verdict"]["paid"], "paid");
    let charges = d["payment"]["charges"].as_array().unwrap();
    assert_eq!(charges.len(), 2);
    for (ops_charge, api_charge) in charges.iter().zip(api["charges"].as_array().unwrap()) {
        for field in ["id", "provider", "status", "decline_code", "latency_ms", "request_id"] {
            assert_eq!(ops_charge[field], api_charge[field], "{field}");
        }
    }
    assert_eq!(
        (s(&charges[0]["provider"]), s(&charges[0]["status"]), s(&charges[0]["decline_code"])),
        ("sandbox_primary".into(), "failed".into(), "processing_error".into())
    );
    assert_eq!((s(&charges[1]["provider"]), s(&charges[1]["status"])), ("sandbox_fallback".into(), "succeeded".into()));
    assert_eq!((charges[0]["route_position"].as_i64(), charges[1]["route_position"].as_i64()), (Some(1), Some(2)));

    // The timeline: the session and payment from creation to the end, and each charge, with the confirm's request id.
    let timeline = d["timeline"].as_array().unwrap();
    let steps: Vec<(String, String, String)> =
        timeline.iter().map(|t| (s(&t["entity"]), s(&t["from_status"]), s(&t["to_status"]))).collect();
    for want in [
        ("checkout_session", "", "PENDING"),
        ("payment", "", "CREATED"),
        ("checkout_session", "PENDING", "PROCESSING"),
        ("payment", "PROCESSING", "SUCCEEDED"),
        ("checkout_session", "PROCESSING", "COMPLETED"),
    ] {
        assert!(steps.contains(&(want.0.to_string(), want.1.to_string(), want.2.to_string())), "{want:?} in {steps:?}");
    }
    assert!(timeline
        .iter()
        .filter(|t| t["to_status"] == "COMPLETED")
        .all(|t| t["request_id"] == confirm_request.as_str()));
    let times: Vec<i64> = timeline.iter().map(|t| t["at_ms"].as_i64().unwrap()).collect();
    assert!(times.windows(2).all(|p| p[0] <= p[1]), "oldest first");

    // Events of the confirm, and where the payer is sent.
    let kinds: Vec<String> = d["events"].as_array().unwrap().iter().map(|e| s(&e["type"])).collect();
    assert!(
        kinds.contains(&"payment.succeeded".to_string()) && kinds.contains(&"checkout_session.completed".to_string()),
        "{kinds:?}"
    );
    assert_eq!(d["verdict"]["notified"], "no_endpoint");
    assert_eq!(d["verdict"]["redirect"], "https://merchant.example/return");
    assert_eq!(
        (d["session"]["return_url"].as_str(), d["session"]["cancel_url"].as_str()),
        (Some("https://merchant.example/return"), Some("https://merchant.example/cancel"))
    );
    // A paid payment can be refunded, all of it (issue #13).
    assert_eq!(
        d["actions"],
        json!({ "cancel_session": false, "cancel_payment": false, "capture_payment": false, "void_payment": false, "refund_payment": true, "refundable_amount": 12500 })
    );
}

#[test]
fn decline_then_success_keeps_both_attempts_and_masks_the_payer() {
    let w = World::new();
    let session = w.session_with("ord_retry", json!({}));
    w.confirm_ok(&token(&session), cards::DECLINED);
    let mid = w.detail(&s(&session["id"]));
    assert_eq!(
        (mid["verdict"]["paid"].as_str(), mid["payment"]["last_decline_code"].as_str()),
        (Some("awaiting_payer"), Some("card_declined"))
    );
    assert_eq!(mid["actions"]["cancel_session"], true);
    w.confirm_ok(&token(&session), cards::SUCCESS_MASTERCARD);
    let d = w.detail(&s(&session["id"]));
    let charges = d["payment"]["charges"].as_array().unwrap();
    assert_eq!(charges.iter().map(|c| s(&c["status"])).collect::<Vec<_>>(), ["declined", "succeeded"]);
    assert_eq!(charges.iter().map(|c| s(&c["decline_code"])).collect::<Vec<_>>(), ["card_declined", ""]);
    // Two confirms: each charge is first in its own route.
    assert_eq!(charges.iter().map(|c| c["route_position"].as_i64().unwrap()).collect::<Vec<_>>(), [1, 1]);
    assert_ne!(charges[0]["request_id"], charges[1]["request_id"]);
    assert_eq!((d["session"]["attempts"].as_i64(), d["payment"]["card_last4"].as_str()), (Some(2), Some("4444")));
    assert_eq!(d["session"]["payer"]["email"], "a***@example.com");
    assert_eq!(d["session"]["payer"]["name"], "Ada L.");
    assert_eq!(d["verdict"]["paid"], "paid");
}

#[test]
fn three_ds_steps_are_listed_with_their_outcome() {
    let w = World::new();
    let session = w.session_with("ord_3ds", json!({}));
    let r = w.confirm_ok(&token(&session), cards::THREE_DS);
    let url = s(&r["confirmResult"]["paymentNextAction"]["redirect_user_to_url"]["url"]);
    let challenge_id = url.rsplit('/').next().unwrap().to_string();
    let waiting = w.detail(&s(&session["id"]));
    assert_eq!(waiting["verdict"]["paid"], "in_progress");
    assert_eq!(waiting["challenges"][0]["status"], "pending");
    assert_eq!(waiting["challenges"][0]["id"], challenge_id.as_str());
    assert_eq!(waiting["payment"]["charges"][0]["status"], "requires_action");

    w.h.runtime.advance_ms(4_000);
    let done =
        w.call(Method::Post, &format!("/v1/3ds/{challenge_id}/complete"), Some(json!({ "result": "pass" })), None);
    assert_eq!(done.status, 200);
    let d = w.detail(&s(&session["id"]));
    let challenge = &d["challenges"][0];
    assert_eq!(
        (s(&challenge["status"]), s(&challenge["charge_id"])),
        ("passed".into(), s(&d["payment"]["charges"][0]["id"]))
    );
    assert_eq!(challenge["resolved_at_ms"].as_i64().unwrap() - challenge["created_at_ms"].as_i64().unwrap(), 4_000);
    assert_eq!(d["verdict"]["paid"], "paid");
    let to: Vec<String> = d["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["entity"] == "payment")
        .map(|t| s(&t["to_status"]))
        .collect();
    assert!(to.contains(&"REQUIRES_ACTION".to_string()) && to.ends_with(&["SUCCEEDED".to_string()]), "{to:?}");
}

#[test]
fn a_timed_out_provider_is_settled_when_ops_reads_the_session() {
    let w = World::new();
    let session = w.session_with("ord_timeout", json!({}));
    let r = w.confirm_ok(&token(&session), cards::TIMEOUT_THEN_SUCCESS);
    assert_eq!(r["checkout_session"]["status"], "PROCESSING");
    assert_eq!(w.detail(&s(&session["id"]))["verdict"]["paid"], "in_progress");
    assert_eq!(w.search_ids("status=PROCESSING"), vec![s(&session["id"])]);
    w.h.runtime.advance_ms(5_000);
    let d = w.detail(&s(&session["id"]));
    assert_eq!(
        (s(&d["session"]["status"]), s(&d["payment"]["status"]), s(&d["verdict"]["paid"])),
        ("COMPLETED".into(), "SUCCEEDED".into(), "paid".into())
    );
    assert_eq!(d["payment"]["charges"][0]["status"], "succeeded");
}

#[test]
fn manual_capture_offers_capture_and_void_then_nothing() {
    let w = World::new();
    let session = w.session_with("ord_manual", json!({ "capture_method": "manual" }));
    w.confirm_ok(&token(&session), cards::SUCCESS);
    let d = w.detail(&s(&session["id"]));
    assert_eq!(d["verdict"]["paid"], "authorized");
    assert_eq!(
        d["actions"],
        json!({ "cancel_session": false, "cancel_payment": false, "capture_payment": true, "void_payment": true, "refund_payment": false, "refundable_amount": 0 })
    );
    let resp = w.post(&format!("/v1/payments/{}/capture", s(&session["payment_id"])), json!({}));
    assert_eq!(resp.status, 200);
    let d = w.detail(&s(&session["id"]));
    assert_eq!((d["verdict"]["paid"].as_str(), d["payment"]["amount_captured"].as_i64()), (Some("paid"), Some(12500)));
    assert_eq!(
        d["actions"],
        json!({ "cancel_session": false, "cancel_payment": false, "capture_payment": false, "void_payment": false, "refund_payment": true, "refundable_amount": 12500 })
    );
}

#[test]
fn a_cancelled_session_says_who_cancelled_and_where_the_payer_goes() {
    let w = World::new();
    let session = w.session_with("ord_cancel", json!({}));
    let resp =
        w.call(Method::Post, &format!("/v1/checkout-sessions/token/{}/cancel", token(&session)), Some(json!({})), None);
    assert_eq!(resp.status, 200);
    let d = w.detail(&s(&session["id"]));
    assert_eq!((s(&d["session"]["status"]), s(&d["verdict"]["paid"])), ("CANCELLED".into(), "not_paid".into()));
    assert_eq!(
        (s(&d["verdict"]["cancelled_by"]), s(&d["verdict"]["redirect"])),
        ("payer".into(), "https://merchant.example/cancel".into())
    );
    assert_eq!(d["actions"]["cancel_session"], false);
}

#[test]
fn deliveries_and_every_attempt_match_the_webhooks_api() {
    let w = World::new();
    let endpoint =
        w.post("/v1/webhook-endpoints", json!({ "url": "https://hooks.merchant.example/in?key=shared-secret" }));
    assert_eq!(endpoint.status, 200, "{}", String::from_utf8_lossy(&endpoint.body));
    let endpoint_id = s(&endpoint.json_body()["webhook_endpoint"]["id"]);
    let session = w.session_with("ord_hooks", json!({}));
    w.confirm_ok(&token(&session), cards::PRIMARY_DOWN);

    // The first attempt of every delivery fails with a 500; the retry succeeds.
    let queued = w.h.queue.sent.borrow().len();
    w.h.http.outcomes.borrow_mut().extend((0..queued).map(|_| HttpOutcome::Response { status: 500 }));
    w.drain_deliveries();
    let retrying = w.detail(&s(&session["id"]));
    assert_eq!(retrying["verdict"]["notified"], "retrying");
    w.h.runtime.advance_ms(10_000);
    block(hsrc_edge::webhooks::sweep(&w.h.ctx(), 100)).unwrap();
    w.drain_deliveries();

    let d = w.detail(&s(&session["id"]));
    assert_eq!(d["verdict"]["notified"], "delivered");
    assert!(d["verdict"]["delivered_at_ms"].as_i64().is_some());
    let endpoints = d["endpoints"].as_array().unwrap();
    assert_eq!(endpoints.len(), 1);
    assert_eq!(
        (s(&endpoints[0]["id"]), s(&endpoints[0]["url"]), s(&endpoints[0]["status"])),
        (endpoint_id.clone(), "https://hooks.merchant.example/in?…".into(), "enabled".into())
    );
    for event in d["events"].as_array().unwrap() {
        let api = w.get(&format!("/v1/events/{}/deliveries", s(&event["id"]))).json_body();
        let api_deliveries = api["data"].as_array().unwrap();
        let ops_deliveries = event["deliveries"].as_array().unwrap();
        assert_eq!(ops_deliveries.len(), api_deliveries.len());
        for (o, a) in ops_deliveries.iter().zip(api_deliveries) {
            assert_eq!((&o["id"], &o["status"], &o["endpoint_id"]), (&a["id"], &a["status"], &a["endpoint_id"]));
            assert_eq!(o["status"], "succeeded");
            let attempts = o["attempts"].as_array().unwrap();
            assert_eq!(attempts.len(), 2);
            assert_eq!((attempts[0]["status_code"].as_i64(), s(&attempts[0]["outcome"])), (Some(500), "failed".into()));
            assert_eq!(
                (attempts[1]["status_code"].as_i64(), s(&attempts[1]["outcome"])),
                (Some(200), "succeeded".into())
            );
            for (oa, aa) in attempts.iter().zip(a["attempts"].as_array().unwrap()) {
                for field in ["attempt", "started_at_ms", "latency_ms", "status_code", "outcome", "error"] {
                    assert_eq!(oa[field], aa[field], "{field}");
                }
            }
        }
    }
    // A delivery id is a search handle too.
    let delivery_id = s(&d["events"][0]["deliveries"][0]["id"]);
    assert_eq!(w.search(&format!("q={delivery_id}"))["matched_by"], "delivery_id");
    assert_eq!(w.search_ids(&format!("q={delivery_id}")), vec![s(&session["id"])]);

    // A disabled endpoint shows as such (the console offers to re-enable it).
    let patched = w.call(
        Method::Patch,
        &format!("/v1/webhook-endpoints/{endpoint_id}"),
        Some(json!({ "disabled": true })),
        Some(&w.m.secret_key.clone()),
    );
    assert_eq!(patched.status, 200);
    let d = w.detail(&s(&session["id"]));
    assert_eq!(
        (s(&d["endpoints"][0]["status"]), s(&d["endpoints"][0]["disabled_reason"])),
        ("disabled".into(), "disabled_by_merchant".into())
    );
}

/// `EXPLAIN QUERY PLAN` of the search for each kind of term: sessions are reached through an index, never by
/// scanning the table (the merchant's list walks `ops_sessions_by_created`).
#[test]
fn every_search_term_is_answered_from_an_index() {
    let w = World::new();
    let terms = [
        Term::All,
        Term::SessionId("cs_1".into()),
        Term::PaymentId("pay_1".into()),
        Term::ChargeId("ch_1".into()),
        Term::EventId("evt_1".into()),
        Term::DeliveryId("dlv_1".into()),
        Term::RequestId("req_1".into()),
        Term::Email("a@b.example".into()),
        Term::OrderId("ord_1".into()),
        Term::OrderIdOrLast4("4242".into()),
        Term::RefundId("re_1".into()),
        Term::CustomerReference("user_1".into()),
    ];
    for term in terms {
        let params = SearchParams {
            term: term.clone(),
            status: None,
            payment_status: None,
            from_ms: Some(0),
            to_ms: None,
            paging: Paging { limit: 20, starting_after: Some("cs_1".into()) },
        };
        let stmt = ops::search_statement("mer_test", &params);
        let plan: Vec<String> = w.h.db.with_conn(|c| {
            let mut st = c.prepare(&format!("EXPLAIN QUERY PLAN {}", stmt.sql)).unwrap();
            let values: Vec<rusqlite::types::Value> = stmt
                .params
                .iter()
                .map(|p| match p {
                    SqlValue::Null => rusqlite::types::Value::Null,
                    SqlValue::Int(i) => rusqlite::types::Value::Integer(*i),
                    SqlValue::Text(t) => rusqlite::types::Value::Text(t.clone()),
                })
                .collect();
            st.query_map(rusqlite::params_from_iter(values), |r| r.get::<_, String>(3))
                .unwrap()
                .map(Result::unwrap)
                .collect()
        });
        let scans: Vec<&String> = plan
            .iter()
            .filter(|line| line.starts_with("SCAN") && *line != "SCAN m" && !line.contains("USING"))
            .collect();
        assert!(scans.is_empty(), "{term:?} scans a table: {plan:#?}");
        // Sessions and API-only payments (#15) are both reached by index for every handle.
        let expected_indexes: &[&str] = match &term {
            Term::Email(_) => &["ops_sessions_by_customer_email", "ops_api_payments_by_customer_email"],
            Term::OrderId(_) => &["ops_sessions_by_order_id", "ops_api_payments_by_order_id"],
            Term::OrderIdOrLast4(_) => {
                &["ops_sessions_by_order_id", "ops_api_payments_by_order_id", "ops_payments_by_last4"]
            }
            Term::CustomerReference(_) => &["ops_api_payments_by_customer_reference"],
            Term::All => &["ops_payments_by_created"],
            _ => &[],
        };
        if term != Term::All {
            // The matching ids drive the query: payments are fetched by primary key, not walked through the list.
            assert!(
                plan.iter().any(|l| l.starts_with("SEARCH p USING INDEX sqlite_autoindex_payments_1 (id=?)")),
                "{term:?}: {plan:#?}"
            );
            assert!(!plan.iter().any(|l| l.contains("ops_payments_by_created")), "{term:?} walks the list: {plan:#?}");
        }
        // The payment's session and API row are joined by primary key.
        assert!(
            plan.iter().any(|l| l.starts_with("SEARCH s USING INDEX sqlite_autoindex_checkout_sessions_1 (id=?)")),
            "{term:?}: {plan:#?}"
        );
        assert!(
            plan.iter().any(|l| l.starts_with("SEARCH a USING INDEX sqlite_autoindex_api_payments_1 (payment_id=?)")),
            "{term:?}: {plan:#?}"
        );
        for index in expected_indexes {
            assert!(plan.iter().any(|line| line.contains(index)), "{term:?} should use {index}: {plan:#?}");
        }
    }
}

// ---- API-only payments (#15): no checkout session ---------------------------------------------------------------

fn api_payment_with(w: &World, order_id: &str, extra: Value) -> String {
    let mut body = json!({
        "metadata": { "order_id": order_id, "cart": format!("cart-{order_id}") },
        "customer": { "name": "Zeynep Kaya Demir", "email": "Zeynep@Example.com", "phone": "+905551234567" },
        "customer_reference": "user_42",
        "description": "İznik mug",
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    s(&w.api_create(body)["payment"]["id"])
}

fn payment_detail(w: &World, payment_id: &str) -> Value {
    let resp = w.get(&format!("/v1/ops/payments/{payment_id}"));
    assert_eq!(resp.status, 200, "{}", String::from_utf8_lossy(&resp.body));
    resp.json_body()["ops_payment"].clone()
}

fn payment_ids(result: &Value) -> Vec<String> {
    result["data"].as_array().unwrap().iter().map(|r| s(&r["payment_id"])).collect()
}

#[test]
fn search_finds_an_api_only_payment_by_every_handle_and_lists_it_beside_sessions() {
    let w = World::new();
    let session = w.session_with("ord_sess", json!({}));
    w.confirm_ok(&token(&session), cards::SUCCESS);
    w.h.runtime.advance_ms(1000);
    let pid = api_payment_with(&w, "ord_api_1", json!({}));
    let confirm = w.api_confirm(&pid, &w.pm(cards::SUCCESS));
    assert_eq!(confirm.status, 200, "{}", String::from_utf8_lossy(&confirm.body));
    let confirm_request = confirm.header("request-id").unwrap().to_string();
    let payment = w.payment(&pid);
    let charge_id = s(&payment["charges"][0]["id"]);
    let event_id: String =
        w.h.db
            .with_conn(|c| c.query_row("SELECT id FROM events WHERE payment_id = ?1 LIMIT 1", [&pid], |r| r.get(0)))
            .unwrap();

    for (q, matched_by) in [
        (pid.clone(), "payment_id"),
        (charge_id, "charge_id"),
        (event_id, "event_id"),
        (confirm_request, "request_id"),
        ("ord_api_1".to_string(), "order_id"),
        ("order_id:ord_api_1".to_string(), "order_id"),
        ("cart:cart-ord_api_1".to_string(), "metadata"),
        ("zeynep@EXAMPLE.com".to_string(), "email"),
        ("customer_reference:user_42".to_string(), "customer_reference"),
    ] {
        let result = w.search(&format!("q={}", enc(&q)));
        assert_eq!(result["matched_by"], matched_by, "{q}");
        assert_eq!(payment_ids(&result), vec![pid.clone()], "{q}");
    }
    // The last four digits find both payments paid with that card: the API-only one is the newer.
    assert_eq!(payment_ids(&w.search("q=4242")), vec![pid.clone(), s(&session["payment_id"])]);

    // The row has no session; the payer's email is masked; the customer reference is shown.
    let row = w.search(&format!("q={pid}"))["data"][0].clone();
    assert_eq!((row["session_id"].clone(), row["session_status"].clone()), (Value::Null, Value::Null));
    assert_eq!(
        (s(&row["payment_status"]), s(&row["order_id"]), s(&row["payer_email"]), s(&row["card_last4"])),
        ("SUCCEEDED".into(), "ord_api_1".into(), "Z***@Example.com".into(), "4242".into())
    );
    assert_eq!((s(&row["customer_reference"]), row["amount"].as_i64()), ("user_42".into(), Some(12500)));
    assert!(!w.get(&format!("/v1/ops/search?q={pid}")).body.windows(7).any(|x| x == b"zeynep@"), "never the email");

    // Lists: newest first, both kinds; a session status keeps only session payments; a payment status both.
    assert_eq!(payment_ids(&w.search("")), vec![pid.clone(), s(&session["payment_id"])]);
    assert_eq!(w.search_ids("status=COMPLETED"), vec![s(&session["id"])]);
    assert_eq!(payment_ids(&w.search("payment_status=SUCCEEDED")).len(), 2);
    assert_eq!(payment_ids(&w.search("q=ord_api_1&payment_status=CREATED")), Vec::<String>::new());
    // Another merchant sees none of it.
    let theirs = w.h.seed_merchant("mer_other", "Other Shop", false);
    let resp = w.call(Method::Get, &format!("/v1/ops/search?q={pid}"), None, Some(&theirs.secret_key));
    assert_eq!(resp.json_body()["data"], json!([]));
    assert_eq!(
        err_code(&w.call(Method::Get, &format!("/v1/ops/payments/{pid}"), None, Some(&theirs.secret_key))),
        (404, "resource_missing".into())
    );
}

#[test]
fn pages_of_mixed_payments_follow_the_cursor_without_gaps() {
    let w = World::new();
    let mut created = Vec::new();
    for i in 0..5 {
        let id = if i % 2 == 0 {
            api_payment_with(&w, &format!("ord_mix_{i}"), json!({}))
        } else {
            s(&w.session_with(&format!("ord_mix_{i}"), json!({}))["payment_id"])
        };
        created.push(id);
        w.h.runtime.advance_ms(DAY_MS);
    }
    created.reverse();
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..10 {
        let query = match &cursor {
            Some(c) => format!("limit=2&starting_after={c}"),
            None => "limit=2".into(),
        };
        let page = w.search(&query);
        seen.extend(payment_ids(&page));
        if page["has_more"] != true {
            break;
        }
        cursor = Some(s(&page["next_cursor"]));
    }
    assert_eq!(seen, created);
    // Dates bound API-only payments the same way (the harness starts at 2026-11-25T00:00Z).
    assert_eq!(payment_ids(&w.search("from=2026-11-25&to=2026-11-25")), vec![created[4].clone()]);
}

#[test]
fn an_api_only_payment_detail_tells_its_story_without_a_session() {
    let w = World::new();
    let pid =
        api_payment_with(&w, "ord_story", json!({ "max_attempts": 3, "return_url": "https://merchant.example/back" }));

    // Not paid yet: the payer is awaited, and the merchant may cancel it.
    let d = payment_detail(&w, &pid);
    assert_eq!((s(&d["object"]), d["session"].clone()), ("ops_payment".into(), Value::Null));
    assert_eq!(d["verdict"]["paid"], "awaiting_payer");
    assert_eq!(d["actions"]["cancel_payment"], true);
    assert_eq!(d["actions"]["cancel_session"], false);

    // A decline, then another card on the same payment.
    let declined = w.api_confirm(&pid, &w.pm("4000000000009995"));
    assert_eq!(declined.status, 200);
    w.h.runtime.advance_ms(1000);
    let paid = w.api_confirm(&pid, &w.pm(cards::SUCCESS));
    assert_eq!(paid.status, 200);
    let d = payment_detail(&w, &pid);
    let api = &d["api"];
    assert_eq!((api["attempts"].as_i64(), api["max_attempts"].as_i64()), (Some(2), Some(3)));
    assert_eq!(
        (s(&api["customer_reference"]), s(&api["description"]), s(&api["metadata"]["order_id"])),
        ("user_42".into(), "İznik mug".into(), "ord_story".into())
    );
    assert_eq!(
        (s(&api["customer"]["name"]), s(&api["customer"]["email"]), s(&api["customer"]["phone"])),
        ("Zeynep D.".into(), "Z***@Example.com".into(), "+90 ••• 67".into())
    );
    assert_eq!(s(&api["return_url"]), "https://merchant.example/back");
    assert_eq!(d["verdict"]["paid"], "paid");
    assert_eq!(d["verdict"]["redirect"], Value::Null);
    assert_eq!(d["actions"]["cancel_payment"], false);
    assert_eq!(d["actions"]["refund_payment"], true);

    // Both charges as the merchant API shows them, in order.
    let charges = d["payment"]["charges"].as_array().unwrap();
    let api_charges = w.payment(&pid)["charges"].as_array().unwrap().clone();
    assert_eq!(charges.len(), 2);
    for (ops_charge, api_charge) in charges.iter().zip(&api_charges) {
        for field in ["id", "provider", "status", "decline_code", "request_id"] {
            assert_eq!(ops_charge[field], api_charge[field], "{field}");
        }
    }
    assert_eq!(
        (s(&charges[0]["status"]), s(&charges[0]["decline_code"]), s(&charges[1]["status"])),
        ("declined".into(), "insufficient_funds".into(), "succeeded".into())
    );
    // The timeline covers the payment and its charges (no session entity), from creation.
    let timeline = d["timeline"].as_array().unwrap();
    assert_eq!((s(&timeline[0]["entity"]), s(&timeline[0]["to_status"])), ("payment".into(), "CREATED".into()));
    assert!(timeline.iter().all(|t| t["entity"] != "checkout_session"));
    assert!(timeline.iter().any(|t| t["entity"] == "payment" && t["to_status"] == "SUCCEEDED"));
    assert!(timeline.iter().filter(|t| t["entity"] == "charge").count() >= 2);
    // Every event of the payment, the same list the events API gives (with checkoutSessionId null there).
    let ops_types: Vec<String> = d["events"].as_array().unwrap().iter().map(|e| s(&e["type"])).collect();
    assert_eq!(ops_types, w.event_types(&pid));
    assert!(ops_types.contains(&"payment.succeeded".to_string()), "{ops_types:?}");
    let listed = w.get(&format!("/v1/events?payment_id={pid}")).json_body();
    assert!(listed["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["checkout_session_id"].is_null() && e["data"]["object"]["checkout_session_id"].is_null()));
    assert_eq!(d["verdict"]["notified"], "no_endpoint");

    // A session's payment seen by payment id is the session's detail.
    let session = w.session_with("ord_s", json!({}));
    let by_payment = payment_detail(&w, &s(&session["payment_id"]));
    let by_session = w.detail(&s(&session["id"]));
    assert_eq!(by_payment["session"], by_session["session"]);
    assert_eq!(
        (by_payment["payment"].clone(), by_payment["api"].clone()),
        (by_session["payment"].clone(), Value::Null)
    );
    // The session route never answers for an API-only payment, and unknown ids are 404.
    assert_eq!(err_code(&w.get(&format!("/v1/ops/sessions/{pid}"))), (404, "resource_missing".into()));
    assert_eq!(err_code(&w.get("/v1/ops/payments/pay_missing")), (404, "resource_missing".into()));
}

#[test]
fn a_cancelled_api_only_payment_is_not_paid_and_offers_nothing() {
    let w = World::new();
    let pid = api_payment_with(&w, "ord_cancel", json!({}));
    assert_eq!(w.post(&format!("/v1/payments/{pid}/cancel"), json!({})).status, 200);
    let d = payment_detail(&w, &pid);
    assert_eq!((s(&d["payment"]["status"]), d["verdict"]["paid"].clone()), ("CANCELLED".into(), json!("not_paid")));
    assert_eq!(
        d["actions"],
        json!({ "cancel_session": false, "cancel_payment": false, "capture_payment": false, "void_payment": false, "refund_payment": false, "refundable_amount": 0 })
    );
    assert_eq!(d["events"].as_array().unwrap().iter().map(|e| s(&e["type"])).collect::<Vec<_>>(), ["payment.canceled"]);
}
