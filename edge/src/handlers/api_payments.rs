//! API-only payment routes (#15): create, confirm, cancel and the payer's read of a payment; payment methods from
//! the card element; the card element page and script; CORS for the routes a merchant's page calls.

use crate::http::{ApiRequest, ApiResponse, Body, Method};
use crate::payments::{api_confirm, api_payments, customer_cards, methods};
use crate::platform::Ctx;
use crate::routing::{Access, Call, KeyCall, Op};
use hsrc_shared::api::ids::{PaymentId, PaymentMethodId, PrefixedId};
use hsrc_shared::api::{
    AttachPaymentMethodRequest, CancelPaymentRequest, ConfirmPaymentRequest, CreatePaymentRequest,
    PaymentMethodEnvelope,
};
use hsrc_shared::api::{PaymentMethodInput, PaymentSummary};
use hsrc_shared::ApiError;
use serde::Serialize;

pub async fn create(ctx: &Ctx<'_>, call: &KeyCall<'_>) -> Result<ApiResponse, ApiError> {
    let body: CreatePaymentRequest = call.req.json()?;
    let created = api_payments::create(ctx, &call.caller().merchant, body).await?;
    Ok(ApiResponse::ok(&created))
}

pub async fn confirm(ctx: &Ctx<'_>, call: &KeyCall<'_>) -> Result<ApiResponse, ApiError> {
    let body: ConfirmPaymentRequest = call.req.json()?;
    let result = api_confirm::confirm(ctx, call.caller(), &PaymentId::from_path(call.param("id"))?, body).await?;
    Ok(ApiResponse::ok(&result))
}

pub async fn cancel(ctx: &Ctx<'_>, call: &KeyCall<'_>) -> Result<ApiResponse, ApiError> {
    let _: CancelPaymentRequest = call.req.json()?;
    let payment = api_payments::cancel(ctx, &call.caller().merchant, &PaymentId::from_path(call.param("id"))?).await?;
    Ok(ApiResponse::ok(&hsrc_shared::api::PaymentEnvelope { payment }))
}

/// What the merchant's page may read of its payment: the payer's summary (no charges, fingerprint or metadata).
#[derive(Serialize, schemars::JsonSchema)]
pub struct ClientPaymentEnvelope {
    pub payment: PaymentSummary,
}

pub async fn client_view(ctx: &Ctx<'_>, call: &KeyCall<'_>) -> Result<ApiResponse, ApiError> {
    let id = PaymentId::from_path(call.param("id"))?;
    let payment = api_confirm::client_view(ctx, call.caller(), &id, call.req.query_param("client_secret")).await?;
    Ok(ApiResponse::ok(&ClientPaymentEnvelope { payment }))
}

pub async fn create_payment_method(ctx: &Ctx<'_>, call: &KeyCall<'_>) -> Result<ApiResponse, ApiError> {
    let caller = call.caller();
    methods::check_card_element_origin(ctx, caller, call.req.header("origin"))?;
    let body: PaymentMethodInput = call.req.json()?;
    let payment_method = methods::create(ctx, caller, body).await?;
    Ok(ApiResponse::ok(&PaymentMethodEnvelope { payment_method }))
}

/// `POST /v1/payment-methods/:id/attach` (secret key).
pub async fn attach_payment_method(ctx: &Ctx<'_>, call: &KeyCall<'_>) -> Result<ApiResponse, ApiError> {
    let body: AttachPaymentMethodRequest = call.req.json()?;
    let merchant_id = &call.caller().merchant.id;
    let id = PaymentMethodId::from_path(call.param("id"))?;
    let payment_method = customer_cards::attach(ctx, merchant_id, &id, &body.customer_reference).await?;
    Ok(ApiResponse::ok(&PaymentMethodEnvelope { payment_method }))
}

/// `POST /v1/payment-methods/:id/detach` (secret key).
pub async fn detach_payment_method(ctx: &Ctx<'_>, call: &KeyCall<'_>) -> Result<ApiResponse, ApiError> {
    let id = PaymentMethodId::from_path(call.param("id"))?;
    let payment_method = customer_cards::detach(ctx, &call.caller().merchant.id, &id).await?;
    Ok(ApiResponse::ok(&PaymentMethodEnvelope { payment_method }))
}

