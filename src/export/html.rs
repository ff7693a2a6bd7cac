//! HTML export for the municipality's website: one accessible page per proposal and an index
//! page per catalogue, filled from the form folder like the PDF: each form's
//! `templates/<form>/form.html.j2` (minijinja) extends the shared layout `_page.html.j2` and uses
//! the macros of `_blocks.html.j2`, and gets the same view the PDF templates get (so every figure
//! is formatted by the same code). A form without its own page template (a project's own form)
//! gets the layout's default blocks: a generic page of every part of the proposal. The bundled
//! templates ship inside the binary; a project's file of the same path replaces one.
//!
//! Every interpolated value is HTML-escaped (auto-escape, by this module's formatter); Markdown
//! bodies go through the PDF's Markdown parser ([`crate::markdown::to_html`], the `markdown`
//! filter). User text is only ever a value, never a template. Pages need no JavaScript and link
//! one stylesheet, [`STYLESHEET`], written as `budgetnote.css` beside them.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::LazyLock;

use minijinja::value::Value;
use minijinja::{AutoEscape, Environment, Error, ErrorKind, State, UndefinedBehavior};

use crate::catalogue::CheckedCatalogue;
use crate::checked::CheckedProposal;
use crate::diagnostic::FileReport;
use crate::fill::{describe_error, read_project_templates, template_report};
use crate::markdown::{html_escape, to_html};
use crate::view::catalogue::catalogue_view;
use crate::view::view;

/// The one stylesheet every page links, written as `budgetnote.css` beside the pages.
pub const STYLESHEET: &str = include_str!("budgetnote.css");

/// The layout every page extends; rendered itself, it is the generic page of a proposal.
pub const LAYOUT: &str = "_page.html.j2";

/// The template of a catalogue's index page.
pub const CATALOGUE: &str = "catalogue.html.j2";

/// The template of a folder run's index page.
pub const INDEX: &str = "index.html.j2";

/// One proposal (or catalogue) on a folder run's index page.
#[derive(Debug, Clone, serde::Serialize)]
pub struct IndexEntry {
    /// The proposal's id (empty for a catalogue).
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its form's label ("Budgetnotat", "Katalog").
    pub form: String,
    /// Its committees, joined.
    pub committees: String,
    /// Its web page, relative to the index.
    pub page: String,
    /// Its PDF, relative to the index, when the run writes PDFs.
    pub pdf: Option<String>,
}

/// How the page templates' file names end.
const SUFFIX: &str = ".html.j2";

/// What a broken page template costs, said in its diagnostic's help.
const HELP: &str = "fix the template; the proposals of its project get no web page until then";

/// The page templates of a project, loaded once with the project and shared by every page of a
/// run.
pub struct Pages {
    /// minijinja environment holding every `*.html.j2` template.
    env: Environment<'static>,
    /// The stylesheet the pages link, with the profile's colours (see [`Pages::use_colours`]).
    stylesheet: String,
    /// The project's page templates that cannot be read or do not parse (reported once, at
    /// their line, when the project is opened), as shown to the user.
    broken: Vec<String>,
}

/// The bundled page templates alone.
static BUNDLED: LazyLock<Pages> = LazyLock::new(|| Pages {
    // The bundled templates parse (a test keeps them so); one that did not would be left out.
    env: environment(bundled_templates()),
    stylesheet: STYLESHEET.to_owned(),
    broken: Vec::new(),
});

/// Every bundled page template by its path under `templates/`.
fn bundled_templates() -> BTreeMap<String, String> {
    crate::bundle::TEMPLATES
        .iter()
        .filter(|(name, _)| name.ends_with(SUFFIX))
        .map(|(name, text)| ((*name).to_owned(), (*text).to_owned()))
        .collect()
}

/// A length in thousandths as a CSS percentage with one decimal, e.g. 432 → "43.2%".
fn percent(permille: i64) -> String {
    let p = permille.clamp(0, 1000);
    format!("{}.{}%", p / 10, p % 10)
}

