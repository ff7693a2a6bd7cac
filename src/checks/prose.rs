//! Prose against tables: every amount of money written in a proposal's text ("2,8 mio. kr.",
//! "59.200 kr.") must be a figure its tables hold or compute, within the precision it is written
//! in (W003, at the number itself).
//!
//! The tolerance is the rounding step of the precision written: a table figure matches an amount
//! in the text when the figure, in the text's unit and rounded with `number::round` (half away
//! from zero) to the decimals written, equals it. 2,849 and 2,75 mio. kr. are "2,8 mio. kr.";
//! 2,85 is "2,9", never "2,8"; a table figure of 12,43 is "12,4" and "12", not "12,5". A total
//! and its parts in the text are compared the same way (`parts`, W026).
//!
//! Amounts qualified as approximate ("over 5 mio. kr.", "ca. 2 mio. kr.") and amounts without a
//! unit of money (counts of people, percentages, years) are left alone.

pub mod arithmetic;
pub mod bound;
pub mod reading;
pub mod repeated;
pub mod slip;
pub mod sum;
pub mod year;

use std::ops::Range;

use regex::Regex;
use rust_decimal::Decimal;
use toml::de::DeValue;

use crate::checked::{Block, CheckedProposal, Table, Unit};
use crate::diagnostic::{Code, Diagnostic};
use crate::number::sum_column;
use crate::number::{format_amount, round};

/// Keys of the proposal whose strings are prose to check.
const PROSE_KEYS: &[&str] = &["sections", "agreement", "tables", "target_group"];

/// Words that make an amount approximate, so it is not checked.
const APPROXIMATE: &[&str] = &[
    "over",
    "ca.",
    "ca",
    "cirka",
    "omkring",
    "op til",
    "mere end",
    "mindre end",
    "under",
    "knap",
    "godt",
    "næsten",
    "mindst",
    "højst",
    "op mod",
    "ned mod",
    "ud over",
];

/// One amount of money written in prose.
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    /// The amount in kroner, unsigned.
    pub kroner: Decimal,
    /// The number as written, in its unit, unsigned (2,8 for "2,8 mio. kr.").
    pub value: Decimal,
    /// How many decimals it is written with: a figure matches when rounded to these.
    pub decimals: u32,
    /// The amount as written, e.g. "2,8 mio. kr.".
    pub text: String,
    /// Kroner per unit of the written amount (1.000.000 for "mio. kr.").
    pub scale: Decimal,
    /// The unit as written, e.g. "mio. kr.".
    pub unit: String,
    /// Byte range of the number within the text it was found in.
    pub range: Range<usize>,
    /// Byte offset just after the unit ("kr.") within the text it was found in.
    pub end: usize,
    /// Written with a decimal point ("2.5 mio. kr."), read as its most likely meaning (2,5).
    pub dotted: bool,
    /// Written with a minus glued to it ("-1,3 mio. kr.").
    pub negative: bool,
}

impl Written {
    /// Whether `figure` (kroner, unsigned) is this amount once rounded, half away from zero, to
    /// the unit and decimals it is written in: 2,85 mio. kr. is written "2,9", never "2,8".
    pub fn matches(&self, figure: Decimal) -> bool {
        figure
            .checked_div(self.scale)
            .is_some_and(|v| round(v, self.decimals) == self.value)
    }
}

/// An amount of money: the number and its unit.
static PATTERN: std::sync::LazyLock<Option<Regex>> = std::sync::LazyLock::new(|| {
    Regex::new(
        r"(?P<num>[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]+)?|(?P<dot>[0-9]+\.(?:[0-9]{1,2}|[0-9]{4,}))|[0-9]+(?:,[0-9]+)?)[ \x{a0}]*(?P<unit>[Mm]ia\.?[ \x{a0}]*kr\.?|[Mm]io\.?[ \x{a0}]*kr\.?|t\.?[ \x{a0}]*kr\.?|tkr\.?|1\.000[ \x{a0}]*kr\.?|kr\.?)(?:[ \t\n\x{a0}]|$|[.,;:)!?])",
    )
    .ok()
});

/// Builds the pattern ahead of its first use (see [`super::prepare`]).
pub(super) fn prepare() {
    std::sync::LazyLock::force(&PATTERN);
}

