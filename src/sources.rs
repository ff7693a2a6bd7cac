//! Where the pipeline's bytes come from: one seam, [`Sources`], with two implementations: the
//! working tree under the project root ([`WorkTree`]) and a git revision
//! ([`crate::git::Snapshot`]).
//!
//! Proposals, catalogues, the spreadsheets a proposal reads (`from = { file, … }`), logos, the
//! project's forms and templates (`templates/`), its fonts (`fonts/`) and `budgetnote.toml` are
//! read through it, so `diff` builds each side of a comparison entirely from its revision. What
//! typst's `World` reads while a document is typeset (the templates' `#import`s and images)
//! stays on the working tree: only `render` and `check` typeset, and they read the working tree;
//! `diff` never typesets.
//!
//! Paths are given as the pipeline forms them: the project root (as given) joined with a path
//! from it, e.g. `root.join("templates")`; in the working tree any path that leads inside the
//! root is accepted. Every read is bounded (regular files only, a size limit checked before the
//! bytes are read) and confined to the project root.

use std::path::{Component, Path, PathBuf};

use crate::files::{self, ReadError};

/// Why a file was not read from a [`Sources`].
#[derive(Debug)]
pub enum SourceError {
    /// There is no such file (or folder) at this source.
    Missing,
    /// The path (or a symlink on it) leads outside the project root.
    Outside,
    /// The file is not a regular file, is too large, or could not be read.
    Read(ReadError),
}

impl std::fmt::Display for SourceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SourceError::Missing => write!(f, "it does not exist"),
            SourceError::Outside => write!(f, "it is outside the project folder"),
            SourceError::Read(e) => write!(f, "{e}"),
        }
    }
}

/// Where the files of a project are read from: the working tree or a git revision.
pub trait Sources: Send + Sync {
    /// The project root as given (paths handed to the other methods start with it).
    fn root(&self) -> &Path;

    /// How the source is named to the user: "working tree" or "HEAD~1 (3f2a9c1)".
    fn label(&self) -> String;

    /// Whether this is the working tree (the only source typst can typeset from).
    fn is_worktree(&self) -> bool {
        false
    }

    /// The bytes of the regular file at `path`, confined to the project root, refused (before
    /// reading) when larger than `limit` bytes.
    fn read(&self, path: &Path, limit: u64) -> Result<Vec<u8>, SourceError>;

    /// The bytes of a file the user named (a proposal or catalogue on the command line): like
    /// [`Self::read`], except that the working tree reads it wherever it lies.
    fn read_named(&self, path: &Path, limit: u64) -> Result<Vec<u8>, SourceError> {
        self.read(path, limit)
    }

    /// The entries of the folder at `path` (each `path` joined with its name), sorted; none when
    /// it is not a folder.
    fn list(&self, path: &Path) -> Vec<PathBuf>;

    /// Whether `path` is a regular file (after following symlinks in the working tree).
    fn is_file(&self, path: &Path) -> bool;

    /// Whether `path` is a folder.
    fn is_dir(&self, path: &Path) -> bool;

    /// The path of the file at `path` from the project root, one name per folder, confined to
    /// the root and UTF-8 (the path typst reads as "/a/b.svg").
    fn relative(&self, path: &Path) -> Result<Vec<String>, SourceError>;
}

/// The working tree under a project root: the files on disk.
#[derive(Debug, Clone)]
pub struct WorkTree {
    /// The project root as given.
    root: PathBuf,
}

impl WorkTree {
    /// The working tree of the project at `root`.
    pub fn new(root: &Path) -> Self {
        Self {
            root: root.to_owned(),
        }
    }

    /// The real path of `path` if it lies inside the project root.
    fn confined(&self, path: &Path) -> Result<PathBuf, SourceError> {
        files::inside_root(&self.root, path).map_err(|e| match e {
            files::Confinement::Outside => SourceError::Outside,
            _ => SourceError::Missing,
        })
    }
}

impl Sources for WorkTree {
    fn root(&self) -> &Path {
        &self.root
    }

    fn label(&self) -> String {
        "working tree".to_owned()
    }

    fn is_worktree(&self) -> bool {
        true
    }

    fn read(&self, path: &Path, limit: u64) -> Result<Vec<u8>, SourceError> {
        let real = self.confined(path)?;
        files::read_limited(&real, limit).map_err(SourceError::Read)
    }

