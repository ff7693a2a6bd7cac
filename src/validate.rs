//! Schema rules and numeric cross-checks: model in, checked proposal and diagnostics out.
//!
//! Every rule runs; problems are collected, never first-error-only.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use toml::Spanned;

use crate::checked::{
    AmountsTable, Cells, CheckedProposal, ExpenseType, Line, LineKind, Net, Section, StaffChange,
    Unit,
};
use crate::diagnostic::{Code, Diagnostic};
use crate::forms::{self, Form};
use crate::model::{BudgetTable, Proposal, RawAmount, YearAmounts};
use crate::number::{AmountError, format_amount, format_signed, read_amount};

/// Validates a parsed proposal; returns it checked only if no error was found.
pub fn validate(proposal: &Proposal) -> (Option<CheckedProposal>, Vec<Diagnostic>) {
    let mut v = Validator { diags: Vec::new() };
    let form = v.form(&proposal.form);
    let title = v.text(&proposal.title, "title");
    let id = v.text(&proposal.id, "id");
    let proposer = v.text(&proposal.proposer, "proposer");
    let committees = v.committees(&proposal.committees);
    let date = proposal.date.as_ref().and_then(|d| v.date(d));
    let budget = v.table(&proposal.budget);
    let sections = form
        .map(|form| v.sections(form, &proposal.sections))
        .unwrap_or_default();
    let municipality = proposal
        .municipality
        .as_ref()
        .map(|m| m.get_ref().trim().to_owned());

    let has_errors = v
        .diags
        .iter()
        .any(|d| d.severity() == crate::diagnostic::Severity::Error);
    let checked = match (form, budget) {
        (Some(form), Some(budget)) if !has_errors => Some(CheckedProposal {
            id,
            form,
            title,
            municipality,
            committees,
            proposer,
            date,
            budget,
            sections,
        }),
        _ => None,
    };
    (checked, v.diags)
}

/// Collects diagnostics while checking one proposal.
struct Validator {
    /// Everything found so far.
    diags: Vec<Diagnostic>,
}

impl Validator {
    /// Records a diagnostic.
    fn push(&mut self, diagnostic: Diagnostic) {
        self.diags.push(diagnostic);
    }

    /// How many errors were found so far.
    fn error_count(&self) -> usize {
        self.diags
            .iter()
            .filter(|d| d.severity() == crate::diagnostic::Severity::Error)
            .count()
    }

