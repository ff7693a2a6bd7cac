//! Hostile files, the rest of issue 22: a stale output the user replaced or edited is left and
//! reported once, not removed; a proposal whose file name is not UTF-8 is the same located error
//! (E107) in `check`, `render` and `diff`; a section beyond the size limit is refused at its line
//! (E106) quickly, before the prose checks, Markdown or the typesetter see it.
//!
//! Every run of the CLI has a deadline, so a regression fails instead of hanging the suite.
#![cfg(unix)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// The deadline of one CLI run: far above what a render of the example project takes.
const DEADLINE: Duration = Duration::from_secs(240);

/// What a finished CLI run printed.
struct Run {
    /// How it ended.
    status: ExitStatus,
    /// Its standard error.
    stderr: String,
    /// Its standard output.
    stdout: String,
    /// The most memory it held at once (peak resident set, kB), as last seen while it ran.
    peak_kb: u64,
    /// How long it took.
    took: Duration,
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
    /// When it started.
    started: Instant,
}

impl Running {
    /// Starts `budgetnote args` in `dir`.
    fn start(dir: &Path, args: &[&str]) -> Self {
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let logs = std::env::temp_dir().join(format!("budgetnote-hostile3-{}", std::process::id()));
        std::fs::create_dir_all(&logs).unwrap();
        let (stdout, stderr) = (logs.join(format!("{n}.out")), logs.join(format!("{n}.err")));
        let child = Command::new(env!("CARGO_BIN_EXE_budgetnote"))
            .args(args)
            .current_dir(dir)
            .env_remove("SOURCE_DATE_EPOCH")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&stdout).unwrap())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .spawn()
            .unwrap();
        Self {
            child,
            logs: (stdout, stderr),
            what: format!("budgetnote {}", args.join(" ")),
            started: Instant::now(),
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
        let mut peak_kb = 0;
        loop {
            peak_kb = peak_kb.max(peak_resident_kb(self.child.id()));
            if let Some(status) = self.child.try_wait().unwrap() {
                let read = |p: &Path| String::from_utf8_lossy(&std::fs::read(p).unwrap()).into();
                let run = Run {
                    status,
                    stdout: read(&self.logs.0),
                    stderr: read(&self.logs.1),
                    peak_kb,
                    took: self.started.elapsed(),
                };
                let _ = std::fs::remove_file(&self.logs.0);
                let _ = std::fs::remove_file(&self.logs.1);
                return run;
            }
            if self.started.elapsed() > DEADLINE {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!(
                    "`{}` did not finish within {} s (it hangs); stderr so far:\n{}",
                    self.what,
                    DEADLINE.as_secs(),
                    self.stderr_so_far()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// The peak resident memory of process `pid` in kB (`VmHWM`), 0 when it cannot be read.
fn peak_resident_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
            line.split_whitespace().nth(1)?.parse().ok()
        })
        .unwrap_or(0)
}

/// Runs `budgetnote args` in `dir` to its end, within [`DEADLINE`].
fn run(dir: &Path, args: &[&str]) -> Run {
    Running::start(dir, args).finish()
}

/// A temp folder holding `r1`, a project made by `init r1`.
fn project() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let init = run(dir.path(), &["init", "r1"]);
    assert!(init.status.success(), "init failed:\n{}", init.stderr);
    let project = dir.path().join("r1");
    (dir, project)
}

/// The standard example under `name` (in proposals/) with its own id `id`.
fn example_as(project: &Path, name: &std::ffi::OsStr, id: &str) {
    let proposals = project.join("proposals");
    let text = std::fs::read_to_string(proposals.join("standard-eksempel.toml")).unwrap();
    let text = text.replacen("id = \"SU01\"", &format!("id = \"{id}\""), 1);
    assert!(text.contains(id));
    std::fs::write(proposals.join(name), text).unwrap();
}

// Issue 22, manifest: a stale PDF whose bytes the user replaced since budgetnote wrote it is not
// removed when its input is deleted: it is left, reported once (the next run is silent), and
// the run's exit status is the same as with a removal (0); an untouched stale PDF is removed.
#[test]
fn a_stale_output_the_user_changed_is_left_and_reported_once() {
    let (_dir, project) = project();
    example_as(&project, "kopi.toml".as_ref(), "SU78");
    let first = run(&project, &["render"]);
    assert!(first.status.success(), "{}", first.stderr);
    let (mine, theirs) = (
        project.join("out/kopi.pdf"),
        project.join("out/standard-eksempel.pdf"),
    );
    assert!(mine.is_file() && theirs.is_file());
    std::fs::write(&mine, "%PDF-1.7 my own notes").unwrap();
    std::fs::remove_file(project.join("proposals/kopi.toml")).unwrap();
    std::fs::remove_file(project.join("proposals/standard-eksempel.toml")).unwrap();
    let render = run(&project, &["render"]);
    assert_eq!(render.status.code(), Some(0), "{}", render.stderr);
    assert_eq!(
        std::fs::read_to_string(&mine).ok().as_deref(),
        Some("%PDF-1.7 my own notes"),
        "render removed a file the user changed:\n{}",
        render.stderr
    );
    assert!(
        !theirs.exists(),
        "an untouched stale PDF stays:\n{}",
        render.stderr
    );
    let warning = "warning: left out/kopi.pdf alone although the output manifest lists it: it \
                   changed since budgetnote wrote it";
    assert_eq!(
        render.stderr.matches(warning).count(),
        1,
        "{}",
        render.stderr
    );
    assert_eq!(
        render.stderr.matches("left ").count(),
        1,
        "{}",
        render.stderr
    );
    let again = run(&project, &["render"]);
    assert_eq!(again.status.code(), Some(0), "{}", again.stderr);
    assert!(!again.stderr.contains("left "), "{}", again.stderr);
    assert!(mine.exists());
}

