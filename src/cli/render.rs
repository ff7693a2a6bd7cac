//! `budgetnote render`: check, then write one PDF per proposal and one annex per catalogue,
//! in parallel, with progress and a summary.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

mod html;
pub mod outputs;
mod sheets;

use super::print::{self, Tally};
use super::{Cli, Exit, files};
use crate::build;
use crate::build::plan::{Job, blocked_report, plan};
use crate::cache::Cache;
use crate::diagnostic::{Diagnostic, FileReport};
use crate::error::AppError;
use crate::output;
use crate::project::{Made, Project, Reuse};
use outputs::{Document, Format, Place, Shape};

/// Arguments of `render`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Proposal or catalogue files, or folders of them (default: proposals/).
    paths: Vec<PathBuf>,
    /// Output folder (default: out/ in the project).
    #[arg(short, long)]
    out: Option<PathBuf>,
    /// Output formats, separated by commas: the outputs of the registry (default: pdf).
    #[arg(long, value_parser = parse_formats, default_value = "pdf", help = outputs::help())]
    format: Formats,
    /// How the CSV writes fields and decimals: excel-da (`;` and a decimal comma) or
    /// international (`,` and a decimal point).
    #[arg(long, value_enum, default_value = "excel-da")]
    csv_dialect: crate::export::csv::Dialect,
    /// Put the git revision in each PDF's metadata (and footer, if the profile asks).
    #[arg(long)]
    stamp: bool,
    /// Typeset every document again, even those whose PDF the render cache shows is up to date.
    #[arg(long)]
    force: bool,
}

impl Args {
    /// The arguments of a `render` of `paths` into `out` with the defaults (PDF only), as
    /// `watch` runs it each round.
    pub(super) fn pdfs(paths: Vec<PathBuf>, out: PathBuf) -> Self {
        Self {
            paths,
            out: Some(out),
            format: Formats(vec![outputs::PDF]),
            csv_dialect: crate::export::csv::Dialect::default(),
            stamp: false,
            force: false,
        }
    }
}

/// The formats asked for with `--format`, each once.
#[derive(Debug, Clone)]
struct Formats(Vec<Format>);

/// Reads `--format pdf,xlsx`.
fn parse_formats(text: &str) -> std::result::Result<Formats, String> {
    outputs::parse_list(text).map(Formats)
}

/// How one file's render ended.
enum Result {
    /// The PDF was written.
    Written(PathBuf),
    /// The PDF at this path is already the one the inputs make (the render cache); not typeset.
    Unchanged(PathBuf),
    /// The file (or a proposal of the catalogue) has errors; no PDF.
    Skipped,
    /// Something outside the user's file failed.
    Failed(AppError),
    /// budgetnote (or the PDF writer) panicked on this file: a bug, reported as an internal error.
    Panicked(String),
}

/// One file's outcome: its reports (a catalogue also reports its proposals) and result.
struct Outcome {
    /// The file rendered.
    path: PathBuf,
    /// Diagnostics to print.
    reports: Vec<FileReport>,
    /// What happened.
    result: Result,
    /// The checked proposals whose figures the spreadsheets hold (a catalogue's, in its order),
    /// when the file had no errors.
    proposals: Vec<crate::checked::CheckedProposal>,
    /// A catalogue's title and year, for its workbook.
    catalogue: Option<(String, i64)>,
    /// Web pages and stylesheets written, with the input owning each.
    pages: Vec<html::Written>,
}

