//! Template fixtures: each folder under tests/templates/ holds a proposal and, beside it, a
//! snapshot of the Typst source the form's template generates for it
//! (`tests/snapshots/templates/<case>.snap`).

use crate::common;
use crate::common::root;

// Each fixture of tests/templates/, named on its own: the generated Typst matches its reviewed
// snapshot `tests/snapshots/templates/<case>.snap`.
#[test]
fn template_cases() {
    let project = budgetnote::Project::open(&root()).unwrap();
    common::snapshot_cases("templates", "*/proposal.toml", 2, |name, file| {
        let checked = project.check_file(file).unwrap();
        let proposal = checked
            .proposal
            .unwrap_or_else(|| panic!("{name}: {:#?}", checked.report.diagnostics));
        project.typst_source(&proposal).unwrap()
    });
}
