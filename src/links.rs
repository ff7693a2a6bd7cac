//! The one list of link addresses a document may hold, shared by the PDF (Markdown links become
//! Typst `#link`s, see [`crate::markdown`]), the web pages and `check` (E105, see
//! [`crate::checks::links`]): web (`http`, `https`) and mail (`mailto`) addresses, and relative
//! ones without a scheme. Anything else (`javascript:`, `data:`, `vbscript:`, `file:`) is refused.
//!
//! The scheme is read as a browser or PDF reader would: case-insensitively, after trimming, with
//! tabs and line breaks inside it dropped, and character references (`&#x73;`) and percent
//! escapes (`%73`) decoded, so `JaVaScRiPt:`, ` javascript:` and `java&#x73;cript:` are all the
//! same refused scheme.

/// The schemes a link may have; a link without a scheme is relative and allowed.
pub const SCHEMES: &[&str] = &["http", "https", "mailto"];

/// Whether `url` may become a link in a PDF or a web page.
pub fn allowed_link(url: &str) -> bool {
    match scheme(url) {
        Some(scheme) => SCHEMES.contains(&scheme.as_str()),
        None => true,
    }
}

/// The scheme of `url`, lowercased, once references and escapes are decoded; `None` for a
/// relative address (no `:` before the first `/`, `?` or `#`).
pub fn scheme(url: &str) -> Option<String> {
    let decoded = percent_decoded(&entities_decoded(url));
    // Browsers drop ASCII tabs and line breaks anywhere and control characters and spaces at
    // either end; a control character inside the scheme is dropped here too, to be safe.
    let cleaned: String = decoded
        .trim_matches(|c: char| c.is_control() || c.is_whitespace())
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    let end = cleaned.find([':', '/', '?', '#'])?;
    if !cleaned[end..].starts_with(':') {
        return None;
    }
    Some(cleaned[..end].trim().to_lowercase())
}

/// `text` with its character references decoded: numeric ones (`&#115;`, `&#x73;`), also
/// without the closing `;`, and the named ones that can hide a scheme (`&colon;`, `&Tab;`,
/// `&NewLine;`, `&amp;`).
fn entities_decoded(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        match reference(after) {
            Some((c, used)) => {
                out.push(c);
                rest = &after[used..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The character a reference stands for (the text after `&`) and how many bytes it used.
fn reference(text: &str) -> Option<(char, usize)> {
    if let Some(number) = text.strip_prefix('#') {
        let (digits, radix, skip) = match number.strip_prefix(['x', 'X']) {
            Some(hex) => (hex, 16, 2),
            None => (number, 10, 1),
        };
        let len = digits
            .find(|c: char| !c.is_digit(radix))
            .unwrap_or(digits.len());
        if len == 0 {
            return None;
        }
        let c = u32::from_str_radix(&digits[..len], radix)
            .ok()
            .and_then(char::from_u32)
            .unwrap_or('\u{FFFD}');
        let semicolon = usize::from(digits[len..].starts_with(';'));
        return Some((c, skip + len + semicolon));
    }
    const NAMED: &[(&str, char)] = &[
        ("colon;", ':'),
        ("Tab;", '\t'),
        ("NewLine;", '\n'),
        ("amp;", '&'),
        ("sol;", '/'),
        ("num;", '#'),
        ("quest;", '?'),
    ];
    NAMED
        .iter()
        .find(|(name, _)| text.starts_with(name))
        .map(|(name, c)| (*c, name.len()))
}

/// `text` with its percent escapes (`%6A`) decoded, as text (bytes that are not UTF-8 become
/// U+FFFD).
fn percent_decoded(text: &str) -> String {
    String::from_utf8_lossy(&percent_decoded_bytes(text)).into_owned()
}

/// `text` with its percent escapes decoded, as bytes (a `data:` URI's payload may be binary).
pub fn percent_decoded_bytes(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: Option<&u8>| b.and_then(|b| char::from(*b).to_digit(16));
        match (bytes[i], hex(bytes.get(i + 1)), hex(bytes.get(i + 2))) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // Web, mail and relative addresses pass; script and data schemes fail however written.
    #[test]
    fn only_web_mail_and_relative_links_are_allowed() {
        for ok in [
            "https://kk.dk/a:b",
            "HTTP://kk.dk",
            "mailto:a@b.dk",
            "side.html",
            "../a/b.pdf#p2",
            "?q=a:b",
            "#afsnit",
            "//kk.dk/x",
        ] {
            assert!(allowed_link(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " javascript:alert(1)",
            "\u{1}javascript:x",
            "java\tscript:x",
            "java&#x73;cript:x",
            "java&#115cript:x",
            "javascript&colon;x",
            "java%73cript:x",
            "data:text/html,<script>",
            "vbscript:msgbox",
            "file:///etc/passwd",
            "tel:+4512345678",
        ] {
            assert!(!allowed_link(bad), "{bad}");
        }
    }
}
