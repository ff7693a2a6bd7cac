//! Ledger tables: declared columns (years, budget stages, computed ones), grouped rows with
//! subtotals, and every stated figure checked against the computed one.
//!
//! Rounding tolerance: a table of rounded figures declares its rounding step
//! (`rounding = "0,1"`). A stated figure may then differ from the one computed from the printed
//! figures by at most the step per level of aggregation below it: a row total or the subtotal of
//! plain rows by one step, a subtotal of subgroups by two, the grand total of a table grouped in
//! two levels by three. A stated percentage may differ from the one computed from the unrounded
//! figures by one unit of its last printed digit ("4,2" in a column of one decimal by 0,1), since
//! a percentage computed from printed figures may round the other way. Beyond that it is E014.
//! A stated figure, computed or not, may not have more decimals than its column prints (E068).

use std::collections::BTreeMap;
use std::ops::Range;

use rust_decimal::Decimal;
use toml::Spanned;

use super::Validator;
use crate::diagnostic::{Code, Diagnostic};
use crate::interval::{self, Bounds};
use crate::ledger::{
    AmountColumn, Entry, Formula, Ledger, LedgerChart, LedgerColumn, LedgerRow, LedgerSource,
    Origin, StatedFigure, Zero, compute, total_of,
};
use crate::model::{self, Column, ColumnSpec, RawAmount};
use crate::number::format_amount;
use crate::parse::did_you_mean;

/// The most decimals a ledger prints (`decimals` is 0 to this).
const MAX_DECIMALS: u32 = 3;

/// Keys a ledger's rows can be grouped by, for help messages.
const GROUP_KEYS: [&str; 4] = ["committee", "area", "expense", "group"];

/// A figure written in the source that is checked against a computed one.
type Stated = StatedFigure;

/// A row as read, before it is placed in its groups.
struct ReadRow {
    /// The row.
    row: LedgerRow,
    /// The values each figure can stand for in a table of rounded figures (empty otherwise).
    bounds: Vec<Bounds>,
    /// Its group names, outermost first.
    groups: Vec<String>,
}

