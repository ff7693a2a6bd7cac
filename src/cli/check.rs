//! `budgetnote check`: validate proposals and print every problem at once.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::diagnostic::FileReport;

use super::print::{self, Tally};
use super::{Cli, Deny, Exit, Format, files};

/// Arguments of `check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Proposal files or folders (default: proposals/).
    paths: Vec<PathBuf>,
    /// Output format of the diagnostics.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Also fail (exit 1) on warnings, e.g. `--deny warnings` in CI.
    #[arg(long, value_enum)]
    deny: Option<Deny>,
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
    let project = match crate::Project::open_or_report(&cli.root) {
        Ok(project) => project,
        Err(crate::config::SettingsError::Report(report)) => {
            print::reports(args.format, std::slice::from_ref(&report));
            if args.format == Format::Human {
                eprintln!("the project settings have problems; nothing else was checked");
            }
            return Exit::Failure;
        }
        Err(crate::config::SettingsError::App(err)) => {
            print::app_error(&err);
            return Exit::Failure;
        }
    };
    // Inputs refused before they are opened (a symlink leading outside, a name too long).
    let refused: Vec<Option<FileReport>> = inputs
        .iter()
        .map(|input| {
            let relative =
                crate::output::relative_pdf(&cli.root, &input.path, input.base.as_deref());
            files::refusal(input, &relative)
        })
        .collect();
    let paths: Vec<PathBuf> = inputs
        .iter()
        .zip(&refused)
        .filter(|(_, r)| r.is_none())
        .map(|(i, _)| i.path.clone())
        .collect();
    let duplicates = crate::duplicate_ids(&paths);
    let alone: HashSet<PathBuf> = paths.iter().map(|p| canonical(p)).collect();
    // E063: inputs that `render` would write to one PDF (with the default output folder).
    let mut collisions = super::render::collisions(&cli.root, &inputs, out_dir);
    // Mistakes in the project's own form descriptions come first.
    let mut reports: Vec<FileReport> = project.form_reports().to_vec();
    let mut exit = Exit::Ok;
    for (input, refusal) in inputs.iter().zip(refused) {
        let path = &input.path;
        if let Some(report) = refusal {
            reports.push(report);
            continue;
        }
        reports.extend(collisions.remove(path));
        match check_any(&project, path, duplicates.get(path), &alone) {
            Ok(more) => reports.extend(more),
            Err(err) => {
                print::app_error(&err);
                exit = exit.max(Exit::Failure);
            }
        }
    }
    print::reports(args.format, &reports);
    let mut tally = Tally::default();
    reports.iter().for_each(|r| tally.add(r));
    if args.format == Format::Human {
        let acknowledged = if tally.acknowledged > 0 {
            format!(", {} acknowledged", tally.acknowledged)
        } else {
            String::new()
        };
        eprintln!(
            "checked {} file(s): {} error(s), {} warning(s){acknowledged}",
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

/// Checks a proposal or a catalogue and typesets it in memory, as `render` would, so that
/// whatever `render` refuses is refused here first. A catalogue also reports the diagnostics of
/// its proposals that this run does not check on their own (those in `alone` are reported there).
fn check_any(
    project: &crate::Project,
    path: &Path,
    duplicate: Option<&crate::diagnostic::Diagnostic>,
    alone: &HashSet<PathBuf>,
) -> Result<Vec<FileReport>, crate::AppError> {
    let source = match crate::read_text(path)? {
        Ok(source) => source,
        Err(report) => return Ok(vec![report]),
    };
    if crate::catalogue::is_catalogue(&source) {
        let (mut report, included, catalogue) = crate::catalogue::check(path, source, project)?;
        if let Some(catalogue) = &catalogue {
            project.typeset_catalogue(&mut report, catalogue, &included, None)?;
        }
        let own = included
            .into_iter()
            .map(|c| c.report)
            .filter(|r| !r.diagnostics.is_empty() && !alone.contains(&canonical(&r.path)));
        Ok(std::iter::once(report).chain(own).collect())
    } else {
        let mut checked = crate::add_duplicate(project.check_source(path, source), duplicate);
        project.typeset(&mut checked)?;
        Ok(vec![checked.report])
    }
}

/// A path made absolute and free of `..` and links, to tell whether two paths name one file.
pub(super) fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_owned())
}
