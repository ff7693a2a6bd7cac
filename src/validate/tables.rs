//! Tables placed in sections: ledgers (amounts with row and column totals), text tables, comparisons.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use toml::Spanned;

use super::Validator;
use crate::checked::{Ledger, LedgerRow, Table, TextCell, TextRow, TextTable};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{self, RawAmount};
use crate::number::format_amount;
use crate::number::sum_column;

/// The table kinds, for help messages.
const KINDS: &str = "\"ledger\", \"text\", \"comparison\"";

impl Validator<'_> {
    /// Checks every table under `[tables]`; returns the good ones by id.
    pub(super) fn tables(
        &mut self,
        tables: &BTreeMap<String, Spanned<model::Table>>,
    ) -> BTreeMap<String, Table> {
        let mut out = BTreeMap::new();
        for (id, table) in tables {
            let t = table.get_ref();
            let caption = t.caption.as_ref().map(|c| c.get_ref().trim().to_owned());
            let checked = match t.kind.get_ref().trim() {
                "ledger" => self.ledger(t, caption).map(Table::Ledger),
                "text" => Some(Table::Text(self.text_table(t, caption))),
                "comparison" => Some(Table::Comparison(self.text_table(t, caption))),
                other => {
                    self.push(
                        Diagnostic::new(
                            Code::E025,
                            format!("unknown table kind \"{other}\" in table `{id}`"),
                            Some(t.kind.span()),
                        )
                        .with_help(format!("use one of: {KINDS}")),
                    );
                    None
                }
            };
            match checked {
                Some(checked) => {
                    out.insert(id.clone(), checked);
                }
                None => self.broken_tables.push(id.clone()),
            }
        }
        out
    }

    /// A ledger: rows of amounts per year; row and column totals computed and checked.
    fn ledger(&mut self, t: &model::Table, caption: Option<String>) -> Option<Ledger> {
        let unit = match &t.unit {
            Some(unit) => self.unit(unit),
            None => {
                self.push(
                    Diagnostic::new(
                        Code::E003,
                        "a ledger table needs `unit`",
                        Some(t.kind.span()),
                    )
                    .with_help("add unit = \"1.000 kr.\" to the table"),
                );
                None
            }
        };
        let Some(years_spanned) = &t.years else {
            self.push(
                Diagnostic::new(
                    Code::E003,
                    "a ledger table needs `years`",
                    Some(t.kind.span()),
                )
                .with_help("add years = [2025, 2026, 2027, 2028] to the table"),
            );
            return None;
        };
        let years = self.years(years_spanned);
        let columns: Vec<String> = t
            .columns
            .iter()
            .map(|c| c.get_ref().trim().to_owned())
            .collect();
        let tolerance = t
            .rounding
            .as_ref()
            .and_then(|r| self.amount(r))
            .map(|v| v.abs());
        let errors_before = self.error_count();
        let mut rows = Vec::new();
        for row in &t.rows {
            let has_row_total = t.row_total.is_some();
            if let Some(row) = self.ledger_row(row, &columns, &years, has_row_total, tolerance) {
                rows.push(row);
            }
        }
        let readable = self.error_count() == errors_before;
        let mut totals: Vec<Option<Decimal>> = (0..years.len())
            .map(|i| sum_column(rows.iter().map(|r| r.cells[i])))
            .collect();
        let mut grand_total = sum_column(totals.iter().copied());
        if let Some(stated) = &t.stated_totals {
            let stated_cells = self.cells(stated, &years);
            if readable {
                for (i, year) in years.iter().enumerate() {
                    let Some(value) = stated_cells[i] else {
                        continue;
                    };
                    let span = year_span(stated, *year).unwrap_or(stated.span());
                    let what = format!("column total for {year}");
                    totals[i] = self.compare(value, totals[i], span, &what, tolerance);
                }
            }
        }
        if let (Some(stated), true) = (&t.stated_grand_total, readable)
            && let Some(value) = self.amount(stated)
        {
            grand_total = self.compare(value, grand_total, stated.span(), "grand total", tolerance);
        }
        Some(Ledger {
            caption,
            unit: unit?,
            prices: t.prices.as_ref().map(|p| p.get_ref().trim().to_owned()),
            label_header: t
                .label_header
                .as_ref()
                .map(|h| h.get_ref().trim().to_owned()),
            columns,
            years,
            row_total: t.row_total.as_ref().map(|r| r.get_ref().trim().to_owned()),
            rows,
            total_label: t.total.as_ref().map(|l| l.get_ref().trim().to_owned()),
            totals,
            grand_total,
        })
    }

    /// One ledger row: label, text column values, amounts, and the stated row total.
    fn ledger_row(
        &mut self,
        row: &Spanned<model::Row>,
        columns: &[String],
        years: &[i64],
        has_row_total: bool,
        tolerance: Option<Decimal>,
    ) -> Option<LedgerRow> {
        let r = row.get_ref();
        let Some(label) = &r.label else {
            self.push(
                Diagnostic::new(Code::E003, "a ledger row needs `label`", Some(row.span()))
                    .with_help("add label = \"…\" to the row"),
            );
            return None;
        };
        if r.values.len() != columns.len() {
            let span = r.values.first().map_or(label.span(), |v| v.span());
            self.push(
                Diagnostic::new(
                    Code::E002,
                    format!(
                        "row has {} value(s) but the table has {} text column(s)",
                        r.values.len(),
                        columns.len()
                    ),
                    Some(span),
                )
                .with_help(format!("give one value per column: {}", columns.join(", "))),
            );
        }
        let cells = match &r.amounts {
            Some(amounts) => self.cells(amounts, years),
            None => vec![None; years.len()],
        };
        let mut total = sum_column(cells.iter().copied());
        if let Some(stated) = &r.stated_total {
            if !has_row_total {
                self.push(
                    Diagnostic::new(
                        Code::E025,
                        "`stated_total` on a row of a table without a row-total column",
                        Some(stated.span()),
                    )
                    .with_help("add row_total = \"I alt\" to the table, or remove stated_total"),
                );
            } else if let Some(value) = self.amount(stated) {
                total = self.compare(
                    value,
                    total,
                    stated.span(),
                    &format!("row total of \"{}\"", label.get_ref().trim()),
                    tolerance,
                );
            }
        }
        let label = match &r.account {
            Some(account) => format!("{} {}", account.get_ref().trim(), label.get_ref().trim()),
            None => label.get_ref().trim().to_owned(),
        };
        Some(LedgerRow {
            label,
            account: r.account.as_ref().map(account_ref),
            values: r
                .values
                .iter()
                .map(|v| v.get_ref().trim().to_owned())
                .collect(),
            cells,
            total,
        })
    }

    /// E014 when a stated figure differs from the computed one by more than the table's rounding
    /// tolerance; returns the figure to print (the stated one when within the tolerance).
    fn compare(
        &mut self,
        stated: Decimal,
        computed: Option<Decimal>,
        span: std::ops::Range<usize>,
        what: &str,
        tolerance: Option<Decimal>,
    ) -> Option<Decimal> {
        if computed == Some(stated) {
            return computed;
        }
        if let (Some(c), Some(t)) = (computed, tolerance)
            && (c - stated).abs() <= t
        {
            return Some(stated);
        }
        let computed_text = computed.map_or_else(|| "blank".to_owned(), |c| format_amount(c, None));
        let (message, help) = match (computed, tolerance) {
            (Some(c), Some(t)) => (
                format!(
                    "stated {what} is {}, but the amounts add up to {computed_text}: off by {}, more \
                     than the table's rounding tolerance of {}",
                    format_amount(stated, None),
                    format_amount((c - stated).abs(), None),
                    format_amount(t, None)
                ),
                "correct the amounts or the stated figure; rounding explains differences up to the \
                 tolerance only",
            ),
            _ => (
                format!(
                    "stated {what} is {}, but the amounts add up to {computed_text}",
                    format_amount(stated, None)
                ),
                "correct the amounts or the stated figure; the PDF always prints the computed \
                 total (a table of rounded figures may declare `rounding = \"0,1\"`)",
            ),
        };
        self.push(
            Diagnostic::new(Code::E014, message, Some(span))
                .with_label(format!("computed: {computed_text}"))
                .with_help(help),
        );
        computed
    }

    /// A text or comparison table: header cells and rows of cells or group labels.
    fn text_table(&mut self, t: &model::Table, caption: Option<String>) -> TextTable {
        let header: Vec<String> = t
            .header
            .iter()
            .map(|h| h.get_ref().trim().to_owned())
            .collect();
        let mut rows = Vec::new();
        for row in &t.rows {
            let r = row.get_ref();
            if let Some(group) = &r.group {
                rows.push(TextRow::Group(group.get_ref().trim().to_owned()));
                continue;
            }
            if r.cells.len() != header.len() {
                self.push(
                    Diagnostic::new(
                        Code::E002,
                        format!(
                            "row has {} cell(s) but the header has {}",
                            r.cells.len(),
                            header.len()
                        ),
                        Some(row.span()),
                    )
                    .with_help("give one cell per header column, or group = \"…\" for a group row"),
                );
            }
            rows.push(TextRow::Cells(
                r.cells
                    .iter()
                    .map(|c| TextCell {
                        heading: c.get_ref().heading.as_ref().map(|h| h.trim().to_owned()),
                        body: c.get_ref().body.trim().to_owned(),
                    })
                    .collect(),
            ));
        }
        TextTable {
            caption,
            header,
            rows,
        }
    }
}

/// The span of the amount for `year` in a year-keyed table.
fn year_span(amounts: &Spanned<model::YearAmounts>, year: i64) -> Option<std::ops::Range<usize>> {
    amounts
        .get_ref()
        .iter()
        .find(|(k, _)| k.trim().parse::<i64>().ok() == Some(year))
        .map(|(_, v): (&String, &Spanned<RawAmount>)| v.span())
}

/// An account number with the span of its TOML string, for the check against the chart.
pub(crate) fn account_ref(account: &Spanned<String>) -> crate::checked::AccountRef {
    crate::checked::AccountRef {
        text: account.get_ref().trim().to_owned(),
        span: account.span(),
    }
}
