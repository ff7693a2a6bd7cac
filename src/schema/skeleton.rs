//! The proposal skeleton `budgetnote new` writes, walked from the same schema as
//! [`super::for_form`]: the model's keys in the parser's order, each with its description as a
//! comment, the form's sections and checkbox groups, and only the fields the form prints (its
//! template names them) or the parser and validator require.
//!
//! Required values are placeholders starting with [`super::PLACEHOLDER`], which pass `check` and
//! print as they are; optional fields are commented out.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::PLACEHOLDER;
use crate::forms::Form;
use crate::model::Proposal;
use crate::parse::Step;

/// What a skeleton is made from besides its form.
pub struct Inputs<'a> {
    /// The Taplo `#:schema` directive's target, relative to the skeleton.
    pub directive: &'a str,
    /// The file's stem, made part of the placeholder id.
    pub stem: &'a str,
    /// The first committee of the project's register, as (abbreviation, name).
    pub register: Option<(String, String)>,
    /// The budget year the skeleton's years start with.
    pub year: i64,
}

/// The skeleton of a proposal of `form`.
pub fn skeleton(form: &Form, inputs: &Inputs<'_>) -> String {
    let (proposal, definitions) = super::model();
    let proposal = super::proposal_of(form, proposal);
    let writer = Writer {
        form,
        inputs,
        definitions: &definitions,
        printed: printed_fields(form),
    };
    let mut out = format!("#:schema {}\n\n", inputs.directive);
    out.push_str(&format!(
        "# {} (skema \"{}\"): {}.\n",
        form.label, form.name, form.description
    ));
    out.push_str(&format!(
        "# Erstat alle værdier, der begynder med {PLACEHOLDER}; som filen står nu, består den\n\
         # `budgetnote check` og kan dannes som PDF, med pladsholderne trykt. Linjer, der er\n\
         # udkommenteret med \"# \", er valgfrie: fjern \"# \" for at bruge en.\n\
         # `budgetnote forms {name}` viser, hvad skemaet indeholder; `budgetnote check FIL`\n\
         # kontrollerer filen, og `budgetnote watch` danner den igen, hver gang den gemmes.\n\n",
        name = form.name
    ));
    let properties = proposal
        .get("properties")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let required = required_of(&Value::Object(proposal.clone()));
    let keys = crate::parse::known_keys::<Proposal>(&[]);
    // TOML wants a table's plain keys before its sub-tables.
    let mut tables = Vec::new();
    for key in keys {
        let Some(schema) = properties.get(key) else {
            continue;
        };
        let needed = required.contains(key) || says_required(schema);
        if !needed && !writer.printed.contains(key) {
            continue;
        }
        if writer.is_table(schema) || matches!(key, "sections" | "checkboxes" | "tables") {
            tables.push((key, schema, needed));
        } else {
            writer.plain(&mut out, key, schema, needed);
        }
    }
    for (key, schema, needed) in tables {
        out.push('\n');
        match key {
            "sections" => sections(&mut out, form),
            "checkboxes" => checkboxes(&mut out, form),
            "tables" => amendment(&mut out, form, inputs.year),
            _ => writer.table(&mut out, key, schema, needed),
        }
    }
    out
}

