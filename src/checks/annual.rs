//! An amount the text gives a year ("2,8 mio. kr. årligt", "en årlig besparelse på 2,8 mio.
//! kr.", "2,8 mio. kr. om året", "pr. år", "hvert år") must hold in every year of the period, not
//! just one (W025, at the amount).
//!
//! The rule: the amount is compared, year by year, with each row of figures the tables hold (a
//! budget line, a net per expense type, the net change, the current budget, a ledger row or its
//! totals, the agreement's amounts), over the years its table has amounts in. A blank cell among
//! them is nothing that year. A year matches when the figure, unsigned and rounded half away from
//! zero to the decimals written (`prose::Written::matches`), is the amount. When a row matches in
//! every year, all is well; when none does, the row matching in the most years (the first of
//! equals) is named with the years that differ and their figures. An amount no row matches in
//! any year is this check's too (W025, naming the nearest figure of a year; E123 when a thousandth
//! or a thousand times it is a row's figure), and W003 leaves every amount this check compares.
//!
//! The years compared are narrowed by what the sentence says: "fra 2025", "fra og med 2025",
//! "2025 og frem", "til og med 2026", "frem til 2026", "i 2025-2027", "i perioden 2025 til 2027",
//! "i 2025 og 2026".
//! A sentence that names a year in any other way ("i 2024 … årligt") is not compared, since the
//! check cannot tell which years it means; nor is a sentence that tells of another time (a word
//! of the past, another budget plan: see `years::other_time`).

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use rust_decimal::Decimal;

use crate::checked::{Block, CheckedProposal, Table, Unit};
use crate::checks::prose::{Prose, Written, amounts_in, slip};
use crate::checks::years;
use crate::diagnostic::{Code, Diagnostic};
use crate::number::{format_amount, sum_column};

/// A word or phrase right after an amount that makes it a year's ("årligt", "om året"), perhaps
/// after a remark in parentheses (group 1) of at most [`REMARK`] characters, counted by hand:
/// `[^()]{0,80}` made the pattern cost about 3 million instructions more to build.
static AFTER: LazyLock<Option<Regex>> = LazyLock::new(|| {
    crate::checks::letters::regex(
        r"^[ \t\n\x{a0}]*(?:\(([^()]*)\)[ \t\n\x{a0}]*)?(?i:årligt|årlig|årlige|om året|pr\.?[ \t\x{a0}]*år|per år|hvert år|i årlig[et]?)(?:[^\p{L}]|$)",
    )
});

/// The longest remark in parentheses between an amount and its marker.
const REMARK: usize = 80;

/// A word or phrase before an amount that makes it a year's ("en årlig besparelse på"), then
/// the words up to the amount (group 1), at most [`WORDS`] of them, counted by hand.
///
/// Written `(?i)(?:^|[^\p{L}])(?:årlig|…)(?:[ \t\n\x{a0}]+[\p{L}][\p{L}\-]*){0,5}[ \t\n\x{a0}]+$`
/// this pattern held eleven letter classes and cost about 31 million instructions (some 10 ms)
/// to build, once per process; `(?i)` applies to the marker words only (the letter class is the
/// same with it and without, see [`crate::checks::letters`]).
static BEFORE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    crate::checks::letters::regex(
        r"(?:^|[^\p{L}])(?i:årlig|årligt|årlige|hvert år|om året|pr\. år|per år)((?:[ \t\n\x{a0}]+[\p{L}][\p{L}\-]*)*)[ \t\n\x{a0}]+$",
    )
});

/// The most words between a marker before an amount and the amount.
const WORDS: usize = 5;

/// Whether `c` separates words in [`BEFORE`].
fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\u{a0}')
}

/// Whether a marker right after an amount (the text after it) makes it a year's.
fn marked_after(rest: &str) -> bool {
    AFTER
        .as_ref()
        .and_then(|pattern| pattern.captures(rest))
        .is_some_and(|c| {
            c.get(1)
                .is_none_or(|remark| remark.as_str().chars().count() <= REMARK)
        })
}

