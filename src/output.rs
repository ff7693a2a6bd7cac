//! Writing PDFs: where each input's PDF goes (unique by construction), atomic writes through
//! unique temp files, and removing stale PDFs and temp files left by a killed run.

use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::AppError;

/// The default folder of proposals; its name is left out of output paths.
pub const PROPOSALS_DIR: &str = "proposals";

/// The absolute path of `file` with its folders resolved (symlinks, `..`) but its own name kept
/// (a symlinked proposal keeps its own name); `file` itself when the folder cannot be resolved.
pub fn absolute(file: &Path) -> PathBuf {
    let parent = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    match (parent.canonicalize(), file.file_name()) {
        (Ok(dir), Some(name)) => dir.join(name),
        _ => file.to_owned(),
    }
}

/// While alive, this process is the only budgetnote run writing into one output folder: two runs
/// at once (a `watch` and a `render`, say) would each save their own manifest and lose the
/// other's entries, so that stale files would stay for good.
#[derive(Debug)]
pub struct OutputLock {
    /// The locked file, when the lock could be taken (`None`: the system gives no lock file, and
    /// the run goes on without one, as before there was a lock).
    _file: Option<std::fs::File>,
}

/// Takes the lock of the output folder `out_dir`, waiting (with a message) while another run
/// holds it. The lock file lives in the system's temp folder, named by a hash of the folder's
/// real path (every symlink resolved, see [`resolved`]), so the output folder gets no file of its
/// own and need not exist yet, and `-o out` and `-o outlink` (a symlink to `out`) share a lock.
pub fn lock(out_dir: &Path) -> OutputLock {
    let path = resolved(out_dir);
    let name = crate::hash::hash(path.as_os_str().as_encoded_bytes());
    let dir = std::env::temp_dir().join("budgetnote-locks");
    let file = std::fs::create_dir_all(&dir).ok().and_then(|()| {
        std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join(format!("{}.lock", &name[..32])))
            .ok()
    });
    let Some(file) = file else {
        return OutputLock { _file: None };
    };
    let locked = match file.try_lock() {
        Ok(()) => true,
        Err(std::fs::TryLockError::WouldBlock) => {
            eprintln!(
                "waiting for another budgetnote run writing into {} to finish",
                out_dir.display()
            );
            file.lock().is_ok()
        }
        Err(std::fs::TryLockError::Error(_)) => false,
    };
    OutputLock {
        _file: locked.then_some(file),
    }
}

/// The real path of `path` with every symlink resolved, also the last one when it leads to a
/// folder that does not exist yet (a dangling `outlink` → `out`); else [`absolute`].
pub fn resolved(path: &Path) -> PathBuf {
    let mut path = path.to_owned();
    // Symlinks are followed by hand only as far as the system would (40 on Linux).
    for _ in 0..40 {
        if let Ok(real) = path.canonicalize() {
            return real;
        }
        match std::fs::read_link(&path) {
            Ok(target) => {
                let parent = path.parent().unwrap_or(Path::new(".")).to_owned();
                path = parent.join(target);
            }
            Err(_) => break,
        }
    }
    absolute(&path)
}

/// `path` made absolute from the current folder and `.`/`..` removed by its text alone, symlinks
/// kept (a `proposals/` that is a symlink still names the files under it `proposals/…`).
fn lexical(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for part in std::path::absolute(path).ok()?.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    Some(out)
}

/// The path of `file` below the folder `dir`: by the paths as written, else with every symlink
/// resolved; `None` when `file` is not below `dir`.
fn below(file: &Path, dir: &Path) -> Option<PathBuf> {
    let written = lexical(file)
        .zip(lexical(dir))
        .and_then(|(f, d)| f.strip_prefix(d).ok().map(Path::to_owned));
    written.or_else(|| {
        let dir = dir.canonicalize().ok()?;
        absolute(file).strip_prefix(dir).ok().map(Path::to_owned)
    })
}

