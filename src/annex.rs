//! A large catalogue annex typeset in parts: the front matter, each proposal and the page footers
//! are laid out as documents of their own, and their pages are joined into one document that is
//! exported once (one tagged PDF). Memory then holds the finished pages, not the layout caches
//! and earlier layout iterations of the whole annex, which grew to about 1.7 GB at 500 proposals.
//!
//! The catalogue template marks where its page set-up ends (`// budgetnote:front`) and where each
//! proposal begins (`// budgetnote:proposal`, before its `#pagebreak()`). Each proposal is typeset
//! without footers under its own main file id, so the locations of its elements (and so the
//! structure tags of the PDF) differ from every other part's; the joining checks that they do.
//! The front matter is typeset with one stub page per proposal whose page counter is set to the
//! page that proposal starts on, so `#outline` prints the right page numbers; the stub pages are
//! dropped and the contents' links are pointed at the real headings. The footers ("side X af Y")
//! come from one document of empty pages, one per page of the annex, laid over the pages.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use typst::foundations::{NativeElement, StyleChain};
use typst::introspection::{Introspector, Location, Tag};
use typst::layout::{Frame, FrameItem, Point};
use typst::model::{Destination, Document, HeadingElem};
use typst_layout::{Page, PagedDocument};

use crate::typeset::{Job, Typeset, Typesetter};

/// From how many proposals an annex is typeset in parts (a smaller one is typeset whole, as
/// before, which keeps the bundled annex byte for byte).
pub const PARTS_FROM: usize = 16;

/// The marker after the page set-up.
const FRONT_MARK: &str = "\n// budgetnote:front\n";

/// The marker before each proposal.
const PROPOSAL_MARK: &str = "\n// budgetnote:proposal\n";

/// What each proposal's piece starts with after its marker.
const PAGEBREAK: &str = "#pagebreak()\n";

/// Appended to the page set-up of every part but the footers: the footers are laid over later.
const NO_FOOTER: &str = "\n#set page(footer: none)\n";

/// What each proposal's part opens with: weak spacing (discarded at the top of a page) that
/// opens the part's first page run with an element from the part's own file, so the locations of
/// everything on that run differ from every other part's (a run is otherwise keyed by its first
/// element, a start tag that carries no span, and so alike in every part).
const OPENING: &str = "#v(0pt, weak: true)\n";

/// Stack of each part's thread (typst recurses deeply, as in `render`).
const STACK_SIZE: usize = 64 * 1024 * 1024;

/// Memoized layout results older than this many parts are evicted.
const EVICT_EVERY: usize = 8;

/// The generated source of an annex cut at the template's markers.
struct Cut<'a> {
    /// Imports and `#show: note.with(..)`.
    preamble: &'a str,
    /// Cover, contents and overview.
    front: &'a str,
    /// Each proposal's heading line and its text (from the heading on).
    proposals: Vec<(&'a str, &'a str)>,
}

/// Cuts `source` at its markers; `None` when it lacks them (a project's own catalogue template
/// without them) or a proposal's piece does not open with its page break and heading.
fn cut(source: &str) -> Option<Cut<'_>> {
    let (preamble, rest) = source.split_once(FRONT_MARK)?;
    let mut pieces = rest.split(PROPOSAL_MARK);
    let front = pieces.next()?;
    let proposals = pieces
        .map(|piece| {
            let body = piece.strip_prefix(PAGEBREAK)?;
            let heading = body.lines().next().filter(|l| l.starts_with("= "))?;
            Some((heading, body))
        })
        .collect::<Option<Vec<_>>>()?;
    Some(Cut {
        preamble,
        front,
        proposals,
    })
}

/// One proposal laid out: its pages and its headings.
struct Laid {
    /// The pages, without footers.
    pages: Vec<Page>,
    /// Its headings that an outline lists, in order: where each is, its page within the part
    /// (from 1), its level and its text.
    headings: Vec<Outlined>,
    /// The project files it read, with their hashes (for the render cache).
    files: BTreeMap<String, String>,
}

/// A heading an outline lists.
struct Outlined {
    /// Where it is.
    location: Location,
    /// Its page within its part, from 1.
    page: usize,
    /// Its level.
    level: usize,
    /// Its text.
    text: String,
}

