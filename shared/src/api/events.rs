//! Events: what happened to a payment, session or refund, as delivered to webhook endpoints and as listed
//! (`GET /v1/events`).

use super::ids::{EventId, PaymentId, RefundId, SessionId};
use serde::{Deserialize, Serialize};

crate::wire_enum! {
    /// Event types we emit. Stable wire names: merchants switch on them (and subscribe endpoints to them).
    pub enum EventType {
        PaymentRequiresAction = "payment.requires_action",
        PaymentSucceeded = "payment.succeeded",
        PaymentAuthorized = "payment.authorized",
        PaymentFailed = "payment.failed",
        PaymentCanceled = "payment.canceled",
        ChargeSucceeded = "charge.succeeded",
        ChargeDeclined = "charge.declined",
        ChargeFailed = "charge.failed",
        SessionCompleted = "checkout_session.completed",
        SessionExpired = "checkout_session.expired",
        SessionCancelled = "checkout_session.cancelled",
        SessionFailed = "checkout_session.failed",
        RefundCreated = "refund.created",
        RefundSucceeded = "refund.succeeded",
        RefundFailed = "refund.failed",
        RefundCancelled = "refund.cancelled",
        PaymentRefunded = "payment.refunded",
    }
}

/// A webhook event, as delivered and as listed.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub id: EventId,
    pub object: String,
    #[serde(rename = "type")]
    pub kind: EventType,
    pub created_at: i64,
    #[serde(rename = "paymentId")]
    pub payment_id: Option<PaymentId>,
    #[serde(rename = "checkoutSessionId")]
    pub checkout_session_id: Option<SessionId>,
    #[serde(rename = "requestId")]
    pub request_id: Option<String>,
    /// The refund a `refund.*` or `payment.refunded` event is about.
    #[serde(rename = "refundId", default, skip_serializing_if = "Option::is_none")]
    pub refund_id: Option<RefundId>,
    pub livemode: bool,
    pub data: EventData,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventData {
    pub object: serde_json::Value,
}
