//! The manifest of an output folder, `out/.budgetnote-manifest`: which files budgetnote wrote
//! there and from which input. Only files it lists are ever removed as stale; any other file in
//! the output folder is left alone.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::AppError;

/// The manifest's file name inside the output folder.
pub const FILE: &str = ".budgetnote-manifest";

/// The largest manifest read (a line per PDF; 64 MB is millions of PDFs).
const LIMIT: u64 = 64 * 1024 * 1024;

/// What budgetnote wrote into one output folder.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Format version.
    pub version: u32,
    /// Each written file (path relative to the output folder, `/`-separated) with the absolute
    /// path of the input it was made from.
    pub files: BTreeMap<String, String>,
}

/// A path relative to the output folder as the manifest writes it (`/`-separated), or `None`
/// when a part is not UTF-8 (such a file is simply not recorded, so never removed).
pub fn key(relative: &Path) -> Option<String> {
    let parts: Option<Vec<&str>> = relative
        .components()
        .map(|c| c.as_os_str().to_str())
        .collect();
    parts.map(|p| p.join("/"))
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
    /// Reads the manifest of `out_dir`; a missing or unreadable one is empty (nothing is then
    /// removed as stale, which is the safe side).
    ///
    /// Entries that do not name a file inside the output folder (`..`, an absolute path) are
    /// dropped, so an edited manifest can never make budgetnote remove a file elsewhere.
    pub fn load(out_dir: &Path) -> Self {
        let mut manifest = crate::files::read_limited(&out_dir.join(FILE), LIMIT)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Manifest>(&bytes).ok())
            .unwrap_or_default();
        manifest.files.retain(|out, _| inside(out));
        manifest
    }

    /// Writes the manifest atomically into `out_dir`; an empty one is removed instead, so a run
    /// that wrote nothing leaves nothing.
    pub fn save(&self, out_dir: &Path) -> Result<(), AppError> {
        if self.files.is_empty() {
            return crate::output::remove_stale(&out_dir.join(FILE)).map(|_| ());
        }
        let mut text = serde_json::to_string_pretty(&Manifest {
            version: 1,
            files: self.files.clone(),
        })
        .map_err(|e| AppError(format!("cannot write the output manifest: {e}")))?;
        text.push('\n');
        crate::output::write_atomic(&out_dir.join(FILE), text.as_bytes())
    }

    /// Records that `relative` was (or is about to be) written from `source`.
    pub fn record(&mut self, relative: &Path, source: &Path) {
        if let (Some(k), Some(s)) = (key(relative), source.to_str()) {
            self.files.insert(k, s.to_owned());
        }
    }

    /// Whether budgetnote wrote `relative`.
    pub fn contains(&self, relative: &Path) -> bool {
        key(relative).is_some_and(|k| self.files.contains_key(&k))
    }

    /// Forgets `relative` (it was removed).
    pub fn forget(&mut self, relative: &Path) {
        if let Some(k) = key(relative) {
            self.files.remove(&k);
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
        let manifest = Manifest::load(&dir);
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
}
