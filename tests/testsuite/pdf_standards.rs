//! Every PDF may be published and archived: PDF/UA-1 and PDF/A-2a identification, metadata,
//! a structure tree a screen reader can use, embedded subset fonts, and a footer on every page.

use std::path::{Path, PathBuf};

use crate::common::{pdf_text, render, root, run_cli};
use lopdf::{Dictionary, Document, Object};

/// Every single proposal bundled in `proposals/` (seeds and the catalogue's proposals).
fn bundled_proposals() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["proposals", "proposals/katalog"] {
        for entry in std::fs::read_dir(root().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let is_toml = path.extension().is_some_and(|e| e == "toml");
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            if is_toml && !budgetnote::catalogue::is_catalogue(&text) {
                files.push(path);
            }
        }
    }
    files.sort();
    assert!(files.len() >= 12, "expected the bundled proposals");
    files
}

/// The seed catalogue's annex, rendered by the CLI.
fn catalogue_pdf() -> Vec<u8> {
    let out = tempfile::tempdir().unwrap();
    let result = run_cli(
        &root(),
        &[
            "render",
            "proposals/katalog-med-forslag.toml",
            "-o",
            out.path().to_str().unwrap(),
        ],
    );
    assert_eq!(result.status.code(), Some(0));
    std::fs::read(out.path().join("katalog-med-forslag.pdf")).unwrap()
}

