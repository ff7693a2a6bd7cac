//! What a template sees of a proposal: plain data with every figure already formatted the
//! Danish way (the view), built from the checked proposal. The catalogue's view is in
//! [`catalogue`].

pub mod catalogue;
pub mod ledger;

use std::collections::BTreeMap;

use serde::Serialize;

use rust_decimal::Decimal;

use crate::checked::{Agreement, AmountsTable, Block, CheckedProposal, Table, TextRow, TextTable};
use crate::figures::{self, Kind};
use crate::ledger::Zero;
use crate::number::{format_amount, join_danish, round};

/// The sign convention printed under every amounts table.
pub const SIGN_NOTE: &str = "Note: (-) = mindreudgift/merindtægt, (+) = merudgift/mindreindtægt";

/// What a template sees of a proposal: every figure already formatted.
#[derive(Debug, Clone, Serialize)]
pub struct View {
    /// The form's template, whose `header` and `body` macros print the proposal.
    pub template: String,
    /// Proposal id.
    pub id: String,
    /// Headline.
    pub title: String,
    /// PDF subject: the form and the budget year, e.g. "Driftsforslag, budget 2019".
    pub subject: String,
    /// PDF authors: the proposer, then the municipality if named.
    pub authors: Vec<String>,
    /// PDF keywords: the id, then the committees.
    pub keywords: Vec<String>,
    /// Left part of every page's footer: id and budget year, e.g. "AMU01 · Budget 2024".
    pub footer: String,
    /// Issuing municipality, if named.
    pub municipality: Option<String>,
    /// The logo, if any.
    pub logo: Option<LogoView>,
    /// Committees joined the Danish way ("A, B og C").
    pub committees: String,
    /// Proposer.
    pub proposer: String,
    /// "Serviceudgifter og overførselsudgifter", derived from the lines ("" without a budget table).
    pub expense_types: String,
    /// Date as "12. juni 2018", if given.
    pub date: Option<String>,
    /// Number within the form's series, if given.
    pub number: Option<String>,
    /// Budget area, if given.
    pub area: Option<String>,
    /// Address line, if given.
    pub address: Option<String>,
    /// The standard amounts table, if the form has one.
    pub table: Option<TableView>,
    /// Checkbox groups by key.
    pub checkboxes: BTreeMap<String, CheckboxView>,
    /// Sections in order.
    pub sections: Vec<SectionView>,
    /// The agreement text, if given.
    pub agreement: Option<AgreementView>,
    /// Target group, if given.
    pub target_group: Option<String>,
    /// The request as printed, e.g. "2,0 mio. kr. intern indsats + 4,0 mio. kr. ekstern indsats".
    pub request: Option<String>,
    /// The chart of the proposal's share of a catalogue's frame (only inside a catalogue).
    pub chart: Option<ChartView>,
    /// The form's fixed labels by key, as the profile renames them, e.g. `proposer` =
    /// "Forslagsstiller".
    pub labels: BTreeMap<String, String>,
}

/// A logo to print: its path from the project root and its alt text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogoView {
    /// Root-relative path typst reads, e.g. "/proposals/logo.svg".
    pub file: String,
    /// Alt text.
    pub alt: String,
}

/// A bar chart of a proposal's share of the frame.
#[derive(Debug, Clone, Serialize)]
pub struct ChartView {
    /// Caption, e.g. "Figur: Forslagets andel af det samlede råderum på indsatsrammen".
    pub caption: String,
    /// The frame, e.g. "Råderum på 21 mio. kr.".
    pub frame_label: String,
    /// The proposal's amount, e.g. "2,2 mio. kr.".
    pub amount_label: String,
    /// The share as printed, e.g. "10 pct.".
    pub share_label: String,
    /// The share in thousandths of the frame, capped at 1000, for the bar's length.
    pub share_permille: i64,
    /// Alt text describing the chart.
    pub alt: String,
}

/// An amounts table ready to print.
#[derive(Debug, Clone, Serialize)]
pub struct TableView {
    /// Header of the label column: "Beløb i 1.000 kr. 2024-priser".
    pub caption: String,
    /// Years as printed.
    pub years: Vec<String>,
    /// Rows in print order.
    pub rows: Vec<RowView>,
    /// The sign convention.
    pub sign_note: String,
}

