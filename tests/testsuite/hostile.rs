//! Hostile files (issue 22): an edited manifest or a symlink in `out/` never makes `render` remove
//! a file outside it; a FIFO or `/dev/zero` in place of a cached PDF neither hangs a run nor fills
//! memory; `-o out` and `-o outlink` share one lock; script links are refused by `check` (E105);
//! rasters hidden in an SVG logo meet the pixel limit (E054) and a FIFO there never hangs `check`;
//! control characters in printed file names are escaped.
//!
//! Every run of the CLI has a deadline, so a regression fails instead of hanging the suite, and
//! the runs that could fill memory get a limit on it.
#![cfg(unix)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// The deadline of one CLI run: far above what a render of the example project takes.
const DEADLINE: Duration = Duration::from_secs(180);

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
}

/// A CLI run in progress, its output going to files (a full pipe never blocks it).
struct Running {
    /// The process.
    child: Child,
    /// Where its standard output goes.
    stdout: PathBuf,
    /// Where its standard error goes.
    stderr: PathBuf,
    /// What it runs, for messages.
    what: String,
}

impl Running {
    /// Starts `budgetnote args` in `dir`; with `memory_kb`, under that limit of address space.
    fn start(dir: &Path, args: &[&str], memory_kb: Option<u64>) -> Self {
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let logs = std::env::temp_dir().join(format!("budgetnote-hostile-{}", std::process::id()));
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
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&stdout).unwrap())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .spawn()
            .unwrap();
        Self {
            child,
            stdout,
            stderr,
            what: format!("budgetnote {}", args.join(" ")),
        }
    }

    /// What it printed to standard error so far.
    fn stderr_so_far(&self) -> String {
        let mut text = String::new();
        let _ = std::fs::File::open(&self.stderr).and_then(|mut f| f.read_to_string(&mut text));
        text
    }

    /// Waits for it until `deadline` has passed since now; a run still going then is killed and
    /// the test fails.
    fn finish_within(mut self, deadline: Duration) -> Run {
        let started = Instant::now();
        let mut peak_kb = 0;
        loop {
            peak_kb = peak_kb.max(peak_resident_kb(self.child.id()));
            if let Some(status) = self.child.try_wait().unwrap() {
                let run = Run {
                    status,
                    stderr: std::fs::read_to_string(&self.stderr).unwrap(),
                    stdout: std::fs::read_to_string(&self.stdout).unwrap(),
                    peak_kb,
                };
                let _ = std::fs::remove_file(&self.stdout);
                let _ = std::fs::remove_file(&self.stderr);
                return run;
            }
            if started.elapsed() > deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!(
                    "`{}` did not finish within {} s (it hangs); stderr so far:\n{}",
                    self.what,
                    deadline.as_secs(),
                    self.stderr_so_far()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
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

/// Runs started, for unique log names.
static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Runs `budgetnote args` in `dir` to its end, within [`DEADLINE`].
fn run(dir: &Path, args: &[&str]) -> Run {
    Running::start(dir, args, None).finish_within(DEADLINE)
}

/// A temp folder holding `r1`, a project made by `init r1` and rendered once into `r1/out`.
fn rendered_project() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let init = run(dir.path(), &["init", "r1"]);
    assert!(init.status.success(), "init failed:\n{}", init.stderr);
    let project = dir.path().join("r1");
    let first = run(&project, &["render"]);
    assert!(first.status.success(), "render failed:\n{}", first.stderr);
    (dir, project)
}

/// The PDF of the standard example, which every test below tampers with.
const PDF: &str = "standard-eksempel.pdf";

/// Makes a FIFO at `path`.
fn mkfifo(path: &Path) {
    let made = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(made.success(), "mkfifo {}", path.display());
}

// Issue 22, case 1: a manifest entry reaching through a symlinked folder in out/ to a file beside
// the project does not make `render` delete that file; it is left, reported once, and forgotten.
#[test]
fn a_manifest_entry_through_a_symlink_never_removes_a_file_outside_out() {
    let (dir, project) = rendered_project();
    let keep = dir.path().join("keep");
    std::fs::create_dir_all(&keep).unwrap();
    std::fs::write(keep.join("notes.txt"), "mine").unwrap();
    std::os::unix::fs::symlink("../../keep", project.join("out/web")).unwrap();
    let manifest = project.join("out/.budgetnote-manifest");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let edited = text.replacen(
        "\"files\": {",
        "\"files\": {\n    \"web/notes.txt\": \"proposals/gone.toml\",",
        1,
    );
    assert_ne!(edited, text);
    std::fs::write(&manifest, edited).unwrap();
    let render = run(&project, &["-v", "render"]);
    assert!(render.status.success(), "{}", render.stderr);
    assert_eq!(
        std::fs::read_to_string(keep.join("notes.txt"))
            .ok()
            .as_deref(),
        Some("mine"),
        "render deleted a file outside out/:\n{}",
        render.stderr
    );
    assert!(
        render
            .stderr
            .contains("warning: left out/web/notes.txt alone")
            && render.stderr.contains("out/web is a symlink"),
        "{}",
        render.stderr
    );
    let again = run(&project, &["render"]);
    assert!(again.status.success(), "{}", again.stderr);
    assert!(!again.stderr.contains("left out/web"), "{}", again.stderr);
    assert!(keep.join("notes.txt").exists());
}

// Issue 22, case 4: a FIFO in place of a cached PDF does not hang `render`; the PDF is typeset
// again and written in the FIFO's place.
#[test]
fn a_fifo_in_place_of_a_cached_pdf_does_not_hang_render() {
    let (_dir, project) = rendered_project();
    let pdf = project.join("out").join(PDF);
    std::fs::remove_file(&pdf).unwrap();
    mkfifo(&pdf);
    let render = run(&project, &["-v", "render"]);
    assert!(render.status.success(), "{}", render.stderr);
    assert!(
        render.stderr.contains(&format!("wrote out/{PDF}")),
        "{}",
        render.stderr
    );
    assert!(
        std::fs::symlink_metadata(&pdf)
            .unwrap()
            .file_type()
            .is_file()
    );
}

// Issue 22, case 5: `/dev/zero` symlinked in place of a cached PDF is never read: the run stays
// far below the 3 GB of address space it is given (reading `/dev/zero` fills it, and only then
// fails), and the symlink is replaced by the PDF.
#[test]
fn dev_zero_in_place_of_a_cached_pdf_is_not_read() {
    let (_dir, project) = rendered_project();
    let pdf = project.join("out").join(PDF);
    std::fs::remove_file(&pdf).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &pdf).unwrap();
    let render =
        Running::start(&project, &["-v", "render"], Some(3 * 1024 * 1024)).finish_within(DEADLINE);
    assert!(
        render.status.success(),
        "{:?}\n{}",
        render.status,
        render.stderr
    );
    if Path::new("/proc/self/status").exists() {
        assert!(
            render.peak_kb < 1024 * 1024,
            "render held {} MB at once: it read /dev/zero",
            render.peak_kb / 1024
        );
    }
    assert!(
        render.stderr.contains(&format!("wrote out/{PDF}")),
        "{}",
        render.stderr
    );
    assert!(
        std::fs::symlink_metadata(&pdf)
            .unwrap()
            .file_type()
            .is_file()
    );
}

// Issue 22, case 8: the output lock is keyed on the folder's real path: while this test holds the
// lock of `out`, a `render -o outlink` (a symlink to `out`) waits for it instead of writing.
#[test]
fn a_symlinked_output_folder_takes_the_same_lock() {
    let (_dir, project) = rendered_project();
    std::os::unix::fs::symlink("out", project.join("outlink")).unwrap();
    let lock = budgetnote::output::lock(&project.join("out"));
    let waiting = Running::start(&project, &["render", "-o", "outlink"], None);
    let started = Instant::now();
    while !waiting
        .stderr_so_far()
        .contains("waiting for another budgetnote run")
    {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "render -o outlink did not wait for the lock of out:\n{}",
            waiting.stderr_so_far()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(300));
    assert!(!waiting.stderr_so_far().contains("rendered "));
    drop(lock);
    let done = waiting.finish_within(DEADLINE);
    assert!(done.status.success(), "{}", done.stderr);
    let manifest = std::fs::read_to_string(project.join("out/.budgetnote-manifest")).unwrap();
    assert!(manifest.contains(PDF), "{manifest}");
}

// Issue 22, case 7: links to script and data addresses, in any spelling, are errors of `check`
// at the address (E105), and `render` refuses the same file; web, mail and relative links pass.
#[test]
fn script_links_are_refused_by_check_and_render() {
    let (_dir, project) = rendered_project();
    let file = project.join("proposals/standard-eksempel.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    let links = "[a](JaVaScRiPt:alert(1)) [b]( javascript:alert(1)) [c](java&#x73;cript:x) \
                 [d](data:text/html,x) [e](vbscript:x) [ok](https://kk.dk) [m](mailto:a@kk.dk) \
                 [r](bilag.pdf)";
    let edited = text.replacen("resume = \"", &format!("resume = \"{links} "), 1);
    assert_ne!(edited, text);
    std::fs::write(&file, edited).unwrap();
    let check = run(&project, &["check", "proposals/standard-eksempel.toml"]);
    assert!(!check.status.success(), "{}", check.stderr);
    assert_eq!(
        check.stderr.matches("error[E105]").count(),
        5,
        "{}",
        check.stderr
    );
    assert!(
        check.stderr.contains("standard-eksempel.toml:31:"),
        "{}",
        check.stderr
    );
    let render = run(&project, &["render", "proposals/standard-eksempel.toml"]);
    assert!(!render.status.success(), "{}", render.stderr);
    assert!(render.stderr.contains("error[E105]"), "{}", render.stderr);
    assert!(!project.join("out").join(PDF).exists());
}

/// Gives the standard example the logo `tests/hostile/<logo>` (copied beside it with `extra`
/// files) and returns the project.
fn project_with_logo(logo: &str, extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let init = run(dir.path(), &["init", "r1"]);
    assert!(init.status.success(), "init failed:\n{}", init.stderr);
    let project = dir.path().join("r1");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile");
    for name in std::iter::once(&logo).chain(extra) {
        std::fs::copy(fixtures.join(name), project.join("proposals").join(name)).unwrap();
    }
    let file = project.join("proposals/standard-eksempel.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    let edited = text.replacen(
        "date = ",
        &format!("logo = {{ file = \"{logo}\", alt = \"Kommunens logo\" }}\ndate = "),
        1,
    );
    std::fs::write(&file, edited).unwrap();
    (dir, project)
}

/// Runs `check` on the standard example and returns its run.
fn check_standard(project: &Path) -> Run {
    run(project, &["check", "proposals/standard-eksempel.toml"])
}

// Issue 22, case 3: a 30000 × 30000 PNG linked under a second prefix of the SVG namespace, and a
// 20000 × 20000 PNG in a data: URI of an feImage, are over the logo's pixel limit (E054).
#[test]
fn rasters_hidden_in_an_svg_logo_meet_the_pixel_limit() {
    let (_dir, project) = project_with_logo("prefix.svg", &["bomb.png"]);
    let check = check_standard(&project);
    assert!(!check.status.success(), "{}", check.stderr);
    assert!(check.stderr.contains("error[E054]"), "{}", check.stderr);
    assert!(check.stderr.contains("30000 × 30000"), "{}", check.stderr);
    let (_dir, project) = project_with_logo("feimage.svg", &[]);
    let check = check_standard(&project);
    assert!(check.stderr.contains("error[E054]"), "{}", check.stderr);
    assert!(check.stderr.contains("20000 × 20000"), "{}", check.stderr);
}

// Issue 22, case 4: an SVG logo whose image names a FIFO in the project is refused (E036)
// without hanging `check` or `render`.
#[test]
fn an_svg_logo_naming_a_fifo_does_not_hang() {
    let (_dir, project) = project_with_logo("fifo.svg", &[]);
    mkfifo(&project.join("proposals/pipe.png"));
    let check = check_standard(&project);
    assert!(!check.status.success(), "{}", check.stderr);
    assert!(
        check.stderr.contains("error[E036]") && check.stderr.contains("FIFO"),
        "{}",
        check.stderr
    );
    let render = run(&project, &["render", "proposals/standard-eksempel.toml"]);
    assert!(render.stderr.contains("error[E036]"), "{}", render.stderr);
}

// A small PNG linked from an SVG logo is within the limit: `check` passes and `render` writes
// the PDF.
#[test]
fn a_small_raster_in_an_svg_logo_renders() {
    let (_dir, project) = project_with_logo("small.svg", &["small.png"]);
    let check = check_standard(&project);
    assert!(check.status.success(), "{}", check.stderr);
    let render = run(&project, &["render", "proposals/standard-eksempel.toml"]);
    assert!(render.status.success(), "{}", render.stderr);
    assert!(project.join("out").join(PDF).exists());
}

// Issue 22, case 9: a file name holding an escape sequence is printed with the escape visible,
// never as a raw control character that recolours the terminal.
#[test]
fn control_characters_in_file_names_are_escaped() {
    let (_dir, project) = rendered_project();
    let proposals = project.join("proposals");
    std::fs::copy(
        proposals.join("standard-eksempel.toml"),
        proposals.join("y\u{1b}[31mred.toml"),
    )
    .unwrap();
    std::fs::remove_file(proposals.join("standard-eksempel.toml")).unwrap();
    let render = run(&project, &["-v", "render"]);
    assert!(render.status.success(), "{}", render.stderr);
    assert!(
        render.stderr.contains("wrote out/y\\u{1b}[31mred.pdf"),
        "{}",
        render.stderr
    );
    assert!(!render.stderr.contains('\u{1b}'), "{:?}", render.stderr);
    assert!(!render.stdout.contains('\u{1b}'));
}

// Fonts are read like every other input (through the project's sources, regular files only,
// bounded): a FIFO named like a font in `fonts/` is refused with its name, without hanging.
#[test]
fn a_fifo_in_the_fonts_folder_does_not_hang() {
    let dir = tempfile::tempdir().unwrap();
    let init = run(dir.path(), &["init", "r1"]);
    assert!(init.status.success(), "init failed:\n{}", init.stderr);
    let project = dir.path().join("r1");
    std::fs::create_dir_all(project.join("fonts")).unwrap();
    mkfifo(&project.join("fonts/pipe.ttf"));
    let check = run(&project, &["check"]);
    assert!(!check.status.success(), "{}", check.stderr);
    assert!(
        check.stderr.contains("cannot read font") && check.stderr.contains("pipe.ttf"),
        "{}",
        check.stderr
    );
}
