//! The payer's side of a session, through its token: the payer view (static parts cached at the edge), saving payer
//! details, and the check that a session still takes payer actions.

use super::{expire_if_due, load_by_token, load_with_payment_by_token, not_open, token_hash};
use crate::payments;
use crate::platform::Ctx;
use crate::records::{PaymentRow, SessionRow};
use crate::stmt;
use crate::store::{self, to_json_text};
use hsrc_shared::api::{MerchantDisplay, PayerDetails, PayerSessionView};
use hsrc_shared::lifecycle::SessionStatus;
use hsrc_shared::{validate, ApiError};

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
    let (session, payment) = load_with_payment_by_token(ctx, token).await?;
    let grace = ctx.config.token_grace_ms;
    let ended = crate::sessions::payer_guard::token_ended(
        session.status,
        session.updated_at,
        session.expires_at,
        ctx.now_ms(),
        grace,
    );
    if ended {
        return Err(crate::sessions::payer_guard::token_gone());
    }
    let read_as = (session.status, session.version);
    let session = expire_if_due(ctx, session).await?;
    let session = crate::payments::confirm::reconcile_if_waiting(ctx, session).await?;
    // The payment read with the session is current unless expiry or settling just moved them.
    let payment = if (session.status, session.version) == read_as {
        payment
    } else {
        payments::load_row(ctx, &session.payment_id).await?
    };
    let display = merchant_display(ctx, token, &session).await?;
    let mut view = view_of(&session, &payment, &display.merchant_name);
    if session.status.is_terminal() {
        // The result screen needs no prefill: the payer's details stop being readable through the token.
        view.payer = None;
        view.customer = None;
    }
    Ok((view, display.allowed_origins))
}

/// The payer view of a session and its payment.
pub fn view_of(session: &SessionRow, payment: &PaymentRow, merchant_name: &str) -> PayerSessionView {
    PayerSessionView {
        id: session.id.clone(),
        object: "checkout_session".into(),
        status: session.status,
        amount: session.amount,
        currency: session.currency.clone(),
        expires_at: session.expires_at.div_euclid(1000),
        merchant: MerchantDisplay { name: merchant_name.to_string() },
        locale: session.locale,
        customer: session.customer.clone(),
        collect: session.collect.clone(),
        custom_fields: session.custom_fields.clone(),
        metadata: session.public_metadata(),
        return_url: session.return_url.clone(),
        cancel_url: session.cancel_url.clone(),
        secure_mode: session.secure_mode,
        livemode: session.livemode,
        payer: session.payer.clone(),
        attempts_remaining: session.attempts_remaining(),
        payment: payment.summary(),
        installments: session.installments,
    }
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

/// Loads the session behind a token for a payer action (payer details, confirm, cancel).
pub async fn open_session_for_payer(ctx: &Ctx<'_>, token: &str) -> Result<SessionRow, ApiError> {
    let session = load_by_token(ctx, token).await?;
    let session = expire_if_due(ctx, session).await?;
    if session.status != SessionStatus::Pending {
        return Err(not_open(
            &session,
            format!("This checkout session is {}.", session.status.as_str().to_lowercase()),
        ));
    }
    Ok(session)
}

/// Saves payer details (merged over what was saved before) on an open session.
pub async fn update_payer(ctx: &Ctx<'_>, token: &str, details: PayerDetails) -> Result<PayerSessionView, ApiError> {
    let session = open_session_for_payer(ctx, token).await?;
    let merged = merge_payer(session.payer.clone(), details);
    let merged = validate::payer_details(&merged, &session.custom_fields)?;
    let changed = ctx
        .db
        .batch(vec![
            stmt!(
                "UPDATE checkout_sessions SET payer = ?1, version = version + 1, updated_at = ?2 WHERE id = ?3 AND status = 'PENDING' AND version = ?4",
                to_json_text(&merged),
                ctx.now_ms(),
                session.id.as_str(),
                session.version
            ),
            crate::platform::Stmt::cas_guard(),
        ])
        .await;
    changed.map_err(|e| store::conflict_or_internal(e, "The checkout session changed while saving; try again."))?;
    Ok(payer_view(ctx, token).await?.0)
}

/// Newer values win field by field; custom field answers merge by key.
pub fn merge_payer(old: Option<PayerDetails>, new: PayerDetails) -> PayerDetails {
    let old = old.unwrap_or_default();
    let mut custom_fields = old.custom_fields;
    custom_fields.extend(new.custom_fields);
    PayerDetails {
        name: new.name.or(old.name),
        email: new.email.or(old.email),
        phone: new.phone.or(old.phone),
        billing_address: new.billing_address.or(old.billing_address),
        shipping_address: new.shipping_address.or(old.shipping_address),
        shipping_same_as_billing: new.shipping_same_as_billing.or(old.shipping_same_as_billing),
        custom_fields,
    }
}
