//! The refund lifecycle and the rules for giving captured money back, as pure functions (no I/O).
//!
//! A refund is `PENDING` from the moment it is recorded (before the provider is asked) until the provider settles
//! it (`SUCCEEDED` or `FAILED`) or the merchant cancels it while it still waits (`CANCELLED`). Storage applies each
//! move with a compare-and-set on (status, version), like the payment lifecycle in [`crate::lifecycle`].
//!
//! The money rule is [`check_refund`]: only captured money (`SUCCEEDED` payments) is refunded, an `AUTHORIZED`
//! payment is voided instead, and pending + succeeded refunds never exceed what was captured. The edge repeats the
//! budget condition inside the INSERT that records the refund, so concurrent requests cannot both pass it.

use crate::lifecycle::{PaymentStatus, TransitionError};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Status of a refund.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RefundStatus {
    /// Recorded and sent (or about to be sent) to the provider; the money is reserved against the captured amount.
    Pending,
    Succeeded,
    /// The provider refused: the money stays with the merchant and may be refunded again.
    Failed,
    /// The merchant cancelled it while it was still pending.
    Cancelled,
}

/// What can happen to a refund.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RefundEvent {
    /// The provider reports the money returned to the payer.
    ProviderSucceeded,
    /// The provider refused the refund.
    ProviderFailed,
    /// The merchant cancelled a pending refund (and the provider confirmed it had not paid it out).
    Cancel,
}

impl RefundStatus {
    pub const ALL: [RefundStatus; 4] = [Self::Pending, Self::Succeeded, Self::Failed, Self::Cancelled];

    /// The wire names for a message: `'A', 'B', 'C'`.
    pub fn one_of() -> String {
        crate::api::wire_enum::quoted(Self::ALL.iter().map(|s| s.as_str()))
    }

    pub fn is_terminal(self) -> bool {
        match self {
            Self::Pending => false,
            Self::Succeeded | Self::Failed | Self::Cancelled => true,
        }
    }

    /// Counts against the captured amount (reserved or paid out).
    pub fn holds_money(self) -> bool {
        match self {
            Self::Pending | Self::Succeeded => true,
            Self::Failed | Self::Cancelled => false,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "PENDING",
            Self::Succeeded => "SUCCEEDED",
            Self::Failed => "FAILED",
            Self::Cancelled => "CANCELLED",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }

    pub fn next(self, event: RefundEvent) -> Result<Self, TransitionError> {
        use RefundEvent as E;
        use RefundStatus as R;
        match (self, event) {
            (R::Pending, E::ProviderSucceeded) => Ok(R::Succeeded),
            (R::Pending, E::ProviderFailed) => Ok(R::Failed),
            (R::Pending, E::Cancel) => Ok(R::Cancelled),
            _ => Err(TransitionError {
                entity: "refund",
                from: self.as_str().to_string(),
                attempted: event.verb().to_string(),
            }),
        }
    }
}

impl RefundEvent {
    pub const ALL: [RefundEvent; 3] = [Self::ProviderSucceeded, Self::ProviderFailed, Self::Cancel];

    fn verb(self) -> &'static str {
        match self {
            Self::ProviderSucceeded => "succeed",
            Self::ProviderFailed => "fail",
            Self::Cancel => "cancel",
        }
    }
}

impl fmt::Display for RefundStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a merchant refunds (Stripe's names).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefundReason {
    RequestedByCustomer,
    Duplicate,
    Fraudulent,
    Other,
}

impl RefundReason {
    pub const ALL: [RefundReason; 4] = [Self::RequestedByCustomer, Self::Duplicate, Self::Fraudulent, Self::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::RequestedByCustomer => "requested_by_customer",
            Self::Duplicate => "duplicate",
            Self::Fraudulent => "fraudulent",
            Self::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// Where a payment stands with its refunds (`refund_status` on the payment).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentRefundStatus {
    #[default]
    None,
    Partial,
    Full,
}

impl PaymentRefundStatus {
    /// From the succeeded refunds only: pending money has not gone back yet.
    pub fn of(captured: i64, refunded: i64) -> Self {
        if refunded <= 0 {
            Self::None
        } else if refunded >= captured {
            Self::Full
        } else {
            Self::Partial
        }
    }
}

/// A refund request the rules refused, mapped by the edge to 409 (`Conflict`) or 400 on `amount` (`Amount`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefundRefusal {
    /// The payment holds money that was never captured: void it instead.
    NotCapturedVoidInstead,
    /// The payment has no captured money (not yet paid, failed or cancelled).
    NotRefundable(PaymentStatus),
    /// Everything captured is already refunded or reserved by pending refunds.
    NothingLeft,
    /// The amount is not between 1 and what is left.
    Amount { requested: i64, left: i64 },
}

impl fmt::Display for RefundRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotCapturedVoidInstead => f.write_str(
                "This payment is AUTHORIZED: its money was never captured, so there is nothing to refund. \
                 Void it instead (POST /v1/payments/:id/void) to release the hold.",
            ),
            Self::NotRefundable(status) => {
                write!(f, "Only SUCCEEDED payments can be refunded; this payment is {status}.")
            }
            Self::NothingLeft => f.write_str(
                "This payment has been refunded in full (counting pending refunds); nothing is left to refund.",
            ),
            Self::Amount { left, .. } => {
                write!(f, "The refund amount must be a whole number from 1 to the {left} left to refund.")
            }
        }
    }
}

