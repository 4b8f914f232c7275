//! Checkout sessions: create, the merchant's view, the payer's view (`GET …/token/:token`) and the payer's confirm.

use super::ids::{PaymentId, SessionId};
use super::{Address, CaptureMethod, Customer, Metadata, NextAction, PaymentMethodInput, PaymentSummary};
use crate::installments::SessionInstallments;
use crate::lifecycle::SessionStatus;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Locale {
    #[default]
    Tr,
    En,
}

/// Payer fields beyond name and email that a session can require.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CollectField {
    Phone,
    BillingAddress,
    ShippingAddress,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CustomFieldType {
    Text,
    Numeric,
    Dropdown,
}

/// A merchant-defined question on the form.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomFieldDef {
    pub key: String,
    pub label: String,
    #[serde(rename = "type")]
    pub kind: CustomFieldType,
    #[serde(default)]
    pub required: bool,
    /// Choices of a `dropdown` field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
}

/// Payer details as collected by the form (`POST …/token/:token/payer`, or `payer` on confirm).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PayerDetails {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_address: Option<Address>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_address: Option<Address>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_same_as_billing: Option<bool>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub custom_fields: BTreeMap<String, String>,
}

/// `POST /v1/checkout-sessions`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateSessionRequest {
    pub amount: i64,
    pub currency: String,
    /// The merchant page (or our hosted page) where the payer goes: `url + "?token=" + token`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_url: Option<String>,
    /// Seconds from now; or give `expires_at`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<i64>,
    /// Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<Customer>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub collect: Vec<CollectField>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom_fields: Vec<CustomFieldDef>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: Metadata,
    /// Keys of `metadata` the payer's page may see.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub public_metadata_keys: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secure_mode: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capture_method: Option<CaptureMethod>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<Locale>,
    /// How many confirms the payer gets before the session fails (1–10, default 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_attempts: Option<u32>,
    /// Installments for this session; by default on (up to the merchant's caps) for TRY amounts from the
    /// merchant's `min_amount`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub installments: Option<SessionInstallments>,
}

/// A checkout session as the merchant sees it.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckoutSession {
    pub id: SessionId,
    pub object: String,
    pub status: SessionStatus,
    pub url: String,
    /// Present only in the response that created the session; we keep only its hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    pub expires_at: i64,
    pub amount: i64,
    pub currency: String,
    pub return_url: Option<String>,
    pub cancel_url: Option<String>,
    pub metadata: Metadata,
    pub payment_id: PaymentId,
    pub customer: Option<Customer>,
    pub collect: Vec<CollectField>,
    pub custom_fields: Vec<CustomFieldDef>,
    pub secure_mode: bool,
    pub capture_method: CaptureMethod,
    pub locale: Locale,
    pub payer: Option<PayerDetails>,
    pub attempts: u32,
    pub max_attempts: u32,
    pub livemode: bool,
    pub created_at: i64,
    pub updated_at: i64,
    /// Increments on every change: a receiver keeps the highest it has seen and drops events with a lower one.
    #[serde(default)]
    pub version: i64,
    #[serde(default)]
    pub installments: Option<SessionInstallments>,
}

/// What the payer's page may know about the merchant.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MerchantDisplay {
    pub name: String,
}

/// `GET /v1/checkout-sessions/token/:token`: only what the payer's page needs.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PayerSessionView {
    pub id: SessionId,
    pub object: String,
    pub status: SessionStatus,
    pub amount: i64,
    pub currency: String,
    pub expires_at: i64,
    pub merchant: MerchantDisplay,
    pub locale: Locale,
    pub customer: Option<Customer>,
    pub collect: Vec<CollectField>,
    pub custom_fields: Vec<CustomFieldDef>,
    /// Only the metadata keys the merchant marked public.
    pub metadata: Metadata,
    pub return_url: Option<String>,
    pub cancel_url: Option<String>,
    pub secure_mode: bool,
    pub livemode: bool,
    pub payer: Option<PayerDetails>,
    pub attempts_remaining: u32,
    pub payment: PaymentSummary,
    /// Whether the form should offer installment plans (then `GET …/installments?bin=` lists them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub installments: Option<SessionInstallments>,
}

/// `POST /v1/checkout-sessions/token/:token/confirm`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfirmRequest {
    pub payment_method: PaymentMethodInput,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payer: Option<PayerDetails>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfirmResult {
    pub payment: PaymentSummary,
    #[serde(rename = "paymentNextAction")]
    pub payment_next_action: Option<NextAction>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfirmResponse {
    pub checkout_session: PayerSessionView,
    #[serde(rename = "confirmResult")]
    pub confirm_result: ConfirmResult,
}

/// Wrapper objects of single-resource responses.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionEnvelope {
    pub checkout_session: CheckoutSession,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PayerSessionEnvelope {
    pub checkout_session: PayerSessionView,
}
