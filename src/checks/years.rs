//! Which years a sentence of prose is about, for the checks that compare the text with the
//! proposal's period (W005, W025): the sentence around a phrase, the years it names, and whether
//! it tells of another time than the proposal's own period (the previous plan's years, the year a
//! decision was made, the past).
//!
//! The rule: a sentence tells of another time when it has a word of the past ("blev", "var",
//! "vedtog", "vedtaget", "besluttede", "besluttet", "tidligere", "forrige", "siden", "afsatte",
//! "havde") or names a budget plan other than the proposal's own ("i budget 2024-2027" when the
//! proposal's budget begins in 2025).

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

/// Words that put a sentence in the past: it reports what was, not what the proposal does.
const PAST: &[&str] = &[
    "blev",
    "var",
    "vedtog",
    "vedtaget",
    "besluttede",
    "besluttet",
    "tidligere",
    "forrige",
    "siden",
    "afsatte",
    "havde",
];

/// Byte range of the sentence of `text` around `at`: from the end of the previous sentence (a
/// `.`, `!` or `?` before a capital letter or a line break, a blank line or a list item) to the
/// end of this one. "mio. kr." ends no sentence: a small letter follows it.
pub fn sentence(text: &str, at: Range<usize>) -> Range<usize> {
    let starts = sentence_starts(text);
    let start = starts
        .iter()
        .copied()
        .filter(|s| *s <= at.start)
        .max()
        .unwrap_or(0);
    let end = starts
        .iter()
        .copied()
        .filter(|s| *s >= at.end)
        .min()
        .unwrap_or(text.len());
    start..end
}

/// Where sentences begin in `text` (byte offsets, after the boundary).
fn sentence_starts(text: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    for (i, c) in text.char_indices() {
        let after = i + c.len_utf8();
        let rest = &text[after..];
        let ends = match c {
            '.' | '!' | '?' => {
                let trimmed = rest.trim_start_matches([' ', '\t', '\u{a0}']);
                trimmed.len() < rest.len()
                    && (trimmed.is_empty()
                        || trimmed.starts_with('\n')
                        || trimmed.starts_with(|n: char| n.is_uppercase()))
            }
            '\n' => {
                let trimmed = rest.trim_start_matches([' ', '\t']);
                trimmed.starts_with(['\n', '-', '*', '+'])
            }
            _ => false,
        };
        if ends {
            starts.push(text.len() - rest.trim_start().len());
        }
    }
    starts
}

/// A year from 1900 to 2099.
static YEAR: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"(?:19|20)[0-9]{2}").ok());

/// Another budget plan named by its year ("budgettet for 2024").
static PLAN: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?i)\bbudget(?:tet|aftalen|forliget|forslaget|året)?[ \t\n\x{a0}]+(?:for[ \t\n\x{a0}]+)?((?:19|20)[0-9]{2})\b").ok()
});

/// Builds the pattern of other budget plans ahead of its first use (see [`super::prepare`]).
pub(super) fn prepare_plans() {
    LazyLock::force(&PLAN);
}

/// Builds the pattern of years ahead of its first use (see [`super::prepare`]).
pub(super) fn prepare_years() {
    LazyLock::force(&YEAR);
}

/// Years (1900–2099) a text names, with their byte ranges; a price basis ("2024-priser",
/// "2025 p/l") is not a year the text is about.
pub fn named(text: &str) -> Vec<(i64, Range<usize>)> {
    let Some(pattern) = YEAR.as_ref() else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for m in pattern.find_iter(text) {
        let before = text[..m.start()].chars().last();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '.' || c == ',') {
            continue;
        }
        let rest = text[m.end()..].to_lowercase();
        if rest.starts_with(|c: char| c.is_alphanumeric() || c == ',')
            || (rest.starts_with('.') && rest[1..].starts_with(|c: char| c.is_ascii_digit()))
        {
            continue;
        }
        let basis = rest.trim_start_matches(['-', ' ', '\u{a0}']);
        if ["pris", "p/l", "pl ", "pl.", "pl,", "niveau"]
            .iter()
            .any(|w| basis.starts_with(w))
        {
            continue;
        }
        if let Ok(year) = m.as_str().parse() {
            found.push((year, m.range()));
        }
    }
    found
}

/// Whether a sentence tells of another time than the proposal's own period, whose budget
/// begins in `own_first`: a word of the past, or another budget plan named by its years.
pub fn other_time(sentence: &str, own_first: Option<i64>) -> bool {
    let lower = sentence.to_lowercase();
    let past = lower
        .split(|c: char| !c.is_alphanumeric())
        .any(|word| PAST.contains(&word));
    let other_plan = PLAN.as_ref().is_some_and(|pattern| {
        pattern.captures_iter(sentence).any(|caps| {
            caps.get(1)
                .and_then(|y| y.as_str().parse::<i64>().ok())
                .is_some_and(|year| own_first.is_some_and(|own| own != year))
        })
    });
    past || other_plan
}

#[cfg(test)]
mod tests {
    use super::*;

    // A sentence ends at a full stop before a capital letter or a line break, not inside
    // "mio. kr.".
    #[test]
    fn sentences_end_at_full_stops_not_in_units() {
        let text = "Det koster 2,8 mio. kr. om året. I 2022 vedtog byrådet en plan.\n\n- Punkt";
        let at = text.find("om året").unwrap();
        assert_eq!(
            &text[sentence(text, at..at + 1)],
            "Det koster 2,8 mio. kr. om året. "
        );
        let at = text.find("I 2022").unwrap();
        assert_eq!(
            &text[sentence(text, at..at + 1)],
            "I 2022 vedtog byrådet en plan.\n\n"
        );
    }

    // Years are found, price bases and parts of longer numbers are not.
    #[test]
    fn named_years() {
        let got: Vec<i64> = named("fra 2025 i 2024-priser, 2025 p/l, 12.2024 og 20245 og 2026.")
            .into_iter()
            .map(|(y, _)| y)
            .collect();
        assert_eq!(got, vec![2025, 2026]);
    }

    // The past and other plans are another time; the own plan and the future are not.
    #[test]
    fn other_times() {
        assert!(other_time("I 2022 vedtog byrådet en plan.", Some(2025)));
        assert!(other_time("Det blev besluttet i 2023.", Some(2025)));
        assert!(other_time(
            "I budget 2024-2027 er der afsat midler.",
            Some(2025)
        ));
        assert!(!other_time(
            "I budget 2025-2028 er der afsat midler.",
            Some(2025)
        ));
        assert!(!other_time(
            "Forslaget løber i perioden 2025 til 2027.",
            Some(2025)
        ));
        assert!(!other_time(
            "Der vil blive forelagt en evaluering.",
            Some(2025)
        ));
    }
}
