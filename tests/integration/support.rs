//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_rolegen")
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn run(args: &[&str], cwd: &Path) -> Output {
    Command::new(bin())
        .args(args)
        .current_dir(cwd)
        .env_remove("ROLEGEN_OPERATIONS")
        .stdin(Stdio::null())
        .output()
        .expect("the rolegen binary runs")
}

/// `../shared/corpus` when present; `None` (with a note on stderr) on a fresh clone without it.
pub fn corpus(what: &str) -> Option<PathBuf> {
    let dir = root().join("../shared/corpus");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("note: skipping {what}: ../shared/corpus is absent");
        None
    }
}
