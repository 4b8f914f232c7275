//! The two fields every untyped test reads from a created session: its token and its payment id. For files that
//! still work on `serde_json::Value`; scenarios use `checkout::Session` instead.

use serde_json::Value;

/// The payer token of a created session (`checkout_session` object).
#[track_caller]
pub fn token(session: &Value) -> String {
    session["token"].as_str().expect("a created session carries its token").to_string()
}

/// The payment id of a session.
#[track_caller]
pub fn pid(session: &Value) -> String {
    session["payment_id"].as_str().expect("a session has a payment id").to_string()
}
