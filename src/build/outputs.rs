//! Every output `render` writes, behind one trait and registered in one list ([`REGISTRY`]):
//! `--format` reads and lists the registry, `check --format` runs the checks of the outputs
//! asked for, and `render` writes them, so adding an output is one `impl` and one line here.

use std::path::Path;

use crate::catalogue::CheckedCatalogue;
use crate::checked::CheckedProposal;
use crate::diagnostic::{Code, Diagnostic, FileReport};
use crate::error::AppError;
use crate::export;
use crate::project::Project;

pub use super::pages::Written;

/// What an output writes, and per what.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// The typeset document: one PDF per proposal and per catalogue (its annex).
    Typeset,
    /// Files beside each document's PDF, made from the checked document (the web pages).
    Document,
    /// One file of figures per catalogue, per proposal named on its own, and per folder run.
    Collected,
}

/// A checked file as the outputs see it: a proposal, or a catalogue with its proposals.
pub enum Document<'a> {
    /// A proposal file.
    Proposal(&'a CheckedProposal),
    /// A catalogue file.
    Catalogue(&'a CheckedCatalogue),
}

impl Document<'_> {
    /// The proposals whose figures it holds, in order.
    pub fn proposals(&self) -> Vec<&CheckedProposal> {
        match self {
            Document::Proposal(p) => vec![*p],
            Document::Catalogue(c) => c.proposals.iter().map(|(_, p)| p).collect(),
        }
    }

    /// A catalogue's title, year and own tables (overview, selections), for its workbook.
    pub fn catalogue(&self) -> Option<CatalogueFigures> {
        match self {
            Document::Proposal(_) => None,
            Document::Catalogue(c) => Some(CatalogueFigures::of(c)),
        }
    }
}

/// What a catalogue's workbook holds besides its proposals' figures.
#[derive(Debug, Clone)]
pub struct CatalogueFigures {
    /// The catalogue's title.
    pub title: String,
    /// Its budget year.
    pub year: i64,
    /// Its own tables as printed (the overview and the selections).
    pub tables: Vec<crate::figures::Table>,
}

impl CatalogueFigures {
    /// The figures of a checked catalogue.
    pub fn of(c: &CheckedCatalogue) -> Self {
        Self {
            title: c.title.clone(),
            year: c.year,
            tables: crate::figures::catalogue::catalogue(c),
        }
    }
}

/// Where a document's files go.
pub struct Place<'a> {
    /// The project (its page templates, loaded once).
    pub project: &'a Project,
    /// The input file.
    pub input: &'a Path,
    /// Its PDF's path in the output folder (the other files are named after it).
    pub target: &'a Path,
    /// The PDF typeset now; `None` when the one at `target` is already current.
    pub pdf: Option<&'a [u8]>,
    /// The hash of `pdf` when its cache entry holds it (it is not computed twice).
    pub pdf_hash: Option<&'a str>,
}

/// The figures of a collected file (a workbook, a CSV).
pub struct Collection<'a> {
    /// Its title (a catalogue's, a single proposal's, else "Budgetlinjer").
    pub title: &'a str,
    /// The proposals it holds, in order.
    pub proposals: &'a [&'a CheckedProposal],
    /// A catalogue's year, if it is a catalogue's.
    pub year: Option<i64>,
    /// A catalogue's own tables (its overview and selections), none otherwise.
    pub tables: &'a [crate::figures::Table],
    /// How the CSV writes fields and decimals.
    pub dialect: export::csv::Dialect,
}

/// One output format.
pub trait Output: Sync {
    /// Its name in `--format`, which is also its files' extension.
    fn name(&self) -> &'static str;
    /// What it writes, for `--help`.
    fn about(&self) -> &'static str;
    /// What it writes, and per what.
    fn shape(&self) -> Shape;
    /// Whether a file in the output folder is one of its files.
    fn owns(&self, file_name: &str) -> bool {
        file_name
            .rsplit_once('.')
            .is_some_and(|(_, extension)| extension == self.name())
    }
    /// What it would refuse of a checked document, as messages (each one makes the file fail,
    /// in `check` and in `render` alike).
    fn check(&self, project: &Project, document: &Document<'_>) -> Vec<String> {
        let _ = (project, document);
        Vec::new()
    }
    /// Mistakes in the project's own files that it reads (its page templates), reported once
    /// per run that asks for it, at their line.
    fn project_reports(&self, project: &Project) -> Vec<FileReport> {
        let _ = project;
        Vec::new()
    }
    /// Writes a document's files (for [`Shape::Typeset`] and [`Shape::Document`]).
    fn document(
        &self,
        document: &Document<'_>,
        place: &Place<'_>,
    ) -> Result<Vec<Written>, AppError> {
        let _ = (document, place);
        Ok(Vec::new())
    }
    /// The bytes of a collected file (for [`Shape::Collected`]).
    fn collected(&self, collection: &Collection<'_>) -> Result<Vec<u8>, AppError> {
        let _ = collection;
        Ok(Vec::new())
    }
}

