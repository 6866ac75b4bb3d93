//! SARIF 2.1.0 for code scanning (https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html), built
//! from serde-sarif's types, which are generated from the OASIS schema: what the schema requires is a
//! required field here, so the log is schema-shaped by construction.
//!
//! One run; the driver lists every rule rolegen has (lint rules and audit codes, in a fixed order, so a
//! rule's index never depends on the input); each finding is a result with the file and, where known, the
//! line and column; an audit's missing, conditional and excess permissions are results too
//! (`missing-permission`, `conditional-permission`, `excess-permission`). Files that could not be read are
//! tool execution notifications, and make the invocation unsuccessful.

use std::collections::BTreeMap;

use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location, LogicalLocation, Message, MultiformatMessageString,
    Notification, PhysicalLocation, PropertyBag, Region, ReportingConfiguration,
    ReportingDescriptor, Result as SarifResult, ResultLevel, Run, Sarif, Tool, ToolComponent,
};

use crate::audit::{Report, RoleResult};
use crate::finding::Severity;

pub const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// Every rule rolegen can report: lint rules first, then audit codes.
pub fn rules() -> impl Iterator<Item = &'static (&'static str, Severity, &'static str)> {
    crate::lint::RULES.iter().chain(crate::audit::CODES.iter())
}

fn level(s: Severity) -> ResultLevel {
    match s {
        Severity::Error => ResultLevel::Error,
        Severity::Warning => ResultLevel::Warning,
        Severity::Info => ResultLevel::Note,
    }
}

fn level_name(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn descriptor(id: &str, severity: Severity, meaning: &str) -> ReportingDescriptor {
    let mut chars = meaning.chars();
    let sentence = match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => format!("{id}."),
    };
    let text = MultiformatMessageString::builder().text(sentence).build();
    let help = MultiformatMessageString::builder()
        .text(format!(
            "{meaning}. See the README's tables of lint rules and audit codes (rule `{id}`)."
        ))
        .build();
    ReportingDescriptor::builder()
        .id(id)
        .name(pascal(id))
        .short_description(text.clone())
        .full_description(text)
        .help(help)
        .default_configuration(
            ReportingConfiguration::builder()
                .level(serde_json::json!(level_name(severity)))
                .build(),
        )
        .properties(
            PropertyBag::builder()
                .tags(vec!["security".to_string()])
                .build(),
        )
        .build()
}

/// `scope-too-narrow` → `ScopeTooNarrow` (the rule's `name`, which viewers show).
fn pascal(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The files a result is about: its file, or for a `--together` result (role `together: …`) each of the
/// files joined by ", "; none for built-in roles and stdin, which have no file in the repository.
fn artifacts<'r>(file: &'r str, role: &str) -> Vec<&'r str> {
    let files: Vec<&str> = if role.starts_with("together: ") {
        file.split(", ").collect()
    } else {
        vec![file]
    };
    files
        .into_iter()
        .filter(|f| !f.starts_with("builtin:") && *f != "<stdin>")
        .collect()
}

/// A file path as a URI reference: forward slashes, percent-encoded; absolute paths as `file://` URIs.
pub fn uri(path: &str) -> String {
    let p = path.replace('\\', "/");
    let p = p.strip_prefix("./").unwrap_or(&p);
    let (prefix, rest) = if p.starts_with('/') {
        ("file://", p)
    } else if p.len() > 2 && p.as_bytes()[1] == b':' && p.as_bytes()[2] == b'/' {
        // A Windows drive path: file:///C:/…
        ("file:///", p)
    } else {
        ("", p)
    };
    let mut out = String::from(prefix);
    for (i, b) in rest.bytes().enumerate() {
        let keep = b.is_ascii_alphanumeric()
            || b"-._~/!$&'()*+,;=@".contains(&b)
            || (b == b':' && !prefix.is_empty() && i == 1);
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn location(file: &str, pos: Option<(usize, usize)>, role: &str) -> Location {
    let mut physical = PhysicalLocation::builder()
        .artifact_location(ArtifactLocation::builder().uri(uri(file)).build())
        .build();
    if let Some((line, column)) = pos {
        let mut region = Region::builder().start_line(line as i64).build();
        if column > 0 {
            region.start_column = Some(column as i64);
        }
        physical.region = Some(region);
    }
    let mut l = Location::builder().physical_location(physical).build();
    l.logical_locations = Some(vec![logical(role)]);
    l
}

fn logical(role: &str) -> LogicalLocation {
    LogicalLocation::builder()
        .name(role)
        .kind("resource")
        .build()
}

/// FNV-1a, 64 bits: a stable fingerprint of what a result says, so an alert survives lines moving.
fn fingerprint(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for p in parts {
        for b in p.bytes().chain([0u8]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x100000001b3);
        }
    }
    format!("{h:016x}")
}

struct Builder<'a> {
    index: BTreeMap<&'a str, usize>,
    rules: Vec<ReportingDescriptor>,
    results: Vec<SarifResult>,
}

impl<'a> Builder<'a> {
    fn rule_index(&mut self, id: &'a str, severity: Severity) -> usize {
        if let Some(i) = self.index.get(id) {
            return *i;
        }
        // A code no table names still gets a descriptor (tests keep the tables complete).
        let i = self.rules.len();
        self.rules.push(descriptor(id, severity, id));
        self.index.insert(id, i);
        i
    }

