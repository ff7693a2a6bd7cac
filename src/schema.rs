//! The JSON Schema of a form's proposals and the skeleton `budgetnote new` writes, both generated
//! from the model the parser reads ([`crate::model`], through `schemars`) and the form's
//! `form.toml`, so neither can drift from what `check` accepts.
//!
//! The model gives every key, which keys are required, their types and their descriptions: the
//! Danish `#[schemars(description = "…")]` beside each doc comment, since the editor shows them
//! to the user (the doc comments stay English, for developers). [`rules`] adds the values the
//! validator accepts where the model reads plain text (units, expense types, …); the form adds
//! its name, sections and checkbox groups, with Danish descriptions too.
//! The schemas declare draft-07 but use only keywords of draft 4 (`enum`, not `const`; `oneOf`,
//! not `if`/`then`; `definitions`), which is what Taplo documents it supports.

use std::borrow::Cow;
use std::collections::BTreeSet;

use schemars::{JsonSchema, Schema, SchemaGenerator, generate::SchemaSettings, json_schema};
use serde_json::{Map, Value, json};

use crate::forms::Form;
use crate::model::{Cell, Column, ColumnSpec, Proposal, RawAmount, SectionBody};

pub mod skeleton;

/// The draft the schemas declare.
pub const DRAFT: &str = "http://json-schema.org/draft-07/schema#";

/// The word every placeholder of a skeleton starts with ("fill in").
pub const PLACEHOLDER: &str = "UDFYLD";

/// The word a description uses for a key that must be written (a required section, `proposer`
/// unless the profile names one); the skeleton fills in a key whose description says it.
pub const REQUIRED: &str = "påkrævet";

/// `[acknowledged]`, which the model keeps as raw TOML for [`crate::acknowledge`] to read: a
/// warning code with a reason, `{ at, reason }`, or a list of those.
fn acknowledged() -> Value {
    let entry = json!({
        "type": "object",
        "description": "Én accepteret advarsel: den tekst, den peger på, og hvorfor teksten er rigtig.",
        "properties": {
            "at": { "type": "string", "description": "Den tekst, advarslen peger på (dens markering falder inden i teksten)." },
            "reason": { "type": "string", "description": "Hvorfor advarslen ikke holder her, forklaret til den, der gennemgår forslaget." },
        },
        "additionalProperties": false,
    });
    json!({
        "type": "object",
        "patternProperties": {
            "^[EWew][0-9]+$": {
                "anyOf": [
                    { "type": "string" },
                    entry.clone(),
                    { "type": "array", "items": entry },
                ],
            },
        },
        "additionalProperties": false,
    })
}

/// Amounts keyed by a year (`2026 = -2800`), as the budget table's validator demands.
fn by_year() -> Value {
    json!({
        "patternProperties": { "^[0-9]{4}$": { "$ref": "#/definitions/RawAmount" } },
        "additionalProperties": false,
    })
}

/// The amounts a Danish number string may be written as: `-2800`, `"-2.800"`, `"2,8"`, `"+4"`.
const AMOUNT_PATTERN: &str = "^\\s*[-+\u{2212}]?([0-9]{1,3}(\\.[0-9]{3})+|[0-9]+)(,[0-9]+)?\\s*$";

impl JsonSchema for RawAmount {
    fn schema_name() -> Cow<'static, str> {
        "RawAmount".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        // One `type` list, not `anyOf`: a float then gets "not of type integer, string", and
        // `pattern` applies to strings only.
        json_schema!({
            "type": ["integer", "string"],
            "pattern": AMOUNT_PATTERN,
            "description": "Et beløb: et helt tal som -2800 eller et dansk tal i anførselstegn som \"-2,8\" eller \"-2.800\" (aldrig et decimaltal som 2.8, der ikke er eksakt).",
        })
    }
}

