//! Catalogues ("Bilag 1. Katalog med forslag"): a frame, a grouping, and the proposals they include.
//!
//! A catalogue is a TOML file with a `[catalogue]` table; its proposals are ordinary proposal files.

use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use serde::Deserialize;
use toml::Spanned;

use crate::checked::{CheckedProposal, Unit};
use crate::diagnostic::{Code, Diagnostic, FileReport};
use crate::document::Checked;
pub use crate::document::is_catalogue;
use crate::error::AppError;
use crate::files::{self, Confinement};
use crate::model::{RawAmount, YearAmounts};

/// A catalogue file: just the `[catalogue]` table.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[schemars(description = "En katalogfil: kun tabellen `[catalogue]`.")]
pub struct CatalogueFile {
    /// The catalogue.
    #[schemars(description = "Kataloget.")]
    #[schemars(with = "CatalogueSpec")]
    pub catalogue: Spanned<CatalogueSpec>,
    /// Warnings (and a missed target, E110) accepted on purpose, with a reason; read with its
    /// spans by [`crate::acknowledge`].
    #[serde(default)]
    #[schemars(
        with = "Option<serde_json::Value>",
        description = "Advarsler (og et mål, der ikke nås, E110), der er accepteret med vilje, pr. kode med en begrundelse: W031 = \"…\", eller { at = \"text\", reason = \"…\" }, eller en liste af dem."
    )]
    pub acknowledged: Option<toml::Value>,
}

/// The catalogue as written.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[schemars(description = "Kataloget, som det er skrevet.")]
pub struct CatalogueSpec {
    /// Annex label printed above the title, e.g. "Bilag 1.".
    #[schemars(description = "Bilagsbetegnelse trykt over titlen, f.eks. \"Bilag 1.\".")]
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub annex: Option<Spanned<String>>,
    /// Title, e.g. "Katalog med forslag".
    #[schemars(description = "Titel, f.eks. \"Katalog med forslag\".")]
    #[schemars(with = "String")]
    pub title: Spanned<String>,
    /// The budget year the frame is for.
    #[schemars(description = "Det budgetår, rammen gælder.")]
    #[schemars(with = "i64")]
    pub year: Spanned<i64>,
    /// The frame ("råderum") the proposals compete for, if any.
    #[schemars(description = "Rammen (\"råderum\"), forslagene konkurrerer om, hvis der er en.")]
    #[serde(default)]
    #[schemars(with = "Option<Frame>")]
    pub frame: Option<Spanned<Frame>>,
    /// The overview's unit: "kr.", "1.000 kr." or "mio. kr." (default "mio. kr.").
    #[schemars(
        description = "Oversigtens enhed: \"kr.\", \"1.000 kr.\" eller \"mio. kr.\" (standard \"mio. kr.\")."
    )]
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub unit: Option<Spanned<String>>,
    /// A savings target per year in `unit`, written negative like the savings it sums
    /// ((−) = mindreudgift/merindtægt), instead of a frame.
    #[schemars(
        description = "Et besparelsesmål pr. år i `unit`, skrevet negativt ligesom de besparelser, det lægger sammen ((−) = mindreudgift/merindtægt), i stedet for en ramme."
    )]
    #[serde(default)]
    #[schemars(with = "Option<std::collections::BTreeMap<String, RawAmount>>")]
    pub target: Option<Spanned<YearAmounts>>,
    /// What the target is called, e.g. "Besparelsesmål" (default "Måltal").
    #[schemars(
        description = "Hvad målet hedder, f.eks. \"Besparelsesmål\" (standard \"Måltal\")."
    )]
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub target_label: Option<Spanned<String>>,
    /// Group totals as the published document prints them, checked against the proposals.
    #[schemars(
        description = "Gruppetotaler, som det offentliggjorte dokument trykker dem, kontrolleret mod forslagene."
    )]
    #[serde(default)]
    #[schemars(with = "Vec<GroupTotal>")]
    pub group_totals: Vec<Spanned<GroupTotal>>,
    /// Named packages of proposals, e.g. the administration's recommendation.
    #[schemars(description = "Navngivne pakker af forslag, f.eks. administrationens anbefaling.")]
    #[serde(default)]
    #[schemars(with = "Vec<Selection>")]
    pub selections: Vec<Spanned<Selection>>,
    /// How the overview groups proposals: "target_group", "committee" or "none".
    #[schemars(
        description = "Hvordan oversigten grupperer forslagene: \"target_group\", \"committee\" eller \"none\"."
    )]
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub group_by: Option<Spanned<String>>,
    /// Caption over each proposal's chart.
    #[schemars(description = "Tekst over hvert forslags diagram.")]
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub chart_caption: Option<Spanned<String>>,
    /// Proposal files or folders, relative to the catalogue file, in print order.
    #[schemars(
        description = "Forslagsfiler eller mapper, angivet i forhold til katalogfilen, i trykt rækkefølge."
    )]
    #[schemars(with = "Vec<String>")]
    pub proposals: Vec<Spanned<String>>,
}

