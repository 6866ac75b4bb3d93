//! Audit: does a role grant what the targets need, and what more does it grant? Pure functions from roles and
//! requirements to results in the stable JSON shape documented in the README.

use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use crate::azure::evaluate::{self, Grant};
use crate::azure::model::{Finding, PermissionBlock, RoleDefinition, Severity};
use crate::azure::pattern::Pattern;
use crate::azure::scope::level_of;
use crate::catalogue::{Plane, ScopeNeed, Target, TargetOptions};
use crate::k8s::api::KubernetesApi;
use crate::k8s::evaluate::{self as k8seval, Reach, ResourceRequest, ScopedRequest};
use crate::k8s::model::Rule;

const ADMIN_CREDENTIAL: &str =
    "Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action";

/// What the Azure targets require.
#[derive(Debug, Clone, Default)]
pub struct AzureRequirements {
    /// (operation, plane, why, target), deduplicated case-insensitively.
    pub items: Vec<(String, Plane, String, String)>,
    pub scopes: Vec<(String, ScopeNeed)>,
}

impl AzureRequirements {
    pub fn from_targets(targets: &[&Target], opts: &TargetOptions) -> AzureRequirements {
        let mut r = AzureRequirements::default();
        for t in targets {
            for p in t.azure_permissions(opts) {
                if !r
                    .items
                    .iter()
                    .any(|i| i.0.eq_ignore_ascii_case(&p.operation))
                {
                    r.items.push((
                        p.operation.clone(),
                        p.plane,
                        p.why.clone(),
                        t.target.clone(),
                    ));
                }
            }
            if let Some(s) = &t.scope {
                r.scopes.push((t.target.clone(), s.clone()));
            }
        }
        r
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// Every finding code audit and the readers report (beside [`crate::lint::RULES`]): id, severity, meaning.
/// The last three are not findings in the JSON shape but SARIF results made from `missing`, `conditional`
/// and `excess`, so code scanning can show them.
pub const CODES: &[(&str, Severity, &str)] = &[
    ("scope-too-narrow", Severity::Error, "the role's widest assignable scope is below the scope the target needs"),
    ("scope-not-checked", Severity::Info, "the assignable scopes are placeholders or expressions; scope reach was not checked"),
    ("actions-grant-no-data-actions", Severity::Info, "wildcard actions, but data actions are missing: control and data planes are disjoint"),
    ("admin-credential-path", Severity::Warning, "the role can fetch AKS cluster-admin credentials (listClusterAdminCredential), bypassing Azure RBAC for Kubernetes while local accounts are enabled"),
    ("json-comments", Severity::Warning, "the JSON file has comments: PowerShell reads it, az and ARM reject it"),
    ("unresolved-expression", Severity::Warning, "an ARM expression rolegen cannot evaluate; kept as text"),
    ("not-a-list", Severity::Warning, "a permission list that is not a list"),
    ("arm-parameter-default", Severity::Info, "an ARM parameter was read from its defaultValue"),
    ("not-a-string", Severity::Error, "a permission entry that is not a string"),
    ("deprecated-api-version", Severity::Warning, "rbac.authorization.k8s.io/v1beta1, removed in Kubernetes 1.22"),
    ("namespace-assumed", Severity::Info, "a Role without metadata.namespace was judged in the namespace given"),
    ("other-namespace", Severity::Warning, "the Role is in another namespace than the one it is judged in"),
    ("bound-elsewhere", Severity::Warning, "the inputs bind the ClusterRole only in other namespaces"),
    ("aggregation-resolved", Severity::Info, "the aggregationRule was resolved against ClusterRoles among the inputs"),
    ("aggregation-unresolved", Severity::Warning, "nothing among the inputs matches the aggregationRule"),
    ("aggregated-rules-replaced", Severity::Info, "listed rules of an aggregated ClusterRole, which the aggregation controller replaces"),
    ("not-judged", Severity::Info, "no target of the role's platform was named, so the role was not judged"),
    ("missing-permission", Severity::Error, "the role does not grant a permission the target needs"),
    ("conditional-permission", Severity::Warning, "the role grants a permission the target needs only under an ABAC condition"),
    ("excess-permission", Severity::Info, "the role grants more than the targets need"),
    ("arm-deployment-scope", Severity::Info, "an assignable scope written as the deployment's scope (`[subscription().id]`, `[resourceGroup().id]`, `[managementGroup().id]`)"),
];

/// A permission in a result (missing, conditional or excess), serialized in the shape the README documents.
/// Typed rather than a JSON value: a role that misses every Kubernetes atom yields dozens of these, and the
/// catalogue's texts are shared, not copied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Item {
    Azure {
        permission: String,
        plane: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        why: Option<Arc<str>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        target: Option<Arc<str>>,
    },
    Resource {
        #[serde(rename = "apiGroup")]
        api_group: Arc<str>,
        resource: Arc<str>,
        verb: Arc<str>,
        #[serde(rename = "resourceName", skip_serializing_if = "Option::is_none")]
        resource_name: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        namespace: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        why: Option<Arc<str>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        target: Option<Arc<str>>,
    },
    Url {
        #[serde(rename = "nonResourceURL")]
        url: String,
        verb: String,
    },
}

impl Item {
    /// The item as a JSON value (for renderers that read fields by name).
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// A Kubernetes atom (`excess`, and the diff's items): the one place its JSON shape is written.
    pub fn from_atom(a: &k8seval::Atom) -> Item {
        match a {
            k8seval::Atom::Resource {
                group,
                resource,
                verb,
                name,
            } => Item::Resource {
                api_group: group.as_str().into(),
                resource: resource.as_str().into(),
                verb: verb.as_str().into(),
                resource_name: name.clone(),
                namespace: None,
                why: None,
                target: None,
            },
            k8seval::Atom::Url { url, verb } => Item::Url {
                url: url.clone(),
                verb: verb.clone(),
            },
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct RoleResult {
    pub file: String,
    pub role: String,
    pub platform: &'static str,
    pub covered: Option<bool>,
    pub missing: Vec<Item>,
    pub conditional: Vec<Item>,
    pub excess: Vec<Item>,
    pub findings: Vec<Finding>,
    /// Where the role starts in its file, when known (SARIF regions; not part of the JSON shape).
    #[serde(skip)]
    pub line: Option<usize>,
}

impl RoleResult {
    /// Records where the role starts in its file.
    pub fn at_line(mut self, line: Option<usize>) -> RoleResult {
        self.line = line;
        self
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct FileError {
    pub file: String,
    pub message: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub roles: usize,
    pub covered: usize,
    pub not_covered: usize,
    pub errors: usize,
    /// Files that hold no role.
    pub skipped: usize,
    /// Documents of other kinds (a Deployment, a ConfigMap) in Kubernetes files that hold RBAC objects.
    pub skipped_documents: usize,
    /// Kubernetes RoleBindings and ClusterRoleBindings read (they decide where roles apply).
    pub bindings: usize,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub results: Vec<RoleResult>,
    pub errors: Vec<FileError>,
    pub summary: Summary,
    /// What the run did not check (printed on stderr; SARIF carries them as configuration notifications).
    #[serde(skip)]
    pub notes: Vec<String>,
}

impl Report {
    pub fn push(&mut self, r: RoleResult) {
        self.count(r.covered);
        self.results.push(r);
    }

    /// Counts a result (by its `covered`) in the summary without keeping it.
    pub fn count(&mut self, covered: Option<bool>) {
        self.summary.roles += 1;
        match covered {
            Some(true) => self.summary.covered += 1,
            Some(false) => self.summary.not_covered += 1,
            None => {}
        }
    }

    pub fn error(&mut self, file: impl Into<String>, message: impl Into<String>) {
        self.summary.errors += 1;
        self.errors.push(FileError {
            file: file.into(),
            message: message.into(),
        });
    }

    /// 2 when an input could not be read (wins), 1 when a role is not covered, else 0.
    pub fn exit_code(&self) -> u8 {
        if !self.errors.is_empty() {
            crate::exit::ERROR
        } else if self.summary.not_covered > 0 {
            crate::exit::FINDINGS
        } else {
            crate::exit::OK
        }
    }
}

fn item(op: &str, plane: Plane) -> Item {
    Item::Azure {
        permission: op.to_string(),
        plane: plane.as_str(),
        why: None,
        target: None,
    }
}

/// An Azure item with why and for which target.
fn needed(op: &str, plane: Plane, why: &str, target: &str) -> Item {
    Item::Azure {
        permission: op.to_string(),
        plane: plane.as_str(),
        why: Some(why.into()),
        target: Some(target.into()),
    }
}

/// Audits one Azure role (or the union of several) against the requirements.
pub fn audit_azure(
    file: &str,
    role: &RoleDefinition,
    req: &AzureRequirements,
    mut findings: Vec<Finding>,
) -> RoleResult {
    let blocks: &[PermissionBlock] = &role.permissions;
    let mut missing = Vec::new();
    let mut conditional = Vec::new();
    let mut missing_data = 0;
    let compiled = evaluate::Compiled::new(blocks);
    for (op, plane, why, target) in &req.items {
        match compiled.grant(&Pattern::new(op), *plane) {
            Grant::Granted => {}
            Grant::Conditional => conditional.push(needed(op, *plane, why, target)),
            Grant::Denied => {
                if *plane == Plane::Data {
                    missing_data += 1;
                }
                missing.push(needed(op, *plane, why, target));
            }
        }
    }
    if missing_data > 0 {
        let has_control_wildcard = blocks
            .iter()
            .any(|b| b.actions.iter().any(|a| a.contains('*')));
        if has_control_wildcard {
            findings.push(Finding::new(
                "actions-grant-no-data-actions",
                Severity::Info,
                format!(
                    "the role's wildcard actions grant no data actions (planes are disjoint), so it misses {missing_data} required dataActions"
                ),
            ));
        }
        if compiled.grant(&Pattern::new(ADMIN_CREDENTIAL), Plane::Control) == Grant::Granted {
            findings.push(Finding::new(
                "admin-credential-path",
                Severity::Warning,
                format!(
                    "the role can call {ADMIN_CREDENTIAL}, which returns cluster-admin credentials while the cluster has local accounts enabled (disableLocalAccounts=false); that is how the documented Owner alternative reaches the cluster, bypassing Azure RBAC for Kubernetes"
                ),
            ));
        }
    }
    // Scope reach: the widest assignable scope must reach the level the targets need.
    let levels: Vec<_> = role.assignable_scopes.iter().map(|s| level_of(s)).collect();
    let widest = levels.iter().flatten().max().copied();
    let mut scope_ok = true;
    for (target, need) in &req.scopes {
        match widest {
            Some(w) if w < need.minimum => {
                scope_ok = false;
                findings.push(Finding::new(
                    "scope-too-narrow",
                    Severity::Error,
                    format!(
                        "{target} needs the role assignable at {} scope or wider ({}), but its widest assignable scope is a {}",
                        need.minimum.as_str(),
                        need.why.trim(),
                        w.as_str()
                    ),
                ));
            }
            None if !role.assignable_scopes.is_empty() => findings.push(Finding::new(
                "scope-not-checked",
                Severity::Info,
                "the assignable scopes are placeholders or expressions rolegen cannot read; scope reach was not checked",
            )),
            _ => {}
        }
    }
    findings.dedup();
    let required: Vec<(String, Plane)> = req.items.iter().map(|i| (i.0.clone(), i.1)).collect();
    let excess = evaluate::excess(blocks, &required)
        .into_iter()
        .map(|(op, plane)| item(op, plane))
        .collect();
    RoleResult {
        file: file.to_string(),
        role: role.name.clone(),
        platform: "azure",
        covered: Some(missing.is_empty() && conditional.is_empty() && scope_ok),
        missing,
        conditional,
        excess,
        findings,
        line: role.line,
    }
}

/// The union of several roles, as if all were assigned to one principal.
pub fn union(roles: &[&RoleDefinition]) -> RoleDefinition {
    RoleDefinition {
        name: format!(
            "together: {}",
            roles
                .iter()
                .map(|r| r.name.as_str())
                .collect::<Vec<_>>()
                .join(" + ")
        ),
        permissions: roles
            .iter()
            .flat_map(|r| r.permissions.iter().cloned())
            .collect(),
        assignable_scopes: roles
            .iter()
            .flat_map(|r| r.assignable_scopes.iter().cloned())
            .collect(),
        shape: "together",
        ..Default::default()
    }
}

/// One required (apiGroup, resource, verb) atom, with why and which target needs it.
#[derive(Debug, Clone)]
pub struct K8sItem {
    pub group: Arc<str>,
    pub resource: Arc<str>,
    pub verb: Arc<str>,
    pub why: Arc<str>,
    pub target: Arc<str>,
    /// Whether (group, resource) is namespaced, looked up once.
    pub namespaced: bool,
}

/// What the Kubernetes targets require: single (apiGroup, resource, verb) atoms with why and target.
#[derive(Debug, Clone, Default)]
pub struct K8sRequirements {
    pub items: Vec<K8sItem>,
    /// The items as one-atom rules (for excess), built once rather than for every role judged.
    rules: Vec<Rule>,
}

impl K8sRequirements {
    pub fn from_targets(
        targets: &[&Target],
        opts: &TargetOptions,
        api: &KubernetesApi,
    ) -> K8sRequirements {
        let mut r = K8sRequirements::default();
        for t in targets {
            for rule in &t.rules {
                for verb in rule.verbs_for(opts) {
                    if !r.items.iter().any(|i| {
                        *i.group == *rule.api_group
                            && *i.resource == *rule.resource
                            && *i.verb == *verb
                    }) {
                        r.items.push(K8sItem {
                            namespaced: k8seval::is_namespaced(
                                api,
                                &rule.api_group,
                                &rule.resource,
                            ),
                            group: rule.api_group.as_str().into(),
                            resource: rule.resource.as_str().into(),
                            verb: verb.as_str().into(),
                            why: rule.why.as_str().into(),
                            target: t.target.as_str().into(),
                        });
                    }
                }
            }
        }
        r.rules = r
            .items
            .iter()
            .map(|i| Rule {
                api_groups: vec![i.group.to_string()],
                resources: vec![i.resource.to_string()],
                verbs: vec![i.verb.to_string()],
                ..Rule::default()
            })
            .collect();
        r
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The requirement as rules (one atom each), for excess.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }
}

/// Verbs that name one object (and so reach the Namespace object N from inside N).
const NAMED_VERBS: &[&str] = &["get", "update", "patch", "delete"];

/// Audits Kubernetes rules (one role, or several together), each applying where its reaches say, against
/// the requirements in namespace `namespace` (`None`: the role's own, unknown).
pub fn audit_k8s(
    file: &str,
    role: &str,
    grants: &[(&[Rule], &[Reach])],
    namespace: Option<&str>,
    req: &K8sRequirements,
    findings: Vec<Finding>,
) -> RoleResult {
    let mut missing = Vec::new();
    for K8sItem {
        group,
        resource,
        verb,
        why,
        target,
        namespaced,
    } in &req.items
    {
        let is_ns_object = group.is_empty() && &**resource == "namespaces";
        let name = if is_ns_object && NAMED_VERBS.contains(&&**verb) {
            namespace
        } else {
            None
        };
        let request = ResourceRequest {
            group,
            resource,
            verb,
            name,
        };
        let scoped = ScopedRequest {
            request,
            namespace: k8seval::request_namespace(*namespaced, group, resource, name, namespace),
        };
        if !k8seval::allowed(grants, &scoped) {
            let shown = namespace
                .filter(|n| !n.starts_with('<') && (*namespaced || name.is_some()))
                .map(str::to_string);
            missing.push(Item::Resource {
                api_group: group.clone(),
                resource: resource.clone(),
                verb: verb.clone(),
                resource_name: None,
                namespace: shown,
                why: Some(why.clone()),
                target: Some(target.clone()),
            });
        }
    }
    let all_rules = grants.iter().flat_map(|(rules, _)| rules.iter());
    let excess = k8seval::excess(all_rules, req.rules())
        .iter()
        .map(Item::from_atom)
        .collect();
    let mut findings = findings;
    findings.dedup();
    RoleResult {
        file: file.to_string(),
        role: role.to_string(),
        platform: "kubernetes",
        covered: Some(missing.is_empty()),
        missing,
        conditional: Vec::new(),
        excess,
        findings,
        line: None,
    }
}
