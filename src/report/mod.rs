//! Human and machine renderings of rolegen's results.

pub mod sarif;

use serde_json::json;
use tabled::settings::{object::Columns, Modify, Style, Width};
use tabled::{Table, Tabled};

use crate::catalogue::{Condition, Target};

#[derive(Tabled)]
struct CatalogRow {
    #[tabled(rename = "target")]
    target: String,
    #[tabled(rename = "permission")]
    permission: String,
    #[tabled(rename = "plane")]
    plane: String,
    #[tabled(rename = "why")]
    why: String,
    #[tabled(rename = "provenance")]
    provenance: String,
}

fn condition_suffix(c: Option<Condition>) -> &'static str {
    match c {
        Some(Condition::AzureRbac) => " (Azure RBAC clusters)",
        Some(Condition::KubernetesRbac) => " (Kubernetes RBAC clusters)",
        None => "",
    }
}

/// The catalogue as a table: one row per permission (Azure) or per (group, resource) rule (Kubernetes).
pub fn catalog_table(targets: &[&Target]) -> String {
    let mut rows = Vec::new();
    for t in targets {
        for p in &t.permissions {
            rows.push(CatalogRow {
                target: t.target.clone(),
                permission: p.operation.clone(),
                plane: format!("{}{}", p.plane.as_str(), condition_suffix(p.condition)),
                why: p.why.clone(),
                provenance: p.provenance.clone(),
            });
        }
        for r in &t.rules {
            let group = if r.api_group.is_empty() {
                "core"
            } else {
                &r.api_group
            };
            rows.push(CatalogRow {
                target: t.target.clone(),
                permission: format!("{} {}: {}", group, r.resource, r.verbs.join(", ")),
                plane: "kubernetes".into(),
                why: r.why.clone(),
                provenance: r.provenance.clone(),
            });
        }
    }
    let mut table = Table::new(rows);
    table
        .with(Style::sharp())
        .with(Modify::new(Columns::new(3..4)).with(Width::wrap(48).keep_words(true)))
        .with(Modify::new(Columns::new(4..5)).with(Width::wrap(40).keep_words(true)));
    let mut s = table.to_string();
    s.push('\n');
    for t in targets {
        for d in &t.dropped {
            s.push_str(&format!(
                "{}: dropped the seed's `{}`: {}\n",
                t.target,
                d.source,
                d.reason.trim()
            ));
        }
    }
    s
}

/// The catalogue as JSON: `{"targets":[…]}` with every field of `data/*.yaml`.
pub fn catalog_json(targets: &[&Target]) -> String {
    to_json(&json!({ "targets": targets }))
}

#[derive(Tabled)]
struct AuditRow {
    file: String,
    role: String,
    covered: String,
    missing: usize,
    conditional: usize,
    excess: usize,
    findings: usize,
}

