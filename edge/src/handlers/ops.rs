//! Operations console routes (secret key): search payments (with their sessions, or API-only), and read one
//! session's or payment's whole story.
//! Actions (cancel, capture, void, resend, re-enable) go through the merchant's own routes.

use crate::http::ApiResponse;
use crate::ops::{self, SearchParams};
use crate::platform::Ctx;
use crate::routing::KeyCall;
use hsrc_shared::api::ids::{PaymentId, PrefixedId, SessionId};
use hsrc_shared::api::ops::{OpsPaymentEnvelope, OpsSessionEnvelope};
use hsrc_shared::ApiError;

/// `GET /v1/ops/search?q=&status=&payment_status=&from=&to=&limit=&starting_after=`.
pub async fn search(ctx: &Ctx<'_>, call: &KeyCall<'_>) -> Result<ApiResponse, ApiError> {
    let paging = super::paging(call.req)?;
    let params = SearchParams::from_query(|name| call.req.query_param(name), paging)?;
    let result = ops::search(ctx, &call.caller().merchant.id, &params).await?;
    Ok(ApiResponse::ok(&result))
}

/// `GET /v1/ops/sessions/:id`.
pub async fn session(ctx: &Ctx<'_>, call: &KeyCall<'_>) -> Result<ApiResponse, ApiError> {
    let detail = ops::session_detail(ctx, &call.caller().merchant.id, &SessionId::from_path(call.param("id"))?).await?;
    Ok(ApiResponse::ok(&OpsSessionEnvelope { ops_session: detail }))
}

/// `GET /v1/ops/payments/:id`: any payment, API-only ones (no session) included.
pub async fn payment(ctx: &Ctx<'_>, call: &KeyCall<'_>) -> Result<ApiResponse, ApiError> {
    let detail = ops::payment_detail(ctx, &call.caller().merchant.id, &PaymentId::from_path(call.param("id"))?).await?;
    Ok(ApiResponse::ok(&OpsPaymentEnvelope { ops_payment: detail }))
}
