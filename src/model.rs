//! The proposal as written in TOML: serde types that keep every value's span.
//!
//! Nothing here checks or computes; `validate` turns this into a checked proposal.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use toml::Spanned;

/// One budget proposal file (`proposals/*.toml`).
#[derive(Debug, Clone, Deserialize)]
pub struct Proposal {
    /// Short id used across catalogues, e.g. "SU04" or "BI16".
    pub id: Spanned<String>,
    /// Which form (template and required sections) the proposal uses, e.g. "standard".
    pub form: Spanned<String>,
    /// The headline ("Overskrift").
    pub title: Spanned<String>,
    /// Municipality that issues the proposal, e.g. "Københavns Kommune".
    #[serde(default)]
    pub municipality: Option<Spanned<String>>,
    /// The municipality's logo, printed at the top of the first page.
    #[serde(default)]
    pub logo: Option<Spanned<Logo>>,
    /// Committees ("Udvalg") the proposal goes to, in the order printed.
    pub committees: Spanned<Vec<Spanned<String>>>,
    /// Who proposes it ("Forslagsstiller"), e.g. "Administrationen"; required unless the
    /// profile in `budgetnote.toml` names a default.
    #[serde(default)]
    pub proposer: Option<Spanned<String>>,
    /// Date of the proposal or meeting; also pins the PDF's timestamp.
    #[serde(default)]
    pub date: Option<Spanned<toml::value::Datetime>>,
    /// Number of the proposal within its form's series, e.g. "01" in "Skema 2.2.1. 01".
    #[serde(default)]
    pub number: Option<Spanned<String>>,
    /// Budget area ("bevillingsområde") after the committee, e.g. "Forsørgelse, revalidering, og aktivering".
    #[serde(default)]
    pub area: Option<Spanned<String>>,
    /// Address line under the district checkboxes ("Adresse").
    #[serde(default)]
    pub address: Option<Spanned<String>>,
    /// The amounts table of the standard form ("Beløb i 1.000 kr.").
    #[serde(default)]
    pub budget: Option<Spanned<BudgetTable>>,
    /// Ticked options per checkbox group of the form, e.g. `kategorisering = ["Henvist sag"]`.
    #[serde(default)]
    pub checkboxes: Option<Spanned<Ticks>>,
    /// Tables and figures by id, placed in sections with `{ table = "id" }`.
    #[serde(default)]
    pub tables: BTreeMap<String, Spanned<Table>>,
    /// Target group ("målgruppe") of a catalogue proposal, e.g. "Borgere parate til job".
    #[serde(default)]
    pub target_group: Option<Spanned<String>>,
    /// The amount a catalogue proposal asks for.
    #[serde(default)]
    pub request: Option<Spanned<Request>>,
    /// The agreement text ("Forslag til aftaletekst"), with amounts written from a table.
    #[serde(default)]
    pub agreement: Option<Spanned<Agreement>>,
    /// Amounts the text names on purpose that no table of this proposal holds (figures of other
    /// budgets, history), e.g. `["16,4 mio. kr."]`; W003 leaves them alone.
    #[serde(default)]
    pub external_amounts: Vec<Spanned<String>>,
    /// Section bodies by key (e.g. `resume`); the form gives headings and order.
    pub sections: Spanned<BTreeMap<String, Spanned<SectionBody>>>,
    /// Warnings accepted on purpose, by code, with a reason (`W005 = "…"`); read with its spans
    /// by [`crate::acknowledge`].
    #[serde(default)]
    pub acknowledged: Option<toml::Value>,
}

/// A logo image and the alt text a screen reader says for it.
#[derive(Debug, Clone, Deserialize)]
pub struct Logo {
    /// Image file (SVG, PNG or JPEG), relative to the proposal file, inside the project.
    pub file: Spanned<String>,
    /// What the image shows, e.g. "Slagelse Kommunes logo"; required (PDF/UA).
    #[serde(default)]
    pub alt: Option<Spanned<String>>,
}

/// A section's body: Markdown text, or a list of blocks (text, sub-headings, tables).
#[derive(Debug, Clone)]
pub enum SectionBody {
    /// `resume = """…"""`
    Text(String),
    /// `oekonomi = [{ text = "…" }, { table = "tabel2" }]`
    Blocks(Vec<Spanned<Block>>),
}

/// One block of a section: exactly one of the keys is set.
#[derive(Debug, Clone, Deserialize)]
pub struct Block {
    /// Markdown text.
    #[serde(default)]
    pub text: Option<Spanned<String>>,
    /// A sub-heading inside the section.
    #[serde(default)]
    pub heading: Option<Spanned<String>>,
    /// The id of a table under `[tables]`.
    #[serde(default)]
    pub table: Option<Spanned<String>>,
}

