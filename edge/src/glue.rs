//! The Cloudflare Workers binding: turns Worker requests, queue batches and cron ticks into calls of the
//! runtime-free code, and implements the `platform` traits over D1, KV, Queues, fetch and Web Crypto.
//! Nothing here decides anything about payments.

use crate::http::{ApiRequest, ApiResponse, Body as ApiBody, Method};
use crate::platform::{
    Cache, Config, Ctx, Database, DbError, DeliveryQueue, HttpClient, HttpOutcome, LimitBucket, RateLimiter, Row,
    Runtime, SqlValue, Stmt,
};
use async_trait::async_trait;
use wasm_bindgen::{JsCast, JsValue};
use worker::MessageExt;
use worker::{
    event, Context, Env, Fetch, Headers, MessageBatch, Request, RequestInit, RequestRedirect, Response,
    ScheduleContext, ScheduledEvent,
};

struct D1(worker::D1Database);

fn js_params(params: &[SqlValue]) -> Vec<JsValue> {
    params
        .iter()
        .map(|p| match p {
            SqlValue::Null => JsValue::NULL,
            SqlValue::Int(i) => JsValue::from_f64(*i as f64),
            SqlValue::Text(s) => JsValue::from_str(s),
        })
        .collect()
}

fn d1_err(e: worker::Error) -> DbError {
    DbError::from_message(format!("{e} {e:?}"))
}

impl D1 {
    fn prepare(&self, stmt: &Stmt) -> Result<worker::D1PreparedStatement, DbError> {
        self.0.prepare(stmt.sql.as_str()).bind(&js_params(&stmt.params)).map_err(d1_err)
    }
}

#[async_trait(?Send)]
impl Database for D1 {
    async fn query(&self, stmt: Stmt) -> Result<Vec<Row>, DbError> {
        let result = self.prepare(&stmt)?.all().await.map_err(d1_err)?;
        result.results::<Row>().map_err(d1_err)
    }

    async fn batch(&self, stmts: Vec<Stmt>) -> Result<Vec<u64>, DbError> {
        if stmts.is_empty() {
            return Ok(Vec::new()); // D1 refuses an empty batch.
        }
        let prepared = stmts.iter().map(|s| self.prepare(s)).collect::<Result<Vec<_>, _>>()?;
        let results = self.0.batch(prepared).await.map_err(d1_err)?;
        Ok(results.iter().map(|r| r.meta().ok().flatten().and_then(|m| m.changes).unwrap_or(0) as u64).collect())
    }

    async fn batch_rows(&self, stmts: Vec<Stmt>) -> Result<Vec<Vec<Row>>, DbError> {
        self.query_many(stmts).await // a D1 batch is one transaction either way
    }

    async fn query_many(&self, stmts: Vec<Stmt>) -> Result<Vec<Vec<Row>>, DbError> {
        if stmts.is_empty() {
            return Ok(Vec::new());
        }
        let prepared = stmts.iter().map(|s| self.prepare(s)).collect::<Result<Vec<_>, _>>()?;
        let results = self.0.batch(prepared).await.map_err(d1_err)?;
        results.iter().map(|r| r.results::<Row>().map_err(d1_err)).collect()
    }
}

struct Kv(worker::KvStore);

#[async_trait(?Send)]
impl Cache for Kv {
    async fn get(&self, key: &str) -> Option<String> {
        self.0.get(key).text().await.ok().flatten()
    }

    async fn put(&self, key: &str, value: &str, ttl_seconds: u64) {
        // A cache write that fails only costs a later miss.
        if let Ok(builder) = self.0.put(key, value) {
            let _ = builder.expiration_ttl(ttl_seconds.max(60)).execute().await;
        }
    }
}

struct Queue(Option<worker::Queue>);

#[async_trait(?Send)]
impl DeliveryQueue for Queue {
    async fn send(&self, delivery_ids: &[String]) -> Result<(), String> {
        let Some(queue) = &self.0 else { return Err("no WEBHOOKS queue binding".into()) };
        if delivery_ids.is_empty() {
            return Ok(());
        }
        let batch = worker::BatchMessageBuilder::new().messages(delivery_ids.to_vec()).build();
        queue.send_batch(batch).await.map_err(|e| e.to_string())
    }

