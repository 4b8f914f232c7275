//! `hsrc listen`: follows new events through the events API (works wherever the edge cannot reach the laptop) and
//! forwards each, signed with Standard Webhooks under a local `whsec_` secret, to a local URL. One line per delivery
//! attempt, a few retries of a failed one, a live count, and on stop the id to resume from with `--since`.

use crate::follow::{Follower, TypeFilter};
use crate::{config, output, stop};
use hsrc_client::Client;
use hsrc_shared::api::Event;
use hsrc_shared::webhook::{signature_header, WebhookSecret};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub struct Options {
    pub forward_to: String,
    pub events: Vec<String>,
    pub since: Option<String>,
    pub secret: Option<String>,
    pub retries: u32,
    pub interval: Duration,
    pub json: bool,
}

/// What happened to one event.
#[derive(Default)]
struct Counts {
    delivered: u64,
    failed: u64,
    skipped: u64,
}

pub fn run(client: &Client, opts: Options) -> i32 {
    let secret = match signing_secret(opts.secret.as_deref()) {
        Ok(s) => s,
        Err(e) => {
            output::fail(&e, opts.json);
            return output::FAILURE;
        }
    };
    let filter = TypeFilter::parse(&opts.events);
    let mut follower = match Follower::start(client, opts.since.as_deref()) {
        Ok(f) => f,
        Err(e) => return output::error(&e, opts.json),
    };
    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .max_redirects(0)
        .build()
        .new_agent();
    let whsec = secret.to_whsec_string();
    if opts.json {
        output::json_line(
            &json!({ "ready": true, "forward_to": opts.forward_to, "secret": whsec, "cursor": follower.cursor() }),
        );
    } else {
        println!("Ready. Forwarding events from {} to {}", client.base(), opts.forward_to);
        println!("Your webhook signing secret is {whsec} (set it as HSRC_WEBHOOK_SECRET in your receiver)");
        println!("Following after {} — Ctrl-C to stop", follower.cursor().unwrap_or("the start of the log"));
    }

    let bar = ProgressBar::new_spinner();
    bar.set_style(ProgressStyle::with_template("{spinner} {msg}").unwrap_or_else(|_| ProgressStyle::default_spinner()));
    bar.enable_steady_tick(Duration::from_millis(120));
    let mut counts = Counts::default();
    let mut backoff = opts.interval;
    'follow: while !stop::requested() {
        bar.set_message(status(&counts, "waiting for events"));
        let (events, more) = match follower.poll() {
            Ok(page) => {
                backoff = opts.interval;
                page
            }
            Err(e) if e.is_transient() => {
                bar.set_message(status(&counts, &format!("reconnecting: {e}")));
                backoff = (backoff * 2).min(Duration::from_secs(10));
                stop::sleep(backoff);
                continue;
            }
            Err(e) => {
                bar.finish_and_clear();
                return output::error(&e, opts.json);
            }
        };
        for event in events {
            if stop::requested() {
                break 'follow;
            }
            if filter.matches(event.kind.as_str()) {
                bar.set_message(status(&counts, &format!("forwarding {}", event.id)));
                let delivered = forward(&agent, &bar, &opts, &secret, &event);
                if !delivered && stop::requested() {
                    break 'follow; // not finished: the resume point stays before it
                }
                if delivered {
                    counts.delivered += 1;
                } else {
                    counts.failed += 1;
                }
            } else {
                counts.skipped += 1;
            }
            follower.done(&event.id);
        }
        if !more && !stop::sleep(opts.interval) {
            break;
        }
    }
    bar.finish_and_clear();
    let cursor = follower.cursor().map(str::to_string);
    if opts.json {
        output::json_line(
            &json!({ "stopped": true, "cursor": cursor, "delivered": counts.delivered, "failed": counts.failed }),
        );
    } else {
        println!(
            "Stopped: {} delivered, {} failed, {} not subscribed.",
            counts.delivered, counts.failed, counts.skipped
        );
        if let Some(c) = cursor {
            println!("Resume with: hsrc listen --forward-to {} --since {c}", opts.forward_to);
        }
    }
    0
}

