//! The two answers support needs first: was it paid, and did the merchant hear about it.

use hsrc_shared::api::ops::{NotifiedVerdict, OpsDelivery, OpsEvent, PaidVerdict};
use hsrc_shared::lifecycle::{PaymentStatus, SessionStatus};

/// Was the order paid? Written as an exhaustive match: a new payment state must decide what it means here.
/// `session` is `None` for an API-only payment (#15): unpaid and not final, it waits for the payer.
pub fn paid_verdict(session: Option<SessionStatus>, payment: PaymentStatus) -> PaidVerdict {
    match payment {
        PaymentStatus::Succeeded => PaidVerdict::Paid,
        PaymentStatus::Authorized => PaidVerdict::Authorized,
        PaymentStatus::Processing | PaymentStatus::RequiresAction => PaidVerdict::InProgress,
        PaymentStatus::Created | PaymentStatus::RequiresPaymentMethod => match session {
            None | Some(SessionStatus::Pending) => PaidVerdict::AwaitingPayer,
            Some(SessionStatus::Processing) => PaidVerdict::InProgress,
            Some(
                SessionStatus::Completed | SessionStatus::Expired | SessionStatus::Cancelled | SessionStatus::Failed,
            ) => PaidVerdict::NotPaid,
        },
        PaymentStatus::Cancelled | PaymentStatus::Failed => PaidVerdict::NotPaid,
    }
}

/// Did the merchant hear about the latest change? Looks at the events written by the latest request that wrote
/// any (one state change writes its events together) and at every delivery of those.
pub fn notified_verdict(events: &[OpsEvent]) -> (NotifiedVerdict, Vec<String>, Option<i64>, Option<i64>) {
    let Some(last) = events.last() else { return (NotifiedVerdict::NoEvents, vec![], None, None) };
    let latest: Vec<&OpsEvent> =
        events.iter().filter(|e| e.request_id.is_some() && e.request_id == last.request_id).collect();
    let latest = if latest.is_empty() { vec![last] } else { latest };
    let types = latest.iter().map(|e| e.kind.clone()).collect();
    let at = latest.iter().map(|e| e.created_at_ms).max();
    let deliveries: Vec<&OpsDelivery> = latest.iter().flat_map(|e| e.deliveries.iter()).collect();
    if deliveries.is_empty() {
        return (NotifiedVerdict::NoEndpoint, types, at, None);
    }
    if deliveries.iter().all(|d| d.status == "succeeded") {
        let delivered = deliveries.iter().filter_map(|d| d.succeeded_at_ms).max();
        return (NotifiedVerdict::Delivered, types, at, delivered);
    }
    if deliveries.iter().any(|d| d.status == "pending" || d.status == "sending") {
        return (NotifiedVerdict::Retrying, types, at, None);
    }
    (NotifiedVerdict::Failed, types, at, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn paid_verdict_reads_payment_then_session() {
        use PaymentStatus as P;
        use SessionStatus as S;
        assert_eq!(paid_verdict(Some(S::Completed), P::Succeeded), PaidVerdict::Paid);
        assert_eq!(paid_verdict(Some(S::Completed), P::Authorized), PaidVerdict::Authorized);
        assert_eq!(paid_verdict(Some(S::Processing), P::RequiresAction), PaidVerdict::InProgress);
        assert_eq!(paid_verdict(Some(S::Pending), P::RequiresPaymentMethod), PaidVerdict::AwaitingPayer);
        assert_eq!(paid_verdict(Some(S::Expired), P::Cancelled), PaidVerdict::NotPaid);
        assert_eq!(paid_verdict(Some(S::Failed), P::Failed), PaidVerdict::NotPaid);
        // An API-only payment has no session: unpaid means the payer has yet to pay (or pay again).
        assert_eq!(paid_verdict(None, P::Created), PaidVerdict::AwaitingPayer);
        assert_eq!(paid_verdict(None, P::RequiresPaymentMethod), PaidVerdict::AwaitingPayer);
        assert_eq!(paid_verdict(None, P::Succeeded), PaidVerdict::Paid);
        assert_eq!(paid_verdict(None, P::Failed), PaidVerdict::NotPaid);
    }

    fn event(kind: &str, request: &str, deliveries: &[&str]) -> OpsEvent {
        OpsEvent {
            id: format!("evt_{kind}"),
            kind: kind.into(),
            request_id: Some(request.into()),
            created_at_ms: 1,
            deliveries: deliveries
                .iter()
                .map(|s| OpsDelivery {
                    id: "dlv".into(),
                    endpoint_id: "we".into(),
                    status: (*s).into(),
                    attempt_count: 1,
                    next_attempt_at_ms: None,
                    last_status_code: None,
                    last_error: None,
                    succeeded_at_ms: (*s == "succeeded").then_some(5),
                    created_at_ms: 1,
                    attempts: vec![],
                })
                .collect(),
        }
    }

    #[test]
    fn notified_verdict_looks_at_the_latest_change_only() {
        assert_eq!(notified_verdict(&[]).0, NotifiedVerdict::NoEvents);
        // An old failed delivery does not matter once the latest change was delivered.
        let events = [
            event("charge.declined", "req_a", &["failed"]),
            event("payment.succeeded", "req_b", &["succeeded"]),
            event("checkout_session.completed", "req_b", &["succeeded"]),
        ];
        let (v, types, _, delivered) = notified_verdict(&events);
        assert_eq!((v, types.len(), delivered), (NotifiedVerdict::Delivered, 2, Some(5)));
        assert_eq!(
            notified_verdict(&[event("payment.succeeded", "req_b", &["succeeded", "pending"])]).0,
            NotifiedVerdict::Retrying
        );
        assert_eq!(
            notified_verdict(&[event("payment.succeeded", "req_b", &["succeeded", "failed"])]).0,
            NotifiedVerdict::Failed
        );
        assert_eq!(notified_verdict(&[event("payment.succeeded", "req_b", &[])]).0, NotifiedVerdict::NoEndpoint);
    }
}
