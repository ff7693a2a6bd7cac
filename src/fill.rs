//! Filling a form: the checked proposal becomes a plain view, and a minijinja template turns it into Typst.
//!
//! Every interpolated value is escaped into a Typst string literal by the environment's
//! formatter; templates cannot print user text as markup, and user text is never a template.

use std::path::Path;

use minijinja::value::Value;
use minijinja::{Environment, Error, ErrorKind, UndefinedBehavior};
use serde::Serialize;

use crate::checked::{Cells, CheckedProposal};
use crate::markdown;
use crate::number::{format_amount, format_signed, join_danish};

/// The sign convention printed under every amounts table.
pub const SIGN_NOTE: &str = "Note: (-) = mindreudgift/merindtægt, (+) = merudgift/mindreindtægt";

/// What a template sees of a proposal: every figure already formatted.
#[derive(Debug, Clone, Serialize)]
pub struct View {
    /// Proposal id.
    pub id: String,
    /// Headline.
    pub title: String,
    /// Issuing municipality, if named.
    pub municipality: Option<String>,
    /// Committees joined the Danish way ("A, B og C").
    pub committees: String,
    /// Proposer.
    pub proposer: String,
    /// "Serviceudgifter og overførselsudgifter", derived from the lines.
    pub expense_types: String,
    /// Date as "12.06.2024", if given.
    pub date: Option<String>,
    /// The amounts table.
    pub table: TableView,
    /// Sections in order.
    pub sections: Vec<SectionView>,
}

/// An amounts table ready to print.
#[derive(Debug, Clone, Serialize)]
pub struct TableView {
    /// Header of the label column: "Beløb i 1.000 kr. 2024-priser".
    pub caption: String,
    /// Years as printed.
    pub years: Vec<String>,
    /// Rows in print order.
    pub rows: Vec<RowView>,
    /// The sign convention.
    pub sign_note: String,
}

/// One printed row of an amounts table.
#[derive(Debug, Clone, Serialize)]
pub struct RowView {
    /// How the row is drawn: "plain", "group", "line", "total".
    pub style: &'static str,
    /// Row label.
    pub label: String,
    /// Formatted cells, "" for blank; empty for group rows.
    pub cells: Vec<String>,
}

/// A section ready to print.
#[derive(Debug, Clone, Serialize)]
pub struct SectionView {
    /// Heading.
    pub heading: String,
    /// Markdown body (turned into Typst by the `markdown` filter).
    pub body: String,
}

/// Builds the view of a checked proposal.
pub fn view(p: &CheckedProposal) -> View {
    let t = &p.budget;
    let amounts = |cells: &Cells| -> Vec<String> {
        cells
            .iter()
            .map(|c| c.map(|v| format_amount(v, None)).unwrap_or_default())
            .collect()
    };
    let signed = |cells: &Cells| -> Vec<String> {
        cells
            .iter()
            .map(|c| c.map(format_signed).unwrap_or_default())
            .collect()
    };
    let mut rows = Vec::new();
    if let Some(current) = &t.current {
        rows.push(RowView {
            style: "plain",
            label: "Nuværende budget".into(),
            cells: amounts(current),
        });
    }
    rows.push(RowView {
        style: "group",
        label: "Budgetændring – drift".into(),
        cells: vec![],
    });
    for line in &t.lines {
        rows.push(RowView {
            style: "line",
            label: line.label.clone(),
            cells: amounts(&line.cells),
        });
    }
    for net in &t.nets {
        rows.push(RowView {
            style: "total",
            label: format!("Samlet ændring (Netto) {}", net.expense.short()),
            cells: amounts(&net.cells),
        });
    }
    if let Some(staff) = &t.staff {
        rows.push(RowView {
            style: "group",
            label: "Personalekonsekvenser".into(),
            cells: vec![],
        });
        rows.push(RowView {
            style: "line",
            label: "Ændring i antal årsværk".into(),
            cells: signed(&staff.total),
        });
        for (label, cells) in &staff.areas {
            rows.push(RowView {
                style: "sub",
                label: label.clone(),
                cells: signed(cells),
            });
        }
    }
    let types: Vec<String> = t
        .expense_types()
        .iter()
        .map(|e| e.noun().to_owned())
        .collect();
    View {
        id: p.id.clone(),
        title: p.title.clone(),
        municipality: p.municipality.clone(),
        committees: join_danish(&p.committees),
        proposer: p.proposer.clone(),
        expense_types: capitalize(&join_danish(&types)),
        date: p.date.map(|(y, m, d)| format!("{d:02}.{m:02}.{y}")),
        table: TableView {
            caption: format!("Beløb i {} {}", t.unit.label(), t.prices),
            years: t.years.iter().map(|y| y.to_string()).collect(),
            rows,
            sign_note: SIGN_NOTE.into(),
        },
        sections: p
            .sections
            .iter()
            .map(|s| SectionView {
                heading: s.heading.clone(),
                body: s.body.clone(),
            })
            .collect(),
    }
}

/// Upper-cases the first letter.
fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The template environment, loaded once per run and shared by every document.
pub struct Filler {
    /// minijinja environment holding every `*.typ.j2` template.
    env: Environment<'static>,
}

impl Filler {
    /// Loads every `*.typ.j2` under `templates_dir`.
    pub fn load(templates_dir: &Path) -> Result<Self, String> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_keep_trailing_newline(true);
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.set_formatter(|out, _state, value| {
            if value.is_safe() {
                out.write_str(&value.to_string())?;
            } else if !value.is_none() && !value.is_undefined() {
                out.write_str(&markdown::typst_text(&value.to_string()))?;
            }
            Ok(())
        });
        env.add_filter("markdown", |body: String| {
            Value::from_safe_string(markdown::to_typst(&body))
        });
        env.add_filter("str", |text: Value| {
            Value::from_safe_string(markdown::typst_string(&text.to_string()))
        });
        let entries = std::fs::read_dir(templates_dir).map_err(|e| {
            format!(
                "cannot read templates folder {}: {e}",
                templates_dir.display()
            )
        })?;
        let mut names: Vec<_> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.to_string_lossy().ends_with(".typ.j2"))
            .collect();
        names.sort();
        for path in names {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read template {}: {e}", path.display()))?;
            env.add_template_owned(name.clone(), text)
                .map_err(|e| format!("template {name} is invalid: {e:#}"))?;
        }
        Ok(Self { env })
    }

    /// Renders the proposal's form template to Typst source.
    pub fn fill(&self, proposal: &CheckedProposal) -> Result<String, String> {
        let render = || -> Result<String, Error> {
            let template = self.env.get_template(proposal.form.template)?;
            template.render(Value::from_serialize(view(proposal)))
        };
        render().map_err(|e| match e.kind() {
            ErrorKind::TemplateNotFound => {
                format!(
                    "template {} is missing from templates/",
                    proposal.form.template
                )
            }
            _ => format!("filling template {} failed: {e:#}", proposal.form.template),
        })
    }
}
