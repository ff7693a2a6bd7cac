//! `budgetnote watch`: renders at start, then a saved change to a proposal produces a new PDF,
//! and a new proposal gets its PDF, while the command keeps running.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{root, scaffold_project};

/// The watch process, killed when the test ends (also when it fails).
struct Watching(Child);

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `budgetnote ARGS` (a watch) in `dir`, its output in `dir/watch.log`.
fn watch(dir: &Path, args: &[&str]) -> Watching {
    let log_file = std::fs::File::create(dir.join("watch.log")).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_budgetnote"))
        .current_dir(dir)
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(log_file.try_clone().unwrap())
        .stderr(log_file)
        .spawn()
        .expect("budgetnote watch starts");
    Watching(child)
}

/// Polls every 50 ms, for at most 20 s, until `done` holds; whether it did.
fn wait_for(mut done: impl FnMut() -> bool) -> bool {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(20) {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    done()
}

/// The log the watch process wrote so far, for failure messages.
fn log(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("watch.log")).unwrap_or_default()
}

/// A change saved to a proposal re-renders its PDF; a proposal added later is rendered too.
#[test]
fn a_saved_change_renders_a_new_pdf() {
    let dir = tempfile::tempdir().unwrap();
    scaffold_project(dir.path());
    std::fs::create_dir_all(dir.path().join("proposals")).unwrap();
    let minimal = std::fs::read_to_string(root().join("tests/good/minimal.toml")).unwrap();
    let proposal = dir.path().join("proposals/a.toml");
    std::fs::write(&proposal, &minimal).unwrap();
    let _watching = watch(dir.path(), &["watch"]);
    let pdf = dir.path().join("out/a.pdf");
    // The first round renders everything (the watcher is set up before it).
    assert!(
        wait_for(|| std::fs::read(&pdf).is_ok_and(|b| b.starts_with(b"%PDF"))),
        "no first PDF: {}",
        log(dir.path())
    );
    let first = std::fs::read(&pdf).unwrap();
    let changed = minimal.replace("title = \"Testforslag\"", "title = \"Ændret forslag\"");
    assert_ne!(changed, minimal);
    std::fs::write(&proposal, &changed).unwrap();
    assert!(
        wait_for(|| std::fs::read(&pdf).is_ok_and(|b| b != first && b.starts_with(b"%PDF"))),
        "the PDF did not change: {}",
        log(dir.path())
    );
    // A proposal added while watching gets its PDF.
    std::fs::write(
        dir.path().join("proposals/b.toml"),
        minimal.replace("id = \"T01\"", "id = \"T02\""),
    )
    .unwrap();
    assert!(
        wait_for(|| dir.path().join("out/b.pdf").is_file()),
        "no PDF of the new proposal: {}",
        log(dir.path())
    );
    let text = log(dir.path());
    assert!(text.contains("wrote out/a.pdf"), "{text}");
}

// `watch --format pdf,html` writes the page too; a save with an error shows the error and keeps
// the last good PDF and page (the viewer beside the editor does not go blank); the next good save
// writes both again.
#[test]
fn a_save_with_errors_keeps_the_last_good_outputs() {
    let dir = tempfile::tempdir().unwrap();
    scaffold_project(dir.path());
    std::fs::create_dir_all(dir.path().join("proposals")).unwrap();
    let minimal = std::fs::read_to_string(root().join("tests/good/minimal.toml")).unwrap();
    let proposal = dir.path().join("proposals/a.toml");
    std::fs::write(&proposal, &minimal).unwrap();
    let _watching = watch(dir.path(), &["watch", "--format", "pdf,html"]);
    let (pdf, page) = (dir.path().join("out/a.pdf"), dir.path().join("out/a.html"));
    assert!(
        wait_for(|| page.is_file() && std::fs::read(&pdf).is_ok_and(|b| b.starts_with(b"%PDF"))),
        "no first PDF and page: {}",
        log(dir.path())
    );
    let (good_pdf, good_page) = (std::fs::read(&pdf).unwrap(), std::fs::read(&page).unwrap());
    // A typo: the form is unknown (E004).
    std::fs::write(
        &proposal,
        minimal.replacen("form = \"standard\"", "form = \"standrd\"", 1),
    )
    .unwrap();
    assert!(
        wait_for(|| log(dir.path()).contains("error[E004]")),
        "the error is not shown: {}",
        log(dir.path())
    );
    assert!(
        wait_for(|| log(dir.path()).contains("its last good outputs are kept")),
        "{}",
        log(dir.path())
    );
    assert_eq!(
        std::fs::read(&pdf).unwrap(),
        good_pdf,
        "the last good PDF is kept"
    );
    assert_eq!(
        std::fs::read(&page).unwrap(),
        good_page,
        "the last good page is kept"
    );
    // Fixed, with another title: both are written anew.
    std::fs::write(
        &proposal,
        minimal.replace("title = \"Testforslag\"", "title = \"Rettet forslag\""),
    )
    .unwrap();
    assert!(
        wait_for(|| std::fs::read_to_string(&page).is_ok_and(|p| p.contains("Rettet forslag"))),
        "the page was not written again: {}",
        log(dir.path())
    );
    assert!(wait_for(|| std::fs::read(&pdf).is_ok_and(|b| b != good_pdf)));
}

// A save in a watched folder keeps the folder's index current: after `a.toml` gets a new title,
// out/index.html lists the new title in a's line, still lists b, and is what a `render --format
// pdf,html` of the folder writes (the manifest records it, so the next render neither warns about
// it nor leaves it stale).
#[test]
fn a_save_keeps_the_folder_index_current() {
    let dir = tempfile::tempdir().unwrap();
    scaffold_project(dir.path());
    std::fs::create_dir_all(dir.path().join("proposals")).unwrap();
    let minimal = std::fs::read_to_string(root().join("tests/good/minimal.toml")).unwrap();
    let proposal = dir.path().join("proposals/a.toml");
    std::fs::write(&proposal, &minimal).unwrap();
    std::fs::write(
        dir.path().join("proposals/b.toml"),
        minimal
            .replace("id = \"T01\"", "id = \"T02\"")
            .replace("title = \"Testforslag\"", "title = \"Andet forslag\""),
    )
    .unwrap();
    let watching = watch(dir.path(), &["watch", "--format", "pdf,html"]);
    let index = dir.path().join("out/index.html");
    let read = || std::fs::read_to_string(&index).unwrap_or_default();
    assert!(
        wait_for(|| read().contains("Testforslag") && read().contains("Andet forslag")),
        "no first index: {}",
        log(dir.path())
    );
    std::fs::write(
        &proposal,
        minimal.replace("title = \"Testforslag\"", "title = \"Rettet forslag\""),
    )
    .unwrap();
    assert!(
        wait_for(|| read().contains("Rettet forslag")),
        "the index still shows the old title: {}\n{}",
        read(),
        log(dir.path())
    );
    let watched = read();
    assert!(
        !watched.contains("Testforslag") && watched.contains("Andet forslag"),
        "{watched}"
    );
    // The round is over (its manifest saved) once its summary is printed.
    assert!(
        wait_for(|| log(dir.path()).contains("rendered 1 of 1 file(s)")),
        "{}",
        log(dir.path())
    );
    drop(watching);
    let render = crate::common::run_cli(dir.path(), &["render", "--format", "pdf,html"]);
    let stderr = String::from_utf8_lossy(&render.stderr);
    assert!(render.status.success(), "{stderr}");
    assert!(!stderr.contains("warning:"), "{stderr}");
    assert_eq!(read(), watched, "watch wrote what render writes");
}
