//! Payment providers and routing. A provider answers one authorization attempt; routing walks the merchant's
//! providers in order and moves to the next only on a retryable failure (the provider, not the card, failed).

pub mod sandbox;
pub mod sandbox_refunds;

use hsrc_shared::card::ValidCard;

/// What the provider is asked to charge.
pub enum Instrument<'a> {
    /// Card data in memory, straight from the form.
    Card(&'a ValidCard),
    /// A card the provider already holds from the 3DS step, by its reference.
    Vaulted(&'a str),
}

/// One provider's answer to one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderResult {
    /// Approved; `captured` is false for manual capture (an authorization hold).
    Approved { captured: bool },
    /// The issuer declined: final for this card, no fallback.
    Declined { code: String, message: String },
    /// The provider failed (down, 5xx): retryable at the next provider.
    Unavailable { message: String },
    /// No answer in time: the provider will settle the operation later, ask again with its reference.
    Pending,
}

impl ProviderResult {
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Unavailable { .. })
    }
}
