//! Typesetting in-process: a `typst::World` over the project root, compile, and PDF export.
//!
//! Fonts come only from `fonts/`, files only from inside the project root, never the network;
//! the clock is fixed per document so the same input gives the same bytes.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex};

use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration, IntoValue};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Feature, Library, LibraryExt, World, WorldExt};
use typst_layout::PagedDocument;

/// The one file id every generated document uses as its main file (ids are never freed).
static MAIN_ID: LazyLock<Option<FileId>> = LazyLock::new(|| {
    VirtualPath::new("/budgetnote-main.typ")
        .ok()
        .map(|vpath| RootedPath::new(VirtualRoot::Project, vpath).intern())
});

/// What every document shares: library, fonts, and the files read from the root.
pub struct Typesetter {
    /// Canonical project root; no file outside it is read.
    root: PathBuf,
    /// Typst's standard library.
    library: LazyHash<Library>,
    /// Metadata of the bundled fonts.
    book: LazyHash<FontBook>,
    /// The bundled fonts.
    fonts: Vec<Font>,
    /// Files read so far, by id (templates, images), read once per run.
    files: Mutex<HashMap<FileId, FileResult<Bytes>>>,
    /// Typst sources parsed so far, by id (the shared layout file), parsed once per run.
    sources: Mutex<HashMap<FileId, FileResult<Source>>>,
}

/// A document to typeset: its Typst source and the date that pins its clock and timestamp.
pub struct Job<'a> {
    /// Generated Typst source.
    pub source: String,
    /// (year, month, day) used for `today()` and the PDF timestamp.
    pub date: (u16, u8, u8),
    /// Stable identifier of the document (the proposal id).
    pub ident: &'a str,
    /// The output format.
    pub format: crate::export::Format,
}

impl Typesetter {
    /// Loads the standard library, the bundled fonts and the project's own under `<root>/fonts`.
    pub fn new(root: &Path) -> Result<Arc<Self>, String> {
        Self::with_inputs(root, &[])
    }

    /// [`Self::new`] with `sys.inputs` for the templates, e.g. the profile's colours
    /// (`("accent", "#1f3864")`).
    pub fn with_inputs(root: &Path, inputs: &[(&str, String)]) -> Result<Arc<Self>, String> {
        let root = root
            .canonicalize()
            .map_err(|e| format!("cannot open project root {}: {e}", root.display()))?;
        let fonts = load_fonts(&root.join("fonts"))?;
        Ok(Arc::new(Self {
            // `a11y-extras` gives `pdf.header-cell`, which marks the row headers of tables.
            library: LazyHash::new(
                Library::builder()
                    .with_features([Feature::A11yExtras].into_iter().collect())
                    .with_inputs(
                        inputs
                            .iter()
                            .map(|(k, v)| ((*k).into(), v.as_str().into_value()))
                            .collect(),
                    )
                    .build(),
            ),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
            root,
            files: Mutex::new(HashMap::new()),
            sources: Mutex::new(HashMap::new()),
        }))
    }

    /// The bundled fonts.
    pub fn fonts(&self) -> &[Font] {
        &self.fonts
    }

    /// Compiles a document and exports it to PDF bytes with a pinned timestamp, ident and
    /// creator; every error of either step with where in the generated source it arose. A panic
    /// inside typst is caught and returned as a refusal too, so one document never takes down
    /// a batch.
    pub fn typeset(&self, job: &Job<'_>) -> Result<Vec<u8>, Vec<Refusal>> {
        let run = std::panic::AssertUnwindSafe(|| self.typeset_unguarded(job));
        std::panic::catch_unwind(run).unwrap_or_else(|panic| {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "no message".to_owned());
            Err(vec![Refusal {
                message: format!("internal error in the typesetter: {what}"),
                hints: Vec::new(),
                range: None,
                internal: true,
            }])
        })
    }

    /// [`Self::typeset`] without the panic guard.
    fn typeset_unguarded(&self, job: &Job<'_>) -> Result<Vec<u8>, Vec<Refusal>> {
        let main_id =
            (*MAIN_ID).ok_or_else(|| vec![Refusal::internal("cannot create the main file id")])?;
        let world = DocWorld {
            shared: self,
            main: Source::new(main_id, job.source.clone()),
            today: date_of(job.date),
        };
        let document = typst::compile::<PagedDocument>(&world)
            .output
            .map_err(|errors| refusals(&world, &errors))?;
        crate::export::export(&document, job).map_err(|errors| refusals(&world, &errors))
    }

    /// Lays out `source` as the main file numbered `part` (each part of an annex has its own
    /// file id, so the locations of its elements differ from every other part's), with the
    /// clock of `date`; no export.
    pub fn compile_part(
        &self,
        part: usize,
        source: String,
        date: (u16, u8, u8),
    ) -> Result<PagedDocument, Vec<Refusal>> {
        let main_id = VirtualPath::new(format!("/budgetnote-part-{part}.typ"))
            .ok()
            .map(|vpath| RootedPath::new(VirtualRoot::Project, vpath).intern())
            .ok_or_else(|| vec![Refusal::internal("cannot create a part's file id")])?;
        let world = DocWorld {
            shared: self,
            main: Source::new(main_id, source),
            today: date_of(date),
        };
        typst::compile::<PagedDocument>(&world)
            .output
            .map_err(|errors| refusals(&world, &errors))
    }

    /// Parses a Typst file from inside the root, once.
    fn source(&self, id: FileId) -> FileResult<Source> {
        let mut sources = self.sources.lock().map_err(|_| FileError::Other(None))?;
        if let Some(source) = sources.get(&id) {
            return source.clone();
        }
        let source = self.file(id).and_then(|bytes| {
            let text = std::str::from_utf8(&bytes).map_err(|_| FileError::InvalidUtf8)?;
            Ok(Source::new(id, text.into()))
        });
        sources.insert(id, source.clone());
        source
    }

    /// Reads a file from inside the root, once.
    fn file(&self, id: FileId) -> FileResult<Bytes> {
        let mut files = self.files.lock().map_err(|_| FileError::Other(None))?;
        files
            .entry(id)
            .or_insert_with(|| read_inside(&self.root, id))
            .clone()
    }
}

