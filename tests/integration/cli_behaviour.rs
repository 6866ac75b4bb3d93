//! CLI behaviour that golden files cannot show: atomic --output, determinism, closed pipes, outputs that
//! parse as what they claim to be.

use std::io::Read;
use std::process::{Command, Stdio};

use super::support::{bin, root, run};

#[test]
fn output_file_matches_stdout_and_is_atomic() {
    let dir = std::env::temp_dir().join(format!("rolegen-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("role.json");
    std::fs::write(&file, "old").unwrap();
    let out = run(
        &[
            "azure",
            "--target",
            "webapp",
            "--output",
            file.to_str().unwrap(),
        ],
        &root(),
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let stdout = run(&["azure", "--target", "webapp"], &root()).stdout;
    assert_eq!(std::fs::read(&file).unwrap(), stdout);
    let leftovers: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
    let bad = run(
        &[
            "k8s",
            "--namespace",
            "x",
            "--output",
            dir.join("missing/x.yaml").to_str().unwrap(),
        ],
        &root(),
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).starts_with("error: "));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn same_input_same_bytes() {
    for args in [
        &["azure", "--target", "aks,acr,webapp,vm", "--format", "arm"][..],
        &[
            "azure",
            "--target",
            "vm,acr",
            "--scope",
            "subscription",
            "--format",
            "terraform",
        ][..],
        &["k8s", "--namespace", "shop", "--namespace-reader"][..],
    ] {
        let a = run(args, &root());
        let b = run(args, &root());
        assert_eq!(a.stdout, b.stdout);
        assert_eq!(a.stderr, b.stderr);
    }
    // Target order on the command line does not change the role.
    let a = run(&["azure", "--target", "aks,acr"], &root());
    let b = run(&["azure", "--target", "acr", "--target", "aks"], &root());
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn closed_pipe_ends_quietly() {
    let mut child = Command::new(bin())
        .args(["completions", "bash"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(status.code(), Some(0));
}

#[test]
fn cli_format_is_the_flat_object_az_reads() {
    let out = run(&["azure", "--target", "aks", "--format", "cli"], &root());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "Name",
            "IsCustom",
            "Description",
            "Actions",
            "NotActions",
            "DataActions",
            "NotDataActions",
            "AssignableScopes"
        ]
    );
    assert_eq!(v["Actions"].as_array().unwrap().len(), 6);
    assert_eq!(v["DataActions"].as_array().unwrap().len(), 26);
}

#[test]
fn portal_format_has_the_seed_shape() {
    let out = run(&["azure", "--target", "webapp"], &root());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["id", "properties"]);
    let p = &v["properties"];
    assert_eq!(p["permissions"][0]["actions"].as_array().unwrap().len(), 21);
    assert_eq!(
        p["permissions"][0]["dataActions"].as_array().unwrap().len(),
        0
    );
}

#[test]
fn kubernetes_yaml_parses_back() {
    #[derive(serde::Deserialize)]
    struct Doc {
        kind: String,
        metadata: serde_json::Value,
    }
    let out = run(
        &[
            "k8s",
            "--namespace",
            "on",
            "--name",
            "1.0",
            "--subject",
            "group:yes",
            "--namespace-reader",
        ],
        &root(),
    );
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let docs: Vec<Doc> = serde_saphyr::from_multiple(&text).unwrap();
    let kinds: Vec<&str> = docs.iter().map(|d| d.kind.as_str()).collect();
    assert_eq!(
        kinds,
        ["Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding"]
    );
    assert_eq!(docs[0].metadata["name"], "1.0");
    assert_eq!(docs[0].metadata["namespace"], "on");
}

#[test]
fn audit_walks_a_tree_with_a_symlink_loop_utf16_and_stdin() {
    let dir = std::env::temp_dir().join(format!("rolegen-walk-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("sub/.git")).unwrap();
    // A loop: sub/back -> the tree's root.
    #[cfg(unix)]
    std::os::unix::fs::symlink(&dir, dir.join("sub/back")).unwrap();
    // PowerShell's Out-File default: UTF-16LE with a byte-order mark.
    let role = std::fs::read_to_string(root().join("tests/cases/roles/web-wide.json")).unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    for u in role.encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    std::fs::write(dir.join("sub/role-utf16.json"), utf16).unwrap();
    std::fs::write(dir.join("sub/.git/ignored.json"), "not json").unwrap();
    std::fs::write(dir.join("workflow.yml"), "on: push\njobs: {}\n").unwrap();
    std::fs::copy(
        root().join("tests/cases/roles/k8s-seed-role.yaml"),
        dir.join("rbac.yaml"),
    )
    .unwrap();
    let out = run(
        &[
            "audit",
            "--target",
            "webapp,k8s",
            "--format",
            "json",
            dir.to_str().unwrap(),
        ],
        &root(),
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["errors"], serde_json::json!([]), "{v}");
    assert_eq!(v["summary"]["roles"], 2, "{v}");
    assert_eq!(
        v["summary"]["skipped"], 1,
        "the workflow file holds no role"
    );
    assert_eq!(v["results"][0]["role"], "Web deployer (wide)");
    assert_eq!(v["results"][0]["covered"], true);
    assert_eq!(v["results"][1]["platform"], "kubernetes");

    // `-` reads Kubernetes YAML from stdin.
    let mut child = Command::new(bin())
        .args(["audit", "--target", "k8s", "--format", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let text = std::fs::read(dir.join("rbac.yaml")).unwrap();
        child.stdin.take().unwrap().write_all(&text).unwrap();
    }
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["results"][0]["file"], "<stdin>");
    assert_eq!(v["results"][0]["role"], "Role default/cdp-qa-deployer-role");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `ROLEGEN_OPERATIONS` does what `--operations` does (the issue names both).
#[test]
fn operations_from_the_environment() {
    let cases = root().join("tests/cases");
    let flag = run(
        &[
            "lint",
            "--operations",
            "operations/",
            "lintops/web-typos.json",
        ],
        &cases,
    );
    let env = Command::new(bin())
        .args(["lint", "lintops/web-typos.json"])
        .current_dir(&cases)
        .env("ROLEGEN_OPERATIONS", "operations/")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(flag.status.code(), Some(1));
    assert_eq!(env.status.code(), Some(1));
    assert_eq!(env.stdout, flag.stdout);
    let text = String::from_utf8(env.stdout).unwrap();
    assert!(
        text.contains("did you mean Microsoft.Web/sites/Read?"),
        "{text}"
    );
    // Without either, existence is not checked and a note says so.
    let none = run(&["lint", "lintops/web-typos.json"], &cases);
    assert!(!String::from_utf8_lossy(&none.stdout).contains("unknown-operation"));
    assert!(String::from_utf8_lossy(&none.stderr).contains("existence was not checked"));
}
