//! Same input, same bytes: repeated renders and renders from another checkout path are identical.

mod common;

use common::{render, root, run_cli, scaffold_project};

// Two renders of the seed proposal in one process give identical bytes.
#[test]
fn two_renders_are_byte_identical() {
    let file = root().join("proposals/flere-udsatte-borgere-i-beskaeftigelse.toml");
    let a = render(&file);
    let b = render(&file);
    assert!(a.len() > 1000);
    assert!(a == b, "PDF bytes differ between two renders");
}

// A copy of the project at another path, rendered by the CLI, gives the same bytes.
#[test]
fn another_checkout_path_gives_the_same_bytes() {
    let here = tempfile::tempdir().unwrap();
    let there = tempfile::tempdir().unwrap();
    for dir in [here.path(), there.path()] {
        scaffold_project(dir);
        std::fs::create_dir_all(dir.join("proposals")).unwrap();
        std::fs::copy(
            root().join("proposals/flere-udsatte-borgere-i-beskaeftigelse.toml"),
            dir.join("proposals/note.toml"),
        )
        .unwrap();
        let out = run_cli(dir, &["render"]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let a = std::fs::read(here.path().join("out/note.pdf")).unwrap();
    let b = std::fs::read(there.path().join("out/note.pdf")).unwrap();
    assert!(a == b, "PDF bytes differ between checkout paths");
}
