//! A checked ledger table: declared columns (years, budget stages, computed ones), rows in
//! groups with subtotals, and the arithmetic that fills in every computed figure.
//!
//! The arithmetic is exact (`rust_decimal`); nothing here rounds. Printing rounds once, through
//! [`crate::number::round`].

use std::ops::Range;

use rust_decimal::Decimal;
use toml::Spanned;

use crate::number::sum_column;
use crate::unit::Unit;

/// Amounts of one row, one cell per table year; `None` is a blank cell, not a zero.
pub type Cells = Vec<Option<Decimal>>;

/// An account number as written, with its span, for the check against the chart of accounts.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountRef {
    /// The number as written, trimmed, e.g. "05.73".
    pub text: String,
    /// The span of the TOML string that holds it (quotes included).
    pub span: std::ops::Range<usize>,
}

/// How a computed column gets its figures from other columns of the same row.
#[derive(Debug, Clone, PartialEq)]
pub enum Formula {
    /// The sum of these columns (indices into the ledger's amount columns); blank when all are.
    Sum(Vec<usize>),
    /// The first column minus the second (Afvigelse = Forventet regnskab − Korrigeret budget);
    /// blank when either is blank.
    Difference(usize, usize),
    /// The first column in per cent of the second; blank when either is blank or the base is
    /// zero. `signed`: a fall below the base is negative; unsigned: the size alone.
    Percent {
        /// The part (e.g. the deviation).
        part: usize,
        /// The base (e.g. the corrected budget).
        base: usize,
        /// Whether the sign is kept.
        signed: bool,
    },
}

impl Formula {
    /// The figure this formula gives for a row whose earlier columns are `cells`.
    pub fn apply(&self, cells: &[Option<Decimal>]) -> Option<Decimal> {
        let at = |i: &usize| cells.get(*i).copied().flatten();
        match self {
            Formula::Sum(parts) => sum_column(parts.iter().map(at)),
            Formula::Difference(a, b) => at(a)?.checked_sub(at(b)?),
            Formula::Percent { part, base, signed } => {
                let base = at(base)?;
                if base.is_zero() {
                    return None;
                }
                let share = at(part)?
                    .checked_mul(Decimal::ONE_HUNDRED)?
                    .checked_div(base)?;
                Some(if *signed { share } else { share.abs() })
            }
        }
    }

    /// Whether the formula gives a percentage rather than an amount.
    pub fn is_percent(&self) -> bool {
        matches!(self, Formula::Percent { .. })
    }
}

/// An amount column of a ledger: a year, a named column (a budget stage), or a computed one.
#[derive(Debug, Clone, PartialEq)]
pub struct AmountColumn {
    /// The key rows use for it: the year as written ("2025") or the declared key.
    pub key: String,
    /// Printed header.
    pub header: String,
    /// The year, for year columns.
    pub year: Option<i64>,
    /// How it is computed, for computed columns.
    pub formula: Option<Formula>,
    /// Decimals its figures print with, if the column declares them.
    pub decimals: Option<u32>,
}

impl AmountColumn {
    /// Whether its figures are percentages (not amounts in the table's unit).
    pub fn is_percent(&self) -> bool {
        self.formula.as_ref().is_some_and(Formula::is_percent)
    }
}

/// One column after the label, in print order.
#[derive(Debug, Clone, PartialEq)]
pub enum LedgerColumn {
    /// A text column with this header; its values are the rows' `values`, in order.
    Text(String),
    /// An amount column: an index into [`Ledger::columns`].
    Amount(usize),
}

/// How a zero prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zero {
    /// "0" (with the table's decimals).
    Digit,
    /// "-".
    Dash,
}

impl Zero {
    /// Reads `zero = "…"`: "0" or "-" (an en dash is read as "-").
    pub fn from_key(key: &str) -> Option<Self> {
        match key.trim() {
            "0" => Some(Zero::Digit),
            "-" | "\u{2013}" => Some(Zero::Dash),
            _ => None,
        }
    }
}

/// Where a figure came from: typed in the proposal, or read from a spreadsheet's cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// Typed: the span of the value.
    Typed(Range<usize>),
    /// Read from a spreadsheet by a `from`.
    Sheet {
        /// The cell as messages name it, e.g. "drift.xlsx, Drift!D3" or "d.csv, B3".
        cell: String,
        /// The span of the `from` range that read it.
        span: Range<usize>,
    },
}

impl Origin {
    /// Where a diagnostic about the figure points: the value, or the `from` range.
    pub fn span(&self) -> Range<usize> {
        match self {
            Origin::Typed(span) | Origin::Sheet { span, .. } => span.clone(),
        }
    }

    /// The spreadsheet cell, for a figure read from one.
    pub fn cell(&self) -> Option<&str> {
        match self {
            Origin::Typed(_) => None,
            Origin::Sheet { cell, .. } => Some(cell),
        }
    }
}

