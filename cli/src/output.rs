//! How results reach the terminal: the API's JSON as is with `--json` (so scripts parse it into the shared types),
//! readable tables otherwise; errors with the API's code, message and param on stderr.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};
use hsrc_client::Error;
use serde::Serialize;
use std::time::{Duration, UNIX_EPOCH};

/// Exit status of a failed command (clap's usage errors are 2).
pub const FAILURE: i32 = 1;

pub fn json<T: Serialize>(value: &T) {
    println!("{}", serde_json::to_string_pretty(value).unwrap_or_default());
}

/// One JSON object per line (streams: listen, logs tail).
pub fn json_line<T: Serialize>(value: &T) {
    println!("{}", serde_json::to_string(value).unwrap_or_default());
}

pub fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Dynamic).set_header(header.to_vec());
    t
}

/// A two-column "field | value" table for one object.
pub fn fields(rows: &[(&str, String)]) {
    let mut t = table(&["field", "value"]);
    for (k, v) in rows {
        t.add_row(vec![k.to_string(), v.clone()]);
    }
    println!("{t}");
}

/// Unix seconds as UTC RFC 3339.
pub fn time(unix_s: i64) -> String {
    let t = UNIX_EPOCH + Duration::from_secs(unix_s.max(0) as u64);
    humantime::format_rfc3339_seconds(t).to_string()
}

/// The wall clock now, for stream lines.
pub fn now() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

pub fn opt<T: std::fmt::Display>(v: &Option<T>) -> String {
    v.as_ref().map_or_else(|| "-".into(), ToString::to_string)
}

/// `12500 TRY` → `125.00 TRY` (the shared money rules); an unknown currency as minor units.
pub fn amount(minor: i64, currency: &str) -> String {
    match hsrc_shared::money::currency(currency) {
        Some(c) => format!("{} {currency}", hsrc_shared::money::to_decimal_string(minor, &c)),
        None => format!("{minor} {currency} (minor units)"),
    }
}

/// Prints an error the way every command does and returns the exit status.
pub fn error(err: &Error, as_json: bool) -> i32 {
    match err {
        Error::Api { status, error, request_id } => {
            if as_json {
                eprintln!("{}", serde_json::json!({ "error": error, "status": status, "request_id": request_id }));
            } else {
                eprintln!("error: {} (HTTP {status})", error.code);
                eprintln!("  message: {}", error.message);
                if let Some(p) = &error.param {
                    eprintln!("  param: {p}");
                }
                if let Some(d) = &error.decline_code {
                    eprintln!("  decline_code: {d}");
                }
                if let Some(r) = request_id {
                    eprintln!("  request-id: {r}");
                }
            }
        }
        other => fail(&other.to_string(), as_json),
    }
    FAILURE
}

/// A local failure (no API error model behind it), printed in the same shape.
pub fn fail(message: &str, as_json: bool) {
    if as_json {
        eprintln!(
            "{}",
            serde_json::json!({ "error": { "type": "cli_error", "code": "cli_error", "message": message } })
        );
    } else {
        eprintln!("error: {message}");
    }
}
