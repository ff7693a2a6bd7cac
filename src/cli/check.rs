//! `budgetnote check`: validate proposals and print every problem at once.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::diagnostic::FileReport;

use super::print::{self, Tally};
use super::{Cli, Deny, Exit, Format, files};
use crate::build::outputs::{self, Format as Output};

/// Arguments of `check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Proposal files or folders (default: proposals/).
    paths: Vec<PathBuf>,
    /// How the diagnostics print (human, json, github), and the outputs whose checks to run as
    /// `render --format` would (pdf, xlsx, csv, html; default pdf), separated by commas, e.g.
    /// `--format json,xlsx`.
    #[arg(long, value_parser = parse_formats, default_value = "human")]
    format: Formats,
    /// Also fail (exit 1) on warnings, e.g. `--deny warnings` in CI.
    #[arg(long, value_enum)]
    deny: Option<Deny>,
}

/// What `check --format` asks for: how diagnostics print, and the outputs whose checks run.
#[derive(Debug, Clone)]
struct Formats {
    /// How the diagnostics print.
    print: Format,
    /// The outputs whose checks run (those `render --format` would write).
    outputs: Vec<Output>,
}

/// Reads `--format json,xlsx`: at most one diagnostics format (default human) and any outputs of
/// the registry (default pdf).
fn parse_formats(text: &str) -> Result<Formats, String> {
    use clap::ValueEnum;
    let mut print = None;
    let mut named = Vec::new();
    for part in text.split(',') {
        match Format::from_str(part.trim(), true) {
            Ok(format) if print.is_none_or(|p| p == format) => print = Some(format),
            Ok(_) => return Err("give one of human, json and github, not several".to_owned()),
            Err(_) => named.push(part),
        }
    }
    let outputs = if named.is_empty() {
        outputs::parse_list("pdf")?
    } else {
        outputs::parse_list(&named.join(","))
            .map_err(|e| format!("{e}; or a diagnostics format: human, json, github"))?
    };
    Ok(Formats {
        print: print.unwrap_or(Format::Human),
        outputs,
    })
}

