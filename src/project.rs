//! A project root opened once: templates, fonts, forms, profile and chart of accounts loaded for
//! every document, and the typesetting of checked documents (with the render cache).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::checked::CheckedProposal;
use crate::diagnostic::{self, FileReport};
use crate::document::{Checked, check_source_in, read_text_in};
use crate::error::AppError;
use crate::sources::{Sources, WorkTree};
use crate::{
    accounts, annex, cache, catalogue, checked, checks, config, fill, forms, git, logo, markdown,
    refusal, typeset,
};

/// A project root with its templates and fonts loaded once for every document.
pub struct Project {
    /// The project root (templates/, fonts/ live here).
    pub root: PathBuf,
    /// Template environment.
    filler: fill::Filler,
    /// Shared typst library and fonts.
    typesetter: Arc<typeset::Typesetter>,
    /// What the bundled fonts can print.
    glyphs: checks::glyphs::Glyphs,
    /// The project's settings (`budgetnote.toml`).
    config: config::Config,
    /// The chart of accounts: the bundled one with the project's additions.
    chart: accounts::Chart,
    /// The forms: the bundled ones with the project's own under `templates/<name>/`.
    forms: forms::Forms,
    /// Mistakes in the project's own form descriptions (those forms are left out).
    form_reports: Vec<FileReport>,
    /// The web pages' templates (the bundled ones with the project's own `*.html.j2`) and the
    /// mistakes in the project's own (reported by runs that make web pages), loaded when a run
    /// first asks for web pages, so a PDF run does not parse them.
    pages: std::sync::OnceLock<(crate::export::html::Pages, Vec<FileReport>)>,
    /// Where the forms, templates, fonts and profile come from (for the page templates).
    settings: Arc<dyn Sources>,
    /// The profile's logo with the path typst reads, for proposals without their own.
    profile_logo: Option<checked::Logo>,
    /// Logos checked so far (by real path), so a shared logo is decoded and typeset once.
    logos: std::sync::Mutex<std::collections::HashMap<PathBuf, Result<String, logo::Problem>>>,
    /// The git revision `render --stamp` prints in every proposal checked from now on.
    stamper: Option<git::Stamper>,
    /// Where proposals, catalogues, their spreadsheets and logos are read from.
    documents: Arc<dyn Sources>,
}

impl Project {
    /// Opens the project at `root`, loading templates and fonts.
    pub fn open(root: &Path) -> Result<Self, AppError> {
        Self::open_or_report(root).map_err(|e| e.into_app_error())
    }

    /// [`Self::open`], keeping the diagnostics of a `budgetnote.toml` with problems as a report,
    /// so that `check --format json|github` can print them like a proposal's.
    pub fn open_or_report(root: &Path) -> Result<Self, config::SettingsError> {
        let tree: Arc<dyn Sources> = Arc::new(WorkTree::new(root));
        Self::open_with(tree.clone(), tree)
    }

