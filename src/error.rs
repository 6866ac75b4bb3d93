//! Errors that end a command with exit code 2 (usage or input error).
//!
//! Each message is one sentence that names the file (with line:column where known), the bad value and
//! what is allowed, as ripgrep does; `main` prints it once, prefixed with `error: `.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The command line asks for something rolegen cannot do.
    #[error("{0}")]
    Usage(String),
    /// An input (a role file, a dump, the embedded catalogue) is not what it should be.
    #[error("{0}")]
    Input(String),
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    pub fn usage(msg: impl Into<String>) -> Self {
        Error::Usage(msg.into())
    }
    pub fn input(msg: impl Into<String>) -> Self {
        Error::Input(msg.into())
    }
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