/// Runs `render`.
pub fn run(cli: &Cli, args: &Args) -> Exit {
    let started = Instant::now();
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| super::in_project(&cli.root, "out"));
    let walk = files::Walk {
        root: &cli.root,
        out: &out,
    };
    let (inputs, scopes) = match files::collect_inputs(&args.paths, walk) {
        Ok(found) => found,
        Err(err) => {
            print::app_error(&err);
            return Exit::Failure;
        }
    };
    let Some(project) = super::open_project(cli) else {
        return Exit::Failure;
    };
    let project = super::diff::stamped(project, args.stamp);
    // Held until the manifest is saved: one run at a time writes into this output folder.
    let _lock = output::lock(&out);
    let mut jobs = plan(&cli.root, &inputs);
    let formats = &args.format.0;
    let pdf = outputs::has(formats, Shape::Typeset);
    let planned = sheets::plan(&jobs, &inputs, &scopes, formats);
    // The spreadsheets this run writes, and which files of the folder are of a format asked for.
    let collected: Vec<(PathBuf, PathBuf)> = planned
        .iter()
        .map(|s| (s.relative.clone(), s.owner.clone()))
        .collect();
    let asked = |key: &str| outputs::of_file(key).is_none_or(|f| outputs::contains(formats, f));
    let writes = build::folder::Writes {
        typeset: pdf,
        collected: &collected,
        asked: &asked,
    };
    let prepared = build::folder::prepare(&cli.root, &out, &mut jobs, &scopes, &writes, &mut |w| {
        print::warning(w)
    });
    let mut manifest = match prepared {
        Ok(manifest) => manifest,
        Err(err) => {
            print::app_error(&err);
            return Exit::Failure;
        }
    };
    let progress = Progress::new(jobs.len(), pdf);
    let cache = Cache::load(&manifest.cache, args.force);
    // Proposals rendered on their own report their problems there, not again with a catalogue.
    let alone = jobs
        .iter()
        .filter(|j| j.writes())
        .map(|j| files::canonical(&j.path))
        .collect();
    let run = Run {
        project: &project,
        out_dir: &out,
        cache: &cache,
        alone,
        pdf,
        formats,
    };
    let outcomes = match render_all(&run, &jobs, &progress) {
        Ok(outcomes) => outcomes,
        Err(err) => {
            progress.finish();
            print::app_error(&err);
            return Exit::Failure;
        }
    };
    progress.finish();

    let mut exit = Exit::Ok;
    let mut tally = Tally::default();
    // Mistakes in the project's own form descriptions (those forms were left out).
    for report in project.form_reports() {
        print::human(report);
        tally.add(report);
        if report.has_errors() {
            exit = exit.max(Exit::InputErrors);
        }
    }
    // The spreadsheets hold the figures of files that rendered; a spreadsheet the writer fails
    // to make fails the file it belongs to (or, for a folder run's, counts on its own).
    let sheets = sheets::write(&planned, &outcomes, &out, args.csv_dialect, &mut manifest);
    let mut sheet_failures: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    let mut failed = Vec::new();
    for (members, err) in &sheets.failed {
        print::app_error(&AppError(err.clone()));
        exit = exit.max(Exit::InputErrors);
        match members.as_slice() {
            [one] => sheet_failures.entry(*one).or_default().push(err.clone()),
            _ => failed.push(err.clone()),
        }
    }
    let (mut rendered, mut unchanged) = (0, 0);
    for (i, (outcome, job)) in outcomes.iter().zip(&jobs).enumerate() {
        for report in &outcome.reports {
            print::human(report);
            tally.add(report);
        }
        if !matches!(outcome.result, Result::Written(_) | Result::Unchanged(_)) {
            manifest.forget_owned(&job.relative, &output::absolute(&job.path));
        }
        if let Some(errors) = sheet_failures.get(&i) {
            failed.extend(
                errors
                    .iter()
                    .map(|e| format!("{}: {e}", outcome.path.display())),
            );
            continue;
        }
        match &outcome.result {
            Result::Written(_) => rendered += 1,
            Result::Unchanged(_) => unchanged += 1,
            Result::Skipped => {
                failed.push(format!("{}: has errors", outcome.path.display()));
                exit = exit.max(Exit::InputErrors);
            }
            Result::Failed(err) => {
                print::app_error(err);
                failed.push(format!("{}: {err}", outcome.path.display()));
                exit = exit.max(Exit::Failure);
            }
            Result::Panicked(message) => {
                let line = format!(
                    "internal error while typesetting {}: {message} — please report this",
                    outcome.path.display()
                );
                eprintln!("error: {line}");
                failed.push(format!("{}: internal error", outcome.path.display()));
                exit = exit.max(Exit::InputErrors);
            }
        }
    }
    for (page, owner) in outcomes.iter().flat_map(|o| &o.pages) {
        if let Ok(relative) = page.strip_prefix(&out) {
            manifest.record(relative, owner);
        }
    }
    for line in &sheets.missing {
        eprintln!("error: {line}");
        exit = exit.max(Exit::InputErrors);
    }
    for path in &sheets.files {
        eprintln!("wrote {}", print::shown(path));
    }
    cache.store(&mut manifest.cache);
    if let Err(err) = manifest.save(&out) {
        print::app_error(&err);
        exit = exit.max(Exit::Failure);
    }
    for line in &failed {
        eprintln!("failed: {}", print::escaped(line));
    }
    let acknowledged = if tally.acknowledged > 0 {
        format!(" ({} acknowledged)", tally.acknowledged)
    } else {
        String::new()
    };
    let made = rendered + unchanged;
    let unchanged = if unchanged > 0 {
        format!(" ({unchanged} unchanged, not typeset again)")
    } else {
        String::new()
    };
    eprintln!(
        "rendered {} of {} file(s){unchanged}, {} failed, {} warning(s){acknowledged}, in {:.2} s",
        made,
        jobs.len(),
        failed.len(),
        tally.warnings,
        started.elapsed().as_secs_f64()
    );
    exit
}

