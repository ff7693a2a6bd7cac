//! One bad file never costs the others: a panic is caught per document, output names never
//! collide, stale PDFs go and foreign files stay (the manifest), catalogue paths stay inside the
//! project, and only regular files of bounded size are read.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::{root, run_cli, run_cli_env, scaffold_project};

/// The minimal proposal with its own id (two files of one run may not share one).
fn minimal(id: &str) -> String {
    std::fs::read_to_string(root().join("tests/good/minimal.toml"))
        .unwrap()
        .replace("id = \"T01\"", &format!("id = \"{id}\""))
}

/// A temp project (templates, fonts) with a minimal proposal at each of `files` (relative paths),
/// ids T01, T02, … in order.
fn project(files: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    scaffold_project(dir.path());
    for (i, file) in files.iter().enumerate() {
        write(dir.path(), file, &minimal(&format!("T{:02}", i + 1)));
    }
    dir
}

/// Writes `text` to `dir/file`, creating folders.
fn write(dir: &Path, file: &str, text: &str) {
    let path = dir.join(file);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Every file under `dir`, relative to it, sorted.
fn tree(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut dirs = vec![dir.to_owned()];
    while let Some(d) = dirs.pop() {
        for path in std::fs::read_dir(&d).unwrap().map(|e| e.unwrap().path()) {
            if path.is_dir() {
                dirs.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap();
                found.push(rel.to_string_lossy().into_owned());
            }
        }
    }
    found.sort();
    found
}

/// Stderr as text.
fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs the CLI in `dir`, killing it (and failing) if it has not ended within a minute: a hang
/// is what some of these tests guard against.
fn run_bounded(dir: &Path, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_budgetnote"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("budgetnote {args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

// A panic while rendering one of three proposals costs only that one: the other two PDFs are
// written, its old PDF is removed, no temp file is left, the summary is printed and the exit code
// is 1, with one clear line naming the file instead of a panic message.
#[test]
fn a_panic_costs_only_its_document() {
    // The test hook exists in debug builds only (the CLI is built with the tests' profile).
    if !cfg!(debug_assertions) {
        return;
    }
    let dir = project(&["proposals/a.toml", "proposals/b.toml", "proposals/c.toml"]);
    write(dir.path(), "out/b.pdf", "%PDF-1.7 old");
    let out = run_cli_env(dir.path(), &["render"], &[("BUDGETNOTE_TEST_PANIC", "b")]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(
        tree(&dir.path().join("out")),
        [".budgetnote-manifest", "a.pdf", "c.pdf"],
        "{err}"
    );
    assert!(
        err.contains("error: internal error while typesetting proposals/b.toml: ")
            && err.contains("please report this"),
        "{err}"
    );
    assert!(err.contains("rendered 2 of 3 file(s), 1 failed"), "{err}");
    assert!(!err.contains("panicked at"), "{err}");
    assert!(!err.contains("RUST_BACKTRACE"), "{err}");

    // Two panics at once (on both worker threads) are both caught: exit 1, not 101.
    let out = run_cli_env(dir.path(), &["render"], &[("BUDGETNOTE_TEST_PANIC", "a,c")]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(
        tree(&dir.path().join("out")),
        [".budgetnote-manifest", "b.pdf"],
        "{err}"
    );
    assert_eq!(
        err.matches("internal error while typesetting").count(),
        2,
        "{err}"
    );
    assert!(err.contains("rendered 1 of 3 file(s), 2 failed"), "{err}");
}

// Same file stem in two folders, and `plan.2025.toml` beside `plan.2026.toml`: each gets its own
// PDF, its path mirrored under out/ (a leading proposals/ dropped).
#[test]
fn output_names_never_collide() {
    let files = [
        "proposals/a/x.toml",
        "proposals/b/x.toml",
        "proposals/plan.2025.toml",
        "proposals/plan.2026.toml",
    ];
    let dir = project(&files);
    let out = run_cli(dir.path(), &["render"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out_dir = dir.path().join("out");
    assert_eq!(
        tree(&out_dir),
        [
            ".budgetnote-manifest",
            "a/x.pdf",
            "b/x.pdf",
            "plan.2025.pdf",
            "plan.2026.pdf"
        ]
    );
    // Each PDF is its own proposal's (the id is in the footer and the metadata).
    let pdfs: Vec<Vec<u8>> = ["a/x.pdf", "b/x.pdf", "plan.2025.pdf", "plan.2026.pdf"]
        .iter()
        .map(|f| std::fs::read(out_dir.join(f)).unwrap())
        .collect();
    for (i, pdf) in pdfs.iter().enumerate() {
        for other in &pdfs[i + 1..] {
            assert_ne!(pdf, other);
        }
    }
    // Rendering one folder or one file gives the same names.
    let out = run_cli(dir.path(), &["render", "proposals/a/x.toml", "-o", "out2"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(dir.path().join("out2/a/x.pdf").exists());
}

// Two inputs that would still share a PDF (x.toml at the project root and proposals/x.toml) are
// both reported (E063, naming both) and neither is written; the other proposals still render.
#[test]
fn two_inputs_for_one_pdf_are_both_reported() {
    let dir = project(&["x.toml", "proposals/x.toml", "proposals/y.toml"]);
    let out = run_cli(dir.path(), &["render", "proposals", "x.toml"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(
        err.matches("error[E063]: ").count(),
        2,
        "both files are reported: {err}"
    );
    assert!(
        err.contains("proposals/x.toml and x.toml would both be written to out/x.pdf"),
        "{err}"
    );
    assert_eq!(
        tree(&dir.path().join("out")),
        [".budgetnote-manifest", "y.pdf"]
    );
    // `check` refuses first what `render` would refuse.
    let out = run_cli(dir.path(), &["check", "proposals", "x.toml"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.matches("error[E063]: ").count(), 2, "{err}");
}

// A temp file of a killed run (its process is gone) is removed by the next run; a file that
// only looks similar is not budgetnote's and stays.
#[test]
fn temp_files_of_a_killed_run_are_cleaned_up() {
    let dir = project(&["proposals/a.toml"]);
    write(
        dir.path(),
        "out/.a.pdf.budgetnote-999999999-0.tmp",
        "half a PDF",
    );
    write(
        dir.path(),
        "out/sub/.b.pdf.budgetnote-999999998-3.tmp",
        "half",
    );
    write(dir.path(), "out/.notes.tmp", "someone else's");
    let out = run_cli(dir.path(), &["render"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        tree(&dir.path().join("out")),
        [".budgetnote-manifest", ".notes.tmp", "a.pdf"]
    );
}

// A PDF budgetnote wrote for a proposal that was deleted is removed when its folder is rendered
// again (not when only another file is rendered); files budgetnote did not write are never
// touched, and the manifest lists what it wrote.
#[test]
fn stale_pdfs_go_and_foreign_files_stay() {
    let dir = project(&[
        "proposals/a.toml",
        "proposals/b.toml",
        "proposals/sub/c.toml",
    ]);
    let out_dir = dir.path().join("out");
    write(dir.path(), "out/notes.txt", "mine");
    write(dir.path(), "out/old.pdf", "%PDF-1.7 someone else's");
    let out = run_cli(dir.path(), &["render"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let manifest = std::fs::read_to_string(out_dir.join(".budgetnote-manifest")).unwrap();
    assert!(manifest.contains("\"sub/c.pdf\""), "{manifest}");
    assert!(!manifest.contains("old.pdf"), "{manifest}");

    std::fs::remove_file(dir.path().join("proposals/b.toml")).unwrap();
    std::fs::rename(
        dir.path().join("proposals/sub/c.toml"),
        dir.path().join("proposals/sub/d.toml"),
    )
    .unwrap();
    // A partial run of one file leaves the others' PDFs alone.
    let out = run_cli(dir.path(), &["render", "proposals/a.toml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out_dir.join("b.pdf").exists() && out_dir.join("sub/c.pdf").exists());
    // Rendering the folder again removes the PDFs of the deleted and the renamed proposal.
    let out = run_cli(dir.path(), &["render"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        tree(&out_dir),
        [
            ".budgetnote-manifest",
            "a.pdf",
            "notes.txt",
            "old.pdf",
            "sub/d.pdf"
        ]
    );
    let manifest = std::fs::read_to_string(out_dir.join(".budgetnote-manifest")).unwrap();
    assert!(
        !manifest.contains("b.pdf") && !manifest.contains("c.pdf"),
        "{manifest}"
    );
    assert_eq!(
        std::fs::read(out_dir.join("old.pdf")).unwrap(),
        b"%PDF-1.7 someone else's"
    );
}

// When proposals/ is a symlink to another folder, PDFs are still named by proposals/ (out/a.pdf),
// and a deleted proposal's PDF is still removed when the folder is rendered again.
#[cfg(unix)]
#[test]
fn a_symlinked_proposals_folder_keeps_names_and_stale_removal() {
    let dir = project(&["real/a.toml", "real/b.toml"]);
    std::os::unix::fs::symlink("real", dir.path().join("proposals")).unwrap();
    let out = run_cli(dir.path(), &["render"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out_dir = dir.path().join("out");
    assert_eq!(tree(&out_dir), [".budgetnote-manifest", "a.pdf", "b.pdf"]);
    std::fs::remove_file(dir.path().join("real/b.toml")).unwrap();
    let out = run_cli(dir.path(), &["render"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(tree(&out_dir), [".budgetnote-manifest", "a.pdf"]);
}

/// A catalogue including `entries` (TOML strings, already quoted).
fn catalogue(entries: &str) -> String {
    format!(
        "[catalogue]\ntitle = \"Katalog\"\nyear = 2025\nframe = {{ amount = 21, unit = \"mio. kr.\" }}\nproposals = [{entries}]\n"
    )
}

// A catalogue entry outside the project root, by `..`, by an absolute path or through a symlink,
// is E062 at the entry, and the outside file is never read: its first line appears nowhere.
#[cfg(unix)]
#[test]
fn catalogue_entries_outside_the_project_are_refused_unread() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.toml");
    std::fs::write(&secret, "SECRET-LINE-4711 = [\n").unwrap();
    let dir = project(&["proposals/a.toml"]);
    let up = pathdiff(dir.path().join("proposals"), &secret);
    std::os::unix::fs::symlink(&secret, dir.path().join("proposals/link.toml")).unwrap();
    let entries = format!(
        "\"a.toml\",\n  \"{up}\",\n  \"{}\",\n  \"link.toml\"",
        secret.display()
    );
    write(dir.path(), "proposals/cat.toml", &catalogue(&entries));
    for command in ["check", "render"] {
        let out = run_cli(dir.path(), &[command, "proposals/cat.toml"]);
        let (text, err) = (String::from_utf8_lossy(&out.stdout), stderr(&out));
        assert_eq!(out.status.code(), Some(1), "{command}: {err}");
        assert!(
            !text.contains("SECRET") && !err.contains("SECRET"),
            "{command}: {err}"
        );
        for line in [6, 7, 8] {
            assert!(
                err.contains(&format!("--> proposals/cat.toml:{line}:3")),
                "{command}: E062 at line {line}: {err}"
            );
        }
        assert_eq!(err.matches("error[E062]").count(), 3, "{command}: {err}");
    }
    assert!(!dir.path().join("out/cat.pdf").exists());
}

/// A relative path from `from` (a folder) to `to`, with `..` steps.
fn pathdiff(from: PathBuf, to: &Path) -> String {
    let from = from.canonicalize().unwrap();
    let to = to.canonicalize().unwrap();
    let common = from
        .ancestors()
        .find(|a| to.starts_with(a))
        .unwrap()
        .to_owned();
    let ups = from.strip_prefix(&common).unwrap().components().count();
    let rest = to.strip_prefix(&common).unwrap();
    format!("{}{}", "../".repeat(ups), rest.display())
}

// A FIFO named *.toml, a symlink to /dev/zero and a sparse 11 MB file are refused with an error
// for that file alone (no hang, no memory run-out); a symlink loop in the folder ends; the good
// proposal is still checked and rendered.
#[cfg(unix)]
#[test]
fn only_regular_files_of_bounded_size_are_read() {
    let dir = project(&["proposals/good.toml"]);
    let proposals = dir.path().join("proposals");
    let fifo = Command::new("mkfifo")
        .arg(proposals.join("pipe.toml"))
        .status()
        .unwrap();
    assert!(fifo.success());
    std::os::unix::fs::symlink("/dev/zero", proposals.join("zero.toml")).unwrap();
    std::os::unix::fs::symlink("..", proposals.join("loop")).unwrap();
    let big = std::fs::File::create(proposals.join("big.toml")).unwrap();
    big.set_len(11 * 1024 * 1024).unwrap();
    drop(big);

    let out = run_bounded(dir.path(), &["check", "proposals"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("error[E060]: proposals/pipe.toml is a FIFO (named pipe), not a regular file"),
        "{err}"
    );
    assert!(
        err.contains("error[E060]: proposals/zero.toml is a device, not a regular file"),
        "{err}"
    );
    assert!(
        err.contains("error[E061]: proposals/big.toml is larger than 10 MB"),
        "{err}"
    );
    assert!(err.contains("checked 4 file(s): 3 error(s)"), "{err}");

    let out = run_bounded(dir.path(), &["render"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(dir.path().join("out/good.pdf").exists(), "{err}");
    assert!(err.contains("rendered 1 of 4 file(s), 3 failed"), "{err}");

    // In a catalogue, the same files are errors at their entries.
    let entries = ["good", "pipe", "zero", "big"].map(|f| format!("\"../proposals/{f}.toml\""));
    write(
        dir.path(),
        "cat/cat.toml",
        &catalogue(&entries.join(",\n  ")),
    );
    let out = run_bounded(dir.path(), &["check", "cat/cat.toml"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    for (line, code) in [(6, "E060"), (7, "E060"), (8, "E061")] {
        assert!(
            err.contains(&format!("error[{code}]"))
                && err.contains(&format!("--> cat/cat.toml:{line}:3")),
            "{code} at line {line}: {err}"
        );
    }
}
