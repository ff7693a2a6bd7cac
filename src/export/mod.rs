//! Export of a typeset document to an output format, one module per format. Today every output
//! is a PDF (PDF/A-2a and PDF/UA-1); a new format is a variant of [`Format`] and a module here.

pub mod html;
mod pdf;

use typst::diag::SourceDiagnostic;
use typst::ecow::EcoVec;
use typst_layout::PagedDocument;

use crate::typeset::Job;

/// The formats a document can be exported to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// PDF/A-2a + PDF/UA-1, with pinned timestamp, ident and creator.
    #[default]
    Pdf,
}

impl Format {
    /// The file extension of this format, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
        }
    }
}

/// The bytes of `document` in the job's format; typst's diagnostics when the format's rules
/// (e.g. the PDF standards) refuse it.
pub fn export(
    document: &PagedDocument,
    job: &Job<'_>,
) -> Result<Vec<u8>, EcoVec<SourceDiagnostic>> {
    match job.format {
        Format::Pdf => pdf::export(document, job),
    }
}
