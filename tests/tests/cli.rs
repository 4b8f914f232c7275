//! End-to-end tests of the `hsrc` CLI against the local Worker: every `trigger` event arrives, `listen` forwards
//! signed events and resumes with `--since` without losing or repeating one, inspect commands' `--json` parses into
//! the shared wire types, live keys are refused, and `login` writes a 0600 profile.

use hsrc_e2e::cli::Hsrc;
use hsrc_e2e::receiver::{Answer, Receiver};
use hsrc_e2e::Api;
use hsrc_shared::api::{CheckoutSession, Event, List, Payment};
use hsrc_shared::webhook::{verify_headers, WebhookSecret};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const TRIGGERS: &[&str] = &[
    "payment.succeeded",
    "payment.authorized",
    "payment.failed",
    "charge.declined",
    "payment.requires_action",
    "checkout_session.expired",
    "checkout_session.cancelled",
    "refund.succeeded",
];

fn parse<T: serde::de::DeserializeOwned>(text: &str) -> T {
    serde_json::from_str(text)
        .unwrap_or_else(|e| panic!("--json output does not parse into the shared type: {e}\n{text}"))
}

fn newest_event_id(api: &Api) -> String {
    api.get("/v1/events?limit=1").expect(200)["data"][0]["id"].as_str().expect("an event exists").to_string()
}

/// Every event id newer than `after`, oldest first, from the API itself.
fn events_after(api: &Api, after: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut cursor = after.to_string();
    for _ in 0..100 {
        let page = api.get(&format!("/v1/events?ending_before={cursor}&limit=100")).expect(200);
        let mut data = page["data"].as_array().unwrap().clone();
        data.reverse();
        if let Some(last) = data.last() {
            cursor = last["id"].as_str().unwrap().to_string();
        }
        out.extend(data);
        if page["has_more"] != true {
            break;
        }
    }
    out
}

#[test]
fn every_trigger_event_arrives_and_inspect_json_parses_into_the_shared_types() {
    let api = Api::from_env();
    let hsrc = Hsrc::new(&api, "trigger");
    for kind in TRIGGERS {
        let event: Event = parse(&hsrc.ok(&["--json", "trigger", kind]));
        assert_eq!(event.kind, *kind);
        assert!(!event.livemode);
        let session_id = event.checkout_session_id.clone().expect("a session event");
        // The event is in the log exactly as trigger printed it.
        let got: Event = parse(&hsrc.ok(&["--json", "events", "get", &event.id]));
        assert_eq!(got, event);
        let session: CheckoutSession = parse(&hsrc.ok(&["--json", "sessions", "get", &session_id]));
        assert_eq!(session.id, session_id);
        let payment: Payment = parse(&hsrc.ok(&["--json", "payments", "get", &session.payment_id]));
        assert_eq!(payment.checkout_session_id.as_deref(), Some(session_id.as_str()));
        let expected_status = match *kind {
            "payment.succeeded" => "SUCCEEDED",
            "payment.authorized" => "AUTHORIZED",
            "payment.failed" => "FAILED",
            "charge.declined" => "REQUIRES_PAYMENT_METHOD",
            "payment.requires_action" => "REQUIRES_ACTION",
            _ => "",
        };
        if !expected_status.is_empty() {
            assert_eq!(payment.status.as_str(), expected_status, "{kind}");
        }
        let table = hsrc.ok(&["events", "get", &event.id]);
        assert!(table.contains(event.id.as_str()) && table.contains(kind), "readable table: {table}");
    }
    let sessions: List<CheckoutSession> = parse(&hsrc.ok(&["--json", "sessions", "list", "--limit", "3"]));
    assert_eq!(sessions.data.len(), 3);
    let payments: List<Payment> = parse(&hsrc.ok(&["--json", "payments", "list", "--limit", "3"]));
    assert_eq!(payments.data.len(), 3);
    let events: List<Event> =
        parse(&hsrc.ok(&["--json", "events", "list", "--type", "charge.declined", "--limit", "2"]));
    assert!(!events.data.is_empty() && events.data.iter().all(|e| e.kind == "charge.declined"));
    let created: CheckoutSession =
        parse(&hsrc.ok(&["--json", "sessions", "create", "--amount", "4200", "--metadata", "order_id=cli_e2e"]));
    assert_eq!((created.amount, created.metadata["order_id"].as_str()), (4200, "cli_e2e"));
    assert!(created.token.is_some(), "the token is shown on create");
}

#[test]
fn capture_and_void_through_the_cli() {
    let api = Api::from_env();
    let hsrc = Hsrc::new(&api, "capture");
    let authorized: Event = parse(&hsrc.ok(&["--json", "trigger", "payment.authorized"]));
    let payment_id = authorized.payment_id.expect("payment id");
    let captured: Payment = parse(&hsrc.ok(&["--json", "payments", "capture", &payment_id, "--amount", "5000"]));
    assert_eq!((captured.status.as_str(), captured.amount_captured), ("SUCCEEDED", 5000));
    let other: Event = parse(&hsrc.ok(&["--json", "trigger", "payment.authorized"]));
    let voided: Payment = parse(&hsrc.ok(&["--json", "payments", "void", other.payment_id.as_deref().unwrap()]));
    assert_eq!(voided.status.as_str(), "CANCELLED");
}

