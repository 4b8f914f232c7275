//! The payer's confirm: validates the card, claims the session and the payment and writes the first attempt
//! `pending` in one compare-and-set batch (of many racing confirms exactly one wins, and only that one ever reaches
//! a provider), then hands the attempt to the engine (`services::engine`). Card data exists only in memory during
//! the provider call. The engine's 3DS and reconciliation entry points are re-exported here for the routes.

use crate::auth;
use crate::platform::{query_one, Ctx};
use crate::providers::{self, attempt_reference, sandbox, Instrument, VaultOutcome};
use crate::services::engine::challenge::providers_of;
use crate::services::engine::route::{route, Routed};
use crate::services::engine::settle::settle;
use crate::services::engine::{event, insert_charge};
use crate::services::events::{types, Outbox};
use crate::services::records::{ChargeRow, PaymentRow, SessionRow};
use crate::services::transitions::{cas, Target};
use crate::services::{payments, sessions};
use crate::stmt;
use crate::store::{self, to_json_text};
use hsrc_shared::api::{
    CaptureMethod, CardDetails, ConfirmRequest, ConfirmResponse, ConfirmResult, NextAction, RedirectToUrl,
};
use hsrc_shared::card::{self, ValidCard};
use hsrc_shared::lifecycle::{ChargeStatus, PaymentEvent, PaymentStatus, SessionEvent};
use hsrc_shared::{codes, crypto, validate, ApiError};
use serde::Deserialize;

pub use crate::services::engine::challenge::{challenge_merchant, challenge_view, complete_challenge, ChallengeView};
pub use crate::services::engine::reconcile::{reconcile_due, reconcile_if_waiting};

