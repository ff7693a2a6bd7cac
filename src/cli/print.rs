//! Printing diagnostics for people (compiler style) and for CI (JSON).

use std::io::IsTerminal;

use crate::diagnostic::{FileReport, JsonDiagnostic, Severity, github_annotation, render_human};

use super::Format;

/// Counts of errors and warnings over a run.
#[derive(Debug, Default, Clone, Copy)]
pub struct Tally {
    /// Number of errors.
    pub errors: usize,
    /// Number of warnings.
    pub warnings: usize,
    /// Number of warnings the proposals acknowledge (`[acknowledged]`), not in `warnings`.
    pub acknowledged: usize,
}

impl Tally {
    /// Adds a report's diagnostics.
    pub fn add(&mut self, report: &FileReport) {
        for d in &report.diagnostics {
            match d.severity() {
                Severity::Error => self.errors += 1,
                Severity::Warning if d.acknowledged.is_some() => self.acknowledged += 1,
                Severity::Warning => self.warnings += 1,
            }
        }
    }
}

/// Prints a report's diagnostics to stderr in human form.
pub fn human(report: &FileReport) {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    for d in report.shown() {
        eprintln!("{}\n", render_human(&report.path, &report.source, d, color));
    }
}

/// Prints every report's diagnostics as one JSON array on stdout.
pub fn json(reports: &[FileReport]) {
    let all: Vec<JsonDiagnostic> = reports
        .iter()
        .flat_map(|r| {
            r.shown()
                .map(|d| JsonDiagnostic::new(&r.path, &r.source, d))
        })
        .collect();
    match serde_json::to_string_pretty(&all) {
        Ok(text) => println!("{text}"),
        Err(e) => eprintln!("error: cannot write JSON: {e}"),
    }
}

/// Prints reports in the chosen format.
pub fn reports(format: Format, reports: &[FileReport]) {
    match format {
        Format::Human => reports.iter().for_each(human),
        Format::Json => json(reports),
        Format::Github => github(reports),
    }
}

/// Prints every diagnostic as a GitHub Actions annotation on stdout.
pub fn github(reports: &[FileReport]) {
    for r in reports {
        for d in r.shown() {
            println!("{}", github_annotation(&r.path, &r.source, d));
        }
    }
}

/// Prints an application error.
pub fn app_error(err: &crate::error::AppError) {
    eprintln!("error: {err}");
}
