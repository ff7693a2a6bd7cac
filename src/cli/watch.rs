//! `budgetnote watch [PATHS]`: renders once, then re-checks and re-renders what changes on save
//! (with `notify` and a short debounce) until Ctrl-C.
//!
//! Each round runs `render` itself (with `--format` and `--stamp` as given), so diagnostics and
//! the one line per file are printed exactly as `render` prints them, and the project
//! (budgetnote.toml, forms, templates, fonts) is opened afresh. A file saved with errors keeps
//! its last good outputs (PDF, page, spreadsheet) while its errors are shown, so the viewer
//! beside the editor does not go blank on a typo. A changed proposal is rendered with every
//! catalogue of the watched files (a catalogue prints its proposals); a change to the project's
//! files, a removed file or an image renders everything watched, so stale PDFs are removed as
//! `render` removes them.
//!
//! The [`Session`] (scope, watcher, debounce, the files of each round) is shared with `serve`,
//! which renders its rounds the same way and shows them in a browser.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher};

use super::{Cli, Exit, files, print};

/// Arguments of `watch`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Proposal or catalogue files, or folders of them (default: proposals/).
    paths: Vec<PathBuf>,
    /// Output folder (default: out/ in the project).
    #[arg(short, long)]
    out: Option<PathBuf>,
    /// Output formats each round writes, as `render --format` (default: pdf).
    #[arg(long, value_parser = super::render::parse_formats, default_value = "pdf",
          help = crate::build::outputs::help())]
    format: super::render::Formats,
    /// How the CSV writes fields and decimals, as `render --csv-dialect`.
    #[arg(long, value_enum, default_value = "excel-da")]
    csv_dialect: crate::export::csv::Dialect,
    /// Put the git revision in each PDF, as `render --stamp`.
    #[arg(long)]
    stamp: bool,
}

/// Quiet time after the last change before a round starts (editors save in several steps).
const DEBOUNCE: Duration = Duration::from_millis(200);

/// Longest a round waits for changes to settle, so that a busy folder still renders.
const SETTLE_AT_MOST: Duration = Duration::from_secs(2);

/// What the watch loop looks at: the project root, the output folder, the watched inputs, all
/// absolute.
#[derive(Debug, Clone)]
pub struct Scope {
    /// The project root.
    root: PathBuf,
    /// The output folder (changes there are budgetnote's own).
    out: PathBuf,
    /// The files and folders named on the command line (default `proposals/`).
    inputs: Vec<PathBuf>,
    /// The inputs as named on the command line, passed to `render` for a full round.
    named: Vec<PathBuf>,
}

/// Which files a round renders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Round {
    /// Everything watched (the paths as named on the command line).
    All,
    /// These files (changed proposals and the watched catalogues).
    Files(Vec<PathBuf>),
}

/// Runs `watch`.
pub fn run(cli: &Cli, args: &Args) -> Exit {
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| super::in_project(&cli.root, "out"));
    let session = match Session::start(cli, &args.paths, &out) {
        Ok(session) => session,
        Err(exit) => return exit,
    };
    eprintln!("watching {} (Ctrl-C stops)", session.named());
    let mut index = session.index();
    // Each round calls `render` itself (not through the command line), with the same root.
    session.run(|round, paths| {
        let args = super::render::Args::watch_round(
            paths,
            out.clone(),
            args.format.clone(),
            args.csv_dialect,
            args.stamp,
            index.clone().filter(|_| *round != Round::All),
        );
        let (exit, found) = super::render::run_found(cli, &args);
        carry(&mut index, round, &found);
        exit
    })
}

/// Keeps a watched folder's index in step with a round (`index` is `None` when no folder is
/// watched): its files' lines as the round wrote them.
pub(super) fn carry(
    index: &mut Option<crate::build::batch::Carried>,
    round: &Round,
    found: &super::render::Found,
) {
    if let Some(index) = index {
        let entries = found.files.iter().filter_map(|f| f.entry.clone()).collect();
        index.update(*round == Round::All, entries);
    }
}

/// What `watch` and `serve` share: the scope of a watching command and the file watcher set up
/// on its inputs, `templates/`, `fonts/` and the root's `budgetnote.toml`.
pub struct Session {
    /// What is watched, and where the outputs go.
    scope: Scope,
    /// The watcher's events.
    events: Receiver<notify::Result<notify::Event>>,
    /// The watcher, which sends while it lives.
    watcher: notify::RecommendedWatcher,
}

