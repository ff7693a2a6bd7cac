//! What the prose checks call a letter: the Latin letters Danish budget text is written in
//! (a–z, æøå, é, ü, …), as one character class that every text pattern of the checks shares.
//!
//! The patterns are written with `\p{L}` for "a letter" and built by [`regex`], which reads it
//! as [`LATIN`]. Unicode's whole letter class would also take Greek or Cyrillic words as words,
//! which Danish prose does not hold, and it is expensive: a pattern with a few `\p{L}` inside a
//! bounded repetition took 5–18 ms to build, and the prose patterns together about 75 ms, more
//! than typesetting a two-page note; with [`LATIN`] they take under 6 ms.

use regex::Regex;

/// The Latin letters, as the body of a character class: ASCII, Latin-1 (without × and ÷) and
/// Latin Extended-A, and the three characters outside them that a case-insensitive match of
/// these letters also accepts (ẞ, the Kelvin sign and the Ångström sign), so `(?i)` gives the
/// same class as without it.
pub const LATIN: &str = r"A-Za-z\x{C0}-\x{D6}\x{D8}-\x{F6}\x{F8}-\x{17F}\x{1E9E}\x{212A}\x{212B}";

/// Whether `c` is a [`LATIN`] letter, as `\p{L}` in a pattern built by [`regex`] reads it.
pub fn is_letter(c: char) -> bool {
    matches!(c, 'A'..='Z' | 'a'..='z' | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{17F}')
        || matches!(c, '\u{1E9E}' | '\u{212A}' | '\u{212B}')
}

/// Whether `text` holds one of `words` (lower case, ASCII) as a whole word, in any case: not
/// preceded or followed by a [`LATIN`] letter, as `(?i)(?:^|[^\p{L}])(?:w1|w2)(?:$|[^\p{L}])`
/// reads it, without building a pattern.
pub fn has_word(text: &str, words: &[&str]) -> bool {
    let lower = text.to_lowercase();
    words.iter().any(|word| {
        lower.match_indices(word).any(|(at, _)| {
            let before = lower[..at].chars().next_back();
            let after = lower[at + word.len()..].chars().next();
            !before.is_some_and(is_letter) && !after.is_some_and(is_letter)
        })
    })
}

/// Builds `pattern` with every `\p{L}` read as a [`LATIN`] letter (inside a bracket class and
/// out of one); `None` if the pattern does not build (a check without its pattern reads
/// nothing, it never panics).
pub fn regex(pattern: &str) -> Option<Regex> {
    Regex::new(&latin(pattern)).ok()
}

/// `pattern` with `\p{L}` replaced by [`LATIN`]: its body inside a bracket class, the class in
/// brackets outside one. An escaped character (`\[`, `\]`, `\\`) is copied as it is.
fn latin(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 4 * LATIN.len());
    let mut in_class = false;
    let mut rest = pattern;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix(r"\p{L}") {
            if in_class {
                out.push_str(LATIN);
            } else {
                out.push('[');
                out.push_str(LATIN);
                out.push(']');
            }
            rest = after;
            continue;
        }
        if c == '\\' {
            let escaped: String = rest.chars().take(2).collect();
            out.push_str(&escaped);
            rest = &rest[escaped.len()..];
            continue;
        }
        match c {
            '[' => in_class = true,
            ']' => in_class = false,
            _ => {}
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // `\p{L}` becomes the Latin class in and out of brackets; escapes and other classes stay.
    #[test]
    fn reads_letter_classes_as_latin() {
        assert_eq!(latin(r"\p{L}+"), format!("[{LATIN}]+"));
        assert_eq!(latin(r"[^\p{L}0-9]"), format!("[^{LATIN}0-9]"));
        assert_eq!(
            latin(r"[\p{L}][\p{L}\-]*"),
            format!("[{LATIN}][{LATIN}\\-]*")
        );
        assert_eq!(latin(r"\[\p{L}\]"), format!("\\[[{LATIN}]\\]"));
        assert_eq!(latin(r"\d{2}æ"), r"\d{2}æ");
    }

    // Danish and the other Latin letters are letters; digits, signs, spaces and dashes are not.
    #[test]
    fn danish_letters_are_letters() {
        let letter = regex(r"^\p{L}$").expect("pattern builds");
        for c in "abcxyzæøåÆØÅéÉüÜöÖäÄßçñłŁſ".chars() {
            assert!(letter.is_match(&c.to_string()), "{c:?}");
        }
        for c in "0123456789 -–−.,;:()%§×÷\u{a0}\u{2011}µ".chars() {
            assert!(!letter.is_match(&c.to_string()), "{c:?}");
        }
    }

    // `is_letter` is the pattern's class, for every character; `has_word` finds whole words in
    // any case and not parts of words.
    #[test]
    fn is_letter_is_the_class() {
        let plain = regex(r"^[\p{L}]$").expect("builds");
        for c in (0..=0x10_ffff_u32).filter_map(char::from_u32) {
            let text = c.encode_utf8(&mut [0; 4]).to_owned();
            assert_eq!(is_letter(c), plain.is_match(&text), "{c:?}");
        }
        let words = ["i alt", "samlet", "tilsammen"];
        for yes in [
            "I alt 5 mio. kr.",
            "(samlet)",
            "det er SAMLET.",
            "tilsammen",
            "x, i alt",
        ] {
            assert!(has_word(yes, &words), "{yes}");
        }
        for no in [
            "samletid",
            "fordi alt",
            "nisamlet",
            "i  alt",
            "tilsammenlagt",
            "",
        ] {
            assert!(!has_word(no, &words), "{no}");
        }
    }

    // Case-insensitive, the class and its negation are the same as without `(?i)`, for every
    // character, so a pattern may put `\p{L}` inside `(?i:…)` or out of it alike.
    #[test]
    fn case_insensitive_class_is_the_same() {
        let folded = regex(r"^(?i)[\p{L}]$").expect("builds");
        let not_folded = regex(r"^(?i)[^\p{L}]$").expect("builds");
        let plain = regex(r"^[\p{L}]$").expect("builds");
        let not_plain = regex(r"^[^\p{L}]$").expect("builds");
        for c in (0..=0x10_ffff_u32).filter_map(char::from_u32) {
            let text = c.encode_utf8(&mut [0; 4]).to_owned();
            assert_eq!(folded.is_match(&text), plain.is_match(&text), "{c:?}");
            assert_eq!(
                not_folded.is_match(&text),
                not_plain.is_match(&text),
                "{c:?}"
            );
        }
    }
}
