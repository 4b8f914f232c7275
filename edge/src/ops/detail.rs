//! A payment's detail, seen from its checkout session or, for an API-only payment (#15), from its API row: its whole
//! story in one read — the payment and every charge, the timeline of transitions,
//! 3DS steps, events with their webhook deliveries and attempts, refunds, the verdict and the actions allowed.

use super::mask::{hide_query, mask_payer};
use super::verdict::{notified_verdict, paid_verdict};
use crate::payments::api_payments::{self, ApiPaymentRow};
use crate::payments::{self, confirm};
use crate::platform::{query_as, Ctx};
use crate::records::{enum_text, ChargeRow, PaymentRow, SessionRow};
use crate::sessions;
use crate::stmt;
use crate::store::{self, int, int_opt};
use hsrc_shared::api::ops::{
    OpsActions, OpsApiPayment, OpsAttempt, OpsChallenge, OpsCharge, OpsDelivery, OpsEndpoint, OpsEvent, OpsPayment,
    OpsPaymentDetail, OpsSession, OpsSessionDetail, TimelineEntry, Verdict,
};
use hsrc_shared::lifecycle::{PaymentEvent, PaymentStatus, SessionEvent, SessionStatus};
use hsrc_shared::ApiError;
use serde::Deserialize;

#[derive(Deserialize)]
struct TransitionRow {
    entity: String,
    entity_id: String,
    from_status: Option<String>,
    to_status: String,
    request_id: Option<String>,
    #[serde(deserialize_with = "int")]
    created_at: i64,
}

#[derive(Deserialize)]
struct ChallengeRow {
    id: String,
    charge_id: String,
    status: String,
    #[serde(deserialize_with = "int")]
    created_at: i64,
    #[serde(deserialize_with = "int")]
    expires_at: i64,
    #[serde(deserialize_with = "int_opt", default)]
    resolved_at: Option<i64>,
}

#[derive(Deserialize)]
struct EventLine {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    request_id: Option<String>,
    #[serde(deserialize_with = "int")]
    created_at: i64,
    cancelled_by: Option<String>,
}

#[derive(Deserialize)]
struct EndpointLine {
    id: String,
    url: String,
    status: String,
    disabled_reason: Option<String>,
    #[serde(deserialize_with = "int")]
    consecutive_failures: i64,
}

fn json_ids<S: AsRef<str>>(ids: &[S]) -> String {
    store::to_json_text(&ids.iter().map(AsRef::as_ref).collect::<Vec<&str>>())
}

/// Place of each charge in the fallback order of its confirm: charges of one confirm share its request id.
fn route_positions(charges: &[ChargeRow]) -> Vec<u32> {
    charges
        .iter()
        .enumerate()
        .map(|(i, c)| {
            1 + charges[..i]
                .iter()
                .filter(|earlier| earlier.request_id.is_some() && earlier.request_id == c.request_id)
                .count() as u32
        })
        .collect()
}

fn ops_payment(payment: &PaymentRow, charges: &[ChargeRow]) -> OpsPayment {
    let positions = route_positions(charges);
    OpsPayment {
        id: payment.id.clone().into(),
        status: payment.status,
        amount: payment.amount,
        amount_captured: payment.amount_captured,
        currency: payment.currency.clone(),
        capture_method: payment.capture_method,
        card_brand: payment.card.as_ref().map(|c| c.brand.clone()),
        card_last4: payment.card.as_ref().map(|c| c.last4.clone()),
        card_exp: payment.card.as_ref().map(|c| format!("{:02}/{}", c.exp_month, c.exp_year % 100)),
        last_error_code: payment.last_error.as_ref().map(|e| e.code.clone()),
        last_decline_code: payment.last_error.as_ref().and_then(|e| e.decline_code.clone()),
        last_error_message: payment.last_error.as_ref().map(|e| e.message.clone()),
        created_at_ms: payment.created_at,
        updated_at_ms: payment.updated_at,
        charges: charges
            .iter()
            .zip(positions)
            .map(|(c, route_position)| OpsCharge {
                id: c.id.clone().into(),
                sequence: c.sequence as u32,
                route_position,
                provider: c.provider.clone(),
                status: c.status,
                amount: c.amount,
                decline_code: c.decline_code.clone(),
                message: c.message.clone(),
                latency_ms: c.latency_ms,
                request_id: c.request_id.clone(),
                created_at_ms: c.created_at,
                resolved_at_ms: c.resolved_at,
            })
            .collect(),
        // Filled in by the refunds view (services::refunds::ops_view).
        amount_refunded: 0,
        refund_status: Default::default(),
        refunds: Vec::new(),
        installments: payment.installments.clone(),
    }
}