/// Runs `check`.
pub fn run(cli: &Cli, args: &Args) -> Exit {
    // The output folder `render` would use by default: never searched, and its manifest
    // tells which input owns each PDF (E063).
    let out_dir = &super::in_project(&cli.root, "out");
    let walk = files::Walk {
        root: &cli.root,
        out: out_dir,
    };
    let inputs = match files::collect_inputs(&args.paths, walk) {
        Ok((inputs, _)) => inputs,
        Err(err) => {
            print::app_error(&err);
            return Exit::Failure;
        }
    };
    // The project's fonts decide which characters can be printed (E029). Problems in
    // budgetnote.toml stop the run (exit 2), printed in the format asked for.
    let project = match crate::project::Project::open_or_report(&cli.root) {
        Ok(project) => project,
        Err(crate::config::SettingsError::Report(report)) => {
            print::reports(args.format.print, std::slice::from_ref(&report));
            if args.format.print == Format::Human {
                eprintln!("the project settings have problems; nothing else was checked");
            }
            return Exit::Failure;
        }
        Err(crate::config::SettingsError::App(err)) => {
            print::app_error(&err);
            return Exit::Failure;
        }
    };
    // The editor schemas `new` wrote follow the forms and profile as they are now.
    super::new::refresh_schemas(&cli.root, project.forms());
    // Where `render` writes each input's PDF (by default), and the inputs refused before they
    // are opened (a symlink leading outside, a name too long).
    let relatives: Vec<PathBuf> = inputs
        .iter()
        .map(|input| crate::output::relative_pdf(&cli.root, &input.path, input.base.as_deref()))
        .collect();
    let refused: Vec<Option<FileReport>> = inputs
        .iter()
        .zip(&relatives)
        .map(|(input, relative)| files::refusal(input, relative))
        .collect();
    // What `render` typeset into the default output folder: a document whose inputs are the
    // ones typst accepted then need not be typeset again to know it is accepted.
    let cache = crate::cache::Cache::load(
        &crate::manifest::Manifest::load(out_dir, &cli.root).cache,
        false,
    );
    let paths: Vec<PathBuf> = inputs
        .iter()
        .zip(&refused)
        .filter(|(_, r)| r.is_none())
        .map(|(i, _)| i.path.clone())
        .collect();
    // Each input not refused is read once, here: the same text gives the duplicate ids and is
    // what its worker checks.
    let reads = crate::build::reads::Reads::of(
        inputs
            .iter()
            .zip(&refused)
            .map(|(i, r)| r.is_none().then_some(i.path.as_path())),
    );
    let all: Vec<&Path> = inputs.iter().map(|i| i.path.as_path()).collect();
    let duplicates = reads.duplicate_ids(&all);
    let alone: HashSet<PathBuf> = paths.iter().map(|p| files::canonical(p)).collect();
    // E063: inputs that `render` would write to one PDF (with the default output folder).
    let mut collisions = crate::build::plan::collisions(&cli.root, &inputs, out_dir);
    // Every input not refused is checked on the library's workers, as `render` builds them (one
    // per core, typst's memo cache evicted as there, each file's panic caught); the results
    // come back by input, so the reports print in the order of the inputs whatever the order
    // the workers finish in.
    let order: Vec<usize> = (0..inputs.len()).collect();
    let outputs = &args.format.outputs;
    let quiet = crate::build::QuietPanics::start();
    let checked = crate::build::parallel("check", inputs.len(), &order, |i| {
        if refused[i].is_some() {
            return None;
        }
        let path = &inputs[i].path;
        let reuse = crate::project::Reuse {
            previous: cache.previous(&relatives[i]),
            target: None,
        };
        let read = reads.take(i);
        Some(crate::build::isolated(|| {
            crate::build::check::check_one(
                &project,
                path,
                read,
                duplicates.get(path),
                &alone,
                &reuse,
                outputs,
            )
        }))
    });
    drop(quiet);
    let mut checked = match checked {
        Ok(checked) => checked,
        Err(err) => {
            print::app_error(&err);
            return Exit::Failure;
        }
    };
    let mut known = 0;
    // Mistakes in the project's own form descriptions come first, then those in what the
    // outputs asked for read (the page templates), each once at its line.
    let mut reports: Vec<FileReport> = project.form_reports().to_vec();
    reports.extend(outputs::project_reports(outputs, &project));
    let mut exit = Exit::Ok;
    for ((input, refusal), outcome) in inputs.iter().zip(refused).zip(checked.iter_mut()) {
        let path = &input.path;
        if let Some(report) = refusal {
            reports.push(report);
            continue;
        }
        reports.extend(collisions.remove(path));
        match outcome.take() {
            Some(Ok(Ok((more, unchanged)))) => {
                reports.extend(more);
                known += usize::from(unchanged);
            }
            Some(Ok(Err(err))) => {
                print::app_error(&err);
                exit = exit.max(Exit::Failure);
            }
            Some(Err(message)) => {
                eprintln!(
                    "error: internal error while checking {}: {message} — please report this",
                    print::shown(path)
                );
                exit = exit.max(Exit::Failure);
            }
            None => {}
        }
    }
    print::reports(args.format.print, &reports);
    let mut tally = Tally::default();
    reports.iter().for_each(|r| tally.add(r));
    if args.format.print == Format::Human {
        let acknowledged = if tally.acknowledged > 0 {
            format!(", {} acknowledged", tally.acknowledged)
        } else {
            String::new()
        };
        let known = if known > 0 {
            format!(" ({known} as last rendered, not typeset again)")
        } else {
            String::new()
        };
        eprintln!(
            "checked {} file(s): {} error(s), {} warning(s){acknowledged}{known}",
            inputs.len(),
            tally.errors,
            tally.warnings
        );
    }
    let denied_warnings = args.deny == Some(Deny::Warnings) && tally.warnings > 0;
    if tally.errors > 0 || denied_warnings {
        exit = exit.max(Exit::InputErrors);
    }
    exit
}
