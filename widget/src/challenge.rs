//! The sandbox 3DS challenge page's side of the wire: the message it sends back to the checkout that opened it, and
//! the card brand as printed. The challenge itself (`GET /v1/3ds/:id`, `POST /v1/3ds/:id/complete`) is
//! `hsrc_shared::api::challenges`, the type the edge serves.

use crate::lean::json::Json;
pub use hsrc_shared::api::challenges::{ChallengeResult, ChallengeStatus, ChallengeView, CompleteChallenge};
use serde::Serialize;

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
        let back = crate::lean::json::parse(&json).expect("parses");
        assert!(ChallengeMessage::is_completion(&back));
        let other =
            crate::lean::json::parse(r#"{"source":"hsrc-checkout","type":"challenge_complete"}"#).expect("parses");
        assert!(!ChallengeMessage::is_completion(&other));
    }

    #[test]
    fn brands_print_nicely() {
        assert_eq!(brand_label("visa"), "Visa");
        assert_eq!(brand_label("discover"), "Discover");
        assert_eq!(brand_label(""), "");
    }
}
