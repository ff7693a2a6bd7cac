//! What the template sees of a ledger: header, column alignment, body rows (group headings,
//! rows, subtotals), the total row and an optional bar chart, every figure already formatted.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;

use crate::checked::Cells;
use crate::figures::{self, Kind};
use crate::ledger::{Entry, Ledger, LedgerColumn, Zero};
use crate::number::round;

/// A ledger ready to print.
#[derive(Debug, Clone, Serialize)]
pub struct LedgerView {
    /// The table's id under `[tables]`, for the refusal of a table too wide for the page.
    pub id: String,
    /// Caption above the table.
    pub caption: Option<String>,
    /// "Beløb i 1.000 kr." printed above when the label column has its own header.
    pub unit_line: Option<String>,
    /// Header cells: the label column, then every column in print order.
    pub header: Vec<String>,
    /// Per column (label first): whether it holds figures (right-aligned, never wrapped).
    pub numeric: Vec<bool>,
    /// Per column (label first): its longest word, which decides whether it hyphenates.
    pub longest: Vec<String>,
    /// Body rows in print order.
    pub rows: Vec<LedgerRowView>,
    /// The total row, if the table has one.
    pub total: Option<Vec<String>>,
    /// A bar chart of some columns, if the table asks for one.
    pub chart: Option<BarChartView>,
}

/// A body row of a ledger.
#[derive(Debug, Clone, Serialize)]
pub struct LedgerRowView {
    /// "row", "group" (a heading spanning the row) or "subtotal".
    pub kind: &'static str,
    /// Nesting level: 0 for the outermost group and for rows of an ungrouped table.
    pub depth: usize,
    /// The cells: label first; a group heading has the label alone.
    pub cells: Vec<String>,
}

/// A horizontal bar chart: one group of bars per row (or per outermost group), one bar per
/// charted column.
#[derive(Debug, Clone, Serialize)]
pub struct BarChartView {
    /// Caption above the chart.
    pub caption: Option<String>,
    /// What a screen reader says: every figure of the chart in words.
    pub alt: String,
    /// The charted columns' headers, in bar order (the legend).
    pub series: Vec<String>,
    /// The groups of bars.
    pub groups: Vec<BarGroupView>,
}

/// The bars of one row.
#[derive(Debug, Clone, Serialize)]
pub struct BarGroupView {
    /// The row's label.
    pub label: String,
    /// One bar per charted column.
    pub bars: Vec<BarView>,
}

/// One bar.
#[derive(Debug, Clone, Serialize)]
pub struct BarView {
    /// Length as a share of the longest bar, in thousandths, signed (a negative figure points
    /// left of the axis).
    pub permille: i64,
    /// The figure printed beside the bar (blank for a blank cell).
    pub text: String,
}

/// The view of a ledger; `zero` is how the form prints a zero unless the table says.
pub fn view(l: &Ledger, zero: Zero) -> LedgerView {
    let table = figures::ledger(l, zero);
    let figure =
        |column: usize, value: Option<Decimal>| figures::ledger_text(l, zero, column, value);
    let unit_header = match &l.prices {
        Some(prices) => format!("{}, {prices}", l.unit.label()),
        None => l.unit.label().to_owned(),
    };
    let (label_header, unit_line) = match &l.label_header {
        Some(h) => (h.clone(), Some(format!("Beløb i {unit_header}"))),
        None => (unit_header, None),
    };
    let mut header = vec![label_header];
    let mut numeric = vec![false];
    for column in &l.layout {
        match column {
            LedgerColumn::Text(h) => {
                header.push(h.clone());
                numeric.push(false);
            }
            LedgerColumn::Amount(i) => {
                header.push(l.columns[*i].header.clone());
                numeric.push(true);
            }
        }
    }
    // One printed row: label, then every column in print order (text columns from `texts`).
    let line = |line: &figures::Line| {
        let mut texts = line.texts.iter();
        let mut row = vec![line.label.clone()];
        for column in &l.layout {
            row.push(match column {
                LedgerColumn::Text(_) => texts.next().cloned().unwrap_or_default(),
                LedgerColumn::Amount(i) => line
                    .cells
                    .get(*i)
                    .and_then(|c| c.as_ref())
                    .map(|c| c.text.clone())
                    .unwrap_or_default(),
            });
        }
        row
    };
    let mut rows: Vec<LedgerRowView> = Vec::new();
    let mut total = None;
    for printed in &table.lines {
        match printed.kind {
            Kind::Group => rows.push(LedgerRowView {
                kind: "group",
                depth: printed.depth,
                cells: vec![printed.label.clone()],
            }),
            Kind::Total => total = Some(line(printed)),
            _ => rows.push(LedgerRowView {
                kind: printed.style,
                depth: printed.depth,
                cells: line(printed),
            }),
        }
    }
    let longest = (0..header.len())
        .map(|i| {
            let cells = rows
                .iter()
                .filter_map(|r: &LedgerRowView| r.cells.get(i).map(String::as_str));
            let total_cell = total.as_ref().and_then(|t| t.get(i)).map(String::as_str);
            super::longest_word(
                std::iter::once(header[i].as_str())
                    .chain(cells)
                    .chain(total_cell),
            )
        })
        .collect();
    LedgerView {
        id: l.id.clone(),
        longest,
        caption: l.caption.clone(),
        unit_line,
        header,
        numeric,
        rows,
        total,
        chart: chart(l, &figure),
    }
}

