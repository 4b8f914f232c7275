//! Refunds end to end against the local Worker (issue #13): full, several partials, over-refund, refund of an
//! authorization, concurrent partials that together exceed the captured amount, the failing and the asynchronous
//! sandbox cards, replay with the same Idempotency-Key, and the signed webhook events in order. Responses are checked
//! against the served OpenAPI document.

use hsrc_e2e::receiver::{Answer, Receiver};
use hsrc_e2e::{cards, Api, Resp};
use hsrc_shared::webhook::{self, WebhookSecret};
use serde_json::{json, Value};
use std::time::Duration;

const REFUND_FAILS: &str = "4000000000007056";
const REFUND_ASYNC: &str = "4000000000007064";

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

fn conforms(api: &Api, doc: &Value, method: &str, path: &str, r: &Resp) {
    let m = hsrc_edge::http::Method::parse(method);
    let (route, _) = hsrc_edge::routing::find(m, path.split('?').next().unwrap()).expect("routed");
    let schema = hsrc_testkit::schema::response_schema(doc, method, route.path, r.status)
        .unwrap_or_else(|| panic!("{method} {} {} is documented", route.path, r.status));
    if let Err(e) = hsrc_testkit::schema::validate(doc, schema, &r.json) {
        panic!("{method} {path} → {} does not match the document: {e}\n{}", r.status, r.text);
    }
    let _ = api;
}

struct T {
    api: Api,
    doc: Value,
}

impl T {
    fn new() -> Self {
        let api = Api::from_env();
        let doc = api.get("/v1/openapi.json").expect(200);
        Self { api, doc }
    }

    fn paid(&self, card: &str, extra: Value) -> (Value, String) {
        let session = self.api.create_session(extra);
        self.api.confirm(s(&session["token"]), card).expect(200);
        let pid = s(&session["payment_id"]).to_string();
        (session, pid)
    }

    fn refund_with(&self, body: Value, key: Option<&str>) -> Resp {
        let headers: Vec<(&str, &str)> = key.map(|k| vec![("idempotency-key", k)]).unwrap_or_default();
        let r = self.api.send("POST", "/v1/refunds", Some(&self.api.secret_key), Some(&body), &headers);
        conforms(&self.api, &self.doc, "POST", "/v1/refunds", &r);
        r
    }

    fn refund(&self, body: Value) -> Resp {
        self.refund_with(body, None)
    }

    fn get(&self, path: &str) -> Value {
        let r = self.api.get(path);
        conforms(&self.api, &self.doc, "GET", path, &r);
        r.expect(200)
    }
}

#[test]
fn full_then_nothing_left_and_the_payment_stays_succeeded() {
    let t = T::new();
    let (_, pid) = t.paid(cards::SUCCESS, json!({}));
    let re = t.refund(json!({ "payment_id": pid, "reason": "requested_by_customer" })).expect(200)["refund"].clone();
    assert_eq!((s(&re["status"]), re["amount"].as_i64()), ("SUCCEEDED", Some(12500)));
    let p = t.get(&format!("/v1/payments/{pid}"))["payment"].clone();
    assert_eq!(
        (s(&p["status"]), s(&p["refund_status"]), p["amount_refunded"].as_i64()),
        ("SUCCEEDED", "full", Some(12500))
    );
    assert_eq!(p["refunds"][0]["id"], re["id"]);
    let got = t.get(&format!("/v1/refunds/{}", s(&re["id"])))["refund"].clone();
    assert_eq!(got["id"], re["id"]);
    t.refund(json!({ "payment_id": pid, "amount": 1 })).expect_error(400, "amount_invalid");
}

