//! `budgetnote schema [FORM]`: every bundled proposal validates against its form's schema (and
//! the schema of any form), wrong types and values do not.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{root, run_cli};

/// The JSON a TOML text becomes for a schema validator (dates become strings, as in Taplo).
fn toml_to_json(text: &str) -> Value {
    fn convert(value: &toml::Value) -> Value {
        match value {
            toml::Value::String(s) => Value::String(s.clone()),
            toml::Value::Integer(i) => Value::from(*i),
            toml::Value::Float(f) => Value::from(*f),
            toml::Value::Boolean(b) => Value::Bool(*b),
            toml::Value::Datetime(d) => Value::String(d.to_string()),
            toml::Value::Array(items) => Value::Array(items.iter().map(convert).collect()),
            toml::Value::Table(table) => {
                Value::Object(table.iter().map(|(k, v)| (k.clone(), convert(v))).collect())
            }
        }
    }
    convert(&toml::from_str::<toml::Value>(text).expect("TOML parses"))
}

/// The schema printed by `budgetnote --root ROOT schema [FORM]`.
fn schema_of(project: &Path, form: Option<&str>) -> Value {
    let mut args = vec!["--root", project.to_str().unwrap(), "schema"];
    args.extend(form);
    let out = run_cli(project, &args);
    assert!(
        out.status.success(),
        "schema {form:?} fails: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("schema is JSON")
}

/// A compiled schema: as printed (draft-07), and declared as draft 4, the draft Taplo documents.
struct Validator {
    /// The compiled schemas.
    schemas: boon::Schemas,
    /// The schema as printed and its draft-4 twin.
    indices: Vec<boon::SchemaIndex>,
}

impl Validator {
    /// Compiles `schema` (which the validator also checks against its draft's meta-schema).
    fn new(schema: &Value) -> Self {
        let mut schemas = boon::Schemas::new();
        let mut indices = Vec::new();
        let mut draft4 = schema.clone();
        draft4["$schema"] = Value::from("http://json-schema.org/draft-04/schema#");
        for (n, schema) in [schema.clone(), draft4].into_iter().enumerate() {
            let mut compiler = boon::Compiler::new();
            let url = format!("file:///budgetnote/schema{n}.json");
            compiler.add_resource(&url, schema).expect("schema added");
            let index = compiler
                .compile(&url, &mut schemas)
                .unwrap_or_else(|e| panic!("schema {n} compiles: {e:#}"));
            indices.push(index);
        }
        Self { schemas, indices }
    }

    /// Whether `instance` is valid under both drafts (they must agree); the errors if not.
    fn check(&self, instance: &Value) -> Result<(), String> {
        let results: Vec<Result<(), String>> = self
            .indices
            .iter()
            .map(|&i| {
                self.schemas
                    .validate(instance, i)
                    .map_err(|e| format!("{e:#}"))
            })
            .collect();
        assert_eq!(
            results[0].is_ok(),
            results[1].is_ok(),
            "draft-07 and draft-4 disagree: {results:?}"
        );
        results.into_iter().next().unwrap()
    }
}

/// Every `*.toml` under `dir` that is a proposal (not a catalogue).
fn proposals(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "toml")
                && !std::fs::read_to_string(&path)
                    .unwrap()
                    .contains("[catalogue]")
            {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// The value of `form = "…"` in a proposal's JSON.
fn form_of(instance: &Value) -> String {
    instance["form"].as_str().expect("form").to_owned()
}

/// Every bundled proposal (proposals/, tests/good/, the ledger fixtures of tests/tables/, the
/// new forms' examples and fixtures, and declared repeats) validates against its form's schema and
/// against the schema of any form.
#[test]
fn bundled_proposals_validate() {
    let any = Validator::new(&schema_of(&root(), None));
    let mut files = proposals(&root().join("proposals"));
    files.extend(proposals(&root().join("tests/good")));
    // Ledgers of every shape: budget stages, computed columns, groups, stated subtotals, a chart.
    files.extend(proposals(&root().join("tests/tables")));
    files.push(root().join("templates/budgetopfoelgning/example.toml"));
    files.push(root().join("templates/aendringsforslag/example.toml"));
    files.push(root().join("tests/amendments/konservative/proposal.toml"));
    // Declared repeats across tables (same_as, total_same_as).
    files.push(root().join("tests/crosschecks/same-as/proposal.toml"));
    // Figures read from spreadsheets (from).
    files.push(root().join("tests/sheets/twin/proposal.toml"));
    files.push(root().join("tests/sheets/twin/csv.toml"));
    assert!(files.len() >= 16, "{files:?}");
    for file in files {
        let instance = toml_to_json(&std::fs::read_to_string(&file).unwrap());
        let own = Validator::new(&schema_of(&root(), Some(&form_of(&instance))));
        if let Err(e) = own.check(&instance) {
            panic!("{} does not validate: {e}", file.display());
        }
        if let Err(e) = any.check(&instance) {
            panic!("{} does not validate against any form: {e}", file.display());
        }
    }
}

/// A project's own form has a schema from its own description, and its proposals validate.
#[test]
fn own_form_proposals_validate() {
    let project = root().join("tests/forms/own-form");
    let files = proposals(&project.join("proposals"));
    assert!(!files.is_empty());
    for file in files {
        let instance = toml_to_json(&std::fs::read_to_string(&file).unwrap());
        let schema = schema_of(&project, Some(&form_of(&instance)));
        if let Err(e) = Validator::new(&schema).check(&instance) {
            panic!("{} does not validate: {e}", file.display());
        }
    }
    // The own form is one of the choices of the schema of any form.
    let any = schema_of(&project, None);
    assert!(any["definitions"].get("form-tilskud").is_some(), "{any:#}");
}

/// Wrong types and values are refused: a number as title, a section the form does not have, a
/// checkbox option it does not offer, a decimal number as amount, a year key that is no year, a
/// missing required section, a wrong form name.
#[test]
fn wrong_values_do_not_validate() {
    let minimal = std::fs::read_to_string(root().join("tests/good/minimal.toml")).unwrap();
    let notat = std::fs::read_to_string(root().join("tests/good/budgetnotat.toml")).unwrap();
    let standard = Validator::new(&schema_of(&root(), Some("standard")));
    let budgetnotat = Validator::new(&schema_of(&root(), Some("budgetnotat")));
    let any = Validator::new(&schema_of(&root(), None));
    // The unchanged files are valid, so each failure below is the change's.
    assert!(standard.check(&toml_to_json(&minimal)).is_ok());
    assert!(budgetnotat.check(&toml_to_json(&notat)).is_ok());
    let cases = [
        (
            "title = 5",
            minimal.replace("title = \"Testforslag\"", "title = 5"),
        ),
        (
            "unknown section",
            minimal.replace("resume = ", "opsummering = \"x\"\nresume = "),
        ),
        (
            "amount 2.8",
            minimal.replace("2025 = -500, 2026", "2025 = 2.8, 2026"),
        ),
        (
            "amount text",
            minimal.replace("2025 = -500, 2026", "2025 = \"to tusind\", 2026"),
        ),
        (
            "year key",
            minimal.replace("2025 = -500, 2026", "y2025 = -500, 2026"),
        ),
        (
            "missing section",
            minimal.replace("resume = \"Resumé.\"\n", ""),
        ),
        ("missing budget", without_budget(&minimal)),
        (
            "unknown key",
            minimal.replace("proposer = ", "colour = \"blå\"\nproposer = "),
        ),
        (
            "wrong form",
            minimal.replace("form = \"standard\"", "form = \"standart\""),
        ),
    ];
    for (what, text) in &cases {
        assert_ne!(text, &minimal, "{what}: the case changes nothing");
        let instance = toml_to_json(text);
        assert!(standard.check(&instance).is_err(), "{what} validates");
        assert!(
            any.check(&instance).is_err(),
            "{what} validates as any form"
        );
    }
    let ticked = notat.replacen("\"Henvist sag\"", "\"Hastesag\"", 1);
    assert_ne!(ticked, notat, "the case changes nothing");
    let instance = toml_to_json(&ticked);
    assert!(
        budgetnotat.check(&instance).is_err(),
        "an option not offered validates"
    );
    assert!(any.check(&instance).is_err());
}

/// `text` without its `[budget]` tables (everything from `[budget]` up to `[sections]`).
fn without_budget(text: &str) -> String {
    let (head, rest) = text.split_once("[budget]").expect("has [budget]");
    let (_, tail) = rest.split_once("[sections]").expect("has [sections]");
    format!("{head}[sections]{tail}")
}

/// The output is deterministic and its keys are sorted.
#[test]
fn schema_is_sorted_and_stable() {
    let first = run_cli(&root(), &["schema"]).stdout;
    assert_eq!(first, run_cli(&root(), &["schema"]).stdout);
    let text = String::from_utf8(first).unwrap();
    let value: Value = serde_json::from_str(&text).unwrap();
    fn sorted(v: &Value) -> bool {
        match v {
            Value::Object(m) => {
                let keys: Vec<&String> = m.keys().collect();
                keys.windows(2).all(|w| w[0] <= w[1]) && m.values().all(sorted)
            }
            Value::Array(a) => a.iter().all(sorted),
            _ => true,
        }
    }
    // serde_json may keep insertion order; reading back keeps the printed order then, so
    // check the printed text too: "$schema" sorts before "definitions", which sorts before "oneOf".
    assert!(sorted(&value));
    let (a, b, c) = (
        text.find("\"$schema\"").unwrap(),
        text.find("\"definitions\"").unwrap(),
        text.find("\"oneOf\"").unwrap(),
    );
    assert!(a < b && b < c);
}

/// An unknown form is refused with exit 2 and the nearest name.
#[test]
fn unknown_form_is_refused() {
    let out = run_cli(&root(), &["schema", "standart"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("\"standart\"") && err.contains("standard"),
        "{err}"
    );
}

/// Wrong ledger keys are refused in the follow-up fixture: decimals out of range, a sign rule that
/// is none, a group level that is none, a zero that is neither "0" nor "-", an unknown column key,
/// a difference of three columns, a chart key that is none.
#[test]
fn wrong_ledger_values_do_not_validate() {
    let fixture =
        std::fs::read_to_string(root().join("tests/tables/opfoelgning/proposal.toml")).unwrap();
    let own = Validator::new(&schema_of(&root(), Some("budgetopfoelgning")));
    assert!(own.check(&toml_to_json(&fixture)).is_ok());
    let cases = [
        (
            "decimals = 4",
            "unit = \"1.000 kr.\"",
            "unit = \"1.000 kr.\"\ndecimals = 4",
        ),
        (
            "zero = x",
            "unit = \"1.000 kr.\"",
            "unit = \"1.000 kr.\"\nzero = \"x\"",
        ),
        ("sign both", "sign = \"signed\"", "sign = \"both\""),
        (
            "group_by udvalg",
            "[\"committee\", \"area\"]",
            "[\"udvalg\", \"area\"]",
        ),
        (
            "column formel",
            "header = \"Afvigelse\",",
            "header = \"Afvigelse\", formel = \"x\",",
        ),
        (
            "difference of three",
            "difference = [\"forventet\", \"korrigeret\"]",
            "difference = [\"forventet\", \"korrigeret\", \"forbrug\"]",
        ),
        ("chart key", "chart = { columns", "chart = { bars"),
    ];
    for (what, from, to) in cases {
        let text = fixture.replacen(from, to, 1);
        assert_ne!(text, fixture, "{what}: the case changes nothing");
        assert!(own.check(&toml_to_json(&text)).is_err(), "{what} validates");
    }
}
