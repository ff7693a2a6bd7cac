//! Accounts against the chart of accounts (the bundled hovedkonto 5 and 6 with the project's
//! additions): E042 for a number that is malformed or names no function, W008 for a budget line
//! whose expense type differs from its account's usual one. The chart itself is `crate::accounts`.

use super::Context;
use crate::diagnostic::Diagnostic;

/// E042/W008 for the accounts of the proposal.
pub fn check(cx: &Context<'_>) -> Vec<Diagnostic> {
    match (cx.project, cx.proposal) {
        (Some(project), Some(proposal)) => {
            crate::accounts::diagnostics(project.chart, proposal, cx.view.text)
        }
        _ => Vec::new(),
    }
}
