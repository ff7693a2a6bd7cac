//! Diagnostics about a user's file: a stable code, a severity, a span, a help line.

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Rendering goes on; the user should look.
    Warning,
    /// The proposal is wrong and gets no PDF.
    Error,
}

/// The stable codes `budgetnote` reports; README lists them with an explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Code {
    /// The file is not valid TOML.
    E001,
    /// A value has the wrong type or an invalid value.
    E002,
    /// A required field is missing.
    E003,
    /// The proposal names a form that does not exist.
    E004,
    /// An amount is written as a TOML float.
    E010,
    /// An amount string cannot be read as a Danish number.
    E011,
    /// The table's years are not strictly increasing (or repeat).
    E012,
    /// A line has an amount for a year the table does not have.
    E013,
    /// A figure stated in the file differs from the computed one.
    E014,
    /// The FTE change per area does not add up to the stated total.
    E015,
    /// A section the form requires is missing or empty.
    E016,
    /// A section key the form does not know.
    E017,
    /// A year key that is not a year.
    E018,
    /// A budget table has no lines.
    E019,
    /// A section places a table that is not defined.
    E020,
    /// A ticked checkbox option the group does not have.
    E021,
    /// Too many ticks in a group (single choice, exclusive option, or a repeat).
    E022,
    /// A checkbox group the form does not have.
    E023,
    /// A section block without exactly one of text, heading, table.
    E024,
    /// A table of unknown kind or with keys its kind does not use.
    E025,
    /// The agreement's amounts come from something that is not a ledger table.
    E026,
    /// A request without exactly one of amount or parts.
    E027,
    /// Lists nested deeper than the typesetter allows.
    E028,
    /// A character the bundled fonts cannot print.
    E029,
    /// A catalogue names a proposal file that does not exist.
    E030,
    /// A catalogue names the same proposal twice.
    E031,
    /// A catalogue's frame has a unit budgetnote does not know.
    E032,
    /// Two proposals in one catalogue share an id.
    E033,
    /// A proposal in the catalogue has errors, so the annex is not written.
    E034,
    /// A logo without alt text.
    E035,
    /// A logo file that is missing, outside the project, or not an image.
    E036,
    /// An amount against its line's sign convention (a saving with a plus).
    E037,
    /// A line's committee abbreviation is not in the register.
    E038,
    /// A line's committee is not among the proposal's committees.
    E039,
    /// A proposal id used by another file of the run.
    E040,
    /// A stated Udgiftstype that differs from the lines' expense types.
    E041,
    /// An account number that is malformed or not in the chart of accounts.
    E042,
    /// An unknown key close to a known key of the same table: a typo that would silently switch a
    /// check off (`stated_nets` for `stated_net`).
    E043,
    /// A file that is not a regular file (a folder, FIFO, device or socket).
    E060,
    /// A file larger than the limit (10 MB for TOML).
    E061,
    /// A catalogue entry, or a symlink found in a folder, leads outside the project root.
    E062,
    /// Two input files would be written to the same output file.
    E063,
    /// An input's file name is too long for its PDF (and the temp file it is written through).
    E064,
    /// A key `budgetnote` does not know (it would be silently ignored).
    W001,
    /// A table is defined but placed in no section.
    W002,
    /// An amount in the text that matches no figure in the tables.
    W003,
    /// An årsværk figure in the text that the staff table does not explain.
    W004,
    /// A period stated in the text that no table covers.
    W005,
    /// A budget table with fewer than four years.
    W006,
    /// A table in another price basis than the proposal's, or without one.
    W007,
    /// A budget line whose expense type differs from its account's usual one.
    W008,
    /// A control character, NUL, byte-order mark or other invisible code point in a text.
    E050,
    /// A word too long to break into lines, or a one-line field too long for the PDF.
    E051,
    /// A Markdown link without an address, or with one too long for a PDF.
    E052,
    /// Emphasis, bold and links nested deeper than the typesetter parses.
    E053,
    /// The typesetter or the PDF standard refused the file's content (found by typesetting during check).
    E056,
    /// budgetnote itself failed while typesetting the file (a fault in budgetnote, not in the file).
    E057,
    /// A logo image too large to typeset (file size or pixels).
    E054,
    /// A catalogue frame too small to measure proposals against.
    E055,
    /// An acknowledgement of a warning that is malformed: no reason, or not a warning code.
    E058,
    /// An acknowledgement that matches no warning of the file.
    W011,
}

