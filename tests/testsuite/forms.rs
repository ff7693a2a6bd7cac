//! Forms as data: the bundled forms ship inside the binary, a project adds its own form as a
//! folder `templates/<name>/` (form.toml + form.typ.j2) without recompiling, and the form's
//! description decides what `check` accepts. The fixture project is tests/forms/own-form/.

use std::path::{Path, PathBuf};

use crate::common::{pdf_text, root, run_cli};

/// The fixture project with its own form "tilskud".
fn own_project() -> PathBuf {
    root().join("tests/forms/own-form")
}

/// Copies the fixture project into a temp folder, to change it.
fn copy_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    crate::common::copy_dir(&own_project(), dir.path());
    dir
}

// Every file under templates/ and fonts/ is bundled into the binary, so a project without its
// own templates/ and fonts/ works, and the bundle cannot drift from the files in the repository.
#[test]
fn the_bundle_holds_every_template_and_font() {
    let mut on_disk = Vec::new();
    let mut dirs = vec![root().join("templates")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                let name = path.strip_prefix(root().join("templates")).unwrap();
                on_disk.push(name.to_str().unwrap().replace('\\', "/"));
            }
        }
    }
    on_disk.sort();
    let mut bundled: Vec<String> = budgetnote::bundle::TEMPLATES
        .iter()
        .map(|(name, _)| (*name).to_owned())
        .collect();
    bundled.sort();
    assert_eq!(bundled, on_disk);
    for (name, text) in budgetnote::bundle::TEMPLATES {
        let disk = std::fs::read_to_string(root().join("templates").join(name)).unwrap();
        assert_eq!(*text, disk, "{name}");
    }
    let fonts: Vec<String> = std::fs::read_dir(root().join("fonts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".ttf"))
        .collect();
    assert_eq!(fonts.len(), budgetnote::bundle::FONTS.len());
}

// `forms` lists the bundled forms and the project's own, marked as such; `forms NAME` shows the
// sections and checkbox options a proposal of that form takes.
#[test]
fn forms_lists_bundled_and_own_forms() {
    let out = run_cli(&own_project(), &["forms"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    for name in [
        "standard",
        "budgetnotat",
        "driftsforslag",
        "statusnotat",
        "katalogforslag",
        "budgetopfoelgning",
    ] {
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with(name) && !l.contains("own:")),
            "{stdout}"
        );
    }
    // The descriptions start in one column, however long a form's name is.
    let columns: Vec<usize> = stdout
        .lines()
        .map(|l| {
            let name = l.split_whitespace().next().unwrap_or("");
            let rest = &l[name.len()..];
            name.len() + rest.len() - rest.trim_start().len()
        })
        .collect();
    assert!(columns.windows(2).all(|w| w[0] == w[1]), "{stdout}");
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("tilskud") && l.contains("own:")),
        "{stdout}"
    );
    let out = run_cli(&own_project(), &["forms", "tilskud"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("formaal") && stdout.contains("\"Formål\""),
        "{stdout}"
    );
    assert!(
        stdout.contains("bemaerkninger") && stdout.contains("optional"),
        "{stdout}"
    );
    assert!(stdout.contains("\"Beskæftigelsespuljen\""), "{stdout}");
    let out = run_cli(&own_project(), &["forms", "tilskudd"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean \"tilskud\"?"));
}

