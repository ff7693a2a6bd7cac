//! `budgetnote render`: check, then write one PDF per proposal and one annex per catalogue,
//! in parallel ([`batch::render`]), with progress and a summary.

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Instant;

use super::print::{self, Tally};
use super::{Cli, Exit, files};
use crate::build::batch;
use crate::build::outputs::{self, Format, Shape};
use crate::build::render::{Outcome, Result};
use crate::diagnostic::FileReport;
use crate::error::AppError;

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
    /// A round of `watch`: a line per file whatever the verbosity (unless `--quiet`), and a
    /// file with errors keeps its last good outputs.
    #[arg(skip)]
    watch: bool,
    /// A round of some files of a watched folder: the folder's index to keep up to date.
    #[arg(skip)]
    carried: Option<batch::Carried>,
}

impl Args {
    /// The arguments of a `render` of `paths` into `out` as `watch` runs it each round, with
    /// the formats and stamp `watch` was given.
    pub(super) fn watch_round(
        paths: Vec<PathBuf>,
        out: PathBuf,
        format: Formats,
        csv_dialect: crate::export::csv::Dialect,
        stamp: bool,
        carried: Option<batch::Carried>,
    ) -> Self {
        Self {
            paths,
            out: Some(out),
            format,
            csv_dialect,
            stamp,
            force: false,
            watch: true,
            carried,
        }
    }
}

/// The formats asked for with `--format`, each once.
#[derive(Debug, Clone)]
pub(super) struct Formats(Vec<Format>);

/// Reads `--format pdf,xlsx`.
pub(super) fn parse_formats(text: &str) -> std::result::Result<Formats, String> {
    outputs::parse_list(text).map(Formats)
}

/// What a run of `render` found, besides what it printed: what `serve` shows in its pages.
#[derive(Debug, Default)]
pub(super) struct Found {
    /// The run's own problems, as printed after `error: ` (the project cannot be opened, a file
    /// cannot be written).
    pub errors: Vec<String>,
    /// Diagnostics of the project's own forms and page templates.
    pub project: Vec<FileReport>,
    /// The municipality of the project's profile, if it names one.
    pub municipality: Option<String>,
    /// Each file of the run, in the order planned.
    pub files: Vec<FoundFile>,
}

/// One file of a run of `render`, as [`Found`] holds it.
#[derive(Debug)]
pub(super) struct FoundFile {
    /// The input file, as named or found.
    pub path: PathBuf,
    /// Its PDF below the output folder (its page is beside it, `.html`).
    pub relative: PathBuf,
    /// Its diagnostics (a catalogue's include its proposals' errors).
    pub reports: Vec<FileReport>,
    /// Its line on an index page, when it rendered.
    pub entry: Option<crate::export::html::IndexEntry>,
}

impl Found {
    /// Records a problem of the run itself and prints it.
    fn error(&mut self, err: &AppError) {
        print::app_error(err);
        self.errors.push(err.to_string());
    }
}

/// Runs `render`: the run itself is [`batch::render`]; this prints its reports, the failures
/// and the summary, and sets the exit code.
pub fn run(cli: &Cli, args: &Args) -> Exit {
    run_found(cli, args).0
}

/// Runs `render` as [`run`] does, and returns what it found besides the exit code.
pub(super) fn run_found(cli: &Cli, args: &Args) -> (Exit, Found) {
    let mut found = Found::default();
    let exit = run_into(cli, args, &mut found);
    (exit, found)
}

