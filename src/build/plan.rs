//! Planning a run, before any file is read: the inputs and where each one's PDF goes below the
//! output folder, and the inputs refused before they are opened — a symlink leading outside
//! (E062), a name too long (E064), two inputs sharing one output or an output owned by another
//! input (E063). `render` and `check` plan alike, so `check` refuses first what `render` would.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Code, Diagnostic, FileReport};
use crate::manifest::Manifest;
use crate::output;

/// One input file and the folder named on the command line it was found in.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Input {
    /// The file.
    pub path: PathBuf,
    /// The folder argument it was found in; `None` for a file named directly.
    pub base: Option<PathBuf>,
    /// A symlink found in a folder that leads outside the project and that folder: it is
    /// reported (E062) and never opened.
    pub outside: bool,
}

/// The file name (without extension) of the workbook and CSV of a folder run.
pub const RUN_NAME: &str = "budgetlinjer";

/// One input of the run with where its PDF goes.
pub struct Job {
    /// The input file.
    pub path: PathBuf,
    /// Its PDF, relative to the output folder.
    pub relative: PathBuf,
    /// Another input with the same output (E063): neither is rendered.
    pub collides_with: Option<PathBuf>,
    /// Refused before it is opened (E062 a symlink leading outside, E064 a name too long).
    pub refusal: Option<FileReport>,
    /// The input the manifest says owns this PDF, which still exists (E063): not rendered, and
    /// the owner's PDF is left alone.
    pub owned_by: Option<PathBuf>,
}

impl Job {
    /// Whether this job's PDF is to be written (nothing refused it before rendering).
    pub fn writes(&self) -> bool {
        self.collides_with.is_none() && self.refusal.is_none() && self.owned_by.is_none()
    }
}

/// Where each input's PDF goes; inputs refused before they are opened (E062, E064) are marked,
/// and so are inputs that would share one PDF (compared ignoring case, as on macOS and Windows),
/// so that neither overwrites the other.
pub fn plan(root: &Path, inputs: &[Input]) -> Vec<Job> {
    let mut jobs: Vec<Job> = inputs
        .iter()
        .map(|input| {
            let relative = output::relative_pdf(root, &input.path, input.base.as_deref());
            Job {
                path: input.path.clone(),
                refusal: refusal(input, &relative),
                relative,
                collides_with: None,
                owned_by: None,
            }
        })
        .collect();
    let mut first: HashMap<String, usize> = HashMap::new();
    for i in 0..jobs.len() {
        if jobs[i].refusal.is_some() {
            continue;
        }
        let key = jobs[i].relative.to_string_lossy().to_lowercase();
        match first.get(&key) {
            Some(&j) => {
                jobs[i].collides_with = Some(jobs[j].path.clone());
                if jobs[j].collides_with.is_none() {
                    jobs[j].collides_with = Some(jobs[i].path.clone());
                }
            }
            None => {
                first.insert(key, i);
            }
        }
    }
    refuse_run_name(&mut jobs, inputs);
    jobs
}

/// The report for an input that is refused before it is opened: a symlink leading outside the
/// project (E062), or a file whose PDF name (`relative`, below the output folder) would be too
/// long for the file system (E064). `None` when the input may be read.
pub fn refusal(input: &Input, relative: &Path) -> Option<FileReport> {
    let diagnostic = if input.outside {
        Diagnostic::new(
            Code::E062,
            format!(
                "{} is a symlink that points outside the project folder, so it is not read",
                input.path.display()
            ),
            None,
        )
        .with_label("outside the project")
        .with_help(
            "a folder is searched only for files inside the project (the --root folder) and the \
             folder named on the command line; copy the file into the project, or name the file \
             itself on the command line if you mean to check it",
        )
    } else {
        let name = relative.file_name()?;
        if name.len() <= crate::output::MAX_PDF_NAME {
            return None;
        }
        Diagnostic::new(
            Code::E064,
            format!(
                "the file name of {} is too long for its PDF: {} is {} bytes, at most {} fit",
                input.path.display(),
                name.to_string_lossy(),
                name.len(),
                crate::output::MAX_PDF_NAME
            ),
            None,
        )
        .with_label("file name too long")
        .with_help(format!(
            "shorten the file name (without .toml) to at most {} bytes; a file name may have 255 \
             bytes, and budgetnote writes each PDF through a temp file with a longer name",
            crate::output::MAX_PDF_NAME - ".pdf".len()
        ))
    };
    Some(FileReport {
        path: input.path.clone(),
        source: String::new(),
        diagnostics: vec![diagnostic],
    })
}

