//! What changed between two versions of a project's proposals: the proposals at both sides are
//! checked with the library (as `check` does) and compared figure by figure, total by total,
//! checkbox by checkbox, heading by heading, and section text word by word.
//!
//! Each side is read entirely from its own source ([`crate::sources`]): a git revision's
//! proposals with that revision's spreadsheets, logos, forms and profile (or the working tree's
//! forms and profile, `--forms-from-worktree`). Proposals are paired by id, so a renamed file is
//! followed; a file whose id cannot be read is paired by path. A proposal with errors at either
//! side is reported with its diagnostics summarised, and the figures that could be read (typed or
//! from a spreadsheet, per table and row label) are still compared.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use serde::Serialize;

use crate::checked::{Block, CheckedProposal, Table, Unit};
use crate::number::format_amount;

/// One side of the comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Side {
    /// The revision as named ("HEAD", "main", "HEAD~1"), or "working tree".
    pub revision: String,
    /// Its short commit id; `null` for the working tree.
    pub commit: Option<String>,
}

impl Side {
    /// How the side is printed: "HEAD (3f2a9c1)" or "working tree".
    pub fn label(&self) -> String {
        match &self.commit {
            Some(commit) if *commit != self.revision => format!("{} ({commit})", self.revision),
            _ => self.revision.clone(),
        }
    }
}

/// Where both sides' forms, templates and profile (`budgetnote.toml`) were read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Forms {
    /// Each side's own (the default).
    #[serde(rename = "each side")]
    EachSide,
    /// The working tree's, for both sides (`--forms-from-worktree`).
    #[serde(rename = "working tree")]
    WorkingTree,
}

impl Forms {
    /// The header's line saying where the forms came from.
    fn line(self) -> &'static str {
        match self {
            Forms::EachSide => "forms and profile: each side's own",
            Forms::WorkingTree => "forms and profile: the working tree's (--forms-from-worktree)",
        }
    }

    /// The same in Danish, for the Markdown comment.
    fn line_da(self) -> &'static str {
        match self {
            Forms::EachSide => "skemaer og profil: hver sides egne",
            Forms::WorkingTree => "skemaer og profil: arbejdskopiens (--forms-from-worktree)",
        }
    }
}

/// The whole comparison.
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    /// The old side.
    pub from: Side,
    /// The new side.
    pub to: Side,
    /// Where both sides' forms and profile were read from.
    pub forms: Forms,
    /// The proposals that differ, ordered by id.
    pub proposals: Vec<ProposalDiff>,
}

/// How a proposal differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Only on the new side.
    Added,
    /// Only on the old side.
    Removed,
    /// On both sides, with differences (or a new path).
    Changed,
}

/// The errors of a proposal at one side, summarised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Errors {
    /// Number of errors.
    pub count: usize,
    /// The first errors, "E014 12:5 message".
    pub first: Vec<String>,
}

/// A proposal's errors at either side (then only the figures as read are compared).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SideErrors {
    /// Errors at the old side.
    pub from: Option<Errors>,
    /// Errors at the new side.
    pub to: Option<Errors>,
}

/// A changed simple field (title, committees, proposer, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    /// The TOML key, e.g. "title".
    pub field: String,
    /// The old value (`null` when absent).
    pub old: Option<String>,
    /// The new value (`null` when absent).
    pub new: Option<String>,
}

/// A changed heading: a section's heading or a sub-heading inside a section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeadingChange {
    /// The section's key, e.g. "resume".
    pub section: String,
    /// The old heading (`null`: added).
    pub old: Option<String>,
    /// The new heading (`null`: removed).
    pub new: Option<String>,
}

/// A checkbox ticked or unticked (or an option that appeared or went away).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckboxChange {
    /// The group's key, e.g. "kategorisering".
    pub group: String,
    /// The group's printed title.
    pub title: String,
    /// The option.
    pub option: String,
    /// Ticked before (`null`: the option did not exist).
    pub old: Option<bool>,
    /// Ticked now (`null`: the option no longer exists).
    pub new: Option<bool>,
}

/// A changed figure or total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FigureChange {
    /// The table's id under `[tables]`, "budget" for the amounts table, "request" for a
    /// catalogue proposal's request.
    pub table: String,
    /// The table's caption, if it has one.
    pub caption: Option<String>,
    /// The row's printed label (a row, subtotal or total row).
    pub line: String,
    /// The column: a year ("2026") or a declared column's header.
    pub column: String,
    /// The unit of `old`, `new` and `difference`: the table's unit at the new side ("1.000 kr."),
    /// "%" for percentages, "årsværk" for staff.
    pub unit: String,
    /// The old figure, converted exactly to `unit` (`null`: blank or absent).
    #[serde(with = "rust_decimal::serde::str_option")]
    pub old: Option<Decimal>,
    /// The new figure (`null`: blank or absent).
    #[serde(with = "rust_decimal::serde::str_option")]
    pub new: Option<Decimal>,
    /// `new − old`, when both are figures.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub difference: Option<Decimal>,
}

/// One run of a word diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Words {
    /// "equal", "delete" or "insert".
    pub op: &'static str,
    /// The words, with the spaces between them.
    pub text: String,
}

/// A section whose text changed, as a word diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TextChange {
    /// The section's key ("agreement" for the agreement text).
    pub section: String,
    /// The section's heading at the new side (else the old), if it has one.
    pub heading: Option<String>,
    /// The word diff, in order; the equal runs are whole.
    pub words: Vec<Words>,
}

/// What changed in one proposal.
#[derive(Debug, Clone, Serialize)]
pub struct ProposalDiff {
    /// The proposal's id (the file name when the id cannot be read).
    pub id: String,
    /// Its title at the new side (else the old).
    pub title: Option<String>,
    /// Added, removed or changed.
    pub status: Status,
    /// Its file, from the project root, at the new side (the old one for a removed proposal).
    pub path: String,
    /// Its file at the old side, when it was renamed.
    pub renamed_from: Option<String>,
    /// Errors at either side; then only the figures as read (typed or from a spreadsheet) are
    /// compared, as `figures`.
    pub errors: SideErrors,
    /// Changed fields (title, committees, proposer, …).
    pub fields: Vec<FieldChange>,
    /// Changed figures as written (and rows added or removed).
    pub figures: Vec<FigureChange>,
    /// Changed computed totals: total rows, subtotals, computed columns, nets, the request.
    pub totals: Vec<FigureChange>,
    /// Checkboxes ticked or unticked.
    pub checkboxes: Vec<CheckboxChange>,
    /// Changed headings.
    pub headings: Vec<HeadingChange>,
    /// Sections whose text changed.
    pub texts: Vec<TextChange>,
}