/// The bar chart of a ledger: bars per outermost group (named, with its subtotal) or, in a table without
/// groups, per row; the alt text states every figure.
fn chart(l: &Ledger, figure: &dyn Fn(usize, Option<Decimal>) -> String) -> Option<BarChartView> {
    let c = l.chart.as_ref()?;
    // An outermost group is drawn by its name with its subtotal's figures.
    let mut group = "";
    let mut rows: Vec<(&str, &Cells)> = Vec::new();
    for entry in &l.entries {
        match entry {
            Entry::Group { label, depth: 0 } => group = label,
            Entry::Subtotal {
                depth: 0, cells, ..
            } => rows.push((group, cells)),
            Entry::Row(r) if r.depth == 0 => rows.push((&r.label, &r.cells)),
            _ => {}
        }
    }
    let longest = rows
        .iter()
        .flat_map(|(_, cells)| c.columns.iter().filter_map(|i| cells[*i]))
        .map(|v| v.abs())
        .max()
        .filter(|m| !m.is_zero());
    let series: Vec<String> = c
        .columns
        .iter()
        .map(|i| l.columns[*i].header.clone())
        .collect();
    let unit = l.unit.label();
    let mut said = Vec::new();
    let groups = rows
        .iter()
        .map(|(label, cells)| {
            let bars: Vec<BarView> = c
                .columns
                .iter()
                .map(|i| {
                    let permille = match (cells[*i], longest) {
                        (Some(v), Some(m)) => {
                            let share = round(v * Decimal::from(1000) / m, 0);
                            share.to_i64().unwrap_or(0)
                        }
                        _ => 0,
                    };
                    BarView {
                        permille,
                        text: figure(*i, cells[*i]),
                    }
                })
                .collect();
            let figures: Vec<String> = series
                .iter()
                .zip(&bars)
                .map(|(s, b)| {
                    let text = if b.text.is_empty() {
                        "tom"
                    } else {
                        b.text.as_str()
                    };
                    format!("{s} {text}")
                })
                .collect();
            said.push(format!("{label}: {}", figures.join(", ")));
            BarGroupView {
                label: (*label).to_owned(),
                bars,
            }
        })
        .collect();
    let title = c
        .caption
        .clone()
        .or_else(|| l.caption.clone())
        .unwrap_or_else(|| "Søjlediagram".to_owned());
    Some(BarChartView {
        caption: c.caption.clone(),
        alt: alt_text(&title, unit, &said),
        series,
        groups,
    })
}

/// A chart's alternative text: its title, its unit and what it shows, as sentences whose full
/// stops are never doubled (a unit such as "1.000 kr." ends in one already).
fn alt_text(title: &str, unit: &str, said: &[String]) -> String {
    let sentence = |text: &str| {
        let text = text.trim();
        if text.ends_with('.') {
            text.to_owned()
        } else {
            format!("{text}.")
        }
    };
    [
        sentence(title),
        sentence(&format!("Beløb i {unit}")),
        sentence(&said.join("; ")),
    ]
    .join(" ")
}

#[cfg(test)]
mod alt_tests {
    use super::alt_text;

    // A unit or title that ends in a full stop does not get a second one.
    #[test]
    fn full_stops_are_never_doubled() {
        let said = vec!["2024: 5".to_owned(), "2025: 6".to_owned()];
        assert_eq!(
            alt_text("Figur 1.", "1.000 kr.", &said),
            "Figur 1. Beløb i 1.000 kr. 2024: 5; 2025: 6."
        );
        assert_eq!(
            alt_text("Udgifter", "mio. kr.", &said),
            "Udgifter. Beløb i mio. kr. 2024: 5; 2025: 6."
        );
        assert!(!alt_text("A", "kr.", &said).contains(".."));
    }
}