/// A table or figure; `kind` decides which keys apply.
#[derive(Debug, Clone, Deserialize)]
pub struct Table {
    /// "ledger" (amounts per year with totals), "text" (free text cells) or "comparison" (two columns).
    pub kind: Spanned<String>,
    /// Caption printed above, e.g. "Tabel 2. Oversigt over …".
    #[serde(default)]
    pub caption: Option<Spanned<String>>,
    /// Ledger: unit of the amounts, "1.000 kr." or "mio. kr.".
    #[serde(default)]
    pub unit: Option<Spanned<String>>,
    /// Ledger: price basis, e.g. "2025 p/l" or "løbende p/l".
    #[serde(default)]
    pub prices: Option<Spanned<String>>,
    /// Ledger: its price basis differs from the proposal's on purpose (e.g. a history in
    /// løbende priser), so W007 leaves it alone.
    #[serde(default)]
    pub own_prices: Option<Spanned<bool>>,
    /// Ledger: header of the label column instead of "<unit>, <prices>" (e.g. "Budgetoverslag").
    #[serde(default)]
    pub label_header: Option<Spanned<String>>,
    /// Ledger: the columns after the label, in print order: a text such as "Udvalg" is a text
    /// column (its values in each row's `values`); a table such as
    /// `{ key = "korrigeret", header = "Korrigeret budget" }` is an amount column, or a computed
    /// one with `sum`, `difference` or `percent`. Year columns from `years` come before the first
    /// amount column.
    #[serde(default)]
    pub columns: Vec<Spanned<Column>>,
    /// Ledger: decimals every figure prints with (0–3); by default as many as the most precise
    /// figure written.
    #[serde(default)]
    pub decimals: Option<Spanned<i64>>,
    /// Ledger: how a zero prints, "0" or "-"; by default as the form says.
    #[serde(default)]
    pub zero: Option<Spanned<String>>,
    /// Ledger: the row keys the rows are grouped by, outermost first, e.g. `["committee", "area"]`;
    /// each group gets a subtotal row.
    #[serde(default)]
    pub group_by: Option<Spanned<Vec<Spanned<String>>>>,
    /// Ledger: label of a group's subtotal row, "{group}" standing for the group's name; by
    /// default "{group} i alt".
    #[serde(default)]
    pub subtotal: Option<Spanned<String>>,
    /// Ledger: subtotals per group name as transcribed (checked against the computed ones).
    #[serde(default)]
    pub stated_subtotals: Option<Spanned<BTreeMap<String, Spanned<YearAmounts>>>>,
    /// Ledger: the total row is the same figure as a row of another ledger, `"table.label"`
    /// (e.g. `"oversigt.Dagtilbud"`); checked in every column both tables have (E065).
    #[serde(default)]
    pub total_same_as: Option<Spanned<String>>,
    /// Ledger: rows read from a spreadsheet kept beside the proposal, at every check and render
    /// (label, text columns, then the figure columns in order), added after the rows written here.
    #[serde(default)]
    pub from: Option<Spanned<SheetRange>>,
    /// Ledger: a bar chart of some of the table's columns, printed below it.
    #[serde(default)]
    pub chart: Option<Spanned<Chart>>,
    /// Ledger: the years, strictly increasing.
    #[serde(default)]
    pub years: Option<Spanned<Vec<Spanned<i64>>>>,
    /// Ledger: header of the row-total column (e.g. "I alt"); no row totals if absent.
    #[serde(default)]
    pub row_total: Option<Spanned<String>>,
    /// Ledger: label of the column-total row (e.g. "Udgifter i alt (netto)"); no total row if absent.
    #[serde(default)]
    pub total: Option<Spanned<String>>,
    /// Ledger: the column totals as transcribed (checked against the computed ones).
    #[serde(default)]
    pub stated_totals: Option<Spanned<YearAmounts>>,
    /// Ledger: the grand total as transcribed (checked).
    #[serde(default)]
    pub stated_grand_total: Option<Spanned<RawAmount>>,
    /// Ledger: how far a stated total may differ from the sum of its rounded parts, in the
    /// table's unit, e.g. "0,1" for a table published in mio. kr. with one decimal. Within it the
    /// stated (published) total is printed.
    #[serde(default)]
    pub rounding: Option<Spanned<RawAmount>>,
    /// Text and comparison tables: the header cells.
    #[serde(default)]
    pub header: Vec<Spanned<String>>,
    /// The rows.
    #[serde(default)]
    pub rows: Vec<Spanned<Row>>,
}

