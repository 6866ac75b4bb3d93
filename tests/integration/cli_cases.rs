//! CLI tests as data (after typos/trycmd): `tests/cases/NAME.args` holds the arguments, one per line;
//! `tests/cases/NAME.golden` the expected exit code, stdout and stderr. The cases run with `tests/cases` as
//! the working directory. `ROLEGEN_BLESS=1 cargo test` rewrites the golden files; review the diff.

use std::fs;

use super::support::{root, run};

fn render(code: Option<i32>, stdout: &[u8], stderr: &[u8]) -> String {
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        code.map_or("signal".to_string(), |c| c.to_string()),
        String::from_utf8_lossy(stdout),
        String::from_utf8_lossy(stderr)
    )
}

#[test]
fn cli_golden_cases() {
    let dir = root().join("tests/cases");
    let bless = std::env::var_os("ROLEGEN_BLESS").is_some();
    let mut cases: Vec<_> = fs::read_dir(&dir)
        .expect("tests/cases exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "args"))
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 40,
        "expected the full set of CLI cases, found {}",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let args_text = fs::read_to_string(case).unwrap();
        let args: Vec<&str> = args_text.lines().filter(|l| !l.is_empty()).collect();
        let out = run(&args, &dir);
        let actual = render(out.status.code(), &out.stdout, &out.stderr);
        assert!(
            !actual.contains("panicked"),
            "{}: rolegen panicked:\n{actual}",
            case.display()
        );
        let golden = case.with_extension("golden");
        if bless {
            fs::write(&golden, &actual).unwrap();
            continue;
        }
        let expected = fs::read_to_string(&golden).unwrap_or_default();
        if expected != actual {
            failures.push((
                case.file_stem().unwrap().to_string_lossy().to_string(),
                expected,
                actual,
            ));
        }
    }
    if let Some((name, expected, actual)) = failures.first() {
        let names: Vec<&str> = failures.iter().map(|f| f.0.as_str()).collect();
        eprintln!("failing cases: {}", names.join(", "));
        pretty_assertions::assert_eq!(
            expected,
            actual,
            "case {name} (ROLEGEN_BLESS=1 to regenerate)"
        );
    }
}
