//! Export of budget material to output formats, one module per format: the budget lines as an
//! XLSX workbook and as CSV, and the web pages (the PDF is made by [`crate::pdf`]).

pub mod csv;
pub mod html;
pub mod rows;
pub mod xlsx;

/// The formats `render` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Format {
    /// PDF/A-2a + PDF/UA-1, with pinned timestamp, ident and creator.
    #[default]
    Pdf,
    /// An Excel workbook of every budget line and computed total.
    Xlsx,
    /// The budget lines as CSV (Danish Excel's dialect by default).
    Csv,
    /// An accessible web page per proposal and an index per catalogue, with one stylesheet.
    Html,
}

impl Format {
    /// Every format, in the order the flag lists them.
    pub const ALL: [Format; 4] = [Format::Pdf, Format::Xlsx, Format::Csv, Format::Html];

    /// The file extension of this format, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
            Format::Html => "html",
        }
    }

    /// Reads one value of `--format` (its extension, any case).
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|f| f.extension().eq_ignore_ascii_case(key.trim()))
    }

    /// The format whose files end in `.<extension>`, if budgetnote writes such files.
    pub fn of_file(name: &str) -> Option<Self> {
        let (_, extension) = name.rsplit_once('.')?;
        if extension == "css" {
            // The web pages' stylesheet belongs to them.
            return Some(Format::Html);
        }
        Self::ALL.into_iter().find(|f| f.extension() == extension)
    }

    /// Reads a comma-separated list of formats (`pdf,xlsx`), each once, in the order given;
    /// the message names the value that is not a format and lists the accepted ones.
    pub fn parse_list(text: &str) -> Result<Vec<Format>, String> {
        let mut formats = Vec::new();
        for part in text.split(',') {
            let format = Self::from_key(part).ok_or_else(|| {
                let accepted: Vec<&str> = Self::ALL.iter().map(|f| f.extension()).collect();
                format!(
                    "`{}` is not an output format; accepted: {} (several separated by commas, e.g. pdf,xlsx)",
                    part.trim(),
                    accepted.join(", ")
                )
            })?;
            if !formats.contains(&format) {
                formats.push(format);
            }
        }
        Ok(formats)
    }
}
