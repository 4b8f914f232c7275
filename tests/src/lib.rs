//! Helpers for end-to-end tests: a small client for the local Worker that `scripts/test.sh` starts (it exports
//! `HSRC_BASE_URL`, `HSRC_SECRET_KEY` and `HSRC_PUBLISHABLE_KEY`), and the sandbox test cards.

pub mod cli;
pub mod receiver;

use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// Sandbox test cards of DESIGN.md.
pub mod cards {
    pub const SUCCESS: &str = "4242424242424242";
    pub const SUCCESS_MASTERCARD: &str = "5555555555554444";
    pub const DECLINED: &str = "4000000000000002";
    pub const INSUFFICIENT_FUNDS: &str = "4000000000009995";
    pub const EXPIRED: &str = "4000000000000069";
    pub const INCORRECT_CVC: &str = "4000000000000127";
    pub const THREE_DS: &str = "4000000000003220";
    pub const TIMEOUT_THEN_SUCCESS: &str = "4000000000000119";
    pub const TIMEOUT_THEN_DECLINE: &str = "4000000000000218";
    pub const PRIMARY_DOWN: &str = "4000000000008013";
    pub const ALL_DOWN: &str = "4000000000003014";
}

/// A response: status, headers and the JSON body (Null when the body is not JSON).
#[derive(Debug, Clone)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub text: String,
    pub json: Value,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Asserts the status, printing the body when it differs.
    #[track_caller]
    pub fn expect(self, status: u16) -> Value {
        assert_eq!(self.status, status, "unexpected status; body: {}", self.text);
        self.json
    }

    /// Asserts an error response with this status and code.
    #[track_caller]
    pub fn expect_error(self, status: u16, code: &str) -> Value {
        assert_eq!(self.status, status, "unexpected status; body: {}", self.text);
        assert_eq!(self.json["error"]["code"], code, "unexpected error; body: {}", self.text);
        assert!(
            self.json["error"]["type"].is_string() && self.json["error"]["message"].is_string(),
            "error model: {}",
            self.text
        );
        self.json
    }
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
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .max_redirects(0)
            .build()
            .new_agent();
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
        let url = self.url(path);
        let mut builder = ureq::http::Request::builder().method(method).uri(&url);
        if let Some(k) = key {
            builder = builder.header("authorization", format!("Bearer {k}"));
        }
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        let result = match body {
            Some(b) => {
                let has_type = headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("content-type"));
                if !has_type {
                    builder = builder.header("content-type", "application/json");
                }
                self.agent.run(builder.body(b.to_string().into_bytes()).expect("request"))
            }
            None => self.agent.run(builder.body(()).expect("request")),
        };
        let mut resp = result.unwrap_or_else(|e| panic!("{method} {url} failed: {e}"));
        let status = resp.status().as_u16();
        let headers =
            resp.headers().iter().map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string())).collect();
        let text = resp.body_mut().read_to_string().unwrap_or_default();
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Resp { status, headers, text, json }
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

/// A confirm body with a valid expiry, CVC and payer.
pub fn confirm_body(number: &str) -> Value {
    json!({
        "payment_method": { "type": "card", "card": { "number": number, "exp_month": 12, "exp_year": 2034, "cvc": "123" } },
        "payer": { "name": "Ayşe Yılmaz", "email": "ayse@example.com" }
    })
}
