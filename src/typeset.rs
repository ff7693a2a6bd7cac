//! Typesetting in-process: a `typst::World` over the project root, compile, and PDF export.
//!
//! Fonts come only from `fonts/`, files only from inside the project root, never the network;
//! the clock is fixed per document so the same input gives the same bytes.

use std::collections::{BTreeMap, HashMap, HashSet};
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
    /// Hash of the `sys.inputs` the templates see.
    inputs: String,
    /// Hash of the project's own fonts' bytes (the bundled ones are part of the build), computed
    /// when the render cache first needs it.
    fonts_hash: std::sync::OnceLock<String>,
    /// Hashes of the files read so far, by id, for the render cache.
    hashes: Mutex<HashMap<FileId, String>>,
}

/// A typeset PDF with every file of the project its typesetting read (root-relative path and the
/// hash of the bytes read), for the render cache.
pub struct Typeset {
    /// The PDF's bytes.
    pub bytes: Vec<u8>,
    /// The files read, by root-relative path, with the hash of their bytes.
    pub files: BTreeMap<String, String>,
}

/// A document to typeset: its Typst source and the date that pins its clock and timestamp.
pub struct Job<'a> {
    /// Generated Typst source.
    pub source: String,
    /// (year, month, day) used for `today()` and the PDF timestamp.
    pub date: (u16, u8, u8),
    /// Stable identifier of the document (the proposal id).
    pub ident: &'a str,
}

impl Typesetter {
    /// Loads the standard library, the bundled fonts and the project's own under `<root>/fonts`
    /// (from the working tree).
    pub fn new(root: &Path) -> Result<Arc<Self>, String> {
        let fonts = load_fonts(&crate::sources::WorkTree::new(root), &root.join("fonts"))?;
        Self::with_fonts(root, fonts, &[])
    }

    /// A typesetter over the project at `root` with `fonts` (see [`load_fonts`]) and
    /// `sys.inputs` for the templates, e.g. the profile's colours (`("accent", "#1f3864")`).
    pub fn with_fonts(
        root: &Path,
        fonts: Vec<Font>,
        inputs: &[(&str, String)],
    ) -> Result<Arc<Self>, String> {
        let root = root
            .canonicalize()
            .map_err(|e| format!("cannot open project root {}: {e}", root.display()))?;
        let mut hasher = crate::cache::Hasher::default();
        for (key, value) in inputs {
            hasher.part(key.as_bytes()).part(value.as_bytes());
        }
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
            inputs: hasher.finish(),
            fonts_hash: std::sync::OnceLock::new(),
            hashes: Mutex::new(HashMap::new()),
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
        self.typeset_recording(job).map(|typeset| typeset.bytes)
    }

