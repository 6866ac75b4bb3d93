//! The commands that read inputs (audit, diff): expand inputs, read each file, run the pure audit or diff,
//! render.
//!
//! Audit streams: each file is read, its Azure roles audited and dropped; only the compact model of the
//! Kubernetes objects (which cross-file resolution needs: aggregation and bindings) is kept until the end.

use std::io::{Read, Write};

use crate::audit::{self, AzureRequirements, K8sRequirements, RoleResult};
use crate::azure::model::RoleDefinition;
use crate::builtin::BuiltinRoles;
use crate::catalogue::{Catalogue, Platform, TargetOptions};
use crate::cli::{AuditArgs, TableOrJson};
use crate::diff::{self as rdiff, DiffReport};
use crate::error::{Error, Result};
use crate::finding::{Finding, Severity};
use crate::inputs::{self, Input};
use crate::k8s::api::KubernetesApi;
use crate::k8s::evaluate::{self as k8seval, Reach};
use crate::k8s::model::{BindingKind, K8sBinding, K8sRole, Object, RoleKind};
use crate::output;
use crate::roles::{self, InputFormat, Loaded};

/// Placeholder for "the namespace the Role will be applied to" when neither the Role nor --namespace says.
const UNSET_NAMESPACE: &str = "<namespace>";

/// Reads one input and decodes it.
pub(crate) fn read_input(input: &Input) -> Result<String> {
    match input {
        Input::Stdin => {
            let mut b = Vec::new();
            std::io::stdin()
                .read_to_end(&mut b)
                .map_err(|e| Error::io("<stdin>", e))?;
            crate::input::decode(&input.display(), &b)
        }
        Input::File(p) => crate::input::read_text(p),
    }
}

/// Worker threads for reading and judging: one per core, at most 8.
fn parallelism() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8)
}

/// Where a Kubernetes role applies, the namespace it is judged in, and findings that explain it.
type Judgement = (Vec<Reach>, Option<String>, Vec<Finding>);

/// A Kubernetes role kept for the end of the audit, with where it came from.
struct KeptRole {
    file: String,
    role: K8sRole,
    findings: Vec<Finding>,
}

/// The compact model of the Kubernetes objects read so far: what cross-file resolution (aggregation,
/// bindings) needs, kept until every input is read. Files arrive in input order, so roles stay in it.
#[derive(Default)]
struct K8sInputs {
    roles: Vec<KeptRole>,
    bindings: Vec<K8sBinding>,
}

impl K8sInputs {
    fn take(&mut self, name: &str, f: crate::k8s::read::K8sFile, summary: &mut audit::Summary) {
        summary.skipped_documents += f.skipped;
        for (i, obj) in f.objects.into_iter().enumerate() {
            match obj {
                Object::Role(role) => self.roles.push(KeptRole {
                    file: name.to_string(),
                    role,
                    findings: crate::finding::for_object(&f.findings, i),
                }),
                Object::Binding(b) => {
                    summary.bindings += 1;
                    self.bindings.push(b);
                }
            }
        }
    }

    /// Resolves aggregationRules across every input (see [`k8seval::resolve_aggregation`]), attaching the
    /// findings that pass `keep`; with `replace`, the aggregated rules replace the listed ones.
    fn aggregate(&mut self, replace: bool, keep: impl Fn(&Finding) -> bool) {
        let mut roles: Vec<K8sRole> = self
            .roles
            .iter_mut()
            .map(|k| std::mem::take(&mut k.role))
            .collect();
        let original = (!replace).then(|| roles.clone());
        for (i, f) in k8seval::resolve_aggregation(&mut roles) {
            if keep(&f) {
                self.roles[i].findings.push(f);
            }
        }
        for (k, role) in self.roles.iter_mut().zip(original.unwrap_or(roles)) {
            k.role = role;
        }
    }
}

