//! Wire types of the operations console API (`GET /v1/ops/search`, `GET /v1/ops/sessions/:id`,
//! `GET /v1/ops/payments/:id`), shared by the edge that serves them and the console (wasm) that reads them.
//!
//! The console answers one question fast: "did this order get paid, and did the merchant hear about it?". So a
//! search lists payments (with their checkout session, or none for an API-only payment, #15), and the detail carries everything that explains the answer: charges,
//! the transition timeline, 3DS steps, events with their webhook deliveries and attempts.
//!
//! Times here are Unix **milliseconds** (`*_ms`): a confirm, its fallback charge and its events happen within one
//! second, and the timeline must still show their order and spacing. Personal data is masked by the edge
//! (`a***@example.com`); searching takes the full value, so support can find a payer without the screen showing
//! more than it must.

use crate::api::{CaptureMethod, Metadata};
use crate::lifecycle::{ChargeStatus, PaymentStatus, SessionStatus};
use serde::{Deserialize, Serialize};

/// What a search term was matched against.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchedBy {
    /// No term: the newest sessions (filters still apply).
    All,
    SessionId,
    PaymentId,
    ChargeId,
    EventId,
    /// A webhook delivery id (`dlv_…`).
    DeliveryId,
    /// A request id (`req_…`, `job_…`) that changed the session, its payment or a charge.
    RequestId,
    /// Payer or customer email (exact, case-insensitive).
    Email,
    /// `metadata.order_id`, or the last four digits of the payment's card when the term is four digits.
    OrderIdOrLast4,
    /// `metadata.order_id`.
    OrderId,
    /// `key:value` against one metadata key.
    Metadata,
    /// A refund id (`re_…`): the refunded payment.
    RefundId,
    /// `customer_reference:…`: the merchant's own customer reference of API-only payments.
    CustomerReference,
}

/// One line of a search result: a payment and its checkout session side by side. An API-only payment (#15) has no
/// session: `session_id` and `session_status` are null.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpsRow {
    pub session_id: Option<String>,
    pub session_status: Option<SessionStatus>,
    pub payment_id: String,
    pub payment_status: PaymentStatus,
    pub amount: i64,
    pub currency: String,
    pub order_id: Option<String>,
    /// Masked (`a***@example.com`).
    pub payer_email: Option<String>,
    pub card_brand: Option<String>,
    pub card_last4: Option<String>,
    /// Decline code of the payment's last failed attempt, if any.
    pub decline_code: Option<String>,
    /// The merchant's customer reference of an API-only payment.
    #[serde(default)]
    pub customer_reference: Option<String>,
    pub livemode: bool,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

/// `GET /v1/ops/search`: newest payments first; pass `next_cursor` as `starting_after` for the next page.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpsSearchResult {
    pub object: String,
    pub matched_by: MatchedBy,
    pub data: Vec<OpsRow>,
    pub has_more: bool,
    pub next_cursor: Option<String>,
    /// Set while the merchant's card-testing breaker pauses its confirms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_testing: Option<CardTestingPause>,
}

/// The per-merchant card-testing breaker, open: most sessions that tried to pay recently had a card declined, so
/// confirms are refused (`card_velocity_exceeded`) until `until_ms`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardTestingPause {
    pub tripped_at_ms: i64,
    pub until_ms: i64,
    pub declined_sessions: i64,
    pub attempted_sessions: i64,
}

/// The payer as support may see them: enough to recognise, not enough to copy.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MaskedPayer {
    /// First name and the initial of the last (`Ayşe Y.`).
    pub name: Option<String>,
    /// `a***@example.com`.
    pub email: Option<String>,
    /// Country code and the last two digits (`+90 •••• 67`).
    pub phone: Option<String>,
    /// City and country of the billing address (`İstanbul, TR`).
    pub billing_place: Option<String>,
    pub shipping_place: Option<String>,
    pub shipping_same_as_billing: Option<bool>,
    /// Keys of the custom fields the payer answered (values are not shown).
    pub custom_field_keys: Vec<String>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpsSession {
    pub id: String,
    pub status: SessionStatus,
    pub amount: i64,
    pub currency: String,
    pub url: String,
    pub return_url: Option<String>,
    pub cancel_url: Option<String>,
    pub metadata: Metadata,
    pub secure_mode: bool,
    pub capture_method: CaptureMethod,
    pub locale: String,
    pub attempts: u32,
    pub max_attempts: u32,
    pub livemode: bool,
    pub expires_at_ms: i64,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
    /// The payer's details (masked); the merchant's prefill (`customer`) when the payer gave none yet.
    pub payer: MaskedPayer,
}

