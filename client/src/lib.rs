//! A typed client for the HSRC Pay Checkout API, built on the wire types of `hsrc-shared`, so what it sends and
//! reads is exactly what the edge serves. Blocking (one `ureq` agent, rustls), which suits servers, scripts and the
//! `hsrc` CLI alike.
//!
//! ```no_run
//! use hsrc_client::Client;
//! use hsrc_shared::api::CreateSessionRequest;
//! let client = Client::new("https://checkout.example.com", "sk_test_…");
//! let session = client.create_session(&CreateSessionRequest { amount: 12500, currency: "TRY".into(), ..Default::default() })?;
//! println!("{}?token={}", session.url, session.token.unwrap_or_default());
//! # Ok::<(), hsrc_client::Error>(())
//! ```

mod error;
mod params;

pub use error::{Error, Result};
pub use params::ListParams;

use hsrc_shared::api::refunds::{CreateRefundRequest, Refund, RefundEnvelope};
use hsrc_shared::api::{
    CaptureRequest, CheckoutSession, ConfirmRequest, ConfirmResponse, CreateSessionRequest, Event, List,
    PayerSessionEnvelope, PayerSessionView, Payment, PaymentEnvelope, SessionEnvelope,
};
use hsrc_shared::error::ErrorBody;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use std::time::Duration;

/// One API base URL and secret key. Cheap to clone (the agent's connection pool is shared).
#[derive(Clone)]
pub struct Client {
    base: String,
    key: String,
    agent: ureq::Agent,
}

impl std::fmt::Debug for Client {
    /// Never prints the key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("base", &self.base).field("key", &"[redacted]").finish()
    }
}

impl Client {
    /// `base` is the edge's origin (`https://checkout.example.com`, or `http://127.0.0.1:8787` locally).
    pub fn new(base: &str, key: &str) -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .max_redirects(0)
            .user_agent(concat!("hsrc-client/", env!("CARGO_PKG_VERSION")))
            .build()
            .new_agent();
        Self { base: base.trim_end_matches('/').to_string(), key: key.to_string(), agent }
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// True when the key is a test-mode key (`sk_test_…`).
    pub fn is_test_key(&self) -> bool {
        self.key.starts_with("sk_test_")
    }

    // --- checkout sessions ---

    pub fn create_session(&self, body: &CreateSessionRequest) -> Result<CheckoutSession> {
        Ok(self.post::<SessionEnvelope>("/v1/checkout-sessions", &to_value(body), true)?.checkout_session)
    }

    pub fn get_session(&self, id: &str) -> Result<CheckoutSession> {
        Ok(self.get::<SessionEnvelope>(&format!("/v1/checkout-sessions/{}", seg(id)))?.checkout_session)
    }

    pub fn list_sessions(&self, params: &ListParams) -> Result<List<CheckoutSession>> {
        self.get(&format!("/v1/checkout-sessions{}", params.query()))
    }

    pub fn cancel_session(&self, id: &str) -> Result<CheckoutSession> {
        let path = format!("/v1/checkout-sessions/{}/cancel", seg(id));
        Ok(self.post::<SessionEnvelope>(&path, &json!({}), true)?.checkout_session)
    }

    // --- the payer's side (the token is the credential; used by `hsrc trigger` in test mode) ---

    pub fn payer_view(&self, token: &str) -> Result<PayerSessionView> {
        let path = format!("/v1/checkout-sessions/token/{}", seg(token));
        Ok(self.send::<PayerSessionEnvelope>("GET", &path, None, false, false)?.checkout_session)
    }

    pub fn confirm(&self, token: &str, body: &ConfirmRequest) -> Result<ConfirmResponse> {
        let path = format!("/v1/checkout-sessions/token/{}/confirm", seg(token));
        self.send("POST", &path, Some(&to_value(body)), false, true)
    }

    /// Passes (`true`) or fails a sandbox 3DS challenge.
    pub fn complete_challenge(&self, challenge_id: &str, pass: bool) -> Result<Value> {
        let path = format!("/v1/3ds/{}/complete", seg(challenge_id));
        let body = json!({ "result": if pass { "pass" } else { "fail" } });
        self.send("POST", &path, Some(&body), false, false)
    }

    // --- payments ---

    pub fn get_payment(&self, id: &str) -> Result<Payment> {
        Ok(self.get::<PaymentEnvelope>(&format!("/v1/payments/{}", seg(id)))?.payment)
    }

