//! The typesetter's refusals as diagnostics at the user's content.
//!
//! `check` typesets every proposal it finds no error in, exactly as `render` does, so whatever
//! typst or the PDF standards refuse is refused by `check` too. The known causes are predicted
//! earlier with their own codes (E029, E050–E053); this is the net under them. A refusal points
//! into the generated Typst source; the user's text printed there (always a string literal) is
//! looked up in the TOML file to put the caret on it.

use std::ops::Range;

use crate::diagnostic::{Code, Diagnostic, FileReport, line_col};
use crate::typeset::Refusal;

/// E056 (the content was refused) or E057 (budgetnote failed) for one refusal, at the user's
/// text nearest to where the generated source went wrong.
pub fn diagnostic(refusal: &Refusal, generated: &str, source: &str) -> Diagnostic {
    if refusal.internal {
        return Diagnostic::new(
            Code::E057,
            format!(
                "budgetnote could not typeset this file: {}",
                refusal.message
            ),
            None,
        )
        .with_help(
            "this is a fault in budgetnote, not in the file; please report it with the file \
             attached. The other files are not affected",
        );
    }
    let span = refusal
        .range
        .as_ref()
        .and_then(|range| locate(generated, range, source));
    if let Some((_, id)) = refusal.message.split_once("budgetnote: table too wide: ") {
        let id = id.trim_end_matches(['"', ')']);
        return Diagnostic::new(
            Code::E078,
            format!(
                "table `{id}` is too wide for the page: its figure columns leave no room for the labels"
            ),
            table_span(source, id).or(span),
        )
        .with_label("this table")
        .with_help(
            "use fewer columns (split the table in two), or a larger unit (1.000 kr. or mio. kr.) \
             so the figures have fewer digits",
        );
    }
    let mut help = String::from(
        "the typesetter cannot print this text as written; change or shorten the marked text",
    );
    for hint in &refusal.hints {
        help.push_str("; ");
        help.push_str(hint);
    }
    Diagnostic::new(
        Code::E056,
        format!("the PDF cannot be made: {}", refusal.message),
        span,
    )
    .with_label("refused by the typesetter")
    .with_help(help)
}

/// The span of a table's header line, `[tables.<id>]`, in the proposal's source.
fn table_span(source: &str, id: &str) -> Option<Range<usize>> {
    let table = crate::source::SourceView::new(source)
        .table()?
        .get("tables")?
        .get_ref()
        .as_table()?
        .iter()
        .find(|(key, _)| key.get_ref() == id)
        .map(|(key, _)| key.span())?;
    Some(table)
}

/// [`diagnostic`] for a catalogue's annex: at the catalogue's own text, or, when the refused
/// text is a proposal's, naming that proposal file and its line.
pub fn catalogue_diagnostic(
    refusal: &Refusal,
    generated: &str,
    source: &str,
    proposals: &[&FileReport],
) -> Diagnostic {
    let mut found = diagnostic(refusal, generated, source);
    if found.span.is_some() || refusal.internal {
        return found;
    }
    if let Some((_, id)) = refusal.message.split_once("budgetnote: table too wide: ") {
        let id = id.trim_end_matches(['"', ')']);
        // The proposal whose part of the annex the call is in (the catalogue template marks
        // where each begins), else the first that has a table of that name.
        let part = refusal
            .range
            .as_ref()
            .and_then(|range| generated.get(..range.start))
            .map(|before| before.matches("\n// budgetnote:proposal\n").count())
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| proposals.get(i));
        let table = part
            .into_iter()
            .chain(proposals)
            .find_map(|p| Some((p, table_span(&p.source, id)?)));
        if let Some((proposal, span)) = table {
            let (line, column) = line_col(&proposal.source, span.start);
            found.message = format!(
                "{} (in {}:{line}:{column})",
                found.message,
                proposal.path.display()
            );
        }
        return found;
    }
    let Some(range) = &refusal.range else {
        return found;
    };
    for proposal in proposals {
        if let Some(span) = locate(generated, range, &proposal.source) {
            let (line, column) = line_col(&proposal.source, span.start);
            found.message = format!(
                "{} (in {}:{line}:{column})",
                found.message,
                proposal.path.display()
            );
            break;
        }
    }
    found
}

