//! `budgetnote diff`: what changed in the proposals between two git revisions (or a revision and
//! the working tree), and the git revision `render --stamp` prints.

use std::path::{Path, PathBuf};

use clap::ValueEnum;

use std::sync::Arc;

use super::print;
use super::{Cli, Exit};
use crate::diff::{Forms, Side, Version};
use crate::git::Repo;
use crate::project::Project;
use crate::sources::{SourceError, Sources, WorkTree};

/// Output format of `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// Text for a terminal.
    Human,
    /// Markdown for a pull-request comment.
    Markdown,
    /// JSON for a CI step (shape documented in the user guide, "Diff and review").
    Json,
}

/// Arguments of `diff`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Up to two revisions (default: HEAD, then the working tree), then proposal files or folders
    /// from the project root (default: proposals/).
    #[arg(value_name = "REV_A [REV_B] [PATHS]")]
    args: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: DiffFormat,
    /// Check both sides with the working tree's forms, templates and profile
    /// (`budgetnote.toml`) instead of each revision's own.
    #[arg(long)]
    forms_from_worktree: bool,
}

/// One side of the comparison: what it is called, and where its files are read from.
struct SideSources {
    /// The side as printed.
    side: Side,
    /// Its files: a git revision or the working tree.
    sources: Arc<dyn Sources>,
}

/// Runs `diff`.
pub fn run(cli: &Cli, args: &Args) -> Exit {
    let Some(repo) = Repo::discover(&cli.root) else {
        eprintln!(
            "error: {} is not in a git repository; `budgetnote diff` compares git revisions",
            print::shown(&cli.root)
        );
        return Exit::Failure;
    };
    // Leading arguments that name a revision (and not a file) are the revisions.
    let mut revisions = Vec::new();
    let mut paths = Vec::new();
    for arg in &args.args {
        let is_revision = paths.is_empty()
            && revisions.len() < 2
            && !cli.root.join(arg).exists()
            && repo.is_revision(arg);
        if is_revision {
            revisions.push(arg.clone());
        } else {
            paths.push(PathBuf::from(arg));
        }
    }
    let named = !paths.is_empty();
    if paths.is_empty() {
        paths.push(PathBuf::from("proposals"));
    }
    let worktree: Arc<dyn Sources> = Arc::new(WorkTree::new(&cli.root));
    let at = |name: &str| -> Result<SideSources, crate::error::AppError> {
        let revision = repo.revision(name)?;
        let snapshot = repo.snapshot(&revision)?;
        Ok(SideSources {
            side: Side {
                revision: revision.name.clone(),
                commit: Some(revision.short.clone()),
            },
            sources: Arc::new(snapshot),
        })
    };
    let from_name = revisions.first().cloned().unwrap_or_else(|| "HEAD".into());
    let sides = at(&from_name).and_then(|from| {
        let to = match revisions.get(1) {
            Some(name) => at(name)?,
            None => SideSources {
                side: Side {
                    revision: "working tree".into(),
                    commit: None,
                },
                sources: worktree.clone(),
            },
        };
        Ok((from, to))
    });
    let (from, to) = match sides {
        Ok(sides) => sides,
        Err(err) => {
            print::app_error(&err);
            return Exit::Failure;
        }
    };
    let old = proposal_files(from.sources.as_ref(), &paths);
    let new = proposal_files(to.sources.as_ref(), &paths);
    // A name that is no revision and no file at either side is a mistake, not "no change".
    if named
        && let Some(unknown) = paths.iter().find(|w| {
            !cli.root.join(w).exists() && !old.iter().chain(&new).any(|p| p.starts_with(w))
        })
    {
        eprintln!(
            "error: \"{}\" is neither a revision of this repository nor a file or folder of the project",
            print::shown(unknown)
        );
        return Exit::Failure;
    }
    let versions = |side: &SideSources, files: Vec<PathBuf>| -> Result<Vec<Version>, ()> {
        let settings = if args.forms_from_worktree {
            worktree.clone()
        } else {
            side.sources.clone()
        };
        let project = Project::open_with(side.sources.clone(), settings).map_err(|err| {
            eprintln!("error: at {}:", side.side.label());
            print::app_error(&err.into_app_error());
        })?;
        files
            .into_iter()
            .filter_map(|path| {
                let full = cli.root.join(&path);
                let read = match side.sources.read(&full, crate::files::TOML_LIMIT) {
                    // A link leading out of the project is no proposal of it.
                    Err(SourceError::Outside | SourceError::Missing) => return None,
                    read => read,
                };
                match crate::document::read_from(&path, read, &side.side.label()) {
                    Ok(Ok(crate::document::Text {
                        kind: crate::document::Kind::Catalogue,
                        ..
                    })) => None,
                    Ok(Ok(text)) => Some(Ok(Version::check(&project, &path, text.text))),
                    Ok(Err(report)) => Some(Ok(Version::new(
                        &path,
                        None,
                        crate::document::Checked {
                            report,
                            proposal: None,
                        },
                    ))),
                    Err(err) => {
                        print::app_error(&err);
                        Some(Err(()))
                    }
                }
            })
            .collect()
    };
    let (Ok(old), Ok(new)) = (versions(&from, old), versions(&to, new)) else {
        return Exit::Failure;
    };
    let forms = if args.forms_from_worktree {
        Forms::WorkingTree
    } else {
        Forms::EachSide
    };
    let diff = crate::diff::compare(from.side, to.side, old, new).with_forms(forms);
    let text = match args.format {
        DiffFormat::Human => diff.human(),
        DiffFormat::Markdown => diff.markdown(),
        DiffFormat::Json => diff.json(),
    };
    // JSON escapes control characters itself; the text formats are escaped for the terminal.
    match args.format {
        DiffFormat::Json => print!("{text}"),
        DiffFormat::Human | DiffFormat::Markdown => print!("{}", print::escaped(&text)),
    }
    if args.format == DiffFormat::Json {
        println!();
    }
    if diff.has_errors() {
        Exit::InputErrors
    } else {
        Exit::Ok
    }
}

