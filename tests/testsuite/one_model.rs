//! One checked document for every check: figures read from a spreadsheet (`from`, CSV and XLSX)
//! get the checks typed figures get (a row repeated in another table, E065; an amendment's net,
//! E014/E094/W016; `same_as`), and are named by their cell at the `from` that read them; a date
//! outside 1900–2100 is refused by `check` at its line. Each folder under tests/one_model/ holds
//! a proposal, its spreadsheet and the `CODE LINE COLUMN` of every diagnostic it must get.

use std::path::Path;

use crate::common::{case_dirs, check_json, expected_places, root};

#[path = "../one_model/make_workbooks.rs"]
mod make_workbooks;

// Every case gets exactly the expected codes at the expected line and column, and `check` exits
// 1 exactly when one of them is an error.
#[test]
fn each_case_gets_its_diagnostics_at_their_places() {
    let cases = case_dirs("one_model");
    assert!(cases.len() >= 12, "only {} cases", cases.len());
    for dir in cases {
        let (code, diagnostics, got) = check_json(&dir.join("proposal.toml"));
        let want = expected_places(&dir.join("expected.txt"));
        assert_eq!(got, want, "{}: {diagnostics:#?}", dir.display());
        let has_error = diagnostics.iter().any(|d| d["severity"] == "error");
        assert_eq!(
            code,
            Some(i32::from(has_error)),
            "{}: {diagnostics:#?}",
            dir.display()
        );
    }
}

/// The messages of the diagnostics `check` gives the case, with their codes and lines.
fn messages(case: &str) -> Vec<(String, u64, String)> {
    let (_, diagnostics, _) = check_json(
        &root()
            .join("tests/one_model")
            .join(case)
            .join("proposal.toml"),
    );
    diagnostics
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_owned(),
                d["line"].as_u64().unwrap_or_default(),
                d["message"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// The 1-based line of the first line of the case's proposal that starts with `start`.
fn line_of(case: &str, start: &str, nth: usize) -> u64 {
    let text = std::fs::read_to_string(
        root()
            .join("tests/one_model")
            .join(case)
            .join("proposal.toml"),
    )
    .unwrap();
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with(start))
        .nth(nth)
        .map(|(i, _)| i as u64 + 1)
        .unwrap_or_else(|| panic!("{case} has no line {start:?}"))
}

// A figure read from a spreadsheet is reported at the `from` that read it, and the message names
// its cell (file, sheet and cell as the spreadsheet shows them) and both figures.
#[test]
fn spreadsheet_figures_are_named_by_their_cell() {
    for (case, code, from, nth, words) in [
        (
            "cross-table-csv-disagrees",
            "E065",
            "from = ",
            0,
            &[
                "\"Dagtilbud\"",
                "8.200",
                "(d.csv, C2)",
                "8.100",
                "`oversigt`",
            ][..],
        ),
        (
            "cross-table-xlsx-disagrees",
            "E065",
            "from = ",
            0,
            &["8.200", "(d.xlsx, Drift!C2)", "8.100"][..],
        ),
        (
            "amendment-sheet-financing-plus",
            "W016",
            "from = ",
            1,
            &["\"Færre konsulentydelser\"", "+500", "2027", "(d.csv, C3)"][..],
        ),
        (
            "same-as-sheet-row-disagrees",
            "E065",
            "total_same_as = ",
            0,
            &["8.249 (1.000 kr.) here", "8,1 (mio. kr.) (d.csv, B2) there"][..],
        ),
    ] {
        let found = messages(case);
        let line = line_of(case, from, nth);
        assert!(
            found
                .iter()
                .any(|(c, l, m)| c == code && *l == line && words.iter().all(|w| m.contains(w))),
            "{case}: no {code} at line {line} with {words:?} in {found:#?}"
        );
    }
}

// When the typed row comes after the spreadsheet's, the error is at the typed label and names
// the spreadsheet's cell as the other place.
#[test]
fn a_typed_row_after_a_spreadsheet_row_names_the_cell() {
    let case = "cross-table-typed-after-sheet";
    let found = messages(case);
    let from = line_of(case, "from = ", 0);
    let label = line_of(case, "label = \"Dagtilbud\"", 0);
    assert_eq!(found.len(), 1, "{found:#?}");
    let (code, line, message) = &found[0];
    assert_eq!((code.as_str(), *line), ("E065", label), "{message}");
    assert!(
        message.contains(
            "8.100 (1.000 kr.) in 2026 here, but 8.200 (1.000 kr.) in table `detaljer` (d.csv, C2)"
        ),
        "{message}"
    );
    assert!(from < label);
}

// The date in the year 1 is refused by `check` as an error naming the year and the years allowed.
#[test]
fn a_date_in_the_year_one_is_refused() {
    let found = messages("date-year-one");
    let line = line_of("date-year-one", "date = ", 0);
    assert!(
        found.iter().any(|(c, l, m)| c == "E002"
            && *l == line
            && m.contains("year 1,")
            && m.contains("1900 to 2100")),
        "{found:#?}"
    );
}

// The committed workbooks hold exactly the cells their script writes: the header, then each
// row's label and figures as numbers, on the sheet "Drift".
#[test]
fn workbooks_hold_what_their_script_writes() {
    use calamine::{Data, Reader};
    for (case, rows) in make_workbooks::WORKBOOKS {
        let path = root().join("tests/one_model").join(case).join("d.xlsx");
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names(), vec!["Drift".to_owned()], "{case}");
        let range = book.worksheet_range("Drift").unwrap();
        let got: Vec<Vec<Data>> = range.rows().map(<[Data]>::to_vec).collect();
        let mut want = vec![
            make_workbooks::HEADER
                .iter()
                .map(|h| Data::String((*h).to_owned()))
                .collect::<Vec<_>>(),
        ];
        for (label, figures) in rows.iter() {
            let mut row = vec![Data::String((*label).to_owned())];
            row.extend(figures.iter().map(|f| Data::Float(*f)));
            want.push(row);
        }
        assert_eq!(got, want, "{case}");
    }
}

// Writes the workbooks of tests/one_model again from their script (run on purpose, with
// `--ignored`, after changing the script).
#[test]
#[ignore = "writes the committed fixtures"]
fn make_workbooks() {
    make_workbooks::write_all(&root().join("tests/one_model")).unwrap();
    assert!(Path::new(&root().join("tests/one_model/cross-table-xlsx-agrees/d.xlsx")).exists());
}

// The checks about figures read the checked document only, never the TOML again: their sources
// do not reach for the spanned view's table.
#[test]
fn figure_checks_read_only_the_checked_document() {
    for (name, source) in [
        (
            "cross_table",
            include_str!("../../src/checks/cross_table.rs"),
        ),
        ("same_as", include_str!("../../src/checks/same_as.rs")),
        ("amendment", include_str!("../../src/checks/amendment.rs")),
        ("identity", include_str!("../../src/checks/identity.rs")),
    ] {
        assert!(!source.contains("view.table()"), "{name} reads the TOML");
        if name != "identity" {
            assert!(!source.contains("DeTable"), "{name} reads the TOML");
        }
    }
}
