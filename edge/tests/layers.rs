//! The shape of `edge/src` (ARCHITECTURE.md), checked from the source text: no module cycle between the top-level
//! modules, imports only downward through the layers, only `glue` knows Cloudflare (`worker::`), and handlers never
//! write SQL. Reads every `crate::…` path (in `use` trees and inline), follows the crate root's re-exports, and
//! names what breaks a rule. A new top-level module must be given a layer in [`LAYERS`] first.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Top-level modules by layer, highest first: a module may import its own layer or any layer below it.
/// Within a layer only the cycle check applies (domain modules use each other, never in a circle).
const LAYERS: &[(&str, &[&str])] = &[
    ("runtime bindings", &["glue", "native"]),
    ("pipeline", &["pipeline"]),
    // The document of the whole API: it reads the route table and the wire types, wherever they are declared.
    ("openapi", &["openapi"]),
    ("handlers", &["handlers"]),
    ("routing", &["routing"]),
    ("domain", &["sessions", "payments", "refunds", "webhooks", "ops", "accounts", "jobs", "card_testing"]),
    ("records", &["records"]),
    ("providers", &["providers"]),
    ("platform", &["platform", "store", "config_check", "faults", "log", "http"]),
];

/// Modules whose `mod.rs` only re-exports modules that live elsewhere: their re-exports are followed like the crate
/// root's. None today (the old `services` container went with #17); kept so a future facade stays checkable.
const CONTAINERS: &[&str] = &[];

/// Edges that still close a cycle, each to be removed by the move that owns it (#17). The test fails when any other
/// edge closes a cycle, and when one of these no longer exists (then delete it here). Empty since the payment's read
/// model moved into `records`, the payer view into `payments` and the fresh payment read into `refunds`.
const PENDING: &[(&str, &str, &str)] = &[];

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The code without `#[cfg(test)]` items: a unit test may use the test harness from above; production code may not.
fn strip_test_items(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(") {
        let attr_end = at + rest[at..].find(']').map_or(rest.len() - at, |e| e + 1);
        if !rest[at..attr_end].contains("test") {
            out.push_str(&rest[..attr_end]);
            rest = &rest[attr_end..];
            continue;
        }
        out.push_str(&rest[..at]);
        let item = &rest[attr_end..];
        let end = match (item.find('{'), item.find(';')) {
            (Some(b), Some(s)) if s < b => s + 1,
            (Some(b), _) => b + matching_brace(&item[b..]),
            (None, Some(s)) => s + 1,
            (None, None) => item.len(),
        };
        rest = &item[end..];
    }
    out.push_str(rest);
    out
}

/// The source without comments; string literals stay (`deserialize_with = "crate::store::int"` is a real use).
fn strip_comments(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = String::with_capacity(src.len());
    let (mut i, mut in_str) = (0, false);
    while i < b.len() {
        let c = b[i];
        if in_str {
            out.push(c as char);
            if c == b'\\' && i + 1 < b.len() {
                out.push(b[i + 1] as char);
                i += 1;
            } else if c == b'"' {
                in_str = false;
            }
            i += 1;
        } else if c == b'"' {
            in_str = true;
            out.push('"');
            i += 1;
        } else if c == b'\'' && i + 2 < b.len() && b[i + 2] == b'\'' {
            // A char literal like '"' must not open a string.
            out.push_str("' '");
            i += 3;
        } else if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            let mut depth = 0;
            while i < b.len() {
                if b[i..].starts_with(b"/*") {
                    depth += 1;
                    i += 2;
                } else if b[i..].starts_with(b"*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else {
            // Keep multi-byte characters whole.
            let ch = src[i..].chars().next().unwrap();
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Expands a `use` tree (`a::{b, c::{d, e as f}}`) into its paths (`a::b`, `a::c::d`, `a::c::e`).
fn expand_use(tree: &str, prefix: &str, out: &mut Vec<String>) {
    let tree = tree.trim();
    if let Some(open) = tree.find('{') {
        let head = tree[..open].trim().trim_end_matches("::");
        let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        let base = join(prefix, head);
        let mut depth = 0;
        let mut start = 0;
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand_use(&inner[start..i], &base, out);
                    start = i + 1;
                }
                _ => {}
            }
        }
        expand_use(&inner[start..], &base, out);
    } else if !tree.is_empty() {
        let path = tree.split(" as ").next().unwrap().trim();
        let path = path.strip_suffix("::self").unwrap_or(path);
        if path != "self" {
            out.push(join(prefix, path));
        } else {
            out.push(prefix.to_string());
        }
    }
}

fn join(prefix: &str, path: &str) -> String {
    match (prefix.is_empty(), path.is_empty()) {
        (true, _) => path.to_string(),
        (_, true) => prefix.to_string(),
        _ => format!("{prefix}::{path}"),
    }
}

/// Every `crate::…` path a file names: in `use` declarations (trees expanded) and inline.
fn crate_paths(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().next_back();
        let tail = &rest[at + "crate::".len()..];
        rest = tail;
        if before.is_some_and(|c| is_ident(c) || c == ':') {
            continue; // `hsrc_edge_crate::`, `$crate::`-like or a longer path: not ours
        }
        if tail.starts_with('{') {
            let end = matching_brace(tail);
            expand_use(&tail[..end], "", &mut out);
        } else {
            let mut path = String::new();
            let mut t = tail;
            loop {
                let n = t.find(|c: char| !is_ident(c)).unwrap_or(t.len());
                if n == 0 {
                    break;
                }
                path = join(&path, &t[..n]);
                t = &t[n..];
                if let Some(next) = t.strip_prefix("::") {
                    if next.starts_with('{') {
                        let end = matching_brace(next);
                        let mut sub = Vec::new();
                        expand_use(&next[..end], &path, &mut sub);
                        out.extend(sub);
                        path.clear();
                        break;
                    }
                    t = next;
                } else {
                    break;
                }
            }
            if !path.is_empty() {
                out.push(path);
            }
        }
    }
    out
}

