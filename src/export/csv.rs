//! Every figure as CSV: the rows of the workbook's "Linjer" sheet, then those of its "Totaler"
//! (told apart by the "Totalrække" column), UTF-8 with a BOM so that Excel reads Danish letters, in Danish Excel's dialect (`;` and a decimal comma) or the
//! international one (`,` and a decimal point).

use super::rows::{HEADERS, Row, total_text};
use rust_decimal::Decimal;

/// How the CSV separates fields and writes decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Dialect {
    /// `;` between fields and a decimal comma (`1234,5`): what Excel with Danish settings opens.
    #[default]
    ExcelDa,
    /// `,` between fields and a decimal point (`1234.5`).
    International,
}

impl Dialect {
    /// The field separator.
    pub fn separator(self) -> char {
        match self {
            Dialect::ExcelDa => ';',
            Dialect::International => ',',
        }
    }

    /// The decimal mark.
    pub fn decimal_mark(self) -> char {
        match self {
            Dialect::ExcelDa => ',',
            Dialect::International => '.',
        }
    }

    /// A figure with `decimals` decimals, no thousands separator, `-` for minus (what a
    /// spreadsheet reads as a number).
    pub fn number(self, value: Decimal, decimals: u32) -> String {
        let rounded = crate::number::round(value, decimals);
        let text = rounded.abs().to_string();
        let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
        let sign = if rounded.is_sign_negative() && !rounded.is_zero() {
            "-"
        } else {
            ""
        };
        if decimals == 0 {
            return format!("{sign}{whole}");
        }
        let padding = "0".repeat((decimals as usize).saturating_sub(fraction.len()));
        format!("{sign}{whole}{}{fraction}{padding}", self.decimal_mark())
    }
}

/// The CSV bytes of `rows`: a BOM, the header line, one line per row, CRLF line ends.
pub fn csv(rows: &[Row], dialect: Dialect) -> Vec<u8> {
    let sep = dialect.separator();
    let mut out = String::from("\u{feff}");
    let line = |fields: Vec<String>, out: &mut String| {
        let quoted: Vec<String> = fields.iter().map(|f| quote(f, sep)).collect();
        out.push_str(&quoted.join(&sep.to_string()));
        out.push_str("\r\n");
    };
    line(HEADERS.iter().map(|h| (*h).to_owned()).collect(), &mut out);
    for row in rows {
        let mut fields: Vec<String> = row.texts().iter().map(|t| inert(t)).collect();
        fields.push(row.year.map(|y| y.to_string()).unwrap_or_default());
        fields.push(dialect.number(row.amount, row.decimals));
        fields.push(
            row.kroner()
                .map(|k| dialect.number(k, row.kroner_decimals()))
                .unwrap_or_default(),
        );
        fields.push(total_text(row.total).to_owned());
        line(fields, &mut out);
    }
    out.into_bytes()
}

/// A text field a spreadsheet program will not run as a formula: one that starts with `=`,
/// `+`, `-`, `@`, a tab or a carriage return gets a leading `'` (what Excel and LibreOffice show
/// as text), as OWASP advises for CSV exports; figures are never changed.
fn inert(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// A field quoted when it holds the separator, a quote or a line break (quotes doubled).
fn quote(field: &str, sep: char) -> String {
    if field.contains([sep, '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    // Figures keep their printed decimals with the dialect's mark; fields with the separator or a
    // quote are quoted.
    #[test]
    fn figures_and_fields_follow_the_dialect() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        assert_eq!(Dialect::ExcelDa.number(d("-1234.5"), 1), "-1234,5");
        assert_eq!(Dialect::International.number(d("-1234.5"), 2), "-1234.50");
        assert_eq!(Dialect::ExcelDa.number(d("2800"), 0), "2800");
        assert_eq!(quote("a;b", ';'), "\"a;b\"");
        assert_eq!(quote("a \"b\"", ','), "\"a \"\"b\"\"\"");
        assert_eq!(quote("a,b", ';'), "a,b");
        // Text that a spreadsheet would run as a formula is made inert; other text is as written.
        assert_eq!(
            inert("=HYPERLINK(\"http://x\")"),
            "'=HYPERLINK(\"http://x\")"
        );
        assert_eq!(inert("+SUM(1)"), "'+SUM(1)");
        assert_eq!(inert("@cmd"), "'@cmd");
        assert_eq!(inert("Vuggestuer"), "Vuggestuer");
    }
}
