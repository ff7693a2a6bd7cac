//! Declared repeats (`same_as`, `total_same_as`): a ledger row, or a ledger's total row, that a
//! proposal says is the same figure as a row of another ledger (an overview's line and the
//! detail table that makes it up) must agree in every column both tables have, across units at
//! the precision the coarser table is written with (E065). A reference to a table or row that
//! does not exist is E069.

use std::ops::Range;

use toml::de::{DeTable, DeValue};

use super::Context;
use super::cross_table::{text, written_tables};
use crate::checked::{Cells, CheckedProposal, Ledger};
use crate::diagnostic::{Code, Diagnostic};
use crate::number::format_amount;
use crate::parse::did_you_mean;

/// One declaration as written.
struct Declaration {
    /// The declaring table's id.
    table: String,
    /// The declaring row's label, or `None` for the table's total row.
    row: Option<String>,
    /// The reference, `"table.label"`.
    reference: String,
    /// The reference's span.
    span: Range<usize>,
}

/// E065 and E069 for every `same_as` and `total_same_as` of the proposal.
pub fn check(cx: &Context<'_>, p: &CheckedProposal) -> Vec<Diagnostic> {
    let Some(tables) = written_tables(cx) else {
        return Vec::new();
    };
    let ledgers: Vec<&Ledger> = p.ledgers().collect();
    let mut found = Vec::new();
    for d in declarations(tables) {
        let Some(mine) = ledgers.iter().find(|l| l.id == d.table) else {
            continue;
        };
        let own = match &d.row {
            Some(label) => mine.line(label),
            None => Some(&mine.totals),
        };
        let Some(own) = own else { continue };
        match resolve(&ledgers, &d) {
            Ok((theirs, cells)) => found.extend(compare(mine, own, theirs, cells, &d)),
            Err(e) => found.push(*e),
        }
    }
    found
}

/// The declarations under `[tables]`, with their spans.
fn declarations(tables: &DeTable<'_>) -> Vec<Declaration> {
    let mut found = Vec::new();
    for (id, table) in tables {
        let DeValue::Table(table) = table.get_ref() else {
            continue;
        };
        if let (Some(reference), Some(value)) =
            (text(table, "total_same_as"), table.get("total_same_as"))
        {
            found.push(Declaration {
                table: id.get_ref().to_string(),
                row: None,
                reference,
                span: value.span(),
            });
        }
        let Some(DeValue::Array(rows)) = table.get("rows").map(|v| v.get_ref()) else {
            continue;
        };
        for row in rows {
            let DeValue::Table(row) = row.get_ref() else {
                continue;
            };
            if let (Some(reference), Some(value), Some(label)) =
                (text(row, "same_as"), row.get("same_as"), text(row, "label"))
            {
                let account = text(row, "account");
                found.push(Declaration {
                    table: id.get_ref().to_string(),
                    row: Some(match account {
                        Some(a) => format!("{a} {label}"),
                        None => label,
                    }),
                    reference,
                    span: value.span(),
                });
            }
        }
    }
    found.sort_by_key(|d| d.span.start);
    found
}

/// The ledger and figures a reference names, or E069.
fn resolve<'a>(
    ledgers: &[&'a Ledger],
    d: &Declaration,
) -> Result<(&'a Ledger, &'a Cells), Box<Diagnostic>> {
    let (table, label) = d.reference.split_once('.').unwrap_or((&d.reference, ""));
    let (table, label) = (table.trim(), label.trim());
    let Some(theirs) = ledgers.iter().find(|l| l.id == table) else {
        return Err(Box::new(Diagnostic::new(
            Code::E069,
            format!(
                "`same_as` names the table `{table}`, which is not a placed ledger of this proposal"
            ),
            Some(d.span.clone()),
        )
        .with_help(format!(
            "{}write \"table.label\", e.g. \"oversigt.Dagtilbud\"; the ledgers are {}",
            did_you_mean(table, ledgers.iter().map(|l| l.id.as_str())),
            ledgers
                .iter()
                .map(|l| format!("`{}`", l.id))
                .collect::<Vec<_>>()
                .join(", ")
        ))));
    };
    match theirs.line(label) {
        Some(cells) if !(theirs.id == d.table && d.row.as_deref() == Some(label)) => {
            Ok((theirs, cells))
        }
        _ => Err(Box::new(
            Diagnostic::new(
                Code::E069,
                format!("`same_as` names \"{label}\", which is no other row of table `{table}`"),
                Some(d.span.clone()),
            )
            .with_help(format!(
                "{}name a row, subtotal or total row by its printed label",
                did_you_mean(label, theirs.labels())
            )),
        )),
    }
}

/// E065 at the declaration for the first column both tables have whose figures differ.
fn compare(
    mine: &Ledger,
    own: &Cells,
    theirs: &Ledger,
    cells: &Cells,
    d: &Declaration,
) -> Option<Diagnostic> {
    for (i, column) in mine.columns.iter().enumerate() {
        if column.key.is_empty() || column.is_percent() {
            continue;
        }
        let Some(j) = theirs.columns.iter().position(|c| c.key == column.key) else {
            continue;
        };
        let (a, b) = (own[i], cells[j]);
        let agree = match (a, b) {
            (Some(a), Some(b)) => mine.unit.agrees(a, theirs.unit, b),
            (None, None) => true,
            (Some(v), None) | (None, Some(v)) => v.is_zero(),
        };
        if agree {
            continue;
        }
        let shown = |v: Option<rust_decimal::Decimal>, l: &Ledger| {
            v.map_or("blank".to_owned(), |v| {
                format!("{} ({})", format_amount(v, None), l.unit.label())
            })
        };
        return Some(
            Diagnostic::new(
                Code::E065,
                format!(
                    "`same_as` says this is \"{}\" of table `{}`, but in {} it is {} here and {} there",
                    d.reference.split_once('.').map_or("", |(_, l)| l.trim()),
                    theirs.id,
                    column.header,
                    shown(a, mine),
                    shown(b, theirs)
                ),
                Some(d.span.clone()),
            )
            .with_label("not the same figures")
            .with_help(
                "correct the figures in one of the two tables; across units they must agree at \
                 the precision of the coarser table",
            ),
        );
    }
    None
}
