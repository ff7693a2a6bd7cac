//! Reading a project's files at a git revision, in-process with `gix` (no `git` binary): the
//! proposals `diff` compares, and the revision `render --stamp` prints.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::AppError;
use crate::files;
use crate::sources::{SourceError, Sources};

/// The files of one side of a comparison: path from the project root → bytes.
pub type Files = BTreeMap<PathBuf, Vec<u8>>;

/// The git repository a project lives in, and where the project sits inside it.
pub struct Repo {
    /// The repository.
    repo: gix::Repository,
    /// The project root relative to the repository's work tree ("" when they are the same).
    prefix: String,
    /// The project root as given.
    root: PathBuf,
}

/// A revision resolved to a commit: its full and short id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    /// The name as asked for, e.g. "HEAD~1" or "main".
    pub name: String,
    /// The short commit id (7 hex digits), e.g. "3f2a9c1".
    pub short: String,
    /// The commit's tree.
    tree: gix::ObjectId,
}

/// An error from gix as an application error with context.
fn git_error(context: &str, err: impl std::fmt::Display) -> AppError {
    AppError(format!("{context}: {err}"))
}

impl Repo {
    /// The repository holding `root`; `None` when `root` is not inside a git work tree.
    pub fn discover(root: &Path) -> Option<Self> {
        let repo = gix::discover(root).ok()?;
        let workdir = repo.workdir()?.canonicalize().ok()?;
        let here = root.canonicalize().ok()?;
        let prefix = here.strip_prefix(&workdir).ok()?;
        let prefix = prefix
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        Some(Self {
            repo,
            prefix,
            root: root.to_owned(),
        })
    }

    /// Resolves a revision (`HEAD`, `HEAD~1`, a branch, a tag, a commit id) to a commit.
    pub fn revision(&self, name: &str) -> Result<Revision, AppError> {
        let id = self.repo.rev_parse_single(name).map_err(|e| {
            git_error(
                &format!("\"{name}\" is not a revision of this repository"),
                e,
            )
        })?;
        let commit = id
            .object()
            .and_then(|o| o.peel_to_commit())
            .map_err(|e| git_error(&format!("\"{name}\" is not a commit"), e))?;
        let tree = commit
            .tree_id()
            .map_err(|e| git_error(&format!("cannot read the tree of \"{name}\""), e))?;
        Ok(Revision {
            name: name.to_owned(),
            short: commit.id.to_hex_with_len(7).to_string(),
            tree: tree.detach(),
        })
    }

    /// Whether `name` resolves to a commit of this repository.
    pub fn is_revision(&self, name: &str) -> bool {
        self.revision(name).is_ok()
    }

    /// The files of the project at `revision` whose path from the project root `wanted` accepts;
    /// a blob larger than `limit` is left out unread (its size is read first).
    pub fn files_at(
        &self,
        revision: &Revision,
        limit: u64,
        wanted: impl Fn(&Path) -> bool,
    ) -> Result<Files, AppError> {
        let snapshot = self.snapshot(revision)?;
        let mut files = Files::new();
        for relative in snapshot.files.keys() {
            if !wanted(relative) {
                continue;
            }
            match snapshot.read(&self.root.join(relative), limit) {
                Ok(bytes) => {
                    files.insert(relative.clone(), bytes);
                }
                Err(SourceError::Read(files::ReadError::Io(e))) => {
                    return Err(git_error(
                        &format!("cannot read {} at {}", relative.display(), revision.name),
                        e,
                    ));
                }
                Err(_) => {}
            }
        }
        Ok(files)
    }

    /// The project's files at `revision` as a [`Sources`]: every read comes from that commit's
    /// tree, never from the working tree.
    pub fn snapshot(&self, revision: &Revision) -> Result<Snapshot, AppError> {
        let tree = self
            .repo
            .find_tree(revision.tree)
            .map_err(|e| git_error(&format!("cannot read the tree of {}", revision.name), e))?;
        let entries =
            tree.traverse().breadthfirst.files().map_err(|e| {
                git_error(&format!("cannot list the files of {}", revision.name), e)
            })?;
        let mut files = BTreeMap::new();
        let mut dirs = std::collections::BTreeSet::new();
        for entry in entries {
            let kind = if entry.mode.is_blob() {
                Kind::File
            } else if entry.mode.is_link() {
                Kind::Link
            } else if entry.mode.is_tree() {
                continue;
            } else {
                Kind::Other
            };
            // A name that is not UTF-8 is kept (as the bytes the file system would use), so a
            // caller can report it instead of skipping it silently.
            let Ok(full) = gix::path::from_byte_slice(entry.filepath.as_ref()) else {
                continue;
            };
            let Some(relative) = self.relative_path(full) else {
                continue;
            };
            let mut parent = relative.parent();
            while let Some(dir) = parent {
                dirs.insert(dir.to_owned());
                parent = dir.parent();
            }
            files.insert(relative, (entry.oid, kind));
        }
        Ok(Snapshot {
            git_dir: self.repo.path().to_owned(),
            root: self.root.clone(),
            label: if revision.short == revision.name {
                revision.name.clone()
            } else {
                format!("{} ({})", revision.name, revision.short)
            },
            files,
            dirs,
        })
    }

