//! Webhook endpoint routes (secret key): manage endpoints, rotate their secret, read their deliveries.

use crate::http::ApiResponse;
use crate::platform::Ctx;
use crate::routing::KeyCall;
use crate::webhooks::{deliveries, endpoints};
use hsrc_shared::api::ids::{EndpointId, PrefixedId};
use hsrc_shared::api::webhooks::DeliveryStatus;
use hsrc_shared::ApiError;

pub async fn create(ctx: &Ctx<'_>, call: &KeyCall<'_>) -> Result<ApiResponse, ApiError> {
    let body: endpoints::CreateEndpoint = call.req.json()?;
    let endpoint = endpoints::create(ctx, &call.caller().merchant, body).await?;
    Ok(ApiResponse::ok(&serde_json::json!({ "webhook_endpoint": endpoint })))
}

pub async fn list(ctx: &Ctx<'_>, call: &KeyCall<'_>) -> Result<ApiResponse, ApiError> {
    let paging = super::paging(call.req)?;
    let page = endpoints::list(ctx, &call.caller().merchant.id, &paging).await?;
    Ok(ApiResponse::ok(&page))
}

pub async fn retrieve(ctx: &Ctx<'_>, call: &KeyCall<'_>) -> Result<ApiResponse, ApiError> {
    let endpoint =
        endpoints::retrieve(ctx, &call.caller().merchant.id, &EndpointId::from_path(call.param("id"))?).await?;
    Ok(ApiResponse::ok(&serde_json::json!({ "webhook_endpoint": endpoint })))
}

pub async fn update(ctx: &Ctx<'_>, call: &KeyCall<'_>) -> Result<ApiResponse, ApiError> {
    let body: endpoints::UpdateEndpoint = call.req.json()?;
    let endpoint =
        endpoints::update(ctx, &call.caller().merchant, &EndpointId::from_path(call.param("id"))?, body).await?;
    Ok(ApiResponse::ok(&serde_json::json!({ "webhook_endpoint": endpoint })))
}

pub async fn delete(ctx: &Ctx<'_>, call: &KeyCall<'_>) -> Result<ApiResponse, ApiError> {
    let deleted = endpoints::delete(ctx, &call.caller().merchant.id, &EndpointId::from_path(call.param("id"))?).await?;
    Ok(ApiResponse::ok(&deleted))
}

pub async fn rotate_secret(ctx: &Ctx<'_>, call: &KeyCall<'_>) -> Result<ApiResponse, ApiError> {
    let body: endpoints::RotateSecret = call.req.json()?;
    let endpoint =
        endpoints::rotate_secret(ctx, &call.caller().merchant.id, &EndpointId::from_path(call.param("id"))?, body)
            .await?;
    Ok(ApiResponse::ok(&serde_json::json!({ "webhook_endpoint": endpoint })))
}

pub async fn deliveries(ctx: &Ctx<'_>, call: &KeyCall<'_>) -> Result<ApiResponse, ApiError> {
    let paging = super::paging(call.req)?;
    let status = match call.req.query_param("status") {
        None => None,
        Some(s) => Some(DeliveryStatus::parse(s).ok_or_else(|| {
            let shown: String = s.chars().take(40).collect();
            let message = format!("Unknown delivery status '{shown}'. Use one of {}.", DeliveryStatus::one_of());
            ApiError::invalid("status", message)
        })?),
    };
    let page = deliveries::for_endpoint(
        ctx,
        &call.caller().merchant.id,
        &EndpointId::from_path(call.param("id"))?,
        status,
        &paging,
    )
    .await?;
    Ok(ApiResponse::ok(&page))
}
