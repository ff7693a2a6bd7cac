//! `budgetnote diff` reads each side entirely from its own revision: spreadsheets, forms and
//! profile included (or the working tree's forms with `--forms-from-worktree`); a proposal with
//! errors still shows its changed figures; a blob over the size limit is E061, unread. The git
//! repositories are built inside the tests with gix (no `git` binary needed).

use std::path::Path;

use serde_json::Value;

use super::common::{root, run_cli};

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

    /// Writes `files` (path, bytes) on disk and commits exactly them as HEAD's tree.
    fn commit(&mut self, message: &str, files: &[(&str, &[u8])]) {
        let empty = gix::ObjectId::empty_tree(self.repo.object_hash());
        let mut editor = self.repo.edit_tree(empty).unwrap();
        for (path, bytes) in files {
            self.write(path, bytes);
            let blob = self.repo.write_blob(bytes).unwrap().detach();
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
    }

    /// Writes one file of the working tree (not committed).
    fn write(&self, path: &str, bytes: &[u8]) {
        let file = self.path().join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, bytes).unwrap();
    }
}

/// The small valid budgetnotat fixture with each `(from, to)` replaced.
fn notat(replacements: &[(&str, &str)]) -> String {
    let mut text = std::fs::read_to_string(root().join("tests/good/budgetnotat.toml")).unwrap();
    for (from, to) in replacements {
        assert!(text.contains(from), "no {from:?}");
        text = text.replacen(from, to, 1);
    }
    text
}

/// The notat whose row "Indsats A" reads its two figures from `d.csv` beside it (no stated
/// totals, so any figures check).
fn notat_reading_csv() -> String {
    notat(&[
        ("stated_totals = { 2025 = 1500, 2026 = 1500 }\n", ""),
        ("stated_grand_total = 3000\n", ""),
        (
            "amounts = { 2025 = 1000, 2026 = 1000 }\nstated_total = 2000",
            "from = { file = \"d.csv\", range = \"A1:B1\" }",
        ),
        ("stated_total = 1000\n", ""),
    ])
}

/// Runs `budgetnote diff` with `args` in `dir`; returns exit code, stdout and stderr.
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

