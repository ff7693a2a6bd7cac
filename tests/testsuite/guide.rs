//! The user guide (`docs/`, an mdBook): every TOML example in it is checked by `budgetnote
//! check`, its table of contents and pictures are complete, every relative link of it and of
//! README.md resolves (file and anchor), and its chapter of diagnostic codes is generated from
//! `src/diagnostic/codes/*.md`
//! (`BUDGETNOTE_UPDATE_GUIDE=1 cargo test guide` writes it again).
//!
//! How a chapter's code blocks are read (in order, one fresh project per chapter, made by
//! `budgetnote init` with its example proposals removed):
//! - ```` ```toml ```` is a whole file that must pass `check` with no error and no warning. It is written to
//!   the path its first line names (`# file: proposals/katalog.toml`, `# file: budgetnote.toml`),
//!   else to `proposals/guide-N.toml`; so a later block can use what an earlier one wrote. A
//!   file under `templates/` (a form) is checked with the proposals that use it: at the end of
//!   the chapter, all its files are checked together (so its ids are unique too).
//! - ```` ```toml,bad ```` is a whole proposal with a line `# expect: E014`: `check` must report
//!   that code. It is removed again after the check.
//! - ```` ```toml,fragment ```` is a part of a file: it must parse as TOML and have no `form`.
//! - ```` ```toml,code-example ```` only in the generated codes chapter: the examples of
//!   `src/diagnostic/codes/`, which `explain::examples_get_their_codes` runs.
//! - any block with `file=PATH` in its info string (```` ```csv,file=proposals/drift.csv ````)
//!   is written to PATH as it stands, for the examples after it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use budgetnote::diagnostic::{Code, Explanation, Severity};
use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};

use crate::common::{root, run_cli};

/// The guide's source folder.
fn src() -> PathBuf {
    root().join("docs/src")
}

/// Every Markdown file under `docs/src`, sorted by path.
fn chapters() -> Vec<PathBuf> {
    fn walk(dir: &Path, found: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, found);
            } else if path.extension().is_some_and(|e| e == "md") {
                found.push(path);
            }
        }
    }
    let mut found = Vec::new();
    walk(&src(), &mut found);
    found.sort();
    found
}

/// A fenced code block of a chapter: its info string, its text and the line it starts on.
struct Block {
    /// The info string, e.g. `toml,fragment`.
    info: String,
    /// The code.
    text: String,
    /// The 1-based line of the opening fence.
    line: usize,
}

/// The fenced code blocks of a Markdown text, in order.
fn blocks(markdown: &str) -> Vec<Block> {
    let mut found = Vec::new();
    let mut current: Option<Block> = None;
    for (event, range) in Parser::new(markdown).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                let line = markdown[..range.start].matches('\n').count() + 1;
                current = Some(Block {
                    info: info.to_string(),
                    text: String::new(),
                    line,
                });
            }
            Event::Text(text) => {
                if let Some(block) = current.as_mut() {
                    block.text.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) => found.extend(current.take()),
            _ => {}
        }
    }
    found
}

/// The diagnostics `check --format json ARGS` prints in `dir`, with its exit code.
fn check(dir: &Path, args: &[&str]) -> (Option<i32>, Vec<serde_json::Value>, String) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let out = run_cli(dir, &all);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let json = serde_json::from_slice::<serde_json::Value>(&out.stdout)
        .ok()
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default();
    (out.status.code(), json, stderr)
}

/// One line per diagnostic: `CODE line:column message`.
fn listed(diagnostics: &[&serde_json::Value]) -> String {
    diagnostics
        .iter()
        .map(|d| {
            format!(
                "    {} {}:{} {} ({})\n",
                d["code"].as_str().unwrap_or("?"),
                d["line"],
                d["column"],
                d["message"].as_str().unwrap_or(""),
                d["file"].as_str().unwrap_or("")
            )
        })
        .collect()
}

/// A fresh project as `budgetnote init` makes it, without its example proposals.
fn fresh_project() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = run_cli(tmp.path(), &["init", "p"]);
    assert!(out.status.success(), "init: {out:?}");
    let dir = tmp.path().join("p");
    std::fs::remove_dir_all(dir.join("proposals")).unwrap();
    std::fs::create_dir_all(dir.join("proposals")).unwrap();
    (tmp, dir)
}

/// The path a whole-file example names on its first line (`# file: PATH`).
fn named_file(text: &str) -> Option<&str> {
    text.lines()
        .next()?
        .strip_prefix("# file:")
        .map(|p| p.trim())
}

