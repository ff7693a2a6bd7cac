//! The render cache: `render` typesets a document again exactly when something its bytes depend
//! on changed, keeps the others, and what it keeps is byte for byte what `--force` makes.

use std::collections::BTreeSet;
use std::path::Path;

use crate::common::{copy_dir, run_cli_env};

/// The documents of the fixture project, by their PDF's path under `out/`.
const SHEET: &str = "sheet.pdf";
/// The proposal with a logo (form standard).
const LOGO: &str = "logo.pdf";
/// The first proposal of the catalogue (form katalogforslag).
const E1: &str = "katalog/e1.pdf";
/// The second proposal of the catalogue (form katalogforslag).
const E3: &str = "katalog/e3.pdf";
/// The catalogue annex of E1 and E3.
const ANNEX: &str = "katalog/catalogue.pdf";
/// Every document.
const ALL: &[&str] = &[SHEET, LOGO, E1, E3, ANNEX];

/// A copy of `tests/cache/project` with the repository's templates and profile.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(Path::new("tests/cache/project"), dir.path());
    copy_dir(Path::new("templates"), &dir.path().join("templates"));
    std::fs::copy("budgetnote.toml", dir.path().join("budgetnote.toml")).unwrap();
    dir
}

/// Renders the project's proposals into `out` (`--force` when `force`) with `env`, and returns
/// the documents typeset and those kept, by their path under `out`.
fn render(
    dir: &Path,
    out: &str,
    force: bool,
    env: &[(&str, &str)],
) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut args = vec!["--verbose", "render", "proposals", "-o", out];
    if force {
        args.push("--force");
    }
    let output = run_cli_env(dir, &args, env);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "render failed:\n{stderr}");
    let listed = |verb: &str| -> BTreeSet<String> {
        let prefix = format!("{verb} {out}/");
        stderr
            .lines()
            .filter_map(|line| line.strip_prefix(&prefix))
            .map(str::to_owned)
            .collect()
    };
    (listed("wrote"), listed("unchanged"))
}

/// The documents named, as a set.
fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| (*s).to_owned()).collect()
}

/// Renders into `out/` and asserts that exactly `expected` were typeset, the others kept, and
/// that every PDF in `out/` equals a forced render's into `forced/`.
fn step(dir: &Path, what: &str, env: &[(&str, &str)], expected: &[&str]) {
    let (typeset, kept) = render(dir, "out", false, env);
    assert_eq!(typeset, set(expected), "typeset again after: {what}");
    let others: Vec<&str> = ALL
        .iter()
        .copied()
        .filter(|d| !expected.contains(d))
        .collect();
    assert_eq!(kept, set(&others), "kept after: {what}");
    let (forced, _) = render(dir, "forced", true, env);
    assert_eq!(forced, set(ALL), "--force typesets everything");
    for doc in ALL {
        let cached = std::fs::read(dir.join("out").join(doc)).unwrap();
        let fresh = std::fs::read(dir.join("forced").join(doc)).unwrap();
        assert!(
            cached == fresh,
            "{doc} after {what} differs from a forced render"
        );
    }
}

/// Replaces `from` by `to` in the file at `path` (which must contain it).
fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

// Each kind of input changed in turn typesets exactly the documents that depend on it, and the
// kept PDFs are byte for byte a forced render's.
#[test]
fn each_input_typesets_exactly_its_documents() {
    let dir = project();
    let root = dir.path();
    let proposals = root.join("proposals");
    step(root, "the first render", &[], ALL);
    step(root, "nothing", &[], &[]);

    edit(
        &proposals.join("katalog/e1.toml"),
        "Digital selvbetjening",
        "Digital selvbetjening og booking",
    );
    step(root, "a proposal's TOML", &[], &[E1, ANNEX]);

    edit(
        &proposals.join("drift.csv"),
        "Kontanthjælp",
        "Kontanthjælp m.v.",
    );
    step(root, "a spreadsheet it reads", &[], &[SHEET]);

    edit(&proposals.join("logo.svg"), "#1f3864", "#7a1f1f");
    step(root, "its logo", &[], &[LOGO]);

    let kataloget = root.join("templates/katalogforslag/form.typ.j2");
    edit(
        &kataloget,
        "{% macro body(p) %}\n",
        "{% macro body(p) %}\n// edited\n",
    );
    step(root, "a form's template", &[], &[E1, E3, ANNEX]);
    // The annex prints the proposals' bodies, not their own title blocks.
    edit(
        &kataloget,
        "#doc-title[{{ p.title }}]",
        "#doc-title[{{ p.title }}] ",
    );
    step(root, "the form's title block", &[], &[E1, E3]);

    let drift = root.join("templates/driftsforslag/form.typ.j2");
    edit(
        &drift,
        "{% macro body(p) %}\n",
        "{% macro body(p) %}\n// edited\n",
    );
    step(root, "another form's template", &[], &[SHEET]);

    let layout = root.join("templates/budgetnote.typ");
    let text = std::fs::read_to_string(&layout).unwrap();
    std::fs::write(&layout, format!("{text}\n// edited\n")).unwrap();
    step(root, "the shared layout", &[], ALL);

    let profile = root.join("budgetnote.toml");
    let text = std::fs::read_to_string(&profile).unwrap();
    std::fs::write(
        &profile,
        format!("{text}\n[profile.colours]\naccent = \"#2b5d34\"\n"),
    )
    .unwrap();
    step(root, "the profile's colours", &[], ALL);

    std::fs::create_dir_all(root.join("fonts")).unwrap();
    std::fs::copy("fonts/Carlito-Regular.ttf", root.join("fonts/Extra.ttf")).unwrap();
    step(root, "a font added", &[], ALL);

    let epoch = [("SOURCE_DATE_EPOCH", "1767225600")];
    step(root, "SOURCE_DATE_EPOCH", &epoch, ALL);
    step(root, "nothing, with SOURCE_DATE_EPOCH", &epoch, &[]);

    step(
        root,
        "another build of budgetnote",
        &[("BUDGETNOTE_TEST_BUILD", "next")],
        ALL,
    );
}