/// Where the PDF of an input file goes, relative to the output folder.
///
/// Inside the project root: the file's path from the root, a leading `proposals/` dropped
/// (`proposals/katalog/k1.toml` → `katalog/k1.pdf`, `plan.2025.toml` → `plan.2025.pdf`). Outside
/// it: the path from `base`, the folder named on the command line it was found in, or else just
/// the file's name. Only a final `.toml` is replaced by `.pdf`.
pub fn relative_pdf(root: &Path, file: &Path, base: Option<&Path>) -> PathBuf {
    let from_root = below(file, root).map(|rel| {
        let mut parts = rel.components();
        match (parts.next(), parts.clone().next()) {
            (Some(Component::Normal(first)), Some(_)) if first == PROPOSALS_DIR => {
                parts.as_path().to_owned()
            }
            _ => rel,
        }
    });
    let rel = from_root
        .or_else(|| base.and_then(|b| below(file, b)))
        .filter(|rel| rel.file_name().is_some())
        .unwrap_or_else(|| PathBuf::from(file.file_name().unwrap_or("proposal".as_ref())));
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name.strip_suffix(".toml").unwrap_or(&name);
    rel.with_file_name(format!("{stem}.pdf"))
}

/// Temp files written by this process so far (part of each temp file's name).
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// The marker in every temp file's name, so that only budgetnote's own temp files are cleaned up.
const TEMP_MARK: &str = ".budgetnote-";

/// The longest temp file name budgetnote adds to a PDF's name: `.` before it and
/// `.budgetnote-<pid>-<n>.tmp` after it, with a 10-digit process id and a 20-digit counter.
const TEMP_EXTRA: usize = 1 + TEMP_MARK.len() + 10 + 1 + 20 + ".tmp".len();

/// The longest PDF file name (in bytes) that budgetnote writes: its temp file's name must still
/// fit the 255 bytes a file name may have on common file systems (ext4, APFS, NTFS).
pub const MAX_PDF_NAME: usize = 255 - TEMP_EXTRA;

/// The temp file's name for the PDF named `name`, the `n`th write of process `pid`.
fn temp_name(name: &str, pid: u32, n: u64) -> String {
    format!(".{name}{TEMP_MARK}{pid}-{n}.tmp")
}

/// A temp file that is removed when dropped unless it was renamed into place (also when a panic
/// unwinds through the write).
struct TempFile {
    /// The temp file's path.
    path: PathBuf,
    /// Whether it was renamed into place.
    kept: bool,
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// The hash of the bytes this process last wrote to each path through [`write_atomic`], for the
/// manifest to record (see [`written_hash`]).
static WRITTEN: std::sync::Mutex<std::collections::BTreeMap<PathBuf, String>> =
    std::sync::Mutex::new(std::collections::BTreeMap::new());

/// The hash of the bytes this process last wrote to `path` (as named to [`write_atomic`]), if it
/// wrote there.
pub fn written_hash(path: &Path) -> Option<String> {
    WRITTEN.lock().ok()?.get(path).cloned()
}

/// How the names of budgetnote's own bookkeeping files in an output folder begin (the manifest,
/// `.budgetnote-manifest`): those are flushed to the disk when written, outputs are not.
const OWN_FILE: &str = ".budgetnote-";

/// Writes `bytes` to `path` so that readers see the old file or the whole new one, never a part.
/// The temp file beside it is unique per process and write (`.x.pdf.budgetnote-<pid>-<n>.tmp`).
///
/// Only the output folder's manifest is flushed to the disk (fsync) before it is renamed into
/// place: later runs trust it to remove files. An output (PDF, page, spreadsheet, stash) is not:
/// the rename keeps it whole for every reader and after a killed run, and only a power cut or a
/// crash of the system within the kernel's writeback delay could leave it empty or cut, which
/// the next `render` sees (the render cache keeps a PDF only when its bytes hash to what was
/// recorded; the other outputs are written by every run). An fsync per PDF cost 15-40 ms each,
/// more than typesetting it.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), AppError> {
    write_atomic_hashed(path, bytes, None)
}

