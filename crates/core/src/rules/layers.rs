//! The layering of `rules` (see the module header), checked on the source: outside its
//! tests, each file imports only from its own module and the modules below it, by the
//! module's path (`super::context::Context`, `crate::rules::money::dollars`), never
//! through the re-exports of `rules` itself.

use std::path::Path;

/// The modules of `rules`, top first: a module imports only from those after it.
/// `prelude` (in `rules/mod.rs`) re-exports from `rule`, `context`, `pack` and `codes`.
const LAYERS: &[&str] = &[
    "engine",
    "catalogue",
    "prior",
    "risks",
    "diagnoses",
    "modifiers",
    "money",
    "prelude",
    "rule",
    "context",
    "pack",
    "icd10",
    "codes",
];

fn rank(module: &str) -> Option<usize> {
    LAYERS.iter().position(|m| *m == module)
}

/// A source file of `rules`.
struct Source {
    /// The module of `rules` it belongs to (`pack` for `pack/validate.rs`).
    module: String,
    /// Its name without `.rs`.
    name: String,
    text: String,
    /// Whether it is a file of a directory module.
    nested: bool,
}

/// Every `.rs` file below `dir` but tests.
fn sources(dir: &Path, module: Option<&str>, found: &mut Vec<Source>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_str().unwrap().to_owned();
        if path.is_dir() {
            sources(&path, Some(module.unwrap_or(&name)), found);
        } else if name == "tests" {
            // A directory's tests, like a file's `mod tests`, may import anything.
        } else if name != "mod" || module.is_some() {
            found.push(Source {
                module: module.unwrap_or(&name).to_owned(),
                text: std::fs::read_to_string(&path).unwrap(),
                nested: module.is_some(),
                name,
            });
        }
    }
}

/// The modules of `rules` a file's code (not its tests) imports: the name after each
/// `crate::rules::`, and after `super::` (`super::super::` in a file of a directory).
fn imports(text: &str, nested: bool) -> Vec<String> {
    let code = without_tests(text);
    let parent = if nested { "super::super::" } else { "super::" };
    let mut found = Vec::new();
    for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
        for prefix in ["crate::rules::", parent] {
            for (at, _) in line.match_indices(prefix) {
                let rest = &line[at + prefix.len()..];
                let end = rest
                    .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .unwrap_or(rest.len());
                found.push(rest[..end].to_owned());
            }
        }
    }
    found
}

fn without_tests(text: &str) -> &str {
    text.split("#[cfg(test)]\nmod tests {").next().unwrap()
}

fn all_sources() -> Vec<Source> {
    let mut files = Vec::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules");
    sources(&root, None, &mut files);
    assert!(files.len() > 50, "read {} files", files.len());
    files
}

#[test]
fn every_file_imports_only_from_the_layers_below_its_own() {
    for file in all_sources().iter().filter(|f| f.module != "layers") {
        let module = &file.module;
        let own = rank(module).unwrap_or_else(|| panic!("`{module}` is not in LAYERS"));
        for import in imports(&file.text, file.nested) {
            let allowed = import == *module || rank(&import).is_some_and(|r| r > own);
            assert!(allowed, "`{}` imports `{import}`", file.name);
        }
    }
}

#[test]
fn no_rule_imports_another_rule() {
    let rules = all_sources()
        .into_iter()
        .filter(|f| f.module == "catalogue" && f.name != "mod");
    for rule in rules {
        let code = without_tests(&rule.text);
        for sibling in ["super::", "crate::rules::catalogue"] {
            assert!(!code.contains(sibling), "{} uses {sibling}", rule.name);
        }
    }
}

#[test]
fn an_import_of_a_higher_layer_or_through_the_root_is_found() {
    assert_eq!(
        imports(
            "use super::engine::Engine;\nuse crate::rules::Rule;\n",
            false
        ),
        ["engine", "Rule"]
    );
    assert_eq!(
        imports("use super::super::catalogue::CATALOGUE;", true),
        ["catalogue"]
    );
    assert_eq!(
        imports(
            "#[cfg(test)]\nmod tests {\n    use super::super::Engine;\n}",
            true
        ),
        Vec::<String>::new()
    );
}
