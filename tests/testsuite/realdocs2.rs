//! Real budget documents, part two (issue 23): a confident contradiction the prose reader finds
//! (E120-E123) is an error, `check` and `render` agree on it, and acknowledging it with a reason
//! lets the document pass and render.

use std::path::Path;

use crate::common::{root, run_cli};

/// The must-fail cases of tests/realdocs/ with one prose contradiction each, and its code.
const PLANTED: [(&str, &str); 4] = [
    ("prose-year-wrong-figure", "E120"),
    ("prose-arithmetic-wrong", "E121"),
    ("prose-quantity-twice", "E122"),
    ("prose-thousandfold-slip", "E123"),
];

/// `render`'s exit code and the number of PDFs it wrote for `file`.
fn rendered(file: &Path) -> (Option<i32>, usize, String) {
    let out = tempfile::tempdir().unwrap();
    let run = run_cli(
        &root(),
        &[
            "render",
            "-o",
            out.path().to_str().unwrap(),
            file.to_str().unwrap(),
        ],
    );
    let pdfs = pdfs_under(out.path());
    let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
    (run.status.code(), pdfs, stderr)
}

/// How many PDFs lie under `dir`, in any folder.
fn pdfs_under(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            if p.is_dir() {
                pdfs_under(&p)
            } else {
                usize::from(p.extension().is_some_and(|x| x == "pdf"))
            }
        })
        .sum()
}

// Each planted prose contradiction is an error: `check` exits 1 with exactly that code, and
// `render` refuses the file the same way (exit 1, no PDF, the same code on stderr).
#[test]
fn prose_contradictions_are_errors_in_check_and_render() {
    for (case, code) in PLANTED {
        let file = root()
            .join("tests/realdocs")
            .join(case)
            .join("proposal.toml");
        let (exit, diagnostics, _) = crate::common::check_json(&file);
        assert_eq!(exit, Some(1), "{case}: {diagnostics:#?}");
        let codes: Vec<&str> = diagnostics
            .iter()
            .map(|d| d["code"].as_str().unwrap())
            .collect();
        assert_eq!(codes, vec![code], "{case}");
        assert_eq!(diagnostics[0]["severity"], "error", "{case}");
        let (exit, pdfs, stderr) = rendered(&file);
        assert_eq!((exit, pdfs), (Some(1), 0), "{case}: {stderr}");
        assert!(stderr.contains(code), "{case}: {stderr}");
    }
}

// The four contradictions together, each acknowledged with a reason at its text: `check` exits
// 0 with nothing to show and counts the four as acknowledged in its summary, and `render` writes
// the PDF.
#[test]
fn acknowledged_prose_contradictions_render() {
    let file = root().join("tests/realdocs/prose-contradictions-acknowledged/proposal.toml");
    let (exit, diagnostics, _) = crate::common::check_json(&file);
    assert_eq!(exit, Some(0), "{diagnostics:#?}");
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let check = crate::common::run_cli(&root(), &["check", file.to_str().unwrap()]);
    let summary = String::from_utf8_lossy(&check.stderr);
    assert!(
        summary.contains("0 error(s), 0 warning(s), 4 acknowledged"),
        "{summary}"
    );
    let (exit, pdfs, stderr) = rendered(&file);
    assert_eq!((exit, pdfs), (Some(0), 1), "{stderr}");
}

// Without its acknowledgements the same document is refused with the four errors, so the
// must-pass case above really holds them.
#[test]
fn the_acknowledged_case_holds_all_four() {
    let file = root().join("tests/realdocs/prose-contradictions-acknowledged/proposal.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    let (head, _) = text.split_once("[acknowledged]").unwrap();
    let (_, tables) = text.split_once("[tables.tabel]").unwrap();
    let stripped = format!("{head}[tables.tabel]{tables}");
    let checked = budgetnote::check_source(&file, stripped);
    let mut codes: Vec<&str> = checked
        .report
        .diagnostics
        .iter()
        .map(|d| d.code.as_str())
        .collect();
    codes.sort_unstable();
    assert_eq!(codes, vec!["E120", "E121", "E122", "E123"]);
}

// The standard form's E014 prints both figures at the table's decimals: the stated −163,4 and
// the computed −163,0 (not "−163").
#[test]
fn budget_message_at_table_decimals() {
    let file = root().join("tests/realdocs/budget-message-at-table-decimals/proposal.toml");
    let (_, diagnostics, _) = crate::common::check_json(&file);
    let message = diagnostics[0]["message"].as_str().unwrap();
    assert_eq!(
        message,
        "stated net for Service in 2024 is \u{2212}163,4, but the lines add up to \u{2212}163,0"
    );
}

// A `[budget]` line's one-off year is left out of W032 only because it is declared: without
// `one_off_years` the same line gets W032 at its first year's figure.
#[test]
fn budget_one_off_year_is_exempt_only_when_declared() {
    let file = root().join("tests/realdocs/budget-one-off-year-declared/proposal.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        budgetnote::check_source(&file, text.clone())
            .report
            .diagnostics
            .is_empty()
    );
    let undeclared = text.replace("one_off_years = [2024]\n", "");
    assert_ne!(undeclared, text);
    let checked = budgetnote::check_source(&file, undeclared.clone());
    let found: Vec<(&str, &str)> = checked
        .report
        .diagnostics
        .iter()
        .map(|d| (d.code.as_str(), &undeclared[d.span.clone().unwrap()]))
        .collect();
    assert_eq!(found, vec![("W032", "2000")]);
}