impl ProposalDiff {
    /// Whether nothing but the file's bytes changed (nothing the PDF shows); the same errors at
    /// both sides are no change.
    fn is_empty(&self) -> bool {
        self.renamed_from.is_none()
            && self.errors.from == self.errors.to
            && self.fields.is_empty()
            && self.figures.is_empty()
            && self.totals.is_empty()
            && self.checkboxes.is_empty()
            && self.headings.is_empty()
            && self.texts.is_empty()
    }

    /// Whether the proposal has errors at either side.
    pub fn has_errors(&self) -> bool {
        self.errors.from.is_some() || self.errors.to.is_some()
    }
}

/// A proposal file at one side, checked.
pub struct Version {
    /// Its path from the project root.
    pub path: PathBuf,
    /// Its id as written (read even when the proposal has errors), if any.
    pub id: Option<String>,
    /// The checked proposal, or the errors that kept it from being checked.
    pub checked: Result<CheckedProposal, Errors>,
    /// The figures as read (typed or from a spreadsheet), before validation; `None` when the
    /// text could not be parsed.
    read: Option<Vec<Figure>>,
}

/// A file that is not UTF-8 text, as a version with that error.
pub fn not_text(path: &Path) -> Version {
    Version {
        path: path.to_owned(),
        id: None,
        checked: Err(Errors {
            count: 1,
            first: vec!["E001 the file is not UTF-8 text".into()],
        }),
        read: None,
    }
}

/// How many errors a summary lists.
const SUMMARY: usize = 3;

impl Version {
    /// Checks a proposal's source as `check` does (with the project's forms and profile); `path`
    /// is the file's path from the project root.
    pub fn check(project: &crate::project::Project, path: &Path, source: String) -> Self {
        let id = read_id(&source);
        let (checked, model) = project.check_source_and_model(&project.root.join(path), source);
        let mut version = Self::new(path, id, checked);
        version.read = model.as_ref().map(read_figures);
        version
    }

    /// A version from a file's check: the proposal, or its errors summarised.
    pub fn new(path: &Path, id: Option<String>, checked: crate::document::Checked) -> Self {
        let checked = match checked.proposal {
            Some(p) => Ok(p),
            None => {
                let report = &checked.report;
                let errors: Vec<String> = report
                    .shown()
                    .filter(|d| d.severity() == crate::diagnostic::Severity::Error)
                    .map(|d| {
                        let at = d.span.as_ref().map(|s| {
                            let (line, col) = crate::diagnostic::line_col(&report.source, s.start);
                            format!(" {line}:{col}")
                        });
                        format!(
                            "{}{} {}",
                            d.code.as_str(),
                            at.unwrap_or_default(),
                            d.message
                        )
                    })
                    .collect();
                Err(Errors {
                    count: errors.len(),
                    first: errors.into_iter().take(SUMMARY).collect(),
                })
            }
        };
        Self {
            path: path.to_owned(),
            id,
            checked,
            read: None,
        }
    }

    /// The key a proposal is paired by: its id, else its path.
    fn key(&self) -> String {
        self.id
            .clone()
            .unwrap_or_else(|| format!("file:{}", self.path.display()))
    }
}

/// The `id` a proposal's text declares, read even when the proposal has errors.
pub fn read_id(source: &str) -> Option<String> {
    toml::from_str::<toml::Table>(source)
        .ok()
        .and_then(|t| t.get("id").and_then(|v| v.as_str()).map(str::to_owned))
}

/// A path as printed and in JSON: with `/` between folders, bytes that are not UTF-8 as `\xNN`.
fn shown(path: &Path) -> String {
    crate::document::escaped_name(path)
}

/// Compares the proposals of two sides; proposals are paired by id (a renamed file is followed),
/// else by path.
pub fn compare(from: Side, to: Side, old: Vec<Version>, new: Vec<Version>) -> Diff {
    let mut olds: BTreeMap<String, Version> = BTreeMap::new();
    for v in old {
        olds.entry(v.key()).or_insert(v);
    }
    let mut news: BTreeMap<String, Version> = BTreeMap::new();
    for v in new {
        news.entry(v.key()).or_insert(v);
    }
    let keys: BTreeSet<String> = olds.keys().chain(news.keys()).cloned().collect();
    let proposals = keys
        .into_iter()
        .filter_map(|key| {
            let d = proposal(&key, olds.get(&key), news.get(&key))?;
            (!d.is_empty() || d.status != Status::Changed).then_some(d)
        })
        .collect();
    Diff {
        from,
        to,
        forms: Forms::EachSide,
        proposals,
    }
}

impl Diff {
    /// The comparison, saying where both sides' forms and profile were read from.
    pub fn with_forms(mut self, forms: Forms) -> Self {
        self.forms = forms;
        self
    }
}