    /// Opens a project whose proposals, catalogues, spreadsheets and logos come from
    /// `documents`, and whose forms, templates, fonts and profile (`budgetnote.toml` and its
    /// logo) come from `settings`: the working tree or a git revision each (`diff` reads a
    /// revision's proposals with its own forms, or with the working tree's). What typst reads
    /// while typesetting comes from the working tree under the root of `documents`; a project
    /// over a revision is for checking and comparing, not for typesetting.
    pub fn open_with(
        documents: Arc<dyn Sources>,
        settings: Arc<dyn Sources>,
    ) -> Result<Self, config::SettingsError> {
        checks::prepare();
        let root = documents.root().to_owned();
        let root = root.as_path();
        let app = config::SettingsError::App;
        let (filler, template_reports) =
            fill::Filler::load_from(settings.as_ref(), &settings.root().join("templates"))
                .map_err(|e| app(AppError(e)))?;
        // Fonts are read once, from the settings' source (a revision's own fonts in `diff`).
        let fonts = typeset::load_fonts(settings.as_ref(), &settings.root().join("fonts"))
            .map_err(|e| app(AppError(e)))?;
        let glyphs = checks::glyphs::Glyphs::new(&fonts);
        let (mut forms, mut form_reports) = forms::Forms::load_from(settings.as_ref(), &glyphs);
        form_reports.extend(template_reports);
        let config = config::Config::load_from(settings.as_ref(), &forms, &glyphs)?;
        // The profile's colours and language reach the shared layout as `sys.inputs` (and the
        // colours the web pages' stylesheet, once pages are loaded).
        let inputs = config.layout_inputs();
        let typesetter =
            typeset::Typesetter::with_fonts(root, fonts, &inputs).map_err(|e| app(AppError(e)))?;
        if let Some(language) = &config.profile.language {
            forms.use_language(language.get_ref());
        }
        forms.rename_headings(config.profile.headings.iter().flat_map(|(form, headings)| {
            headings.iter().map(move |(key, heading)| {
                (form.as_str(), key.as_str(), heading.get_ref().as_str())
            })
        }));
        forms.set_required(config.profile.required.iter().flat_map(|(form, sections)| {
            sections
                .iter()
                .map(move |(key, required)| (form.as_str(), key.as_str(), *required.get_ref()))
        }));
        forms.rename_labels(config.profile.labels.iter().flat_map(|(form, labels)| {
            labels
                .iter()
                .map(move |(key, text)| (form.as_str(), key.as_str(), text.get_ref().as_str()))
        }));
        for (form, groups) in &config.profile.checkboxes {
            for (key, group) in groups {
                let g = group.get_ref();
                forms.set_checkboxes(
                    (form, key),
                    g.title.as_deref(),
                    &g.options,
                    g.exclusive.as_deref(),
                );
            }
        }
        let chart = config.chart();
        let profile_logo = config.profile_logo.clone();
        Ok(Self {
            config,
            chart,
            root: root.to_owned(),
            filler,
            typesetter,
            glyphs,
            forms,
            form_reports,
            pages: std::sync::OnceLock::new(),
            settings,
            profile_logo,
            logos: std::sync::Mutex::new(std::collections::HashMap::new()),
            stamper: None,
            documents,
        })
    }

    /// Stamps every proposal checked from now on with the git revision of HEAD (`render
    /// --stamp`); why not, when the project is not in a git repository with a commit.
    pub fn stamp_with_git(&mut self) -> Result<(), String> {
        let in_footer = self
            .config
            .profile
            .footer_stamp
            .as_ref()
            .is_some_and(|s| *s.get_ref());
        self.stamper = Some(git::Stamper::new(&self.root, in_footer)?);
        Ok(())
    }

    /// The forms available in this project.
    pub fn forms(&self) -> &forms::Forms {
        &self.forms
    }

    /// Diagnostics of the project's own form descriptions; a form with errors is not available.
    pub fn form_reports(&self) -> &[FileReport] {
        &self.form_reports
    }

    /// The municipality named by the profile, if any.
    pub fn municipality(&self) -> Option<&str> {
        self.config
            .profile
            .municipality
            .as_ref()
            .map(|m| m.get_ref().as_str())
    }

    /// The web pages' templates, loaded the first time they are asked for.
    pub fn pages(&self) -> &crate::export::html::Pages {
        &self.loaded_pages().0
    }

    /// Mistakes in the project's own page templates, each at its line.
    pub fn page_reports(&self) -> &[FileReport] {
        &self.loaded_pages().1
    }

    /// The page templates (with the profile's colours) and their mistakes, loaded once.
    fn loaded_pages(&self) -> &(crate::export::html::Pages, Vec<FileReport>) {
        self.pages.get_or_init(|| {
            let (mut pages, reports) = crate::export::html::Pages::load_from(
                self.settings.as_ref(),
                &self.settings.root().join("templates"),
            );
            pages.use_colours(&self.config.layout_inputs());
            (pages, reports)
        })
    }

    /// Parses and validates a proposal's source, including that the fonts can print its text
    /// and that its logo is an image inside the project.
    pub fn check_source(&self, path: &Path, source: String) -> Checked {
        self.check_source_and_model(path, source).0
    }

