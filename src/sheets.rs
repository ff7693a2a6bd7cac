//! Figures read from a spreadsheet kept beside the proposal (`from = { file, sheet, range }`),
//! so the PDF always equals the finance system's export.
//!
//! A ledger's `from` adds one row per spreadsheet row of the range: the label, the table's text
//! columns, then its figure columns (years, then the declared amount columns that are not
//! computed), in order. A row's `from` gives that row's figures from a one-row range. The file is
//! read at every check and render, confined to the project like any file; every figure becomes a
//! figure of the table exactly as if it were typed, so every check applies. A cell that is not a
//! usable figure is reported at the cell (`drift.xlsx, Drift!C7`) and at the TOML line naming the
//! range.
//!
//! Workbooks (XLSX, XLSM, ODS) are read with `calamine`; a number cell is taken as the shortest
//! decimal that reads back as the same binary number (what the spreadsheet shows, not a binary
//! approximation). CSV files are UTF-8 (a BOM is allowed); with `;` between fields they are read
//! the Danish way (decimal comma, `.` between thousands), with `,` the international way.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;
use std::str::FromStr;

use rust_decimal::Decimal;
use toml::Spanned;

use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Column, Proposal, RawAmount, Row, SheetRange, Table};

pub mod guard;

/// Spreadsheets larger than this are refused before they are read.
const SHEET_LIMIT: u64 = 20 * 1024 * 1024;

/// One cell's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing in it.
    Empty,
    /// A number.
    Number(f64),
    /// Text.
    Text(String),
    /// Anything else (an error value, a boolean), as shown.
    Other(String),
    /// A date or time, as the spreadsheet's day number.
    Date(f64),
    /// A formula whose value the workbook does not store (it was never calculated).
    Formula(String),
}

/// The cells of a range that hold something, with the range's size and top-left cell; only
/// those cells are kept, so a range as large as a whole sheet costs what its content costs.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    /// The cells that are not empty, by (row, column) relative to the range's top-left cell.
    pub cells: BTreeMap<(u32, u32), Cell>,
    /// How many rows the range spans.
    pub height: u32,
    /// How many columns the range spans.
    pub width: u32,
    /// Row and column (0-based) of the top-left cell.
    pub origin: (u32, u32),
    /// How numbers written as text are read: the Danish way (decimal comma) or not.
    pub danish: bool,
}

impl Grid {
    /// The cell at (`row`, `column`) of the range.
    fn at(&self, row: usize, column: usize) -> &Cell {
        const EMPTY: Cell = Cell::Empty;
        match (u32::try_from(row), u32::try_from(column)) {
            (Ok(r), Ok(c)) => self.cells.get(&(r, c)).unwrap_or(&EMPTY),
            _ => &EMPTY,
        }
    }

    /// The rows of the range that hold a cell, in order.
    fn used_rows(&self) -> Vec<usize> {
        let mut rows: Vec<usize> = self.cells.keys().map(|(r, _)| *r as usize).collect();
        rows.dedup();
        rows
    }
}

/// Fills in every `from` of the proposal's ledgers; `proposal_path` locates the files, which
/// must lie inside `root` (read from the working tree).
pub fn resolve(model: &mut Proposal, proposal_path: &Path, root: &Path) -> Vec<Diagnostic> {
    resolve_in(model, proposal_path, &crate::sources::WorkTree::new(root))
}

