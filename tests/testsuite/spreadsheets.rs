//! XLSX and CSV outputs: every figure read back from the workbook (calamine) is printed in the
//! PDF of the same run, the CSV holds the same rows as the workbook's "Linjer" sheet, the
//! figures of a fixture equal its TOML, the bytes are the same from run to run, and `--format`
//! and the manifest behave as the guide says (docs/src/spreadsheets.md).

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Range, Reader, Xlsx, open_workbook_from_rs};

use crate::common::{pdf_text, root, run_cli, run_ok};

/// A sheet's rows as text cells (numbers as Rust prints them), header row first.
fn sheet(bytes: &[u8], name: &str) -> Vec<Vec<Data>> {
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("xlsx");
    let range: Range<Data> = book.worksheet_range(name).expect("sheet");
    range.rows().map(|r| r.to_vec()).collect()
}

/// A cell's text ("" when empty).
fn text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => panic!("expected text, found {other:?}"),
    }
}

/// A cell's number; panics when the figure was written as text.
fn number(cell: &Data) -> f64 {
    match cell {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        other => panic!("expected a number, found {other:?}"),
    }
}

/// The decimals each table column prints its figures with, by (id, table, column), as the Danish CSV writes
/// them (`2,0` has one): the workbook's numbers do not show them.
fn csv_decimals(csv: &[u8]) -> BTreeMap<(String, String, String), usize> {
    let mut decimals = BTreeMap::new();
    for row in &parse_csv(csv, ';')[1..] {
        let d = row[14].split_once(',').map_or(0, |(_, f)| f.len());
        let key = (row[0].clone(), row[4].clone(), row[12].clone());
        let entry = decimals.entry(key).or_insert(d);
        assert_eq!(*entry, d, "one column prints one precision: {row:?}");
    }
    decimals
}

/// A figure the way the PDF prints it: thousands dots, decimal comma, a true minus.
fn danish(value: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, value.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let mut out = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    if !fraction.is_empty() {
        out.push(',');
        out.push_str(fraction);
    }
    if value < 0.0 && value.abs() >= 0.5 / 10f64.powi(decimals as i32) {
        format!("\u{2212}{out}")
    } else {
        out
    }
}

/// How many times each whitespace-separated word occurs in `text`.
fn counts(text: &str) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for word in text.split_whitespace() {
        let word = word.trim_matches(|c: char| c == '(' || c == ')');
        *counts.entry(word.to_owned()).or_default() += 1;
    }
    counts
}

/// Checks a workbook against the PDF(s) it was made with: every row's unit factor, and every
/// figure printed in the PDFs at least as often as the workbook holds it (per table and
/// proposal, figures formatted with the table's decimals). Returns the rows the CSV holds: the
/// header, the rows of "Linjer", then those of "Totaler".
fn assert_matches_pdf(book: &[u8], csv: &[u8], pdfs: &[Vec<u8>]) -> Vec<Vec<Data>> {
    let table_decimals = csv_decimals(csv);
    let pdf: String = pdfs
        .iter()
        .map(|p| pdf_text(p))
        .collect::<Vec<_>>()
        .join("\n");
    // The PDF prints "0" or "-" for a zero (the form decides); both count as a zero.
    let mut printed = counts(&pdf.replace(" - ", " 0 "));
    let lines = sheet(book, "Linjer");
    let totals = sheet(book, "Totaler");
    let header: Vec<String> = lines[0].iter().map(text).collect();
    assert_eq!(header[14], "Beløb");
    assert_eq!(header[15], "Beløb i kr.");
    assert_eq!(header[16], "Totalrække");
    assert_eq!(totals[0], lines[0]);
    // "Totalrække" tells a line from a computed total on both sheets.
    assert!(
        lines[1..].iter().all(|r| text(&r[16]) == "nej"),
        "{lines:?}"
    );
    assert!(
        totals[1..].iter().all(|r| text(&r[16]) == "ja"),
        "{totals:?}"
    );
    let mut tables: BTreeMap<(String, String, String), Vec<f64>> = BTreeMap::new();
    let body: Vec<&Vec<Data>> = lines[1..].iter().chain(&totals[1..]).collect();
    assert!(
        !body.is_empty(),
        "the workbook has figures: {lines:?} {totals:?}"
    );
    for row in &body {
        let factor = match text(&row[10]).as_str() {
            "kr." => 1.0,
            "1.000 kr." => 1000.0,
            "mio. kr." => 1_000_000.0,
            // Årsværk and percentages are no amounts: no kroner (tests/testsuite/outputs.rs
            // checks them against the PDF).
            "årsværk" | "%" => continue,
            other => panic!("unknown unit {other}"),
        };
        let (amount, kroner) = (number(&row[14]), number(&row[15]));
        assert!((amount * factor - kroner).abs() < 1e-6, "{row:?}");
        tables
            .entry((text(&row[0]), text(&row[4]), text(&row[12])))
            .or_default()
            .push(amount);
    }
    for ((id, table, column), values) in &tables {
        let d = table_decimals
            .get(&(id.clone(), table.clone(), column.clone()))
            .copied()
            .unwrap_or(0);
        for value in values {
            let figure = danish(*value, d);
            let zero = if *value == 0.0 {
                "0".to_owned()
            } else {
                figure.clone()
            };
            let left = printed.entry(zero.clone()).or_default();
            assert!(
                *left > 0,
                "{id} table {table}: {figure} is in the workbook more often than in the PDF"
            );
            *left -= 1;
        }
    }
    lines
        .into_iter()
        .chain(totals.into_iter().skip(1))
        .collect()
}

