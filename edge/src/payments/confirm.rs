//! The payer's confirm: validates the card, claims the session and the payment and writes the first attempt
//! `pending` in one compare-and-set batch (of many racing confirms exactly one wins, and only that one ever reaches
//! a provider), then hands the attempt to the engine (`payments::{route,settle}`). Card data exists only in memory during
//! the provider call. The engine's 3DS and reconciliation entry points are re-exported here for the routes.

use crate::accounts::auth;
use crate::card_testing;
use crate::payments::challenge::providers_of;
use crate::payments::insert_charge;
use crate::payments::owner::Owner;
use crate::payments::ride::{Ahead, Ride};
use crate::payments::route::{new_attempt, route, Routed};
use crate::payments::settle::settle_answered;
use crate::payments::Trail;
use crate::payments::{self, installments, methods};
use crate::platform::{first_as, Ctx, IdSql, Row, Stmt};
use crate::providers::{self, sandbox, Instrument, VaultOutcome};
use crate::records::{ChargeRow, PaymentRow, SessionRow};
use crate::sessions;
use crate::sessions::transitions::{cas, Target};
use crate::stmt;
use crate::store::{self, to_json_text};
use crate::webhooks::events::{types, Outbox};
use hsrc_shared::api::{CardDetails, ConfirmRequest, ConfirmResponse, ConfirmResult, NextAction, RedirectToUrl};
use hsrc_shared::card::ValidCard;

use hsrc_shared::lifecycle::{ChargeStatus, PaymentEvent, PaymentStatus, SessionEvent};
use hsrc_shared::{codes, validate, ApiError};
use serde::Deserialize;

pub use crate::payments::challenge::{challenge_merchant, challenge_view, complete_challenge, ChallengeView};
pub use crate::payments::reconcile::{reconcile_due, reconcile_if_waiting, reconcile_payment_if_waiting};

/// Everything the confirm reads before its claim, for ONE round trip, all by the token: the session, its merchant
/// and payment, the prelude, and the payment's trail (so settling reads nothing after the provider call).
pub fn reads(ctx: &Ctx<'_>, token: &str) -> Vec<Stmt> {
    let hash = store::token_hash(token);
    let of_session = |column| IdSql::Of { table: "checkout_sessions", key: "token_hash", column, value: hash.as_str() };
    let mut reads = vec![
        sessions::by_token_hash_stmt(&hash),
        auth::merchant_stmt(of_session("merchant_id")),
        payments::resource::row_stmt(of_session("payment_id")),
    ];
    reads.extend(prelude_reads_of(ctx, of_session("merchant_id"), of_session("payment_id"), of_session("id")));
    reads.extend(Trail::reads(of_session("payment_id")));
    reads
}

