//! Builds the Kubernetes deployer Role and RoleBinding (or ClusterRole and ClusterRoleBinding) from the
//! catalogue: one rule per (API group, verb set), in catalogue order, as `kubectl create role` emits one rule
//! per group. Pure: no I/O.

use serde_json::{json, Value};

use super::names;
use crate::catalogue::{Target, TargetOptions};
use crate::error::{Error, Result};
use crate::notes::Note;

pub const RBAC_GROUP: &str = "rbac.authorization.k8s.io";
pub const RBAC_V1: &str = "rbac.authorization.k8s.io/v1";
pub const PLACEHOLDER_GROUP: &str = "<entra-group-object-id>";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SubjectKind {
    User,
    Group,
    ServiceAccount,
}

impl SubjectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SubjectKind::User => "User",
            SubjectKind::Group => "Group",
            SubjectKind::ServiceAccount => "ServiceAccount",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    pub kind: SubjectKind,
    pub name: String,
    /// ServiceAccounts only.
    pub namespace: Option<String>,
}

impl Subject {
    /// Parses `group:<id>`, `user:<name>`, `serviceaccount:<ns>/<name>` (or `serviceaccount:<name>`, in
    /// `default_ns`).
    pub fn parse(spec: &str, default_ns: Option<&str>) -> Result<Subject> {
        let bad = |why: &str| {
            Error::usage(format!(
                "--subject {spec:?} {why}; use group:<id>, user:<name> or serviceaccount:<namespace>/<name>"
            ))
        };
        let (kind, rest) = spec.split_once(':').ok_or_else(|| bad("has no kind"))?;
        let kind = match kind.to_ascii_lowercase().as_str() {
            "group" => SubjectKind::Group,
            "user" => SubjectKind::User,
            "serviceaccount" | "sa" => SubjectKind::ServiceAccount,
            _ => return Err(bad(&format!("has an unknown kind `{kind}`"))),
        };
        if rest.is_empty() {
            return Err(bad("has an empty name"));
        }
        match kind {
            SubjectKind::ServiceAccount => {
                let (ns, name) = match rest.split_once('/') {
                    Some((ns, name)) => (ns.to_string(), name.to_string()),
                    None => match default_ns {
                        Some(ns) => (ns.to_string(), rest.to_string()),
                        None => return Err(bad("needs a namespace with --cluster")),
                    },
                };
                names::dns1123_label(&ns)
                    .map_err(|e| bad(&format!("has namespace {ns:?}, which {e}")))?;
                names::dns1123_subdomain(&name)
                    .map_err(|e| bad(&format!("has service account name {name:?}, which {e}")))?;
                Ok(Subject {
                    kind,
                    name,
                    namespace: Some(ns),
                })
            }
            _ => {
                if rest.trim() != rest || rest.chars().any(char::is_control) {
                    return Err(bad(
                        "has leading or trailing white space or control characters",
                    ));
                }
                Ok(Subject {
                    kind,
                    name: rest.to_string(),
                    namespace: None,
                })
            }
        }
    }

    pub fn to_json(&self) -> Value {
        match self.kind {
            SubjectKind::ServiceAccount => json!({
                "kind": "ServiceAccount",
                "name": self.name,
                "namespace": self.namespace,
            }),
            k => json!({"kind": k.as_str(), "apiGroup": RBAC_GROUP, "name": self.name}),
        }
    }
}

/// A PolicyRule as rolegen emits it (no resourceNames, no nonResourceURLs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedRule {
    pub api_group: String,
    pub resources: Vec<String>,
    pub verbs: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct K8sRequest<'c> {
    pub target: &'c Target,
    pub options: TargetOptions,
    /// Required for a Role; optional with `cluster`.
    pub namespace: Option<String>,
    pub name: String,
    pub cluster: bool,
    pub subjects: Vec<Subject>,
    pub namespace_reader: bool,
}

#[derive(Debug, Clone)]
pub struct K8sGenerated {
    pub documents: Vec<Value>,
    pub rules: Vec<GeneratedRule>,
    pub notes: Vec<Note>,
}

pub const DEFAULT_NAME: &str = "rolegen-deployer";

pub fn rules_for(target: &Target, opts: &TargetOptions) -> Vec<GeneratedRule> {
    let mut rules: Vec<GeneratedRule> = Vec::new();
    for r in &target.rules {
        let verbs = r.verbs_for(opts);
        if verbs.is_empty() {
            continue;
        }
        match rules
            .iter_mut()
            .find(|g| g.api_group == r.api_group && g.verbs == verbs)
        {
            Some(g) => g.resources.push(r.resource.clone()),
            None => rules.push(GeneratedRule {
                api_group: r.api_group.clone(),
                resources: vec![r.resource.clone()],
                verbs,
            }),
        }
    }
    rules
}

fn rule_json(r: &GeneratedRule) -> Value {
    json!({"apiGroups": [r.api_group], "resources": r.resources, "verbs": r.verbs})
}

fn labels() -> Value {
    json!({"app.kubernetes.io/managed-by": "rolegen"})
}

