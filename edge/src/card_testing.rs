//! The card-testing defence: too many declines for one card (across sessions), on one session, or across a
//! merchant's sessions block further confirms before anything reaches a provider. Confirm and settle call it;
//! the ops console shows the merchant breaker.

use crate::platform::{first_as, query_one, Ctx, IdSql, Row, Stmt};
use crate::records::PaymentRow;
use crate::stmt;
use crate::store;
use hsrc_shared::{codes, ApiError};
use serde::Deserialize;

/// Declines of one card (fingerprint, per merchant) within [`CARD_WINDOW_MS`] after which confirms are refused.
pub const CARD_MAX_DECLINES: i64 = 10;
pub const CARD_WINDOW_MS: i64 = 60 * 60 * 1000;
/// Declines on one session (any card) after which its confirms are refused.
pub const SESSION_MAX_DECLINES: i64 = 5;

#[derive(Deserialize)]
struct Count {
    #[serde(deserialize_with = "crate::store::int")]
    n: i64,
}

/// The per-merchant breaker: at least this many sessions with a declined card in [`MERCHANT_WINDOW_MS`] ...
pub const MERCHANT_MIN_DECLINED_SESSIONS: i64 = 15;
/// ... making up at least this share (percent) of the sessions that attempted a payment in the window ...
pub const MERCHANT_DECLINE_PERCENT: i64 = 80;
pub const MERCHANT_WINDOW_MS: i64 = 10 * 60 * 1000;
/// ... pause the merchant's confirms for this long (a card-testing run makes a new session per attempt, so neither
/// the per-card nor the per-session counters see it).
pub const MERCHANT_COOL_DOWN_MS: i64 = 15 * 60 * 1000;
/// Attempts of one card within this window that are neither declined (those count as declines) nor paid (their
/// session completed) are in flight, and count against the card's budget too, one per other session (racing
/// confirms of one session are settled by the session's own compare-and-set, not here).
const ATTEMPT_WINDOW_MS: i64 = 60 * 1000;

fn velocity(message: &str) -> ApiError {
    ApiError::card(codes::CARD_DECLINED, Some("card_velocity_exceeded"), message)
        .with_param("payment_method[card][number]")
}

/// The merchant's breaker while it is open: (tripped at, until, declined sessions, attempted sessions).
#[derive(Debug, Clone, Deserialize)]
pub struct Breaker {
    #[serde(deserialize_with = "crate::store::int")]
    pub tripped_at: i64,
    #[serde(deserialize_with = "crate::store::int")]
    pub until: i64,
    #[serde(deserialize_with = "crate::store::int")]
    pub declined_sessions: i64,
    #[serde(deserialize_with = "crate::store::int")]
    pub attempted_sessions: i64,
}

/// The merchant's breaker if it is open now (for confirms and the ops console).
pub async fn open_breaker(ctx: &Ctx<'_>, merchant_id: &str) -> Result<Option<Breaker>, ApiError> {
    query_one(
        ctx.db,
        stmt!(
            "SELECT tripped_at, until, declined_sessions, attempted_sessions FROM merchant_breakers WHERE merchant_id = ?1 AND until > ?2",
            merchant_id,
            ctx.now_ms()
        ),
    )
    .await
    .map_err(store::internal)
}

/// What the check reads before a confirm's claim: [`reads`] joins the confirm's own reads in one round trip
/// (`Database::query_many`), [`Seen::of`] takes their results back.
#[derive(Debug, Clone, Copy)]
pub struct Seen {
    breaker_open: bool,
    session_declines: i64,
}

/// The merchant's open breaker and the declines on this session (or API-only payment), in that order.
pub fn reads(ctx: &Ctx<'_>, merchant_id: &str, session_id: &str) -> Vec<Stmt> {
    reads_of(ctx, IdSql::Is(merchant_id), IdSql::Is(session_id))
}

/// [`reads`] with the ids as SQL (read through the session in the same statement).
pub fn reads_of(ctx: &Ctx<'_>, merchant_id: IdSql<'_>, session_id: IdSql<'_>) -> Vec<Stmt> {
    vec![
        stmt!(
            format!("SELECT 1 AS open FROM merchant_breakers WHERE merchant_id = {} AND until > ?2", merchant_id.sql()),
            merchant_id.param(),
            ctx.now_ms()
        ),
        stmt!(
            format!("SELECT COUNT(*) AS n FROM card_declines WHERE checkout_session_id = {}", session_id.sql()),
            session_id.param()
        ),
    ]
}