    /// [`Self::check_source`], also returning the parsed model with its spreadsheet figures (when
    /// the text parses, even if validation then failed), for `diff` to compare the figures of a
    /// proposal with errors.
    pub fn check_source_and_model(
        &self,
        path: &Path,
        source: String,
    ) -> (Checked, Option<crate::model::Proposal>) {
        let data = checks::ProjectData {
            root: &self.root,
            glyphs: &self.glyphs,
            committees: &self.config.committees,
            chart: &self.chart,
        };
        let (checked, model) = check_source_in(
            path,
            source,
            &self.forms,
            &self.config.profile,
            Some(&data),
            self.documents.as_ref(),
        );
        let mut checked = self.resolve_logo(path, checked);
        if let Some(d) = crate::document::name_not_utf8(&self.root, path) {
            checked.report.diagnostics.push(d);
            checked.report.sort();
            checked.proposal = None;
        }
        if let Some(proposal) = checked.proposal.as_mut() {
            proposal.stamp = self.stamp(path);
        }
        (checked, model)
    }

    /// The git revision `render --stamp` prints for the file at `path`; `None` without it.
    pub fn stamp(&self, path: &Path) -> Option<checked::Stamp> {
        self.stamper.as_ref().map(|s| s.stamp(&self.root, path))
    }

    /// What the bundled fonts can print.
    pub fn glyphs(&self) -> &checks::glyphs::Glyphs {
        &self.glyphs
    }

    /// Reads one budget file of the project once (from its documents' source) and says whether
    /// it is a proposal or a catalogue.
    pub fn read(&self, path: &Path) -> crate::document::Read {
        crate::document::read_in(self.documents.as_ref(), path)
    }

    /// Reads and checks a proposal file, including that the fonts can print its text.
    pub fn check_file(&self, path: &Path) -> Result<Checked, AppError> {
        match read_text_in(self.documents.as_ref(), path)? {
            Ok(source) => Ok(self.check_source(path, source)),
            Err(report) => Ok(Checked {
                report,
                proposal: None,
            }),
        }
    }

    /// The logo: the proposal's own, checked and decoded and typeset alone (E036, E054), its path
    /// made the root-relative one typst reads; or the profile's, checked when the project opened.
    fn resolve_logo(&self, path: &Path, mut checked: Checked) -> Checked {
        if let Some(proposal) = checked.proposal.as_mut()
            && proposal.logo.is_none()
        {
            // The profile's logo, checked once when the project was opened.
            proposal.logo = self.profile_logo.clone();
            return checked;
        }
        let Some(logo) = checked.proposal.as_mut().and_then(|p| p.logo.as_mut()) else {
            return checked;
        };
        let file = path.parent().unwrap_or(Path::new(".")).join(&logo.file);
        // A logo shared by many proposals (a catalogue's) is read, decoded and typeset once.
        let key = if self.documents.is_worktree() {
            file.canonicalize().ok()
        } else {
            Some(file.clone())
        };
        let cached = key.as_ref().and_then(|k| {
            self.logos
                .lock()
                .ok()
                .and_then(|logos| logos.get(k).cloned())
        });
        let checked_logo = match cached {
            Some(result) => result,
            None => {
                let result = self.check_logo(&file);
                if let (Some(k), Ok(mut logos)) = (key, self.logos.lock()) {
                    logos.insert(k, result.clone());
                }
                result
            }
        };
        match checked_logo {
            Ok(vpath) => logo.file = vpath,
            Err((code, why)) => {
                let help = if why.contains("could not be displayed") {
                    "convert the logo's text to outlines (paths) in the drawing program, or export the logo as PNG"
                } else if code == diagnostic::Code::E054 {
                    "export the logo smaller (a few hundred pixels across is plenty), or as SVG"
                } else if why.starts_with("is a broken")
                    || why.starts_with("cannot be read")
                    || why.starts_with("cannot be printed")
                {
                    "open the image in an image program and save it again as PNG, JPEG or SVG"
                } else {
                    "give the path, relative to this proposal file, of an SVG, PNG or JPEG image inside the project folder"
                };
                let diagnostic = diagnostic::Diagnostic::new(
                    code,
                    format!("the logo \"{}\" {why}", logo.file),
                    Some(logo.span.clone()),
                )
                .with_help(help);
                checked.report.diagnostics.push(diagnostic);
                checked.report.sort();
                checked.proposal = None;
            }
        }
        checked
    }

