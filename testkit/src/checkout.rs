//! One client contract over both ways of running the edge: `Checkout` sends a request and lets time pass; the
//! native harness (`native_checkout`) and the local Worker over HTTP (`http`) implement it, and the scenarios are
//! written once against it. The typed helpers below read responses through the `shared` wire types.

use crate::receiver::{Hooks, Plan};
use hsrc_shared::api::{
    ConfirmResponse, Event, List, NextAction, PayerSessionEnvelope, PayerSessionView, Payment, PaymentEnvelope,
    SessionEnvelope,
};
use hsrc_shared::lifecycle::SessionStatus;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

/// One request as a client sends it: the bearer key (None: no Authorization header), the body bytes, headers.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub key: Option<String>,
    pub body: Option<Vec<u8>>,
    pub headers: Vec<(String, String)>,
}

impl Request {
    pub fn new(method: &str, path: impl Into<String>) -> Self {
        Self { method: method.into(), path: path.into(), key: None, body: None, headers: Vec::new() }
    }

    pub fn key(mut self, key: &str) -> Self {
        self.key = Some(key.into());
        self
    }

    /// A JSON body, sent as `application/json` unless a content type was set.
    pub fn json(self, body: Value) -> Self {
        let typed = self.headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("content-type"));
        let req = if typed { self } else { self.header("content-type", "application/json") };
        req.raw(body.to_string().into_bytes())
    }

    /// A body as given, for what JSON cannot say (oversized, truncated, another media type).
    pub fn raw(mut self, body: Vec<u8>) -> Self {
        self.body = Some(body);
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// A response: status, headers and the body as text and JSON (Null when the body is not JSON).
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub text: String,
    pub json: Value,
}

impl Response {
    pub fn new(status: u16, headers: Vec<(String, String)>, body: &[u8]) -> Self {
        let text = String::from_utf8_lossy(body).into_owned();
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Self { status, headers, text, json }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Asserts the status, printing the body when it differs.
    #[track_caller]
    pub fn expect(self, status: u16) -> Value {
        assert_eq!(self.status, status, "unexpected status; body: {}", self.text);
        self.json
    }

    /// Asserts the status and reads the body as the wire type `T`.
    #[track_caller]
    pub fn typed<T: DeserializeOwned>(self, status: u16) -> T {
        assert_eq!(self.status, status, "unexpected status; body: {}", self.text);
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not the expected wire type ({e}): {}", self.text))
    }

    /// Asserts an error response with this status and code, in the API's error model.
    #[track_caller]
    pub fn expect_error(self, status: u16, code: &str) -> Value {
        assert_eq!(self.status, status, "unexpected status; body: {}", self.text);
        assert_eq!(self.json["error"]["code"], code, "unexpected error; body: {}", self.text);
        assert!(
            self.json["error"]["type"].is_string() && self.json["error"]["message"].is_string(),
            "error model: {}",
            self.text
        );
        self.json
    }

    /// (status, error code): for tables of refusals.
    pub fn error_code(&self) -> (u16, String) {
        (self.status, self.json["error"]["code"].as_str().unwrap_or("").to_string())
    }
}

/// The edge as a client sees it. Natively time only moves when told to and background work runs when asked;
/// against the Worker time is real and the cron is fired through `wrangler dev`'s trigger.
pub trait Checkout {
    fn send(&self, req: Request) -> Response;
    /// The test merchant's secret key.
    fn secret_key(&self) -> String;
    /// The edge's public origin, the base of the URLs it hands out.
    fn origin(&self) -> String;
    /// Runs what the platform runs on its own: the after-response jobs and one pass of the scheduled job. Natively
    /// the job's counts come back (over HTTP the cron's report is not visible, and other tests share the merchant).
    fn run_jobs(&self) -> Option<Ran>;
    /// Lets `ms` pass (natively the clock moves; against the Worker this sleeps).
    fn elapse(&self, ms: u64);
    /// Whether time jumps are free (the native clock): scenarios jump hours ahead only then.
    fn virtual_clock(&self) -> bool;
    /// The test merchant's publishable key.
    fn publishable_key(&self) -> String;
    /// The secret key of another merchant, for scenarios that need one.
    fn merchant_key(&self, merchant: Merchant) -> String;
    /// An origin the test merchant may frame its checkout from.
    fn merchant_origin(&self) -> String;
    /// A webhook URL for endpoints that are created and deleted but whose deliveries are not under test; in the
    /// e2e run it points at a closed loopback port, so nothing leaves the machine.
    fn hook_url(&self, path: &str) -> String;
    /// A webhook receiver that answers each delivery as `plan` says: natively the harness's delivery sink, against
    /// the Worker a local server on a free 127.0.0.1 port. Deliveries reach it as the platform sends them (over
    /// HTTP on their own, natively when `run_jobs` runs the queue's consumer).
    fn receiver(&self, plan: Box<Plan>) -> Box<dyn Hooks + '_>;
    /// How long the edge waits for a webhook endpoint to answer.
    fn webhook_timeout_ms(&self) -> u64;
    /// Whether `needle` appears anywhere the edge keeps data: natively every table and the cache; against the
    /// Worker every store it persisted and its log (`worker_state::scanned_files`).
    fn stored(&self, needle: &str) -> bool;
    /// Sends `req` until one answer is a 429 (at most `max` requests): that answer and how many were answered
    /// before it. Natively one after another; against the Worker from several threads (then the count is
    /// approximate). Any 5xx fails the scenario.
    fn flood(&self, req: Request, max: usize) -> Option<(usize, Response)>;
    /// Natively moves the clock to the start of the next `window_s` rate-limit window, so a budget is not split
    /// across two; against the Worker does nothing.
    fn start_of_window(&self, window_s: u32);