/// A ledger column as declared: a text column (a header alone) or an amount column.
#[derive(Debug, Clone)]
pub enum Column {
    /// `"Udvalg"`: a text column.
    Text(String),
    /// `{ key = "…", header = "…", … }`.
    Spec(Box<ColumnSpec>),
}

/// A declared column of a ledger.
#[derive(Debug, Clone, Deserialize)]
pub struct ColumnSpec {
    /// The key rows use for the column's amounts, e.g. `korrigeret`.
    pub key: Spanned<String>,
    /// Printed header, e.g. "Korrigeret budget"; the key if absent.
    #[serde(default)]
    pub header: Option<Spanned<String>>,
    /// A text column: its values come from each row's `values`.
    #[serde(default)]
    pub text: Option<Spanned<bool>>,
    /// Computed: the sum of these columns.
    #[serde(default)]
    pub sum: Option<Spanned<Vec<Spanned<String>>>>,
    /// Computed: the first column minus the second, e.g. `["forventet", "korrigeret"]`.
    #[serde(default)]
    pub difference: Option<Spanned<Vec<Spanned<String>>>>,
    /// Computed: the first column in per cent of the second, e.g. `["afvigelse", "korrigeret"]`.
    #[serde(default)]
    pub percent: Option<Spanned<Vec<Spanned<String>>>>,
    /// Percent columns: "signed" (a fall is negative) or "unsigned" (the size alone).
    #[serde(default)]
    pub sign: Option<Spanned<String>>,
    /// Decimals of this column's figures (0–3); percent columns default to 1.
    #[serde(default)]
    pub decimals: Option<Spanned<i64>>,
}

/// A range of a spreadsheet (XLSX, ODS or CSV) the figures are read from.
#[derive(Debug, Clone, Deserialize)]
pub struct SheetRange {
    /// The file, relative to the proposal, inside the project, e.g. "drift.xlsx".
    pub file: Spanned<String>,
    /// The sheet of a workbook, e.g. "Drift"; the first sheet if absent (a CSV file has none).
    #[serde(default)]
    pub sheet: Option<Spanned<String>>,
    /// The cells, e.g. "A2:F9" (rows of a table) or "C7:F7" (one row's figures).
    pub range: Spanned<String>,
}

/// A bar chart of a ledger's figures.
#[derive(Debug, Clone, Deserialize)]
pub struct Chart {
    /// The columns (keys or years) drawn as bars; all amount columns if absent.
    #[serde(default)]
    pub columns: Option<Spanned<Vec<Spanned<String>>>>,
    /// Caption printed above the chart, e.g. "Figur 1. Budget og forventet regnskab".
    #[serde(default)]
    pub caption: Option<Spanned<String>>,
}

/// A row of any table kind.
#[derive(Debug, Clone, Deserialize)]
pub struct Row {
    /// Ledger: the row's label (activity, agreement, account name).
    #[serde(default)]
    pub label: Option<Spanned<String>>,
    /// Ledger: account number printed before the label, e.g. "05.73".
    #[serde(default)]
    pub account: Option<Spanned<String>>,
    /// Ledger: the text columns' values.
    #[serde(default)]
    pub values: Vec<Spanned<String>>,
    /// Ledger: amounts per year or column key; a computed column's figure written here is a
    /// stated one, checked against the computed.
    #[serde(default)]
    pub amounts: Option<Spanned<YearAmounts>>,
    /// Ledger: the row total as transcribed (checked).
    #[serde(default)]
    pub stated_total: Option<Spanned<RawAmount>>,
    /// Text tables: a group row spanning all columns instead of cells. Ledgers: the row's free
    /// group label (used by `group_by = ["group"]`).
    #[serde(default)]
    pub group: Option<Spanned<String>>,
    /// Ledger: the committee the row belongs to (used by `group_by = ["committee"]`).
    #[serde(default)]
    pub committee: Option<Spanned<String>>,
    /// Ledger: the area ("bevillingsområde", "politikområde") the row belongs to.
    #[serde(default)]
    pub area: Option<Spanned<String>>,
    /// Ledger: the row's figures read from one row of a spreadsheet (the figure columns in order),
    /// instead of `amounts`.
    #[serde(default)]
    pub from: Option<Spanned<SheetRange>>,
    /// Ledger: the row is the same figure as a row of another ledger, `"table.label"` (the other
    /// table's row, subtotal or total row by its printed label); checked (E065).
    #[serde(default)]
    pub same_as: Option<Spanned<String>>,
    /// Ledger: the row's expense type ("service", "overførsel", …).
    #[serde(default)]
    pub expense: Option<Spanned<String>>,
    /// Text and comparison tables: the cells.
    #[serde(default)]
    pub cells: Vec<Spanned<Cell>>,
}