/// Renders every file on the library's workers ([`crate::build::parallel`]), catalogues first
/// (they take longest), each with its panics caught.
fn render_all(
    run: &Run<'_>,
    jobs: &[Job],
    progress: &Progress,
) -> std::result::Result<Vec<Outcome>, AppError> {
    // Each input is read once, here (a refused one is never opened): its text gives the
    // duplicate ids, whether it is a catalogue (scheduled first) and what its worker checks.
    let reads = build::reads::Reads::of(
        jobs.iter()
            .map(|j| j.refusal.is_none().then_some(j.path.as_path())),
    );
    let paths: Vec<&Path> = jobs.iter().map(|j| j.path.as_path()).collect();
    let duplicates = reads.duplicate_ids(&paths);
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by_key(|&i| !(jobs[i].writes() && reads.is_catalogue(i)));
    let _quiet = build::QuietPanics::start();
    build::parallel("render", jobs.len(), &order, |i| {
        let job = &jobs[i];
        let read = reads.take(i);
        let outcome = render_isolated(run, job, duplicates.get(&job.path), read);
        progress.step(&outcome);
        outcome
    })
}

/// Renders one job with a panic caught: a panic (a bug here or in the PDF writer) costs only this
/// document, which then has no PDF (an old one is removed) and no temp file.
fn render_isolated(
    run: &Run<'_>,
    job: &Job,
    duplicate: Option<&crate::diagnostic::Diagnostic>,
    read: Option<crate::document::Read>,
) -> Outcome {
    let target = run.out_dir.join(&job.relative);
    if let Some(report) = blocked_report(job, run.out_dir) {
        return Outcome {
            path: job.path.clone(),
            reports: vec![report],
            result: Result::Skipped,
            proposals: Vec::new(),
            catalogue: None,
            pages: Vec::new(),
        };
    }
    let outcome = build::isolated(|| render_one(run, job, duplicate, read));
    if !matches!(
        outcome,
        Ok(Outcome {
            result: Result::Written(_) | Result::Unchanged(_),
            ..
        })
    ) {
        run.cache.record(&job.relative, None);
    }
    match outcome {
        Ok(outcome) => outcome,
        Err(message) => {
            let _ = output::remove_stale(&target);
            Outcome {
                path: job.path.clone(),
                reports: Vec::new(),
                result: Result::Panicked(message),
                proposals: Vec::new(),
                catalogue: None,
                pages: Vec::new(),
            }
        }
    }
}

/// What every document of a run shares.
struct Run<'a> {
    /// The project: forms, profile, typesetter.
    project: &'a Project,
    /// The output folder.
    out_dir: &'a Path,
    /// The render cache of the output folder.
    cache: &'a Cache,
    /// The inputs rendered on their own (resolved paths), whose problems a catalogue that
    /// includes them does not report again.
    alone: std::collections::HashSet<PathBuf>,
    /// Whether PDFs are written.
    pdf: bool,
    /// The outputs asked for.
    formats: &'a [Format],
}