/// A figure written for the total row (`stated_totals`), checked against the computed one.
#[derive(Debug, Clone, PartialEq)]
pub struct StatedFigure {
    /// Index of the amount column.
    pub column: usize,
    /// The figure as written (0 for a blank).
    pub value: Decimal,
    /// Its span.
    pub span: Range<usize>,
    /// Written as a blank ("–"): the lines leave the column blank, which is not a zero.
    pub blank: bool,
}

/// How a ledger is written, for checks that point into the file: spans and declarations
/// besides its figures.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LedgerSource {
    /// The span of the id in `[tables.<id>]`.
    pub key: Range<usize>,
    /// The span of the table (its header).
    pub span: Range<usize>,
    /// The span of `prices`, if stated.
    pub prices: Option<Range<usize>>,
    /// `own_prices = true`: its price basis differs on purpose.
    pub own_prices: bool,
    /// `group_by` as written (trimmed), with its span.
    pub group_by: Option<Spanned<Vec<String>>>,
    /// The span of `total`, if the table has a total row.
    pub total: Option<Range<usize>>,
    /// `total_same_as = "table.label"`, trimmed, with its span.
    pub total_same_as: Option<Spanned<String>>,
    /// `stated_totals` with its span and its figures, if written.
    pub stated_totals: Option<Spanned<Vec<StatedFigure>>>,
}

/// A leaf row of a ledger.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerRow {
    /// Printed label (account number first, if any).
    pub label: String,
    /// The label as written (trimmed, without the account), with its span; for a row read from
    /// a spreadsheet, the span of the `from` range that read it.
    pub name: Spanned<String>,
    /// Where each entered or stated figure came from, one per amount column; `None` for a
    /// figure computed or blank.
    pub origins: Vec<Option<Origin>>,
    /// The row's `group` as written (trimmed), with its span.
    pub group: Option<Spanned<String>>,
    /// `same_as = "table.label"`, trimmed, with its span.
    pub same_as: Option<Spanned<String>>,
    /// The account number, if given.
    pub account: Option<AccountRef>,
    /// Text column values, in the order of the text columns.
    pub values: Vec<String>,
    /// One figure per amount column (computed ones filled in); `None` is a blank cell.
    pub cells: Cells,
    /// How many groups the row is nested in.
    pub depth: usize,
}

/// One printed line of a ledger's body, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    /// A group's heading row.
    Group {
        /// The group's name.
        label: String,
        /// 0 for the outermost level.
        depth: usize,
    },
    /// A row of figures (boxed: a row carries its figures' origins and declarations).
    Row(Box<LedgerRow>),
    /// A group's subtotal row.
    Subtotal {
        /// Printed label, e.g. "Dagtilbud i alt".
        label: String,
        /// 0 for the outermost level.
        depth: usize,
        /// One figure per amount column.
        cells: Cells,
    },
}

/// A chart of some of a ledger's columns, bars per top-level row or group.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerChart {
    /// Caption above the chart.
    pub caption: Option<String>,
    /// The charted amount columns (indices into [`Ledger::columns`]).
    pub columns: Vec<usize>,
}

/// A ledger: amounts by row and column, with computed columns, subtotals and a total row.
#[derive(Debug, Clone, PartialEq)]
pub struct Ledger {
    /// Its id under `[tables]`.
    pub id: String,
    /// Caption above the table.
    pub caption: Option<String>,
    /// Unit of the amounts.
    pub unit: Unit,
    /// Price basis, if stated.
    pub prices: Option<String>,
    /// Header of the label column instead of "<unit>, <prices>".
    pub label_header: Option<String>,
    /// The columns after the label, in print order.
    pub layout: Vec<LedgerColumn>,
    /// The amount columns (years, named and computed ones).
    pub columns: Vec<AmountColumn>,
    /// The body: group headings, rows and subtotals in print order.
    pub entries: Vec<Entry>,
    /// Label of the total row, if the table has one.
    pub total_label: Option<String>,
    /// The total row's figures, one per amount column (computed, or the stated ones where they
    /// are within the rounding tolerance).
    pub totals: Cells,
    /// Decimals every amount prints with, if declared.
    pub decimals: Option<u32>,
    /// How a zero prints, if the table says; else the form decides.
    pub zero: Option<Zero>,
    /// A chart of its figures, if asked for.
    pub chart: Option<LedgerChart>,
    /// Where it is written and what it declares, for checks.
    pub source: LedgerSource,
}

impl Ledger {
    /// The leaf rows, in print order.
    pub fn rows(&self) -> impl Iterator<Item = &LedgerRow> {
        self.entries.iter().filter_map(|e| match e {
            Entry::Row(r) => Some(r.as_ref()),
            _ => None,
        })
    }

