//! Arithmetic stated in words must add up (E121): "et merforbrug på 7,50 mio. kr. fratrukket
//! 0,04 mio. kr. giver et merforbrug på 7,46 mio. kr.", "2 mio. kr. plus 0,5 mio. kr., i alt 2,5
//! mio. kr.", "0,5 mio. kr., svarende til 500.000 kr.".
//!
//! A chain is an amount, then any number of amounts each after an operator ("plus", "tillagt",
//! "lagt til", "+", "minus", "fratrukket", "trukket fra", "-") and at most four words, then a
//! result after "giver", "svarende til", "svarer til", "bliver", "udgør", "i alt", "samlet" or
//! "=" and at most four words; a single amount has a result only after "svarende til", "svarer
//! til" or "=" (after "i alt" it is one year of a larger total). A year may follow an amount ("7,50 mio. kr. i 2025 fratrukket").
//! The signs are the operators', an amount's own minus, and the words "merforbrug"/"merudgift"
//! (+), "mindreforbrug"/"mindreudgift" (−), "merindtægt" (−) and "mindreindtægt" (+) right
//! before an amount. A result written without a sign or such a word agrees with a sum of either
//! sign. Result and terms are compared at the coarsest precision written (see `sum`). A result
//! followed by "pr." or "per" (a rate) is not a sum.

use std::sync::LazyLock;

use regex::Regex;
use rust_decimal::Decimal;

use crate::checks::Context;
use crate::checks::prose::sum::{Term, differs};
use crate::checks::prose::{Written, amounts_in};
use crate::diagnostic::{Code, Diagnostic};
use crate::number::format_amount;

/// The words between two terms: an operator.
static OPERATOR: LazyLock<Option<Regex>> = LazyLock::new(|| {
    crate::checks::letters::regex(
        r"^[ \t\n\x{a0}]*(?:i[ \t\n\x{a0}]+(?:19|20)[0-9]{2}[ \t\n\x{a0}]*)?,?[ \t\n\x{a0}]*(?:og[ \t\n\x{a0}]+)?(?P<op>(?i:plus|tillagt|lagt til|minus|fratrukket|trukket fra)|\+|-|\x{2212})[ \t\n\x{a0}]+(?:[\p{L}][\p{L}\-]*[ \t\n\x{a0}]+){0,4}[-\x{2212}]?$",
    )
});

/// The words between the last term and the result.
static RESULT: LazyLock<Option<Regex>> = LazyLock::new(|| {
    crate::checks::letters::regex(
        r"^[ \t\n\x{a0}]*(?:i[ \t\n\x{a0}]+(?:19|20)[0-9]{2}[ \t\n\x{a0}]*)?,?[ \t\n\x{a0}]*(?:(?i:hvilket|det|der|og)[ \t\n\x{a0}]+)?(?P<word>(?i:giver|svarende til|svarer til|bliver|udgør|i alt|samlet)|=)[ \t\n\x{a0}]+(?:[\p{L}][\p{L}\-]*[ \t\n\x{a0}]+){0,4}[-\x{2212}]?$",
    )
});

/// A word right before an amount that gives it a sign ("et merforbrug på").
static POLARITY: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?i)(?P<which>mer|mindre)(?P<what>forbrug|udgift|indtægt)[a-zæøå]*[ \t\n\x{a0}]+(?:(?:på|af|er|udgør)[ \t\n\x{a0}]+)?[-\x{2212}]?$").ok()
});

/// One chain: the terms with their signs, by index into the amounts, and the result's index.
#[derive(Debug, Clone, PartialEq)]
pub struct Chain {
    /// Each term's index and sign (+1 or −1, the operator's and the words').
    pub terms: Vec<(usize, i8)>,
    /// The result's index.
    pub result: usize,
}

/// Every chain of arithmetic in `text`.
pub fn chains(text: &str, amounts: &[Written]) -> Vec<Chain> {
    let (Some(operator), Some(result)) = (OPERATOR.as_ref(), RESULT.as_ref()) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    let mut i = 0;
    while i < amounts.len() {
        let mut terms = vec![(i, polarity(text, &amounts[i]))];
        let mut j = i;
        let mut closed = None;
        while let Some(next) = amounts.get(j + 1) {
            let gap = text.get(amounts[j].end..next.range.start).unwrap_or("");
            if let Some(caps) = operator.captures(gap) {
                let op = caps.name("op").map_or("", |m| m.as_str()).to_lowercase();
                let minus = op == "-"
                    || op == "\u{2212}"
                    || op.starts_with("minus")
                    || op.starts_with("fratrukket")
                    || op.starts_with("trukket");
                let sign = polarity(text, next) * if minus { -1 } else { 1 };
                terms.push((j + 1, sign));
                j += 1;
            } else if let Some(caps) = result.captures(gap) {
                // One amount and "i alt" or "giver" after it is a total of more than it ("4,25
                // mio. kr. i 2026, i alt 8,5 mio. kr."); only "svarende til" and "=" restate one.
                let word = caps.name("word").map_or("", |m| m.as_str()).to_lowercase();
                let restates = word.starts_with("svare") || word == "=";
                let rate = is_rate(text.get(next.end..).unwrap_or(""));
                if !rate && (terms.len() > 1 || restates) {
                    closed = Some(j + 1);
                }
                break;
            } else {
                break;
            }
        }
        match closed {
            Some(r) => {
                found.push(Chain { terms, result: r });
                i = r + 1;
            }
            None => i = j + 1,
        }
    }
    found
}