/// One printed row of an amounts table.
#[derive(Debug, Clone, Serialize)]
pub struct RowView {
    /// How the row is drawn: "plain", "group", "line", "sub", "total".
    pub style: &'static str,
    /// Row label.
    pub label: String,
    /// Formatted cells, "" for blank; empty for group rows.
    pub cells: Vec<String>,
}

/// A section ready to print.
#[derive(Debug, Clone, Serialize)]
pub struct SectionView {
    /// Key of the section in the form.
    pub key: String,
    /// Heading, if the form prints one.
    pub heading: Option<String>,
    /// The blocks of the body.
    pub blocks: Vec<BlockView>,
}

/// One block of a section, tagged by `kind` for the template.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BlockView {
    /// Markdown text (turned into Typst by the `markdown` filter).
    Text {
        /// The Markdown.
        body: String,
    },
    /// A sub-heading.
    Heading {
        /// Its text.
        text: String,
    },
    /// A ledger table.
    Ledger(ledger::LedgerView),
    /// A text table.
    TextTable(TextTableView),
    /// A two-column comparison.
    Comparison(TextTableView),
}

/// A text table ready to print.
#[derive(Debug, Clone, Serialize)]
pub struct TextTableView {
    /// Caption above the table.
    pub caption: Option<String>,
    /// Header cells.
    pub header: Vec<String>,
    /// Rows: a group label or cells.
    pub rows: Vec<TextRowView>,
    /// Per column, its longest word (header and cells), which the column is at least as wide as
    /// when the table has room.
    pub longest: Vec<String>,
}

/// A text table row.
#[derive(Debug, Clone, Serialize)]
pub struct TextRowView {
    /// Group label spanning the row, if a group row.
    pub group: Option<String>,
    /// Cells, if a cell row.
    pub cells: Vec<TextCellView>,
}

/// A text cell.
#[derive(Debug, Clone, Serialize)]
pub struct TextCellView {
    /// Underlined sub-heading.
    pub heading: Option<String>,
    /// Markdown body.
    pub body: String,
}

/// A checkbox group ready to print.
#[derive(Debug, Clone, Serialize)]
pub struct CheckboxView {
    /// Title.
    pub title: String,
    /// Options with their ticks.
    pub options: Vec<CheckboxOption>,
}

/// One checkbox.
#[derive(Debug, Clone, Serialize)]
pub struct CheckboxOption {
    /// Label.
    pub label: String,
    /// Whether ticked.
    pub ticked: bool,
}

/// The agreement text ready to print.
#[derive(Debug, Clone, Serialize)]
pub struct AgreementView {
    /// Opening paragraph(s), Markdown.
    pub intro: String,
    /// Lead-in line.
    pub lead: String,
    /// The bullet: amounts per year written from the table, then the purpose.
    pub bullet: String,
}

/// Builds the view of a checked proposal.
pub fn view(p: &CheckedProposal) -> View {
    View {
        template: p.form.template.clone(),
        id: p.id.clone(),
        title: p.title.clone(),
        subject: match p.budget_year() {
            Some(year) => format!("{}, budget {year}", p.form.label),
            None => p.form.label.to_owned(),
        },
        authors: std::iter::once(p.proposer.clone())
            .chain(p.municipality.clone())
            .collect(),
        keywords: std::iter::once(p.id.clone())
            .chain(p.committees.iter().cloned())
            .chain(p.stamp.as_ref().map(|s| s.text()))
            .collect(),
        footer: {
            let own = match p.budget_year() {
                Some(year) => format!("{} · Budget {year}", p.id),
                None => p.id.clone(),
            };
            let own = match p.stamp.as_ref().filter(|s| s.in_footer) {
                Some(stamp) => format!("{own} · {}", stamp.text()),
                None => own,
            };
            match &p.footer {
                Some(profile) => format!("{profile} · {own}"),
                None => own,
            }
        },
        municipality: p.municipality.clone(),
        logo: p.logo.as_ref().map(|l| LogoView {
            file: l.file.clone(),
            alt: l.alt.clone(),
        }),
        committees: join_danish(&p.committees),
        proposer: p.proposer.clone(),
        expense_types: p.budget.as_ref().map(expense_types).unwrap_or_default(),
        date: p
            .date
            .map(|(y, m, d)| format!("{d}. {} {y}", crate::dates::month_name(m))),
        number: p.number.clone(),
        area: p.area.clone(),
        address: p.address.clone(),
        table: p.budget.as_ref().map(amounts_table),
        checkboxes: p
            .checkboxes
            .iter()
            .map(|g| {
                let options = g
                    .options
                    .iter()
                    .map(|(label, ticked)| CheckboxOption {
                        label: label.clone(),
                        ticked: *ticked,
                    })
                    .collect();
                (
                    g.key.clone(),
                    CheckboxView {
                        title: g.title.clone(),
                        options,
                    },
                )
            })
            .collect(),
        sections: p
            .sections
            .iter()
            .map(|s| SectionView {
                key: s.key.clone(),
                heading: s.heading.clone(),
                blocks: s.blocks.iter().map(|b| block(b, p.form.zero)).collect(),
            })
            .collect(),
        agreement: p.agreement.as_ref().map(agreement),
        target_group: p.target_group.clone(),
        request: p.request.as_ref().map(request),
        chart: None,
        labels: p.form.labels.clone(),
    }
}

