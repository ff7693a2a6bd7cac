//! Amendments (ændringsforslag): for a proposal whose form has an `[amendment]` rule, the table
//! the rule names must be a ledger grouped by `group` with a net row (E090), hold both changes
//! and financing (E091) and no other group (E092), state its net for every year when the form
//! says so (E093), and have a net of 0 in every year when the amendment is ticked budget-neutral
//! (E094). A financing line with a plus is most likely a sign mistake (W016). That the stated net
//! equals changes plus financing is the ledger's own check of its total row (E014).

use std::ops::Range;

use rust_decimal::Decimal;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::Context;
use crate::diagnostic::{Code, Diagnostic};
use crate::forms::AmendmentRule;
use crate::number::{format_amount, format_signed, parse_danish};

/// The value of `key` in `table`.
fn get<'a, 'b>(table: &'b DeTable<'a>, key: &str) -> Option<&'b Spanned<DeValue<'a>>> {
    table.get(key)
}

/// A string value, trimmed.
fn text<'b>(value: Option<&'b Spanned<DeValue<'_>>>) -> Option<&'b str> {
    match value.map(Spanned::get_ref) {
        Some(DeValue::String(s)) => Some(s.trim()),
        _ => None,
    }
}

/// An amount written as an integer or a Danish number string.
fn amount(value: &DeValue<'_>) -> Option<Decimal> {
    match value {
        DeValue::Integer(i) => i.as_str().parse::<i64>().ok().map(Decimal::from),
        DeValue::String(s) => parse_danish(s),
        _ => None,
    }
}

/// The amounts of an inline year table by year key, with their spans.
fn amounts(value: Option<&Spanned<DeValue<'_>>>) -> Vec<(String, Decimal, Range<usize>)> {
    let Some(DeValue::Table(t)) = value.map(Spanned::get_ref) else {
        return Vec::new();
    };
    t.iter()
        .filter_map(|(k, v)| amount(v.get_ref()).map(|a| (k.get_ref().to_string(), a, v.span())))
        .collect()
}

