//! Forms as data: each form is a folder `templates/<name>/` holding `form.toml` (what the form
//! prints: label, description, whether it has the amounts table, its sections with headings and
//! whether they are required, its checkbox groups with options and rules) beside its template
//! `form.typ.j2` and, optionally, its web page template `form.html.j2`.
//!
//! The bundled forms ship inside the binary ([`crate::bundle`]); a project adds a form, or
//! replaces a bundled one, by putting a folder of the same shape under its own `templates/`, with
//! no recompiling. A form description with a mistake gets spanned diagnostics like a proposal.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::{Code, Diagnostic, FileReport};

/// One section a form prints, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionSpec {
    /// Key under `[sections]` in the proposal, e.g. `resume`.
    pub key: String,
    /// Heading printed in the PDF, e.g. "1. Resumé"; `None` prints the body without a heading.
    pub heading: Option<String>,
    /// Whether the proposal must fill it.
    pub required: bool,
    /// The heading in other languages, by language code (`en` → "1. Summary").
    pub translations: std::collections::BTreeMap<String, String>,
}

/// A group of checkboxes a form prints, e.g. "Kategorisering".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckboxSpec {
    /// Key under `[checkboxes]`, e.g. `kategorisering`.
    pub key: String,
    /// Title printed above or beside the boxes.
    pub title: String,
    /// The options, in print order.
    pub options: Vec<String>,
    /// Whether at most one option may be ticked.
    pub single: bool,
    /// An option that excludes every other (e.g. "Bydækkende" excludes single districts).
    pub exclusive: Option<String>,
}

/// A form's rule for an amendment's amounts (`[amendment]` in form.toml): a ledger of changes
/// and the financing that offsets them, grouped by `group`, with the net as its total row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmendmentRule {
    /// The key of the ledger under `[tables]` that holds the amounts, e.g. `beloeb`.
    pub table: String,
    /// The section that places the table, e.g. `oekonomi` (`budgetnote new` places it there).
    pub section: Option<String>,
    /// The group of the changes, e.g. "Ændringer"; at least one row must have it.
    pub changes: String,
    /// The group of the financing, e.g. "Finansiering"; at least one row must have it.
    pub financing: String,
    /// Whether the net (the table's total row) must be stated for every year.
    pub stated_net: bool,
    /// The checkbox group and option that declare the amendment budget-neutral (net 0 each year).
    pub neutral: Option<(String, String)>,
}

/// A form: a template plus the sections and checkbox groups it prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    /// Name used in `form = "…"`: the folder's name.
    pub name: String,
    /// What the form is called by its users.
    pub description: String,
    /// The form's short name in PDF metadata, e.g. "Driftsforslag".
    pub label: String,
    /// The template's name in the template environment, e.g. `standard/form.typ.j2`.
    pub template: String,
    /// Whether the form has the standard amounts table (`[budget]`), and must.
    pub needs_budget: bool,
    /// How a zero prints in its ledgers unless a table says: "0" (default) or "-".
    pub zero: crate::ledger::Zero,
    /// Sections in print order.
    pub sections: Vec<SectionSpec>,
    /// Checkbox groups the form prints.
    pub checkboxes: Vec<CheckboxSpec>,
    /// The amendment rule, for forms whose amounts are changes with their financing.
    pub amendment: Option<AmendmentRule>,
    /// The fixed labels the form prints, by key, e.g. `proposer` = "Forslagsstiller" (`[labels]`
    /// of `form.toml`; a profile may rename them).
    pub labels: BTreeMap<String, String>,
    /// Where the form comes from: `None` when bundled, else the project's `form.toml`.
    pub file: Option<PathBuf>,
}

impl Form {
    /// The form's web page template under `templates/`, e.g. `standard/form.html.j2` (a form
    /// without one gets the generic page, see [`crate::export::html`]).
    pub fn html_template(&self) -> String {
        format!("{}/form.html.j2", self.name)
    }

