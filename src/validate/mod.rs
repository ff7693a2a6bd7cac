//! Schema rules and numeric cross-checks: model in, checked proposal and diagnostics out.
//!
//! Every rule runs; problems are collected, never first-error-only.

use rust_decimal::Decimal;
use toml::Spanned;

mod budget;
mod ledger;
mod request;
mod sections;
mod tables;

use crate::checked::{Cells, CheckedProposal, Places, TableKey};
use crate::diagnostic::{Code, Diagnostic};
use std::sync::Arc;

use crate::forms::{Form, Forms};
use crate::model::{Proposal, RawAmount, YearAmounts};
use crate::number::{AmountError, read_amount};

/// Validates a parsed proposal read from `source`; returns it checked only if no error was found.
pub fn validate(
    proposal: &Proposal,
    source: &str,
    forms: &Forms,
    profile: &crate::config::Profile,
) -> (Option<CheckedProposal>, Vec<Diagnostic>) {
    let mut v = Validator {
        diags: Vec::new(),
        broken_tables: Vec::new(),
        source,
    };
    let form = v.form(&proposal.form, forms);
    let title = v.text(&proposal.title, "title");
    let id = v.text(&proposal.id, "id");
    let proposer = match (&proposal.proposer, &profile.proposer) {
        (Some(proposer), _) => v.text(proposer, "proposer"),
        (None, Some(default)) => default.get_ref().trim().to_owned(),
        (None, None) => {
            v.push(
                Diagnostic::new(
                    Code::E003,
                    "missing required field `proposer`",
                    // Where serde puts a missing field of the top table: at its first key.
                    {
                        let at = proposal.id.span().start;
                        let line = source
                            .get(..at)
                            .and_then(|b| b.rfind('\n'))
                            .map_or(0, |i| i + 1);
                        Some(line..line)
                    },
                )
                .with_label("`proposer` is missing in this table")
                .with_help(
                    "add `proposer = \"…\"` (Forslagsstiller), or name a default proposer under \
                     [profile] in budgetnote.toml",
                ),
            );
            String::new()
        }
    };
    let committees = v.committees(&proposal.committees);
    let date = proposal.date.as_ref().and_then(|d| v.date(d));
    let budget = match (&proposal.budget, &form) {
        // A form that does not print the amounts table would drop it without a word.
        (Some(budget), Some(form)) if !form.needs_budget => {
            v.push(
                Diagnostic::new(
                    Code::E017,
                    format!(
                        "form \"{}\" does not print the amounts table `[budget]`",
                        form.name
                    ),
                    Some(budget.span()),
                )
                .with_label("would not be printed")
                .with_help(
                    "put the figures in a table under [tables] placed in a section, or use a form \
                     that prints [budget] (`budgetnote forms` shows which)",
                ),
            );
            None
        }
        (Some(budget), _) => v.table(budget),
        (None, Some(form)) if form.needs_budget => {
            v.push(
                Diagnostic::new(
                    Code::E003,
                    format!("form \"{}\" needs a `[budget]` table", form.name),
                    Some(proposal.form.span()),
                )
                .with_help(
                    "add [budget] with unit, prices, years and [[budget.lines]] (see the user guide, \"standard (budgetforslag)\")",
                ),
            );
            None
        }
        (None, _) => None,
    };
    let tables = v.tables(&proposal.tables);
    let request = proposal.request.as_ref().and_then(|r| v.request(r));
    let (sections, checkboxes) = match &form {
        Some(form) => {
            let sections = v.sections(form, &proposal.sections, &tables);
            let checkboxes = v.checkboxes(form, proposal.checkboxes.as_ref());
            (sections, checkboxes)
        }
        None => (Vec::new(), Vec::new()),
    };
    let agreement = proposal
        .agreement
        .as_ref()
        .and_then(|a| v.agreement(a, &tables));
    v.unplaced_tables(
        &proposal.tables,
        &proposal.sections,
        proposal.agreement.as_ref(),
    );
    let logo = proposal.logo.as_ref().and_then(|l| v.logo(l));
    let optional =
        |field: &Option<Spanned<String>>| field.as_ref().map(|f| f.get_ref().trim().to_owned());

    let mut written_ledgers: Vec<crate::checked::Ledger> = tables
        .values()
        .filter_map(|t| match t {
            crate::checked::Table::Ledger(l) => Some(l.as_ref().clone()),
            _ => None,
        })
        .collect();
    written_ledgers.sort_by_key(|l| l.source.span.start);
    let places = places(proposal, source);

    // A stated figure that disagrees (E014) leaves a complete proposal, so the checks that
    // compare tables still run and every problem is reported at once; the caller withholds its
    // PDF all the same.
    let has_errors = v.read_error_count() > 0;
    let budget_ok = budget.is_some() || proposal.budget.is_none();
    let checked = match form {
        Some(form) if !has_errors && budget_ok => Some(CheckedProposal {
            id,
            form,
            title,
            municipality: optional(&proposal.municipality)
                .or_else(|| optional(&profile.municipality)),
            footer: optional(&profile.footer),
            stamp: None,
            logo,
            committees,
            proposer,
            date,
            number: optional(&proposal.number),
            area: optional(&proposal.area),
            address: optional(&proposal.address),
            budget,
            checkboxes,
            sections,
            agreement,
            target_group: optional(&proposal.target_group),
            request,
            external_amounts: proposal
                .external_amounts
                .iter()
                .map(|a| a.get_ref().trim().to_owned())
                .collect(),
            written_ledgers,
            places,
        }),
        _ => None,
    };
    (checked, v.diags)
}