/// [`write_atomic`] of bytes whose [`crate::hash::hash`] the caller has already computed
/// (`hashed`; a PDF's render cache entry holds it), so they are not hashed a second time for the
/// manifest.
pub fn write_atomic_hashed(
    path: &Path,
    bytes: &[u8],
    hashed: Option<&str>,
) -> Result<(), AppError> {
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
    // The manifest is saved before and after every run; one that holds these bytes already is
    // not written (and flushed) again.
    let durable = name.starts_with(OWN_FILE);
    if durable
        && crate::files::read_regular(path, bytes.len() as u64 + 1).is_ok_and(|old| old == bytes)
    {
        return Ok(());
    }
    let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut tmp = TempFile {
        path: dir.join(temp_name(&name, std::process::id(), n)),
        kept: false,
    };
    let result = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp.path)?;
        file.write_all(bytes)?;
        if durable {
            file.sync_all()?;
        }
        std::fs::rename(&tmp.path, path)
    })();
    match result {
        Ok(()) => {
            tmp.kept = true;
            if let Ok(mut written) = WRITTEN.lock() {
                let hash = hashed.map_or_else(|| crate::hash::hash(bytes), str::to_owned);
                written.insert(path.to_owned(), hash);
            }
            Ok(())
        }
        Err(e) => Err(AppError(format!("cannot write {}: {e}", path.display()))),
    }
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

/// A file the manifest or the render cache names, `relative` below the output folder `out_dir`,
/// looked up without following any symlink below `out_dir`: `Ok(Some(path))` when every folder
/// on its way is a real folder and the file itself a regular file (not a symlink), `Ok(None)`
/// when nothing is there, and `Err(why)` when something budgetnote never writes is there (a
/// symlinked folder or file, a FIFO, a folder), which is then not budgetnote's to touch.
pub fn recorded_file(out_dir: &Path, relative: &Path) -> Result<Option<PathBuf>, String> {
    let mut path = out_dir.to_owned();
    let mut parts = relative.components().peekable();
    if parts.peek().is_none() {
        return Err("it names no file".to_owned());
    }
    while let Some(part) = parts.next() {
        let Component::Normal(name) = part else {
            return Err("it is not a plain path below the output folder".to_owned());
        };
        path.push(name);
        let meta = match std::fs::symlink_metadata(&path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("{} cannot be examined: {e}", path.display())),
        };
        let kind = meta.file_type();
        let last = parts.peek().is_none();
        if kind.is_symlink() {
            return Err(format!("{} is a symlink", path.display()));
        }
        if !last && !kind.is_dir() {
            return Err(format!("{} is not a folder", path.display()));
        }
        if last && !kind.is_file() {
            return Err(format!("{} is not a regular file", path.display()));
        }
    }
    Ok(Some(path))
}

/// Removes the stale file `relative` that the manifest records below `out_dir`, only when it is
/// a regular file reached without a symlink (see [`recorded_file`]) whose bytes are still those
/// budgetnote wrote (their hash is `written`, as the manifest recorded it): an edited manifest or
/// a symlink put into the output folder can never make budgetnote remove a file elsewhere, and a
/// file the user replaced or edited since is theirs. Returns a warning naming what was left alone
/// instead, if anything.
pub fn remove_recorded(
    out_dir: &Path,
    relative: &Path,
    written: Option<&str>,
) -> Result<Option<String>, AppError> {
    let left = |why: &str| {
        format!(
            "left {} alone although the output manifest lists it: {why}",
            out_dir.join(relative).display()
        )
    };
    match recorded_file(out_dir, relative) {
        Ok(Some(path)) => match written {
            Some(hash) if holds(&path, hash) => remove_stale(&path).map(|_| None),
            Some(_) => Ok(Some(left(
                "it changed since budgetnote wrote it (remove it yourself if it is not needed)",
            ))),
            None => Ok(Some(left(
                "the manifest holds no hash of what budgetnote wrote there (it was edited, or a \
                 run was stopped while writing), so it cannot be told from a file of yours \
                 (remove it yourself if it is not needed)",
            ))),
        },
        Ok(None) => Ok(None),
        Err(why) => Ok(Some(left(&format!(
            "{why}, and budgetnote removes only regular files it wrote inside the output folder"
        )))),
    }
}

