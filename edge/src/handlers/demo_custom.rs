//! The custom demo shop's server side (#15): what a merchant's backend does for an API-only payment — create it
//! with the secret key, hand the client secret to its page, confirm it with the `pm_…` the card element made. Run by
//! us as the seeded sandbox merchant, so the browser never holds a secret key.

use crate::accounts::auth::{self, Caller, KeyKind};
use crate::http::ApiResponse;
use crate::payments::{api_confirm, api_payments};
use crate::platform::Ctx;
use crate::routing::Call;
use hsrc_shared::api::ids::{PaymentId, PaymentMethodId, PrefixedId};
use hsrc_shared::api::CaptureMethod;
use hsrc_shared::api::{ConfirmPaymentRequest, CreatePaymentRequest, PaymentMethodRef};
use hsrc_shared::ApiError;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoOrder {
    #[serde(default)]
    secure_mode: bool,
    #[serde(default)]
    capture_method: CaptureMethod,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoConfirm {
    payment_method: PaymentMethodId,
}

async fn demo_caller(ctx: &Ctx<'_>) -> Result<Caller, ApiError> {
    let merchant = auth::merchant_by_id(ctx, &ctx.config.demo_merchant_id)
        .await?
        .filter(|m| !m.livemode)
        .ok_or_else(|| ApiError::not_found("demo merchant", &ctx.config.demo_merchant_id))?;
    // The demo shop acts as its merchant server; no API key made this call.
    Ok(Caller { merchant, key_kind: KeyKind::Secret, key_id: String::new() })
}

pub async fn create_payment(ctx: &Ctx<'_>, call: &Call<'_>) -> Result<ApiResponse, ApiError> {
    let order: DemoOrder = call.req.json()?;
    let caller = demo_caller(ctx).await?;
    let req = CreatePaymentRequest {
        amount: 12500,
        currency: "TRY".into(),
        capture_method: Some(order.capture_method),
        secure_mode: Some(order.secure_mode),
        return_url: Some(format!("{}/demo/custom?returned=1", ctx.config.public_origin)),
        description: Some("İznik Ceramic Mug".into()),
        metadata: [("order_id".to_string(), format!("demo_{}", ctx.now_ms()))].into_iter().collect(),
        ..Default::default()
    };
    let created = api_payments::create(ctx, &caller.merchant, req).await?;
    Ok(ApiResponse::ok(&created))
}

pub async fn confirm_payment(ctx: &Ctx<'_>, call: &Call<'_>) -> Result<ApiResponse, ApiError> {
    let body: DemoConfirm = call.req.json()?;
    let caller = demo_caller(ctx).await?;
    let req = ConfirmPaymentRequest { payment_method: PaymentMethodRef::Id(body.payment_method), client_secret: None };
    let result = api_confirm::confirm(ctx, &caller, &PaymentId::from_path(call.param("id"))?, req).await?;
    Ok(ApiResponse::ok(&result))
}
