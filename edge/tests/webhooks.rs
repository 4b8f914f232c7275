//! Webhooks inside one process, where the queue, the clock and the rows are in reach: outbox fan-out, the retry
//! schedule, queue messages that are duplicate, stale or claimed, disabling after three days, deleting, delivery
//! lists, the events API and the document — on SQLite with the real migrations, deliveries answered by the
//! recording HTTP client. What a receiver sees (signatures, retries through failures and a timeout, 410, secret
//! rotation, resend) and the endpoints API are scenarios on both sides (`hsrc_testkit::scenarios::{deliveries,
//! webhooks}`).

mod common;

use common::{err_code, World};
use hsrc_edge::http::{ApiResponse, Method};
use hsrc_edge::platform::{Ctx, HttpOutcome};
use hsrc_edge::webhooks::delivery::{deliver_one, Step};
use hsrc_edge::webhooks::policy::Verdict;
use hsrc_shared::test_cards as cards;
use hsrc_shared::webhook::{self, WebhookSecret};
use serde_json::{json, Value};

fn block<T>(f: impl std::future::Future<Output = T>) -> T {
    futures_executor::block_on(f)
}

fn ok(resp: ApiResponse) -> Value {
    assert_eq!(resp.status, 200, "{}", String::from_utf8_lossy(&resp.body));
    resp.json_body()
}

/// A request the harness recorded: headers and body.
struct Sent {
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Sent {
    fn header(&self, name: &str) -> &str {
        self.headers.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
    }

    /// Verifies the delivery the way a receiver does, at the harness clock.
    fn verify(&self, secret: &str, now_s: i64) -> Result<(), webhook::VerifyError> {
        let secret = WebhookSecret::parse(secret).unwrap();
        webhook::verify(
            &secret,
            self.header("webhook-id"),
            self.header("webhook-timestamp"),
            self.header("webhook-signature"),
            &self.body,
            now_s,
        )
    }
}

trait WebhookWorld {
    fn endpoint(&self, body: Value) -> Value;
    fn patch(&self, path: &str, body: Value) -> ApiResponse;
    fn delete(&self, path: &str) -> ApiResponse;
    fn pay(&self, card: &str) -> (Value, Value);
    fn take_queue(&self) -> Vec<String>;
    fn take_sent(&self) -> Vec<Sent>;
    fn deliver(&self, id: &str) -> Step;
    fn drain(&self) -> Vec<Step>;
    fn sweep(&self) -> usize;
    fn script(&self, outcomes: &[HttpOutcome]);
    fn now_s(&self) -> i64;
    fn deliveries_of(&self, event_id: &str) -> Vec<Value>;
    fn events_of(&self, payment_id: &str) -> Vec<Value>;
    fn delivery_count(&self) -> i64;
}

impl WebhookWorld for World {
    /// Creates an endpoint and returns `webhook_endpoint` (with its secret).
    fn endpoint(&self, body: Value) -> Value {
        ok(self.post("/v1/webhook-endpoints", body))["webhook_endpoint"].clone()
    }

    fn patch(&self, path: &str, body: Value) -> ApiResponse {
        self.call(Method::Patch, path, Some(body), Some(&self.m.secret_key.clone()))
    }

    fn delete(&self, path: &str) -> ApiResponse {
        self.call(Method::Delete, path, None, Some(&self.m.secret_key.clone()))
    }

    /// Creates a session and confirms it with `card`; returns (session, confirm response).
    fn pay(&self, card: &str) -> (Value, Value) {
        let s = self.create(json!({}));
        let r = self.confirm_ok(s["token"].as_str().unwrap(), card);
        (s, r)
    }

    fn take_queue(&self) -> Vec<String> {
        std::mem::take(&mut *self.h.queue.sent.borrow_mut())
    }

    fn take_sent(&self) -> Vec<Sent> {
        std::mem::take(&mut *self.h.http.requests.borrow_mut())
            .into_iter()
            .map(|(_, headers, body)| Sent { headers, body })
            .collect()
    }

    fn deliver(&self, id: &str) -> Step {
        block(deliver_one(&self.job_ctx("dlv_test"), id)).unwrap()
    }

