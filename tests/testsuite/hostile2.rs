//! Hostile files, second part (issue 22): spreadsheets that are memory bombs (an ODS whose
//! repeated rows and columns expand to millions of cells, an XLSX whose `sharedStrings.xml`
//! decompresses to gigabytes) are refused with E095 at their `from`; a project template that
//! `#read`s a FIFO or a huge file neither hangs nor fills memory; `diff` stays fast on long
//! sections, reports file names that are not UTF-8 and neutralises mentions in Markdown; and
//! control characters in names printed by init, new, watch and diff are escaped.
//!
//! The generated bombs are built in the tests (nothing large is committed). Every run of the CLI
//! has a deadline and the runs that could fill memory a limit on it, so a regression fails
//! instead of hanging the suite or the machine.
#![cfg(unix)]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use super::common::root;

/// The deadline of one CLI run: far above what a render of the example project takes.
const DEADLINE: Duration = Duration::from_secs(240);

/// The address space a run that could fill memory gets (3 GB): a bomb read whole exceeds it.
const MEMORY_KB: u64 = 3 * 1024 * 1024;

/// What a finished CLI run printed.
struct Run {
    /// How it ended.
    status: ExitStatus,
    /// Its standard error.
    stderr: String,
    /// Its standard output.
    stdout: String,
}

/// Runs started, for unique log names.
static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// A CLI run in progress, its output going to files (a full pipe never blocks it).
struct Running {
    /// The process.
    child: Child,
    /// Where its standard output and standard error go.
    logs: (PathBuf, PathBuf),
    /// What it runs, for messages.
    what: String,
}