/// Reads and parses `inputs` on worker threads (files are independent), handing each result to `each` in
/// input order. Only results that arrive ahead of a slower earlier file wait, so memory stays bounded by a
/// few files, not by the input.
pub(crate) fn load_in_order(
    inputs: &[Input],
    format: InputFormat,
    mut each: impl FnMut(String, Result<Loaded>),
) {
    let workers = parallelism().min(inputs.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let (tx, rx) = std::sync::mpsc::channel::<(usize, String, Result<Loaded>)>();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let tx = tx.clone();
            let next = &next;
            scope.spawn(move || loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(input) = inputs.get(i) else { break };
                let name = input.display();
                let loaded = read_input(input).and_then(|text| roles::read(&name, &text, format));
                if tx.send((i, name, loaded)).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        let mut waiting = std::collections::BTreeMap::new();
        let mut due = 0;
        for (i, name, loaded) in rx {
            waiting.insert(i, (name, loaded));
            while let Some((name, loaded)) = waiting.remove(&due) {
                each(name, loaded);
                due += 1;
            }
        }
    });
}

pub fn audit(a: AuditArgs, stdout: &mut dyn Write, _stderr: &mut dyn Write) -> Result<u8> {
    if a.targets.is_empty() {
        return Err(Error::usage(
            "audit needs the targets the roles must cover: add --target (aks, acr, webapp, vm, k8s); to check roles without a requirement, use `rolegen lint`",
        ));
    }
    if a.inputs.is_empty() && a.builtin.is_empty() {
        return Err(Error::usage(
            "audit needs role files, glob patterns or directories (or `-` for stdin, or --builtin <name>)",
        ));
    }
    if let Some(ns) = &a.namespace {
        crate::k8s::names::dns1123_label(ns).map_err(|e| {
            Error::usage(format!(
                "--namespace {ns:?} is not a valid namespace: it {e} (a DNS-1123 label)"
            ))
        })?;
    }
    let catalogue = Catalogue::embedded()?;
    let api = KubernetesApi::embedded()?;
    let targets = catalogue.resolve(&a.targets)?;
    let azure_targets: Vec<_> = targets
        .iter()
        .copied()
        .filter(|t| t.platform == Platform::Azure)
        .collect();
    let k8s_targets: Vec<_> = targets
        .iter()
        .copied()
        .filter(|t| t.platform == Platform::Kubernetes)
        .collect();
    let options = TargetOptions {
        aks_authz: a.aks_authz.into(),
        read_only_quotas: a.read_only_quotas,
    };
    let azure_req = AzureRequirements::from_targets(&azure_targets, &options);
    let k8s_req = K8sRequirements::from_targets(&k8s_targets, &options, api);
    let builtins = match (&a.builtin_roles, a.builtin.is_empty()) {
        (_, true) => None,
        (Some(p), false) => Some(BuiltinRoles::load(p)?),
        (None, false) => Some(BuiltinRoles::embedded()?),
    };
    let builtin_roles = match &builtins {
        Some(b) => a
            .builtin
            .iter()
            .map(|name| b.find(name).cloned())
            .collect::<Result<Vec<_>>>()?,
        None => Vec::new(),
    };

    let mut stdout = std::io::BufWriter::with_capacity(1 << 16, stdout);
    let mut w = crate::report::AuditWriter::new(a.format, &mut stdout);
    let mut together: Vec<(String, RoleDefinition, Vec<Finding>)> = Vec::new();
    let mut k8s = K8sInputs::default();

    // Azure roles are audited as they are read, and dropped.
    let mut azure_one = |w: &mut crate::report::AuditWriter,
                         file: String,
                         role: RoleDefinition,
                         findings: Vec<Finding>| {
        if azure_req.is_empty() {
            w.push(not_judged(&file, &role.name, "azure", findings).at_line(role.line));
        } else if a.together {
            together.push((file, role, findings));
        } else {
            w.push(audit::audit_azure(&file, &role, &azure_req, findings));
        }
    };
    for role in builtin_roles {
        azure_one(&mut w, format!("builtin:{}", role.name), role, Vec::new());
    }

    let expanded = inputs::expand(&a.inputs);
    for (arg, why) in expanded.errors {
        w.error(arg, why);
    }
    load_in_order(
        &expanded.inputs,
        a.input_format,
        |name, loaded| match loaded {
            Err(e) => w.error(&name, e.to_string()),
            Ok(Loaded::Nothing) => w.summary().skipped += 1,
            Ok(Loaded::Azure(f)) => {
                for (i, role) in f.roles.into_iter().enumerate() {
                    let findings = crate::finding::for_object(&f.findings, i);
                    azure_one(&mut w, name.clone(), role, findings);
                }
            }
            Ok(Loaded::Kubernetes(f)) => k8s.take(&name, f, w.summary()),
        },
    );

    if a.together && !together.is_empty() {
        let roles: Vec<&RoleDefinition> = together.iter().map(|t| &t.1).collect();
        let union = audit::union(&roles);
        let files: Vec<&str> = together.iter().map(|t| t.0.as_str()).collect();
        let findings = together.iter().flat_map(|t| t.2.iter().cloned()).collect();
        w.push(audit::audit_azure(
            &files.join(", "),
            &union,
            &azure_req,
            findings,
        ));
    }

    // Kubernetes: resolve aggregation across every input, then judge each role where it applies.
    k8s.aggregate(true, |_| true);
    let K8sInputs {
        roles: kept,
        bindings,
    } = k8s;
    let ns = a.namespace.as_deref();
    let judged: Vec<Judgement> = kept
        .iter()
        .map(|k| reaches(&k.role, &bindings, ns))
        .collect();
    if k8s_req.is_empty() {
        for k in &kept {
            w.push(
                not_judged(&k.file, &k.role.display(), "kubernetes", k.findings.clone())
                    .at_line(k.role.pos.map(|p| p.0)),
            );
        }
    } else if a.together && !kept.is_empty() {
        let grants: Vec<(&[crate::k8s::model::Rule], &[Reach])> = kept
            .iter()
            .zip(&judged)
            .map(|(k, j)| (k.role.rules.as_slice(), j.0.as_slice()))
            .collect();
        let namespace = ns
            .map(str::to_string)
            .or_else(|| judged.iter().find_map(|j| j.1.clone()));
        let mut findings: Vec<Finding> = Vec::new();
        for (k, j) in kept.iter().zip(&judged) {
            findings.extend(k.findings.iter().cloned());
            findings.extend(j.2.iter().cloned());
        }
        let mut files: Vec<&str> = kept.iter().map(|k| k.file.as_str()).collect();
        files.dedup();
        let names: Vec<String> = kept.iter().map(|k| k.role.display()).collect();
        w.push(audit::audit_k8s(
            &files.join(", "),
            &format!("together: {}", names.join(" + ")),
            &grants,
            namespace.as_deref(),
            &k8s_req,
            findings,
        ));
    } else {
        // Judged in batches, each split across the cores, and written in input order.
        let jobs: Vec<(&KeptRole, Judgement)> = kept.iter().zip(judged).collect();
        let judge = |(k, (reach, namespace, extra)): &(&KeptRole, Judgement)| {
            let mut findings = k.findings.clone();
            findings.extend(extra.iter().cloned());
            let grants = [(k.role.rules.as_slice(), reach.as_slice())];
            audit::audit_k8s(
                &k.file,
                &k.role.display(),
                &grants,
                namespace.as_deref(),
                &k8s_req,
                findings,
            )
            .at_line(k.role.pos.map(|p| p.0))
        };
        let threads = parallelism();
        let json = w.is_json();
        let judged_and_rendered = |job: &_| {
            let r = judge(job);
            let text = json.then(|| crate::report::render_result(&r));
            (r, text)
        };
        for batch in jobs.chunks(256 * threads) {
            let per = batch.len().div_ceil(threads).max(1);
            let results: Vec<Vec<(RoleResult, Option<String>)>> = std::thread::scope(|scope| {
                let handles: Vec<_> = batch
                    .chunks(per)
                    .map(|part| {
                        scope
                            .spawn(move || part.iter().map(judged_and_rendered).collect::<Vec<_>>())
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                    .collect()
            });
            for (r, text) in results.into_iter().flatten() {
                match text {
                    Some(t) => w.push_rendered(r.covered, &t),
                    None => w.push(r),
                }
            }
        }
    }
    w.finish()
}

/// A role of a platform no named target is for: reported, not judged.
fn not_judged(
    file: &str,
    role: &str,
    platform: &'static str,
    mut findings: Vec<Finding>,
) -> RoleResult {
    let targets = if platform == "azure" {
        "aks, acr, webapp or vm"
    } else {
        "k8s"
    };
    findings.push(Finding::new(
        "not-judged",
        Severity::Info,
        format!(
            "no {platform} target was named, so this role was not judged (add --target {targets})"
        ),
    ));
    RoleResult {
        file: file.to_string(),
        role: role.to_string(),
        platform,
        covered: None,
        missing: Vec::new(),
        conditional: Vec::new(),
        excess: Vec::new(),
        findings,
        line: None,
    }
}

/// Where a Kubernetes role applies, the namespace its requirement is judged in, and findings that explain it.
///
/// With `--namespace N`: a Role applies in its own namespace (N when it has none); a ClusterRole applies
/// everywhere when a ClusterRoleBinding among the inputs binds it, in the namespaces of the RoleBindings
/// among the inputs that bind it, and otherwise counts as bound in N by a RoleBinding. Without it: a Role
/// is judged in its own namespace and a ClusterRole counts as cluster-wide.
fn reaches(role: &K8sRole, bindings: &[K8sBinding], ns: Option<&str>) -> Judgement {
    let mut findings = Vec::new();
    match role.kind {
        RoleKind::Role => {
            let own = role.namespace.clone();
            let applies = match (&own, ns) {
                (Some(o), _) => o.clone(),
                (None, Some(n)) => {
                    findings.push(
                        Finding::new(
                            "namespace-assumed",
                            Severity::Info,
                            format!("the Role has no metadata.namespace; judged in namespace {n} (--namespace), where it will be created if applied with -n {n}"),
                        )
                        .at(role.pos),
                    );
                    n.to_string()
                }
                (None, None) => {
                    findings.push(
                        Finding::new(
                            "namespace-assumed",
                            Severity::Info,
                            "the Role has no metadata.namespace; judged in whichever namespace it is applied to (pass --namespace to name it)",
                        )
                        .at(role.pos),
                    );
                    UNSET_NAMESPACE.to_string()
                }
            };
            let judged_in = ns.map(str::to_string).unwrap_or_else(|| applies.clone());
            if applies != judged_in {
                findings.push(
                    Finding::new(
                        "other-namespace",
                        Severity::Warning,
                        format!("the Role is in namespace {applies}, so it grants nothing in namespace {judged_in} (--namespace)"),
                    )
                    .at(role.pos),
                );
            }
            (vec![Reach::Namespace(applies)], Some(judged_in), findings)
        }
        RoleKind::ClusterRole => {
            let binds =
                |b: &&K8sBinding| b.role_ref.kind == "ClusterRole" && b.role_ref.name == role.name;
            let Some(n) = ns else {
                return (vec![Reach::Cluster], None, findings);
            };
            let mut reach: Vec<Reach> = Vec::new();
            if bindings
                .iter()
                .filter(binds)
                .any(|b| b.kind == BindingKind::ClusterRoleBinding)
            {
                reach.push(Reach::Cluster);
            }
            for b in bindings.iter().filter(binds) {
                if b.kind == BindingKind::RoleBinding {
                    if let Some(bns) = &b.namespace {
                        let r = Reach::Namespace(bns.clone());
                        if !reach.contains(&r) {
                            reach.push(r);
                        }
                    }
                }
            }
            if reach.is_empty() {
                reach.push(Reach::Namespace(n.to_string()));
            } else if !reach.contains(&Reach::Cluster)
                && !reach.contains(&Reach::Namespace(n.to_string()))
            {
                let places: Vec<String> = reach.iter().map(Reach::describe).collect();
                findings.push(
                    Finding::new(
                        "bound-elsewhere",
                        Severity::Warning,
                        format!("the RoleBindings among the inputs bind this ClusterRole in {} only, not in namespace {n} (--namespace)", places.join(", ")),
                    )
                    .at(role.pos),
                );
            }
            (reach, Some(n.to_string()), findings)
        }
    }
}

/// Reads one diff operand: a file path, or `-` for stdin.
pub(crate) fn load_operand(arg: &str, format: InputFormat) -> Result<(String, Loaded)> {
    let input = if arg == "-" {
        Input::Stdin
    } else {
        Input::File(arg.into())
    };
    let name = input.display();
    let text = read_input(&input)?;
    Ok((name.clone(), roles::read(&name, &text, format)?))
}

fn pick<'r, T>(
    file: &str,
    items: &'r [T],
    name_of: impl Fn(&T) -> String,
    want: Option<&str>,
    what: &str,
) -> Result<&'r T> {
    match want {
        Some(w) => items
            .iter()
            .find(|r| {
                name_of(r).eq_ignore_ascii_case(w)
                    || name_of(r).ends_with(&format!(" {w}"))
                    || name_of(r).ends_with(&format!("/{w}"))
            })
            .ok_or_else(|| {
                let names: Vec<String> = items.iter().map(&name_of).collect();
                Error::input(format!(
                    "{file} has no {what} named {w:?}; it holds: {}",
                    names.join(", ")
                ))
            }),
        None => match items {
            [one] => Ok(one),
            [] => Err(Error::input(format!("{file} holds no {what}"))),
            many => Err(Error::usage(format!(
                "{file} holds {} {what}s ({}); pick one with --role <name>",
                many.len(),
                many.iter().map(&name_of).collect::<Vec<_>>().join(", ")
            ))),
        },
    }
}

