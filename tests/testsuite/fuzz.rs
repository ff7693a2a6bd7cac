//! Property test over mutated bundled proposals: checking never panics, every refusal of the
//! typesetter is predicted by a check of its own (no E056 "refused, unpredicted" and no E057
//! "internal failure"), and a file that passes `check` renders to a PDF.
//!
//! The mutations are what people and copy-paste do to a file: odd characters, endless words,
//! broken Markdown, deep nesting, numbers written every which way, lines lost or doubled. A
//! fixed seed makes every run try the same inputs; `BUDGETNOTE_FUZZ_CASES` and
//! `BUDGETNOTE_FUZZ_SEED` try more or others.

use std::path::{Path, PathBuf};

use budgetnote::Project;
use budgetnote::diagnostic::Code;

use crate::common::root;

/// A small deterministic random source (SplitMix64), so a failing input can be made again.
struct Rng(u64);

impl Rng {
    /// The next 64 random bits.
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// One of `items`.
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Text a user or a paste could put inside a TOML string (already escaped for a basic string).
fn nasty_text(rng: &mut Rng) -> String {
    let long = |rng: &mut Rng, unit: &str| unit.repeat(1 + rng.below(12_000) / unit.len().max(1));
    match rng.below(24) {
        0 => "\\u0000".into(),
        1 => format!("\\u{:04X}", 1 + rng.below(31)),
        2 => "\\uFEFF".into(),
        3 => "\\u007F\\u0085\\u202E".into(),
        4 => long(rng, "a"),
        5 => long(rng, "æ-"),
        6 => long(rng, "ord "),
        7 => "[x]()".into(),
        8 => format!(
            "[side](https://example.dk/{})",
            "a".repeat(rng.below(9_000))
        ),
        9 => {
            let n = rng.below(400);
            format!("{}x{}", "**".repeat(n), "**".repeat(n))
        }
        10 => "*_".repeat(rng.below(300)),
        11 => "\\n".to_owned() + &"  ".repeat(rng.below(20)) + "- punkt",
        12 => "#read(\\\"/etc/passwd\\\") $x$ @ref // {{ x }} {% raw %}".into(),
        13 => "中文 🎉 \\u0301 ǅ".into(),
        14 => "2.800 mio. kr. i perioden 2024 til 2099".into(),
        15 => "\\\\".repeat(rng.below(50)),
        16 => "\\t\\r\\n\\n\\n".into(),
        17 => "<svg onload=x>&amp;".into(),
        18 => "# Overskrift\\n\\n> citat\\n\\n```kode```".into(),
        19 => "1. a\\n   1. b\\n      1. c\\n         1. d".repeat(1 + rng.below(3)),
        20 => "[a [b [c](https://x.dk)](https://y.dk)](https://z.dk)".into(),
        21 => rng
            .pick(&[
                "&#7;",
                "&#xE000;",
                "&#x1F600;",
                "&#65279;",
                "&#0;",
                "&amp;",
                "&#230;",
            ])
            .to_string(),
        22 => " ".repeat(rng.below(5_000)),
        _ => "ÆØÅ æøå – — “ ” ‘ ’ … • ½ € §".into(),
    }
}

/// A number as it might be written in place of another.
fn nasty_number(rng: &mut Rng) -> String {
    rng.pick(&[
        "0",
        "-0",
        "1e300",
        "-2.800",
        "2.8",
        "\"2,8\"",
        "\"-2.800,5\"",
        "\"0,0000000000000000000000000001\"",
        "\"99999999999999999999999999\"",
        "9223372036854775807",
        "-9223372036854775808",
        "\"1 200\"",
        "nan",
        "inf",
        "\"\"",
        "true",
        "[]",
        "{}",
        "\"−450\"",
        "1_000",
    ])
    .to_string()
}

/// A ledger key as a user might set it, sensible or hostile, inserted into a ledger table.
fn ledger_key(rng: &mut Rng) -> String {
    rng.pick(&[
        "decimals = 3",
        "decimals = 7",
        "decimals = -1",
        "zero = \"-\"",
        "zero = \"nul\"",
        "rounding = \"1\"",
        "rounding = \"0\"",
        "rounding = \"-0,1\"",
        "row_total = \"I alt\"",
        "group_by = [\"committee\", \"area\", \"group\", \"expense\"]",
        "group_by = [\"group\"]",
        "group_by = [\"udvalg\"]",
        "group_by = []",
        "subtotal = \"{group} {group} i alt\"",
        "stated_subtotals = { \"a/b\" = { korrigeret = 1 }, \"\" = {} }",
        "stated_totals = { korrigeret = \"0,0001\", pct = \"999999\", afvigelse = \"-0\" }",
        "stated_grand_total = \"1,5\"",
        "chart = { columns = [] }",
        "chart = { columns = [\"pct\", \"x\"] }",
        "chart = { caption = \"Figur\" }",
        "columns = []",
        "columns = [\"Note\"]",
        "columns = [{ key = \"a\" }, { key = \"b\", percent = [\"a\", \"a\"], sign = \"unsigned\" }]",
        "columns = [{ key = \"a\", sum = [\"a\"] }, { key = \"a\", difference = [] }]",
        "columns = [{ key = \"ø🎉\", header = \"\" }, { key = \"d\", difference = [\"ø🎉\", \"ø🎉\"] }]",
        "years = []",
        "years = [2025, 2025]",
    ])
    .to_string()
}

/// One mutation of a TOML source.
fn mutate(rng: &mut Rng, source: &str) -> String {
    let lines: Vec<&str> = source.lines().collect();
    let at = rng.below(lines.len().max(1));
    let mut lines: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
    match rng.below(7) {
        // A ledger key set (or set again) inside a ledger table.
        6 => {
            let ledgers: Vec<usize> = (0..lines.len())
                .filter(|&i| lines[i].trim() == "kind = \"ledger\"")
                .collect();
            if let Some(&i) = ledgers.get(rng.below(ledgers.len().max(1))) {
                let key = ledger_key(rng);
                lines.insert(i + 1, key);
            }
        }
        // Text inserted inside a basic string on a random line that has one.
        0..=2 => {
            let quoted: Vec<usize> = (0..lines.len())
                .filter(|&i| lines[i].matches('"').count() >= 2 && !lines[i].contains("\"\"\""))
                .collect();
            if let Some(&i) = quoted.get(rng.below(quoted.len().max(1))) {
                let line = &lines[i];
                let open = line.find('"').unwrap_or(0);
                let text = nasty_text(rng);
                lines[i] = format!("{}{}{}", &line[..=open], text, &line[open + 1..]);
            }
        }
        // A number replaced by one written another way.
        3 => {
            let numbered: Vec<usize> = (0..lines.len())
                .filter(|&i| {
                    lines[i].contains("= ") && lines[i].chars().any(|c| c.is_ascii_digit())
                })
                .collect();
            if let Some(&i) = numbered.get(rng.below(numbered.len().max(1))) {
                let line = lines[i].clone();
                let digits: Vec<usize> = line
                    .char_indices()
                    .filter(|(j, c)| {
                        c.is_ascii_digit()
                            && (*j == 0 || !line[..*j].ends_with(|p: char| p.is_ascii_digit()))
                    })
                    .map(|(j, _)| j)
                    .collect();
                if let Some(&start) = digits.get(rng.below(digits.len().max(1))) {
                    let end = line[start..]
                        .find(|c: char| !c.is_ascii_digit())
                        .map_or(line.len(), |e| start + e);
                    lines[i] = format!("{}{}{}", &line[..start], nasty_number(rng), &line[end..]);
                }
            }
        }
        // A line lost or doubled, as in a bad merge.
        4 => {
            if !lines.is_empty() {
                lines.remove(at);
            }
        }
        _ => {
            if let Some(line) = lines.get(at).cloned() {
                lines.insert(at, line);
            }
        }
    }
    lines.join("\n") + "\n"
}

/// The bundled proposal files (not catalogues) and the ledger fixtures of every table shape, with
/// their text.
fn bundled() -> Vec<(PathBuf, String)> {
    let mut found = Vec::new();
    let mut dirs = vec![
        root().join("proposals"),
        root().join("tests/tables"),
        root().join("tests/crosschecks/ledger-rounding-levels-within"),
        root().join("tests/crosschecks/ledger-stated-percent-within"),
    ];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "toml") {
                let text = std::fs::read_to_string(&path).unwrap();
                if !budgetnote::catalogue::is_catalogue(&text) {
                    found.push((path, text));
                }
            }
        }
    }
    found.sort();
    found
}

