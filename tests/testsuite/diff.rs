//! `budgetnote diff` and `render --stamp`, on git repositories built inside the tests with gix
//! (no `git` binary needed).

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::common::{pdf_text, root, run_cli};
use super::pdf_standards::info;

/// The small valid budgetnotat fixture (checkboxes, sub-heading, ledger, agreement).
fn notat() -> String {
    std::fs::read_to_string(root().join("tests/good/budgetnotat.toml")).unwrap()
}

/// The smallest valid standard-form proposal.
fn minimal() -> String {
    std::fs::read_to_string(root().join("tests/good/minimal.toml")).unwrap()
}

/// `text` with each `(from, to)` replaced, failing when a `from` is not there.
fn edited(text: &str, replacements: &[(&str, &str)]) -> String {
    let mut text = text.to_owned();
    for (from, to) in replacements {
        assert!(text.contains(from), "no {from:?} in {text}");
        text = text.replacen(from, to, 1);
    }
    text
}

/// A git repository in a temporary folder whose commits are made with gix.
struct Repo {
    /// The folder (work tree and project root).
    dir: tempfile::TempDir,
    /// The repository.
    repo: gix::Repository,
    /// The last commit.
    head: Option<gix::ObjectId>,
}

impl Repo {
    /// An empty repository.
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let repo = gix::init(dir.path()).unwrap();
        Self {
            dir,
            repo,
            head: None,
        }
    }

    /// The project root.
    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `files` (path, text) as the whole project, on disk and as a commit on HEAD; files
    /// of an earlier commit that are not named are deleted. A fixed signature and time make the
    /// commit ids the same in every run.
    fn commit(&mut self, message: &str, files: &[(&str, &str)]) -> String {
        let proposals = self.path().join("proposals");
        if proposals.exists() {
            std::fs::remove_dir_all(&proposals).unwrap();
        }
        let empty = gix::ObjectId::empty_tree(self.repo.object_hash());
        let mut editor = self.repo.edit_tree(empty).unwrap();
        for (path, text) in files {
            let file = self.path().join(path);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(&file, text).unwrap();
            let blob = self.repo.write_blob(text.as_bytes()).unwrap().detach();
            editor
                .upsert(*path, gix::object::tree::EntryKind::Blob, blob)
                .unwrap();
        }
        let tree = editor.write().unwrap().detach();
        let signature = gix::actor::SignatureRef {
            name: "Økonomi".into(),
            email: "oekonomi@example.org".into(),
            time: "1700000000 +0100",
        };
        let id = self
            .repo
            .commit_as(signature, signature, "HEAD", message, tree, self.head)
            .unwrap()
            .detach();
        self.head = Some(id);
        id.to_hex_with_len(7).to_string()
    }

    /// Writes one file of the working tree (not committed).
    fn write(&self, path: &str, text: &str) {
        std::fs::write(self.path().join(path), text).unwrap();
    }
}

/// The first version: the notat, a proposal that will be removed, one that will be renamed.
fn first_files() -> Vec<(&'static str, String)> {
    vec![
        ("proposals/notat.toml", notat()),
        ("proposals/fjernes.toml", minimal()),
        (
            "proposals/gammelt-navn.toml",
            edited(
                &minimal(),
                &[
                    ("id = \"T01\"", "id = \"T02\""),
                    ("Testforslag", "Flyttet forslag"),
                ],
            ),
        ),
    ]
}

/// The second version: in the notat a figure (with its stated totals), a text, a checkbox and a
/// sub-heading changed; one proposal removed, one renamed, one added.
fn second_files() -> Vec<(&'static str, String)> {
    let notat = edited(
        &notat(),
        &[
            (
                "kategorisering = [\"Henvist sag\"]",
                "kategorisering = [\"Henvist sag\", \"Rettidig omhu\"]",
            ),
            (
                "baggrund = \"Baggrund.\"",
                "baggrund = \"Ny baggrund for indsatsen.\"",
            ),
            (
                "{ heading = \"Et underafsnit\" }",
                "{ heading = \"Et nyt underafsnit\" }",
            ),
            (
                "stated_totals = { 2025 = 1500, 2026 = 1500 }",
                "stated_totals = { 2025 = 1700, 2026 = 1500 }",
            ),
            ("stated_grand_total = 3000", "stated_grand_total = 3200"),
            (
                "amounts = { 2025 = 1000, 2026 = 1000 }\nstated_total = 2000",
                "amounts = { 2025 = 1200, 2026 = 1000 }\nstated_total = 2200",
            ),
        ],
    );
    vec![
        ("proposals/notat.toml", notat),
        (
            "proposals/nyt-navn.toml",
            edited(
                &minimal(),
                &[
                    ("id = \"T01\"", "id = \"T02\""),
                    ("Testforslag", "Flyttet forslag"),
                ],
            ),
        ),
        (
            "proposals/tilfoejet.toml",
            edited(
                &minimal(),
                &[
                    ("id = \"T01\"", "id = \"T03\""),
                    ("Testforslag", "Nyt forslag"),
                ],
            ),
        ),
    ]
}

