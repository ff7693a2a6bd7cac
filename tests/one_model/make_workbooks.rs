//! Makes the workbooks of the tests/one_model cases: `d.xlsx` with one sheet, "Drift", holding a
//! header row and the rows each case reads (label, 2025, 2026), as numbers. Compiled into the test
//! suite (tests/testsuite/one_model.rs), which checks that the committed files hold these cells;
//! `cargo test --test testsuite -- --ignored one_model::make_workbooks` writes them again.

use std::path::Path;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook, XlsxError};

/// A row of a sheet: its label and its figures for 2025 and 2026.
pub type SheetRow = (&'static str, [f64; 2]);

/// Each case folder with a workbook, and the rows under the header of its sheet "Drift".
pub const WORKBOOKS: &[(&str, &[SheetRow])] = &[
    (
        "cross-table-xlsx-agrees",
        &[
            ("Dagtilbud", [8100.0, 8100.0]),
            ("Vuggestuer", [500.0, 500.0]),
        ],
    ),
    (
        "cross-table-xlsx-disagrees",
        &[
            ("Dagtilbud", [8100.0, 8200.0]),
            ("Vuggestuer", [500.0, 500.0]),
        ],
    ),
];

/// The header row of every sheet.
pub const HEADER: [&str; 3] = ["Linje", "2025", "2026"];

/// The bytes of a workbook whose sheet "Drift" holds the header and `rows` (with a fixed
/// creation date, so the file does not change when made again).
pub fn workbook(rows: &[SheetRow]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    book.set_properties(
        &DocProperties::new().set_creation_datetime(&ExcelDateTime::from_ymd(2025, 1, 1)?),
    );
    let sheet = book.add_worksheet();
    sheet.set_name("Drift")?;
    for (c, header) in HEADER.iter().enumerate() {
        sheet.write_string(0, c as u16, *header)?;
    }
    for (r, (label, figures)) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        sheet.write_string(r, 0, *label)?;
        for (c, figure) in figures.iter().enumerate() {
            sheet.write_number(r, c as u16 + 1, *figure)?;
        }
    }
    book.save_to_buffer()
}

/// Writes every case's `d.xlsx` under `dir` (tests/one_model).
pub fn write_all(dir: &Path) -> Result<(), Box<dyn std::error::Error>> {
    for (case, rows) in WORKBOOKS {
        std::fs::write(dir.join(case).join("d.xlsx"), workbook(rows)?)?;
    }
    Ok(())
}
