//! `budgetnote schema [FORM]`: a JSON Schema of a form's proposals, for editors (Taplo / Even
//! Better TOML complete keys and flag wrong types while typing).
//!
//! The schema is generated from the form's description (its sections, checkbox groups and
//! whether it prints `[budget]`) and the shared proposal model (`src/model.rs`). It declares
//! draft-07 but uses only keywords of draft 4 (`enum`, not `const`; `oneOf`, not `if`/`then`;
//! `definitions`), which is what Taplo documents it supports. Keys are printed sorted, so the
//! output is deterministic.

use serde_json::{Map, Value, json};

use super::{Cli, Exit};
use crate::forms::{Form, Forms};

/// Arguments of `schema`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A form's name; without it the schema accepts a proposal of any form of the project.
    form: Option<String>,
}

/// Runs `schema`.
pub fn run(cli: &Cli, args: &Args) -> Exit {
    let Some(project) = super::open_project_with_forms(cli) else {
        return Exit::Failure;
    };
    let forms = project.forms();
    let schema = match &args.form {
        None => any_form(forms),
        Some(name) => match find(forms, name) {
            Ok(form) => for_form(&form),
            Err(message) => {
                eprintln!("{message}");
                return Exit::Failure;
            }
        },
    };
    println!("{}", to_text(&schema));
    Exit::Ok
}

/// The form called `name`, or an error message naming the forms there are.
pub(super) fn find(forms: &Forms, name: &str) -> Result<std::sync::Arc<Form>, String> {
    forms.find(name.trim()).ok_or_else(|| {
        format!(
            "error: no form is called \"{name}\"\nhelp: {}the forms are {} (see `budgetnote forms`)",
            crate::parse::did_you_mean(name, forms.iter().map(|f| f.name.as_str())),
            forms.names()
        )
    })
}

