//! `budgetnote explain CODE`: the long explanation of a diagnostic code, with examples.

use super::{Cli, Exit};
use crate::diagnostic::{Code, Explanation};

/// Arguments of `explain`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The code, e.g. E014 (or 14).
    code: String,
}

/// Runs `explain`.
pub fn run(_cli: &Cli, args: &Args) -> Exit {
    let Some(code) = Code::parse(&args.code) else {
        let known: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        eprintln!(
            "error: unknown code \"{}\"; the codes are {}",
            args.code,
            known.join(", ")
        );
        return Exit::Failure;
    };
    print!("{}", text(code));
    Exit::Ok
}

/// The explanation as printed.
pub fn text(code: Code) -> String {
    let e = code.explanation();
    let severity = match code.severity() {
        crate::diagnostic::Severity::Error => "error",
        crate::diagnostic::Severity::Warning => "warning",
    };
    let indent = |s: &str| s.lines().map(|l| format!("    {l}\n")).collect::<String>();
    format!(
        "{} ({severity}): {}\n\n{}\n\nWrong:\n\n{}\nRight:\n\n{}",
        code.as_str(),
        e.summary,
        e.text,
        indent(&Explanation::shown(e.wrong)),
        indent(&Explanation::shown(e.right))
    )
}
