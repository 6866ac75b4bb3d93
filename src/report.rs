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
