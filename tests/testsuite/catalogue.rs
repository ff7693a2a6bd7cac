//! Catalogues: the seed 002 annex, catalogues mixing forms, and catalogue errors (each case
//! folder under tests/catalogues/ holds a catalogue and, for a bad one, its expected code and line).

use crate::common::{
    check_json, edit, expected_places, missing_in_order, pdf_text, root, run_cli, seed_tokens,
    tokens,
};
use crate::pdf_positions::{overlapping, text_boxes};

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

// Each bad catalogue of tests/catalogues/ (a folder with an expected.txt), named on its own:
// `check` gives the expected codes at the expected place of catalogue.toml (`CODE LINE`, or
// `CODE LINE COLUMN` for the savings catalogues), exits 1, and `render` writes no annex; checking a
// catalogue alone also shows its proposals' own diagnostics. Its `CODE LINE COL | message` lines
// (a proposal's named after the column) match the reviewed snapshot
// `tests/snapshots/catalogues/<case>.snap`.
#[test]
fn bad_catalogue_cases() {
    crate::common::snapshot_cases("catalogues", "*/expected.txt", 15, |case, expected_file| {
        let dir = expected_file.parent().unwrap();
        let file = dir.join("catalogue.toml");
        let (code, diagnostics, _) = check_json(&file);
        assert_eq!(code, Some(1), "{case}");
        if case == "proposal-with-errors" {
            assert!(
                diagnostics.iter().any(|d| d["code"] == "E010"
                    && d["file"].as_str().unwrap().ends_with(".toml")
                    && !d["file"].as_str().unwrap().ends_with("catalogue.toml")),
                "{diagnostics:?}"
            );
        }
        let mut places: Vec<(String, u64, u64)> = diagnostics
            .iter()
            .filter(|d| d["file"].as_str().unwrap().ends_with("catalogue.toml"))
            .map(|d| {
                (
                    d["code"].as_str().unwrap().to_owned(),
                    d["line"].as_u64().unwrap(),
                    d["column"].as_u64().unwrap(),
                )
            })
            .collect();
        let expected = std::fs::read_to_string(expected_file).unwrap();
        let with_columns = expected
            .lines()
            .all(|l| l.trim().is_empty() || l.split_whitespace().count() >= 3);
        if with_columns {
            places.sort();
            assert_eq!(places, expected_places(expected_file), "{case}");
        } else {
            // `CODE LINE`: exactly one diagnostic of the catalogue file, in that order.
            let (code, line) = expected.trim().split_once(' ').unwrap();
            let found: Vec<(String, u64)> = places.into_iter().map(|(c, l, _)| (c, l)).collect();
            assert_eq!(
                found,
                [(code.to_owned(), line.parse::<u64>().unwrap())],
                "{case}"
            );
        }
        let (exit, stderr, pdfs) = render(file.to_str().unwrap());
        assert_eq!(exit, Some(1), "{case}: {stderr}");
        assert!(pdfs.is_empty(), "{case}: annex written");
        crate::common::diagnostic_lines(&diagnostics, &file)
    });
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

/// The savings catalogue fixture: seven proposals over three committees, a target, two selections.
const SAVINGS: &str = "tests/catalogues/savings/catalogue.toml";

/// An amount as the fixtures write it ("-1.200", "-312,5"), in tenths (every fixture figure has
/// at most one decimal), read here without budgetnote's own parser.
fn tenths(written: &str) -> i64 {
    let plain = written.replace('.', "");
    let (int, frac) = plain.split_once(',').unwrap_or((&plain, "0"));
    let negative = int.starts_with('-');
    let whole: i64 = int.trim_start_matches('-').parse().unwrap();
    let value = whole * 10 + frac.parse::<i64>().unwrap();
    if negative { -value } else { value }
}

/// Tenths rounded to whole units, half away from zero, printed the Danish way with a true minus.
fn whole(tenths: i64) -> String {
    let rounded = (tenths.abs() + 5) / 10;
    let digits = rounded.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(c);
    }
    if tenths < 0 && rounded != 0 {
        format!("\u{2212}{grouped}")
    } else {
        grouped
    }
}

/// The fixture's proposals read straight from their TOML: id, title, first committee, and the
/// ledger's column sums per year 2025–2029 in tenths of 1.000 kr.
fn savings_proposals() -> Vec<(String, String, String, [i64; 5])> {
    let dir = root().join("tests/catalogues/savings");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap() != "catalogue.toml")
        .collect();
    files.sort();
    files
        .iter()
        .map(|file| {
            let toml: toml::Table =
                toml::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
            let mut sums = [0i64; 5];
            for row in toml["tables"]["oekonomi"]["rows"].as_array().unwrap() {
                for (year, amount) in row["amounts"].as_table().unwrap() {
                    let i = (year.parse::<usize>().unwrap()) - 2025;
                    sums[i] += tenths(amount.as_str().unwrap());
                }
            }
            (
                toml["id"].as_str().unwrap().to_owned(),
                toml["title"].as_str().unwrap().to_owned(),
                toml["committees"][0].as_str().unwrap().to_owned(),
                sums,
            )
        })
        .collect()
}

