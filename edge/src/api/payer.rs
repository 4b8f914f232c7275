//! Payer routes: authorized by the session token (or the 3DS challenge id) in the path, never by a merchant key.

use crate::http::ApiResponse;
use crate::platform::Ctx;
use crate::router::Call;
use crate::services::{confirm, sessions};
use hsrc_shared::api::{ConfirmRequest, PayerDetails, PayerSessionEnvelope};
use hsrc_shared::ApiError;
use serde::Deserialize;

pub async fn view(ctx: &Ctx<'_>, call: &Call<'_>) -> Result<ApiResponse, ApiError> {
    let (view, _) = sessions::payer_view(ctx, call.param("token")).await?;
    Ok(ApiResponse::ok(&PayerSessionEnvelope { checkout_session: view }))
}

pub async fn details(ctx: &Ctx<'_>, call: &Call<'_>) -> Result<ApiResponse, ApiError> {
    let body: PayerDetails = call.req.json()?;
    let view = sessions::update_payer(ctx, call.param("token"), body).await?;
    Ok(ApiResponse::ok(&PayerSessionEnvelope { checkout_session: view }))
}

pub async fn confirm(ctx: &Ctx<'_>, call: &Call<'_>) -> Result<ApiResponse, ApiError> {
    let body: ConfirmRequest = call.req.json()?;
    let result = confirm::confirm(ctx, call.param("token"), body).await?;
    Ok(ApiResponse::ok(&result))
}

pub async fn cancel(ctx: &Ctx<'_>, call: &Call<'_>) -> Result<ApiResponse, ApiError> {
    let token = call.param("token");
    let session = sessions::open_session_for_payer(ctx, token).await?;
    sessions::cancel(ctx, session, sessions::CancelledBy::Payer).await?;
    let (view, _) = sessions::payer_view(ctx, token).await?;
    Ok(ApiResponse::ok(&PayerSessionEnvelope { checkout_session: view }))
}

pub async fn challenge(ctx: &Ctx<'_>, call: &Call<'_>) -> Result<ApiResponse, ApiError> {
    let view = confirm::challenge_view(ctx, call.param("challenge_id")).await?;
    Ok(ApiResponse::ok(&serde_json::json!({ "challenge": view })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CompleteBody {
    result: ChallengeResult,
}

#[derive(Deserialize, PartialEq)]
#[serde(rename_all = "snake_case")]
enum ChallengeResult {
    Pass,
    Fail,
}

pub async fn complete_challenge(ctx: &Ctx<'_>, call: &Call<'_>) -> Result<ApiResponse, ApiError> {
    let body: CompleteBody = call.req.json()?;
    let view =
        confirm::complete_challenge(ctx, call.param("challenge_id"), body.result == ChallengeResult::Pass).await?;
    Ok(ApiResponse::ok(&serde_json::json!({ "challenge": view })))
}
