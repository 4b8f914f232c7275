//! `hsrc trigger <event>`: makes the event happen for real in test mode, through the public API with the sandbox
//! card that leads there, then waits (spinner) until the event is in the log. Refuses anything but a test key.

use crate::{output, stop};
use hsrc_client::{Client, Error, ListParams};
use hsrc_shared::api::refunds::CreateRefundRequest;
use hsrc_shared::api::{
    CaptureMethod, CardInput, ConfirmRequest, CreateSessionRequest, Event, PayerDetails, PaymentMethodInput,
    PaymentMethodType,
};
use hsrc_shared::refund::RefundStatus;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// Every event `trigger` can produce, with what it does.
pub const SCENARIOS: &[(&str, &str)] = &[
    ("payment.succeeded", "session + confirm with 4242 4242 4242 4242"),
    ("payment.authorized", "manual-capture session + confirm with 4242 4242 4242 4242"),
    ("payment.failed", "session with max_attempts 1 + confirm with the declined card 4000 0000 0000 0002"),
    ("charge.declined", "session + confirm with the declined card 4000 0000 0000 0002"),
    ("payment.requires_action", "session + confirm with the 3DS card 4000 0000 0000 3220 (challenge left open)"),
    ("checkout_session.expired", "session with expires_in 3 s, read after it passes"),
    ("checkout_session.cancelled", "session, then POST /v1/checkout-sessions/:id/cancel"),
    ("refund.succeeded", "succeeded payment (4242 4242 4242 4242), then a full POST /v1/refunds"),
];

const SUCCESS_CARD: &str = "4242424242424242";
const DECLINED_CARD: &str = "4000000000000002";
const THREE_DS_CARD: &str = "4000000000003220";
const WAIT: Duration = Duration::from_secs(60);