#[test]
fn several_partials_then_an_over_refund_is_400_on_amount() {
    let t = T::new();
    let (_, pid) = t.paid(cards::SUCCESS, json!({}));
    for amount in [1000, 2000, 3000] {
        assert_eq!(
            t.refund(json!({ "payment_id": pid, "amount": amount })).expect(200)["refund"]["status"],
            "SUCCEEDED"
        );
    }
    let p = t.get(&format!("/v1/payments/{pid}"))["payment"].clone();
    assert_eq!((s(&p["refund_status"]), p["amount_refunded"].as_i64()), ("partial", Some(6000)));
    let err = t.refund(json!({ "payment_id": pid, "amount": 6501 })).expect_error(400, "amount_invalid");
    assert_eq!(err["error"]["param"], "amount");
    let list = t.get(&format!("/v1/refunds?payment_id={pid}&limit=2"));
    let amounts: Vec<i64> = list["data"].as_array().unwrap().iter().map(|r| r["amount"].as_i64().unwrap()).collect();
    assert_eq!((amounts, list["has_more"].as_bool()), (vec![3000, 2000], Some(true)));
    let rest = t.get(&format!("/v1/refunds?payment_id={pid}&limit=2&starting_after={}", s(&list["next_cursor"])));
    assert_eq!(rest["data"][0]["amount"], 1000);
}

#[test]
fn an_authorization_is_voided_not_refunded() {
    let t = T::new();
    let (_, pid) = t.paid(cards::SUCCESS, json!({ "capture_method": "manual" }));
    let err = t.refund(json!({ "payment_id": pid })).expect_error(409, "state_conflict");
    assert!(s(&err["error"]["message"]).contains("Void it instead"), "{err}");
}

