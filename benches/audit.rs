//! Audit throughput against a floor: generates 10,000 role files (half Azure JSON in three shapes, half
//! Kubernetes YAML with Roles, ClusterRoles, bindings and other kinds), then times
//! `rolegen audit --target webapp,k8s --format json DIR` against `cat` of the same files, best of 5 runs each,
//! and reports the ratio and rolegen's peak memory. Not part of `cargo test`; run with `cargo bench`.
//!
//! ROLEGEN_BENCH_FILES overrides the number of files; ROLEGEN_BENCH_DIR keeps them in that directory.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn azure_file(i: usize) -> String {
    let actions = format!(
        r#"["Microsoft.Web/sites/Read", "Microsoft.Web/sites/config/Read", "Microsoft.Web/sites/slots/*/Read", "Microsoft.Web/sites/Write", "Microsoft.Web/sites/publish/Action", "Microsoft.Resources/subscriptions/resourceGroups/read", "Microsoft.Storage/storageAccounts/{i}/read"]"#
    );
    match i % 3 {
        0 => format!(
            r#"{{
  "properties": {{
    "roleName": "Bench role {i}",
    "description": "generated for the benchmark",
    "assignableScopes": ["/subscriptions/00000000-0000-0000-0000-{i:012}"],
    "permissions": [{{"actions": {actions}, "notActions": ["Microsoft.Web/sites/slots/slotsswap/Action"], "dataActions": [], "notDataActions": []}}]
  }}
}}
"#
        ),
        1 => format!(
            r#"{{
  "Name": "Bench role {i}",
  "IsCustom": true,
  "Description": "generated for the benchmark",
  "Actions": {actions},
  "NotActions": [],
  "DataActions": [],
  "NotDataActions": [],
  "AssignableScopes": ["/subscriptions/00000000-0000-0000-0000-{i:012}/resourceGroups/rg{i}"]
}}
"#
        ),
        _ => format!(
            r#"{{
  "Name": "Bench role {i}",
  "Description": "generated for the benchmark",
  "Actions": {actions},
  "AssignableScopes": ["/subscriptions/00000000-0000-0000-0000-{i:012}"]
}}
"#
        ),
    }
}

fn k8s_file(i: usize) -> String {
    format!(
        r#"# generated for the benchmark
apiVersion: v1
kind: ServiceAccount
metadata:
  name: deployer-{i}
  namespace: ns-{i}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: deployer-{i}
  namespace: ns-{i}
  labels:
    app.kubernetes.io/managed-by: bench
rules:
  - apiGroups: [""]
    resources: ["pods", "configmaps", "secrets", "events", "services", "resourcequotas", "limitranges"]
    verbs: ["get", "watch", "list", "create", "update", "patch", "delete"]
  - apiGroups: [""]
    resources: ["namespaces"]
    verbs: ["get"]
  - apiGroups: ["apps"]
    resources: ["deployments", "replicasets", "statefulsets"]
    verbs: ["get", "watch", "list", "create", "update", "patch", "delete"]
  - apiGroups: ["apps"]
    resources: ["deployments/scale"]
    verbs: ["get", "patch", "update"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: deployer-{i}
  namespace: ns-{i}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: deployer-{i}
subjects:
  - kind: ServiceAccount
    name: deployer-{i}
    namespace: ns-{i}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: bench-view-{i}
  labels:
    rbac.example.com/aggregate-to-bench: "true"
rules:
  - apiGroups: ["batch"]
    resources: ["jobs", "cronjobs"]
    verbs: ["get", "list", "watch"]
"#
    )
}

fn best_of(runs: usize, mut f: impl FnMut() -> Duration) -> Duration {
    (0..runs).map(|_| f()).min().unwrap_or_default()
}

fn time(cmd: &mut Command) -> Duration {
    let start = Instant::now();
    let status = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("the command runs");
    let took = start.elapsed();
    assert!(status.code().is_some(), "{cmd:?} was killed");
    took
}

fn generate(dir: &Path, n: usize) -> u64 {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    let mut bytes = 0;
    for i in 0..n {
        let (name, text) = if i % 2 == 0 {
            (format!("role-{i:05}.json"), azure_file(i))
        } else {
            (format!("rbac-{i:05}.yaml"), k8s_file(i))
        };
        bytes += text.len() as u64;
        std::fs::write(dir.join(name), text).unwrap();
    }
    bytes
}

fn main() {
    let n: usize = std::env::var("ROLEGEN_BENCH_FILES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let keep = std::env::var_os("ROLEGEN_BENCH_DIR");
    let dir: PathBuf = match &keep {
        Some(d) => PathBuf::from(d),
        None => std::env::temp_dir().join(format!("rolegen-bench-{}", std::process::id())),
    };
    let bytes = generate(&dir, n);
    let bin = env!("CARGO_BIN_EXE_rolegen");
    let files: Vec<PathBuf> = {
        let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        v.sort();
        v
    };
    // Warm the page cache for both.
    let _ = time(Command::new("cat").args(&files));
    let cat = best_of(5, || time(Command::new("cat").args(&files)));
    let audit = best_of(5, || {
        time(
            Command::new(bin)
                .args(["audit", "--target", "webapp,k8s", "--format", "json"])
                .arg(&dir),
        )
    });
    let out = Command::new(bin)
        .args(["audit", "--target", "webapp,k8s", "--format", "json"])
        .arg(&dir)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["summary"]["errors"], 0);
    let rss = Command::new("/usr/bin/time")
        .args(["-f", "%M"])
        .arg(bin)
        .args(["audit", "--target", "webapp,k8s", "--format", "json"])
        .arg(&dir)
        .stdout(Stdio::null())
        .output()
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stderr)
                .lines()
                .last()
                .and_then(|l| l.trim().parse::<u64>().ok())
        });
    println!(
        "files: {n} ({:.1} MiB); roles audited: {}; output {:.1} MiB",
        bytes as f64 / 1048576.0,
        report["summary"]["roles"],
        out.stdout.len() as f64 / 1048576.0
    );
    println!("cat:   {:>8.1} ms", cat.as_secs_f64() * 1000.0);
    println!("audit: {:>8.1} ms", audit.as_secs_f64() * 1000.0);
    println!("ratio: {:.2}x cat", audit.as_secs_f64() / cat.as_secs_f64());
    if let Some(kb) = rss {
        println!("peak RSS of audit: {:.1} MiB", kb as f64 / 1024.0);
    }
    if keep.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
}
