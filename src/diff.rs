//! Semantic diff of two roles of one platform: what each grants that the other does not, with Azure's and
//! Kubernetes' own matching (case-insensitive wildcards for Azure; atoms and `*` for Kubernetes), after
//! defaults are applied. An entry the other side covers with a wildcard is shown as covered, not as a
//! mismatch. Names, GUIDs and descriptions are shown but are not differences in grants. Pure functions.

use serde::Serialize;
use serde_json::{json, Value};

use crate::audit::Item;
use crate::azure::model::{PermissionBlock, RoleDefinition};
use crate::azure::pattern::Pattern;
use crate::catalogue::Plane;
use crate::k8s::evaluate::{self as k8seval, Atom};
use crate::k8s::model::{K8sBinding, K8sRole, Rule};

#[derive(Debug, Clone, Serialize)]
pub struct Side {
    pub file: String,
    pub role: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

/// One difference that is not about grants themselves (scopes, namespaces, subjects, role references).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Difference {
    pub field: String,
    pub a: Value,
    pub b: Value,
}

impl Difference {
    fn new(field: &str, a: impl Serialize, b: impl Serialize) -> Difference {
        Difference {
            field: field.to_string(),
            a: json!(a),
            b: json!(b),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct DiffReport {
    pub platform: &'static str,
    pub a: Side,
    pub b: Side,
    /// Each side grants what the other grants (and scopes, namespaces, subjects agree).
    pub equivalent: bool,
    /// Granted by A, not by B.
    pub only_in_a: Vec<Value>,
    /// Granted by B, not by A.
    pub only_in_b: Vec<Value>,
    /// Entries of one side that the other grants through a broader (wildcard) entry.
    pub covered_by_wildcard: Vec<Value>,
    /// Scopes, namespaces, role references, subjects.
    pub differences: Vec<Difference>,
    /// Shown, not differences in grants: names, GUIDs, descriptions.
    pub cosmetic: Vec<Difference>,
}

impl DiffReport {
    fn new(platform: &'static str, a: Side, b: Side) -> DiffReport {
        DiffReport {
            platform,
            a,
            b,
            equivalent: false,
            only_in_a: Vec::new(),
            only_in_b: Vec::new(),
            covered_by_wildcard: Vec::new(),
            differences: Vec::new(),
            cosmetic: Vec::new(),
        }
    }

    fn settle(mut self) -> DiffReport {
        self.equivalent =
            self.only_in_a.is_empty() && self.only_in_b.is_empty() && self.differences.is_empty();
        self
    }

    pub fn exit_code(&self) -> u8 {
        if self.equivalent {
            crate::exit::OK
        } else {
            crate::exit::FINDINGS
        }
    }
}

fn lists(b: &PermissionBlock, plane: Plane) -> (&[String], &[String]) {
    match plane {
        Plane::Control => (&b.actions, &b.not_actions),
        Plane::Data => (&b.data_actions, &b.not_data_actions),
    }
}

fn same_condition(owner: &PermissionBlock, servant: &PermissionBlock) -> bool {
    let norm = |c: &Option<String>| {
        c.as_ref()
            .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
    };
    owner.condition.is_none() || norm(&owner.condition) == norm(&servant.condition)
}

/// How the `owner` blocks grant what `servant`'s allow entry `p` (in block `sb`) grants.
enum Coverage {
    /// An equal entry.
    Exact,
    /// A broader entry.
    Wildcard(String),
    /// An owner entry covers `p`, but the owner removes these (which the servant grants).
    Trimmed(Vec<String>),
    None,
}

fn azure_coverage(
    owner: &[PermissionBlock],
    sb: &PermissionBlock,
    p: &str,
    plane: Plane,
) -> Coverage {
    let pp = Pattern::new(p);
    let (_, s_not) = lists(sb, plane);
    let mut trimmed: Option<Vec<String>> = None;
    let mut best: Option<Coverage> = None;
    for ob in owner {
        if !same_condition(ob, sb) {
            continue;
        }
        let (allow, not) = lists(ob, plane);
        let Some(q) = allow.iter().find(|q| Pattern::new(q).covers(&pp)) else {
            continue;
        };
        // What the owner block removes inside `p` that the servant does not remove too.
        let extra: Vec<String> = not
            .iter()
            .filter(|n| {
                let np = Pattern::new(n);
                np.overlaps(&pp) && !s_not.iter().any(|m| Pattern::new(m).covers(&np))
            })
            .cloned()
            .collect();
        if extra.is_empty() {
            let exact = allow.iter().any(|q| q.eq_ignore_ascii_case(p));
            if exact {
                return Coverage::Exact;
            }
            best.get_or_insert(Coverage::Wildcard(q.clone()));
        } else if trimmed.is_none() {
            trimmed = Some(extra);
        }
    }
    best.or(trimmed.map(Coverage::Trimmed))
        .unwrap_or(Coverage::None)
}

fn azure_one_way(
    servant: &[PermissionBlock],
    owner: &[PermissionBlock],
    side: &str,
    only: &mut Vec<Value>,
    wild: &mut Vec<Value>,
) {
    for sb in servant {
        for plane in [Plane::Control, Plane::Data] {
            let (allow, _) = lists(sb, plane);
            for p in allow {
                let mut item = json!({"permission": p, "plane": plane.as_str()});
                if let Some(c) = &sb.condition {
                    item["condition"] = json!(c);
                }
                match azure_coverage(owner, sb, p, plane) {
                    Coverage::Exact => {}
                    Coverage::Wildcard(by) => {
                        let v = json!({"side": side, "permission": p, "plane": plane.as_str(), "by": by});
                        if !wild.contains(&v) {
                            wild.push(v);
                        }
                    }
                    Coverage::Trimmed(removed) => {
                        for r in removed {
                            let v = json!({"permission": r, "plane": plane.as_str(), "note": format!("within {p}; the other role removes it with its exclusions")});
                            if !only.contains(&v) {
                                only.push(v);
                            }
                        }
                    }
                    Coverage::None => {
                        if !only.iter().any(|o| {
                            o["permission"]
                                .as_str()
                                .is_some_and(|x| x.eq_ignore_ascii_case(p))
                                && o["plane"] == item["plane"]
                        }) {
                            only.push(item);
                        }
                    }
                }
            }
        }
    }
}

fn norm_scope(s: &str) -> String {
    s.trim().trim_end_matches('/').to_ascii_lowercase()
}

/// Diffs two Azure role definitions.
pub fn azure(fa: &str, a: &RoleDefinition, fb: &str, b: &RoleDefinition) -> DiffReport {
    let side = |f: &str, r: &RoleDefinition| Side {
        file: f.to_string(),
        role: r.name.clone(),
        id: r.id.clone(),
    };
    let mut d = DiffReport::new("azure", side(fa, a), side(fb, b));
    azure_one_way(
        &a.permissions,
        &b.permissions,
        "a",
        &mut d.only_in_a,
        &mut d.covered_by_wildcard,
    );
    azure_one_way(
        &b.permissions,
        &a.permissions,
        "b",
        &mut d.only_in_b,
        &mut d.covered_by_wildcard,
    );
    let sa: Vec<String> = a.assignable_scopes.iter().map(|s| norm_scope(s)).collect();
    let sb: Vec<String> = b.assignable_scopes.iter().map(|s| norm_scope(s)).collect();
    let only_a: Vec<&String> = a
        .assignable_scopes
        .iter()
        .filter(|s| !sb.contains(&norm_scope(s)))
        .collect();
    let only_b: Vec<&String> = b
        .assignable_scopes
        .iter()
        .filter(|s| !sa.contains(&norm_scope(s)))
        .collect();
    if !only_a.is_empty() || !only_b.is_empty() {
        d.differences
            .push(Difference::new("assignableScopes", &only_a, &only_b));
    }
    if a.name != b.name {
        d.cosmetic.push(Difference::new("name", &a.name, &b.name));
    }
    let id = |r: &RoleDefinition| r.id.as_ref().map(|s| s.to_ascii_lowercase());
    if id(a).is_some() && id(b).is_some() && id(a) != id(b) {
        d.cosmetic.push(Difference::new("id", &a.id, &b.id));
    }
    if a.description != b.description {
        d.cosmetic.push(Difference::new(
            "description",
            &a.description,
            &b.description,
        ));
    }
    d.settle()
}

fn literal_rule_has(rules: &[Rule], atom: &Atom) -> bool {
    rules.iter().any(|r| match atom {
        Atom::Resource {
            group,
            resource,
            verb,
            name,
        } => {
            r.api_groups.contains(group)
                && r.resources.contains(resource)
                && r.verbs.contains(verb)
                && match name {
                    None => r.resource_names.is_empty(),
                    Some(n) => r.resource_names.contains(n),
                }
        }
        Atom::Url { url, verb } => r.non_resource_urls.contains(url) && r.verbs.contains(verb),
    })
}

fn k8s_one_way(
    servant: &[Rule],
    owner: &[Rule],
    side: &str,
    only: &mut Vec<Value>,
    wild: &mut Vec<Value>,
) {
    let missing = k8seval::uncovered(owner, servant);
    for a in &missing {
        only.push(Item::from_atom(a).to_value());
    }
    for r in servant {
        for a in k8seval::breakdown(r) {
            if missing.contains(&a) || literal_rule_has(owner, &a) {
                continue;
            }
            let mut v = Item::from_atom(&a).to_value();
            v["side"] = json!(side);
            if !wild.contains(&v) {
                wild.push(v);
            }
        }
    }
}

/// Diffs two Kubernetes roles (aggregation already resolved), with their bindings (defaults applied).
pub fn k8s(
    fa: &str,
    a: &K8sRole,
    a_bindings: &[&K8sBinding],
    fb: &str,
    b: &K8sRole,
    b_bindings: &[&K8sBinding],
) -> DiffReport {
    let side = |f: &str, r: &K8sRole| Side {
        file: f.to_string(),
        role: r.display(),
        id: None,
    };
    let mut d = DiffReport::new("kubernetes", side(fa, a), side(fb, b));
    k8s_one_way(
        &a.rules,
        &b.rules,
        "a",
        &mut d.only_in_a,
        &mut d.covered_by_wildcard,
    );
    k8s_one_way(
        &b.rules,
        &a.rules,
        "b",
        &mut d.only_in_b,
        &mut d.covered_by_wildcard,
    );
    if a.kind != b.kind {
        d.differences
            .push(Difference::new("kind", a.kind.as_str(), b.kind.as_str()));
    }
    if a.namespace != b.namespace {
        d.differences.push(Difference::new(
            "metadata.namespace",
            &a.namespace,
            &b.namespace,
        ));
    }
    if a.name != b.name {
        d.cosmetic
            .push(Difference::new("metadata.name", &a.name, &b.name));
    }
    if a.aggregation != b.aggregation {
        let sel = |r: &K8sRole| {
            r.aggregation
                .as_ref()
                .map(|s| s.iter().map(|x| x.describe()).collect::<Vec<_>>())
        };
        d.differences
            .push(Difference::new("aggregationRule", sel(a), sel(b)));
    }
    // Bindings: paired in order (each file usually has one); subjects as sets, defaults applied.
    let subjects = |bs: &[&K8sBinding]| {
        let mut v: Vec<String> = bs
            .iter()
            .flat_map(|b| b.subjects.iter().map(|s| s.key()))
            .collect();
        v.sort();
        v.dedup();
        v
    };
    let (sa, sb) = (subjects(a_bindings), subjects(b_bindings));
    if sa != sb {
        let only_a: Vec<&String> = sa.iter().filter(|s| !sb.contains(s)).collect();
        let only_b: Vec<&String> = sb.iter().filter(|s| !sa.contains(s)).collect();
        d.differences
            .push(Difference::new("subjects", &only_a, &only_b));
    }
    let where_bound = |bs: &[&K8sBinding]| {
        let mut v: Vec<String> = bs.iter().map(|b| b.display_scope()).collect();
        v.sort();
        v.dedup();
        v
    };
    let (wa, wb) = (where_bound(a_bindings), where_bound(b_bindings));
    if wa != wb {
        d.differences.push(Difference::new("bindings", &wa, &wb));
    }
    let names = |bs: &[&K8sBinding]| bs.iter().map(|b| b.name.clone()).collect::<Vec<_>>();
    if names(a_bindings) != names(b_bindings) && !a_bindings.is_empty() && !b_bindings.is_empty() {
        d.cosmetic.push(Difference::new(
            "binding names",
            names(a_bindings),
            names(b_bindings),
        ));
    }
    d.settle()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(actions: &[&str], not: &[&str]) -> RoleDefinition {
        RoleDefinition {
            name: "r".into(),
            permissions: vec![PermissionBlock {
                actions: actions.iter().map(|s| s.to_string()).collect(),
                not_actions: not.iter().map(|s| s.to_string()).collect(),
                ..Default::default()
            }],
            assignable_scopes: vec!["/subscriptions/x".into()],
            ..Default::default()
        }
    }

    #[test]
    fn azure_wildcards_cover_and_exclusions_show() {
        let a = role(
            &["Microsoft.Web/sites/read", "microsoft.web/sites/write"],
            &[],
        );
        let b = role(&["Microsoft.Web/sites/*"], &[]);
        let d = azure("a", &a, "b", &b);
        assert!(d.only_in_a.is_empty());
        assert_eq!(d.covered_by_wildcard.len(), 2);
        assert_eq!(d.only_in_b[0]["permission"], "Microsoft.Web/sites/*");
        assert!(!d.equivalent);

        let c = role(
            &["Microsoft.Web/*"],
            &["Microsoft.Web/sites/slots/slotsswap/Action"],
        );
        let e = role(&["Microsoft.Web/*"], &[]);
        let d = azure("c", &c, "e", &e);
        assert!(d.only_in_a.is_empty());
        assert_eq!(
            d.only_in_b[0]["permission"],
            "Microsoft.Web/sites/slots/slotsswap/Action"
        );
        let same = azure(
            "c",
            &c,
            "c2",
            &role(
                &["MICROSOFT.WEB/*"],
                &["microsoft.web/sites/slots/slotsswap/action"],
            ),
        );
        assert!(same.equivalent, "{same:?}");
    }
}