impl Running {
    /// Starts `budgetnote args` in `dir` with extra environment variables; with `memory_kb`,
    /// under that limit of address space.
    fn start(dir: &Path, args: &[&str], env: &[(&str, &str)], memory_kb: Option<u64>) -> Self {
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let logs = std::env::temp_dir().join(format!("budgetnote-hostile2-{}", std::process::id()));
        std::fs::create_dir_all(&logs).unwrap();
        let (stdout, stderr) = (logs.join(format!("{n}.out")), logs.join(format!("{n}.err")));
        let exe = env!("CARGO_BIN_EXE_budgetnote");
        let mut command = match memory_kb {
            Some(kb) => {
                let mut c = Command::new("sh");
                c.arg("-c")
                    .arg(format!("ulimit -v {kb} && exec \"$0\" \"$@\""))
                    .arg(exe);
                c
            }
            None => Command::new(exe),
        };
        let child = command
            .args(args)
            .current_dir(dir)
            .env_remove("SOURCE_DATE_EPOCH")
            .env("NO_COLOR", "1")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&stdout).unwrap())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .spawn()
            .unwrap();
        Self {
            child,
            logs: (stdout, stderr),
            what: format!("budgetnote {}", args.join(" ")),
        }
    }

    /// What it printed to standard error so far.
    fn stderr_so_far(&self) -> String {
        let mut text = String::new();
        let _ = std::fs::File::open(&self.logs.1).and_then(|mut f| f.read_to_string(&mut text));
        text
    }

    /// Waits for it until [`DEADLINE`] has passed; a run still going then is killed and the test
    /// fails.
    fn finish(mut self) -> Run {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                let run = Run {
                    status,
                    stdout: String::from_utf8_lossy(&std::fs::read(&self.logs.0).unwrap())
                        .into_owned(),
                    stderr: String::from_utf8_lossy(&std::fs::read(&self.logs.1).unwrap())
                        .into_owned(),
                };
                let _ = std::fs::remove_file(&self.logs.0);
                let _ = std::fs::remove_file(&self.logs.1);
                return run;
            }
            if started.elapsed() > DEADLINE {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!(
                    "`{}` did not finish within {} s (it hangs); stderr so far:\n{}",
                    self.what,
                    DEADLINE.as_secs(),
                    self.stderr_so_far()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// Runs `budgetnote args` in `dir` to its end, within [`DEADLINE`].
fn run(dir: &Path, args: &[&str]) -> Run {
    Running::start(dir, args, &[], None).finish()
}

/// Runs `budgetnote args` in `dir` to its end, within [`DEADLINE`] and [`MEMORY_KB`].
fn run_bounded(dir: &Path, args: &[&str]) -> Run {
    Running::start(dir, args, &[], Some(MEMORY_KB)).finish()
}

/// A temp folder holding `r1`, a project made by `init r1`.
fn project() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let init = run(dir.path(), &["init", "r1"]);
    assert!(init.status.success(), "init failed:\n{}", init.stderr);
    let project = dir.path().join("r1");
    (dir, project)
}

/// Makes a FIFO at `path`; `false` when `mkfifo` is not there (the test is then skipped).
fn mkfifo(path: &Path) -> bool {
    match Command::new("mkfifo").arg(path).status() {
        Ok(status) => {
            assert!(status.success(), "mkfifo {}", path.display());
            true
        }
        Err(_) => false,
    }
}

/// The ledger proposal of `tests/sheets/far-cell` reading its figures from `file` instead.
fn sheet_proposal(file: &str) -> String {
    std::fs::read_to_string(root().join("tests/sheets/far-cell/proposal.toml"))
        .unwrap()
        .replace(
            "from = { file = \"drift.xlsx\", sheet = \"Drift\", range = \"A2:F1048576\" }",
            &format!("from = {{ file = \"{file}\", range = \"A2:F9\" }}"),
        )
}

/// Writes a zip archive of `parts` (name, bytes) to `path`, deflated (the first part stored, as
/// an ODS's `mimetype` must be).
fn write_zip(path: &Path, parts: &[(&str, &[u8])]) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (i, (name, bytes)) in parts.iter().enumerate() {
        let method = if i == 0 {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        let options = zip::write::SimpleFileOptions::default().compression_method(method);
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

/// An ODS of one sheet whose A1 holds 1 and whose cell at row 6001, column 16001 holds 2, the
/// rows and columns between written as repeats: 96 million cells once expanded, in well under a
/// kilobyte.
fn ods_bomb(path: &Path) {
    let content = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
        <office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
        xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
        xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\">\
        <office:body><office:spreadsheet><table:table table:name=\"Ark1\">\
        <table:table-row><table:table-cell office:value-type=\"float\" office:value=\"1\"><text:p>1</text:p></table:table-cell></table:table-row>\
        <table:table-row table:number-rows-repeated=\"5999\"><table:table-cell table:number-columns-repeated=\"16384\"/></table:table-row>\
        <table:table-row><table:table-cell table:number-columns-repeated=\"16000\"/>\
        <table:table-cell office:value-type=\"float\" office:value=\"2\"><text:p>2</text:p></table:table-cell></table:table-row>\
        </table:table></office:spreadsheet></office:body></office:document-content>";
    let manifest = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
        <manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.2\">\
        <manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/>\
        <manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>\
        </manifest:manifest>";
    write_zip(
        path,
        &[
            (
                "mimetype",
                b"application/vnd.oasis.opendocument.spreadsheet".as_slice(),
            ),
            ("META-INF/manifest.xml", manifest.as_bytes()),
            ("content.xml", content.as_bytes()),
        ],
    );
}

/// An XLSX (a real workbook written by rust_xlsxwriter) whose `sharedStrings.xml` is replaced by
/// one string of 1.5 GB: about 1.5 MB on disk.
fn xlsx_bomb(path: &Path) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(1, 0, "Løn").unwrap();
    sheet.write_number(1, 1, 100.0).unwrap();
    let small = book.save_to_buffer().unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(small)).unwrap();
    let mut out = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1));
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).unwrap();
        let name = part.name().unwrap().into_owned();
        if name == "xl/sharedStrings.xml" {
            continue;
        }
        let mut bytes = Vec::new();
        part.read_to_end(&mut bytes).unwrap();
        out.start_file(name, options).unwrap();
        out.write_all(&bytes).unwrap();
    }
    out.start_file("xl/sharedStrings.xml", options.large_file(true))
        .unwrap();
    out.write_all(
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
          <sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"1\" uniqueCount=\"1\"><si><t>",
    )
    .unwrap();
    let chunk = vec![b'a'; 1024 * 1024];
    for _ in 0..1536 {
        out.write_all(&chunk).unwrap();
    }
    out.write_all(b"</t></si></sst>").unwrap();
    out.finish().unwrap();
}