/// The proposal files (`.toml`, not `budgetnote.toml`, nothing under `templates/`, hidden
/// folders, `out/` or `target/`) at or under `paths` (from the project root), as paths from the
/// project root, sorted. Names that are not UTF-8 are kept, so they are checked, not skipped.
fn proposal_files(sources: &dyn Sources, paths: &[PathBuf]) -> Vec<PathBuf> {
    let root = sources.root();
    let mut found = Vec::new();
    let mut pending: Vec<PathBuf> = paths.to_vec();
    while let Some(relative) = pending.pop() {
        let full = root.join(&relative);
        if sources.is_dir(&full) {
            for child in sources.list(&full) {
                let Some(name) = child.file_name() else {
                    continue;
                };
                let hidden = name.as_encoded_bytes().starts_with(b".");
                let next = relative.join(name);
                let skipped = hidden
                    || next == Path::new("out")
                    || next == Path::new("target")
                    || next == Path::new("templates");
                if !skipped {
                    pending.push(next);
                }
            }
        } else if relative.extension().is_some_and(|e| e == "toml")
            && relative != Path::new(crate::files::SETTINGS_FILE)
            && !relative.starts_with("templates")
            && (sources.is_file(&full)
                || matches!(
                    sources.read(&full, 0),
                    Err(SourceError::Read(crate::files::ReadError::NotRegular(_)))
                ))
        {
            found.push(relative);
        }
    }
    found.sort();
    found.dedup();
    found
}

/// The project, stamping its PDFs with the git revision when `stamp` is set (`render --stamp`);
/// without a git repository the PDFs carry no revision, and a note says so.
pub fn stamped(mut project: crate::project::Project, stamp: bool) -> crate::project::Project {
    if stamp && let Err(why) = project.stamp_with_git() {
        eprintln!("note: --stamp: {why}; the PDFs carry no revision");
    }
    project
}
