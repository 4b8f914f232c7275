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
    /// One of the `ErrorCode` values (a string here, so a client reads codes added after it was built).
    #[cfg_attr(feature = "schema", schemars(with = "ErrorCode"))]
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

crate::wire_enum! {
    /// Every error code of the API, stable and machine-readable (`error.code`). Never rename one that has shipped;
    /// messages may change. The OpenAPI document lists these values.
    pub enum ErrorCode {
        ParameterInvalid = "parameter_invalid",
        ParameterMissing = "parameter_missing",
        ParameterUnknown = "parameter_unknown",
        BodyInvalidJson = "body_invalid_json",
        BodyTooLarge = "body_too_large",
        UnsupportedMediaType = "unsupported_media_type",
        UrlInvalid = "url_invalid",
        AmountInvalid = "amount_invalid",
        CurrencyUnsupported = "currency_unsupported",
        ResourceMissing = "resource_missing",
        RouteNotFound = "route_not_found",
        MethodNotAllowed = "method_not_allowed",
        ApiKeyMissing = "api_key_missing",
        ApiKeyInvalid = "api_key_invalid",
        ApiKeyWrongKind = "api_key_wrong_kind",
        TokenInvalid = "token_invalid",
        SessionExpired = "session_expired",
        SessionNotOpen = "session_not_open",
        SessionProcessing = "session_processing",
        StateConflict = "state_conflict",
        PayerDetailsIncomplete = "payer_details_incomplete",
        IdempotencyKeyReused = "idempotency_key_reused",
        IdempotencyKeyInFlight = "idempotency_key_in_flight",
        IdempotencyKeyInvalid = "idempotency_key_invalid",
        CardDeclined = "card_declined",
        CardInvalid = "card_invalid",
        /// The chosen installment count is not offered for this card or session.
        InstallmentsUnavailable = "installments_unavailable",
        LiveCardInTestMode = "live_card_in_test_mode",
        ProcessingError = "processing_error",
        RateLimited = "rate_limited",
        InternalError = "internal_error",
        // API-only payments (#15) ↓
        ClientSecretExpired = "client_secret_expired",
        PaymentMethodUnusable = "payment_method_unusable",
        OriginNotAllowed = "origin_not_allowed",
        RawCardDataNotAllowed = "raw_card_data_not_allowed",
        // --- security (issue 14) ---
        /// 503: outside development, a required secret (DATA_KEY, FINGERPRINT_KEY) is missing or unsafe.
        ConfigurationError = "configuration_error",
        /// 409: the keyed request ran, but its response held a secret shown once and was not kept for replay.
        IdempotencyReplayUnavailable = "idempotency_replay_unavailable",
        /// 410: the session's payer token has ended (terminal state plus grace, or its hard maximum life).
        TokenExpired = "token_expired",
        /// 400: an API key cannot revoke itself.
        ApiKeySelfRevoke = "api_key_self_revoke",
        /// The merchant already has the maximum number of webhook endpoints.
        EndpointLimitReached = "endpoint_limit_reached",
        /// The webhook endpoint is disabled, so it cannot receive a resend.
        EndpointDisabled = "endpoint_disabled",
    }
}

/// The codes as the wire strings [`ApiError`] carries (`codes::CARD_DECLINED == "card_declined"`), one per
/// [`ErrorCode`] variant: the names callers have always used.
pub mod codes {
    use super::ErrorCode as E;