impl Seen {
    /// The results of [`reads`], taken from `results` in order.
    pub fn of(results: &mut impl Iterator<Item = Vec<Row>>) -> Result<Self, ApiError> {
        let breaker_open = !results.next().ok_or_else(ApiError::internal)?.is_empty();
        let session: Option<Count> = first_as(results.next()).map_err(store::internal)?;
        Ok(Self { breaker_open, session_declines: session.map_or(0, |s| s.n) })
    }
}

/// Refuses a confirm when this card, or this session, has been declined too often, or when the merchant's
/// decline-ratio breaker is open: the signs of card testing. Runs before the session is claimed, so a refused
/// attempt spends nothing and reaches no provider. A passing attempt is recorded in the same statement that
/// counts, so parallel confirms of one card cannot exceed its budget.
pub async fn check_card_testing(
    ctx: &Ctx<'_>,
    merchant_id: &str,
    fingerprint: &str,
    session_id: &str,
) -> Result<(), ApiError> {
    let results = ctx.db.query_many(reads(ctx, merchant_id, session_id)).await.map_err(store::internal)?;
    let seen = Seen::of(&mut results.into_iter())?;
    check_seen(ctx, merchant_id, fingerprint, session_id, seen).await
}

/// The checks that need no statement: the merchant's breaker is open, or this session saw too many declines.
pub fn precheck(seen: &Seen) -> Result<(), ApiError> {
    if seen.breaker_open {
        return Err(breaker_open());
    }
    if seen.session_declines >= SESSION_MAX_DECLINES {
        return Err(card_refused());
    }
    Ok(())
}

fn breaker_open() -> ApiError {
    velocity("Too many declined cards at this shop recently; payments are paused for a few minutes. Try again later.")
}

fn card_refused() -> ApiError {
    velocity("This card has been declined too many times recently. Use another card or try again later.")
}

/// The card's budget and the breaker's ratio as statements of the caller's claim batch (one round trip less than
/// [`check_seen`]): the attempt is recorded only within the budget, and `card_guard`'s CHECKs abort the whole
/// batch when it is not ([`DbError::CardOverBudget`](crate::platform::DbError)) or when this attempt makes the
/// merchant's ratio trip the breaker ([`DbError::BreakerTrips`](crate::platform::DbError)); the caller answers
/// with [`refused`].
pub fn in_claim(ctx: &Ctx<'_>, merchant_id: &str, fingerprint: &str, session_id: &str) -> Vec<Stmt> {
    let now = ctx.now_ms();
    let ratio = ratio_stmt(merchant_id, now - MERCHANT_WINDOW_MS);
    vec![
        attempt_stmt(ctx, merchant_id, fingerprint, session_id),
        stmt!("INSERT OR REPLACE INTO card_guard (id, card_within_budget) VALUES (1, changes())"),
        Stmt::new(
            format!(
                "INSERT OR REPLACE INTO card_guard (id, breaker_stays_closed) SELECT 1, \
                 CASE WHEN r.declined >= ?3 AND r.declined * 100 >= r.attempted * ?4 THEN 0 ELSE 1 END FROM ({}) r",
                ratio.sql
            ),
            ratio.params,
        ),
    ]
}

/// The answer to a claim batch that [`in_claim`]'s guards aborted (None: another error). Over budget: refused.
/// The breaker trips: [`check_seen`] records the attempt, opens the breaker and refuses, outside the rolled-back
/// batch; should the ratio have moved back in between, the payer gets a retryable 409 (nothing was claimed).
pub async fn refused(
    ctx: &Ctx<'_>,
    error: &crate::platform::DbError,
    merchant_id: &str,
    fingerprint: &str,
    session_id: &str,
    seen: Seen,
) -> Option<ApiError> {
    match error {
        crate::platform::DbError::CardOverBudget => Some(card_refused()),
        crate::platform::DbError::BreakerTrips => {
            Some(match check_seen(ctx, merchant_id, fingerprint, session_id, seen).await {
                Err(e) => e,
                Ok(()) => ApiError::conflict(
                    codes::SESSION_PROCESSING,
                    "Payments at this shop are being checked; try again in a moment.",
                ),
            })
        }
        _ => None,
    }
}

