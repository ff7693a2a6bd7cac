//! The logo image: inside the project, a regular file of bounded size, and decoded in full at
//! check time, exactly as the typesetter will decode it, so a broken or oversized image is
//! refused at the proposal's line instead of failing (or filling memory) while rendering.

use std::path::Path;

use typst::foundations::Bytes;
use typst::visualize::{
    ExchangeFormat, ImageFormat, RasterFormat, RasterImage, SvgImage, VectorFormat,
};

use crate::diagnostic::Code;

/// The largest logo file read (bytes): a logo is a few kilobytes; 5 MB is a photograph.
pub const MAX_BYTES: u64 = 5 * 1024 * 1024;

/// The most pixels a raster logo may decode to: a compressed image of a megabyte can hold
/// gigabytes of pixels, and the typesetter would decode them all.
pub const MAX_PIXELS: u64 = 25_000_000;

/// Why a logo cannot be used: the code (E036 unusable, E054 too large) and the phrase.
pub type Problem = (Code, String);

/// The logo at `file` (inside `root`) as the root-relative path typst reads ("/logos/x.svg").
pub fn check(root: &Path, file: &Path) -> Result<String, Problem> {
    check_in(&crate::sources::WorkTree::new(root), file)
}

/// [`check`], reading the logo from `sources` (the working tree or a git revision).
pub fn check_in(sources: &dyn crate::sources::Sources, file: &Path) -> Result<String, Problem> {
    use crate::sources::SourceError;
    let unusable = |why: &str| (Code::E036, why.to_owned());
    // Confined first: a file outside the project is never opened.
    let parts = sources.relative(file).map_err(|e| match e {
        SourceError::Outside => unusable("is outside the project folder"),
        _ if sources.is_file(file) => unusable("has a name that is not UTF-8"),
        _ => unusable("does not exist"),
    })?;
    let data = sources.read(file, MAX_BYTES).map_err(|e| match e {
        SourceError::Missing => unusable("does not exist"),
        SourceError::Outside => unusable("is outside the project folder"),
        SourceError::Read(e) => read_problem(e),
    })?;
    // Every raster the SVG embeds or names is sized against the pixel limit (E054) before the
    // typesetter decodes it; a revision is only read by `diff`, which typesets nothing.
    if sources.is_worktree() {
        let root = sources
            .root()
            .canonicalize()
            .map_err(|_| unusable("cannot be checked: the project folder is unreadable"))?;
        let real = file
            .canonicalize()
            .map_err(|_| unusable("does not exist"))?;
        svg_rasters(&root, &real, &data, 0)?;
    }
    decode(data)?;
    Ok(format!("/{}", parts.join("/")))
}

/// A logo that could not be read: too large (E054), not a file, or unreadable (E036).
fn read_problem(e: crate::files::ReadError) -> Problem {
    match e {
        crate::files::ReadError::TooLarge { .. } => {
            too_large("is larger than 5 MB; a logo may be at most 5 MB")
        }
        crate::files::ReadError::NotRegular(kind) => (Code::E036, format!("is {kind}, not a file")),
        crate::files::ReadError::Io(e) => (Code::E036, format!("cannot be read: {e}")),
    }
}

/// Decodes the image as typst will, after checking that its pixels fit in [`MAX_PIXELS`].
fn decode(data: Vec<u8>) -> Result<(), Problem> {
    let unusable = |why: String| (Code::E036, why);
    match ImageFormat::detect(&data) {
        Some(ImageFormat::Raster(
            format @ RasterFormat::Exchange(ExchangeFormat::Png | ExchangeFormat::Jpg),
        )) => {
            let (width, height) = image::ImageReader::new(std::io::Cursor::new(&data))
                .with_guessed_format()
                .map_err(|e| unusable(format!("cannot be read as an image: {e}")))?
                .into_dimensions()
                .map_err(|e| unusable(format!("cannot be read as an image: {e}")))?;
            let pixels = u64::from(width) * u64::from(height);
            if pixels > MAX_PIXELS {
                return Err(too_large(&format!(
                    "is {width} × {height} pixels; a logo may have at most 25 million pixels"
                )));
            }
            RasterImage::plain(Bytes::new(data), format)
                .map(|_| ())
                .map_err(|e| unusable(format!("is a broken image: {e}")))
        }
        // The raster images an SVG carries (embedded or linked) were checked against the pixel
        // limit by `svg_rasters`.
        Some(ImageFormat::Vector(VectorFormat::Svg)) => SvgImage::new(Bytes::new(data))
            .map(|_| ())
            .map_err(|_| unusable("is a broken SVG image: it cannot be parsed (an SVG that defines entities, or text that is not SVG)".to_owned())),
        _ => Err(unusable("is not an SVG, PNG or JPEG image".to_owned())),
    }
}

