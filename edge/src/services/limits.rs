//! Abuse limits: request budgets per session token and per secret key (the platform's rate limiter), and the
//! card-testing defence (too many declines for one card, across sessions or on one session, blocks further
//! confirms before anything reaches a provider).

use crate::platform::{query_one, Ctx, LimitBucket, Stmt};
use crate::router::{Access, Call, Op};
use crate::services::records::PaymentRow;
use crate::stmt;
use crate::store;
use hsrc_shared::{codes, crypto, ApiError, ErrorType};
use serde::Deserialize;

/// Declines of one card (fingerprint, per merchant) within [`CARD_WINDOW_MS`] after which confirms are refused.
pub const CARD_MAX_DECLINES: i64 = 10;
pub const CARD_WINDOW_MS: i64 = 60 * 60 * 1000;
/// Declines on one session (any card) after which its confirms are refused.
pub const SESSION_MAX_DECLINES: i64 = 5;

/// The budgets a request of this route spends, each with the key it is counted under (never a raw secret).
fn buckets(ctx: &Ctx<'_>, op: Op, access: Access, call: &Call<'_>) -> Vec<(LimitBucket, String)> {
    let hashed = |s: &str| crypto::sha256_hex(s.as_bytes())[..32].to_string();
    let mut out = Vec::new();
    match (op, access) {
        (Op::Confirm, _) => out.push((LimitBucket::Confirm, hashed(call.param("token")))),
        (_, Access::Token) => out.push((LimitBucket::Payer, hashed(call.param("token")))),
        (_, Access::Challenge) => out.push((LimitBucket::Challenge, hashed(call.param("challenge_id")))),
        (_, Access::KeyOrToken) => {
            let key = crate::auth::bearer(call.req.header("authorization")).unwrap_or_default();
            out.push((LimitBucket::Payer, hashed(key)));
        }
        // API-only payment routes (#15) spend the budget of the key that calls them, secret or publishable.
        (_, Access::Secret | Access::Client | Access::Publishable) => {
            let key = crate::auth::bearer(call.req.header("authorization")).unwrap_or_default();
            let live = key.starts_with("sk_live_") || key.starts_with("pk_live_");
            let bucket = if live { LimitBucket::SecretKeyLive } else { LimitBucket::SecretKeyTest };
            out.push((bucket, hashed(key)));
        }
        _ => {}
    }
    if matches!(access, Access::Token | Access::Challenge) {
        if let Some(client) = client_address(ctx, call) {
            if op == Op::Confirm {
                out.push((LimitBucket::ClientConfirm, hashed(&client)));
            }
            out.push((LimitBucket::Client, hashed(&client)));
        }
    }
    out
}

/// The caller's address as Cloudflare saw it. Locally wrangler may fill in loopback; in development that counts as
/// absent, so the shared test runs never share one budget (the card-testing tests set the header themselves).
fn client_address(ctx: &Ctx<'_>, call: &Call<'_>) -> Option<String> {
    let ip = call.req.header("cf-connecting-ip")?.trim();
    let loopback = ip.parse::<std::net::IpAddr>().is_ok_and(|a| a.is_loopback());
    let ignored = ip.is_empty() || (ctx.config.development && loopback);
    (!ignored).then(|| ip.to_string())
}

/// Spends one request of each of the route's budgets; an exhausted budget answers 429 `rate_limited` with
/// `Retry-After` set to the seconds left in the window.
pub async fn check_route(ctx: &Ctx<'_>, op: Op, access: Access, call: &Call<'_>) -> Result<(), Limited> {
    if !ctx.config.rate_limits {
        return Ok(());
    }
    for (b, key) in buckets(ctx, op, access, call) {
        let scoped = format!("{b:?}:{key}");
        if !ctx.limiter.allow(b, &scoped, ctx.now_ms()).await {
            return Err(limited(ctx, b));
        }
    }
    Ok(())
}

fn limited(ctx: &Ctx<'_>, b: LimitBucket) -> Limited {
    let (_, period_s, _) = b.spec();
    let period_ms = i64::from(period_s) * 1000;
    let retry_after = ((period_ms - ctx.now_ms().rem_euclid(period_ms)) + 999) / 1000;
    let what = match b {
        LimitBucket::Confirm => "payment attempts on this checkout session",
        LimitBucket::Payer => "requests for this checkout session",
        LimitBucket::SecretKeyLive | LimitBucket::SecretKeyTest => "requests with this API key",
        LimitBucket::Challenge => "requests for this 3DS challenge",
        LimitBucket::ClientConfirm => "payment attempts from your network",
        LimitBucket::Client => "requests from your network",
    };
    Limited {
        error: ApiError::new(
            429,
            ErrorType::RateLimitError,
            codes::RATE_LIMITED,
            format!("Too many {what}. Retry after {retry_after} seconds."),
        ),
        retry_after_s: retry_after.max(1),
    }
}