    /// [`Self::typeset`], also returning every project file the typesetting read with the hash
    /// of its bytes.
    pub fn typeset_recording(&self, job: &Job<'_>) -> Result<Typeset, Vec<Refusal>> {
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

    /// [`Self::typeset_recording`] without the panic guard.
    fn typeset_unguarded(&self, job: &Job<'_>) -> Result<Typeset, Vec<Refusal>> {
        let main_id =
            (*MAIN_ID).ok_or_else(|| vec![Refusal::internal("cannot create the main file id")])?;
        let world = DocWorld {
            shared: self,
            main: Source::new(main_id, job.source.clone()),
            today: date_of(job.date),
            read: Mutex::new(HashSet::new()),
        };
        let document = typst::compile::<PagedDocument>(&world)
            .output
            .map_err(|errors| refusals(&world, &errors))?;
        let bytes = crate::pdf::export(&document, job.ident, job.date)
            .map_err(|errors| refusals(&world, &errors))?;
        let files = self.recorded(world.read.into_inner().unwrap_or_default());
        Ok(Typeset { bytes, files })
    }

    /// The files typst read, by root-relative path, with the hash of their bytes.
    fn recorded(&self, read: HashSet<FileId>) -> BTreeMap<String, String> {
        read.into_iter()
            .map(|id| (id.vpath().get_with_slash().to_owned(), self.file_hash(id)))
            .collect()
    }

    /// The render cache's key of a document: a hash of budgetnote's build (with its fonts), the
    /// project's own fonts, the `sys.inputs`, the PDF's options and the generated source. `None`
    /// when the build cannot be identified (then no document is kept).
    pub fn key(&self, job: &Job<'_>) -> Option<String> {
        let build = crate::cache::build_id()?;
        let fonts = self.fonts_hash.get_or_init(|| {
            let mut hasher = crate::cache::Hasher::default();
            // The bundled fonts are part of the build (its id is in the key): hashing their
            // 2.8 MB cost more than typesetting a one-page proposal in a fresh process.
            for font in self.fonts.iter().filter(|f| !is_bundled(f)) {
                hasher
                    .part(font.data().as_slice())
                    .part(&font.index().to_le_bytes());
            }
            hasher.finish()
        });
        let (year, month, day) = job.date;
        let mut hasher = crate::cache::Hasher::default();
        hasher
            .part(build.as_bytes())
            .part(fonts.as_bytes())
            .part(self.inputs.as_bytes())
            .part(&year.to_le_bytes())
            .part(&[month, day])
            .part(job.ident.as_bytes())
            .part(b"pdf")
            .part(job.source.as_bytes());
        Some(hasher.finish())
    }

    /// Whether every file in `files` (as [`Typeset::files`] records them) still has the bytes
    /// it had.
    pub fn files_unchanged(&self, files: &BTreeMap<String, String>) -> bool {
        files.iter().all(|(path, hash)| {
            VirtualPath::new(path)
                .ok()
                .map(|vpath| RootedPath::new(VirtualRoot::Project, vpath).intern())
                .is_some_and(|id| self.file_hash(id) == *hash)
        })
    }

    /// The hash of the file `id` as this run reads it (`-` when it cannot be read), once.
    fn file_hash(&self, id: FileId) -> String {
        if let Ok(hashes) = self.hashes.lock()
            && let Some(hash) = hashes.get(&id)
        {
            return hash.clone();
        }
        let hash = self
            .file(id)
            .map_or_else(|_| "-".to_owned(), |bytes| crate::cache::hash(&bytes));
        if let Ok(mut hashes) = self.hashes.lock() {
            hashes.insert(id, hash.clone());
        }
        hash
    }

    /// Lays out `source` as the main file numbered `part` (each part of an annex has its own
    /// file id, so the locations of its elements differ from every other part's), with the
    /// clock of `date`; no export. Also returns the files it read, as [`Typeset::files`].
    pub fn compile_part(
        &self,
        part: usize,
        source: String,
        date: (u16, u8, u8),
    ) -> Result<(PagedDocument, BTreeMap<String, String>), Vec<Refusal>> {
        let main_id = VirtualPath::new(format!("/budgetnote-part-{part}.typ"))
            .ok()
            .map(|vpath| RootedPath::new(VirtualRoot::Project, vpath).intern())
            .ok_or_else(|| vec![Refusal::internal("cannot create a part's file id")])?;
        let world = DocWorld {
            shared: self,
            main: Source::new(main_id, source),
            today: date_of(date),
            read: Mutex::new(HashSet::new()),
        };
        let document = typst::compile::<PagedDocument>(&world)
            .output
            .map_err(|errors| refusals(&world, &errors))?;
        Ok((
            document,
            self.recorded(world.read.into_inner().unwrap_or_default()),
        ))
    }

    /// Whether the shared layout `templates/budgetnote.typ` that documents import is the one
    /// bundled with budgetnote (the project has none of its own, or the same bytes).
    pub fn layout_is_bundled(&self) -> bool {
        let Some(bundled) = crate::bundle::template("budgetnote.typ") else {
            return false;
        };
        VirtualPath::new("/templates/budgetnote.typ")
            .ok()
            .map(|vpath| RootedPath::new(VirtualRoot::Project, vpath).intern())
            .and_then(|id| self.file(id).ok())
            .is_some_and(|bytes| bytes.as_slice() == bundled.as_bytes())
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

/// Whether `font` is read from a font compiled into budgetnote (its bytes are the static data).
fn is_bundled(font: &Font) -> bool {
    let data = font.data().as_slice().as_ptr();
    crate::bundle::FONTS
        .iter()
        .any(|(_, bundled)| std::ptr::eq(bundled.as_ptr(), data))
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
    // Bounded like every other read: a FIFO (`#read("/pipe.txt")`) is refused on its handle
    // instead of waiting for a writer, a device is never read, and a huge file is not read whole.
    crate::files::read_regular(&real, FILE_LIMIT)
        .map(Bytes::new)
        .map_err(|e| file_error(e, path.strip_prefix(root).unwrap_or(&path)))
}

/// The most bytes typst reads from one file of the project (a template, an image, a
/// `#read`): the same 10 MB as a TOML file, far above any template or logo.
pub const FILE_LIMIT: u64 = crate::files::TOML_LIMIT;

/// The typst error for a file the bounded reader refused, naming the path as the project
/// writes it (`path`), so typst reports it at the `#read`, `#image` or `#import` naming it.
fn file_error(error: crate::files::ReadError, path: &Path) -> FileError {
    match error {
        crate::files::ReadError::Io(e) => FileError::from_io(e, path),
        refused @ (crate::files::ReadError::NotRegular(_)
        | crate::files::ReadError::TooLarge { .. }) => FileError::Other(Some(
            format!(
                "{} cannot be read: {refused} (budgetnote reads only regular files of at most {} MB)",
                path.display(),
                FILE_LIMIT / (1024 * 1024)
            )
            .into(),
        )),
    }
}

/// The largest font file read (a CJK font with every weight is about 30 MB).
const FONT_LIMIT: u64 = 64 * 1024 * 1024;

/// The bundled fonts, then every font file in the folder `dir` of `sources` (if it exists) that
/// is not one of them by name, in name order so font indices (and so the PDF bytes) are stable.
/// A font file is read like every other input: a regular file inside the project, bounded.
pub fn load_fonts(sources: &dyn crate::sources::Sources, dir: &Path) -> Result<Vec<Font>, String> {
    let mut fonts: Vec<Font> = crate::bundle::FONTS
        .iter()
        .flat_map(|(_, data)| Font::iter(Bytes::new(*data)))
        .collect();
    let mut paths: Vec<PathBuf> = sources.list(dir);
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
        let data = sources
            .read(&path, FONT_LIMIT)
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
    /// Every project file other than the main source that typst asked for.
    read: Mutex<HashSet<FileId>>,
}

impl DocWorld<'_> {
    /// Notes that typst read `id` (a file of the project, not the main source).
    fn note(&self, id: FileId) {
        if matches!(id.root(), VirtualRoot::Project)
            && let Ok(mut read) = self.read.lock()
        {
            read.insert(id);
        }
    }
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
        self.note(id);
        self.shared.source(id)
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main.id() {
            return Ok(Bytes::from_string(self.main.clone()));
        }
        self.note(id);
        self.shared.file(id)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.shared.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        self.today
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // A font compiled into budgetnote is told apart from the same bytes read from the project's
    // fonts/ folder, so the render cache hashes only the latter.
    #[test]
    fn bundled_fonts_are_told_from_project_fonts() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join("fonts")).unwrap();
        let (_, data) = crate::bundle::FONTS[0];
        std::fs::write(root.path().join("fonts/Extra.ttf"), data).unwrap();
        let typesetter = Typesetter::new(root.path()).unwrap();
        let fonts = typesetter.fonts();
        let own: Vec<&Font> = fonts.iter().filter(|f| !is_bundled(f)).collect();
        assert_eq!(fonts.len() - own.len(), crate::bundle::FONTS.len());
        assert_eq!(own.len(), 1);
        assert_eq!(own[0].data().as_slice(), data);
    }
}