/// [`resolve`], reading the spreadsheets from `sources` (the working tree or a git revision).
pub fn resolve_in(
    model: &mut Proposal,
    proposal_path: &Path,
    sources: &dyn crate::sources::Sources,
) -> Vec<Diagnostic> {
    let base = proposal_path.parent().unwrap_or(Path::new("."));
    let mut found = Vec::new();
    for table in model.tables.values_mut() {
        let table = table.get_mut();
        if table.kind.get_ref().trim() != "ledger" {
            if let Some(from) = &table.from {
                found.push(
                    Diagnostic::new(
                        Code::E095,
                        format!(
                            "`from` reads figures into a ledger, but this table is kind = \"{}\"",
                            table.kind.get_ref().trim()
                        ),
                        Some(from.span()),
                    )
                    .with_help(
                        "write the text table's rows in the TOML, or make the table a ledger",
                    ),
                );
            }
            continue;
        }
        let shape = Shape::of(table);
        // The rows written here first: the rows a table's range adds carry the cells they
        // came from as a `from` of their own, already read.
        for row in &mut table.rows {
            let Some(from) = row.get_ref().from.clone() else {
                continue;
            };
            if let Some(amounts) = &row.get_ref().amounts {
                found.push(
                    Diagnostic::new(
                        Code::E095,
                        "the row has both `amounts` and `from`",
                        Some(amounts.span()),
                    )
                    .with_help(
                        "keep one: the figures typed in `amounts`, or read from the spreadsheet",
                    ),
                );
                continue;
            }
            match read_range(&from, base, sources) {
                Ok(grid) => {
                    let amounts = row_amounts(&grid, &from, &shape, &mut found);
                    row.get_mut().amounts = amounts;
                }
                Err(d) => found.push(*d),
            }
        }
        if let Some(from) = table.from.clone() {
            match read_range(&from, base, sources) {
                Ok(grid) => {
                    let rows = table_rows(&grid, &from, &shape, &mut found);
                    table.rows.extend(rows);
                }
                Err(d) => found.push(*d),
            }
        }
    }
    found
}

/// What a ledger's spreadsheet rows must hold.
struct Shape {
    /// How many text columns follow the label.
    text_columns: usize,
    /// The keys of the figure columns, in order (years first).
    keys: Vec<String>,
    /// Decimals the table prints, per figure column, where declared.
    decimals: Vec<Option<u32>>,
}

impl Shape {
    /// The shape of a ledger as written (the same column order validation builds).
    fn of(table: &Table) -> Self {
        let years: Vec<String> = table
            .years
            .as_ref()
            .map(|y| {
                y.get_ref()
                    .iter()
                    .map(|y| y.get_ref().to_string())
                    .collect()
            })
            .unwrap_or_default();
        let table_decimals = table
            .decimals
            .as_ref()
            .and_then(|d| u32::try_from(*d.get_ref()).ok());
        let mut keys = Vec::new();
        let mut decimals = Vec::new();
        let mut text_columns = 0;
        let mut years_placed = false;
        for column in &table.columns {
            match column.get_ref() {
                Column::Text(_) => text_columns += 1,
                Column::Spec(spec) if spec.text.as_ref().is_some_and(|t| *t.get_ref()) => {
                    text_columns += 1;
                }
                Column::Spec(spec) => {
                    if !years_placed {
                        decimals.extend(years.iter().map(|_| table_decimals));
                        keys.append(&mut years.clone());
                        years_placed = true;
                    }
                    let computed =
                        spec.sum.is_some() || spec.difference.is_some() || spec.percent.is_some();
                    if !computed {
                        keys.push(spec.key.get_ref().trim().to_owned());
                        decimals.push(
                            spec.decimals
                                .as_ref()
                                .and_then(|d| u32::try_from(*d.get_ref()).ok())
                                .or(table_decimals),
                        );
                    }
                }
            }
        }
        if !years_placed {
            decimals.extend(years.iter().map(|_| table_decimals));
            keys.extend(years);
        }
        Shape {
            text_columns,
            keys,
            decimals,
        }
    }
}

