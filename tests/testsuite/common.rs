//! Helpers shared by the integration tests: rendering, PDF text, and seed fidelity.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use budgetnote::Project;

/// The crate root, which is also the project root (templates/, fonts/, proposals/).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The seed documents the fidelity tests compare with, kept in the repository: the text of
/// each original Word document a bundled proposal reproduces (see tests/fidelity/README.md).
pub fn seeds_dir() -> PathBuf {
    root().join("tests/fidelity")
}

/// Renders a proposal file to PDF bytes through the library; panics on any diagnostic error.
pub fn render(path: &Path) -> Vec<u8> {
    let project = Project::open(&root()).expect("project opens");
    let checked = project.check_file(path).expect("readable proposal");
    assert!(
        !checked.report.has_errors(),
        "{} has errors: {:#?}",
        path.display(),
        checked.report.diagnostics
    );
    project
        .pdf(checked.proposal.as_ref().expect("checked proposal"))
        .expect("pdf")
}

/// The text of a PDF in content order, a new line wherever the baseline moves and a space
/// wherever the pen jumps forward (pdf-extract's own plain-text output glues some lines together).
pub fn pdf_text(pdf: &[u8]) -> String {
    pdf_pages(pdf)
        .iter()
        .map(|page| format!("\n{page}"))
        .collect()
}

/// The text of each page of a PDF, as [`pdf_text`] reads it.
pub fn pdf_pages(pdf: &[u8]) -> Vec<String> {
    let doc = pdf_extract::Document::load_mem(pdf).expect("PDF parses");
    let mut lines = LineText::default();
    pdf_extract::output_doc(&doc, &mut lines).expect("PDF text can be extracted");
    lines.pages
}

/// Collects characters by position into lines of text.
#[derive(Default)]
struct LineText {
    /// The text of each page so far.
    pages: Vec<String>,
    /// Baseline of the last character.
    last_y: Option<f64>,
    /// Where the last character ended.
    last_x_end: f64,
}

impl pdf_extract::OutputDev for LineText {
    fn begin_page(
        &mut self,
        _: u32,
        _: &pdf_extract::MediaBox,
        _: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), pdf_extract::OutputError> {
        self.pages.push(String::new());
        self.last_y = None;
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), pdf_extract::OutputError> {
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &pdf_extract::Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        char: &str,
    ) -> Result<(), pdf_extract::OutputError> {
        let size = (trm.m11 * trm.m22).abs().sqrt() * font_size;
        let (x, y) = (trm.m31, trm.m32);
        if self.pages.is_empty() {
            self.pages.push(String::new());
        }
        let Some(text) = self.pages.last_mut() else {
            return Ok(());
        };
        match self.last_y {
            Some(last) if (y - last).abs() > size * 0.4 => text.push('\n'),
            Some(_) if x > self.last_x_end + size * 0.12 => text.push(' '),
            _ => {}
        }
        text.push_str(char);
        self.last_y = Some(y);
        self.last_x_end = x + width * size;
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), pdf_extract::OutputError> {
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), pdf_extract::OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), pdf_extract::OutputError> {
        Ok(())
    }
}

/// The case folders under `tests/<feature>/`, sorted.
pub fn case_dirs(feature: &str) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root().join("tests").join(feature))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// Writes the minimal proposal with an unknown key close to no known one (`colour`, a W001) into
/// `dir`. (A key close to a known one, such as `propser`, is the error E043.)
pub fn proposal_with_typo(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(root().join("tests/good/minimal.toml"))
        .unwrap()
        .replace("proposer = ", "colour = \"x\"\nproposer = ");
    let file = dir.join("typo.toml");
    std::fs::write(&file, text).unwrap();
    file
}

/// Runs the `budgetnote` binary in `dir` with `args` (without any `SOURCE_DATE_EPOCH` of ours).
pub fn run_cli(dir: &Path, args: &[&str]) -> Output {
    run_cli_env(dir, args, &[])
}

