//! A workbook's structure checked before calamine reads it, so a small hostile file cannot make
//! it allocate gigabytes.
//!
//! XLSX, XLSB and ODS files are zip archives of XML parts. calamine reads a part whole (an
//! XLSX's `sharedStrings.xml` becomes one `String` per entry) and expands an ODS sheet's
//! `table:number-rows-repeated` × `table:number-columns-repeated` into a dense grid of cells, so
//! an 878-byte ODS can ask for 96 million cells and a 1.5 MB XLSX for one 1.5 GB string. Here
//! the archive is inspected first:
//!
//! - every part's declared uncompressed size is at most [`PART_LIMIT`], and all of them
//!   together at most [`TOTAL_LIMIT`];
//! - every part is then decompressed into nothing through a reader that stops one byte past
//!   the limit, so a header that understates a part's size does not help;
//! - an ODS's `content.xml` is scanned (streamed, nothing kept) for the cells calamine would
//!   create: the cells of each row element it stores before expanding and the dense area
//!   between a sheet's first and last used cell after expanding, each at most [`CELL_LIMIT`].
//!
//! A file that is not a zip archive (an old `.xls`, or not a spreadsheet at all) passes
//! unchanged; calamine says what it is.

use std::io::{Read, Seek};

/// The most bytes one part of a workbook may hold uncompressed (128 MB): a sheet of a million
/// filled cells is about 60 MB of XML.
pub const PART_LIMIT: u64 = 128 * 1024 * 1024;

/// The most bytes all parts of a workbook may hold uncompressed together (256 MB).
pub const TOTAL_LIMIT: u64 = 256 * 1024 * 1024;

/// The most cells an ODS's sheets may ask calamine to create, counted before and after its
/// repeated rows and columns are expanded: a million cells, far above a finance system's export
/// (a ledger of 10,000 rows × 20 columns is 200,000) and about 60 MB in memory.
pub const CELL_LIMIT: u64 = 1_000_000;

/// The most rows and columns calamine gives an ODS sheet (what it caps repeats at).
const ODS_ROWS: u64 = 1_048_576;
/// The most columns calamine gives an ODS row.
const ODS_COLUMNS: u64 = 16_384;

/// Why a workbook is refused before it is read, in words that finish "cannot be read: ".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused(pub String);

/// Checks the archive in `bytes` against the limits above; `Ok` for a file that is not a zip.
pub fn check(bytes: &[u8]) -> Result<(), Refused> {
    let Ok(mut archive) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return Ok(());
    };
    declared_sizes(&mut archive)?;
    actual_sizes(&mut archive)?;
    if let Some(index) = archive.index_for_name("content.xml")
        && let Ok(content) = archive.by_index(index)
    {
        ods_cells(content.take(PART_LIMIT))?;
    }
    Ok(())
}

/// The sizes the archive's headers declare, against [`PART_LIMIT`] and [`TOTAL_LIMIT`].
fn declared_sizes<R: Read + Seek>(archive: &mut zip::ZipArchive<R>) -> Result<(), Refused> {
    let mut total: u64 = 0;
    for index in 0..archive.len() {
        let Ok(part) = archive.by_index_raw(index) else {
            continue;
        };
        let size = part.size();
        if size > PART_LIMIT {
            return Err(too_large(&part.name().unwrap_or_default(), size));
        }
        total = total.saturating_add(size);
    }
    if total > TOTAL_LIMIT {
        return Err(Refused(format!(
            "its parts hold {} MB uncompressed, more than the {} MB budgetnote reads",
            total / (1024 * 1024),
            TOTAL_LIMIT / (1024 * 1024)
        )));
    }
    Ok(())
}

/// Every part decompressed into nothing, at most one byte past [`PART_LIMIT`] each and
/// [`TOTAL_LIMIT`] in all, whatever its header says. A part that cannot be decompressed is left
/// for calamine to report if it reads it.
fn actual_sizes<R: Read + Seek>(archive: &mut zip::ZipArchive<R>) -> Result<(), Refused> {
    let mut total: u64 = 0;
    for index in 0..archive.len() {
        let Ok(part) = archive.by_index(index) else {
            continue;
        };
        let name = part.name().unwrap_or_default().into_owned();
        let mut bounded = part.take(PART_LIMIT + 1);
        // The zip reader stops a part that runs past its declared size with an error, as it
        // would for calamine: such a part is never read whole.
        let Ok(size) = std::io::copy(&mut bounded, &mut std::io::sink()) else {
            continue;
        };
        if size > PART_LIMIT {
            return Err(too_large(&name, size));
        }
        total = total.saturating_add(size);
        if total > TOTAL_LIMIT {
            return Err(Refused(format!(
                "its parts hold more than {} MB uncompressed, the most budgetnote reads",
                TOTAL_LIMIT / (1024 * 1024)
            )));
        }
    }
    Ok(())
}

