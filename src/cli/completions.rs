//! `budgetnote completions SHELL`: the shell's completion script for every command and flag,
//! printed to stdout (e.g. `budgetnote completions bash > ~/.local/share/bash-completion/completions/budgetnote`).

use clap::CommandFactory;

use super::{Cli, Exit};

/// Arguments of `completions`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shell: bash, zsh, fish, powershell or elvish.
    shell: clap_complete::Shell,
}

/// Runs `completions`.
pub fn run(_cli: &Cli, args: &Args) -> Exit {
    let mut command = Cli::command();
    clap_complete::generate(
        args.shell,
        &mut command,
        "budgetnote",
        &mut std::io::stdout(),
    );
    Exit::Ok
}
