//! Årsværk (full-time equivalents) in prose against the staff table: every "N årsværk" the text
//! states must be a figure of "Ændring i antal årsværk" (the total or an area, any year), or one
//! of several stated parts that together make such a figure ("3 årsværk … 1 årsværk" against
//! +4). Otherwise W004 at the number. Approximate mentions ("ca. 12 årsværk") are left alone.

use std::sync::LazyLock;

use regex::Regex;
use rust_decimal::Decimal;

use crate::checked::CheckedProposal;
use crate::checks::prose::{Prose, after_word, is_approximate};
use crate::diagnostic::{Code, Diagnostic};
use crate::number::format_amount;

/// Most distinct stated figures combined when looking for parts of a table figure.
const MAX_PARTS: usize = 12;

/// W004 for every årsværk figure in the prose that the staff table does not explain.
pub fn check(source: &str, strings: &[Prose], p: &CheckedProposal) -> Vec<Diagnostic> {
    let Some(staff) = p.budget.as_ref().and_then(|b| b.staff.as_ref()) else {
        return Vec::new();
    };
    let figures: Vec<Decimal> = staff
        .total
        .iter()
        .chain(staff.areas.iter().flat_map(|(_, cells)| cells))
        .flatten()
        .map(|v| v.abs())
        .collect();
    let mut stated = Vec::new();
    for prose in strings {
        let mut cursor = prose.cursor();
        for (value, range) in mentions(&prose.text) {
            let at = cursor.locate(source, &prose.text[range]);
            stated.push((value, at));
        }
    }
    let mut distinct: Vec<Decimal> = stated.iter().map(|(v, _)| *v).collect();
    distinct.sort();
    distinct.dedup();
    let explained = explained(&distinct, &figures);
    stated
        .into_iter()
        .filter(|(value, _)| !explained.contains(value))
        .map(|(value, at)| {
            let written = format_amount(value, None);
            Diagnostic::new(
                Code::W004,
                format!(
                    "the text says {written} årsværk, but the staff table has no such change, \
                     and no other stated årsværk add up with it to one"
                ),
                Some(at),
            )
            .with_label("not in \"Ændring i antal årsværk\"")
            .with_help(format!(
                "the table's figures are {}; correct the text or [budget.staff], or write \"ca.\" if \
                 the number is approximate",
                list(&figures)
            ))
        })
        .collect()
}

/// The stated figures that are a table figure or part of a combination that makes one.
fn explained(distinct: &[Decimal], figures: &[Decimal]) -> Vec<Decimal> {
    let mut explained: Vec<Decimal> = distinct
        .iter()
        .filter(|v| figures.contains(v))
        .copied()
        .collect();
    let n = distinct.len().min(MAX_PARTS);
    for mask in 1u32..(1 << n) {
        if mask.count_ones() < 2 {
            continue;
        }
        let parts: Vec<Decimal> = (0..n)
            .filter(|i| mask & (1 << i) != 0)
            .map(|i| distinct[i])
            .collect();
        let sum = parts
            .iter()
            .try_fold(Decimal::ZERO, |acc, v| acc.checked_add(*v));
        if sum.is_some_and(|sum| figures.contains(&sum)) {
            explained.extend(parts);
        }
    }
    explained
}

/// "N årsværk" (or "fuldtidsstilling"): the number and the word.
static PATTERN: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?P<num>[0-9]+(?:,[0-9]+)?)[ \t\n\x{a0}]+(?:[Åå]rsværk|fuldtidsstilling)").ok()
});

/// Builds the pattern ahead of its first use (see [`super::prepare`]).
pub(super) fn prepare() {
    LazyLock::force(&PATTERN);
}

/// "N årsværk" in a text: the value and the byte range of the number.
fn mentions(text: &str) -> Vec<(Decimal, std::ops::Range<usize>)> {
    let Some(pattern) = PATTERN.as_ref() else {
        return Vec::new();
    };
    pattern
        .captures_iter(text)
        .filter_map(|caps| caps.name("num"))
        .filter(|num| !is_approximate(&text[..num.start()]) && !after_word(text, num.start()))
        .filter_map(|num| {
            let value: Decimal = num.as_str().replace(',', ".").parse().ok()?;
            // A number beyond any workforce is not a staff figure (and keeps sums exact).
            if value > Decimal::from(crate::number::MAX_AMOUNT) {
                return None;
            }
            Some((value, num.range()))
        })
        .collect()
}

/// Figures as a Danish list, e.g. "4, 3 og 1".
fn list(figures: &[Decimal]) -> String {
    let mut distinct: Vec<Decimal> = figures.to_vec();
    distinct.sort();
    distinct.dedup();
    let texts: Vec<String> = distinct.iter().map(|v| format_amount(*v, None)).collect();
    if texts.is_empty() {
        "none".to_owned()
    } else {
        crate::number::join_danish(&texts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Parts that add up to a table figure are explained; a part that fits no sum is not.
    #[test]
    fn parts_add_up_to_a_figure() {
        let d = |v: i64| Decimal::from(v);
        let figures = [d(4)];
        let mut got = explained(&[d(1), d(3)], &figures);
        got.sort();
        assert_eq!(got, vec![d(1), d(3)]);
        assert!(explained(&[d(2), d(3)], &figures).is_empty());
        assert_eq!(explained(&[d(4), d(7)], &figures), vec![d(4)]);
    }

    // "3 årsværk" is found; "ca. 12 årsværk" and "20 fuldtidspersoner" are not.
    #[test]
    fn finds_stated_fte() {
        let text = "med 3 årsværk og ca. 12 årsværk, 20 fuldtidspersoner, 1,5 fuldtidsstillinger";
        let values: Vec<Decimal> = mentions(text).into_iter().map(|(v, _)| v).collect();
        assert_eq!(values, vec![Decimal::from(3), Decimal::new(15, 1)]);
    }
}