impl Session {
    /// Watches `paths` (default `proposals/` of the project) rendered into `out`, printing why
    /// when the watcher cannot be set up (then the exit code to end with).
    pub fn start(cli: &Cli, paths: &[PathBuf], out: &Path) -> Result<Self, Exit> {
        let named = if paths.is_empty() {
            vec![super::in_project(&cli.root, files::DEFAULT_DIR)]
        } else {
            paths.to_vec()
        };
        let absolute = |p: &Path| {
            p.canonicalize()
                .unwrap_or_else(|_| crate::output::absolute(p))
        };
        let scope = Scope {
            root: absolute(&cli.root),
            out: absolute(out),
            inputs: named.iter().map(|p| absolute(p)).collect(),
            named,
        };
        let (sender, events) = channel();
        let mut watcher = match notify::recommended_watcher(sender) {
            Ok(watcher) => watcher,
            Err(err) => {
                eprintln!("error: cannot watch for changes: {err}");
                return Err(Exit::Failure);
            }
        };
        let mut watched = scope.inputs.clone();
        for dir in ["templates", "fonts"] {
            let dir = scope.root.join(dir);
            if dir.is_dir() {
                watched.push(dir);
            }
        }
        // The root itself, not recursively: budgetnote.toml, and templates/ or fonts/ made later.
        let root = (scope.root.clone(), RecursiveMode::NonRecursive);
        let all = watched
            .into_iter()
            .map(|p| (p, RecursiveMode::Recursive))
            .chain([root]);
        for (path, mode) in all {
            if let Err(err) = watcher.watch(&path, mode) {
                eprintln!(
                    "{}",
                    print::escaped(&format!("error: cannot watch {}: {err}", path.display()))
                );
                return Err(Exit::Failure);
            }
        }
        Ok(Self {
            scope,
            events,
            watcher,
        })
    }

