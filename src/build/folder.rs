//! The output folder of a run, prepared before anything is rendered: temp files of killed runs
//! and stale outputs removed, outputs owned by another input claimed (E063), and the manifest
//! recording what is about to be written. The caller holds the folder's lock
//! ([`crate::output::lock`]) from before planning until the manifest is saved.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::plan::{Job, claim_owners};
use crate::error::AppError;
use crate::manifest::{self, Manifest};
use crate::output;

/// What a run writes besides each document's own outputs, as [`prepare`] needs to know it.
pub struct Writes<'a> {
    /// Whether each job's typeset output (its PDF) is written.
    pub typeset: bool,
    /// The collected files (spreadsheets) the run writes: path below the output folder, owner.
    pub collected: &'a [(PathBuf, PathBuf)],
    /// Whether a file of the folder (by manifest key) is of a format the run writes; files of
    /// other formats are left as they are while their input exists.
    pub asked: &'a dyn Fn(&str) -> bool,
    /// Whether each job's page is kept until the job rewrites it (`watch`: a file saved with
    /// errors keeps its last good page), instead of being cleared with the stale files.
    pub keep_pages: bool,
}

/// Before anything is rendered: removes temp files of killed runs and stale PDFs (recorded in the
/// manifest for an input of a rendered folder that this run no longer writes, or a PDF two inputs
/// now share), marks the jobs whose PDF belongs to another input that still exists, and records
/// the PDFs about to be written, so a run killed midway leaves a manifest that still knows them.
pub fn prepare(
    root: &Path,
    out_dir: &Path,
    jobs: &mut [Job],
    scopes: &[PathBuf],
    writes: &Writes<'_>,
    warn: &mut dyn FnMut(&str),
) -> Result<Manifest, AppError> {
    output::clean_temp_files(out_dir);
    let mut manifest = Manifest::load(out_dir, root);
    claim_owners(jobs, &manifest, out_dir);
    // A folder is resolved in full (it may be a symlink), like the inputs found in it.
    let scopes: Vec<PathBuf> = scopes
        .iter()
        .map(|s| {
            s.canonicalize()
                .ok()
                .filter(|c| c.is_dir())
                .unwrap_or_else(|| output::absolute(s))
        })
        .collect();
    // The PDFs this run writes, and those it leaves to their owner.
    let mut current = BTreeMap::new();
    for job in jobs.iter().filter(|j| j.writes() || j.owned_by.is_some()) {
        if let Some(key) = manifest::key(&job.relative) {
            current.insert(key, output::absolute(&job.path));
        }
        let page = job.relative.with_extension("html");
        if let Some(key) = manifest::key(&page).filter(|_| writes.keep_pages) {
            current.insert(key, output::absolute(&job.path));
        }
    }
    // Spreadsheets this run writes; files of a format not asked for are left as they are while
    // their input exists (a `--format pdf` run keeps an earlier run's workbook).
    current.extend(
        writes
            .collected
            .iter()
            .filter_map(|(relative, owner)| Some((manifest::key(relative)?, owner.clone()))),
    );
    for (key, source) in &manifest.files {
        if !(writes.asked)(key) && Path::new(source).exists() {
            current
                .entry(key.clone())
                .or_insert_with(|| PathBuf::from(source));
        }
    }
    let shared = jobs.iter().filter(|j| j.collides_with.is_some());
    let mut stale = manifest.stale(&scopes, &current);
    stale.extend(
        shared
            .filter(|j| manifest.contains(&j.relative))
            .map(|j| j.relative.clone()),
    );
    for relative in stale {
        if let Some(warning) =
            output::remove_recorded(out_dir, &relative, manifest.written(&relative))?
        {
            warn(&warning);
        }
        manifest.forget(&relative);
    }
    if writes.typeset {
        for job in jobs.iter().filter(|j| j.writes()) {
            manifest.record(&job.relative, &output::absolute(&job.path));
        }
    }
    for (relative, owner) in writes.collected {
        manifest.record(relative, owner);
    }
    manifest.save(out_dir)?;
    Ok(manifest)
}
