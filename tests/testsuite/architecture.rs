//! The crate's structure: the modules' imports form no cycle, so every stage can be read, tested
//! and replaced from the bottom up. The import graph is read from the source text (`crate::…`
//! and `super::…` paths, `use` groups included, test modules left out); a module naming one of
//! its own ancestors (a check reading its parent's `Context`) is not an arrow, since a parent
//! always knows its children.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::common::root;

/// Every module file under `src/`, by module path ("" for the crate root, "cli::render::html").
fn modules() -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    collect(&root().join("src"), &mut Vec::new(), &mut found);
    found
}

/// Walks `dir`, whose module path is `prefix`, into `found`.
fn collect(dir: &Path, prefix: &mut Vec<String>, found: &mut BTreeMap<String, String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        if path.is_dir() {
            prefix.push(name);
            collect(&path, prefix, found);
            prefix.pop();
        } else if let Some(stem) = name.strip_suffix(".rs") {
            if prefix.is_empty() && stem == "main" {
                continue;
            }
            let mut module = prefix.clone();
            if !matches!(stem, "mod" | "lib") {
                module.push(stem.to_owned());
            }
            let text = std::fs::read_to_string(&path).unwrap();
            found.insert(module.join("::"), code_of(&text));
        }
    }
}

/// The code of a file without comments and without its test module (which ends the file).
fn code_of(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The paths a module's code names from `crate::` or `super::`, made absolute.
fn named_paths(module: &str, code: &str) -> Vec<Vec<String>> {
    let own: Vec<String> = module
        .split("::")
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    let chars: Vec<char> = code.chars().collect();
    let mut paths = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let starts_word = i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
        let rest: String = chars[i..chars.len().min(i + 7)].iter().collect();
        if starts_word && (rest.starts_with("crate::") || rest.starts_with("super::")) {
            let mut base = Vec::new();
            let mut j = i;
            if rest.starts_with("crate::") {
                j += 7;
            } else {
                // `super` is the parent of this module; a `mod.rs` or file module alike.
                base = own.clone();
                while chars[j..].iter().collect::<String>().starts_with("super::") {
                    base.pop();
                    j += 7;
                }
            }
            let (tree, end) = use_tree(&chars, j);
            for leaf in tree {
                let mut path = base.clone();
                path.extend(leaf);
                paths.push(path);
            }
            i = end;
        } else {
            i += 1;
        }
    }
    paths
}

/// Reads a path or a `{…}` group of paths at `at`: the leaves, and where reading stopped.
fn use_tree(chars: &[char], mut at: usize) -> (Vec<Vec<String>>, usize) {
    let ident = |at: &mut usize| {
        let start = *at;
        while *at < chars.len() && (chars[*at].is_alphanumeric() || chars[*at] == '_') {
            *at += 1;
        }
        chars[start..*at].iter().collect::<String>()
    };
    let skip_blank = |at: &mut usize| {
        while *at < chars.len() && chars[*at].is_whitespace() {
            *at += 1;
        }
    };
    if chars.get(at) == Some(&'{') {
        at += 1;
        let mut leaves = Vec::new();
        loop {
            skip_blank(&mut at);
            match chars.get(at) {
                Some('}') => return (leaves, at + 1),
                Some(',') => at += 1,
                None => return (leaves, at),
                _ => {
                    let (more, end) = use_tree(chars, at);
                    if end == at {
                        return (leaves, at + 1);
                    }
                    leaves.extend(more);
                    at = end;
                }
            }
        }
    }
    let mut path = Vec::new();
    loop {
        let name = ident(&mut at);
        if name.is_empty() {
            break;
        }
        path.push(name);
        if chars.get(at) == Some(&':') && chars.get(at + 1) == Some(&':') {
            at += 2;
            if chars.get(at) == Some(&'{') {
                let (group, end) = use_tree(chars, at);
                let leaves = group
                    .into_iter()
                    .map(|leaf| path.iter().cloned().chain(leaf).collect())
                    .collect();
                return (leaves, end);
            }
        } else {
            break;
        }
    }
    (vec![path], at)
}

/// The module a path lands in: its longest prefix that is a module file.
fn module_of(path: &[String], modules: &BTreeMap<String, String>) -> String {
    (0..=path.len())
        .rev()
        .map(|n| path[..n].join("::"))
        .find(|m| modules.contains_key(m))
        .unwrap_or_default()
}

/// Whether `ancestor` is `module` itself or one of the modules it is declared in.
fn is_ancestor(ancestor: &str, module: &str) -> bool {
    ancestor.is_empty() || module == ancestor || module.starts_with(&format!("{ancestor}::"))
}