/// The rows a table's range gives: label, text values, figures; empty spreadsheet rows skipped.
fn table_rows(
    grid: &Grid,
    from: &Spanned<SheetRange>,
    shape: &Shape,
    found: &mut Vec<Diagnostic>,
) -> Vec<Spanned<Row>> {
    let width = 1 + shape.text_columns + shape.keys.len();
    if !wide_enough(grid, from, width, shape, true, found) {
        return Vec::new();
    }
    let span = from.get_ref().range.span();
    let used = grid.used_rows();
    if used.is_empty() {
        let f = from.get_ref();
        let sheet = f.sheet.as_ref().map_or_else(
            || "its first sheet".to_owned(),
            |s| format!("sheet \"{}\"", s.get_ref().trim()),
        );
        found.push(
            Diagnostic::new(
                Code::E095,
                format!(
                    "the range {} of \"{}\" ({sheet}) holds no rows",
                    f.range.get_ref().trim(),
                    f.file.get_ref().trim()
                ),
                Some(f.range.span()),
            )
            .with_help(
                "name the cells that hold the rows; without `sheet`, a workbook's first sheet is read",
            ),
        );
    }
    let mut rows = Vec::new();
    for r in used {
        let label = text_of(grid.at(r, 0));
        if label.trim().is_empty() {
            found.push(cell_diagnostic(
                Code::E096,
                grid,
                from,
                (r, 0),
                "has no label",
                "write the row's label in the range's first column",
            ));
            continue;
        }
        let values = (1..=shape.text_columns)
            .map(|c| Spanned::new(span.clone(), text_of(grid.at(r, c))))
            .collect();
        let amounts = figures(grid, from, shape, r, 1 + shape.text_columns, found);
        // The row's figure cells, so each figure is named by its cell in later diagnostics.
        let first = grid.origin.1 + 1 + shape.text_columns as u32;
        let row = grid.origin.0 + r as u32;
        let last = first + (shape.keys.len() as u32).saturating_sub(1);
        let cells = Spanned::new(
            from.span(),
            SheetRange {
                range: Spanned::new(
                    span.clone(),
                    format!("{}:{}", cell_name(row, first), cell_name(row, last)),
                ),
                ..from.get_ref().clone()
            },
        );
        rows.push(Spanned::new(
            span.clone(),
            Row {
                label: Some(Spanned::new(span.clone(), label)),
                account: None,
                values,
                amounts: Some(Spanned::new(span.clone(), amounts)),
                stated_total: None,
                group: None,
                committee: None,
                area: None,
                from: Some(cells),
                same_as: None,
                expense: None,
                cells: Vec::new(),
            },
        ));
    }
    rows
}

/// A row's figures from a one-row range.
fn row_amounts(
    grid: &Grid,
    from: &Spanned<SheetRange>,
    shape: &Shape,
    found: &mut Vec<Diagnostic>,
) -> Option<Spanned<crate::model::YearAmounts>> {
    if grid.height != 1 {
        found.push(
            Diagnostic::new(
                Code::E095,
                format!(
                    "a row's `from` must be one row of the spreadsheet, but {} spans {} rows",
                    from.get_ref().range.get_ref().trim(),
                    grid.height
                ),
                Some(from.get_ref().range.span()),
            )
            .with_help("name the row's figure cells, e.g. range = \"C7:F7\""),
        );
        return None;
    }
    if !wide_enough(grid, from, shape.keys.len(), shape, false, found) {
        return None;
    }
    let amounts = figures(grid, from, shape, 0, 0, found);
    Some(Spanned::new(from.get_ref().range.span(), amounts))
}

/// E095 unless the range is exactly `width` columns wide.
fn wide_enough(
    grid: &Grid,
    from: &Spanned<SheetRange>,
    width: usize,
    shape: &Shape,
    with_label: bool,
    found: &mut Vec<Diagnostic>,
) -> bool {
    let have = grid.width as usize;
    if have == width {
        return true;
    }
    let wanted = if with_label {
        format!(
            "the label, {} text column(s) and the figure columns {}",
            shape.text_columns,
            shape.keys.join(", ")
        )
    } else {
        format!("the figure columns {}", shape.keys.join(", "))
    };
    found.push(
        Diagnostic::new(
            Code::E095,
            format!(
                "the range {} is {have} column(s) wide, but the table takes {width}: {wanted}",
                from.get_ref().range.get_ref().trim()
            ),
            Some(from.get_ref().range.span()),
        )
        .with_help("name exactly those columns of the spreadsheet, in that order"),
    );
    false
}