/// A repository with the two commits; returns it and the short ids of both.
fn two_commits() -> (Repo, String, String) {
    let mut repo = Repo::new();
    let files = first_files();
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    let first = repo.commit("Første udgave", &refs);
    let files = second_files();
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    let second = repo.commit("Anden udgave", &refs);
    (repo, first, second)
}

/// Runs `budgetnote diff` with `args` in `dir`; returns exit code and stdout.
fn diff(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let mut all = vec!["diff"];
    all.extend(args);
    let out = run_cli(dir, &all);
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The proposal with `id` in a JSON diff.
fn proposal<'a>(json: &'a Value, id: &str) -> &'a Value {
    json["proposals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id)
        .unwrap_or_else(|| panic!("no {id} in {json:#}"))
}

// The JSON diff between two commits names every change precisely: the changed figure with old,
// new and difference in the table's unit, the computed totals that follow from it, the ticked
// checkbox, the changed sub-heading, the word diff of the text, the removed, added and renamed
// proposals; and both sides by revision and short commit id.
#[test]
fn json_diff_between_two_commits() {
    let (repo, first, second) = two_commits();
    let (code, out, err) = diff(repo.path(), &["HEAD~1", "HEAD", "--format", "json"]);
    assert_eq!(code, Some(0), "{err}");
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["from"]["revision"], "HEAD~1");
    assert_eq!(json["from"]["commit"], first.as_str());
    assert_eq!(json["to"]["revision"], "HEAD");
    assert_eq!(json["to"]["commit"], second.as_str());
    let ids: Vec<&str> = json["proposals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["BI99", "T01", "T02", "T03"]);

    let notat = proposal(&json, "BI99");
    assert_eq!(notat["status"], "changed");
    assert_eq!(notat["path"], "proposals/notat.toml");
    assert_eq!(notat["renamed_from"], Value::Null);
    assert_eq!(
        notat["figures"],
        serde_json::json!([{
            "table": "tabel", "caption": "Tabel 2. Økonomi", "line": "Indsats A", "column": "2025",
            "unit": "1.000 kr.", "old": "1000", "new": "1200", "difference": "200"
        }])
    );
    let totals: Vec<(String, String, String, String, String)> = notat["totals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let s = |k: &str| t[k].as_str().unwrap().to_owned();
            (s("line"), s("column"), s("old"), s("new"), s("difference"))
        })
        .collect();
    let t = |l: &str, c: &str, o: &str, n: &str, d: &str| {
        (
            l.to_owned(),
            c.to_owned(),
            o.to_owned(),
            n.to_owned(),
            d.to_owned(),
        )
    };
    assert_eq!(
        totals,
        [
            t("Indsats A", "I alt", "2000", "2200", "200"),
            t("Udgifter i alt (netto)", "2025", "1500", "1700", "200"),
            t("Udgifter i alt (netto)", "I alt", "3000", "3200", "200"),
        ]
    );
    assert_eq!(
        notat["checkboxes"],
        serde_json::json!([{
            "group": "kategorisering", "title": "Kategorisering", "option": "Rettidig omhu",
            "old": false, "new": true
        }])
    );
    assert_eq!(
        notat["headings"],
        serde_json::json!([
            { "section": "indhold", "old": "Et underafsnit", "new": "Et nyt underafsnit" }
        ])
    );
    let texts = notat["texts"].as_array().unwrap();
    assert_eq!(texts.len(), 1, "{texts:#?}");
    assert_eq!(texts[0]["section"], "baggrund");
    assert_eq!(
        texts[0]["words"],
        serde_json::json!([
            { "op": "delete", "text": "Baggrund." },
            { "op": "insert", "text": "Ny baggrund for indsatsen." }
        ])
    );

    let removed = proposal(&json, "T01");
    assert_eq!(removed["status"], "removed");
    assert_eq!(removed["path"], "proposals/fjernes.toml");
    let renamed = proposal(&json, "T02");
    assert_eq!(renamed["status"], "changed");
    assert_eq!(renamed["path"], "proposals/nyt-navn.toml");
    assert_eq!(renamed["renamed_from"], "proposals/gammelt-navn.toml");
    assert_eq!(renamed["figures"], serde_json::json!([]));
    let added = proposal(&json, "T03");
    assert_eq!(added["status"], "added");
    assert_eq!(added["title"], "Nyt forslag");
    for p in json["proposals"].as_array().unwrap() {
        assert_eq!(p["errors"], serde_json::json!({ "from": null, "to": null }));
    }
}

