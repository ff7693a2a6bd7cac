//! Amendments (ændringsforslag): for a proposal whose form has an `[amendment]` rule, the table
//! the rule names must be a ledger grouped by `group` with a net row (E090), hold both changes
//! and financing (E091) and no other group (E092), state its net for every year when the form
//! says so (E093), and have a net of 0 in every year when the amendment is ticked budget-neutral
//! (E094). A financing line with a plus is most likely a sign mistake (W016). That the stated net
//! equals changes plus financing is the ledger's own check of its total row (E014).
//!
//! Everything is read from the checked proposal, so lines whose figures come from a spreadsheet
//! are checked as typed ones; a diagnostic about such a figure points at the `from` that read it
//! and names the cell.

use std::ops::Range;

use rust_decimal::Decimal;

use super::Context;
use super::cross_table::cell;
use crate::checked::{CheckedProposal, Ledger, LedgerRow};
use crate::diagnostic::{Code, Diagnostic};
use crate::forms::AmendmentRule;
use crate::number::{format_amount, format_signed};

/// E090–E094 and W016 for a proposal whose form has an amendment rule.
pub fn check(cx: &Context<'_>) -> Vec<Diagnostic> {
    let Some(proposal) = cx.proposal else {
        return Vec::new();
    };
    let Some(rule) = &proposal.form.amendment else {
        return Vec::new();
    };
    let Some(written) = proposal
        .places
        .tables
        .iter()
        .find(|t| t.id.trim() == rule.table)
    else {
        return vec![missing_table(proposal, rule)];
    };
    let key = written.key.clone();
    let ledger = proposal.written_ledgers.iter().find(|l| l.id == written.id);
    let Some(ledger) = ledger.filter(|_| written.kind.get_ref() == "ledger") else {
        return vec![
            Diagnostic::new(
                Code::E090,
                format!(
                    "the amendment's table `{}` must be a ledger of amounts per year",
                    rule.table
                ),
                Some(written.kind.span()),
            )
            .with_help("write kind = \"ledger\" with years, and the changes and financing as rows"),
        ];
    };
    if let Some(d) = shape(ledger, key.clone(), rule) {
        return vec![d];
    }
    let mut found = Vec::new();
    let (mut changes, mut financing) = (0, 0);
    for row in ledger.rows() {
        let Some(group) = &row.group else {
            continue;
        };
        let name = group.get_ref().as_str();
        if name == rule.changes {
            changes += 1;
        } else if name == rule.financing {
            financing += 1;
            found.extend(financing_with_plus(ledger, row, rule));
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
    if rule.stated_net {
        found.extend(unstated_net(ledger, key.clone(), rule));
    }
    if let Some((group, option)) = &rule.neutral
        && proposal
            .checkboxes
            .iter()
            .any(|g| &g.key == group && g.options.iter().any(|(o, t)| o == option && *t))
    {
        let tick = tick_span(proposal, group, option).unwrap_or(key);
        found.extend(not_neutral(ledger, tick, option));
    }
    found
}

/// E090 for a proposal without the rule's table, at the section that should place it (else at
/// `form`).
fn missing_table(p: &CheckedProposal, rule: &AmendmentRule) -> Diagnostic {
    let section = rule
        .section
        .as_deref()
        .and_then(|s| p.places.sections.get(s).cloned());
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
            "the form \"{}\" needs the amendment's amounts in the table [tables.{}], which this file does not have",
            p.form.name, rule.table
        ),
        Some(section.unwrap_or_else(|| p.places.form.clone())),
    )
    .with_help(format!(
        "add [tables.{}] with kind = \"ledger\", group_by = [\"group\"], total = \"Nettovirkning\" and rows with group = \"{}\" and group = \"{}\"{place}",
        rule.table, rule.changes, rule.financing
    ))
}