/// `diff` in JSON, parsed.
fn json_diff(dir: &Path, args: &[&str]) -> (Option<i32>, Value) {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let (code, out, err) = diff(dir, &all);
    let json = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    (code, json)
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

// A figure changed only in the spreadsheet a proposal reads shows as old → new between two
// commits, read from each commit (the working tree's spreadsheet, different again, is not read),
// with the totals that follow from it.
#[test]
fn a_figure_changed_only_in_a_spreadsheet() {
    let mut repo = Repo::new();
    let text = notat_reading_csv();
    repo.commit(
        "Første",
        &[
            ("proposals/notat.toml", text.as_bytes()),
            ("proposals/d.csv", b"1000,1000\n"),
        ],
    );
    repo.commit(
        "Anden",
        &[
            ("proposals/notat.toml", text.as_bytes()),
            ("proposals/d.csv", b"1200,1000\n"),
        ],
    );
    repo.write("proposals/d.csv", b"7777,7777\n");
    let (code, json) = json_diff(repo.path(), &["HEAD~1", "HEAD"]);
    assert_eq!(code, Some(0), "{json:#}");
    let notat = proposal(&json, "BI99");
    assert_eq!(
        notat["figures"],
        serde_json::json!([{
            "table": "tabel", "caption": "Tabel 2. Økonomi", "line": "Indsats A", "column": "2025",
            "unit": "1.000 kr.", "old": "1000", "new": "1200", "difference": "200"
        }])
    );
    let totals: Vec<(&str, &str)> = notat["totals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["line"].as_str().unwrap(), t["new"].as_str().unwrap()))
        .collect();
    assert!(totals.contains(&("Indsats A", "2200")), "{totals:?}");
    // Against the working tree, that side's spreadsheet is the one on disk.
    let (_, json) = json_diff(repo.path(), &["HEAD"]);
    let figures = &proposal(&json, "BI99")["figures"];
    assert_eq!(figures[0]["old"], "1200", "{figures:#}");
    assert_eq!(figures[0]["new"], "7777", "{figures:#}");
}

// A revision whose proposal has an error (a stated total no longer adding up) still shows the
// changed figure that caused it, with the error listed beside it, in JSON and for a terminal.
#[test]
fn a_revision_with_errors_still_shows_its_changed_figures() {
    let mut repo = Repo::new();
    let good = notat(&[]);
    let broken = notat(&[(
        "amounts = { 2025 = 1000, 2026 = 1000 }",
        "amounts = { 2025 = 1300, 2026 = 1000 }",
    )]);
    repo.commit("Første", &[("proposals/notat.toml", good.as_bytes())]);
    repo.commit("Anden", &[("proposals/notat.toml", broken.as_bytes())]);
    let (code, json) = json_diff(repo.path(), &["HEAD~1", "HEAD"]);
    assert_eq!(code, Some(1), "{json:#}");
    let notat = proposal(&json, "BI99");
    assert_eq!(notat["errors"]["from"], Value::Null);
    let first = notat["errors"]["to"]["first"][0].as_str().unwrap();
    assert!(first.starts_with("E014 "), "{first}");
    assert_eq!(
        notat["figures"],
        serde_json::json!([{
            "table": "tabel", "caption": "Tabel 2. Økonomi", "line": "Indsats A", "column": "2025",
            "unit": "1.000 kr.", "old": "1000", "new": "1300", "difference": "300"
        }])
    );
    let (code, human, _) = diff(repo.path(), &["HEAD~1", "HEAD"]);
    assert_eq!(code, Some(1));
    assert!(
        human.contains("error(s) at HEAD (")
            && human.contains("only its figures compared:\n    E014 ")
            && human
                .contains("Tabel 2. Økonomi · Indsats A · 2025: 1.000 → 1.300 (+300) 1.000 kr."),
        "{human}"
    );
}

// Forms and profile come from each revision by default: a heading renamed in the profile
// between two commits shows as a changed heading; with `--forms-from-worktree` both sides use
// the working tree's profile, so nothing changed. The header and JSON say which.
#[test]
fn forms_from_the_revision_or_the_working_tree() {
    let mut repo = Repo::new();
    let text = notat(&[]);
    let renamed = "[profile.headings.budgetnotat]\nbaggrund = \"Forhistorie\"\n";
    repo.commit(
        "Første",
        &[
            ("proposals/notat.toml", text.as_bytes()),
            ("budgetnote.toml", b"[profile]\n"),
        ],
    );
    repo.commit(
        "Anden",
        &[
            ("proposals/notat.toml", text.as_bytes()),
            ("budgetnote.toml", renamed.as_bytes()),
        ],
    );
    let (code, json) = json_diff(repo.path(), &["HEAD~1", "HEAD"]);
    assert_eq!(code, Some(0), "{json:#}");
    assert_eq!(json["forms"], "each side");
    assert_eq!(
        proposal(&json, "BI99")["headings"],
        serde_json::json!([{ "section": "baggrund", "old": "Baggrund", "new": "Forhistorie" }])
    );
    let (code, json) = json_diff(repo.path(), &["HEAD~1", "HEAD", "--forms-from-worktree"]);
    assert_eq!(code, Some(0), "{json:#}");
    assert_eq!(json["forms"], "working tree");
    assert_eq!(json["proposals"], serde_json::json!([]));
    let (_, human, _) = diff(repo.path(), &["HEAD~1", "HEAD", "--forms-from-worktree"]);
    assert!(
        human.contains("\nforms and profile: the working tree's (--forms-from-worktree)\n"),
        "{human}"
    );
    let (_, human, _) = diff(repo.path(), &["HEAD~1", "HEAD"]);
    assert!(
        human.contains("\nforms and profile: each side's own\n"),
        "{human}"
    );
}

// A blob over 10 MB at a revision is refused by its size before it is read, as E061 (the limit
// of the working tree), not read whole and reported as E003; the file is not in the working
// tree, so the refusal comes from the revision.
#[test]
fn a_blob_over_the_limit_is_e061() {
    let mut repo = Repo::new();
    let text = notat(&[]);
    repo.commit("Første", &[("proposals/notat.toml", text.as_bytes())]);
    let mut big = b"# padding\n".to_vec();
    big.resize(10 * 1024 * 1024 + 1, b'x');
    repo.commit(
        "Anden",
        &[
            ("proposals/notat.toml", text.as_bytes()),
            ("proposals/stor.toml", &big),
        ],
    );
    std::fs::remove_file(repo.path().join("proposals/stor.toml")).unwrap();
    let (code, json) = json_diff(repo.path(), &["HEAD~1", "HEAD"]);
    assert_eq!(code, Some(1), "{json:#}");
    let big = proposal(&json, "proposals/stor.toml");
    assert_eq!(big["status"], "added");
    let first = big["errors"]["to"]["first"][0].as_str().unwrap();
    assert!(
        first.starts_with("E061 ") && first.contains("larger than 10 MB"),
        "{first}"
    );
    // The library's revision source refuses it by size, and reads a file under the limit.
    let git = budgetnote::git::Repo::discover(repo.path()).unwrap();
    let head = git.revision("HEAD").unwrap();
    let snapshot = git.snapshot(&head).unwrap();
    use budgetnote::sources::{SourceError, Sources};
    let limit = budgetnote::files::TOML_LIMIT;
    assert!(matches!(
        snapshot.read(&repo.path().join("proposals/stor.toml"), limit),
        Err(SourceError::Read(
            budgetnote::files::ReadError::TooLarge { .. }
        ))
    ));
    assert_eq!(
        snapshot
            .read(&repo.path().join("proposals/notat.toml"), limit)
            .unwrap(),
        text.as_bytes()
    );
    assert!(matches!(
        snapshot.read(&repo.path().join("../outside.toml"), limit),
        Err(SourceError::Outside)
    ));
}