/// The difference of one proposal between its old and new version.
fn proposal(key: &str, old: Option<&Version>, new: Option<&Version>) -> Option<ProposalDiff> {
    let either = new.or(old)?;
    let status = match (old, new) {
        (None, Some(_)) => Status::Added,
        (Some(_), None) => Status::Removed,
        _ => Status::Changed,
    };
    let title =
        |v: Option<&Version>| v.and_then(|v| v.checked.as_ref().ok().map(|p| p.title.clone()));
    let mut d = ProposalDiff {
        id: either
            .id
            .clone()
            .unwrap_or_else(|| key.trim_start_matches("file:").to_owned()),
        title: title(new).or_else(|| title(old)),
        status,
        path: shown(&either.path),
        renamed_from: match (old, new) {
            (Some(o), Some(n)) if o.path != n.path => Some(shown(&o.path)),
            _ => None,
        },
        errors: SideErrors {
            from: old.and_then(|v| v.checked.as_ref().err().cloned()),
            to: new.and_then(|v| v.checked.as_ref().err().cloned()),
        },
        fields: Vec::new(),
        figures: Vec::new(),
        totals: Vec::new(),
        checkboxes: Vec::new(),
        headings: Vec::new(),
        texts: Vec::new(),
    };
    if let (Some(Ok(a)), Some(Ok(b))) = (
        old.map(|v| v.checked.as_ref()),
        new.map(|v| v.checked.as_ref()),
    ) {
        d.fields = fields(a, b);
        let (figures, totals) = figures(a, b);
        d.figures = figures;
        d.totals = totals;
        d.checkboxes = checkboxes(a, b);
        d.headings = headings(a, b);
        d.texts = texts(a, b);
    } else if let (Some(Some(a)), Some(Some(b))) =
        (old.map(|v| v.read.as_ref()), new.map(|v| v.read.as_ref()))
    {
        // A side with errors has no checked figures: the figures as read are compared instead
        // (totals are not computed from a proposal with errors).
        d.figures = changes(a.clone(), b.clone()).0;
    }
    Some(d)
}

/// The simple fields of a proposal, by key.
fn field_values(p: &CheckedProposal) -> Vec<(&'static str, Option<String>)> {
    vec![
        ("form", Some(p.form.name.clone())),
        ("title", Some(p.title.clone())),
        ("municipality", p.municipality.clone()),
        ("committees", Some(p.committees.join(", "))),
        ("proposer", Some(p.proposer.clone())),
        (
            "date",
            p.date.map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        ),
        ("number", p.number.clone()),
        ("area", p.area.clone()),
        ("address", p.address.clone()),
        ("target_group", p.target_group.clone()),
    ]
}

/// Changed simple fields.
fn fields(a: &CheckedProposal, b: &CheckedProposal) -> Vec<FieldChange> {
    field_values(a)
        .into_iter()
        .zip(field_values(b))
        .filter(|((_, x), (_, y))| x != y)
        .map(|((field, old), (_, new))| FieldChange {
            field: field.to_owned(),
            old,
            new,
        })
        .collect()
}

/// One figure of a table, for comparison: (table, line, column) → value.
#[derive(Debug, Clone)]
struct Figure {
    /// The table's id.
    table: String,
    /// The table's caption.
    caption: Option<String>,
    /// The row's label.
    line: String,
    /// The column's name.
    column: String,
    /// The table's unit (`None` for percentages and staff, which do not convert).
    unit: Option<Unit>,
    /// The unit's label as printed.
    unit_label: String,
    /// The figure.
    value: Decimal,
    /// Whether it is computed (a total) rather than written.
    total: bool,
}

/// Every figure a proposal prints, in print order, as the one figures walk gives them (the
/// same labels as the PDF, the web page and the spreadsheets); totals are computed rows and
/// computed columns.
fn all_figures(p: &CheckedProposal) -> Vec<Figure> {
    let tables = crate::figures::proposal(p);
    crate::figures::figures(&tables)
        .map(|f| Figure {
            table: f.table.id.clone(),
            caption: f.table.caption.clone(),
            line: f.line.label.clone(),
            column: f.column.header.clone(),
            unit: f.cell.measure.unit(),
            unit_label: f.cell.measure.label().to_owned(),
            value: f.cell.value,
            total: f.is_computed(),
        })
        .collect()
}

/// The figures of a parsed proposal as read, typed or from a spreadsheet, before validation:
/// the amounts table's lines, each ledger's labelled rows (by column key) and the request's
/// parts. A figure that cannot be read as an amount is left out.
fn read_figures(p: &crate::model::Proposal) -> Vec<Figure> {
    use crate::figures::{
        ALTERNATIVE, BUDGET_TABLE, CURRENT, REQUEST, REQUEST_TABLE, REQUEST_TOTAL,
    };
    use crate::model::{RawAmount, YearAmounts};
    let value = |raw: &toml::Spanned<RawAmount>| crate::number::read_amount(raw.get_ref()).ok();
    let unit_of = |written: Option<&str>| Unit::from_key(written.unwrap_or("1.000 kr."));
    let mut out = Vec::new();
    let mut push = |table: &str,
                    caption: Option<String>,
                    line: &str,
                    unit: Option<Unit>,
                    amounts: &YearAmounts| {
        for (column, raw) in amounts {
            if let Some(value) = value(raw) {
                out.push(Figure {
                    table: table.to_owned(),
                    caption: caption.clone(),
                    line: line.to_owned(),
                    column: column.clone(),
                    unit,
                    unit_label: unit.map_or("", Unit::label).to_owned(),
                    value,
                    total: false,
                });
            }
        }
    };
    if let Some(b) = &p.budget {
        let b = b.get_ref();
        let unit = unit_of(Some(b.unit.get_ref()));
        if let Some(current) = &b.current {
            push(BUDGET_TABLE, None, CURRENT, unit, current.get_ref());
        }
        for line in &b.lines {
            let line = line.get_ref();
            let label = line
                .label
                .as_ref()
                .map_or_else(|| line.kind.get_ref().clone(), |l| l.get_ref().clone());
            push(BUDGET_TABLE, None, &label, unit, line.amounts.get_ref());
        }
    }
    for (id, table) in &p.tables {
        let table = table.get_ref();
        if table.kind.get_ref().trim() != "ledger" {
            continue;
        }
        let unit = unit_of(table.unit.as_ref().map(|u| u.get_ref().as_str()));
        let caption = table.caption.as_ref().map(|c| c.get_ref().clone());
        for row in &table.rows {
            let row = row.get_ref();
            if let (Some(label), Some(amounts)) = (&row.label, &row.amounts) {
                push(
                    id,
                    caption.clone(),
                    label.get_ref().trim(),
                    unit,
                    amounts.get_ref(),
                );
            }
        }
    }
    if let Some(r) = &p.request {
        let r = r.get_ref();
        let unit = unit_of(Some(r.unit.get_ref()));
        let mut amounts = YearAmounts::new();
        let year = r.year.get_ref().to_string();
        for part in &r.parts {
            let part = part.get_ref();
            amounts.clear();
            amounts.insert(year.clone(), part.amount.clone());
            push(REQUEST_TABLE, None, part.label.get_ref(), unit, &amounts);
        }
        // Labelled as the figures walk prints them: the unsplit amount is the request itself.
        let whole = if r.parts.is_empty() {
            REQUEST
        } else {
            REQUEST_TOTAL
        };
        for (label, amount) in [(ALTERNATIVE, &r.alternative), (whole, &r.amount)] {
            if let Some(amount) = amount {
                amounts.clear();
                amounts.insert(year.clone(), amount.clone());
                push(REQUEST_TABLE, None, label, unit, &amounts);
            }
        }
    }
    out
}

