//! Command-line interface: clap commands, printing, and exit codes (set here and nowhere else).

mod bench;
mod check;
mod completions;
mod diff;
mod explain;
mod files;
mod forms;
mod init;
mod manpage;
mod new;
mod print;
mod render;
mod schema;
mod serve;
mod typst;
mod watch;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// How a run ended; the only place exit codes are decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// 0: everything was fine.
    Ok,
    /// 1: a user's file has errors.
    InputErrors,
    /// 2: usage error or I/O failure.
    Failure,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        match exit {
            Exit::Ok => ExitCode::SUCCESS,
            Exit::InputErrors => ExitCode::from(1),
            Exit::Failure => ExitCode::from(2),
        }
    }
}

/// Budget proposals as TOML: validate, cross-check and typeset them to PDF.
#[derive(Debug, Parser)]
#[command(name = "budgetnote", version, about)]
pub struct Cli {
    /// Project root: the folder with budgetnote.toml (and proposals/, templates/, fonts/ if it
    /// has its own).
    #[arg(long, global = true, default_value = ".")]
    root: PathBuf,
    /// Print only problems and the summary (no progress, no "wrote" lines).
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Also print a line per file (wrote, unchanged, checked), even on a terminal.
    #[arg(short, long, global = true)]
    verbose: bool,
    /// Colour in diagnostics: auto (on a terminal, unless NO_COLOR is set), always or never.
    #[arg(long, global = true, value_enum, default_value = "auto")]
    color: print::Color,
    /// What to do.
    #[command(subcommand)]
    command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
enum Command {
    /// Validate proposals and print every problem at once.
    Check(check::Args),
    /// Check, then write a PDF per proposal and catalogue (with --format also XLSX, CSV, HTML).
    Render(render::Args),
    /// Print the Typst source generated for a proposal.
    Typst(typst::Args),
    /// Explain a diagnostic code, with a wrong and a right example.
    Explain(explain::Args),
    /// List the forms of the project, or show the fields one form takes.
    Forms(forms::Args),
    /// Make a working project: profile, one example proposal per form, .gitignore.
    Init(init::Args),
    /// Print a JSON Schema of a form's proposals (for Taplo / Even Better TOML).
    Schema(schema::Args),
    /// Write a proposal skeleton of a form, with the schema directive for editors.
    New(new::Args),
    /// Re-check and re-render what changes on save, until Ctrl-C.
    Watch(watch::Args),
    /// Preview the proposals' pages in a browser on 127.0.0.1, reloaded on every save.
    Serve(serve::Args),
    /// Show what changed in the proposals between two git revisions (figures, totals, text).
    Diff(diff::Args),
    /// Print the completion script of a shell (bash, zsh, fish, powershell, elvish).
    Completions(completions::Args),
    /// Print the manual page (roff) of budgetnote and its commands.
    Manpage(manpage::Args),
}

/// Output format of diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Compiler-style text with the source line and a caret.
    Human,
    /// A JSON array, one object per diagnostic.
    Json,
    /// GitHub Actions annotations (`::error file=…,line=…,col=…::…`), one per line.
    Github,
}

/// Diagnostics that `--deny` turns into a failing exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Deny {
    /// Fail (exit 1) on warnings too, as on errors.
    Warnings,
}

/// Opens the project at `--root`, printing why when it cannot be opened.
fn open_project(cli: &Cli) -> Option<crate::project::Project> {
    crate::project::Project::open(&cli.root)
        .map_err(|err| print::app_error(&err))
        .ok()
}

/// Opens the project at `--root` and prints the diagnostics of its own forms and templates
/// (for the commands that list or use forms rather than check proposals).
fn open_project_with_forms(cli: &Cli) -> Option<crate::project::Project> {
    let project = open_project(cli)?;
    project.form_reports().iter().for_each(print::human);
    Some(project)
}

/// `path` inside the project root: as written when the root is the current folder (so printed
/// paths stay short), else under the root (`--root x render` writes to `x/out/`).
pub fn in_project(root: &std::path::Path, path: &str) -> PathBuf {
    if root == std::path::Path::new(".") {
        PathBuf::from(path)
    } else {
        root.join(path)
    }
}

/// Parses the process's arguments, runs the command, and returns its exit code.
pub fn main() -> ExitCode {
    bench::intercept().unwrap_or_else(|| run_with(std::env::args_os()).into())
}

/// Parses `args` (the first is the program name), runs the command, and returns how it ended.
pub fn run_with<I, T>(args: I) -> Exit
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return if err.use_stderr() {
                Exit::Failure
            } else {
                Exit::Ok
            };
        }
    };
    print::configure(cli.verbosity(), cli.color);
    match &cli.command {
        Command::Check(args) => check::run(&cli, args),
        Command::Render(args) => render::run(&cli, args),
        Command::Typst(args) => typst::run(&cli, args),
        Command::Explain(args) => explain::run(&cli, args),
        Command::Forms(args) => forms::run(&cli, args),
        Command::Init(args) => init::run(&cli, args),
        Command::Schema(args) => schema::run(&cli, args),
        Command::New(args) => new::run(&cli, args),
        Command::Watch(args) => watch::run(&cli, args),
        Command::Serve(args) => serve::run(&cli, args),
        Command::Diff(args) => diff::run(&cli, args),
        Command::Completions(args) => completions::run(&cli, args),
        Command::Manpage(args) => manpage::run(&cli, args),
    }
}

impl Cli {
    /// How much the run prints, from `--quiet` and `--verbose`.
    fn verbosity(&self) -> print::Verbosity {
        if self.quiet {
            print::Verbosity::Quiet
        } else if self.verbose {
            print::Verbosity::Verbose
        } else {
            print::Verbosity::Normal
        }
    }
}
