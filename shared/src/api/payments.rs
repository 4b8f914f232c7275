//! Payments: a payment and its charges as the merchant sees it, the payer's summary of it, capture, and the API-only
//! payment calls (`POST /v1/payments`, `/v1/payments/:id/confirm`, `/cancel`) where the merchant's own UI drives the
//! payment and card data goes only through our card element to the edge.

use super::ids::{ChargeId, PaymentId, SessionId};
use super::{Customer, Metadata, PaymentMethodRef};
use crate::installments::PaymentInstallments;
use crate::lifecycle::{ChargeStatus, PaymentStatus};
use serde::{Deserialize, Serialize};

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaptureMethod {
    #[default]
    Automatic,
    Manual,
}

/// The last failed attempt, in words the payer can act on.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentError {
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decline_code: Option<String>,
    pub message: String,
}

/// 3DS or another step the payer must take.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum NextAction {
    RedirectUserToUrl { redirect_user_to_url: RedirectToUrl },
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedirectToUrl {
    pub url: String,
}

/// The payment as the payer's page sees it (no charges, no merchant data).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentSummary {
    pub id: PaymentId,
    pub status: PaymentStatus,
    pub amount: i64,
    pub currency: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<CardDetails>,
    #[serde(default)]
    pub next_action: Option<NextAction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<PaymentError>,
    /// The installment plan paid with (null: single payment). With `interest_paid_by: payer`, `amount` is the
    /// plan's total and `installments.base_amount` the order amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub installments: Option<PaymentInstallments>,
}

/// What we keep of a card: never the number or the CVC.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardDetails {
    pub brand: String,
    pub last4: String,
    pub exp_month: u32,
    pub exp_year: u32,
    /// Keyed hash of the number: the same card gives the same value for one merchant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
}

/// One attempt at one provider.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Charge {
    pub id: ChargeId,
    pub object: String,
    pub sequence: u32,
    pub provider: String,
    pub status: ChargeStatus,
    pub amount: i64,
    pub decline_code: Option<String>,
    pub message: Option<String>,
    pub latency_ms: Option<i64>,
    pub request_id: Option<String>,
    pub created_at: i64,
    pub resolved_at: Option<i64>,
    /// Increments on every change of this charge.
    #[serde(default)]
    pub version: i64,
    /// Our reference for this attempt at the provider (its idempotency key; what its ledger is keyed by).
    #[serde(default)]
    pub provider_reference: Option<String>,
    /// An uncaptured authorization is voided at this time (Unix seconds) unless captured first.
    #[serde(default)]
    pub authorization_expires_at: Option<i64>,
    /// The plan this attempt charged (null: single payment).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub installments: Option<PaymentInstallments>,
}

/// A payment as the merchant sees it, with every charge.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Payment {
    pub id: PaymentId,
    pub object: String,
    pub status: PaymentStatus,
    pub amount: i64,
    pub amount_captured: i64,
    pub currency: String,
    pub capture_method: CaptureMethod,
    /// `null` for an API-only payment (`POST /v1/payments`).
    pub checkout_session_id: Option<SessionId>,
    /// API-only payments: the merchant's description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub card: Option<CardDetails>,
    pub next_action: Option<NextAction>,
    pub last_error: Option<PaymentError>,
    /// Increments on every change: a receiver keeps the highest it has seen and drops events with a lower one.
    #[serde(default)]
    pub version: i64,
    /// Why a `CANCELLED` payment was cancelled: `voided`, `expired`, `authorization_expired`,
    /// `merchant_cancelled`, `payer_cancelled`.
    #[serde(default)]
    pub cancellation_reason: Option<String>,
    pub charges: Vec<Charge>,
    /// The installment plan (null: single payment). With `interest_paid_by: payer`, `amount` is the plan's total
    /// and `installments.base_amount` the order amount.
    #[serde(default)]
    pub installments: Option<PaymentInstallments>,
    /// Every request that changed this payment, oldest first.
    pub request_ids: Vec<String>,
    pub metadata: Metadata,
    pub livemode: bool,
    pub created_at: i64,
    pub updated_at: i64,
    /// Refunds: the sum of `SUCCEEDED` ones; `status` stays `SUCCEEDED` when money goes back.
    #[serde(default)]
    pub amount_refunded: i64,
    #[serde(default)]
    pub refund_status: crate::refund::PaymentRefundStatus,
    /// Every refund of this payment, newest first.
    #[serde(default)]
    pub refunds: Vec<crate::api::refunds::Refund>,
}