    /// A path of the repository relative to the project root, if it is inside the project.
    fn relative_path(&self, full: &Path) -> Option<PathBuf> {
        if self.prefix.is_empty() {
            return Some(full.to_owned());
        }
        full.strip_prefix(&self.prefix).ok().map(Path::to_owned)
    }

    /// The project root as given.
    pub fn root(&self) -> &Path {
        &self.root
    }
}

/// The files in the working tree under the project root whose relative path `wanted` accepts
/// (hidden folders and `out/` are not searched; links are not followed).
pub fn working_files(root: &Path, wanted: impl Fn(&Path) -> bool) -> Result<Files, AppError> {
    let mut files = Files::new();
    let mut pending = vec![PathBuf::new()];
    while let Some(dir) = pending.pop() {
        let Ok(listing) = std::fs::read_dir(root.join(&dir)) else {
            continue;
        };
        for entry in listing.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') {
                continue;
            }
            let relative = dir.join(name.as_ref());
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                if relative != Path::new("out") && relative != Path::new("target") {
                    pending.push(relative);
                }
            } else if kind.is_file() && wanted(&relative) {
                let bytes =
                    crate::files::read_limited(&root.join(&relative), crate::files::TOML_LIMIT)
                        .map_err(|e| {
                            AppError(format!("cannot read {}: {e}", relative.display()))
                        })?;
                files.insert(relative, bytes);
            }
        }
    }
    Ok(files)
}

/// What `render --stamp` prints: the revision of HEAD, and for each rendered file whether the
/// working tree differs from it.
#[derive(Debug, Clone)]
pub struct Stamper {
    /// Short id of HEAD's commit.
    short: String,
    /// The project's files at HEAD (proposals, settings, templates), from the project root.
    head: Files,
    /// Whether the settings or the templates differ from HEAD (then every file is changed).
    shared_changed: bool,
    /// Whether the profile asks for the stamp in the footer too.
    in_footer: bool,
}

/// Whether a path (from the project root) is one a rendered document depends on besides its own
/// file: the settings and the project's templates.
fn shared_input(path: &Path) -> bool {
    path == Path::new(crate::files::SETTINGS_FILE) || path.starts_with("templates")
}

impl Stamper {
    /// The stamper for the project at `root`: HEAD's revision and files. Why not, when `root` is
    /// not in a git repository or the repository has no commit yet.
    pub fn new(root: &Path, in_footer: bool) -> Result<Self, String> {
        let repo = Repo::discover(root)
            .ok_or_else(|| format!("{} is not in a git repository", root.display()))?;
        let head = repo
            .revision("HEAD")
            .map_err(|_| "the git repository has no commit yet".to_owned())?;
        let files = repo
            .files_at(&head, crate::files::TOML_LIMIT, |p| {
                p.extension().is_some_and(|e| e == "toml") || shared_input(p)
            })
            .map_err(|e| e.to_string())?;
        let at_head: Files = files
            .iter()
            .filter(|(p, _)| shared_input(p))
            .map(|(p, b)| (p.clone(), b.clone()))
            .collect();
        let now = working_files(root, shared_input).map_err(|e| e.to_string())?;
        Ok(Self {
            short: head.short,
            shared_changed: now != at_head,
            head: files,
            in_footer,
        })
    }

    /// The stamp of the file at `path` (as given on the command line, under `root`):
    /// "Version 3f2a9c1", or "Version 3f2a9c1, ændret" when the file, the settings or the
    /// templates differ from HEAD.
    pub fn stamp(&self, root: &Path, path: &Path) -> crate::checked::Stamp {
        let relative = path
            .canonicalize()
            .ok()
            .zip(root.canonicalize().ok())
            .and_then(|(p, r)| p.strip_prefix(&r).ok().map(Path::to_owned));
        let same = relative.as_ref().is_some_and(|rel| {
            let now = crate::files::read_limited(path, crate::files::TOML_LIMIT).ok();
            now.as_ref() == self.head.get(rel)
        });
        crate::checked::Stamp {
            commit: self.short.clone(),
            changed: self.shared_changed || !same,
            in_footer: self.in_footer,
        }
    }
}

/// What a tree entry of a revision is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A file (a blob, executable or not).
    File,
    /// A symbolic link (not followed: a revision has no file system to resolve it in).
    Link,
    /// A submodule's commit.
    Other,
}