/// Whether the text after a result makes it a rate ("pr. borger", "per år").
fn is_rate(after: &str) -> bool {
    let t = after.trim_start().to_lowercase();
    t.starts_with("pr.") || t.starts_with("per ") || t.starts_with("pr ")
}

/// The sign the words before `amount` give it (+1 when none), times its own minus.
fn polarity(text: &str, amount: &Written) -> i8 {
    let own = if amount.negative { -1 } else { 1 };
    own * word_sign(text, amount).unwrap_or(1)
}

/// The sign a word right before `amount` gives it ("merforbrug" +1, "mindreforbrug" −1).
fn word_sign(text: &str, amount: &Written) -> Option<i8> {
    let head = text.get(..amount.range.start)?;
    let from = head.char_indices().rev().nth(40).map_or(0, |(i, _)| i);
    let caps = POLARITY.as_ref()?.captures(&head[from..])?;
    let more = caps.name("which")?.as_str().eq_ignore_ascii_case("mer");
    let income = caps
        .name("what")?
        .as_str()
        .to_lowercase()
        .starts_with("indt");
    Some(if more != income { 1 } else { -1 })
}

/// E121 for every chain of arithmetic in the prose that does not add up.
pub fn check(cx: &Context<'_>) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for prose in cx.prose {
        let amounts = amounts_in(&prose.text);
        let mut cursor = prose.cursor();
        let spans: Vec<_> = amounts
            .iter()
            .map(|a| cursor.locate(cx.view.text, &prose.text[a.range.clone()]))
            .collect();
        for chain in chains(&prose.text, &amounts) {
            let Some(stated) = amounts.get(chain.result) else {
                continue;
            };
            let terms: Vec<Term> = chain
                .terms
                .iter()
                .filter_map(|(i, sign)| {
                    amounts.get(*i).map(|a| Term {
                        value: a.value * Decimal::from(*sign),
                        decimals: a.decimals,
                        scale: a.scale,
                    })
                })
                .collect();
            let worded = word_sign(&prose.text, stated);
            let sign = polarity(&prose.text, stated);
            let target = Term {
                value: stated.value * Decimal::from(sign),
                decimals: stated.decimals,
                scale: stated.scale,
            };
            let either = worded.is_none() && !stated.negative;
            let Some(difference) = differs(target, &terms, either) else {
                continue;
            };
            let made = format!(
                "{} {}",
                format_amount(difference.made.normalize(), None),
                stated.unit
            );
            let flipped = differs(
                Term {
                    value: -target.value,
                    ..target
                },
                &terms,
                false,
            )
            .is_none();
            let help = if flipped {
                "the size agrees but the sign does not: check \"mer-\" and \"mindre-\" \
                 (merforbrug, mindreforbrug) and the operators; if the text is right, \
                 acknowledge E121 with a reason"
                    .to_owned()
            } else {
                format!(
                    "the terms are compared with the result at the precision written ({}); \
                     correct the result or the term that is wrong; if the text is right, acknowledge \
                     E121 with a reason",
                    difference.places
                )
            };
            found.push(
                Diagnostic::new(
                    Code::E121,
                    format!(
                        "the text says the amounts before it make {}, but they make {made}",
                        stated.text
                    ),
                    spans.get(chain.result).cloned(),
                )
                .with_label(format!("the terms make {made}"))
                .with_help(help),
            );
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The chains of `text` as (term indexes with signs, result index).
    fn read(text: &str) -> Vec<(Vec<(usize, i8)>, usize)> {
        chains(text, &amounts_in(text))
            .into_iter()
            .map(|c| (c.terms, c.result))
            .collect()
    }

    // Operators, results and the words that give a sign are read; rates and lists are not.
    #[test]
    fn reads_chains() {
        assert_eq!(
            read(
                "et merforbrug på 7,50 mio. kr. fratrukket 0,04 mio. kr. giver et mindreforbrug på 7,46 mio. kr."
            ),
            vec![(vec![(0, 1), (1, -1)], 2)]
        );
        assert_eq!(
            read("2 mio. kr. plus 0,5 mio. kr., i alt 2,5 mio. kr."),
            vec![(vec![(0, 1), (1, 1)], 2)]
        );
        assert_eq!(
            read("0,5 mio. kr., svarende til 500.000 kr."),
            vec![(vec![(0, 1)], 1)]
        );
        assert!(read("2 mio. kr., svarende til 500 kr. pr. borger.").is_empty());
        assert!(read("heraf 2 mio. kr. og 3 mio. kr.").is_empty());
    }
}
