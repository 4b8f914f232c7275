//! Payments: reads with their charges and request trail, and the merchant's capture and void of authorized money.

use crate::payments::operations;
use crate::platform::{query_as, query_one, rows_as, Ctx, Row, Stmt};
use crate::records::{ChargeRow, PaymentRow, SessionRow, CHARGE_COLUMNS, PAYMENT_COLUMNS};
use crate::sessions;
use crate::stmt;
use crate::store;
use hsrc_shared::api::{CaptureRequest, List, Payment};
use hsrc_shared::lifecycle::{PaymentEvent, PaymentStatus};
use hsrc_shared::{codes, ApiError};

pub async fn load_row(ctx: &Ctx<'_>, id: &str) -> Result<PaymentRow, ApiError> {
    let row: Option<PaymentRow> = query_one(ctx.db, load_row_stmt(id)).await.map_err(store::internal)?;
    row.ok_or_else(|| ApiError::not_found("payment", id))
}

/// The read of [`load_row`], to batch with others (`Database::query_many`).
pub fn load_row_stmt(id: &str) -> Stmt {
    stmt!(format!("SELECT {PAYMENT_COLUMNS} FROM payments p WHERE p.id = ?1"), id)
}

pub async fn load_for_merchant(ctx: &Ctx<'_>, merchant_id: &str, id: &str) -> Result<PaymentRow, ApiError> {
    let row = load_row(ctx, id).await?;
    if row.merchant_id != merchant_id {
        return Err(ApiError::not_found("payment", id));
    }
    Ok(row)
}

pub async fn charges(ctx: &Ctx<'_>, payment_id: &str) -> Result<Vec<ChargeRow>, ApiError> {
    query_as(ctx.db, charges_stmt(payment_id)).await.map_err(store::internal)
}

/// Every request that changed the payment, oldest first (for matching webhooks to logs).
pub async fn request_ids(ctx: &Ctx<'_>, payment_id: &str) -> Result<Vec<String>, ApiError> {
    let rows = ctx.db.query(request_ids_stmt(payment_id)).await.map_err(store::internal)?;
    request_ids_of(rows)
}

