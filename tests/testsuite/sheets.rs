//! Figures read from a spreadsheet (`from = { file, sheet, range }`): the PDF equals the typed
//! twin's, CSV exports read the Danish way, and a wrong cell is reported at the cell and at the
//! range's line.

use crate::common::{check_json, expected_places, pdf_text, render, root, run_cli, tokens};

// A driftsforslag whose rows come from a workbook (an empty spreadsheet row skipped, one row's
// figures from a single-row range) prints byte for byte the PDF of its typed twin.
#[test]
fn workbook_figures_print_as_their_typed_twin() {
    let dir = root().join("tests/sheets/twin");
    let from_sheet = render(&dir.join("proposal.toml"));
    let typed = render(&dir.join("twin.toml"));
    assert!(
        pdf_text(&from_sheet).contains("\u{2212}16.067,0"),
        "{}",
        pdf_text(&from_sheet)
    );
    assert_eq!(
        tokens(&pdf_text(&from_sheet)),
        tokens(&pdf_text(&typed)),
        "the words and figures differ"
    );
    assert!(from_sheet == typed, "the PDFs differ in their bytes");
}

// A Danish CSV export (`;`, decimal comma, thousands dots, a quoted label holding `;`) gives the
// figures written there, checked against the stated totals like typed ones.
#[test]
fn danish_csv_figures_are_read_and_checked() {
    let file = root().join("tests/sheets/twin/csv.toml");
    let (code, diagnostics, _) = check_json(&file);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    assert_eq!(code, Some(0));
    let text = pdf_text(&render(&file));
    assert!(text.contains("05.82 Ressourceforløb; frikøb"), "{text}");
    assert!(text.contains("\u{2212}23.110"), "{text}");
}

// A text cell and an unrounded float are each reported with the cell's address (sheet and
// cell), at the line and column of the range in the proposal; no PDF is made.
#[test]
fn a_wrong_cell_is_located() {
    let file = root().join("tests/sheets/wrong-cell/proposal.toml");
    let (code, diagnostics, places) = check_json(&file);
    assert_eq!(code, Some(1));
    let range_line = std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .position(|l| l.starts_with("from = "))
        .unwrap() as u64
        + 1;
    let found: Vec<(String, String)> = diagnostics
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        found
            .iter()
            .any(|(c, m)| c == "E096" && m.contains("drift.xlsx, Drift!D3") && m.contains("12a")),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|(c, m)| c == "E068" && m.contains("Drift!E5")),
        "{found:#?}"
    );
    assert!(
        places.iter().all(|(_, line, _)| *line == range_line),
        "{places:?}"
    );
    assert_eq!(places.len(), 2, "{places:?}");
}

// A range reaching the sheet's last row of a workbook with a cell in XFD1048576 reads only the
// cells that hold something (a whole-sheet grid aborted on allocating 17 billion cells), and
// prints the one row's figures.
#[test]
fn a_far_cell_costs_nothing() {
    let file = root().join("tests/sheets/far-cell/proposal.toml");
    let (code, diagnostics, _) = check_json(&file);
    assert_eq!(code, Some(0), "{diagnostics:#?}");
    let pdf = render(&file);
    let text = pdf_text(&pdf);
    for figure in ["05.73 Kontanthjælp", "-5.060", "-16.067", "-23.110"] {
        assert!(
            text.replace('\u{2212}', "-").contains(figure),
            "{figure}: {text}"
        );
    }
}

// A date cell and a formula stored without its result are each E096 naming the cell and what
// it holds (the date as the spreadsheet shows it, the formula), instead of a day number taken
// as a figure or a silent blank; the places are those in expected.txt.
#[test]
fn a_date_and_an_uncalculated_formula_are_refused_at_their_cells() {
    let dir = root().join("tests/sheets/odd-cells");
    let (code, diagnostics, places) = check_json(&dir.join("proposal.toml"));
    assert_eq!(code, Some(1), "{diagnostics:#?}");
    assert_eq!(places, expected_places(&dir.join("expected.txt")));
    let messages: Vec<&str> = diagnostics
        .iter()
        .filter_map(|d| d["message"].as_str())
        .collect();
    for words in [
        "Drift!C1 holds a date (2025-01-01)",
        "Drift!D1 holds the formula =1+2",
    ] {
        assert!(messages.iter().any(|m| m.contains(words)), "{messages:#?}");
    }
}

