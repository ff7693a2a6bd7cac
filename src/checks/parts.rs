//! A total in the text and the parts it is split into must agree (W026): "i alt 12,5 mio. kr.,
//! heraf 4,2 og 8,23 mio. kr." or "12,5 mio. kr., fordelt på 4,2 mio. kr. til løn og 8,23 mio.
//! kr. til drift".
//!
//! The tolerance is the rounding step of the precision written. Total and parts are compared at
//! the coarsest precision written in the phrase (usually the total's, in the total's unit): the
//! sum of the parts as written and the total, each rounded there with [`number::round`] (half
//! away from zero), must be equal. "i alt 12,5, heraf 4,2 og 8,23" is a mismatch (the parts make
//! 12,43, which rounds to 12,4); "i alt 12,4 …" and "i alt 12 …" (12,43 rounds to 12) are not;
//! "i alt 12,43, heraf 4,2 og 8,2" is compared at one decimal, the parts' precision, and agrees.
//!
//! Only a closed list is read: a total with a unit of money, then "heraf", "hvoraf" or "fordelt
//! på/med/som", then two or more numbers joined by commas and a final "og". A part may carry its
//! own unit ("4.200 t.kr.") and a few words after it ("til løn"); a part without a unit takes the
//! unit of the last part that has one, else the total's, and must stand alone (so "heraf 3 og 2
//! årsværk" or "fordelt på 2024 og 2025" is not read as money). Approximate totals or parts
//! ("ca.", "over") and lists broken by a year ("heraf 2 mio. kr. i 2024 og …") are not checked.
//!
//! [`number::round`]: crate::number::round

use std::sync::LazyLock;

use regex::Regex;
use rust_decimal::Decimal;

use super::Context;
use crate::checks::prose::{Written, amounts_in, parse_written};
use crate::diagnostic::{Code, Diagnostic};
use crate::number::{format_amount, round};

/// What introduces the parts after a total.
static INTRO: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"^[ \t\n\x{a0}]*[,(]?[ \t\n\x{a0}]*(?i:heraf|hvoraf|fordelt[ \t\n\x{a0}]+(?:på|med|som))[ \t\n\x{a0}]+").ok()
});

/// A Danish number at the start of a text.
static NUMBER: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"^(?:[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]+)?|[0-9]+(?:,[0-9]+)?)").ok()
});

/// Words after a part with a unit ("til løn", "(serviceudgifter)"), up to the separator.
static LABEL: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^[ \t\n\x{a0}]+(?:\([^()0-9]{0,60}\)|[\p{L}][\p{L}\-/]*)").ok());

/// The separator before the next part: a comma, "og" or ", og".
static SEPARATOR: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^(?:,[ \t\n\x{a0}]+og|,|[ \t\n\x{a0}]+og)[ \t\n\x{a0}]+").ok());

/// Builds the pattern every text with an amount needs ahead of its first use (see
/// [`super::prepare`]); the others stay built on demand.
pub(super) fn prepare() {
    LazyLock::force(&INTRO);
}

/// One part as written.
#[derive(Debug, Clone, PartialEq)]
struct Part {
    /// The number as written, in its unit.
    value: Decimal,
    /// Decimals written.
    decimals: u32,
    /// Kroner per unit, when the part was written with one.
    scale: Option<Decimal>,
}

/// W026 for every total in the prose whose parts, as written, do not make it.
pub fn check(cx: &Context<'_>) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for prose in cx.prose {
        let mut cursor = prose.cursor();
        let amounts = amounts_in(&prose.text);
        for total in &amounts {
            // Locate every amount in order, so the cursor stays in step with the text.
            let at = cursor.locate(cx.view.text, &prose.text[total.range.clone()]);
            let Some(parts) = parts_after(&prose.text, total, &amounts) else {
                continue;
            };
            found.extend(disagreement(total, &parts, Some(at)));
        }
    }
    found
}