/// `POST /v1/checkout-sessions/token/:token/confirm`. `ahead` holds the rows of [`reads`] when the pipeline read
/// them in its own round trip (the idempotency key's read), and the key when it rides the confirm's batches; None:
/// read here.
pub async fn confirm(
    ctx: &Ctx<'_>,
    token: &str,
    req: ConfirmRequest,
    ahead: Option<Ahead>,
) -> Result<ConfirmResponse, ApiError> {
    let (read, key) = match ahead {
        Some(Ahead { rows, key }) => (rows, key),
        None => (ctx.db.query_many(reads(ctx, token)).await.map_err(store::internal)?, None),
    };
    let mut results = read.into_iter();
    let session: Option<SessionRow> = first_as(results.next()).map_err(store::internal)?;
    let merchant: Option<auth::Merchant> = first_as(results.next()).map_err(store::internal)?;
    let payment: Option<PaymentRow> = first_as(results.next()).map_err(store::internal)?;
    let prelude = Prelude::of(&mut results)?;
    let prelude = Prelude { trail: Some(Trail::of(&mut results)?), ..prelude };
    let session = sessions::open_read_for_payer(ctx, session).await?;
    // The one card gate (the session's mode: live sessions never reach the sandbox).
    let (card, scenario) =
        methods::accept_card(ctx, session.livemode, &req.payment_method.card, "payment_method[card][number]")?;
    let payer = sessions::merge_payer(session.payer.clone(), req.payer.unwrap_or_default());
    let payer = validate::payer_details(&payer, &session.custom_fields)?;
    validate::payer_complete(&payer, &session.collect, &session.custom_fields)?;
    // Installments (#16): the payer's plan, checked against the card's BIN; its total is what gets charged.
    let plan = installments::for_confirm(ctx, &session, &card.digits, req.payment_method.installments).await?;

    let merchant = merchant.ok_or_else(ApiError::internal)?;
    let payment = payment.ok_or_else(|| ApiError::not_found("payment", &session.payment_id))?;
    let session_to =
        session.status.next(SessionEvent::Confirm).map_err(|e| sessions::not_open(&session, e.to_string()))?;
    payment.status.next(PaymentEvent::Confirm).map_err(|e| sessions::not_open(&session, e.to_string()))?;
    let card_details = CardDetails {
        brand: card.brand.as_str().into(),
        last4: card.last4.clone(),
        exp_month: card.exp_month,
        exp_year: card.exp_year,
        fingerprint: Some(methods::fingerprint(ctx, &merchant.id, &card)),
    };
    // The session's share of the claim: PENDING → PROCESSING with the payer and one more attempt.
    let claim = cas(
        ctx,
        Target::session(&session),
        session_to.as_str(),
        vec![("payer", to_json_text(&payer).into()), ("attempts", (session.attempts + 1).into())],
    );
    let session = SessionRow {
        status: session_to,
        version: session.version + 1,
        attempts: session.attempts + 1,
        payer: Some(payer),
        ..session
    };
    // The key's answer is this confirm's response, built from the state the batch that stores it writes.
    let respond = |owner: &Owner, payment: &PaymentRow| match owner {
        Owner::Session(session) => serde_json::to_vec(&response_of(session, payment, &merchant.name)).ok(),
        Owner::Api(_) => None,
    };
    let ride = key.as_deref().map(|key| Ride { key, respond: &respond });
    let attempt = Attempt {
        claim,
        card: card_details,
        payable: Payable::Card(&card),
        needs_challenge: scenario.needs_challenge(),
        plan,
        ride: ride.as_ref(),
    };
    let (owner, payment) = run_confirm(ctx, &merchant, Owner::Session(session), payment, attempt, prelude).await?;
    drop(card);
    let Owner::Session(session) = owner else { return Err(ApiError::internal()) };
    Ok(response_of(&session, &payment, &merchant.name))
}

/// The answer of a confirm whose claim committed but whose execution stopped before storing its answer (its
/// `Idempotency-Key` is left `in_flight`), from the rows of [`reads`] as a retry of the key read them: the session
/// and payment as they stand once the attempt settled (by the reconciler or a reader); None while it is still
/// processing, or when the rows do not read as a confirm's.
pub fn answer_from_reads(rows: &[Vec<Row>]) -> Option<Vec<u8>> {
    let session: SessionRow = first_as(rows.first().cloned()).ok()??;
    let merchant: auth::Merchant = first_as(rows.get(1).cloned()).ok()??;
    let payment: PaymentRow = first_as(rows.get(2).cloned()).ok()??;
    if payment.status == PaymentStatus::Processing {
        return None;
    }
    serde_json::to_vec(&response_of(&session, &payment, &merchant.name)).ok()
}

/// The checkout confirm's answer for the session and payment as they are.
fn response_of(session: &SessionRow, payment: &PaymentRow, merchant_name: &str) -> ConfirmResponse {
    ConfirmResponse {
        confirm_result: confirm_result(payment),
        checkout_session: sessions::view_of(session, payment, merchant_name),
    }
}

/// The `{payment, paymentNextAction}` answer of every confirm (checkout and API-only alike).
pub fn confirm_result(payment: &PaymentRow) -> ConfirmResult {
    let next_action = if payment.status == PaymentStatus::RequiresAction { payment.next_action.clone() } else { None };
    ConfirmResult { payment: payment.summary(), payment_next_action: next_action }
}

/// What a confirm charges: card data in memory for this request, or a card the acquirer already vaulted (a
/// `pm_…`, by the acquirer's token).
pub enum Payable<'a> {
    Card(&'a ValidCard),
    Vaulted(&'a str),
}

/// One confirm's attempt, as the owner prepared it.
pub struct Attempt<'a> {
    /// The owner's compare-and-set statements (session → PROCESSING, attempts, payment method used): they commit
    /// with the payment's claim, or nothing is written.
    pub claim: Vec<Stmt>,
    pub card: CardDetails,
    pub payable: Payable<'a>,
    /// The issuer asks for 3DS for this card (secure mode adds to it).
    pub needs_challenge: bool,
    /// The installment plan the payer chose (#16; None: single payment). Its total is what is charged.
    pub plan: Option<hsrc_shared::installments::PaymentInstallments>,
    /// The payer's idempotency key, claimed with this attempt and answered with its outcome.
    pub ride: Option<&'a Ride<'a>>,
}

