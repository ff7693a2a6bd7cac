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
//! på/med/som", then two or more numbers joined by commas, "og" or "samt", the last joined by
//! "og" or "samt" (a list of any length: "heraf 1, 2, 3 og 4 mio. kr.", "heraf A, B samt C"). A
//! part may carry a sign ("-1,3 mio. kr.", "minus 1,3 mio. kr."), its own unit ("4.200 t.kr.")
//! and a few words or a year after it ("til løn", "i 2026"); a part without a unit takes the unit
//! of the last part that has one, else the total's, and must stand alone (so "heraf 3 og 2
//! årsværk" or "fordelt på 2024 og 2025" is not read as money). The parts are summed with their
//! signs; a total written without a sign also agrees with a sum of its size below zero (a saving
//! "på 4,2 mio. kr., fordelt med -1,3 og -2,9"). Approximate totals or parts ("ca.", "over") are
//! not checked.
//!
//! [`number::round`]: crate::number::round

use std::sync::LazyLock;

use regex::Regex;
use rust_decimal::Decimal;

use super::Context;
use crate::checks::prose::sum::{Term, differs};
use crate::checks::prose::{Written, amounts_in, parse_written};
use crate::diagnostic::{Code, Diagnostic};
use crate::number::format_amount;

/// What introduces the parts after a total.
static INTRO: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"^[ \t\n\x{a0}]*[,(]?[ \t\n\x{a0}]*(?i:heraf|hvoraf|fordelt[ \t\n\x{a0}]+(?:på|med|som))[ \t\n\x{a0}]+").ok()
});

/// A Danish number at the start of a text.
static NUMBER: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"^(?:[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]+)?|[0-9]+(?:,[0-9]+)?)").ok()
});

/// Words after a part with a unit ("til løn", "(serviceudgifter)", "i 2026"), up to the
/// separator.
static LABEL: LazyLock<Option<Regex>> = LazyLock::new(|| {
    crate::checks::letters::regex(
        r"^[ \t\n\x{a0}]+(?:\([^()0-9]{0,60}\)|[\p{L}][\p{L}\-/]*|(?:19|20)[0-9]{2})",
    )
});

/// The separator before the next part: a comma, "og", "samt", ", og" or ", samt".
static SEPARATOR: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"^(?:,[ \t\n\x{a0}]+(?:og|samt)|,|[ \t\n\x{a0}]+(?:og|samt))[ \t\n\x{a0}]+").ok()
});

/// Builds the pattern every text with an amount needs ahead of its first use (see
/// [`super::prepare`]); the others stay built on demand.
pub(super) fn prepare() {
    LazyLock::force(&INTRO);
}

/// One part as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    /// The number as written, in its unit, signed.
    pub value: Decimal,
    /// Decimals written.
    pub decimals: u32,
    /// Kroner per unit, when the part was written with one.
    pub scale: Option<Decimal>,
    /// Which of the text's amounts it is, when it was written with a unit.
    pub index: Option<usize>,
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

/// Every total of `text` with its parts, by index into `amounts`.
pub fn lists(text: &str, amounts: &[Written]) -> Vec<(usize, Vec<Part>)> {
    amounts
        .iter()
        .enumerate()
        .filter_map(|(i, total)| parts_after(text, total, amounts).map(|p| (i, p)))
        .collect()
}

/// A sign at `pos` ("-", "−", "minus "): whether it is negative and how long it is.
fn sign_at(text: &str, pos: usize) -> (bool, usize) {
    let rest = text.get(pos..).unwrap_or("");
    for sign in ["-", "\u{2212}", "minus ", "+", "plus "] {
        if let Some(after) = rest.strip_prefix(sign)
            && after.starts_with(|c: char| c.is_ascii_digit())
        {
            return (sign.starts_with(['-', '\u{2212}', 'm']), sign.len());
        }
    }
    (false, 0)
}

