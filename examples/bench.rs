//! Benchmark: render N generated proposals, cold and again through the render cache, and an annex.
//!
//! `cargo build --release --examples --bins`, then from the repository root
//! `./target/release/examples/bench N [singles|annex|all]` (run once per N and mode: peak memory is
//! per process).
//!
//! - `singles` (the default): a cold render of the N proposal PDFs (`--force`), then a render with
//!   nothing changed, one after changing one proposal's figure, and one after changing the
//!   template of one form (a third of the proposals use it).
//! - `annex`: a cold render of one catalogue annex of all N proposals.
//! - `all`: the N PDFs and the annex in one cold run (a catalogue and its proposals side by side).
//! - `check`: `budgetnote check` of the N proposals before any render (typesetting each in
//!   memory), then a render, then `check` again (which reads the render cache).
//!
//! Proposals are made from the seed proposals in `proposals/` with varied ids, titles, texts and
//! catalogue amounts, in a temporary project with a copy of `templates/` (removed at the end unless
//! `BENCH_KEEP` is set, for profiling a run by hand).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

/// The seed proposals the synthetic ones are made from.
const SOURCES: &[&str] = &[
    "proposals/flere-udsatte-borgere-i-beskaeftigelse.toml",
    "proposals/bi16-fokuseret-indsats-udsatte-borgere.toml",
    "proposals/tvaerfaglig-indsats-udsatte-ledige.toml",
    "proposals/investering-aktivitetsparate.toml",
    "proposals/katalog/k7-fremrykket-indsats-for-fleks-og-ledighed.toml",
    "proposals/katalog/k2-intensive-forloeb-for-udsatte-sygedagpen.toml",
];

/// The form template the template step changes, and the line it changes.
const TEMPLATE: (&str, &str) = (
    "templates/katalogforslag/form.typ.j2",
    "#doc-title[{{ p.title }}]",
);

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100);
    let mode = std::env::args()
        .nth(2)
        .unwrap_or_else(|| "singles".to_owned());
    let work = std::env::temp_dir().join(format!("budgetnote-bench-{}", std::process::id()));
    let input = work.join("proposals");
    let out = work.join("out");
    std::fs::create_dir_all(&input).expect("temp folder");
    copy_dir(Path::new("templates"), &work.join("templates"));
    std::fs::copy("budgetnote.toml", work.join("budgetnote.toml")).expect("the profile");
    generate(n, &input);

    let render = |target: &Path, force: bool| {
        let mut argv = vec![
            "budgetnote".to_owned(),
            "--root".to_owned(),
            work.display().to_string(),
            "render".to_owned(),
            target.display().to_string(),
            "-o".to_owned(),
            out.display().to_string(),
        ];
        if force {
            argv.push("--force".to_owned());
        }
        let before = pdfs(&out);
        // Each step starts without typst's memoized layout of the steps before, as a new
        // process would.
        typst::comemo::evict(0);
        let started = Instant::now();
        let exit = budgetnote::cli::run_with(argv);
        let seconds = started.elapsed().as_secs_f64();
        let after = pdfs(&out);
        let typeset = after
            .iter()
            .filter(|(p, t)| before.get(*p) != Some(t))
            .count();
        (seconds, typeset, after.len(), exit)
    };
    let report = |step: &str, (seconds, typeset, total, exit): (f64, usize, usize, _)| {
        println!(
            "n={n} {step}: {seconds:.2} s wall, {typeset} of {total} PDFs typeset, peak RSS so far {} MB, exit {exit:?}",
            peak_rss_mb().map_or_else(|| "?".to_owned(), |m| m.to_string()),
        );
    };

    let check = || {
        typst::comemo::evict(0);
        let started = Instant::now();
        let exit = budgetnote::cli::run_with([
            "budgetnote".to_owned(),
            "--root".to_owned(),
            work.display().to_string(),
            "check".to_owned(),
            input.display().to_string(),
        ]);
        (started.elapsed().as_secs_f64(), exit)
    };
    match mode.as_str() {
        "check" => {
            std::fs::remove_file(input.join("catalogue.toml")).expect("catalogue written");
            let checked = |step: &str, (seconds, exit): (f64, _)| {
                println!(
                    "n={n} {step}: {seconds:.2} s wall, peak RSS so far {} MB, exit {exit:?}",
                    peak_rss_mb().map_or_else(|| "?".to_owned(), |m| m.to_string()),
                );
            };
            checked("check, nothing rendered", check());
            let out_default = work.join("out");
            assert_eq!(
                out, out_default,
                "check reads the cache of the default folder"
            );
            report("render", render(&input, true));
            checked("check after the render", check());
        }
        "annex" => report("annex, cold", render(&input.join("catalogue.toml"), true)),
        "all" => report("proposals and annex, cold", render(&input, true)),
        _ => {
            std::fs::remove_file(input.join("catalogue.toml")).expect("catalogue written");
            report("cold", render(&input, true));
            report("nothing changed", render(&input, false));
            let first = input.join("p00000.toml");
            let text = std::fs::read_to_string(&first).expect("first proposal");
            let edited = text.replacen("(variant 0)", "(variant 0, changed)", 1);
            assert_ne!(text, edited, "the first proposal has a title to change");
            std::fs::write(&first, edited).expect("edit proposal");
            report("one proposal changed", render(&input, false));
            let template = work.join(TEMPLATE.0);
            let text = std::fs::read_to_string(&template).expect("form template");
            let edited = text.replacen(TEMPLATE.1, &format!("{}\n// edited", TEMPLATE.1), 1);
            assert_ne!(text, edited, "the form template has the line to change");
            std::fs::write(&template, edited).expect("edit template");
            report("one form template changed", render(&input, false));
        }
    }
    if std::env::var_os("BENCH_KEEP").is_some() {
        println!("kept {}", work.display());
    } else {
        let _ = std::fs::remove_dir_all(&work);
    }
}