/// `GET /v1/payment-methods?customer_reference=…` (secret key).
pub async fn list_payment_methods(ctx: &Ctx<'_>, call: &KeyCall<'_>) -> Result<ApiResponse, ApiError> {
    let paging = super::paging(call.req)?;
    let reference =
        call.req.query_param("customer_reference").ok_or_else(|| ApiError::missing("customer_reference"))?;
    let list = customer_cards::list(ctx, &call.caller().merchant.id, reference, &paging).await?;
    Ok(ApiResponse::ok(&list))
}

/// The routes a merchant's page calls cross-origin (publishable key + client secret): any origin may, because the
/// bearer key and the client secret are what authorize, never cookies.
fn is_cors_route(req_path: &str, method: Method) -> bool {
    req_path.starts_with("/v1/payments/")
        && crate::routing::find(method, req_path).is_ok_and(|(r, _)| r.access == Access::Client)
}

/// Answers a CORS preflight for a browser-callable route; `None` for anything else.
pub fn cors_preflight(req: &ApiRequest) -> Option<ApiResponse> {
    if req.method != Method::Options {
        return None;
    }
    let wanted = Method::parse(req.header("access-control-request-method").unwrap_or(""));
    if !is_cors_route(&req.path, wanted) {
        return None;
    }
    Some(
        ApiResponse { status: 204, headers: Vec::new(), body: Body::empty() }
            .with_header("access-control-allow-origin", "*")
            .with_header("access-control-allow-methods", "GET, POST")
            .with_header("access-control-allow-headers", "authorization, content-type, idempotency-key")
            .with_header("access-control-max-age", "600"),
    )
}

/// CORS headers on the answers of browser-callable routes.
pub fn cors_headers(req: &ApiRequest, resp: ApiResponse) -> ApiResponse {
    if req.method == Method::Options || !is_cors_route(&req.path, req.method) {
        return resp;
    }
    resp.with_header("access-control-allow-origin", "*")
        .with_header("access-control-expose-headers", "request-id, idempotent-replayed")
}

/// The card element page, its script and the custom demo page: static assets with their security headers.
pub async fn page(ctx: &Ctx<'_>, op: Op, call: &Call<'_>) -> Result<ApiResponse, ApiError> {
    use crate::handlers::pages::{asset, csp, origin_allowed};
    match op {
        Op::ElementsScript => Ok(asset("/elements.js", "text/javascript; charset=utf-8")
            .with_header("cache-control", "public, max-age=300")
            .with_header("access-control-allow-origin", "*")),
        Op::CardElementPage => {
            let ancestors = card_element_ancestors(ctx, call, origin_allowed).await;
            Ok(asset("/card.html", "text/html; charset=utf-8")
                .with_header("content-security-policy", csp(&ancestors))
                .with_header("cache-control", "no-store")
                .with_header("referrer-policy", "no-referrer"))
        }
        Op::DemoCustomPage => Ok(asset("/custom.html", "text/html; charset=utf-8")
            .with_header("content-security-policy", csp("'none'"))
            .with_header("cache-control", "no-store")
            .with_header("referrer-policy", "no-referrer")),
        _ => Err(ApiError::internal()),
    }
}

/// The card element may be framed only by an origin its merchant registered (sandbox: also loopback), found from
/// the publishable key in its URL.
async fn card_element_ancestors(
    ctx: &Ctx<'_>,
    call: &Call<'_>,
    origin_allowed: fn(&str, &[String], bool, &str) -> bool,
) -> String {
    let (Some(key), Some(origin)) = (call.req.query_param("key"), call.req.query_param("origin")) else {
        return "'none'".into();
    };
    if !key.starts_with("pk_") {
        return "'none'".into();
    }
    let Ok(caller) = crate::accounts::auth::authenticate(ctx, Some(&format!("Bearer {key}"))).await else {
        return "'none'".into();
    };
    let m = &caller.merchant;
    if origin_allowed(origin, &m.allowed_origins, m.livemode, &ctx.config.public_origin) {
        origin.to_string()
    } else {
        "'none'".into()
    }
}
