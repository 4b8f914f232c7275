//! Checkout sessions: create, read, list, cancel, expire (here), and the payer's side through the session token
//! (`payer`: the payer view, payer details, the open-session check).

pub mod page_urls;
mod payer;
pub mod payer_guard;
pub mod transitions;

pub use payer::{merge_payer, open_read_for_payer, open_session_for_payer, save_payer, view_of};

use crate::accounts::auth::Merchant;
use crate::platform::{query_as, query_one, Ctx, Stmt};
use crate::records::payment_reads::{api_object, load_row};
use crate::records::{enum_text, PaymentRow, SessionRow, SESSION_COLUMNS};
use crate::sessions::transitions::{cas, Target};
use crate::stmt;
use crate::store::{self, to_json_text, Paging};
use crate::webhooks::events::{types, NewEvent, Outbox};
use base64::Engine;
use hsrc_shared::api::{CheckoutSession, CreateSessionRequest, List};
use hsrc_shared::installments::SessionInstallments;
use hsrc_shared::lifecycle::{PaymentEvent, PaymentStatus, SessionEvent, SessionStatus};
use hsrc_shared::urls::UrlPolicy;
use hsrc_shared::{codes, money, validate, ApiError};

pub const DEFAULT_EXPIRES_IN_S: i64 = 30 * 60;
pub const MAX_EXPIRES_IN_S: i64 = 7 * 24 * 3600;
/// Live sessions must give the payer at least a minute; sandbox sessions may be shorter so expiry can be tested.
const MIN_EXPIRES_IN_LIVE_S: i64 = 60;
const MIN_EXPIRES_IN_TEST_S: i64 = 3;
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;

pub use crate::store::token_hash;

