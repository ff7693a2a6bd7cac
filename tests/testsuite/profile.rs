//! The municipality's profile (`[profile]` in budgetnote.toml): its municipality, logo, default
//! proposer, footer line and renamed headings reach every proposal of the project that does not
//! say otherwise, and mistakes in it stop the run with the settings file's line.

use std::path::Path;

use crate::common::{pdf_text, root, run_cli};

/// A temp project with a profile and one standard proposal that names no proposer,
/// municipality or logo of its own.
fn project_with_profile(profile: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("tests/good/logo/logo.svg"),
        dir.path().join("logo.svg"),
    )
    .unwrap();
    std::fs::write(dir.path().join("budgetnote.toml"), profile).unwrap();
    let proposal = std::fs::read_to_string(root().join("tests/good/minimal.toml"))
        .unwrap()
        .replace("proposer = \"Administrationen\"\n", "")
        .replace("id = \"T01\"", "id = \"T01\"\ndate = 2025-03-14");
    std::fs::create_dir_all(dir.path().join("proposals")).unwrap();
    std::fs::write(dir.path().join("proposals/forslag.toml"), proposal).unwrap();
    dir
}

/// A complete profile.
const PROFILE: &str = r#"[profile]
municipality = "Testkommune"
proposer = "Økonomi og Analyse"
footer = "Testkommune · Økonomiforvaltningen"
logo = { file = "logo.svg", alt = "Testkommunes logo" }

[profile.headings.standard]
bemaerkninger_hu = "7. Bemærkninger fra Socialudvalget"
"#;