/// Checks every code block of one chapter; returns what failed, one paragraph per block.
fn check_chapter(chapter: &Path) -> (String, usize) {
    let name = chapter.strip_prefix(src()).unwrap().display().to_string();
    let markdown = std::fs::read_to_string(chapter).unwrap();
    let (_tmp, dir) = fresh_project();
    let mut failures = String::new();
    let mut checked = 0;
    for (n, block) in blocks(&markdown).iter().enumerate() {
        let mut parts = block.info.split(',').map(str::trim);
        let lang = parts.next().unwrap_or("");
        let attrs: Vec<&str> = parts.collect();
        let place = format!("docs/src/{name}:{}", block.line);
        if let Some(path) = attrs.iter().find_map(|a| a.strip_prefix("file=")) {
            let target = dir.join(path);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::write(&target, &block.text).unwrap();
            continue;
        }
        if lang != "toml" {
            continue;
        }
        if attrs != ["code-example"] {
            checked += 1;
        }
        match attrs.as_slice() {
            ["fragment"] => match toml::from_str::<toml::Table>(&block.text) {
                Err(e) => writeln!(failures, "{place}: a fragment that is not TOML: {e}").unwrap(),
                Ok(table) if table.contains_key("form") => writeln!(
                    failures,
                    "{place}: a fragment with `form`: mark a whole proposal ```toml"
                )
                .unwrap(),
                Ok(_) => {}
            },
            ["code-example"] if name == "codes.md" => {}
            [] | ["bad"] => {
                let bad = attrs == ["bad"];
                let rel = named_file(&block.text)
                    .map(str::to_owned)
                    .unwrap_or_else(|| format!("proposals/guide-{n}.toml"));
                let target = dir.join(&rel);
                std::fs::create_dir_all(target.parent().unwrap()).unwrap();
                std::fs::write(&target, &block.text).unwrap();
                // A form is checked with the proposals that use it, at the chapter's end;
                // the settings by checking the project with them.
                if rel.starts_with("templates/") && !bad {
                    continue;
                }
                let args: Vec<&str> = if rel == "budgetnote.toml" {
                    vec![]
                } else {
                    vec![&rel]
                };
                let (code, diagnostics, stderr) = check(&dir, &args);
                // A good example is clean: no error, and no warning either.
                let errors: Vec<&serde_json::Value> = diagnostics.iter().collect();
                if bad {
                    let expected = block
                        .text
                        .lines()
                        .find_map(|l| l.trim().strip_prefix("# expect:"))
                        .map(str::trim);
                    match expected {
                        None => writeln!(
                            failures,
                            "{place}: a ```toml,bad block needs a line `# expect: CODE`"
                        )
                        .unwrap(),
                        Some(want) if !diagnostics.iter().any(|d| d["code"] == want) => {
                            let all: Vec<&serde_json::Value> = diagnostics.iter().collect();
                            writeln!(
                                failures,
                                "{place}: expected {want}, got (exit {code:?}):\n{}{stderr}",
                                listed(&all)
                            )
                            .unwrap();
                        }
                        Some(_) => {}
                    }
                    std::fs::remove_file(&target).unwrap();
                } else if code == Some(2) || !errors.is_empty() {
                    writeln!(
                        failures,
                        "{place}: {rel} does not pass check (exit {code:?}):\n{}{stderr}",
                        listed(&errors)
                    )
                    .unwrap();
                }
            }
            other => writeln!(
                failures,
                "{place}: unknown marker {other:?} on a toml block"
            )
            .unwrap(),
        }
    }
    // Then the chapter's files together: its forms, and no two examples with one id.
    let (code, diagnostics, stderr) = check(&dir, &[]);
    let errors: Vec<&serde_json::Value> = diagnostics
        .iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    if code == Some(2) || !errors.is_empty() {
        writeln!(
            failures,
            "docs/src/{name}: the chapter's examples together do not pass check (exit {code:?}):\n{}{stderr}",
            listed(&errors)
        )
        .unwrap();
    }
    (failures, checked)
}

// Every ```toml block of the guide is checked: whole files pass `check` with no error, `bad`
// examples get the code they name, fragments parse as TOML; the guide holds examples at all.
#[test]
fn guide_toml_examples_pass_check() {
    let mut failures = String::new();
    let mut checked = 0;
    for chapter in chapters() {
        let (failed, n) = check_chapter(&chapter);
        failures.push_str(&failed);
        checked += n;
    }
    assert!(failures.is_empty(), "the guide's examples:\n{failures}");
    assert!(checked >= 30, "only {checked} TOML examples were found");
}

