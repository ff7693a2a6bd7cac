//! Which proposal files a command works on.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::AppError;

/// The default folder of proposals.
pub const DEFAULT_DIR: &str = crate::output::PROPOSALS_DIR;

/// One input file and the folder named on the command line it was found in.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Input {
    /// The file.
    pub path: PathBuf,
    /// The folder argument it was found in; `None` for a file named directly.
    pub base: Option<PathBuf>,
}

/// Expands files and folders into the sorted list of `*.toml` files they hold.
pub fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, AppError> {
    Ok(collect_inputs(paths)?
        .0
        .into_iter()
        .map(|i| i.path)
        .collect())
}

/// Expands files and folders into sorted inputs, and returns the arguments as given (the default
/// folder when none is). A file named directly is taken whatever it is (reading it reports a FIFO
/// or a device for that file alone); folders are walked without following a symlink loop twice.
pub fn collect_inputs(paths: &[PathBuf]) -> Result<(Vec<Input>, Vec<PathBuf>), AppError> {
    let defaults = [PathBuf::from(DEFAULT_DIR)];
    let paths = if paths.is_empty() {
        &defaults[..]
    } else {
        paths
    };
    let mut out = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                let mut seen = HashSet::new();
                let mut found = Vec::new();
                walk(path, &mut found, &mut seen)?;
                out.extend(found.into_iter().map(|p| Input {
                    path: p,
                    base: Some(path.clone()),
                }));
            }
            Ok(_) => out.push(Input {
                path: path.clone(),
                base: None,
            }),
            Err(_) => {
                return Err(AppError(format!(
                    "no such file or folder: {}",
                    path.display()
                )));
            }
        }
    }
    out.sort();
    out.dedup_by(|a, b| a.path == b.path);
    Ok((out, paths.to_vec()))
}

/// Adds every `*.toml` below `dir` (whatever kind of file; reading it decides), entering each
/// real folder once so that a symlink loop ends.
fn walk(dir: &Path, out: &mut Vec<PathBuf>, seen: &mut HashSet<PathBuf>) -> Result<(), AppError> {
    let real = dir
        .canonicalize()
        .map_err(|e| AppError(format!("cannot read folder {}: {e}", dir.display())))?;
    if !seen.insert(real) {
        return Ok(());
    }
    let entries = std::fs::read_dir(dir)
        .map_err(|e| AppError(format!("cannot read folder {}: {e}", dir.display())))?;
    for entry in entries {
        let entry =
            entry.map_err(|e| AppError(format!("cannot read folder {}: {e}", dir.display())))?;
        let path = entry.path();
        let is_dir = match entry.file_type() {
            Ok(kind) if kind.is_symlink() => std::fs::metadata(&path).is_ok_and(|m| m.is_dir()),
            Ok(kind) => kind.is_dir(),
            Err(_) => false,
        };
        if is_dir {
            walk(&path, out, seen)?;
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
    Ok(())
}
