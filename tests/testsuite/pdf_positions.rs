//! Test support: where each run of text sits on a PDF's pages, read from the content streams'
//! text operators (BT/ET, Tf, Tm, Td, TD, T*, TL, Tc, Tz, TJ/Tj) under the graphics state's
//! `cm`/`q`/`Q`, with glyph widths from the font's `/W` (CID fonts) or `/Widths` (simple fonts)
//! and the text from its `/ToUnicode` map. For "no text overlaps other text" and "no text
//! crosses its cell" checks. Boxes are approximate vertically: from 0.2 em below the baseline to
//! 0.75 em above it (Carlito's descender and cap height, rounded outward a little).

use std::collections::HashMap;

use lopdf::content::Content;
use lopdf::{Document, Object, ObjectId};

/// One run of text (one `TJ` or `Tj`) and the box it covers, in PDF points, y upwards.
#[derive(Debug, Clone, PartialEq)]
pub struct TextBox {
    /// Page number, from 1.
    pub page: usize,
    /// The text, from the font's ToUnicode map ('?' for glyphs without one).
    pub text: String,
    /// Left edge.
    pub x0: f64,
    /// Bottom edge.
    pub y0: f64,
    /// Right edge.
    pub x1: f64,
    /// Top edge.
    pub y1: f64,
    /// The font size in page units.
    pub size: f64,
}

impl TextBox {
    /// Whether the two boxes share area beyond `slack` points on each side.
    pub fn overlaps(&self, other: &TextBox, slack: f64) -> bool {
        self.page == other.page
            && self.x0 + slack < other.x1
            && other.x0 + slack < self.x1
            && self.y0 + slack < other.y1
            && other.y0 + slack < self.y1
    }
}

/// A stroked straight line (a table rule or cell border), in PDF points, y upwards.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// Page number, from 1.
    pub page: usize,
    /// Start.
    pub from: (f64, f64),
    /// End.
    pub to: (f64, f64),
}

impl Rule {
    /// Whether the rule is vertical (a column border).
    pub fn is_vertical(&self) -> bool {
        (self.from.0 - self.to.0).abs() < 0.05 && (self.from.1 - self.to.1).abs() > 1.0
    }

    /// Whether a vertical rule runs through the inside of `b`, more than `slack` points from
    /// its edges: text crossing a column border.
    pub fn crosses(&self, b: &TextBox, slack: f64) -> bool {
        let x = self.from.0;
        let (low, high) = (self.from.1.min(self.to.1), self.from.1.max(self.to.1));
        self.page == b.page
            && self.is_vertical()
            && b.x0 + slack < x
            && x < b.x1 - slack
            && low < b.y1 - slack
            && b.y0 + slack < high
    }
}

/// Pairs of text boxes that overlap by more than `slack` points (runs with only spaces ignored).
pub fn overlapping(boxes: &[TextBox], slack: f64) -> Vec<(TextBox, TextBox)> {
    let visible: Vec<&TextBox> = boxes.iter().filter(|b| !b.text.trim().is_empty()).collect();
    let mut found = Vec::new();
    for (i, a) in visible.iter().enumerate() {
        for b in &visible[i + 1..] {
            if a.overlaps(b, slack) {
                found.push(((*a).clone(), (*b).clone()));
            }
        }
    }
    found
}

/// A font's glyph widths (thousandths of an em) and text per character code.
#[derive(Debug, Default)]
struct FontInfo {
    /// Two-byte codes (Type0 fonts) or one-byte codes.
    two_byte: bool,
    /// Width per code.
    widths: HashMap<u32, f64>,
    /// Width of codes not listed.
    default_width: f64,
    /// Text per code.
    unicode: HashMap<u32, String>,
}

/// A 2D affine matrix `[a b c d e f]` as PDF writes it.
type Matrix = [f64; 6];

