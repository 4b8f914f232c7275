//! The native harness's delivery sink: webhook receivers for scenarios without a network. Natively the edge's
//! queue is a list (`MemoryQueue`); `NativeCheckout::run_jobs` hands its due messages to the edge's queue consumer
//! (`webhooks::deliver`, as the Worker's queue handler does) with this sink as the HTTP client. Each POST goes to
//! the receiver whose base URL it starts with, answered as that receiver's plan says; a hang moves the clock as
//! far as the sender waits. POSTs to no receiver (`Checkout::hook_url` endpoints) are answered 200.

use crate::native::TestRuntime;
use crate::receiver::{earlier_tries, Answer, Arrival, Hooks, Plan};
use async_trait::async_trait;
use hsrc_edge::platform::{HttpClient, HttpOutcome};
use std::cell::RefCell;
use std::time::Duration;

#[derive(Default)]
pub struct DeliverySink {
    /// (base URL, plan) of each receiver handed out.
    receivers: RefCell<Vec<(String, Box<Plan>)>>,
    /// (base URL, arrival), in arrival order.
    arrivals: RefCell<Vec<(String, Arrival)>>,
    /// Delayed queue messages (`send_later`) and when they become visible to the consumer, in ms.
    pub later: RefCell<Vec<(String, i64)>>,
}

impl DeliverySink {
    /// A new receiver on a host of its own under `merchant.example` (which the test merchant may target).
    pub fn receiver(&self, plan: Box<Plan>) -> NativeHooks<'_> {
        let mut receivers = self.receivers.borrow_mut();
        let base = format!("https://receiver-{}.merchant.example", receivers.len() + 1);
        receivers.push((base.clone(), plan));
        NativeHooks { sink: self, base }
    }

    /// The HTTP client the queue consumer posts through, on the harness clock.
    pub fn client<'a>(&'a self, clock: &'a TestRuntime) -> SinkClient<'a> {
        SinkClient { sink: self, clock }
    }
}

pub struct NativeHooks<'a> {
    sink: &'a DeliverySink,
    base: String,
}

impl Hooks for NativeHooks<'_> {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn arrivals(&self) -> Vec<Arrival> {
        self.sink.arrivals.borrow().iter().filter(|(b, _)| *b == self.base).map(|(_, a)| a.clone()).collect()
    }
}

pub struct SinkClient<'a> {
    sink: &'a DeliverySink,
    clock: &'a TestRuntime,
}

#[async_trait(?Send)]
impl HttpClient for SinkClient<'_> {
    async fn post(&self, url: &str, headers: &[(String, String)], body: &[u8], timeout_ms: u64) -> HttpOutcome {
        let receivers = self.sink.receivers.borrow();
        let Some((base, plan)) = receivers.iter().find(|(base, _)| url.starts_with(base.as_str())) else {
            return HttpOutcome::Response { status: 200 };
        };
        let mut arrival = Arrival {
            path: url[base.len()..].to_string(),
            headers: headers.iter().map(|(k, v)| (k.to_ascii_lowercase(), v.clone())).collect(),
            body: body.to_vec(),
            received_at: self.clock.now.get() / 1000,
            answered: None,
        };
        let earlier = {
            let mine: Vec<Arrival> =
                self.sink.arrivals.borrow().iter().filter(|(b, _)| b == base).map(|(_, a)| a.clone()).collect();
            earlier_tries(&mine, &arrival)
        };
        let outcome = match plan(&arrival, earlier) {
            Answer::Status(status) => {
                arrival.answered = Some(status);
                HttpOutcome::Response { status }
            }
            // The sender waits until its timeout, or until the receiver closes the connection unanswered.
            Answer::Hang(hang) => {
                let timeout = Duration::from_millis(timeout_ms);
                self.clock.advance_ms(hang.min(timeout).as_millis() as i64);
                if hang >= timeout {
                    HttpOutcome::Timeout
                } else {
                    HttpOutcome::Error("connection closed without an answer".into())
                }
            }
        };
        self.sink.arrivals.borrow_mut().push((base.clone(), arrival));
        outcome
    }
}
