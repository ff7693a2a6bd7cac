//! An amount the text binds to a year ("2,5 mio. kr. i 2026", "fra 2027 1,1 mio. kr.", "i 2027
//! og frem"), to each year of a span ("i 2026 og 2027", "i 2026-2028") or to a span's sum ("i
//! alt 5 mio. kr. i 2026-2027") against those years' figures (E120), and an amount bound to a
//! year after every year the tables have (W044: it cannot be placed).
//!
//! The rule: the amount matches when a row of the tables (a budget line, a net, the net change,
//! the current budget, a ledger row or total, the agreement, the request) holds it in that year,
//! unsigned and rounded as `Written::matches` says. Where the words since the amount before it
//! name a row (the words of its label, "investeringen i et nyt sagssystem er 1,8 mio. kr."), that
//! row's figure is compared first: another row's figure is then a mismatch, while a total, a net
//! or the current budget still matches (the sentence may name the row and give the net). When
//! no figure matches, a row holding it in another year names the wrong year; a figure a thousand
//! times it is a slip of unit (E123); else the nearest figure of the year is named. An amount
//! given each year of a span must match in every one of them (or be a row's sum over them, as
//! "5 mio. kr. i 2026 og 2027" is often meant); one given in all, a row's sum over the span. A
//! sentence of another time (the past, another plan) and a year before the tables' first are
//! left to W003, which compares with every figure.

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

/// Words of a label too common to name a row.
const COMMON: &[&str] = &[
    "heraf",
    "samt",
    "øvrige",
    "andre",
    "andet",
    "total",
    "samlet",
    "udgifter",
    "indtægter",
];

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
                    label: None,
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

    /// How `amount` of `text` is bound to years, when this check compares it (W003 then leaves
    /// it alone): every year it names is one the tables have, or after all of them.
    pub fn placed(&self, text: &str, amount: &Written) -> Option<Bound> {
        let found = bound(text, amount);
        let (first, last) = span_of(found)?;
        let sentence = &text[years::sentence(text, amount.range.clone())];
        if years::other_time(sentence, self.budget_first) {
            return None;
        }
        let end = self.years.last()?;
        (first..=last)
            .all(|y| self.years.contains(&y) || y > *end)
            .then_some(found)
    }

    /// Each row's figure in `year`, in kroner, unsigned, with the row.
    fn figures_of(&self, year: i64) -> Vec<(&Series, Decimal)> {
        self.series
            .iter()
            .flat_map(|s| {
                s.years
                    .iter()
                    .filter(move |(y, _)| *y == year)
                    .filter_map(move |(_, v)| v.map(|v| (s, (v * s.unit.kroner()).abs())))
            })
            .collect()
    }

    /// Each row's sum over the years `first..=last`, in kroner, unsigned, with the row (a row
    /// blank in all of them has none).
    fn sums_of(&self, first: i64, last: i64) -> Vec<(&Series, Decimal)> {
        self.series
            .iter()
            .filter_map(|s| {
                let cells: Vec<Decimal> = s
                    .years
                    .iter()
                    .filter(|(y, _)| (first..=last).contains(y))
                    .filter_map(|(_, v)| *v)
                    .collect();
                if cells.is_empty() {
                    return None;
                }
                let sum: Decimal = cells.iter().sum();
                Some((s, (sum * s.unit.kroner()).abs()))
            })
            .collect()
    }

    /// The rows the words in `window` name by their labels: those with the most label words
    /// there, the nearest first; `None` when no label word is there, or when rows of different
    /// labels name it equally.
    fn named(&self, window: &str) -> Option<Vec<&Series>> {
        let said: Vec<(usize, String)> = words(window).into_iter().enumerate().collect();
        let mut scored: Vec<(&Series, usize, usize)> = Vec::new();
        for s in &self.series {
            let Some(label) = &s.label else { continue };
            let mut count = 0;
            let mut nearest = 0;
            for word in words(label) {
                if let Some((at, _)) = said.iter().rev().find(|(_, w)| same_word(w, &word)) {
                    count += 1;
                    nearest = nearest.max(*at + 1);
                }
            }
            if count > 0 {
                scored.push((s, count, nearest));
            }
        }
        let best = scored.iter().map(|(_, c, n)| (*c, *n)).max()?;
        let winners: Vec<&Series> = scored
            .iter()
            .filter(|(_, c, n)| (*c, *n) == best)
            .map(|(s, _, _)| *s)
            .collect();
        let first = winners.first()?.label.as_deref()?.trim().to_lowercase();
        winners
            .iter()
            .all(|s| {
                s.label
                    .as_deref()
                    .is_some_and(|l| l.trim().to_lowercase() == first)
            })
            .then_some(winners)
    }
}

/// The first and last year of a binding this check compares.
fn span_of(found: Bound) -> Option<(i64, i64)> {
    match found {
        Bound::In(y) | Bound::From(y) => Some((y, y)),
        Bound::Each(a, b) | Bound::Total(a, b) => Some((a, b)),
        Bound::None | Bound::Every => None,
    }
}

