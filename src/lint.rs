//! Lint: the audit engine without a requirement. Pure functions from a role (and, for Azure, the operations
//! catalogue when the user supplied one) to findings with stable rule ids. Severity `error` is kept for what
//! Azure or Kubernetes would reject or what is certainly wrong; risks are warnings.
//!
//! Facts: ../shared/reference/azure-rbac.md §2–3 (grammar, one `*`, scopes, planes, unknown operations) and
//! ../shared/reference/k8s-rbac.md §1.2, §3, §6, §8 (validation, matching, served resources, dangerous grants).

use crate::azure::model::{List, PermissionBlock, RoleDefinition};
use crate::azure::operations::Operations;
use crate::azure::pattern::{self, Pattern, SyntaxProblem};
use crate::catalogue::{Catalogue, Plane};
use crate::finding::{Finding, Severity};
use crate::k8s::api::{KubernetesApi, Lookup};
use crate::k8s::model::{K8sRole, RoleKind, Rule};

/// Every rule: id, severity, what it means (README and SARIF rule metadata).
pub const RULES: &[(&str, Severity, &str)] = &[
    ("unknown-operation", Severity::Error, "an action or data action that no provider offers (Azure rejects the whole role)"),
    ("misplaced-data-action", Severity::Error, "a data action under Actions, or a control action under DataActions"),
    ("wildcard-matches-nothing", Severity::Warning, "a wildcard that matches no operation in the catalogue"),
    ("too-many-wildcards", Severity::Error, "more than one `*` in an action (Azure allows one)"),
    ("acr-wildcard", Severity::Warning, "a wildcard over Azure Container Registry permissions, which ACR's repository-scoped custom roles do not support"),
    ("invalid-assignable-scope", Severity::Error, "`/`, a wildcard, more than one management group, or data actions with a management-group scope"),
    ("owner-equivalent", Severity::Warning, "`*` actions with nothing removing Microsoft.Authorization writes, at subscription, management-group, root or placeholder scope (CKV_AZURE_39, with NotActions counted)"),
    ("wildcard-grant", Severity::Warning, "`*` or a whole provider (`Provider/*`) in Actions or DataActions; Kubernetes: `*` in verbs, apiGroups or resources (CKV_K8S_49)"),
    ("privilege-escalation", Severity::Warning, "writes under Microsoft.Authorization, role assignment or definition writes, elevateAccess"),
    ("malformed-action", Severity::Error, "a blank action, one padded with white space, a trailing slash or another shape Azure rejects"),
    ("duplicate-action", Severity::Warning, "the same action twice in one list, equal but for case"),
    ("nonexistent-resource", Severity::Error, "an (apiGroup, resource) pair no built-in API serves"),
    ("cluster-scoped-in-role", Severity::Warning, "a cluster-scoped resource in a namespaced Role (inert, except the Namespace object itself)"),
    ("unsupported-verb", Severity::Error, "a verb the resource does not serve (e.g. list on deployments/scale)"),
    ("resource-names-ignored", Severity::Warning, "resourceNames never restrict create or deletecollection (warning); with list or watch only a field-selected name matches (info)"),
    ("non-resource-url-in-role", Severity::Error, "nonResourceURLs in a Role (the API server rejects it) or mixed with resources"),
    ("dangerous-permission", Severity::Warning, "escalate, bind, impersonate, secrets get/list/watch, pods/exec, nodes/proxy, serviceaccounts/token create, admission webhook configuration writes, CSR approval (CKV_K8S_155–158, CKV2_K8S_5)"),
];

fn severity_of(id: &str) -> Severity {
    RULES
        .iter()
        .find(|r| r.0 == id)
        .map(|r| r.1)
        .unwrap_or(Severity::Warning)
}

fn finding(id: &'static str, message: String) -> Finding {
    Finding::new(id, severity_of(id), message)
}

