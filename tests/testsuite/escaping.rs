//! User text with Typst and template syntax in it is printed literally, never executed.

use crate::common::{pdf_text, render, root};

/// Text that would do something if it were spliced into Typst markup or a minijinja template.
const NASTY: &str = r#"#read("x") $x$ *a* _b_ @ref <l> // c {{ x }} {% if %} {% raw %} \n C:\temp "citat" #set page(width: 1cm)"#;

/// Collapses whitespace so line breaks in the PDF do not matter.
fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

// Title, proposer and committee names are plain text; Markdown bodies keep every character
// that is not Markdown syntax.
#[test]
fn typst_and_template_syntax_prints_literally() {
    let work = tempfile::tempdir().unwrap();
    let base = std::fs::read_to_string(root().join("tests/good/minimal.toml")).unwrap();
    let toml_literal = |s: &str| format!("'''{s}'''");
    let body = r#"Se #read("x"), $x$, @ref, <l> og // c; {{ x }} {% if %} \\ og "citat"."#;
    let text = base
        .replace(
            "title = \"Testforslag\"",
            &format!("title = {}", toml_literal(NASTY)),
        )
        .replace(
            "proposer = \"Administrationen\"",
            &format!("proposer = {}", toml_literal(NASTY)),
        )
        .replace(
            "resume = \"Resumé.\"",
            &format!("resume = {}", toml_literal(body)),
        );
    let file = work.path().join("nasty.toml");
    std::fs::write(&file, text).unwrap();

    let pdf = render(&file);
    let text = squash(&pdf_text(&pdf));
    assert!(
        text.contains(&squash(NASTY)),
        "title printed literally:\n{text}"
    );
    assert!(
        text.matches(&squash(NASTY)).count() >= 2,
        "title and proposer:
{text}"
    );
    let printed_body = r#"Se #read("x"), $x$, @ref, <l> og // c; {{ x }} {% if %} \ og "citat"."#;
    assert!(
        text.contains(printed_body),
        "body printed literally:\n{text}"
    );
    assert!(!text.contains("%PDF"), "no file was read into the document");
}

// The generated Typst source holds user text only inside string literals.
#[test]
fn generated_source_quotes_user_text() {
    let mut checked = budgetnote::check_file(&root().join("tests/good/minimal.toml")).unwrap();
    let proposal = checked.proposal.as_mut().unwrap();
    proposal.title = "#read(\"/etc/passwd\")".into();
    let project = budgetnote::Project::open(&root()).unwrap();
    let source = project.typst_source(proposal).unwrap();
    assert!(
        source.contains(r##"#"#read(\"/etc/passwd\")""##),
        "{source}"
    );
    assert!(!source.contains("#read(\"/etc/passwd\")\n"), "{source}");
}
