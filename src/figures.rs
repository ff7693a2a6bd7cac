//! One walk over a checked proposal: every table of figures it prints (the standard budget
//! table, the request, each ledger), row by row, with each figure's label, group path, column,
//! exact value, printed rounding (through [`crate::number::round`]), printed text, unit, decimals
//! and kind. The PDF view, the XLSX and CSV rows and the web pages take their labels and figures
//! from here, so no label string is written in two places. A catalogue's own tables (its
//! overview and selections) are walked in [`catalogue`].

use rust_decimal::Decimal;

use crate::checked::{AmountsTable, CheckedProposal, Request};
use crate::ledger::{Entry, Ledger, Zero};
use crate::number::{format_amount, format_signed, round};
use crate::unit::Unit;

pub mod catalogue;

/// The id of the standard budget table among a proposal's tables.
pub const BUDGET_TABLE: &str = "budget";
/// The id of a catalogue proposal's request among its tables.
pub const REQUEST_TABLE: &str = "anmodning";
/// The row of today's budget in the budget table.
pub const CURRENT: &str = "Nuværende budget";
/// The heading over the lines of the change in the budget table.
pub const CHANGE_HEADING: &str = "Budgetændring – drift";
/// The start of a net's label; the expense type follows ("Samlet ændring (Netto) Service").
pub const NET: &str = "Samlet ændring (Netto)";
/// The heading over the staff consequences in the budget table.
pub const STAFF_HEADING: &str = "Personalekonsekvenser";
/// The row of the total change in årsværk.
pub const STAFF_TOTAL: &str = "Ændring i antal årsværk";
/// The label of a request that is not split into parts.
pub const REQUEST: &str = "Anmodning";
/// The label of the total of a split request.
pub const REQUEST_TOTAL: &str = "Anmodning i alt";
/// The label of a request's alternative amount (not counted).
pub const ALTERNATIVE: &str = "Alternativ";

/// What a printed row of a table is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A heading spanning the row, without figures (a ledger's group, a budget table heading).
    Group,
    /// "Nuværende budget": today's budget, above the change.
    Current,
    /// A line of the change in the budget table (its line kind in [`Line::line_kind`]).
    Line,
    /// The net change of one expense type (computed).
    Net,
    /// A change in årsværk: the total or one area's.
    Staff,
    /// A leaf row of a ledger.
    Row,
    /// A group's subtotal in a ledger (computed).
    Subtotal,
    /// A total: a ledger's total row, a split request's total (computed).
    Total,
    /// A request's amount or one of its parts.
    Request,
    /// A request's alternative amount, not counted.
    Alternative,
    /// A catalogue's savings target (stated).
    Target,
    /// What remains of a catalogue's frame, or the distance to its target (computed).
    Balance,
}

impl Kind {
    /// The name of the kind in the spreadsheets' "Linjetype" column.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Group => "Gruppe",
            Kind::Current => CURRENT,
            Kind::Line => "Linje",
            Kind::Net => "Netto",
            Kind::Staff => "Årsværk",
            Kind::Row => "Række",
            Kind::Subtotal => "Subtotal",
            Kind::Total => "I alt",
            Kind::Request => REQUEST,
            Kind::Alternative => ALTERNATIVE,
            Kind::Target => "Mål",
            Kind::Balance => "Afstand eller rest",
        }
    }

    /// Whether the row's figures are computed from other figures (nets, subtotals, totals).
    pub fn is_total(self) -> bool {
        matches!(
            self,
            Kind::Net | Kind::Subtotal | Kind::Total | Kind::Balance
        )
    }
}

/// What a figure counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// An amount in this unit.
    Amount(Unit),
    /// Årsværk (full-time equivalents), printed with a sign.
    Fte,
    /// A percentage (a computed column).
    Percent,
}