/// Runs the `budgetnote` binary in `dir` with `args` and extra environment variables.
pub fn run_cli_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_budgetnote"))
        .current_dir(dir)
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .output()
        .expect("budgetnote runs")
}

/// Tokens of a text the way ../shared/tools/fidelity.py counts them: words and figures, lowercased.
pub fn tokens(text: &str) -> Vec<String> {
    use regex::Regex;
    let html = Regex::new(r"<[^>]+>").unwrap();
    let md = Regex::new(r"\*\*|__|##+").unwrap();
    let hyphen = Regex::new(r"([a-zæøå])-[ \t]*\n[ \t]*([a-zæøå])").unwrap();
    let soft = Regex::new("\u{ad}[ \t]*\n[ \t]*").unwrap();
    let token = Regex::new(r"[0-9][0-9.,]*[0-9]|[0-9]|\w+").unwrap();
    let thousands = Regex::new(r"(\d)\.(\d{3})\b").unwrap();

    let text = html.replace_all(text, " ");
    let text = md.replace_all(&text, " ");
    let text = hyphen.replace_all(&text, "$1$2");
    let text = soft.replace_all(&text, "").replace('\u{ad}', "");
    let text: String = text
        .chars()
        .map(|c| match c {
            '\u{2212}' | '\u{2013}' | '\u{2014}' | '\u{2010}' | '\u{2011}' => '-',
            '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{ab}' | '\u{bb}' | '\u{2018}'
            | '\u{2019}' => '"',
            c => c,
        })
        .collect();
    token
        .find_iter(&text)
        .map(|m| {
            let t = m.as_str();
            let t = if t
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
            {
                // Python's regex sub is not overlapping-greedy; repeat until stable like 12.975.000.
                let mut s = t.to_owned();
                loop {
                    let next = thousands.replace_all(&s, "$1$2").into_owned();
                    if next == s {
                        break s;
                    }
                    s = next;
                }
            } else {
                t.to_owned()
            };
            t.to_lowercase()
        })
        .collect()
}

/// The seed's tokens left out of a longest common subsequence with the PDF's tokens: the words
/// and figures that cannot be found in order (empty = full fidelity).
pub fn missing_in_order(seed: &[String], pdf: &[String]) -> Vec<String> {
    let (n, m) = (seed.len(), pdf.len());
    // lcs[i][j] = length of the LCS of seed[i..] and pdf[j..], in one flat table.
    let width = m + 1;
    let mut lcs = vec![0u32; (n + 1) * width];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i * width + j] = if seed[i] == pdf[j] {
                lcs[(i + 1) * width + j + 1] + 1
            } else {
                lcs[(i + 1) * width + j].max(lcs[i * width + j + 1])
            };
        }
    }
    let (mut i, mut j, mut missing) = (0, 0, Vec::new());
    while i < n {
        if j < m && seed[i] == pdf[j] {
            i += 1;
            j += 1;
        } else if j < m && lcs[i * width + j + 1] >= lcs[(i + 1) * width + j] {
            j += 1;
        } else {
            missing.push(seed[i].clone());
            i += 1;
        }
    }
    missing
}

/// Tokens of a seed file of tests/fidelity/.
pub fn seed_tokens(name: &str) -> Vec<String> {
    let path = seeds_dir().join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("seed {} is not readable: {e}", path.display()));
    tokens(&text)
}

/// Makes `dir` a project root. A project needs no files of its own: the forms, their
/// templates and the fonts are bundled in the binary, so this only makes sure the folder exists.
pub fn scaffold_project(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
}

/// A diagnostic's place: code, line and column.
pub type Place = (String, u64, u64);

