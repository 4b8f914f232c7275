//! Where a reconciliation pass continues (`engine_cursors`): rows are visited in (created_at, id) order from the
//! cursor on; a pass that reaches the end starts the next one from the beginning. So a backlog is worked through in
//! order and a row that keeps failing is stepped over instead of blocking the rows behind it.

use crate::platform::{query_one, Ctx, DbError};
use crate::stmt;

#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Deserialize)]
pub struct Position {
    #[serde(deserialize_with = "crate::store::int")]
    pub created_at: i64,
    pub id: String,
}

pub async fn load(ctx: &Ctx<'_>, name: &str) -> Result<Position, DbError> {
    Ok(query_one(ctx.db, stmt!("SELECT created_at, id FROM engine_cursors WHERE name = ?1", name))
        .await?
        .unwrap_or_default())
}

/// Saves where the next pass starts: after `last`, or from the beginning when this pass saw the end (`None`).
pub async fn save(ctx: &Ctx<'_>, name: &str, last: Option<Position>) -> Result<(), DbError> {
    let p = last.unwrap_or_default();
    ctx.db
        .batch(vec![stmt!(
            "INSERT INTO engine_cursors (name, created_at, id) VALUES (?1, ?2, ?3) \
             ON CONFLICT (name) DO UPDATE SET created_at = excluded.created_at, id = excluded.id",
            name,
            p.created_at,
            p.id
        )])
        .await
        .map(|_| ())
}
