//! Warnings a proposal accepts on purpose, under `[acknowledged]`, each with a reason:
//!
//! ```toml
//! [acknowledged]
//! W005 = "the years named are the previous plan's"                       # every W005 here
//! W003 = { at = "16,4 mio. kr.", reason = "from the 2023 accounts" }      # the one at this text
//! W004 = [{ at = "3 årsværk", reason = "…" }, { at = "5 årsværk", reason = "…" }]
//! ```
//!
//! An acknowledged warning is counted, not printed, and `--deny warnings` lets it pass, so CI
//! can deny warnings without anyone weakening a check. An acknowledgement that matches no
//! warning is itself a warning (W011), so none outlives the text it was written for; one
//! without a reason, or of an error, is an error (E058). The errors in [`ACKNOWLEDGEABLE`] are the
//! exception: a decision rather than a mistake (a savings catalogue that misses its target on
//! purpose, E110), or a confident contradiction the prose reader finds in text that is right in a
//! way it cannot see (E120-E123), accepted with a reason like a warning and then dropped, so the
//! file passes.

use std::ops::Range;

use toml::de::DeValue;

use crate::diagnostic::{Code, Diagnostic, Severity};

/// Errors a file may accept with a reason: decisions, or text the prose reader misreads, not
/// mistakes. [`apply`] drops one once it is acknowledged.
pub const ACKNOWLEDGEABLE: [Code; 5] = [Code::E110, Code::E120, Code::E121, Code::E122, Code::E123];

/// One acknowledgement as written.
#[derive(Debug, Clone)]
struct Entry {
    /// The warning code it accepts.
    code: Code,
    /// Why the warning is accepted.
    reason: String,
    /// The text the warning points at, when it accepts one place only.
    at: Option<String>,
    /// Where the entry is written.
    span: Range<usize>,
}

/// Marks the warnings of `diagnostics` that the file acknowledges, drops the acknowledged errors
/// of [`ACKNOWLEDGEABLE`], and adds E058 for malformed acknowledgements and W011 for ones that
/// match no warning.
pub fn apply(view: &crate::source::SourceView<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let source = view.text;
    let Some(table) = view.table() else {
        return;
    };
    let Some(section) = table.get("acknowledged") else {
        return;
    };
    let mut problems = Vec::new();
    let entries = entries(section.get_ref(), section.span(), &mut problems);
    // An error stops the cross-checks, so a warning an entry was written for may simply not
    // have been looked for: W011 waits until the file has no errors. The acknowledgeable ones
    // are found by the cross-checks themselves and stop nothing.
    let errors = diagnostics
        .iter()
        .any(|d| d.severity() == Severity::Error && !ACKNOWLEDGEABLE.contains(&d.code));
    for entry in &entries {
        let places: Vec<Range<usize>> = match &entry.at {
            Some(at) if !at.is_empty() => source
                .match_indices(at.as_str())
                .map(|(i, m)| i..i + m.len())
                .collect(),
            _ => Vec::new(),
        };
        let mut used = false;
        for d in diagnostics.iter_mut() {
            if d.code != entry.code || d.acknowledged.is_some() {
                continue;
            }
            let here = match (&entry.at, &d.span) {
                (None, _) => true,
                (Some(_), Some(span)) => places
                    .iter()
                    .any(|p| p.start <= span.start && span.start < p.end.max(p.start + 1)),
                (Some(_), None) => false,
            };
            if here {
                d.acknowledged = Some(entry.reason.clone());
                used = true;
            }
        }
        if !used && !errors {
            let place = entry
                .at
                .as_ref()
                .map_or_else(String::new, |at| format!(" at \"{at}\""));
            problems.push(
                Diagnostic::new(
                    Code::W011,
                    format!(
                        "{} is acknowledged{place}, but this file has no such warning",
                        entry.code.as_str()
                    ),
                    Some(entry.span.clone()),
                )
                .with_label("acknowledges nothing")
                .with_help(
                    "remove the acknowledgement (the text it was written for has changed), or \
                     correct its `at` to the text the warning points at",
                ),
            );
        }
    }
    // An acknowledged error is a decision the file states, not an error: it withholds nothing
    // (`Diagnostic::severity`), and the summary counts it as acknowledged.
    diagnostics.extend(problems);
}

/// The entries of the `[acknowledged]` table; malformed ones become E058 in `problems`.
fn entries(value: &DeValue<'_>, span: Range<usize>, problems: &mut Vec<Diagnostic>) -> Vec<Entry> {
    let DeValue::Table(table) = value else {
        problems.push(malformed(
            "`acknowledged` must be a table of warning codes",
            span,
        ));
        return Vec::new();
    };
    let mut found = Vec::new();
    for (key, item) in table {
        let code = Code::parse(key.get_ref());
        let code = match code {
            Some(code) if code.severity() == Severity::Warning && code != Code::W011 => code,
            Some(code) if ACKNOWLEDGEABLE.contains(&code) => code,
            Some(Code::W011) => {
                problems.push(malformed(
                    "W011 cannot be acknowledged: remove or correct the stale acknowledgement instead",
                    key.span(),
                ));
                continue;
            }
            Some(code) => {
                problems.push(malformed(
                    &format!(
                        "{} is an error and cannot be acknowledged: errors must be fixed",
                        code.as_str()
                    ),
                    key.span(),
                ));
                continue;
            }
            None => {
                problems.push(malformed(
                    &format!("\"{}\" is not a warning code", key.get_ref()),
                    key.span(),
                ));
                continue;
            }
        };
        let items: Vec<(&DeValue<'_>, Range<usize>)> = match item.get_ref() {
            DeValue::Array(list) => list.iter().map(|v| (v.get_ref(), v.span())).collect(),
            other => vec![(other, item.span())],
        };
        for (value, span) in items {
            match entry(code, value, span.clone()) {
                Ok(entry) => found.push(entry),
                Err(why) => problems.push(malformed(&why, span)),
            }
        }
    }
    found
}

