//! Plausibility where nothing is stated: a figure ten or a thousand times the other figures of
//! its row (W032, a digit too many or a figure in another unit), and a table whose unit makes
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
    found.extend(unit_slips(cx.view.text, cx.prose, p));
    found
}

/// W032 for each year figure of a row that is ten times (or more) all the row's other figures,
/// which are alike (within a factor of two) and at least two.
fn outliers(ledger: &Ledger) -> Vec<Diagnostic> {
    let years = ledger.year_columns();
    let mut found = Vec::new();
    for row in ledger.rows() {
        let figures: Vec<(i64, Decimal, Range<usize>)> = years
            .iter()
            .filter_map(|(i, year)| {
                let value = row.cells.get(*i).copied().flatten()?;
                let origin = row.origins.get(*i)?.as_ref()?;
                (!value.is_zero()).then(|| (*year, value, origin.span()))
            })
            .collect();
        if figures.len() < 3 {
            continue;
        }
        for (k, (year, value, span)) in figures.iter().enumerate() {
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
                format_amount(*low, ledger.decimals)
            } else {
                format!(
                    "{} to {}",
                    format_amount(*low, ledger.decimals),
                    format_amount(*high, ledger.decimals)
                )
            };
            found.push(
                Diagnostic::new(
                    Code::W032,
                    format!(
                        "the figure {} for {year} of \"{}\" is {times} times the row's other figures ({neighbours}, as sizes)",
                        format_amount(*value, ledger.decimals),
                        row.name.get_ref()
                    ),
                    Some(span.clone()),
                )
                .with_label("a digit too many, or another unit?")
                .with_help(format!(
                    "check the figure against the source: a slip of a digit or of the unit ({}) makes a figure ten or a thousand times its neighbours; if the year really differs (a one-off), acknowledge W032 with the reason",
                    ledger.unit.label()
                )),
            );
        }
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
