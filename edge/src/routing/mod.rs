//! Which operation a request is: the route table (`table`), the path matcher (`matcher`, on `matchit`), and the
//! typed call a handler receives (`call`). Knows nothing of handlers or the pipeline that runs them.

mod call;
mod matcher;
mod table;

pub use call::{Call, KeyCall, Params};
pub use matcher::find;
pub use table::{Access, Op, Route, ROUTES};
