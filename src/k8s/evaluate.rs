//! Kubernetes RBAC evaluation with Kubernetes' own matching
//! (`kubernetes/kubernetes:pkg/apis/rbac/v1/evaluation_helpers.go`, `plugin/pkg/auth/authorizer/rbac/rbac.go`)
//! and its `Covers` (`staging/src/k8s.io/component-helpers/auth/rbac/validation/policy_comparator.go`):
//!
//! * verbs and apiGroups: an entry is `*` or equal; resources: `*`, equal to `resource` or
//!   `resource/subresource`, or `*/sub` for a subresource request (`pods` does not match `pods/log`;
//!   `pods/*` is not a pattern); resourceNames: empty (every name) or containing the name, and a request
//!   without a name never matches a named rule; nonResourceURLs: `*`, equal, or a trailing `*` prefix.
//! * A Role in namespace N applies only in N; a ClusterRole bound by a RoleBinding applies in the binding's
//!   namespace; a ClusterRoleBinding applies everywhere, to cluster-scoped resources and URLs too. A
//!   cluster-scoped resource is reachable from a namespace only as the Namespace object N itself.
//! * A requirement is split into single (apiGroup, resource, verb) atoms, each covered by some rule.
//!
//! Pure: no I/O. Case-sensitive throughout, as Kubernetes is.

use std::collections::BTreeSet;

use super::api::{KubernetesApi, Lookup};
use super::model::{K8sRole, RoleKind, Rule};
use crate::finding::{Finding, Severity};

fn has(list: &[String], s: &str) -> bool {
    list.iter().any(|x| x == s)
}

pub fn verb_matches(rule: &Rule, verb: &str) -> bool {
    has(&rule.verbs, "*") || has(&rule.verbs, verb)
}

pub fn group_matches(rule: &Rule, group: &str) -> bool {
    has(&rule.api_groups, "*") || has(&rule.api_groups, group)
}

/// `combined` is `resource` or `resource/subresource`.
pub fn resource_matches(rule: &Rule, combined: &str) -> bool {
    rule.resources.iter().any(|r| {
        r == "*"
            || r == combined
            || combined
                .split_once('/')
                .is_some_and(|(_, sub)| r.strip_prefix("*/") == Some(sub))
    })
}

/// A request without a name (`create`, `list`, …) matches only rules without resourceNames.
pub fn name_matches(rule: &Rule, name: Option<&str>) -> bool {
    rule.resource_names.is_empty() || name.is_some_and(|n| has(&rule.resource_names, n))
}

pub fn url_matches(rule: &Rule, url: &str) -> bool {
    rule.non_resource_urls
        .iter()
        .any(|u| u == "*" || u == url || u.strip_suffix('*').is_some_and(|p| url.starts_with(p)))
}

/// One resource request, as the authorizer sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceRequest<'a> {
    pub group: &'a str,
    /// `resource` or `resource/subresource`.
    pub resource: &'a str,
    pub verb: &'a str,
    pub name: Option<&'a str>,
}

pub fn rule_allows(rule: &Rule, r: &ResourceRequest) -> bool {
    verb_matches(rule, r.verb)
        && group_matches(rule, r.group)
        && resource_matches(rule, r.resource)
        && name_matches(rule, r.name)
}

pub fn rule_allows_url(rule: &Rule, url: &str, verb: &str) -> bool {
    verb_matches(rule, verb) && url_matches(rule, url)
}

/// A single permission: the unit `Covers` works in.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Atom {
    Resource {
        group: String,
        resource: String,
        verb: String,
        name: Option<String>,
    },
    Url {
        url: String,
        verb: String,
    },
}

impl Atom {
    pub fn resource(group: &str, resource: &str, verb: &str) -> Atom {
        Atom::Resource {
            group: group.into(),
            resource: resource.into(),
            verb: verb.into(),
            name: None,
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Atom::Resource {
                group,
                resource,
                verb,
                name,
            } => {
                let g = if group.is_empty() { "\"\"" } else { group };
                match name {
                    Some(n) => format!("{verb} {g} {resource} {n:?}"),
                    None => format!("{verb} {g} {resource}"),
                }
            }
            Atom::Url { url, verb } => format!("{verb} {url}"),
        }
    }
}

