//! The checks a proposal gets after it is read: one module per check, each with its codes,
//! registered in one list, [`CHECKS`]. Every check reads the same [`Context`]: the file's spanned
//! view (parsed once), the checked proposal once validation has passed, and the project's data
//! (fonts, register of committees, chart of accounts) when the check needs the project.
//!
//! Reading the TOML into the model (`parse`) and the schema rules that build the checked
//! proposal (`validate`) come before; the typesetter's own refusals (`refusal`) and
//! acknowledgements (`acknowledge`) come after.

pub mod accounts;
pub mod amendment;
pub mod annual;
pub mod committees;
pub mod content;
pub mod cross_table;
pub mod decimal_point;
pub mod fte;
pub mod glyphs;
pub mod identity;
pub mod letters;
pub mod links;
pub mod parts;
pub mod period;
pub mod plausible;
pub mod prose;
pub mod same_as;
pub mod years;

use crate::checked::CheckedProposal;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::SourceView;

/// Builds the checks' text patterns on a thread of its own, once per process, while the caller
/// loads the project and reads its files. Building them costs up to 30 million instructions
/// (5-10 ms), a tenth of rendering a two-page proposal, which a one-off `render FILE` or
/// `check FILE` would otherwise spend before its checks can run; a check that needs a pattern
/// still being built waits for it, and one not yet reached builds it itself.
pub fn prepare() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        // In the order the checks first use them; without a thread each is built when needed.
        let _ = std::thread::Builder::new()
            .name("prepare-checks".into())
            .spawn(|| {
                prose::prepare();
                prose::bound::prepare();
                annual::prepare_markers();
                years::prepare_plans();
                annual::prepare_narrowing();
                parts::prepare();
                decimal_point::prepare();
                fte::prepare();
                period::prepare();
                years::prepare_years();
            });
    });
}

/// What a check reads.
pub struct Context<'a> {
    /// The file's text and its spanned TOML, parsed once.
    pub view: &'a SourceView<'a>,
    /// The file's prose strings (sections, agreement, tables' text), collected once.
    pub prose: &'a [prose::Prose],
    /// The proposal, when it has passed validation.
    pub proposal: Option<&'a CheckedProposal>,
    /// The project's data, for checks that compare against it (`None` outside a project).
    pub project: Option<&'a ProjectData<'a>>,
}

/// What checks compare a proposal with: the project's fonts, register and chart.
pub struct ProjectData<'a> {
    /// The project's root folder: files a proposal names (spreadsheets) must lie inside it.
    pub root: &'a std::path::Path,
    /// Which characters the fonts can print.
    pub glyphs: &'a glyphs::Glyphs,
    /// The register of committees (abbreviation → name); empty: no register.
    pub committees: &'a std::collections::BTreeMap<String, toml::Spanned<String>>,
    /// The chart of accounts with the project's additions.
    pub chart: &'a crate::accounts::Chart,
}

/// What a check needs before it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// Only the file: it runs even when validation failed, so all is reported at once.
    Source,
    /// A proposal that passed validation.
    Proposal,
    /// The project's data and the file.
    Project,
    /// The project's data and a proposal that passed validation.
    ProjectAndProposal,
}