/// Strings the embedded catalogue knows to be wrong (the seed's errors), with what to use instead.
fn known_bad(catalogue: &Catalogue) -> Vec<(String, Option<String>, String)> {
    let mut out = Vec::new();
    for t in &catalogue.targets {
        for p in &t.permissions {
            if let Some(c) = &p.correction {
                if !c.source.contains(' ') {
                    out.push((
                        c.source.clone(),
                        Some(p.operation.clone()),
                        c.reason.clone(),
                    ));
                }
            }
        }
        for d in &t.dropped {
            out.push((d.source.clone(), d.instead.clone(), d.reason.clone()));
        }
    }
    out
}

/// Lints Azure role definitions. Built once per run: the catalogue's known-bad strings and, with a user
/// operations catalogue, its names grouped by provider namespace (for did-you-mean).
pub struct AzureLinter<'o> {
    bad: Vec<(String, Option<String>, String)>,
    operations: Option<&'o Operations>,
    /// Folded provider namespace → the operation names under it, in catalogue order.
    by_provider: std::collections::BTreeMap<String, Vec<&'o str>>,
}

impl<'o> AzureLinter<'o> {
    pub fn new(catalogue: &Catalogue, operations: Option<&'o Operations>) -> AzureLinter<'o> {
        let mut by_provider: std::collections::BTreeMap<String, Vec<&'o str>> =
            std::collections::BTreeMap::new();
        for info in operations.iter().flat_map(|o| o.iter()) {
            by_provider
                .entry(namespace_of(&info.name))
                .or_default()
                .push(info.name.as_str());
        }
        AzureLinter {
            bad: known_bad(catalogue),
            operations,
            by_provider,
        }
    }

    /// Lints one Azure role definition.
    pub fn lint(&self, role: &RoleDefinition) -> Vec<Finding> {
        lint_azure(role, self)
    }

    /// The closest known operation: among the operations of the same provider namespace, or of the closest
    /// namespace when the namespace itself is unknown (`Microsoft.Resource` → `Microsoft.Resources`).
    pub fn suggest(&self, a: &str) -> Option<&'o str> {
        let mut ns = namespace_of(a);
        if !self.by_provider.contains_key(&ns) {
            let providers: Vec<&str> = self.by_provider.keys().map(String::as_str).collect();
            ns = crate::text::closest(&ns, &providers)?.to_string();
        }
        crate::text::closest(a, self.by_provider.get(&ns)?)
    }
}

fn namespace_of(s: &str) -> String {
    s.split('/').next().unwrap_or("").to_ascii_lowercase()
}

fn lint_azure(role: &RoleDefinition, linter: &AzureLinter) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut has_data = false;
    for (b, block) in role.permissions.iter().enumerate() {
        has_data |= !block.data_actions.is_empty();
        for (list, kind, entries, plane, allow) in [
            (
                "Actions",
                List::Actions,
                &block.actions,
                Plane::Control,
                true,
            ),
            (
                "NotActions",
                List::NotActions,
                &block.not_actions,
                Plane::Control,
                false,
            ),
            (
                "DataActions",
                List::DataActions,
                &block.data_actions,
                Plane::Data,
                true,
            ),
            (
                "NotDataActions",
                List::NotDataActions,
                &block.not_data_actions,
                Plane::Data,
                false,
            ),
        ] {
            let mut seen: Vec<String> = Vec::new();
            for (i, a) in entries.iter().enumerate() {
                let at = role.spans.get(b, kind, i);
                let from = out.len();
                lint_entry(a, list, plane, allow, linter, &mut out);
                let folded = a.to_ascii_lowercase();
                if seen.contains(&folded) {
                    out.push(finding(
                        "duplicate-action",
                        format!("{list} lists {a:?} twice (equal but for case)"),
                    ));
                } else {
                    seen.push(folded);
                }
                crate::finding::place(&mut out[from..], at);
            }
        }
        lint_block_risks(block, b, role, &mut out);
    }
    // Assignable scopes.
    let mut mgs = 0;
    for (i, s) in role.assignable_scopes.iter().enumerate() {
        let from = out.len();
        let t = s.trim();
        if t == "/" && !role.builtin {
            out.push(finding(
                "invalid-assignable-scope",
                "assignable scope \"/\" (root) is not allowed for custom roles".into(),
            ));
        }
        if t.contains('*') {
            out.push(finding(
                "invalid-assignable-scope",
                format!("assignable scope {s:?} has a wildcard; Azure does not allow wildcards in scopes"),
            ));
        }
        if t.to_ascii_lowercase()
            .contains("/providers/microsoft.management/managementgroups/")
        {
            mgs += 1;
            if has_data {
                out.push(finding(
                    "invalid-assignable-scope",
                    format!("assignable scope {s:?} is a management group, and the role has data actions: it can be created but not assigned there"),
                ));
            }
        }
        let at = role.spans.get(0, List::AssignableScopes, i);
        crate::finding::place(&mut out[from..], at);
    }
    if mgs > 1 {
        out.push(finding(
            "invalid-assignable-scope",
            format!("{mgs} management groups among the assignable scopes; Azure allows one"),
        ));
    }
    out
}

