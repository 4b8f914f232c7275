//! Shared helpers for native integration tests: the whole edge on SQLite with the real migrations.
#![allow(dead_code)]

use hsrc_edge::http::{ApiRequest, ApiResponse, Method};
use hsrc_testkit::native::{Harness, SeededMerchant};
use serde_json::{json, Value};

/// The harness's public origin: where our card element lives.
pub const CARD_ELEMENT_ORIGIN: &str = "http://127.0.0.1:8787";

pub struct World {
    pub h: Harness,
    pub m: SeededMerchant,
}

impl Default for World {
    fn default() -> Self {
        Self::new()
    }
}

impl World {
    pub fn new() -> Self {
        let h = Harness::new();
        let m = h.seed_merchant("mer_test", "Test Shop", false);
        Self { h, m }
    }

    pub fn call(&self, method: Method, path: &str, body: Option<Value>, key: Option<&str>) -> ApiResponse {
        let mut req = ApiRequest::new(method, path);
        if let Some(k) = key {
            req = req.with_header("authorization", &format!("Bearer {k}"));
        }
        if let Some(b) = body {
            req = req.with_json(&b);
        }
        self.h.request(req)
    }

    pub fn get(&self, path: &str) -> ApiResponse {
        self.call(Method::Get, path, None, Some(&self.m.secret_key.clone()))
    }

    pub fn post(&self, path: &str, body: Value) -> ApiResponse {
        self.call(Method::Post, path, Some(body), Some(&self.m.secret_key.clone()))
    }

    pub fn create(&self, extra: Value) -> Value {
        let mut body = json!({ "amount": 12500, "currency": "TRY" });
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        let resp = self.post("/v1/checkout-sessions", body);
        assert_eq!(resp.status, 200, "{}", String::from_utf8_lossy(&resp.body));
        resp.json_body()["checkout_session"].clone()
    }

    pub fn confirm(&self, token: &str, number: &str) -> ApiResponse {
        self.call(
            Method::Post,
            &format!("/v1/checkout-sessions/token/{token}/confirm"),
            Some(json!({
                "payment_method": { "type": "card", "card": { "number": number, "exp_month": 12, "exp_year": 2034, "cvc": "123" } },
                "payer": { "name": "Ada Lovelace", "email": "ada@example.com" }
            })),
            None,
        )
    }

    pub fn confirm_ok(&self, token: &str, number: &str) -> Value {
        let resp = self.confirm(token, number);
        assert_eq!(resp.status, 200, "{}", String::from_utf8_lossy(&resp.body));
        resp.json_body()
    }

    pub fn payment(&self, id: &str) -> Value {
        let resp = self.get(&format!("/v1/payments/{id}"));
        assert_eq!(resp.status, 200, "{}", String::from_utf8_lossy(&resp.body));
        resp.json_body()["payment"].clone()
    }

    pub fn view(&self, token: &str) -> Value {
        let resp = self.call(Method::Get, &format!("/v1/checkout-sessions/token/{token}"), None, None);
        assert_eq!(resp.status, 200, "{}", String::from_utf8_lossy(&resp.body));
        resp.json_body()["checkout_session"].clone()
    }

    /// `POST /v1/payments` (API-only, #15) with `extra` over a 125.00 TRY payment: the whole answer.
    pub fn api_create(&self, extra: Value) -> Value {
        let mut body = json!({ "amount": 12500, "currency": "TRY" });
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        let resp = self.post("/v1/payments", body);
        assert_eq!(resp.status, 200, "{}", String::from_utf8_lossy(&resp.body));
        resp.json_body()
    }

    /// What our card element sends for `number`: publishable key, from `origin` (ours: [`CARD_ELEMENT_ORIGIN`]).
    pub fn card_element(&self, number: &str, origin: Option<&str>, key: &str) -> ApiResponse {
        let mut req = ApiRequest::new(Method::Post, "/v1/payment-methods")
            .with_header("authorization", &format!("Bearer {key}"))
            .with_json(
                &json!({ "type": "card", "card": { "number": number, "exp_month": 12, "exp_year": 2034, "cvc": "987" } }),
            );
        if let Some(o) = origin {
            req = req.with_header("origin", o);
        }
        self.h.request(req)
    }

    /// A fresh `pm_…` for `number`, made by the card element.
    pub fn pm(&self, number: &str) -> String {
        let resp = self.card_element(number, Some(CARD_ELEMENT_ORIGIN), &self.m.publishable_key.clone());
        assert_eq!(resp.status, 200, "{}", String::from_utf8_lossy(&resp.body));
        resp.json_body()["payment_method"]["id"].as_str().unwrap().to_string()
    }

    /// The merchant's server confirms an API-only payment with a `pm_…`.
    pub fn api_confirm(&self, payment_id: &str, pm: &str) -> ApiResponse {
        self.post(&format!("/v1/payments/{payment_id}/confirm"), json!({ "payment_method": pm }))
    }

    /// Event types written for a payment, oldest first.
    pub fn event_types(&self, payment_id: &str) -> Vec<String> {
        self.h.db.with_conn(|c| {
            let mut st = c.prepare("SELECT type FROM events WHERE payment_id = ?1 ORDER BY rowid").unwrap();
            st.query_map([payment_id], |r| r.get::<_, String>(0)).unwrap().map(Result::unwrap).collect()
        })
    }

    pub fn charge_statuses(&self, payment: &Value) -> Vec<String> {
        payment["charges"].as_array().unwrap().iter().map(|c| c["status"].as_str().unwrap().to_string()).collect()
    }
}

/// Every row of every table as text, for tests that prove something never reaches storage.
pub fn dump_storage(w: &World) -> String {
    w.h.db.dump()
}

pub fn err_code(resp: &ApiResponse) -> (u16, String) {
    (resp.status, resp.json_body()["error"]["code"].as_str().unwrap_or("").to_string())
}
