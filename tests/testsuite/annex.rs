//! A catalogue annex typeset in parts (front matter, each proposal and the footers laid out
//! apart, the pages joined and exported once) reads back like one typeset whole: every page's
//! "side X af Y", every contents entry's page number, the contents' links and the bookmarks.

use std::collections::BTreeMap;
use std::path::Path;

use budgetnote::Project;
use budgetnote::catalogue::CheckedCatalogue;
use lopdf::{Dictionary, Document, Object, ObjectId};

use crate::common::{root, run_cli};
use crate::pdf_standards::{assert_publishable, text_of};

/// Writes a catalogue `katalog.toml` of enough proposals (the bundled catalogue proposals twice,
/// with other ids and titles) to be typeset in parts into `proposals`, and returns its path.
fn large_catalogue(proposals: &Path) -> std::path::PathBuf {
    let mut names = Vec::new();
    for round in 0..2 {
        for entry in std::fs::read_dir(root().join("proposals/katalog")).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let name = format!("r{round}-{}", path.file_name().unwrap().to_str().unwrap());
            let text = text
                .replacen("id = \"K", &format!("id = \"R{round}K"), 1)
                .replacen("title = \"", &format!("title = \"Runde {round}: "), 1);
            std::fs::write(proposals.join(&name), text).unwrap();
            names.push(format!("\"{name}\""));
        }
    }
    names.sort();
    assert!(names.len() >= budgetnote::annex::PARTS_FROM);
    let catalogue = proposals.join("katalog.toml");
    std::fs::write(
        &catalogue,
        format!(
            "[catalogue]\nannex = \"Bilag 2.\"\ntitle = \"Stort katalog\"\nyear = 2025\n\
             group_by = \"committee\"\nproposals = [{}]\n",
            names.join(", ")
        ),
    )
    .unwrap();
    catalogue
}

/// The checked catalogue at `path` in `project`.
fn checked(project: &Project, path: &Path) -> CheckedCatalogue {
    let source = std::fs::read_to_string(path).unwrap();
    let (report, _, catalogue) = budgetnote::catalogue::check(path, source, project).unwrap();
    assert!(!report.has_errors(), "{:#?}", report.diagnostics);
    catalogue.expect("a checked catalogue")
}

