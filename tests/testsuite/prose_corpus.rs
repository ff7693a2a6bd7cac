//! The sentence corpus of the prose reader, tests/prose/corpus.toml: each sentence is read as
//! its case says and, written into a small budget note, gets exactly the codes it lists, each at
//! an amount of the sentence.

use crate::common::root;

/// One case of the corpus.
#[derive(serde::Deserialize)]
struct Case {
    /// What the case is, for the failure output.
    name: String,
    /// Which table the note holds.
    context: String,
    /// The sentence.
    text: String,
    /// The reading of every amount, described.
    reading: Vec<String>,
    /// Every code the note must get, sorted.
    codes: Vec<String>,
    /// The number the first diagnostic points at.
    at: Option<String>,
}

/// The corpus file.
#[derive(serde::Deserialize)]
struct Corpus {
    /// The note, with `{TEXT}` and `{TABLE}`.
    base: String,
    /// The tables, by name.
    contexts: std::collections::BTreeMap<String, String>,
    /// The cases.
    case: Vec<Case>,
}

/// What went wrong in one case, or nothing.
fn run(corpus: &Corpus, case: &Case) -> Vec<String> {
    let mut wrong = Vec::new();
    let read: Vec<String> = budgetnote::checks::prose::reading::read(&case.text)
        .iter()
        .map(|r| r.describe())
        .collect();
    if read != case.reading {
        wrong.push(format!("read as {read:?}, expected {:?}", case.reading));
    }
    let Some(table) = corpus.contexts.get(&case.context) else {
        return vec![format!("no context {}", case.context)];
    };
    let source = corpus
        .base
        .replace("{TABLE}", table)
        .replace("{TEXT}", &case.text);
    let checked = budgetnote::check_source(std::path::Path::new("corpus.toml"), source.clone());
    let diagnostics = &checked.report.diagnostics;
    let mut codes: Vec<String> = diagnostics
        .iter()
        .map(|d| d.code.as_str().to_owned())
        .collect();
    codes.sort();
    if codes != case.codes {
        let messages: Vec<String> = diagnostics
            .iter()
            .map(|d| format!("{} {}", d.code.as_str(), d.message))
            .collect();
        wrong.push(format!("got {messages:?}, expected {:?}", case.codes));
    }
    let sentence = source.find(&case.text).map(|s| s..s + case.text.len());
    let mut spans: Vec<std::ops::Range<usize>> = Vec::new();
    for d in diagnostics {
        let at = d.span.clone().unwrap_or(0..0);
        let inside = sentence
            .as_ref()
            .is_some_and(|s| s.start <= at.start && at.end <= s.end);
        let number = source
            .get(at.clone())
            .is_some_and(|t| t.starts_with(|c: char| c.is_ascii_digit()));
        if !inside || !number {
            wrong.push(format!(
                "{} is not at an amount of the sentence: {:?}",
                d.code.as_str(),
                source.get(at.clone())
            ));
        }
        spans.push(at);
    }
    spans.sort_by_key(|s| s.start);
    if let Some(at) = &case.at {
        let first = spans.first().and_then(|s| source.get(s.clone()));
        if first != Some(at.as_str()) {
            wrong.push(format!(
                "the first diagnostic is at {first:?}, expected {at:?}"
            ));
        }
    }
    wrong
}

// Every case of the corpus is read as it says and gets exactly its codes, at its amounts; the
// failures of all cases are reported together, each under its name.
#[test]
fn sentence_corpus() {
    let text = std::fs::read_to_string(root().join("tests/prose/corpus.toml")).unwrap();
    let corpus: Corpus = toml::from_str(&text).unwrap();
    assert!(corpus.case.len() >= 80, "{} cases", corpus.case.len());
    let quiet = corpus.case.iter().filter(|c| c.codes.is_empty()).count();
    assert!(quiet >= 30, "only {quiet} cases must raise nothing");
    let mut failures = Vec::new();
    for case in &corpus.case {
        for wrong in run(&corpus, case) {
            failures.push(format!("{}: {wrong}", case.name));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