/// The refusal of the part `name`, `size` bytes uncompressed.
fn too_large(name: &str, size: u64) -> Refused {
    Refused(format!(
        "its part {name} holds {} MB uncompressed, more than the {} MB budgetnote reads",
        size / (1024 * 1024),
        PART_LIMIT / (1024 * 1024)
    ))
}

/// One ODS sheet (`table:table`) as calamine would store it, counted.
#[derive(Default)]
struct Sheet {
    /// Rows of the sheet so far, repeats expanded (capped as calamine caps them).
    rows: u64,
    /// The expanded row where the first row element holding a cell begins.
    first: Option<u64>,
    /// The expanded row after the last row element holding a cell.
    end: u64,
    /// The leftmost and rightmost columns holding a cell.
    columns: Option<(u64, u64)>,
}

impl Sheet {
    /// The dense grid calamine builds: from the first to the last used row (every repeat of the
    /// rows between), from the leftmost to the rightmost used column.
    fn area(&self) -> u64 {
        match (self.first, self.columns) {
            (Some(first), Some((left, right))) => self
                .end
                .saturating_sub(first)
                .saturating_mul(right - left + 1),
            _ => 0,
        }
    }
}

/// One row element of an ODS sheet being read.
#[derive(Default)]
struct RowCells {
    /// How often the row repeats (capped so the sheet stays within calamine's rows).
    repeats: u64,
    /// Cells calamine stores for the row before expanding rows (empty cells before a used one
    /// count; trailing empty cells do not).
    stored: u64,
    /// Empty cells not yet stored (they are, when a used cell follows).
    pending: u64,
    /// The leftmost and rightmost used columns of the row.
    used: Option<(u64, u64)>,
}

/// The value of the attribute `name` of `element` as a number; `default` when absent or not a
/// number (calamine refuses such a file itself).
fn repeat(element: &quick_xml::events::BytesStart<'_>, name: &str, default: u64) -> u64 {
    element
        .try_get_attribute(name)
        .ok()
        .flatten()
        .and_then(|a| a.value.trim().parse().ok())
        .unwrap_or(default)
}

/// Whether an ODS cell holds something calamine stores: a value type, a formula, or content
/// (a cell with children). Empty self-closing cells, however often repeated, are not stored.
fn used(element: &quick_xml::events::BytesStart<'_>, has_children: bool) -> bool {
    has_children
        || ["office:value-type", "table:formula", "office:value"]
            .iter()
            .any(|name| element.try_get_attribute(name).ok().flatten().is_some())
}

