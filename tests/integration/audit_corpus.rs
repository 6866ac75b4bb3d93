//! The audit's must-hold verdicts on built-in roles and real files, and generated roles auditing as covered.

use super::support::{corpus, root, run};

fn json(args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let out = run(args, &root());
    (
        out.status.code(),
        serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null),
    )
}

#[test]
fn builtin_verdicts_from_the_full_dump() {
    let Some(dir) = corpus("built-in role verdicts") else {
        return;
    };
    let dump = dir.join("azure/builtin-roles.json");
    let dump = dump.to_str().unwrap();
    let verdict = |target: &str, role: &str, extra: &[&str]| {
        let mut args = vec![
            "audit",
            "--format",
            "json",
            "--builtin-roles",
            dump,
            "--target",
            target,
            "--builtin",
            role,
        ];
        args.extend_from_slice(extra);
        json(&args).1["results"][0].clone()
    };
    let acrpull = verdict("acr", "AcrPull", &[]);
    assert_eq!(acrpull["covered"], false);
    assert!(acrpull["missing"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["permission"] == "Microsoft.ContainerRegistry/registries/read"));
    assert_eq!(verdict("acr", "Reader", &[])["covered"], true);
    assert_eq!(verdict("webapp", "Contributor", &[])["covered"], true);
    assert_eq!(
        verdict("webapp", "Website Contributor", &[])["covered"],
        true
    );
    assert_eq!(
        verdict("aks", "Owner", &["--aks-authz", "kubernetes"])["covered"],
        true
    );
    let owner = verdict("aks", "Owner", &[]);
    assert_eq!(owner["covered"], false);
    assert_eq!(owner["missing"].as_array().unwrap().len(), 26);
    let codes: Vec<&str> = owner["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"admin-credential-path")
            && codes.contains(&"actions-grant-no-data-actions")
    );
    // The AKS RBAC Writer covers 25 of the 26 data actions: not nodes/read.
    let writer = verdict("aks", "Azure Kubernetes Service RBAC Writer", &[]);
    let data_missing: Vec<&str> = writer["missing"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["plane"] == "data")
        .map(|m| m["permission"].as_str().unwrap())
        .collect();
    assert_eq!(
        data_missing,
        ["Microsoft.ContainerService/managedClusters/nodes/read"]
    );
}

#[test]
fn every_azure_corpus_file_is_read() {
    let Some(dir) = corpus("reading every Azure corpus file") else {
        return;
    };
    let (code, v) = json(&[
        "audit",
        "--format",
        "json",
        "--target",
        "webapp",
        dir.join("azure").to_str().unwrap(),
    ]);
    assert_eq!(code, Some(1));
    assert_eq!(v["errors"], serde_json::json!([]));
    // 36 custom-role files (one ARM template, one az list of many), 928 + 168 built-ins.
    assert_eq!(v["summary"]["roles"], 1132);
    assert_eq!(v["summary"]["skipped"], 323);
}

#[test]
fn generated_roles_audit_as_covered() {
    let dir = std::env::temp_dir().join(format!("rolegen-roundtrip-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (targets, authz) in [
        ("aks", "azure"),
        ("aks", "kubernetes"),
        ("acr", "azure"),
        ("webapp", "azure"),
        ("vm", "azure"),
        ("aks,acr,webapp,vm", "azure"),
    ] {
        let scope = if targets.contains("vm") || targets.contains("acr") {
            "subscription"
        } else {
            "rg"
        };
        for format in ["portal", "cli", "powershell", "arm"] {
            let file = dir.join(format!(
                "{}-{authz}-{format}.json",
                targets.replace(',', "-")
            ));
            let out = run(
                &[
                    "azure",
                    "--target",
                    targets,
                    "--aks-authz",
                    authz,
                    "--scope",
                    scope,
                    "--format",
                    format,
                    "--output",
                    file.to_str().unwrap(),
                ],
                &root(),
            );
            assert_eq!(out.status.code(), Some(0));
            let (code, v) = json(&[
                "audit",
                "--format",
                "json",
                "--target",
                targets,
                "--aks-authz",
                authz,
                file.to_str().unwrap(),
            ]);
            assert_eq!(code, Some(0), "{targets} {format}: {v}");
            assert_eq!(
                v["results"][0]["excess"],
                serde_json::json!([]),
                "{targets} {format}"
            );
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
