//! The project's own settings, `budgetnote.toml` at the project root: the municipality's register
//! of committees and its additions to the chart of accounts, which the checks compare each
//! proposal against.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_spanned::Spanned;

use crate::accounts;
use crate::checked::ExpenseType;
use crate::diagnostic::render_human;
use crate::diagnostic::{Code, Diagnostic};
use crate::error::AppError;

/// Why the project settings cannot be used: the file's diagnostics, or a failure to read it.
#[derive(Debug)]
pub enum SettingsError {
    /// Problems in `budgetnote.toml`, with their spans.
    Report(crate::diagnostic::FileReport),
    /// The file could not be read.
    App(AppError),
}

impl SettingsError {
    /// As an application error, the diagnostics written out as text.
    pub fn into_app_error(self) -> AppError {
        match self {
            SettingsError::App(err) => err,
            SettingsError::Report(report) => {
                let text: Vec<String> = report
                    .diagnostics
                    .iter()
                    .map(|d| render_human(&report.path, &report.source, d, false))
                    .collect();
                AppError(format!(
                    "the project settings {} have problems:\n\n{}",
                    report.path.display(),
                    text.join("\n\n")
                ))
            }
        }
    }
}

/// The colours of the shared layout a profile may set.
const COLOURS: [&str; 2] = ["accent", "table-head"];

/// The file name of the project settings.
pub use crate::files::SETTINGS_FILE as FILE;

/// The municipality's profile, `[profile]` in `budgetnote.toml`: what every proposal of the
/// project shares unless it says otherwise.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Profile {
    /// The municipality, printed by every form (a proposal's own `municipality` wins).
    #[serde(default)]
    pub municipality: Option<Spanned<String>>,
    /// The municipality's logo, path from the project root (a proposal's own `logo` wins).
    #[serde(default)]
    pub logo: Option<Spanned<crate::model::Logo>>,
    /// Forslagsstiller for proposals that name none, e.g. "Administrationen".
    #[serde(default)]
    pub proposer: Option<Spanned<String>>,
    /// Text printed first in every page's footer, e.g. "Testkommune · Økonomi og Analyse".
    #[serde(default)]
    pub footer: Option<Spanned<String>>,
    /// Whether `render --stamp` also prints the git revision in every page's footer (it is
    /// always in the PDF's metadata), e.g. "Version 3f2a9c1".
    #[serde(default)]
    pub footer_stamp: Option<Spanned<bool>>,
    /// The language of the PDF (`da` by default): its text language and metadata, and the
    /// headings of forms that offer them in this language (`headings = { en = "…" }`).
    #[serde(default)]
    pub language: Option<Spanned<String>>,
    /// The municipality's colours, `#rrggbb`: `accent` (headings, links, the title) and
    /// `table-head` (the fill of table header rows).
    #[serde(default)]
    pub colours: BTreeMap<String, Spanned<String>>,
    /// Section headings of a form renamed for this municipality: form → section key → heading,
    /// e.g. `[profile.headings.standard] bemaerkninger_hu = "7. Eventuelt bemærkninger fra HU"`.
    #[serde(default)]
    pub headings: BTreeMap<String, BTreeMap<String, Spanned<String>>>,
    /// Checkbox groups of a form set for this municipality: form → group key → title, options
    /// and exclusive option, e.g. the districts of `budgetnotat`
    /// (`[profile.checkboxes.budgetnotat.bydele] options = ["Bydækkende", "Valby", …]`). A
    /// group without options is not printed.
    #[serde(default)]
    pub checkboxes: BTreeMap<String, BTreeMap<String, Spanned<CheckboxGroup>>>,
    /// Sections of a form this municipality makes optional or required: form → section key →
    /// whether a proposal must fill it, e.g. `[profile.required.standard] investeringsbehov =
    /// false`.
    #[serde(default)]
    pub required: BTreeMap<String, BTreeMap<String, Spanned<bool>>>,
    /// Fixed labels of a form renamed for this municipality: form → label key → text, e.g.
    /// `[profile.labels.standard] proposer = "Ansvarlig forvaltning"` for "Forslagsstiller".
    #[serde(default)]
    pub labels: BTreeMap<String, BTreeMap<String, Spanned<String>>>,
}

/// A form's checkbox group as a profile sets it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckboxGroup {
    /// The title printed with the boxes; the form's when not given.
    #[serde(default)]
    pub title: Option<String>,
    /// The options, in print order (none: the group is not printed).
    pub options: Vec<String>,
    /// An option that excludes every other (e.g. "Bydækkende" excludes single districts).
    #[serde(default)]
    pub exclusive: Option<String>,
}

