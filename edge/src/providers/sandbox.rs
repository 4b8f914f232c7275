//! The sandbox acquirer we ship: it behaves like a real provider for the test cards of DESIGN.md, and refuses
//! every other number so production card data never enters a test flow.
//!
//! This file is the card table and what each card means; `sandbox_acquirer` is the provider that acts on it, with
//! its own ledger (`sandbox_ledger`). For a card vaulted during 3DS, `sandbox_operations` keeps how the issuer will
//! answer once authenticated. Neither holds card data.

use crate::platform::{query_one, Ctx};
use crate::stmt;
use crate::store;
use hsrc_shared::ApiError;

pub const PRIMARY: &str = "sandbox_primary";
pub const FALLBACK: &str = "sandbox_fallback";

/// How the issuer and the network treat a test card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scenario {
    Approve,
    Decline(&'static str),
    /// Issuer asks for a 3DS challenge; approves once authenticated.
    Challenge,
    /// No answer in time; settles later as approved or declined.
    TimeoutThenApprove,
    TimeoutThenDecline,
    /// The first provider is down; any other approves.
    PrimaryUnavailable,
    /// Every provider is down.
    AllUnavailable,
    /// The provider approves, but its response is lost (connection reset): we learn it only by lookup.
    ApproveResponseLost,
    /// The provider answers only after our deadline, and approves.
    ApproveAfterDeadline,
    /// The first provider is down; the fallback approves but its response is lost.
    FallbackApproveResponseLost,
    /// Issuer asks for a 3DS challenge; after a pass the authorization's response is lost.
    ChallengeThenResponseLost,
    /// Approves as an authorization hold that the issuer releases after `sandbox_hold_ms`.
    HoldReleasedEarly,
    /// Approves; a later refund of the charge is declined by the provider (`provider_declined`).
    ApproveRefundDeclines,
    /// Approves; a later refund stays pending at the provider and settles as succeeded after the async delay.
    ApproveRefundAsync,
}

/// The sandbox card table of DESIGN.md: the one list the provider, the tests and the docs agree on.
pub const TEST_CARDS: &[(&str, Scenario)] = &[
    ("4242424242424242", Scenario::Approve),
    ("5555555555554444", Scenario::Approve),
    ("4000000000000002", Scenario::Decline("card_declined")),
    ("4000000000009995", Scenario::Decline("insufficient_funds")),
    ("4000000000000069", Scenario::Decline("expired_card")),
    ("4000000000000127", Scenario::Decline("incorrect_cvc")),
    ("4000000000003220", Scenario::Challenge),
    ("4000000000000119", Scenario::TimeoutThenApprove),
    ("4000000000000218", Scenario::TimeoutThenDecline),
    ("4000000000008013", Scenario::PrimaryUnavailable),
    ("4000000000003014", Scenario::AllUnavailable),
    ("4000000000007015", Scenario::ApproveResponseLost),
    ("4000000000007023", Scenario::ApproveAfterDeadline),
    ("4000000000007031", Scenario::FallbackApproveResponseLost),
    ("4000000000007049", Scenario::ChallengeThenResponseLost),
    ("4000000000007106", Scenario::HoldReleasedEarly),
    ("4000000000007056", Scenario::ApproveRefundDeclines),
    ("4000000000007064", Scenario::ApproveRefundAsync),
];

/// The scenario of a test card number, or `None` for any other number (refused in test mode).
pub fn scenario(digits: &str) -> Option<Scenario> {
    TEST_CARDS.iter().find(|(number, _)| *number == digits).map(|(_, s)| s.clone())
}

impl Scenario {
    /// Whether the issuer asks for a 3DS challenge before authorizing.
    pub fn needs_challenge(&self) -> bool {
        matches!(self, Self::Challenge | Self::ChallengeThenResponseLost)
    }

    /// After a passed challenge the issuer answers as the card normally would.
    pub(crate) fn after_authentication(self) -> Self {
        match self {
            Self::Challenge => Self::Approve,
            Self::ChallengeThenResponseLost => Self::ApproveResponseLost,
            other => other,
        }
    }

