//! Template fixtures: each folder under tests/templates/ holds a proposal and, beside it, a
//! snapshot of the Typst source the form's template generates for it.

use crate::common;
use crate::common::root;

// The generated Typst of every fixture matches its reviewed snapshot, and every piece of user
// text in it sits inside a string literal.
#[test]
fn generated_typst_matches_snapshots() {
    let project = budgetnote::Project::open(&root()).unwrap();
    let dirs = common::case_dirs("templates");
    assert!(dirs.len() >= 2);
    for dir in dirs {
        let checked = project.check_file(&dir.join("proposal.toml")).unwrap();
        let proposal = checked
            .proposal
            .unwrap_or_else(|| panic!("{}: {:#?}", dir.display(), checked.report.diagnostics));
        let source = project.typst_source(&proposal).unwrap();
        insta::with_settings!({
            snapshot_path => dir.clone(),
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!("generated", source);
        });
    }
}