    /// The year columns: (index into `columns`, year).
    pub fn year_columns(&self) -> Vec<(usize, i64)> {
        self.columns
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.year.map(|y| (i, y)))
            .collect()
    }

    /// The total row's figures per year (blank years left out).
    pub fn year_totals(&self) -> Vec<(i64, Decimal)> {
        self.year_columns()
            .into_iter()
            .filter_map(|(i, y)| self.totals.get(i).copied().flatten().map(|v| (y, v)))
            .collect()
    }

    /// The figures of the row, subtotal or total row printed with `label`, if any.
    pub fn line(&self, label: &str) -> Option<&Cells> {
        if self.total_label.as_deref() == Some(label) {
            return Some(&self.totals);
        }
        self.entries.iter().find_map(|e| match e {
            Entry::Row(r) if r.label == label => Some(&r.cells),
            Entry::Subtotal {
                label: l, cells, ..
            } if l == label => Some(cells),
            _ => None,
        })
    }

    /// The printed labels of its rows, subtotals and total row, for help messages.
    pub fn labels(&self) -> Vec<&str> {
        let mut labels: Vec<&str> = self
            .entries
            .iter()
            .filter_map(|e| match e {
                Entry::Row(r) => Some(r.label.as_str()),
                Entry::Subtotal { label, .. } => Some(label.as_str()),
                Entry::Group { .. } => None,
            })
            .collect();
        labels.extend(self.total_label.as_deref());
        labels
    }

    /// Every amount (not percentage) the table prints: rows, subtotals and totals.
    pub fn amounts(&self) -> Vec<Decimal> {
        let amount_columns: Vec<usize> = (0..self.columns.len())
            .filter(|i| !self.columns[*i].is_percent())
            .collect();
        let mut all = Vec::new();
        let mut add = |cells: &Cells| {
            all.extend(
                amount_columns
                    .iter()
                    .filter_map(|i| cells.get(*i).copied().flatten()),
            );
        };
        for entry in &self.entries {
            match entry {
                Entry::Row(r) => add(&r.cells),
                Entry::Subtotal { cells, .. } => add(cells),
                Entry::Group { .. } => {}
            }
        }
        if self.total_label.is_some() {
            add(&self.totals);
        }
        all
    }
}

/// Fills in a row's computed columns, in declaration order, leaving entered figures alone.
pub fn compute(columns: &[AmountColumn], cells: &mut Cells) {
    for (i, column) in columns.iter().enumerate() {
        if let Some(formula) = &column.formula {
            cells[i] = formula.apply(&cells[..i]);
        }
    }
}

/// The figures of a sum of rows: entered columns added up, computed ones computed again from
/// those sums (a percentage of a total is the total's percentage, not a sum of percentages).
pub fn total_of<'a>(columns: &[AmountColumn], rows: impl Iterator<Item = &'a Cells>) -> Cells {
    let rows: Vec<&Cells> = rows.collect();
    let mut cells: Cells = (0..columns.len())
        .map(|i| sum_column(rows.iter().map(|r| r.get(i).copied().flatten())))
        .collect();
    compute(columns, &mut cells);
    cells
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    /// A column for tests.
    fn column(key: &str, formula: Option<Formula>) -> AmountColumn {
        AmountColumn {
            key: key.into(),
            header: key.into(),
            year: None,
            formula,
            decimals: None,
        }
    }

    /// A decimal from text.
    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    // Afvigelse = forventet − korrigeret, and its percentage of korrigeret, signed and unsigned;
    // a blank or zero base leaves the percentage blank instead of dividing by zero.
    #[test]
    fn computed_columns_follow_their_formulas() {
        let columns = vec![
            column("korrigeret", None),
            column("forventet", None),
            column("afvigelse", Some(Formula::Difference(1, 0))),
            column(
                "pct",
                Some(Formula::Percent {
                    part: 2,
                    base: 0,
                    signed: true,
                }),
            ),
            column(
                "abs",
                Some(Formula::Percent {
                    part: 2,
                    base: 0,
                    signed: false,
                }),
            ),
            column("sum", Some(Formula::Sum(vec![0, 1]))),
        ];
        let mut cells = vec![Some(d("1200")), Some(d("1150")), None, None, None, None];
        compute(&columns, &mut cells);
        assert_eq!(cells[2], Some(d("-50")));
        assert_eq!(crate::number::round(cells[3].unwrap(), 1), d("-4.2"));
        assert_eq!(crate::number::round(cells[4].unwrap(), 1), d("4.2"));
        assert_eq!(cells[5], Some(d("2350")));
        let mut zero_base = vec![Some(d("0")), Some(d("10")), None, None, None, None];
        compute(&columns, &mut zero_base);
        assert_eq!(zero_base[3], None);
        let mut blank = vec![None, Some(d("10")), None, None, None, None];
        compute(&columns, &mut blank);
        assert_eq!((blank[2], blank[5]), (None, Some(d("10"))));
    }

    // A total's percentage is computed from the total's figures, not added up from the rows'.
    #[test]
    fn totals_recompute_percentages() {
        let columns = vec![
            column("base", None),
            column("part", None),
            column(
                "pct",
                Some(Formula::Percent {
                    part: 1,
                    base: 0,
                    signed: true,
                }),
            ),
        ];
        let mut a = vec![Some(d("100")), Some(d("10")), None];
        let mut b = vec![Some(d("300")), Some(d("90")), None];
        compute(&columns, &mut a);
        compute(&columns, &mut b);
        let total = total_of(&columns, [&a, &b].into_iter());
        assert_eq!(total, vec![Some(d("400")), Some(d("100")), Some(d("25"))]);
    }
}
