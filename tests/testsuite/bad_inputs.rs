//! Bad proposals: each folder under tests/bad/ breaks one rule; the expected codes and lines sit beside it.

use std::path::{Path, PathBuf};

use crate::common;
use crate::common::{root, run_cli};

/// Every case folder under tests/bad/.
fn cases() -> Vec<PathBuf> {
    common::case_dirs("bad")
}

/// The expected `CODE LINE` pairs of a case.
fn expected(dir: &Path) -> Vec<(String, usize)> {
    std::fs::read_to_string(dir.join("expected.txt"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (code, line) = l.split_once(' ').unwrap();
            (code.to_owned(), line.trim().parse().unwrap())
        })
        .collect()
}

// Each case of tests/bad/, named on its own: `check --format json` reports exactly the expected
// codes at the expected lines (expected.txt) with a column and a message, in proposal.toml, and
// exits 1; and what a finance officer reads, the human diagnostics (code, message, the line with
// its caret, label and help), match the case's reviewed snapshot `tests/snapshots/bad/<case>.snap`.
#[test]
fn bad_cases() {
    common::snapshot_cases("bad", "*/proposal.toml", 15, |name, file| {
        let dir = file.parent().unwrap();
        let out = run_cli(
            &root(),
            &["check", "--format", "json", file.to_str().unwrap()],
        );
        assert_eq!(out.status.code(), Some(1), "{name}: exit code");
        let json: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{name}: stdout is not JSON: {e}"));
        let mut got: Vec<(String, usize)> = json
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["code"].as_str().unwrap().to_owned(),
                    d["line"].as_u64().unwrap() as usize,
                )
            })
            .collect();
        let mut want = expected(dir);
        got.sort();
        want.sort();
        assert_eq!(got, want, "{name}: diagnostics (code, line)");
        for d in json.as_array().unwrap() {
            assert!(d["file"].as_str().unwrap().ends_with("proposal.toml"));
            assert!(d["column"].as_u64().unwrap() >= 1, "{name}: column");
            assert!(!d["message"].as_str().unwrap().is_empty());
        }
        let human = run_cli(&root(), &["check", &common::relative(file)]);
        String::from_utf8_lossy(&human.stderr).replace('\\', "/")
    });
}

// `render` writes no PDF for a bad proposal, removes a stale one, renders the good one, and exits 1.
#[test]
fn render_skips_bad_proposals_and_removes_their_stale_pdf() {
    let work = tempfile::tempdir().unwrap();
    let input = work.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    // Its own id: two files of one folder may not share one (E040).
    let good = std::fs::read_to_string(root().join("tests/good/minimal.toml"))
        .unwrap()
        .replace("id = \"T01\"", "id = \"T02\"");
    std::fs::write(input.join("good.toml"), good).unwrap();
    std::fs::copy(
        root().join("tests/bad/stated-net-mismatch/proposal.toml"),
        input.join("bad.toml"),
    )
    .unwrap();
    let out_dir = work.path().join("out");
    std::fs::create_dir_all(&out_dir).unwrap();
    std::fs::write(out_dir.join("bad.pdf"), b"%PDF-1.7 stale").unwrap();

    let out = run_cli(
        &root(),
        &[
            "render",
            input.to_str().unwrap(),
            "-o",
            out_dir.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        !out_dir.join("bad.pdf").exists(),
        "stale PDF of the bad proposal is gone"
    );
    let good = std::fs::read(out_dir.join("good.pdf")).expect("good proposal rendered");
    assert!(good.starts_with(b"%PDF-"));
    let leftovers: Vec<_> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "good.pdf" && n != ".budgetnote-manifest")
        .collect();
    assert!(leftovers.is_empty(), "no temp files left: {leftovers:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("error[E014]"), "{stderr}");
}

// Rendering the whole folder of bad proposals writes no PDF at all, and exits 1.
#[test]
fn no_bad_proposal_gets_a_pdf() {
    let out_dir = tempfile::tempdir().unwrap();
    let out = run_cli(
        &root(),
        &[
            "render",
            "tests/bad",
            "-o",
            out_dir.path().to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let written: Vec<_> = std::fs::read_dir(out_dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(
        written.is_empty(),
        "files written for bad proposals: {written:?}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("rendered 0 of {}", cases().len())),
        "{stderr}"
    );
}

// Human output is compiler style: code, message, location, the user's line, a caret and help.
#[test]
fn human_output_shows_location_snippet_and_help() {
    let file = root().join("tests/bad/stated-net-mismatch/proposal.toml");
    let out = run_cli(&root(), &["check", file.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "error[E014]: stated net for Service in 2024 is −400, but the lines add up to −300"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("proposal.toml:26:"), "{stderr}");
    assert!(stderr.contains("service = { 2024 = -400"), "{stderr}");
    assert!(stderr.contains("^^^^"), "{stderr}");
    assert!(stderr.contains("help:"), "{stderr}");
}

// An unknown key is a warning at the key: the proposal still renders and check exits 0.
#[test]
fn unknown_key_is_a_spanned_warning() {
    let work = tempfile::tempdir().unwrap();
    let file = common::proposal_with_typo(work.path());
    let out = run_cli(
        &root(),
        &["check", "--format", "json", file.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = &json[0];
    assert_eq!(d["code"], "W001");
    assert_eq!(d["severity"], "warning");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(6), Some(1))
    );
}

// The good fixtures pass cleanly, so each bad case fails for its one fault.
#[test]
fn good_fixtures_are_clean() {
    for file in [
        "tests/good/minimal.toml",
        "tests/good/budgetnotat.toml",
        "tests/good/logo/proposal.toml",
    ] {
        let out = run_cli(&root(), &["check", "--format", "json", file]);
        assert_eq!(out.status.code(), Some(0), "{file}");
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "[]", "{file}");
    }
}

// A table defined but placed nowhere is a warning at the table: its text would not be printed.
#[test]
fn unplaced_table_is_a_spanned_warning() {
    let work = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join("tests/good/budgetnotat.toml")).unwrap()
        + "\n[tables.glemt]\nkind = \"text\"\nheader = [\"A\"]\n";
    let file = work.path().join("glemt.toml");
    std::fs::write(&file, &text).unwrap();
    let out = run_cli(
        &root(),
        &["check", "--format", "json", file.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json[0]["code"], "W002");
    let line = text.lines().position(|l| l == "[tables.glemt]").unwrap() + 1;
    assert_eq!(json[0]["line"].as_u64(), Some(line as u64));
}

// A character the bundled font lacks (which PDF/A and PDF/UA forbid printing as an empty box)
// is an error at the character itself, found by `check` before anything is typeset.
#[test]
fn unprintable_character_is_reported_at_the_character() {
    let file = root().join("tests/bad/unprintable-character/proposal.toml");
    let out = run_cli(
        &root(),
        &["check", "--format", "json", file.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let first = &json[0];
    assert_eq!(first["code"], "E029");
    assert_eq!(
        (first["line"].as_u64(), first["column"].as_u64()),
        (Some(4), Some(22)),
        "{first}"
    );
    assert!(
        first["message"].as_str().unwrap().contains("U+2713"),
        "{first}"
    );
}
