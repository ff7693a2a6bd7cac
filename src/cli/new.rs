//! `budgetnote new FORM PATH`: writes a proposal skeleton of a form with every field, each with
//! a comment saying what goes where, and the form's JSON Schema into the project
//! (`<root>/.budgetnote/schema/<form>.json`, refreshed each time) with a Taplo `#:schema`
//! directive at the top of the skeleton pointing at it.
//!
//! Required values are filled with placeholders starting with `UDFYLD` ("fill in"), which pass
//! `check` and print as they are, so the skeleton renders at once and every placeholder is
//! plain to see in the PDF; optional fields are commented out.

use std::io::Write;
use std::path::{Component, Path, PathBuf};

use super::{Cli, Exit, schema};
use crate::forms::Form;

/// Where `new` writes a form's schema, relative to the project root.
pub const SCHEMA_DIR: &str = ".budgetnote/schema";

/// The word every placeholder starts with ("fill in").
pub const PLACEHOLDER: &str = "UDFYLD";

/// Arguments of `new`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The form of the new proposal (see `budgetnote forms`).
    form: String,
    /// The file to write, e.g. proposals/nyt-forslag.toml; it must not exist yet.
    path: PathBuf,
}

/// Runs `new`.
pub fn run(cli: &Cli, args: &Args) -> Exit {
    let Some(project) = super::open_project_with_forms(cli) else {
        return Exit::Failure;
    };
    let form = match schema::find(project.forms(), &args.form) {
        Ok(form) => form,
        Err(message) => {
            eprintln!("{message}");
            return Exit::Failure;
        }
    };
    match write(&cli.root, &form, &args.path) {
        Ok(schema_file) => {
            println!(
                "wrote {} (form \"{}\"); its schema for editors is {}",
                args.path.display(),
                form.name,
                schema_file.display()
            );
            println!(
                "replace every \"{PLACEHOLDER}\" value, then run `budgetnote check {}`",
                args.path.display()
            );
            Exit::Ok
        }
        Err(message) => {
            eprintln!("{message}");
            Exit::Failure
        }
    }
}

/// Writes the skeleton of `form` to `path` (refusing an existing file) and the form's schema into
/// the project at `root`; returns the schema file's path.
fn write(root: &Path, form: &Form, path: &Path) -> Result<PathBuf, String> {
    if path.symlink_metadata().is_ok() {
        return Err(format!(
            "error: {} already exists; `budgetnote new` never overwrites a file\nhelp: choose another file name, or delete the file first",
            path.display()
        ));
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("error: cannot create folder {}: {e}", parent.display()))?;
    }
    let schema_dir = root.join(SCHEMA_DIR);
    std::fs::create_dir_all(&schema_dir)
        .map_err(|e| format!("error: cannot create folder {}: {e}", schema_dir.display()))?;
    let schema_file = schema_dir.join(format!("{}.json", form.name));
    let mut schema_text = schema::to_text(&schema::for_form(form));
    schema_text.push('\n');
    std::fs::write(&schema_file, schema_text)
        .map_err(|e| format!("error: cannot write {}: {e}", schema_file.display()))?;
    let directive = relative_to_file(path, &schema_file);
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let text = skeleton(form, &directive, &stem, &register(root), next_year());
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => format!(
                "error: {} already exists; `budgetnote new` never overwrites a file\nhelp: choose another file name, or delete the file first",
                path.display()
            ),
            _ => format!("error: cannot write {}: {e}", path.display()),
        })?;
    file.write_all(text.as_bytes())
        .map_err(|e| format!("error: cannot write {}: {e}", path.display()))?;
    Ok(schema_file)
}