/// Diffs the role of `la` against the role of `lb` (one platform).
pub(crate) fn diff_loaded(
    fa: &str,
    la: Loaded,
    fb: &str,
    lb: Loaded,
    role: Option<&str>,
) -> Result<DiffReport> {
    match (la, lb) {
        (Loaded::Azure(a), Loaded::Azure(b)) => {
            let ra = pick(fa, &a.roles, |r| r.name.clone(), role, "role")?;
            let rb = pick(fb, &b.roles, |r| r.name.clone(), role, "role")?;
            Ok(rdiff::azure(fa, ra, fb, rb))
        }
        (Loaded::Kubernetes(a), Loaded::Kubernetes(b)) => {
            let split = |f: crate::k8s::read::K8sFile| {
                let mut roles = Vec::new();
                let mut bindings = Vec::new();
                for o in f.objects {
                    match o {
                        Object::Role(r) => roles.push(r),
                        Object::Binding(b) => bindings.push(b),
                    }
                }
                k8seval::resolve_aggregation(&mut roles);
                (roles, bindings)
            };
            let (ra, ba) = split(a);
            let (rb, bb) = split(b);
            let role_a = pick(fa, &ra, |r| r.display(), role, "role")?;
            let role_b = pick(fb, &rb, |r| r.display(), role, "role")?;
            fn bound<'b>(bs: &'b [K8sBinding], r: &K8sRole) -> Vec<&'b K8sBinding> {
                bs.iter()
                    .filter(|b| b.role_ref.kind == r.kind.as_str() && b.role_ref.name == r.name)
                    .collect()
            }
            let (xa, xb) = (bound(&ba, role_a), bound(&bb, role_b));
            Ok(rdiff::k8s(fa, role_a, &xa, fb, role_b, &xb))
        }
        (Loaded::Nothing, _) => Err(Error::input(format!("{fa} holds no role rolegen can read"))),
        (_, Loaded::Nothing) => Err(Error::input(format!("{fb} holds no role rolegen can read"))),
        (a, _) => {
            let (pa, pb) = match a {
                Loaded::Azure(_) => ("Azure role definitions", "Kubernetes RBAC objects"),
                _ => ("Kubernetes RBAC objects", "Azure role definitions"),
            };
            Err(Error::usage(format!(
                "{fa} holds {pa} and {fb} holds {pb}; diff compares two roles of one platform"
            )))
        }
    }
}

