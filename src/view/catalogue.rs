//! What the catalogue template sees: the annex's cover, its overview by group with totals
//! against the frame, and every proposal's view with its share chart.

use serde::Serialize;

use rust_decimal::Decimal;

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
    /// "Råderum på 21 mio. kr. i 2025".
    pub frame_text: String,
    /// Header of the group column, e.g. "Målgruppe"; `None` without grouping.
    pub group_header: Option<String>,
    /// Years of the overview's amount columns.
    pub years: Vec<String>,
    /// Overview rows by group.
    pub groups: Vec<GroupView>,
    /// Grand total per year.
    pub grand_total: Vec<String>,
    /// How the proposals stand against the frame.
    pub balance_note: String,
    /// The proposals in print order.
    pub proposals: Vec<View>,
}

/// One group of the overview with its subtotal.
#[derive(Debug, Clone, Serialize)]
pub struct GroupView {
    /// Group name; `None` without grouping.
    pub name: Option<String>,
    /// Rows: id, title, styringsområde, amounts per year.
    pub rows: Vec<Vec<String>>,
    /// Subtotal per year.
    pub total: Vec<String>,
}

/// Builds the view of a checked catalogue.
pub fn catalogue_view(c: &crate::catalogue::CheckedCatalogue) -> CatalogueView {
    use crate::catalogue::GroupBy;
    let mut years: Vec<i64> = c
        .proposals
        .iter()
        .flat_map(|(_, p)| p.amounts_in_millions().into_iter().map(|(y, _)| y))
        .collect();
    years.sort_unstable();
    years.dedup();
    let mio = |v: Option<Decimal>| v.map(|v| format_amount(v, Some(1))).unwrap_or_default();
    let amounts_of = |p: &CheckedProposal| -> Vec<Option<Decimal>> {
        let amounts = p.amounts_in_millions();
        years
            .iter()
            .map(|y| amounts.iter().find(|(ay, _)| ay == y).map(|(_, v)| *v))
            .collect()
    };
    let group_of = |p: &CheckedProposal| match c.group_by {
        GroupBy::TargetGroup => Some(
            p.target_group
                .clone()
                .unwrap_or_else(|| "Øvrige forslag".to_owned()),
        ),
        GroupBy::Committee => Some(p.committees.first().cloned().unwrap_or_default()),
        GroupBy::None => None,
    };
    let mut groups: Vec<(Option<String>, Vec<&CheckedProposal>)> = Vec::new();
    for (_, p) in &c.proposals {
        let name = group_of(p);
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
    let in_year = years
        .iter()
        .position(|y| *y == c.year)
        .and_then(|i| grand[i])
        .unwrap_or_default();
    let frame = format_amount(c.frame, None);
    let label = definite(&c.frame_label.to_lowercase());
    let balance_note = if in_year > c.frame {
        format!(
            "Forslagene udgør i alt {} mio. kr. i {} og overstiger {label} på {frame} mio. kr. med {} mio. kr.",
            format_amount(in_year, Some(1)),
            c.year,
            format_amount(in_year - c.frame, Some(1))
        )
    } else {
        format!(
            "Forslagene udgør i alt {} mio. kr. i {} og holder sig inden for {label} på {frame} mio. kr.; {} mio. kr. er ikke disponeret.",
            format_amount(in_year, Some(1)),
            c.year,
            format_amount(c.frame - in_year, Some(1))
        )
    };
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
            format!("{name} · Budget {}", c.year)
        },
        frame_text: format!("{} på {frame} mio. kr. i {}", c.frame_label, c.year),
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
                        let mut row = vec![p.id.clone(), p.title.clone(), p.area()];
                        row.extend(amounts_of(p).into_iter().map(mio));
                        row
                    })
                    .collect(),
                total: column_sums(members).into_iter().map(mio).collect(),
            })
            .collect(),
        grand_total: grand.into_iter().map(mio).collect(),
        balance_note,
        proposals: c
            .proposals
            .iter()
            .map(|(_, p)| {
                let mut v = view(p);
                let amount = p
                    .amounts_in_millions()
                    .iter()
                    .find(|(y, _)| *y == c.year)
                    .map(|(_, a)| *a)
                    .unwrap_or_default();
                v.chart = Some(chart(&c.chart_caption, &c.frame_label, c.frame, amount));
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