/// Where the proposal writes its form, sections, ticks and tables, for checks that point there.
fn places(proposal: &Proposal, source: &str) -> Places {
    let ticks = proposal
        .checkboxes
        .iter()
        .flat_map(|c| c.get_ref())
        .flat_map(|(group, ticks)| {
            ticks
                .get_ref()
                .iter()
                .map(move |t| (group.clone(), t.get_ref().trim().to_owned(), t.span()))
        })
        .collect();
    let mut tables: Vec<TableKey> = proposal
        .tables
        .iter()
        .map(|(id, t)| TableKey {
            id: id.clone(),
            kind: Spanned::new(
                t.get_ref().kind.span(),
                t.get_ref().kind.get_ref().trim().to_owned(),
            ),
            key: tables::key_span(source, t.span(), id),
        })
        .collect();
    tables.sort_by_key(|t| t.key.start);
    Places {
        form: proposal.form.span(),
        sections: proposal
            .sections
            .get_ref()
            .iter()
            .map(|(key, body)| (key.clone(), body.span()))
            .collect(),
        ticks,
        tables,
    }
}

/// Reads one amount as written in `source`, with the same diagnostics a table's amount gets
/// (E010 naming both readings of `2.800`, E011 for text that is no Danish number).
pub fn spanned_amount(raw: &Spanned<RawAmount>, source: &str) -> Result<Decimal, Vec<Diagnostic>> {
    let mut v = Validator {
        diags: Vec::new(),
        broken_tables: Vec::new(),
        source,
    };
    v.amount(raw).ok_or(v.diags)
}

/// The known units a misspelt unit may be a typo of: only those of the magnitude it names
/// ("1.000 kr" → "1.000 kr.", "mio kr" → "mio. kr."; "mia. kr." → none).
fn same_magnitude(written: &str) -> &'static [&'static str] {
    let folded = written.to_lowercase().replace([' ', '.', '\u{a0}'], "");
    if folded.starts_with("mio") {
        &["mio. kr."]
    } else if folded.starts_with("1000") || folded.starts_with("tkr") || folded.starts_with("t") {
        &["1.000 kr."]
    } else if folded == "kr" || folded == "kroner" {
        &["kr."]
    } else {
        &[]
    }
}

/// E013: an amount for a year the table does not have.
fn year_not_in_table(year: i64, span: std::ops::Range<usize>, years: &[i64]) -> Diagnostic {
    let listed: Vec<String> = years.iter().map(i64::to_string).collect();
    Diagnostic::new(
        Code::E013,
        format!("amount for {year}, a year the table does not have"),
        Some(span),
    )
    .with_label(format!("{year} is not in `years`"))
    .with_help(format!(
        "the table's years are {}; add {year} to `years` or remove this amount",
        listed.join(", ")
    ))
}

/// The years a proposal's `date` may be in: the workbook writer and the PDF's dates take these,
/// and a year outside them is a typo.
const DATE_YEARS: std::ops::RangeInclusive<u16> = 1900..=2100;

