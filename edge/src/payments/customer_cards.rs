//! Payment methods attached to a customer (#15). A `pm_…` is single-use and lives 30 minutes unless the merchant's
//! server attaches it to one of its customers, named by the merchant's own `customer_reference` (its user id: like a
//! shopper reference, there is no customer object to keep in sync). Attached, the card may pay that customer's later
//! API-only payments — only theirs — until the end of the card's expiry month, or until it is detached, after which
//! it is never charged again. Only the card's display data is ever read here; the vault token stays where it is.

use crate::payments::api_payments::{self, validate_customer_reference};
use crate::payments::methods::{self as payment_methods, unusable, PaymentMethodRow, COLUMNS};
use crate::platform::{query_as, Ctx, Stmt};
use crate::stmt;
use crate::store::{self, Paging};
use hsrc_shared::api::payment_methods::PaymentMethod;
use hsrc_shared::api::List;
use hsrc_shared::time::{days_in_month, Date, DAY_MS};
use hsrc_shared::ApiError;

/// The first moment after the card's expiry month (cards are valid through the last day of the month they show).
pub fn card_expiry_end_ms(exp_year: i64, exp_month: i64) -> i64 {
    let month = exp_month.clamp(1, 12) as u32;
    let last = Date { year: exp_year, month, day: days_in_month(exp_year, month) };
    last.start_ms() + DAY_MS
}

async fn load(ctx: &Ctx<'_>, merchant_id: &str, id: &str) -> Result<PaymentMethodRow, ApiError> {
    payment_methods::load(ctx, merchant_id, id).await?.ok_or_else(|| ApiError::not_found("payment method", id))
}

/// `POST /v1/payment-methods/:id/attach`: keep the card for the customer's later payments. Allowed while the pm is
/// fresh (its 30 minutes), unused, or used only by a payment of this same customer ("pay and save the card"), so a
/// card typed for one customer can never be kept for another. Attaching again to the same customer is a no-op.
pub async fn attach(ctx: &Ctx<'_>, merchant_id: &str, id: &str, reference: &str) -> Result<PaymentMethod, ApiError> {
    let reference = validate_customer_reference(reference, "customer_reference")?;
    let row = load(ctx, merchant_id, id).await?;
    if row.detached_at.is_some() {
        return Err(unusable("This payment method was detached; it can no longer be attached or charged."));
    }
    match row.customer.as_deref() {
        Some(owner) if owner == reference => return Ok(row.to_api()),
        Some(_) => return Err(unusable("This payment method is already attached to another customer.")),
        None => {}
    }
    let now = ctx.now_ms();
    if now >= row.expires_at {
        return Err(unusable("This payment method has expired; create a new one with the card element."));
    }
    if let Some(payment) = &row.used_by_payment {
        let paid_for = api_payments::load(ctx, payment).await?.and_then(|a| a.customer_reference);
        if paid_for.as_deref() != Some(reference.as_str()) {
            return Err(unusable(
                "This payment method already paid a payment of another customer (or of none): only that payment's customer may keep it.",
            ));
        }
    }
    let expires_at = card_expiry_end_ms(row.exp_year, row.exp_month);
    if expires_at <= now {
        return Err(unusable("The card of this payment method has expired."));
    }
    // Guarded on what was checked: a concurrent confirm, attach or detach makes this a 409, never a silent change.
    let statements = vec![
        stmt!(
            "UPDATE payment_methods SET customer = ?1, attached_at = ?2, expires_at = ?3 \
             WHERE id = ?4 AND customer IS NULL AND detached_at IS NULL AND expires_at > ?2 AND used_by_payment IS ?5",
            reference.as_str(),
            now,
            expires_at,
            row.id.as_str(),
            row.used_by_payment.as_deref()
        ),
        crate::platform::Stmt::cas_guard(),
    ];
    save(ctx, merchant_id, id, statements).await
}

/// `POST /v1/payment-methods/:id/detach`: the card is never charged again (detaching twice is a no-op).
pub async fn detach(ctx: &Ctx<'_>, merchant_id: &str, id: &str) -> Result<PaymentMethod, ApiError> {
    let row = load(ctx, merchant_id, id).await?;
    if row.detached_at.is_some() {
        return Ok(row.to_api());
    }
    let Some(owner) = row.customer.as_deref() else {
        return Err(unusable("This payment method is not attached to a customer."));
    };
    let statements = vec![
        stmt!(
            "UPDATE payment_methods SET detached_at = ?1 WHERE id = ?2 AND customer = ?3 AND detached_at IS NULL",
            ctx.now_ms(),
            row.id.as_str(),
            owner
        ),
        crate::platform::Stmt::cas_guard(),
    ];
    save(ctx, merchant_id, id, statements).await
}

/// Runs an attach or detach (guarded: a lost race is a 409) and answers with the card as stored now.
async fn save(ctx: &Ctx<'_>, merchant_id: &str, id: &str, statements: Vec<Stmt>) -> Result<PaymentMethod, ApiError> {
    ctx.db
        .batch(statements)
        .await
        .map_err(|e| store::conflict_or_internal(e, "The payment method changed at the same time; read it again."))?;
    Ok(load(ctx, merchant_id, id).await?.to_api())
}

/// `GET /v1/payment-methods?customer_reference=…`: the customer's attached cards, newest first (detached ones are
/// gone; expired ones are listed with their `expires_at`, so the merchant can ask for a new card).
pub async fn list(
    ctx: &Ctx<'_>,
    merchant_id: &str,
    reference: &str,
    paging: &Paging,
) -> Result<List<PaymentMethod>, ApiError> {
    let reference = validate_customer_reference(reference, "customer_reference")?;
    let rows: Vec<PaymentMethodRow> = query_as(
        ctx.db,
        stmt!(
            format!(
                "SELECT {COLUMNS} FROM payment_methods WHERE merchant_id = ?1 AND customer = ?2 AND detached_at IS NULL \
                 AND (?3 IS NULL OR (created_at, rowid) < (SELECT created_at, rowid FROM payment_methods WHERE id = ?3 AND merchant_id = ?1)) \
                 ORDER BY created_at DESC, rowid DESC LIMIT ?4"
            ),
            merchant_id,
            reference.as_str(),
            paging.after(),
            paging.fetch()
        ),
    )
    .await
    .map_err(store::internal)?;
    let items: Vec<PaymentMethod> = rows.iter().map(PaymentMethodRow::to_api).collect();
    Ok(paging.page(items, |m: &PaymentMethod| m.id.clone().into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_card_is_valid_through_the_last_day_of_its_month() {
        // 12/2034 → until 2035-01-01T00:00Z; 02/2028 (leap) → until 2028-03-01.
        assert_eq!(card_expiry_end_ms(2034, 12), Date { year: 2035, month: 1, day: 1 }.start_ms());
        assert_eq!(card_expiry_end_ms(2028, 2), Date { year: 2028, month: 3, day: 1 }.start_ms());
        assert_eq!(card_expiry_end_ms(2027, 2), Date { year: 2027, month: 3, day: 1 }.start_ms());
    }
}