/// One entry: a reason, or a table with `reason` and `at`.
fn entry(code: Code, value: &DeValue<'_>, span: Range<usize>) -> Result<Entry, String> {
    let (reason, at) = match value {
        DeValue::String(reason) => (reason.to_string(), None),
        DeValue::Table(table) => {
            let text = |key: &str| match table.get(key).map(|v| v.get_ref()) {
                Some(DeValue::String(s)) => Ok(Some(s.to_string())),
                None => Ok(None),
                Some(_) => Err(format!("`{key}` must be text in double quotes")),
            };
            if let Some(other) = table
                .keys()
                .find(|k| !matches!(k.get_ref().as_ref(), "reason" | "at"))
            {
                return Err(format!(
                    "`{}` is not a key of an acknowledgement (use `reason` and `at`)",
                    other.get_ref()
                ));
            }
            (text("reason")?.unwrap_or_default(), text("at")?)
        }
        _ => {
            return Err(
                "an acknowledgement is a reason in double quotes, or { at = \"…\", reason = \"…\" }"
                    .to_owned(),
            );
        }
    };
    if reason.trim().is_empty() {
        return Err("an acknowledgement needs a reason: say why the warning is wrong here".into());
    }
    Ok(Entry {
        code,
        reason,
        at,
        span,
    })
}

/// E058 with its phrase.
fn malformed(why: &str, span: Range<usize>) -> Diagnostic {
    Diagnostic::new(Code::E058, why.to_owned(), Some(span))
        .with_label("cannot acknowledge")
        .with_help(
            "write `W005 = \"the reason\"` under [acknowledged], or `W003 = { at = \"the text the \
             warning points at\", reason = \"…\" }` for one place",
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A warning of `code` at the first occurrence of `text` in `source`.
    fn warning(source: &str, code: Code, text: &str) -> Diagnostic {
        let start = source.find(text).unwrap();
        Diagnostic::new(code, "w", Some(start..start + text.len()))
    }

    // A code-wide acknowledgement accepts every warning of that code; one with `at` only the one
    // at that text; an unused one is W011.
    #[test]
    fn acknowledges_by_code_and_place() {
        let source = "x = \"2,8 mio. kr. og 3,1 mio. kr.\"\n[acknowledged]\nW005 = \"gammel plan\"\nW003 = { at = \"3,1 mio. kr.\", reason = \"fra regnskabet\" }\nW004 = \"ingen\"\n";
        let mut d = vec![
            warning(source, Code::W003, "2,8"),
            warning(source, Code::W003, "3,1"),
            warning(source, Code::W005, "x"),
        ];
        apply(&crate::source::SourceView::new(source), &mut d);
        assert_eq!(d[0].acknowledged, None);
        assert_eq!(d[1].acknowledged.as_deref(), Some("fra regnskabet"));
        assert_eq!(d[2].acknowledged.as_deref(), Some("gammel plan"));
        let codes: Vec<Code> = d[3..].iter().map(|d| d.code).collect();
        assert_eq!(codes, vec![Code::W011]);
    }

    // Errors cannot be acknowledged, and a reason is required.
    #[test]
    fn errors_and_empty_reasons_are_refused() {
        let source = "[acknowledged]\nE014 = \"stemmer ikke\"\nW003 = \"\"\nX1 = \"?\"\n";
        let mut d = Vec::new();
        apply(&crate::source::SourceView::new(source), &mut d);
        let codes: Vec<Code> = d.iter().map(|d| d.code).collect();
        assert_eq!(codes, vec![Code::E058, Code::E058, Code::E058]);
    }

    // An acknowledgeable error of the prose reader, acknowledged with a reason, no longer counts
    // as an error (the file passes; the summary counts it as acknowledged); one not acknowledged
    // stays an error.
    #[test]
    fn acknowledged_prose_errors_are_not_errors() {
        let source = "x = \"0,4 mio. kr. i 2025 og 7 mio. kr.\"\n[acknowledged]\nE120 = { at = \"0,4 mio. kr.\", reason = \"tallet er fra tillægsbevillingen\" }\n";
        let mut d = vec![
            warning(source, Code::E120, "0,4"),
            warning(source, Code::E123, "7 mio"),
        ];
        apply(&crate::source::SourceView::new(source), &mut d);
        let errors: Vec<Code> = d
            .iter()
            .filter(|d| d.severity() == Severity::Error)
            .map(|d| d.code)
            .collect();
        assert_eq!(errors, vec![Code::E123]);
        assert_eq!(
            d[0].acknowledged.as_deref(),
            Some("tallet er fra tillægsbevillingen")
        );
        assert_eq!(
            (d[0].code, d[0].severity()),
            (Code::E120, Severity::Warning)
        );
        assert_eq!(d[1].acknowledged, None);
    }

    // While the file has errors (which stop the cross-checks), an unmatched acknowledgement is
    // not called stale.
    #[test]
    fn no_stale_warning_while_errors_stop_the_checks() {
        let source =
            "[acknowledged]\nW003 = { at = \"9,9 mio. kr.\", reason = \"fra regnskabet\" }\n";
        let mut d = vec![Diagnostic::new(Code::E002, "wrong type", Some(0..1))];
        apply(&crate::source::SourceView::new(source), &mut d);
        assert_eq!(d.len(), 1);
    }
}