/// Changed figures and changed totals, the old figures converted exactly to the new unit.
fn figures(a: &CheckedProposal, b: &CheckedProposal) -> (Vec<FigureChange>, Vec<FigureChange>) {
    changes(all_figures(a), all_figures(b))
}

/// Changed figures and changed totals between two lists of figures, the old figures converted
/// exactly to the new unit.
fn changes(old: Vec<Figure>, new: Vec<Figure>) -> (Vec<FigureChange>, Vec<FigureChange>) {
    type Key = (String, String, String);
    let key = |f: &Figure| (f.table.clone(), f.line.clone(), f.column.clone());
    let old_by: BTreeMap<Key, &Figure> = old.iter().map(|f| (key(f), f)).collect();
    let new_keys: BTreeSet<Key> = new.iter().map(key).collect();
    let mut changes: Vec<(bool, FigureChange)> = Vec::new();
    // New figures in print order, then those that went away, in their old order.
    for f in &new {
        let before = old_by.get(&key(f));
        let old_value = before.map(|o| match (o.unit, f.unit) {
            (Some(from), Some(to)) => from.convert(o.value, to),
            _ => o.value,
        });
        if old_value == Some(f.value) {
            continue;
        }
        changes.push((
            f.total,
            FigureChange {
                table: f.table.clone(),
                caption: f.caption.clone(),
                line: f.line.clone(),
                column: f.column.clone(),
                unit: f.unit_label.clone(),
                old: old_value,
                new: Some(f.value),
                difference: old_value.map(|o| f.value - o),
            },
        ));
    }
    for o in old.iter().filter(|o| !new_keys.contains(&key(o))) {
        changes.push((
            o.total,
            FigureChange {
                table: o.table.clone(),
                caption: o.caption.clone(),
                line: o.line.clone(),
                column: o.column.clone(),
                unit: o.unit_label.clone(),
                old: Some(o.value),
                new: None,
                difference: None,
            },
        ));
    }
    let (totals, figures): (Vec<_>, Vec<_>) = changes.into_iter().partition(|(t, _)| *t);
    (
        figures.into_iter().map(|(_, c)| c).collect(),
        totals.into_iter().map(|(_, c)| c).collect(),
    )
}

/// Checkboxes ticked or unticked, and options that came or went.
fn checkboxes(a: &CheckedProposal, b: &CheckedProposal) -> Vec<CheckboxChange> {
    let ticks = |p: &CheckedProposal| -> BTreeMap<(String, String), (String, bool)> {
        p.checkboxes
            .iter()
            .flat_map(|g| {
                g.options
                    .iter()
                    .map(|(o, t)| ((g.key.clone(), o.clone()), (g.title.clone(), *t)))
            })
            .collect()
    };
    let (old, new) = (ticks(a), ticks(b));
    let mut changes = Vec::new();
    // In the new side's print order, then the options that went away.
    let order = |p: &CheckedProposal| -> Vec<(String, String)> {
        p.checkboxes
            .iter()
            .flat_map(|g| g.options.iter().map(|(o, _)| (g.key.clone(), o.clone())))
            .collect()
    };
    let mut keys = order(b);
    keys.extend(order(a).into_iter().filter(|k| !new.contains_key(k)));
    for k in keys {
        let (o, n) = (old.get(&k), new.get(&k));
        if o.map(|x| x.1) != n.map(|x| x.1) {
            let title = n.or(o).map(|x| x.0.clone()).unwrap_or_default();
            changes.push(CheckboxChange {
                group: k.0.clone(),
                title,
                option: k.1.clone(),
                old: o.map(|x| x.1),
                new: n.map(|x| x.1),
            });
        }
    }
    changes
}

/// Changed section headings and sub-headings.
fn headings(a: &CheckedProposal, b: &CheckedProposal) -> Vec<HeadingChange> {
    let mut changes = Vec::new();
    let subs = |s: &crate::checked::Section| -> Vec<String> {
        s.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading(h) => Some(h.clone()),
                _ => None,
            })
            .collect()
    };
    for s in &b.sections {
        let before = a.sections.iter().find(|o| o.key == s.key);
        if let Some(o) = before
            && o.heading != s.heading
            && (o.heading.is_some() || s.heading.is_some())
        {
            changes.push(HeadingChange {
                section: s.key.clone(),
                old: o.heading.clone(),
                new: s.heading.clone(),
            });
        }
        let (old_subs, new_subs) = (before.map(subs).unwrap_or_default(), subs(s));
        if before.is_none() || old_subs == new_subs {
            continue;
        }
        if old_subs.len() == new_subs.len() {
            // As many sub-headings as before: those that differ were renamed in place.
            changes.extend(
                old_subs
                    .iter()
                    .zip(&new_subs)
                    .filter(|(o, n)| o != n)
                    .map(|(o, n)| HeadingChange {
                        section: s.key.clone(),
                        old: Some(o.clone()),
                        new: Some(n.clone()),
                    }),
            );
            continue;
        }
        changes.extend(
            old_subs
                .iter()
                .filter(|h| !new_subs.contains(h))
                .map(|h| HeadingChange {
                    section: s.key.clone(),
                    old: Some(h.clone()),
                    new: None,
                }),
        );
        changes.extend(
            new_subs
                .iter()
                .filter(|h| !old_subs.contains(h))
                .map(|h| HeadingChange {
                    section: s.key.clone(),
                    old: None,
                    new: Some(h.clone()),
                }),
        );
    }
    changes
}