    /// Delivers every queued message (as the queue consumer would), until the queue is empty.
    fn drain(&self) -> Vec<Step> {
        let mut steps = Vec::new();
        loop {
            let ids = self.take_queue();
            if ids.is_empty() {
                return steps;
            }
            steps.extend(ids.iter().map(|id| self.deliver(id)));
        }
    }

    fn sweep(&self) -> usize {
        block(hsrc_edge::webhooks::sweep(&self.h.ctx(), 100)).unwrap()
    }

    fn script(&self, outcomes: &[HttpOutcome]) {
        self.h.http.outcomes.borrow_mut().extend(outcomes.iter().cloned());
    }

    fn now_s(&self) -> i64 {
        self.h.runtime.now.get() / 1000
    }

    fn deliveries_of(&self, event_id: &str) -> Vec<Value> {
        ok(self.get(&format!("/v1/events/{event_id}/deliveries")))["data"].as_array().unwrap().clone()
    }

    fn events_of(&self, payment_id: &str) -> Vec<Value> {
        let mut events =
            ok(self.get(&format!("/v1/events?payment_id={payment_id}&limit=100")))["data"].as_array().unwrap().clone();
        events.reverse();
        events
    }

    fn delivery_count(&self) -> i64 {
        self.h.db.with_conn(|c| c.query_row("SELECT COUNT(*) FROM webhook_deliveries", [], |r| r.get(0)).unwrap())
    }
}

trait JobCtx {
    fn job_ctx(&self, request_id: &str) -> Ctx<'_>;
}

impl JobCtx for World {
    /// A context as the queue consumer or cron job has it (its own request id).
    fn job_ctx(&self, request_id: &str) -> Ctx<'_> {
        Ctx { request_id: request_id.to_string(), ..self.h.ctx() }
    }
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

#[test]
fn a_merchant_has_a_bounded_number_of_endpoints() {
    let w = World::new();
    for i in 0..16 {
        w.endpoint(json!({ "url": format!("https://hooks.merchant.example/{i}") }));
    }
    assert_eq!(
        err_code(&w.post("/v1/webhook-endpoints", json!({ "url": "https://hooks.merchant.example/17" }))),
        (400, "endpoint_limit_reached".into())
    );
    let page = ok(w.get("/v1/webhook-endpoints?limit=10"));
    assert_eq!((page["data"].as_array().unwrap().len(), page["has_more"].as_bool()), (10, Some(true)));
    let next = ok(w.get(&format!("/v1/webhook-endpoints?limit=10&starting_after={}", s(&page["next_cursor"]))));
    assert_eq!((next["data"].as_array().unwrap().len(), next["has_more"].as_bool()), (6, Some(false)));
}

#[test]
fn events_fan_out_in_the_same_batch_to_subscribed_enabled_endpoints_only() {
    let w = World::new();
    let all = w.endpoint(json!({ "url": "https://a.merchant.example/" }));
    let succeeded =
        w.endpoint(json!({ "url": "https://b.merchant.example/", "enabled_events": ["payment.succeeded"] }));
    let declined = w.endpoint(json!({ "url": "https://c.merchant.example/", "enabled_events": ["charge.declined"] }));
    let off = w.endpoint(json!({ "url": "https://d.merchant.example/" }));
    ok(w.patch(&format!("/v1/webhook-endpoints/{}", s(&off["id"])), json!({ "disabled": true })));
    // Another merchant's endpoint never sees our events.
    let other = w.h.seed_merchant("mer_other", "Other", false);
    w.call(
        Method::Post,
        "/v1/webhook-endpoints",
        Some(json!({ "url": "https://e.merchant.example/" })),
        Some(&other.secret_key),
    );

    let (session, _) = w.pay(cards::SUCCESS);
    let events = w.events_of(s(&session["payment_id"]));
    let kinds: Vec<&str> = events.iter().map(|e| s(&e["type"])).collect();
    assert_eq!(kinds, ["charge.succeeded", "payment.succeeded", "checkout_session.completed"]);

    let mut expected = Vec::new();
    for e in &events {
        let targets: Vec<String> =
            w.deliveries_of(s(&e["id"])).iter().map(|d| s(&d["endpoint_id"]).to_string()).collect();
        let want: Vec<String> = if s(&e["type"]) == "payment.succeeded" {
            vec![s(&all["id"]).into(), s(&succeeded["id"]).into()]
        } else {
            vec![s(&all["id"]).into()]
        };
        let mut targets_sorted = targets.clone();
        targets_sorted.sort();
        let mut want_sorted = want.clone();
        want_sorted.sort();
        assert_eq!(targets_sorted, want_sorted, "{}", s(&e["type"]));
        expected.extend(targets);
    }
    assert!(!expected.contains(&s(&declined["id"]).to_string()));
    assert_eq!(w.delivery_count(), 4);
    // Every delivery was queued right after the commit.
    assert_eq!(w.take_queue().len(), 4);
}

#[test]
fn failures_retry_on_the_schedule_with_the_same_webhook_id_until_success() {
    let w = World::new();
    let ep = w.endpoint(json!({ "url": "https://hooks.merchant.example/in", "enabled_events": ["payment.succeeded"] }));
    w.script(&[
        HttpOutcome::Response { status: 500 },
        HttpOutcome::Timeout,
        HttpOutcome::Response { status: 302 },
        HttpOutcome::Error("connection refused".into()),
    ]);
    let (session, _) = w.pay(cards::SUCCESS);
    let event_id = s(&w.events_of(s(&session["payment_id"]))[1]["id"]).to_string();

    assert_eq!(w.drain(), [Step::Attempted(Verdict::Failed)]);
    let d = &w.deliveries_of(&event_id)[0];
    assert_eq!(
        (s(&d["status"]), d["attempt_count"].as_i64(), d["last_status_code"].as_i64()),
        ("pending", Some(1), Some(500))
    );
    let wait = d["next_attempt_at"].as_i64().unwrap() - w.now_s();
    assert!((5..=6).contains(&wait), "second attempt after about 5 s, got {wait}");
    // The short retry goes back on the queue with its delay instead of waiting for the next cron tick.
    let delayed = w.h.queue.delayed.borrow().clone();
    assert!(matches!(delayed.last(), Some((id, secs)) if id == s(&d["id"]) && (5..=6).contains(secs)), "{delayed:?}");
    // Not due yet: the sweep queues nothing and a stray message posts nothing.
    assert_eq!(w.sweep(), 0);
    assert_eq!(w.deliver(s(&d["id"])), Step::NotDue);

    // Then 5 s, 5 min, 30 min, 2 h later (each + up to 10 % jitter).
    let mut expected_outcomes = vec!["failed"];
    for (delay_ms, verdict, outcome) in [
        (5_500, Verdict::Failed, "timeout"),
        (330_000, Verdict::Failed, "failed"),
        (1_980_000, Verdict::Failed, "error"),
        (7_920_000, Verdict::Delivered, "succeeded"),
    ] {
        w.h.runtime.advance_ms(delay_ms);
        assert_eq!(w.sweep(), 1);
        assert_eq!(w.drain(), [Step::Attempted(verdict)]);
        expected_outcomes.push(outcome);
    }
    let sent = w.take_sent();
    assert_eq!(sent.len(), 5);
    assert!(sent.iter().all(|d| d.header("webhook-id") == event_id), "webhook-id is identical on every retry");
    assert!(
        sent.windows(2).all(|p| p[0].header("webhook-timestamp") < p[1].header("webhook-timestamp")),
        "each attempt is timestamped anew"
    );
    assert!(sent.iter().all(|d| d.body == sent[0].body), "the same bytes every time");
    assert_eq!(sent[4].verify(s(&ep["secret"]), w.now_s()), Ok(()));

    let d = &w.deliveries_of(&event_id)[0];
    assert_eq!(
        (s(&d["status"]), d["attempt_count"].as_i64(), &d["next_attempt_at"]),
        ("succeeded", Some(5), &Value::Null)
    );
    let attempts = d["attempts"].as_array().unwrap();
    let outcomes: Vec<&str> = attempts.iter().map(|a| s(&a["outcome"])).collect();
    assert_eq!(outcomes, expected_outcomes);
    let codes: Vec<Option<i64>> = attempts.iter().map(|a| a["status_code"].as_i64()).collect();
    assert_eq!(codes, [Some(500), None, Some(302), None, Some(200)]);
    assert_eq!(s(&attempts[2]["error"]), "HTTP 302: redirects are not followed");
    assert!(attempts.iter().all(|a| s(&a["request_id"]) == "dlv_test"
        && a["latency_ms"].as_i64().is_some()
        && a["started_at_ms"].as_i64().is_some()));
    // Success resets the endpoint's failure count.
    let ep = ok(w.get(&format!("/v1/webhook-endpoints/{}", s(&ep["id"]))))["webhook_endpoint"].clone();
    assert_eq!((ep["consecutive_failures"].as_i64(), &ep["failing_since"]), (Some(0), &Value::Null));
}

#[test]
fn duplicate_and_stale_queue_messages_never_post_twice() {
    let w = World::new();
    w.endpoint(json!({ "url": "https://hooks.merchant.example/in", "enabled_events": ["payment.succeeded"] }));
    w.pay(cards::SUCCESS);
    let ids = w.take_queue();
    assert_eq!(ids.len(), 1);
    let id = &ids[0];
    assert_eq!(w.deliver(id), Step::Attempted(Verdict::Delivered));
    // The queue delivers the same message again, and the sweep runs: nothing more is sent.
    assert_eq!(w.deliver(id), Step::NotDue);
    assert_eq!(w.sweep(), 0);
    assert_eq!(w.deliver("dlv_unknown"), Step::Missing);
    assert_eq!(w.take_sent().len(), 1);
}

#[test]
fn a_claimed_delivery_is_left_to_its_consumer_until_the_lease_runs_out() {
    let w = World::new();
    w.endpoint(json!({ "url": "https://hooks.merchant.example/in", "enabled_events": ["payment.succeeded"] }));
    w.pay(cards::SUCCESS);
    let id = w.take_queue().remove(0);
    // Another consumer claimed it (and then died without recording anything).
    let lease = w.h.runtime.now.get() + 40_000;
    w.h.db
        .with_conn(|c| {
            c.execute(
                "UPDATE webhook_deliveries SET status = 'sending', attempts = 1, lease_until = ?1 WHERE id = ?2",
                (lease, id.as_str()),
            )
        })
        .unwrap();
    assert_eq!(w.deliver(&id), Step::NotDue);
    assert_eq!(w.sweep(), 0);
    assert!(w.take_sent().is_empty());
    // The lease runs out; the sweep re-queues it once the last queue message is stale, and the next attempt is #2.
    w.h.runtime.advance_ms(5 * 60 * 1000 + 1);
    assert_eq!(w.sweep(), 1);
    assert_eq!(w.drain(), [Step::Attempted(Verdict::Delivered)]);
    let attempts: Vec<i64> = w.h.db.with_conn(|c| {
        let mut st = c.prepare("SELECT attempt FROM delivery_attempts WHERE delivery_id = ?1").unwrap();
        st.query_map([&id], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    });
    assert_eq!(attempts, [2]);
}

#[test]
fn an_endpoint_failing_for_three_days_is_disabled_and_the_delivery_given_up() {
    let w = World::new();
    let ep =
        w.endpoint(json!({ "url": "https://hooks.merchant.example/down", "enabled_events": ["payment.succeeded"] }));
    w.script(&vec![HttpOutcome::Response { status: 503 }; 20]);
    let (session, _) = w.pay(cards::SUCCESS);
    let event_id = s(&w.events_of(s(&session["payment_id"]))[1]["id"]).to_string();
    let start = w.h.runtime.now.get();
    w.drain();
    let mut attempts = 1;
    loop {
        let d = w.deliveries_of(&event_id)[0].clone();
        if s(&d["status"]) != "pending" {
            assert_eq!(s(&d["status"]), "failed");
            break;
        }
        let got = ok(w.get(&format!("/v1/webhook-endpoints/{}", s(&ep["id"]))))["webhook_endpoint"].clone();
        assert_eq!(s(&got["status"]), "enabled", "still enabled after {attempts} attempts");
        w.h.runtime.now.set(d["next_attempt_at"].as_i64().unwrap() * 1000 + 1000);
        assert_eq!(w.sweep(), 1);
        assert_eq!(w.drain(), [Step::Attempted(Verdict::Failed)]);
        attempts += 1;
    }
    assert_eq!(attempts, 10, "the whole schedule: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h");
    let elapsed_h = (w.h.runtime.now.get() - start) / 3_600_000;
    assert!((75..=84).contains(&elapsed_h), "about three days, got {elapsed_h} h");
    let got = ok(w.get(&format!("/v1/webhook-endpoints/{}", s(&ep["id"]))))["webhook_endpoint"].clone();
    assert_eq!(
        (s(&got["status"]), s(&got["disabled_reason"]), got["consecutive_failures"].as_i64()),
        ("disabled", "failing", Some(10))
    );
    assert!(got["failing_since"].as_i64().is_some());
}

#[test]
fn deleting_an_endpoint_cancels_what_it_still_owes() {
    let w = World::new();
    let ep = w.endpoint(json!({ "url": "https://hooks.merchant.example/in" }));
    w.script(&[HttpOutcome::Response { status: 500 }]);
    let (session, _) = w.pay(cards::SUCCESS);
    let ids = w.take_queue();
    w.deliver(&ids[0]);
    ok(w.delete(&format!("/v1/webhook-endpoints/{}", s(&ep["id"]))));
    w.h.runtime.advance_ms(3_600_000);
    assert_eq!(w.sweep(), 0);
    for id in &ids[1..] {
        assert_eq!(w.deliver(id), Step::NotDue);
    }
    let event_id = s(&w.events_of(s(&session["payment_id"]))[0]["id"]).to_string();
    let d = &w.deliveries_of(&event_id)[0];
    assert_eq!((s(&d["status"]), s(&d["last_error"])), ("cancelled", "endpoint deleted"));
    assert_eq!(
        err_code(&w.get(&format!("/v1/webhook-endpoints/{}/deliveries", s(&ep["id"])))),
        (404, "resource_missing".into())
    );
}

#[test]
fn endpoint_deliveries_list_every_attempt_and_filter_by_status() {
    let w = World::new();
    let ep = w.endpoint(json!({ "url": "https://hooks.merchant.example/in" }));
    w.script(&[HttpOutcome::Response { status: 500 }]);
    w.pay(cards::SUCCESS);
    w.drain();
    let path = format!("/v1/webhook-endpoints/{}/deliveries", s(&ep["id"]));
    let all = ok(w.get(&path));
    assert_eq!(all["data"].as_array().unwrap().len(), 3);
    let pending = ok(w.get(&format!("{path}?status=pending")));
    assert_eq!(pending["data"].as_array().unwrap().len(), 1);
    assert_eq!(pending["data"][0]["attempts"][0]["status_code"], 500);
    assert_eq!(ok(w.get(&format!("{path}?status=succeeded")))["data"].as_array().unwrap().len(), 2);
    let page = ok(w.get(&format!("{path}?limit=2")));
    assert_eq!((page["data"].as_array().unwrap().len(), page["has_more"].as_bool()), (2, Some(true)));
    let rest = ok(w.get(&format!("{path}?limit=2&starting_after={}", s(&page["next_cursor"]))));
    assert_eq!((rest["data"].as_array().unwrap().len(), rest["has_more"].as_bool()), (1, Some(false)));
    assert_eq!(err_code(&w.get(&format!("{path}?status=lost"))), (400, "parameter_invalid".into()));
    assert_eq!(err_code(&w.get(&format!("{path}?limit=0"))), (400, "parameter_invalid".into()));
}

#[test]
fn events_api_lists_filters_and_paginates() {
    let w = World::new();
    let (ok_session, _) = w.pay(cards::SUCCESS);
    let (declined_session, _) = w.pay(cards::DECLINED);
    let all = ok(w.get("/v1/events?limit=100"));
    let kinds: Vec<&str> = all["data"].as_array().unwrap().iter().map(|e| s(&e["type"])).collect();
    assert_eq!(kinds, ["charge.declined", "checkout_session.completed", "payment.succeeded", "charge.succeeded"]);

    let declined = ok(w.get("/v1/events?type=charge.declined"));
    assert_eq!(declined["data"][0]["paymentId"], declined_session["payment_id"]);
    let by_session = ok(w.get(&format!("/v1/events?checkout_session_id={}", s(&ok_session["id"]))));
    assert_eq!(by_session["data"].as_array().unwrap().len(), 3);
    let by_payment =
        ok(w.get(&format!("/v1/events?payment_id={}&type=payment.succeeded", s(&ok_session["payment_id"]))));
    assert_eq!(by_payment["data"].as_array().unwrap().len(), 1);

    let first = ok(w.get("/v1/events?limit=3"));
    assert_eq!((first["data"].as_array().unwrap().len(), first["has_more"].as_bool()), (3, Some(true)));
    let rest = ok(w.get(&format!("/v1/events?limit=3&starting_after={}", s(&first["next_cursor"]))));
    assert_eq!(
        (rest["data"].as_array().unwrap().len(), rest["has_more"].as_bool(), &rest["next_cursor"]),
        (1, Some(false), &Value::Null)
    );

    let one = ok(w.get(&format!("/v1/events/{}", s(&first["data"][0]["id"]))));
    assert_eq!(one, first["data"][0]);
    assert_eq!(err_code(&w.get("/v1/events?type=payment.exploded")), (400, "parameter_invalid".into()));
    assert_eq!(err_code(&w.get("/v1/events/evt_nope")), (404, "resource_missing".into()));
    assert_eq!(err_code(&w.get("/v1/events/evt_nope/deliveries")), (404, "resource_missing".into()));
    let other = w.h.seed_merchant("mer_other", "Other", false);
    let path = format!("/v1/events/{}", s(&one["id"]));
    assert_eq!(err_code(&w.call(Method::Get, &path, None, Some(&other.secret_key))), (404, "resource_missing".into()));
    assert_eq!(ok(w.call(Method::Get, "/v1/events", None, Some(&other.secret_key)))["data"], json!([]));
}

#[test]
fn webhook_responses_conform_to_the_openapi_document() {
    use hsrc_edge::http::Method;
    use hsrc_edge::openapi;
    let w = World::new();
    let doc = openapi::document();
    let check = |method: Method, pattern: &str, r: &ApiResponse| {
        let schema = hsrc_testkit::schema::response_schema(doc, method.as_str(), pattern, r.status)
            .unwrap_or_else(|| panic!("{pattern} {} documented", r.status));
        if let Err(e) = hsrc_testkit::schema::validate(doc, schema, &r.json_body()) {
            panic!("{} {pattern} breaks the document: {e}\n{}", method.as_str(), String::from_utf8_lossy(&r.body));
        }
    };
    let ep = w.endpoint(
        json!({ "url": "https://hooks.merchant.example/in", "enabled_events": ["*"], "description": "orders" }),
    );
    let id = s(&ep["id"]).to_string();
    check(Method::Get, "/v1/webhook-endpoints", &w.get("/v1/webhook-endpoints"));
    check(Method::Get, "/v1/webhook-endpoints/{id}", &w.get(&format!("/v1/webhook-endpoints/{id}")));
    check(
        Method::Patch,
        "/v1/webhook-endpoints/{id}",
        &w.patch(&format!("/v1/webhook-endpoints/{id}"), json!({ "description": "all orders" })),
    );
    check(
        Method::Post,
        "/v1/webhook-endpoints/{id}/rotate-secret",
        &w.post(&format!("/v1/webhook-endpoints/{id}/rotate-secret"), json!({ "expires_in": 60 })),
    );
    let (session, _) = w.pay(cards::SUCCESS);
    w.drain();
    let event_id = s(&w.events_of(s(&session["payment_id"]))[0]["id"]).to_string();
    check(Method::Get, "/v1/events/{id}/deliveries", &w.get(&format!("/v1/events/{event_id}/deliveries")));
    check(
        Method::Get,
        "/v1/webhook-endpoints/{id}/deliveries",
        &w.get(&format!("/v1/webhook-endpoints/{id}/deliveries")),
    );
    check(Method::Post, "/v1/events/{id}/resend", &w.post(&format!("/v1/events/{event_id}/resend"), json!({})));
    check(Method::Delete, "/v1/webhook-endpoints/{id}", &w.delete(&format!("/v1/webhook-endpoints/{id}")));
}