fn ops_api_payment(a: &ApiPaymentRow) -> OpsApiPayment {
    OpsApiPayment {
        description: a.description.clone(),
        metadata: a.metadata.clone(),
        customer_reference: a.customer_reference.clone(),
        customer: mask_payer(None, a.customer.as_ref()),
        return_url: a.return_url.clone(),
        secure_mode: a.secure_mode,
        attempts: a.attempts.max(0) as u32,
        max_attempts: a.max_attempts.max(0) as u32,
        client_secret_expires_at_ms: a.client_secret_expires_at,
        livemode: a.livemode,
    }
}

fn ops_session(s: &SessionRow) -> OpsSession {
    OpsSession {
        id: s.id.clone().into(),
        status: s.status,
        amount: s.amount,
        currency: s.currency.clone(),
        url: s.url.clone(),
        return_url: s.return_url.clone(),
        cancel_url: s.cancel_url.clone(),
        metadata: s.metadata.clone(),
        secure_mode: s.secure_mode,
        capture_method: s.capture_method,
        locale: enum_text(&s.locale),
        attempts: s.attempts.max(0) as u32,
        max_attempts: s.max_attempts.max(0) as u32,
        livemode: s.livemode,
        expires_at_ms: s.expires_at,
        created_at_ms: s.created_at,
        updated_at_ms: s.updated_at,
        payer: mask_payer(s.payer.as_ref(), s.customer.as_ref()),
    }
}

/// Whose payment it is: a checkout session's, or an API-only payment's (#15). What differs in the story: which
/// entities the timeline covers, how events are found, the verdict's "awaiting payer" and the redirect.
enum Owner<'a> {
    Session(&'a SessionRow),
    Api,
}

/// `GET /v1/ops/sessions/:id`. Like every merchant read, it first settles what is due (expiry, a timed-out provider
/// answer, an abandoned challenge), so the console never shows a state the API would not.
pub async fn session_detail(ctx: &Ctx<'_>, merchant_id: &str, id: &str) -> Result<OpsSessionDetail, ApiError> {
    let session = sessions::load(ctx, merchant_id, id).await?;
    let session = sessions::expire_if_due(ctx, session).await?;
    let session = confirm::reconcile_if_waiting(ctx, session).await?;
    let payment = payments::load_row(ctx, &session.payment_id).await?;
    let story = story(ctx, merchant_id, &payment, Owner::Session(&session)).await?;
    Ok(story.into_session_detail(ops_session(&session)))
}

/// `GET /v1/ops/payments/:id`: any payment of the merchant. A session's payment is told from its session (the same
/// picture as the session detail); an API-only payment from its API row. Settles what is due first, like the API.
pub async fn payment_detail(ctx: &Ctx<'_>, merchant_id: &str, id: &str) -> Result<OpsPaymentDetail, ApiError> {
    let payment = payments::load_for_merchant(ctx, merchant_id, id).await?;
    if let Some(session_id) = &payment.checkout_session_id {
        let mut detail = OpsPaymentDetail::from(session_detail(ctx, merchant_id, session_id).await?);
        detail.object = "ops_payment".into();
        return Ok(detail);
    }
    let payment = confirm::reconcile_payment_if_waiting(ctx, payment).await?;
    let api = api_payments::load(ctx, &payment.id).await?.ok_or_else(|| ApiError::not_found("payment", id))?;
    let story = story(ctx, merchant_id, &payment, Owner::Api).await?;
    Ok(OpsPaymentDetail { api: Some(ops_api_payment(&api)), ..story })
}

