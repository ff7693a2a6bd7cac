//! The bundled proposals' PDFs, byte for byte: a fingerprint of every PDF `render` writes for
//! `proposals/` is kept in tests/golden/bundled-pdfs.txt, so any change to what they print (a
//! template, a default, the layout) shows up here and must be stated. After an intended change,
//! `BUDGETNOTE_UPDATE_GOLDEN=1 cargo test golden` rewrites the file, and its diff goes into the
//! commit.

use std::path::Path;

use crate::common::{root, run_cli};

/// FNV-1a, 64 bits: a fingerprint that is stable across Rust versions and machines.
fn fingerprint(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// `path fingerprint` lines for every PDF under `dir`, sorted.
fn fingerprints(dir: &Path, base: &Path, lines: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            fingerprints(&path, base, lines);
        } else if path.extension().is_some_and(|e| e == "pdf") {
            let name = path
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            lines.push(format!(
                "{name} {:016x}",
                fingerprint(&std::fs::read(&path).unwrap())
            ));
        }
    }
}

// Every bundled proposal and the seed catalogue's annex render to exactly the bytes recorded.
#[test]
fn bundled_pdfs_are_unchanged() {
    let out = tempfile::tempdir().unwrap();
    let result = run_cli(
        &root(),
        &["render", "proposals", "-o", out.path().to_str().unwrap()],
    );
    assert_eq!(
        result.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let mut lines = Vec::new();
    fingerprints(out.path(), out.path(), &mut lines);
    lines.sort();
    assert!(lines.len() >= 13, "{lines:?}");
    let text = lines.join("\n") + "\n";
    let file = root().join("tests/golden/bundled-pdfs.txt");
    if std::env::var_os("BUDGETNOTE_UPDATE_GOLDEN").is_some() {
        std::fs::write(&file, &text).unwrap();
    }
    let recorded = std::fs::read_to_string(&file).unwrap_or_default();
    assert_eq!(
        text, recorded,
        "the bundled PDFs changed; if intended, set BUDGETNOTE_UPDATE_GOLDEN=1 and state the change"
    );
}
