//! One file read into its checked document: the text read once through the bounded reader,
//! parsed into the spanned model, validated, and every registered check run on the result.

use std::path::{Path, PathBuf};

use crate::checked::CheckedProposal;
use crate::diagnostic::{self, FileReport};
use crate::error::AppError;
use crate::{acknowledge, checks, config, files, forms, model, parse, sheets, source, validate};

/// The result of checking one file: its report, and the proposal if it has no errors.
#[derive(Debug, Clone)]
pub struct Checked {
    /// Source and diagnostics.
    pub report: FileReport,
    /// The checked proposal, present only when the report has no errors.
    pub proposal: Option<CheckedProposal>,
}

/// Parses and validates one proposal's source text against the bundled forms, without a profile
/// or a project.
pub fn check_source(path: &Path, source: String) -> Checked {
    check_source_with(
        path,
        source,
        forms::Forms::bundled(),
        &config::Profile::default(),
        None,
    )
}

/// Reads a proposal's text into its spanned view once, parses and validates it against `forms`
/// with the defaults of `profile`, runs every registered check (those that need the project only
/// when `project` is given), and applies the file's acknowledgements. Spreadsheets are read from
/// the working tree.
pub fn check_source_with(
    path: &Path,
    source: String,
    forms: &forms::Forms,
    profile: &config::Profile,
    project: Option<&checks::ProjectData<'_>>,
) -> Checked {
    let root = project.map_or_else(|| path.parent().unwrap_or(Path::new(".")), |p| p.root);
    let sources = crate::sources::WorkTree::new(root);
    check_source_in(path, source, forms, profile, project, &sources).0
}

/// [`check_source_with`], reading the spreadsheets the proposal names from `sources` (the
/// working tree or a git revision); also returns the parsed model with its spreadsheet figures
/// filled in, when the text could be parsed (even if validation then failed), so a caller can
/// still see the figures of a proposal with errors.
pub fn check_source_in(
    path: &Path,
    source: String,
    forms: &forms::Forms,
    profile: &config::Profile,
    project: Option<&checks::ProjectData<'_>>,
    sources: &dyn crate::sources::Sources,
) -> (Checked, Option<model::Proposal>) {
    let view = source::SourceView::new(&source);
    let (mut model, mut diagnostics) = parse::parse_view::<model::Proposal>(&view);
    // Figures named by `from` are read from their spreadsheets before validation, so every
    // check applies to them as to typed ones; outside a project, files beside the proposal.
    if let Some(m) = model.as_mut() {
        diagnostics.extend(sheets::resolve_in(m, path, sources));
        if let Some(p) = project {
            committee_names(m, p.committees);
        }
    }
    let proposal = model.as_ref().and_then(|m| {
        let (checked, more) = validate::validate(m, &source, forms, profile);
        diagnostics.extend(more);
        checked
    });
    let prose = checks::prose::strings(&view);
    diagnostics.extend(checks::run(&checks::Context {
        view: &view,
        prose: &prose,
        proposal: proposal.as_ref(),
        project,
    }));
    acknowledge::apply(&view, &mut diagnostics);
    let mut report = FileReport {
        path: path.to_owned(),
        source,
        diagnostics,
    };
    report.sort();
    let proposal = if report.has_errors() { None } else { proposal };
    (Checked { report, proposal }, model)
}

/// A ledger row's committee written as a registered abbreviation ("BUU") prints as the
/// register's full name, as its group heading and subtotal say it.
fn committee_names(
    model: &mut model::Proposal,
    register: &std::collections::BTreeMap<String, toml::Spanned<String>>,
) {
    for table in model.tables.values_mut() {
        for row in &mut table.get_mut().rows {
            if let Some(committee) = row.get_mut().committee.as_mut()
                && let Some(name) = register.get(committee.get_ref().trim())
            {
                *committee.get_mut() = name.get_ref().trim().to_owned();
            }
        }
    }
}