/// The import arrows between modules (a module to each other module it names, ancestors aside).
fn arrows() -> BTreeMap<String, BTreeSet<String>> {
    let modules = modules();
    let mut arrows: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, code) in &modules {
        let targets = arrows.entry(module.clone()).or_default();
        for path in named_paths(module, code) {
            let target = module_of(&path, &modules);
            if !is_ancestor(&target, module) {
                targets.insert(target);
            }
        }
    }
    arrows
}

/// The strongly connected groups of more than one module (each is an import cycle).
fn cycles(arrows: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    // Kosaraju: finish order on the graph, then components on the reversed graph.
    fn visit<'a>(
        node: &'a str,
        arrows: &'a BTreeMap<String, BTreeSet<String>>,
        seen: &mut BTreeSet<&'a str>,
        order: &mut Vec<&'a str>,
    ) {
        if !seen.insert(node) {
            return;
        }
        for next in arrows.get(node).into_iter().flatten() {
            visit(next, arrows, seen, order);
        }
        order.push(node);
    }
    let mut seen = BTreeSet::new();
    let mut order = Vec::new();
    for node in arrows.keys() {
        visit(node, arrows, &mut seen, &mut order);
    }
    let mut reversed: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, targets) in arrows {
        for to in targets {
            reversed.entry(to.clone()).or_default().insert(from.clone());
        }
    }
    let mut assigned = BTreeSet::new();
    let mut groups = Vec::new();
    for node in order.into_iter().rev() {
        let mut group = Vec::new();
        visit(node, &reversed, &mut assigned, &mut group);
        if group.len() > 1 {
            group.sort_unstable();
            groups.push(group.into_iter().map(str::to_owned).collect());
        }
    }
    groups
}

// No two modules of the crate import each other, directly or round a circle of modules; a cycle
// is reported with the arrows that make it.
#[test]
fn modules_import_no_cycle() {
    let arrows = arrows();
    assert!(
        arrows.len() > 30,
        "the modules are found: {:?}",
        arrows.keys()
    );
    let found = cycles(&arrows);
    let shown: Vec<String> = found
        .iter()
        .map(|group| {
            let inside: Vec<String> = group
                .iter()
                .flat_map(|from| {
                    arrows[from]
                        .iter()
                        .filter(|to| group.contains(to))
                        .map(move |to| format!("{from} -> {to}"))
                })
                .collect();
            inside.join(", ")
        })
        .collect();
    assert!(found.is_empty(), "import cycles: {shown:#?}");
}

// The reader of the import graph sees what it must: `use` groups, nested groups, `super::`
// paths and inline paths, and a cycle between two modules is found.
#[test]
fn the_import_reader_finds_groups_and_cycles() {
    let paths = named_paths(
        "cli::check",
        "use crate::{a::B, c::{d, e::F}};\nuse super::{files, Cli};\nlet x = crate::g::h(1);",
    );
    let shown: Vec<String> = paths.iter().map(|p| p.join("::")).collect();
    assert_eq!(
        shown,
        ["a::B", "c::d", "c::e::F", "cli::files", "cli::Cli", "g::h"]
    );
    let mut arrows: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    arrows.insert("a".into(), ["b".into()].into());
    arrows.insert("b".into(), ["a".into()].into());
    arrows.insert("c".into(), ["a".into()].into());
    assert_eq!(cycles(&arrows), vec![vec!["a".to_owned(), "b".to_owned()]]);
}

// The guide's module table (docs/src/architecture.md, section "Modules") names exactly the
// modules `lib.rs` declares, so a newcomer's map of the code is never missing a room or showing
// one that is gone.
#[test]
fn module_table_matches_the_tree() {
    let lib = std::fs::read_to_string(root().join("src/lib.rs")).unwrap();
    let declared: BTreeSet<String> = lib
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub mod "))
        .map(|m| m.trim_end_matches(';').to_owned())
        .collect();
    let chapter = std::fs::read_to_string(root().join("docs/src/architecture.md")).unwrap();
    let section = chapter
        .split("\n## Modules\n")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("docs/src/architecture.md has a section \"## Modules\"");
    let listed: BTreeSet<String> = section
        .lines()
        .filter_map(|l| l.strip_prefix("| "))
        .filter_map(|l| l.split(" | ").next())
        .flat_map(|cell| cell.split(", "))
        .filter_map(|name| name.strip_prefix('`')?.strip_suffix('`'))
        .map(str::to_owned)
        .collect();
    assert!(declared.len() > 30, "{declared:?}");
    let missing: Vec<&String> = declared.difference(&listed).collect();
    let gone: Vec<&String> = listed.difference(&declared).collect();
    assert!(
        missing.is_empty() && gone.is_empty(),
        "docs/src/architecture.md's module table: missing {missing:?}, not in src/lib.rs {gone:?}"
    );
}
