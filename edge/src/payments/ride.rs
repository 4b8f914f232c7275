//! A caller's record of the request that rides the engine's own batches: the payer's `Idempotency-Key` on the
//! confirm (the hot path). The key's row is claimed in the attempt's claim batch and its answer stored in the batch
//! that writes the confirm's result, so the key commits with the money's writes and a keyed confirm pays for no
//! transaction of its own (on workerd each write transaction cost about half a no-op request: bench/analysis.md,
//! round 6). The engine only places the record's statements and says which batches committed; what the statements
//! are is the pipeline's (`pipeline::idempotency`).

use super::owner::Owner;
use crate::platform::{Ctx, Row, Stmt};
use crate::records::PaymentRow;
use hsrc_shared::ApiError;
use std::rc::Rc;

/// The request's record, written by the engine's batches.
pub trait KeyRecord {
    /// Claims the key; joins the attempt's claim batch, which fails with `DbError::KeyTaken` when another execution
    /// of the same key wrote the row first.
    fn claim(&self) -> Vec<Stmt>;
    /// Stores `body` as the request's 200 answer; joins the batch whose commit makes it the answer.
    fn answer(&self, ctx: &Ctx<'_>, body: Vec<u8>) -> Vec<Stmt>;
    /// The batch holding [`claim`](Self::claim) committed.
    fn claimed(&self);
    /// The batch holding the last [`answer`](Self::answer) committed.
    fn answered(&self);
    /// The claim lost to another execution of the key: the error to answer with (nothing is stored for it).
    fn taken(&self) -> ApiError;
}

/// What the pipeline read for the handler in its own round trip (the key's read): the handler's first rows, and the
/// key to ride its batches (None: the key was claimed apart, or there is none).
pub struct Ahead {
    pub rows: Vec<Vec<Row>>,
    pub key: Option<Rc<dyn KeyRecord>>,
}

/// The key, and how the engine's state after a batch reads as the request's answer (None: not an answer of this
/// request's kind, so nothing is stored with the batch).
pub struct Ride<'a> {
    pub key: &'a dyn KeyRecord,
    pub respond: &'a dyn Fn(&Owner, &PaymentRow) -> Option<Vec<u8>>,
}

impl Ride<'_> {
    /// Adds to `batch` the statements that store the answer `owner` and `payment` give; false when they give none.
    pub fn answer_into(&self, ctx: &Ctx<'_>, owner: &Owner, payment: &PaymentRow, batch: &mut Vec<Stmt>) -> bool {
        let Some(body) = (self.respond)(owner, payment) else { return false };
        batch.extend(self.key.answer(ctx, body));
        true
    }
}
