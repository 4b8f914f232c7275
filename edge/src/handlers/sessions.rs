//! Merchant session routes (secret key).

use crate::http::ApiResponse;
use crate::platform::Ctx;
use crate::routing::KeyCall;
use crate::sessions::{self, CancelledBy};
use hsrc_shared::api::ids::{PrefixedId, SessionId};
use hsrc_shared::api::{CreateSessionRequest, SessionEnvelope};
use hsrc_shared::lifecycle::SessionStatus;
use hsrc_shared::ApiError;

pub async fn create(ctx: &Ctx<'_>, call: &KeyCall<'_>) -> Result<ApiResponse, ApiError> {
    let body: CreateSessionRequest = call.req.json()?;
    let session = sessions::create(ctx, &call.caller().merchant, body).await?;
    Ok(ApiResponse::ok(&SessionEnvelope { checkout_session: session }))
}

pub async fn retrieve(ctx: &Ctx<'_>, call: &KeyCall<'_>) -> Result<ApiResponse, ApiError> {
    let session = sessions::retrieve(ctx, &call.caller().merchant.id, &SessionId::from_path(call.param("id"))?).await?;
    Ok(ApiResponse::ok(&SessionEnvelope { checkout_session: session }))
}

pub async fn list(ctx: &Ctx<'_>, call: &KeyCall<'_>) -> Result<ApiResponse, ApiError> {
    let paging = super::paging(call.req)?;
    let status = match call.req.query_param("status") {
        None => None,
        Some(s) => Some(SessionStatus::parse(s).ok_or_else(|| {
            ApiError::invalid("status", format!("Unknown status '{s}'. Use one of {}.", SessionStatus::one_of()))
        })?),
    };
    let page = sessions::list(ctx, &call.caller().merchant.id, status, &paging).await?;
    Ok(ApiResponse::ok(&page))
}

pub async fn cancel(ctx: &Ctx<'_>, call: &KeyCall<'_>) -> Result<ApiResponse, ApiError> {
    let merchant_id = &call.caller().merchant.id;
    let session = sessions::load(ctx, merchant_id, &SessionId::from_path(call.param("id"))?).await?;
    let session = sessions::cancel(ctx, session, CancelledBy::Merchant).await?;
    Ok(ApiResponse::ok(&SessionEnvelope { checkout_session: session.to_api(None) }))
}
