//! Webhook endpoints (`/v1/webhook-endpoints`) and deliveries (`GET /v1/events/:id/deliveries`,
//! `POST /v1/events/:id/resend`): where a merchant wants events, and every attempt to deliver one. Signing is in
//! [`crate::webhook`].

use super::ids::{DeliveryId, EndpointId, EventId};
use super::EventType;
use serde::{Deserialize, Serialize};

crate::wire_enum! {
    /// Whether an endpoint receives deliveries.
    pub enum EndpointStatus {
        Enabled = "enabled",
        Disabled = "disabled",
    }
}

crate::wire_enum! {
    /// Why an endpoint is disabled: the merchant did it, the endpoint answered 410 Gone, or it kept failing.
    pub enum DisabledReason {
        ByMerchant = "disabled_by_merchant",
        Gone = "endpoint_gone",
        Failing = "failing",
    }
}

crate::wire_enum! {
    /// Where one event's delivery to one endpoint is: `failed` once retries are exhausted, `cancelled` when the
    /// endpoint was deleted.
    pub enum DeliveryStatus {
        Pending = "pending",
        Sending = "sending",
        Succeeded = "succeeded",
        Failed = "failed",
        Cancelled = "cancelled",
    }
}

crate::wire_enum! {
    /// How one HTTP attempt of a delivery ended: a 2xx, another status, no answer in time, or a network error.
    pub enum AttemptOutcome {
        Succeeded = "succeeded",
        Failed = "failed",
        Timeout = "timeout",
        Error = "error",
    }
}

/// `POST /v1/webhook-endpoints`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateEndpoint {
    pub url: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Event types to receive; `["*"]` (the default) is every type, including ones added later.
    #[serde(default)]
    pub enabled_events: Option<Vec<String>>,
}

/// `PATCH /v1/webhook-endpoints/:id`: every field optional; `description: ""` clears it.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateEndpoint {
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub enabled_events: Option<Vec<String>>,
    /// `true` stops deliveries; `false` re-enables (also after an automatic disable) and makes waiting
    /// deliveries due now.
    #[serde(default)]
    pub disabled: Option<bool>,
}

/// `POST /v1/webhook-endpoints/:id/rotate-secret`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RotateSecret {
    /// Seconds the old secret keeps signing (0–604800, default 86400). 0 retires it at once.
    #[serde(default)]
    pub expires_in: Option<i64>,
}

/// The merchant's view of an endpoint. `secret` appears only in the create and rotate responses.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookEndpoint {
    pub id: EndpointId,
    pub object: String,
    pub url: String,
    pub description: Option<String>,
    pub enabled_events: Vec<String>,
    pub status: EndpointStatus,
    pub disabled_reason: Option<DisabledReason>,
    pub livemode: bool,
    /// Failed attempts since the last successful one.
    pub consecutive_failures: i64,
    /// When the endpoint started failing (Unix seconds), while it is failing.
    pub failing_since: Option<i64>,
    /// Until when the secret before the last rotation still signs (Unix seconds).
    pub previous_secret_expires_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub secret: Option<String>,
}

/// `POST /v1/events/:id/resend`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resend {
    /// Only this endpoint (even one not subscribed to the event's type); default: every enabled endpoint that is.
    #[serde(default)]
    pub endpoint_id: Option<EndpointId>,
}

/// One HTTP attempt of a delivery.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryAttempt {
    pub attempt: i64,
    /// Unix milliseconds (attempts can be seconds apart).
    pub started_at_ms: i64,
    pub latency_ms: i64,
    /// The endpoint's HTTP status; null on timeout or network error.
    pub status_code: Option<i64>,
    pub outcome: AttemptOutcome,
    pub error: Option<String>,
    /// The queue consumer run that made the attempt.
    pub request_id: Option<String>,
}

/// An event's delivery to one endpoint, with all its attempts (oldest first).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookDelivery {
    pub id: DeliveryId,
    pub object: String,
    pub event_id: EventId,
    pub event_type: EventType,
    pub endpoint_id: EndpointId,
    pub status: DeliveryStatus,
    pub attempt_count: i64,
    /// Unix seconds of the next attempt while pending.
    pub next_attempt_at: Option<i64>,
    pub last_status_code: Option<i64>,
    pub last_error: Option<String>,
    pub succeeded_at: Option<i64>,
    pub created_at: i64,
    pub attempts: Vec<DeliveryAttempt>,
}
