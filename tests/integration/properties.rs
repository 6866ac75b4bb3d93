//! Property tests: the evaluators agree with brute-force models written from the specifications
//! (../shared/reference/azure-rbac.md, ../shared/reference/k8s-rbac.md) on random rules and requests.

use proptest::prelude::*;

use rolegen::azure::evaluate::{grant, Grant};
use rolegen::azure::model::PermissionBlock;
use rolegen::azure::pattern::Pattern;
use rolegen::catalogue::Plane;
use rolegen::k8s::evaluate::{rule_allows, rule_allows_url, uncovered, ResourceRequest};
use rolegen::k8s::model::Rule;

// ---------------------------------------------------------------------------------------------------------
// Azure: `*` matches any run of characters (`/` included), case-insensitively; a string with more than one
// `*` is rejected by Azure and grants nothing but itself.

/// Brute-force glob: tries every split, no cleverness.
fn model_matches(pattern: &str, op: &str) -> bool {
    let (p, o) = (pattern.to_ascii_lowercase(), op.to_ascii_lowercase());
    if p.matches('*').count() != 1 {
        return p == o;
    }
    let (pre, suf) = p.split_once('*').unwrap();
    (0..=o.len()).any(|i| {
        (i..=o.len()).any(|j| {
            o.is_char_boundary(i) && o.is_char_boundary(j) && o[..i] == *pre && o[j..] == *suf
        })
    })
}

fn op_strategy() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(vec!["a", "B", "/", "ab"]), 0..5)
        .prop_map(|v| v.concat())
}

fn pattern_strategy() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        proptest::sample::select(vec!["a", "b", "/", "*", "A"]),
        0..5,
    )
    .prop_map(|v| v.concat())
}

fn one_star_pattern() -> impl Strategy<Value = String> {
    (op_strategy(), proptest::option::of(op_strategy())).prop_map(|(a, b)| match b {
        Some(b) => format!("{a}*{b}"),
        None => a,
    })
}

/// Every string over the alphabet up to length 4: the universe the models quantify over.
fn universe() -> Vec<String> {
    let alphabet = ["a", "b", "/"];
    let mut all = vec![String::new()];
    let mut frontier = vec![String::new()];
    for _ in 0..4 {
        let mut next = Vec::new();
        for s in &frontier {
            for c in alphabet {
                next.push(format!("{s}{c}"));
            }
        }
        all.extend(next.iter().cloned());
        frontier = next;
    }
    all
}

