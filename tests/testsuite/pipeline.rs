//! The pipeline as a library: `check` runs its files on the worker pool and still reports them
//! as each file alone would.

use crate::common::{root, run_cli};

/// The diagnostics of a `check --format json` run in `tests/crosschecks` over `files`.
fn check_json(files: &[&str]) -> Vec<serde_json::Value> {
    let dir = root().join("tests/crosschecks");
    let mut args = vec!["check", "--format", "json"];
    args.extend(files);
    let out = run_cli(&dir, &args);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{out:?}");
    serde_json::from_slice(&out.stdout).unwrap()
}

// Files checked together on the worker pool give every diagnostic each gives alone (the
// together run adds E040 for their shared id), and the same report run after run, whatever
// order the workers finish in.
#[test]
fn check_on_workers_reports_as_each_file_alone() {
    let files = [
        "account-not-a-number/proposal.toml",
        "account-unknown/proposal.toml",
        "acknowledgement-of-error/proposal.toml",
        "account-expense-differs/proposal.toml",
    ];
    let together = check_json(&files);
    assert_eq!(together, check_json(&files));
    let alone: Vec<serde_json::Value> = files.iter().flat_map(|f| check_json(&[f])).collect();
    assert!(alone.iter().any(|d| d["severity"] == "error"));
    for diagnostic in &alone {
        assert!(together.contains(diagnostic), "{diagnostic} is missing");
    }
    let others = together.iter().filter(|d| !alone.contains(d));
    assert!(others.into_iter().all(|d| d["code"] == "E040"));
}
