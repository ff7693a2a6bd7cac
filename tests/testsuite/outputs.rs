//! The outputs agree: every fixture proposal that renders is rendered to PDF, XLSX, CSV and HTML,
//! and each figure its tables print (as the library's figures walk lists them) is in the PDF and
//! in every other output with the same label and value (the CSV holds the workbook's two sheets,
//! lines and totals, told apart by "Totalrække"). And an output's failure
//! fails its file: `render --format xlsx` of a proposal whose date the workbook cannot hold says
//! 1 failed and exits 1, as `check --format xlsx` refuses it first.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use budgetnote::figures::{self, Kind};
use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use rust_decimal::Decimal;

use crate::common::{pdf_text, root, run_cli};

/// Every `.toml` below `dir`, sorted.
fn tomls(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            tomls(&path, out);
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
}

/// The fixture proposals (bundled and under tests/) that pass `check` with the repository's
/// project, each with its checked proposal, relative to the repository.
fn fixtures() -> Vec<(PathBuf, budgetnote::checked::CheckedProposal)> {
    let project = budgetnote::Project::open(&root()).unwrap();
    let mut files = Vec::new();
    tomls(&root().join("proposals"), &mut files);
    tomls(&root().join("tests"), &mut files);
    files
        .into_iter()
        .filter(|f| {
            let name = f.file_name().unwrap().to_string_lossy();
            name != "form.toml"
                && name != "budgetnote.toml"
                && !f.starts_with(root().join("tests/bad"))
        })
        .filter_map(|f| {
            let text = std::fs::read_to_string(&f).ok()?;
            if budgetnote::catalogue::is_catalogue(&text) {
                return None;
            }
            let checked = project.check_file(&f).ok()?;
            if checked.report.has_errors() {
                return None;
            }
            let relative = f.strip_prefix(root()).unwrap().to_owned();
            Some((relative, checked.proposal?))
        })
        .collect()
}

/// Text with whitespace, soft hyphens and line-end hyphens removed (labels wrap in the PDF).
fn squeeze(text: &str) -> String {
    text.replace("-\n", "")
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{ad}')
        .collect()
}

/// An HTML page's text: tags removed, the entities the pages write read back.
fn html_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// A workbook's rows of "Linjer" and "Totaler", header rows left out.
fn workbook_rows(bytes: &[u8]) -> Vec<Vec<Data>> {
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("xlsx");
    let mut rows = Vec::new();
    for sheet in ["Linjer", "Totaler"] {
        let range = book.worksheet_range(sheet).expect("sheet");
        rows.extend(range.rows().skip(1).map(|r| r.to_vec()));
    }
    rows
}

/// A cell's text.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

/// A Danish CSV's rows (`;`, quotes doubled in quoted fields), BOM and header left out.
fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(bytes).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("a BOM");
    let mut rows = Vec::new();
    let (mut row, mut field, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (false, '"') if field.is_empty() => quoted = true,
            (false, ';') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (_, c) => field.push(c),
        }
    }
    rows.into_iter().skip(1).collect()
}

/// Where `render -o out` puts the outputs of `relative` (without extension): the bundled
/// proposals at the top, the others mirrored.
fn output_stem(out: &Path, relative: &Path) -> PathBuf {
    let inside = relative.strip_prefix("proposals").unwrap_or(relative);
    out.join(inside.with_extension(""))
}

/// Renders the fixtures to every format, in runs of files with distinct ids (a run refuses two
/// files with one id); returns the output folder.
fn render_all(fixtures: &[(PathBuf, budgetnote::checked::CheckedProposal)]) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let mut runs: Vec<(BTreeSet<String>, Vec<String>)> = Vec::new();
    for (path, p) in fixtures {
        let file = path.to_string_lossy().into_owned();
        match runs.iter_mut().find(|(ids, _)| !ids.contains(&p.id)) {
            Some((ids, files)) => {
                ids.insert(p.id.clone());
                files.push(file);
            }
            None => runs.push((BTreeSet::from([p.id.clone()]), vec![file])),
        }
    }
    for (_, files) in &runs {
        let mut args = vec!["render"];
        args.extend(files.iter().map(String::as_str));
        args.extend(["--format", "pdf,xlsx,csv,html", "-o"]);
        args.push(out.path().to_str().unwrap());
        // A fixture typst refuses has no PDF and is left out below.
        run_cli(&root(), &args);
    }
    out
}