/// Amounts of money in `text`, with their byte ranges (of the number, not the unit).
pub fn amounts_in(text: &str) -> Vec<Written> {
    let Some(pattern) = PATTERN.as_ref() else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for caps in pattern.captures_iter(text) {
        let (Some(num), Some(unit)) = (caps.name("num"), caps.name("unit")) else {
            continue;
        };
        if is_approximate(&text[..num.start()]) || follows_digit(text, num.start()) {
            continue;
        }
        let unit_text = unit.as_str().to_lowercase();
        let scale = if unit_text.starts_with("mia") {
            Decimal::from(1_000_000_000)
        } else if unit_text.starts_with("mio") {
            Decimal::from(1_000_000)
        } else if unit_text.starts_with('t') || unit_text.starts_with("1.000") {
            Decimal::from(1000)
        } else {
            Decimal::ONE
        };
        // A decimal point is read as the decimal comma it most likely means ("2.5" is 2,5).
        let dotted = caps.name("dot").is_some();
        let parsed = if dotted {
            parse_written(&num.as_str().replace('.', ","))
        } else {
            parse_written(num.as_str())
        };
        let Some((value, decimals)) = parsed else {
            continue;
        };
        // Amounts beyond any budget, or with absurd precision, are not figures to compare.
        if value > Decimal::from(crate::number::MAX_AMOUNT) || decimals > 12 {
            continue;
        }
        let Some(kroner) = value.checked_mul(scale) else {
            continue;
        };
        found.push(Written {
            kroner,
            value,
            decimals,
            text: format!("{} {}", num.as_str(), unit.as_str().trim()),
            scale,
            unit: unit.as_str().trim().to_owned(),
            range: num.range(),
            end: unit.end(),
            dotted,
            negative: minus_before(text, num.start()),
        });
    }
    found
}

/// Whether the words just before an amount make it approximate.
pub fn is_approximate(before: &str) -> bool {
    let tail: String = before
        .trim_end()
        .chars()
        .rev()
        .take(12)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect::<String>()
        .to_lowercase();
    APPROXIMATE.iter().any(|w| {
        tail.ends_with(w)
            && tail[..tail.len() - w.len()]
                .chars()
                .last()
                .is_none_or(|c| !c.is_alphanumeric())
    })
}

/// Whether the match at `start` continues a word ("femårig" inside "halvtredsårig").
pub fn after_word(text: &str, start: usize) -> bool {
    text[..start]
        .chars()
        .last()
        .is_some_and(char::is_alphanumeric)
}

/// Whether a minus is glued to the number at `start` ("-1,3", "−1,3"), after a blank or an
/// opening parenthesis (not a range such as "2025-2,5").
pub fn minus_before(text: &str, start: usize) -> bool {
    let mut before = text[..start].chars().rev();
    matches!(before.next(), Some('-' | '\u{2212}'))
        && before
            .next()
            .is_none_or(|c| c.is_whitespace() || c == '(' || c == '\u{a0}')
}

/// Whether the number continues a longer token (e.g. the "000" of "2.000.000" split oddly).
fn follows_digit(text: &str, start: usize) -> bool {
    text[..start]
        .chars()
        .last()
        .is_some_and(|c| c.is_ascii_digit() || c == '.' || c == ',')
}

/// A Danish number as written ("2,8", "59.200") and how many decimals it has.
pub fn parse_written(text: &str) -> Option<(Decimal, u32)> {
    let plain = text.replace('.', "").replace(',', ".");
    let decimals = text.split_once(',').map_or(0, |(_, d)| d.len() as u32);
    plain.parse::<Decimal>().ok().map(|v| (v, decimals))
}

