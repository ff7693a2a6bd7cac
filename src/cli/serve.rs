//! `budgetnote serve [PATHS]`: a live preview on `http://127.0.0.1:PORT/`. It renders as
//! `watch --format pdf,html` does (the same session: a round per settled batch of saves, the
//! last good outputs kept while a file has errors) and serves the output folder read-only: an
//! overview of the watched proposals at `/`, each page with a bar linking its PDF, the
//! diagnostics of a file with errors above its last good page, and a script that reloads a
//! page when a round has changed it (its own file, or what every page shows). The files written stay exactly what `render` writes; what
//! the preview adds is added to the responses only.

mod http;
mod page;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::render::{Found, FoundFile};
use super::{Cli, Exit, print};
use crate::diagnostic::{FileReport, Severity};
use crate::export::html::IndexEntry;
use http::{Request, Response, Status};

/// Arguments of `serve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Proposal or catalogue files, or folders of them (default: proposals/).
    paths: Vec<PathBuf>,
    /// Output folder (default: out/ in the project).
    #[arg(short, long)]
    out: Option<PathBuf>,
    /// Port on 127.0.0.1 to serve on; 0 picks a free one (the address printed says which).
    #[arg(long, default_value_t = 3000)]
    port: u16,
    /// Put the git revision in each PDF, as `render --stamp`.
    #[arg(long)]
    stamp: bool,
}

/// The policy of an SVG image served (it may hold scripts): nothing runs, nothing loads.
const SVG_POLICY: &str =
    "Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; sandbox\r\n";

/// What the preview knows after the last round, shared with the connections.
#[derive(Debug, Default)]
struct State {
    /// Rounds finished (0 while the first one runs); the overview reloads when it changes.
    round: u64,
    /// The last round that changed what every page shows (the run's problems, the profile's
    /// municipality), or that rendered every file.
    shared: u64,
    /// The run's own problems in the last round.
    errors: Vec<String>,
    /// The diagnostics of the project's own forms and templates in the last round.
    project: Vec<FileReport>,
    /// The municipality of the profile, for the overview's title.
    municipality: Option<String>,
    /// Every watched file as last rendered, by its PDF's place below the output folder.
    files: Vec<Watched>,
}

/// One watched file as the preview shows it.
#[derive(Debug)]
struct Watched {
    /// The input file, absolute (to match it between rounds).
    key: PathBuf,
    /// The input file as named or found, for the pages.
    path: PathBuf,
    /// Its PDF below the output folder; its page is beside it (`.html`).
    relative: PathBuf,
    /// Its diagnostics in the round that last rendered it.
    reports: Vec<FileReport>,
    /// Its line on the overview as it last rendered without errors.
    entry: Option<IndexEntry>,
    /// The last round that rendered it.
    rendered: u64,
}

impl Watched {
    /// A file of a round, with the line it had before when it has errors now.
    fn of(file: FoundFile, before: Option<&Watched>, round: u64) -> Self {
        let entry = file.entry.or_else(|| before.and_then(|b| b.entry.clone()));
        Self {
            key: crate::output::absolute(&file.path),
            path: file.path,
            relative: file.relative,
            reports: file.reports,
            entry,
            rendered: round,
        }
    }

    /// Whether the file has errors now.
    fn has_errors(&self) -> bool {
        self.reports.iter().any(FileReport::has_errors)
    }

    /// Its page below the output folder, `/` between parts.
    fn page(&self) -> String {
        slashed(&self.relative.with_extension("html"))
    }
}

impl State {
    /// Takes in what a round found: a full round (`all`) replaces the files, a round of some
    /// files updates those; the run's problems are always the last round's.
    fn update(&mut self, all: bool, found: Found) {
        let round = self.round + 1;
        let shown = |errors: &[String], project: &[FileReport], municipality: &Option<String>| {
            format!("{errors:?}{project:?}{municipality:?}")
        };
        if all
            || shown(&self.errors, &self.project, &self.municipality)
                != shown(&found.errors, &found.project, &found.municipality)
        {
            self.shared = round;
        }
        let mut files = std::mem::take(&mut self.files);
        let mut next: Vec<Watched> = Vec::new();
        for file in found.files {
            let key = crate::output::absolute(&file.path);
            let before = files.iter().position(|w| w.key == key);
            let watched = Watched::of(file, before.map(|i| &files[i]), round);
            if let Some(i) = before {
                files.remove(i);
            }
            next.push(watched);
        }
        if !all {
            next.extend(files);
        }
        next.sort_by(|a, b| a.relative.cmp(&b.relative));
        self.files = next;
        self.errors = found.errors;
        self.project = found.project;
        self.municipality = found.municipality;
        self.round = round;
    }

