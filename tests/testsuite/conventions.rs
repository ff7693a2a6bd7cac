//! The command line's conventions (as cargo, typst and ruff have them): `--quiet`, `--verbose`
//! and `--color`, `explain` without a code, shell completions and the manual page.

use crate::common::run_cli;

/// A project made by `init`, with one of its examples broken (an unknown form), rendered once.
fn project_with_a_broken_file() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let init = run_cli(dir.path(), &["init", "p"]);
    assert!(
        init.status.success(),
        "{}",
        String::from_utf8_lossy(&init.stderr)
    );
    let project = dir.path().join("p");
    let broken = project.join("proposals/standard-eksempel.toml");
    let text = std::fs::read_to_string(&broken).unwrap();
    std::fs::write(
        &broken,
        text.replacen("form = \"standard\"", "form = \"nosuchform\"", 1),
    )
    .unwrap();
    (dir, project)
}

/// The lines of stderr that report one file each (progress), not problems or the summary.
fn per_file_lines(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| {
            ["wrote ", "unchanged ", "checked ", "skipped "]
                .iter()
                .any(|p| l.starts_with(p))
        })
        .collect()
}

// Outside a terminal, `render` prints the problems and the summary; `--verbose` adds a line per
// file; `--quiet` prints the problems and the summary and nothing else, even the spreadsheets
// written. The exit code is the same whatever the verbosity.
#[test]
fn quiet_and_verbose_decide_the_per_file_lines() {
    let (_dir, project) = project_with_a_broken_file();
    let run = |args: &[&str]| {
        let out = run_cli(&project, args);
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, normal) = run(&["render", "--force"]);
    assert_eq!(code, Some(1), "{normal}");
    assert!(per_file_lines(&normal).is_empty(), "{normal}");
    assert!(normal.contains("error[E004]"), "{normal}");
    assert!(normal.contains("rendered 6 of 7 file(s)"), "{normal}");

    let (code, verbose) = run(&["--verbose", "render", "--force"]);
    assert_eq!(code, Some(1));
    let lines = per_file_lines(&verbose);
    assert_eq!(lines.len(), 7, "{verbose}");
    assert!(
        lines.iter().filter(|l| l.starts_with("wrote out/")).count() == 6,
        "{verbose}"
    );
    assert!(lines.iter().any(|l| l.starts_with("skipped ")), "{verbose}");

    let (code, quiet) = run(&["-q", "render", "--format", "pdf,xlsx"]);
    assert_eq!(code, Some(1));
    assert!(
        quiet.contains("error[E004]") && quiet.contains("rendered "),
        "{quiet}"
    );
    for line in quiet.lines() {
        assert!(!line.starts_with("wrote "), "--quiet printed {line:?}");
    }
    // Both at once is a usage error.
    let (code, _) = run(&["-q", "-v", "render"]);
    assert_eq!(code, Some(2));
}

// `--color always` colours diagnostics even in a pipe and with NO_COLOR set (a flag beats the
// environment); `never` and `auto` outside a terminal do not.
#[test]
fn color_follows_the_flag() {
    let (_dir, project) = project_with_a_broken_file();
    let esc = |args: &[&str]| {
        let out = run_cli(&project, args);
        String::from_utf8_lossy(&out.stderr).contains('\u{1b}')
    };
    assert!(esc(&["--color", "always", "check"]));
    assert!(!esc(&["--color", "never", "check"]));
    assert!(!esc(&["check"]));
    assert_eq!(
        run_cli(&project, &["--color", "sometimes", "check"])
            .status
            .code(),
        Some(2)
    );
}

// `explain` without a code lists every code once with its severity and summary.
#[test]
fn explain_alone_lists_the_codes() {
    let out = run_cli(std::path::Path::new("."), &["explain"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    let listed: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|w| w.len() == 4 && (w.starts_with('E') || w.starts_with('W')))
        .collect();
    assert_eq!(
        listed.len(),
        budgetnote::diagnostic::Code::ALL.len(),
        "{text}"
    );
    assert!(
        text.contains("E014 error") && text.contains("W003 warning"),
        "{text}"
    );
}

// `completions SHELL` prints a script that completes the commands; `manpage` prints roff with a
// section for every command.
#[test]
fn completions_and_manual_page() {
    for shell in ["bash", "zsh", "fish"] {
        let out = run_cli(std::path::Path::new("."), &["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = String::from_utf8_lossy(&out.stdout);
        for word in ["budgetnote", "render", "check", "--format"] {
            assert!(script.contains(word), "{shell}: {word} missing");
        }
    }
    let out = run_cli(std::path::Path::new("."), &["manpage"]);
    assert_eq!(out.status.code(), Some(0));
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(
        page.starts_with(".ie") || page.contains(".TH budgetnote"),
        "{page}"
    );
    for command in ["check", "render", "diff", "explain", "completions"] {
        assert!(
            page.contains(&format!("budgetnote\\-{command}")),
            "no section for {command}"
        );
    }
}