impl Code {
    /// The code as printed, e.g. `E012`.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::E001 => "E001",
            Code::E002 => "E002",
            Code::E003 => "E003",
            Code::E004 => "E004",
            Code::E010 => "E010",
            Code::E011 => "E011",
            Code::E012 => "E012",
            Code::E013 => "E013",
            Code::E014 => "E014",
            Code::E015 => "E015",
            Code::E016 => "E016",
            Code::E017 => "E017",
            Code::E018 => "E018",
            Code::E019 => "E019",
            Code::E020 => "E020",
            Code::E021 => "E021",
            Code::E022 => "E022",
            Code::E023 => "E023",
            Code::E024 => "E024",
            Code::E025 => "E025",
            Code::E026 => "E026",
            Code::E027 => "E027",
            Code::E028 => "E028",
            Code::E029 => "E029",
            Code::E030 => "E030",
            Code::E031 => "E031",
            Code::E032 => "E032",
            Code::E033 => "E033",
            Code::E034 => "E034",
            Code::E035 => "E035",
            Code::E036 => "E036",
            Code::E037 => "E037",
            Code::E038 => "E038",
            Code::E039 => "E039",
            Code::E040 => "E040",
            Code::E041 => "E041",
            Code::E042 => "E042",
            Code::E043 => "E043",
            Code::E060 => "E060",
            Code::E061 => "E061",
            Code::E062 => "E062",
            Code::E063 => "E063",
            Code::E064 => "E064",
            Code::W001 => "W001",
            Code::W002 => "W002",
            Code::W003 => "W003",
            Code::W004 => "W004",
            Code::W005 => "W005",
            Code::W006 => "W006",
            Code::W007 => "W007",
            Code::W008 => "W008",
            Code::E050 => "E050",
            Code::E051 => "E051",
            Code::E052 => "E052",
            Code::E053 => "E053",
            Code::E056 => "E056",
            Code::E057 => "E057",
            Code::E054 => "E054",
            Code::E055 => "E055",
            Code::E058 => "E058",
            Code::W011 => "W011",
        }
    }

    /// The severity a code always has.
    pub fn severity(self) -> Severity {
        match self {
            Code::W001
            | Code::W002
            | Code::W003
            | Code::W004
            | Code::W005
            | Code::W006
            | Code::W007
            | Code::W008
            | Code::W011 => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

/// One problem in one file, with the byte span it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable code, e.g. `E014`.
    pub code: Code,
    /// Lowercase phrase saying what is wrong.
    pub message: String,
    /// Byte range in the file's source; `None` for the whole file.
    pub span: Option<Range<usize>>,
    /// Short label printed under the caret.
    pub label: Option<String>,
    /// How to fix it.
    pub help: Option<String>,
    /// The reason the proposal gives for accepting this warning (`[acknowledged]`): it is then
    /// counted, not printed, and `--deny warnings` lets it pass.
    pub acknowledged: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with a code, a message and a span.
    pub fn new(code: Code, message: impl Into<String>, span: Option<Range<usize>>) -> Self {
        Self {
            code,
            message: message.into(),
            span,
            label: None,
            help: None,
            acknowledged: None,
        }
    }

    /// Adds a label printed at the caret.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Adds a help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The severity, taken from the code.
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }
}