    fn push(
        &mut self,
        r: &RoleResult,
        id: &'a str,
        severity: Severity,
        message: String,
        pos: Option<(usize, usize)>,
    ) {
        let index = self.rule_index(id, severity);
        let pos = pos.or(r.line.map(|l| (l, 0)));
        let files = artifacts(&r.file, &r.role);
        let locations: Vec<Location> = if files.is_empty() {
            vec![Location::builder()
                .logical_locations(vec![logical(&r.role)])
                .build()]
        } else {
            // Positions belong to one file; a result about several (--together) names each without one.
            let one = files.len() == 1;
            files
                .iter()
                .map(|f| location(f, pos.filter(|_| one), &r.role))
                .collect()
        };
        let text = format!("{}: {message}", r.role);
        let mut fingerprints = BTreeMap::new();
        fingerprints.insert(
            "rolegenFinding/v1".to_string(),
            fingerprint(&[&r.file, &r.role, id, &message]),
        );
        let result = SarifResult::builder()
            .rule_id(id)
            .rule_index(index as i64)
            .level(level(severity))
            .message(Message::builder().text(text).build())
            .locations(locations)
            .partial_fingerprints(fingerprints)
            .build();
        self.results.push(result);
    }
}

/// Lists `items` compactly for one message, at most `max`, then how many more.
fn listed(items: &[String], max: usize) -> String {
    let mut s = items
        .iter()
        .take(max)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > max {
        s.push_str(&format!(" and {} more", items.len() - max));
    }
    s
}

/// The report as a SARIF 2.1.0 log (pretty JSON, newline-terminated).
pub fn render(report: &Report) -> String {
    let mut b = Builder {
        index: BTreeMap::new(),
        rules: Vec::new(),
        results: Vec::new(),
    };
    for (id, severity, meaning) in rules() {
        b.index.insert(id, b.rules.len());
        b.rules.push(descriptor(id, *severity, meaning));
    }
    for r in &report.results {
        for (what, why) in super::compact_missing(&super::values(&r.missing)) {
            let because = if why.is_empty() {
                String::new()
            } else {
                format!(" ({})", why.trim())
            };
            b.push(
                r,
                "missing-permission",
                Severity::Error,
                format!("missing {what}{because}"),
                None,
            );
        }
        for m in &super::values(&r.conditional) {
            b.push(
                r,
                "conditional-permission",
                Severity::Warning,
                format!(
                    "grants {} only under an ABAC condition",
                    super::describe_item(m)
                ),
                None,
            );
        }
        if !r.excess.is_empty() {
            let items: Vec<String> = super::values(&r.excess)
                .iter()
                .map(super::describe_item)
                .collect();
            b.push(
                r,
                "excess-permission",
                Severity::Info,
                format!(
                    "grants {} beyond what the targets need: {}",
                    if items.len() == 1 {
                        "1 permission".to_string()
                    } else {
                        format!("{} permissions", items.len())
                    },
                    listed(&items, 20)
                ),
                None,
            );
        }
        for f in &r.findings {
            let pos = f.line.map(|l| (l, f.column.unwrap_or(0)));
            b.push(r, f.code, f.severity, f.message.clone(), pos);
        }
    }
    let notifications: Vec<Notification> = report
        .errors
        .iter()
        .map(|e| {
            let text = if e.message.starts_with(&e.file) {
                e.message.clone()
            } else {
                format!("{}: {}", e.file, e.message)
            };
            let mut n = Notification::builder()
                .message(Message::builder().text(text).build())
                .level(serde_json::json!("error"))
                .build();
            if !artifacts(&e.file, "").is_empty() && !e.file.contains('*') {
                let physical = PhysicalLocation::builder()
                    .artifact_location(ArtifactLocation::builder().uri(uri(&e.file)).build())
                    .build();
                n.locations = Some(vec![Location::builder()
                    .physical_location(physical)
                    .build()]);
            }
            n
        })
        .collect();
    let configuration: Vec<Notification> = report
        .notes
        .iter()
        .map(|n| {
            Notification::builder()
                .message(Message::builder().text(n.as_str()).build())
                .level(serde_json::json!("note"))
                .build()
        })
        .collect();
    let mut invocation = Invocation::builder()
        .execution_successful(report.errors.is_empty())
        .tool_execution_notifications(notifications)
        .build();
    if !configuration.is_empty() {
        invocation.tool_configuration_notifications = Some(configuration);
    }
    let driver = ToolComponent::builder()
        .name("rolegen")
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .rules(b.rules)
        .build();
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .invocations(vec![invocation])
        .column_kind(serde_json::json!("unicodeCodePoints"))
        .results(b.results)
        .build();
    let log = Sarif::builder()
        .schema(SCHEMA)
        .version(serde_json::json!("2.1.0"))
        .runs(vec![run])
        .build();
    super::to_json(&log)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_encoded_references() {
        assert_eq!(uri("roles/a b.json"), "roles/a%20b.json");
        assert_eq!(uri("./roles/x.json"), "roles/x.json");
        assert_eq!(uri("roles\\x.json"), "roles/x.json");
        assert_eq!(uri("/tmp/r#1.json"), "file:///tmp/r%231.json");
        assert_eq!(uri("C:\\r\\x.json"), "file:///C:/r/x.json");
        // A colon in a relative path would read as a scheme.
        assert_eq!(uri("a:b.json"), "a%3Ab.json");
    }

    #[test]
    fn rule_ids_are_unique() {
        let mut ids: Vec<&str> = rules().map(|r| r.0).collect();
        let n = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), n);
    }

    #[test]
    fn pascal_names() {
        assert_eq!(pascal("scope-too-narrow"), "ScopeTooNarrow");
    }
}