/// Whether an amount is written as a dash ("–", "-" or "—"): a blank cell, not a zero.
pub fn is_dash(raw: &RawAmount) -> bool {
    matches!(raw, RawAmount::Text(t) if matches!(t.trim(), "–" | "-" | "—"))
}

/// Collects diagnostics while checking one proposal.
struct Validator<'s> {
    /// Everything found so far.
    diags: Vec<Diagnostic>,
    /// Ids of tables that are defined but failed their own checks (already reported).
    broken_tables: Vec<String>,
    /// The proposal's text, for values as written (`2.800` rather than the float 2.8).
    source: &'s str,
}

impl Validator<'_> {
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

    /// How many errors were found so far that leave a figure unread: every error but a stated
    /// figure that disagrees with the computed one (E014), after which the figures still stand.
    fn read_error_count(&self) -> usize {
        self.diags
            .iter()
            .filter(|d| d.severity() == crate::diagnostic::Severity::Error && d.code != Code::E014)
            .count()
    }

    /// The logo: alt text is required (PDF/UA) and the image must be SVG, PNG or JPEG.
    fn logo(&mut self, logo: &Spanned<crate::model::Logo>) -> Option<crate::checked::Logo> {
        let spec = logo.get_ref();
        let alt = spec.alt.as_ref().map(|a| a.get_ref().trim().to_owned());
        let alt = match alt {
            Some(alt) if !alt.is_empty() => Some(alt),
            _ => {
                let span = spec.alt.as_ref().map_or(logo.span(), |a| a.span());
                self.push(
                    Diagnostic::new(Code::E035, "the logo has no alt text", Some(span))
                        .with_label("a screen reader cannot say what this image shows")
                        .with_help(
                            "add `alt = \"…Kommunes logo\"`; accessible PDFs (PDF/UA) need it",
                        ),
                );
                None
            }
        };
        let file = spec.file.get_ref().trim().to_owned();
        let extension = std::path::Path::new(&file)
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let supported = matches!(extension.as_deref(), Some("svg" | "png" | "jpg" | "jpeg"));
        if !supported {
            self.push(
                Diagnostic::new(
                    Code::E036,
                    format!("the logo \"{file}\" is not an SVG, PNG or JPEG file"),
                    Some(spec.file.span()),
                )
                .with_help("save the logo as .svg (best), .png or .jpg"),
            );
        }
        let alt = alt?;
        supported.then(|| crate::checked::Logo {
            file,
            alt,
            span: spec.file.span(),
        })
    }

    /// The form named by `form = "…"`.
    fn form(&mut self, name: &Spanned<String>, forms: &Forms) -> Option<Arc<Form>> {
        let form = forms.find(name.get_ref().trim());
        if form.is_none() {
            self.push(
                Diagnostic::new(
                    Code::E004,
                    format!("unknown form \"{}\"", name.get_ref()),
                    Some(name.span()),
                )
                .with_label("no form has this name")
                .with_help(format!(
                    "{}use one of: {}",
                    crate::parse::did_you_mean(
                        name.get_ref(),
                        forms.iter().map(|f| f.name.as_str())
                    ),
                    forms.names()
                )),
            );
        }
        form
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
            // A dash is a blank cell, as the published table prints it.
            let value = if is_dash(raw.get_ref()) {
                None
            } else {
                self.amount(raw)
            };
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
                None => self.push(year_not_in_table(year, raw.span(), years)),
            }
        }
        cells
    }

    /// One amount as an exact decimal, or a diagnostic.
    fn amount(&mut self, raw: &Spanned<RawAmount>) -> Option<Decimal> {
        match read_amount(raw.get_ref()) {
            Ok(value) => Some(value),
            Err(AmountError::Float(_)) => {
                let written = self.source.get(raw.span()).unwrap_or("").trim();
                let value = match raw.get_ref() {
                    RawAmount::Float(f) => *f,
                    _ => f64::NAN,
                };
                let ambiguous = crate::number::thousands_or_decimal(written).is_some();
                let (message, label) = if ambiguous {
                    (
                        format!("amount {written} is ambiguous: TOML reads it as a decimal number"),
                        "a Danish thousands dot, or a decimal point?",
                    )
                } else {
                    (
                        "amount written as a decimal number".to_owned(),
                        "a TOML float is not exact",
                    )
                };
                self.push(
                    Diagnostic::new(Code::E010, message, Some(raw.span()))
                        .with_label(label)
                        .with_help(crate::number::float_help(written, value)),
                );
                None
            }
            Err(AmountError::TooLarge(value)) => {
                self.push(
                    Diagnostic::new(
                        Code::E011,
                        format!("{} is too large for an amount", crate::number::format_amount(value, None)),
                        Some(raw.span()),
                    )
                    .with_label("more than a million million")
                    .with_help("check for extra digits; amounts are in the table's unit (1.000 kr. or mio. kr.)"),
                );
                None
            }
            Err(AmountError::Text(text)) => {
                if let Some(m) = crate::number::misread(&text, true) {
                    self.push(
                        Diagnostic::new(
                            Code::E011,
                            format!("\"{text}\" is not an amount: {}", m.problem),
                            Some(raw.span()),
                        )
                        .with_label("cannot read this as a Danish number")
                        .with_help(m.help),
                    );
                    return None;
                }
                let comma = text.replace('.', ",");
                if !text.contains(',')
                    && text.matches('.').count() == 1
                    && crate::number::parse_danish(&comma).is_some()
                {
                    self.push(
                        Diagnostic::new(
                            Code::E011,
                            format!("\"{text}\" is not an amount: `.` groups thousands in Danish"),
                            Some(raw.span()),
                        )
                        .with_label("a dot not followed by three digits")
                        .with_help(format!(
                            "write \"{comma}\" with a decimal comma (a dot only stands between groups of three digits, as in \"-2.800\")"
                        )),
                    );
                    return None;
                }
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

    /// A unit of amounts ("1.000 kr." or "mio. kr."); E002 for any other.
    fn unit(&mut self, value: &Spanned<String>) -> Option<crate::checked::Unit> {
        let unit = crate::checked::Unit::from_key(value.get_ref());
        if unit.is_none() {
            self.push(
                Diagnostic::new(
                    Code::E002,
                    format!("unknown unit \"{}\"", value.get_ref()),
                    Some(value.span()),
                )
                // "Did you mean" only within the same magnitude: "mia. kr." is not a typo of
                // "mio. kr.", and guessing it would print figures 1000 times off.
                .with_help(format!(
                    "{}use \"kr.\", \"1.000 kr.\" or \"mio. kr.\", whichever the figures are written in",
                    crate::parse::did_you_mean(
                        value.get_ref(),
                        same_magnitude(value.get_ref()).iter().copied()
                    )
                )),
            );
        }
        unit
    }

    /// An expense type ("service", "overførsel", …); E002 for any other.
    fn expense(&mut self, value: &Spanned<String>) -> Option<crate::checked::ExpenseType> {
        let expense = crate::checked::ExpenseType::from_key(value.get_ref());
        if expense.is_none() {
            self.push(
                Diagnostic::new(
                    Code::E002,
                    format!("unknown expense type \"{}\"", value.get_ref()),
                    Some(value.span()),
                )
                .with_help(format!(
                    "{}use one of: {}",
                    crate::parse::did_you_mean(
                        value.get_ref(),
                        crate::parse::listed(crate::checked::ExpenseType::KEYS)
                    ),
                    crate::checked::ExpenseType::KEYS
                )),
            );
        }
        expense
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
            Some(d) if !DATE_YEARS.contains(&d.year) => {
                self.push(
                    Diagnostic::new(
                        Code::E002,
                        format!(
                            "`date` is in the year {}, but must be in {} to {}",
                            d.year,
                            DATE_YEARS.start(),
                            DATE_YEARS.end()
                        ),
                        Some(value.span()),
                    )
                    .with_label("outside the years a proposal can be dated")
                    .with_help(
                        "write the date of the proposal or meeting, e.g. date = 2025-06-12; \
                         spreadsheets and PDFs cannot date a year this far off, which is most \
                         likely a typo",
                    ),
                );
                None
            }
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
}

#[cfg(test)]
mod tests {
    use super::*;

    // A misspelt unit is only ever matched to a unit of the magnitude it names, never one
    // 1000 times larger or smaller.
    #[test]
    fn unit_suggestions_keep_the_magnitude() {
        assert_eq!(same_magnitude("1.000 kr"), &["1.000 kr."]);
        assert_eq!(same_magnitude("Mio kr"), &["mio. kr."]);
        assert!(same_magnitude("mia. kr.").is_empty());
        assert_eq!(same_magnitude("kr"), &["kr."]);
        assert!(same_magnitude("mia kr").is_empty());
    }
}
