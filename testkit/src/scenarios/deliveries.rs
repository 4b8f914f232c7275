//! Webhook deliveries as a merchant's receiver sees them: every event of a success, a decline, a 3DS and a timeout
//! flow arrives signed through failures and a timeout, a 410 disables the endpoint, a rotated secret signs next
//! to the old one, a resend arrives again with the same webhook-id. Each scenario runs natively (the harness's
//! delivery sink, `run_jobs` runs the queue's consumer) and against the local Worker (a receiver on a free
//! loopback port, the Worker's local queue). The schedule, the queue messages and the storage rows behind this
//! are native-only (`edge/tests/webhooks.rs`).
//!
//! The e2e merchant is shared with tests running at the same time and every endpoint gets every event, so a
//! receiver plays its games only with the sessions its scenario created (`Mine`), and reads only their events.

use super::EndpointEnvelope;
use crate::cards;
use crate::checkout::{challenge_id, Checkout, Request, Response, Session};
use crate::receiver::{Answer, Arrival};
use hsrc_shared::api::ids::EndpointId;
use hsrc_shared::api::{
    AttemptOutcome, DeliveryStatus, DisabledReason, EndpointStatus, Event, List, WebhookDelivery, WebhookEndpoint,
};
use hsrc_shared::lifecycle::{PaymentStatus, SessionStatus};
use hsrc_shared::webhook::{self, WebhookSecret};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The sessions a scenario created: their events are the ones its receiver answers as planned.
#[derive(Clone, Default)]
struct Mine(Arc<Mutex<HashSet<String>>>);

impl Mine {
    fn add(&self, session: &Session) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).insert(session.id.clone());
    }

    fn owns(&self, arrival: &Arrival) -> bool {
        let session = arrival.json()["checkoutSessionId"].as_str().unwrap_or_default().to_string();
        self.0.lock().unwrap_or_else(|e| e.into_inner()).contains(&session)
    }
}

/// Creates an endpoint for `url` (`extra` merged in); it comes with its secret.
fn create_endpoint(c: &dyn Checkout, url: &str, extra: Value) -> WebhookEndpoint {
    let mut body = json!({ "url": url, "description": "scenario receiver" });
    body.as_object_mut().unwrap().extend(extra.as_object().cloned().unwrap_or_default());
    c.post("/v1/webhook-endpoints", body).typed::<EndpointEnvelope>(200).webhook_endpoint
}

fn endpoint(c: &dyn Checkout, id: &str) -> WebhookEndpoint {
    c.get(&format!("/v1/webhook-endpoints/{id}")).typed::<EndpointEnvelope>(200).webhook_endpoint
}

fn patch_endpoint(c: &dyn Checkout, id: &str, body: Value) -> Response {
    c.send(Request::new("PATCH", format!("/v1/webhook-endpoints/{id}")).key(&c.secret_key()).json(body))
}

fn delete_endpoint(c: &dyn Checkout, id: &str) {
    c.send(Request::new("DELETE", format!("/v1/webhook-endpoints/{id}")).key(&c.secret_key())).expect(200);
}

fn secret_of(e: &WebhookEndpoint) -> WebhookSecret {
    WebhookSecret::parse(e.secret.as_deref().expect("a created endpoint shows its secret")).expect("a whsec_ secret")
}

/// The events the API lists for a session, oldest first.
fn events_of(c: &dyn Checkout, session_id: &str) -> Vec<Event> {
    let page: List<Event> = c.get(&format!("/v1/events?checkout_session_id={session_id}&limit=100")).typed(200);
    page.data.into_iter().rev().collect()
}

fn deliveries_of(c: &dyn Checkout, event_id: &str) -> Vec<WebhookDelivery> {
    c.get(&format!("/v1/events/{event_id}/deliveries")).typed::<List<WebhookDelivery>>(200).data
}

fn verifies(secret: &WebhookSecret, a: &Arrival) -> Result<String, webhook::VerifyError> {
    webhook::verify_headers(secret, |name| a.header(name), &a.body, a.received_at).map(str::to_string)
}