/// The words of a text that may name a row: four letters or more, in small letters, without
/// the common ones.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().count() >= 4)
        .map(str::to_lowercase)
        .filter(|w| !COMMON.contains(&w.as_str()))
        .collect()
}

/// Whether two words are one, perhaps with an ending ("investering", "investeringen").
fn same_word(a: &str, b: &str) -> bool {
    let (short, long) = if a.chars().count() <= b.chars().count() {
        (a, b)
    } else {
        (b, a)
    };
    long.starts_with(short) && long.chars().count() - short.chars().count() <= 4
}

/// The words after the last "og", "samt", "mens", "men" or comma of `window`; none when it has
/// none of them, since the words then describe the amount before.
fn own_part(window: &str) -> &str {
    let lower = window.to_lowercase();
    let cut = [",", ";", " og ", " samt ", " mens ", " men "]
        .iter()
        .filter_map(|m| lower.rfind(m).map(|i| i + m.len()))
        .max();
    cut.and_then(|i| window.get(i..)).unwrap_or("")
}

/// E120, E123 and W044 for every amount the prose binds to a year or a span of years.
pub fn check(source: &str, strings: &[Prose], p: &CheckedProposal) -> Vec<Diagnostic> {
    let yearly = Yearly::of(p);
    if yearly.years.is_empty() {
        return Vec::new();
    }
    let mut found = Vec::new();
    for prose in strings {
        let mut cursor = prose.cursor();
        let mut previous_end = 0;
        for amount in amounts_in(&prose.text) {
            let at = cursor.locate(source, &prose.text[amount.range.clone()]);
            let sentence = years::sentence(&prose.text, amount.range.clone()).start;
            let window = prose
                .text
                .get(sentence.max(previous_end)..amount.range.start)
                .unwrap_or("");
            // After an amount of the same sentence, its own words run to the next "og", "samt"
            // or comma ("10 mio. kr. i besparelse og -1,8 mio. kr.").
            let window = if previous_end > sentence {
                own_part(window)
            } else {
                window
            };
            previous_end = amount.end;
            if let Some(placed) = yearly.placed(&prose.text, &amount) {
                found.extend(compare(&amount, placed, &yearly, window, at));
            }
        }
    }
    found
}

/// The diagnostic for `amount` bound as `placed`, or `None` when the figures agree; `window`
/// is the text since the amount before it, which may name its row.
fn compare(
    amount: &Written,
    placed: Bound,
    yearly: &Yearly,
    window: &str,
    at: Range<usize>,
) -> Option<Diagnostic> {
    if yearly.external.iter().any(|e| amount.matches(*e)) {
        return None;
    }
    let (first, last) = span_of(placed)?;
    let end = yearly.years.last().copied()?;
    if let Some(beyond) = (first..=last).find(|y| *y > end) {
        return Some(beyond_tables(amount, beyond, yearly, at));
    }
    let named = yearly.named(window);
    match placed {
        Bound::Total(a, b) => in_all(amount, a, b, yearly, named.as_deref(), at),
        Bound::Each(a, b) => {
            // "5 mio. kr. i 2026 og 2027" is often their sum: a row's sum matches too.
            let summed = yearly.sums_of(a, b).iter().any(|(_, v)| amount.matches(*v));
            if summed {
                return None;
            }
            (a..=b).find_map(|y| {
                let when = format!("{y} (each year of {a}-{b})");
                in_year(amount, y, &when, yearly, named.as_deref(), at.clone())
            })
        }
        _ => in_year(
            amount,
            first,
            &first.to_string(),
            yearly,
            named.as_deref(),
            at,
        ),
    }
}

/// W044 for an amount bound to `year`, after every year of the tables.
fn beyond_tables(amount: &Written, year: i64, yearly: &Yearly, at: Range<usize>) -> Diagnostic {
    let last = yearly.years.last().copied().unwrap_or(year);
    let first = yearly.years.first().copied().unwrap_or(last);
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
    ))
}

/// A figure in the amount's unit, e.g. "1,8 mio. kr.".
fn shown(amount: &Written, v: Decimal) -> String {
    format!(
        "{} {}",
        format_amount((v / amount.scale).normalize(), None),
        amount.unit
    )
}

/// The row's label as messages print it.
fn label_of(s: &Series) -> String {
    s.label
        .as_deref()
        .map_or_else(|| s.name.clone(), |l| format!("\"{l}\""))
}

