//! Text the typesetter and the PDF standards accept: checked before anything is typeset, so that
//! `check` refuses at the character what `render` would otherwise fail on without a location.
//!
//! - E050: control characters, NUL, byte-order marks and other invisible code points;
//! - E051: a word too long to break into lines, or a one-line field too long for the PDF;
//! - E052: a Markdown link without an address, or with one longer than a PDF may hold;
//! - E053: emphasis, bold and links nested deeper than the typesetter parses.

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use toml::de::DeValue;

use crate::source::SourceView;

use crate::diagnostic::{Code, Diagnostic};

/// The longest word (characters without a space) printed: no Danish word comes near it, and a
/// longer run cannot be broken into lines (the PDF writer fails on a line of about 16,000).
pub const MAX_WORD: usize = 300;

/// The longest one-line field (title, proposer, a table label): the title goes into the PDF's
/// metadata, where a string may not exceed 32,767 characters, and a line is not a chapter.
pub const MAX_LINE_FIELD: usize = 1_000;

/// The longest link address the typesetter accepts (bytes).
pub const MAX_URL: usize = 8_000;

/// How deep emphasis, bold and links may nest inside each other.
pub const MAX_INLINE_DEPTH: usize = 16;

/// One string value of a TOML file: its text, the span of its literal, and whether it is Markdown.
#[derive(Debug, Clone)]
pub struct Text {
    /// The string's value.
    pub text: String,
    /// Span of the literal (with quotes) in the source.
    pub span: Range<usize>,
    /// Whether the value is a Markdown body (sections, agreement, table cells).
    pub markdown: bool,
}

/// Every string value of a TOML source, in source order; nothing when it is not TOML.
pub fn strings(view: &SourceView<'_>) -> Vec<Text> {
    let Some(table) = view.table() else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for (key, value) in table {
        let markdown = matches!(key.get_ref().as_ref(), "sections" | "agreement");
        collect(value.get_ref(), value.span(), markdown, &mut found);
    }
    found.sort_by_key(|t| t.span.start);
    found
}

/// Collects the strings under one value; `markdown` says whether they are Markdown bodies.
fn collect(value: &DeValue<'_>, span: Range<usize>, markdown: bool, found: &mut Vec<Text>) {
    match value {
        DeValue::String(text) => found.push(Text {
            text: text.to_string(),
            span,
            markdown,
        }),
        DeValue::Array(items) => {
            for item in items {
                collect(item.get_ref(), item.span(), markdown, found);
            }
        }
        DeValue::Table(table) => {
            for (key, item) in table {
                // Inside sections, a block's heading and table id are not Markdown; a table
                // cell (a string or a `body`) is.
                let key = key.get_ref().as_ref();
                let inner = match key {
                    "heading" | "table" => false,
                    "cells" | "body" => true,
                    _ => markdown,
                };
                collect(item.get_ref(), item.span(), inner, found);
            }
        }
        _ => {}
    }
}

/// Every E050–E053 of a proposal's or catalogue's source.
pub fn check(view: &SourceView<'_>) -> Vec<Diagnostic> {
    let source = view.text;
    let mut found = Vec::new();
    for text in strings(view) {
        let raw = source.get(text.span.clone()).unwrap_or("");
        check_characters(&text, raw, &mut found);
        if text.markdown {
            check_markdown(&text, raw, &mut found);
        } else {
            check_words(&text, &text.text, raw, &mut found);
            let length = text.text.chars().count();
            if length > MAX_LINE_FIELD {
                found.push(
                    Diagnostic::new(
                        Code::E051,
                        format!(
                            "this field is {length} characters long; a one-line field holds at most {MAX_LINE_FIELD}"
                        ),
                        Some(text.span.clone()),
                    )
                    .with_label("too long")
                    .with_help(
                        "shorten it; longer text belongs in a section, which may run over pages",
                    ),
                );
            }
        }
    }
    found
}

/// E050 for each control or invisible character, at the character (or its escape).
fn check_characters(text: &Text, raw: &str, found: &mut Vec<Diagnostic>) {
    let mut reported: Vec<char> = Vec::new();
    for c in text.text.chars() {
        let Some(name) = forbidden(c) else { continue };
        if reported.contains(&c) {
            continue;
        }
        reported.push(c);
        let spans = char_spans(raw, c);
        let spans = if spans.is_empty() {
            std::iter::once(0..raw.len()).collect()
        } else {
            spans
        };
        for at in spans {
            found.push(
                Diagnostic::new(
                    Code::E050,
                    format!(
                        "the text holds the invisible character {name} (U+{:04X}), which a PDF cannot print",
                        u32::from(c)
                    ),
                    Some(text.span.start + at.start..text.span.start + at.end),
                )
                .with_label("invisible character")
                .with_help(
                    "delete it: it usually comes with text copied from another program, and most \
                     editors do not show it (a line break is written as a new line, a tab as a space)",
                ),
            );
        }
    }
}