/// [`check_card_testing`] with its reads done (batched with the caller's).
pub async fn check_seen(
    ctx: &Ctx<'_>,
    merchant_id: &str,
    fingerprint: &str,
    session_id: &str,
    seen: Seen,
) -> Result<(), ApiError> {
    precheck(&seen)?;
    let results = ctx
        .db
        .query_many(vec![
            attempt_stmt(ctx, merchant_id, fingerprint, session_id),
            ratio_stmt(merchant_id, ctx.now_ms() - MERCHANT_WINDOW_MS),
        ])
        .await
        .map_err(store::internal)?;
    let mut results = results.into_iter();
    if results.next().is_none_or(|inserted| inserted.is_empty()) {
        return Err(card_refused());
    }
    let ratio: Option<Ratio> = first_as(results.next()).map_err(store::internal)?;
    trip_if_testing(ctx, merchant_id, ratio).await
}

/// Records an attempt of the card, only if its declines in the window plus its attempts still in flight stay
/// under the budget, atomically (one statement; `RETURNING id`: a row when recorded). In flight: not yet marked
/// settled ([`settle_attempts`]; the partial index holds only those), and, for attempts a crash left unmarked,
/// neither paid nor declined nor final. The count stops at the budget (more cannot change the answer), so the walk
/// is bounded by the open attempts, not by the card's traffic (a card paid a thousand times a minute walked a
/// thousand rows per confirm before migration 0016).
fn attempt_stmt(ctx: &Ctx<'_>, merchant_id: &str, fingerprint: &str, session_id: &str) -> Stmt {
    let now = ctx.now_ms();
    stmt!(
        "INSERT INTO card_attempts (id, merchant_id, fingerprint, checkout_session_id, created_at) SELECT ?1, ?2, ?3, ?4, ?5 \
         WHERE (SELECT COUNT(*) FROM card_declines WHERE merchant_id = ?2 AND fingerprint = ?3 AND created_at >= ?6) \
             + (SELECT COUNT(*) FROM (SELECT DISTINCT a.checkout_session_id FROM card_attempts a WHERE a.merchant_id = ?2 AND a.fingerprint = ?3 AND a.settled = 0 AND a.created_at >= ?7 \
                AND a.checkout_session_id <> ?4 \
                AND NOT EXISTS (SELECT 1 FROM checkout_sessions s WHERE s.id = a.checkout_session_id AND s.status = 'COMPLETED') \
                AND NOT EXISTS (SELECT 1 FROM card_declines d WHERE d.merchant_id = ?2 AND d.checkout_session_id = a.checkout_session_id AND d.created_at >= a.created_at) \
                AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.id = a.checkout_session_id AND p.status IN ('SUCCEEDED', 'AUTHORIZED', 'CANCELLED', 'FAILED')) \
                LIMIT CAST(COALESCE((SELECT card_max_declines FROM merchants WHERE id = ?2), ?8) AS INTEGER))) \
             < COALESCE((SELECT card_max_declines FROM merchants WHERE id = ?2), ?8) RETURNING id",
        ctx.new_id("att").as_str(),
        merchant_id,
        fingerprint,
        session_id,
        now,
        now - CARD_WINDOW_MS,
        now - ATTEMPT_WINDOW_MS,
        CARD_MAX_DECLINES
    )
}

#[derive(Deserialize)]
struct Ratio {
    #[serde(deserialize_with = "crate::store::int")]
    declined: i64,
    #[serde(deserialize_with = "crate::store::int")]
    attempted: i64,
}