/// Lets the platform work (the cron, the queue's consumer) until `probe` answers, in at most `steps` quarter
/// seconds (real ones against the Worker, the harness clock natively).
#[track_caller]
fn wait_for<T>(c: &dyn Checkout, what: &str, steps: usize, mut probe: impl FnMut() -> Option<T>) -> T {
    for _ in 0..steps {
        c.run_jobs();
        if let Some(v) = probe() {
            return v;
        }
        c.elapse(250);
    }
    panic!("{what}: not seen within {} s of background work", steps / 4)
}

/// A receiver's dedupe store: verifies, then processes each webhook-id once (what a merchant's handler does).
#[derive(Default)]
struct Processed {
    by_id: BTreeMap<String, Value>,
    duplicates: usize,
}

impl Processed {
    fn take(&mut self, secret: &WebhookSecret, a: &Arrival) {
        let id = verifies(secret, a).unwrap_or_else(|e| panic!("signature of {}: {e}", a.webhook_id()));
        let event = a.json();
        assert_eq!(event["id"], id.as_str(), "webhook-id is the event id");
        if self.by_id.insert(id, event).is_some() {
            self.duplicates += 1;
        }
    }
}

pub fn every_event_of_four_flows_arrives_signed_through_failures_and_a_timeout(c: &dyn Checkout) {
    let mine = Mine::default();
    let hang = Duration::from_millis(c.webhook_timeout_ms() + 1500);
    // Per event: two failures (500, then a redirect that must not be followed), one timeout, then 204.
    let receiver = c.receiver(Box::new({
        let mine = mine.clone();
        move |arrival: &Arrival, earlier: usize| match (mine.owns(arrival), earlier) {
            (false, _) => Answer::Status(200),
            (true, 0) => Answer::Status(500),
            (true, 1) => Answer::Status(302),
            (true, 2) => Answer::Hang(hang),
            (true, _) => Answer::Status(204),
        }
    }));
    let ep = create_endpoint(c, &receiver.url("/hooks/hsrc"), json!({}));
    let secret = secret_of(&ep);

    let new_session = || {
        let s = c.create_session(json!({}));
        mine.add(&s);
        s
    };
    let success = new_session();
    assert_eq!(c.confirm_ok(&success.token, cards::SUCCESS).checkout_session.status, SessionStatus::Completed);
    let decline = new_session();
    assert_eq!(c.confirm_ok(&decline.token, cards::DECLINED).checkout_session.status, SessionStatus::Pending);
    let three_ds = new_session();
    let r = c.confirm_ok(&three_ds.token, cards::THREE_DS);
    assert_eq!(r.confirm_result.payment.status, PaymentStatus::RequiresAction);
    c.complete_challenge(&challenge_id(&r), "pass").expect(200);
    let timeout = new_session();
    assert_eq!(
        c.confirm_ok(&timeout.token, cards::TIMEOUT_THEN_SUCCESS).checkout_session.status,
        SessionStatus::Processing
    );

    let sessions = [&success, &decline, &three_ds, &timeout];
    let expected_types: [&[&str]; 4] = [
        &["charge.succeeded", "payment.succeeded", "checkout_session.completed"],
        &["charge.declined"],
        &["payment.requires_action", "charge.succeeded", "payment.succeeded", "checkout_session.completed"],
        &["charge.succeeded", "payment.succeeded", "checkout_session.completed"],
    ];
    // Only the events API and the platform's own work run here: reading the payment would settle the timed-out
    // one inside that request instead of the scheduled job.
    let all_events = wait_for(c, "every event delivered", 480, || {
        let events: Vec<Vec<Event>> = sessions.iter().map(|s| events_of(c, &s.id)).collect();
        let settled = events.iter().zip(expected_types).all(|(got, want)| got.len() >= want.len());
        let accepted: HashSet<String> =
            receiver.arrivals().iter().filter(|a| a.accepted()).map(|a| a.webhook_id().to_string()).collect();
        let delivered = events.iter().flatten().all(|e| accepted.contains(e.id.as_str()));
        (settled && delivered).then_some(events)
    });

    // Each flow wrote exactly the events of its lifecycle; the async one carries the scheduled job's request id.
    for ((events, want), session) in all_events.iter().zip(expected_types).zip(sessions) {
        let kinds: Vec<String> = events.iter().map(|e| e.kind.to_string()).collect();
        assert_eq!(kinds, want, "events of session {}", session.id);
        for e in events {
            assert_eq!(e.checkout_session_id.as_ref().map(|id| id.as_str()), Some(session.id.as_str()));
            assert_eq!(e.payment_id.as_ref().map(|id| id.as_str()), Some(session.payment_id.as_str()));
        }
    }
    for e in &all_events[3] {
        let by = e.request_id.as_deref().unwrap_or_default();
        assert!(by.starts_with("job_"), "resolved by the scheduled job: {by}");
    }

    // Every attempt of our events signed over the exact bytes; retries kept the webhook-id and the body; exactly
    // one accepted attempt per event; the delivered event is the listed one; the dedupe sees no event twice.
    let stranger = WebhookSecret::from_random_bytes(&[3u8; 32]).expect("a secret");
    let arrivals: Vec<Arrival> = receiver.arrivals().into_iter().filter(|a| mine.owns(a)).collect();
    let mut processed = Processed::default();
    for event in all_events.iter().flatten() {
        let id = event.id.as_str();
        let tries: Vec<&Arrival> = arrivals.iter().filter(|a| a.webhook_id() == id).collect();
        let answers: Vec<Option<u16>> = tries.iter().map(|a| a.answered).collect();
        assert_eq!(answers, [Some(500), Some(302), None, Some(204)], "attempts of {id} ({})", event.kind);
        for a in &tries {
            assert_eq!(a.path, "/hooks/hsrc");
            assert_eq!(a.header("content-type"), Some("application/json"));
            assert!(a.header("webhook-signature").is_some_and(|s| s.starts_with("v1,")));
            assert_eq!(verifies(&secret, a).as_deref(), Ok(id));
            assert_eq!(verifies(&stranger, a), Err(webhook::VerifyError::NoMatchingSignature));
            assert_eq!(a.body, tries[0].body, "every retry carries the same bytes");
        }
        processed.take(&secret, tries[3]);
        assert_eq!(processed.by_id[id], serde_json::to_value(event).unwrap(), "the delivered event is the listed one");
    }
    assert_eq!(processed.duplicates, 0);
    let paid = &processed.by_id[all_events[0][1].id.as_str()];
    assert_eq!((paid["object"].as_str(), paid["type"].as_str()), (Some("event"), Some("payment.succeeded")));
    assert_eq!(
        (paid["data"]["object"]["id"].as_str(), paid["data"]["object"]["status"].as_str()),
        (Some(success.payment_id.as_str()), Some("SUCCEEDED"))
    );

    // The API recorded every attempt with its status code, outcome, latency and the consumer's run.
    let deliveries = deliveries_of(c, all_events[0][1].id.as_str());
    let d = deliveries.iter().find(|d| d.endpoint_id == ep.id).expect("a delivery to our endpoint");
    assert_eq!((d.status, d.attempt_count, d.next_attempt_at), (DeliveryStatus::Succeeded, 4, None));
    let outcomes: Vec<(AttemptOutcome, Option<i64>)> = d.attempts.iter().map(|a| (a.outcome, a.status_code)).collect();
    assert_eq!(
        outcomes,
        [
            (AttemptOutcome::Failed, Some(500)),
            (AttemptOutcome::Failed, Some(302)),
            (AttemptOutcome::Timeout, None),
            (AttemptOutcome::Succeeded, Some(204))
        ]
    );
    assert_eq!(d.attempts[1].error.as_deref(), Some("HTTP 302: redirects are not followed"));
    assert!(d.attempts[2].latency_ms >= c.webhook_timeout_ms() as i64 - 50, "the timeout attempt waited the timeout");
    assert!(d.attempts.iter().all(|a| a.request_id.as_deref().is_some_and(|r| r.starts_with("dlv_"))));
    let listed: List<WebhookDelivery> =
        c.get(&format!("/v1/webhook-endpoints/{}/deliveries?status=succeeded&limit=100", ep.id)).typed(200);
    let listed: HashSet<&str> = listed.data.iter().map(|d| d.event_id.as_str()).collect();
    assert!(all_events.iter().flatten().all(|e| listed.contains(e.id.as_str())));
    // Success reset the endpoint's failure count.
    let now = endpoint(c, ep.id.as_str());
    assert_eq!((now.consecutive_failures, now.failing_since), (0, None));
    delete_endpoint(c, ep.id.as_str());
}