/// A refused request and how long to wait.
#[derive(Debug)]
pub struct Limited {
    pub error: ApiError,
    pub retry_after_s: i64,
}

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
    if open_breaker(ctx, merchant_id).await?.is_some() {
        return Err(velocity(
            "Too many declined cards at this shop recently; payments are paused for a few minutes. Try again later.",
        ));
    }
    let now = ctx.now_ms();
    let session: Option<Count> =
        query_one(ctx.db, stmt!("SELECT COUNT(*) AS n FROM card_declines WHERE checkout_session_id = ?1", session_id))
            .await
            .map_err(store::internal)?;
    let card_refused =
        || velocity("This card has been declined too many times recently. Use another card or try again later.");
    if session.is_some_and(|s| s.n >= SESSION_MAX_DECLINES) {
        return Err(card_refused());
    }
    // Declines of this card in the window plus its attempts still in flight must stay under the budget; the insert
    // happens only if they do, atomically (one statement).
    let attempt_id = ctx.new_id("att");
    let inserted = ctx
        .db
        .batch(vec![stmt!(
            "INSERT INTO card_attempts (id, merchant_id, fingerprint, checkout_session_id, created_at) SELECT ?1, ?2, ?3, ?4, ?5 \
             WHERE (SELECT COUNT(*) FROM card_declines WHERE merchant_id = ?2 AND fingerprint = ?3 AND created_at >= ?6) \
                 + (SELECT COUNT(DISTINCT a.checkout_session_id) FROM card_attempts a WHERE a.merchant_id = ?2 AND a.fingerprint = ?3 AND a.created_at >= ?7 \
                    AND a.checkout_session_id <> ?4 \
                    AND NOT EXISTS (SELECT 1 FROM card_declines d WHERE d.merchant_id = ?2 AND d.checkout_session_id = a.checkout_session_id AND d.created_at >= a.created_at) \
                    AND NOT EXISTS (SELECT 1 FROM checkout_sessions s WHERE s.id = a.checkout_session_id AND s.status = 'COMPLETED') \
                    AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.id = a.checkout_session_id AND p.status IN ('SUCCEEDED', 'AUTHORIZED', 'CANCELLED', 'FAILED'))) \
                 < COALESCE((SELECT card_max_declines FROM merchants WHERE id = ?2), ?8)",
            attempt_id.as_str(),
            merchant_id,
            fingerprint,
            session_id,
            now,
            now - CARD_WINDOW_MS,
            now - ATTEMPT_WINDOW_MS,
            CARD_MAX_DECLINES
        )])
        .await
        .map_err(store::internal)?;
    if inserted.first().copied().unwrap_or(0) == 0 {
        return Err(card_refused());
    }
    trip_if_testing(ctx, merchant_id).await
}

/// Opens the merchant's breaker when most sessions that tried to pay in the window had a card declined.
async fn trip_if_testing(ctx: &Ctx<'_>, merchant_id: &str) -> Result<(), ApiError> {
    let now = ctx.now_ms();
    let since = now - MERCHANT_WINDOW_MS;
    #[derive(Deserialize)]
    struct Ratio {
        #[serde(deserialize_with = "crate::store::int")]
        declined: i64,
        #[serde(deserialize_with = "crate::store::int")]
        attempted: i64,
    }
    let ratio: Option<Ratio> = query_one(
        ctx.db,
        stmt!(
            "SELECT (SELECT COUNT(DISTINCT checkout_session_id) FROM card_declines WHERE merchant_id = ?1 AND created_at >= ?2) AS declined, \
                    (SELECT COUNT(DISTINCT checkout_session_id) FROM card_attempts WHERE merchant_id = ?1 AND created_at >= ?2) AS attempted",
            merchant_id,
            since
        ),
    )
    .await
    .map_err(store::internal)?;
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
    Err(velocity(
        "Too many declined cards at this shop recently; payments are paused for a few minutes. Try again later.",
    ))
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