/// How deep SVG images inside SVG images (`data:image/svg+xml`) are followed.
const MAX_SVG_DEPTH: usize = 4;

/// Checks every raster image an SVG logo (`data`, the file `svg` inside the real project root
/// `root`) carries, without decoding a pixel: each `image` and `feImage` element, under any
/// namespace prefix, with an `href` or `xlink:href` that is a `data:` URI or a file. A PNG or JPEG
/// may have at most [`MAX_PIXELS`] (E054, read from its header); a file must be a regular file
/// (never a FIFO or device, checked on the opened handle) inside the project, as the typesetter
/// reads it relative to the SVG; an SVG inside a `data:` URI is checked the same way. What the
/// typesetter would refuse or cannot size (an absolute path, a URL, a linked SVG, GIF or WebP,
/// entities that could hide elements, a compressed SVG) is E036. Not an SVG: nothing to check.
pub fn svg_rasters(root: &Path, svg: &Path, data: &[u8], depth: usize) -> Result<(), Problem> {
    let unusable = |why: String| (Code::E036, why);
    if data.starts_with(&[0x1f, 0x8b]) {
        return Err(unusable(
            "is a compressed SVG (svgz), whose images cannot be checked; save it as a plain SVG"
                .to_owned(),
        ));
    }
    if !matches!(
        ImageFormat::detect(data),
        Some(ImageFormat::Vector(VectorFormat::Svg))
    ) {
        return Ok(());
    }
    // Not UTF-8: the typesetter cannot parse it either (`decode` says so).
    let Ok(text) = std::str::from_utf8(data) else {
        return Ok(());
    };
    if depth > MAX_SVG_DEPTH {
        return Err(unusable(format!(
            "is an SVG with SVG images nested more than {MAX_SVG_DEPTH} deep"
        )));
    }
    let hrefs = image_hrefs(text).map_err(unusable)?;
    let mut seen = std::collections::HashSet::new();
    for href in hrefs {
        if !seen.insert(href.clone()) {
            continue;
        }
        let trimmed = href.trim_matches(|c: char| c.is_ascii_whitespace() || c.is_control());
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let bytes = match data_uri(trimmed) {
            Some(decoded) => match decoded {
                Some(bytes) => bytes,
                // A `data:` URI that does not decode is skipped by the typesetter too.
                None => continue,
            },
            None => {
                let file = linked_file(root, svg, trimmed)?;
                if matches!(
                    ImageFormat::detect(&file),
                    Some(ImageFormat::Vector(VectorFormat::Svg))
                ) || trimmed.to_ascii_lowercase().ends_with(".svg")
                {
                    return Err(unusable(format!(
                        "is an SVG that links the SVG image {trimmed}, which cannot be used; \
                         embed its drawing instead"
                    )));
                }
                file
            }
        };
        raster_within_limit(root, svg, &bytes, depth, &href)?;
    }
    Ok(())
}

/// Checks one image an SVG carries (`bytes`, named `href` in messages): a PNG or JPEG of at most
/// [`MAX_PIXELS`], or an SVG checked in turn; GIF and WebP are refused (their size is not read).
fn raster_within_limit(
    root: &Path,
    svg: &Path,
    bytes: &[u8],
    depth: usize,
    href: &str,
) -> Result<(), Problem> {
    let name: String = if href.len() > 60 {
        format!("{}…", href.chars().take(40).collect::<String>())
    } else {
        href.to_owned()
    };
    match ImageFormat::detect(bytes) {
        Some(ImageFormat::Raster(RasterFormat::Exchange(
            ExchangeFormat::Png | ExchangeFormat::Jpg,
        ))) => {
            let (width, height) = image::ImageReader::new(std::io::Cursor::new(bytes))
                .with_guessed_format()
                .and_then(|r| r.into_dimensions().map_err(std::io::Error::other))
                .map_err(|e| {
                    (
                        Code::E036,
                        format!("is an SVG whose image {name} cannot be read: {e}"),
                    )
                })?;
            let pixels = u64::from(width) * u64::from(height);
            if pixels > MAX_PIXELS {
                return Err(too_large(&format!(
                    "is an SVG whose image {name} is {width} × {height} pixels; an image in a \
                     logo may have at most 25 million pixels"
                )));
            }
            Ok(())
        }
        Some(ImageFormat::Raster(_)) => Err((
            Code::E036,
            format!(
                "is an SVG whose image {name} is a GIF or WebP, whose size is not checked; use \
                 PNG or JPEG"
            ),
        )),
        Some(ImageFormat::Vector(VectorFormat::Svg)) => svg_rasters(root, svg, bytes, depth + 1),
        _ => Ok(()),
    }
}