pub fn deliveries_are_signed_per_standard_webhooks_over_the_exact_bytes(c: &dyn Checkout) {
    let mine = Mine::default();
    let receiver = c.receiver(Box::new(|_: &Arrival, _: usize| Answer::Status(200)));
    let ep = create_endpoint(c, &receiver.url("/in"), json!({ "enabled_events": ["payment.succeeded"] }));
    let s = c.create_session(json!({}));
    mine.add(&s);
    c.confirm_ok(&s.token, cards::SUCCESS);
    let d = wait_for(c, "the delivery", 120, || receiver.arrivals().into_iter().find(|a| mine.owns(a)));
    assert_eq!((d.path.as_str(), d.header("content-type")), ("/in", Some("application/json")));
    let sent_at: i64 = d.header("webhook-timestamp").and_then(|t| t.parse().ok()).expect("a webhook-timestamp");
    assert!((0..=5).contains(&(d.received_at - sent_at)), "timestamped when sent: {sent_at} vs {}", d.received_at);
    assert!(d.header("webhook-signature").is_some_and(|s| s.starts_with("v1,")));
    assert_eq!(verifies(&secret_of(&ep), &d).as_deref(), Ok(d.webhook_id()));
    let stranger = WebhookSecret::from_random_bytes(&[3u8; 32]).expect("a secret");
    assert_eq!(verifies(&stranger, &d), Err(webhook::VerifyError::NoMatchingSignature));
    let mut tampered = d.clone();
    tampered.body.push(b' ');
    assert!(verifies(&secret_of(&ep), &tampered).is_err(), "the signature covers the exact bytes");

    // The envelope of the guide: id, type, paymentId, checkoutSessionId, requestId, data.object; and the
    // delivered event is the listed event.
    let event: Event = serde_json::from_slice(&d.body).expect("an event");
    assert_eq!((event.id.as_str(), event.object.as_str()), (d.webhook_id(), "event"));
    assert_eq!(event.kind.as_str(), "payment.succeeded");
    assert_eq!(event.payment_id.as_ref().map(|p| p.as_str()), Some(s.payment_id.as_str()));
    assert_eq!(event.checkout_session_id.as_ref().map(|p| p.as_str()), Some(s.id.as_str()));
    assert!(event.request_id.as_deref().is_some_and(|r| r.starts_with("req_")), "{:?}", event.request_id);
    let object = &event.data.object;
    assert_eq!((object["id"].as_str(), object["status"].as_str()), (Some(s.payment_id.as_str()), Some("SUCCEEDED")));
    let listed: Event = c.get(&format!("/v1/events/{}", event.id)).typed(200);
    assert_eq!(listed, event);
    delete_endpoint(c, ep.id.as_str());
}

