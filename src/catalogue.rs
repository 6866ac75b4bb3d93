//! The embedded, reviewed permission catalogue (`data/*.yaml`).
//!
//! Each deployment target has one file. Every Azure permission carries its plane, why it is needed and where
//! that is documented; every Kubernetes rule the same. Corrections of the seed document are recorded next to
//! the permission they correct, so the CLI can say what it changed and why.

use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

use crate::error::{Error, Result};

/// The catalogue files compiled into the binary: (path, contents).
pub const EMBEDDED_TARGETS: &[(&str, &str)] = &[
    ("data/aks.yaml", include_str!("../data/aks.yaml")),
    ("data/acr.yaml", include_str!("../data/acr.yaml")),
    ("data/webapp.yaml", include_str!("../data/webapp.yaml")),
    ("data/vm.yaml", include_str!("../data/vm.yaml")),
    ("data/k8s.yaml", include_str!("../data/k8s.yaml")),
];

/// The date and cloud the embedded Azure operations were checked against.
pub const CHECKED_AGAINST: &str = "AzureCloud operations catalogue of 2026-08-22";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    Azure,
    Kubernetes,
}

impl Platform {
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Azure => "azure",
            Platform::Kubernetes => "kubernetes",
        }
    }
}

/// Azure's two permission planes: `actions` (control, Resource Manager) and `dataActions` (data).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Plane {
    Control,
    Data,
}

impl Plane {
    pub fn as_str(self) -> &'static str {
        match self {
            Plane::Control => "control",
            Plane::Data => "data",
        }
    }
}

/// Levels of the Azure scope hierarchy, narrowest first, so that `a < b` means "a is narrower than b".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ScopeLevel {
    Resource,
    ResourceGroup,
    Subscription,
    ManagementGroup,
}

impl ScopeLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            ScopeLevel::Resource => "resource",
            ScopeLevel::ResourceGroup => "resource group",
            ScopeLevel::Subscription => "subscription",
            ScopeLevel::ManagementGroup => "management group",
        }
    }
}

/// When a catalogue entry applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Condition {
    /// The AKS cluster uses Azure RBAC for Kubernetes authorization (the default).
    AzureRbac,
    /// The AKS cluster uses Kubernetes RBAC; in-cluster rights come from a Role.
    KubernetesRbac,
}

/// How the AKS cluster authorizes Kubernetes API requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AksAuthz {
    #[default]
    Azure,
    Kubernetes,
}

/// Options that change what a target requires.
#[derive(Debug, Clone, Copy, Default)]
pub struct TargetOptions {
    pub aks_authz: AksAuthz,
    /// Kubernetes deployer: read-only resourcequotas and limitranges.
    pub read_only_quotas: bool,
}

