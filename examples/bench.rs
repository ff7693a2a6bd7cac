//! Benchmark: render N generated proposals to N PDFs plus one catalogue annex, in one run.
//!
//! `cargo run --release --example bench -- N [all|singles|annex]` (run once per N: peak memory is
//! per process). `singles` renders only the N proposal PDFs, `annex` only the catalogue annex.
//! Proposals are made from the seed proposals in `proposals/` with varied ids, titles, texts and
//! catalogue amounts; they go to a temporary folder, the PDFs to another.

use std::path::Path;
use std::time::Instant;

/// The seed proposals the synthetic ones are made from.
const SOURCES: &[&str] = &[
    "proposals/flere-udsatte-borgere-i-beskaeftigelse.toml",
    "proposals/bi16-fokuseret-indsats-udsatte-borgere.toml",
    "proposals/tvaerfaglig-indsats-udsatte-ledige.toml",
    "proposals/investering-aktivitetsparate.toml",
    "proposals/katalog/k7-fremrykket-indsats-for-fleks-og-ledighed.toml",
    "proposals/katalog/k2-intensive-forloeb-for-udsatte-sygedagpen.toml",
];

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100);
    let mode = std::env::args().nth(2).unwrap_or_else(|| "all".to_owned());
    let work = std::env::temp_dir().join(format!("budgetnote-bench-{}", std::process::id()));
    let input = work.join("proposals");
    let out = work.join("out");
    std::fs::create_dir_all(&input).expect("temp folder");
    generate(n, &input);
    // The temporary folder is the project root (catalogue entries must stay inside it, E062),
    // with the repository's settings.
    std::fs::copy("budgetnote.toml", work.join("budgetnote.toml"))
        .expect("run from the repository root");

    let target = match mode.as_str() {
        "singles" => {
            std::fs::remove_file(input.join("catalogue.toml")).expect("catalogue written");
            input.clone()
        }
        "annex" => input.join("catalogue.toml"),
        _ => input.clone(),
    };
    let started = Instant::now();
    let exit = budgetnote::cli::run_with([
        "budgetnote",
        "--root",
        work.to_str().expect("utf-8 path"),
        "render",
        target.to_str().expect("utf-8 path"),
        "-o",
        out.to_str().expect("utf-8 path"),
    ]);
    let seconds = started.elapsed().as_secs_f64();
    let pdfs = std::fs::read_dir(&out)
        .map(|d| {
            d.flatten()
                .filter(|e| e.path().extension().is_some_and(|x| x == "pdf"))
                .count()
        })
        .unwrap_or(0);
    println!(
        "n={n} ({mode}): {pdfs} PDFs (incl. the annex) in {seconds:.2} s wall, {:.1} ms per document, peak RSS {} MB, exit {exit:?}",
        seconds * 1000.0 / pdfs.max(1) as f64,
        peak_rss_mb().map_or_else(|| "?".to_owned(), |m| m.to_string()),
    );
    let _ = std::fs::remove_dir_all(&work);
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
