//! `budgetnote render`: check, then write one PDF per proposal that has no errors.

use std::path::PathBuf;
use std::time::Instant;

use super::print::{self, Tally};
use super::{Cli, Exit, files};
use crate::output;

/// Arguments of `render`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Proposal files or folders (default: proposals/).
    paths: Vec<PathBuf>,
    /// Output folder.
    #[arg(short, long, default_value = "out")]
    out: PathBuf,
}

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
    let project = match crate::Project::open(&cli.root) {
        Ok(project) => project,
        Err(err) => {
            print::app_error(&err);
            return Exit::Failure;
        }
    };
    let mut exit = Exit::Ok;
    let mut tally = Tally::default();
    let (mut rendered, mut failed) = (0, 0);
    for path in &paths {
        let target = output::pdf_path(&args.out, path);
        let result = crate::check_file(path).and_then(|checked| {
            print::human(&checked.report);
            tally.add(&checked.report);
            match checked.proposal {
                Some(proposal) => {
                    let bytes = project.pdf(&proposal)?;
                    output::write_atomic(&target, &bytes)?;
                    Ok(true)
                }
                None => {
                    output::remove_stale(&target)?;
                    Ok(false)
                }
            }
        });
        match result {
            Ok(true) => {
                rendered += 1;
                eprintln!("wrote {}", target.display());
            }
            Ok(false) => {
                failed += 1;
                eprintln!("skipped {}: it has errors (no PDF written)", path.display());
                exit = exit.max(Exit::InputErrors);
            }
            Err(err) => {
                failed += 1;
                let _ = output::remove_stale(&target);
                print::app_error(&err);
                exit = exit.max(Exit::Failure);
            }
        }
    }
    eprintln!(
        "rendered {rendered} of {} proposal(s), {failed} failed, {} warning(s), in {:.2} s",
        paths.len(),
        tally.warnings,
        started.elapsed().as_secs_f64()
    );
    exit
}
