//! JSON calls to the edge API (same origin as the page), with the API's error model and `Idempotency-Key`s.

use crate::browser::{self, sleep};
use hsrc_shared::api::{ConfirmResponse, PayerSessionEnvelope, PayerSessionView};
use hsrc_shared::error::{codes, ErrorBody};
use hsrc_shared::ApiError;
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Why a call gave no result.
#[derive(Debug, Clone, PartialEq)]
pub enum FetchError {
    /// The request never got an answer (offline, DNS, CORS, aborted).
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
}

/// One HTTP exchange: method, path, optional JSON body and idempotency key → status and body text.
async fn send(method: &str, path: &str, body: Option<String>, key: Option<&str>) -> Result<(u16, String), FetchError> {
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    let headers = web_sys::Headers::new().map_err(|_| FetchError::Network)?;
    let _ = headers.set("Accept", "application/json");
    if let Some(body) = body {
        let _ = headers.set("Content-Type", "application/json");
        init.set_body(&body.into());
    }
    if let Some(key) = key {
        let _ = headers.set("Idempotency-Key", key);
    }
    init.set_headers(&headers);
    let request = web_sys::Request::new_with_str_and_init(path, &init).map_err(|_| FetchError::Network)?;
    let response = JsFuture::from(browser::window().fetch_with_request(&request)).await.map_err(|_| FetchError::Network)?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| FetchError::Network)?;
    let status = response.status();
    let text = match response.text() {
        Ok(promise) => JsFuture::from(promise).await.ok().and_then(|t| t.as_string()).unwrap_or_default(),
        Err(_) => String::new(),
    };
    Ok((status, text))
}

/// Decodes a 2xx body as `T`, anything else as the API's error model.
fn decode<T: DeserializeOwned>(status: u16, text: &str) -> Result<T, FetchError> {
    if (200..300).contains(&status) {
        return serde_json::from_str(text).map_err(|_| FetchError::Unexpected(status));
    }
    match serde_json::from_str::<ErrorBody>(text) {
        Ok(body) => Err(FetchError::Api(ApiError { status, ..body.error })),
        Err(_) => Err(FetchError::Unexpected(status)),
    }
}

/// `GET` a JSON resource.
pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, FetchError> {
    let (status, text) = send("GET", path, None, None).await?;
    decode(status, &text)
}

/// `POST` JSON with an `Idempotency-Key`. A lost answer or a key still in flight is retried with the same key
/// (bounded), so the server replays the first outcome and a payment is never made twice.
pub async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B, key: &str) -> Result<T, FetchError> {
    let json = serde_json::to_string(body).map_err(|_| FetchError::Unexpected(0))?;
    let mut attempt = 0;
    loop {
        let result = match send("POST", path, Some(json.clone()), Some(key)).await {
            Ok((status, text)) => decode(status, &text),
            Err(e) => Err(e),
        };
        let retry = match &result {
            Err(FetchError::Network) => true,
            Err(FetchError::Api(e)) => e.code == codes::IDEMPOTENCY_KEY_IN_FLIGHT || e.status == 503,
            _ => false,
        };
        if !retry || attempt >= 3 {
            return result;
        }
        attempt += 1;
        sleep(600 * attempt).await;
    }
}

/// The token path of a session (`/v1/checkout-sessions/token/<token>`); tokens were checked to be URL-safe.
fn token_path(token: &str, tail: &str) -> String {
    format!("/v1/checkout-sessions/token/{token}{tail}")
}

/// The payer's view of the session.
pub async fn load_session(token: &str) -> Result<PayerSessionView, FetchError> {
    get::<PayerSessionEnvelope>(&token_path(token, "")).await.map(|e| e.checkout_session)
}

/// Confirms the payment with the card and payer details.
pub async fn confirm(
    token: &str,
    body: &hsrc_shared::api::ConfirmRequest,
    key: &str,
) -> Result<ConfirmResponse, FetchError> {
    post(&token_path(token, "/confirm"), body, key).await
}

/// Cancels the checkout on the payer's request.
pub async fn cancel(token: &str, key: &str) -> Result<PayerSessionView, FetchError> {
    post::<_, PayerSessionEnvelope>(&token_path(token, "/cancel"), &serde_json::json!({}), key)
        .await
        .map(|e| e.checkout_session)
}