/// Runs `git args` in `dir`; `false` when git is not installed (the test is then skipped).
fn git(dir: &Path, args: &[&str]) -> bool {
    let Ok(out) = Command::new("git")
        .args([
            "-c",
            "user.name=budgetnote",
            "-c",
            "user.email=t@example.invalid",
        ])
        .args(["-c", "commit.gpgsign=false"])
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

/// The message every command gives for `proposals/x\xff.toml`.
const NOT_UTF8: &str = "the file name \"proposals/x\\xff.toml\" is not UTF-8 text";

// Issue 22, diff: a proposal whose file name is not UTF-8 is one located error, E107 with the
// same message naming its bytes, in `check`, `render` (which writes no PDF for it) and `diff`,
// between a revision and the working tree and between two revisions (exit 1 each time), and
// diff shows its name escaped, never garbled.
#[test]
fn a_name_that_is_not_utf8_is_the_same_error_in_check_render_and_diff() {
    use std::os::unix::ffi::OsStrExt;
    let (_dir, project) = project();
    if !git(&project, &["init", "-q"]) {
        eprintln!("skipped: no git");
        return;
    }
    assert!(git(&project, &["add", "-A"]));
    assert!(git(&project, &["commit", "-qm", "init"]));
    example_as(&project, std::ffi::OsStr::from_bytes(b"x\xff.toml"), "SU77");
    for command in ["check", "render"] {
        let out = run(&project, &[command]);
        assert_eq!(out.status.code(), Some(1), "{command}: {}", out.stderr);
        let error = format!("error[E107]: {NOT_UTF8}");
        assert_eq!(
            out.stderr.matches(&error).count(),
            1,
            "{command}: {}",
            out.stderr
        );
        assert_eq!(
            out.stderr.matches("error[").count(),
            1,
            "{command}: {}",
            out.stderr
        );
    }
    let pdfs: Vec<String> = std::fs::read_dir(project.join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('x'))
        .collect();
    assert!(pdfs.is_empty(), "{pdfs:?}");
    let listed = "SU77 (proposals/x\\xff.toml): added";
    let diff = run(&project, &["diff"]);
    assert_eq!(diff.status.code(), Some(1), "{}", diff.stderr);
    assert!(
        diff.stdout.contains(listed) && diff.stdout.contains(&format!("E107 {NOT_UTF8}")),
        "{}",
        diff.stdout
    );
    assert!(!diff.stdout.contains('\u{fffd}'), "{}", diff.stdout);
    assert!(git(&project, &["add", "-A"]));
    assert!(git(&project, &["commit", "-qm", "two"]));
    let diff = run(&project, &["diff", "HEAD~1", "HEAD"]);
    assert_eq!(diff.status.code(), Some(1), "{}", diff.stderr);
    assert!(
        diff.stdout.contains(listed) && diff.stdout.contains(&format!("E107 {NOT_UTF8}")),
        "{}",
        diff.stdout
    );
    assert!(!diff.stdout.contains('\u{fffd}'), "{}", diff.stdout);
}

/// Paragraphs of ordinary Danish prose, `bytes` long or a little more.
fn prose(bytes: usize) -> String {
    let paragraph = "Kommunen styrker indsatsen for unge ledige, så de hurtigere kommer i job eller \
                     uddannelse. Sagsbehandlerne holder den første samtale inden for en uge, og \
                     borgerne får en fast kontaktperson. Erfaringer fra andre kommuner viser, at \
                     tidlig kontakt nedbringer ledigheden mærkbart over tid.";
    let mut text = String::new();
    while text.len() < bytes {
        text.push_str(paragraph);
        text.push_str("\n\n");
    }
    text
}

// Issue 22, memory: a section of 5 MB of prose is refused by `check` and `render` with E106 at
// the line its text starts on, before the typesetter (which would hold some 1.5 GB for it) sees
// it; both finish in a fraction of the deadline with no PDF, and a section of 0.9 MB still passes
// `check`.
#[test]
fn an_oversized_section_is_refused_at_its_line() {
    let (_dir, project) = project();
    let file = project.join("proposals/standard-eksempel.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    let status = text
        .lines()
        .find(|l| l.starts_with("status = "))
        .unwrap()
        .to_owned();
    let line = text.lines().position(|l| l == status).unwrap() + 1;
    let with = |bytes: usize| {
        text.replacen(
            &status,
            &format!("status = \"\"\"\n{}\"\"\"", prose(bytes)),
            1,
        )
    };
    std::fs::write(&file, with(5 * 1024 * 1024)).unwrap();
    for command in ["check", "render"] {
        let out = run(&project, &[command, "proposals/standard-eksempel.toml"]);
        assert_eq!(out.status.code(), Some(1), "{command}: {}", out.stderr);
        assert!(
            out.stderr
                .contains("error[E106]: this text is 5.0 MB long; a text may be at most 1 MB")
                && out
                    .stderr
                    .contains(&format!("--> proposals/standard-eksempel.toml:{line}:10")),
            "{command}: {}",
            out.stderr
        );
        assert!(out.took < DEADLINE / 4, "{command} took {:?}", out.took);
        eprintln!(
            "{command} of a 5 MB section: {:?}, peak {} MB",
            out.took,
            out.peak_kb / 1024
        );
    }
    assert!(!project.join("out/standard-eksempel.pdf").exists());
    std::fs::write(&file, with(900 * 1024)).unwrap();
    let out = run(&project, &["check", "proposals/standard-eksempel.toml"]);
    assert!(!out.stderr.contains("E106"), "{}", out.stderr);
}
