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
    let checked = match crate::check_file(&args.file) {
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
    let source = crate::Project::open(&cli.root).and_then(|p| p.typst_source(&proposal));
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