/// The figures of row `r` of the grid from column `first` on, keyed by the table's columns.
fn figures(
    grid: &Grid,
    from: &Spanned<SheetRange>,
    shape: &Shape,
    r: usize,
    first: usize,
    found: &mut Vec<Diagnostic>,
) -> crate::model::YearAmounts {
    let span = from.get_ref().range.span();
    let mut amounts = BTreeMap::new();
    for (k, key) in shape.keys.iter().enumerate() {
        let at = (r, first + k);
        let value = match grid.at(r, first + k) {
            Cell::Empty => continue,
            Cell::Number(f) => number(*f),
            Cell::Text(t) if t.trim().is_empty() => continue,
            Cell::Text(t) => read_text(t, grid.danish),
            Cell::Other(_) => None,
            Cell::Date(_) => {
                found.push(cell_diagnostic(
                    Code::E096,
                    grid,
                    from,
                    at,
                    &format!("holds a date ({}), not a figure", text_of(grid.at(r, first + k))),
                    "format the cell as a number in the spreadsheet, or name the cells that hold the figures",
                ));
                continue;
            }
            Cell::Formula(formula) => {
                found.push(cell_diagnostic(
                    Code::E096,
                    grid,
                    from,
                    at,
                    &format!("holds the formula ={formula}, whose result the file does not store"),
                    "open the file in the spreadsheet program and save it, so the result is stored with the formula",
                ));
                continue;
            }
        };
        let Some(value) = value else {
            let shown = text_of(grid.at(r, first + k));
            found.push(cell_diagnostic(
                Code::E096,
                grid,
                from,
                at,
                &format!("holds \"{shown}\", which is not a figure"),
                if grid.danish {
                    "write a number in the cell (Danish: 2.800 or 2,8), or leave it empty for a blank"
                } else {
                    "write a number in the cell (2800 or 2.8), or leave it empty for a blank"
                },
            ));
            continue;
        };
        if value.abs() > Decimal::from(crate::number::MAX_AMOUNT) {
            found.push(cell_diagnostic(
                Code::E011,
                grid,
                from,
                at,
                &format!(
                    "holds {}, which is too large for an amount",
                    crate::number::format_amount(value, None)
                ),
                "check the cell and the table's unit: the figures are in the table's unit",
            ));
            continue;
        }
        let declared = shape.decimals.get(k).copied().flatten();
        let most = declared.unwrap_or(3);
        if value.scale() > most {
            let limit = match declared {
                Some(d) => format!("than the table prints ({d})"),
                None => "than the 3 a figure may have".to_owned(),
            };
            found.push(cell_diagnostic(
                Code::E068,
                grid,
                from,
                at,
                &format!(
                    "holds {}, with more decimals {limit}",
                    crate::number::format_amount(value, None)
                ),
                "round the figure in the spreadsheet (ROUND / AFRUND) to the decimals it is published with",
            ));
            continue;
        }
        amounts.insert(
            key.clone(),
            Spanned::new(span.clone(), RawAmount::Text(danish_text(value))),
        );
    }
    amounts
}

/// The decimal a spreadsheet number shows: the shortest one that reads back as the same `f64`.
fn number(f: f64) -> Option<Decimal> {
    if !f.is_finite() {
        return None;
    }
    Decimal::from_str(&format!("{f}"))
        .ok()
        .map(|d| if d.scale() > 0 { d.normalize() } else { d })
}

/// A number written as text in a cell, in the file's dialect.
fn read_text(text: &str, danish: bool) -> Option<Decimal> {
    if danish {
        crate::number::parse_danish(text)
    } else {
        let plain = text.trim().replace('\u{2212}', "-");
        Decimal::from_str(plain.strip_prefix('+').unwrap_or(&plain)).ok()
    }
}

/// A figure as the Danish text the amount reader takes ("-2800", "2,85").
fn danish_text(value: Decimal) -> String {
    value.to_string().replace('.', ",")
}

/// A cell's content as text.
fn text_of(cell: &Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Number(f) => {
            number(*f).map_or_else(|| f.to_string(), |d| d.to_string().replace('.', ","))
        }
        Cell::Text(t) | Cell::Other(t) => t.trim().to_owned(),
        Cell::Date(serial) => date_text(*serial),
        Cell::Formula(formula) => format!("={formula}"),
    }
}