// The human and Markdown diffs say the same, for a terminal and for a pull-request comment;
// the guide's example (docs/src/diff.md) is the human output.
#[test]
fn human_and_markdown_diff() {
    let (repo, _, _) = two_commits();
    let (code, human, err) = diff(repo.path(), &["HEAD~1", "HEAD"]);
    assert_eq!(code, Some(0), "{err}");
    insta::assert_snapshot!("diff_human", human);
    // The guide shows this very output as its example.
    let guide = std::fs::read_to_string(root().join("docs/src/diff.md")).unwrap();
    assert!(
        guide.contains(&format!("$ budgetnote diff HEAD~1 HEAD\n{human}```")),
        "docs/src/diff.md's diff example differs from:\n{human}"
    );
    let (code, markdown, err) = diff(repo.path(), &["HEAD~1", "HEAD", "--format", "markdown"]);
    assert_eq!(code, Some(0), "{err}");
    insta::assert_snapshot!("diff_markdown", markdown);
}

// Without revisions, the last commit is compared with the working tree; a proposal with errors
// in the working tree is reported with its errors summarised (exit 1) while the other changes
// are still shown; a path limits the comparison.
#[test]
fn working_tree_with_an_error() {
    let (repo, _, second) = two_commits();
    let notat = edited(
        &second_files()[0].1,
        &[(
            "purpose = \"til indsatsen.\"",
            "purpose = \"til den styrkede indsats.\"",
        )],
    );
    repo.write("proposals/notat.toml", &notat);
    let broken = edited(
        &second_files()[2].1,
        &[("service = { 2024 = -300", "service = { 2024 = -310")],
    );
    repo.write("proposals/tilfoejet.toml", &broken);
    let (code, out, err) = diff(repo.path(), &["--format", "json"]);
    assert_eq!(code, Some(1), "{err}");
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        json["from"],
        serde_json::json!({ "revision": "HEAD", "commit": second })
    );
    assert_eq!(
        json["to"],
        serde_json::json!({ "revision": "working tree", "commit": null })
    );
    let broken = proposal(&json, "T03");
    assert_eq!(broken["errors"]["from"], Value::Null);
    assert_eq!(broken["errors"]["to"]["count"], 1);
    let first = broken["errors"]["to"]["first"][0].as_str().unwrap();
    assert!(first.starts_with("E014 "), "{first}");
    let notat = proposal(&json, "BI99");
    assert_eq!(notat["texts"][0]["section"], "agreement");
    // A path limits the comparison to that file.
    let (code, out, _) = diff(repo.path(), &["proposals/notat.toml", "--format", "json"]);
    assert_eq!(code, Some(0));
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["proposals"].as_array().unwrap().len(), 1);
    // A name that is neither a revision nor a file is a usage error.
    let (code, _, err) = diff(repo.path(), &["HEAD~7"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("\"HEAD~7\" is neither a revision"), "{err}");
    // The same run in human form names the error and where it is.
    let (_, human, _) = diff(repo.path(), &[]);
    assert!(
        human.contains("has 1 error(s) at working tree, only its figures compared:\n    E014 "),
        "{human}"
    );
    // Only the changed words of the agreement are marked, the rest is context.
    assert!(
        human.contains("til [-indsatsen.-]{+den styrkede indsats.+}"),
        "{human}"
    );
}

// Outside a git repository `diff` says so and fails as a usage error (exit 2).
#[test]
fn diff_outside_git() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = diff(dir.path(), &[]);
    assert_eq!(code, Some(2));
    assert!(err.contains("is not in a git repository"), "{err}");
}

/// Renders the project's notat with `--stamp` (and `extra` arguments) and returns the PDF.
fn render_stamped(dir: &Path, extra: &[&str]) -> (Vec<u8>, String) {
    let mut args = vec!["render", "proposals/notat.toml", "--out", "out"];
    args.extend(extra);
    let out = run_cli(dir, &args);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{err}");
    let pdf: PathBuf = dir.join("out/notat.pdf");
    (std::fs::read(pdf).unwrap(), err)
}

