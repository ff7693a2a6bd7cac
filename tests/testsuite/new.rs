//! `budgetnote new FORM PATH`: a skeleton of every bundled form checks and renders as written,
//! names every section and option of its form, points its `#:schema` directive at a schema file
//! that exists, and an existing file is never overwritten.

use std::path::Path;

use budgetnote::forms::Forms;

use crate::common::{pdf_text, run_cli, scaffold_project};

/// The schema file a skeleton's `#:schema` directive names, resolved from the skeleton's folder.
fn directive_target(file: &Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(file).unwrap();
    let first = text.lines().next().unwrap();
    let relative = first
        .strip_prefix("#:schema ")
        .unwrap_or_else(|| panic!("{} starts with {first:?}", file.display()));
    file.parent().unwrap().join(relative)
}

/// A skeleton per bundled form: exit 0, the directive's schema exists and is that form's schema,
/// every section key and checkbox option is named, and `check` then `render` pass with the
/// placeholders printed.
#[test]
fn skeletons_check_and_render() {
    let dir = tempfile::tempdir().unwrap();
    scaffold_project(dir.path());
    let forms: Vec<_> = Forms::bundled().iter().cloned().collect();
    assert!(forms.len() >= 5);
    for form in &forms {
        let path = format!("proposals/{}.toml", form.name);
        let out = run_cli(dir.path(), &["new", &form.name, &path]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let file = dir.path().join(&path);
        let text = std::fs::read_to_string(&file).unwrap();
        let schema_file = directive_target(&file);
        let written: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&schema_file).unwrap())
                .expect("the schema file is JSON");
        let printed: serde_json::Value =
            serde_json::from_slice(&run_cli(dir.path(), &["schema", &form.name]).stdout).unwrap();
        assert_eq!(
            written, printed,
            "{}: the schema file is the form's",
            form.name
        );
        for section in &form.sections {
            assert!(
                text.contains(&format!("{} = ", section.key)),
                "{}",
                section.key
            );
            if let Some(heading) = &section.heading {
                assert!(text.contains(heading.as_str()), "{heading}");
            }
        }
        for group in &form.checkboxes {
            for option in &group.options {
                assert!(text.contains(&format!("\"{option}\"")), "{option}");
            }
        }
        for word in ["Overskrift", "Udvalg", "Forslagsstiller"] {
            assert!(
                text.contains(word),
                "{}: no comment names {word}",
                form.name
            );
        }
        // Only a form that prints the amounts table gets `[budget]`, with its comments.
        for word in ["[budget]", "Nuværende budget", "årsværk"] {
            assert_eq!(
                text.contains(word),
                form.needs_budget,
                "{}: {word} in the skeleton of a form that does or does not print it",
                form.name
            );
        }
    }
    let check = run_cli(dir.path(), &["check"]);
    let err = String::from_utf8_lossy(&check.stderr);
    assert_eq!(check.status.code(), Some(0), "{err}");
    assert!(
        err.contains(&format!(
            "checked {} file(s): 0 error(s), 0 warning(s)",
            forms.len()
        )),
        "{err}"
    );
    let render = run_cli(dir.path(), &["render"]);
    assert_eq!(
        render.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&render.stderr)
    );
    for form in &forms {
        let pdf = std::fs::read(dir.path().join(format!("out/{}.pdf", form.name))).unwrap();
        assert!(
            pdf_text(&pdf).contains("UDFYLD"),
            "{}: placeholders printed",
            form.name
        );
    }
}

/// With a committee register in budgetnote.toml the skeleton's budget line names a registered
/// committee, so it still checks.
#[test]
fn skeleton_uses_the_register() {
    let dir = tempfile::tempdir().unwrap();
    scaffold_project(dir.path());
    std::fs::write(
        dir.path().join("budgetnote.toml"),
        "[committees]\nKFU = \"Kultur- og Fritidsudvalget\"\n",
    )
    .unwrap();
    let out = run_cli(dir.path(), &["new", "standard", "nyt.toml"]);
    assert_eq!(out.status.code(), Some(0));
    let text = std::fs::read_to_string(dir.path().join("nyt.toml")).unwrap();
    assert!(
        text.starts_with("#:schema ./.budgetnote/schema/standard.json\n"),
        "{text}"
    );
    assert!(text.contains("committee = \"KFU\""), "{text}");
    assert!(
        text.contains("committees = [\"Kultur- og Fritidsudvalget\"]"),
        "{text}"
    );
    let check = run_cli(dir.path(), &["check", "nyt.toml"]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}

/// An existing file is refused with exit 2 and left as it was; an unknown form is exit 2 too.
#[test]
fn refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    scaffold_project(dir.path());
    let file = dir.path().join("mine.toml");
    std::fs::write(&file, "# my own work\n").unwrap();
    let out = run_cli(dir.path(), &["new", "standard", "mine.toml"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("mine.toml already exists") && err.contains("help:"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "# my own work\n");
    let out = run_cli(dir.path(), &["new", "standart", "other.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!dir.path().join("other.toml").exists());
}

/// A skeleton carries only what its form prints or the parser requires: a budgetnotat gets its
/// address and no `[budget]`, `[request]`, target group or district group (the bundled form has
/// no districts without a profile); a katalogforslag gets its request
/// and target group and no address. `new katalog` suggests "katalogforslag".
#[test]
fn skeleton_has_what_the_form_prints() {
    let dir = tempfile::tempdir().unwrap();
    scaffold_project(dir.path());
    for form in ["budgetnotat", "katalogforslag"] {
        let out = run_cli(dir.path(), &["new", form, &format!("{form}.toml")]);
        assert_eq!(out.status.code(), Some(0));
    }
    let notat = std::fs::read_to_string(dir.path().join("budgetnotat.toml")).unwrap();
    let katalog = std::fs::read_to_string(dir.path().join("katalogforslag.toml")).unwrap();
    for (text, present, absent) in [
        (
            &notat,
            &["address = ", "[checkboxes]", "[logo]"][..],
            &[
                "[budget]",
                "[request]",
                "target_group",
                "number = ",
                "bydele = ",
            ][..],
        ),
        (
            &katalog,
            &["[request]", "target_group = "][..],
            &["[budget]", "address = ", "[checkboxes]"][..],
        ),
    ] {
        for key in present {
            assert!(text.contains(key), "{key} missing:\n{text}");
        }
        for key in absent {
            assert!(!text.contains(key), "{key} written:\n{text}");
        }
    }
    let out = run_cli(dir.path(), &["new", "katalog", "x.toml"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("did you mean \"katalogforslag\"?"), "{err}");
}
