//! Validation of payer and session input. (Stub: owned by the shared-validation work.)
use crate::api::{Address, CollectField, CustomFieldDef, Metadata, PayerDetails};
use crate::error::ApiError;

pub fn email(value: &str, _param: &str) -> Result<String, ApiError> { Ok(value.trim().to_string()) }
pub fn phone_e164(value: &str, _param: &str) -> Result<String, ApiError> { Ok(value.trim().to_string()) }
pub fn address(_a: &Address, _param: &str) -> Result<(), ApiError> { Ok(()) }
pub fn metadata(_m: &Metadata, _param: &str) -> Result<(), ApiError> { Ok(()) }
pub fn custom_field_defs(_defs: &[CustomFieldDef]) -> Result<(), ApiError> { Ok(()) }
pub fn payer_details(p: &PayerDetails, _defs: &[CustomFieldDef]) -> Result<PayerDetails, ApiError> { Ok(p.clone()) }
pub fn payer_complete(_p: &PayerDetails, _collect: &[CollectField], _defs: &[CustomFieldDef]) -> Result<(), ApiError> { Ok(()) }