/// E063 for a file of a folder run that would get its own spreadsheet named like the run's
/// (`budgetlinjer.xlsx` for a catalogue `budgetlinjer.toml` at the top): one file would hold two
/// different sets of lines. Refused whatever the formats, so `check` refuses it first.
pub fn refuse_run_name(jobs: &mut [Job], inputs: &[Input]) {
    let Some(folder) = inputs.iter().find_map(|i| i.base.clone()) else {
        return;
    };
    for (job, input) in jobs.iter_mut().zip(inputs) {
        let clashes = job.refusal.is_none()
            && job.collides_with.is_none()
            && job.relative.parent() == Some(Path::new(""))
            && job
                .relative
                .file_stem()
                .is_some_and(|s| s.to_string_lossy().eq_ignore_ascii_case(RUN_NAME))
            && (input.base.is_none() || looks_like_catalogue(&job.path));
        if clashes {
            let diagnostic = crate::diagnostic::Diagnostic::new(
                crate::diagnostic::Code::E063,
                format!(
                    "the spreadsheets of {} and those of the folder run of {} would both be \
                     {RUN_NAME}.xlsx and {RUN_NAME}.csv",
                    job.path.display(),
                    folder.display()
                ),
                None,
            )
            .with_help(format!(
                "rename {}: `{RUN_NAME}` is the name of the workbook of every proposal of a \
                 folder run; it gets no output until then",
                job.path.display()
            ));
            job.refusal = Some(crate::diagnostic::FileReport {
                path: job.path.clone(),
                source: String::new(),
                diagnostics: vec![diagnostic],
            });
        }
    }
}

/// E063 reports for inputs whose PDF another input would also write, or whose PDF in
/// `out_dir` the manifest gives to another input that still exists (for `check`, which refuses
/// first whatever `render` would refuse), by input file.
pub fn collisions(root: &Path, inputs: &[Input], out_dir: &Path) -> HashMap<PathBuf, FileReport> {
    let mut jobs = plan(root, inputs);
    claim_owners(&mut jobs, &Manifest::load(out_dir, root), out_dir);
    jobs.iter()
        .filter_map(|job| Some((job.path.clone(), blocked_report(job, out_dir)?)))
        .collect()
}

/// Marks the jobs whose PDF exists in `out_dir` and was written, as the manifest says, for
/// another input that still exists: the newcomer would silently replace that input's PDF.
pub fn claim_owners(jobs: &mut [Job], manifest: &Manifest, out_dir: &Path) {
    for job in jobs.iter_mut().filter(|j| j.writes()) {
        if let Some(owner) = manifest.owner(&job.relative)
            && owner != output::absolute(&job.path)
            && owner.is_file()
            && out_dir.join(&job.relative).exists()
        {
            job.owned_by = Some(owner.to_owned());
        }
    }
}

/// The report for a job refused before rendering (E062, E063, E064), if it is.
pub fn blocked_report(job: &Job, out_dir: &Path) -> Option<FileReport> {
    if let Some(report) = &job.refusal {
        return Some(report.clone());
    }
    if let Some(other) = &job.collides_with {
        return Some(collision_report(job, other, out_dir));
    }
    let owner = job.owned_by.as_ref()?;
    let target = out_dir.join(&job.relative);
    let owner = shown(owner);
    let diagnostic = Diagnostic::new(
        Code::E063,
        format!(
            "{} is the PDF of {owner}, which still exists; {} would replace it",
            target.display(),
            job.path.display(),
        ),
        None,
    )
    .with_label("PDF of another input")
    .with_help(format!(
        "rename one of the two files, or render this one to another folder with -o; if {owner} \
         should no longer have a PDF there, delete {} and render again",
        target.display()
    ));
    Some(FileReport {
        path: job.path.clone(),
        source: String::new(),
        diagnostics: vec![diagnostic],
    })
}

/// An absolute path as the user would write it: relative to the current folder when below it.
fn shown(path: &Path) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| cwd.canonicalize().ok())
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_owned))
        .unwrap_or_else(|| path.to_owned())
        .display()
        .to_string()
}

/// E063 for an input whose PDF another input of the run would also write.
fn collision_report(job: &Job, other: &Path, out_dir: &Path) -> FileReport {
    let target = out_dir.join(&job.relative);
    let diagnostic = Diagnostic::new(
        Code::E063,
        format!(
            "{} and {} would both be written to {}",
            job.path.display(),
            other.display(),
            target.display()
        ),
        None,
    )
    .with_help(
        "rename one of the two files (or move it into another folder), so each has its own PDF; \
         neither is written until then",
    );
    FileReport {
        path: job.path.clone(),
        source: String::new(),
        diagnostics: vec![diagnostic],
    }
}

/// Whether a file is a catalogue, judged cheaply from its text (for scheduling only).
pub fn looks_like_catalogue(path: &Path) -> bool {
    matches!(crate::document::read(path), Ok(Ok(t)) if t.kind == crate::document::Kind::Catalogue)
}

/// A path made absolute and free of `..` and links, to tell whether two paths name one file.
pub fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_owned())
}
