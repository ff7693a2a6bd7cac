//! The bundled amendment form (ændringsforslag): a party's changes and their financing per year,
//! the subtotals and the net effect read back from the PDF against figures computed here,
//! independently, from the fixture's TOML; and the amendment's own checks, case by case.

use std::path::Path;

use crate::common::{
    assert_all_in_order, check_json, danish, expected_places, pdf_text, render, root, tokens,
};
use crate::pdf_standards::assert_publishable;

/// One line of the amendment: its group, label, committee and amounts per year.
struct Line {
    /// "Ændringer" or "Finansiering".
    group: String,
    /// Row label.
    label: String,
    /// The committee in the "Udvalg" column.
    committee: String,
    /// Amounts in the table's year order.
    amounts: Vec<i64>,
}

/// The fixture's years, lines and stated net, read with the `toml` crate alone.
fn fixture(path: &Path) -> (Vec<i64>, Vec<Line>, Vec<i64>) {
    let doc: toml::Table = std::fs::read_to_string(path).unwrap().parse().unwrap();
    let table = doc["tables"]["beloeb"].as_table().unwrap();
    let years: Vec<i64> = table["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y.as_integer().unwrap())
        .collect();
    let per_year = |t: &toml::Value| -> Vec<i64> {
        years
            .iter()
            .map(|y| t[&y.to_string()].as_integer().unwrap())
            .collect()
    };
    let lines = table["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| Line {
            group: r["group"].as_str().unwrap().to_owned(),
            label: r["label"].as_str().unwrap().to_owned(),
            committee: r["values"][0].as_str().unwrap().to_owned(),
            amounts: per_year(&r["amounts"]),
        })
        .collect();
    let stated = per_year(&table["stated_totals"]);
    (years, lines, stated)
}

/// The per-year sum of some lines.
fn sum<'a>(lines: impl Iterator<Item = &'a Line>, years: usize) -> Vec<i64> {
    lines.fold(vec![0; years], |mut acc, l| {
        for (a, v) in acc.iter_mut().zip(&l.amounts) {
            *a += v;
        }
        acc
    })
}

/// The tokens of a printed row: its label's words, then each figure without its sign (a minus
/// is no token).
fn row_tokens(label: &str, figures: &[i64]) -> Vec<String> {
    let mut out = tokens(label);
    out.extend(figures.iter().map(|f| f.abs().to_string()));
    out
}

/// The fixture of a party's amendment.
fn konservative() -> std::path::PathBuf {
    root().join("tests/amendments/konservative/proposal.toml")
}

// Every line with its committee and figures, each group's subtotal and the net effect per year
// print in the fixture's order, as computed here; the stated net is what the lines make.
#[test]
fn amendment_prints_every_line_subtotal_and_net() {
    let path = konservative();
    let (years, lines, stated) = fixture(&path);
    let net = sum(lines.iter(), years.len());
    assert_eq!(
        net, stated,
        "the fixture's stated net is changes plus financing"
    );
    let mut expected = Vec::new();
    for group in ["Ændringer", "Finansiering"] {
        let of_group: Vec<&Line> = lines.iter().filter(|l| l.group == group).collect();
        assert!(of_group.len() >= 2, "{group}: {} lines", of_group.len());
        expected.extend(tokens(group));
        for line in &of_group {
            expected.extend(tokens(&line.label));
            expected.extend(row_tokens(&line.committee, &line.amounts));
        }
        expected.extend(row_tokens(
            &format!("{group} i alt"),
            &sum(of_group.iter().copied(), years.len()),
        ));
    }
    expected.extend(row_tokens("Nettovirkning", &net));
    assert_all_in_order(&expected, &render(&path), 60);
}

// The financing prints with a true minus, the net row with its own signs and a zero as 0, and
// the sign convention is stated under the table.
#[test]
fn amendment_prints_signs_and_the_sign_convention() {
    let path = konservative();
    let (years, lines, _) = fixture(&path);
    let text = pdf_text(&render(&path));
    let line = |label: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(label))
            .unwrap_or_else(|| panic!("no line for {label} in {text}"))
            .to_owned()
    };
    let financing: Vec<&Line> = lines.iter().filter(|l| l.group == "Finansiering").collect();
    let figures = |values: &[i64]| {
        values
            .iter()
            .map(|v| danish(*v))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let subtotal = sum(financing.iter().copied(), years.len());
    assert!(subtotal.iter().all(|v| *v < 0), "{subtotal:?}");
    assert!(
        line("Finansiering i alt").ends_with(&figures(&subtotal)),
        "{}",
        line("Finansiering i alt")
    );
    let net = sum(lines.iter(), years.len());
    assert!(net.contains(&0) && net.iter().any(|v| *v > 0), "{net:?}");
    assert!(
        line("Nettovirkning").ends_with(&figures(&net)),
        "{}",
        line("Nettovirkning")
    );
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("(+) = merudgift/mindreindtægt, (\u{2212}) = mindreudgift/merindtægt"),
        "{flat}"
    );
}

// The amendment meets PDF/UA-1 and PDF/A-2a and its metadata names its kind.
#[test]
fn amendment_is_publishable_and_says_what_it_is() {
    let path = konservative();
    let pdf = render(&path);
    assert_publishable(
        &pdf,
        "Flere hænder i ældreplejen og længere åbningstid i vuggestuerne",
        &path,
    );
    let subject = crate::pdf_standards::info(&pdf, b"Subject");
    assert!(subject.starts_with("Ændringsforslag"), "{subject}");
    let text = pdf_text(&pdf);
    assert!(text.contains("Det Konservative Folkeparti"), "{text}");
}