/// The audit as a summary table, then the details of each role that is not covered or has findings.
pub fn audit_table(report: &crate::audit::Report) -> String {
    let rows: Vec<AuditRow> = report
        .results
        .iter()
        .map(|r| AuditRow {
            file: r.file.clone(),
            role: r.role.clone(),
            covered: match r.covered {
                Some(true) => "yes".into(),
                Some(false) => "NO".into(),
                None => "-".into(),
            },
            missing: r.missing.len(),
            conditional: r.conditional.len(),
            excess: r.excess.len(),
            findings: r.findings.len(),
        })
        .collect();
    let mut s = String::new();
    if !rows.is_empty() {
        let mut table = Table::new(rows);
        table
            .with(Style::sharp())
            .with(Modify::new(Columns::new(0..2)).with(Width::wrap(50)));
        s.push_str(&table.to_string());
        s.push('\n');
    }
    for r in &report.results {
        if r.missing.is_empty() && r.conditional.is_empty() && r.findings.is_empty() {
            continue;
        }
        s.push_str(&format!("\n{} — {}\n", r.file, r.role));
        for (what, why) in compact_missing(&values(&r.missing)) {
            s.push_str(&format!("  missing     {what}: {why}\n"));
        }
        for m in values(&r.conditional) {
            s.push_str(&format!(
                "  conditional {} [{}]: granted only under an ABAC condition\n",
                m["permission"].as_str().unwrap_or(""),
                m["plane"].as_str().unwrap_or("")
            ));
        }
        for f in &r.findings {
            let at = match (f.line, f.column) {
                (Some(l), Some(c)) => format!(" ({l}:{c})"),
                _ => String::new(),
            };
            let sev = match f.severity {
                crate::azure::model::Severity::Error => "error",
                crate::azure::model::Severity::Warning => "warning",
                crate::azure::model::Severity::Info => "info",
            };
            s.push_str(&format!("  {sev}[{}]{at}: {}\n", f.code, f.message));
        }
    }
    for e in &report.errors {
        if e.message.starts_with(&e.file) {
            s.push_str(&format!("\nerror: {}\n", e.message));
        } else {
            s.push_str(&format!("\nerror: {}: {}\n", e.file, e.message));
        }
    }
    let sm = &report.summary;
    s.push_str(&format!(
        "\n{} roles: {} covered, {} not covered; {} errors; {} files skipped (no role)",
        sm.roles, sm.covered, sm.not_covered, sm.errors, sm.skipped
    ));
    if sm.covered + sm.not_covered == 0 && sm.roles > 0 {
        // Lint (or an audit with no target for these roles): nothing was judged covered or not.
        let cut = s.rfind('\n').map_or(0, |i| i + 1);
        s.truncate(cut);
        s.push_str(&format!(
            "{} roles checked; {} errors; {} files skipped (no role)",
            sm.roles, sm.errors, sm.skipped
        ));
    }
    if sm.bindings > 0 || sm.skipped_documents > 0 {
        s.push_str(&format!(
            "; {} bindings read; {} documents of other kinds skipped",
            sm.bindings, sm.skipped_documents
        ));
    }
    s.push('\n');
    s
}

/// Items as JSON values, for the renderers that read fields by name.
fn values(items: &[crate::audit::Item]) -> Vec<serde_json::Value> {
    items.iter().map(crate::audit::Item::to_value).collect()
}

fn describe_item(v: &serde_json::Value) -> String {
    if let Some(p) = v["permission"].as_str() {
        let mut s = format!("{p} [{}]", v["plane"].as_str().unwrap_or(""));
        if let Some(c) = v["condition"].as_str() {
            s.push_str(&format!(" (under condition {c})"));
        }
        if let Some(n) = v["note"].as_str() {
            s.push_str(&format!(" ({n})"));
        }
        return s;
    }
    if let Some(u) = v["nonResourceURL"].as_str() {
        return format!("{} {u}", v["verb"].as_str().unwrap_or(""));
    }
    let group = v["apiGroup"].as_str().unwrap_or("");
    let group = if group.is_empty() { "\"\"" } else { group };
    let mut s = format!(
        "{} {group} {}",
        v["verb"].as_str().unwrap_or(""),
        v["resource"].as_str().unwrap_or("")
    );
    if let Some(n) = v["resourceName"].as_str() {
        s.push_str(&format!(" {n:?}"));
    }
    if let Some(n) = v["namespace"].as_str() {
        s.push_str(&format!(" in {n}"));
    }
    s
}

fn compact(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => format!("{s:?}"),
        serde_json::Value::Null => "(none)".into(),
        serde_json::Value::Array(a) if a.is_empty() => "(none)".into(),
        serde_json::Value::Array(a) => a
            .iter()
            .map(|x| {
                x.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| x.to_string())
            })
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