/// Each page's text, with runs of white space made one space.
fn page_texts(pdf: &[u8]) -> Vec<String> {
    pdf_extract::extract_text_from_mem_by_pages(pdf)
        .unwrap()
        .iter()
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

/// Follows a reference to the dictionary it names.
fn dict<'a>(doc: &'a Document, object: &'a Object) -> Option<&'a Dictionary> {
    match object {
        Object::Reference(id) => doc.get_object(*id).ok().and_then(|o| dict(doc, o)),
        Object::Dictionary(d) => Some(d),
        _ => None,
    }
}

/// The page (from 1) a destination (`/Dest` array, or a GoTo action's `/D`) points at.
fn dest_page(doc: &Document, d: &Dictionary, pages: &BTreeMap<ObjectId, u32>) -> Option<u32> {
    let dest = match d.get(b"Dest") {
        Ok(dest) => dest,
        Err(_) => dict(doc, d.get(b"A").ok()?)?.get(b"D").ok()?,
    };
    let dest = match dest {
        Object::Reference(id) => doc.get_object(*id).ok()?,
        other => other,
    };
    let Object::Array(items) = dest else {
        return None;
    };
    let Object::Reference(page) = items.first()? else {
        return None;
    };
    pages.get(page).copied()
}

/// The bookmarks at the top level of the PDF outline: title and page.
fn bookmarks(doc: &Document) -> Vec<(String, u32)> {
    let pages: BTreeMap<ObjectId, u32> =
        doc.get_pages().into_iter().map(|(n, id)| (id, n)).collect();
    let outlines = dict(doc, doc.catalog().unwrap().get(b"Outlines").unwrap()).unwrap();
    let mut item = outlines.get(b"First").ok().and_then(|o| dict(doc, o));
    let mut found = Vec::new();
    while let Some(d) = item {
        let title = d.get(b"Title").map(text_of).unwrap_or_default();
        found.push((title, dest_page(doc, d, &pages).unwrap_or(0)));
        item = d.get(b"Next").ok().and_then(|o| dict(doc, o));
    }
    found
}

/// The pages the links on page `page` point at.
fn link_targets(doc: &Document, page: u32) -> Vec<u32> {
    let pages: BTreeMap<ObjectId, u32> =
        doc.get_pages().into_iter().map(|(n, id)| (id, n)).collect();
    let id = doc.get_pages()[&page];
    let page = doc.get_dictionary(id).unwrap();
    let Ok(Object::Array(annots)) = page
        .get(b"Annots")
        .map(|a| match a {
            Object::Reference(r) => doc.get_object(*r).unwrap(),
            other => other,
        })
        .cloned()
    else {
        return Vec::new();
    };
    annots
        .iter()
        .filter_map(|a| dict(doc, a))
        .filter_map(|d| dest_page(doc, d, &pages))
        .collect()
}

/// Checks an annex of `titles` (each proposal's "ID title", in order): every page's footer is
/// "side X af N"; each proposal's contents entry gives the page its heading is on, and a link of
/// the contents points there; the bookmarks list every proposal at that page. Returns the pages'
/// text.
fn assert_annex_pages(pdf: &[u8], titles: &[String]) -> Vec<String> {
    let texts = page_texts(pdf);
    let doc = Document::load_mem(pdf).unwrap();
    let n = doc.get_pages().len();
    assert_eq!(texts.len(), n);
    for (i, text) in texts.iter().enumerate() {
        let footers: Vec<&str> = text
            .match_indices("side ")
            .map(|(at, _)| &text[at..])
            .collect();
        let own = format!("side {} af {n}", i + 1);
        assert!(
            text.ends_with(&own),
            "page {}: no \"{own}\" at its foot: {text}",
            i + 1
        );
        assert_eq!(footers.len(), 1, "page {}: more than one footer", i + 1);
    }
    // The contents: from the page titled "Indhold" to the page before the overview.
    let contents: Vec<u32> = (1..=n as u32)
        .skip_while(|&p| !texts[p as usize - 1].starts_with("Indhold"))
        .take_while(|&p| !texts[p as usize - 1].starts_with("Oversigt"))
        .collect();
    assert!(!contents.is_empty(), "no contents page");
    let toc: String = contents
        .iter()
        .map(|&p| texts[p as usize - 1].as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let marks = bookmarks(&doc);
    let links: Vec<u32> = contents
        .iter()
        .flat_map(|&p| link_targets(&doc, p))
        .collect();
    let last_contents = *contents.last().unwrap() as usize;
    for title in titles {
        // The contents entry: the title, dot leaders, then the page number.
        let at = toc
            .find(title.as_str())
            .unwrap_or_else(|| panic!("{title} not in the contents"));
        let rest = &toc[at + title.len()..];
        let number: String = rest
            .trim_start_matches([' ', '.', '\u{2060}'])
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        let listed: usize = number
            .parse()
            .unwrap_or_else(|_| panic!("{title}: no page number"));
        // The page the heading is on: the first page after the contents whose text opens with it.
        let actual = (last_contents..n)
            .find(|&i| texts[i].starts_with(title.as_str()))
            .map(|i| i + 1)
            .unwrap_or_else(|| panic!("{title}: no page opens with its heading"));
        assert_eq!(
            listed, actual,
            "{title}: the contents say page {listed}, it is on page {actual}"
        );
        assert!(
            links.contains(&(actual as u32)),
            "{title}: no contents link to page {actual}"
        );
        assert!(
            marks
                .iter()
                .any(|(t, p)| t == title && *p as usize == actual),
            "{title}: no bookmark to page {actual} in {marks:?}"
        );
    }
    texts
}

/// The ids and titles of a catalogue's proposals as their headings print them.
fn titles(catalogue: &CheckedCatalogue) -> Vec<String> {
    catalogue
        .proposals
        .iter()
        .map(|(_, p)| format!("{} {}", p.id, p.title))
        .collect()
}

// The seed catalogue typeset in parts reads back page for page like the same annex typeset
// whole, is publishable, and its footers, contents and bookmarks are right.
#[test]
fn annex_in_parts_reads_like_the_whole_annex() {
    let project = Project::open(&root()).unwrap();
    let catalogue = checked(&project, &root().join("proposals/katalog-med-forslag.toml"));
    let whole = project.catalogue_pdf(&catalogue).unwrap();
    let parts = project.catalogue_pdf_in_parts(&catalogue).unwrap();
    assert_publishable(
        &parts,
        "Bilag 1. Katalog med forslag",
        Path::new("annex in parts"),
    );
    let titles = titles(&catalogue);
    let whole_pages = assert_annex_pages(&whole, &titles);
    let parts_pages = assert_annex_pages(&parts, &titles);
    assert_eq!(parts_pages, whole_pages);
}

// A catalogue of more proposals than an annex is typeset whole for is rendered in parts by the
// CLI (the same bytes), with right footers, contents and bookmarks.
#[test]
fn large_annex_is_rendered_in_parts() {
    let (dir, proposals) = crate::common::project_with_profile();
    let catalogue = large_catalogue(&proposals);
    let out = dir.path().join("out");
    let result = run_cli(
        dir.path(),
        &[
            "render",
            "proposals/katalog.toml",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(
        result.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let pdf = std::fs::read(out.join("katalog.pdf")).unwrap();
    let project = Project::open(dir.path()).unwrap();
    let checked = checked(&project, &catalogue);
    assert!(checked.proposals.len() >= budgetnote::annex::PARTS_FROM);
    assert!(
        pdf == project.catalogue_pdf_in_parts(&checked).unwrap(),
        "the CLI did not typeset in parts"
    );
    assert_publishable(&pdf, "Bilag 2. Stort katalog", Path::new("katalog.pdf"));
    assert_annex_pages(&pdf, &titles(&checked));
}

// A proposal's agreement text ("Forslag til aftaletekst") is a heading inside its proposal: in an
// annex it is one level below the proposal's title, so neither the contents nor the top level
// of the bookmarks lists it as if it were a proposal of its own.
#[test]
fn agreement_headings_stay_inside_their_proposal() {
    let (dir, proposals) = crate::common::project_with_profile();
    let bi16 = "bi16-fokuseret-indsats-udsatte-borgere.toml";
    std::fs::copy(root().join("proposals").join(bi16), proposals.join(bi16)).unwrap();
    let catalogue = proposals.join("katalog.toml");
    std::fs::write(
        &catalogue,
        format!(
            "[catalogue]\nannex = \"Bilag 3.\"\ntitle = \"Katalog med aftaletekst\"\nyear = 2025\n\
             proposals = [\"{bi16}\"]\n"
        ),
    )
    .unwrap();
    let project = Project::open(dir.path()).unwrap();
    let checked = checked(&project, &catalogue);
    let pdf = project.catalogue_pdf(&checked).unwrap();
    let pages = assert_annex_pages(&pdf, &titles(&checked));
    let heading = "Forslag til aftaletekst";
    assert!(
        pages.iter().any(|p| p.contains(heading)),
        "the agreement is printed"
    );
    assert!(
        !pages[1].contains(heading),
        "the contents list the agreement: {}",
        pages[1]
    );
    let marks = bookmarks(&Document::load_mem(&pdf).unwrap());
    assert!(
        marks.iter().all(|(title, _)| title != heading),
        "a top-level bookmark for the agreement: {marks:?}"
    );
}

// A project whose own shared layout numbers the headings gets its large annex typeset whole, so
// the numbers run on through the annex as they would in one document (in parts every proposal
// would start again at 1).
#[test]
fn own_numbering_keeps_a_large_annex_whole() {
    let (dir, proposals) = crate::common::project_with_profile();
    let templates = dir.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    let layout = std::fs::read_to_string(root().join("templates/budgetnote.typ")).unwrap();
    let heading = "    #set text(size: 13pt, weight: \"bold\", fill: accent)\n    #it.body";
    assert!(layout.contains(heading));
    let numbered = layout.replacen(
        heading,
        "    #set text(size: 13pt, weight: \"bold\", fill: accent)\n    #counter(heading).display(\"1.\") #it.body",
        1,
    )
    .replacen(
        "  show link: set text(fill: accent)",
        "  show link: set text(fill: accent)\n  set heading(numbering: \"1.\")",
        1,
    );
    std::fs::write(templates.join("budgetnote.typ"), numbered).unwrap();
    let catalogue = large_catalogue(&proposals);
    let result = run_cli(
        dir.path(),
        &["render", "proposals/katalog.toml", "-o", "out"],
    );
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let pdf = std::fs::read(dir.path().join("out/katalog.pdf")).unwrap();
    let project = Project::open(dir.path()).unwrap();
    let checked = checked(&project, &catalogue);
    let pages = page_texts(&pdf);
    // "Oversigt" is heading 1, so the proposals are 2, 3, …
    for (n, title) in titles(&checked).iter().enumerate() {
        let numbered = format!("{}. {title}", n + 2);
        assert!(
            pages.iter().any(|p| p.starts_with(&numbered)),
            "no page opens with \"{numbered}\""
        );
    }
    assert!(
        project.catalogue_pdf_in_parts(&checked).is_err(),
        "an annex that numbers across the document is not typeset in parts"
    );
}
