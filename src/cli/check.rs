//! `budgetnote check`: validate proposals and print every problem at once.

use std::path::PathBuf;

use super::print::{self, Tally};
use super::{Cli, Exit, Format, files};

/// Arguments of `check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Proposal files or folders (default: proposals/).
    paths: Vec<PathBuf>,
    /// Output format of the diagnostics.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
}

/// Runs `check`.
pub fn run(_cli: &Cli, args: &Args) -> Exit {
    let paths = match files::collect(&args.paths) {
        Ok(paths) => paths,
        Err(err) => {
            print::app_error(&err);
            return Exit::Failure;
        }
    };
    let mut reports = Vec::new();
    let mut exit = Exit::Ok;
    for path in &paths {
        match crate::check_file(path) {
            Ok(checked) => reports.push(checked.report),
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
    if tally.errors > 0 {
        exit = exit.max(Exit::InputErrors);
    }
    exit
}
