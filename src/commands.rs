//! The commands that read inputs (audit): expand inputs, read each file, run the pure audit, render.

use std::io::{Read, Write};

use crate::audit::{self, AzureRequirements, Report};
use crate::azure::model::Finding;
use crate::azure::read;
use crate::builtin::BuiltinRoles;
use crate::catalogue::{Catalogue, Platform, TargetOptions};
use crate::cli::{AuditArgs, TableOrJson};
use crate::error::{Error, Result};
use crate::inputs::{self, Input};
use crate::output;

pub fn audit(a: AuditArgs, stdout: &mut dyn Write, _stderr: &mut dyn Write) -> Result<u8> {
    if a.targets.is_empty() {
        return Err(Error::usage(
            "audit needs the targets the roles must cover: add --target (aks, acr, webapp, vm); to check roles without a requirement, use `rolegen lint`",
        ));
    }
    if a.inputs.is_empty() && a.builtin.is_empty() {
        return Err(Error::usage(
            "audit needs role files, glob patterns or directories (or `-` for stdin, or --builtin <name>)",
        ));
    }
    let catalogue = Catalogue::embedded()?;
    let targets = catalogue.resolve(&a.targets)?;
    if let Some(k) = targets.iter().find(|t| t.platform == Platform::Kubernetes) {
        return Err(Error::usage(format!(
            "auditing Kubernetes roles against `{}` is not supported yet; audit Azure roles with --target aks, acr, webapp or vm",
            k.target
        )));
    }
    let options = TargetOptions {
        aks_authz: a.aks_authz.into(),
        read_only_quotas: false,
    };
    let req = AzureRequirements::from_targets(&targets, &options);
    let mut report = Report::default();
    // Roles kept only for --together.
    let mut together: Vec<(String, crate::azure::model::RoleDefinition, Vec<Finding>)> = Vec::new();
    let mut audit_one = |report: &mut Report,
                         file: String,
                         role: crate::azure::model::RoleDefinition,
                         findings: Vec<Finding>| {
        if a.together {
            together.push((file, role, findings));
        } else {
            report.push(audit::audit_azure(&file, &role, &req, findings));
        }
    };

    if !a.builtin.is_empty() {
        let builtins = match &a.builtin_roles {
            Some(p) => BuiltinRoles::load(p)?,
            None => BuiltinRoles::embedded()?,
        };
        for b in &a.builtin {
            let role = builtins.find(b)?.clone();
            audit_one(
                &mut report,
                format!("builtin:{}", role.name),
                role,
                Vec::new(),
            );
        }
    }

    let expanded = inputs::expand(&a.inputs);
    for (arg, why) in expanded.errors {
        report.error(arg, why);
    }
    for input in expanded.inputs {
        let name = input.display();
        let bytes = match &input {
            Input::Stdin => {
                let mut b = Vec::new();
                std::io::stdin()
                    .read_to_end(&mut b)
                    .map(|_| b)
                    .map_err(|e| Error::io("<stdin>", e))
            }
            Input::File(p) => std::fs::read(p).map_err(|e| Error::io(p, e)),
        };
        let text = match bytes.and_then(|b| crate::input::decode(&name, &b)) {
            Ok(t) => t,
            Err(e) => {
                report.error(&name, e.to_string());
                continue;
            }
        };
        if !read::looks_like_json(&text) {
            if looks_like_kubernetes_rbac(&text) {
                report.error(&name, "holds Kubernetes RBAC objects; this version of rolegen audits Azure role definitions only".to_string());
            } else {
                report.summary.skipped += 1;
            }
            continue;
        }
        match read::read(&name, &text) {
            Ok(file) if file.roles.is_empty() => {
                if looks_like_kubernetes_rbac(&text) {
                    report.error(&name, "holds Kubernetes RBAC objects; this version of rolegen audits Azure role definitions only".to_string());
                } else {
                    report.summary.skipped += 1;
                }
            }
            Ok(file) => {
                for (i, role) in file.roles.into_iter().enumerate() {
                    let findings: Vec<Finding> = file
                        .findings
                        .iter()
                        .filter(|(r, _)| r.is_none() || *r == Some(i))
                        .map(|(_, f)| f.clone())
                        .collect();
                    audit_one(&mut report, name.clone(), role, findings);
                }
            }
            Err(e) => report.error(&name, e.to_string()),
        }
    }
    if a.together && !together.is_empty() {
        let roles: Vec<&crate::azure::model::RoleDefinition> =
            together.iter().map(|t| &t.1).collect();
        let union = audit::union(&roles);
        let files: Vec<&str> = together.iter().map(|t| t.0.as_str()).collect();
        let findings = together.iter().flat_map(|t| t.2.iter().cloned()).collect();
        report.push(audit::audit_azure(
            &files.join(", "),
            &union,
            &req,
            findings,
        ));
    }
    let text = match a.format {
        TableOrJson::Json => {
            let mut s = serde_json::to_string_pretty(&report).unwrap_or_default();
            s.push('\n');
            s
        }
        TableOrJson::Table => crate::report::audit_table(&report),
    };
    output::write_stdout(stdout, text.as_bytes())?;
    Ok(report.exit_code())
}

const RBAC_KINDS: &[&str] = &["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"];

/// Whether the file holds Kubernetes RBAC objects, decided by structure, not by mentions: a JSON document
/// whose `kind` is an RBAC kind (or a List holding one); a YAML document with an RBAC `apiVersion` line.
fn looks_like_kubernetes_rbac(text: &str) -> bool {
    if read::looks_like_json(text) {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&read::strip_comments(text)) else {
            return false;
        };
        let is_rbac =
            |o: &serde_json::Value| o["kind"].as_str().is_some_and(|k| RBAC_KINDS.contains(&k));
        return is_rbac(&v)
            || v["items"]
                .as_array()
                .is_some_and(|items| items.iter().any(is_rbac));
    }
    text.lines().any(|l| {
        l.trim_start_matches(['-', ' '])
            .strip_prefix("apiVersion:")
            .is_some_and(|v| {
                v.trim()
                    .trim_matches(['"', '\''])
                    .starts_with("rbac.authorization.k8s.io/")
            })
    })
}