// Issue 22, case 2: a tiny ODS whose repeated rows and columns expand to 96 million cells and an
// XLSX whose shared strings decompress to 1.5 GB are each refused with E095 at the `from` naming
// them, within a memory limit the expansion would exceed; the run goes on, so the project's
// example still renders and only these files fail.
#[test]
fn spreadsheet_bombs_are_refused_before_they_are_read() {
    let (_dir, project) = project();
    let proposals = project.join("proposals");
    ods_bomb(&proposals.join("bomb.ods"));
    assert!(std::fs::metadata(proposals.join("bomb.ods")).unwrap().len() < 2000);
    xlsx_bomb(&proposals.join("bomb.xlsx"));
    std::fs::write(proposals.join("ods-bomb.toml"), sheet_proposal("bomb.ods")).unwrap();
    let xlsx = sheet_proposal("bomb.xlsx").replace("id = \"ARK03\"", "id = \"ARK04\"");
    std::fs::write(proposals.join("xlsx-bomb.toml"), xlsx).unwrap();
    for (file, words) in [
        (
            "proposals/ods-bomb.toml",
            "its repeated rows and columns make more than 1000000 cells",
        ),
        (
            "proposals/xlsx-bomb.toml",
            "its part xl/sharedStrings.xml holds 1536 MB uncompressed",
        ),
    ] {
        let check = run_bounded(&project, &["check", "--format", "json", file]);
        assert_eq!(check.status.code(), Some(1), "{file}: {}", check.stderr);
        let diagnostics: serde_json::Value = serde_json::from_str(&check.stdout).unwrap();
        let refusal = diagnostics
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["code"] == "E095")
            .unwrap_or_else(|| panic!("{file}: no E095 in {diagnostics:#}"));
        let message = refusal["message"].as_str().unwrap();
        assert!(message.contains(words), "{file}: {message}");
        // located at the file name in the `from` line
        let text = std::fs::read_to_string(project.join(file)).unwrap();
        let line = text.lines().position(|l| l.starts_with("from =")).unwrap() + 1;
        assert_eq!(refusal["line"].as_u64(), Some(line as u64), "{refusal:#}");
        assert!(refusal["help"].as_str().is_some_and(|h| !h.is_empty()));
    }
    let render = run_bounded(&project, &["render"]);
    assert_eq!(render.status.code(), Some(1), "{}", render.stderr);
    assert!(render.stderr.contains("E095"), "{}", render.stderr);
    assert!(
        project.join("out/standard-eksempel.pdf").is_file(),
        "the other files were not rendered:\n{}",
        render.stderr
    );
    assert!(!project.join("out/ods-bomb.pdf").exists());
    assert!(!project.join("out/xlsx-bomb.pdf").exists());
}

/// Makes the project's own shared layout `templates/budgetnote.typ` (the bundled one) read
/// `name` from the project root with `#read` when a document imports it.
fn layout_reading(project: &Path, name: &str) {
    let templates = project.join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    let layout = std::fs::read_to_string(root().join("templates/budgetnote.typ")).unwrap();
    std::fs::write(
        templates.join("budgetnote.typ"),
        format!("{layout}\n#let hostile = read(\"/{name}\")\n"),
    )
    .unwrap();
}

// Issue 22, case 4: the project's own layout `#read`ing a FIFO fails that file's render with a
// typst error naming the FIFO instead of waiting for a writer forever; a 3 GB (sparse) file read
// that way is refused by its size instead of being read whole.
#[test]
fn a_template_reading_a_fifo_or_a_huge_file_fails_quickly() {
    let (_dir, project) = project();
    if !mkfifo(&project.join("pipe.txt")) {
        eprintln!("skipped: no mkfifo");
        return;
    }
    layout_reading(&project, "pipe.txt");
    let render = run(&project, &["render"]);
    assert_eq!(render.status.code(), Some(1), "{}", render.stderr);
    assert!(
        render
            .stderr
            .contains("pipe.txt cannot be read: it is a FIFO (named pipe), not a regular file"),
        "{}",
        render.stderr
    );
    let big = std::fs::File::create(project.join("big.txt")).unwrap();
    big.set_len(3 * 1024 * 1024 * 1024).unwrap();
    layout_reading(&project, "big.txt");
    let render = run_bounded(&project, &["render"]);
    assert_eq!(render.status.code(), Some(1), "{}", render.stderr);
    assert!(
        render
            .stderr
            .contains("big.txt cannot be read: it is larger than 10 MB"),
        "{}",
        render.stderr
    );
}

