//! Committees against the municipality's register in `budgetnote.toml`: each budget line's
//! abbreviation must be registered (E038) and name one of the proposal's committees (E039). A
//! line may also name one of the proposal's committees in full ("Socialudvalget"), which needs no
//! register: `init`'s examples do, so they survive a municipality rewriting the register.
//! Without a register the check is off.

use super::Context;
use crate::diagnostic::{Code, Diagnostic};

/// E038/E039 for the budget lines of the proposal.
pub fn check(cx: &Context<'_>) -> Vec<Diagnostic> {
    let (Some(project), Some(proposal)) = (cx.project, cx.proposal) else {
        return Vec::new();
    };
    let register = project.committees;
    if register.is_empty() {
        return Vec::new();
    }
    let listed = || {
        register
            .iter()
            .map(|(abbreviation, name)| format!("{abbreviation} = {}", name.get_ref()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut found = Vec::new();
    for line in proposal.budget.iter().flat_map(|b| &b.lines) {
        let span = Some(line.committee_span.clone());
        let written = line.committee.trim();
        if proposal.committees.iter().any(|c| c.trim() == written) {
            continue;
        }
        match register.get(written).map(|name| name.get_ref().trim()) {
            None => {
                let nearest = crate::parse::nearest(written, register.keys().map(String::as_str))
                    .map_or_else(String::new, |c| format!("did you mean \"{c}\"? "));
                found.push(
                    Diagnostic::new(
                        Code::E038,
                        format!(
                            "committee \"{}\" is not in the register of committees",
                            line.committee
                        ),
                        span,
                    )
                    .with_label("unknown abbreviation")
                    .with_help(format!(
                        "{nearest}use one of the register's abbreviations ({}), add it to {}, or write one of the proposal's committees in full",
                        listed(),
                        crate::files::SETTINGS_FILE
                    )),
                );
            }
            Some(name) if !proposal.committees.iter().any(|c| c == name) => found.push(
                Diagnostic::new(
                    Code::E039,
                    format!(
                        "{} ({name}) is not one of this proposal's committees",
                        line.committee
                    ),
                    span,
                )
                .with_label("not in `committees`")
                .with_help(format!(
                    "add \"{name}\" to `committees`, or give the line one of: {}",
                    proposal.committees.join(", ")
                )),
            ),
            Some(_) => {}
        }
    }
    found
}
