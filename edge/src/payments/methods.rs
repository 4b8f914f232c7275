//! Payment methods (`pm_…`, #15): a card the payer typed into our card element, handed to the acquirer's vault
//! through the provider seam. We keep only the vault reference, brand, last4, expiry and the keyed fingerprint; the
//! number and CVC exist in memory for this one request and are never stored or logged.
//!
//! A `pm_…` is single-use (unless attached to a customer: `services::customer_cards`) and expires after
//! [`PAYMENT_METHOD_TTL_MS`]; confirm claims it with a guarded update in the same batch that claims the payment, so
//! two confirms cannot share one.

use crate::accounts::auth::{Caller, KeyKind};
use crate::platform::{query_one, Ctx, Stmt};
use crate::providers::{self, sandbox, VaultOutcome};
use crate::stmt;
use crate::store::{self, int, int_opt};
use hsrc_shared::api::{CardDetails, CardInput, PaymentMethodInput};
use hsrc_shared::api::{PaymentMethod, PaymentMethodCard};
use hsrc_shared::card::{self, ValidCard};
use hsrc_shared::{codes, crypto, ApiError};
use serde::Deserialize;

pub const PAYMENT_METHOD_TTL_MS: i64 = 30 * 60 * 1000;

#[derive(Debug, Clone, Deserialize)]
pub struct PaymentMethodRow {
    pub id: String,
    pub merchant_id: String,
    #[serde(deserialize_with = "crate::store::int_bool")]
    pub livemode: bool,
    pub provider: String,
    pub provider_reference: String,
    pub brand: String,
    pub last4: String,
    #[serde(deserialize_with = "int")]
    pub exp_month: i64,
    #[serde(deserialize_with = "int")]
    pub exp_year: i64,
    pub fingerprint: String,
    #[serde(deserialize_with = "crate::store::int_bool")]
    pub challenge_required: bool,
    pub customer: Option<String>,
    #[serde(deserialize_with = "int_opt")]
    pub used_at: Option<i64>,
    pub used_by_payment: Option<String>,
    #[serde(deserialize_with = "int_opt", default)]
    pub detached_at: Option<i64>,
    #[serde(deserialize_with = "int")]
    pub expires_at: i64,
    #[serde(deserialize_with = "int")]
    pub created_at: i64,
}

impl PaymentMethodRow {
    pub fn to_api(&self) -> PaymentMethod {
        PaymentMethod {
            id: self.id.clone().into(),
            object: "payment_method".into(),
            kind: "card".into(),
            card: PaymentMethodCard {
                brand: self.brand.clone(),
                last4: self.last4.clone(),
                exp_month: self.exp_month as u32,
                exp_year: self.exp_year as u32,
            },
            livemode: self.livemode,
            created_at: self.created_at.div_euclid(1000),
            expires_at: self.expires_at.div_euclid(1000),
            customer_reference: self.customer.clone().filter(|_| self.detached_at.is_none()),
            detached_at: self.detached_at.map(|t| t.div_euclid(1000)),
        }
    }

    /// The card as the payment records it (no number, no CVC).
    pub fn card_details(&self) -> CardDetails {
        CardDetails {
            brand: self.brand.clone(),
            last4: self.last4.clone(),
            exp_month: self.exp_month as u32,
            exp_year: self.exp_year as u32,
            fingerprint: Some(self.fingerprint.clone()),
        }
    }
}

/// Keyed hash of the card number: the same card is recognisable within one merchant, useless anywhere else.
pub fn fingerprint(ctx: &Ctx<'_>, merchant_id: &str, card: &ValidCard) -> String {
    let key = format!("{}:{merchant_id}", ctx.config.fingerprint_key);
    crypto::hex(&crypto::hmac_sha256(key.as_bytes(), card.digits.as_bytes()))[..32].to_string()
}

/// Card data only ever comes from our card element: a publishable key, from a page on our own origin.
pub fn check_card_element_origin(ctx: &Ctx<'_>, caller: &Caller, origin: Option<&str>) -> Result<(), ApiError> {
    if caller.key_kind != KeyKind::Publishable {
        return Err(ApiError::forbidden(
            codes::API_KEY_WRONG_KIND,
            "Payment methods are created by our card element with your publishable key; your server confirms with the pm_ id.",
        ));
    }
    if origin != Some(ctx.config.public_origin.as_str()) {
        return Err(ApiError::forbidden(
            codes::ORIGIN_NOT_ALLOWED,
            "Card data is accepted only from the HSRC card element (HSRCCheckout.cardElement), never from your page.",
        ));
    }
    Ok(())
}

/// The gate every card from a request passes before it reaches a provider (the payer's confirm, an API confirm with
/// card data, a new payment method): checked against today's date and matched to its sandbox scenario. Live mode
/// (`livemode`: the checkout session's mode, or the merchant's for the API) has no acquirer yet; a real number in
/// test mode is refused (never stored). `number_param` names the number field in the caller's body, for the error.
pub(crate) fn accept_card(
    ctx: &Ctx<'_>,
    livemode: bool,
    input: &CardInput,
    number_param: &'static str,
) -> Result<(ValidCard, sandbox::Scenario), ApiError> {
    let (year, month) = crate::payments::confirm::civil_year_month(ctx.now_ms());
    let valid = card::validate_card(input, year, month)?;
    if livemode {
        return Err(ApiError::card(
            codes::PROCESSING_ERROR,
            None,
            "No live payment provider is configured for this merchant.",
        ));
    }
    let scenario = sandbox::scenario(&valid.digits).ok_or_else(|| {
        ApiError::invalid_code(
            codes::LIVE_CARD_IN_TEST_MODE,
            number_param,
            "This is test mode: use one of the sandbox test cards. Real card numbers are refused and never stored.",
        )
    })?;
    Ok((valid, scenario))
}