/// One registered check.
pub struct Check {
    /// What it checks, in a few words.
    pub name: &'static str,
    /// The codes it reports.
    pub codes: &'static [Code],
    /// What it needs to run.
    pub needs: Needs,
    /// The check itself.
    pub run: fn(&Context<'_>) -> Vec<Diagnostic>,
}

/// Every check, in the order they run.
pub const CHECKS: &[Check] = &[
    Check {
        name: "text the typesetter and PDF standards accept",
        codes: &[Code::E050, Code::E051, Code::E052, Code::E053],
        needs: Needs::Source,
        run: |cx| content::check(cx.view),
    },
    Check {
        name: "links only to web, mail and relative addresses",
        codes: &[Code::E105],
        needs: Needs::Source,
        run: |cx| links::check(cx.view),
    },
    Check {
        name: "characters the fonts can print",
        codes: &[Code::E029],
        needs: Needs::Project,
        run: |cx| {
            cx.project
                .map_or_else(Vec::new, |p| p.glyphs.diagnostics(cx.view))
        },
    },
    Check {
        name: "amounts in the text against the tables",
        codes: &[Code::W003, Code::E123],
        needs: Needs::Proposal,
        run: |cx| {
            with_proposal(cx, |p| {
                // Amounts bound to a year or given every year are compared year by year.
                let yearly = prose::year::Yearly::of(p);
                let elsewhere = |text: &str, amount: &prose::Written| {
                    yearly.placed(text, amount).is_some() || annual::handles(text, amount, p)
                };
                prose::check(cx.view.text, cx.prose, p, &elsewhere)
            })
        },
    },
    Check {
        name: "amounts the text binds to a year against that year's figures",
        codes: &[Code::E120, Code::W044],
        needs: Needs::Proposal,
        run: |cx| with_proposal(cx, |p| prose::year::check(cx.view.text, cx.prose, p)),
    },
    Check {
        name: "arithmetic in words and quantities stated twice in the text",
        codes: &[Code::E121, Code::E122],
        needs: Needs::Source,
        run: |cx| {
            let mut found = prose::arithmetic::check(cx);
            found.extend(prose::repeated::check(cx));
            found
        },
    },
    Check {
        name: "amounts a year in the text against every year of the period",
        codes: &[Code::W025],
        needs: Needs::Proposal,
        run: |cx| with_proposal(cx, |p| annual::check(cx.view.text, cx.prose, p)),
    },
    Check {
        name: "a total in the text against the parts it lists",
        codes: &[Code::W026],
        needs: Needs::Source,
        run: parts::check,
    },
    Check {
        name: "amounts in the text written with a decimal point",
        codes: &[Code::W012],
        needs: Needs::Source,
        run: decimal_point::check,
    },
    Check {
        name: "årsværk in the text against the staff table",
        codes: &[Code::W004],
        needs: Needs::Proposal,
        run: |cx| with_proposal(cx, |p| fte::check(cx.view.text, cx.prose, p)),
    },
    Check {
        name: "periods in the text against the tables' years",
        codes: &[Code::W005],
        needs: Needs::Proposal,
        run: |cx| with_proposal(cx, |p| period::check(cx.view.text, cx.prose, p)),
    },
    Check {
        name: "one price basis per proposal",
        codes: &[Code::W007],
        needs: Needs::Proposal,
        run: |cx| with_proposal(cx, identity::check_prices),
    },
    Check {
        name: "the same figure in two tables, by label or declared with same_as",
        codes: &[Code::E065, Code::E069, Code::W030],
        needs: Needs::Proposal,
        run: |cx| {
            let mut found = cross_table::check(cx);
            found.extend(with_proposal(cx, same_as::check));
            found
        },
    },
    Check {
        name: "figures implausible against their row or the text",
        codes: &[Code::W032, Code::W033],
        needs: Needs::Proposal,
        run: plausible::check,
    },
    Check {
        name: "an amendment's changes, financing and net effect",
        codes: &[
            Code::E090,
            Code::E091,
            Code::E092,
            Code::E093,
            Code::E094,
            Code::W016,
        ],
        needs: Needs::Proposal,
        run: amendment::check,
    },
    Check {
        name: "committees against the register",
        codes: &[Code::E038, Code::E039],
        needs: Needs::ProjectAndProposal,
        run: committees::check,
    },
    Check {
        name: "accounts against the chart of accounts",
        codes: &[Code::E042, Code::W008],
        needs: Needs::ProjectAndProposal,
        run: accounts::check,
    },
];

/// `f` of the proposal, or nothing when there is none.
fn with_proposal(
    cx: &Context<'_>,
    f: impl FnOnce(&CheckedProposal) -> Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    cx.proposal.map_or_else(Vec::new, f)
}

/// Runs every registered check whose needs the context meets.
pub fn run(cx: &Context<'_>) -> Vec<Diagnostic> {
    CHECKS
        .iter()
        .filter(|check| match check.needs {
            Needs::Source => true,
            Needs::Proposal => cx.proposal.is_some(),
            Needs::Project => cx.project.is_some(),
            Needs::ProjectAndProposal => cx.project.is_some() && cx.proposal.is_some(),
        })
        .flat_map(|check| (check.run)(cx))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Each code belongs to one check at most, and every check names the codes it reports.
    #[test]
    fn codes_belong_to_one_check() {
        let mut seen: Vec<Code> = Vec::new();
        for check in CHECKS {
            assert!(!check.codes.is_empty(), "{}", check.name);
            for code in check.codes {
                assert!(!seen.contains(code), "{code:?} in two checks");
                seen.push(*code);
            }
        }
    }
}