/// `budgetnote.toml` as written.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Config {
    /// The municipality's profile.
    #[serde(default)]
    pub profile: Profile,
    /// The register of committees: abbreviation = full name, e.g. `SU = "Socialudvalget"`.
    #[serde(default)]
    pub committees: BTreeMap<String, Spanned<String>>,
    /// Functions added to the bundled chart of accounts, e.g.
    /// `"5.25.20" = { name = "…", expense = "service" }`.
    #[serde(default)]
    pub accounts: BTreeMap<String, Spanned<accounts::Entry>>,
    /// The profile's logo, checked, with the path typst reads (filled in by `load`).
    #[serde(skip)]
    pub profile_logo: Option<crate::checked::Logo>,
}

impl Config {
    /// Reads `<root>/budgetnote.toml`; a project without one has an empty register (no committee
    /// checks). Any problem in the file, even an unknown key, stops the run with the file's
    /// diagnostics: every proposal depends on it.
    pub fn load(
        root: &Path,
        forms: &crate::forms::Forms,
        glyphs: &crate::checks::glyphs::Glyphs,
    ) -> Result<Self, SettingsError> {
        Self::load_from(&crate::sources::WorkTree::new(root), forms, glyphs)
    }

    /// [`Self::load`], reading `budgetnote.toml` and the profile's logo from `sources` (the
    /// working tree or a git revision).
    pub fn load_from(
        sources: &dyn crate::sources::Sources,
        forms: &crate::forms::Forms,
        glyphs: &crate::checks::glyphs::Glyphs,
    ) -> Result<Self, SettingsError> {
        use crate::sources::SourceError;
        let root = sources.root();
        let path = root.join(FILE);
        let source = match sources.read(&path, crate::files::TOML_LIMIT) {
            Err(SourceError::Missing) => return Ok(Self::default()),
            other => other,
        };
        let source = source
            .map_err(|e| match e {
                SourceError::Read(e) => match e.diagnostic(&path, None) {
                    Some(d) => AppError(d.message),
                    None => AppError(format!("cannot read {}: {e}", path.display())),
                },
                other => AppError(format!("cannot read {}: {other}", path.display())),
            })
            .and_then(|bytes| {
                String::from_utf8(bytes)
                    .map_err(|_| AppError(format!("{} is not UTF-8 text", path.display())))
            })
            .map_err(SettingsError::App)?;
        let view = crate::source::SourceView::new(&source);
        let (mut config, mut diagnostics) = crate::parse::parse_view::<Config>(&view);
        // The profile's text is printed in every PDF: it gets the same text checks as a proposal.
        diagnostics.extend(crate::checks::content::check(&view));
        diagnostics.extend(glyphs.diagnostics(&view));
        if let Some(config) = &mut config {
            diagnostics.extend(config.account_problems());
            diagnostics.extend(section_problems(
                "headings",
                &config.profile.headings,
                forms,
            ));
            diagnostics.extend(section_problems(
                "required",
                &config.profile.required,
                forms,
            ));
            diagnostics.extend(config.checkbox_problems(forms));
            diagnostics.extend(config.label_problems(forms));
            diagnostics.extend(config.colour_problems());
            if let Some(language) = &config.profile.language {
                let code = language.get_ref();
                if code.len() != 2 || !code.chars().all(|c| c.is_ascii_lowercase()) {
                    diagnostics.push(
                        Diagnostic::new(
                            Code::E002,
                            format!("language \"{code}\" is not a two-letter language code"),
                            Some(language.span()),
                        )
                        .with_help("write the ISO 639-1 code in lower case, e.g. \"da\" or \"en\""),
                    );
                }
            }
            if let Some(logo) = &config.profile.logo {
                match profile_logo(sources, logo) {
                    Ok(checked) => config.profile_logo = Some(checked),
                    Err(problem) => diagnostics.push(*problem),
                }
            }
        }
        if !diagnostics.is_empty() {
            let mut report = crate::diagnostic::FileReport {
                path,
                source,
                diagnostics,
            };
            report.sort();
            return Err(SettingsError::Report(report));
        }
        Ok(config.unwrap_or_default())
    }

