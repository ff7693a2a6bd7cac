//! The period a text states ("perioden 2024 til 2026", "en fireårig investering") against the
//! years that carry amounts: some amounts table must cover exactly that period (W005).
//!
//! Only phrases that claim to describe this proposal's own period are compared. A phrase is left
//! alone when its sentence tells of another time ([`years::other_time`]: a word of the past such
//! as "blev", "vedtog", "besluttet", "siden", or another budget plan, "i budget 2024-2027" in a
//! proposal whose budget begins in 2025), when a stated span of years lies wholly outside the
//! proposal's years ("i perioden 2019 til 2022"), and, for a length ("en 4-årig plan"), when its
//! sentence names a year outside the proposal's years ("i 2022 … en 4-årig plan"). The
//! proposal's years are the budget table's years and the years with amounts of its ledgers.

use std::sync::LazyLock;

use regex::Regex;

use crate::checked::{Block, CheckedProposal, Table};
use crate::checks::prose::Prose;
use crate::checks::years;
use crate::diagnostic::{Code, Diagnostic};

/// A period stated in prose.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Stated {
    /// From one year to another, both included.
    Years(i64, i64),
    /// A number of years ("fireårig").
    Length(i64),
}

/// W005 for every stated period that no amounts table of the proposal covers.
pub fn check(source: &str, strings: &[Prose], p: &CheckedProposal) -> Vec<Diagnostic> {
    let spans = spans_with_amounts(p);
    if spans.is_empty() {
        return Vec::new();
    }
    let own = own_years(p);
    // The plan the proposal belongs to begins with its budget table's first year.
    let budget_first = p
        .budget
        .as_ref()
        .and_then(|b| b.years.first().copied())
        .or(own.first().copied());
    let mut found = Vec::new();
    for prose in strings {
        let mut cursor = prose.cursor();
        for (stated, range) in periods(&prose.text) {
            let at = cursor.locate(source, &prose.text[range.clone()]);
            if !claims_own_period(&prose.text, range, &stated, &own, budget_first) {
                continue;
            }
            let covered = spans.iter().any(|(first, last)| match stated {
                Stated::Years(a, b) => (a, b) == (*first, *last),
                Stated::Length(n) => last - first + 1 == n,
            });
            if covered {
                continue;
            }
            let said = match stated {
                Stated::Years(a, b) => format!("the period {a}–{b}"),
                Stated::Length(n) => format!("{n} years"),
            };
            let tables: Vec<String> = spans.iter().map(|(a, b)| format!("{a}–{b}")).collect();
            found.push(
                Diagnostic::new(
                    Code::W005,
                    format!("the text states {said}, but no table has amounts for exactly that"),
                    Some(at),
                )
                .with_label("period not in the tables")
                .with_help(format!(
                    "the tables have amounts in {}; correct the text or the tables' years",
                    crate::number::join_danish(&tables)
                )),
            );
        }
    }
    found
}

/// The proposal's own years, ascending: the budget table's years and the years with amounts of
/// its ledgers.
fn own_years(p: &CheckedProposal) -> Vec<i64> {
    let mut own: Vec<i64> = p.budget.iter().flat_map(|b| b.years.clone()).collect();
    for block in p.sections.iter().flat_map(|s| &s.blocks) {
        if let Block::Table(table) = block
            && let Table::Ledger(l) = table.as_ref()
        {
            own.extend(
                l.year_columns()
                    .into_iter()
                    .filter(|(i, _)| l.rows().any(|r| r.cells[*i].is_some()))
                    .map(|(_, year)| year),
            );
        }
    }
    own.sort_unstable();
    own.dedup();
    own
}

/// Whether the phrase at `range` claims to describe the proposal's own period (see the module's
/// rule), so that it is compared with the tables.
fn claims_own_period(
    text: &str,
    range: std::ops::Range<usize>,
    stated: &Stated,
    own: &[i64],
    own_first: Option<i64>,
) -> bool {
    let (Some(first), Some(last)) = (own.first().copied(), own.last().copied()) else {
        return true;
    };
    let sentence = &text[years::sentence(text, range)];
    if years::other_time(sentence, own_first) {
        return false;
    }
    match stated {
        Stated::Years(a, b) => *a.min(b) <= last && *a.max(b) >= first,
        Stated::Length(_) => years::named(sentence)
            .iter()
            .all(|(year, _)| own.contains(year)),
    }
}

