//! The render cache, kept in the output folder's manifest: for each PDF there, what it was
//! typeset from, so that `render` typesets a document again only when something its bytes depend
//! on changed.
//!
//! An entry holds three things:
//! - the document's *key*: a hash of everything known before typesetting (budgetnote's build,
//!   every font, the profile's `sys.inputs`, the PDF's date and ident, and the generated Typst
//!   source, which carries the TOML, the spreadsheets' figures, the form's templates and the
//!   profile);
//! - every file the typesetter read for it (the shared layout `templates/budgetnote.typ`, logos)
//!   with the hash of its bytes;
//! - the hash of the PDF written.
//!
//! A PDF is kept only when all three still hold: the key is the same, every file read has the same
//! bytes, and the PDF in the output folder is byte for byte the one written. Anything else (a
//! missing or edited entry, a PDF changed by hand) typesets again, so the cache can
//! cost time but never make output wrong. `render --force` ignores it.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

pub use crate::hash::{Hasher, hash};

/// What one PDF was typeset from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Hash of budgetnote's build, the fonts, `sys.inputs`, PDF options and generated source.
    pub key: String,
    /// Each file the typesetter read (root-relative path) with the hash of the bytes it read.
    pub files: BTreeMap<String, String>,
    /// Hash of the PDF's bytes.
    pub output: String,
}

/// The cache of one output folder during a run: what the last runs recorded, and what this run
/// typeset or kept.
#[derive(Debug, Default)]
pub struct Cache {
    /// Entries read from the folder's cache file (empty with `--force`).
    previous: BTreeMap<String, Entry>,
    /// Entries of this run, by output path; `None` for an output this run did not make.
    current: Mutex<BTreeMap<String, Option<Entry>>>,
    /// Whether every document is typeset again (`--force`): nothing kept is used, not even a
    /// stashed PDF.
    force: bool,
}

impl Cache {
    /// The cache the output folder's manifest holds (`recorded`); `force` starts empty, so every document is
    /// typeset.
    pub fn load(recorded: &BTreeMap<String, Entry>, force: bool) -> Self {
        Self {
            previous: if force {
                BTreeMap::new()
            } else {
                recorded.clone()
            },
            current: Mutex::new(BTreeMap::new()),
            force,
        }
    }

    /// Whether this run typesets every document again (`--force`).
    pub fn forced(&self) -> bool {
        self.force
    }

    /// The entry the last run recorded for the output at `relative`, if any.
    pub fn previous(&self, relative: &Path) -> Option<&Entry> {
        self.previous.get(&crate::output::key(relative)?)
    }

    /// Records what this run made (or kept) at `relative`; `None` when it made nothing there.
    pub fn record(&self, relative: &Path, entry: Option<Entry>) {
        if let (Some(key), Ok(mut current)) = (crate::output::key(relative), self.current.lock()) {
            current.insert(key, entry);
        }
    }

    /// Puts this run's entries into `recorded`, the manifest's cache (which keeps the earlier entries of outputs this
    /// run did not touch, as long as it lists them).
    pub fn store(&self, recorded: &mut BTreeMap<String, Entry>) {
        if let Ok(current) = self.current.lock() {
            for (key, entry) in current.iter() {
                match entry {
                    Some(entry) => recorded.insert(key.clone(), entry.clone()),
                    None => recorded.remove(key),
                };
            }
        }
    }
}

/// The folder of the output folder that keeps PDFs typeset by runs that did not write them (a
/// `--format html` run, say), so that the next PDF run writes them without typesetting again.
pub const STASH: &str = ".budgetnote-cache";

/// A PDF typeset but not written, with the entry it was typeset from (see [`stash`]).
pub struct Stashed {
    /// What the PDF was typeset from; its `output` is the hash of `bytes`.
    pub entry: Entry,
    /// The PDF's bytes.
    pub bytes: Vec<u8>,
}

/// The stash file of the output at `relative` (below the output folder `out_dir`): one file per
/// output, named by the hash of its path, so a stash never grows beyond one PDF per document.
fn stash_path(out_dir: &Path, relative: &Path) -> Option<std::path::PathBuf> {
    let key = crate::output::key(relative)?;
    Some(
        out_dir
            .join(STASH)
            .join(format!("{}.pdf", &hash(key.as_bytes())[..32])),
    )
}

