//! Export of budget material to output formats, one module per format: the figures as an XLSX
//! workbook and as CSV (rows from [`crate::figures`]), and the web pages (the PDF is made by
//! [`crate::pdf`]). The outputs `render` writes are registered in `cli::render::outputs`.

pub mod csv;
pub mod html;
pub mod rows;
pub mod xlsx;