/// Parses a CSV of the given separator (quotes doubled inside quoted fields), BOM removed.
fn parse_csv(bytes: &[u8], sep: char) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(bytes).expect("UTF-8");
    let text = text.strip_prefix('\u{feff}').expect("a BOM");
    let mut rows = Vec::new();
    let (mut row, mut field, mut quoted, mut chars) =
        (Vec::new(), String::new(), false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (false, '"') if field.is_empty() => quoted = true,
            (false, c) if c == sep => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (_, c) => field.push(c),
        }
    }
    assert!(
        row.is_empty() && field.is_empty(),
        "the CSV ends with a line end"
    );
    rows
}

/// Checks that a CSV holds exactly the rows of the workbook ("Linjer", then "Totaler"), figures
/// written with the dialect's decimal mark.
fn assert_csv_equals_sheet(csv: &[u8], lines: &[Vec<Data>], sep: char, mark: char) {
    let rows = parse_csv(csv, sep);
    assert_eq!(rows.len(), lines.len());
    for (csv_row, sheet_row) in rows.iter().zip(lines) {
        assert_eq!(csv_row.len(), 17, "{csv_row:?}");
        for (i, (field, cell)) in csv_row.iter().zip(sheet_row).enumerate() {
            match cell {
                Data::Float(_) | Data::Int(_) => {
                    assert!(
                        !field.contains(['.', ',']) || field.contains(mark),
                        "{field}"
                    );
                    let value: f64 = field.replace(mark, ".").parse().expect("a number");
                    assert!(
                        (value - number(cell)).abs() < 1e-9,
                        "column {i}: {field} vs {cell:?}"
                    );
                }
                _ => assert_eq!(field, &text(cell), "column {i}"),
            }
        }
    }
}

/// Renders `args` (paths) into a fresh folder with every format; returns the folder.
fn render_all(args: &[&str], extra: &[&str]) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let mut all = vec!["render"];
    all.extend(args);
    all.extend([
        "--format",
        "pdf,xlsx,csv",
        "-o",
        out.path().to_str().unwrap(),
    ]);
    all.extend(extra);
    run_ok(&root(), &all);
    out
}

/// The bytes of a file.
fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

// Each fixture named alone gets its own workbook and CSV beside its PDF; every figure of the
// workbook is printed in the PDF, and the CSV holds the same rows in both dialects.
#[test]
fn fixtures_read_back_equal_their_pdfs() {
    for file in [
        "tests/tables/opfoelgning/proposal.toml",
        "tests/amendments/konservative/proposal.toml",
        "proposals/bi16-fokuseret-indsats-udsatte-borgere.toml",
    ] {
        let out = render_all(&[file], &[]);
        let stem = Path::new(file).file_stem().unwrap().to_str().unwrap();
        let dir = if file.starts_with("proposals/") {
            out.path().to_owned()
        } else {
            out.path().join(Path::new(file).parent().unwrap())
        };
        let book = read(&dir.join(format!("{stem}.xlsx")));
        let pdf = read(&dir.join(format!("{stem}.pdf")));
        let csv = read(&dir.join(format!("{stem}.csv")));
        let lines = assert_matches_pdf(&book, &csv, &[pdf]);
        assert_csv_equals_sheet(&csv, &lines, ';', ',');
        let intl = render_all(&[file], &["--csv-dialect", "international"]);
        let dir = intl.path().join(dir.strip_prefix(out.path()).unwrap());
        assert_csv_equals_sheet(&read(&dir.join(format!("{stem}.csv"))), &lines, ',', '.');
    }
}

