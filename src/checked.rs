//! A validated proposal: exact amounts aligned to the table's years, computed rows filled in.

use crate::forms::Form;

/// Expense type ("udgiftstype"), the basis of the nets and the header's "Udgiftstype".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ExpenseType {
    /// Serviceudgifter: operating costs under the service frame.
    Service,
    /// Overførselsudgifter: transfers to citizens (kontanthjælp, førtidspension, …).
    Overforsel,
    /// Anlægsudgifter: capital expenditure.
    Anlaeg,
    /// Finansiering: financing (renter, lån, tilskud).
    Finansiering,
}

impl ExpenseType {
    /// All expense types in the order the nets are printed.
    pub const ALL: [ExpenseType; 4] = [
        Self::Service,
        Self::Overforsel,
        Self::Anlaeg,
        Self::Finansiering,
    ];

    /// Reads the value of `expense = "…"`.
    pub fn from_key(key: &str) -> Option<Self> {
        match key.trim().to_lowercase().as_str() {
            "service" => Some(Self::Service),
            "overførsel" | "overforsel" | "overførsler" => Some(Self::Overforsel),
            "anlæg" | "anlaeg" => Some(Self::Anlaeg),
            "finansiering" => Some(Self::Finansiering),
            _ => None,
        }
    }

    /// Valid values, for help messages.
    pub const KEYS: &'static str = "\"service\", \"overførsel\", \"anlæg\", \"finansiering\"";

    /// Short plural used in line labels and nets: "Service", "Overførsler".
    pub fn short(self) -> &'static str {
        match self {
            Self::Service => "Service",
            Self::Overforsel => "Overførsler",
            Self::Anlaeg => "Anlæg",
            Self::Finansiering => "Finansiering",
        }
    }

    /// The value written in `expense = "…"`.
    pub fn key(self) -> &'static str {
        match self {
            Self::Service => "service",
            Self::Overforsel => "overførsel",
            Self::Anlaeg => "anlæg",
            Self::Finansiering => "finansiering",
        }
    }

    /// The noun used in "Udgiftstype": "serviceudgifter", "overførselsudgifter".
    pub fn noun(self) -> &'static str {
        match self {
            Self::Service => "serviceudgifter",
            Self::Overforsel => "overførselsudgifter",
            Self::Anlaeg => "anlægsudgifter",
            Self::Finansiering => "finansieringsudgifter",
        }
    }
}

/// What a line of the change is; gives its printed name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// Omstilling: a saving from doing things differently.
    Omstilling,
    /// Investering i drift: extra operating costs that pay back.
    InvesteringDrift,
    /// Investering i anlæg: capital investment.
    InvesteringAnlaeg,
    /// Effektivisering: an efficiency saving.
    Effektivisering,
    /// Besparelse: a cut.
    Besparelse,
    /// Merudgift: an extra cost.
    Merudgift,
    /// Mindreudgift: a lower cost.
    Mindreudgift,
    /// Merindtægt / mindreindtægt and other income changes.
    Indtaegt,
}

impl LineKind {
    /// Reads the value of `kind = "…"`.
    pub fn from_key(key: &str) -> Option<Self> {
        match key.trim().to_lowercase().as_str() {
            "omstilling" => Some(Self::Omstilling),
            "investering-drift" => Some(Self::InvesteringDrift),
            "investering-anlæg" | "investering-anlaeg" => Some(Self::InvesteringAnlaeg),
            "effektivisering" => Some(Self::Effektivisering),
            "besparelse" => Some(Self::Besparelse),
            "merudgift" => Some(Self::Merudgift),
            "mindreudgift" => Some(Self::Mindreudgift),
            "indtægt" | "indtaegt" => Some(Self::Indtaegt),
            _ => None,
        }
    }

    /// Valid values, for help messages.
    pub const KEYS: &'static str = "\"omstilling\", \"investering-drift\", \"investering-anlæg\", \
         \"effektivisering\", \"besparelse\", \"merudgift\", \"mindreudgift\", \"indtægt\"";

    /// The sign every amount of such a line must have: savings are negative or zero, investments
    /// and extra costs positive or zero; income changes can be either (`None`).
    pub fn sign(self) -> Option<std::cmp::Ordering> {
        use std::cmp::Ordering::{Greater, Less};
        match self {
            Self::Omstilling | Self::Effektivisering | Self::Besparelse | Self::Mindreudgift => {
                Some(Less)
            }
            Self::InvesteringDrift | Self::InvesteringAnlaeg | Self::Merudgift => Some(Greater),
            Self::Indtaegt => None,
        }
    }

