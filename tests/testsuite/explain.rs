//! `budgetnote explain`: every code the program can report is listed, explained and documented.

use crate::common::{root, run_cli};
use budgetnote::diagnostic::{Code, Severity};

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

// Every code used anywhere in the program is in `Code::ALL` (so `explain` knows it), and
// src/diagnostic/codes/ holds one file for each code of `Code::ALL` and no other.
#[test]
fn every_code_is_listed_and_has_a_file() {
    let all: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    let used = codes_used_in_source();
    assert!(used.len() >= 30, "found only {used:?}");
    for code in &used {
        assert!(all.contains(&code.as_str()), "{code} is not in Code::ALL");
    }
    let mut files: Vec<String> = std::fs::read_dir(root().join("src/diagnostic/codes"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != "README.md")
        .collect();
    files.sort();
    let mut expected: Vec<String> = all.iter().map(|c| format!("{c}.md")).collect();
    expected.sort();
    assert_eq!(files, expected);
}

// The guide's table of codes (docs/src/codes.md) is the files' first lines: code, severity and
// summary of every code, each code linked to its section.
#[test]
fn guide_table_matches_the_code_files() {
    let mut table = String::from("| code | severity | summary |\n|---|---|---|\n");
    for code in Code::ALL {
        let severity = match code.severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let id = code.as_str();
        table.push_str(&format!(
            "| [{id}](#{id}) | {severity} | {} |\n",
            code.explanation().summary
        ));
    }
    let guide = std::fs::read_to_string(root().join("docs/src/codes.md")).unwrap();
    assert!(
        guide.contains(&format!("\n\n{table}\n")),
        "docs/src/codes.md's table of codes differs from src/diagnostic/codes/; it should read \
         (`BUDGETNOTE_UPDATE_GUIDE=1 cargo test guide` writes it):\n\n{table}"
    );
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

/// The base proposal an example is merged into when it names none.
const DEFAULT_BASE: &str = "tests/good/minimal.toml";

/// Folders and files of the repository copied into each example's project.
const PROJECT_PARTS: [&str; 7] = [
    "tests/check_render/logo-pixel-bomb",
    "tests/catalogues/savings",
    "templates",
    "fonts",
    "budgetnote.toml",
    "proposals",
    "tests/good",
];

/// The files an example writes (path in the project, text) and the files `check` is run on, per
/// the convention in `src/diagnostic/codes/README.md`.
fn example_files(example: &str) -> (Vec<(String, String)>, Vec<String>) {
    let base = example
        .lines()
        .find_map(|l| l.strip_prefix("# base:"))
        .map_or(DEFAULT_BASE, str::trim);
    // The fragments: (file, keys removed from its base, fragment text).
    let default_path = if base == "none" {
        "proposals/example.toml"
    } else {
        base
    };
    let mut parts: Vec<(String, Vec<String>, String)> =
        vec![(default_path.to_owned(), Vec::new(), String::new())];
    for line in example.lines() {
        if line.starts_with("# base:") {
            continue;
        } else if let Some(path) = line.strip_prefix("# file:") {
            // A comment may follow the path.
            let path = path.split(" #").next().unwrap_or(path);
            if parts.len() == 1 && parts[0].1.is_empty() && parts[0].2.trim().is_empty() {
                parts.clear();
            }
            parts.push((path.trim().to_owned(), Vec::new(), String::new()));
        } else if let Some(key) = line.strip_prefix("# without:") {
            parts.last_mut().unwrap().1.push(key.trim().to_owned());
        } else {
            let text = &mut parts.last_mut().unwrap().2;
            text.push_str(line);
            text.push('\n');
        }
    }
    let mut files = Vec::new();
    for (path, without, fragment) in parts {
        let existing = root().join(&path);
        let base_path = if existing.is_file() {
            Some(existing)
        } else if base == "none" {
            None
        } else {
            Some(root().join(base))
        };
        // A data file (a spreadsheet as CSV) is written as it stands.
        let data = !path.ends_with(".toml");
        let text = match base_path {
            _ if data => fragment,
            None => fragment,
            Some(base_path) => {
                let base_text = std::fs::read_to_string(&base_path).unwrap();
                let mut table: toml::Table = toml::from_str(&base_text).unwrap();
                for key in &without {
                    remove_key(&mut table, key);
                }
                let values: toml::Table = toml::from_str(&fragment)
                    .unwrap_or_else(|e| panic!("fragment for {path} is not TOML: {e}\n{fragment}"));
                let spans = toml::de::DeTable::parse(&fragment).unwrap();
                merge(&mut table, values, spans.get_ref(), &fragment);
                toml::to_string(&table).unwrap()
            }
        };
        files.push((path, text));
    }
    let mut checked: Vec<String> = Vec::new();
    if base != "none" && !files.iter().any(|(p, _)| p == base) {
        checked.push(base.to_owned());
    }
    checked.extend(
        files
            .iter()
            .map(|(p, _)| p.clone())
            .filter(|p| p != "budgetnote.toml" && p.ends_with(".toml")),
    );
    (files, checked)
}

/// Removes the key at a dotted path (`budget.lines`) from a table.
fn remove_key(table: &mut toml::Table, path: &str) {
    match path.split_once('.') {
        Some((head, rest)) => {
            if let Some(toml::Value::Table(inner)) = table.get_mut(head) {
                remove_key(inner, rest);
            }
        }
        None => {
            table.remove(path);
        }
    }
}

/// Merges a fragment into a base: a table written with a `[header]` (or dotted keys) is merged
/// key by key; every other value, an inline `{ … }` table and an array of tables included,
/// replaces the base's.
fn merge(
    base: &mut toml::Table,
    fragment: toml::Table,
    spans: &toml::de::DeTable<'_>,
    source: &str,
) {
    for (key, value) in fragment {
        let span = spans
            .iter()
            .find(|(k, _)| k.get_ref().as_ref() == key.as_str())
            .map(|(_, v)| v);
        let inline = span.is_some_and(|v| source[v.span().start..].starts_with('{'));
        match (value, base.get_mut(&key), span.map(|v| v.get_ref())) {
            (
                toml::Value::Table(inner),
                Some(toml::Value::Table(base_inner)),
                Some(toml::de::DeValue::Table(inner_spans)),
            ) if !inline => merge(base_inner, inner, inner_spans, source),
            (value, _, _) => {
                base.insert(key, value);
            }
        }
    }
}

/// Copies a file or folder of the repository into `to`, hard-linking files where it can.
fn copy_into(from: &std::path::Path, to: &std::path::Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let path = entry.unwrap().path();
            copy_into(&path, &to.join(path.file_name().unwrap()));
        }
    } else {
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        if std::fs::hard_link(from, to).is_err() {
            std::fs::copy(from, to).unwrap();
        }
    }
}