/// Decides the amount of a new refund: `requested` (or everything left when `None`) against `captured` minus
/// `committed` (the sum of the payment's pending and succeeded refunds).
pub fn check_refund(
    status: PaymentStatus,
    captured: i64,
    committed: i64,
    requested: Option<i64>,
) -> Result<i64, RefundRefusal> {
    match status {
        PaymentStatus::Succeeded => {}
        PaymentStatus::Authorized => return Err(RefundRefusal::NotCapturedVoidInstead),
        other => return Err(RefundRefusal::NotRefundable(other)),
    }
    let left = (captured - committed).max(0);
    match requested {
        None if left == 0 => Err(RefundRefusal::NothingLeft),
        None => Ok(left),
        Some(amount) if amount >= 1 && amount <= left => Ok(amount),
        Some(_) if left == 0 => Err(RefundRefusal::NothingLeft),
        Some(requested) => Err(RefundRefusal::Amount { requested, left }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RefundEvent as E;
    use RefundStatus as R;

    /// DESIGN.md "Refunds": PENDING → SUCCEEDED | FAILED | CANCELLED, and nothing else.
    fn legal(from: R, ev: E) -> Option<R> {
        Some(match (from, ev) {
            (R::Pending, E::ProviderSucceeded) => R::Succeeded,
            (R::Pending, E::ProviderFailed) => R::Failed,
            (R::Pending, E::Cancel) => R::Cancelled,
            _ => return None,
        })
    }

    #[test]
    fn every_refund_pair_matches_the_design_table() {
        for from in R::ALL {
            for ev in E::ALL {
                match legal(from, ev) {
                    Some(to) => assert_eq!(from.next(ev), Ok(to), "{from:?} + {ev:?}"),
                    None => assert!(from.next(ev).is_err(), "{from:?} + {ev:?} must be refused"),
                }
            }
        }
    }

    #[test]
    fn terminal_refunds_never_change_and_only_live_ones_hold_money() {
        for from in R::ALL.into_iter().filter(|s| s.is_terminal()) {
            for ev in E::ALL {
                assert!(from.next(ev).is_err());
            }
        }
        let holding: Vec<R> = R::ALL.into_iter().filter(|s| s.holds_money()).collect();
        assert_eq!(holding, [R::Pending, R::Succeeded]);
    }

    #[test]
    fn refusal_says_what_and_why() {
        let err = R::Succeeded.next(E::Cancel).unwrap_err();
        assert_eq!(err.to_string(), "You cannot cancel this refund because its status is SUCCEEDED.");
    }

    #[test]
    fn wire_names_round_trip() {
        for s in R::ALL {
            assert_eq!(R::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{}\"", s.as_str()));
        }
        for r in RefundReason::ALL {
            assert_eq!(RefundReason::parse(r.as_str()), Some(r));
            assert_eq!(serde_json::to_string(&r).unwrap(), format!("\"{}\"", r.as_str()));
        }
        assert_eq!(serde_json::to_string(&PaymentRefundStatus::Partial).unwrap(), "\"partial\"");
    }

    #[test]
    fn only_captured_money_is_refunded() {
        for status in PaymentStatus::ALL {
            let got = check_refund(status, 1000, 0, None);
            match status {
                PaymentStatus::Succeeded => assert_eq!(got, Ok(1000)),
                PaymentStatus::Authorized => assert_eq!(got, Err(RefundRefusal::NotCapturedVoidInstead)),
                other => assert_eq!(got, Err(RefundRefusal::NotRefundable(other))),
            }
        }
        assert!(RefundRefusal::NotCapturedVoidInstead.to_string().contains("Void it instead"));
    }

    #[test]
    fn partials_add_up_to_the_captured_amount_and_no_further() {
        let s = PaymentStatus::Succeeded;
        assert_eq!(check_refund(s, 1000, 0, Some(300)), Ok(300));
        assert_eq!(check_refund(s, 1000, 300, Some(700)), Ok(700));
        assert_eq!(check_refund(s, 1000, 300, None), Ok(700));
        assert_eq!(check_refund(s, 1000, 300, Some(701)), Err(RefundRefusal::Amount { requested: 701, left: 700 }));
        assert_eq!(check_refund(s, 1000, 1000, Some(1)), Err(RefundRefusal::NothingLeft));
        assert_eq!(check_refund(s, 1000, 1000, None), Err(RefundRefusal::NothingLeft));
        for bad in [0, -1, i64::MIN] {
            assert!(matches!(check_refund(s, 1000, 0, Some(bad)), Err(RefundRefusal::Amount { .. })));
        }
        // A partial capture is the ceiling, not the authorized amount.
        assert_eq!(check_refund(s, 400, 0, None), Ok(400));
    }

    #[test]
    fn refund_status_follows_succeeded_refunds() {
        assert_eq!(PaymentRefundStatus::of(1000, 0), PaymentRefundStatus::None);
        assert_eq!(PaymentRefundStatus::of(1000, 1), PaymentRefundStatus::Partial);
        assert_eq!(PaymentRefundStatus::of(1000, 999), PaymentRefundStatus::Partial);
        assert_eq!(PaymentRefundStatus::of(1000, 1000), PaymentRefundStatus::Full);
    }
}