/// `m` then `n` (a point goes through `m` first).
fn mul(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

/// The identity matrix.
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// A point through a matrix.
fn apply(m: &Matrix, x: f64, y: f64) -> (f64, f64) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

/// A number operand.
fn num(o: &Object) -> f64 {
    match o {
        Object::Integer(i) => *i as f64,
        Object::Real(r) => f64::from(*r),
        _ => 0.0,
    }
}

/// Follows a reference.
fn deref<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    match o {
        Object::Reference(id) => doc.get_object(*id).unwrap_or(o),
        _ => o,
    }
}

/// Reads a font dictionary's widths and ToUnicode map.
fn font_info(doc: &Document, font: &lopdf::Dictionary) -> FontInfo {
    let mut info = FontInfo {
        default_width: 1000.0,
        ..FontInfo::default()
    };
    let subtype = font
        .get(b"Subtype")
        .and_then(|s| s.as_name())
        .unwrap_or(b"");
    if subtype == b"Type0" {
        info.two_byte = true;
        let descendant = font
            .get(b"DescendantFonts")
            .ok()
            .map(|d| deref(doc, d))
            .and_then(|d| d.as_array().ok())
            .and_then(|a| a.first())
            .map(|d| deref(doc, d))
            .and_then(|d| d.as_dict().ok());
        if let Some(cid) = descendant {
            if let Ok(dw) = cid.get(b"DW") {
                info.default_width = num(deref(doc, dw));
            }
            if let Some(w) = cid
                .get(b"W")
                .ok()
                .map(|w| deref(doc, w))
                .and_then(|w| w.as_array().ok())
            {
                let mut i = 0;
                while i < w.len() {
                    let first = num(deref(doc, &w[i])) as u32;
                    match w.get(i + 1).map(|o| deref(doc, o)) {
                        Some(Object::Array(list)) => {
                            for (k, width) in list.iter().enumerate() {
                                info.widths.insert(first + k as u32, num(deref(doc, width)));
                            }
                            i += 2;
                        }
                        Some(last) => {
                            let last = num(last) as u32;
                            let width = w.get(i + 2).map_or(0.0, |o| num(deref(doc, o)));
                            for code in first..=last {
                                info.widths.insert(code, width);
                            }
                            i += 3;
                        }
                        None => break,
                    }
                }
            }
        }
    } else {
        let first = font.get(b"FirstChar").map_or(0.0, |o| num(deref(doc, o))) as u32;
        if let Some(widths) = font
            .get(b"Widths")
            .ok()
            .map(|w| deref(doc, w))
            .and_then(|w| w.as_array().ok())
        {
            for (k, width) in widths.iter().enumerate() {
                info.widths.insert(first + k as u32, num(deref(doc, width)));
            }
        }
        // Type3 fonts measure in their FontMatrix; budgetnote's PDFs have none, so an em is kept.
        info.default_width = 500.0;
    }
    if let Some(stream) = font
        .get(b"ToUnicode")
        .ok()
        .and_then(|o| o.as_reference().ok())
        .and_then(|id| doc.get_object(id).ok())
        .and_then(|o| o.as_stream().ok())
    {
        let data = stream_data(stream, "a font's ToUnicode map");
        info.unicode = to_unicode(&String::from_utf8_lossy(&data));
    }
    info
}

