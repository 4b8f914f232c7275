//! Confirm and everything after it: 3DS challenges, provider routing with fallback, settling the outcome on the
//! payment and the session, and reconciling outcomes that arrive later (timeouts, abandoned challenges).
//!
//! Every step is a compare-and-set batch: of many racing confirms exactly one moves the session to PROCESSING, and
//! only that one ever reaches a provider. Card data exists only in this module's memory during the provider call.

use crate::auth::{self, Merchant};
use crate::platform::{query_as, query_one, Ctx, Stmt};
use crate::providers::{sandbox, Instrument, ProviderResult};
use crate::services::events::{types, NewEvent, Outbox};
use crate::services::records::{ChargeRow, PaymentRow, SessionRow};
use crate::services::transitions::{cas, timeline, Target};
use crate::services::{installments, payments, sessions};
use crate::stmt;
use crate::store::{self, to_json_text};
use hsrc_shared::api::{
    CaptureMethod, CardDetails, ConfirmRequest, ConfirmResponse, ConfirmResult, NextAction, PaymentError, RedirectToUrl,
};
use hsrc_shared::card::{self, ValidCard};
use hsrc_shared::lifecycle::{ChargeStatus, PaymentEvent, PaymentStatus, SessionEvent, SessionStatus};
use hsrc_shared::{codes, crypto, validate, ApiError};
use serde::{Deserialize, Serialize};

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
    // Installments (#16): the payer's plan, checked against the card's BIN; its total is what gets charged.
    let plan = installments::for_confirm(ctx, &session, &card.digits, req.payment_method.installments).await?;
    let charged = plan.as_ref().map_or(session.amount, |p| p.total_amount);

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
    let needs_challenge = session.secure_mode || scenario == sandbox::Scenario::Challenge;
    let first_provider = merchant.providers.first().cloned().unwrap_or_else(|| sandbox::PRIMARY.into());
    let charge = ChargeRow {
        id: ctx.new_id("ch"),
        payment_id: payment.id.clone(),
        sequence,
        provider: first_provider,
        status: if needs_challenge { ChargeStatus::RequiresAction } else { ChargeStatus::Pending },
        amount: charged,
        decline_code: None,
        message: None,
        latency_ms: None,
        provider_reference: None,
        request_id: Some(ctx.request_id.clone()),
        created_at: ctx.now_ms(),
        resolved_at: None,
        installments: plan.clone(),
    };

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
            ("amount", charged.into()),
            ("installments", plan.as_ref().map(to_json_text).into()),
        ],
    ));
    statements.push(insert_charge(&charge));
    statements.push(timeline(ctx, "charge", &charge.id, None, charge.status.as_str()));
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
        amount: charged,
        installments: plan,
        ..payment
    };

    let mut outbox = Outbox::default();
    if needs_challenge {
        let challenge_id = ctx.new_id("chl");
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
        statements.push(sandbox::vault_statement(ctx, &challenge_id, &scenario));
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
        let (charges, result) = route(ctx, &merchant, charge, &Instrument::Card(&card), session.capture_method).await?;
        (session, payment) = settle(ctx, session, payment, charges, result).await?;
    }
    drop(card);
    let view = sessions::view_of(&session, &payment, &merchant.name);
    let next_action = if payment.status == PaymentStatus::RequiresAction { payment.next_action.clone() } else { None };
    Ok(ConfirmResponse {
        confirm_result: ConfirmResult { payment: payment.summary(), payment_next_action: next_action },
        checkout_session: view,
    })
}

