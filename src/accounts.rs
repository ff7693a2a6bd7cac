//! Account numbers ("kontonumre") checked against the municipal chart of accounts (the
//! autoriserede kontoplan): hovedkonto 5 and 6 are bundled, a project may add functions.
//!
//! A number is written in full, hovedkonto.hovedfunktion.funktion (`5.57.73`, also `05.57.73`),
//! or short, hovedkonto.funktion (`05.73`): a function number is unique within its hovedkonto.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::checked::{AccountRef, CheckedProposal, ExpenseType};
use crate::diagnostic::{Code, Diagnostic};

/// The bundled chart: hovedkonto 5 and 6 with names and usual expense types.
const BUNDLED: &str = include_str!("kontoplan.toml");

/// How many valid accounts an unknown one's help suggests.
const SUGGESTIONS: usize = 3;

/// A function's place in the chart: hovedkonto, hovedfunktion, funktion.
pub type Number = (u8, u8, u8);

/// One function of the chart: its name and the expense type a line on it usually has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    /// Its name, e.g. "Kontant- og uddannelseshjælp".
    pub name: String,
    /// The usual expense type: overførsel for 5.57.73, service for 6.45.51.
    pub usual: ExpenseType,
}

/// A chart entry as written in the bundled file and in `budgetnote.toml` `[accounts]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The function's name.
    pub name: String,
    /// Its usual expense type: "service", "overførsel", "anlæg" or "finansiering".
    pub expense: String,
}

/// The bundled file's layout.
#[derive(Debug, Deserialize)]
struct Bundled {
    /// Hovedkonto number = name.
    hovedkonti: BTreeMap<String, String>,
    /// "5.57" = name.
    hovedfunktioner: BTreeMap<String, String>,
    /// "5.57.73" = entry.
    funktioner: BTreeMap<String, Entry>,
}

/// An account number as written on a line or row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// hovedkonto.hovedfunktion.funktion, e.g. 5.57.73.
    Full(Number),
    /// hovedkonto.funktion, e.g. 05.73 (or a hovedfunktion, e.g. 5.57, when no function has it).
    Short(u8, u8),
}

impl Written {
    /// Reads "5.57.73", "05.57.73", "05.73" or "5.73"; `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        let parts: Vec<&str> = text.trim().split('.').collect();
        let number = |part: &str, width: usize| {
            (!part.is_empty() && part.len() <= width && part.bytes().all(|b| b.is_ascii_digit()))
                .then(|| part.parse::<u8>().ok())
                .flatten()
        };
        let hovedkonto = number(parts.first()?, 2).filter(|h| *h <= 9)?;
        match parts[1..] {
            [hf, f] if hf.len() == 2 && f.len() == 2 => {
                Some(Self::Full((hovedkonto, number(hf, 2)?, number(f, 2)?)))
            }
            [f] if f.len() == 2 => Some(Self::Short(hovedkonto, number(f, 2)?)),
            _ => None,
        }
    }

    /// The hovedkonto the number is in.
    fn hovedkonto(self) -> u8 {
        match self {
            Self::Full((h, _, _)) | Self::Short(h, _) => h,
        }
    }
}

/// The chart of accounts a project checks against.
#[derive(Debug, Clone, Default)]
pub struct Chart {
    /// Hovedkonto number → name.
    hovedkonti: BTreeMap<u8, String>,
    /// (hovedkonto, hovedfunktion) → name.
    hovedfunktioner: BTreeMap<(u8, u8), String>,
    /// Every function.
    functions: BTreeMap<Number, Function>,
}