/// "2,2 mio. kr." or "2,0 mio. kr. intern indsats + 4,0 mio. kr. ekstern indsats", with the
/// alternative: the request's figures as [`figures::request`] prints them.
fn request(r: &crate::checked::Request) -> String {
    let table = figures::request(r);
    let unit = r.unit.label();
    let amounts = |kind: Kind| table.figures().filter(move |f| f.line.kind == kind);
    let mut text = if r.parts.is_empty() {
        amounts(Kind::Request)
            .map(|f| format!("{} {unit}", f.cell.text))
            .collect::<String>()
    } else {
        amounts(Kind::Request)
            .map(|f| format!("{} {unit} {}", f.cell.text, f.line.label))
            .collect::<Vec<_>>()
            .join(" + ")
    };
    for f in amounts(Kind::Alternative) {
        text.push_str(&format!(", alternativt {} {unit}", f.cell.text));
    }
    text
}

/// The chart of `amount` (mio. kr.) against a frame of `frame` (mio. kr.).
pub fn chart(caption: &str, frame_label: &str, frame: Decimal, amount: Decimal) -> ChartView {
    // Checked arithmetic: a share too large for a decimal is drawn as a full bar.
    let share = if frame.is_zero() {
        Decimal::ZERO
    } else {
        amount.checked_div(frame).unwrap_or(Decimal::MAX)
    };
    let permille = round(
        share
            .checked_mul(Decimal::from(1000))
            .unwrap_or(Decimal::from(1000)),
        0,
    )
    .clamp(Decimal::ZERO, Decimal::from(1000));
    let percent = share.checked_mul(Decimal::from(100)).map_or_else(
        || "over 100".to_owned(),
        |p| format_amount(round(p, 0), None),
    );
    let frame_text = format!("{frame_label} på {} mio. kr.", format_amount(frame, None));
    let amount_text = format!("{} mio. kr.", format_amount(amount, Some(1)));
    ChartView {
        caption: caption.to_owned(),
        alt: format!(
            "Søjle: forslaget på {amount_text} udgør {percent} pct. af {}",
            frame_text.to_lowercase()
        ),
        frame_label: frame_text,
        amount_label: amount_text,
        share_label: format!("{percent} pct."),
        share_permille: permille.to_string().parse().unwrap_or(0),
    }
}

/// "Serviceudgifter og overførselsudgifter" from the lines' expense types.
fn expense_types(t: &AmountsTable) -> String {
    let types: Vec<String> = t
        .expense_types()
        .iter()
        .map(|e| e.noun().to_owned())
        .collect();
    capitalize(&join_danish(&types))
}

/// The standard amounts table's rows, labels and figures as [`figures::budget`] prints them.
fn amounts_table(t: &AmountsTable) -> TableView {
    let table = figures::budget(t);
    let rows = table
        .lines
        .iter()
        .map(|line| RowView {
            style: line.style,
            label: line.label.clone(),
            cells: line
                .cells
                .iter()
                .map(|c| c.as_ref().map(|c| c.text.clone()).unwrap_or_default())
                .collect(),
        })
        .collect();
    TableView {
        caption: format!("Beløb i {} {}", t.unit.label(), t.prices),
        years: table.columns.iter().map(|c| c.header.clone()).collect(),
        rows,
        sign_note: SIGN_NOTE.into(),
    }
}

