//! API keys: `POST /v1/api-keys/roll` issues a new secret key (shown once, stored hashed) and retires the key that
//! made the call, at once or after a grace period (at most 7 days) so deployments can switch over;
//! `GET /v1/api-keys` lists the merchant's keys (never a secret); `POST /v1/api-keys/{id}/revoke` revokes any key
//! but the calling one. Revoking a key made by a roll undoes that roll: the key it replaced loses its grace end, so
//! a roll made with a leaked key cannot lock the merchant out.

use crate::accounts::auth::Caller;
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
            "INSERT INTO api_keys (id, merchant_id, kind, livemode, key_hash, prefix, created_at, replaces) VALUES (?1, ?2, 'secret', ?3, ?4, ?5, ?6, ?7)",
            id.as_str(),
            caller.merchant.id.as_str(),
            caller.merchant.livemode,
            new_hash.as_str(),
            prefix.as_str(),
            now,
            old.id.as_str()
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

/// One key as listed: never the secret, nor its hash.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ApiKeyView {
    pub id: String,
    pub object: String,
    /// `secret` or `publishable`.
    pub kind: String,
    pub livemode: bool,
    /// The first characters (`sk_test_4f2a`).
    pub prefix: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds, to the minute; null when never used.
    pub last_used_at: Option<i64>,
    /// When a rolled key stops working (Unix seconds); null when it has no end.
    pub expires_at: Option<i64>,
    /// When it was revoked (Unix seconds); null when not.
    pub revoked_at: Option<i64>,
    /// `active`, `expiring` (rolled, in its grace period), `expired` or `revoked`.
    pub status: String,
    /// True for the key that made this request.
    pub current: bool,
}

#[derive(Deserialize)]
struct KeyRow {
    id: String,
    kind: String,
    #[serde(deserialize_with = "crate::store::int_bool")]
    livemode: bool,
    prefix: String,
    #[serde(deserialize_with = "crate::store::int")]
    created_at: i64,
    #[serde(deserialize_with = "crate::store::int_opt", default)]
    last_used_at: Option<i64>,
    #[serde(deserialize_with = "crate::store::int_opt", default)]
    expires_at: Option<i64>,
    #[serde(deserialize_with = "crate::store::int_opt", default)]
    revoked_at: Option<i64>,
    replaces: Option<String>,
}

impl KeyRow {
    fn view(&self, now_ms: i64, caller: &Caller) -> ApiKeyView {
        let status = match (self.revoked_at, self.expires_at) {
            (Some(_), _) => "revoked",
            (None, Some(t)) if t <= now_ms => "expired",
            (None, Some(_)) => "expiring",
            (None, None) => "active",
        };
        let s = |t: Option<i64>| t.map(|t| t.div_euclid(1000));
        ApiKeyView {
            id: self.id.clone(),
            object: "api_key".into(),
            kind: self.kind.clone(),
            livemode: self.livemode,
            prefix: self.prefix.clone(),
            created_at: self.created_at.div_euclid(1000),
            last_used_at: s(self.last_used_at),
            expires_at: s(self.expires_at),
            revoked_at: s(self.revoked_at),
            status: status.into(),
            current: self.id == caller.key_id,
        }
    }
}

const KEY_COLUMNS: &str = "id, kind, livemode, prefix, created_at, last_used_at, expires_at, revoked_at, replaces";

/// `GET /v1/api-keys`: the merchant's keys, newest first.
pub async fn list(ctx: &Ctx<'_>, caller: &Caller) -> Result<Vec<ApiKeyView>, ApiError> {
    let rows: Vec<KeyRow> = crate::platform::query_as(
        ctx.db,
        stmt!(
            format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE merchant_id = ?1 ORDER BY created_at DESC, id LIMIT 100"),
            caller.merchant.id.as_str()
        ),
    )
    .await
    .map_err(store::internal)?;
    let now = ctx.now_ms();
    Ok(rows.iter().map(|r| r.view(now, caller)).collect())
}

/// `POST /v1/api-keys/{id}/revoke`: revokes a key of the caller's merchant at once (idempotent for a revoked key).
pub async fn revoke(ctx: &Ctx<'_>, caller: &Caller, id: &str) -> Result<ApiKeyView, ApiError> {
    if id == caller.key_id {
        return Err(ApiError::invalid_code(
            codes::API_KEY_SELF_REVOKE,
            "id",
            "A key cannot revoke itself. Revoke it with another key, or roll it with expires_in = 0.",
        ));
    }
    let load = || async {
        let row: Option<KeyRow> = query_one(
            ctx.db,
            stmt!(
                format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE id = ?1 AND merchant_id = ?2"),
                id,
                caller.merchant.id.as_str()
            ),
        )
        .await
        .map_err(store::internal)?;
        row.ok_or_else(|| ApiError::not_found("api key", id))
    };
    let row = load().await?;
    let now = ctx.now_ms();
    let mut statements =
        vec![stmt!("UPDATE api_keys SET revoked_at = ?1 WHERE id = ?2 AND revoked_at IS NULL", now, row.id.as_str())];
    // Undo the roll that made this key: the key it replaced keeps working with no end, if it still works now.
    if let Some(replaced) = &row.replaces {
        statements.push(stmt!(
            "UPDATE api_keys SET expires_at = NULL WHERE id = ?1 AND merchant_id = ?2 AND revoked_at IS NULL AND expires_at > ?3",
            replaced.as_str(),
            caller.merchant.id.as_str(),
            now
        ));
    }
    ctx.db.batch(statements).await.map_err(store::internal)?;
    crate::log::info(
        "api_key.revoked",
        &format!("{} merchant={} key={} by={}", ctx.request_id, caller.merchant.id, row.id, caller.key_id),
    );
    Ok(load().await?.view(now, caller))
}
