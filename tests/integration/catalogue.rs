//! The embedded catalogue: every file parses and is registered, no permission appears twice, every entry
//! has a why and a provenance, every operation is syntactically valid, and the counts the seed implies hold.

use std::collections::HashSet;

use rolegen::azure::pattern::{fold, syntax_problems};
use rolegen::catalogue::{Catalogue, Plane, Platform, TargetOptions, EMBEDDED_TARGETS};
use rolegen::k8s::api::{KubernetesApi, Lookup, EMBEDDED_API};

use super::support::root;

#[test]
fn every_data_file_is_registered_and_parses() {
    let mut on_disk: Vec<String> = std::fs::read_dir(root().join("data"))
        .unwrap()
        .map(|e| format!("data/{}", e.unwrap().file_name().to_string_lossy()))
        .collect();
    on_disk.sort();
    let mut registered: Vec<String> = EMBEDDED_TARGETS
        .iter()
        .map(|(p, _)| p.to_string())
        .collect();
    registered.push(EMBEDDED_API.0.to_string());
    registered.push(rolegen::builtin::EMBEDDED_BUILTINS.0.to_string());
    registered.sort();
    assert_eq!(on_disk, registered, "every file in data/ must be embedded");
    for (path, text) in EMBEDDED_TARGETS {
        assert_eq!(&std::fs::read_to_string(root().join(path)).unwrap(), text);
    }
    let cat = Catalogue::embedded().unwrap();
    assert_eq!(cat.names(), ["aks", "acr", "webapp", "vm", "k8s"]);
    KubernetesApi::embedded().unwrap();
    let builtins = rolegen::builtin::BuiltinRoles::embedded().unwrap();
    assert_eq!(builtins.roles.len(), 6);
    assert_eq!(
        builtins
            .find("8e3af657-a8ff-443c-a75c-2fe8c4bcb635")
            .unwrap()
            .name,
        "Owner"
    );
    assert_eq!(
        builtins.find("acrpull").unwrap().permissions[0].actions,
        ["Microsoft.ContainerRegistry/registries/pull/read"]
    );
}

#[test]
fn a_malformed_catalogue_file_is_an_error_with_a_location() {
    let err = Catalogue::parse(&[("data/bad.yaml", "target: x\nplatform: mars\ntitle: t\n")])
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("data/bad.yaml:2:"), "{err}");
}

#[test]
fn no_duplicates_and_every_entry_explained() {
    let cat = Catalogue::embedded().unwrap();
    for t in &cat.targets {
        let mut seen = HashSet::new();
        for p in &t.permissions {
            assert!(
                seen.insert(fold(&p.operation)),
                "{}: duplicate {}",
                t.target,
                p.operation
            );
            assert!(
                !p.why.trim().is_empty(),
                "{}: {} has no why",
                t.target,
                p.operation
            );
            assert!(
                !p.provenance.trim().is_empty(),
                "{}: {} has no provenance",
                t.target,
                p.operation
            );
            assert_eq!(
                syntax_problems(&p.operation),
                vec![],
                "{}: {}",
                t.target,
                p.operation
            );
            assert!(p.operation.matches('*').count() <= 1);
        }
        for r in &t.rules {
            assert!(
                seen.insert(format!("{}/{}", r.api_group, r.resource)),
                "{}: duplicate rule {}",
                t.target,
                r.resource
            );
            assert!(!r.why.trim().is_empty() && !r.provenance.trim().is_empty());
            assert!(!r.verbs.is_empty());
        }
        for c in t.permissions.iter().filter_map(|p| p.correction.as_ref()) {
            assert!(!c.source.is_empty() && !c.reason.is_empty());
        }
        match t.platform {
            Platform::Azure => {
                assert!(t.rules.is_empty() && !t.permissions.is_empty() && t.scope.is_some())
            }
            Platform::Kubernetes => assert!(t.permissions.is_empty() && !t.rules.is_empty()),
        }
    }
}

#[test]
fn counts_the_seed_implies() {
    let cat = Catalogue::embedded().unwrap();
    let opts = TargetOptions::default();
    let aks = cat.get("aks").unwrap();
    let control = aks
        .azure_permissions(&opts)
        .filter(|p| p.plane == Plane::Control)
        .count();
    let data = aks
        .azure_permissions(&opts)
        .filter(|p| p.plane == Plane::Data)
        .count();
    assert_eq!((control, data), (6, 26));
    let k8s_authz = TargetOptions {
        aks_authz: rolegen::catalogue::AksAuthz::Kubernetes,
        ..opts
    };
    assert_eq!(aks.azure_permissions(&k8s_authz).count(), 6);
    assert_eq!(cat.get("webapp").unwrap().permissions.len(), 21);
    assert_eq!(cat.get("acr").unwrap().permissions.len(), 4);
    // Neither seed error may be emitted.
    for t in &cat.targets {
        for p in &t.permissions {
            assert_ne!(
                fold(&p.operation),
                "microsoft.resource/subscriptions/resourcegroup/read"
            );
            assert_ne!(
                fold(&p.operation),
                "microsoft.containerregistry/registries/builds/read"
            );
        }
    }
}

#[test]
fn every_generated_kubernetes_atom_exists() {
    let cat = Catalogue::embedded().unwrap();
    let api = KubernetesApi::embedded().unwrap();
    let k8s = cat.get("k8s").unwrap();
    for read_only_quotas in [false, true] {
        let opts = TargetOptions {
            read_only_quotas,
            ..TargetOptions::default()
        };
        for rule in rolegen::k8s::generate::rules_for(k8s, &opts) {
            for resource in &rule.resources {
                match api.lookup(&rule.api_group, resource) {
                    Lookup::Found {
                        namespaced,
                        verbs,
                        legacy,
                    } => {
                        assert!(!legacy, "{resource} is legacy");
                        for v in &rule.verbs {
                            assert!(
                                verbs.contains(v),
                                "{}/{resource} does not serve {v}",
                                rule.api_group
                            );
                        }
                        // In a Role only namespaced resources mean anything, except get on the Role's own
                        // Namespace object.
                        if !namespaced {
                            assert_eq!(
                                (resource.as_str(), rule.verbs.as_slice()),
                                ("namespaces", &["get".to_string()][..])
                            );
                        }
                    }
                    other => panic!("{:?}/{resource}: {other:?}", rule.api_group),
                }
            }
        }
    }
}