/// Whether a marker before an amount (the clause up to it) makes it a year's: at each place a
/// marker may start, the words after it are counted (a place has one reading: the marker
/// follows the start or a character that is no letter, and the words run to the end).
fn marked_before(head: &str) -> bool {
    let Some(pattern) = BEFORE.as_ref() else {
        return false;
    };
    let mut from = 0;
    while let Some(found) = pattern.captures_at(head, from) {
        let words = found.get(1).map_or(0, |words| {
            let mut previous = None;
            words
                .as_str()
                .chars()
                .filter(|&c| {
                    let starts = is_blank(c) && !previous.is_some_and(is_blank);
                    previous = Some(c);
                    starts
                })
                .count()
        });
        if words <= WORDS {
            return true;
        }
        let Some(start) = found.get(0).map(|m| m.start()) else {
            return false;
        };
        from = start + head[start..].chars().next().map_or(1, char::len_utf8);
    }
    false
}

/// Phrases that narrow the years a sentence speaks of.
static NARROW: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?i)(?P<from>(?:19|20)[0-9]{2})[ \t\x{a0}]*(?:-|–|til)[ \t\x{a0}]*(?P<to>(?:19|20)[0-9]{2})|fra[ \t\x{a0}]+(?:og[ \t\x{a0}]+med[ \t\x{a0}]+)?(?P<since>(?:19|20)[0-9]{2})|(?P<onwards>(?:19|20)[0-9]{2})[ \t\x{a0}]+og[ \t\x{a0}]+frem|(?P<pair>(?:19|20)[0-9]{2})[ \t\x{a0}]+og[ \t\x{a0}]+(?P<pair_to>(?:19|20)[0-9]{2})|(?:til[ \t\x{a0}]+og[ \t\x{a0}]+med|frem[ \t\x{a0}]+til|indtil)[ \t\x{a0}]+(?P<until>(?:19|20)[0-9]{2})").ok()
});

/// Builds the markers ahead of their first use (see [`super::prepare`]).
pub(super) fn prepare_markers() {
    LazyLock::force(&AFTER);
    LazyLock::force(&BEFORE);
}

/// Builds the pattern of narrowed years ahead of its first use (see [`super::prepare`]).
pub(super) fn prepare_narrowing() {
    LazyLock::force(&NARROW);
}

/// A row's figures in the years compared (kroner, unsigned; blank is nothing that year).
type Compared = Vec<(i64, Option<Decimal>)>;

/// One row of figures per year, as the tables print it.
pub(crate) struct Series {
    /// What the row is, as printed ("Omstilling (Service SU)").
    pub(crate) name: String,
    /// Unit of its figures.
    pub(crate) unit: Unit,
    /// Its years, with its table's years that have amounts (the period it is compared over).
    pub(crate) years: Vec<(i64, Option<Decimal>)>,
    /// The label of a row of its own (a budget line, a ledger row) a sentence may name; `None`
    /// for a total, net, current budget or agreement, which sum or stand beside the rows.
    pub(crate) label: Option<String>,
}

/// W025 for every amount the text gives a year that holds in some years of the period only.
pub fn check(source: &str, strings: &[Prose], p: &CheckedProposal) -> Vec<Diagnostic> {
    let all = series(p);
    if all.is_empty() {
        return Vec::new();
    }
    let budget_first = p.budget.as_ref().and_then(|b| b.years.first().copied());
    let external: Vec<Decimal> = p
        .external_amounts
        .iter()
        .flat_map(|a| amounts_in(a))
        .map(|w| w.kroner)
        .collect();
    let mut found = Vec::new();
    for prose in strings {
        let mut cursor = prose.cursor();
        for amount in amounts_in(&prose.text) {
            let at = cursor.locate(source, &prose.text[amount.range.clone()]);
            if !is_annual(&prose.text, &amount) {
                continue;
            }
            let sentence = &prose.text[years::sentence(&prose.text, amount.range.clone())];
            if years::other_time(sentence, budget_first) {
                continue;
            }
            let Some(bounds) = narrowed(sentence) else {
                continue;
            };
            if external.iter().any(|e| amount.matches(*e)) {
                continue;
            }
            found.extend(compare(&amount, &all, bounds, at));
        }
    }
    found
}