impl std::fmt::Debug for dyn Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Every output, in the order `--format` lists them.
pub static REGISTRY: [&dyn Output; 4] = [PDF, &Xlsx, &Csv, &Html];

/// The PDF output, `render`'s default.
pub const PDF: Format = &Pdf;

/// An output of the registry.
pub type Format = &'static dyn Output;

/// The output named `name` (any case), if there is one.
pub fn by_name(name: &str) -> Option<Format> {
    REGISTRY
        .iter()
        .copied()
        .find(|o| o.name().eq_ignore_ascii_case(name.trim()))
}

/// The output whose file `name` is, if budgetnote writes such files.
pub fn of_file(name: &str) -> Option<Format> {
    REGISTRY.iter().copied().find(|o| o.owns(name))
}

/// Whether `formats` holds an output of this shape.
pub fn has(formats: &[Format], shape: Shape) -> bool {
    formats.iter().any(|o| o.shape() == shape)
}

/// Whether `formats` holds `output`.
pub fn contains(formats: &[Format], output: Format) -> bool {
    formats.iter().any(|o| o.name() == output.name())
}

/// The help of `--format`: every output of the registry with what it writes.
pub fn help() -> String {
    let listed: Vec<String> = REGISTRY
        .iter()
        .map(|o| format!("{} ({})", o.name(), o.about()))
        .collect();
    format!("Output formats, separated by commas: {}", listed.join("; "))
}

/// Reads a comma-separated list of outputs (`pdf,xlsx`), each once, in the order given; the
/// message names the value that is not an output and lists the registry.
pub fn parse_list(text: &str) -> Result<Vec<Format>, String> {
    let mut formats: Vec<Format> = Vec::new();
    for part in text.split(',') {
        let format = by_name(part).ok_or_else(|| {
            let accepted: Vec<&str> = REGISTRY.iter().map(|o| o.name()).collect();
            format!(
                "`{}` is not an output format; accepted: {} (several separated by commas, e.g. pdf,xlsx)",
                part.trim(),
                accepted.join(", ")
            )
        })?;
        if !contains(&formats, format) {
            formats.push(format);
        }
    }
    Ok(formats)
}

/// Mistakes in the project's own files that the outputs in `formats` read, once per run.
pub fn project_reports(formats: &[Format], project: &Project) -> Vec<FileReport> {
    formats
        .iter()
        .flat_map(|o| o.project_reports(project))
        .collect()
}

/// What the outputs in `formats` refuse of a document, as E098 diagnostics of its file.
pub fn refusals(formats: &[Format], project: &Project, document: &Document<'_>) -> Vec<Diagnostic> {
    formats
        .iter()
        .flat_map(|o| {
            o.check(project, document).into_iter().map(move |message| {
                // At the top of the file: the refusal is of the whole document.
                Diagnostic::new(
                    Code::E098,
                    format!("the {} output cannot be made: {message}", o.name()),
                    Some(0..0),
                )
                .with_help(format!(
                    "change what the message names, or render without `{}` in --format",
                    o.name()
                ))
            })
        })
        .collect()
}

/// The PDF (PDF/A-2a + PDF/UA-1): what typst typesets, which `check` and `render` do for every
/// document whatever the formats, so it refuses nothing more here.
struct Pdf;

impl Output for Pdf {
    fn name(&self) -> &'static str {
        "pdf"
    }
    fn about(&self) -> &'static str {
        "one PDF per proposal and an annex per catalogue"
    }
    fn shape(&self) -> Shape {
        Shape::Typeset
    }
    fn document(
        &self,
        _document: &Document<'_>,
        place: &Place<'_>,
    ) -> Result<Vec<Written>, AppError> {
        match place.pdf {
            Some(bytes) => {
                crate::output::write_atomic_hashed(place.target, bytes, place.pdf_hash)?;
                Ok(vec![(
                    place.target.to_owned(),
                    crate::output::absolute(place.input),
                )])
            }
            None => Ok(Vec::new()),
        }
    }
}

/// The web pages: a page per proposal, an index per catalogue, and the stylesheet.
struct Html;

impl Output for Html {
    fn name(&self) -> &'static str {
        "html"
    }
    fn about(&self) -> &'static str {
        "a web page per proposal and an index per catalogue"
    }
    fn shape(&self) -> Shape {
        Shape::Document
    }
    fn owns(&self, file_name: &str) -> bool {
        // The web pages' stylesheet belongs to them.
        file_name.ends_with(".html") || file_name.ends_with(".css")
    }
    fn check(&self, project: &Project, document: &Document<'_>) -> Vec<String> {
        // The pages this document makes, filled in memory from the project's page templates.
        let filled = match document {
            Document::Proposal(p) => super::pages::fill_proposal(project.pages(), p),
            Document::Catalogue(c) => super::pages::fill_catalogue(project.pages(), c),
        };
        filled.err().into_iter().collect()
    }
    fn project_reports(&self, project: &Project) -> Vec<FileReport> {
        project.page_reports().to_vec()
    }
    fn document(
        &self,
        document: &Document<'_>,
        place: &Place<'_>,
    ) -> Result<Vec<Written>, AppError> {
        match document {
            Document::Proposal(p) => super::pages::proposal(
                place.project.pages(),
                p,
                place.target,
                &crate::output::absolute(place.input),
            ),
            Document::Catalogue(c) => {
                super::pages::catalogue(place.project.pages(), c, place.input, place.target)
            }
        }
    }
}

