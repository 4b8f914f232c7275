//! Rows of the core tables and their API shapes. One place maps storage to the wire, so list, retrieve, events
//! and webhooks always show the same object. `payment_reads` and `refunds` are the read models several domain
//! modules build on (a payment's object with its charges, trail and refunds).

pub mod payment_reads;
pub mod refunds;

use crate::store::{int, int_bool, int_opt, json_text, json_text_opt};
use hsrc_shared::api::ids::{ChargeId, PaymentId, SessionId};
use hsrc_shared::api::refunds::RefundAttemptStatus;
use hsrc_shared::api::{
    CaptureMethod, CardDetails, Charge, CheckoutSession, CollectField, CustomFieldDef, Customer, Locale, Metadata,
    NextAction, PayerDetails, Payment, PaymentError, PaymentSummary,
};
use hsrc_shared::installments::{PaymentInstallments, SessionInstallments};
use hsrc_shared::lifecycle::{ChargeStatus, PaymentStatus, SessionStatus};
use hsrc_shared::refund::RefundStatus;
use serde::{Deserialize, Deserializer};

/// A status column's type: read back through its `parse`, so an unknown stored value is an error that names it.
pub trait StoredStatus: Sized {
    const WHAT: &'static str;
    fn parse_stored(s: &str) -> Option<Self>;
}

macro_rules! stored_status {
    ($($t:ty => $what:literal),+ $(,)?) => {
        $(impl StoredStatus for $t {
            const WHAT: &'static str = $what;
            fn parse_stored(s: &str) -> Option<Self> {
                <$t>::parse(s)
            }
        })+
    };
}

stored_status!(
    SessionStatus => "session",
    PaymentStatus => "payment",
    ChargeStatus => "charge",
    RefundStatus => "refund",
    RefundAttemptStatus => "attempt",
);

/// `#[serde(deserialize_with = "status")]` for any [`StoredStatus`] column.
pub fn status<'de, D: Deserializer<'de>, T: StoredStatus>(d: D) -> Result<T, D::Error> {
    let s = String::deserialize(d)?;
    T::parse_stored(&s).ok_or_else(|| serde::de::Error::custom(format!("unknown {} status {s}", T::WHAT)))
}

pub const SESSION_COLUMNS: &str =
    "s.id, s.merchant_id, s.status, s.version, s.amount, s.currency, s.url, s.return_url, \
     s.cancel_url, s.expires_at, s.customer, s.collect, s.custom_fields, s.metadata, s.public_metadata_keys, \
     s.secure_mode, s.capture_method, s.locale, s.payer, s.attempts, s.max_attempts, s.livemode, s.payment_id, \
     s.created_at, s.updated_at, s.installments";

#[derive(Debug, Clone, Deserialize)]
pub struct SessionRow {
    pub id: SessionId,
    pub merchant_id: String,
    #[serde(deserialize_with = "status")]
    pub status: SessionStatus,
    #[serde(deserialize_with = "int")]
    pub version: i64,
    #[serde(deserialize_with = "int")]
    pub amount: i64,
    pub currency: String,
    pub url: String,
    pub return_url: Option<String>,
    pub cancel_url: Option<String>,
    #[serde(deserialize_with = "int")]
    pub expires_at: i64,
    #[serde(deserialize_with = "json_text_opt")]
    pub customer: Option<Customer>,
    #[serde(deserialize_with = "json_text")]
    pub collect: Vec<CollectField>,
    #[serde(deserialize_with = "json_text")]
    pub custom_fields: Vec<CustomFieldDef>,
    #[serde(deserialize_with = "json_text")]
    pub metadata: Metadata,
    #[serde(deserialize_with = "json_text")]
    pub public_metadata_keys: Vec<String>,
    #[serde(deserialize_with = "int_bool")]
    pub secure_mode: bool,
    #[serde(deserialize_with = "json_enum")]
    pub capture_method: CaptureMethod,
    #[serde(deserialize_with = "json_enum")]
    pub locale: Locale,
    #[serde(deserialize_with = "json_text_opt")]
    pub payer: Option<PayerDetails>,
    #[serde(deserialize_with = "int")]
    pub attempts: i64,
    #[serde(deserialize_with = "int")]
    pub max_attempts: i64,
    #[serde(deserialize_with = "int_bool")]
    pub livemode: bool,
    pub payment_id: PaymentId,
    #[serde(deserialize_with = "int")]
    pub created_at: i64,
    #[serde(deserialize_with = "int")]
    pub updated_at: i64,
    #[serde(default, deserialize_with = "json_text_opt")]
    pub installments: Option<SessionInstallments>,
}

