//! Payer routes: authorized by the session token (or the 3DS challenge id) in the path, never by a merchant key.

use crate::http::ApiResponse;
use crate::payments::{confirm, payer_view};
use crate::platform::Ctx;
use crate::routing::Call;
use hsrc_shared::api::challenges::{ChallengeEnvelope, ChallengeResult, CompleteChallenge};
use hsrc_shared::api::ids::{ChallengeId, PrefixedId};
use hsrc_shared::api::{ConfirmRequest, PayerDetails, PayerSessionEnvelope};
use hsrc_shared::ApiError;

pub async fn view(ctx: &Ctx<'_>, call: &Call<'_>) -> Result<ApiResponse, ApiError> {
    let (view, _) = payer_view::payer_view(ctx, call.param("token")).await?;
    Ok(ApiResponse::ok(&PayerSessionEnvelope { checkout_session: view }))
}

pub async fn details(ctx: &Ctx<'_>, call: &Call<'_>) -> Result<ApiResponse, ApiError> {
    let body: PayerDetails = call.req.json()?;
    let view = payer_view::update_payer(ctx, call.param("token"), body).await?;
    Ok(ApiResponse::ok(&PayerSessionEnvelope { checkout_session: view }))
}

pub async fn confirm(ctx: &Ctx<'_>, call: &Call<'_>) -> Result<ApiResponse, ApiError> {
    let body: ConfirmRequest = call.req.json()?;
    let result = confirm::confirm(ctx, call.param("token"), body, call.take_ahead()).await?;
    Ok(ApiResponse::ok(&result))
}

pub async fn cancel(ctx: &Ctx<'_>, call: &Call<'_>) -> Result<ApiResponse, ApiError> {
    let view = payer_view::cancel(ctx, call.param("token")).await?;
    Ok(ApiResponse::ok(&PayerSessionEnvelope { checkout_session: view }))
}

pub async fn challenge(ctx: &Ctx<'_>, call: &Call<'_>) -> Result<ApiResponse, ApiError> {
    let challenge = confirm::challenge_view(ctx, &ChallengeId::from_path(call.param("challenge_id"))?).await?;
    Ok(ApiResponse::ok(&ChallengeEnvelope { challenge }))
}

pub async fn complete_challenge(ctx: &Ctx<'_>, call: &Call<'_>) -> Result<ApiResponse, ApiError> {
    let body: CompleteChallenge = call.req.json()?;
    let passed = body.result == ChallengeResult::Pass;
    let challenge =
        confirm::complete_challenge(ctx, &ChallengeId::from_path(call.param("challenge_id"))?, passed).await?;
    Ok(ApiResponse::ok(&ChallengeEnvelope { challenge }))
}
