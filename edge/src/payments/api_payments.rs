//! API-only payments (#15): a payment created by the merchant's server without a checkout session, driven by the
//! merchant's own UI. This module owns what a session would hold for the engine (client secret, return_url,
//! metadata, secure mode, attempts) and who may act on the payment; confirming it runs the one payments engine
//! (`payments::confirm`).

use crate::accounts::auth::{Caller, KeyKind, Merchant};
use crate::payments;
use crate::platform::{query_one, Ctx};
use crate::records::{enum_text, PaymentRow};
use crate::sessions::transitions::{cas, timeline, Target};
use crate::stmt;
use crate::store::{self, int, int_bool, json_text, json_text_opt, to_json_text};
use crate::webhooks::events::{types, NewEvent, Outbox};
use base64::Engine;
use hsrc_shared::api::{CreatePaymentRequest, PaymentCreated, CLIENT_SECRET_SEPARATOR};
use hsrc_shared::api::{Customer, Metadata, Payment};
use hsrc_shared::lifecycle::{PaymentEvent, PaymentStatus};
use hsrc_shared::urls::{validate_redirect_url, UrlPolicy};
use hsrc_shared::{card, codes, crypto, money, validate, ApiError, ErrorType};
use serde::Deserialize;

/// How long the client secret lets the merchant's frontend act on the payment (the secret key always can).
pub const CLIENT_SECRET_TTL_MS: i64 = 60 * 60 * 1000;
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;
pub const MAX_DESCRIPTION_CHARS: usize = 1000;

/// The API-only part of a payment: what a checkout session holds for a session payment.
#[derive(Debug, Clone, Deserialize)]
pub struct ApiPaymentRow {
    pub payment_id: String,
    pub merchant_id: String,
    pub client_secret_hash: String,
    #[serde(deserialize_with = "int")]
    pub client_secret_expires_at: i64,
    pub return_url: Option<String>,
    #[serde(deserialize_with = "json_text_opt")]
    pub customer: Option<Customer>,
    #[serde(deserialize_with = "json_text")]
    pub metadata: Metadata,
    pub description: Option<String>,
    /// The merchant's own reference of the customer: payment methods attached to it may be charged again.
    pub customer_reference: Option<String>,
    #[serde(deserialize_with = "int_bool")]
    pub secure_mode: bool,
    #[serde(deserialize_with = "int")]
    pub attempts: i64,
    #[serde(deserialize_with = "int")]
    pub max_attempts: i64,
    /// The payment's, read with it.
    pub currency: String,
    #[serde(deserialize_with = "int_bool")]
    pub livemode: bool,
}

const COLUMNS: &str = "a.payment_id, a.merchant_id, a.client_secret_hash, a.client_secret_expires_at, a.return_url, \
     a.customer, a.metadata, a.description, a.customer_reference, a.secure_mode, a.attempts, a.max_attempts, p.currency, p.livemode";

pub async fn load(ctx: &Ctx<'_>, payment_id: &str) -> Result<Option<ApiPaymentRow>, ApiError> {
    let sql =
        format!("SELECT {COLUMNS} FROM api_payments a JOIN payments p ON p.id = a.payment_id WHERE a.payment_id = ?1");
    query_one(ctx.db, stmt!(sql, payment_id)).await.map_err(store::internal)
}