/// The top-level fields the form prints: those its template (or the document around it) reads
/// as `p.<key>`, `[budget]` when the form requires it, `[checkboxes]` when it has groups, and
/// `[sections]` always; `[tables]` for a form whose amendment places one.
fn printed_fields(form: &Form) -> BTreeSet<String> {
    let mut printed = BTreeSet::from(["sections".to_owned()]);
    if form.needs_budget {
        printed.insert("budget".to_owned());
    }
    if form.checkboxes.iter().any(|c| !c.options.is_empty()) {
        printed.insert("checkboxes".to_owned());
    }
    if form.amendment.is_some() {
        printed.insert("tables".to_owned());
    }
    let own = form
        .file
        .as_ref()
        .and_then(|f| f.parent())
        .and_then(|dir| {
            // bounded and non-blocking, as every read of the project's files
            crate::files::read_limited(&dir.join("form.typ.j2"), crate::files::TOML_LIMIT).ok()
        })
        .and_then(|bytes| String::from_utf8(bytes).ok());
    let template = own.or_else(|| {
        crate::bundle::template(&format!("{}/form.typ.j2", form.name)).map(str::to_owned)
    });
    let document = crate::bundle::template("document.typ.j2").unwrap_or_default();
    for text in [template.as_deref().unwrap_or_default(), document] {
        for (at, _) in text.match_indices("p.") {
            let before = text[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
                continue;
            }
            let name: String = text[at + 2..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            printed.insert(name);
        }
    }
    printed
}

/// The keys `schema` requires.
fn required_of(schema: &Value) -> BTreeSet<String> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

/// Whether a key's description says it is required though the model reads it as optional
/// (`proposer`: "påkrævet, medmindre profilen … angiver en forslagsstiller som standard"): the
/// word [`super::REQUIRED`] as a whole word, any case.
fn says_required(schema: &Value) -> bool {
    description(schema)
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .any(|word| word == super::REQUIRED)
}

/// A key's description, on one line.
fn description(schema: &Value) -> String {
    schema
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The abbreviations a Danish description uses whose full stop ends no sentence, even before a
/// capital ("f.eks. Københavns Kommune", "1.000 kr. I alt").
const ABBREVIATIONS: [&str; 8] = ["f.eks", "bl.a", "jf", "evt", "ca", "nr", "kr", "mio"];

/// The word an example follows in a description (`f.eks. "SU04"`).
const FOR_EXAMPLE: &str = "f.eks. ";

/// A description's first clause, for a comment.
fn comment(schema: &Value) -> String {
    let text = description(schema);
    // The first clause: up to "; ", or a full stop before a new sentence (not an abbreviation's).
    let mut end = text.find("; ").unwrap_or(text.len());
    for (at, _) in text.match_indices(". ") {
        let word = text[..at].rsplit(' ').next().unwrap_or_default();
        if text[at + 2..].starts_with(|c: char| c.is_uppercase())
            && !ABBREVIATIONS.contains(&word.to_lowercase().trim_start_matches('('))
        {
            end = end.min(at);
            break;
        }
    }
    text[..end].trim_end_matches('.').replace('`', "")
}

/// The first example a description gives (`f.eks. "SU04"`), if any.
fn example(schema: &Value) -> Option<String> {
    let text = description(schema);
    let start = text.find(&format!("{FOR_EXAMPLE}\""))? + FOR_EXAMPLE.len() + 1;
    let rest = &text[start..];
    Some(rest[..rest.find('"')?].to_owned())
}

/// A TOML basic string holding `text`.
pub fn quoted(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

/// A line `key = value` with a comment aligned after it.
fn field(out: &mut String, line: &str, comment: &str) {
    if comment.is_empty() {
        out.push_str(&format!("{line}\n"));
    } else {
        out.push_str(&format!("{line:<44} # {comment}\n"));
    }
}

/// Walks the schema to write values.
struct Writer<'a> {
    /// The form.
    form: &'a Form,
    /// The skeleton's inputs.
    inputs: &'a Inputs<'a>,
    /// The model's definitions.
    definitions: &'a Map<String, Value>,
    /// The top-level fields the form prints.
    printed: BTreeSet<String>,
}

impl Writer<'_> {
    /// `schema` with a `$ref` (bare or in an `allOf`) followed into its definition.
    fn resolve<'s>(&'s self, schema: &'s Value) -> &'s Value {
        let reference = schema.get("$ref").or_else(|| {
            schema
                .get("allOf")
                .and_then(|a| a.get(0))
                .and_then(|r| r.get("$ref"))
        });
        reference
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/definitions/"))
            .and_then(|name| self.definitions.get(name))
            .unwrap_or(schema)
    }

    /// Whether `schema` is a table with described keys (written as `[key]`); a table whose
    /// keys are values (the expense types of `stated_net`) is written inline.
    fn is_table(&self, schema: &Value) -> bool {
        let resolved = self.resolve(schema);
        resolved.get("type").is_some_and(|t| t == "object")
            && resolved
                .get("properties")
                .and_then(Value::as_object)
                .is_some_and(|p| p.values().any(|v| v.get("description").is_some()))
    }

    /// Whether `schema` is a list of tables with named keys (written as `[[key]]`).
    fn is_table_list(&self, schema: &Value) -> bool {
        schema.get("type").is_some_and(|t| t == "array")
            && schema.get("items").is_some_and(|i| self.is_table(i))
    }

    /// A sample value of `schema` at `key`, as TOML.
    fn sample(&self, key: &str, schema: &Value, needed: bool) -> String {
        let year = self.inputs.year;
        let years: Vec<i64> = (year..year + 4).collect();
        let resolved = self.resolve(schema);
        match key {
            "id" => {
                let stem: String = self
                    .inputs
                    .stem
                    .chars()
                    .filter(|c| c.is_alphanumeric() || *c == '-')
                    .take(24)
                    .collect();
                return quoted(&if stem.is_empty() {
                    PLACEHOLDER.to_owned()
                } else {
                    format!("{PLACEHOLDER}-{stem}")
                });
            }
            "form" => return quoted(&self.form.name),
            "committees" => {
                let name = match &self.inputs.register {
                    Some((_, name)) => name.clone(),
                    None => format!("{PLACEHOLDER}: udvalg"),
                };
                return format!("[{}]", quoted(&name));
            }
            "committee" => {
                let abbreviation = self
                    .inputs
                    .register
                    .as_ref()
                    .map_or("UDV".to_owned(), |(a, _)| a.clone());
                return quoted(&abbreviation);
            }
            "years" => {
                let list: Vec<String> = years.iter().map(i64::to_string).collect();
                return format!("[{}]", list.join(", "));
            }
            "prices" => return quoted(&format!("{year}-priser")),
            _ => {}
        }
        if resolved.get("format").is_some_and(|f| f == "date") {
            return format!("{year}-01-31");
        }
        if let Some((first, value)) = resolved
            .get("properties")
            .and_then(Value::as_object)
            .and_then(|p| p.iter().next())
        {
            return format!("{{ {first} = {} }}", self.sample(first, value, needed));
        }
        if resolved.get("patternProperties").is_some() {
            let zeros: Vec<String> = years.iter().map(|y| format!("{y} = 0")).collect();
            return format!("{{ {} }}", zeros.join(", "));
        }
        if let Some(first) = resolved
            .get("enum")
            .and_then(|e| e.get(0))
            .and_then(Value::as_str)
        {
            return quoted(first);
        }
        let types: Vec<&str> = match resolved.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if types.contains(&"integer") {
            return if types.contains(&"string") {
                "0".to_owned()
            } else {
                year.to_string()
            };
        }
        if types.contains(&"boolean") {
            return "true".to_owned();
        }
        if types.contains(&"array") {
            let item = resolved.get("items").cloned().unwrap_or(Value::Null);
            return format!("[{}]", self.sample("", &item, needed));
        }
        let text = match example(schema) {
            Some(e) if !needed => e,
            _ => format!("{PLACEHOLDER}: {}", key.replace('_', " ")),
        };
        quoted(&text)
    }

    /// A plain `key = value` line under `path`: active when `needed`, else commented out.
    fn plain(&self, out: &mut String, key: &str, schema: &Value, needed: bool) {
        let c = if needed { "" } else { "# " };
        field(
            out,
            &format!("{c}{key} = {}", self.sample(key, schema, needed)),
            &comment(schema),
        );
    }

    /// A table `[path]` (or `[[path]]` when `list`), at `steps` in the model: its required keys
    /// filled in, the others commented out; commented out whole unless `needed`.
    fn table_at(
        &self,
        out: &mut String,
        (path, steps): (&[String], &[Step]),
        schema: &Value,
        needed: bool,
        list: bool,
    ) {
        let resolved = self.resolve(schema);
        let c = if needed { "" } else { "# " };
        let text = comment(schema);
        if !text.is_empty() {
            out.push_str(&format!("# {text}.\n"));
        }
        let name = path.join(".");
        if list {
            out.push_str(&format!("{c}[[{name}]]\n"));
        } else {
            out.push_str(&format!("{c}[{name}]\n"));
        }
        let required = required_of(resolved);
        let properties = resolved
            .get("properties")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let mut keys: Vec<String> = crate::parse::known_keys::<Proposal>(steps)
            .into_iter()
            .map(str::to_owned)
            .collect();
        // Keys the model reads by its own visitor come in the schema's order.
        for key in properties.keys() {
            if !keys.contains(key) {
                keys.push(key.clone());
            }
        }
        let mut subtables = Vec::new();
        for key in &keys {
            let Some(property) = properties.get(key) else {
                continue;
            };
            let wanted = needed && (required.contains(key) || min_items(property) > 0);
            if self.is_table(property) || self.is_table_list(property) {
                subtables.push((key, property, wanted));
            } else {
                self.plain(out, key, property, wanted);
            }
        }
        for (key, property, wanted) in subtables {
            out.push('\n');
            let mut sub = path.to_vec();
            sub.push(key.clone());
            let mut sub_steps = steps.to_vec();
            sub_steps.push(Step::Key(key.clone()));
            if self.is_table_list(property) {
                sub_steps.push(Step::Index(0));
                let item = property.get("items").cloned().unwrap_or(Value::Null);
                let mut item = self.resolve(&item).clone();
                if let (Value::Object(item), Some(d)) = (&mut item, property.get("description")) {
                    item.insert("description".into(), d.clone());
                }
                self.table_at(out, (&sub, &sub_steps), &item, wanted, true);
            } else {
                self.table_at(out, (&sub, &sub_steps), property, wanted, false);
            }
        }
    }

    /// A top-level table `[key]`.
    fn table(&self, out: &mut String, key: &str, schema: &Value, needed: bool) {
        let path = [key.to_owned()];
        let steps = [Step::Key(key.to_owned())];
        self.table_at(out, (&path, &steps), schema, needed, false);
    }
}

/// The least number of items `schema` (a list) must have.
fn min_items(schema: &Value) -> u64 {
    schema.get("minItems").and_then(Value::as_u64).unwrap_or(0)
}

/// The `[checkboxes]` part with every group of the form that has options (a group without any,
/// such as the budgetnotat's districts before a profile sets them, is not printed) and its
/// options in comments.
fn checkboxes(out: &mut String, form: &Form) {
    out.push_str("# Afkrydsninger: skriv de afkrydsede muligheder i hver gruppe.\n[checkboxes]\n");
    for c in form.checkboxes.iter().filter(|c| !c.options.is_empty()) {
        out.push_str(&format!(
            "# {} ({}), muligheder:\n",
            c.title,
            super::tick_rule(c)
        ));
        for option in &c.options {
            out.push_str(&format!("#   {}\n", quoted(option)));
        }
        out.push_str(&format!("{} = []\n", c.key));
    }
}

/// The `[sections]` part: every section of the form with its heading in a comment; required
/// ones with a placeholder, optional ones commented out.
fn sections(out: &mut String, form: &Form) {
    out.push_str("# Afsnit i trykt rækkefølge: Markdown-tekst eller en liste af blokke som\n");
    out.push_str("# [{ text = \"…\" }, { table = \"tabel1\" }].\n[sections]\n");
    for s in &form.sections {
        let heading = s.heading.as_deref();
        let need = super::need(s.required);
        match heading {
            Some(h) => out.push_str(&format!("# \"{h}\" ({need})\n")),
            None => out.push_str(&format!("# brødteksten, trykt uden overskrift ({need})\n")),
        }
        let placeholder = quoted(&format!(
            "{PLACEHOLDER}: {}",
            heading.unwrap_or("forslagets tekst")
        ));
        let c = if s.required { "" } else { "# " };
        match &form.amendment {
            Some(rule) if rule.section.as_deref() == Some(s.key.as_str()) => out.push_str(
                &format!("{c}{} = [{{ table = {} }}]\n", s.key, quoted(&rule.table)),
            ),
            _ => out.push_str(&format!("{c}{} = {placeholder}\n", s.key)),
        }
    }
}

/// The amendment's table, for a form with an `[amendment]` rule: one change and one financing
/// line of zeros, and the net effect stated as zeros.
fn amendment(out: &mut String, form: &Form, year: i64) {
    let Some(rule) = &form.amendment else {
        return;
    };
    let years: Vec<i64> = (year..year + 4).collect();
    let list = years
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let zeros = years
        .iter()
        .map(|y| format!("{y} = 0"))
        .collect::<Vec<_>>()
        .join(", ");
    let table = &rule.table;
    out.push_str(&format!(
        "# Ændringsforslagets beløb: ændringerne (gruppe {changes}) og finansieringen, der\n\
         # modsvarer dem (gruppe {financing}), pr. år; nettovirkningen er ændringer + finansiering,\n\
         # angivet nedenfor og kontrolleret. (+) = merudgift/mindreindtægt, (−) =\n\
         # mindreudgift/merindtægt: finansiering skrives med minus.\n[tables.{table}]\n",
        changes = quoted(&rule.changes),
        financing = quoted(&rule.financing),
    ));
    field(out, "kind = \"ledger\"", "beløb pr. år");
    field(
        out,
        "caption = \"Tabel 1. Ændringer og finansiering\"",
        "trykt over tabellen",
    );
    field(
        out,
        "unit = \"1.000 kr.\"",
        "\"kr.\", \"1.000 kr.\" eller \"mio. kr.\"",
    );
    field(out, &format!("prices = \"{year}-priser\""), "Prisniveau");
    field(out, &format!("years = [{list}]"), "budgetår og overslagsår");
    field(
        out,
        "group_by = [\"group\"]",
        "en subtotal for ændringerne og en for finansieringen",
    );
    field(
        out,
        "total = \"Nettovirkning\"",
        "nettovirkningens række: ændringer + finansiering",
    );
    field(
        out,
        &format!("stated_totals = {{ {zeros} }}"),
        "nettovirkningen, som ændringsforslaget angiver den (kontrolleres)",
    );
    for (group, label) in [
        (&rule.changes, "ændring"),
        (&rule.financing, "finansiering"),
    ] {
        out.push_str(&format!("\n[[tables.{table}.rows]]\n"));
        field(
            out,
            &format!("label = {}", quoted(&format!("{PLACEHOLDER}: {label}"))),
            "hvad linjen er",
        );
        field(
            out,
            &format!("group = {}", quoted(group)),
            "ændringer eller finansiering",
        );
        field(
            out,
            &format!("amounts = {{ {zeros} }}"),
            "pr. år, i tabellens enhed",
        );
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    // A comment is the description's first clause: a Danish abbreviation's full stop before a
    // capital ("f.eks. Københavns") ends no sentence; a full stop before a new sentence does.
    #[test]
    fn comment_stops_at_a_sentence_not_an_abbreviation() {
        let schema =
            json!({ "description": "Kommunen, f.eks. Københavns Kommune. Trykkes øverst." });
        assert_eq!(comment(&schema), "Kommunen, f.eks. Københavns Kommune");
        let schema = json!({ "description": "Beløb i 1.000 kr. I alt pr. år; kontrolleres." });
        assert_eq!(comment(&schema), "Beløb i 1.000 kr. I alt pr. år");
    }

    // The example is the first quoted one after "f.eks."; "påkrævet" counts as a whole word only.
    #[test]
    fn example_and_required_read_danish() {
        let schema =
            json!({ "description": "Hvem, f.eks. \"Administrationen\"; påkrævet, medmindre …" });
        assert_eq!(example(&schema).as_deref(), Some("Administrationen"));
        assert!(says_required(&schema));
        let schema = json!({ "description": "Skemaet (skabelon og påkrævede afsnit)." });
        assert_eq!(example(&schema), None);
        assert!(!says_required(&schema));
    }
}
