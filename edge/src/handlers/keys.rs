//! Merchant key routes (secret key).

use crate::accounts::keys::{self, RollRequest};
use crate::http::ApiResponse;
use crate::platform::Ctx;
use crate::routing::KeyCall;
use hsrc_shared::ApiError;

/// `POST /v1/api-keys/roll`: a new secret key for the caller's merchant; the calling key retires.
pub async fn roll(ctx: &Ctx<'_>, call: &KeyCall<'_>) -> Result<ApiResponse, ApiError> {
    let body: RollRequest = call.req.json()?;
    let presented = crate::accounts::auth::bearer(call.req.header("authorization")).ok_or_else(ApiError::internal)?;
    let key = keys::roll(ctx, call.caller(), presented, body).await?;
    Ok(ApiResponse::ok(&serde_json::json!({ "api_key": key })))
}

/// `GET /v1/api-keys`.
pub async fn list(ctx: &Ctx<'_>, call: &KeyCall<'_>) -> Result<ApiResponse, ApiError> {
    let keys = keys::list(ctx, call.caller()).await?;
    Ok(ApiResponse::ok(&hsrc_shared::api::List::new(keys, false, None)))
}

/// `POST /v1/api-keys/{id}/revoke`.
pub async fn revoke(ctx: &Ctx<'_>, call: &KeyCall<'_>) -> Result<ApiResponse, ApiError> {
    let _: RevokeRequest = call.req.json()?;
    let key = keys::revoke(ctx, call.caller(), call.param("id")).await?;
    Ok(ApiResponse::ok(&serde_json::json!({ "api_key": key })))
}

/// `POST /v1/api-keys/{id}/revoke` takes no parameters.
#[derive(Debug, Default, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeRequest {}
