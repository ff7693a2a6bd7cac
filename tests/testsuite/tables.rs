//! Ledger shapes real budget documents print: named and computed columns, groups in two levels
//! with subtotals, zero as a dash, a chart; every printed figure is compared with one computed
//! here, independently, from the fixture's TOML.

use std::collections::BTreeMap;
use std::path::Path;

use lopdf::Document;

use crate::common::{assert_all_in_order, danish, pdf_text, render, root, tokens};
use crate::pdf_positions::{Rule, overlapping, rules, text_boxes};
use crate::pdf_standards::{assert_publishable, structure};

/// One row of the follow-up fixture: committee, area, label, and the four entered stages.
struct Row {
    /// Committee (outer group).
    committee: String,
    /// Area (inner group).
    area: String,
    /// Row label.
    label: String,
    /// Oprindeligt, korrigeret, forbrug, forventet.
    stages: [i64; 4],
}

/// The rows of a follow-up fixture, read with the `toml` crate alone.
fn rows(path: &Path) -> Vec<Row> {
    let text = std::fs::read_to_string(path).unwrap();
    let doc: toml::Table = text.parse().unwrap();
    let table = doc["tables"]["opfoelgning"].as_table().unwrap();
    table["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let amounts = r["amounts"].as_table().unwrap();
            let stage = |k: &str| amounts[k].as_integer().unwrap();
            Row {
                committee: r["committee"].as_str().unwrap().to_owned(),
                area: r["area"].as_str().unwrap().to_owned(),
                label: r["label"].as_str().unwrap().to_owned(),
                stages: [
                    stage("oprindeligt"),
                    stage("korrigeret"),
                    stage("forbrug"),
                    stage("forventet"),
                ],
            }
        })
        .collect()
}

/// `part` in per cent of `base` in tenths, rounded half away from zero; `None` for a zero base.
fn percent_tenths(part: i64, base: i64) -> Option<i64> {
    if base == 0 {
        return None;
    }
    let (num, den) = (i128::from(part) * 1000, i128::from(base));
    let (q, r) = (num / den, num % den);
    let away = 2 * r.abs() >= den.abs();
    let sign = if (num < 0) != (den < 0) { -1 } else { 1 };
    Some(i64::try_from(q + if away { sign } else { 0 }).unwrap())
}

/// The tokens a row prints: label words, the four stages, the deviation and its percentage
/// (zero prints as a dash, which is no token).
fn row_tokens(label: &str, stages: [i64; 4]) -> Vec<String> {
    let deviation = stages[3] - stages[1];
    let mut out = tokens(label);
    for figure in stages {
        out.push(figure.abs().to_string());
    }
    if deviation != 0 {
        out.push(deviation.abs().to_string());
        let p = percent_tenths(deviation, stages[1]).unwrap().abs();
        out.push(format!("{},{}", p / 10, p % 10));
    }
    out
}

/// Sums the stages of some rows.
fn sum<'a>(rows: impl Iterator<Item = &'a Row>) -> [i64; 4] {
    rows.fold([0; 4], |mut acc, r| {
        for (a, v) in acc.iter_mut().zip(r.stages) {
            *a += v;
        }
        acc
    })
}

/// Distinct values in order of first appearance.
fn in_order<'a>(values: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for v in values {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

// The follow-up fixture prints every row, every area and committee subtotal and the total with
// the deviation and its percentage, all in the fixture's order, as computed here from the TOML.
#[test]
fn follow_up_prints_every_figure_and_subtotal() {
    let path = root().join("tests/tables/opfoelgning/proposal.toml");
    let rows = rows(&path);
    let pdf = render(&path);
    let mut expected = Vec::new();
    for committee in in_order(rows.iter().map(|r| r.committee.as_str())) {
        let of_committee: Vec<&Row> = rows.iter().filter(|r| r.committee == committee).collect();
        expected.extend(tokens(committee));
        for area in in_order(of_committee.iter().map(|r| r.area.as_str())) {
            expected.extend(tokens(area));
            let of_area: Vec<&Row> = of_committee
                .iter()
                .copied()
                .filter(|r| r.area == area)
                .collect();
            for row in &of_area {
                expected.extend(row_tokens(&row.label, row.stages));
            }
            expected.extend(row_tokens(
                &format!("{area} i alt"),
                sum(of_area.iter().copied()),
            ));
        }
        expected.extend(row_tokens(
            &format!("{committee} i alt"),
            sum(of_committee.iter().copied()),
        ));
    }
    expected.extend(row_tokens("Udvalgene i alt", sum(rows.iter())));
    assert_all_in_order(&expected, &pdf, 150);
}