/// Enums stored by their wire name without quotes (`manual`, `tr`).
fn json_enum<'de, D: Deserializer<'de>, T: serde::de::DeserializeOwned>(d: D) -> Result<T, D::Error> {
    let s = String::deserialize(d)?;
    serde_json::from_value(serde_json::Value::String(s)).map_err(serde::de::Error::custom)
}

/// The wire name of a unit enum variant (`CaptureMethod::Manual` → `manual`).
pub fn enum_text<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

impl SessionRow {
    pub fn attempts_remaining(&self) -> u32 {
        (self.max_attempts - self.attempts).max(0) as u32
    }

    pub fn public_metadata(&self) -> Metadata {
        self.metadata
            .iter()
            .filter(|(k, _)| self.public_metadata_keys.contains(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    /// The merchant's view. `token` is only known on create.
    pub fn to_api(&self, token: Option<String>) -> CheckoutSession {
        CheckoutSession {
            id: self.id.clone(),
            object: "checkout_session".into(),
            status: self.status,
            url: self.url.clone(),
            token,
            expires_at: self.expires_at.div_euclid(1000),
            amount: self.amount,
            currency: self.currency.clone(),
            return_url: self.return_url.clone(),
            cancel_url: self.cancel_url.clone(),
            metadata: self.metadata.clone(),
            payment_id: self.payment_id.clone(),
            customer: self.customer.clone(),
            collect: self.collect.clone(),
            custom_fields: self.custom_fields.clone(),
            secure_mode: self.secure_mode,
            capture_method: self.capture_method,
            locale: self.locale,
            payer: self.payer.clone(),
            attempts: self.attempts as u32,
            max_attempts: self.max_attempts as u32,
            livemode: self.livemode,
            created_at: self.created_at.div_euclid(1000),
            updated_at: self.updated_at.div_euclid(1000),
            version: self.version,
            installments: self.installments,
        }
    }
}

// An API-only payment stores its own id as its session (migration 0011): read back as NULL.
pub const PAYMENT_COLUMNS: &str =
    "p.id, p.merchant_id, NULLIF(p.checkout_session_id, p.id) AS checkout_session_id, p.status, p.version, p.amount, \
     p.amount_captured, p.currency, p.capture_method, p.card, p.next_action, p.last_error, p.livemode, p.created_at, \
     p.updated_at, p.cancellation_reason, p.installments";

#[derive(Debug, Clone, Deserialize)]
pub struct PaymentRow {
    pub id: PaymentId,
    pub merchant_id: String,
    /// `None` for an API-only payment.
    pub checkout_session_id: Option<SessionId>,
    #[serde(deserialize_with = "status")]
    pub status: PaymentStatus,
    #[serde(deserialize_with = "int")]
    pub version: i64,
    #[serde(deserialize_with = "int")]
    pub amount: i64,
    #[serde(deserialize_with = "int")]
    pub amount_captured: i64,
    pub currency: String,
    #[serde(deserialize_with = "json_enum")]
    pub capture_method: CaptureMethod,
    #[serde(deserialize_with = "json_text_opt")]
    pub card: Option<CardDetails>,
    #[serde(deserialize_with = "json_text_opt")]
    pub next_action: Option<NextAction>,
    #[serde(deserialize_with = "json_text_opt")]
    pub last_error: Option<PaymentError>,
    #[serde(deserialize_with = "int_bool")]
    pub livemode: bool,
    #[serde(deserialize_with = "int")]
    pub created_at: i64,
    #[serde(deserialize_with = "int")]
    pub updated_at: i64,
    /// Why a CANCELLED payment was cancelled (`voided`, `expired`, …).
    #[serde(default)]
    pub cancellation_reason: Option<String>,
    #[serde(default, deserialize_with = "json_text_opt")]
    pub installments: Option<PaymentInstallments>,
}

impl PaymentRow {
    /// What the payer's page may see: no fingerprint, no charges.
    pub fn summary(&self) -> PaymentSummary {
        PaymentSummary {
            id: self.id.clone(),
            status: self.status,
            amount: self.amount,
            currency: self.currency.clone(),
            card: self.card.clone().map(|c| CardDetails { fingerprint: None, ..c }),
            next_action: self.next_action.clone(),
            last_error: self.last_error.clone(),
            installments: self.installments.clone(),
        }
    }

    pub fn to_api(&self, charges: Vec<Charge>, request_ids: Vec<String>, metadata: Metadata) -> Payment {
        Payment {
            id: self.id.clone(),
            object: "payment".into(),
            status: self.status,
            amount: self.amount,
            amount_captured: self.amount_captured,
            currency: self.currency.clone(),
            capture_method: self.capture_method,
            checkout_session_id: self.checkout_session_id.clone(),
            description: None,
            card: self.card.clone(),
            next_action: self.next_action.clone(),
            last_error: self.last_error.clone(),
            version: self.version,
            cancellation_reason: self.cancellation_reason.clone(),
            charges,
            installments: self.installments.clone(),
            request_ids,
            metadata,
            livemode: self.livemode,
            created_at: self.created_at.div_euclid(1000),
            updated_at: self.updated_at.div_euclid(1000),
            // Filled in by `records::refunds::attach`, which reads the refunds table.
            amount_refunded: 0,
            refund_status: Default::default(),
            refunds: Vec::new(),
        }
    }
}

pub const CHARGE_COLUMNS: &str = "c.id, c.payment_id, c.sequence, c.provider, c.status, c.amount, c.decline_code, \
     c.message, c.latency_ms, c.provider_reference, c.request_id, c.created_at, c.resolved_at, c.version, \
     c.authorization_expires_at, c.written_off_at, c.installments";

#[derive(Debug, Clone, Deserialize)]
pub struct ChargeRow {
    pub id: ChargeId,
    pub payment_id: PaymentId,
    #[serde(deserialize_with = "int")]
    pub sequence: i64,
    pub provider: String,
    #[serde(deserialize_with = "status")]
    pub status: ChargeStatus,
    #[serde(deserialize_with = "int")]
    pub amount: i64,
    pub decline_code: Option<String>,
    pub message: Option<String>,
    #[serde(deserialize_with = "int_opt")]
    pub latency_ms: Option<i64>,
    pub provider_reference: Option<String>,
    pub request_id: Option<String>,
    #[serde(deserialize_with = "int")]
    pub created_at: i64,
    #[serde(deserialize_with = "int_opt")]
    pub resolved_at: Option<i64>,
    #[serde(default = "first_version", deserialize_with = "int")]
    pub version: i64,
    #[serde(default, deserialize_with = "int_opt")]
    pub authorization_expires_at: Option<i64>,
    #[serde(default, deserialize_with = "int_opt")]
    pub written_off_at: Option<i64>,
    #[serde(default, deserialize_with = "json_text_opt")]
    pub installments: Option<PaymentInstallments>,
}

fn first_version() -> i64 {
    1
}

impl ChargeRow {
    pub fn to_api(&self) -> Charge {
        Charge {
            id: self.id.clone(),
            object: "charge".into(),
            sequence: self.sequence as u32,
            provider: self.provider.clone(),
            status: self.status,
            amount: self.amount,
            decline_code: self.decline_code.clone(),
            message: self.message.clone(),
            latency_ms: self.latency_ms,
            request_id: self.request_id.clone(),
            created_at: self.created_at.div_euclid(1000),
            resolved_at: self.resolved_at.map(|t| t.div_euclid(1000)),
            version: self.version,
            provider_reference: self.provider_reference.clone(),
            authorization_expires_at: self.authorization_expires_at.map(|t| t.div_euclid(1000)),
            installments: self.installments.clone(),
        }
    }
}