impl Measure {
    /// The unit as printed: "1.000 kr.", "årsværk", "%".
    pub fn label(self) -> &'static str {
        match self {
            Measure::Amount(unit) => unit.label(),
            Measure::Fte => "årsværk",
            Measure::Percent => "%",
        }
    }

    /// The unit of an amount, if the figure is one.
    pub fn unit(self) -> Option<Unit> {
        match self {
            Measure::Amount(unit) => Some(unit),
            _ => None,
        }
    }
}

/// One figure as printed.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// The exact figure.
    pub value: Decimal,
    /// The decimals it prints with; `None`: as written (no rounding).
    pub decimals: Option<u32>,
    /// The figure as printed: rounded to `decimals`, else as written.
    pub printed: Decimal,
    /// The text the tables print ("1.250", "−2,5", "+2", "-" for a zero where the form says).
    pub text: String,
    /// What it counts.
    pub measure: Measure,
}

/// A column of a table of figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The header as printed (the year for year columns).
    pub header: String,
    /// The year, for year columns.
    pub year: Option<i64>,
    /// Whether its figures are computed from other columns (a sum, difference or percentage).
    pub computed: bool,
}

impl Column {
    /// The column as the spreadsheets name it: the year, else the header.
    pub fn name(&self) -> String {
        self.year
            .map_or_else(|| self.header.clone(), |y| y.to_string())
    }
}

/// One printed row of a table of figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// What the row is.
    pub kind: Kind,
    /// Its label as printed.
    pub label: String,
    /// The groups it sits in, outermost first (a subtotal's own group last).
    pub group: Vec<String>,
    /// Nesting level: 0 outermost.
    pub depth: usize,
    /// How a template draws it ("plain", "group", "line", "sub", "total" in the budget table).
    pub style: &'static str,
    /// The values of a ledger row's text columns, in order.
    pub texts: Vec<String>,
    /// The committee of a budget line.
    pub committee: Option<String>,
    /// The account number, if the row has one.
    pub account: Option<String>,
    /// The expense type (a budget line's or net's, a request's area).
    pub expense: Option<String>,
    /// A budget line's line kind as printed ("Omstilling", …).
    pub line_kind: Option<&'static str>,
    /// One figure per column of the table; `None` is a blank cell.
    pub cells: Vec<Option<Cell>>,
}

/// A table of figures as printed.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// "budget", "anmodning", or the ledger's id under `[tables]`.
    pub id: String,
    /// Caption above the table, if any.
    pub caption: Option<String>,
    /// Unit of its amounts.
    pub unit: Unit,
    /// Price basis, if stated.
    pub prices: Option<String>,
    /// The amount columns.
    pub columns: Vec<Column>,
    /// The rows in print order (a ledger's total row last).
    pub lines: Vec<Line>,
}

/// One figure with its place: the unit every output agrees on.
#[derive(Debug, Clone, Copy)]
pub struct Figure<'a> {
    /// Its table.
    pub table: &'a Table,
    /// Its row.
    pub line: &'a Line,
    /// Its column.
    pub column: &'a Column,
    /// The figure.
    pub cell: &'a Cell,
}

/// A figure's place, the same from revision to revision while the table, groups, row label
/// and column stay: what `diff` pairs old and new figures by.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    /// The table's id.
    pub table: String,
    /// The group path, joined by " / ".
    pub group: String,
    /// The row's label.
    pub label: String,
    /// The column's header.
    pub column: String,
}

impl Figure<'_> {
    /// Whether it is computed from other figures: a total row's (a net, subtotal, total or
    /// balance) or a computed column's (a row total, difference or percentage). Summing such
    /// figures with the lines would count them twice.
    pub fn is_computed(&self) -> bool {
        self.line.kind.is_total() || self.column.computed
    }

    /// Its stable key.
    pub fn key(&self) -> Key {
        Key {
            table: self.table.id.clone(),
            group: self.line.group.join(" / "),
            label: self.line.label.clone(),
            column: self.column.header.clone(),
        }
    }
}