pub fn asynchronous_outcomes_are_delivered_with_the_id_of_the_job_that_resolved_them(c: &dyn Checkout) {
    let mine = Mine::default();
    let receiver = c.receiver(Box::new(|_: &Arrival, _: usize| Answer::Status(200)));
    let ep = create_endpoint(c, &receiver.url("/in"), json!({}));
    let s = c.create_session(json!({}));
    mine.add(&s);
    let r = c.confirm_ok(&s.token, cards::TIMEOUT_THEN_SUCCESS);
    assert_eq!(r.confirm_result.payment.status, PaymentStatus::Processing);
    // The cron settles it (reading the payment here would settle it inside that request instead).
    let want = ["charge.succeeded", "payment.succeeded", "checkout_session.completed"];
    let arrived = wait_for(c, "the outcome's events", 240, || {
        let ours: Vec<Arrival> = receiver.arrivals().into_iter().filter(|a| mine.owns(a) && a.accepted()).collect();
        (ours.len() >= want.len()).then_some(ours)
    });
    let events: Vec<Event> = arrived.iter().map(|a| serde_json::from_slice(&a.body).expect("an event")).collect();
    let mut kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    kinds.sort_unstable();
    let mut sorted = want;
    sorted.sort_unstable();
    assert_eq!(kinds, sorted, "each event of the outcome, once");
    let job = events[0].request_id.clone().expect("a request id");
    assert!(job.starts_with("job_"), "resolved by the scheduled job: {job}");
    for (e, a) in events.iter().zip(&arrived) {
        assert_eq!(e.request_id.as_deref(), Some(job.as_str()), "one run resolved it");
        assert_eq!(e.payment_id.as_ref().map(|p| p.as_str()), Some(s.payment_id.as_str()));
        assert!(verifies(&secret_of(&ep), a).is_ok());
    }
    delete_endpoint(c, ep.id.as_str());
}

