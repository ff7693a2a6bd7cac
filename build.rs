//! Build script: gives the render cache an id of what this build is made from (the sources,
//! templates and fonts, the locked dependencies, the compiler and the profile), so that a PDF
//! typeset by another build is never kept, even where file times and sizes are pinned.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

/// The files and folders a build is made from.
const INPUTS: &[&str] = &[
    "src",
    "templates",
    "fonts",
    "Cargo.toml",
    "Cargo.lock",
    "build.rs",
];

/// Prints the build id as `BUDGETNOTE_BUILD_HASH` for the compiler.
fn main() {
    let mut files = Vec::new();
    for input in INPUTS {
        println!("cargo:rerun-if-changed={input}");
        collect(Path::new(input), &mut files);
    }
    files.sort();
    // SipHash with fixed keys: the same inputs give the same id on every machine.
    let mut hasher = std::hash::DefaultHasher::new();
    for file in &files {
        file.hash(&mut hasher);
        std::fs::read(file).unwrap_or_default().hash(&mut hasher);
    }
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let version = std::process::Command::new(rustc)
        .arg("-vV")
        .output()
        .map(|o| o.stdout)
        .unwrap_or_default();
    version.hash(&mut hasher);
    for key in ["PROFILE", "TARGET", "OPT_LEVEL", "DEBUG"] {
        std::env::var(key).unwrap_or_default().hash(&mut hasher);
    }
    println!(
        "cargo:rustc-env=BUDGETNOTE_BUILD_HASH={:016x}",
        hasher.finish()
    );
}

/// Every file at or below `path`.
fn collect(path: &Path, files: &mut Vec<PathBuf>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).into_iter().flatten().flatten() {
            collect(&entry.path(), files);
        }
    } else if path.is_file() {
        files.push(path.to_owned());
    }
}
