//! `budgetnote schema [FORM]`: every bundled proposal validates against its form's schema (and
//! the schema of any form), wrong types and values do not.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{root, run_cli};

/// The JSON a TOML text becomes for a schema validator (dates become strings, as in Taplo).
pub fn toml_to_json(text: &str) -> Value {
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
pub struct Validator {
    /// The compiled schemas.
    schemas: boon::Schemas,
    /// The schema as printed and its draft-4 twin.
    indices: Vec<boon::SchemaIndex>,
}

impl Validator {
    /// Compiles `schema` (which the validator also checks against its draft's meta-schema).
    pub fn new(schema: &Value) -> Self {
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
    pub fn check(&self, instance: &Value) -> Result<(), String> {
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
    let files = bundled_files();
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

/// The bundled proposals and fixtures whose shapes the schema must accept.
fn bundled_files() -> Vec<PathBuf> {
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
    files
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
            "date as text",
            minimal.replace(
                "id = \"T01\"",
                "id = \"T01\"\ndate = \"14. september 2026\"",
            ),
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

/// The schema `budgetnote::schema` generates for the proposal model, with its definitions.
fn model_schema() -> (Value, serde_json::Map<String, Value>) {
    let (proposal, definitions) = budgetnote::schema::model();
    (Value::Object(proposal), definitions)
}

/// `schema` with a `$ref` (bare or in an `allOf`) followed into `definitions`; the definition's
/// name too.
fn resolve<'a>(
    schema: &'a Value,
    definitions: &'a serde_json::Map<String, Value>,
) -> (&'a Value, Option<&'a str>) {
    let reference = schema
        .get("$ref")
        .or_else(|| schema.pointer("/allOf/0/$ref"))
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/definitions/"));
    match reference.and_then(|name| definitions.get_key_value(name)) {
        Some((name, definition)) => (definition, Some(name.as_str())),
        None => (schema, None),
    }
}

/// What [`walk_tables`] calls at each table: the model path, the definition's name, its keys.
type Visit<'a> =
    dyn FnMut(&[budgetnote::parse::Step], Option<&str>, &serde_json::Map<String, Value>) + 'a;

/// Walks the schema from the proposal down, calling `visit` with the model path and the
/// definition's name at every table the schema names keys of.
fn walk_tables(
    schema: &Value,
    name: Option<&str>,
    path: &mut Vec<budgetnote::parse::Step>,
    definitions: &serde_json::Map<String, Value>,
    seen: &mut Vec<String>,
    visit: &mut Visit<'_>,
) {
    use budgetnote::parse::Step;
    let (schema, own_name) = resolve(schema, definitions);
    let name = own_name.or(name);
    if let Some(name) = own_name {
        // A definition is walked once (the model has no cycles, but many uses).
        let key = format!("{name}@{}", path.len());
        if seen.contains(&key) {
            return;
        }
        seen.push(key);
    }
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        visit(path, name, properties);
        for (key, property) in properties {
            path.push(Step::Key(key.clone()));
            walk_tables(property, None, path, definitions, seen, visit);
            path.pop();
        }
    }
    if let Some(items) = schema.get("items") {
        path.push(Step::Index(0));
        walk_tables(items, None, path, definitions, seen, visit);
        path.pop();
    }
    if let Some(value) = schema.get("additionalProperties").filter(|v| v.is_object()) {
        path.push(Step::Key("any".into()));
        walk_tables(value, None, path, definitions, seen, visit);
        path.pop();
    }
    for alternative in schema
        .get("anyOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        walk_tables(alternative, name, path, definitions, seen, visit);
    }
}

/// The schema follows the model: at every table of a proposal the schema names exactly the
/// keys the parser reads there (serde's own field lists, which its unknown-key check uses), so
/// a key the parser accepts is in the schema and one it reports as unknown is not.
#[test]
fn schema_keys_are_the_parsers() {
    use budgetnote::model::{ColumnSpec, Proposal};
    use budgetnote::parse::known_keys;
    let (proposal, definitions) = model_schema();
    let mut checked = Vec::new();
    let mut visit = |path: &[budgetnote::parse::Step],
                     name: Option<&str>,
                     properties: &serde_json::Map<String, Value>| {
        let mut model: Vec<&str> = known_keys::<Proposal>(path);
        // A ledger column's table is read by the column's own visitor, as the parser's
        // unknown-key check knows.
        if name == Some("ColumnSpec") {
            model = known_keys::<ColumnSpec>(&[]);
        }
        let mut schema: Vec<&str> = properties.keys().map(String::as_str).collect();
        schema.sort_unstable();
        model.sort_unstable();
        if model.is_empty() {
            // Tables whose keys the model leaves free (form sections and checkbox groups,
            // expense types of `stated_net`, acknowledgements, a cell) are the form's or the
            // validator's, tested elsewhere.
            return;
        }
        assert_eq!(schema, model, "keys at {path:?} ({name:?})");
        checked.push(name.unwrap_or("?").to_owned());
    };
    walk_tables(
        &proposal,
        Some("Proposal"),
        &mut Vec::new(),
        &definitions,
        &mut Vec::new(),
        &mut visit,
    );
    checked.sort();
    checked.dedup();
    // Every struct of the model was compared.
    for name in [
        "Proposal",
        "Logo",
        "BudgetTable",
        "BudgetLine",
        "Staff",
        "StaffArea",
        "Table",
        "ColumnSpec",
        "SheetRange",
        "Chart",
        "Row",
        "Request",
        "RequestPart",
        "Agreement",
        "Block",
    ] {
        assert!(
            checked.iter().any(|c| c == name),
            "{name} not compared: {checked:?}"
        );
    }
}

/// Every table written in a bundled proposal, as the path of keys to it.
fn tables_in(value: &toml::Value, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match value {
        toml::Value::Table(table) => {
            out.push(path.clone());
            for (key, inner) in table {
                path.push(key.clone());
                tables_in(inner, path, out);
                path.pop();
            }
        }
        toml::Value::Array(items) => {
            for (i, inner) in items.iter().enumerate() {
                path.push(format!("#{i}"));
                tables_in(inner, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// The value at `path` (keys, `#i` for an array's element).
fn at_mut<'a>(value: &'a mut toml::Value, path: &[String]) -> &'a mut toml::Value {
    path.iter()
        .fold(value, |v, step| match step.strip_prefix('#') {
            Some(i) => &mut v.as_array_mut().unwrap()[i.parse::<usize>().unwrap()],
            None => v.get_mut(step.as_str()).unwrap(),
        })
}

/// The parser's diagnostics for a proposal's text.
fn parsed(text: &str) -> Vec<budgetnote::diagnostic::Diagnostic> {
    budgetnote::parse::parse_document::<budgetnote::model::Proposal>(text).1
}

/// In every table of every bundled proposal, a made-up key is reported by the parser (W001, or
/// E043 when close to a known key) and refused by the schema; the same file without it parses
/// without either. Tables whose keys are free in the model (sections, checkbox groups, tables
/// by id, amounts by year, acknowledgements) are the form's and the validator's, left out.
#[test]
fn unknown_keys_are_refused_by_both() {
    use budgetnote::diagnostic::Code;
    let free = [
        "sections",
        "checkboxes",
        "tables",
        "amounts",
        "current",
        "fte",
        "stated_totals",
        "stated_subtotals",
        "stated_net",
        "acknowledged",
    ];
    let mut tried = 0;
    for file in bundled_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        let document: toml::Value = toml::from_str(&text).unwrap();
        let form = document["form"].as_str().unwrap().to_owned();
        let validator = Validator::new(&schema_of(&root(), Some(&form)));
        let unknown = |d: &budgetnote::diagnostic::Diagnostic| {
            (d.code == Code::W001 || d.code == Code::E043) && d.message.contains("zz_made_up")
        };
        assert!(!parsed(&text).iter().any(unknown));
        let mut tables = Vec::new();
        tables_in(&document, &mut Vec::new(), &mut tables);
        for path in tables {
            // A table under a free-keyed table (a table by id) is the model's again.
            if path.last().is_some_and(|k| free.contains(&k.as_str())) {
                continue;
            }
            // The amounts of one expense type or group are amounts by year or column too.
            if path.len() >= 2
                && ["stated_net", "stated_subtotals"].contains(&path[path.len() - 2].as_str())
            {
                continue;
            }
            let mut changed = document.clone();
            at_mut(&mut changed, &path)
                .as_table_mut()
                .unwrap()
                .insert("zz_made_up".into(), toml::Value::Boolean(true));
            let changed_text = toml::to_string(&changed).unwrap();
            assert!(
                parsed(&changed_text).iter().any(unknown),
                "{}: the parser takes zz_made_up at {path:?}",
                file.display()
            );
            assert!(
                validator.check(&toml_to_json(&changed_text)).is_err(),
                "{}: the schema takes zz_made_up at {path:?}",
                file.display()
            );
            tried += 1;
        }
    }
    assert!(tried > 100, "{tried}");
}

/// Every value of a bundled proposal turned into one of another type (a string, number or date
/// into a boolean, a boolean into a string) is refused by the parser and by
/// the schema alike, so the types the schema states are the model's.
#[test]
fn wrong_types_are_refused_by_both() {
    let mut tried = 0;
    for file in bundled_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        let document: toml::Value = toml::from_str(&text).unwrap();
        let form = document["form"].as_str().unwrap().to_owned();
        let validator = Validator::new(&schema_of(&root(), Some(&form)));
        let mut leaves = Vec::new();
        scalars_in(&document, &mut Vec::new(), &mut leaves);
        for path in leaves {
            // `[acknowledged]` is read by its own reader, after parsing.
            if path.first().is_some_and(|k| k == "acknowledged") {
                continue;
            }
            let mut changed = document.clone();
            let value = at_mut(&mut changed, &path);
            // No key of the model takes a boolean but its switches, which take nothing else.
            *value = match value {
                toml::Value::Boolean(_) => toml::Value::String("x".into()),
                _ => toml::Value::Boolean(true),
            };
            let changed_text = toml::to_string(&changed).unwrap();
            let (model, diagnostics) =
                budgetnote::parse::parse_document::<budgetnote::model::Proposal>(&changed_text);
            assert!(
                model.is_none() && !diagnostics.is_empty(),
                "{}: the parser takes a wrong type at {path:?}",
                file.display()
            );
            assert!(
                validator.check(&toml_to_json(&changed_text)).is_err(),
                "{}: the schema takes a wrong type at {path:?}",
                file.display()
            );
            tried += 1;
        }
    }
    assert!(tried > 200, "{tried}");
}

/// Every scalar value (not a table or array) of a document, as its path.
fn scalars_in(value: &toml::Value, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match value {
        toml::Value::Table(table) => {
            for (key, inner) in table {
                path.push(key.clone());
                scalars_in(inner, path, out);
                path.pop();
            }
        }
        toml::Value::Array(items) => {
            for (i, inner) in items.iter().enumerate() {
                path.push(format!("#{i}"));
                scalars_in(inner, path, out);
                path.pop();
            }
        }
        _ => out.push(path.clone()),
    }
}

// The editor schema `new` writes follows the profile on every `check`: a district set in the
// profile after `new` is accepted by the schema file as by `check`, and one the profile does
// not list is refused by both.
#[test]
fn check_refreshes_the_editor_schema() {
    let dir = tempfile::tempdir().unwrap();
    let settings = std::fs::read_to_string(root().join("budgetnote.toml"))
        .unwrap()
        .replace("\"Vanløse\",", "\"Vanløse\",\n  \"Nordhavn\",");
    let out = run_cli(dir.path(), &["new", "budgetnotat", "proposals/nyt.toml"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let schema_file = dir.path().join(".budgetnote/schema/budgetnotat.json");
    let before = std::fs::read_to_string(&schema_file).unwrap();
    assert!(!before.contains("Nordhavn"));
    std::fs::write(dir.path().join("budgetnote.toml"), &settings).unwrap();
    let proposal = std::fs::read_to_string(root().join("tests/good/budgetnotat.toml")).unwrap();
    let ticked = |district: &str| {
        let text = with_district(&proposal, district);
        std::fs::write(dir.path().join("proposals/nyt.toml"), &text).unwrap();
        let checked = run_cli(dir.path(), &["check", "proposals/nyt.toml"]);
        let schema: Value =
            serde_json::from_str(&std::fs::read_to_string(&schema_file).unwrap()).unwrap();
        let valid = Validator::new(&schema).check(&toml_to_json(&text));
        (checked.status.code(), valid.is_ok())
    };
    assert_eq!(ticked("Nordhavn"), (Some(0), true));
    assert_eq!(ticked("Nordhavnen"), (Some(1), false));
}

/// `text` (the small budgetnotat fixture) ticking the district `district`.
fn with_district(text: &str, district: &str) -> String {
    let line = "kategorisering = [\"Henvist sag\"]\n";
    assert!(text.contains(line), "the fixture ticks a category");
    text.replacen(line, &format!("{line}bydele = [\"{district}\"]\n"), 1)
}

// `schema --catalogue`: every catalogue that checks clean validates against it, and a catalogue
// with an unknown key, an unknown unit or grouping, or no proposals does not (as `check` refuses
// them).
#[test]
fn catalogue_schema_accepts_what_check_accepts() {
    let out = run_cli(&root(), &["schema", "--catalogue"]);
    assert!(out.status.success(), "{out:?}");
    let schema: Value = serde_json::from_slice(&out.stdout).unwrap();
    let validator = Validator::new(&schema);
    let mut catalogues = vec![root().join("proposals/katalog-med-forslag.toml")];
    for entry in std::fs::read_dir(root().join("tests/catalogues")).unwrap() {
        let file = entry.unwrap().path().join("catalogue.toml");
        if file.is_file() {
            catalogues.push(file);
        }
    }
    let mut checked_clean = 0;
    for file in &catalogues {
        let check = run_cli(&root(), &["check", file.to_str().unwrap()]);
        if check.status.code() != Some(0) {
            continue;
        }
        checked_clean += 1;
        let text = std::fs::read_to_string(file).unwrap();
        if let Err(e) = validator.check(&toml_to_json(&text)) {
            panic!("{} checks clean but fails the schema: {e}", file.display());
        }
    }
    assert!(checked_clean >= 3, "{checked_clean} clean catalogues");
    let good = std::fs::read_to_string(root().join("proposals/katalog-med-forslag.toml")).unwrap();
    for (from, to) in [
        ("title = ", "titel = \"x\"\ntitle = "),
        ("year = 2025", "year = 2025\nunit = \"mia. kr.\""),
        ("group_by = \"target_group\"", "group_by = \"maalgruppe\""),
        ("proposals = [\"katalog/\"]", "proposals = []"),
        ("year = 2025", "year = \"2025\""),
    ] {
        let bad = good.replacen(from, to, 1);
        assert_ne!(bad, good);
        assert!(
            validator.check(&toml_to_json(&bad)).is_err(),
            "the schema accepts {to:?}"
        );
    }
}

// `check` never rewrites a schema through a symlink: with `.budgetnote/schema` linked to a folder
// outside the project, the schema file there is left as it was.
#[test]
fn check_does_not_write_schemas_through_a_symlink() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("p");
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(project.join(".budgetnote")).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("standard.json"), "mine").unwrap();
    std::os::unix::fs::symlink(&outside, project.join(".budgetnote/schema")).unwrap();
    std::fs::create_dir_all(project.join("proposals")).unwrap();
    std::fs::copy(
        root().join("tests/good/minimal.toml"),
        project.join("proposals/minimal.toml"),
    )
    .unwrap();
    let out = run_cli(&project, &["check"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(
        std::fs::read_to_string(outside.join("standard.json")).unwrap(),
        "mine"
    );
    // Without the link the same file is refreshed, so the assertion above can fail.
    std::fs::remove_file(project.join(".budgetnote/schema")).unwrap();
    std::fs::create_dir_all(project.join(".budgetnote/schema")).unwrap();
    std::fs::write(project.join(".budgetnote/schema/standard.json"), "mine").unwrap();
    assert_eq!(run_cli(&project, &["check"]).status.code(), Some(0));
    assert_ne!(
        std::fs::read_to_string(project.join(".budgetnote/schema/standard.json")).unwrap(),
        "mine"
    );
}

/// English words that never occur in Danish text, each matched as a whole word.
const ENGLISH_WORDS: [&str; 42] = [
    "the", "of", "is", "are", "must", "with", "which", "when", "where", "required", "optional",
    "an", "or", "and", "its", "this", "that", "these", "those", "not", "it", "be", "if", "as",
    "in", "on", "into", "than", "then", "each", "every", "only", "what", "who", "may", "can",
    "does", "has", "have", "should", "default", "etc",
];

/// The English words of `text` (whole words, any case), with "e.g." and "i.e.".
fn english_words(text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    let mut found: Vec<String> = ["e.g.", "i.e."]
        .iter()
        .filter(|abbreviation| lower.contains(*abbreviation))
        .map(|abbreviation| (*abbreviation).to_owned())
        .collect();
    for word in lower.split(|c: char| !c.is_alphanumeric() && c != '_') {
        if ENGLISH_WORDS.contains(&word) && !found.iter().any(|f| f == word) {
            found.push(word.to_owned());
        }
    }
    found
}

/// Every `description` and `title` text under `value`, with its JSON path from `path`.
fn texts(value: &Value, path: &str, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let here = format!("{path}/{key}");
                match child {
                    Value::String(text) if key == "description" || key == "title" => {
                        out.push((here, text.clone()));
                    }
                    _ => texts(child, &here, out),
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                texts(item, &format!("{path}/{i}"), out);
            }
        }
        _ => {}
    }
}

// The editor's hover help is Danish: every `description` (and `title`) of every schema budgetnote
// writes (`schema`, `schema FORM` for each bundled form and for a project's own form,
// `schema --catalogue`, and the schemas `check` rewrites in .budgetnote/schema/) holds no
// English function word; a failure names each English text with its JSON path.
#[test]
fn schema_descriptions_are_danish() {
    let mut schemas = vec![("schema".to_owned(), schema_of(&root(), None))];
    for form in budgetnote::forms::Forms::bundled().iter() {
        schemas.push((
            format!("schema {}", form.name),
            schema_of(&root(), Some(&form.name)),
        ));
    }
    let own = root().join("tests/forms/own-form");
    schemas.push(("schema (own form)".to_owned(), schema_of(&own, None)));
    let out = run_cli(&root(), &["schema", "--catalogue"]);
    assert!(out.status.success(), "{out:?}");
    schemas.push((
        "schema --catalogue".to_owned(),
        serde_json::from_slice(&out.stdout).unwrap(),
    ));
    // The schemas `check` writes: each made by `new`, then spoilt, then rewritten by `check`.
    let dir = tempfile::tempdir().unwrap();
    let forms: Vec<String> = budgetnote::forms::Forms::bundled()
        .iter()
        .map(|f| f.name.clone())
        .collect();
    for form in &forms {
        let out = run_cli(
            dir.path(),
            &["new", form, &format!("proposals/{form}.toml")],
        );
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        std::fs::write(
            dir.path().join(format!(".budgetnote/schema/{form}.json")),
            "{}\n",
        )
        .unwrap();
    }
    run_cli(dir.path(), &["check"]);
    for form in &forms {
        let file = dir.path().join(format!(".budgetnote/schema/{form}.json"));
        let text = std::fs::read_to_string(&file).unwrap();
        assert_ne!(text, "{}\n", "check did not rewrite {}", file.display());
        schemas.push((
            format!("check: .budgetnote/schema/{form}.json"),
            serde_json::from_str(&text).unwrap(),
        ));
    }
    let mut english = Vec::new();
    let mut count = 0;
    for (source, schema) in &schemas {
        let mut found = Vec::new();
        texts(schema, "", &mut found);
        count += found.len();
        for (path, text) in found {
            let words = english_words(&text);
            if !words.is_empty() {
                english.push(format!("{source}: {path}: {text:?} (English: {words:?})"));
            }
        }
    }
    assert!(count > 200, "only {count} descriptions found");
    assert!(
        english.is_empty(),
        "{} English description(s):\n{}",
        english.len(),
        english.join("\n")
    );
}
