//! Fault injection for native tests (#12): a platform wrapper that counts every await on the outside world (each
//! database read or batch, each queue send, each cache access) and stops the request at the N-th one, as if the
//! Worker died there. From that point on every call fails. `Before` stops before the call takes effect (a D1 error,
//! the isolate killed on the way); `After` lets it take effect and loses the answer (the response never came back).
//! Provider calls are awaits too: the sandbox acquirer's ledger lives in the same database, so its writes are
//! counted crash points like ours.

use crate::platform::{Cache, Database, DbError, DeliveryQueue, Row, Stmt};
use async_trait::async_trait;
use std::cell::{Cell, RefCell};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Before,
    After,
}

/// The shared counter and the stop rule; every wrapper below reports to one of these.
pub struct Faults {
    calls: Cell<usize>,
    stop_at: Option<(usize, Mode)>,
    /// One label per await seen, in order (the crash points of the path).
    pub log: RefCell<Vec<String>>,
}

impl Faults {
    /// `stop_at`: the 1-based await to stop at, or `None` to only count.
    pub fn new(stop_at: Option<(usize, Mode)>) -> Self {
        Self { calls: Cell::new(0), stop_at, log: RefCell::new(Vec::new()) }
    }

    pub fn calls(&self) -> usize {
        self.calls.get()
    }

    /// Counts one await; says whether to run it and whether to fail it.
    fn step(&self, label: String) -> (bool, bool) {
        let n = self.calls.get() + 1;
        self.calls.set(n);
        self.log.borrow_mut().push(label);
        match self.stop_at {
            Some((at, _)) if n > at => (false, true),
            Some((at, Mode::Before)) if n == at => (false, true),
            Some((at, Mode::After)) if n == at => (true, true),
            _ => (true, false),
        }
    }
}

/// A short name for a statement: verb and table (`read charges`, `write sandbox_ledger`).
pub fn label_of(sql: &str) -> String {
    let words: Vec<&str> = sql.split_whitespace().collect();
    let after = |kw: &str| {
        words
            .iter()
            .position(|w| w.eq_ignore_ascii_case(kw))
            .and_then(|i| words.get(i + 1))
            .map(|t| t.trim_matches(|c: char| !c.is_alphanumeric() && c != '_').to_string())
    };
    let verb = words.first().map(|w| w.to_ascii_uppercase()).unwrap_or_default();
    match verb.as_str() {
        "SELECT" | "WITH" => format!("read {}", after("FROM").unwrap_or_default()),
        "INSERT" => after("INTO").unwrap_or_default(),
        "UPDATE" => words.get(1).map(|t| t.to_string()).unwrap_or_default(),
        "DELETE" => after("FROM").unwrap_or_default(),
        _ => verb,
    }
}

fn batch_label(stmts: &[Stmt]) -> String {
    let mut tables: Vec<String> = Vec::new();
    for s in stmts {
        let t = label_of(&s.sql);
        if !["cas_guard", "card_guard", "key_guard", "transitions", "events", "webhook_deliveries"]
            .contains(&t.as_str())
            && !tables.contains(&t)
        {
            tables.push(t);
        }
    }
    format!("write {}", tables.join("+"))
}

pub struct FaultDb<'a> {
    pub inner: &'a dyn Database,
    pub faults: &'a Faults,
}

fn stopped() -> DbError {
    DbError::Other("injected fault: the request stopped here".into())
}

#[async_trait(?Send)]
impl Database for FaultDb<'_> {
    async fn query(&self, stmt: Stmt) -> Result<Vec<Row>, DbError> {
        let (run, fail) = self.faults.step(label_of(&stmt.sql));
        let result = if run { Some(self.inner.query(stmt).await) } else { None };
        match (result, fail) {
            (Some(r), false) => r,
            _ => Err(stopped()),
        }
    }

    async fn batch(&self, stmts: Vec<Stmt>) -> Result<Vec<u64>, DbError> {
        let (run, fail) = self.faults.step(batch_label(&stmts));
        let result = if run { Some(self.inner.batch(stmts).await) } else { None };
        match (result, fail) {
            (Some(r), false) => r,
            _ => Err(stopped()),
        }
    }

    async fn batch_rows(&self, stmts: Vec<Stmt>) -> Result<Vec<Vec<Row>>, DbError> {
        let (run, fail) = self.faults.step(batch_label(&stmts));
        let result = if run { Some(self.inner.batch_rows(stmts).await) } else { None };
        match (result, fail) {
            (Some(r), false) => r,
            _ => Err(stopped()),
        }
    }

    /// One round trip, one crash point: `read merchants + read payments + write card_attempts …`.
    async fn query_many(&self, stmts: Vec<Stmt>) -> Result<Vec<Vec<Row>>, DbError> {
        let parts: Vec<String> = stmts
            .iter()
            .map(|s| label_of(&s.sql))
            .map(|l| if l.starts_with("read ") { l } else { format!("write {l}") })
            .collect();
        let (run, fail) = self.faults.step(parts.join(" + "));
        let result = if run { Some(self.inner.query_many(stmts).await) } else { None };
        match (result, fail) {
            (Some(r), false) => r,
            _ => Err(stopped()),
        }
    }
}

