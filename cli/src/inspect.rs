//! `hsrc sessions|payments|events …`: one API call each, the API's JSON with `--json`, a table otherwise.

use crate::output::{self, amount, fields, opt, time};
use hsrc_client::Result;
use hsrc_shared::api::{CheckoutSession, Event, List, Payment};
use serde::Serialize;
use serde_json::Value;

pub fn session(s: &CheckoutSession, as_json: bool) {
    if as_json {
        return output::json(s);
    }
    let mut rows = vec![
        ("id", s.id.to_string()),
        ("status", s.status.to_string()),
        ("amount", amount(s.amount, &s.currency)),
        ("payment", s.payment_id.to_string()),
        ("capture", format!("{:?}", s.capture_method).to_lowercase()),
        ("attempts", format!("{} of {}", s.attempts, s.max_attempts)),
        ("url", s.url.clone()),
        ("expires", time(s.expires_at)),
        ("created", time(s.created_at)),
        ("livemode", s.livemode.to_string()),
    ];
    if let Some(t) = &s.token {
        rows.push(("pay at", format!("{}?token={t}", s.url)));
    }
    for (k, v) in &s.metadata {
        rows.push(("metadata", format!("{k}={v}")));
    }
    fields(&rows);
}

pub fn sessions(page: &List<CheckoutSession>, as_json: bool) {
    rows(page, as_json, &["id", "status", "amount", "payment", "attempts", "created"], |s| {
        vec![
            s.id.to_string(),
            s.status.to_string(),
            amount(s.amount, &s.currency),
            s.payment_id.to_string(),
            format!("{}/{}", s.attempts, s.max_attempts),
            time(s.created_at),
        ]
    });
}

pub fn payment(p: &Payment, as_json: bool) {
    if as_json {
        return output::json(p);
    }
    let card = p.card.as_ref().map(|c| format!("{} •••• {} {:02}/{}", c.brand, c.last4, c.exp_month, c.exp_year));
    let mut rows = vec![
        ("id", p.id.to_string()),
        ("status", p.status.to_string()),
        ("amount", amount(p.amount, &p.currency)),
        ("captured", amount(p.amount_captured, &p.currency)),
        ("session", p.checkout_session_id.as_ref().map_or_else(|| "—".into(), ToString::to_string)),
        ("card", opt(&card)),
        ("created", time(p.created_at)),
        ("livemode", p.livemode.to_string()),
    ];
    if let Some(e) = &p.last_error {
        rows.push(("last error", format!("{} {}", e.code, e.decline_code.clone().unwrap_or_default())));
    }
    fields(&rows);
    if !p.charges.is_empty() {
        let mut t = output::table(&["charge", "provider", "status", "decline", "latency"]);
        for c in &p.charges {
            t.add_row(vec![
                c.id.to_string(),
                c.provider.clone(),
                c.status.to_string(),
                opt(&c.decline_code),
                c.latency_ms.map(|l| format!("{l} ms")).unwrap_or_else(|| "-".into()),
            ]);
        }
        println!("{t}");
    }
}

pub fn payments(page: &List<Payment>, as_json: bool) {
    rows(page, as_json, &["id", "status", "amount", "session", "charges", "created"], |p| {
        vec![
            p.id.to_string(),
            p.status.to_string(),
            amount(p.amount, &p.currency),
            p.checkout_session_id.as_ref().map_or_else(|| "—".into(), ToString::to_string),
            p.charges.len().to_string(),
            time(p.created_at),
        ]
    });
}

pub fn event(e: &Event, as_json: bool) {
    if as_json {
        return output::json(e);
    }
    fields(&[
        ("id", e.id.to_string()),
        ("type", e.kind.to_string()),
        ("created", time(e.created_at)),
        ("payment", opt(&e.payment_id)),
        ("session", opt(&e.checkout_session_id)),
        ("request", opt(&e.request_id)),
        ("livemode", e.livemode.to_string()),
    ]);
    println!("{}", serde_json::to_string_pretty(&e.data.object).unwrap_or_default());
}

pub fn events(page: &List<Event>, as_json: bool) {
    rows(page, as_json, &["id", "type", "payment", "session", "request", "created"], |e| {
        vec![
            e.id.to_string(),
            e.kind.to_string(),
            opt(&e.payment_id),
            opt(&e.checkout_session_id),
            opt(&e.request_id),
            time(e.created_at),
        ]
    });
}

pub fn deliveries(page: &List<Value>, as_json: bool) {
    let s = |v: &Value, k: &str| match &v[k] {
        Value::Null => "-".to_string(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    rows(page, as_json, &["delivery", "endpoint", "status", "attempts", "last HTTP status"], |d| {
        vec![s(d, "id"), s(d, "endpoint_id"), s(d, "status"), s(d, "attempt_count"), s(d, "last_status_code")]
    });
}

/// A list page: the API's JSON with `--json`, else one table row per item and the cursor of the next page.
fn rows<T: Serialize>(page: &List<T>, as_json: bool, header: &[&str], row: impl Fn(&T) -> Vec<String>) {
    if as_json {
        return output::json(page);
    }
    let mut t = output::table(header);
    for item in &page.data {
        t.add_row(row(item));
    }
    println!("{t}");
    if let (true, Some(c)) = (page.has_more, &page.next_cursor) {
        println!("more: --starting-after {c}");
    }
}

/// Runs a call and prints it, or its error; returns the exit status.
pub fn show<T>(result: Result<T>, as_json: bool, print: impl FnOnce(&T, bool)) -> i32 {
    match result {
        Ok(v) => {
            print(&v, as_json);
            0
        }
        Err(e) => output::error(&e, as_json),
    }
}