    /// The keys this form accepts under `[sections]`, for help messages.
    pub fn section_keys(&self) -> String {
        self.sections
            .iter()
            .map(|s| s.key.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// `form.toml` as written.
#[derive(Debug, Clone, Deserialize)]
struct FormFile {
    /// Short name in the PDF's metadata, e.g. "Budgetforslag".
    label: Spanned<String>,
    /// One line saying what the form is for (shown by `budgetnote forms`).
    description: Spanned<String>,
    /// The amounts table `[budget]`: "required" (the form prints it) or "none" (default).
    #[serde(default)]
    budget: Option<Spanned<String>>,
    /// How a zero prints in the form's ledgers: "0" (default) or "-".
    #[serde(default)]
    zero: Option<Spanned<String>>,
    /// Sections in print order.
    #[serde(default)]
    sections: Vec<Spanned<SectionFile>>,
    /// Checkbox groups in print order.
    #[serde(default)]
    checkboxes: Vec<Spanned<CheckboxFile>>,
    /// The amendment rule: the amounts are changes offset by financing.
    #[serde(default)]
    amendment: Option<Spanned<AmendmentFile>>,
    /// The fixed labels the templates print, by key, e.g. `proposer = "Forslagsstiller"`.
    #[serde(default)]
    labels: BTreeMap<String, Spanned<String>>,
}

/// `[amendment]` of `form.toml`.
#[derive(Debug, Clone, Deserialize)]
struct AmendmentFile {
    /// Key of the ledger under `[tables]` in a proposal, e.g. "beloeb".
    table: Spanned<String>,
    /// Key of the section that places the table.
    #[serde(default)]
    section: Option<Spanned<String>>,
    /// Group label of the changes (default "Ændringer").
    #[serde(default)]
    changes: Option<Spanned<String>>,
    /// Group label of the financing (default "Finansiering").
    #[serde(default)]
    financing: Option<Spanned<String>>,
    /// Whether the net must be stated (`stated_totals` for every year); default true.
    #[serde(default)]
    stated_net: Option<bool>,
    /// The tick that declares the amendment budget-neutral.
    #[serde(default)]
    neutral: Option<Spanned<NeutralFile>>,
}

/// `neutral = { checkboxes = "virkning", option = "Udgiftsneutralt" }` of `[amendment]`.
#[derive(Debug, Clone, Deserialize)]
struct NeutralFile {
    /// Key of the checkbox group.
    checkboxes: Spanned<String>,
    /// The option that, ticked, declares the amendment budget-neutral.
    option: Spanned<String>,
}

/// One `[[sections]]` entry of `form.toml`.
#[derive(Debug, Clone, Deserialize)]
struct SectionFile {
    /// Key under `[sections]` in a proposal.
    key: Spanned<String>,
    /// Heading printed above it; none prints the body alone.
    #[serde(default)]
    heading: Option<Spanned<String>>,
    /// Whether a proposal must fill it (default true).
    #[serde(default)]
    required: Option<bool>,
    /// The heading in other languages, by language code, e.g. `{ en = "1. Summary" }`; a
    /// profile's `language` picks one.
    #[serde(default)]
    headings: BTreeMap<String, Spanned<String>>,
}

/// One `[[checkboxes]]` entry of `form.toml`.
#[derive(Debug, Clone, Deserialize)]
struct CheckboxFile {
    /// Key under `[checkboxes]` in a proposal.
    key: Spanned<String>,
    /// Title printed with the boxes.
    title: Spanned<String>,
    /// The options in print order.
    options: Vec<Spanned<String>>,
    /// At most one tick.
    #[serde(default)]
    single: bool,
    /// An option that excludes the others.
    #[serde(default)]
    exclusive: Option<Spanned<String>>,
}

/// The forms available to a project: the bundled ones, with the project's own added or replacing
/// them, in name order.
#[derive(Debug, Clone, Default)]
pub struct Forms {
    /// Every form, sorted by name.
    forms: Vec<Arc<Form>>,
}

/// The bundled forms, read once from the descriptions inside the binary.
static BUNDLED: LazyLock<Forms> = LazyLock::new(|| {
    let mut forms = Forms::default();
    for (path, text) in crate::bundle::TEMPLATES {
        if let Some(name) = path.strip_suffix("/form.toml") {
            // A bundled description that does not read is caught by this module's tests.
            if let (Some(form), _) = read(name, text, None) {
                forms.insert(form);
            }
        }
    }
    forms
});

impl Forms {
    /// The bundled forms.
    pub fn bundled() -> &'static Forms {
        &BUNDLED
    }

    /// The bundled forms with the project's own (`<root>/templates/<name>/form.toml`) added or
    /// replacing bundled ones of the same name; a description with mistakes is left out and its
    /// diagnostics returned.
    pub fn load(root: &Path, glyphs: &crate::checks::glyphs::Glyphs) -> (Forms, Vec<FileReport>) {
        Self::load_from(&crate::sources::WorkTree::new(root), glyphs)
    }

    /// [`Self::load`], reading the project's forms from `sources` (the working tree or a git
    /// revision).
    pub fn load_from(
        sources: &dyn crate::sources::Sources,
        glyphs: &crate::checks::glyphs::Glyphs,
    ) -> (Forms, Vec<FileReport>) {
        let mut forms = Forms::bundled().clone();
        let mut reports = Vec::new();
        let dirs: Vec<PathBuf> = sources
            .list(&sources.root().join("templates"))
            .into_iter()
            .filter(|p| sources.is_file(&p.join("form.toml")))
            .collect();
        for dir in dirs {
            let file = dir.join("form.toml");
            let name = dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let source = match sources
                .read(&file, crate::files::TOML_LIMIT)
                .map(String::from_utf8)
            {
                Ok(Ok(text)) => text,
                _ => {
                    reports.push(FileReport {
                        path: file.clone(),
                        source: String::new(),
                        diagnostics: vec![Diagnostic::new(
                            Code::E001,
                            "the form description cannot be read as UTF-8 text",
                            None,
                        )],
                    });
                    continue;
                }
            };
            // The repository's own copy of a bundled form is the bundled form.
            if crate::bundle::template(&format!("{name}/form.toml")) == Some(source.as_str()) {
                continue;
            }
            let (form, mut diagnostics) = read(&name, &source, Some(&file));
            // Its headings and titles are printed: the same text checks as a proposal's.
            let view = crate::source::SourceView::new(&source);
            diagnostics.extend(crate::checks::content::check(&view));
            diagnostics.extend(glyphs.diagnostics(&view));
            // A replacement of a bundled form may keep the bundled template.
            let bundled_template =
                crate::bundle::template(&format!("{name}/form.typ.j2")).is_some();
            if !sources.is_file(&dir.join("form.typ.j2")) && !bundled_template {
                diagnostics.push(
                    Diagnostic::new(
                        Code::E003,
                        format!("the form \"{name}\" has no template: form.typ.j2 is missing beside form.toml"),
                        Some(0..0),
                    )
                    .with_help("copy a bundled form's form.typ.j2 (see `budgetnote forms`) and change it"),
                );
            }
            let failed = diagnostics
                .iter()
                .any(|d| d.severity() == crate::diagnostic::Severity::Error);
            if !diagnostics.is_empty() {
                let mut report = FileReport {
                    path: file.clone(),
                    source,
                    diagnostics,
                };
                report.sort();
                reports.push(report);
            }
            match (form, failed) {
                (Some(form), false) => forms.insert(form),
                // A broken replacement must not fall back to the bundled form silently: the
                // form is unavailable until its description is fixed.
                _ => forms.forms.retain(|f| f.name != name),
            }
        }
        (forms, reports)
    }

    /// Adds a form, replacing one of the same name.
    fn insert(&mut self, form: Form) {
        self.forms.retain(|f| f.name != form.name);
        self.forms.push(Arc::new(form));
        self.forms.sort_by(|a, b| a.name.cmp(&b.name));
    }

    /// Puts every heading a form offers in `language` in place of its default one.
    pub fn use_language(&mut self, language: &str) {
        for form in &mut self.forms {
            let form = Arc::make_mut(form);
            for section in &mut form.sections {
                if let Some(heading) = section.translations.get(language) {
                    section.heading = Some(heading.clone());
                }
            }
        }
    }

    /// Sets a form's checkbox group as the profile gives it: its title (if given), options and
    /// exclusive option; a form or group that does not exist is left alone (the profile's check
    /// reports it).
    pub fn set_checkboxes(
        &mut self,
        (name, key): (&str, &str),
        title: Option<&str>,
        options: &[String],
        exclusive: Option<&str>,
    ) {
        if let Some(form) = self.forms.iter_mut().find(|f| f.name == name) {
            let form = Arc::make_mut(form);
            for spec in form.checkboxes.iter_mut().filter(|c| c.key == key) {
                if let Some(title) = title {
                    spec.title = title.to_owned();
                }
                spec.options = options.to_vec();
                spec.exclusive = exclusive.map(str::to_owned);
            }
        }
    }

    /// Renames a form's fixed labels, form → label key → text (the profile's `labels`); a form
    /// or label that does not exist is left alone (the profile's check reports it).
    pub fn rename_labels<'a>(
        &mut self,
        renamed: impl IntoIterator<Item = (&'a str, &'a str, &'a str)>,
    ) {
        for (name, key, text) in renamed {
            if let Some(form) = self.forms.iter_mut().find(|f| f.name == name)
                && form.labels.contains_key(key)
            {
                Arc::make_mut(form)
                    .labels
                    .insert(key.to_owned(), text.trim().to_owned());
            }
        }
    }

    /// Makes sections optional or required, form → section key → required (the profile's
    /// `required`); a form or section that does not exist is left alone (the profile's check
    /// reports it).
    pub fn set_required<'a>(&mut self, set: impl IntoIterator<Item = (&'a str, &'a str, bool)>) {
        for (name, key, required) in set {
            if let Some(form) = self.forms.iter_mut().find(|f| f.name == name) {
                let form = Arc::make_mut(form);
                for section in form.sections.iter_mut().filter(|s| s.key == key) {
                    section.required = required;
                }
            }
        }
    }

    /// Renames section headings, form → section key → heading (the profile's `headings`).
    pub fn rename_headings<'a>(
        &mut self,
        renamed: impl IntoIterator<Item = (&'a str, &'a str, &'a str)>,
    ) {
        for (name, key, heading) in renamed {
            if let Some(form) = self.forms.iter_mut().find(|f| f.name == name) {
                let form = Arc::make_mut(form);
                for section in form.sections.iter_mut().filter(|s| s.key == key) {
                    section.heading = Some(heading.to_owned());
                }
            }
        }
    }

    /// Looks a form up by its name.
    pub fn find(&self, name: &str) -> Option<Arc<Form>> {
        self.forms.iter().find(|f| f.name == name).cloned()
    }

    /// Every form, in name order.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<Form>> {
        self.forms.iter()
    }

