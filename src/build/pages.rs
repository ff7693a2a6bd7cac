//! `render --format html`: a web page beside each proposal's PDF, an index beside each
//! catalogue's annex with its proposals' pages, and the stylesheet `budgetnote.css` in every
//! folder that holds a page (pages link it relatively, so a folder can be published as it is).
//! The pages are filled from the project's page templates ([`html::Pages`]), loaded once with
//! the project (`watch` opens the project again when a template changes). While one of the
//! project's page templates is broken (reported once, at its line), no page is made.

use std::path::{Component, Path, PathBuf};

use crate::catalogue::CheckedCatalogue;
use crate::checked::CheckedProposal;
use crate::error::AppError;
use crate::export::html;
use crate::output;

/// The stylesheet's file name.
pub const STYLESHEET: &str = "budgetnote.css";

/// A file written, and the input that owns it in the manifest.
pub type Written = (PathBuf, PathBuf);

/// The page templates, or why no page can be made from them (a broken project template).
fn usable(pages: &html::Pages) -> Result<&html::Pages, String> {
    match pages.refusal() {
        Some(why) => Err(why),
        None => Ok(pages),
    }
}

/// Writes a proposal's page at `target` (its PDF's path with `.html`) and the stylesheet, from
/// the project's page templates.
pub fn proposal(
    pages: &html::Pages,
    p: &CheckedProposal,
    target: &Path,
    owner: &Path,
) -> Result<Vec<Written>, AppError> {
    write_proposal(usable(pages).map_err(AppError)?, p, target, owner)
}

/// [`proposal`] with the page templates loaded.
fn write_proposal(
    pages: &html::Pages,
    p: &CheckedProposal,
    target: &Path,
    owner: &Path,
) -> Result<Vec<Written>, AppError> {
    let page = target.with_extension("html");
    let text = pages.proposal(p).map_err(AppError)?;
    output::write_atomic(&page, text.as_bytes())?;
    let mut written = vec![(page, owner.to_owned())];
    written.extend(stylesheet(pages, target, owner)?);
    Ok(written)
}

/// Writes a catalogue's index at `target` with `.html`, and each of its proposals' pages where
/// the index links them: at the proposal file's place relative to the catalogue file, as a
/// folder run mirrors them (a proposal outside the catalogue's folder is linked where its own
/// render puts it, and not written here). The pages come from the project's page templates.
pub fn catalogue(
    pages: &html::Pages,
    c: &CheckedCatalogue,
    catalogue_path: &Path,
    target: &Path,
) -> Result<Vec<Written>, AppError> {
    let folder = catalogue_path.parent().unwrap_or(Path::new("."));
    let out_folder = target.parent().unwrap_or(Path::new("."));
    let links: Vec<(String, &CheckedProposal, &Path)> = c
        .proposals
        .iter()
        .map(|(file, p)| (href(folder, file), p, file.as_path()))
        .collect();
    let linked: Vec<(String, &CheckedProposal)> =
        links.iter().map(|(h, p, _)| (h.clone(), *p)).collect();
    let templates = usable(pages).map_err(AppError)?;
    let index = target.with_extension("html");
    let text = templates.catalogue(c, &linked).map_err(AppError)?;
    output::write_atomic(&index, text.as_bytes())?;
    let owner = output::absolute(catalogue_path);
    let mut written = vec![(index, owner.clone())];
    written.extend(stylesheet(templates, target, &owner)?);
    for (link, p, file) in &links {
        let inside = Path::new(link)
            .components()
            .all(|part| matches!(part, Component::Normal(_)));
        if inside {
            let owner = output::absolute(file);
            let page_target = out_folder.join(link);
            written.extend(write_proposal(templates, p, &page_target, &owner)?);
        }
    }
    Ok(written)
}

/// Fills a proposal's page in memory from the project's page templates, as `render` would: what
/// `check --format html` refuses first. Why not, in a sentence.
pub fn fill_proposal(pages: &html::Pages, p: &CheckedProposal) -> Result<(), String> {
    usable(pages)?.proposal(p).map(|_| ())
}

/// Fills a catalogue's index and its proposals' pages in memory, as [`fill_proposal`] does.
pub fn fill_catalogue(pages: &html::Pages, c: &CheckedCatalogue) -> Result<(), String> {
    let templates = usable(pages)?;
    let pages: Vec<(String, &CheckedProposal)> = c
        .proposals
        .iter()
        .enumerate()
        .map(|(i, (_, p))| (format!("{i}.html"), p))
        .collect();
    templates.catalogue(c, &pages)?;
    pages
        .iter()
        .try_for_each(|(_, p)| templates.proposal(p).map(|_| ()))
}

/// The name of a folder run's index page at the top of the output folder.
pub const INDEX: &str = "index.html";

/// Writes a folder run's index page (`index.html`, with the stylesheet) at the top of `out_dir`,
/// listing `entries`; the files written.
pub fn index(
    pages: &html::Pages,
    out_dir: &Path,
    title: &str,
    footer: &str,
    entries: &[html::IndexEntry],
) -> Result<Vec<PathBuf>, AppError> {
    let pages = usable(pages).map_err(AppError)?;
    let text = pages.index(title, footer, entries).map_err(AppError)?;
    let target = out_dir.join(INDEX);
    output::write_atomic(&target, text.as_bytes())?;
    let css = out_dir.join(STYLESHEET);
    output::write_atomic(&css, pages.stylesheet().as_bytes())?;
    Ok(vec![target, css])
}

/// The stylesheet (with the profile's colours) in the folder of `target`.
fn stylesheet(pages: &html::Pages, target: &Path, owner: &Path) -> Result<Vec<Written>, AppError> {
    let css = target.parent().unwrap_or(Path::new(".")).join(STYLESHEET);
    output::write_atomic(&css, pages.stylesheet().as_bytes())?;
    Ok(vec![(css, owner.to_owned())])
}

/// The link from a page in `folder`'s mirror to the page of `file`: its path relative to the
/// folder with `.html`, `/` between parts.
fn href(folder: &Path, file: &Path) -> String {
    let folder = output::absolute(folder);
    let file = output::absolute(file);
    let common = folder
        .components()
        .zip(file.components())
        .take_while(|(a, b)| a == b)
        .count();
    let ups = folder.components().count() - common;
    let mut parts: Vec<String> = vec!["..".to_owned(); ups];
    parts.extend(
        file.components()
            .skip(common)
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    let joined = parts.join("/");
    match joined.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() && !stem.ends_with('/') => format!("{stem}.html"),
        _ => format!("{joined}.html"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Links follow the input tree: a proposal below the catalogue's folder, beside it, and in a
    // sibling folder.
    #[test]
    fn links_mirror_the_inputs() {
        let folder = Path::new("/p/proposals");
        assert_eq!(
            href(folder, Path::new("/p/proposals/katalog/k1.toml")),
            "katalog/k1.html"
        );
        assert_eq!(href(folder, Path::new("/p/proposals/a.toml")), "a.html");
        assert_eq!(
            href(folder, Path::new("/p/other/b.toml")),
            "../other/b.html"
        );
    }
}