/// A spreadsheet day number as the date it shows (day 1 is 1 January 1900, and day 60 the
/// 29 February 1900 Excel counts), "2025-01-01", with the time of day if it has one.
fn date_text(serial: f64) -> String {
    if !(1.0..3_000_000.0).contains(&serial) {
        return serial.to_string();
    }
    let whole = serial.floor();
    // days since 1970-01-01 (day 25569), counting from 1 March 1900 past Excel's 29 February
    let days = whole as i64 - 25_569 + i64::from(whole < 60.0);
    let (year, month, day) = crate::dates::civil_from_days(days);
    // a time of day, not an amount: whole seconds, to the nearest (0.5 up)
    let seconds = ((serial - whole) * 86_400.0 + 0.5).floor() as i64;
    if seconds == 0 {
        format!("{year:04}-{month:02}-{day:02}")
    } else {
        let (h, m) = (seconds / 3600, seconds % 3600 / 60);
        format!("{year:04}-{month:02}-{day:02} {h:02}:{m:02}")
    }
}

/// A diagnostic about the cell at (`row`, `column`) of the grid, at the TOML range naming it.
fn cell_diagnostic(
    code: Code,
    grid: &Grid,
    from: &Spanned<SheetRange>,
    (row, column): (usize, usize),
    what: &str,
    help: &str,
) -> Diagnostic {
    let f = from.get_ref();
    let address = cell_name(grid.origin.0 + row as u32, grid.origin.1 + column as u32);
    let place = place(f, &address);
    Diagnostic::new(code, format!("{place} {what}"), Some(f.range.span()))
        .with_label(format!("cell {address} of this range"))
        .with_help(help.to_owned())
}

/// A cell of `from`'s file as messages name it: "drift.xlsx, Drift!D3", or "d.csv, B3".
fn place(f: &SheetRange, address: &str) -> String {
    match &f.sheet {
        Some(sheet) => format!(
            "{}, {}!{address}",
            f.file.get_ref().trim(),
            sheet.get_ref().trim()
        ),
        None => format!("{}, {address}", f.file.get_ref().trim()),
    }
}

/// The cell `offset` columns right of the top-left cell of `from`'s range, named as messages
/// name it ("d.csv, C3"): where a row's figure of that figure column was read.
pub fn cell_of(from: &SheetRange, offset: usize) -> Option<String> {
    let ((row, column), _) = parse_range(from.range.get_ref())?;
    let column = column.checked_add(u32::try_from(offset).ok()?)?;
    Some(place(from, &cell_name(row, column)))
}