pub fn generate(req: &K8sRequest) -> Result<K8sGenerated> {
    let mut notes = Vec::new();
    let namespace =
        match (&req.namespace, req.cluster) {
            (Some(ns), _) => {
                names::dns1123_label(ns).map_err(|e| {
                    Error::usage(format!(
                        "--namespace {ns:?} is not a valid namespace: it {e} (a DNS-1123 label)"
                    ))
                })?;
                Some(ns.clone())
            }
            (None, true) => None,
            (None, false) => return Err(Error::usage(
                "a Role needs a namespace: add --namespace <ns> (or --cluster for a ClusterRole)",
            )),
        };
    let binding_name = format!("{}-binding", req.name);
    for (flag, n) in [("--name", &req.name), ("--name", &binding_name)] {
        names::path_segment(n).map_err(|e| {
            Error::usage(format!("{flag} {n:?} is not a valid object name: it {e}"))
        })?;
    }

    let mut subjects = req.subjects.clone();
    if subjects.is_empty() {
        subjects.push(Subject {
            kind: SubjectKind::Group,
            name: PLACEHOLDER_GROUP.into(),
            namespace: None,
        });
        notes.push(Note::warning(format!(
            "no --subject given: the binding names the placeholder group `{PLACEHOLDER_GROUP}`; replace it with the Entra group object id that holds the pipeline's identity"
        )));
    }
    // kubectl's order: Users, Groups, ServiceAccounts; the user's order within a kind.
    subjects.sort_by_key(|s| s.kind);
    subjects.dedup();
    let subjects_json: Vec<Value> = subjects.iter().map(Subject::to_json).collect();

    let rules = rules_for(req.target, &req.options);
    for r in &req.target.rules {
        if let Some(c) = &r.correction {
            let group = if r.api_group.is_empty() {
                "\"\""
            } else {
                &r.api_group
            };
            notes.push(
                Note::info(format!(
                    "{}: {group} {} grants {} (corrected; the seed had {})",
                    req.target.target,
                    r.resource,
                    r.verbs_for(&req.options).join(", "),
                    c.source
                ))
                .with_detail(c.reason.trim().to_string()),
            );
        }
        if let Some(risk) = r.risk_for(&req.options) {
            notes.push(Note::warning(format!("{}: {risk}", req.target.target)));
        }
    }
    for g in req.target.guidance_for(&req.options) {
        if req.namespace_reader && g.summary.starts_with("listing namespaces") {
            continue;
        }
        notes.push(
            Note::info(format!("{}: {}", req.target.target, g.summary))
                .with_detail(format!("Source: {}", g.provenance)),
        );
    }

    let (role_kind, binding_kind) = if req.cluster {
        ("ClusterRole", "ClusterRoleBinding")
    } else {
        ("Role", "RoleBinding")
    };
    let mut meta = json!({"name": req.name});
    let mut binding_meta = json!({"name": binding_name});
    if let (Some(ns), false) = (&namespace, req.cluster) {
        meta["namespace"] = json!(ns);
        binding_meta["namespace"] = json!(ns);
    }
    meta["labels"] = labels();
    binding_meta["labels"] = labels();
    let mut documents = vec![
        json!({
            "apiVersion": RBAC_V1,
            "kind": role_kind,
            "metadata": meta,
            "rules": rules.iter().map(rule_json).collect::<Vec<_>>(),
        }),
        json!({
            "apiVersion": RBAC_V1,
            "kind": binding_kind,
            "metadata": binding_meta,
            "roleRef": {"apiGroup": RBAC_GROUP, "kind": role_kind, "name": req.name},
            "subjects": subjects_json,
        }),
    ];
    if req.namespace_reader {
        let reader = match &namespace {
            Some(ns) => format!("{}-{ns}-namespace-reader", req.name),
            None => format!("{}-namespace-reader", req.name),
        };
        let reader_binding = format!("{reader}-binding");
        names::path_segment(&reader_binding).map_err(|e| {
            Error::usage(format!(
                "--name {:?} makes the name {reader_binding:?}, which {e}",
                req.name
            ))
        })?;
        documents.push(json!({
            "apiVersion": RBAC_V1,
            "kind": "ClusterRole",
            "metadata": {"name": reader, "labels": labels()},
            "rules": [{"apiGroups": [""], "resources": ["namespaces"], "verbs": ["get", "list", "watch"]}],
        }));
        documents.push(json!({
            "apiVersion": RBAC_V1,
            "kind": "ClusterRoleBinding",
            "metadata": {"name": reader_binding, "labels": labels()},
            "roleRef": {"apiGroup": RBAC_GROUP, "kind": "ClusterRole", "name": reader},
            "subjects": subjects_json,
        }));
        notes.push(Note::info(
            "--namespace-reader: the ClusterRoleBinding lets the subjects get, list and watch every namespace in the cluster (names and labels, nothing inside them)",
        ));
    }
    Ok(K8sGenerated {
        documents,
        rules,
        notes,
    })
}