/// How many inputs to try, and from which seed.
fn settings() -> (usize, u64) {
    let number = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    (
        number("BUDGETNOTE_FUZZ_CASES", 400) as usize,
        number("BUDGETNOTE_FUZZ_SEED", 12),
    )
}

// Mutated proposals: no panic, no unpredicted refusal (E056) or internal failure (E057), every
// diagnostic has a location, and every file that passes check has a PDF.
#[test]
fn check_passes_implies_render_succeeds() {
    let project = Project::open(&root()).unwrap();
    let seeds = bundled();
    assert!(seeds.len() >= 4);
    let (cases, seed) = settings();
    let mut rng = Rng(seed);
    let (mut passed, mut refused) = (0usize, 0usize);
    for case in 0..cases {
        let (path, original) = &seeds[case % seeds.len()];
        let mut source = original.clone();
        for _ in 0..1 + rng.below(3) {
            source = mutate(&mut rng, &source);
        }
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut checked = project.check_source(Path::new(path), source.clone());
            let pdf = project
                .typeset(&mut checked)
                .expect("templates and fonts load");
            (checked, pdf)
        }));
        let (checked, pdf) = outcome.unwrap_or_else(|_| {
            panic!("case {case} (seed {seed}) panicked on this input:\n{source}")
        });
        let codes: Vec<Code> = checked.report.diagnostics.iter().map(|d| d.code).collect();
        assert!(
            !codes.contains(&Code::E056) && !codes.contains(&Code::E057),
            "case {case} (seed {seed}): the typesetter refused what no check predicted: {:#?}\n{source}",
            checked.report.diagnostics
        );
        let unlocated: Vec<_> = checked
            .report
            .diagnostics
            .iter()
            .filter(|d| d.span.is_none())
            .collect();
        assert!(
            unlocated.is_empty(),
            "case {case} (seed {seed}): a diagnostic without a location: {unlocated:#?}\n{source}"
        );
        if checked.report.has_errors() {
            refused += 1;
            assert!(pdf.is_none(), "case {case}: a PDF despite errors");
        } else {
            passed += 1;
            let pdf = pdf.unwrap_or_else(|| panic!("case {case}: check passed, no PDF"));
            assert!(pdf.starts_with(b"%PDF-"), "case {case}");
        }
    }
    eprintln!(
        "fuzz: {cases} mutated proposals (seed {seed}): {passed} passed check and rendered, {refused} refused with a located error"
    );
    assert!(
        passed > 0 && refused > 0,
        "the mutations must reach both outcomes"
    );
}
