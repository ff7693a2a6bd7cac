//! `budgetnote typst FILE`: print the Typst source generated for a proposal.

use std::path::PathBuf;

use super::{Cli, Exit, print};

/// Arguments of `typst`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The proposal file.
    file: PathBuf,
}

/// Runs `typst`.
pub fn run(cli: &Cli, args: &Args) -> Exit {
    let source = crate::files::read_toml_quietly(&args.file).unwrap_or_default();
    if crate::catalogue::is_catalogue(&source) {
        return catalogue(cli, &args.file, source);
    }
    let Some(project) = super::open_project(cli) else {
        return Exit::Failure;
    };
    let checked = match project.check_file(&args.file) {
        Ok(checked) => checked,
        Err(err) => {
            print::app_error(&err);
            return Exit::Failure;
        }
    };
    print::human(&checked.report);
    let Some(proposal) = checked.proposal else {
        return Exit::InputErrors;
    };
    print_source(project.typst_source(&proposal))
}

/// Prints generated Typst source, or the error that prevented it.
fn print_source(source: Result<String, crate::error::AppError>) -> Exit {
    match source {
        Ok(source) => {
            print!("{source}");
            Exit::Ok
        }
        Err(err) => {
            print::app_error(&err);
            Exit::Failure
        }
    }
}

/// Prints the Typst source of a catalogue annex.
fn catalogue(cli: &Cli, path: &std::path::Path, source: String) -> Exit {
    let Some(project) = super::open_project(cli) else {
        return Exit::Failure;
    };
    let (report, included, checked) = match crate::catalogue::check(path, source, &project) {
        Ok(result) => result,
        Err(err) => {
            print::app_error(&err);
            return Exit::Failure;
        }
    };
    print::human(&report);
    included.iter().for_each(|c| print::human(&c.report));
    let Some(catalogue) = checked else {
        return Exit::InputErrors;
    };
    print_source(project.catalogue_source(&catalogue))
}