/// Whether this check compares `amount` of `text` (so W003 leaves it alone): it is given a year,
/// in a sentence of the proposal's own time whose years it can read, and the tables have rows.
pub(crate) fn handles(text: &str, amount: &Written, p: &CheckedProposal) -> bool {
    if !is_annual(text, amount) || series(p).is_empty() {
        return false;
    }
    let budget_first = p.budget.as_ref().and_then(|b| b.years.first().copied());
    let sentence = &text[years::sentence(text, amount.range.clone())];
    !years::other_time(sentence, budget_first) && narrowed(sentence).is_some()
}

/// Whether the text gives `amount` as a year's: a marker right after it, or before it in the
/// same clause.
pub(crate) fn is_annual(text: &str, amount: &Written) -> bool {
    text.get(amount.end..).is_some_and(marked_after) || {
        let start = years::sentence(text, amount.range.clone()).start;
        text.get(start..amount.range.start)
            .is_some_and(marked_before)
    }
}

/// The first and last year a sentence narrows its amounts to (either open), or `None` when it
/// names a year in a way that does not narrow them.
fn narrowed(sentence: &str) -> Option<(Option<i64>, Option<i64>)> {
    let pattern = NARROW.as_ref()?;
    let mut covered: Vec<Range<usize>> = Vec::new();
    let (mut first, mut last): (Option<i64>, Option<i64>) = (None, None);
    let year = |m: Option<regex::Match<'_>>| m.and_then(|m| m.as_str().parse::<i64>().ok());
    for caps in pattern.captures_iter(sentence) {
        let Some(all) = caps.get(0) else { continue };
        // "i 2026 og 2027" narrows to both years; two years apart ("2026 og 2028") to neither.
        let pair = year(caps.name("pair")).zip(year(caps.name("pair_to")));
        if pair.is_some_and(|(a, b)| b != a + 1) {
            continue;
        }
        covered.push(all.range());
        let (pair_from, pair_to) = (pair.map(|p| p.0), pair.map(|p| p.1));
        let from = year(caps.name("from"))
            .or(pair_from)
            .or(year(caps.name("since")))
            .or(year(caps.name("onwards")));
        let to = year(caps.name("to"))
            .or(year(caps.name("until")))
            .or(pair_to);
        if let Some(from) = from {
            first = Some(first.map_or(from, |f| f.max(from)));
        }
        if let Some(to) = to {
            last = Some(last.map_or(to, |l| l.min(to)));
        }
    }
    let all_read = years::named(sentence)
        .iter()
        .all(|(_, r)| covered.iter().any(|c| c.start <= r.start && r.end <= c.end));
    all_read.then_some((first, last))
}

/// The warning for `amount` when no row holds it in every year compared and one holds it in some.
fn compare(
    amount: &Written,
    all: &[Series],
    (first, last): (Option<i64>, Option<i64>),
    at: Range<usize>,
) -> Option<Diagnostic> {
    let mut best: Option<(&Series, Compared, usize)> = None;
    for s in all {
        let compared: Compared = s
            .years
            .iter()
            .copied()
            .filter(|(y, _)| first.is_none_or(|f| *y >= f) && last.is_none_or(|l| *y <= l))
            .map(|(y, v)| (y, v.map(|v| (v * s.unit.kroner()).abs())))
            .collect();
        if compared.is_empty() {
            continue;
        }
        let holds = |v: &Option<Decimal>| amount.matches(v.unwrap_or(Decimal::ZERO));
        let matching = compared.iter().filter(|(_, v)| holds(v)).count();
        if matching == compared.len() {
            return None;
        }
        if matching > 0 && best.as_ref().is_none_or(|(_, _, n)| matching > *n) {
            best = Some((s, compared, matching));
        }
    }
    let Some((series, compared, _)) = best else {
        let figures = all.iter().flat_map(|s| {
            s.years
                .iter()
                .filter_map(move |(_, v)| v.map(|v| (v * s.unit.kroner()).abs()))
        });
        if let Some((figure, bigger)) = slip::thousandfold(amount, figures) {
            return Some(slip::diagnostic(amount, figure, bigger, at));
        }
        return Some(in_no_year(amount, all, (first, last), at));
    };
    let shown = |v: Option<Decimal>| match v {
        Some(v) if !v.is_zero() => format!(
            "{} {}",
            format_amount((v / amount.scale).normalize(), None),
            amount.unit
        ),
        _ => "nothing".to_owned(),
    };
    let differ: Vec<String> = compared
        .iter()
        .filter(|(_, v)| !amount.matches(v.unwrap_or(Decimal::ZERO)))
        .map(|(y, v)| format!("{} in {y}", shown(*v)))
        .collect();
    let hold: Vec<i64> = compared
        .iter()
        .filter(|(_, v)| amount.matches(v.unwrap_or(Decimal::ZERO)))
        .map(|(y, _)| *y)
        .collect();
    let help = format!(
        "the amount holds in {} only; {}, or correct the text or the table",
        join(&hold.iter().map(i64::to_string).collect::<Vec<_>>()),
        naming(&hold, &compared)
    );
    Some(
        Diagnostic::new(
            Code::W025,
            format!(
                "the text says {} a year, but {} is {}",
                amount.text,
                series.name,
                join(&differ)
            ),
            Some(at),
        )
        .with_label("not the figure of every year")
        .with_help(help),
    )
}

