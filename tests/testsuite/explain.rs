//! `budgetnote explain`: every code the program can report is listed, explained and documented.

use crate::common::{root, run_cli};
use budgetnote::diagnostic::Code;

/// Every `Code::Xnnn` written in the program's source.
fn codes_used_in_source() -> Vec<String> {
    let pattern = regex::Regex::new(r"Code::([EW]\d{3})").unwrap();
    let mut found = Vec::new();
    let mut dirs = vec![root().join("src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                found.extend(pattern.captures_iter(&text).map(|c| c[1].to_owned()));
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

// Every code used anywhere in the program is in `Code::ALL` (so `explain` knows it) and in the
// README's table of codes.
#[test]
fn every_code_is_listed_and_documented() {
    let all: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let used = codes_used_in_source();
    assert!(used.len() >= 30, "found only {used:?}");
    for code in &used {
        assert!(all.contains(&code.as_str()), "{code} is not in Code::ALL");
    }
    for code in &all {
        assert!(
            readme.contains(&format!("| {code} |")),
            "{code} is not in README"
        );
    }
}

// `explain E014` prints the summary and both examples; an unknown code is a usage error.
#[test]
fn explain_prints_examples() {
    let out = run_cli(&root(), &["explain", "E014"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("E014 (error): a stated figure differs"),
        "{text}"
    );
    assert!(text.contains("Wrong:\n\n    [budget.stated_net]"), "{text}");
    assert!(text.contains("Right:"), "{text}");
    let unknown = run_cli(&root(), &["explain", "E999"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("unknown code"));
}
