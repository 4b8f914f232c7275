//! URL validation against open redirects. (Stub: owned by the shared-validation work.)
use crate::error::ApiError;

pub struct UrlPolicy<'a> {
    pub allowed_hosts: &'a [String],
    pub allow_localhost_http: bool,
    pub allow_fragment: bool,
}

pub fn validate_redirect_url(raw: &str, _param: &str, _policy: &UrlPolicy) -> Result<String, ApiError> { Ok(raw.to_string()) }
pub fn validate_webhook_url(raw: &str, _param: &str, _livemode: bool) -> Result<String, ApiError> { Ok(raw.to_string()) }