/// A typst date from (year, month, day); `None` if it is not a calendar date.
fn date_of((year, month, day): (u16, u8, u8)) -> Option<Datetime> {
    Datetime::from_ymd(i32::from(year), month, day)
}

/// The bundled template at `path` (inside `<root>/templates/`), if there is one.
fn bundled(root: &Path, path: &Path) -> Option<Bytes> {
    let relative = path.strip_prefix(root.join("templates")).ok()?;
    let name = relative.to_str()?.replace('\\', "/");
    crate::bundle::template(&name).map(|text| Bytes::new(text.as_bytes()))
}

/// Reads the file `id` names, refusing anything that resolves outside `root`.
fn read_inside(root: &Path, id: FileId) -> FileResult<Bytes> {
    if !matches!(id.root(), VirtualRoot::Project) {
        return Err(FileError::Other(Some(
            "packages are not used by budgetnote".into(),
        )));
    }
    let path = id
        .vpath()
        .realize(root)
        .map_err(|_| FileError::AccessDenied)?;
    let real = match path.canonicalize() {
        Ok(real) => real,
        // A shared template the project does not have comes from the binary.
        Err(e) => {
            return bundled(root, &path).ok_or_else(|| FileError::from_io(e, &path));
        }
    };
    if !real.starts_with(root) {
        return Err(FileError::AccessDenied);
    }
    if real.is_dir() {
        return Err(FileError::IsDirectory);
    }
    std::fs::read(&real)
        .map(Bytes::new)
        .map_err(|e| FileError::from_io(e, &real))
}

/// The bundled fonts, then every font file under `dir` (if it exists) that is not one of them
/// by name, in name order so font indices (and so the PDF bytes) are stable.
fn load_fonts(dir: &Path) -> Result<Vec<Font>, String> {
    let mut fonts: Vec<Font> = crate::bundle::FONTS
        .iter()
        .flat_map(|(_, data)| Font::iter(Bytes::new(*data)))
        .collect();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    paths.retain(|p| {
        let bundled = p
            .file_name()
            .is_some_and(|n| crate::bundle::FONTS.iter().any(|(name, _)| n == *name));
        !bundled
            && p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                matches!(
                    e.to_ascii_lowercase().as_str(),
                    "ttf" | "otf" | "ttc" | "otc"
                )
            })
    });
    paths.sort();
    for path in paths {
        let data = std::fs::read(&path)
            .map_err(|e| format!("cannot read font {}: {e}", path.display()))?;
        fonts.extend(Font::iter(Bytes::new(data)));
    }
    if fonts.is_empty() {
        return Err(format!("no fonts found in {}", dir.display()));
    }
    Ok(fonts)
}

/// Why typst refused a document: its message and hints, and where in the generated source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// Typst's message, e.g. "URL must not be empty".
    pub message: String,
    /// Typst's hints.
    pub hints: Vec<String>,
    /// Byte range in the generated main source, when the error points there.
    pub range: Option<Range<usize>>,
    /// Whether budgetnote itself failed (a panic, a setup error), not the document's content.
    pub internal: bool,
}

impl Refusal {
    /// A refusal that is budgetnote's own failure.
    pub(crate) fn internal(message: &str) -> Self {
        Self {
            message: message.to_owned(),
            hints: Vec::new(),
            range: None,
            internal: true,
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Typst's errors as refusals, each with its range in the generated source.
fn refusals(world: &DocWorld<'_>, errors: &[SourceDiagnostic]) -> Vec<Refusal> {
    errors
        .iter()
        .map(|e| Refusal {
            message: e.message.to_string(),
            hints: e.hints.iter().map(|h| h.v.to_string()).collect(),
            // Where the error is, or else the innermost call in the generated source that led
            // to it (a refusal inside a shared layout function is at the call's arguments).
            range: std::iter::once(e.span)
                .chain(e.trace.iter().map(|t| t.span.into()))
                .find(|span| span.id() == Some(world.main.id()))
                .and_then(|span| world.range(span)),
            internal: false,
        })
        .collect()
}

/// The world of one document: shared resources plus its own main source and clock.
struct DocWorld<'a> {
    /// Library, fonts and file cache.
    shared: &'a Typesetter,
    /// The generated Typst source.
    main: Source,
    /// The fixed date `today()` returns.
    today: Option<Datetime>,
}

impl World for DocWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.shared.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.shared.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            return Ok(self.main.clone());
        }
        self.shared.source(id)
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main.id() {
            return Ok(Bytes::from_string(self.main.clone()));
        }
        self.shared.file(id)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.shared.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        self.today
    }
}
