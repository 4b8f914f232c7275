//! `hsrc logs tail`: the merchant's requests and the events they caused, as they happen.
//!
//! The edge keeps no per-request log (a write per request on the hot path, and read requests change nothing), but
//! every state-changing request is recorded with its `request-id` on the events it caused. So the tail follows the
//! event log with the same cursor as `listen` and prints a request line the first time a request id shows, then
//! each of its events beneath it. Look a request up later with `GET /v1/ops/search?q=<request id>`.

use crate::follow::{Follower, TypeFilter};
use crate::{output, stop};
use hsrc_client::Client;
use serde_json::json;
use std::time::Duration;

pub fn tail(client: &Client, since: Option<&str>, events: &[String], interval: Duration, as_json: bool) -> i32 {
    let mut follower = match Follower::start(client, since) {
        Ok(f) => f,
        Err(e) => return output::error(&e, as_json),
    };
    let filter = TypeFilter::parse(events);
    if !as_json {
        println!("Tailing requests and events on {} — Ctrl-C to stop", client.base());
    }
    let mut last_request: Option<String> = None;
    let mut backoff = interval;
    while !stop::requested() {
        let (batch, more) = match follower.poll() {
            Ok(page) => {
                backoff = interval;
                page
            }
            Err(e) if e.is_transient() => {
                eprintln!("{}  reconnecting: {e}", output::now());
                backoff = (backoff * 2).min(Duration::from_secs(10));
                stop::sleep(backoff);
                continue;
            }
            Err(e) => return output::error(&e, as_json),
        };
        for e in batch {
            if filter.matches(e.kind.as_str()) {
                if as_json {
                    output::json_line(&json!({ "kind": "event", "request_id": e.request_id, "event": e }));
                } else {
                    if e.request_id.is_some() && e.request_id != last_request {
                        println!("{}  request {}", output::time(e.created_at), output::opt(&e.request_id));
                    }
                    let ids = [e.payment_id.as_deref(), e.checkout_session_id.as_deref()];
                    let ids: Vec<&str> = ids.into_iter().flatten().collect();
                    println!("{}    event {:<28} {}  {}", output::time(e.created_at), e.kind, e.id, ids.join(" "));
                }
                last_request = e.request_id.clone();
            }
            follower.done(&e.id);
        }
        if !more && !stop::sleep(interval) {
            break;
        }
    }
    if !as_json {
        if let Some(c) = follower.cursor() {
            println!("Stopped. Resume with: hsrc logs tail --since {c}");
        }
    }
    0
}
