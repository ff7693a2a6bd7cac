//! Same input, same bytes: repeated renders, renders from another checkout path and under another
//! time zone and locale are identical; `SOURCE_DATE_EPOCH` sets the date.

use std::path::Path;

use crate::common::{render, root, run_cli_env, scaffold_project};

// Two renders of the seed proposal in one process give identical bytes.
#[test]
fn two_renders_are_byte_identical() {
    let file = root().join("proposals/flere-udsatte-borgere-i-beskaeftigelse.toml");
    let a = render(&file);
    let b = render(&file);
    assert!(a.len() > 1000);
    assert!(a == b, "PDF bytes differ between two renders");
}

/// Renders the seed proposal with the CLI in a fresh project copy at `dir`, with `env` set.
fn render_copy(dir: &Path, env: &[(&str, &str)]) -> Vec<u8> {
    scaffold_project(dir);
    std::fs::create_dir_all(dir.join("proposals")).unwrap();
    std::fs::copy(
        root().join("proposals/flere-udsatte-borgere-i-beskaeftigelse.toml"),
        dir.join("proposals/note.toml"),
    )
    .unwrap();
    let out = run_cli_env(dir, &["render"], env);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read(dir.join("out/note.pdf")).unwrap()
}

/// The PDF's creation date as written in its Info dictionary, e.g. "D:20240101000000Z".
fn creation_date(pdf: &[u8]) -> String {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let info = doc.trailer.get(b"Info").unwrap().as_reference().unwrap();
    let info = doc.get_object(info).unwrap().as_dict().unwrap();
    match info.get(b"CreationDate").unwrap() {
        lopdf::Object::String(bytes, _) => String::from_utf8_lossy(bytes).into_owned(),
        other => panic!("creation date is {other:?}"),
    }
}

// A copy of the project at another path, rendered by the CLI under another time zone and
// locale, gives the same bytes.
#[test]
fn another_checkout_path_time_zone_and_locale_give_the_same_bytes() {
    let here = tempfile::tempdir().unwrap();
    let there = tempfile::tempdir().unwrap();
    let a = render_copy(here.path(), &[("TZ", "UTC"), ("LC_ALL", "C")]);
    let b = render_copy(
        there.path(),
        &[
            ("TZ", "Pacific/Kiritimati"),
            ("LC_ALL", "da_DK.UTF-8"),
            ("LANG", "da_DK.UTF-8"),
        ],
    );
    assert!(
        a == b,
        "PDF bytes differ between checkouts, time zones or locales"
    );
}

// Without SOURCE_DATE_EPOCH an undated proposal carries 1 January of its budget year;
// SOURCE_DATE_EPOCH overrides it (1700000000 is 14 November 2023).
#[test]
fn source_date_epoch_sets_the_date() {
    let plain = tempfile::tempdir().unwrap();
    let pinned = tempfile::tempdir().unwrap();
    let a = render_copy(plain.path(), &[]);
    let b = render_copy(pinned.path(), &[("SOURCE_DATE_EPOCH", "1700000000")]);
    assert!(
        creation_date(&a).starts_with("D:20240101"),
        "{}",
        creation_date(&a)
    );
    assert!(
        creation_date(&b).starts_with("D:20231114"),
        "{}",
        creation_date(&b)
    );
}
