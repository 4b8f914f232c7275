//! Calls to the edge API (same origin) with the merchant's secret key as `Authorization: Bearer`. The key is passed
//! in by the caller on every call and never logged or put in a URL.

use hsrc_shared::error::ErrorBody;
use hsrc_shared::ApiError;
pub use hsrc_webkit::net::FetchError;
use hsrc_webkit::net::{exchange, retrying, Call};
use serde::de::DeserializeOwned;

fn decode<T: DeserializeOwned>(status: u16, text: &str) -> Result<T, FetchError> {
    if (200..300).contains(&status) {
        return serde_json::from_str(text).map_err(|_| FetchError::Unexpected(status));
    }
    match serde_json::from_str::<ErrorBody>(text) {
        Ok(b) => Err(FetchError::Api(ApiError { status, ..b.error })),
        Err(_) => Err(FetchError::Unexpected(status)),
    }
}

pub async fn get<T: DeserializeOwned>(path: &str, key: &str) -> Result<T, FetchError> {
    let call = Call { method: "GET", path, body: None, idempotency_key: None, bearer: Some(key) };
    let (status, text) = exchange(call).await?;
    decode(status, &text)
}

/// A merchant action (`POST`/`PATCH`) with an `Idempotency-Key`. A lost answer or a key still in flight is retried
/// with the same key a few times, so the action happens once however the network behaves.
pub async fn act(
    method: &'static str,
    path: &str,
    key: &str,
    body: &serde_json::Value,
    idempotency_key: &str,
) -> Result<serde_json::Value, FetchError> {
    let body = body.to_string();
    let call = Call { method, path, body: Some(&body), idempotency_key: Some(idempotency_key), bearer: Some(key) };
    retrying(2, 500, || async move {
        let (status, text) = exchange(call).await?;
        decode::<serde_json::Value>(status, &text)
    })
    .await
}
