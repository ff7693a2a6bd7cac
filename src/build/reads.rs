//! Every input of a run read once, before the workers start: the same read gives the duplicate
//! ids across files (E040), which inputs are catalogues (scheduled first) and the text each
//! worker then checks, so no file is opened twice in a run.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::diagnostic::Diagnostic;
use crate::document::{self, Kind, Read};

/// The inputs of a run as read once, by job index; a refused input is never opened.
pub struct Reads(Vec<Option<Mutex<Option<Read>>>>);

impl Reads {
    /// Reads each of `paths` once (`None`: an input refused before it is opened).
    pub fn of<'a>(paths: impl IntoIterator<Item = Option<&'a Path>>) -> Self {
        Self(
            paths
                .into_iter()
                .map(|p| p.map(|p| Mutex::new(Some(document::read(p)))))
                .collect(),
        )
    }

    /// The text of input `i`, when it was read as text of `kind` (and not yet taken).
    fn text_of(&self, i: usize, kind: Kind) -> Option<String> {
        match self.0.get(i)?.as_ref()?.lock().ok()?.as_ref()? {
            Ok(Ok(text)) if text.kind == kind => Some(text.text.clone()),
            _ => None,
        }
    }

    /// Whether input `i` was read as a catalogue.
    pub fn is_catalogue(&self, i: usize) -> bool {
        self.text_of(i, Kind::Catalogue).is_some()
    }

    /// E040 per input for proposal ids an earlier input of `paths` (by index, as read) uses.
    pub fn duplicate_ids(&self, paths: &[&Path]) -> HashMap<PathBuf, Diagnostic> {
        let proposals: Vec<(PathBuf, String)> = paths
            .iter()
            .enumerate()
            .filter_map(|(i, p)| Some((p.to_path_buf(), self.text_of(i, Kind::Proposal)?)))
            .collect();
        document::duplicate_ids_among(&proposals)
    }

    /// Takes input `i`'s read out for the worker that builds it.
    pub fn take(&self, i: usize) -> Option<Read> {
        self.0.get(i)?.as_ref()?.lock().ok()?.take()
    }
}