    /// The form named by `form = "…"`.
    fn form(&mut self, name: &Spanned<String>) -> Option<&'static Form> {
        let form = forms::find(name.get_ref().trim());
        if form.is_none() {
            self.push(
                Diagnostic::new(
                    Code::E004,
                    format!("unknown form \"{}\"", name.get_ref()),
                    Some(name.span()),
                )
                .with_label("no form has this name")
                .with_help(format!("use one of: {}", forms::names())),
            );
        }
        form
    }

    /// A required text field, which must not be blank.
    fn text(&mut self, value: &Spanned<String>, field: &str) -> String {
        let text = value.get_ref().trim().to_owned();
        if text.is_empty() {
            self.push(
                Diagnostic::new(
                    Code::E003,
                    format!("`{field}` is empty"),
                    Some(value.span()),
                )
                .with_help(format!("write the {field} between the quotes")),
            );
        }
        text
    }

    /// The committees, at least one, none blank.
    fn committees(&mut self, list: &Spanned<Vec<Spanned<String>>>) -> Vec<String> {
        if list.get_ref().is_empty() {
            self.push(
                Diagnostic::new(
                    Code::E003,
                    "`committees` lists no committee",
                    Some(list.span()),
                )
                .with_help("name at least one, e.g. committees = [\"Socialudvalget\"]"),
            );
        }
        list.get_ref()
            .iter()
            .map(|c| self.text(c, "committee name"))
            .collect()
    }

    /// The date as (year, month, day).
    fn date(&mut self, value: &Spanned<toml::value::Datetime>) -> Option<(u16, u8, u8)> {
        match value.get_ref().date {
            Some(d) => Some((d.year, d.month, d.day)),
            None => {
                self.push(
                    Diagnostic::new(
                        Code::E002,
                        "`date` has a time but no date",
                        Some(value.span()),
                    )
                    .with_help("write a date such as date = 2024-06-12"),
                );
                None
            }
        }
    }

    /// The amounts table with its lines, nets, stated figures and staff.
    fn table(&mut self, table: &Spanned<BudgetTable>) -> Option<AmountsTable> {
        let t = table.get_ref();
        let unit = Unit::from_key(t.unit.get_ref());
        if unit.is_none() {
            self.push(
                Diagnostic::new(
                    Code::E002,
                    format!("unknown unit \"{}\"", t.unit.get_ref()),
                    Some(t.unit.span()),
                )
                .with_help("use \"1.000 kr.\" or \"mio. kr.\""),
            );
        }
        let prices = t.prices.get_ref().trim().to_owned();
        if prices.is_empty() {
            self.push(
                Diagnostic::new(Code::E003, "`prices` is empty", Some(t.prices.span()))
                    .with_help("state the price basis, e.g. prices = \"2024-priser\""),
            );
        }
        let years = self.years(&t.years);
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
                self.check_stated_nets(stated, &nets, &years);
            } else {
                // Sums over unreadable lines would only repeat the errors above; check the figures alone.
                for amounts in stated.get_ref().values() {
                    self.cells(amounts, &years);
                }
            }
        }
        let staff = t.staff.as_ref().map(|s| self.staff(s, &years));
        Some(AmountsTable {
            unit: unit?,
            prices,
            years,
            current,
            lines,
            nets,
            staff,
        })
    }

    /// The table's years: strictly increasing, no duplicates, plausible.
    fn years(&mut self, years: &Spanned<Vec<Spanned<i64>>>) -> Vec<i64> {
        let list = years.get_ref();
        if list.is_empty() {
            self.push(
                Diagnostic::new(Code::E003, "`years` is empty", Some(years.span()))
                    .with_help("list the budget year and the overslagsår, e.g. years = [2024, 2025, 2026, 2027]"),
            );
        }
        for pair in list.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            if b.get_ref() <= a.get_ref() {
                let what = if b.get_ref() == a.get_ref() {
                    "repeats"
                } else {
                    "comes before"
                };
                self.push(
                    Diagnostic::new(
                        Code::E012,
                        format!("year {} {what} {} in `years`", b.get_ref(), a.get_ref()),
                        Some(b.span()),
                    )
                    .with_label("years must be strictly increasing")
                    .with_help("list each year once, from the budget year forward"),
                );
            }
        }
        for year in list {
            if !(1900..=2200).contains(year.get_ref()) {
                self.push(
                    Diagnostic::new(
                        Code::E002,
                        format!("{} is not a budget year", year.get_ref()),
                        Some(year.span()),
                    )
                    .with_help("write four-digit years such as 2024"),
                );
            }
        }
        list.iter().map(|y| *y.get_ref()).collect()
    }

    /// Amounts keyed by year, aligned to the table's years; reports bad years and amounts.
    fn cells(&mut self, amounts: &Spanned<YearAmounts>, years: &[i64]) -> Cells {
        let mut cells: Cells = vec![None; years.len()];
        for (key, raw) in amounts.get_ref() {
            let value = self.amount(raw);
            let Ok(year) = key.trim().parse::<i64>() else {
                self.push(
                    Diagnostic::new(
                        Code::E018,
                        format!("`{key}` is not a year"),
                        Some(raw.span()),
                    )
                    .with_label("the key before `=` must be a year")
                    .with_help("write amounts as { 2024 = -2800, 2025 = -2800 }"),
                );
                continue;
            };
            match years.iter().position(|y| *y == year) {
                Some(i) => cells[i] = value,
                None => self.push(
                    Diagnostic::new(
                        Code::E013,
                        format!("amount for {year}, a year the table does not have"),
                        Some(raw.span()),
                    )
                    .with_label(format!("{year} is not in `years`"))
                    .with_help(format!(
                        "the table's years are {}; add {year} to `years` or remove this amount",
                        years
                            .iter()
                            .map(|y| y.to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                ),
            }
        }
        cells
    }

    /// One amount as an exact decimal, or a diagnostic.
    fn amount(&mut self, raw: &Spanned<RawAmount>) -> Option<Decimal> {
        match read_amount(raw.get_ref()) {
            Ok(value) => Some(value),
            Err(AmountError::Float(hint)) => {
                self.push(
                    Diagnostic::new(Code::E010, "amount written as a decimal number", Some(raw.span()))
                        .with_label("a TOML float is not exact")
                        .with_help(format!(
                            "write an integer in the table's unit, or a string with a decimal comma: {hint}"
                        )),
                );
                None
            }
            Err(AmountError::Text(text)) => {
                self.push(
                    Diagnostic::new(
                        Code::E011,
                        format!("\"{text}\" is not an amount"),
                        Some(raw.span()),
                    )
                    .with_label("cannot read this as a Danish number")
                    .with_help(
                        "use a decimal comma and `.` only between groups of three digits: \"2,8\", \"-2.800\", \"+4\"",
                    ),
                );
                None
            }
        }
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
                .with_help(format!("use one of: {}", LineKind::KEYS)),
            );
        }
        let expense = ExpenseType::from_key(l.expense.get_ref());
        if expense.is_none() {
            self.push(
                Diagnostic::new(
                    Code::E002,
                    format!("unknown expense type \"{}\"", l.expense.get_ref()),
                    Some(l.expense.span()),
                )
                .with_help(format!("use one of: {}", ExpenseType::KEYS)),
            );
        }
        let committee = self.text(&l.committee, "committee");
        let cells = self.cells(&l.amounts, years);
        let (kind, expense) = (kind?, expense?);
        let label = match &l.label {
            Some(label) => label.get_ref().trim().to_owned(),
            None => format!("{} ({} {committee})", kind.label(), expense.short()),
        };
        Some(Line {
            label,
            kind,
            expense,
            committee,
            cells,
        })
    }

    /// Compares stated nets (from a spreadsheet) with the computed ones.
    fn check_stated_nets(
        &mut self,
        stated: &Spanned<BTreeMap<String, Spanned<YearAmounts>>>,
        nets: &[Net],
        years: &[i64],
    ) {
        for (key, amounts) in stated.get_ref() {
            let Some(expense) = ExpenseType::from_key(key) else {
                self.push(
                    Diagnostic::new(
                        Code::E002,
                        format!("unknown expense type \"{key}\" in `stated_net`"),
                        Some(amounts.span()),
                    )
                    .with_help(format!("use one of: {}", ExpenseType::KEYS)),
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
                    |c| format_amount(c, None),
                );
                if computed[i] != Some(stated_value) {
                    self.push(
                        Diagnostic::new(
                            Code::E014,
                            format!(
                                "stated net for {label} in {year} is {}, but the lines add up to {computed_text}",
                                format_amount(stated_value, None)
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

    /// Sections in the form's order; unknown keys and missing required ones are errors.
    fn sections(
        &mut self,
        form: &'static Form,
        sections: &Spanned<BTreeMap<String, Spanned<String>>>,
    ) -> Vec<Section> {
        for (key, body) in sections.get_ref() {
            if !form.sections.iter().any(|s| s.key == key) {
                self.push(
                    Diagnostic::new(
                        Code::E017,
                        format!("form \"{}\" has no section `{key}`", form.name),
                        Some(body.span()),
                    )
                    .with_label("this text would not be printed")
                    .with_help(format!("the form's sections are: {}", form.section_keys())),
                );
            }
        }
        let mut out = Vec::new();
        for spec in form.sections {
            let body = sections.get_ref().get(spec.key);
            let text = body
                .map(|b| b.get_ref().trim().to_owned())
                .unwrap_or_default();
            if text.is_empty() {
                if spec.required {
                    let span = body.map_or(sections.span(), |b| b.span());
                    self.push(
                        Diagnostic::new(
                            Code::E016,
                            format!("section `{}` (\"{}\") is missing or empty", spec.key, spec.heading),
                            Some(span),
                        )
                        .with_label(format!("form \"{}\" requires it", form.name))
                        .with_help(format!(
                            "add {} = \"\"\"…\"\"\" under [sections]; write \"Ingen bemærkninger.\" if there is nothing to say",
                            spec.key
                        )),
                    );
                }
                continue;
            }
            out.push(Section {
                heading: spec.heading.to_owned(),
                body: text,
            });
        }
        out
    }
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

/// Sum of a column's cells; blank if every cell is blank.
pub fn sum_column(cells: impl Iterator<Item = Option<Decimal>>) -> Option<Decimal> {
    cells
        .flatten()
        .fold(None, |acc, v| Some(acc.unwrap_or(Decimal::ZERO) + v))
}
