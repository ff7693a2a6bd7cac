//! The Markdown subset of section bodies, turned into Typst content built only from string
//! literals (for the PDF) or into escaped HTML (for the web pages), from one parse.
//!
//! Paragraphs, bullet and numbered lists, bold, italic and links are kept; anything else
//! (headings, code, HTML) is printed as its plain text. User text never becomes Typst markup or
//! HTML.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// The one Markdown parser both outputs read a body with, so they keep the same subset.
fn parse(markdown: &str) -> Parser<'_> {
    Parser::new_ext(markdown, Options::empty())
}

/// Escapes text as a Typst string literal: `"…"` with `\` and `"` escaped.
pub fn typst_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text as Typst markup that prints it literally: `#"…"`.
///
/// A word with a hyphen inside ("step up-indsats", "2017-2021", "BUU-07") is put in a box of its
/// own, so no line ends on the hyphen (text extractors read a line-final hyphen as a hyphenated
/// word and join it) and the PDF's text is exactly what was typed: no invisible joiner breaks
/// search and copy.
pub fn typst_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut plain = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        let word_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let (word, after) = rest.split_at(word_end);
        let space_end = after
            .find(|c: char| !c.is_whitespace())
            .unwrap_or(after.len());
        let (space, next) = after.split_at(space_end);
        if inner_hyphen(word) {
            if !plain.is_empty() {
                out.push('#');
                out.push_str(&typst_string(&std::mem::take(&mut plain)));
            }
            out.push_str("#box[#");
            out.push_str(&typst_string(word));
            out.push(']');
        } else {
            plain.push_str(word);
        }
        plain.push_str(space);
        rest = next;
    }
    if !plain.is_empty() || out.is_empty() {
        out.push('#');
        out.push_str(&typst_string(&plain));
    }
    out
}

/// Whether a word has a hyphen followed by a letter or digit (where a line could end).
fn inner_hyphen(word: &str) -> bool {
    let mut chars = word.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '-' && chars.peek().is_some_and(|next| next.is_alphanumeric()) {
            return true;
        }
    }
    false
}

/// How deep lists may nest; deeper ones would exceed what the typesetter parses.
pub const MAX_LIST_DEPTH: usize = 8;

