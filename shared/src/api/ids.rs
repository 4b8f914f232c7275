//! Prefixed ids: every resource id is a newtype over its wire string (`PaymentId("pay_…")`), so a session id
//! cannot be passed where a payment id is meant. On the wire they are plain strings (`serde(transparent)`); the JSON
//! Schema carries the prefix as a `pattern`. Ids we minted or stored convert with `From<String>`; ids from a request
//! (path or body) go through [`PrefixedId::from_path`] / [`PrefixedId::from_param`] (or `parse`), which check the prefix
//! and the characters and answer with the API's usual 404 / 400.

use crate::error::{codes, ApiError, ErrorType};

/// What every id type offers, for code generic over ids.
pub trait PrefixedId: AsRef<str> + Sized {
    /// The wire prefix, with its underscore (`pay_`).
    const PREFIX: &'static str;
    /// The resource as messages name it (`payment`).
    const WHAT: &'static str;
    /// Wraps a string already known to be such an id.
    fn from_trusted(s: String) -> Self;

    /// The id, if `s` has the prefix and then only ASCII letters, digits and underscores (at most 100 bytes).
    fn parse(s: &str) -> Option<Self> {
        let rest = s.strip_prefix(Self::PREFIX)?;
        let ok = !rest.is_empty() && s.len() <= 100 && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        ok.then(|| Self::from_trusted(s.to_string()))
    }

    /// An id from a URL path: anything else is the 404 an unknown id gets (`No such payment.`). The rejected value
    /// is never echoed: a path can carry anything, a card number included.
    fn from_path(s: &str) -> Result<Self, ApiError> {
        Self::parse(s).ok_or_else(|| {
            ApiError::new(
                404,
                ErrorType::InvalidRequestError,
                codes::RESOURCE_MISSING,
                format!("No such {}.", Self::WHAT),
            )
        })
    }

    /// An id from a body or query parameter: anything else is a 400 naming the parameter and the expected prefix
    /// (not the value).
    fn from_param(s: &str, param: &str) -> Result<Self, ApiError> {
        Self::parse(s).ok_or_else(|| {
            ApiError::invalid(param, format!("{param} must be a {} id ('{}…').", Self::WHAT, Self::PREFIX))
        })
    }
}

/// `id == "pay_…"` for each string type after the colon, and `"pay_…" == id` for each after the semicolon.
macro_rules! id_eq {
    ($name:ident: $($lhs:ty),+; $($rhs:ty),+) => {
        $(impl PartialEq<$lhs> for $name {
            fn eq(&self, other: &$lhs) -> bool {
                self.0 == AsRef::<str>::as_ref(other)
            }
        })+
        $(impl PartialEq<$name> for $rhs {
            fn eq(&self, other: &$name) -> bool {
                AsRef::<str>::as_ref(self) == other.0
            }
        })+
    };
}

/// Every id type, from one list: `Name = "prefix_", "what messages call it";`.
macro_rules! prefixed_ids {
    ($($(#[$meta:meta])* $name:ident = $prefix:literal, $what:literal;)+) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl PrefixedId for $name {
            const PREFIX: &'static str = $prefix;
            const WHAT: &'static str = $what;
            fn from_trusted(s: String) -> Self {
                Self(s)
            }
        }

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl core::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl core::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        /// An id we minted or read from our own storage (request input goes through `parse`/`from_path`).
        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self(s)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_string())
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(&self.0)
            }
        }

        id_eq!($name: str, &str, String; String, &str);

        #[cfg(feature = "schema")]
        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "type": "string",
                    "pattern": concat!("^", $prefix, "[A-Za-z0-9_]+$"),
                    "description": concat!("A ", $what, " id (`", $prefix, "…`)."),
                })
            }
        }
    )+};
}

prefixed_ids! {
    /// A checkout session (`cs_…`).
    SessionId = "cs_", "checkout session";
    /// A payment (`pay_…`).
    PaymentId = "pay_", "payment";
    /// One provider attempt of a payment (`ch_…`).
    ChargeId = "ch_", "charge";
    /// A refund (`re_…`).
    RefundId = "re_", "refund";
    /// One provider attempt of a refund (`rfa_…`).
    RefundAttemptId = "rfa_", "refund attempt";
    /// An event (`evt_…`).
    EventId = "evt_", "event";
    /// A webhook endpoint (`we_…`).
    EndpointId = "we_", "webhook endpoint";
    /// One event's delivery to one endpoint (`dlv_…`, derived from both ids).
    DeliveryId = "dlv_", "webhook delivery";
    /// A tokenised card (`pm_…`).
    PaymentMethodId = "pm_", "payment method";
    /// A sandbox 3DS challenge (`chl_…`).
    ChallengeId = "chl_", "3DS challenge";
    /// A merchant account (`mer_…`).
    MerchantId = "mer_", "merchant";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_plain_strings_on_the_wire() {
        let id = PaymentId::from_path("pay_0a1b2c").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"pay_0a1b2c\"");
        assert_eq!(serde_json::from_str::<PaymentId>("\"pay_0a1b2c\"").unwrap(), id);
        assert_eq!(id, "pay_0a1b2c");
        assert_eq!(&*id, "pay_0a1b2c");
    }

    #[test]
    fn a_wrong_prefix_is_the_usual_404_or_400() {
        let e = PaymentId::from_path("cs_0a1b2c").unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (404, crate::codes::RESOURCE_MISSING));
        assert_eq!(e.message, "No such payment.");
        let e = PaymentId::from_param("re_1", "payment_id").unwrap_err();
        assert_eq!(
            (e.status, e.code.as_str(), e.param.as_deref()),
            (400, crate::codes::PARAMETER_INVALID, Some("payment_id"))
        );
        for bad in ["pay_", "pay", "", "pay_a/b", "pay_é", "PAY_1", &format!("pay_{}", "a".repeat(100))] {
            assert!(PaymentId::parse(bad).is_none(), "{bad}");
        }
        assert!(MerchantId::parse("mer_sandbox").is_some() && SessionId::parse("cs_1_2").is_some());
    }

    #[test]
    fn rejected_ids_are_never_echoed() {
        let pan = "4242424242424242";
        assert!(!ChargeId::from_path(pan).unwrap_err().message.contains(pan));
        assert!(!RefundId::from_param(pan, "refund").unwrap_err().message.contains(pan));
    }
}
