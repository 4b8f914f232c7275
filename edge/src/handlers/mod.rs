//! HTTP handlers: parse the request, call one service, shape the response. No business rules live here.

pub mod api_payments;
pub mod demo;
pub mod demo_custom;
pub mod events;
pub mod installments;
pub mod keys;
pub mod ops;
pub mod pages;
pub mod payer;
pub mod payments;
pub mod refunds;
pub mod sessions;
pub mod webhook_endpoints;

use crate::http::ApiRequest;
use crate::store::Paging;
use hsrc_shared::ApiError;

/// `limit` (1–100, default 10) and `starting_after` of list endpoints.
pub fn paging(req: &ApiRequest) -> Result<Paging, ApiError> {
    let limit = match req.query_param("limit") {
        None => 10,
        Some(s) => s
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=100).contains(n))
            .ok_or_else(|| ApiError::invalid("limit", "limit must be a whole number from 1 to 100."))?,
    };
    Ok(Paging { limit, starting_after: req.query_param("starting_after").map(str::to_string) })
}