/// The warning for an amount a year that no row holds in any year compared, naming the
/// nearest figure of a year.
fn in_no_year(
    amount: &Written,
    all: &[Series],
    (first, last): (Option<i64>, Option<i64>),
    at: Range<usize>,
) -> Diagnostic {
    let nearest = all
        .iter()
        .flat_map(|s| {
            s.years.iter().filter_map(move |(y, v)| {
                let within = first.is_none_or(|f| *y >= f) && last.is_none_or(|l| *y <= l);
                v.filter(|_| within)
                    .map(|v| (s.name.as_str(), *y, (v * s.unit.kroner()).abs()))
            })
        })
        .min_by_key(|(_, _, v)| (*v - amount.kroner).abs());
    let help = match nearest {
        Some((name, year, v)) => format!(
            "the nearest figure of a year is {} {} ({name}, {year}); correct the text or the \
             table, or say which years or what total the amount is",
            format_amount((v / amount.scale).normalize(), None),
            amount.unit
        ),
        None => "correct the text or the table".to_owned(),
    };
    Diagnostic::new(
        Code::W025,
        format!(
            "the text says {} a year, but no row of the tables holds it in any year",
            amount.text
        ),
        Some(at),
    )
    .with_label("the figure of no year")
    .with_help(help)
}

/// How the text could name the years `hold` when they are one run of the years compared: "fra
/// 2025" for a run to the end, "i 2024-2025" for one that stops before it.
fn naming(hold: &[i64], compared: &[(i64, Option<Decimal>)]) -> String {
    let years: Vec<i64> = compared.iter().map(|(y, _)| *y).collect();
    let start = hold.first().and_then(|f| years.iter().position(|y| y == f));
    let run = start.is_some_and(|i| years.get(i..i + hold.len()) == Some(hold));
    match (hold.first(), hold.last()) {
        (Some(first), Some(last)) if run && hold.len() > 1 => {
            if years.last() == Some(last) {
                format!("name the years it applies to (\"fra {first}\")")
            } else {
                format!("name the years it applies to (\"i {first}-{last}\")")
            }
        }
        _ => "name the years it applies to".to_owned(),
    }
}

