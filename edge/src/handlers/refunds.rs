//! Merchant refund routes (secret key). `POST` honours `Idempotency-Key` through the router like every other POST.

use crate::http::ApiResponse;
use crate::platform::Ctx;
use crate::refunds;
use crate::routing::KeyCall;
use hsrc_shared::api::ids::{PrefixedId, RefundId};
use hsrc_shared::api::refunds::{CreateRefundRequest, RefundEnvelope};
use hsrc_shared::ApiError;

pub async fn create(ctx: &Ctx<'_>, call: &KeyCall<'_>) -> Result<ApiResponse, ApiError> {
    let body: CreateRefundRequest = call.req.json()?;
    let refund = refunds::create(ctx, &call.caller().merchant.id, body).await?;
    Ok(ApiResponse::ok(&RefundEnvelope { refund }))
}

pub async fn retrieve(ctx: &Ctx<'_>, call: &KeyCall<'_>) -> Result<ApiResponse, ApiError> {
    let refund = refunds::retrieve(ctx, &call.caller().merchant.id, &RefundId::from_path(call.param("id"))?).await?;
    Ok(ApiResponse::ok(&RefundEnvelope { refund }))
}

pub async fn list(ctx: &Ctx<'_>, call: &KeyCall<'_>) -> Result<ApiResponse, ApiError> {
    let paging = super::paging(call.req)?;
    let payment_id = call.req.query_param("payment_id").ok_or_else(|| ApiError::missing("payment_id"))?;
    let page = refunds::list(ctx, &call.caller().merchant.id, payment_id, &paging).await?;
    Ok(ApiResponse::ok(&page))
}

pub async fn cancel(ctx: &Ctx<'_>, call: &KeyCall<'_>) -> Result<ApiResponse, ApiError> {
    let _: serde_json::Map<String, serde_json::Value> = call.req.json()?;
    let refund = refunds::cancel(ctx, &call.caller().merchant.id, &RefundId::from_path(call.param("id"))?).await?;
    Ok(ApiResponse::ok(&RefundEnvelope { refund }))
}
