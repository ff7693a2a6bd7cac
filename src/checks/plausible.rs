//! Plausibility where nothing is stated: a figure ten or a thousand times the other figures of
//! its row, a ledger's or a standard form's `[budget]` line (W032, a digit too many or a figure
//! in another unit), and a table whose unit makes
//! its total a thousand times the amount the text gives for it, or a thousandth (W033, kroner
//! typed into a table of 1.000 kr., or millions into one of 1.000 kr.). Both are warnings at
//! the figure or at the table's `unit`: a row may really jump (a one-off investment), so
//! `[acknowledged]` says why.

use std::ops::Range;

use rust_decimal::Decimal;

use super::Context;
use super::prose::{Prose, amounts_in, figures};
use crate::checked::{CheckedProposal, Ledger};
use crate::diagnostic::{Code, Diagnostic};
use crate::number::format_amount;
use crate::source::SourceView;
use toml::de::DeValue;

/// How many times its neighbours a figure must be to look like a slip (ten times, allowing
/// for neighbours that differ a little).
const SLIP: i64 = 9;

/// How far apart the other figures of a row may be and still count as alike.
const ALIKE: i64 = 2;

/// W032 and W033 for a checked proposal.
pub fn check(cx: &Context<'_>) -> Vec<Diagnostic> {
    let Some(p) = cx.proposal else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for ledger in &p.written_ledgers {
        found.extend(outliers(ledger));
    }
    found.extend(budget_outliers(cx.view, p));
    found.extend(unit_slips(cx.view.text, cx.prose, p));
    found
}

/// W032 for each year figure of a ledger's row that is ten times (or more) all the row's other
/// figures (see [`row_outliers`]).
fn outliers(ledger: &Ledger) -> Vec<Diagnostic> {
    let years = ledger.year_columns();
    let mut found = Vec::new();
    for row in ledger.rows() {
        let figures: Vec<(i64, Decimal, Range<usize>)> = years
            .iter()
            .filter_map(|(i, year)| {
                let value = row.cells.get(*i).copied().flatten()?;
                let origin = row.origins.get(*i)?.as_ref()?;
                Some((*year, value, origin.span()))
            })
            .collect();
        found.extend(row_outliers(
            &figures,
            row.name.get_ref(),
            ledger.decimals,
            ledger.unit.label(),
        ));
    }
    found
}

/// W032 for each year figure of a `[budget]` line (standard form) that is ten times (or more)
/// all the line's other figures, at the figure; the years the line declares as one-offs
/// (`one_off_years`) are left out, since they jump on purpose.
fn budget_outliers(view: &SourceView<'_>, p: &CheckedProposal) -> Vec<Diagnostic> {
    let Some(budget) = &p.budget else {
        return Vec::new();
    };
    let written = written_lines(view);
    if written.len() != budget.lines.len() {
        // A line the checked table left out would pair figures with the wrong spans.
        return Vec::new();
    }
    let mut found = Vec::new();
    for (line, (span, cells, one_off)) in budget.lines.iter().zip(&written) {
        let figures: Vec<(i64, Decimal, Range<usize>)> = budget
            .years
            .iter()
            .zip(&line.cells)
            .filter(|(year, _)| !one_off.contains(year))
            .filter_map(|(year, value)| {
                let at = cells
                    .iter()
                    .find(|(y, _)| y == year)
                    .map_or_else(|| span.clone(), |(_, at)| at.clone());
                value.map(|v| (*year, v, at))
            })
            .collect();
        found.extend(row_outliers(
            &figures,
            &line.label,
            None,
            budget.unit.label(),
        ));
    }
    found
}

/// Each `[[budget.lines]]` as written: its span, the span of each year's amount, and its
/// `one_off_years`.
type WrittenLine = (Range<usize>, Vec<(i64, Range<usize>)>, Vec<i64>);

