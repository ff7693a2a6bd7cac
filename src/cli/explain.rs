//! `budgetnote explain CODE`: the long explanation of a diagnostic code, with examples.

use super::{Cli, Exit};
use crate::diagnostic::{Code, Explanation};

/// Arguments of `explain`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The code, e.g. E014 (or 14); without one, every code is listed with its summary.
    code: Option<String>,
}

/// Runs `explain`.
pub fn run(_cli: &Cli, args: &Args) -> Exit {
    let Some(asked) = &args.code else {
        print!("{}", list());
        return Exit::Ok;
    };
    let Some(code) = Code::parse(asked) else {
        let known: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        eprintln!(
            "error: unknown code \"{}\"; the codes are {}",
            asked,
            known.join(", ")
        );
        return Exit::Failure;
    };
    print!("{}", text(code));
    Exit::Ok
}

/// Every code, one line each: code, severity and summary, then how to read one in full.
pub fn list() -> String {
    let mut out = String::new();
    for code in Code::ALL {
        let severity = match code.severity() {
            crate::diagnostic::Severity::Error => "error",
            crate::diagnostic::Severity::Warning => "warning",
        };
        out.push_str(&format!(
            "{} {severity:<7} {}\n",
            code.as_str(),
            code.explanation().summary
        ));
    }
    out.push_str(
        "\n`budgetnote explain CODE` shows one in full, with a wrong and a right example.\n",
    );
    out
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
