//! Who is calling: API keys (secret or publishable, stored only as SHA-256 hashes) resolve to a merchant.

use crate::platform::{query_one, Ctx};
use crate::stmt;
use hsrc_shared::{codes, crypto, ApiError};
use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    Secret,
    Publishable,
}

/// A merchant as the services need it.
#[derive(Debug, Clone, Deserialize)]
pub struct Merchant {
    pub id: String,
    pub name: String,
    #[serde(deserialize_with = "crate::store::int_bool")]
    pub livemode: bool,
    #[serde(deserialize_with = "crate::store::json_text")]
    pub allowed_hosts: Vec<String>,
    #[serde(deserialize_with = "crate::store::json_text")]
    pub allowed_origins: Vec<String>,
    #[serde(deserialize_with = "crate::store::json_text")]
    pub providers: Vec<String>,
    /// Installment settings (#16); `None` until the merchant saves its own (the defaults apply).
    #[serde(default, deserialize_with = "crate::store::json_text_opt")]
    pub installments: Option<hsrc_shared::installments::InstallmentSettings>,
}

/// The authenticated caller of a merchant API route.
#[derive(Debug, Clone)]
pub struct Caller {
    pub merchant: Merchant,
    pub key_kind: KeyKind,
    /// The `api_keys.id` of the key that made the call.
    pub key_id: String,
}

/// `last_used_at` is written at most this often per key, so authentication stays a read.
const LAST_USED_RESOLUTION_MS: i64 = 60 * 1000;

const MERCHANT_COLUMNS: &str =
    "m.id, m.name, m.livemode, m.allowed_hosts, m.allowed_origins, m.providers, m.installments";

/// Resolves `Authorization: Bearer <key>`. The hash lookup is an index probe on a value derived from the whole key,
/// and the stored hash is compared again in constant time, so timing says nothing about a near-miss.
pub async fn authenticate(ctx: &Ctx<'_>, authorization: Option<&str>) -> Result<Caller, ApiError> {
    let key = bearer(authorization).ok_or_else(|| {
        ApiError::unauthenticated(
            codes::API_KEY_MISSING,
            "No API key provided. Send `Authorization: Bearer sk_test_…`.",
        )
    })?;
    let kind = if key.starts_with("sk_test_") || key.starts_with("sk_live_") {
        KeyKind::Secret
    } else if key.starts_with("pk_test_") || key.starts_with("pk_live_") {
        KeyKind::Publishable
    } else {
        return Err(invalid_key());
    };
    let hash = crypto::sha256_hex(key.as_bytes());
    #[derive(Deserialize)]
    struct KeyRow {
        key_id: String,
        key_hash: String,
        kind: String,
        #[serde(deserialize_with = "crate::store::int_opt", default)]
        last_used_at: Option<i64>,
        #[serde(flatten)]
        merchant: Merchant,
    }
    let row: Option<KeyRow> = query_one(
        ctx.db,
        stmt!(
            format!("SELECT k.id AS key_id, k.key_hash, k.kind, k.last_used_at, {MERCHANT_COLUMNS} FROM api_keys k JOIN merchants m ON m.id = k.merchant_id WHERE k.key_hash = ?1 AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > ?2)"),
            hash.as_str(),
            ctx.now_ms()
        ),
    )
    .await
    .map_err(crate::store::internal)?;
    let row = row.ok_or_else(invalid_key)?;
    let kind_matches =
        matches!((kind, row.kind.as_str()), (KeyKind::Secret, "secret") | (KeyKind::Publishable, "publishable"));
    if !crypto::constant_time_eq(row.key_hash.as_bytes(), hash.as_bytes()) || !kind_matches {
        return Err(invalid_key());
    }
    let now = ctx.now_ms();
    if row.last_used_at.is_none_or(|t| now - t >= LAST_USED_RESOLUTION_MS) {
        // Best effort: a lost write only makes "last used" a minute older.
        let _ = ctx
            .db
            .batch(vec![stmt!("UPDATE api_keys SET last_used_at = ?1 WHERE id = ?2", now, row.key_id.as_str())])
            .await;
    }
    Ok(Caller { merchant: row.merchant, key_kind: kind, key_id: row.key_id })
}

/// The key of `Authorization: Bearer <key>`.
pub fn bearer(authorization: Option<&str>) -> Option<&str> {
    authorization
        .and_then(|h| h.strip_prefix("Bearer ").or_else(|| h.strip_prefix("bearer ")))
        .map(str::trim)
        .filter(|k| !k.is_empty())
}

pub async fn merchant_by_id(ctx: &Ctx<'_>, id: &str) -> Result<Option<Merchant>, ApiError> {
    query_one(ctx.db, merchant_by_id_stmt(id)).await.map_err(crate::store::internal)
}

/// The read of [`merchant_by_id`], to batch with others (`Database::query_many`).
pub fn merchant_by_id_stmt(id: &str) -> crate::platform::Stmt {
    merchant_stmt(crate::platform::IdSql::Is(id))
}

pub fn merchant_stmt(id: crate::platform::IdSql<'_>) -> crate::platform::Stmt {
    stmt!(format!("SELECT {MERCHANT_COLUMNS} FROM merchants m WHERE m.id = {}", id.sql()), id.param())
}

fn invalid_key() -> ApiError {
    ApiError::unauthenticated(codes::API_KEY_INVALID, "Invalid API key provided.")
}

impl Caller {
    /// Secret-key-only routes (anything that reads payments, sessions, events or changes money).
    pub fn require_secret(&self) -> Result<(), ApiError> {
        match self.key_kind {
            KeyKind::Secret => Ok(()),
            KeyKind::Publishable => Err(ApiError::forbidden(
                codes::API_KEY_WRONG_KIND,
                "This call needs a secret key (sk_…); publishable keys can only be used from the payer's browser.",
            )),
        }
    }

    /// Publishable-key-only routes: a secret key in a browser is a leak, and its holder has the server routes.
    pub fn require_publishable(&self) -> Result<(), ApiError> {
        match self.key_kind {
            KeyKind::Publishable => Ok(()),
            KeyKind::Secret => Err(ApiError::forbidden(
                codes::API_KEY_WRONG_KIND,
                "This call is made by our card element with your publishable key (pk_…), never with a secret key.",
            )),
        }
    }
}