/// The `[[budget.lines]]` of the file, in order (see [`WrittenLine`]).
fn written_lines(view: &SourceView<'_>) -> Vec<WrittenLine> {
    let lines = view
        .table()
        .and_then(|t| t.get("budget"))
        .and_then(|b| match b.get_ref() {
            DeValue::Table(b) => b.get("lines"),
            _ => None,
        });
    let Some(DeValue::Array(lines)) = lines.map(|l| l.get_ref()) else {
        return Vec::new();
    };
    lines
        .iter()
        .map(|line| {
            let DeValue::Table(table) = line.get_ref() else {
                return (line.span(), Vec::new(), Vec::new());
            };
            let cells = match table.get("amounts").map(|a| a.get_ref()) {
                Some(DeValue::Table(amounts)) => amounts
                    .iter()
                    .filter_map(|(k, v)| Some((k.get_ref().trim().parse().ok()?, v.span())))
                    .collect(),
                _ => Vec::new(),
            };
            let one_off = match table.get("one_off_years").map(|a| a.get_ref()) {
                Some(DeValue::Array(years)) => years
                    .iter()
                    .filter_map(|y| match y.get_ref() {
                        DeValue::Integer(i) => i.as_str().parse().ok(),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            (line.span(), cells, one_off)
        })
        .collect()
}

/// W032 for each of a row's year figures (year, value, span) that is ten times (or more) all
/// the row's other non-zero figures, which are alike (within a factor of two), of one sign and
/// at least two.
fn row_outliers(
    figures: &[(i64, Decimal, Range<usize>)],
    name: &str,
    decimals: Option<u32>,
    unit: &str,
) -> Vec<Diagnostic> {
    let figures: Vec<&(i64, Decimal, Range<usize>)> =
        figures.iter().filter(|(_, v, _)| !v.is_zero()).collect();
    let mut found = Vec::new();
    if figures.len() < 3 {
        return found;
    }
    for (k, (year, value, span)) in figures.iter().map(|f| (f.0, f.1, &f.2)).enumerate() {
        let others: Vec<Decimal> = figures
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != k)
            .map(|(_, (_, v, _))| v.abs())
            .collect();
        let (Some(low), Some(high)) = (others.iter().min(), others.iter().max()) else {
            continue;
        };
        let same_sign = figures
            .iter()
            .all(|(_, v, _)| v.is_sign_negative() == value.is_sign_negative());
        if !same_sign || *high > *low * Decimal::from(ALIKE) {
            continue;
        }
        if value.abs() < *high * Decimal::from(SLIP) {
            continue;
        }
        let times = value
            .abs()
            .checked_div(*high)
            .map_or_else(String::new, |t| {
                format_amount(crate::number::round(t, 0), Some(0))
            });
        let neighbours = if low == high {
            format_amount(*low, decimals)
        } else {
            format!(
                "{} to {}",
                format_amount(*low, decimals),
                format_amount(*high, decimals)
            )
        };
        found.push(
            Diagnostic::new(
                Code::W032,
                format!(
                    "the figure {} for {year} of \"{name}\" is {times} times the row's other figures ({neighbours}, as sizes)",
                    format_amount(value, decimals),
                ),
                Some(span.clone()),
            )
            .with_label("a digit too many, or another unit?")
            .with_help(format!(
                "check the figure against the source: a slip of a digit or of the unit ({unit}) makes a figure ten or a thousand times its neighbours; if the year really differs (a one-off), acknowledge W032 with the reason",
            )),
        );
    }
    found
}

/// W033 for a table whose total, a thousand times larger or smaller, is an amount of the text
/// that no figure of the proposal matches as it stands.
fn unit_slips(source: &str, strings: &[Prose], p: &CheckedProposal) -> Vec<Diagnostic> {
    let all = figures(p);
    let thousand = Decimal::from(1000);
    let mut found = Vec::new();
    for ledger in &p.written_ledgers {
        if ledger.total_label.is_none() {
            continue;
        }
        // The total row's figures and its sum over the years, which the text may name.
        let mut in_unit: Vec<Decimal> = ledger
            .columns
            .iter()
            .zip(&ledger.totals)
            .filter(|(c, _)| !c.is_percent())
            .filter_map(|(_, v)| *v)
            .collect();
        let years = ledger.year_totals();
        if years.len() > 1 {
            in_unit.push(years.iter().map(|(_, v)| *v).sum());
        }
        let totals: Vec<Decimal> = in_unit
            .into_iter()
            .filter(|v| !v.is_zero())
            .filter_map(|v| v.abs().checked_mul(ledger.unit.kroner()))
            .collect();
        'prose: for prose in strings {
            for amount in amounts_in(&prose.text) {
                if all.iter().any(|f| amount.matches(f.abs())) {
                    continue;
                }
                let slip = totals.iter().find_map(|t| {
                    if amount.matches(*t / thousand) {
                        Some((*t, "a thousand times"))
                    } else if t.checked_mul(thousand).is_some_and(|k| amount.matches(k)) {
                        Some((*t, "a thousandth of"))
                    } else {
                        None
                    }
                });
                let Some((total, how)) = slip else {
                    continue;
                };
                let in_unit = total.checked_div(ledger.unit.kroner()).unwrap_or(total);
                found.push(
                    Diagnostic::new(
                        Code::W033,
                        format!(
                            "the total of table `{}` is {} ({}), {how} the {} the text gives for it",
                            ledger.id,
                            format_amount(in_unit, ledger.decimals),
                            ledger.unit.label(),
                            amount.text
                        ),
                        Some(unit_span(source, ledger)),
                    )
                    .with_label("is this the unit the figures are in?")
                    .with_help(
                        "write the figures in the table's unit (kroner typed into a table of \
                         1.000 kr. are a thousand times too large), or correct the unit or the \
                         text; acknowledge W033 with the reason if both are right",
                    ),
                );
                break 'prose;
            }
        }
    }
    found
}

/// The span of the ledger's `unit = …` line, else of its id.
fn unit_span(source: &str, ledger: &Ledger) -> Range<usize> {
    let start = ledger.source.key.start;
    let Some(rest) = source.get(start..) else {
        return ledger.source.key.clone();
    };
    let mut offset = start;
    for (n, line) in rest.split_inclusive('\n').enumerate() {
        let trimmed = line.trim_start();
        if n > 0 && trimmed.starts_with('[') {
            break;
        }
        if let Some(after) = trimmed.strip_prefix("unit")
            && after.trim_start().starts_with('=')
        {
            let at = offset + (line.len() - trimmed.len());
            return at..offset + line.trim_end().len();
        }
        offset += line.len();
    }
    ledger.source.key.clone()
}
