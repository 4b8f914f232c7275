//! The sandbox test cards of DESIGN.md and what each one makes the sandbox acquirer do. One table for the provider
//! (`hsrc-edge` `providers::sandbox`), both test suites and the docs; runtime-free, so it lives here. Sandbox numbers
//! only: every other number is refused in test mode.

// Named cards: tests and docs use these names, never the digits.
pub const SUCCESS: &str = "4242424242424242";
pub const SUCCESS_MASTERCARD: &str = "5555555555554444";
pub const DECLINED: &str = "4000000000000002";
pub const INSUFFICIENT_FUNDS: &str = "4000000000009995";
pub const EXPIRED: &str = "4000000000000069";
pub const INCORRECT_CVC: &str = "4000000000000127";
pub const THREE_DS: &str = "4000000000003220";
pub const TIMEOUT_THEN_SUCCESS: &str = "4000000000000119";
pub const TIMEOUT_THEN_DECLINE: &str = "4000000000000218";
pub const PRIMARY_DOWN: &str = "4000000000008013";
pub const ALL_DOWN: &str = "4000000000003014";
/// Fault cards (#12).
pub const RESPONSE_LOST: &str = "4000000000007015";
pub const APPROVE_AFTER_DEADLINE: &str = "4000000000007023";
pub const FALLBACK_RESPONSE_LOST: &str = "4000000000007031";
pub const THREE_DS_RESPONSE_LOST: &str = "4000000000007049";
pub const HOLD_RELEASED_EARLY: &str = "4000000000007106";
/// Refund cards (#13).
pub const REFUND_DECLINES: &str = "4000000000007056";
pub const REFUND_ASYNC: &str = "4000000000007064";
/// Installment cards (#16): their BIN facts (family, country, debit) are in `crate::bin`.
pub const BONUS_CREDIT: &str = "5400610000000001";
pub const WORLD_CREDIT: &str = "5549600000000004";
pub const VISA_DEBIT: &str = "4132260000000003";
pub const TROY_CREDIT: &str = "9792000000000003";

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
    (SUCCESS, Scenario::Approve),
    (SUCCESS_MASTERCARD, Scenario::Approve),
    (DECLINED, Scenario::Decline("card_declined")),
    (INSUFFICIENT_FUNDS, Scenario::Decline("insufficient_funds")),
    (EXPIRED, Scenario::Decline("expired_card")),
    (INCORRECT_CVC, Scenario::Decline("incorrect_cvc")),
    (THREE_DS, Scenario::Challenge),
    (TIMEOUT_THEN_SUCCESS, Scenario::TimeoutThenApprove),
    (TIMEOUT_THEN_DECLINE, Scenario::TimeoutThenDecline),
    (PRIMARY_DOWN, Scenario::PrimaryUnavailable),
    (ALL_DOWN, Scenario::AllUnavailable),
    (RESPONSE_LOST, Scenario::ApproveResponseLost),
    (APPROVE_AFTER_DEADLINE, Scenario::ApproveAfterDeadline),
    (FALLBACK_RESPONSE_LOST, Scenario::FallbackApproveResponseLost),
    (THREE_DS_RESPONSE_LOST, Scenario::ChallengeThenResponseLost),
    (HOLD_RELEASED_EARLY, Scenario::HoldReleasedEarly),
    (REFUND_DECLINES, Scenario::ApproveRefundDeclines),
    (REFUND_ASYNC, Scenario::ApproveRefundAsync),
    (BONUS_CREDIT, Scenario::Approve),
    (WORLD_CREDIT, Scenario::Approve),
    (VISA_DEBIT, Scenario::Approve),
    (TROY_CREDIT, Scenario::Approve),
];

/// Every number of the table, for scans that prove no card number reached storage or logs.
pub fn numbers() -> impl Iterator<Item = &'static str> {
    TEST_CARDS.iter().map(|(n, _)| *n)
}

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
    pub fn after_authentication(self) -> Self {
        match self {
            Self::Challenge => Self::Approve,
            Self::ChallengeThenResponseLost => Self::ApproveResponseLost,
            other => other,
        }
    }

    pub fn encode(&self) -> String {
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

    pub fn decode(s: &str) -> Option<Self> {
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

pub fn decline_code(code: &str) -> Option<&'static str> {
    ["card_declined", "insufficient_funds", "expired_card", "incorrect_cvc"].into_iter().find(|c| *c == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_design_card_has_a_scenario_and_others_have_none() {
        assert_eq!(
            TEST_CARDS.len(),
            18 + 4,
            "DESIGN.md's eleven cards, the five fault cards of #12, the two refund cards of #13 and the four installment cards of #16 (4242 is in both tables)"
        );
        for (n, s) in TEST_CARDS {
            assert_eq!(scenario(n).as_ref(), Some(s), "{n}");
            assert!(crate::card::luhn_valid(n), "{n} passes the form's Luhn check");
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
