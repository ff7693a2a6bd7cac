//! `budgetnote forms [NAME]`: the forms available in the project (bundled and own), or the
//! fields a proposal of one form takes; `budgetnote forms eject NAME` copies a bundled form into
//! the project's `templates/NAME/`, where the project's own copy is used from then on.

use super::{Cli, Exit, print};
use crate::forms::Form;

/// Arguments of `forms`.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    /// What to do with a form (without: list the forms, or show one).
    #[command(subcommand)]
    command: Option<FormsCommand>,
    /// A form's name, to show the fields its proposals take.
    name: Option<String>,
}

/// What `forms` does besides listing.
#[derive(Debug, clap::Subcommand)]
enum FormsCommand {
    /// Copy a bundled form (description, PDF and web page templates, example) into the project's
    /// templates/NAME/ to adapt it; nothing is overwritten.
    Eject {
        /// The bundled form's name, e.g. budgetnotat.
        name: String,
    },
}

/// Runs `forms`.
pub fn run(cli: &Cli, args: &Args) -> Exit {
    if let Some(FormsCommand::Eject { name }) = &args.command {
        return eject(&cli.root, name);
    }
    let Some(project) = super::open_project_with_forms(cli) else {
        return Exit::Failure;
    };
    let broken = project.form_reports().iter().any(|r| r.has_errors());
    let exit = if broken { Exit::InputErrors } else { Exit::Ok };
    let forms = project.forms();
    match &args.name {
        None => {
            let width = forms
                .iter()
                .map(|f| f.name.chars().count())
                .max()
                .unwrap_or(0);
            for form in forms.iter() {
                let origin = match &form.file {
                    Some(file) => format!("  (own: {})", file.display()),
                    None => String::new(),
                };
                println!("{:<width$}  {}{origin}", form.name, form.description);
            }
            exit
        }
        Some(name) => match forms.find(name.trim()) {
            Some(form) => {
                print!("{}", fields(&form));
                exit
            }
            None => {
                eprintln!(
                    "error: no form is called \"{name}\"; {}the forms are {}",
                    crate::parse::did_you_mean(name, forms.iter().map(|f| f.name.as_str())),
                    forms.names()
                );
                Exit::Failure
            }
        },
    }
}

/// What a proposal of `form` holds, as printed by `forms NAME`.
pub fn fields(form: &Form) -> String {
    let mut out = format!("{} ({}): {}\n\n", form.name, form.label, form.description);
    out.push_str(
        "header: id, form, title, committees, proposer (required); municipality, logo, date\n",
    );
    out.push_str(if form.needs_budget {
        "[budget]: the amounts table (required)\n"
    } else {
        "[budget]: not printed by this form\n"
    });
    out.push_str("\n[sections]\n");
    for s in &form.sections {
        let need = if s.required { "required" } else { "optional" };
        match &s.heading {
            Some(heading) => out.push_str(&format!("  {:<32} {need:<9} \"{heading}\"\n", s.key)),
            None => out.push_str(&format!(
                "  {:<32} {need:<9} (printed without a heading)\n",
                s.key
            )),
        }
    }
    if !form.labels.is_empty() {
        out.push_str("\nlabels (renamed under [profile.labels.");
        out.push_str(&form.name);
        out.push_str("] in budgetnote.toml)\n");
        for (key, text) in &form.labels {
            out.push_str(&format!("  {key:<32} \"{text}\"\n"));
        }
    }
    if !form.checkboxes.is_empty() {
        out.push_str("\n[checkboxes]\n");
        for c in &form.checkboxes {
            let mut rule = if c.single { "one of" } else { "any of" }.to_owned();
            if let Some(e) = &c.exclusive {
                rule.push_str(&format!("; \"{e}\" excludes the others"));
            }
            out.push_str(&format!("  {} ({}, {rule}):\n", c.key, c.title));
            for option in &c.options {
                out.push_str(&format!("    \"{option}\"\n"));
            }
        }
    }
    out
}

/// Copies the bundled form `name` into `<root>/templates/<name>/`, file by file, never over a
/// file that is there (then nothing is copied and the exit is a failure).
fn eject(root: &std::path::Path, name: &str) -> Exit {
    let name = name.trim();
    let prefix = format!("{name}/");
    let files: Vec<(&str, &str)> = crate::bundle::TEMPLATES
        .iter()
        .filter_map(|(path, text)| Some((path.strip_prefix(&prefix)?, *text)))
        .collect();
    if files.is_empty() {
        let bundled: Vec<&str> = crate::bundle::TEMPLATES
            .iter()
            .filter_map(|(path, _)| path.strip_suffix("/form.toml"))
            .collect();
        eprintln!(
            "error: no bundled form is called \"{name}\"; {}the bundled forms are {}",
            crate::parse::did_you_mean(name, bundled.iter().copied()),
            bundled.join(", ")
        );
        return Exit::Failure;
    }
    let folder = super::in_project(root, &format!("templates/{name}"));
    let there: Vec<String> = files
        .iter()
        .map(|(file, _)| folder.join(file))
        .filter(|path| std::fs::symlink_metadata(path).is_ok())
        .map(|path| print::shown(&path))
        .collect();
    if !there.is_empty() {
        eprintln!(
            "error: {} already there, so nothing was copied; the project's own files of form \
             \"{name}\" are used as they are (move them away to eject the bundled form again)",
            there.join(", ")
        );
        return Exit::Failure;
    }
    if let Err(e) = std::fs::create_dir_all(&folder) {
        eprintln!("error: cannot create {}: {e}", print::shown(&folder));
        return Exit::Failure;
    }
    for (file, text) in &files {
        let path = folder.join(file);
        let written = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()));
        if let Err(e) = written {
            eprintln!("error: cannot write {}: {e}", print::shown(&path));
            return Exit::Failure;
        }
    }
    let names: Vec<&str> = files.iter().map(|(file, _)| *file).collect();
    println!(
        "copied the bundled form \"{name}\" to {} ({}); the project uses this copy from now on: \
         edit its headings, sections and checkboxes in form.toml",
        print::shown(&folder),
        names.join(", ")
    );
    Exit::Ok
}