fn matching_brace(s: &str) -> usize {
    let mut depth = 0;
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
    }
    s.len()
}

struct Crate {
    /// File (relative to src) → its code without comments.
    files: BTreeMap<String, String>,
    /// The top-level modules that exist as files or directories.
    modules: BTreeSet<String>,
    /// Names the crate root re-exports (`pub use accounts::auth;`) → the path they stand for.
    aliases: BTreeMap<String, String>,
}

fn read_crate() -> Crate {
    let src = src_dir();
    let mut paths = Vec::new();
    rust_files(&src, &mut paths);
    let mut files = BTreeMap::new();
    let mut modules = BTreeSet::new();
    for p in paths {
        let rel = p.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
        if rel.starts_with("bin/") {
            continue; // binaries are crates of their own: they reach the library as `hsrc_edge::`
        }
        if rel != "lib.rs" {
            modules.insert(top_of_file(&rel));
        }
        files.insert(rel, strip_test_items(&strip_comments(&std::fs::read_to_string(&p).unwrap())));
    }
    let mut aliases = BTreeMap::new();
    let roots = std::iter::once(("lib.rs".to_string(), String::new()))
        .chain(CONTAINERS.iter().map(|c| (format!("{c}/mod.rs"), format!("{c}::"))));
    for (file, prefix) in roots {
        let Some(code) = files.get(&file) else { continue };
        for decl in root_uses(code) {
            let mut paths = Vec::new();
            expand_use(&decl, "", &mut paths);
            for path in paths {
                let path = path.strip_prefix("crate::").unwrap_or(&path).to_string();
                let name = format!("{prefix}{}", decl_alias(&decl, &path));
                if !modules.contains(&name) {
                    aliases.insert(name, path);
                }
            }
        }
    }
    Crate { files, modules, aliases }
}

/// The `pub use …;` declarations at the top level of the crate root.
fn root_uses(lib: &str) -> Vec<String> {
    lib.split(';').filter_map(|s| s.trim().rsplit_once("pub use ").map(|(_, d)| d.trim().to_string())).collect()
}

/// The name a re-export of `path` introduces (its last segment, or the `as` rename).
fn decl_alias(decl: &str, path: &str) -> String {
    let last = path.rsplit("::").next().unwrap();
    match decl.split_once(" as ") {
        Some((_, alias)) if !decl.contains('{') => alias.trim().to_string(),
        _ => last.to_string(),
    }
}

fn top_of_file(rel: &str) -> String {
    let first = rel.split('/').next().unwrap();
    first.strip_suffix(".rs").unwrap_or(first).to_string()
}

/// The graph node of a file: its top-level module.
fn node_of_file(rel: &str) -> String {
    top_of_file(rel)
}

/// The graph node a `crate::` path points at, following the root's re-exports; `None` for names of the root itself.
fn node_of_path(c: &Crate, path: &str) -> Option<String> {
    let mut segs: Vec<String> = path.split("::").map(str::to_string).collect();
    // A re-export of the root (`auth`) or of a container (`services::sessions`) stands for its target.
    let container_alias = segs.get(1).map(|second| format!("{}::{second}", segs[0]));
    if let Some((n, target)) = container_alias
        .and_then(|a| c.aliases.get(&a).map(|t| (2, t)))
        .or_else(|| c.aliases.get(&segs[0]).map(|t| (1, t)))
    {
        let mut t: Vec<String> = target.split("::").map(str::to_string).collect();
        t.extend(segs.drain(n..));
        segs = t;
    }
    let top = segs[0].clone();
    c.modules.contains(&top).then_some(top)
}

/// Edges between nodes, each with one file that makes it.
fn graph(c: &Crate) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut g: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for (rel, code) in &c.files {
        if rel == "lib.rs" || CONTAINERS.iter().any(|c| *rel == format!("{c}/mod.rs")) {
            continue; // the root and the containers only declare and re-export
        }
        let from = node_of_file(rel);
        g.entry(from.clone()).or_default();
        for path in crate_paths(code) {
            let Some(to) = node_of_path(c, &path) else { continue };
            if to != from {
                g.entry(from.clone()).or_default().entry(to).or_insert_with(|| rel.clone());
            }
        }
    }
    g
}