    pub const PARAMETER_INVALID: &str = E::ParameterInvalid.as_str();
    pub const PARAMETER_MISSING: &str = E::ParameterMissing.as_str();
    pub const PARAMETER_UNKNOWN: &str = E::ParameterUnknown.as_str();
    pub const BODY_INVALID_JSON: &str = E::BodyInvalidJson.as_str();
    pub const BODY_TOO_LARGE: &str = E::BodyTooLarge.as_str();
    pub const UNSUPPORTED_MEDIA_TYPE: &str = E::UnsupportedMediaType.as_str();
    pub const URL_INVALID: &str = E::UrlInvalid.as_str();
    pub const AMOUNT_INVALID: &str = E::AmountInvalid.as_str();
    pub const CURRENCY_UNSUPPORTED: &str = E::CurrencyUnsupported.as_str();
    pub const RESOURCE_MISSING: &str = E::ResourceMissing.as_str();
    pub const ROUTE_NOT_FOUND: &str = E::RouteNotFound.as_str();
    pub const METHOD_NOT_ALLOWED: &str = E::MethodNotAllowed.as_str();
    pub const API_KEY_MISSING: &str = E::ApiKeyMissing.as_str();
    pub const API_KEY_INVALID: &str = E::ApiKeyInvalid.as_str();
    pub const API_KEY_WRONG_KIND: &str = E::ApiKeyWrongKind.as_str();
    pub const TOKEN_INVALID: &str = E::TokenInvalid.as_str();
    pub const SESSION_EXPIRED: &str = E::SessionExpired.as_str();
    pub const SESSION_NOT_OPEN: &str = E::SessionNotOpen.as_str();
    pub const SESSION_PROCESSING: &str = E::SessionProcessing.as_str();
    pub const STATE_CONFLICT: &str = E::StateConflict.as_str();
    pub const PAYER_DETAILS_INCOMPLETE: &str = E::PayerDetailsIncomplete.as_str();
    pub const IDEMPOTENCY_KEY_REUSED: &str = E::IdempotencyKeyReused.as_str();
    pub const IDEMPOTENCY_KEY_IN_FLIGHT: &str = E::IdempotencyKeyInFlight.as_str();
    pub const IDEMPOTENCY_KEY_INVALID: &str = E::IdempotencyKeyInvalid.as_str();
    pub const CARD_DECLINED: &str = E::CardDeclined.as_str();
    pub const CARD_INVALID: &str = E::CardInvalid.as_str();
    pub const INSTALLMENTS_UNAVAILABLE: &str = E::InstallmentsUnavailable.as_str();
    pub const LIVE_CARD_IN_TEST_MODE: &str = E::LiveCardInTestMode.as_str();
    pub const PROCESSING_ERROR: &str = E::ProcessingError.as_str();
    pub const RATE_LIMITED: &str = E::RateLimited.as_str();
    pub const INTERNAL_ERROR: &str = E::InternalError.as_str();
    pub const CLIENT_SECRET_EXPIRED: &str = E::ClientSecretExpired.as_str();
    pub const PAYMENT_METHOD_UNUSABLE: &str = E::PaymentMethodUnusable.as_str();
    pub const ORIGIN_NOT_ALLOWED: &str = E::OriginNotAllowed.as_str();
    pub const RAW_CARD_DATA_NOT_ALLOWED: &str = E::RawCardDataNotAllowed.as_str();
    pub const CONFIGURATION_ERROR: &str = E::ConfigurationError.as_str();
    pub const IDEMPOTENCY_REPLAY_UNAVAILABLE: &str = E::IdempotencyReplayUnavailable.as_str();
    pub const TOKEN_EXPIRED: &str = E::TokenExpired.as_str();
    pub const API_KEY_SELF_REVOKE: &str = E::ApiKeySelfRevoke.as_str();
    pub const ENDPOINT_LIMIT_REACHED: &str = E::EndpointLimitReached.as_str();
    pub const ENDPOINT_DISABLED: &str = E::EndpointDisabled.as_str();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_unique_snake_case_and_its_constant_is_its_wire_name() {
        let mut seen = std::collections::BTreeSet::new();
        for code in ErrorCode::ALL {
            let wire = code.as_str();
            assert!(wire.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{wire}");
            assert!(seen.insert(wire), "{wire} twice");
            assert_eq!(ErrorCode::parse(wire), Some(*code));
        }
        assert_eq!(codes::CARD_DECLINED, "card_declined");
        assert_eq!(codes::ENDPOINT_DISABLED, ErrorCode::EndpointDisabled.as_str());
        assert_eq!(ApiError::internal().code, ErrorCode::InternalError.as_str());
    }
}
