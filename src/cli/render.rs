//! `budgetnote render`: check, then write one PDF per proposal and one annex per catalogue,
//! in parallel, with progress and a summary.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use super::print::{self, Tally};
use super::{Cli, Exit, files};
use crate::diagnostic::FileReport;
use crate::{AppError, Project, output};

/// Arguments of `render`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Proposal or catalogue files, or folders of them (default: proposals/).
    paths: Vec<PathBuf>,
    /// Output folder.
    #[arg(short, long, default_value = "out")]
    out: PathBuf,
}

/// How one file's render ended.
enum Result {
    /// The PDF was written.
    Written(PathBuf),
    /// The file (or a proposal of the catalogue) has errors; no PDF.
    Skipped,
    /// Something outside the user's file failed.
    Failed(AppError),
}

/// One file's outcome: its reports (a catalogue also reports its proposals) and result.
struct Outcome {
    /// The file rendered.
    path: PathBuf,
    /// Diagnostics to print.
    reports: Vec<FileReport>,
    /// What happened.
    result: Result,
}

/// Documents rendered between two clears of typst's memo cache (bounds memory in long batches).
const EVICT_EVERY: usize = 16;

/// Stack of each render thread: typst's layout recurses deeply on long documents (an annex of
/// hundreds of proposals), more than a default 2 MiB thread stack is sure to hold.
const STACK_SIZE: usize = 64 * 1024 * 1024;

/// Runs `render`.
pub fn run(cli: &Cli, args: &Args) -> Exit {
    let started = Instant::now();
    let paths = match files::collect(&args.paths) {
        Ok(paths) => paths,
        Err(err) => {
            print::app_error(&err);
            return Exit::Failure;
        }
    };
    let project = match Project::open(&cli.root) {
        Ok(project) => project,
        Err(err) => {
            print::app_error(&err);
            return Exit::Failure;
        }
    };
    let progress = Progress::new(paths.len());
    let outcomes = match render_all(&project, &paths, &args.out, &progress) {
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
    let (mut rendered, mut failed) = (0, Vec::new());
    for outcome in &outcomes {
        for report in &outcome.reports {
            print::human(report);
            tally.add(report);
        }
        match &outcome.result {
            Result::Written(_) => rendered += 1,
            Result::Skipped => {
                failed.push(format!("{}: has errors", outcome.path.display()));
                exit = exit.max(Exit::InputErrors);
            }
            Result::Failed(err) => {
                print::app_error(err);
                failed.push(format!("{}: {err}", outcome.path.display()));
                exit = exit.max(Exit::Failure);
            }
        }
    }
    for line in &failed {
        eprintln!("failed: {line}");
    }
    eprintln!(
        "rendered {rendered} of {} file(s), {} failed, {} warning(s), in {:.2} s",
        paths.len(),
        failed.len(),
        tally.warnings,
        started.elapsed().as_secs_f64()
    );
    exit
}

/// Renders every file on one worker thread per core, catalogues first (they take longest).
///
/// Workers are plain threads, not rayon tasks: typst parallelises inside a document on rayon's
/// global pool, and a rayon worker waiting there would steal further documents onto its stack,
/// so that memory would grow with the number of files instead of the number of cores.
fn render_all(
    project: &Project,
    paths: &[PathBuf],
    out_dir: &Path,
    progress: &Progress,
) -> std::result::Result<Vec<Outcome>, AppError> {
    let duplicates = crate::duplicate_ids(paths);
    let mut order: Vec<usize> = (0..paths.len()).collect();
    order.sort_by_key(|&i| !looks_like_catalogue(&paths[i]));
    let workers = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(paths.len().max(1));
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<Outcome>>> = paths.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        let mut handles = Vec::new();
        for n in 0..workers {
            let worker = || {
                while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let outcome =
                        render_one(project, &paths[i], out_dir, duplicates.get(&paths[i]));
                    progress.step(&outcome);
                    if let Ok(mut slot) = slots[i].lock() {
                        *slot = Some(outcome);
                    }
                    if (done.fetch_add(1, Ordering::Relaxed) + 1).is_multiple_of(EVICT_EVERY) {
                        typst::comemo::evict(1);
                    }
                }
            };
            let handle = std::thread::Builder::new()
                .name(format!("render-{n}"))
                .stack_size(STACK_SIZE)
                .spawn_scoped(scope, worker)
                .map_err(|e| AppError(format!("cannot start render threads: {e}")))?;
            handles.push(handle);
        }
        for handle in handles {
            handle
                .join()
                .map_err(|_| AppError("a render thread stopped unexpectedly".into()))?;
        }
        Ok::<(), AppError>(())
    })?;
    slots
        .into_iter()
        .zip(paths)
        .map(|(slot, path)| {
            slot.into_inner()
                .ok()
                .flatten()
                .ok_or_else(|| AppError(format!("{} was not rendered", path.display())))
        })
        .collect()
}

/// Whether a file is a catalogue, judged cheaply from its text (for scheduling only).
fn looks_like_catalogue(path: &Path) -> bool {
    std::fs::read_to_string(path).is_ok_and(|text| crate::catalogue::is_catalogue(&text))
}

/// Checks and renders one proposal or catalogue file.
fn render_one(
    project: &Project,
    path: &Path,
    out_dir: &Path,
    duplicate: Option<&crate::diagnostic::Diagnostic>,
) -> Outcome {
    let target = output::pdf_path(out_dir, path);
    let mut reports = Vec::new();
    let result = (|| -> std::result::Result<Result, AppError> {
        let source = match crate::read_text(path)? {
            Ok(source) => source,
            Err(report) => {
                reports.push(report);
                output::remove_stale(&target)?;
                return Ok(Result::Skipped);
            }
        };
        let bytes = if crate::catalogue::is_catalogue(&source) {
            let (report, included, catalogue) = crate::catalogue::check(path, source, project)?;
            reports.push(report);
            // Proposals with errors are reported with the catalogue; the others have no news.
            reports.extend(
                included
                    .into_iter()
                    .map(|c| c.report)
                    .filter(|r| !r.diagnostics.is_empty()),
            );
            catalogue.map(|c| project.catalogue_pdf(&c)).transpose()?
        } else {
            let checked = crate::add_duplicate(project.check_source(path, source), duplicate);
            reports.push(checked.report);
            checked.proposal.map(|p| project.pdf(&p)).transpose()?
        };
        match bytes {
            Some(bytes) => {
                output::write_atomic(&target, &bytes)?;
                Ok(Result::Written(target.clone()))
            }
            None => {
                output::remove_stale(&target)?;
                Ok(Result::Skipped)
            }
        }
    })();
    let result = result.unwrap_or_else(|err| {
        let _ = output::remove_stale(&target);
        Result::Failed(err)
    });
    Outcome {
        path: path.to_owned(),
        reports,
        result,
    }
}

/// Progress: a bar on a terminal, one plain line per file otherwise.
struct Progress {
    /// The bar, when stderr is a terminal.
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    /// Starts progress over `total` files.
    fn new(total: usize) -> Self {
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
        Self { bar }
    }

    /// Records one finished file.
    fn step(&self, outcome: &Outcome) {
        match &self.bar {
            Some(bar) => bar.inc(1),
            None => match &outcome.result {
                Result::Written(target) => eprintln!("wrote {}", target.display()),
                Result::Skipped => {
                    eprintln!(
                        "skipped {}: it has errors (no PDF written)",
                        outcome.path.display()
                    )
                }
                Result::Failed(_) => eprintln!("failed {}", outcome.path.display()),
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