impl Table {
    /// Every figure of the table, row by row, blank cells left out.
    pub fn figures(&self) -> impl Iterator<Item = Figure<'_>> {
        self.lines.iter().flat_map(move |line| {
            self.columns
                .iter()
                .zip(&line.cells)
                .filter_map(move |(column, cell)| {
                    cell.as_ref().map(|cell| Figure {
                        table: self,
                        line,
                        column,
                        cell,
                    })
                })
        })
    }
}

/// Every table of figures a proposal prints, in order: the budget table, the request, then its
/// ledgers as placed in its sections.
pub fn proposal(p: &CheckedProposal) -> Vec<Table> {
    let mut tables = Vec::new();
    tables.extend(p.budget.as_ref().map(budget));
    tables.extend(p.request.as_ref().map(request));
    tables.extend(p.ledgers().map(|l| ledger(l, p.form.zero)));
    tables
}

/// Every figure of every table of a proposal, in print order.
pub fn figures(tables: &[Table]) -> impl Iterator<Item = Figure<'_>> {
    tables.iter().flat_map(Table::figures)
}

/// A row without figures or details, to fill in.
fn line(kind: Kind, label: &str, style: &'static str) -> Line {
    Line {
        kind,
        label: label.to_owned(),
        group: Vec::new(),
        depth: 0,
        style,
        texts: Vec::new(),
        committee: None,
        account: None,
        expense: None,
        line_kind: None,
        cells: Vec::new(),
    }
}

/// An amount printed with `decimals` (as written when `None`).
fn amount(value: Decimal, decimals: Option<u32>, measure: Measure) -> Cell {
    Cell {
        value,
        decimals,
        printed: decimals.map_or_else(|| value.normalize(), |d| round(value, d)),
        text: format_amount(value, decimals),
        measure,
    }
}

/// The decimals every figure of a table prints with: those of its most precise figure as written
/// (a stated 1,250 keeps its three), so a table never mixes precisions; `None` for whole figures.
pub fn table_decimals<'a>(cells: impl Iterator<Item = &'a crate::ledger::Cells>) -> Option<u32> {
    let most = cells
        .flat_map(|c| c.iter().flatten())
        .map(|v| v.scale())
        .max()
        .unwrap_or(0);
    (most > 0).then_some(most)
}

/// The standard budget table: today's budget, the lines of the change, the nets per expense
/// type, and the staff consequences.
pub fn budget(t: &AmountsTable) -> Table {
    let decimals = table_decimals(
        t.current
            .iter()
            .chain(t.lines.iter().map(|l| &l.cells))
            .chain(t.nets.iter().map(|n| &n.cells)),
    );
    let money = Measure::Amount(t.unit);
    let amounts = |cells: &crate::ledger::Cells| -> Vec<Option<Cell>> {
        cells
            .iter()
            .map(|c| c.map(|v| amount(v, decimals, money)))
            .collect()
    };
    let signed = |cells: &crate::ledger::Cells| -> Vec<Option<Cell>> {
        cells
            .iter()
            .map(|c| {
                c.map(|v| Cell {
                    value: v,
                    decimals: None,
                    printed: v.normalize(),
                    text: format_signed(v),
                    measure: Measure::Fte,
                })
            })
            .collect()
    };
    let mut lines = Vec::new();
    if let Some(current) = &t.current {
        lines.push(Line {
            cells: amounts(current),
            ..line(Kind::Current, CURRENT, "plain")
        });
    }
    lines.push(line(Kind::Group, CHANGE_HEADING, "group"));
    for l in &t.lines {
        lines.push(Line {
            group: vec![CHANGE_HEADING.to_owned()],
            committee: Some(l.committee.clone()),
            account: l.account.as_ref().map(|a| a.text.clone()),
            expense: Some(l.expense.short().to_owned()),
            line_kind: Some(l.kind.label()),
            cells: amounts(&l.cells),
            ..line(Kind::Line, &l.label, "line")
        });
    }
    for net in &t.nets {
        let label = format!("{NET} {}", net.expense.short());
        lines.push(Line {
            group: vec![CHANGE_HEADING.to_owned()],
            expense: Some(net.expense.short().to_owned()),
            cells: amounts(&net.cells),
            ..line(Kind::Net, &label, "total")
        });
    }
    if let Some(staff) = &t.staff {
        lines.push(line(Kind::Group, STAFF_HEADING, "group"));
        lines.push(Line {
            group: vec![STAFF_HEADING.to_owned()],
            cells: signed(&staff.total),
            ..line(Kind::Staff, STAFF_TOTAL, "line")
        });
        for (label, cells) in &staff.areas {
            lines.push(Line {
                group: vec![STAFF_HEADING.to_owned()],
                depth: 1,
                cells: signed(cells),
                ..line(Kind::Staff, label, "sub")
            });
        }
    }
    Table {
        id: BUDGET_TABLE.to_owned(),
        caption: None,
        unit: t.unit,
        prices: Some(t.prices.clone()),
        columns: t
            .years
            .iter()
            .map(|y| Column {
                header: y.to_string(),
                year: Some(*y),
                computed: false,
            })
            .collect(),
        lines,
    }
}

