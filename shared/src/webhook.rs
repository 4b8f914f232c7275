//! Standard Webhooks signing and verification. (Stub: owned by the shared-validation work.)