/// E040 per file for proposal ids used by an earlier file among `paths` (catalogues and
/// unreadable files are skipped; they are reported when checked).
pub fn duplicate_ids(
    paths: &[PathBuf],
) -> std::collections::HashMap<PathBuf, diagnostic::Diagnostic> {
    let sources: Vec<(PathBuf, String)> = paths
        .iter()
        .filter_map(|p| files::read_toml_quietly(p).map(|s| (p.clone(), s)))
        .filter(|(_, s)| !is_catalogue(s))
        .collect();
    duplicate_ids_among(&sources)
}

/// [`duplicate_ids`] over proposals already read: `(path, text)` in the order of the run.
pub fn duplicate_ids_among(
    proposals: &[(PathBuf, String)],
) -> std::collections::HashMap<PathBuf, diagnostic::Diagnostic> {
    checks::identity::duplicate_ids(proposals)
}

/// Adds an E040 (a duplicate id found across files) to a checked file, withholding its PDF.
pub fn add_duplicate(mut checked: Checked, duplicate: Option<&diagnostic::Diagnostic>) -> Checked {
    if let Some(d) = duplicate {
        checked.report.diagnostics.push(d.clone());
        checked.report.sort();
        checked.proposal = None;
    }
    checked
}

/// Reads, parses and validates one proposal file.
pub fn check_file(path: &Path) -> Result<Checked, AppError> {
    match read_text(path)? {
        Ok(source) => Ok(check_source(path, source)),
        Err(report) => Ok(Checked {
            report,
            proposal: None,
        }),
    }
}

/// A path as text with `/` between its parts, each byte that is not UTF-8 written `\xNN`
/// (`proposals/b\xf8rn.toml`), so a name that is not text is shown as it is, not garbled.
pub fn escaped_name(path: &Path) -> String {
    let parts: Vec<String> = path
        .components()
        .map(|part| {
            let mut shown = String::new();
            for chunk in part.as_os_str().as_encoded_bytes().utf8_chunks() {
                shown.push_str(chunk.valid());
                for byte in chunk.invalid() {
                    shown.push_str(&format!("\\x{byte:02x}"));
                }
            }
            shown
        })
        .collect();
    parts.join("/")
}

/// E107 when the name of the file at `path` (its path from the project root `root`, or its own
/// name when it lies elsewhere) is not UTF-8: its PDF, the manifest, a web page's link and the
/// terminal could only show it garbled, and git hosts and other systems mangle it. `check`,
/// `render` and `diff` (at both revisions) report it alike, naming the bytes that are not text
/// as `\xNN`.
pub fn name_not_utf8(root: &Path, path: &Path) -> Option<diagnostic::Diagnostic> {
    let name = path.strip_prefix(root).unwrap_or(path);
    let name: PathBuf = if name.is_relative() {
        name.components()
            .filter(|c| *c != std::path::Component::CurDir)
            .collect()
    } else {
        PathBuf::from(path.file_name()?)
    };
    if name.to_str().is_some() {
        return None;
    }
    let shown = escaped_name(&name);
    Some(
        diagnostic::Diagnostic::new(
            diagnostic::Code::E107,
            format!("the file name \"{shown}\" is not UTF-8 text"),
            None,
        )
        .with_help(
            "rename the file (letters such as æ, ø and å saved by an old program are often the \
             cause)",
        ),
    )
}

/// Reads a user's file as text; a file that is not UTF-8 (E001), not a regular file (E060) or
/// larger than 10 MB (E061) is the user's error, reported for that file, not an I/O one.
pub fn read_text(path: &Path) -> Result<Result<String, FileReport>, AppError> {
    let root = path.parent().unwrap_or(Path::new("."));
    read_text_in(&crate::sources::WorkTree::new(root), path)
}

/// [`read_text`] from `sources`: the working tree reads a named file wherever it lies, a git
/// revision reads its blob (its size checked before it is read, so a blob over 10 MB is E061).
pub fn read_text_in(
    sources: &dyn crate::sources::Sources,
    path: &Path,
) -> Result<Result<String, FileReport>, AppError> {
    text_from(
        path,
        sources.read_named(path, files::TOML_LIMIT),
        &sources.label(),
    )
}

