//! Human and machine renderings of rolegen's results.

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
    let mut s = serde_json::to_string_pretty(&json!({ "targets": targets })).unwrap_or_default();
    s.push('\n');
    s
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
        for m in &r.missing {
            s.push_str(&format!(
                "  missing     {} [{}]: {}\n",
                m["permission"].as_str().unwrap_or(""),
                m["plane"].as_str().unwrap_or(""),
                m["why"].as_str().unwrap_or("")
            ));
        }
        for m in &r.conditional {
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
        "\n{} roles: {} covered, {} not covered; {} errors; {} files skipped (no role)\n",
        sm.roles, sm.covered, sm.not_covered, sm.errors, sm.skipped
    ));
    s
}
