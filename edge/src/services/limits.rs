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

/// The budget a request of this route spends, and the key it is counted under (never the raw secret).
fn bucket(op: Op, access: Access, call: &Call<'_>) -> Option<(LimitBucket, String)> {
    let hashed = |s: &str| crypto::sha256_hex(s.as_bytes())[..32].to_string();
    match (op, access) {
        (Op::Confirm, _) => Some((LimitBucket::Confirm, hashed(call.param("token")))),
        (_, Access::Token) => Some((LimitBucket::Payer, hashed(call.param("token")))),
        (_, Access::KeyOrToken) => {
            let key = crate::auth::bearer(call.req.header("authorization")).unwrap_or_default();
            Some((LimitBucket::Payer, hashed(key)))
        }
        // API-only payment routes (#15) spend the budget of the key that calls them, secret or publishable.
        (_, Access::Secret | Access::Client | Access::Publishable) => {
            let key = crate::auth::bearer(call.req.header("authorization")).unwrap_or_default();
            let live = key.starts_with("sk_live_") || key.starts_with("pk_live_");
            let bucket = if live { LimitBucket::SecretKeyLive } else { LimitBucket::SecretKeyTest };
            Some((bucket, hashed(key)))
        }
        _ => None,
    }
}

/// Spends one request of the route's budget; an exhausted budget answers 429 `rate_limited` with `Retry-After`
/// set to the seconds left in the window.
pub async fn check_route(ctx: &Ctx<'_>, op: Op, access: Access, call: &Call<'_>) -> Result<(), Limited> {
    if !ctx.config.rate_limits {
        return Ok(());
    }
    let Some((b, key)) = bucket(op, access, call) else { return Ok(()) };
    let scoped = format!("{b:?}:{key}");
    if ctx.limiter.allow(b, &scoped, ctx.now_ms()).await {
        return Ok(());
    }
    let (_, period_s, _) = b.spec();
    let period_ms = i64::from(period_s) * 1000;
    let retry_after = ((period_ms - ctx.now_ms().rem_euclid(period_ms)) + 999) / 1000;
    let what = match b {
        LimitBucket::Confirm => "payment attempts on this checkout session",
        LimitBucket::Payer => "requests for this checkout session",
        LimitBucket::SecretKeyLive | LimitBucket::SecretKeyTest => "requests with this API key",
    };
    Err(Limited {
        error: ApiError::new(
            429,
            ErrorType::RateLimitError,
            codes::RATE_LIMITED,
            format!("Too many {what}. Retry after {retry_after} seconds."),
        ),
        retry_after_s: retry_after.max(1),
    })
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

/// Refuses a confirm when this card, or this session, has been declined too often: the sign of card testing.
/// Runs before the session is claimed, so a refused attempt spends nothing and reaches no provider.
pub async fn check_card_testing(
    ctx: &Ctx<'_>,
    merchant_id: &str,
    fingerprint: &str,
    session_id: &str,
) -> Result<(), ApiError> {
    let since = ctx.now_ms() - CARD_WINDOW_MS;
    let card: Option<Count> = query_one(
        ctx.db,
        stmt!(
            "SELECT COUNT(*) AS n FROM card_declines WHERE merchant_id = ?1 AND fingerprint = ?2 AND created_at >= ?3",
            merchant_id,
            fingerprint,
            since
        ),
    )
    .await
    .map_err(store::internal)?;
    let session: Option<Count> =
        query_one(ctx.db, stmt!("SELECT COUNT(*) AS n FROM card_declines WHERE checkout_session_id = ?1", session_id))
            .await
            .map_err(store::internal)?;
    let blocked =
        card.is_some_and(|c| c.n >= CARD_MAX_DECLINES) || session.is_some_and(|s| s.n >= SESSION_MAX_DECLINES);
    if blocked {
        return Err(ApiError::card(
            codes::CARD_DECLINED,
            Some("card_velocity_exceeded"),
            "This card has been declined too many times recently. Use another card or try again later.",
        )
        .with_param("payment_method[card][number]"));
    }
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