/// The largest file whose bytes are compared with a recorded hash (a cached PDF, a stale output):
/// a larger one counts as changed. Far above any real annex, and read in pieces, so it bounds
/// time, never memory.
pub const HASHED_LIMIT: u64 = 2 * 1024 * 1024 * 1024;

/// Whether the file at `path` holds exactly the bytes whose hash is `expected` (see
/// [`hash_of_file`]).
pub fn holds(path: &Path, expected: &str) -> bool {
    hash_of_file(path).is_some_and(|hash| hash == expected)
}

/// The hash of the bytes of the file at `path`, as [`crate::hash::hash`] gives it.
///
/// Only a regular file budgetnote could have written counts (else `None`): a symlink there (to
/// `/dev/zero`, say) is never followed, and a FIFO, device or socket is never read, as the opened
/// handle is checked (see [`crate::files::open_regular`]). The file is hashed in pieces, and one
/// over [`HASHED_LIMIT`] bytes is not hashed.
pub fn hash_of_file(path: &Path) -> Option<String> {
    use sha2::Digest;
    use std::io::Read;
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return None;
    }
    let (file, meta) = crate::files::open_regular(path).ok()?;
    if meta.len() > HASHED_LIMIT {
        return None;
    }
    let mut reader = file.take(HASHED_LIMIT + 1);
    let mut digest = sha2::Sha256::new();
    let mut buffer = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        match reader.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => {
                total += n as u64;
                digest.update(&buffer[..n]);
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    let hex: String = digest
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    (total <= HASHED_LIMIT).then_some(hex)
}

/// The process id in a budgetnote temp file's name (`.x.pdf.budgetnote-<pid>-<n>.tmp`).
fn temp_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix('.')?.strip_suffix(".tmp")?;
    let (_, ids) = rest.rsplit_once(TEMP_MARK)?;
    let (pid, n) = ids.split_once('-')?;
    n.parse::<u64>().ok()?;
    pid.parse().ok()
}

/// Whether the process that wrote a temp file has ended (then its temp file is abandoned).
/// Without `/proc`, a temp file is taken as abandoned when it is over an hour old.
fn abandoned(pid: u32, path: &Path) -> bool {
    if pid == std::process::id() {
        return false;
    }
    if Path::new("/proc/self").exists() {
        return !Path::new("/proc").join(pid.to_string()).exists();
    }
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age.as_secs() > 3600)
}

/// Removes budgetnote's temp files that a killed run left anywhere under `out_dir` (and only
/// those: a name must match `.<file>.budgetnote-<pid>-<n>.tmp` and its process must be gone).
/// Returns how many were removed. Symlinks are not followed.
pub fn clean_temp_files(out_dir: &Path) -> usize {
    let mut removed = 0;
    let mut dirs = vec![out_dir.to_owned()];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let path = entry.path();
            if kind.is_dir() {
                dirs.push(path);
            } else if kind.is_file()
                && let Some(pid) = temp_pid(&entry.file_name().to_string_lossy())
                && abandoned(pid, &path)
                && std::fs::remove_file(&path).is_ok()
            {
                removed += 1;
            }
        }
    }
    removed
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

#[cfg(test)]
mod tests {
    use super::*;

    // Output paths mirror the input's path, drop a leading proposals/, and replace only `.toml`.
    #[test]
    fn output_names_mirror_the_input() {
        let root = std::env::temp_dir().join(format!("budgetnote-out-{}", std::process::id()));
        std::fs::create_dir_all(root.join("proposals/a")).unwrap();
        std::fs::create_dir_all(root.join("other")).unwrap();
        let rel = |p: &str| relative_pdf(&root, &root.join(p), None);
        assert_eq!(rel("proposals/x.toml"), Path::new("x.pdf"));
        assert_eq!(rel("proposals/a/x.toml"), Path::new("a/x.pdf"));
        assert_eq!(rel("proposals/plan.2025.toml"), Path::new("plan.2025.pdf"));
        assert_eq!(rel("other/x.toml"), Path::new("other/x.pdf"));
        assert_eq!(rel("x.toml"), Path::new("x.pdf"));
        std::fs::remove_dir_all(&root).unwrap();
    }

