//! `POST /v1/payments/:id/confirm` (#15): the API-only payment's share of a confirm — who may confirm, which card
//! (a `pm_…`, or raw card data on the SAQ D path), one more attempt — then the one payments engine
//! (`confirm::run_confirm`) does the rest exactly as for a checkout session.

use crate::accounts::auth::Caller;
use crate::payments::api_payments::{self, ApiPaymentRow};
use crate::payments::confirm::{self, Attempt, Payable};
use crate::payments::methods;
use crate::payments::owner::Owner;
use crate::platform::{query_one, Ctx, Stmt};
use crate::stmt;
use crate::store;
use hsrc_shared::api::{CardDetails, ConfirmResult, PaymentSummary};
use hsrc_shared::api::{ConfirmPaymentRequest, PaymentMethodRef};
use hsrc_shared::lifecycle::PaymentEvent;
use hsrc_shared::{codes, ApiError};

pub async fn confirm(
    ctx: &Ctx<'_>,
    caller: &Caller,
    payment_id: &str,
    req: ConfirmPaymentRequest,
) -> Result<ConfirmResult, ApiError> {
    let (payment, api) = api_payments::authorize(ctx, caller, payment_id, req.client_secret.as_deref()).await?;
    payment.status.next(PaymentEvent::Confirm).map_err(|e| ApiError::conflict(codes::STATE_CONFLICT, e.to_string()))?;
    if api.attempts >= api.max_attempts {
        return Err(ApiError::conflict(codes::STATE_CONFLICT, "This payment has no attempts left."));
    }
    let merchant = &caller.merchant;
    // The API row's share of the claim: one more attempt, guarded on the count we read.
    let mut claim = vec![
        stmt!(
            "UPDATE api_payments SET attempts = attempts + 1 WHERE payment_id = ?1 AND attempts = ?2",
            api.payment_id.as_str(),
            api.attempts
        ),
        Stmt::cas_guard(),
    ];
    let customer_reference = api.customer_reference.clone();
    let owner = Owner::Api(ApiPaymentRow { attempts: api.attempts + 1, ..api });
    let prelude = confirm::Prelude::load(ctx, &merchant.id, &payment.id, owner.attempt_scope(&payment)).await?;
    let (owner, payment) = match req.payment_method {
        PaymentMethodRef::Id(pm_id) => {
            let (pm, mark_used) =
                methods::usable(ctx, &merchant.id, &pm_id, &payment.id, customer_reference.as_deref()).await?;
            claim.extend(mark_used);
            let attempt = Attempt {
                claim,
                card: pm.card_details(),
                payable: Payable::Vaulted(&pm.provider_reference),
                needs_challenge: pm.challenge_required,
                plan: None,
                ride: None,
            };
            confirm::run_confirm(ctx, merchant, owner, payment, attempt, prelude).await?
        }
        PaymentMethodRef::Card(input) => {
            // Raw card data reaches us from the merchant's own systems only on the SAQ D path: test mode, or a live
            // merchant we flagged for it. Refused before the card is even parsed.
            if merchant.livemode && !raw_card_data_allowed(ctx, &merchant.id).await? {
                return Err(ApiError::forbidden(
                    codes::RAW_CARD_DATA_NOT_ALLOWED,
                    "Raw card data is not accepted in live mode: collect the card with HSRCCheckout.cardElement and confirm with its pm_ id.",
                )
                .with_param("payment_method"));
            }
            let (valid, scenario) =
                methods::accept_card(ctx, merchant.livemode, &input.card, "payment_method[card][number]")?;
            drop(input);
            let details = CardDetails {
                brand: valid.brand.as_str().into(),
                last4: valid.last4.clone(),
                exp_month: valid.exp_month,
                exp_year: valid.exp_year,
                fingerprint: Some(methods::fingerprint(ctx, &merchant.id, &valid)),
            };
            let attempt = Attempt {
                claim,
                card: details,
                payable: Payable::Card(&valid),
                needs_challenge: scenario.needs_challenge(),
                plan: None,
                ride: None,
            };
            let out = confirm::run_confirm(ctx, merchant, owner, payment, attempt, prelude).await?;
            drop(valid);
            out
        }
    };
    drop(owner);
    Ok(confirm::confirm_result(&payment))
}

/// Whether a live merchant is approved for the SAQ D path (`merchants.raw_card_data_allowed`, set by operations).
async fn raw_card_data_allowed(ctx: &Ctx<'_>, merchant_id: &str) -> Result<bool, ApiError> {
    #[derive(serde::Deserialize)]
    struct Flag {
        #[serde(deserialize_with = "crate::store::int_bool")]
        raw_card_data_allowed: bool,
    }
    let flag: Option<Flag> =
        query_one(ctx.db, stmt!("SELECT raw_card_data_allowed FROM merchants WHERE id = ?1", merchant_id))
            .await
            .map_err(store::internal)?;
    Ok(flag.is_some_and(|f| f.raw_card_data_allowed))
}

/// `GET /v1/payments/:id?client_secret=…` from the merchant's page: the payer's summary of its payment, read again
/// after a payment waiting on the provider (3DS, unknown outcome) has been reconciled.
pub async fn client_view(
    ctx: &Ctx<'_>,
    caller: &Caller,
    payment_id: &str,
    client_secret: Option<&str>,
) -> Result<PaymentSummary, ApiError> {
    let (payment, _) = api_payments::authorize(ctx, caller, payment_id, client_secret).await?;
    let payment = confirm::reconcile_payment_if_waiting(ctx, payment).await?;
    Ok(crate::payments::load_row(ctx, &payment.id).await?.summary())
}
