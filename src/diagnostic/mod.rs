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

mod explain;

pub use explain::Explanation;

/// Declares the codes: one line per code gives its variant, its severity and (by its name) the
/// file `codes/<CODE>.md` that explains it; `as_str`, `severity`, `ALL` and `source` follow.
macro_rules! codes {
    ($($(#[doc = $doc:literal])+ $code:ident => $severity:ident,)+) => {
        /// The stable codes `budgetnote` reports; each is explained in `src/diagnostic/codes/`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
        pub enum Code {
            $($(#[doc = $doc])+ $code,)+
        }

        impl Code {
            /// Every code, errors then warnings, in number order.
            pub const ALL: [Code; [$(stringify!($code)),+].len()] = [$(Code::$code),+];

            /// The code as printed, e.g. `E012`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$code => stringify!($code),)+
                }
            }

            /// The severity a code always has.
            pub fn severity(self) -> Severity {
                match self {
                    $(Code::$code => Severity::$severity,)+
                }
            }

            /// The text of the code's explanation file, `codes/<CODE>.md`.
            pub fn source(self) -> &'static str {
                match self {
                    $(Code::$code => include_str!(concat!("codes/", stringify!($code), ".md")),)+
                }
            }
        }
    };
}

codes! {
    /// The file is not valid TOML.
    E001 => Error,
    /// A value has the wrong type or an invalid value.
    E002 => Error,
    /// A required field is missing.
    E003 => Error,
    /// The proposal names a form that does not exist.
    E004 => Error,
    /// An amount is written as a TOML float.
    E010 => Error,
    /// An amount string cannot be read as a Danish number.
    E011 => Error,
    /// The table's years are not strictly increasing (or repeat).
    E012 => Error,
    /// A line has an amount for a year the table does not have.
    E013 => Error,
    /// A figure stated in the file differs from the computed one.
    E014 => Error,
    /// The FTE change per area does not add up to the stated total.
    E015 => Error,
    /// A section the form requires is missing or empty.
    E016 => Error,
    /// A section key the form does not know.
    E017 => Error,
    /// A year key that is not a year.
    E018 => Error,
    /// A budget table has no lines.
    E019 => Error,
    /// A section places a table that is not defined.
    E020 => Error,
    /// A ticked checkbox option the group does not have.
    E021 => Error,
    /// Too many ticks in a group (single choice, exclusive option, or a repeat).
    E022 => Error,
    /// A checkbox group the form does not have.
    E023 => Error,
    /// A section block without exactly one of text, heading, table.
    E024 => Error,
    /// A table of unknown kind or with keys its kind does not use.
    E025 => Error,
    /// The agreement's amounts come from something that is not a ledger table.
    E026 => Error,
    /// A request without exactly one of amount or parts.
    E027 => Error,
    /// Lists nested deeper than the typesetter allows.
    E028 => Error,
    /// A character the bundled fonts cannot print.
    E029 => Error,
    /// A catalogue names a proposal file that does not exist.
    E030 => Error,
    /// A catalogue names the same proposal twice.
    E031 => Error,
    /// A catalogue's frame has a unit budgetnote does not know.
    E032 => Error,
    /// Two proposals in one catalogue share an id.
    E033 => Error,
    /// A proposal in the catalogue has errors, so the annex is not written.
    E034 => Error,
    /// A logo without alt text.
    E035 => Error,
    /// A logo file that is missing, outside the project, or not an image.
    E036 => Error,
    /// An amount against its line's sign convention (a saving with a plus).
    E037 => Error,
    /// A line's committee abbreviation is not in the register.
    E038 => Error,
    /// A line's committee is not among the proposal's committees.
    E039 => Error,
    /// A proposal id used by another file of the run.
    E040 => Error,
    /// A stated Udgiftstype that differs from the lines' expense types.
    E041 => Error,
    /// An account number that is malformed or not in the chart of accounts.
    E042 => Error,
    /// An unknown key close to a known key of the same table: a typo that would silently switch a
    /// check off (`stated_nets` for `stated_net`).
    E043 => Error,
    /// A label the profile renames that the form does not print.
    E044 => Error,
    /// A control character, NUL, byte-order mark or other invisible code point in a text.
    E050 => Error,
    /// A word too long to break into lines, or a one-line field too long for the PDF.
    E051 => Error,
    /// A Markdown link without an address, or with one too long for a PDF.
    E052 => Error,
    /// Emphasis, bold and links nested deeper than the typesetter parses.
    E053 => Error,
    /// A logo image too large to typeset (file size or pixels).
    E054 => Error,
    /// A catalogue frame too small to measure proposals against.
    E055 => Error,
    /// The typesetter or the PDF standard refused the file's content (found by typesetting during check).
    E056 => Error,
    /// budgetnote itself failed while typesetting the file (a fault in budgetnote, not in the file).
    E057 => Error,
    /// An acknowledgement of a warning that is malformed: no reason, or not a warning code.
    E058 => Error,
    /// A file that is not a regular file (a folder, FIFO, device or socket).
    E060 => Error,
    /// A file larger than the limit (10 MB for TOML).
    E061 => Error,
    /// A catalogue entry, or a symlink found in a folder, leads outside the project root.
    E062 => Error,
    /// Two inputs would be written to one output file, or a PDF belongs to another input.
    E063 => Error,
    /// An input's file name is too long for its PDF and temp file.
    E064 => Error,
    /// The same figure in two tables (a repeated row, or one declared with `same_as`) differs.
    E065 => Error,
    /// A ledger column is declared wrongly: a duplicate key, or a formula naming no usable column.
    E066 => Error,
    /// A ledger's rows are grouped wrongly: an unknown level, a row without its group, a stated
    /// subtotal of no group.
    E067 => Error,
    /// A figure has more decimals than its table prints.
    E068 => Error,
    /// `same_as` names a table or row the proposal does not have.
    E069 => Error,
    /// A catalogue's savings target is not below zero (savings are negative).
    E070 => Error,
    /// A catalogue has both a frame and a savings target.
    E071 => Error,
    /// A group total stated in a catalogue differs from its proposals' sum.
    E072 => Error,
    /// A catalogue states the total of a group its overview does not have, or states it twice.
    E073 => Error,
    /// A catalogue's selection names a proposal id the catalogue does not hold.
    E074 => Error,
    /// A catalogue's selection repeats a proposal or another selection's name, or is empty.
    E075 => Error,
    /// A catalogue's unit is not known.
    E076 => Error,
    /// A key of a catalogue's target or group total is not a year.
    E077 => Error,
    /// A table is too wide for the page, even in the smallest type.
    E078 => Error,
    /// An amendment's amounts table is missing, not a ledger, not grouped by `group`, or has no
    /// net row.
    E090 => Error,
    /// An amendment without changes or without financing.
    E091 => Error,
    /// An amendment's row in a group that is neither the changes nor the financing.
    E092 => Error,
    /// An amendment that does not state its net effect for every year.
    E093 => Error,
    /// An amendment ticked budget-neutral whose net effect is not 0 in a year.
    E094 => Error,
    /// A spreadsheet named by `from` cannot be read as the table needs it.
    E095 => Error,
    /// A spreadsheet cell named by `from` is not a usable figure or label.
    E096 => Error,
    /// An output asked for with `--format` refuses the content (the net under the known causes).
    E098 => Error,
    /// A Markdown link to an address that is not web, mail or relative (`javascript:`, `data:`).
    E105 => Error,
    /// A section's text (or an agreement's) longer than 1 MB, which the typesetter cannot hold.
    E106 => Error,
    /// A proposal's file name that is not UTF-8 text.
    E107 => Error,
    /// A savings catalogue's proposals together miss its target in a year.
    E110 => Error,
    /// An amount the text binds to a year ("2,5 mio. kr. i 2026") that is not that year's figure.
    E120 => Error,
    /// Arithmetic in words ("7,50 mio. kr. fratrukket 0,04 mio. kr. giver …") that does not add up.
    E121 => Error,
    /// The same quantity stated twice in the text with different figures.
    E122 => Error,
    /// An amount in the text a thousand times (or a thousandth of) a table figure.
    E123 => Error,
    /// A key `budgetnote` does not know (it would be silently ignored).
    W001 => Warning,
    /// A table is defined but placed in no section.
    W002 => Warning,
    /// An amount in the text that matches no figure in the tables.
    W003 => Warning,
    /// An årsværk figure in the text that the staff table does not explain.
    W004 => Warning,
    /// A period stated in the text that no table covers.
    W005 => Warning,
    /// A budget table with fewer than four years.
    W006 => Warning,
    /// A table in another price basis than the proposal's, or without one.
    W007 => Warning,
    /// A budget line whose expense type differs from its account's usual one.
    W008 => Warning,
    /// An acknowledgement that matches no warning of the file.
    W011 => Warning,
    /// An amount of money in the text written with a decimal point ("2.5 mio. kr.").
    W012 => Warning,
    /// An amendment's financing line with a plus (a merudgift or mindreindtægt).
    W016 => Warning,
    /// An amount a year in the text ("2,8 mio. kr. årligt") that holds in some years only.
    W025 => Warning,
    /// A total in the text that the parts it lists do not make ("i alt 12,5, heraf 4,2 og 8,23").
    W026 => Warning,
    /// Two rows share a label in tables that may not mean the same, and their figures differ.
    W030 => Warning,
    /// A proposal in a savings catalogue adds to the budget in a year (a saving with a plus).
    W031 => Warning,
    /// A figure ten or a thousand times the other figures of its row.
    W032 => Warning,
    /// A table's unit makes its total a thousand times the text's (or a thousandth of it).
    W033 => Warning,
    /// An amount the text binds to a year no table of the proposal has.
    W044 => Warning,
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
        // An acknowledged error (E110, E120-E123) is a decision the file states: it withholds
        // nothing, and is counted with the acknowledged warnings.
        match self.acknowledged {
            Some(_) => Severity::Warning,
            None => self.code.severity(),
        }
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
