//! `budgetnote bench-typst ROOT DIR [OUT]` (hidden, for `tests/bench/cold.sh`): typsets every `*.typ`
//! in `DIR` with typst as a library, the project at `ROOT` as its root, budgetnote's fonts, PDF
//! options and worker threads, and no budgetnote work (no reading, checks, templates or render
//! cache): the engine's own limit that a cold `render` is measured against. Writes each PDF to
//! `OUT` when given.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The `bench-typst` run when the process was started as one (`None`: any other command).
pub fn intercept() -> Option<ExitCode> {
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    if args.first().is_none_or(|a| a != "bench-typst") {
        return None;
    }
    let [_, root, dir, rest @ ..] = args.as_slice() else {
        eprintln!("usage: budgetnote bench-typst ROOT DIR [OUT]");
        return Some(ExitCode::from(2));
    };
    let out = rest.first().map(PathBuf::from);
    Some(match run(Path::new(root), Path::new(dir), out.as_deref()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("error: {why}");
            ExitCode::from(2)
        }
    })
}

/// Typesets every `*.typ` in `dir` on the render's workers; the first failure is the error.
fn run(root: &Path, dir: &Path, out: Option<&Path>) -> Result<(), String> {
    let started = std::time::Instant::now();
    let fonts =
        crate::typeset::load_fonts(&crate::sources::WorkTree::new(root), &root.join("fonts"))?;
    let typesetter = crate::typeset::Typesetter::with_fonts(root, fonts, &[])?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "typ"))
        .collect();
    files.sort();
    if let Some(out) = out {
        std::fs::create_dir_all(out)
            .map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    }
    let order: Vec<usize> = (0..files.len()).collect();
    let results = crate::build::parallel("bench", files.len(), &order, |i| {
        let path = &files[i];
        let source =
            std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let ident = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let job = crate::typeset::Job {
            source,
            date: (2024, 1, 1),
            ident: &ident,
        };
        let bytes = crate::typeset::Typesetter::typeset(&typesetter, &job).map_err(|refusals| {
            let why: Vec<String> = refusals.iter().map(ToString::to_string).collect();
            format!("{}: {}", path.display(), why.join("; "))
        })?;
        if let Some(out) = out {
            let target = out.join(format!("{ident}.pdf"));
            std::fs::write(&target, bytes).map_err(|e| format!("{}: {e}", target.display()))?;
        }
        Ok::<(), String>(())
    })
    .map_err(|e| e.0)?;
    results.into_iter().collect::<Result<Vec<()>, String>>()?;
    eprintln!(
        "typeset {} file(s) with typst as a library in {:.2} s",
        files.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
