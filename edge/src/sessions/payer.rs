//! The payer's side of a session, through its token: the payer view's shape, saving payer details, and the check
//! that a session still takes payer actions. The view itself is read in `payments::payer_view` (it reconciles a
//! waiting payment first, and payments build on sessions).

use super::{expire_if_due, load_by_token, not_open};
use crate::platform::Ctx;
use crate::records::{PaymentRow, SessionRow};
use crate::stmt;
use crate::store::{self, to_json_text};
use hsrc_shared::api::{MerchantDisplay, PayerDetails, PayerSessionView};
use hsrc_shared::lifecycle::SessionStatus;
use hsrc_shared::{validate, ApiError};

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

/// Loads the session behind a token for a payer action (payer details, confirm, cancel).
pub async fn open_session_for_payer(ctx: &Ctx<'_>, token: &str) -> Result<SessionRow, ApiError> {
    open_for_payer(ctx, load_by_token(ctx, token).await?).await
}

/// [`open_session_for_payer`] for a session read by its token already (`None`: no session has it).
pub async fn open_read_for_payer(ctx: &Ctx<'_>, session: Option<SessionRow>) -> Result<SessionRow, ApiError> {
    open_for_payer(ctx, session.ok_or_else(super::invalid_token)?).await
}

async fn open_for_payer(ctx: &Ctx<'_>, session: SessionRow) -> Result<SessionRow, ApiError> {
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
pub async fn save_payer(ctx: &Ctx<'_>, token: &str, details: PayerDetails) -> Result<(), ApiError> {
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
    Ok(())
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
