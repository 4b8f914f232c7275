//! The sandbox acquirer we ship: it behaves like a real provider for the test cards of DESIGN.md, and refuses
//! every other number so production card data never enters a test flow.
//!
//! It plays an external system, so it keeps its own ledger (`sandbox_operations`): for a timed-out operation, how it
//! will end; for a card vaulted during 3DS, how the issuer will answer once authenticated. Neither holds card data.

use super::{Instrument, ProviderResult};
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
    // Installments (#16): approve like 4242; their BIN facts (family, country, debit) are in `hsrc_shared::bin`.
    ("5400610000000001", Scenario::Approve),
    ("5549600000000004", Scenario::Approve),
    ("4132260000000003", Scenario::Approve),
    ("9792000000000003", Scenario::Approve),
];

/// The scenario of a test card number, or `None` for any other number (refused in test mode).
pub fn scenario(digits: &str) -> Option<Scenario> {
    TEST_CARDS.iter().find(|(number, _)| *number == digits).map(|(_, s)| s.clone())
}

impl Scenario {
    /// After a passed challenge the issuer answers as the card normally would.
    fn after_authentication(self) -> Self {
        match self {
            Self::Challenge => Self::Approve,
            other => other,
        }
    }

    fn encode(&self) -> String {
        match self {
            Self::Approve => "approve".into(),
            Self::Decline(code) => format!("decline:{code}"),
            Self::Challenge => "challenge".into(),
            Self::TimeoutThenApprove => "timeout_approve".into(),
            Self::TimeoutThenDecline => "timeout_decline".into(),
            Self::PrimaryUnavailable => "primary_unavailable".into(),
            Self::AllUnavailable => "all_unavailable".into(),
        }
    }

    fn decode(s: &str) -> Option<Self> {
        Some(match s {
            "approve" => Self::Approve,
            "challenge" => Self::Challenge,
            "timeout_approve" => Self::TimeoutThenApprove,
            "timeout_decline" => Self::TimeoutThenDecline,
            "primary_unavailable" => Self::PrimaryUnavailable,
            "all_unavailable" => Self::AllUnavailable,
            other => Self::Decline(decline_code(other.strip_prefix("decline:")?)?),
        })
    }
}

fn decline_code(code: &str) -> Option<&'static str> {
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
        _ => "The payment was declined.",
    }
}

/// Keeps a card's scenario under `reference` while the payer authenticates (the provider's vault).
pub fn vault_statement(ctx: &Ctx<'_>, reference: &str, scenario: &Scenario) -> crate::platform::Stmt {
    stmt!(
        "INSERT INTO sandbox_operations (reference, provider, outcome, resolve_at, created_at) VALUES (?1, 'vault', ?2, ?3, ?3)",
        reference,
        scenario.clone().after_authentication().encode(),
        ctx.now_ms()
    )
}

async fn vaulted(ctx: &Ctx<'_>, reference: &str) -> Result<Option<Scenario>, ApiError> {
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

/// One authorization attempt at the sandbox provider `provider`. `reference` identifies the attempt (our charge id)
/// so a timed-out operation can be looked up later.
pub async fn authorize(
    ctx: &Ctx<'_>,
    provider: &str,
    reference: &str,
    instrument: &Instrument<'_>,
    is_primary: bool,
    capture: bool,
) -> Result<ProviderResult, ApiError> {
    let scenario = match instrument {
        Instrument::Card(card) => scenario(&card.digits),
        Instrument::Vaulted(vault_ref) => vaulted(ctx, vault_ref).await?,
    };
    let Some(scenario) = scenario else {
        return Ok(ProviderResult::Declined {
            code: "card_declined".into(),
            message: decline_message("card_declined").into(),
        });
    };
    Ok(match scenario {
        Scenario::Approve | Scenario::Challenge => ProviderResult::Approved { captured: capture },
        Scenario::Decline(code) => {
            ProviderResult::Declined { code: code.into(), message: decline_message(code).into() }
        }
        Scenario::PrimaryUnavailable if is_primary => {
            ProviderResult::Unavailable { message: format!("{provider} is unavailable (HTTP 503).") }
        }
        Scenario::PrimaryUnavailable => ProviderResult::Approved { captured: capture },
        Scenario::AllUnavailable => {
            ProviderResult::Unavailable { message: format!("{provider} is unavailable (HTTP 503).") }
        }
        Scenario::TimeoutThenApprove | Scenario::TimeoutThenDecline => {
            let settles = if scenario == Scenario::TimeoutThenApprove {
                if capture {
                    "approve"
                } else {
                    "approve_hold"
                }
            } else {
                "decline:card_declined"
            };
            ctx.db
                .batch(vec![stmt!(
                    "INSERT OR IGNORE INTO sandbox_operations (reference, provider, outcome, resolve_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                    reference,
                    provider,
                    settles,
                    ctx.now_ms() + ctx.config.sandbox_async_delay_ms,
                    ctx.now_ms()
                )])
                .await
                .map_err(store::internal)?;
            ProviderResult::Pending
        }
    })
}

/// Asks the provider how a pending operation ended: `Pending` until it has settled.
pub async fn lookup(ctx: &Ctx<'_>, reference: &str) -> Result<ProviderResult, ApiError> {
    #[derive(serde::Deserialize)]
    struct Op {
        outcome: String,
        #[serde(deserialize_with = "crate::store::int")]
        resolve_at: i64,
    }
    let op: Option<Op> =
        query_one(ctx.db, stmt!("SELECT outcome, resolve_at FROM sandbox_operations WHERE reference = ?1", reference))
            .await
            .map_err(store::internal)?;
    Ok(match op {
        // The provider never received the attempt (we stopped before the call): nothing was charged.
        None => ProviderResult::Unavailable { message: "The provider has no record of this attempt.".into() },
        Some(op) if ctx.now_ms() < op.resolve_at => ProviderResult::Pending,
        Some(op) => match op.outcome.as_str() {
            "approve" => ProviderResult::Approved { captured: true },
            "approve_hold" => ProviderResult::Approved { captured: false },
            other => {
                let code = other.strip_prefix("decline:").and_then(decline_code).unwrap_or("card_declined");
                ProviderResult::Declined { code: code.into(), message: decline_message(code).into() }
            }
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_design_card_has_a_scenario_and_others_have_none() {
        // DESIGN.md's first table (eleven numbers) and the four installment cards of #16 (4242 is in both).
        assert_eq!(TEST_CARDS.len(), 11 + 4, "every number of DESIGN.md's card tables");
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
        ] {
            assert_eq!(Scenario::decode(&s.encode()), Some(s));
        }
        assert_eq!(Scenario::Challenge.after_authentication(), Scenario::Approve);
    }
}