/// The parts listed right after `total`, when they form a closed list of two or more.
fn parts_after(text: &str, total: &Written, amounts: &[Written]) -> Option<Vec<Part>> {
    let mut pos = total.end + INTRO.as_ref()?.find(text.get(total.end..)?)?.end();
    // Built only once a list is introduced: most texts have none, and a one-off `render FILE`
    // then does not pay for compiling the Unicode letter classes.
    let (number, label, separator) = (NUMBER.as_ref()?, LABEL.as_ref()?, SEPARATOR.as_ref()?);
    let mut parts = Vec::new();
    let mut closed = false;
    loop {
        let (negative, skip) = sign_at(text, pos);
        pos += skip;
        let signed = |v: Decimal| if negative { -v } else { v };
        if let Some((index, with_unit)) = amounts
            .iter()
            .enumerate()
            .find(|(_, a)| a.range.start == pos)
        {
            // A part given every year ("1,1 mio. kr. årligt i 2026-2028") is not one term of
            // the total, so the list is no sum.
            if crate::checks::annual::is_annual(text, with_unit) {
                return None;
            }
            parts.push(Part {
                value: signed(with_unit.value),
                decimals: with_unit.decimals,
                scale: Some(with_unit.scale),
                index: Some(index),
            });
            pos = with_unit.end;
            // A few words may name the part ("til løn", "i 2026"), but not run on into the
            // next figure.
            for _ in 0..6 {
                let rest = text.get(pos..)?;
                if separator
                    .find(rest)
                    .is_some_and(|s| starts_number(&rest[s.end()..]))
                {
                    break;
                }
                match label.find(rest) {
                    // A year must end there ("i 2026", not the "2026" of "20261" or "2026,5").
                    Some(word) if !continues_number(&rest[word.end()..]) => pos += word.end(),
                    _ => break,
                }
            }
        } else {
            let (mut part, end) = bare(text, pos, number)?;
            part.value = signed(part.value);
            parts.push(part);
            pos = end;
        }
        let rest = text.get(pos..)?;
        match separator.find(rest) {
            Some(s) if starts_number(&rest[s.end()..]) => {
                closed = s.as_str().contains("og") || s.as_str().contains("samt");
                pos += s.end();
            }
            _ => break,
        }
    }
    (closed && parts.len() >= 2).then(|| with_units(parts, total.scale))
}

/// A part without a unit at `pos`, and where it ends: a number standing alone, followed by a
/// separator or the end of the clause, and not a bare year ("fordelt på 2024 og 2025").
fn bare(text: &str, pos: usize, number: &Regex) -> Option<(Part, usize)> {
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
        || after.starts_with("og ")
        || after.starts_with("samt ");
    alone.then_some((
        Part {
            value,
            decimals,
            scale: None,
            index: None,
        },
        end,
    ))
}

/// Whether a text goes on with digits, or a decimal mark and digits.
fn continues_number(rest: &str) -> bool {
    let mut chars = rest.chars();
    match chars.next() {
        Some(c) if c.is_ascii_digit() => true,
        Some('.' | ',') => chars.next().is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    }
}

/// Whether a text begins with a number, perhaps signed (the next part of a list).
fn starts_number(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_digit()) || sign_at(text, 0).1 > 0
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

/// The warning when the parts, at the precision written, do not make the total.
fn disagreement(
    total: &Written,
    parts: &[Part],
    at: Option<std::ops::Range<usize>>,
) -> Option<Diagnostic> {
    let stated = Term {
        value: if total.negative {
            -total.value
        } else {
            total.value
        },
        decimals: total.decimals,
        scale: total.scale,
    };
    let terms: Vec<Term> = parts
        .iter()
        .map(|p| Term {
            value: p.value,
            decimals: p.decimals,
            scale: p.scale.unwrap_or(total.scale),
        })
        .collect();
    let difference = differs(stated, &terms, !total.negative)?;
    let sum_text = format!(
        "{} {}",
        format_amount(difference.made.normalize(), None),
        total.unit
    );
    let rounded = difference.rounded.map_or(String::new(), |r| {
        format!(", which rounds to {r} {}", total.unit)
    });
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
            "a total and its parts are compared at the precision written ({}): the sum of \
             the parts, rounded half away from zero, must be the total; correct the total or the \
             part that is wrong",
            difference.places
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
            Some(vec![("2".to_owned(), 0), ("3".to_owned(), 0)])
        );
        assert_eq!(
            read("i alt 4,2 mio. kr., fordelt med -1,3 mio. kr. i 2026 og 5,5 mio. kr. i 2027."),
            Some(vec![("-1.3".to_owned(), 1), ("5.5".to_owned(), 1)])
        );
        assert_eq!(
            read(
                "i alt 10 mio. kr., heraf 1 mio. kr. til A, 2 mio. kr. til B, 3 mio. kr. til C samt 4 mio. kr. til D."
            ),
            Some(vec![
                ("1".to_owned(), 0),
                ("2".to_owned(), 0),
                ("3".to_owned(), 0),
                ("4".to_owned(), 0)
            ])
        );
        assert_eq!(
            read(
                "i alt 6 mio. kr., heraf 1 mio. kr. til A og 2 mio. kr. til B samt 3 mio. kr. til C."
            ),
            Some(vec![
                ("1".to_owned(), 0),
                ("2".to_owned(), 0),
                ("3".to_owned(), 0)
            ])
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
