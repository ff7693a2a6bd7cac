//! A whole `render` run as a library: the output folder locked, the inputs planned, the folder
//! prepared (stale outputs removed, owners claimed), every document rendered on the workers
//! through the render cache, the spreadsheets written, and the manifest and cache saved. The
//! command only parses its arguments, shows progress and prints what [`Batch`] says.

use std::path::{Path, PathBuf};

use crate::build::collected as sheets;
use crate::build::folder;
use crate::build::outputs::{self, Format, Shape};
use crate::build::plan::{Input, plan};
use crate::build::render::{Outcome, Result, Run, render_all};
use crate::cache::Cache;
use crate::error::AppError;
use crate::output;
use crate::project::Project;

/// What a render run is asked to do.
pub struct Request<'a> {
    /// The project root (inputs are planned relative to it).
    pub root: &'a Path,
    /// The inputs found on the command line and in its folders.
    pub inputs: &'a [Input],
    /// The folders named (the run's spreadsheets belong to the first).
    pub scopes: &'a [PathBuf],
    /// The output folder.
    pub out: &'a Path,
    /// The outputs asked for.
    pub formats: &'a [Format],
    /// How the CSV writes fields and decimals.
    pub dialect: crate::export::csv::Dialect,
    /// Whether every document is typeset again, whatever the cache says.
    pub force: bool,
    /// Whether a file with errors keeps its last good outputs (`watch`: the PDF and pages of
    /// the last good save stay while the next save has errors).
    pub keep_last_good: bool,
    /// The folder index a round of some files of a watched folder keeps up to date (`watch`,
    /// `serve`): without a folder among `scopes`, the index of `carried.folder` is written with
    /// these files' lines put in place of their old ones.
    pub carried: Option<&'a Carried>,
}

/// A watched folder's index, carried from one round of `watch` or `serve` to the next.
#[derive(Debug, Clone, Default)]
pub struct Carried {
    /// The watched folder.
    pub folder: PathBuf,
    /// Its index's lines as last written, in order.
    pub entries: Vec<crate::export::html::IndexEntry>,
}

impl Carried {
    /// Takes in the lines of a round: a round of the whole folder (`all`) replaces them; a
    /// round of some files puts each file's line in place of its old one (a new file's at the
    /// end).
    pub fn update(&mut self, all: bool, entries: Vec<crate::export::html::IndexEntry>) {
        if all {
            self.entries = entries;
            return;
        }
        for entry in entries {
            match self.entries.iter_mut().find(|e| e.page == entry.page) {
                Some(old) => *old = entry,
                None => self.entries.push(entry),
            }
        }
    }
}

/// What the run tells its caller while it goes.
pub struct Hooks<'a> {
    /// How many files the run renders, once it knows (before the first is rendered).
    pub planned: &'a mut dyn FnMut(usize),
    /// A warning about the output folder (a file left alone), once each.
    pub warn: &'a mut dyn FnMut(&str),
    /// One file finished (called from the workers).
    pub done: &'a (dyn Fn(&Outcome) + Sync),
}

/// What a render run did.
pub struct Batch {
    /// The files planned.
    pub files: usize,
    /// Each file's PDF below the output folder (its page beside it, `.html`), in the order
    /// planned.
    pub targets: Vec<PathBuf>,
    /// Each file's outcome, in the order planned.
    pub outcomes: Vec<Outcome>,
    /// The spreadsheets written, missing and failed.
    pub sheets: sheets::Written,
    /// Why the manifest could not be saved, if it could not.
    pub unsaved: Option<AppError>,
    /// Files of other formats (below the output folder) that this run left as they were
    /// although their input changed: they may be out of date.
    pub behind: Vec<PathBuf>,
    /// A folder run's index page (written, or why not), when the run writes web pages.
    pub index: Option<std::result::Result<PathBuf, AppError>>,
}

/// How bad a failure is, for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// A problem in the user's files (exit 1).
    Input,
    /// Budgetnote could not do its work (exit 2).
    Run,
}

/// One line of the summary's "failed:" list.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The file and why, in a sentence.
    pub line: String,
    /// How bad it is.
    pub severity: Severity,
    /// The error to print in full where it happened (a file's I/O error), if any.
    pub error: Option<AppError>,
}

/// The counts and failures of a run, for its summary line.
#[derive(Debug, Default)]
pub struct Summary {
    /// Files typeset and written.
    pub rendered: usize,
    /// Files whose outputs were current already.
    pub unchanged: usize,
    /// Files (and spreadsheets) that failed, in order.
    pub failed: Vec<Failure>,
}

