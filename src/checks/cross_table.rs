//! The same row in two tables (E065): a row whose label appears in two ledger tables of one
//! proposal (an overview and a detail table, or one line repeated) must show the same amounts in
//! the columns both tables have; in tables of different units, the same figure at the precision
//! the coarser table is written with ([`Unit::agrees`]). A published document whose two tables
//! disagree is wrong in one of them; the error names both places. Figures read from a
//! spreadsheet are compared as typed ones, and named by their cell.
//!
//! A label alone says the two rows are the same only where they mean the same: in tables of the
//! same kind (operating, construction or financing, read from the caption: "Driftsbudget",
//! "Anlæg", …; two tables that do not say are of one kind) and in columns of the same key and
//! header. Rows of an operating and a construction table that share a committee's name are
//! different figures and are not compared. Where only one of the two tables says its kind, or
//! the columns' headers differ, the repeat is a guess: a warning (W030) that `[acknowledged]`
//! can silence, or that `same_as` turns into a checked repeat.

use super::Context;
use crate::checked::{CheckedProposal, Ledger, LedgerRow, Origin, Unit};
use crate::diagnostic::{Code, Diagnostic, line_col};

/// One ledger row with the figures written or read for it.
struct Row<'a> {
    /// The table's id under `[tables]`.
    table: &'a str,
    /// The table's unit.
    unit: Unit,
    /// The decimals the table prints with, if declared.
    decimals: Option<u32>,
    /// The kind of budget the table shows, if its caption says.
    kind: Option<Kind>,
    /// The row.
    row: &'a LedgerRow,
    /// The figures written or read for it: column key, column header, figure, origin.
    amounts: Vec<(&'a str, &'a str, rust_decimal::Decimal, &'a Origin)>,
}

/// The kind of budget a ledger shows, as its caption or label header names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Operating expenses (drift, service, overførsler).
    Drift,
    /// Construction (anlæg).
    Anlaeg,
    /// Financing (finansiering, renter, lån).
    Finansiering,
}

impl Kind {
    /// The kind a table's caption and label header name; `None` when they name none or more
    /// than one.
    pub fn of(ledger: &Ledger) -> Option<Kind> {
        let text = format!(
            "{} {}",
            ledger.caption.as_deref().unwrap_or(""),
            ledger.label_header.as_deref().unwrap_or("")
        )
        .to_lowercase();
        let named: Vec<Kind> = [
            (Kind::Drift, &["drift", "service", "overførsel"][..]),
            (Kind::Anlaeg, &["anlæg"][..]),
            (Kind::Finansiering, &["finansiering", "renter", "låne"][..]),
        ]
        .into_iter()
        .filter(|(_, words)| words.iter().any(|w| text.contains(w)))
        .map(|(k, _)| k)
        .collect();
        match named.as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    }

    /// The kind in a message.
    fn name(self) -> &'static str {
        match self {
            Kind::Drift => "operating (drift)",
            Kind::Anlaeg => "construction (anlæg)",
            Kind::Finansiering => "financing",
        }
    }
}

/// Whether two rows of one label mean the same figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Meaning {
    /// The same kind of table and column: a repeat, checked (E065).
    Same,
    /// Perhaps: one table says its kind and the other does not, or the headers differ (W030).
    Guess,
}