fn lint_entry(
    a: &str,
    list: &str,
    plane: Plane,
    allow: bool,
    linter: &AzureLinter,
    out: &mut Vec<Finding>,
) {
    let problems = pattern::syntax_problems(a);
    for p in &problems {
        match p {
            SyntaxProblem::TooManyWildcards(_) => out.push(finding(
                "too-many-wildcards",
                format!("{list} entry {a:?} {}", p.describe()),
            )),
            _ => out.push(finding(
                "malformed-action",
                format!("{list} entry {a:?} {}", p.describe()),
            )),
        }
    }
    if !problems.is_empty() {
        return;
    }
    if allow
        && a.to_ascii_lowercase()
            .starts_with("microsoft.containerregistry/")
        && a.contains('*')
    {
        out.push(finding(
            "acr-wildcard",
            format!("{list} entry {a:?} uses a wildcard over Azure Container Registry permissions; ACR's repository-scoped roles take explicit permissions"),
        ));
    }
    if let Some((_, instead, reason)) = linter.bad.iter().find(|b| b.0.eq_ignore_ascii_case(a)) {
        let hint = instead
            .as_ref()
            .map(|i| format!("; did you mean {i}?"))
            .unwrap_or_default();
        out.push(finding(
            "unknown-operation",
            format!(
                "{list} entry {a:?} is not an Azure operation ({}){hint}",
                reason.trim()
            ),
        ));
        return;
    }
    let Some(ops) = linter.operations else {
        return;
    };
    let p = Pattern::new(a);
    if p.is_wildcard() {
        let mut any = false;
        let mut in_plane = false;
        for info in ops.matching(&p) {
            any = true;
            if info.in_plane(plane) {
                in_plane = true;
                break;
            }
        }
        if !any || !in_plane {
            out.push(finding(
                "wildcard-matches-nothing",
                format!(
                    "{list} entry {a:?} matches no {} operation in the operations catalogue",
                    if plane == Plane::Data {
                        "data"
                    } else {
                        "control-plane"
                    }
                ),
            ));
        }
        return;
    }
    match ops.get(a) {
        Some(info) if !info.in_plane(plane) => out.push(finding(
            "misplaced-data-action",
            format!(
                "{list} entry {a:?} is a {} operation; it belongs under {}",
                if info.data { "data" } else { "control-plane" },
                match (plane, allow) {
                    (Plane::Control, true) => "DataActions",
                    (Plane::Control, false) => "NotDataActions",
                    (Plane::Data, true) => "Actions",
                    (Plane::Data, false) => "NotActions",
                }
            ),
        )),
        Some(_) => {}
        None => {
            let guess = linter
                .suggest(a)
                .map(|g| format!("; did you mean {g}?"))
                .unwrap_or_default();
            out.push(finding(
                "unknown-operation",
                format!("{list} entry {a:?} is not in the operations catalogue{guess}"),
            ));
        }
    }
}

const AUTHZ_WRITES: &[&str] = &[
    "Microsoft.Authorization/roleAssignments/write",
    "Microsoft.Authorization/roleDefinitions/write",
    "Microsoft.Authorization/elevateAccess/action",
    "Microsoft.Authorization/policyAssignments/write",
    "Microsoft.Authorization/locks/delete",
];

