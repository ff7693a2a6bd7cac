//! Reading the user's files safely: only regular files, never more than a size limit, and (for
//! paths a file names) only inside the project root.
//!
//! Every user file (proposals, catalogues, the files a catalogue names, `budgetnote.toml`) is read
//! through [`read_limited`], so a FIFO cannot make a run hang and a symlink to `/dev/zero` cannot
//! exhaust memory. The working tree's [`crate::sources::WorkTree`] reads every file through it;
//! a git revision ([`crate::git::Snapshot`]) applies the same limits to its blobs.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Code, Diagnostic};

/// The project's settings file at the project root (the profile, committees, accounts).
pub const SETTINGS_FILE: &str = "budgetnote.toml";

/// The largest TOML file read (10 MB): far above any real proposal (the largest bundled one is
/// about 20 kB), far below what would strain memory when a batch is read in parallel.
pub const TOML_LIMIT: u64 = 10 * 1024 * 1024;

/// Why a user's file was not read.
#[derive(Debug)]
pub enum ReadError {
    /// The path is a folder, FIFO, socket or device (named by what it is), not a regular file.
    NotRegular(&'static str),
    /// The file holds more bytes than the limit.
    TooLarge {
        /// The limit in bytes.
        limit: u64,
    },
    /// The file could not be opened or read.
    Io(std::io::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::NotRegular(kind) => write!(f, "it is {kind}, not a regular file"),
            ReadError::TooLarge { limit } => {
                write!(f, "it is larger than {} MB", limit / (1024 * 1024))
            }
            ReadError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl ReadError {
    /// The diagnostic for this problem (E060 or E061) at `span`; `None` for an I/O error, which is
    /// not the user's content.
    pub fn diagnostic(
        &self,
        path: &Path,
        span: Option<std::ops::Range<usize>>,
    ) -> Option<Diagnostic> {
        match self {
            ReadError::NotRegular(kind) => Some(
                Diagnostic::new(
                    Code::E060,
                    format!("{} is {kind}, not a regular file", path.display()),
                    span,
                )
                .with_label("not a regular file")
                .with_help(
                    "name an ordinary .toml file saved by an editor; folders are searched for \
                     .toml files, but FIFOs, devices and sockets are never read",
                ),
            ),
            ReadError::TooLarge { limit } => Some(
                Diagnostic::new(
                    Code::E061,
                    format!(
                        "{} is larger than {} MB, the limit for a TOML file",
                        path.display(),
                        limit / (1024 * 1024)
                    ),
                    span,
                )
                .with_label("file too large")
                .with_help(
                    "a proposal is a few kilobytes of text; split the file, or check that this \
                     is the file you meant",
                ),
            ),
            ReadError::Io(_) => None,
        }
    }
}

/// What kind of non-regular file the metadata describes, in words.
fn kind_of(meta: &std::fs::Metadata) -> Option<&'static str> {
    let kind = meta.file_type();
    if kind.is_file() {
        return None;
    }
    if kind.is_dir() {
        return Some("a folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if kind.is_socket() {
            return Some("a socket");
        }
        if kind.is_char_device() || kind.is_block_device() {
            return Some("a device");
        }
    }
    Some("not an ordinary file")
}

/// Checks, without opening it, that `path` (after following symlinks) is a regular file of at
/// most `limit` bytes.
pub fn check_regular(path: &Path, limit: u64) -> Result<(), ReadError> {
    let meta = std::fs::metadata(path).map_err(|e| {
        // A symlink whose target is gone (an editor's lock file `.#x.toml`, a moved file) is the
        // user's file to fix, not an I/O failure of the run.
        if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
            ReadError::NotRegular("a symlink that leads nowhere")
        } else {
            ReadError::Io(e)
        }
    })?;
    if let Some(kind) = kind_of(&meta) {
        return Err(ReadError::NotRegular(kind));
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge { limit });
    }
    Ok(())
}

/// Reads a user's file: only a regular file (after following symlinks), of at most `limit`
/// bytes: [`read_regular`]. The type is checked before opening and again on the opened handle
/// (opened without blocking), and at most `limit + 1` bytes are read, so a file that grows
/// meanwhile is still bounded.
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    // One bounded reader: opened without blocking, so a FIFO swapped in after the check by name
    // is refused on its handle instead of hanging the run.
    read_regular(path, limit)
}

