//! What `serve` adds to the pages it serves (never to the files written): a bar linking the
//! overview and the page's PDF, the diagnostics of a file with errors above its last good page,
//! the reload script; and the pages it makes itself (the overview, a page not written yet, not
//! found). Every text of a user's file is HTML-escaped, with its control characters made visible.

use std::fmt::Write as _;

use crate::diagnostic::{Diagnostic, FileReport, Severity, line_col};
use crate::markdown::html_escape;

/// The path of the script every served page loads to reload itself after a round.
pub const RELOAD_PATH: &str = "/__budgetnote/reload.js";

/// The reload script: asks every half second for the version of its own page (the last round
/// that changed it; the overview's is the last round) and reloads the page when it differs from
/// the one it was served in (quietly trying again while the server is away).
pub const RELOAD_JS: &str = r#"// budgetnote serve: reloads the page when a round of rendering has changed it.
(() => {
  const seen = document.currentScript && document.currentScript.dataset.round;
  const poll = async () => {
    try {
      const response = await fetch("/__budgetnote/version" + location.pathname, { cache: "no-store" });
      if (response.ok && (await response.text()).trim() !== seen) {
        location.reload();
        return;
      }
    } catch (_) {
      // The server is stopped or restarting: try again.
    }
    setTimeout(poll, 500);
  };
  setTimeout(poll, 500);
})();
"#;

/// The path of the preview's icon (so the browser asks for no `/favicon.ico`).
pub const ICON_PATH: &str = "/__budgetnote/icon.svg";

/// The preview's icon: a page with lines, in the pages' accent colour.
pub const ICON_SVG: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 16 16\">\
<rect x=\"2\" y=\"1\" width=\"12\" height=\"14\" rx=\"1.5\" fill=\"#1f3864\"/>\
<path d=\"M5 5h6M5 8h6M5 11h4\" stroke=\"#fff\" stroke-width=\"1.4\"/></svg>\n";

/// The styles of what `serve` adds, in a `<style>` of the page's head.
const STYLE: &str = "\
.bn-bar{display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;align-items:baseline;margin:0;\
padding:.45rem 1rem;background:#1f3864;color:#fff;font:0.9rem/1.4 Carlito,Calibri,Arial,sans-serif}\
.bn-bar a{color:#fff;font-weight:bold}.bn-bar .bn-live{margin-left:auto;opacity:.85}\
.bn-panel{margin:0 0 1.75rem;padding:1rem 1.25rem;border:1px solid #d9b3b3;\
border-left:.5rem solid #a4161a;border-radius:4px;background:#fdf3f3;color:#1f1f1f}\
.bn-panel.bn-quiet{border-left-color:#8a5a00;background:#fdf8ec;border-color:#e2cf9f}\
.bn-panel h2{margin:0 0 .4rem;color:#8b1014;font-size:1.25rem}\
.bn-panel summary{cursor:pointer;font-weight:bold;color:#6b4600}\
.bn-panel>p{margin:0 0 .8rem;max-width:46rem}\
.bn-panel ol{list-style:none;margin:0;padding:0}\
.bn-panel li{margin:0;padding:.8rem 0;border-top:1px solid #e6c9c9}\
.bn-panel li:last-child{padding-bottom:0}\
.bn-where{margin:0 0 .25rem;font-size:.95rem;color:#444}\
.bn-code{display:inline-block;margin-right:.5em;padding:0 .45em;border-radius:3px;\
background:#a4161a;color:#fff;font:bold .85rem/1.5 ui-monospace,'DejaVu Sans Mono',Consolas,monospace}\
.bn-warning .bn-code{background:#7a5000}\
.bn-message{margin:0 0 .4rem;font-weight:bold}\
.bn-source{margin:0 0 .45rem;padding:.5rem .75rem;overflow-x:auto;background:#fff;\
border:1px solid #e6c9c9;border-radius:3px;font:.85rem/1.45 ui-monospace,'DejaVu Sans Mono',Consolas,monospace}\
.bn-help{margin:0}.bn-help b{color:#1f3864}\
.bn-status-errors{color:#a4161a;font-weight:bold}\
";