/// E065 for each row that disagrees with a row of the same label and meaning in an earlier
/// table; W030 where the meaning is a guess.
pub fn check(cx: &Context<'_>) -> Vec<Diagnostic> {
    let Some(p) = cx.proposal else {
        return Vec::new();
    };
    let rows = rows(p);
    let mut found = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let mut first: Option<Disagreement<'_, '_>> = None;
        for earlier in &rows[..i] {
            if earlier.table == row.table || earlier.row.name.get_ref() != row.row.name.get_ref() {
                continue;
            }
            let kinds = match (earlier.kind, row.kind) {
                (Some(a), Some(b)) if a != b => continue,
                (Some(_), None) | (None, Some(_)) => Meaning::Guess,
                _ => Meaning::Same,
            };
            for (key, header, mine, at) in &row.amounts {
                let Some((_, their_header, theirs, there)) =
                    earlier.amounts.iter().find(|(k, _, theirs, _)| {
                        k == key && !row.unit.agrees(*mine, earlier.unit, *theirs)
                    })
                else {
                    continue;
                };
                let meaning = if header == their_header {
                    kinds
                } else {
                    Meaning::Guess
                };
                let better = first
                    .as_ref()
                    .is_none_or(|f| f.meaning == Meaning::Guess && meaning == Meaning::Same);
                if better {
                    first = Some(Disagreement {
                        other: earlier,
                        key,
                        mine: (*mine, at),
                        theirs: (*theirs, there),
                        meaning,
                    });
                }
                break;
            }
        }
        if let Some(d) = first {
            found.push(disagreement(cx, row, &d));
        }
    }
    found
}

/// Two rows of one label whose figures differ in a column.
struct Disagreement<'r, 'a> {
    /// The earlier row.
    other: &'r Row<'a>,
    /// The column's key.
    key: &'a str,
    /// This row's figure and its origin.
    mine: (rust_decimal::Decimal, &'a Origin),
    /// The earlier row's figure and its origin.
    theirs: (rust_decimal::Decimal, &'a Origin),
    /// Whether the rows surely mean the same.
    meaning: Meaning,
}

/// E065 (or W030 for a guess) for a row that disagrees with an earlier one.
fn disagreement(cx: &Context<'_>, row: &Row<'_>, d: &Disagreement<'_, '_>) -> Diagnostic {
    let other = d.other;
    let (mine, at) = d.mine;
    let (theirs, there) = d.theirs;
    let key = d.key;
    let (line, _) = line_col(cx.view.text, other.row.name.span().start);
    // A figure read from a spreadsheet is reported at the `from` that read it.
    let span = match at.cell() {
        Some(_) => at.span(),
        None => row.row.name.span(),
    };
    let figures = format!(
        "the row \"{}\" is {} ({}) in {key} here{}, but {} ({}) in table `{}`{}",
        shorten(row.row.name.get_ref()),
        crate::number::format_amount(mine, row.decimals),
        row.unit.label(),
        cell(at),
        crate::number::format_amount(theirs, other.decimals),
        other.unit.label(),
        other.table,
        cell(there)
    );
    if d.meaning == Meaning::Guess {
        let kind = row.kind.or(other.kind).map_or_else(String::new, |k| {
            format!(" (one table is {}, the other does not say)", k.name())
        });
        return Diagnostic::new(
            Code::W030,
            format!("{figures}; the two rows share a label, but may not mean the same{kind}"),
            Some(span),
        )
        .with_label(format!("the same label as line {line}"))
        .with_help(format!(
            "if they are the same figure, declare it with same_as = \"{}.{}\" and correct one of them; if they mean different things (drift and anlæg, another column), say so in the captions (\"Drift\", \"Anlæg\") or acknowledge W030 with the reason",
            other.table,
            other.row.name.get_ref()
        ));
    }
    Diagnostic::new(Code::E065, figures, Some(span))
        .with_label(format!("the same row as line {line}"))
        .with_help(format!(
            "correct the figure in one of the two tables (`{}` and `{}`); rows with the same label in two tables of the same kind must agree (across units, at the coarser table's precision)",
            other.table, row.table
        ))
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
                decimals: l.decimals,
                kind: Kind::of(l),
                row,
                amounts: l
                    .columns
                    .iter()
                    .zip(&row.cells)
                    .zip(&row.origins)
                    .filter_map(|((c, v), o)| {
                        Some((c.key.as_str(), c.header.as_str(), (*v)?, o.as_ref()?))
                    })
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