/// The text of each section (its text blocks and text-table cells), and the agreement's.
fn section_texts(p: &CheckedProposal) -> Vec<(String, Option<String>, String)> {
    let mut out: Vec<(String, Option<String>, String)> = p
        .sections
        .iter()
        .map(|s| {
            let parts: Vec<String> = s
                .blocks
                .iter()
                .flat_map(|b| match b {
                    Block::Text(t) => vec![t.clone()],
                    Block::Table(t) => match t.as_ref() {
                        Table::Text(tt) | Table::Comparison(tt) => tt
                            .rows
                            .iter()
                            .flat_map(|r| match r {
                                crate::checked::TextRow::Group(g) => vec![g.clone()],
                                crate::checked::TextRow::Cells(cells) => {
                                    cells.iter().map(|c| c.body.clone()).collect()
                                }
                            })
                            .collect(),
                        Table::Ledger(_) => Vec::new(),
                    },
                    Block::Heading(_) => Vec::new(),
                })
                .collect();
            (s.key.clone(), s.heading.clone(), parts.join("\n\n"))
        })
        .collect();
    if let Some(ag) = &p.agreement {
        out.push((
            "agreement".into(),
            None,
            [ag.intro.as_str(), ag.lead.as_str(), ag.purpose.as_str()].join("\n\n"),
        ));
    }
    out
}

/// Sections whose text changed, each as a word diff.
fn texts(a: &CheckedProposal, b: &CheckedProposal) -> Vec<TextChange> {
    let old = section_texts(a);
    let new = section_texts(b);
    let mut keys: Vec<&String> = new.iter().map(|(k, _, _)| k).collect();
    keys.extend(
        old.iter()
            .map(|(k, _, _)| k)
            .filter(|k| !new.iter().any(|(n, _, _)| n == *k)),
    );
    keys.into_iter()
        .filter_map(|key| {
            let o = old.iter().find(|(k, _, _)| k == key);
            let n = new.iter().find(|(k, _, _)| k == key);
            let (ot, nt) = (
                o.map_or("", |x| x.2.as_str()),
                n.map_or("", |x| x.2.as_str()),
            );
            (ot != nt).then(|| TextChange {
                section: key.clone(),
                heading: n.or(o).and_then(|x| x.1.clone()),
                words: word_diff(ot, nt),
            })
        })
        .collect()
}

/// The most tokens (words and the whitespace between them, both sides together) one word diff
/// compares: about 4,000 words. A Myers/patience diff costs up to the product of its sides'
/// lengths, so this keeps each comparison to a fraction of a second.
const WORD_TOKENS: usize = 8_000;

/// The most lines (paragraphs, both sides together) the line-level pass of a long text compares.
const DIFF_LINES: usize = 4_000;

/// A word diff of two texts: runs of equal, deleted and inserted words (whitespace included).
///
/// Bounded, not quadratic: texts of at most [`WORD_TOKENS`] tokens are diffed word by word
/// (patience). A longer text first loses its common leading and trailing words (linear), so a
/// small change in a long section is still shown word by word; a long middle is then diffed by
/// lines (paragraphs, at most [`DIFF_LINES`]), and each changed paragraph word by word when it is
/// within the bound, else shown as the whole old paragraph replaced by the new one. Beyond the
/// line bound, the whole middle is shown replaced. Nothing depends on time, so the same texts
/// always give the same diff.
pub fn word_diff(old: &str, new: &str) -> Vec<Words> {
    let mut runs: Vec<Words> = Vec::new();
    bounded_words(old, new, &mut runs);
    runs
}

/// Appends a run of `op` to `runs`, joined to the last run when it has the same op.
fn push_run(runs: &mut Vec<Words>, op: &'static str, text: &str) {
    if text.is_empty() {
        return;
    }
    // Whitespace between two changed words belongs to the change, so runs read as phrases.
    match runs.last_mut() {
        Some(last) if last.op == op => last.text.push_str(text),
        _ => runs.push(Words {
            op,
            text: text.to_owned(),
        }),
    }
}

