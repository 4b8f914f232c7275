//! Event routes (secret key): the outbox as the merchant reads it, each event's deliveries, and resend.

use crate::http::ApiResponse;
use crate::platform::Ctx;
use crate::routing::KeyCall;
use crate::webhooks::{deliveries, event_log};
use hsrc_shared::api::ids::{EventId, PrefixedId};
use hsrc_shared::api::EventType;
use hsrc_shared::ApiError;

pub async fn list(ctx: &Ctx<'_>, call: &KeyCall<'_>) -> Result<ApiResponse, ApiError> {
    let paging = super::paging(call.req)?;
    let q = |name: &str| call.req.query_param(name).filter(|v| !v.is_empty()).map(str::to_string);
    let kind = match q("type") {
        None => None,
        Some(t) => Some(EventType::parse(&t).ok_or_else(|| {
            let shown: String = t.chars().take(60).collect();
            ApiError::invalid("type", format!("Unknown event type '{shown}'. Use one of {}.", EventType::one_of()))
        })?),
    };
    let filter =
        event_log::EventFilter { kind, payment_id: q("payment_id"), checkout_session_id: q("checkout_session_id") };
    let merchant = &call.caller().merchant.id;
    // `ending_before` reads forward in time (what `hsrc listen` follows); `starting_after` pages back.
    let page = match (q("ending_before"), &paging.starting_after) {
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid("ending_before", "Give either starting_after or ending_before, not both."))
        }
        (Some(before), None) => event_log::list_newer(ctx, merchant, &filter, paging.limit, &before).await?,
        (None, _) => event_log::list(ctx, merchant, &filter, &paging).await?,
    };
    Ok(ApiResponse::ok(&page))
}

pub async fn retrieve(ctx: &Ctx<'_>, call: &KeyCall<'_>) -> Result<ApiResponse, ApiError> {
    let event = event_log::retrieve(ctx, &call.caller().merchant.id, &EventId::from_path(call.param("id"))?).await?;
    Ok(ApiResponse::ok(&event))
}

pub async fn deliveries(ctx: &Ctx<'_>, call: &KeyCall<'_>) -> Result<ApiResponse, ApiError> {
    let list = deliveries::for_event(ctx, &call.caller().merchant.id, &EventId::from_path(call.param("id"))?).await?;
    Ok(ApiResponse::ok(&list))
}

pub async fn resend(ctx: &Ctx<'_>, call: &KeyCall<'_>) -> Result<ApiResponse, ApiError> {
    let body: deliveries::Resend = call.req.json()?;
    let list =
        deliveries::resend(ctx, &call.caller().merchant.id, &EventId::from_path(call.param("id"))?, body).await?;
    Ok(ApiResponse::ok(&list))
}