fn status(c: &Counts, what: &str) -> String {
    format!("{} delivered · {} failed · {} skipped · {what}", c.delivered, c.failed, c.skipped)
}

/// Delivers one event, retrying a failure `opts.retries` times (1 s, 2 s, 4 s …); true once the receiver says 2xx.
fn forward(agent: &ureq::Agent, bar: &ProgressBar, opts: &Options, secret: &WebhookSecret, event: &Event) -> bool {
    let body = match serde_json::to_vec(event) {
        Ok(b) => b,
        Err(_) => return false,
    };
    for attempt in 1..=opts.retries + 1 {
        let timestamp = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
        let signature = signature_header(&[secret], &event.id, timestamp, &body);
        let started = Instant::now();
        let request = ureq::http::Request::builder()
            .method("POST")
            .uri(&opts.forward_to)
            .header("content-type", "application/json")
            .header("user-agent", concat!("hsrc-cli/", env!("CARGO_PKG_VERSION")))
            .header("webhook-id", event.id.as_str())
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(body.clone());
        let outcome = match request {
            Ok(r) => agent.run(r).map(|mut resp| {
                // Read the body so the connection is reused; its content is not shown.
                let _ = resp.body_mut().read_to_vec();
                resp.status().as_u16()
            }),
            Err(e) => Err(ureq::Error::BadUri(e.to_string())),
        };
        let latency_ms = started.elapsed().as_millis() as u64;
        let (status, error) = match &outcome {
            Ok(s) => (Some(*s), None),
            Err(e) => (None, Some(e.to_string())),
        };
        let ok = status.is_some_and(|s| (200..300).contains(&s));
        let last = attempt == opts.retries + 1;
        let outcome = if ok {
            "delivered"
        } else if last {
            "gave_up"
        } else {
            "retrying"
        };
        let line = if opts.json {
            json!({
                "time": output::now(), "event_id": event.id, "type": event.kind, "payment_id": event.payment_id,
                "checkout_session_id": event.checkout_session_id, "status": status, "error": error,
                "latency_ms": latency_ms, "attempt": attempt, "outcome": outcome,
            })
            .to_string()
        } else {
            let local = match (status, &error) {
                (Some(s), _) => format!("[{s}]"),
                (None, Some(e)) => format!("[error: {e}]"),
                (None, None) => "[?]".into(),
            };
            let retry = if attempt > 1 { format!(" attempt {attempt}") } else { String::new() };
            let tail = if ok || last { String::new() } else { " — retrying".into() };
            format!(
                "{}  {:<28} {}  payment {}  session {}  --> {} {latency_ms} ms{retry}{tail}",
                output::now(),
                event.kind,
                event.id,
                output::opt(&event.payment_id),
                output::opt(&event.checkout_session_id),
                local,
            )
        };
        bar.suspend(|| println!("{line}"));
        if ok {
            return true;
        }
        if last || !stop::sleep(Duration::from_secs(1 << (attempt - 1).min(4))) {
            return false;
        }
    }
    false
}

/// `--secret`, else the one kept in the config directory, else a new random one (kept for next time).
fn signing_secret(given: Option<&str>) -> Result<WebhookSecret, String> {
    if let Some(s) = given {
        return WebhookSecret::parse(s).map_err(|e| format!("--secret: {e}"));
    }
    let mut file = config::load()?;
    if let Some(s) = file.listen_secret.as_deref().and_then(|s| WebhookSecret::parse(s).ok()) {
        return Ok(s);
    }
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| format!("no randomness for a signing secret: {e}"))?;
    let secret = WebhookSecret::from_random_bytes(&bytes).map_err(|e| e.to_string())?;
    file.listen_secret = Some(secret.to_whsec_string());
    config::save(&file)?;
    Ok(secret)
}