/// The project's files at one git revision: a [`Sources`] reading blobs from the repository,
/// each blob's size read (from its header) before its bytes, so a blob over the limit is refused
/// unread, as the working tree refuses a file over it.
pub struct Snapshot {
    /// The repository's git folder (opened again on each thread that reads).
    git_dir: PathBuf,
    /// The project root as given.
    root: PathBuf,
    /// "HEAD~1 (3f2a9c1)".
    label: String,
    /// Every file of the project at the revision, by path from the project root.
    files: BTreeMap<PathBuf, (gix::ObjectId, Kind)>,
    /// Every folder of the project at the revision, by path from the project root.
    dirs: std::collections::BTreeSet<PathBuf>,
}

thread_local! {
    /// The repository opened on this thread, by git folder (a `gix::Repository` is not shared
    /// between threads without gix's `parallel` feature).
    static OPENED: std::cell::RefCell<Option<(PathBuf, gix::Repository)>> =
        const { std::cell::RefCell::new(None) };
}

impl Snapshot {
    /// `path` from the project root, by its names (a revision has no symlinks to resolve).
    fn key(&self, path: &Path) -> Result<PathBuf, SourceError> {
        crate::sources::lexical_relative(&self.root, path).ok_or(SourceError::Outside)
    }

    /// Runs `f` with the repository opened on this thread.
    fn with_repo<T>(
        &self,
        f: impl FnOnce(&gix::Repository) -> Result<T, SourceError>,
    ) -> Result<T, SourceError> {
        OPENED.with(|opened| {
            let mut opened = opened.borrow_mut();
            if opened.as_ref().is_none_or(|(dir, _)| *dir != self.git_dir) {
                let repo = gix::open(&self.git_dir)
                    .map_err(|e| io_error(format!("cannot open the repository: {e}")))?;
                *opened = Some((self.git_dir.clone(), repo));
            }
            match opened.as_ref() {
                Some((_, repo)) => f(repo),
                None => Err(io_error("cannot open the repository".to_owned())),
            }
        })
    }
}

/// An I/O error of the repository as a read error.
fn io_error(message: String) -> SourceError {
    SourceError::Read(files::ReadError::Io(std::io::Error::other(message)))
}

impl Sources for Snapshot {
    fn root(&self) -> &Path {
        &self.root
    }

    fn label(&self) -> String {
        self.label.clone()
    }

    fn read(&self, path: &Path, limit: u64) -> Result<Vec<u8>, SourceError> {
        let key = self.key(path)?;
        let Some((oid, kind)) = self.files.get(&key) else {
            return Err(if self.dirs.contains(&key) || key.as_os_str().is_empty() {
                SourceError::Read(files::ReadError::NotRegular("a folder"))
            } else {
                SourceError::Missing
            });
        };
        match kind {
            Kind::File => {}
            Kind::Link => {
                return Err(SourceError::Read(files::ReadError::NotRegular(
                    "a symbolic link",
                )));
            }
            Kind::Other => {
                return Err(SourceError::Read(files::ReadError::NotRegular(
                    "a submodule",
                )));
            }
        }
        let oid = *oid;
        self.with_repo(|repo| {
            // The size first: a blob over the limit is never decompressed into memory.
            let header = repo
                .find_header(oid)
                .map_err(|e| io_error(format!("cannot read {}: {e}", key.display())))?;
            if header.size() > limit {
                return Err(SourceError::Read(files::ReadError::TooLarge { limit }));
            }
            let blob = repo
                .find_blob(oid)
                .map_err(|e| io_error(format!("cannot read {}: {e}", key.display())))?;
            Ok(blob.data.clone())
        })
    }

    fn list(&self, path: &Path) -> Vec<PathBuf> {
        let Ok(dir) = self.key(path) else {
            return Vec::new();
        };
        let children = |p: &&PathBuf| p.parent() == Some(dir.as_path());
        let mut found: Vec<PathBuf> = self
            .files
            .keys()
            .filter(children)
            .chain(self.dirs.iter().filter(children))
            .filter_map(|p| p.file_name().map(|name| path.join(name)))
            .collect();
        found.sort();
        found
    }

    fn is_file(&self, path: &Path) -> bool {
        self.key(path)
            .is_ok_and(|k| matches!(self.files.get(&k), Some((_, Kind::File))))
    }

    fn is_dir(&self, path: &Path) -> bool {
        self.key(path)
            .is_ok_and(|k| k.as_os_str().is_empty() || self.dirs.contains(&k))
    }

    fn relative(&self, path: &Path) -> Result<Vec<String>, SourceError> {
        let key = self.key(path)?;
        if !self.files.contains_key(&key) {
            return Err(SourceError::Missing);
        }
        key.components()
            .map(|c| c.as_os_str().to_str().map(str::to_owned))
            .collect::<Option<_>>()
            .ok_or(SourceError::Missing)
    }
}