// A PDF changed or removed by hand is typeset again, and so is everything when the cache is
// damaged or `--force` is given; a proposal with errors loses its PDF and its cache entry.
#[test]
fn output_is_verified_and_force_ignores_the_cache() {
    let dir = project();
    let root = dir.path();
    step(root, "the first render", &[], ALL);

    let out = root.join("out");
    let mut bytes = std::fs::read(out.join(SHEET)).unwrap();
    let last = bytes.len() - 2;
    bytes[last] ^= 1;
    std::fs::write(out.join(SHEET), bytes).unwrap();
    std::fs::remove_file(out.join(LOGO)).unwrap();
    step(root, "a PDF edited and one deleted", &[], &[SHEET, LOGO]);

    let (typeset, kept) = render(root, "out", true, &[]);
    assert_eq!((typeset, kept), (set(ALL), set(&[])), "--force");

    let manifest = out.join(".budgetnote-manifest");
    let text = std::fs::read_to_string(&manifest).unwrap();
    assert!(text.contains("\"key\": \""), "the manifest holds the cache");
    std::fs::write(&manifest, text.replace("\"key\": \"", "\"key\": \"0")).unwrap();
    step(root, "every cache key edited", &[], ALL);

    // An entry that is no entry at all costs its own typesetting, never the manifest's files.
    let text = std::fs::read_to_string(&manifest).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["cache"]["logo.pdf"]["files"] = serde_json::Value::Null;
    std::fs::write(&manifest, json.to_string()).unwrap();
    step(root, "one cache entry broken", &[], &[LOGO]);
    let text = std::fs::read_to_string(&manifest).unwrap();
    assert!(
        text.contains("\"logo.pdf\": \"proposals/logo.toml\""),
        "{text}"
    );

    let e3 = root.join("proposals/katalog/e3.toml");
    let good = std::fs::read_to_string(&e3).unwrap();
    std::fs::write(&e3, good.replacen("title = ", "titel = ", 1)).unwrap();
    let output = run_cli_env(root, &["render", "proposals", "-o", "out"], &[]);
    assert!(!output.status.success(), "a proposal with errors fails");
    assert!(!out.join(E3).exists(), "its PDF is gone");
    assert!(!out.join(ANNEX).exists(), "and the annex that includes it");
    let cache = std::fs::read_to_string(&manifest).unwrap();
    let cache = &cache[cache.find("\"cache\"").unwrap()..];
    assert!(!cache.contains("katalog/e3.pdf"), "its cache entry is gone");
    assert!(cache.contains("katalog/e1.pdf"), "the others' stay");
    std::fs::write(&e3, good).unwrap();
    step(root, "the error fixed", &[], &[E3, ANNEX]);
}

// `check` after a render typesets only what changed since (and says how many it did not), and
// the cache never hides a refusal: a shared layout typst refuses is refused by `check` at once.
#[test]
fn check_typesets_only_what_changed_since_the_render() {
    let dir = project();
    let root = dir.path();
    step(root, "the first render", &[], ALL);
    let check = |expect: Option<i32>| -> String {
        let output = run_cli_env(root, &["check", "proposals"], &[]);
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert_eq!(output.status.code(), expect, "{stderr}");
        stderr
    };
    let all = check(Some(0));
    assert!(
        all.contains("(5 as last rendered, not typeset again)"),
        "{all}"
    );

    edit(
        &root.join("proposals/katalog/e1.toml"),
        "Digital selvbetjening",
        "Digital selvbetjening og booking",
    );
    let one = check(Some(0));
    assert!(
        one.contains("(3 as last rendered, not typeset again)"),
        "{one}"
    );

    let layout = root.join("templates/budgetnote.typ");
    let text = std::fs::read_to_string(&layout).unwrap();
    std::fs::write(&layout, format!("{text}\n#panic(\"broken layout\")\n")).unwrap();
    let broken = check(Some(1));
    assert!(broken.contains("broken layout"), "{broken}");
    assert!(!broken.contains("as last rendered"), "{broken}");
}
