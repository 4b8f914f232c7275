//! One HTTP exchange with the edge API (same origin), its error model, and bounded retries.
//!
//! Decoding stays with each bundle (the form reads answers with its own small JSON reader, the console with
//! serde), so this module only moves text and statuses.

use crate::browser::{sleep, window};
use hsrc_shared::error::codes;
use hsrc_shared::ApiError;
use std::future::Future;
use std::pin::Pin;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// A boxed local future: the request code exists once in the binary however many places call it.
pub type Fut<T> = Pin<Box<dyn Future<Output = T>>>;

/// Why a call gave no result.
#[derive(Debug, Clone, PartialEq)]
pub enum FetchError {
    /// The request never got an answer (offline, DNS, aborted).
    Network,
    /// The API answered with its error model.
    Api(ApiError),
    /// The answer was not what the contract says (a bug on one side).
    Unexpected(u16),
}

impl FetchError {
    /// The API error code, when there is one.
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Api(e) => Some(e.code.as_str()),
            _ => None,
        }
    }

    /// The key was refused (revoked, wrong kind): the console asks for it again.
    pub fn is_auth(&self) -> bool {
        matches!(self, Self::Api(e) if e.status == 401 || e.status == 403)
    }

    /// Whether the same request with the same `Idempotency-Key` may be sent again: no answer, the key still in
    /// flight, or the service briefly unavailable. The server replays the first outcome, so nothing happens twice.
    pub fn retryable(&self) -> bool {
        match self {
            Self::Network => true,
            Self::Api(e) => e.code == codes::IDEMPOTENCY_KEY_IN_FLIGHT || e.status == 503,
            Self::Unexpected(_) => false,
        }
    }

    /// One line for an operator (the console): message, code and status; empty for a network failure.
    pub fn describe(&self) -> String {
        match self {
            Self::Network => String::new(),
            Self::Api(e) => format!("{} ({}, HTTP {})", e.message, e.code, e.status),
            Self::Unexpected(status) => format!("HTTP {status}"),
        }
    }
}

/// One request: method, same-origin path, optional JSON body, `Idempotency-Key` and bearer key.
#[derive(Clone, Copy)]
pub struct Call<'a> {
    pub method: &'static str,
    pub path: &'a str,
    pub body: Option<&'a str>,
    pub idempotency_key: Option<&'a str>,
    pub bearer: Option<&'a str>,
}

/// Sends a call: the answer's status and text, or [`FetchError::Network`] when there was none.
pub async fn exchange(call: Call<'_>) -> Result<(u16, String), FetchError> {
    let init = web_sys::RequestInit::new();
    init.set_method(call.method);
    let headers = web_sys::Headers::new().map_err(|_| FetchError::Network)?;
    let _ = headers.set("Accept", "application/json");
    if let Some(body) = call.body {
        let _ = headers.set("Content-Type", "application/json");
        init.set_body(&body.into());
    }
    if let Some(key) = call.idempotency_key {
        let _ = headers.set("Idempotency-Key", key);
    }
    if let Some(bearer) = call.bearer {
        let _ = headers.set("Authorization", &["Bearer ", bearer].concat());
    }
    init.set_headers(&headers);
    let request = web_sys::Request::new_with_str_and_init(call.path, &init).map_err(|_| FetchError::Network)?;
    let response = JsFuture::from(window().fetch_with_request(&request)).await.map_err(|_| FetchError::Network)?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| FetchError::Network)?;
    let status = response.status();
    let text = match response.text() {
        Ok(promise) => JsFuture::from(promise).await.ok().and_then(|t| t.as_string()).unwrap_or_default(),
        Err(_) => String::new(),
    };
    Ok((status, text))
}

/// Runs `once` until it succeeds, fails for good, or `retries` retries are spent, waiting `backoff_ms`,
/// 2×`backoff_ms`, … between tries. Only for calls that carry an `Idempotency-Key` (see
/// [`FetchError::retryable`]).
pub async fn retrying<T, F: Future<Output = Result<T, FetchError>>>(
    retries: u32,
    backoff_ms: u32,
    mut once: impl FnMut() -> F,
) -> Result<T, FetchError> {
    let mut attempt = 0;
    loop {
        let result = once().await;
        if attempt >= retries || !matches!(&result, Err(e) if e.retryable()) {
            return result;
        }
        attempt += 1;
        sleep(backoff_ms * attempt).await;
    }
}