/// `POST /v1/payments`: validates like a session create, writes the payment `CREATED` and its API row in one batch.
pub async fn create(ctx: &Ctx<'_>, merchant: &Merchant, req: CreatePaymentRequest) -> Result<PaymentCreated, ApiError> {
    let currency = money::order_amount(req.amount, &req.currency)?;
    let return_url = req.return_url.as_deref().map(|u| validate_return_url(ctx, merchant, u)).transpose()?;
    req.customer.as_ref().map(validate::customer).transpose()?;
    validate::metadata(&req.metadata, "metadata")?;
    let customer_reference =
        req.customer_reference.as_deref().map(|r| validate_customer_reference(r, "customer_reference")).transpose()?;
    let description = req.description.as_deref().map(str::trim).filter(|d| !d.is_empty()).map(str::to_string);
    if let Some(d) = &description {
        check_free_text(d, "description")?;
    }
    let max_attempts = req.max_attempts.unwrap_or(DEFAULT_MAX_ATTEMPTS);
    if !(1..=10).contains(&max_attempts) {
        return Err(ApiError::invalid("max_attempts", "max_attempts must be between 1 and 10."));
    }
    let capture_method = req.capture_method.unwrap_or_default();

    let now = ctx.now_ms();
    let id = ctx.new_id("pay");
    // 256 bits from the platform CSPRNG after the payment id; only its hash is stored.
    let client_secret = format!(
        "{id}{CLIENT_SECRET_SEPARATOR}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(ctx.random_bytes::<32>())
    );
    let expires_at = now + CLIENT_SECRET_TTL_MS;
    let statements = vec![
        // An API-only payment names itself as its session (see migration 0011): no session ever matches it.
        stmt!(
            "INSERT INTO payments (id, merchant_id, checkout_session_id, status, amount, currency, capture_method, livemode, created_at, updated_at) \
             VALUES (?1, ?2, ?1, 'CREATED', ?3, ?4, ?5, ?6, ?7, ?7)",
            id.as_str(),
            merchant.id.as_str(),
            req.amount,
            currency.code,
            enum_text(&capture_method),
            merchant.livemode,
            now
        ),
        stmt!(
            "INSERT INTO api_payments (payment_id, merchant_id, client_secret_hash, client_secret_expires_at, return_url, customer, metadata, description, secure_mode, attempts, max_attempts, created_at, customer_reference) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0, ?10, ?11, ?12)",
            id.as_str(),
            merchant.id.as_str(),
            crypto::sha256_hex(client_secret.as_bytes()),
            expires_at,
            return_url,
            req.customer.as_ref().map(to_json_text),
            to_json_text(&req.metadata),
            description,
            req.secure_mode.unwrap_or(false),
            i64::from(max_attempts),
            now,
            customer_reference
        ),
        timeline(ctx, "payment", &id, None, PaymentStatus::Created.as_str()),
    ];
    ctx.db.batch(statements).await.map_err(store::internal)?;
    let payment = retrieve(ctx, &merchant.id, &id).await?;
    Ok(PaymentCreated { payment, client_secret, client_secret_expires_at: expires_at.div_euclid(1000) })
}

/// `return_url` follows the session's rules: absolute https (http only for localhost in test mode), a host on the
/// merchant's allowlist or ours, no userinfo or tricks.
pub fn validate_return_url(ctx: &Ctx<'_>, merchant: &Merchant, url: &str) -> Result<String, ApiError> {
    let own_host =
        ctx.config.public_origin.split_once("://").map(|(_, h)| h.split(':').next().unwrap_or(h).to_string());
    let mut allowed_hosts = merchant.allowed_hosts.clone();
    allowed_hosts.extend(own_host);
    let policy =
        UrlPolicy { allowed_hosts: &allowed_hosts, allow_localhost_http: !merchant.livemode, allow_fragment: false };
    validate_redirect_url(url, "return_url", &policy)
}

/// The merchant's own customer reference: 1–64 of `A-Z a-z 0-9 _ . -`, and never a card number.
pub fn validate_customer_reference(reference: &str, param: &str) -> Result<String, ApiError> {
    let ok = (1..=64).contains(&reference.len())
        && reference.bytes().all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b));
    if !ok {
        return Err(ApiError::invalid(param, format!("{param} is 1–64 characters of A–Z, a–z, 0–9, _ . -")));
    }
    check_free_text(reference, param)?;
    Ok(reference.to_string())
}

/// Free text never carries a card number: a Luhn-valid run of 12–19 digits is refused (without echoing it).
pub fn check_free_text(text: &str, param: &str) -> Result<(), ApiError> {
    if text.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(ApiError::invalid(param, format!("{param} is limited to {MAX_DESCRIPTION_CHARS} characters.")));
    }
    let digits_only: String = text.chars().map(|c| if c.is_ascii_digit() { c } else { ' ' }).collect();
    let joined: String = text.chars().filter(|c| !matches!(c, ' ' | '-' | '.')).collect();
    let runs = digits_only.split(' ').chain(joined.split(|c: char| !c.is_ascii_digit())).map(str::to_string);
    for run in runs.collect::<Vec<_>>() {
        for len in 12..=19.min(run.len()) {
            if run.as_bytes().windows(len).any(|w| card::luhn_valid(std::str::from_utf8(w).unwrap_or(""))) {
                return Err(ApiError::invalid(param, format!("{param} must not contain a card number.")));
            }
        }
    }
    Ok(())
}