// Each figure printed in the tables of every fixture that renders is in its PDF, and in its
// workbook, CSV and web page under the same label and column with the same value.
#[test]
fn every_output_prints_the_same_figures() {
    let fixtures = fixtures();
    let out = render_all(&fixtures);
    let (mut compared, mut rendered) = (BTreeMap::<&str, usize>::new(), 0);
    for (relative, p) in &fixtures {
        let stem = output_stem(out.path(), relative);
        let Ok(pdf) = std::fs::read(stem.with_extension("pdf")) else {
            assert!(
                !relative.starts_with("proposals"),
                "the bundled {} renders",
                relative.display()
            );
            continue;
        };
        rendered += 1;
        let name = relative.display();
        let pdf = squeeze(&pdf_text(&pdf));
        let read = |ext: &str| {
            std::fs::read(stem.with_extension(ext))
                .unwrap_or_else(|e| panic!("{name}: no {ext}: {e}"))
        };
        let html = squeeze(&html_text(&String::from_utf8(read("html")).unwrap()));
        let book = workbook_rows(&read("xlsx"));
        let csv = csv_rows(&read("csv"));
        let tables = figures::proposal(p);
        for f in figures::figures(&tables) {
            let (label, text) = (&f.line.label, &f.cell.text);
            let column = f.column.name();
            let place = format!("{name}: {} / {label} / {column} = {text}", f.table.id);
            let request = f.table.id == figures::REQUEST_TABLE;
            // The request is printed as one sentence: its amounts and its parts' names, not its
            // total or the word "Anmodning".
            let printed = !(request && f.line.kind == Kind::Total);
            let label_printed =
                !request || f.line.kind == Kind::Request && label != figures::REQUEST;
            if printed {
                for (output, body) in [("PDF", &pdf), ("HTML", &html)] {
                    assert!(
                        body.contains(&squeeze(text)),
                        "{place}: figure not in the {output}"
                    );
                    if label_printed {
                        assert!(
                            body.contains(&squeeze(label)),
                            "{place}: label not in the {output}"
                        );
                    }
                }
                *compared.entry("pdf+html").or_default() += 1;
            }
            if f.line.kind == Kind::Alternative {
                // Not counted, so not a row of the spreadsheets.
                continue;
            }
            let unit = f.cell.measure.label();
            let same_place = |id: &str, table: &str, l: &str, u: &str, c: &str| {
                id == p.id && table == f.table.id && l == label && u == unit && c == column
            };
            let in_book = book.iter().any(|r| {
                let value = match &r[14] {
                    Data::Float(v) => *v,
                    Data::Int(v) => *v as f64,
                    _ => return false,
                };
                let printed: f64 = f.cell.printed.to_string().parse().unwrap();
                same_place(
                    &cell_text(&r[0]),
                    &cell_text(&r[4]),
                    &cell_text(&r[6]),
                    &cell_text(&r[10]),
                    &cell_text(&r[12]),
                ) && (value - printed).abs() < 1e-9
            });
            assert!(in_book, "{place}: not in the workbook");
            // The CSV holds every figure of the workbook; "Totalrække" says which are computed
            // totals, so that a pivot table filtered on "nej" counts each figure once.
            let total = if f.is_computed() { "ja" } else { "nej" };
            let in_csv = csv.iter().any(|r| {
                same_place(&r[0], &r[4], &r[6], &r[10], &r[12])
                    && Decimal::from_str(&r[14].replace(',', ".")).ok() == Some(f.cell.printed)
                    && r[16] == total
            });
            assert!(in_csv, "{place}: not in the CSV as Totalrække {total}");
            *compared.entry("xlsx+csv").or_default() += 1;
        }
    }
    // The bundled proposals and several test fixtures, with hundreds of figures.
    assert!(rendered >= 10, "only {rendered} fixtures rendered");
    assert!(
        compared.values().all(|n| *n > 300),
        "too few figures compared: {compared:?}"
    );
}