/// A block's view.
fn block(b: &Block, zero: Zero) -> BlockView {
    match b {
        Block::Text(body) => BlockView::Text { body: body.clone() },
        Block::Heading(text) => BlockView::Heading { text: text.clone() },
        Block::Table(table) => match table.as_ref() {
            Table::Ledger(l) => BlockView::Ledger(ledger::view(l, zero)),
            Table::Text(t) => BlockView::TextTable(text_table(t)),
            Table::Comparison(t) => BlockView::Comparison(text_table(t)),
        },
    }
}

/// A text table's view.
fn text_table(t: &TextTable) -> TextTableView {
    let longest = (0..t.header.len())
        .map(|i| {
            let cells = t.rows.iter().filter_map(|r| match r {
                TextRow::Cells(cells) => cells.get(i),
                TextRow::Group(_) => None,
            });
            let texts = std::iter::once(t.header[i].as_str()).chain(
                cells.flat_map(|c| c.heading.as_deref().into_iter().chain([c.body.as_str()])),
            );
            longest_word(texts)
        })
        .collect();
    TextTableView {
        longest,
        caption: t.caption.clone(),
        header: t.header.clone(),
        rows: t
            .rows
            .iter()
            .map(|r| match r {
                TextRow::Group(label) => TextRowView {
                    group: Some(label.clone()),
                    cells: vec![],
                },
                TextRow::Cells(cells) => TextRowView {
                    group: None,
                    cells: cells
                        .iter()
                        .map(|c| TextCellView {
                            heading: c.heading.clone(),
                            body: true_minus(&c.body),
                        })
                        .collect(),
                },
            })
            .collect(),
    }
}

/// The longest word of some Markdown texts, by characters, without Markdown's marks and the
/// punctuation around it.
pub(crate) fn longest_word<'a>(texts: impl Iterator<Item = &'a str>) -> String {
    texts
        .flat_map(str::split_whitespace)
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .max_by_key(|w| w.chars().count())
        .unwrap_or("")
        .to_owned()
}

/// A text cell that is a negative figure ("-1.200", "-2,5 mio. kr.") printed with a true minus
/// sign, as every figure of the amounts tables is; any other text is left as written.
fn true_minus(body: &str) -> String {
    let trimmed = body.trim();
    let Some(rest) = trimmed.strip_prefix('-') else {
        return body.to_owned();
    };
    let number = rest.split_whitespace().next().unwrap_or("");
    if crate::number::parse_danish(number).is_some() {
        format!("\u{2212}{rest}")
    } else {
        body.to_owned()
    }
}

/// The agreement's bullet: "8,1 mio. kr. på service i 2025, … og 18,1 mio. kr. på service i 2028 <purpose>".
fn agreement(a: &Agreement) -> AgreementView {
    let millions = |v: Decimal| a.unit.to_millions(v);
    let expense = a.expense.short().to_lowercase();
    let parts: Vec<String> = a
        .amounts
        .iter()
        .map(|(year, v)| {
            format!(
                "{} mio. kr. på {expense} i {year}",
                format_amount(millions(*v), Some(1))
            )
        })
        .collect();
    AgreementView {
        intro: format!("\u{201c}{}", a.intro),
        lead: a.lead.clone(),
        bullet: format!("{} {}\u{201d}", join_danish(&parts), a.purpose),
    }
}

/// Upper-cases the first letter.
fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // A negative figure in a text cell gets a true minus; text and positive figures stay as
    // written.
    #[test]
    fn text_cells_print_a_true_minus() {
        assert_eq!(true_minus("-1.200"), "\u{2212}1.200");
        assert_eq!(true_minus("-2,5 mio. kr."), "\u{2212}2,5 mio. kr.");
        assert_eq!(true_minus("- punkt"), "- punkt");
        assert_eq!(true_minus("-ikke et tal"), "-ikke et tal");
        assert_eq!(true_minus("1.200"), "1.200");
    }
}