// The marker rules themselves: a block's info string, text and line are read, and a whole
// file's `# file:` line names where it goes.
#[test]
fn guide_blocks_are_read_with_their_markers() {
    let md =
        "# T\n\n```toml,fragment\na = 1\n```\n\ntext\n\n~~~toml\n# file: budgetnote.toml\n~~~\n";
    let found = blocks(md);
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].info, "toml,fragment");
    assert_eq!(found[0].text, "a = 1\n");
    assert_eq!(found[0].line, 3);
    assert_eq!(named_file(&found[1].text), Some("budgetnote.toml"));
    assert_eq!(named_file("a = 1"), None);
}

/// The codes chapter as generated from the codes' own files.
fn codes_chapter() -> String {
    let mut md = String::from(
        "<!-- Generated from src/diagnostic/codes/*.md by `BUDGETNOTE_UPDATE_GUIDE=1 cargo test \
         guide`; do not edit by hand. -->\n\n# Diagnostic codes\n\nEvery problem `check` and \
         `render` report has a stable code, a severity and a place in the file. This chapter \
         holds each code's own explanation, the same text `budgetnote explain CODE` prints. \
         An *error* withholds the file's outputs (exit code 1); a *warning* does not, unless \
         `--deny warnings` is given, and can be [acknowledged](acknowledging.md) with a \
         reason.\n\nThe examples are parts of a file, not whole files: the test \
         `explain::examples_get_their_codes` merges each into a complete proposal and checks \
         that the wrong one gets the code and the right one does not.\n\n| code | severity | \
         summary |\n|---|---|---|\n",
    );
    for code in Code::ALL {
        let e = code.explanation();
        let severity = match code.severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let id = code.as_str();
        writeln!(md, "| [{id}](#{id}) | {severity} | {} |", e.summary).unwrap();
    }
    for code in Code::ALL {
        let e = code.explanation();
        let id = code.as_str();
        write!(
            md,
            "\n<a id=\"{id}\"></a>\n\n## {id}: {}\n\n{}\n\n**Wrong**\n\n```toml,code-example\n{}```\n\n\
             **Right**\n\n```toml,code-example\n{}```\n",
            e.summary,
            e.text,
            Explanation::shown(e.wrong),
            Explanation::shown(e.right)
        )
        .unwrap();
        if let Some(why) = e.untested {
            write!(md, "\n*These examples are not run by the test: {why}*\n").unwrap();
        }
    }
    md
}

// docs/src/codes.md is what the codes' files say today; with BUDGETNOTE_UPDATE_GUIDE set it
// is written again instead (review the diff).
#[test]
fn guide_codes_chapter_is_current() {
    let file = src().join("codes.md");
    let generated = codes_chapter();
    if std::env::var_os("BUDGETNOTE_UPDATE_GUIDE").is_some() {
        std::fs::write(&file, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&file).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/src/codes.md is stale: run `BUDGETNOTE_UPDATE_GUIDE=1 cargo test guide` and \
         commit it"
    );
    assert!(generated.contains("## E014: "), "{generated}");
}

