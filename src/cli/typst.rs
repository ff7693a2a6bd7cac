//! `budgetnote typst FILE`: print the Typst source generated for a proposal.

use std::path::PathBuf;

use super::{Cli, Exit, print};
use crate::document::{Kind, Text};

/// Arguments of `typst`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The proposal file.
    file: PathBuf,
}

/// Runs `typst`.
pub fn run(cli: &Cli, args: &Args) -> Exit {
    let Some(project) = super::open_project(cli) else {
        return Exit::Failure;
    };
    // The file is read once; whether it is a catalogue is decided there.
    let checked = match project.read(&args.file) {
        Ok(Ok(Text {
            kind: Kind::Catalogue,
            text,
        })) => return catalogue(&project, &args.file, text),
        Ok(Ok(Text {
            kind: Kind::Proposal,
            text,
        })) => project.check_source(&args.file, text),
        Ok(Err(report)) => crate::document::Checked {
            report,
            proposal: None,
        },
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
fn catalogue(project: &crate::project::Project, path: &std::path::Path, source: String) -> Exit {
    let (report, included, checked) = match crate::catalogue::check(path, source, project) {
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