    /// The name printed at the start of a line's label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Omstilling => "Omstilling",
            Self::InvesteringDrift => "Investering - Drift",
            Self::InvesteringAnlaeg => "Investering - Anlæg",
            Self::Effektivisering => "Effektivisering",
            Self::Besparelse => "Besparelse",
            Self::Merudgift => "Merudgift",
            Self::Mindreudgift => "Mindreudgift",
            Self::Indtaegt => "Indtægt",
        }
    }
}

/// A printed line of the change with its amounts.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Printed label, e.g. "Omstilling (Overførsler AMU)".
    pub label: String,
    /// What the line is.
    pub kind: LineKind,
    /// Its expense type.
    pub expense: ExpenseType,
    /// Committee abbreviation.
    pub committee: String,
    /// Span of the abbreviation in the source, for checks against the register.
    pub committee_span: std::ops::Range<usize>,
    /// The account number, if given, checked against the chart of accounts.
    pub account: Option<AccountRef>,
    /// Amounts per table year.
    pub cells: Cells,
}

/// The computed net change of one expense type.
#[derive(Debug, Clone, PartialEq)]
pub struct Net {
    /// Which expense type.
    pub expense: ExpenseType,
    /// Sum of the lines per year (blank where no line has the year).
    pub cells: Cells,
}

/// "Personalekonsekvenser": change in årsværk, in total and per area.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffChange {
    /// "Ændring i antal årsværk" per year.
    pub total: Cells,
    /// Per-area lines (label, cells), printed under the total.
    pub areas: Vec<(String, Cells)>,
}

/// A checked amounts table.
#[derive(Debug, Clone, PartialEq)]
pub struct AmountsTable {
    /// Unit of the amounts.
    pub unit: Unit,
    /// Price basis, e.g. "2024-priser".
    pub prices: String,
    /// Budget year and overslagsår.
    pub years: Vec<i64>,
    /// "Nuværende budget", if given.
    pub current: Option<Cells>,
    /// Lines of the change.
    pub lines: Vec<Line>,
    /// Nets per expense type present, in `ExpenseType::ALL` order.
    pub nets: Vec<Net>,
    /// Staff consequences, if given.
    pub staff: Option<StaffChange>,
    /// The span of `[budget]` (its header).
    pub span: std::ops::Range<usize>,
    /// The span of `prices`.
    pub prices_span: std::ops::Range<usize>,
}

impl AmountsTable {
    /// Expense types the lines use, in print order.
    pub fn expense_types(&self) -> Vec<ExpenseType> {
        self.nets.iter().map(|n| n.expense).collect()
    }
}

/// A section ready to print.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// Key of the section in the form, e.g. `oekonomi`.
    pub key: String,
    /// Heading as printed; `None` for forms whose body has no heading.
    pub heading: Option<String>,
    /// The body's blocks in order.
    pub blocks: Vec<Block>,
}

/// One block of a section body.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// Markdown text.
    Text(String),
    /// A sub-heading.
    Heading(String),
    /// A table or figure.
    Table(Box<Table>),
}

/// A checked table or figure.
#[derive(Debug, Clone, PartialEq)]
pub enum Table {
    /// Amounts per year with row and column totals.
    Ledger(Box<Ledger>),
    /// Free text cells with a header row and group rows.
    Text(TextTable),
    /// A two-column before/after comparison.
    Comparison(TextTable),
}

pub use crate::ledger::{AccountRef, Cells, Ledger, LedgerRow, Origin};
pub use crate::unit::Unit;

/// A table of text cells.
#[derive(Debug, Clone, PartialEq)]
pub struct TextTable {
    /// Caption above the table.
    pub caption: Option<String>,
    /// Header cells.
    pub header: Vec<String>,
    /// Rows.
    pub rows: Vec<TextRow>,
}

/// A row of a text table.
#[derive(Debug, Clone, PartialEq)]
pub enum TextRow {
    /// A group label spanning all columns.
    Group(String),
    /// One cell per column.
    Cells(Vec<TextCell>),
}

/// A text cell: Markdown under an optional underlined sub-heading.
#[derive(Debug, Clone, PartialEq)]
pub struct TextCell {
    /// Underlined sub-heading.
    pub heading: Option<String>,
    /// Markdown body.
    pub body: String,
}

/// A checkbox group with every option and whether it is ticked.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckboxGroup {
    /// Key of the group, e.g. `kategorisering`.
    pub key: String,
    /// Title printed with the boxes.
    pub title: String,
    /// Options in print order, with their tick.
    pub options: Vec<(String, bool)>,
}

