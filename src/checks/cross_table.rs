//! The same row in two tables (E065): a row whose label appears in two ledger tables of one
//! proposal (an overview and a detail table, or one line repeated) must show the same amounts in
//! the years both tables have; in tables of different units, the same figure at the precision
//! the coarser table is written with ([`Unit::agrees`]). A published document whose two tables disagree
//! is wrong in one of them; the error names both places.

use std::collections::BTreeMap;
use std::ops::Range;

use rust_decimal::Decimal;
use toml::de::{DeTable, DeValue};

use super::Context;
use crate::checked::Unit;
use crate::diagnostic::{Code, Diagnostic, line_col};

/// One ledger row as written: its table, unit, label (with its span) and amounts per year.
struct Row {
    /// The table's id under `[tables]`.
    table: String,
    /// The table's unit as written ("1.000 kr.").
    unit: String,
    /// The row's label, trimmed.
    label: String,
    /// The span of the label's value.
    span: Range<usize>,
    /// Amounts per year that are written as numbers.
    amounts: BTreeMap<String, Decimal>,
}

/// E065 for each row that disagrees with a row of the same label in an earlier table.
pub fn check(cx: &Context<'_>) -> Vec<Diagnostic> {
    let Some(tables) = written_tables(cx) else {
        return Vec::new();
    };
    let rows = rows(tables);
    let mut found = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let Some((other, year, mine, theirs)) = rows[..i].iter().find_map(|earlier| {
            let (Some(mine_unit), Some(their_unit)) =
                (Unit::from_key(&row.unit), Unit::from_key(&earlier.unit))
            else {
                return None;
            };
            if earlier.table == row.table || earlier.label != row.label {
                return None;
            }
            row.amounts.iter().find_map(|(year, mine)| {
                earlier
                    .amounts
                    .get(year)
                    .filter(|theirs| !mine_unit.agrees(*mine, their_unit, **theirs))
                    .map(|theirs| (earlier, year, mine, theirs))
            })
        }) else {
            continue;
        };
        let (line, _) = line_col(cx.view.text, other.span.start);
        found.push(
            Diagnostic::new(
                Code::E065,
                format!(
                    "the row \"{}\" is {} ({}) in {year} here, but {} ({}) in table `{}`",
                    shorten(&row.label),
                    crate::number::format_amount(*mine, None),
                    row.unit.trim(),
                    crate::number::format_amount(*theirs, None),
                    other.unit.trim(),
                    other.table
                ),
                Some(row.span.clone()),
            )
            .with_label(format!("the same row as line {line}"))
            .with_help(format!(
                "correct the figure in one of the two tables (`{}` and `{}`); rows with the same label in two tables must agree (across units, at the coarser table's precision)",
                other.table, row.table
            )),
        );
    }
    found
}

/// The file's `[tables]` as written, if it has them.
pub(super) fn written_tables<'a>(cx: &'a Context<'_>) -> Option<&'a DeTable<'a>> {
    match cx.view.table()?.get("tables")?.get_ref() {
        DeValue::Table(tables) => Some(tables),
        _ => None,
    }
}

/// A string value of a written table, trimmed.
pub(super) fn text(t: &DeTable<'_>, key: &str) -> Option<String> {
    match t.get(key).map(|v| v.get_ref()) {
        Some(DeValue::String(s)) => Some(s.trim().to_owned()),
        _ => None,
    }
}

/// The ledger rows of every table, in source order.
fn rows(tables: &DeTable<'_>) -> Vec<Row> {
    let mut found = Vec::new();
    for (id, table) in tables {
        let DeValue::Table(table) = table.get_ref() else {
            continue;
        };
        if text(table, "kind").as_deref() != Some("ledger") {
            continue;
        }
        let unit = text(table, "unit").unwrap_or_default();
        let Some(DeValue::Array(list)) = table.get("rows").map(|v| v.get_ref()) else {
            continue;
        };
        for row in list {
            let DeValue::Table(row) = row.get_ref() else {
                continue;
            };
            let (Some(label), Some(span)) =
                (text(row, "label"), row.get("label").map(|v| v.span()))
            else {
                continue;
            };
            let mut amounts = BTreeMap::new();
            if let Some(DeValue::Table(years)) = row.get("amounts").map(|v| v.get_ref()) {
                for (year, value) in years {
                    let amount = match value.get_ref() {
                        DeValue::Integer(i) => i.as_str().parse::<i64>().ok().map(Decimal::from),
                        DeValue::String(s) => crate::number::parse_danish(s),
                        _ => None,
                    };
                    if let Some(amount) = amount {
                        amounts.insert(year.get_ref().to_string(), amount);
                    }
                }
            }
            found.push(Row {
                table: id.get_ref().to_string(),
                unit: unit.clone(),
                label,
                span,
                amounts,
            });
        }
    }
    found.sort_by_key(|r| r.span.start);
    found
}

/// A long label cut to its first 60 characters, for the message.
fn shorten(label: &str) -> String {
    if label.chars().count() <= 60 {
        label.to_owned()
    } else {
        format!("{}…", label.chars().take(60).collect::<String>())
    }
}
