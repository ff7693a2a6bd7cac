//! Declared repeats (`same_as`, `total_same_as`): a ledger row, or a ledger's total row, that a
//! proposal says is the same figure as a row of another ledger (an overview's line and the
//! detail table that makes it up) must agree in every column both tables have, across units at
//! the precision the coarser table is written with (E065). A reference to a table or row that
//! does not exist is E069.

use std::ops::Range;

use super::cross_table::cell;
use crate::checked::{Cells, CheckedProposal, Ledger, LedgerRow};
use crate::diagnostic::{Code, Diagnostic};
use crate::number::format_amount;
use crate::parse::did_you_mean;

/// One declaration: the declaring table and row, and the reference with its span.
struct Declaration<'a> {
    /// The declaring table's id.
    table: &'a str,
    /// The declaring row, or `None` for the table's total row.
    row: Option<&'a LedgerRow>,
    /// The reference, `"table.label"`.
    reference: &'a str,
    /// The reference's span.
    span: Range<usize>,
}

/// E065 and E069 for every `same_as` and `total_same_as` of the proposal's placed ledgers.
pub fn check(p: &CheckedProposal) -> Vec<Diagnostic> {
    let ledgers: Vec<&Ledger> = p.ledgers().collect();
    let mut found = Vec::new();
    for (mine, d) in declarations(&ledgers) {
        let own = match d.row {
            Some(row) => &row.cells,
            None => &mine.totals,
        };
        match resolve(&ledgers, &d) {
            Ok((theirs, cells, row)) => found.extend(compare(mine, own, theirs, cells, row, &d)),
            Err(e) => found.push(*e),
        }
    }
    found
}

/// The declarations of the placed ledgers, in source order.
fn declarations<'a>(ledgers: &[&'a Ledger]) -> Vec<(&'a Ledger, Declaration<'a>)> {
    let mut found = Vec::new();
    for ledger in ledgers.iter().copied() {
        if let Some(reference) = &ledger.source.total_same_as {
            found.push((
                ledger,
                Declaration {
                    table: &ledger.id,
                    row: None,
                    reference: reference.get_ref(),
                    span: reference.span(),
                },
            ));
        }
        for row in ledger.rows() {
            if let Some(reference) = &row.same_as {
                found.push((
                    ledger,
                    Declaration {
                        table: &ledger.id,
                        row: Some(row),
                        reference: reference.get_ref(),
                        span: reference.span(),
                    },
                ));
            }
        }
    }
    found.sort_by_key(|(_, d)| d.span.start);
    found
}

/// The ledger and figures a reference names (and the row, if a leaf row), or E069.
fn resolve<'a>(
    ledgers: &[&'a Ledger],
    d: &Declaration,
) -> Result<(&'a Ledger, &'a Cells, Option<&'a LedgerRow>), Box<Diagnostic>> {
    let (table, label) = d.reference.split_once('.').unwrap_or((d.reference, ""));
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
        Some(cells)
            if !(theirs.id == d.table && d.row.map(|r| r.label.as_str()) == Some(label)) =>
        {
            let row = theirs.rows().find(|r| std::ptr::eq(&r.cells, cells));
            Ok((theirs, cells, row))
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

/// E065 at the declaration for the first column both tables have whose figures differ; a figure
/// read from a spreadsheet is named by its cell.
fn compare(
    mine: &Ledger,
    own: &Cells,
    theirs: &Ledger,
    cells: &Cells,
    row: Option<&LedgerRow>,
    d: &Declaration,
) -> Option<Diagnostic> {
    let place = |r: Option<&LedgerRow>, i: usize| {
        r.and_then(|r| r.origins.get(i)?.as_ref())
            .map_or_else(String::new, cell)
    };
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
                format!("{} ({})", format_amount(v, l.decimals), l.unit.label())
            })
        };
        return Some(
            Diagnostic::new(
                Code::E065,
                format!(
                    "`same_as` says this is \"{}\" of table `{}`, but in {} it is {}{} here and {}{} there",
                    d.reference.split_once('.').map_or("", |(_, l)| l.trim()),
                    theirs.id,
                    column.header,
                    shown(a, mine),
                    place(d.row, i),
                    shown(b, theirs),
                    place(row, j)
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