/// Each PDF under `dir` with its modification time.
fn pdfs(dir: &Path) -> BTreeMap<PathBuf, SystemTime> {
    let mut found = BTreeMap::new();
    let mut dirs = vec![dir.to_owned()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|x| x == "pdf") {
                let modified = entry.metadata().and_then(|m| m.modified());
                found.insert(path, modified.unwrap_or(SystemTime::UNIX_EPOCH));
            }
        }
    }
    found
}

/// Copies the folder `from` to `to`, recursively.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from)
        .expect("run from the repository root")
        .flatten()
    {
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()));
        } else {
            std::fs::copy(&path, to.join(entry.file_name())).expect("copy file");
        }
    }
}

/// Writes `n` proposals varied from the seed proposals, and a catalogue of all of them.
fn generate(n: usize, dir: &Path) {
    let sources: Vec<String> = SOURCES
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("run from the repository root"))
        .collect();
    let mut names = Vec::new();
    for i in 0..n {
        let source = &sources[i % sources.len()];
        let mut text = String::new();
        for line in source.lines() {
            let varied = if line.starts_with("id = ") {
                format!("id = \"B{i:05}\"")
            } else if let Some(title) = line
                .strip_prefix("title = \"")
                .and_then(|t| t.strip_suffix('"'))
            {
                format!("title = \"{title} (variant {i})\"")
            } else if line.starts_with("amount = \"") {
                format!("amount = \"{},{}\"", 1 + i % 9, i % 10)
            } else if line.starts_with("- ") {
                format!("{line} Variant {i} af teksten.")
            } else {
                line.to_owned()
            };
            text.push_str(&varied);
            text.push('\n');
        }
        let name = format!("p{i:05}.toml");
        std::fs::write(dir.join(&name), text).expect("write proposal");
        names.push(format!("\"{name}\""));
    }
    let catalogue = format!(
        "[catalogue]\nannex = \"Bilag 1.\"\ntitle = \"Benchmarkkatalog\"\nyear = 2025\n\
         frame = {{ amount = 21, unit = \"mio. kr.\", label = \"Råderum\" }}\ngroup_by = \"committee\"\n\
         proposals = [{}]\n",
        names.join(", ")
    );
    std::fs::write(dir.join("catalogue.toml"), catalogue).expect("write catalogue");
}

/// Peak resident memory of this process in MB (Linux), from /proc/self/status.
fn peak_rss_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}
