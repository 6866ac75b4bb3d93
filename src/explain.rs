//! Explain: what an Azure operation or pattern matches, which catalogue targets need it and why, and which
//! built-in roles grant it (the reverse lookup AzAdvertizer users ask for, wildcards and NotActions
//! included); and which built-in roles, alone or in pairs, cover a target. Pure functions over the embedded
//! catalogue, the user's operations catalogue and built-in roles; judged with the audit's evaluator.

use serde::Serialize;

use crate::audit::AzureRequirements;
use crate::azure::evaluate::{Compiled, Grant};
use crate::azure::model::RoleDefinition;
use crate::azure::operations::{OperationInfo, Operations};
use crate::azure::pattern::Pattern;
use crate::catalogue::{Catalogue, Plane};

#[derive(Debug, Clone, Serialize)]
pub struct Matched {
    pub name: String,
    /// `control`, `data`, or `control, data` when the catalogue lists it as both.
    pub plane: String,
    pub description: String,
}

/// A catalogue permission the pattern touches.
#[derive(Debug, Clone, Serialize)]
pub struct Need {
    pub target: String,
    pub permission: String,
    pub plane: &'static str,
    /// `exact`, `covers` (the pattern matches all of it), `within` (it matches all of the pattern), `overlaps`.
    pub relation: &'static str,
    pub why: String,
    pub provenance: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<&'static str>,
}