fn lint_block_risks(
    block: &PermissionBlock,
    b: usize,
    role: &RoleDefinition,
    out: &mut Vec<Finding>,
) {
    // The first Actions entry matching `op`, to point at.
    let entry_of = |op: &str| {
        block
            .actions
            .iter()
            .position(|a| Pattern::new(a).matches(op))
            .and_then(|i| role.spans.get(b, List::Actions, i))
    };
    for (list, kind, entries) in [
        ("Actions", List::Actions, &block.actions),
        ("DataActions", List::DataActions, &block.data_actions),
    ] {
        for (i, a) in entries.iter().enumerate() {
            let t = a.trim();
            let whole_provider = t
                .split_once('/')
                .is_some_and(|(ns, rest)| rest == "*" && ns.contains('.'));
            if t == "*" || whole_provider {
                out.push(
                    finding(
                        "wildcard-grant",
                        format!(
                        "{list} grants {t:?}: every operation of {}, including those added later{}",
                        if t == "*" {
                            "every provider"
                        } else {
                            "the provider"
                        },
                        if block.not_actions.is_empty() && block.not_data_actions.is_empty() {
                            ""
                        } else {
                            " (NotActions trim it, but it still grants tomorrow's operations)"
                        }
                    ),
                    )
                    .at(role.spans.get(b, kind, i)),
                );
            }
        }
    }
    // What this block grants under Microsoft.Authorization.
    let removed = |op: &str| {
        block
            .not_actions
            .iter()
            .any(|n| Pattern::new(n).matches(op))
    };
    let grants =
        |op: &str| block.actions.iter().any(|a| Pattern::new(a).matches(op)) && !removed(op);
    let escalating: Vec<&str> = AUTHZ_WRITES
        .iter()
        .copied()
        .filter(|op| grants(op))
        .collect();
    let star = block.actions.iter().any(|a| a.trim() == "*");
    if star && grants("Microsoft.Authorization/roleAssignments/write") {
        let wide = role.assignable_scopes.is_empty()
            || role.assignable_scopes.iter().any(|s| {
                let l = s.to_ascii_lowercase();
                let level = crate::azure::scope::level_of(s);
                s.trim() == "/"
                    || l.contains("managementgroups")
                    || level.is_none()
                    || level >= Some(crate::catalogue::ScopeLevel::Subscription)
            });
        if wide {
            out.push(finding(
                "owner-equivalent",
                "Actions grant \"*\" and nothing in NotActions removes Microsoft.Authorization writes: the role can assign itself any role, as Owner can".into(),
            ).at(entry_of("Microsoft.Authorization/roleAssignments/write")));
            return;
        }
    }
    if !escalating.is_empty() {
        out.push(
            finding(
                "privilege-escalation",
                format!(
                    "the role grants {}: whoever holds it can grant access, including to itself",
                    escalating.join(", ")
                ),
            )
            .at(entry_of(escalating[0])),
        );
    } else if let Some(i) = block.actions.iter().position(|a| {
        let l = a.to_ascii_lowercase();
        l.starts_with("microsoft.authorization/") && (l.ends_with("/write") || l.ends_with("/*"))
    }) {
        out.push(
            finding(
                "privilege-escalation",
                "the role writes under Microsoft.Authorization (policies, locks or access)".into(),
            )
            .at(role.spans.get(b, List::Actions, i)),
        );
    }
}

/// Lints one Kubernetes role. `kind` decides which checks apply (Role vs ClusterRole).
pub fn lint_k8s(role: &K8sRole, api: &KubernetesApi) -> Vec<Finding> {
    let mut out = Vec::new();
    for r in &role.rules {
        let at = |f: Finding| f.at(r.pos);
        lint_rule(role, r, api, &mut |f| out.push(at(f)));
    }
    out
}

