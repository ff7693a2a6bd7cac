//! Printable text: every character of a proposal's strings must exist in the bundled fonts.
//!
//! PDF/A and PDF/UA forbid a character drawn as an empty box, so a character the fonts lack is
//! the user's error (E029), reported at the character itself before anything is typeset.

use typst::text::{Coverage, Font};

use crate::diagnostic::{Code, Diagnostic};

/// Which characters the bundled fonts can print.
pub struct Glyphs {
    /// Code point coverage of each bundled font.
    fonts: Vec<Coverage>,
    /// Family names of the bundled fonts, for the message.
    families: Vec<String>,
}

impl Glyphs {
    /// The coverage of the given fonts.
    pub fn new(fonts: &[Font]) -> Self {
        let mut families: Vec<String> = Vec::new();
        for font in fonts {
            if !families.contains(&font.info().family) {
                families.push(font.info().family.clone());
            }
        }
        Self {
            fonts: fonts.iter().map(|f| f.info().coverage.clone()).collect(),
            families,
        }
    }

    /// Whether `c` can be printed (spaces, controls and invisible format characters need no glyph).
    pub fn covers(&self, c: char) -> bool {
        c.is_whitespace()
            || c.is_control()
            || is_invisible(c)
            || self.fonts.iter().any(|f| f.contains(u32::from(c)))
    }

    /// E029 for each unprintable character in the string values of a TOML source (the same
    /// strings the other text checks read, `content::strings`).
    pub fn diagnostics(&self, view: &crate::source::SourceView<'_>) -> Vec<Diagnostic> {
        let mut found = Vec::new();
        for text in crate::checks::content::strings(view) {
            self.visit_string(view.text, &text.text, text.span, &mut found);
        }
        found
    }

    /// Reports each unprintable character of a string at its own place in the source; one
    /// written as an escape (`\u2713`) is reported at the whole string.
    fn visit_string(
        &self,
        source: &str,
        text: &str,
        span: std::ops::Range<usize>,
        found: &mut Vec<Diagnostic>,
    ) {
        let raw = source.get(span.clone()).unwrap_or("");
        // Markdown turns character references (`&#xE000;`) into characters the text itself
        // does not hold; each is checked at its reference.
        if text.contains("&#") {
            let mut reported = Vec::new();
            for c in referenced(text) {
                if !self.covers(c) && !text.contains(c) && !reported.contains(&c) {
                    reported.push(c);
                    let at = crate::checks::content::entity_span(raw, c)
                        .map_or(span.clone(), |r| span.start + r.start..span.start + r.end);
                    found.push(self.unprintable(c, at));
                }
            }
        }
        if text.chars().all(|c| self.covers(c)) {
            return;
        }
        let mut reported = Vec::new();
        for (offset, c) in raw.char_indices() {
            if !self.covers(c) {
                let at = span.start + offset;
                found.push(self.unprintable(c, at..at + c.len_utf8()));
                reported.push(c);
            }
        }
        for c in text.chars().filter(|c| !self.covers(*c)) {
            if !reported.contains(&c) {
                found.push(self.unprintable(c, span.clone()));
                reported.push(c);
            }
        }
    }

    /// The diagnostic for one unprintable character.
    fn unprintable(&self, c: char, span: std::ops::Range<usize>) -> Diagnostic {
        Diagnostic::new(
            Code::E029,
            format!(
                "the character '{c}' (U+{:04X}) is not in the bundled font {}",
                u32::from(c),
                self.families.join(", ")
            ),
            Some(span),
        )
        .with_label("cannot be printed")
        .with_help(
            "write it another way (e.g. \"ja\" for a tick mark), or add a font that has it to fonts/; \
             an accessible, archivable PDF may not show it as an empty box",
        )
    }
}

/// The characters of a Markdown text after its character references are decoded.
fn referenced(text: &str) -> Vec<char> {
    use pulldown_cmark::{Event, Options, Parser};
    let mut chars = Vec::new();
    for event in Parser::new_ext(text, Options::empty()) {
        if let Event::Text(t) = event {
            chars.extend(t.chars());
        }
    }
    chars
}

/// Format characters that are never drawn: soft hyphen, zero-width spaces and joiners, word
/// joiner, variation selectors, byte-order mark.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
    )
}