// Negative deviations print with a true minus, and a zero deviation as a dash, as the form says.
#[test]
fn follow_up_prints_signs_and_zero_as_the_form_says() {
    let path = root().join("tests/tables/opfoelgning/proposal.toml");
    let text = pdf_text(&render(&path));
    let line = |label: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(label))
            .unwrap_or_else(|| panic!("no line for {label} in {text}"))
            .to_owned()
    };
    assert!(
        line("Børnehaver").ends_with("\u{2212}700 \u{2212}1,1"),
        "{}",
        line("Børnehaver")
    );
    assert!(
        line("Vejvedligeholdelse").ends_with("39.000 - -"),
        "{}",
        line("Vejvedligeholdelse")
    );
    assert!(
        line("Vuggestuer").ends_with("1.200 2,3"),
        "{}",
        line("Vuggestuer")
    );
}

// The follow-up meets PDF/UA-1 and PDF/A-2a, names its kind in the metadata, and its chart's alt
// text states each committee's charted figures.
#[test]
fn follow_up_is_publishable_and_says_what_it_is() {
    let path = root().join("tests/tables/opfoelgning/proposal.toml");
    let pdf = render(&path);
    assert_publishable(
        &pdf,
        "Budgetopfølgning pr. 30. september 2025 for udvalgenes driftsområder",
        &path,
    );
    let subject = crate::pdf_standards::info(&pdf, b"Subject");
    let doc = Document::load_mem(&pdf).unwrap();
    assert!(subject.starts_with("Budgetopfølgning"), "{subject}");
    let rows = rows(&path);
    let figures: Vec<Node> = structure(&doc)
        .into_iter()
        .filter(|n| n.kind == "Figure")
        .map(|n| Node(n.alt.unwrap_or_default()))
        .collect();
    let chart = figures
        .iter()
        .find(|n| n.0.contains("Korrigeret budget"))
        .expect("the chart has alt text");
    let mut per_committee: BTreeMap<&str, [i64; 4]> = BTreeMap::new();
    for r in &rows {
        let sum = per_committee.entry(&r.committee).or_default();
        for (a, v) in sum.iter_mut().zip(r.stages) {
            *a += v;
        }
    }
    for (committee, stages) in per_committee {
        let said = format!(
            "{committee}: Korrigeret budget {}, Forventet regnskab {}",
            danish(stages[1]),
            danish(stages[3])
        );
        assert!(chart.0.contains(&said), "{said} not in {}", chart.0);
    }
}

/// A figure's alt text.
struct Node(String);

/// A4's width and the forms' side margin (2,3 cm), in PDF points.
const PAGE_WIDTH: f64 = 595.28;
/// The side margin, 2,3 cm in points.
const MARGIN: f64 = 65.2;

/// Asserts that no text in `pdf` overlaps other text, runs past the side margins, or crosses a
/// column border.
fn assert_text_stays_in_its_cells(pdf: &[u8], what: &str) {
    let boxes = text_boxes(pdf);
    assert!(
        boxes.len() > 50,
        "{what}: only {} text runs read",
        boxes.len()
    );
    let clashes = overlapping(&boxes, 0.3);
    assert!(clashes.is_empty(), "{what}: overlapping text: {clashes:#?}");
    // A line's run may end in a space, which is about a quarter of an em wide.
    for b in boxes.iter().filter(|b| !b.text.trim().is_empty()) {
        let space = if b.text.ends_with(' ') {
            b.size * 0.3
        } else {
            0.0
        };
        assert!(
            b.x0 >= MARGIN - 0.5 && b.x1 - space <= PAGE_WIDTH - MARGIN + 0.5,
            "{what}: {b:?} runs past the margin"
        );
    }
    let borders: Vec<Rule> = rules(pdf).into_iter().filter(Rule::is_vertical).collect();
    for b in boxes.iter().filter(|b| !b.text.trim().is_empty()) {
        if let Some(border) = borders.iter().find(|r| r.crosses(b, 0.3)) {
            panic!("{what}: {b:?} crosses the column border {border:?}");
        }
    }
}