impl JsonSchema for SectionBody {
    fn schema_name() -> Cow<'static, str> {
        "SectionBody".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Markdown-tekst eller en liste af blokke som [{ text = \"…\" }, { table = \"id\" }].",
            "anyOf": [
                { "type": "string" },
                { "type": "array", "items": generator.subschema_for::<crate::model::Block>() },
            ],
        })
    }
}

impl JsonSchema for Cell {
    fn schema_name() -> Cow<'static, str> {
        "Cell".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "En tekstcelle: Markdown eller { heading = \"…\", body = \"…\" } med en understreget underoverskrift.",
            "anyOf": [
                { "type": "string" },
                {
                    "type": "object",
                    "properties": {
                        "heading": { "type": "string", "description": "Understreget underoverskrift." },
                        "body": { "type": "string", "description": "Brødtekst i Markdown." },
                    },
                    "additionalProperties": false,
                },
            ],
        })
    }
}

impl JsonSchema for Column {
    fn schema_name() -> Cow<'static, str> {
        "Column".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "En kolonne i en beløbstabel: en tekst er en tekstkolonnes overskrift; en tabel er en tekstkolonne (text = true), en beløbskolonne (key, header) eller en beregnet kolonne (sum, difference eller percent).",
            "anyOf": [
                { "type": "string" },
                generator.subschema_for::<ColumnSpec>(),
            ],
        })
    }
}

/// The units a table's amounts may be in (what [`crate::checked::Unit::from_key`] reads).
pub const UNITS: [&str; 5] = ["1.000 kr.", "mio. kr.", "kr.", "1000 kr.", "t.kr."];

/// The expense types (what [`crate::checked::ExpenseType::from_key`] reads).
pub const EXPENSES: [&str; 7] = [
    "service",
    "overførsel",
    "overforsel",
    "overførsler",
    "anlæg",
    "anlaeg",
    "finansiering",
];

/// The kinds of a budget line (what [`crate::checked::LineKind::from_key`] reads).
pub const LINE_KINDS: [&str; 10] = [
    "omstilling",
    "investering-drift",
    "investering-anlæg",
    "investering-anlaeg",
    "effektivisering",
    "besparelse",
    "merudgift",
    "mindreudgift",
    "indtægt",
    "indtaegt",
];

/// How a ledger's zero may print (what [`crate::ledger::Zero::from_key`] reads).
pub const ZEROS: [&str; 3] = ["0", "-", "\u{2013}"];

/// The values the validator accepts where the model reads plain text or numbers: (definition,
/// property, keywords added to the property's schema). Every pair names a property of the
/// generated schema (tested), so a renamed key cannot leave a rule behind.
pub fn rules() -> Vec<(&'static str, &'static str, Value)> {
    let years =
        json!({ "items": { "type": "integer", "minimum": 1000, "maximum": 9999 }, "minItems": 1 });
    let decimals = json!({ "minimum": 0, "maximum": 3 });
    let pair = json!({ "minItems": 2, "maxItems": 2 });
    vec![
        ("Proposal", "committees", json!({ "minItems": 1 })),
        // A TOML date reaches the editor's validator as "2026-09-14"; a date written as text
        // ("14. september 2026") is refused as `check` refuses it (`format` alone is not checked).
        (
            "Proposal",
            "date",
            json!({ "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}" }),
        ),
        ("BudgetTable", "unit", json!({ "enum": UNITS })),
        ("Table", "unit", json!({ "enum": UNITS })),
        ("Request", "unit", json!({ "enum": UNITS })),
        ("BudgetTable", "years", years.clone()),
        ("BudgetTable", "lines", json!({ "minItems": 1 })),
        ("BudgetTable", "current", by_year()),
        ("BudgetLine", "amounts", by_year()),
        ("Staff", "fte", by_year()),
        ("StaffArea", "fte", by_year()),
        ("Proposal", "acknowledged", acknowledged()),
        ("Table", "years", years),
        ("BudgetLine", "kind", json!({ "enum": LINE_KINDS })),
        ("BudgetLine", "expense", json!({ "enum": EXPENSES })),
        ("Row", "expense", json!({ "enum": EXPENSES })),
        (
            "BudgetTable",
            "expense_types",
            json!({ "items": { "enum": EXPENSES } }),
        ),
        (
            "BudgetTable",
            "stated_net",
            json!({
                "properties": EXPENSES.iter().map(|e| {
                    let mut amounts = by_year();
                    amounts["type"] = json!("object");
                    ((*e).to_owned(), amounts)
                }).collect::<Map<String, Value>>(),
                "additionalProperties": false,
            }),
        ),
        (
            "Table",
            "kind",
            json!({ "enum": ["ledger", "text", "comparison"] }),
        ),
        ("Table", "decimals", decimals.clone()),
        ("ColumnSpec", "decimals", decimals),
        ("Table", "zero", json!({ "enum": ZEROS })),
        (
            "Table",
            "group_by",
            json!({ "items": { "enum": ["committee", "area", "expense", "group"] } }),
        ),
        (
            "ColumnSpec",
            "sign",
            json!({ "enum": ["signed", "unsigned"] }),
        ),
        ("ColumnSpec", "difference", pair.clone()),
        ("ColumnSpec", "percent", pair),
        ("Chart", "columns", json!({ "minItems": 1 })),
    ]
}

