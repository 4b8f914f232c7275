//! `Checkout` on the native harness: one process, SQLite with the real migrations, a clock that moves only when a
//! scenario lets time pass, background work run when asked.

use crate::checkout::{Checkout, Merchant, Ran, Request, Response};
use crate::native::{Harness, SeededMerchant};
use hsrc_edge::http::{ApiRequest, Method};
use std::cell::RefCell;

/// The edge with one seeded test merchant (`mer_test`, like `scripts/seed.sh` seeds the local Worker's).
pub struct NativeCheckout {
    pub h: Harness,
    pub m: SeededMerchant,
    /// Other merchants, seeded when a scenario first asks for one.
    others: RefCell<Vec<(Merchant, String)>>,
}

impl Default for NativeCheckout {
    fn default() -> Self {
        Self::new()
    }
}

impl NativeCheckout {
    pub fn new() -> Self {
        let h = Harness::new();
        let m = h.seed_merchant("mer_test", "Test Shop", false);
        Self { h, m, others: RefCell::default() }
    }

    /// One pass of the scheduled job (the cron), with its report.
    pub fn run_cron(&self) -> hsrc_edge::jobs::scheduled::RunReport {
        futures_executor::block_on(hsrc_edge::jobs::scheduled::run(&self.h.ctx()))
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
        };
        self.others.borrow_mut().push((merchant, seeded.secret_key.clone()));
        seeded.secret_key
    }

    /// Nothing is sent natively: the recording HTTP client answers every POST.
    fn hook_url(&self, path: &str) -> String {
        format!("https://hooks.merchant.example{path}")
    }

    /// Allowed by the merchant's own allowlist.
    fn merchant_origin(&self) -> String {
        "https://merchant.example".into()
    }
}