    async fn send_later(&self, delivery_id: &str, delay_seconds: u32) -> Result<(), String> {
        let Some(queue) = &self.0 else { return Err("no WEBHOOKS queue binding".into()) };
        let message = worker::MessageBuilder::new(delivery_id.to_string()).delay_seconds(delay_seconds).build();
        queue.send(message).await.map_err(|e| e.to_string())
    }
}

struct Http;

#[async_trait(?Send)]
impl HttpClient for Http {
    async fn post(&self, url: &str, headers: &[(String, String)], body: &[u8], timeout_ms: u64) -> HttpOutcome {
        let h = Headers::new();
        for (k, v) in headers {
            let _ = h.set(k, v);
        }
        let controller = worker::AbortController::default();
        let mut init = RequestInit::new();
        init.with_method(worker::Method::Post)
            .with_headers(h)
            .with_redirect(RequestRedirect::Manual)
            .with_body(Some(js_sys::Uint8Array::from(body).into()));
        let request = match Request::new_with_init(url, &init) {
            Ok(r) => r,
            Err(e) => return HttpOutcome::Error(e.to_string()),
        };
        let signal = controller.signal();
        let fetch = Fetch::Request(request);
        let sending = Box::pin(fetch.send_with_signal(&signal));
        let timeout = Box::pin(worker::Delay::from(std::time::Duration::from_millis(timeout_ms)));
        let outcome = match futures::future::select(sending, timeout).await {
            futures::future::Either::Left((Ok(resp), _)) => HttpOutcome::Response { status: resp.status_code() },
            futures::future::Either::Left((Err(e), _)) => HttpOutcome::Error(e.to_string()),
            futures::future::Either::Right(_) => HttpOutcome::Timeout,
        };
        if outcome == HttpOutcome::Timeout {
            controller.abort();
        }
        outcome
    }
}

/// The Workers Rate Limiting bindings (`[[ratelimits]]` in wrangler.toml), one per bucket. A missing binding or a
/// failing call lets the request through: the limits protect capacity, and every payment rule is enforced elsewhere.
struct Limiters(Vec<(LimitBucket, worker::RateLimiter)>);

#[async_trait(?Send)]
impl RateLimiter for Limiters {
    async fn allow(&self, bucket: LimitBucket, key: &str, _now_ms: i64) -> bool {
        match self.0.iter().find(|(b, _)| *b == bucket) {
            Some((_, limiter)) => limiter.limit(key.to_string()).await.map_or(true, |o| o.success),
            None => true,
        }
    }
}

struct WorkerRuntime;

impl Runtime for WorkerRuntime {
    fn now_ms(&self) -> i64 {
        js_sys::Date::now() as i64
    }

    fn fill_random(&self, buf: &mut [u8]) {
        let crypto: web_sys::Crypto = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("crypto"))
            .expect("Web Crypto is always present in Workers")
            .unchecked_into();
        // getRandomValues takes at most 65536 bytes per call.
        for chunk in buf.chunks_mut(65_536) {
            crypto.get_random_values_with_u8_array(chunk).expect("crypto.getRandomValues");
        }
    }

    fn sleep(&self, ms: u64) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + '_>> {
        Box::pin(worker::Delay::from(std::time::Duration::from_millis(ms)))
    }
}

fn var(env: &Env, name: &str) -> Option<String> {
    env.var(name)
        .ok()
        .map(|v| v.to_string())
        .or_else(|| env.secret(name).ok().map(|v| v.to_string()))
        .filter(|s| !s.is_empty())
}

