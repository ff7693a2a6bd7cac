//! One render of many documents in the library: each job read, checked, typeset through the
//! render cache, asked what every output refuses (E098, as `check` asks) and written, on the
//! worker pool with each document's panics caught. The CLI adds progress, the summary and
//! the collected spreadsheets.

use std::path::{Path, PathBuf};

use crate::build::outputs::{self, Document, Format, Place, Shape};
use crate::build::pages as html;
use crate::build::plan::{Job, blocked_report};
use crate::cache::Cache;
use crate::diagnostic::{Diagnostic, FileReport};
use crate::error::AppError;
use crate::output;
use crate::project::{Made, Project, Reuse};

/// How one file's render ended.
pub enum Result {
    /// The PDF was written.
    Written(PathBuf),
    /// The PDF at this path is already the one the inputs make (the render cache); not typeset.
    Unchanged(PathBuf),
    /// The file (or a proposal of the catalogue) has errors; no PDF.
    Skipped,
    /// Something outside the user's file failed.
    Failed(AppError),
    /// budgetnote (or the PDF writer) panicked on this file: a bug, reported as an internal error.
    Panicked(String),
}

/// One file's outcome: its reports (a catalogue also reports its proposals) and result.
pub struct Outcome {
    /// The file rendered.
    pub path: PathBuf,
    /// Diagnostics to print.
    pub reports: Vec<FileReport>,
    /// What happened.
    pub result: Result,
    /// The checked proposals whose figures the spreadsheets hold (a catalogue's, in its order),
    /// when the file had no errors.
    pub proposals: Vec<crate::checked::CheckedProposal>,
    /// A catalogue's title, year and own tables, for its workbook.
    pub catalogue: Option<crate::build::outputs::CatalogueFigures>,
    /// Web pages and stylesheets written, with the input owning each.
    pub pages: Vec<html::Written>,
}

/// Renders every file on the library's workers ([`crate::build::parallel`]), catalogues first
/// (they take longest), each with its panics caught; `done` hears of each file as it finishes
/// (the CLI's progress).
pub fn render_all(
    run: &Run<'_>,
    jobs: &[Job],
    done: &(dyn Fn(&Outcome) + Sync),
) -> std::result::Result<Vec<Outcome>, AppError> {
    // Each input is read once, here (a refused one is never opened): its text gives the
    // duplicate ids, whether it is a catalogue (scheduled first) and what its worker checks.
    let reads = crate::build::reads::Reads::of(
        jobs.iter()
            .map(|j| j.refusal.is_none().then_some(j.path.as_path())),
    );
    let paths: Vec<&Path> = jobs.iter().map(|j| j.path.as_path()).collect();
    let duplicates = reads.duplicate_ids(&paths);
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by_key(|&i| !(jobs[i].writes() && reads.is_catalogue(i)));
    let _quiet = crate::build::QuietPanics::start();
    crate::build::parallel("render", jobs.len(), &order, |i| {
        let job = &jobs[i];
        let read = reads.take(i);
        let outcome = render_isolated(run, job, duplicates.get(&job.path), read);
        done(&outcome);
        outcome
    })
}

/// Renders one job with a panic caught: a panic (a bug here or in the PDF writer) costs only this
/// document, which then has no PDF (an old one is removed) and no temp file.
fn render_isolated(
    run: &Run<'_>,
    job: &Job,
    duplicate: Option<&crate::diagnostic::Diagnostic>,
    read: Option<crate::document::Read>,
) -> Outcome {
    let target = run.out_dir.join(&job.relative);
    if let Some(report) = blocked_report(job, run.out_dir) {
        return Outcome {
            path: job.path.clone(),
            reports: vec![report],
            result: Result::Skipped,
            proposals: Vec::new(),
            catalogue: None,
            pages: Vec::new(),
        };
    }
    let outcome = crate::build::isolated(|| render_one(run, job, duplicate, read));
    if !matches!(
        outcome,
        Ok(Outcome {
            result: Result::Written(_) | Result::Unchanged(_),
            ..
        })
    ) {
        run.cache.record(&job.relative, None);
    }
    match outcome {
        Ok(outcome) => outcome,
        Err(message) => {
            let _ = output::remove_stale(&target);
            Outcome {
                path: job.path.clone(),
                reports: Vec::new(),
                result: Result::Panicked(message),
                proposals: Vec::new(),
                catalogue: None,
                pages: Vec::new(),
            }
        }
    }
}