pub fn resend_redelivers_the_same_event_and_records_the_attempt(c: &dyn Checkout) {
    let mine = Mine::default();
    let receiver = c.receiver(Box::new(|_: &Arrival, _: usize| Answer::Status(200)));
    let a = create_endpoint(c, &receiver.url("/a"), json!({ "enabled_events": ["payment.succeeded"] }));
    let s = c.create_session(json!({}));
    mine.add(&s);
    c.confirm_ok(&s.token, cards::SUCCESS);
    let event = events_of(c, &s.id).into_iter().find(|e| e.kind.as_str() == "payment.succeeded").expect("event");
    let event_id = event.id.as_str().to_string();
    let accepted = |path: &str| -> Vec<Arrival> {
        let all = receiver.arrivals();
        all.into_iter().filter(|x| x.path == path && x.webhook_id() == event_id && x.accepted()).collect()
    };
    wait_for(c, "the first delivery", 120, || accepted("/a").first().cloned());
    // An endpoint added later can be sent the event explicitly, even when not subscribed to its type.
    let b = create_endpoint(c, &receiver.url("/b"), json!({ "enabled_events": ["charge.declined"] }));
    let resend = format!("/v1/events/{event_id}/resend");
    // The answer lists the event's deliveries; on the shared e2e merchant, endpoints of tests running beside this one
    // may hold deliveries of it too, so count the two endpoints of this scenario only.
    let to_ours = |list: &List<WebhookDelivery>| -> Vec<EndpointId> {
        list.data
            .iter()
            .filter(|d| d.endpoint_id == a.id || d.endpoint_id == b.id)
            .map(|d| d.endpoint_id.clone())
            .collect()
    };
    let list: List<WebhookDelivery> = c.post(&resend, json!({ "endpoint_id": a.id.as_str() })).typed(200);
    assert_eq!(to_ours(&list), vec![a.id.clone()]);
    let list: List<WebhookDelivery> = c.post(&resend, json!({ "endpoint_id": b.id.as_str() })).typed(200);
    let mut got = to_ours(&list);
    got.sort_by(|x, y| x.as_str().cmp(y.as_str()));
    let mut want = vec![a.id.clone(), b.id.clone()];
    want.sort_by(|x, y| x.as_str().cmp(y.as_str()));
    assert_eq!(got, want);
    // Both arrive with the event's webhook-id; A's delivery now records two accepted attempts.
    wait_for(c, "the resent event at both endpoints", 120, || {
        (accepted("/a").len() == 2 && accepted("/b").len() == 1).then_some(())
    });
    let mut processed = Processed::default();
    for x in accepted("/a") {
        processed.take(&secret_of(&a), &x);
    }
    assert_eq!(processed.duplicates, 1, "a receiver's dedupe recognises the resend");
    let to_a = wait_for(c, "the resend recorded", 40, || {
        deliveries_of(c, &event_id).into_iter().find(|d| d.endpoint_id == a.id && d.attempt_count == 2)
    });
    assert_eq!((to_a.status, to_a.attempts.len()), (DeliveryStatus::Succeeded, 2));

    // Refusals: a disabled endpoint, unknown ids, unknown fields.
    patch_endpoint(c, b.id.as_str(), json!({ "disabled": true })).expect(200);
    c.post(&resend, json!({ "endpoint_id": b.id.as_str() })).expect_error(409, "endpoint_disabled");
    c.post(&resend, json!({ "endpoint_id": "we_nope" })).expect_error(404, "resource_missing");
    c.post("/v1/events/evt_nope/resend", json!({})).expect_error(404, "resource_missing");
    c.post(&resend, json!({ "endpoint": "x" })).expect_error(400, "parameter_unknown");
    delete_endpoint(c, a.id.as_str());
    delete_endpoint(c, b.id.as_str());
}

