//! Real budget documents (issue 23): each folder under tests/realdocs/ holds a published-style
//! proposal (`proposal.toml`) or a savings catalogue with its proposals (`catalogue.toml`), and in
//! `expected.txt` the `CODE LINE COLUMN` of every diagnostic `check` must give it. An empty file
//! is a must-pass case: the document checks with no error and no warning, and (a proposal)
//! renders. The others plant one error (or one implausible figure, a warning) and must get it at
//! its line: figures derived from rounded ones (interval arithmetic), one label in tables of
//! different kinds, blank years of an amendment, implausible figures, a missed savings target, a
//! date out of range, and messages that print figures as the table does and report everything.

use std::path::Path;

use crate::common::{self, check_json, diagnostic_lines, expected_places, pdf_pages, render};

/// The file `check` reads for a case: its catalogue if it has one, else its proposal.
fn main_file(dir: &Path) -> std::path::PathBuf {
    let catalogue = dir.join("catalogue.toml");
    if catalogue.exists() {
        catalogue
    } else {
        dir.join("proposal.toml")
    }
}

// Each case of tests/realdocs/, named on its own: `check --format json` gives exactly the
// expected codes at their line and column and exits 1 exactly when one is an error; a must-pass
// proposal renders, and its PDF's text is part of the reviewed snapshot
// `tests/snapshots/realdocs/<case>.snap` with the `CODE LINE COL | message` lines.
#[test]
fn realdocs_cases() {
    common::snapshot_cases("realdocs", "*/expected.txt", 20, |name, expected| {
        let dir = expected.parent().unwrap();
        let file = main_file(dir);
        let (code, diagnostics, got) = check_json(&file);
        assert_eq!(got, expected_places(expected), "{name}: {diagnostics:#?}");
        let has_error = diagnostics.iter().any(|d| d["severity"] == "error");
        assert_eq!(code, Some(i32::from(has_error)), "{name}");
        let mut out = diagnostic_lines(&diagnostics, &file);
        if diagnostics.is_empty() && file.ends_with("proposal.toml") {
            for (number, page) in pdf_pages(&render(&file)).iter().enumerate() {
                out.push_str(&format!("\n--- page {} ---\n{}\n", number + 1, page.trim()));
            }
        }
        out
    });
}

// The published percentage is printed where the rounding allows it (77,6, not the 76,8 of the
// printed figures), and the published total of rounded rows (5,8, not 5,6).
#[test]
fn published_figures_within_the_rounding_are_printed() {
    let root = common::root().join("tests/realdocs");
    let text = common::pdf_text(&render(
        &root.join("percent-of-rounded-figures/proposal.toml"),
    ));
    assert!(text.contains("77,6"), "{text}");
    assert!(!text.contains("76,8"), "{text}");
    let text = common::pdf_text(&render(&root.join("sum-of-rounded-figures/proposal.toml")));
    assert!(text.contains("5,8"), "{text}");
    assert!(!text.contains("5,6"), "{text}");
}

// Every problem of a file at once, figures as the table prints them: a row's wrong stated total
// does not hide the table's wrong total or the same row disagreeing in another table.
#[test]
fn a_row_error_hides_nothing() {
    let file = common::root().join("tests/realdocs/all-problems-at-once/proposal.toml");
    let (_, diagnostics, _) = check_json(&file);
    let messages: Vec<&str> = diagnostics
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(messages.len(), 3, "{messages:#?}");
    assert!(
        messages
            .iter()
            .any(|m| m.contains("is \u{2212}163,4, but the amounts add up to \u{2212}163,0")),
        "{messages:#?}"
    );
}
