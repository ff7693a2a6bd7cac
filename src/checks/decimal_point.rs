//! Amounts of money in the text written with a decimal point (W012): "2.5 mio. kr." is not Danish
//! (2,5 mio. kr.), and the other prose checks cannot read it, so it is named at the number with the
//! amount it most likely means.

use std::sync::LazyLock;

use regex::Regex;

use super::Context;
use crate::diagnostic::{Code, Diagnostic};

/// A number with a dot not followed by exactly three digits, before a unit of money.
static PATTERN: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?P<num>(?P<int>[0-9]+)\.(?P<frac>[0-9]{1,2}|[0-9]{4,}))[ \x{a0}]*(?P<unit>[Mm]ia\.?[ \x{a0}]*kr|[Mm]io\.?[ \x{a0}]*kr|t\.?[ \x{a0}]*kr|tkr|kr)\b",
    )
    .ok()
});

/// Builds the pattern ahead of its first use (see [`super::prepare`]).
pub(super) fn prepare() {
    LazyLock::force(&PATTERN);
}

/// W012 for each amount of money in the prose written with a decimal point.
pub fn check(cx: &Context<'_>) -> Vec<Diagnostic> {
    let Some(pattern) = PATTERN.as_ref() else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for prose in cx.prose {
        let mut cursor = prose.cursor();
        for caps in pattern.captures_iter(&prose.text) {
            let (Some(num), Some(int), Some(frac), Some(unit)) = (
                caps.name("num"),
                caps.name("int"),
                caps.name("frac"),
                caps.name("unit"),
            ) else {
                continue;
            };
            // Part of a longer number ("1.234.5" or "v2.5") is not an amount written this way.
            let before = prose.text[..num.start()].chars().last();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '.' || c == ',') {
                continue;
            }
            let meant = format!(
                "{},{} {}.",
                int.as_str(),
                frac.as_str(),
                unit.as_str().trim_end_matches('.')
            );
            let at = cursor.locate(cx.view.text, num.as_str());
            found.push(
                Diagnostic::new(
                    Code::W012,
                    format!(
                        "the amount {} {}. is written with a decimal point",
                        num.as_str(),
                        unit.as_str().trim_end_matches('.')
                    ),
                    Some(at),
                )
                .with_label("a decimal point")
                .with_help(format!(
                    "Danish uses a decimal comma: write {meant} (a dot only groups thousands, as in 2.500 kr.)"
                )),
            );
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceView;

    /// The W012 texts for a proposal's sections.
    fn found(text: &str) -> Vec<String> {
        let source = format!("[sections]\nresume = \"{text}\"\n");
        let view = SourceView::new(&source);
        let prose = crate::checks::prose::strings(&view);
        let cx = Context {
            view: &view,
            prose: &prose,
            proposal: None,
            project: None,
        };
        check(&cx)
            .into_iter()
            .map(|d| source[d.span.unwrap()].to_owned() + " | " + &d.help.unwrap())
            .collect()
    }

    // A decimal point before a unit of money is named with the comma it most likely means;
    // Danish thousands and decimals are left alone.
    #[test]
    fn decimal_points_in_amounts() {
        let hits = found("Det koster 2.5 mio. kr. og 0.25 mio. kr.");
        assert_eq!(hits.len(), 2, "{hits:?}");
        assert!(
            hits[0].starts_with("2.5 | ") && hits[0].contains("2,5 mio. kr."),
            "{hits:?}"
        );
        assert!(hits[1].starts_with("0.25 | "), "{hits:?}");
        assert!(found("Det koster 2.500 kr., 2,5 mio. kr. og 1.234.567 kr.").is_empty());
        assert!(found("Version 2.5 af planen").is_empty());
    }
}
