//! `budgetnote init`: an empty folder becomes a project that renders at once, with the profile,
//! one example per bundled form and a .gitignore; an existing project is never overwritten.

use std::path::Path;

use crate::common::{pdf_text, run_cli};

// `init` then `render` in an empty folder gives one publishable PDF per bundled form, printing
// the profile's municipality; `check --deny warnings` finds nothing to say about the examples.
#[test]
fn init_then_render_works_in_an_empty_folder() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("budget");
    crate::common::run_ok(dir.path(), &["init", "budget"]);
    assert_eq!(
        std::fs::read_to_string(project.join(".gitignore")).unwrap(),
        "out/\n"
    );
    crate::common::run_ok(&project, &["check", "--deny", "warnings"]);
    let render = run_cli(&project, &["render"]);
    let stderr = String::from_utf8_lossy(&render.stderr);
    assert_eq!(render.status.code(), Some(0), "{stderr}");
    let forms = budgetnote::forms::Forms::bundled();
    for form in forms.iter() {
        let pdf = std::fs::read(project.join(format!("out/{}-eksempel.pdf", form.name)))
            .unwrap_or_else(|e| panic!("{}: {e}\n{stderr}", form.name));
        let title = toml::from_str::<toml::Table>(
            &std::fs::read_to_string(
                project.join(format!("proposals/{}-eksempel.toml", form.name)),
            )
            .unwrap(),
        )
        .unwrap()["title"]
            .as_str()
            .unwrap()
            .to_owned();
        crate::pdf_standards::assert_publishable(&pdf, &title, Path::new(&form.name));
        // (the statusnotat prints it in capitals, as Ballerup Kommune does)
        assert!(
            pdf_text(&pdf).to_lowercase().contains("testkommune"),
            "{}",
            form.name
        );
    }
}

// A municipality's first edit of `init`'s register replaces its committees with its own: the
// examples still check, because their budget lines name the committee in full, and a line that
// names a committee neither registered nor among the proposal's is still E038 at its line.
#[test]
fn init_examples_survive_a_new_register() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("budget");
    crate::common::run_ok(dir.path(), &["init", "budget"]);
    let settings = project.join("budgetnote.toml");
    let text = std::fs::read_to_string(&settings).unwrap();
    let start = text.find("[committees]").unwrap();
    std::fs::write(
        &settings,
        format!(
            "{}[committees]\nBUU = \"Børne- og Ungdomsudvalget\"\nTMU = \"Teknik- og Miljøudvalget\"\n",
            &text[..start]
        ),
    )
    .unwrap();
    crate::common::run_ok(&project, &["check", "--deny", "warnings"]);

    let example = project.join("proposals/standard-eksempel.toml");
    let text = std::fs::read_to_string(&example).unwrap();
    std::fs::write(
        &example,
        text.replacen("committee = \"Socialudvalget\"", "committee = \"SU\"", 1),
    )
    .unwrap();
    let check = run_cli(&project, &["check"]);
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert_eq!(check.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("error[E038]: committee \"SU\""), "{stderr}");
    assert!(stderr.contains("standard-eksempel.toml:18:13"), "{stderr}");
}

// `init` on a folder that is a project already writes nothing and says which files it kept.
#[test]
fn init_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("budgetnote.toml"), "# mine\n").unwrap();
    let out = run_cli(dir.path(), &["init"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("budgetnote.toml"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("budgetnote.toml")).unwrap(),
        "# mine\n"
    );
    assert!(!dir.path().join("proposals").exists());
}

// `--root DIR` makes DIR's proposals/ and out/ the defaults, wherever the command runs from.
#[test]
fn root_names_the_projects_proposals_and_output() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(run_cli(dir.path(), &["init", "p"]).status.code(), Some(0));
    let elsewhere = tempfile::tempdir().unwrap();
    let root = dir.path().join("p");
    crate::common::run_ok(
        elsewhere.path(),
        &["--root", root.to_str().unwrap(), "render"],
    );
    assert!(root.join("out/standard-eksempel.pdf").is_file());
    assert!(!elsewhere.path().join("out").exists());
}