/// E090 when the ledger is not grouped by `group` first or has no net row.
fn shape(ledger: &Ledger, key: Range<usize>, rule: &AmendmentRule) -> Option<Diagnostic> {
    let group_by = ledger.source.group_by.as_ref();
    let first = group_by
        .and_then(|g| g.get_ref().first())
        .map(String::as_str);
    if first != Some("group") {
        return Some(
            Diagnostic::new(
                Code::E090,
                format!(
                    "the amendment's table `{}` must be grouped by `group` first, so the changes and the financing each get a subtotal",
                    rule.table
                ),
                Some(group_by.map_or(key.clone(), |g| g.span())),
            )
            .with_help(format!(
                "write group_by = [\"group\"] and give each row group = \"{}\" or group = \"{}\"",
                rule.changes, rule.financing
            )),
        );
    }
    if ledger.total_label.is_none() {
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

/// W016 for each figure of a financing line that adds to the budget (a plus).
fn financing_with_plus(ledger: &Ledger, row: &LedgerRow, rule: &AmendmentRule) -> Vec<Diagnostic> {
    let label = row.name.get_ref();
    ledger
        .columns
        .iter()
        .zip(&row.cells)
        .zip(&row.origins)
        .filter_map(|((column, value), origin)| Some((column, (*value)?, origin.as_ref()?)))
        .filter(|(_, a, _)| *a > Decimal::ZERO)
        .map(|(column, a, origin)| {
            Diagnostic::new(
                Code::W016,
                format!(
                    "the financing line \"{label}\" is {} in {}{}: a plus is a merudgift or mindreindtægt, which costs money instead of paying for the changes",
                    format_signed(a),
                    column.key,
                    cell(origin)
                ),
                Some(origin.span()),
            )
            .with_help(format!(
                "write the figure with a minus if the line saves money or brings in income (financing is a mindreudgift or merindtægt); a line that costs money belongs under group = \"{}\"",
                rule.changes
            ))
        })
        .collect()
}

/// E093 when the net is not stated, or not for every year of the table.
fn unstated_net(ledger: &Ledger, key: Range<usize>, rule: &AmendmentRule) -> Vec<Diagnostic> {
    let net = ledger.total_label.as_deref().unwrap_or("Nettovirkning");
    let years = ledger.year_columns();
    let help = "write the net effect per year as the amendment states it (changes plus financing); budgetnote checks it against the lines";
    let Some(stated) = &ledger.source.stated_totals else {
        return vec![
            Diagnostic::new(
                Code::E093,
                format!(
                    "the amendment does not state its net effect: [tables.{}] has no stated_totals for \"{net}\"",
                    rule.table
                ),
                Some(ledger.source.total.clone().unwrap_or(key)),
            )
            .with_help(format!(
                "add stated_totals = {{ {} }}: {help}",
                years
                    .iter()
                    .map(|(_, y)| format!("{y} = …"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        ];
    };
    // A year the lines leave blank has no net to state (blank is not zero).
    let missing: Vec<String> = years
        .iter()
        .filter(|(i, _)| ledger.totals.get(*i).copied().flatten().is_some())
        .filter(|(i, _)| !stated.get_ref().iter().any(|s| s.column == *i))
        .map(|(_, y)| y.to_string())
        .collect();
    if missing.is_empty() {
        return Vec::new();
    }
    let list = missing.join(", ");
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
fn tick_span(p: &CheckedProposal, group: &str, option: &str) -> Option<Range<usize>> {
    p.places
        .ticks
        .iter()
        .find(|(g, o, _)| g == group && o.eq_ignore_ascii_case(option))
        .map(|(_, _, span)| span.clone())
}

/// E094 for each year a budget-neutral amendment's net is not 0: the stated net where written
/// (at the figure), else the sum of the lines (at the tick).
fn not_neutral(ledger: &Ledger, tick: Range<usize>, option: &str) -> Vec<Diagnostic> {
    let stated = ledger
        .source
        .stated_totals
        .as_ref()
        .map_or(&[][..], |s| s.get_ref().as_slice());
    let mut found = Vec::new();
    for (i, year) in ledger.year_columns() {
        let (net, span) = match stated.iter().find(|s| s.column == i) {
            Some(s) => (s.value, s.span.clone()),
            None => {
                let sum = ledger
                    .rows()
                    .filter_map(|r| r.cells.get(i).copied().flatten())
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
                    format_amount(net, ledger.decimals)
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