/// The deepest list nesting in a Markdown body.
pub fn list_depth(markdown: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    for event in parse(markdown) {
        match event {
            Event::Start(Tag::List(_)) => {
                depth += 1;
                max = max.max(depth);
            }
            Event::End(TagEnd::List(_)) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// Converts a Markdown body to Typst markup.
pub fn to_typst(markdown: &str) -> String {
    let mut out = String::new();
    // Each open list remembers whether it is numbered and where it starts.
    let mut lists: Vec<Option<u64>> = Vec::new();
    // Consecutive text is collected and written as one literal.
    let mut text = String::new();
    for event in parse(markdown) {
        if let Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) = &event {
            text.push_str(t);
            continue;
        }
        if !text.is_empty() {
            out.push_str(&typst_text(&text));
            text.clear();
        }
        match event {
            Event::Start(tag) => start(&mut out, &mut lists, tag),
            Event::End(tag) => end(&mut out, &mut lists, tag),
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push_str("#linebreak()"),
            Event::Rule => out.push_str("\n#line(length: 100%, stroke: 0.5pt)\n"),
            _ => {}
        }
    }
    if !text.is_empty() {
        out.push_str(&typst_text(&text));
    }
    out.trim().to_owned()
}

/// Opens a Markdown element.
fn start(out: &mut String, lists: &mut Vec<Option<u64>>, tag: Tag<'_>) {
    match tag {
        Tag::Paragraph => {}
        Tag::Heading { .. } => out.push_str("#strong["),
        Tag::List(first) => {
            lists.push(first);
            match first {
                Some(n) => out.push_str(&format!("\n#enum(start: {n}, tight: false, ")),
                None => out.push_str("\n#list(tight: false, "),
            }
        }
        Tag::Item => out.push('['),
        Tag::Emphasis => out.push_str("#emph["),
        Tag::Strong => out.push_str("#strong["),
        // A link to an address not allowed (`javascript:`, `data:`) prints its text only;
        // `check` refuses it first (E105).
        Tag::Link { dest_url, .. } if crate::links::allowed_link(&dest_url) => {
            out.push_str(&format!("#link({})[", typst_string(&dest_url)));
        }
        Tag::Link { .. } => out.push_str("#["),
        _ => {}
    }
}

/// Closes a Markdown element.
fn end(out: &mut String, lists: &mut Vec<Option<u64>>, tag: TagEnd) {
    match tag {
        TagEnd::Paragraph => out.push_str(if lists.is_empty() { "\n\n" } else { " " }),
        TagEnd::Heading(_) => out.push_str("]\n\n"),
        TagEnd::List(_) => {
            lists.pop();
            out.push_str(")\n\n");
        }
        TagEnd::Item => {
            while out.ends_with(' ') {
                out.pop();
            }
            out.push_str("], ");
        }
        TagEnd::Emphasis | TagEnd::Strong | TagEnd::Link => out.push(']'),
        _ => {}
    }
}

/// Escapes text for HTML content and attribute values alike.
pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Converts a Markdown body to HTML: paragraphs, lists, emphasis, strong and links are kept;
/// headings print as bold paragraphs; code and HTML print as their text, escaped.
pub fn to_html(markdown: &str) -> String {
    let mut out = String::new();
    // Per open link: whether it became an anchor.
    let mut links: Vec<bool> = Vec::new();
    for event in parse(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                out.push_str(&html_escape(&t));
            }
            Event::SoftBreak => out.push('\n'),
            Event::HardBreak => out.push_str("<br>\n"),
            Event::Rule => out.push_str("<hr>\n"),
            Event::Start(tag) => match tag {
                Tag::Paragraph => out.push_str("<p>"),
                Tag::Heading { .. } => out.push_str("<p><strong>"),
                Tag::CodeBlock(_) | Tag::HtmlBlock => out.push_str("<p>"),
                Tag::List(Some(1)) => out.push_str("<ol>\n"),
                Tag::List(Some(n)) => out.push_str(&format!("<ol start=\"{n}\">\n")),
                Tag::List(None) => out.push_str("<ul>\n"),
                Tag::Item => out.push_str("<li>"),
                Tag::Emphasis => out.push_str("<em>"),
                Tag::Strong => out.push_str("<strong>"),
                Tag::Link { dest_url, .. } => {
                    let safe = crate::links::allowed_link(&dest_url);
                    if safe {
                        out.push_str(&format!("<a href=\"{}\">", html_escape(dest_url.trim())));
                    }
                    links.push(safe);
                }
                _ => {}
            },
            Event::End(tag) => match tag {
                TagEnd::Paragraph | TagEnd::CodeBlock | TagEnd::HtmlBlock => {
                    while out.ends_with('\n') {
                        out.pop();
                    }
                    out.push_str("</p>\n");
                }
                TagEnd::Heading(_) => out.push_str("</strong></p>\n"),
                TagEnd::List(true) => out.push_str("</ol>\n"),
                TagEnd::List(false) => out.push_str("</ul>\n"),
                TagEnd::Item => out.push_str("</li>\n"),
                TagEnd::Emphasis => out.push_str("</em>"),
                TagEnd::Strong => out.push_str("</strong>"),
                TagEnd::Link if links.pop().unwrap_or(false) => out.push_str("</a>"),
                _ => {}
            },
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // A word with a hyphen inside is boxed (no line ends on the hyphen) and holds no invisible
    // character; a hyphen before a space is left alone; spaces stay where they were.
    #[test]
    fn hyphenated_words_are_boxed_as_typed() {
        assert_eq!(
            typst_text("step up-indsats i 2017-2021."),
            "#\"step \"#box[#\"up-indsats\"]#\" i \"#box[#\"2017-2021.\"]"
        );
        assert_eq!(typst_text("beskæftigelses- og"), "#\"beskæftigelses- og\"");
        assert_eq!(typst_text("BUU-07"), "#box[#\"BUU-07\"]");
        assert_eq!(typst_text(""), "#\"\"");
        assert_eq!(typst_text("  a  "), "#\"  a  \"");
        assert!(!typst_text("-8,6 mio. kr. og BUU-07").contains('\u{2060}'));
    }

    // Quotes and backslashes are escaped inside the literal.
    #[test]
    fn string_literal_escapes_quote_and_backslash() {
        assert_eq!(typst_string(r#"a "b" \c"#), r#""a \"b\" \\c""#);
    }

    // Markup characters stay inside literals; nothing is emitted raw.
    #[test]
    fn typst_syntax_in_text_stays_literal() {
        let out = to_typst("#read(\"x\") $x$ @ref <l>");
        assert_eq!(out, r##"#"#read(\"x\") $x$ @ref <l>""##);
    }

    // A link whose address is not web, mail or relative prints as its text, in any spelling.
    #[test]
    fn script_links_print_as_text() {
        for url in [
            "JaVaScRiPt:alert(1)",
            "java&#x73;cript:x",
            "data:text/html,x",
            "vbscript:x",
        ] {
            let out = to_typst(&format!("[klik]({url}) og [kk](https://kk.dk)"));
            assert!(
                !out.contains("#link(\"j") && !out.contains("#link(\"d"),
                "{out}"
            );
            assert!(!out.contains("#link(\"v"), "{out}");
            assert!(out.starts_with(r##"#[#"klik"]"##), "{out}");
            assert!(out.contains(r##"#link("https://kk.dk")[#"kk"]"##), "{out}");
        }
    }

    // Paragraphs, bold, italic, lists and links map to Typst functions.
    #[test]
    fn subset_maps_to_functions() {
        let out = to_typst("Et **fedt** og *kursivt* ord.\n\n- a\n- [b](https://x.dk)\n\n1. c");
        assert!(
            out.starts_with(r##"#"Et "#strong[#"fedt"]#" og "#emph[#"kursivt"]#" ord.""##),
            "{out}"
        );
        assert!(
            out.contains(r##"#list(tight: false, [#"a"], [#link("https://x.dk")[#"b"]], )"##),
            "{out}"
        );
        assert!(
            out.contains(r##"#enum(start: 1, tight: false, [#"c"], )"##),
            "{out}"
        );
    }

    // Markup characters in user text are escaped, in content and attributes alike.
    #[test]
    fn html_text_is_escaped() {
        assert_eq!(
            html_escape(r#"<script>"a" & 'b'</script>"#),
            "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;"
        );
    }

    // Raw HTML in Markdown prints as text; the kept subset maps to elements.
    #[test]
    fn html_keeps_the_subset_and_escapes_html() {
        let html = to_html(
            "Et **fedt** og *kursivt* <b>ord</b> & mere.\n\n- a\n- [b](https://x.dk)\n\n3. c",
        );
        assert!(
            html.starts_with("<p>Et <strong>fedt</strong> og <em>kursivt</em> &lt;b&gt;ord&lt;/b&gt; &amp; mere.</p>"),
            "{html}"
        );
        assert!(
            html.contains("<ul>\n<li>a</li>\n<li><a href=\"https://x.dk\">b</a></li>\n</ul>"),
            "{html}"
        );
        assert!(html.contains("<ol start=\"3\">\n<li>c</li>"), "{html}");
        let block = to_html("<script>alert(1)</script>");
        assert!(!block.contains("<script"), "{block}");
    }

    // A link to a script or data address prints its text only.
    #[test]
    fn unsafe_links_are_text_in_html() {
        let html = to_html("[klik](javascript:alert(1)) [mail](mailto:a@b.dk) [rel](side.html)");
        assert!(!html.contains("javascript"), "{html}");
        assert!(
            html.contains("<a href=\"mailto:a@b.dk\">mail</a>"),
            "{html}"
        );
        assert!(html.contains("<a href=\"side.html\">rel</a>"), "{html}");
        // The page and the PDF share one allow-list (crate::links).
        assert!(!to_html("[x](JavaScript:x)").contains("href"));
        assert!(!to_html("[x](java&#x73;cript:x)").contains("href"));
        assert!(to_html("[x](https://kk.dk/a:b)").contains("href=\"https://kk.dk/a:b\""));
    }
}
