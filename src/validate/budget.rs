//! The standard form's amounts table: lines, nets per expense type, stated figures, staff.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use toml::Spanned;

use super::Validator;
use crate::checked::{AmountsTable, Cells, ExpenseType, Line, LineKind, Net, StaffChange};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{BudgetTable, YearAmounts};
use crate::number::sum_column;
use crate::number::{format_amount, format_signed, read_amount};

/// Years a budget table covers: the budget year and three overslagsår.
const BUDGET_YEARS: usize = 4;

impl Validator<'_> {
    /// The amounts table with its lines, nets, stated figures and staff.
    pub(super) fn table(&mut self, table: &Spanned<BudgetTable>) -> Option<AmountsTable> {
        let t = table.get_ref();
        let unit = self.unit(&t.unit);
        let prices = t.prices.get_ref().trim().to_owned();
        if prices.is_empty() {
            self.push(
                Diagnostic::new(Code::E003, "`prices` is empty", Some(t.prices.span()))
                    .with_help("state the price basis, e.g. prices = \"2024-priser\""),
            );
        }
        let years = self.years(&t.years);
        if !years.is_empty() && years.len() < BUDGET_YEARS {
            self.push(
                Diagnostic::new(
                    Code::W006,
                    format!(
                        "the budget table covers {} year(s); it should cover the budget year and three overslagsår",
                        years.len()
                    ),
                    Some(t.years.span()),
                )
                .with_label("fewer than four years")
                .with_help(
                    "add the missing years to `years`; a year without amounts stays blank in the PDF, \
                     which says on purpose that nothing changes then",
                ),
            );
        }
        let current = t.current.as_ref().map(|c| self.cells(c, &years));
        if t.lines.is_empty() {
            self.push(
                Diagnostic::new(
                    Code::E019,
                    "the budget table has no lines",
                    Some(table.span()),
                )
                .with_help(
                    "add at least one [[budget.lines]] with kind, expense, committee and amounts",
                ),
            );
        }
        let errors_before = self.error_count();
        let lines: Vec<Line> = t
            .lines
            .iter()
            .filter_map(|l| self.line(l, &years))
            .collect();
        let lines_readable = self.error_count() == errors_before;
        let nets = compute_nets(&lines, years.len());
        if let Some(stated) = &t.stated_net {
            if lines_readable {
                self.check_stated_nets(stated, &nets, &years, written_decimals(t));
            } else {
                // Sums over unreadable lines would only repeat the errors above; check the figures alone.
                for amounts in stated.get_ref().values() {
                    self.cells(amounts, &years);
                }
            }
        }
        let staff = t.staff.as_ref().map(|s| self.staff(s, &years));
        if let (Some(stated), true) = (&t.expense_types, lines_readable) {
            self.check_expense_types(stated, &nets);
        }
        Some(AmountsTable {
            unit: unit?,
            prices,
            years,
            current,
            lines,
            nets,
            staff,
            span: table.span(),
            prices_span: t.prices.span(),
        })
    }

    /// E041 when the stated Udgiftstype differs from the expense types of the lines.
    fn check_expense_types(&mut self, stated: &Spanned<Vec<Spanned<String>>>, nets: &[Net]) {
        let mut said: Vec<ExpenseType> = Vec::new();
        for value in stated.get_ref() {
            if let Some(expense) = self.expense(value)
                && !said.contains(&expense)
            {
                said.push(expense);
            }
        }
        let lines: Vec<ExpenseType> = nets.iter().map(|n| n.expense).collect();
        let mut sorted = said.clone();
        sorted.sort_by_key(|e| ExpenseType::ALL.iter().position(|a| a == e));
        if sorted == lines || said.len() < stated.get_ref().len() {
            return;
        }
        let names = |types: &[ExpenseType]| {
            types
                .iter()
                .map(|e| e.short().to_lowercase())
                .collect::<Vec<_>>()
                .join(", ")
        };
        self.push(
            Diagnostic::new(
                Code::E041,
                format!(
                    "the stated Udgiftstype is {}, but the lines are {}",
                    names(&sorted),
                    names(&lines)
                ),
                Some(stated.span()),
            )
            .with_label("does not match the lines")
            .with_help(
                "correct the lines' `expense`, or the stated types; the PDF prints the types of \
                 the lines",
            ),
        );
    }

    /// One line of the change.
    fn line(&mut self, line: &Spanned<crate::model::BudgetLine>, years: &[i64]) -> Option<Line> {
        let l = line.get_ref();
        let kind = LineKind::from_key(l.kind.get_ref());
        if kind.is_none() {
            self.push(
                Diagnostic::new(
                    Code::E002,
                    format!("unknown line kind \"{}\"", l.kind.get_ref()),
                    Some(l.kind.span()),
                )
                .with_help(format!(
                    "{}use one of: {}",
                    crate::parse::did_you_mean(
                        l.kind.get_ref(),
                        crate::parse::listed(LineKind::KEYS)
                    ),
                    LineKind::KEYS
                )),
            );
        }
        let expense = self.expense(&l.expense);
        let committee = self.text(&l.committee, "committee");
        let cells = self.cells(&l.amounts, years);
        let (kind, expense) = (kind?, expense?);
        self.line_signs(l, kind, years, &cells);
        let label = match &l.label {
            Some(label) => label.get_ref().trim().to_owned(),
            None => format!("{} ({} {committee})", kind.label(), expense.short()),
        };
        Some(Line {
            label,
            kind,
            expense,
            committee,
            committee_span: l.committee.span(),
            account: l.account.as_ref().map(super::tables::account_ref),
            cells,
        })
    }

    /// E037 for an amount against the line's sign convention (a saving entered with a plus, an
    /// investment with a minus), except in the line's declared one-off years.
    fn line_signs(
        &mut self,
        line: &crate::model::BudgetLine,
        kind: LineKind,
        years: &[i64],
        cells: &crate::checked::Cells,
    ) {
        use std::cmp::Ordering::{Greater, Less};
        let Some(sign) = kind.sign() else { return };
        let exempt: Vec<i64> = line.one_off_years.iter().map(|y| *y.get_ref()).collect();
        for (year, cell) in years.iter().zip(cells) {
            let Some(value) = cell else { continue };
            let wrong = match sign {
                Less => value.is_sign_positive() && !value.is_zero(),
                _ => value.is_sign_negative() && !value.is_zero(),
            };
            if !wrong || exempt.contains(year) {
                continue;
            }
            let span = line
                .amounts
                .get_ref()
                .iter()
                .find(|(k, _)| k.trim().parse::<i64>().ok() == Some(*year))
                .map_or(line.amounts.span(), |(_, raw)| raw.span());
            let (rule, fix) = if sign == Greater {
                (
                    "investments and extra costs are entered as positive amounts",
                    "remove the minus",
                )
            } else {
                (
                    "savings are entered as negative amounts",
                    "write it with a minus, e.g. -500",
                )
            };
            self.push(
                Diagnostic::new(
                    Code::E037,
                    format!(
                        "{} in {year} is {}, but {rule}",
                        kind.label().to_lowercase(),
                        crate::number::format_signed(*value),
                    ),
                    Some(span),
                )
                .with_label("sign against the convention")
                .with_help(format!(
                    "{fix}; if {year} holds a one-off investment on purpose, add `one_off_years = [{year}]` to the line"
                )),
            );
        }
    }

    /// Compares stated nets (from a spreadsheet) with the computed ones; the message prints both
    /// at the table's `decimals` ("is −163,4, but the lines add up to −163,0").
    fn check_stated_nets(
        &mut self,
        stated: &Spanned<BTreeMap<String, Spanned<YearAmounts>>>,
        nets: &[Net],
        years: &[i64],
        decimals: Option<u32>,
    ) {
        for (key, amounts) in stated.get_ref() {
            let Some(expense) = ExpenseType::from_key(key) else {
                self.push(
                    Diagnostic::new(
                        Code::E002,
                        format!("unknown expense type \"{key}\" in `stated_net`"),
                        Some(amounts.span()),
                    )
                    .with_help(format!(
                        "{}use one of: {}",
                        crate::parse::did_you_mean(key, crate::parse::listed(ExpenseType::KEYS)),
                        ExpenseType::KEYS
                    )),
                );
                continue;
            };
            let computed = nets
                .iter()
                .find(|n| n.expense == expense)
                .map(|n| n.cells.clone())
                .unwrap_or_else(|| vec![None; years.len()]);
            for (year_key, raw) in amounts.get_ref() {
                let Some(i) = year_key
                    .trim()
                    .parse::<i64>()
                    .ok()
                    .and_then(|y| years.iter().position(|t| *t == y))
                else {
                    continue; // reported by `cells` below
                };
                let Ok(stated_value) = read_amount(raw.get_ref()) else {
                    continue;
                };
                let label = expense.short();
                let year = years[i];
                let computed_text = computed[i].map_or_else(
                    || "blank (no line has this year)".to_owned(),
                    |c| format_amount(c, decimals),
                );
                if computed[i] != Some(stated_value) {
                    self.push(
                        Diagnostic::new(
                            Code::E014,
                            format!(
                                "stated net for {label} in {year} is {}, but the lines add up to {computed_text}",
                                format_amount(stated_value, decimals)
                            ),
                            Some(raw.span()),
                        )
                        .with_label(format!("computed: {computed_text}"))
                        .with_help(
                            "correct the lines or the stated figure; the PDF always prints the computed net",
                        ),
                    );
                }
            }
            self.cells(amounts, years);
        }
    }

    /// Staff change: the stated total, and per-area lines that must add up to it.
    fn staff(&mut self, staff: &Spanned<crate::model::Staff>, years: &[i64]) -> StaffChange {
        let s = staff.get_ref();
        let errors_before = self.error_count();
        let total = self.cells(&s.fte, years);
        let areas: Vec<(String, Cells)> = s
            .areas
            .iter()
            .map(|a| {
                (
                    self.text(&a.get_ref().label, "label"),
                    self.cells(&a.get_ref().fte, years),
                )
            })
            .collect();
        if !areas.is_empty() && self.error_count() == errors_before {
            for (i, year) in years.iter().enumerate() {
                let sum = sum_column(areas.iter().map(|(_, c)| c[i]));
                if sum != total[i] {
                    let span = s
                        .fte
                        .get_ref()
                        .iter()
                        .find(|(k, _)| k.trim().parse::<i64>().ok() == Some(*year))
                        .map_or(s.fte.span(), |(_, v)| v.span());
                    let show =
                        |c: Option<Decimal>| c.map_or_else(|| "blank".to_owned(), format_signed);
                    self.push(
                        Diagnostic::new(
                            Code::E015,
                            format!(
                                "change in årsværk for {year} is stated as {}, but the areas add up to {}",
                                show(total[i]),
                                show(sum)
                            ),
                            Some(span),
                        )
                        .with_label(format!("areas: {}", show(sum)))
                        .with_help("correct the total or the areas so they agree"),
                    );
                }
            }
        }
        StaffChange { total, areas }
    }
}

/// The most decimals any figure of the table is written with (its lines, current budget and
/// stated nets): the precision the table prints, so messages print figures the same way.
fn written_decimals(t: &BudgetTable) -> Option<u32> {
    let lines = t.lines.iter().map(|l| l.get_ref().amounts.get_ref());
    let stated = t
        .stated_net
        .iter()
        .flat_map(|s| s.get_ref().values().map(Spanned::get_ref));
    lines
        .chain(t.current.as_ref().map(Spanned::get_ref))
        .chain(stated)
        .flat_map(|m| m.values())
        .filter_map(|raw| read_amount(raw.get_ref()).ok())
        .map(|v| v.normalize().scale())
        .max()
}

/// Net change per expense type present in the lines.
fn compute_nets(lines: &[Line], years: usize) -> Vec<Net> {
    ExpenseType::ALL
        .iter()
        .filter(|e| lines.iter().any(|l| l.expense == **e))
        .map(|&expense| Net {
            expense,
            cells: (0..years)
                .map(|i| {
                    sum_column(
                        lines
                            .iter()
                            .filter(|l| l.expense == expense)
                            .map(|l| l.cells[i]),
                    )
                })
                .collect(),
        })
        .collect()
}