pub(crate) fn render_diff(d: &DiffReport, format: TableOrJson) -> String {
    match format {
        TableOrJson::Json => crate::report::to_json(d),
        TableOrJson::Table => crate::report::diff_table(d),
    }
}

pub fn diff(a: crate::cli::DiffArgs, stdout: &mut dyn Write) -> Result<u8> {
    if a.a == "-" && a.b == "-" {
        return Err(Error::usage(
            "only one of the two roles can come from stdin (`-`)",
        ));
    }
    let (fa, la) = load_operand(&a.a, a.input_format)?;
    let (fb, lb) = load_operand(&a.b, a.input_format)?;
    let d = diff_loaded(&fa, la, &fb, lb, a.role.as_deref())?;
    output::write_stdout(stdout, render_diff(&d, a.format).as_bytes())?;
    Ok(d.exit_code())
}

pub fn lint(a: crate::cli::LintArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<u8> {
    let catalogue = Catalogue::embedded()?;
    let api = KubernetesApi::embedded()?;
    let operations = match &a.operations {
        Some(p) => Some(crate::azure::operations::Operations::load(p)?),
        None => None,
    };
    let deny: Severity = a.deny.into();
    let mut worst: Option<Severity> = None;
    let mut stdout = std::io::BufWriter::with_capacity(1 << 16, stdout);
    let mut w = crate::report::AuditWriter::new(a.format, &mut stdout);
    let expanded = inputs::expand(&a.inputs);
    for (arg, why) in expanded.errors {
        w.error(arg, why);
    }
    let mut saw_azure = false;
    let mut k8s = K8sInputs::default();
    let result =
        |file: &str, role: String, platform: &'static str, findings: Vec<Finding>| RoleResult {
            file: file.to_string(),
            role,
            platform,
            covered: None,
            missing: Vec::new(),
            conditional: Vec::new(),
            excess: Vec::new(),
            findings,
            line: None,
        };
    let mut note = |findings: &[Finding]| {
        for f in findings {
            worst = worst.max(Some(f.severity));
        }
    };
    let linter = crate::lint::AzureLinter::new(catalogue, operations.as_ref());
    load_in_order(
        &expanded.inputs,
        a.input_format,
        |name, loaded| match loaded {
            Err(e) => w.error(&name, e.to_string()),
            Ok(Loaded::Nothing) => w.summary().skipped += 1,
            Ok(Loaded::Azure(f)) => {
                saw_azure = true;
                for (i, role) in f.roles.iter().enumerate() {
                    let mut findings = crate::finding::for_object(&f.findings, i);
                    findings.extend(linter.lint(role).into_iter().map(|f| {
                        if f.line.is_none() {
                            f.at(role.line.map(|l| (l, 1)))
                        } else {
                            f
                        }
                    }));
                    note(&findings);
                    w.push(result(&name, role.name.clone(), "azure", findings).at_line(role.line));
                }
            }
            Ok(Loaded::Kubernetes(f)) => k8s.take(&name, f, w.summary()),
        },
    );
    // Aggregated ClusterRoles are linted on the rules they were given, not on what aggregation adds (the
    // selected roles are linted themselves); resolution only says when nothing among the inputs matches.
    k8s.aggregate(false, |f| f.code == "aggregation-unresolved");
    for k in k8s.roles {
        let mut findings = k.findings;
        findings.extend(crate::lint::lint_k8s(&k.role, api));
        note(&findings);
        w.push(
            result(&k.file, k.role.display(), "kubernetes", findings)
                .at_line(k.role.pos.map(|p| p.0)),
        );
    }
    const UNCHECKED: &str = "Azure operations were checked for grammar and against the embedded catalogue only; their existence was not checked (pass --operations, or set ROLEGEN_OPERATIONS, to a dump of `az provider operation list`)";
    let unchecked = saw_azure && operations.is_none();
    if unchecked {
        w.note(UNCHECKED);
    }
    let code = w.finish()?;
    if unchecked {
        let _ = writeln!(stderr, "note: {UNCHECKED}");
    }
    Ok(if code == crate::exit::ERROR {
        code
    } else if worst.is_some_and(|s| s >= deny) {
        crate::exit::FINDINGS
    } else {
        crate::exit::OK
    })
}

