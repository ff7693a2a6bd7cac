//! check ≡ render: each folder under tests/check_render/ holds a proposal that `render` once
//! refused without a location (or panicked on), and the `CODE LINE COLUMN` of every diagnostic
//! `check` must now give it (an empty file: it must render).

use std::path::Path;

use crate::common;
use crate::common::{root, run_cli};

// Each case of tests/check_render/, named on its own: `check` refuses it at the expected place
// with exit 1, and `render` then agrees: the same exit code, a PDF exactly when check found no
// error, and no "failed" application error. Its `CODE LINE COL | message` lines match the
// reviewed snapshot `tests/snapshots/check_render/<case>.snap`.
#[test]
fn check_render_cases() {
    common::snapshot_cases("check_render", "*/proposal.toml", 8, |name, file| {
        let dir = file.parent().unwrap();
        let (code, diagnostics, got) = common::check_json(file);
        let want = common::expected_places(&dir.join("expected.txt"));
        assert_eq!(got, want, "{name}");
        let check_exit = if want.is_empty() { 0 } else { 1 };
        assert_eq!(code, Some(check_exit), "{name}");

        let out_dir = tempfile::tempdir().unwrap();
        let rendered = run_cli(
            &root(),
            &[
                "render",
                "-o",
                out_dir.path().to_str().unwrap(),
                file.to_str().unwrap(),
            ],
        );
        let stderr = String::from_utf8_lossy(&rendered.stderr);
        assert_eq!(rendered.status.code(), Some(check_exit), "{name}: {stderr}");
        let pdfs = walk_pdfs(out_dir.path());
        assert_eq!(pdfs, usize::from(want.is_empty()), "{name}: {stderr}");
        assert!(!stderr.contains("typesetting"), "{name}: {stderr}");
        common::diagnostic_lines(&diagnostics, file)
    });
}

/// How many PDFs lie under `dir`.
fn walk_pdfs(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            if p.is_dir() {
                walk_pdfs(&p)
            } else {
                usize::from(p.extension().is_some_and(|e| e == "pdf"))
            }
        })
        .sum()
}

// The share chart never panics: a share too large for a decimal is drawn as a full bar, and a
// zero frame as an empty one.
#[test]
fn share_chart_survives_absurd_frames() {
    use rust_decimal::Decimal;
    let tiny = Decimal::new(1, 28);
    let chart = budgetnote::view::chart("c", "Råderum", tiny, Decimal::from(1_000_000_000));
    assert_eq!(chart.share_permille, 1000);
    assert_eq!(chart.share_label, "over 100 pct.");
    let empty = budgetnote::view::chart("c", "Råderum", Decimal::ZERO, Decimal::from(5));
    assert_eq!(empty.share_permille, 0);
}

// A catalogue whose proposal has an error, rendered together with that proposal's folder, reports
// the proposal's problems once, as `check` does (not once with the proposal and again with the
// catalogue).
#[test]
fn a_catalogues_proposal_is_reported_once() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(
        &root().join("tests/catalogues/savings"),
        &dir.path().join("proposals"),
    );
    std::fs::copy(
        root().join("budgetnote.toml"),
        dir.path().join("budgetnote.toml"),
    )
    .unwrap();
    let e1 = dir.path().join("proposals/e1-digital-selvbetjening.toml");
    let text = std::fs::read_to_string(&e1).unwrap();
    std::fs::write(&e1, text.replacen("\ntitle = ", "\ntitel = ", 1)).unwrap();
    // Each diagnostic's code and place, in the order printed.
    let printed = |args: &[&str]| -> Vec<String> {
        let output = run_cli(dir.path(), args);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        let mut found = Vec::new();
        let mut code = String::new();
        for line in stderr.lines() {
            if line.starts_with("error[") || line.starts_with("warning[") {
                code = line.split(']').next().unwrap_or_default().to_owned();
            } else if let Some(place) = line.trim_start().strip_prefix("--> ") {
                found.push(format!("{code}] {place}"));
            }
        }
        found
    };
    let check = printed(&["check", "proposals"]);
    let render = printed(&["render", "proposals", "-o", "out"]);
    assert!(
        check.iter().any(|d| d.contains("E043")),
        "the typo is reported: {check:?}"
    );
    assert_eq!(render, check);
}

// A table too wide for the page inside a catalogue's proposal is refused by `check` and `render`
// alike, naming the proposal file and the table's line (not only the catalogue).
#[test]
fn a_too_wide_table_in_a_catalogue_names_its_proposal() {
    let (dir, proposals) = common::project_with_profile();
    std::fs::copy(
        root().join("tests/check_render/too-wide-table/proposal.toml"),
        proposals.join("wide.toml"),
    )
    .unwrap();
    std::fs::copy(
        root().join("tests/catalogues/savings/e1-digital-selvbetjening.toml"),
        proposals.join("e1.toml"),
    )
    .unwrap();
    std::fs::write(
        proposals.join("katalog.toml"),
        "[catalogue]\nannex = \"Bilag 9.\"\ntitle = \"Bredt katalog\"\nyear = 2025\n\
         proposals = [\"e1.toml\", \"wide.toml\"]\n",
    )
    .unwrap();
    let expected = format!(
        "E078]: table `l` is too wide for the page: its figure columns leave no room for the \
         labels (in {}:24:9)",
        Path::new("proposals").join("wide.toml").display()
    );
    for args in [
        &["check", "proposals/katalog.toml"][..],
        &["render", "proposals/katalog.toml", "-o", "out"][..],
    ] {
        let output = run_cli(dir.path(), args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.contains(&expected), "{args:?}: {stderr}");
    }
    assert!(!dir.path().join("out/katalog.pdf").exists());
}