/// First and last year with an amount, per amounts table (the budget table and each ledger).
fn spans_with_amounts(p: &CheckedProposal) -> Vec<(i64, i64)> {
    let mut spans = Vec::new();
    let mut add = |years: &[i64], filled: &dyn Fn(usize) -> bool| {
        let with: Vec<i64> = (0..years.len())
            .filter(|i| filled(*i))
            .map(|i| years[i])
            .collect();
        if let (Some(first), Some(last)) = (with.first(), with.last()) {
            spans.push((*first, *last));
        }
    };
    if let Some(b) = &p.budget {
        add(&b.years, &|i| b.lines.iter().any(|l| l.cells[i].is_some()));
    }
    for block in p.sections.iter().flat_map(|s| &s.blocks) {
        if let Block::Table(table) = block
            && let Table::Ledger(l) = table.as_ref()
        {
            let columns = l.year_columns();
            let years: Vec<i64> = columns.iter().map(|(_, y)| *y).collect();
            add(&years, &|i| {
                l.rows().any(|r| r.cells[columns[i].0].is_some())
            });
        }
    }
    spans
}

/// "perioden 2025 til 2028", "årene 2025-2028".
static YEARS: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?:[Pp]erioden|[Åå]rene)[ \t\n]+(?:fra[ \t\n]+)?([0-9]{4})[ \t]*(?:til|-|–)[ \t\n]*([0-9]{4})").ok()
});
/// "en 4-årig", "toårige".
static LENGTH: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"([0-9]{1,2}|et|en|to|tre|fire|fem|seks|syv|otte|ni|ti)-?årig(?:e|t)?").ok()
});

/// Builds the patterns ahead of their first use (see [`super::prepare`]).
pub(super) fn prepare() {
    LazyLock::force(&YEARS);
    LazyLock::force(&LENGTH);
}

/// Periods stated in a text, with the byte range of the phrase.
fn periods(text: &str) -> Vec<(Stated, std::ops::Range<usize>)> {
    let mut found = Vec::new();
    if let Some(pattern) = YEARS.as_ref() {
        for caps in pattern.captures_iter(text) {
            let (Some(all), Some(a), Some(b)) = (caps.get(0), caps.get(1), caps.get(2)) else {
                continue;
            };
            if text[all.end()..].starts_with(|c: char| c.is_ascii_digit()) {
                continue; // "9999 til 99999" names no pair of years
            }
            if let (Ok(a), Ok(b)) = (a.as_str().parse(), b.as_str().parse()) {
                found.push((Stated::Years(a, b), all.range()));
            }
        }
    }
    if let Some(pattern) = LENGTH.as_ref() {
        for caps in pattern.captures_iter(text) {
            let (Some(all), Some(n)) = (caps.get(0), caps.get(1)) else {
                continue;
            };
            if crate::checks::prose::after_word(text, all.start()) {
                continue;
            }
            if let Some(n) = number_word(n.as_str()) {
                found.push((Stated::Length(n), all.range()));
            }
        }
    }
    found.sort_by_key(|(_, range)| range.start);
    found
}

/// A number written as digits or as a Danish word (one to ten).
fn number_word(word: &str) -> Option<i64> {
    let words = [
        "", "", "to", "tre", "fire", "fem", "seks", "syv", "otte", "ni", "ti",
    ];
    let lower = word.to_lowercase();
    if lower == "et" || lower == "en" {
        return Some(1);
    }
    words
        .iter()
        .position(|w| !w.is_empty() && *w == lower)
        .map(|i| i as i64)
        .or_else(|| lower.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    // Periods are read from year ranges and from "N-årig" in digits or words.
    #[test]
    fn reads_stated_periods() {
        let text =
            "en fireårig investering i perioden 2024 til 2026 og et 5-årigt projekt; 2024-priser";
        let got: Vec<Stated> = periods(text).into_iter().map(|(s, _)| s).collect();
        assert_eq!(
            got,
            vec![
                Stated::Length(4),
                Stated::Years(2024, 2026),
                Stated::Length(5)
            ]
        );
    }
}