/// Every figure the proposal's tables hold or compute, in kroner, unsigned.
pub fn figures(p: &CheckedProposal) -> Vec<Decimal> {
    let mut all = Vec::new();
    let mut add = |unit: Unit, values: &mut dyn Iterator<Item = Decimal>| {
        let scale = unit.kroner();
        all.extend(values.map(|v| (v * scale).abs()));
    };
    if let Some(b) = &p.budget {
        let rows: Vec<&Vec<Option<Decimal>>> = b
            .lines
            .iter()
            .map(|l| &l.cells)
            .chain(b.nets.iter().map(|n| &n.cells))
            .chain(b.current.iter())
            .collect();
        for cells in &rows {
            add(b.unit, &mut cells.iter().flatten().copied());
            add(b.unit, &mut sum_column(cells.iter().copied()).into_iter());
        }
        for i in 0..b.years.len() {
            let column = b.nets.iter().map(|n| n.cells[i]);
            add(b.unit, &mut sum_column(column).into_iter());
        }
        let grand = sum_column(b.nets.iter().flat_map(|n| n.cells.iter().copied()));
        add(b.unit, &mut grand.into_iter());
    }
    for block in p.sections.iter().flat_map(|s| &s.blocks) {
        let Block::Table(table) = block else { continue };
        let Table::Ledger(l) = table.as_ref() else {
            continue;
        };
        add(l.unit, &mut l.amounts().into_iter());
        // A row's or the total's sum over the years, which the text may name without the
        // table printing it.
        let years: Vec<usize> = l.year_columns().iter().map(|(i, _)| *i).collect();
        for cells in l.rows().map(|r| &r.cells).chain(std::iter::once(&l.totals)) {
            add(
                l.unit,
                &mut sum_column(years.iter().map(|i| cells[*i])).into_iter(),
            );
        }
    }
    if let Some(a) = &p.agreement {
        add(a.unit, &mut a.amounts.iter().map(|(_, v)| *v));
    }
    if let Some(r) = &p.request {
        add(r.unit, &mut std::iter::once(r.total));
        add(r.unit, &mut r.parts.iter().map(|(_, v)| *v));
        add(r.unit, &mut r.alternative.into_iter());
    }
    all
}

/// W003 (or E123 for a factor-1000 slip) for every amount in the proposal's prose that matches
/// none of its figures, leaving out the amounts `elsewhere` says another check compares (an
/// amount bound to a year, or given every year: `year` and `annual`, joined in `checks`, since
/// they read this module).
pub fn check(
    source: &str,
    strings: &[Prose],
    p: &CheckedProposal,
    elsewhere: &dyn Fn(&str, &Written) -> bool,
) -> Vec<Diagnostic> {
    let figures = figures(p);
    if figures.is_empty() {
        // Nothing to compare with: a note of prose only cannot disagree with its tables.
        return Vec::new();
    }
    let external: Vec<Decimal> = p
        .external_amounts
        .iter()
        .flat_map(|a| amounts_in(a))
        .map(|w| w.kroner)
        .collect();
    let figures: Vec<Decimal> = figures.into_iter().chain(external).collect();
    let mut found = Vec::new();
    for prose in strings {
        let mut cursor = prose.cursor();
        for amount in amounts_in(&prose.text) {
            let at = cursor.locate(source, &prose.text[amount.range.clone()]);
            // An amount bound to a year, or given every year, is compared year by year by
            // `year` (E120) and `annual` (W025).
            if elsewhere(&prose.text, &amount) {
                continue;
            }
            let matched = figures.iter().any(|f| amount.matches(*f));
            if matched {
                continue;
            }
            match slip::thousandfold(&amount, figures.iter().copied()) {
                Some((figure, bigger)) => {
                    found.push(slip::diagnostic(&amount, figure, bigger, at));
                }
                None => found.push(mismatch(&amount, &figures, at)),
            }
        }
    }
    found
}

/// One string of prose: its text and the span of its literal in the source.
pub struct Prose {
    /// The string's value.
    pub text: String,
    /// Span of the string literal (with its quotes) in the source.
    pub span: Range<usize>,
}

impl Prose {
    /// A cursor that finds this string's numbers in the source, left to right.
    pub fn cursor(&self) -> Cursor {
        Cursor {
            span: self.span.clone(),
            from: 0,
        }
    }
}

/// Finds successive pieces of a string's text in its source literal.
pub struct Cursor {
    /// Span of the literal.
    span: Range<usize>,
    /// Where in the literal to search next.
    from: usize,
}

impl Cursor {
    /// The source span of the next occurrence of `piece`; the whole literal if it was escaped.
    pub fn locate(&mut self, source: &str, piece: &str) -> Range<usize> {
        let raw = source.get(self.span.clone()).unwrap_or("");
        match raw.get(self.from..).and_then(|rest| rest.find(piece)) {
            Some(i) => {
                let start = self.from + i;
                self.from = start + piece.len();
                self.span.start + start..self.span.start + start + piece.len()
            }
            None => self.span.clone(),
        }
    }
}

