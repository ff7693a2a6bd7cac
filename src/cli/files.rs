//! Which proposal files a command works on.

use std::path::{Path, PathBuf};

use crate::AppError;

/// The default folder of proposals.
pub const DEFAULT_DIR: &str = "proposals";

/// Expands files and folders into the sorted list of `*.toml` files they hold.
pub fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, AppError> {
    let defaults = [PathBuf::from(DEFAULT_DIR)];
    let paths = if paths.is_empty() {
        &defaults[..]
    } else {
        paths
    };
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut out)?;
        } else if path.is_file() {
            out.push(path.clone());
        } else {
            return Err(AppError(format!(
                "no such file or folder: {}",
                path.display()
            )));
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Adds every `*.toml` below `dir`.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), AppError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| AppError(format!("cannot read folder {}: {e}", dir.display())))?;
    for entry in entries {
        let path = entry
            .map_err(|e| AppError(format!("cannot read folder {}: {e}", dir.display())))?
            .path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
    Ok(())
}