/// A file's bytes as read from a source (at `label`) as text, or the report of why they are not
/// text (E001, E060, E061).
pub fn text_from(
    path: &Path,
    read: Result<Vec<u8>, crate::sources::SourceError>,
    label: &str,
) -> Result<Result<String, FileReport>, AppError> {
    let unreadable = |diagnostic: Option<diagnostic::Diagnostic>| {
        Ok(Err(FileReport {
            path: path.to_owned(),
            source: String::new(),
            diagnostics: diagnostic.into_iter().collect(),
        }))
    };
    let bytes = match read {
        Ok(bytes) => bytes,
        Err(crate::sources::SourceError::Read(files::ReadError::Io(e))) => {
            return Err(AppError(format!("cannot read {}: {e}", path.display())));
        }
        Err(crate::sources::SourceError::Read(err)) => {
            return unreadable(err.diagnostic(path, None));
        }
        Err(err) => {
            return Err(AppError(format!(
                "cannot read {} at {label}: {err}",
                path.display()
            )));
        }
    };
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Ok(text)),
        Err(err) => {
            let at = err.utf8_error().valid_up_to();
            let source = String::from_utf8_lossy(err.as_bytes()).into_owned();
            let diagnostic = diagnostic::Diagnostic::new(
                diagnostic::Code::E001,
                "the file is not UTF-8 text",
                Some(at..at),
            )
            .with_help("save the file as UTF-8 (most editors: \"Save with encoding\" → UTF-8)");
            Ok(Err(FileReport {
                path: path.to_owned(),
                source,
                diagnostics: vec![diagnostic],
            }))
        }
    }
}

/// What a budget file is, decided once from its text when it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A budget proposal (the default: any text without a top-level `catalogue` table).
    Proposal,
    /// A catalogue: a top-level `catalogue` table listing proposals for one annex.
    Catalogue,
}

impl Kind {
    /// What a TOML text is (see [`is_catalogue`]).
    pub fn of(text: &str) -> Self {
        if is_catalogue(text) {
            Self::Catalogue
        } else {
            Self::Proposal
        }
    }
}

/// A budget file's text as read once, with what it is.
#[derive(Debug, Clone)]
pub struct Text {
    /// Proposal or catalogue.
    pub kind: Kind,
    /// The file's text.
    pub text: String,
}

/// A file read once through the bounded reader: its text and kind, or the report of why it is
/// not text (E001, E060, E061); an I/O failure is an [`AppError`].
pub type Read = Result<Result<Text, FileReport>, AppError>;

/// Reads a budget file once from the working tree and says what it is (the one reader every
/// command uses instead of reading again to ask [`is_catalogue`]).
pub fn read(path: &Path) -> Read {
    kind_of(read_text(path))
}

/// [`read`] from `sources` (the working tree or a git revision).
pub fn read_in(sources: &dyn crate::sources::Sources, path: &Path) -> Read {
    kind_of(read_text_in(sources, path))
}

/// [`text_from`], also saying what the text is.
pub fn read_from(
    path: &Path,
    read: Result<Vec<u8>, crate::sources::SourceError>,
    label: &str,
) -> Read {
    kind_of(text_from(path, read, label))
}

/// A text read (or not) with its kind decided.
fn kind_of(read: Result<Result<String, FileReport>, AppError>) -> Read {
    Ok(read?.map(|text| Text {
        kind: Kind::of(&text),
        text,
    }))
}

/// Whether a TOML text is a catalogue (it has a top-level `catalogue` table).
///
/// A text that neither contains the word nor a Unicode escape (which could spell it inside a
/// quoted key) cannot have the key, so it is not parsed: render asks this several times per
/// file, and a full parse costs about as much as the rest of the file's checks.
pub fn is_catalogue(source: &str) -> bool {
    let may_name_it =
        source.contains("catalogue") || source.contains("\\u") || source.contains("\\U");
    may_name_it
        && toml::de::DeTable::parse(source).is_ok_and(|t| t.get_ref().contains_key("catalogue"))
}
