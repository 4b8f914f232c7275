//! Wire types of API-only payments (`POST /v1/payments`, `/v1/payments/:id/confirm`, `/v1/payment-methods`): the
//! merchant's own UI drives the payment, card data goes only through our card element to the edge.

use crate::api::{CaptureMethod, Customer, Metadata, Payment, PaymentMethodInput};
use serde::{Deserialize, Serialize};

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

/// What confirm charges: a `pm_…` from our card element, or raw card data (test mode only: the SAQ D path).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum PaymentMethodRef {
    Id(String),
    Card(PaymentMethodInput),
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

/// The card of a payment method: display data only.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentMethodCard {
    pub brand: String,
    pub last4: String,
    pub exp_month: u32,
    pub exp_year: u32,
}

/// A tokenised card (`pm_…`): single use unless attached to a customer, and short-lived.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentMethod {
    pub id: String,
    pub object: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub card: PaymentMethodCard,
    pub livemode: bool,
    pub created_at: i64,
    pub expires_at: i64,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentMethodEnvelope {
    pub payment_method: PaymentMethod,
}

/// `POST /v1/payment-methods` (publishable key, from our card element only).
pub type CreatePaymentMethodRequest = PaymentMethodInput;

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
