//! The XLSX workbook: a sheet "Linjer" with every budget line and ledger row, one row per line
//! and column (the long shape a pivot table wants), and a sheet "Totaler" with every computed
//! total (nets, subtotals, total rows), each figure a number as printed in the PDF.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use super::rows::{HEADERS, Row};
use crate::error::AppError;

/// The widest a column is made, in characters (longer text wraps in Excel's cell editor).
const MAX_WIDTH: usize = 60;

/// The workbook's bytes: `lines` on "Linjer", `totals` on "Totaler"; `date` (year, month, day)
/// is its creation date, so the same input gives the same bytes.
pub fn workbook(
    title: &str,
    lines: &[Row],
    totals: &[Row],
    date: (u16, u8, u8),
) -> Result<Vec<u8>, AppError> {
    build(title, lines, totals, date)
        .map_err(|e| AppError(format!("cannot make the workbook {title}: {e}")))
}

/// [`workbook`] with the writer's own error.
fn build(
    title: &str,
    lines: &[Row],
    totals: &[Row],
    date: (u16, u8, u8),
) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let (year, month, day) = date;
    let created = ExcelDateTime::from_ymd(year, month, day)?;
    book.set_properties(
        &DocProperties::new()
            .set_title(title)
            .set_author("budgetnote")
            .set_creation_datetime(&created),
    );
    sheet(book.add_worksheet(), "Linjer", lines)?;
    sheet(book.add_worksheet(), "Totaler", totals)?;
    book.save_to_buffer()
}

/// The date a workbook records as its creation date: the latest date its proposals state (a
/// catalogue of the 2027 budget written in September 2026 is dated then), else 1 January of a
/// catalogue's `year`, else of the proposals' latest budget year, so the bytes follow the input.
pub fn date(proposals: &[&crate::checked::CheckedProposal], year: Option<i64>) -> (u16, u8, u8) {
    if let Some(stated) = proposals.iter().filter_map(|p| p.date).max() {
        return stated;
    }
    if let Some(year) = year {
        return (u16::try_from(year).unwrap_or(2000), 1, 1);
    }
    proposals
        .iter()
        .filter_map(|p| {
            p.date.or_else(|| {
                let year = u16::try_from(p.budget_year()?).ok()?;
                Some((year, 1, 1))
            })
        })
        .max()
        .unwrap_or((2000, 1, 1))
}

/// The Excel number format of a figure with `decimals` decimals: thousands grouped, which Danish
/// Excel shows as `1.234` and `1.234,5` (the codes in the file are locale-neutral).
pub fn number_format(decimals: u32) -> String {
    if decimals == 0 {
        "#,##0".to_owned()
    } else {
        format!("#,##0.{}", "0".repeat(decimals as usize))
    }
}

/// A figure as the number Excel stores (a double; budget figures are far inside its 15 digits).
fn number(value: Decimal) -> f64 {
    value.to_f64().unwrap_or(0.0)
}

/// Fills one sheet: bold frozen header row, one row per figure, widths, an autofilter.
fn sheet(ws: &mut Worksheet, name: &str, rows: &[Row]) -> Result<(), XlsxError> {
    ws.set_name(name)?;
    let bold = Format::new().set_bold();
    let mut formats: BTreeMap<u32, Format> = BTreeMap::new();
    let mut widths: Vec<usize> = HEADERS.iter().map(|h| h.chars().count()).collect();
    for (c, header) in HEADERS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *header, &bold)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        let texts = row.texts();
        for (c, text) in texts.iter().enumerate() {
            if !text.is_empty() {
                ws.write_string(r, c as u16, *text)?;
                widths[c] = widths[c].max(text.chars().count());
            }
        }
        if let Some(year) = row.year {
            ws.write_number(r, 13, year as f64)?;
        }
        let amount = formats
            .entry(row.decimals)
            .or_insert_with(|| Format::new().set_num_format(number_format(row.decimals)))
            .clone();
        ws.write_number_with_format(r, 14, number(row.amount), &amount)?;
        let printed = |v: Decimal, d: u32| crate::number::format_amount(v, Some(d));
        widths[14] = widths[14].max(printed(row.amount, row.decimals).chars().count());
        if let Some(in_kroner) = row.kroner() {
            let kroner_decimals = row.kroner_decimals();
            let kroner = formats
                .entry(kroner_decimals)
                .or_insert_with(|| Format::new().set_num_format(number_format(kroner_decimals)))
                .clone();
            ws.write_number_with_format(r, 15, number(in_kroner), &kroner)?;
            widths[15] = widths[15].max(printed(in_kroner, kroner_decimals).chars().count());
        }
        ws.write_string(r, 16, super::rows::total_text(row.total))?;
    }
    for (c, width) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, (*width).min(MAX_WIDTH) as f64 + 2.0)?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, rows.len() as u32, HEADERS.len() as u16 - 1)?;
    Ok(())
}
