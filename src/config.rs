//! The project's own settings, `budgetnote.toml` at the project root: the municipality's register
//! of committees, which the checks compare each proposal against.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_spanned::Spanned;

use crate::AppError;
use crate::diagnostic::render_human;

/// The file name of the project settings.
pub const FILE: &str = "budgetnote.toml";

/// `budgetnote.toml` as written.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Config {
    /// The register of committees: abbreviation = full name, e.g. `SU = "Socialudvalget"`.
    #[serde(default)]
    pub committees: BTreeMap<String, Spanned<String>>,
}

impl Config {
    /// Reads `<root>/budgetnote.toml`; a project without one has an empty register (no committee
    /// checks). Any problem in the file, even an unknown key, stops the run with the file's
    /// diagnostics: every proposal depends on it.
    pub fn load(root: &Path) -> Result<Self, AppError> {
        let path = root.join(FILE);
        if !path.exists() {
            return Ok(Self::default());
        }
        let source = std::fs::read_to_string(&path)
            .map_err(|e| AppError(format!("cannot read {}: {e}", path.display())))?;
        let (config, diagnostics) = crate::parse::parse_document::<Config>(&source);
        if !diagnostics.is_empty() {
            let text: Vec<String> = diagnostics
                .iter()
                .map(|d| render_human(&path, &source, d, false))
                .collect();
            return Err(AppError(format!(
                "the project settings {} have problems:\n\n{}",
                path.display(),
                text.join("\n\n")
            )));
        }
        Ok(config.unwrap_or_default())
    }

    /// The full name of a committee abbreviation, if the register has it.
    pub fn committee(&self, abbreviation: &str) -> Option<&str> {
        self.committees
            .get(abbreviation.trim())
            .map(|name| name.get_ref().trim())
    }
}