/// A text cell: Markdown, optionally under an underlined sub-heading.
#[derive(Debug, Clone)]
pub struct Cell {
    /// Underlined sub-heading, e.g. "Organisering i jobcentret:".
    pub heading: Option<String>,
    /// Markdown body.
    pub body: String,
}

/// What a catalogue proposal asks for: one amount, or parts that add up, in one year.
#[derive(Debug, Clone, Deserialize)]
pub struct Request {
    /// Unit of the amounts, "mio. kr." or "1.000 kr.".
    pub unit: Spanned<String>,
    /// The budget year the amount is for.
    pub year: Spanned<i64>,
    /// The amount, if not split into parts.
    #[serde(default)]
    pub amount: Option<Spanned<RawAmount>>,
    /// Parts such as intern and ekstern indsats; the request is their sum.
    #[serde(default)]
    pub parts: Vec<Spanned<RequestPart>>,
    /// An alternative amount the committee may choose instead (not counted).
    #[serde(default)]
    pub alternative: Option<Spanned<RawAmount>>,
    /// Styringsområde, e.g. "Service" or "Overførsler".
    #[serde(default)]
    pub area: Option<Spanned<String>>,
}

/// One part of a request.
#[derive(Debug, Clone, Deserialize)]
pub struct RequestPart {
    /// What the part is for, e.g. "intern indsats".
    pub label: Spanned<String>,
    /// The amount.
    pub amount: Spanned<RawAmount>,
}

/// The agreement text: intro, lead-in, amounts per year from a table's total row, and purpose.
#[derive(Debug, Clone, Deserialize)]
pub struct Agreement {
    /// The opening paragraph(s), Markdown.
    pub intro: Spanned<String>,
    /// The line before the bullet, e.g. "Der afsættes:".
    pub lead: Spanned<String>,
    /// Id of the ledger table whose total row gives the amounts.
    pub amounts_from: Spanned<String>,
    /// Expense type named after each amount, e.g. "service".
    pub expense: Spanned<String>,
    /// What the money is for; ends the bullet.
    pub purpose: Spanned<String>,
}

/// Ticked options per checkbox group key, e.g. `kategorisering = ["Henvist sag"]`.
pub type Ticks = BTreeMap<String, Spanned<Vec<Spanned<String>>>>;

/// Amounts per year, keyed by the year as written (`2024 = -2800`); a missing year is a blank cell.
pub type YearAmounts = BTreeMap<String, Spanned<RawAmount>>;

/// A budget table: years, current budget, change lines, stated totals, staff.
#[derive(Debug, Clone, Deserialize)]
pub struct BudgetTable {
    /// Unit of every amount: "1.000 kr." or "mio. kr.".
    pub unit: Spanned<String>,
    /// Price basis printed in the header, e.g. "2024-priser" or "2025 p/l".
    pub prices: Spanned<String>,
    /// The budget year and the overslagsår (forecast years), strictly increasing.
    pub years: Spanned<Vec<Spanned<i64>>>,
    /// "Nuværende budget": today's budget for the area, per year.
    #[serde(default)]
    pub current: Option<Spanned<YearAmounts>>,
    /// The lines of "Budgetændring – drift".
    #[serde(default)]
    pub lines: Vec<Spanned<BudgetLine>>,
    /// Net change per expense type as transcribed from a spreadsheet; checked, never trusted.
    #[serde(default)]
    pub stated_net: Option<Spanned<BTreeMap<String, Spanned<YearAmounts>>>>,
    /// "Personalekonsekvenser": change in årsværk (full-time equivalents).
    #[serde(default)]
    pub staff: Option<Spanned<Staff>>,
    /// The Udgiftstype as transcribed, e.g. `["service", "overførsel"]`; it is always derived
    /// from the lines, and when stated it must agree with them.
    #[serde(default)]
    pub expense_types: Option<Spanned<Vec<Spanned<String>>>>,
}