/// A catalogue proposal's request, printed with one decimal: its parts (or its amount when not
/// split), the alternative, and the total of a split request.
pub fn request(r: &Request) -> Table {
    let money = Measure::Amount(r.unit);
    let row = |kind, label: &str, value: Decimal| Line {
        expense: r.area.clone(),
        cells: vec![Some(amount(value, Some(1), money))],
        ..line(kind, label, "line")
    };
    let mut lines = Vec::new();
    if r.parts.is_empty() {
        lines.push(row(Kind::Request, REQUEST, r.total));
    } else {
        for (label, value) in &r.parts {
            lines.push(row(Kind::Request, label, *value));
        }
    }
    if let Some(alternative) = r.alternative {
        lines.push(row(Kind::Alternative, ALTERNATIVE, alternative));
    }
    if !r.parts.is_empty() {
        lines.push(row(Kind::Total, REQUEST_TOTAL, r.total));
    }
    Table {
        id: REQUEST_TABLE.to_owned(),
        caption: None,
        unit: r.unit,
        prices: None,
        columns: vec![Column {
            header: r.year.to_string(),
            year: Some(r.year),
            computed: false,
        }],
        lines,
    }
}

/// The decimals one amount column prints with.
fn column_decimals(l: &Ledger, column: usize, written: Option<u32>) -> Option<u32> {
    l.columns[column].decimals.or(l.decimals).or(written)
}

/// The most decimals any entered figure of the table was written with (a stated 1,250 keeps its
/// three, and a whole figure beside it prints 1,000), so the table never mixes precisions.
fn written_decimals(l: &Ledger) -> Option<u32> {
    let entered: Vec<usize> = (0..l.columns.len())
        .filter(|i| l.columns[*i].formula.is_none())
        .collect();
    let most = l
        .rows()
        .flat_map(|r| entered.iter().filter_map(|i| r.cells[*i]))
        .map(|v| v.scale())
        .max()
        .unwrap_or(0);
    (most > 0).then_some(most)
}

/// The text of one figure of a ledger's `column` as printed ("" for a blank); `zero` is how the
/// form prints a zero unless the table says.
pub fn ledger_text(l: &Ledger, zero: Zero, column: usize, value: Option<Decimal>) -> String {
    ledger_cell(l, zero, written_decimals(l), column, value).map_or_else(String::new, |c| c.text)
}