    fn read_named(&self, path: &Path, limit: u64) -> Result<Vec<u8>, SourceError> {
        files::read_limited(path, limit).map_err(SourceError::Read)
    }

    fn list(&self, path: &Path) -> Vec<PathBuf> {
        let mut found: Vec<PathBuf> = std::fs::read_dir(path)
            .map(|entries| entries.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default();
        found.sort();
        found
    }

    fn is_file(&self, path: &Path) -> bool {
        path.is_file()
    }

    fn is_dir(&self, path: &Path) -> bool {
        path.is_dir()
    }

    fn relative(&self, path: &Path) -> Result<Vec<String>, SourceError> {
        let root = self.root.canonicalize().map_err(|_| SourceError::Missing)?;
        let real = self.confined(path)?;
        let relative = real.strip_prefix(&root).map_err(|_| SourceError::Outside)?;
        relative
            .components()
            .map(|c| c.as_os_str().to_str().map(str::to_owned))
            .collect::<Option<_>>()
            .ok_or(SourceError::Missing)
    }
}

/// `path` from `root`, resolved by its names alone (`.` dropped, `..` going up); `None` when it
/// leads outside `root`. Used where no file system can resolve symlinks (a git revision).
pub fn lexical_relative(root: &Path, path: &Path) -> Option<PathBuf> {
    let normal = |p: &Path| -> Option<Vec<std::ffi::OsString>> {
        let mut parts = Vec::new();
        for c in p.components() {
            match c {
                Component::CurDir => {}
                Component::ParentDir => {
                    parts.pop()?;
                }
                Component::Normal(name) => parts.push(name.to_owned()),
                Component::RootDir | Component::Prefix(_) => parts.clear(),
            }
        }
        Some(parts)
    };
    let absolute = |p: &Path| p.has_root();
    let strip = |root: &Path| -> Option<PathBuf> {
        let path_parts = normal(path)?;
        let root_parts = normal(root)?;
        if absolute(root) != absolute(path) {
            return None;
        }
        path_parts
            .starts_with(&root_parts)
            .then(|| path_parts[root_parts.len()..].iter().collect())
    };
    strip(root).or_else(|| {
        // An absolute path under a relative root ("." and "/home/x/proj/d.csv").
        let real_root = root.canonicalize().ok()?;
        absolute(path).then_some(())?;
        strip(&real_root)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // Paths are taken from the root by their names; `..` that climbs out of the root is refused.
    #[test]
    fn lexical_paths_stay_inside_the_root() {
        let rel = |root: &str, path: &str| lexical_relative(Path::new(root), Path::new(path));
        assert_eq!(
            rel(".", "proposals/x.toml"),
            Some("proposals/x.toml".into())
        );
        assert_eq!(rel(".", "./proposals/../d.csv"), Some("d.csv".into()));
        assert_eq!(rel("/p", "/p/a/./b.csv"), Some("a/b.csv".into()));
        assert_eq!(rel("proj", "proj/a.toml"), Some("a.toml".into()));
        assert_eq!(rel("/p", "/p/../etc/passwd"), None);
        assert_eq!(rel("/p", "/q/a"), None);
        assert_eq!(rel(".", "../x"), None);
    }

    // The working tree refuses a file that leads out of the root, and reads one inside.
    #[test]
    fn the_working_tree_is_confined() {
        let dir = tempfile_dir("confined");
        std::fs::create_dir_all(dir.join("p")).unwrap();
        std::fs::write(dir.join("outside.csv"), "1").unwrap();
        std::fs::write(dir.join("p/inside.csv"), "2").unwrap();
        let tree = WorkTree::new(&dir.join("p"));
        assert_eq!(tree.read(&dir.join("p/inside.csv"), 10).unwrap(), b"2");
        assert!(matches!(
            tree.read(&dir.join("p/../outside.csv"), 10),
            Err(SourceError::Outside)
        ));
        assert!(matches!(
            tree.read(&dir.join("p/none.csv"), 10),
            Err(SourceError::Missing)
        ));
        assert!(matches!(
            tree.read(&dir.join("p/inside.csv"), 0),
            Err(SourceError::Read(ReadError::TooLarge { limit: 0 }))
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A fresh folder under the system's temporary folder.
    fn tempfile_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("budgetnote-sources-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