/// [`run`], keeping what it finds in `found`.
fn run_into(cli: &Cli, args: &Args, found: &mut Found) -> Exit {
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
        Ok(inputs) => inputs,
        Err(err) => {
            found.error(&err);
            return Exit::Failure;
        }
    };
    let project = match crate::project::Project::open(&cli.root) {
        Ok(project) => project,
        Err(err) => {
            found.error(&err);
            return Exit::Failure;
        }
    };
    found.municipality = project.municipality().map(str::to_owned);
    let project = super::diff::stamped(project, args.stamp);
    let formats = &args.format.0;
    let pdf = outputs::has(formats, Shape::Typeset);
    let request = batch::Request {
        root: &cli.root,
        inputs: &inputs,
        scopes: &scopes,
        out: &out,
        formats,
        dialect: args.csv_dialect,
        force: args.force,
        keep_last_good: args.watch,
        carried: args.carried.as_ref(),
    };
    let progress: OnceLock<Progress> = OnceLock::new();
    let hooks = batch::Hooks {
        planned: &mut |files| {
            let _ = progress.set(Progress::new(files, pdf, args.watch));
        },
        warn: &mut |w| print::warning(w),
        done: &|outcome| {
            if let Some(progress) = progress.get() {
                progress.step(outcome);
            }
        },
    };
    let done = batch::render(&project, &request, hooks);
    if let Some(progress) = progress.get() {
        progress.finish();
    }
    let done = match done {
        Ok(done) => done,
        Err(err) => {
            found.error(&err);
            return Exit::Failure;
        }
    };

    let mut exit = Exit::Ok;
    let mut tally = Tally::default();
    // Mistakes in the project's own form descriptions (those forms were left out), then in what
    // the outputs asked for read (the page templates), each once at its line.
    let project_reports = outputs::project_reports(formats, &project);
    for report in project.form_reports().iter().chain(&project_reports) {
        print::human(report);
        tally.add(report);
        if report.has_errors() {
            exit = exit.max(Exit::InputErrors);
        }
    }
    for (_, err) in &done.sheets.failed {
        found.error(&AppError(err.clone()));
    }
    for outcome in &done.outcomes {
        for report in &outcome.reports {
            print::human(report);
            tally.add(report);
        }
    }
    let summary = done.summary();
    for failure in &summary.failed {
        if let Some(err) = &failure.error {
            found.error(err);
        }
        exit = exit.max(match failure.severity {
            batch::Severity::Input => Exit::InputErrors,
            batch::Severity::Run => Exit::Failure,
        });
    }
    for line in &done.sheets.missing {
        eprintln!("error: {line}");
        found.errors.push(line.clone());
        exit = exit.max(Exit::InputErrors);
    }
    if print::verbosity() > print::Verbosity::Quiet {
        for path in &done.sheets.files {
            eprintln!("wrote {}", print::shown(path));
        }
    }
    match &done.index {
        Some(Ok(index)) if print::verbosity() > print::Verbosity::Quiet => {
            eprintln!("wrote {}", print::shown(index));
        }
        Some(Err(err)) => {
            found.error(err);
            exit = exit.max(Exit::Failure);
        }
        _ => {}
    }
    if let Some(err) = &done.unsaved {
        found.error(err);
        exit = exit.max(Exit::Failure);
    }
    for failure in &summary.failed {
        eprintln!("failed: {}", print::escaped(&failure.line));
    }
    if !done.behind.is_empty() {
        let files: Vec<String> = done
            .behind
            .iter()
            .map(|f| print::shown(&out.join(f)))
            .collect();
        let formats: std::collections::BTreeSet<&str> = done
            .behind
            .iter()
            .filter_map(|f| outputs::of_file(&f.to_string_lossy()).map(|o| o.name()))
            .collect();
        let formats: Vec<&str> = formats.into_iter().collect();
        eprintln!(
            "note: {} may be out of date: this run changed what {} show{} but did not write {}; \
             render with --format {} to update {}",
            files.join(", "),
            if files.len() == 1 { "it" } else { "they" },
            if files.len() == 1 { "s" } else { "" },
            if files.len() == 1 { "it" } else { "them" },
            formats.join(","),
            if files.len() == 1 { "it" } else { "them" },
        );
    }
    let acknowledged = if tally.acknowledged > 0 {
        format!(" ({} acknowledged)", tally.acknowledged)
    } else {
        String::new()
    };
    let unchanged = if summary.unchanged > 0 {
        format!(" ({} unchanged, not typeset again)", summary.unchanged)
    } else {
        String::new()
    };
    eprintln!(
        "rendered {} of {} file(s){unchanged}, {} failed, {} warning(s){acknowledged}, in {:.2} s",
        summary.rendered + summary.unchanged,
        done.files,
        summary.failed.len(),
        tally.warnings,
        started.elapsed().as_secs_f64()
    );
    found.project = project.form_reports().to_vec();
    found.project.extend(project_reports);
    found.files = done
        .outcomes
        .into_iter()
        .zip(done.targets)
        .map(|(outcome, relative)| FoundFile {
            entry: batch::index_entry(&relative, &outcome, pdf),
            path: outcome.path,
            relative,
            reports: outcome.reports,
        })
        .collect();
    exit
}

/// Progress: a bar on a terminal; a plain line per file under `--verbose` (and in `watch`);
/// nothing under `--quiet`, or outside a terminal by default (then the problems and the summary
/// say what happened).
struct Progress {
    /// The bar, on a terminal at normal verbosity.
    bar: Option<indicatif::ProgressBar>,
    /// Whether a line is printed per file.
    lines: bool,
    /// Whether PDFs are written (else a file without errors is only "checked").
    pdf: bool,
    /// Whether a file with errors keeps its last good outputs (`watch`).
    keep: bool,
}

impl Progress {
    /// Starts progress over `total` files; `per_file` asks for a line per file (as `--verbose`).
    fn new(total: usize, pdf: bool, per_file: bool) -> Self {
        use std::io::IsTerminal;
        let verbosity = print::verbosity();
        let lines = verbosity == print::Verbosity::Verbose
            || per_file && verbosity != print::Verbosity::Quiet;
        let show_bar =
            !lines && verbosity == print::Verbosity::Normal && std::io::stderr().is_terminal();
        let bar = show_bar.then(|| {
            let bar = indicatif::ProgressBar::new(total as u64);
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} {elapsed_precise} {msg}",
            ) {
                bar.set_style(style);
            }
            bar
        });
        Self {
            bar,
            lines,
            pdf,
            keep: per_file,
        }
    }

    /// Records one finished file.
    fn step(&self, outcome: &Outcome) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
        if self.lines {
            match &outcome.result {
                Result::Written(target) if self.pdf => eprintln!("wrote {}", print::shown(target)),
                Result::Unchanged(target) if self.pdf => {
                    eprintln!("unchanged {}", print::shown(target))
                }
                Result::Written(_) | Result::Unchanged(_) => {
                    eprintln!("checked {}", print::shown(&outcome.path))
                }
                Result::Skipped if self.keep => eprintln!(
                    "skipped {}: it has errors (its last good outputs are kept)",
                    print::shown(&outcome.path)
                ),
                Result::Skipped => {
                    eprintln!(
                        "skipped {}: it has errors (no PDF written)",
                        print::shown(&outcome.path)
                    )
                }
                Result::Failed(_) | Result::Panicked(_) => {
                    eprintln!("failed {}", print::shown(&outcome.path))
                }
            }
        }
    }

    /// Clears the bar.
    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