    pub(crate) fn encode(&self) -> String {
        match self {
            Self::Approve => "approve".into(),
            Self::Decline(code) => format!("decline:{code}"),
            Self::Challenge => "challenge".into(),
            Self::TimeoutThenApprove => "timeout_approve".into(),
            Self::TimeoutThenDecline => "timeout_decline".into(),
            Self::PrimaryUnavailable => "primary_unavailable".into(),
            Self::AllUnavailable => "all_unavailable".into(),
            Self::ApproveResponseLost => "approve_lost".into(),
            Self::ApproveAfterDeadline => "approve_late".into(),
            Self::FallbackApproveResponseLost => "fallback_approve_lost".into(),
            Self::ChallengeThenResponseLost => "challenge_lost".into(),
            Self::HoldReleasedEarly => "hold_released".into(),
            Self::ApproveRefundDeclines => "approve_refund_declines".into(),
            Self::ApproveRefundAsync => "approve_refund_async".into(),
        }
    }

    pub(crate) fn decode(s: &str) -> Option<Self> {
        Some(match s {
            "approve" => Self::Approve,
            "challenge" => Self::Challenge,
            "timeout_approve" => Self::TimeoutThenApprove,
            "timeout_decline" => Self::TimeoutThenDecline,
            "primary_unavailable" => Self::PrimaryUnavailable,
            "all_unavailable" => Self::AllUnavailable,
            "approve_lost" => Self::ApproveResponseLost,
            "approve_late" => Self::ApproveAfterDeadline,
            "fallback_approve_lost" => Self::FallbackApproveResponseLost,
            "challenge_lost" => Self::ChallengeThenResponseLost,
            "hold_released" => Self::HoldReleasedEarly,
            "approve_refund_declines" => Self::ApproveRefundDeclines,
            "approve_refund_async" => Self::ApproveRefundAsync,
            other => Self::Decline(decline_code(other.strip_prefix("decline:")?)?),
        })
    }
}

pub(crate) fn decline_code(code: &str) -> Option<&'static str> {
    ["card_declined", "insufficient_funds", "expired_card", "incorrect_cvc"].into_iter().find(|c| *c == code)
}

/// Words for a decline code, for the payer and the merchant alike.
pub fn decline_message(code: &str) -> &'static str {
    match code {
        "card_declined" => "The card was declined.",
        "insufficient_funds" => "The card has insufficient funds.",
        "expired_card" => "The card has expired.",
        "incorrect_cvc" => "The card's security code is incorrect.",
        "authentication_failed" => "The 3D Secure authentication failed.",
        "processing_error" => "The payment could not be processed. Try again or use another card.",
        "authorization_expired" => "The authorization has expired.",
        "provider_declined" => "The provider declined the refund; the money stays with the merchant.",
        "refund_cancelled" => "The refund was cancelled before it was paid out.",
        _ => "The payment was declined.",
    }
}

pub(crate) async fn vaulted(ctx: &Ctx<'_>, reference: &str) -> Result<Option<Scenario>, ApiError> {
    #[derive(serde::Deserialize)]
    struct Op {
        outcome: String,
    }
    let op: Option<Op> =
        query_one(ctx.db, stmt!("SELECT outcome FROM sandbox_operations WHERE reference = ?1", reference))
            .await
            .map_err(store::internal)?;
    Ok(op.and_then(|o| Scenario::decode(&o.outcome)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_design_card_has_a_scenario_and_others_have_none() {
        assert_eq!(
            TEST_CARDS.len(),
            18,
            "DESIGN.md's eleven cards, the five fault cards of #12 and the two refund cards of #13"
        );
        for (n, s) in TEST_CARDS {
            assert_eq!(scenario(n).as_ref(), Some(s), "{n}");
            assert!(hsrc_shared::card::luhn_valid(n), "{n} passes the form's Luhn check");
        }
        assert_eq!(scenario("4111111111111111"), None);
    }

    #[test]
    fn scenarios_survive_the_vault() {
        for s in [
            Scenario::Approve,
            Scenario::Decline("insufficient_funds"),
            Scenario::TimeoutThenDecline,
            Scenario::PrimaryUnavailable,
            Scenario::AllUnavailable,
            Scenario::ApproveResponseLost,
            Scenario::ApproveAfterDeadline,
            Scenario::FallbackApproveResponseLost,
            Scenario::ChallengeThenResponseLost,
            Scenario::HoldReleasedEarly,
            Scenario::ApproveRefundDeclines,
            Scenario::ApproveRefundAsync,
        ] {
            assert_eq!(Scenario::decode(&s.encode()), Some(s));
        }
        assert_eq!(Scenario::Challenge.after_authentication(), Scenario::Approve);
    }
}