/// The diagnostic for `amount` bound to `year` (described as `when`), or `None` when a row
/// holds it that year (the named row, or a total, when the words name one).
fn in_year(
    amount: &Written,
    year: i64,
    when: &str,
    yearly: &Yearly,
    named: Option<&[&Series]>,
    at: Range<usize>,
) -> Option<Diagnostic> {
    let of_year = yearly.figures_of(year);
    let own: Vec<Decimal> = of_year
        .iter()
        .filter(|(s, _)| named.is_some_and(|n| n.iter().any(|r| std::ptr::eq(*r, *s))))
        .map(|(_, v)| *v)
        .collect();
    if let (Some(rows), false) = (named, own.is_empty()) {
        if own.iter().any(|v| amount.matches(*v)) {
            return None;
        }
        // A total or net of the year: the sentence names the row and gives the net.
        if of_year
            .iter()
            .any(|(s, v)| s.label.is_none() && amount.matches(*v))
        {
            return None;
        }
        if let Some((figure, bigger)) = slip::thousandfold(amount, own.iter().copied()) {
            return Some(slip::diagnostic(amount, figure, bigger, at));
        }
        let row = rows.first().map_or_else(String::new, |s| label_of(s));
        let figure = own.first().copied().unwrap_or_default();
        let whose = of_year
            .iter()
            .find(|(s, v)| s.label.is_some() && amount.matches(*v))
            .map(|(s, _)| format!(", the figure of {} that year", label_of(s)));
        return Some(
            Diagnostic::new(
                Code::E120,
                format!(
                    "the text gives {} for {when} of {row}, but that row's figure of {year} is {}",
                    amount.text,
                    shown(amount, figure)
                ),
                Some(at),
            )
            .with_label(format!("{row} is {}", shown(amount, figure)))
            .with_help(format!(
                "the sentence names the row {row}{}; correct the amount or the row named; if \
                 the text is right, acknowledge E120 with a reason",
                whose.map_or_else(String::new, |w| format!(" and gives {}{w}", amount.text))
            )),
        );
    }
    if of_year.iter().any(|(_, v)| amount.matches(*v)) {
        return None;
    }
    if let Some((figure, bigger)) = slip::thousandfold(amount, of_year.iter().map(|(_, v)| *v)) {
        return Some(slip::diagnostic(amount, figure, bigger, at));
    }
    let other = yearly.years.iter().filter(|y| **y != year).find_map(|y| {
        yearly
            .figures_of(*y)
            .into_iter()
            .find(|(_, v)| amount.matches(*v))
            .map(|(s, _)| (*y, s.name.clone()))
    });
    let nearest = of_year
        .iter()
        .min_by_key(|(_, v)| (*v - amount.kroner).abs())
        .map(|(s, v)| {
            format!(
                "the nearest figure of {year} is {} ({})",
                shown(amount, *v),
                s.name
            )
        });
    let (message, label, help) = match other {
        Some((other_year, name)) => (
            format!(
                "the text gives {} for {when}, but that is the figure of {other_year} ({name})",
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
                "the text gives {} for {when}, but no figure of {year} rounds to it",
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

/// The diagnostic for `amount` given in all over `first..=last`, or `None` when a row's sum
/// over those years is it (the named row's, or a total's, when the words name a row).
fn in_all(
    amount: &Written,
    first: i64,
    last: i64,
    yearly: &Yearly,
    named: Option<&[&Series]>,
    at: Range<usize>,
) -> Option<Diagnostic> {
    let sums = yearly.sums_of(first, last);
    let is_named = |s: &Series| named.is_some_and(|n| n.iter().any(|r| std::ptr::eq(*r, s)));
    let own: Vec<Decimal> = sums
        .iter()
        .filter(|(s, _)| is_named(s))
        .map(|(_, v)| *v)
        .collect();
    let candidates: Vec<&(&Series, Decimal)> = if own.is_empty() {
        sums.iter().collect()
    } else {
        sums.iter()
            .filter(|(s, _)| is_named(s) || s.label.is_none())
            .collect()
    };
    if candidates.iter().any(|(_, v)| amount.matches(*v)) {
        return None;
    }
    if let Some((figure, bigger)) = slip::thousandfold(amount, candidates.iter().map(|(_, v)| *v)) {
        return Some(slip::diagnostic(amount, figure, bigger, at));
    }
    let nearest = candidates
        .iter()
        .min_by_key(|(_, v)| (*v - amount.kroner).abs())
        .map(|(s, v)| format!("the nearest is {} ({})", shown(amount, *v), label_of(s)));
    Some(
        Diagnostic::new(
            Code::E120,
            format!(
                "the text gives {} for {first}-{last} in all, but no row's figures of those years \
                 add up to it",
                amount.text
            ),
            Some(at),
        )
        .with_label(format!("not a sum of {first}-{last}"))
        .with_help(format!(
            "{}; correct the text or the table; if the text is right, acknowledge E120 with a \
             reason",
            nearest.unwrap_or_else(|| format!("no row has figures in {first}-{last}"))
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    // Words with an ending are one word; short and common words name nothing.
    #[test]
    fn words_that_name_a_row() {
        assert!(same_word("investering", "investeringen"));
        assert!(same_word("anbringelser", "anbringelserne"));
        assert!(!same_word("drift", "driftsudgifterne"));
        assert_eq!(
            words("Investeringen i et nyt sagssystem, heraf"),
            vec!["investeringen", "sagssystem"]
        );
    }
}
