//! Webhook endpoint routes (secret key): manage endpoints, rotate their secret, read their deliveries.

use crate::http::ApiResponse;
use crate::platform::Ctx;
use crate::router::Call;
use crate::services::webhooks::{deliveries, endpoints};
use hsrc_shared::ApiError;

pub async fn create(ctx: &Ctx<'_>, call: &Call<'_>) -> Result<ApiResponse, ApiError> {
    let body: endpoints::CreateEndpoint = call.req.json()?;
    let endpoint = endpoints::create(ctx, &call.caller()?.merchant, body).await?;
    Ok(ApiResponse::ok(&serde_json::json!({ "webhook_endpoint": endpoint })))
}

pub async fn list(ctx: &Ctx<'_>, call: &Call<'_>) -> Result<ApiResponse, ApiError> {
    let (limit, after) = super::paging(call.req)?;
    let page = endpoints::list(ctx, &call.caller()?.merchant.id, limit, after.as_deref()).await?;
    Ok(ApiResponse::ok(&page))
}

pub async fn retrieve(ctx: &Ctx<'_>, call: &Call<'_>) -> Result<ApiResponse, ApiError> {
    let endpoint = endpoints::retrieve(ctx, &call.caller()?.merchant.id, call.param("id")).await?;
    Ok(ApiResponse::ok(&serde_json::json!({ "webhook_endpoint": endpoint })))
}

pub async fn update(ctx: &Ctx<'_>, call: &Call<'_>) -> Result<ApiResponse, ApiError> {
    let body: endpoints::UpdateEndpoint = call.req.json()?;
    let endpoint = endpoints::update(ctx, &call.caller()?.merchant, call.param("id"), body).await?;
    Ok(ApiResponse::ok(&serde_json::json!({ "webhook_endpoint": endpoint })))
}

pub async fn delete(ctx: &Ctx<'_>, call: &Call<'_>) -> Result<ApiResponse, ApiError> {
    let deleted = endpoints::delete(ctx, &call.caller()?.merchant.id, call.param("id")).await?;
    Ok(ApiResponse::ok(&deleted))
}

pub async fn rotate_secret(ctx: &Ctx<'_>, call: &Call<'_>) -> Result<ApiResponse, ApiError> {
    let body: endpoints::RotateSecret = call.req.json()?;
    let endpoint = endpoints::rotate_secret(ctx, &call.caller()?.merchant.id, call.param("id"), body).await?;
    Ok(ApiResponse::ok(&serde_json::json!({ "webhook_endpoint": endpoint })))
}

pub async fn deliveries(ctx: &Ctx<'_>, call: &Call<'_>) -> Result<ApiResponse, ApiError> {
    let (limit, after) = super::paging(call.req)?;
    let status = call.req.query_param("status");
    if let Some(s) = status.filter(|s| !deliveries::STATUSES.contains(s)) {
        let shown: String = s.chars().take(40).collect();
        return Err(ApiError::invalid(
            "status",
            format!("Unknown delivery status '{shown}'. Use one of {}.", deliveries::STATUSES.join(", ")),
        ));
    }
    let page =
        deliveries::for_endpoint(ctx, &call.caller()?.merchant.id, call.param("id"), status, limit, after.as_deref())
            .await?;
    Ok(ApiResponse::ok(&page))
}