/// The seed's strings that the catalogue corrected or dropped, when the pattern is one of them.
#[derive(Debug, Clone, Serialize)]
pub struct SeedError {
    pub target: String,
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instead: Option<String>,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RoleGrant {
    pub role: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// How many of the matched operations the role grants (unconditionally).
    pub granted: usize,
    /// How many more it grants only under an ABAC condition.
    pub conditional: usize,
    /// Out of how many.
    pub of: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct OperationExplanation {
    pub pattern: String,
    pub wildcard: bool,
    /// Whether an operations catalogue was loaded (`matched` is empty without one).
    pub operations_checked: bool,
    pub matched: Vec<Matched>,
    pub needed_by: Vec<Need>,
    pub seed_errors: Vec<SeedError>,
    /// The closest known operation, when the pattern matches nothing in the operations catalogue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
    /// False when the pattern is one of the seed's errors, or matches nothing in the operations catalogue:
    /// then no role grants it, and the role lists are empty.
    pub exists: bool,
    /// Where the built-in roles came from.
    pub builtin_roles: String,
    /// Roles granting every matched operation (or, with nothing matched, the whole pattern).
    pub roles_all: Vec<RoleGrant>,
    /// Roles granting some of them (or, with nothing matched, an allow pattern overlapping it).
    pub roles_some: Vec<RoleGrant>,
}

impl OperationExplanation {
    /// Exit 1 when an operations catalogue was loaded and the pattern matches nothing in it.
    pub fn exit_code(&self) -> u8 {
        if self.operations_checked && self.matched.is_empty() {
            crate::exit::FINDINGS
        } else {
            crate::exit::OK
        }
    }
}

/// Records a seed error once, listing every target that corrected it the same way.
fn add_seed_error(
    out: &mut Vec<SeedError>,
    target: &str,
    source: &str,
    instead: Option<&str>,
    reason: &str,
) {
    let reason = reason.trim();
    if let Some(e) = out
        .iter_mut()
        .find(|e| e.instead.as_deref() == instead && e.reason == reason)
    {
        e.target.push_str(&format!(", {target}"));
        return;
    }
    out.push(SeedError {
        target: target.to_string(),
        source: source.to_string(),
        instead: instead.map(str::to_string),
        reason: reason.to_string(),
    });
}

fn plane_of(info: &OperationInfo) -> String {
    match (info.control, info.data) {
        (true, true) => "control, data".into(),
        (false, true) => "data".into(),
        _ => "control".into(),
    }
}

fn planes(info: &OperationInfo) -> impl Iterator<Item = Plane> + '_ {
    [Plane::Control, Plane::Data]
        .into_iter()
        .filter(|p| info.in_plane(*p))
}

/// Explains an operation or a pattern. `builtins` is the set to look roles up in (`source` names it).
pub fn explain_operation(
    arg: &str,
    catalogue: &Catalogue,
    operations: Option<&Operations>,
    builtins: &[RoleDefinition],
    source: &str,
) -> OperationExplanation {
    let p = Pattern::new(arg.trim());
    let matched_info: Vec<(&str, &OperationInfo)> = match operations {
        Some(ops) => ops.matching_folded(&p).collect(),
        None => Vec::new(),
    };
    let matched = matched_info
        .iter()
        .map(|(_, i)| Matched {
            name: i.name.clone(),
            plane: plane_of(i),
            description: i.description.clone(),
        })
        .collect();

    let mut needed_by = Vec::new();
    let mut seed_errors = Vec::new();
    for t in &catalogue.targets {
        for perm in &t.permissions {
            let q = Pattern::new(&perm.operation);
            let relation = if q == p {
                "exact"
            } else if p.covers(&q) {
                "covers"
            } else if q.covers(&p) {
                "within"
            } else if p.overlaps(&q) {
                "overlaps"
            } else {
                ""
            };
            if !relation.is_empty() {
                needed_by.push(Need {
                    target: t.target.clone(),
                    permission: perm.operation.clone(),
                    plane: perm.plane.as_str(),
                    relation,
                    why: perm.why.trim().to_string(),
                    provenance: perm.provenance.trim().to_string(),
                    condition: perm.condition.map(|c| match c {
                        crate::catalogue::Condition::AzureRbac => "azure-rbac",
                        crate::catalogue::Condition::KubernetesRbac => "kubernetes-rbac",
                    }),
                });
            }
            if let Some(c) = &perm.correction {
                if c.source.trim().eq_ignore_ascii_case(arg.trim()) {
                    add_seed_error(
                        &mut seed_errors,
                        &t.target,
                        &c.source,
                        Some(&perm.operation),
                        &c.reason,
                    );
                }
            }
        }
        for d in &t.dropped {
            if d.source.trim().eq_ignore_ascii_case(arg.trim()) {
                add_seed_error(
                    &mut seed_errors,
                    &t.target,
                    &d.source,
                    d.instead.as_deref(),
                    &d.reason,
                );
            }
        }
    }
    // An operation that does not exist is granted by no role, whatever its wildcards match.
    let exists = seed_errors.is_empty() && !(operations.is_some() && matched_info.is_empty());

    let mut roles_all = Vec::new();
    let mut roles_some = Vec::new();
    // With nothing to enumerate, the pattern is judged whole in the plane the catalogue gives it, else both.
    let whole_planes: Vec<Plane> = match needed_by.iter().find(|n| n.relation == "exact") {
        Some(n) if n.plane == "data" => vec![Plane::Data],
        Some(_) => vec![Plane::Control],
        None => vec![Plane::Control, Plane::Data],
    };
    for role in builtins.iter().filter(|_| exists) {
        let c = Compiled::new(&role.permissions);
        let (granted, conditional, of) = if matched_info.is_empty() {
            // As the audit judges a wildcard requirement.
            let best = whole_planes
                .iter()
                .fold(Grant::Denied, |g, pl| g.or(c.grant(&p, *pl)));
            match best {
                Grant::Granted => (1, 0, 1),
                Grant::Conditional => (0, 1, 1),
                Grant::Denied if whole_planes.iter().any(|pl| c.touches(&p, *pl)) => (0, 0, 1),
                Grant::Denied => continue,
            }
        } else {
            let mut granted = 0;
            let mut conditional = 0;
            for (folded, info) in &matched_info {
                let best =
                    planes(info).fold(Grant::Denied, |g, pl| g.or(c.grant_folded(folded, pl)));
                match best {
                    Grant::Granted => granted += 1,
                    Grant::Conditional => conditional += 1,
                    Grant::Denied => {}
                }
            }
            if granted + conditional == 0 {
                continue;
            }
            (granted, conditional, matched_info.len())
        };
        let g = RoleGrant {
            role: role.name.clone(),
            id: role.id.clone(),
            granted,
            conditional,
            of,
        };
        if granted == of {
            roles_all.push(g);
        } else {
            roles_some.push(g);
        }
    }
    roles_all.sort_by_key(|a| a.role.to_lowercase());
    roles_some.sort_by(|a, b| {
        (b.granted + b.conditional)
            .cmp(&(a.granted + a.conditional))
            .then_with(|| a.role.to_lowercase().cmp(&b.role.to_lowercase()))
    });
    OperationExplanation {
        pattern: arg.trim().to_string(),
        wildcard: p.is_wildcard(),
        operations_checked: operations.is_some(),
        matched,
        needed_by,
        seed_errors,
        suggestion: None,
        exists,
        builtin_roles: source.to_string(),
        roles_all,
        roles_some,
    }
}

/// One built-in role, or a pair assigned together, that covers the targets.
#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    pub roles: Vec<String>,
    /// Operations of the catalogue granted beyond what the targets need (with an operations catalogue).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extra_operations: Option<usize>,
    /// Allow patterns reaching beyond the requirement (the audit's `excess`).
    pub excess_patterns: usize,
    /// How broad those patterns are (`*` 1,000,000; `*/x` 10,000; `Provider/*` 100; other wildcards 10;
    /// an operation 1): the ranking without an operations catalogue.
    pub breadth: usize,
}