    /// The watched files and folders as named on the command line, for the terminal.
    pub fn named(&self) -> String {
        self.scope
            .named
            .iter()
            .map(|p| print::shown(p))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The index of the first watched folder, empty until the first round (`None` when only
    /// files are watched): what a round of some of its files keeps up to date.
    pub fn index(&self) -> Option<crate::build::batch::Carried> {
        let folder = self.scope.named.iter().find(|p| p.is_dir())?;
        Some(crate::build::batch::Carried {
            folder: folder.clone(),
            entries: Vec::new(),
        })
    }

    /// Renders everything watched once, then once per settled batch of changes: `render` gets
    /// the round and the paths to render. Returns only when the watcher stops sending, which it
    /// cannot while it lives (an error of the platform).
    pub fn run<F>(self, mut render: F) -> Exit
    where
        F: FnMut(&Round, Vec<PathBuf>) -> Exit,
    {
        let scope = &self.scope;
        render(&Round::All, Round::All.paths(scope));
        watch_loop(&self.events, scope, |round| {
            render(round, round.paths(scope))
        });
        drop(self.watcher);
        Exit::Failure
    }
}

impl Round {
    /// The paths a round renders: the inputs as named for a full round, else its files.
    pub fn paths(&self, scope: &Scope) -> Vec<PathBuf> {
        match self {
            Round::All => scope.named.clone(),
            Round::Files(files) => files.clone(),
        }
    }
}

/// Waits for changes and runs `render` once per settled batch of them, until `events` closes.
pub fn watch_loop<F>(events: &Receiver<notify::Result<notify::Event>>, scope: &Scope, mut render: F)
where
    F: FnMut(&Round) -> Exit,
{
    while let Some(changed) = next_batch(events) {
        if let Some(round) = plan(scope, &changed) {
            eprintln!("change detected; rendering again");
            render(&round);
        }
    }
}

/// The paths of the next batch of changes: the first event, then every event until none came for
/// [`DEBOUNCE`] (at most [`SETTLE_AT_MOST`]); `None` when the channel is closed.
fn next_batch(events: &Receiver<notify::Result<notify::Event>>) -> Option<Vec<PathBuf>> {
    let mut paths = Vec::new();
    loop {
        let event = events.recv().ok()?;
        add(&mut paths, event);
        if !paths.is_empty() {
            break;
        }
    }
    let started = Instant::now();
    while started.elapsed() < SETTLE_AT_MOST {
        match events.recv_timeout(DEBOUNCE) {
            Ok(event) => add(&mut paths, event),
            Err(RecvTimeoutError::Timeout) => break,
            Err(RecvTimeoutError::Disconnected) => break,
        }
    }
    paths.sort();
    paths.dedup();
    Some(paths)
}

/// Adds the paths of an event that changes a file (not a mere read) to `paths`.
fn add(paths: &mut Vec<PathBuf>, event: notify::Result<notify::Event>) {
    let Ok(event) = event else {
        return;
    };
    let writes = match event.kind {
        EventKind::Access(notify::event::AccessKind::Close(notify::event::AccessMode::Write)) => {
            true
        }
        EventKind::Access(_) => false,
        _ => true,
    };
    if writes {
        paths.extend(event.paths);
    }
}

/// What a batch of changed paths calls for: `None` when none of them is an input of the render.
pub fn plan(scope: &Scope, changed: &[PathBuf]) -> Option<Round> {
    let mut files = Vec::new();
    let mut all = false;
    for path in changed {
        if path.starts_with(&scope.out) || path.components().any(|c| c.as_os_str() == ".budgetnote")
        {
            continue;
        }
        let extension = path
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let hidden = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if hidden {
            continue;
        }
        let project_file = path == &scope.root.join("budgetnote.toml")
            || ["templates", "fonts"]
                .iter()
                .any(|dir| path.starts_with(scope.root.join(dir)));
        let input = scope.inputs.iter().any(|i| path.starts_with(i));
        match extension.as_str() {
            "toml" | "j2" | "typ" | "ttf" | "otf" | "ttc" | "svg" | "png" | "jpg" | "jpeg"
                if project_file =>
            {
                all = true
            }
            _ if project_file => {}
            "toml" if input && path.is_file() && path.starts_with(&scope.root) => {
                files.push(path.clone())
            }
            // A removed or renamed proposal, or one outside the project: render all, so that
            // outputs mirror the inputs and a stale PDF goes.
            "toml" if input => all = true,
            // A logo or other image a proposal may show, or a spreadsheet it reads figures from.
            "svg" | "png" | "jpg" | "jpeg" | "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" | "csv"
                if input =>
            {
                all = true
            }
            _ => {}
        }
    }
    if all {
        return Some(Round::All);
    }
    if files.is_empty() {
        return None;
    }
    // Every catalogue watched prints its proposals, so it is rendered again with them.
    let walk = files::Walk {
        root: &scope.root,
        out: &scope.out,
    };
    if let Ok((inputs, _)) = files::collect_inputs(&scope.named, walk) {
        for input in inputs.into_iter().filter(|i| !i.outside) {
            let read = crate::document::read(&input.path);
            if matches!(read, Ok(Ok(t)) if t.kind == crate::document::Kind::Catalogue) {
                files.push(crate::output::absolute(&input.path));
            }
        }
    }
    let here = std::env::current_dir().and_then(|d| d.canonicalize()).ok();
    let mut files: Vec<PathBuf> = files
        .into_iter()
        .map(|f| match &here {
            Some(here) => f.strip_prefix(here).map(Path::to_owned).unwrap_or(f),
            None => f,
        })
        .collect();
    files.sort();
    files.dedup();
    Some(Round::Files(files))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scope over a temp project with proposals/ watched and out/ as output.
    fn project(name: &str) -> (PathBuf, Scope) {
        let dir = std::env::temp_dir().join(format!("bn-watch-{name}-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("proposals/katalog")).unwrap();
        let dir = dir.canonicalize().unwrap();
        let scope = Scope {
            root: dir.clone(),
            out: dir.join("out"),
            inputs: vec![dir.join("proposals")],
            named: vec![dir.join("proposals")],
        };
        (dir, scope)
    }

    /// A changed proposal renders that file; one that is gone, a template or budgetnote.toml
    /// renders everything; output, hidden and unrelated files render nothing.
    #[test]
    fn plans_rounds() {
        let (dir, scope) = project("plan");
        let a = dir.join("proposals/a.toml");
        std::fs::write(&a, "id = \"A\"\n").unwrap();
        assert_eq!(
            plan(&scope, std::slice::from_ref(&a)),
            Some(Round::Files(vec![a.clone()]))
        );
        assert_eq!(
            plan(&scope, &[dir.join("proposals/gone.toml")]),
            Some(Round::All)
        );
        assert_eq!(
            plan(&scope, &[dir.join("templates/standard/form.toml")]),
            Some(Round::All)
        );
        assert_eq!(
            plan(&scope, &[dir.join("budgetnote.toml")]),
            Some(Round::All)
        );
        assert_eq!(plan(&scope, &[dir.join("out/a.pdf")]), None);
        assert_eq!(plan(&scope, &[dir.join("proposals/.a.toml.swp")]), None);
        // A spreadsheet a proposal reads its figures from renders again what may read it.
        assert_eq!(
            plan(&scope, &[dir.join("proposals/drift.xlsx")]),
            Some(Round::All)
        );
        assert_eq!(
            plan(&scope, &[dir.join("proposals/drift.csv")]),
            Some(Round::All)
        );
        assert_eq!(plan(&scope, &[dir.join("proposals/notes.txt")]), None);
        // A catalogue watched is rendered with a changed proposal.
        let k = dir.join("proposals/katalog.toml");
        std::fs::write(&k, "[catalogue]\ntitle = \"K\"\n").unwrap();
        assert_eq!(
            plan(&scope, std::slice::from_ref(&a)),
            Some(Round::Files(vec![a.clone(), k.clone()]))
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// The loop renders once per settled batch, ignores reads, and ends when the events end.
    #[test]
    fn loop_renders_per_batch() {
        let (dir, scope) = project("loop");
        let a = dir.join("proposals/a.toml");
        std::fs::write(&a, "id = \"A\"\n").unwrap();
        let (sender, receiver) = channel();
        let modify = |path: &Path| {
            Ok(
                notify::Event::new(EventKind::Modify(notify::event::ModifyKind::Any))
                    .add_path(path.to_owned()),
            )
        };
        let read = notify::Event::new(EventKind::Access(notify::event::AccessKind::Read))
            .add_path(a.clone());
        sender.send(Ok(read)).unwrap();
        sender.send(modify(&a)).unwrap();
        sender.send(modify(&a)).unwrap();
        drop(sender);
        let mut rounds = Vec::new();
        watch_loop(&receiver, &scope, |round| {
            rounds.push(round.clone());
            Exit::Ok
        });
        assert_eq!(rounds, vec![Round::Files(vec![a.clone()])]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
