//! Payment methods: card data as it arrives from the form or the card element (`POST /v1/payment-methods`), the
//! tokenised card (`pm_…`) that comes back, and what a confirm charges.

use super::ids::PaymentMethodId;
use crate::installments::InstallmentChoice;
use serde::{Deserialize, Serialize};

/// Card data as it arrives from the form. Lives only in memory for the provider call.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardInput {
    pub number: String,
    pub exp_month: u32,
    pub exp_year: u32,
    pub cvc: String,
}

impl std::fmt::Debug for CardInput {
    /// Never prints the number or the CVC, whatever logs it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CardInput")
            .field("number", &"[redacted]")
            .field("exp_month", &self.exp_month)
            .field("exp_year", &self.exp_year)
            .field("cvc", &"[redacted]")
            .finish()
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethodType {
    Card,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentMethodInput {
    #[serde(rename = "type")]
    pub kind: PaymentMethodType,
    pub card: CardInput,
    /// The payer's installment choice; absent or `{"count": 1}` is a single payment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub installments: Option<InstallmentChoice>,
}

/// What confirm charges: a `pm_…` from our card element, or raw card data (test mode only: the SAQ D path).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum PaymentMethodRef {
    Id(PaymentMethodId),
    Card(PaymentMethodInput),
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

/// A tokenised card (`pm_…`): single use and short-lived, unless attached to a customer.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentMethod {
    pub id: PaymentMethodId,
    pub object: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub card: PaymentMethodCard,
    pub livemode: bool,
    pub created_at: i64,
    /// Unix seconds after which it can no longer be charged: 30 minutes after creation, or, once attached to a
    /// customer, the end of the card's expiry month.
    pub expires_at: i64,
    /// The customer it is attached to (`POST /v1/payment-methods/:id/attach`); null while single-use or detached.
    #[serde(default)]
    pub customer_reference: Option<String>,
    /// Set once detached: it is never charged again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detached_at: Option<i64>,
}

/// `POST /v1/payment-methods/:id/attach` (secret key): keep the card for this customer's later payments.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttachPaymentMethodRequest {
    pub customer_reference: String,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentMethodEnvelope {
    pub payment_method: PaymentMethod,
}

/// `POST /v1/payment-methods` (publishable key, from our card element only).
pub type CreatePaymentMethodRequest = PaymentMethodInput;
