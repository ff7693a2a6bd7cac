//! Which forms exist: each form's template file, its sections, headings and checkbox groups.
//!
//! Adding a form means adding a `Form` here (and to `FORMS`) and a template `templates/<name>.typ.j2`.

/// One section a form prints, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SectionSpec {
    /// Key under `[sections]` in the proposal, e.g. `resume`.
    pub key: &'static str,
    /// Heading printed in the PDF, e.g. "1. Resumé"; `None` prints the body without a heading.
    pub heading: Option<&'static str>,
    /// Whether the proposal must fill it.
    pub required: bool,
}

/// A group of checkboxes a form prints, e.g. "Kategorisering".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckboxSpec {
    /// Key under `[checkboxes]`, e.g. `kategorisering`.
    pub key: &'static str,
    /// Title printed above or beside the boxes.
    pub title: &'static str,
    /// The options, in print order.
    pub options: &'static [&'static str],
    /// Whether at most one option may be ticked.
    pub single: bool,
    /// An option that excludes every other (e.g. "Bydækkende" excludes single districts).
    pub exclusive: Option<&'static str>,
}

/// A municipality's form: a template plus the sections and checkbox groups it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Form {
    /// Name used in `form = "…"`.
    pub name: &'static str,
    /// What the form is called by its users.
    pub description: &'static str,
    /// The form's short name in PDF metadata, e.g. "Driftsforslag".
    pub label: &'static str,
    /// Template under `templates/`.
    pub template: &'static str,
    /// Whether the form has the standard amounts table (`[budget]`).
    pub needs_budget: bool,
    /// Sections in print order.
    pub sections: &'static [SectionSpec],
    /// Checkbox groups the form prints.
    pub checkboxes: &'static [CheckboxSpec],
}

/// Shorthand for a required section with a heading.
const fn required(key: &'static str, heading: &'static str) -> SectionSpec {
    SectionSpec {
        key,
        heading: Some(heading),
        required: true,
    }
}

/// Shorthand for an optional section with a heading.
const fn optional(key: &'static str, heading: &'static str) -> SectionSpec {
    SectionSpec {
        key,
        heading: Some(heading),
        required: false,
    }
}

/// The standard budget note (seed 000): header block, amounts table, seven numbered sections.
pub const STANDARD: Form = Form {
    name: "standard",
    description: "budgetforslag, standardskema (overskrift, udvalg, beløbstabel og syv afsnit)",
    label: "Budgetforslag",
    template: "standard.typ.j2",
    needs_budget: true,
    sections: &[
        required("resume", "1. Resumé"),
        required("status", "2. Status"),
        required("aendringsforslag", "3. Ændringsforslag"),
        required("konsekvens", "4. Konsekvens"),
        required("investeringsbehov", "5. Investeringsbehov"),
        required(
            "relevante_dokumenter",
            "6. Relevante dokumenter eller sammenhæng til andre bidrag",
        ),
        required("bemaerkninger_hu", "7. Eventuelt bemærkninger fra HU"),
    ],
    checkboxes: &[],
};

/// The districts of Copenhagen in the form's reading order (six per row).
const BYDELE: &[&str] = &[
    "Bydækkende",
    "Bispebjerg",
    "Indre by",
    "Vesterbro/Kgs. Enghave",
    "Valby",
    "Amager Øst",
    "Udenbys",
    "Nørrebro",
    "Østerbro",
    "Brønshøj/Husum",
    "Vanløse",
    "Amager Vest",
];

/// Københavns Kommune's budgetnotat (seed 001): categorisation, districts, tables and agreement text.
pub const BUDGETNOTAT: Form = Form {
    name: "budgetnotat",
    description: "budgetnotat (Københavns Kommune) med kategorisering, bydele, tabeller og aftaletekst",
    label: "Budgetnotat",
    template: "budgetnotat.typ.j2",
    needs_budget: false,
    sections: &[
        required("baggrund", "Baggrund"),
        required("indhold", "Indhold"),
        required("forventet_effekt", "Forventet effekt og opfølgning"),
        required("oekonomi", "Økonomi"),
        required("risikovurdering", "Risikovurdering og proces"),
        required(
            "bevillingstekniske_oplysninger",
            "Bevillingstekniske oplysninger",
        ),
        optional("tidligere_afsatte_midler", "Tidligere afsatte midler"),
    ],
    checkboxes: &[
        CheckboxSpec {
            key: "kategorisering",
            title: "Kategorisering",
            options: &[
                "Need to",
                "Fastholdelse/rekruttering",
                "Rettidig omhu",
                "Specifik udfordring",
                "Bevillingsudløb",
                "Henvist sag",
                "Bestilt af politisk parti",
                "Bestilt af fagudvalg",
                "Bestilt administrativt",
            ],
            single: false,
            exclusive: None,
        },
        CheckboxSpec {
            key: "bydele",
            title: "Bydele",
            options: BYDELE,
            single: false,
            exclusive: Some("Bydækkende"),
        },
    ],
};

/// Slagelse Kommune's driftsforslag, Skema 2.2.1 (seed 003): prose and budgetoverslag by account.
pub const DRIFTSFORSLAG: Form = Form {
    name: "driftsforslag",
    description: "driftsforslag, Skema 2.2.1 (Slagelse Kommune) med budgetoverslag pr. konto",
    label: "Driftsforslag",
    template: "driftsforslag.typ.j2",
    needs_budget: false,
    sections: &[SectionSpec {
        key: "beskrivelse",
        heading: None,
        required: true,
    }],
    checkboxes: &[],
};

/// Ballerup Kommune's statusnotat (seed 004): municipality, title, committee and meeting, prose.
pub const STATUSNOTAT: Form = Form {
    name: "statusnotat",
    description: "statusnotat til fagudvalg (Ballerup Kommune)",
    label: "Statusnotat",
    template: "statusnotat.typ.j2",
    needs_budget: false,
    sections: &[SectionSpec {
        key: "indhold",
        heading: None,
        required: true,
    }],
    checkboxes: &[],
};

/// A short catalogue proposal (seed 002): title, target group, three headed bullet sections,
/// a request, and in a catalogue a chart of its share of the frame.
pub const KATALOGFORSLAG: Form = Form {
    name: "katalogforslag",
    description: "kort forslag til et katalog (beskrivelse, økonomi, opmærksomhedspunkter, beløb)",
    label: "Katalogforslag",
    template: "katalogforslag.typ.j2",
    needs_budget: false,
    sections: &[
        required("beskrivelse", "BESKRIVELSE AF FORSLAG:"),
        required("oekonomi", "ØKONOMI/RESSOURCER:"),
        required("opmaerksomhedspunkter", "OPMÆRKSOMHEDSPUNKTER:"),
    ],
    checkboxes: &[],
};

/// Every form `budgetnote` knows.
pub const FORMS: &[Form] = &[
    STANDARD,
    BUDGETNOTAT,
    DRIFTSFORSLAG,
    STATUSNOTAT,
    KATALOGFORSLAG,
];

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
