//! What ships inside the binary: the bundled forms and shared templates, and the fonts, so a
//! project needs neither `templates/` nor `fonts/` of its own. A project's own file of the same
//! path (`templates/standard/form.typ.j2`, `templates/standard/form.html.j2`,
//! `templates/budgetnote.typ`) is used instead of the bundled one; a project's own fonts are
//! added to the bundled ones.

/// Every bundled template file, by its path under `templates/` (a test keeps this list equal to
/// the folder): the shared templates (PDF and web page), and per form its description, PDF and
/// web page templates and an example.
pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "_blocks.html.j2",
        include_str!("../templates/_blocks.html.j2"),
    ),
    (
        "_blocks.typ.j2",
        include_str!("../templates/_blocks.typ.j2"),
    ),
    ("_page.html.j2", include_str!("../templates/_page.html.j2")),
    (
        "budgetnote.typ",
        include_str!("../templates/budgetnote.typ"),
    ),
    (
        "catalogue.html.j2",
        include_str!("../templates/catalogue.html.j2"),
    ),
    ("index.html.j2", include_str!("../templates/index.html.j2")),
    (
        "catalogue.typ.j2",
        include_str!("../templates/catalogue.typ.j2"),
    ),
    (
        "document.typ.j2",
        include_str!("../templates/document.typ.j2"),
    ),
    (
        "aendringsforslag/example.toml",
        include_str!("../templates/aendringsforslag/example.toml"),
    ),
    (
        "aendringsforslag/form.html.j2",
        include_str!("../templates/aendringsforslag/form.html.j2"),
    ),
    (
        "aendringsforslag/form.toml",
        include_str!("../templates/aendringsforslag/form.toml"),
    ),
    (
        "aendringsforslag/form.typ.j2",
        include_str!("../templates/aendringsforslag/form.typ.j2"),
    ),
    (
        "budgetnotat/example.toml",
        include_str!("../templates/budgetnotat/example.toml"),
    ),
    (
        "budgetnotat/form.html.j2",
        include_str!("../templates/budgetnotat/form.html.j2"),
    ),
    (
        "budgetnotat/form.toml",
        include_str!("../templates/budgetnotat/form.toml"),
    ),
    (
        "budgetnotat/form.typ.j2",
        include_str!("../templates/budgetnotat/form.typ.j2"),
    ),
    (
        "budgetopfoelgning/example.toml",
        include_str!("../templates/budgetopfoelgning/example.toml"),
    ),
    (
        "budgetopfoelgning/form.html.j2",
        include_str!("../templates/budgetopfoelgning/form.html.j2"),
    ),
    (
        "budgetopfoelgning/form.toml",
        include_str!("../templates/budgetopfoelgning/form.toml"),
    ),
    (
        "budgetopfoelgning/form.typ.j2",
        include_str!("../templates/budgetopfoelgning/form.typ.j2"),
    ),
    (
        "driftsforslag/example.toml",
        include_str!("../templates/driftsforslag/example.toml"),
    ),
    (
        "driftsforslag/form.html.j2",
        include_str!("../templates/driftsforslag/form.html.j2"),
    ),
    (
        "driftsforslag/form.toml",
        include_str!("../templates/driftsforslag/form.toml"),
    ),
    (
        "driftsforslag/form.typ.j2",
        include_str!("../templates/driftsforslag/form.typ.j2"),
    ),
    (
        "katalogforslag/example.toml",
        include_str!("../templates/katalogforslag/example.toml"),
    ),
    (
        "katalogforslag/form.html.j2",
        include_str!("../templates/katalogforslag/form.html.j2"),
    ),
    (
        "katalogforslag/form.toml",
        include_str!("../templates/katalogforslag/form.toml"),
    ),
    (
        "katalogforslag/form.typ.j2",
        include_str!("../templates/katalogforslag/form.typ.j2"),
    ),
    (
        "standard/example.toml",
        include_str!("../templates/standard/example.toml"),
    ),
    (
        "standard/form.html.j2",
        include_str!("../templates/standard/form.html.j2"),
    ),
    (
        "standard/form.toml",
        include_str!("../templates/standard/form.toml"),
    ),
    (
        "standard/form.typ.j2",
        include_str!("../templates/standard/form.typ.j2"),
    ),
    (
        "statusnotat/example.toml",
        include_str!("../templates/statusnotat/example.toml"),
    ),
    (
        "statusnotat/form.html.j2",
        include_str!("../templates/statusnotat/form.html.j2"),
    ),
    (
        "statusnotat/form.toml",
        include_str!("../templates/statusnotat/form.toml"),
    ),
    (
        "statusnotat/form.typ.j2",
        include_str!("../templates/statusnotat/form.typ.j2"),
    ),
];

/// The bundled fonts (Carlito, SIL Open Font License), by file name, in name order so font
/// indices (and so the PDF bytes) are stable.
pub const FONTS: &[(&str, &[u8])] = &[
    (
        "Carlito-Bold.ttf",
        include_bytes!("../fonts/Carlito-Bold.ttf"),
    ),
    (
        "Carlito-BoldItalic.ttf",
        include_bytes!("../fonts/Carlito-BoldItalic.ttf"),
    ),
    (
        "Carlito-Italic.ttf",
        include_bytes!("../fonts/Carlito-Italic.ttf"),
    ),
    (
        "Carlito-Regular.ttf",
        include_bytes!("../fonts/Carlito-Regular.ttf"),
    ),
];

/// The bundled template at `path` under `templates/`.
pub fn template(path: &str) -> Option<&'static str> {
    TEMPLATES
        .iter()
        .find(|(name, _)| *name == path)
        .map(|(_, text)| *text)
}
