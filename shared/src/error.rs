//! The one error model of the API: `{"error": {"type", "code", "message", "param"}}` with the right HTTP status.
//!
//! Codes are stable, machine-readable and grouped by `type`; messages may change. Internal failures answer with a
//! fixed message and never leak their detail.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Error families, as on the wire.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorType {
    InvalidRequestError,
    AuthenticationError,
    PermissionError,
    IdempotencyError,
    CardError,
    RateLimitError,
    ApiError,
}

/// An API error: what went wrong, for whom, and which parameter.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    #[serde(skip)]
    pub status: u16,
    #[serde(rename = "type")]
    pub kind: ErrorType,
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub param: Option<String>,
    /// Decline code of a card error (`insufficient_funds`, …).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub decline_code: Option<String>,
}

/// The JSON body that carries an [`ApiError`].
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ApiError,
}

/// Stable error codes. Never rename one that has shipped.
pub mod codes {
    pub const PARAMETER_INVALID: &str = "parameter_invalid";
    pub const PARAMETER_MISSING: &str = "parameter_missing";
    pub const PARAMETER_UNKNOWN: &str = "parameter_unknown";
    pub const BODY_INVALID_JSON: &str = "body_invalid_json";
    pub const BODY_TOO_LARGE: &str = "body_too_large";
    pub const UNSUPPORTED_MEDIA_TYPE: &str = "unsupported_media_type";
    pub const URL_INVALID: &str = "url_invalid";
    pub const AMOUNT_INVALID: &str = "amount_invalid";
    pub const CURRENCY_UNSUPPORTED: &str = "currency_unsupported";
    pub const RESOURCE_MISSING: &str = "resource_missing";
    pub const ROUTE_NOT_FOUND: &str = "route_not_found";
    pub const METHOD_NOT_ALLOWED: &str = "method_not_allowed";
    pub const API_KEY_MISSING: &str = "api_key_missing";
    pub const API_KEY_INVALID: &str = "api_key_invalid";
    pub const API_KEY_WRONG_KIND: &str = "api_key_wrong_kind";
    pub const TOKEN_INVALID: &str = "token_invalid";
    pub const SESSION_EXPIRED: &str = "session_expired";
    pub const SESSION_NOT_OPEN: &str = "session_not_open";
    pub const SESSION_PROCESSING: &str = "session_processing";
    pub const STATE_CONFLICT: &str = "state_conflict";
    pub const PAYER_DETAILS_INCOMPLETE: &str = "payer_details_incomplete";
    pub const IDEMPOTENCY_KEY_REUSED: &str = "idempotency_key_reused";
    pub const IDEMPOTENCY_KEY_IN_FLIGHT: &str = "idempotency_key_in_flight";
    pub const IDEMPOTENCY_KEY_INVALID: &str = "idempotency_key_invalid";
    pub const CARD_DECLINED: &str = "card_declined";
    pub const CARD_INVALID: &str = "card_invalid";
    /// The chosen installment count is not offered for this card or session.
    pub const INSTALLMENTS_UNAVAILABLE: &str = "installments_unavailable";
    pub const LIVE_CARD_IN_TEST_MODE: &str = "live_card_in_test_mode";
    pub const PROCESSING_ERROR: &str = "processing_error";
    pub const RATE_LIMITED: &str = "rate_limited";
    pub const INTERNAL_ERROR: &str = "internal_error";
    // API-only payments (#15) ↓
    pub const CLIENT_SECRET_EXPIRED: &str = "client_secret_expired";
    pub const PAYMENT_METHOD_UNUSABLE: &str = "payment_method_unusable";
    pub const ORIGIN_NOT_ALLOWED: &str = "origin_not_allowed";
    pub const RAW_CARD_DATA_NOT_ALLOWED: &str = "raw_card_data_not_allowed";
    // --- security (issue 14) ---
    /// 503: outside development, a required secret (DATA_KEY, FINGERPRINT_KEY) is missing or unsafe.
    pub const CONFIGURATION_ERROR: &str = "configuration_error";
    /// 409: the keyed request ran, but its response held a secret shown once and was not kept for replay.
    pub const IDEMPOTENCY_REPLAY_UNAVAILABLE: &str = "idempotency_replay_unavailable";
    /// 410: the session's payer token has ended (terminal state plus grace, or its hard maximum life).
    pub const TOKEN_EXPIRED: &str = "token_expired";
    /// 400: an API key cannot revoke itself.
    pub const API_KEY_SELF_REVOKE: &str = "api_key_self_revoke";
}

impl ApiError {
    pub fn new(status: u16, kind: ErrorType, code: &str, message: impl Into<String>) -> Self {
        Self { status, kind, code: code.to_string(), message: message.into(), param: None, decline_code: None }
    }

    pub fn with_param(mut self, param: impl Into<String>) -> Self {
        self.param = Some(param.into());
        self
    }

    /// 400: a request parameter is wrong.
    pub fn invalid(param: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(400, ErrorType::InvalidRequestError, codes::PARAMETER_INVALID, message).with_param(param)
    }

    /// 400 with a specific code.
    pub fn invalid_code(code: &str, param: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(400, ErrorType::InvalidRequestError, code, message).with_param(param)
    }

    pub fn missing(param: impl Into<String>) -> Self {
        let param = param.into();
        Self::new(
            400,
            ErrorType::InvalidRequestError,
            codes::PARAMETER_MISSING,
            format!("Missing required parameter: {param}."),
        )
        .with_param(param)
    }

    pub fn not_found(what: &str, id: &str) -> Self {
        Self::new(404, ErrorType::InvalidRequestError, codes::RESOURCE_MISSING, format!("No such {what}: '{id}'."))
    }

    /// 409: the resource is not in a state that allows this.
    pub fn conflict(code: &str, message: impl Into<String>) -> Self {
        Self::new(409, ErrorType::InvalidRequestError, code, message)
    }

    pub fn unauthenticated(code: &str, message: impl Into<String>) -> Self {
        Self::new(401, ErrorType::AuthenticationError, code, message)
    }

    pub fn forbidden(code: &str, message: impl Into<String>) -> Self {
        Self::new(403, ErrorType::PermissionError, code, message)
    }

    pub fn card(code: &str, decline_code: Option<&str>, message: impl Into<String>) -> Self {
        let mut e = Self::new(402, ErrorType::CardError, code, message);
        e.decline_code = decline_code.map(str::to_string);
        e
    }

    /// 500 with a fixed message: the detail goes to the log, never to the caller.
    pub fn internal() -> Self {
        Self::new(500, ErrorType::ApiError, codes::INTERNAL_ERROR, "Something went wrong on our side. Retry with the same Idempotency-Key; the request id identifies it for support.")
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody { error: self.clone() }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): {}", self.code, self.status, self.message)
    }
}

impl std::error::Error for ApiError {}

impl From<crate::lifecycle::TransitionError> for ApiError {
    fn from(e: crate::lifecycle::TransitionError) -> Self {
        Self::conflict(codes::STATE_CONFLICT, e.to_string())
    }
}