#[test]
fn errors_print_code_message_and_param_with_a_failing_exit() {
    let api = Api::from_env();
    let hsrc = Hsrc::new(&api, "errors");
    let out = hsrc.run(&["sessions", "create", "--amount", "-5"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("amount_invalid") && err.contains("param: amount"), "{err}");
    let out = hsrc.run(&["--json", "payments", "get", "pay_does_not_exist"]);
    assert_eq!(out.status.code(), Some(1));
    let body: Value = serde_json::from_slice(&out.stderr).expect("the error as JSON");
    assert_eq!(body["error"]["code"], "resource_missing");
    let out = hsrc.command(&["events", "list"]).env("HSRC_SECRET_KEY", "sk_test_not_a_real_key").output().unwrap();
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("api_key_invalid"));
}

#[test]
fn trigger_refuses_live_keys_before_touching_the_api() {
    let api = Api::from_env();
    let hsrc = Hsrc::new(&api, "live");
    let before = newest_event_id(&api);
    for kind in TRIGGERS {
        let out = hsrc.command(&["trigger", kind]).env("HSRC_SECRET_KEY", "sk_live_0123456789abcdef").output().unwrap();
        assert!(!out.status.success(), "{kind} with a live key must fail");
        assert!(String::from_utf8_lossy(&out.stderr).contains("test key"), "{}", String::from_utf8_lossy(&out.stderr));
    }
    // Nothing was created by the refused runs (other tests may add events meanwhile, but never with a live key).
    assert!(events_after(&api, &before).iter().all(|e| e["livemode"] == false));
}

#[test]
fn login_writes_a_private_profile_that_later_commands_use() {
    use std::os::unix::fs::PermissionsExt;
    let api = Api::from_env();
    let hsrc = Hsrc::new(&api, "login");
    hsrc.ok(&["login", "--key", &api.secret_key, "--api-base", &api.base]);
    let path = hsrc.config_dir.join("config.json");
    let mode = std::fs::metadata(&path).expect("profile file").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the profile holds a secret key");
    let out = hsrc
        .command(&["--json", "events", "list", "--limit", "1"])
        .env_remove("HSRC_SECRET_KEY")
        .env_remove("HSRC_API_BASE")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let _: List<Event> = parse(&String::from_utf8_lossy(&out.stdout));
    // A wrong key is checked before it is saved.
    let out = hsrc.run(&["login", "--key", "sk_test_wrong", "--api-base", &api.base, "--profile", "bad"]);
    assert!(!out.status.success());
    assert!(!std::fs::read_to_string(&path).unwrap().contains("sk_test_wrong"));
}

/// Waits until `listen` prints its ready line; returns its signing secret and starting cursor.
fn ready(run: &hsrc_e2e::cli::Running) -> (WebhookSecret, String) {
    let line = run.line(Duration::from_secs(30)).expect("listen prints a ready line");
    let v: Value = serde_json::from_str(&line).expect("ready line is JSON");
    assert_eq!(v["ready"], true, "{line}");
    (
        WebhookSecret::parse(v["secret"].as_str().unwrap()).expect("a whsec_ secret"),
        v["cursor"].as_str().unwrap_or("").to_string(),
    )
}

fn now_s() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

