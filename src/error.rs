//! The application's error: what went wrong outside the user's files (I/O, a missing template,
//! a typesetting failure). A leaf module: it imports nothing of the crate.

/// An application error (I/O, missing template, typesetting failure): not the user's TOML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppError(pub String);

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for AppError {}