/// A diff as text: verdict, then each difference, A first.
pub fn diff_table(d: &crate::diff::DiffReport) -> String {
    let mut s = format!(
        "A: {} ({})\nB: {} ({})\n",
        d.a.file, d.a.role, d.b.file, d.b.role
    );
    for (x, _) in compact_missing(&d.only_in_a) {
        s.push_str(&format!("  only in A  {x}\n"));
    }
    for (x, _) in compact_missing(&d.only_in_b) {
        s.push_str(&format!("  only in B  {x}\n"));
    }
    for x in &d.covered_by_wildcard {
        let (mine, other) = if x["side"] == "a" {
            ("A", "B")
        } else {
            ("B", "A")
        };
        let by = x["by"]
            .as_str()
            .map(|b| format!("{other}'s {b}"))
            .unwrap_or_else(|| format!("a wildcard rule of {other}"));
        s.push_str(&format!(
            "  covered    {mine}'s {} is granted by {by}\n",
            describe_item(x)
        ));
    }
    for x in &d.differences {
        s.push_str(&format!(
            "  differs    {}: only in A: {}; only in B: {}\n",
            x.field,
            compact(&x.a),
            compact(&x.b)
        ));
    }
    for x in &d.cosmetic {
        s.push_str(&format!(
            "  shown      {}: {} vs {} (not a difference in grants)\n",
            x.field,
            compact(&x.a),
            compact(&x.b)
        ));
    }
    s.push_str(if d.equivalent {
        "equivalent: each grants what the other grants\n"
    } else {
        "different: see `only in` and `differs` above\n"
    });
    s
}

/// Missing items as lines: Azure one per operation; Kubernetes verbs merged per (group, resource, namespace),
/// as `kubectl auth can-i --list` compacts rules.
fn compact_missing(items: &[serde_json::Value]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String, Vec<String>)> = Vec::new();
    for m in items {
        let why = m["why"].as_str().unwrap_or("").to_string();
        if m.get("permission").is_some() {
            out.push((describe_item(m), why, Vec::new()));
            continue;
        }
        let mut key = m.clone();
        key["verb"] = serde_json::json!("");
        let head = describe_item(&key);
        let verb = m["verb"].as_str().unwrap_or("").to_string();
        match out
            .iter_mut()
            .find(|(h, w, v)| !v.is_empty() && *h == head && *w == why)
        {
            Some((_, _, verbs)) => verbs.push(verb),
            None => out.push((head, why, vec![verb])),
        }
    }
    out.into_iter()
        .map(|(head, why, verbs)| {
            if verbs.is_empty() {
                (head, why)
            } else {
                (format!("{}{}", verbs.join(","), head), why)
            }
        })
        .collect()
}

/// Writes an audit as it goes: with JSON, each result is written as soon as it is known (the document is
/// the same as serializing the whole [`crate::audit::Report`] at once), so memory does not grow with the
/// number of roles; the table needs every row before it can size its columns, and SARIF lists rules and
/// results in one document, so they keep them.
pub struct AuditWriter<'w> {
    format: crate::cli::ReportFormat,
    json: bool,
    out: &'w mut dyn std::io::Write,
    report: crate::audit::Report,
    written: usize,
    failed: Option<std::io::Error>,
}

impl<'w> AuditWriter<'w> {
    pub fn new(
        format: crate::cli::ReportFormat,
        out: &'w mut dyn std::io::Write,
    ) -> AuditWriter<'w> {
        AuditWriter {
            format,
            json: format == crate::cli::ReportFormat::Json,
            out,
            report: crate::audit::Report::default(),
            written: 0,
            failed: None,
        }
    }

    pub fn summary(&mut self) -> &mut crate::audit::Summary {
        &mut self.report.summary
    }

    pub fn error(&mut self, file: impl Into<String>, message: impl Into<String>) {
        self.report.error(file, message);
    }

    /// Records what the run did not check (SARIF: a tool configuration notification).
    pub fn note(&mut self, text: impl Into<String>) {
        self.report.notes.push(text.into());
    }

    fn write(&mut self, s: &str) {
        if self.failed.is_none() {
            if let Err(e) = self.out.write_all(s.as_bytes()) {
                self.failed = Some(e);
            }
        }
    }

    pub fn push(&mut self, r: crate::audit::RoleResult) {
        if !self.json {
            self.report.push(r);
            return;
        }
        let text = render_result(&r);
        self.push_rendered(r.covered, &text);
    }

    /// Pushes a result already rendered by [`render_result`] (so rendering can happen on worker threads).
    pub fn push_rendered(&mut self, covered: Option<bool>, text: &str) {
        let mut s = String::with_capacity(text.len() + 8);
        s.push_str(if self.written == 0 {
            "{\n  \"results\": [\n"
        } else {
            ",\n"
        });
        s.push_str(text);
        self.written += 1;
        self.write(&s);
        self.report.count(covered);
    }

    pub fn is_json(&self) -> bool {
        self.json
    }

    /// Writes the rest and returns the exit code.
    pub fn finish(mut self) -> crate::Result<u8> {
        let code = self.report.exit_code();
        if self.json {
            let mut s = String::new();
            if self.written == 0 {
                s.push_str("{\n  \"results\": [],\n");
            } else {
                s.push_str("\n  ],\n");
            }
            let rest =
                serde_json::json!({"errors": self.report.errors, "summary": self.report.summary});
            let body = serde_json::to_string_pretty(&rest).unwrap_or_default();
            // Drop the opening brace of `rest`; its members continue the document.
            s.push_str(body.strip_prefix("{\n").unwrap_or(&body));
            s.push('\n');
            self.write(&s);
        } else {
            let text = match self.format {
                crate::cli::ReportFormat::Sarif => sarif::render(&self.report),
                _ => audit_table(&self.report),
            };
            self.write(&text);
        }
        if self.failed.is_none() {
            if let Err(e) = self.out.flush() {
                self.failed = Some(e);
            }
        }
        match self.failed.take() {
            Some(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                Err(crate::Error::io("<stdout>", e))
            }
            _ => Ok(code),
        }
    }
}

