//! Which proposal files a command works on.
//!
//! Folders are walked for `*.toml` files, leaving out what is not a proposal: the project's
//! settings file `budgetnote.toml`, its `templates/`, `fonts/` and `target/` folders, the output
//! folder, hidden folders (`.git`) and hidden files (an editor's `.#x.toml`). A symlink found in a folder that leads outside both the
//! project root and the folder named on the command line is reported (E062) and never opened.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

pub use crate::build::plan::{Input, refusal};
use crate::error::AppError;

/// The default folder of proposals.
pub const DEFAULT_DIR: &str = crate::output::PROPOSALS_DIR;

/// The project's settings file, never a proposal.
const SETTINGS_FILE: &str = "budgetnote.toml";

/// Folders of a project (beside its `budgetnote.toml`, or at the root) that hold no proposals.
const PROJECT_FOLDERS: [&str; 3] = ["templates", "fonts", "target"];

/// What a folder walk needs to know about the project: its root and its output folder.
#[derive(Debug, Clone, Copy)]
pub struct Walk<'a> {
    /// The project root (`--root`).
    pub root: &'a Path,
    /// The output folder (`out/` or `-o`), never searched for proposals.
    pub out: &'a Path,
}

/// The state of one folder argument's walk.
struct Walker {
    /// The real path of the project root.
    root: Option<PathBuf>,
    /// The real path of the folder named on the command line.
    base: Option<PathBuf>,
    /// The real path of the output folder.
    out: Option<PathBuf>,
    /// Real folders entered so far, so that a symlink loop ends.
    seen: HashSet<PathBuf>,
    /// What was found: paths, and whether each leads outside.
    found: Vec<(PathBuf, bool)>,
}

/// Expands files and folders into sorted inputs, and returns the arguments as given (the default
/// folder when none is). A file named directly is taken whatever it is and wherever it is
/// (reading it reports a FIFO or a device for that file alone); folders are walked without
/// following a symlink loop twice.
pub fn collect_inputs(
    paths: &[PathBuf],
    project: Walk<'_>,
) -> Result<(Vec<Input>, Vec<PathBuf>), AppError> {
    // The default folder is the project's, wherever the command runs from.
    let defaults = [if project.root == Path::new(".") {
        PathBuf::from(DEFAULT_DIR)
    } else {
        project.root.join(DEFAULT_DIR)
    }];
    let paths = if paths.is_empty() {
        &defaults[..]
    } else {
        paths
    };
    let mut out = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                let mut walker = Walker {
                    root: project.root.canonicalize().ok(),
                    base: path.canonicalize().ok(),
                    out: project.out.canonicalize().ok(),
                    seen: HashSet::new(),
                    found: Vec::new(),
                };
                walker.walk(path)?;
                out.extend(walker.found.into_iter().map(|(p, outside)| Input {
                    path: p,
                    base: Some(path.clone()),
                    outside,
                }));
            }
            Ok(_) => out.push(Input {
                path: path.clone(),
                base: None,
                outside: false,
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

impl Walker {
    /// Whether a real path lies inside the project root or the folder named on the command line.
    fn allowed(&self, real: &Path) -> bool {
        [&self.root, &self.base]
            .into_iter()
            .flatten()
            .any(|inside| real.starts_with(inside))
    }

    /// Whether the folder `dir` (real path `real`) holds no proposals: the output folder, a
    /// hidden folder, or a project's `templates/`, `fonts/` or `target/`.
    fn skipped(&self, dir: &Path, real: &Path) -> bool {
        let name = dir.file_name().map(|n| n.to_string_lossy());
        if name.as_deref().is_some_and(|n| n.starts_with('.')) {
            return true;
        }
        if self.out.as_deref() == Some(real) {
            return true;
        }
        let project_folder = name
            .as_deref()
            .is_some_and(|n| PROJECT_FOLDERS.contains(&n));
        project_folder
            && dir.parent().is_some_and(|parent| {
                parent.join(SETTINGS_FILE).exists()
                    || parent.canonicalize().ok().as_ref() == self.root.as_ref()
            })
    }

    /// Adds every `*.toml` below `dir` (whatever kind of file; reading it decides), entering each
    /// real folder once so that a symlink loop ends. A symlink leading outside is recorded as
    /// such and not followed.
    fn walk(&mut self, dir: &Path) -> Result<(), AppError> {
        let real = dir
            .canonicalize()
            .map_err(|e| AppError(format!("cannot read folder {}: {e}", dir.display())))?;
        if !self.seen.insert(real) {
            return Ok(());
        }
        let entries = std::fs::read_dir(dir)
            .map_err(|e| AppError(format!("cannot read folder {}: {e}", dir.display())))?;
        let mut entries: Vec<_> = entries
            .map(|entry| entry.map(|e| (e.path(), e.file_type())))
            .collect::<Result<_, _>>()
            .map_err(|e| AppError(format!("cannot read folder {}: {e}", dir.display())))?;
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        for (path, kind) in entries {
            let symlink = kind.as_ref().is_ok_and(|k| k.is_symlink());
            // The real path is found without opening anything; a dangling link has none.
            let target = if symlink {
                path.canonicalize().ok()
            } else {
                None
            };
            let is_dir = match &kind {
                Ok(_) if symlink => std::fs::metadata(&path).is_ok_and(|m| m.is_dir()),
                Ok(kind) => kind.is_dir(),
                Err(_) => false,
            };
            let is_toml = path.extension().is_some_and(|e| e == "toml");
            if is_dir {
                let real = target.clone().or_else(|| path.canonicalize().ok());
                if real.as_deref().is_some_and(|r| self.skipped(&path, r)) {
                    continue;
                }
            } else if !is_toml
                || path.file_name().is_some_and(|n| {
                    // Hidden files are editors' lock and backup files (`.#x.toml`), not proposals.
                    n == SETTINGS_FILE || n.to_string_lossy().starts_with('.')
                })
            {
                continue;
            }
            if let Some(target) = &target
                && !self.allowed(target)
            {
                self.found.push((path, true));
            } else if is_dir {
                self.walk(&path)?;
            } else {
                self.found.push((path, false));
            }
        }
        Ok(())
    }
}

pub use crate::build::plan::canonical;
