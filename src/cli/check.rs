//! `budgetnote check`: validate proposals and print every problem at once.

use std::path::PathBuf;

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
    let paths = match files::collect(&args.paths) {
        Ok(paths) => paths,
        Err(err) => {
            print::app_error(&err);
            return Exit::Failure;
        }
    };
    // The project's fonts decide which characters can be printed (E029).
    let project = match crate::Project::open(&cli.root) {
        Ok(project) => project,
        Err(err) => {
            print::app_error(&err);
            return Exit::Failure;
        }
    };
    let duplicates = crate::duplicate_ids(&paths);
    // E063: inputs that `render` would write to one PDF (with the default output folder).
    let mut collisions = files::collect_inputs(&args.paths)
        .map(|(inputs, _)| super::render::collisions(&cli.root, &inputs, "out".as_ref()))
        .unwrap_or_default();
    let mut reports = Vec::new();
    let mut exit = Exit::Ok;
    for path in &paths {
        reports.extend(collisions.remove(path));
        match check_any(&project, path, duplicates.get(path)) {
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
        eprintln!(
            "checked {} file(s): {} error(s), {} warning(s)",
            paths.len(),
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

/// Checks a proposal or a catalogue; a catalogue also reports its proposals that have diagnostics
/// when they are not checked on their own (outside the folder being checked).
fn check_any(
    project: &crate::Project,
    path: &std::path::Path,
    duplicate: Option<&crate::diagnostic::Diagnostic>,
) -> Result<Vec<crate::diagnostic::FileReport>, crate::AppError> {
    let source = match crate::read_text(path)? {
        Ok(source) => source,
        Err(report) => return Ok(vec![report]),
    };
    if crate::catalogue::is_catalogue(&source) {
        let (report, _, _) = crate::catalogue::check(path, source, project)?;
        Ok(vec![report])
    } else {
        let checked = project.check_source(path, source);
        Ok(vec![crate::add_duplicate(checked, duplicate).report])
    }
}
