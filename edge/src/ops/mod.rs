//! The operations console: find a session by whatever support was told (an id from a log line, an order number, an
//! email, the last four digits of a card), then show its whole story in one read: the payment and every charge, the
//! timeline of transitions, 3DS steps, events with their webhook deliveries and attempts, and a verdict that answers
//! "paid?" and "did the merchant hear about it?".
//!
//! Never by token: a checkout token is a bearer secret, so a term that looks like one is refused, not looked up.
//! Personal data leaves this module masked; searching takes the full value (an exact, indexed match), so finding a
//! payer by email never needs the screen to show the address. Every search term is an index probe (see
//! `migrations/0004_ops.sql`; `edge/tests/ops.rs` checks the query plans), except `key:value` on a metadata key other
//! than `order_id`, which scans the merchant's sessions newest first within the date range.

pub mod detail;
pub mod mask;
pub mod query;
pub mod search;
pub mod verdict;

pub use detail::{payment_detail, session_detail};
pub use mask::{hide_query, mask_email, mask_name, mask_payer, mask_phone};
pub use query::{classify, parse_bound, SearchParams, Term, MAX_TERM_CHARS};
pub use search::{search, search_statement};
pub use verdict::{notified_verdict, paid_verdict};