/// The agreement text, its amounts taken from a ledger's total row.
#[derive(Debug, Clone, PartialEq)]
pub struct Agreement {
    /// Opening paragraph(s), Markdown.
    pub intro: String,
    /// Lead-in line.
    pub lead: String,
    /// Years and amounts of the total row (non-blank years only).
    pub amounts: Vec<(i64, rust_decimal::Decimal)>,
    /// Unit of the amounts.
    pub unit: Unit,
    /// Expense type named after each amount.
    pub expense: ExpenseType,
    /// What the money is for.
    pub purpose: String,
}

/// A proposal that passed validation.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedProposal {
    /// Proposal id.
    pub id: String,
    /// The form it uses.
    pub form: std::sync::Arc<Form>,
    /// Headline.
    pub title: String,
    /// Issuing municipality, if named.
    pub municipality: Option<String>,
    /// The logo, if any.
    pub logo: Option<Logo>,
    /// Committees in print order.
    pub committees: Vec<String>,
    /// Proposer.
    pub proposer: String,
    /// Date (year, month, day), if given.
    pub date: Option<(u16, u8, u8)>,
    /// Number within the form's series, if given.
    pub number: Option<String>,
    /// Budget area, if given.
    pub area: Option<String>,
    /// Address line, if given.
    pub address: Option<String>,
    /// The standard amounts table, for forms that have one.
    pub budget: Option<AmountsTable>,
    /// The form's checkbox groups, in the form's order.
    pub checkboxes: Vec<CheckboxGroup>,
    /// Sections in the form's order (optional ones left out when empty).
    pub sections: Vec<Section>,
    /// The agreement text, if given.
    pub agreement: Option<Agreement>,
    /// Target group, if given.
    pub target_group: Option<String>,
    /// What a catalogue proposal asks for, if given.
    pub request: Option<Request>,
    /// Amounts the text names on purpose that no table holds, as written ("16,4 mio. kr.").
    pub external_amounts: Vec<String>,
    /// The profile's footer text, printed first in every page's footer.
    pub footer: Option<String>,
    /// The git revision `render --stamp` prints; `None` without `--stamp`.
    pub stamp: Option<Stamp>,
    /// Every ledger under `[tables]`, placed or not, in source order; checks that compare
    /// tables read these ([`CheckedProposal::ledgers`] are the placed ones, in print order).
    pub written_ledgers: Vec<Ledger>,
    /// Where the proposal writes what checks point at, beyond its tables' own spans.
    pub places: Places,
}

/// Where a proposal writes what checks point at, beyond its tables' own spans.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Places {
    /// The value of `form`.
    pub form: std::ops::Range<usize>,
    /// Each section's body as written, by key (also one printed as empty).
    pub sections: std::collections::BTreeMap<String, std::ops::Range<usize>>,
    /// Each ticked checkbox option: its group's key, the option as the form names it, its span.
    pub ticks: Vec<(String, String, std::ops::Range<usize>)>,
    /// Every table under `[tables]`, whatever its kind.
    pub tables: Vec<TableKey>,
}

/// A table under `[tables]` as written: its id, `kind` and where its key is.
#[derive(Debug, Clone, PartialEq)]
pub struct TableKey {
    /// Its id.
    pub id: String,
    /// `kind` as written (trimmed), with its span.
    pub kind: toml::Spanned<String>,
    /// The span of the id in `[tables.<id>]`.
    pub key: std::ops::Range<usize>,
}

/// The git revision a document was made from (`render --stamp`).
#[derive(Debug, Clone, PartialEq)]
pub struct Stamp {
    /// The short commit id of HEAD, e.g. "3f2a9c1".
    pub commit: String,
    /// Whether the working tree differs from it for the rendered inputs.
    pub changed: bool,
    /// Whether the profile asks for it in every page's footer (`footer_stamp = true`).
    pub in_footer: bool,
}

impl Stamp {
    /// As printed: "Version 3f2a9c1", or "Version 3f2a9c1, ændret".
    pub fn text(&self) -> String {
        if self.changed {
            format!("Version {}, ændret", self.commit)
        } else {
            format!("Version {}", self.commit)
        }
    }
}

/// A checked logo.
#[derive(Debug, Clone, PartialEq)]
pub struct Logo {
    /// The file as written, relative to the proposal; after `Project::check_source`, the path
    /// from the project root that typst reads, e.g. "/proposals/logo.svg".
    pub file: String,
    /// Alt text.
    pub alt: String,
    /// Span of `file` in the source, for errors about the file.
    pub span: std::ops::Range<usize>,
}

