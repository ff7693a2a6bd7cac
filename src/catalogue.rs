//! Catalogues ("Bilag 1. Katalog med forslag"): a frame, a grouping, and the proposals they include.
//!
//! A catalogue is a TOML file with a `[catalogue]` table; its proposals are ordinary proposal files.

use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use serde::Deserialize;
use toml::Spanned;

use crate::Project;
use crate::checked::{CheckedProposal, Unit};
use crate::diagnostic::{Code, Diagnostic, FileReport};
use crate::files::{self, Confinement};
use crate::model::RawAmount;
use crate::{AppError, Checked};

/// A catalogue file: just the `[catalogue]` table.
#[derive(Debug, Clone, Deserialize)]
pub struct CatalogueFile {
    /// The catalogue.
    pub catalogue: Spanned<CatalogueSpec>,
}

/// The catalogue as written.
#[derive(Debug, Clone, Deserialize)]
pub struct CatalogueSpec {
    /// Annex label printed above the title, e.g. "Bilag 1.".
    #[serde(default)]
    pub annex: Option<Spanned<String>>,
    /// Title, e.g. "Katalog med forslag".
    pub title: Spanned<String>,
    /// The budget year the frame is for.
    pub year: Spanned<i64>,
    /// The frame ("råderum") the proposals compete for.
    pub frame: Spanned<Frame>,
    /// How the overview groups proposals: "target_group", "committee" or "none".
    #[serde(default)]
    pub group_by: Option<Spanned<String>>,
    /// Caption over each proposal's chart.
    #[serde(default)]
    pub chart_caption: Option<Spanned<String>>,
    /// Proposal files or folders, relative to the catalogue file, in print order.
    pub proposals: Vec<Spanned<String>>,
}

/// The frame: an amount, its unit, and what it is called.
#[derive(Debug, Clone, Deserialize)]
pub struct Frame {
    /// The amount, e.g. "21".
    pub amount: Spanned<RawAmount>,
    /// "mio. kr." or "1.000 kr.".
    pub unit: Spanned<String>,
    /// What the frame is called, e.g. "Råderum".
    #[serde(default)]
    pub label: Option<Spanned<String>>,
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
    /// The frame in millions of kroner.
    pub frame: Decimal,
    /// What the frame is called.
    pub frame_label: String,
    /// Grouping of the overview.
    pub group_by: GroupBy,
    /// Caption over each chart.
    pub chart_caption: String,
    /// The proposals with their files.
    pub proposals: Vec<(PathBuf, CheckedProposal)>,
}

/// Whether a TOML text is a catalogue (it has a top-level `catalogue` table).
pub fn is_catalogue(source: &str) -> bool {
    toml::de::DeTable::parse(source).is_ok_and(|t| t.get_ref().contains_key("catalogue"))
}

/// Checks a catalogue file and every proposal it includes.
///
/// Returns the catalogue's report, the reports of its proposals, and the catalogue if nothing
/// in it or its proposals has errors.
pub fn check(
    path: &Path,
    source: String,
    project: &Project,
) -> Result<(FileReport, Vec<Checked>, Option<CheckedCatalogue>), AppError> {
    let view = crate::source::SourceView::new(&source);
    let (file, mut diags) = crate::parse::parse_view::<CatalogueFile>(&view);
    diags.extend(crate::checks::content::check(&view));
    if file.is_some() {
        diags.extend(project.glyphs().diagnostics(&view));
    }
    let mut included = Vec::new();
    let mut checked = None;
    if let Some(file) = file {
        let spec = file.catalogue.get_ref();
        let base = path.parent().unwrap_or(Path::new("."));
        let files = resolve(&project.root, path, base, &spec.proposals, &mut diags)?;
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
        let frame = frame_in_millions(spec.frame.get_ref(), &source, &mut diags);
        let group_by = group_by(spec.group_by.as_ref(), &mut diags);
        let has_errors = diags
            .iter()
            .any(|d| d.severity() == crate::diagnostic::Severity::Error);
        if let (Some(frame), Some(group_by), false) = (frame, group_by, has_errors) {
            checked = Some(CheckedCatalogue {
                annex: spec.annex.as_ref().map(|a| a.get_ref().trim().to_owned()),
                title: spec.title.get_ref().trim().to_owned(),
                year: *spec.year.get_ref(),
                frame,
                frame_label: spec
                    .frame
                    .get_ref()
                    .label
                    .as_ref()
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