/// One provider attempt. `route_position` is its place in the fallback order of its confirm (1 = primary).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpsCharge {
    pub id: String,
    pub sequence: u32,
    pub route_position: u32,
    pub provider: String,
    pub status: ChargeStatus,
    pub amount: i64,
    pub decline_code: Option<String>,
    pub message: Option<String>,
    pub latency_ms: Option<i64>,
    pub request_id: Option<String>,
    pub created_at_ms: i64,
    pub resolved_at_ms: Option<i64>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpsPayment {
    pub id: String,
    pub status: PaymentStatus,
    pub amount: i64,
    pub amount_captured: i64,
    pub currency: String,
    pub capture_method: CaptureMethod,
    pub card_brand: Option<String>,
    pub card_last4: Option<String>,
    pub card_exp: Option<String>,
    pub last_error_code: Option<String>,
    pub last_decline_code: Option<String>,
    pub last_error_message: Option<String>,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
    pub charges: Vec<OpsCharge>,
    /// Refunds (issue #13): the sum of the succeeded ones, where the payment stands, and every refund newest first
    /// with its provider attempts.
    #[serde(default)]
    pub amount_refunded: i64,
    #[serde(default)]
    pub refund_status: crate::refund::PaymentRefundStatus,
    #[serde(default)]
    pub refunds: Vec<crate::api::refunds::Refund>,
    /// The installment plan (null: single payment); `amount` is its total, `base_amount` the order amount.
    #[serde(default)]
    pub installments: Option<crate::installments::PaymentInstallments>,
}

/// One status change, from the `transitions` table.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    /// `checkout_session`, `payment`, `charge`, `refund` or `refund_attempt`.
    pub entity: String,
    pub entity_id: String,
    /// None when the entity was created.
    pub from_status: Option<String>,
    pub to_status: String,
    pub request_id: Option<String>,
    pub at_ms: i64,
}

/// One 3DS challenge.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpsChallenge {
    pub id: String,
    pub charge_id: String,
    /// `pending`, `passed`, `failed` or `abandoned`.
    pub status: String,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
    pub resolved_at_ms: Option<i64>,
}

/// One HTTP attempt of a webhook delivery.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpsAttempt {
    pub attempt: i64,
    pub started_at_ms: i64,
    pub latency_ms: i64,
    pub status_code: Option<i64>,
    /// `succeeded`, `failed`, `timeout` or `error`.
    pub outcome: String,
    pub error: Option<String>,
    pub request_id: Option<String>,
}

/// An event's delivery to one endpoint.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpsDelivery {
    pub id: String,
    pub endpoint_id: String,
    /// `pending`, `sending`, `succeeded`, `failed` or `cancelled`.
    pub status: String,
    pub attempt_count: i64,
    pub next_attempt_at_ms: Option<i64>,
    pub last_status_code: Option<i64>,
    pub last_error: Option<String>,
    pub succeeded_at_ms: Option<i64>,
    pub created_at_ms: i64,
    pub attempts: Vec<OpsAttempt>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpsEvent {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub request_id: Option<String>,
    pub created_at_ms: i64,
    pub deliveries: Vec<OpsDelivery>,
}

/// A webhook endpoint some delivery of this session went to. The URL's query string is hidden: receivers often
/// put a shared secret there.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpsEndpoint {
    pub id: String,
    pub url: String,
    /// `enabled`, `disabled`, or `deleted` when it no longer exists.
    pub status: String,
    pub disabled_reason: Option<String>,
    pub consecutive_failures: i64,
}

/// Was the order paid?
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaidVerdict {
    /// Money captured (`SUCCEEDED`).
    Paid,
    /// Authorized, waiting for the merchant to capture or void.
    Authorized,
    /// A provider or the payer's 3DS step is still running.
    InProgress,
    /// The session is open and waits for the payer (first try, or after a decline).
    AwaitingPayer,
    /// The session ended without money: cancelled, expired, failed or voided.
    NotPaid,
}

