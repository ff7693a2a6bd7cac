//! The figures a catalogue's annex prints of its own, besides its proposals' tables: the
//! overview (each proposal's amount per year by group, the groups' subtotals, the grand total,
//! the savings target and the distance to it) and each selection's total with what remains of
//! the frame or the distance to the target. The annex, the index web page and the catalogue's
//! workbook take them from here.

use rust_decimal::Decimal;

use super::{Column, Kind, Line, Measure, Table, amount, line};
use crate::catalogue::{CheckedCatalogue, amounts_in, group_name};
use crate::checked::CheckedProposal;
use crate::unit::Unit;

/// The id of a catalogue's overview among its tables.
pub const OVERVIEW_TABLE: &str = "oversigt";
/// The start of a selection's table id; its name follows ("pakke: Pakke A").
pub const SELECTION_TABLE: &str = "pakke";
/// The label of a group's subtotal and of a selection's total.
pub const GROUP_TOTAL: &str = "I alt";
/// The label of the overview's grand total.
pub const GRAND_TOTAL: &str = "I alt, alle forslag";

/// Decimals the overview prints in a unit: one in mio. kr., none in kr. and 1.000 kr.
pub fn decimals_of(unit: Unit) -> u32 {
    match unit {
        Unit::Millions => 1,
        Unit::Thousands | Unit::Kroner => 0,
    }
}

/// The years of the overview's amount columns: every year a proposal's amount or the target
/// names, in order.
pub fn years(c: &CheckedCatalogue) -> Vec<i64> {
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
    years
}

/// The Danish definite form of a frame's name: "råderum" → "råderummet", "ramme" → "rammen".
pub fn definite(noun: &str) -> String {
    if noun.ends_with("um") {
        format!("{noun}met")
    } else if noun.ends_with('e') {
        format!("{noun}n")
    } else {
        format!("{noun}en")
    }
}

/// The label of the row under a total that measures it against the target ("Afstand til
/// måltal") or the frame ("Rest af råderummet").
pub fn balance_label(c: &CheckedCatalogue) -> String {
    match &c.target {
        Some(t) => format!("Afstand til {}", t.label.to_lowercase()),
        None => format!("Rest af {}", definite(&c.frame_label.to_lowercase())),
    }
}

/// The overview and the selections of a catalogue as printed, in that order.
pub fn catalogue(c: &CheckedCatalogue) -> Vec<Table> {
    let walk = Walk::new(c);
    let mut tables = vec![walk.overview()];
    tables.extend(
        c.selections
            .iter()
            .map(|(name, ids)| walk.selection(name, ids)),
    );
    tables
}

/// What every table of a catalogue shares: its unit, decimals and years.
struct Walk<'a> {
    /// The catalogue.
    c: &'a CheckedCatalogue,
    /// The overview's unit.
    unit: Unit,
    /// The decimals every figure prints with.
    decimals: u32,
    /// The years of the amount columns.
    years: Vec<i64>,
}

impl<'a> Walk<'a> {
    /// The walk of `c`.
    fn new(c: &'a CheckedCatalogue) -> Self {
        Self {
            c,
            unit: c.unit,
            decimals: decimals_of(c.unit),
            years: years(c),
        }
    }

    /// The year columns.
    fn columns(&self) -> Vec<Column> {
        self.years
            .iter()
            .map(|y| Column {
                header: y.to_string(),
                year: Some(*y),
                computed: false,
            })
            .collect()
    }

    /// A table with the year columns and `lines`.
    fn table(&self, id: String, lines: Vec<Line>) -> Table {
        Table {
            id,
            caption: None,
            unit: self.unit,
            prices: None,
            columns: self.columns(),
            lines,
        }
    }

    /// One printed figure per year (blank where `None`).
    fn cells(&self, values: &[Option<Decimal>]) -> Vec<Option<super::Cell>> {
        values
            .iter()
            .map(|v| v.map(|v| amount(v, Some(self.decimals), Measure::Amount(self.unit))))
            .collect()
    }

    /// A proposal's amounts per year in the overview's unit.
    fn amounts_of(&self, p: &CheckedProposal) -> Vec<Option<Decimal>> {
        let amounts = amounts_in(p, self.unit);
        self.years
            .iter()
            .map(|y| amounts.iter().find(|(ay, _)| ay == y).map(|(_, v)| *v))
            .collect()
    }