    pub fn list_payments(&self, params: &ListParams) -> Result<List<Payment>> {
        self.get(&format!("/v1/payments{}", params.query()))
    }

    pub fn capture_payment(&self, id: &str, body: &CaptureRequest) -> Result<Payment> {
        let path = format!("/v1/payments/{}/capture", seg(id));
        Ok(self.post::<PaymentEnvelope>(&path, &to_value(body), true)?.payment)
    }

    pub fn void_payment(&self, id: &str) -> Result<Payment> {
        let path = format!("/v1/payments/{}/void", seg(id));
        Ok(self.post::<PaymentEnvelope>(&path, &json!({}), true)?.payment)
    }

    // --- refunds ---

    /// Refunds all (`amount: None`) or part of a `SUCCEEDED` payment.
    pub fn create_refund(&self, body: &CreateRefundRequest) -> Result<Refund> {
        Ok(self.post::<RefundEnvelope>("/v1/refunds", &to_value(body), true)?.refund)
    }

    pub fn get_refund(&self, id: &str) -> Result<Refund> {
        Ok(self.get::<RefundEnvelope>(&format!("/v1/refunds/{}", seg(id)))?.refund)
    }

    // --- events ---

    pub fn get_event(&self, id: &str) -> Result<Event> {
        self.get(&format!("/v1/events/{}", seg(id)))
    }

    /// Newest first; with `ending_before`, only events newer than that one (see [`ListParams::ending_before`]).
    pub fn list_events(&self, params: &ListParams) -> Result<List<Event>> {
        self.get(&format!("/v1/events{}", params.query()))
    }

    /// Delivers an event again (same `webhook-id`); returns the deliveries it made, as JSON.
    pub fn resend_event(&self, id: &str, endpoint_id: Option<&str>) -> Result<List<Value>> {
        let body = match endpoint_id {
            Some(e) => json!({ "endpoint_id": e }),
            None => json!({}),
        };
        self.post(&format!("/v1/events/{}/resend", seg(id)), &body, true)
    }

    // --- generic calls, for routes this crate does not wrap yet ---

    pub fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T> {
        self.send("GET", path, None, true, false)
    }

    /// A POST with the secret key; `idempotent` sends a fresh `Idempotency-Key`, so a retry of this call (by a
    /// proxy, or by you with the same key) never does the work twice.
    pub fn post<T: DeserializeOwned>(&self, path: &str, body: &Value, idempotent: bool) -> Result<T> {
        self.send("POST", path, Some(body), true, idempotent)
    }

    fn send<T: DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
        authenticated: bool,
        idempotent: bool,
    ) -> Result<T> {
        let mut req = ureq::http::Request::builder().method(method).uri(format!("{}{}", self.base, path));
        if authenticated {
            req = req.header("authorization", format!("Bearer {}", self.key));
        }
        if idempotent {
            req = req.header("idempotency-key", uuid::Uuid::new_v4().to_string());
        }
        let result = match body {
            Some(b) => {
                let bytes = serde_json::to_vec(b).map_err(|e| Error::Transport(e.to_string()))?;
                let req = req.header("content-type", "application/json").body(bytes);
                self.agent.run(req.map_err(|e| Error::Transport(e.to_string()))?)
            }
            None => self.agent.run(req.body(()).map_err(|e| Error::Transport(e.to_string()))?),
        };
        let mut resp = result.map_err(|e| Error::Transport(e.to_string()))?;
        let status = resp.status().as_u16();
        let request_id = resp.headers().get("request-id").and_then(|v| v.to_str().ok()).map(str::to_string);
        let text = resp.body_mut().read_to_string().map_err(|e| Error::Transport(e.to_string()))?;
        if (200..300).contains(&status) {
            return serde_json::from_str(&text).map_err(|e| Error::Decode { status, message: e.to_string() });
        }
        match serde_json::from_str::<ErrorBody>(&text) {
            Ok(ErrorBody { mut error }) => {
                error.status = status;
                Err(Error::Api { status, error: Box::new(error), request_id })
            }
            Err(_) => Err(Error::Decode { status, message: "the body is not the API's error model".into() }),
        }
    }
}

fn to_value<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// A path segment, percent-encoded (ids never need it; user input might).
fn seg(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