/// The frame: an amount, its unit, and what it is called.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[schemars(description = "Rammen: et beløb, dets enhed og hvad rammen hedder.")]
pub struct Frame {
    /// The amount, e.g. "21".
    #[schemars(description = "Beløbet, f.eks. \"21\".")]
    #[schemars(with = "RawAmount")]
    pub amount: Spanned<RawAmount>,
    /// "mio. kr." or "1.000 kr.".
    #[schemars(description = "\"mio. kr.\" eller \"1.000 kr.\".")]
    #[schemars(with = "String")]
    pub unit: Spanned<String>,
    /// What the frame is called, e.g. "Råderum".
    #[schemars(description = "Hvad rammen hedder, f.eks. \"Råderum\".")]
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub label: Option<Spanned<String>>,
}

/// A group's total per year as printed in the document, in the catalogue's unit.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[schemars(
    description = "En gruppes total pr. år, som den er trykt i dokumentet, i katalogets enhed."
)]
pub struct GroupTotal {
    /// The group, e.g. "Børne- og Ungdomsudvalget".
    #[schemars(description = "Gruppen, f.eks. \"Børne- og Ungdomsudvalget\".")]
    #[schemars(with = "String")]
    pub group: Spanned<String>,
    /// The total per year, e.g. `{ 2025 = "-2.113" }`.
    #[schemars(description = "Totalen pr. år, f.eks. `{ 2025 = \"-2.113\" }`.")]
    #[schemars(with = "std::collections::BTreeMap<String, RawAmount>")]
    pub amounts: Spanned<YearAmounts>,
}

/// A named package of proposals.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[schemars(description = "En navngiven pakke af forslag.")]
pub struct Selection {
    /// Its name, e.g. "Administrationens anbefaling".
    #[schemars(description = "Pakkens navn, f.eks. \"Administrationens anbefaling\".")]
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// The ids of its proposals.
    #[schemars(description = "Id på pakkens forslag.")]
    #[schemars(with = "Vec<String>")]
    pub proposals: Vec<Spanned<String>>,
}

/// How the overview groups proposals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    /// By target group ("målgruppe").
    TargetGroup,
    /// By the first committee.
    Committee,
    /// No groups.
    None,
}

/// A checked catalogue with its proposals, in print order.
#[derive(Debug, Clone)]
pub struct CheckedCatalogue {
    /// Annex label.
    pub annex: Option<String>,
    /// Title.
    pub title: String,
    /// Budget year of the frame.
    pub year: i64,
    /// The frame in millions of kroner, if any.
    pub frame: Option<Decimal>,
    /// The overview's unit.
    pub unit: Unit,
    /// Whether the overview states its unit above the table (a stated `unit`, or no frame)
    /// rather than in every year's header (the view also does so beyond two years).
    pub unit_line: bool,
    /// The savings target, if any.
    pub target: Option<Target>,
    /// Group totals as stated (and found within the rounding tolerance), printed instead of the
    /// computed ones: group, then (year, amount) in the catalogue's unit.
    pub group_totals: Vec<(String, Vec<(i64, Decimal)>)>,
    /// Selections: name, then proposal ids.
    pub selections: Vec<(String, Vec<String>)>,
    /// What the frame is called.
    pub frame_label: String,
    /// Grouping of the overview.
    pub group_by: GroupBy,
    /// Caption over each chart.
    pub chart_caption: String,
    /// The proposals with their files.
    pub proposals: Vec<(PathBuf, CheckedProposal)>,
    /// The git revision `render --stamp` prints ("ændret" when the catalogue or one of its
    /// proposals differs from it); `None` without `--stamp`.
    pub stamp: Option<crate::checked::Stamp>,
}

/// A checked savings target.
#[derive(Debug, Clone)]
pub struct Target {
    /// What it is called, e.g. "Måltal".
    pub label: String,
    /// The target per year in the catalogue's unit, each below zero.
    pub amounts: Vec<(i64, Decimal)>,
}

