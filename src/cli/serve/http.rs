//! The HTTP side of `serve`, with the standard library only: one request per connection
//! (`Connection: close`), its head read with a timeout and a size bound, GET and HEAD only, and
//! the files served confined to the output folder. Nothing a request says is executed or written.

use std::fs::File;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// The longest request head (request line and headers) read; a longer one is refused (431).
pub const MAX_HEAD: usize = 16 * 1024;

/// How long a client may take to send its request head.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a write to a client may block (a client that stops reading is dropped).
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

/// Connections handled at once; more are answered 503 at once and closed.
const MAX_CONNECTIONS: usize = 64;

/// The security headers of every response: nothing is cached, sniffed or sent elsewhere.
const COMMON_HEADERS: &str = "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n\
    Referrer-Policy: no-referrer\r\nCross-Origin-Resource-Policy: same-origin\r\n";

/// What an HTML page of the preview may load: its own server's stylesheets, images and the
/// reload script (no inline script, so no text of a page can run as one); inline styles, which
/// the pages' charts use.
const PAGE_POLICY: &str = "default-src 'none'; script-src 'self'; connect-src 'self'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; \
    base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// A request's method: the two a read-only server answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET: the headers and the body.
    Get,
    /// HEAD: the headers alone.
    Head,
}

/// A request the server answers: its method and its path, decoded and split into parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// GET or HEAD.
    pub method: Method,
    /// The path's parts, percent-decoded, without empty and `.` parts (`/` is none).
    pub parts: Vec<String>,
}

/// An HTTP status the server answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// 200 OK.
    Ok,
    /// 400 Bad Request.
    BadRequest,
    /// 404 Not Found.
    NotFound,
    /// 405 Method Not Allowed.
    MethodNotAllowed,
    /// 421 Misdirected Request: the Host is not this server (DNS rebinding).
    Misdirected,
    /// 431 Request Header Fields Too Large.
    TooLarge,
    /// 503 Service Unavailable: too many connections at once.
    Busy,
    /// 505 HTTP Version Not Supported.
    Version,
}

impl Status {
    /// The status line's code and reason.
    pub fn line(self) -> &'static str {
        match self {
            Status::Ok => "200 OK",
            Status::BadRequest => "400 Bad Request",
            Status::NotFound => "404 Not Found",
            Status::MethodNotAllowed => "405 Method Not Allowed",
            Status::Misdirected => "421 Misdirected Request",
            Status::TooLarge => "431 Request Header Fields Too Large",
            Status::Busy => "503 Service Unavailable",
            Status::Version => "505 HTTP Version Not Supported",
        }
    }
}

/// What a response carries.
pub enum Body {
    /// Bytes made in memory.
    Bytes(Vec<u8>),
    /// A file opened for reading, and its length.
    File(File, u64),
}

/// A response: status, content type, whether it is a page of the preview (it gets the page
/// policy), and body.
pub struct Response {
    /// The status.
    pub status: Status,
    /// The `Content-Type`.
    pub content_type: &'static str,
    /// Extra headers, each ending in CRLF.
    pub headers: String,
    /// The body.
    pub body: Body,
}

impl Response {
    /// A response of bytes made in memory.
    pub fn bytes(status: Status, content_type: &'static str, body: Vec<u8>) -> Self {
        let headers = if content_type.starts_with("text/html") {
            format!("Content-Security-Policy: {PAGE_POLICY}\r\n")
        } else {
            String::new()
        };
        Self {
            status,
            content_type,
            headers,
            body: Body::Bytes(body),
        }
    }

    /// A short plain-text response (an error).
    pub fn text(status: Status, text: &str) -> Self {
        Self::bytes(
            status,
            "text/plain; charset=utf-8",
            format!("{}\n", text).into_bytes(),
        )
    }