/// Did the merchant hear about the latest change?
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotifiedVerdict {
    /// Every delivery of the latest events succeeded.
    Delivered,
    /// Some delivery is still waiting for its next attempt (or being sent).
    Retrying,
    /// A delivery gave up (retries exhausted, endpoint deleted) and none is pending.
    Failed,
    /// Events were written, but no endpoint was subscribed to them.
    NoEndpoint,
    /// Nothing has happened that sends a webhook yet.
    NoEvents,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub paid: PaidVerdict,
    pub notified: NotifiedVerdict,
    /// The events the notification verdict is about: those written by the latest change.
    pub latest_event_types: Vec<String>,
    pub latest_event_at_ms: Option<i64>,
    /// When the last of those deliveries succeeded.
    pub delivered_at_ms: Option<i64>,
    /// Which redirect the payer is sent to for the session's state (`return_url` after payment, `cancel_url` after a
    /// payer cancel), when the session has one. The redirect itself is the payer's browser, not proof of anything.
    pub redirect: Option<String>,
    /// Who cancelled, for a cancelled session: `payer` or `merchant`.
    pub cancelled_by: Option<String>,
    /// Money given back: succeeded refunds, and refunds still pending at the provider (a paid order may be refunded).
    #[serde(default)]
    pub amount_refunded: i64,
    #[serde(default)]
    pub amount_refund_pending: i64,
    #[serde(default)]
    pub refund_status: crate::refund::PaymentRefundStatus,
}

/// Which merchant actions the current state allows (the console greys out the rest).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OpsActions {
    pub cancel_session: bool,
    /// An unpaid API-only payment can be cancelled (`POST /v1/payments/:id/cancel`).
    #[serde(default)]
    pub cancel_payment: bool,
    pub capture_payment: bool,
    pub void_payment: bool,
    /// A refund can be made, of at most `refundable_amount` (captured minus pending and succeeded refunds).
    #[serde(default)]
    pub refund_payment: bool,
    #[serde(default)]
    pub refundable_amount: i64,
}

/// `GET /v1/ops/sessions/:id`: the whole picture in one response.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpsSessionDetail {
    pub object: String,
    pub session: OpsSession,
    pub payment: OpsPayment,
    pub verdict: Verdict,
    pub actions: OpsActions,
    pub timeline: Vec<TimelineEntry>,
    pub challenges: Vec<OpsChallenge>,
    pub events: Vec<OpsEvent>,
    pub endpoints: Vec<OpsEndpoint>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpsSessionEnvelope {
    pub ops_session: OpsSessionDetail,
}

/// What an API-only payment holds instead of a session: the merchant's data on it and the payer's attempts.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpsApiPayment {
    pub description: Option<String>,
    pub metadata: Metadata,
    /// The merchant's own reference of the customer (payment methods attached to it may be reused).
    pub customer_reference: Option<String>,
    /// The `customer` given on create (masked).
    pub customer: MaskedPayer,
    pub return_url: Option<String>,
    pub secure_mode: bool,
    pub attempts: u32,
    pub max_attempts: u32,
    /// When the frontend's client secret stops working (the secret key always can act).
    pub client_secret_expires_at_ms: i64,
    pub livemode: bool,
}

/// `GET /v1/ops/payments/:id`: one payment's whole story, with its checkout session when it has one (`session`) or
/// its API-only data (`api`). The session detail is the same picture seen from the session.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpsPaymentDetail {
    pub object: String,
    pub session: Option<OpsSession>,
    pub api: Option<OpsApiPayment>,
    pub payment: OpsPayment,
    pub verdict: Verdict,
    pub actions: OpsActions,
    pub timeline: Vec<TimelineEntry>,
    pub challenges: Vec<OpsChallenge>,
    pub events: Vec<OpsEvent>,
    pub endpoints: Vec<OpsEndpoint>,
}

impl From<OpsSessionDetail> for OpsPaymentDetail {
    fn from(d: OpsSessionDetail) -> Self {
        Self {
            object: "ops_payment".into(),
            session: Some(d.session),
            api: None,
            payment: d.payment,
            verdict: d.verdict,
            actions: d.actions,
            timeline: d.timeline,
            challenges: d.challenges,
            events: d.events,
            endpoints: d.endpoints,
        }
    }
}

impl OpsPaymentDetail {
    /// The same story seen from its checkout session.
    pub fn into_session_detail(self, session: OpsSession) -> OpsSessionDetail {
        OpsSessionDetail {
            object: "ops_session".into(),
            session,
            payment: self.payment,
            verdict: self.verdict,
            actions: self.actions,
            timeline: self.timeline,
            challenges: self.challenges,
            events: self.events,
            endpoints: self.endpoints,
        }
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpsPaymentEnvelope {
    pub ops_payment: OpsPaymentDetail,
}