/// What checking a catalogue needs of its project: the proposals it includes checked as the
/// project checks them, the fonts' verdict on its text, and the revision stamp. The project
/// implements it; this module never names the project, so the project can name the catalogue.
pub trait Includes {
    /// The project root: included proposals must lie inside it.
    fn root(&self) -> &Path;
    /// Reads and checks one included proposal file.
    fn check_file(&self, path: &Path) -> Result<Checked, AppError>;
    /// What the fonts cannot print in the catalogue's text (E029).
    fn glyph_diagnostics(&self, view: &crate::source::SourceView<'_>) -> Vec<Diagnostic>;
    /// The git revision `render --stamp` prints for the file at `path`.
    fn stamp(&self, path: &Path) -> Option<crate::checked::Stamp>;
}

/// Checks a catalogue file and every proposal it includes.
///
/// Returns the catalogue's report, the reports of its proposals, and the catalogue if nothing
/// in it or its proposals has errors.
pub fn check(
    path: &Path,
    source: String,
    project: &dyn Includes,
) -> Result<(FileReport, Vec<Checked>, Option<CheckedCatalogue>), AppError> {
    let view = crate::source::SourceView::new(&source);
    let (file, mut diags) = crate::parse::parse_view::<CatalogueFile>(&view);
    diags.extend(crate::checks::content::check(&view));
    diags.extend(crate::document::name_not_utf8(project.root(), path));
    if file.is_some() {
        diags.extend(project.glyph_diagnostics(&view));
    }
    let mut included = Vec::new();
    let mut checked = None;
    if let Some(file) = file {
        let spec = file.catalogue.get_ref();
        let base = path.parent().unwrap_or(Path::new("."));
        let files = resolve(project.root(), path, base, &spec.proposals, &mut diags)?;
        let mut ids: Vec<(String, PathBuf)> = Vec::new();
        for (file_path, span) in &files {
            let result = project.check_file(file_path)?;
            match &result.proposal {
                Some(p) => {
                    if let Some((_, first)) = ids.iter().find(|(id, _)| *id == p.id) {
                        diags.push(
                            Diagnostic::new(
                                Code::E033,
                                format!("proposal id \"{}\" is used twice", p.id),
                                Some(span.clone()),
                            )
                            .with_label("same id as an earlier proposal")
                            .with_help(format!(
                                "{} has the same id; give each proposal its own id",
                                first.display()
                            )),
                        );
                    }
                    ids.push((p.id.clone(), file_path.clone()));
                }
                None => diags.push(
                    Diagnostic::new(
                        Code::E034,
                        format!(
                            "{} has errors, so the annex is not written",
                            file_path.display()
                        ),
                        Some(span.clone()),
                    )
                    .with_label("this proposal has errors")
                    .with_help("fix the errors reported for that file"),
                ),
            }
            included.push(result);
        }
        // An invalid frame, unit or grouping has its own error, which keeps the annex unwritten.
        let frame = spec
            .frame
            .as_ref()
            .and_then(|f| frame_in_millions(f.get_ref(), &source, &mut diags));
        let group_by = group_by(spec.group_by.as_ref(), &mut diags);
        let unit = catalogue_unit(spec.unit.as_ref(), &mut diags);
        let target = spec.target.as_ref().and_then(|t| {
            if spec.frame.is_some() {
                diags.push(both_frame_and_target(t));
                return None;
            }
            savings_target(t, &source, &mut diags)
        });
        // Only proposals that checked clean have amounts and ids to compare with.
        let all_clean = included.iter().all(|c| c.proposal.is_some());
        let clean: Vec<&CheckedProposal> = included
            .iter()
            .filter_map(|c| c.proposal.as_ref())
            .collect();
        let selections = selections(&spec.selections, &clean, all_clean, &mut diags);
        if let (Some(target), Some(unit), true) = (&target, unit, all_clean) {
            let entries: Vec<(&CheckedProposal, std::ops::Range<usize>)> = included
                .iter()
                .zip(&files)
                .filter_map(|(c, (_, span))| c.proposal.as_ref().map(|p| (p, span.clone())))
                .collect();
            diags.extend(savings_with_plus(&entries, unit));
            diags.extend(missed_target(target, &clean, unit));
        }
        let group_totals = match (unit, group_by, all_clean) {
            (Some(unit), Some(group_by), true) => group_totals(
                &spec.group_totals,
                &clean,
                unit,
                group_by,
                &source,
                &mut diags,
            ),
            _ => Vec::new(),
        };
        crate::acknowledge::apply(&view, &mut diags);
        let has_errors = diags
            .iter()
            .any(|d| d.severity() == crate::diagnostic::Severity::Error);
        if let (Some(group_by), Some(unit), false) = (group_by, unit, has_errors) {
            checked = Some(CheckedCatalogue {
                annex: spec.annex.as_ref().map(|a| a.get_ref().trim().to_owned()),
                title: spec.title.get_ref().trim().to_owned(),
                year: *spec.year.get_ref(),
                frame,
                unit,
                unit_line: spec.unit.is_some() || spec.frame.is_none(),
                target: target.map(|amounts| Target {
                    amounts: amounts.into_iter().map(|(y, a, _)| (y, a)).collect(),
                    label: spec
                        .target_label
                        .as_ref()
                        .map_or_else(|| "Måltal".to_owned(), |l| l.get_ref().trim().to_owned()),
                }),
                group_totals,
                selections,
                frame_label: spec
                    .frame
                    .as_ref()
                    .and_then(|f| f.get_ref().label.as_ref())
                    .map_or_else(|| "Råderum".to_owned(), |l| l.get_ref().trim().to_owned()),
                group_by,
                chart_caption: spec.chart_caption.as_ref().map_or_else(
                    || "Figur: Forslagets andel af råderummet".to_owned(),
                    |c| c.get_ref().trim().to_owned(),
                ),
                proposals: included
                    .iter()
                    .zip(&files)
                    .filter_map(|(c, (p, _))| c.proposal.clone().map(|pr| (p.clone(), pr)))
                    .collect(),
                stamp: project.stamp(path).map(|mut own| {
                    // Changed when the catalogue or any of its proposals is.
                    own.changed |= included
                        .iter()
                        .filter_map(|c| c.proposal.as_ref()?.stamp.as_ref())
                        .any(|s| s.changed);
                    own
                }),
            });
        }
    }
    let mut report = FileReport {
        path: path.to_owned(),
        source,
        diagnostics: diags,
    };
    report.sort();
    Ok((report, included, checked))
}

/// Expands the catalogue's entries into proposal files (folders give their `*.toml`, sorted,
/// without the catalogue file itself), reporting at the entry: missing files (E030), files named
/// twice or the catalogue itself (E031), files that are not regular or too large (E060, E061),
/// and paths outside the project root after `..` and symlinks are resolved (E062). A file
/// outside the root is never opened.
fn resolve(
    root: &Path,
    catalogue: &Path,
    base: &Path,
    entries: &[Spanned<String>],
    diags: &mut Vec<Diagnostic>,
) -> Result<Vec<(PathBuf, std::ops::Range<usize>)>, AppError> {
    let mut found_files: Vec<(PathBuf, std::ops::Range<usize>)> = Vec::new();
    // Canonical paths included so far, so one file reached by two paths counts as twice.
    let mut seen = std::collections::HashSet::new();
    // The catalogue's own file, never one of its proposals.
    let own = catalogue.canonicalize().ok();
    for entry in entries {
        let path = base.join(entry.get_ref().trim());
        let real = match files::inside_root(root, &path) {
            Ok(real) => real,
            Err(Confinement::Missing) => {
                diags.push(
                    Diagnostic::new(
                        Code::E030,
                        format!("no proposal file {}", path.display()),
                        Some(entry.span()),
                    )
                    .with_label("file not found")
                    .with_help("paths are relative to the catalogue file's folder"),
                );
                continue;
            }
            Err(Confinement::Outside) => {
                diags.push(outside(&path, entry));
                continue;
            }
            Err(Confinement::NoRoot) => {
                return Err(AppError(format!(
                    "cannot resolve the project folder {}",
                    root.display()
                )));
            }
        };
        let from_folder = real.is_dir();
        let found: Vec<PathBuf> = if from_folder {
            let mut list: Vec<PathBuf> = std::fs::read_dir(&path)
                .map_err(|e| AppError(format!("cannot read folder {}: {e}", path.display())))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "toml"))
                .filter(|p| own.is_none() || p.canonicalize().ok() != own)
                .collect();
            list.sort();
            list
        } else if own.as_ref() == Some(&real) {
            diags.push(
                Diagnostic::new(
                    Code::E031,
                    "the catalogue includes itself",
                    Some(entry.span()),
                )
                .with_label("this is the catalogue's own file")
                .with_help("list the proposal files (or their folder), not the catalogue"),
            );
            continue;
        } else {
            vec![path.clone()]
        };
        for file in found {
            let key = match files::inside_root(root, &file) {
                Ok(real) => real,
                Err(Confinement::Outside) => {
                    diags.push(outside(&file, entry));
                    continue;
                }
                Err(_) => file.clone(),
            };
            if let Err(err) = files::check_regular(&key, files::TOML_LIMIT) {
                diags.push(
                    err.diagnostic(&file, Some(entry.span()))
                        .unwrap_or_else(|| {
                            Diagnostic::new(
                                Code::E030,
                                format!("cannot read {}: {err}", file.display()),
                                Some(entry.span()),
                            )
                            .with_help("check that the file exists and can be read")
                        }),
                );
                continue;
            }
            // Another catalogue in a listed folder is not one of its proposals (checked only
            // once the file is known to be a regular file inside the project).
            if from_folder && files::read_toml_quietly(&key).is_some_and(|t| is_catalogue(&t)) {
                continue;
            }
            if !seen.insert(key) {
                diags.push(
                    Diagnostic::new(
                        Code::E031,
                        format!("{} is included twice", file.display()),
                        Some(entry.span()),
                    )
                    .with_label("already included above")
                    .with_help("list each proposal once"),
                );
                continue;
            }
            found_files.push((file, entry.span()));
        }
    }
    Ok(found_files)
}