#[test]
fn concurrent_partials_never_exceed_the_captured_amount() {
    let t = T::new();
    let (_, pid) = t.paid(cards::SUCCESS, json!({}));
    // 8 × 3000 against 12500 captured: exactly 4 fit.
    let statuses: Vec<(u16, Value)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let (api, pid) = (&t.api, pid.clone());
                scope.spawn(move || {
                    let r = api.post("/v1/refunds", json!({ "payment_id": pid, "amount": 3000 }));
                    (r.status, r.json)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let ok = statuses.iter().filter(|(st, _)| *st == 200).count();
    assert_eq!(ok, 4, "{statuses:?}");
    for (st, body) in statuses.iter().filter(|(st, _)| *st != 200) {
        assert_eq!((*st, s(&body["error"]["param"])), (400, "amount"), "{body}");
    }
    let p = t.get(&format!("/v1/payments/{pid}"))["payment"].clone();
    assert_eq!(p["amount_refunded"], 12000);
    assert_eq!(p["refunds"].as_array().unwrap().len(), 4);
}

#[test]
fn the_failing_card_fails_and_can_be_refunded_again() {
    let t = T::new();
    let (_, pid) = t.paid(REFUND_FAILS, json!({}));
    for _ in 0..2 {
        let re = t.refund(json!({ "payment_id": pid })).expect(200)["refund"].clone();
        assert_eq!((s(&re["status"]), s(&re["failure_reason"])), ("FAILED", "provider_declined"));
        assert_eq!(re["amount"], 12500);
    }
    let p = t.get(&format!("/v1/payments/{pid}"))["payment"].clone();
    assert_eq!((s(&p["refund_status"]), p["amount_refunded"].as_i64()), ("none", Some(0)));
}

#[test]
fn the_async_card_stays_pending_then_succeeds() {
    let t = T::new();
    let (_, pid) = t.paid(REFUND_ASYNC, json!({}));
    let re = t.refund(json!({ "payment_id": pid, "amount": 2500 })).expect(200)["refund"].clone();
    assert_eq!(re["status"], "PENDING");
    let id = s(&re["id"]).to_string();
    let settled = t.api.wait_for("the async refund", Duration::from_secs(30), || {
        t.api.fire_cron();
        let r = t.get(&format!("/v1/refunds/{id}"))["refund"].clone();
        (r["status"] != "PENDING").then_some(r)
    });
    assert_eq!((s(&settled["status"]), settled["version"].as_i64()), ("SUCCEEDED", Some(1)));
    assert_eq!(t.get(&format!("/v1/payments/{pid}"))["payment"]["amount_refunded"], 2500);
    // A pending one can be cancelled before it settles.
    let second = t.refund(json!({ "payment_id": pid, "amount": 1000 })).expect(200)["refund"].clone();
    let path = format!("/v1/refunds/{}/cancel", s(&second["id"]));
    let r = t.api.post(&path, json!({}));
    conforms(&t.api, &t.doc, "POST", &path, &r);
    assert_eq!(r.expect(200)["refund"]["status"], "CANCELLED");
}

#[test]
fn the_same_idempotency_key_replays_instead_of_refunding_twice() {
    let t = T::new();
    let (_, pid) = t.paid(cards::SUCCESS, json!({}));
    let key = format!("e2e-refund-{pid}");
    let body = json!({ "payment_id": pid, "amount": 4000 });
    let first = t.refund_with(body.clone(), Some(&key));
    let again = t.refund_with(body, Some(&key));
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(first.expect(200)["refund"]["id"], again.expect(200)["refund"]["id"]);
    assert_eq!(t.get(&format!("/v1/payments/{pid}"))["payment"]["amount_refunded"], 4000);
}

#[test]
fn refund_events_arrive_signed_and_in_order() {
    let t = T::new();
    let receiver = Receiver::start(|_, _| Answer::Status(200));
    let ep = t.api.post("/v1/webhook-endpoints", json!({ "url": format!("{}/hook", receiver.base), "enabled_events": ["refund.created", "refund.succeeded", "payment.refunded"] }))
        .expect(200)["webhook_endpoint"]
        .clone();
    let secret = WebhookSecret::parse(s(&ep["secret"])).unwrap();
    let (session, pid) = t.paid(cards::SUCCESS, json!({}));
    let a = t.refund(json!({ "payment_id": pid, "amount": 2500 })).expect(200)["refund"].clone();
    let b = t.refund(json!({ "payment_id": pid })).expect(200)["refund"].clone();
    let listed: Vec<Value> = {
        let mut l = t.get(&format!("/v1/events?checkout_session_id={}&limit=100", s(&session["id"])))["data"]
            .as_array()
            .unwrap()
            .clone();
        l.reverse();
        l.into_iter().filter(|e| e["refundId"].is_string()).collect()
    };
    let kinds: Vec<(&str, &str)> = listed.iter().map(|e| (s(&e["type"]), s(&e["refundId"]))).collect();
    let (ra, rb) = (s(&a["id"]), s(&b["id"]));
    assert_eq!(
        kinds,
        [
            ("refund.created", ra),
            ("refund.succeeded", ra),
            ("refund.created", rb),
            ("refund.succeeded", rb),
            ("payment.refunded", rb)
        ]
    );
    for e in &listed {
        assert_eq!((s(&e["paymentId"]), e["requestId"].is_string()), (pid.as_str(), true), "{e}");
        assert!(e["data"]["object"]["version"].is_i64(), "{e}");
    }
    let arrived = t.api.wait_for("five signed refund webhooks", Duration::from_secs(30), || {
        let mine: Vec<Value> = receiver
            .arrivals()
            .iter()
            .filter(|x| x.json()["paymentId"] == pid.as_str())
            .map(|x| {
                webhook::verify_headers(&secret, |n| x.header(n), &x.body, x.received_at).expect("signed");
                x.json()
            })
            .collect();
        (mine.len() >= 5).then_some(mine)
    });
    let mut ids: Vec<&str> = arrived.iter().map(|e| s(&e["id"])).collect();
    ids.sort_unstable();
    let mut want: Vec<&str> = listed.iter().map(|e| s(&e["id"])).collect();
    want.sort_unstable();
    assert_eq!(ids, want);
    // Within one refund, versions only go up in event order: a receiver can drop anything older than it holds.
    for r in [ra, rb] {
        let v: Vec<i64> = listed
            .iter()
            .filter(|e| s(&e["refundId"]) == r && s(&e["type"]).starts_with("refund."))
            .map(|e| e["data"]["object"]["version"].as_i64().unwrap())
            .collect();
        assert_eq!(v, [0, 1]);
    }
    t.api
        .send("DELETE", &format!("/v1/webhook-endpoints/{}", s(&ep["id"])), Some(&t.api.secret_key), None, &[])
        .expect(200);
}