/// What the chart says of a written number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup<'a> {
    /// A function of the chart.
    Function(Number, &'a Function),
    /// A hovedfunktion of the chart, written short (5.57).
    Hovedfunktion((u8, u8), &'a str),
    /// A hovedkonto the chart does not cover: not checked.
    NotCovered,
    /// Within a covered hovedkonto, but no such function.
    Unknown,
}

impl Chart {
    /// The bundled chart (hovedkonto 5 and 6).
    pub fn bundled() -> &'static Chart {
        static CHART: OnceLock<Chart> = OnceLock::new();
        CHART.get_or_init(|| {
            // The bundled file is part of the program; a unit test keeps it readable.
            let bundled: Bundled = toml::from_str(BUNDLED).unwrap_or_else(|e| {
                unreachable!("src/kontoplan.toml is unreadable: {e}");
            });
            let mut chart = Chart::default();
            for (number, name) in bundled.hovedkonti {
                if let Ok(h) = number.parse() {
                    chart.hovedkonti.insert(h, name);
                }
            }
            for (number, name) in bundled.hovedfunktioner {
                if let Some(Written::Short(h, hf)) = Written::parse(&number) {
                    chart.hovedfunktioner.insert((h, hf), name);
                }
            }
            for (number, entry) in bundled.funktioner {
                if let (Some(Written::Full(n)), Some(usual)) = (
                    Written::parse(&number),
                    ExpenseType::from_key(&entry.expense),
                ) {
                    chart.functions.insert(
                        n,
                        Function {
                            name: entry.name,
                            usual,
                        },
                    );
                }
            }
            chart
        })
    }

    /// Adds (or renames) a function, e.g. from the project's `[accounts]`.
    pub fn insert(&mut self, number: Number, function: Function) {
        self.functions.insert(number, function);
    }

    /// How many functions the chart has.
    pub fn len(&self) -> usize {
        self.functions.len()
    }

    /// Whether the chart has no functions.
    pub fn is_empty(&self) -> bool {
        self.functions.is_empty()
    }

    /// The function a written number names, if any.
    pub fn lookup(&self, written: Written) -> Lookup<'_> {
        let covered = self
            .functions
            .keys()
            .any(|(h, _, _)| *h == written.hovedkonto());
        if !covered {
            return Lookup::NotCovered;
        }
        let found = match written {
            Written::Full(n) => self.functions.get_key_value(&n),
            Written::Short(h, f) => self
                .functions
                .iter()
                .find(|((fh, _, ff), _)| *fh == h && *ff == f),
        };
        match (found, written) {
            (Some((n, function)), _) => Lookup::Function(*n, function),
            (None, Written::Short(h, hf)) => match self.hovedfunktioner.get(&(h, hf)) {
                Some(name) => Lookup::Hovedfunktion((h, hf), name),
                None => Lookup::Unknown,
            },
            (None, Written::Full(_)) => Lookup::Unknown,
        }
    }

    /// The valid functions nearest to a written number: fewest digits to change first, then the
    /// closest function number.
    pub fn nearest(&self, written: Written, n: usize) -> Vec<(Number, &Function)> {
        let (target, number) = match written {
            Written::Full((h, hf, f)) => (format!("{h}{hf:02}{f:02}"), f),
            Written::Short(h, f) => (format!("{h}{f:02}"), f),
        };
        let mut candidates: Vec<(usize, u8, Number, &Function)> = self
            .functions
            .iter()
            .filter(|((h, _, _), _)| *h == written.hovedkonto())
            .map(|(&(h, hf, f), function)| {
                let digits = match written {
                    Written::Full(_) => format!("{h}{hf:02}{f:02}"),
                    Written::Short(..) => format!("{h}{f:02}"),
                };
                (
                    edit_distance(&target, &digits),
                    number.abs_diff(f),
                    (h, hf, f),
                    function,
                )
            })
            .collect();
        candidates.sort_by_key(|(edits, gap, number, _)| (*edits, *gap, *number));
        candidates
            .into_iter()
            .take(n)
            .map(|(_, _, number, function)| (number, function))
            .collect()
    }

    /// The name of a hovedkonto, if the chart has it.
    pub fn hovedkonto_name(&self, h: u8) -> Option<&str> {
        self.hovedkonti.get(&h).map(String::as_str)
    }
}

/// "5.57.73" for a number.
pub fn format(number: Number) -> String {
    let (h, hf, f) = number;
    format!("{h}.{hf:02}.{f:02}")
}

/// Edits between two short ASCII strings (insert, delete, substitute, swap two neighbours):
/// 5.57.37 is one edit from 5.57.73.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

/// The account diagnostics of one proposal.
pub fn diagnostics(chart: &Chart, proposal: &CheckedProposal, source: &str) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let at = |account: &AccountRef| Some(number_span(source, account));
    for line in proposal.budget.iter().flat_map(|b| &b.lines) {
        let Some(account) = &line.account else {
            continue;
        };
        if let Some((number, function)) = resolve(chart, account, at(account), &mut found)
            && function.usual != line.expense
        {
            found.push(
                Diagnostic::new(
                    Code::W008,
                    format!(
                        "account {} {} is usually {}, but the line's expense is {}",
                        format(number),
                        function.name,
                        function.usual.key(),
                        line.expense.key()
                    ),
                    at(account),
                )
                .with_label(format!("usually {}", function.usual.key()))
                .with_help(format!(
                    "if the account is right, write expense = \"{}\"; if the line really is {}, \
                     check the account number",
                    function.usual.key(),
                    line.expense.key()
                )),
            );
        }
    }
    for account in proposal
        .ledgers()
        .flat_map(|l| l.rows())
        .filter_map(|r| r.account.as_ref())
    {
        resolve(chart, account, at(account), &mut found);
    }
    found
}

/// The span of the number itself inside its TOML string; the whole string when the source
/// spells it differently (escapes).
fn number_span(source: &str, account: &AccountRef) -> Range<usize> {
    source
        .get(account.span.clone())
        .and_then(|token| token.find(account.text.as_str()))
        .filter(|_| !account.text.is_empty())
        .map(|at| {
            let start = account.span.start + at;
            start..start + account.text.len()
        })
        .unwrap_or_else(|| account.span.clone())
}