/// One audit result as it sits in the JSON document's `results` array (indented four spaces).
pub fn render_result(r: &crate::audit::RoleResult) -> String {
    let body = serde_json::to_string_pretty(r).unwrap_or_default();
    let mut s = String::with_capacity(body.len() + body.len() / 8);
    for (i, line) in body.lines().enumerate() {
        if i > 0 {
            s.push('\n');
        }
        s.push_str("    ");
        s.push_str(line);
    }
    s
}

/// Any serializable answer as pretty JSON, newline-terminated.
pub fn to_json<T: serde::Serialize>(v: &T) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

fn role_list(roles: &[crate::explain::RoleGrant], counts: bool) -> String {
    roles
        .iter()
        .map(|r| {
            let mut s = r.role.clone();
            if counts {
                s.push_str(&format!(" ({} of {}", r.granted, r.of));
                if r.conditional > 0 {
                    s.push_str(&format!("; {} more under a condition", r.conditional));
                }
                s.push(')');
            } else if r.conditional > 0 {
                s.push_str(" (under a condition)");
            }
            s
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `rolegen explain OPERATION` as text.
pub fn explain_operation_text(e: &crate::explain::OperationExplanation) -> String {
    let mut s = String::new();
    let what = if e.wildcard { "pattern" } else { "operation" };
    if e.operations_checked {
        let n = e.matched.len();
        s.push_str(&format!(
            "{}: {what}; matches {} in the operations catalogue\n",
            e.pattern,
            match n {
                0 => "no operation".to_string(),
                1 => "1 operation".to_string(),
                n => format!("{n} operations"),
            }
        ));
        for m in &e.matched {
            let desc = if m.description.is_empty() {
                String::new()
            } else {
                format!("  {}", m.description.trim())
            };
            s.push_str(&format!("  {:<14} {}{desc}\n", m.plane, m.name));
        }
        if let Some(g) = &e.suggestion {
            s.push_str(&format!("  did you mean {g}?\n"));
        }
    } else {
        s.push_str(&format!(
            "{}: {what}; existence not checked (pass --operations, or set ROLEGEN_OPERATIONS, to list what it matches)\n",
            e.pattern
        ));
    }
    for x in &e.seed_errors {
        let instead = x
            .instead
            .as_ref()
            .map(|i| format!(" Use {i}."))
            .unwrap_or_default();
        let stop = if x.reason.ends_with('.') { "" } else { "." };
        s.push_str(&format!(
            "\nThe seed's {} (catalogue: {}) is not an Azure operation: {}{stop}{instead}\n",
            x.source, x.target, x.reason
        ));
    }
    if e.needed_by.is_empty() {
        s.push_str("\nNo catalogue target needs it.\n");
    } else {
        s.push_str("\nNeeded by the catalogue:\n");
        for n in &e.needed_by {
            let rel = match n.relation {
                "exact" => String::new(),
                "covers" => " (the pattern covers it)".into(),
                "within" => " (it covers the pattern)".into(),
                _ => " (overlaps the pattern)".into(),
            };
            let cond = match n.condition {
                Some("azure-rbac") => " [with --aks-authz azure]",
                Some("kubernetes-rbac") => " [with --aks-authz kubernetes]",
                _ => "",
            };
            s.push_str(&format!(
                "  {:<7} {} [{}]{rel}{cond}\n          why: {}\n          see: {}\n",
                n.target, n.permission, n.plane, n.why, n.provenance
            ));
        }
    }
    let of = if e.matched.len() > 1 {
        format!("all {} matched operations", e.matched.len())
    } else if e.wildcard && e.matched.is_empty() {
        "the whole pattern".to_string()
    } else {
        "it".to_string()
    };
    s.push_str(&format!("\nBuilt-in roles ({}):\n", e.builtin_roles));
    if !e.exists {
        s.push_str("  none: no role grants an operation that does not exist (wildcards may match the string, but Azure rejects it in a role)\n");
        return s;
    }
    if e.roles_all.is_empty() {
        s.push_str(&format!("  none grants {of}\n"));
    } else {
        s.push_str(&format!(
            "  grant {of}: {}\n",
            role_list(&e.roles_all, false)
        ));
    }
    if !e.roles_some.is_empty() {
        let label = if e.matched.is_empty() {
            "may grant part of it (an allow pattern overlaps it)"
        } else {
            "grant some"
        };
        s.push_str(&format!(
            "  {label}: {}\n",
            role_list(&e.roles_some, !e.matched.is_empty())
        ));
    }
    s
}

fn candidate_line(i: usize, c: &crate::explain::Candidate) -> String {
    let extra = match c.extra_operations {
        Some(n) => format!("{n} operations beyond the requirement; "),
        None => String::new(),
    };
    format!(
        "  {}. {}  ({extra}{} allow pattern{} beyond it)\n",
        i + 1,
        c.roles.join(" + "),
        c.excess_patterns,
        if c.excess_patterns == 1 { "" } else { "s" }
    )
}

/// `rolegen explain --target T` as text.
pub fn explain_targets_text(e: &crate::explain::TargetExplanation) -> String {
    let names = e.targets.join(", ");
    let need = if e.targets.len() == 1 {
        "needs"
    } else {
        "need"
    };
    let mut s = format!(
        "{names} {need} {} permissions; {} built-in roles considered ({})\n",
        e.required, e.considered, e.builtin_roles
    );
    let by = if e.operations_checked {
        "by operations granted beyond the requirement"
    } else {
        "by allow patterns beyond the requirement (pass --operations to rank by operations)"
    };
    if e.single_count > 0 {
        s.push_str(&format!(
            "\n{} built-in role{} cover{} {names}; smallest first, {by}:\n",
            e.single_count,
            if e.single_count == 1 { "" } else { "s" },
            if e.single_count == 1 { "s" } else { "" },
        ));
        for (i, c) in e.single.iter().enumerate() {
            s.push_str(&candidate_line(i, c));
        }
        if e.pair_count > 0 {
            s.push_str(&format!(
                "\n{} pair{} of built-in roles grant{} less than the smallest single role:\n",
                e.pair_count,
                if e.pair_count == 1 { "" } else { "s" },
                if e.pair_count == 1 { "s" } else { "" },
            ));
            for (i, c) in e.pairs.iter().enumerate() {
                s.push_str(&candidate_line(i, c));
            }
        }
        return s;
    }
    s.push_str(&format!("\nNo single built-in role covers {names}.\n"));
    if e.pair_count > 0 {
        s.push_str(&format!(
            "{} pairs of built-in roles do; smallest first, {by}:\n",
            e.pair_count
        ));
        for (i, c) in e.pairs.iter().enumerate() {
            s.push_str(&candidate_line(i, c));
        }
    } else if e.uncovered.is_empty() {
        s.push_str("No pair covers it either; it takes three or more built-in roles (or a custom role: `rolegen azure --target ...`).\n");
    } else {
        s.push_str(&format!(
            "No pair covers it either; no built-in role grants: {}. Use a custom role (`rolegen azure --target {names}`).\n",
            e.uncovered.join(", ")
        ));
    }
    s
}