    /// The version of the page at `relative` (below the output folder): the last round that
    /// changed it, so a page reloads only when its own file or what every page shows changed; a
    /// page of no watched file follows every round (it may appear in the next).
    fn version(&self, relative: &str) -> u64 {
        match self.files.iter().find(|w| w.page() == relative) {
            Some(w) => w.rendered.max(self.shared),
            None => self.round,
        }
    }
}

/// The preview's server side: the output folder and the state of the last round.
struct Site {
    /// The output folder's real path.
    out: PathBuf,
    /// The watched paths as named, for the overview.
    named: String,
    /// The state after the last round.
    state: Mutex<State>,
}

/// Runs `serve`.
pub fn run(cli: &Cli, args: &Args) -> Exit {
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| super::in_project(&cli.root, "out"));
    if let Err(err) = std::fs::create_dir_all(&out) {
        eprintln!(
            "{}",
            print::escaped(&format!(
                "error: cannot create the output folder {}: {err}",
                out.display()
            ))
        );
        return Exit::Failure;
    }
    let listener = match TcpListener::bind(("127.0.0.1", args.port)) {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!(
                "error: cannot listen on 127.0.0.1:{}: {err}; try another --port, or --port 0 for a free one",
                args.port
            );
            return Exit::Failure;
        }
    };
    let port = listener.local_addr().map_or(args.port, |a| a.port());
    let session = match super::watch::Session::start(cli, &args.paths, &out) {
        Ok(session) => session,
        Err(exit) => return exit,
    };
    let site = Arc::new(Site {
        out: out
            .canonicalize()
            .unwrap_or_else(|_| crate::output::absolute(&out)),
        named: session.named(),
        state: Mutex::new(State::default()),
    });
    let server = Arc::clone(&site);
    let started = std::thread::Builder::new()
        .name("serve".to_owned())
        .spawn(move || http::serve(listener, port, move |request| server.answer(request)));
    if let Err(err) = started {
        eprintln!("error: cannot start the server: {err}");
        return Exit::Failure;
    }
    eprintln!(
        "serving {} at http://127.0.0.1:{port}/ (Ctrl-C stops)",
        site.named
    );
    let formats = match super::render::parse_formats("pdf,html") {
        Ok(formats) => formats,
        Err(err) => {
            eprintln!("error: {err}");
            return Exit::Failure;
        }
    };
    let mut index = session.index();
    session.run(|round, paths| {
        let args = super::render::Args::watch_round(
            paths,
            out.clone(),
            formats.clone(),
            crate::export::csv::Dialect::ExcelDa,
            args.stamp,
            index.clone().filter(|_| *round != super::watch::Round::All),
        );
        let (exit, found) = super::render::run_found(cli, &args);
        super::watch::carry(&mut index, round, &found);
        if let Ok(mut state) = site.state.lock() {
            state.update(*round == super::watch::Round::All, found);
        }
        exit
    })
}

