//! Sections and their blocks, checkbox groups, the agreement text, and tables never placed.

use std::collections::BTreeMap;

use toml::Spanned;

use super::Validator;
use crate::checked::{Agreement, Block, CheckboxGroup, Section, Table};
use crate::diagnostic::{Code, Diagnostic};
use crate::forms::Form;
use crate::model::{self, SectionBody};

/// The longest text one section body, block or agreement field may hold (bytes): 1 MB, some 300
/// pages of prose, where a real budget note's longest section is a few pages. The typesetter
/// keeps every page of a document in memory at once (about 350 bytes for each byte of text), so a
/// longer text is refused (E106) before it is typeset.
pub const MAX_TEXT: usize = 1024 * 1024;

impl Validator<'_> {
    /// E106 when `text` (at `span`) is longer than [`MAX_TEXT`].
    fn within_size(&mut self, text: &str, span: std::ops::Range<usize>) {
        if text.len() > MAX_TEXT {
            self.push(
                Diagnostic::new(
                    Code::E106,
                    format!(
                        "this text is {:.1} MB long; a text may be at most {} MB",
                        text.len() as f64 / (1024.0 * 1024.0),
                        MAX_TEXT / (1024 * 1024)
                    ),
                    Some(span.start..span.start),
                )
                .with_label("the text starts here")
                .with_help(
                    "a budget note's section is a few pages; put long material in an annex of its own",
                ),
            );
        }
    }

    /// Sections in the form's order; unknown keys and missing required ones are errors.
    pub(super) fn sections(
        &mut self,
        form: &Form,
        sections: &Spanned<BTreeMap<String, Spanned<SectionBody>>>,
        tables: &BTreeMap<String, Table>,
    ) -> Vec<Section> {
        for (key, body) in sections.get_ref() {
            if !form.sections.iter().any(|s| s.key == *key) {
                self.push(
                    Diagnostic::new(
                        Code::E017,
                        format!("form \"{}\" has no section `{key}`", form.name),
                        Some(body.span()),
                    )
                    .with_label("this text would not be printed")
                    .with_help(format!(
                        "{}the form's sections are: {}",
                        crate::parse::did_you_mean(
                            key,
                            form.sections.iter().map(|s| s.key.as_str())
                        )
                        .replace('"', "`"),
                        form.section_keys()
                    )),
                );
            }
        }
        let mut out = Vec::new();
        for spec in &form.sections {
            let body = sections.get_ref().get(&spec.key);
            let blocks = body.map(|b| self.blocks(b, tables)).unwrap_or_default();
            if blocks.is_empty() {
                // A section that only places a table with errors of its own is not empty: those
                // errors are reported at the table.
                let broken = body.is_some_and(|b| self.places_broken_table(b));
                if spec.required && !broken {
                    let span = body.map_or(sections.span(), |b| b.span());
                    let name = spec.heading.as_deref().unwrap_or("the body");
                    self.push(
                        Diagnostic::new(
                            Code::E016,
                            format!("section `{}` (\"{name}\") is missing or empty", spec.key),
                            Some(span),
                        )
                        .with_label(format!("form \"{}\" requires it", form.name))
                        .with_help(format!(
                            "add {} = \"\"\"…\"\"\" under [sections]; write \"Ingen bemærkninger.\" if there is nothing to say",
                            spec.key
                        )),
                    );
                }
                continue;
            }
            out.push(Section {
                key: spec.key.to_owned(),
                heading: spec.heading.clone(),
                blocks,
            });
        }
        out
    }

    /// Whether a section body places a table that failed its own checks.
    fn places_broken_table(&self, body: &Spanned<SectionBody>) -> bool {
        match body.get_ref() {
            SectionBody::Text(_) => false,
            SectionBody::Blocks(blocks) => blocks.iter().any(|b| {
                b.get_ref()
                    .table
                    .as_ref()
                    .is_some_and(|id| self.broken_tables.iter().any(|t| t == id.get_ref().trim()))
            }),
        }
    }

    /// The blocks of one section body; blank text makes no block.
    fn blocks(
        &mut self,
        body: &Spanned<SectionBody>,
        tables: &BTreeMap<String, Table>,
    ) -> Vec<Block> {
        let spanned: Vec<(&str, std::ops::Range<usize>)> = match body.get_ref() {
            SectionBody::Text(text) => vec![(text.as_str(), body.span())],
            SectionBody::Blocks(blocks) => blocks
                .iter()
                .filter_map(|b| {
                    let t = b.get_ref().text.as_ref()?;
                    Some((t.get_ref().as_str(), t.span()))
                })
                .collect(),
        };
        for (text, span) in &spanned {
            self.within_size(text, span.clone());
        }
        let texts: Vec<&str> = spanned.iter().map(|(t, _)| *t).collect();
        if texts
            .iter()
            .any(|t| crate::markdown::list_depth(t) > crate::markdown::MAX_LIST_DEPTH)
        {
            self.push(
                Diagnostic::new(
                    Code::E028,
                    format!(
                        "lists are nested more than {} levels deep",
                        crate::markdown::MAX_LIST_DEPTH
                    ),
                    Some(body.span()),
                )
                .with_help("flatten the list; a budget note rarely needs more than two levels"),
            );
        }
        match body.get_ref() {
            SectionBody::Text(text) if text.trim().is_empty() => Vec::new(),
            SectionBody::Text(text) => vec![Block::Text(text.trim().to_owned())],
            SectionBody::Blocks(blocks) => blocks
                .iter()
                .filter_map(|b| self.block(b, tables))
                .collect(),
        }
    }

    /// One block: exactly one of text, heading or table.
    fn block(
        &mut self,
        block: &Spanned<model::Block>,
        tables: &BTreeMap<String, Table>,
    ) -> Option<Block> {
        let b = block.get_ref();
        match (&b.text, &b.heading, &b.table) {
            (Some(text), None, None) => {
                let text = text.get_ref().trim();
                (!text.is_empty()).then(|| Block::Text(text.to_owned()))
            }
            (None, Some(heading), None) => {
                Some(Block::Heading(heading.get_ref().trim().to_owned()))
            }
            (None, None, Some(id)) => match tables.get(id.get_ref().trim()) {
                Some(table) => Some(Block::Table(Box::new(table.clone()))),
                // Defined but with errors of its own, reported at the table.
                None if self.broken_tables.iter().any(|t| t == id.get_ref().trim()) => None,
                None => {
                    self.push(
                        Diagnostic::new(
                            Code::E020,
                            format!("no table `{}` under [tables]", id.get_ref()),
                            Some(id.span()),
                        )
                        .with_label("unknown table id")
                        .with_help(if tables.is_empty() {
                            "define it as [tables.<id>] with kind, caption and rows".to_owned()
                        } else {
                            format!(
                                "the tables are: {}",
                                tables.keys().cloned().collect::<Vec<_>>().join(", ")
                            )
                        }),
                    );
                    None
                }
            },
            _ => {
                self.push(
                    Diagnostic::new(
                        Code::E024,
                        "a block needs exactly one of `text`, `heading` or `table`",
                        Some(block.span()),
                    )
                    .with_help(
                        "split it into several blocks: [{ text = \"…\" }, { table = \"tabel1\" }]",
                    ),
                );
                None
            }
        }
    }

    /// The form's checkbox groups with the ticked options; unknown groups and options are errors.
    pub(super) fn checkboxes(
        &mut self,
        form: &Form,
        given: Option<&Spanned<model::Ticks>>,
    ) -> Vec<CheckboxGroup> {
        let empty = BTreeMap::new();
        let map = given.map_or(&empty, |g| g.get_ref());
        for (key, ticks) in map {
            if !form.checkboxes.iter().any(|c| c.key == *key) {
                let keys: Vec<&str> = form.checkboxes.iter().map(|c| c.key.as_str()).collect();
                self.push(
                    Diagnostic::new(
                        Code::E023,
                        format!("form \"{}\" has no checkbox group `{key}`", form.name),
                        Some(ticks.span()),
                    )
                    .with_help(if keys.is_empty() {
                        format!(
                            "form \"{}\" has no checkboxes; remove [checkboxes]",
                            form.name
                        )
                    } else {
                        format!(
                            "{}the form's groups are: {}",
                            crate::parse::did_you_mean(key, keys.iter().copied()).replace('"', "`"),
                            keys.join(", ")
                        )
                    }),
                );
            }
        }
        let mut out = Vec::new();
        for spec in &form.checkboxes {
            let ticks = map.get(&spec.key);
            let mut ticked: Vec<&str> = Vec::new();
            for tick in ticks.map(|t| t.get_ref().as_slice()).unwrap_or_default() {
                let name = tick.get_ref().trim();
                match spec.options.iter().find(|o| o.eq_ignore_ascii_case(name)) {
                    Some(option) if ticked.contains(&option.as_str()) => self.push(
                        Diagnostic::new(
                            Code::E022,
                            format!("\"{name}\" is ticked twice"),
                            Some(tick.span()),
                        )
                        .with_help("list each option once"),
                    ),
                    Some(option) => ticked.push(option.as_str()),
                    None => self.push(
                        Diagnostic::new(
                            Code::E021,
                            format!("\"{name}\" is not an option of {}", spec.title),
                            Some(tick.span()),
                        )
                        .with_label("unknown option")
                        .with_help(if spec.options.is_empty() {
                            format!(
                                "{} has no options in this project: remove the tick, or set the \
                                 municipality's options in budgetnote.toml as \
                                 [profile.checkboxes.{}.{}] options = [\"{name}\", …]",
                                spec.title, form.name, spec.key
                            )
                        } else {
                            format!(
                                "{}the options are: {}",
                                crate::parse::did_you_mean(
                                    name,
                                    spec.options.iter().map(String::as_str)
                                ),
                                spec.options
                                    .iter()
                                    .map(|o| format!("\"{o}\""))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )
                        }),
                    ),
                }
            }
            if let Some(ticks) = ticks {
                let too_many = spec.single && ticked.len() > 1;
                let exclusive = spec
                    .exclusive
                    .as_deref()
                    .filter(|e| ticked.contains(e) && ticked.len() > 1);
                if too_many || exclusive.is_some() {
                    let message = match exclusive {
                        Some(e) => format!("\"{e}\" in {} excludes every other option", spec.title),
                        None => format!(
                            "{} allows one tick, but {} are ticked",
                            spec.title,
                            ticked.len()
                        ),
                    };
                    self.push(
                        Diagnostic::new(Code::E022, message, Some(ticks.span()))
                            .with_help("keep one option"),
                    );
                }
            }
            out.push(CheckboxGroup {
                key: spec.key.to_owned(),
                title: spec.title.to_owned(),
                options: spec
                    .options
                    .iter()
                    .map(|o| (o.to_string(), ticked.contains(&o.as_str())))
                    .collect(),
            });
        }
        out
    }

    /// The agreement text; its amounts come from the total row of a ledger.
    pub(super) fn agreement(
        &mut self,
        agreement: &Spanned<model::Agreement>,
        tables: &BTreeMap<String, Table>,
    ) -> Option<Agreement> {
        let a = agreement.get_ref();
        for field in [&a.intro, &a.lead, &a.purpose] {
            self.within_size(field.get_ref(), field.span());
        }
        let expense = self.expense(&a.expense);
        let source = a.amounts_from.get_ref().trim();
        let ledger = match tables.get(source) {
            Some(Table::Ledger(ledger)) => Some(ledger),
            _ => {
                self.push(
                    Diagnostic::new(
                        Code::E026,
                        format!("`amounts_from` must name a ledger table; `{source}` is not one"),
                        Some(a.amounts_from.span()),
                    )
                    .with_help("name a [tables.<id>] with kind = \"ledger\""),
                );
                None
            }
        }?;
        let amounts = ledger.year_totals();
        Some(Agreement {
            intro: a.intro.get_ref().trim().to_owned(),
            lead: a.lead.get_ref().trim().to_owned(),
            amounts,
            unit: ledger.unit,
            expense: expense?,
            purpose: a.purpose.get_ref().trim().to_owned(),
        })
    }

    /// W002 for a table defined under [tables] but placed nowhere.
    pub(super) fn unplaced_tables(
        &mut self,
        tables: &BTreeMap<String, Spanned<model::Table>>,
        sections: &Spanned<BTreeMap<String, Spanned<SectionBody>>>,
        agreement: Option<&Spanned<model::Agreement>>,
    ) {
        let placed: Vec<&str> = sections
            .get_ref()
            .values()
            .filter_map(|body| match body.get_ref() {
                SectionBody::Blocks(blocks) => Some(blocks),
                SectionBody::Text(_) => None,
            })
            .flatten()
            .filter_map(|b| b.get_ref().table.as_ref().map(|t| t.get_ref().trim()))
            .chain(agreement.map(|a| a.get_ref().amounts_from.get_ref().trim()))
            .collect();
        for (id, table) in tables {
            if !placed.contains(&id.as_str()) {
                self.push(
                    Diagnostic::new(
                        Code::W002,
                        format!("table `{id}` is never placed"),
                        Some(table.span()),
                    )
                    .with_label("not printed")
                    .with_help(format!("place it in a section: {{ table = \"{id}\" }}")),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::{CheckboxSpec, Forms};

    /// A form with one single-choice group, for the checkbox rules.
    fn single() -> Form {
        let standard = Forms::bundled().find("standard").unwrap();
        Form {
            checkboxes: vec![CheckboxSpec {
                key: "niveau".into(),
                title: "Niveau".into(),
                options: vec!["Lav".into(), "Mellem".into(), "Høj".into()],
                single: true,
                exclusive: None,
            }],
            ..(*standard).clone()
        }
    }

    /// Ticks for group `niveau`, each with a made-up span.
    fn ticks(options: &[&str]) -> Spanned<model::Ticks> {
        let list = options
            .iter()
            .enumerate()
            .map(|(i, o)| Spanned::new(i * 10..i * 10 + 5, o.to_string()));
        let mut map = BTreeMap::new();
        map.insert("niveau".to_owned(), Spanned::new(0..50, list.collect()));
        Spanned::new(0..60, map)
    }

    // A single-choice group accepts one tick and rejects two with E022 at the group's ticks.
    #[test]
    fn single_choice_group_rejects_two_ticks() {
        let mut v = Validator {
            diags: Vec::new(),
            broken_tables: Vec::new(),
            source: "",
        };
        let groups = v.checkboxes(&single(), Some(&ticks(&["Mellem"])));
        assert!(v.diags.is_empty());
        assert_eq!(groups[0].options[1], ("Mellem".to_owned(), true));
        assert_eq!(groups[0].options[0], ("Lav".to_owned(), false));

        v.checkboxes(&single(), Some(&ticks(&["Lav", "Høj"])));
        assert_eq!(v.diags.len(), 1);
        assert_eq!(v.diags[0].code, Code::E022);
        assert_eq!(v.diags[0].span, Some(0..50));
        assert!(v.diags[0].message.contains("allows one tick"));
    }
}
