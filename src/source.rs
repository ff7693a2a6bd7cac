//! One spanned view per file: the text is parsed once into a spanned TOML table, and every stage
//! that needs positions (the model, the checks, acknowledgements) reads that same view.

use toml::Spanned;
use toml::de::DeTable;

/// A file's text with its TOML parsed once, keeping every key's and value's span.
pub struct SourceView<'a> {
    /// The file's text.
    pub text: &'a str,
    /// The parsed document, or the syntax error that stopped parsing.
    pub parsed: Result<Spanned<DeTable<'a>>, toml::de::Error>,
}

impl<'a> SourceView<'a> {
    /// Parses `text` once.
    pub fn new(text: &'a str) -> Self {
        Self {
            text,
            parsed: DeTable::parse(text),
        }
    }

    /// The top-level table, when the text is TOML.
    pub fn table(&self) -> Option<&DeTable<'a>> {
        self.parsed.as_ref().ok().map(Spanned::get_ref)
    }
}
