//! The same quantity stated twice in one note with different figures (E122): "besparelsen på 2,5
//! mio. kr. i 2026" in one section and "besparelsen på 2,6 mio. kr. i 2026" in another.
//!
//! A quantity is a noun right before the amount ("en besparelse på", "merforbruget er",
//! "udgiften udgør", or "er besparelsen" in inverted order) with the year the amount is bound to (see `bound`). Two statements are of
//! the same quantity when their nouns are the same word, in its indefinite or definite form
//! ("besparelse", "besparelsen"), and their years are the same; without a year, only nouns in
//! the definite form ("besparelsen", "udgiften") are compared, since "en besparelse på" may well
//! be another saving. They differ when neither amount, rounded to the other's precision, is the
//! other. A sentence of another time (the past, another plan) is not compared.

use std::sync::LazyLock;

use regex::Regex;

use crate::checks::Context;
use crate::checks::prose::bound::{Bound, bound};
use crate::checks::prose::{Written, amounts_in};
use crate::checks::years;
use crate::diagnostic::{Code, Diagnostic};

/// The noun before an amount: an article or adjective, the noun, then "på", "er" or "udgør".
static NOUN: LazyLock<Option<Regex>> = LazyLock::new(|| {
    crate::checks::letters::regex(
        r"(?:^|[^\p{L}])(?:(?P<pre>\p{L}+)[ \t\n\x{a0}]+)?(?P<noun>\p{L}{4,})[ \t\n\x{a0}]+(?:på|er|udgør)[ \t\n\x{a0}]+[-\x{2212}]?$",
    )
});

/// A definite noun right before an amount, after "er", "udgør" or "bliver" ("i 2026 er
/// besparelsen 2,5 mio. kr.").
static INVERTED: LazyLock<Option<Regex>> = LazyLock::new(|| {
    crate::checks::letters::regex(
        r"(?:^|[^\p{L}])(?i:er|udgør|bliver)[ \t\n\x{a0}]+(?P<noun>\p{L}{4,}(?:en|et|ne))[ \t\n\x{a0}]+[-\x{2212}]?$",
    )
});

/// One quantity stated in the text.
struct Stated {
    /// The noun, in small letters.
    noun: String,
    /// Whether it is in the definite form.
    definite: bool,
    /// The year it is bound to.
    bound: Bound,
    /// The amount.
    amount: Written,
}

/// The quantity `amount` of `text` states, if a noun names it.
fn stated(text: &str, amount: &Written) -> Option<Stated> {
    let head = text.get(..amount.range.start)?;
    let from = head.char_indices().rev().nth(60).map_or(0, |(i, _)| i);
    let head = &head[from..];
    if let Some(caps) = INVERTED.as_ref().and_then(|p| p.captures(head)) {
        return Some(Stated {
            noun: caps.name("noun")?.as_str().to_lowercase(),
            definite: true,
            bound: bound(text, amount),
            amount: amount.clone(),
        });
    }
    let caps = NOUN.as_ref()?.captures(head)?;
    let noun = caps.name("noun")?.as_str().to_lowercase();
    let pre = caps.name("pre").map(|p| p.as_str().to_lowercase());
    let article = pre.as_deref().is_some_and(|p| ["en", "et"].contains(&p));
    let definite = !article && ["en", "et", "ne"].iter().any(|s| noun.ends_with(s));
    Some(Stated {
        noun,
        definite,
        bound: bound(text, amount),
        amount: amount.clone(),
    })
}

/// Whether two nouns are one word, perhaps one in the definite form ("besparelse(n)").
fn same_noun(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    long.strip_prefix(short)
        .is_some_and(|rest| ["", "n", "en", "t", "et"].contains(&rest))
}

/// E122 for every quantity the prose states again with another figure.
pub fn check(cx: &Context<'_>) -> Vec<Diagnostic> {
    let mut seen: Vec<Stated> = Vec::new();
    let mut found = Vec::new();
    for prose in cx.prose {
        let mut cursor = prose.cursor();
        for amount in amounts_in(&prose.text) {
            let at = cursor.locate(cx.view.text, &prose.text[amount.range.clone()]);
            let sentence = &prose.text[years::sentence(&prose.text, amount.range.clone())];
            if years::other_time(sentence, None) {
                continue;
            }
            let Some(now) = stated(&prose.text, &amount) else {
                continue;
            };
            let comparable = |earlier: &Stated| {
                same_noun(&earlier.noun, &now.noun)
                    && earlier.bound == now.bound
                    && (now.bound != Bound::None || (earlier.definite && now.definite))
            };
            if let Some(earlier) = seen.iter().find(|e| comparable(e)) {
                let agree = earlier.amount.matches(now.amount.kroner)
                    || now.amount.matches(earlier.amount.kroner);
                if !agree {
                    let when = match now.bound {
                        Bound::In(y) => format!(" in {y}"),
                        Bound::From(y) => format!(" from {y}"),
                        Bound::Every => " a year".to_owned(),
                        Bound::Each(a, b) => format!(" in each of {a}-{b}"),
                        Bound::Total(a, b) => format!(" in {a}-{b} in all"),
                        Bound::None => String::new(),
                    };
                    found.push(
                        Diagnostic::new(
                            Code::E122,
                            format!(
                                "the text says \"{}\" is {}{when}, but earlier {}",
                                now.noun, now.amount.text, earlier.amount.text
                            ),
                            Some(at),
                        )
                        .with_label(format!("earlier {}", earlier.amount.text))
                        .with_help(
                            "the same quantity is stated twice with different figures; correct \
                             the one that is wrong, or name them apart if they are two things (or \
                             acknowledge E122 with a reason)",
                        ),
                    );
                }
                continue;
            }
            seen.push(now);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    // Nouns in the indefinite and definite form are one word; others are not.
    #[test]
    fn same_nouns() {
        assert!(same_noun("besparelse", "besparelsen"));
        assert!(same_noun("merforbruget", "merforbrug"));
        assert!(!same_noun("udgift", "udgifterne"));
        assert!(!same_noun("besparelse", "indtægt"));
    }

    // The noun before an amount is read with its form and year.
    #[test]
    fn reads_the_quantity() {
        let text = "Besparelsen er 2,5 mio. kr. i 2026, og en besparelse på 1 mio. kr.";
        let amounts = amounts_in(text);
        let first = stated(text, &amounts[0]).unwrap();
        assert_eq!((first.noun.as_str(), first.definite), ("besparelsen", true));
        assert_eq!(first.bound, Bound::In(2026));
        let second = stated(text, &amounts[1]).unwrap();
        assert_eq!(
            (second.noun.as_str(), second.definite),
            ("besparelse", false)
        );
    }
}
