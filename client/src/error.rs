//! What a call can fail with: the API's own error (with its code, message and param), or the transport.

use hsrc_shared::ApiError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The API answered with its error model.
    #[error("{} ({}): {}", .error.code, .status, .error.message)]
    Api { status: u16, error: Box<ApiError>, request_id: Option<String> },
    /// The API could not be reached, or the connection broke.
    #[error("could not reach the API: {0}")]
    Transport(String),
    /// The API answered something this client does not understand (a proxy's HTML page, a newer shape).
    #[error("unexpected response (HTTP {status}): {message}")]
    Decode { status: u16, message: String },
}

impl Error {
    /// The API error code, when there is one.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Api { error, .. } => Some(&error.code),
            _ => None,
        }
    }

    /// True for failures worth retrying later: the transport, 429 and 5xx.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Transport(_) => true,
            Error::Api { status, .. } | Error::Decode { status, .. } => *status == 429 || *status >= 500,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;
