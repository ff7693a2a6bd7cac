//! Filling a form: a minijinja template turns a proposal's view ([`crate::view`]) into Typst.
//!
//! Every interpolated value is escaped into a Typst string literal by the environment's
//! formatter; templates cannot print user text as markup, and user text is never a template.

use std::collections::BTreeMap;
use std::path::Path;

use minijinja::value::Value;
use minijinja::{AutoEscape, Environment, Error, ErrorKind, UndefinedBehavior};

use crate::checked::CheckedProposal;
use crate::diagnostic::{Code, Diagnostic, FileReport};
use crate::markdown;
use crate::view::catalogue::catalogue_view;
use crate::view::view;

/// The template that wraps one proposal into a document (page, metadata, form macros).
pub const DOCUMENT_TEMPLATE: &str = "document.typ.j2";

/// The project's own template files ending in `suffix` (e.g. `.typ.j2`): `templates/X<suffix>`
/// and `templates/<form>/X<suffix>`, named by their path under `templates/` (none when the
/// folder does not exist), listed through `sources` (the working tree or a git revision).
fn project_templates(
    sources: &dyn crate::sources::Sources,
    dir: &Path,
    suffix: &str,
) -> Vec<(String, std::path::PathBuf)> {
    let mut found = Vec::new();
    let is_template = |p: &Path| sources.is_file(p) && p.to_string_lossy().ends_with(suffix);
    for path in sources.list(dir) {
        let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            continue;
        };
        if is_template(&path) {
            found.push((name, path));
        } else if sources.is_dir(&path) {
            for inner in sources.list(&path).into_iter().filter(|p| is_template(p)) {
                if let Some(file) = inner.file_name() {
                    found.push((format!("{name}/{}", file.to_string_lossy()), inner));
                }
            }
        }
    }
    found.sort();
    found
}

/// A minijinja error in a sentence: its kind and detail, without the debug dump.
pub(crate) fn describe_error(e: &Error) -> String {
    match e.detail() {
        Some(detail) => format!("{} ({detail})", e.kind()),
        None => e.kind().to_string(),
    }
}

/// A template file's diagnostic (E056: the form cannot be filled), at `line` when known, with
/// `help` saying what the broken template costs.
pub(crate) fn template_report(
    path: &Path,
    source: String,
    message: &str,
    line: Option<usize>,
    help: &str,
) -> FileReport {
    let span = line.map(|l| {
        let start = source
            .split_inclusive('\n')
            .take(l.saturating_sub(1))
            .map(str::len)
            .sum::<usize>();
        let start = start.min(source.len());
        let len = source[start..].find('\n').unwrap_or(source.len() - start);
        start..start + len
    });
    FileReport {
        path: path.to_owned(),
        diagnostics: vec![
            Diagnostic::new(Code::E056, message.to_owned(), span.or(Some(0..0))).with_help(help),
        ],
        source,
    }
}

/// What a broken PDF template costs, said in its diagnostic's help.
const PDF_HELP: &str = "fix the template; the proposals of its form get no PDF until then";

/// The project's own templates ending in `suffix`, by their name under `templates/`: each with
/// its path and text, or `None` for one leading outside the project (a symlink), which is not
/// read and leaves no template of its name.
pub(crate) type OwnTemplates = Vec<(String, Option<(std::path::PathBuf, String)>)>;

/// Reads the project's own templates ending in `suffix` (see [`OwnTemplates`]) from `sources`,
/// only when inside the project; one that leads out or cannot be read is reported (E056, with
/// `help`).
pub(crate) fn read_project_templates(
    sources: &dyn crate::sources::Sources,
    templates_dir: &Path,
    suffix: &str,
    help: &str,
) -> (OwnTemplates, Vec<FileReport>) {
    let mut reports: Vec<FileReport> = Vec::new();
    let mut own: OwnTemplates = Vec::new();
    for (name, path) in project_templates(sources, templates_dir, suffix) {
        match sources
            .read(&path, crate::files::TOML_LIMIT)
            .map(String::from_utf8)
        {
            Ok(Ok(text)) => own.push((name, Some((path, text)))),
            Err(crate::sources::SourceError::Outside) => {
                reports.push(template_report(
                    &path,
                    String::new(),
                    "the template leads outside the project folder (a symlink?) and is not read",
                    None,
                    help,
                ));
                own.push((name, None));
            }
            _ => reports.push(template_report(
                &path,
                String::new(),
                "the template cannot be read as UTF-8 text of at most 10 MB",
                None,
                help,
            )),
        }
    }
    (own, reports)
}