impl Validator<'_> {
    /// A ledger: columns, rows, groups with subtotals, totals; stated figures checked.
    pub(super) fn ledger(&mut self, t: &model::Table, caption: Option<String>) -> Option<Ledger> {
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
        let decimals = t.decimals.as_ref().and_then(|d| self.decimals(d));
        // Messages show figures as the table prints them.
        let shown = decimals.or_else(|| written_decimals(t));
        let zero = t.zero.as_ref().and_then(|z| self.zero(z));
        let errors_before = self.error_count();
        // A bad `rounding` leaves stated figures unchecked, as bad columns do: no cascade.
        let tolerance = t.rounding.as_ref().and_then(|r| self.rounding(r));
        let (layout, columns) = self.columns(t)?;
        let columns_ok = self.error_count() == errors_before;
        let levels = self.group_levels(t);
        let text_columns: Vec<&str> = layout
            .iter()
            .filter_map(|c| match c {
                LedgerColumn::Text(h) => Some(h.as_str()),
                LedgerColumn::Amount(_) => None,
            })
            .collect();
        let row_total = t.row_total.as_ref().map(|_| columns.len() - 1);
        // A table whose `from` range gave no rows is reported at the range (E095) already.
        if t.rows.is_empty() && t.from.is_none() {
            self.push(
                Diagnostic::new(Code::E003, "a ledger table needs rows", Some(t.kind.span()))
                    .with_help("add a row: [[tables.<id>.rows]] with label and amounts"),
            );
        }
        let mut read = Vec::new();
        let mut rows_ok = columns_ok;
        for row in &t.rows {
            let before = self.read_error_count();
            let shape = RowShape {
                columns: &columns,
                text_columns: &text_columns,
                levels: &levels,
                row_total,
                decimals,
                shown,
                tolerance,
            };
            if let Some(r) = self.ledger_row(row, &shape, columns_ok) {
                read.push(r);
            }
            // A stated figure that disagrees (E014) leaves the row readable: its computed figures
            // stand, so the subtotals and totals are still checked.
            rows_ok &= self.read_error_count() == before;
        }
        let depth = levels.len();
        let subtotal = t.subtotal.as_ref().map_or("{group} i alt".to_owned(), |s| {
            s.get_ref().trim().to_owned()
        });
        let mut stated_groups = self.stated_subtotals(t, &columns, decimals);
        let mut entries = Vec::new();
        let groups = Grouping {
            columns: &columns,
            depth,
            subtotal: &subtotal,
            tolerance,
            decimals: shown,
        };
        self.place(
            &groups,
            read.iter().collect(),
            &[],
            &mut entries,
            &mut stated_groups,
            rows_ok,
        );
        let placed = group_names(&entries);
        for (name, (span, _)) in stated_groups {
            if placed.contains(&name) {
                self.push(
                    Diagnostic::new(
                        Code::E067,
                        format!("`stated_subtotals` states the subtotal of \"{name}\" twice"),
                        Some(span),
                    )
                    .with_help(
                        "write each group's subtotal once, as \"inner\" or as \"outer / inner\"",
                    ),
                );
                continue;
            }
            self.push(
                Diagnostic::new(
                    Code::E067,
                    format!("`stated_subtotals` names the group \"{name}\", which no row is in"),
                    Some(span),
                )
                .with_help(format!(
                    "{}write the name as the rows give it; a group inside another is written \"outer / inner\"",
                    did_you_mean(&name, placed.iter().map(String::as_str))
                )),
            );
        }
        let mut totals = total_of(&columns, read.iter().map(|r| &r.row.cells));
        let mut total_bounds = tolerance
            .map(|_| interval::total_of(&formulas(&columns), read.iter().map(|r| &r.bounds)));
        let mut stated = match &t.stated_totals {
            Some(written) => self.stated_cells(written, &columns, decimals),
            None => Vec::new(),
        };
        let stated_totals = t
            .stated_totals
            .as_ref()
            .map(|written| Spanned::new(written.span(), stated.clone()));
        if let Some(grand) = &t.stated_grand_total {
            match row_total {
                None => self.push(
                    Diagnostic::new(
                        Code::E025,
                        "`stated_grand_total` in a table without a row-total column",
                        Some(grand.span()),
                    )
                    .with_help(
                        "add row_total = \"I alt\" to the table, or remove stated_grand_total",
                    ),
                ),
                Some(i) => {
                    if let Some(value) = self.amount(grand) {
                        self.check_precision(value, grand.span(), decimals);
                        stated.push(Stated {
                            column: i,
                            value,
                            span: grand.span(),
                            blank: false,
                        });
                    }
                }
            }
        }
        if rows_ok {
            self.settle(
                &mut totals,
                stated,
                &Precision {
                    columns: &columns,
                    tolerance: tolerance.map(|t| t * Decimal::from(depth + 1)),
                    step: tolerance,
                    decimals: shown,
                },
                total_bounds.as_mut(),
                &Subject::Total,
            );
        }
        let chart = t.chart.as_ref().and_then(|c| self.chart(c, &columns));
        Some(Ledger {
            id: String::new(),
            caption,
            unit: unit?,
            prices: t.prices.as_ref().map(|p| p.get_ref().trim().to_owned()),
            label_header: t
                .label_header
                .as_ref()
                .map(|h| h.get_ref().trim().to_owned()),
            layout,
            columns,
            entries,
            total_label: t.total.as_ref().map(|l| l.get_ref().trim().to_owned()),
            totals,
            decimals,
            zero,
            chart,
            source: LedgerSource {
                key: Range::default(),
                span: Range::default(),
                prices: t.prices.as_ref().map(Spanned::span),
                own_prices: t.own_prices.as_ref().is_some_and(|o| *o.get_ref()),
                group_by: t.group_by.as_ref().map(|g| {
                    Spanned::new(
                        g.span(),
                        g.get_ref()
                            .iter()
                            .map(|l| l.get_ref().trim().to_owned())
                            .collect(),
                    )
                }),
                total: t.total.as_ref().map(Spanned::span),
                total_same_as: t.total_same_as.as_ref().map(trimmed),
                stated_totals,
            },
        })
    }

    /// `rounding = "0,1"`: the positive step the published figures were rounded to.
    fn rounding(&mut self, value: &Spanned<RawAmount>) -> Option<Decimal> {
        let step = self.amount(value)?;
        if step <= Decimal::ZERO {
            self.push(
                Diagnostic::new(
                    Code::E002,
                    format!(
                        "`rounding` is {}, but must be a positive step",
                        format_amount(step, None)
                    ),
                    Some(value.span()),
                )
                .with_help(
                    "write the step the published figures were rounded to, e.g. rounding = \"0,1\" \
                     for figures with one decimal; leave it out if they are exact",
                ),
            );
            return None;
        }
        Some(step)
    }

    /// `decimals = n`: 0 to 3.
    fn decimals(&mut self, value: &Spanned<i64>) -> Option<u32> {
        match u32::try_from(*value.get_ref()) {
            Ok(d) if d <= MAX_DECIMALS => Some(d),
            _ => {
                self.push(
                    Diagnostic::new(
                        Code::E002,
                        format!("`decimals` is {}, but must be 0 to 3", value.get_ref()),
                        Some(value.span()),
                    )
                    .with_help("write the number of decimals the figures are published with, e.g. decimals = 1"),
                );
                None
            }
        }
    }

    /// `zero = "0"` or `zero = "-"`.
    fn zero(&mut self, value: &Spanned<String>) -> Option<Zero> {
        let zero = Zero::from_key(value.get_ref());
        if zero.is_none() {
            self.push(
                Diagnostic::new(
                    Code::E002,
                    format!(
                        "`zero` is \"{}\", but must be \"0\" or \"-\"",
                        value.get_ref()
                    ),
                    Some(value.span()),
                )
                .with_help("write zero = \"-\" to print a dash for zero, or zero = \"0\""),
            );
        }
        zero
    }

    /// The columns after the label: text columns, year columns, declared and computed amount
    /// columns, and the row-total column; `None` when the table has no amount column at all.
    fn columns(&mut self, t: &model::Table) -> Option<(Vec<LedgerColumn>, Vec<AmountColumn>)> {
        let years = t.years.as_ref().map(|y| self.years(y)).unwrap_or_default();
        let mut layout = Vec::new();
        let mut columns: Vec<AmountColumn> = Vec::new();
        let mut years_placed = false;
        let place_years = |layout: &mut Vec<LedgerColumn>, columns: &mut Vec<AmountColumn>| {
            for year in &years {
                layout.push(LedgerColumn::Amount(columns.len()));
                columns.push(AmountColumn {
                    key: year.to_string(),
                    header: year.to_string(),
                    year: Some(*year),
                    formula: None,
                    decimals: None,
                });
            }
        };
        let declared: Vec<&Spanned<String>> = t
            .columns
            .iter()
            .filter_map(|c| match c.get_ref() {
                Column::Spec(spec) => Some(&spec.key),
                Column::Text(_) => None,
            })
            .collect();
        for column in &t.columns {
            let spec = match column.get_ref() {
                Column::Text(header) => {
                    layout.push(LedgerColumn::Text(header.trim().to_owned()));
                    continue;
                }
                Column::Spec(spec) => spec,
            };
            if spec.text.as_ref().is_some_and(|t| *t.get_ref()) {
                if let Some(f) = formula_key(spec) {
                    self.push(
                        Diagnostic::new(
                            Code::E066,
                            format!(
                                "text column `{}` also has `{}`",
                                spec.key.get_ref().trim(),
                                f.0
                            ),
                            Some(f.1),
                        )
                        .with_help("a text column holds text; remove the formula or `text = true`"),
                    );
                }
                layout.push(LedgerColumn::Text(header(spec)));
                continue;
            }
            if !years_placed {
                place_years(&mut layout, &mut columns);
                years_placed = true;
            }
            let column = self.amount_column(spec, &columns, &declared);
            layout.push(LedgerColumn::Amount(columns.len()));
            columns.push(column);
        }
        if !years_placed {
            place_years(&mut layout, &mut columns);
        }
        if let Some(row_total) = &t.row_total {
            let years: Vec<usize> = (0..columns.len())
                .filter(|i| columns[*i].year.is_some())
                .collect();
            if years.is_empty() {
                self.push(
                    Diagnostic::new(
                        Code::E066,
                        "`row_total` adds up the years, but the table has no `years`",
                        Some(row_total.span()),
                    )
                    .with_help(
                        "add `years`, or declare the total as a computed column: \
                         { key = \"i_alt\", header = \"I alt\", sum = [\"…\", \"…\"] }",
                    ),
                );
            }
            layout.push(LedgerColumn::Amount(columns.len()));
            columns.push(AmountColumn {
                key: String::new(),
                header: row_total.get_ref().trim().to_owned(),
                year: None,
                formula: Some(Formula::Sum(years)),
                decimals: None,
            });
        }
        if columns.is_empty() {
            self.push(
                Diagnostic::new(
                    Code::E003,
                    "a ledger table needs `years` or amount columns",
                    Some(t.kind.span()),
                )
                .with_help(
                    "add years = [2025, 2026, 2027, 2028], or columns such as \
                     [{ key = \"korrigeret\", header = \"Korrigeret budget\" }]",
                ),
            );
            return None;
        }
        Some((layout, columns))
    }

    /// One declared amount column: its key, header, decimals and formula.
    fn amount_column(
        &mut self,
        spec: &ColumnSpec,
        earlier: &[AmountColumn],
        declared: &[&Spanned<String>],
    ) -> AmountColumn {
        let key = spec.key.get_ref().trim().to_owned();
        if key.is_empty() {
            self.push(
                Diagnostic::new(
                    Code::E003,
                    "a column's `key` is empty",
                    Some(spec.key.span()),
                )
                .with_help(
                    "give the column a short key such as \"korrigeret\"; rows use it in `amounts`",
                ),
            );
        } else if earlier.iter().any(|c| c.key == key) {
            self.push(
                Diagnostic::new(
                    Code::E066,
                    format!("two columns have the key `{key}`"),
                    Some(spec.key.span()),
                )
                .with_help("give each column its own key; a year column's key is its year"),
            );
        }
        let decimals = spec.decimals.as_ref().and_then(|d| self.decimals(d));
        let formulas = [
            ("sum", &spec.sum),
            ("difference", &spec.difference),
            ("percent", &spec.percent),
        ];
        let given: Vec<_> = formulas.iter().filter(|(_, f)| f.is_some()).collect();
        if let [_, (second, Some(extra)), ..] = given.as_slice() {
            self.push(
                Diagnostic::new(
                    Code::E066,
                    format!("column `{key}` has more than one formula (`{second}` as well)"),
                    Some(extra.span()),
                )
                .with_help("a computed column has exactly one of `sum`, `difference` or `percent`"),
            );
        }
        let formula = match given.first() {
            Some(("sum", Some(parts))) => self
                .references(&key, parts, earlier, declared, None)
                .map(Formula::Sum),
            Some(("difference", Some(parts))) => self
                .references(&key, parts, earlier, declared, Some(2))
                .map(|p| Formula::Difference(p[0], p[1])),
            Some((_, Some(parts))) => {
                let signed = self.sign(&key, spec);
                let refs = self.references(&key, parts, earlier, declared, Some(2));
                match (refs, signed) {
                    (Some(p), Some(signed)) => Some(Formula::Percent {
                        part: p[0],
                        base: p[1],
                        signed,
                    }),
                    _ => None,
                }
            }
            _ => None,
        };
        if spec.percent.is_none()
            && let Some(sign) = &spec.sign
        {
            self.push(
                Diagnostic::new(
                    Code::E066,
                    format!("`sign` on column `{key}`, which is not a percentage"),
                    Some(sign.span()),
                )
                .with_help("`sign` says how a percent column treats a fall; remove it here"),
            );
        }
        let is_percent = matches!(formula, Some(Formula::Percent { .. }));
        AmountColumn {
            header: spec
                .header
                .as_ref()
                .map_or(key.clone(), |h| h.get_ref().trim().to_owned()),
            key,
            year: None,
            formula,
            decimals: decimals.or(is_percent.then_some(1)),
        }
    }

    /// A percent column's `sign`: "signed" or "unsigned", required.
    fn sign(&mut self, key: &str, spec: &ColumnSpec) -> Option<bool> {
        let Some(sign) = &spec.sign else {
            self.push(
                Diagnostic::new(
                    Code::E003,
                    format!("percent column `{key}` does not say its sign rule"),
                    spec.percent.as_ref().map(Spanned::span),
                )
                .with_help(
                    "add sign = \"signed\" (a fall below the base prints negative) or \
                     sign = \"unsigned\" (the size of the deviation alone)",
                ),
            );
            return None;
        };
        match sign.get_ref().trim() {
            "signed" => Some(true),
            "unsigned" => Some(false),
            other => {
                self.push(
                    Diagnostic::new(
                        Code::E002,
                        format!("`sign` is \"{other}\", but must be \"signed\" or \"unsigned\""),
                        Some(sign.span()),
                    )
                    .with_help(
                        "signed: a fall below the base prints negative; unsigned: the size alone",
                    ),
                );
                None
            }
        }
    }

    /// The columns a formula names, as indices; each must be an earlier amount column that is
    /// not a percentage, and there must be `count` of them if given.
    fn references(
        &mut self,
        key: &str,
        parts: &Spanned<Vec<Spanned<String>>>,
        earlier: &[AmountColumn],
        declared: &[&Spanned<String>],
        count: Option<usize>,
    ) -> Option<Vec<usize>> {
        let list = parts.get_ref();
        let wanted_ok = match count {
            Some(n) => list.len() == n,
            None => !list.is_empty(),
        };
        if !wanted_ok {
            let help = match count {
                Some(_) => "name two columns, e.g. [\"forventet\", \"korrigeret\"]",
                None => "name the columns to add up, e.g. [\"2025\", \"2026\"]",
            };
            self.push(
                Diagnostic::new(
                    Code::E066,
                    format!(
                        "column `{key}` names {} column(s); it needs {}",
                        list.len(),
                        count.map_or("at least one".to_owned(), |n| n.to_string())
                    ),
                    Some(parts.span()),
                )
                .with_help(help),
            );
            return None;
        }
        let mut found = Vec::new();
        for part in list {
            let name = part.get_ref().trim();
            match earlier.iter().position(|c| c.key == name) {
                Some(i) if earlier[i].is_percent() => {
                    self.push(
                        Diagnostic::new(
                            Code::E066,
                            format!("column `{key}` computes with `{name}`, a percentage"),
                            Some(part.span()),
                        )
                        .with_help("compute from amount columns; percentages do not add up"),
                    );
                }
                Some(i) => found.push(i),
                None => {
                    let later = declared.iter().any(|d| d.get_ref().trim() == name);
                    let help = if later {
                        format!("declare `{name}` before `{key}` in `columns`")
                    } else {
                        format!(
                            "{}the table's amount columns are {}",
                            did_you_mean(name, earlier.iter().map(|c| c.key.as_str())),
                            earlier
                                .iter()
                                .map(|c| format!("`{}`", c.key))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    };
                    self.push(
                        Diagnostic::new(
                            Code::E066,
                            if later {
                                format!("column `{key}` computes with `{name}`, which is declared after it")
                            } else {
                                format!("column `{key}` computes with `{name}`, which is not a column of the table")
                            },
                            Some(part.span()),
                        )
                        .with_help(help),
                    );
                }
            }
        }
        (found.len() == list.len()).then_some(found)
    }

    /// The row keys the table groups by: `group_by`, or `["group"]` when rows name a group and
    /// the table does not say.
    fn group_levels(&mut self, t: &model::Table) -> Vec<String> {
        let Some(group_by) = &t.group_by else {
            let any_group = t.rows.iter().any(|r| r.get_ref().group.is_some());
            let level = any_group.then(|| "group".to_owned());
            for row in &t.rows {
                let r = row.get_ref();
                for (key, value) in [
                    ("committee", &r.committee),
                    ("area", &r.area),
                    ("expense", &r.expense),
                ] {
                    if let Some(value) = value {
                        self.push(
                            Diagnostic::new(
                                Code::E067,
                                format!("the row names its {key}, but the table does not group by it"),
                                Some(value.span()),
                            )
                            .with_help(format!(
                                "add group_by = [\"{key}\"] to the table to print a subtotal per {key}, or remove `{key}` from the row"
                            )),
                        );
                    }
                }
            }
            return level.into_iter().collect();
        };
        let mut levels: Vec<String> = Vec::new();
        for key in group_by.get_ref() {
            let name = key.get_ref().trim();
            if !GROUP_KEYS.contains(&name) {
                self.push(
                    Diagnostic::new(
                        Code::E067,
                        format!("rows cannot be grouped by `{name}`"),
                        Some(key.span()),
                    )
                    .with_help(format!(
                        "{}group by \"committee\", \"area\", \"expense\" or \"group\" (a free label)",
                        did_you_mean(name, GROUP_KEYS)
                    )),
                );
            } else if levels.iter().any(|l| l == name) {
                self.push(
                    Diagnostic::new(
                        Code::E067,
                        format!("`{name}` is named twice in `group_by`"),
                        Some(key.span()),
                    )
                    .with_help("name each level once, outermost first"),
                );
            } else {
                levels.push(name.to_owned());
            }
        }
        levels
    }

    /// One ledger row: label, text values, amounts per column, stated computed figures, groups.
    fn ledger_row(
        &mut self,
        row: &Spanned<model::Row>,
        shape: &RowShape<'_>,
        columns_ok: bool,
    ) -> Option<ReadRow> {
        let r = row.get_ref();
        let Some(label) = &r.label else {
            self.push(
                Diagnostic::new(Code::E003, "a ledger row needs `label`", Some(row.span()))
                    .with_help("add label = \"…\" to the row"),
            );
            return None;
        };
        if r.values.len() != shape.text_columns.len() {
            let span = r.values.first().map_or(label.span(), |v| v.span());
            self.push(
                Diagnostic::new(
                    Code::E002,
                    format!(
                        "row has {} value(s) but the table has {} text column(s)",
                        r.values.len(),
                        shape.text_columns.len()
                    ),
                    Some(span),
                )
                .with_help(format!(
                    "give one value per column: {}",
                    shape.text_columns.join(", ")
                )),
            );
        }
        let before = self.error_count();
        let (mut cells, mut stated, origins) = match &r.amounts {
            Some(amounts) => {
                self.ledger_cells(amounts, shape.columns, shape.decimals, r.from.as_ref())
            }
            None => (
                vec![None; shape.columns.len()],
                Vec::new(),
                vec![None; shape.columns.len()],
            ),
        };
        if let Some(total) = &r.stated_total {
            match shape.row_total {
                None => self.push(
                    Diagnostic::new(
                        Code::E025,
                        "`stated_total` on a row of a table without a row-total column",
                        Some(total.span()),
                    )
                    .with_help("add row_total = \"I alt\" to the table, or remove stated_total"),
                ),
                Some(i) => {
                    if let Some(value) = self.amount(total) {
                        self.check_precision(value, total.span(), shape.decimals);
                        stated.push(Stated {
                            column: i,
                            value,
                            span: total.span(),
                            blank: false,
                        });
                    }
                }
            }
        }
        let mut groups = Vec::new();
        for level in shape.levels {
            let value = match level.as_str() {
                "committee" => &r.committee,
                "area" => &r.area,
                "expense" => &r.expense,
                _ => &r.group,
            };
            match value {
                Some(v) if level == "expense" => {
                    if let Some(e) = self.expense(v) {
                        groups.push(e.short().to_owned());
                    }
                }
                Some(v) if !v.get_ref().trim().is_empty() => {
                    groups.push(v.get_ref().trim().to_owned())
                }
                _ => self.push(
                    Diagnostic::new(
                        Code::E067,
                        format!(
                            "the row \"{}\" has no `{level}`, but the table groups by it",
                            label.get_ref().trim()
                        ),
                        Some(label.span()),
                    )
                    .with_help(format!("add {level} = \"…\" to the row")),
                ),
            }
        }
        compute(shape.columns, &mut cells);
        // In a table of rounded figures each entered figure stands for a range of values.
        let mut bounds: Vec<Bounds> = match shape.tolerance {
            Some(step) => {
                let half = step / Decimal::TWO;
                let mut b: Vec<Bounds> = shape
                    .columns
                    .iter()
                    .zip(&cells)
                    .map(|(c, v)| match c.formula {
                        Some(_) => Bounds::Blank,
                        None => Bounds::around(*v, half),
                    })
                    .collect();
                interval::compute(&formulas(shape.columns), &mut b);
                b
            }
            None => Vec::new(),
        };
        if columns_ok && self.error_count() == before {
            let what = Subject::Row(label.get_ref().trim().to_owned());
            let precision = Precision {
                columns: shape.columns,
                tolerance: shape.tolerance,
                step: shape.tolerance,
                decimals: shape.shown,
            };
            let b = (!bounds.is_empty()).then_some(&mut bounds);
            self.settle(&mut cells, stated, &precision, b, &what);
        }
        let text = match &r.account {
            Some(account) => format!("{} {}", account.get_ref().trim(), label.get_ref().trim()),
            None => label.get_ref().trim().to_owned(),
        };
        Some(ReadRow {
            row: LedgerRow {
                label: text,
                name: trimmed(label),
                origins,
                group: r.group.as_ref().map(trimmed),
                same_as: r.same_as.as_ref().map(trimmed),
                account: r.account.as_ref().map(super::tables::account_ref),
                values: r
                    .values
                    .iter()
                    .map(|v| v.get_ref().trim().to_owned())
                    .collect(),
                cells,
                depth: shape.levels.len(),
            },
            bounds,
            groups,
        })
    }

    /// Amounts keyed by column key (or year): entered figures in place, figures written for
    /// computed columns returned as stated ones to check, and where each figure came from (the
    /// cell of the spreadsheet for a row read by `from`).
    fn ledger_cells(
        &mut self,
        amounts: &Spanned<model::YearAmounts>,
        columns: &[AmountColumn],
        decimals: Option<u32>,
        from: Option<&Spanned<model::SheetRange>>,
    ) -> (crate::checked::Cells, Vec<Stated>, Vec<Option<Origin>>) {
        let mut cells = vec![None; columns.len()];
        let mut stated = Vec::new();
        let mut origins = vec![None; columns.len()];
        for (key, raw) in amounts.get_ref() {
            let Some(i) = self.column_of(key, raw, columns) else {
                continue;
            };
            // A dash is a blank cell, as the published table prints it.
            if super::is_dash(raw.get_ref()) {
                continue;
            }
            let Some(value) = self.amount(raw) else {
                continue;
            };
            // A spreadsheet row holds the figure columns that are not computed, in order.
            let offset = columns[..i].iter().filter(|c| c.formula.is_none()).count();
            origins[i] = Some(
                match from.and_then(|f| crate::sheets::cell_of(f.get_ref(), offset)) {
                    Some(cell) => Origin::Sheet {
                        cell,
                        span: raw.span(),
                    },
                    None => Origin::Typed(raw.span()),
                },
            );
            let column = &columns[i];
            self.check_precision(value, raw.span(), column.decimals.or(decimals));
            if column.formula.is_some() {
                stated.push(Stated {
                    column: i,
                    value,
                    span: raw.span(),
                    blank: false,
                });
                continue;
            }
            cells[i] = Some(value);
        }
        (cells, stated, origins)
    }

    /// The column an amount's key names; E018 (or E013 for a year) if none.
    fn column_of(
        &mut self,
        key: &str,
        raw: &Spanned<RawAmount>,
        columns: &[AmountColumn],
    ) -> Option<usize> {
        let name = key.trim();
        if let Some(i) = columns
            .iter()
            .position(|c| !c.key.is_empty() && c.key == name)
        {
            return Some(i);
        }
        let years: Vec<i64> = columns.iter().filter_map(|c| c.year).collect();
        let keys: Vec<&str> = columns
            .iter()
            .filter(|c| !c.key.is_empty())
            .map(|c| c.key.as_str())
            .collect();
        let diagnostic = if let (Ok(year), false) = (name.parse::<i64>(), years.is_empty()) {
            super::year_not_in_table(year, raw.span(), &years)
        } else {
            Diagnostic::new(
                Code::E018,
                format!("`{name}` is not a column of this table"),
                Some(raw.span()),
            )
            .with_label("the key before `=` must be one of the table's columns")
            .with_help(format!(
                "{}the table's columns are {}",
                did_you_mean(name, keys.iter().copied()),
                keys.iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        };
        self.push(diagnostic);
        None
    }

    /// E068 when a figure has more decimals than its table or column prints.
    /// Without declared decimals a figure may have up to [`MAX_DECIMALS`], the most a table
    /// prints.
    fn check_precision(&mut self, value: Decimal, span: Range<usize>, decimals: Option<u32>) {
        let declared = decimals.is_some();
        let decimals = decimals.unwrap_or(MAX_DECIMALS);
        if value.normalize().scale() > decimals {
            self.push(
                Diagnostic::new(
                    Code::E068,
                    if declared {
                        format!(
                            "the figure {} has more decimals than the table prints ({decimals})",
                            crate::number::format_amount(value, None)
                        )
                    } else {
                        format!(
                            "the figure {} has more decimals than a table can print ({decimals})",
                            crate::number::format_amount(value, None)
                        )
                    },
                    Some(span),
                )
                .with_label(format!(
                    "would print as {}",
                    crate::number::format_amount(
                        crate::number::round(value, decimals),
                        Some(decimals)
                    )
                ))
                .with_help(
                    "write the figure as published, or raise the table's `decimals`; the PDF \
                     never prints a figure other than the one written",
                ),
            );
        }
    }

    /// Stated figures per column (`stated_totals = { 2025 = …, korrigeret = … }`).
    fn stated_cells(
        &mut self,
        amounts: &Spanned<model::YearAmounts>,
        columns: &[AmountColumn],
        decimals: Option<u32>,
    ) -> Vec<Stated> {
        let mut stated = Vec::new();
        for (key, raw) in amounts.get_ref() {
            let Some(i) = self.column_of(key, raw, columns) else {
                continue;
            };
            if super::is_dash(raw.get_ref()) {
                stated.push(Stated {
                    column: i,
                    value: Decimal::ZERO,
                    span: raw.span(),
                    blank: true,
                });
                continue;
            }
            if let Some(value) = self.amount(raw) {
                self.check_precision(value, raw.span(), columns[i].decimals.or(decimals));
                stated.push(Stated {
                    column: i,
                    value,
                    span: raw.span(),
                    blank: false,
                });
            }
        }
        stated
    }

    /// `stated_subtotals`, by group name (or "outer / inner"), with their spans.
    fn stated_subtotals(
        &mut self,
        t: &model::Table,
        columns: &[AmountColumn],
        decimals: Option<u32>,
    ) -> BTreeMap<String, (Range<usize>, Vec<Stated>)> {
        let mut out = BTreeMap::new();
        let Some(stated) = &t.stated_subtotals else {
            return out;
        };
        for (name, amounts) in stated.get_ref() {
            let figures = self.stated_cells(amounts, columns, decimals);
            out.insert(normalise_path(name), (amounts.span(), figures));
        }
        out
    }

    /// Places rows in their groups at `path`, pushing group headings, rows and subtotals in
    /// order of first appearance; checks the stated subtotals of the groups it places.
    fn place(
        &mut self,
        g: &Grouping<'_>,
        rows: Vec<&ReadRow>,
        path: &[String],
        entries: &mut Vec<Entry>,
        stated: &mut BTreeMap<String, (Range<usize>, Vec<Stated>)>,
        check: bool,
    ) {
        let level = path.len();
        if level == g.depth {
            entries.extend(
                rows.into_iter()
                    .map(|r| Entry::Row(Box::new(r.row.clone()))),
            );
            return;
        }
        let mut names: Vec<&str> = Vec::new();
        for row in &rows {
            if let Some(name) = row.groups.get(level)
                && !names.contains(&name.as_str())
            {
                names.push(name);
            }
        }
        for name in names {
            let members: Vec<&ReadRow> = rows
                .iter()
                .copied()
                .filter(|r| r.groups.get(level).map(String::as_str) == Some(name))
                .collect();
            entries.push(Entry::Group {
                label: name.to_owned(),
                depth: level,
            });
            let mut inner = path.to_vec();
            inner.push(name.to_owned());
            self.place(g, members.clone(), &inner, entries, stated, check);
            let mut cells = total_of(g.columns, members.iter().map(|r| &r.row.cells));
            let mut bounds = g.tolerance.map(|_| {
                interval::total_of(&formulas(g.columns), members.iter().map(|r| &r.bounds))
            });
            // Written keys are normalised ("a/b" as "a / b"), so a name with "/" in it is too.
            let full = normalise_path(&inner.join(" / "));
            let short = normalise_path(name);
            let key = if stated.contains_key(&full) {
                Some(full)
            } else if stated.contains_key(&short) {
                Some(short)
            } else {
                None
            };
            if let Some((_, figures)) = key.and_then(|k| stated.remove(&k))
                && check
            {
                let levels = Decimal::from(g.depth - level);
                self.settle(
                    &mut cells,
                    figures,
                    &Precision {
                        columns: g.columns,
                        tolerance: g.tolerance.map(|t| t * levels),
                        step: g.tolerance,
                        decimals: g.decimals,
                    },
                    bounds.as_mut(),
                    &Subject::Subtotal(name.to_owned()),
                );
            }
            entries.push(Entry::Subtotal {
                label: g.subtotal.replace("{group}", name),
                depth: level,
                cells,
            });
        }
    }

    /// Compares stated figures with computed `cells`; within the tolerance, or (in a table of
    /// rounded figures) within the range the rounding of the figures allows (`bounds`), the
    /// stated (published) figure is printed, beyond it E014.
    fn settle(
        &mut self,
        cells: &mut crate::checked::Cells,
        stated: Vec<Stated>,
        precision: &Precision<'_>,
        mut bounds: Option<&mut Vec<Bounds>>,
        subject: &Subject,
    ) {
        let columns = precision.columns;
        let written: Vec<usize> = stated.iter().map(|s| s.column).collect();
        let mut stated = stated;
        // Left to right, so a range follows the published figures left of it.
        stated.sort_by_key(|s| s.column);
        for s in stated {
            let column = &columns[s.column];
            let name = subject.name(column);
            let i = s.column;
            if let (Some(b), Some(formula)) = (bounds.as_deref_mut(), &column.formula) {
                b[i] = interval::apply(formula, &b[..i]);
            }
            let range = bounds.as_ref().and_then(|b| b.get(i).copied());
            if s.blank {
                // A dash agrees with a blank, and with a zero (which many tables print as "–").
                if let Some(c) = cells[i].filter(|c| !c.is_zero()) {
                    let decimals = column.decimals.or(precision.decimals);
                    self.push(
                        Diagnostic::new(
                            Code::E014,
                            format!(
                                "stated {name} is blank (\"–\"), but the amounts add up to {}",
                                format_amount(c, decimals)
                            ),
                            Some(s.span),
                        )
                        .with_label(format!("computed: {}", format_amount(c, decimals)))
                        .with_help(
                            "write the figure the amounts add up to; a dash states that the \
                             column is blank (no line has a figure there)",
                        ),
                    );
                }
                continue;
            }
            if column.is_percent() {
                let scale = column
                    .decimals
                    .unwrap_or_else(|| s.value.normalize().scale());
                let half = Decimal::new(5, scale + 1);
                let value = s.value;
                cells[i] = self.compare_percent(s, cells[i], &name, scale, range);
                if let Some(b) = bounds.as_deref_mut()
                    && cells[i] == Some(value)
                {
                    b[i] = b[i].narrowed(value, half);
                }
                continue;
            }
            let decimals = column.decimals.or(precision.decimals);
            let half = precision.step.map(|t| t / Decimal::TWO);
            let allowed = match (range, half) {
                (Some(r), Some(h)) => Some((r, h)),
                _ => None,
            };
            let figure = Figure {
                stated: s.value,
                span: s.span,
                decimals,
            };
            cells[i] = self.compare(&figure, cells[i], &name, precision.tolerance, allowed);
            if let (Some(b), Some(h)) = (bounds.as_deref_mut(), half)
                && cells[i] == Some(s.value)
            {
                b[i] = b[i].narrowed(s.value, h);
            }
        }
        // A row reads left to right: a computed figure that was not stated follows the figures
        // printed beside it, the published ones included (2.050 − 1.999 prints 51, not 50).
        for (i, column) in columns.iter().enumerate() {
            if let (Some(formula), false) = (&column.formula, written.contains(&i)) {
                cells[i] = formula.apply(&cells[..i]);
                if let Some(b) = bounds.as_deref_mut() {
                    b[i] = interval::apply(formula, &b[..i]);
                }
            }
        }
    }

    /// E014 when a stated percentage is more than one unit of its last printed digit (`scale`
    /// decimals) from the one computed from the unrounded figures, and (in a table of rounded
    /// figures) no value of the `range` the rounding allows rounds to it; returns the figure to
    /// print. The column's decimals decide the last digit (a stated "5" in a column of one
    /// decimal prints 5,0, so it claims 5,0 ± 0,1, not 5 ± 1).
    fn compare_percent(
        &mut self,
        stated: Stated,
        computed: Option<Decimal>,
        what: &str,
        scale: u32,
        range: Option<Bounds>,
    ) -> Option<Decimal> {
        let step = Decimal::new(1, scale);
        let half = Decimal::new(5, scale + 1);
        if let Some(c) = computed
            && ((c - stated.value).abs() <= step
                || range.is_some_and(|r| r.allows(stated.value, half)))
        {
            return Some(stated.value);
        }
        let shown = computed.map_or_else(
            || "blank (no base to divide by)".to_owned(),
            |c| format_amount(crate::number::round(c, scale), Some(scale)),
        );
        let allowed = match (computed, range.and_then(|r| possible(r, half))) {
            (Some(c), Some((lo, hi))) => format!(
                "; the rounded figures allow {} to {}",
                format_amount(lo.min(crate::number::round(c, scale) - step), Some(scale)),
                format_amount(hi.max(crate::number::round(c, scale) + step), Some(scale))
            ),
            _ => String::new(),
        };
        let help = if range.is_some() {
            "correct the figures or the percentage; a percentage of rounded figures may lie \
             anywhere in the range their rounding allows, no further"
                .to_owned()
        } else {
            format!(
                "correct the figures or the percentage; a percentage may differ by {} (one unit of \
                 its last digit) from the one computed, no more (a table of rounded figures \
                 declares `rounding = \"0,1\"`, and its percentages may then lie anywhere the \
                 rounding allows)",
                format_amount(step, Some(scale))
            )
        };
        self.push(
            Diagnostic::new(
                Code::E014,
                format!(
                    "stated {what} is {}, but the figures give {shown}{allowed}",
                    format_amount(stated.value, Some(scale))
                ),
                Some(stated.span),
            )
            .with_label(format!("computed: {shown}"))
            .with_help(help),
        );
        computed
    }

    /// E014 when a stated figure differs from the computed one by more than the table's rounding
    /// tolerance and lies outside the range the rounding of its figures allows (`allowed`: the
    /// range and half the rounding step); returns the figure to print (the stated one when
    /// accepted). Figures print at the table's decimals.
    fn compare(
        &mut self,
        figure: &Figure,
        computed: Option<Decimal>,
        what: &str,
        tolerance: Option<Decimal>,
        allowed: Option<(Bounds, Decimal)>,
    ) -> Option<Decimal> {
        let stated = figure.stated;
        if computed == Some(stated) {
            return computed;
        }
        if let (Some(c), Some(t)) = (computed, tolerance)
            && (c - stated).abs() <= t
        {
            return Some(stated);
        }
        if let (Some(_), Some((range, half))) = (computed, allowed)
            && range.allows(stated, half)
        {
            return Some(stated);
        }
        let fmt = |v: Decimal| format_amount(v, figure.decimals);
        let computed_text = computed.map_or_else(|| "blank".to_owned(), fmt);
        let (message, help) = match (computed, tolerance) {
            (Some(c), Some(t)) => (
                format!(
                    "stated {what} is {}, but the amounts add up to {computed_text}: off by {}, more \
                     than the table's rounding allows ({})",
                    fmt(stated),
                    fmt((c - stated).abs()),
                    match allowed.and_then(|(range, half)| possible(range, half)) {
                        Some((lo, hi)) => {
                            format!("{} to {}", fmt(lo.min(c - t)), fmt(hi.max(c + t)))
                        }
                        None => format!("a tolerance of {}", fmt(t)),
                    }
                ),
                "correct the amounts or the stated figure; rounding explains differences within \
                 the range the rounded figures allow only",
            ),
            (None, _) if stated.is_zero() => (
                format!(
                    "stated {what} is {}, but the amounts are blank",
                    fmt(stated)
                ),
                "a year the lines leave blank has no figure: write \"–\" for it, or leave it out \
                 (blank is not zero)",
            ),
            _ => (
                format!(
                    "stated {what} is {}, but the amounts add up to {computed_text}",
                    fmt(stated)
                ),
                "correct the amounts or the stated figure; the PDF always prints the computed \
                 total (a table of rounded figures may declare `rounding = \"0,1\"`)",
            ),
        };
        self.push(
            Diagnostic::new(Code::E014, message, Some(figure.span.clone()))
                .with_label(format!("computed: {computed_text}"))
                .with_help(help),
        );
        computed
    }

    /// `chart = { columns = […] }`: the charted columns (amounts, not percentages).
    fn chart(
        &mut self,
        chart: &Spanned<model::Chart>,
        columns: &[AmountColumn],
    ) -> Option<LedgerChart> {
        let c = chart.get_ref();
        let picked: Vec<usize> = match &c.columns {
            None => (0..columns.len())
                .filter(|i| columns[*i].formula.is_none())
                .collect(),
            Some(list) => {
                let mut picked = Vec::new();
                for name in list.get_ref() {
                    let key = name.get_ref().trim();
                    match columns.iter().position(|c| !c.key.is_empty() && c.key == key) {
                        Some(i) if !columns[i].is_percent() => picked.push(i),
                        found => self.push(
                            Diagnostic::new(
                                Code::E066,
                                if found.is_some() {
                                    format!("the chart cannot draw `{key}`, a percentage")
                                } else {
                                    format!("the chart names `{key}`, which is not a column of the table")
                                },
                                Some(name.span()),
                            )
                            .with_help(format!(
                                "{}chart amount columns: {}",
                                did_you_mean(key, columns.iter().map(|c| c.key.as_str())),
                                columns
                                    .iter()
                                    .filter(|c| !c.is_percent() && !c.key.is_empty())
                                    .map(|c| format!("`{}`", c.key))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )),
                        ),
                    }
                }
                picked
            }
        };
        if picked.is_empty() {
            if c.columns.as_ref().is_some_and(|l| l.get_ref().is_empty()) {
                self.push(
                    Diagnostic::new(Code::E066, "the chart names no column", Some(chart.span()))
                        .with_help(
                            "name the amount columns to draw, e.g. columns = [\"korrigeret\", \"forventet\"], or remove `chart`",
                        ),
                );
            }
            return None;
        }
        Some(LedgerChart {
            caption: c.caption.as_ref().map(|s| s.get_ref().trim().to_owned()),
            columns: picked,
        })
    }
}

/// Whose stated figure is checked, for messages.
enum Subject {
    /// A row, by label.
    Row(String),
    /// A group's subtotal, by name.
    Subtotal(String),
    /// The total row.
    Total,
}

impl Subject {
    /// "column total for 2025", "row total of \"Dagtilbud\"", "\"Afvigelse\" of \"Dagtilbud\"".
    fn name(&self, column: &AmountColumn) -> String {
        let of = match self {
            Subject::Row(label) => format!("\"{label}\""),
            Subject::Subtotal(name) => format!("the subtotal of \"{name}\""),
            Subject::Total => "the total row".to_owned(),
        };
        match (self, column.year, column.key.is_empty()) {
            (Subject::Total, Some(year), _) => format!("column total for {year}"),
            (Subject::Total, None, true) => "grand total".to_owned(),
            (Subject::Total, None, false) => format!("column total of \"{}\"", column.header),
            (_, _, true) => format!("row total of {of}"),
            (_, Some(year), false) => format!("figure of {of} for {year}"),
            (_, None, false) => format!("\"{}\" of {of}", column.header),
        }
    }
}

/// What every row of one ledger is read against.
struct RowShape<'a> {
    /// The amount columns.
    columns: &'a [AmountColumn],
    /// The text columns' headers.
    text_columns: &'a [&'a str],
    /// Group levels, outermost first.
    levels: &'a [String],
    /// Index of the row-total column, if any.
    row_total: Option<usize>,
    /// Declared decimals of the table.
    decimals: Option<u32>,
    /// Decimals the table prints with (declared, or as the most precise figure written).
    shown: Option<u32>,
    /// Rounding tolerance of one level.
    tolerance: Option<Decimal>,
}

