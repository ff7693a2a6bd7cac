//! PDF export: PDF/A-2a and PDF/UA-1, so typst refuses to write a document that breaks either;
//! timestamp, ident and creator pinned, so the same input gives the same bytes.

use typst::diag::{SourceDiagnostic, StrResult};
use typst::ecow::EcoVec;
use typst::foundations::{Datetime, Smart};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

/// The PDF bytes of `document`, stamped with `ident` and `date` (year, month, day).
pub fn export(
    document: &PagedDocument,
    ident: &str,
    date: (u16, u8, u8),
) -> Result<Vec<u8>, EcoVec<SourceDiagnostic>> {
    let standards = standards().map_err(|message| {
        EcoVec::from([SourceDiagnostic::error(
            typst::syntax::Span::detached(),
            message,
        )])
    })?;
    let (year, month, day) = date;
    let timestamp = Datetime::from_ymd(i32::from(year), month, day).map(Timestamp::new_utc);
    let options = PdfOptions {
        standards,
        ident: Smart::Custom(format!("budgetnote/{ident}")),
        creator: Smart::Custom(Some("budgetnote".into())),
        timestamp,
        ..PdfOptions::default()
    };
    typst_pdf::pdf(document, &options)
}

/// PDF/A-2a together with PDF/UA-1.
fn standards() -> StrResult<PdfStandards> {
    PdfStandards::new(&[PdfStandard::A_2a, PdfStandard::Ua_1])
        .map_err(|e| format!("cannot select PDF/A-2a and PDF/UA-1: {}", e.message()).into())
}
