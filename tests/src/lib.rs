//! Helpers for end-to-end tests against the local Worker that `scripts/test.sh` starts: the HTTP client, the
//! storage helpers and the webhook receiver live in the test kit (`hsrc-testkit`), the cards in the one sandbox table of `hsrc-shared`.

pub mod cli;

pub use hsrc_testkit::cards;
pub use hsrc_testkit::http::{confirm_body, Api, Resp};
pub use hsrc_testkit::{receiver, worker_state};