/// What a confirm reads before its claim besides its owner (the next attempt number, the card-testing counters),
/// read with the caller's own reads in one round trip.
pub struct Prelude {
    sequence: i64,
    card_testing: card_testing::Seen,
    /// The payment's charges and request trail as read with the prelude (None: settling reads them).
    trail: Option<Trail>,
}

/// The prelude's reads, in order: the payment's last attempt number, then the card-testing reads. `scope` is what
/// declines count under (the session, or the API-only payment).
pub fn prelude_reads(ctx: &Ctx<'_>, merchant_id: &str, payment_id: &str, scope: &str) -> Vec<Stmt> {
    prelude_reads_of(ctx, IdSql::Is(merchant_id), IdSql::Is(payment_id), IdSql::Is(scope))
}

/// [`prelude_reads`] with the ids as SQL.
fn prelude_reads_of(ctx: &Ctx<'_>, merchant_id: IdSql<'_>, payment_id: IdSql<'_>, scope: IdSql<'_>) -> Vec<Stmt> {
    let mut reads = vec![stmt!(
        format!("SELECT COALESCE(MAX(sequence), 0) AS n FROM charges WHERE payment_id = {}", payment_id.sql()),
        payment_id.param()
    )];
    reads.extend(card_testing::reads_of(ctx, merchant_id, scope));
    reads
}

impl Prelude {
    /// The results of [`prelude_reads`], taken from `results` in order.
    pub fn of(results: &mut impl Iterator<Item = Vec<Row>>) -> Result<Self, ApiError> {
        #[derive(Deserialize)]
        struct N {
            #[serde(deserialize_with = "crate::store::int")]
            n: i64,
        }
        let last: Option<N> = first_as(results.next()).map_err(store::internal)?;
        Ok(Self { sequence: last.map_or(0, |n| n.n) + 1, card_testing: card_testing::Seen::of(results)?, trail: None })
    }

    /// The prelude alone, in its own round trip (a caller with nothing else to read).
    pub async fn load(ctx: &Ctx<'_>, merchant_id: &str, payment_id: &str, scope: &str) -> Result<Self, ApiError> {
        let reads = prelude_reads(ctx, merchant_id, payment_id, scope);
        let results = ctx.db.query_many(reads).await.map_err(store::internal)?;
        Self::of(&mut results.into_iter())
    }
}