/// A schema as pretty JSON with its keys sorted at every level.
pub(super) fn to_text(schema: &Value) -> String {
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

/// The draft the schemas declare.
const DRAFT: &str = "http://json-schema.org/draft-07/schema#";

/// A schema accepting a proposal of any of `forms`: exactly one form's schema must match (each
/// requires its own `form` value).
pub fn any_form(forms: &Forms) -> Value {
    let mut definitions = shared_definitions();
    let mut choices = Vec::new();
    for form in forms.iter() {
        let key = format!("form-{}", form.name);
        definitions.insert(key.clone(), proposal(form));
        choices.push(json!({ "$ref": format!("#/definitions/{key}") }));
    }
    let names: Vec<&str> = forms.iter().map(|f| f.name.as_str()).collect();
    json!({
        "$schema": DRAFT,
        "title": "budgetnote proposal",
        "description": format!(
            "A budget proposal for budgetnote; `form` says which form it uses ({}).",
            names.join(", ")
        ),
        "type": "object",
        "oneOf": choices,
        "definitions": Value::Object(definitions),
    })
}

/// The schema of a proposal of `form`.
pub fn for_form(form: &Form) -> Value {
    let mut schema = proposal(form);
    if let Value::Object(map) = &mut schema {
        map.insert("$schema".into(), json!(DRAFT));
        map.insert(
            "title".into(),
            json!(format!("budgetnote proposal, form \"{}\"", form.name)),
        );
        map.insert("definitions".into(), Value::Object(shared_definitions()));
    }
    schema
}

/// A string with a description.
fn text(description: &str) -> Value {
    json!({ "type": "string", "description": description })
}

/// A reference to a shared definition, with a description of this use.
fn reference(name: &str, description: &str) -> Value {
    // Taplo ignores keys beside `$ref`, so the description goes into an `allOf` wrapper.
    json!({ "description": description, "allOf": [{ "$ref": format!("#/definitions/{name}") }] })
}

/// An object that takes exactly `properties`, requiring `required`.
fn object(description: &str, properties: Value, required: &[&str]) -> Value {
    let mut schema = json!({
        "type": "object",
        "description": description,
        "properties": properties,
        "additionalProperties": false,
    });
    // Draft 4 (which Taplo follows) wants `required` non-empty when present.
    if !required.is_empty()
        && let Value::Object(map) = &mut schema
    {
        map.insert("required".into(), json!(required));
    }
    schema
}

/// The schema of a proposal of `form`, referring to [`shared_definitions`].
fn proposal(form: &Form) -> Value {
    let mut required = vec!["id", "form", "title", "committees", "proposer", "sections"];
    if form.needs_budget {
        required.push("budget");
    }
    let budget_use = if form.needs_budget {
        "The amounts table of the form (\"Beløb i 1.000 kr.\"); this form requires it."
    } else {
        "The standard amounts table (\"Beløb i 1.000 kr.\"); this form does not print it."
    };
    object(
        &format!(
            "A proposal of the form \"{}\" ({}): {}.",
            form.name, form.label, form.description
        ),
        json!({
            "id": text("Short id used across catalogues, e.g. \"SU04\" or \"BI16\"."),
            "form": {
                "description": "Which form (template, sections and headings) the proposal uses.",
                "enum": [form.name],
            },
            "title": text("The headline (\"Overskrift\")."),
            "municipality": text("Municipality that issues the proposal, e.g. \"Københavns Kommune\"."),
            "logo": reference("logo", "The municipality's logo, printed at the top of the first page."),
            "committees": {
                "type": "array",
                "description": "Committees (\"Udvalg\") the proposal goes to, in the order printed.",
                "items": { "type": "string" },
                "minItems": 1,
            },
            "proposer": text("Who proposes it (\"Forslagsstiller\"), e.g. \"Administrationen\"."),
            "date": text("Date of the proposal or meeting, a TOML date such as 2024-09-03; also pins the PDF's timestamp."),
            "number": text("Number of the proposal within its form's series, e.g. \"01\" in \"Skema 2.2.1. 01\"."),
            "area": text("Budget area (\"bevillingsområde\") after the committee."),
            "address": text("Address line under the district checkboxes (\"Adresse\")."),
            "budget": reference("budget", budget_use),
            "checkboxes": checkboxes(form),
            "tables": {
                "type": "object",
                "description": "Tables and figures by id, placed in sections with { table = \"id\" }.",
                "additionalProperties": { "$ref": "#/definitions/table" },
            },
            "target_group": text("Target group (\"målgruppe\") of a catalogue proposal, e.g. \"Borgere parate til job\"."),
            "request": reference("request", "The amount a catalogue proposal asks for."),
            "agreement": reference("agreement", "The agreement text (\"Forslag til aftaletekst\"), with amounts written from a table."),
            "external_amounts": {
                "type": "array",
                "description": "Amounts the text names on purpose that no table of this proposal holds, e.g. [\"16,4 mio. kr.\"]; W003 leaves them alone.",
                "items": { "type": "string" },
            },
            "sections": sections(form),
            "acknowledged": {
                "type": "object",
                "description": "Warnings accepted on purpose, by code, with a reason: W005 = \"…\", or { at = \"text\", reason = \"…\" }, or a list of those.",
                "patternProperties": {
                    "^[EWew][0-9]+$": {
                        "anyOf": [
                            { "type": "string" },
                            { "$ref": "#/definitions/acknowledgement" },
                            { "type": "array", "items": { "$ref": "#/definitions/acknowledgement" } },
                        ],
                    },
                },
                "additionalProperties": false,
            },
        }),
        &required,
    )
}

/// `[sections]` of `form`: its section keys only, the required ones required.
fn sections(form: &Form) -> Value {
    let mut properties = Map::new();
    for s in &form.sections {
        let heading = match &s.heading {
            Some(h) => format!("\"{h}\""),
            None => "the body, printed without a heading".to_owned(),
        };
        let need = if s.required { "required" } else { "optional" };
        properties.insert(
            s.key.clone(),
            reference(
                "section",
                &format!("Section {heading} ({need}): Markdown text, or a list of blocks such as [{{ text = \"…\" }}, {{ table = \"id\" }}]."),
            ),
        );
    }
    let required: Vec<&str> = form
        .sections
        .iter()
        .filter(|s| s.required)
        .map(|s| s.key.as_str())
        .collect();
    object(
        &format!(
            "Section bodies by key; the form \"{}\" gives headings and order. Its keys: {}.",
            form.name,
            form.section_keys()
        ),
        Value::Object(properties),
        &required,
    )
}

/// `[checkboxes]` of `form`: its groups only, each a list of the options it offers.
fn checkboxes(form: &Form) -> Value {
    let mut properties = Map::new();
    for c in &form.checkboxes {
        let mut rule = if c.single {
            "at most one".to_owned()
        } else {
            "any".to_owned()
        };
        if let Some(e) = &c.exclusive {
            rule.push_str(&format!("; \"{e}\" excludes the others"));
        }
        let mut group = json!({
            "type": "array",
            "description": format!("The ticked options of \"{}\" ({rule}).", c.title),
            "items": { "enum": c.options },
            "uniqueItems": true,
        });
        if c.single
            && let Value::Object(map) = &mut group
        {
            map.insert("maxItems".into(), json!(1));
        }
        properties.insert(c.key.clone(), group);
    }
    let description = if form.checkboxes.is_empty() {
        format!("The form \"{}\" prints no checkboxes.", form.name)
    } else {
        "Ticked options per checkbox group of the form, e.g. kategorisering = [\"Henvist sag\"]."
            .to_owned()
    };
    object(&description, Value::Object(properties), &[])
}

/// Definitions shared by every form's schema: amounts, tables, the budget table, request,
/// agreement and logo.
fn shared_definitions() -> Map<String, Value> {
    let amount = json!({
        "description": "An amount: a whole number such as -2800, or a Danish number as a string such as \"-2,8\" or \"-2.800\" (never a decimal number such as 2.8, which is not exact).",
        "anyOf": [
            { "type": "integer" },
            { "type": "string", "pattern": "^\\s*[-+\u{2212}]?([0-9]{1,3}(\\.[0-9]{3})+|[0-9]+)(,[0-9]+)?\\s*$" },
        ],
    });
    let year_amounts = json!({
        "type": "object",
        "description": "Amounts per year, keyed by the year (2025 = -2800); a missing year is a blank cell, not a zero.",
        "patternProperties": { "^[0-9]{4}$": { "$ref": "#/definitions/amount" } },
        "additionalProperties": false,
    });
    let years = json!({
        "type": "array",
        "description": "The budget year and the overslagsår (forecast years), strictly increasing.",
        "items": { "type": "integer", "minimum": 1000, "maximum": 9999 },
        "minItems": 1,
    });
    let unit = json!({
        "description": "Unit of every amount: \"kr.\", \"1.000 kr.\" or \"mio. kr.\" (each table may have its own).",
        "enum": ["kr.", "1.000 kr.", "1000 kr.", "t.kr.", "mio. kr."],
    });
    let expense_types = [
        "service",
        "overførsel",
        "overforsel",
        "overførsler",
        "anlæg",
        "anlaeg",
        "finansiering",
    ];
    let expense = json!({
        "description": "Expense type (\"udgiftstype\"): \"service\", \"overførsel\", \"anlæg\" or \"finansiering\".",
        "enum": expense_types,
    });
    let kinds = [
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
    let line = object(
        "One line of \"Budgetændring – drift\": kind, expense type, committee, amounts per year.",
        json!({
            "kind": { "description": "What the line is: \"omstilling\", \"investering-drift\", …", "enum": kinds },
            "expense": { "$ref": "#/definitions/expense" },
            "committee": text("Abbreviation of the committee that holds the budget, e.g. \"AMU\" (from the register in budgetnote.toml)."),
            "label": text("Printed label instead of the one built from kind, expense type and committee."),
            "account": text("Account number in the chart of accounts, e.g. \"5.57.73\" (checked, not printed)."),
            "amounts": reference("year_amounts", "Amount per year in the table's unit."),
            "one_off_years": {
                "type": "array",
                "description": "Years in which a saving line holds a one-off investment (a positive amount), e.g. [2024].",
                "items": { "type": "integer" },
            },
        }),
        &["kind", "expense", "committee", "amounts"],
    );
    let staff_area = object(
        "The change in årsværk for one area (e.g. sagsbehandlere on service).",
        json!({
            "label": text("Printed label of the area."),
            "fte": reference("year_amounts", "Change in årsværk per year."),
        }),
        &["label", "fte"],
    );
    let budget = object(
        "The amounts table (\"Beløb i 1.000 kr.\"): years, Nuværende budget, change lines, stated nets, staff.",
        json!({
            "unit": { "$ref": "#/definitions/unit" },
            "prices": text("Price basis printed in the header, e.g. \"2024-priser\" or \"2025 p/l\"."),
            "years": { "$ref": "#/definitions/years" },
            "current": reference("year_amounts", "\"Nuværende budget\": today's budget for the area, per year."),
            "lines": { "type": "array", "description": "The lines of \"Budgetændring – drift\".", "items": line },
            "stated_net": {
                "type": "object",
                "description": "Net change per expense type as transcribed from a spreadsheet; checked, never trusted.",
                "properties": expense_types
                    .iter()
                    .map(|e| ((*e).to_owned(), json!({ "$ref": "#/definitions/year_amounts" })))
                    .collect::<Map<String, Value>>(),
                "additionalProperties": false,
            },
            "staff": object(
                "\"Personalekonsekvenser\": change in årsværk (full-time equivalents).",
                json!({
                    "fte": reference("year_amounts", "\"Ændring i antal årsværk\": the total change per year."),
                    "areas": { "type": "array", "description": "The change per area; where given, the areas must add up to fte.", "items": staff_area },
                }),
                &["fte"],
            ),
            "expense_types": {
                "type": "array",
                "description": "The Udgiftstype as transcribed; always derived from the lines, and when stated it must agree with them.",
                "items": { "$ref": "#/definitions/expense" },
            },
        }),
        &["unit", "prices", "years"],
    );
    let cell = json!({
        "description": "A text cell: Markdown, or { heading = \"…\", body = \"…\" } with an underlined sub-heading.",
        "anyOf": [
            { "type": "string" },
            object("A cell under a sub-heading.", json!({
                "heading": text("Underlined sub-heading."),
                "body": text("Markdown body."),
            }), &[]),
        ],
    });
    let ledger_amounts = json!({
        "type": "object",
        "description": "Figures keyed by a year (2025 = -2800) or a column key (korrigeret = 53100); a missing key is a blank cell, not a zero.",
        "additionalProperties": { "$ref": "#/definitions/amount" },
    });
    let column_list = json!({ "type": "array", "items": { "type": "string" } });
    let ledger_column = json!({
        "description": "A ledger column: a string is a text column's header; a table is a text column (text = true), an amount column (key, header) or a computed one (sum, difference or percent).",
        "anyOf": [
            { "type": "string" },
            object("A declared column.", json!({
                "key": text("The key rows use in `amounts`, e.g. \"korrigeret\"."),
                "header": text("Printed header, e.g. \"Korrigeret budget\" (default: the key)."),
                "text": { "type": "boolean", "description": "A text column: its values are the rows' `values`, in order." },
                "sum": { "description": "Computed: the sum of these earlier amount columns.", "allOf": [column_list.clone()] },
                "difference": { "description": "Computed: the first column minus the second, e.g. [\"forventet\", \"korrigeret\"].", "allOf": [column_list.clone()], "minItems": 2, "maxItems": 2 },
                "percent": { "description": "Computed: the first column in per cent of the second, e.g. [\"afvigelse\", \"korrigeret\"]; needs `sign`.", "allOf": [column_list], "minItems": 2, "maxItems": 2 },
                "sign": { "enum": ["signed", "unsigned"], "description": "A percent column's sign rule: \"signed\" (a fall below the base prints negative) or \"unsigned\" (the size alone)." },
                "decimals": { "type": "integer", "minimum": 0, "maximum": 3, "description": "Decimals this column prints with (a percentage: default 1)." },
            }), &["key"]),
        ],
    });
    let row = object(
        "A row of a table.",
        json!({
            "label": text("Ledger: the row's label."),
            "account": text("Ledger: account number printed before the label, e.g. \"05.73\"."),
            "values": { "type": "array", "description": "Ledger: the text columns' values.", "items": { "type": "string" } },
            "amounts": reference("ledger_amounts", "Ledger: amounts keyed by year or column key; a figure for a computed column is a stated one, checked against the computed."),
            "stated_total": reference("amount", "Ledger: the row total as transcribed (checked)."),
            "group": text("Text tables: a group row spanning all columns instead of cells. Ledger: the row's free group label (grouped by \"group\")."),
            "committee": text("Ledger: the committee the row is grouped under (group_by = [\"committee\", …])."),
            "area": text("Ledger: the area the row is grouped under (group_by = [\"…\", \"area\"])."),
            "expense": { "$ref": "#/definitions/expense" },
            "from": reference("sheet_range", "Ledger: this row's figures read from one row of a spreadsheet, instead of amounts."),
            "same_as": text("Ledger: this row is the same figure as a row of another ledger, \"table.label\" (a row, subtotal or total row by its printed label); checked in every shared column."),
            "cells": { "type": "array", "description": "Text and comparison tables: the cells.", "items": cell },
        }),
        &[],
    );
    let table = object(
        "A table or figure; kind decides which keys apply.",
        json!({
            "kind": { "description": "\"ledger\" (amounts per year with totals), \"text\" (free text cells) or \"comparison\" (two columns).", "enum": ["ledger", "text", "comparison"] },
            "caption": text("Caption printed above, e.g. \"Tabel 2. Oversigt over …\"."),
            "unit": { "$ref": "#/definitions/unit" },
            "prices": text("Ledger: price basis, e.g. \"2025 p/l\" or \"løbende p/l\"."),
            "own_prices": { "type": "boolean", "description": "Ledger: its price basis differs from the proposal's on purpose, so W007 leaves it alone." },
            "label_header": text("Ledger: header of the label column instead of \"<unit>, <prices>\"."),
            "columns": { "type": "array", "description": "Ledger: the columns after the label, in order: a string is a text column's header; a table declares a text, amount or computed column.", "items": { "$ref": "#/definitions/ledger_column" } },
            "decimals": { "type": "integer", "minimum": 0, "maximum": 3, "description": "Ledger: decimals every amount prints with (0–3); a figure written with more is an error." },
            "zero": { "enum": ["0", "-", "\u{2013}"], "description": "Ledger: how a zero prints, \"0\" or \"-\" (default: the form's choice)." },
            "group_by": { "type": "array", "description": "Ledger: the row keys rows are grouped by, outermost first, with a subtotal per group, e.g. [\"committee\", \"area\"].", "items": { "enum": ["committee", "area", "expense", "group"] } },
            "subtotal": text("Ledger: label of a group's subtotal row; {group} is the group's name (default \"{group} i alt\")."),
            "from": reference("sheet_range", "Ledger: rows read from a spreadsheet at every check and render, added after the rows written here."),
            "total_same_as": text("Ledger: the total row is the same figure as a row of another ledger, \"table.label\" (e.g. \"oversigt.Dagtilbud\"); checked in every shared column."),
            "stated_subtotals": {
                "type": "object",
                "description": "Ledger: subtotals as published, by group name (\"Dagtilbud\" or \"Børne- og Ungdomsudvalget / Dagtilbud\"), per column key (checked).",
                "additionalProperties": { "$ref": "#/definitions/ledger_amounts" },
            },
            "chart": object(
                "Ledger: a horizontal bar chart of some amount columns, one group of bars per outermost group (or per row); its alt text states every figure.",
                json!({
                    "columns": { "type": "array", "minItems": 1, "description": "Keys of the amount columns to draw (not percentages); default: every entered amount column.", "items": { "type": "string" } },
                    "caption": text("Caption above the chart, e.g. \"Figur 1. Korrigeret budget og forventet regnskab\"."),
                }),
                &[],
            ),
            "years": { "$ref": "#/definitions/years" },
            "row_total": text("Ledger: header of the row-total column (e.g. \"I alt\"); no row totals if absent."),
            "total": text("Ledger: label of the column-total row (e.g. \"Udgifter i alt (netto)\"); no total row if absent."),
            "stated_totals": reference("ledger_amounts", "Ledger: the column totals as transcribed, by year or column key (checked)."),
            "stated_grand_total": reference("amount", "Ledger: the grand total as transcribed (checked)."),
            "rounding": reference("amount", "Ledger: the step the published figures were rounded to, e.g. \"0,1\"; a stated total or subtotal may differ from the computed one by this step per level of aggregation below it."),
            "header": { "type": "array", "description": "Text and comparison tables: the header cells.", "items": { "type": "string" } },
            "rows": { "type": "array", "description": "The rows.", "items": row },
        }),
        &["kind"],
    );
    let block = object(
        "One block of a section: exactly one of text, heading or table.",
        json!({
            "text": text("Markdown text."),
            "heading": text("A sub-heading inside the section."),
            "table": text("The id of a table under [tables]."),
        }),
        &[],
    );
    let section = json!({
        "anyOf": [
            { "type": "string" },
            { "type": "array", "items": block },
        ],
    });
    let part = object(
        "One part of a request.",
        json!({
            "label": text("What the part is for, e.g. \"intern indsats\"."),
            "amount": { "$ref": "#/definitions/amount" },
        }),
        &["label", "amount"],
    );
    let request = object(
        "What a catalogue proposal asks for: one amount, or parts that add up, in one year.",
        json!({
            "unit": { "$ref": "#/definitions/unit" },
            "year": { "type": "integer", "description": "The budget year the amount is for." },
            "amount": reference("amount", "The amount, if not split into parts."),
            "parts": { "type": "array", "description": "Parts such as intern and ekstern indsats; the request is their sum.", "items": part },
            "alternative": reference("amount", "An alternative amount the committee may choose instead (not counted)."),
            "area": text("Styringsområde, e.g. \"Service\" or \"Overførsler\"."),
        }),
        &["unit", "year"],
    );
    let agreement = object(
        "The agreement text: intro, lead-in, amounts per year from a table's total row, and purpose.",
        json!({
            "intro": text("The opening paragraph(s), Markdown."),
            "lead": text("The line before the bullet, e.g. \"Der afsættes:\"."),
            "amounts_from": text("Id of the ledger table whose total row gives the amounts."),
            "expense": text("Expense type named after each amount, e.g. \"service\"."),
            "purpose": text("What the money is for; ends the bullet."),
        }),
        &["intro", "lead", "amounts_from", "expense", "purpose"],
    );
    let logo = object(
        "A logo image and the alt text a screen reader says for it.",
        json!({
            "file": text("Image file (SVG, PNG or JPEG), relative to the proposal file, inside the project."),
            "alt": text("What the image shows, e.g. \"Slagelse Kommunes logo\"; required (PDF/UA)."),
        }),
        &["file"],
    );
    let acknowledgement = object(
        "One acknowledged warning: the text it points at and why it is right.",
        json!({
            "at": text("Text the warning points at (its caret falls inside it)."),
            "reason": text("Why the warning is wrong here, for someone reviewing it."),
        }),
        &[],
    );
    let sheet_range = object(
        "A range of a spreadsheet kept beside the proposal (XLSX, ODS or CSV) the figures are read from.",
        json!({
            "file": text("The spreadsheet, relative to the proposal, inside the project, e.g. \"drift.xlsx\"."),
            "sheet": text("The workbook's sheet, e.g. \"Drift\"; the first sheet if absent (a CSV file has none)."),
            "range": text("The cells, e.g. \"A2:F9\" (rows: label, text columns, figure columns) or \"C7:F7\" (one row's figures)."),
        }),
        &["file", "range"],
    );
    let mut map = Map::new();
    for (key, value) in [
        ("sheet_range", sheet_range),
        ("acknowledgement", acknowledgement),
        ("agreement", agreement),
        ("amount", amount),
        ("budget", budget),
        ("expense", expense),
        ("ledger_amounts", ledger_amounts),
        ("ledger_column", ledger_column),
        ("logo", logo),
        ("request", request),
        ("section", section),
        ("table", table),
        ("unit", unit),
        ("year_amounts", year_amounts),
        ("years", years),
    ] {
        map.insert(key.to_owned(), value);
    }
    map
}
