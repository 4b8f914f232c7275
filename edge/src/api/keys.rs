//! Merchant key routes (secret key).

use crate::http::ApiResponse;
use crate::platform::Ctx;
use crate::router::Call;
use crate::services::keys::{self, RollRequest};
use hsrc_shared::ApiError;

/// `POST /v1/api-keys/roll`: a new secret key for the caller's merchant; the calling key retires.
pub async fn roll(ctx: &Ctx<'_>, call: &Call<'_>) -> Result<ApiResponse, ApiError> {
    let body: RollRequest = call.req.json()?;
    let presented = crate::auth::bearer(call.req.header("authorization")).ok_or_else(ApiError::internal)?;
    let key = keys::roll(ctx, call.caller()?, presented, body).await?;
    Ok(ApiResponse::ok(&serde_json::json!({ "api_key": key })))
}