    /// The logo at `file` checked, decoded and typeset alone, as the document will typeset it
    /// (an SVG's text in a font the project lacks is refused here, at the logo's line).
    fn check_logo(&self, file: &Path) -> Result<String, logo::Problem> {
        let checked = logo::check_in(self.documents.as_ref(), file);
        // Typst reads the working tree: a revision's logo is checked and decoded, not typeset.
        if !self.documents.is_worktree() {
            return checked;
        }
        checked.and_then(|vpath| {
            let job = typeset::Job {
                source: format!(
                    "#import \"/templates/budgetnote.typ\": *\n#show: note.with(title: \"Logo\", author: (), description: \"\", keywords: (), footer-left: [])\n#logo({}, alt: \"Logo\")\n",
                    markdown::typst_string(&vpath)
                ),
                date: (2000, 1, 1),
                ident: "logo",
            };
            match self.typesetter.typeset(&job) {
                Ok(_) => Ok(vpath),
                Err(refusals) => Err((
                    diagnostic::Code::E036,
                    format!("cannot be printed: {}", join(&refusals)),
                )),
            }
        })
    }

    /// The Typst source generated for a proposal.
    pub fn typst_source(&self, proposal: &CheckedProposal) -> Result<String, AppError> {
        self.filler.fill(proposal).map_err(AppError)
    }

    /// The Typst source generated for a catalogue annex.
    pub fn catalogue_source(
        &self,
        catalogue: &catalogue::CheckedCatalogue,
    ) -> Result<String, AppError> {
        self.filler.fill_catalogue(catalogue).map_err(AppError)
    }

    /// Typesets a checked proposal to PDF bytes. When typst or the PDF standard refuses its
    /// content, the refusal becomes a diagnostic at that content (E056; E057 when budgetnote
    /// itself failed) and the proposal is withheld. `check` and `render` both call this, so
    /// they refuse the same files. `None` when the file has errors.
    pub fn typeset(&self, checked: &mut Checked) -> Result<Option<Vec<u8>>, AppError> {
        Ok(self
            .typeset_reusing(checked, None)?
            .and_then(Made::into_bytes))
    }

    /// [`Self::typeset`], asking the render cache first: when `reuse` shows that the PDF these
    /// inputs make is already at its target, nothing is typeset ([`Made::Unchanged`]).
    pub fn typeset_reusing(
        &self,
        checked: &mut Checked,
        reuse: Option<&Reuse<'_>>,
    ) -> Result<Option<Made>, AppError> {
        let Some(proposal) = &checked.proposal else {
            return Ok(None);
        };
        // A form's template that cannot be filled is the project's error, reported with the
        // proposal (exit 1), never a bare application failure.
        let source = match self.filler.fill(proposal) {
            Ok(source) => source,
            Err(why) => {
                let report = &mut checked.report;
                report.diagnostics.push(
                    diagnostic::Diagnostic::new(
                        diagnostic::Code::E056,
                        format!("the PDF cannot be made: {why}"),
                        Some(0..0),
                    )
                    .with_help("fix the form's template (`budgetnote forms` names where the form comes from)"),
                );
                report.sort();
                checked.proposal = None;
                return Ok(None);
            }
        };
        let job = typeset::Job {
            source,
            date: document_date(proposal.date, proposal.budget_year()),
            ident: &proposal.id,
        };
        let refused = match self.run_job(&job, reuse, None) {
            Ok(made) => return Ok(Some(made)),
            Err(refusals) => refusals,
        };
        let report = &mut checked.report;
        report.diagnostics.extend(
            refused
                .iter()
                .map(|r| refusal::diagnostic(r, &job.source, &report.source)),
        );
        report.sort();
        checked.proposal = None;
        Ok(None)
    }