// The follow-up fixture's entered stages are the figures of its rows in the workbook, and its
// total row is in "Totaler" under "I alt".
#[test]
fn ledger_rows_hold_the_entered_figures() {
    let file = "tests/tables/opfoelgning/proposal.toml";
    let out = render_all(&[file], &[]);
    let book = read(&out.path().join("tests/tables/opfoelgning/proposal.xlsx"));
    let lines = sheet(&book, "Linjer");
    let doc: toml::Table = std::fs::read_to_string(root().join(file))
        .unwrap()
        .parse()
        .unwrap();
    let table = doc["tables"]["opfoelgning"].as_table().unwrap();
    let mut entered = 0;
    for row in table["rows"].as_array().unwrap() {
        let label = row["label"].as_str().unwrap();
        for (key, value) in row["amounts"].as_table().unwrap() {
            let value = value.as_integer().map(|v| v as f64).unwrap_or_else(|| {
                value
                    .as_float()
                    .unwrap_or_else(|| value.as_str().unwrap().replace(',', ".").parse().unwrap())
            });
            let found = lines.iter().find(|r| {
                text(&r[4]) == "opfoelgning"
                    && text(&r[6]).ends_with(label)
                    && (text(&r[12]) == *key
                        || columns_key(table, key).is_some_and(|h| text(&r[12]) == h))
            });
            let found = found.unwrap_or_else(|| panic!("{label} {key} not in the workbook"));
            assert_eq!(number(&found[14]), value, "{label} {key}");
            entered += 1;
        }
    }
    assert!(entered > 10, "the fixture has figures");
    let totals = sheet(&book, "Totaler");
    assert!(totals.iter().any(|r| text(&r[9]) == "I alt"));
    assert!(totals.iter().any(|r| text(&r[9]) == "Subtotal"));
}

/// The header of the ledger column declared with `key`, if it is a named column.
fn columns_key(table: &toml::Table, key: &str) -> Option<String> {
    table.get("columns")?.as_array()?.iter().find_map(|c| {
        let c = c.as_table()?;
        (c.get("key")?.as_str()? == key).then(|| c.get("header")?.as_str().map(str::to_owned))?
    })
}

// A folder run writes one workbook for all proposals found and one per catalogue; the savings
// catalogue's workbook holds its proposals' figures as printed in its annex.
#[test]
fn folder_and_catalogue_workbooks() {
    let out = render_all(&["proposals"], &[]);
    let run = read(&out.path().join("budgetlinjer.xlsx"));
    let mut pdfs = Vec::new();
    for entry in std::fs::read_dir(root().join("proposals"))
        .unwrap()
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(stem) = name
            .strip_suffix(".toml")
            .filter(|_| entry.path().is_file())
        {
            pdfs.push(read(&out.path().join(format!("{stem}.pdf"))));
        }
    }
    pdfs.extend(
        std::fs::read_dir(out.path().join("katalog"))
            .unwrap()
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "pdf"))
            .map(|e| read(&e.path())),
    );
    let csv = read(&out.path().join("budgetlinjer.csv"));
    let lines = assert_matches_pdf(&run, &csv, &pdfs);
    assert_csv_equals_sheet(&csv, &lines, ';', ',');
    let ids: std::collections::BTreeSet<String> = lines[1..].iter().map(|r| text(&r[0])).collect();
    assert!(ids.len() > 5, "{ids:?}");
    let catalogue = read(&out.path().join("katalog-med-forslag.xlsx"));
    assert_matches_pdf(
        &catalogue,
        &read(&out.path().join("katalog-med-forslag.csv")),
        &[read(&out.path().join("katalog-med-forslag.pdf"))],
    );

    let savings = render_all(&["tests/catalogues/savings/catalogue.toml"], &[]);
    let dir = savings.path().join("tests/catalogues/savings");
    let book = read(&dir.join("catalogue.xlsx"));
    let csv = read(&dir.join("catalogue.csv"));
    let lines = assert_matches_pdf(&book, &csv, &[read(&dir.join("catalogue.pdf"))]);
    assert_csv_equals_sheet(&csv, &lines, ';', ',');
    // The seven proposals, and the catalogue's own totals (its overview's), which have no id.
    let ids: std::collections::BTreeSet<String> = lines[1..].iter().map(|r| text(&r[0])).collect();
    assert_eq!(ids.len(), 8, "{ids:?}");
    assert!(ids.contains(""), "{ids:?}");
}