// SUMMARY.md links every chapter and only chapters that exist, and so does every link between
// chapters; every picture a chapter shows exists and is small; book.toml is an mdBook 0.4 book reading docs/src.
#[test]
fn guide_table_of_contents_and_pictures_are_complete() {
    let summary = std::fs::read_to_string(src().join("SUMMARY.md")).unwrap();
    let link = regex::Regex::new(r"\]\(([^)#\s]+)(#[^)]*)?\)").unwrap();
    let linked: Vec<String> = link
        .captures_iter(&summary)
        .map(|c| c[1].to_owned())
        .collect();
    let mut problems = Vec::new();
    for target in &linked {
        if !src().join(target).is_file() {
            problems.push(format!("SUMMARY.md links {target}, which does not exist"));
        }
    }
    let image = regex::Regex::new(r"!\[[^\]]+\]\(([^)\s]+)\)").unwrap();
    let mut pictures = 0;
    for chapter in chapters() {
        let rel = chapter.strip_prefix(src()).unwrap().display().to_string();
        if rel != "SUMMARY.md" && !linked.contains(&rel) {
            problems.push(format!("{rel} is not in SUMMARY.md"));
        }
        let text = std::fs::read_to_string(&chapter).unwrap();
        for c in link.captures_iter(&text) {
            let target = &c[1];
            let local = target.ends_with(".md") && !target.contains("://");
            if local && !chapter.parent().unwrap().join(target).is_file() {
                problems.push(format!("{rel} links {target}, which does not exist"));
            }
        }
        for c in image.captures_iter(&text) {
            pictures += 1;
            let path = chapter.parent().unwrap().join(&c[1]);
            match std::fs::metadata(&path) {
                Ok(m) if m.len() < 150_000 => {}
                Ok(m) => problems.push(format!("{rel}: {} has {} bytes", &c[1], m.len())),
                Err(_) => problems.push(format!("{rel}: picture {} is missing", &c[1])),
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(pictures >= 5, "only {pictures} pictures");
    let book: toml::Table =
        toml::from_str(&std::fs::read_to_string(root().join("docs/book.toml")).unwrap()).unwrap();
    let section = book["book"].as_table().unwrap();
    assert!(section["title"].is_str());
    assert_eq!(section.get("src").and_then(|s| s.as_str()), Some("src"));
    for key in book.keys() {
        assert!(
            ["book", "build", "output", "preprocessor", "rust"].contains(&key.as_str()),
            "book.toml: [{key}] is not an mdBook 0.4 table"
        );
    }
}

/// The id mdBook gives a heading (`normalize_id`): letters, digits, `_` and `-` kept (ASCII
/// lowercased), white space as `-`, everything else dropped; GitHub's anchors agree for the
/// headings of this guide and the README.
fn heading_id(text: &str) -> String {
    text.chars()
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '_' || c == '-' {
                Some(c.to_ascii_lowercase())
            } else if c.is_whitespace() {
                Some('-')
            } else {
                None
            }
        })
        .collect()
}

/// The anchors of a Markdown text: its headings' ids (a repeated one with `-1`, `-2`, … as mdBook
/// and GitHub number them) and every `id="…"` of its HTML.
fn anchors(markdown: &str) -> std::collections::BTreeSet<String> {
    let mut found = std::collections::BTreeSet::new();
    let mut heading: Option<String> = None;
    let mut seen: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::Heading { .. }) => heading = Some(String::new()),
            Event::Text(text) | Event::Code(text) => {
                if let Some(h) = heading.as_mut() {
                    h.push_str(&text);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                let id = heading_id(&heading.take().unwrap_or_default());
                let n = seen.entry(id.clone()).or_default();
                found.insert(if *n == 0 { id } else { format!("{id}-{n}") });
                *n += 1;
            }
            _ => {}
        }
    }
    let html_id = regex::Regex::new(r#"\bid="([^"]+)""#).unwrap();
    found.extend(html_id.captures_iter(markdown).map(|c| c[1].to_owned()));
    found
}

/// The destinations of a Markdown text's links and pictures.
fn link_targets(markdown: &str) -> Vec<String> {
    Parser::new(markdown)
        .filter_map(|event| match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                Some(dest_url.to_string())
            }
            _ => None,
        })
        .collect()
}

// Every relative link of the guide's chapters and of README.md leads somewhere: to a file or
// folder of the repository that exists and, with a `#anchor`, to a heading (or an `id`) of that
// Markdown file; links to web addresses are left alone.
#[test]
fn guide_and_readme_links_resolve() {
    let mut files = chapters();
    files.push(root().join("README.md"));
    let mut problems = Vec::new();
    let mut checked = 0;
    for file in &files {
        let rel = file.strip_prefix(root()).unwrap().display().to_string();
        let text = std::fs::read_to_string(file).unwrap();
        for target in link_targets(&text) {
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            checked += 1;
            let (path, anchor) = match target.split_once('#') {
                Some((path, anchor)) => (path, Some(anchor)),
                None => (target.as_str(), None),
            };
            let dest = if path.is_empty() {
                file.clone()
            } else {
                file.parent().unwrap().join(path)
            };
            if !dest.exists() {
                problems.push(format!("{rel} links {target}: no such file"));
                continue;
            }
            if let Some(anchor) = anchor
                && dest.extension().is_some_and(|e| e == "md")
                && !anchors(&std::fs::read_to_string(&dest).unwrap()).contains(anchor)
            {
                problems.push(format!("{rel} links {target}: no such heading"));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(checked > 100, "only {checked} links were checked");
}

// Headings become the anchors mdBook and GitHub make of them.
#[test]
fn guide_heading_anchors_are_mdbooks() {
    let found = anchors(
        "# Which version a PDF is: `--stamp`\n\n## What `check` guarantees: check ≡ render\n\n\
         ## Limits\n\n## Limits\n\n<a id=\"E001\"></a>\n",
    );
    let expected = [
        "which-version-a-pdf-is---stamp",
        "what-check-guarantees-check--render",
        "limits",
        "limits-1",
        "E001",
    ];
    for id in expected {
        assert!(found.contains(id), "{id} not in {found:?}");
    }
}