pub struct FaultQueue<'a> {
    pub inner: &'a dyn DeliveryQueue,
    pub faults: &'a Faults,
}

#[async_trait(?Send)]
impl DeliveryQueue for FaultQueue<'_> {
    async fn send(&self, delivery_ids: &[String]) -> Result<(), String> {
        let (run, fail) = self.faults.step("queue send".into());
        if run {
            self.inner.send(delivery_ids).await?;
        }
        if fail {
            return Err("injected fault".into());
        }
        Ok(())
    }

    async fn send_later(&self, delivery_id: &str, delay_seconds: u32) -> Result<(), String> {
        let (run, fail) = self.faults.step("queue send_later".into());
        if run {
            self.inner.send_later(delivery_id, delay_seconds).await?;
        }
        if fail {
            return Err("injected fault".into());
        }
        Ok(())
    }
}

pub struct FaultCache<'a> {
    pub inner: &'a dyn Cache,
    pub faults: &'a Faults,
}

#[async_trait(?Send)]
impl Cache for FaultCache<'_> {
    async fn get(&self, key: &str) -> Option<String> {
        let (run, fail) = self.faults.step("cache get".into());
        let v = if run { self.inner.get(key).await } else { None };
        if fail {
            None
        } else {
            v
        }
    }

    async fn put(&self, key: &str, value: &str, ttl_seconds: u64) {
        let (run, _) = self.faults.step("cache put".into());
        if run {
            self.inner.put(key, value, ttl_seconds).await;
        }
    }
}

/// Another request's work, run right after the first await labelled `after` has taken effect: the interleaving of
/// two writers on one payment that two Worker isolates can produce (a payer's poll settling a charge between the
/// provider's answer and the confirm's own settle, the cron job finishing a capture the merchant's call is about
/// to finish). The other work runs on its own context, not through this wrapper.
pub struct Interleave<'a> {
    pub inner: &'a dyn Database,
    pub after: &'static str,
    pub other: RefCell<Option<std::pin::Pin<Box<dyn std::future::Future<Output = ()> + 'a>>>>,
}

impl<'a> Interleave<'a> {
    pub fn new(
        inner: &'a dyn Database,
        after: &'static str,
        other: impl std::future::Future<Output = ()> + 'a,
    ) -> Self {
        Self { inner, after, other: RefCell::new(Some(Box::pin(other))) }
    }

    /// Whether the other work has run.
    pub fn ran(&self) -> bool {
        self.other.borrow().is_none()
    }

    async fn maybe_interleave(&self, label: &str) {
        if label == self.after {
            let other = self.other.borrow_mut().take();
            if let Some(other) = other {
                other.await;
            }
        }
    }
}

#[async_trait(?Send)]
impl Database for Interleave<'_> {
    async fn query(&self, stmt: Stmt) -> Result<Vec<Row>, DbError> {
        let label = label_of(&stmt.sql);
        let result = self.inner.query(stmt).await;
        self.maybe_interleave(&label).await;
        result
    }

    async fn batch(&self, stmts: Vec<Stmt>) -> Result<Vec<u64>, DbError> {
        let label = batch_label(&stmts);
        let result = self.inner.batch(stmts).await;
        self.maybe_interleave(&label).await;
        result
    }

    async fn batch_rows(&self, stmts: Vec<Stmt>) -> Result<Vec<Vec<Row>>, DbError> {
        let label = batch_label(&stmts);
        let result = self.inner.batch_rows(stmts).await;
        self.maybe_interleave(&label).await;
        result
    }
}
