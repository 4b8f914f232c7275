//! The checkout-session, payment and charge lifecycles as pure functions.
//!
//! Every transition the product makes is one call to `next` here: a legal move returns the new state, anything else
//! a [`TransitionError`] that says what was attempted and why not. Storage then applies the result with a
//! compare-and-set on the old state, so the rules live in one place and races are settled by the database.
//! `is_terminal` is an exhaustive `match` on purpose: a new state forces a decision about what it means.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Status of a checkout session (the guide's names, upper-case on the wire).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SessionStatus {
    Pending,
    Processing,
    Completed,
    Expired,
    Cancelled,
    Failed,
}

/// What can happen to a checkout session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SessionEvent {
    /// The payer confirmed with a payment method.
    Confirm,
    /// The payment reached `SUCCEEDED` or `AUTHORIZED`.
    PaymentSucceeded,
    /// The payment needs a new payment method; `attempts_remain` says whether the payer may try again.
    PaymentNeedsNewMethod { attempts_remain: bool },
    /// The payment failed for good.
    PaymentFailed,
    /// The merchant or the payer cancelled.
    Cancel,
    /// `expires_at` passed.
    Expire,
}

/// Status of a payment (one intent to collect money).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PaymentStatus {
    Created,
    Processing,
    RequiresAction,
    RequiresPaymentMethod,
    Authorized,
    Succeeded,
    Cancelled,
    Failed,
}

/// What can happen to a payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaymentEvent {
    /// Confirm started provider execution (first try or a retry with a new method).
    Confirm,
    /// The provider (or the finished 3DS challenge) approved and captured.
    Succeed,
    /// The provider approved for later capture (`capture_method: manual`).
    Authorize,
    /// The issuer asks for 3DS.
    RequireAction,
    /// The 3DS challenge passed; execution resumes at the provider.
    ActionCompleted,
    /// Declined, challenge failed, or every provider unavailable: the payer may bring another method.
    RequirePaymentMethod,
    /// Attempts exhausted or the session ended: no more tries.
    Fail,
    /// The merchant captured an authorized payment.
    Capture,
    /// The merchant voided an authorized payment, or the session was cancelled before any money moved.
    Cancel,
}

/// Status of a charge: one attempt at one provider.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChargeStatus {
    /// Sent to the provider, no answer yet (timeouts resolve later).
    Pending,
    /// Waiting on the payer's 3DS challenge.
    RequiresAction,
    Succeeded,
    Authorized,
    Declined,
    /// The provider failed (unavailable, error): not the card's fault.
    Failed,
}

/// An attempted transition that the lifecycle does not allow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransitionError {
    pub entity: &'static str,
    pub from: String,
    pub attempted: String,
}

impl fmt::Display for TransitionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "You cannot {} this {} because its status is {}.", self.attempted, self.entity, self.from)
    }
}

impl std::error::Error for TransitionError {}

impl SessionStatus {
    pub const ALL: [SessionStatus; 6] =
        [Self::Pending, Self::Processing, Self::Completed, Self::Expired, Self::Cancelled, Self::Failed];

    /// The wire names for a message: `'A', 'B', 'C'`.
    pub fn one_of() -> String {
        crate::api::wire_enum::quoted(Self::ALL.iter().map(|s| s.as_str()))
    }

    pub fn is_terminal(self) -> bool {
        match self {
            Self::Pending | Self::Processing => false,
            Self::Completed | Self::Expired | Self::Cancelled | Self::Failed => true,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "PENDING",
            Self::Processing => "PROCESSING",
            Self::Completed => "COMPLETED",
            Self::Expired => "EXPIRED",
            Self::Cancelled => "CANCELLED",
            Self::Failed => "FAILED",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }

    pub fn next(self, event: SessionEvent) -> Result<Self, TransitionError> {
        use SessionEvent as E;
        use SessionStatus as S;
        let to = match (self, event) {
            (S::Pending, E::Confirm) => S::Processing,
            (S::Processing, E::PaymentSucceeded) => S::Completed,
            (S::Processing, E::PaymentNeedsNewMethod { attempts_remain: true }) => S::Pending,
            (S::Processing, E::PaymentNeedsNewMethod { attempts_remain: false }) => S::Failed,
            (S::Processing, E::PaymentFailed) => S::Failed,
            (S::Pending, E::Cancel) => S::Cancelled,
            // An in-flight session is never expired under the payer: it finishes first, then expiry applies.
            (S::Pending, E::Expire) => S::Expired,
            _ => {
                return Err(TransitionError {
                    entity: "checkout session",
                    from: self.as_str().to_string(),
                    attempted: event.verb().to_string(),
                })
            }
        };
        Ok(to)
    }
}

impl SessionEvent {
    fn verb(self) -> &'static str {
        match self {
            Self::Confirm => "confirm",
            Self::PaymentSucceeded => "complete",
            Self::PaymentNeedsNewMethod { .. } => "reopen",
            Self::PaymentFailed => "fail",
            Self::Cancel => "cancel",
            Self::Expire => "expire",
        }
    }
}

