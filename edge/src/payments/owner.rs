//! Who a payment belongs to (#15): a checkout session, or nobody — an API-only payment created with
//! `POST /v1/payments`. The engine runs one lifecycle for both; the owner only adds its own rows and events: a
//! session moves with its payment and gets its own events, an API-only payment fails by itself once its attempts
//! are used up, and its events carry `checkoutSessionId: null`.

use crate::payments;
use crate::payments::api_payments::{self, ApiPaymentRow};
use crate::platform::{AfterResponse, Ctx};
use crate::records::{ChargeRow, PaymentRow, SessionRow};
use crate::sessions;
use crate::webhooks::events::NewEvent;
use hsrc_shared::api::{CaptureMethod, Metadata};
use hsrc_shared::ApiError;

#[derive(Debug, Clone)]
// Moved a handful of times per request; boxing the session would buy nothing.
#[allow(clippy::large_enum_variant)]
pub enum Owner {
    Session(SessionRow),
    Api(ApiPaymentRow),
}

impl Owner {
    /// The owner of a stored payment.
    pub async fn of(ctx: &Ctx<'_>, payment: &PaymentRow) -> Result<Self, ApiError> {
        match &payment.checkout_session_id {
            Some(id) => Ok(Self::Session(sessions::load(ctx, &payment.merchant_id, id).await?)),
            None => api_payments::load(ctx, &payment.id).await?.map(Self::Api).ok_or_else(ApiError::internal),
        }
    }

    pub fn merchant_id(&self) -> &str {
        match self {
            Self::Session(s) => &s.merchant_id,
            Self::Api(a) => &a.merchant_id,
        }
    }

    pub fn currency(&self) -> &str {
        match self {
            Self::Session(s) => &s.currency,
            Self::Api(a) => &a.currency,
        }
    }

    pub fn secure_mode(&self) -> bool {
        match self {
            Self::Session(s) => s.secure_mode,
            Self::Api(a) => a.secure_mode,
        }
    }

    /// Whether approvals capture at once (`automatic`) or hold (`manual`).
    pub fn captures(&self, payment: &PaymentRow) -> bool {
        let method = match self {
            Self::Session(s) => s.capture_method,
            Self::Api(_) => payment.capture_method,
        };
        method == CaptureMethod::Automatic
    }

    /// What the card-testing defence counts declines under: the session, or the API-only payment itself.
    pub fn attempt_scope<'a>(&'a self, payment: &'a PaymentRow) -> &'a str {
        match self {
            Self::Session(s) => &s.id,
            Self::Api(_) => &payment.id,
        }
    }

    /// Whether a decline leaves the payer another try (the owner's attempt count, already including this one).
    pub fn attempts_remain(&self) -> bool {
        match self {
            Self::Session(s) => s.attempts < s.max_attempts,
            Self::Api(a) => a.attempts < a.max_attempts,
        }
    }

    pub fn metadata(&self) -> &Metadata {
        match self {
            Self::Session(s) => &s.metadata,
            Self::Api(a) => &a.metadata,
        }
    }

    /// What a confirm that lost the claim race hears.
    pub fn busy_message(&self) -> &'static str {
        match self {
            Self::Session(_) => "This checkout session is already being paid.",
            Self::Api(_) => "This payment is already being confirmed.",
        }
    }

    /// An event about this owner's payment.
    pub fn event(&self, kind: hsrc_shared::api::EventType, object: serde_json::Value) -> NewEvent<'_> {
        match self {
            Self::Session(s) => super::event(kind, s, object),
            Self::Api(a) => NewEvent {
                kind,
                merchant_id: &a.merchant_id,
                livemode: a.livemode,
                payment_id: Some(&a.payment_id),
                checkout_session_id: None,
                object,
            },
        }
    }

    /// The job that settles this owner's waiting attempt right after the response.
    pub fn reconcile_job(&self) -> AfterResponse {
        match self {
            Self::Session(s) => {
                AfterResponse::Reconcile { merchant_id: s.merchant_id.clone(), session_id: s.id.clone().into() }
            }
            Self::Api(a) => AfterResponse::ReconcilePayment { payment_id: a.payment_id.clone() },
        }
    }

    /// The merchant's payment object, with `payment` and `charges` standing for what is about to be committed.
    pub async fn payment_object(
        &self,
        ctx: &Ctx<'_>,
        payment: &PaymentRow,
        charges: &[ChargeRow],
    ) -> Result<serde_json::Value, ApiError> {
        let object = match self {
            Self::Session(s) => payments::api_object_with(ctx, payment, s, charges).await?,
            Self::Api(a) => {
                let mut object = payments::api_object_with_metadata(ctx, payment, &a.metadata, charges).await?;
                object.description = a.description.clone();
                object
            }
        };
        Ok(serde_json::to_value(object).unwrap_or_default())
    }

    /// Same, from the request ids read before (`payments::trail`): no read of its own.
    pub fn payment_object_from(
        &self,
        ctx: &Ctx<'_>,
        payment: &PaymentRow,
        charges: &[ChargeRow],
        request_ids: Vec<String>,
    ) -> serde_json::Value {
        let mut object = payments::api_object_from(ctx, payment, self.metadata(), charges, request_ids);
        if let Self::Api(a) = self {
            object.description = a.description.clone();
        }
        serde_json::to_value(object).unwrap_or_default()
    }
}