/// Reads the range `from` names, or says why it cannot be read.
fn read_range(
    from: &Spanned<SheetRange>,
    base: &Path,
    sources: &dyn crate::sources::Sources,
) -> Result<Grid, Box<Diagnostic>> {
    let f = from.get_ref();
    let problem = |span: Range<usize>, message: String, help: &str| {
        Box::new(Diagnostic::new(Code::E095, message, Some(span)).with_help(help.to_owned()))
    };
    let name = f.file.get_ref().trim();
    let Some((start, end)) = parse_range(f.range.get_ref()) else {
        return Err(problem(
            f.range.span(),
            format!("\"{}\" is not a range of cells", f.range.get_ref()),
            "write the top-left and bottom-right cells, e.g. range = \"A2:F9\"",
        ));
    };
    let path = base.join(name);
    let bytes = sources.read(&path, SHEET_LIMIT).map_err(|e| match e {
        crate::sources::SourceError::Outside => problem(
            f.file.span(),
            format!("the spreadsheet \"{name}\" is outside the project"),
            "keep the spreadsheet in the project folder, beside the proposal",
        ),
        crate::sources::SourceError::Missing => problem(
            f.file.span(),
            format!("the spreadsheet \"{name}\" does not exist"),
            "the file is read relative to the proposal's folder; check its name",
        ),
        crate::sources::SourceError::Read(e) => problem(
            f.file.span(),
            format!("the spreadsheet \"{name}\" cannot be read: {e}"),
            "save it again from the spreadsheet program, as .xlsx or .csv",
        ),
    })?;
    let extension = Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let (cells, danish) = match extension.as_deref() {
        Some("csv") => {
            if let Some(sheet) = &f.sheet {
                return Err(problem(
                    sheet.span(),
                    "a CSV file has no sheets".to_owned(),
                    "remove `sheet`; the range is read from the file's one table",
                ));
            }
            let text = String::from_utf8(bytes).map_err(|_| {
                problem(
                    f.file.span(),
                    format!("the CSV file \"{name}\" is not UTF-8"),
                    "save it as \"CSV UTF-8\" in the spreadsheet program",
                )
            })?;
            let danish = danish_csv(&text);
            (
                csv(&text, if danish { ';' } else { ',' }, (start, end)),
                danish,
            )
        }
        Some("xlsx" | "xlsm" | "xlsb" | "xls" | "ods") => {
            (workbook(bytes, f, name, (start, end))?, true)
        }
        _ => {
            return Err(problem(
                f.file.span(),
                format!("\"{name}\" is not a spreadsheet budgetnote reads"),
                "use an .xlsx, .ods or .csv file",
            ));
        }
    };
    Ok(Grid {
        cells,
        height: end.0 - start.0 + 1,
        width: end.1 - start.1 + 1,
        origin: start,
        danish,
    })
}

/// The cell at absolute (`row`, `column`) relative to the range's top-left corner, if it lies
/// inside the range `((top, left), (bottom, right))`.
fn within(
    (row, column): (u32, u32),
    ((top, left), (bottom, right)): ((u32, u32), (u32, u32)),
) -> Option<(u32, u32)> {
    ((top..=bottom).contains(&row) && (left..=right).contains(&column))
        .then(|| (row - top, column - left))
}

/// A workbook cell's value.
fn workbook_cell(data: calamine::Data) -> Cell {
    use calamine::Data;
    match data {
        Data::Empty => Cell::Empty,
        Data::Int(i) => Cell::Number(i as f64),
        Data::Float(x) => Cell::Number(x),
        Data::String(s) => Cell::Text(s),
        Data::DateTime(d) => Cell::Date(d.as_f64()),
        other => Cell::Other(other.to_string()),
    }
}