/// Checks and renders one proposal or catalogue file to its PDF, unless the render cache shows
/// the PDF there is already the one its inputs make (`read`: the file as read before the run, if
/// it was); then asks every output asked for what it refuses (E098, as `check` does) and writes
/// the per-document outputs.
fn render_one(
    run: &Run<'_>,
    job: &Job,
    duplicate: Option<&crate::diagnostic::Diagnostic>,
    read: Option<crate::document::Read>,
) -> Outcome {
    let (project, path) = (run.project, job.path.as_path());
    let target = &run.out_dir.join(&job.relative);
    let reuse = Reuse {
        previous: run.cache.previous(&job.relative),
        target: run.pdf.then_some(target.as_path()),
    };
    let mut reports = Vec::new();
    let mut proposals = Vec::new();
    let mut pages = Vec::new();
    let mut catalogue_info = None;
    let result = (|| -> std::result::Result<Result, AppError> {
        let read = read.unwrap_or_else(|| crate::document::read(path));
        let (kind, source) = match read? {
            Ok(text) => (text.kind, text.text),
            Err(report) => {
                reports.push(report);
                output::remove_stale(target)?;
                return Ok(Result::Skipped);
            }
        };
        // Typesetting refusals and the outputs' refusals become diagnostics here exactly as in
        // `check`.
        let bytes = if kind == crate::document::Kind::Catalogue {
            let (mut report, included, catalogue) = crate::catalogue::check(path, source, project)?;
            build::test_panic(path);
            let mut bytes = match &catalogue {
                Some(catalogue) => {
                    project.typeset_catalogue(&mut report, catalogue, &included, Some(&reuse))?
                }
                None => None,
            };
            if let (Some(catalogue), Some(made)) = (&catalogue, &bytes) {
                let document = Document::Catalogue(catalogue);
                match write_outputs(run, &document, path, target, made)? {
                    Ok(written) => pages = written,
                    Err(refused) => {
                        report.diagnostics.extend(refused);
                        bytes = None;
                    }
                }
            }
            if let Some(catalogue) = catalogue.filter(|_| bytes.is_some()) {
                catalogue_info = Some((catalogue.title.clone(), catalogue.year));
                proposals = catalogue.proposals.into_iter().map(|(_, p)| p).collect();
            }
            reports.push(report);
            // Proposals with errors are reported with the catalogue, unless they are rendered
            // on their own in this run too; the others have no news.
            reports.extend(included.into_iter().map(|c| c.report).filter(|r| {
                !r.diagnostics.is_empty() && !run.alone.contains(&files::canonical(&r.path))
            }));
            bytes
        } else {
            let mut checked =
                crate::document::add_duplicate(project.check_source(path, source), duplicate);
            build::test_panic(path);
            let mut bytes = project.typeset_reusing(&mut checked, Some(&reuse))?;
            if let (Some(p), Some(made)) = (&checked.proposal, &bytes) {
                match write_outputs(run, &Document::Proposal(p), path, target, made)? {
                    Ok(written) => pages = written,
                    Err(refused) => {
                        checked.report.diagnostics.extend(refused);
                        bytes = None;
                    }
                }
            }
            proposals.extend(checked.proposal.take().filter(|_| bytes.is_some()));
            reports.push(checked.report);
            bytes
        };
        match bytes {
            Some(made) => {
                run.cache.record(&job.relative, made.entry().cloned());
                match made {
                    Made::Typeset(..) => Ok(Result::Written(target.to_owned())),
                    Made::Unchanged(_) => Ok(Result::Unchanged(target.to_owned())),
                }
            }
            None => {
                output::remove_stale(target)?;
                output::remove_stale(&target.with_extension("html"))?;
                Ok(Result::Skipped)
            }
        }
    })();
    let result = result.unwrap_or_else(|err| {
        let _ = output::remove_stale(target);
        Result::Failed(err)
    });
    Outcome {
        path: job.path.clone(),
        reports,
        result,
        proposals,
        catalogue: catalogue_info,
        pages,
    }
}

/// Asks every output of the run what it refuses of a checked document (E098, as `check` asks),
/// then writes the per-document outputs (the PDF, the web pages): the files written, or the
/// refusals when there are any (nothing is written then).
fn write_outputs(
    run: &Run<'_>,
    document: &Document<'_>,
    input: &Path,
    target: &Path,
    made: &Made,
) -> std::result::Result<std::result::Result<Vec<html::Written>, Vec<Diagnostic>>, AppError> {
    let refused = outputs::refusals(run.formats, &run.project.root, document);
    if !refused.is_empty() {
        return Ok(Err(refused));
    }
    let place = Place {
        root: &run.project.root,
        input,
        target,
        pdf: match made {
            Made::Typeset(bytes, _) => Some(bytes),
            Made::Unchanged(_) => None,
        },
    };
    let mut written = Vec::new();
    for output in run.formats.iter().filter(|o| o.shape() != Shape::Collected) {
        written.extend(output.document(document, &place)?);
    }
    Ok(Ok(written))
}

/// Progress: a bar on a terminal, one plain line per file otherwise.
struct Progress {
    /// The bar, when stderr is a terminal.
    bar: Option<indicatif::ProgressBar>,
    /// Whether PDFs are written (else a file without errors is only "checked").
    pdf: bool,
}

impl Progress {
    /// Starts progress over `total` files.
    fn new(total: usize, pdf: bool) -> Self {
        use std::io::IsTerminal;
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(total as u64);
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} {elapsed_precise} {msg}",
            ) {
                bar.set_style(style);
            }
            bar
        });
        Self { bar, pdf }
    }

    /// Records one finished file.
    fn step(&self, outcome: &Outcome) {
        match &self.bar {
            Some(bar) => bar.inc(1),
            None => match &outcome.result {
                Result::Written(target) if self.pdf => eprintln!("wrote {}", print::shown(target)),
                Result::Unchanged(target) if self.pdf => {
                    eprintln!("unchanged {}", print::shown(target))
                }
                Result::Written(_) | Result::Unchanged(_) => {
                    eprintln!("checked {}", print::shown(&outcome.path))
                }
                Result::Skipped => {
                    eprintln!(
                        "skipped {}: it has errors (no PDF written)",
                        print::shown(&outcome.path)
                    )
                }
                Result::Failed(_) | Result::Panicked(_) => {
                    eprintln!("failed {}", print::shown(&outcome.path))
                }
            },
        }
    }

    /// Clears the bar.
    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