/// Figures of a row, rounded and joined by spaces.
fn row(cells: &[i64]) -> String {
    cells
        .iter()
        .map(|c| whole(*c))
        .collect::<Vec<_>>()
        .join(" ")
}

// A savings catalogue renders as a publishable annex, and its overview holds every proposal's
// figures, each committee's sum, the grand total, the target and the distance to it per year,
// and each selection's total and distance, all computed here from the fixture's own figures
// (rounded half away from zero: E4's −312,5 prints −313), with none of the frame wording.
#[test]
fn savings_catalogue_prints_contributions_sums_distances_and_selections() {
    let (code, stderr, pdfs) = render(SAVINGS);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(pdfs.len(), 1);
    crate::pdf_standards::assert_publishable(
        &pdfs[0].1,
        "Bilag 3. Effektiviseringskatalog",
        std::path::Path::new(SAVINGS),
    );
    // Text as read, without the word joiner budgetnote keeps after a hyphen ("LED-⁠belysning").
    let text = pdf_text(&pdfs[0].1)
        .replace('\u{2060}', "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let proposals = savings_proposals();
    assert_eq!(proposals.len(), 7);
    let catalogue: toml::Table =
        toml::from_str(&std::fs::read_to_string(root().join(SAVINGS)).unwrap()).unwrap();
    let spec = &catalogue["catalogue"];
    let target: Vec<i64> = (2025..=2029)
        .map(|y| tenths(spec["target"][&y.to_string()].as_str().unwrap()))
        .collect();
    let sum_of = |ids: &[&str]| -> Vec<i64> {
        (0..5)
            .map(|i| {
                proposals
                    .iter()
                    .filter(|p| ids.contains(&p.0.as_str()))
                    .map(|p| p.3[i])
                    .sum()
            })
            .collect()
    };
    for (id, title, _, sums) in &proposals {
        let needle = format!("{id} {title} {}", row(sums));
        assert!(text.contains(&needle), "{needle} missing: {text}");
    }
    let mut committees: Vec<&str> = Vec::new();
    for p in &proposals {
        if !committees.contains(&p.2.as_str()) {
            committees.push(&p.2);
        }
    }
    assert_eq!(committees.len(), 3);
    for committee in committees {
        let ids: Vec<&str> = proposals
            .iter()
            .filter(|p| p.2 == committee)
            .map(|p| p.0.as_str())
            .collect();
        let needle = format!("I alt {}", row(&sum_of(&ids)));
        assert!(
            text.contains(&needle),
            "{committee}: {needle} missing: {text}"
        );
    }
    let all: Vec<&str> = proposals.iter().map(|p| p.0.as_str()).collect();
    let grand = sum_of(&all);
    let distance: Vec<i64> = (0..5).map(|i| target[i] - grand[i]).collect();
    for needle in [
        format!("I alt, alle forslag {}", row(&grand)),
        format!("Måltal {}", row(&target)),
        format!("Afstand til måltal {}", row(&distance)),
    ] {
        assert!(text.contains(&needle), "{needle} missing: {text}");
    }
    for selection in spec["selections"].as_array().unwrap() {
        let name = selection["name"].as_str().unwrap();
        let ids: Vec<&str> = selection["proposals"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let sums = sum_of(&ids);
        let distance: Vec<i64> = (0..5).map(|i| target[i] - sums[i]).collect();
        let (last, first) = ids.split_last().unwrap();
        let needle = format!(
            "{name} Forslag: {} og {last} I alt {} Afstand til måltal {}",
            first.join(", "),
            row(&sums),
            row(&distance)
        );
        assert!(text.contains(&needle), "{needle} missing: {text}");
    }
    assert!(
        text.contains("Måltal 2025–2029, beløb i 1.000 kr."),
        "{text}"
    );
    for frame_word in ["råderum", "Råderum", "Figur: Forslagets andel", "pct."] {
        assert!(!text.contains(frame_word), "{frame_word} printed: {text}");
    }
}

// The five-year overview with the longest committee names fits the page: no run of text overlaps
// another on any page of the annex (from the PDF's text positions), and all text stays inside the
// page's margins. The position reader itself is checked on the overview's header row.
#[test]
fn five_year_overview_has_no_overlapping_text() {
    let (code, stderr, pdfs) = render(SAVINGS);
    assert_eq!(code, Some(0), "{stderr}");
    let boxes = text_boxes(&pdfs[0].1);
    let find = |text: &str| {
        boxes
            .iter()
            .find(|b| b.page == 3 && b.text == text)
            .unwrap_or_else(|| panic!("{text} not found: {boxes:#?}"))
    };
    // The reader's positions are where the page shows them: one header row, left to right.
    let (nr, forslag, y2025, y2029) = (find("Nr."), find("Forslag"), find("2025"), find("2029"));
    assert!((nr.y0 - y2029.y0).abs() < 0.5 && (forslag.y0 - y2025.y0).abs() < 0.5);
    assert!(nr.x1 < forslag.x0 && forslag.x1 < y2025.x0 && y2025.x1 < y2029.x0);
    for committee in [
        "Beskæftigelses- og Integrationsudvalget",
        "Børne- og Ungdomsudvalget",
        "Teknik- og Miljøudvalget",
    ] {
        assert!(
            boxes.iter().any(|b| b.page == 3 && b.text == committee),
            "{committee} not on the overview page"
        );
    }
    let clashes = overlapping(&boxes, 0.3);
    assert!(clashes.is_empty(), "overlapping text: {clashes:#?}");
    // The frame catalogue of five years with other forms' long titles fits too.
    let (code, stderr, mixed) = render("tests/catalogues/mixed-forms/catalogue.toml");
    assert_eq!(code, Some(0), "{stderr}");
    let clashes = overlapping(&text_boxes(&mixed[0].1), 0.3);
    assert!(clashes.is_empty(), "overlapping text: {clashes:#?}");
    // A4 is 595 × 842 pt; the margins are 2,3 cm (65 pt) left and right.
    for b in &boxes {
        assert!(b.x0 >= 64.0 && b.x1 <= 531.0, "outside the margins: {b:?}");
    }
    // The check can fail: a run moved onto its neighbour is found.
    let mut moved = boxes.clone();
    let (i, j) = (
        moved
            .iter()
            .position(|b| b.page == 3 && b.text == "2025")
            .unwrap(),
        moved
            .iter()
            .position(|b| b.page == 3 && b.text == "2026")
            .unwrap(),
    );
    let shift = moved[j].x0 - moved[i].x0 - 2.0;
    moved[i].x0 += shift;
    moved[i].x1 += shift;
    assert_eq!(overlapping(&moved, 0.3).len(), 1);
}

// A proposal in a catalogue needs only the sections its form asks for: the fixture's
// katalogforslag proposals hold exactly the form's three sections and a ledger, and check clean;
// without one of those sections the form's requirement (E016) names it.
#[test]
fn a_catalogue_proposal_needs_only_its_forms_sections() {
    let dir = root().join("tests/catalogues/savings");
    for file in std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()) {
        if file.file_name().unwrap() == "catalogue.toml" {
            continue;
        }
        let toml: toml::Table = toml::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let mut sections: Vec<&String> = toml["sections"].as_table().unwrap().keys().collect();
        sections.sort();
        assert_eq!(
            sections,
            ["beskrivelse", "oekonomi", "opmaerksomhedspunkter"],
            "{}",
            file.display()
        );
        let (code, diagnostics, _) = check_json(&file);
        assert_eq!(code, Some(0), "{}: {diagnostics:?}", file.display());
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
    }
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("e5.toml");
    std::fs::copy(dir.join("e5-aabningstid-ungdomsklubber.toml"), &copy).unwrap();
    edit(
        &copy,
        &[(
            "opmaerksomhedspunkter = \"\"\"\n- Forslaget kan gennemføres uden yderligere udvalgsbehandling.\n\"\"\"\n",
            "",
        )],
    );
    let out = run_cli(tmp.path(), &["check", "--format", "json", "e5.toml"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{json:#}");
    assert!(
        json.as_array().unwrap().iter().any(|d| d["code"] == "E016"
            && d["message"]
                .as_str()
                .unwrap()
                .contains("opmaerksomhedspunkter")),
        "{json:#}"
    );
}

// Seed 002's share charts put the amount and the share at the end of the filled bar, on one line
// (not the share at the far right of the page, away from a short bar): on every chart the value
// line under "Råderum på 21 mio. kr." ends well inside the right margin, and the amount stands
// left of the share.
#[test]
fn chart_values_stand_beside_their_bars() {
    let (code, stderr, pdfs) = render("proposals/katalog-med-forslag.toml");
    assert_eq!(code, Some(0), "{stderr}");
    let boxes = text_boxes(&pdfs[0].1);
    let frames: Vec<_> = boxes
        .iter()
        .filter(|b| b.text == "Råderum på 21 mio. kr.")
        .collect();
    assert!(frames.len() >= 8, "{} charts", frames.len());
    for frame in frames {
        let line: Vec<_> = boxes
            .iter()
            .filter(|b| b.page == frame.page && b.y0 < frame.y0 - 5.0 && b.y0 > frame.y0 - 40.0)
            .collect();
        let share = line
            .iter()
            .find(|b| b.text.contains("pct."))
            .unwrap_or_else(|| panic!("no share under {frame:?}: {line:#?}"));
        let amount = line
            .iter()
            .find(|b| b.text.contains("mio."))
            .unwrap_or_else(|| panic!("no amount under {frame:?}: {line:#?}"));
        assert!((share.y0 - amount.y0).abs() < 1.0, "{amount:?} {share:?}");
        assert!(amount.x1 <= share.x0, "{amount:?} {share:?}");
        assert!(share.x1 < 420.0, "share at the far right: {share:?}");
    }
}