// Each case of tests/amendments/, named on its own, gets exactly the diagnostics of its
// expected.txt at their line and column (a wrong net, missing financing or changes, a neutral
// amendment with a net, …), each with a help, and exits 1 only when one of them is an error; its
// `CODE LINE COL | message` lines match the reviewed snapshot
// `tests/snapshots/amendments/<case>.snap`.
#[test]
fn amendment_cases() {
    crate::common::snapshot_cases("amendments", "*/proposal.toml", 8, |name, file| {
        let dir = file.parent().unwrap();
        let (code, diagnostics, got) = check_json(file);
        let want = expected_places(&dir.join("expected.txt"));
        assert_eq!(got, want, "{name}");
        let has_error = diagnostics.iter().any(|d| d["severity"] == "error");
        assert_eq!(code, Some(i32::from(has_error)), "{name}");
        for d in &diagnostics {
            assert!(
                d["help"].as_str().is_some_and(|h| !h.is_empty()),
                "{name}: {d}"
            );
        }
        crate::common::diagnostic_lines(&diagnostics, file)
    });
}

// Ticked budget-neutral with financing that offsets the changes in every year, the amendment
// passes; one year off by 100 is E094 at that year's stated net.
#[test]
fn neutral_amendment_needs_a_net_of_zero_every_year() {
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("neutral.toml");
    let text = std::fs::read_to_string(konservative())
        .unwrap()
        .replace(
            "date = 2025-10-02\n",
            "date = 2025-10-02\n\n[checkboxes]\nvirkning = [\"Udgiftsneutralt\"]\n",
        )
        .replace(
            "stated_totals = { 2026 = 1650, 2027 = 750, 2028 = 0, 2029 = 0 }",
            "stated_totals = { 2026 = 0, 2027 = 0, 2028 = 0, 2029 = 0 }",
        )
        .replace(
            "amounts = { 2026 = -2500, 2027 = -4500, 2028 = -5250, 2029 = -5250 }",
            "amounts = { 2026 = -4150, 2027 = -5250, 2028 = -5250, 2029 = -5250 }",
        );
    std::fs::write(&file, &text).unwrap();
    let (code, diagnostics, _) = check_json(&file);
    assert_eq!(code, Some(0), "{diagnostics:#?}");
    let off = text
        .replace(
            "stated_totals = { 2026 = 0, 2027 = 0, 2028 = 0, 2029 = 0 }",
            "stated_totals = { 2026 = 0, 2027 = 0, 2028 = 100, 2029 = 0 }",
        )
        .replace(
            "2028 = -5250, 2029 = -5250 }",
            "2028 = -5150, 2029 = -5250 }",
        );
    std::fs::write(&file, &off).unwrap();
    let (code, _, got) = check_json(&file);
    let line = off
        .lines()
        .position(|l| l.starts_with("stated_totals"))
        .unwrap() as u64
        + 1;
    let column = off
        .lines()
        .find(|l| l.starts_with("stated_totals"))
        .unwrap()
        .find("100")
        .unwrap() as u64
        + 1;
    assert_eq!(got, vec![("E094".to_owned(), line, column)]);
    assert_eq!(code, Some(1));
}

// Two renders of the amendment give the same bytes (the date comes from the proposal).
#[test]
fn amendment_renders_to_the_same_bytes() {
    let a = render(&konservative());
    let b = render(&konservative());
    assert!(a.len() > 1000);
    assert!(a == b, "PDF bytes differ between two renders");
}

// The amendment rule is data: a municipality's own form (here a reprioritisation with the groups
// "Udvidelser" and "Reduktioner" in a table `tabel`) gets the same checks under its own names.
#[test]
fn own_form_with_an_amendment_rule_is_checked_by_its_names() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("templates/omprioritering");
    std::fs::create_dir_all(&dir).unwrap();
    let bundled = root().join("templates/aendringsforslag");
    let form = std::fs::read_to_string(bundled.join("form.toml"))
        .unwrap()
        .replace("label = \"Ændringsforslag\"", "label = \"Omprioritering\"")
        .replace("table = \"beloeb\"", "table = \"tabel\"")
        .replace("changes = \"Ændringer\"", "changes = \"Udvidelser\"")
        .replace(
            "financing = \"Finansiering\"",
            "financing = \"Reduktioner\"",
        );
    assert!(form.contains("changes = \"Udvidelser\""));
    std::fs::write(dir.join("form.toml"), form).unwrap();
    std::fs::copy(bundled.join("form.typ.j2"), dir.join("form.typ.j2")).unwrap();
    let proposal = std::fs::read_to_string(konservative())
        .unwrap()
        .replace("form = \"aendringsforslag\"", "form = \"omprioritering\"")
        .replace("beloeb", "tabel")
        .replace("group = \"Ændringer\"", "group = \"Udvidelser\"")
        .replace("group = \"Finansiering\"", "group = \"Reduktioner\"");
    let file = work.path().join("forslag.toml");
    std::fs::write(&file, &proposal).unwrap();
    let check = |file: &Path| {
        let out = crate::common::run_cli(
            work.path(),
            &["check", "--format", "json", file.to_str().unwrap()],
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        json.as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(check(&file), Vec::<String>::new());
    let bundled_names = proposal.replacen("group = \"Reduktioner\"", "group = \"Finansiering\"", 1);
    std::fs::write(&file, bundled_names).unwrap();
    assert_eq!(check(&file), vec!["E092".to_owned()]);
}