impl PaymentStatus {
    pub const ALL: [PaymentStatus; 8] = [
        Self::Created,
        Self::Processing,
        Self::RequiresAction,
        Self::RequiresPaymentMethod,
        Self::Authorized,
        Self::Succeeded,
        Self::Cancelled,
        Self::Failed,
    ];

    /// The wire names for a message: `'A', 'B', 'C'`.
    pub fn one_of() -> String {
        crate::api::wire_enum::quoted(Self::ALL.iter().map(|s| s.as_str()))
    }

    pub fn is_terminal(self) -> bool {
        match self {
            Self::Created
            | Self::Processing
            | Self::RequiresAction
            | Self::RequiresPaymentMethod
            | Self::Authorized => false,
            Self::Succeeded | Self::Cancelled | Self::Failed => true,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "CREATED",
            Self::Processing => "PROCESSING",
            Self::RequiresAction => "REQUIRES_ACTION",
            Self::RequiresPaymentMethod => "REQUIRES_PAYMENT_METHOD",
            Self::Authorized => "AUTHORIZED",
            Self::Succeeded => "SUCCEEDED",
            Self::Cancelled => "CANCELLED",
            Self::Failed => "FAILED",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Money has been approved by a provider (captured or held).
    pub fn is_approved(self) -> bool {
        matches!(self, Self::Authorized | Self::Succeeded)
    }

    pub fn next(self, event: PaymentEvent) -> Result<Self, TransitionError> {
        use PaymentEvent as E;
        use PaymentStatus as P;
        let to = match (self, event) {
            (P::Created | P::RequiresPaymentMethod, E::Confirm) => P::Processing,
            (P::Processing, E::Succeed) => P::Succeeded,
            (P::Processing, E::Authorize) => P::Authorized,
            (P::Processing, E::RequireAction) => P::RequiresAction,
            (P::RequiresAction, E::ActionCompleted) => P::Processing,
            (P::Processing | P::RequiresAction, E::RequirePaymentMethod) => P::RequiresPaymentMethod,
            (P::Created | P::Processing | P::RequiresAction | P::RequiresPaymentMethod, E::Fail) => P::Failed,
            (P::Authorized, E::Capture) => P::Succeeded,
            (P::Authorized | P::Created | P::RequiresPaymentMethod, E::Cancel) => P::Cancelled,
            _ => {
                return Err(TransitionError {
                    entity: "payment",
                    from: self.as_str().to_string(),
                    attempted: event.verb().to_string(),
                })
            }
        };
        Ok(to)
    }
}

impl PaymentEvent {
    fn verb(self) -> &'static str {
        match self {
            Self::Confirm => "confirm",
            Self::Succeed => "succeed",
            Self::Authorize => "authorize",
            Self::RequireAction => "require an action on",
            Self::ActionCompleted => "complete the action on",
            Self::RequirePaymentMethod => "ask for a new payment method on",
            Self::Fail => "fail",
            Self::Capture => "capture",
            Self::Cancel => "cancel",
        }
    }
}

impl ChargeStatus {
    pub const ALL: [ChargeStatus; 6] =
        [Self::Pending, Self::RequiresAction, Self::Succeeded, Self::Authorized, Self::Declined, Self::Failed];

    /// The wire names for a message: `'A', 'B', 'C'`.
    pub fn one_of() -> String {
        crate::api::wire_enum::quoted(Self::ALL.iter().map(|s| s.as_str()))
    }

