//! An amount the text binds to a year ("2,5 mio. kr. i 2026", "fra 2027 1,1 mio. kr.", "i 2027
//! og frem") against that year's figures (E120), and an amount bound to a year after every year
//! the tables have (W044: it cannot be placed).
//!
//! The rule: the amount matches when a row of the tables (a budget line, a net, the net change,
//! the current budget, a ledger row or total, the agreement, the request) holds it in that year,
//! unsigned and rounded as `Written::matches` says. When it does not, a row holding it in another
//! year names the wrong year; a figure a thousand times it is a slip of unit (E123); else the
//! nearest figure of the year is named. A sentence of another time (the past, another plan) and
//! a year before the tables' first are left to W003, which compares with every figure.

use std::collections::BTreeSet;
use std::ops::Range;

use rust_decimal::Decimal;

use crate::checked::CheckedProposal;
use crate::checks::annual::{self, Series};
use crate::checks::prose::bound::{Bound, bound};
use crate::checks::prose::{Prose, Written, amounts_in, slip};
use crate::checks::years;
use crate::diagnostic::{Code, Diagnostic};
use crate::number::format_amount;

/// What the amounts of a proposal are compared with, year by year.
pub struct Yearly {
    /// Every row per year, as `annual` reads them, and the request as a row of its own year.
    series: Vec<Series>,
    /// Every year a row has.
    years: BTreeSet<i64>,
    /// The first year of the budget, for telling the proposal's own time from another.
    budget_first: Option<i64>,
    /// Amounts named as coming from outside the proposal, in kroner.
    external: Vec<Decimal>,
}

impl Yearly {
    /// The rows of `p`.
    pub fn of(p: &CheckedProposal) -> Self {
        let mut series = annual::series(p);
        if let Some(r) = &p.request {
            let figures = std::iter::once(r.total)
                .chain(r.parts.iter().map(|(_, v)| *v))
                .chain(r.alternative);
            for figure in figures {
                series.push(Series {
                    name: "the request".to_owned(),
                    unit: r.unit,
                    years: vec![(r.year, Some(figure))],
                });
            }
        }
        let years = series
            .iter()
            .flat_map(|s| s.years.iter().map(|(y, _)| *y))
            .collect();
        let external = p
            .external_amounts
            .iter()
            .flat_map(|a| amounts_in(a))
            .map(|w| w.kroner)
            .collect();
        Self {
            series,
            years,
            budget_first: p.budget.as_ref().and_then(|b| b.years.first().copied()),
            external,
        }
    }

    /// The year `amount` of `text` is bound to, when this check compares it (W003 then leaves
    /// it alone): a year the tables have, or one after all of them.
    pub fn placed(&self, text: &str, amount: &Written) -> Option<i64> {
        let year = match bound(text, amount) {
            Bound::In(y) | Bound::From(y) => y,
            Bound::None | Bound::Every => return None,
        };
        let sentence = &text[years::sentence(text, amount.range.clone())];
        if years::other_time(sentence, self.budget_first) {
            return None;
        }
        let last = self.years.last()?;
        (self.years.contains(&year) || year > *last).then_some(year)
    }

    /// Each row's figure in `year`, in kroner, unsigned, with the row's name.
    fn figures_of(&self, year: i64) -> Vec<(&str, Decimal)> {
        self.series
            .iter()
            .flat_map(|s| {
                s.years
                    .iter()
                    .filter(move |(y, _)| *y == year)
                    .filter_map(move |(_, v)| {
                        v.map(|v| (s.name.as_str(), (v * s.unit.kroner()).abs()))
                    })
            })
            .collect()
    }
}

/// E120, E123 and W044 for every amount the prose binds to a year.
pub fn check(source: &str, strings: &[Prose], p: &CheckedProposal) -> Vec<Diagnostic> {
    let yearly = Yearly::of(p);
    if yearly.years.is_empty() {
        return Vec::new();
    }
    let mut found = Vec::new();
    for prose in strings {
        let mut cursor = prose.cursor();
        for amount in amounts_in(&prose.text) {
            let at = cursor.locate(source, &prose.text[amount.range.clone()]);
            if let Some(year) = yearly.placed(&prose.text, &amount) {
                found.extend(compare(&amount, year, &yearly, at));
            }
        }
    }
    found
}

/// The error (or W044) for `amount` bound to `year`, or `None` when a row holds it that year.
fn compare(amount: &Written, year: i64, yearly: &Yearly, at: Range<usize>) -> Option<Diagnostic> {
    if yearly.external.iter().any(|e| amount.matches(*e)) {
        return None;
    }
    let last = yearly.years.last().copied()?;
    if year > last {
        let first = yearly.years.first().copied().unwrap_or(last);
        return Some(
            Diagnostic::new(
                Code::W044,
                format!(
                    "the text gives {} for {year}, a year no table of the proposal has",
                    amount.text
                ),
                Some(at),
            )
            .with_label(format!("no figure of {year}"))
            .with_help(format!(
                "the tables cover {first}-{last}; correct the year, add the year to the table, or \
                 list the amount in `external_amounts` if it is a figure from outside this proposal"
            )),
        );
    }
    let of_year = yearly.figures_of(year);
    if of_year.iter().any(|(_, v)| amount.matches(*v)) {
        return None;
    }
    if let Some((figure, bigger)) = slip::thousandfold(amount, of_year.iter().map(|(_, v)| *v)) {
        return Some(slip::diagnostic(amount, figure, bigger, at));
    }
    let shown = |v: Decimal| {
        format!(
            "{} {}",
            format_amount((v / amount.scale).normalize(), None),
            amount.unit
        )
    };
    let other = yearly.years.iter().filter(|y| **y != year).find_map(|y| {
        yearly
            .figures_of(*y)
            .into_iter()
            .find(|(_, v)| amount.matches(*v))
            .map(|(name, _)| (*y, name.to_owned()))
    });
    let nearest = of_year
        .iter()
        .min_by_key(|(_, v)| (*v - amount.kroner).abs())
        .map(|(name, v)| format!("the nearest figure of {year} is {} ({name})", shown(*v)));
    let (message, label, help) = match other {
        Some((other_year, name)) => (
            format!(
                "the text gives {} for {year}, but that is the figure of {other_year} ({name})",
                amount.text
            ),
            format!("the figure of {other_year}"),
            format!(
                "{}; correct the year to {other_year}, or correct the amount; if the text is \
                 right, acknowledge E120 with a reason",
                nearest.unwrap_or_else(|| format!("no row has a figure in {year}"))
            ),
        ),
        None => (
            format!(
                "the text gives {} for {year}, but no figure of {year} rounds to it",
                amount.text
            ),
            format!("not a figure of {year}"),
            format!(
                "{}; correct the text or the table; if the text is right, acknowledge E120 \
                 with a reason",
                nearest.unwrap_or_else(|| format!("no row has a figure in {year}"))
            ),
        ),
    };
    Some(
        Diagnostic::new(Code::E120, message, Some(at))
            .with_label(label)
            .with_help(help),
    )
}