/// The breaker's two counts, bounded by what can trip it: declined sessions are few unless a card test is on; the
/// attempted sessions (every confirm of the merchant in the window, the expensive count) are counted only once
/// enough sessions declined, and then only up to the most that still trips (`declined × 100 / percent`; one past
/// it already means "no"). [`trip_if_testing`] decides exactly as with the full counts. D1 binds JavaScript numbers,
/// so `?4` arrives as a REAL: the limit is cast (a fractional LIMIT is SQLITE_MISMATCH there, never on SQLite here).
fn ratio_stmt(merchant_id: &str, since: i64) -> Stmt {
    stmt!(
        "WITH d AS (SELECT COUNT(DISTINCT checkout_session_id) AS n FROM card_declines WHERE merchant_id = ?1 AND created_at >= ?2) \
         SELECT d.n AS declined, CASE WHEN d.n < ?3 THEN 0 ELSE \
                (SELECT COUNT(*) FROM (SELECT DISTINCT checkout_session_id FROM card_attempts WHERE merchant_id = ?1 AND created_at >= ?2 \
                 LIMIT CAST((SELECT n FROM d) * 100 / ?4 AS INTEGER) + 1)) END AS attempted FROM d",
        merchant_id,
        since,
        MERCHANT_MIN_DECLINED_SESSIONS,
        MERCHANT_DECLINE_PERCENT
    )
}

/// Opens the merchant's breaker when most sessions that tried to pay in the window had a card declined.
async fn trip_if_testing(ctx: &Ctx<'_>, merchant_id: &str, ratio: Option<Ratio>) -> Result<(), ApiError> {
    let now = ctx.now_ms();
    let Some(r) = ratio else { return Ok(()) };
    if r.declined < MERCHANT_MIN_DECLINED_SESSIONS || r.declined * 100 < r.attempted * MERCHANT_DECLINE_PERCENT {
        return Ok(());
    }
    ctx.db
        .batch(vec![stmt!(
            "INSERT INTO merchant_breakers (merchant_id, tripped_at, until, declined_sessions, attempted_sessions) VALUES (?1, ?2, ?3, ?4, ?5) \
             ON CONFLICT (merchant_id) DO UPDATE SET tripped_at = excluded.tripped_at, until = excluded.until, \
             declined_sessions = excluded.declined_sessions, attempted_sessions = excluded.attempted_sessions WHERE merchant_breakers.until <= ?2",
            merchant_id,
            now,
            now + MERCHANT_COOL_DOWN_MS,
            r.declined,
            r.attempted
        )])
        .await
        .map_err(store::internal)?;
    crate::log::info(
        "card_testing.breaker_open",
        &format!(
            "{} merchant={merchant_id} declined_sessions={} attempted_sessions={}",
            ctx.request_id, r.declined, r.attempted
        ),
    );
    Err(breaker_open())
}

/// Drops attempt rows older than every window (scheduled job).
pub async fn purge_attempts(ctx: &Ctx<'_>) -> Result<(), ApiError> {
    let before = ctx.now_ms() - MERCHANT_WINDOW_MS.max(CARD_WINDOW_MS);
    ctx.db
        .batch(vec![stmt!("DELETE FROM card_attempts WHERE created_at < ?1", before)])
        .await
        .map_err(store::internal)?;
    Ok(())
}

/// The statement that marks the attempts under `scope` (the session, or an API-only payment) settled, in the batch that
/// settles its charge: from then on they are no longer in flight for the card's budget (declines count on their
/// own). Attempts recorded after `now` (none can be: one session's confirms are serialised) stay open.
pub fn settle_attempts(ctx: &Ctx<'_>, scope: &str) -> Stmt {
    stmt!(
        "UPDATE card_attempts SET settled = 1 WHERE checkout_session_id = ?1 AND settled = 0 AND created_at <= ?2",
        scope,
        ctx.now_ms()
    )
}

/// The statement that records a declined charge for the card-testing counters (same batch as the decline).
pub fn record_decline(ctx: &Ctx<'_>, payment: &PaymentRow, charge_id: &str) -> Option<Stmt> {
    let fingerprint = payment.card.as_ref()?.fingerprint.clone()?;
    Some(stmt!(
        "INSERT OR IGNORE INTO card_declines (charge_id, merchant_id, fingerprint, checkout_session_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        charge_id,
        payment.merchant_id.as_str(),
        fingerprint,
        // API-only payments count declines under the payment itself.
        payment.checkout_session_id.as_deref().unwrap_or(&payment.id),
        ctx.now_ms()
    ))
}