/// A PDF text string (UTF-16BE with a byte-order mark, or PDFDocEncoding) as Rust text.
pub fn text_of(object: &Object) -> String {
    let bytes = match object {
        Object::String(bytes, _) => bytes.as_slice(),
        Object::Name(name) => name.as_slice(),
        _ => return String::new(),
    };
    match bytes.strip_prefix(&[0xFE, 0xFF]) {
        Some(utf16) => {
            let units: Vec<u16> = utf16
                .chunks(2)
                .map(|p| u16::from_be_bytes([p[0], *p.get(1).unwrap_or(&0)]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        None => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

/// Follows a reference to the dictionary it names (or returns the dictionary itself).
fn dict<'a>(doc: &'a Document, object: &'a Object) -> Option<&'a Dictionary> {
    match object {
        Object::Reference(id) => doc.get_object(*id).ok().and_then(|o| dict(doc, o)),
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    }
}

/// An entry of a dictionary as text, "" when absent.
fn entry(doc: &Document, d: &Dictionary, key: &[u8]) -> String {
    match d.get(key) {
        Ok(Object::Reference(id)) => doc.get_object(*id).map(text_of).unwrap_or_default(),
        Ok(object) => text_of(object),
        Err(_) => String::new(),
    }
}

/// One structure element in reading order: its type, alt text, and depth.
#[derive(Debug)]
pub struct Node {
    /// Structure type, e.g. "H1", "Table", "Figure".
    pub kind: String,
    /// Alt text, if any.
    pub alt: Option<String>,
    /// Attribute dictionaries flattened into text (for /Scope and the like).
    pub attributes: String,
}

/// An entry of the PDF's document information dictionary (`Subject`, `Author`, …) as text.
pub fn info(pdf: &[u8], key: &[u8]) -> String {
    let doc = Document::load_mem(pdf).unwrap();
    let info = dict(&doc, doc.trailer.get(b"Info").unwrap()).unwrap();
    entry(&doc, info, key)
}

/// The structure tree in reading order.
pub fn structure(doc: &Document) -> Vec<Node> {
    let catalog = doc.catalog().unwrap();
    let tree = dict(doc, catalog.get(b"StructTreeRoot").unwrap()).unwrap();
    let mut nodes = Vec::new();
    walk(doc, tree.get(b"K").unwrap(), &mut nodes);
    nodes
}

/// Appends the structure elements under `kids` to `nodes`, depth first.
fn walk(doc: &Document, kids: &Object, nodes: &mut Vec<Node>) {
    let kids = match kids {
        Object::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    for kid in kids {
        let Some(d) = dict(doc, kid) else { continue };
        let Ok(kind) = d.get(b"S") else { continue };
        nodes.push(Node {
            kind: text_of(kind),
            alt: d.get(b"Alt").ok().map(text_of),
            attributes: d.get(b"A").map(|a| format!("{a:?}")).unwrap_or_default(),
        });
        if let Ok(children) = d.get(b"K") {
            walk(doc, children, nodes);
        }
    }
}

/// The standards, metadata and structure every output must have, for the PDF of `title`.
pub fn assert_publishable(pdf: &[u8], title: &str, what: &Path) {
    let doc = Document::load_mem(pdf).unwrap();
    let catalog = doc.catalog().unwrap();
    let name = what.display();

    // PDF/A-2a and PDF/UA-1 are declared in the XMP metadata.
    let metadata = dict(&doc, catalog.get(b"Metadata").unwrap()).unwrap();
    let Ok(Object::Reference(id)) = catalog.get(b"Metadata") else {
        panic!("{name}: metadata is not a stream reference ({metadata:?})")
    };
    let stream = doc.get_object(*id).unwrap().as_stream().unwrap();
    let xmp = String::from_utf8_lossy(&stream.content).into_owned();
    assert!(
        xmp.contains("<pdfaid:part>2</pdfaid:part>"),
        "{name}: not PDF/A-2"
    );
    assert!(
        xmp.contains("<pdfaid:conformance>A</pdfaid:conformance>"),
        "{name}: not level a"
    );
    assert!(
        xmp.contains("<pdfuaid:part>1</pdfuaid:part>"),
        "{name}: not PDF/UA-1"
    );

    // Language, title in the title bar, tagged.
    assert_eq!(entry(&doc, catalog, b"Lang"), "da-DK", "{name}");
    let prefs = dict(&doc, catalog.get(b"ViewerPreferences").unwrap()).unwrap();
    assert_eq!(
        prefs.get(b"DisplayDocTitle").unwrap(),
        &Object::Boolean(true),
        "{name}"
    );
    let mark = dict(&doc, catalog.get(b"MarkInfo").unwrap()).unwrap();
    assert_eq!(
        mark.get(b"Marked").unwrap(),
        &Object::Boolean(true),
        "{name}"
    );
    let info = dict(&doc, doc.trailer.get(b"Info").unwrap()).unwrap();
    assert_eq!(entry(&doc, info, b"Title"), title, "{name}");

    // Headings never skip a level; every figure has alt text; every table has header cells.
    let nodes = structure(&doc);
    let mut level = 0;
    for node in &nodes {
        if let Some(n) = node
            .kind
            .strip_prefix('H')
            .and_then(|n| n.parse::<u32>().ok())
        {
            assert!(n <= level + 1, "{name}: H{n} follows H{level}");
            level = n;
        }
        if node.kind == "Figure" {
            let alt = node.alt.as_deref().unwrap_or("");
            assert!(!alt.trim().is_empty(), "{name}: a figure without alt text");
        }
    }
    let tables = nodes.iter().filter(|n| n.kind == "Table").count();
    let headers = nodes.iter().filter(|n| n.kind == "TH").count();
    assert!(
        tables == 0 || headers >= tables,
        "{name}: tables without header cells"
    );

    // Every font is embedded and subset, and only the bundled family is used.
    let mut fonts = 0;
    for object in doc.objects.values() {
        let Ok(d) = object.as_dict() else { continue };
        if d.get(b"Type").ok().map(text_of).as_deref() == Some("FontDescriptor") {
            fonts += 1;
            let font_name = entry(&doc, d, b"FontName");
            assert!(
                d.has(b"FontFile2") || d.has(b"FontFile3"),
                "{name}: {font_name} is not embedded"
            );
            let (prefix, family) = font_name.split_once('+').unwrap_or(("", &font_name));
            assert!(
                prefix.len() == 6 && prefix.chars().all(|c| c.is_ascii_uppercase()),
                "{name}: {font_name} is not a subset"
            );
            assert!(
                family.starts_with("Carlito"),
                "{name}: unexpected font {font_name}"
            );
        }
    }
    assert!(fonts > 0, "{name}: no fonts found");

    // A footer on every page: the page number out of the page count.
    let pages = doc.get_pages().len();
    let text = pdf_text(pdf);
    for page in 1..=pages {
        let footer = format!("side {page} af {pages}");
        assert!(text.contains(&footer), "{name}: no \"{footer}\"");
    }
}

// Every bundled proposal declares PDF/A-2a and PDF/UA-1, has da-DK, its title, headings in
// order, alt text on figures, header cells in tables, subset-embedded fonts and footers.
#[test]
fn bundled_proposals_are_publishable() {
    for path in bundled_proposals() {
        let checked = repository_project().check_file(&path).unwrap();
        let title = checked.proposal.as_ref().unwrap().title.clone();
        assert_publishable(&render(&path), &title, &path);
    }
}

// The catalogue annex meets the same requirements.
#[test]
fn catalogue_annex_is_publishable() {
    let pdf = catalogue_pdf();
    assert_publishable(
        &pdf,
        "Bilag 1. Katalog med forslag",
        Path::new("katalog-med-forslag.pdf"),
    );
}

// Author, subject and keywords name the proposer, the form with its budget year, the id and
// the committees; the footer names the id and the budget year on every page.
#[test]
fn metadata_and_footer_name_the_proposal() {
    let path = root().join("proposals/flere-udsatte-borgere-i-beskaeftigelse.toml");
    let pdf = render(&path);
    let doc = Document::load_mem(&pdf).unwrap();
    let info = dict(&doc, doc.trailer.get(b"Info").unwrap()).unwrap();
    assert_eq!(entry(&doc, info, b"Author"), "Administrationen");
    assert_eq!(entry(&doc, info, b"Subject"), "Budgetforslag, budget 2024");
    assert_eq!(
        entry(&doc, info, b"Keywords"),
        "AMU01, Socialudvalget, Arbejdsmarkedsudvalget, Økonomiudvalget"
    );
    let pages = doc.get_pages().len();
    let text = pdf_text(&pdf);
    assert_eq!(text.matches("AMU01 · Budget 2024").count(), pages, "{text}");
}

// Checkboxes read as "markeret" / "ikke markeret", one per option of seed 001's groups.
#[test]
fn checkboxes_read_as_ticked_or_not() {
    let path = root().join("proposals/bi16-fokuseret-indsats-udsatte-borgere.toml");
    let checked = repository_project().check_file(&path).unwrap();
    let options: Vec<bool> = checked
        .proposal
        .unwrap()
        .checkboxes
        .iter()
        .flat_map(|g| g.options.iter().map(|(_, ticked)| *ticked))
        .collect();
    let expected = (
        options.iter().filter(|t| **t).count(),
        options.iter().filter(|t| !**t).count(),
    );
    assert!(expected.0 > 0 && expected.1 > 0);
    let doc = Document::load_mem(&render(&path)).unwrap();
    let alts: Vec<String> = structure(&doc)
        .into_iter()
        .filter(|n| n.kind == "Figure")
        .filter_map(|n| n.alt)
        .collect();
    let ticked = alts.iter().filter(|a| *a == "markeret").count();
    let unticked = alts.iter().filter(|a| *a == "ikke markeret").count();
    assert_eq!((ticked, unticked), expected, "{alts:?}");
}

// Row labels of the amounts table are row headers, so a reader hears "Omstilling …" per figure.
#[test]
fn table_rows_have_row_headers() {
    let path = root().join("proposals/flere-udsatte-borgere-i-beskaeftigelse.toml");
    let doc = Document::load_mem(&render(&path)).unwrap();
    let row_headers = structure(&doc)
        .into_iter()
        .filter(|n| n.kind == "TH" && n.attributes.contains("Row"))
        .count();
    assert!(row_headers >= 10, "only {row_headers} row headers");
}

// A logo is printed as an image whose alt text is the one the proposal gives, and the PDF with
// it still meets the standards.
#[test]
fn logo_has_its_alt_text() {
    let path = root().join("tests/good/logo/proposal.toml");
    let pdf = render(&path);
    assert_publishable(&pdf, "Testforslag", &path);
    let doc = Document::load_mem(&pdf).unwrap();
    let first_figure = structure(&doc).into_iter().find(|n| n.kind == "Figure");
    assert_eq!(
        first_figure.and_then(|n| n.alt).as_deref(),
        Some("Testkommunes logo")
    );
}

/// The project at the repository root, with its profile (Københavns Kommune's districts).
fn repository_project() -> budgetnote::Project {
    budgetnote::Project::open(&root()).expect("the repository's project opens")
}
