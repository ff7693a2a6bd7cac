//! Writing PDFs: atomically (temp file + rename), and removing stale ones of failed proposals.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::AppError;

/// The PDF path for a proposal file: `<dir>/<file stem>.pdf`.
pub fn pdf_path(out_dir: &Path, proposal: &Path) -> PathBuf {
    let stem = proposal
        .file_stem()
        .map_or_else(|| "proposal".into(), |s| s.to_os_string());
    out_dir.join(stem).with_extension("pdf")
}

/// Writes `bytes` to `path` so that readers see the old file or the whole new one, never a part.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), AppError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| {
        AppError(format!(
            "cannot create output folder {}: {e}",
            dir.display()
        ))
    })?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        AppError(format!("cannot write {}: {e}", path.display()))
    })
}

/// Removes a PDF left from an earlier run, so a failed proposal has no PDF that looks current.
pub fn remove_stale(path: &Path) -> Result<bool, AppError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(AppError(format!(
            "cannot remove stale {}: {e}",
            path.display()
        ))),
    }
}
