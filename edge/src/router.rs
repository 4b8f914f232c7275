//! The route table and the request pipeline: match → authenticate → idempotency → handler → common headers.
//!
//! The table is data, so the OpenAPI document is generated from it and a test checks that the two agree.

use crate::api;
use crate::auth::{self, Caller};
use crate::http::{ApiRequest, ApiResponse, Method};
use crate::platform::Ctx;
use crate::services::{idempotency, sessions};
use hsrc_shared::{codes, ApiError, ErrorType};

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone (health, documents, pages).
    Public,
    /// The merchant's secret key only.
    Secret,
    /// The payer, holding the session token in the path.
    Token,
    /// The payer, holding the 3DS challenge id in the path.
    Challenge,
    /// The demo shop's server side (sandbox deployments only).
    Demo,
    // API-only payments (#15) ↓
    /// The merchant's secret key, or its publishable key with the payment's `client_secret` (checked by the
    /// service). Callable from the merchant's page (CORS).
    Client,
    /// The merchant's publishable key only (our card element's iframe).
    Publishable,
    // Installments (#16) ↓
    /// The payer's browser or the merchant: a publishable or secret key, or an open session's token, as the
    /// `Authorization: Bearer` value (BIN lookup).
    KeyOrToken,
}

/// Every operation of the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Health,
    OpenApi,
    Loader,
    EmbedPage,
    HostedPage,
    ChallengePage,
    DemoPage,
    OpsPage,
    CreateSession,
    ListSessions,
    GetSession,
    CancelSession,
    PayerView,
    PayerDetails,
    Confirm,
    PayerCancel,
    GetChallenge,
    CompleteChallenge,
    ListPayments,
    GetPayment,
    CapturePayment,
    VoidPayment,
    RollApiKey,
    ListApiKeys,
    RevokeApiKey,
    DemoCreateSession,
    DemoGetPayment,
    CreateWebhookEndpoint,
    ListWebhookEndpoints,
    GetWebhookEndpoint,
    UpdateWebhookEndpoint,
    DeleteWebhookEndpoint,
    RotateWebhookSecret,
    ListEndpointDeliveries,
    ListEvents,
    GetEvent,
    ListEventDeliveries,
    ResendEvent,
    OpsSearch,
    OpsSession,
    // Refunds (issue #13).
    CreateRefund,
    ListRefunds,
    GetRefund,
    CancelRefund,
    // API-only payments (#15) ↓
    ElementsScript,
    CardElementPage,
    DemoCustomPage,
    CreateApiPayment,
    ConfirmApiPayment,
    CancelApiPayment,
    ClientPayment,
    CreatePaymentMethod,
    DemoCreateApiPayment,
    DemoConfirmApiPayment,
    // Installments (#16).
    BinLookup,
    PayerInstallments,
    GetInstallmentSettings,
    UpdateInstallmentSettings,
}

#[derive(Debug)]
pub struct Route {
    pub method: Method,
    /// Path pattern with `{name}` segments.
    pub path: &'static str,
    pub access: Access,
    pub op: Op,
    pub summary: &'static str,
}

const fn route(method: Method, path: &'static str, access: Access, op: Op, summary: &'static str) -> Route {
    Route { method, path, access, op, summary }
}

use Access::*;
use Method::{Delete, Get, Patch, Post};

