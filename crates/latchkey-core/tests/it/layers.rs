//! Keeps the core's dependencies running one way: every `crate::…` and
//! `super::…` path in `src/` may reach only its own module or a module on a
//! lower line of the order in ARCHITECTURE.md. Unit tests (`#[cfg(test)]`
//! and `tests.rs`) are left out: they may reach any layer.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

const ARCHITECTURE: &str = include_str!("../../ARCHITECTURE.md");

/// Module name -> its line (1 = lowest) in ARCHITECTURE.md.
fn layers() -> HashMap<String, usize> {
    let mut layers = HashMap::new();
    for line in ARCHITECTURE.lines() {
        let Some((number, rest)) = line.split_once(". ") else {
            continue;
        };
        let Ok(level) = number.trim().parse::<usize>() else {
            continue;
        };
        let names = rest.split(':').next().unwrap_or("");
        for (i, part) in names.split('`').enumerate() {
            if i % 2 == 1 {
                layers.insert(part.to_string(), level);
            }
        }
    }
    layers
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The file's module path below the crate: `src/http/execute.rs` ->
/// `["http", "execute"]`, `src/http/mod.rs` -> `["http"]`.
fn module_path(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// The code without `//` comments (doc comments name other modules freely).
fn code_of(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            // `://` is a URL in a string, not a comment.
            Some(at) if !line[..at].ends_with(':') => &line[..at],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn ident_at(text: &str) -> String {
    text.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// The first segment of each path in a `{a, b::c, d::{e}}` group.
fn group_heads(text: &str) -> Vec<String> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut start = true;
    for (i, c) in text.char_indices() {
        match c {
            '{' => {
                depth += 1;
                start = depth == 1;
            }
            '}' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            ',' if depth == 1 => start = true,
            c if start && depth == 1 && !c.is_whitespace() => {
                heads.push(ident_at(&text[i..]));
                start = false;
            }
            _ => {}
        }
    }
    heads
}

/// Every top-level module a file reaches through `crate::` or `super::`,
/// with the text of the path as written.
fn reached(module: &[String], code: &str) -> Vec<(String, String)> {
    let inline_mod = code.find("mod tests {");
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(pos) = code[at..].find(['c', 's']) {
        let i = at + pos;
        at = i + 1;
        let before = code[..i].chars().last();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        let rest = &code[i..];
        let (base, tail) = if let Some(tail) = rest.strip_prefix("crate::") {
            (Vec::new(), tail)
        } else if rest.starts_with("super::") {
            let mut tail = rest;
            let mut base: Vec<String> = module.to_vec();
            if inline_mod.is_some_and(|m| m < i) {
                base.push("tests".into());
            }
            while let Some(t) = tail.strip_prefix("super::") {
                base.pop();
                tail = t;
            }
            (base, tail)
        } else {
            continue;
        };
        let shown: String = rest
            .chars()
            .take_while(|c| *c != ';' && *c != '\n')
            .collect();
        if let Some(first) = base.first() {
            found.push((first.clone(), shown));
        } else if tail.starts_with('{') {
            for head in group_heads(tail) {
                found.push((head, shown.clone()));
            }
        } else {
            found.push((ident_at(tail), shown));
        }
    }
    found
}

/// Names the crate root re-exports (`pub use model::{Param, …}`), so
/// `crate::Param` counts as reaching `model`.
fn root_names(lib: &str) -> HashMap<String, String> {
    let mut names = HashMap::new();
    for stmt in code_of(lib).split(';') {
        let stmt = stmt.trim();
        let Some(path) = stmt.strip_prefix("pub use ") else {
            continue;
        };
        let module = ident_at(path);
        let tail = &path[module.len()..];
        match tail.find('{') {
            Some(open) => {
                for name in tail[open + 1..].trim_end_matches('}').split(',') {
                    let name = name.trim();
                    let name = name.rsplit("::").next().unwrap_or(name);
                    names.insert(name.to_string(), module.clone());
                }
            }
            None => {
                let name = tail.rsplit("::").next().unwrap_or("");
                names.insert(name.to_string(), module.clone());
            }
        }
    }
    names
}

#[test]
fn every_import_in_the_core_points_down_the_layer_order() {
    let layers = layers();
    assert!(
        layers.len() > 10,
        "ARCHITECTURE.md lists too few modules: {layers:?}"
    );
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    let roots = root_names(&lib);
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut problems = Vec::new();
    for file in &files {
        let module = module_path(&src, file);
        let Some(top) = module.first().cloned() else {
            continue;
        };
        if top == "lib" {
            continue;
        }
        let rel = file.strip_prefix(src.parent().unwrap()).unwrap().display();
        let Some(&own) = layers.get(&top) else {
            problems.push(format!(
                "{rel}: module `{top}` has no line in ARCHITECTURE.md: add it to the layer order"
            ));
            continue;
        };
        // Unit tests may reach any layer: nothing the library ships uses them.
        if module.last().is_some_and(|m| m == "tests") {
            continue;
        }
        let code = code_of(&std::fs::read_to_string(file).unwrap());
        let shipped = code.split("#[cfg(test)]\nmod ").next().unwrap_or("");
        for (target, shown) in reached(&module, shipped) {
            // Constants defined in lib.rs itself (`crate::VERSION`) are leaves.
            let target = match roots.get(&target) {
                Some(module) => module.clone(),
                None if !layers.contains_key(&target)
                    && lib.contains(&format!("const {target}")) =>
                {
                    continue
                }
                None => target,
            };
            if target == top || target == "self" {
                continue;
            }
            match layers.get(&target) {
                Some(&level) if level < own => {}
                Some(&level) => problems.push(format!(
                    "{rel}: `{shown}` reaches `{target}` (layer {level}) from `{top}` (layer {own}); \
                     a module may import only lower layers (see crates/latchkey-core/ARCHITECTURE.md)"
                )),
                None => problems.push(format!(
                    "{rel}: `{shown}` reaches `{target}`, which has no line in ARCHITECTURE.md"
                )),
            }
        }
    }
    assert!(
        problems.is_empty(),
        "imports against the layer order:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_check_sees_group_imports_and_super_paths() {
    let module = vec!["store".to_string(), "history".to_string()];
    let code = "use crate::{http::X, model::{A, B}};\nuse super::super::oauth::Y;";
    let targets: Vec<String> = reached(&module, code).into_iter().map(|(t, _)| t).collect();
    assert_eq!(targets, ["http", "model", "oauth"]);
}
