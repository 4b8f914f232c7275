//! Webhook receivers: what a scenario registers as an endpoint URL and reads deliveries back from.
//!
//! - `Hooks`, the receiver as a scenario sees it (`Checkout::receiver` hands one out): a URL and what arrived.
//! - `Receiver`, the one for the local Worker: a tiny HTTP/1.1 server on a free `127.0.0.1` port (std only) that
//!   records every request and answers each one as the plan says — a status code, or no answer at all (to make
//!   the sender time out). One thread per connection, so a hanging answer never delays the others. Natively the
//!   harness's delivery sink plays the same part (`native_checkout`).

use serde_json::Value;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// One request as it arrived.
#[derive(Debug, Clone)]
pub struct Arrival {
    pub path: String,
    /// Lower-case names.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Unix seconds at arrival (what a receiver checks `webhook-timestamp` against).
    pub received_at: i64,
    /// What we answered; `None` when we held the connection until the sender gave up.
    pub answered: Option<u16>,
}

impl Arrival {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub fn webhook_id(&self) -> &str {
        self.header("webhook-id").unwrap_or("")
    }

    /// The body as JSON (Null when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    pub fn accepted(&self) -> bool {
        self.answered.is_some_and(|s| (200..300).contains(&s))
    }
}

/// How to answer one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Status(u16),
    /// Read the request, then say nothing for this long and close the connection.
    Hang(Duration),
}

/// Decides the answer from the request and how many earlier requests carried the same `webhook-id`.
pub type Plan = dyn Fn(&Arrival, usize) -> Answer + Send + Sync;

/// A webhook receiver as a scenario uses it, whichever way the edge runs.
pub trait Hooks {
    /// The URL of `path` on this receiver, to register as an endpoint.
    fn url(&self, path: &str) -> String;
    /// Everything received so far, in arrival order.
    fn arrivals(&self) -> Vec<Arrival>;
}

/// How many earlier arrivals carried the `webhook-id` of `arrival` (what a plan is told).
pub fn earlier_tries(all: &[Arrival], arrival: &Arrival) -> usize {
    let id = arrival.webhook_id();
    all.iter().filter(|a| !id.is_empty() && a.webhook_id() == id).count()
}

pub struct Receiver {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    arrivals: Arc<Mutex<Vec<Arrival>>>,
    stop: Arc<AtomicBool>,
    port: u16,
}

impl Receiver {
    /// Starts listening on a free loopback port.
    pub fn start(plan: impl Fn(&Arrival, usize) -> Answer + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let port = listener.local_addr().expect("local addr").port();
        let arrivals = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let plan: Arc<Plan> = Arc::new(plan);
        {
            let (arrivals, stop) = (arrivals.clone(), stop.clone());
            thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let (arrivals, plan) = (arrivals.clone(), plan.clone());
                    thread::spawn(move || serve(stream, &arrivals, &*plan));
                }
            });
        }
        Self { base: format!("http://127.0.0.1:{port}"), arrivals, stop, port }
    }

    /// Everything received so far, in arrival order.
    pub fn arrivals(&self) -> Vec<Arrival> {
        self.arrivals.lock().expect("arrivals").clone()
    }
}

impl Hooks for Receiver {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn arrivals(&self) -> Vec<Arrival> {
        Receiver::arrivals(self)
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn now_s() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// Reads one request (headers up to 64 KiB, body by Content-Length), records it, answers per the plan.
fn serve(mut stream: TcpStream, arrivals: &Mutex<Vec<Arrival>>, plan: &Plan) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let header_end = loop {
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
        if buf.len() > 64 * 1024 {
            return;
        }
    };
    let head = String::from_utf8_lossy(&buf[..header_end]).into_owned();
    let mut lines = head.split("\r\n");
    let path = lines.next().and_then(|l| l.split(' ').nth(1)).unwrap_or("/").to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length: usize =
        headers.iter().find(|(k, _)| k == "content-length").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
    let mut body = buf[header_end + 4..].to_vec();
    let started = Instant::now();
    while body.len() < length && started.elapsed() < Duration::from_secs(10) {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => body.extend_from_slice(&chunk[..n]),
        }
    }
    let mut arrival = Arrival { path, headers, body, received_at: now_s(), answered: None };
    let earlier = earlier_tries(&arrivals.lock().expect("arrivals"), &arrival);
    let answer = plan(&arrival, earlier);
    if let Answer::Status(status) = answer {
        arrival.answered = Some(status);
    }
    // Recorded before answering, so a test that sees the sender's result also sees the arrival.
    arrivals.lock().expect("arrivals").push(arrival);
    match answer {
        Answer::Status(status) => {
            let location = if (300..400).contains(&status) { "location: http://127.0.0.1:9/elsewhere\r\n" } else { "" };
            let response = format!("HTTP/1.1 {status} Plan\r\n{location}content-length: 2\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\nok");
            let _ = stream.write_all(response.as_bytes());
            let _ = stream.flush();
        }
        Answer::Hang(d) => thread::sleep(d),
    }
}