fn lint_rule(role: &K8sRole, r: &Rule, api: &KubernetesApi, out: &mut dyn FnMut(Finding)) {
    let is_role = role.kind == RoleKind::Role;
    if !r.non_resource_urls.is_empty() {
        if is_role {
            out(finding(
                "non-resource-url-in-role",
                format!("a Role cannot grant nonResourceURLs ({}); the API server rejects it — use a ClusterRole", r.non_resource_urls.join(", ")),
            ));
        } else if !r.resources.is_empty() || !r.api_groups.is_empty() {
            out(finding(
                "non-resource-url-in-role",
                "a rule with nonResourceURLs cannot also name apiGroups or resources; the API server rejects it".into(),
            ));
        }
    }
    for (what, list) in [
        ("verbs", &r.verbs),
        ("apiGroups", &r.api_groups),
        ("resources", &r.resources),
    ] {
        if list.iter().any(|x| x == "*") {
            out(finding(
                "wildcard-grant",
                format!(
                    "{what} holds \"*\": the rule grants every {} now and later",
                    &what[..what.len() - 1]
                ),
            ));
        }
    }
    if r.non_resource_urls.iter().any(|u| u == "*") {
        out(finding(
            "wildcard-grant",
            "nonResourceURLs holds \"*\": every non-resource path".into(),
        ));
    }
    for g in &r.api_groups {
        for res in &r.resources {
            // `x/finalizers` is checked by the OwnerReferencesPermissionEnforcement admission plugin for any
            // resource, not served (https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#ownerreferencespermissionenforcement).
            if g == "*" || res == "*" || res.starts_with("*/") || res.ends_with("/finalizers") {
                continue;
            }
            if res.is_empty() {
                out(finding(
                    "nonexistent-resource",
                    format!(
                        "resources holds an empty string (with group {:?}); it matches no resource",
                        g
                    ),
                ));
                continue;
            }
            let shown = if g.is_empty() {
                "\"\"".to_string()
            } else {
                g.clone()
            };
            match api.lookup(g, res) {
                Lookup::UnknownGroup => {}
                Lookup::NoSuchResource | Lookup::NoSuchSubresource => out(finding(
                    "nonexistent-resource",
                    format!("no built-in API serves {res} in group {shown}; the rule grants nothing for this pair"),
                )),
                Lookup::Found { namespaced, verbs, .. } => {
                    if is_role && !namespaced {
                        if g.is_empty() && res == "namespaces" {
                            if r.verbs.iter().all(|v| v == "get") {
                                out(Finding::new(
                                    "cluster-scoped-in-role",
                                    Severity::Info,
                                    "namespaces is cluster-scoped: in a Role, get reaches only the Role's own Namespace object".to_string(),
                                ));
                            } else {
                                out(finding(
                                    "cluster-scoped-in-role",
                                    format!("namespaces is cluster-scoped: in a Role, {} never apply (they are cluster requests) and update/patch/delete reach the Role's own Namespace, letting the tenant relabel or delete it; keep get only", r.verbs.iter().filter(|v| *v != "get").cloned().collect::<Vec<_>>().join(", ")),
                                ));
                            }
                        } else {
                            out(finding(
                                "cluster-scoped-in-role",
                                format!("{res} ({shown}) is cluster-scoped: a Role cannot grant it (use a ClusterRole and ClusterRoleBinding)"),
                            ));
                        }
                    }
                    let unsupported: Vec<&String> = r
                        .verbs
                        .iter()
                        .filter(|v| *v != "*" && !verbs.contains(v) && !is_special(g, res, v))
                        .collect();
                    if !unsupported.is_empty() {
                        out(finding(
                            "unsupported-verb",
                            format!(
                                "{res} ({shown}) does not serve {}; it serves {}",
                                unsupported.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", "),
                                verbs.join(", ")
                            ),
                        ));
                    }
                }
            }
        }
    }
    if !r.resource_names.is_empty() {
        let never: Vec<&str> = r
            .verbs
            .iter()
            .map(String::as_str)
            .filter(|v| *v == "create" || *v == "deletecollection")
            .collect();
        if !never.is_empty() {
            out(finding(
                "resource-names-ignored",
                format!("resourceNames never restrict {}: such requests carry no name, so this rule does not grant them", never.join(", ")),
            ));
        }
        let selected: Vec<&str> = r
            .verbs
            .iter()
            .map(String::as_str)
            .filter(|v| *v == "list" || *v == "watch")
            .collect();
        if !selected.is_empty() {
            out(Finding::new(
                "resource-names-ignored",
                Severity::Info,
                format!("with resourceNames, {} match only requests that select one name by field selector (metadata.name)", selected.join(" and ")),
            ));
        }
    }
    for d in dangerous(r) {
        out(finding("dangerous-permission", d));
    }
}