/// The parts listed right after `total`, when they form a closed list of two or more.
fn parts_after(text: &str, total: &Written, amounts: &[Written]) -> Option<Vec<Part>> {
    let mut pos = total.end + INTRO.as_ref()?.find(text.get(total.end..)?)?.end();
    // Built only once a list is introduced: most texts have none, and a one-off `render FILE`
    // then does not pay for compiling the Unicode letter classes.
    let (number, label, separator) = (NUMBER.as_ref()?, LABEL.as_ref()?, SEPARATOR.as_ref()?);
    let mut parts = Vec::new();
    loop {
        if let Some(with_unit) = amounts.iter().find(|a| a.range.start == pos) {
            parts.push(Part {
                value: with_unit.value,
                decimals: with_unit.decimals,
                scale: Some(with_unit.scale),
            });
            pos = with_unit.end;
            // A few words may name the part ("til løn"), but not run on into the next figure.
            for _ in 0..6 {
                let rest = text.get(pos..)?;
                if separator
                    .find(rest)
                    .is_some_and(|s| starts_number(&rest[s.end()..]))
                {
                    break;
                }
                match label.find(rest) {
                    Some(word) => pos += word.end(),
                    None => break,
                }
            }
        } else {
            let (part, end) = bare(text, pos, number, false)?;
            parts.push(part);
            pos = end;
        }
        let rest = text.get(pos..)?;
        match separator.find(rest) {
            Some(s) if starts_number(&rest[s.end()..]) => {
                let closes = s.as_str().contains("og");
                pos += s.end();
                if closes {
                    // The part after "og" is the last one.
                    let last = last_part(text, pos, amounts, number)?;
                    parts.push(last);
                    return (parts.len() >= 2).then(|| with_units(parts, total.scale));
                }
            }
            _ => return None,
        }
    }
}

/// The last part of a list, at `pos` (after "og").
fn last_part(text: &str, pos: usize, amounts: &[Written], number: &Regex) -> Option<Part> {
    match amounts.iter().find(|a| a.range.start == pos) {
        Some(with_unit) => Some(Part {
            value: with_unit.value,
            decimals: with_unit.decimals,
            scale: Some(with_unit.scale),
        }),
        None => bare(text, pos, number, true).map(|(part, _)| part),
    }
}

/// A part without a unit at `pos`, and where it ends: a number standing alone, followed by a
/// separator or the end of the clause, and not a bare year ("fordelt på 2024 og 2025").
fn bare(text: &str, pos: usize, number: &Regex, last: bool) -> Option<(Part, usize)> {
    let digits = number.find(text.get(pos..)?)?;
    let written = digits.as_str();
    let (value, decimals) = parse_written(written)?;
    let year = Decimal::from(1900)..Decimal::from(2100);
    if decimals == 0 && !written.contains('.') && year.contains(&value) {
        return None;
    }
    let end = pos + digits.end();
    let after = text.get(end..)?.trim_start_matches([' ', '\u{a0}']);
    let alone = after.is_empty()
        || after.starts_with(['.', ',', ';', ':', ')', '!', '?', '\n'])
        || (!last && after.starts_with("og "));
    alone.then_some((
        Part {
            value,
            decimals,
            scale: None,
        },
        end,
    ))
}

/// Whether a text begins with a digit (the next part of a list).
fn starts_number(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_digit())
}

/// Gives each part without a unit the unit of the last part that has one, else the total's.
fn with_units(mut parts: Vec<Part>, total_scale: Decimal) -> Vec<Part> {
    let shared = parts
        .iter()
        .rev()
        .find_map(|p| p.scale)
        .unwrap_or(total_scale);
    for part in &mut parts {
        part.scale.get_or_insert(shared);
    }
    parts
}

/// How many places a power of ten has (1.000.000 → 6).
fn exponent(scale: Decimal) -> i64 {
    let mut n = 0;
    let mut s = scale;
    while s >= Decimal::TEN {
        s /= Decimal::TEN;
        n += 1;
    }
    n
}