/// The span in `source` of the user's text nearest to `range` of the generated source: the
/// string literal holding it, then those inside it (never a later one, which would point at
/// text that is fine).
pub fn locate(generated: &str, range: &Range<usize>, source: &str) -> Option<Range<usize>> {
    let literals = string_literals(generated);
    let holding = literals
        .iter()
        .filter(|l| l.start <= range.start && range.start < l.end);
    let inside = literals
        .iter()
        .filter(|l| range.start <= l.start && l.start < range.end.max(range.start + 1));
    holding
        .chain(inside)
        .filter_map(|l| generated.get(l.clone()))
        .find_map(|literal| find_text(&decode(literal), source))
}

/// The byte ranges of the string literals (`"…"`, with quotes) in Typst source.
fn string_literals(typst: &str) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let mut open: Option<usize> = None;
    let mut escaped = false;
    for (i, c) in typst.char_indices() {
        match (open, c) {
            (Some(_), _) if escaped => escaped = false,
            (Some(_), '\\') => escaped = true,
            (Some(start), '"') => {
                found.push(start..i + 1);
                open = None;
            }
            (None, '"') => open = Some(i),
            _ => {}
        }
    }
    found
}

/// The text of a Typst string literal, without the word joiners budgetnote adds after hyphens.
fn decode(literal: &str) -> String {
    let inner = literal
        .strip_prefix('"')
        .and_then(|l| l.strip_suffix('"'))
        .unwrap_or(literal);
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            if c != '\u{2060}' {
                out.push(c);
            }
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('u') => {
                let code: String = chars
                    .by_ref()
                    .skip_while(|c| *c == '{')
                    .take_while(|c| *c != '}')
                    .collect();
                if let Some(c) = u32::from_str_radix(&code, 16).ok().and_then(char::from_u32) {
                    out.push(c);
                }
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// Where a piece of `text` (its first non-blank line, at most 40 characters) stands in `source`;
/// when the whole piece is not there (Markdown changed it), its longest leading part of at least
/// eight characters that is.
fn find_text(text: &str, source: &str) -> Option<Range<usize>> {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty())?;
    let chars: Vec<char> = line.chars().take(40).collect();
    (8.min(chars.len())..=chars.len()).rev().find_map(|n| {
        let piece: String = chars[..n].iter().collect();
        source
            .find(piece.as_str())
            .map(|start| start..start + piece.len())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // A refusal of a call is found at the text of the literal inside it, joiners removed; a
    // refusal of an empty literal after which other text follows is not put on that text.
    #[test]
    fn locates_the_literal_in_the_source() {
        let generated = "#link(\"\")[#\"step up-\u{2060}indsats\"]";
        let source = "resume = \"[step up-indsats]()\"";
        let span = locate(generated, &(0..generated.len()), source).unwrap();
        assert_eq!(&source[span], "step up-indsats");
        assert_eq!(locate(generated, &(6..8), source), None);
    }

    // Text Markdown changed (a character reference decoded) is found by its leading part.
    #[test]
    fn finds_text_by_its_leading_part() {
        let source = "resume = \"Se budgetaftalen &#7; her\"";
        let span = find_text("Se budgetaftalen \u{7} her", source).unwrap();
        assert_eq!(&source[span], "Se budgetaftalen ");
    }

    // Escapes in a literal decode to the text they stand for.
    #[test]
    fn decodes_escapes() {
        assert_eq!(decode("\"a\\\"b\\\\c\\nd\""), "a\"b\\c\nd");
        assert_eq!(decode("\"\\u{41}x\""), "Ax");
    }
}