/// The payment a caller may act on: the merchant's secret key, or its publishable key with the payment's own
/// client secret. Anything else is "no such payment" (404), so a secret never confirms another payment.
pub async fn authorize(
    ctx: &Ctx<'_>,
    caller: &Caller,
    payment_id: &str,
    client_secret: Option<&str>,
) -> Result<(PaymentRow, ApiPaymentRow), ApiError> {
    let missing = || ApiError::not_found("payment", payment_id);
    let payment = payments::load_row(ctx, payment_id).await.map_err(|_| missing())?;
    if payment.merchant_id != caller.merchant.id {
        return Err(missing());
    }
    let api = load(ctx, payment_id).await?;
    if caller.key_kind == KeyKind::Publishable {
        let secret = client_secret.ok_or_else(|| ApiError::missing("client_secret"))?;
        let hash = crypto::sha256_hex(secret.as_bytes());
        let Some(api) = api.filter(|a| crypto::constant_time_eq(a.client_secret_hash.as_bytes(), hash.as_bytes()))
        else {
            return Err(missing());
        };
        if ctx.now_ms() >= api.client_secret_expires_at {
            return Err(ApiError::new(
                410,
                ErrorType::InvalidRequestError,
                codes::CLIENT_SECRET_EXPIRED,
                "This client secret has expired; your server can still confirm the payment with its secret key.",
            ));
        }
        return Ok((payment, api));
    }
    let api = api.ok_or_else(|| {
        ApiError::conflict(
            codes::STATE_CONFLICT,
            "This payment belongs to a checkout session: the payer confirms it in the checkout.",
        )
    })?;
    Ok((payment, api))
}

/// The merchant's payment object of an API-only payment.
pub async fn api_object(ctx: &Ctx<'_>, payment: &PaymentRow, api: &ApiPaymentRow) -> Result<Payment, ApiError> {
    let charges = payments::charges(ctx, &payment.id).await?;
    let ids = payments::request_ids(ctx, &payment.id).await?;
    let mut object =
        payment.to_api(charges.iter().map(crate::records::ChargeRow::to_api).collect(), ids, api.metadata.clone());
    object.description = api.description.clone();
    Ok(object)
}

pub async fn retrieve(ctx: &Ctx<'_>, merchant_id: &str, id: &str) -> Result<Payment, ApiError> {
    let payment = payments::load_for_merchant(ctx, merchant_id, id).await?;
    let api = load(ctx, id).await?.ok_or_else(|| ApiError::not_found("payment", id))?;
    api_object(ctx, &payment, &api).await
}

/// `POST /v1/payments/:id/cancel`: an unpaid payment (`CREATED`, `REQUIRES_PAYMENT_METHOD`) is cancelled; an
/// authorized one is voided (the same as `/void`). Anything in flight or final is a 409.
pub async fn cancel(ctx: &Ctx<'_>, merchant: &Merchant, id: &str) -> Result<Payment, ApiError> {
    let payment = payments::load_for_merchant(ctx, &merchant.id, id).await?;
    let api = load(ctx, id).await?.ok_or_else(|| {
        ApiError::conflict(codes::STATE_CONFLICT, "This payment belongs to a checkout session: cancel the session.")
    })?;
    if payment.status == PaymentStatus::Authorized {
        payments::void(ctx, &merchant.id, id).await?;
        return retrieve(ctx, &merchant.id, id).await;
    }
    let to = payment
        .status
        .next(PaymentEvent::Cancel)
        .map_err(|e| ApiError::conflict(codes::STATE_CONFLICT, e.to_string()))?;
    let statements =
        cas(ctx, Target::payment(&payment), to.as_str(), vec![("next_action", crate::platform::SqlValue::Null)]);
    let after =
        PaymentRow { status: to, version: payment.version + 1, next_action: None, updated_at: ctx.now_ms(), ..payment };
    let object = api_object(ctx, &after, &api).await?;
    let mut outbox = Outbox::default();
    outbox.push(ctx, event(types::PAYMENT_CANCELED, &after, serde_json::to_value(&object).unwrap_or_default()));
    outbox.commit(ctx, statements, "The payment changed at the same time; read it again.").await?;
    retrieve(ctx, &merchant.id, id).await
}

/// An event about an API-only payment: the same types as checkout payments, with `checkoutSessionId: null`.
pub fn event<'a>(
    kind: hsrc_shared::api::EventType,
    payment: &'a PaymentRow,
    object: serde_json::Value,
) -> NewEvent<'a> {
    NewEvent {
        kind,
        merchant_id: &payment.merchant_id,
        livemode: payment.livemode,
        payment_id: Some(&payment.id),
        checkout_session_id: None,
        object,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_text_refuses_card_numbers_in_any_spacing() {
        for bad in ["card 4242424242424242", "4242 4242 4242 4242 please", "x4242-4242-4242-4242"] {
            assert!(check_free_text(bad, "description").is_err(), "{bad}");
        }
        for ok in ["Order 1234567", "İznik mug ×2", "ref 2024-01-01 12:00"] {
            assert!(check_free_text(ok, "description").is_ok(), "{ok}");
        }
        let err = check_free_text("4242424242424242", "description").unwrap_err();
        assert!(!err.message.contains("4242"), "never echoes the value");
    }
}
