//! Which forms exist: each form's template file and its sections, headings and order.

/// One section a form prints, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SectionSpec {
    /// Key under `[sections]` in the proposal, e.g. `resume`.
    pub key: &'static str,
    /// Heading printed in the PDF, e.g. "1. Resumé".
    pub heading: &'static str,
    /// Whether the proposal must fill it.
    pub required: bool,
}

/// A municipality's form: a template plus the sections it requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Form {
    /// Name used in `form = "…"`.
    pub name: &'static str,
    /// What the form is called by its users.
    pub description: &'static str,
    /// Template under `templates/`.
    pub template: &'static str,
    /// Sections in print order.
    pub sections: &'static [SectionSpec],
}

/// The standard budget note (seed 000): header block, amounts table, seven numbered sections.
pub const STANDARD: Form = Form {
    name: "standard",
    description: "budgetforslag, standardskema (overskrift, udvalg, beløbstabel og syv afsnit)",
    template: "standard.typ.j2",
    sections: &[
        SectionSpec {
            key: "resume",
            heading: "1. Resumé",
            required: true,
        },
        SectionSpec {
            key: "status",
            heading: "2. Status",
            required: true,
        },
        SectionSpec {
            key: "aendringsforslag",
            heading: "3. Ændringsforslag",
            required: true,
        },
        SectionSpec {
            key: "konsekvens",
            heading: "4. Konsekvens",
            required: true,
        },
        SectionSpec {
            key: "investeringsbehov",
            heading: "5. Investeringsbehov",
            required: true,
        },
        SectionSpec {
            key: "relevante_dokumenter",
            heading: "6. Relevante dokumenter eller sammenhæng til andre bidrag",
            required: true,
        },
        SectionSpec {
            key: "bemaerkninger_hu",
            heading: "7. Eventuelt bemærkninger fra HU",
            required: true,
        },
    ],
};

/// Every form `budgetnote` knows.
pub const FORMS: &[Form] = &[STANDARD];

/// Looks a form up by its name.
pub fn find(name: &str) -> Option<&'static Form> {
    FORMS.iter().find(|form| form.name == name)
}

/// The names of all forms, for help messages.
pub fn names() -> String {
    FORMS
        .iter()
        .map(|f| format!("\"{}\"", f.name))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Form {
    /// The keys this form accepts under `[sections]`, for help messages.
    pub fn section_keys(&self) -> String {
        self.sections
            .iter()
            .map(|s| s.key)
            .collect::<Vec<_>>()
            .join(", ")
    }
}