/// Every prose string of a proposal (sections, agreement, tables' text, target group), in
/// source order, skipping table units and price bases.
pub fn strings(view: &crate::source::SourceView<'_>) -> Vec<Prose> {
    let Some(table) = view.table() else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for (key, value) in table {
        if PROSE_KEYS.contains(&key.get_ref().as_ref()) {
            collect(value.get_ref(), value.span(), &mut found);
        }
    }
    found.sort_by_key(|p| p.span.start);
    found
}

/// Collects the strings under one value.
fn collect(value: &DeValue<'_>, span: Range<usize>, found: &mut Vec<Prose>) {
    match value {
        DeValue::String(text) => found.push(Prose {
            text: text.to_string(),
            span,
        }),
        DeValue::Array(items) => {
            for item in items {
                collect(item.get_ref(), item.span(), found);
            }
        }
        DeValue::Table(table) => {
            for (key, item) in table {
                // Table units ("1.000 kr.") and price bases are not prose.
                if !matches!(key.get_ref().as_ref(), "unit" | "prices") {
                    collect(item.get_ref(), item.span(), found);
                }
            }
        }
        _ => {}
    }
}

/// The warning for an amount no figure matches, naming the nearest figure.
fn mismatch(amount: &Written, figures: &[Decimal], at: Range<usize>) -> Diagnostic {
    let nearest = figures
        .iter()
        .min_by_key(|f| (**f - amount.kroner).abs())
        .copied();
    let read_as = if amount.dotted {
        format!(" (read as {})", amount.text.replacen('.', ",", 1))
    } else {
        String::new()
    };
    let mut d = Diagnostic::new(
        Code::W003,
        format!(
            "the text says {}{read_as}, but no figure in the proposal's tables rounds to it",
            amount.text
        ),
        Some(at),
    )
    .with_label("matches no table figure");
    d = match nearest {
        Some(n) => d.with_help(format!(
            "the nearest figure is {} {}; correct the text or the table, or list the amount in \
             `external_amounts` if it is a figure from outside this proposal",
            format_amount((n / amount.scale).normalize(), None),
            amount.unit
        )),
        None => d.with_help(
            "add the table, write \"ca.\" if the amount is approximate, or list it in \
             `external_amounts` if it is a figure from outside this proposal",
        ),
    };
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    // Amounts with a unit of money are found with their value, precision and range; counts,
    // percentages, years and approximate amounts are not.
    #[test]
    fn finds_amounts_of_money() {
        let text = "Besparelse på 2,8 mio. kr. i 2024, heraf 59.200 kr. og 500 t.kr.; 53 pct. og 20 fuldtidspersoner; over 5 mio. kr. i 2017.";
        let found = amounts_in(text);
        let values: Vec<(Decimal, u32)> = found.iter().map(|w| (w.kroner, w.decimals)).collect();
        assert_eq!(
            values,
            vec![
                (Decimal::from(2_800_000), 1),
                (Decimal::from(59_200), 0),
                (Decimal::from(500_000), 0),
            ]
        );
        assert_eq!(&text[found[0].range.clone()], "2,8");
        assert_eq!(found[1].text, "59.200 kr.");
    }

    // A figure matches the text when it rounds half away from zero to the digits written:
    // 2,85 mio. kr. is "2,9" (not "2,8"), 2,849 is "2,8", 59.199,5 kr. is "59.200 kr.".
    #[test]
    fn a_figure_matches_when_it_rounds_to_the_text() {
        let found = amounts_in("2,8 mio. kr. og 2,9 mio. kr. og 59.200 kr.");
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert!(!found[0].matches(d("2850000")));
        assert!(found[1].matches(d("2850000")));
        assert!(found[0].matches(d("2849999")));
        assert!(found[0].matches(d("2750000")));
        assert!(found[2].matches(d("59199.5")));
        assert!(!found[2].matches(d("59200.5")));
    }

    // "ca." and "cirka" make an amount approximate; "i alt" does not.
    #[test]
    fn approximate_words() {
        assert!(is_approximate("forventes ca. "));
        assert!(is_approximate("Cirka "));
        assert!(!is_approximate("i alt "));
        assert!(!is_approximate("Investeringen "));
    }
}