/// The diagnostics of one file together with its source, for printing.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// The file as the user named it.
    pub path: PathBuf,
    /// The file's text (empty if it could not be read).
    pub source: String,
    /// Every problem found, in source order.
    pub diagnostics: Vec<Diagnostic>,
}

impl FileReport {
    /// The diagnostics to show: all but the acknowledged warnings.
    pub fn shown(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.acknowledged.is_none())
    }

    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity() == Severity::Error)
    }

    /// Sorts diagnostics by position, keeping the order of equal positions.
    pub fn sort(&mut self) {
        self.diagnostics
            .sort_by_key(|d| d.span.as_ref().map_or(0, |s| s.start));
    }
}

/// A 1-based line and column (in characters) of a byte offset.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = source.get(..offset).unwrap_or(source);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

/// Renders one diagnostic the way a compiler does: code, message, location, snippet, help.
pub fn render_human(path: &Path, source: &str, d: &Diagnostic, color: bool) -> String {
    use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};

    let level = match d.severity() {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let path_str = path.display().to_string();
    let title = level.primary_title(d.message.as_str()).id(d.code.as_str());
    let mut group = match &d.span {
        Some(span) => {
            let span = clamp_span(source, span.clone());
            let mut annotation = AnnotationKind::Primary.span(span);
            if let Some(label) = &d.label {
                annotation = annotation.label(label.as_str());
            }
            title.element(
                Snippet::source(source)
                    .path(path_str.as_str())
                    .fold(true)
                    .annotation(annotation),
            )
        }
        None => title.element(annotate_snippets::Origin::path(path_str.as_str())),
    };
    if let Some(help) = &d.help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    renderer.render(&[group])
}

/// Keeps a span inside the source and on character boundaries.
fn clamp_span(source: &str, span: Range<usize>) -> Range<usize> {
    let mut start = span.start.min(source.len());
    let mut end = span.end.clamp(start, source.len());
    while start > 0 && !source.is_char_boundary(start) {
        start -= 1;
    }
    while end < source.len() && !source.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

/// One diagnostic as a GitHub Actions workflow command (`::error file=…,line=…,col=…::…`), which
/// GitHub shows as an annotation on the file's line.
pub fn github_annotation(path: &Path, source: &str, d: &Diagnostic) -> String {
    let level = match d.severity() {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut properties = vec![format!(
        "file={}",
        github_property(&path.display().to_string())
    )];
    if let Some(span) = &d.span {
        let (line, col) = line_col(source, span.start);
        let (end_line, end_col) = line_col(source, span.end);
        properties.push(format!("line={line},col={col}"));
        if end_line == line && end_col > col {
            properties.push(format!("endColumn={end_col}"));
        }
    }
    properties.push(format!("title={}", d.code.as_str()));
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    format!(
        "::{level} {}::{}",
        properties.join(","),
        github_data(&message)
    )
}

/// Escapes the message of a workflow command.
fn github_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value of a workflow command.
fn github_property(text: &str) -> String {
    github_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// One diagnostic as the JSON object printed by `--format json`.
#[derive(Debug, Clone, Serialize)]
pub struct JsonDiagnostic {
    /// The file as the user named it.
    pub file: String,
    /// 1-based line, 0 for the whole file.
    pub line: usize,
    /// 1-based column in characters, 0 for the whole file.
    pub column: usize,
    /// Stable code.
    pub code: &'static str,
    /// `error` or `warning`.
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// How to fix it, if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl JsonDiagnostic {
    /// Builds the JSON form of a diagnostic of a file.
    pub fn new(path: &Path, source: &str, d: &Diagnostic) -> Self {
        let (line, column) = d
            .span
            .as_ref()
            .map_or((0, 0), |s| line_col(source, s.start));
        Self {
            file: path.display().to_string(),
            line,
            column,
            code: d.code.as_str(),
            severity: d.severity(),
            message: d.message.clone(),
            help: d.help.clone(),
        }
    }
}
