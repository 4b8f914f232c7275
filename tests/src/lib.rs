//! Helpers for end-to-end tests against the local Worker that `scripts/test.sh` starts: the HTTP client, the
//! storage helpers and the webhook receiver live in the test kit (`hsrc-testkit`), the cards in the one sandbox table of `hsrc-shared`.

pub mod cli;

pub use hsrc_testkit::cards;
pub use hsrc_testkit::http::{confirm_body, Api, Resp};
pub use hsrc_testkit::{receiver, worker_state};

/// Waits, when fewer than `needed_s` seconds are left of the current `period_s` window, until the next window
/// starts. The local rate limiter (miniflare's, like Cloudflare's) counts in fixed windows aligned to the wall
/// clock, so a run of requests that straddles a boundary splits its count over two windows and may never reach
/// the budget; a test that counts up to a budget starts in a window with room for the whole run. Bounded by
/// `period_s`.
pub fn start_in_fresh_window(period_s: u64, needed_s: u64) {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock before 1970");
    let into = now.as_millis() as u64 % (period_s * 1000);
    let left_ms = period_s * 1000 - into;
    if left_ms < needed_s * 1000 {
        std::thread::sleep(std::time::Duration::from_millis(left_ms + 50));
    }
}
