//! Ctrl-C (and SIGTERM) set a flag that every loop checks; waits are sliced so a stop is seen within 100 ms and the
//! command can finish its line, print where to resume, and exit 0.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

static STOP: AtomicBool = AtomicBool::new(false);

pub fn install() {
    // A second handler cannot be set; failing to set one only loses the clean stop, never correctness.
    let _ = ctrlc::set_handler(|| STOP.store(true, Ordering::SeqCst));
}

pub fn requested() -> bool {
    STOP.load(Ordering::SeqCst)
}

/// Sleeps up to `d`; false when a stop was requested meanwhile.
pub fn sleep(d: Duration) -> bool {
    let end = Instant::now() + d;
    while Instant::now() < end {
        if requested() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(100).min(end.saturating_duration_since(Instant::now())));
    }
    !requested()
}