/// E090–E094 and W016 for a proposal whose form has an amendment rule.
pub fn check(cx: &Context<'_>) -> Vec<Diagnostic> {
    let Some(proposal) = cx.proposal else {
        return Vec::new();
    };
    let Some(rule) = &proposal.form.amendment else {
        return Vec::new();
    };
    let Some(doc) = cx.view.table() else {
        return Vec::new();
    };
    let tables = match get(doc, "tables").map(Spanned::get_ref) {
        Some(DeValue::Table(t)) => Some(t),
        _ => None,
    };
    let Some((key, table)) = tables.and_then(|t| {
        t.iter()
            .find(|(k, _)| k.get_ref().trim() == rule.table)
            .and_then(|(k, v)| match v.get_ref() {
                DeValue::Table(table) => Some((k.span(), table)),
                _ => None,
            })
    }) else {
        return vec![missing_table(doc, rule, &proposal.form.name)];
    };
    let mut found = Vec::new();
    if let Some(d) = shape(table, key.clone(), rule) {
        found.push(d);
        return found;
    }
    let years: Vec<String> = match get(table, "years").map(Spanned::get_ref) {
        Some(DeValue::Array(list)) => list
            .iter()
            .filter_map(|y| match y.get_ref() {
                DeValue::Integer(i) => Some(i.as_str().to_owned()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let rows: Vec<&DeTable<'_>> = match get(table, "rows").map(Spanned::get_ref) {
        Some(DeValue::Array(list)) => list
            .iter()
            .filter_map(|r| match r.get_ref() {
                DeValue::Table(row) => Some(row),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let (mut changes, mut financing) = (0, 0);
    for row in &rows {
        let Some(group) = get(row, "group") else {
            continue;
        };
        let name = text(Some(group)).unwrap_or_default();
        if name == rule.changes {
            changes += 1;
        } else if name == rule.financing {
            financing += 1;
            found.extend(financing_with_plus(row, rule));
        } else {
            found.push(
                Diagnostic::new(
                    Code::E092,
                    format!(
                        "the row's group \"{name}\" is neither \"{}\" nor \"{}\": an amendment's lines are changes or financing",
                        rule.changes, rule.financing
                    ),
                    Some(group.span()),
                )
                .with_help(format!(
                    "write group = \"{}\" for a line the amendment changes, or group = \"{}\" for a line that pays for the changes",
                    rule.changes, rule.financing
                )),
            );
        }
    }
    for (count, group, what) in [
        (
            changes,
            &rule.changes,
            "changes: what the amendment adds to or takes from the budget proposal",
        ),
        (
            financing,
            &rule.financing,
            "financing: the savings or extra income that pay for the changes",
        ),
    ] {
        if count == 0 {
            found.push(
                Diagnostic::new(
                    Code::E091,
                    format!("the amendment's table `{}` has no row with group = \"{group}\"", rule.table),
                    Some(key.clone()),
                )
                .with_label("the amendment's amounts")
                .with_help(format!(
                    "an amendment lists its {what}; add a row with group = \"{group}\" to [tables.{}]",
                    rule.table
                )),
            );
        }
    }
    let stated = get(table, "stated_totals");
    if rule.stated_net {
        found.extend(unstated_net(table, stated, &years, key.clone(), rule));
    }
    if let Some((group, option)) = &rule.neutral
        && proposal
            .checkboxes
            .iter()
            .any(|g| &g.key == group && g.options.iter().any(|(o, t)| o == option && *t))
    {
        let tick = tick_span(doc, group, option).unwrap_or(key.clone());
        found.extend(not_neutral(&rows, stated, &years, tick, option));
    }
    found
}

/// E090 for a proposal without the rule's table, at the section that should place it (else at
/// `form`).
fn missing_table(doc: &DeTable<'_>, rule: &AmendmentRule, form: &str) -> Diagnostic {
    let section =
        rule.section
            .as_deref()
            .and_then(|s| match get(doc, "sections").map(Spanned::get_ref) {
                Some(DeValue::Table(sections)) => get(sections, s).map(Spanned::span),
                _ => None,
            });
    let place = match &rule.section {
        Some(s) => format!(
            " and place it in section `{s}` with {{ table = \"{}\" }}",
            rule.table
        ),
        None => String::new(),
    };
    Diagnostic::new(
        Code::E090,
        format!(
            "the form \"{form}\" needs the amendment's amounts in the table [tables.{}], which this file does not have",
            rule.table
        ),
        section.or_else(|| get(doc, "form").map(Spanned::span)),
    )
    .with_help(format!(
        "add [tables.{}] with kind = \"ledger\", group_by = [\"group\"], total = \"Nettovirkning\" and rows with group = \"{}\" and group = \"{}\"{place}",
        rule.table, rule.changes, rule.financing
    ))
}

/// E090 when the table is not a ledger grouped by `group` with a net row.
fn shape(table: &DeTable<'_>, key: Range<usize>, rule: &AmendmentRule) -> Option<Diagnostic> {
    let kind = get(table, "kind");
    if text(kind) != Some("ledger") {
        return Some(
            Diagnostic::new(
                Code::E090,
                format!(
                    "the amendment's table `{}` must be a ledger of amounts per year",
                    rule.table
                ),
                Some(kind.map_or(key, Spanned::span)),
            )
            .with_help("write kind = \"ledger\" with years, and the changes and financing as rows"),
        );
    }
    let group_by = get(table, "group_by");
    let first = match group_by.map(Spanned::get_ref) {
        Some(DeValue::Array(levels)) => text(levels.first()),
        _ => None,
    };
    if first != Some("group") {
        return Some(
            Diagnostic::new(
                Code::E090,
                format!(
                    "the amendment's table `{}` must be grouped by `group` first, so the changes and the financing each get a subtotal",
                    rule.table
                ),
                Some(group_by.map_or(key.clone(), Spanned::span)),
            )
            .with_help(format!(
                "write group_by = [\"group\"] and give each row group = \"{}\" or group = \"{}\"",
                rule.changes, rule.financing
            )),
        );
    }
    if get(table, "total").is_none() {
        return Some(
            Diagnostic::new(
                Code::E090,
                format!("the amendment's table `{}` has no net row", rule.table),
                Some(key),
            )
            .with_label("the amendment's amounts")
            .with_help("add total = \"Nettovirkning\": the net effect of the changes and the financing per year"),
        );
    }
    None
}

/// W016 for each year a financing line adds to the budget (a plus).
fn financing_with_plus(row: &DeTable<'_>, rule: &AmendmentRule) -> Vec<Diagnostic> {
    let label = text(get(row, "label")).unwrap_or_default();
    amounts(get(row, "amounts"))
        .into_iter()
        .filter(|(_, a, _)| *a > Decimal::ZERO)
        .map(|(year, a, span)| {
            Diagnostic::new(
                Code::W016,
                format!(
                    "the financing line \"{label}\" is {} in {year}: a plus is a merudgift or mindreindtægt, which costs money instead of paying for the changes",
                    format_signed(a)
                ),
                Some(span),
            )
            .with_help(format!(
                "write the figure with a minus if the line saves money or brings in income (financing is a mindreudgift or merindtægt); a line that costs money belongs under group = \"{}\"",
                rule.changes
            ))
        })
        .collect()
}

/// E093 when the net is not stated, or not for every year of the table.
fn unstated_net(
    table: &DeTable<'_>,
    stated: Option<&Spanned<DeValue<'_>>>,
    years: &[String],
    key: Range<usize>,
    rule: &AmendmentRule,
) -> Vec<Diagnostic> {
    let net = text(get(table, "total")).unwrap_or("Nettovirkning");
    let help = "write the net effect per year as the amendment states it (changes plus financing); budgetnote checks it against the lines";
    let Some(stated) = stated else {
        return vec![
            Diagnostic::new(
                Code::E093,
                format!(
                    "the amendment does not state its net effect: [tables.{}] has no stated_totals for \"{net}\"",
                    rule.table
                ),
                Some(get(table, "total").map_or(key, Spanned::span)),
            )
            .with_help(format!("add stated_totals = {{ {} }}: {help}", years.iter().map(|y| format!("{y} = …")).collect::<Vec<_>>().join(", "))),
        ];
    };
    let written: Vec<String> = amounts(Some(stated))
        .into_iter()
        .map(|(y, _, _)| y)
        .collect();
    let missing: Vec<&String> = years.iter().filter(|y| !written.contains(y)).collect();
    if missing.is_empty() {
        return Vec::new();
    }
    let list = missing
        .iter()
        .map(|y| y.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    vec![
        Diagnostic::new(
            Code::E093,
            format!("the amendment's stated net effect has no figure for {list}"),
            Some(stated.span()),
        )
        .with_help(format!("add {list} to stated_totals: {help}")),
    ]
}

/// The span of the ticked option in `[checkboxes]`.
fn tick_span(doc: &DeTable<'_>, group: &str, option: &str) -> Option<Range<usize>> {
    let Some(DeValue::Table(boxes)) = get(doc, "checkboxes").map(Spanned::get_ref) else {
        return None;
    };
    match get(boxes, group).map(Spanned::get_ref) {
        Some(DeValue::Array(ticks)) => ticks
            .iter()
            .find(|t| text(Some(t)) == Some(option))
            .map(Spanned::span),
        _ => None,
    }
}

/// E094 for each year a budget-neutral amendment's net is not 0: the stated net where written
/// (at the figure), else the sum of the lines (at the tick).
fn not_neutral(
    rows: &[&DeTable<'_>],
    stated: Option<&Spanned<DeValue<'_>>>,
    years: &[String],
    tick: Range<usize>,
    option: &str,
) -> Vec<Diagnostic> {
    let stated = amounts(stated);
    let mut found = Vec::new();
    for year in years {
        let (net, span) = match stated.iter().find(|(y, _, _)| y == year) {
            Some((_, a, span)) => (*a, span.clone()),
            None => {
                let sum = rows
                    .iter()
                    .flat_map(|r| amounts(get(r, "amounts")))
                    .filter(|(y, _, _)| y == year)
                    .map(|(_, a, _)| a)
                    .sum::<Decimal>();
                (sum, tick.clone())
            }
        };
        if net.is_zero() {
            continue;
        }
        let what = if net > Decimal::ZERO {
            "costs more than its financing pays"
        } else {
            "is financed by more than its changes cost"
        };
        found.push(
            Diagnostic::new(
                Code::E094,
                format!(
                    "the amendment is ticked \"{option}\", but its net effect in {year} is {}: it {what}",
                    format_amount(net, None)
                ),
                Some(span),
            )
            .with_help(format!(
                "an amendment ticked \"{option}\" has a net effect of 0 in every year; make the financing offset the changes in {year}, or untick \"{option}\""
            )),
        );
    }
    found
}