    // ---- Typed calls every scenario uses ----------------------------------------------------------------------

    fn get(&self, path: &str) -> Response {
        self.send(Request::new("GET", path).key(&self.secret_key()))
    }

    fn post(&self, path: &str, body: Value) -> Response {
        self.send(Request::new("POST", path).key(&self.secret_key()).json(body))
    }

    /// A payer call: no merchant key, the token or challenge id is in the path.
    fn payer_get(&self, path: &str) -> Response {
        self.send(Request::new("GET", path))
    }

    fn payer_post(&self, path: &str, body: Value) -> Response {
        self.send(Request::new("POST", path).json(body))
    }

    /// The create body for `extra` merged over 12500 TRY with a return URL.
    fn session_body(&self, extra: Value) -> Value {
        let mut body = json!({ "amount": 12500, "currency": "TRY", "return_url": "https://merchant.example/return" });
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            b.extend(e.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        body
    }

    /// Creates a session (`extra` merged over 12500 TRY); the result carries its token.
    fn create_session(&self, extra: Value) -> Session {
        let created: SessionEnvelope = self.post("/v1/checkout-sessions", self.session_body(extra)).typed(200);
        Session::from(created)
    }

    fn confirm(&self, token: &str, card: &str) -> Response {
        self.payer_post(&format!("/v1/checkout-sessions/token/{token}/confirm"), confirm_body(card))
    }

    #[track_caller]
    fn confirm_ok(&self, token: &str, card: &str) -> ConfirmResponse {
        self.confirm(token, card).typed(200)
    }

    #[track_caller]
    fn payment(&self, id: &str) -> Payment {
        self.get(&format!("/v1/payments/{id}")).typed::<PaymentEnvelope>(200).payment
    }

    #[track_caller]
    fn payer_view(&self, token: &str) -> PayerSessionView {
        self.payer_get(&format!("/v1/checkout-sessions/token/{token}"))
            .typed::<PayerSessionEnvelope>(200)
            .checkout_session
    }

    /// Passes or fails a sandbox 3DS challenge the way its page does.
    fn complete_challenge(&self, challenge_id: &str, result: &str) -> Response {
        self.payer_post(&format!("/v1/3ds/{challenge_id}/complete"), json!({ "result": result }))
    }

    /// Event types of a payment, oldest first, as `GET /v1/events` lists them.
    fn event_types(&self, payment_id: &str) -> Vec<String> {
        let page: List<Event> = self.get(&format!("/v1/events?payment_id={payment_id}&limit=100")).typed(200);
        page.data.into_iter().rev().map(|e| e.kind.to_string()).collect()
    }

    /// Lets the background work settle a PROCESSING session (a bounded number of half-second steps).
    fn settle(&self, token: &str) -> PayerSessionView {
        for _ in 0..40 {
            self.run_jobs();
            let view = self.payer_view(token);
            if view.status != SessionStatus::Processing {
                return view;
            }
            self.elapse(500);
        }
        panic!("the session did not leave PROCESSING within 20 s of background work")
    }
}

/// Merchants besides the shared test merchant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Merchant {
    /// A live-mode merchant (allowlist `merchant.example`, no loopback).
    Live,
    /// A second test-mode merchant, for isolation and for attacks that lock a card or a budget.
    Other,
    /// A test-mode merchant whose key one scenario rolls (and so retires).
    Roll,
    /// A test-mode merchant whose key one scenario spends past its rate limit.
    Flood,
}

/// What one pass of the scheduled job did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ran {
    pub expired: usize,
    pub settled: usize,
}

/// A created session and its token (present only in the create response).
#[derive(Debug, Clone)]
pub struct Session {
    pub id: String,
    pub token: String,
    pub payment_id: String,
    pub status: SessionStatus,
}

impl From<SessionEnvelope> for Session {
    fn from(e: SessionEnvelope) -> Self {
        let s = e.checkout_session;
        Self {
            token: s.token.expect("a created session carries its token"),
            id: s.id.into_string(),
            payment_id: s.payment_id.into_string(),
            status: s.status,
        }
    }
}

/// A confirm body with a valid expiry, CVC and payer.
pub fn confirm_body(card: &str) -> Value {
    json!({
        "payment_method": { "type": "card", "card": { "number": card, "exp_month": 12, "exp_year": 2034, "cvc": "123" } },
        "payer": { "name": "Ayşe Yılmaz", "email": "ayse@example.com" }
    })
}

/// The 3DS redirect of a confirm, if it asks for one.
pub fn redirect_url(next: Option<&NextAction>) -> Option<&str> {
    next.map(|NextAction::RedirectUserToUrl { redirect_user_to_url }| redirect_user_to_url.url.as_str())
}

/// The challenge id at the end of a confirm's 3DS redirect.
#[track_caller]
pub fn challenge_id(confirm: &ConfirmResponse) -> String {
    let url = redirect_url(confirm.confirm_result.payment_next_action.as_ref()).expect("a 3DS redirect");
    url.rsplit('/').next().unwrap_or_default().to_string()
}
