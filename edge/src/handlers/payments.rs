//! Merchant payment routes (secret key).

use crate::http::ApiResponse;
use crate::payments;
use crate::platform::Ctx;
use crate::refunds;
use crate::routing::KeyCall;
use hsrc_shared::api::ids::{PaymentId, PrefixedId};
use hsrc_shared::api::{CaptureRequest, PaymentEnvelope};
use hsrc_shared::lifecycle::PaymentStatus;
use hsrc_shared::ApiError;

pub async fn retrieve(ctx: &Ctx<'_>, call: &KeyCall<'_>) -> Result<ApiResponse, ApiError> {
    let id = PaymentId::from_path(call.param("id"))?;
    let payment = refunds::retrieve_payment(ctx, &call.caller().merchant.id, &id).await?;
    Ok(ApiResponse::ok(&PaymentEnvelope { payment }))
}

pub async fn list(ctx: &Ctx<'_>, call: &KeyCall<'_>) -> Result<ApiResponse, ApiError> {
    let paging = super::paging(call.req)?;
    let status = match call.req.query_param("status") {
        None => None,
        Some(s) => Some(
            PaymentStatus::parse(s)
                .ok_or_else(|| ApiError::invalid("status", format!("Unknown payment status '{s}'.")))?,
        ),
    };
    let page = payments::list(ctx, &call.caller().merchant.id, status, &paging).await?;
    Ok(ApiResponse::ok(&page))
}

pub async fn capture(ctx: &Ctx<'_>, call: &KeyCall<'_>) -> Result<ApiResponse, ApiError> {
    let body: CaptureRequest = call.req.json()?;
    let payment =
        payments::capture(ctx, &call.caller().merchant.id, &PaymentId::from_path(call.param("id"))?, body).await?;
    Ok(ApiResponse::ok(&PaymentEnvelope { payment }))
}

pub async fn void(ctx: &Ctx<'_>, call: &KeyCall<'_>) -> Result<ApiResponse, ApiError> {
    let _: serde_json::Map<String, serde_json::Value> = call.req.json()?;
    let payment = payments::void(ctx, &call.caller().merchant.id, &PaymentId::from_path(call.param("id"))?).await?;
    Ok(ApiResponse::ok(&PaymentEnvelope { payment }))
}