/// The environment every page is filled in: HTML auto-escape for every value, the `markdown` and
/// `percent` filters and the `next_id()` function, with `templates` added (one that does not
/// parse is left out; [`Pages::load`] reports it).
fn environment(templates: BTreeMap<String, String>) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_keep_trailing_newline(true);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    // A value prints escaped unless a filter made it safe; none prints nothing.
    env.set_formatter(|out, state, value| {
        if value.is_undefined() {
            return Err(Error::new(
                ErrorKind::UndefinedError,
                "a value the template prints is undefined",
            ));
        }
        if value.is_none() {
            return Ok(());
        }
        let text = value.to_string();
        if value.is_safe() || matches!(state.auto_escape(), AutoEscape::None) {
            out.write_str(&text)?;
        } else {
            out.write_str(&html_escape(&text))?;
        }
        Ok(())
    });
    env.add_filter("markdown", |body: String| {
        Value::from_safe_string(to_html(&body))
    });
    env.add_filter("percent", percent);
    // Element ids unique within a page: "bn-1", "bn-2", … in the order they are asked for.
    env.add_function("next_id", |state: &State| -> String {
        let n = state
            .get_temp("next_id")
            .and_then(|v| i64::try_from(v).ok())
            .unwrap_or(0)
            + 1;
        state.set_temp("next_id", Value::from(n));
        format!("bn-{n}")
    });
    for (name, text) in templates {
        // A bundled template always parses; a project's that does not is reported by `load`.
        let _ = env.add_template_owned(name, text);
    }
    env
}

