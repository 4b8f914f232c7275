//! Event routes (secret key): the outbox as the merchant reads it, each event's deliveries, and resend.

use crate::http::ApiResponse;
use crate::platform::Ctx;
use crate::router::Call;
use crate::services::events::types;
use crate::services::webhooks::{deliveries, event_log};
use hsrc_shared::ApiError;

pub async fn list(ctx: &Ctx<'_>, call: &Call<'_>) -> Result<ApiResponse, ApiError> {
    let (limit, after) = super::paging(call.req)?;
    let q = |name: &str| call.req.query_param(name).filter(|v| !v.is_empty()).map(str::to_string);
    let filter = event_log::EventFilter {
        kind: q("type"),
        payment_id: q("payment_id"),
        checkout_session_id: q("checkout_session_id"),
    };
    if let Some(kind) = filter.kind.as_deref().filter(|k| !types::ALL.contains(k)) {
        let shown: String = kind.chars().take(60).collect();
        return Err(ApiError::invalid(
            "type",
            format!("Unknown event type '{shown}'. Use one of {}.", types::ALL.join(", ")),
        ));
    }
    let merchant = &call.caller()?.merchant.id;
    // `ending_before` reads forward in time (what `hsrc listen` follows); `starting_after` pages back.
    let page = match (q("ending_before"), after) {
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid("ending_before", "Give either starting_after or ending_before, not both."))
        }
        (Some(before), None) => event_log::list_newer(ctx, merchant, &filter, limit, &before).await?,
        (None, after) => event_log::list(ctx, merchant, &filter, limit, after.as_deref()).await?,
    };
    Ok(ApiResponse::ok(&page))
}

pub async fn retrieve(ctx: &Ctx<'_>, call: &Call<'_>) -> Result<ApiResponse, ApiError> {
    let event = event_log::retrieve(ctx, &call.caller()?.merchant.id, call.param("id")).await?;
    Ok(ApiResponse::ok(&event))
}

pub async fn deliveries(ctx: &Ctx<'_>, call: &Call<'_>) -> Result<ApiResponse, ApiError> {
    let list = deliveries::for_event(ctx, &call.caller()?.merchant.id, call.param("id")).await?;
    Ok(ApiResponse::ok(&list))
}

pub async fn resend(ctx: &Ctx<'_>, call: &Call<'_>) -> Result<ApiResponse, ApiError> {
    let body: deliveries::Resend = call.req.json()?;
    let list = deliveries::resend(ctx, &call.caller()?.merchant.id, call.param("id"), body).await?;
    Ok(ApiResponse::ok(&list))
}