/// Reads the `bfchar` and `bfrange` entries of a ToUnicode CMap.
fn to_unicode(cmap: &str) -> HashMap<u32, String> {
    let hex = |s: &str| u32::from_str_radix(s.trim_matches(['<', '>']), 16).ok();
    let text = |s: &str| -> String {
        let s = s.trim_matches(['<', '>']);
        let units: Vec<u16> = (0..s.len() / 4)
            .filter_map(|i| u16::from_str_radix(&s[i * 4..i * 4 + 4], 16).ok())
            .collect();
        String::from_utf16_lossy(&units)
    };
    let mut map = HashMap::new();
    let tokens: Vec<&str> = cmap
        .split(|c: char| c.is_whitespace())
        .filter(|t| !t.is_empty())
        .collect();
    let mut i = 0;
    while i < tokens.len() {
        match tokens[i] {
            "beginbfchar" => {
                i += 1;
                while i + 1 < tokens.len() && tokens[i] != "endbfchar" {
                    if let Some(code) = hex(tokens[i]) {
                        map.insert(code, text(tokens[i + 1]));
                    }
                    i += 2;
                }
            }
            "beginbfrange" => {
                i += 1;
                while i + 2 < tokens.len() && tokens[i] != "endbfrange" {
                    if let (Some(lo), Some(hi)) = (hex(tokens[i]), hex(tokens[i + 1]))
                        && tokens[i + 2].starts_with('<')
                    {
                        let start = text(tokens[i + 2]);
                        let mut units: Vec<u16> = start.encode_utf16().collect();
                        for code in lo..=hi {
                            map.insert(code, String::from_utf16_lossy(&units));
                            if let Some(last) = units.last_mut() {
                                *last = last.wrapping_add(1);
                            }
                        }
                    }
                    i += 3;
                }
            }
            _ => i += 1,
        }
    }
    map
}

/// The text and path state while reading one content stream.
struct State {
    /// Segments of the path being built (`m`, `l`, `h`), in page space.
    path: Vec<((f64, f64), (f64, f64))>,
    /// The path's current point and the start of its subpath, in page space.
    point: ((f64, f64), (f64, f64)),
    /// Stroked straight lines found so far.
    rules: Vec<Rule>,
    /// Current transformation matrix.
    ctm: Matrix,
    /// Saved `ctm`s (`q`).
    stack: Vec<Matrix>,
    /// Text matrix.
    tm: Matrix,
    /// Text line matrix.
    tlm: Matrix,
    /// Font resource name and size.
    font: (Vec<u8>, f64),
    /// Character spacing.
    tc: f64,
    /// Horizontal scaling, as a fraction.
    th: f64,
    /// Leading.
    tl: f64,
}

/// Every run of text on every page of `pdf`.
pub fn text_boxes(pdf: &[u8]) -> Vec<TextBox> {
    read_pdf(pdf).0
}

/// Every stroked straight line on every page of `pdf`.
pub fn rules(pdf: &[u8]) -> Vec<Rule> {
    read_pdf(pdf).1
}

/// The text boxes and stroked lines of every page.
fn read_pdf(pdf: &[u8]) -> (Vec<TextBox>, Vec<Rule>) {
    let doc = Document::load_mem(pdf).expect("a PDF lopdf can read");
    let mut boxes = Vec::new();
    let mut rules = Vec::new();
    for (page_no, page_id) in doc.get_pages() {
        let fonts: HashMap<Vec<u8>, FontInfo> = doc
            .get_page_fonts(page_id)
            .unwrap_or_default()
            .into_iter()
            .map(|(name, dict)| (name, font_info(&doc, dict)))
            .collect();
        // Each content stream of the page, decompressed; one that does not decompress fails the
        // test (lopdf's own `get_page_content` would pass its compressed bytes on instead).
        let mut content = Vec::new();
        for id in doc.get_page_contents(page_id) {
            let stream = doc
                .get_object(id)
                .and_then(Object::as_stream)
                .unwrap_or_else(|e| panic!("page {page_no}: content {id:?} is not a stream: {e}"));
            content.extend(stream_data(
                stream,
                &format!("page {page_no}'s content {id:?}"),
            ));
            content.push(b'\n');
        }
        let mut state = State {
            path: Vec::new(),
            point: ((0.0, 0.0), (0.0, 0.0)),
            rules: Vec::new(),
            ctm: IDENTITY,
            stack: Vec::new(),
            tm: IDENTITY,
            tlm: IDENTITY,
            font: (Vec::new(), 0.0),
            tc: 0.0,
            th: 1.0,
            tl: 0.0,
        };
        read_stream(
            &doc,
            page_id,
            &content,
            &fonts,
            &mut state,
            page_no as usize,
            &mut boxes,
        );
        rules.append(&mut state.rules);
    }
    (boxes, rules)
}