/// The path of `target` as seen from the folder of `file`, with `/` separators (what Taplo's
/// `#:schema` directive resolves against the document).
fn relative_to_file(file: &Path, target: &Path) -> String {
    let absolute = |p: &Path| {
        p.canonicalize()
            .unwrap_or_else(|_| crate::output::absolute(p))
    };
    let from = absolute(
        file.parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new(".")),
    );
    let to = absolute(target);
    let from: Vec<Component> = from.components().collect();
    let to_parts: Vec<Component> = to.components().collect();
    let common = from
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    if common == 0 {
        return to.to_string_lossy().replace('\\', "/");
    }
    let mut parts: Vec<String> = vec!["..".to_owned(); from.len() - common];
    parts.extend(
        to_parts[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    let joined = parts.join("/");
    if joined.starts_with("..") {
        joined
    } else {
        format!("./{joined}")
    }
}

/// The first committee of the project's register (`[committees]` of `budgetnote.toml`) as
/// (abbreviation, name), if it has one; the skeleton's budget line then passes the register check.
fn register(root: &Path) -> Option<(String, String)> {
    let text = crate::files::read_toml_quietly(&root.join("budgetnote.toml"))?;
    let table: toml::Table = text.parse().ok()?;
    let committees = table.get("committees")?.as_table()?;
    committees
        .iter()
        .find_map(|(abbreviation, name)| Some((abbreviation.clone(), name.as_str()?.to_owned())))
}

/// Next calendar year (the budget year a new proposal is usually for), from the system clock.
fn next_year() -> i64 {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    // Days since 1970-01-01 to a civil year (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    year + 1
}

/// A TOML basic string holding `text`.
fn quoted(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

/// A line `key = value` with a comment aligned after it.
fn field(out: &mut String, line: &str, comment: &str) {
    out.push_str(&format!("{line:<44} # {comment}\n"));
}

/// The skeleton of a proposal of `form`.
pub fn skeleton(
    form: &Form,
    directive: &str,
    stem: &str,
    register: &Option<(String, String)>,
    year: i64,
) -> String {
    let mut out = format!("#:schema {directive}\n\n");
    out.push_str(&format!(
        "# {} (form \"{}\"): {}.\n",
        form.label, form.name, form.description
    ));
    out.push_str(&format!(
        "# Replace every value that starts with {PLACEHOLDER} (\"fill in\"); as it stands the file\n\
         # checks and renders, with the placeholders printed. Lines commented out with \"# \" are\n\
         # optional: remove the \"# \" to use one. `budgetnote forms {name}` lists what the form\n\
         # takes; `budgetnote check FILE` checks it, `budgetnote watch` renders it on every save.\n\n",
        name = form.name
    ));
    let id: String = stem
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '-')
        .take(24)
        .collect();
    let id = if id.is_empty() {
        PLACEHOLDER.to_owned()
    } else {
        format!("{PLACEHOLDER}-{id}")
    };
    field(
        &mut out,
        &format!("id = {}", quoted(&id)),
        "Id: short id used across catalogues, e.g. \"SU04\"",
    );
    field(
        &mut out,
        &format!("form = {}", quoted(&form.name)),
        "the form (`budgetnote forms`)",
    );
    field(
        &mut out,
        &format!(
            "title = {}",
            quoted(&format!("{PLACEHOLDER}: forslagets overskrift"))
        ),
        "Overskrift: the headline",
    );
    let committee = match register {
        Some((_, name)) => name.clone(),
        None => format!("{PLACEHOLDER}: udvalg"),
    };
    field(
        &mut out,
        &format!("committees = [{}]", quoted(&committee)),
        "Udvalg: the committees it goes to, in print order",
    );
    field(
        &mut out,
        &format!(
            "proposer = {}",
            quoted(&format!("{PLACEHOLDER}: forslagsstiller"))
        ),
        "Forslagsstiller: who proposes it, e.g. \"Administrationen\"",
    );
    field(
        &mut out,
        "# municipality = \"Eksempel Kommune\"",
        "Kommune: the municipality that issues it",
    );
    field(
        &mut out,
        &format!("# date = {year}-01-31"),
        "Dato: date of the proposal or meeting (also the PDF's date)",
    );
    field(
        &mut out,
        "# number = \"01\"",
        "Nummer: number within the form's series, e.g. \"Skema 2.2.1. 01\"",
    );
    field(
        &mut out,
        "# area = \"…\"",
        "Bevillingsområde: budget area printed after the committee",
    );
    field(
        &mut out,
        "# address = \"…\"",
        "Adresse: address line under the district checkboxes",
    );
    field(
        &mut out,
        "# target_group = \"…\"",
        "Målgruppe: target group of a catalogue proposal",
    );
    field(
        &mut out,
        "# external_amounts = [\"16,4 mio. kr.\"]",
        "amounts the text names that no table holds (W003)",
    );
    out.push_str(
        "\n# Logo: printed at the top of the first page, with alt text for screen readers.\n",
    );
    out.push_str("# [logo]\n# file = \"logo.svg\"\n# alt = \"Eksempel Kommunes logo\"\n\n");
    budget(&mut out, form, register, year);
    checkboxes(&mut out, form);
    sections(&mut out, form);
    amendment(&mut out, form, year);
    out.push_str(&format!(
        "\n# Optional parts (see README):\n\
         # [request]                        # Beløb: what a catalogue proposal asks for\n\
         # unit = \"mio. kr.\"\n\
         # year = {year}\n\
         # amount = \"2,5\"\n\
         #\n\
         # [agreement]                      # Forslag til aftaletekst\n\
         # intro = \"…\"\n\
         # lead = \"Der afsættes:\"\n\
         # amounts_from = \"tabel1\"           # a ledger table under [tables]\n\
         # expense = \"service\"\n\
         # purpose = \"…\"\n\
         #\n\
         # [tables.tabel1]                  # a table, placed in a section with {{ table = \"tabel1\" }}\n\
         # kind = \"ledger\"                   # \"ledger\", \"text\" or \"comparison\"\n\
         # caption = \"Tabel 1. …\"\n\
         # unit = \"1.000 kr.\"\n\
         # prices = \"{year}-priser\"\n\
         # years = [{year}, {}]\n\
         # rows = [{{ label = \"…\", amounts = {{ {year} = 0, {} = 0 }} }}]\n",
        year + 1,
        year + 1
    ));
    out
}

/// The budget year and three overslagsår as a TOML list ("2026, 2027, …") and as zero amounts
/// ("2026 = 0, 2027 = 0, …").
fn four_years(year: i64) -> (String, String) {
    let years: Vec<i64> = (year..year + 4).collect();
    let list = years.iter().map(i64::to_string).collect::<Vec<_>>();
    let zeros = years.iter().map(|y| format!("{y} = 0")).collect::<Vec<_>>();
    (list.join(", "), zeros.join(", "))
}

/// The `[budget]` part: filled in when the form prints it, else commented out.
fn budget(out: &mut String, form: &Form, register: &Option<(String, String)>, year: i64) {
    let (list, zeros) = four_years(year);
    let abbreviation = register
        .as_ref()
        .map_or("UDV".to_owned(), |(a, _)| a.clone());
    let (c, intro) = if form.needs_budget {
        (
            "",
            "Beløb i 1.000 kr.: the amounts table; this form requires it.",
        )
    } else {
        (
            "# ",
            "Beløb: the standard amounts table; this form does not print it.",
        )
    };
    out.push_str(&format!("# {intro}\n"));
    out.push_str(&format!(
        "# (−) = mindreudgift/merindtægt, (+) = merudgift/mindreindtægt.\n{c}[budget]\n"
    ));
    field(
        out,
        &format!("{c}unit = \"1.000 kr.\""),
        "\"1.000 kr.\" or \"mio. kr.\"",
    );
    field(
        out,
        &format!("{c}prices = \"{year}-priser\""),
        "Prisniveau: price basis",
    );
    field(
        out,
        &format!("{c}years = [{list}]"),
        "budgetår and overslagsår",
    );
    field(
        out,
        &format!("# current = {{ {zeros} }}"),
        "Nuværende budget: today's budget for the area",
    );
    out.push('\n');
    out.push_str(&format!(
        "{c}[[budget.lines]]                            # one line of \"Budgetændring – drift\"\n"
    ));
    field(
        out,
        &format!("{c}kind = \"omstilling\""),
        "omstilling, investering-drift, effektivisering, besparelse, merudgift, …",
    );
    field(
        out,
        &format!("{c}expense = \"service\""),
        "Udgiftstype: service, overførsel, anlæg or finansiering",
    );
    field(
        out,
        &format!("{c}committee = {}", quoted(&abbreviation)),
        "Udvalg: abbreviation from budgetnote.toml's [committees]",
    );
    field(
        out,
        &format!("{c}amounts = {{ {zeros} }}"),
        "Beløb per year, in the table's unit",
    );
    out.push('\n');
    out.push_str("# Personalekonsekvenser: the change in årsværk (full-time equivalents).\n");
    out.push_str("# [budget.staff]\n");
    field(
        out,
        &format!("# fte = {{ {zeros} }}"),
        "Ændring i antal årsværk per year",
    );
    out.push('\n');
}

/// The amendment's table, for a form with an `[amendment]` rule: one change and one financing
/// line of zeros, and the net effect stated as zeros.
fn amendment(out: &mut String, form: &Form, year: i64) {
    let Some(rule) = &form.amendment else {
        return;
    };
    let (list, zeros) = four_years(year);
    let table = &rule.table;
    out.push_str(&format!(
        "\n# The amendment's amounts: the changes (group {changes}) and the financing that offsets\n\
         # them (group {financing}), per year; the net effect is changes + financing, stated below\n\
         # and checked. (+) = merudgift/mindreindtægt, (−) = mindreudgift/merindtægt: financing is\n\
         # written with a minus.\n[tables.{table}]\n",
        changes = quoted(&rule.changes),
        financing = quoted(&rule.financing),
    ));
    field(out, "kind = \"ledger\"", "amounts per year");
    field(
        out,
        "caption = \"Tabel 1. Ændringer og finansiering\"",
        "printed above the table",
    );
    field(
        out,
        "unit = \"1.000 kr.\"",
        "\"kr.\", \"1.000 kr.\" or \"mio. kr.\"",
    );
    field(
        out,
        &format!("prices = \"{year}-priser\""),
        "Prisniveau: price basis",
    );
    field(
        out,
        &format!("years = [{list}]"),
        "budgetår and overslagsår",
    );
    field(
        out,
        "group_by = [\"group\"]",
        "a subtotal for the changes and one for the financing",
    );
    field(
        out,
        "total = \"Nettovirkning\"",
        "the net effect row: changes + financing",
    );
    field(
        out,
        &format!("stated_totals = {{ {zeros} }}"),
        "the net effect as the amendment states it (checked)",
    );
    for (group, label) in [
        (&rule.changes, "ændring"),
        (&rule.financing, "finansiering"),
    ] {
        out.push_str(&format!("\n[[tables.{table}.rows]]\n"));
        field(
            out,
            &format!("label = {}", quoted(&format!("{PLACEHOLDER}: {label}"))),
            "what the line is",
        );
        field(
            out,
            &format!("group = {}", quoted(group)),
            "changes or financing",
        );
        field(
            out,
            &format!("amounts = {{ {zeros} }}"),
            "per year, in the table's unit",
        );
    }
}

/// The `[checkboxes]` part with every group of the form and its options in comments.
fn checkboxes(out: &mut String, form: &Form) {
    if form.checkboxes.is_empty() {
        return;
    }
    out.push_str("# Checkboxes: list the ticked options of each group.\n[checkboxes]\n");
    for c in &form.checkboxes {
        let rule = match (&c.exclusive, c.single) {
            (_, true) => "at most one".to_owned(),
            (Some(e), false) => format!("any; \"{e}\" excludes the others"),
            (None, false) => "any".to_owned(),
        };
        out.push_str(&format!("# {} ({rule}), options:\n", c.title));
        for option in &c.options {
            out.push_str(&format!("#   {}\n", quoted(option)));
        }
        out.push_str(&format!("{} = []\n\n", c.key));
    }
}

/// The `[sections]` part: every section of the form with its heading in a comment; required
/// ones with a placeholder, optional ones commented out.
fn sections(out: &mut String, form: &Form) {
    out.push_str("# Sections, in print order: Markdown text, or a list of blocks such as\n");
    out.push_str("# [{ text = \"…\" }, { table = \"tabel1\" }].\n[sections]\n");
    for s in &form.sections {
        let heading = s.heading.as_deref();
        let need = if s.required { "required" } else { "optional" };
        match heading {
            Some(h) => out.push_str(&format!("# \"{h}\" ({need})\n")),
            None => out.push_str(&format!("# the body, printed without a heading ({need})\n")),
        }
        let placeholder = quoted(&format!(
            "{PLACEHOLDER}: {}",
            heading.unwrap_or("forslagets tekst")
        ));
        let c = if s.required { "" } else { "# " };
        match &form.amendment {
            Some(rule) if rule.section.as_deref() == Some(s.key.as_str()) => out.push_str(
                &format!("{c}{} = [{{ table = {} }}]\n", s.key, quoted(&rule.table)),
            ),
            _ => out.push_str(&format!("{c}{} = {placeholder}\n", s.key)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The directive's path goes up from the proposal's folder and down to the schema.
    #[test]
    fn relative_paths() {
        let dir = std::env::temp_dir().join(format!("bn-new-rel-{}", std::process::id()));
        let nested = dir.join("proposals/a");
        std::fs::create_dir_all(&nested).unwrap();
        std::fs::create_dir_all(dir.join(".budgetnote/schema")).unwrap();
        let target = dir.join(".budgetnote/schema/x.json");
        assert_eq!(
            relative_to_file(&nested.join("p.toml"), &target),
            "../../.budgetnote/schema/x.json"
        );
        assert_eq!(
            relative_to_file(&dir.join("p.toml"), &target),
            "./.budgetnote/schema/x.json"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// The year is a plausible calendar year.
    #[test]
    fn next_year_is_plausible() {
        let year = next_year();
        assert!((2025..2200).contains(&year), "{year}");
    }
}