/// The workbook of every figure as printed ("Linjer" and "Totaler").
struct Xlsx;

impl Output for Xlsx {
    fn name(&self) -> &'static str {
        "xlsx"
    }
    fn about(&self) -> &'static str {
        "an Excel workbook of every figure"
    }
    fn shape(&self) -> Shape {
        Shape::Collected
    }
    fn check(&self, _project: &Project, document: &Document<'_>) -> Vec<String> {
        // The workbook this document's figures make on their own, made in memory.
        let proposals = document.proposals();
        let catalogue = document.catalogue();
        let title = match (&catalogue, proposals.as_slice()) {
            (Some(c), _) => c.title.as_str(),
            (None, [one]) => one.title.as_str(),
            _ => "Budgetlinjer",
        };
        let collection = Collection {
            title,
            proposals: &proposals,
            year: catalogue.as_ref().map(|c| c.year),
            tables: catalogue.as_ref().map_or(&[], |c| c.tables.as_slice()),
            dialect: export::csv::Dialect::default(),
        };
        self.collected(&collection)
            .err()
            .map(|e| e.0)
            .into_iter()
            .collect()
    }
    fn collected(&self, c: &Collection<'_>) -> Result<Vec<u8>, AppError> {
        let lines = export::rows::rows(c.proposals, false);
        let mut totals = export::rows::rows(c.proposals, true);
        totals.extend(export::rows::catalogue_rows(c.title, c.tables));
        let date = export::xlsx::date(c.proposals, c.year);
        export::xlsx::workbook(c.title, &lines, &totals, date)
    }
}

/// The figures as CSV: the rows of the workbook's "Linjer", then those of its "Totaler".
struct Csv;

impl Output for Csv {
    fn name(&self) -> &'static str {
        "csv"
    }
    fn about(&self) -> &'static str {
        "every figure as CSV, lines then totals"
    }
    fn shape(&self) -> Shape {
        Shape::Collected
    }
    fn collected(&self, c: &Collection<'_>) -> Result<Vec<u8>, AppError> {
        let mut rows = export::rows::rows(c.proposals, false);
        rows.extend(export::rows::rows(c.proposals, true));
        rows.extend(export::rows::catalogue_rows(c.title, c.tables));
        Ok(export::csv::csv(&rows, c.dialect))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An output that refuses everything, as a workbook writer refuses a date it cannot hold.
    struct Refusing;

    impl Output for Refusing {
        fn name(&self) -> &'static str {
            "refusing"
        }
        fn about(&self) -> &'static str {
            "nothing"
        }
        fn shape(&self) -> Shape {
            Shape::Collected
        }
        fn check(&self, _project: &Project, _document: &Document<'_>) -> Vec<String> {
            vec!["the date is out of range".to_owned()]
        }
    }

    // `--format` reads the registry's names in any case, each once, and names the registry when
    // a value is not in it; files are told apart by the outputs that own them.
    #[test]
    fn the_registry_is_what_format_accepts() {
        let names = |formats: Vec<Format>| formats.iter().map(|o| o.name()).collect::<Vec<_>>();
        assert_eq!(names(parse_list("PDF, xlsx,pdf").unwrap()), ["pdf", "xlsx"]);
        let err = parse_list("pdf,docx").err().unwrap();
        assert!(
            err.contains("`docx`") && err.contains("pdf, xlsx, csv, html"),
            "{err}"
        );
        assert_eq!(of_file("budgetnote.css").map(|o| o.name()), Some("html"));
        assert_eq!(of_file("a.csv").map(|o| o.name()), Some("csv"));
        assert!(of_file("notes.txt").is_none());
        assert!(help().contains("xlsx (an Excel workbook"));
    }

    // What an output refuses becomes an error diagnostic of the file (E098), which makes the file
    // fail in `check` and `render` alike; outputs that refuse nothing add nothing.
    #[test]
    fn an_output_refusal_is_an_error_of_the_file() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("proposals/investering-aktivitetsparate.toml");
        let checked = crate::document::check_file(&path).unwrap();
        let document = Document::Proposal(checked.proposal.as_ref().unwrap());
        let refusing: Format = &Refusing;
        let project = Project::open(std::path::Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
        let found = refusals(&[refusing], &project, &document);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code, Code::E098);
        assert!(found[0].message.contains("refusing output") && found[0].message.contains("date"));
        assert!(refusals(&REGISTRY, &project, &document).is_empty());
    }
}