fn new_token(ctx: &Ctx<'_>) -> String {
    // 256 bits from the platform CSPRNG.
    format!("cst_{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(ctx.random_bytes::<32>()))
}

pub async fn create(
    ctx: &Ctx<'_>,
    merchant: &Merchant,
    req: CreateSessionRequest,
) -> Result<CheckoutSession, ApiError> {
    let currency = money::order_amount(req.amount, &req.currency)?;

    let allow_local = !merchant.livemode;
    let page_policy =
        UrlPolicy { allowed_hosts: &merchant.allowed_hosts, allow_localhost_http: allow_local, allow_fragment: false };
    let own_hosts: Vec<String> = host_of(&ctx.config.public_origin).into_iter().collect();
    let own_policy = UrlPolicy { allowed_hosts: &own_hosts, allow_localhost_http: allow_local, allow_fragment: false };
    let page_url = |u: &str, param: &str| {
        crate::sessions::page_urls::check(u, param, &page_policy, &own_policy, &ctx.config.public_origin)
    };
    let url = match &req.url {
        Some(u) => page_url(u, "url")?,
        None => format!("{}/checkout/hosted", ctx.config.public_origin),
    };
    let return_url = req.return_url.as_deref().map(|u| page_url(u, "return_url")).transpose()?;
    let cancel_url = req.cancel_url.as_deref().map(|u| page_url(u, "cancel_url")).transpose()?;

    let now_ms = ctx.now_ms();
    let expires_at_ms = match (req.expires_in, req.expires_at) {
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid("expires_at", "Give either expires_in or expires_at, not both."))
        }
        (Some(secs), None) => {
            check_lifetime(secs, merchant.livemode, "expires_in")?;
            now_ms + secs * 1000
        }
        (None, Some(at)) => {
            check_lifetime(at - now_ms.div_euclid(1000), merchant.livemode, "expires_at")?;
            at * 1000
        }
        (None, None) => now_ms + DEFAULT_EXPIRES_IN_S * 1000,
    };

    req.customer.as_ref().map(validate::customer).transpose()?;
    validate::custom_field_defs(&req.custom_fields)?;
    validate::metadata(&req.metadata, "metadata")?;
    if let Some(key) = req.public_metadata_keys.iter().find(|k| !req.metadata.contains_key(*k)) {
        return Err(ApiError::invalid("public_metadata_keys", format!("'{key}' is not a key of metadata.")));
    }
    let max_attempts = req.max_attempts.unwrap_or(DEFAULT_MAX_ATTEMPTS);
    if !(1..=10).contains(&max_attempts) {
        return Err(ApiError::invalid("max_attempts", "max_attempts must be between 1 and 10."));
    }
    let mut collect = req.collect.clone();
    collect.sort();
    collect.dedup();
    // Installments (#16): the create body's choice, else the merchant's default for this amount.
    let installments = installment_setting(merchant, &req, currency.code)?;

    let token = new_token(ctx);
    let row = SessionRow {
        id: ctx.new_id("cs").into(),
        merchant_id: merchant.id.clone(),
        status: SessionStatus::Pending,
        version: 0,
        amount: req.amount,
        currency: currency.code.to_string(),
        url,
        return_url,
        cancel_url,
        expires_at: expires_at_ms,
        customer: req.customer,
        collect,
        custom_fields: req.custom_fields,
        metadata: req.metadata,
        public_metadata_keys: req.public_metadata_keys,
        secure_mode: req.secure_mode.unwrap_or(false),
        capture_method: req.capture_method.unwrap_or_default(),
        locale: req.locale.unwrap_or_default(),
        payer: None,
        attempts: 0,
        max_attempts: i64::from(max_attempts),
        livemode: merchant.livemode,
        payment_id: ctx.new_id("pay").into(),
        created_at: now_ms,
        updated_at: now_ms,
        installments: Some(installments),
    };
    let statements = vec![
        stmt!(
            "INSERT INTO checkout_sessions (id, merchant_id, status, token_hash, amount, currency, url, return_url, cancel_url, \
             expires_at, customer, collect, custom_fields, metadata, public_metadata_keys, secure_mode, capture_method, locale, \
             max_attempts, livemode, payment_id, created_at, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?22)",
            row.id.as_str(),
            row.merchant_id.as_str(),
            row.status.as_str(),
            token_hash(&token),
            row.amount,
            row.currency.as_str(),
            row.url.as_str(),
            row.return_url.clone(),
            row.cancel_url.clone(),
            row.expires_at,
            row.customer.as_ref().map(to_json_text),
            to_json_text(&row.collect),
            to_json_text(&row.custom_fields),
            to_json_text(&row.metadata),
            to_json_text(&row.public_metadata_keys),
            row.secure_mode,
            enum_text(&row.capture_method),
            enum_text(&row.locale),
            row.max_attempts,
            row.livemode,
            row.payment_id.as_str(),
            now_ms
        ),
        stmt!(
            "INSERT INTO payments (id, merchant_id, checkout_session_id, status, amount, currency, capture_method, livemode, created_at, updated_at) \
             VALUES (?1, ?2, ?3, 'CREATED', ?4, ?5, ?6, ?7, ?8, ?8)",
            row.payment_id.as_str(),
            row.merchant_id.as_str(),
            row.id.as_str(),
            row.amount,
            row.currency.as_str(),
            enum_text(&row.capture_method),
            row.livemode,
            now_ms
        ),
        crate::sessions::transitions::timeline(ctx, "checkout_session", &row.id, None, SessionStatus::Pending.as_str()),
        crate::sessions::transitions::timeline(ctx, "payment", &row.payment_id, None, PaymentStatus::Created.as_str()),
        stmt!("UPDATE checkout_sessions SET installments = ?1 WHERE id = ?2", to_json_text(&installments), row.id.as_str()),
    ];
    ctx.db.batch(statements).await.map_err(store::internal)?;
    Ok(row.to_api(Some(token)))
}

fn check_lifetime(secs: i64, livemode: bool, param: &str) -> Result<(), ApiError> {
    let min = if livemode { MIN_EXPIRES_IN_LIVE_S } else { MIN_EXPIRES_IN_TEST_S };
    if secs < min || secs > MAX_EXPIRES_IN_S {
        return Err(ApiError::invalid(param, format!("A session must live between {min} seconds and 7 days.")));
    }
    Ok(())
}

/// The `installments` a new session gets: the create body's (checked), else the merchant's default for its
/// amount and currency.
fn installment_setting(
    merchant: &Merchant,
    req: &CreateSessionRequest,
    currency: &str,
) -> Result<SessionInstallments, ApiError> {
    match req.installments {
        Some(chosen) => {
            chosen.validate(currency)?;
            Ok(chosen)
        }
        None => Ok(merchant.installments.clone().unwrap_or_default().session_default(req.amount, currency)),
    }
}

fn host_of(origin: &str) -> Option<String> {
    let rest = origin.split_once("://")?.1;
    let host_port = rest.split('/').next()?;
    let host = host_port.rsplit_once(':').map_or(host_port, |(h, _)| h);
    Some(host.to_string())
}

