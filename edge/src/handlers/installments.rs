//! Installments (#16): BIN lookup, the payer's plan list, and the merchant's settings.

use crate::http::ApiResponse;
use crate::payments::installments;
use crate::platform::Ctx;
use crate::routing::{Call, KeyCall};
use hsrc_shared::installments::InstallmentSettings;
use hsrc_shared::{bin, ApiError};

/// `GET /v1/bins/:bin` (publishable or secret key, or a session token, as the bearer; see `router::Access`).
pub async fn bin_lookup(_ctx: &Ctx<'_>, call: &Call<'_>) -> Result<ApiResponse, ApiError> {
    let bin = bin::parse_bin(call.param("bin"), bin::PARAM_BIN)?;
    Ok(ApiResponse::ok(&bin::lookup(bin)))
}

/// `GET /v1/checkout-sessions/token/:token/installments?bin=…`.
pub async fn plans(ctx: &Ctx<'_>, call: &Call<'_>) -> Result<ApiResponse, ApiError> {
    let options = installments::options(ctx, call.param("token"), call.req.query_param("bin")).await?;
    Ok(ApiResponse::ok(&options))
}

fn envelope(settings: &InstallmentSettings) -> ApiResponse {
    ApiResponse::ok(&serde_json::json!({ "installment_settings": settings }))
}

/// `GET /v1/settings/installments`.
pub async fn get_settings(ctx: &Ctx<'_>, call: &KeyCall<'_>) -> Result<ApiResponse, ApiError> {
    let merchant = &call.caller().merchant;
    Ok(envelope(&installments::settings(ctx, &merchant.id).await?))
}

/// `POST /v1/settings/installments`: replaces the settings (omitted fields take their defaults).
pub async fn update_settings(ctx: &Ctx<'_>, call: &KeyCall<'_>) -> Result<ApiResponse, ApiError> {
    let merchant = &call.caller().merchant;
    let settings: InstallmentSettings = call.req.json()?;
    installments::save_settings(ctx, &merchant.id, &settings).await?;
    Ok(envelope(&settings))
}