pub fn explain(a: crate::cli::ExplainArgs, stdout: &mut dyn Write) -> Result<u8> {
    let catalogue = Catalogue::embedded()?;
    if let Some(op) = &a.operation {
        if op.trim().is_empty() {
            return Err(Error::usage(
                "explain needs an Azure operation or pattern, e.g. Microsoft.Web/sites/read",
            ));
        }
        if op.matches('*').count() > 1 {
            return Err(Error::usage(format!(
                "{op:?} has {} wildcards; Azure allows one `*` per action, so it matches nothing",
                op.matches('*').count()
            )));
        }
    }
    let targets = catalogue.resolve(&a.targets)?;
    if let Some(t) = targets.iter().find(|t| t.platform != Platform::Azure) {
        return Err(Error::usage(format!(
            "explain --target takes Azure targets; {} is a Kubernetes target (see `rolegen catalog {}`)",
            t.target, t.target
        )));
    }
    let operations = match &a.operations {
        Some(p) => Some(crate::azure::operations::Operations::load(p)?),
        None => None,
    };
    let builtins = match &a.builtin_roles {
        Some(p) => BuiltinRoles::load(p)?,
        None => BuiltinRoles::embedded()?,
    };
    let source = if a.builtin_roles.is_some() {
        builtins.source.clone()
    } else {
        format!(
            "the {} embedded built-in roles; pass --builtin-roles for all",
            builtins.roles.len()
        )
    };
    let (text, code) = match &a.operation {
        Some(op) => {
            let mut e = crate::explain::explain_operation(
                op,
                catalogue,
                operations.as_ref(),
                &builtins.roles,
                &source,
            );
            if e.operations_checked && e.matched.is_empty() && !e.wildcard {
                let linter = crate::lint::AzureLinter::new(catalogue, operations.as_ref());
                e.suggestion = linter.suggest(op.trim()).map(str::to_string);
            }
            let text = match a.format {
                TableOrJson::Table => crate::report::explain_operation_text(&e),
                TableOrJson::Json => crate::report::to_json(&e),
            };
            (text, e.exit_code())
        }
        None => {
            let options = TargetOptions {
                aks_authz: a.aks_authz.into(),
                read_only_quotas: false,
            };
            let req = AzureRequirements::from_targets(&targets, &options);
            let names: Vec<String> = targets.iter().map(|t| t.target.clone()).collect();
            let e = crate::explain::explain_targets(
                &names,
                &req,
                operations.as_ref(),
                &builtins.roles,
                &source,
                a.top.max(1),
            );
            let text = match a.format {
                TableOrJson::Table => crate::report::explain_targets_text(&e),
                TableOrJson::Json => crate::report::to_json(&e),
            };
            (text, crate::exit::OK)
        }
    };
    output::write_stdout(stdout, text.as_bytes())?;
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::k8s::model::RoleRef;

    fn cluster_role() -> K8sRole {
        K8sRole {
            kind: RoleKind::ClusterRole,
            name: "deployer".into(),
            ..K8sRole::default()
        }
    }

    fn binding(kind: BindingKind, namespace: Option<&str>) -> K8sBinding {
        K8sBinding {
            kind,
            name: "b".into(),
            namespace: namespace.map(str::to_string),
            role_ref: RoleRef {
                api_group: "rbac.authorization.k8s.io".into(),
                kind: "ClusterRole".into(),
                name: "deployer".into(),
            },
            subjects: Vec::new(),
            pos: None,
        }
    }

    fn codes(j: &Judgement) -> Vec<&'static str> {
        j.2.iter().map(|f| f.code).collect()
    }

    #[test]
    fn where_a_cluster_role_applies() {
        let r = cluster_role();
        // On its own, with --namespace: bound in N by a RoleBinding; without: cluster-wide.
        let j = reaches(&r, &[], Some("shop"));
        assert_eq!(j.0, vec![Reach::Namespace("shop".into())]);
        assert_eq!(reaches(&r, &[], None).0, vec![Reach::Cluster]);
        // A ClusterRoleBinding among the inputs: everywhere.
        let crb = binding(BindingKind::ClusterRoleBinding, None);
        assert_eq!(reaches(&r, &[crb], Some("shop")).0, vec![Reach::Cluster]);
        // Only a RoleBinding elsewhere: applies there, not in N, and says so.
        let rb = binding(BindingKind::RoleBinding, Some("web"));
        let j = reaches(&r, std::slice::from_ref(&rb), Some("shop"));
        assert_eq!(j.0, vec![Reach::Namespace("web".into())]);
        assert_eq!(codes(&j), vec!["bound-elsewhere"]);
        // A binding of another role changes nothing.
        let mut other = rb;
        other.role_ref.name = "other".into();
        assert_eq!(
            reaches(&r, &[other], Some("shop")).0,
            vec![Reach::Namespace("shop".into())]
        );
    }

    #[test]
    fn where_a_role_applies() {
        let mut r = K8sRole {
            name: "deployer".into(),
            namespace: Some("web".into()),
            ..K8sRole::default()
        };
        let j = reaches(&r, &[], Some("shop"));
        assert_eq!(j.0, vec![Reach::Namespace("web".into())]);
        assert_eq!(j.1.as_deref(), Some("shop"));
        assert_eq!(codes(&j), vec!["other-namespace"]);
        assert!(reaches(&r, &[], None).2.is_empty());
        r.namespace = None;
        let j = reaches(&r, &[], Some("shop"));
        assert_eq!(j.0, vec![Reach::Namespace("shop".into())]);
        assert_eq!(codes(&j), vec!["namespace-assumed"]);
    }
}
