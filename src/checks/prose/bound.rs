//! The year an amount is bound to by the words around it: "2,5 mio. kr. i 2026", "i 2026 udgør
//! besparelsen 2,5 mio. kr.", "fra 2027 1,1 mio. kr.", "1,1 mio. kr. i 2027 og frem", and the
//! amounts given every year ("årligt", "om året", "hvert år": see `annual`).
//!
//! Only a year right next to the amount binds it: after it ("i 2026", "fra 2027", a remark in
//! parentheses between), or before it in the same clause with at most six words and no other
//! number between ("I 2026 udgør besparelsen 2,5 mio. kr."), unless the year follows another
//! amount, whose year it is ("1,8 mio. kr. i 2025 samt 3,3 mio. kr."). A span of years after "i"
//! ("i 2026 og 2027", two years one after the other; "i 2026-2028", "i 2026–2028", "i 2026 til
//! 2028") binds the amount to each of its years, or to their sum when the words of its own part
//! of the sentence say so ("i alt", "samlet", "tilsammen": "i alt 5 mio. kr. i 2026-2027", "5 mio.
//! kr. i alt i 2026 og 2027"). "fra 2026 til 2028", two years apart ("i 2026 og 2028") and a
//! price basis ("i 2024-priser") bind nothing.

use std::sync::LazyLock;

use regex::Regex;

use crate::checks::annual;
use crate::checks::prose::Written;

/// The year or years an amount is bound to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// No year.
    None,
    /// One year ("i 2026").
    In(i64),
    /// A year and the ones after it ("fra 2027", "i 2027 og frem").
    From(i64),
    /// Every year ("årligt", "om året", "hvert år").
    Every,
    /// Each year of a span, first and last ("i 2026 og 2027", "i 2026-2028").
    Each(i64, i64),
    /// The sum over a span's years, first and last ("i alt 5 mio. kr. i 2026-2027").
    Total(i64, i64),
}

/// A year phrase right after an amount (and a parenthesis after it, see [`after`]): "i 2026",
/// "fra (og med) 2027".
static AFTER: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"^(?:(?P<sum>(?i:i alt|samlet|tilsammen))[ \t\n\x{a0}]+)?(?i:(?P<word>i|fra|fra og med|pr\.|per|gældende fra))[ \t\n\x{a0}]+(?P<year>(?:19|20)[0-9]{2})").ok()
});

/// The characters a year phrase may stand apart by.
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\u{a0}')
}

/// `rest` after the space and the one parenthesis of at most 80 characters (without another
/// parenthesis inside) that may stand between an amount and its year phrase ("5 mio. kr.
/// (netto) i 2026"); `None` when a parenthesis opens there and does not close in time.
fn past_parenthesis(rest: &str) -> Option<&str> {
    let rest = rest.trim_start_matches(is_space);
    let Some(inside) = rest.strip_prefix('(') else {
        return Some(rest);
    };
    let (at, close) = inside
        .char_indices()
        .take(81)
        .find(|(_, c)| matches!(c, '(' | ')'))?;
    (close == ')').then(|| inside[at + 1..].trim_start_matches(is_space))
}

/// The last year of a span right after a first one: "-2027", "–2028", " og 2027", " til 2028",
/// not followed by a letter, digit or hyphen ("2026-2027-priser").
static SPAN: LazyLock<Option<Regex>> = LazyLock::new(|| {
    crate::checks::letters::regex(
        r"^(?:[ \t\n\x{a0}]*(?:-|–)[ \t\n\x{a0}]*|[ \t\n\x{a0}]+(?P<join>og|til)[ \t\n\x{a0}]+)(?P<last>(?:19|20)[0-9]{2})(?:$|[^\p{L}0-9\-])",
    )
});

/// Words that make an amount over a span of years their sum.
const SUM: [&str; 3] = ["i alt", "samlet", "tilsammen"];

/// A year phrase before an amount in its clause, up to six words, then the amount.
static BEFORE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    crate::checks::letters::regex(
        r"(?:^|[^\p{L}0-9])(?P<word>(?i:i|fra|fra og med))[ \t\n\x{a0}]+(?P<year>(?:19|20)[0-9]{2})(?:(?:[ \t\n\x{a0}]*(?:-|–)[ \t\n\x{a0}]*|[ \t\n\x{a0}]+(?P<join>og|til)[ \t\n\x{a0}]+)(?P<last>(?:19|20)[0-9]{2}))?(?P<onwards>[ \t\n\x{a0}]+og[ \t\n\x{a0}]+frem(?:efter|over)?)?,?(?:[ \t\n\x{a0}]+[\p{L}][\p{L}\-]*){0,6}[ \t\n\x{a0}]+[-\x{2212}]?$",
    )
});

/// Builds the patterns ahead of their first use.
pub(crate) fn prepare() {
    LazyLock::force(&AFTER);
    LazyLock::force(&BEFORE);
    LazyLock::force(&SPAN);
}

