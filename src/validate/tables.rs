//! Tables placed in sections: ledgers (amounts with row and column totals), text tables, comparisons.

use std::collections::BTreeMap;

use toml::Spanned;

use super::Validator;
use crate::checked::{Table, TextCell, TextRow, TextTable};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{self};

/// The table kinds, for help messages.
const KINDS: &str = "\"ledger\", \"text\", \"comparison\"";

impl Validator<'_> {
    /// Checks every table under `[tables]`; returns the good ones by id.
    pub(super) fn tables(
        &mut self,
        tables: &BTreeMap<String, Spanned<model::Table>>,
    ) -> BTreeMap<String, Table> {
        let mut out = BTreeMap::new();
        for (id, table) in tables {
            let t = table.get_ref();
            let caption = t.caption.as_ref().map(|c| c.get_ref().trim().to_owned());
            let checked = match t.kind.get_ref().trim() {
                "ledger" => self.ledger(t, caption).map(|mut l| {
                    l.id = id.clone();
                    l.source.span = table.span();
                    l.source.key = key_span(self.source, table.span(), id);
                    Table::Ledger(Box::new(l))
                }),
                "text" => Some(Table::Text(self.text_table(t, caption))),
                "comparison" => Some(Table::Comparison(self.text_table(t, caption))),
                other => {
                    self.push(
                        Diagnostic::new(
                            Code::E025,
                            format!("unknown table kind \"{other}\" in table `{id}`"),
                            Some(t.kind.span()),
                        )
                        .with_help(format!("use one of: {KINDS}")),
                    );
                    None
                }
            };
            match checked {
                Some(checked) => {
                    out.insert(id.clone(), checked);
                }
                None => self.broken_tables.push(id.clone()),
            }
        }
        out
    }

    /// A text or comparison table: header cells and rows of cells or group labels.
    fn text_table(&mut self, t: &model::Table, caption: Option<String>) -> TextTable {
        let header: Vec<String> = t
            .header
            .iter()
            .map(|h| h.get_ref().trim().to_owned())
            .collect();
        let mut rows = Vec::new();
        for row in &t.rows {
            let r = row.get_ref();
            if let Some(group) = &r.group {
                rows.push(TextRow::Group(group.get_ref().trim().to_owned()));
                continue;
            }
            if r.cells.len() != header.len() {
                self.push(
                    Diagnostic::new(
                        Code::E002,
                        format!(
                            "row has {} cell(s) but the header has {}",
                            r.cells.len(),
                            header.len()
                        ),
                        Some(row.span()),
                    )
                    .with_help("give one cell per header column, or group = \"…\" for a group row"),
                );
            }
            rows.push(TextRow::Cells(
                r.cells
                    .iter()
                    .map(|c| TextCell {
                        heading: c.get_ref().heading.as_ref().map(|h| h.trim().to_owned()),
                        body: c.get_ref().body.trim().to_owned(),
                    })
                    .collect(),
            ));
        }
        TextTable {
            caption,
            header,
            rows,
        }
    }
}

/// The span of the id in `[tables.<id>]` (or before `= { … }` of an inline table), given the
/// table's span: its header, or its inline value.
pub(super) fn key_span(
    source: &str,
    table: std::ops::Range<usize>,
    id: &str,
) -> std::ops::Range<usize> {
    let found = match source.get(table.clone()) {
        Some(header) if header.starts_with('[') => header.rfind(id).map(|i| table.start + i),
        _ => source
            .get(..table.start)
            .and_then(|before| before.rfind(id)),
    };
    let Some(start) = found else {
        return table;
    };
    let end = start + id.len();
    // A quoted key's span holds its quotes.
    let quoted = |q: char| {
        source[..start].ends_with(q) && source.get(end..).is_some_and(|a| a.starts_with(q))
    };
    if quoted('"') || quoted('\'') {
        start - 1..end + 1
    } else {
        start..end
    }
}

/// An account number with the span of its TOML string, for the check against the chart.
pub(crate) fn account_ref(account: &Spanned<String>) -> crate::checked::AccountRef {
    crate::checked::AccountRef {
        text: account.get_ref().trim().to_owned(),
        span: account.span(),
    }
}

#[cfg(test)]
mod tests {
    use super::key_span;

    // A table's key is found in its header, quoted or not, and before an inline table's `=`;
    // where it cannot be found, the table's own span stands in.
    #[test]
    fn key_spans_point_at_the_id() {
        let source = "[tables.beloeb]\nkind = \"ledger\"\n[tables.\"b c\"]\n[tables]\nx = { kind = \"text\" }\n";
        let at = |text: &str| {
            let start = source.find(text).unwrap();
            start..start + text.len()
        };
        assert_eq!(
            key_span(source, at("[tables.beloeb]"), "beloeb"),
            at("beloeb")
        );
        assert_eq!(
            key_span(source, at("[tables.\"b c\"]"), "b c"),
            at("\"b c\"")
        );
        assert_eq!(
            key_span(source, at("{ kind = \"text\" }"), "x"),
            at("x = {").start..at("x = {").start + 1
        );
        assert_eq!(key_span(source, at("[tables]"), "zz"), at("[tables]"));
    }
}