// The same input gives the same workbook and CSV bytes.
#[test]
fn spreadsheets_are_deterministic() {
    let a = render_all(&["proposals/katalog-med-forslag.toml"], &[]);
    let b = render_all(&["proposals/katalog-med-forslag.toml"], &[]);
    for name in ["katalog-med-forslag.xlsx", "katalog-med-forslag.csv"] {
        assert_eq!(
            read(&a.path().join(name)),
            read(&b.path().join(name)),
            "{name}"
        );
    }
}

// An unknown format is a usage error listing the accepted ones; a `--format pdf` run keeps the
// workbook of an earlier run, and a run with the workbook's format replaces it.
#[test]
fn format_flag_and_kept_outputs() {
    let out = run_cli(
        &root(),
        &["render", "--format", "pdf,docx", "-o", "/nonexistent"],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("`docx` is not an output format; accepted: pdf, xlsx, csv, html"),
        "{stderr}"
    );
    let dir = render_all(&["proposals/investering-aktivitetsparate.toml"], &[]);
    let o = dir.path().to_str().unwrap();
    let book = dir.path().join("investering-aktivitetsparate.xlsx");
    let before = read(&book);
    run_ok(
        &root(),
        &[
            "render",
            "proposals/bi16-fokuseret-indsats-udsatte-borgere.toml",
            "-o",
            o,
        ],
    );
    assert_eq!(read(&book), before, "a pdf run leaves the workbook alone");
    let manifest = std::fs::read_to_string(dir.path().join(".budgetnote-manifest")).unwrap();
    assert!(
        manifest.contains("investering-aktivitetsparate.xlsx"),
        "{manifest}"
    );
    std::fs::remove_file(dir.path().join("investering-aktivitetsparate.pdf")).unwrap();
    run_ok(
        &root(),
        &[
            "render",
            "proposals/bi16-fokuseret-indsats-udsatte-borgere.toml",
            "--format",
            "xlsx",
            "-o",
            o,
        ],
    );
    assert!(
        !dir.path().join("investering-aktivitetsparate.pdf").exists(),
        "no PDF asked for"
    );
    assert_eq!(read(&book), before);
    // A folder run over the proposal's folder gives its figures to the run's workbook: the
    // proposal's own one is stale and removed, with its manifest entry.
    run_ok(
        &root(),
        &["render", "proposals", "--format", "xlsx", "-o", o],
    );
    assert!(
        !book.exists(),
        "the single file's workbook is stale in a folder run"
    );
    assert!(dir.path().join("budgetlinjer.xlsx").exists());
    let manifest = std::fs::read_to_string(dir.path().join(".budgetnote-manifest")).unwrap();
    assert!(
        !manifest.contains("investering-aktivitetsparate.xlsx"),
        "{manifest}"
    );
    assert!(
        manifest.contains("\"budgetlinjer.xlsx\": \"proposals\""),
        "{manifest}"
    );
}

// In a folder run, a catalogue named like the run's workbook is E063 in `check` and `render`
// (its annex is not written); a proposal with errors leaves the folder without a run workbook,
// and an old one is removed, so no workbook with lines missing looks current.
#[test]
fn run_workbook_name_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let proposals = dir.path().join("proposals");
    std::fs::create_dir_all(proposals.join("katalog")).unwrap();
    let source = root().join("proposals");
    std::fs::copy(
        source.join("bi16-fokuseret-indsats-udsatte-borgere.toml"),
        proposals.join("bi16.toml"),
    )
    .unwrap();
    // The repository's profile: bi16 ticks one of Københavns Kommune's districts.
    std::fs::copy(
        root().join("budgetnote.toml"),
        dir.path().join("budgetnote.toml"),
    )
    .unwrap();
    for entry in std::fs::read_dir(source.join("katalog")).unwrap().flatten() {
        std::fs::copy(
            entry.path(),
            proposals.join("katalog").join(entry.file_name()),
        )
        .unwrap();
    }
    std::fs::copy(
        source.join("katalog-med-forslag.toml"),
        proposals.join("budgetlinjer.toml"),
    )
    .unwrap();
    let check = run_cli(dir.path(), &["check"]);
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert_eq!(check.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("E063") && stderr.contains("budgetlinjer.xlsx"),
        "{stderr}"
    );
    let render = run_cli(dir.path(), &["render", "--format", "pdf,xlsx"]);
    assert_eq!(render.status.code(), Some(1));
    let out = dir.path().join("out");
    assert!(!out.join("budgetlinjer.pdf").exists());
    assert!(
        out.join("budgetlinjer.xlsx").exists(),
        "the run's own workbook is written"
    );
    let lines = sheet(&read(&out.join("budgetlinjer.xlsx")), "Linjer");
    assert!(
        lines[1..].iter().all(|r| !text(&r[0]).is_empty()),
        "{lines:?}"
    );
    std::fs::remove_file(proposals.join("budgetlinjer.toml")).unwrap();
    crate::common::edit(
        &proposals.join("bi16.toml"),
        &[("committees = [", "committees = 3\nxcommittees = [")],
    );
    let render = run_cli(dir.path(), &["render", "--format", "pdf,xlsx"]);
    assert_eq!(render.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&render.stderr);
    assert!(
        stderr.contains("budgetlinjer.xlsx not written: 1 of its file(s) have errors"),
        "{stderr}"
    );
    assert!(
        !out.join("budgetlinjer.xlsx").exists(),
        "the old run workbook is removed"
    );
}

