//! One bad file never costs the others: a panic is caught per document, output names never
//! collide, stale PDFs go and foreign files stay (the manifest), catalogue paths stay inside the
//! project, and only regular files of bounded size are read. Folder walks leave out what is not a
//! proposal and never follow a symlink out of the project; a PDF is never taken from another
//! input that still exists; the manifest survives moving the project; a name too long for its PDF
//! is the user's error.

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
    // /dev/zero lies outside the project: the link is refused before anything is looked at.
    assert!(
        err.contains("error[E062]: proposals/zero.toml is a symlink that points outside"),
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

// A symlink found in a walked folder that points outside the project (to a file or a folder) is
// E062 for the link, without the target ever being opened: its first line appears nowhere. The
// other files still run; a file outside named on the command line is still read, and a symlink
// inside a folder named on the command line that stays in that folder is followed.
#[cfg(unix)]
#[test]
fn symlinks_in_a_folder_leading_outside_are_refused_unread() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.toml"), "SECRET-LINE-4711 = [\n").unwrap();
    write(outside.path(), "d/x.toml", "SECRET-LINE-4712 = [\n");
    let dir = project(&["proposals/a.toml"]);
    let proposals = dir.path().join("proposals");
    std::os::unix::fs::symlink(outside.path().join("secret.toml"), proposals.join("s.toml"))
        .unwrap();
    std::os::unix::fs::symlink(outside.path().join("d"), proposals.join("d")).unwrap();
    for command in ["check", "render"] {
        let out = run_bounded(dir.path(), &[command]);
        let (text, err) = (String::from_utf8_lossy(&out.stdout), stderr(&out));
        assert_eq!(out.status.code(), Some(1), "{command}: {err}");
        assert!(
            !text.contains("SECRET") && !err.contains("SECRET"),
            "{command}: {err}"
        );
        for link in ["proposals/s.toml", "proposals/d"] {
            assert!(
                err.contains(&format!(
                    "error[E062]: {link} is a symlink that points outside the project folder"
                )),
                "{command}: {err}"
            );
        }
        assert_eq!(err.matches("error[").count(), 2, "{command}: {err}");
    }
    assert_eq!(
        tree(&dir.path().join("out")),
        [".budgetnote-manifest", "a.pdf"]
    );

    // Outside the project, what the command line names is read: a file itself, and a folder
    // with a symlink that stays inside it.
    let elsewhere = tempfile::tempdir().unwrap();
    write(elsewhere.path(), "in/b.toml", &minimal("T02"));
    std::os::unix::fs::symlink("b.toml", elsewhere.path().join("in/c.toml")).unwrap();
    let out = run_cli(
        dir.path(),
        &["check", elsewhere.path().join("in").to_str().unwrap()],
    );
    let err = stderr(&out);
    assert!(err.contains("checked 2 file(s)"), "{err}");
    assert!(!err.contains("E062"), "{err}");
    let file = outside.path().join("secret.toml");
    let out = run_cli(dir.path(), &["check", file.to_str().unwrap()]);
    assert!(!stderr(&out).contains("E062"), "{}", stderr(&out));
}

// After `render` wrote out/x.pdf for proposals/x.toml, rendering another input that maps to the
// same PDF (a file outside the project named x.toml) is E063 naming both, and nothing is written
// for it: the PDF and the manifest still belong to proposals/x.toml. `check` says so first. Once
// the owner is gone, the PDF is free.
#[test]
fn an_outside_file_never_replaces_another_proposals_pdf() {
    let dir = project(&["proposals/x.toml"]);
    let out = run_cli(dir.path(), &["render"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let pdf = dir.path().join("out/x.pdf");
    let before = std::fs::read(&pdf).unwrap();
    let manifest = dir.path().join("out/.budgetnote-manifest");
    let listed = std::fs::read_to_string(&manifest).unwrap();

    let elsewhere = tempfile::tempdir().unwrap();
    write(elsewhere.path(), "a/x.toml", &minimal("T02"));
    let newcomer = elsewhere.path().join("a/x.toml");
    let newcomer = newcomer.to_str().unwrap();
    for command in ["check", "render"] {
        let out = run_cli(dir.path(), &[command, newcomer]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{command}: {err}");
        assert!(
            err.contains(&format!(
                "error[E063]: out/x.pdf is the PDF of proposals/x.toml, which still exists; \
                 {newcomer} would replace it"
            )),
            "{command}: {err}"
        );
    }
    assert_eq!(std::fs::read(&pdf).unwrap(), before);
    assert_eq!(std::fs::read_to_string(&manifest).unwrap(), listed);
    assert_eq!(
        tree(&dir.path().join("out")),
        [".budgetnote-manifest", "x.pdf"]
    );

    std::fs::remove_file(dir.path().join("proposals/x.toml")).unwrap();
    let out = run_cli(dir.path(), &["render", newcomer]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_ne!(std::fs::read(&pdf).unwrap(), before);
}

/// Copies the folder `from` into `to` (files and folders only).
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().map(|e| e.unwrap()) {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

// The manifest names inputs relative to the project root, so after the project is copied
// elsewhere the PDF of a deleted proposal is still removed; a manifest of the old format (inputs
// absolute) is still read and its stale PDFs removed.
#[test]
fn stale_pdfs_go_after_the_project_moved() {
    let dir = project(&["proposals/a.toml", "proposals/b.toml"]);
    let out = run_cli(dir.path(), &["render"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let manifest = std::fs::read_to_string(dir.path().join("out/.budgetnote-manifest")).unwrap();
    assert!(
        manifest.contains("\"a.pdf\": \"proposals/a.toml\""),
        "{manifest}"
    );
    assert!(
        !manifest.contains(dir.path().file_name().unwrap().to_str().unwrap()),
        "{manifest}"
    );

    let moved = tempfile::tempdir().unwrap();
    copy_tree(dir.path(), moved.path());
    drop(dir);
    std::fs::remove_file(moved.path().join("proposals/b.toml")).unwrap();
    let out = run_cli(moved.path(), &["render"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out_dir = moved.path().join("out");
    assert_eq!(tree(&out_dir), [".budgetnote-manifest", "a.pdf"]);

    // Format 1: absolute inputs.
    let real = moved.path().canonicalize().unwrap();
    let old = format!(
        "{{\"version\": 1, \"files\": {{\"a.pdf\": \"{}\", \"gone.pdf\": \"{}\"}}}}",
        real.join("proposals/a.toml").display(),
        real.join("proposals/gone.toml").display()
    );
    std::fs::write(out_dir.join(".budgetnote-manifest"), old).unwrap();
    write(moved.path(), "out/gone.pdf", "%PDF-1.7 old");
    let out = run_cli(moved.path(), &["render"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(tree(&out_dir), [".budgetnote-manifest", "a.pdf"]);
}

// A file name too long for its PDF and temp file (a 240-character stem) is the user's error in
// both `check` and `render` (E064 naming the file and the limit, exit 1, never exit 2); the other
// file still renders, and a stem at the limit (203 bytes) renders.
#[test]
fn a_file_name_too_long_for_its_pdf_is_the_users_error() {
    let long = format!("proposals/{}.toml", "x".repeat(240));
    let at_limit = format!("proposals/{}.toml", "y".repeat(203));
    let dir = project(&[long.as_str(), at_limit.as_str(), "proposals/ok.toml"]);
    for command in ["check", "render"] {
        let out = run_cli(dir.path(), &[command]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{command}: {err}");
        assert!(
            err.contains(&format!("error[E064]: the file name of {long} is too long")),
            "{command}: {err}"
        );
        assert!(err.contains("at most 203 bytes"), "{command}: {err}");
        assert_eq!(err.matches("error[").count(), 1, "{command}: {err}");
    }
    let mut written = tree(&dir.path().join("out"));
    written.retain(|f| f.ends_with(".pdf"));
    assert_eq!(
        written,
        ["ok.pdf".to_owned(), format!("{}.pdf", "y".repeat(203))]
    );
}

// `check .` on a copy of the repository's proposals, budgetnote.toml and templates (with a form
// description templates/x/form.toml), an output folder and hidden and target folders holding
// TOML files checks the proposals alone: no error for the settings, templates or other files.
#[test]
fn a_folder_walk_skips_settings_templates_output_and_hidden_folders() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&root().join("proposals"), &dir.path().join("proposals"));
    copy_tree(&root().join("templates"), &dir.path().join("templates"));
    std::fs::copy(
        root().join("budgetnote.toml"),
        dir.path().join("budgetnote.toml"),
    )
    .unwrap();
    copy_tree(
        &root().join("templates/standard"),
        &dir.path().join("templates/x"),
    );
    for junk in [".git/config.toml", "target/x.toml", "out/y.toml"] {
        write(dir.path(), junk, "not = \"a proposal\"\n");
    }
    let proposals = tree(&dir.path().join("proposals")).len();
    let out = run_cli(dir.path(), &["check", "."]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains(&format!("checked {proposals} file(s): 0 error(s)")),
        "{err}"
    );
    // The -o folder of `render` is left out too.
    std::fs::rename(dir.path().join("out"), dir.path().join("build")).unwrap();
    let out = run_cli(dir.path(), &["render", ".", "-o", "build"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains(&format!("rendered {proposals} of {proposals} file(s)")),
        "{err}"
    );
}

// A catalogue that includes its own folder skips its own file (its proposals are checked, no
// "has errors" about itself); one that names itself gets E031 "the catalogue includes itself" at
// that entry.
#[test]
fn a_catalogue_never_includes_itself() {
    let dir = project(&["proposals/a.toml"]);
    write(
        dir.path(),
        "proposals/c.toml",
        &catalogue("\"a.toml\", \".\""),
    );
    let out = run_cli(dir.path(), &["check", "proposals/c.toml"]);
    let err = stderr(&out);
    // a.toml is named twice (once by itself, once in the folder): that is the only error.
    assert_eq!(err.matches("error[").count(), 1, "{err}");
    assert!(
        err.contains("error[E031]: proposals/./a.toml is included twice"),
        "{err}"
    );
    write(dir.path(), "proposals/c.toml", &catalogue("\".\""));
    let out = run_cli(dir.path(), &["check", "proposals/c.toml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    write(
        dir.path(),
        "proposals/c.toml",
        &catalogue("\"a.toml\",\n  \"c.toml\""),
    );
    let out = run_cli(dir.path(), &["check", "proposals/c.toml"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("error[E031]: the catalogue includes itself"),
        "{err}"
    );
    assert!(err.contains("--> proposals/c.toml:6:3"), "{err}");
    assert_eq!(err.matches("error[").count(), 1, "{err}");
}

// A symlink whose target is gone is the user's file to fix (E060, exit 1), not an I/O failure
// (exit 2) that stops the run; an editor's hidden lock file `.#x.toml` is not a proposal at all.
#[test]
fn dangling_links_and_editor_lock_files_do_not_stop_the_run() {
    let dir = project(&["proposals/a.toml"]);
    std::os::unix::fs::symlink(
        dir.path().join("gone.toml"),
        dir.path().join("proposals/b.toml"),
    )
    .unwrap();
    std::os::unix::fs::symlink("user@host.1234", dir.path().join("proposals/.#a.toml")).unwrap();
    let out = run_cli(dir.path(), &["render"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("E060") && err.contains("b.toml"), "{err}");
    assert!(!err.contains(".#a.toml"), "{err}");
    assert!(dir.path().join("out/a.pdf").is_file(), "{err}");
}

// A second run into an output folder another run is writing waits until that run has saved its
// manifest (two runs at once would each save their own and lose the other's entries), then
// renders.
#[test]
fn a_second_run_into_one_output_folder_waits_for_the_first() {
    use std::io::BufRead;
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let held = budgetnote::output::lock(&out);
    let mut child = Command::new(env!("CARGO_BIN_EXE_budgetnote"))
        .current_dir(root())
        .args([
            "render",
            "proposals/investering-aktivitetsparate.toml",
            "-o",
        ])
        .arg(&out)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    while stderr.read_line(&mut line).unwrap() > 0 && !line.starts_with("waiting") {
        line.clear();
    }
    assert!(
        line.starts_with("waiting for another budgetnote run writing into"),
        "the second run did not wait: {line:?}"
    );
    let pdf = out.join("investering-aktivitetsparate.pdf");
    assert!(
        !pdf.exists(),
        "it wrote while the other run held the folder"
    );
    drop(held);
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    assert!(child.wait().unwrap().success(), "{rest}");
    assert!(pdf.exists(), "it rendered once the folder was free: {rest}");
}