    /// The profile's colours and language as `sys.inputs` for the shared layout.
    pub fn layout_inputs(&self) -> Vec<(&'static str, String)> {
        let mut inputs: Vec<(&'static str, String)> = COLOURS
            .iter()
            .filter_map(|name| {
                self.profile
                    .colours
                    .get(*name)
                    .map(|c| (*name, c.get_ref().trim().to_owned()))
            })
            .collect();
        if let Some(language) = &self.profile.language {
            inputs.push(("lang", language.get_ref().clone()));
        }
        inputs
    }

    /// E002 for a colour the layout does not have, or that is not written `#rrggbb`.
    fn colour_problems(&self) -> Vec<Diagnostic> {
        let mut found = Vec::new();
        for (name, value) in &self.profile.colours {
            let text = value.get_ref().trim();
            let hex = text.len() == 7
                && text.starts_with('#')
                && text[1..].chars().all(|c| c.is_ascii_hexdigit());
            if !COLOURS.contains(&name.as_str()) {
                found.push(
                    Diagnostic::new(
                        Code::E002,
                        format!("the layout has no colour `{name}`"),
                        Some(value.span()),
                    )
                    .with_help(format!("the colours are: {}", COLOURS.join(", "))),
                );
            } else if !hex {
                found.push(
                    Diagnostic::new(
                        Code::E002,
                        format!("colour `{name}` is \"{text}\", not a colour written #rrggbb"),
                        Some(value.span()),
                    )
                    .with_help("write it as in the municipality's design guide, e.g. \"#1f3864\""),
                );
            }
        }
        found
    }

    /// E004/E044/E003 for a renamed label of a form that does not exist, a label the form does
    /// not print, or an empty one.
    fn label_problems(&self, forms: &crate::forms::Forms) -> Vec<Diagnostic> {
        let mut found = Vec::new();
        for (name, labels) in &self.profile.labels {
            let Some(form) = profile_form(("labels", name), labels, forms, &mut found) else {
                continue;
            };
            for (key, text) in labels {
                if !form.labels.contains_key(key) {
                    let keys: Vec<String> = form
                        .labels
                        .iter()
                        .map(|(k, v)| format!("{k} (\"{v}\")"))
                        .collect();
                    found.push(
                        Diagnostic::new(
                            Code::E044,
                            format!("form \"{name}\" prints no label `{key}`"),
                            Some(text.span()),
                        )
                        .with_help(if keys.is_empty() {
                            format!("form \"{name}\" has no labels to rename")
                        } else {
                            format!("the form's labels are: {}", keys.join(", "))
                        }),
                    );
                } else if text.get_ref().trim().is_empty() {
                    found.push(
                        Diagnostic::new(
                            Code::E003,
                            format!("the label `{key}` of form \"{name}\" is empty"),
                            Some(text.span()),
                        )
                        .with_help(format!(
                            "write the label's text, or leave `{key}` out to keep \"{}\"",
                            form.labels[key]
                        )),
                    );
                }
            }
        }
        found
    }

    /// E004/E023/E021 for a checkbox group of a form or group that does not exist, or whose
    /// exclusive option is not one of its options.
    fn checkbox_problems(&self, forms: &crate::forms::Forms) -> Vec<Diagnostic> {
        let mut found = Vec::new();
        for (name, groups) in &self.profile.checkboxes {
            let Some(form) = profile_form(("checkboxes", name), groups, forms, &mut found) else {
                continue;
            };
            for (key, group) in groups {
                if !form.checkboxes.iter().any(|c| c.key == *key) {
                    let keys: Vec<&str> = form.checkboxes.iter().map(|c| c.key.as_str()).collect();
                    found.push(
                        Diagnostic::new(
                            Code::E023,
                            format!("form \"{name}\" has no checkbox group `{key}`"),
                            Some(group.span()),
                        )
                        .with_help(if keys.is_empty() {
                            format!("form \"{name}\" has no checkbox groups")
                        } else {
                            format!("the form's groups are: {}", keys.join(", "))
                        }),
                    );
                    continue;
                }
                let g = group.get_ref();
                if let Some(exclusive) = &g.exclusive
                    && !g.options.contains(exclusive)
                {
                    found.push(
                        Diagnostic::new(
                            Code::E021,
                            format!(
                                "the exclusive option \"{exclusive}\" is not one of the group's options"
                            ),
                            Some(group.span()),
                        )
                        .with_help("name one of `options` exactly as written there"),
                    );
                }
            }
        }
        found
    }

    /// E042 for an `[accounts]` entry whose number is not hovedkonto.hovedfunktion.funktion or
    /// whose expense type is unknown.
    fn account_problems(&self) -> Vec<Diagnostic> {
        let mut found = Vec::new();
        for (number, entry) in &self.accounts {
            if !matches!(
                accounts::Written::parse(number),
                Some(accounts::Written::Full(_))
            ) {
                found.push(
                    Diagnostic::new(
                        Code::E042,
                        format!("\"{number}\" is not a full account number"),
                        Some(entry.span()),
                    )
                    .with_help(
                        "write the function as hovedkonto.hovedfunktion.funktion, e.g. \"5.25.20\"",
                    ),
                );
            }
            if ExpenseType::from_key(&entry.get_ref().expense).is_none() {
                found.push(
                    Diagnostic::new(
                        Code::E002,
                        format!(
                            "\"{}\" is not an expense type (account {number})",
                            entry.get_ref().expense
                        ),
                        Some(entry.span()),
                    )
                    .with_help(format!(
                        "{}use one of {}",
                        crate::parse::did_you_mean(
                            &entry.get_ref().expense,
                            crate::parse::listed(ExpenseType::KEYS)
                        ),
                        ExpenseType::KEYS
                    )),
                );
            }
        }
        found
    }

    /// The bundled chart of accounts with this project's additions.
    pub fn chart(&self) -> accounts::Chart {
        let mut chart = accounts::Chart::bundled().clone();
        for (number, entry) in &self.accounts {
            if let (Some(accounts::Written::Full(n)), Some(usual)) = (
                accounts::Written::parse(number),
                ExpenseType::from_key(&entry.get_ref().expense),
            ) {
                let name = entry.get_ref().name.trim().to_owned();
                chart.insert(n, accounts::Function { name, usual });
            }
        }
        chart
    }

    /// The register's abbreviation closest to a misspelt one ("BUI" → "BIU"), if one is close.
    pub fn nearest_committee(&self, abbreviation: &str) -> Option<&str> {
        crate::parse::nearest(
            abbreviation.trim(),
            self.committees.keys().map(String::as_str),
        )
    }

    /// The full name of a committee abbreviation, if the register has it.
    pub fn committee(&self, abbreviation: &str) -> Option<&str> {
        self.committees
            .get(abbreviation.trim())
            .map(|name| name.get_ref().trim())
    }
}

/// The profile's logo (path from the project root), checked like a proposal's: alt text (E035),
/// a usable image inside the project (E036, E054), at the logo's line.
fn profile_logo(
    sources: &dyn crate::sources::Sources,
    logo: &Spanned<crate::model::Logo>,
) -> Result<crate::checked::Logo, Box<Diagnostic>> {
    let written = logo.get_ref();
    let file = written.file.get_ref();
    let alt = written
        .alt
        .as_ref()
        .map(|a| a.get_ref().trim().to_owned())
        .filter(|a| !a.is_empty())
        .ok_or_else(|| {
            Box::new(
                Diagnostic::new(
                    Code::E035,
                    "the profile's logo has no alt text",
                    Some(logo.span()),
                )
                .with_help(format!(
                    "write logo = {{ file = \"{file}\", alt = \"what the logo shows\" }}"
                )),
            )
        })?;
    let vpath =
        crate::logo::check_in(sources, &sources.root().join(file)).map_err(|(code, why)| {
            Box::new(Diagnostic::new(
            code,
            format!("the profile's logo \"{file}\" {why}"),
            Some(written.file.span()),
        )
        .with_help(
            "give the path, from the project root, of an SVG, PNG or JPEG image inside the project",
        ))
        })?;
    Ok(crate::checked::Logo {
        file: vpath,
        alt,
        span: 0..0,
    })
}

/// E004/E017 for a profile's table of a form's sections (`[profile.headings.<form>]`,
/// `[profile.required.<form>]`, named `table`) whose form or section does not exist.
fn section_problems<T>(
    table: &str,
    forms_sections: &BTreeMap<String, BTreeMap<String, Spanned<T>>>,
    forms: &crate::forms::Forms,
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for (name, sections) in forms_sections {
        let Some(form) = profile_form((table, name), sections, forms, &mut found) else {
            continue;
        };
        for (key, value) in sections {
            if !form.sections.iter().any(|s| s.key == *key) {
                found.push(
                    Diagnostic::new(
                        Code::E017,
                        format!("form \"{name}\" has no section `{key}`"),
                        Some(value.span()),
                    )
                    .with_help(format!("the form's sections are: {}", form.section_keys())),
                );
            }
        }
    }
    found
}

/// The form a profile table `[profile.<table>.<name>]` is about; E004 in `found` (at the table's
/// first entry) when no form is called `name`.
fn profile_form<T>(
    (table, name): (&str, &str),
    entries: &BTreeMap<String, Spanned<T>>,
    forms: &crate::forms::Forms,
    found: &mut Vec<Diagnostic>,
) -> Option<std::sync::Arc<crate::forms::Form>> {
    let form = forms.find(name);
    if form.is_none() {
        found.push(
            Diagnostic::new(
                Code::E004,
                format!("[profile.{table}.{name}]: no form is called \"{name}\""),
                entries.values().next().map(Spanned::span),
            )
            .with_help(format!("the forms are {}", forms.names())),
        );
    }
    form
}
