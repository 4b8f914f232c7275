//! The delivery rules as pure functions: what an HTTP outcome means, when the next attempt is due, how long a
//! consumer may hold a delivery, and when a failing endpoint gets switched off. No I/O, so every rule is tested
//! directly.

use crate::platform::HttpOutcome;
use hsrc_shared::api::webhooks::AttemptOutcome;
use hsrc_shared::webhook::retry_delay_secs;

/// An endpoint that has not had one successful attempt for this long is disabled (the retry schedule spans a
/// little more than three days, so one delivery exhausting its retries with no success anywhere trips it).
pub const FAILING_WINDOW_MS: i64 = 3 * 24 * 3600 * 1000;

/// Extra time a consumer holds a claimed delivery beyond the HTTP timeout, so a slow save does not let a second
/// consumer in; a consumer that died releases its claim when the lease runs out.
pub const LEASE_MARGIN_MS: i64 = 30_000;

/// A delivery queued this long ago that is still due was lost (or its consumer died): the sweep queues it again.
pub const REQUEUE_AFTER_MS: i64 = 5 * 60 * 1000;

/// Jitter added to each retry delay: up to this fraction (1/10) of the delay, so endpoints that fail together do not
/// get retried in lockstep.
pub const JITTER_DIVISOR: u64 = 10;

/// How an attempt ended, as far as the retry logic is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// 2xx: delivered.
    Delivered,
    /// 410 Gone: the receiver says the endpoint no longer exists; disable it at once.
    Gone,
    /// Anything else (3xx included — redirects are never followed —, 4xx, 5xx, timeout, network error): retry.
    Failed,
}

pub fn verdict(outcome: &HttpOutcome) -> Verdict {
    match outcome {
        HttpOutcome::Response { status } if (200..300).contains(status) => Verdict::Delivered,
        HttpOutcome::Response { status: 410 } => Verdict::Gone,
        _ => Verdict::Failed,
    }
}

/// The attempt row's `outcome` column and a short, secret-free error text.
pub fn describe(outcome: &HttpOutcome) -> (AttemptOutcome, Option<String>) {
    match outcome {
        HttpOutcome::Response { status } if (200..300).contains(status) => (AttemptOutcome::Succeeded, None),
        HttpOutcome::Response { status } if (300..400).contains(status) => {
            (AttemptOutcome::Failed, Some(format!("HTTP {status}: redirects are not followed")))
        }
        HttpOutcome::Response { status } => (AttemptOutcome::Failed, Some(format!("HTTP {status}"))),
        HttpOutcome::Timeout => (AttemptOutcome::Timeout, Some("no response within the timeout".into())),
        // Network errors can quote the URL; keep the first line and cap it, never the body or headers.
        HttpOutcome::Error(e) => {
            (AttemptOutcome::Error, Some(e.lines().next().unwrap_or("network error").chars().take(200).collect()))
        }
    }
}

/// When the next attempt is due after a failure at `now_ms`, given the number of the schedule step that just
/// failed (0 = the first attempt), or `None` when the schedule is exhausted. `random` picks the jitter; `speedup`
/// divides the whole delay (1 in production).
pub fn next_attempt_at(now_ms: i64, failed_step: u32, random: u32, speedup: u32) -> Option<i64> {
    let delay_ms = retry_delay_secs(failed_step as usize + 1)? * 1000;
    let jitter = u64::from(random) % (delay_ms / JITTER_DIVISOR + 1);
    let scaled = (delay_ms + jitter) / u64::from(speedup.max(1));
    Some(now_ms + i64::try_from(scaled).unwrap_or(i64::MAX / 2))
}

/// The failing window under a speedup.
pub fn failing_window_ms(speedup: u32) -> i64 {
    FAILING_WINDOW_MS / i64::from(speedup.max(1))
}

/// Whether an endpoint failing since `failing_since` (its first failure after its last success) has failed long
/// enough to be disabled.
pub fn should_disable(failing_since: Option<i64>, now_ms: i64, speedup: u32) -> bool {
    failing_since.is_some_and(|since| now_ms - since >= failing_window_ms(speedup))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_2xx_is_success_and_410_disables() {
        for s in [200, 201, 204, 299] {
            assert_eq!(verdict(&HttpOutcome::Response { status: s }), Verdict::Delivered, "{s}");
        }
        for s in [100, 301, 302, 307, 308, 400, 404, 429, 500, 503] {
            assert_eq!(verdict(&HttpOutcome::Response { status: s }), Verdict::Failed, "{s}");
        }
        assert_eq!(verdict(&HttpOutcome::Response { status: 410 }), Verdict::Gone);
        assert_eq!(verdict(&HttpOutcome::Timeout), Verdict::Failed);
        assert_eq!(verdict(&HttpOutcome::Error("connection refused".into())), Verdict::Failed);
    }

    #[test]
    fn descriptions_name_the_failure() {
        assert_eq!(describe(&HttpOutcome::Response { status: 204 }), (AttemptOutcome::Succeeded, None));
        assert_eq!(describe(&HttpOutcome::Response { status: 302 }).1.unwrap(), "HTTP 302: redirects are not followed");
        assert_eq!(describe(&HttpOutcome::Timeout).0, "timeout");
        let long = format!("{}\nsecond line", "x".repeat(500));
        let (kind, text) = describe(&HttpOutcome::Error(long));
        assert_eq!((kind, text.unwrap().len()), (AttemptOutcome::Error, 200));
    }

    #[test]
    fn retries_follow_the_schedule_with_bounded_jitter() {
        let now = 1_000_000;
        // After the first attempt fails, the next is due in 5 s (+ up to 0.5 s jitter).
        assert_eq!(next_attempt_at(now, 0, 0, 1), Some(now + 5_000));
        assert_eq!(next_attempt_at(now, 0, 500, 1), Some(now + 5_500));
        assert_eq!(next_attempt_at(now, 0, 501, 1), Some(now + 5_000));
        // Then 5 min, 30 min, … 24 h; after the tenth attempt the delivery is given up.
        assert_eq!(next_attempt_at(now, 1, 0, 1), Some(now + 300_000));
        assert_eq!(next_attempt_at(now, 8, 0, 1), Some(now + 86_400_000));
        assert_eq!(next_attempt_at(now, 9, 0, 1), None);
        for r in [0, 1, 12_345, u32::MAX] {
            let at = next_attempt_at(now, 4, r, 1).unwrap() - now;
            assert!((18_000_000..=19_800_000).contains(&at), "{at}");
        }
    }

    #[test]
    fn speedup_divides_delays_and_window() {
        assert_eq!(next_attempt_at(0, 1, 0, 1000), Some(300));
        assert_eq!(next_attempt_at(0, 1, 0, 0), Some(300_000));
        assert_eq!(failing_window_ms(1000), 259_200);
    }

    #[test]
    fn endpoints_are_disabled_after_three_days_without_success() {
        let day = 24 * 3600 * 1000;
        assert!(!should_disable(None, 10 * day, 1));
        assert!(!should_disable(Some(0), 3 * day - 1, 1));
        assert!(should_disable(Some(0), 3 * day, 1));
    }
}
