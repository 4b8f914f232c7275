//! API key rotation: `POST /v1/api-keys/roll` issues a new secret key (shown once, stored hashed) and retires the
//! key that made the call, at once or after a grace period so deployments can switch over.

use crate::auth::Caller;
use crate::platform::{query_one, Ctx, Stmt};
use crate::stmt;
use crate::store;
use hsrc_shared::{codes, crypto, ApiError};
use serde::{Deserialize, Serialize};

/// The longest grace period an old key may keep working: 7 days.
pub const MAX_GRACE_S: i64 = 7 * 24 * 3600;

/// `POST /v1/api-keys/roll`.
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RollRequest {
    /// Seconds the old key keeps working (0–604800, default 0: revoked at once).
    #[serde(default)]
    pub expires_in: Option<i64>,
}

/// The new key, returned once. Only its hash is stored.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RolledKey {
    pub id: String,
    pub object: String,
    /// Always `secret`.
    pub kind: String,
    pub livemode: bool,
    /// The new secret key. It is never shown again.
    pub secret: String,
    /// The first characters, as listed later.
    pub prefix: String,
    pub created_at: i64,
    pub rolled_key: RetiredKey,
}

/// The key that made the call.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RetiredKey {
    pub id: String,
    /// When it stops working (Unix seconds): now, or the end of the grace period.
    pub expires_at: i64,
}

pub async fn roll(
    ctx: &Ctx<'_>,
    caller: &Caller,
    presented_key: &str,
    req: RollRequest,
) -> Result<RolledKey, ApiError> {
    let grace_s = req.expires_in.unwrap_or(0);
    if !(0..=MAX_GRACE_S).contains(&grace_s) {
        return Err(ApiError::invalid(
            "expires_in",
            format!("expires_in must be between 0 and {MAX_GRACE_S} seconds."),
        ));
    }
    let old_hash = crypto::sha256_hex(presented_key.as_bytes());
    #[derive(Deserialize)]
    struct Old {
        id: String,
    }
    let old: Option<Old> = query_one(
        ctx.db,
        stmt!(
            "SELECT id FROM api_keys WHERE key_hash = ?1 AND merchant_id = ?2 AND kind = 'secret'",
            old_hash.as_str(),
            caller.merchant.id.as_str()
        ),
    )
    .await
    .map_err(store::internal)?;
    let old = old.ok_or_else(ApiError::internal)?;

    let mode = if caller.merchant.livemode { "live" } else { "test" };
    let secret = format!("sk_{mode}_{}", crypto::hex(&ctx.random_bytes::<24>()));
    let new_hash = crypto::sha256_hex(secret.as_bytes());
    let id = format!("key_{}", &new_hash[..16]);
    let prefix = secret[..secret.len().min(12)].to_string();
    let now = ctx.now_ms();
    let expires_at = now + grace_s * 1000;
    // Only a key that has not been rolled yet may roll: two racing rolls of one key give one new key.
    let statements = vec![
        stmt!(
            "UPDATE api_keys SET expires_at = ?1, revoked_at = CASE WHEN ?2 = 0 THEN ?3 ELSE revoked_at END \
             WHERE id = ?4 AND revoked_at IS NULL AND expires_at IS NULL",
            expires_at,
            grace_s,
            now,
            old.id.as_str()
        ),
        Stmt::cas_guard(),
        stmt!(
            "INSERT INTO api_keys (id, merchant_id, kind, livemode, key_hash, prefix, created_at) VALUES (?1, ?2, 'secret', ?3, ?4, ?5, ?6)",
            id.as_str(),
            caller.merchant.id.as_str(),
            caller.merchant.livemode,
            new_hash.as_str(),
            prefix.as_str(),
            now
        ),
    ];
    ctx.db
        .batch(statements)
        .await
        .map_err(|e| store::conflict_or_internal(e, "This key has already been rolled; use the key that replaced it."))
        .map_err(|e| if e.status == 409 { ApiError::conflict(codes::STATE_CONFLICT, e.message) } else { e })?;
    crate::log::info(
        "api_key.rolled",
        &format!("{} merchant={} old={} new={} grace_s={grace_s}", ctx.request_id, caller.merchant.id, old.id, id),
    );
    Ok(RolledKey {
        id,
        object: "api_key".into(),
        kind: "secret".into(),
        livemode: caller.merchant.livemode,
        secret,
        prefix,
        created_at: now.div_euclid(1000),
        rolled_key: RetiredKey { id: old.id, expires_at: expires_at.div_euclid(1000) },
    })
}