    pub fn is_terminal(self) -> bool {
        match self {
            Self::Pending | Self::RequiresAction => false,
            Self::Succeeded | Self::Authorized | Self::Declined | Self::Failed => true,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::RequiresAction => "requires_action",
            Self::Succeeded => "succeeded",
            Self::Authorized => "authorized",
            Self::Declined => "declined",
            Self::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// A charge only ever leaves a waiting state, once.
    pub fn resolve(self, to: ChargeStatus) -> Result<Self, TransitionError> {
        if !self.is_terminal() && to != self && to != Self::Pending {
            Ok(to)
        } else {
            Err(TransitionError {
                entity: "charge",
                from: self.as_str().to_string(),
                attempted: format!("move to {}", to.as_str()),
            })
        }
    }
}

impl fmt::Display for SessionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for PaymentStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for ChargeStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PaymentEvent as PE;
    use PaymentStatus as P;
    use SessionEvent as SE;
    use SessionStatus as S;

    const SESSION_EVENTS: [SessionEvent; 7] = [
        SE::Confirm,
        SE::PaymentSucceeded,
        SE::PaymentNeedsNewMethod { attempts_remain: true },
        SE::PaymentNeedsNewMethod { attempts_remain: false },
        SE::PaymentFailed,
        SE::Cancel,
        SE::Expire,
    ];

    const PAYMENT_EVENTS: [PaymentEvent; 9] = [
        PE::Confirm,
        PE::Succeed,
        PE::Authorize,
        PE::RequireAction,
        PE::ActionCompleted,
        PE::RequirePaymentMethod,
        PE::Fail,
        PE::Capture,
        PE::Cancel,
    ];

    /// Every legal session transition of DESIGN.md; everything else must be refused.
    fn legal_session(from: S, ev: SE) -> Option<S> {
        Some(match (from, ev) {
            (S::Pending, SE::Confirm) => S::Processing,
            (S::Processing, SE::PaymentSucceeded) => S::Completed,
            (S::Processing, SE::PaymentNeedsNewMethod { attempts_remain: true }) => S::Pending,
            (S::Processing, SE::PaymentNeedsNewMethod { attempts_remain: false }) => S::Failed,
            (S::Processing, SE::PaymentFailed) => S::Failed,
            (S::Pending, SE::Cancel) => S::Cancelled,
            (S::Pending, SE::Expire) => S::Expired,
            _ => return None,
        })
    }

    fn legal_payment(from: P, ev: PE) -> Option<P> {
        Some(match (from, ev) {
            (P::Created, PE::Confirm) | (P::RequiresPaymentMethod, PE::Confirm) => P::Processing,
            (P::Processing, PE::Succeed) => P::Succeeded,
            (P::Processing, PE::Authorize) => P::Authorized,
            (P::Processing, PE::RequireAction) => P::RequiresAction,
            (P::RequiresAction, PE::ActionCompleted) => P::Processing,
            (P::Processing, PE::RequirePaymentMethod) => P::RequiresPaymentMethod,
            (P::RequiresAction, PE::RequirePaymentMethod) => P::RequiresPaymentMethod,
            (P::Created, PE::Fail)
            | (P::Processing, PE::Fail)
            | (P::RequiresAction, PE::Fail)
            | (P::RequiresPaymentMethod, PE::Fail) => P::Failed,
            (P::Authorized, PE::Capture) => P::Succeeded,
            (P::Authorized, PE::Cancel) | (P::Created, PE::Cancel) | (P::RequiresPaymentMethod, PE::Cancel) => {
                P::Cancelled
            }
            _ => return None,
        })
    }

    #[test]
    fn every_session_pair_matches_the_design_table() {
        for from in S::ALL {
            for ev in SESSION_EVENTS {
                match legal_session(from, ev) {
                    Some(to) => assert_eq!(from.next(ev), Ok(to), "{from:?} + {ev:?}"),
                    None => assert!(from.next(ev).is_err(), "{from:?} + {ev:?} must be refused"),
                }
            }
        }
    }

    #[test]
    fn every_payment_pair_matches_the_design_table() {
        for from in P::ALL {
            for ev in PAYMENT_EVENTS {
                match legal_payment(from, ev) {
                    Some(to) => assert_eq!(from.next(ev), Ok(to), "{from:?} + {ev:?}"),
                    None => assert!(from.next(ev).is_err(), "{from:?} + {ev:?} must be refused"),
                }
            }
        }
    }

    #[test]
    fn terminal_states_never_change() {
        for from in S::ALL.into_iter().filter(|s| s.is_terminal()) {
            for ev in SESSION_EVENTS {
                assert!(from.next(ev).is_err());
            }
        }
        for from in P::ALL.into_iter().filter(|s| s.is_terminal()) {
            for ev in PAYMENT_EVENTS {
                assert!(from.next(ev).is_err());
            }
        }
        for from in ChargeStatus::ALL.into_iter().filter(|s| s.is_terminal()) {
            for to in ChargeStatus::ALL {
                assert!(from.resolve(to).is_err());
            }
        }
    }

    #[test]
    fn processing_session_is_not_expired_under_the_payer() {
        assert!(S::Processing.next(SE::Expire).is_err());
        assert!(S::Processing.next(SE::Cancel).is_err());
    }

    #[test]
    fn refusal_says_what_and_why() {
        let err = P::Succeeded.next(PE::Capture).unwrap_err();
        assert_eq!(err.to_string(), "You cannot capture this payment because its status is SUCCEEDED.");
    }

    #[test]
    fn statuses_round_trip_through_their_wire_names() {
        for s in S::ALL {
            assert_eq!(S::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{}\"", s.as_str()));
        }
        for p in P::ALL {
            assert_eq!(P::parse(p.as_str()), Some(p));
            assert_eq!(serde_json::to_string(&p).unwrap(), format!("\"{}\"", p.as_str()));
        }
        for c in ChargeStatus::ALL {
            assert_eq!(ChargeStatus::parse(c.as_str()), Some(c));
            assert_eq!(serde_json::to_string(&c).unwrap(), format!("\"{}\"", c.as_str()));
        }
    }
}