/// The year `amount` of `text` is bound to.
pub fn bound(text: &str, amount: &Written) -> Bound {
    if annual::is_annual(text, amount) {
        return Bound::Every;
    }
    let summed = said_in_all(text, amount);
    if let Some(found) = after(text.get(amount.end..).unwrap_or(""), summed) {
        return found;
    }
    let clause_start = clause_start(text, amount.range.start);
    before(
        text.get(clause_start..amount.range.start).unwrap_or(""),
        summed,
    )
}

/// Whether the words of the amount's own part of its sentence, since the amount before it, say
/// "i alt", "samlet" or "tilsammen" ("i alt 5 mio. kr."; after the amount, `AFTER` reads them).
fn said_in_all(text: &str, amount: &Written) -> bool {
    let sentence = crate::checks::years::sentence(text, amount.range.clone());
    let head = text.get(sentence.start..amount.range.start).unwrap_or("");
    let own = head
        .rfind("kr")
        .map_or(head, |i| head.get(i + 2..).unwrap_or(""));
    crate::checks::letters::has_word(own, &SUM)
}

/// The binding of a span of years from `first` to `last`: each year, or their sum; nothing for
/// years out of order, two years apart joined by "og", or a span of more than ten years.
fn span(first: i64, last: i64, joined_by_og: bool, summed: bool) -> Bound {
    if last <= first || (joined_by_og && last != first + 1) || last - first > 10 {
        Bound::None
    } else if summed {
        Bound::Total(first, last)
    } else {
        Bound::Each(first, last)
    }
}

/// Where the clause around byte `at` begins: after the last ";", ":" or sentence end before it.
fn clause_start(text: &str, at: usize) -> usize {
    let head = &text[..at];
    let sentence = crate::checks::years::sentence(text, at..at).start;
    let mark = head.rfind([';', ':', '\n']).map_or(0, |i| i + 1);
    sentence.max(mark)
}

/// The year phrase right after an amount; `summed` when the words before it say "i alt".
fn after(rest: &str, summed: bool) -> Option<Bound> {
    let rest = past_parenthesis(rest)?;
    let caps = AFTER.as_ref()?.captures(rest)?;
    let year_at = caps.name("year")?;
    let year: i64 = year_at.as_str().parse().ok()?;
    // What follows the year on its line, 16 characters at most.
    let after_year = &rest[year_at.end()..];
    let tail = after_year
        .char_indices()
        .take_while(|(_, c)| *c != '\n')
        .nth(16)
        .map_or(after_year.split('\n').next().unwrap_or(""), |(i, _)| {
            &after_year[..i]
        });
    let word = caps.name("word")?.as_str().to_lowercase();
    if spans(tail) {
        let last = SPAN.as_ref().and_then(|p| p.captures(tail));
        let end = last
            .as_ref()
            .and_then(|c| c.name("last"))
            .and_then(|m| m.as_str().parse::<i64>().ok());
        return Some(match (end, word == "i") {
            (Some(end), true) => {
                let og = last
                    .as_ref()
                    .and_then(|c| c.name("join"))
                    .is_some_and(|j| j.as_str() == "og");
                span(year, end, og, summed || caps.name("sum").is_some())
            }
            _ => Bound::None,
        });
    }
    let onwards = starts_onwards(tail);
    Some(
        if word.starts_with("fra") || word.starts_with("gæld") || onwards {
            Bound::From(year)
        } else if word == "i" {
            Bound::In(year)
        } else {
            Bound::None
        },
    )
}

/// Whether the words after a year make it a span or a price basis ("-2027", " og 2027",
/// " til 2028", "-priser"), or the year continues as a longer token.
fn spans(tail: &str) -> bool {
    let t = tail.to_lowercase();
    if t.starts_with(|c: char| c.is_alphanumeric() || c == '-' || c == '–' || c == '/') {
        return true;
    }
    let words = t.trim_start_matches([' ', '\u{a0}', '\t', '\n']);
    let next_year = |w: &str| {
        words
            .strip_prefix(w)
            .map(|r| r.trim_start())
            .is_some_and(|r| r.starts_with("19") || r.starts_with("20"))
    };
    words.starts_with("p/l")
        || words.starts_with("pl")
        || words.starts_with("priser")
        || next_year("og")
        || next_year("til")
        || next_year("-")
        || next_year("–")
}

/// Whether the words after a year say "and onwards" ("og frem", "og fremefter").
fn starts_onwards(tail: &str) -> bool {
    tail.trim_start().to_lowercase().starts_with("og frem")
}