/// Keeps the PDF `bytes` typeset for the output at `relative` from `entry` (whose `output` must
/// be their hash), for a later run that writes it. The file is the entry as one line of JSON,
/// then the PDF; a failure to keep it only costs a typesetting later.
pub fn stash(out_dir: &Path, relative: &Path, entry: &Entry, bytes: &[u8]) {
    let Some(path) = stash_path(out_dir, relative) else {
        return;
    };
    let Ok(mut data) = serde_json::to_vec(entry) else {
        return;
    };
    data.push(b'\n');
    data.extend_from_slice(bytes);
    let _ = crate::output::write_atomic(&path, &data);
}

/// The PDF kept for the output at `relative` by [`stash`], when there is one and its bytes still
/// hash to what its entry records (anything else, an edited or cut file, is no stash).
pub fn stashed(out_dir: &Path, relative: &Path) -> Option<Stashed> {
    let path = stash_path(out_dir, relative)?;
    if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
        return None;
    }
    let data = crate::files::read_regular(&path, crate::output::HASHED_LIMIT).ok()?;
    let split = data.iter().position(|&b| b == b'\n')?;
    let entry: Entry = serde_json::from_slice(&data[..split]).ok()?;
    let bytes = data[split + 1..].to_vec();
    (hash(&bytes) == entry.output).then_some(Stashed { entry, bytes })
}

/// Removes the PDF kept for the output at `relative`, once a run wrote (or kept) that output or
/// found it has errors.
pub fn unstash(out_dir: &Path, relative: &Path) {
    if let Some(path) = stash_path(out_dir, relative) {
        let _ = std::fs::remove_file(path);
    }
}

/// Whether the file at `path` holds exactly the bytes whose hash is `expected` (see
/// [`crate::output::holds`], which the manifest's removal of stale files shares).
pub use crate::output::holds;

/// What identifies the running build of budgetnote: its version, a hash of what it was built
/// from (sources, templates, fonts, locked dependencies, compiler and profile; see `build.rs`),
/// and the size and modification time of its executable (any rebuild, including one that
/// upgrades typst, changes one of them). `None` when the executable cannot be found; then nothing
/// is kept.
pub fn build_id() -> Option<String> {
    static ID: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    ID.get_or_init(|| {
        let exe = std::env::current_exe().ok()?;
        let meta = std::fs::metadata(exe).ok()?;
        let modified = meta
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?;
        let mut id = format!(
            "{} {} {} {}.{:09}",
            env!("CARGO_PKG_VERSION"),
            env!("BUDGETNOTE_BUILD_HASH"),
            meta.len(),
            modified.as_secs(),
            modified.subsec_nanos()
        );
        // Test hook, debug builds only: stands in for another build of budgetnote.
        if cfg!(debug_assertions)
            && let Ok(salt) = std::env::var("BUDGETNOTE_TEST_BUILD")
        {
            id.push(' ');
            id.push_str(&salt);
        }
        Some(id)
    })
    .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Parts are length-prefixed: moving a byte from one part to the next changes the hash.
    #[test]
    fn parts_do_not_run_together() {
        let mut a = Hasher::default();
        a.part(b"ab").part(b"c");
        let mut b = Hasher::default();
        b.part(b"a").part(b"bc");
        assert_ne!(a.finish(), b.finish());
        assert_eq!(
            hash(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    // A PDF is held when its bytes hash as recorded (hashed in pieces as `hash` does whole), and
    // never through a symlink or from a FIFO.
    #[cfg(unix)]
    #[test]
    fn holds_reads_regular_files_only() {
        let dir = std::env::temp_dir().join(format!("budgetnote-holds-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let pdf = dir.join("a.pdf");
        let bytes: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&pdf, &bytes).unwrap();
        assert!(holds(&pdf, &hash(&bytes)));
        assert!(!holds(&pdf, &hash(b"other")));
        let link = dir.join("link.pdf");
        std::os::unix::fs::symlink(&pdf, &link).unwrap();
        assert!(!holds(&link, &hash(&bytes)));
        let fifo = dir.join("fifo.pdf");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        assert!(!holds(&fifo, &hash(b"")));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