/// The `CODE LINE COLUMN` lines of a case's expectation file, sorted (text after `|` ignored).
pub fn expected_places(file: &Path) -> Vec<Place> {
    let mut places: Vec<Place> = std::fs::read_to_string(file)
        .unwrap_or_else(|e| panic!("{}: {e}", file.display()))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let place = l.split('|').next().unwrap_or(l);
            let parts: Vec<&str> = place.split_whitespace().collect();
            (
                parts[0].to_owned(),
                parts[1].parse().unwrap(),
                parts[2].parse().unwrap(),
            )
        })
        .collect();
    places.sort();
    places
}

/// `check --format json FILE` from the project root: exit code, diagnostics, and their places
/// sorted.
pub fn check_json(file: &Path) -> (Option<i32>, Vec<serde_json::Value>, Vec<Place>) {
    let out = run_cli(
        &root(),
        &["check", "--format", "json", file.to_str().unwrap()],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{}: stdout is not JSON: {e}", file.display()));
    let diagnostics = json.as_array().unwrap().clone();
    let mut places: Vec<Place> = diagnostics
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect();
    places.sort();
    (out.status.code(), diagnostics, places)
}

/// Replaces each `(from, to)` in the file at `path`, failing when a `from` is not there (so a
/// fixture that changed cannot make a test pass without testing anything).
pub fn edit(path: &Path, replacements: &[(&str, &str)]) {
    let mut text = std::fs::read_to_string(path).unwrap();
    for (from, to) in replacements {
        assert!(text.contains(from), "{} has no {from:?}", path.display());
        text = text.replace(from, to);
    }
    std::fs::write(path, text).unwrap();
}

/// Runs the binary in `dir` and asserts it exits 0, showing its stderr otherwise.
pub fn run_ok(dir: &Path, args: &[&str]) -> Output {
    let out = run_cli(dir, args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A whole number the Danish way, with thousands dots and a true minus.
pub fn danish(value: i64) -> String {
    let digits = value.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    if value < 0 {
        format!("\u{2212}{out}")
    } else {
        out
    }
}

/// Copies a folder tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// Asserts that every expected token (more than `at_least` of them) is in the PDF's text, in
/// order.
pub fn assert_all_in_order(expected: &[String], pdf: &[u8], at_least: usize) {
    assert!(expected.len() > at_least, "{} tokens", expected.len());
    let printed = tokens(&pdf_text(pdf));
    assert_eq!(
        missing_in_order(expected, &printed),
        Vec::<String>::new(),
        "figures missing from the PDF, in order"
    );
}

/// A new project with the repository's profile and an empty `proposals/` folder.
pub fn project_with_profile() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let proposals = dir.path().join("proposals");
    std::fs::create_dir_all(&proposals).unwrap();
    std::fs::copy(
        root().join("budgetnote.toml"),
        dir.path().join("budgetnote.toml"),
    )
    .unwrap();
    (dir, proposals)
}

/// Runs `case` once per file matching `pattern` (a glob such as `*/proposal.toml`) under
/// `tests/<family>/`, through `insta::glob!`, each as its own named case: the case is the file's
/// folder under `tests/<family>/` (`toml-syntax`), the text `case` returns must equal the reviewed
/// snapshot `tests/snapshots/<family>/<case>.snap`, and a failing assertion in one case is
/// reported with the case's name while the other cases still run. Panics at the end naming
/// every failed case, or when fewer than `at_least` cases ran. `INSTA_UPDATE=always cargo test`
/// rewrites the snapshots after a deliberate change; their diff goes into the commit.
pub fn snapshot_cases(
    family: &str,
    pattern: &str,
    at_least: usize,
    case: impl Fn(&str, &Path) -> String,
) {
    use std::panic::{AssertUnwindSafe, catch_unwind};
    let base = root().join("tests").join(family);
    let mut ran = 0;
    let mut failed = Vec::new();
    let snapshots_failed = catch_unwind(AssertUnwindSafe(|| {
        insta::glob!(&base, pattern, |path| {
            ran += 1;
            let name = case_name(&base, path);
            let mut settings = insta::Settings::clone_current();
            settings.remove_snapshot_suffix();
            settings.set_snapshot_path(root().join("tests/snapshots").join(family));
            settings.set_prepend_module_to_snapshot(false);
            settings.set_omit_expression(true);
            settings.set_description(format!("tests/{family}/{name}"));
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                let text = case(&name, path);
                settings.bind(|| insta::assert_snapshot!(name.as_str(), text));
            }));
            if outcome.is_err() {
                eprintln!("case tests/{family}/{name} FAILED (see its panic above)");
                failed.push(name);
            }
        });
    }))
    .is_err();
    assert!(
        failed.is_empty() && !snapshots_failed,
        "tests/{family}: failed cases {failed:?}{}",
        if snapshots_failed {
            "; snapshot mismatches are listed above by snapshot file (tests/snapshots/…/<case>.snap)"
        } else {
            ""
        }
    );
    assert!(ran >= at_least, "tests/{family}: only {ran} cases");
}