/// Typesets the annex `job` in parts and exports the joined pages, with every project file the
/// parts read; `Err` says why it could not (no markers, a part refused, or the joined pages
/// failed a check), and the caller then typesets the annex whole, which reports any refusal at
/// its place in the generated source.
pub fn typeset(
    typesetter: &Typesetter,
    job: &Job<'_>,
    proposals: usize,
) -> Result<Typeset, String> {
    let run = std::panic::AssertUnwindSafe(|| typeset_unguarded(typesetter, job, proposals));
    std::panic::catch_unwind(run).unwrap_or_else(|_| Err("a part panicked".into()))
}

/// [`typeset`] without the panic guard.
fn typeset_unguarded(
    typesetter: &Typesetter,
    job: &Job<'_>,
    proposals: usize,
) -> Result<Typeset, String> {
    let cut = cut(&job.source).ok_or("the catalogue template has no part markers")?;
    numbering_stays(typesetter, &job.source)?;
    if cut.proposals.len() != proposals {
        return Err(format!(
            "{} proposal markers for {proposals} proposals",
            cut.proposals.len()
        ));
    }
    let mut laid = lay_out_proposals(typesetter, &cut, job.date)?;
    let (front, front_len, mut files) = lay_out_front(typesetter, &cut, &laid, job.date)?;
    typst::comemo::evict(1);
    let total = front_len + laid.iter().map(|l| l.pages.len()).sum::<usize>();
    let (footers, read) = lay_out_footers(typesetter, &cut, total, job.date)?;
    files.extend(read);
    for part in &mut laid {
        files.append(&mut part.files);
    }
    let document = join(&front, front_len, laid, &footers)?;
    drop((front, footers));
    typst::comemo::evict(1);
    let bytes = crate::pdf::export(&document, job.ident, job.date).map_err(|errors| {
        errors
            .iter()
            .map(|e| e.message.to_string())
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    Ok(Typeset { bytes, files })
}

/// What in a document's source could number or count across the whole document (headings,
/// figures, footnotes, a state or query): laid out in parts, such a count would start again in
/// every proposal.
const COUNTING: &[&str] = &[
    "counter",
    "numbering",
    "footnote",
    "state(",
    "query(",
    "locate(",
    "here(",
    "metadata(",
];

/// Whether the annex reads the same in parts as whole: the shared layout is the bundled one
/// (whose only count is the page footer, which the parts lay over the joined pages) and nothing
/// in the generated source counts across the document. Otherwise (a project's own
/// `budgetnote.typ` or form template that numbers headings, say) the annex is typeset whole.
fn numbering_stays(typesetter: &Typesetter, source: &str) -> Result<(), String> {
    if !typesetter.layout_is_bundled() {
        return Err("the project has its own shared layout".into());
    }
    match COUNTING.iter().find(|word| source.contains(*word)) {
        Some(word) => Err(format!(
            "the source uses `{word}`, which counts across the annex"
        )),
        None => Ok(()),
    }
}

/// The page set-up every part but the footers starts with.
fn setup(cut: &Cut<'_>) -> String {
    format!("{}{NO_FOOTER}", cut.preamble)
}

/// Lays out every proposal as a document of its own, on one thread per core, evicting the
/// memoized layout every few parts.
fn lay_out_proposals(
    typesetter: &Typesetter,
    cut: &Cut<'_>,
    date: (u16, u8, u8),
) -> Result<Vec<Laid>, String> {
    let setup = setup(cut);
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<Result<Laid, String>>>> =
        cut.proposals.iter().map(|_| Mutex::new(None)).collect();
    let workers = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(cut.proposals.len().max(1));
    std::thread::scope(|scope| {
        let mut handles = Vec::new();
        for n in 0..workers {
            let worker = || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&(_, body)) = cut.proposals.get(i) else {
                        break;
                    };
                    let source = format!("{setup}{OPENING}{body}");
                    let laid = lay_out_proposal(typesetter, source, i, date);
                    let failed = laid.is_err();
                    if let Ok(mut slot) = slots[i].lock() {
                        *slot = Some(laid);
                    }
                    if failed {
                        // The others need not be laid out: the annex is typeset whole instead.
                        next.store(cut.proposals.len(), Ordering::Relaxed);
                    }
                    if (done.fetch_add(1, Ordering::Relaxed) + 1).is_multiple_of(EVICT_EVERY) {
                        typst::comemo::evict(1);
                    }
                }
            };
            let handle = std::thread::Builder::new()
                .name(format!("annex-{n}"))
                .stack_size(STACK_SIZE)
                .spawn_scoped(scope, worker)
                .map_err(|e| format!("cannot start a thread: {e}"))?;
            handles.push(handle);
        }
        for handle in handles {
            handle.join().map_err(|_| "a part's thread stopped")?;
        }
        Ok::<(), String>(())
    })?;
    slots
        .into_iter()
        .map(|slot| {
            slot.into_inner()
                .ok()
                .flatten()
                .unwrap_or_else(|| Err("a part was not laid out".into()))
        })
        .collect()
}

