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
        // An SVG may carry raster images (embedded or linked) of any size: refused, so the
        // pixel limit holds for every logo.
        Some(ImageFormat::Vector(VectorFormat::Svg))
            if String::from_utf8_lossy(&data).contains("<image") =>
        {
            Err(unusable(
                "is an SVG that holds a raster image (<image>); export the logo as a plain SVG, or as PNG".to_owned(),
            ))
        }
        Some(ImageFormat::Vector(VectorFormat::Svg)) => SvgImage::new(Bytes::new(data))
            .map(|_| ())
            .map_err(|_| unusable("is a broken SVG image: it cannot be parsed (an SVG that defines entities, or text that is not SVG)".to_owned())),
        _ => Err(unusable("is not an SVG, PNG or JPEG image".to_owned())),
    }
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
        let linked = b"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><image href=\"big.png\" width=\"10\" height=\"10\"/></svg>";
        assert_eq!(decode(linked.to_vec()).unwrap_err().0, Code::E036);
    }
}
