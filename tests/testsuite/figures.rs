//! Figures are never wrong and never ambiguous: rounding half away from zero, help texts that
//! name both readings of `2.800`, errors at the number for numbers TOML cannot read, no serde
//! words, and misspelt keys that are errors rather than silently switched-off checks.
//!
//! Each folder under tests/figures/ holds a `proposal.toml` and an `expected` file: one line per
//! diagnostic, `CODE LINE COLUMN | a phrase of its message or help` (an empty file: none).

use std::path::Path;

use crate::common;
use crate::common::{root, run_cli};

/// One expected diagnostic: code, line, column and a phrase its message or help contains.
type Expected = (String, u64, u64, String);

/// The expected diagnostics of a case.
fn expected(dir: &Path) -> Vec<Expected> {
    std::fs::read_to_string(dir.join("expected"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (place, phrase) = l.split_once('|').unwrap_or((l, ""));
            let parts: Vec<&str> = place.split_whitespace().collect();
            (
                parts[0].to_owned(),
                parts[1].parse().unwrap(),
                parts[2].parse().unwrap(),
                phrase.trim().to_owned(),
            )
        })
        .collect()
}

// `check --format json` reports exactly the expected codes at the expected line and column, each
// with the expected phrase in its message or help, and exits 1 exactly when one is an error.
#[test]
fn each_case_gets_its_diagnostics_with_their_help() {
    let cases = common::case_dirs("figures");
    assert!(!cases.is_empty(), "only {} cases", cases.len());
    for dir in cases {
        let file = dir.join("proposal.toml");
        let out = run_cli(
            &root(),
            &["check", "--format", "json", file.to_str().unwrap()],
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{}: stdout is not JSON: {e}", dir.display()));
        let diagnostics = json.as_array().unwrap();
        let mut got: Vec<(String, u64, u64)> = diagnostics
            .iter()
            .map(|d| {
                (
                    d["code"].as_str().unwrap().to_owned(),
                    d["line"].as_u64().unwrap(),
                    d["column"].as_u64().unwrap(),
                )
            })
            .collect();
        let want = expected(&dir);
        let mut want_places: Vec<(String, u64, u64)> = want
            .iter()
            .map(|(c, l, col, _)| (c.clone(), *l, *col))
            .collect();
        got.sort();
        want_places.sort();
        assert_eq!(
            got,
            want_places,
            "{}: {}",
            dir.display(),
            String::from_utf8_lossy(&out.stdout)
        );
        for (code, line, column, phrase) in &want {
            let d = diagnostics
                .iter()
                .find(|d| {
                    d["code"] == code.as_str() && d["line"] == *line && d["column"] == *column
                })
                .unwrap();
            let text = format!(
                "{} help: {}",
                d["message"].as_str().unwrap_or(""),
                d["help"].as_str().unwrap_or("")
            );
            assert!(
                text.contains(phrase.as_str()),
                "{}: {code} should say `{phrase}`, says {text}",
                dir.display()
            );
        }
        let has_error = diagnostics.iter().any(|d| d["severity"] == "error");
        assert_eq!(
            out.status.code(),
            Some(if has_error { 1 } else { 0 }),
            "{}",
            dir.display()
        );
    }
}

// The agreement prints ledger totals of −3.250, 2.450 and 50 (1.000 kr.) in mio. kr. rounded
// half away from zero: −3,3, 2,5 and 0,1 (half to even would give −3,2, 2,4 and 0,0).
#[test]
fn printed_figures_round_half_away_from_zero() {
    let pdf = common::render(&root().join("tests/figures/rounding-half-away/proposal.toml"));
    let text = common::pdf_text(&pdf);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for want in [
        "\u{2212}3,3 mio. kr. på service i 2025",
        "2,5 mio. kr. på service i 2026",
        "0,1 mio. kr. på service i 2027",
    ] {
        assert!(flat.contains(want), "PDF lacks `{want}`: {flat}");
    }
    assert!(!flat.contains("3,2 mio. kr."), "half to even: {flat}");
}
