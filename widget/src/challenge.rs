//! Wire types of the sandbox 3DS challenge (`GET /v1/3ds/:id`, `POST /v1/3ds/:id/complete`) and the message the
//! challenge page sends back to the checkout that opened it.

use serde::{Deserialize, Serialize};

/// The challenge as the challenge page sees it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ChallengeView {
    pub id: String,
    /// `pending`, `passed` or `failed`.
    pub status: String,
    pub amount: i64,
    pub currency: String,
    #[serde(default)]
    pub merchant_name: String,
    #[serde(default)]
    pub card_brand: Option<String>,
    #[serde(default)]
    pub card_last4: Option<String>,
}

impl ChallengeView {
    /// Whether the payer already chose an outcome.
    pub fn is_done(&self) -> bool {
        self.status != "pending"
    }
}

/// `{"challenge": {…}}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ChallengeEnvelope {
    pub challenge: ChallengeView,
}

/// `POST /v1/3ds/:id/complete` body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CompleteChallenge {
    /// `pass` or `fail`.
    pub result: &'static str,
}

/// What the challenge page posts to the checkout (`targetOrigin` = its own origin).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeMessage {
    pub source: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub result: String,
}

impl ChallengeMessage {
    /// The message source tag of the challenge page.
    pub const SOURCE: &'static str = "hsrc-3ds";

    /// The "challenge done" message for an outcome.
    pub fn complete(result: &str) -> Self {
        Self { source: Self::SOURCE.into(), kind: "challenge_complete".into(), result: result.into() }
    }

    /// Whether a received message is a challenge completion.
    pub fn is_completion(&self) -> bool {
        self.source == Self::SOURCE && self.kind == "challenge_complete"
    }
}

/// A card brand as printed (`visa` → `Visa`).
pub fn brand_label(brand: &str) -> String {
    match brand {
        "visa" => "Visa".into(),
        "mastercard" => "Mastercard".into(),
        "amex" => "American Express".into(),
        "troy" => "Troy".into(),
        other => {
            let mut chars = other.chars();
            chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenge_view_reads_the_wire_shape() {
        let json = r#"{"challenge":{"id":"ch_1","status":"pending","amount":12500,"currency":"TRY","merchant_name":"HSRC Demo Store","card_brand":"visa","card_last4":"3220"}}"#;
        let env: ChallengeEnvelope = serde_json::from_str(json).expect("parses");
        assert!(!env.challenge.is_done());
        assert_eq!(env.challenge.card_last4.as_deref(), Some("3220"));
    }

    #[test]
    fn completion_message_round_trips() {
        let json = serde_json::to_string(&ChallengeMessage::complete("pass")).expect("serializes");
        assert_eq!(json, r#"{"source":"hsrc-3ds","type":"challenge_complete","result":"pass"}"#);
        let back: ChallengeMessage = serde_json::from_str(&json).expect("parses");
        assert!(back.is_completion());
    }

    #[test]
    fn brands_print_nicely() {
        assert_eq!(brand_label("visa"), "Visa");
        assert_eq!(brand_label("discover"), "Discover");
        assert_eq!(brand_label(""), "");
    }
}
