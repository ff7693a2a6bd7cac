//! `budgetnote manpage`: the manual page in roff, printed to stdout (e.g.
//! `budgetnote manpage > ~/.local/share/man/man1/budgetnote.1`), with a section per command.

use clap::CommandFactory;

use super::{Cli, Exit, print};

/// Arguments of `manpage`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `manpage`.
pub fn run(_cli: &Cli, _args: &Args) -> Exit {
    match page() {
        Ok(text) => {
            // A closed pipe (`| head`) is no failure of the command.
            let _ = std::io::Write::write_all(&mut std::io::stdout(), text.as_bytes());
            Exit::Ok
        }
        Err(err) => {
            print::app_error(&crate::error::AppError(format!(
                "cannot write the manual page: {err}"
            )));
            Exit::Failure
        }
    }
}

/// The manual page: the main page, then each command's own (name, synopsis, options).
pub fn page() -> std::io::Result<String> {
    let command = Cli::command();
    let mut out = Vec::new();
    clap_mangen::Man::new(command.clone()).render(&mut out)?;
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        let sub = sub
            .clone()
            .display_name(format!("budgetnote-{}", sub.get_name()))
            .bin_name(format!("budgetnote {}", sub.get_name()));
        let man = clap_mangen::Man::new(sub);
        man.render_name_section(&mut out)?;
        man.render_synopsis_section(&mut out)?;
        man.render_description_section(&mut out)?;
        man.render_options_section(&mut out)?;
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}