// The longest names and a 55-letter word in narrow cells of a text table, a seven-column ledger
// and a comparison wrap or hyphenate inside their cells: no text crosses a column border, runs
// past the margin or overlaps other text, and every word is still printed.
#[test]
fn long_words_stay_inside_their_cells() {
    let path = root().join("tests/tables/long-words/proposal.toml");
    let pdf = render(&path);
    assert_text_stays_in_its_cells(&pdf, "long-words");
    let text = tokens(&pdf_text(&pdf));
    for word in [
        "beskæftigelsesindsatsforvaltningsudvalgssekretariatet",
        "arbejdsmarkedsforvaltningen",
        "integrationsudvalget",
    ] {
        assert!(
            text.iter().any(|t| t == word),
            "{word} not printed whole: {text:?}"
        );
    }
    // The text table has borders between its columns, so the border check really ran.
    assert!(rules(&pdf).iter().filter(|r| r.is_vertical()).count() >= 4);
}

// The follow-up's seven-column table and the bundled proposals' tables keep every text inside
// its cell too.
#[test]
fn bundled_and_follow_up_tables_stay_inside_their_cells() {
    let follow_up = root().join("tests/tables/opfoelgning/proposal.toml");
    assert_text_stays_in_its_cells(&render(&follow_up), "opfoelgning");
    for name in [
        "bi16-fokuseret-indsats-udsatte-borgere.toml",
        "tvaerfaglig-indsats-udsatte-ledige.toml",
        "flere-udsatte-borgere-i-beskaeftigelse.toml",
    ] {
        assert_text_stays_in_its_cells(&render(&root().join("proposals").join(name)), name);
    }
}

// The border check catches text that does cross a border: a box moved over a column border of
// the long-words PDF is reported.
#[test]
fn the_border_check_can_fail() {
    let pdf = render(&root().join("tests/tables/long-words/proposal.toml"));
    let border = rules(&pdf).into_iter().find(Rule::is_vertical).unwrap();
    let (low, high) = (
        border.from.1.min(border.to.1),
        border.from.1.max(border.to.1),
    );
    let moved = crate::pdf_positions::TextBox {
        page: border.page,
        text: "Arbejdsmarkedsforvaltningen".into(),
        x0: border.from.0 - 20.0,
        x1: border.from.0 + 20.0,
        y0: (low + high) / 2.0 - 4.0,
        y1: (low + high) / 2.0 + 4.0,
        size: 9.5,
    };
    assert!(border.crosses(&moved, 0.3));
}

/// A ledger example of the guide: its chapter, the settings it is checked with (the chapter's own
/// `budgetnote.toml` when it writes one, else the one `budgetnote init` writes, as the guide's
/// chapters assume) and the proposal.
struct LedgerExample {
    /// The chapter, relative to `docs/src`.
    chapter: String,
    /// The project's `budgetnote.toml`.
    settings: String,
    /// The whole proposal.
    proposal: String,
}