/// The schema of a catalogue file (`[catalogue]` and `[acknowledged]`), from the model the
/// catalogue's parser reads, with the values its checks accept where it reads plain text.
pub fn catalogue() -> Value {
    let generator = SchemaSettings::draft07().into_generator();
    let mut root = generator
        .into_root_schema_for::<crate::catalogue::CatalogueFile>()
        .to_value();
    tidy(&mut root);
    let units = json!({ "enum": UNITS });
    let catalogue_rules = vec![
        ("CatalogueFile", "acknowledged", acknowledged()),
        ("CatalogueSpec", "unit", units.clone()),
        ("CatalogueSpec", "target", by_year()),
        (
            "CatalogueSpec",
            "group_by",
            json!({ "enum": ["target_group", "committee", "none"] }),
        ),
        ("CatalogueSpec", "proposals", json!({ "minItems": 1 })),
        (
            "CatalogueSpec",
            "year",
            json!({ "minimum": 1000, "maximum": 9999 }),
        ),
        ("Frame", "unit", units),
        ("GroupTotal", "amounts", by_year()),
    ];
    if let Value::Object(map) = &mut root {
        let mut definitions = match map.remove("definitions") {
            Some(Value::Object(definitions)) => definitions,
            _ => Map::new(),
        };
        apply(catalogue_rules, "CatalogueFile", map, &mut definitions);
        map.insert("definitions".into(), Value::Object(definitions));
    }
    if let Value::Object(map) = &mut root {
        map.insert("$schema".into(), json!(DRAFT));
        map.insert("title".into(), json!("budgetnote-katalog"));
        map.insert(
            "description".into(),
            json!("Et katalog med budgetforslag: forside, ramme eller besparelsesmål, gruppering, pakker og de forslagsfiler, kataloget trykker."),
        );
    }
    root
}

/// The model's schema as schemars makes it for draft-07: the proposal at the root, its parts
/// under `definitions`.
fn generated() -> Value {
    let generator = SchemaSettings::draft07().into_generator();
    generator.into_root_schema_for::<Proposal>().to_value()
}

/// The model's schema for editors: no `null` (TOML has none), no integer formats, every table
/// closed to unknown keys (the parser warns about them), [`rules`] applied, and descriptions
/// beside a `$ref` moved into an `allOf` (Taplo ignores keys beside `$ref`). Returns the proposal
/// object and the definitions.
pub fn model() -> (Map<String, Value>, Map<String, Value>) {
    let mut root = generated();
    tidy(&mut root);
    let Value::Object(mut root) = root else {
        return (Map::new(), Map::new());
    };
    let mut definitions = match root.remove("definitions") {
        Some(Value::Object(map)) => map,
        _ => Map::new(),
    };
    root.remove("$schema");
    root.remove("title");
    apply(rules(), "Proposal", &mut root, &mut definitions);
    (root, definitions)
}

