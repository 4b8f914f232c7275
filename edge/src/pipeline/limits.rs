//! Request budgets: how many requests a session token, a 3DS challenge, an API key or a client address may make
//! (the platform's rate limiter). The pipeline says what a request spends in a [`Spend`]; this module knows nothing
//! of routes.

use crate::platform::{Ctx, LimitBucket};
use hsrc_shared::{codes, crypto, ApiError, ErrorType};

/// What one request spends, each with the credential it is counted under (hashed here, never kept raw).
#[derive(Debug, Clone, Copy)]
pub enum Spend<'a> {
    /// A payer's confirm on the session of this token.
    Confirm { token: &'a str },
    /// Any other payer request with a session token.
    Payer { token: &'a str },
    /// A 3DS challenge request.
    Challenge { id: &'a str },
    /// A BIN lookup with a key or a token as its bearer value.
    Lookup { bearer: &'a str },
    /// A call with an API key (secret or publishable; live keys have their own budget).
    Key { key: &'a str },
    /// Nothing (public pages, documents, demo).
    Nothing,
}

/// The budgets a request spends, each with the key it is counted under (never a raw secret).
fn buckets(ctx: &Ctx<'_>, spend: Spend<'_>, client_ip: Option<&str>) -> Vec<(LimitBucket, String)> {
    let hashed = |s: &str| crypto::sha256_hex(s.as_bytes())[..32].to_string();
    let mut out = Vec::new();
    match spend {
        Spend::Confirm { token } => out.push((LimitBucket::Confirm, hashed(token))),
        Spend::Payer { token } => out.push((LimitBucket::Payer, hashed(token))),
        Spend::Challenge { id } => out.push((LimitBucket::Challenge, hashed(id))),
        Spend::Lookup { bearer } => out.push((LimitBucket::Payer, hashed(bearer))),
        Spend::Key { key } => {
            let live = key.starts_with("sk_live_") || key.starts_with("pk_live_");
            let bucket = if live { LimitBucket::SecretKeyLive } else { LimitBucket::SecretKeyTest };
            out.push((bucket, hashed(key)));
        }
        Spend::Nothing => {}
    }
    if matches!(spend, Spend::Confirm { .. } | Spend::Payer { .. } | Spend::Challenge { .. }) {
        if let Some(client) = client_address(ctx, client_ip) {
            if matches!(spend, Spend::Confirm { .. }) {
                out.push((LimitBucket::ClientConfirm, hashed(&client)));
            }
            out.push((LimitBucket::Client, hashed(&client)));
        }
    }
    out
}

/// The caller's address as Cloudflare saw it (`cf-connecting-ip`). Locally wrangler may fill in loopback; in
/// development that counts as absent, so the shared test runs never share one budget (the card-testing tests set
/// the header themselves).
fn client_address(ctx: &Ctx<'_>, ip: Option<&str>) -> Option<String> {
    let ip = ip?.trim();
    let loopback = ip.parse::<std::net::IpAddr>().is_ok_and(|a| a.is_loopback());
    let ignored = ip.is_empty() || (ctx.config.development && loopback);
    (!ignored).then(|| ip.to_string())
}

/// Spends one request of each budget; an exhausted budget answers 429 `rate_limited` with `Retry-After` set to
/// the seconds left in the window.
pub async fn check(ctx: &Ctx<'_>, spend: Spend<'_>, client_ip: Option<&str>) -> Result<(), Limited> {
    if !ctx.config.rate_limits {
        return Ok(());
    }
    for (b, key) in buckets(ctx, spend, client_ip) {
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
