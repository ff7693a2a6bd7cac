//! The bundled proposals' PDFs, byte for byte: a fingerprint of every PDF `render` writes for
//! `proposals/` is kept in tests/golden/bundled-pdfs.txt, so any change to what they print (a
//! template, a default, the layout) shows up here and must be stated. After an intended change,
//! `BUDGETNOTE_UPDATE_GOLDEN=1 cargo test golden` rewrites the file, and its diff goes into the
//! commit. Beside the fingerprints, each PDF has a snapshot a reviewer can read,
//! `tests/golden/<pdf path, / as __>.snap`: its page count, title, bookmarks (level, title, page)
//! and its text page by page, so the diff of a deliberate change shows what it changed
//! (`INSTA_UPDATE=always cargo test golden` rewrites them).

use std::path::Path;

use crate::common::{pdf_pages, pdf_text, root, run_cli};

/// FNV-1a, 64 bits: a fingerprint that is stable across Rust versions and machines.
fn fingerprint(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Every PDF under `dir`: its path under `base` (with `/`) and its bytes, unsorted.
fn pdfs(dir: &Path, base: &Path, found: &mut Vec<(String, Vec<u8>)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            pdfs(&path, base, found);
        } else if path.extension().is_some_and(|e| e == "pdf") {
            let name = path
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            found.push((name, std::fs::read(&path).unwrap()));
        }
    }
}

/// What a reviewer reads of a PDF: page count, title, bookmarks and the text of each page.
fn readable(pdf: &[u8]) -> String {
    let doc = lopdf::Document::load_mem(pdf).expect("a PDF lopdf can read");
    let pages = pdf_pages(pdf);
    assert_eq!(pages.len(), doc.get_pages().len(), "a text per page");
    let mut out = format!(
        "pages: {}\ntitle: {}\nbookmarks:\n",
        pages.len(),
        crate::pdf_standards::info(pdf, b"Title")
    );
    match doc.get_toc() {
        Ok(toc) => {
            assert!(toc.errors.is_empty(), "{:?}", toc.errors);
            if toc.toc.is_empty() {
                out.push_str("  (none)\n");
            }
            for entry in toc.toc {
                let indent = "  ".repeat(entry.level);
                out.push_str(&format!("{indent}{} (page {})\n", entry.title, entry.page));
            }
        }
        Err(lopdf::Error::NoOutline) => out.push_str("  (none)\n"),
        Err(e) => panic!("the outline does not read: {e}"),
    }
    for (number, page) in pages.iter().enumerate() {
        out.push_str(&format!("\n--- page {} ---\n{}\n", number + 1, page.trim()));
    }
    out
}

// Every bundled proposal and the seed catalogue's annex read as their reviewed snapshots (text and
// structure) and render to exactly the bytes recorded.
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
    let mut written = Vec::new();
    pdfs(out.path(), out.path(), &mut written);
    written.sort();
    let mut lines: Vec<String> = written
        .iter()
        .map(|(name, bytes)| format!("{name} {:016x}", fingerprint(bytes)))
        .collect();
    lines.sort();
    let fingerprints = lines.join("\n") + "\n";
    let file = root().join("tests/golden/bundled-pdfs.txt");
    if std::env::var_os("BUDGETNOTE_UPDATE_GOLDEN").is_some() {
        std::fs::write(&file, &fingerprints).unwrap();
    }
    // Search and copy give what was typed: no invisible character (a word joiner, a zero-width
    // space, a soft hyphen) is in any PDF's text, and hyphenated words and figures read whole.
    let all_text: String = written.iter().map(|(_, b)| pdf_text(b)).collect();
    for invisible in ['\u{2060}', '\u{200B}', '\u{00AD}', '\u{FEFF}'] {
        assert!(
            !all_text.contains(invisible),
            "a PDF's text holds U+{:04X}",
            invisible as u32
        );
    }
    for typed in ["2024-priser", "3-årigt", "30-35", "med-modellen"] {
        assert!(all_text.contains(typed), "{typed} is not searchable");
    }
    // The readable snapshot of each PDF, every one compared before the test fails.
    let mut changed = Vec::new();
    for (name, bytes) in &written {
        let text = readable(bytes);
        let snapshot = name.trim_end_matches(".pdf").replace('/', "__");
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            insta::with_settings!({
                snapshot_path => root().join("tests/golden"),
                prepend_module_to_snapshot => false,
                omit_expression => true,
                description => format!("the text and structure of {name} (render proposals)"),
            }, {
                insta::assert_snapshot!(snapshot.as_str(), text);
            });
        }));
        if outcome.is_err() {
            changed.push(name.clone());
        }
    }
    assert!(
        changed.is_empty(),
        "the text or structure of these PDFs changed: {changed:?}"
    );
    // Then the bytes: a change that shows in no text (fonts, layout, metadata) fails here.
    assert!(lines.len() >= 13, "{lines:?}");
    let recorded = std::fs::read_to_string(&file).unwrap_or_default();
    assert_eq!(
        fingerprints, recorded,
        "the bundled PDFs changed; if intended, set BUDGETNOTE_UPDATE_GOLDEN=1 and state the change"
    );
}