/// The template environment, loaded once per run and shared by every document.
pub struct Filler {
    /// minijinja environment holding every `*.typ.j2` template.
    env: Environment<'static>,
}

impl Filler {
    /// Loads the bundled templates and every `*.typ.j2` of the project (in `templates_dir` and
    /// its form folders), the project's replacing bundled ones of the same path.
    pub fn load(templates_dir: &Path) -> Result<(Self, Vec<FileReport>), String> {
        let root = templates_dir.parent().unwrap_or(Path::new("."));
        Self::load_from(&crate::sources::WorkTree::new(root), templates_dir)
    }

    /// [`Self::load`], reading the project's templates (in `templates_dir`, under the root of
    /// `sources`) from `sources`: the working tree or a git revision.
    pub fn load_from(
        sources: &dyn crate::sources::Sources,
        templates_dir: &Path,
    ) -> Result<(Self, Vec<FileReport>), String> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_keep_trailing_newline(true);
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.set_formatter(|out, _state, value| {
            if value.is_safe() {
                out.write_str(&value.to_string())?;
            } else if !value.is_none() && !value.is_undefined() {
                out.write_str(&markdown::typst_text(&value.to_string()))?;
            }
            Ok(())
        });
        env.add_filter("markdown", |body: String| {
            Value::from_safe_string(markdown::to_typst(&body))
        });
        env.set_auto_escape_callback(|_| AutoEscape::Custom("typst"));
        env.add_filter("code_int", |n: i64| Value::from_safe_string(n.to_string()));
        env.add_filter("str", |text: Value| {
            Value::from_safe_string(markdown::typst_string(&text.to_string()))
        });
        // The bundled templates, each replaced by the project's file of the same path.
        let mut templates: std::collections::BTreeMap<String, String> = crate::bundle::TEMPLATES
            .iter()
            .filter(|(name, _)| name.ends_with(".typ.j2"))
            .map(|(name, text)| ((*name).to_owned(), (*text).to_owned()))
            .collect();
        let (own, mut reports) =
            read_project_templates(sources, templates_dir, ".typ.j2", PDF_HELP);
        let mut files: BTreeMap<String, std::path::PathBuf> = BTreeMap::new();
        for (name, own) in own {
            match own {
                Some((path, text)) => {
                    templates.insert(name.clone(), text);
                    files.insert(name, path);
                }
                None => {
                    templates.remove(&name);
                }
            }
        }
        for (name, text) in templates {
            if let Err(e) = env.add_template_owned(name.clone(), text.clone()) {
                let Some(path) = files.get(&name) else {
                    return Err(format!("bundled template {name} is invalid: {e:#}"));
                };
                let line = e.line();
                reports.push(template_report(
                    path,
                    text,
                    &format!("the template is not valid: {}", describe_error(&e)),
                    line,
                    PDF_HELP,
                ));
            }
        }
        Ok((Self { env }, reports))
    }

    /// Renders the proposal's form template to Typst source.
    pub fn fill(&self, proposal: &CheckedProposal) -> Result<String, String> {
        let render = || -> Result<String, Error> {
            let template = self.env.get_template(DOCUMENT_TEMPLATE)?;
            template.render(minijinja::context! { p => Value::from_serialize(view(proposal)) })
        };
        render().map_err(|e| match e.kind() {
            ErrorKind::TemplateNotFound => format!(
                "the form's template {} cannot be used: {}",
                proposal.form.template,
                describe_error(&e)
            ),
            _ => format!(
                "the form's template {}{} cannot be filled: {}",
                e.name().unwrap_or(&proposal.form.template),
                e.line()
                    .map_or_else(String::new, |l| format!(" (line {l})")),
                describe_error(&e)
            ),
        })
    }
}

/// The template that lays out a catalogue annex.
pub const CATALOGUE_TEMPLATE: &str = "catalogue.typ.j2";

impl Filler {
    /// Renders a catalogue annex to Typst source.
    pub fn fill_catalogue(
        &self,
        catalogue: &crate::catalogue::CheckedCatalogue,
    ) -> Result<String, String> {
        let render = || -> Result<String, Error> {
            let template = self.env.get_template(CATALOGUE_TEMPLATE)?;
            template.render(
                minijinja::context! { c => Value::from_serialize(catalogue_view(catalogue)) },
            )
        };
        render().map_err(|e| format!("filling template {CATALOGUE_TEMPLATE} failed: {e:#}"))
    }
}