/// A stream's bytes after its filters; panics, naming `what`, when a filter fails (a corrupt
/// stream must fail the test, not read as a page without text).
fn stream_data(stream: &lopdf::Stream, what: &str) -> Vec<u8> {
    let Ok(filters) = stream.filters() else {
        return stream.content.clone();
    };
    // lopdf's own Flate decoding logs a corrupt stream and returns what it got (often nothing),
    // so a Flate stream without parameters is inflated here, where an error is an error.
    if filters == [b"FlateDecode"] && stream.dict.get(b"DecodeParms").is_err() {
        use std::io::Read;
        let mut data = Vec::new();
        flate2::read::ZlibDecoder::new(stream.content.as_slice())
            .read_to_end(&mut data)
            .unwrap_or_else(|e| panic!("{what}: the stream does not decode: {e}"));
        return data;
    }
    stream
        .decompressed_content()
        .unwrap_or_else(|e| panic!("{what}: the stream does not decode: {e}"))
}

/// The operations of a content stream; panics when it does not parse to its end. lopdf's
/// parser stops quietly at the first thing it cannot read, so the stream must hold some
/// operation if it holds anything, and must end with the last operation read.
fn decode_content(data: &[u8], page_no: usize) -> Content {
    let content = Content::decode(data)
        .unwrap_or_else(|e| panic!("page {page_no}: a content stream does not parse: {e}"));
    let text = data.trim_ascii_end();
    if text.trim_ascii_start().is_empty() {
        return content;
    }
    let last = content.operations.last().map(|op| op.operator.as_bytes());
    let ends_with_last = last.is_some_and(|op| {
        text.ends_with(op)
            && text[..text.len() - op.len()]
                .last()
                .is_none_or(|b| b.is_ascii_whitespace() || b"])>}/".contains(b))
    });
    assert!(
        ends_with_last,
        "page {page_no}: a content stream does not parse to its end ({} operations read, the \
         last {:?}; the stream ends {:?})",
        content.operations.len(),
        last.map(String::from_utf8_lossy),
        String::from_utf8_lossy(&text[text.len().saturating_sub(40)..]),
    );
    content
}

