//! Runtime-free core of HSRC Pay Checkout, shared by the edge Worker and the browser widget.
//!
//! No I/O lives here: lifecycles, money, the API's wire types and error model, validation, card checks and webhook
//! signing. The edge validates with the same code the form uses, so browser and server can never disagree.

pub mod api;
pub mod bin;
pub mod card;
pub mod crypto;
pub mod error;
pub mod installments;
pub mod lifecycle;
pub mod money;
pub mod pan_scan;
pub mod refund;
pub mod test_cards;
pub mod time;
pub mod urls;
pub mod validate;
pub mod webhook;

pub use error::{codes, ApiError, ErrorType};