/// The text split into words and the whitespace runs between them, as the word diff compares.
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut space = None;
    for (i, c) in text.char_indices() {
        let is_space = c.is_whitespace();
        if space.is_some_and(|s| s != is_space) {
            out.push(&text[start..i]);
            start = i;
        }
        space = Some(is_space);
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// A patience word diff of two short texts, appended to `runs`.
fn patience_words(old: &str, new: &str, runs: &mut Vec<Words>) {
    let diff = similar::TextDiff::configure()
        .algorithm(similar::Algorithm::Patience)
        .diff_words(old, new);
    for change in diff.iter_all_changes() {
        let op = match change.tag() {
            similar::ChangeTag::Equal => "equal",
            similar::ChangeTag::Delete => "delete",
            similar::ChangeTag::Insert => "insert",
        };
        push_run(runs, op, change.value());
    }
}

/// The old text deleted and the new one inserted, appended to `runs`.
fn replaced(old: &str, new: &str, runs: &mut Vec<Words>) {
    push_run(runs, "delete", old);
    push_run(runs, "insert", new);
}

/// [`word_diff`], appended to `runs`.
fn bounded_words(old: &str, new: &str, runs: &mut Vec<Words>) {
    let (a, b) = (tokens(old), tokens(new));
    if a.len() + b.len() <= WORD_TOKENS {
        patience_words(old, new, runs);
        return;
    }
    // Common leading and trailing tokens, as byte lengths of each text.
    let head = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let tail = a[head..]
        .iter()
        .rev()
        .zip(b[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let head_bytes: usize = a[..head].iter().map(|t| t.len()).sum();
    let tail_bytes: usize = a[a.len() - tail..].iter().map(|t| t.len()).sum();
    push_run(runs, "equal", &old[..head_bytes]);
    let old_middle = &old[head_bytes..old.len() - tail_bytes];
    let new_middle = &new[head_bytes..new.len() - tail_bytes];
    let middle_tokens = a.len() + b.len() - 2 * (head + tail);
    if middle_tokens <= WORD_TOKENS {
        patience_words(old_middle, new_middle, runs);
    } else if old_middle.lines().count() + new_middle.lines().count() <= DIFF_LINES {
        paragraphs(old_middle, new_middle, runs);
    } else {
        replaced(old_middle, new_middle, runs);
    }
    push_run(runs, "equal", &old[old.len() - tail_bytes..]);
}

/// A line diff of two long texts, each changed paragraph word by word within [`WORD_TOKENS`]
/// (else replaced whole), appended to `runs`.
fn paragraphs(old: &str, new: &str, runs: &mut Vec<Words>) {
    let diff = similar::TextDiff::configure()
        .algorithm(similar::Algorithm::Patience)
        .diff_lines(old, new);
    let (old_lines, new_lines) = (diff.old_slices(), diff.new_slices());
    for op in diff.ops() {
        let o: String = old_lines[op.old_range()].concat();
        let n: String = new_lines[op.new_range()].concat();
        match op.tag() {
            similar::DiffTag::Equal => push_run(runs, "equal", &o),
            similar::DiffTag::Delete => push_run(runs, "delete", &o),
            similar::DiffTag::Insert => push_run(runs, "insert", &n),
            similar::DiffTag::Replace => {
                if tokens(&o).len() + tokens(&n).len() <= WORD_TOKENS {
                    patience_words(&o, &n, runs);
                } else {
                    replaced(&o, &n, runs);
                }
            }
        }
    }
}

/// Output formats of `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Plain text for a terminal: `[-old-]{+new+}` word diffs.
    Human,
    /// Markdown for a pull-request comment: tables, `~~old~~ **new**` word diffs.
    Markdown,
}

/// Words of context kept either side of a change in a word diff.
const CONTEXT: usize = 6;

/// An equal run shortened to `CONTEXT` words either side of the changes around it.
fn context(text: &str, first: bool, last: bool) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let lead = if text.starts_with(char::is_whitespace) {
        " "
    } else {
        ""
    };
    let trail = if text.ends_with(char::is_whitespace) {
        " "
    } else {
        ""
    };
    let keep_head = if first { 0 } else { CONTEXT };
    let keep_tail = if last { 0 } else { CONTEXT };
    if words.len() <= keep_head + keep_tail {
        return format!("{lead}{}{trail}", words.join(" "));
    }
    let head = words[..keep_head].join(" ");
    let tail = words[words.len() - keep_tail..].join(" ");
    match (head.is_empty(), tail.is_empty()) {
        (true, true) => " … ".into(),
        (true, false) => format!("… {tail}{trail}"),
        (false, true) => format!("{lead}{head} …"),
        (false, false) => format!("{lead}{head} … {tail}{trail}"),
    }
}

/// A word diff as one line of text in `style`, equal runs cut to a few words of context.
pub fn show_words(words: &[Words], style: Style) -> String {
    let mut out = String::new();
    let n = words.len();
    for (i, w) in words.iter().enumerate() {
        let flat = w.text.split_whitespace().collect::<Vec<_>>().join(" ");
        match (w.op, style) {
            ("equal", Style::Human) => out.push_str(&context(&w.text, i == 0, i + 1 == n)),
            ("equal", Style::Markdown) => {
                out.push_str(&escape_md(&context(&w.text, i == 0, i + 1 == n)));
            }
            ("delete", Style::Human) => out.push_str(&format!("[-{flat}-]")),
            ("insert", Style::Human) => out.push_str(&format!("{{+{flat}+}}")),
            ("delete", Style::Markdown) => out.push_str(&format!("~~{}~~", escape_md(&flat))),
            _ => {
                // A replacement reads "~~old~~ **new**".
                if i > 0 && words[i - 1].op == "delete" {
                    out.push(' ');
                }
                out.push_str(&format!("**{}**", escape_md(&flat)));
            }
        }
    }
    out.trim().to_owned()
}

/// The zero-width joiner put after every `@` and `#` of a proposal's text in Markdown: the
/// comment reads the same, but `@name` is no mention and `#12` no issue link (GitHub finds those
/// in the rendered text, where a backslash escape is already gone).
const JOINER: char = '\u{200D}';

/// Text made literal and inert in Markdown: a `*` or `|` of the proposal prints as itself, a line
/// break is a space (so no text can start a heading, list or table of its own), `&` starts no
/// entity, and every `@` and `#` is followed by [`JOINER`], so no mention or issue link is made.
fn escape_md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\n' | '\r') {
            out.push(' ');
            continue;
        }
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '<' | '>' | '#' | '~' | '&'
        ) {
            out.push('\\');
        }
        out.push(c);
        if matches!(c, '@' | '#') {
            out.push(JOINER);
        }
    }
    out
}

/// `text` as a Markdown code span: inert as code is, fenced by more backticks than it holds in a
/// row, line breaks made spaces.
fn code_md(text: &str) -> String {
    let text = text.replace(['\n', '\r'], " ");
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    if longest == 0 {
        return format!("`{text}`");
    }
    let fence = "`".repeat(longest + 1);
    format!("{fence} {text} {fence}")
}

/// `text` with its first letter in upper case.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// A figure as printed: Danish format, "–" for none.
fn amount(value: Option<Decimal>) -> String {
    value.map_or_else(|| "–".to_owned(), |v| format_amount(v, None))
}

/// A difference with its sign: "+300", "−1,5".
fn signed(value: Option<Decimal>) -> String {
    value.map_or_else(String::new, crate::number::format_signed)
}

/// Where a figure is: "Tabel 1. Økonomi · Dagtilbud · 2026".
fn place(f: &FigureChange) -> (String, String, String) {
    (
        f.caption.clone().unwrap_or_else(|| f.table.clone()),
        f.line.clone(),
        f.column.clone(),
    )
}

/// A checkbox state as a word.
fn tick(state: Option<bool>) -> &'static str {
    match state {
        Some(true) => "[x]",
        Some(false) => "[ ]",
        None => "(none)",
    }
}

/// A field's value as printed.
fn value(v: &Option<String>) -> String {
    v.as_ref()
        .map_or_else(|| "(none)".to_owned(), |s| format!("\"{s}\""))
}