/// The warning when the parts, at the precision written, do not make the total.
fn disagreement(
    total: &Written,
    parts: &[Part],
    at: Option<std::ops::Range<usize>>,
) -> Option<Diagnostic> {
    let total_exponent = exponent(total.scale);
    let mut decimals = i64::from(total.decimals);
    let mut sum = Decimal::ZERO;
    for part in parts {
        let scale = part.scale.unwrap_or(total.scale);
        decimals = decimals.min(i64::from(part.decimals) - exponent(scale) + total_exponent);
        sum = sum.checked_add(part.value.checked_mul(scale)?.checked_div(total.scale)?)?;
    }
    // Parts written more coarsely than the total's unit (millions in a total of thousands) are
    // compared in steps of that unit: a power of ten, so the division is exact.
    let step =
        (0..(-decimals).max(0)).try_fold(Decimal::ONE, |s, _| s.checked_mul(Decimal::TEN))?;
    let places = u32::try_from(decimals.max(0)).ok()?;
    let at_precision = |v: Decimal| round(v / step, places) * step;
    let (made, stated) = (at_precision(sum), at_precision(total.value));
    if made == stated {
        return None;
    }
    let sum_text = format!("{} {}", format_amount(sum.normalize(), None), total.unit);
    let rounded = if made == sum {
        String::new()
    } else {
        format!(
            ", which rounds to {} {}",
            format_amount(made, Some(places)),
            total.unit
        )
    };
    let places = match decimals {
        ..=-1 => format!("steps of {}", format_amount(step, None)),
        0 => "whole numbers".to_owned(),
        1 => "1 decimal".to_owned(),
        n => format!("{n} decimals"),
    };
    Some(
        Diagnostic::new(
            Code::W026,
            format!(
                "the text says {} in all, but the parts it lists make {sum_text}{rounded}",
                total.text
            ),
            at,
        )
        .with_label(format!("the parts make {sum_text}"))
        .with_help(format!(
            "a total and its parts are compared at the precision written ({places}): the sum of \
             the parts, rounded half away from zero, must be the total; correct the total or the \
             part that is wrong"
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The parts after the first amount of `text`, in the total's unit, with their decimals.
    fn read(text: &str) -> Option<Vec<(String, u32)>> {
        let amounts = amounts_in(text);
        let total = amounts.first()?;
        parts_after(text, total, &amounts).map(|parts| {
            parts
                .iter()
                .map(|p| {
                    let v = p.value * p.scale.unwrap_or(total.scale) / total.scale;
                    (v.normalize().to_string(), p.decimals)
                })
                .collect()
        })
    }

    // Closed lists are read in the shapes Danish text uses; open ones, counts and years are not.
    #[test]
    fn reads_closed_lists_of_parts() {
        let two = Some(vec![("4.2".to_owned(), 1), ("8.23".to_owned(), 2)]);
        assert_eq!(read("i alt 12,5 mio. kr., heraf 4,2 og 8,23."), two);
        assert_eq!(read("i alt 12,5 mio. kr., heraf 4,2 og 8,23 mio. kr."), two);
        assert_eq!(
            read("12,5 mio. kr. fordelt på 4,2 mio. kr. til løn og 8,23 mio. kr. til drift."),
            two
        );
        assert_eq!(
            read("i alt 12,5 mio. kr. (heraf 4.200 t.kr. og 8,23 mio. kr.)"),
            Some(vec![("4.2".to_owned(), 0), ("8.23".to_owned(), 2)])
        );
        assert_eq!(
            read("i alt 9 mio. kr., heraf 2, 3 og 4 mio. kr."),
            Some(vec![
                ("2".to_owned(), 0),
                ("3".to_owned(), 0),
                ("4".to_owned(), 0)
            ])
        );
        assert_eq!(
            read("i alt 12,5 mio. kr., heraf 4,2 mio. kr. til løn."),
            None
        );
        assert_eq!(read("i alt 5 mio. kr., heraf 3 og 2 årsværk."), None);
        assert_eq!(read("i alt 5 mio. kr., fordelt på 2024 og 2025."), None);
        assert_eq!(
            read("i alt 5 mio. kr., heraf 2 mio. kr. i 2024 og 3 mio. kr. i 2025."),
            None
        );
        assert_eq!(read("i alt 5 mio. kr., heraf ca. 2 og 3 mio. kr."), None);
        assert_eq!(read("i alt 5 mio. kr. og heraf 2 og 3."), None);
    }

    // The tolerance is the rounding step of the precision written: 12,43 is 12,4 and 12.
    #[test]
    fn compares_at_the_precision_written() {
        let warns = |text: &str| {
            let amounts = amounts_in(text);
            let parts = parts_after(text, &amounts[0], &amounts).unwrap();
            disagreement(&amounts[0], &parts, None).is_some()
        };
        assert!(warns("i alt 12,5 mio. kr., heraf 4,2 og 8,23."));
        assert!(!warns("i alt 12,4 mio. kr., heraf 4,2 og 8,23."));
        assert!(!warns("i alt 12 mio. kr., heraf 4,2 og 8,23."));
        assert!(!warns("i alt 12,43 mio. kr., heraf 4,2 og 8,2."));
        assert!(warns("i alt 13 mio. kr., heraf 4,2 og 8,23."));
        // 12,45 rounds half away from zero to 12,5.
        assert!(!warns("i alt 12,5 mio. kr., heraf 4,2 og 8,25."));
        // Parts in whole tenths of millions, a total in thousands: compared in steps of 100.
        assert!(!warns("i alt 12.450 t.kr., heraf 4,2 og 8,25 mio. kr."));
        assert!(warns("i alt 12.650 t.kr., heraf 4,2 og 8,25 mio. kr."));
    }
}