fn config(env: &Env, request_origin: Option<String>) -> Config {
    let defaults = Config::default();
    // Fail closed (config_check): only the local scripts set HSRC_ENV=development; elsewhere the keys must be real.
    let development = var(env, "HSRC_ENV").is_some_and(|v| v == "development");
    let data_key = var(env, "DATA_KEY");
    let fingerprint_key = var(env, "FINGERPRINT_KEY");
    let refusal = crate::config_check::problems(development, data_key.as_deref(), fingerprint_key.as_deref());
    let data_keys_old = var(env, "DATA_KEYS_OLD")
        .map(|v| {
            v.split(',')
                .filter_map(|pair| pair.trim().split_once(':'))
                .map(|(id, key)| (id.to_string(), key.to_string()))
                .collect()
        })
        .unwrap_or_default();
    Config {
        development,
        refusal,
        data_key_id: var(env, "DATA_KEY_ID").unwrap_or(defaults.data_key_id.clone()),
        data_keys_old,
        token_grace_ms: var(env, "TOKEN_GRACE_MS")
            .and_then(|v| v.parse().ok())
            .filter(|ms| (1_000..=24 * 3600 * 1000).contains(ms))
            .unwrap_or(defaults.token_grace_ms),
        public_origin: var(env, "PUBLIC_ORIGIN").or(request_origin).unwrap_or(defaults.public_origin),
        demo_enabled: development && var(env, "DEMO_ENABLED").is_some_and(|v| v == "true"),
        fingerprint_key: fingerprint_key.unwrap_or(defaults.fingerprint_key),
        sandbox_async_delay_ms: var(env, "SANDBOX_ASYNC_DELAY_MS")
            .and_then(|v| v.parse().ok())
            .unwrap_or(defaults.sandbox_async_delay_ms),
        challenge_ttl_ms: var(env, "CHALLENGE_TTL_MS")
            .and_then(|v| v.parse().ok())
            .unwrap_or(defaults.challenge_ttl_ms),
        demo_merchant_id: var(env, "DEMO_MERCHANT_ID").unwrap_or(defaults.demo_merchant_id),
        webhook_timeout_ms: var(env, "WEBHOOK_TIMEOUT_MS")
            .and_then(|v| v.parse().ok())
            .filter(|ms| (100..=30_000).contains(ms))
            .unwrap_or(defaults.webhook_timeout_ms),
        webhook_retry_speedup: var(env, "WEBHOOK_RETRY_SPEEDUP")
            .and_then(|v| v.parse().ok())
            .filter(|n| *n >= 1)
            .unwrap_or(defaults.webhook_retry_speedup),
        data_key: data_key.unwrap_or(defaults.data_key),
        rate_limits: !(development && var(env, "RATE_LIMITS").is_some_and(|v| v == "off")),
        // Payments engine (#12): the sandbox's hold and the write-off are tunable so end-to-end tests stay fast.
        provider_deadline_ms: defaults.provider_deadline_ms,
        write_off_after_ms: var(env, "WRITE_OFF_AFTER_MS")
            .and_then(|v| v.parse().ok())
            .filter(|ms| *ms > defaults.provider_deadline_ms)
            .unwrap_or(defaults.write_off_after_ms),
        authorization_ttl_ms: defaults.authorization_ttl_ms,
        sandbox_hold_ms: var(env, "SANDBOX_HOLD_MS").and_then(|v| v.parse().ok()).unwrap_or(defaults.sandbox_hold_ms),
        // Whole days, at least one: a fractional or zero window would purge events merchants still read.
        event_retention_ms: var(env, "EVENT_RETENTION_DAYS")
            .and_then(|v| v.parse::<i64>().ok())
            .filter(|d| (1..=3650).contains(d))
            .map_or(defaults.event_retention_ms, |d| d * crate::platform::DAY_MS),
    }
}

/// Everything a Ctx borrows, owned for the duration of one invocation.
struct Bindings {
    db: D1,
    cache: Kv,
    queue: Queue,
    limiters: Limiters,
    config: Config,
    deferred: Deferred,
}

/// Jobs raised during a request, handed to `ctx.wait_until` once the response is built (#12).
#[derive(Default)]
struct Deferred(std::cell::RefCell<Vec<crate::platform::AfterResponse>>);

impl crate::platform::Background for Deferred {
    fn after_response(&self, job: crate::platform::AfterResponse) {
        self.0.borrow_mut().push(job);
    }
}

/// Runs the request's after-response jobs under `wait_until`, with bindings of their own (the request's are gone).
fn run_deferred(env: &Env, worker_ctx: &Context, bindings: &Bindings) {
    let jobs = std::mem::take(&mut *bindings.deferred.0.borrow_mut());
    if jobs.is_empty() {
        return;
    }
    let env = env.clone();
    worker_ctx.wait_until(async move {
        let Ok(bindings) = Bindings::new(&env, None) else { return };
        let ctx = bindings.ctx(new_request_id("job"));
        for job in jobs {
            crate::payments::run_after_response(&ctx, job).await;
        }
    });
}