/// The name of a character no text may hold, or `None` when it may be printed.
pub fn forbidden(c: char) -> Option<&'static str> {
    Some(match c {
        '\t' | '\n' | '\r' => return None,
        '\0' => "NUL",
        '\u{7}' => "BEL (bell)",
        '\u{8}' => "BS (backspace)",
        '\u{B}' => "VT (vertical tab)",
        '\u{C}' => "FF (form feed)",
        '\u{1B}' => "ESC (escape)",
        '\u{7F}' => "DEL (delete)",
        '\u{85}' => "NEL (next line)",
        '\u{1}'..='\u{1F}' => "a control character",
        '\u{80}'..='\u{9F}' => "a control character",
        '\u{FEFF}' => "byte-order mark",
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => "a text-direction control",
        '\u{FDD0}'..='\u{FDEF}' => "a noncharacter",
        c if u32::from(c) & 0xFFFE == 0xFFFE => "a noncharacter",
        _ => return None,
    })
}

/// Where `c` stands in a string literal's source: as itself, or written as an escape.
fn char_spans(raw: &str, c: char) -> Vec<Range<usize>> {
    let code = u32::from(c);
    let mut needles = vec![
        c.to_string(),
        format!("\\u{code:04X}"),
        format!("\\u{code:04x}"),
        format!("\\U{code:08X}"),
        format!("\\U{code:08x}"),
    ];
    match c {
        '\u{8}' => needles.push("\\b".into()),
        '\u{C}' => needles.push("\\f".into()),
        '\u{1B}' => needles.push("\\e".into()),
        _ => {}
    }
    let mut spans: Vec<Range<usize>> = needles
        .iter()
        .flat_map(|n| raw.match_indices(n.as_str()).map(|(i, m)| i..i + m.len()))
        .collect();
    spans.sort_by_key(|s| s.start);
    spans.dedup_by_key(|s| s.start);
    spans
}

/// E051 for each word of `printed` longer than [`MAX_WORD`], found in the literal `raw`.
fn check_words(text: &Text, printed: &str, raw: &str, found: &mut Vec<Diagnostic>) {
    for word in printed.split_whitespace() {
        let length = word.chars().count();
        if length <= MAX_WORD {
            continue;
        }
        let head: String = word.chars().take(40).collect();
        let at = raw.find(head.as_str()).map_or(text.span.clone(), |i| {
            text.span.start + i..text.span.start + i + head.len()
        });
        found.push(
            Diagnostic::new(
                Code::E051,
                format!(
                    "a word of {length} characters without a space cannot be broken into lines (at most {MAX_WORD})"
                ),
                Some(at),
            )
            .with_label("word starts here")
            .with_help(
                "put spaces between the words; a long web address belongs in a link: \
                 [the page's name](https://…)",
            ),
        );
    }
}

/// E051 (long words), E052 (links) and E053 (nesting) of a Markdown body.
fn check_markdown(text: &Text, raw: &str, found: &mut Vec<Diagnostic>) {
    let mut depth = 0usize;
    let mut too_deep = false;
    let mut printed = String::new();
    for event in Parser::new_ext(&text.text, Options::empty()) {
        match event {
            Event::Start(tag @ (Tag::Emphasis | Tag::Strong | Tag::Link { .. })) => {
                depth += 1;
                if depth > MAX_INLINE_DEPTH && !too_deep {
                    too_deep = true;
                    found.push(
                        Diagnostic::new(
                            Code::E053,
                            format!(
                                "emphasis, bold and links are nested more than {MAX_INLINE_DEPTH} levels deep"
                            ),
                            Some(text.span.clone()),
                        )
                        .with_help(
                            "check the stars and underscores: `*italic*`, `**bold**`; write `\\*` for a star that is not emphasis",
                        ),
                    );
                }
                if let Tag::Link { dest_url, .. } = tag {
                    check_link(text, raw, &dest_url, found);
                }
            }
            Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Link) => {
                depth = depth.saturating_sub(1);
            }
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                printed.push_str(&t);
            }
            Event::InlineMath(t) | Event::DisplayMath(t) => printed.push_str(&t),
            _ => printed.push(' '),
        }
    }
    check_words(text, &printed, raw, found);
    check_entities(text, &printed, raw, found);
}

/// E050 for an invisible character that Markdown made from a character reference (`&#7;`,
/// `&#xFEFF;`), which the string itself does not hold; at the reference.
fn check_entities(text: &Text, printed: &str, raw: &str, found: &mut Vec<Diagnostic>) {
    let mut reported: Vec<char> = Vec::new();
    for c in printed.chars() {
        let Some(name) = forbidden(c) else { continue };
        if text.text.contains(c) || reported.contains(&c) {
            continue;
        }
        reported.push(c);
        let at = entity_span(raw, c).map_or(text.span.clone(), |r| {
            text.span.start + r.start..text.span.start + r.end
        });
        found.push(
            Diagnostic::new(
                Code::E050,
                format!(
                    "the character reference stands for the invisible character {name} (U+{:04X}), which a PDF cannot print",
                    u32::from(c)
                ),
                Some(at),
            )
            .with_label("invisible character")
            .with_help("delete the reference; write the character itself if it is a visible one"),
        );
    }
}

