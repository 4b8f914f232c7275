//! Helpers shared by every storage module: reading SQLite's integer booleans and JSON text columns, and turning
//! storage failures into API errors without leaking their detail.

use crate::platform::DbError;
use hsrc_shared::{codes, ApiError};
use serde::{de::DeserializeOwned, Deserialize, Deserializer};

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
