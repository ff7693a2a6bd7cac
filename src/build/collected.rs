//! The spreadsheet outputs of a render run (XLSX and CSV): which files it writes and from which
//! input, and writing them once every proposal they hold rendered without errors.
//!
//! A catalogue gets `<catalogue>.xlsx` beside its annex; a proposal named on the command line
//! gets `<proposal>.xlsx` beside its PDF; the proposals found in the folders of a run share one
//! `budgetlinjer.xlsx` at the top of the output folder (the same names with `.csv`).

use std::path::{Path, PathBuf};

use crate::build::outputs::{Collection, Format, Shape};
use crate::build::plan::RUN_NAME;
use crate::build::plan::{Input, Job};
use crate::build::render::{Outcome, Result};
use crate::checked::CheckedProposal;
use crate::export;
use crate::manifest::Manifest;
use crate::output;

/// One spreadsheet file a run writes.
pub struct Sheet {
    /// Its path relative to the output folder.
    pub relative: PathBuf,
    /// The input the manifest records for it: the file, or for the run's files the first folder
    /// named (absolute).
    pub owner: PathBuf,
    /// XLSX or CSV.
    pub format: Format,
    /// The jobs whose proposals it holds, in order; all must render without errors.
    pub jobs: Vec<usize>,
    /// The title of a catalogue's workbook, if it is one.
    pub catalogue: bool,
}

/// The spreadsheet files of a run asking for `formats`: one per catalogue, one per proposal
/// named on its own, one for the proposals found in folders.
pub fn plan(jobs: &[Job], inputs: &[Input], scopes: &[PathBuf], formats: &[Format]) -> Vec<Sheet> {
    let wanted: Vec<Format> = formats
        .iter()
        .copied()
        .filter(|f| f.shape() == Shape::Collected)
        .collect();
    let mut sheets = Vec::new();
    let mut run_jobs = Vec::new();
    for (i, (job, input)) in jobs.iter().zip(inputs).enumerate() {
        let catalogue = !input.outside && crate::build::plan::looks_like_catalogue(&job.path);
        if catalogue && job.refusal.is_some() {
            // A refused catalogue (E063, E064) gets no spreadsheet and holds no run lines.
            continue;
        }
        if catalogue || input.base.is_none() {
            for format in &wanted {
                sheets.push(Sheet {
                    relative: job.relative.with_extension(format.name()),
                    owner: output::absolute(&job.path),
                    format: *format,
                    jobs: vec![i],
                    catalogue,
                });
            }
        } else {
            run_jobs.push(i);
        }
    }
    let folder = scopes
        .iter()
        .find(|s| s.is_dir())
        .map(|s| s.canonicalize().unwrap_or_else(|_| output::absolute(s)));
    if let Some(folder) = folder.filter(|_| !run_jobs.is_empty()) {
        for format in &wanted {
            sheets.push(Sheet {
                relative: PathBuf::from(format!("{RUN_NAME}.{}", format.name())),
                owner: folder.clone(),
                format: *format,
                jobs: run_jobs.clone(),
                catalogue: false,
            });
        }
    }
    sheets
}

/// What became of the planned sheets.
#[derive(Default)]
pub struct Written {
    /// The files written.
    pub files: Vec<PathBuf>,
    /// One line per sheet not written because a file it holds has errors (counted there).
    pub missing: Vec<String>,
    /// The sheets whose output failed: the jobs they hold, and why.
    pub failed: Vec<(Vec<usize>, String)>,
}

/// Writes every planned sheet whose jobs all rendered; removes (and forgets) those of runs
/// with errors, so no spreadsheet looks current while a proposal in it has errors (unless
/// `keep_last_good`, as `watch` asks).
pub fn write(
    sheets: &[Sheet],
    outcomes: &[Outcome],
    out_dir: &Path,
    dialect: export::csv::Dialect,
    manifest: &mut Manifest,
    keep_last_good: bool,
) -> Written {
    let mut done = Written::default();
    for sheet in sheets {
        let target = out_dir.join(&sheet.relative);
        let members: Vec<&Outcome> = sheet.jobs.iter().map(|i| &outcomes[*i]).collect();
        let failed = members
            .iter()
            .filter(|o| !matches!(o.result, Result::Written(_) | Result::Unchanged(_)))
            .count();
        if failed > 0 {
            // `watch` keeps the last good spreadsheet while a file of it has errors.
            if !keep_last_good && output::remove_stale(&target).is_ok() {
                manifest.forget_owned(&sheet.relative, &sheet.owner);
            }
            done.missing.push(format!(
                "{} not written: {failed} of its file(s) have errors",
                target.display()
            ));
            continue;
        }
        let result = {
            let proposals: Vec<&CheckedProposal> =
                members.iter().flat_map(|o| &o.proposals).collect();
            let catalogue = members
                .iter()
                .find_map(|o| o.catalogue.as_ref())
                .filter(|_| sheet.catalogue);
            let title = catalogue.map_or_else(
                || match proposals.as_slice() {
                    [one] if sheet.jobs.len() == 1 => one.title.clone(),
                    _ => "Budgetlinjer".to_owned(),
                },
                |c| c.title.clone(),
            );
            let collection = Collection {
                title: &title,
                proposals: &proposals,
                year: catalogue.map(|c| c.year),
                tables: catalogue.map_or(&[], |c| c.tables.as_slice()),
                dialect,
            };
            sheet
                .format
                .collected(&collection)
                .and_then(|b| output::write_atomic(&target, &b))
        };
        match result {
            Ok(()) => done.files.push(target),
            Err(err) => {
                if output::remove_stale(&target).is_ok() {
                    manifest.forget_owned(&sheet.relative, &sheet.owner);
                }
                done.failed.push((sheet.jobs.clone(), err.0));
            }
        }
    }
    done
}
