//! What the catalogue template sees: the annex's cover, its overview by group with totals
//! against the frame, and every proposal's view with its share chart.

use serde::Serialize;

use rust_decimal::Decimal;

use crate::checked::Unit;
use crate::figures::{self, Kind, Line};

use super::*;

/// What the catalogue template sees: cover, overview, and every proposal with its chart.
#[derive(Debug, Clone, Serialize)]
pub struct CatalogueView {
    /// Annex label, e.g. "Bilag 1.".
    pub annex: Option<String>,
    /// Title.
    pub title: String,
    /// PDF authors: the proposers, then the municipalities, each once.
    pub authors: Vec<String>,
    /// PDF subject, e.g. "Katalog med forslag, budget 2025".
    pub subject: String,
    /// Left part of every page's footer, e.g. "Bilag 1. Katalog med forslag · Budget 2025".
    pub footer: String,
    /// The git revision (`render --stamp`), the PDF's last keyword.
    pub stamp: Option<String>,
    /// The cover's line under the title: "Råderum på 21 mio. kr. i 2025", or the target's.
    pub frame_text: Option<String>,
    /// The municipality on the cover: the one every proposal names (its own or the profile's).
    pub municipality: Option<String>,
    /// The logo on the cover: the one every proposal prints (its own or the profile's).
    pub logo: Option<LogoView>,
    /// The date on the cover ("12. juni 2026"): the latest date of the proposals.
    pub date: Option<String>,
    /// The unit line above the overview ("Beløb i 1.000 kr. …"); `None` puts the unit in every
    /// year's header instead.
    pub unit_line: Option<String>,
    /// The unit as printed, e.g. "mio. kr.".
    pub unit: String,
    /// Whether the overview has a styringsområde column (some proposal states one).
    pub show_area: bool,
    /// Header of the group column, e.g. "Målgruppe"; `None` without grouping.
    pub group_header: Option<String>,
    /// Years of the overview's amount columns.
    pub years: Vec<String>,
    /// Overview rows by group.
    pub groups: Vec<GroupView>,
    /// Grand total per year.
    pub grand_total: Vec<String>,
    /// The grand total's label ("I alt, alle forslag").
    pub grand_total_label: String,
    /// Rows under the grand total: the target and the distance to it, per year.
    pub target_rows: Vec<RowView>,
    /// How the proposals stand against the frame or target; `None` with neither.
    pub balance_note: Option<String>,
    /// The selections with their totals against the frame or target.
    pub selections: Vec<SelectionView>,
    /// The proposals in print order.
    pub proposals: Vec<View>,
}

/// One group of the overview with its subtotal.
#[derive(Debug, Clone, Serialize)]
pub struct GroupView {
    /// Group name; `None` without grouping.
    pub name: Option<String>,
    /// Rows: id, title, styringsområde (if shown), amounts per year.
    pub rows: Vec<Vec<String>>,
    /// Subtotal per year (printed under a named group).
    pub total: Vec<String>,
    /// The subtotal's label ("I alt").
    pub total_label: String,
}

/// A labelled row of amounts per year.
#[derive(Debug, Clone, Serialize)]
pub struct RowView {
    /// Row label.
    pub label: String,
    /// One cell per year.
    pub cells: Vec<String>,
}

/// One selection: its proposals, its total per year and what remains of the frame or target.
#[derive(Debug, Clone, Serialize)]
pub struct SelectionView {
    /// Its name.
    pub name: String,
    /// "Forslag: E1, E2 og E3".
    pub members: String,
    /// Total per year.
    pub total: Vec<String>,
    /// The total's label ("I alt").
    pub total_label: String,
    /// The distance to the target or what remains of the frame; `None` with neither.
    pub balance: Option<RowView>,
}

/// The printed texts of a row's cells, blank where it has none.
fn texts(line: &Line) -> Vec<String> {
    line.cells
        .iter()
        .map(|c| c.as_ref().map(|c| c.text.clone()).unwrap_or_default())
        .collect()
}