// `render --stamp` puts the short commit id in the PDF's keywords, with "ændret" once the
// rendered file differs from the commit; the footer carries it when the profile asks; the same
// revision gives the same bytes; without --stamp the PDF is the one made outside git.
#[test]
fn render_stamp() {
    let mut repo = Repo::new();
    let short = repo.commit("Udgave", &[("proposals/notat.toml", &notat())]);
    let (clean, _) = render_stamped(repo.path(), &["--stamp"]);
    let keywords = info(&clean, b"Keywords");
    assert!(
        keywords.ends_with(&format!(", Version {short}")),
        "{keywords}"
    );
    assert!(
        !pdf_text(&clean).contains("Version"),
        "no footer stamp unless asked"
    );
    let (again, _) = render_stamped(repo.path(), &["--stamp"]);
    assert!(again == clean, "same revision, same bytes");
    let (plain, _) = render_stamped(repo.path(), &[]);
    assert!(!info(&plain, b"Keywords").contains("Version"));

    repo.write(
        "proposals/notat.toml",
        &edited(&notat(), &[("Baggrund.", "Ændret baggrund.")]),
    );
    let (changed, _) = render_stamped(repo.path(), &["--stamp"]);
    assert!(
        info(&changed, b"Keywords").ends_with(&format!(", Version {short}, ændret")),
        "{}",
        info(&changed, b"Keywords")
    );

    // The profile asks for the stamp in the footer: every page's footer carries it.
    repo.commit(
        "Med stempel i sidefoden",
        &[
            ("proposals/notat.toml", &notat()),
            ("budgetnote.toml", "[profile]\nfooter_stamp = true\n"),
        ],
    );
    let short = repo.head.unwrap().to_hex_with_len(7).to_string();
    let (footed, _) = render_stamped(repo.path(), &["--stamp"]);
    let text = pdf_text(&footed);
    let pages = lopdf::Document::load_mem(&footed)
        .unwrap()
        .get_pages()
        .len();
    assert_eq!(
        text.matches(&format!(" · Version {short}")).count(),
        pages,
        "{text}"
    );
}

// Outside git, `render --stamp` still renders: the stamp is left out with a note, and the PDF
// is byte-identical to one rendered without --stamp.
#[test]
fn render_stamp_outside_git() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("proposals")).unwrap();
    std::fs::write(dir.path().join("proposals/notat.toml"), notat()).unwrap();
    let (stamped, err) = render_stamped(dir.path(), &["--stamp"]);
    assert!(
        err.contains("note: --stamp:") && err.contains("not in a git repository"),
        "{err}"
    );
    let (plain, _) = render_stamped(dir.path(), &[]);
    assert!(stamped == plain);
}

// A catalogue annex rendered with --stamp carries the revision as its last keyword, "ændret"
// as soon as one of its proposals differs from the commit.
#[test]
fn render_stamp_of_a_catalogue() {
    let read = |name: &str| std::fs::read_to_string(root().join("proposals").join(name)).unwrap();
    let (k1, k2) = (
        "katalog/k1-fremrykket-jobsoegningsindsats-for-dagpe.toml",
        "katalog/k2-intensive-forloeb-for-udsatte-sygedagpen.toml",
    );
    let mut repo = Repo::new();
    let files = [
        (
            "proposals/katalog-med-forslag.toml",
            read("katalog-med-forslag.toml"),
        ),
        ("proposals/katalog/k1.toml", read(k1)),
        ("proposals/katalog/k2.toml", read(k2)),
    ];
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    let short = repo.commit("Katalog", &refs);
    let render = |repo: &Repo| {
        let args = [
            "render",
            "proposals/katalog-med-forslag.toml",
            "--out",
            "out",
            "--stamp",
        ];
        let out = run_cli(repo.path(), &args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        info(
            &std::fs::read(repo.path().join("out/katalog-med-forslag.pdf")).unwrap(),
            b"Keywords",
        )
    };
    let keywords = render(&repo);
    assert!(
        keywords.ends_with(&format!(", Version {short}")),
        "{keywords}"
    );
    let changed = format!("{} ", read(k2)).replace("\n[", "\n\n[");
    repo.write("proposals/katalog/k2.toml", &changed);
    let keywords = render(&repo);
    assert!(
        keywords.ends_with(&format!(", Version {short}, ændret")),
        "{keywords}"
    );
}