/// The codes `check` reports for an example, run in a fresh copy of the project.
fn codes_of_example(example: &str) -> Vec<String> {
    let (files, checked) = example_files(example);
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let project = dir.path().join("project");
    for part in PROJECT_PARTS {
        copy_into(&root().join(part), &project.join(part));
    }
    for (path, text) in &files {
        let file = project.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        // Replace, never write through, a hard link to the repository's file.
        let _ = std::fs::remove_file(&file);
        std::fs::write(&file, text).unwrap();
    }
    let mut args = vec!["check", "--format", "json"];
    args.extend(checked.iter().map(String::as_str));
    let out = run_cli(&project, &args);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "check of {checked:?} printed no JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let mut codes: Vec<String> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect();
    codes.sort();
    codes.dedup();
    codes
}

// Every code's wrong example, merged into its base proposal (src/diagnostic/codes/README.md),
// gets the code from `check`, and its right example does not; the codes whose examples cannot
// be run say why (`untested:`), and they are exactly the expected few.
#[test]
fn examples_get_their_codes() {
    let runnable: Vec<Code> = Code::ALL
        .into_iter()
        .filter(|c| c.explanation().untested.is_none())
        .collect();
    let results: Vec<(Code, Vec<String>, Vec<String>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = runnable
            .chunks(runnable.len().div_ceil(4))
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|&code| {
                            let e = code.explanation();
                            let run = |example: &'static str| {
                                std::panic::catch_unwind(|| codes_of_example(example))
                                    .unwrap_or_else(|_| vec!["(the example panicked)".to_owned()])
                            };
                            (code, run(e.wrong), run(e.right))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let mut failures = Vec::new();
    for (code, wrong, right) in results {
        let name = code.as_str().to_owned();
        if !wrong.contains(&name) || right.contains(&name) {
            failures.push(format!(
                "{name}: wrong gets {wrong:?}, right gets {right:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let untested: Vec<&str> = Code::ALL
        .iter()
        .filter(|c| c.explanation().untested.is_some())
        .map(|c| c.as_str())
        .collect();
    assert_eq!(
        untested,
        [
            "E056", "E057", "E060", "E061", "E064", "E098", "E106", "E107"
        ]
    );
}