impl Bindings {
    fn new(env: &Env, request_origin: Option<String>) -> worker::Result<Self> {
        Ok(Self {
            db: D1(env.d1("DB")?),
            cache: Kv(env.kv("CACHE")?),
            queue: Queue(env.queue("WEBHOOKS").ok()),
            limiters: limiters(env),
            config: config(env, request_origin),
            deferred: Deferred::default(),
        })
    }

    fn ctx(&self, request_id: String) -> Ctx<'_> {
        Ctx {
            db: &self.db,
            cache: &self.cache,
            queue: &self.queue,
            http: &Http,
            runtime: &WorkerRuntime,
            limiter: &self.limiters,
            config: &self.config,
            background: &self.deferred,
            request_id,
        }
    }
}

fn limiters(env: &Env) -> Limiters {
    let buckets = [
        LimitBucket::Confirm,
        LimitBucket::Payer,
        LimitBucket::SecretKeyLive,
        LimitBucket::SecretKeyTest,
        LimitBucket::Challenge,
        LimitBucket::ClientConfirm,
        LimitBucket::Client,
    ];
    Limiters(buckets.into_iter().filter_map(|b| env.rate_limiter(b.spec().2).ok().map(|l| (b, l))).collect())
}

fn new_request_id(prefix: &str) -> String {
    let mut bytes = [0u8; 12];
    WorkerRuntime.fill_random(&mut bytes);
    format!("{prefix}_{}", hsrc_shared::crypto::hex(&bytes))
}

#[event(fetch)]
async fn fetch(mut req: Request, env: Env, worker_ctx: Context) -> worker::Result<Response> {
    let url = req.url()?;
    let origin = url.origin().ascii_serialization();
    let path = url.path().to_string();
    if let Some(asset_path) = path.strip_prefix("/assets/") {
        return serve_static(&env, &origin, &format!("/{asset_path}"), &[("cache-control", "public, max-age=300")])
            .await;
    }
    let bindings = Bindings::new(&env, Some(origin.clone()))?;
    let ctx = bindings.ctx(new_request_id("req"));

    let too_large = req
        .headers()
        .get("content-length")?
        .and_then(|l| l.parse::<usize>().ok())
        .is_some_and(|l| l > crate::http::MAX_BODY_BYTES);
    let mut api_req = ApiRequest::new(
        Method::parse(req.method().as_ref()),
        &format!("{}{}", path, url.query().map(|q| format!("?{q}")).unwrap_or_default()),
    );
    api_req.headers = req.headers().entries().map(|(k, v)| (k.to_ascii_lowercase(), v)).collect();
    let body = if too_large {
        None
    } else if matches!(api_req.method, Method::Post | Method::Patch | Method::Delete) {
        read_capped(&mut req, crate::http::MAX_BODY_BYTES).await
    } else {
        Some(Vec::new())
    };
    // Over the cap (declared or while streaming a chunked body): a body one byte too long, which `json` answers 413.
    api_req.body = body.unwrap_or_else(|| vec![b' '; crate::http::MAX_BODY_BYTES + 1]);
    let response = crate::pipeline::handle(&ctx, api_req).await;
    run_deferred(&env, &worker_ctx, &bindings);
    crate::log::info(
        "request",
        &format!("{} {} {} {}", ctx.request_id, req.method().as_ref(), crate::log::redact_path(&path), response.status),
    );
    to_worker_response(&env, &origin, response).await
}

/// Reads the body chunk by chunk and stops at `cap` bytes, so a chunked upload without Content-Length cannot make
/// the Worker buffer more than the cap. `None` when the body is longer.
async fn read_capped(req: &mut Request, cap: usize) -> Option<Vec<u8>> {
    use futures::StreamExt;
    let Ok(mut stream) = req.stream() else { return Some(Vec::new()) };
    let mut out = Vec::new();
    while let Some(chunk) = stream.next().await {
        let Ok(chunk) = chunk else { return Some(out) };
        if out.len() + chunk.len() > cap {
            return None;
        }
        out.extend_from_slice(&chunk);
    }
    Some(out)
}