/// A case's name: the folder of `path` under `base` (`/…/tests/bad/toml-syntax/proposal.toml` →
/// `toml-syntax`), or the file's stem for a file directly in it.
fn case_name(base: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(base).unwrap_or(path);
    let stem = relative
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = match relative.parent() {
        // A case folder's main file names the case by the folder alone; another file of it is
        // `folder/stem` (tests/sheets/twin/csv.toml → `twin/csv`).
        Some(dir) if !dir.as_os_str().is_empty() => {
            if ["proposal", "catalogue", "expected"].contains(&stem.as_str()) {
                dir.to_path_buf()
            } else {
                dir.join(&stem)
            }
        }
        _ => relative.with_extension(""),
    };
    name.to_string_lossy().replace('\\', "/")
}

/// A path as the tests print it: relative to the repository root, with `/`.
pub fn relative(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// The diagnostics of `check --format json`, one reviewable line each, in their order:
/// `CODE LINE COL | message`, the file named after the column when it is not `main`, and paths
/// in messages relative to the repository.
pub fn diagnostic_lines(diagnostics: &[serde_json::Value], main: &Path) -> String {
    let main_name = main.file_name().map(|n| n.to_string_lossy().into_owned());
    // Messages name files by their full path; the snapshot keeps them relative to the repository.
    let here = format!("{}/", root().display());
    let mut out = String::new();
    for d in diagnostics {
        let file = d["file"].as_str().unwrap_or("");
        let elsewhere = match &main_name {
            Some(name) if !file.ends_with(name.as_str()) => format!(
                " in {}",
                Path::new(file)
                    .file_name()
                    .map_or(file.into(), |n| n.to_string_lossy())
            ),
            _ => String::new(),
        };
        out.push_str(&format!(
            "{} {} {}{elsewhere} | {}\n",
            d["code"].as_str().unwrap_or("?"),
            d["line"],
            d["column"],
            d["message"].as_str().unwrap_or("").replace(&here, "")
        ));
    }
    if out.is_empty() {
        out.push_str("(no diagnostics)\n");
    }
    out
}

/// What a reader gets from one proposal: `check`'s diagnostics as `CODE LINE COL | message` lines
/// (asserting that it exits 1 exactly when one is an error), and when it has no error the text
/// of its PDF, page by page.
pub fn checked_and_printed(name: &str, file: &Path) -> String {
    let (code, diagnostics, _) = check_json(file);
    let has_error = diagnostics.iter().any(|d| d["severity"] == "error");
    assert_eq!(code, Some(i32::from(has_error)), "{name}: {diagnostics:#?}");
    let mut out = diagnostic_lines(&diagnostics, file);
    if !has_error {
        for (number, page) in pdf_pages(&render(file)).iter().enumerate() {
            out.push_str(&format!("\n--- page {} ---\n{}\n", number + 1, page.trim()));
        }
    }
    out
}
