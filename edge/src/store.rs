//! Helpers shared by every storage module: reading SQLite's integer booleans and JSON text columns, and turning
//! storage failures into API errors without leaking their detail.

use crate::platform::DbError;
use hsrc_shared::{codes, ApiError};
use serde::{de::DeserializeOwned, Deserialize, Deserializer};

/// Hash under which a payer's session token is stored and looked up (sessions) and scopes its idempotency keys
/// (pipeline): the token itself is never stored.
pub fn token_hash(token: &str) -> String {
    hsrc_shared::crypto::sha256_hex(token.as_bytes())
}

/// SQLite has no booleans: 0/1 integers (D1 may hand them over as floats).
pub fn int_bool<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    Ok(match v {
        serde_json::Value::Bool(b) => b,
        serde_json::Value::Number(n) => n.as_f64().unwrap_or(0.0) != 0.0,
        _ => false,
    })
}

/// A column holding JSON text, parsed into `T`.
pub fn json_text<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<T, D::Error> {
    let s = String::deserialize(d)?;
    serde_json::from_str(&s).map_err(serde::de::Error::custom)
}

/// A nullable column holding JSON text.
pub fn json_text_opt<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Option<T>, D::Error> {
    match Option::<String>::deserialize(d)? {
        Some(s) => serde_json::from_str(&s).map(Some).map_err(serde::de::Error::custom),
        None => Ok(None),
    }
}

/// Integers that D1 may return as JS numbers with a fractional representation.
pub fn int<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    v.as_i64().or_else(|| v.as_f64().map(|f| f as i64)).ok_or_else(|| serde::de::Error::custom("expected an integer"))
}

pub fn int_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    Ok(v.as_i64().or_else(|| v.as_f64().map(|f| f as i64)))
}

pub fn to_json_text<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

/// A storage failure the caller cannot act on: logged with its detail, answered with a fixed message.
pub fn internal(e: DbError) -> ApiError {
    crate::log::error("storage", &e.to_string());
    ApiError::internal()
}

/// A lost compare-and-set: somebody else changed the resource first.
pub fn conflict_or_internal(e: DbError, message: &str) -> ApiError {
    match e {
        DbError::Conflict => ApiError::conflict(codes::STATE_CONFLICT, message),
        other => internal(other),
    }
}

/// `limit` and `starting_after` of a list request: which page of rows, newest first. Every list function takes
/// one, reads `fetch()` rows and cuts them with `page`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paging {
    pub limit: u32,
    /// Id of the last row of the previous page.
    pub starting_after: Option<String>,
}

impl Paging {
    pub fn after(&self) -> Option<&str> {
        self.starting_after.as_deref()
    }

    /// The `LIMIT` to read: one row more than the page, so the page knows whether more exist.
    pub fn fetch(&self) -> i64 {
        i64::from(self.limit) + 1
    }

    /// Cuts a `fetch()`-row result into a page with its cursor (`id` of its last item).
    pub fn page<T>(&self, mut items: Vec<T>, id: impl Fn(&T) -> String) -> hsrc_shared::api::List<T> {
        let has_more = items.len() > self.limit as usize;
        items.truncate(self.limit as usize);
        let cursor = if has_more { items.last().map(id) } else { None };
        hsrc_shared::api::List::new(items, has_more, cursor)
    }
}

/// One page of a merchant's rows, newest first, optionally only those in one status.
pub struct ListQuery<'a> {
    pub table: &'static str,
    /// The alias `columns` are written against (`s` in `s.id, s.status`).
    pub alias: &'static str,
    pub columns: &'static str,
    pub merchant_id: &'a str,
    pub status: Option<&'a str>,
    pub paging: &'a Paging,
}

impl ListQuery<'_> {
    pub async fn rows<T: DeserializeOwned>(&self, db: &dyn crate::platform::Database) -> Result<Vec<T>, ApiError> {
        let (table, t) = (self.table, self.alias);
        let sql = format!(
            "SELECT {columns} FROM {table} {t} WHERE {t}.merchant_id = ?1 AND (?2 IS NULL OR {t}.status = ?2) \
             AND (?3 IS NULL OR {t}.rowid < (SELECT rowid FROM {table} WHERE id = ?3 AND merchant_id = ?1)) \
             ORDER BY {t}.rowid DESC LIMIT ?4",
            columns = self.columns
        );
        let stmt = crate::stmt!(sql, self.merchant_id, self.status, self.paging.after(), self.paging.fetch());
        crate::platform::query_as(db, stmt).await.map_err(internal)
    }
}
