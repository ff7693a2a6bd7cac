//! E105: a Markdown link whose address is neither a web (`http`, `https`) nor a mail
//! (`mailto`) address nor a relative one. The PDF and the web pages print such a link as its text
//! only (see [`crate::links`]); `check` refuses it at the address, so `check` and `render` agree.

use pulldown_cmark::{Event, Options, Parser, Tag};

use crate::diagnostic::{Code, Diagnostic};
use crate::source::SourceView;

use super::content::{Text, strings};

/// Every E105 of a proposal's or catalogue's source.
pub fn check(view: &SourceView<'_>) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for text in strings(view).iter().filter(|t| t.markdown) {
        let raw = view.text.get(text.span.clone()).unwrap_or("");
        for event in Parser::new_ext(&text.text, Options::empty()) {
            if let Event::Start(Tag::Link { dest_url, .. }) = event
                && !crate::links::allowed_link(&dest_url)
            {
                found.push(refused(text, raw, &dest_url));
            }
        }
    }
    found
}

/// E105 for the link to `url` in the string `text` (whose literal is `raw`), at the address
/// when it is found as written, else at the string.
fn refused(text: &Text, raw: &str, url: &str) -> Diagnostic {
    let at = raw
        .find(url)
        .filter(|_| !url.is_empty())
        .map_or(text.span.clone(), |i| {
            text.span.start + i..text.span.start + i + url.len()
        });
    let scheme = crate::links::scheme(url).unwrap_or_default();
    let shown: String = scheme
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(40)
        .collect();
    Diagnostic::new(
        Code::E105,
        format!(
            "a link to a `{shown}:` address; a link may only lead to a web page (http, https), a \
             mail address (mailto) or a relative address"
        ),
        Some(at),
    )
    .with_label("address not allowed")
    .with_help(
        "write the web page's address, https://…, or remove the brackets to print the text alone; \
         script and data addresses are never put into a PDF or web page",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    // A script link is refused at its address in any spelling; web, mail and relative links pass.
    #[test]
    fn script_links_are_refused_at_the_address() {
        let source = "[sections]\nresume = \"Se [her](JaVaScRiPt:alert(1)), [kk](https://kk.dk), \
                      [m](mailto:a@b.dk) og [s](side.html).\"\nbaggrund = \"[x](java&#x73;cript:y)\"\n";
        let view = SourceView::new(source);
        let found = check(&view);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found.iter().all(|d| d.code == Code::E105));
        let first = found[0].span.clone().unwrap();
        assert_eq!(&source[first], "JaVaScRiPt:alert(1)");
        let second = found[1].span.clone().unwrap();
        assert!(source[second].contains("&#x73;"));
    }
}
