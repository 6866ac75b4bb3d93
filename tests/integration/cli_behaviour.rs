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
