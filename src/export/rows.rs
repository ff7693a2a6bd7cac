//! The figures of proposals as flat rows, one per line (or total) and column, for the XLSX and
//! CSV outputs: the "long" shape a pivot table reads, every figure as printed in the PDF. The last
//! column, "Totalrække", says whether a figure is computed from others (a net, subtotal or total
//! row, or a computed column such as a row total), so that a pivot table filtered on "nej"
//! counts every figure once.

use rust_decimal::Decimal;

use crate::checked::{CheckedProposal, Unit};
use crate::figures::{self, Figure, Kind, Measure};

/// The column headers of a row, in order (the same in the workbook and the CSV).
pub const HEADERS: [&str; 17] = [
    "Id",
    "Titel",
    "Skema",
    "Udvalg",
    "Tabel",
    "Gruppe",
    "Tekst",
    "Konto",
    "Udgiftstype",
    "Linjetype",
    "Enhed",
    "Prisniveau",
    "Kolonne",
    "År",
    "Beløb",
    "Beløb i kr.",
    "Totalrække",
];

/// The "Totalrække" column's value for a computed total and for a line.
pub fn total_text(total: bool) -> &'static str {
    if total { "ja" } else { "nej" }
}

/// One figure of a proposal with everything a pivot table groups by.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Proposal id.
    pub id: String,
    /// Proposal title.
    pub title: String,
    /// The form's name.
    pub form: String,
    /// Committee: the line's own, else the proposal's committees.
    pub committee: String,
    /// "budget" for the standard amounts table, else the ledger's id under `[tables]`.
    pub table: String,
    /// The groups the row sits in, outermost first, joined by " / ".
    pub group: String,
    /// The printed label of the line, subtotal or total.
    pub label: String,
    /// The account number, if the line has one.
    pub account: String,
    /// The expense type ("Service", …), where the table states it.
    pub expense: String,
    /// What the line is: a line kind ("Omstilling", …), else [`Kind::name`] ("Række", "Netto", …).
    pub kind: String,
    /// What the figure counts: an amount in the table's unit, årsværk, or a percentage.
    pub unit: Measure,
    /// Price basis, if stated.
    pub prices: String,
    /// The column: the year, or a named column's header (a budget stage).
    pub column: String,
    /// The year, for year columns.
    pub year: Option<i64>,
    /// The figure as printed (rounded to the table's decimals), in the table's unit.
    pub amount: Decimal,
    /// The decimals the figure prints with.
    pub decimals: u32,
    /// Whether the figure is computed from others (a total row or a computed column).
    pub total: bool,
}

impl Row {
    /// The text columns, in the order of [`HEADERS`] (its first 13).
    pub fn texts(&self) -> [&str; 13] {
        [
            &self.id,
            &self.title,
            &self.form,
            &self.committee,
            &self.table,
            &self.group,
            &self.label,
            &self.account,
            &self.expense,
            &self.kind,
            self.unit.label(),
            &self.prices,
            &self.column,
        ]
    }

    /// The figure in kroner (exact: the printed figure converted), if it is an amount.
    pub fn kroner(&self) -> Option<Decimal> {
        let unit = self.unit.unit()?;
        Some(unit.convert(self.amount, Unit::Kroner))
    }

    /// The decimals the figure in kroner needs (at least none).
    pub fn kroner_decimals(&self) -> u32 {
        self.kroner().map_or(0, |k| k.normalize().scale())
    }
}

/// The rows of every figure the proposals' tables print, as [`figures::proposal`] walks them:
/// today's budget, budget lines, årsværk, requests and ledger rows (`totals` false), or the
/// computed figures ([`figures::Figure::is_computed`]: nets, subtotals and total rows, and the
/// computed columns such as a row total or a percentage; `totals` true). Percentages have the
/// unit "%" and no figure in kroner; a request's alternative is left out (it is not counted).
pub fn rows(proposals: &[&CheckedProposal], totals: bool) -> Vec<Row> {
    let mut out = Vec::new();
    for p in proposals {
        let tables = figures::proposal(p);
        let wanted = figures::figures(&tables)
            .filter(|f| f.is_computed() == totals && f.line.kind != Kind::Alternative);
        out.extend(wanted.map(|f| row(p, &f)));
    }
    out
}

/// The rows of a catalogue's own tables (its overview and selections; [`figures::catalogue`]),
/// every one marked as a total: they repeat and sum its proposals' figures, so a pivot table
/// of the lines must not count them. A proposal's row in the overview carries its id and
/// title; the others the catalogue's title.
pub fn catalogue_rows(title: &str, tables: &[figures::Table]) -> Vec<Row> {
    figures::figures(tables)
        .map(|f| {
            let (table, line) = (f.table, f.line);
            let (id, own_title) = match line.texts.as_slice() {
                [id, proposal, ..] => (id.clone(), proposal.clone()),
                _ => (String::new(), title.to_owned()),
            };
            Row {
                id,
                title: own_title,
                form: "katalog".to_owned(),
                committee: String::new(),
                table: table.id.clone(),
                group: line.group.join(" / "),
                label: line.label.clone(),
                account: String::new(),
                expense: line.texts.get(2).cloned().unwrap_or_default(),
                kind: line.kind.name().to_owned(),
                unit: f.cell.measure,
                prices: String::new(),
                column: f.column.name(),
                year: f.column.year,
                amount: f.cell.printed,
                decimals: f.cell.decimals.unwrap_or_else(|| f.cell.printed.scale()),
                total: true,
            }
        })
        .collect()
}

/// The row of one figure of `p`.
fn row(p: &CheckedProposal, f: &Figure<'_>) -> Row {
    let (table, line) = (f.table, f.line);
    Row {
        id: p.id.clone(),
        title: p.title.clone(),
        form: p.form.name.clone(),
        committee: line
            .committee
            .clone()
            .unwrap_or_else(|| p.committees.join(", ")),
        table: table.id.clone(),
        group: line.group.join(" / "),
        label: line.label.clone(),
        account: line.account.clone().unwrap_or_default(),
        expense: line.expense.clone().unwrap_or_default(),
        kind: line.line_kind.unwrap_or(line.kind.name()).to_owned(),
        unit: f.cell.measure,
        prices: table.prices.clone().unwrap_or_default(),
        column: f.column.name(),
        year: f.column.year,
        amount: f.cell.printed,
        decimals: f.cell.decimals.unwrap_or_else(|| f.cell.printed.scale()),
        total: f.is_computed(),
    }
}