/// The guide's ledger examples: each ```toml block (a whole file) with `kind = "ledger"` of the
/// chapters `docs/src/*.md` and `docs/src/tables/*.md`.
fn guide_ledger_examples() -> Vec<LedgerExample> {
    let init = tempfile::tempdir().unwrap();
    let out = crate::common::run_cli(init.path(), &["init", "p"]);
    assert!(out.status.success(), "init: {out:?}");
    let init_settings = std::fs::read_to_string(init.path().join("p/budgetnote.toml")).unwrap();
    let mut chapters = Vec::new();
    for dir in ["docs/src", "docs/src/tables"] {
        for entry in std::fs::read_dir(root().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "md") {
                chapters.push(path);
            }
        }
    }
    chapters.sort();
    let mut examples = Vec::new();
    for path in chapters {
        let text = std::fs::read_to_string(&path).unwrap();
        let chapter = path
            .strip_prefix(root().join("docs/src"))
            .unwrap()
            .display()
            .to_string();
        // A chapter that writes its own settings (`# file: budgetnote.toml`) is checked with them.
        let settings = [
            "```toml\n# file: budgetnote.toml\n",
            "```toml,file=budgetnote.toml\n",
        ]
        .iter()
        .find_map(|open| text.split(open).nth(1))
        .and_then(|b| b.split("```").next())
        .map_or_else(|| init_settings.clone(), str::to_owned);
        for block in text
            .split("```toml\n")
            .skip(1)
            .filter_map(|b| b.split("```").next())
            .filter(|b| b.contains("kind = \"ledger\""))
            // Examples that read a spreadsheet need its file: tests/sheets/twin is that example.
            .filter(|b| !b.contains("from = { file"))
        {
            assert!(
                block.lines().any(|l| l.starts_with("form = ")),
                "docs/src/{chapter}: a ```toml block is a whole proposal and names its form:\n{block}"
            );
            examples.push(LedgerExample {
                chapter: chapter.clone(),
                settings: settings.clone(),
                proposal: block.to_owned(),
            });
        }
    }
    examples
}

// Every ledger example of the guide passes `check` without a diagnostic, in a project with its
// chapter's settings: among them the year ledger with row and column totals, the budget stages
// with computed Afvigelse and %, the two-level groups with stated subtotals within rounding, and
// the same figure in two units.
#[test]
fn guide_ledger_examples_pass_check() {
    let examples = guide_ledger_examples();
    assert!(examples.len() >= 8, "{} ledger examples", examples.len());
    for shape in [
        "stated_grand_total",
        "percent = [",
        "stated_subtotals",
        "total_same_as",
    ] {
        assert!(
            examples.iter().any(|e| e.proposal.contains(shape)),
            "no ledger example of the guide has {shape}"
        );
    }
    for (i, example) in examples.iter().enumerate() {
        let work = tempfile::tempdir().unwrap();
        std::fs::write(work.path().join("budgetnote.toml"), &example.settings).unwrap();
        std::fs::create_dir_all(work.path().join("proposals")).unwrap();
        let file = format!("proposals/example-{i}.toml");
        std::fs::write(work.path().join(&file), &example.proposal).unwrap();
        let out = crate::common::run_cli(work.path(), &["check", "--format", "json", &file]);
        let diagnostics: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("docs/src/{}: stdout is not JSON: {e}", example.chapter));
        assert_eq!(
            diagnostics,
            serde_json::json!([]),
            "docs/src/{}:\n{}",
            example.chapter,
            example.proposal
        );
        assert_eq!(out.status.code(), Some(0), "docs/src/{}", example.chapter);
    }
}

// Committees written as the register's abbreviations print as the register's full names in the
// group headings and subtotals.
#[test]
fn committee_abbreviations_print_their_full_names() {
    let path = root().join("tests/tables/committee-abbreviations/proposal.toml");
    let text = pdf_text(&render(&path));
    for name in ["Beskæftigelses- og Integrationsudvalget", "Økonomiudvalget"] {
        assert!(text.contains(&format!("{name} i alt")), "{text}");
    }
    assert!(!text.contains("BIU i alt"), "{text}");
}

// Each proposal of tests/tables/, named on its own: it checks without an error, and its
// diagnostics and its PDF's text page by page match the reviewed snapshot
// `tests/snapshots/tables/<case>.snap`.
#[test]
fn table_cases() {
    crate::common::snapshot_cases("tables", "*/proposal.toml", 3, |name, file| {
        let text = crate::common::checked_and_printed(name, file);
        assert!(text.contains("--- page 1 ---"), "{name} has errors: {text}");
        text
    });
}
