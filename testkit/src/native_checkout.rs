//! `Checkout` on the native harness: one process, SQLite with the real migrations, a clock that moves only when a
//! scenario lets time pass, background work run when asked (after-response jobs, the cron, then the webhook
//! queue's consumer posting to the delivery sink). Webhook retries and timeouts are configured like the local
//! Worker of `scripts/test.sh`, so a scenario waits for a delivery the same way on both sides.

use crate::checkout::{Checkout, Merchant, Ran, Request, Response};
use crate::native::{Harness, SeededMerchant};
use crate::native_hooks::DeliverySink;
use crate::receiver::{Hooks, Plan};
use hsrc_edge::http::{ApiRequest, Method};
use hsrc_edge::platform::Ctx;
use std::cell::RefCell;

/// `WEBHOOK_RETRY_SPEEDUP` and `WEBHOOK_TIMEOUT_MS` of the e2e Worker (`scripts/test.sh`).
const WEBHOOK_RETRY_SPEEDUP: u32 = 1000;
const WEBHOOK_TIMEOUT_MS: u64 = 2000;

/// The edge with one seeded test merchant (`mer_test`, like `scripts/seed.sh` seeds the local Worker's).
pub struct NativeCheckout {
    pub h: Harness,
    pub m: SeededMerchant,
    /// Other merchants, seeded when a scenario first asks for one.
    others: RefCell<Vec<(Merchant, String)>>,
    sink: DeliverySink,
}

impl Default for NativeCheckout {
    fn default() -> Self {
        Self::new()
    }
}

impl NativeCheckout {
    pub fn new() -> Self {
        let mut h = Harness::new();
        h.config.webhook_retry_speedup = WEBHOOK_RETRY_SPEEDUP;
        h.config.webhook_timeout_ms = WEBHOOK_TIMEOUT_MS;
        let m = h.seed_merchant("mer_test", "Test Shop", false);
        Self { h, m, others: RefCell::default(), sink: DeliverySink::default() }
    }

    /// A context with the request-id prefix the Worker gives that kind of run (`job_`, `dlv_`).
    fn run_ctx(&self, prefix: &str) -> Ctx<'_> {
        let ctx = self.h.ctx();
        Ctx { request_id: ctx.request_id.replacen("req", prefix, 1), ..ctx }
    }

    /// One pass of the scheduled job (the cron), with its report.
    pub fn run_cron(&self) -> hsrc_edge::jobs::scheduled::RunReport {
        futures_executor::block_on(hsrc_edge::jobs::scheduled::run(&self.run_ctx("job")))
    }

    /// The webhook queue's consumer: delivers what the queue holds now and what its delays have released, until
    /// nothing is left (bounded), posting to the delivery sink. Returns how many messages it handled.
    pub fn deliver_queued(&self) -> usize {
        let client = self.sink.client(&self.h.runtime);
        let mut handled = 0;
        for _ in 0..100 {
            let now = self.h.runtime.now.get();
            let mut due = std::mem::take(&mut *self.h.queue.sent.borrow_mut());
            let delayed = std::mem::take(&mut *self.h.queue.delayed.borrow_mut());
            let mut later = self.sink.later.borrow_mut();
            later.extend(delayed.into_iter().map(|(id, secs)| (id, now + i64::from(secs) * 1000)));
            later.retain(|(id, visible_at)| {
                *visible_at > now || {
                    due.push(id.clone());
                    false
                }
            });
            drop(later);
            if due.is_empty() {
                break;
            }
            let ctx = Ctx { http: &client, ..self.run_ctx("dlv") };
            for id in &due {
                futures_executor::block_on(hsrc_edge::webhooks::deliver(&ctx, id));
            }
            handled += due.len();
        }
        handled
    }
}

impl Checkout for NativeCheckout {
    fn send(&self, req: Request) -> Response {
        let mut api = ApiRequest::new(Method::parse(&req.method), &req.path);
        if let Some(k) = &req.key {
            api = api.with_header("authorization", &format!("Bearer {k}"));
        }
        for (k, v) in &req.headers {
            api = api.with_header(k, v);
        }
        api.body = req.body.unwrap_or_default();
        let resp = self.h.request(api);
        Response::new(resp.status, resp.headers, &resp.body)
    }

    fn secret_key(&self) -> String {
        self.m.secret_key.clone()
    }

    fn origin(&self) -> String {
        self.h.config.public_origin.clone()
    }

    fn run_jobs(&self) -> Option<Ran> {
        self.h.run_after_response();
        let report = self.run_cron();
        self.deliver_queued();
        Some(Ran { expired: report.expired, settled: report.settled })
    }

    fn elapse(&self, ms: u64) {
        self.h.runtime.advance_ms(ms as i64);
    }

    fn virtual_clock(&self) -> bool {
        true
    }

    fn publishable_key(&self) -> String {
        self.m.publishable_key.clone()
    }

    fn merchant_key(&self, merchant: Merchant) -> String {
        if let Some((_, key)) = self.others.borrow().iter().find(|(m, _)| *m == merchant) {
            return key.clone();
        }
        let seeded = match merchant {
            Merchant::Live => self.h.seed_merchant("mer_live", "Live Shop", true),
            Merchant::Other => self.h.seed_merchant("mer_other", "Other Shop", false),
            Merchant::Roll => self.h.seed_merchant("mer_roll", "Roll Shop", false),
            Merchant::Flood => self.h.seed_merchant("mer_flood", "Flood Shop", false),
        };
        self.others.borrow_mut().push((merchant, seeded.secret_key.clone()));
        seeded.secret_key
    }

    /// Nothing is sent natively: the recording HTTP client answers every POST.
    fn hook_url(&self, path: &str) -> String {
        format!("https://hooks.merchant.example{path}")
    }

    fn receiver(&self, plan: Box<Plan>) -> Box<dyn Hooks + '_> {
        Box::new(self.sink.receiver(plan))
    }

    fn webhook_timeout_ms(&self) -> u64 {
        self.h.config.webhook_timeout_ms
    }

    fn stored(&self, needle: &str) -> bool {
        self.h.db.dump().contains(needle)
            || self.h.cache.entries.borrow().iter().any(|(k, v)| k.contains(needle) || v.contains(needle))
    }

    fn flood(&self, req: Request, max: usize) -> Option<(usize, Response)> {
        for passed in 0..max {
            let r = self.send(req.clone());
            assert!(r.status < 500, "{} {}", r.status, r.text);
            if r.status == 429 {
                return Some((passed, r));
            }
        }
        None
    }

    fn start_of_window(&self, window_s: u32) {
        let window = i64::from(window_s) * 1000;
        self.h.runtime.advance_ms(window - self.h.runtime.now.get().rem_euclid(window));
    }

    /// Allowed by the merchant's own allowlist.
    fn merchant_origin(&self) -> String {
        "https://merchant.example".into()
    }
}