/// `POST /v1/payments/:id/capture`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaptureRequest {
    /// Defaults to the whole authorized amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<i64>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentEnvelope {
    pub payment: Payment,
}

/// Client secrets are `<payment id>_secret_<random>`: the payment id lets the browser address the payment, the
/// random part (≥ 128 bits) is what authorizes it.
pub const CLIENT_SECRET_SEPARATOR: &str = "_secret_";

/// The payment id a client secret names (`None` when it is not shaped like one).
pub fn payment_id_of_client_secret(secret: &str) -> Option<&str> {
    let (id, random) = secret.split_once(CLIENT_SECRET_SEPARATOR)?;
    (id.starts_with("pay_") && !random.is_empty()).then_some(id)
}

/// `POST /v1/payments` (secret key).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreatePaymentRequest {
    pub amount: i64,
    pub currency: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capture_method: Option<CaptureMethod>,
    /// Forces the 3DS challenge for every card.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secure_mode: Option<bool>,
    /// Where the payer comes back after a 3DS redirect the merchant performs itself (validated like a session's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<Customer>,
    /// The merchant's own reference of the customer (its user id, say; 1–64 of `A-Z a-z 0-9 _ . -`). A payment
    /// method attached to this reference may pay this payment; without it only single-use ones can.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_reference: Option<String>,
    #[serde(default)]
    pub metadata: Metadata,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Confirms allowed on this payment (a decline lets the payer retry with another card until then). 1–10, default 3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_attempts: Option<u32>,
}

/// The answer to `POST /v1/payments`: the payment and, only here, its client secret for the merchant's frontend.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentCreated {
    pub payment: Payment,
    pub client_secret: String,
    /// Unix seconds after which the client secret no longer works (the secret key always does).
    pub client_secret_expires_at: i64,
}

/// `POST /v1/payments/:id/confirm` (secret key, or publishable key + `client_secret`).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfirmPaymentRequest {
    pub payment_method: PaymentMethodRef,
    /// Required with a publishable key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
}

/// `POST /v1/payments/:id/cancel` (secret key).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CancelPaymentRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancellation_reason: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_secrets_name_their_payment() {
        assert_eq!(payment_id_of_client_secret("pay_ab12_secret_xyz"), Some("pay_ab12"));
        assert_eq!(payment_id_of_client_secret("pay_ab12_secret_"), None);
        assert_eq!(payment_id_of_client_secret("cs_1_secret_xyz"), None);
        assert_eq!(payment_id_of_client_secret("garbage"), None);
    }

    #[test]
    fn confirm_takes_an_id_or_a_card() {
        let by_id: ConfirmPaymentRequest = serde_json::from_str(r#"{"payment_method":"pm_1"}"#).unwrap();
        assert_eq!(by_id.payment_method, PaymentMethodRef::Id("pm_1".into()));
        let raw: ConfirmPaymentRequest = serde_json::from_str(
            r#"{"payment_method":{"type":"card","card":{"number":"4242424242424242","exp_month":1,"exp_year":2030,"cvc":"123"}}}"#,
        )
        .unwrap();
        assert!(matches!(raw.payment_method, PaymentMethodRef::Card(_)));
        assert!(serde_json::from_str::<ConfirmPaymentRequest>(r#"{"payment_method":"pm_1","x":1}"#).is_err());
    }
}
