//! `budgetnote init [DIR]`: a working project in an empty folder: the municipality's profile,
//! one example proposal per bundled form, and a `.gitignore` for the output folder. It renders at
//! once, and nothing that exists is overwritten.

use std::path::{Path, PathBuf};

use super::{Cli, Exit, print};
use crate::error::AppError;

/// Arguments of `init`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder to make a project of (created if missing; default: the current folder).
    dir: Option<PathBuf>,
}

/// The profile `init` writes: every key explained, with a register of committees to edit.
const PROFILE: &str = r#"# The project's settings. budgetnote reads this file from the project root.

# The municipality's profile: what every proposal shares unless it says otherwise.
[profile]
municipality = "Testkommune"                 # printed by every form, with the proposal's date
proposer = "Administrationen"                # Forslagsstiller of proposals that name none
# footer = "Testkommune · Økonomi"           # printed first in every page's footer
# logo = { file = "logo.svg", alt = "Testkommunes logo" }   # path from the project root

# A form's section headings in this municipality's words (see `budgetnote forms standard`):
# [profile.headings.standard]
# bemaerkninger_hu = "7. Bemærkninger fra fagudvalget"

# Which of a form's sections a proposal must fill (`budgetnote forms standard` lists them):
# [profile.required.standard]
# investeringsbehov = false

# A form's checkbox groups with this municipality's options, e.g. the districts of the budgetnotat
# (none unless set here: without options no districts are printed, and an address prints on a
# line of its own; see `budgetnote forms budgetnotat`):
# [profile.checkboxes.budgetnotat.bydele]
# options = ["Hele kommunen", "Nord", "Syd", "Øst", "Vest"]
# exclusive = "Hele kommunen"

# A form's fixed labels in this municipality's words (`budgetnote forms standard` lists them):
# [profile.labels.standard]
# proposer = "Ansvarlig forvaltning"

# The register of committees: abbreviation = full name. A budget line's `committee = "…"` is an
# abbreviation from here whose committee is among the proposal's `committees`, or one of those
# committees in full (as the examples write it).
[committees]
SU = "Socialudvalget"
"ØU" = "Økonomiudvalget"
"#;

/// Runs `init`.
pub fn run(_cli: &Cli, args: &Args) -> Exit {
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    match init(&dir) {
        Ok(written) => {
            for path in &written {
                eprintln!("wrote {}", print::shown(path));
            }
            eprintln!(
                "a new project is ready: `budgetnote render` (in {}) writes the examples' PDFs to out/",
                print::shown(&dir)
            );
            Exit::Ok
        }
        Err(err) => {
            print::app_error(&err);
            Exit::Failure
        }
    }
}

/// The files of a new project: path under the project folder and content.
pub fn files() -> Vec<(PathBuf, String)> {
    let mut files = vec![
        (PathBuf::from("budgetnote.toml"), PROFILE.to_owned()),
        (PathBuf::from(".gitignore"), "out/\n".to_owned()),
    ];
    for (path, text) in crate::bundle::TEMPLATES {
        if let Some(form) = path.strip_suffix("/example.toml") {
            files.push((
                Path::new("proposals").join(format!("{form}-eksempel.toml")),
                (*text).to_owned(),
            ));
        }
    }
    files
}

/// Writes a new project into `dir`; refuses, writing nothing, when any of its files exists.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, AppError> {
    let files = files();
    let existing: Vec<String> = files
        .iter()
        .map(|(path, _)| dir.join(path))
        .filter(|path| path.exists())
        .map(|path| path.display().to_string())
        .collect();
    if !existing.is_empty() {
        return Err(AppError(format!(
            "{} is a project already; nothing was written, so as not to overwrite {}",
            dir.display(),
            existing.join(", ")
        )));
    }
    let mut written = Vec::new();
    for (path, text) in files {
        let target = dir.join(&path);
        crate::output::write_atomic(&target, text.as_bytes())?;
        written.push(target);
    }
    Ok(written)
}