    /// Writes the response (without its body to a HEAD request) and flushes it.
    fn write(self, stream: &mut impl Write, head_only: bool) -> std::io::Result<()> {
        let length = match &self.body {
            Body::Bytes(bytes) => bytes.len() as u64,
            Body::File(_, length) => *length,
        };
        let allow = if self.status == Status::MethodNotAllowed {
            "Allow: GET, HEAD\r\n"
        } else {
            ""
        };
        let head = format!(
            "HTTP/1.1 {}\r\nContent-Type: {}\r\nContent-Length: {length}\r\n{COMMON_HEADERS}{}\
             {allow}Connection: close\r\n\r\n",
            self.status.line(),
            self.content_type,
            self.headers,
        );
        stream.write_all(head.as_bytes())?;
        if !head_only {
            match self.body {
                Body::Bytes(bytes) => stream.write_all(&bytes)?,
                Body::File(file, length) => {
                    std::io::copy(&mut file.take(length), stream)?;
                }
            }
        }
        stream.flush()
    }
}

/// The content type of a file the preview serves, by its extension: the outputs and what pages
/// link (stylesheets, images); `None` for any other file, which is not served.
pub fn content_type(path: &Path) -> Option<&'static str> {
    let extension = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match extension.as_str() {
        "html" => "text/html; charset=utf-8",
        "pdf" => "application/pdf",
        "css" => "text/css; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "svg" => "image/svg+xml",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "csv" => "text/csv; charset=utf-8",
        _ => return None,
    })
}

/// The file below `folder` (a real path, symlinks resolved) that `parts` name, when it may be
/// served: no part is hidden (`.budgetnote/`, temp files), the file's real path is inside the
/// folder (a symlink leading out is not followed), it is a regular file of a served type. The
/// file opened, its length and content type.
pub fn open_below(folder: &Path, parts: &[String]) -> Option<(File, u64, &'static str)> {
    if parts
        .iter()
        .any(|p| p.starts_with('.') || p.contains(['/', '\\', '\0']))
    {
        return None;
    }
    let path: PathBuf = parts.iter().fold(folder.to_owned(), |p, part| p.join(part));
    let content_type = content_type(&path)?;
    let real = path.canonicalize().ok()?;
    if !real.starts_with(folder) {
        return None;
    }
    let file = File::open(&real).ok()?;
    let meta = file.metadata().ok()?;
    meta.is_file().then_some((file, meta.len(), content_type))
}

/// Reads a request's head from `stream`: at most [`MAX_HEAD`] bytes, until the blank line.
/// `Ok(None)` when the client closed the connection or timed out before sending a whole head.
fn read_head(stream: &mut impl Read) -> Result<Option<Vec<u8>>, Status> {
    let mut head = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        match find_blank_line(&head) {
            Some(end) if end <= MAX_HEAD => {
                head.truncate(end);
                return Ok(Some(head));
            }
            Some(_) => return Err(Status::TooLarge),
            None if head.len() > MAX_HEAD => return Err(Status::TooLarge),
            None => {}
        }
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => return Ok(None),
            Ok(n) => head.extend_from_slice(&buffer[..n]),
        }
    }
}