    /// The names of all forms, quoted, for help messages.
    pub fn names(&self) -> String {
        self.forms
            .iter()
            .map(|f| format!("\"{}\"", f.name))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Reads a form description; `file` is where a project's form lives (`None` when bundled).
fn read(name: &str, source: &str, file: Option<&Path>) -> (Option<Form>, Vec<Diagnostic>) {
    let (parsed, mut diagnostics) = crate::parse::parse_document::<FormFile>(source);
    let Some(parsed) = parsed else {
        return (None, diagnostics);
    };
    let needs_budget = match parsed.budget.as_ref().map(|b| b.get_ref().as_str()) {
        None | Some("none") => false,
        Some("required") => true,
        Some(other) => {
            diagnostics.push(
                Diagnostic::new(
                    Code::E002,
                    format!("`budget` is \"{other}\"; a form's budget is \"required\" or \"none\""),
                    parsed.budget.as_ref().map(Spanned::span),
                )
                .with_help("write budget = \"required\" when the form prints the amounts table"),
            );
            false
        }
    };
    let zero = match &parsed.zero {
        None => crate::ledger::Zero::Digit,
        Some(z) => crate::ledger::Zero::from_key(z.get_ref()).unwrap_or_else(|| {
            diagnostics.push(
                Diagnostic::new(
                    Code::E002,
                    format!(
                        "`zero` is \"{}\"; a form prints a zero as \"0\" or \"-\"",
                        z.get_ref()
                    ),
                    Some(z.span()),
                )
                .with_help("write zero = \"-\" for a dash, or leave it out for 0"),
            );
            crate::ledger::Zero::Digit
        }),
    };
    let mut sections: Vec<SectionSpec> = Vec::new();
    for s in &parsed.sections {
        let s = s.get_ref();
        let key = s.key.get_ref().trim().to_owned();
        if !is_key(&key) || sections.iter().any(|o| o.key == key) {
            diagnostics.push(bad_key(
                &s.key,
                "section",
                sections.iter().any(|o| o.key == key),
            ));
            continue;
        }
        sections.push(SectionSpec {
            key,
            heading: s.heading.as_ref().map(|h| h.get_ref().clone()),
            required: s.required.unwrap_or(true),
            translations: s
                .headings
                .iter()
                .map(|(lang, h)| (lang.clone(), h.get_ref().clone()))
                .collect(),
        });
    }
    let mut checkboxes: Vec<CheckboxSpec> = Vec::new();
    for c in &parsed.checkboxes {
        let c = c.get_ref();
        let key = c.key.get_ref().trim().to_owned();
        if !is_key(&key) || checkboxes.iter().any(|o| o.key == key) {
            diagnostics.push(bad_key(
                &c.key,
                "checkbox group",
                checkboxes.iter().any(|o| o.key == key),
            ));
            continue;
        }
        let options: Vec<String> = c.options.iter().map(|o| o.get_ref().clone()).collect();
        if let Some(exclusive) = &c.exclusive
            && !options.contains(exclusive.get_ref())
        {
            diagnostics.push(
                Diagnostic::new(
                    Code::E021,
                    format!(
                        "the exclusive option \"{}\" is not one of the group's options",
                        exclusive.get_ref()
                    ),
                    Some(exclusive.span()),
                )
                .with_help("name one of `options` exactly as written there"),
            );
        }
        checkboxes.push(CheckboxSpec {
            key,
            title: c.title.get_ref().clone(),
            options,
            single: c.single,
            exclusive: c.exclusive.as_ref().map(|e| e.get_ref().clone()),
        });
    }
    let amendment = parsed
        .amendment
        .as_ref()
        .and_then(|a| amendment_rule(a.get_ref(), &sections, &checkboxes, &mut diagnostics));
    let form = Form {
        name: name.to_owned(),
        description: parsed.description.get_ref().trim().to_owned(),
        label: parsed.label.get_ref().trim().to_owned(),
        template: format!("{name}/form.typ.j2"),
        needs_budget,
        zero,
        sections,
        checkboxes,
        amendment,
        labels: labels(&parsed.labels, &mut diagnostics),
        file: file.map(Path::to_owned),
    };
    (Some(form), diagnostics)
}

/// The form's `[labels]`, trimmed; a key that is not plain or an empty label is E002.
fn labels(
    written: &BTreeMap<String, Spanned<String>>,
    diagnostics: &mut Vec<Diagnostic>,
) -> BTreeMap<String, String> {
    let mut labels = BTreeMap::new();
    for (key, label) in written {
        let text = label.get_ref().trim();
        if !is_key(key) || text.is_empty() {
            diagnostics.push(
                Diagnostic::new(
                    Code::E002,
                    format!(
                        "the label `{key}` must have a plain key (a-z, 0-9, `_`, `-`) and a text"
                    ),
                    Some(label.span()),
                )
                .with_help("write it as proposer = \"Forslagsstiller\""),
            );
            continue;
        }
        labels.insert(key.clone(), text.to_owned());
    }
    labels
}

/// The checked `[amendment]` rule; its mistakes (a key that is not plain, a section or checkbox
/// group the form does not have, the same group for changes and financing) are reported.
fn amendment_rule(
    a: &AmendmentFile,
    sections: &[SectionSpec],
    checkboxes: &[CheckboxSpec],
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<AmendmentRule> {
    let before = diagnostics.len();
    let table = a.table.get_ref().trim().to_owned();
    if !is_key(&table) {
        diagnostics.push(
            Diagnostic::new(
                Code::E002,
                format!(
                    "the amendment's table key \"{table}\" must be letters a-z, digits, `_` or `-`"
                ),
                Some(a.table.span()),
            )
            .with_help("name the key proposals use under [tables], e.g. table = \"beloeb\""),
        );
    }
    let section = a.section.as_ref().map(|s| s.get_ref().trim().to_owned());
    if let (Some(key), Some(spanned)) = (&section, &a.section)
        && !sections.iter().any(|s| &s.key == key)
    {
        diagnostics.push(
            Diagnostic::new(
                Code::E002,
                format!("the amendment's section `{key}` is not a section of this form"),
                Some(spanned.span()),
            )
            .with_help("name one of the form's [[sections]] keys, or leave `section` out"),
        );
    }
    let group = |g: &Option<Spanned<String>>, default: &str| {
        g.as_ref()
            .map_or(default.to_owned(), |g| g.get_ref().trim().to_owned())
    };
    let changes = group(&a.changes, "Ændringer");
    let financing = group(&a.financing, "Finansiering");
    if changes == financing || changes.is_empty() || financing.is_empty() {
        diagnostics.push(
            Diagnostic::new(
                Code::E002,
                format!("the amendment's changes and financing are both the group \"{financing}\""),
                a.financing.as_ref().or(a.changes.as_ref()).map(Spanned::span),
            )
            .with_help("give the changes and the financing each their own group, e.g. \"Ændringer\" and \"Finansiering\""),
        );
    }
    let mut neutral = None;
    if let Some(n) = &a.neutral {
        let n = n.get_ref();
        let key = n.checkboxes.get_ref().trim();
        let option = n.option.get_ref().trim();
        match checkboxes.iter().find(|c| c.key == key) {
            None => diagnostics.push(
                Diagnostic::new(
                    Code::E002,
                    format!("the amendment's neutral tick names the checkbox group `{key}`, which this form does not have"),
                    Some(n.checkboxes.span()),
                )
                .with_help("name one of the form's [[checkboxes]] keys"),
            ),
            Some(c) if !c.options.iter().any(|o| o == option) => diagnostics.push(
                Diagnostic::new(
                    Code::E021,
                    format!("the amendment's neutral option \"{option}\" is not one of the group's options"),
                    Some(n.option.span()),
                )
                .with_help("name one of the group's `options` exactly as written there"),
            ),
            Some(_) => neutral = Some((key.to_owned(), option.to_owned())),
        }
    }
    (diagnostics.len() == before).then_some(AmendmentRule {
        table,
        section,
        changes,
        financing,
        stated_net: a.stated_net.unwrap_or(true),
        neutral,
    })
}

/// Whether `key` can be written unquoted as a TOML key: letters, digits, `_` and `-`.
fn is_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// E002 for a section or checkbox key that is repeated or not a plain key.
fn bad_key(key: &Spanned<String>, what: &str, repeated: bool) -> Diagnostic {
    let message = if repeated {
        format!("the {what} `{}` is listed twice", key.get_ref())
    } else {
        format!(
            "the {what} key \"{}\" must be letters a-z, digits, `_` or `-`",
            key.get_ref()
        )
    };
    Diagnostic::new(Code::E002, message, Some(key.span()))
        .with_help("give each section and checkbox group its own plain key, e.g. `resume`")
}

#[cfg(test)]
mod tests {
    use super::*;

    // Every bundled form description reads without a diagnostic, and each has its template.
    #[test]
    fn bundled_forms_read_cleanly() {
        let mut names = Vec::new();
        for (path, text) in crate::bundle::TEMPLATES {
            if let Some(name) = path.strip_suffix("/form.toml") {
                let (form, diagnostics) = read(name, text, None);
                assert!(diagnostics.is_empty(), "{name}: {diagnostics:#?}");
                let form = form.unwrap();
                assert!(crate::bundle::template(&form.template).is_some(), "{name}");
                names.push(name);
            }
        }
        assert_eq!(
            names.len(),
            Forms::bundled().iter().count(),
            "every description becomes a form"
        );
        assert!(
            Forms::bundled()
                .find("standard")
                .is_some_and(|f| f.needs_budget)
        );
    }

    // Mistakes in a description are spanned: a repeated key, an unknown budget value, a typo.
    #[test]
    fn mistakes_in_a_description_are_reported() {
        let source = "label = \"X\"\ndescription = \"x\"\nbudget = \"ja\"\n[[sections]]\nkey = \"a\"\n[[sections]]\nkey = \"a\"\nheadng = \"A\"\n";
        let (_, diagnostics) = read("x", source, None);
        let codes: Vec<Code> = diagnostics.iter().map(|d| d.code).collect();
        assert!(codes.contains(&Code::E002), "{codes:?}");
        assert!(diagnostics.iter().all(|d| d.span.is_some()));
    }

    // An `[amendment]` rule reads into the form; one naming a section, checkbox group or option
    // the form lacks, or one group for both changes and financing, is spanned and left out.
    #[test]
    fn amendment_rules_are_read_and_their_mistakes_spanned() {
        let form = Forms::bundled().find("aendringsforslag").unwrap();
        let rule = form.amendment.as_ref().unwrap();
        assert_eq!(
            (
                rule.table.as_str(),
                rule.changes.as_str(),
                rule.financing.as_str()
            ),
            ("beloeb", "Ændringer", "Finansiering")
        );
        assert_eq!(
            rule.neutral,
            Some(("virkning".to_owned(), "Udgiftsneutralt".to_owned()))
        );
        let head = "label = \"X\"\ndescription = \"x\"\n[[sections]]\nkey = \"a\"\n[[checkboxes]]\nkey = \"v\"\ntitle = \"V\"\noptions = [\"Neutral\"]\n";
        for (rule, code, at) in [
            ("table = \"t\"\nsection = \"b\"\n", Code::E002, "\"b\""),
            (
                "table = \"t\"\nchanges = \"F\"\nfinancing = \"F\"\n",
                Code::E002,
                "\"F\"\n\n",
            ),
            (
                "table = \"t\"\nneutral = { checkboxes = \"w\", option = \"Neutral\" }\n",
                Code::E002,
                "\"w\"",
            ),
            (
                "table = \"t\"\nneutral = { checkboxes = \"v\", option = \"Nul\" }\n",
                Code::E021,
                "\"Nul\"",
            ),
        ] {
            let source = format!("{head}[amendment]\n{rule}\n");
            let (form, diagnostics) = read("x", &source, None);
            assert_eq!(diagnostics.len(), 1, "{rule}: {diagnostics:#?}");
            assert_eq!(diagnostics[0].code, code, "{rule}");
            let span = diagnostics[0].span.clone().unwrap();
            assert_eq!(span.start, source.rfind(at).unwrap(), "{rule}");
            assert!(form.unwrap().amendment.is_none(), "{rule}");
        }
        let (form, diagnostics) = read("x", &format!("{head}[amendment]\ntable = \"t\"\n"), None);
        assert!(diagnostics.is_empty(), "{diagnostics:#?}");
        assert!(
            form.unwrap()
                .amendment
                .is_some_and(|r| r.stated_net && r.neutral.is_none())
        );
    }
}
