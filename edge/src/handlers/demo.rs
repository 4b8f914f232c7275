//! The demo shop's server side: what a merchant's backend does, run by us for the sandbox demo page. It acts as
//! the seeded sandbox merchant, so the browser never holds a secret key.

use crate::accounts::auth;
use crate::http::ApiResponse;
use crate::platform::Ctx;
use crate::routing::Call;
use crate::sessions;
use hsrc_shared::api::ids::{PaymentId, PrefixedId};
use hsrc_shared::api::{CaptureMethod, CreateSessionRequest, SessionEnvelope};
use hsrc_shared::ApiError;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoOrder {
    #[serde(default = "default_amount")]
    amount: i64,
    #[serde(default = "default_currency")]
    currency: String,
    #[serde(default)]
    flow: Flow,
    #[serde(default)]
    secure_mode: bool,
    #[serde(default)]
    capture_method: CaptureMethod,
    #[serde(default)]
    expires_in: Option<i64>,
}

#[derive(Deserialize, Default, PartialEq)]
#[serde(rename_all = "snake_case")]
enum Flow {
    #[default]
    Embedded,
    Hosted,
}

fn default_amount() -> i64 {
    12500
}

fn default_currency() -> String {
    "TRY".into()
}

async fn demo_merchant(ctx: &Ctx<'_>) -> Result<auth::Merchant, ApiError> {
    auth::merchant_by_id(ctx, &ctx.config.demo_merchant_id)
        .await?
        .filter(|m| !m.livemode)
        .ok_or_else(|| ApiError::not_found("demo merchant", &ctx.config.demo_merchant_id))
}

pub async fn create_session(ctx: &Ctx<'_>, call: &Call<'_>) -> Result<ApiResponse, ApiError> {
    let order: DemoOrder = call.req.json()?;
    let merchant = demo_merchant(ctx).await?;
    let origin = &ctx.config.public_origin;
    let req = CreateSessionRequest {
        amount: order.amount,
        currency: order.currency,
        url: Some(if order.flow == Flow::Hosted {
            format!("{origin}/checkout/hosted")
        } else {
            format!("{origin}/demo")
        }),
        return_url: Some(format!("{origin}/demo?returned=1")),
        cancel_url: Some(format!("{origin}/demo?cancelled=1")),
        expires_in: order.expires_in,
        secure_mode: Some(order.secure_mode),
        capture_method: Some(order.capture_method),
        metadata: [("order_id".to_string(), format!("demo_{}", ctx.now_ms()))].into_iter().collect(),
        ..Default::default()
    };
    let session = sessions::create(ctx, &merchant, req).await?;
    Ok(ApiResponse::ok(&SessionEnvelope { checkout_session: session }))
}

pub async fn payment(ctx: &Ctx<'_>, call: &Call<'_>) -> Result<ApiResponse, ApiError> {
    let merchant = demo_merchant(ctx).await?;
    let payment = crate::refunds::retrieve_payment(ctx, &merchant.id, &PaymentId::from_path(call.param("id"))?).await?;
    Ok(ApiResponse::ok(&hsrc_shared::api::PaymentEnvelope { payment }))
}