/// Reads the file an SVG's image names (`href`, relative to the SVG's folder, as the typesetter
/// resolves it): inside the project, a regular file checked on the opened handle, at most
/// [`MAX_BYTES`].
fn linked_file(root: &Path, svg: &Path, href: &str) -> Result<Vec<u8>, Problem> {
    let unusable = |why: String| (Code::E036, why);
    let href = href.strip_prefix("file://").unwrap_or(href);
    if href.starts_with('/') {
        return Err(unusable(format!(
            "is an SVG whose image {href} is named by an absolute path; name it relative to the SVG"
        )));
    }
    if let Some((scheme, _)) = href.split_once("://")
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return Err(unusable(format!(
            "is an SVG whose image {href} is a web address; only files in the project are read"
        )));
    }
    let folder = svg.parent().unwrap_or(root);
    let real = folder
        .join(href)
        .canonicalize()
        .map_err(|_| unusable(format!("is an SVG whose image {href} does not exist")))?;
    if !real.starts_with(root) {
        return Err(unusable(format!(
            "is an SVG whose image {href} is outside the project folder"
        )));
    }
    crate::files::read_regular(&real, MAX_BYTES).map_err(|e| match e {
        crate::files::ReadError::TooLarge { .. } => {
            too_large(&format!("is an SVG whose image {href} is larger than 5 MB"))
        }
        crate::files::ReadError::NotRegular(kind) => unusable(format!(
            "is an SVG whose image {href} is {kind}, not a file"
        )),
        crate::files::ReadError::Io(e) => {
            unusable(format!("is an SVG whose image {href} cannot be read: {e}"))
        }
    })
}

/// The `href`s (plain or under any prefix, `xlink:href`) of every `image` and `feImage` element
/// (under any prefix) of an SVG's text, references decoded; comments, CDATA, declarations and
/// processing instructions are skipped. An SVG with an entity whose text could make an element
/// (holding `<` or a reference) is refused, as it could hide an image.
fn image_hrefs(text: &str) -> Result<Vec<String>, String> {
    if hiding_entities(text) {
        return Err(
            "is an SVG that defines entities holding markup (<!ENTITY>), which can \
                    hide images; save it as a plain SVG"
                .to_owned(),
        );
    }
    let mut found = Vec::new();
    let mut rest = text;
    let skip_to = |end: &str, from: &'_ str| -> usize {
        from.find(end).map_or(from.len(), |i| i + end.len())
    };
    while let Some(at) = rest.find('<') {
        rest = &rest[at..];
        if rest.starts_with("<!--") {
            rest = &rest[skip_to("-->", rest)..];
        } else if rest.starts_with("<![CDATA[") {
            rest = &rest[skip_to("]]>", rest)..];
        } else if rest.starts_with("<?") {
            rest = &rest[skip_to("?>", rest)..];
        } else if rest.starts_with("<!") || rest.starts_with("</") {
            rest = &rest[skip_to(">", rest)..];
        } else {
            rest = &rest[1..];
            let name_end = rest
                .find(|c: char| c.is_whitespace() || c == '/' || c == '>')
                .unwrap_or(rest.len());
            let name = &rest[..name_end];
            let local = name.rsplit(':').next().unwrap_or(name);
            let wanted =
                local.eq_ignore_ascii_case("image") || local.eq_ignore_ascii_case("feImage");
            let (attributes, after) = attributes(&rest[name_end..]);
            if wanted {
                found.extend(attributes.into_iter().filter_map(|(key, value)| {
                    let key = key.rsplit(':').next().unwrap_or(key);
                    key.eq_ignore_ascii_case("href").then(|| xml_decoded(value))
                }));
            }
            rest = after;
        }
    }
    Ok(found)
}

/// Whether an SVG's text declares an entity whose replacement could hold markup: a `<` or a
/// reference (`&#60;` is a `<`) in its value.
fn hiding_entities(text: &str) -> bool {
    text.match_indices("<!ENTITY").any(|(at, _)| {
        let declaration = &text[at + "<!ENTITY".len()..];
        let Some(open) = declaration.find(['"', '\'']) else {
            return false;
        };
        let quote = &declaration[open..open + 1];
        let value = &declaration[open + 1..];
        let value = &value[..value.find(quote).unwrap_or(value.len())];
        value.contains(['<', '&'])
    })
}

