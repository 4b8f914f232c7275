//! Request and response types of the REST API, exactly as on the wire (snake_case, with the guide's camelCase names
//! where it shows them). Shared by the edge (which serves them) and the widget (which reads them), so the two can
//! never disagree. Timestamps are Unix seconds; amounts are integers in the currency's minor unit.

use crate::installments::{InstallmentChoice, PaymentInstallments, SessionInstallments};
use crate::lifecycle::{ChargeStatus, PaymentStatus, SessionStatus};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub type Metadata = BTreeMap<String, String>;

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaptureMethod {
    #[default]
    Automatic,
    Manual,
}

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

/// What the merchant already knows about the payer (prefills the form).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Customer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Address {
    pub line1: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line2: Option<String>,
    pub city: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    pub postal_code: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
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
    pub id: String,
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
    pub payment_id: String,
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
    pub id: String,
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

/// `GET /v1/checkout-sessions/token/:token`: only what the payer's page needs.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PayerSessionView {
    pub id: String,
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
    pub id: String,
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
    pub id: String,
    pub object: String,
    pub status: PaymentStatus,
    pub amount: i64,
    pub amount_captured: i64,
    pub currency: String,
    pub capture_method: CaptureMethod,
    /// `null` for an API-only payment (`POST /v1/payments`).
    pub checkout_session_id: Option<String>,
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
    pub refunds: Vec<crate::refund_api::Refund>,
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

/// A webhook event, as delivered and as listed.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub id: String,
    pub object: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub created_at: i64,
    #[serde(rename = "paymentId")]
    pub payment_id: Option<String>,
    #[serde(rename = "checkoutSessionId")]
    pub checkout_session_id: Option<String>,
    #[serde(rename = "requestId")]
    pub request_id: Option<String>,
    /// The refund a `refund.*` or `payment.refunded` event is about.
    #[serde(rename = "refundId", default, skip_serializing_if = "Option::is_none")]
    pub refund_id: Option<String>,
    pub livemode: bool,
    pub data: EventData,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventData {
    pub object: serde_json::Value,
}

/// A page of a list endpoint; pass `next_cursor` as `starting_after` for the next one.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
// One named component per item type (`EventList`, …) rather than `List`, `List2`, …, for generated clients.
#[cfg_attr(feature = "schema", schemars(rename = "{T}List"))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct List<T> {
    pub object: String,
    pub data: Vec<T>,
    pub has_more: bool,
    pub next_cursor: Option<String>,
}

impl<T> List<T> {
    pub fn new(data: Vec<T>, has_more: bool, next_cursor: Option<String>) -> Self {
        Self { object: "list".into(), data, has_more, next_cursor }
    }
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

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentEnvelope {
    pub payment: Payment,
}
