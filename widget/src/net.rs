//! JSON calls to the edge API (same origin as the page), with the API's error model and `Idempotency-Key`s.
//!
//! The request futures are boxed and the responses read through [`crate::json`], so the fetch and parse code
//! exists once in the binary however many places call it.

use crate::browser::{self, sleep};
#[cfg(feature = "challenge")]
use crate::challenge::{ChallengeView, CompleteChallenge};
use crate::json::{self, FromJson, Json};
use hsrc_shared::api::{ConfirmRequest, ConfirmResponse, PayerSessionView};
use hsrc_shared::error::codes;
use hsrc_shared::ApiError;
use std::future::Future;
use std::pin::Pin;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// A boxed local future.
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
}

/// One HTTP exchange: a 2xx answer's JSON, or the API error.
fn request(
    method: &'static str,
    path: String,
    body: Option<String>,
    key: Option<String>,
    bearer: Option<&'static str>,
) -> Fut<Result<Json, FetchError>> {
    Box::pin(async move {
        let init = web_sys::RequestInit::new();
        init.set_method(method);
        let headers = web_sys::Headers::new().map_err(|_| FetchError::Network)?;
        let _ = headers.set("Accept", "application/json");
        if let Some(body) = body {
            let _ = headers.set("Content-Type", "application/json");
            init.set_body(&body.into());
        }
        if let Some(key) = key {
            let _ = headers.set("Idempotency-Key", &key);
        }
        if let Some(bearer) = bearer {
            let _ = headers.set("Authorization", &format!("Bearer {bearer}"));
        }
        init.set_headers(&headers);
        let request = web_sys::Request::new_with_str_and_init(&path, &init).map_err(|_| FetchError::Network)?;
        let response =
            JsFuture::from(browser::window().fetch_with_request(&request)).await.map_err(|_| FetchError::Network)?;
        let response: web_sys::Response = response.dyn_into().map_err(|_| FetchError::Network)?;
        let status = response.status();
        let text = match response.text() {
            Ok(promise) => JsFuture::from(promise).await.ok().and_then(|t| t.as_string()).unwrap_or_default(),
            Err(_) => String::new(),
        };
        let parsed = json::parse(&text);
        if (200..300).contains(&status) {
            return parsed.ok_or(FetchError::Unexpected(status));
        }
        match parsed.as_ref().and_then(|j| json::error_body(j, status)) {
            Some(e) => Err(FetchError::Api(e)),
            None => Err(FetchError::Unexpected(status)),
        }
    })
}

/// `POST` JSON with an `Idempotency-Key`. A lost answer or a key still in flight is retried with the same key
/// (bounded), so the server replays the first outcome and a payment is never made twice.
fn post(path: String, body: String, key: String) -> Fut<Result<Json, FetchError>> {
    post_as(path, body, key, None)
}

/// [`post`] with a publishable key (the card element's calls).
fn post_as(path: String, body: String, key: String, bearer: Option<&'static str>) -> Fut<Result<Json, FetchError>> {
    Box::pin(async move {
        let mut attempt = 0;
        loop {
            let result = request("POST", path.clone(), Some(body.clone()), Some(key.clone()), bearer).await;
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
    })
}

/// Reads a typed value out of an answer.
fn read<T>(result: Result<Json, FetchError>, reader: fn(&Json) -> Option<T>) -> Result<T, FetchError> {
    result.and_then(|j| reader(&j).ok_or(FetchError::Unexpected(200)))
}

/// The token path of a session (`/v1/checkout-sessions/token/<token>`); tokens were checked to be URL-safe.
fn token_path(token: &str, tail: &str) -> String {
    format!("/v1/checkout-sessions/token/{token}{tail}")
}

/// The payer's view of the session.
/// The first load on the embed page takes the view the Worker inlined into the page (`api::pages::with_inline_view`:
/// same JSON, same token, read while serving the page), saving a round trip before the form shows.
pub fn load_session(token: &str) -> Fut<Result<PayerSessionView, FetchError>> {
    if let Some(view) =
        browser::take_text("hsrc-view").and_then(|t| json::parse(&t)).and_then(|j| json::session_envelope(&j))
    {
        return Box::pin(std::future::ready(Ok(view)));
    }
    let path = token_path(token, "");
    Box::pin(async move { read(request("GET", path, None, None, None).await, json::session_envelope) })
}

/// Confirms the payment with the card and payer details.
pub async fn confirm(token: &str, body: &ConfirmRequest, key: String) -> Result<ConfirmResponse, FetchError> {
    let json = serde_json::to_string(body).map_err(|_| FetchError::Unexpected(0))?;
    read(post(token_path(token, "/confirm"), json, key).await, ConfirmResponse::from_json)
}

/// Cancels the checkout on the payer's request.
pub async fn cancel(token: &str, key: String) -> Result<PayerSessionView, FetchError> {
    read(post(token_path(token, "/cancel"), "{}".into(), key).await, json::session_envelope)
}

/// The sandbox 3DS challenge (ids were checked to be URL-safe).
#[cfg(feature = "challenge")]
pub async fn load_challenge(id: &str) -> Result<ChallengeView, FetchError> {
    read(request("GET", format!("/v1/3ds/{id}"), None, None, None).await, json::challenge_envelope)
}

/// Records the payer's choice on the sandbox challenge.
#[cfg(feature = "challenge")]
pub async fn complete_challenge(id: &str, result: &'static str, key: String) -> Result<ChallengeView, FetchError> {
    let body = serde_json::to_string(&CompleteChallenge { result }).map_err(|_| FetchError::Unexpected(0))?;
    read(post(format!("/v1/3ds/{id}/complete"), body, key).await, json::challenge_envelope)
}

/// The card element (#15): tokenises the card at the edge with the merchant's publishable key.
#[cfg(feature = "card-element")]
pub async fn create_payment_method(
    publishable_key: &'static str,
    card: &hsrc_shared::api::CardInput,
    key: String,
) -> Result<crate::card_element::CreatedMethod, FetchError> {
    let body = hsrc_shared::api::PaymentMethodInput {
        kind: hsrc_shared::api::PaymentMethodType::Card,
        card: card.clone(),
        installments: None,
    };
    let json = serde_json::to_string(&body).map_err(|_| FetchError::Unexpected(0))?;
    drop(body);
    read(
        post_as("/v1/payment-methods".into(), json, key, Some(publishable_key)).await,
        crate::card_element::created_method,
    )
}

/// The installment plans for a card's BIN (6–8 digits, never more) on this session.
pub async fn installments(
    token: &str,
    bin: &str,
) -> Result<Vec<hsrc_shared::installments::InstallmentPlan>, FetchError> {
    let path = token_path(token, &["/installments?bin=", bin].concat());
    read(request("GET", path, None, None, None).await, crate::installments::read_plans)
}
