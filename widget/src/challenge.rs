//! Wire types of the sandbox 3DS challenge (`GET /v1/3ds/:id`, `POST /v1/3ds/:id/complete`) and the message the
//! challenge page sends back to the checkout that opened it.

use crate::json::Json;
use serde::Serialize;

/// The challenge as the challenge page sees it (read by [`crate::json`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChallengeView {
    pub id: String,
    /// `pending`, `passed` or `failed`.
    pub status: String,
    pub amount: i64,
    pub currency: String,
    pub merchant_name: String,
    pub card_brand: Option<String>,
    pub card_last4: Option<String>,
}

impl ChallengeView {
    /// Whether the payer already chose an outcome.
    pub fn is_done(&self) -> bool {
        self.status != "pending"
    }
}

/// `POST /v1/3ds/:id/complete` body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CompleteChallenge {
    /// `pass` or `fail`.
    pub result: &'static str,
}

/// What the challenge page posts to the checkout (`targetOrigin` = its own origin).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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

    /// Whether a received message (as JSON) is a challenge completion.
    pub fn is_completion(message: &Json) -> bool {
        let text = |key| match message.get(key) {
            Some(Json::Str(s)) => s.as_str(),
            _ => "",
        };
        text("source") == Self::SOURCE && text("type") == "challenge_complete"
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
            let mut out = other.to_string();
            if let Some(first) = out.get_mut(..1) {
                first.make_ascii_uppercase();
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completion_message_round_trips() {
        let json = serde_json::to_string(&ChallengeMessage::complete("pass")).expect("serializes");
        assert_eq!(json, r#"{"source":"hsrc-3ds","type":"challenge_complete","result":"pass"}"#);
        let back = crate::json::parse(&json).expect("parses");
        assert!(ChallengeMessage::is_completion(&back));
        let other = crate::json::parse(r#"{"source":"hsrc-checkout","type":"challenge_complete"}"#).expect("parses");
        assert!(!ChallengeMessage::is_completion(&other));
    }

    #[test]
    fn brands_print_nicely() {
        assert_eq!(brand_label("visa"), "Visa");
        assert_eq!(brand_label("discover"), "Discover");
        assert_eq!(brand_label(""), "");
    }
}