/// One payment's whole story, told the same whoever owns it: `session` and `api` are left for the caller.
async fn story(
    ctx: &Ctx<'_>,
    merchant_id: &str,
    payment: &PaymentRow,
    owner: Owner<'_>,
) -> Result<OpsPaymentDetail, ApiError> {
    let refunds = crate::refunds::ops_view::load(ctx, &payment.id).await?;
    let charges = payments::charges(ctx, &payment.id).await?;

    let mut entity_ids = match owner {
        Owner::Session(session) => vec![session.id.to_string()],
        Owner::Api => vec![],
    };
    entity_ids.push(payment.id.to_string());
    entity_ids.extend(charges.iter().map(|c| c.id.to_string()));
    let transitions: Vec<TransitionRow> = query_as(
        ctx.db,
        stmt!(
            "SELECT entity, entity_id, from_status, to_status, request_id, created_at FROM transitions \
             WHERE entity_id IN (SELECT value FROM json_each(?1)) ORDER BY id",
            json_ids(&entity_ids)
        ),
    )
    .await
    .map_err(store::internal)?;
    let challenges: Vec<ChallengeRow> = query_as(
        ctx.db,
        stmt!("SELECT id, charge_id, status, created_at, expires_at, resolved_at FROM challenges WHERE payment_id = ?1 ORDER BY created_at, id", payment.id.as_str()),
    )
    .await
    .map_err(store::internal)?;
    // A session's events include its own (expired, cancelled) besides the payment's; an API-only payment's events
    // all name the payment (with `checkoutSessionId: null`).
    let (event_filter, event_owner) = match owner {
        Owner::Session(session) => ("checkout_session_id = ?1", session.id.as_str()),
        Owner::Api => ("payment_id = ?1", payment.id.as_str()),
    };
    let events: Vec<EventLine> = query_as(
        ctx.db,
        stmt!(
            format!(
                "SELECT id, type, request_id, created_at, \
                   CASE WHEN type = 'checkout_session.cancelled' THEN json_extract(data, '$.object.cancelled_by') END AS cancelled_by \
                 FROM events WHERE {event_filter} AND merchant_id = ?2 ORDER BY created_at, rowid"
            ),
            event_owner,
            merchant_id
        ),
    )
    .await
    .map_err(store::internal)?;
    let event_ids: Vec<&str> = events.iter().map(|e| e.id.as_str()).collect();
    let deliveries = crate::webhooks::deliveries::records_for_events(ctx, merchant_id, &event_ids).await?;
    let mut endpoint_ids: Vec<&str> = deliveries.iter().map(|d| d.row.endpoint_id.as_str()).collect();
    endpoint_ids.sort_unstable();
    endpoint_ids.dedup();
    let endpoint_rows: Vec<EndpointLine> = if endpoint_ids.is_empty() {
        Vec::new()
    } else {
        query_as(
            ctx.db,
            stmt!(
                "SELECT id, url, status, disabled_reason, consecutive_failures FROM webhook_endpoints \
                 WHERE id IN (SELECT value FROM json_each(?1)) AND merchant_id = ?2",
                json_ids(&endpoint_ids),
                merchant_id
            ),
        )
        .await
        .map_err(store::internal)?
    };

    let cancelled_by = events.iter().rev().find_map(|e| e.cancelled_by.clone());
    let ops_events: Vec<OpsEvent> = events
        .into_iter()
        .map(|e| OpsEvent {
            deliveries: deliveries
                .iter()
                .filter(|d| d.row.event_id == e.id)
                .map(|d| OpsDelivery {
                    id: d.row.id.clone().into(),
                    endpoint_id: d.row.endpoint_id.clone().into(),
                    status: d.row.status.to_string(),
                    attempt_count: d.row.attempts,
                    next_attempt_at_ms: d.row.next_attempt_at.filter(|_| d.row.status == "pending"),
                    last_status_code: d.row.last_status_code,
                    last_error: d.row.last_error.clone(),
                    succeeded_at_ms: d.row.succeeded_at,
                    created_at_ms: d.row.created_at,
                    attempts: d
                        .attempts
                        .iter()
                        .map(|a| OpsAttempt {
                            attempt: a.attempt,
                            started_at_ms: a.started_at,
                            latency_ms: a.latency_ms,
                            status_code: a.status_code,
                            outcome: a.outcome.to_string(),
                            error: a.error.clone(),
                            request_id: a.request_id.clone(),
                        })
                        .collect(),
                })
                .collect(),
            id: e.id,
            kind: e.kind,
            request_id: e.request_id,
            created_at_ms: e.created_at,
        })
        .collect();
    let endpoints = endpoint_ids
        .iter()
        .map(|id| match endpoint_rows.iter().find(|w| w.id == *id) {
            Some(w) => OpsEndpoint {
                id: w.id.clone(),
                url: hide_query(&w.url),
                status: w.status.clone(),
                disabled_reason: w.disabled_reason.clone(),
                consecutive_failures: w.consecutive_failures,
            },
            None => OpsEndpoint {
                id: (*id).to_string(),
                url: String::new(),
                status: "deleted".into(),
                disabled_reason: None,
                consecutive_failures: 0,
            },
        })
        .collect();

    let (notified, latest_event_types, latest_event_at_ms, delivered_at_ms) = notified_verdict(&ops_events);
    let session_status = match owner {
        Owner::Session(session) => Some(session.status),
        Owner::Api => None,
    };
    let redirect = match owner {
        Owner::Session(session) => match session.status {
            SessionStatus::Completed => session.return_url.clone(),
            SessionStatus::Cancelled => session.cancel_url.clone(),
            SessionStatus::Pending | SessionStatus::Processing | SessionStatus::Expired | SessionStatus::Failed => None,
        },
        // The merchant's own page decides where the payer goes.
        Owner::Api => None,
    };
    let verdict = Verdict {
        paid: paid_verdict(session_status, payment.status),
        notified,
        latest_event_types,
        latest_event_at_ms,
        delivered_at_ms,
        redirect,
        cancelled_by: cancelled_by.filter(|_| session_status == Some(SessionStatus::Cancelled)),
        amount_refunded: refunds.refunded,
        amount_refund_pending: refunds.pending,
        refund_status: refunds.status(payment.amount_captured),
    };
    let actions = OpsActions {
        cancel_session: session_status.is_some_and(|s| s.next(SessionEvent::Cancel).is_ok())
            && payment.status.next(PaymentEvent::Cancel).is_ok(),
        // What `POST /v1/payments/:id/cancel` cancels (an authorized one is voided by the void action).
        cancel_payment: session_status.is_none()
            && matches!(payment.status, PaymentStatus::Created | PaymentStatus::RequiresPaymentMethod),
        capture_payment: payment.status.next(PaymentEvent::Capture).is_ok(),
        void_payment: payment.status == PaymentStatus::Authorized,
        refund_payment: refunds.refundable(payment) > 0,
        refundable_amount: refunds.refundable(payment),
    };
    let mut timeline: Vec<TimelineEntry> = transitions
        .into_iter()
        .map(|t| TimelineEntry {
            entity: t.entity,
            entity_id: t.entity_id,
            from_status: t.from_status,
            to_status: t.to_status,
            request_id: t.request_id,
            at_ms: t.created_at,
        })
        .collect();
    timeline.extend(refunds.timeline());
    // Refund entries come from their own tables: merge them in by time (stable, so same-time entries keep order).
    timeline.sort_by_key(|t| t.at_ms);
    let mut ops_payment_view = ops_payment(payment, &charges);
    refunds.fill(&mut ops_payment_view);
    Ok(OpsPaymentDetail {
        object: "ops_payment".into(),
        session: None,
        api: None,
        payment: ops_payment_view,
        verdict,
        actions,
        timeline,
        challenges: challenges
            .into_iter()
            .map(|c| OpsChallenge {
                id: c.id,
                charge_id: c.charge_id,
                status: c.status,
                created_at_ms: c.created_at,
                expires_at_ms: c.expires_at,
                resolved_at_ms: c.resolved_at,
            })
            .collect(),
        events: ops_events,
        endpoints,
    })
}