/// One line of the change: kind, expense type, committee, amounts per year.
#[derive(Debug, Clone, Deserialize)]
pub struct BudgetLine {
    /// What the line is: "omstilling", "investering-drift", …
    pub kind: Spanned<String>,
    /// Expense type ("udgiftstype"): "service", "overførsel", "anlæg" or "finansiering".
    pub expense: Spanned<String>,
    /// Abbreviation of the committee that holds the budget, e.g. "AMU".
    pub committee: Spanned<String>,
    /// Printed label instead of the one built from kind, expense type and committee.
    #[serde(default)]
    pub label: Option<Spanned<String>>,
    /// Account number in the chart of accounts, e.g. "5.57.73" (checked, not printed).
    #[serde(default)]
    pub account: Option<Spanned<String>>,
    /// Amount per year in the table's unit.
    pub amounts: Spanned<YearAmounts>,
    /// Years in which a saving line holds a one-off investment (a positive amount), exempt from
    /// the sign convention, e.g. `[2024]`.
    #[serde(default)]
    pub one_off_years: Vec<Spanned<i64>>,
}

/// Staff consequences: the stated change in årsværk, optionally split by area.
#[derive(Debug, Clone, Deserialize)]
pub struct Staff {
    /// "Ændring i antal årsværk": the total change per year.
    pub fte: Spanned<YearAmounts>,
    /// The change per area; where given, the areas must add up to `fte`.
    #[serde(default)]
    pub areas: Vec<Spanned<StaffArea>>,
}

/// The change in årsværk for one area (e.g. sagsbehandlere on service).
#[derive(Debug, Clone, Deserialize)]
pub struct StaffArea {
    /// Printed label of the area.
    pub label: Spanned<String>,
    /// Change in årsværk per year.
    pub fte: Spanned<YearAmounts>,
}

impl<'de> Deserialize<'de> for SectionBody {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        /// Accepts a string or an array of block tables.
        struct BodyVisitor;

        impl<'de> Visitor<'de> for BodyVisitor {
            type Value = SectionBody;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a section: Markdown text, or an array of blocks such as [{ text = \"…\" }, { table = \"id\" }]")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<SectionBody, E> {
                Ok(SectionBody::Text(v.to_owned()))
            }

            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<SectionBody, A::Error> {
                let mut blocks = Vec::new();
                while let Some(block) = seq.next_element()? {
                    blocks.push(block);
                }
                Ok(SectionBody::Blocks(blocks))
            }
        }

        deserializer.deserialize_any(BodyVisitor)
    }
}

impl<'de> Deserialize<'de> for Cell {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        /// Accepts a string or a `{ heading, body }` table.
        struct CellVisitor;

        /// The table form of a cell.
        #[derive(Deserialize)]
        struct CellTable {
            /// Underlined sub-heading.
            #[serde(default)]
            heading: Option<String>,
            /// Markdown body.
            #[serde(default)]
            body: String,
        }

        impl<'de> Visitor<'de> for CellVisitor {
            type Value = Cell;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a cell: Markdown text, or { heading = \"…\", body = \"…\" }")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Cell, E> {
                Ok(Cell {
                    heading: None,
                    body: v.to_owned(),
                })
            }

            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Cell, A::Error> {
                let table = CellTable::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Cell {
                    heading: table.heading,
                    body: table.body,
                })
            }
        }

        deserializer.deserialize_any(CellVisitor)
    }
}

/// An amount as written: an integer, a (rejected) float, or a Danish number string.
#[derive(Debug, Clone, PartialEq)]
pub enum RawAmount {
    /// `-2800`
    Integer(i64),
    /// `2.8`: rejected by validation, because floats are not exact.
    Float(f64),
    /// `"2,8"` or `"-2.800"` or `"+4"`.
    Text(String),
}

impl<'de> Deserialize<'de> for RawAmount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        /// Accepts integers, floats and strings; anything else is a type error.
        struct AmountVisitor;

        impl Visitor<'_> for AmountVisitor {
            type Value = RawAmount;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an amount: a whole number such as -2800, or a string such as \"-2,8\"")
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawAmount, E> {
                Ok(RawAmount::Integer(v))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawAmount, E> {
                i64::try_from(v)
                    .map(RawAmount::Integer)
                    .map_err(|_| E::custom("amount is too large"))
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawAmount, E> {
                Ok(RawAmount::Float(v))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawAmount, E> {
                Ok(RawAmount::Text(v.to_owned()))
            }
        }

        deserializer.deserialize_any(AmountVisitor)
    }
}

impl<'de> Deserialize<'de> for Column {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        /// Accepts a header text or a column table.
        struct ColumnVisitor;

        impl<'de> Visitor<'de> for ColumnVisitor {
            type Value = Column;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a column: a text column's header such as \"Udvalg\", or \
                     { key = \"korrigeret\", header = \"Korrigeret budget\" }",
                )
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Column, E> {
                Ok(Column::Text(v.to_owned()))
            }

            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Column, A::Error> {
                ColumnSpec::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|spec| Column::Spec(Box::new(spec)))
            }
        }

        deserializer.deserialize_any(ColumnVisitor)
    }
}
