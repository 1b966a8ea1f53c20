//! The one error type of xtask.

use std::path::PathBuf;

/// Anything that stops an xtask command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A program could not be started at all (not installed, not executable).
    #[error("could not start `{program}`: {source}")]
    Spawn {
        program: String,
        source: std::io::Error,
    },
    /// A program ran and failed.
    #[error("`{command}` failed ({status})")]
    Failed { command: String, status: String },
    /// Reading or writing a project file failed.
    #[error("{path}: {source}")]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A required tool is missing and setup could not install it.
    #[error("{0}")]
    Missing(String),
    /// A server did not come up.
    #[error("{name} did not start: {reason}")]
    Server { name: String, reason: String },
    /// Anything else, with a message that says what to do.
    #[error("{0}")]
    Other(String),
}

/// Result alias for xtask.
pub type Result<T> = std::result::Result<T, Error>;