// A label a spreadsheet would run as a formula (CSV injection) is written inert: in the CSV with
// a leading `'`, in the workbook as a text cell holding exactly the label, never a formula.
#[test]
fn formula_like_labels_stay_text() {
    let dir = tempfile::tempdir().unwrap();
    let source = std::fs::read_to_string(root().join("tests/tables/opfoelgning/proposal.toml"))
        .unwrap()
        .replacen(
            "label = \"Vuggestuer\"",
            "label = \"=HYPERLINK(\\\"http://x\\\";\\\"Vuggestuer\\\")\"",
            1,
        );
    assert!(source.contains("HYPERLINK"));
    std::fs::create_dir_all(dir.path().join("proposals")).unwrap();
    std::fs::write(dir.path().join("proposals/f.toml"), source).unwrap();
    run_ok(dir.path(), &["render", "--format", "csv,xlsx"]);
    let csv = std::fs::read_to_string(dir.path().join("out/budgetlinjer.csv")).unwrap();
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"http://x\"\";\"\"Vuggestuer\"\")\""),
        "{csv}"
    );
    assert!(
        !csv.contains(";=HYPERLINK") && !csv.contains(";\"=HYPERLINK"),
        "{csv}"
    );
    let bytes = std::fs::read(dir.path().join("out/budgetlinjer.xlsx")).unwrap();
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let formulas = book.worksheet_formula("Linjer").unwrap();
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "a formula was written"
    );
    let cells = book.worksheet_range("Linjer").unwrap();
    assert!(
        cells
            .used_cells()
            .any(|(_, _, c)| *c == Data::String("=HYPERLINK(\"http://x\";\"Vuggestuer\")".into())),
        "the label is not a text cell"
    );
}

// A catalogue's workbook is dated by the latest date its proposals state (a catalogue of the 2025
// budget written in August 2024 is dated 2024-08-20), and 1 January of the catalogue's year only
// when no proposal states a date.
#[test]
fn a_catalogues_workbook_carries_its_proposals_date() {
    let created = |date: Option<&str>| -> String {
        let dir = tempfile::tempdir().unwrap();
        let proposals = dir.path().join("proposals");
        crate::common::copy_dir(
            &root().join("proposals/katalog"),
            &proposals.join("katalog"),
        );
        for file in ["proposals/katalog-med-forslag.toml", "budgetnote.toml"] {
            std::fs::copy(root().join(file), dir.path().join(file)).unwrap();
        }
        if let Some(date) = date {
            let k7 = proposals.join("katalog/k7-fremrykket-indsats-for-fleks-og-ledighed.toml");
            let text = std::fs::read_to_string(&k7).unwrap();
            let dated = text.replacen("\n[request]", &format!("date = {date}\n\n[request]"), 1);
            std::fs::write(&k7, dated).unwrap();
        }
        run_ok(
            dir.path(),
            &[
                "render",
                "proposals/katalog-med-forslag.toml",
                "--format",
                "xlsx",
            ],
        );
        let bytes = std::fs::read(dir.path().join("out/katalog-med-forslag.xlsx")).unwrap();
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut core = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("docProps/core.xml").unwrap(), &mut core)
            .unwrap();
        core
    };
    let dated = created(Some("2024-08-20"));
    assert!(dated.contains(">2024-08-20T"), "{dated}");
    let undated = created(None);
    assert!(undated.contains(">2025-01-01T"), "{undated}");
}
