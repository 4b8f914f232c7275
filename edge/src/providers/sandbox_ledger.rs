//! The sandbox acquirer's ledger (`sandbox_ledger`): what the provider received under each of our references and
//! what it answered. Storage only; the acquirer decides what to record.

use crate::platform::{query_as, query_one, Ctx, DbError};
use crate::stmt;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Entry {
    pub reference: String,
    pub provider: String,
    pub kind: String,
    pub authorization: Option<String>,
    pub outcome: String,
    #[serde(deserialize_with = "crate::store::int")]
    pub amount: i64,
    #[serde(deserialize_with = "crate::store::int")]
    pub resolve_at: i64,
    #[serde(deserialize_with = "crate::store::int_opt")]
    pub hold_expires_at: Option<i64>,
}

const COLUMNS: &str = "reference, provider, kind, authorization, outcome, amount, resolve_at, hold_expires_at";

pub async fn get(ctx: &Ctx<'_>, reference: &str) -> Result<Option<Entry>, DbError> {
    query_one(ctx.db, stmt!(format!("SELECT {COLUMNS} FROM sandbox_ledger WHERE reference = ?1"), reference)).await
}

/// The operations recorded against one authorization (captures, voids, refunds).
pub async fn operations_on(ctx: &Ctx<'_>, authorization: &str) -> Result<Vec<Entry>, DbError> {
    query_as(ctx.db, stmt!(format!("SELECT {COLUMNS} FROM sandbox_ledger WHERE authorization = ?1"), authorization))
        .await
}

/// Records an entry unless the reference is already known; returns the entry that holds for the reference (the
/// earlier one when an earlier or racing call with the same reference got there first: same reference, same
/// answer) and whether it is the new one. One round trip when the reference is new.
pub async fn record(ctx: &Ctx<'_>, entry: Entry) -> Result<(Entry, bool), DbError> {
    let changed = ctx
        .db
        .batch(vec![stmt!(
            "INSERT OR IGNORE INTO sandbox_ledger (reference, provider, kind, authorization, outcome, amount, resolve_at, hold_expires_at, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            entry.reference.as_str(),
            entry.provider.as_str(),
            entry.kind.as_str(),
            entry.authorization.clone(),
            entry.outcome.as_str(),
            entry.amount,
            entry.resolve_at,
            entry.hold_expires_at,
            ctx.now_ms()
        )])
        .await?;
    if changed.first().copied().unwrap_or(0) == 1 {
        return Ok((entry, true));
    }
    let earlier = get(ctx, &entry.reference).await?.ok_or_else(|| DbError::Other("ledger entry vanished".into()))?;
    Ok((earlier, false))
}
