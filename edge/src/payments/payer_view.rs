//! The payer's view of a checkout session through its token (static parts cached at the edge), and the payer
//! actions that answer with it. It lives in payments, not sessions, because reading it settles a waiting payment
//! first (`confirm::reconcile_if_waiting`) and payments build on sessions.

use crate::payments::{self, confirm};
use crate::platform::Ctx;
use crate::records::SessionRow;
use crate::sessions::{self, payer_guard, CancelledBy};
use crate::store::{to_json_text, token_hash};
use hsrc_shared::api::{PayerDetails, PayerSessionView};
use hsrc_shared::ApiError;

/// What never changes for a session: safe to serve from the eventually consistent edge cache.
#[derive(serde::Serialize, serde::Deserialize)]
struct StaticView {
    id: String,
    merchant_id: String,
    merchant_name: String,
    allowed_origins: Vec<String>,
}

/// The payer's view through the token: static parts from KV, everything that gates a payment from D1.
pub async fn payer_view(ctx: &Ctx<'_>, token: &str) -> Result<(PayerSessionView, Vec<String>), ApiError> {
    let (session, payment) = sessions::load_with_payment_by_token(ctx, token).await?;
    let grace = ctx.config.token_grace_ms;
    let ended = payer_guard::token_ended(session.status, session.updated_at, session.expires_at, ctx.now_ms(), grace);
    if ended {
        return Err(payer_guard::token_gone());
    }
    let read_as = (session.status, session.version);
    let session = sessions::expire_if_due(ctx, session).await?;
    let session = confirm::reconcile_if_waiting(ctx, session).await?;
    // The payment read with the session is current unless expiry or settling just moved them.
    let payment = if (session.status, session.version) == read_as {
        payment
    } else {
        payments::load_row(ctx, &session.payment_id).await?
    };
    let display = merchant_display(ctx, token, &session).await?;
    let mut view = sessions::view_of(&session, &payment, &display.merchant_name);
    if session.status.is_terminal() {
        // The result screen needs no prefill: the payer's details stop being readable through the token.
        view.payer = None;
        view.customer = None;
    }
    Ok((view, display.allowed_origins))
}

/// Saves payer details on an open session and answers with the view.
pub async fn update_payer(ctx: &Ctx<'_>, token: &str, details: PayerDetails) -> Result<PayerSessionView, ApiError> {
    sessions::save_payer(ctx, token, details).await?;
    Ok(payer_view(ctx, token).await?.0)
}

/// The payer cancels an open session (and its untouched payment) and sees the result.
pub async fn cancel(ctx: &Ctx<'_>, token: &str) -> Result<PayerSessionView, ApiError> {
    let session = sessions::open_session_for_payer(ctx, token).await?;
    sessions::cancel(ctx, session, CancelledBy::Payer).await?;
    Ok(payer_view(ctx, token).await?.0)
}

async fn merchant_display(ctx: &Ctx<'_>, token: &str, session: &SessionRow) -> Result<StaticView, ApiError> {
    let key = format!("session-static:{}", token_hash(token));
    if let Some(cached) = ctx.cache.get(&key).await.and_then(|s| serde_json::from_str::<StaticView>(&s).ok()) {
        if cached.id == session.id {
            return Ok(cached);
        }
    }
    let merchant =
        crate::accounts::auth::merchant_by_id(ctx, &session.merchant_id).await?.ok_or_else(ApiError::internal)?;
    let view = StaticView {
        id: session.id.clone().into(),
        merchant_id: merchant.id,
        merchant_name: merchant.name,
        allowed_origins: merchant.allowed_origins,
    };
    let ttl = ((session.expires_at - ctx.now_ms()) / 1000 + 3600).max(60) as u64;
    ctx.cache.put(&key, &to_json_text(&view), ttl).await;
    Ok(view)
}