/// Renders `request` with `project`: the whole run, from the lock to the saved manifest.
pub fn render(
    project: &Project,
    request: &Request<'_>,
    hooks: Hooks<'_>,
) -> std::result::Result<Batch, AppError> {
    let (out, formats) = (request.out, request.formats);
    // Held until the manifest is saved: one run at a time writes into this output folder.
    let _lock = output::lock(out);
    let mut jobs = plan(request.root, request.inputs);
    let pdf = outputs::has(formats, Shape::Typeset);
    let planned = sheets::plan(&jobs, request.inputs, request.scopes, formats);
    // The spreadsheets this run writes, and which files of the folder are of a format asked for.
    let collected: Vec<(PathBuf, PathBuf)> = planned
        .iter()
        .map(|s| (s.relative.clone(), s.owner.clone()))
        .collect();
    let asked = |key: &str| outputs::of_file(key).is_none_or(|f| outputs::contains(formats, f));
    let writes = folder::Writes {
        typeset: pdf,
        collected: &collected,
        asked: &asked,
        keep_pages: request.keep_last_good,
    };
    let mut manifest = folder::prepare(
        request.root,
        out,
        &mut jobs,
        request.scopes,
        &writes,
        hooks.warn,
    )?;
    (hooks.planned)(jobs.len());
    let cache = Cache::load(&manifest.cache, request.force);
    // Proposals rendered on their own report their problems there, not again with a catalogue.
    let alone = jobs
        .iter()
        .filter(|j| j.writes())
        .map(|j| crate::build::plan::canonical(&j.path))
        .collect();
    let run = Run {
        project,
        out_dir: out,
        cache: &cache,
        alone,
        pdf,
        formats,
        keep_last_good: request.keep_last_good,
    };
    let outcomes = render_all(&run, &jobs, hooks.done)?;
    // The spreadsheets hold the figures of files that rendered.
    let written = sheets::write(
        &planned,
        &outcomes,
        out,
        request.dialect,
        &mut manifest,
        request.keep_last_good,
    );
    for (outcome, job) in outcomes.iter().zip(&jobs) {
        let kept = request.keep_last_good && matches!(outcome.result, Result::Skipped);
        if !kept && !matches!(outcome.result, Result::Written(_) | Result::Unchanged(_)) {
            manifest.forget_owned(&job.relative, &output::absolute(&job.path));
        }
    }
    let behind = behind(&manifest, formats, &outcomes);
    for (page, owner) in outcomes.iter().flat_map(|o| &o.pages) {
        if let Ok(relative) = page.strip_prefix(out) {
            manifest.record(relative, owner);
        }
    }
    let index = write_index(project, request, &jobs, &outcomes, &mut manifest);
    cache.store(&mut manifest.cache);
    let unsaved = manifest.save(out).err();
    Ok(Batch {
        files: jobs.len(),
        targets: jobs.iter().map(|j| j.relative.clone()).collect(),
        outcomes,
        sheets: written,
        unsaved,
        behind,
        index,
    })
}

/// A folder run that writes web pages also writes `index.html` at the top of the output folder:
/// every proposal and catalogue whose page it wrote, with its PDF, in the order planned (owned,
/// like the run's workbook, by the first folder named). Not when a page of the run is itself
/// called `index.html`. The index written, or why not.
fn write_index(
    project: &Project,
    request: &Request<'_>,
    jobs: &[crate::build::plan::Job],
    outcomes: &[Outcome],
    manifest: &mut crate::manifest::Manifest,
) -> Option<std::result::Result<PathBuf, AppError>> {
    let html = outputs::by_name("html")?;
    let named = request.scopes.iter().find(|s| s.is_dir());
    // A round of some files of a watched folder writes the folder's index with their new lines.
    let carried = request.carried.filter(|_| named.is_none());
    let folder = named
        .or(carried.map(|c| &c.folder))
        .map(|s| s.canonicalize().unwrap_or_else(|_| output::absolute(s)))
        .filter(|_| outputs::contains(request.formats, html))?;
    let pdf = outputs::has(request.formats, Shape::Typeset);
    let mut entries = Vec::new();
    for (job, outcome) in jobs.iter().zip(outcomes) {
        if !matches!(outcome.result, Result::Written(_) | Result::Unchanged(_)) {
            continue;
        }
        if job.relative.with_extension("html") == Path::new(crate::build::pages::INDEX) {
            return None;
        }
        let Some(entry) = index_entry(&job.relative, outcome, pdf) else {
            continue;
        };
        entries.push(entry);
    }
    if let Some(carried) = carried {
        let mut all = carried.clone();
        all.update(false, entries);
        entries = all.entries;
    }
    if entries.is_empty() {
        return None;
    }
    let title = project
        .municipality()
        .map_or_else(|| "Forslag".to_owned(), |m| format!("Forslag · {m}"));
    let footer = format!("{} forslag", entries.len());
    let written =
        crate::build::pages::index(project.pages(), request.out, &title, &footer, &entries);
    Some(written.map(|files| {
        for file in &files {
            if let Ok(relative) = file.strip_prefix(request.out) {
                manifest.record(relative, &folder);
            }
        }
        request.out.join(crate::build::pages::INDEX)
    }))
}