impl Diff {
    /// Whether any proposal has errors at either side.
    pub fn has_errors(&self) -> bool {
        self.proposals.iter().any(ProposalDiff::has_errors)
    }

    /// The diff as stable JSON (see the user guide, docs/src/diff.md).
    pub fn json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }

    /// The diff as text for a terminal.
    pub fn human(&self) -> String {
        let mut out = format!(
            "diff {} → {}\n{}\n",
            self.from.label(),
            self.to.label(),
            self.forms.line()
        );
        if self.proposals.is_empty() {
            out.push_str("\nno proposal changed\n");
        }
        for p in &self.proposals {
            out.push('\n');
            let title = p
                .title
                .as_deref()
                .map(|t| format!(" · {t}"))
                .unwrap_or_default();
            let what = match p.status {
                Status::Added => "added".to_owned(),
                Status::Removed => "removed".to_owned(),
                Status::Changed => match &p.renamed_from {
                    Some(old) => format!("changed, renamed from {old}"),
                    None => "changed".to_owned(),
                },
            };
            out.push_str(&format!("{}{title} ({}): {what}\n", p.id, p.path));
            for (side, errors) in [(&self.from, &p.errors.from), (&self.to, &p.errors.to)] {
                if let Some(e) = errors {
                    out.push_str(&format!(
                        "  has {} error(s) at {}, only its figures compared:\n",
                        e.count,
                        side.label()
                    ));
                    for line in &e.first {
                        out.push_str(&format!("    {line}\n"));
                    }
                }
            }
            for f in &p.fields {
                out.push_str(&format!(
                    "  {}: {} → {}\n",
                    f.field,
                    value(&f.old),
                    value(&f.new)
                ));
            }
            for (name, list) in [("figures", &p.figures), ("totals", &p.totals)] {
                if list.is_empty() || p.status != Status::Changed {
                    continue;
                }
                out.push_str(&format!("  {name}:\n"));
                for f in list.iter() {
                    let (table, line, column) = place(f);
                    let diff = match f.difference {
                        Some(_) => format!(" ({})", signed(f.difference)),
                        None => String::new(),
                    };
                    out.push_str(&format!(
                        "    {table} · {line} · {column}: {} → {}{diff} {}\n",
                        amount(f.old),
                        amount(f.new),
                        f.unit
                    ));
                }
            }
            if !p.checkboxes.is_empty() {
                out.push_str("  checkboxes:\n");
                for c in &p.checkboxes {
                    out.push_str(&format!(
                        "    {}: {} {} → {}\n",
                        c.title,
                        c.option,
                        tick(c.old),
                        tick(c.new)
                    ));
                }
            }
            if !p.headings.is_empty() {
                out.push_str("  headings:\n");
                for h in &p.headings {
                    out.push_str(&format!(
                        "    {}: {} → {}\n",
                        h.section,
                        value(&h.old),
                        value(&h.new)
                    ));
                }
            }
            if !p.texts.is_empty() && p.status == Status::Changed {
                out.push_str("  text:\n");
                for t in &p.texts {
                    let name = t.heading.clone().unwrap_or_else(|| t.section.clone());
                    out.push_str(&format!(
                        "    {name}: {}\n",
                        show_words(&t.words, Style::Human)
                    ));
                }
            }
        }
        out
    }

    /// The diff as Markdown for a pull-request comment, in Danish (the reviewers' language).
    pub fn markdown(&self) -> String {
        let mut out = format!(
            "## Budgetforslag: {} → {}\n\n{}\n",
            escape_md(&self.from.label()),
            escape_md(&self.to.label()),
            escape_md(&capitalised(self.forms.line_da()))
        );
        if self.proposals.is_empty() {
            out.push_str("\nIntet forslag er ændret.\n");
        }
        for p in &self.proposals {
            let title = p
                .title
                .as_deref()
                .map(|t| format!(" · {}", escape_md(t)))
                .unwrap_or_default();
            let what = match (p.status, &p.renamed_from) {
                (Status::Added, _) => "tilføjet".to_owned(),
                (Status::Removed, _) => "fjernet".to_owned(),
                (Status::Changed, Some(old)) => format!("ændret, omdøbt fra {}", code_md(old)),
                (Status::Changed, None) => "ændret".to_owned(),
            };
            out.push_str(&format!(
                "\n### {}{title}\n\n{}: {what}\n",
                escape_md(&p.id),
                code_md(&p.path)
            ));
            for (side, errors) in [(&self.from, &p.errors.from), (&self.to, &p.errors.to)] {
                if let Some(e) = errors {
                    out.push_str(&format!(
                        "\n**{} fejl i {}**, kun tallene er sammenlignet:\n\n",
                        e.count,
                        escape_md(&side.label())
                    ));
                    for line in &e.first {
                        out.push_str(&format!("- {}\n", escape_md(line)));
                    }
                }
            }
            if !p.fields.is_empty() {
                out.push('\n');
                for f in &p.fields {
                    out.push_str(&format!(
                        "- {}: {} → {}\n",
                        f.field,
                        escape_md(&value(&f.old)),
                        escape_md(&value(&f.new))
                    ));
                }
            }
            for (name, list) in [("Tal", &p.figures), ("Totaler", &p.totals)] {
                if list.is_empty() || p.status != Status::Changed {
                    continue;
                }
                out.push_str(&format!(
                    "\n**{name}**\n\n| Tabel | Linje | Kolonne | Før | Efter | Forskel | Enhed |\n|---|---|---|--:|--:|--:|---|\n"
                ));
                for f in list.iter() {
                    let (table, line, column) = place(f);
                    out.push_str(&format!(
                        "| {} | {} | {} | {} | {} | {} | {} |\n",
                        escape_md(&table),
                        escape_md(&line),
                        escape_md(&column),
                        amount(f.old),
                        amount(f.new),
                        signed(f.difference),
                        f.unit
                    ));
                }
            }
            if !p.checkboxes.is_empty() {
                out.push_str("\n**Afkrydsninger**\n\n");
                for c in &p.checkboxes {
                    let state = match c.new {
                        Some(true) => "afkrydset",
                        Some(false) => "ikke afkrydset",
                        None => "fjernet",
                    };
                    out.push_str(&format!(
                        "- {}: {} {state}\n",
                        escape_md(&c.title),
                        escape_md(&c.option)
                    ));
                }
            }
            if !p.headings.is_empty() {
                out.push_str("\n**Overskrifter**\n\n");
                for h in &p.headings {
                    out.push_str(&format!(
                        "- {}: {} → {}\n",
                        code_md(&h.section),
                        escape_md(&value(&h.old)),
                        escape_md(&value(&h.new))
                    ));
                }
            }
            if !p.texts.is_empty() && p.status == Status::Changed {
                out.push_str("\n**Tekst**\n\n");
                for t in &p.texts {
                    let name = t.heading.clone().unwrap_or_else(|| t.section.clone());
                    out.push_str(&format!(
                        "- *{}*: {}\n",
                        escape_md(&name),
                        show_words(&t.words, Style::Markdown)
                    ));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bundled small budgetnotat fixture, with each `(from, to)` replaced.
    fn notat(replacements: &[(&str, &str)]) -> String {
        let mut text = include_str!("../tests/good/budgetnotat.toml").to_owned();
        for (from, to) in replacements {
            assert!(text.contains(from), "no {from:?}");
            text = text.replace(from, to);
        }
        text
    }

    /// The version of `source`, checked against the bundled forms.
    fn version(source: String) -> Version {
        let path = Path::new("proposals/notat.toml");
        let id = read_id(&source);
        Version::new(path, id, crate::document::check_source(path, source))
    }

    /// Both sides compared.
    fn compared(old: String, new: String) -> Diff {
        let side = |r: &str| Side {
            revision: r.into(),
            commit: None,
        };
        compare(side("a"), side("b"), vec![version(old)], vec![version(new)])
    }

    // A table restated in mio. kr. is compared figure by figure after an exact conversion of
    // the old figures: only the one figure that really changed (and its totals) is reported.
    #[test]
    fn a_new_unit_converts_the_old_figures_exactly() {
        let old = notat(&[]);
        let new = notat(&[
            ("unit = \"1.000 kr.\"", "unit = \"mio. kr.\""),
            (
                "stated_totals = { 2025 = 1500, 2026 = 1500 }",
                "stated_totals = { 2025 = \"1,75\", 2026 = \"1,5\" }",
            ),
            ("stated_grand_total = 3000", "stated_grand_total = \"3,25\""),
            (
                "amounts = { 2025 = 1000, 2026 = 1000 }\nstated_total = 2000",
                "amounts = { 2025 = \"1,25\", 2026 = 1 }\nstated_total = \"2,25\"",
            ),
            (
                "amounts = { 2025 = 500, 2026 = 500 }\nstated_total = 1000",
                "amounts = { 2025 = \"0,5\", 2026 = \"0,5\" }\nstated_total = 1",
            ),
        ]);
        let diff = compared(old, new);
        assert_eq!(diff.proposals.len(), 1, "{}", diff.human());
        let p = &diff.proposals[0];
        assert_eq!(p.errors, SideErrors::default(), "{:?}", p.errors);
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(
            p.figures,
            [FigureChange {
                table: "tabel".into(),
                caption: Some("Tabel 2. Økonomi".into()),
                line: "Indsats A".into(),
                column: "2025".into(),
                unit: "mio. kr.".into(),
                old: Some(d("1")),
                new: Some(d("1.25")),
                difference: Some(d("0.25")),
            }]
        );
        let lines: Vec<(&str, &str)> = p
            .totals
            .iter()
            .map(|t| (t.line.as_str(), t.column.as_str()))
            .collect();
        assert_eq!(
            lines,
            [
                ("Indsats A", "I alt"),
                ("Udgifter i alt (netto)", "2025"),
                ("Udgifter i alt (netto)", "I alt")
            ]
        );
    }

    // A changed request is named as the figures walk names it, the same label the PDF, the
    // web page and the spreadsheets print, whether or not the proposal has errors.
    #[test]
    fn a_request_keeps_the_labels_of_the_figures_walk() {
        let old =
            include_str!("../proposals/katalog/k1-fremrykket-jobsoegningsindsats-for-dagpe.toml")
                .to_owned();
        let new = old.replace("amount = \"2,2\"", "amount = \"2,5\"");
        assert_ne!(old, new);
        let diff = compared(old.clone(), new);
        let p = &diff.proposals[0];
        assert_eq!(p.errors, SideErrors::default(), "{:?}", p.errors);
        let changed: Vec<(&str, &str)> = p
            .figures
            .iter()
            .map(|f| (f.table.as_str(), f.line.as_str()))
            .collect();
        assert_eq!(
            changed,
            [(crate::figures::REQUEST_TABLE, crate::figures::REQUEST)]
        );
        // The figures as read (what a revision with errors is compared by): the same label.
        let view = crate::source::SourceView::new(&old);
        let model = crate::parse::parse_view::<crate::model::Proposal>(&view)
            .0
            .expect("the bundled proposal parses");
        let read: Vec<(String, String)> = read_figures(&model)
            .into_iter()
            .map(|f| (f.table, f.line))
            .collect();
        assert_eq!(
            read,
            [(
                crate::figures::REQUEST_TABLE.to_owned(),
                crate::figures::REQUEST.to_owned()
            )]
        );
    }

    // A long unchanged stretch of text is cut to a few words either side of the change, in
    // both styles; Markdown in the proposal's text is escaped in the Markdown style.
    #[test]
    fn word_diffs_keep_a_few_words_of_context() {
        let old = "Et to tre fire fem seks syv otte ni ti elleve tolv *gammel* slut.";
        let new = "Et to tre fire fem seks syv otte ni ti elleve tolv *ny* slut.";
        let words = word_diff(old, new);
        assert_eq!(
            show_words(&words, Style::Human),
            "… syv otte ni ti elleve tolv [-*gammel*-]{+*ny*+} slut."
        );
        assert_eq!(
            show_words(&words, Style::Markdown),
            "… syv otte ni ti elleve tolv ~~\\*gammel\\*~~ **\\*ny\\*** slut."
        );
    }
}
