//! Typesetting once per input state: a run that writes no PDF keeps what it typeset in the
//! output folder's stash, the next PDF run writes it without typesetting, and every PDF is
//! byte for byte what `render --force` makes.

use std::collections::BTreeSet;
use std::path::Path;

use crate::common::{copy_dir, run_cli};

/// Every document of the fixture project, by its PDF's path under the output folder.
const ALL: &[&str] = &[
    "sheet.pdf",
    "logo.pdf",
    "katalog/e1.pdf",
    "katalog/e3.pdf",
    "katalog/catalogue.pdf",
];

/// A copy of `tests/cache/project` (proposals, a logo, a catalogue) with the repository's
/// templates and profile.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(Path::new("tests/cache/project"), dir.path());
    copy_dir(Path::new("templates"), &dir.path().join("templates"));
    std::fs::copy("budgetnote.toml", dir.path().join("budgetnote.toml")).unwrap();
    dir
}

/// Runs `render proposals -o OUT` with `extra` arguments, asserts it succeeded, and returns the
/// documents it wrote and those it kept, by their path under `out`.
fn render(dir: &Path, out: &str, extra: &[&str]) -> (BTreeSet<String>, BTreeSet<String>) {
    // --verbose: outside a terminal only the summary and problems are printed otherwise.
    let mut args = vec!["--verbose", "render", "proposals", "-o", out];
    args.extend_from_slice(extra);
    let output = run_cli(dir, &args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "render failed:\n{stderr}");
    let listed = |verb: &str| -> BTreeSet<String> {
        let prefix = format!("{verb} {out}/");
        stderr
            .lines()
            .filter_map(|line| line.strip_prefix(&prefix))
            .filter(|name| name.ends_with(".pdf"))
            .map(str::to_owned)
            .collect()
    };
    (listed("wrote"), listed("unchanged"))
}

/// The stash files of the output folder `out` (none when it has no stash folder).
fn stash_files(out: &Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(out.join(".budgetnote-cache"))
        .map(|dir| dir.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default()
}

/// The documents named, as a set.
fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| (*s).to_owned()).collect()
}

// An HTML-only run typesets each document and keeps its PDF in the stash (writing no PDF); the
// next PDF run writes every PDF from there, each equal to a `--force` render; the stash is then
// gone, and an HTML run after that typesets nothing (the manifest knows the PDFs).
#[test]
fn a_pdf_run_after_an_html_run_writes_what_the_html_run_typeset() {
    let dir = project();
    let out = dir.path().join("out");
    render(dir.path(), "out", &["--format", "html"]);
    for name in ALL {
        assert!(!out.join(name).exists(), "{name} written by an html run");
    }
    assert_eq!(stash_files(&out).len(), ALL.len());

    let (wrote, kept) = render(dir.path(), "out", &[]);
    assert_eq!(wrote, set(ALL));
    assert!(kept.is_empty(), "{kept:?}");
    assert!(
        stash_files(&out).is_empty(),
        "the stash stays after a PDF run"
    );

    render(dir.path(), "forced", &["--force"]);
    for name in ALL {
        let made = std::fs::read(out.join(name)).unwrap();
        let forced = std::fs::read(dir.path().join("forced").join(name)).unwrap();
        assert!(made == forced, "{name} differs from a --force render");
    }

    render(dir.path(), "out", &["--format", "html"]);
    assert!(
        stash_files(&out).is_empty(),
        "an unchanged html run typeset again"
    );
}

// The PDF run really does not typeset a stashed document: a stash whose (consistent) bytes are
// not a PDF typst would make is written as it is, so what was written came from the stash; a
// stash whose bytes do not hash to its entry is no stash (the PDF is typeset, as `--force`); and
// `--force` ignores the stash.
#[test]
fn the_stash_is_used_only_when_it_is_whole_and_not_forced() {
    let dir = project();
    let out = dir.path().join("out");
    render(dir.path(), "out", &["--format", "html"]);
    render(dir.path(), "forced", &["--force"]);
    let stashes = stash_files(&out);
    assert_eq!(stashes.len(), ALL.len());
    let sheet = dir.path().join("forced/sheet.pdf");
    let real = std::fs::read(&sheet).unwrap();
    // Every stash's PDF replaced: by other bytes hashed into its entry (a consistent stash), or
    // cut short (inconsistent).
    let mut consistent = 0;
    for (n, path) in stashes.iter().enumerate() {
        let data = std::fs::read(path).unwrap();
        let split = data.iter().position(|&b| b == b'\n').unwrap();
        let mut entry: serde_json::Value = serde_json::from_slice(&data[..split]).unwrap();
        let fake = format!("%PDF-1.7 not typeset {n}\n").into_bytes();
        let mut text = if n % 2 == 0 {
            consistent += 1;
            entry["output"] = budgetnote_hash(&fake).into();
            serde_json::to_vec(&entry).unwrap()
        } else {
            data[..split].to_vec()
        };
        text.push(b'\n');
        text.extend_from_slice(&fake);
        std::fs::write(path, text).unwrap();
    }
    render(dir.path(), "out", &[]);
    let faked: Vec<&&str> = ALL
        .iter()
        .filter(|name| {
            std::fs::read(out.join(name))
                .unwrap()
                .starts_with(b"%PDF-1.7 not typeset")
        })
        .collect();
    assert_eq!(faked.len(), consistent, "{faked:?}");
    for name in ALL.iter().filter(|n| !faked.contains(n)) {
        let made = std::fs::read(out.join(name)).unwrap();
        let forced = std::fs::read(dir.path().join("forced").join(name)).unwrap();
        assert!(made == forced, "{name} differs from a --force render");
    }
    assert!(!real.is_empty());

    // `--force` never takes a stash: after another HTML run and a faked stash, a forced PDF run
    // typesets.
    render(dir.path(), "html2", &["--format", "html"]);
    let html2 = dir.path().join("html2");
    for path in stash_files(&html2) {
        let fake = b"%PDF-1.7 not typeset\n".to_vec();
        let data = std::fs::read(&path).unwrap();
        let split = data.iter().position(|&b| b == b'\n').unwrap();
        let mut entry: serde_json::Value = serde_json::from_slice(&data[..split]).unwrap();
        entry["output"] = budgetnote_hash(&fake).into();
        let mut text = serde_json::to_vec(&entry).unwrap();
        text.push(b'\n');
        text.extend_from_slice(&fake);
        std::fs::write(&path, text).unwrap();
    }
    render(dir.path(), "html2", &["--force"]);
    assert_eq!(std::fs::read(html2.join("sheet.pdf")).unwrap(), real);
}

/// The lower-case hex SHA-256 of `bytes`, as the render cache records a PDF.
fn budgetnote_hash(bytes: &[u8]) -> String {
    budgetnote::cache::hash(bytes)
}