/// E062 at a catalogue entry whose path (`file`) leads outside the project root.
fn outside(file: &Path, entry: &Spanned<String>) -> Diagnostic {
    Diagnostic::new(
        Code::E062,
        format!("{} is outside the project folder", file.display()),
        Some(entry.span()),
    )
    .with_label("outside the project")
    .with_help(
        "a catalogue may only include proposals inside the project folder (after `..` and \
         symlinks); copy the proposal into the project and name it relative to this catalogue",
    )
}

/// The frame in millions of kroner; E032 for an unknown unit.
fn frame_in_millions(frame: &Frame, source: &str, diags: &mut Vec<Diagnostic>) -> Option<Decimal> {
    let unit = Unit::from_key(frame.unit.get_ref());
    if unit.is_none() {
        diags.push(
            Diagnostic::new(
                Code::E032,
                format!("the frame's unit \"{}\" is not known", frame.unit.get_ref()),
                Some(frame.unit.span()),
            )
            .with_label("unknown unit")
            .with_help("write the frame in \"mio. kr.\" (e.g. amount = \"21\") or \"1.000 kr.\""),
        );
    }
    let amount = match crate::validate::spanned_amount(&frame.amount, source) {
        Ok(a) if a > Decimal::ZERO => Some(a),
        // A float such as 21.000 or a broken number: the amount's own diagnostic says why.
        Err(found) => {
            diags.extend(found);
            None
        }
        Ok(_) => {
            diags.push(
                Diagnostic::new(Code::E011, "the frame must be a positive amount", Some(frame.amount.span()))
                    .with_help("write the amount as an integer or a string with a decimal comma, e.g. \"21\" or \"21,5\""),
            );
            None
        }
    };
    let millions = unit?.to_millions(amount?);
    if millions < Decimal::new(1, 3) {
        diags.push(
            Diagnostic::new(
                Code::E055,
                "the frame is smaller than 1.000 kr., too small to measure proposals against",
                Some(frame.amount.span()),
            )
            .with_label("too small")
            .with_help(
                "write the frame in its unit: amount = \"21\" with unit = \"mio. kr.\" is 21 million kroner",
            ),
        );
        return None;
    }
    Some(millions)
}