// The files `from` names are confined to the project and must exist; a sheet that is not the
// workbook's gets a did-you-mean; a range of the wrong width says what the table takes.
#[test]
fn unreadable_ranges_are_reported_at_their_keys() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("tests/sheets/twin/drift.xlsx"),
        dir.path().join("drift.xlsx"),
    )
    .unwrap();
    let original = std::fs::read_to_string(root().join("tests/sheets/twin/proposal.toml")).unwrap();
    for (from, to, code, words) in [
        (
            "sheet = \"Drift\", range = \"A2:F6\"",
            "sheet = \"Drfit\", range = \"A2:F6\"",
            "E095",
            "did you mean \"Drift\"",
        ),
        (
            "range = \"A2:F6\"",
            "range = \"A2:E6\"",
            "E095",
            "2025, 2026, 2027, 2028",
        ),
        (
            "file = \"drift.xlsx\", sheet = \"Drift\", range = \"A2:F6\"",
            "file = \"../../etc/passwd.xlsx\", sheet = \"Drift\", range = \"A2:F6\"",
            "E095",
            "",
        ),
        ("range = \"A2:F6\"", "range = \"F6:A2\"", "E095", "A2:F9"),
        // a whole sheet is refused by its width, before any cell is laid out
        (
            "range = \"A2:F6\"",
            "range = \"A1:XFD1048576\"",
            "E095",
            "16384 column(s) wide",
        ),
        // past Excel's last column (XFD) is no cell
        (
            "range = \"A2:F6\"",
            "range = \"A2:XFE6\"",
            "E095",
            "not a range",
        ),
        // without `sheet` the first sheet ("Noter") is read; its range is empty, which is said
        // at the range rather than only as a table without rows
        (
            "sheet = \"Drift\", range = \"A2:F6\"",
            "range = \"A2:F6\"",
            "E095",
            "holds no rows",
        ),
    ] {
        assert!(original.contains(from), "{from}");
        let file = dir.path().join("proposal.toml");
        std::fs::write(&file, original.replacen(from, to, 1)).unwrap();
        let out = run_cli(dir.path(), &["check", "--format", "json", "proposal.toml"]);
        let diagnostics: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(out.status.code(), Some(1), "{to}: {diagnostics:#?}");
        let d = diagnostics
            .iter()
            .find(|d| d["code"] == code)
            .unwrap_or_else(|| panic!("{to}: {diagnostics:#?}"));
        let text = format!(
            "{} {}",
            d["message"].as_str().unwrap_or(""),
            d["help"].as_str().unwrap_or("")
        );
        assert!(text.contains(words), "{to}: {text}");
        assert!(d["line"].as_u64().unwrap() > 0, "{to}: {d}");
    }
}

// `from` on a text table is an error at the `from`, not silently ignored.
#[test]
fn from_on_a_text_table_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("d.csv"), "Tekst\n").unwrap();
    let original = std::fs::read_to_string(root().join("tests/sheets/twin/twin.toml")).unwrap();
    let text = original.replacen(
        "{ table = \"overslag\" }]",
        "{ table = \"overslag\" }, { table = \"t\" }]",
        1,
    ) + "\n[tables.t]\nkind = \"text\"\nheader = [\"A\"]\nfrom = { file = \"d.csv\", range = \"A1:A1\" }\n";
    assert!(text.contains("{ table = \"t\" }"));
    std::fs::write(dir.path().join("p.toml"), &text).unwrap();
    let out = run_cli(dir.path(), &["check", "--format", "json", "p.toml"]);
    let diagnostics: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let line = text.lines().position(|l| l.starts_with("from = ")).unwrap() as u64 + 1;
    assert!(
        diagnostics
            .iter()
            .any(|d| d["code"] == "E095" && d["line"].as_u64() == Some(line)),
        "{diagnostics:#?}"
    );
}

// Each proposal of tests/sheets/, named on its own (`twin`, `twin/csv`, …): `check` exits 1
// exactly when it has an error, and its diagnostics and, when it has none, its PDF's text page by
// page match the reviewed snapshot `tests/snapshots/sheets/<case>.snap`.
#[test]
fn sheet_cases() {
    crate::common::snapshot_cases("sheets", "*/*.toml", 6, crate::common::checked_and_printed);
}