/// Adds each rule's keywords to its property: `root`'s when the rule names `root_name`, else
/// the named definition's (an enum replaces the plain type it narrows).
fn apply(
    rules: Vec<(&'static str, &'static str, Value)>,
    root_name: &str,
    root: &mut Map<String, Value>,
    definitions: &mut Map<String, Value>,
) {
    for (definition, property, keywords) in rules {
        let target = if definition == root_name {
            Some(&mut *root)
        } else {
            definitions
                .get_mut(definition)
                .and_then(Value::as_object_mut)
        };
        if let Some(Value::Object(schema)) = target
            .and_then(|t| t.get_mut("properties"))
            .and_then(|p| p.get_mut(property))
            && let Value::Object(keywords) = keywords
        {
            if keywords.contains_key("enum") {
                schema.remove("type");
            }
            schema.extend(keywords);
        }
    }
}

/// Cleans a generated schema in place (see [`model`]).
fn tidy(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.remove("default");
            if map
                .get("format")
                .is_some_and(|f| f.as_str() != Some("date"))
            {
                map.remove("format");
            }
            // `null` out of type lists and alternatives.
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let single = types.remove(0);
                    map.insert("type".into(), single);
                }
            }
            if let Some(Value::Array(choices)) = map.get_mut("anyOf") {
                choices.retain(|c| c.get("type").is_none_or(|t| t != "null"));
                if choices.len() == 1 {
                    let single = choices.remove(0);
                    map.remove("anyOf");
                    if let Value::Object(single) = single {
                        for (k, v) in single {
                            map.entry(k).or_insert(v);
                        }
                    }
                }
            }
            if let Some(Value::String(reference)) = map.get("$ref").cloned()
                && map.len() > 1
            {
                map.remove("$ref");
                map.insert("allOf".into(), json!([{ "$ref": reference }]));
            }
            if map.get("type").is_some_and(|t| t == "object")
                && map.contains_key("properties")
                && !map.contains_key("additionalProperties")
            {
                map.insert("additionalProperties".into(), Value::Bool(false));
            }
            // Draft 4 wants `required` non-empty when present.
            if map
                .get("required")
                .and_then(Value::as_array)
                .is_some_and(Vec::is_empty)
            {
                map.remove("required");
            }
            map.values_mut().for_each(tidy);
        }
        Value::Array(items) => items.iter_mut().for_each(tidy),
        _ => {}
    }
}

/// The schema of a proposal of `form`, with the model's definitions.
pub fn for_form(form: &Form) -> Value {
    let (proposal, definitions) = model();
    let mut schema = proposal_of(form, proposal);
    schema.insert("$schema".into(), json!(DRAFT));
    schema.insert(
        "title".into(),
        json!(format!("budgetnote-forslag, skema \"{}\"", form.name)),
    );
    schema.insert("definitions".into(), Value::Object(definitions));
    Value::Object(schema)
}

/// A schema accepting a proposal of any of `forms`: exactly one form's schema must match (each
/// requires its own `form` value).
pub fn any_form<'a>(forms: impl IntoIterator<Item = &'a Form>) -> Value {
    let (proposal, mut definitions) = model();
    let mut choices = Vec::new();
    let mut names = Vec::new();
    for form in forms {
        let key = format!("form-{}", form.name);
        definitions.insert(
            key.clone(),
            Value::Object(proposal_of(form, proposal.clone())),
        );
        choices.push(json!({ "$ref": format!("#/definitions/{key}") }));
        names.push(form.name.clone());
    }
    json!({
        "$schema": DRAFT,
        "title": "budgetnote-forslag",
        "description": format!(
            "Et budgetforslag til budgetnote; `form` angiver, hvilket skema det bruger ({}).",
            names.join(", ")
        ),
        "type": "object",
        "oneOf": choices,
        "definitions": Value::Object(definitions),
    })
}