/// Lays out proposal `i` of the annex from its `source`; its first heading must open its first
/// page.
fn lay_out_proposal(
    typesetter: &Typesetter,
    source: String,
    i: usize,
    date: (u16, u8, u8),
) -> Result<Laid, String> {
    let (document, files) = typesetter
        .compile_part(2 + i, source, date)
        .map_err(|_| format!("proposal {} was refused", i + 1))?;
    let headings = outlined(&document);
    if headings.first().is_none_or(|h| h.page != 1) {
        return Err(format!("proposal {} does not open with its heading", i + 1));
    }
    Ok(Laid {
        pages: document.pages().to_vec(),
        headings,
        files,
    })
}

/// The headings of `document` that an outline lists, in order.
fn outlined(document: &PagedDocument) -> Vec<Outlined> {
    let introspector = document.introspector();
    introspector
        .query(&HeadingElem::ELEM.select())
        .iter()
        .filter_map(|elem| {
            let heading = elem.to_packed::<HeadingElem>()?;
            if !heading.outlined.get(StyleChain::default()) {
                return None;
            }
            let location = elem.location()?;
            Some(Outlined {
                location,
                page: introspector.page(location)?.get(),
                level: heading.resolve_level(StyleChain::default()).get(),
                text: heading.body.plain_text().to_string(),
            })
        })
        .collect()
}

/// Lays out the front matter followed by stub pages: one for each page of the proposals that
/// has headings an outline lists, its page counter set to that page's number and the headings
/// on it (same level, same text). `#outline` then prints the page numbers the proposals' headings
/// have in the joined annex. Lays out again until the front matter's own length agrees with the
/// page numbers it assumed; returns it, how many of its pages are front matter, and the files it
/// read.
fn lay_out_front(
    typesetter: &Typesetter,
    cut: &Cut<'_>,
    laid: &[Laid],
    date: (u16, u8, u8),
) -> Result<(PagedDocument, usize, BTreeMap<String, String>), String> {
    let mut front_len = 1;
    for _ in 0..4 {
        let mut source = format!("{}{NO_FOOTER}{}", cut.preamble, cut.front);
        // The page each stub page stands for, in order.
        let mut stubbed: Vec<usize> = Vec::new();
        let mut start = front_len + 1;
        for part in laid {
            for heading in &part.headings {
                let page = start + heading.page - 1;
                if stubbed.last() != Some(&page) {
                    stubbed.push(page);
                    let _ = write!(source, "\n#pagebreak()\n#counter(page).update({page})\n");
                }
                let _ = writeln!(
                    source,
                    "#heading(level: {}, {})",
                    heading.level,
                    crate::markdown::typst_string(&heading.text)
                );
            }
            start += part.pages.len();
        }
        let (document, files) = typesetter
            .compile_part(0, source, date)
            .map_err(|_| "the front matter was refused")?;
        let len = document
            .pages()
            .len()
            .checked_sub(stubbed.len())
            .ok_or("the front matter has too few pages")?;
        if len == front_len {
            return Ok((document, front_len, files));
        }
        front_len = len;
    }
    Err("the front matter's length does not settle".into())
}

/// Lays out `total` empty pages with the annex's footers; also returns the files it read.
fn lay_out_footers(
    typesetter: &Typesetter,
    cut: &Cut<'_>,
    total: usize,
    date: (u16, u8, u8),
) -> Result<(PagedDocument, BTreeMap<String, String>), String> {
    let source = format!(
        "{}\n#for _ in range({}) {{ pagebreak() }}\n",
        cut.preamble,
        total.saturating_sub(1)
    );
    let (document, files) = typesetter
        .compile_part(1, source, date)
        .map_err(|_| "the footers were refused")?;
    if document.pages().len() != total {
        return Err(format!(
            "{} footer pages for {total} pages",
            document.pages().len()
        ));
    }
    Ok((document, files))
}

