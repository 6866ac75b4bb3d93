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
            // diff of a generated role against itself, and against its portal rendering, is empty (ARM
            // writes scopes as template expressions, which only compare equal to themselves).
            let portal = dir.join(format!("{}-{authz}-portal.json", targets.replace(',', "-")));
            let others = if format == "arm" {
                vec![&file]
            } else {
                vec![&file, &portal]
            };
            for other in others {
                let (code, d) = json(&[
                    "diff",
                    "--format",
                    "json",
                    file.to_str().unwrap(),
                    other.to_str().unwrap(),
                ]);
                assert_eq!(code, Some(0), "{targets} {format}: {d}");
                assert_eq!(d["equivalent"], true);
                assert_eq!(d["only_in_a"], serde_json::json!([]));
                assert_eq!(d["only_in_b"], serde_json::json!([]));
            }
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn generated_kubernetes_roles_audit_as_covered() {
    let dir = std::env::temp_dir().join(format!("rolegen-k8s-roundtrip-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let variants: [(&str, &[&str]); 5] = [
        ("role", &["--namespace", "shop"]),
        ("cluster", &["--cluster", "--name", "deployer"]),
        ("quotas", &["--namespace", "shop", "--read-only-quotas"]),
        (
            "reader",
            &[
                "--namespace",
                "shop",
                "--namespace-reader",
                "--subject",
                "serviceaccount:ci/deployer",
            ],
        ),
        (
            "users",
            &[
                "--namespace",
                "shop",
                "--subject",
                "user:alice",
                "--subject",
                "group:ops",
            ],
        ),
    ];
    for (name, flags) in variants {
        for format in ["yaml", "json"] {
            let file = dir.join(format!("{name}.{format}"));
            let mut args = vec![
                "k8s",
                "--format",
                format,
                "--output",
                file.to_str().unwrap(),
            ];
            args.extend_from_slice(flags);
            let out = run(&args, &root());
            assert_eq!(out.status.code(), Some(0), "{name} {format}");
            let mut audit = vec!["audit", "--format", "json", "--target", "k8s", "--together"];
            if flags.contains(&"--read-only-quotas") {
                audit.push("--read-only-quotas");
            }
            if flags.contains(&"--namespace") {
                audit.extend_from_slice(&["--namespace", "shop"]);
            }
            audit.push(file.to_str().unwrap());
            let (code, v) = json(&audit);
            assert_eq!(code, Some(0), "{name} {format}: {v}");
            let r = &v["results"][0];
            assert_eq!(r["covered"], true, "{name} {format}");
            if name != "reader" {
                assert_eq!(r["excess"], serde_json::json!([]), "{name} {format}");
            }
            let (code, d) = json(&[
                "diff",
                "--format",
                "json",
                file.to_str().unwrap(),
                file.to_str().unwrap(),
            ]);
            if name == "reader" {
                // Two roles in one file: diff asks which.
                assert_eq!(code, Some(2));
                continue;
            }
            assert_eq!(code, Some(0), "{name} {format}: {d}");
            assert_eq!(d["equivalent"], true);
            // The generator's own --diff against what it wrote.
            let mut again = vec!["k8s", "--diff", file.to_str().unwrap()];
            again.extend_from_slice(flags);
            assert_eq!(
                run(&again, &root()).status.code(),
                Some(0),
                "{name} {format}"
            );
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn every_kubernetes_corpus_file_is_read() {
    let Some(dir) = corpus("reading every Kubernetes corpus file") else {
        return;
    };
    let (code, v) = json(&[
        "audit",
        "--format",
        "json",
        "--target",
        "k8s",
        dir.join("k8s").to_str().unwrap(),
    ]);
    assert_eq!(code, Some(1));
    assert_eq!(v["errors"], serde_json::json!([]));
    assert_eq!(v["summary"]["skipped"], 0);
    // 31 bootstrap ClusterRoles, 7 namespaced bootstrap Roles, 62 from the charts.
    assert_eq!(v["summary"]["roles"], 100);
    assert_eq!(v["summary"]["bindings"], 59);
    let results = v["results"].as_array().unwrap();
    let verdict = |role: &str| {
        results
            .iter()
            .find(|r| {
                r["role"] == role
                    && r["file"]
                        .as_str()
                        .unwrap()
                        .ends_with("bootstrap-cluster-roles.yaml")
            })
            .unwrap_or_else(|| panic!("{role}"))
            .clone()
    };
    assert_eq!(verdict("ClusterRole cluster-admin")["covered"], true);
    // admin and edit lack only quota and limit-range writes (the built-in roles read them only).
    for role in ["ClusterRole admin", "ClusterRole edit"] {
        let missing: Vec<String> = verdict(role)["missing"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["resource"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(missing.len(), 8, "{role}: {missing:?}");
        assert!(missing
            .iter()
            .all(|r| r == "resourcequotas" || r == "limitranges"));
    }
    assert_eq!(verdict("ClusterRole view")["covered"], false);
}

#[test]
fn bootstrap_aggregation_resolves() {
    let Some(dir) = corpus("bootstrap ClusterRole aggregation") else {
        return;
    };
    let text = std::fs::read_to_string(dir.join("k8s/bootstrap-cluster-roles.yaml")).unwrap();
    let file = rolegen::k8s::read::read("bootstrap-cluster-roles.yaml", &text).unwrap();
    let mut roles: Vec<rolegen::k8s::model::K8sRole> = file
        .objects
        .into_iter()
        .filter_map(|o| match o {
            rolegen::k8s::model::Object::Role(r) => Some(r),
            _ => None,
        })
        .collect();
    assert_eq!(roles.len(), 31);
    let before = |roles: &[rolegen::k8s::model::K8sRole], n: &str| {
        roles.iter().find(|r| r.name == n).unwrap().rules.len()
    };
    let listed_admin = before(&roles, "admin");
    let findings = rolegen::k8s::evaluate::resolve_aggregation(&mut roles);
    assert!(findings
        .iter()
        .all(|(_, f)| f.code != "aggregation-unresolved"));
    let get = |n: &str| roles.iter().find(|r| r.name == n).unwrap().rules.clone();
    let (admin, edit, view) = (get("admin"), get("edit"), get("view"));
    use rolegen::k8s::evaluate::uncovered;
    assert!(uncovered(&admin, &edit).is_empty(), "admin includes edit");
    assert!(uncovered(&edit, &view).is_empty(), "edit includes view");
    assert!(
        !uncovered(&edit, &admin).is_empty(),
        "admin has more than edit (roles, rolebindings)"
    );
    assert!(
        !uncovered(&view, &edit).is_empty(),
        "edit has more than view (secrets)"
    );
    let secrets = rolegen::k8s::evaluate::Atom::resource("", "secrets", "get");
    assert!(!view
        .iter()
        .any(|r| rolegen::k8s::evaluate::rule_covers(r, &secrets)));
    assert!(edit
        .iter()
        .any(|r| rolegen::k8s::evaluate::rule_covers(r, &secrets)));
    // The dump stores aggregated roles without rules: the controller fills them in.
    assert_eq!(listed_admin, 0);
}

#[test]
fn lint_must_holds() {
    // The seed's Kubernetes Role: 11 nonexistent (group, resource) pairs and namespaces in a Role.
    let (code, v) = json(&[
        "lint",
        "--format",
        "json",
        "tests/cases/roles/k8s-seed-role.yaml",
    ]);
    assert_eq!(code, Some(1));
    let codes: Vec<String> = v["results"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        codes
            .iter()
            .filter(|c| *c == "nonexistent-resource")
            .count(),
        11
    );
    assert_eq!(
        codes
            .iter()
            .filter(|c| *c == "cluster-scoped-in-role")
            .count(),
        1
    );
    // Everything the generators produce lints without an error (against the real operations catalogue
    // when the corpus is present), and each warning lint reports is one the generator already printed.
    let ops = corpus("checking generated roles against the operations catalogue")
        .map(|c| c.join("azure/provider-operations"));
    let dir = std::env::temp_dir().join(format!("rolegen-lint-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (i, args) in [
        vec![
            "azure",
            "--target",
            "aks,acr,webapp,vm",
            "--scope",
            "subscription",
        ],
        vec!["azure", "--target", "aks", "--aks-authz", "kubernetes"],
        vec!["azure", "--target", "aks", "--format", "arm"],
        vec!["azure", "--target", "webapp", "--format", "powershell"],
        vec!["k8s", "--namespace", "shop", "--namespace-reader"],
        vec!["k8s", "--namespace", "shop", "--read-only-quotas"],
        vec!["k8s", "--cluster", "--format", "json"],
    ]
    .into_iter()
    .enumerate()
    {
        let file = dir.join(format!(
            "g{i}.{}",
            if args[0] == "azure" { "json" } else { "yaml" }
        ));
        let mut a = args.clone();
        a.extend_from_slice(&["--output", file.to_str().unwrap()]);
        let generated = run(&a, &root());
        assert_eq!(generated.status.code(), Some(0));
        let printed = String::from_utf8_lossy(&generated.stderr).to_string();
        let mut lint = vec!["lint", "--format", "json", "--deny", "warning"];
        if let Some(o) = &ops {
            lint.extend_from_slice(&["--operations", o.to_str().unwrap()]);
        }
        lint.push(file.to_str().unwrap());
        let (code, v) = json(&lint);
        assert!(code == Some(0) || code == Some(1), "{args:?}: {v}");
        for r in v["results"].as_array().unwrap() {
            for f in r["findings"].as_array().unwrap() {
                assert_ne!(f["severity"], "error", "{args:?}: {f}");
                if f["severity"] == "warning" {
                    // The only warning generated roles carry: reading Secrets, which the generator warns of.
                    assert_eq!(f["code"], "dangerous-permission", "{args:?}: {f}");
                    let msg = f["message"].as_str().unwrap();
                    assert!(msg.contains("secrets"), "{args:?}: {f}");
                    assert!(
                        printed
                            .lines()
                            .any(|l| l.starts_with("warning:") && l.contains("secrets")),
                        "{args:?}: lint warns {msg:?}, the generator did not: {printed}"
                    );
                }
            }
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
    let Some(corpus) = corpus("lint against the operations catalogue") else {
        return;
    };
    let ops = corpus.join("azure/provider-operations");
    let (code, v) = json(&[
        "lint",
        "--format",
        "json",
        "--operations",
        ops.to_str().unwrap(),
        "tests/cases/roles/seed-aks-permissions.json",
    ]);
    assert_eq!(code, Some(1));
    let findings = v["results"][0]["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2, "{findings:?}");
    assert!(findings.iter().all(|f| f["code"] == "unknown-operation"));
    let text = serde_json::to_string(findings).unwrap();
    assert!(text.contains("did you mean Microsoft.Resources/subscriptions/resourceGroups/read?"));
    assert!(text.contains("Microsoft.ContainerRegistry/registries/builds/read"));
    // Linting every corpus file completes without a crash and reads every file.
    let (code, v) = json(&["lint", "--format", "json", corpus.to_str().unwrap()]);
    assert_eq!(code, Some(1));
    assert_eq!(v["errors"], serde_json::json!([]));
    assert_eq!(v["summary"]["roles"], 1232);
}

#[test]
fn explain_must_holds() {
    let Some(dir) = corpus("explain against the corpus catalogue") else {
        return;
    };
    let ops = dir.join("azure/provider-operations");
    let builtins = dir.join("azure/builtin-roles.json");
    let (o, b) = (ops.to_str().unwrap(), builtins.to_str().unwrap());
    let explain = |extra: &[&str]| {
        let mut args = vec![
            "explain",
            "--format",
            "json",
            "--operations",
            o,
            "--builtin-roles",
            b,
        ];
        args.extend_from_slice(extra);
        json(&args)
    };
    let names = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|r| r["role"].as_str().unwrap().to_string())
            .collect()
    };

    // The figure: the webapp wildcard matches 71 operations of the catalogue.
    let (code, e) = explain(&["Microsoft.Web/sites/slots/*/Read"]);
    assert_eq!(code, Some(0));
    assert_eq!(e["matched"].as_array().unwrap().len(), 71);
    let all = names(&e["roles_all"]);
    for r in ["Reader", "Contributor", "Owner", "Website Contributor"] {
        assert!(
            all.iter().any(|a| a == r),
            "{r} grants every slot read: {all:?}"
        );
    }
    assert!(!all.iter().any(|a| a == "AcrPull"));
    assert!(e["needed_by"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["target"] == "webapp" && n["relation"] == "exact"));

    // Reverse lookup of one operation: role assignment writes are granted by Owner and User Access
    // Administrator, not by Contributor (its NotActions remove Microsoft.Authorization/*/Write).
    let (_, e) = explain(&["Microsoft.Authorization/roleAssignments/write"]);
    let all = names(&e["roles_all"]);
    assert!(all.iter().any(|a| a == "Owner"));
    assert!(all.iter().any(|a| a == "User Access Administrator"));
    assert!(!all.iter().any(|a| a == "Contributor"), "{all:?}");

    // The seed's removed operation does not exist; exit 1 and no role grants it.
    let (code, e) = explain(&["Microsoft.ContainerRegistry/registries/builds/read"]);
    assert_eq!(code, Some(1));
    assert!(e["roles_all"].as_array().unwrap().is_empty());

    // AKS with its data actions: no single built-in role covers it; pairs do, each with an AKS RBAC role.
    let (code, e) = explain(&["--target", "aks"]);
    assert_eq!(code, Some(0));
    assert_eq!(e["single_count"], 0);
    assert!(e["pair_count"].as_u64().unwrap() > 0);
    for p in e["pairs"].as_array().unwrap() {
        let roles: Vec<&str> = p["roles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap())
            .collect();
        assert!(
            roles
                .iter()
                .any(|r| r.starts_with("Azure Kubernetes Service RBAC")),
            "{roles:?}"
        );
        assert!(p["extra_operations"].as_u64().is_some());
    }

    // AKS with Kubernetes RBAC: Contributor covers it alone, but pairs of narrower roles grant less.
    let (_, e) = explain(&["--target", "aks", "--aks-authz", "kubernetes"]);
    assert_eq!(e["single"][0]["roles"][0], "Contributor");
    let best = e["single"][0]["extra_operations"].as_u64().unwrap();
    assert!(e["pair_count"].as_u64().unwrap() > 0);
    for p in e["pairs"].as_array().unwrap() {
        assert!(p["extra_operations"].as_u64().unwrap() < best, "{p}");
    }

    // Web App: Website Contributor is smaller than Contributor, which is smaller than Owner.
    let (_, e) = explain(&["--target", "webapp", "--top", "50"]);
    let order: Vec<String> = e["single"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["roles"][0].as_str().unwrap().to_string())
        .collect();
    let at = |n: &str| {
        order
            .iter()
            .position(|o| o == n)
            .unwrap_or_else(|| panic!("{n} not in {order:?}"))
    };
    assert!(at("Website Contributor") < at("Contributor"));
    assert!(at("Contributor") < at("Owner"));
}

/// Lint points at entries: every recorded position of every Azure corpus role holds that entry's JSON
/// string, and nearly every entry has one.
#[test]
fn azure_entry_positions_point_at_the_entry() {
    use rolegen::azure::model::List;
    let Some(dir) = corpus("Azure entry positions") else {
        return;
    };
    let mut files = Vec::new();
    let mut stack = vec![dir.join("azure")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                if !p.ends_with("provider-operations") {
                    stack.push(p);
                }
            } else if p.extension().is_some_and(|x| x == "json") {
                files.push(p);
            }
        }
    }
    let (mut entries, mut placed) = (0usize, 0usize);
    for f in files {
        let text = rolegen::input::read_text(&f).unwrap();
        let name = f.display().to_string();
        let Ok(file) = rolegen::azure::read::read(&name, &text) else {
            continue;
        };
        let lines: Vec<&str> = text.lines().collect();
        // Roles are laid out one after another: each role's entries come after the previous role's.
        let mut previous_last = 0;
        for role in &file.roles {
            let (mut first, mut last) = (usize::MAX, 0);
            let mut lists: Vec<(usize, List, &Vec<String>)> = Vec::new();
            for (b, block) in role.permissions.iter().enumerate() {
                lists.push((b, List::Actions, &block.actions));
                lists.push((b, List::NotActions, &block.not_actions));
                lists.push((b, List::DataActions, &block.data_actions));
                lists.push((b, List::NotDataActions, &block.not_data_actions));
            }
            lists.push((0, List::AssignableScopes, &role.assignable_scopes));
            for (b, list, items) in lists {
                for (i, entry) in items.iter().enumerate() {
                    entries += 1;
                    let Some((line, col)) = role.spans.get(b, list, i) else {
                        continue;
                    };
                    placed += 1;
                    first = first.min(line);
                    last = last.max(line);
                    let at: String = lines[line - 1].chars().skip(col - 1).collect();
                    let quoted = serde_json::to_string(entry).unwrap();
                    assert!(
                        at.starts_with(&quoted),
                        "{name}:{line}:{col}: expected {quoted}, found {at:?}"
                    );
                }
            }
            if first != usize::MAX {
                assert!(
                    first >= previous_last,
                    "{name}: role {} starts at line {first}, before the previous role ends ({previous_last})",
                    role.name
                );
                previous_last = last;
            }
        }
    }
    assert!(entries > 10_000, "{entries}");
    assert!(placed * 100 >= entries * 99, "{placed} of {entries} placed");
    eprintln!("azure entry positions: {placed} of {entries} entries placed");
}