/// The attributes of a start tag (the text after its name) and the text after the tag.
fn attributes(mut rest: &str) -> (Vec<(&str, &str)>, &str) {
    let mut found = Vec::new();
    loop {
        rest = rest.trim_start();
        if rest.is_empty() || rest.starts_with('>') || rest.starts_with("/>") {
            let end = rest.find('>').map_or(rest.len(), |i| i + 1);
            return (found, &rest[end..]);
        }
        let key_end = rest
            .find(|c: char| c.is_whitespace() || c == '=' || c == '>' || c == '/')
            .unwrap_or(rest.len());
        let key = &rest[..key_end];
        rest = rest[key_end..].trim_start();
        if key.is_empty() {
            // A stray `/` or character: step over it.
            rest = rest.get(1..).unwrap_or("");
            continue;
        }
        let Some(after_eq) = rest.strip_prefix('=') else {
            continue;
        };
        rest = after_eq.trim_start();
        let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        rest = &rest[1..];
        let end = rest.find(quote).unwrap_or(rest.len());
        found.push((key, &rest[..end]));
        rest = rest.get(end + 1..).unwrap_or("");
    }
}

/// An attribute value with its XML references (`&amp;`, `&#x41;`) decoded.
fn xml_decoded(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let Some(end) = after.find(';') else {
            out.push_str(&rest[at..]);
            return out;
        };
        let name = &after[..end];
        let c = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => name.strip_prefix('#').and_then(|n| {
                match n.strip_prefix('x') {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => n.parse().ok(),
                }
                .and_then(char::from_u32)
            }),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &after[end + 1..];
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

/// The bytes of a `data:` URI as the SVG reader decodes them: `None` when `href` is not one,
/// `Some(None)` when it is one that does not decode (skipped by the reader too).
fn data_uri(href: &str) -> Option<Option<Vec<u8>>> {
    let scheme = href.get(..5)?;
    if !scheme.eq_ignore_ascii_case("data:") {
        return None;
    }
    let Some((meta, payload)) = href[5..].split_once(',') else {
        return Some(None);
    };
    let payload = crate::links::percent_decoded_bytes(payload);
    let base64 = meta.trim_end().to_ascii_lowercase().ends_with(";base64");
    Some(if base64 {
        base64_decoded(&payload)
    } else {
        Some(payload)
    })
}

/// Base64 (standard or URL-safe alphabet, ASCII whitespace ignored, padding optional) decoded;
/// `None` when another character is found.
fn base64_decoded(text: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in text {
        let value = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            b if b.is_ascii_whitespace() => continue,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// E054 with its phrase.
fn too_large(why: &str) -> Problem {
    (Code::E054, why.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PNG of `width` × `height` grey pixels, all zero, compressed.
    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::new();
        let encoder = image::codecs::png::PngEncoder::new(&mut out);
        let pixels = vec![0u8; (width * height) as usize];
        image::ImageEncoder::write_image(
            encoder,
            &pixels,
            width,
            height,
            image::ExtendedColorType::L8,
        )
        .unwrap();
        out
    }

    // A small PNG decodes; one cut short after its header does not.
    #[test]
    fn decodes_whole_images_only() {
        let good = png(20, 10);
        assert_eq!(decode(good.clone()), Ok(()));
        let cut = good[..40].to_vec();
        assert_eq!(decode(cut).unwrap_err().0, Code::E036);
    }

    // The pixel limit is checked from the header, before anything is decoded.
    #[test]
    fn too_many_pixels_are_refused_before_decoding() {
        let big = png(6000, 5000);
        assert!(big.len() < 1_000_000, "compressed zeros stay small");
        assert_eq!(decode(big).unwrap_err().0, Code::E054);
    }

    // SVG entity expansion (a "billion laughs") is refused, and text is not an image.
    #[test]
    fn svg_bombs_and_text_are_refused() {
        let mut laughs =
            String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE svg [\n<!ENTITY a \"aaaaaaaaaa\">\n");
        for i in 0..9u8 {
            let (name, inner) = ((b'b' + i) as char, (b'a' + i) as char);
            laughs.push_str(&format!(
                "<!ENTITY {name} \"{}\">\n",
                format!("&{inner};").repeat(10)
            ));
        }
        laughs.push_str("]>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><text>&j;</text></svg>\n");
        assert_eq!(decode(laughs.into_bytes()).unwrap_err().0, Code::E036);
        assert_eq!(decode(b"hello".to_vec()).unwrap_err().0, Code::E036);
    }

    /// The CRC-32 of a PNG chunk's type and data.
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    /// A PNG's header claiming `width` × `height` pixels, without its pixels: what a check that
    /// never decodes pixels reads.
    fn png_header(width: u32, height: u32) -> Vec<u8> {
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut chunk = |kind: &[u8], data: &[u8]| {
            out.extend((data.len() as u32).to_be_bytes());
            let body = [kind, data].concat();
            out.extend(&body);
            out.extend(crc32(&body).to_be_bytes());
        };
        let mut ihdr = Vec::new();
        ihdr.extend(width.to_be_bytes());
        ihdr.extend(height.to_be_bytes());
        ihdr.extend([8, 0, 0, 0, 0]);
        chunk(b"IHDR", &ihdr);
        chunk(b"IDAT", &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
        chunk(b"IEND", &[]);
        out
    }

    /// Standard base64 of `bytes`.
    fn base64(bytes: &[u8]) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for group in bytes.chunks(3) {
            let n = group
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
            for i in 0..4 {
                if i <= group.len() {
                    out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    /// An SVG document holding `body`.
    fn svg(body: &str) -> Vec<u8> {
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:s=\"http://www.w3.org/2000/svg\" \
             xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"10\" height=\"10\">{body}</svg>"
        )
        .into_bytes()
    }

    // Every raster an SVG carries is sized from its header against the pixel limit: under a
    // second prefix, as feImage, in a data: URI (base64 or an SVG in an SVG) and as a file; small
    // ones pass, and a FIFO, a missing file and a file outside the project are refused.
    #[cfg(unix)]
    #[test]
    fn svg_rasters_are_sized_wherever_they_hide() {
        let base = std::env::temp_dir().join(format!("budgetnote-svg-{}", std::process::id()));
        let root = base.join("p");
        std::fs::create_dir_all(root.join("logos")).unwrap();
        std::fs::write(base.join("outside.png"), png_header(10, 10)).unwrap();
        let root = root.canonicalize().unwrap();
        let logo = root.join("logos/logo.svg");
        std::fs::write(root.join("logos/bomb.png"), png_header(30_000, 30_000)).unwrap();
        std::fs::write(root.join("logos/small.png"), png_header(100, 100)).unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(root.join("logos/pipe.png"))
            .status()
            .unwrap();
        assert!(made.success());
        let check = |body: &str| svg_rasters(&root, &logo, &svg(body), 0).map_err(|p| p.0);
        let bomb = base64(&png_header(20_000, 20_000));
        assert_eq!(check(r#"<s:image href="bomb.png"/>"#), Err(Code::E054));
        assert_eq!(
            check(r#"<image xlink:href="./bomb.png"/>"#),
            Err(Code::E054)
        );
        let fe = format!(r#"<filter><feImage href="data:image/png;base64,{bomb}"/></filter>"#);
        assert_eq!(check(&fe), Err(Code::E054));
        let inner = base64(&svg(&format!(
            r#"<image href="data:image/png;base64,{bomb}"/>"#
        )));
        let nested = format!(r#"<image href="data:image/svg+xml;base64,{inner}"/>"#);
        assert_eq!(check(&nested), Err(Code::E054));
        assert_eq!(check(r#"<image href="pipe.png"/>"#), Err(Code::E036));
        assert_eq!(check(r#"<image href="gone.png"/>"#), Err(Code::E036));
        assert_eq!(
            check(r#"<image href="../../outside.png"/>"#),
            Err(Code::E036)
        );
        assert_eq!(check(r#"<image href="/etc/x.png"/>"#), Err(Code::E036));
        let hidden = "<!DOCTYPE svg [<!ENTITY i \"<image href='bomb.png'/>\">]>";
        let entity = [hidden.as_bytes(), &svg("&i;")].concat();
        assert_eq!(
            svg_rasters(&root, &logo, &entity, 0).unwrap_err().0,
            Code::E036
        );
        assert_eq!(
            check(r#"<image href="small.png"/><!-- <image href="bomb.png"/> -->"#),
            Ok(())
        );
        let small = base64(&png_header(100, 100));
        assert_eq!(
            check(&format!(r#"<image href="data:image/png;base64,{small}"/>"#)),
            Ok(())
        );
        assert_eq!(check(r##"<feImage href="#shape"/>"##), Ok(()));
        std::fs::remove_dir_all(&base).unwrap();
    }
}
