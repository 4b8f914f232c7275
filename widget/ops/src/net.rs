//! Calls to the edge API (same origin) with the merchant's secret key as `Authorization: Bearer`. The key is passed
//! in by the caller on every call and never logged or put in a URL.

use crate::browser;
use hsrc_shared::error::{codes, ErrorBody};
use hsrc_shared::ApiError;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

#[derive(Debug, Clone, PartialEq)]
pub enum FetchError {
    /// No answer (offline, aborted).
    Network,
    /// The API's error model.
    Api(ApiError),
    /// An answer that is not what the contract says.
    Unexpected(u16),
}

impl FetchError {
    /// The key was refused (revoked, wrong kind): the console asks for it again.
    pub fn is_auth(&self) -> bool {
        matches!(self, Self::Api(e) if e.status == 401 || e.status == 403)
    }

    pub fn describe(&self) -> String {
        match self {
            Self::Network => String::new(),
            Self::Api(e) => format!("{} ({}, HTTP {})", e.message, e.code, e.status),
            Self::Unexpected(status) => format!("HTTP {status}"),
        }
    }
}

async fn exchange(
    method: &str,
    path: &str,
    key: &str,
    body: Option<&str>,
    idempotency_key: Option<&str>,
) -> Result<(u16, String), FetchError> {
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    let headers = web_sys::Headers::new().map_err(|_| FetchError::Network)?;
    let _ = headers.set("Accept", "application/json");
    let _ = headers.set("Authorization", &format!("Bearer {key}"));
    if let Some(body) = body {
        let _ = headers.set("Content-Type", "application/json");
        init.set_body(&body.into());
    }
    if let Some(k) = idempotency_key {
        let _ = headers.set("Idempotency-Key", k);
    }
    init.set_headers(&headers);
    let request = web_sys::Request::new_with_str_and_init(path, &init).map_err(|_| FetchError::Network)?;
    let response =
        JsFuture::from(browser::window().fetch_with_request(&request)).await.map_err(|_| FetchError::Network)?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| FetchError::Network)?;
    let status = response.status();
    let text = match response.text() {
        Ok(p) => JsFuture::from(p).await.ok().and_then(|t| t.as_string()).unwrap_or_default(),
        Err(_) => String::new(),
    };
    Ok((status, text))
}

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
    let (status, text) = exchange("GET", path, key, None, None).await?;
    decode(status, &text)
}

/// A merchant action (`POST`/`PATCH`) with an `Idempotency-Key`. A lost answer or a key still in flight is retried
/// with the same key a few times, so the action happens once however the network behaves.
pub async fn act(
    method: &str,
    path: &str,
    key: &str,
    body: &serde_json::Value,
    idempotency_key: &str,
) -> Result<serde_json::Value, FetchError> {
    let body = body.to_string();
    let mut attempt = 0u32;
    loop {
        let result = match exchange(method, path, key, Some(&body), Some(idempotency_key)).await {
            Ok((status, text)) => decode::<serde_json::Value>(status, &text),
            Err(e) => Err(e),
        };
        let retry = match &result {
            Err(FetchError::Network) => true,
            Err(FetchError::Api(e)) => e.code == codes::IDEMPOTENCY_KEY_IN_FLIGHT || e.status == 503,
            _ => false,
        };
        if !retry || attempt >= 2 {
            return result;
        }
        attempt += 1;
        sleep(500 * attempt).await;
    }
}

async fn sleep(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = browser::window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
    });
    let _ = JsFuture::from(promise).await;
}