pub fn http_410_disables_the_endpoint_at_once_and_reenabling_resumes(c: &dyn Checkout) {
    let mine = Mine::default();
    // Our event: 410 on its first attempt, accepted once the endpoint is enabled again.
    let receiver = c.receiver(Box::new({
        let mine = mine.clone();
        move |arrival: &Arrival, earlier: usize| match (mine.owns(arrival), earlier) {
            (true, 0) => Answer::Status(410),
            _ => Answer::Status(200),
        }
    }));
    let ep = create_endpoint(c, &receiver.url("/gone"), json!({ "enabled_events": ["payment.succeeded"] }));
    let first = c.create_session(json!({}));
    mine.add(&first);
    c.confirm_ok(&first.token, cards::SUCCESS);
    let disabled = wait_for(c, "the endpoint disabled", 240, || {
        let e = endpoint(c, ep.id.as_str());
        (e.status == EndpointStatus::Disabled).then_some(e)
    });
    assert_eq!(disabled.disabled_reason, Some(DisabledReason::Gone));

    // While disabled: a new event is not fanned out to it, the waiting delivery is not attempted, and a resend
    // to it is refused.
    let later = c.create_session(json!({}));
    mine.add(&later);
    c.confirm_ok(&later.token, cards::SUCCESS);
    for _ in 0..8 {
        c.run_jobs();
        c.elapse(500);
    }
    let ours = |session: &Session| -> Vec<Arrival> {
        let all = receiver.arrivals();
        all.into_iter().filter(|a| a.json()["checkoutSessionId"] == session.id.as_str()).collect()
    };
    assert_eq!(ours(&first).len(), 1, "the waiting delivery was not attempted while disabled");
    assert!(ours(&later).is_empty(), "no event reaches a disabled endpoint");
    let later_event = events_of(c, &later.id).into_iter().find(|e| e.kind.as_str() == "payment.succeeded");
    let resend = format!("/v1/events/{}/resend", later_event.expect("the later payment's event").id);
    c.post(&resend, json!({ "endpoint_id": ep.id.as_str() })).expect_error(409, "endpoint_disabled");

    // Enabled again: the waiting delivery goes out; the event made while disabled never does.
    let on = patch_endpoint(c, ep.id.as_str(), json!({ "disabled": false })).typed::<EndpointEnvelope>(200);
    assert_eq!((on.webhook_endpoint.status, on.webhook_endpoint.consecutive_failures), (EndpointStatus::Enabled, 0));
    wait_for(c, "the waiting delivery", 240, || ours(&first).iter().any(Arrival::accepted).then_some(()));
    assert!(ours(&later).is_empty());
    delete_endpoint(c, ep.id.as_str());
}