/// Where the blank line ending a request head starts (`\r\n\r\n`, or `\n\n` from a lax client).
fn find_blank_line(bytes: &[u8]) -> Option<usize> {
    let crlf = bytes.windows(4).position(|w| w == b"\r\n\r\n");
    let lf = bytes.windows(2).position(|w| w == b"\n\n");
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Parses a request head: the request line (`METHOD /path HTTP/1.x`) and the Host header, which
/// must name this server (`127.0.0.1`, `localhost` or `[::1]`, with `port`) when given, so a web
/// page elsewhere cannot read the preview through a name it points here (DNS rebinding).
pub fn parse(head: &[u8], port: u16) -> Result<Request, Status> {
    let text = std::str::from_utf8(head).map_err(|_| Status::BadRequest)?;
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let line = lines.next().ok_or(Status::BadRequest)?;
    let mut words = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (words.next(), words.next(), words.next(), words.next())
    else {
        return Err(Status::BadRequest);
    };
    if !version.starts_with("HTTP/1.") {
        return Err(if version.starts_with("HTTP/") {
            Status::Version
        } else {
            Status::BadRequest
        });
    }
    let mut hosts = Vec::new();
    for header in lines {
        let Some((name, value)) = header.split_once(':') else {
            return Err(Status::BadRequest);
        };
        if name.eq_ignore_ascii_case("host") {
            hosts.push(value.trim());
        }
    }
    match hosts.as_slice() {
        [] if version == "HTTP/1.0" => {}
        [host] if local_host(host, port) => {}
        [_] => return Err(Status::Misdirected),
        _ => return Err(Status::BadRequest),
    }
    let method = match method {
        "GET" => Method::Get,
        "HEAD" => Method::Head,
        _ => return Err(Status::MethodNotAllowed),
    };
    Ok(Request {
        method,
        parts: path_parts(target)?,
    })
}

/// Whether a Host header names this server.
fn local_host(host: &str, port: u16) -> bool {
    let name = match host.rsplit_once(':') {
        Some((name, p)) if !name.is_empty() && !host.ends_with(']') => {
            if p != port.to_string() {
                return false;
            }
            name
        }
        _ => host,
    };
    name == "127.0.0.1" || name.eq_ignore_ascii_case("localhost") || name == "[::1]"
}

/// The parts of a request target's path (`/katalog/k1.html?x` → `katalog`, `k1.html`),
/// percent-decoded: refused (400) unless it starts with `/`, decodes to UTF-8 and has no `..`
/// part, NUL or backslash.
pub fn path_parts(target: &str) -> Result<Vec<String>, Status> {
    let path = target.split(['?', '#']).next().unwrap_or_default();
    if !path.starts_with('/') {
        return Err(Status::BadRequest);
    }
    let mut parts = Vec::new();
    for raw in path.split('/') {
        let part = percent_decode(raw).ok_or(Status::BadRequest)?;
        if part.contains(['/', '\\', '\0']) || part == ".." {
            return Err(Status::BadRequest);
        }
        if !part.is_empty() && part != "." {
            parts.push(part);
        }
    }
    Ok(parts)
}

/// `%41` → `A`, as UTF-8; `None` for a broken escape or bytes that are not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Accepts connections on `listener` for good, each on its own thread (at most
/// [`MAX_CONNECTIONS`] at once), and answers each request with `answer`.
pub fn serve<F>(listener: TcpListener, port: u16, answer: F)
where
    F: Fn(&Request) -> Response + Send + Sync + 'static,
{
    let answer = Arc::new(answer);
    let active = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else {
            continue;
        };
        let _ = stream.set_read_timeout(Some(READ_TIMEOUT));
        let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
        if active.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            active.fetch_sub(1, Ordering::SeqCst);
            let _ = Response::text(Status::Busy, "too many connections").write(&mut stream, false);
            continue;
        }
        let (answer, counter) = (Arc::clone(&answer), Arc::clone(&active));
        let spawned = std::thread::Builder::new()
            .name("serve-connection".to_owned())
            .spawn(move || {
                handle(&mut stream, port, answer.as_ref());
                counter.fetch_sub(1, Ordering::SeqCst);
            });
        if spawned.is_err() {
            active.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// Reads one request from `stream` and writes its answer (or the error), then closes.
fn handle(stream: &mut TcpStream, port: u16, answer: &(dyn Fn(&Request) -> Response + Sync)) {
    let request = match read_head(stream) {
        Ok(Some(head)) => parse(&head, port),
        Ok(None) => return,
        Err(status) => Err(status),
    };
    let (response, head_only) = match request {
        Ok(request) => (answer(&request), request.method == Method::Head),
        Err(status) => (Response::text(status, status.line()), false),
    };
    let _ = response.write(stream, head_only);
    let _ = stream.shutdown(std::net::Shutdown::Write);
}

#[cfg(test)]
mod tests {
    use super::*;

    // A request line and Host are read; `..`, a foreign Host, other methods and other versions
    // are refused with their own status.
    #[test]
    fn parses_and_refuses_requests() {
        let get = parse(
            b"GET /katalog/k%C3%A6.html?x=1 HTTP/1.1\r\nHost: 127.0.0.1:3000",
            3000,
        );
        assert_eq!(
            get,
            Ok(Request {
                method: Method::Get,
                parts: vec!["katalog".into(), "kæ.html".into()],
            })
        );
        let head = parse(b"HEAD / HTTP/1.1\r\nhost: localhost:3000", 3000).unwrap();
        assert_eq!((head.method, head.parts.len()), (Method::Head, 0));
        let refused = |head: &[u8]| parse(head, 3000).err();
        assert_eq!(
            refused(b"GET /../Cargo.toml HTTP/1.1\r\nHost: 127.0.0.1:3000"),
            Some(Status::BadRequest)
        );
        assert_eq!(
            refused(b"GET /%2e%2e/Cargo.toml HTTP/1.1\r\nHost: 127.0.0.1:3000"),
            Some(Status::BadRequest)
        );
        assert_eq!(
            refused(b"GET /a%2fb HTTP/1.1\r\nHost: 127.0.0.1:3000"),
            Some(Status::BadRequest)
        );
        assert_eq!(
            refused(b"POST / HTTP/1.1\r\nHost: 127.0.0.1:3000"),
            Some(Status::MethodNotAllowed)
        );
        assert_eq!(
            refused(b"GET / HTTP/1.1\r\nHost: evil.example:3000"),
            Some(Status::Misdirected)
        );
        assert_eq!(
            refused(b"GET / HTTP/1.1\r\nHost: 127.0.0.1:4000"),
            Some(Status::Misdirected)
        );
        assert_eq!(refused(b"GET / HTTP/1.1"), Some(Status::BadRequest));
        assert_eq!(refused(b"GET / HTTP/2.0"), Some(Status::Version));
        assert_eq!(refused(b"GET http://x/ HTTP/1.0"), Some(Status::BadRequest));
        assert_eq!(refused(b"GET /%zz HTTP/1.0"), Some(Status::BadRequest));
        assert!(parse(b"GET / HTTP/1.0", 3000).is_ok());
        assert!(parse(b"GET / HTTP/1.1\r\nHost: [::1]:3000", 3000).is_ok());
    }

    // A head longer than the bound is refused; one cut short is no request.
    #[test]
    fn reads_a_bounded_head() {
        let long = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(MAX_HEAD + 10));
        assert_eq!(
            read_head(&mut long.as_bytes()).err(),
            Some(Status::TooLarge)
        );
        assert_eq!(read_head(&mut &b"GET / HTTP/1.1\r\n"[..]), Ok(None));
        assert_eq!(
            read_head(&mut &b"GET / HTTP/1.0\r\n\r\nbody"[..]),
            Ok(Some(b"GET / HTTP/1.0".to_vec()))
        );
    }

    // Only regular files of served types inside the folder are opened: not hidden files, not a
    // symlink leading out, not a folder, not another type.
    #[test]
    fn opens_only_files_inside_the_folder() {
        let dir = tempfile_dir("open");
        let out = dir.join("out");
        std::fs::create_dir_all(out.join("sub.html")).unwrap();
        std::fs::create_dir_all(out.join(".budgetnote")).unwrap();
        std::fs::write(out.join("a.pdf"), b"%PDF").unwrap();
        std::fs::write(out.join(".budgetnote/manifest.html"), b"x").unwrap();
        std::fs::write(out.join("a.toml"), b"x").unwrap();
        std::fs::write(dir.join("secret.html"), b"x").unwrap();
        let out = out.canonicalize().unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(dir.join("secret.html"), out.join("link.html")).unwrap();
        let open = |parts: &[&str]| {
            let parts: Vec<String> = parts.iter().map(|p| (*p).to_owned()).collect();
            open_below(&out, &parts).map(|(_, len, kind)| (len, kind))
        };
        assert_eq!(open(&["a.pdf"]), Some((4, "application/pdf")));
        assert_eq!(open(&[".budgetnote", "manifest.html"]), None);
        assert_eq!(open(&["a.toml"]), None);
        assert_eq!(open(&["sub.html"]), None);
        assert_eq!(open(&["link.html"]), None);
        assert_eq!(open(&["..", "secret.html"]), None);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A fresh folder under the system's temp folder for one test.
    fn tempfile_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("bn-serve-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
