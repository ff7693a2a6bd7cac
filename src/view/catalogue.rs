//! What the catalogue template sees: the annex's cover, its overview by group with totals
//! against the frame, and every proposal's view with its share chart.

use serde::Serialize;

use rust_decimal::Decimal;

use crate::checked::Unit;

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
    /// Subtotal per year.
    pub total: Vec<String>,
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
    /// The distance to the target or what remains of the frame; `None` with neither.
    pub balance: Option<RowView>,
}

/// Decimals the overview prints in a unit: one in mio. kr., none in kr. and 1.000 kr.
fn decimals_of(unit: Unit) -> u32 {
    match unit {
        Unit::Millions => 1,
        Unit::Thousands | Unit::Kroner => 0,
    }
}

/// Builds the view of a checked catalogue.
pub fn catalogue_view(c: &crate::catalogue::CheckedCatalogue) -> CatalogueView {
    use crate::catalogue::{GroupBy, amounts_in, group_name};
    let unit = c.unit;
    let dp = decimals_of(unit);
    let mut years: Vec<i64> = c
        .proposals
        .iter()
        .flat_map(|(_, p)| p.amounts_in_millions().into_iter().map(|(y, _)| y))
        .chain(
            c.target
                .iter()
                .flat_map(|t| t.amounts.iter().map(|(y, _)| *y)),
        )
        .collect();
    years.sort_unstable();
    years.dedup();
    let fmt = |v: Option<Decimal>| v.map(|v| format_amount(v, Some(dp))).unwrap_or_default();
    let amounts_of = |p: &CheckedProposal| -> Vec<Option<Decimal>> {
        let amounts = amounts_in(p, unit);
        years
            .iter()
            .map(|y| amounts.iter().find(|(ay, _)| ay == y).map(|(_, v)| *v))
            .collect()
    };
    let mut groups: Vec<(Option<String>, Vec<&CheckedProposal>)> = Vec::new();
    for (_, p) in &c.proposals {
        let name = group_name(c.group_by, p);
        match groups.iter_mut().find(|(n, _)| *n == name) {
            Some((_, members)) => members.push(p),
            None => groups.push((name, vec![p])),
        }
    }
    let column_sums = |members: &[&CheckedProposal]| -> Vec<Option<Decimal>> {
        (0..years.len())
            .map(|i| crate::number::sum_column(members.iter().map(|p| amounts_of(p)[i])))
            .collect()
    };
    let all: Vec<&CheckedProposal> = c.proposals.iter().map(|(_, p)| p).collect();
    let grand = column_sums(&all);
    let show_area = c.proposals.iter().any(|(_, p)| !p.area().is_empty());
    let label = definite(&c.frame_label.to_lowercase());
    // The frame in the overview's unit and the column of its year.
    let frame_column = years.iter().position(|y| *y == c.year);
    let frame_here = c.frame.map(|f| Unit::Millions.convert(f, unit));
    let target_of = |i: usize| -> Option<Decimal> {
        c.target.as_ref().and_then(|t| {
            t.amounts
                .iter()
                .find(|(y, _)| *y == years[i])
                .map(|(_, a)| *a)
        })
    };
    // Target minus sum, per year: below zero is saving still missing.
    let distance = |sums: &[Option<Decimal>]| -> Vec<String> {
        (0..years.len())
            .map(|i| fmt(target_of(i).map(|t| t - sums[i].unwrap_or_default())))
            .collect()
    };
    let distance_label = c.target.as_ref().map_or_else(String::new, |t| {
        format!("Afstand til {}", t.label.to_lowercase())
    });
    let remaining_label = format!("Rest af {label}");
    let balance_row = |sums: &[Option<Decimal>]| -> Option<RowView> {
        if c.target.is_some() {
            return Some(RowView {
                label: distance_label.clone(),
                cells: distance(sums),
            });
        }
        let frame = frame_here?;
        Some(RowView {
            label: remaining_label.clone(),
            cells: (0..years.len())
                .map(|i| {
                    if Some(i) == frame_column {
                        fmt(Some(frame - sums[i].unwrap_or_default()))
                    } else {
                        String::new()
                    }
                })
                .collect(),
        })
    };
    let balance_note = if let Some(frame) = c.frame {
        let in_year = frame_column
            .and_then(|i| grand[i])
            .map_or(Decimal::ZERO, |v| Unit::convert(unit, v, Unit::Millions));
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
                "{distance_label} = {} − forslagenes sum. Et negativt tal er den besparelse, der \
                 mangler for at nå målet; et positivt tal er besparelse ud over målet.",
                t.label.to_lowercase()
            )
        })
    };
    let mut target_rows = Vec::new();
    if let Some(t) = &c.target {
        target_rows.push(RowView {
            label: t.label.clone(),
            cells: (0..years.len()).map(|i| fmt(target_of(i))).collect(),
        });
        target_rows.push(RowView {
            label: distance_label.clone(),
            cells: distance(&grand),
        });
    }
    let stated_total = |name: &Option<String>, i: usize| -> Option<Decimal> {
        let name = name.as_ref()?;
        let (_, amounts) = c.group_totals.iter().find(|(g, _)| g == name)?;
        amounts
            .iter()
            .find(|(y, _)| *y == years[i])
            .map(|(_, v)| *v)
    };
    let selections = c
        .selections
        .iter()
        .map(|(name, ids)| {
            let members: Vec<&CheckedProposal> = all
                .iter()
                .copied()
                .filter(|p| ids.contains(&p.id))
                .collect();
            let sums = column_sums(&members);
            SelectionView {
                name: name.clone(),
                members: format!("Forslag: {}", join_danish(ids)),
                total: sums.iter().map(|v| fmt(*v)).collect(),
                balance: balance_row(&sums),
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
            match c.stamp.as_ref().filter(|s| s.in_footer) {
                Some(stamp) => format!("{own} · {}", stamp.text()),
                None => own,
            }
        },
        stamp: c.stamp.as_ref().map(|s| s.text()),
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
        groups: groups
            .iter()
            .map(|(name, members)| GroupView {
                name: name.clone(),
                rows: members
                    .iter()
                    .map(|p| {
                        let mut row = vec![p.id.clone(), p.title.clone()];
                        if show_area {
                            row.push(p.area());
                        }
                        row.extend(amounts_of(p).into_iter().map(fmt));
                        row
                    })
                    .collect(),
                total: column_sums(members)
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| fmt(stated_total(name, i).or(v)))
                    .collect(),
            })
            .collect(),
        grand_total: grand.iter().map(|v| fmt(*v)).collect(),
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

/// The Danish definite form of a frame's name: "råderum" → "råderummet", "ramme" → "rammen".
fn definite(noun: &str) -> String {
    if noun.ends_with("um") {
        format!("{noun}met")
    } else if noun.ends_with('e') {
        format!("{noun}n")
    } else {
        format!("{noun}en")
    }
}
