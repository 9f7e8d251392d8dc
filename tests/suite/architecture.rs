//! The layout as a checked fact: the library's module graph, read from the code's own
//! paths, has no cycle, and nothing the checker reaches is a stage whose output it judges.
//!
//! The graph is built from the source text: every `crate::a::b` path (including grouped
//! `use crate::{a, b::c}`), every `super::` path, and every `child::` path in a module that
//! declares `mod child`, each resolved to the deepest module file it names. Comment lines
//! are skipped, so that a doc link is not an import, and so is each file's `mod tests`.
//!
//! Also checked here: a function over ~80 lines says why at its head.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Module path (`["risk", "baseline"]`) to the file's text without comment lines.
type Modules = BTreeMap<Vec<String>, String>;
/// Module to the modules it uses.
type Graph = BTreeMap<Vec<String>, BTreeSet<Vec<String>>>;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every file of the library (the binary's `main.rs` and `cli/` are another crate).
fn modules() -> Modules {
    let mut out = Modules::new();
    let mut stack = vec![src()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = path.strip_prefix(src()).unwrap().to_path_buf();
            if rel == Path::new("main.rs") || rel.starts_with("cli") {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let mut parts: Vec<String> = rel
                    .iter()
                    .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
                    .collect();
                if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
                    parts.pop();
                }
                let full = std::fs::read_to_string(&path).unwrap();
                // A file's unit tests are not part of the library's structure, and their
                // `super` is the file itself, not its parent.
                let library = full.split("#[cfg(test)]\nmod tests").next().unwrap();
                let text: String = library
                    .lines()
                    .filter(|l| !l.trim_start().starts_with("//"))
                    .map(|l| format!("{l}\n"))
                    .collect();
                out.insert(parts, text);
            }
        }
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The paths written after `start` (just past a `crate::`, `super::` or `child::`), each as
/// its segments; a `{...}` group gives one path per member.
fn paths_at(text: &str, start: usize, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    let bytes: Vec<char> = text[start..].chars().collect();
    let mut i = 0;
    let mut path = prefix;
    loop {
        while i < bytes.len() && bytes[i].is_whitespace() {
            i += 1;
        }
        if i < bytes.len() && bytes[i] == '{' {
            // A group: split at top-level commas and read each member.
            let mut depth = 0;
            let mut member_start = i + 1;
            let mut j = i;
            while j < bytes.len() {
                match bytes[j] {
                    '{' => depth += 1,
                    '}' | ',' if depth == 1 => {
                        let member: String = bytes[member_start..j].iter().collect();
                        paths_at(&member, 0, path.clone(), out);
                        member_start = j + 1;
                        if bytes[j] == '}' {
                            return;
                        }
                    }
                    '}' => depth -= 1,
                    _ => {}
                }
                j += 1;
            }
            return;
        }
        let seg_start = i;
        while i < bytes.len() && is_ident(bytes[i]) {
            i += 1;
        }
        if i == seg_start {
            break;
        }
        path.push(bytes[seg_start..i].iter().collect());
        if bytes.get(i) == Some(&':') && bytes.get(i + 1) == Some(&':') {
            i += 2;
        } else {
            break;
        }
    }
    out.push(path);
}

/// Positions just past each whole-word occurrence of `word` followed by `::`.
fn after(text: &str, word: &str) -> Vec<usize> {
    let pat = format!("{word}::");
    text.match_indices(&pat)
        .filter(|(at, _)| !text[..*at].chars().next_back().is_some_and(is_ident))
        .map(|(at, _)| at + pat.len())
        .collect()
}

fn graph(mods: &Modules) -> Graph {
    let mut g = Graph::new();
    for (module, text) in mods {
        let mut paths = Vec::new();
        for at in after(text, "crate") {
            paths_at(text, at, Vec::new(), &mut paths);
        }
        // In `a/b.rs` (module a::b) `super` is `a`; in `a/mod.rs` (module a) it is the root.
        for at in after(text, "super") {
            if text[..at - "super::".len()].ends_with("super::") {
                continue; // read with the first `super` of its chain
            }
            let mut up = 1;
            while text[at..].starts_with(&"super::".repeat(up)) {
                up += 1;
            }
            let parent = module[..module.len().saturating_sub(up)].to_vec();
            paths_at(text, at + (up - 1) * "super::".len(), parent, &mut paths);
        }
        for child in text.lines().filter_map(|l| {
            let l = l
                .trim()
                .trim_start_matches("pub ")
                .trim_start_matches("pub(crate) ");
            l.strip_prefix("mod ")?
                .strip_suffix(';')
                .map(str::to_string)
        }) {
            let mut prefix = module.clone();
            prefix.push(child.clone());
            for at in after(text, &child) {
                paths_at(text, at, prefix.clone(), &mut paths);
            }
        }
        let edges = g.entry(module.clone()).or_default();
        for path in paths {
            // The deepest module the path names; items after it are not modules.
            let target = (1..=path.len())
                .rev()
                .map(|n| path[..n].to_vec())
                .find(|p| mods.contains_key(p));
            if let Some(target) = target {
                if &target != module && !target.is_empty() {
                    edges.insert(target);
                }
            }
        }
    }
    g
}

/// A cycle in `g`, as the modules along it, if there is one.
fn find_cycle(g: &Graph) -> Option<Vec<Vec<String>>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    fn visit(
        n: &Vec<String>,
        g: &Graph,
        mark: &mut BTreeMap<Vec<String>, Mark>,
        stack: &mut Vec<Vec<String>>,
    ) -> Option<Vec<Vec<String>>> {
        mark.insert(n.clone(), Mark::Open);
        stack.push(n.clone());
        for m in g.get(n).into_iter().flatten() {
            match mark.get(m).copied().unwrap_or(Mark::New) {
                Mark::Open => {
                    let from = stack.iter().position(|s| s == m).unwrap();
                    let mut cycle = stack[from..].to_vec();
                    cycle.push(m.clone());
                    return Some(cycle);
                }
                Mark::New => {
                    if let Some(c) = visit(m, g, mark, stack) {
                        return Some(c);
                    }
                }
                Mark::Done => {}
            }
        }
        stack.pop();
        mark.insert(n.clone(), Mark::Done);
        None
    }
    let mut mark = BTreeMap::new();
    for n in g.keys() {
        if mark.get(n).copied().unwrap_or(Mark::New) == Mark::New {
            if let Some(c) = visit(n, g, &mut mark, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

fn show(cycle: &[Vec<String>]) -> String {
    cycle
        .iter()
        .map(|m| m.join("::"))
        .collect::<Vec<_>>()
        .join(" -> ")
}

/// The same graph between top-level modules (the layers).
fn layers(g: &Graph) -> Graph {
    let mut out = Graph::new();
    for (from, tos) in g.iter().filter(|(from, _)| !from.is_empty()) {
        let edges = out.entry(from[..1].to_vec()).or_default();
        for to in tos {
            if to[0] != from[0] {
                edges.insert(to[..1].to_vec());
            }
        }
    }
    out
}

fn reachable(g: &Graph, from: &[String]) -> BTreeSet<Vec<String>> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<Vec<String>> = g.keys().filter(|k| k.starts_with(from)).cloned().collect();
    while let Some(n) = todo.pop() {
        if seen.insert(n.clone()) {
            todo.extend(g.get(&n).into_iter().flatten().cloned());
        }
    }
    seen
}

fn m(path: &str) -> Vec<String> {
    path.split("::").map(str::to_string).collect()
}

#[test]
fn the_graph_sees_the_imports_it_must() {
    // The reader itself is tested on edges the code is known to have, so that a parser that
    // finds nothing cannot pass the cycle test by seeing no graph at all.
    let g = graph(&modules());
    for (from, to) in [
        ("risk", "risk::baseline"),
        ("risk::baseline", "plan"),
        ("check", "check::merged"),
        ("optimize::whole", "optimize::highs"),
        ("scenario::validate", "base::text"),
    ] {
        assert!(
            g.get(&m(from)).is_some_and(|e| e.contains(&m(to))),
            "{from} -> {to} not found; {from} uses {:?}",
            g.get(&m(from))
        );
    }
    assert!(g.len() > 40, "only {} modules found", g.len());
}

#[test]
fn no_import_cycle_between_layers() {
    let g = layers(&graph(&modules()));
    if let Some(cycle) = find_cycle(&g) {
        panic!("import cycle between layers: {}", show(&cycle));
    }
}

#[test]
fn the_cycle_finder_finds_a_cycle() {
    let mut g = Graph::new();
    g.entry(m("a")).or_default().insert(m("b"));
    g.entry(m("b")).or_default().insert(m("c::d"));
    g.entry(m("c::d")).or_default().insert(m("a"));
    assert_eq!(
        find_cycle(&g).map(|c| show(&c)).as_deref(),
        Some("a -> b -> c::d -> a")
    );
    g.get_mut(&m("c::d")).unwrap().clear();
    assert_eq!(find_cycle(&g), None);
}

#[test]
fn the_checker_reaches_nothing_it_judges() {
    let mods = modules();
    let g = graph(&mods);
    let reached = reachable(&g, &m("check"));
    assert!(
        reached.contains(&m("plan")),
        "the checker reads plans: {reached:?}"
    );
    for forbidden in ["risk", "optimize", "respond", "documents", "apply", "tools"] {
        let hit: Vec<_> = reached.iter().filter(|r| r[0] == forbidden).collect();
        assert!(
            hit.is_empty(),
            "the checker reaches {hit:?} (forbidden: {forbidden})"
        );
    }
    for module in &reached {
        let text = &mods[module];
        for name in ["highs_sys", "good_lp", "highs::"] {
            assert!(
                !text.contains(name),
                "{} (reached from check) names {name}",
                module.join("::")
            );
        }
    }
}

#[test]
fn no_import_cycle_between_files() {
    // A parent that declares a child and re-exports its items uses it; a child that then
    // reaches back into its parent's own items makes a cycle: shared items live in a child
    // of their own, which both use.
    let g = graph(&modules());
    if let Some(cycle) = find_cycle(&g) {
        panic!("import cycle between files: {}", show(&cycle));
    }
}

/// The functions of `text` longer than `limit` lines (signature to closing brace, found by
/// indentation as rustfmt writes it), each with whether its doc comment says why it is
/// long ("Long because ..."). A file's `mod tests` is left out.
fn long_functions(text: &str, limit: usize) -> Vec<(String, usize, bool)> {
    let library = text.split("#[cfg(test)]\nmod tests").next().unwrap();
    let lines: Vec<&str> = library.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let body = line.trim_start();
        let indent = &line[..line.len() - body.len()];
        let signature = [
            "fn ",
            "pub fn ",
            "pub(crate) fn ",
            "pub(super) fn ",
            "const fn ",
        ]
        .iter()
        .find_map(|p| body.strip_prefix(p));
        let Some(rest) = signature else { continue };
        let name: String = rest.chars().take_while(|&c| is_ident(c)).collect();
        let close = format!("{indent}}}");
        let Some(end) = lines[i + 1..].iter().position(|l| *l == close) else {
            continue;
        };
        let length = end + 2;
        if length <= limit {
            continue;
        }
        let says_why = lines[..i]
            .iter()
            .rev()
            .take_while(|l| {
                let t = l.trim_start();
                t.starts_with("///") || t.starts_with("#[")
            })
            .any(|l| l.contains("Long because"));
        out.push((name, length, says_why));
    }
    out
}

#[test]
fn the_long_function_finder_finds_one() {
    let body = "    x += 1;\n".repeat(90);
    let text = format!(
        "/// Adds.\n/// Long because it must.\npub fn a() {{\n{body}}}\n\nfn b() {{\n{body}}}\n\
         fn short() {{\n}}\n#[cfg(test)]\nmod tests {{\nfn c() {{\n{body}}}\n}}\n"
    );
    assert_eq!(
        long_functions(&text, 80),
        vec![("a".to_string(), 92, true), ("b".to_string(), 92, false)]
    );
}

/// A function over ~80 lines is hard to read whole; the ones that stay long say why at
/// their head, so that the choice is visible where it is made.
#[test]
fn long_functions_say_why_at_their_head() {
    let mut files = vec![src()];
    let mut silent = Vec::new();
    let mut read = 0;
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        read += 1;
        for (name, length, says_why) in long_functions(&text, 80) {
            if !says_why {
                let rel = path.strip_prefix(src()).unwrap();
                silent.push(format!("src/{}: {name} ({length} lines)", rel.display()));
            }
        }
    }
    // The finder itself is tested above; here, that the walk reached the sources.
    assert!(
        read > 0,
        "no source file read under src/: the walk is broken"
    );
    assert!(
        silent.is_empty(),
        "split these into their steps, or say at their head why they are long \
         (\"/// Long because ...\"):\n{}",
        silent.join("\n")
    );
}
