//! The whole wire contract of the REST API, by resource, exactly as on the wire (snake_case, with the guide's
//! camelCase names where it shows them). Shared by the edge (which serves it and builds the OpenAPI document from
//! it), the widget and the ops console (which read it), the client and the CLI, so they can never disagree.
//! Timestamps are Unix seconds unless a field says `_ms`; amounts are integers in the currency's minor unit.
//!
//! One module per resource; the common pieces (metadata, customer, address, list pages) live here. Every type is
//! also re-exported at `api::` (except refunds and ops, addressed by module), so `hsrc_shared::api::Payment` works.

pub mod challenges;
pub mod events;
pub mod ids;
pub mod ops;
pub mod payment_methods;
pub mod payments;
pub mod refunds;
pub mod sessions;
pub mod webhooks;
#[doc(hidden)]
pub mod wire_enum;

pub use challenges::*;
pub use events::*;
pub use ids::*;
pub use payment_methods::*;
pub use payments::*;
pub use sessions::*;
pub use webhooks::*;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub type Metadata = BTreeMap<String, String>;

/// What the merchant already knows about the payer (prefills the form).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Customer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Address {
    pub line1: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line2: Option<String>,
    pub city: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    pub postal_code: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
}

/// A page of a list endpoint; pass `next_cursor` as `starting_after` for the next one.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
// One named component per item type (`EventList`, …) rather than `List`, `List2`, …, for generated clients.
#[cfg_attr(feature = "schema", schemars(rename = "{T}List"))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct List<T> {
    pub object: String,
    pub data: Vec<T>,
    pub has_more: bool,
    pub next_cursor: Option<String>,
}

impl<T> List<T> {
    pub fn new(data: Vec<T>, has_more: bool, next_cursor: Option<String>) -> Self {
        Self { object: "list".into(), data, has_more, next_cursor }
    }
}