/// What placing rows in groups needs.
struct Grouping<'a> {
    /// The amount columns.
    columns: &'a [AmountColumn],
    /// How many group levels.
    depth: usize,
    /// Label pattern of a subtotal row.
    subtotal: &'a str,
    /// Rounding tolerance of one level.
    tolerance: Option<Decimal>,
    /// Decimals the table prints with, for messages.
    decimals: Option<u32>,
}

/// How closely stated figures must agree with the computed ones.
struct Precision<'a> {
    /// The amount columns.
    columns: &'a [AmountColumn],
    /// How far a stated amount may be from the computed one at this level of aggregation.
    tolerance: Option<Decimal>,
    /// The table's rounding step (`rounding`), if its figures are rounded.
    step: Option<Decimal>,
    /// Declared decimals of the table, for messages.
    decimals: Option<u32>,
}

/// A stated amount as messages show it.
struct Figure {
    /// The figure as written.
    stated: Decimal,
    /// Its span.
    span: Range<usize>,
    /// Decimals the table prints it with, if declared.
    decimals: Option<u32>,
}

/// The most decimals of any figure written in the table's rows and stated figures, as a table
/// without `decimals` prints them all; `None` when it has no readable figure.
fn written_decimals(t: &model::Table) -> Option<u32> {
    let mut maps: Vec<&model::YearAmounts> = Vec::new();
    for row in &t.rows {
        maps.extend(row.get_ref().amounts.as_ref().map(Spanned::get_ref));
    }
    maps.extend(t.stated_totals.as_ref().map(Spanned::get_ref));
    let mut raws: Vec<&RawAmount> = maps
        .iter()
        .flat_map(|m| m.values().map(Spanned::get_ref))
        .collect();
    raws.extend(
        t.rows
            .iter()
            .filter_map(|r| r.get_ref().stated_total.as_ref().map(Spanned::get_ref)),
    );
    raws.iter()
        .filter_map(|r| crate::number::read_amount(r).ok())
        .map(|v| v.normalize().scale())
        .max()
}