/// `count` words `{stem}{i}`, `per_line` to a paragraph (a blank line between paragraphs).
fn words(stem: &str, count: usize, per_line: usize) -> String {
    let mut text = String::new();
    for i in 0..count {
        if i > 0 {
            text.push_str(if i % per_line == 0 { "\n\n" } else { " " });
        }
        text.push_str(&format!("{stem}{i}"));
    }
    text
}

/// The text of a word diff's runs of `op`, joined.
fn runs_of(runs: &[budgetnote::diff::Words], op: &str) -> String {
    runs.iter()
        .filter(|w| w.op == op)
        .map(|w| w.text.as_str())
        .collect()
}

// Issue 22, case 6: the word diff is bounded, not quadratic. A 120,000-word section rewritten
// whole (one paragraph, then 1,200 paragraphs) finishes and shows the old text deleted and the
// new inserted; one word changed in a 50,000-word section is still shown as exactly that word.
#[test]
fn word_diffs_of_long_sections_are_bounded() {
    for per_line in [usize::MAX, 100] {
        let (old, new) = (
            words("ord", 120_000, per_line),
            words("ny", 120_000, per_line),
        );
        let runs = budgetnote::diff::word_diff(&old, &new);
        assert_eq!(runs_of(&runs, "delete").split_whitespace().count(), 120_000);
        assert_eq!(runs_of(&runs, "insert").split_whitespace().count(), 120_000);
        assert!(runs_of(&runs, "equal").trim().is_empty());
    }
    let old = words("ord", 50_000, usize::MAX);
    let new = old.replacen(" ord25000 ", " ÆNDRET ", 1);
    let runs = budgetnote::diff::word_diff(&old, &new);
    let ops: Vec<&str> = runs.iter().map(|w| w.op).collect();
    assert_eq!(ops, ["equal", "delete", "insert", "equal"]);
    assert_eq!(runs[1].text, "ord25000");
    assert_eq!(runs[2].text, "ÆNDRET");
    assert_eq!(runs[0].text.len() + runs[3].text.len() + 8, old.len());
}

