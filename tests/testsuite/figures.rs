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

// Each case of tests/figures/, named on its own: `check --format json` reports exactly the
// expected codes at the expected line and column, each with the expected phrase in its message or
// help, and exits 1 exactly when one is an error; its `CODE LINE COL | message` lines match the
// reviewed snapshot `tests/snapshots/figures/<case>.snap`.
#[test]
fn figure_cases() {
    common::snapshot_cases("figures", "*/proposal.toml", 15, |name, file| {
        let dir = file.parent().unwrap();
        let (code, diagnostics, got) = common::check_json(file);
        let want = expected(dir);
        let want_places = common::expected_places(&dir.join("expected"));
        assert_eq!(got, want_places, "{name}: {diagnostics:?}");
        for (want_code, line, column, phrase) in &want {
            let d = diagnostics
                .iter()
                .find(|d| {
                    d["code"] == want_code.as_str() && d["line"] == *line && d["column"] == *column
                })
                .unwrap();
            let text = format!(
                "{} help: {}",
                d["message"].as_str().unwrap_or(""),
                d["help"].as_str().unwrap_or("")
            );
            assert!(
                text.contains(phrase.as_str()),
                "{name}: {want_code} should say `{phrase}`, says {text}"
            );
        }
        let has_error = diagnostics.iter().any(|d| d["severity"] == "error");
        assert_eq!(code, Some(if has_error { 1 } else { 0 }), "{name}");
        common::diagnostic_lines(&diagnostics, file)
    });
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

/// Words and phrases of serde and Rust types that a finance officer cannot know.
const SERDE_WORDS: &[&str] = &[
    "i64", "i32", "u64", "u32", "u16", "u8", "f64", "f32", "sequence", "map", "struct", "variant",
    "tuple", "newtype", "enum", "option",
];

/// Serde phrasings (matched as substrings).
const SERDE_PHRASES: &[&str] = &[
    "invalid type",
    "invalid value",
    "expected i64",
    "string \"",
    "integer `",
    "floating point",
    "boolean `",
    "TOML datetime",
];

/// The minimal standard-form proposal the wrong-type cases change.
const MINIMAL: &str = "tests/good/minimal.toml";

/// The small budgetnotat the wrong-type cases change.
const BUDGETNOTAT: &str = "tests/good/budgetnotat.toml";

// A wrong type in every kind of field of the model (text, list, year, date, amount, amounts per
// year, table, list of tables, boolean, cell, block) gets an error in plain words: no message or
// help contains serde's vocabulary (`expected i64`, `invalid type`, `sequence`, `map`, …).
#[test]
fn wrong_types_are_explained_without_serde_words() {
    let cases: &[(&str, &str, &str)] = &[
        (MINIMAL, "id = \"T01\"", "id = 5"),
        (MINIMAL, "form = \"standard\"", "form = 5"),
        (MINIMAL, "title = \"Testforslag\"", "title = true"),
        (
            MINIMAL,
            "title = \"Testforslag\"",
            "title = \"T\"\nmunicipality = 1",
        ),
        (
            MINIMAL,
            "title = \"Testforslag\"",
            "title = \"T\"\nlogo = \"logo.svg\"",
        ),
        (
            MINIMAL,
            "title = \"Testforslag\"",
            "title = \"T\"\nlogo = { file = 1, alt = \"x\" }",
        ),
        (
            MINIMAL,
            "title = \"Testforslag\"",
            "title = \"T\"\nlogo = { file = \"a.svg\", alt = 2 }",
        ),
        (
            MINIMAL,
            "committees = [\"Socialudvalget\"]",
            "committees = \"Socialudvalget\"",
        ),
        (
            MINIMAL,
            "committees = [\"Socialudvalget\"]",
            "committees = [1]",
        ),
        (MINIMAL, "proposer = \"Administrationen\"", "proposer = []"),
        (
            MINIMAL,
            "proposer = \"Administrationen\"",
            "proposer = \"A\"\ndate = \"2024-06-12\"",
        ),
        (
            MINIMAL,
            "proposer = \"Administrationen\"",
            "proposer = \"A\"\nnumber = 1",
        ),
        (
            MINIMAL,
            "proposer = \"Administrationen\"",
            "proposer = \"A\"\narea = 1",
        ),
        (
            MINIMAL,
            "proposer = \"Administrationen\"",
            "proposer = \"A\"\naddress = 1",
        ),
        (
            MINIMAL,
            "proposer = \"Administrationen\"",
            "proposer = \"A\"\ntarget_group = 1",
        ),
        (
            MINIMAL,
            "proposer = \"Administrationen\"",
            "proposer = \"A\"\nexternal_amounts = \"2 mio. kr.\"",
        ),
        (
            MINIMAL,
            "proposer = \"Administrationen\"",
            "proposer = \"A\"\nexternal_amounts = [2]",
        ),
        (
            MINIMAL,
            "proposer = \"Administrationen\"",
            "proposer = \"A\"\ntables = 1",
        ),
        (
            MINIMAL,
            "proposer = \"Administrationen\"",
            "proposer = \"A\"\nrequest = 1",
        ),
        (
            MINIMAL,
            "proposer = \"Administrationen\"",
            "proposer = \"A\"\nrequest = { unit = 1, year = \"2025\", amount = true }",
        ),
        (
            MINIMAL,
            "proposer = \"Administrationen\"",
            "proposer = \"A\"\nrequest = { unit = \"mio. kr.\", year = 2025, parts = 1 }",
        ),
        (
            MINIMAL,
            "proposer = \"Administrationen\"",
            "proposer = \"A\"\nrequest = { unit = \"mio. kr.\", year = 2025, parts = [{ label = 1, amount = [] }] }",
        ),
        (
            MINIMAL,
            "proposer = \"Administrationen\"",
            "proposer = \"A\"\nagreement = \"x\"",
        ),
        (
            MINIMAL,
            "proposer = \"Administrationen\"",
            "proposer = \"A\"\ncheckboxes = \"x\"",
        ),
        (
            MINIMAL,
            "proposer = \"Administrationen\"",
            "proposer = \"A\"\ncheckboxes = { kategorisering = \"Henvist sag\" }",
        ),
        (MINIMAL, "resume = \"Resumé.\"", "resume = 5"),
        (MINIMAL, "resume = \"Resumé.\"", "resume = [5]"),
        (MINIMAL, "resume = \"Resumé.\"", "resume = [{ text = 1 }]"),
        (MINIMAL, "unit = \"1.000 kr.\"", "unit = 1000"),
        (MINIMAL, "prices = \"2024-priser\"", "prices = 2024"),
        (MINIMAL, "years = [2024, 2025, 2026, 2027]", "years = 2024"),
        (
            MINIMAL,
            "years = [2024, 2025, 2026, 2027]",
            "years = [\"2024\", 2025, 2026, 2027]",
        ),
        (
            MINIMAL,
            "years = [2024, 2025, 2026, 2027]",
            "years = [2024.0, 2025, 2026, 2027]",
        ),
        (
            MINIMAL,
            "years = [2024, 2025, 2026, 2027]",
            "years = [2024, 2025, 2026, 2027]\ncurrent = 5",
        ),
        (
            MINIMAL,
            "years = [2024, 2025, 2026, 2027]",
            "years = [2024, 2025, 2026, 2027]\ncurrent = { 2024 = true }",
        ),
        (
            MINIMAL,
            "years = [2024, 2025, 2026, 2027]",
            "years = [2024, 2025, 2026, 2027]\nexpense_types = \"service\"",
        ),
        (MINIMAL, "kind = \"omstilling\"", "kind = 1"),
        (MINIMAL, "expense = \"service\"", "expense = 1"),
        (MINIMAL, "committee = \"SU\"", "committee = [\"SU\"]"),
        (
            MINIMAL,
            "committee = \"SU\"",
            "committee = \"SU\"\nlabel = 1",
        ),
        (
            MINIMAL,
            "committee = \"SU\"",
            "committee = \"SU\"\naccount = 5.57",
        ),
        (
            MINIMAL,
            "committee = \"SU\"",
            "committee = \"SU\"\none_off_years = 2024",
        ),
        (
            MINIMAL,
            "committee = \"SU\"",
            "committee = \"SU\"\none_off_years = [\"2024\"]",
        ),
        (
            MINIMAL,
            "amounts = { 2024 = -500, 2025 = -500, 2026 = -500, 2027 = -500 }",
            "amounts = [-500, -500]",
        ),
        (
            MINIMAL,
            "amounts = { 2024 = -500, 2025 = -500, 2026 = -500, 2027 = -500 }",
            "amounts = { 2024 = [-500] }",
        ),
        (
            MINIMAL,
            "amounts = { 2024 = -500, 2025 = -500, 2026 = -500, 2027 = -500 }",
            "amounts = { 2024 = true }",
        ),
        (
            MINIMAL,
            "service = { 2024 = -300, 2025 = -300, 2026 = -300, 2027 = -300 }",
            "service = -300",
        ),
        (
            MINIMAL,
            "fte = { 2024 = 2, 2025 = 2, 2026 = 2, 2027 = 2 }",
            "fte = 2",
        ),
        (MINIMAL, "label = \"Sagsbehandlere\"", "label = 1"),
        (BUDGETNOTAT, "kind = \"ledger\"", "kind = 1"),
        (BUDGETNOTAT, "caption = \"Tabel 2. Økonomi\"", "caption = 2"),
        (
            BUDGETNOTAT,
            "prices = \"2025 p/l\"",
            "prices = \"2025 p/l\"\nown_prices = \"yes\"",
        ),
        (
            BUDGETNOTAT,
            "columns = [\"Styringsområde\"]",
            "columns = \"Styringsområde\"",
        ),
        (BUDGETNOTAT, "row_total = \"I alt\"", "row_total = true"),
        (
            BUDGETNOTAT,
            "total = \"Udgifter i alt (netto)\"",
            "total = 1",
        ),
        (
            BUDGETNOTAT,
            "stated_totals = { 2025 = 1500, 2026 = 1500 }",
            "stated_totals = 1500",
        ),
        (
            BUDGETNOTAT,
            "stated_grand_total = 3000",
            "stated_grand_total = [3000]",
        ),
        (
            BUDGETNOTAT,
            "stated_grand_total = 3000",
            "stated_grand_total = 3000\nrounding = { a = 1 }",
        ),
        (
            BUDGETNOTAT,
            "header = [\"Før\", \"Efter\"]",
            "header = \"Før\"",
        ),
        (
            BUDGETNOTAT,
            "rows = [{ group = \"Gruppe\" }, { cells = [\"Borgere\", \"Indsats\"] }]",
            "rows = 1",
        ),
        (
            BUDGETNOTAT,
            "rows = [{ group = \"Gruppe\" }, { cells = [\"Borgere\", \"Indsats\"] }]",
            "rows = [{ group = 1 }]",
        ),
        (
            BUDGETNOTAT,
            "rows = [{ group = \"Gruppe\" }, { cells = [\"Borgere\", \"Indsats\"] }]",
            "rows = [{ cells = \"Borgere\" }]",
        ),
        (
            BUDGETNOTAT,
            "rows = [{ group = \"Gruppe\" }, { cells = [\"Borgere\", \"Indsats\"] }]",
            "rows = [{ cells = [1, 2] }]",
        ),
        (
            BUDGETNOTAT,
            "rows = [{ group = \"Gruppe\" }, { cells = [\"Borgere\", \"Indsats\"] }]",
            "rows = [{ cells = [{ heading = 1, body = \"x\" }, \"y\"] }]",
        ),
        (BUDGETNOTAT, "label = \"Indsats A\"", "label = 1"),
        (
            BUDGETNOTAT,
            "values = [\"Service\"]\namounts = { 2025 = 1000",
            "values = \"Service\"\namounts = { 2025 = 1000",
        ),
        (
            BUDGETNOTAT,
            "stated_total = 2000",
            "stated_total = { a = 1 }",
        ),
        (BUDGETNOTAT, "intro = \"Parterne er enige.\"", "intro = 1"),
        (
            BUDGETNOTAT,
            "amounts_from = \"tabel\"",
            "amounts_from = [\"tabel\"]",
        ),
        (
            BUDGETNOTAT,
            "tables.figur]",
            "tables.figur]\nx = 1\n[tables.figur2]",
        ),
        (
            BUDGETNOTAT,
            "[tables.figur]",
            "[tables]\nfigur = 1\n[tables.x]",
        ),
    ];
    let work = tempfile::tempdir().unwrap();
    for (i, (base, old, new)) in cases.iter().enumerate() {
        let text = std::fs::read_to_string(root().join(base)).unwrap();
        assert!(text.contains(old), "case {i}: `{old}` not in {base}");
        let text = text
            .replacen(old, new, 1)
            .replacen("id = \"", &format!("id = \"C{i}"), 1);
        std::fs::write(work.path().join(format!("c{i:02}.toml")), text).unwrap();
    }
    std::fs::write(
        work.path().join("catalogue.toml"),
        "[catalogue]\nannex = 1\ntitle = [\"x\"]\nyear = \"2025\"\nframe = { amount = true, unit = 5 }\nproposals = \"katalog/\"\n",
    )
    .unwrap();
    let out = run_cli(
        &root(),
        &["check", "--format", "json", work.path().to_str().unwrap()],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON: {e}: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let diagnostics = json.as_array().unwrap();
    for (i, case) in cases.iter().enumerate() {
        let file = format!("c{i:02}.toml");
        assert!(
            diagnostics
                .iter()
                .any(|d| d["file"].as_str().unwrap_or("").ends_with(&file)
                    && d["severity"] == "error"),
            "case {i} ({:?}) got no error",
            case.2
        );
    }
    assert!(
        diagnostics
            .iter()
            .filter(|d| d["file"].as_str().unwrap_or("").ends_with("catalogue.toml"))
            .count()
            >= 3
    );
    for d in diagnostics {
        let text = format!(
            "{} {} {}",
            d["message"].as_str().unwrap_or(""),
            d["help"].as_str().unwrap_or(""),
            d["label"].as_str().unwrap_or("")
        );
        let words: Vec<&str> = text.split(|c: char| !c.is_alphanumeric()).collect();
        for word in SERDE_WORDS {
            assert!(!words.contains(word), "`{word}` in {}: {text}", d["file"]);
        }
        for phrase in SERDE_PHRASES {
            assert!(
                !text.contains(phrase),
                "`{phrase}` in {}: {text}",
                d["file"]
            );
        }
    }
}

// A misspelt table name (`[budget.stated_nets]`) withholds the PDF: render exits 1 and writes
// nothing, instead of printing a proposal whose stated nets were never checked.
#[test]
fn a_misspelt_key_withholds_the_pdf() {
    let out_dir = tempfile::tempdir().unwrap();
    let file = root().join("tests/figures/misspelt-stated-net/proposal.toml");
    let out = run_cli(
        &root(),
        &[
            "render",
            "-o",
            out_dir.path().to_str().unwrap(),
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("E043"));
    let written: Vec<_> = std::fs::read_dir(out_dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        !written
            .iter()
            .any(|n| n.to_string_lossy().ends_with(".pdf")),
        "{written:?}"
    );
}

// A figure keeps the precision it was written with, and the amounts table never mixes
// precisions: a stated 1,250 prints 1,250 (not 1,25), and a whole 2 in the same table 2,000.
#[test]
fn amounts_keep_the_precision_written() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(crate::common::root().join("tests/good/minimal.toml"))
        .unwrap()
        .replace("unit = \"1.000 kr.\"", "unit = \"mio. kr.\"")
        .replace(
            "amounts = { 2024 = -500, 2025 = -500, 2026 = -500, 2027 = -500 }",
            "amounts = { 2024 = \"-1,250\", 2025 = -2, 2026 = -2, 2027 = -2 }",
        )
        .replace(
            "amounts = { 2024 = 200, 2025 = 200, 2026 = 200, 2027 = 200 }",
            "amounts = { 2024 = 1, 2025 = 1, 2026 = 1, 2027 = 1 }",
        )
        .replace(
            "service = { 2024 = -300, 2025 = -300, 2026 = -300, 2027 = -300 }",
            "service = { 2024 = \"-0,25\", 2025 = -1, 2026 = -1, 2027 = -1 }",
        );
    let file = dir.path().join("precision.toml");
    std::fs::write(&file, text).unwrap();
    let pdf = crate::common::render(&file);
    let text = crate::common::pdf_text(&pdf);
    assert!(text.contains("\u{2212}1,250"), "{text}");
    assert!(text.contains("\u{2212}2,000"), "{text}");
    assert!(text.contains("1,000"), "{text}");
    assert!(!text.contains("\u{2212}1,25 "), "{text}");
}