/// The lowest and highest figure, rounded to a step of twice `half`, that some value of the
/// range rounds to (the range's ends are open, as [`Bounds::allows`] reads them).
fn possible(range: Bounds, half: Decimal) -> Option<(Decimal, Decimal)> {
    let Bounds::Between(lo, hi) = range else {
        return None;
    };
    let step = half * Decimal::TWO;
    let decimals = step.normalize().scale();
    let mut low = crate::number::round(lo, decimals);
    if low + half <= lo {
        low += step;
    }
    let mut high = crate::number::round(hi, decimals);
    if high - half >= hi {
        high -= step;
    }
    Some((low, high))
}

/// The formula of each amount column (`None` for entered ones).
fn formulas(columns: &[AmountColumn]) -> Vec<Option<&Formula>> {
    columns.iter().map(|c| c.formula.as_ref()).collect()
}

/// The header of a declared text column.
fn header(spec: &ColumnSpec) -> String {
    spec.header
        .as_ref()
        .map_or(spec.key.get_ref(), |h| h.get_ref())
        .trim()
        .to_owned()
}

/// The first formula key a column gives, with its span.
fn formula_key(spec: &ColumnSpec) -> Option<(&'static str, Range<usize>)> {
    [
        ("sum", &spec.sum),
        ("difference", &spec.difference),
        ("percent", &spec.percent),
    ]
    .into_iter()
    .find_map(|(k, f)| f.as_ref().map(|f| (k, f.span())))
}

/// A text value trimmed, keeping its span.
fn trimmed(value: &Spanned<String>) -> Spanned<String> {
    Spanned::new(value.span(), value.get_ref().trim().to_owned())
}

/// "Outer/Inner" and "Outer / Inner" as one key.
fn normalise_path(name: &str) -> String {
    name.split('/')
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" / ")
}

/// The names of every group placed, for help messages: an outermost group by its name, an inner
/// one also as "outer / inner" (the way `stated_subtotals` writes it).
fn group_names(entries: &[Entry]) -> Vec<String> {
    let mut path: Vec<&str> = Vec::new();
    let mut names = Vec::new();
    for entry in entries {
        if let Entry::Group { label, depth } = entry {
            path.truncate(*depth);
            path.push(label);
            names.push(normalise_path(label));
            if *depth > 0 {
                names.push(normalise_path(&path.join(" / ")));
            }
        }
    }
    names
}