pub const ROUTES: &[Route] = &[
    route(Get, "/v1/health", Public, Op::Health, "Liveness; touches no storage."),
    route(Get, "/v1/openapi.json", Public, Op::OpenApi, "This API as an OpenAPI 3.1 document."),
    route(Get, "/v1/checkout.js", Public, Op::Loader, "The script-tag loader merchants embed."),
    route(Get, "/checkout/embed", Public, Op::EmbedPage, "The payment form inside the merchant's iframe."),
    route(Get, "/checkout/hosted", Public, Op::HostedPage, "The payment form as a full page on our domain."),
    route(Get, "/checkout/3ds/{challenge_id}", Public, Op::ChallengePage, "The sandbox 3DS challenge page."),
    route(Get, "/demo", Demo, Op::DemoPage, "The demo merchant shop (sandbox only)."),
    route(Get, "/ops", Public, Op::OpsPage, "The operations console."),
    route(Post, "/v1/checkout-sessions", Secret, Op::CreateSession, "Create a checkout session."),
    route(Get, "/v1/checkout-sessions", Secret, Op::ListSessions, "List checkout sessions, newest first."),
    route(Get, "/v1/checkout-sessions/{id}", Secret, Op::GetSession, "Retrieve a checkout session."),
    route(Post, "/v1/checkout-sessions/{id}/cancel", Secret, Op::CancelSession, "Cancel an open checkout session."),
    route(Get, "/v1/checkout-sessions/token/{token}", Token, Op::PayerView, "The payer's view of a session."),
    route(Post, "/v1/checkout-sessions/token/{token}/payer", Token, Op::PayerDetails, "Save payer details."),
    route(Post, "/v1/checkout-sessions/token/{token}/confirm", Token, Op::Confirm, "Confirm the payment with a card."),
    route(Post, "/v1/checkout-sessions/token/{token}/cancel", Token, Op::PayerCancel, "The payer cancels the session."),
    // Installments (#16).
    route(
        Get,
        "/v1/checkout-sessions/token/{token}/installments",
        Token,
        Op::PayerInstallments,
        "The installment plans of a card (by its 6–8 digit BIN) on this session, single payment first.",
    ),
    route(
        Get,
        "/v1/bins/{bin}",
        KeyOrToken,
        Op::BinLookup,
        "BIN lookup: card type, brand, family, country, commercial.",
    ),
    route(Get, "/v1/settings/installments", Secret, Op::GetInstallmentSettings, "The merchant's installment settings."),
    route(
        Post,
        "/v1/settings/installments",
        Secret,
        Op::UpdateInstallmentSettings,
        "Replace the merchant's installment settings.",
    ),
    route(Get, "/v1/3ds/{challenge_id}", Challenge, Op::GetChallenge, "A sandbox 3DS challenge."),
    route(
        Post,
        "/v1/3ds/{challenge_id}/complete",
        Challenge,
        Op::CompleteChallenge,
        "Pass or fail a sandbox 3DS challenge.",
    ),
    route(Get, "/v1/payments", Secret, Op::ListPayments, "List payments, newest first."),
    route(Get, "/v1/payments/{id}", Secret, Op::GetPayment, "Retrieve a payment with its charges."),
    route(Post, "/v1/payments/{id}/capture", Secret, Op::CapturePayment, "Capture an authorized payment."),
    route(Post, "/v1/payments/{id}/void", Secret, Op::VoidPayment, "Void an authorized payment."),
    route(
        Post,
        "/v1/api-keys/roll",
        Secret,
        Op::RollApiKey,
        "Issue a new secret key (shown once); the calling key retires now or after expires_in seconds.",
    ),
    route(Get, "/v1/api-keys", Secret, Op::ListApiKeys, "List the merchant's API keys (never their secrets)."),
    route(
        Post,
        "/v1/api-keys/{id}/revoke",
        Secret,
        Op::RevokeApiKey,
        "Revoke an API key at once (any but the calling key); revoking a rolled key undoes its roll.",
    ),
    route(Post, "/demo/api/sessions", Demo, Op::DemoCreateSession, "Demo shop: create a session server-side."),
    route(Get, "/demo/api/payments/{id}", Demo, Op::DemoGetPayment, "Demo shop: verify a payment server-side."),
    route(
        Post,
        "/v1/webhook-endpoints",
        Secret,
        Op::CreateWebhookEndpoint,
        "Create a webhook endpoint; the whsec_ secret is returned once.",
    ),
    route(Get, "/v1/webhook-endpoints", Secret, Op::ListWebhookEndpoints, "List webhook endpoints, newest first."),
    route(Get, "/v1/webhook-endpoints/{id}", Secret, Op::GetWebhookEndpoint, "Retrieve a webhook endpoint."),
    route(
        Patch,
        "/v1/webhook-endpoints/{id}",
        Secret,
        Op::UpdateWebhookEndpoint,
        "Update url, description, enabled_events, or disable/enable.",
    ),
    route(Delete, "/v1/webhook-endpoints/{id}", Secret, Op::DeleteWebhookEndpoint, "Delete a webhook endpoint."),
    route(
        Post,
        "/v1/webhook-endpoints/{id}/rotate-secret",
        Secret,
        Op::RotateWebhookSecret,
        "Issue a new secret; the old one keeps signing for a grace period.",
    ),
    route(
        Get,
        "/v1/webhook-endpoints/{id}/deliveries",
        Secret,
        Op::ListEndpointDeliveries,
        "An endpoint's deliveries with every attempt.",
    ),
    route(
        Get,
        "/v1/events",
        Secret,
        Op::ListEvents,
        "List events, newest first (filters: type, payment_id, checkout_session_id).",
    ),
    route(Get, "/v1/events/{id}", Secret, Op::GetEvent, "Retrieve an event."),
    route(
        Get,
        "/v1/events/{id}/deliveries",
        Secret,
        Op::ListEventDeliveries,
        "An event's deliveries with every attempt.",
    ),
    route(
        Post,
        "/v1/events/{id}/resend",
        Secret,
        Op::ResendEvent,
        "Deliver an event again (all subscribed endpoints, or endpoint_id).",
    ),
    route(
        Get,
        "/v1/ops/search",
        Secret,
        Op::OpsSearch,
        "Operations console: find sessions with their payments (q, status, payment_status, from, to).",
    ),
    route(
        Get,
        "/v1/ops/sessions/{id}",
        Secret,
        Op::OpsSession,
        "Operations console: a session with its payment, charges, timeline, 3DS, events and deliveries.",
    ),
    // Refunds (issue #13).
    route(Post, "/v1/refunds", Secret, Op::CreateRefund, "Refund all or part of a SUCCEEDED payment."),
    route(Get, "/v1/refunds", Secret, Op::ListRefunds, "List a payment's refunds (payment_id), newest first."),
    route(Get, "/v1/refunds/{id}", Secret, Op::GetRefund, "Retrieve a refund with its provider attempts."),
    route(Post, "/v1/refunds/{id}/cancel", Secret, Op::CancelRefund, "Cancel a PENDING refund."),
    // API-only payments (#15) ↓
    route(
        Get,
        "/v1/elements.js",
        Public,
        Op::ElementsScript,
        "The card element and next-action script (loaded by checkout.js).",
    ),
    route(
        Get,
        "/elements/card",
        Public,
        Op::CardElementPage,
        "The card element: card number, expiry and CVC inside our iframe.",
    ),
    route(
        Get,
        "/demo/custom",
        Demo,
        Op::DemoCustomPage,
        "The demo shop's own payment form (card element, API-only payment).",
    ),
    route(
        Post,
        "/v1/payments",
        Secret,
        Op::CreateApiPayment,
        "Create an API-only payment; returns its client_secret once.",
    ),
    route(
        Post,
        "/v1/payments/{id}/confirm",
        Client,
        Op::ConfirmApiPayment,
        "Confirm an API-only payment with a pm_ (secret key, or publishable key + client_secret).",
    ),
    route(
        Post,
        "/v1/payments/{id}/cancel",
        Secret,
        Op::CancelApiPayment,
        "Cancel an API-only payment that has not been paid.",
    ),
    route(
        Get,
        "/v1/payments/{id}/client",
        Client,
        Op::ClientPayment,
        "The payer's view of an API-only payment (publishable key + client_secret query parameter).",
    ),
    route(
        Post,
        "/v1/payment-methods",
        Publishable,
        Op::CreatePaymentMethod,
        "Tokenise a card (from our card element only): returns a single-use pm_.",
    ),
    route(
        Post,
        "/demo/api/payments",
        Demo,
        Op::DemoCreateApiPayment,
        "Demo shop: create an API-only payment server-side.",
    ),
    route(
        Post,
        "/demo/api/payments/{id}/confirm",
        Demo,
        Op::DemoConfirmApiPayment,
        "Demo shop: confirm an API-only payment server-side with a pm_.",
    ),
];