/// The year phrase before an amount in its clause; `summed` when the words say "i alt".
fn before(head: &str, summed: bool) -> Bound {
    let Some(caps) = BEFORE.as_ref().and_then(|p| p.captures(head)) else {
        return Bound::None;
    };
    // A year right after another amount is that amount's ("1,8 mio. kr. i 2025 samt 3,3 …").
    let start = caps.name("word").map_or(0, |w| w.start());
    let previous = head[..start].trim_end().trim_end_matches([',', ')']);
    if previous.ends_with("kr.")
        || previous.ends_with("kr")
        || previous.ends_with(|c: char| c.is_ascii_digit())
    {
        return Bound::None;
    }
    let Some(year) = caps
        .name("year")
        .and_then(|y| y.as_str().parse::<i64>().ok())
    else {
        return Bound::None;
    };
    let word = caps
        .name("word")
        .map_or(String::new(), |w| w.as_str().to_lowercase());
    if let Some(last) = caps.name("last") {
        let Ok(last) = last.as_str().parse::<i64>() else {
            return Bound::None;
        };
        if word != "i" || caps.name("onwards").is_some() {
            return Bound::None;
        }
        let og = caps.name("join").is_some_and(|j| j.as_str() == "og");
        return span(year, last, og, summed);
    }
    if word.starts_with("fra") || caps.name("onwards").is_some() {
        Bound::From(year)
    } else {
        Bound::In(year)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::prose::amounts_in;

    /// The binding of every amount of `text`.
    fn all(text: &str) -> Vec<Bound> {
        amounts_in(text).iter().map(|a| bound(text, a)).collect()
    }

    // Years right after and right before an amount bind it; spans and price bases do not.
    #[test]
    fn binds_amounts_to_years() {
        assert_eq!(
            all("fordelt med -1,3 mio. kr. i 2026 og 5,5 mio. kr. i 2027."),
            vec![Bound::In(2026), Bound::In(2027)]
        );
        assert_eq!(all("fra 2027 1,1 mio. kr."), vec![Bound::From(2027)]);
        assert_eq!(all("1,1 mio. kr. i 2027 og frem."), vec![Bound::From(2027)]);
        assert_eq!(
            all("I 2026 udgør besparelsen 2,5 mio. kr."),
            vec![Bound::In(2026)]
        );
        assert_eq!(
            all("2,5 mio. kr. i 2026-2027."),
            vec![Bound::Each(2026, 2027)]
        );
        assert_eq!(
            all("2,5 mio. kr. i 2026 og 2027."),
            vec![Bound::Each(2026, 2027)]
        );
        assert_eq!(
            all("2,5 mio. kr. i 2026–2028."),
            vec![Bound::Each(2026, 2028)]
        );
        assert_eq!(all("2,5 mio. kr. i 2026 og 2028."), vec![Bound::None]);
        assert_eq!(all("2,5 mio. kr. fra 2026 til 2028."), vec![Bound::None]);
        assert_eq!(
            all("I alt 5 mio. kr. i 2026-2027."),
            vec![Bound::Total(2026, 2027)]
        );
        assert_eq!(
            all("Besparelsen er 5 mio. kr. i alt i 2026 og 2027."),
            vec![Bound::Total(2026, 2027)]
        );
        assert_eq!(
            all("I 2026-2027 udgør besparelsen samlet 5 mio. kr."),
            vec![Bound::Total(2026, 2027)]
        );
        assert_eq!(
            all("I 2026 og 2027 udgør besparelsen 2,5 mio. kr."),
            vec![Bound::Each(2026, 2027)]
        );
        assert_eq!(
            all("Besparelsen er 2,5 mio. kr. i 2026 og 2027, i alt 5 mio. kr."),
            vec![Bound::Each(2026, 2027), Bound::None]
        );
        assert_eq!(all("2,5 mio. kr. i 2024-priser."), vec![Bound::None]);
        assert_eq!(all("2,5 mio. kr. årligt."), vec![Bound::Every]);
        assert_eq!(
            all("heraf 1,8 mio. kr. i 2025 samt 3,3 mio. kr. i årene efter."),
            vec![Bound::In(2025), Bound::None]
        );
        assert_eq!(
            all("I 2026 er der afsat 2 mio. kr. og 3 mio. kr. til drift."),
            vec![Bound::In(2026), Bound::None]
        );
    }

    // A parenthesis of at most 80 characters between the amount and its year phrase is passed
    // over; a longer one, or one with another parenthesis inside, leaves the amount unbound,
    // as the pattern with `\([^()]{0,80}\)` did; the year's tail stops at the line's end.
    #[test]
    fn a_short_parenthesis_may_stand_before_the_year() {
        let inside = |n: usize| format!("2 mio. kr. ({}) i 2026.", "x".repeat(n));
        assert_eq!(all(&inside(80)), vec![Bound::In(2026)]);
        assert_eq!(all(&inside(81)), vec![Bound::None]);
        assert_eq!(all("2 mio. kr. (a (b) c) i 2026."), vec![Bound::None]);
        assert_eq!(all("2 mio. kr. (æøå)\u{a0}i 2026."), vec![Bound::In(2026)]);
        assert_eq!(past_parenthesis("  ( netto )\n i"), Some("i"));
        assert_eq!(past_parenthesis("(uafsluttet"), None);
        assert_eq!(all("2 mio. kr. i 2026\n-priser"), vec![Bound::In(2026)]);
    }
}
