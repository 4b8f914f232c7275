//! Applying lifecycle transitions to storage. The rule comes from `hsrc_shared::lifecycle`; this module turns the
//! decision into a compare-and-set UPDATE on (status, version), the guard that aborts the batch when the race was
//! lost, and the timeline row the operations console shows.

use crate::platform::{Ctx, SqlValue, Stmt};
use crate::records::{PaymentRow, SessionRow};
use crate::stmt;

/// A column to set alongside the status change.
pub type Set = (&'static str, SqlValue);

/// The row a transition applies to, as it was read: compare-and-set succeeds only if it is still so.
pub struct Target<'a> {
    pub table: &'static str,
    /// The row kind in the timeline (`checkout_session`, `payment`).
    pub entity: &'static str,
    pub id: &'a str,
    pub status: &'a str,
    pub version: i64,
}

impl<'a> Target<'a> {
    pub fn session(s: &'a SessionRow) -> Self {
        Self {
            table: "checkout_sessions",
            entity: "checkout_session",
            id: &s.id,
            status: s.status.as_str(),
            version: s.version,
        }
    }

    pub fn payment(p: &'a PaymentRow) -> Self {
        Self { table: "payments", entity: "payment", id: &p.id, status: p.status.as_str(), version: p.version }
    }
}

/// Statements that move `target` to `to`, setting `sets` too.
pub fn cas(ctx: &Ctx<'_>, target: Target<'_>, to: &str, sets: Vec<Set>) -> Vec<Stmt> {
    let Target { table, entity, id, status: from, version } = target;
    let mut sql = format!("UPDATE {table} SET status = ?1, version = version + 1, updated_at = ?2");
    let mut params: Vec<SqlValue> = vec![to.into(), ctx.now_ms().into()];
    for (column, value) in sets {
        params.push(value);
        sql.push_str(&format!(", {column} = ?{}", params.len()));
    }
    params.push(id.into());
    params.push(from.into());
    params.push(version.into());
    let n = params.len();
    sql.push_str(&format!(" WHERE id = ?{} AND status = ?{} AND version = ?{}", n - 2, n - 1, n));
    vec![Stmt::new(sql, params), Stmt::cas_guard(), timeline(ctx, entity, id, Some(from), to)]
}

/// A timeline row: one status change of a session, payment or charge, with the request that caused it.
pub fn timeline(ctx: &Ctx<'_>, entity: &'static str, id: &str, from: Option<&str>, to: &str) -> Stmt {
    stmt!(
        "INSERT INTO transitions (entity, entity_id, from_status, to_status, request_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        entity,
        id,
        from,
        to,
        ctx.request_id.as_str(),
        ctx.now_ms()
    )
}
