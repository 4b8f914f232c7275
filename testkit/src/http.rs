//! `Checkout` over HTTP: a small client for the local Worker that `scripts/test.sh` starts (it exports
//! `HSRC_BASE_URL`, `HSRC_SECRET_KEY` and `HSRC_PUBLISHABLE_KEY`). Time is real here: `elapse` sleeps and
//! `run_jobs` fires the Worker's cron through `wrangler dev --test-scheduled`.

pub use crate::checkout::confirm_body;
use crate::checkout::{Checkout, Merchant, Ran, Request, Response};
use crate::receiver::{Hooks, Plan, Receiver};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// The response type of the e2e files written before the `Checkout` trait.
pub type Resp = Response;

/// An HTTP client as the tests want one: statuses are answers (not errors), redirects are not followed, and no
/// request hangs past 30 s.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .max_redirects(0)
        .build()
        .new_agent()
}

pub struct Api {
    pub base: String,
    pub secret_key: String,
    pub publishable_key: String,
    agent: ureq::Agent,
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: run the end-to-end tests through scripts/test.sh, which starts the local Worker")
    })
}

impl Api {
    pub fn from_env() -> Self {
        let agent = agent();
        Self {
            base: env("HSRC_BASE_URL"),
            secret_key: env("HSRC_SECRET_KEY"),
            publishable_key: env("HSRC_PUBLISHABLE_KEY"),
            agent,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Sends a request; `key` is the Authorization bearer (None: no header).
    pub fn send(
        &self,
        method: &str,
        path: &str,
        key: Option<&str>,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Resp {
        let mut req = Request::new(method, path);
        req.key = key.map(str::to_string);
        for (k, v) in headers {
            req = req.header(k, v);
        }
        if let Some(b) = body {
            req = req.json(b.clone());
        }
        self.run(&req)
    }

    fn run(&self, req: &Request) -> Response {
        // The shared sandbox merchant's keys carry every e2e test's traffic (4 threads) under the production test-key
        // budget (250 requests per 10 s): on a fast machine a burst goes over it. A 429 is answered before the
        // handler runs, so nothing was done: like a merchant's client, wait for `Retry-After` and send again (at most
        // 3 times). The tests about budgets use keys and tokens of their own, whose 429s are returned as they are.
        let shared_key = req.key.as_deref().is_some_and(|k| {
            ["HSRC_SECRET_KEY", "HSRC_PUBLISHABLE_KEY"].iter().any(|v| std::env::var(v).is_ok_and(|e| e == k))
        });
        let mut response = self.run_once(req);
        for _ in 0..3 {
            if !(shared_key && response.status == 429) {
                break;
            }
            let wait = response.header("retry-after").and_then(|v| v.parse::<u64>().ok()).unwrap_or(1).clamp(1, 10);
            std::thread::sleep(std::time::Duration::from_secs(wait));
            response = self.run_once(req);
        }
        response
    }

    fn run_once(&self, req: &Request) -> Response {
        let url = self.url(&req.path);
        // An out-of-band write to the D1 file waits until this request is answered (`worker_state::GATE`).
        let _in_flight = crate::worker_state::request_in_flight();
        let mut builder = ureq::http::Request::builder().method(req.method.as_str()).uri(&url);
        if let Some(k) = &req.key {
            builder = builder.header("authorization", format!("Bearer {k}"));
        }
        for (k, v) in &req.headers {
            builder = builder.header(k, v);
        }
        let result = match &req.body {
            Some(b) => self.agent.run(builder.body(b.clone()).expect("request")),
            None => self.agent.run(builder.body(()).expect("request")),
        };
        let mut resp = result.unwrap_or_else(|e| panic!("{} {url} failed: {e}", req.method));
        let status = resp.status().as_u16();
        let headers =
            resp.headers().iter().map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string())).collect();
        let body = resp.body_mut().read_to_vec().unwrap_or_default();
        Response::new(status, headers, &body)
    }

    pub fn get(&self, path: &str) -> Resp {
        self.send("GET", path, Some(&self.secret_key), None, &[])
    }

    pub fn post(&self, path: &str, body: Value) -> Resp {
        self.send("POST", path, Some(&self.secret_key), Some(&body), &[])
    }

    /// A payer call: no merchant key, the token is in the path.
    pub fn payer_get(&self, path: &str) -> Resp {
        self.send("GET", path, None, None, &[])
    }

    pub fn payer_post(&self, path: &str, body: Value) -> Resp {
        self.send("POST", path, None, Some(&body), &[])
    }

    // The untyped helpers below serve the e2e files not yet on the scenario suite; scenarios use `Checkout`'s.

    /// Creates a session (extra fields merged over amount 12500 TRY) and returns `checkout_session`.
    pub fn create_session(&self, extra: Value) -> Value {
        let mut body = json!({ "amount": 12500, "currency": "TRY", "return_url": "https://merchant.example/return", "metadata": { "order_id": "ord_e2e" } });
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            for (k, v) in e {
                b.insert(k.clone(), v.clone());
            }
        }
        self.post("/v1/checkout-sessions", body).expect(200)["checkout_session"].clone()
    }