/// Scans an ODS's `content.xml` for the cells calamine would create, against [`CELL_LIMIT`].
fn ods_cells(content: impl Read) -> Result<(), Refused> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(std::io::BufReader::new(content));
    let mut buf = Vec::new();
    let mut sheet = Sheet::default();
    let mut row: Option<RowCells> = None;
    let (mut stored, mut area) = (0u64, 0u64);
    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(event) => event,
            // calamine reports a broken file itself
            Err(_) => return Ok(()),
        };
        match event {
            Event::Eof => break,
            Event::Start(e) if e.name().as_ref() == "table:table" => sheet = Sheet::default(),
            Event::End(e) if e.name().as_ref() == "table:table" => {
                area = area.saturating_add(sheet.area());
                sheet = Sheet::default();
            }
            Event::Start(e) if e.name().as_ref() == "table:table-row" => {
                let wanted = repeat(&e, "table:number-rows-repeated", 1);
                row = Some(RowCells {
                    repeats: wanted.min(ODS_ROWS.saturating_sub(sheet.rows)),
                    ..RowCells::default()
                });
            }
            // calamine reads `<table:table-row/>` as an empty row, its repeats counted
            Event::Empty(e) if e.name().as_ref() == "table:table-row" => {
                let wanted = repeat(&e, "table:number-rows-repeated", 1);
                let repeats = wanted.min(ODS_ROWS.saturating_sub(sheet.rows));
                sheet.rows = sheet.rows.saturating_add(repeats);
            }
            Event::End(e) if e.name().as_ref() == "table:table-row" => {
                if let Some(done) = row.take() {
                    stored = stored.saturating_add(done.stored);
                    if let Some((left, right)) = done.used {
                        sheet.first.get_or_insert(sheet.rows);
                        sheet.end = sheet.rows + done.repeats.max(1);
                        sheet.columns = Some(match sheet.columns {
                            Some((l, r)) => (l.min(left), r.max(right)),
                            None => (left, right),
                        });
                    }
                    sheet.rows = sheet.rows.saturating_add(done.repeats);
                }
            }
            Event::Start(ref e) | Event::Empty(ref e)
                if matches!(
                    e.name().as_ref(),
                    "table:table-cell" | "table:covered-table-cell"
                ) =>
            {
                let has_children = matches!(event, Event::Start(_));
                if let Some(row) = row.as_mut() {
                    let repeats = repeat(e, "table:number-columns-repeated", 1);
                    row.stored += row.pending.min(ODS_COLUMNS - row.stored);
                    row.pending = 0;
                    let repeats = repeats.min(ODS_COLUMNS - row.stored);
                    if used(e, has_children) {
                        if repeats > 0 {
                            let (left, right) = (row.stored, row.stored + repeats - 1);
                            row.used = Some(row.used.map_or((left, right), |(l, _)| (l, right)));
                        }
                        row.stored += repeats;
                    } else {
                        row.pending = repeats;
                    }
                }
            }
            _ => {}
        }
        if stored > CELL_LIMIT || area.saturating_add(sheet.area()) > CELL_LIMIT {
            return Err(Refused(format!(
                "its repeated rows and columns make more than {} cells, the most budgetnote reads",
                CELL_LIMIT
            )));
        }
        buf.clear();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ODS `content.xml` holding `rows` as the body of one sheet.
    fn content(rows: &str) -> String {
        format!(
            "<?xml version=\"1.0\"?><office:document-content><office:body><office:spreadsheet>\
             <table:table table:name=\"Ark1\">{rows}</table:table>\
             </office:spreadsheet></office:body></office:document-content>"
        )
    }

    // A cell far out, reached by repeated empty rows and columns and paired with a cell in A1,
    // asks for a dense grid of 6001 × 16001 cells and is refused; the same repeats with no
    // used cell beyond A1, and a sheet styled to its last row with empty cells, cost nothing.
    #[test]
    fn repeated_cells_are_counted_before_expansion() {
        let far = content(
            "<table:table-row><table:table-cell office:value-type=\"float\" office:value=\"1\"/></table:table-row>\
             <table:table-row table:number-rows-repeated=\"5999\"><table:table-cell table:number-columns-repeated=\"16384\"/></table:table-row>\
             <table:table-row><table:table-cell table:number-columns-repeated=\"16000\"/>\
             <table:table-cell office:value-type=\"float\" office:value=\"2\"/></table:table-row>",
        );
        assert!(ods_cells(far.as_bytes()).is_err());
        let styled = content(
            "<table:table-row><table:table-cell office:value-type=\"float\" office:value=\"1\"/></table:table-row>\
             <table:table-row table:number-rows-repeated=\"1048575\"><table:table-cell table:number-columns-repeated=\"16384\"/></table:table-row>",
        );
        assert_eq!(ods_cells(styled.as_bytes()), Ok(()));
        // one used cell repeated across a whole row, that row repeated: stored and expanded
        let wide = content(
            "<table:table-row table:number-rows-repeated=\"100\">\
             <table:table-cell office:value-type=\"string\" table:number-columns-repeated=\"16384\"><text:p>x</text:p></table:table-cell>\
             </table:table-row>",
        );
        assert!(ods_cells(wide.as_bytes()).is_err());
        let small = content(
            "<table:table-row table:number-rows-repeated=\"10\">\
             <table:table-cell office:value-type=\"float\" office:value=\"3\" table:number-columns-repeated=\"20\"/>\
             </table:table-row>",
        );
        assert_eq!(ods_cells(small.as_bytes()), Ok(()));
    }

    // Bytes that are not a zip archive pass to calamine unchanged.
    #[test]
    fn other_files_pass() {
        assert_eq!(check(b"not a zip"), Ok(()));
    }
}