/// The model's proposal narrowed to `form`: its name, its sections and checkbox groups, and
/// `[budget]` required when the form prints it.
fn proposal_of(form: &Form, mut proposal: Map<String, Value>) -> Map<String, Value> {
    proposal.insert(
        "description".into(),
        json!(format!(
            "Et forslag på skemaet \"{}\" ({}): {}.",
            form.name, form.label, form.description
        )),
    );
    if let Some(Value::Object(properties)) = proposal.get_mut("properties") {
        let described = |properties: &Map<String, Value>, key: &str| {
            properties
                .get(key)
                .and_then(|p| p.get("description"))
                .cloned()
                .unwrap_or(Value::Null)
        };
        properties.insert(
            "form".into(),
            json!({ "description": described(properties, "form"), "enum": [form.name] }),
        );
        properties.insert("sections".into(), sections(form));
        properties.insert("checkboxes".into(), checkboxes(form));
        if !form.needs_budget
            && let Some(Value::Object(budget)) = properties.get_mut("budget")
        {
            budget.insert(
                "description".into(),
                json!("Standardskemaets beløbstabel (\"Beløb i 1.000 kr.\"); dette skema trykker den ikke."),
            );
        }
    }
    if form.needs_budget {
        let required = proposal
            .entry("required")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(required) = required {
            required.push(json!("budget"));
        }
    }
    proposal
}

/// An object that takes exactly `properties`, requiring `required`.
fn object(description: &str, properties: Map<String, Value>, required: Vec<&str>) -> Value {
    let mut schema = json!({
        "type": "object",
        "description": description,
        "properties": properties,
        "additionalProperties": false,
    });
    if !required.is_empty() {
        schema["required"] = json!(required);
    }
    schema
}

/// `[sections]` of `form`: its section keys only, the required ones required.
fn sections(form: &Form) -> Value {
    let mut properties = Map::new();
    for s in &form.sections {
        let heading = match &s.heading {
            Some(h) => format!("Afsnittet \"{h}\""),
            None => "Brødteksten, trykt uden overskrift".to_owned(),
        };
        properties.insert(
            s.key.clone(),
            json!({
                "description": format!("{heading} ({}): Markdown-tekst eller en liste af blokke som [{{ text = \"…\" }}, {{ table = \"id\" }}].", need(s.required)),
                "allOf": [{ "$ref": "#/definitions/SectionBody" }],
            }),
        );
    }
    let required = form
        .sections
        .iter()
        .filter(|s| s.required)
        .map(|s| s.key.as_str())
        .collect();
    object(
        &format!(
            "Afsnittenes tekst efter nøgle; skemaet \"{}\" bestemmer overskrifter og rækkefølge. Nøglerne: {}.",
            form.name,
            form.section_keys()
        ),
        properties,
        required,
    )
}

/// Whether a section must be written, in words (the skeleton's comments say it the same way).
pub fn need(required: bool) -> &'static str {
    if required { REQUIRED } else { "valgfrit" }
}

/// How many options of a checkbox group may be ticked, in words.
fn tick_rule(group: &crate::forms::CheckboxSpec) -> String {
    match (&group.exclusive, group.single) {
        (_, true) => "højst én".to_owned(),
        (Some(e), false) => format!("flere kan vælges; \"{e}\" udelukker de andre"),
        (None, false) => "flere kan vælges".to_owned(),
    }
}