fn block_strategy() -> impl Strategy<Value = PermissionBlock> {
    (
        proptest::collection::vec(pattern_strategy(), 0..3),
        proptest::collection::vec(pattern_strategy(), 0..3),
        proptest::bool::weighted(0.2),
    )
        .prop_map(|(actions, not_actions, cond)| PermissionBlock {
            actions,
            not_actions,
            condition: cond.then(|| "@Resource[x] StringEquals 'y'".to_string()),
            ..Default::default()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn azure_pattern_matching_agrees(p in pattern_strategy(), op in op_strategy()) {
        prop_assert_eq!(Pattern::new(&p).matches(&op), model_matches(&p, &op), "{} vs {}", p, op);
    }

    /// Pattern lookup in the sorted operations table (a prefix range) finds exactly what a scan finds.
    #[test]
    fn operations_matching_agrees_with_a_scan(ops in proptest::collection::vec(op_strategy(), 0..20), p in pattern_strategy()) {
        let mut table = rolegen::azure::operations::Operations::default();
        for o in &ops {
            table.add(o, "", false);
        }
        table.finish();
        let pat = Pattern::new(&p);
        let fast: Vec<&str> = table.matching_folded(&pat).map(|(k, _)| k).collect();
        let scan: Vec<&str> = table.iter_folded().filter(|(k, _)| model_matches(&p, k)).map(|(k, _)| k).collect();
        prop_assert_eq!(fast, scan);
    }

    /// A "covered" answer must never be wrong: if `p` covers `q`, every operation `q` matches, `p` matches.
    #[test]
    fn azure_covers_is_sound(p in one_star_pattern(), q in one_star_pattern()) {
        if Pattern::new(&p).covers(&Pattern::new(&q)) {
            for s in universe() {
                prop_assert!(!model_matches(&q, &s) || model_matches(&p, &s), "{} covers {} but not {}", p, q, s);
            }
        }
    }

    /// "Does not overlap" must never be wrong either (NotActions are checked with it).
    #[test]
    fn azure_overlap_is_sound(p in one_star_pattern(), q in one_star_pattern()) {
        if !Pattern::new(&p).overlaps(&Pattern::new(&q)) {
            for s in universe() {
                prop_assert!(!(model_matches(&p, &s) && model_matches(&q, &s)), "{} and {} both match {}", p, q, s);
            }
        }
    }

    /// An operation is granted when some block allows it and that block's NotActions do not remove it;
    /// granted only by blocks with a condition = conditional.
    #[test]
    fn azure_grant_agrees(blocks in proptest::collection::vec(block_strategy(), 0..4), op in op_strategy()) {
        let grants = |b: &PermissionBlock| {
            b.actions.iter().any(|a| model_matches(a, &op)) && !b.not_actions.iter().any(|n| model_matches(n, &op))
        };
        let expected = if blocks.iter().any(|b| grants(b) && b.condition.is_none()) {
            Grant::Granted
        } else if blocks.iter().any(grants) {
            Grant::Conditional
        } else {
            Grant::Denied
        };
        prop_assert_eq!(grant(&blocks, &op, Plane::Control), expected);
        // The fast path explain uses for concrete operations agrees.
        let compiled = rolegen::azure::evaluate::Compiled::new(&blocks);
        prop_assert_eq!(compiled.grant_folded(&op.to_ascii_lowercase(), Plane::Control), expected);
        // Actions never grant data actions.
        prop_assert_eq!(grant(&blocks, &op, Plane::Data), Grant::Denied);
        prop_assert_eq!(compiled.grant_folded(&op.to_ascii_lowercase(), Plane::Data), Grant::Denied);
    }

    /// A wildcard requirement is granted only when every operation it can match is granted, by one block.
    #[test]
    fn azure_wildcard_requirement_is_sound(blocks in proptest::collection::vec(block_strategy(), 0..3), q in one_star_pattern()) {
        if grant(&blocks, &q, Plane::Control) == Grant::Granted {
            for s in universe().into_iter().filter(|s| model_matches(&q, s)) {
                let ok = blocks.iter().any(|b| b.condition.is_none()
                    && b.actions.iter().any(|a| model_matches(a, &s))
                    && !b.not_actions.iter().any(|n| model_matches(n, &s)));
                prop_assert!(ok, "{} granted but {} is not", q, s);
            }
        }
    }
}

/// Whether any unconditional block allows `op` and does not remove it (the model's grant).
fn model_grants(blocks: &[PermissionBlock], op: &str) -> bool {
    blocks.iter().any(|b| {
        b.condition.is_none()
            && b.actions.iter().any(|a| model_matches(a, op))
            && !b.not_actions.iter().any(|n| model_matches(n, op))
    })
}

/// Roles `r0`, `r1`, … with the given blocks.
fn named_roles(roles: &[Vec<PermissionBlock>]) -> Vec<rolegen::azure::model::RoleDefinition> {
    roles
        .iter()
        .enumerate()
        .map(|(i, b)| rolegen::azure::model::RoleDefinition {
            name: format!("r{i}"),
            permissions: b.clone(),
            ..Default::default()
        })
        .collect()
}

/// An operations catalogue of control-plane operations.
fn control_operations(names: &[String]) -> rolegen::azure::operations::Operations {
    let mut ops = rolegen::azure::operations::Operations::default();
    for o in names {
        ops.add(o, "", false);
    }
    ops.finish();
    ops
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// `explain PATTERN`: the roles granting every matched operation and those granting some, against
    /// brute force over the catalogue.
    #[test]
    fn explain_reverse_lookup_agrees(
        roles in proptest::collection::vec(proptest::collection::vec(block_strategy(), 1..3), 1..6),
        p in one_star_pattern(),
        catalogue in proptest::collection::vec(op_strategy(), 1..12),
    ) {
        use std::collections::BTreeSet;
        let builtins = named_roles(&roles);
        let ops = control_operations(&catalogue);
        let cat = rolegen::catalogue::Catalogue::embedded().unwrap();
        let e = rolegen::explain::explain_operation(&p, cat, Some(&ops), &builtins, "test");
        let matched: BTreeSet<String> = catalogue
            .iter()
            .map(|o| o.to_ascii_lowercase())
            .filter(|o| model_matches(&p, o))
            .collect();
        prop_assert_eq!(e.matched.len(), matched.len());
        let (mut all, mut some) = (BTreeSet::new(), BTreeSet::new());
        if !matched.is_empty() {
            for (i, b) in roles.iter().enumerate() {
                let n = matched.iter().filter(|o| model_grants(b, o)).count();
                if n == matched.len() {
                    all.insert(format!("r{i}"));
                } else if n > 0 {
                    some.insert(format!("r{i}"));
                }
            }
        }
        let got_all: BTreeSet<String> = e.roles_all.iter().map(|r| r.role.clone()).collect();
        let got_some: BTreeSet<String> = e
            .roles_some
            .iter()
            .filter(|r| r.granted > 0)
            .map(|r| r.role.clone())
            .collect();
        prop_assert_eq!(got_all, all);
        prop_assert_eq!(got_some, some);
    }

    /// `explain --target`: the single roles that cover every required operation, else the pairs that do,
    /// and how many catalogue operations each grants beyond the requirement, against brute force.
    #[test]
    fn explain_targets_agrees(
        roles in proptest::collection::vec(proptest::collection::vec(block_strategy(), 1..3), 1..6),
        req in proptest::collection::vec(op_strategy(), 1..4),
        catalogue in proptest::collection::vec(op_strategy(), 0..12),
    ) {
        use std::collections::BTreeSet;
        let builtins = named_roles(&roles);
        let mut items: Vec<(String, Plane, String, String)> = Vec::new();
        for op in &req {
            if !items.iter().any(|i| i.0.eq_ignore_ascii_case(op)) {
                items.push((op.clone(), Plane::Control, String::new(), "t".into()));
            }
        }
        let r = rolegen::audit::AzureRequirements { items, scopes: Vec::new() };
        let ops = control_operations(&catalogue);
        let e = rolegen::explain::explain_targets(&["t".into()], &r, Some(&ops), &builtins, "test", 1000);

        let covers = |set: &[usize]| r.items.iter().all(|(op, ..)| set.iter().any(|&i| model_grants(&roles[i], op)));
        let unique: BTreeSet<String> = catalogue.iter().map(|o| o.to_ascii_lowercase()).collect();
        let extra = |set: &[usize]| unique
            .iter()
            .filter(|o| set.iter().any(|&i| model_grants(&roles[i], o)))
            .filter(|o| !r.items.iter().any(|(op, ..)| op.eq_ignore_ascii_case(o)))
            .count();
        let name = |i: usize| format!("r{i}");

        let singles: Vec<usize> = (0..roles.len()).filter(|&i| covers(&[i])).collect();
        prop_assert_eq!(e.single_count, singles.len());
        for c in &e.single {
            let i: usize = c.roles[0][1..].parse().unwrap();
            prop_assert!(singles.contains(&i));
            prop_assert_eq!(c.extra_operations, Some(extra(&[i])), "{}", name(i));
        }
        let ranked: Vec<Option<usize>> = e.single.iter().map(|c| c.extra_operations).collect();
        prop_assert!(ranked.windows(2).all(|w| w[0] <= w[1]), "not smallest first: {:?}", ranked);
        // Pairs of roles neither of which covers alone; beside a single role, only those granting less.
        let best = singles.iter().map(|&i| extra(&[i])).min();
        let mut pairs = BTreeSet::new();
        for i in 0..roles.len() {
            for j in i + 1..roles.len() {
                if !covers(&[i]) && !covers(&[j]) && covers(&[i, j])
                    && best.is_none_or(|b| extra(&[i, j]) < b)
                {
                    pairs.insert((name(i), name(j)));
                }
            }
        }
        prop_assert_eq!(e.pair_count, pairs.len());
        for c in &e.pairs {
            let (a, b) = (c.roles[0].clone(), c.roles[1].clone());
            prop_assert!(pairs.contains(&(a.clone(), b.clone())));
            let ia: usize = a[1..].parse().unwrap();
            let ib: usize = b[1..].parse().unwrap();
            prop_assert_eq!(c.extra_operations, Some(extra(&[ia, ib])));
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Kubernetes: exact, case-sensitive matching; `*`; `*/sub` for subresource requests only; resourceNames
// empty = all, and a request without a name never matches a named rule; URL `*` suffix = prefix.

const GROUPS: &[&str] = &["", "apps", "*"];
const RESOURCES: &[&str] = &[
    "pods",
    "pods/log",
    "deployments",
    "deployments/scale",
    "*",
    "*/scale",
    "pods/*",
];
const VERBS: &[&str] = &["get", "list", "create", "*"];
const NAMES: &[&str] = &["a", "b"];
const URLS: &[&str] = &["/healthz", "/api*", "/api/*", "*", "/metrics"];

fn pick(from: &'static [&'static str], max: usize) -> impl Strategy<Value = Vec<String>> {
    proptest::sample::subsequence(from, 0..=max)
        .prop_map(|v| v.into_iter().map(str::to_string).collect())
}

fn rule_strategy() -> impl Strategy<Value = Rule> {
    prop_oneof![
        4 => (pick(GROUPS, 2), pick(RESOURCES, 3), pick(VERBS, 2), pick(NAMES, 1)).prop_map(|(g, r, v, n)| Rule {
            api_groups: g,
            resources: r,
            verbs: v,
            resource_names: n,
            ..Rule::default()
        }),
        1 => (pick(URLS, 2), pick(VERBS, 2)).prop_map(|(u, v)| Rule {
            non_resource_urls: u,
            verbs: v,
            ..Rule::default()
        }),
    ]
}

/// The spec's matchers, written independently of the implementation.
fn model_allows(rule: &Rule, group: &str, resource: &str, verb: &str, name: Option<&str>) -> bool {
    let any = |l: &[String], x: &str| l.iter().any(|e| e == "*" || e == x);
    let resource_ok = rule.resources.iter().any(|r| {
        if r == "*" || r == resource {
            return true;
        }
        match (r.strip_prefix("*/"), resource.find('/')) {
            (Some(sub), Some(i)) => &resource[i + 1..] == sub,
            _ => false,
        }
    });
    let name_ok = rule.resource_names.is_empty()
        || name.is_some_and(|n| rule.resource_names.iter().any(|x| x == n));
    any(&rule.verbs, verb) && any(&rule.api_groups, group) && resource_ok && name_ok
}

fn model_allows_url(rule: &Rule, url: &str, verb: &str) -> bool {
    let url_ok = rule
        .non_resource_urls
        .iter()
        .any(|u| u == "*" || u == url || (u.ends_with('*') && url.starts_with(&u[..u.len() - 1])));
    rule.verbs.iter().any(|v| v == "*" || v == verb) && url_ok
}

/// Request values: everything the rules mention plus values no rule names (tomorrow's resources and verbs).
type Universe = (
    Vec<&'static str>,
    Vec<&'static str>,
    Vec<&'static str>,
    Vec<Option<&'static str>>,
    Vec<&'static str>,
);

fn request_universe() -> Universe {
    let groups = vec!["", "apps", "*", "batch"];
    let resources = vec![
        "pods",
        "pods/log",
        "deployments",
        "deployments/scale",
        "*",
        "*/scale",
        "pods/*",
        "jobs",
        "jobs/scale",
        "pods/exec",
        "*/*",
    ];
    let verbs = vec!["get", "list", "create", "*", "patch"];
    let names = vec![None, Some("a"), Some("b"), Some("c")];
    let urls = vec![
        "/healthz", "/api*", "/api/*", "*", "/metrics", "/apix", "/api/v1", "/other",
    ];
    (groups, resources, verbs, names, urls)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn kubernetes_matching_agrees(rule in rule_strategy()) {
        let (groups, resources, verbs, names, urls) = request_universe();
        for g in &groups { for r in &resources { for v in &verbs { for n in &names {
            let req = ResourceRequest { group: g, resource: r, verb: v, name: *n };
            prop_assert_eq!(rule_allows(&rule, &req), model_allows(&rule, g, r, v, *n), "{:?} {:?}", rule, req);
        }}}}
        for u in &urls { for v in &verbs {
            prop_assert_eq!(rule_allows_url(&rule, u, v), model_allows_url(&rule, u, v));
        }}
    }

    /// Covers (atoms, each covered by one owner rule) agrees with brute force: the owner allows every request
    /// the servant allows, over a universe that includes values no rule names.
    #[test]
    fn kubernetes_covers_agrees(owner in proptest::collection::vec(rule_strategy(), 0..4),
                                servant in proptest::collection::vec(rule_strategy(), 0..3)) {
        let (groups, resources, verbs, names, urls) = request_universe();
        let mut brute = true;
        for g in &groups { for r in &resources { for v in &verbs { for n in &names {
            let s = servant.iter().any(|x| model_allows(x, g, r, v, *n));
            let o = owner.iter().any(|x| model_allows(x, g, r, v, *n));
            if s && !o { brute = false; }
        }}}}
        for u in &urls { for v in &verbs {
            if servant.iter().any(|x| model_allows_url(x, u, v)) && !owner.iter().any(|x| model_allows_url(x, u, v)) {
                brute = false;
            }
        }}
        let covered = uncovered(&owner, &servant).is_empty();
        // Covers is syntactic: it may refuse what a finite universe cannot tell apart, never the reverse.
        if covered {
            prop_assert!(brute, "Covers says covered, brute force disagrees: owner {:?} servant {:?}", owner, servant);
        }
        // And when brute force finds every request covered, Covers agrees unless a servant atom carries a
        // wildcard or prefix only a matching wildcard can cover.
        let syntactic_only = servant.iter().any(|r| {
            r.verbs.iter().any(|v| v == "*") || r.api_groups.iter().any(|g| g == "*")
                || r.resources.iter().any(|x| x.contains('*')) || r.non_resource_urls.iter().any(|u| u.contains('*'))
        });
        if brute && !syntactic_only {
            prop_assert!(covered, "brute force says covered, Covers disagrees: owner {:?} servant {:?}", owner, servant);
        }
    }
}