/// The payments engine's confirm, for a payment with or without a session (#15). `owner` is the owner as it will be
/// once `attempt.claim` commits. Returns the owner and the payment after settling (or waiting).
pub async fn run_confirm(
    ctx: &Ctx<'_>,
    merchant: &auth::Merchant,
    owner: Owner,
    payment: PaymentRow,
    attempt: Attempt<'_>,
    prelude: Prelude,
) -> Result<(Owner, PaymentRow), ApiError> {
    let Attempt { claim, card: card_details, payable, needs_challenge, plan, ride } = attempt;
    let charged = plan.as_ref().map_or(payment.amount, |p| p.total_amount);
    let payment_to = payment.status.next(PaymentEvent::Confirm)?;
    let Prelude { sequence, card_testing: seen, trail } = prelude;
    let fingerprint = card_details.fingerprint.clone().unwrap_or_default();
    let fingerprint = fingerprint.as_str();
    let scope = owner.attempt_scope(&payment).to_string();
    // The statement-free checks now; the card's budget and the breaker's ratio inside the claim batch below.
    card_testing::precheck(&seen)?;
    let needs_challenge = owner.secure_mode() || needs_challenge;
    let providers = providers_of(merchant);
    let status = if needs_challenge { ChargeStatus::RequiresAction } else { ChargeStatus::Pending };
    let charge = ChargeRow { status, ..new_attempt(ctx, &payment.id, sequence, &providers[0], charged, plan.clone()) };
    let challenge_id = needs_challenge.then(|| ctx.new_id("chl"));
    // A card vaulted already (a pm_) is authorized after the challenge by its own token.
    let vault_token = match payable {
        Payable::Vaulted(token) => Some(token.to_string()),
        Payable::Card(_) => None,
    };
    if let (Some(challenge_id), Payable::Card(card)) = (&challenge_id, &payable) {
        // The provider keeps the card for the authorization after the challenge; no money moves, so a loser of the
        // claim below only leaves an unused vault entry.
        let acquirer = providers::acquirer(&charge.provider).ok_or_else(ApiError::internal)?;
        if let VaultOutcome::Unavailable { .. } = acquirer.vault(ctx, challenge_id, card).await {
            return Err(ApiError::card(codes::PROCESSING_ERROR, None, sandbox::decline_message("processing_error")));
        }
    }

    // Batch 1: the payer's key, the card's budget, then claim the owner and the payment. Losers of a race, a card
    // over its budget and a key another execution took stop here with nothing written.
    let mut statements = ride.map(|ride| ride.key.claim()).unwrap_or_default();
    statements.extend(card_testing::in_claim(ctx, &merchant.id, fingerprint, &scope));
    statements.extend(claim);
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
    statements.extend(insert_charge(ctx, &charge));
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
    if let Some(challenge_id) = &challenge_id {
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
            "INSERT INTO challenges (id, payment_id, charge_id, status, created_at, expires_at, vault_token) VALUES (?1, ?2, ?3, 'pending', ?4, ?5, ?6)",
            challenge_id.as_str(),
            payment.id.as_str(),
            charge.id.as_str(),
            ctx.now_ms(),
            ctx.now_ms() + ctx.config.challenge_ttl_ms,
            vault_token.clone()
        ));
        payment = PaymentRow { status: to, version: payment.version + 1, next_action: Some(action), ..payment };
        let object = owner.payment_object(ctx, &payment, std::slice::from_ref(&charge)).await?;
        outbox.push(ctx, owner.event(types::PAYMENT_REQUIRES_ACTION, object));
    }
    // A challenge is the confirm's last write: its answer commits with the claim.
    let answering =
        challenge_id.is_some() && ride.is_some_and(|ride| ride.answer_into(ctx, &owner, &payment, &mut statements));
    let busy = owner.busy_message();
    if let Err(e) = outbox.run(ctx, statements).await {
        if let Some(refused) = card_testing::refused(ctx, &e, &merchant.id, fingerprint, &scope, seen).await {
            return Err(refused);
        }
        return Err(match (e, ride) {
            (crate::platform::DbError::KeyTaken, Some(ride)) => ride.key.taken(),
            (crate::platform::DbError::Conflict, _) => ApiError::conflict(codes::SESSION_PROCESSING, busy),
            (other, _) => store::internal(other),
        });
    }
    if let Some(ride) = ride {
        ride.key.claimed();
        if answering {
            ride.key.answered();
        }
    }

    if needs_challenge {
        return Ok((owner, payment));
    }
    let instrument = match payable {
        Payable::Card(card) => Instrument::Card(card),
        Payable::Vaulted(token) => Instrument::Vaulted(token),
    };
    let capture = owner.captures(&payment);
    let first_attempt = charge.id.clone();
    match route(ctx, &owner, &providers, charge, &instrument, capture).await? {
        Routed::Answered { charge, verdict } => {
            // The trail read before the claim is the trail now, with this request in it, unless a fallback wrote
            // more attempts (then settling reads it again).
            let trail = trail.filter(|_| charge.id == first_attempt).map(|mut trail| {
                if !trail.request_ids.contains(&ctx.request_id) {
                    trail.request_ids.push(ctx.request_id.clone());
                }
                trail
            });
            settle_answered(ctx, owner, payment, &charge, verdict, trail, ride).await
        }
        // Outcome unknown: the payment stays PROCESSING until a lookup settles it: right after the response
        // (wait_until), on the next read, or by the cron job, whichever comes first.
        Routed::Waiting { .. } => {
            ctx.background.after_response(owner.reconcile_job());
            Ok((owner, payment))
        }
    }
}

/// (year, month) of a Unix-milliseconds instant in UTC, for card expiry checks (the calendar maths is
/// `hsrc_shared::time`'s, written once).
pub fn civil_year_month(now_ms: i64) -> (i32, u32) {
    let date = hsrc_shared::time::Date::of_ms(now_ms);
    (date.year as i32, date.month)
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