pub async fn load(ctx: &Ctx<'_>, merchant_id: &str, id: &str) -> Result<SessionRow, ApiError> {
    let row: Option<SessionRow> = query_one(
        ctx.db,
        stmt!(
            format!("SELECT {SESSION_COLUMNS} FROM checkout_sessions s WHERE s.id = ?1 AND s.merchant_id = ?2"),
            id,
            merchant_id
        ),
    )
    .await
    .map_err(store::internal)?;
    row.ok_or_else(|| ApiError::not_found("checkout session", id))
}

pub async fn load_by_token(ctx: &Ctx<'_>, token: &str) -> Result<SessionRow, ApiError> {
    let row: Option<SessionRow> =
        query_one(ctx.db, by_token_hash_stmt(&token_hash(token))).await.map_err(store::internal)?;
    row.ok_or_else(invalid_token)
}

/// The session whose token hashes to `hash`.
pub fn by_token_hash_stmt(hash: &str) -> Stmt {
    stmt!(format!("SELECT {SESSION_COLUMNS} FROM checkout_sessions s WHERE s.token_hash = ?1"), hash)
}

fn invalid_token() -> ApiError {
    ApiError::new(
        404,
        hsrc_shared::ErrorType::InvalidRequestError,
        codes::TOKEN_INVALID,
        "This checkout link is not valid. Ask the merchant for a new one.",
    )
}

/// The session behind a token and its payment in one round trip (the payer view's hot path): the payment comes
/// back as a JSON object column, which `PaymentRow` reads like a row.
pub async fn load_with_payment_by_token(ctx: &Ctx<'_>, token: &str) -> Result<(SessionRow, PaymentRow), ApiError> {
    #[derive(serde::Deserialize)]
    struct Joined {
        #[serde(flatten)]
        session: SessionRow,
        #[serde(deserialize_with = "crate::store::json_text")]
        payment_json: PaymentRow,
    }
    let sql = format!(
        "SELECT {SESSION_COLUMNS}, (SELECT json_object('id', p.id, 'merchant_id', p.merchant_id, 'checkout_session_id', \
         p.checkout_session_id, 'status', p.status, 'version', p.version, 'amount', p.amount, 'amount_captured', \
         p.amount_captured, 'currency', p.currency, 'capture_method', p.capture_method, 'card', p.card, 'next_action', \
         p.next_action, 'last_error', p.last_error, 'livemode', p.livemode, 'created_at', p.created_at, 'updated_at', \
         p.updated_at, 'cancellation_reason', p.cancellation_reason, 'installments', p.installments) FROM payments p WHERE p.id = s.payment_id) AS payment_json \
         FROM checkout_sessions s WHERE s.token_hash = ?1"
    );
    let row: Option<Joined> = query_one(ctx.db, stmt!(sql, token_hash(token))).await.map_err(store::internal)?;
    let row = row.ok_or_else(invalid_token)?;
    Ok((row.session, row.payment_json))
}

/// The merchant's view, expiring the session first if its time is up.
pub async fn retrieve(ctx: &Ctx<'_>, merchant_id: &str, id: &str) -> Result<CheckoutSession, ApiError> {
    let row = load(ctx, merchant_id, id).await?;
    Ok(expire_if_due(ctx, row).await?.to_api(None))
}

pub async fn list(
    ctx: &Ctx<'_>,
    merchant_id: &str,
    status: Option<SessionStatus>,
    paging: &Paging,
) -> Result<List<CheckoutSession>, ApiError> {
    let query = store::ListQuery {
        table: "checkout_sessions",
        alias: "s",
        columns: SESSION_COLUMNS,
        merchant_id,
        status: status.map(|s| s.as_str()),
        paging,
    };
    let rows: Vec<SessionRow> = query.rows(ctx.db).await?;
    Ok(paging.page(rows.iter().map(|r| r.to_api(None)).collect(), |s| s.id.clone().into()))
}

/// Who ends a session early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelledBy {
    Merchant,
    Payer,
}

/// Cancels an open session and its untouched payment, with their events, in one batch.
pub async fn cancel(ctx: &Ctx<'_>, session: SessionRow, by: CancelledBy) -> Result<SessionRow, ApiError> {
    let session = expire_if_due(ctx, session).await?;
    close(ctx, &session, SessionEvent::Cancel, by).await?;
    reload(ctx, &session).await
}