/// Reads `group_by`.
fn group_by(value: Option<&Spanned<String>>, diags: &mut Vec<Diagnostic>) -> Option<GroupBy> {
    let Some(value) = value else {
        return Some(GroupBy::None);
    };
    match value.get_ref().trim() {
        "target_group" => Some(GroupBy::TargetGroup),
        "committee" => Some(GroupBy::Committee),
        "none" => Some(GroupBy::None),
        other => {
            diags.push(
                Diagnostic::new(
                    Code::E002,
                    format!("unknown grouping \"{other}\""),
                    Some(value.span()),
                )
                .with_help("use \"target_group\", \"committee\" or \"none\""),
            );
            None
        }
    }
}

/// What a proposal contributes per year, in `unit` (converted exactly from mio. kr.).
pub fn amounts_in(p: &CheckedProposal, unit: Unit) -> Vec<(i64, Decimal)> {
    p.amounts_in_millions()
        .into_iter()
        .map(|(y, v)| (y, Unit::Millions.convert(v, unit)))
        .collect()
}

/// The overview group a proposal belongs to; `None` without grouping.
pub fn group_name(group_by: GroupBy, p: &CheckedProposal) -> Option<String> {
    match group_by {
        GroupBy::TargetGroup => Some(
            p.target_group
                .clone()
                .unwrap_or_else(|| "Øvrige forslag".to_owned()),
        ),
        GroupBy::Committee => Some(p.committees.first().cloned().unwrap_or_default()),
        GroupBy::None => None,
    }
}

