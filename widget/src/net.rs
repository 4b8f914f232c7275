//! JSON calls to the edge API (same origin as the page), with the API's error model and `Idempotency-Key`s.
//!
//! The request futures are boxed and the responses read through [`crate::lean::json`], so the fetch and parse code
//! exists once in the binary however many places call it.

use crate::browser;
#[cfg(feature = "challenge")]
use crate::challenge::{ChallengeResult, ChallengeView, CompleteChallenge};
use crate::lean::json::{self, FromJson, Json};
use hsrc_shared::api::{ConfirmRequest, ConfirmResponse, PayerSessionView};
use hsrc_webkit::net::{exchange, retrying, Call};
pub use hsrc_webkit::net::{FetchError, Fut};

/// One HTTP exchange: a 2xx answer's JSON, or the API error.
fn request(
    method: &'static str,
    path: String,
    body: Option<String>,
    key: Option<String>,
    bearer: Option<&'static str>,
) -> Fut<Result<Json, FetchError>> {
    Box::pin(async move {
        let call = Call { method, path: &path, body: body.as_deref(), idempotency_key: key.as_deref(), bearer };
        let (status, text) = exchange(call).await?;
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
        retrying(3, 600, || request("POST", path.clone(), Some(body.clone()), Some(key.clone()), bearer)).await
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
    if let Some(view) = inline_session() {
        return Box::pin(std::future::ready(Ok(view)));
    }
    let path = token_path(token, "");
    Box::pin(async move { read(request("GET", path, None, None, None).await, json::session_envelope) })
}

/// The payer view the Worker inlined into the page, taken once (later loads fetch).
pub fn inline_session() -> Option<PayerSessionView> {
    browser::take_text("hsrc-view").and_then(|t| json::parse(&t)).and_then(|j| json::session_envelope(&j))
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
pub async fn complete_challenge(id: &str, result: ChallengeResult, key: String) -> Result<ChallengeView, FetchError> {
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
