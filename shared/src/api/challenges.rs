//! The sandbox 3DS challenge (`GET /v1/3ds/:id`, `POST /v1/3ds/:id/complete`): what the challenge page shows and the
//! payer's answer. One definition for the edge (which serves it), the widget's `challenge` bundle (which reads it)
//! and the OpenAPI document (derived from it).

use super::ids::ChallengeId;
use serde::{Deserialize, Serialize};

crate::wire_enum! {
    /// Where a challenge is: `pending` (waiting for the payer), `passed`, `failed`, or `abandoned` (its time ran out
    /// before the payer answered; shown as soon as the time is up, even before the reconciler records it).
    pub enum ChallengeStatus {
        Pending = "pending",
        Passed = "passed",
        Failed = "failed",
        Abandoned = "abandoned",
    }
}

crate::wire_enum! {
    /// The payer's answer on the sandbox challenge page.
    pub enum ChallengeResult {
        Pass = "pass",
        Fail = "fail",
    }
}

/// A 3DS challenge as the challenge page sees it.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "Challenge"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeView {
    pub id: ChallengeId,
    pub status: ChallengeStatus,
    pub amount: i64,
    pub currency: String,
    pub merchant_name: String,
    pub card_brand: Option<String>,
    pub card_last4: Option<String>,
}

impl ChallengeView {
    /// Whether the challenge has its outcome (the payer answered or the time ran out).
    pub fn is_done(&self) -> bool {
        self.status != ChallengeStatus::Pending
    }
}

/// `{"challenge": …}`: both challenge routes answer with it.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeEnvelope {
    pub challenge: ChallengeView,
}

/// `POST /v1/3ds/:id/complete`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "CompleteChallengeRequest"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompleteChallenge {
    pub result: ChallengeResult,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_and_list_every_value() {
        for s in ChallengeStatus::ALL {
            assert_eq!(ChallengeStatus::parse(s.as_str()), Some(*s));
            assert_eq!(serde_json::to_string(s).unwrap(), format!("\"{s}\""));
        }
        assert_eq!(ChallengeStatus::one_of(), "'pending', 'passed', 'failed', 'abandoned'");
        assert_eq!(ChallengeStatus::parse("done"), None);
    }

    #[test]
    fn the_complete_body_takes_pass_or_fail_only() {
        let ok: CompleteChallenge = serde_json::from_str(r#"{"result":"pass"}"#).unwrap();
        assert_eq!(ok.result, ChallengeResult::Pass);
        assert!(serde_json::from_str::<CompleteChallenge>(r#"{"result":"maybe"}"#).is_err());
        assert!(serde_json::from_str::<CompleteChallenge>(r#"{"result":"pass","x":1}"#).is_err());
    }
}