pub fn run(client: &Client, event: &str, as_json: bool) -> i32 {
    if !client.is_test_key() {
        output::fail(
            "trigger works only with a test key (sk_test_…): it creates real payments, and a live key would charge a card",
            as_json,
        );
        return output::FAILURE;
    }
    if !SCENARIOS.iter().any(|(name, _)| *name == event) {
        let names: Vec<&str> = SCENARIOS.iter().map(|(n, _)| *n).collect();
        output::fail(&format!("cannot trigger '{event}'; choose one of: {}", names.join(", ")), as_json);
        return output::FAILURE;
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(ProgressStyle::with_template("{spinner} {msg}").unwrap_or_else(|_| ProgressStyle::default_spinner()));
    bar.enable_steady_tick(Duration::from_millis(100));
    let result = drive(client, event, &bar).and_then(|session_id| {
        bar.set_message(format!("waiting for {event} on {session_id}"));
        wait_for_event(client, event, &session_id)
    });
    bar.finish_and_clear();
    match result {
        Ok(Some(e)) => {
            if as_json {
                output::json(&e);
            } else {
                println!(
                    "Triggered {} {} (session {}, payment {})",
                    e.kind,
                    e.id,
                    output::opt(&e.checkout_session_id),
                    output::opt(&e.payment_id)
                );
            }
            0
        }
        Ok(None) => {
            let why = if stop::requested() {
                "stopped before it arrived".to_string()
            } else {
                format!("it did not appear within {} s", WAIT.as_secs())
            };
            output::fail(&format!("{event}: {why}"), as_json);
            output::FAILURE
        }
        Err(e) => output::error(&e, as_json),
    }
}

fn session(overrides: impl FnOnce(&mut CreateSessionRequest)) -> CreateSessionRequest {
    let mut metadata = BTreeMap::new();
    metadata.insert("source".to_string(), "hsrc trigger".to_string());
    let mut body = CreateSessionRequest { amount: 12500, currency: "TRY".into(), metadata, ..Default::default() };
    overrides(&mut body);
    body
}

fn card(number: &str) -> ConfirmRequest {
    let year = 1970
        + (std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
            / 31_556_952) as u32;
    ConfirmRequest {
        payment_method: PaymentMethodInput {
            kind: PaymentMethodType::Card,
            card: CardInput { number: number.into(), exp_month: 12, exp_year: year + 5, cvc: "123".into() },
            installments: None,
        },
        payer: Some(PayerDetails {
            name: Some("Test Payer".into()),
            email: Some("payer@example.com".into()),
            ..Default::default()
        }),
    }
}

/// Creates and drives what the event needs; returns the session it happens on.
fn drive(client: &Client, event: &str, bar: &ProgressBar) -> Result<String, Error> {
    bar.set_message("creating a test checkout session");
    let body = match event {
        "payment.authorized" => session(|s| s.capture_method = Some(CaptureMethod::Manual)),
        "payment.failed" => session(|s| s.max_attempts = Some(1)),
        "checkout_session.expired" => session(|s| s.expires_in = Some(3)),
        _ => session(|_| {}),
    };
    let created = client.create_session(&body)?;
    let token = created.token.clone().unwrap_or_default();
    let number = match event {
        "payment.succeeded" | "payment.authorized" | "refund.succeeded" => Some(SUCCESS_CARD),
        "payment.failed" | "charge.declined" => Some(DECLINED_CARD),
        "payment.requires_action" => Some(THREE_DS_CARD),
        _ => None,
    };
    if let Some(number) = number {
        bar.set_message(format!("confirming {} with card …{}", created.id, &number[12..]));
        client.confirm(&token, &card(number))?;
    }
    match event {
        "checkout_session.cancelled" => {
            bar.set_message(format!("cancelling {}", created.id));
            client.cancel_session(&created.id)?;
        }
        "refund.succeeded" => {
            bar.set_message(format!("refunding {}", created.payment_id));
            let body = CreateRefundRequest {
                payment_id: created.payment_id.clone(),
                amount: None,
                reason: None,
                metadata: BTreeMap::new(),
            };
            let mut refund = client.create_refund(&body)?;
            // A refund the provider has not answered yet settles on a later read (or the cron job).
            let start = Instant::now();
            while refund.status == RefundStatus::Pending
                && start.elapsed() < WAIT
                && stop::sleep(Duration::from_millis(500))
            {
                refund = client.get_refund(&refund.id)?;
            }
        }
        "checkout_session.expired" => {
            // Expiry is applied by the cron job or by the next read after `expires_at`: read until it shows.
            let start = Instant::now();
            while start.elapsed() < WAIT {
                bar.set_message(format!("waiting for {} to expire", created.id));
                if client.get_session(&created.id)?.status == hsrc_shared::lifecycle::SessionStatus::Expired {
                    break;
                }
                if !stop::sleep(Duration::from_millis(500)) {
                    break;
                }
            }
        }
        _ => {}
    }
    Ok(created.id.into_string())
}

/// Polls the event log for `event` on the session; None when stopped or not there after [`WAIT`].
fn wait_for_event(client: &Client, event: &str, session_id: &str) -> Result<Option<Event>, Error> {
    let params = ListParams {
        kind: Some(event.to_string()),
        checkout_session_id: Some(session_id.to_string()),
        limit: Some(1),
        ..Default::default()
    };
    let start = Instant::now();
    while start.elapsed() < WAIT {
        if let Some(e) = client.list_events(&params)?.data.into_iter().next() {
            return Ok(Some(e));
        }
        if !stop::sleep(Duration::from_millis(300)) {
            return Ok(None);
        }
    }
    Ok(None)
}

pub fn list(as_json: bool) {
    if as_json {
        output::json(&SCENARIOS.iter().map(|(n, d)| json!({ "event": n, "how": d })).collect::<Vec<_>>());
        return;
    }
    let mut t = output::table(&["event", "how it is made (test mode)"]);
    for (n, d) in SCENARIOS {
        t.add_row(vec![*n, *d]);
    }
    println!("{t}");
}
