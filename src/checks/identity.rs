//! Identity checks: one price basis per proposal (W007), read from the checked proposal, and
//! proposal ids unique across the files of one run (E040), read from each file's top-level `id`
//! before the files are checked.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};

use crate::checked::CheckedProposal;
use crate::diagnostic::{Code, Diagnostic};

/// A table that states amounts: what it is called, its price basis (with span), its own span.
type Declared<'a> = (String, Option<(&'a str, Range<usize>)>, Range<usize>);

/// W007 where a table's price basis differs from the proposal's first one, or a ledger has none
/// while others have one; tables with `own_prices = true` are exempt. Every ledger under
/// `[tables]` counts, placed or not.
pub fn check_prices(p: &CheckedProposal) -> Vec<Diagnostic> {
    let mut declared: Vec<Declared<'_>> = Vec::new();
    if let Some(b) = &p.budget {
        declared.push((
            "the budget table".into(),
            Some((b.prices.as_str(), b.prices_span.clone())),
            b.span.clone(),
        ));
    }
    for l in p.written_ledgers.iter().filter(|l| !l.source.own_prices) {
        declared.push((
            format!("table \"{}\"", l.id),
            l.prices.as_deref().zip(l.source.prices.clone()),
            l.source.span.clone(),
        ));
    }
    declared.sort_by_key(|(_, _, span)| span.start);
    let Some((first_what, (basis, _))) = declared
        .iter()
        .find_map(|(what, prices, _)| prices.clone().map(|p| (what.clone(), p)))
    else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for (what, prices, span) in &declared {
        match prices {
            Some((other, at)) if other.trim() != basis.trim() => found.push(
                Diagnostic::new(
                    Code::W007,
                    format!("{what} is in {other}, but {first_what} is in {basis}"),
                    Some(at.clone()),
                )
                .with_label("another price basis")
                .with_help(format!(
                    "state every table in {basis}, or add `own_prices = true` to {what} if it \
                     differs on purpose (e.g. a history in løbende priser)"
                )),
            ),
            None => found.push(
                Diagnostic::new(
                    Code::W007,
                    format!("{what} has no price basis, but {first_what} is in {basis}"),
                    Some(span.start..span.start),
                )
                .with_label("no `prices`")
                .with_help(format!("add prices = \"{basis}\" to {what}")),
            ),
            _ => {}
        }
    }
    found
}

/// A string value of a table with its span.
fn string(table: &DeTable<'_>, key: &str) -> Option<(String, Range<usize>)> {
    let value = table.get(key)?;
    match value.get_ref() {
        DeValue::String(text) => Some((text.to_string(), value.span())),
        _ => None,
    }
}

/// E040 for every proposal whose id an earlier file of the run already uses, by file.
pub fn duplicate_ids(files: &[(PathBuf, String)]) -> HashMap<PathBuf, Diagnostic> {
    let mut first: HashMap<String, &Path> = HashMap::new();
    let mut found = HashMap::new();
    for ((path, _), id) in files.iter().zip(top_level_ids(files)) {
        let Some((id, span)) = id else {
            continue;
        };
        match first.get(&id) {
            Some(earlier) => {
                let diagnostic = Diagnostic::new(
                    Code::E040,
                    format!("proposal id \"{id}\" is also used by {}", earlier.display()),
                    Some(span),
                )
                .with_label("same id as another file")
                .with_help(
                    "give each proposal its own id; ids name proposals in catalogues and PDFs",
                );
                found.insert(path.clone(), diagnostic);
            }
            None => {
                first.insert(id, path);
            }
        }
    }
    found
}

/// The top-level id of each file, parsed on every core (parsing is most of the time of a render
/// that typesets nothing).
fn top_level_ids(files: &[(PathBuf, String)]) -> Vec<Option<(String, Range<usize>)>> {
    let workers = std::thread::available_parallelism().map_or(1, usize::from);
    let chunk = files.len().div_ceil(workers).max(1);
    std::thread::scope(|scope| {
        let parts: Vec<_> = files
            .chunks(chunk)
            .map(|part| {
                scope.spawn(|| {
                    part.iter()
                        .map(|(_, source)| top_level_id(source))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        parts
            .into_iter()
            .flat_map(|part| {
                // A panic while parsing one chunk leaves its files without a known id.
                part.join().unwrap_or_else(|_| vec![None; chunk])
            })
            .take(files.len())
            .collect()
    })
}

/// The top-level `id = "…"` of a proposal and its span (catalogues have none).
fn top_level_id(source: &str) -> Option<(String, Range<usize>)> {
    let table = DeTable::parse(source).ok()?;
    let (id, span) = string(table.get_ref(), "id")?;
    Some((id.trim().to_owned(), span))
}
