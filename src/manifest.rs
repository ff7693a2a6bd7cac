//! The manifest of an output folder, `out/.budgetnote-manifest`: which files budgetnote wrote
//! there and from which input. Only files it lists are ever removed as stale; any other file in
//! the output folder is left alone.
//!
//! Inputs are stored relative to the project root (outputs relative to the output folder), so a
//! manifest stays right when the project is moved or checked out elsewhere; inputs outside the
//! project are stored absolute. A manifest of format 1 (every input absolute) is still read.
//!
//! Format 3 also records the hash of the bytes budgetnote wrote to each file (`hashes`), and a
//! stale file is removed only while it still holds them: a file the user replaced or edited is
//! left and reported once. A manifest of format 1 or 2 recorded no hashes: its files are treated
//! as before (removed when stale as long as they are regular files inside the output folder),
//! their PDFs' hashes taken from the render cache and any other file's from the file found there
//! when this version first reads the manifest; from then on they are protected like the rest. In
//! a manifest of format 3, a file without a hash (an edited manifest, or a run stopped between
//! recording a new file and saving its hash) is left alone and reported once.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::AppError;
pub use crate::output::key;

/// The manifest's file name inside the output folder.
pub const FILE: &str = ".budgetnote-manifest";

/// The largest manifest read (a line per PDF; 64 MB is millions of PDFs).
const LIMIT: u64 = 64 * 1024 * 1024;

/// The format written: 3 records each file's hash, 2 stored inputs relative to the project root
/// (without hashes), 1 stored them absolute.
const VERSION: u32 = 3;

/// What budgetnote wrote into one output folder.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Format version.
    pub version: u32,
    /// Each written file (path relative to the output folder, `/`-separated) with the input it
    /// was made from: in memory always absolute; on disk relative to the project root (`/`-
    /// separated) when inside it.
    pub files: BTreeMap<String, String>,
    /// The hash of the bytes budgetnote last wrote to each file of `files` (format 3).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub hashes: BTreeMap<String, String>,
    /// The render cache: what each PDF was typeset from (see [`crate::cache`]), by output path.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "each_entry"
    )]
    pub cache: BTreeMap<String, crate::cache::Entry>,
    /// The project root (absolute) that stored inputs are relative to.
    #[serde(skip)]
    root: PathBuf,
    /// Files recorded by a format-1 manifest for an input outside the current root: perhaps the
    /// same project at its old place, so their owner is not trusted to refuse another input.
    #[serde(skip)]
    legacy: BTreeSet<String>,
}

/// The render cache read entry by entry: an entry that is not one (edited by hand, say) is
/// dropped alone, so it costs only its document's typesetting, never the manifest's list of files.
fn each_entry<'de, D>(deserializer: D) -> Result<BTreeMap<String, crate::cache::Entry>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let raw = BTreeMap::<String, serde_json::Value>::deserialize(deserializer)?;
    Ok(raw
        .into_iter()
        .filter_map(|(out, entry)| Some((out, serde_json::from_value(entry).ok()?)))
        .collect())
}

/// The real path of the project root, or its absolute path when it cannot be resolved.
fn absolute_root(root: &Path) -> PathBuf {
    root.canonicalize()
        .or_else(|_| std::path::absolute(root))
        .unwrap_or_else(|_| root.to_owned())
}

/// Whether a recorded key names a file inside the output folder: only plain names, no `..`,
/// no root, nothing empty, and not the manifest itself.
fn inside(key: &str) -> bool {
    key != FILE
        && !key.is_empty()
        && Path::new(key)
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
}