/// The overview's unit; E076 for an unknown one. Without `unit`, mio. kr.
fn catalogue_unit(value: Option<&Spanned<String>>, diags: &mut Vec<Diagnostic>) -> Option<Unit> {
    let Some(value) = value else {
        return Some(Unit::Millions);
    };
    let unit = Unit::from_key(value.get_ref());
    if unit.is_none() {
        diags.push(
            Diagnostic::new(
                Code::E076,
                format!("the catalogue's unit \"{}\" is not known", value.get_ref()),
                Some(value.span()),
            )
            .with_label("unknown unit")
            .with_help(format!(
                "{}use \"kr.\", \"1.000 kr.\" or \"mio. kr.\", whichever the overview and the target are written in",
                crate::parse::did_you_mean(value.get_ref(), ["kr.", "1.000 kr.", "mio. kr."])
            )),
        );
    }
    unit
}

/// E071 at the target of a catalogue that also has a frame.
fn both_frame_and_target(target: &Spanned<YearAmounts>) -> Diagnostic {
    Diagnostic::new(
        Code::E071,
        "the catalogue has both a frame and a savings target",
        Some(target.span()),
    )
    .with_label("a target here")
    .with_help(
        "a catalogue measures its proposals against a frame to spend (råderum) or against a \
         savings target to reach, not both; keep the one this catalogue is for",
    )
}

/// Amounts per year as written (`{ 2025 = "-2.113" }`): year, amount, span of the amount, in
/// the order of the years. E077 for a key that is not a year; amount errors as for any amount.
fn year_amounts(
    map: &Spanned<YearAmounts>,
    source: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<(i64, Decimal, std::ops::Range<usize>)>> {
    let mut out = Vec::new();
    let mut ok = true;
    for (key, raw) in map.get_ref() {
        let year = key
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|y| (1900..=2200).contains(y));
        let Some(year) = year else {
            diags.push(
                Diagnostic::new(
                    Code::E077,
                    format!("\"{key}\" is not a year"),
                    Some(raw.span()),
                )
                .with_label("the key of this amount")
                .with_help(
                    "key each amount by one budget year, written as a four-digit year; a span \
                     of years needs one key per year",
                ),
            );
            ok = false;
            continue;
        };
        match crate::validate::spanned_amount(raw, source) {
            Ok(amount) => out.push((year, amount, raw.span())),
            Err(found) => {
                diags.extend(found);
                ok = false;
            }
        }
    }
    ok.then_some(out)
}

