//! Catalogues: the seed 002 annex, catalogues mixing forms, and catalogue errors (each case
//! folder under tests/catalogues/ holds a catalogue and, for a bad one, its expected code and line).

use crate::common::{missing_in_order, pdf_text, root, run_cli, seed_tokens, tokens};

/// The PDFs a render wrote: file name and bytes.
type Written = Vec<(String, Vec<u8>)>;

/// Renders a catalogue through the CLI into a fresh folder; returns exit code, stderr, and the
/// PDFs written.
fn render(catalogue: &str) -> (Option<i32>, String, Written) {
    let out_dir = tempfile::tempdir().unwrap();
    let out = run_cli(
        &root(),
        &["render", catalogue, "-o", out_dir.path().to_str().unwrap()],
    );
    // PDFs mirror the input's path under the output folder, so look in its subfolders too.
    let mut pdfs: Written = Vec::new();
    let mut dirs = vec![out_dir.path().to_owned()];
    while let Some(dir) = dirs.pop() {
        for path in std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()) {
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "pdf") {
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                pdfs.push((name, std::fs::read(&path).unwrap()));
            }
        }
    }
    pdfs.sort();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        pdfs,
    )
}

// Seed 002: the annex holds every word and figure of "Bilag 1. Katalog med forslag" in order,
// and its overview says by how much the proposals exceed the frame.
#[test]
fn seed_002_catalogue_is_reproduced_in_full() {
    let (code, stderr, pdfs) = render("proposals/katalog-med-forslag.toml");
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(pdfs.len(), 1);
    let text = pdf_text(&pdfs[0].1);
    let missing = missing_in_order(&seed_tokens("002_9e51e28af9a7b8e3.txt"), &tokens(&text));
    assert!(
        missing.is_empty(),
        "seed tokens missing from the annex: {missing:?}"
    );
    let squashed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        squashed.contains("Forslagene udgør i alt 32,7 mio. kr. i 2025 og overstiger råderummet på 21 mio. kr. med 11,7 mio. kr."),
        "{squashed}"
    );
    for needle in [
        "I alt, alle forslag 32,7",
        "Øvrige forslag",
        "Figur: Forslagets andel",
        "29 pct.",
    ] {
        assert!(squashed.contains(needle), "{needle} missing");
    }
}

// The contents page lists every proposal with the page it starts on.
#[test]
fn contents_page_numbers_match_the_pages() {
    let (_, _, pdfs) = render("proposals/katalog-med-forslag.toml");
    let pages = pdf_extract::extract_text_from_mem_by_pages(&pdfs[0].1).unwrap();
    let contents = &pages[1];
    for (number, page) in pages.iter().enumerate().skip(3) {
        let heading = page
            .lines()
            .map(str::trim)
            .find(|l| l.starts_with('K'))
            .unwrap();
        let id = heading.split_whitespace().next().unwrap();
        let entry = contents
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{id} ")))
            .unwrap();
        let listed: usize = entry
            .split(['.', ' '])
            .rfind(|s| !s.is_empty())
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(listed, number + 1, "{id}: contents says page {listed}");
    }
}

// A catalogue can hold full proposals of other forms, in thousands of kroner; groups by committee.
#[test]
fn catalogue_mixes_forms_and_units() {
    let (code, stderr, pdfs) = render("tests/catalogues/mixed-forms/catalogue.toml");
    assert_eq!(code, Some(0), "{stderr}");
    let text = pdf_text(&pdfs[0].1)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(text.contains("Råderum på 30 mio. kr. i 2025"), "{text}");
    // 4,3 (K5) + 8,1 (BI16, Tabel 2) − 2,3 (the standard note's nets) = 10,1 mio. kr. in 2025.
    assert!(
        text.contains("udgør i alt 10,1 mio. kr. i 2025 og holder sig inden for råderummet på 30 mio. kr.; 19,9 mio. kr. er ikke disponeret."),
        "{text}"
    );
    assert!(
        text.contains("BI16 Videreførelse af fokuseret indsats"),
        "{text}"
    );
    assert!(text.contains("Samlet ændring (Netto) Service"), "{text}");
    assert!(
        text.contains("Beskæftigelses- og Integrationsudvalget"),
        "{text}"
    );
}

// Bad catalogues give their code at the right line, exit 1, and no annex.
#[test]
fn bad_catalogues_are_reported_and_not_written() {
    for case in [
        "missing-file",
        "named-twice",
        "frame-unit",
        "frame-too-small",
        "frame-float",
        "duplicate-id",
        "proposal-with-errors",
    ] {
        let dir = root().join("tests/catalogues").join(case);
        let file = dir.join("catalogue.toml");
        let expected = std::fs::read_to_string(dir.join("expected.txt")).unwrap();
        let (code, line) = expected.trim().split_once(' ').unwrap();
        let out = run_cli(
            &root(),
            &["check", "--format", "json", file.to_str().unwrap()],
        );
        assert_eq!(out.status.code(), Some(1), "{case}");
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let all = json.as_array().unwrap();
        // Checking a catalogue alone also shows its proposals' own diagnostics.
        if case == "proposal-with-errors" {
            assert!(
                all.iter().any(|d| d["code"] == "E010"
                    && d["file"].as_str().unwrap().ends_with(".toml")
                    && !d["file"].as_str().unwrap().ends_with("catalogue.toml")),
                "{all:?}"
            );
        }
        let found: Vec<(String, u64)> = all
            .iter()
            .filter(|d| d["file"].as_str().unwrap().ends_with("catalogue.toml"))
            .map(|d| {
                (
                    d["code"].as_str().unwrap().to_owned(),
                    d["line"].as_u64().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            found,
            [(code.to_owned(), line.parse::<u64>().unwrap())],
            "{case}"
        );

        let (exit, stderr, pdfs) = render(file.to_str().unwrap());
        assert_eq!(exit, Some(1), "{case}: {stderr}");
        assert!(pdfs.is_empty(), "{case}: annex written");
    }
}

// A proposal with errors in a catalogue is named, with its own diagnostics, when rendering.
#[test]
fn catalogue_names_the_proposal_with_errors() {
    let (_, stderr, _) = render("tests/catalogues/proposal-with-errors/catalogue.toml");
    assert!(stderr.contains("error[E034]"), "{stderr}");
    assert!(
        stderr.contains("float-amount.toml has errors, so the annex is not written"),
        "{stderr}"
    );
    assert!(stderr.contains("error[E010]"), "{stderr}");
}

// A catalogue that lists a folder holding another catalogue takes only the folder's proposals:
// the other catalogue is not read as a proposal (which gave "missing required field `id`").
#[test]
fn a_catalogue_in_a_listed_folder_is_not_a_proposal() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("proposals/katalog");
    std::fs::create_dir_all(&folder).unwrap();
    let k1 = root().join("proposals/katalog/k1-fremrykket-jobsoegningsindsats-for-dagpe.toml");
    std::fs::copy(&k1, folder.join("k1.toml")).unwrap();
    let catalogue =
        std::fs::read_to_string(root().join("proposals/katalog-med-forslag.toml")).unwrap();
    std::fs::write(
        folder.join("andet-katalog.toml"),
        catalogue.replace("\"katalog/\"", "\".\""),
    )
    .unwrap();
    std::fs::write(dir.path().join("proposals/katalog.toml"), &catalogue).unwrap();
    let out = run_cli(
        dir.path(),
        &["check", "--format", "json", "proposals/katalog.toml"],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{json:#}");
    assert!(json.as_array().unwrap().is_empty(), "{json:#}");
}