impl Manifest {
    /// Reads the manifest of `out_dir` for the project at `root`; a missing or unreadable one is
    /// empty (nothing is then removed as stale, which is the safe side).
    ///
    /// Entries that do not name a file inside the output folder (`..`, an absolute path) are
    /// dropped, and a stale entry is removed only through [`crate::output::remove_recorded`],
    /// which follows no symlink below the output folder, so an edited manifest can never make
    /// budgetnote remove a file elsewhere.
    pub fn load(out_dir: &Path, root: &Path) -> Self {
        let mut manifest = crate::files::read_limited(&out_dir.join(FILE), LIMIT)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Manifest>(&bytes).ok())
            .unwrap_or_default();
        manifest.files.retain(|out, _| inside(out));
        // A PDF's hash is also in its cache entry (the only record a format-2 manifest has).
        for (out, entry) in &manifest.cache {
            manifest
                .hashes
                .entry(out.clone())
                .or_insert_with(|| entry.output.clone());
        }
        let files = &manifest.files;
        manifest.hashes.retain(|out, _| files.contains_key(out));
        if manifest.version < VERSION {
            // Written before hashes were recorded: the file as found stands for what was written.
            for out in manifest.files.keys() {
                if !manifest.hashes.contains_key(out)
                    && let Ok(Some(path)) = crate::output::recorded_file(out_dir, Path::new(out))
                    && let Some(hash) = crate::output::hash_of_file(&path)
                {
                    manifest.hashes.insert(out.clone(), hash);
                }
            }
        }
        manifest.root = absolute_root(root);
        let old_format = manifest.version < 2;
        for (out, source) in &mut manifest.files {
            let path = Path::new(source.as_str());
            if path.is_absolute() {
                if old_format && !path.starts_with(&manifest.root) {
                    manifest.legacy.insert(out.clone());
                }
            } else if let Some(joined) = manifest.root.join(path).to_str() {
                *source = joined.to_owned();
            }
        }
        manifest.version = VERSION;
        manifest
    }

    /// Writes the manifest atomically into `out_dir`; an empty one is removed instead, so a run
    /// that wrote nothing leaves nothing. Inputs inside the project root are written relative
    /// to it, and each file's hash is the one of what this process last wrote there (see
    /// [`crate::output::written_hash`]), else the one recorded before.
    pub fn save(&self, out_dir: &Path) -> Result<(), AppError> {
        if self.files.is_empty() {
            return crate::output::remove_stale(&out_dir.join(FILE)).map(|_| ());
        }
        let files = self
            .files
            .iter()
            .map(|(out, source)| {
                let relative = Path::new(source.as_str())
                    .strip_prefix(&self.root)
                    .ok()
                    .filter(|_| !self.root.as_os_str().is_empty())
                    .and_then(key)
                    .filter(|k| !k.is_empty());
                (out.clone(), relative.unwrap_or_else(|| source.clone()))
            })
            .collect();
        let hashes = self
            .files
            .keys()
            .filter_map(|out| {
                let written = crate::output::written_hash(&out_dir.join(out));
                Some((
                    out.clone(),
                    written.or_else(|| self.hashes.get(out).cloned())?,
                ))
            })
            .collect();
        let mut text = serde_json::to_string_pretty(&Manifest {
            version: VERSION,
            files,
            hashes,
            cache: self
                .cache
                .iter()
                .filter(|(out, _)| self.files.contains_key(*out))
                .map(|(out, entry)| (out.clone(), entry.clone()))
                .collect(),
            ..Manifest::default()
        })
        .map_err(|e| AppError(format!("cannot write the output manifest: {e}")))?;
        text.push('\n');
        crate::output::write_atomic(&out_dir.join(FILE), text.as_bytes())
    }

    /// Records that `relative` was (or is about to be) written from `source` (absolute).
    pub fn record(&mut self, relative: &Path, source: &Path) {
        if let (Some(k), Some(s)) = (key(relative), source.to_str()) {
            self.legacy.remove(&k);
            self.files.insert(k, s.to_owned());
        }
    }

    /// The input that `relative` was written from, if the manifest trusts it to own the file
    /// (entries of a format-1 manifest for inputs outside the current root are not trusted: they
    /// may be this very project at its old place).
    pub fn owner(&self, relative: &Path) -> Option<&Path> {
        let k = key(relative)?;
        if self.legacy.contains(&k) {
            return None;
        }
        self.files.get(&k).map(|s| Path::new(s.as_str()))
    }

    /// The hash of the bytes budgetnote last wrote to `relative`, if the manifest records it.
    pub fn written(&self, relative: &Path) -> Option<&str> {
        self.hashes.get(&key(relative)?).map(String::as_str)
    }

    /// Whether budgetnote wrote `relative`.
    pub fn contains(&self, relative: &Path) -> bool {
        key(relative).is_some_and(|k| self.files.contains_key(&k))
    }

    /// Forgets `relative` (it was removed).
    pub fn forget(&mut self, relative: &Path) {
        if let Some(k) = key(relative) {
            self.files.remove(&k);
            self.hashes.remove(&k);
            self.cache.remove(&k);
            self.legacy.remove(&k);
        }
    }

    /// Forgets `relative` if it was recorded for `source` (and not for another input).
    pub fn forget_owned(&mut self, relative: &Path, source: &Path) {
        if let Some(k) = key(relative)
            && self
                .files
                .get(&k)
                .is_some_and(|s| Path::new(s.as_str()) == source)
        {
            self.forget(relative);
        }
    }

    /// The recorded files whose input lies in one of `scopes` (folders rendered in full, or single
    /// files) and that no input of this run writes (`current`: output key → input): their input
    /// was deleted or renamed, or now has another output, so the file is stale. Files recorded for
    /// inputs outside the scopes (not part of a partial run) are kept.
    pub fn stale(&self, scopes: &[PathBuf], current: &BTreeMap<String, PathBuf>) -> Vec<PathBuf> {
        self.files
            .iter()
            .filter(|(out, source)| {
                let source = Path::new(source.as_str());
                scopes.iter().any(|s| source.starts_with(s)) && !current.contains_key(out.as_str())
            })
            .map(|(out, _)| out.split('/').collect())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // An edited manifest naming files outside the output folder is not trusted with them.
    #[test]
    fn entries_outside_the_output_folder_are_dropped() {
        let dir = std::env::temp_dir().join(format!("budgetnote-manifest-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let text = r#"{"version": 1, "files": {"../x.pdf": "/p/a.toml", "/etc/y.pdf": "/p/b.toml",
            "a/./b.pdf": "/p/c.toml", "ok/z.pdf": "/p/d.toml", ".budgetnote-manifest": "/p/e.toml"}}"#;
        std::fs::write(dir.join(FILE), text).unwrap();
        let manifest = Manifest::load(&dir, &dir);
        std::fs::remove_dir_all(&dir).unwrap();
        let keys: Vec<&String> = manifest.files.keys().collect();
        assert_eq!(keys, ["a/./b.pdf", "ok/z.pdf"]);
    }

    // Only files of inputs inside a rendered scope that this run no longer writes are stale.
    #[test]
    fn stale_files_are_those_of_rendered_scopes_only() {
        let mut manifest = Manifest::default();
        manifest.record(Path::new("a.pdf"), Path::new("/p/proposals/a.toml"));
        manifest.record(Path::new("gone.pdf"), Path::new("/p/proposals/gone.toml"));
        manifest.record(Path::new("k/x.pdf"), Path::new("/p/proposals/k/x.toml"));
        manifest.record(Path::new("other.pdf"), Path::new("/p/arkiv/other.toml"));
        let current: BTreeMap<String, PathBuf> =
            [("a.pdf".to_owned(), PathBuf::from("/p/proposals/a.toml"))].into();
        let folder = [PathBuf::from("/p/proposals")];
        assert_eq!(
            manifest.stale(&folder, &current),
            [PathBuf::from("gone.pdf"), PathBuf::from("k/x.pdf")]
        );
        let single = [PathBuf::from("/p/proposals/a.toml")];
        assert!(manifest.stale(&single, &current).is_empty());
        assert!(manifest.contains(Path::new("k/x.pdf")));
        manifest.forget(Path::new("k/x.pdf"));
        assert!(!manifest.contains(Path::new("k/x.pdf")));
    }

    // Inputs inside the project are saved relative to its root and read back against the root
    // of the day (a moved project); a format-1 manifest's absolute inputs are still read, and
    // those outside the root are not trusted as owners.
    #[test]
    fn inputs_are_stored_relative_to_the_project_root() {
        let base = std::env::temp_dir().join(format!("budgetnote-rel-{}", std::process::id()));
        let (old, new, out) = (base.join("old"), base.join("new"), base.join("out"));
        for dir in [&old, &new, &out] {
            std::fs::create_dir_all(dir).unwrap();
        }
        let mut manifest = Manifest::load(&out, &old);
        let old = old.canonicalize().unwrap();
        manifest.record(Path::new("a.pdf"), &old.join("proposals/a.toml"));
        manifest.record(Path::new("b.pdf"), Path::new("/elsewhere/b.toml"));
        manifest.save(&out).unwrap();
        let text = std::fs::read_to_string(out.join(FILE)).unwrap();
        assert!(text.contains("\"a.pdf\": \"proposals/a.toml\""), "{text}");
        assert!(text.contains("\"b.pdf\": \"/elsewhere/b.toml\""), "{text}");
        let moved = Manifest::load(&out, &new);
        let new = new.canonicalize().unwrap();
        assert_eq!(
            moved.owner(Path::new("a.pdf")),
            Some(new.join("proposals/a.toml").as_path())
        );
        assert_eq!(
            moved.owner(Path::new("b.pdf")),
            Some(Path::new("/elsewhere/b.toml"))
        );
        let v1 = format!(
            r#"{{"version": 1, "files": {{"a.pdf": "{}", "b.pdf": "/elsewhere/b.toml"}}}}"#,
            new.join("proposals/a.toml").display()
        );
        std::fs::write(out.join(FILE), v1).unwrap();
        let legacy = Manifest::load(&out, &new);
        std::fs::remove_dir_all(&base).unwrap();
        assert!(legacy.owner(Path::new("a.pdf")).is_some());
        assert_eq!(legacy.owner(Path::new("b.pdf")), None);
        assert!(legacy.contains(Path::new("b.pdf")));
    }

    // Saving records the hash of what this process wrote to each file; a format-2 manifest's
    // files get theirs from the render cache or, lacking an entry, from the file found there.
    #[test]
    fn hashes_come_from_writes_and_old_manifests_from_the_files() {
        let dir = std::env::temp_dir().join(format!("budgetnote-hashes-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        crate::output::write_atomic(&dir.join("a.csv"), b"written").unwrap();
        let mut manifest = Manifest::load(&dir, &dir);
        manifest.record(Path::new("a.csv"), Path::new("/p/a.toml"));
        manifest.save(&dir).unwrap();
        let saved = Manifest::load(&dir, &dir);
        assert_eq!(
            saved.written(Path::new("a.csv")),
            Some(crate::hash::hash(b"written").as_str())
        );
        std::fs::write(dir.join("b.csv"), "found").unwrap();
        let v2 = r#"{"version": 2, "files": {"b.csv": "/p/b.toml", "c.pdf": "/p/c.toml"},
            "cache": {"c.pdf": {"key": "k", "files": {}, "output": "cafe"}}}"#;
        std::fs::write(dir.join(FILE), v2).unwrap();
        let old = Manifest::load(&dir, &dir);
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(
            old.written(Path::new("b.csv")),
            Some(crate::hash::hash(b"found").as_str())
        );
        assert_eq!(old.written(Path::new("c.pdf")), Some("cafe"));
    }
}