// Every part of the profile reaches the PDF of a proposal that does not name its own: the
// municipality and date in the header, the proposer, the footer line, the renamed heading, and
// the logo with its alt text.
#[test]
fn the_profile_reaches_the_pdf() {
    let dir = project_with_profile(PROFILE);
    let out = run_cli(dir.path(), &["render"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let pdf = std::fs::read(dir.path().join("out/forslag.pdf")).unwrap();
    let text = pdf_text(&pdf);
    for words in [
        "Testkommune, 14. marts 2025",
        "Økonomi og Analyse",
        "Testkommune · Økonomiforvaltningen · T01",
        "7. Bemærkninger fra Socialudvalget",
    ] {
        assert!(text.contains(words), "{words:?} missing from:\n{text}");
    }
    crate::pdf_standards::assert_publishable(&pdf, "Testforslag", Path::new("forslag"));
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let figure = crate::pdf_standards::structure(&doc)
        .into_iter()
        .find(|n| n.kind == "Figure");
    assert_eq!(
        figure.and_then(|n| n.alt).as_deref(),
        Some("Testkommunes logo")
    );
}

// Without a profile, a bundled form uses no municipality's own wording and a proposal must name
// its proposer (E003).
#[test]
fn without_a_profile_the_forms_are_neutral() {
    let dir = project_with_profile("");
    let out = run_cli(dir.path(), &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        json.as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "E003" && d["message"].as_str().unwrap().contains("proposer")),
        "{json:#}"
    );
    let out = run_cli(dir.path(), &["forms", "standard"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("fra HU"), "{stdout}");
    assert!(
        stdout.contains("7. Eventuelle bemærkninger fra udvalget"),
        "{stdout}"
    );
}

// A renamed heading of a section the form does not have stops the run with the line in
// budgetnote.toml.
#[test]
fn a_heading_for_no_section_is_an_error() {
    let dir = project_with_profile(
        "[profile]\nproposer = \"X\"\n\n[profile.headings.standard]\nbemaerkninger = \"7. X\"\n",
    );
    let out = run_cli(dir.path(), &["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("budgetnote.toml:5:17"), "{stderr}");
    assert!(
        stderr.contains("has no section `bemaerkninger`"),
        "{stderr}"
    );
}

// The profile's text is printed in every PDF, so it gets a proposal's text checks: a NUL in the
// default proposer (which once made a PDF whose metadata broke PDF/A) and a missing logo file
// stop the run at their line and column in budgetnote.toml.
#[test]
fn the_profiles_text_and_logo_are_checked_at_their_line() {
    let dir = project_with_profile("[profile]\nproposer = \"A\\u0000\"\n");
    let out = run_cli(dir.path(), &["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("budgetnote.toml:2:14") && stderr.contains("E050"),
        "{stderr}"
    );
    let dir = project_with_profile(
        "[profile]\nproposer = \"X\"\nlogo = { file = \"nope.svg\", alt = \"Logo\" }\n",
    );
    let out = run_cli(dir.path(), &["render"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("budgetnote.toml:3:17") && stderr.contains("E036"),
        "{stderr}"
    );
    assert!(!dir.path().join("out").exists(), "nothing rendered");
}

// The profile's colours reach the layout (the PDF differs from the same project without them,
// and stays publishable); a colour not written #rrggbb, or one the layout does not have, stops
// the run at its line.
#[test]
fn the_profiles_colours_reach_the_layout() {
    let plain = project_with_profile(PROFILE);
    let coloured = project_with_profile(&PROFILE.replace(
        "[profile]\n",
        "[profile]\ncolours = { accent = \"#8b0000\", table-head = \"#f5e6c8\" }\n",
    ));
    for dir in [&plain, &coloured] {
        crate::common::run_ok(dir.path(), &["render"]);
    }
    let a = std::fs::read(plain.path().join("out/forslag.pdf")).unwrap();
    let b = std::fs::read(coloured.path().join("out/forslag.pdf")).unwrap();
    assert_ne!(a, b, "the colours changed nothing");
    crate::pdf_standards::assert_publishable(&b, "Testforslag", Path::new("forslag"));
    let bad = project_with_profile("[profile]\nproposer = \"X\"\ncolours = { accent = \"rød\" }\n");
    let out = run_cli(bad.path(), &["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("budgetnote.toml:3:22") && stderr.contains("#rrggbb"),
        "{stderr}"
    );
}

// A profile's `language` gives the PDF that language (its metadata and text) and the headings
// a form offers in it; explicit renames under [profile.headings] still win.
#[test]
fn the_profiles_language_picks_the_forms_headings() {
    let dir =
        project_with_profile(&PROFILE.replace("[profile]\n", "[profile]\nlanguage = \"en\"\n"));
    crate::common::run_ok(dir.path(), &["render"]);
    let pdf = std::fs::read(dir.path().join("out/forslag.pdf")).unwrap();
    let text = pdf_text(&pdf);
    assert!(
        text.contains("1. Summary") && text.contains("3. Proposed change"),
        "{text}"
    );
    assert!(
        text.contains("7. Bemærkninger fra Socialudvalget"),
        "the rename wins: {text}"
    );
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let lang = doc
        .catalog()
        .unwrap()
        .get(b"Lang")
        .unwrap()
        .as_str()
        .unwrap()
        .to_vec();
    assert_eq!(String::from_utf8_lossy(&lang), "en");
    let bad = project_with_profile("[profile]\nproposer = \"X\"\nlanguage = \"dansk\"\n");
    let out = run_cli(bad.path(), &["check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("budgetnote.toml:3:12"));
}

/// A project made by `init` whose profile names Fjordby Kommune and sets the budgetnotat's
/// districts to `districts` (TOML, e.g. `options = []`; nothing: not set), with the example's
/// district tick set to `tick` (a TOML line, or nothing).
fn fjordby(districts: &str, tick: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    assert!(run_cli(dir.path(), &["init", "p"]).status.success());
    let project = dir.path().join("p");
    let settings = project.join("budgetnote.toml");
    let text = std::fs::read_to_string(&settings).unwrap();
    let text = text.replacen(
        "municipality = \"Testkommune\"",
        "municipality = \"Fjordby Kommune\"",
        1,
    );
    let text = if districts.is_empty() {
        text
    } else {
        format!("{text}\n[profile.checkboxes.budgetnotat.bydele]\n{districts}\n")
    };
    std::fs::write(&settings, text).unwrap();
    let example = project.join("proposals/budgetnotat-eksempel.toml");
    let text = std::fs::read_to_string(&example).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("# bydele"))
        .expect("the example shows where districts are ticked");
    std::fs::write(&example, text.replacen(line, tick, 1)).unwrap();
    (dir, project)
}

// A municipality sets a bundled form's checkbox group in its profile, without copying the form:
// with no districts the budgetnotat prints no district and no empty address label; with its own
// districts it prints those (and not Københavns Kommune's), a tick of another municipality's
// district is E021, and the editor schema offers exactly the profile's districts.
#[test]
fn the_profile_sets_a_forms_checkbox_options() {
    let (_dir, project) = fjordby("options = []", "");
    let render = run_cli(&project, &["render", "proposals/budgetnotat-eksempel.toml"]);
    assert!(
        render.status.success(),
        "{}",
        String::from_utf8_lossy(&render.stderr)
    );
    let text = pdf_text(&std::fs::read(project.join("out/budgetnotat-eksempel.pdf")).unwrap());
    assert!(text.contains("Fjordby Kommune"), "{text}");
    for copenhagen in ["Bispebjerg", "Valby", "Amager", "Bydele", "Adresse"] {
        assert!(!text.contains(copenhagen), "{copenhagen} printed:\n{text}");
    }

    let own = "options = [\"Hele kommunen\", \"Nord\", \"Syd\"]\nexclusive = \"Hele kommunen\"";
    let (_dir, project) = fjordby(own, "bydele = [\"Nord\"]");
    let render = run_cli(&project, &["render", "proposals/budgetnotat-eksempel.toml"]);
    assert!(
        render.status.success(),
        "{}",
        String::from_utf8_lossy(&render.stderr)
    );
    let text = pdf_text(&std::fs::read(project.join("out/budgetnotat-eksempel.pdf")).unwrap());
    assert!(
        text.contains("Hele kommunen") && text.contains("Nord"),
        "{text}"
    );
    assert!(!text.contains("Bispebjerg"), "{text}");
    let schema = run_cli(&project, &["schema", "budgetnotat"]);
    let schema = String::from_utf8_lossy(&schema.stdout);
    assert!(
        schema.contains("\"Nord\"") && !schema.contains("\"Valby\""),
        "{schema}"
    );

    let (_dir, project) = fjordby(own, "bydele = [\"Valby\"]");
    let check = run_cli(&project, &["check"]);
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert_eq!(check.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error[E021]") && stderr.contains("Valby"),
        "{stderr}"
    );
}

// A checkbox group the form does not have, and an exclusive option that is not one of the
// group's, are errors at the profile's line.
#[test]
fn a_profile_checkbox_group_is_checked() {
    let (_dir, project) = fjordby("options = [\"A\"]\nexclusive = \"B\"", "");
    let check = run_cli(&project, &["check"]);
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert_ne!(check.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("error[E021]") && stderr.contains("budgetnote.toml"),
        "{stderr}"
    );
    let dir = tempfile::tempdir().unwrap();
    assert!(run_cli(dir.path(), &["init", "p"]).status.success());
    let project = dir.path().join("p");
    let settings = project.join("budgetnote.toml");
    let text = std::fs::read_to_string(&settings).unwrap();
    std::fs::write(
        &settings,
        format!("{text}\n[profile.checkboxes.standard.bydele]\noptions = []\n"),
    )
    .unwrap();
    let check = run_cli(&project, &["check"]);
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(
        stderr.contains("error[E023]") && stderr.contains("no checkbox group `bydele`"),
        "{stderr}"
    );
}

// The profile's colours reach the web pages too: the stylesheet written beside them carries the
// accent (headings, links, the first bar) and the table-head fill; without colours it is the
// bundled one.
#[test]
fn the_profiles_colours_reach_the_web_pages() {
    let plain = project_with_profile(PROFILE);
    let coloured = project_with_profile(&PROFILE.replace(
        "[profile]\n",
        "[profile]\ncolours = { accent = \"#8b0000\", table-head = \"#f5e6c8\" }\n",
    ));
    for dir in [&plain, &coloured] {
        crate::common::run_ok(dir.path(), &["render", "--format", "html"]);
    }
    let css = |dir: &tempfile::TempDir| {
        std::fs::read_to_string(dir.path().join("out/budgetnote.css")).unwrap()
    };
    assert_eq!(css(&plain), budgetnote::export::html::STYLESHEET);
    let css = css(&coloured);
    for line in [
        "--accent: #8b0000;",
        "--bar-1: #8b0000;",
        "--head-fill: #f5e6c8;",
    ] {
        assert!(css.contains(line), "{line} missing:\n{css}");
    }
    assert!(
        !css.contains("#1f3864"),
        "the bundled accent is left:\n{css}"
    );
}

// A project of another municipality that sets no districts and has no form folders of its own:
// the bundled budgetnotat prints no Copenhagen district and no empty label; an address prints on
// its own line; a tick of a Copenhagen district is E021 in `check` and refused by the editor
// schema `new` wrote, which accepts the example as `check` does.
#[test]
fn another_municipality_gets_a_neutral_budgetnotat() {
    let (_dir, project) = fjordby("", "");
    assert!(!project.join("templates").exists());
    let example = project.join("proposals/budgetnotat-eksempel.toml");
    let text = std::fs::read_to_string(&example).unwrap();
    std::fs::write(
        &example,
        text.replacen(
            "\n[checkboxes]",
            "address = \"Havnegade 4, Fjordby\"\n\n[checkboxes]",
            1,
        ),
    )
    .unwrap();
    let render = run_cli(&project, &["render", "proposals/budgetnotat-eksempel.toml"]);
    assert!(render.status.success(), "{render:?}");
    let text = pdf_text(&std::fs::read(project.join("out/budgetnotat-eksempel.pdf")).unwrap());
    assert!(text.contains("Fjordby Kommune"), "{text}");
    for copenhagen in ["Bispebjerg", "Valby", "Bydækkende", "Amager", "Bydele"] {
        assert!(!text.contains(copenhagen), "{copenhagen} printed:\n{text}");
    }
    let squashed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        squashed.contains("Adresse Havnegade 4, Fjordby"),
        "{squashed}"
    );

    let schema_of = |project: &std::path::Path| -> serde_json::Value {
        let out = run_cli(project, &["schema", "budgetnotat"]);
        assert!(out.status.success(), "{out:?}");
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let schema = schema_of(&project);
    let options = &schema["properties"]["checkboxes"]["properties"]["bydele"];
    let listed = options.to_string();
    assert!(!listed.contains("Valby"), "{listed}");
    let validator = crate::schema::Validator::new(&schema);
    let as_json = |path: &std::path::Path| {
        crate::schema::toml_to_json(&std::fs::read_to_string(path).unwrap())
    };
    assert!(validator.check(&as_json(&example)).is_ok());
    let (_dir, ticked) = fjordby("", "bydele = [\"Valby\"]");
    let valby = ticked.join("proposals/budgetnotat-eksempel.toml");
    assert!(validator.check(&as_json(&valby)).is_err());
    let check = run_cli(&ticked, &["check"]);
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert_eq!(check.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error[E021]")
            && stderr.contains("[profile.checkboxes.budgetnotat.bydele]"),
        "{stderr}"
    );
}

// A catalogue annex of a project with a profile: its cover names the municipality and the latest
// date of its proposals, above the annex label, and carries the profile's logo (a figure with the
// logo's alt text on page 1); every page's footer starts with the profile's footer line; and each
// catalogue proposal prints its committee and proposer.
#[test]
fn the_profile_reaches_the_annex_cover() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("tests/good/logo/logo.svg"),
        dir.path().join("logo.svg"),
    )
    .unwrap();
    let settings = std::fs::read_to_string(root().join("budgetnote.toml")).unwrap();
    std::fs::write(
        dir.path().join("budgetnote.toml"),
        format!(
            "{settings}\n[profile]\nmunicipality = \"Testkommune\"\n\
             footer = \"Testkommune · Økonomiforvaltningen\"\n\
             logo = {{ file = \"logo.svg\", alt = \"Testkommunes logo\" }}\n"
        ),
    )
    .unwrap();
    let proposals = dir.path().join("proposals");
    crate::common::copy_dir(
        &root().join("proposals/katalog"),
        &proposals.join("katalog"),
    );
    std::fs::copy(
        root().join("proposals/katalog-med-forslag.toml"),
        proposals.join("katalog-med-forslag.toml"),
    )
    .unwrap();
    let k7 = proposals.join("katalog/k7-fremrykket-indsats-for-fleks-og-ledighed.toml");
    let text = std::fs::read_to_string(&k7).unwrap();
    std::fs::write(
        &k7,
        text.replacen("\n[request]", "date = 2024-08-20\n\n[request]", 1),
    )
    .unwrap();

    let out = run_cli(
        dir.path(),
        &["render", "proposals/katalog-med-forslag.toml"],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let pdf = std::fs::read(dir.path().join("out/katalog-med-forslag.pdf")).unwrap();
    let pages = crate::common::pdf_pages(&pdf);
    let cover = pages[0].split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        cover.contains("Testkommune, 20. august 2024 Bilag 1. Katalog med forslag"),
        "{cover}"
    );
    for (n, page) in pages.iter().enumerate() {
        let page = page.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            page.contains("Testkommune · Økonomiforvaltningen · Bilag 1. Katalog med forslag"),
            "page {}: {page}",
            n + 1
        );
    }
    let all = pages
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        all.contains(
            "Udvalg: Beskæftigelses- og Integrationsudvalget Forslagsstiller: \
             Beskæftigelses- og Integrationsforvaltningen"
        ),
        "{all}"
    );
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    assert!(
        crate::pdf_standards::structure(&doc)
            .iter()
            .any(|n| n.kind == "Figure" && n.alt.as_deref() == Some("Testkommunes logo")),
        "the cover has no logo figure"
    );
}

// A municipality renames a bundled form's fixed labels in its profile, without copying the form:
// the standard form's "Forslagsstiller" and "Udvalg" become its own words in the PDF and on the
// web page, the labels it does not rename stay, `forms standard` lists the labels with their
// keys, and a key the form does not print is E044 at its line, with the form's labels as help.
#[test]
fn the_profile_renames_a_forms_labels() {
    let profile = format!(
        "{PROFILE}\n[profile.labels.standard]\nproposer = \"Ansvarlig forvaltning\"\ncommittees = \"Fagudvalg\"\n"
    );
    let dir = project_with_profile(&profile);
    let render = run_cli(dir.path(), &["render", "--format", "pdf,html"]);
    assert!(render.status.success(), "{render:?}");
    let pdf = pdf_text(&std::fs::read(dir.path().join("out/forslag.pdf")).unwrap());
    let pdf = pdf.split_whitespace().collect::<Vec<_>>().join(" ");
    let html = std::fs::read_to_string(dir.path().join("out/forslag.html")).unwrap();
    for (printed, what) in [(&pdf, "PDF"), (&html, "HTML")] {
        for renamed in [
            "Ansvarlig forvaltning",
            "Fagudvalg",
            "Overskrift",
            "Udgiftstype",
        ] {
            assert!(
                printed.contains(renamed),
                "{what} lacks {renamed}:\n{printed}"
            );
        }
        for old in ["Forslagsstiller", "Udvalg"] {
            assert!(
                !printed
                    .split(|c: char| !c.is_alphanumeric())
                    .any(|w| w == old),
                "{what} still prints {old}:\n{printed}"
            );
        }
    }
    assert!(
        pdf.contains("Ansvarlig forvaltning Økonomi og Analyse"),
        "the label stands beside the proposer: {pdf}"
    );
    let forms = run_cli(dir.path(), &["forms", "standard"]);
    let listed = String::from_utf8_lossy(&forms.stdout);
    assert!(
        listed.contains("proposer") && listed.contains("\"Ansvarlig forvaltning\""),
        "{listed}"
    );

    let wrong = format!("{PROFILE}\n[profile.labels.standard]\nForslagsstiller = \"Ansvarlig\"\n");
    let dir = project_with_profile(&wrong);
    let check = run_cli(dir.path(), &["check"]);
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert_ne!(check.status.code(), Some(0), "{stderr}");
    let line = wrong
        .lines()
        .position(|l| l.starts_with("Forslagsstiller"))
        .unwrap()
        + 1;
    assert!(stderr.contains("error[E044]"), "{stderr}");
    assert!(
        stderr.contains(&format!("budgetnote.toml:{line}:19")),
        "the error points at the label's text: {stderr}"
    );
    assert!(
        stderr.contains("proposer (\"Forslagsstiller\")"),
        "{stderr}"
    );
}

// A municipality decides which of a bundled form's sections a proposal must fill: with
// `investeringsbehov = false` a proposal without it checks, renders and prints no empty heading;
// with `bemaerkninger_hu = true` one without the remarks is refused at check (E016) as at render;
// the editor schema's required sections follow; a section the form does not have is E017 at the
// profile's line.
#[test]
fn the_profile_sets_which_sections_are_required() {
    let profile = format!(
        "{PROFILE}\n[profile.required.standard]\ninvesteringsbehov = false\nbemaerkninger_hu = true\n"
    );
    let dir = project_with_profile(&profile);
    let proposal = dir.path().join("proposals/forslag.toml");
    let text = std::fs::read_to_string(&proposal).unwrap();
    std::fs::write(
        &proposal,
        text.replace("investeringsbehov = \"Investering.\"\n", ""),
    )
    .unwrap();
    let render = run_cli(dir.path(), &["render"]);
    assert!(render.status.success(), "{render:?}");
    let pdf = pdf_text(&std::fs::read(dir.path().join("out/forslag.pdf")).unwrap());
    assert!(!pdf.contains("Investeringsbehov"), "{pdf}");
    assert!(pdf.contains("Konsekvens"), "{pdf}");

    let schema = run_cli(dir.path(), &["schema", "standard"]);
    let schema: serde_json::Value = serde_json::from_slice(&schema.stdout).unwrap();
    let required = schema["properties"]["sections"]["required"].to_string();
    assert!(
        required.contains("bemaerkninger_hu") && !required.contains("investeringsbehov"),
        "{required}"
    );

    let text = std::fs::read_to_string(&proposal).unwrap();
    std::fs::write(
        &proposal,
        text.replace("bemaerkninger_hu = \"Ingen bemærkninger.\"\n", ""),
    )
    .unwrap();
    for command in ["check", "render"] {
        let out = run_cli(dir.path(), &[command]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{command}: {stderr}");
        assert!(
            stderr.contains("error[E016]") && stderr.contains("bemaerkninger_hu"),
            "{command}: {stderr}"
        );
    }

    let wrong = format!("{PROFILE}\n[profile.required.standard]\ninvestering = false\n");
    let dir = project_with_profile(&wrong);
    let check = run_cli(dir.path(), &["check"]);
    let stderr = String::from_utf8_lossy(&check.stderr);
    let line = wrong
        .lines()
        .position(|l| l.starts_with("investering "))
        .unwrap()
        + 1;
    assert!(
        stderr.contains("error[E017]") && stderr.contains(&format!("budgetnote.toml:{line}:15")),
        "{stderr}"
    );
}
