//! Work that runs without a request: the cron tick (`scheduled`), the data-retention sweep (`retention`) and the
//! re-sealing of secrets after a key rotation (`reseal`).

pub mod reseal;
pub mod retention;
pub mod scheduled;
