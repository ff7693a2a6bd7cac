//! `budgetnote render`: check, then write one PDF per proposal and one annex per catalogue,
//! in parallel, with progress and a summary.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use super::print::{self, Tally};
use super::{Cli, Exit, files};
use crate::build;
use crate::build::collected as sheets;
use crate::build::outputs::{self, Format, Shape};
use crate::build::plan::plan;
use crate::build::render::{Outcome, Result, Run, render_all};
use crate::cache::Cache;
use crate::error::AppError;
use crate::output;

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
    let outcomes = match render_all(&run, &jobs, &|outcome| progress.step(outcome)) {
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