/// `O_NONBLOCK` where its value is known without the `libc` crate (opening a FIFO with it
/// returns at once instead of waiting for a writer; reads of a regular file ignore it); `None`
/// elsewhere, where the type is checked before opening only.
#[cfg_attr(not(unix), allow(dead_code))]
const NONBLOCK: Option<i32> = if cfg!(any(
    target_os = "macos",
    target_os = "ios",
    target_os = "freebsd",
    target_os = "netbsd",
    target_os = "openbsd"
)) {
    Some(0x4)
} else if cfg!(all(
    target_os = "linux",
    any(
        target_arch = "x86_64",
        target_arch = "x86",
        target_arch = "aarch64",
        target_arch = "arm",
        target_arch = "riscv64"
    )
)) {
    Some(0o4000)
} else {
    None
};

/// Opens `path` (after following symlinks) for reading only when it is a regular file, checked
/// by name first (a device is never opened) and again on the opened handle, which is what is
/// read: a FIFO or device put in its place between the two checks is refused, not read. On
/// Unix the file is opened non-blocking, so even that swap cannot make the open wait.
pub fn open_regular(path: &Path) -> Result<(std::fs::File, std::fs::Metadata), ReadError> {
    check_regular(path, u64::MAX)?;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    if let Some(flag) = NONBLOCK {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(flag);
    }
    let file = options.open(path).map_err(ReadError::Io)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    if let Some(kind) = kind_of(&meta) {
        return Err(ReadError::NotRegular(kind));
    }
    Ok((file, meta))
}

/// Reads a regular file of at most `limit` bytes through [`open_regular`]: the opened handle is
/// checked, and at most `limit + 1` bytes are read, so a file that grows meanwhile is bounded.
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let (file, meta) = open_regular(path)?;
    if meta.len() > limit {
        return Err(ReadError::TooLarge { limit });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { limit });
    }
    Ok(bytes)
}

/// Reads a user's TOML file as UTF-8 text, or `None` when it is not a regular file, too large,
/// unreadable or not UTF-8 (for scheduling and cross-file checks; the file's own check reports
/// why).
pub fn read_toml_quietly(path: &Path) -> Option<String> {
    read_limited(path, TOML_LIMIT)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
}

/// Why a path is not inside the project root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confinement {
    /// The path (or a symlink on its way) leads outside the project root.
    Outside,
    /// The path does not exist.
    Missing,
    /// The project root itself cannot be resolved.
    NoRoot,
}

/// The real path of `path` (every symlink and `..` resolved) if it lies inside the real path of
/// `root`; nothing is opened or read.
pub fn inside_root(root: &Path, path: &Path) -> Result<PathBuf, Confinement> {
    let root = root.canonicalize().map_err(|_| Confinement::NoRoot)?;
    let real = path.canonicalize().map_err(|_| Confinement::Missing)?;
    if real.starts_with(&root) {
        Ok(real)
    } else {
        Err(Confinement::Outside)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // A file over the limit is refused without being read whole; one at the limit is read.
    #[test]
    fn size_limit_is_exact() {
        let dir = std::env::temp_dir().join(format!("budgetnote-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("x.toml");
        std::fs::write(&file, b"12345").unwrap();
        assert_eq!(read_limited(&file, 5).unwrap(), b"12345");
        assert!(matches!(
            read_limited(&file, 4),
            Err(ReadError::TooLarge { limit: 4 })
        ));
        assert!(matches!(
            read_limited(&dir, 5),
            Err(ReadError::NotRegular("a folder"))
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    // A FIFO is refused by the opening reader without waiting for a writer, and so is a
    // symlink to /dev/zero; a regular file is read up to its limit.
    #[cfg(unix)]
    #[test]
    fn open_regular_refuses_fifos_and_devices() {
        let dir = std::env::temp_dir().join(format!("budgetnote-open-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let fifo = dir.join("pipe.pdf");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        assert!(matches!(
            read_regular(&fifo, 10),
            Err(ReadError::NotRegular("a FIFO (named pipe)"))
        ));
        let zero = dir.join("zero.pdf");
        std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
        assert!(matches!(
            read_regular(&zero, 10),
            Err(ReadError::NotRegular("a device"))
        ));
        let file = dir.join("x.pdf");
        std::fs::write(&file, b"12345").unwrap();
        assert_eq!(read_regular(&file, 5).unwrap(), b"12345");
        assert!(matches!(
            read_regular(&file, 4),
            Err(ReadError::TooLarge { limit: 4 })
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    // A character device (/dev/zero, endless) is refused before it is opened.
    #[cfg(unix)]
    #[test]
    fn devices_are_refused() {
        assert!(matches!(
            read_limited(Path::new("/dev/zero"), TOML_LIMIT),
            Err(ReadError::NotRegular("a device"))
        ));
    }
}