/// The cells of the workbook's sheet that lie inside `range` and are not empty. XLSX and XLSB
/// sheets are streamed cell by cell, so a sheet with a cell far out (XFD1048576) costs no more
/// than its cells.
fn workbook(
    bytes: Vec<u8>,
    f: &SheetRange,
    name: &str,
    range: ((u32, u32), (u32, u32)),
) -> Result<BTreeMap<(u32, u32), Cell>, Box<Diagnostic>> {
    use calamine::{Reader, Sheets};
    let unreadable = |why: String| {
        Box::new(
            Diagnostic::new(
                Code::E095,
                format!("the spreadsheet \"{name}\" cannot be read: {why}"),
                Some(f.file.span()),
            )
            .with_help("save it again from the spreadsheet program, as .xlsx"),
        )
    };
    // A zip bomb or an ODS whose repeats expand to millions of cells is refused before calamine
    // allocates anything for it.
    guard::check(&bytes).map_err(|guard::Refused(why)| {
        Box::new(
            Diagnostic::new(
                Code::E095,
                format!("the spreadsheet \"{name}\" cannot be read: {why}"),
                Some(f.file.span()),
            )
            .with_label("not read")
            .with_help(
                "a finance system's export is far smaller; save the sheet the table needs on its \
                 own (only the used cells, no repeated empty rows or columns), as .xlsx or .csv",
            ),
        )
    })?;
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e| unreadable(e.to_string()))?;
    let names = book.sheet_names();
    let sheet = match &f.sheet {
        Some(sheet) => {
            let wanted = sheet.get_ref().trim();
            if !names.iter().any(|n| n == wanted) {
                return Err(Box::new(
                    Diagnostic::new(
                        Code::E095,
                        format!("the spreadsheet \"{name}\" has no sheet \"{wanted}\""),
                        Some(sheet.span()),
                    )
                    .with_help(format!(
                        "{}its sheets are {}",
                        crate::parse::did_you_mean(wanted, names.iter().map(String::as_str)),
                        names
                            .iter()
                            .map(|n| format!("\"{n}\""))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                ));
            }
            wanted.to_owned()
        }
        None => names
            .first()
            .cloned()
            .ok_or_else(|| unreadable("it has no sheets".to_owned()))?,
    };
    let mut cells = BTreeMap::new();
    let mut keep = |position: (u32, u32), cell: Cell| {
        if let (Some(at), false) = (within(position, range), cell == Cell::Empty) {
            cells.insert(at, cell);
        }
    };
    match &mut book {
        Sheets::Xlsx(book) => {
            let mut reader = book
                .worksheet_cells_reader(&sheet)
                .map_err(|e| unreadable(e.to_string()))?;
            while let Some(cell) = reader
                .next_cell_with_formula()
                .map_err(|e| unreadable(e.to_string()))?
            {
                let value = match (workbook_cell(cell.value.into()), cell.formula) {
                    (Cell::Empty, Some(formula)) if !formula.trim().is_empty() => {
                        Cell::Formula(formula)
                    }
                    (value, _) => value,
                };
                keep(cell.pos, value);
            }
        }
        Sheets::Xlsb(book) => {
            let mut reader = book
                .worksheet_cells_reader(&sheet)
                .map_err(|e| unreadable(e.to_string()))?;
            while let Some(cell) = reader.next_cell().map_err(|e| unreadable(e.to_string()))? {
                keep(
                    cell.get_position(),
                    workbook_cell(cell.get_value().clone().into()),
                );
            }
        }
        book => {
            let whole = book
                .worksheet_range(&sheet)
                .map_err(|e| unreadable(e.to_string()))?;
            for (row, column, data) in whole.used_cells() {
                let (top, left) = whole.start().unwrap_or((0, 0));
                let position = (top + row as u32, left + column as u32);
                keep(position, workbook_cell(data.clone()));
            }
        }
    }
    Ok(cells)
}

/// Whether a CSV file is the Danish dialect: its first line has `;` between fields.
fn danish_csv(text: &str) -> bool {
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            ';' if !quoted => return true,
            '\n' if !quoted => return false,
            _ => {}
        }
    }
    false
}

/// The cells of a CSV text inside `range`, `sep` between fields, `"` around fields that hold it.
fn csv(text: &str, sep: char, range: ((u32, u32), (u32, u32))) -> BTreeMap<(u32, u32), Cell> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut cells = BTreeMap::new();
    let (mut row, mut column) = (0u32, 0u32);
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    let mut end_field = |field: &mut String, row: u32, column: u32| {
        let value = std::mem::take(field);
        if let (Some(at), false) = (within((row, column), range), value.is_empty()) {
            cells.insert(at, Cell::Text(value));
        }
    };
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (c, false) if c == sep => {
                end_field(&mut field, row, column);
                column = column.saturating_add(1);
            }
            ('\r', false) => {}
            ('\n', false) => {
                end_field(&mut field, row, column);
                (row, column) = (row.saturating_add(1), 0);
            }
            (c, _) => field.push(c),
        }
    }
    end_field(&mut field, row, column);
    cells
}

/// "A2:F9" as (row, column) of its corners, 0-based; a single cell is a range of one.
pub fn parse_range(range: &str) -> Option<((u32, u32), (u32, u32))> {
    let range = range.trim();
    let (a, b) = range.split_once(':').unwrap_or((range, range));
    let (a, b) = (parse_cell(a)?, parse_cell(b)?);
    (a.0 <= b.0 && a.1 <= b.1).then_some((a, b))
}