pub fn a_rotated_secret_signs_next_to_the_old_one(c: &dyn Checkout) {
    let mine = Mine::default();
    let receiver = c.receiver(Box::new(|_: &Arrival, _: usize| Answer::Status(200)));
    let ep = create_endpoint(c, &receiver.url("/rotating"), json!({ "enabled_events": ["payment.succeeded"] }));
    let old = secret_of(&ep);
    let path = format!("/v1/webhook-endpoints/{}/rotate-secret", ep.id);
    let rotated = c.post(&path, json!({})).typed::<EndpointEnvelope>(200).webhook_endpoint;
    let new = secret_of(&rotated);
    assert_ne!(rotated.secret, ep.secret);
    let grace_ends = rotated.previous_secret_expires_at.expect("the old secret's grace period");
    assert!((86_399..=86_401).contains(&(grace_ends - rotated.updated_at)), "a day of grace: {grace_ends}");
    assert!(endpoint(c, ep.id.as_str()).secret.is_none(), "the secret is never shown again");

    // One delivery of a payment made now: the signatures it arrives with.
    let signed_by = |c: &dyn Checkout| -> Arrival {
        let s = c.create_session(json!({}));
        mine.add(&s);
        c.confirm_ok(&s.token, cards::SUCCESS);
        wait_for(c, "a delivery", 120, || {
            receiver.arrivals().into_iter().find(|a| a.json()["checkoutSessionId"] == s.id.as_str())
        })
    };
    let both = signed_by(c);
    assert_eq!(both.header("webhook-signature").unwrap_or_default().split(' ').count(), 2);
    assert!(verifies(&old, &both).is_ok() && verifies(&new, &both).is_ok());

    // After the grace period only the new secret signs (a day: only where the clock is virtual).
    if c.virtual_clock() {
        c.elapse(86_400_000 + 1_000);
        let one = signed_by(c);
        assert_eq!(one.header("webhook-signature").unwrap_or_default().split(' ').count(), 1);
        assert!(verifies(&new, &one).is_ok());
        assert_eq!(verifies(&old, &one), Err(webhook::VerifyError::NoMatchingSignature));
        assert_eq!(endpoint(c, ep.id.as_str()).previous_secret_expires_at, None);
    }

    // expires_in: 0 retires the old secret at once; out-of-range values and unknown endpoints are refused.
    let newest = secret_of(&c.post(&path, json!({ "expires_in": 0 })).typed::<EndpointEnvelope>(200).webhook_endpoint);
    let one = signed_by(c);
    assert_eq!(one.header("webhook-signature").unwrap_or_default().split(' ').count(), 1);
    assert!(verifies(&newest, &one).is_ok());
    assert_eq!(verifies(&new, &one), Err(webhook::VerifyError::NoMatchingSignature));
    c.post(&path, json!({ "expires_in": -1 })).expect_error(400, "parameter_invalid");
    c.post(&path, json!({ "expires_in": 604_801 })).expect_error(400, "parameter_invalid");
    c.post("/v1/webhook-endpoints/we_nope/rotate-secret", json!({})).expect_error(404, "resource_missing");
    delete_endpoint(c, ep.id.as_str());
}

#[macro_export]
macro_rules! deliveries_scenarios {
    ($make:expr) => {
        $crate::scenario_tests!(
            $make,
            deliveries,
            every_event_of_four_flows_arrives_signed_through_failures_and_a_timeout,
            deliveries_are_signed_per_standard_webhooks_over_the_exact_bytes,
            asynchronous_outcomes_are_delivered_with_the_id_of_the_job_that_resolved_them,
            resend_redelivers_the_same_event_and_records_the_attempt,
            http_410_disables_the_endpoint_at_once_and_reenabling_resumes,
            a_rotated_secret_signs_next_to_the_old_one,
        );
    };
}