    /// The sums per year of `members`' amounts (blank where none has one).
    fn sums(&self, members: &[&CheckedProposal]) -> Vec<Option<Decimal>> {
        let amounts: Vec<Vec<Option<Decimal>>> =
            members.iter().map(|p| self.amounts_of(p)).collect();
        (0..self.years.len())
            .map(|i| crate::number::sum_column(amounts.iter().map(|a| a[i])))
            .collect()
    }

    /// The target per year, blank in years it does not name.
    fn target(&self) -> Vec<Option<Decimal>> {
        self.years
            .iter()
            .map(|y| {
                let t = self.c.target.as_ref()?;
                t.amounts.iter().find(|(ty, _)| ty == y).map(|(_, a)| *a)
            })
            .collect()
    }

    /// The row measuring `sums` against the target (target minus sum, per year: below zero is
    /// saving still missing) or the frame (what remains of it in its year); `None` with
    /// neither.
    fn balance(&self, sums: &[Option<Decimal>], group: &[String]) -> Option<Line> {
        let values: Vec<Option<Decimal>> = if self.c.target.is_some() {
            self.target()
                .iter()
                .zip(sums)
                .map(|(t, s)| t.map(|t| t - s.unwrap_or_default()))
                .collect()
        } else {
            let frame = Unit::Millions.convert(self.c.frame?, self.unit);
            self.years
                .iter()
                .zip(sums)
                .map(|(y, s)| (*y == self.c.year).then(|| frame - s.unwrap_or_default()))
                .collect()
        };
        let mut row = line(Kind::Balance, &balance_label(self.c), "plain");
        row.group = group.to_vec();
        row.cells = self.cells(&values);
        Some(row)
    }

    /// The overview: per group a heading, its proposals and its subtotal (a stated group total
    /// is printed instead of the computed one), then the grand total, the target and the
    /// distance to it.
    fn overview(&self) -> Table {
        let c = self.c;
        let mut groups: Vec<(Option<String>, Vec<&CheckedProposal>)> = Vec::new();
        for (_, p) in &c.proposals {
            let name = group_name(c.group_by, p);
            match groups.iter_mut().find(|(n, _)| *n == name) {
                Some((_, members)) => members.push(p),
                None => groups.push((name, vec![p])),
            }
        }
        let mut lines = Vec::new();
        for (name, members) in &groups {
            let path: Vec<String> = name.iter().cloned().collect();
            if let Some(name) = name {
                lines.push(line(Kind::Group, name, "group"));
            }
            for p in members {
                let mut row = line(Kind::Request, &p.title, "plain");
                row.group = path.clone();
                row.texts = vec![p.id.clone(), p.title.clone(), p.area()];
                row.cells = self.cells(&self.amounts_of(p));
                lines.push(row);
            }
            if let Some(name) = name {
                let stated = c.group_totals.iter().find(|(g, _)| g == name);
                let values: Vec<Option<Decimal>> = self
                    .sums(members)
                    .into_iter()
                    .zip(&self.years)
                    .map(|(sum, y)| {
                        let stated = stated
                            .and_then(|(_, a)| a.iter().find(|(sy, _)| sy == y).map(|(_, v)| *v));
                        stated.or(sum)
                    })
                    .collect();
                let mut total = line(Kind::Subtotal, GROUP_TOTAL, "sub");
                total.group = path.clone();
                total.cells = self.cells(&values);
                lines.push(total);
            }
        }
        let all: Vec<&CheckedProposal> = c.proposals.iter().map(|(_, p)| p).collect();
        let grand = self.sums(&all);
        let mut total = line(Kind::Total, GRAND_TOTAL, "total");
        total.cells = self.cells(&grand);
        lines.push(total);
        if let Some(t) = &c.target {
            let mut target = line(Kind::Target, &t.label, "plain");
            target.cells = self.cells(&self.target());
            lines.push(target);
            lines.extend(self.balance(&grand, &[]));
        }
        self.table(OVERVIEW_TABLE.to_owned(), lines)
    }

    /// A selection: its total per year and its balance against the target or the frame.
    fn selection(&self, name: &str, ids: &[String]) -> Table {
        let members: Vec<&CheckedProposal> = self
            .c
            .proposals
            .iter()
            .map(|(_, p)| p)
            .filter(|p| ids.contains(&p.id))
            .collect();
        let sums = self.sums(&members);
        let path = vec![name.to_owned()];
        let mut total = line(Kind::Total, GROUP_TOTAL, "sub");
        total.group = path.clone();
        total.cells = self.cells(&sums);
        let mut lines = vec![total];
        lines.extend(self.balance(&sums, &path));
        self.table(format!("{SELECTION_TABLE}: {name}"), lines)
    }
}