#[test]
fn listen_forwards_signed_events_and_resumes_with_since_without_losing_or_repeating_any() {
    let api = Api::from_env();
    let hsrc = Hsrc::new(&api, "listen");
    // The receiver refuses the very first delivery once, so the run also proves a failed local delivery is retried.
    let refused = std::sync::atomic::AtomicBool::new(false);
    let receiver = Receiver::start(move |_, _| {
        if refused.swap(true, std::sync::atomic::Ordering::SeqCst) {
            Answer::Status(204)
        } else {
            Answer::Status(503)
        }
    });
    let url = format!("{}/hooks", receiver.base);
    let listen = hsrc.spawn(&["--json", "listen", "--forward-to", &url, "--interval-ms", "300"]);
    let (secret, start) = ready(&listen);
    let first: Event = parse(&hsrc.ok(&["--json", "trigger", "payment.succeeded"]));
    let delivered = |id: &str| receiver.arrivals().iter().any(|a| a.webhook_id() == id && a.accepted());
    api.wait_for("the triggered event at the receiver", Duration::from_secs(120), || {
        delivered(&first.id).then_some(())
    });

    // Stop, let more happen while nobody listens, and resume from where it said.
    let (clean, rest) = listen.stop();
    assert!(clean, "SIGTERM stops listen with status 0");
    let stopped: Value = rest
        .iter()
        .rev()
        .find_map(|l| serde_json::from_str::<Value>(l).ok().filter(|v| v["stopped"] == true))
        .expect("a stopped line");
    let cursor = stopped["cursor"].as_str().expect("a cursor").to_string();
    let offline: Vec<Event> = ["charge.declined", "checkout_session.cancelled"]
        .iter()
        .map(|k| parse(&hsrc.ok(&["--json", "trigger", k])))
        .collect();
    let listen = hsrc.spawn(&["--json", "listen", "--forward-to", &url, "--interval-ms", "300", "--since", &cursor]);
    let (again, resumed_at) = ready(&listen);
    assert_eq!(again.as_bytes(), secret.as_bytes(), "the local secret is kept across restarts");
    assert_eq!(resumed_at, cursor);
    let last: Event = parse(&hsrc.ok(&["--json", "trigger", "payment.succeeded"]));
    for e in offline.iter().chain([&last]) {
        api.wait_for("events made while stopped and after", Duration::from_secs(120), || {
            delivered(&e.id).then_some(())
        });
    }
    let (clean, rest) = listen.stop();
    assert!(clean);
    let stopped: Value = rest
        .iter()
        .rev()
        .find_map(|l| serde_json::from_str::<Value>(l).ok().filter(|v| v["stopped"] == true))
        .expect("a stopped line");
    let end = stopped["cursor"].as_str().expect("a cursor").to_string();

    // Every event of the log from the first start to the last stop arrived, accepted exactly once, signed with the
    // local secret (other tests make events meanwhile: they are part of the window too).
    let mut expected = Vec::new();
    for e in events_after(&api, &start) {
        let id = e["id"].as_str().unwrap().to_string();
        let at_end = id == end;
        expected.push(id);
        if at_end {
            break;
        }
    }
    assert_eq!(expected.last(), Some(&end), "the stop cursor is in the log");
    assert!(expected.contains(&last.id.to_string()) && expected.contains(&first.id.to_string()));
    let arrivals = receiver.arrivals();
    let mut accepted: HashMap<String, usize> = HashMap::new();
    for a in &arrivals {
        let header = |name: &str| a.header(name);
        let id = verify_headers(&secret, header, &a.body, a.received_at).expect("a valid Standard Webhooks signature");
        assert_eq!(id, a.webhook_id());
        let body: Event = serde_json::from_slice(&a.body).expect("the body is the event");
        assert_eq!(body.id, a.webhook_id());
        if a.accepted() {
            *accepted.entry(body.id.into_string()).or_default() += 1;
        }
    }
    for id in &expected {
        assert_eq!(accepted.get(id), Some(&1), "{id} accepted exactly once");
    }
    let unexpected: BTreeSet<&String> = accepted.keys().filter(|k| !expected.contains(k)).collect();
    assert!(unexpected.is_empty(), "only events of the window: {unexpected:?}");
    assert!(arrivals.iter().all(|a| (a.received_at - now_s()).abs() < 600));
    assert!(arrivals.iter().any(|a| a.answered == Some(503)), "a failed local delivery was retried");
}

#[test]
fn listen_filters_by_type_and_logs_tail_shows_requests_and_events() {
    let api = Api::from_env();
    let hsrc = Hsrc::new(&api, "filter");
    let receiver = Receiver::start(|_, _| Answer::Status(200));
    let url = format!("{}/only", receiver.base);
    let listen =
        hsrc.spawn(&["--json", "listen", "--forward-to", &url, "--events", "charge.declined", "--interval-ms", "300"]);
    ready(&listen);
    let tail = hsrc.spawn(&["--json", "logs", "tail", "--interval-ms", "300"]);
    std::thread::sleep(Duration::from_secs(1));
    let declined: Event = parse(&hsrc.ok(&["--json", "trigger", "charge.declined"]));
    api.wait_for("the declined event", Duration::from_secs(60), || {
        receiver.arrivals().iter().any(|a| a.webhook_id() == declined.id).then_some(())
    });
    let (_, lines) = listen.stop();
    assert!(receiver.arrivals().iter().all(|a| a.json()["type"] == "charge.declined"), "only the subscribed type");
    let forwarded: Vec<Value> = lines.iter().filter_map(|l| serde_json::from_str(l).ok()).collect();
    assert!(forwarded.iter().all(|v| v["type"].is_null() || v["type"] == "charge.declined"), "{forwarded:?}");
    // logs tail printed the request and its events as they happened.
    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline && !seen.iter().any(|v: &Value| v["event"]["id"] == declined.id.as_str()) {
        if let Some(l) = tail.line(Duration::from_millis(500)) {
            seen.push(serde_json::from_str(&l).expect("tail lines are JSON"));
        }
    }
    let line = seen.iter().find(|v| v["event"]["id"] == declined.id.as_str()).expect("the event in the tail");
    assert_eq!(line["request_id"], serde_json::json!(declined.request_id));
    let _: Event = serde_json::from_value(line["event"].clone()).expect("an Event");
    tail.stop();
}