/// Expires a session whose time is up (on read, and from the scheduled job). Processing sessions are left alone.
pub async fn expire_if_due(ctx: &Ctx<'_>, session: SessionRow) -> Result<SessionRow, ApiError> {
    if session.status != SessionStatus::Pending || ctx.now_ms() < session.expires_at {
        return Ok(session);
    }
    match close(ctx, &session, SessionEvent::Expire, CancelledBy::Merchant).await {
        // Somebody else moved it first (another reader expired it, or a confirm won): report what is there now.
        Ok(()) | Err(ApiError { status: 409, .. }) => reload(ctx, &session).await,
        Err(e) => Err(e),
    }
}

async fn reload(ctx: &Ctx<'_>, session: &SessionRow) -> Result<SessionRow, ApiError> {
    load(ctx, &session.merchant_id, &session.id).await
}

/// Cancel or expire: the session ends and its payment, which never moved money, is cancelled with it.
async fn close(ctx: &Ctx<'_>, session: &SessionRow, event: SessionEvent, by: CancelledBy) -> Result<(), ApiError> {
    let to = session.status.next(event).map_err(|e| not_open(session, e.to_string()))?;
    let payment = load_row(ctx, &session.payment_id).await?;
    let payment_to = payment.status.next(PaymentEvent::Cancel).map_err(|e| not_open(session, e.to_string()))?;
    // payment.canceled says why (#12): the session's time ran out, or who cancelled it.
    let reason = match (to, by) {
        (SessionStatus::Expired, _) => "expired",
        (_, CancelledBy::Payer) => "payer_cancelled",
        (_, CancelledBy::Merchant) => "merchant_cancelled",
    };
    let mut statements = cas(ctx, Target::session(session), to.as_str(), vec![]);
    statements.extend(cas(
        ctx,
        Target::payment(&payment),
        payment_to.as_str(),
        vec![("cancellation_reason", reason.into())],
    ));

    let mut outbox = Outbox::default();
    let session_after =
        SessionRow { status: to, version: session.version + 1, updated_at: ctx.now_ms(), ..session.clone() };
    let payment_after = PaymentRow {
        status: payment_to,
        version: payment.version + 1,
        updated_at: ctx.now_ms(),
        cancellation_reason: Some(reason.into()),
        ..payment.clone()
    };
    let kind = if to == SessionStatus::Expired { types::SESSION_EXPIRED } else { types::SESSION_CANCELLED };
    let payment_object = api_object(ctx, &payment_after, &session_after).await?;
    outbox.push(
        ctx,
        NewEvent {
            kind: types::PAYMENT_CANCELED,
            merchant_id: &session.merchant_id,
            livemode: session.livemode,
            payment_id: Some(&payment.id),
            checkout_session_id: Some(&session.id),
            object: serde_json::to_value(payment_object).unwrap_or_default(),
        },
    );
    let mut session_object = serde_json::to_value(session_after.to_api(None)).unwrap_or_default();
    if to == SessionStatus::Cancelled {
        session_object["cancelled_by"] = serde_json::json!(if by == CancelledBy::Payer { "payer" } else { "merchant" });
    }
    outbox.push(
        ctx,
        NewEvent {
            kind,
            merchant_id: &session.merchant_id,
            livemode: session.livemode,
            payment_id: Some(&payment.id),
            checkout_session_id: Some(&session.id),
            object: session_object,
        },
    );
    outbox.commit(ctx, statements, "The checkout session changed while it was being closed; read it again.").await
}

/// The refusal for a session that no longer takes this action, in terms the caller can act on.
pub fn not_open(session: &SessionRow, detail: String) -> ApiError {
    match session.status {
        SessionStatus::Processing => {
            ApiError::conflict(codes::SESSION_PROCESSING, format!("{detail} A payment is in progress."))
        }
        SessionStatus::Expired => ApiError::new(
            410,
            hsrc_shared::ErrorType::InvalidRequestError,
            codes::SESSION_EXPIRED,
            "This checkout session has expired.",
        ),
        _ => ApiError::conflict(codes::SESSION_NOT_OPEN, detail),
    }
}

/// Sessions whose time is up, oldest first (for the scheduled job).
pub async fn due_for_expiry(ctx: &Ctx<'_>, limit: u32) -> Result<Vec<SessionRow>, ApiError> {
    query_as(
        ctx.db,
        stmt!(format!("SELECT {SESSION_COLUMNS} FROM checkout_sessions s WHERE s.status = 'PENDING' AND s.expires_at <= ?1 ORDER BY s.expires_at LIMIT ?2"), ctx.now_ms(), i64::from(limit)),
    )
    .await
    .map_err(store::internal)
}