/// BreakdownRule: one atom per (apiGroup × resource × verb [× name]) and per (URL × verb). Purely syntactic.
pub fn breakdown(rule: &Rule) -> Vec<Atom> {
    let mut out = Vec::new();
    for g in &rule.api_groups {
        for r in &rule.resources {
            for v in &rule.verbs {
                if rule.resource_names.is_empty() {
                    out.push(Atom::Resource {
                        group: g.clone(),
                        resource: r.clone(),
                        verb: v.clone(),
                        name: None,
                    });
                }
                for n in &rule.resource_names {
                    out.push(Atom::Resource {
                        group: g.clone(),
                        resource: r.clone(),
                        verb: v.clone(),
                        name: Some(n.clone()),
                    });
                }
            }
        }
    }
    for u in &rule.non_resource_urls {
        for v in &rule.verbs {
            out.push(Atom::Url {
                url: u.clone(),
                verb: v.clone(),
            });
        }
    }
    out
}

/// Whether `owner` covers one atom, as Kubernetes' `ruleCovers` decides it.
pub fn rule_covers(owner: &Rule, atom: &Atom) -> bool {
    match atom {
        Atom::Resource {
            group,
            resource,
            verb,
            name,
        } => rule_allows(
            owner,
            &ResourceRequest {
                group,
                resource,
                verb,
                name: name.as_deref(),
            },
        ),
        Atom::Url { url, verb } => rule_allows_url(owner, url, verb),
    }
}

/// `Covers(owner, servant)`: the servant's atoms no owner rule covers (empty = covered).
pub fn uncovered(owner: &[Rule], servant: &[Rule]) -> Vec<Atom> {
    let mut out: Vec<Atom> = Vec::new();
    for r in servant {
        for a in breakdown(r) {
            if !owner.iter().any(|o| rule_covers(o, &a)) && !out.contains(&a) {
                out.push(a);
            }
        }
    }
    out
}

/// Where a role's rules apply.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reach {
    /// Through a ClusterRoleBinding: everywhere, cluster-scoped resources and URLs included.
    Cluster,
    /// Through a RoleBinding (or as a Role) in this namespace only.
    Namespace(String),
}

impl Reach {
    pub fn describe(&self) -> String {
        match self {
            Reach::Cluster => "cluster-wide".into(),
            Reach::Namespace(ns) => format!("namespace {ns}"),
        }
    }
}

/// Whether (group, resource) is namespaced; resources rolegen does not know (custom resources) count as
/// namespaced, as nearly all are.
pub fn is_namespaced(api: &KubernetesApi, group: &str, resource: &str) -> bool {
    let base = resource.split('/').next().unwrap_or(resource);
    match api.lookup(group, base) {
        Lookup::Found { namespaced, .. } => namespaced,
        _ => true,
    }
}

/// A resource request in a namespace (or at cluster scope, `namespace: None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScopedRequest<'a> {
    pub request: ResourceRequest<'a>,
    pub namespace: Option<&'a str>,
}

/// The namespace the authorizer sees for a request on (group, resource) aimed at namespace `ns`: the
/// namespace for namespaced resources; for the Namespace object itself, its own name; otherwise none.
/// `namespaced` is [`is_namespaced`] of the pair.
pub fn request_namespace<'a>(
    namespaced: bool,
    group: &str,
    resource: &str,
    name: Option<&'a str>,
    ns: Option<&'a str>,
) -> Option<&'a str> {
    if namespaced {
        ns
    } else if group.is_empty() && (resource == "namespaces" || resource.starts_with("namespaces/"))
    {
        name
    } else {
        None
    }
}

/// Whether any of `grants` (rules with where they apply) allows the request.
pub fn allowed(grants: &[(&[Rule], &[Reach])], req: &ScopedRequest) -> bool {
    grants.iter().any(|(rules, reaches)| {
        reaches.iter().any(|reach| match reach {
            Reach::Cluster => true,
            Reach::Namespace(n) => req.namespace == Some(n.as_str()),
        }) && rules.iter().any(|r| rule_allows(r, &req.request))
    })
}

