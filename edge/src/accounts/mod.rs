//! Merchants and their API keys: who is calling (`auth`), key issue/roll/revoke (`keys`), merchant settings
//! (`merchants`), and the sealing of secrets at rest (`sealed`; the re-sealing job is `jobs::reseal`).

pub mod auth;
pub mod keys;
pub mod merchants;
pub mod sealed;
