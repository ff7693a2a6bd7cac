//! The same row in two tables (E065): a row whose label appears in two ledger tables of one
//! proposal (an overview and a detail table, or one line repeated) must show the same amounts in
//! the columns both tables have; in tables of different units, the same figure at the precision
//! the coarser table is written with ([`Unit::agrees`]). A published document whose two tables
//! disagree is wrong in one of them; the error names both places. Figures read from a
//! spreadsheet are compared as typed ones, and named by their cell.

use super::Context;
use crate::checked::{CheckedProposal, Ledger, LedgerRow, Origin, Unit};
use crate::diagnostic::{Code, Diagnostic, line_col};

/// One ledger row with the figures written or read for it.
struct Row<'a> {
    /// The table's id under `[tables]`.
    table: &'a str,
    /// The table's unit.
    unit: Unit,
    /// The row.
    row: &'a LedgerRow,
    /// The figures written or read for it: column key, figure, origin.
    amounts: Vec<(&'a str, rust_decimal::Decimal, &'a Origin)>,
}

/// E065 for each row that disagrees with a row of the same label in an earlier table.
pub fn check(cx: &Context<'_>) -> Vec<Diagnostic> {
    let Some(p) = cx.proposal else {
        return Vec::new();
    };
    let rows = rows(p);
    let mut found = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let Some((other, key, (mine, at), (theirs, there))) =
            rows[..i].iter().find_map(|earlier| {
                if earlier.table == row.table
                    || earlier.row.name.get_ref() != row.row.name.get_ref()
                {
                    return None;
                }
                row.amounts.iter().find_map(|(key, mine, at)| {
                    earlier
                        .amounts
                        .iter()
                        .find(|(k, theirs, _)| {
                            k == key && !row.unit.agrees(*mine, earlier.unit, *theirs)
                        })
                        .map(|(_, theirs, there)| (earlier, key, (mine, at), (theirs, there)))
                })
            })
        else {
            continue;
        };
        let (line, _) = line_col(cx.view.text, other.row.name.span().start);
        // A figure read from a spreadsheet is reported at the `from` that read it.
        let span = match at.cell() {
            Some(_) => at.span(),
            None => row.row.name.span(),
        };
        found.push(
            Diagnostic::new(
                Code::E065,
                format!(
                    "the row \"{}\" is {} ({}) in {key} here{}, but {} ({}) in table `{}`{}",
                    shorten(row.row.name.get_ref()),
                    crate::number::format_amount(*mine, None),
                    row.unit.label(),
                    cell(at),
                    crate::number::format_amount(*theirs, None),
                    other.unit.label(),
                    other.table,
                    cell(there)
                ),
                Some(span),
            )
            .with_label(format!("the same row as line {line}"))
            .with_help(format!(
                "correct the figure in one of the two tables (`{}` and `{}`); rows with the same label in two tables must agree (across units, at the coarser table's precision)",
                other.table, row.table
            )),
        );
    }
    found
}

/// " (d.csv, B3)" for a figure read from a spreadsheet; nothing for a typed one.
pub(super) fn cell(origin: &Origin) -> String {
    origin
        .cell()
        .map_or_else(String::new, |c| format!(" ({c})"))
}

/// The rows of every ledger of the proposal, placed or not, in source order.
fn rows(p: &CheckedProposal) -> Vec<Row<'_>> {
    let mut found: Vec<Row<'_>> = p
        .written_ledgers
        .iter()
        .flat_map(|l: &Ledger| {
            l.rows().map(move |row| Row {
                table: &l.id,
                unit: l.unit,
                row,
                amounts: l
                    .columns
                    .iter()
                    .zip(&row.cells)
                    .zip(&row.origins)
                    .filter_map(|((c, v), o)| Some((c.key.as_str(), (*v)?, o.as_ref()?)))
                    .collect(),
            })
        })
        .collect();
    found.sort_by_key(|r| r.row.name.span().start);
    found
}

/// A long label cut to its first 60 characters, for the message.
fn shorten(label: &str) -> String {
    if label.chars().count() <= 60 {
        label.to_owned()
    } else {
        format!("{}…", label.chars().take(60).collect::<String>())
    }
}
