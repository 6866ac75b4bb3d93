//! Loading the operations catalogue against a floor: times `Operations::load(DIR)` against reading the same
//! files' bytes (what `cat` does), best of 15 runs each, and reports the ratio; then the same for the whole
//! process, `rolegen explain --operations DIR <op>` against `cat DIR/*.json`. The aim is 3× the floor.
//!
//! The dump is `ROLEGEN_BENCH_OPERATIONS` (e.g. ../shared/corpus/azure/provider-operations) or, without it,
//! a generated directory of the same shape and size (323 providers, about 22,500 operations, 13 MB).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn generate(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    for p in 0..323 {
        let ns = format!("Microsoft.Bench{p:03}");
        let mut types = Vec::new();
        for t in 0..10 {
            let mut ops = Vec::new();
            for o in 0..7 {
                let verb = ["read", "write", "delete", "action"][o % 4];
                ops.push(format!(
                    r#"        {{
          "description": "Generated operation {o} of resource type {t} of provider {p}, long enough to look like Azure's own descriptions of what an operation does.",
          "display": {{"description": "Generated operation {o}", "operation": "Operation {o}", "provider": "{ns}", "resource": "Type {t}"}},
          "isDataAction": {},
          "name": "{ns}/type{t}/sub{o}/{verb}",
          "origin": "user,system",
          "properties": null
        }}"#,
                    o == 6
                ));
            }
            types.push(format!(
                "    {{\n      \"displayName\": \"Type {t}\",\n      \"id\": \"/providers/Microsoft.Authorization/providerOperations/{ns}/resourceTypes/type{t}\",\n      \"name\": \"type{t}\",\n      \"operations\": [\n{}\n      ]\n    }}",
                ops.join(",\n")
            ));
        }
        let text = format!(
            "{{\n  \"displayName\": \"{ns}\",\n  \"id\": \"/providers/Microsoft.Authorization/providerOperations/{ns}\",\n  \"name\": \"{ns}\",\n  \"namespace\": \"{ns}\",\n  \"operations\": [],\n  \"resourceTypes\": [\n{}\n  ],\n  \"type\": \"Microsoft.Authorization/providerOperations\"\n}}\n",
            types.join(",\n")
        );
        std::fs::write(dir.join(format!("{ns}.json")), text).unwrap();
    }
}

fn best(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap()
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    v.sort();
    v
}

fn main() {
    let (dir, _keep) = match std::env::var_os("ROLEGEN_BENCH_OPERATIONS") {
        Some(d) => (PathBuf::from(d), None),
        None => {
            let d = std::env::temp_dir().join(format!("rolegen-bench-ops-{}", std::process::id()));
            generate(&d);
            (d.clone(), Some(Cleanup(d)))
        }
    };
    let list = files(&dir);
    let bytes: u64 = list
        .iter()
        .map(|p| std::fs::metadata(p).unwrap().len())
        .sum();
    let mut count = 0;
    let load = best(15, || {
        let ops = rolegen::azure::operations::Operations::load(&dir).unwrap();
        count = ops.len();
    });
    let read = best(15, || {
        for p in &list {
            std::hint::black_box(std::fs::read(p).unwrap());
        }
    });
    println!(
        "operations: {} files, {:.1} MiB, {count} operations",
        list.len(),
        bytes as f64 / (1024.0 * 1024.0)
    );
    println!(
        "in process: load {:.1} ms, read {:.1} ms: {:.1}× the floor",
        load.as_secs_f64() * 1e3,
        read.as_secs_f64() * 1e3,
        load.as_secs_f64() / read.as_secs_f64()
    );
    let exe = env!("CARGO_BIN_EXE_rolegen");
    let d = dir.to_string_lossy().to_string();
    let whole = best(9, || {
        let s = Command::new(exe)
            .args(["explain", "--operations", &d, "Microsoft.Web/sites/read"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(s.code().is_some());
    });
    let cat = best(9, || {
        let s = Command::new("sh")
            .args(["-c", &format!("cat \"{d}\"/*.json > /dev/null")])
            .status()
            .unwrap();
        assert!(s.success());
    });
    println!(
        "process: rolegen explain {:.1} ms, cat {:.1} ms: {:.1}× cat",
        whole.as_secs_f64() * 1e3,
        cat.as_secs_f64() * 1e3,
        whole.as_secs_f64() / cat.as_secs_f64()
    );
}

struct Cleanup(PathBuf);

impl Drop for Cleanup {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
