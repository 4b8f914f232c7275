//! What a handler receives: the request and its path captures, and — on routes called with an API key — the
//! authenticated caller. The type says which: a [`KeyCall`] always has its merchant.

use crate::accounts::auth::Caller;
use crate::http::ApiRequest;
use crate::payments::ride::Ahead;
use std::ops::Deref;

/// Captured `{name}` path segments.
pub type Params = Vec<(&'static str, String)>;

/// A matched request (public, payer-token, challenge, demo and BIN-lookup routes).
pub struct Call<'r> {
    pub req: &'r ApiRequest,
    params: Params,
    /// What the pipeline read for the handler in a round trip of its own (the idempotency key's), with the key
    /// when it rides the handler's batches.
    ahead: std::cell::RefCell<Option<Ahead>>,
}

impl<'r> Call<'r> {
    pub fn new(req: &'r ApiRequest, params: Params) -> Self {
        Self { req, params, ahead: Default::default() }
    }

    /// Where the pipeline puts what it read for the handler.
    pub fn ahead(&self) -> &std::cell::RefCell<Option<Ahead>> {
        &self.ahead
    }

    /// What was read ahead for the handler, once (None: it reads its rows itself).
    pub fn take_ahead(&self) -> Option<Ahead> {
        self.ahead.borrow_mut().take()
    }

    /// A `{name}` capture of the path; empty when the route has none of that name.
    pub fn param(&self, name: &str) -> &str {
        self.params.iter().find(|(k, _)| *k == name).map_or("", |(_, v)| v.as_str())
    }
}

/// A matched request on a route called with an API key, after authentication succeeded.
pub struct KeyCall<'r> {
    call: Call<'r>,
    caller: Caller,
}

impl<'r> KeyCall<'r> {
    pub fn new(call: Call<'r>, caller: Caller) -> Self {
        Self { call, caller }
    }

    /// The authenticated merchant and key.
    pub fn caller(&self) -> &Caller {
        &self.caller
    }
}

impl<'r> Deref for KeyCall<'r> {
    type Target = Call<'r>;
    fn deref(&self) -> &Call<'r> {
        &self.call
    }
}
