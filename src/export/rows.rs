//! The figures of proposals as flat rows, one per line (or total) and column, for the XLSX and
//! CSV outputs: the "long" shape a pivot table reads, every figure as printed in the PDF.

use rust_decimal::Decimal;

use crate::checked::{CheckedProposal, Unit};
use crate::ledger::{Entry, Ledger};
use crate::number::round;

/// The column headers of a row, in order (the same in the workbook and the CSV).
pub const HEADERS: [&str; 16] = [
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
];

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
    /// What the line is: a line kind ("Omstilling", …), "Række", "Netto", "Subtotal", "I alt".
    pub kind: String,
    /// The table's unit.
    pub unit: Unit,
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

    /// The figure in kroner (exact: the printed figure converted).
    pub fn kroner(&self) -> Decimal {
        self.unit.convert(self.amount, Unit::Kroner)
    }

    /// The decimals the figure in kroner needs (at least none).
    pub fn kroner_decimals(&self) -> u32 {
        self.kroner().normalize().scale()
    }
}

/// The rows of the proposals' figures: budget lines and ledger rows (`totals` false), or the
/// computed totals, i.e. nets, subtotals and total rows (`totals` true). Percentages are left
/// out: they are not amounts and do not add up.
pub fn rows(proposals: &[&CheckedProposal], totals: bool) -> Vec<Row> {
    let mut out = Vec::new();
    for p in proposals {
        proposal_rows(p, totals, &mut out);
    }
    out
}

/// The rows of one proposal, appended to `out`.
fn proposal_rows(p: &CheckedProposal, totals: bool, out: &mut Vec<Row>) {
    let base = Row {
        id: p.id.clone(),
        title: p.title.clone(),
        form: p.form.name.clone(),
        committee: p.committees.join(", "),
        table: String::new(),
        group: String::new(),
        label: String::new(),
        account: String::new(),
        expense: String::new(),
        kind: String::new(),
        unit: Unit::Kroner,
        prices: String::new(),
        column: String::new(),
        year: None,
        amount: Decimal::ZERO,
        decimals: 0,
    };
    if let Some(t) = &p.budget {
        let decimals = crate::view::table_decimals(
            t.current
                .iter()
                .chain(t.lines.iter().map(|l| &l.cells))
                .chain(t.nets.iter().map(|n| &n.cells)),
        )
        .unwrap_or(0);
        let table = Row {
            table: "budget".into(),
            unit: t.unit,
            prices: t.prices.clone(),
            decimals,
            ..base.clone()
        };
        let years = |row: &Row, cells: &[Option<Decimal>], out: &mut Vec<Row>| {
            for (year, cell) in t.years.iter().zip(cells) {
                if let Some(v) = cell {
                    out.push(Row {
                        column: year.to_string(),
                        year: Some(*year),
                        amount: round(*v, decimals),
                        ..row.clone()
                    });
                }
            }
        };
        if totals {
            for net in &t.nets {
                let row = Row {
                    label: format!("Samlet ændring (Netto) {}", net.expense.short()),
                    expense: net.expense.short().into(),
                    kind: "Netto".into(),
                    ..table.clone()
                };
                years(&row, &net.cells, out);
            }
        } else {
            for line in &t.lines {
                let row = Row {
                    committee: line.committee.clone(),
                    label: line.label.clone(),
                    account: line
                        .account
                        .as_ref()
                        .map(|a| a.text.clone())
                        .unwrap_or_default(),
                    expense: line.expense.short().into(),
                    kind: line.kind.label().into(),
                    ..table.clone()
                };
                years(&row, &line.cells, out);
            }
        }
    }
    if let Some(r) = &p.request {
        request_rows(r, &base, totals, out);
    }
    for ledger in p.ledgers() {
        ledger_rows(ledger, &base, totals, out);
    }
}

/// The rows of a catalogue proposal's request (printed with one decimal): its parts, or the
/// amount when it is not split; the total of a split request is a total. The alternative
/// amount is not counted and left out.
fn request_rows(r: &crate::checked::Request, base: &Row, totals: bool, out: &mut Vec<Row>) {
    let row = |label: &str, kind: &str, amount: Decimal| Row {
        table: "anmodning".into(),
        label: label.to_owned(),
        expense: r.area.clone().unwrap_or_default(),
        kind: kind.into(),
        unit: r.unit,
        column: r.year.to_string(),
        year: Some(r.year),
        amount: round(amount, 1),
        decimals: 1,
        ..base.clone()
    };
    match (totals, r.parts.is_empty()) {
        (false, true) => out.push(row("Anmodning", "Anmodning", r.total)),
        (false, false) => {
            for (label, amount) in &r.parts {
                out.push(row(label, "Anmodning", *amount));
            }
        }
        (true, false) => out.push(row("Anmodning i alt", "I alt", r.total)),
        (true, true) => {}
    }
}

/// The rows of one ledger: its leaf rows, or its subtotals and total row.
fn ledger_rows(l: &Ledger, base: &Row, totals: bool, out: &mut Vec<Row>) {
    let table = Row {
        table: l.id.clone(),
        unit: l.unit,
        prices: l.prices.clone().unwrap_or_default(),
        ..base.clone()
    };
    let columns: Vec<(usize, u32)> = (0..l.columns.len())
        .filter(|i| !l.columns[*i].is_percent())
        .map(|i| (i, crate::view::ledger::decimals(l, i).unwrap_or(0)))
        .collect();
    let push = |row: Row, cells: &[Option<Decimal>], out: &mut Vec<Row>| {
        for (i, decimals) in &columns {
            if let Some(v) = cells.get(*i).copied().flatten() {
                let column = &l.columns[*i];
                out.push(Row {
                    column: column
                        .year
                        .map_or_else(|| column.header.clone(), |y| y.to_string()),
                    year: column.year,
                    amount: round(v, *decimals),
                    decimals: *decimals,
                    ..row.clone()
                });
            }
        }
    };
    let mut groups: Vec<String> = Vec::new();
    for entry in &l.entries {
        match entry {
            Entry::Group { label, depth } => {
                groups.truncate(*depth);
                groups.push(label.clone());
            }
            Entry::Row(r) if !totals => {
                groups.truncate(r.depth);
                let row = Row {
                    group: groups.join(" / "),
                    label: r.label.clone(),
                    account: r
                        .account
                        .as_ref()
                        .map(|a| a.text.clone())
                        .unwrap_or_default(),
                    kind: "Række".into(),
                    ..table.clone()
                };
                push(row, &r.cells, out);
            }
            Entry::Subtotal {
                label,
                depth,
                cells,
            } if totals => {
                groups.truncate(depth + 1);
                let row = Row {
                    group: groups.join(" / "),
                    label: label.clone(),
                    kind: "Subtotal".into(),
                    ..table.clone()
                };
                push(row, cells, out);
            }
            _ => {}
        }
    }
    if totals && let Some(label) = &l.total_label {
        let row = Row {
            label: label.clone(),
            kind: "I alt".into(),
            ..table.clone()
        };
        push(row, &l.totals, out);
    }
}