/// `POST /v1/checkout-sessions/token/:token/confirm`.
pub async fn confirm(ctx: &Ctx<'_>, token: &str, req: ConfirmRequest) -> Result<ConfirmResponse, ApiError> {
    let session = sessions::open_session_for_payer(ctx, token).await?;
    let (year, month) = civil_year_month(ctx.now_ms());
    let card = card::validate_card(&req.payment_method.card, year, month)?;
    if session.livemode {
        // Live keys never reach the sandbox, and no live acquirer is wired in yet.
        return Err(ApiError::card(
            codes::PROCESSING_ERROR,
            None,
            "No live payment provider is configured for this merchant.",
        ));
    }
    let scenario = sandbox::scenario(&card.digits).ok_or_else(|| {
        ApiError::invalid_code(codes::LIVE_CARD_IN_TEST_MODE, "payment_method[card][number]", "This is a test checkout: use one of the sandbox test cards. Real card numbers are refused and never stored.")
    })?;
    let payer = sessions::merge_payer(session.payer.clone(), req.payer.unwrap_or_default());
    let payer = validate::payer_details(&payer, &session.custom_fields)?;
    validate::payer_complete(&payer, &session.collect, &session.custom_fields)?;

    let merchant = auth::merchant_by_id(ctx, &session.merchant_id).await?.ok_or_else(ApiError::internal)?;
    let payment = payments::load_row(ctx, &session.payment_id).await?;
    let session_to =
        session.status.next(SessionEvent::Confirm).map_err(|e| sessions::not_open(&session, e.to_string()))?;
    let payment_to =
        payment.status.next(PaymentEvent::Confirm).map_err(|e| sessions::not_open(&session, e.to_string()))?;
    let sequence = next_sequence(ctx, &payment.id).await?;
    let card_details = CardDetails {
        brand: card.brand.as_str().into(),
        last4: card.last4.clone(),
        exp_month: card.exp_month,
        exp_year: card.exp_year,
        fingerprint: Some(fingerprint(ctx, &merchant.id, &card)),
    };
    crate::services::limits::check_card_testing(
        ctx,
        &merchant.id,
        card_details.fingerprint.as_deref().unwrap_or_default(),
        &session.id,
    )
    .await?;
    let needs_challenge = session.secure_mode || scenario.needs_challenge();
    let providers = providers_of(&merchant);
    let charge = ChargeRow {
        id: ctx.new_id("ch"),
        payment_id: payment.id.clone(),
        sequence,
        provider: providers[0].clone(),
        status: if needs_challenge { ChargeStatus::RequiresAction } else { ChargeStatus::Pending },
        amount: payment.amount,
        decline_code: None,
        message: None,
        latency_ms: None,
        // Attempt before call: the reference the provider will see is stored before it is sent.
        provider_reference: Some(attempt_reference(&payment.id, sequence)),
        request_id: Some(ctx.request_id.clone()),
        created_at: ctx.now_ms(),
        resolved_at: None,
        version: 1,
        authorization_expires_at: None,
        written_off_at: None,
    };
    let challenge_id = needs_challenge.then(|| ctx.new_id("chl"));
    if let Some(challenge_id) = &challenge_id {
        // The provider keeps the card for the authorization after the challenge; no money moves, so a loser of the
        // claim below only leaves an unused vault entry.
        let acquirer = providers::acquirer(&charge.provider).ok_or_else(ApiError::internal)?;
        if let VaultOutcome::Unavailable { .. } = acquirer.vault(ctx, challenge_id, &card).await {
            return Err(ApiError::card(codes::PROCESSING_ERROR, None, sandbox::decline_message("processing_error")));
        }
    }

    // Batch 1: claim the session and the payment. Losers of a race stop here with nothing written.
    let mut statements = cas(
        ctx,
        Target::session(&session),
        session_to.as_str(),
        vec![("payer", to_json_text(&payer).into()), ("attempts", (session.attempts + 1).into())],
    );
    statements.extend(cas(
        ctx,
        Target::payment(&payment),
        payment_to.as_str(),
        vec![
            ("card", to_json_text(&card_details).into()),
            ("next_action", crate::platform::SqlValue::Null),
            ("last_error", crate::platform::SqlValue::Null),
        ],
    ));
    statements.extend(insert_charge(ctx, &charge));
    let mut session = SessionRow {
        status: session_to,
        version: session.version + 1,
        attempts: session.attempts + 1,
        payer: Some(payer),
        ..session
    };
    let mut payment = PaymentRow {
        status: payment_to,
        version: payment.version + 1,
        card: Some(card_details),
        next_action: None,
        last_error: None,
        ..payment
    };

    let mut outbox = Outbox::default();
    if let Some(challenge_id) = challenge_id {
        let action = NextAction::RedirectUserToUrl {
            redirect_user_to_url: RedirectToUrl {
                url: format!("{}/checkout/3ds/{challenge_id}", ctx.config.public_origin),
            },
        };
        let to = payment.status.next(PaymentEvent::RequireAction)?;
        statements.extend(cas(
            ctx,
            Target::payment(&payment),
            to.as_str(),
            vec![("next_action", to_json_text(&action).into())],
        ));
        statements.push(stmt!(
            "INSERT INTO challenges (id, payment_id, charge_id, status, created_at, expires_at) VALUES (?1, ?2, ?3, 'pending', ?4, ?5)",
            challenge_id.as_str(),
            payment.id.as_str(),
            charge.id.as_str(),
            ctx.now_ms(),
            ctx.now_ms() + ctx.config.challenge_ttl_ms
        ));
        payment = PaymentRow { status: to, version: payment.version + 1, next_action: Some(action), ..payment };
        let object = payments::api_object_with(ctx, &payment, &session, std::slice::from_ref(&charge)).await?;
        outbox.push(
            ctx,
            event(types::PAYMENT_REQUIRES_ACTION, &session, serde_json::to_value(object).unwrap_or_default()),
        );
    }
    statements.append(&mut outbox.statements);
    ctx.db.batch(statements).await.map_err(|e| match e {
        crate::platform::DbError::Conflict => {
            ApiError::conflict(codes::SESSION_PROCESSING, "This checkout session is already being paid.")
        }
        other => store::internal(other),
    })?;
    outbox.publish(ctx).await;

    if !needs_challenge {
        let capture = session.capture_method == CaptureMethod::Automatic;
        match route(ctx, &session, &providers, charge, &Instrument::Card(&card), capture).await? {
            Routed::Answered { charge, verdict } => {
                (session, payment) = settle(ctx, session, payment, &charge, verdict, vec![]).await?;
            }
            // Outcome unknown: the payment stays PROCESSING until a lookup settles it: right after the response
            // (wait_until), on the payer's next poll, or by the cron job, whichever comes first.
            Routed::Waiting { .. } => ctx.background.after_response(crate::platform::AfterResponse::Reconcile {
                merchant_id: session.merchant_id.clone(),
                session_id: session.id.clone(),
            }),
        }
    }
    drop(card);
    let view = sessions::view_of(&session, &payment, &merchant.name);
    let next_action = if payment.status == PaymentStatus::RequiresAction { payment.next_action.clone() } else { None };
    Ok(ConfirmResponse {
        confirm_result: ConfirmResult { payment: payment.summary(), payment_next_action: next_action },
        checkout_session: view,
    })
}

/// Keyed hash of the card number: the same card is recognisable within one merchant, useless anywhere else.
fn fingerprint(ctx: &Ctx<'_>, merchant_id: &str, card: &ValidCard) -> String {
    let key = format!("{}:{merchant_id}", ctx.config.fingerprint_key);
    crypto::hex(&crypto::hmac_sha256(key.as_bytes(), card.digits.as_bytes()))[..32].to_string()
}

async fn next_sequence(ctx: &Ctx<'_>, payment_id: &str) -> Result<i64, ApiError> {
    #[derive(Deserialize)]
    struct N {
        #[serde(deserialize_with = "crate::store::int")]
        n: i64,
    }
    let n: Option<N> = query_one(
        ctx.db,
        stmt!("SELECT COALESCE(MAX(sequence), 0) AS n FROM charges WHERE payment_id = ?1", payment_id),
    )
    .await
    .map_err(store::internal)?;
    Ok(n.map_or(0, |n| n.n) + 1)
}

/// (year, month) of a Unix-milliseconds instant in UTC, for card expiry checks.
pub fn civil_year_month(now_ms: i64) -> (i32, u32) {
    // Howard Hinnant's days-to-civil algorithm.
    let z = now_ms.div_euclid(86_400_000) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year as i32, month as u32)
}

#[cfg(test)]
mod tests {
    #[test]
    fn civil_dates() {
        assert_eq!(super::civil_year_month(0), (1970, 1));
        assert_eq!(super::civil_year_month(1_795_000_000_000), (2026, 11));
        assert_eq!(super::civil_year_month(951_782_400_000), (2000, 2)); // 2000-02-29
    }
}
