//! The merchant's payment resource: retrieve and list (refunds as stored), capture and void of authorized money.

use crate::payments::operations;
use crate::platform::{query_as, Ctx};
use crate::records::{ChargeRow, PaymentRow, CHARGE_COLUMNS, PAYMENT_COLUMNS};
use crate::sessions;
use crate::stmt;
use crate::store::{self, Paging};
use hsrc_shared::api::{CaptureRequest, List, Payment};
use hsrc_shared::lifecycle::{PaymentEvent, PaymentStatus};
use hsrc_shared::{codes, ApiError};

/// The read model lives in `records` (sessions and refunds read it too); its `payments::…` paths stay.
pub use crate::records::payment_reads::{
    api_object, api_object_from, api_object_with, api_object_with_metadata, charges, load_for_merchant, load_row,
    load_row_stmt, request_ids, row_stmt, trail, Trail,
};

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
    // Refunds (issue #13) as stored; `refunds::retrieve_payment` settles pending ones first.
    crate::records::refunds::attach(ctx, std::slice::from_mut(&mut object)).await?;
    Ok(object)
}

pub async fn list(
    ctx: &Ctx<'_>,
    merchant_id: &str,
    status: Option<PaymentStatus>,
    paging: &Paging,
) -> Result<List<Payment>, ApiError> {
    let query = store::ListQuery {
        table: "payments",
        alias: "p",
        columns: PAYMENT_COLUMNS,
        merchant_id,
        status: status.map(|s| s.as_str()),
        paging,
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
    crate::records::refunds::attach(ctx, &mut items).await?;
    Ok(paging.page(items, |p| p.id.clone().into()))
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