/// `[checkboxes]` of `form`: its groups only, each a list of the options it offers.
fn checkboxes(form: &Form) -> Value {
    let mut properties = Map::new();
    for c in &form.checkboxes {
        let mut group = json!({
            "type": "array",
            "description": format!("De afkrydsede muligheder i \"{}\" ({}).", c.title, tick_rule(c)),
            "items": { "enum": c.options },
            "uniqueItems": true,
        });
        if c.single {
            group["maxItems"] = json!(1);
        }
        if c.options.is_empty() {
            // A group without options (the bundled budgetnotat's districts until the profile
            // sets them) takes no tick; an empty `enum` is not valid JSON Schema.
            group["description"] = json!(format!(
                "\"{}\" har ingen muligheder i dette projekt (profilen i budgetnote.toml kan angive dem under [profile.checkboxes.{}.{}]).",
                c.title, form.name, c.key
            ));
            if let Value::Object(map) = &mut group {
                map.remove("items");
            }
            group["maxItems"] = json!(0);
        }
        properties.insert(c.key.clone(), group);
    }
    let description = if form.checkboxes.is_empty() {
        format!("Skemaet \"{}\" har ingen afkrydsninger.", form.name)
    } else {
        "Afkrydsede muligheder pr. afkrydsningsgruppe i skemaet, f.eks. kategorisering = [\"Henvist sag\"]."
            .to_owned()
    };
    object(&description, properties, Vec::new())
}

/// A schema as pretty JSON with its keys sorted at every level.
pub fn to_text(schema: &Value) -> String {
    // `to_string_pretty` of a `Value` cannot fail: every key is a string.
    serde_json::to_string_pretty(&sorted(schema)).unwrap_or_default()
}

/// `value` with the keys of every object in sorted order (whatever map serde_json uses).
fn sorted(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let mut out = Map::new();
            for key in keys {
                if let Some(v) = map.get(key) {
                    out.insert(key.clone(), sorted(v));
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

/// Every (definition, property) of the model's schema, the proposal's as `Proposal`: for tests
/// that hold the schema against the parser.
pub fn properties() -> BTreeSet<(String, String)> {
    let (proposal, definitions) = model();
    let mut out = BTreeSet::new();
    let mut add = |name: &str, schema: &Value| {
        for alternative in std::iter::once(schema).chain(
            schema
                .get("anyOf")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        ) {
            if let Some(properties) = alternative.get("properties").and_then(Value::as_object) {
                for key in properties.keys() {
                    out.insert((name.to_owned(), key.clone()));
                }
            }
        }
    };
    add("Proposal", &Value::Object(proposal));
    for (name, schema) in &definitions {
        add(name, schema);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // Every rule names a property the model has, so a renamed key cannot leave a rule behind.
    #[test]
    fn every_rule_names_a_property() {
        let properties = properties();
        for (definition, property, _) in rules() {
            assert!(
                properties.contains(&(definition.to_owned(), property.to_owned())),
                "{definition}.{property} is no property of the model"
            );
        }
    }

    // Every value a rule lists is one the validator reads.
    #[test]
    fn vocabularies_are_the_validators() {
        for unit in UNITS {
            assert!(crate::checked::Unit::from_key(unit).is_some(), "{unit}");
        }
        for expense in EXPENSES {
            assert!(
                crate::checked::ExpenseType::from_key(expense).is_some(),
                "{expense}"
            );
        }
        for kind in LINE_KINDS {
            assert!(crate::checked::LineKind::from_key(kind).is_some(), "{kind}");
        }
        for zero in ZEROS {
            assert!(crate::ledger::Zero::from_key(zero).is_some(), "{zero}");
        }
        // And every canonical value of the validator's help is listed.
        for key in crate::parse::listed(crate::checked::ExpenseType::KEYS) {
            assert!(EXPENSES.contains(&key), "{key}");
        }
        for key in crate::parse::listed(crate::checked::LineKind::KEYS) {
            assert!(LINE_KINDS.contains(&key), "{key}");
        }
    }

    // The generated schema has no `null`, which TOML cannot write.
    #[test]
    fn no_null_in_the_schema() {
        let text = to_text(&any_form(
            crate::forms::Forms::bundled().iter().map(|f| &**f),
        ));
        assert!(!text.contains("\"null\""), "{text}");
        assert!(text.contains("\"format\": \"date\""));
    }
}
