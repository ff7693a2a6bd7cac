//! The command line: default folder, exit codes, and the `typst` subcommand.

use std::path::Path;

use crate::common;
use crate::common::{root, run_cli};

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
    let out = crate::common::run_ok(
        &root(),
        &[
            "typst",
            "proposals/flere-udsatte-borgere-i-beskaeftigelse.toml",
        ],
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

// `--format github` prints one GitHub Actions annotation per diagnostic, with file, line,
// column and code, and newlines in the message escaped.
#[test]
fn github_format_prints_annotations() {
    let file = "tests/bad/stated-net-mismatch/proposal.toml";
    let out = run_cli(&root(), &["check", "--format", "github", file]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    assert!(
        lines[0].starts_with(&format!(
            "::error file={file},line=26,col=20,endColumn=24,title=E014::stated net for Service in 2024"
        )),
        "{stdout}"
    );
    assert!(lines[0].contains("%0Ahelp: "), "{stdout}");
}

// A warning passes `check` (exit 0) unless `--deny warnings` is given (exit 1).
#[test]
fn deny_warnings_fails_on_warnings() {
    let work = tempfile::tempdir().unwrap();
    let file = common::proposal_with_typo(work.path());
    let file = file.to_str().unwrap();
    let plain = run_cli(&root(), &["check", file]);
    let denied = run_cli(&root(), &["check", "--deny", "warnings", file]);
    assert_eq!(plain.status.code(), Some(0));
    assert_eq!(denied.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&denied.stderr).contains("warning[W001]"));
}

// A problem in the project settings (here a misspelt table name) stops the run with the
// settings file's line, before any proposal is checked.
#[test]
fn bad_project_settings_stop_the_run() {
    let dir = tempfile::tempdir().unwrap();
    common::scaffold_project(dir.path());
    std::fs::write(
        dir.path().join("budgetnote.toml"),
        "[comittees]\nSU = \"Socialudvalget\"\n",
    )
    .unwrap();
    let file = root().join("tests/good/minimal.toml");
    let out = run_cli(dir.path(), &["check", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("budgetnote.toml:1:2"), "{stderr}");
    assert!(stderr.contains("comittees"), "{stderr}");
}

// Two files of one folder with the same id: the later one gets E040 and no PDF; the first
// still renders.
#[test]
fn duplicate_ids_across_a_folder_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let minimal = std::fs::read_to_string(root().join("tests/good/minimal.toml")).unwrap();
    std::fs::write(dir.path().join("a.toml"), &minimal).unwrap();
    std::fs::write(dir.path().join("b.toml"), &minimal).unwrap();
    let folder = dir.path().to_str().unwrap();
    let out = run_cli(&root(), &["check", "--format", "json", folder]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let diagnostics = json.as_array().unwrap();
    assert_eq!(diagnostics.len(), 1, "{json}");
    assert_eq!(diagnostics[0]["code"], "E040");
    assert!(diagnostics[0]["file"].as_str().unwrap().ends_with("b.toml"));
    assert_eq!(diagnostics[0]["line"], 2);
    let pdfs = tempfile::tempdir().unwrap();
    let out = run_cli(
        &root(),
        &["render", folder, "-o", pdfs.path().to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(pdfs.path().join("a.pdf").exists());
    assert!(!pdfs.path().join("b.pdf").exists());
}

// A function the bundled chart lacks is an error until the project adds it under [accounts] in
// budgetnote.toml; then it is known, with the expense type the project gives it.
#[test]
fn project_accounts_extend_the_chart() {
    let dir = tempfile::tempdir().unwrap();
    common::scaffold_project(dir.path());
    let proposal =
        std::fs::read_to_string(root().join("tests/crosschecks/accounts-known/proposal.toml"))
            .unwrap()
            .replace("account = \"6.45.53\"", "account = \"6.45.59\"");
    let file = dir.path().join("p.toml");
    std::fs::write(&file, proposal).unwrap();
    let file = file.to_str().unwrap();
    let check = |dir: &Path| {
        let out = run_cli(dir, &["check", "--format", "json", file]);
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let codes: Vec<String> = json
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_owned())
            .collect();
        (out.status.code(), codes)
    };
    assert_eq!(check(dir.path()), (Some(1), vec!["E042".to_owned()]));
    std::fs::write(
        dir.path().join("budgetnote.toml"),
        "[accounts]\n\"6.45.59\" = { name = \"Digitalisering\", expense = \"service\" }\n",
    )
    .unwrap();
    assert_eq!(check(dir.path()), (Some(0), vec![]));
    std::fs::write(
        dir.path().join("budgetnote.toml"),
        "[accounts]\n\"6.45.59\" = { name = \"Digitalisering\", expense = \"overførsel\" }\n",
    )
    .unwrap();
    assert_eq!(check(dir.path()), (Some(0), vec!["W008".to_owned()]));
}

// An [accounts] entry that is not a full account number, or has no known expense type, stops
// the run with the settings file's line.
#[test]
fn bad_project_accounts_stop_the_run() {
    let dir = tempfile::tempdir().unwrap();
    common::scaffold_project(dir.path());
    std::fs::write(
        dir.path().join("budgetnote.toml"),
        "[accounts]\n\"6.59\" = { name = \"Digitalisering\", expense = \"drift\" }\n",
    )
    .unwrap();
    let file = root().join("tests/good/minimal.toml");
    let out = run_cli(dir.path(), &["check", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("budgetnote.toml:2:"), "{stderr}");
    assert!(
        stderr.contains("\"6.59\" is not a full account number"),
        "{stderr}"
    );
    assert!(
        stderr.contains("\"drift\" is not an expense type"),
        "{stderr}"
    );
}

// `--deny warnings` lets an acknowledged warning pass and counts it in the summary; without the
// acknowledgement the same warning fails the run.
#[test]
fn deny_warnings_passes_acknowledged_ones() {
    let acknowledged = run_cli(
        &root(),
        &[
            "check",
            "--deny",
            "warnings",
            "tests/crosschecks/acknowledged-by-code/proposal.toml",
        ],
    );
    let stderr = String::from_utf8_lossy(&acknowledged.stderr);
    assert_eq!(acknowledged.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("0 warning(s), 1 acknowledged"), "{stderr}");
    let plain = run_cli(
        &root(),
        &[
            "check",
            "--deny",
            "warnings",
            "tests/crosschecks/period-mismatch/proposal.toml",
        ],
    );
    assert_eq!(plain.status.code(), Some(1));
}

// Problems in budgetnote.toml come out in the format asked for, so a CI annotation marks the
// settings file's line too (the run still stops, exit 2).
#[test]
fn settings_problems_are_printed_as_json() {
    let dir = tempfile::tempdir().unwrap();
    common::scaffold_project(dir.path());
    std::fs::create_dir_all(dir.path().join("proposals")).unwrap();
    std::fs::write(
        dir.path().join("budgetnote.toml"),
        "[comittees]\nSU = \"Socialudvalget\"\n",
    )
    .unwrap();
    let out = run_cli(dir.path(), &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = &json.as_array().unwrap()[0];
    assert_eq!(d["code"], "E043");
    assert!(d["file"].as_str().unwrap().ends_with("budgetnote.toml"));
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(1), Some(2))
    );
}
