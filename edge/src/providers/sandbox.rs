//! The sandbox acquirer we ship: it behaves like a real provider for the test cards of DESIGN.md, and refuses
//! every other number so production card data never enters a test flow.
//!
//! The card table and what each card means live in `hsrc_shared::test_cards` (the provider and both test suites
//! read that one table); this file holds the decline words and the vault lookup, `sandbox_acquirer` is the
//! provider that acts on the table, with its own ledger (`sandbox_ledger`). For a card vaulted during 3DS, `sandbox_operations` keeps how the issuer will
//! answer once authenticated. Neither holds card data.

use crate::platform::{query_one, Ctx};
use crate::stmt;
use crate::store;
pub use hsrc_shared::test_cards::{decline_code, scenario, Scenario, TEST_CARDS};
use hsrc_shared::ApiError;

pub const PRIMARY: &str = "sandbox_primary";
pub const FALLBACK: &str = "sandbox_fallback";

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