/// Resolves `aggregationRule`s against the ClusterRoles given, as the aggregation controller does: an
/// aggregated ClusterRole's rules become the union of the rules of every ClusterRole its selectors match
/// (iterated to a fixed point, so admin ⊇ edit ⊇ view). Returns findings by role index.
pub fn resolve_aggregation(roles: &mut [K8sRole]) -> Vec<(usize, Finding)> {
    let mut findings = Vec::new();
    let aggregated: Vec<usize> = (0..roles.len())
        .filter(|&i| roles[i].kind == RoleKind::ClusterRole && roles[i].aggregation.is_some())
        .collect();
    if aggregated.is_empty() {
        return findings;
    }
    // Which ClusterRoles each aggregated role selects.
    let mut sources: Vec<(usize, Vec<usize>)> = Vec::new();
    for &i in &aggregated {
        let selectors = roles[i].aggregation.clone().unwrap_or_default();
        let matched: Vec<usize> = (0..roles.len())
            .filter(|&j| {
                j != i
                    && roles[j].kind == RoleKind::ClusterRole
                    && selectors.iter().any(|s| s.matches(&roles[j].labels))
            })
            .collect();
        if matched.is_empty() {
            let sel: Vec<String> = selectors.iter().map(|s| s.describe()).collect();
            findings.push((
                i,
                Finding::new(
                    "aggregation-unresolved",
                    Severity::Warning,
                    format!(
                        "the aggregationRule selects ClusterRoles labelled {}, and none among the inputs is; its {} listed rules are judged as given, but on a cluster the aggregation controller replaces them with the rules of every ClusterRole carrying those labels (pass those files too)",
                        if sel.is_empty() { "(no selector)".to_string() } else { sel.join(" or ") },
                        roles[i].rules.len()
                    ),
                )
                .at(roles[i].pos),
            ));
        } else {
            sources.push((i, matched));
        }
    }
    let originals: Vec<(usize, Vec<Rule>)> = sources
        .iter()
        .map(|(i, _)| (*i, roles[*i].rules.clone()))
        .collect();
    for (i, _) in &sources {
        roles[*i].rules.clear();
    }
    // Fixed point: rules only grow, and are bounded by the union of all rules.
    loop {
        let mut changed = false;
        for (i, matched) in &sources {
            let mut add = Vec::new();
            for &j in matched {
                for r in &roles[j].rules {
                    let mut r = r.clone();
                    r.pos = None;
                    if !roles[*i].rules.contains(&r) && !add.contains(&r) {
                        add.push(r);
                    }
                }
            }
            if !add.is_empty() {
                roles[*i].rules.extend(add);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    for ((i, matched), (_, original)) in sources.iter().zip(&originals) {
        let names: Vec<&str> = matched.iter().map(|&j| roles[j].name.as_str()).collect();
        findings.push((
            *i,
            Finding::new(
                "aggregation-resolved",
                Severity::Info,
                format!(
                    "the aggregationRule was resolved against {} ClusterRole(s) among the inputs ({}): {} rules",
                    matched.len(),
                    names.join(", "),
                    roles[*i].rules.len()
                ),
            )
            .at(roles[*i].pos),
        ));
        let dropped = uncovered(&roles[*i].rules, original);
        if !dropped.is_empty() {
            findings.push((
                *i,
                Finding::new(
                    "aggregated-rules-replaced",
                    Severity::Info,
                    format!(
                        "the file lists rules for this aggregated ClusterRole that the selected roles do not grant (e.g. {}); the aggregation controller replaces listed rules, so they were not counted",
                        dropped[0].describe()
                    ),
                )
                .at(roles[*i].pos),
            ));
        }
    }
    findings
}

/// Atoms of `rules` that `required` does not cover: explicit extras, and wildcards that reach beyond.
pub fn excess<'r>(rules: impl IntoIterator<Item = &'r Rule>, required: &[Rule]) -> Vec<Atom> {
    // A literal one-atom requirement (no `*`, no names) covers exactly its own (group, resource, verb) with
    // any name, so those answer by lookup; anything else takes the general check.
    let is_literal = |q: &Rule| {
        q.api_groups.len() == 1
            && q.resources.len() == 1
            && q.verbs.len() == 1
            && q.resource_names.is_empty()
            && q.non_resource_urls.is_empty()
            && !q.resources[0].contains('*')
            && q.api_groups[0] != "*"
            && q.verbs[0] != "*"
    };
    let literal: std::collections::HashSet<(&str, &str, &str)> = required
        .iter()
        .filter(|q| is_literal(q))
        .map(|q| {
            (
                q.api_groups[0].as_str(),
                q.resources[0].as_str(),
                q.verbs[0].as_str(),
            )
        })
        .collect();
    let general: Vec<&Rule> = required.iter().filter(|q| !is_literal(q)).collect();
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for r in rules {
        for a in breakdown(r) {
            let by_lookup = match &a {
                Atom::Resource {
                    group,
                    resource,
                    verb,
                    ..
                } => literal.contains(&(group.as_str(), resource.as_str(), verb.as_str())),
                Atom::Url { .. } => false,
            };
            if !by_lookup && !general.iter().any(|q| rule_covers(q, &a)) && seen.insert(a.clone()) {
                out.push(a);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(groups: &[&str], resources: &[&str], verbs: &[&str]) -> Rule {
        let v = |l: &[&str]| l.iter().map(|s| s.to_string()).collect();
        Rule {
            api_groups: v(groups),
            resources: v(resources),
            verbs: v(verbs),
            ..Rule::default()
        }
    }

    fn req<'a>(group: &'a str, resource: &'a str, verb: &'a str) -> ResourceRequest<'a> {
        ResourceRequest {
            group,
            resource,
            verb,
            name: None,
        }
    }

    #[test]
    fn kubernetes_matching() {
        let pods = rule(&[""], &["pods"], &["get"]);
        assert!(rule_allows(&pods, &req("", "pods", "get")));
        assert!(!rule_allows(&pods, &req("", "pods/log", "get")));
        assert!(!rule_allows(&pods, &req("apps", "pods", "get")));
        assert!(!rule_allows(&pods, &req("", "Pods", "get")));
        let scale = rule(&["apps"], &["*/scale"], &["patch"]);
        assert!(rule_allows(
            &scale,
            &req("apps", "deployments/scale", "patch")
        ));
        assert!(!rule_allows(&scale, &req("apps", "deployments", "patch")));
        let star_sub = rule(&[""], &["pods/*"], &["get"]);
        assert!(!rule_allows(&star_sub, &req("", "pods/log", "get")));
        let mut named = rule(&[""], &["secrets"], &["get", "list"]);
        named.resource_names = vec!["a".into()];
        assert!(!rule_allows(&named, &req("", "secrets", "list")));
        assert!(rule_allows(
            &named,
            &ResourceRequest {
                name: Some("a"),
                ..req("", "secrets", "get")
            }
        ));
        let mut urls = rule(&[], &[], &["get"]);
        urls.non_resource_urls = vec!["/healthz*".into(), "/metrics".into()];
        assert!(rule_allows_url(&urls, "/healthzX", "get"));
        assert!(!rule_allows_url(&urls, "/metrics/x", "get"));
    }

    #[test]
    fn covers_splits_into_atoms() {
        let owner = vec![rule(&["", "apps"], &["pods", "deployments"], &["get"])];
        let servant = vec![rule(&["apps"], &["deployments"], &["get", "list"])];
        assert_eq!(
            uncovered(&owner, &servant),
            vec![Atom::resource("apps", "deployments", "list")]
        );
    }

    #[test]
    fn aggregation_reaches_a_fixed_point() {
        let label = |k: &str| {
            let mut m = std::collections::BTreeMap::new();
            m.insert(k.to_string(), "true".to_string());
            m
        };
        let sel = |k: &str| super::super::model::Selector {
            match_labels: label(k),
            ..Default::default()
        };
        let mut roles = vec![
            K8sRole {
                kind: RoleKind::ClusterRole,
                name: "admin".into(),
                aggregation: Some(vec![sel("to-admin")]),
                ..Default::default()
            },
            K8sRole {
                kind: RoleKind::ClusterRole,
                name: "edit".into(),
                labels: label("to-admin"),
                aggregation: Some(vec![sel("to-edit")]),
                ..Default::default()
            },
            K8sRole {
                kind: RoleKind::ClusterRole,
                name: "view".into(),
                labels: label("to-edit"),
                rules: vec![rule(&[""], &["pods"], &["get"])],
                ..Default::default()
            },
        ];
        resolve_aggregation(&mut roles);
        assert_eq!(roles[0].rules, roles[2].rules);
        assert_eq!(roles[1].rules, roles[2].rules);
    }
}