fn request_ids_stmt(payment_id: &str) -> Stmt {
    stmt!("SELECT request_id FROM transitions WHERE entity_id = ?1 ORDER BY id", payment_id)
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

fn charges_stmt(payment_id: &str) -> Stmt {
    stmt!(format!("SELECT {CHARGE_COLUMNS} FROM charges c WHERE c.payment_id = ?1 ORDER BY c.sequence"), payment_id)
}

/// A payment's charges and the requests that changed it, read in one round trip (what its object is built from).
pub struct Trail {
    pub charges: Vec<ChargeRow>,
    pub request_ids: Vec<String>,
}

pub async fn trail(ctx: &Ctx<'_>, payment_id: &str) -> Result<Trail, ApiError> {
    let mut results = ctx
        .db
        .query_many(vec![charges_stmt(payment_id), request_ids_stmt(payment_id)])
        .await
        .map_err(store::internal)?
        .into_iter();
    let (Some(charges), Some(ids)) = (results.next(), results.next()) else { return Err(ApiError::internal()) };
    Ok(Trail { charges: rows_as(charges).map_err(store::internal)?, request_ids: request_ids_of(ids)? })
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

pub async fn retrieve(ctx: &Ctx<'_>, merchant_id: &str, id: &str) -> Result<Payment, ApiError> {
    let payment = load_for_merchant(ctx, merchant_id, id).await?;
    let Some(session_id) = payment.checkout_session_id.clone() else {
        // An API-only payment (#15): reconciled and shaped without a session.
        crate::payments::reconcile::reconcile_payment_if_waiting(ctx, payment).await?;
        return crate::payments::api_payments::retrieve(ctx, merchant_id, id).await;
    };
    let session = sessions::load(ctx, merchant_id, &session_id).await?;
    let session = crate::payments::confirm::reconcile_if_waiting(ctx, session).await?;
    let payment = load_row(ctx, id).await?;
    let charges = charges(ctx, id).await?;
    let mut object = payment.to_api(
        charges.iter().map(ChargeRow::to_api).collect(),
        request_ids(ctx, id).await?,
        session.metadata.clone(),
    );
    object.request_ids.dedup();
    // Refunds (issue #13); the next read settles asynchronous ones, which moves the payment's version.
    if crate::refunds::attach_fresh(ctx, &mut object).await? {
        let now = load_row(ctx, id).await?;
        (object.version, object.updated_at) = (now.version, now.updated_at.div_euclid(1000));
    }
    Ok(object)
}

pub async fn list(
    ctx: &Ctx<'_>,
    merchant_id: &str,
    status: Option<PaymentStatus>,
    limit: u32,
    starting_after: Option<&str>,
) -> Result<List<Payment>, ApiError> {
    let query = store::ListQuery {
        table: "payments",
        alias: "p",
        columns: PAYMENT_COLUMNS,
        merchant_id,
        status: status.map(|s| s.as_str()),
        limit,
        starting_after,
    };
    let rows: Vec<PaymentRow> = query.rows(ctx.db).await?;
    // One query for the charges of the whole page, not one per payment.
    let ids =
        serde_json::to_string(&rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>()).unwrap_or_else(|_| "[]".into());
    let all_charges: Vec<ChargeRow> = query_as(
        ctx.db,
        stmt!(format!("SELECT {CHARGE_COLUMNS} FROM charges c WHERE c.payment_id IN (SELECT value FROM json_each(?1)) ORDER BY c.payment_id, c.sequence"), ids),
    )
    .await
    .map_err(store::internal)?;
    let mut items: Vec<Payment> = rows
        .iter()
        .map(|row| {
            let charges = all_charges.iter().filter(|c| c.payment_id == row.id).map(ChargeRow::to_api).collect();
            row.to_api(charges, Vec::new(), Default::default())
        })
        .collect();
    crate::refunds::attach(ctx, &mut items).await?;
    Ok(store::page(items, limit, |p| p.id.clone().into()))
}

/// Captures all or part of an authorized payment, at the provider (`engine::operations`).
pub async fn capture(ctx: &Ctx<'_>, merchant_id: &str, id: &str, req: CaptureRequest) -> Result<Payment, ApiError> {
    let payment = load_for_merchant(ctx, merchant_id, id).await?;
    payment.status.next(PaymentEvent::Capture).map_err(|e| ApiError::conflict(codes::STATE_CONFLICT, e.to_string()))?;
    let amount = req.amount.unwrap_or(payment.amount);
    if amount <= 0 || amount > payment.amount {
        return Err(ApiError::invalid_code(
            codes::AMOUNT_INVALID,
            "amount",
            format!("The capture amount must be between 1 and the authorized {}.", payment.amount),
        ));
    }
    let charge = operations::authorized_charge(ctx, &payment).await?;
    // An unknown outcome leaves the payment AUTHORIZED with the capture pending; payment.succeeded follows.
    operations::run(ctx, &payment, &charge, operations::Kind::Capture, amount, None).await?;
    retrieve(ctx, &payment.merchant_id, &payment.id).await
}

/// Releases an authorized payment at the provider without moving money: `CANCELLED`, `cancellation_reason: voided`.
pub async fn void(ctx: &Ctx<'_>, merchant_id: &str, id: &str) -> Result<Payment, ApiError> {
    let payment = load_for_merchant(ctx, merchant_id, id).await?;
    if payment.status != PaymentStatus::Authorized {
        let err = payment.status.next(PaymentEvent::Cancel).err().map(|e| e.to_string());
        return Err(ApiError::conflict(
            codes::STATE_CONFLICT,
            err.unwrap_or_else(|| format!("You cannot void this payment because its status is {}.", payment.status)),
        ));
    }
    let charge = operations::authorized_charge(ctx, &payment).await?;
    operations::run(ctx, &payment, &charge, operations::Kind::Void, payment.amount, Some("voided")).await?;
    retrieve(ctx, &payment.merchant_id, &payment.id).await
}