/// Where a character reference for `c` (`&#7;`, `&#x7;`, `&#X07;`) stands in a literal.
pub fn entity_span(raw: &str, c: char) -> Option<Range<usize>> {
    let mut from = 0;
    while let Some(i) = raw[from..].find("&#").map(|i| from + i) {
        let rest = &raw[i + 2..];
        let end = rest.find(';')?;
        let body = &rest[..end];
        let value = match body.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => body.parse().ok(),
        };
        if value == Some(u32::from(c)) {
            return Some(i..i + 2 + end + 1);
        }
        from = i + 2;
    }
    None
}

/// E052 for a link without an address, or with one longer than [`MAX_URL`].
fn check_link(text: &Text, raw: &str, url: &str, found: &mut Vec<Diagnostic>) {
    let problem = if url.trim().is_empty() {
        "a link has no address"
    } else if url.len() > MAX_URL {
        "a link's address is longer than 8.000 characters"
    } else {
        return;
    };
    let at = if url.is_empty() {
        raw.find("]()")
            .or_else(|| raw.find("](<>)"))
            .map(|i| text.span.start + i + 1..text.span.start + i + 3)
    } else {
        let head: String = url.chars().take(40).collect();
        raw.find(head.as_str())
            .map(|i| text.span.start + i..text.span.start + i + head.len())
    };
    found.push(
        Diagnostic::new(Code::E052, problem, Some(at.unwrap_or(text.span.clone())))
            .with_label("in this link")
            .with_help(
                "write the link as [the text](https://the-address), or remove the brackets to print plain text",
            ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The codes and the text at their spans for a TOML source.
    fn found(source: &str) -> Vec<(Code, String)> {
        check(&SourceView::new(source))
            .into_iter()
            .map(|d| {
                let span = d.span.unwrap_or(0..0);
                (d.code, source[span].to_owned())
            })
            .collect()
    }

    // A control character is found where it is written, literally or as an escape.
    #[test]
    fn control_characters_at_the_character() {
        assert_eq!(
            found("title = \"a\\u0007b\""),
            vec![(Code::E050, "\\u0007".to_owned())]
        );
        assert_eq!(
            found("title = \"a\u{FEFF}b\""),
            vec![(Code::E050, "\u{FEFF}".to_owned())]
        );
        assert_eq!(
            found("title = \"a\\u0000b\\tc\""),
            vec![(Code::E050, "\\u0000".to_owned())]
        );
        assert!(found("title = \"a\\tb\\nc\"").is_empty());
    }

    // Words over the limit are errors at the word; a long link address is not a printed word.
    #[test]
    fn long_words_but_not_link_addresses() {
        let word = "x".repeat(MAX_WORD + 1);
        let result = found(&format!("[sections]\nresume = \"Se {word}.\""));
        assert_eq!(result.len(), 1);
        assert_eq!(result[0].0, Code::E051);
        let url = format!("https://example.dk/{}", "a".repeat(2000));
        assert!(found(&format!("[sections]\nresume = \"[siden]({url})\"")).is_empty());
        assert_eq!(found(&format!("title = \"{url}\""))[0].0, Code::E051);
    }

    // Empty and over-long link addresses, and deep nesting, are refused.
    #[test]
    fn links_and_nesting() {
        assert_eq!(
            found("[sections]\nresume = \"Se [x]() her\""),
            vec![(Code::E052, "()".to_owned())]
        );
        let url = format!("https://example.dk/{}", "a".repeat(MAX_URL));
        assert_eq!(
            found(&format!("[sections]\nresume = \"[x]({url})\""))[0].0,
            Code::E052
        );
        let deep = format!("{}x{}", "**".repeat(40), "**".repeat(40));
        assert!(
            found(&format!("[sections]\nresume = \"{deep}\""))
                .iter()
                .any(|(c, _)| *c == Code::E053)
        );
        assert!(found("[sections]\nresume = \"**fed *kursiv* tekst**\"").is_empty());
    }

    // A character reference in Markdown that makes an invisible character is found at the
    // reference; a visible one is not an error.
    #[test]
    fn character_references_are_checked() {
        assert_eq!(
            found("[sections]\nresume = \"a &#7; b\""),
            vec![(Code::E050, "&#7;".to_owned())]
        );
        assert_eq!(
            found("[sections]\nresume = \"a &#xFEFF; b\""),
            vec![(Code::E050, "&#xFEFF;".to_owned())]
        );
        assert!(found("[sections]\nresume = \"&#230;ble\"").is_empty());
    }
}
