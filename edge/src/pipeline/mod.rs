//! Runs one request end to end: match the route → authenticate → spend the request budgets → claim the
//! idempotency key → the handler → the headers every response carries. Never panics on input; every error is the
//! JSON error model.

mod dispatch;
pub mod idempotency;
pub mod limits;

use crate::accounts::auth;
use crate::handlers::api_payments::{cors_headers, cors_preflight};
use crate::http::{ApiRequest, ApiResponse, Method};
use crate::payments::confirm;
use crate::platform::Ctx;
use crate::routing::{self, Access, Call, KeyCall, Op, Route};
use crate::sessions::{self, payer_guard};
use crate::store::token_hash;
use hsrc_shared::ApiError;
use limits::Spend;

/// Runs one request end to end.
pub async fn handle(ctx: &Ctx<'_>, req: ApiRequest) -> ApiResponse {
    if let Some(refused) = crate::config_check::refuse(ctx.config) {
        return finish_headers(ctx, &req, ApiResponse::error(&refused));
    }
    let response = match run(ctx, &req).await {
        Ok(resp) => resp,
        Err(err) => ApiResponse::error(&err),
    };
    finish_headers(ctx, &req, response)
}

async fn run(ctx: &Ctx<'_>, req: &ApiRequest) -> Result<ApiResponse, ApiError> {
    if let Some(preflight) = cors_preflight(req) {
        return Ok(preflight);
    }
    let (route, params) = routing::find(req.method, &req.path)?;
    let call = Call::new(req, params);
    if route.access.takes_key() {
        let caller = auth::authenticate(ctx, req.header("authorization")).await?;
        match route.access {
            Access::Secret => caller.require_secret()?,
            Access::Publishable => caller.require_publishable()?,
            _ => {}
        }
        let call = KeyCall::new(call, caller);
        let key = auth::bearer(req.header("authorization")).unwrap_or_default();
        if let Err(limited) = spend(ctx, Spend::Key { key }, req).await {
            return Ok(limited);
        }
        let scope = format!("merchant:{}", call.caller().merchant.id);
        return once(ctx, route, req, scope, None, || dispatch::keyed(ctx, route.op, &call)).await;
    }
    match route.access {
        Access::Demo if !ctx.config.demo_enabled => return Err(ApiError::not_found("page", &req.path)),
        Access::KeyOrToken => publishable_or_token(ctx, req).await?,
        _ => {}
    }
    if let Err(limited) = spend(ctx, anonymous_spend(route, &call), req).await {
        return Ok(limited);
    }
    // An unauthenticated caller gets no idempotency row for a token or challenge that does not exist. The token's
    // check runs in the claim's own round trip (the payer's confirm, the hot path); the challenge's before it.
    let mut guard = None;
    if idempotency_key(req).is_some() {
        match route.access {
            Access::Token => {
                let mut token = token_guard(ctx, call.param("token"));
                if route.op == Op::Confirm {
                    // The confirm's reads join the key's round trip, and the key rides the confirm's own batches
                    // (the hot path: no round trip of the key's own).
                    let reads = confirm::reads(ctx, call.param("token"));
                    let resume = confirm::answer_from_reads;
                    token.ahead = Some(idempotency::ReadAhead { reads, slot: call.ahead(), resume });
                }
                guard = Some(token);
            }
            Access::Challenge => payer_guard::check_challenge(ctx, call.param("challenge_id")).await?,
            _ => {}
        }
    }
    let scope = match route.access {
        Access::Token => format!("session:{}", token_hash(call.param("token"))),
        Access::Challenge => format!("challenge:{}", call.param("challenge_id")),
        _ => "public".into(),
    };
    once(ctx, route, req, scope, guard, || dispatch::anonymous(ctx, route.op, &call)).await
}

/// The payer token's check as an idempotency guard: the key's row is written only for a token that exists, and
/// an ended token gets its 410 whatever the key holds.
fn token_guard<'g>(ctx: &'g Ctx<'_>, token: &str) -> idempotency::Guard<'g> {
    idempotency::Guard {
        read: payer_guard::token_read(token),
        exists: "SELECT 1 FROM checkout_sessions WHERE token_hash = ?10",
        value: token_hash(token),
        verdict: Box::new(move |rows| payer_guard::token_verdict(ctx, rows)),
        ahead: None,
    }
}

/// What a request without an API key spends of the request budgets.
fn anonymous_spend<'a>(route: &Route, call: &'a Call<'_>) -> Spend<'a> {
    match (route.op, route.access) {
        (Op::Confirm, _) => Spend::Confirm { token: call.param("token") },
        (_, Access::Token) => Spend::Payer { token: call.param("token") },
        (_, Access::Challenge) => Spend::Challenge { id: call.param("challenge_id") },
        (_, Access::KeyOrToken) => {
            Spend::Lookup { bearer: auth::bearer(call.req.header("authorization")).unwrap_or_default() }
        }
        _ => Spend::Nothing,
    }
}

/// Spends the request's budgets; an exhausted one is the 429 to send.
async fn spend(ctx: &Ctx<'_>, spend: Spend<'_>, req: &ApiRequest) -> Result<(), ApiResponse> {
    limits::check(ctx, spend, req.header("cf-connecting-ip")).await.map_err(|limited| {
        ApiResponse::error(&limited.error).with_header("retry-after", limited.retry_after_s.to_string())
    })
}

/// The `Idempotency-Key` of a POST (other methods are idempotent by nature and ignore it).
fn idempotency_key(req: &ApiRequest) -> Option<&str> {
    (req.method == Method::Post).then(|| req.header("idempotency-key")).flatten()
}

/// Runs the handler at most once per idempotency key and scope: a retry with the same key gets the stored answer.
async fn once<F, Fut>(
    ctx: &Ctx<'_>,
    route: &Route,
    req: &ApiRequest,
    scope: String,
    guard: Option<idempotency::Guard<'_>>,
    handler: F,
) -> Result<ApiResponse, ApiError>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<ApiResponse, ApiError>>,
{
    let Some(key) = idempotency_key(req) else { return handler().await };
    let request =
        idempotency::Request { scope: &scope, key, method: req.method.as_str(), path: &req.path, body: &req.body };
    match idempotency::claim_guarded(ctx, &request, guard).await? {
        idempotency::Claim::Replay(resp) => Ok(resp),
        idempotency::Claim::Run(owner) => {
            let resp = handler().await.unwrap_or_else(|e| ApiResponse::error(&e));
            idempotency::finish(ctx, &scope, key, &owner, &resp, keep(route.op)).await;
            Ok(resp)
        }
        idempotency::Claim::Ride(riding) => {
            let resp = handler().await.unwrap_or_else(|e| ApiResponse::error(&e));
            riding.settle(ctx, &resp, keep(route.op)).await;
            Ok(resp)
        }
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
    cors_headers(req, resp)
}
