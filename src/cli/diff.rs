//! `budgetnote diff`: what changed in the proposals between two git revisions (or a revision and
//! the working tree), and the git revision `render --stamp` prints.

use std::path::{Path, PathBuf};

use clap::ValueEnum;

use super::print;
use super::{Cli, Exit};
use crate::diff::{Side, Version};
use crate::git::{self, Repo};

/// Output format of `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// Text for a terminal.
    Human,
    /// Markdown for a pull-request comment.
    Markdown,
    /// JSON for a CI step (shape documented in README).
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
}

/// Runs `diff`.
pub fn run(cli: &Cli, args: &Args) -> Exit {
    let Some(repo) = Repo::discover(&cli.root) else {
        eprintln!(
            "error: {} is not in a git repository; `budgetnote diff` compares git revisions",
            shown(&cli.root)
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
    let wanted = |p: &Path| {
        p.extension().is_some_and(|e| e == "toml")
            && p != Path::new(crate::files::SETTINGS_FILE)
            && !p.starts_with("templates")
            && paths.iter().any(|w| p.starts_with(w))
    };
    let from_name = revisions.first().cloned().unwrap_or_else(|| "HEAD".into());
    let sides = (|| {
        let from = repo.revision(&from_name)?;
        let old = repo.files_at(&from, wanted)?;
        let (to, new) = match revisions.get(1) {
            Some(name) => {
                let to = repo.revision(name)?;
                let files = repo.files_at(&to, wanted)?;
                (
                    Side {
                        revision: to.name.clone(),
                        commit: Some(to.short.clone()),
                    },
                    files,
                )
            }
            None => (
                Side {
                    revision: "working tree".into(),
                    commit: None,
                },
                git::working_files(repo.root(), wanted)?,
            ),
        };
        let from = Side {
            revision: from.name.clone(),
            commit: Some(from.short.clone()),
        };
        Ok::<_, crate::error::AppError>((from, old, to, new))
    })();
    let (from, mut old, to, mut new) = match sides {
        Ok(sides) => sides,
        Err(err) => {
            print::app_error(&err);
            return Exit::Failure;
        }
    };
    // A name that is no revision and no file at either side is a mistake, not "no change".
    if named
        && let Some(unknown) = paths.iter().find(|w| {
            !cli.root.join(w).exists() && !old.keys().chain(new.keys()).any(|p| p.starts_with(w))
        })
    {
        eprintln!(
            "error: \"{}\" is neither a revision of this repository nor a file or folder of the project",
            unknown.display()
        );
        return Exit::Failure;
    }
    // A file that is the same at both sides changed nothing.
    let same: Vec<PathBuf> = old
        .iter()
        .filter(|(path, bytes)| new.get(*path) == Some(*bytes))
        .map(|(path, _)| path.clone())
        .collect();
    for path in &same {
        old.remove(path);
        new.remove(path);
    }
    let Some(project) = super::open_project(cli) else {
        return Exit::Failure;
    };
    let versions = |files: crate::git::Files| -> Vec<Version> {
        files
            .into_iter()
            .filter_map(|(path, bytes)| match String::from_utf8(bytes) {
                Ok(text) if crate::catalogue::is_catalogue(&text) => None,
                Ok(text) => Some(Version::check(&project, &path, text)),
                Err(_) => Some(crate::diff::not_text(&path)),
            })
            .collect()
    };
    let diff = crate::diff::compare(from, to, versions(old), versions(new));
    let text = match args.format {
        DiffFormat::Human => diff.human(),
        DiffFormat::Markdown => diff.markdown(),
        DiffFormat::Json => diff.json(),
    };
    print!("{text}");
    if args.format == DiffFormat::Json {
        println!();
    }
    if diff.has_errors() {
        Exit::InputErrors
    } else {
        Exit::Ok
    }
}

/// A path as the user wrote it.
fn shown(path: &Path) -> String {
    path.display().to_string()
}

/// The project, stamping its PDFs with the git revision when `stamp` is set (`render --stamp`);
/// without a git repository the PDFs carry no revision, and a note says so.
pub fn stamped(mut project: crate::project::Project, stamp: bool) -> crate::project::Project {
    if stamp && let Err(why) = project.stamp_with_git() {
        eprintln!("note: --stamp: {why}; the PDFs carry no revision");
    }
    project
}