    /// Typesets `job`, unless `reuse` shows its PDF is already made: same key, every file it
    /// read unchanged, and the PDF at the target (when there is one) byte for byte the one
    /// recorded.
    fn run_job(
        &self,
        job: &typeset::Job<'_>,
        reuse: Option<&Reuse<'_>>,
        annex: Option<usize>,
    ) -> Result<Made, Vec<typeset::Refusal>> {
        let key = reuse.and_then(|_| self.typesetter.key(job));
        if let (Some(reuse), Some(key)) = (reuse, &key)
            && let Some(previous) = reuse.previous
            && previous.key == *key
            && self.typesetter.files_unchanged(&previous.files)
            && reuse
                .target
                .is_none_or(|target| cache::holds(target, &previous.output))
        {
            return Ok(Made::Unchanged(previous.clone()));
        }
        let typeset = match annex {
            Some(proposals) => self.typeset_annex(job, proposals)?,
            None => self.typesetter.typeset_recording(job)?,
        };
        let entry = key.map(|key| cache::Entry {
            key,
            files: typeset.files,
            output: cache::hash(&typeset.bytes),
        });
        Ok(Made::Typeset(typeset.bytes, entry))
    }

    /// Typesets a catalogue annex like [`Self::typeset`]: refusals become diagnostics of the
    /// catalogue file in `report` (naming the proposal file whose text was refused, if it is one
    /// of `included`), and no annex is made. `reuse` asks the render cache first.
    pub fn typeset_catalogue(
        &self,
        report: &mut FileReport,
        catalogue: &catalogue::CheckedCatalogue,
        included: &[Checked],
        reuse: Option<&Reuse<'_>>,
    ) -> Result<Option<Made>, AppError> {
        let ident = format!("catalogue/{}", catalogue.title);
        let job = self.catalogue_job(catalogue, &ident)?;
        match self.run_job(&job, reuse, Some(catalogue.proposals.len())) {
            Ok(made) => Ok(Some(made)),
            Err(refusals) => {
                let proposals: Vec<&FileReport> = included.iter().map(|c| &c.report).collect();
                report.diagnostics.extend(refusals.iter().map(|r| {
                    refusal::catalogue_diagnostic(r, &job.source, &report.source, &proposals)
                }));
                report.sort();
                Ok(None)
            }
        }
    }

    /// The typesetting job of a catalogue annex whose PDF ident is `ident`.
    fn catalogue_job<'a>(
        &self,
        catalogue: &catalogue::CheckedCatalogue,
        ident: &'a str,
    ) -> Result<typeset::Job<'a>, AppError> {
        Ok(typeset::Job {
            source: self.catalogue_source(catalogue)?,
            date: document_date(None, Some(catalogue.year)),
            ident,
        })
    }

    /// The PDF of a catalogue annex; a refusal is an application error (for callers that checked
    /// the catalogue already).
    pub fn catalogue_pdf(
        &self,
        catalogue: &catalogue::CheckedCatalogue,
    ) -> Result<Vec<u8>, AppError> {
        let ident = format!("catalogue/{}", catalogue.title);
        let job = self.catalogue_job(catalogue, &ident)?;
        self.typeset_annex(&job, catalogue.proposals.len())
            .map(|typeset| typeset.bytes)
            .map_err(|refusals| {
                AppError(format!(
                    "typesetting catalogue {} failed: {}",
                    catalogue.title,
                    join(&refusals)
                ))
            })
    }

    /// The PDF of a catalogue annex typeset in parts whatever its size (see [`annex`]), never
    /// whole; an error says why it could not be (for tests comparing it with the whole annex).
    pub fn catalogue_pdf_in_parts(
        &self,
        catalogue: &catalogue::CheckedCatalogue,
    ) -> Result<Vec<u8>, AppError> {
        let ident = format!("catalogue/{}", catalogue.title);
        let job = self.catalogue_job(catalogue, &ident)?;
        annex::typeset(&self.typesetter, &job, catalogue.proposals.len())
            .map(|typeset| typeset.bytes)
            .map_err(|why| {
                AppError(format!(
                    "typesetting catalogue {} in parts failed: {why}",
                    catalogue.title
                ))
            })
    }

    /// Typesets an annex of `proposals` proposals: in parts from [`annex::PARTS_FROM`] on, so
    /// memory does not grow with everything typeset; whole when smaller, or when the parts could
    /// not be made (then typst's refusals are reported at their place in the generated source).
    fn typeset_annex(
        &self,
        job: &typeset::Job<'_>,
        proposals: usize,
    ) -> Result<typeset::Typeset, Vec<typeset::Refusal>> {
        if proposals >= annex::PARTS_FROM
            && let Ok(typeset) = annex::typeset(&self.typesetter, job, proposals)
        {
            return Ok(typeset);
        }
        self.typesetter.typeset_recording(job)
    }

    /// The PDF of a proposal; a refusal is an application error (for callers that checked the
    /// proposal already).
    pub fn pdf(&self, proposal: &CheckedProposal) -> Result<Vec<u8>, AppError> {
        let source = self.typst_source(proposal)?;
        let job = typeset::Job {
            source,
            date: document_date(proposal.date, proposal.budget_year()),
            ident: &proposal.id,
        };
        self.typesetter.typeset(&job).map_err(|refusals| {
            AppError(format!(
                "typesetting {} failed: {}",
                proposal.id,
                join(&refusals)
            ))
        })
    }
}