async fn to_worker_response(env: &Env, origin: &str, resp: ApiResponse) -> worker::Result<Response> {
    let headers: Vec<(&str, &str)> = resp.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    match &resp.body {
        ApiBody::Asset { path, inline_view: Some(view), prerendered } => {
            serve_with_inline_view(env, origin, path, &headers, view, prerendered.as_ref()).await
        }
        ApiBody::Asset { path, inline_view: None, .. } => serve_static(env, origin, path, &headers).await,
        ApiBody::Bytes(bytes) => {
            let out = Headers::new();
            for (k, v) in headers {
                out.set(k, v)?;
            }
            Ok(Response::from_bytes(bytes.clone())?.with_status(resp.status).with_headers(out))
        }
    }
}

/// Fetches a file from the static assets binding and sends it with `headers` added.
async fn serve_static(env: &Env, origin: &str, path: &str, headers: &[(&str, &str)]) -> worker::Result<Response> {
    let assets = env.assets("ASSETS")?;
    let resp = assets.fetch(format!("{origin}{path}"), None).await?;
    let status = resp.status_code();
    let out = Headers::new();
    for (k, v) in resp.headers().entries() {
        out.set(&k, &v)?;
    }
    for (k, v) in headers {
        out.set(k, v)?;
    }
    out.set("x-content-type-options", "nosniff")?;
    // Pass the asset's body stream through rather than buffering it: the wasm starts arriving at once.
    let body = match resp.body() {
        worker::ResponseBody::Stream(stream) => worker::ResponseBody::Stream(stream.clone()),
        worker::ResponseBody::Body(bytes) => worker::ResponseBody::Body(bytes.clone()),
        worker::ResponseBody::Empty => worker::ResponseBody::Empty,
    };
    Ok(Response::from_body(body)?.with_status(status).with_headers(out))
}

/// The checkout shell (about 1 KB, so buffered) with the payer view inlined (`api::pages::with_inline_view`) and
/// the form's markup in its body (`with_prerendered_form`).
async fn serve_with_inline_view(
    env: &Env,
    origin: &str,
    path: &str,
    headers: &[(&str, &str)],
    view_json: &[u8],
    prerendered: Option<&crate::http::Prerendered>,
) -> worker::Result<Response> {
    let mut resp = env.assets("ASSETS")?.fetch(format!("{origin}{path}"), None).await?;
    let status = resp.status_code();
    let mut html = crate::handlers::pages::with_inline_view(&resp.text().await?, view_json);
    if let Some(form) = prerendered {
        html = crate::handlers::pages::with_prerendered_form(&html, form);
    }
    let out = Headers::new();
    for (k, v) in headers {
        out.set(k, v)?;
    }
    out.set("x-content-type-options", "nosniff")?;
    Ok(Response::ok(html)?.with_status(status).with_headers(out))
}

#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    match Bindings::new(&env, None) {
        Ok(bindings) if crate::config_check::refuse(&bindings.config).is_some() => {}
        Ok(bindings) => {
            let ctx = bindings.ctx(new_request_id("job"));
            crate::jobs::scheduled::run(&ctx).await;
        }
        Err(e) => crate::log::error("scheduled", &e.to_string()),
    }
}

#[event(queue)]
async fn queue(batch: MessageBatch<String>, env: Env, _ctx: Context) -> worker::Result<()> {
    let bindings = Bindings::new(&env, None)?;
    if crate::config_check::refuse(&bindings.config).is_some() {
        // Not acked: the messages are retried once the deployment has its secrets.
        batch.retry_all();
        return Ok(());
    }
    let ctx = bindings.ctx(new_request_id("dlv"));
    let messages = batch.messages()?;
    // Concurrently, so one endpoint that hangs until the timeout does not hold up the rest of the batch. Delivery
    // records its own outcome and schedules its retry; the queue only needs to hear "done".
    futures::future::join_all(messages.iter().map(|m| crate::webhooks::deliver(&ctx, m.body()))).await;
    for message in &messages {
        message.ack();
    }
    Ok(())
}