/// A labelled row of figures as the templates get it.
fn row_view(line: &Line) -> RowView {
    RowView {
        label: line.label.clone(),
        cells: texts(line),
    }
}

/// What every proposal of `c` has alike (`None` when one has none or another).
fn shared<T: PartialEq>(
    c: &crate::catalogue::CheckedCatalogue,
    of: impl Fn(&crate::checked::CheckedProposal) -> Option<T>,
) -> Option<T> {
    let mut all = c.proposals.iter().map(|(_, p)| of(p));
    let first = all.next()??;
    all.all(|other| other.as_ref() == Some(&first))
        .then_some(first)
}

/// Builds the view of a checked catalogue: its own tables as [`figures::catalogue`] walks them,
/// and every proposal's view.
pub fn catalogue_view(c: &crate::catalogue::CheckedCatalogue) -> CatalogueView {
    use crate::catalogue::GroupBy;
    use figures::catalogue::{GROUP_TOTAL, definite};
    let unit = c.unit;
    let years = figures::catalogue::years(c);
    let tables = figures::catalogue::catalogue(c);
    let show_area = c.proposals.iter().any(|(_, p)| !p.area().is_empty());
    let label = definite(&c.frame_label.to_lowercase());
    let mut groups: Vec<GroupView> = Vec::new();
    let (mut grand_total, mut grand_label, mut grand_in_frame_year) =
        (Vec::new(), String::new(), None);
    let mut target_rows = Vec::new();
    let frame_column = years.iter().position(|y| *y == c.year);
    if let Some(overview) = tables.first() {
        for line in &overview.lines {
            match line.kind {
                Kind::Group => groups.push(GroupView {
                    name: Some(line.label.clone()),
                    rows: Vec::new(),
                    total: Vec::new(),
                    total_label: GROUP_TOTAL.to_owned(),
                }),
                Kind::Request => {
                    if groups.is_empty() {
                        groups.push(GroupView {
                            name: None,
                            rows: Vec::new(),
                            total: Vec::new(),
                            total_label: GROUP_TOTAL.to_owned(),
                        });
                    }
                    let mut row = line.texts.clone();
                    row.truncate(if show_area { 3 } else { 2 });
                    row.extend(texts(line));
                    if let Some(group) = groups.last_mut() {
                        group.rows.push(row);
                    }
                }
                Kind::Subtotal => {
                    if let Some(group) = groups.last_mut() {
                        group.total = texts(line);
                        group.total_label = line.label.clone();
                    }
                }
                Kind::Total => {
                    grand_total = texts(line);
                    grand_label = line.label.clone();
                    grand_in_frame_year = frame_column
                        .and_then(|i| line.cells.get(i).cloned().flatten())
                        .map(|cell| cell.value);
                }
                _ => target_rows.push(row_view(line)),
            }
        }
    }
    let balance_note = if let Some(frame) = c.frame {
        let in_year =
            grand_in_frame_year.map_or(Decimal::ZERO, |v| Unit::convert(unit, v, Unit::Millions));
        let frame_text = format_amount(frame, None);
        Some(if in_year > frame {
            format!(
                "Forslagene udgør i alt {} mio. kr. i {} og overstiger {label} på {frame_text} mio. kr. med {} mio. kr.",
                format_amount(in_year, Some(1)),
                c.year,
                format_amount(in_year - frame, Some(1))
            )
        } else {
            format!(
                "Forslagene udgør i alt {} mio. kr. i {} og holder sig inden for {label} på {frame_text} mio. kr.; {} mio. kr. er ikke disponeret.",
                format_amount(in_year, Some(1)),
                c.year,
                format_amount(frame - in_year, Some(1))
            )
        })
    } else {
        c.target.as_ref().map(|t| {
            format!(
                "{} = {} − forslagenes sum. Et negativt tal er den besparelse, der \
                 mangler for at nå målet; et positivt tal er besparelse ud over målet.",
                figures::catalogue::balance_label(c),
                t.label.to_lowercase()
            )
        })
    };
    let selections = c
        .selections
        .iter()
        .zip(tables.iter().skip(1))
        .map(|((name, ids), table)| {
            let total = table.lines.iter().find(|l| l.kind == Kind::Total);
            SelectionView {
                name: name.clone(),
                members: format!("Forslag: {}", join_danish(ids)),
                total: total.map(texts).unwrap_or_default(),
                total_label: total.map_or_else(|| GROUP_TOTAL.to_owned(), |l| l.label.clone()),
                balance: table
                    .lines
                    .iter()
                    .find(|l| l.kind == Kind::Balance)
                    .map(row_view),
            }
        })
        .collect();
    CatalogueView {
        annex: c.annex.clone(),
        title: c.title.clone(),
        authors: {
            let mut authors: Vec<String> = Vec::new();
            let people = c.proposals.iter().map(|(_, p)| &p.proposer);
            let places = c
                .proposals
                .iter()
                .filter_map(|(_, p)| p.municipality.as_ref());
            for name in people.chain(places) {
                if !authors.contains(name) {
                    authors.push(name.clone());
                }
            }
            authors
        },
        subject: format!("Katalog med forslag, budget {}", c.year),
        footer: {
            let name = match &c.annex {
                Some(annex) => format!("{annex} {}", c.title),
                None => c.title.clone(),
            };
            let own = format!("{name} · Budget {}", c.year);
            let own = match c.stamp.as_ref().filter(|s| s.in_footer) {
                Some(stamp) => format!("{own} · {}", stamp.text()),
                None => own,
            };
            match shared(c, |p| p.footer.clone()) {
                Some(profile) => format!("{profile} · {own}"),
                None => own,
            }
        },
        stamp: c.stamp.as_ref().map(|s| s.text()),
        municipality: shared(c, |p| p.municipality.clone()),
        logo: shared(c, |p| {
            p.logo.as_ref().map(|l| LogoView {
                file: l.file.clone(),
                alt: l.alt.clone(),
            })
        }),
        date: c
            .proposals
            .iter()
            .filter_map(|(_, p)| p.date)
            .max()
            .map(|(y, m, d)| format!("{d}. {} {y}", crate::dates::month_name(m))),
        frame_text: match (c.frame, &c.target) {
            (Some(frame), _) => Some(format!(
                "{} på {} mio. kr. i {}",
                c.frame_label,
                format_amount(frame, None),
                c.year
            )),
            (None, Some(t)) => Some(match (years.first(), years.last()) {
                (Some(first), Some(last)) if first != last => {
                    format!("{} {first}–{last}, beløb i {}", t.label, unit.label())
                }
                _ => format!("{} {}, beløb i {}", t.label, c.year, unit.label()),
            }),
            (None, None) => None,
        },
        // A unit in every year's header fits two years; more would squeeze the title column.
        unit_line: (c.unit_line || years.len() > 2).then(|| {
            format!(
                "Beløb i {} Fortegn: (−) = mindreudgift/merindtægt, (+) = merudgift/mindreindtægt.",
                unit.label()
            )
        }),
        unit: unit.label().to_owned(),
        show_area,
        group_header: match c.group_by {
            GroupBy::TargetGroup => Some("Målgruppe".to_owned()),
            GroupBy::Committee => Some("Udvalg".to_owned()),
            GroupBy::None => None,
        },
        years: years.iter().map(|y| y.to_string()).collect(),
        groups,
        grand_total,
        grand_total_label: grand_label,
        target_rows,
        balance_note,
        selections,
        proposals: c
            .proposals
            .iter()
            .map(|(_, p)| {
                let mut v = view(p);
                if let Some(frame) = c.frame {
                    let amount = p
                        .amounts_in_millions()
                        .iter()
                        .find(|(y, _)| *y == c.year)
                        .map(|(_, a)| *a)
                        .unwrap_or_default();
                    v.chart = Some(chart(&c.chart_caption, &c.frame_label, frame, amount));
                }
                v
            })
            .collect(),
    }
}