/// The chart function a written account names; E042 into `found` when it names none.
fn resolve<'c>(
    chart: &'c Chart,
    account: &AccountRef,
    span: Option<Range<usize>>,
    found: &mut Vec<Diagnostic>,
) -> Option<(Number, &'c Function)> {
    let Some(written) = Written::parse(&account.text) else {
        found.push(
            Diagnostic::new(
                Code::E042,
                format!("\"{}\" is not an account number", account.text),
                span,
            )
            .with_label("not an account number")
            .with_help(
                "write hovedkonto.hovedfunktion.funktion, e.g. \"5.57.73\", or the short \
                 hovedkonto.funktion, e.g. \"05.73\"",
            ),
        );
        return None;
    };
    match chart.lookup(written) {
        Lookup::Function(number, function) => Some((number, function)),
        Lookup::Hovedfunktion(..) | Lookup::NotCovered => None,
        Lookup::Unknown => {
            let nearest: Vec<String> = chart
                .nearest(written, SUGGESTIONS)
                .into_iter()
                .map(|(number, function)| format!("{} {}", format(number), function.name))
                .collect();
            let hovedkonto = written.hovedkonto();
            let within = chart
                .hovedkonto_name(hovedkonto)
                .map(|name| format!(" (hovedkonto {hovedkonto} {name})"))
                .unwrap_or_default();
            found.push(
                Diagnostic::new(
                    Code::E042,
                    format!(
                        "account {} is not in the chart of accounts{within}",
                        account.text
                    ),
                    span,
                )
                .with_label("unknown account")
                .with_help(format!(
                    "the nearest valid accounts are {}; a function of a newer kontoplan is added \
                     under [accounts] in {}",
                    nearest.join(", "),
                    crate::files::SETTINGS_FILE
                )),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The bundled chart reads in full: every function's number and expense type is valid.
    #[test]
    fn bundled_chart_reads_whole() {
        let bundled: Bundled = toml::from_str(BUNDLED).unwrap();
        assert_eq!(Chart::bundled().len(), bundled.funktioner.len());
        assert_eq!(
            bundled.hovedfunktioner.len(),
            Chart::bundled().hovedfunktioner.len()
        );
        for (number, (h, hf, _)) in bundled
            .funktioner
            .keys()
            .zip(Chart::bundled().functions.keys())
        {
            assert!(
                Chart::bundled().hovedfunktioner.contains_key(&(*h, *hf)),
                "{number}"
            );
        }
    }

    // Full and short forms read; anything else does not.
    #[test]
    fn parses_written_forms() {
        assert_eq!(Written::parse("5.57.73"), Some(Written::Full((5, 57, 73))));
        assert_eq!(
            Written::parse(" 05.57.73 "),
            Some(Written::Full((5, 57, 73)))
        );
        assert_eq!(Written::parse("05.73"), Some(Written::Short(5, 73)));
        for bad in [
            "",
            "5",
            "5.5.73",
            "5.57.7",
            "x.57.73",
            "5.57.73.1",
            "10.57.73",
            "5-57-73",
        ] {
            assert_eq!(Written::parse(bad), None, "{bad:?}");
        }
    }

    // The short form finds the function by its number within the hovedkonto.
    #[test]
    fn short_form_finds_the_function() {
        let chart = Chart::bundled();
        match chart.lookup(Written::Short(5, 73)) {
            Lookup::Function(number, f) => {
                assert_eq!(number, (5, 57, 73));
                assert_eq!(f.usual, ExpenseType::Overforsel);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            chart.lookup(Written::Short(5, 57)),
            Lookup::Hovedfunktion(..)
        ));
        assert_eq!(chart.lookup(Written::Full((3, 22, 1))), Lookup::NotCovered);
        assert_eq!(chart.lookup(Written::Full((5, 57, 70))), Lookup::Unknown);
    }

    // Suggestions prefer one changed digit, then the nearest function number.
    #[test]
    fn nearest_prefers_small_edits() {
        let chart = Chart::bundled();
        let near: Vec<Number> = chart
            .nearest(Written::Full((5, 75, 73)), 3)
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(near[0], (5, 57, 73));
        let near: Vec<Number> = chart
            .nearest(Written::Full((6, 45, 59)), 2)
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(near, vec![(6, 45, 58), (6, 45, 57)]);
        let near = chart.nearest(Written::Full((5, 57, 37)), 1);
        assert_eq!(near[0].0, (5, 57, 73), "two digits swapped is one edit");
    }

    // Edits count a swap of neighbours as one.
    #[test]
    fn edit_distance_counts_swaps_once() {
        assert_eq!(edit_distance("55737", "55773"), 1);
        assert_eq!(edit_distance("55773", "55773"), 0);
        assert_eq!(edit_distance("573", "5773"), 1);
        assert_eq!(edit_distance("64559", "64558"), 1);
    }
}