/// A matched request, as handlers see it.
pub struct Call<'r> {
    pub req: &'r ApiRequest,
    pub params: Vec<(&'static str, String)>,
    pub caller: Option<Caller>,
}

impl Call<'_> {
    pub fn param(&self, name: &str) -> &str {
        self.params.iter().find(|(k, _)| *k == name).map_or("", |(_, v)| v.as_str())
    }

    /// The authenticated merchant (present on `Secret` routes).
    pub fn caller(&self) -> Result<&Caller, ApiError> {
        self.caller.as_ref().ok_or_else(ApiError::internal)
    }
}

/// Captured `{name}` path segments.
pub type Params = Vec<(&'static str, String)>;

/// Matches `path` against a pattern; returns the `{name}` captures.
fn match_path(pattern: &'static str, path: &str) -> Option<Params> {
    let mut params = Vec::new();
    let mut pat = pattern.split('/');
    let mut got = path.split('/');
    loop {
        match (pat.next(), got.next()) {
            (None, None) => return Some(params),
            (Some(p), Some(g)) if p.starts_with('{') && p.ends_with('}') => {
                if g.is_empty() || g.len() > 200 {
                    return None;
                }
                params.push((&p[1..p.len() - 1], g.to_string()));
            }
            (Some(p), Some(g)) if p == g => {}
            _ => return None,
        }
    }
}

/// Finds the route for a method and path: `Err` carries 404 or 405.
pub fn find(method: Method, path: &str) -> Result<(&'static Route, Params), ApiError> {
    let path = if path.len() > 1 { path.trim_end_matches('/') } else { path };
    let mut path_matched = false;
    for r in ROUTES {
        if let Some(params) = match_path(r.path, path) {
            // Literal routes win over captures (`/token/{token}` vs `/{id}`): ROUTES lists literals first where needed.
            if r.method == method {
                return Ok((r, params));
            }
            path_matched = true;
        }
    }
    Err(if path_matched {
        ApiError::new(
            405,
            ErrorType::InvalidRequestError,
            codes::METHOD_NOT_ALLOWED,
            format!("{} is not allowed on {path}.", method.as_str()),
        )
    } else {
        ApiError::new(
            404,
            ErrorType::InvalidRequestError,
            codes::ROUTE_NOT_FOUND,
            format!("Unrecognized request URL ({} {path}).", method.as_str()),
        )
    })
}

/// Runs one request end to end. Never panics on input; every error is the JSON error model.
pub async fn handle(ctx: &Ctx<'_>, req: ApiRequest) -> ApiResponse {
    if let Some(refused) = crate::config_check::refuse(ctx.config) {
        return finish_headers(ctx, &req, ApiResponse::error(&refused));
    }
    let response = match dispatch(ctx, &req).await {
        Ok(resp) => resp,
        Err(err) => ApiResponse::error(&err),
    };
    finish_headers(ctx, &req, response)
}

async fn dispatch(ctx: &Ctx<'_>, req: &ApiRequest) -> Result<ApiResponse, ApiError> {
    if let Some(preflight) = crate::api::api_payments::cors_preflight(req) {
        return Ok(preflight);
    }
    let (route, params) = find(req.method, &req.path)?;
    let caller = match route.access {
        Secret => {
            let caller = auth::authenticate(ctx, req.header("authorization")).await?;
            caller.require_secret()?;
            Some(caller)
        }
        Client | Publishable => {
            let caller = auth::authenticate(ctx, req.header("authorization")).await?;
            if route.access == Publishable {
                crate::api::api_payments::require_publishable(&caller)?;
            }
            Some(caller)
        }
        Demo if !ctx.config.demo_enabled => return Err(ApiError::not_found("page", &req.path)),
        KeyOrToken => {
            publishable_or_token(ctx, req).await?;
            None
        }
        _ => None,
    };
    let call = Call { req, params, caller };
    if let Err(limited) = crate::services::limits::check_route(ctx, route.op, route.access, &call).await {
        return Ok(ApiResponse::error(&limited.error).with_header("retry-after", limited.retry_after_s.to_string()));
    }
    let key = req.header("idempotency-key").map(str::to_string);
    match (req.method, key) {
        (Method::Post, Some(key)) => {
            // An unauthenticated caller gets no idempotency row for a token or challenge that does not exist.
            match route.access {
                Token => crate::services::payer_guard::check_token(ctx, call.param("token")).await?,
                Challenge => crate::services::payer_guard::check_challenge(ctx, call.param("challenge_id")).await?,
                _ => {}
            }
            let scope = idempotency_scope(route.access, &call);
            let request = idempotency::Request {
                scope: &scope,
                key: &key,
                method: req.method.as_str(),
                path: &req.path,
                body: &req.body,
            };
            match idempotency::claim(ctx, &request).await? {
                idempotency::Claim::Replay(resp) => Ok(resp),
                idempotency::Claim::Run(owner) => {
                    let resp = run(ctx, route.op, &call).await.unwrap_or_else(|e| ApiResponse::error(&e));
                    idempotency::finish(ctx, &scope, &key, &owner, &resp, keep(route.op)).await;
                    Ok(resp)
                }
            }
        }
        _ => run(ctx, route.op, &call).await,
    }
}

/// `KeyOrToken` routes: any valid API key of the merchant, or the token of a session still open for the payer.
async fn publishable_or_token(ctx: &Ctx<'_>, req: &ApiRequest) -> Result<(), ApiError> {
    match auth::bearer(req.header("authorization")) {
        Some(token) if token.starts_with("cst_") => sessions::open_session_for_payer(ctx, token).await.map(|_| ()),
        _ => auth::authenticate(ctx, req.header("authorization")).await.map(|_| ()),
    }
}

/// Responses that show a secret once are never kept for replay (README: "Idempotency").
fn keep(op: Op) -> idempotency::Keep {
    match op {
        Op::RollApiKey | Op::CreateWebhookEndpoint | Op::RotateWebhookSecret => idempotency::Keep::Never,
        _ => idempotency::Keep::Replay,
    }
}

fn idempotency_scope(access: Access, call: &Call<'_>) -> String {
    match (access, &call.caller) {
        (_, Some(c)) => format!("merchant:{}", c.merchant.id),
        (Token, None) => format!("session:{}", sessions::token_hash(call.param("token"))),
        (Challenge, None) => format!("challenge:{}", call.param("challenge_id")),
        _ => "public".into(),
    }
}

async fn run(ctx: &Ctx<'_>, op: Op, call: &Call<'_>) -> Result<ApiResponse, ApiError> {
    match op {
        Op::Health => Ok(ApiResponse::ok(&serde_json::json!({ "status": "ok" }))),
        Op::OpenApi => Ok(ApiResponse::ok(&crate::openapi::document())),
        Op::Loader | Op::EmbedPage | Op::HostedPage | Op::ChallengePage | Op::DemoPage | Op::OpsPage => {
            api::pages::serve(ctx, op, call).await
        }
        Op::CreateSession => api::sessions::create(ctx, call).await,
        Op::ListSessions => api::sessions::list(ctx, call).await,
        Op::GetSession => api::sessions::retrieve(ctx, call).await,
        Op::CancelSession => api::sessions::cancel(ctx, call).await,
        Op::PayerView => api::payer::view(ctx, call).await,
        Op::PayerDetails => api::payer::details(ctx, call).await,
        Op::Confirm => api::payer::confirm(ctx, call).await,
        Op::PayerCancel => api::payer::cancel(ctx, call).await,
        Op::GetChallenge => api::payer::challenge(ctx, call).await,
        Op::CompleteChallenge => api::payer::complete_challenge(ctx, call).await,
        Op::ListPayments => api::payments::list(ctx, call).await,
        Op::GetPayment => api::payments::retrieve(ctx, call).await,
        Op::CapturePayment => api::payments::capture(ctx, call).await,
        Op::VoidPayment => api::payments::void(ctx, call).await,
        Op::RollApiKey => api::keys::roll(ctx, call).await,
        Op::ListApiKeys => api::keys::list(ctx, call).await,
        Op::RevokeApiKey => api::keys::revoke(ctx, call).await,
        Op::DemoCreateSession => api::demo::create_session(ctx, call).await,
        Op::DemoGetPayment => api::demo::payment(ctx, call).await,
        Op::CreateWebhookEndpoint => api::webhook_endpoints::create(ctx, call).await,
        Op::ListWebhookEndpoints => api::webhook_endpoints::list(ctx, call).await,
        Op::GetWebhookEndpoint => api::webhook_endpoints::retrieve(ctx, call).await,
        Op::UpdateWebhookEndpoint => api::webhook_endpoints::update(ctx, call).await,
        Op::DeleteWebhookEndpoint => api::webhook_endpoints::delete(ctx, call).await,
        Op::RotateWebhookSecret => api::webhook_endpoints::rotate_secret(ctx, call).await,
        Op::ListEndpointDeliveries => api::webhook_endpoints::deliveries(ctx, call).await,
        Op::ListEvents => api::events::list(ctx, call).await,
        Op::GetEvent => api::events::retrieve(ctx, call).await,
        Op::ListEventDeliveries => api::events::deliveries(ctx, call).await,
        Op::ResendEvent => api::events::resend(ctx, call).await,
        Op::OpsSearch => api::ops::search(ctx, call).await,
        Op::OpsSession => api::ops::session(ctx, call).await,
        Op::CreateRefund => api::refunds::create(ctx, call).await,
        Op::ListRefunds => api::refunds::list(ctx, call).await,
        Op::GetRefund => api::refunds::retrieve(ctx, call).await,
        Op::CancelRefund => api::refunds::cancel(ctx, call).await,
        Op::ElementsScript | Op::CardElementPage | Op::DemoCustomPage => api::api_payments::page(ctx, op, call).await,
        Op::CreateApiPayment => api::api_payments::create(ctx, call).await,
        Op::ConfirmApiPayment => api::api_payments::confirm(ctx, call).await,
        Op::CancelApiPayment => api::api_payments::cancel(ctx, call).await,
        Op::ClientPayment => api::api_payments::client_view(ctx, call).await,
        Op::CreatePaymentMethod => api::api_payments::create_payment_method(ctx, call).await,
        Op::DemoCreateApiPayment => api::demo_custom::create_payment(ctx, call).await,
        Op::DemoConfirmApiPayment => api::demo_custom::confirm_payment(ctx, call).await,
        Op::BinLookup => api::installments::bin_lookup(ctx, call).await,
        Op::PayerInstallments => api::installments::plans(ctx, call).await,
        Op::GetInstallmentSettings => api::installments::get_settings(ctx, call).await,
        Op::UpdateInstallmentSettings => api::installments::update_settings(ctx, call).await,
    }
}

/// Headers every response carries: the request id, no sniffing, no caching of API data, no referrer leaks.
fn finish_headers(ctx: &Ctx<'_>, req: &ApiRequest, resp: ApiResponse) -> ApiResponse {
    let mut resp =
        resp.with_header("request-id", ctx.request_id.clone()).with_header("x-content-type-options", "nosniff");
    if resp.header("referrer-policy").is_none() {
        resp = resp.with_header("referrer-policy", "no-referrer");
    }
    if req.path.starts_with("/v1/") && resp.header("cache-control").is_none() {
        resp = resp.with_header("cache-control", "no-store");
    }
    // Outside local development (plain-HTTP loopback), browsers must never reach us over HTTP again.
    if !ctx.config.development {
        resp = resp.with_header("strict-transport-security", "max-age=63072000; includeSubDomains");
    }
    crate::api::api_payments::cors_headers(req, resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_segments_win_over_captures() {
        let (r, p) = find(Method::Get, "/v1/checkout-sessions/token/abc").unwrap();
        assert_eq!((r.op, p), (Op::PayerView, vec![("token", "abc".to_string())]));
        let (r, _) = find(Method::Get, "/v1/checkout-sessions/cs_1").unwrap();
        assert_eq!(r.op, Op::GetSession);
    }

    #[test]
    fn unknown_paths_and_methods_get_404_and_405() {
        assert_eq!(find(Method::Get, "/v1/nope").unwrap_err().status, 404);
        assert_eq!(find(Method::Delete, "/v1/checkout-sessions").unwrap_err().status, 405);
    }
}
