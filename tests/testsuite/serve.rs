//! `budgetnote serve`: the real binary on a free port over a temporary project, asked in plain
//! HTTP (pages, PDFs, what it refuses) and driven in headless Chromium (a saved figure and an
//! error show in the page without a hand on the browser).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{root, scaffold_project};

/// The serve process, killed when the test ends (also when it fails).
struct Serving {
    /// The process.
    child: Child,
    /// The port it serves on.
    port: u16,
    /// Its log (stdout and stderr).
    log: PathBuf,
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Serving {
    /// Starts `budgetnote serve --port 0 ARGS` in `dir` and waits for the address it prints.
    fn start(dir: &Path, args: &[&str]) -> Self {
        let log = dir.join("serve.log");
        let log_file = std::fs::File::create(&log).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_budgetnote"))
            .current_dir(dir)
            .args(["serve", "--port", "0"])
            .args(args)
            .env_remove("SOURCE_DATE_EPOCH")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().unwrap())
            .stderr(log_file)
            .spawn()
            .expect("budgetnote serve starts");
        let mut serving = Self {
            child,
            port: 0,
            log,
        };
        let mut port = None;
        wait_for(Duration::from_secs(30), || {
            port = serving
                .log()
                .split("http://127.0.0.1:")
                .nth(1)
                .and_then(|rest| rest.split('/').next())
                .and_then(|p| p.parse().ok());
            port.is_some()
        });
        serving.port = port.unwrap_or_else(|| panic!("no address printed: {}", serving.log()));
        serving
    }

    /// What the process printed so far.
    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Sends `request` as it is and reads the whole response: status, head, body.
    fn raw(&self, request: &[u8]) -> (u16, String, Vec<u8>) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("the server listens");
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        stream.write_all(request).unwrap();
        let mut response = Vec::new();
        let _ = stream.read_to_end(&mut response);
        let end = response
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("no head: {}", String::from_utf8_lossy(&response)));
        let head = String::from_utf8_lossy(&response[..end]).into_owned();
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status: {head}"));
        (status, head, response[end + 4..].to_vec())
    }

    /// `METHOD path` with this server's Host: status, head, body.
    fn request(&self, method: &str, path: &str) -> (u16, String, Vec<u8>) {
        self.raw(
            format!(
                "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
                self.port
            )
            .as_bytes(),
        )
    }

    /// `GET path`: status, head, body as text.
    fn get(&self, path: &str) -> (u16, String, String) {
        let (status, head, body) = self.request("GET", path);
        (status, head, String::from_utf8_lossy(&body).into_owned())
    }

    /// The rounds finished so far.
    fn round(&self) -> u64 {
        let (status, _, body) = self.get("/__budgetnote/version");
        assert_eq!(status, 200, "{body}");
        body.trim().parse().unwrap()
    }

    /// Waits (at most 90 s) until `GET path` is answered with a body for which `done` holds;
    /// the last body.
    fn wait_for_page(&self, path: &str, done: impl Fn(&str) -> bool) -> String {
        let mut last = String::new();
        let ok = wait_for(Duration::from_secs(90), || {
            last = self.get(path).2;
            done(&last)
        });
        assert!(ok, "{path} never showed it: {last}\nlog: {}", self.log());
        last
    }
}