/// A path below the output folder with `/` between its parts.
fn slashed(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

impl Site {
    /// Answers a GET or HEAD request: the overview, the round, the reload script, a page as
    /// served, the fallback stylesheet, or a file of the output folder; else not found.
    fn answer(&self, request: &Request) -> Response {
        let parts: Vec<&str> = request.parts.iter().map(String::as_str).collect();
        let Ok(state) = self.state.lock() else {
            return Response::text(Status::NotFound, "the preview stopped");
        };
        match parts.as_slice() {
            [] => self.overview(&state),
            ["__budgetnote", "version"] => Response::text(Status::Ok, &state.round.to_string()),
            ["__budgetnote", "version", page @ ..] => {
                Response::text(Status::Ok, &state.version(&page.join("/")).to_string())
            }
            ["__budgetnote", "icon.svg"] => Response {
                headers: SVG_POLICY.to_owned(),
                ..Response::bytes(Status::Ok, "image/svg+xml", page::ICON_SVG.into())
            },
            ["__budgetnote", "reload.js"] => Response::bytes(
                Status::Ok,
                "text/javascript; charset=utf-8",
                page::RELOAD_JS.as_bytes().to_vec(),
            ),
            _ => {
                let relative = request.parts.join("/");
                if relative.to_ascii_lowercase().ends_with(".html") {
                    return self.page(&state, &request.parts, &relative);
                }
                match http::open_below(&self.out, &request.parts) {
                    Some((file, length, content_type)) => Response {
                        status: Status::Ok,
                        content_type,
                        headers: if content_type == "image/svg+xml" {
                            SVG_POLICY.to_owned()
                        } else {
                            String::new()
                        },
                        body: http::Body::File(file, length),
                    },
                    // Pages in a folder without a page of its own link the stylesheet too.
                    None if relative == crate::build::pages::STYLESHEET => Response::bytes(
                        Status::Ok,
                        "text/css; charset=utf-8",
                        crate::export::html::STYLESHEET.as_bytes().to_vec(),
                    ),
                    None => self.not_found(&state, &relative),
                }
            }
        }
    }

    /// The page at `relative` as served: the written page with the bar, the run's problems and
    /// the file's diagnostics added; a page of the diagnostics when the file has none written
    /// yet; else not found.
    fn page(&self, state: &State, parts: &[String], relative: &str) -> Response {
        let watched = state.files.iter().find(|w| w.page() == relative);
        let pdf_parts: Vec<String> = {
            let mut p = parts.to_vec();
            if let Some(last) = p.last_mut() {
                *last = Path::new(last.as_str())
                    .with_extension("pdf")
                    .to_string_lossy()
                    .into_owned();
            }
            p
        };
        let pdf = http::open_below(&self.out, &pdf_parts).map(|_| pdf_parts.join("/"));
        let bar = page::bar(pdf.as_deref());
        let mut panels = page::project(&state.errors, &state.project);
        let stale = watched.is_some_and(Watched::has_errors);
        let written = http::open_below(&self.out, parts).and_then(|(mut file, _, _)| {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut file, &mut text)
                .ok()
                .map(|_| text)
        });
        if let Some(w) = watched {
            panels.push_str(&page::diagnostics(
                &w.path.display().to_string(),
                &w.reports,
                written.is_some(),
            ));
        }
        let html = match (written, watched) {
            (Some(text), _) => page::inject(&text, &bar, &panels, stale, state.version(relative)),
            (None, Some(w)) => {
                let body = if panels.is_empty() {
                    "<p lang=\"en\">This page has not been written yet.</p>\n".to_owned()
                } else {
                    panels
                };
                page::standalone(
                    "en",
                    &format!("{} – budgetnote preview", w.path.display()),
                    &bar,
                    &body,
                    state.version(relative),
                )
            }
            (None, None) => return self.not_found(state, relative),
        };
        Response::bytes(Status::Ok, "text/html; charset=utf-8", html.into_bytes())
    }

    /// The overview of the watched files, with the run's problems.
    fn overview(&self, state: &State) -> Response {
        let title = state
            .municipality
            .as_deref()
            .map_or_else(|| "Forslag".to_owned(), |m| format!("Forslag · {m}"));
        let lead = if state.round == 0 {
            format!("Rendering {} for the first time …", self.named)
        } else {
            format!(
                "Live preview of {}: a page reloads when its file is saved.",
                self.named
            )
        };
        let rows: Vec<page::Row> = state
            .files
            .iter()
            .map(|w| {
                let count = |severity| {
                    w.reports
                        .iter()
                        .flat_map(FileReport::shown)
                        .filter(|d| d.severity() == severity)
                        .count()
                };
                let pdf = slashed(&w.relative);
                let pdf = http::open_below(
                    &self.out,
                    &pdf.split('/').map(str::to_owned).collect::<Vec<_>>(),
                )
                .map(|_| pdf);
                let entry = match &w.entry {
                    Some(e) => crate::export::html::IndexEntry {
                        page: w.page(),
                        pdf,
                        ..e.clone()
                    },
                    None => crate::export::html::IndexEntry {
                        id: String::new(),
                        title: w.path.display().to_string(),
                        form: String::new(),
                        committees: String::new(),
                        page: w.page(),
                        pdf,
                    },
                };
                page::Row {
                    entry,
                    errors: count(Severity::Error),
                    warnings: count(Severity::Warning),
                }
            })
            .collect();
        let panels = page::project(&state.errors, &state.project);
        let html = page::overview(&title, &lead, &panels, &rows, state.round);
        Response::bytes(Status::Ok, "text/html; charset=utf-8", html.into_bytes())
    }

    /// The page saying `relative` is not in the output folder (reloaded after each round, so it
    /// shows the page once one is written there).
    fn not_found(&self, state: &State, relative: &str) -> Response {
        let body = format!(
            "<h1>Not found</h1>\n<p>There is no {} in the output folder.</p>\n",
            page::text(relative)
        );
        let html = page::standalone(
            "en",
            "Not found – budgetnote preview",
            &page::bar(None),
            &body,
            state.round,
        );
        Response::bytes(
            Status::NotFound,
            "text/html; charset=utf-8",
            html.into_bytes(),
        )
    }
}