/// Joins items the English way: "a", "a and b", "a, b and c".
fn join(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Every row of figures per year the proposal's tables print, with the years it is compared over.
pub(crate) fn series(p: &CheckedProposal) -> Vec<Series> {
    let mut all = Vec::new();
    let mut add = |name: String,
                   label: Option<&str>,
                   unit: Unit,
                   years: &[i64],
                   cells: &[Option<Decimal>],
                   period: &[bool]| {
        let years: Vec<(i64, Option<Decimal>)> = years
            .iter()
            .zip(cells)
            .zip(period)
            .filter(|(_, with)| **with)
            .map(|((y, v), _)| (*y, *v))
            .collect();
        if !years.is_empty() {
            all.push(Series {
                name,
                unit,
                years,
                label: label.map(str::to_owned),
            });
        }
    };
    if let Some(b) = &p.budget {
        let period: Vec<bool> = (0..b.years.len())
            .map(|i| b.lines.iter().any(|l| l.cells[i].is_some()))
            .collect();
        for line in &b.lines {
            add(
                line.label.clone(),
                Some(&line.label),
                b.unit,
                &b.years,
                &line.cells,
                &period,
            );
        }
        for net in &b.nets {
            let name = format!("the net {}", net.expense.noun());
            add(name, None, b.unit, &b.years, &net.cells, &period);
        }
        let total: Vec<Option<Decimal>> = (0..b.years.len())
            .map(|i| sum_column(b.nets.iter().map(|n| n.cells[i])))
            .collect();
        add(
            "the net change".to_owned(),
            None,
            b.unit,
            &b.years,
            &total,
            &period,
        );
        if let Some(current) = &b.current {
            let name = "the current budget".to_owned();
            add(name, None, b.unit, &b.years, current, &period);
        }
    }
    for block in p.sections.iter().flat_map(|s| &s.blocks) {
        let Block::Table(table) = block else { continue };
        let Table::Ledger(l) = table.as_ref() else {
            continue;
        };
        // Only the year columns: named columns (budget stages) are not years of a period.
        let columns = l.year_columns();
        let years: Vec<i64> = columns.iter().map(|(_, y)| *y).collect();
        let in_years = |cells: &[Option<Decimal>]| -> Vec<Option<Decimal>> {
            columns.iter().map(|(i, _)| cells[*i]).collect()
        };
        let period: Vec<bool> = columns
            .iter()
            .map(|(i, _)| l.rows().any(|r| r.cells[*i].is_some()))
            .collect();
        for row in l.rows() {
            add(
                format!("\"{}\"", row.label),
                Some(&row.label),
                l.unit,
                &years,
                &in_years(&row.cells),
                &period,
            );
        }
        let total = l.total_label.clone().unwrap_or_else(|| "I alt".to_owned());
        add(
            format!("\"{total}\""),
            None,
            l.unit,
            &years,
            &in_years(&l.totals),
            &period,
        );
    }
    if let Some(a) = &p.agreement {
        let years: Vec<i64> = a.amounts.iter().map(|(y, _)| *y).collect();
        let cells: Vec<Option<Decimal>> = a.amounts.iter().map(|(_, v)| Some(*v)).collect();
        let period = vec![true; years.len()];
        add(
            "the agreement".to_owned(),
            None,
            a.unit,
            &years,
            &cells,
            &period,
        );
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether the first amount of `text` is given a year.
    fn annual(text: &str) -> bool {
        amounts_in(text).first().is_some_and(|a| is_annual(text, a))
    }

    // The Danish ways of giving an amount a year, before and after it, and amounts that are not.
    #[test]
    fn reads_amounts_given_a_year() {
        for yes in [
            "Det giver 2,8 mio. kr. årligt.",
            "Det giver 2,8 mio. kr. (overførselsudgifter) årligt.",
            "Det giver 2,8 mio. kr. om året.",
            "Det giver 2,8 mio. kr. pr. år.",
            "Det giver 2,8 mio. kr. hvert år.",
            "Det giver en årlig besparelse på 2,8 mio. kr.",
            "Årlige merudgifter til forsørgelse på 2,8 mio. kr.",
            "Hvert år spares 2,8 mio. kr.",
        ] {
            assert!(annual(yes), "{yes}");
        }
        for no in [
            "Det giver 2,8 mio. kr. i 2024.",
            "Det giver 2,8 mio. kr. i alt, og årligt 20 borgere.",
            "En årlig besparelse på 1 mio. kr. og en engangsudgift på 2,8 mio. kr.",
            "Det giver 2,8 mio. kr. halvårligt.",
        ] {
            let amounts = amounts_in(no);
            let last = amounts.last().unwrap();
            assert!(!is_annual(no, last), "{no}");
        }
    }

    /// The markers as they were written before they were made cheaper to build.
    fn old_markers() -> (Regex, Regex) {
        (
            crate::checks::letters::regex(r"^[ \t\n\x{a0}]*(?:\([^()]{0,80}\)[ \t\n\x{a0}]*)?(?i:årligt|årlig|årlige|om året|pr\.?[ \t\x{a0}]*år|per år|hvert år|i årlig[et]?)(?:[^\p{L}]|$)").unwrap(),
            crate::checks::letters::regex(r"(?i)(?:^|[^\p{L}])(?:årlig|årligt|årlige|hvert år|om året|pr\. år|per år)(?:[ \t\n\x{a0}]+[\p{L}][\p{L}\-]*){0,5}[ \t\n\x{a0}]+$").unwrap(),
        )
    }

    // The markers before and after an amount read every text as the old single patterns did:
    // remarks of 80 and 81 characters, five and six words, markers repeated, hyphens, odd
    // letters (U+0345, the Ångström sign), line breaks and no-break spaces.
    #[test]
    fn markers_agree_with_the_old_patterns() {
        let (after, before) = old_markers();
        let remark = |n: usize| format!(" ({}) årligt", "x".repeat(n));
        let mut texts: Vec<String> = vec![
            remark(80),
            remark(81),
            remark(0),
            " (a) (b) årligt".into(),
            " (a(b)) årligt".into(),
            " årligt.".into(),
            " årligtvis".into(),
            "\n\u{a0}Om Året,".into(),
            " pr.år".into(),
            " pr \u{a0}år".into(),
            " i årlige".into(),
            " \u{212b}rligt".into(),
            " årligt\u{345}".into(),
        ];
        let words = [
            "besparelse",
            "på",
            "merudgift-er",
            "-x",
            "x-",
            "\u{345}x",
            "2,8",
            "i",
            "om",
            "år",
        ];
        for marker in [
            "årlig",
            "Årlige",
            "hvert år",
            "per år",
            "pr. år",
            "x årlig",
            "xårlig",
            "(årligt",
        ] {
            for n in 0..8 {
                for (k, blank) in [" ", "  ", "\n", "\u{a0}", "\t"].iter().enumerate() {
                    let tail: Vec<&str> = (0..n).map(|i| words[(i + k) % words.len()]).collect();
                    let mut text = format!("{marker}{blank}{}{blank}", tail.join(blank));
                    texts.push(text.clone());
                    texts.push(format!("Det er {text}"));
                    text.pop();
                    texts.push(text);
                }
                texts.push(format!("{marker} en årlig {} ", vec!["ord"; n].join(" ")));
            }
        }
        for text in &texts {
            assert_eq!(marked_after(text), after.is_match(text), "after: {text:?}");
            assert_eq!(
                marked_before(text),
                before.is_match(text),
                "before: {text:?}"
            );
        }
    }

    // "fra 2025", ranges and "til og med" narrow the years; another year makes them unknown.
    #[test]
    fn narrows_the_years() {
        assert_eq!(
            narrowed("Det giver 2,8 mio. kr. årligt."),
            Some((None, None))
        );
        assert_eq!(
            narrowed("Fra 2025 spares 2,8 mio. kr. årligt."),
            Some((Some(2025), None))
        );
        assert_eq!(
            narrowed("Der spares 2,8 mio. kr. årligt i perioden 2025 til 2026."),
            Some((Some(2025), Some(2026)))
        );
        assert_eq!(
            narrowed("Der spares 2,8 mio. kr. årligt til og med 2026."),
            Some((None, Some(2026)))
        );
        assert_eq!(
            narrowed("Der spares 2,8 mio. kr. årligt 2025 og frem."),
            Some((Some(2025), None))
        );
        assert_eq!(
            narrowed("I 2024 og 2025 spares 2,8 mio. kr. årligt."),
            Some((Some(2024), Some(2025)))
        );
        assert_eq!(narrowed("I 2024 og 2026 spares 2,8 mio. kr. årligt."), None);
        assert_eq!(
            narrowed("Der spares 2,8 mio. kr. årligt i 2024-priser."),
            Some((None, None))
        );
    }
}
