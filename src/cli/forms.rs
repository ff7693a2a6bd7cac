//! `budgetnote forms [NAME]`: the forms available in the project (bundled and own), or the
//! fields a proposal of one form takes.

use super::{Cli, Exit};
use crate::forms::Form;

/// Arguments of `forms`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A form's name, to show the fields its proposals take.
    name: Option<String>,
}

/// Runs `forms`.
pub fn run(cli: &Cli, args: &Args) -> Exit {
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