/// `POST /v1/payment-methods`: validate, vault at the acquirer, keep the reference and display data.
pub async fn create(ctx: &Ctx<'_>, caller: &Caller, input: PaymentMethodInput) -> Result<PaymentMethod, ApiError> {
    let merchant = &caller.merchant;
    let (valid, scenario) = accept_card(ctx, merchant.livemode, &input.card, "card[number]")?;
    drop(input);
    let now = ctx.now_ms();
    // The card goes to the acquirer's vault through the provider seam; we keep its token.
    let provider = crate::payments::challenge::providers_of(merchant).remove(0);
    let acquirer = providers::acquirer(&provider).ok_or_else(ApiError::internal)?;
    let token = match acquirer.vault(ctx, &ctx.new_id("vault"), &valid).await {
        VaultOutcome::Vaulted { token } => token,
        VaultOutcome::Unavailable { .. } => {
            return Err(ApiError::card(codes::PROCESSING_ERROR, None, sandbox::decline_message("processing_error")))
        }
    };
    let row = PaymentMethodRow {
        id: ctx.new_id("pm"),
        merchant_id: merchant.id.clone(),
        livemode: merchant.livemode,
        provider,
        provider_reference: token,
        brand: valid.brand.as_str().into(),
        last4: valid.last4.clone(),
        exp_month: i64::from(valid.exp_month),
        exp_year: i64::from(valid.exp_year),
        fingerprint: fingerprint(ctx, &merchant.id, &valid),
        challenge_required: scenario.needs_challenge(),
        customer: None,
        used_at: None,
        used_by_payment: None,
        detached_at: None,
        expires_at: now + PAYMENT_METHOD_TTL_MS,
        created_at: now,
    };
    // Vaulted first: a stop here leaves only an unused vault entry, never a pm_ without a card behind it.
    let statements = vec![
        stmt!(
            "INSERT INTO payment_methods (id, merchant_id, livemode, provider, provider_reference, brand, last4, exp_month, exp_year, fingerprint, challenge_required, expires_at, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            row.id.as_str(),
            row.merchant_id.as_str(),
            row.livemode,
            row.provider.as_str(),
            row.provider_reference.as_str(),
            row.brand.as_str(),
            row.last4.as_str(),
            row.exp_month,
            row.exp_year,
            row.fingerprint.as_str(),
            row.challenge_required,
            row.expires_at,
            row.created_at
        ),
    ];
    drop(valid);
    ctx.db.batch(statements).await.map_err(store::internal)?;
    Ok(row.to_api())
}

/// The columns of [`PaymentMethodRow`].
pub const COLUMNS: &str =
    "id, merchant_id, livemode, provider, provider_reference, brand, last4, exp_month, exp_year, \
     fingerprint, challenge_required, customer, used_at, used_by_payment, detached_at, expires_at, created_at";

/// The merchant's payment method, or `None` (another merchant's is never seen).
pub async fn load(ctx: &Ctx<'_>, merchant_id: &str, id: &str) -> Result<Option<PaymentMethodRow>, ApiError> {
    let row: Option<PaymentMethodRow> =
        query_one(ctx.db, stmt!(format!("SELECT {COLUMNS} FROM payment_methods WHERE id = ?1"), id))
            .await
            .map_err(store::internal)?;
    Ok(row.filter(|r| r.merchant_id == merchant_id))
}

/// A 400 `payment_method_unusable` saying why.
pub fn unusable(why: &str) -> ApiError {
    ApiError::invalid_code(codes::PAYMENT_METHOD_UNUSABLE, "payment_method", why.to_string())
}

/// A `pm_…` a confirm may charge: the merchant's own, not detached, unexpired, and either unused or attached to the
/// payment's customer (`customer_reference`). Returns it with the guarded statements that mark it used; they go in
/// the confirm's claim batch.
pub async fn usable(
    ctx: &Ctx<'_>,
    merchant_id: &str,
    id: &str,
    payment_id: &str,
    customer_reference: Option<&str>,
) -> Result<(PaymentMethodRow, Vec<Stmt>), ApiError> {
    let row = load(ctx, merchant_id, id)
        .await?
        .ok_or_else(|| ApiError::invalid_code(codes::RESOURCE_MISSING, "payment_method", "No such payment method."))?;
    if row.detached_at.is_some() {
        return Err(unusable("This payment method was detached from its customer; it is never charged again."));
    }
    match row.customer.as_deref() {
        Some(owner) if Some(owner) == customer_reference => {}
        Some(_) => {
            return Err(unusable(
                "This payment method is attached to a customer: it pays only payments created with that customer_reference.",
            ))
        }
        None if row.used_at.is_some() => {
            return Err(unusable("This payment method was already used; create a new one with the card element."))
        }
        None => {}
    }
    if ctx.now_ms() >= row.expires_at {
        return Err(unusable("This payment method has expired; create a new one with the card element."));
    }
    let claim = vec![
        stmt!(
            "UPDATE payment_methods SET used_at = ?1, used_by_payment = ?2 WHERE id = ?3 AND detached_at IS NULL AND (used_at IS NULL OR customer IS NOT NULL) AND expires_at > ?1",
            ctx.now_ms(),
            payment_id,
            row.id.as_str()
        ),
        Stmt::cas_guard(),
    ];
    Ok((row, claim))
}
