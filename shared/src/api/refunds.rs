//! Wire types of the refunds API (`/v1/refunds`), shared by the edge and anything that reads refunds. Timestamps are
//! Unix seconds; amounts are integers in the currency's minor unit, like the rest of [`crate::api`].

use crate::api::ids::{ChargeId, PaymentId, RefundAttemptId, RefundId};
use crate::api::Metadata;
use crate::refund::{RefundReason, RefundStatus};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Status of one provider attempt at a refund.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefundAttemptStatus {
    /// Written before the provider call; stays so while the provider has not settled it.
    Pending,
    Succeeded,
    Failed,
    /// The merchant cancelled the refund and the provider confirmed it had not paid it out.
    Cancelled,
}

impl RefundAttemptStatus {
    pub const ALL: [RefundAttemptStatus; 4] = [Self::Pending, Self::Succeeded, Self::Failed, Self::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

/// One call to the provider for a refund (the provider reference is the attempt id: stable across retries).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundAttempt {
    pub id: RefundAttemptId,
    pub object: String,
    pub sequence: u32,
    pub provider: String,
    /// The captured charge the money goes back from.
    pub charge_id: ChargeId,
    pub status: RefundAttemptStatus,
    pub failure_code: Option<String>,
    pub message: Option<String>,
    pub latency_ms: Option<i64>,
    pub request_id: Option<String>,
    pub created_at: i64,
    pub resolved_at: Option<i64>,
}

/// A refund as the merchant sees it.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Refund {
    pub id: RefundId,
    pub object: String,
    pub payment_id: PaymentId,
    pub amount: i64,
    pub currency: String,
    pub status: RefundStatus,
    pub reason: Option<RefundReason>,
    /// Why the provider refused (`provider_declined`), when `FAILED`.
    pub failure_reason: Option<String>,
    pub metadata: Metadata,
    /// Provider attempts, oldest first.
    pub attempts: Vec<RefundAttempt>,
    /// Bumped on every status change; events carry the version they describe.
    pub version: i64,
    /// The request that created the refund.
    pub request_id: Option<String>,
    pub livemode: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

/// `POST /v1/refunds`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateRefundRequest {
    pub payment_id: PaymentId,
    /// Defaults to everything not yet refunded (nor reserved by pending refunds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<RefundReason>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: Metadata,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefundEnvelope {
    pub refund: Refund,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attempt_statuses_round_trip() {
        for s in RefundAttemptStatus::ALL {
            assert_eq!(RefundAttemptStatus::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{}\"", s.as_str()));
        }
    }

    #[test]
    fn create_request_refuses_unknown_fields_and_bad_reasons() {
        let ok: CreateRefundRequest =
            serde_json::from_str(r#"{"payment_id":"pay_1","amount":5,"reason":"duplicate"}"#).unwrap();
        assert_eq!((ok.amount, ok.reason), (Some(5), Some(RefundReason::Duplicate)));
        assert!(serde_json::from_str::<CreateRefundRequest>(r#"{"payment_id":"p","charge":"x"}"#).is_err());
        assert!(serde_json::from_str::<CreateRefundRequest>(r#"{"payment_id":"p","reason":"bored"}"#).is_err());
    }
}