/// Reads one content stream (a page's, or a form XObject's under the current state).
fn read_stream(
    doc: &Document,
    page: ObjectId,
    data: &[u8],
    fonts: &HashMap<Vec<u8>, FontInfo>,
    st: &mut State,
    page_no: usize,
    boxes: &mut Vec<TextBox>,
) {
    let content = decode_content(data, page_no);
    for op in content.operations {
        let o = &op.operands;
        match op.operator.as_str() {
            "q" => st.stack.push(st.ctm),
            "Q" => st.ctm = st.stack.pop().unwrap_or(IDENTITY),
            "cm" if o.len() == 6 => {
                let m = [
                    num(&o[0]),
                    num(&o[1]),
                    num(&o[2]),
                    num(&o[3]),
                    num(&o[4]),
                    num(&o[5]),
                ];
                st.ctm = mul(&m, &st.ctm);
            }
            "m" if o.len() == 2 => {
                let p = apply(&st.ctm, num(&o[0]), num(&o[1]));
                st.point = (p, p);
            }
            "l" if o.len() == 2 => {
                let p = apply(&st.ctm, num(&o[0]), num(&o[1]));
                st.path.push((st.point.0, p));
                st.point.0 = p;
            }
            "h" => {
                st.path.push((st.point.0, st.point.1));
                st.point.0 = st.point.1;
            }
            "S" | "s" => {
                for (from, to) in st.path.drain(..) {
                    st.rules.push(Rule {
                        page: page_no,
                        from,
                        to,
                    });
                }
            }
            "f" | "F" | "f*" | "n" | "B" | "B*" | "b" | "b*" | "W" | "W*" => st.path.clear(),
            "BT" => {
                st.tm = IDENTITY;
                st.tlm = IDENTITY;
            }
            "Tf" if o.len() == 2 => {
                st.font = (o[0].as_name().unwrap_or(b"").to_vec(), num(&o[1]));
            }
            "Tc" if o.len() == 1 => st.tc = num(&o[0]),
            "Tz" if o.len() == 1 => st.th = num(&o[0]) / 100.0,
            "TL" if o.len() == 1 => st.tl = num(&o[0]),
            "Tm" if o.len() == 6 => {
                st.tm = [
                    num(&o[0]),
                    num(&o[1]),
                    num(&o[2]),
                    num(&o[3]),
                    num(&o[4]),
                    num(&o[5]),
                ];
                st.tlm = st.tm;
            }
            "Td" | "TD" if o.len() == 2 => {
                if op.operator == "TD" {
                    st.tl = -num(&o[1]);
                }
                st.tlm = mul(&[1.0, 0.0, 0.0, 1.0, num(&o[0]), num(&o[1])], &st.tlm);
                st.tm = st.tlm;
            }
            "T*" => {
                st.tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -st.tl], &st.tlm);
                st.tm = st.tlm;
            }
            "Tj" | "TJ" => {
                let parts: Vec<Object> = match (op.operator.as_str(), o.first()) {
                    ("TJ", Some(Object::Array(a))) => a.clone(),
                    (_, Some(s)) => vec![s.clone()],
                    _ => Vec::new(),
                };
                show(&parts, fonts, st, page_no, boxes);
            }
            "Do" if o.len() == 1 => {
                let Ok(name) = o[0].as_name() else { continue };
                let xobject = doc
                    .get_page_resources(page)
                    .ok()
                    .and_then(|(res, _)| res)
                    .and_then(|r| r.get(b"XObject").ok())
                    .map(|x| deref(doc, x))
                    .and_then(|x| x.as_dict().ok())
                    .and_then(|x| x.get(name).ok())
                    .map(|x| deref(doc, x))
                    .and_then(|x| x.as_stream().ok());
                if let Some(stream) = xobject
                    && stream.dict.get(b"Subtype").and_then(|s| s.as_name()).ok() == Some(b"Form")
                {
                    let data = stream_data(stream, &format!("page {page_no}'s form XObject"));
                    let saved = st.ctm;
                    if let Ok(m) = stream.dict.get(b"Matrix").and_then(|m| m.as_array()) {
                        let m: Vec<f64> = m.iter().map(num).collect();
                        if m.len() == 6 {
                            st.ctm = mul(&[m[0], m[1], m[2], m[3], m[4], m[5]], &st.ctm);
                        }
                    }
                    read_stream(doc, page, &data, fonts, st, page_no, boxes);
                    st.ctm = saved;
                }
            }
            _ => {}
        }
    }
}

