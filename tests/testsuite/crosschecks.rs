//! Cross-checks a controller would make: each folder under tests/crosschecks/ holds a proposal
//! and the `CODE LINE COLUMN` of every diagnostic it must get (an empty file: none).

use crate::common;
use crate::common::{root, run_cli};

// Each case of tests/crosschecks/, named on its own: `check --format json` reports exactly the
// expected codes at the expected line and column (the number itself, inside the TOML string), and
// exits 1 only when one of them is an error; its `CODE LINE COL | message` lines match the
// reviewed snapshot `tests/snapshots/crosschecks/<case>.snap`.
#[test]
fn crosscheck_cases() {
    common::snapshot_cases("crosschecks", "*/proposal.toml", 2, |name, file| {
        let dir = file.parent().unwrap();
        let (code, diagnostics, got) = common::check_json(file);
        let want = common::expected_places(&dir.join("expected.txt"));
        assert_eq!(got, want, "{name}");
        let has_error = diagnostics.iter().any(|d| d["severity"] == "error");
        let exit = if has_error { 1 } else { 0 };
        assert_eq!(code, Some(exit), "{name}");
        common::diagnostic_lines(&diagnostics, file)
    });
}

// The bundled proposals, the seeds among them, pass every cross-check without a warning.
#[test]
fn bundled_proposals_pass_the_cross_checks() {
    let out = run_cli(
        &root(),
        &["check", "--format", "json", "--deny", "warnings"],
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "[]",
        "the bundled proposals have diagnostics"
    );
    assert_eq!(out.status.code(), Some(0));
}

// Within the declared rounding tolerance the published total (4,0) is printed, not the sum of
// the rounded parts (3,9).
#[test]
fn total_within_rounding_prints_the_published_figure() {
    let pdf = common::render(&root().join("tests/crosschecks/rounding-within/proposal.toml"));
    let text = common::pdf_text(&pdf);
    let total_line = text
        .lines()
        .find(|l| l.trim_start().starts_with("I alt"))
        .unwrap_or_else(|| panic!("no total row in {text}"));
    assert!(total_line.contains("4,0"), "{total_line}");
    assert!(!total_line.contains("3,9"), "{total_line}");
}

// The sign convention's exemption: the same saving line with 2024 declared a one-off
// investment year passes.
#[test]
fn one_off_year_is_exempt_from_the_sign_convention() {
    let work = tempfile::tempdir().unwrap();
    let text =
        std::fs::read_to_string(root().join("tests/crosschecks/saving-with-plus/proposal.toml"))
            .unwrap()
            .replace(
                "amounts = { 2024 = 500,",
                "one_off_years = [2024]\namounts = { 2024 = 500,",
            );
    let file = work.path().join("one-off.toml");
    std::fs::write(&file, text).unwrap();
    let out = run_cli(
        &root(),
        &["check", "--format", "json", file.to_str().unwrap()],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

// What keeps the amounts a year of prose-annual-every-year quiet is what the sentences say: with
// the years they narrow to and the other plan they tell of taken out, the same amounts get W025
// (2,1 holds in 2024-2026 only, 1,5 in 2024-2025, and 2,1 again in the plan's sentence).
#[test]
fn narrowed_years_and_other_plans_are_what_keep_amounts_a_year_quiet() {
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("proposal.toml");
    std::fs::copy(
        root().join("tests/crosschecks/prose-annual-every-year/proposal.toml"),
        &file,
    )
    .unwrap();
    common::edit(
        &file,
        &[
            ("om året i 2024-2026.", "om året."),
            ("årligt til og med 2025.", "årligt."),
            (
                "I budget 2023-2026 blev der afsat",
                "I budget 2024-2027 er der afsat",
            ),
        ],
    );
    let (_, _, got) = common::check_json(&file);
    let want: Vec<common::Place> = [(44, 33), (45, 38), (46, 47)]
        .iter()
        .map(|(line, col)| ("W025".to_owned(), *line, *col))
        .collect();
    assert_eq!(got, want);
}

/// The line of `text` that starts with `label` (after indentation).
fn line_starting<'a>(text: &'a str, label: &str) -> &'a str {
    text.lines()
        .find(|l| l.trim_start().starts_with(label))
        .unwrap_or_else(|| panic!("no line starting with {label:?} in {text}"))
}

// A ledger grouped in two levels with `rounding = "1"`: the published subtotals and grand total,
// each within the tolerance of its level (1, 2 and 3 off), print as stated, not as computed, and
// the deviation beside them follows the printed figures (2.050 − 1.999 = 51).
#[test]
fn ledger_subtotals_within_rounding_print_the_published_figures() {
    let pdf = common::render(
        &root().join("tests/crosschecks/ledger-rounding-levels-within/proposal.toml"),
    );
    let text = common::pdf_text(&pdf);
    for (label, stated, computed) in [
        ("Dagtilbud i alt", "1.999", "2.000"),
        ("Børne- og Ungdomsudvalget i alt", "7.002", "7.000"),
        ("I alt", "9.997", "10.000"),
    ] {
        let line = line_starting(&text, label);
        let figures: Vec<&str> = line.split_whitespace().collect();
        assert!(figures.contains(&stated), "{line}");
        assert!(!figures.contains(&computed), "{line}");
    }
    assert!(
        line_starting(&text, "Dagtilbud i alt").ends_with("1.999 2.050 51"),
        "{text}"
    );
}

// Stated percentages one unit of their last digit from the computed ones (5,0 → 5,1; 12,5 →
// 12,4; 8,33… → 8,4) print as stated.
#[test]
fn ledger_percentages_within_one_digit_print_as_stated() {
    let pdf = common::render(
        &root().join("tests/crosschecks/ledger-stated-percent-within/proposal.toml"),
    );
    let text = common::pdf_text(&pdf);
    for (label, stated, computed) in [
        ("Vuggestuer", "5,1", "5,0"),
        ("Børnehaver", "12,4", "12,5"),
        ("I alt", "8,4", "8,3"),
    ] {
        let line = line_starting(&text, label);
        let figures: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(figures.last(), Some(&stated), "{line}");
        assert!(!figures.contains(&computed), "{line}");
    }
}
