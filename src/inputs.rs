//! Expands the audit's FILE|GLOB|DIR arguments into files. Globs are expanded by rolegen (so a quoted
//! `'roles/**/*.json'` works); directories are walked for `*.json`, `*.yaml`, `*.yml`, skipping `.git`, `target`
//! and `node_modules`; symbolic links to directories are not followed (no loops). `-` is stdin.

use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Input {
    Stdin,
    File(PathBuf),
}

impl Input {
    pub fn display(&self) -> String {
        match self {
            Input::Stdin => "<stdin>".into(),
            Input::File(p) => p.display().to_string(),
        }
    }
}

#[derive(Debug, Default)]
pub struct Expanded {
    pub inputs: Vec<Input>,
    /// (argument, why it gave nothing)
    pub errors: Vec<(String, String)>,
}

const SKIP_DIRS: &[&str] = &[".git", "target", "node_modules"];

fn wanted(p: &Path) -> bool {
    p.extension()
        .and_then(|x| x.to_str())
        .is_some_and(|x| matches!(x.to_ascii_lowercase().as_str(), "json" | "yaml" | "yml"))
}

fn walk(dir: &Path, out: &mut Vec<Input>, errors: &mut Vec<(String, String)>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            errors.push((
                dir.display().to_string(),
                format!("cannot read the directory: {e}"),
            ));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        let Ok(meta) = std::fs::symlink_metadata(&p) else {
            continue;
        };
        if meta.is_dir() {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if !SKIP_DIRS.contains(&name) {
                walk(&p, out, errors);
            }
        } else if wanted(&p) && (meta.is_file() || p.is_file()) {
            out.push(Input::File(p));
        }
    }
}

pub fn expand(args: &[String]) -> Expanded {
    let mut x = Expanded::default();
    for a in args {
        if a == "-" {
            x.inputs.push(Input::Stdin);
            continue;
        }
        let path = Path::new(a);
        if path.is_dir() {
            let before = x.inputs.len();
            walk(path, &mut x.inputs, &mut x.errors);
            if x.inputs.len() == before {
                x.errors.push((
                    a.clone(),
                    "the directory holds no *.json, *.yaml or *.yml files".into(),
                ));
            }
        } else if path.exists() {
            x.inputs.push(Input::File(path.to_path_buf()));
        } else if a.contains(['*', '?', '[']) {
            match glob::glob(a) {
                Ok(paths) => {
                    let before = x.inputs.len();
                    let mut found: Vec<PathBuf> = paths.filter_map(|p| p.ok()).collect();
                    found.sort();
                    for p in found {
                        if p.is_dir() {
                            walk(&p, &mut x.inputs, &mut x.errors);
                        } else {
                            x.inputs.push(Input::File(p));
                        }
                    }
                    if x.inputs.len() == before {
                        x.errors
                            .push((a.clone(), "the pattern matches no file".into()));
                    }
                }
                Err(e) => x
                    .errors
                    .push((a.clone(), format!("not a valid glob pattern: {e}"))),
            }
        } else {
            x.errors
                .push((a.clone(), "no such file or directory".into()));
        }
    }
    // The same file named twice is audited once.
    let mut seen = std::collections::HashSet::new();
    x.inputs.retain(|i| seen.insert(i.clone()));
    x
}