/// A file's line on an index page (its page and PDF, from its PDF's place `relative` below the
/// output folder; the PDF only when `pdf`), from its outcome: a catalogue's title, or a
/// proposal's id, title, form and committees; `None` for a file that did not render.
pub fn index_entry(
    relative: &Path,
    outcome: &Outcome,
    pdf: bool,
) -> Option<crate::export::html::IndexEntry> {
    let shown = |p: &Path| {
        p.components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/")
    };
    let page = shown(&relative.with_extension("html"));
    let pdf = pdf.then(|| shown(relative));
    match (&outcome.catalogue, outcome.proposals.as_slice()) {
        (Some(c), _) => Some(crate::export::html::IndexEntry {
            id: String::new(),
            title: c.title.clone(),
            form: "Katalog".to_owned(),
            committees: String::new(),
            page,
            pdf,
        }),
        (None, [p]) => Some(crate::export::html::IndexEntry {
            id: p.id.clone(),
            title: p.title.clone(),
            form: p.form.label.clone(),
            committees: p.committees.join(", "),
            page,
            pdf,
        }),
        _ => None,
    }
}

/// The files of formats this run did not ask for whose input it typeset anew (a changed
/// proposal, or for a folder's spreadsheet any changed proposal in that folder): they may no
/// longer show what the PDFs show.
fn behind(
    manifest: &crate::manifest::Manifest,
    formats: &[Format],
    outcomes: &[Outcome],
) -> Vec<PathBuf> {
    let changed: Vec<PathBuf> = outcomes
        .iter()
        .filter(|o| matches!(o.result, Result::Written(_)))
        .flat_map(|o| {
            let absolute = output::absolute(&o.path);
            let canonical = crate::build::plan::canonical(&o.path);
            [absolute, canonical]
        })
        .collect();
    manifest
        .files
        .iter()
        .filter(|(key, _)| {
            outputs::of_file(key)
                .is_some_and(|f| f.shape() != Shape::Typeset && !outputs::contains(formats, f))
        })
        .filter(|(_, owner)| {
            let owner = Path::new(owner.as_str());
            changed.iter().any(|c| c == owner || c.starts_with(owner))
        })
        .map(|(key, _)| PathBuf::from(key))
        .collect()
}

impl Batch {
    /// The counts and failures: a file fails when it has errors, its outputs could not be
    /// written, its spreadsheet's writer refused it (then it counts as failed, not rendered),
    /// or it panicked; a spreadsheet of several files that could not be made fails on its own.
    pub fn summary(&self) -> Summary {
        let mut summary = Summary::default();
        let mut own_sheet: std::collections::BTreeMap<usize, Vec<&str>> = Default::default();
        for (members, err) in &self.sheets.failed {
            match members.as_slice() {
                [one] => own_sheet.entry(*one).or_default().push(err),
                _ => summary.failed.push(Failure {
                    line: err.clone(),
                    severity: Severity::Input,
                    error: None,
                }),
            }
        }
        for (i, outcome) in self.outcomes.iter().enumerate() {
            let path = outcome.path.display();
            if let Some(errors) = own_sheet.get(&i) {
                summary.failed.extend(errors.iter().map(|e| Failure {
                    line: format!("{path}: {e}"),
                    severity: Severity::Input,
                    error: None,
                }));
                continue;
            }
            match &outcome.result {
                Result::Written(_) => summary.rendered += 1,
                Result::Unchanged(_) => summary.unchanged += 1,
                Result::Skipped => summary.failed.push(Failure {
                    line: format!("{path}: has errors"),
                    severity: Severity::Input,
                    error: None,
                }),
                Result::Failed(err) => summary.failed.push(Failure {
                    line: format!("{path}: {err}"),
                    severity: Severity::Run,
                    error: Some(err.clone()),
                }),
                Result::Panicked(message) => summary.failed.push(Failure {
                    line: format!("{path}: internal error"),
                    severity: Severity::Input,
                    error: Some(AppError(format!(
                        "internal error while typesetting {path}: {message} — please report this"
                    ))),
                }),
            }
        }
        summary
    }
}