/// The weight of one allow pattern in [`Candidate::breadth`].
fn breadth(pattern: &str) -> usize {
    let t = pattern.trim();
    match t.find('*') {
        None => 1,
        Some(_) if t == "*" => 1_000_000,
        Some(0) => 10_000,
        Some(i) if !t[..i].trim_end_matches('/').contains('/') => 100,
        Some(_) => 10,
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct TargetExplanation {
    pub targets: Vec<String>,
    /// How many permissions the targets need.
    pub required: usize,
    pub operations_checked: bool,
    pub builtin_roles: String,
    /// How many built-in roles were considered.
    pub considered: usize,
    /// Single roles that cover everything, smallest first (at most `limit`).
    pub single: Vec<Candidate>,
    /// How many single roles cover it in all.
    pub single_count: usize,
    /// Pairs of roles (neither covering alone) that cover it, smallest first (at most `limit`): when no
    /// single role covers it, or, with an operations catalogue, the pairs that grant less than the smallest
    /// single role.
    pub pairs: Vec<Candidate>,
    pub pair_count: usize,
    /// When neither a single role nor a pair covers the targets: the required permissions no built-in role
    /// grants at all (empty when it takes three or more roles).
    pub uncovered: Vec<String>,
}

/// Fixed-width bit sets over requirement items and catalogue operations.
#[derive(Clone, PartialEq, Eq)]
struct Bits(Vec<u64>);

impl Bits {
    fn new(n: usize) -> Bits {
        Bits(vec![0; n.div_ceil(64)])
    }
    fn set(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }
    fn get(&self, i: usize) -> bool {
        self.0[i / 64] & (1 << (i % 64)) != 0
    }
    fn or(&self, o: &Bits) -> Bits {
        Bits(self.0.iter().zip(&o.0).map(|(a, b)| a | b).collect())
    }
    fn count_without(&self, o: &Bits) -> usize {
        self.0
            .iter()
            .zip(&o.0)
            .map(|(a, b)| (a & !b).count_ones() as usize)
            .sum()
    }
    fn is_zero(&self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }
}

/// The built-in roles that cover the targets' requirements: single roles ranked by how many catalogue
/// operations they grant beyond the requirement (or, without an operations catalogue, by how many allow
/// patterns reach beyond it), and when none covers alone, the pairs that do.
pub fn explain_targets(
    names: &[String],
    req: &AzureRequirements,
    operations: Option<&Operations>,
    builtins: &[RoleDefinition],
    source: &str,
    limit: usize,
) -> TargetExplanation {
    let n = req.items.len();
    let compiled: Vec<Compiled> = builtins
        .iter()
        .map(|r| Compiled::new(&r.permissions))
        .collect();
    let required: Vec<(Pattern, Plane)> = req
        .items
        .iter()
        .map(|(op, plane, _, _)| (Pattern::new(op), *plane))
        .collect();
    let masks: Vec<Bits> = compiled
        .iter()
        .map(|c| {
            let mut m = Bits::new(n);
            for (i, (p, plane)) in required.iter().enumerate() {
                if c.grant(p, *plane) == Grant::Granted {
                    m.set(i);
                }
            }
            m
        })
        .collect();
    let mut full = Bits::new(n);
    (0..n).for_each(|i| full.set(i));

    // Catalogue operations: which the requirement accounts for, and (lazily) which each role grants.
    let ops: Vec<(&str, &OperationInfo)> = operations
        .map(|o| o.iter_folded().collect())
        .unwrap_or_default();
    let mut needed_ops = Bits::new(ops.len());
    for (j, (f, info)) in ops.iter().enumerate() {
        if required
            .iter()
            .any(|(p, plane)| info.in_plane(*plane) && p.matches_folded(f))
        {
            needed_ops.set(j);
        }
    }
    let mut effective: Vec<Option<Bits>> = vec![None; builtins.len()];
    let mut effective_of = |i: usize| -> Bits {
        if let Some(b) = &effective[i] {
            return b.clone();
        }
        let mut b = Bits::new(ops.len());
        for (j, (f, info)) in ops.iter().enumerate() {
            if planes(info).any(|pl| compiled[i].grant_folded(f, pl) == Grant::Granted) {
                b.set(j);
            }
        }
        effective[i] = Some(b.clone());
        b
    };
    let required_list: Vec<(String, Plane)> =
        req.items.iter().map(|i| (i.0.clone(), i.1)).collect();
    let excess_of = |roles: &[usize]| -> (usize, usize) {
        let blocks: Vec<_> = roles
            .iter()
            .flat_map(|i| builtins[*i].permissions.iter().cloned())
            .collect();
        let ex = crate::azure::evaluate::excess(&blocks, &required_list);
        (ex.len(), ex.iter().map(|(p, _)| breadth(p)).sum())
    };
    let checked = operations.is_some();
    let mut candidate = |roles: Vec<usize>| -> Candidate {
        let extra = checked.then(|| {
            let mut u = Bits::new(ops.len());
            for i in &roles {
                u = u.or(&effective_of(*i));
            }
            u.count_without(&needed_ops)
        });
        let (excess_patterns, breadth) = excess_of(&roles);
        Candidate {
            excess_patterns,
            breadth,
            roles: roles.iter().map(|i| builtins[*i].name.clone()).collect(),
            extra_operations: extra,
        }
    };
    let rank = |a: &Candidate, b: &Candidate| {
        a.extra_operations
            .cmp(&b.extra_operations)
            .then(a.breadth.cmp(&b.breadth))
            .then(a.excess_patterns.cmp(&b.excess_patterns))
            .then(a.roles.len().cmp(&b.roles.len()))
            .then_with(|| a.roles.cmp(&b.roles))
    };

    let singles: Vec<usize> = (0..builtins.len()).filter(|i| masks[*i] == full).collect();
    let mut single: Vec<Candidate> = singles.iter().map(|i| candidate(vec![*i])).collect();
    single.sort_by(rank);
    let single_count = single.len();
    single.truncate(limit);

    let mut pairs = Vec::new();
    let mut pair_count = 0;
    let mut uncovered = Vec::new();
    // Pairs when no single role covers; with an operations catalogue also when one does, since two narrow
    // roles can grant less than the smallest single one (Reader + a cluster-user role vs Contributor).
    if n > 0 && (single_count == 0 || checked) {
        // A role that covers alone only adds to a pair what the single already shows.
        let useful: Vec<usize> = (0..builtins.len())
            .filter(|i| !masks[*i].is_zero() && masks[*i] != full)
            .collect();
        let mut found: Vec<(usize, usize)> = Vec::new();
        for (x, &i) in useful.iter().enumerate() {
            for &j in &useful[x + 1..] {
                if masks[i].or(&masks[j]) == full {
                    found.push((i, j));
                }
            }
        }
        let mut all: Vec<Candidate> = found.iter().map(|(i, j)| candidate(vec![*i, *j])).collect();
        if let Some(best) = single.first() {
            // Beside a single role, only pairs that grant less are worth showing.
            all.retain(|c| c.extra_operations < best.extra_operations);
        }
        pair_count = all.len();
        all.sort_by(rank);
        all.truncate(limit);
        pairs = all;
        if pair_count == 0 && single_count == 0 {
            let mut any = Bits::new(n);
            for m in &masks {
                any = any.or(m);
            }
            uncovered = (0..n)
                .filter(|i| !any.get(*i))
                .map(|i| req.items[i].0.clone())
                .collect();
        }
    }
    TargetExplanation {
        targets: names.to_vec(),
        required: n,
        operations_checked: checked,
        builtin_roles: source.to_string(),
        considered: builtins.len(),
        single,
        single_count,
        pairs,
        pair_count,
        uncovered,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::azure::model::PermissionBlock;

    fn role(name: &str, actions: &[&str], not: &[&str], data: &[&str]) -> RoleDefinition {
        RoleDefinition {
            name: name.into(),
            permissions: vec![PermissionBlock {
                actions: actions.iter().map(|s| s.to_string()).collect(),
                not_actions: not.iter().map(|s| s.to_string()).collect(),
                data_actions: data.iter().map(|s| s.to_string()).collect(),
                ..PermissionBlock::default()
            }],
            assignable_scopes: vec!["/".into()],
            builtin: true,
            ..RoleDefinition::default()
        }
    }

    fn ops() -> Operations {
        let mut o = Operations::default();
        o.add("P.Web/sites/slots/config/Read", "Read config", false);
        o.add("P.Web/sites/slots/logs/read", "Read logs", false);
        o.add("P.Web/sites/slots/write", "Write a slot", false);
        o.add("P.Web/sites/slots/files/read", "Read files", true);
        o.finish();
        o
    }

    fn names(v: &[RoleGrant]) -> Vec<&str> {
        v.iter().map(|r| r.role.as_str()).collect()
    }

    #[test]
    fn reverse_lookup_splits_all_from_some() {
        let cat = Catalogue::embedded().unwrap();
        let o = ops();
        let roles = vec![
            role("Everything", &["*"], &[], &[]),
            role("Reads", &["*/read"], &[], &[]),
            role(
                "No logs",
                &["P.Web/*"],
                &["P.Web/sites/slots/logs/read"],
                &[],
            ),
            role("Unrelated", &["Q.Other/*"], &[], &[]),
            role("Data only", &[], &[], &["P.Web/*"]),
            role("Full", &["*"], &[], &["*"]),
        ];
        let e = explain_operation("P.Web/sites/slots/*/read", cat, Some(&o), &roles, "test");
        // The data operation matches too; each operation is judged in its own plane.
        assert_eq!(e.matched.len(), 3);
        assert!(e.exists);
        assert_eq!(names(&e.roles_all), vec!["Full"]);
        assert_eq!(
            names(&e.roles_some),
            vec!["Everything", "Reads", "Data only", "No logs"]
        );
        assert_eq!((e.roles_some[0].granted, e.roles_some[0].of), (2, 3));
        assert_eq!(e.exit_code(), crate::exit::OK);

        // One concrete operation: NotActions remove it from "No logs".
        let e = explain_operation("p.web/sites/slots/logs/READ", cat, Some(&o), &roles, "test");
        assert_eq!(e.matched.len(), 1);
        assert_eq!(names(&e.roles_all), vec!["Everything", "Full", "Reads"]);
        assert!(e.roles_some.is_empty());

        // Nothing matches: no role grants what does not exist, and the exit code says so.
        let e = explain_operation("P.Web/sites/nothing/read", cat, Some(&o), &roles, "test");
        assert!(!e.exists && e.roles_all.is_empty() && e.roles_some.is_empty());
        assert_eq!(e.exit_code(), crate::exit::FINDINGS);
    }

    #[test]
    fn without_an_operations_catalogue_a_pattern_is_judged_whole() {
        let cat = Catalogue::embedded().unwrap();
        let roles = vec![
            role("Web", &["Microsoft.Web/*"], &[], &[]),
            role(
                "Slots minus swap",
                &["Microsoft.Web/*"],
                &["Microsoft.Web/sites/slots/slotsswap/action"],
                &[],
            ),
            role(
                "Config",
                &["Microsoft.Web/sites/slots/config/read"],
                &[],
                &[],
            ),
        ];
        let e = explain_operation(
            "Microsoft.Web/sites/slots/*/Read",
            cat,
            None,
            &roles,
            "test",
        );
        assert!(e.matched.is_empty() && e.exists);
        // The exclusion overlaps the pattern only if it could match something it matches: it can't (…/action).
        assert_eq!(names(&e.roles_all), vec!["Slots minus swap", "Web"]);
        assert_eq!(names(&e.roles_some), vec!["Config"]);
        // The catalogue's webapp target needs exactly this pattern.
        assert!(e
            .needed_by
            .iter()
            .any(|n| n.target == "webapp" && n.relation == "exact"));
        // A seed error is recognised without any dump.
        let e = explain_operation(
            "Microsoft.ContainerRegistry/registries/builds/read",
            cat,
            None,
            &roles,
            "test",
        );
        assert!(!e.exists);
        assert_eq!(e.seed_errors.len(), 1, "{:?}", e.seed_errors);
    }

    #[test]
    fn targets_rank_single_roles_and_fall_back_to_pairs() {
        let cat = Catalogue::embedded().unwrap();
        let opts = crate::catalogue::TargetOptions::default();
        let acr = cat.resolve(&["acr".to_string()]).unwrap();
        let req = AzureRequirements::from_targets(&acr, &opts);
        let roles = vec![
            role("Owner-ish", &["*"], &[], &[]),
            role("Reader-ish", &["*/read"], &[], &[]),
            role("Nothing", &["Q.Other/read"], &[], &[]),
        ];
        let e = explain_targets(&["acr".into()], &req, None, &roles, "test", 5);
        assert_eq!(e.single_count, 2);
        // Without operations, the narrower wildcard ranks first.
        assert_eq!(e.single[0].roles, vec!["Reader-ish"]);
        assert!(e.pairs.is_empty());

        // aks needs data actions no control-plane role grants: no single role, a pair.
        let aks = cat.resolve(&["aks".to_string()]).unwrap();
        let req = AzureRequirements::from_targets(&aks, &opts);
        let roles = vec![
            role(
                "Reader-ish",
                &[
                    "*/read",
                    "Microsoft.ContainerService/managedClusters/listClusterUserCredential/action",
                ],
                &[],
                &[],
            ),
            role(
                "Cluster data",
                &[],
                &[],
                &["Microsoft.ContainerService/managedClusters/*"],
            ),
            role("Owner-ish", &["*"], &[], &[]),
        ];
        let mut o = Operations::default();
        for (op, _, _, _) in &req.items {
            o.add(
                op,
                "",
                op.contains("managedClusters/")
                    && !op.contains("list")
                    && !op.ends_with("managedClusters/read"),
            );
        }
        o.add("Microsoft.Compute/virtualMachines/read", "", false);
        o.add("Microsoft.Compute/virtualMachines/delete", "", false);
        o.finish();
        let e = explain_targets(&["aks".into()], &req, Some(&o), &roles, "test", 5);
        assert_eq!(e.single_count, 0);
        assert_eq!(e.pair_count, 2);
        assert_eq!(e.pairs[0].roles, vec!["Reader-ish", "Cluster data"]);
        // The VM read is beyond the requirement; Owner-ish adds the VM delete too.
        assert_eq!(e.pairs[0].extra_operations, Some(1));
        assert_eq!(e.pairs[1].extra_operations, Some(2));

        // Beside a single role, a pair of narrower roles is shown only when it grants less.
        let acr = cat.resolve(&["acr".to_string()]).unwrap();
        let acr_req = AzureRequirements::from_targets(&acr, &opts);
        let mut o = Operations::default();
        for (op, _, _, _) in &acr_req.items {
            o.add(op, "", false);
        }
        o.add("Microsoft.Compute/virtualMachines/read", "", false);
        o.finish();
        let half = acr_req.items.len() / 2;
        let first: Vec<&str> = acr_req.items[..half].iter().map(|i| i.0.as_str()).collect();
        let rest: Vec<&str> = acr_req.items[half..].iter().map(|i| i.0.as_str()).collect();
        let acr_roles = vec![
            role("Wide", &["*"], &[], &[]),
            role("First half", &first, &[], &[]),
            role("Second half", &rest, &[], &[]),
        ];
        let e = explain_targets(&["acr".into()], &acr_req, Some(&o), &acr_roles, "test", 5);
        assert_eq!(e.single[0].roles, vec!["Wide"]);
        assert_eq!(e.single[0].extra_operations, Some(1));
        assert_eq!(e.pair_count, 1);
        assert_eq!(e.pairs[0].roles, vec!["First half", "Second half"]);
        assert_eq!(e.pairs[0].extra_operations, Some(0));
        // Without a catalogue there is nothing to compare, so no pair is offered beside a single role.
        let e = explain_targets(&["acr".into()], &acr_req, None, &acr_roles, "test", 5);
        assert_eq!(e.pair_count, 0);

        // With only control-plane roles nothing covers aks, and the data actions are named.
        let e = explain_targets(&["aks".into()], &req, None, &roles[..1], "test", 5);
        assert_eq!((e.single_count, e.pair_count), (0, 0));
        assert!(e.uncovered.iter().all(|u| u.contains("managedClusters/")));
        assert!(!e.uncovered.is_empty());
    }
}
