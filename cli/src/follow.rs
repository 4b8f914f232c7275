//! Following the event log forward with a cursor, for `listen` and `logs tail`.
//!
//! The cursor is the id of the newest event the caller has *finished* with ([`Follower::done`]); pages come from
//! `GET /v1/events?ending_before=<cursor>`, which returns only newer events in commit order. So a reconnect
//! resumes exactly after the last handled event, and a restart with `--since <that id>` does too: nothing is
//! missed and nothing is handled twice.

use hsrc_client::{Client, ListParams, Result};
use hsrc_shared::api::Event;

const PAGE: u32 = 100;
/// Bounds the walk back through an event log that had no event when following began.
const MAX_BACKFILL_PAGES: usize = 1000;

pub struct Follower {
    client: Client,
    cursor: Option<String>,
}

impl Follower {
    /// Starts after `since` (checked to exist), or after the newest event now.
    pub fn start(client: &Client, since: Option<&str>) -> Result<Self> {
        let cursor = match since {
            Some(id) => Some(client.get_event(id)?.id.into_string()),
            None => {
                let newest = client.list_events(&ListParams { limit: Some(1), ..Default::default() })?;
                newest.data.first().map(|e| e.id.to_string())
            }
        };
        Ok(Self { client: client.clone(), cursor })
    }

    /// The id after which following resumes.
    pub fn cursor(&self) -> Option<&str> {
        self.cursor.as_deref()
    }

    /// The next new events, oldest first, and whether more are waiting right now. Does not move the cursor.
    pub fn poll(&self) -> Result<(Vec<Event>, bool)> {
        match &self.cursor {
            Some(cursor) => {
                let params =
                    ListParams { limit: Some(PAGE), ending_before: Some(cursor.clone()), ..Default::default() };
                let page = self.client.list_events(&params)?;
                let mut events = page.data;
                events.reverse();
                Ok((events, page.has_more))
            }
            // The log was empty when we began, so every event in it is new: walk it back to the start.
            None => {
                let mut all = Vec::new();
                let mut params = ListParams { limit: Some(PAGE), ..Default::default() };
                for _ in 0..MAX_BACKFILL_PAGES {
                    let page = self.client.list_events(&params)?;
                    all.extend(page.data);
                    match page.next_cursor.filter(|_| page.has_more) {
                        Some(next) => params.starting_after = Some(next),
                        None => break,
                    }
                }
                all.reverse();
                Ok((all, false))
            }
        }
    }

    /// Marks `event_id` handled: following resumes after it.
    pub fn done(&mut self, event_id: &str) {
        self.cursor = Some(event_id.to_string());
    }
}

/// `--events a,b` (or `*`): which event types a command acts on.
#[derive(Debug, Clone)]
pub struct TypeFilter(Vec<String>);

impl TypeFilter {
    pub fn parse(list: &[String]) -> Self {
        let kinds: Vec<String> =
            list.iter().flat_map(|s| s.split(',')).map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
        Self(kinds)
    }

    pub fn matches(&self, kind: &str) -> bool {
        self.0.is_empty()
            || self.0.iter().any(|k| {
                k == "*" || k == kind || k.strip_suffix(".*").is_some_and(|p| kind.starts_with(&format!("{p}.")))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::TypeFilter;

    #[test]
    fn type_filter_takes_lists_stars_and_prefixes() {
        let all = TypeFilter::parse(&[]);
        assert!(all.matches("payment.succeeded"));
        let some = TypeFilter::parse(&["payment.succeeded,charge.declined".into()]);
        assert!(some.matches("charge.declined") && !some.matches("payment.failed"));
        let prefix = TypeFilter::parse(&["checkout_session.*".into()]);
        assert!(prefix.matches("checkout_session.expired") && !prefix.matches("payment.succeeded"));
        assert!(TypeFilter::parse(&["*".into()]).matches("refund.succeeded"));
    }
}