    pub fn confirm(&self, token: &str, number: &str) -> Resp {
        self.payer_post(&format!("/v1/checkout-sessions/token/{token}/confirm"), confirm_body(number))
    }

    pub fn payment(&self, id: &str) -> Value {
        self.get(&format!("/v1/payments/{id}")).expect(200)["payment"].clone()
    }

    pub fn payer_view(&self, token: &str) -> Value {
        self.payer_get(&format!("/v1/checkout-sessions/token/{token}")).expect(200)["checkout_session"].clone()
    }

    /// Fires the Worker's cron handler (wrangler dev --test-scheduled).
    pub fn fire_cron(&self) {
        let resp = self.send("GET", "/__scheduled?cron=*+*+*+*+*", None, None, &[]);
        assert!(resp.status < 500, "cron trigger failed: {} {}", resp.status, resp.text);
    }

    /// Polls `probe` until it returns Some, for at most `timeout`.
    pub fn wait_for<T>(&self, what: &str, timeout: Duration, mut probe: impl FnMut() -> Option<T>) -> T {
        let start = Instant::now();
        loop {
            if let Some(v) = probe() {
                return v;
            }
            assert!(start.elapsed() < timeout, "timed out after {timeout:?} waiting for {what}");
            std::thread::sleep(Duration::from_millis(250));
        }
    }
}

impl Checkout for Api {
    fn send(&self, req: Request) -> Response {
        self.run(&req)
    }

    fn secret_key(&self) -> String {
        self.secret_key.clone()
    }

    fn origin(&self) -> String {
        self.base.clone()
    }

    /// The Worker runs after-response jobs itself (`wait_until`); the cron is fired.
    fn run_jobs(&self) -> Option<Ran> {
        self.fire_cron();
        None
    }

    fn elapse(&self, ms: u64) {
        std::thread::sleep(Duration::from_millis(ms));
    }

    fn virtual_clock(&self) -> bool {
        false
    }

    fn publishable_key(&self) -> String {
        self.publishable_key.clone()
    }

    /// Merchants `scripts/seed.sh` seeds for the run (their keys are in the keys file test.sh exports).
    fn merchant_key(&self, merchant: Merchant) -> String {
        env(match merchant {
            Merchant::Live => "HSRC_LIVE_SECRET_KEY",
            Merchant::Other => "HSRC_GUARD_SECRET_KEY",
            Merchant::Roll => "HSRC_ROLL_SECRET_KEY",
            Merchant::Flood => "HSRC_FLOOD_SECRET_KEY",
        })
    }

    /// Port 9 (discard) on loopback: connection refused, the attempt fails fast and stays on this machine.
    fn hook_url(&self, path: &str) -> String {
        format!("http://127.0.0.1:9{path}")
    }

    /// A receiver on a free loopback port of this machine: the Worker delivers to it through its local queue.
    fn receiver(&self, plan: Box<Plan>) -> Box<dyn Hooks + '_> {
        Box::new(Receiver::start(plan))
    }

    /// `WEBHOOK_TIMEOUT_MS` of the Worker, which `scripts/test.sh` exports as `HSRC_WEBHOOK_TIMEOUT_MS`.
    fn webhook_timeout_ms(&self) -> u64 {
        std::env::var("HSRC_WEBHOOK_TIMEOUT_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000)
    }

    fn stored(&self, needle: &str) -> bool {
        crate::worker_state::scanned_files()
            .iter()
            .any(|f| String::from_utf8_lossy(&std::fs::read(f).unwrap_or_default()).contains(needle))
    }

    /// Four threads; floods run one at a time, so each gets the Worker's throughput to itself.
    fn flood(&self, req: Request, max: usize) -> Option<(usize, Response)> {
        static FLOODS: Mutex<()> = Mutex::new(());
        let _alone = FLOODS.lock().unwrap_or_else(PoisonError::into_inner);
        let (sent, found) = (AtomicUsize::new(0), Mutex::new(None));
        std::thread::scope(|scope| {
            for _ in 0..4 {
                scope.spawn(|| {
                    while sent.fetch_add(1, Ordering::SeqCst) < max && found.lock().is_ok_and(|f| f.is_none()) {
                        let r = self.run(&req);
                        assert!(r.status < 500, "{} {}", r.status, r.text);
                        if r.status == 429 {
                            let passed = sent.load(Ordering::SeqCst).saturating_sub(1);
                            found.lock().unwrap_or_else(PoisonError::into_inner).get_or_insert((passed, r));
                        }
                    }
                });
            }
        });
        found.into_inner().unwrap_or_else(PoisonError::into_inner)
    }

    fn start_of_window(&self, _window_s: u32) {}

    /// The edge's own origin, which may frame the checkout of every test merchant.
    fn merchant_origin(&self) -> String {
        self.base.clone()
    }
}