/// "C7" as (6, 2).
fn parse_cell(cell: &str) -> Option<(u32, u32)> {
    let cell = cell.trim().to_ascii_uppercase();
    let letters: String = cell.chars().take_while(char::is_ascii_alphabetic).collect();
    let digits = &cell[letters.len()..];
    if letters.is_empty() || letters.len() > 3 || digits.is_empty() {
        return None;
    }
    let column = letters
        .chars()
        .try_fold(0u32, |acc, c| Some(acc * 26 + (c as u32 - 'A' as u32 + 1)))?;
    let row: u32 = digits.parse().ok()?;
    ((1..=1_048_576).contains(&row) && column <= 16_384).then(|| (row - 1, column - 1))
}

/// (6, 2) as "C7".
fn cell_name(row: u32, column: u32) -> String {
    let mut letters = String::new();
    let mut n = column + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.insert(0, char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    format!("{letters}{}", row + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Cell addresses read and write both ways, past Z; a range's corners must be in order.
    #[test]
    fn ranges_read_a1_notation() {
        assert_eq!(parse_range("A2:F9"), Some(((1, 0), (8, 5))));
        assert_eq!(parse_range("c7"), Some(((6, 2), (6, 2))));
        assert_eq!(parse_range("F9:A2"), None);
        assert_eq!(parse_range("A0:B2"), None);
        assert_eq!(parse_range("2A:B3"), None);
        assert_eq!(cell_name(6, 2), "C7");
        assert_eq!(cell_name(0, 26), "AA1");
        assert_eq!(parse_cell("AA1"), Some((0, 26)));
        // Excel's last cell is XFD1048576; a column past it is no cell
        assert_eq!(parse_cell("XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(parse_cell("XFE1"), None);
        // a row's figure is named by the cell it was read from, past the range's first column
        let from = SheetRange {
            file: Spanned::new(0..0, "drift.xlsx".to_owned()),
            sheet: Some(Spanned::new(0..0, "Drift".to_owned())),
            range: Spanned::new(0..0, "C7:F7".to_owned()),
        };
        assert_eq!(cell_of(&from, 2).as_deref(), Some("drift.xlsx, Drift!E7"));
        let csv = SheetRange {
            sheet: None,
            ..from
        };
        assert_eq!(cell_of(&csv, 0).as_deref(), Some("drift.xlsx, C7"));
        // a date cell is named as the date the spreadsheet shows
        assert_eq!(date_text(45_658.0), "2025-01-01");
        assert_eq!(date_text(45_658.5), "2025-01-01 12:00");
        assert_eq!(date_text(1.0), "1900-01-01");
    }

    // A spreadsheet number is taken as the decimal it shows (0,1 + 0,2 is not 0,3 in binary, and
    // shows its extra digits); CSV fields are split by the dialect's separator with quotes.
    #[test]
    fn numbers_and_csv_fields_are_read_as_written() {
        assert_eq!(number(2.8), Some(Decimal::from_str("2.8").unwrap()));
        assert_eq!(number(-2800.0), Some(Decimal::from(-2800)));
        assert_eq!(number(0.1 + 0.2).map(|d| d.scale()), Some(17));
        assert_eq!(read_text("-2.800", true), Some(Decimal::from(-2800)));
        assert_eq!(
            read_text("2.8", false),
            Some(Decimal::from_str("2.8").unwrap())
        );
        let text = "\u{feff}Linje;2025\n\"Løn; drift\";\"-2.800\"\r\n";
        assert!(danish_csv(text));
        assert!(!danish_csv("\"Løn; drift\",2800\n"));
        let cells = csv(text, ';', ((0, 0), (1_048_575, 16_383)));
        assert_eq!(
            cells.into_iter().collect::<Vec<_>>(),
            vec![
                ((0, 0), Cell::Text("Linje".into())),
                ((0, 1), Cell::Text("2025".into())),
                ((1, 0), Cell::Text("Løn; drift".into())),
                ((1, 1), Cell::Text("-2.800".into())),
            ]
        );
        // only the range's cells are kept, relative to its top-left corner
        let cells = csv(text, ';', ((1, 1), (1, 1)));
        assert_eq!(
            cells.into_iter().collect::<Vec<_>>(),
            vec![((0, 0), Cell::Text("-2.800".into()))]
        );
    }
}