/// One figure of a ledger's `column`.
fn ledger_cell(
    l: &Ledger,
    zero: Zero,
    written: Option<u32>,
    column: usize,
    value: Option<Decimal>,
) -> Option<Cell> {
    let v = value?;
    let measure = if l.columns[column].is_percent() {
        Measure::Percent
    } else {
        Measure::Amount(l.unit)
    };
    let mut cell = amount(v, column_decimals(l, column, written), measure);
    if v.is_zero() && l.zero.unwrap_or(zero) == Zero::Dash {
        cell.text = "-".to_owned();
    }
    Some(cell)
}

/// A ledger: group headings, rows and subtotals in print order, then the total row; `zero` is how
/// the form prints a zero unless the table says.
pub fn ledger(l: &Ledger, zero: Zero) -> Table {
    let written = written_decimals(l);
    let cells = |values: &crate::ledger::Cells| -> Vec<Option<Cell>> {
        (0..l.columns.len())
            .map(|i| ledger_cell(l, zero, written, i, values.get(i).copied().flatten()))
            .collect()
    };
    let mut groups: Vec<String> = Vec::new();
    let mut lines = Vec::new();
    for entry in &l.entries {
        match entry {
            Entry::Group { label, depth } => {
                groups.truncate(*depth);
                lines.push(Line {
                    group: groups.clone(),
                    depth: *depth,
                    ..line(Kind::Group, label, "group")
                });
                groups.push(label.clone());
            }
            Entry::Row(r) => {
                groups.truncate(r.depth);
                lines.push(Line {
                    group: groups.clone(),
                    depth: r.depth,
                    texts: r.values.clone(),
                    account: r.account.as_ref().map(|a| a.text.clone()),
                    cells: cells(&r.cells),
                    ..line(Kind::Row, &r.label, "row")
                });
            }
            Entry::Subtotal {
                label,
                depth,
                cells: values,
            } => {
                groups.truncate(depth + 1);
                lines.push(Line {
                    group: groups.clone(),
                    depth: *depth,
                    cells: cells(values),
                    ..line(Kind::Subtotal, label, "subtotal")
                });
            }
        }
    }
    if let Some(label) = &l.total_label {
        lines.push(Line {
            cells: cells(&l.totals),
            ..line(Kind::Total, label, "total")
        });
    }
    Table {
        id: l.id.clone(),
        caption: l.caption.clone(),
        unit: l.unit,
        prices: l.prices.clone(),
        columns: l
            .columns
            .iter()
            .map(|c| Column {
                header: c.header.clone(),
                year: c.year,
                computed: c.formula.is_some(),
            })
            .collect(),
        lines,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checked::Request;
    use std::str::FromStr;

    // A split request prints its parts with one decimal, the alternative apart, and its total
    // under the one total label; an unsplit one is a single amount.
    #[test]
    fn a_request_prints_its_parts_and_total() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        let split = Request {
            unit: Unit::Millions,
            year: 2025,
            total: d("6.04"),
            parts: vec![("intern".into(), d("2")), ("ekstern".into(), d("4.04"))],
            alternative: Some(d("3")),
            area: None,
        };
        let t = request(&split);
        let texts: Vec<(String, String)> = t
            .figures()
            .map(|f| (f.line.label.clone(), f.cell.text.clone()))
            .collect();
        assert_eq!(
            texts,
            [
                ("intern".to_owned(), "2,0".to_owned()),
                ("ekstern".to_owned(), "4,0".to_owned()),
                (ALTERNATIVE.to_owned(), "3,0".to_owned()),
                (REQUEST_TOTAL.to_owned(), "6,0".to_owned()),
            ]
        );
        let total = t.figures().last().unwrap();
        assert_eq!(total.cell.printed, d("6.0"));
        assert_eq!(total.cell.value, d("6.04"));
        assert!(total.line.kind.is_total());
        let single = request(&Request {
            parts: vec![],
            alternative: None,
            ..split
        });
        assert_eq!(single.lines.len(), 1);
        assert_eq!(single.lines[0].label, REQUEST);
    }
}
