//! A payment's read model: its row, its charges, the requests that changed it, and the merchant's object built from
//! them. Sessions (a closing session's `payment.canceled`), refunds and payments all build on it, so it lives below
//! them; the object's refund fields come from [`super::refunds`].

use crate::platform::{query_as, query_one, rows_as, Ctx, IdSql, Row, Stmt};
use crate::records::{ChargeRow, PaymentRow, SessionRow, CHARGE_COLUMNS, PAYMENT_COLUMNS};
use crate::stmt;
use crate::store;
use hsrc_shared::api::Payment;
use hsrc_shared::ApiError;

pub async fn load_row(ctx: &Ctx<'_>, id: &str) -> Result<PaymentRow, ApiError> {
    let row: Option<PaymentRow> = query_one(ctx.db, load_row_stmt(id)).await.map_err(store::internal)?;
    row.ok_or_else(|| ApiError::not_found("payment", id))
}

/// The read of [`load_row`], to batch with others (`Database::query_many`).
pub fn load_row_stmt(id: &str) -> Stmt {
    row_stmt(IdSql::Is(id))
}

pub fn row_stmt(id: IdSql<'_>) -> Stmt {
    stmt!(format!("SELECT {PAYMENT_COLUMNS} FROM payments p WHERE p.id = {}", id.sql()), id.param())
}

pub async fn load_for_merchant(ctx: &Ctx<'_>, merchant_id: &str, id: &str) -> Result<PaymentRow, ApiError> {
    let row = load_row(ctx, id).await?;
    if row.merchant_id != merchant_id {
        return Err(ApiError::not_found("payment", id));
    }
    Ok(row)
}

pub async fn charges(ctx: &Ctx<'_>, payment_id: &str) -> Result<Vec<ChargeRow>, ApiError> {
    query_as(ctx.db, charges_stmt(IdSql::Is(payment_id))).await.map_err(store::internal)
}

/// Every request that changed the payment, oldest first (for matching webhooks to logs).
pub async fn request_ids(ctx: &Ctx<'_>, payment_id: &str) -> Result<Vec<String>, ApiError> {
    let rows = ctx.db.query(request_ids_stmt(IdSql::Is(payment_id))).await.map_err(store::internal)?;
    request_ids_of(rows)
}

fn request_ids_stmt(payment_id: IdSql<'_>) -> Stmt {
    stmt!(
        format!("SELECT request_id FROM transitions WHERE entity_id = {} ORDER BY id", payment_id.sql()),
        payment_id.param()
    )
}

fn request_ids_of(rows: Vec<Row>) -> Result<Vec<String>, ApiError> {
    #[derive(serde::Deserialize)]
    struct R {
        request_id: Option<String>,
    }
    let rows: Vec<R> = rows_as(rows).map_err(store::internal)?;
    let mut ids: Vec<String> = Vec::new();
    for id in rows.into_iter().filter_map(|r| r.request_id) {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

fn charges_stmt(payment_id: IdSql<'_>) -> Stmt {
    stmt!(
        format!("SELECT {CHARGE_COLUMNS} FROM charges c WHERE c.payment_id = {} ORDER BY c.sequence", payment_id.sql()),
        payment_id.param()
    )
}

/// A payment's charges and the requests that changed it, read in one round trip (what its object is built from).
pub struct Trail {
    pub charges: Vec<ChargeRow>,
    pub request_ids: Vec<String>,
}

pub async fn trail(ctx: &Ctx<'_>, payment_id: &str) -> Result<Trail, ApiError> {
    let results = ctx.db.query_many(Trail::reads(IdSql::Is(payment_id))).await.map_err(store::internal)?;
    Trail::of(&mut results.into_iter())
}

impl Trail {
    /// The trail's two reads, to run with others in one round trip.
    pub fn reads(payment_id: IdSql<'_>) -> Vec<Stmt> {
        vec![charges_stmt(payment_id), request_ids_stmt(payment_id)]
    }

    /// The results of [`Trail::reads`], taken from `results` in order.
    pub fn of(results: &mut impl Iterator<Item = Vec<Row>>) -> Result<Self, ApiError> {
        let (Some(charges), Some(ids)) = (results.next(), results.next()) else { return Err(ApiError::internal()) };
        Ok(Self { charges: rows_as(charges).map_err(store::internal)?, request_ids: request_ids_of(ids)? })
    }
}

/// The merchant's payment object as stored now, with `payment` standing for a state about to be committed.
pub async fn api_object(ctx: &Ctx<'_>, payment: &PaymentRow, session: &SessionRow) -> Result<Payment, ApiError> {
    let charges = charges(ctx, &payment.id).await?;
    api_object_with(ctx, payment, session, &charges).await
}

/// Same, with the charges given (when the batch that writes them has not run yet).
pub async fn api_object_with(
    ctx: &Ctx<'_>,
    payment: &PaymentRow,
    session: &SessionRow,
    charges: &[ChargeRow],
) -> Result<Payment, ApiError> {
    api_object_with_metadata(ctx, payment, &session.metadata, charges).await
}

/// Same, for any owner's metadata (an API-only payment has no session, #15).
pub async fn api_object_with_metadata(
    ctx: &Ctx<'_>,
    payment: &PaymentRow,
    metadata: &hsrc_shared::api::Metadata,
    charges: &[ChargeRow],
) -> Result<Payment, ApiError> {
    let ids = request_ids(ctx, &payment.id).await?;
    Ok(api_object_from(ctx, payment, metadata, charges, ids))
}

/// Same, from the request ids read before (with [`trail`]); this request's id is added.
pub fn api_object_from(
    ctx: &Ctx<'_>,
    payment: &PaymentRow,
    metadata: &hsrc_shared::api::Metadata,
    charges: &[ChargeRow],
    mut ids: Vec<String>,
) -> Payment {
    if !ids.contains(&ctx.request_id) {
        ids.push(ctx.request_id.clone());
    }
    // No refund fields here: this builds the object of a transition into (or before) SUCCEEDED, when a payment
    // has no refunds yet; the refunds service fills them for its own events (payment.refunded).
    payment.to_api(charges.iter().map(ChargeRow::to_api).collect(), ids, metadata.clone())
}