/// The style that greys the last good page below a file's errors, so it does not pass for
/// current.
const STALE_STYLE: &str = "main>:not(.bn-panel){opacity:.5;filter:grayscale(1)}";

/// At most this many diagnostics are listed in a panel (the terminal has them all).
const MOST_LISTED: usize = 100;

/// Text of a user's file made safe for a page: control and text-direction characters written
/// visibly (as on the terminal), then HTML-escaped.
pub fn text(raw: &str) -> String {
    html_escape(&super::super::print::escaped(raw))
}

/// A path below the output folder as an absolute link (`katalog/k 1.html` → `/katalog/k%201.html`).
pub fn href(relative: &str) -> String {
    let mut out = String::new();
    for part in relative.split('/').filter(|p| !p.is_empty()) {
        out.push('/');
        for byte in part.bytes() {
            if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
                out.push(char::from(byte));
            } else {
                let _ = write!(out, "%{byte:02X}");
            }
        }
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// The reload script's tag, for a page served in `round`.
fn script(round: u64) -> String {
    format!("<script src=\"{RELOAD_PATH}\" data-round=\"{round}\" defer></script>\n")
}

/// The bar at the top of a served page: the overview, the page's PDF (its link, if it has one),
/// and that the page follows saves.
pub fn bar(pdf: Option<&str>) -> String {
    let pdf = pdf
        .map(|p| format!("<a href=\"{}\">PDF</a>", text(&href(p))))
        .unwrap_or_default();
    format!(
        "<nav class=\"bn-bar\" aria-label=\"budgetnote preview\" lang=\"en\">\
         <a href=\"/\">All proposals</a>{pdf}\
         <span class=\"bn-live\">budgetnote preview: reloads when a file is saved</span></nav>\n"
    )
}

/// The panel of the diagnostics of a file's `reports` (shown ones, errors first): with errors, a
/// panel saying the page below is the last good one (`kept`) or that there is none yet; with
/// warnings only, a closed panel listing them; nothing when there is nothing to show.
pub fn diagnostics(file: &str, reports: &[FileReport], kept: bool) -> String {
    let mut shown: Vec<(&FileReport, &Diagnostic)> = reports
        .iter()
        .flat_map(|r| r.shown().map(move |d| (r, d)))
        .collect();
    if shown.is_empty() {
        return String::new();
    }
    shown.sort_by_key(|(_, d)| std::cmp::Reverse(d.severity()));
    let errors = shown
        .iter()
        .filter(|(_, d)| d.severity() == Severity::Error)
        .count();
    let warnings = shown.len() - errors;
    let list = list(&shown);
    if errors == 0 {
        return format!(
            "<details class=\"bn-panel bn-quiet\" lang=\"en\"><summary>{} in {}</summary>\n{list}</details>\n",
            count(warnings, "warning"),
            text(file),
        );
    }
    let title = match warnings {
        0 => count(errors, "error"),
        _ => format!(
            "{} and {}",
            count(errors, "error"),
            count(warnings, "warning")
        ),
    };
    let note = if kept {
        "The page below is the last version without errors; it is updated when the file is \
         saved without errors."
    } else {
        "The file has no page yet: it gets one when it is saved without errors."
    };
    format!(
        "<section class=\"bn-panel\" lang=\"en\" aria-labelledby=\"bn-errors\">\n\
         <h2 id=\"bn-errors\">{title} in {}</h2>\n<p>{note}</p>\n{list}</section>\n",
        text(file),
    )
}

/// The panel of the run's own problems: errors of the run (the project cannot be opened) and
/// the diagnostics of the project's own forms and templates; nothing when there are none.
pub fn project(errors: &[String], reports: &[FileReport]) -> String {
    let shown: Vec<(&FileReport, &Diagnostic)> = reports
        .iter()
        .flat_map(|r| r.shown().map(move |d| (r, d)))
        .collect();
    if errors.is_empty() && !shown.iter().any(|(_, d)| d.severity() == Severity::Error) {
        return String::new();
    }
    let mut items = String::new();
    for error in errors {
        let _ = writeln!(
            items,
            "<p class=\"bn-message\"><span class=\"bn-code\">error</span>{}</p>",
            text(error)
        );
    }
    format!(
        "<section class=\"bn-panel\" lang=\"en\" aria-labelledby=\"bn-project\">\n\
         <h2 id=\"bn-project\">The last round did not finish as it should</h2>\n\
         <p>Pages and PDFs may be out of date until this is fixed.</p>\n{items}{}</section>\n",
        if shown.is_empty() {
            String::new()
        } else {
            list(&shown)
        }
    )
}

/// `n` things, in the singular for one.
fn count(n: usize, thing: &str) -> String {
    if n == 1 {
        format!("1 {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

/// The list of diagnostics: each with its code, severity, file, line and column, message, the
/// line of the file with a caret under the place, and help.
fn list(shown: &[(&FileReport, &Diagnostic)]) -> String {
    let mut out = String::from("<ol>\n");
    for (report, d) in shown.iter().take(MOST_LISTED) {
        let severity = match d.severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let file = text(&report.path.display().to_string());
        let place = match &d.span {
            Some(span) => {
                let (line, column) = line_col(&report.source, span.start);
                format!("{file}, line {line}, column {column}")
            }
            None => file,
        };
        let _ = write!(
            out,
            "<li class=\"bn-{severity}\">\n<p class=\"bn-where\"><span class=\"bn-code\">{}</span>\
             {severity} · {place}</p>\n<p class=\"bn-message\">{}</p>\n",
            d.code.as_str(),
            text(&d.message),
        );
        if let Some(source) = d.span.as_ref().and_then(|s| excerpt(&report.source, s, d)) {
            let _ = writeln!(out, "<pre class=\"bn-source\">{source}</pre>");
        }
        if let Some(help) = &d.help {
            let _ = writeln!(out, "<p class=\"bn-help\"><b>help:</b> {}</p>", text(help));
        }
        out.push_str("</li>\n");
    }
    if shown.len() > MOST_LISTED {
        let _ = writeln!(
            out,
            "<li><p>… and {} more, printed on the terminal.</p></li>",
            shown.len() - MOST_LISTED
        );
    }
    out.push_str("</ol>\n");
    out
}

/// The line of `source` a span starts on, numbered, with carets under the span (to the line's
/// end at most) and the diagnostic's label, escaped for a `<pre>`.
fn excerpt(source: &str, span: &std::ops::Range<usize>, d: &Diagnostic) -> Option<String> {
    let (line, column) = line_col(source, span.start);
    let text_line = source.lines().nth(line - 1)?.trim_end_matches('\r');
    let before: String = text_line
        .chars()
        .take(column - 1)
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    let width = source
        .get(span.clone())
        .map_or(1, |s| {
            s.split('\n').next().unwrap_or_default().chars().count()
        })
        .max(1);
    let number = line.to_string();
    let gutter = " ".repeat(number.len());
    let label = d
        .label
        .as_deref()
        .map(|l| format!(" {}", text(l)))
        .unwrap_or_default();
    Some(format!(
        "{number} │ {}\n{gutter} │ {before}{}{label}",
        text(text_line),
        "^".repeat(width.min(200)),
    ))
}

/// `page` (a written page, unchanged on disk) as served: the styles in its head, the bar at the
/// top of its body, the `panels` at the top of its `<main>` (the page greyed below them when
/// `stale`), and the reload script of `round` at the end of its body.
pub fn inject(page: &str, bar: &str, panels: &str, stale: bool, round: u64) -> String {
    let lower = page.to_ascii_lowercase();
    let style = format!(
        "<link rel=\"icon\" href=\"{ICON_PATH}\">\n<style>{STYLE}{}</style>\n",
        if stale { STALE_STYLE } else { "" }
    );
    let mut inserts: Vec<(usize, String)> = Vec::new();
    let head_end = lower.find("</head>");
    let body_start = tag_end(&lower, "<body");
    let main_start = tag_end(&lower, "<main");
    match head_end {
        Some(at) => inserts.push((at, style)),
        None => inserts.push((body_start.unwrap_or(0), style)),
    }
    match (body_start, main_start) {
        (Some(body), Some(main)) => {
            inserts.push((body, bar.to_owned()));
            inserts.push((main, panels.to_owned()));
        }
        (body, main) => {
            inserts.push((main.or(body).unwrap_or(0), format!("{bar}{panels}")));
        }
    }
    let end = lower.rfind("</body>").unwrap_or(page.len());
    inserts.push((end, script(round)));
    inserts.sort_by_key(|(at, _)| *at);
    let mut out = String::with_capacity(page.len() + 4096);
    let mut from = 0;
    for (at, insert) in inserts {
        out.push_str(&page[from..at]);
        out.push_str(&insert);
        from = at;
    }
    out.push_str(&page[from..]);
    out
}

/// Where the opening tag `tag` (`<main`) ends (after its `>`), when `page` (lowercased) has it.
fn tag_end(lower: &str, tag: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = lower[from..].find(tag).map(|i| i + from) {
        let next = lower[at + tag.len()..].chars().next();
        if matches!(next, Some('>' | ' ' | '\t' | '\n' | '\r')) {
            return lower[at..].find('>').map(|i| at + i + 1);
        }
        from = at + tag.len();
    }
    None
}

/// A page `serve` makes itself (`lang` its language): title, bar, body and the reload script.
pub fn standalone(lang: &str, title: &str, bar: &str, body: &str, round: u64) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<link rel=\"icon\" href=\"{ICON_PATH}\">\n\
         <link rel=\"stylesheet\" href=\"/budgetnote.css\">\n\
         <style>{STYLE}</style>\n</head>\n<body>\n{bar}<main>\n{body}</main>\n{}</body>\n</html>\n",
        text(title),
        script(round),
    )
}

/// One proposal or catalogue on the overview: its line of the folder run's index (for a file
/// never rendered: its file as the title, no id, form or committees) and its problems now.
pub struct Row {
    /// What the index of a folder run says of it; its `page` and `pdf` are below the output
    /// folder, the PDF only when there is one.
    pub entry: crate::export::html::IndexEntry,
    /// Its errors now.
    pub errors: usize,
    /// Its warnings now.
    pub warnings: usize,
}

/// The overview at `/`: every watched proposal and catalogue with its page, PDF and state, the
/// run's problems above them.
pub fn overview(title: &str, lead: &str, panels: &str, rows: &[Row], round: u64) -> String {
    let mut body = format!(
        "<h1>{}</h1>\n<p lang=\"en\">{}</p>\n{panels}",
        text(title),
        text(lead)
    );
    body.push_str(
        "<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" aria-labelledby=\"bn-list\">\n\
         <table class=\"index\">\n<caption id=\"bn-list\" class=\"vh\">Forslag</caption>\n\
         <thead>\n<tr><th scope=\"col\">Nr.</th><th scope=\"col\">Forslag</th>\
         <th scope=\"col\">Skema</th><th scope=\"col\">Udvalg</th><th scope=\"col\">PDF</th>\
         <th scope=\"col\">Status</th></tr>\n</thead>\n<tbody>\n",
    );
    for Row {
        entry: row,
        errors,
        warnings,
    } in rows
    {
        let page = text(&href(&row.page));
        let pdf = row
            .pdf
            .as_deref()
            .map(|p| {
                format!(
                    "<a href=\"{}\" aria-label=\"{} (PDF)\">PDF</a>",
                    text(&href(p)),
                    text(&row.title)
                )
            })
            .unwrap_or_default();
        let status = match (*errors, *warnings) {
            (0, 0) => "<span lang=\"en\">ok</span>".to_owned(),
            (0, w) => format!("<a href=\"{page}\" lang=\"en\">{}</a>", count(w, "warning")),
            (e, _) => format!(
                "<a class=\"bn-status-errors\" href=\"{page}\" lang=\"en\">{}</a>",
                count(e, "error")
            ),
        };
        let _ = writeln!(
            body,
            "<tr><th scope=\"row\">{}</th><td><a href=\"{page}\">{}</a></td><td>{}</td>\
             <td>{}</td><td>{pdf}</td><td>{status}</td></tr>",
            text(&row.id),
            text(&row.title),
            text(&row.form),
            text(&row.committees),
        );
    }
    body.push_str("</tbody>\n</table>\n</div>\n");
    standalone("da", title, "", &body, round)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Code;

    // The styles go in the head, the bar at the top of the body, the panels at the top of
    // <main> and the script at the end of the body; the page's own text is left as it is.
    #[test]
    fn injects_in_place() {
        let page = "<!DOCTYPE html>\n<html><head><title>T</title></head>\n<body>\n<main>\n<h1>T</h1>\n</main>\n</body>\n</html>\n";
        let served = inject(page, "<nav>BAR</nav>", "<section>PANEL</section>", true, 7);
        let at = |s: &str| {
            served
                .find(s)
                .unwrap_or_else(|| panic!("{s} missing: {served}"))
        };
        assert!(at("<style>") < at("</head>"));
        assert!(at("<body>") < at("<nav>BAR") && at("<nav>BAR") < at("<main>"));
        assert!(at("<main>") < at("<section>PANEL") && at("<section>PANEL") < at("<h1>T"));
        assert!(at("data-round=\"7\"") < at("</body>"));
        assert!(served.contains("grayscale"));
        assert!(!inject(page, "", "", false, 1).contains("grayscale"));
    }

    // A diagnostic shows its code, place, message, line with a caret and help, every user text
    // escaped; warnings alone make a closed panel.
    #[test]
    fn lists_diagnostics_escaped() {
        let source = "id = \"A\"\nform = \"<img src=x onerror=alert(1)>\"\n";
        let at = source.find("\"<img").unwrap();
        let report = FileReport {
            path: "proposals/<b>.toml".into(),
            source: source.to_owned(),
            diagnostics: vec![
                Diagnostic::new(
                    Code::E004,
                    "unknown form `<img src=x onerror=alert(1)>`",
                    Some(at..at + 31),
                )
                .with_help("use \u{202e}standard"),
            ],
        };
        let panel = diagnostics("proposals/<b>.toml", std::slice::from_ref(&report), true);
        assert!(
            panel.contains("1 error in proposals/&lt;b&gt;.toml"),
            "{panel}"
        );
        assert!(panel.contains("E004"));
        assert!(panel.contains("line 2, column 8"), "{panel}");
        assert!(panel.contains("unknown form `&lt;img src=x onerror=alert(1)&gt;`"));
        assert!(panel.contains("2 │ form = "), "{panel}");
        assert!(panel.contains("\\u{202e}standard"), "{panel}");
        assert!(!panel.contains("<img"), "{panel}");
        let mut warning = report.clone();
        warning.diagnostics = vec![Diagnostic::new(Code::W001, "unknown key", None)];
        let quiet = diagnostics("a.toml", &[warning], true);
        assert!(quiet.starts_with("<details"), "{quiet}");
        assert_eq!(diagnostics("a.toml", &[], true), "");
    }

    // Links are absolute and each part is percent-encoded.
    #[test]
    fn links_are_encoded() {
        assert_eq!(href("katalog/k 1#æ.html"), "/katalog/k%201%23%C3%A6.html");
        assert_eq!(href(""), "/");
    }
}