impl catalogue::Includes for Project {
    fn root(&self) -> &Path {
        &self.root
    }

    fn check_file(&self, path: &Path) -> Result<Checked, AppError> {
        Project::check_file(self, path)
    }

    fn glyph_diagnostics(
        &self,
        view: &crate::source::SourceView<'_>,
    ) -> Vec<diagnostic::Diagnostic> {
        self.glyphs.diagnostics(view)
    }

    fn stamp(&self, path: &Path) -> Option<checked::Stamp> {
        Project::stamp(self, path)
    }
}

/// What the render cache knows of one document's output, asked before typesetting it.
pub struct Reuse<'a> {
    /// What the last run recorded for this output, if anything.
    pub previous: Option<&'a cache::Entry>,
    /// The PDF that must still hold the recorded bytes; `None` when no PDF is written (then a
    /// matching key and files show only that typst accepted these inputs before).
    pub target: Option<&'a Path>,
}

/// A document's typesetting, or the finding that it need not be typeset again.
#[derive(Debug)]
pub enum Made {
    /// Typeset now: the PDF, and its cache entry (`None` when the build cannot be identified).
    Typeset(Vec<u8>, Option<cache::Entry>),
    /// The PDF these inputs make is already at its target; nothing was typeset.
    Unchanged(cache::Entry),
}

impl Made {
    /// The PDF typeset now, if it was.
    pub fn into_bytes(self) -> Option<Vec<u8>> {
        match self {
            Made::Typeset(bytes, _) => Some(bytes),
            Made::Unchanged(_) => None,
        }
    }

    /// The cache entry of the output.
    pub fn entry(&self) -> Option<&cache::Entry> {
        match self {
            Made::Typeset(_, entry) => entry.as_ref(),
            Made::Unchanged(entry) => Some(entry),
        }
    }
}

/// Refusals as one message.
fn join(refusals: &[typeset::Refusal]) -> String {
    refusals
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// The date a PDF carries (PDF/A requires one): `SOURCE_DATE_EPOCH` when set, else the date the
/// file states, else 1 January of its budget year, else 1 January 2000. Never the clock, so the
/// same sources give the same bytes.
fn document_date(stated: Option<(u16, u8, u8)>, year: Option<i64>) -> (u16, u8, u8) {
    source_date_epoch()
        .or(stated)
        .or_else(|| year.and_then(|y| u16::try_from(y).ok()).map(|y| (y, 1, 1)))
        .unwrap_or((2000, 1, 1))
}

/// The date in `SOURCE_DATE_EPOCH`, if set and valid.
fn source_date_epoch() -> Option<(u16, u8, u8)> {
    let secs: i64 = std::env::var("SOURCE_DATE_EPOCH")
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(crate::dates::civil_from_days(secs.div_euclid(86_400)))
}
