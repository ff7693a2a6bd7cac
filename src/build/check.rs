//! One file of a `check` run in the library: read, checked, typeset in memory through the render
//! cache and asked what every requested output refuses, exactly as [`super::render`] does before
//! it writes, so whatever `render` refuses, `check` refuses first.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::build::outputs::{self, Format};
use crate::diagnostic::FileReport;

/// Checks a proposal or a catalogue (`read`: the file as read before the run), typesets it in
/// memory and asks each of `outputs` what it refuses (E098), as `render` would, so that whatever
/// `render` refuses is refused here first;
/// it is not typeset when `reuse` shows that typst accepted exactly these inputs in the last
/// render (then `true`). A catalogue also reports the
/// diagnostics of its proposals that this run does not check on their own (those in `alone` are
/// reported there).
pub fn check_one(
    project: &crate::project::Project,
    path: &Path,
    read: Option<crate::document::Read>,
    duplicate: Option<&crate::diagnostic::Diagnostic>,
    alone: &HashSet<PathBuf>,
    reuse: &crate::project::Reuse<'_>,
    outputs: &[Format],
) -> Result<(Vec<FileReport>, bool), crate::error::AppError> {
    let read = read.unwrap_or_else(|| crate::document::read(path));
    let (kind, source) = match read? {
        Ok(text) => (text.kind, text.text),
        Err(report) => return Ok((vec![report], false)),
    };
    if kind == crate::document::Kind::Catalogue {
        let (mut report, included, catalogue) = crate::catalogue::check(path, source, project)?;
        let made = match &catalogue {
            Some(catalogue) => {
                project.typeset_catalogue(&mut report, catalogue, &included, Some(reuse))?
            }
            None => None,
        };
        if let (Some(catalogue), Some(_)) = (&catalogue, &made) {
            let document = outputs::Document::Catalogue(catalogue);
            report
                .diagnostics
                .extend(outputs::refusals(outputs, project, &document));
        }
        let own = included.into_iter().map(|c| c.report).filter(|r| {
            !r.diagnostics.is_empty() && !alone.contains(&crate::build::plan::canonical(&r.path))
        });
        let reports = std::iter::once(report).chain(own).collect();
        Ok((
            reports,
            matches!(made, Some(crate::project::Made::Unchanged(_))),
        ))
    } else {
        let mut checked =
            crate::document::add_duplicate(project.check_source(path, source), duplicate);
        let made = project.typeset_reusing(&mut checked, Some(reuse))?;
        if let (Some(p), Some(_)) = (&checked.proposal, &made) {
            let document = outputs::Document::Proposal(p);
            let refused = outputs::refusals(outputs, project, &document);
            checked.report.diagnostics.extend(refused);
        }
        let unchanged = matches!(made, Some(crate::project::Made::Unchanged(_)));
        Ok((vec![checked.report], unchanged))
    }
}
