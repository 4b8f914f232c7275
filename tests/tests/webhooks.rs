//! Webhooks end to end: the local Worker delivers through its local Queue to a receiver in this process that
//! fails, times out, then accepts. Every event of a success, a decline, a 3DS and a timeout flow must arrive
//! signed, retries keep the webhook-id, duplicates are harmless, nothing is lost, and the API shows each attempt.
//!
//! `scripts/test.sh` starts the Worker with `WEBHOOK_RETRY_SPEEDUP` (days of back-off pass in seconds) and a short
//! `WEBHOOK_TIMEOUT_MS`, exported as `HSRC_WEBHOOK_TIMEOUT_MS` so the receiver knows how long to stay silent.

use hsrc_e2e::receiver::{Answer, Arrival, Receiver};
use hsrc_e2e::{cards, Api};
use hsrc_shared::webhook::{self, WebhookSecret};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn worker_timeout() -> Duration {
    let ms = std::env::var("HSRC_WEBHOOK_TIMEOUT_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    Duration::from_millis(ms)
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

/// Sessions this test created: the receiver only plays games with their events (the merchant is shared with
/// other tests running at the same time, and every endpoint gets every event).
#[derive(Clone, Default)]
struct Mine(Arc<Mutex<HashSet<String>>>);

impl Mine {
    fn add(&self, session: &Value) {
        self.0.lock().unwrap().insert(s(&session["id"]).to_string());
    }

    fn owns(&self, arrival: &Arrival) -> bool {
        self.0.lock().unwrap().contains(s(&arrival.json()["checkoutSessionId"]))
    }
}

fn create_endpoint(api: &Api, url: &str) -> (String, String) {
    let ep = api.post("/v1/webhook-endpoints", json!({ "url": url, "description": "e2e receiver" })).expect(200)
        ["webhook_endpoint"]
        .clone();
    (s(&ep["id"]).to_string(), s(&ep["secret"]).to_string())
}

fn delete_endpoint(api: &Api, id: &str) {
    api.send("DELETE", &format!("/v1/webhook-endpoints/{id}"), Some(&api.secret_key), None, &[]).expect(200);
}

/// The events the API lists for a session, oldest first.
fn events_of(api: &Api, session_id: &str) -> Vec<Value> {
    let mut list = api.get(&format!("/v1/events?checkout_session_id={session_id}&limit=100")).expect(200)["data"]
        .as_array()
        .unwrap()
        .clone();
    list.reverse();
    list
}

fn challenge_id(confirm: &Value) -> String {
    let url = s(&confirm["confirmResult"]["paymentNextAction"]["redirect_user_to_url"]["url"]);
    url.rsplit('/').next().unwrap().to_string()
}

/// A receiver's dedupe store: verifies, then processes each webhook-id once (what a merchant's handler does).
#[derive(Default)]
struct Processed {
    by_id: BTreeMap<String, Value>,
    duplicates: usize,
}

impl Processed {
    fn take(&mut self, secret: &WebhookSecret, a: &Arrival) {
        let id = webhook::verify_headers(secret, |name| a.header(name), &a.body, a.received_at)
            .unwrap_or_else(|e| panic!("signature of {}: {e}", a.webhook_id()));
        let event = a.json();
        assert_eq!(s(&event["id"]), id, "webhook-id is the event id");
        if self.by_id.insert(id.to_string(), event).is_some() {
            self.duplicates += 1;
        }
    }
}

#[test]
fn every_event_of_four_flows_arrives_signed_through_failures_and_a_timeout() {
    let api = Api::from_env();
    let mine = Mine::default();
    let hang = worker_timeout() + Duration::from_millis(1500);
    let receiver = {
        let mine = mine.clone();
        // Per event: two failures (500, then a redirect that must not be followed), one timeout, then 200.
        Receiver::start(move |arrival, earlier| match (mine.owns(arrival), earlier) {
            (false, _) => Answer::Status(200),
            (true, 0) => Answer::Status(500),
            (true, 1) => Answer::Status(302),
            (true, 2) => Answer::Hang(hang),
            (true, _) => Answer::Status(204),
        })
    };
    let (endpoint_id, secret) = create_endpoint(&api, &format!("{}/hooks/hsrc", receiver.base));
    let secret = WebhookSecret::parse(&secret).unwrap();

    // The four flows.
    let new_session = || {
        let session = api.create_session(json!({}));
        mine.add(&session);
        session
    };
    let success = new_session();
    assert_eq!(
        api.confirm(s(&success["token"]), cards::SUCCESS).expect(200)["checkout_session"]["status"],
        "COMPLETED"
    );
    let decline = new_session();
    assert_eq!(api.confirm(s(&decline["token"]), cards::DECLINED).expect(200)["checkout_session"]["status"], "PENDING");
    let three_ds = new_session();
    let r = api.confirm(s(&three_ds["token"]), cards::THREE_DS).expect(200);
    assert_eq!(r["confirmResult"]["payment"]["status"], "REQUIRES_ACTION");
    api.payer_post(&format!("/v1/3ds/{}/complete", challenge_id(&r)), json!({ "result": "pass" })).expect(200);
    let timeout = new_session();
    assert_eq!(
        api.confirm(s(&timeout["token"]), cards::TIMEOUT_THEN_SUCCESS).expect(200)["checkout_session"]["status"],
        "PROCESSING"
    );

    let sessions = [&success, &decline, &three_ds, &timeout];
    let expected_types: [&[&str]; 4] = [
        &["charge.succeeded", "payment.succeeded", "checkout_session.completed"],
        &["charge.declined"],
        &["payment.requires_action", "charge.succeeded", "payment.succeeded", "checkout_session.completed"],
        &["charge.succeeded", "payment.succeeded", "checkout_session.completed"],
    ];

    // Fire the cron (it settles the timed-out payment and queues due retries) until every listed event of every
    // flow has been accepted once. Only the events API and the cron are used here: reading the payment would settle
    // it inside that request instead of the job.
    let all_events = api.wait_for("every event delivered", Duration::from_secs(120), || {
        api.fire_cron();
        let events: Vec<Vec<Value>> = sessions.iter().map(|x| events_of(&api, s(&x["id"]))).collect();
        let settled = events.iter().zip(expected_types).all(|(got, want)| got.len() >= want.len());
        let accepted: HashSet<String> =
            receiver.arrivals().iter().filter(|a| a.accepted()).map(|a| a.webhook_id().to_string()).collect();
        let delivered = events.iter().flatten().all(|e| accepted.contains(s(&e["id"])));
        (settled && delivered).then_some(events)
    });

    // Each flow wrote exactly the events of its lifecycle, and the async one carries the job's request id.
    for ((events, want), session) in all_events.iter().zip(expected_types).zip(sessions) {
        let kinds: Vec<&str> = events.iter().map(|e| s(&e["type"])).collect();
        assert_eq!(kinds, want, "events of session {}", s(&session["id"]));
        for e in events {
            assert_eq!((&e["checkoutSessionId"], &e["paymentId"]), (&session["id"], &session["payment_id"]));
        }
    }
    for e in &all_events[3] {
        assert!(s(&e["requestId"]).starts_with("job_"), "resolved by the scheduled job: {e}");
    }

    // What arrived: every attempt of our events signed over the exact bytes; retries kept the webhook-id and body;
    // exactly one accepted attempt per event; the receiver's dedupe sees no event twice.
    let arrivals: Vec<Arrival> = receiver.arrivals().into_iter().filter(|a| mine.owns(a)).collect();
    let mut processed = Processed::default();
    for event in all_events.iter().flatten() {
        let id = s(&event["id"]);
        let tries: Vec<&Arrival> = arrivals.iter().filter(|a| a.webhook_id() == id).collect();
        let answers: Vec<Option<u16>> = tries.iter().map(|a| a.answered).collect();
        assert_eq!(answers, [Some(500), Some(302), None, Some(204)], "attempts of {id} ({})", s(&event["type"]));
        for a in &tries {
            assert_eq!(a.path, "/hooks/hsrc");
            assert_eq!(a.header("content-type"), Some("application/json"));
            assert!(webhook::verify_headers(&secret, |n| a.header(n), &a.body, a.received_at).is_ok());
            assert_eq!(a.body, tries[0].body, "every retry carries the same bytes");
        }
        processed.take(&secret, tries[3]);
        assert_eq!(&processed.by_id[id], event, "the delivered event is the listed event");
    }
    assert_eq!(processed.duplicates, 0);

    // The API recorded every attempt with its status code, outcome, latency and the consumer run.
    let sample = &all_events[0][1];
    let deliveries =
        api.get(&format!("/v1/events/{}/deliveries", s(&sample["id"]))).expect(200)["data"].as_array().unwrap().clone();
    let d = deliveries.iter().find(|d| d["endpoint_id"] == endpoint_id.as_str()).expect("a delivery to our endpoint");
    assert_eq!((s(&d["status"]), d["attempt_count"].as_i64()), ("succeeded", Some(4)));
    let attempts = d["attempts"].as_array().unwrap();
    let outcomes: Vec<(&str, Option<i64>)> =
        attempts.iter().map(|a| (s(&a["outcome"]), a["status_code"].as_i64())).collect();
    assert_eq!(outcomes, [("failed", Some(500)), ("failed", Some(302)), ("timeout", None), ("succeeded", Some(204))]);
    assert!(
        attempts[2]["latency_ms"].as_i64().unwrap() >= worker_timeout().as_millis() as i64 - 50,
        "the timeout attempt waited the timeout"
    );
    assert!(attempts.iter().all(|a| s(&a["request_id"]).starts_with("dlv_")));
    let by_endpoint =
        api.get(&format!("/v1/webhook-endpoints/{endpoint_id}/deliveries?status=succeeded&limit=100")).expect(200);
    let listed: HashSet<&str> = by_endpoint["data"].as_array().unwrap().iter().map(|d| s(&d["event_id"])).collect();
    assert!(all_events.iter().flatten().all(|e| listed.contains(s(&e["id"]))));

    // A resend arrives again with the same webhook-id: the receiver's dedupe recognises it.
    api.post(&format!("/v1/events/{}/resend", s(&sample["id"])), json!({ "endpoint_id": endpoint_id })).expect(200);
    let again = api.wait_for("the resent event", Duration::from_secs(30), || {
        receiver.arrivals().into_iter().filter(|a| a.webhook_id() == s(&sample["id"]) && a.accepted()).nth(1)
    });
    processed.take(&secret, &again);
    assert_eq!(processed.duplicates, 1);
    let d = api.wait_for("the resend recorded", Duration::from_secs(10), || {
        let list = api.get(&format!("/v1/events/{}/deliveries", s(&sample["id"]))).expect(200);
        list["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["endpoint_id"] == endpoint_id.as_str() && d["attempt_count"] == 5 && d["status"] == "succeeded")
            .cloned()
    });
    assert_eq!(d["attempts"].as_array().unwrap().len(), 5);

    delete_endpoint(&api, &endpoint_id);
}

#[test]
fn http_410_disables_the_endpoint_at_once() {
    let api = Api::from_env();
    let mine = Mine::default();
    let receiver = {
        let mine = mine.clone();
        Receiver::start(move |arrival, _| if mine.owns(arrival) { Answer::Status(410) } else { Answer::Status(200) })
    };
    let (endpoint_id, _) = create_endpoint(&api, &format!("{}/gone", receiver.base));
    let session = api.create_session(json!({}));
    mine.add(&session);
    api.confirm(s(&session["token"]), cards::SUCCESS).expect(200);
    let ep = api.wait_for("the endpoint disabled", Duration::from_secs(60), || {
        api.fire_cron();
        let ep = api.get(&format!("/v1/webhook-endpoints/{endpoint_id}")).expect(200)["webhook_endpoint"].clone();
        (ep["status"] == "disabled").then_some(ep)
    });
    assert_eq!(ep["disabled_reason"], "endpoint_gone");
    // Nothing more is attempted while it is disabled.
    let before = receiver.arrivals().len();
    let later = api.create_session(json!({}));
    mine.add(&later);
    api.confirm(s(&later["token"]), cards::SUCCESS).expect(200);
    std::thread::sleep(Duration::from_secs(3));
    api.fire_cron();
    std::thread::sleep(Duration::from_secs(2));
    assert!(receiver.arrivals()[before..]
        .iter()
        .all(|a| !mine.owns(a) || s(&a.json()["checkoutSessionId"]) != s(&later["id"])));
    let resend = api.post(
        &format!("/v1/events/{}/resend", s(&events_of(&api, s(&later["id"]))[0]["id"])),
        json!({ "endpoint_id": endpoint_id }),
    );
    resend.expect_error(409, "endpoint_disabled");
    delete_endpoint(&api, &endpoint_id);
}

#[test]
fn a_rotated_secret_signs_next_to_the_old_one() {
    let api = Api::from_env();
    let mine = Mine::default();
    let receiver = Receiver::start(|_, _| Answer::Status(200));
    let (endpoint_id, old) = create_endpoint(&api, &format!("{}/rotating", receiver.base));
    let rotated = api.post(&format!("/v1/webhook-endpoints/{endpoint_id}/rotate-secret"), json!({})).expect(200)
        ["webhook_endpoint"]
        .clone();
    let new = s(&rotated["secret"]).to_string();
    assert_ne!(new, old);
    let shown = api.get(&format!("/v1/webhook-endpoints/{endpoint_id}")).expect(200)["webhook_endpoint"].clone();
    assert!(shown.get("secret").is_none(), "the secret is never shown again");

    let session = api.create_session(json!({}));
    mine.add(&session);
    api.confirm(s(&session["token"]), cards::SUCCESS).expect(200);
    let arrival =
        api.wait_for("a delivery", Duration::from_secs(30), || receiver.arrivals().into_iter().find(|a| mine.owns(a)));
    assert_eq!(arrival.header("webhook-signature").unwrap().split(' ').count(), 2);
    for secret in [&old, &new] {
        let secret = WebhookSecret::parse(secret).unwrap();
        assert!(webhook::verify_headers(&secret, |n| arrival.header(n), &arrival.body, arrival.received_at).is_ok());
    }
    delete_endpoint(&api, &endpoint_id);
}