/// What every document of a run shares.
pub struct Run<'a> {
    /// The project: forms, profile, typesetter.
    pub project: &'a Project,
    /// The output folder.
    pub out_dir: &'a Path,
    /// The render cache of the output folder.
    pub cache: &'a Cache,
    /// The inputs rendered on their own (resolved paths), whose problems a catalogue that
    /// includes them does not report again.
    pub alone: std::collections::HashSet<PathBuf>,
    /// Whether PDFs are written.
    pub pdf: bool,
    /// The outputs asked for.
    pub formats: &'a [Format],
    /// Whether a file with errors keeps its last good outputs (`watch`) instead of losing them
    /// (so nothing stale looks current after a `render`).
    pub keep_last_good: bool,
}

/// Checks and renders one proposal or catalogue file to its PDF, unless the render cache shows
/// the PDF there is already the one its inputs make (`read`: the file as read before the run, if
/// it was); then asks every output asked for what it refuses (E098, as `check` does) and writes
/// the per-document outputs.
fn render_one(
    run: &Run<'_>,
    job: &Job,
    duplicate: Option<&crate::diagnostic::Diagnostic>,
    read: Option<crate::document::Read>,
) -> Outcome {
    let (project, path) = (run.project, job.path.as_path());
    let target = &run.out_dir.join(&job.relative);
    // A PDF an earlier run typeset without writing it (`--format html`, say) is newer than what
    // the manifest records: when its inputs are still these, it is written (or it stays unwritten
    // again) without typesetting.
    let stashed = if run.cache.forced() {
        None
    } else {
        crate::cache::stashed(run.out_dir, &job.relative)
    };
    let reuse = match &stashed {
        Some(stashed) => Reuse {
            previous: Some(&stashed.entry),
            target: None,
        },
        None => Reuse {
            previous: run.cache.previous(&job.relative),
            target: run.pdf.then_some(target.as_path()),
        },
    };
    let mut reports = Vec::new();
    let mut proposals = Vec::new();
    let mut pages = Vec::new();
    let mut catalogue_info = None;
    let result = (|| -> std::result::Result<Result, AppError> {
        let read = read.unwrap_or_else(|| crate::document::read(path));
        let (kind, source) = match read? {
            Ok(text) => (text.kind, text.text),
            Err(report) => {
                reports.push(report);
                if !run.keep_last_good {
                    output::remove_stale(target)?;
                }
                return Ok(Result::Skipped);
            }
        };
        // Typesetting refusals and the outputs' refusals become diagnostics here exactly as in
        // `check`.
        let bytes = if kind == crate::document::Kind::Catalogue {
            let (mut report, included, catalogue) = crate::catalogue::check(path, source, project)?;
            crate::build::test_panic(path);
            let mut bytes = match &catalogue {
                Some(catalogue) => {
                    project.typeset_catalogue(&mut report, catalogue, &included, Some(&reuse))?
                }
                None => None,
            }
            .map(|made| restored(run, target, &stashed, made));
            if let (Some(catalogue), Some(made)) = (&catalogue, &bytes) {
                let document = Document::Catalogue(catalogue);
                match write_outputs(run, &document, path, target, made)? {
                    Ok(written) => pages = written,
                    Err(refused) => {
                        report.diagnostics.extend(refused);
                        bytes = None;
                    }
                }
            }
            if let Some(catalogue) = catalogue.filter(|_| bytes.is_some()) {
                catalogue_info = Some(crate::build::outputs::CatalogueFigures::of(&catalogue));
                proposals = catalogue.proposals.into_iter().map(|(_, p)| p).collect();
            }
            reports.push(report);
            // Proposals with errors are reported with the catalogue, unless they are rendered
            // on their own in this run too; the others have no news.
            reports.extend(included.into_iter().map(|c| c.report).filter(|r| {
                !r.diagnostics.is_empty()
                    && !run.alone.contains(&crate::build::plan::canonical(&r.path))
            }));
            bytes
        } else {
            let mut checked =
                crate::document::add_duplicate(project.check_source(path, source), duplicate);
            crate::build::test_panic(path);
            let mut bytes = project
                .typeset_reusing(&mut checked, Some(&reuse))?
                .map(|made| restored(run, target, &stashed, made));
            if let (Some(p), Some(made)) = (&checked.proposal, &bytes) {
                match write_outputs(run, &Document::Proposal(p), path, target, made)? {
                    Ok(written) => pages = written,
                    Err(refused) => {
                        checked.report.diagnostics.extend(refused);
                        bytes = None;
                    }
                }
            }
            proposals.extend(checked.proposal.take().filter(|_| bytes.is_some()));
            reports.push(checked.report);
            bytes
        };
        keep_stash(run, job, stashed.as_ref(), bytes.as_ref());
        match bytes {
            Some(made) => {
                run.cache.record(&job.relative, made.entry().cloned());
                match made {
                    Made::Typeset(..) => Ok(Result::Written(target.to_owned())),
                    Made::Unchanged(_) => Ok(Result::Unchanged(target.to_owned())),
                }
            }
            None => {
                if !run.keep_last_good {
                    output::remove_stale(target)?;
                    output::remove_stale(&target.with_extension("html"))?;
                }
                Ok(Result::Skipped)
            }
        }
    })();
    let result = result.unwrap_or_else(|err| {
        let _ = output::remove_stale(target);
        Result::Failed(err)
    });
    Outcome {
        path: job.path.clone(),
        reports,
        result,
        proposals,
        catalogue: catalogue_info,
        pages,
    }
}