/// Joins the front matter's first `front_len` pages (its contents linked to the real headings)
/// and the proposals' pages, lays the footers over them and numbers them; checks that no two
/// parts share an element location and that no link is left pointing at a stub page.
fn join(
    front: &PagedDocument,
    front_len: usize,
    laid: Vec<Laid>,
    footers: &PagedDocument,
) -> Result<PagedDocument, String> {
    // The headings on the stub pages stand, in order, for the proposals' headings, and each
    // must be on the stub page of its heading's page (none pushed onto a page of its own).
    let stubs: Vec<Outlined> = outlined(front)
        .into_iter()
        .filter(|h| h.page > front_len)
        .collect();
    let real: Vec<(usize, &Outlined)> = {
        let mut start = front_len + 1;
        let mut real = Vec::new();
        for part in &laid {
            real.extend(part.headings.iter().map(|h| (start + h.page - 1, h)));
            start += part.pages.len();
        }
        real
    };
    if stubs.len() != real.len() {
        return Err(format!(
            "{} stub headings for {} headings",
            stubs.len(),
            real.len()
        ));
    }
    let mut stub_page = front_len;
    let mut last = 0;
    for (stub, (page, heading)) in stubs.iter().zip(&real) {
        if *page != last {
            stub_page += 1;
            last = *page;
        }
        if stub.page != stub_page || stub.text != heading.text || stub.level != heading.level {
            return Err(format!("the stub of heading {:?} is off", heading.text));
        }
    }
    let relinks: HashMap<Location, Location> = stubs
        .iter()
        .zip(&real)
        .map(|(stub, (_, heading))| (stub.location, heading.location))
        .collect();
    let mut seen = HashSet::new();
    let mut pages = Vec::new();
    for page in &front.pages()[..front_len] {
        let mut page = page.clone();
        relink(&mut page.frame, &relinks);
        pages.push(page);
    }
    starts_unique(&pages, &mut seen)?;
    for part in laid {
        starts_unique(&part.pages, &mut seen)?;
        pages.extend(part.pages);
    }
    if pages.len() != footers.pages().len() {
        return Err("pages and footers differ in number".into());
    }
    starts_unique(footers.pages(), &mut seen)?;
    for (i, (page, footer)) in pages.iter_mut().zip(footers.pages()).enumerate() {
        page.number = i as u64 + 1;
        page.frame.push_frame(Point::zero(), footer.frame.clone());
    }
    let info = front.info().clone();
    let document = PagedDocument::new(pages.into_iter().collect(), info);
    let stubs: HashSet<Location> = stubs.iter().map(|s| s.location).collect();
    if document.pages().iter().any(|p| links_to(&p.frame, &stubs)) {
        return Err("a link still points at a stub page".into());
    }
    Ok(document)
}

/// Points links to a stub heading at the proposal's real heading.
fn relink(frame: &mut Frame, relinks: &HashMap<Location, Location>) {
    frame.retain(|item| {
        match item {
            FrameItem::Link(Destination::Location(loc), _) => {
                if let Some(real) = relinks.get(loc) {
                    *loc = *real;
                }
            }
            FrameItem::Group(group) => relink(&mut group.frame, relinks),
            _ => {}
        }
        true
    });
}

/// Whether any link in `frame` points at one of `targets`.
fn links_to(frame: &Frame, targets: &HashSet<Location>) -> bool {
    frame.items().any(|(_, item)| match item {
        FrameItem::Link(Destination::Location(loc), _) => targets.contains(loc),
        FrameItem::Group(group) => links_to(&group.frame, targets),
        _ => false,
    })
}

/// Adds the locations of the elements that start on `pages` to `seen`; `Err` when one is there
/// already from another part.
fn starts_unique(pages: &[Page], seen: &mut HashSet<Location>) -> Result<(), String> {
    let mut own = HashSet::new();
    for page in pages {
        collect_starts(&page.frame, &mut own);
    }
    if let Some(loc) = own.iter().find(|loc| seen.contains(loc)) {
        return Err(format!("two parts share the element location {loc:?}"));
    }
    seen.extend(own);
    Ok(())
}

/// The locations of the elements that start in `frame`.
fn collect_starts(frame: &Frame, into: &mut HashSet<Location>) {
    for (_, item) in frame.items() {
        match item {
            FrameItem::Tag(Tag::Start(elem, _)) => {
                if let Some(loc) = elem.location() {
                    into.insert(loc);
                }
            }
            FrameItem::Group(group) => collect_starts(&group.frame, into),
            _ => {}
        }
    }
}