fn layer_of(node: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, mods)| mods.contains(&node))
}

/// One cycle through `start`, if any (depth-first search over the edges).
fn cycle_from(
    g: &BTreeMap<String, BTreeMap<String, String>>,
    start: &str,
    at: &str,
    path: &mut Vec<String>,
    seen: &mut BTreeSet<String>,
) -> Option<Vec<String>> {
    for next in g.get(at).map(|e| e.keys().cloned().collect::<Vec<_>>()).unwrap_or_default() {
        if next == start {
            let mut cycle = path.clone();
            cycle.push(next);
            return Some(cycle);
        }
        if seen.insert(next.clone()) {
            path.push(next.clone());
            if let Some(c) = cycle_from(g, start, &next, path, seen) {
                return Some(c);
            }
            path.pop();
        }
    }
    None
}

fn describe(g: &BTreeMap<String, BTreeMap<String, String>>, cycle: &[String]) -> String {
    cycle.windows(2).map(|w| format!("{} → {} ({})", w[0], w[1], g[&w[0]][&w[1]])).collect::<Vec<_>>().join(", ")
}

#[test]
fn the_top_level_modules_import_each_other_without_a_cycle() {
    let c = read_crate();
    let mut g = graph(&c);
    let stale: Vec<_> =
        PENDING.iter().filter(|(from, to, _)| !g.get(*from).is_some_and(|e| e.contains_key(*to))).collect();
    assert!(stale.is_empty(), "these pending edges are gone: delete them from PENDING: {stale:?}");
    for (from, to, _) in PENDING {
        g.get_mut(*from).unwrap().remove(*to);
    }
    let mut cycles = BTreeSet::new();
    for start in g.keys() {
        let mut path = vec![start.clone()];
        if let Some(cycle) = cycle_from(&g, start, start, &mut path, &mut BTreeSet::new()) {
            // One report per cycle, whichever module it is found from.
            let mut key: Vec<String> = cycle[..cycle.len() - 1].to_vec();
            key.sort();
            if cycles.insert(key) {
                eprintln!("cycle: {}", describe(&g, &cycle));
            }
        }
    }
    assert!(cycles.is_empty(), "module cycles in edge/src (see the lines above): {cycles:?}");
}

#[test]
fn modules_import_only_their_own_layer_or_below() {
    let c = read_crate();
    let g = graph(&c);
    let mut problems = Vec::new();
    for (from, edges) in &g {
        let Some(lf) = layer_of(from) else {
            problems.push(format!("`{from}` has no layer: add it to LAYERS (and ARCHITECTURE.md)"));
            continue;
        };
        for (to, file) in edges {
            match layer_of(to) {
                None => problems.push(format!("`{to}` has no layer: add it to LAYERS (and ARCHITECTURE.md)")),
                Some(lt) if lt < lf => problems.push(format!(
                    "{file}: `{from}` ({}) imports `{to}` ({}), a layer above it",
                    LAYERS[lf].0, LAYERS[lt].0
                )),
                _ => {}
            }
        }
    }
    problems.sort();
    problems.dedup();
    assert!(problems.is_empty(), "layer rule broken:\n{}", problems.join("\n"));
}

#[test]
fn only_the_glue_knows_cloudflare() {
    let c = read_crate();
    let offenders: Vec<&String> = c
        .files
        .iter()
        .filter(|(rel, code)| {
            !rel.starts_with("glue")
                && (code.contains("worker::") || code.contains("#[event(") || code.contains("use worker"))
        })
        .map(|(rel, _)| rel)
        .collect();
    assert!(offenders.is_empty(), "files other than glue that use the `worker` crate: {offenders:?}");
}

#[test]
fn handlers_never_write_sql() {
    let c = read_crate();
    let sql = ["stmt!", "query_one(", "query_as(", ".batch(", "SELECT ", "INSERT ", "UPDATE ", "DELETE FROM"];
    let mut offenders = Vec::new();
    for (rel, code) in c.files.iter().filter(|(rel, _)| rel.starts_with("handlers/")) {
        for s in sql.iter().filter(|s| code.contains(*s)) {
            offenders.push(format!("{rel}: {s}"));
        }
    }
    assert!(offenders.is_empty(), "handlers speak to a domain module, never to the database: {offenders:?}");
}

#[test]
fn the_reader_sees_the_paths_it_checks() {
    // The parser itself: trees, renames, inline paths, comments, strings.
    let code = strip_comments(
        "use crate::{a::{b, c as d}, e};\n// crate::commented\n/* crate::block */ let x = crate::f::g(1);\n\
         #[serde(with = \"crate::h::i\")] use crate::j::{self, k};\n#[cfg(test)]\nmod tests { use crate::native; }",
    );
    let code = strip_test_items(&code);
    let mut got = crate_paths(&code);
    got.sort();
    assert_eq!(got, ["a::b", "a::c", "e", "f::g", "h::i", "j", "j::k"]);
}