/// Runs `git args` in `dir`; `false` when git is not installed (the test is then skipped).
fn git(dir: &Path, args: &[&str]) -> bool {
    let Ok(out) = Command::new("git")
        .args([
            "-c",
            "user.name=budgetnote",
            "-c",
            "user.email=test@example.invalid",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
    else {
        return false;
    };
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    true
}

/// A project made by `init`, committed to a new git repository; `None` without git.
fn committed_project() -> Option<(tempfile::TempDir, PathBuf)> {
    let (dir, project) = project();
    if !git(&project, &["init", "-q"]) {
        return None;
    }
    assert!(git(&project, &["add", "-A"]));
    assert!(git(&project, &["commit", "-qm", "init"]));
    Some((dir, project))
}

/// The standard example under `name` (in proposals/) with its own id `id` and `title`.
fn example_as(project: &Path, name: &std::ffi::OsStr, id: &str, title: &str) {
    let proposals = project.join("proposals");
    let text = std::fs::read_to_string(proposals.join("standard-eksempel.toml")).unwrap();
    let old_title = text
        .lines()
        .find(|l| l.starts_with("title = "))
        .unwrap()
        .to_owned();
    let text = text
        .replacen("id = \"SU01\"", &format!("id = \"{id}\""), 1)
        .replacen(&old_title, &format!("title = \"{title}\""), 1);
    assert!(text.contains(id) && text.contains(title));
    std::fs::write(proposals.join(name), text).unwrap();
}

// Issue 22, case 9: `diff --format markdown` makes a proposal's text inert: `@name` is no
// mention and `#12` no issue link (a zero-width joiner follows `@` and `#`), `&` starts no
// entity, and a file name is a code span even when it holds a backtick.
#[test]
fn markdown_diffs_neutralise_mentions() {
    let Some((_dir, project)) = committed_project() else {
        eprintln!("skipped: no git");
        return;
    };
    example_as(
        &project,
        std::ffi::OsStr::new("a`b.toml"),
        "SU78",
        "Tak til @octocat for #12 &amp; mere",
    );
    let diff = run(&project, &["diff", "--format", "markdown"]);
    assert_eq!(diff.status.code(), Some(0), "{}", diff.stderr);
    let md = diff.stdout;
    assert!(
        md.contains("Tak til @\u{200D}octocat for \\#\u{200D}12 \\&amp; mere"),
        "{md}"
    );
    assert!(!md.contains("@octocat") && !md.contains("#12"), "{md}");
    assert!(md.contains("`` proposals/a`b.toml ``: tilføjet"), "{md}");
}

/// The name of a file with an escape sequence that would turn a terminal's text red.
const RED: &str = "x\u{1b}[31mred";

/// Asserts `text` holds `wanted` (the escaped name) and no raw escape character.
fn escaped_in(text: &str, wanted: &str) {
    assert!(text.contains(wanted), "no {wanted:?} in:\n{text}");
    assert!(!text.contains('\u{1b}'), "a raw escape in:\n{text:?}");
}

// Issue 22, case 9: `init` prints the folder it made, escape characters escaped.
#[test]
fn init_escapes_control_characters() {
    let dir = tempfile::tempdir().unwrap();
    let init = run(dir.path(), &["init", RED]);
    assert!(init.status.success(), "{}", init.stderr);
    escaped_in(&init.stderr, "wrote x\\u{1b}[31mred/budgetnote.toml");
    escaped_in(&init.stderr, "(in x\\u{1b}[31mred)");
}

// Issue 22, case 9: `new` prints the file it wrote, escape characters escaped, and so is its
// refusal to overwrite it.
#[test]
fn new_escapes_control_characters() {
    let (_dir, project) = project();
    let file = format!("proposals/{RED}.toml");
    let new = run(&project, &["new", "standard", &file]);
    assert!(new.status.success(), "{}", new.stderr);
    escaped_in(&new.stdout, "wrote proposals/x\\u{1b}[31mred.toml");
    let again = run(&project, &["new", "standard", &file]);
    assert!(!again.status.success());
    escaped_in(
        &again.stderr,
        "proposals/x\\u{1b}[31mred.toml already exists",
    );
}

// Issue 22, case 9: `watch` prints what it watches, escape characters escaped (the run is
// stopped once it has rendered).
#[test]
fn watch_escapes_control_characters() {
    let (_dir, project) = project();
    let name = format!("{RED}.toml");
    std::fs::rename(
        project.join("proposals/standard-eksempel.toml"),
        project.join("proposals").join(&name),
    )
    .unwrap();
    let file = format!("proposals/{name}");
    let mut watching = Running::start(&project, &["watch", &file], &[], None);
    let started = Instant::now();
    let stderr = loop {
        let so_far = watching.stderr_so_far();
        if so_far.contains("wrote ") || watching.child.try_wait().unwrap().is_some() {
            break so_far;
        }
        assert!(
            started.elapsed() < DEADLINE,
            "watch wrote nothing:\n{so_far}"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    let _ = watching.child.kill();
    let _ = watching.child.wait();
    escaped_in(&stderr, "watching proposals/x\\u{1b}[31mred.toml");
}

// Issue 22, case 9: `diff` prints a proposal's file name escaped, as text and as Markdown.
#[test]
fn diff_escapes_control_characters() {
    let Some((_dir, project)) = committed_project() else {
        eprintln!("skipped: no git");
        return;
    };
    example_as(
        &project,
        std::ffi::OsStr::new(&format!("{RED}.toml")),
        "SU79",
        "Rødt navn",
    );
    for format in ["human", "markdown"] {
        let diff = run(&project, &["diff", "--format", format]);
        assert_eq!(diff.status.code(), Some(0), "{}", diff.stderr);
        escaped_in(&diff.stdout, "proposals/x\\u{1b}[31mred.toml");
    }
}