/// The savings target per year, with the span of each year's figure; E070 for a year whose
/// target is not below zero.
fn savings_target(
    target: &Spanned<YearAmounts>,
    source: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<(i64, Decimal, std::ops::Range<usize>)>> {
    let amounts = year_amounts(target, source, diags)?;
    let mut ok = true;
    for (year, amount, span) in &amounts {
        if *amount >= Decimal::ZERO {
            let help = if amount.is_zero() {
                "leave out a year without a target; a target is the saving to reach, below zero"
                    .to_owned()
            } else {
                format!(
                    "write the target as the savings are written in the proposals, below zero: \
                     {year} = \"{}\" ((−) = mindreudgift/merindtægt)",
                    crate::number::format_amount(-*amount, None).replace('\u{2212}', "-")
                )
            };
            diags.push(
                Diagnostic::new(
                    Code::E070,
                    format!(
                        "the savings target for {year} is {}, but a saving is a negative amount",
                        crate::number::format_amount(*amount, None)
                    ),
                    Some(span.clone()),
                )
                .with_label("not below zero")
                .with_help(help),
            );
            ok = false;
        }
    }
    ok.then_some(amounts)
}

/// W031 for each proposal of a savings catalogue that adds to the budget in a year (a saving
/// with a plus), at the catalogue's entry that includes it.
fn savings_with_plus(
    entries: &[(&CheckedProposal, std::ops::Range<usize>)],
    unit: Unit,
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for (p, span) in entries {
        let plus: Vec<(i64, Decimal)> = amounts_in(p, unit)
            .into_iter()
            .filter(|(_, v)| *v > Decimal::ZERO)
            .collect();
        let Some((year, value)) = plus.first() else {
            continue;
        };
        let years: Vec<String> = plus.iter().map(|(y, _)| y.to_string()).collect();
        found.push(
            Diagnostic::new(
                Code::W031,
                format!(
                    "{} adds to the budget in {}: +{} ({}) in {year}, in a savings catalogue where a saving is negative",
                    p.id,
                    crate::number::join_danish(&years),
                    crate::number::format_amount(*value, None),
                    unit.label()
                ),
                Some(span.clone()),
            )
            .with_label(format!("includes {}", p.id))
            .with_help(
                "write the proposal's savings with a minus ((−) = mindreudgift/merindtægt); if it \
                 really costs money in that year (an investment that pays back), acknowledge W031 \
                 in the catalogue with the reason",
            ),
        );
    }
    found
}

/// E110 for each year in which all the catalogue's proposals together save less than the target.
fn missed_target(
    target: &[(i64, Decimal, std::ops::Range<usize>)],
    proposals: &[&CheckedProposal],
    unit: Unit,
) -> Vec<Diagnostic> {
    let amounts: Vec<Vec<(i64, Decimal)>> = proposals.iter().map(|p| amounts_in(p, unit)).collect();
    let mut found = Vec::new();
    for (year, goal, span) in target {
        let sum: Decimal = amounts
            .iter()
            .flat_map(|a| a.iter().filter(|(y, _)| y == year).map(|(_, v)| *v))
            .sum();
        // The target and the savings are negative: a sum above the target saves too little.
        if sum <= *goal {
            continue;
        }
        let fmt = |v: Decimal| crate::number::format_amount(v, None);
        found.push(
            Diagnostic::new(
                Code::E110,
                format!(
                    "the proposals together save {} in {year}, short of the target of {} by {} ({})",
                    fmt(sum),
                    fmt(*goal),
                    fmt(sum - *goal),
                    unit.label()
                ),
                Some(span.clone()),
            )
            .with_label(format!("all proposals: {}", fmt(sum)))
            .with_help(
                "add or enlarge proposals until they reach the target, or correct the target; if \
                 the catalogue misses it on purpose, write E110 = \"the reason\" under \
                 [acknowledged] in the catalogue",
            ),
        );
    }
    found
}

/// Checks the selections' proposal ids (E074 unknown, only when every proposal checked clean so
/// all ids are known; E075 an id or a name repeated, or no proposals); returns name and ids.
fn selections(
    specs: &[Spanned<Selection>],
    proposals: &[&CheckedProposal],
    ids_known: bool,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(String, Vec<String>)> {
    let ids: Vec<&str> = proposals.iter().map(|p| p.id.as_str()).collect();
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for spec in specs {
        let s = spec.get_ref();
        let name = s.name.get_ref().trim().to_owned();
        if out.iter().any(|(n, _)| *n == name) {
            diags.push(
                Diagnostic::new(
                    Code::E075,
                    format!("a selection named \"{name}\" is defined twice"),
                    Some(s.name.span()),
                )
                .with_label("same name as an earlier selection")
                .with_help("give each selection its own name, or merge the two"),
            );
        }
        if s.proposals.is_empty() {
            diags.push(
                Diagnostic::new(
                    Code::E075,
                    format!("the selection \"{name}\" names no proposals"),
                    Some(s.name.span()),
                )
                .with_label("empty selection")
                .with_help("list the ids of its proposals, e.g. proposals = [\"E1\", \"E3\"]"),
            );
        }
        let mut members: Vec<String> = Vec::new();
        for id in &s.proposals {
            let written = id.get_ref().trim();
            if members.iter().any(|m| m == written) {
                diags.push(
                    Diagnostic::new(
                        Code::E075,
                        format!("the selection \"{name}\" names {written} twice"),
                        Some(id.span()),
                    )
                    .with_label("named before in this selection")
                    .with_help("name each proposal once; a selection counts it once"),
                );
                continue;
            }
            if ids_known && !ids.contains(&written) {
                diags.push(
                    Diagnostic::new(
                        Code::E074,
                        format!(
                            "the selection \"{name}\" names {written}, which is not a proposal of \
                             this catalogue"
                        ),
                        Some(id.span()),
                    )
                    .with_label("unknown proposal id")
                    .with_help(format!(
                        "{}the catalogue's proposals are {}",
                        crate::parse::did_you_mean(written, ids.iter().copied()),
                        ids.join(", ")
                    )),
                );
                continue;
            }
            members.push(written.to_owned());
        }
        out.push((name, members));
    }
    out
}

/// Checks the stated group totals against the proposals (E073 unknown or repeated group, E072
/// a total off by more than one rounding step) and returns those to print.
///
/// A stated total passes when it differs from the proposals' exact sum, or from the sum of the
/// proposals rounded (`number::round`) to the stated figure's precision, by at most one step of
/// that precision (one level of aggregation): "−2.113" may be off by 1, "−2,1" by 0,1.
fn group_totals(
    specs: &[Spanned<GroupTotal>],
    proposals: &[&CheckedProposal],
    unit: Unit,
    group_by: GroupBy,
    source: &str,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(String, Vec<(i64, Decimal)>)> {
    let mut names: Vec<String> = Vec::new();
    for p in proposals {
        if let Some(n) = group_name(group_by, p)
            && !names.contains(&n)
        {
            names.push(n);
        }
    }
    let mut out: Vec<(String, Vec<(i64, Decimal)>)> = Vec::new();
    for spec in specs {
        let g = spec.get_ref();
        let group = g.group.get_ref().trim().to_owned();
        if out.iter().any(|(n, _)| *n == group) {
            diags.push(
                Diagnostic::new(
                    Code::E073,
                    format!("the total of \"{group}\" is stated twice"),
                    Some(g.group.span()),
                )
                .with_label("stated before")
                .with_help("state each group's total once"),
            );
            continue;
        }
        if !names.contains(&group) {
            let help = if names.is_empty() {
                "the overview has no groups: set group_by = \"committee\" or \"target_group\", or \
                 leave out group_totals"
                    .to_owned()
            } else {
                format!(
                    "{}the overview's groups are {}",
                    crate::parse::did_you_mean(&group, names.iter().map(String::as_str)),
                    names.join(", ")
                )
            };
            diags.push(
                Diagnostic::new(
                    Code::E073,
                    format!("the overview has no group \"{group}\""),
                    Some(g.group.span()),
                )
                .with_label("no such group")
                .with_help(help),
            );
            continue;
        }
        let Some(stated) = year_amounts(&g.amounts, source, diags) else {
            continue;
        };
        let members: Vec<Vec<(i64, Decimal)>> = proposals
            .iter()
            .filter(|p| group_name(group_by, p).as_deref() == Some(group.as_str()))
            .map(|p| amounts_in(p, unit))
            .collect();
        let mut accepted = Vec::new();
        for (year, value, span) in stated {
            let cells = members
                .iter()
                .map(|m| m.iter().find(|(y, _)| *y == year).map(|(_, v)| *v));
            let exact = crate::number::sum_column(cells.clone());
            let decimals = value.scale();
            let step = Decimal::new(1, decimals);
            let printed = crate::number::sum_column(
                cells.map(|c| c.map(|v| crate::number::round(v, decimals))),
            );
            let within = |sum: Option<Decimal>| sum.is_some_and(|s| (s - value).abs() <= step);
            if within(exact) || within(printed) {
                accepted.push((year, value));
                continue;
            }
            let fmt = |v: Decimal| crate::number::format_amount(v, None);
            let computed =
                exact.map_or_else(|| "nothing (no proposal has an amount)".to_owned(), fmt);
            diags.push(
                Diagnostic::new(
                    Code::E072,
                    format!(
                        "the stated total of {group} for {year} is {}, but its proposals add up to {computed}",
                        fmt(value)
                    ),
                    Some(span),
                )
                .with_label(format!("computed: {computed}"))
                .with_help(format!(
                    "correct the proposals' amounts or the stated total; rounding explains a \
                     difference of up to one step of the precision written ({}) only",
                    fmt(step)
                )),
            );
        }
        out.push((group, accepted));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::is_catalogue;

    // The quick test without a parse gives the same answer as a parse: the key written plainly,
    // quoted, dotted, as an array of tables or through an escape is found; the word in a value or
    // a comment only, or not at all, is no catalogue.
    #[test]
    fn catalogue_detection_matches_a_full_parse() {
        for (text, expected) in [
            ("[catalogue]\ntitle = \"x\"\n", true),
            ("[\"catalogue\"]\ntitle = \"x\"\n", true),
            ("catalogue.title = \"x\"\n", true),
            ("[[catalogue]]\n", true),
            ("\"\\u0063atalogue\" = { title = \"x\" }\n", true),
            ("\"\\U00000063atalogue\" = 1\n", true),
            ("id = \"A1\"\ntitle = \"catalogue\"\n", false),
            ("# catalogue\nid = \"A1\"\n", false),
            ("[proposal]\nid = \"A1\"\n", false),
            ("[proposal]\nnote = \"\\u00e6\"\n", false),
            ("not toml [", false),
        ] {
            let parsed =
                toml::de::DeTable::parse(text).is_ok_and(|t| t.get_ref().contains_key("catalogue"));
            assert_eq!(parsed, expected, "{text}");
            assert_eq!(is_catalogue(text), expected, "{text}");
        }
    }
}