impl TargetOptions {
    pub fn applies(&self, condition: Option<Condition>) -> bool {
        match condition {
            None => true,
            Some(Condition::AzureRbac) => self.aks_authz == AksAuthz::Azure,
            Some(Condition::KubernetesRbac) => self.aks_authz == AksAuthz::Kubernetes,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Correction {
    /// What the source document said.
    pub source: String,
    /// Why that is wrong; the entry itself holds what is right.
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AzurePermission {
    pub operation: String,
    pub plane: Plane,
    pub why: String,
    pub provenance: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Condition>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correction: Option<Correction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct KubernetesRule {
    #[serde(rename = "apiGroup")]
    pub api_group: String,
    pub resource: String,
    pub verbs: Vec<String>,
    pub why: String,
    pub provenance: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correction: Option<Correction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk: Option<String>,
    /// `--read-only-quotas` reduces this rule's verbs to get, list and watch.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub read_only_option: bool,
}

impl KubernetesRule {
    /// The verbs this rule grants under `opts`.
    pub fn verbs_for(&self, opts: &TargetOptions) -> Vec<String> {
        if opts.read_only_quotas && self.read_only_option {
            self.verbs
                .iter()
                .filter(|v| matches!(v.as_str(), "get" | "list" | "watch"))
                .cloned()
                .collect()
        } else {
            self.verbs.clone()
        }
    }

    /// Whether the risk note applies under `opts` (read-only quotas remove the write risk).
    pub fn risk_for(&self, opts: &TargetOptions) -> Option<&str> {
        if opts.read_only_quotas && self.read_only_option {
            None
        } else {
            self.risk.as_deref()
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Guidance {
    pub summary: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    pub provenance: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Condition>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BuiltinAlternative {
    pub role: String,
    /// One line shown with every generation.
    pub summary: String,
    pub id: String,
    /// The full explanation, shown with `--explain`.
    pub note: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Dropped {
    pub source: String,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instead: Option<String>,
    pub provenance: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ScopeNeed {
    /// Below this level the role cannot do the job (a finding in audit).
    pub minimum: ScopeLevel,
    /// Below this level the job is only partly done (a warning when generating).
    pub recommended: ScopeLevel,
    pub why: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub target: String,
    pub platform: Platform,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<ScopeNeed>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub builtin: Vec<BuiltinAlternative>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub guidance: Vec<Guidance>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dropped: Vec<Dropped>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub permissions: Vec<AzurePermission>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<KubernetesRule>,
}

impl Target {
    /// The Azure permissions that apply under `opts`, in catalogue order.
    pub fn azure_permissions<'a>(
        &'a self,
        opts: &'a TargetOptions,
    ) -> impl Iterator<Item = &'a AzurePermission> + 'a {
        self.permissions
            .iter()
            .filter(move |p| opts.applies(p.condition))
    }

    pub fn guidance_for<'a>(
        &'a self,
        opts: &'a TargetOptions,
    ) -> impl Iterator<Item = &'a Guidance> {
        self.guidance
            .iter()
            .filter(move |g| opts.applies(g.condition))
    }
}

#[derive(Debug, Clone)]
pub struct Catalogue {
    pub targets: Vec<Target>,
}

impl Catalogue {
    /// Parses catalogue files; `files` are (path, contents) pairs.
    pub fn parse(files: &[(&str, &str)]) -> Result<Catalogue> {
        let mut targets = Vec::with_capacity(files.len());
        for (path, text) in files {
            let target: Target = serde_saphyr::from_str(text).map_err(|e| {
                let at = e
                    .location()
                    .map(|l| format!(":{}:{}", l.line(), l.column()))
                    .unwrap_or_default();
                Error::input(format!(
                    "{path}{at}: the catalogue file does not parse: {e}"
                ))
            })?;
            targets.push(target);
        }
        Ok(Catalogue { targets })
    }

    /// The catalogue compiled into the binary, parsed once.
    pub fn embedded() -> Result<&'static Catalogue> {
        static CATALOGUE: OnceLock<std::result::Result<Catalogue, String>> = OnceLock::new();
        CATALOGUE
            .get_or_init(|| Catalogue::parse(EMBEDDED_TARGETS).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| Error::input(e.clone()))
    }

    pub fn get(&self, name: &str) -> Option<&Target> {
        self.targets
            .iter()
            .find(|t| t.target.eq_ignore_ascii_case(name))
    }

    pub fn names(&self) -> Vec<&str> {
        self.targets.iter().map(|t| t.target.as_str()).collect()
    }

    /// Resolves target names (each may be a comma-separated list) to catalogue targets, in catalogue order,
    /// without duplicates. An unknown name is a usage error naming the valid ones and the closest.
    pub fn resolve(&self, names: &[String]) -> Result<Vec<&Target>> {
        let mut wanted = Vec::new();
        for raw in names {
            for name in raw.split(',').map(str::trim) {
                if name.is_empty() {
                    return Err(Error::usage(format!(
                        "--target {raw:?} has an empty entry; valid targets: {}",
                        self.names().join(", ")
                    )));
                }
                match self.get(name) {
                    Some(t) => wanted.push(t.target.as_str()),
                    None => {
                        let names = self.names();
                        let hint = crate::text::closest(name, &names)
                            .map(|c| format!(" (did you mean `{c}`?)"))
                            .unwrap_or_default();
                        return Err(Error::usage(format!(
                            "unknown target `{name}`{hint}; valid targets: {}",
                            names.join(", ")
                        )));
                    }
                }
            }
        }
        Ok(self
            .targets
            .iter()
            .filter(|t| wanted.contains(&t.target.as_str()))
            .collect())
    }
}