impl Pages {
    /// The bundled page templates, for a project without its own.
    pub fn bundled() -> &'static Pages {
        &BUNDLED
    }

    /// [`Self::load_from`] the working tree of the project whose templates folder is
    /// `templates_dir`.
    pub fn load(templates_dir: &Path) -> (Self, Vec<FileReport>) {
        let root = templates_dir.parent().unwrap_or(Path::new("."));
        Self::load_from(&crate::sources::WorkTree::new(root), templates_dir)
    }

    /// Loads the bundled page templates and every `*.html.j2` of the project (in
    /// `templates_dir` and its form folders, read from `sources`), the project's replacing
    /// bundled ones of the same path. A project's template that cannot be read or does not parse
    /// is reported (E056, once, at its line) and left out; while one is, [`Self::refusal`] says
    /// why no page is made, so no page is printed from a bundled stand-in.
    pub fn load_from(
        sources: &dyn crate::sources::Sources,
        templates_dir: &Path,
    ) -> (Self, Vec<FileReport>) {
        let mut templates = bundled_templates();
        let (own, mut reports) = read_project_templates(sources, templates_dir, SUFFIX, HELP);
        let mut files = BTreeMap::new();
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
        // Each project template is parsed alone first, so its mistake is reported at its line.
        let mut checker = Environment::new();
        for (name, path) in &files {
            let Some(text) = templates.get(name) else {
                continue;
            };
            if let Err(e) = checker.add_template_owned(name.clone(), text.clone()) {
                reports.push(template_report(
                    path,
                    text.clone(),
                    &format!("the template is not valid: {}", describe_error(&e)),
                    e.line(),
                    HELP,
                ));
                templates.remove(name);
            }
        }
        let broken = reports
            .iter()
            .filter(|r| r.has_errors())
            .map(|r| {
                let path = r.path.strip_prefix(sources.root()).unwrap_or(&r.path);
                path.display().to_string()
            })
            .collect();
        (
            Self {
                env: environment(templates),
                stylesheet: STYLESHEET.to_owned(),
                broken,
            },
            reports,
        )
    }

    /// Gives the stylesheet the profile's colours, as the PDF has them: `accent` (headings,
    /// links, the first bar) and `table-head` (header rows), each `#rrggbb` (the profile's check
    /// refuses anything else, so nothing but a colour reaches the CSS).
    pub fn use_colours(&mut self, colours: &[(&str, String)]) {
        for (name, value) in colours {
            let is_colour = value.len() == 7
                && value.starts_with('#')
                && value[1..].chars().all(|c| c.is_ascii_hexdigit());
            let properties: &[&str] = match *name {
                "accent" => &["--accent", "--bar-1"],
                "table-head" => &["--head-fill"],
                _ => &[],
            };
            for property in properties.iter().filter(|_| is_colour) {
                self.stylesheet = self
                    .stylesheet
                    .lines()
                    .map(|line| match line.trim_start().strip_prefix(*property) {
                        Some(rest) if rest.starts_with(':') => format!("  {property}: {value};"),
                        _ => line.to_owned(),
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
                    + "\n";
            }
        }
    }

    /// The stylesheet the pages link (`budgetnote.css`).
    pub fn stylesheet(&self) -> &str {
        &self.stylesheet
    }

    /// Why no page can be made while a project's page template is broken (it was reported once
    /// at its line when the project was opened); `None` when every template loaded.
    pub fn refusal(&self) -> Option<String> {
        if self.broken.is_empty() {
            return None;
        }
        Some(format!(
            "the project's page template {} has a mistake (reported at its line)",
            self.broken.join(", ")
        ))
    }

    /// The page template of a form: its own `form.html.j2`, else the layout (the generic page).
    fn form_template(&self, form: &crate::forms::Form) -> String {
        let own = form.html_template();
        match self.env.get_template(&own) {
            Ok(_) => own,
            Err(_) => LAYOUT.to_owned(),
        }
    }

    /// One whole HTML page for a proposal, from its form's page template.
    pub fn proposal(&self, p: &CheckedProposal) -> Result<String, String> {
        let name = self.form_template(&p.form);
        let render = || -> Result<String, Error> {
            self.env
                .get_template(&name)?
                .render(minijinja::context! { p => Value::from_serialize(view(p)) })
        };
        render().map_err(|e| failure(&name, &e))
    }

    /// The index page of a catalogue: cover, overview with totals against the frame,
    /// selections, and every proposal linked (`pages`: each proposal's href relative to the
    /// index, and the proposal) with its share of the frame.
    pub fn catalogue(
        &self,
        c: &CheckedCatalogue,
        pages: &[(String, &CheckedProposal)],
    ) -> Result<String, String> {
        // A proposal's link is the first page of its id.
        let mut links: BTreeMap<&str, &str> = BTreeMap::new();
        for (href, p) in pages {
            links.entry(p.id.as_str()).or_insert(href.as_str());
        }
        let render = || -> Result<String, Error> {
            self.env
                .get_template(CATALOGUE)?
                .render(minijinja::context! {
                    c => Value::from_serialize(catalogue_view(c)),
                    links => Value::from_serialize(&links),
                })
        };
        render().map_err(|e| failure(CATALOGUE, &e))
    }

    /// The index page of a folder run: every page written, with its PDF.
    pub fn index(
        &self,
        title: &str,
        footer: &str,
        entries: &[IndexEntry],
    ) -> Result<String, String> {
        let render = || -> Result<String, Error> {
            self.env.get_template(INDEX)?.render(minijinja::context! {
                title => title,
                footer => footer,
                entries => Value::from_serialize(entries),
            })
        };
        render().map_err(|e| failure(INDEX, &e))
    }
}

/// A page template's failure in a sentence: the template (and line) where it happened.
fn failure(name: &str, e: &Error) -> String {
    format!(
        "the page template {}{} cannot be filled: {}",
        e.name().unwrap_or(name),
        e.line()
            .map_or_else(String::new, |l| format!(" (line {l})")),
        describe_error(e)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    // Bar lengths print with one decimal and never beyond the track.
    #[test]
    fn percentages_are_clamped() {
        assert_eq!(percent(432), "43.2%");
        assert_eq!(percent(1500), "100.0%");
        assert_eq!(percent(-3), "0.0%");
    }

    // Every bundled page template parses on its own.
    #[test]
    fn bundled_page_templates_parse() {
        let templates = bundled_templates();
        assert!(templates.contains_key(LAYOUT) && templates.contains_key(CATALOGUE));
        for (name, text) in templates {
            let mut env = Environment::new();
            env.add_template_owned(name.clone(), text)
                .unwrap_or_else(|e| panic!("{name}: {e:#}"));
        }
    }
}