/// A checked request: the total and its parts, in one unit and year.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// Unit of the amounts.
    pub unit: Unit,
    /// The year.
    pub year: i64,
    /// The amount asked for (the sum of the parts, if split).
    pub total: rust_decimal::Decimal,
    /// The parts, if split.
    pub parts: Vec<(String, rust_decimal::Decimal)>,
    /// An alternative amount, not counted.
    pub alternative: Option<rust_decimal::Decimal>,
    /// Styringsområde, if stated.
    pub area: Option<String>,
}

impl CheckedProposal {
    /// The ledgers placed in the sections, in print order.
    pub fn ledgers(&self) -> impl Iterator<Item = &Ledger> {
        self.sections
            .iter()
            .flat_map(|s| &s.blocks)
            .filter_map(|b| match b {
                Block::Table(t) => match t.as_ref() {
                    Table::Ledger(l) => Some(l.as_ref()),
                    _ => None,
                },
                _ => None,
            })
    }

    /// What the proposal asks for per year, in millions of kroner, for overviews and charts:
    /// the request, else the nets of the amounts table, else the total row of the agreement's
    /// (or the first) ledger.
    pub fn amounts_in_millions(&self) -> Vec<(i64, rust_decimal::Decimal)> {
        if let Some(r) = &self.request {
            return vec![(r.year, r.unit.to_millions(r.total))];
        }
        if let Some(b) = &self.budget {
            return b
                .years
                .iter()
                .enumerate()
                .filter_map(|(i, y)| {
                    let sum = crate::number::sum_column(b.nets.iter().map(|n| n.cells[i]));
                    sum.map(|s| (*y, b.unit.to_millions(s)))
                })
                .collect();
        }
        let mut ledgers: Vec<&Ledger> =
            self.ledgers().filter(|l| l.total_label.is_some()).collect();
        if let Some(a) = &self.agreement {
            ledgers.sort_by_key(|l| l.unit != a.unit);
        }
        ledgers
            .first()
            .map(|l| {
                l.year_totals()
                    .into_iter()
                    .map(|(y, t)| (y, l.unit.to_millions(t)))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The budget year the proposal is for: the request's year, else the first year with amounts.
    pub fn budget_year(&self) -> Option<i64> {
        if let Some(r) = &self.request {
            return Some(r.year);
        }
        if let Some(year) = self.budget.as_ref().and_then(|b| b.years.first()) {
            return Some(*year);
        }
        self.amounts_in_millions().first().map(|(year, _)| *year)
    }

    /// The styringsområde shown in overviews: stated on the request, else the expense types.
    pub fn area(&self) -> String {
        if let Some(area) = self.request.as_ref().and_then(|r| r.area.clone()) {
            return area;
        }
        match &self.budget {
            Some(b) => b
                .expense_types()
                .iter()
                .map(|e| e.short())
                .collect::<Vec<_>>()
                .join(", "),
            None => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    // Units convert exactly both ways, with no rounding, so a figure in kr. compares with the
    // same figure in mio. kr.
    #[test]
    fn units_convert_exactly() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        assert_eq!(
            Unit::Kroner.convert(d("1250000"), Unit::Millions),
            d("1.25")
        );
        assert_eq!(
            Unit::Thousands.convert(d("-2800"), Unit::Millions),
            d("-2.8")
        );
        assert_eq!(Unit::Millions.convert(d("0.0005"), Unit::Kroner), d("500"));
        assert_eq!(Unit::Thousands.convert(d("1.333"), Unit::Kroner), d("1333"));
        assert_eq!(Unit::Kroner.convert(d("1"), Unit::Millions), d("0.000001"));
    }

    // A figure in 1.000 kr. agrees with the same figure published in mio. kr. at the precision
    // written there, half away from zero; figures in one unit must be equal.
    #[test]
    fn figures_agree_across_units_at_the_coarser_precision() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        assert!(Unit::Thousands.agrees(d("8100"), Unit::Millions, d("8.1")));
        assert!(Unit::Millions.agrees(d("8.1"), Unit::Thousands, d("8149")));
        assert!(Unit::Thousands.agrees(d("8150"), Unit::Millions, d("8.2")));
        assert!(Unit::Thousands.agrees(d("-8150"), Unit::Millions, d("-8.2")));
        assert!(!Unit::Thousands.agrees(d("8150"), Unit::Millions, d("8.1")));
        assert!(Unit::Thousands.agrees(d("8100"), Unit::Millions, d("8.10")));
        assert!(!Unit::Thousands.agrees(d("8149"), Unit::Millions, d("8.10")));
        assert!(!Unit::Thousands.agrees(d("8100"), Unit::Thousands, d("8101")));
    }
}
