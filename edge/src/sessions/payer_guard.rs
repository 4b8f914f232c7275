//! Checks on the payer's credentials before anything is written for them: the session token or 3DS challenge id
//! must exist (so an unauthenticated caller cannot fill the idempotency table with rows for made-up tokens), and a
//! token dies a short grace after its session ends, and at the latest a grace after the session's expiry.

use crate::platform::{first_as, query_one, Ctx, Row, Stmt};
use crate::sessions::token_hash;
use crate::stmt;
use crate::store;
use hsrc_shared::lifecycle::SessionStatus;
use hsrc_shared::{codes, ApiError, ErrorType};
use serde::Deserialize;

/// True when the token of a session in `status`, last changed at `updated_at`, expiring at `expires_at`, has ended:
/// `grace_ms` (`Config::token_grace_ms`, 15 minutes: the payer's result screen) after a terminal state, and at the
/// latest `grace_ms` after the session's expiry (the hard maximum life of every token).
pub fn token_ended(status: SessionStatus, updated_at: i64, expires_at: i64, now_ms: i64, grace_ms: i64) -> bool {
    now_ms >= expires_at + grace_ms || (status.is_terminal() && now_ms >= updated_at + grace_ms)
}

/// 410 with a minimal body: no session data, no payer data.
pub fn token_gone() -> ApiError {
    ApiError::new(
        410,
        ErrorType::InvalidRequestError,
        codes::TOKEN_EXPIRED,
        "This checkout link has ended. Return to the merchant's site.",
    )
}

#[derive(Deserialize)]
struct TokenRow {
    status: String,
    #[serde(deserialize_with = "crate::store::int")]
    updated_at: i64,
    #[serde(deserialize_with = "crate::store::int")]
    expires_at: i64,
}

/// 404 for an unknown token, 410 for one that has ended.
pub async fn check_token(ctx: &Ctx<'_>, token: &str) -> Result<(), ApiError> {
    let rows = ctx.db.query(token_read(token)).await.map_err(store::internal)?;
    token_verdict(ctx, rows)
}

/// The read [`check_token`] judges (also run inside the idempotency claim's round trip, `pipeline`).
pub fn token_read(token: &str) -> Stmt {
    stmt!("SELECT status, updated_at, expires_at FROM checkout_sessions WHERE token_hash = ?1", token_hash(token))
}

/// [`check_token`]'s answer from the rows of [`token_read`].
pub fn token_verdict(ctx: &Ctx<'_>, rows: Vec<Row>) -> Result<(), ApiError> {
    let row: Option<TokenRow> = first_as(Some(rows)).map_err(store::internal)?;
    let row = row.ok_or_else(unknown_token)?;
    let status = serde_json::from_value::<SessionStatus>(serde_json::Value::String(row.status))
        .map_err(|_| ApiError::internal())?;
    if token_ended(status, row.updated_at, row.expires_at, ctx.now_ms(), ctx.config.token_grace_ms) {
        return Err(token_gone());
    }
    Ok(())
}

fn unknown_token() -> ApiError {
    ApiError::new(
        404,
        ErrorType::InvalidRequestError,
        codes::TOKEN_INVALID,
        "No checkout session has this token. Check the URL or create a new session.",
    )
}

/// 404 for an unknown 3DS challenge id.
pub async fn check_challenge(ctx: &Ctx<'_>, id: &str) -> Result<(), ApiError> {
    #[derive(Deserialize)]
    struct Found {
        #[allow(dead_code)]
        id: String,
    }
    let found: Option<Found> =
        query_one(ctx.db, stmt!("SELECT id FROM challenges WHERE id = ?1", id)).await.map_err(store::internal)?;
    found.map(|_| ()).ok_or_else(|| ApiError::not_found("3DS challenge", id))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60 * 1000;
    const GRACE: i64 = 15 * MIN;

    fn token_ended(status: SessionStatus, updated_at: i64, expires_at: i64, now_ms: i64) -> bool {
        super::token_ended(status, updated_at, expires_at, now_ms, GRACE)
    }

    #[test]
    fn tokens_end_a_grace_after_the_end_and_never_outlive_expiry_plus_grace() {
        let (updated, expires) = (100 * MIN, 160 * MIN);
        // Open session: lives until expiry + grace, whatever happens.
        assert!(!token_ended(SessionStatus::Pending, updated, expires, 170 * MIN));
        assert!(token_ended(SessionStatus::Pending, updated, expires, 175 * MIN));
        assert!(token_ended(SessionStatus::Processing, updated, expires, 175 * MIN));
        // Completed: the result screen has 15 minutes.
        assert!(!token_ended(SessionStatus::Completed, updated, expires, 114 * MIN));
        assert!(token_ended(SessionStatus::Completed, updated, expires, 115 * MIN));
        assert!(token_ended(SessionStatus::Cancelled, updated, expires, 115 * MIN));
    }
}