// A proposal of the project's own form renders to a PDF/UA-1 + PDF/A-2a PDF that prints the
// form's own headings and the proposal's text and table.
#[test]
fn own_form_renders_a_publishable_pdf() {
    let project = own_project();
    let out_dir = tempfile::tempdir().unwrap();
    let out = run_cli(
        &project,
        &[
            "render",
            "-o",
            out_dir.path().to_str().unwrap(),
            "proposals",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let pdf = std::fs::read(out_dir.path().join("ansoegning.pdf")).unwrap();
    crate::pdf_standards::assert_publishable(
        &pdf,
        "Værested for unge ledige",
        Path::new("ansoegning"),
    );
    let text = pdf_text(&pdf);
    for words in [
        "Formål",
        "Målgruppe",
        "Budget for projektet",
        "Husleje",
        "120.000 kr.",
        "Foreningen Fællesskab",
    ] {
        assert!(text.contains(words), "{words} missing from:\n{text}");
    }
    assert!(
        !text.contains("Bemærkninger"),
        "an optional section left out has no heading"
    );
}

// `check` takes what the own form prints from its description: a section it does not have, a
// missing required one and an option it does not offer are errors at the proposal's keys.
#[test]
fn own_form_decides_what_check_accepts() {
    let dir = copy_project();
    let file = dir.path().join("proposals/ansoegning.toml");
    crate::common::edit(
        &file,
        &[
            ("maalgruppe = ", "status = "),
            ("[\"Socialpuljen\"]", "[\"Kulturpuljen\"]"),
        ],
    );
    let out = run_cli(dir.path(), &["check", "--format", "json", "proposals"]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    for code in ["E016", "E017", "E021"] {
        assert!(codes.contains(&code), "{code} missing: {json:#}");
    }
    assert!(
        json.as_array()
            .unwrap()
            .iter()
            .all(|d| d["line"].as_u64().unwrap() > 0)
    );
}

// A mistake in a project's form description is reported at its line in form.toml, the form is
// left out (its proposals get "unknown form"), and the run exits 1.
#[test]
fn a_broken_form_description_is_spanned() {
    let dir = copy_project();
    let form = dir.path().join("templates/tilskud/form.toml");
    crate::common::edit(&form, &[("key = \"budget\"", "key = \"formaal\"")]);
    let out = run_cli(dir.path(), &["check", "proposals"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("form.toml:14:7"), "{stderr}");
    assert!(stderr.contains("listed twice"), "{stderr}");
    assert!(stderr.contains("E004"), "{stderr}");
}

// A project's broken replacement of a bundled form does not fall back to the bundled form: its
// proposals get no PDF (E004), and its form.toml error is reported at its line; a text in a form
// description gets the proposal's text checks (E050 at the character).
#[test]
fn a_broken_replacement_of_a_bundled_form_is_not_silently_bundled() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("templates/standard")).unwrap();
    let form = std::fs::read_to_string(root().join("templates/standard/form.toml"))
        .unwrap()
        .replace("heading = \"1. Resumé\"", "heading = \"1. Res\\u0007umé\"");
    std::fs::write(dir.path().join("templates/standard/form.toml"), form).unwrap();
    std::fs::create_dir_all(dir.path().join("proposals")).unwrap();
    std::fs::copy(
        root().join("tests/good/minimal.toml"),
        dir.path().join("proposals/m.toml"),
    )
    .unwrap();
    let out = run_cli(dir.path(), &["render"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("E050") && stderr.contains("form.toml:"),
        "{stderr}"
    );
    assert!(stderr.contains("E004"), "{stderr}");
    assert!(!dir.path().join("out/m.pdf").exists());
}

// A template that does not parse is reported at its line and left out, and a template that
// cannot be filled (an undefined value) is the proposal's error with exit 1, never a bare exit 2;
// the proposals of other forms still render.
#[test]
fn broken_templates_are_the_projects_errors_not_failures() {
    let dir = copy_project();
    std::fs::write(
        dir.path().join("templates/tilskud/extra.typ.j2"),
        "ok\n{{ oops\n",
    )
    .unwrap();
    std::fs::copy(
        root().join("tests/good/minimal.toml"),
        dir.path().join("proposals/m.toml"),
    )
    .unwrap();
    let out = run_cli(dir.path(), &["render"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("extra.typ.j2:2:1"), "{stderr}");
    assert!(dir.path().join("out/m.pdf").is_file(), "{stderr}");
    assert!(dir.path().join("out/ansoegning.pdf").is_file(), "{stderr}");

    std::fs::remove_file(dir.path().join("templates/tilskud/extra.typ.j2")).unwrap();
    let template = dir.path().join("templates/tilskud/form.typ.j2");
    crate::common::edit(&template, &[("{{ p.proposer }}", "{{ p.no_such_field }}")]);
    let out = run_cli(
        dir.path(),
        &["check", "--format", "json", "proposals/ansoegning.toml"],
    );
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = &json.as_array().unwrap()[0];
    assert_eq!(d["code"], "E056");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("tilskud/form.typ.j2"),
        "{d}"
    );
    assert!(
        d["message"].as_str().unwrap().len() < 400,
        "no debug dump: {d}"
    );
}

// A template that is a symlink leading outside the project is refused unread: its content never
// reaches a PDF or a message.
#[test]
fn a_template_leading_outside_the_project_is_not_read() {
    let dir = copy_project();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "SECRET-TOKEN-123").unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.txt"),
        dir.path().join("templates/tilskud/leak.typ.j2"),
    )
    .unwrap();
    let out = run_cli(dir.path(), &["render"]);
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(all.contains("leads outside the project"), "{all}");
    assert!(!all.contains("SECRET-TOKEN-123"), "{all}");
    let pdf = std::fs::read(dir.path().join("out/ansoegning.pdf")).unwrap();
    assert!(!pdf_text(&pdf).contains("SECRET"));
}

// A negative figure typed with a hyphen in a text table prints with a true minus, like every
// figure of the amounts tables.
#[test]
fn text_table_figures_print_a_true_minus() {
    let dir = copy_project();
    let file = dir.path().join("proposals/ansoegning.toml");
    crate::common::edit(&file, &[("\"80.000 kr.\"", "\"-80.000 kr.\"")]);
    crate::common::run_ok(dir.path(), &["render"]);
    let pdf_text = pdf_text(&std::fs::read(dir.path().join("out/ansoegning.pdf")).unwrap());
    assert!(pdf_text.contains("\u{2212}80.000 kr."), "{pdf_text}");
}

// `forms eject NAME` copies a bundled form into templates/NAME/ byte for byte; the project then
// uses its copy (once changed, `forms` lists it as the project's own and its changed heading is
// printed), and a second eject copies nothing and fails, leaving the edited files as they are;
// an unknown form is refused with the names.
#[test]
fn eject_copies_a_bundled_form_into_the_project() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_cli(dir.path(), &["forms", "eject", "standard"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let folder = dir.path().join("templates/standard");
    for (path, text) in budgetnote::bundle::TEMPLATES {
        if let Some(file) = path.strip_prefix("standard/") {
            assert_eq!(
                std::fs::read_to_string(folder.join(file)).unwrap(),
                *text,
                "{file}"
            );
        }
    }
    // The copy is the project's form: its heading, changed there, is printed.
    let form = folder.join("form.toml");
    let description = std::fs::read_to_string(&form).unwrap();
    let changed = description.replacen(
        "heading = \"2. Status\"",
        "heading = \"2. Status lige nu\"",
        1,
    );
    assert_ne!(changed, description);
    std::fs::write(&form, &changed).unwrap();
    std::fs::create_dir_all(dir.path().join("proposals")).unwrap();
    std::fs::copy(
        folder.join("example.toml"),
        dir.path().join("proposals/eksempel.toml"),
    )
    .unwrap();
    let settings = std::fs::read_to_string(root().join("budgetnote.toml")).unwrap();
    std::fs::write(
        dir.path().join("budgetnote.toml"),
        format!("{settings}\n[profile]\nproposer = \"Økonomiforvaltningen\"\n"),
    )
    .unwrap();
    let forms = run_cli(dir.path(), &["forms"]);
    let listed = String::from_utf8_lossy(&forms.stdout);
    assert!(
        listed
            .lines()
            .any(|l| l.starts_with("standard ") && l.contains("(own: ")),
        "{listed}"
    );
    let render = run_cli(dir.path(), &["render", "proposals/eksempel.toml"]);
    assert_eq!(render.status.code(), Some(0), "{render:?}");
    let pdf = std::fs::read(dir.path().join("out/eksempel.pdf")).unwrap();
    assert!(
        pdf_text(&pdf).contains("2. Status lige nu"),
        "the project's copy of the form is not used"
    );

    // A second eject copies nothing over the edited copy.
    let again = run_cli(dir.path(), &["forms", "eject", "standard"]);
    assert_eq!(again.status.code(), Some(2), "{again:?}");
    assert!(String::from_utf8_lossy(&again.stderr).contains("already there"));
    assert_eq!(std::fs::read_to_string(&form).unwrap(), changed);

    let unknown = run_cli(dir.path(), &["forms", "eject", "standardd"]);
    assert_eq!(unknown.status.code(), Some(2));
    let said = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        said.contains("\"standard\"") && said.contains("budgetnotat"),
        "{said}"
    );
}
