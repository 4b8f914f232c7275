//! What the local Worker persisted, for e2e checks at the storage level: the files `wrangler dev` writes under
//! the run's persist directory (`HSRC_STATE_DIR`), its D1 database file, and the Worker's log (`HSRC_WORKER_LOG`).
//! Both variables are set by `scripts/test.sh`.

use std::path::{Path, PathBuf};
use std::sync::{PoisonError, RwLock, RwLockReadGuard};
use std::time::Duration;

/// Writing the D1 file from outside the Worker needs care: workerd's D1 does not wait for a lock another process
/// holds, it fails the statement with `SQLITE_BUSY`, which the Worker answers as a 500 (the intermittent e2e 500 of
/// #12's fallback test: another test's set-up write overlapped its request). Every request of [`crate::http::Api`]
/// holds the shared side of this gate and [`d1_write`] takes it alone, so an out-of-band write never overlaps a
/// request a test waits on. (Work the Worker does after a response, `wait_until` jobs and queue deliveries, may
/// still meet the lock; the product reconciles those like any storage failure.)
static GATE: RwLock<()> = RwLock::new(());

/// Held by a request of this process for as long as it is in flight.
pub(crate) fn request_in_flight() -> RwLockReadGuard<'static, ()> {
    GATE.read().unwrap_or_else(PoisonError::into_inner)
}

fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is set by scripts/test.sh"))
}

/// Every file under `dir`, recursively (an unreadable or missing directory has none).
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// The local D1 database file.
pub fn d1_file() -> PathBuf {
    files_under(Path::new(&var("HSRC_STATE_DIR")))
        .into_iter()
        .find(|p| {
            p.to_string_lossy().contains("D1DatabaseObject")
                && p.extension().is_some_and(|e| e == "sqlite")
                && !p.ends_with("metadata.sqlite")
        })
        .expect("the local D1 sqlite file")
}

/// The local D1 database, read-only.
pub fn d1() -> rusqlite::Connection {
    rusqlite::Connection::open_with_flags(d1_file(), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).expect("open D1")
}

/// The local D1 database for writing from outside the Worker (to set up a state no API produces), waiting up to
/// `busy` for the Worker's own writes.
pub fn d1_writable(busy: Duration) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open_with_flags(d1_file(), rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE)
        .expect("open D1 for writing");
    conn.busy_timeout(busy).expect("busy timeout");
    conn
}

/// Runs `f` on the local D1 file opened for writing from outside the Worker, while no request of this process is
/// in flight (waiting up to `busy` for the Worker's own writes).
pub fn with_d1_write<T>(busy: Duration, f: impl FnOnce(&rusqlite::Connection) -> T) -> T {
    let _alone = GATE.write().unwrap_or_else(PoisonError::into_inner);
    f(&d1_writable(busy))
}

/// Runs `sql` against the local D1 file from outside the Worker, while no request of this process is in flight.
pub fn d1_write(sql: &str) {
    with_d1_write(Duration::from_secs(5), |c| c.execute_batch(sql)).expect("D1 write");
}

/// Every product store the Worker persisted (D1 database and WAL, KV blobs, queue state) and the Worker's log:
/// what a scan for card data or secrets reads. Miniflare's local trace store (`v3/observability`, a wrangler dev
/// tool that records request URLs and D1 spans; absent on Cloudflare) is not our storage and is left out.
pub fn scanned_files() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = files_under(Path::new(&var("HSRC_STATE_DIR")))
        .into_iter()
        .filter(|p| !p.to_string_lossy().contains("/observability/"))
        .collect();
    out.push(var("HSRC_WORKER_LOG").into());
    out
}