fn event<'a>(kind: &'static str, session: &'a SessionRow, object: serde_json::Value) -> NewEvent<'a> {
    NewEvent {
        kind,
        merchant_id: &session.merchant_id,
        livemode: session.livemode,
        payment_id: Some(&session.payment_id),
        checkout_session_id: Some(&session.id),
        object,
    }
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

fn insert_charge(c: &ChargeRow) -> Stmt {
    stmt!(
        "INSERT INTO charges (id, payment_id, sequence, provider, status, amount, decline_code, message, latency_ms, provider_reference, request_id, created_at, resolved_at, installments) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        c.id.as_str(),
        c.payment_id.as_str(),
        c.sequence,
        c.provider.as_str(),
        c.status.as_str(),
        c.amount,
        c.decline_code.clone(),
        c.message.clone(),
        c.latency_ms,
        c.provider_reference.clone(),
        c.request_id.clone(),
        c.created_at,
        c.resolved_at,
        c.installments.as_ref().map(to_json_text)
    )
}

/// A charge attempt as routing leaves it: `stored_status` is what the row holds now (None: not written yet).
struct Attempt {
    charge: ChargeRow,
    stored_status: Option<ChargeStatus>,
}

/// Tries the merchant's providers in order from the one `first` is for; a retryable failure moves to the next
/// provider as a new charge, anything else ends routing.
async fn route(
    ctx: &Ctx<'_>,
    merchant: &Merchant,
    first: ChargeRow,
    instrument: &Instrument<'_>,
    capture_method: CaptureMethod,
) -> Result<(Vec<Attempt>, ProviderResult), ApiError> {
    let providers =
        if merchant.providers.is_empty() { vec![sandbox::PRIMARY.to_string()] } else { merchant.providers.clone() };
    let start = providers.iter().position(|p| *p == first.provider).unwrap_or(0);
    let capture = capture_method == CaptureMethod::Automatic;
    let mut attempts: Vec<Attempt> = Vec::new();
    let mut result = ProviderResult::Unavailable { message: "No provider is configured.".into() };
    for (index, provider) in providers.iter().enumerate().skip(start) {
        let (mut charge, stored_status) = if attempts.is_empty() {
            let stored = first.status;
            (ChargeRow { status: ChargeStatus::Pending, ..first.clone() }, Some(stored))
        } else {
            let prev = &attempts[attempts.len() - 1].charge;
            let charge = ChargeRow {
                id: ctx.new_id("ch"),
                sequence: prev.sequence + 1,
                provider: provider.clone(),
                status: ChargeStatus::Pending,
                decline_code: None,
                message: None,
                latency_ms: None,
                provider_reference: None,
                created_at: ctx.now_ms(),
                resolved_at: None,
                ..prev.clone()
            };
            (charge, None)
        };
        let started = ctx.now_ms();
        result = sandbox::authorize(ctx, provider, &charge.id, instrument, index == 0, capture).await?;
        charge.latency_ms = Some(ctx.now_ms() - started);
        charge.provider_reference = Some(charge.id.clone());
        apply_result(ctx, &mut charge, &result);
        let retry = result.is_retryable();
        attempts.push(Attempt { charge, stored_status });
        if !retry {
            break;
        }
    }
    Ok((attempts, result))
}

fn apply_result(ctx: &Ctx<'_>, charge: &mut ChargeRow, result: &ProviderResult) {
    let (status, code, message) = match result {
        ProviderResult::Approved { captured: true } => (ChargeStatus::Succeeded, None, None),
        ProviderResult::Approved { captured: false } => (ChargeStatus::Authorized, None, None),
        ProviderResult::Declined { code, message } => {
            (ChargeStatus::Declined, Some(code.clone()), Some(message.clone()))
        }
        ProviderResult::Unavailable { message } => {
            (ChargeStatus::Failed, Some("processing_error".to_string()), Some(message.clone()))
        }
        ProviderResult::Pending => (ChargeStatus::Pending, None, None),
    };
    charge.status = status;
    charge.decline_code = code;
    charge.message = message;
    if status.is_terminal() {
        charge.resolved_at = Some(ctx.now_ms());
    }
}

/// Writes the outcome of routing: the charges, the payment's and the session's new states and their events, in one
/// batch guarded by compare-and-set on both. Returns the new session and payment.
async fn settle(
    ctx: &Ctx<'_>,
    session: SessionRow,
    payment: PaymentRow,
    attempts: Vec<Attempt>,
    result: ProviderResult,
) -> Result<(SessionRow, PaymentRow), ApiError> {
    let mut statements = Vec::new();
    for a in &attempts {
        statements.extend(write_charge(ctx, &a.charge, a.stored_status));
        if a.charge.status == ChargeStatus::Declined {
            statements.extend(crate::services::limits::record_decline(ctx, &payment, &a.charge.id));
        }
    }
    let mut all_charges = payments::charges(ctx, &payment.id).await?;
    for a in &attempts {
        match all_charges.iter_mut().find(|c| c.id == a.charge.id) {
            Some(existing) => *existing = a.charge.clone(),
            None => all_charges.push(a.charge.clone()),
        }
    }

    let (payment_event, last_error) = match &result {
        ProviderResult::Pending => {
            ctx.db
                .batch(statements)
                .await
                .map_err(|e| store::conflict_or_internal(e, "The payment changed at the same time."))?;
            return Ok((session, payment));
        }
        ProviderResult::Approved { captured: true } => (PaymentEvent::Succeed, None),
        ProviderResult::Approved { captured: false } => (PaymentEvent::Authorize, None),
        ProviderResult::Declined { code, message } => (
            PaymentEvent::RequirePaymentMethod,
            Some(PaymentError {
                code: codes::CARD_DECLINED.into(),
                decline_code: Some(code.clone()),
                message: message.clone(),
            }),
        ),
        ProviderResult::Unavailable { .. } => (
            PaymentEvent::RequirePaymentMethod,
            Some(PaymentError {
                code: codes::PROCESSING_ERROR.into(),
                decline_code: Some("processing_error".into()),
                message: sandbox::decline_message("processing_error").into(),
            }),
        ),
    };
    let mut payment_to = payment.status.next(payment_event)?;
    let session_event = match payment_to {
        PaymentStatus::Succeeded | PaymentStatus::Authorized => SessionEvent::PaymentSucceeded,
        _ => SessionEvent::PaymentNeedsNewMethod { attempts_remain: session.attempts < session.max_attempts },
    };
    let session_to = session.status.next(session_event)?;
    let mut payment_steps = vec![payment_to];
    if session_to == SessionStatus::Failed {
        payment_to = payment_to.next(PaymentEvent::Fail)?;
        payment_steps.push(payment_to);
    }
    let captured = if payment_to == PaymentStatus::Succeeded { payment.amount } else { 0 };
    let mut version = payment.version;
    let mut from = payment.status;
    for step in &payment_steps {
        statements.extend(cas(
            ctx,
            Target { status: from.as_str(), version, ..Target::payment(&payment) },
            step.as_str(),
            vec![
                ("last_error", last_error.as_ref().map(to_json_text).into()),
                ("next_action", crate::platform::SqlValue::Null),
                ("amount_captured", captured.into()),
            ],
        ));
        version += 1;
        from = *step;
    }
    statements.extend(cas(ctx, Target::session(&session), session_to.as_str(), vec![]));
    let session_after =
        SessionRow { status: session_to, version: session.version + 1, updated_at: ctx.now_ms(), ..session };
    let payment_after = PaymentRow {
        status: payment_to,
        version,
        amount_captured: captured,
        last_error,
        next_action: None,
        updated_at: ctx.now_ms(),
        ..payment
    };

    let mut outbox = Outbox::default();
    for a in &attempts {
        let kind = match a.charge.status {
            ChargeStatus::Succeeded | ChargeStatus::Authorized => types::CHARGE_SUCCEEDED,
            ChargeStatus::Declined => types::CHARGE_DECLINED,
            ChargeStatus::Failed => types::CHARGE_FAILED,
            ChargeStatus::Pending | ChargeStatus::RequiresAction => continue,
        };
        outbox.push(ctx, event(kind, &session_after, serde_json::to_value(a.charge.to_api()).unwrap_or_default()));
    }
    let payment_object =
        serde_json::to_value(payments::api_object_with(ctx, &payment_after, &session_after, &all_charges).await?)
            .unwrap_or_default();
    let session_object = serde_json::to_value(session_after.to_api(None)).unwrap_or_default();
    match payment_to {
        PaymentStatus::Succeeded => outbox.push(ctx, event(types::PAYMENT_SUCCEEDED, &session_after, payment_object)),
        PaymentStatus::Authorized => outbox.push(ctx, event(types::PAYMENT_AUTHORIZED, &session_after, payment_object)),
        PaymentStatus::Failed => outbox.push(ctx, event(types::PAYMENT_FAILED, &session_after, payment_object)),
        _ => {}
    }
    match session_to {
        SessionStatus::Completed => outbox.push(ctx, event(types::SESSION_COMPLETED, &session_after, session_object)),
        SessionStatus::Failed => outbox.push(ctx, event(types::SESSION_FAILED, &session_after, session_object)),
        _ => {}
    }
    statements.append(&mut outbox.statements);
    ctx.db
        .batch(statements)
        .await
        .map_err(|e| store::conflict_or_internal(e, "The payment changed at the same time; read it again."))?;
    outbox.publish(ctx).await;
    Ok((session_after, payment_after))
}

/// Writes one charge: a new row, or the resolution of a waiting one (compare-and-set on its waiting status).
fn write_charge(ctx: &Ctx<'_>, charge: &ChargeRow, stored: Option<ChargeStatus>) -> Vec<Stmt> {
    match stored {
        None => vec![insert_charge(charge), timeline(ctx, "charge", &charge.id, None, charge.status.as_str())],
        Some(stored) if stored == charge.status => vec![],
        Some(stored) => vec![
            stmt!(
                "UPDATE charges SET status = ?1, decline_code = ?2, message = ?3, latency_ms = ?4, provider_reference = ?5, resolved_at = ?6 WHERE id = ?7 AND status = ?8",
                charge.status.as_str(),
                charge.decline_code.clone(),
                charge.message.clone(),
                charge.latency_ms,
                charge.provider_reference.clone(),
                charge.resolved_at,
                charge.id.as_str(),
                stored.as_str()
            ),
            Stmt::cas_guard(),
            timeline(ctx, "charge", &charge.id, Some(stored.as_str()), charge.status.as_str()),
        ],
    }
}

/// A 3DS challenge as the challenge page sees it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChallengeView {
    pub id: String,
    pub status: String,
    pub amount: i64,
    pub currency: String,
    pub merchant_name: String,
    pub card_brand: Option<String>,
    pub card_last4: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct ChallengeRow {
    id: String,
    payment_id: String,
    charge_id: String,
    status: String,
    #[serde(deserialize_with = "crate::store::int")]
    expires_at: i64,
}

async fn load_challenge(ctx: &Ctx<'_>, id: &str) -> Result<ChallengeRow, ApiError> {
    let row: Option<ChallengeRow> = query_one(
        ctx.db,
        stmt!("SELECT id, payment_id, charge_id, status, expires_at FROM challenges WHERE id = ?1", id),
    )
    .await
    .map_err(store::internal)?;
    row.ok_or_else(|| ApiError::not_found("3DS challenge", id))
}

pub async fn challenge_view(ctx: &Ctx<'_>, id: &str) -> Result<ChallengeView, ApiError> {
    let challenge = load_challenge(ctx, id).await?;
    let payment = payments::load_row(ctx, &challenge.payment_id).await?;
    let merchant = auth::merchant_by_id(ctx, &payment.merchant_id).await?.ok_or_else(ApiError::internal)?;
    let status = if challenge.status == "pending" && ctx.now_ms() >= challenge.expires_at {
        "abandoned".to_string()
    } else {
        challenge.status
    };
    Ok(ChallengeView {
        id: challenge.id,
        status,
        amount: payment.amount,
        currency: payment.currency.clone(),
        merchant_name: merchant.name,
        card_brand: payment.card.as_ref().map(|c| c.brand.clone()),
        card_last4: payment.card.as_ref().map(|c| c.last4.clone()),
    })
}

/// The merchant behind a challenge (for the challenge page's framing policy).
pub async fn challenge_merchant(ctx: &Ctx<'_>, id: &str) -> Result<Merchant, ApiError> {
    let challenge = load_challenge(ctx, id).await?;
    let payment = payments::load_row(ctx, &challenge.payment_id).await?;
    auth::merchant_by_id(ctx, &payment.merchant_id).await?.ok_or_else(ApiError::internal)
}

/// The payer finished (or the clock abandoned) a challenge: resume at the provider, or ask for another card.
pub async fn complete_challenge(ctx: &Ctx<'_>, id: &str, passed: bool) -> Result<ChallengeView, ApiError> {
    let challenge = load_challenge(ctx, id).await?;
    if challenge.status != "pending" {
        return Err(ApiError::conflict(
            codes::STATE_CONFLICT,
            format!("This 3DS challenge is already {}.", challenge.status),
        ));
    }
    let expired = ctx.now_ms() >= challenge.expires_at;
    resolve_challenge(
        ctx,
        challenge,
        passed && !expired,
        if expired {
            "abandoned"
        } else if passed {
            "passed"
        } else {
            "failed"
        },
    )
    .await?;
    challenge_view(ctx, id).await
}

async fn resolve_challenge(
    ctx: &Ctx<'_>,
    challenge: ChallengeRow,
    passed: bool,
    outcome: &str,
) -> Result<(), ApiError> {
    let payment = payments::load_row(ctx, &challenge.payment_id).await?;
    let session = sessions::load(ctx, &payment.merchant_id, &payment.checkout_session_id).await?;
    let charge = payments::charges(ctx, &payment.id)
        .await?
        .into_iter()
        .find(|c| c.id == challenge.charge_id)
        .ok_or_else(ApiError::internal)?;
    let mark = vec![
        stmt!(
            "UPDATE challenges SET status = ?1, resolved_at = ?2 WHERE id = ?3 AND status = 'pending'",
            outcome,
            ctx.now_ms(),
            challenge.id.as_str()
        ),
        Stmt::cas_guard(),
    ];
    let conflict = |e| store::conflict_or_internal(e, "This 3DS challenge was completed at the same time.");
    if !passed {
        // The challenge batch and the decline settle separately; the guard on the challenge row makes the first
        // one the only winner, and settle's own compare-and-set protects the payment.
        ctx.db.batch(mark).await.map_err(conflict)?;
        let mut declined = charge.clone();
        declined.latency_ms = Some(ctx.now_ms() - charge.created_at);
        apply_result(
            ctx,
            &mut declined,
            &ProviderResult::Declined {
                code: "authentication_failed".into(),
                message: sandbox::decline_message("authentication_failed").into(),
            },
        );
        let attempts = vec![Attempt { charge: declined, stored_status: Some(charge.status) }];
        let result = ProviderResult::Declined {
            code: "authentication_failed".into(),
            message: sandbox::decline_message("authentication_failed").into(),
        };
        settle(ctx, session, payment, attempts, result).await?;
        return Ok(());
    }
    let to = payment.status.next(PaymentEvent::ActionCompleted)?;
    let mut statements = mark;
    statements.extend(cas(
        ctx,
        Target::payment(&payment),
        to.as_str(),
        vec![("next_action", crate::platform::SqlValue::Null)],
    ));
    ctx.db.batch(statements).await.map_err(conflict)?;
    let payment = PaymentRow { status: to, version: payment.version + 1, next_action: None, ..payment };
    let merchant = auth::merchant_by_id(ctx, &payment.merchant_id).await?.ok_or_else(ApiError::internal)?;
    let (attempts, result) =
        route(ctx, &merchant, charge, &Instrument::Vaulted(&challenge.id), session.capture_method).await?;
    settle(ctx, session, payment, attempts, result).await?;
    Ok(())
}

/// If the session waits on something that may have finished (a provider timeout, an abandoned challenge), settle
/// it now. Called on reads so payers and merchants see outcomes without waiting for the scheduled job.
pub async fn reconcile_if_waiting(ctx: &Ctx<'_>, session: SessionRow) -> Result<SessionRow, ApiError> {
    if session.status != SessionStatus::Processing {
        return Ok(session);
    }
    let payment = payments::load_row(ctx, &session.payment_id).await?;
    let outcome = match payment.status {
        PaymentStatus::Processing => reconcile_pending_charges(ctx, &session, &payment).await,
        PaymentStatus::RequiresAction => abandon_expired_challenge(ctx, &payment).await,
        _ => Ok(()),
    };
    match outcome {
        // Another reader settled it first: fine, read the result.
        Ok(()) | Err(ApiError { status: 409, .. }) => sessions::load(ctx, &session.merchant_id, &session.id).await,
        Err(e) => Err(e),
    }
}

async fn reconcile_pending_charges(ctx: &Ctx<'_>, session: &SessionRow, payment: &PaymentRow) -> Result<(), ApiError> {
    let waiting: Vec<ChargeRow> =
        payments::charges(ctx, &payment.id).await?.into_iter().filter(|c| c.status == ChargeStatus::Pending).collect();
    let Some(charge) = waiting.into_iter().last() else { return Ok(()) };
    let result = sandbox::lookup(ctx, charge.provider_reference.as_deref().unwrap_or(&charge.id)).await?;
    if result == ProviderResult::Pending {
        return Ok(());
    }
    if matches!(result, ProviderResult::Unavailable { .. }) && ctx.now_ms() - charge.created_at < 60_000 {
        // The attempt may still be on its way to the provider: give it a minute before calling it lost.
        return Ok(());
    }
    let mut resolved = charge.clone();
    apply_result(ctx, &mut resolved, &result);
    resolved.latency_ms = Some(ctx.now_ms() - charge.created_at);
    let attempts = vec![Attempt { charge: resolved, stored_status: Some(charge.status) }];
    settle(ctx, session.clone(), payment.clone(), attempts, result).await?;
    Ok(())
}

async fn abandon_expired_challenge(ctx: &Ctx<'_>, payment: &PaymentRow) -> Result<(), ApiError> {
    let challenge: Option<ChallengeRow> = query_one(
        ctx.db,
        stmt!("SELECT id, payment_id, charge_id, status, expires_at FROM challenges WHERE payment_id = ?1 AND status = 'pending' AND expires_at <= ?2", payment.id.as_str(), ctx.now_ms()),
    )
    .await
    .map_err(store::internal)?;
    match challenge {
        Some(c) => resolve_challenge(ctx, c, false, "abandoned").await,
        None => Ok(()),
    }
}

/// The scheduled job's share: settle every session waiting on a timeout or an abandoned challenge.
pub async fn reconcile_due(ctx: &Ctx<'_>, limit: u32) -> Result<usize, ApiError> {
    #[derive(Deserialize)]
    struct Waiting {
        id: String,
        merchant_id: String,
    }
    let waiting: Vec<Waiting> = query_as(
        ctx.db,
        stmt!(
            "SELECT DISTINCT s.id, s.merchant_id FROM checkout_sessions s JOIN charges c ON c.payment_id = s.payment_id \
             WHERE s.status = 'PROCESSING' AND c.status IN ('pending', 'requires_action') LIMIT ?1",
            i64::from(limit)
        ),
    )
    .await
    .map_err(store::internal)?;
    let mut settled = 0;
    for w in waiting {
        let session = sessions::load(ctx, &w.merchant_id, &w.id).await?;
        let after = reconcile_if_waiting(ctx, session).await?;
        if after.status != SessionStatus::Processing {
            settled += 1;
        }
    }
    Ok(settled)
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
