//! Kubernetes RBAC objects as read from files (`rbac.authorization.k8s.io/v1` and `v1beta1`), with the
//! defaults the API server fills in applied
//! (`kubernetes/kubernetes:pkg/apis/rbac/v1/defaults.go`).

use std::collections::BTreeMap;

use super::generate::RBAC_GROUP;

/// A PolicyRule. Empty lists mean "none" (Kubernetes' `resourceNames: []` means every name).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rule {
    pub verbs: Vec<String>,
    pub api_groups: Vec<String>,
    pub resources: Vec<String>,
    pub resource_names: Vec<String>,
    pub non_resource_urls: Vec<String>,
    /// Where the rule starts in its file, when known.
    pub pos: Option<(usize, usize)>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RoleKind {
    #[default]
    Role,
    ClusterRole,
}

impl RoleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RoleKind::Role => "Role",
            RoleKind::ClusterRole => "ClusterRole",
        }
    }
}

/// One requirement of a label selector (`matchExpressions`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    pub key: String,
    /// In, NotIn, Exists, DoesNotExist.
    pub operator: String,
    pub values: Vec<String>,
}

/// A `LabelSelector`: every `matchLabels` pair and every expression must hold. An empty selector matches
/// everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selector {
    pub match_labels: BTreeMap<String, String>,
    pub match_expressions: Vec<Requirement>,
}

impl Selector {
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.match_labels
            .iter()
            .all(|(k, v)| labels.get(k) == Some(v))
            && self.match_expressions.iter().all(|e| {
                let value = labels.get(&e.key);
                match e.operator.as_str() {
                    "In" => value.is_some_and(|v| e.values.contains(v)),
                    "NotIn" => !value.is_some_and(|v| e.values.contains(v)),
                    "Exists" => value.is_some(),
                    "DoesNotExist" => value.is_none(),
                    // The API server rejects other operators; such a selector selects nothing.
                    _ => false,
                }
            })
    }

    pub fn describe(&self) -> String {
        let mut parts: Vec<String> = self
            .match_labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        for e in &self.match_expressions {
            parts.push(format!("{} {} ({})", e.key, e.operator, e.values.join(",")));
        }
        if parts.is_empty() {
            "{} (every ClusterRole)".into()
        } else {
            parts.join(", ")
        }
    }
}

/// A Role or ClusterRole.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct K8sRole {
    pub kind: RoleKind,
    pub name: String,
    pub namespace: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub rules: Vec<Rule>,
    /// `aggregationRule.clusterRoleSelectors` (ClusterRole only).
    pub aggregation: Option<Vec<Selector>>,
    pub api_version: String,
    pub pos: Option<(usize, usize)>,
}

impl K8sRole {
    /// `Role ns/name` or `ClusterRole name`.
    pub fn display(&self) -> String {
        match (&self.kind, &self.namespace) {
            (RoleKind::Role, Some(ns)) => format!("Role {ns}/{}", self.name),
            (k, _) => format!("{} {}", k.as_str(), self.name),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RoleRef {
    pub api_group: String,
    pub kind: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BindingSubject {
    pub kind: String,
    pub name: String,
    pub api_group: String,
    pub namespace: Option<String>,
}

impl BindingSubject {
    /// Applies the API server's defaults: `apiGroup` of User and Group is `rbac.authorization.k8s.io`, of a
    /// ServiceAccount `""`; a ServiceAccount without namespace in a RoleBinding is in the binding's namespace.
    pub fn defaulted(mut self, binding_namespace: Option<&str>) -> BindingSubject {
        if self.api_group.is_empty() && (self.kind == "User" || self.kind == "Group") {
            self.api_group = RBAC_GROUP.into();
        }
        if self.kind == "ServiceAccount" && self.namespace.as_deref().unwrap_or("").is_empty() {
            self.namespace = binding_namespace.map(str::to_string);
        }
        self
    }

    pub fn display(&self) -> String {
        match &self.namespace {
            Some(ns) if self.kind == "ServiceAccount" => {
                format!("ServiceAccount {ns}/{}", self.name)
            }
            _ => format!("{} {}", self.kind, self.name),
        }
    }

    /// What identifies the subject for comparison: [`Self::display`], plus the `apiGroup` when it is not the
    /// default for its kind (the API server rejects such a subject, so it is a real difference).
    pub fn key(&self) -> String {
        let default = if self.kind == "ServiceAccount" {
            ""
        } else {
            RBAC_GROUP
        };
        if self.api_group == default {
            self.display()
        } else {
            format!("{} (apiGroup {:?})", self.display(), self.api_group)
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BindingKind {
    RoleBinding,
    ClusterRoleBinding,
}

impl BindingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BindingKind::RoleBinding => "RoleBinding",
            BindingKind::ClusterRoleBinding => "ClusterRoleBinding",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct K8sBinding {
    pub kind: BindingKind,
    pub name: String,
    pub namespace: Option<String>,
    /// With defaults applied.
    pub role_ref: RoleRef,
    /// With defaults applied.
    pub subjects: Vec<BindingSubject>,
    pub pos: Option<(usize, usize)>,
}

impl K8sBinding {
    /// Where the binding applies: `ClusterRoleBinding` or `RoleBinding in <ns>`.
    pub fn display_scope(&self) -> String {
        match (&self.kind, &self.namespace) {
            (BindingKind::RoleBinding, Some(ns)) => format!("RoleBinding in {ns}"),
            (k, _) => k.as_str().to_string(),
        }
    }

    pub fn display(&self) -> String {
        match (&self.kind, &self.namespace) {
            (BindingKind::RoleBinding, Some(ns)) => format!("RoleBinding {ns}/{}", self.name),
            (k, _) => format!("{} {}", k.as_str(), self.name),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Object {
    Role(K8sRole),
    Binding(K8sBinding),
}