/// Asks every output of the run what it refuses of a checked document (E098, as `check` asks),
/// then writes the per-document outputs (the PDF, the web pages): the files written, or the
/// refusals when there are any (nothing is written then).
fn write_outputs(
    run: &Run<'_>,
    document: &Document<'_>,
    input: &Path,
    target: &Path,
    made: &Made,
) -> std::result::Result<std::result::Result<Vec<html::Written>, Vec<Diagnostic>>, AppError> {
    let refused = outputs::refusals(run.formats, run.project, document);
    if !refused.is_empty() {
        return Ok(Err(refused));
    }
    let place = Place {
        project: run.project,
        input,
        target,
        pdf: match made {
            Made::Typeset(bytes, _) => Some(bytes),
            Made::Unchanged(_) => None,
        },
        pdf_hash: match made {
            Made::Typeset(_, entry) => entry.as_ref().map(|e| e.output.as_str()),
            Made::Unchanged(_) => None,
        },
    };
    let mut written = Vec::new();
    for output in run.formats.iter().filter(|o| o.shape() != Shape::Collected) {
        written.extend(output.document(document, &place)?);
    }
    Ok(Ok(written))
}

/// What a PDF run does with a document the stash showed need not be typeset ([`Made::Unchanged`]
/// against the stashed entry): the PDF at `target` is kept when it is already the stashed one,
/// else the stashed bytes are written as if typeset now. Anything else is `made` as it is.
fn restored(
    run: &Run<'_>,
    target: &Path,
    stashed: &Option<crate::cache::Stashed>,
    made: Made,
) -> Made {
    match (made, stashed) {
        (Made::Unchanged(entry), Some(stashed))
            if run.pdf && !crate::cache::holds(target, &entry.output) =>
        {
            Made::Typeset(stashed.bytes.clone(), Some(entry))
        }
        (made, _) => made,
    }
}

/// Keeps the stash in step with the run: a run that writes no PDF keeps the one it typeset (so
/// the next PDF run need not typeset it again); a PDF run, which wrote or kept the PDF or found
/// errors, removes the stashed one.
fn keep_stash(
    run: &Run<'_>,
    job: &Job,
    stashed: Option<&crate::cache::Stashed>,
    made: Option<&Made>,
) {
    match made {
        Some(Made::Typeset(bytes, Some(entry))) if !run.pdf => {
            crate::cache::stash(run.out_dir, &job.relative, entry, bytes);
        }
        _ if run.pdf && stashed.is_some() => crate::cache::unstash(run.out_dir, &job.relative),
        _ => {}
    }
}
