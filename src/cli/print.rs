//! Printing diagnostics for people (compiler style) and for CI (JSON).

use std::io::IsTerminal;

use crate::diagnostic::{FileReport, JsonDiagnostic, Severity, github_annotation, render_human};

use super::Format;

/// How much a run prints besides its problems and summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    /// Problems and the summary only.
    Quiet,
    /// Also a progress bar on a terminal, and the spreadsheets written.
    Normal,
    /// Also a line per file.
    Verbose,
}

/// When diagnostics are coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Color {
    /// On a terminal, unless `NO_COLOR` is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// The run's printing settings, set once from the command line.
static SETTINGS: std::sync::OnceLock<(Verbosity, Color)> = std::sync::OnceLock::new();

/// Sets how much the run prints and when it colours (once; later calls change nothing).
pub fn configure(verbosity: Verbosity, color: Color) {
    let _ = SETTINGS.set((verbosity, color));
}

/// How much the run prints (normal unless configured).
pub fn verbosity() -> Verbosity {
    SETTINGS.get().map_or(Verbosity::Normal, |(v, _)| *v)
}

/// Whether diagnostics on stderr are coloured.
pub fn color() -> bool {
    match SETTINGS.get().map_or(Color::Auto, |(_, c)| *c) {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    }
}

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

/// Text made safe for a terminal: every control character (an escape starting a colour or a
/// cursor move, a carriage return, a bell, C1 controls) and every text-direction control is
/// written visibly as `\u{1b}`, so a file's name cannot change what the terminal shows.
pub fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() && c != '\n'
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// A path as printed on the terminal, its control characters escaped (see [`escaped`]).
pub fn shown(path: &std::path::Path) -> String {
    escaped(&path.display().to_string())
}

/// Prints a report's diagnostics to stderr in human form, file names and messages escaped.
pub fn human(report: &FileReport) {
    let color = color();
    let path = std::path::PathBuf::from(shown(&report.path));
    for d in report.shown() {
        let mut d = d.clone();
        d.message = escaped(&d.message);
        d.label = d.label.as_deref().map(escaped);
        d.help = d.help.as_deref().map(escaped);
        eprintln!("{}\n", render_human(&path, &report.source, &d, color));
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

/// Prints every diagnostic as a GitHub Actions annotation on stdout, file names escaped.
pub fn github(reports: &[FileReport]) {
    for r in reports {
        let path = std::path::PathBuf::from(shown(&r.path));
        for d in r.shown() {
            println!("{}", escaped(&github_annotation(&path, &r.source, d)));
        }
    }
}

/// Prints an application error (which may name files), escaped.
pub fn app_error(err: &crate::error::AppError) {
    eprintln!("error: {}", escaped(&err.to_string()));
}

/// Prints a warning line of the run (not about a user's file's content), escaped.
pub fn warning(text: &str) {
    eprintln!("warning: {}", escaped(text));
}

#[cfg(test)]
mod tests {
    use super::*;

    // An escape sequence in a file name prints as visible text; ordinary names, Danish letters
    // and new lines between lines are left as they are.
    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escaped("out/y\u{1b}[31mred.pdf"), "out/y\\u{1b}[31mred.pdf");
        assert_eq!(
            escaped("a\rb\u{7}\u{9b}\u{202e}"),
            "a\\u{d}b\\u{7}\\u{9b}\\u{202e}"
        );
        assert_eq!(escaped("forslag/æøå.pdf\nnext"), "forslag/æøå.pdf\nnext");
    }
}