// A proposal dated 0001-01-01, a date the workbook cannot record: `render --format xlsx` fails
// that file (the summary says 1 failed, exit 1, no workbook), whichever stage refuses it, and
// `check --format xlsx` refuses it too.
#[test]
fn a_workbook_the_writer_refuses_fails_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let source =
        std::fs::read_to_string(root().join("proposals/investering-aktivitetsparate.toml"))
            .unwrap();
    assert!(source.contains("\ndate = 2018-06-12\n"));
    let file = dir.path().join("aar-1.toml");
    std::fs::write(
        &file,
        source.replace("\ndate = 2018-06-12\n", "\ndate = 0001-01-01\n"),
    )
    .unwrap();
    let out = dir.path().join("out");
    let rendered = run_cli(
        &root(),
        &[
            "render",
            file.to_str().unwrap(),
            "--format",
            "xlsx",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    let stderr = String::from_utf8_lossy(&rendered.stderr);
    assert_eq!(rendered.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("rendered 0 of 1 file(s), 1 failed"),
        "{stderr}"
    );
    assert!(!out.join("aar-1.xlsx").exists());
    let checked = run_cli(
        &root(),
        &["check", file.to_str().unwrap(), "--format", "xlsx"],
    );
    let stderr = String::from_utf8_lossy(&checked.stderr);
    assert_eq!(checked.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("1 error(s)"), "{stderr}");
}

// check ≡ render for the web pages: a project's own page template that fails when a proposal's
// page is filled (an unknown filter) is refused by `check --format html` first, at the file
// whose page it is, as `render --format html` refuses it; other files' pages are unaffected.
#[test]
fn a_page_template_render_refuses_is_refused_by_check_first() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path();
    std::fs::create_dir_all(project.join("proposals")).unwrap();
    std::fs::create_dir_all(project.join("templates/standard")).unwrap();
    for name in [
        "flere-udsatte-borgere-i-beskaeftigelse.toml",
        "investering-aktivitetsparate.toml",
    ] {
        std::fs::copy(
            root().join("proposals").join(name),
            project.join("proposals").join(name),
        )
        .unwrap();
    }
    std::fs::write(
        project.join("templates/standard/form.html.j2"),
        "{% extends \"_page.html.j2\" %}\n{% block sections %}{{ p.title | nofilter }}{% endblock %}\n",
    )
    .unwrap();
    let root_arg = project.to_str().unwrap();
    let checked = run_cli(project, &["--root", root_arg, "check", "--format", "html"]);
    let check_err = String::from_utf8_lossy(&checked.stderr);
    assert_eq!(checked.status.code(), Some(1), "{check_err}");
    assert!(check_err.contains("error[E098]"), "{check_err}");
    assert!(check_err.contains("nofilter"), "{check_err}");
    assert!(
        check_err.contains("flere-udsatte-borgere-i-beskaeftigelse.toml:1:1"),
        "{check_err}"
    );
    assert!(check_err.contains("1 error(s)"), "{check_err}");
    // Without html asked for, the page template is not the PDF's business.
    let pdf_only = run_cli(project, &["--root", root_arg, "check"]);
    assert_eq!(
        pdf_only.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&pdf_only.stderr)
    );
    let out = project.join("out");
    let rendered = run_cli(
        project,
        &[
            "--root",
            root_arg,
            "render",
            "--format",
            "html",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    let render_err = String::from_utf8_lossy(&rendered.stderr);
    assert_eq!(rendered.status.code(), Some(1), "{render_err}");
    assert!(render_err.contains("1 failed"), "{render_err}");
    assert!(
        !out.join("flere-udsatte-borgere-i-beskaeftigelse.html")
            .exists()
    );
    assert!(out.join("investering-aktivitetsparate.html").exists());
}

// A catalogue's own figures (its overview by group with subtotals, grand total, target and
// distance, and each selection's total and balance), as the library's figures walk lists them,
// are in its annex PDF and its index web page with their labels, and in its workbook and CSV
// under the same table, label and column with the same value, marked "Totalrække" ja.
#[test]
fn a_catalogues_own_figures_are_in_every_output() {
    let project = budgetnote::Project::open(&root()).unwrap();
    let mut compared = 0;
    for file in [
        "proposals/katalog-med-forslag.toml",
        "tests/catalogues/savings/catalogue.toml",
    ] {
        let path = root().join(file);
        let source = std::fs::read_to_string(&path).unwrap();
        let (report, _, catalogue) = budgetnote::catalogue::check(&path, source, &project).unwrap();
        let c = catalogue.unwrap_or_else(|| panic!("{file}: {report:#?}"));
        let out = tempfile::tempdir().unwrap();
        let args = [
            "render",
            file,
            "--format",
            "pdf,xlsx,csv,html",
            "-o",
            out.path().to_str().unwrap(),
        ];
        let run = run_cli(&root(), &args);
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let stem = output_stem(out.path(), Path::new(file));
        let read = |ext: &str| {
            std::fs::read(stem.with_extension(ext))
                .unwrap_or_else(|e| panic!("{file}: no {ext}: {e}"))
        };
        let pdf = squeeze(&pdf_text(&read("pdf")));
        let html = squeeze(&html_text(&String::from_utf8(read("html")).unwrap()));
        let book = workbook_rows(&read("xlsx"));
        let csv = csv_rows(&read("csv"));
        let tables = figures::catalogue::catalogue(&c);
        assert!(!tables.is_empty() && tables[0].id == figures::catalogue::OVERVIEW_TABLE);
        for f in figures::figures(&tables) {
            let (label, text, column) = (&f.line.label, &f.cell.text, f.column.name());
            let place = format!("{file}: {} / {label} / {column} = {text}", f.table.id);
            for (output, body) in [("PDF", &pdf), ("HTML", &html)] {
                assert!(
                    body.contains(&squeeze(text)),
                    "{place}: not in the {output}"
                );
                assert!(
                    body.contains(&squeeze(label)),
                    "{place}: label not in the {output}"
                );
            }
            let same = |table: &str, l: &str, c: &str, total: &str| {
                table == f.table.id && l == label && c == column && total == "ja"
            };
            let in_book = book.iter().any(|r| {
                let value = match &r[14] {
                    Data::Float(v) => *v,
                    Data::Int(v) => *v as f64,
                    _ => return false,
                };
                let printed: f64 = f.cell.printed.to_string().parse().unwrap();
                same(
                    &cell_text(&r[4]),
                    &cell_text(&r[6]),
                    &cell_text(&r[12]),
                    &cell_text(&r[16]),
                ) && (value - printed).abs() < 1e-9
            });
            assert!(in_book, "{place}: not in the workbook");
            let in_csv = csv.iter().any(|r| {
                same(&r[4], &r[6], &r[12], &r[16])
                    && Decimal::from_str(&r[14].replace(',', ".")).ok() == Some(f.cell.printed)
            });
            assert!(in_csv, "{place}: not in the CSV");
            compared += 1;
        }
    }
    assert!(compared > 40, "too few figures compared: {compared}");
}

// A PDF-only run after one that wrote workbooks and pages leaves those alone; when it typesets a
// changed proposal anew, its summary says which of them may now be out of date (the folder's
// workbook and that proposal's page, not another proposal's page), and how to update them.
#[test]
fn a_run_that_leaves_other_formats_behind_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let init = run_cli(dir.path(), &["init", "p"]);
    assert!(init.status.success());
    let project = dir.path().join("p");
    let all = run_cli(&project, &["render", "--format", "pdf,xlsx,html"]);
    assert!(
        all.status.success(),
        "{}",
        String::from_utf8_lossy(&all.stderr)
    );
    let note = |out: &std::process::Output| {
        String::from_utf8_lossy(&out.stderr)
            .lines()
            .find(|l| l.starts_with("note: "))
            .map(str::to_owned)
    };
    // Nothing changed: nothing is behind.
    assert_eq!(note(&run_cli(&project, &["render"])), None);
    let file = project.join("proposals/standard-eksempel.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    let title = text
        .lines()
        .find(|l| l.starts_with("title = "))
        .unwrap()
        .to_owned();
    std::fs::write(&file, text.replacen(&title, "title = \"Et nyt navn\"", 1)).unwrap();
    let pdf_only = run_cli(&project, &["render"]);
    let line = note(&pdf_only).expect("a note on the outputs left behind");
    assert!(line.contains("out/budgetlinjer.xlsx"), "{line}");
    assert!(line.contains("out/standard-eksempel.html"), "{line}");
    assert!(!line.contains("budgetnotat-eksempel.html"), "{line}");
    assert!(
        line.contains("--format html,xlsx") || line.contains("--format xlsx,html"),
        "{line}"
    );
    // Writing them again clears the note.
    run_cli(&project, &["render", "--format", "pdf,xlsx,html"]);
    std::fs::write(&file, text).unwrap();
    let again = run_cli(&project, &["render", "--format", "pdf,xlsx,html"]);
    assert_eq!(note(&again), None);
}