    // A PDF name of the largest allowed length still has a temp name within 255 bytes, whatever
    // the process id and counter.
    #[test]
    fn the_longest_pdf_name_has_a_temp_name_that_fits() {
        let name = format!("{}.pdf", "x".repeat(MAX_PDF_NAME - 4));
        assert_eq!(name.len(), MAX_PDF_NAME);
        assert_eq!(temp_name(&name, u32::MAX, u64::MAX).len(), 255);
    }

    // A recorded file is removed only when it is a regular file reached without a symlink and
    // holds the bytes whose hash was recorded: a symlinked folder leading out of the output
    // folder, a symlinked file, a FIFO, a file changed since and one without a hash are left.
    #[cfg(unix)]
    #[test]
    fn recorded_files_are_removed_only_inside_the_output_folder() {
        let base = std::env::temp_dir().join(format!("budgetnote-rec-{}", std::process::id()));
        let (out, keep) = (base.join("out"), base.join("keep"));
        std::fs::create_dir_all(out.join("a")).unwrap();
        std::fs::create_dir_all(&keep).unwrap();
        std::fs::write(keep.join("notes.txt"), "keep").unwrap();
        std::fs::write(out.join("a/x.pdf"), "pdf").unwrap();
        std::fs::write(out.join("a/mine.pdf"), "edited").unwrap();
        std::os::unix::fs::symlink("../keep", out.join("web")).unwrap();
        std::os::unix::fs::symlink("../keep/notes.txt", out.join("n.pdf")).unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(out.join("f.pdf"))
            .status()
            .unwrap();
        assert!(made.success());
        let keep_hash = crate::hash::hash(b"keep");
        let remove = |p: &str, h: Option<&str>| remove_recorded(&out, Path::new(p), h).unwrap();
        let warned = remove("web/notes.txt", Some(&keep_hash));
        assert!(warned.is_some_and(|w| w.contains("is a symlink")));
        assert!(remove("n.pdf", Some(&keep_hash)).is_some());
        assert!(remove("f.pdf", None).is_some());
        assert!(remove("a", None).is_some());
        assert!(keep.join("notes.txt").exists());
        let changed = remove("a/mine.pdf", Some(&crate::hash::hash(b"pdf")));
        assert!(changed.is_some_and(|w| w.contains("it changed since budgetnote wrote it")));
        assert!(remove("a/x.pdf", None).is_some_and(|w| w.contains("no hash")));
        assert!(out.join("a/mine.pdf").exists() && out.join("a/x.pdf").exists());
        assert_eq!(remove("a/x.pdf", Some(&crate::hash::hash(b"pdf"))), None);
        assert!(!out.join("a/x.pdf").exists());
        assert_eq!(remove("gone/y.pdf", None), None);
        std::fs::remove_dir_all(&base).unwrap();
    }

    // A symlink to the output folder, even one whose folder does not exist yet, resolves to the
    // folder's own path, so both names take one lock.
    #[cfg(unix)]
    #[test]
    fn symlinked_output_folders_resolve_to_one_path() {
        let base = std::env::temp_dir().join(format!("budgetnote-res-{}", std::process::id()));
        std::fs::create_dir_all(&base).unwrap();
        std::os::unix::fs::symlink("out", base.join("outlink")).unwrap();
        assert_eq!(resolved(&base.join("outlink")), resolved(&base.join("out")));
        std::fs::create_dir_all(base.join("out")).unwrap();
        assert_eq!(resolved(&base.join("outlink")), resolved(&base.join("out")));
        std::fs::remove_dir_all(&base).unwrap();
    }

    // Only names of budgetnote's own temp files yield a process id.
    #[test]
    fn temp_names_are_recognised() {
        assert_eq!(temp_pid(".x.pdf.budgetnote-123-4.tmp"), Some(123));
        assert_eq!(temp_pid(".x.pdf.123.tmp"), None);
        assert_eq!(temp_pid("notes.tmp"), None);
        assert_eq!(temp_pid(".x.pdf.budgetnote-abc-4.tmp"), None);
    }
}
