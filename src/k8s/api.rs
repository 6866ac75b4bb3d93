//! The built-in Kubernetes API resources (`data/kubernetes-api.yaml`): which (group, resource) pairs exist,
//! whether they are namespaced, and which verbs each serves, subresources included.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::error::{Error, Result};

pub const EMBEDDED_API: (&str, &str) = (
    "data/kubernetes-api.yaml",
    include_str!("../../data/kubernetes-api.yaml"),
);

#[derive(Debug, Clone)]
pub struct ApiResource {
    pub name: String,
    pub namespaced: bool,
    pub verbs: Vec<String>,
    pub subresources: BTreeMap<String, Vec<String>>,
    /// Exists only for one special verb; never stored.
    pub r#virtual: bool,
    /// No longer served by current API servers.
    pub legacy: bool,
}

#[derive(Debug, Clone)]
pub struct ApiGroup {
    pub group: String,
    pub legacy: bool,
    pub resources: Vec<ApiResource>,
}

/// A verb list, or the name of a list under `sets` (the file avoids YAML aliases, which the YAML reader
/// budgets as a defence against alias bombs).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum Verbs {
    Set(String),
    List(Vec<String>),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawResource {
    name: String,
    namespaced: bool,
    verbs: Verbs,
    #[serde(default)]
    subresources: BTreeMap<String, Verbs>,
    #[serde(default)]
    r#virtual: bool,
    #[serde(default)]
    legacy: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    group: String,
    #[serde(default)]
    legacy: bool,
    resources: Vec<RawResource>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ApiFile {
    sets: BTreeMap<String, Vec<String>>,
    groups: Vec<RawGroup>,
}

#[derive(Debug, Clone)]
pub struct KubernetesApi {
    pub groups: Vec<ApiGroup>,
}

/// What the table says about a (group, resource[/subresource]) pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup<'a> {
    /// The group is not one rolegen knows (a custom resource, say): not judged.
    UnknownGroup,
    /// The group is known and complete, and does not serve this resource.
    NoSuchResource,
    /// The resource exists but has no such subresource.
    NoSuchSubresource,
    Found {
        namespaced: bool,
        verbs: &'a [String],
        legacy: bool,
    },
}

impl KubernetesApi {
    pub fn parse(name: &str, text: &str) -> Result<KubernetesApi> {
        let file: ApiFile = serde_saphyr::from_str(text).map_err(|e| {
            let at = e
                .location()
                .map(|l| format!(":{}:{}", l.line(), l.column()))
                .unwrap_or_default();
            Error::input(format!("{name}{at}: the API table does not parse: {e}"))
        })?;
        let resolve = |v: Verbs, at: &str| -> Result<Vec<String>> {
            match v {
                Verbs::List(l) => Ok(l),
                Verbs::Set(s) => file.sets.get(&s).cloned().ok_or_else(|| {
                    Error::input(format!(
                        "{name}: {at} names the verb set `{s}`, which `sets` does not define"
                    ))
                }),
            }
        };
        let mut groups = Vec::new();
        for g in file.groups.clone() {
            let mut resources = Vec::new();
            for r in g.resources {
                let mut subresources = BTreeMap::new();
                for (k, v) in r.subresources {
                    let verbs = resolve(v, &format!("{}/{k}", r.name))?;
                    subresources.insert(k, verbs);
                }
                resources.push(ApiResource {
                    verbs: resolve(r.verbs, &r.name)?,
                    name: r.name,
                    namespaced: r.namespaced,
                    subresources,
                    r#virtual: r.r#virtual,
                    legacy: r.legacy,
                });
            }
            groups.push(ApiGroup {
                group: g.group,
                legacy: g.legacy,
                resources,
            });
        }
        Ok(KubernetesApi { groups })
    }

    pub fn embedded() -> Result<&'static KubernetesApi> {
        static API: OnceLock<std::result::Result<KubernetesApi, String>> = OnceLock::new();
        API.get_or_init(|| {
            KubernetesApi::parse(EMBEDDED_API.0, EMBEDDED_API.1).map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| Error::input(e.clone()))
    }

    pub fn group(&self, group: &str) -> Option<&ApiGroup> {
        self.groups.iter().find(|g| g.group == group)
    }

    /// Looks up `resource` (`pods` or `pods/log`) in `group`. Kubernetes names are case-sensitive.
    pub fn lookup(&self, group: &str, resource: &str) -> Lookup<'_> {
        let Some(g) = self.group(group) else {
            return Lookup::UnknownGroup;
        };
        let (base, sub) = match resource.split_once('/') {
            Some((b, s)) => (b, Some(s)),
            None => (resource, None),
        };
        let Some(r) = g.resources.iter().find(|r| r.name == base) else {
            return Lookup::NoSuchResource;
        };
        let legacy = g.legacy || r.legacy;
        match sub {
            None => Lookup::Found {
                namespaced: r.namespaced,
                verbs: &r.verbs,
                legacy,
            },
            Some(s) => match r.subresources.get(s) {
                Some(v) => Lookup::Found {
                    namespaced: r.namespaced,
                    verbs: v,
                    legacy,
                },
                None => Lookup::NoSuchSubresource,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_table_answers() {
        let api = KubernetesApi::embedded().unwrap();
        assert!(matches!(
            api.lookup("apps", "deployments"),
            Lookup::Found {
                namespaced: true,
                ..
            }
        ));
        assert_eq!(api.lookup("", "deployments"), Lookup::NoSuchResource);
        assert_eq!(api.lookup("apps", "pods"), Lookup::NoSuchResource);
        assert_eq!(api.lookup("example.com", "widgets"), Lookup::UnknownGroup);
        match api.lookup("apps", "deployments/scale") {
            Lookup::Found { verbs, .. } => assert_eq!(verbs, &["get", "patch", "update"]),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            api.lookup("", "namespaces"),
            Lookup::Found {
                namespaced: false,
                ..
            }
        ));
        assert_eq!(api.lookup("", "pods/nothing"), Lookup::NoSuchSubresource);
    }
}
