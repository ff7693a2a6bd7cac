//! The command line: default folder, exit codes, and the `typst` subcommand.

mod common;

use common::{root, run_cli};

// `check` with no paths checks proposals/ and finds it clean.
#[test]
fn check_defaults_to_the_proposals_folder() {
    let out = run_cli(&root(), &["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("0 error(s), 0 warning(s)"), "{stderr}");
}

// A path that does not exist is a usage/I/O failure: exit 2, with a message naming it.
#[test]
fn missing_path_exits_2() {
    let out = run_cli(&root(), &["check", "no/such/file.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no/such/file.toml"));
}

// An unknown subcommand or flag exits 2.
#[test]
fn bad_usage_exits_2() {
    assert_eq!(run_cli(&root(), &["frobnicate"]).status.code(), Some(2));
    assert_eq!(
        run_cli(&root(), &["check", "--format", "xml"])
            .status
            .code(),
        Some(2)
    );
}

// `typst FILE` prints a source that imports the layout by a root-relative path and compiles
// when saved at the project root.
#[test]
fn typst_subcommand_prints_compilable_source() {
    let out = run_cli(
        &root(),
        &[
            "typst",
            "proposals/flere-udsatte-borgere-i-beskaeftigelse.toml",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let source = String::from_utf8(out.stdout).unwrap();
    assert!(
        source.contains("#import \"/templates/budgetnote.typ\": *"),
        "{source}"
    );
    assert!(source.contains("#\"Flere udsatte borgere i beskæftigelse\""));
    assert!(source.contains("#\"36.608\""));
}

// `typst` on a proposal with errors prints its diagnostics and exits 1, printing no source.
#[test]
fn typst_subcommand_refuses_bad_input() {
    let out = run_cli(&root(), &["typst", "tests/bad/fte-mismatch/proposal.toml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("error[E015]"));
}