/// Special verbs Kubernetes authorizes on resources that do not serve them as REST verbs.
fn is_special(group: &str, resource: &str, verb: &str) -> bool {
    match verb {
        "bind" | "escalate" => {
            group == "rbac.authorization.k8s.io"
                && (resource == "roles" || resource == "clusterroles")
        }
        "impersonate" => {
            (group.is_empty() && matches!(resource, "users" | "groups" | "serviceaccounts"))
                || (group == "authentication.k8s.io" && resource == "userextras")
        }
        "approve" => group == "certificates.k8s.io" && resource == "signers",
        "use" => resource == "podsecuritypolicies",
        // The legacy proxy verb (`/api/v1/proxy/...`), still accepted by kubectl create role.
        "proxy" => group.is_empty() && matches!(resource, "nodes" | "services" | "pods"),
        _ => false,
    }
}

fn dangerous(r: &Rule) -> Vec<String> {
    // A grant limited to some names is still dangerous: match everything but the names.
    let grants = |group: &str, resource: &str, verb: &str| {
        use crate::k8s::evaluate::{group_matches, resource_matches, verb_matches};
        verb_matches(r, verb) && group_matches(r, group) && resource_matches(r, resource)
    };
    // Wildcard rules are reported once as wildcard-grant; these name what a specific grant allows.
    if r.verbs.iter().any(|v| v == "*") && r.resources.iter().any(|x| x == "*") {
        return Vec::new();
    }
    let mut out = Vec::new();
    let checks: &[(&str, &str, &[&str], &str)] = &[
        (
            "rbac.authorization.k8s.io",
            "roles",
            &["escalate", "bind"],
            "bypasses the RBAC escalation check (CKV_K8S_157, CKV_K8S_158)",
        ),
        (
            "rbac.authorization.k8s.io",
            "clusterroles",
            &["escalate", "bind"],
            "bypasses the RBAC escalation check (CKV_K8S_157, CKV_K8S_158)",
        ),
        (
            "",
            "users",
            &["impersonate"],
            "acts as any user, including system:masters members",
        ),
        (
            "",
            "groups",
            &["impersonate"],
            "acts as any group, including system:masters",
        ),
        (
            "",
            "serviceaccounts",
            &["impersonate"],
            "acts as any service account",
        ),
        (
            "",
            "secrets",
            &["get", "list", "watch"],
            "reads Secrets, including service account tokens (CKV2_K8S_5)",
        ),
        ("", "pods/exec", &["create", "get"], "runs commands in pods"),
        (
            "",
            "pods/attach",
            &["create", "get"],
            "attaches to running containers",
        ),
        (
            "",
            "nodes/proxy",
            &["get", "create", "update", "patch", "delete"],
            "reaches the kubelet API: exec in every pod on the node, bypassing audit and admission",
        ),
        (
            "",
            "serviceaccounts/token",
            &["create"],
            "mints tokens for any service account in scope",
        ),
        (
            "admissionregistration.k8s.io",
            "validatingwebhookconfigurations",
            &["create", "update", "patch"],
            "can intercept every admitted object (CKV_K8S_155)",
        ),
        (
            "admissionregistration.k8s.io",
            "mutatingwebhookconfigurations",
            &["create", "update", "patch"],
            "can rewrite every admitted object (CKV_K8S_155)",
        ),
        (
            "certificates.k8s.io",
            "certificatesigningrequests/approval",
            &["update", "patch"],
            "approves certificate requests: arbitrary client certificates (CKV_K8S_156)",
        ),
        (
            "certificates.k8s.io",
            "signers",
            &["approve"],
            "approves certificate requests: arbitrary client certificates (CKV_K8S_156)",
        ),
    ];
    for (group, resource, verbs, why) in checks {
        let hit: Vec<&str> = verbs
            .iter()
            .copied()
            .filter(|v| grants(group, resource, v))
            .collect();
        if !hit.is_empty() {
            let g = if group.is_empty() { "\"\"" } else { group };
            out.push(format!("{} {g} {resource}: {why}", hit.join(", ")));
        }
    }
    out
}