/// Shows the strings and adjustments of one `TJ` (or the string of a `Tj`), advancing the text
/// matrix, and records the box they cover.
fn show(
    parts: &[Object],
    fonts: &HashMap<Vec<u8>, FontInfo>,
    st: &mut State,
    page_no: usize,
    boxes: &mut Vec<TextBox>,
) {
    let empty = FontInfo::default();
    let font = fonts.get(&st.font.0).unwrap_or(&empty);
    let size = st.font.1;
    let start = st.tm;
    let mut advance = 0.0;
    let mut text = String::new();
    for part in parts {
        match part {
            Object::String(bytes, _) => {
                let codes: Vec<u32> = if font.two_byte {
                    bytes
                        .chunks(2)
                        .map(|c| u32::from(c[0]) << 8 | u32::from(*c.get(1).unwrap_or(&0)))
                        .collect()
                } else {
                    bytes.iter().map(|b| u32::from(*b)).collect()
                };
                for code in codes {
                    let width = font
                        .widths
                        .get(&code)
                        .copied()
                        .unwrap_or(font.default_width);
                    advance += (width / 1000.0 * size + st.tc) * st.th;
                    text.push_str(font.unicode.get(&code).map_or("?", String::as_str));
                }
            }
            other => advance -= num(other) / 1000.0 * size * st.th,
        }
    }
    st.tm = mul(&[1.0, 0.0, 0.0, 1.0, advance, 0.0], &st.tm);
    let m = mul(&start, &st.ctm);
    // The box's corners in text space: from the origin to the advance, 0.2 em down to 0.75 em up.
    let corners = [
        (0.0, -0.2 * size),
        (advance, -0.2 * size),
        (0.0, 0.75 * size),
        (advance, 0.75 * size),
    ];
    let points: Vec<(f64, f64)> = corners.iter().map(|(x, y)| apply(&m, *x, *y)).collect();
    let xs = points.iter().map(|p| p.0);
    let ys = points.iter().map(|p| p.1);
    let scale = (m[0] * m[3] - m[1] * m[2]).abs().sqrt();
    boxes.push(TextBox {
        page: page_no,
        text,
        x0: xs.clone().fold(f64::INFINITY, f64::min),
        x1: xs.fold(f64::NEG_INFINITY, f64::max),
        y0: ys.clone().fold(f64::INFINITY, f64::min),
        y1: ys.fold(f64::NEG_INFINITY, f64::max),
        size: size * scale,
    });
}

/// `pdf` with the first content stream of its first page replaced by `content`, with or
/// without the Flate filter it had.
fn with_first_content(pdf: &[u8], content: &[u8], keep_filter: bool) -> Vec<u8> {
    let mut doc = Document::load_mem(pdf).expect("a PDF lopdf can read");
    let page = doc.get_pages()[&1];
    let id = doc.get_page_contents(page)[0];
    let stream = doc
        .get_object_mut(id)
        .and_then(Object::as_stream_mut)
        .expect("the first page has a content stream");
    assert!(stream.dict.get(b"Filter").is_ok(), "typst compresses it");
    if !keep_filter {
        stream.dict.remove(b"Filter");
    }
    stream.set_content(content.to_vec());
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("the PDF is written");
    out
}

/// The panic message of reading the text boxes of `pdf`, if reading panics.
fn reading_fails(pdf: &[u8]) -> Option<String> {
    let result = std::panic::catch_unwind(|| text_boxes(pdf));
    result.err().map(|e| {
        e.downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_default()
    })
}

// A content stream that does not decode fails the reading (and so the layout test that reads
// it) instead of yielding a page without text: a Flate stream with corrupt bytes, and a stream
// whose operations stop parsing halfway. The PDF they are made from reads cleanly, and an
// intact uncompressed stream too, so the failures come from the corruption.
#[test]
fn corrupt_content_stream_fails_instead_of_yielding_no_boxes() {
    let pdf = crate::common::render(&crate::common::root().join("tests/good/minimal.toml"));
    assert!(reading_fails(&pdf).is_none());
    assert!(!text_boxes(&pdf).is_empty());

    let plain = with_first_content(&pdf, b"BT /F1 12 Tf 72 700 Td (x) Tj ET\n", false);
    assert_eq!(reading_fails(&plain), None);

    let corrupt = with_first_content(&pdf, b"x\x9c\x01\x02\x03 not zlib at all", true);
    let message = reading_fails(&corrupt).expect("a corrupt Flate stream fails");
    assert!(message.contains("does not decode"), "{message}");

    let halfway = with_first_content(
        &pdf,
        b"BT /F1 12 Tf 72 700 Td \xff\xfe<< garbage ET\n",
        false,
    );
    let message = reading_fails(&halfway).expect("a stream that stops parsing fails");
    assert!(message.contains("does not parse to its end"), "{message}");
}