/// Polls every 100 ms until `done` holds, for at most `limit`; whether it did.
fn wait_for(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let started = Instant::now();
    while started.elapsed() < limit {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    done()
}

/// A header's value in a response head, by its name in any case.
fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// A temporary project with the smallest standard-form proposal as `proposals/a.toml`; the
/// proposal's text.
fn project(dir: &Path) -> String {
    scaffold_project(dir);
    std::fs::create_dir_all(dir.join("proposals")).unwrap();
    let minimal = std::fs::read_to_string(root().join("tests/good/minimal.toml")).unwrap();
    std::fs::write(dir.join("proposals/a.toml"), &minimal).unwrap();
    minimal
}

// Over plain HTTP: the overview links the page and the PDF; the page is served with the reload
// script while the file written stays byte for byte what `render --format pdf,html` writes; the
// PDF comes as application/pdf (HEAD without a body); `..`, a symlink leading out, hidden files,
// POST, a foreign Host and an oversized request are refused; a client that sends nothing blocks
// no one; an error with markup in it shows in the page as text, with its line; and a second
// server on the same port stops at once, saying what to do.
#[test]
fn serves_pages_and_pdfs_and_refuses_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let minimal = project(dir.path());
    std::fs::write(dir.path().join("secret.csv"), "confidential;1\n").unwrap();
    let serving = Serving::start(dir.path(), &[]);
    assert!(
        serving
            .log()
            .contains("serving proposals at http://127.0.0.1:"),
        "{}",
        serving.log()
    );
    let overview = serving.wait_for_page("/", |page| page.contains("Testforslag"));
    assert!(overview.contains("href=\"/a.html\""), "{overview}");
    assert!(overview.contains("href=\"/a.pdf\""), "{overview}");
    assert!(serving.round() >= 1);

    let (status, head, page) = serving.get("/a.html");
    assert_eq!(status, 200, "{head}");
    assert_eq!(
        header(&head, "content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(
        header(&head, "content-security-policy").is_some_and(|p| p.contains("script-src 'self'"))
    );
    assert!(page.contains("<h1>Testforslag</h1>"), "{page}");
    assert!(page.contains("/__budgetnote/reload.js"), "{page}");
    assert!(
        page.contains("href=\"/a.pdf\""),
        "the bar links the PDF: {page}"
    );
    // The file written is render's own: no script, the same bytes as a render of its own.
    let written = std::fs::read(dir.path().join("out/a.html")).unwrap();
    assert!(!String::from_utf8_lossy(&written).contains("__budgetnote"));
    let render = crate::common::run_cli(
        dir.path(),
        &["render", "--format", "pdf,html", "-o", "rendered"],
    );
    assert_eq!(render.status.code(), Some(0), "{render:?}");
    assert_eq!(
        written,
        std::fs::read(dir.path().join("rendered/a.html")).unwrap(),
        "serve wrote another page than render"
    );

    let (status, head, pdf) = serving.request("GET", "/a.pdf");
    assert_eq!(status, 200, "{head}");
    assert_eq!(header(&head, "content-type"), Some("application/pdf"));
    assert!(pdf.starts_with(b"%PDF"));
    assert_eq!(
        header(&head, "content-length"),
        Some(pdf.len().to_string().as_str())
    );
    let (status, head, body) = serving.request("HEAD", "/a.pdf");
    assert_eq!(status, 200, "{head}");
    assert_eq!(
        header(&head, "content-length"),
        Some(pdf.len().to_string().as_str())
    );
    assert!(body.is_empty(), "HEAD has no body");

    // Nothing outside the output folder, nothing hidden, nothing but GET and HEAD.
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        dir.path().join("secret.csv"),
        dir.path().join("out/secret.csv"),
    )
    .unwrap();
    for path in [
        "/../secret.csv",
        "/%2e%2e/secret.csv",
        "/..%2fsecret.csv",
        "/secret.csv",
        "/.budgetnote/manifest.json",
        "/a.toml",
        "/nothing.pdf",
    ] {
        let (status, head, body) = serving.get(path);
        assert!(
            status == 400 || status == 404,
            "{path} was answered {status}: {head}"
        );
        assert!(!body.contains("confidential"), "{path}: {body}");
    }
    let (status, head, _) = serving.request("POST", "/");
    assert_eq!(status, 405, "{head}");
    assert_eq!(header(&head, "allow"), Some("GET, HEAD"));
    let (status, ..) = serving.raw(b"GET / HTTP/1.1\r\nHost: attacker.example\r\n\r\n");
    assert_eq!(status, 421, "a foreign Host is refused");
    let long = format!(
        "GET /{} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n",
        "a".repeat(64 * 1024),
        serving.port
    );
    let (status, ..) = serving.raw(long.as_bytes());
    assert_eq!(status, 431, "an oversized request is refused");
    // A client that connects and sends nothing keeps no one else waiting.
    let _silent = TcpStream::connect(("127.0.0.1", serving.port)).unwrap();
    let started = Instant::now();
    assert_eq!(serving.get("/").0, 200);
    assert!(started.elapsed() < Duration::from_secs(5));

    // An error whose message holds markup: shown as text, with its line, above the last good
    // page, and counted on the overview.
    let broken = minimal.replacen(
        "form = \"standard\"",
        "form = \"<img src=x onerror=alert(1)>\"",
        1,
    );
    assert_ne!(broken, minimal);
    std::fs::write(dir.path().join("proposals/a.toml"), &broken).unwrap();
    let page = serving.wait_for_page("/a.html", |page| page.contains("E004"));
    assert!(
        page.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{page}"
    );
    assert!(!page.contains("<img src=x"), "{page}");
    assert!(
        page.contains("proposals/a.toml, line 3, column 8"),
        "{page}"
    );
    assert!(
        page.contains("<h1>Testforslag</h1>"),
        "the last good page stays: {page}"
    );
    let overview = serving.get("/").2;
    assert!(overview.contains("1 error"), "{overview}");

    // A port in use is a failure to start (exit 2) that says what to do.
    let taken = serving.port.to_string();
    let second = crate::common::run_cli(dir.path(), &["serve", "--port", &taken]);
    assert_eq!(second.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(stderr.contains("--port 0"), "{stderr}");
}

/// How to install what the browser tests need.
const INSTALL: &str = "install them as .ci/run does: `apt-get install chromium` (Debian's \
    package, /usr/bin/chromium) and `npm ci` in tests/browser (node and npm from the system)";

// A save reloads only the pages it changed: after `b.toml` is saved, its page's version is the
// new round while `a.toml`'s stays (an open page of `a` is not reloaded under its reader); the
// overview's version is every round; and the version a page is served with is the one the reload
// script compares, so an unchanged page never reloads in a loop.
#[test]
fn a_save_reloads_only_its_own_page() {
    let dir = tempfile::tempdir().unwrap();
    let minimal = project(dir.path());
    let b = minimal.replace("id = \"T01\"", "id = \"T02\"");
    assert_ne!(b, minimal, "the fixture has its id");
    std::fs::write(dir.path().join("proposals/b.toml"), &b).unwrap();
    let serving = Serving::start(dir.path(), &[]);
    assert!(
        wait_for(Duration::from_secs(90), || serving.round() >= 1),
        "{}",
        serving.log()
    );
    let version = |page: &str| -> u64 {
        let (status, _, body) = serving.get(&format!("/__budgetnote/version/{page}"));
        assert_eq!(status, 200, "{body}");
        body.trim().parse().unwrap()
    };
    let served_with = |page: &str| -> u64 {
        let body = serving.wait_for_page(&format!("/{page}"), |b| b.contains("data-round="));
        body.split("data-round=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap()
            .parse()
            .unwrap()
    };
    let first = serving.round();
    let (a_before, b_before) = (version("a.html"), version("b.html"));
    assert_eq!(served_with("a.html"), a_before);
    assert_eq!(version(""), first, "the overview follows every round");

    std::fs::write(
        dir.path().join("proposals/b.toml"),
        b.replace("title = \"", "title = \"Nyt: "),
    )
    .unwrap();
    assert!(
        wait_for(Duration::from_secs(90), || version("b.html") > b_before),
        "b's page never changed: {}",
        serving.log()
    );
    assert_eq!(
        version("a.html"),
        a_before,
        "a's page would reload for b's save"
    );
    assert_eq!(version(""), serving.round());
    assert_eq!(served_with("b.html"), version("b.html"));
    assert!(serving.get("/b.html").2.contains("Nyt: "));
}

// `serve --stamp` renders each round as `render --stamp` does: outside git it says the stamp is
// left out (and still serves the page), so the flag reaches every round.
#[test]
fn serve_passes_stamp_to_its_rounds() {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path());
    let serving = Serving::start(dir.path(), &["--stamp"]);
    assert!(
        wait_for(Duration::from_secs(90), || serving.round() >= 1),
        "{}",
        serving.log()
    );
    let log = serving.log();
    assert!(
        log.contains("note: --stamp:") && log.contains("not in a git repository"),
        "{log}"
    );
    assert_eq!(serving.get("/a.html").0, 200);
}

// In headless Chromium, a page of the preview follows the file on disk by itself: a changed
// figure appears after a save; an introduced error (a wrong stated total) appears as its
// diagnostic (code, line, message) above the last good page; the fix shows the new page without
// the error. No console error (the reload script passes the page's policy), and the bar links
// the PDF. Screenshots go to $BUDGETNOTE_SCREENSHOTS if set. Fails, never skips, when node or
// Chromium is missing.
#[test]
fn the_browser_follows_saves_and_shows_errors() {
    let browser_dir = root().join("tests/browser");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&chromium).is_file(),
        "{chromium} is missing; {INSTALL}"
    );
    assert!(
        browser_dir.join("node_modules/puppeteer-core").is_dir(),
        "tests/browser/node_modules is missing; {INSTALL}"
    );
    let dir = tempfile::tempdir().unwrap();
    let minimal = project(dir.path());
    let serving = Serving::start(dir.path(), &[]);
    serving.wait_for_page("/a.html", |page| page.contains("Testforslag"));

    // The figure: the saving of 2024 grows from 500 to 650, and the stated net with it.
    let figure = minimal
        .replacen(
            "amounts = { 2024 = -500, 2025 = -500",
            "amounts = { 2024 = -650, 2025 = -500",
            1,
        )
        .replacen(
            "service = { 2024 = -300, 2025",
            "service = { 2024 = -450, 2025",
            1,
        );
    assert_ne!(figure, minimal);
    // The error: a stated net that the lines do not make.
    let wrong = figure.replacen(
        "service = { 2024 = -450, 2025",
        "service = { 2024 = -460, 2025",
        1,
    );
    let line = wrong
        .lines()
        .position(|l| l.contains("2024 = -460"))
        .unwrap()
        + 1;
    let fixed = figure.replacen("title = \"Testforslag\"", "title = \"Rettet forslag\"", 1);
    let steps = serde_json::json!([
        { "name": "figure", "write": figure, "expect": ["\u{2212}650", "\u{2212}450"],
          "absent": ["E0"] },
        { "name": "error", "write": wrong,
          "expect": ["E014", format!("proposals/a.toml, line {line}"), "\u{2212}650"] },
        { "name": "fixed", "write": fixed, "expect": ["Rettet forslag"], "absent": ["E014"] },
    ]);
    let steps_file = dir.path().join("steps.json");
    std::fs::write(&steps_file, steps.to_string()).unwrap();
    let shots = std::env::var("BUDGETNOTE_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| dir.path().join("screenshots"));
    let run = Command::new("node")
        .arg(browser_dir.join("serve.mjs"))
        .arg(format!("http://127.0.0.1:{}/a.html", serving.port))
        .arg(dir.path().join("proposals/a.toml"))
        .arg(&steps_file)
        .arg(&shots)
        .env("CHROMIUM", &chromium)
        .output()
        .unwrap_or_else(|e| panic!("node cannot be run ({e}); {INSTALL}"));
    assert!(
        run.status.success(),
        "the browser run failed: {}\n{INSTALL}",
        String::from_utf8_lossy(&run.stderr)
    );
    let result: serde_json::Value =
        serde_json::from_slice(&run.stdout).expect("the browser run prints JSON");
    let results = result["results"].as_array().expect("results");
    for step in results {
        assert!(
            step["ok"] == true && step["reloaded"] == true,
            "step {} did not show in the page: {step:#}\nlog: {}",
            step["name"],
            serving.log()
        );
    }
    assert_eq!(results.len(), 3, "{result:#}");
    assert_eq!(result["consoleErrors"], serde_json::json!([]), "{result:#}");
    assert_eq!(
        result["failedRequests"],
        serde_json::json!([]),
        "{result:#}"
    );
    assert_eq!(result["pdfLink"], "/a.pdf", "{result:#}");
    let shot = std::fs::read(shots.join("serve-error.png")).unwrap_or_default();
    assert!(shot.starts_with(b"\x89PNG"), "no screenshot of the error");
}
