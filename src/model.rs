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
    /// Committees ("Udvalg") the proposal goes to, in the order printed.
    pub committees: Spanned<Vec<Spanned<String>>>,
    /// Who proposes it ("Forslagsstiller"), e.g. "Administrationen".
    pub proposer: Spanned<String>,
    /// Date of the proposal or meeting; also pins the PDF's timestamp.
    #[serde(default)]
    pub date: Option<Spanned<toml::value::Datetime>>,
    /// The amounts table ("Beløb i 1.000 kr.").
    pub budget: Spanned<BudgetTable>,
    /// Section bodies by key (e.g. `resume`), as Markdown; the form gives headings and order.
    pub sections: Spanned<BTreeMap<String, Spanned<String>>>,
}

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
    /// Amount per year in the table's unit.
    pub amounts: Spanned<YearAmounts>,
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
                f.write_str("an amount: an integer such as -2800 or a string such as \"2,8\"")
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
