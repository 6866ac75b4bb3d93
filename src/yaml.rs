//! A small YAML writer for rolegen's own output: block mappings, flow sequences of scalars (as the seed
//! and `kubectl` examples write rules), block sequences of mappings. Strings that YAML 1.1 or 1.2 would
//! read as anything but the same string (`on`, `no`, `1.0`, `~`, `""`, `*x`, …) are double-quoted; a
//! double-quoted JSON string is a valid YAML double-quoted scalar.

use serde_json::Value;

/// Renders one document (without the `---` separator).
pub fn to_yaml(v: &Value) -> String {
    let mut out = String::new();
    match v {
        Value::Object(_) => write_map(&mut out, v, 0),
        other => {
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
    out
}

/// Renders documents separated by `---` lines.
pub fn to_yaml_stream(docs: &[Value]) -> String {
    docs.iter().map(to_yaml).collect::<Vec<_>>().join("---\n")
}

fn write_map(out: &mut String, v: &Value, indent: usize) {
    let Value::Object(map) = v else { return };
    let pad = " ".repeat(indent);
    for (k, val) in map {
        out.push_str(&pad);
        out.push_str(&string(k));
        out.push(':');
        match val {
            Value::Object(m) if m.is_empty() => out.push_str(" {}\n"),
            Value::Object(_) => {
                out.push('\n');
                write_map(out, val, indent + 2);
            }
            Value::Array(items) if items.iter().all(is_scalar) => {
                out.push(' ');
                out.push_str(&flow(items));
                out.push('\n');
            }
            Value::Array(items) => {
                out.push('\n');
                write_seq(out, items, indent + 2);
            }
            s => {
                out.push(' ');
                out.push_str(&scalar(s));
                out.push('\n');
            }
        }
    }
}

fn write_seq(out: &mut String, items: &[Value], indent: usize) {
    let pad = " ".repeat(indent);
    for item in items {
        match item {
            Value::Object(m) if !m.is_empty() => {
                // First key on the dash line, the rest aligned under it.
                let mut inner = String::new();
                write_map(&mut inner, item, indent + 2);
                let body = &inner[indent + 2..];
                out.push_str(&pad);
                out.push_str("- ");
                out.push_str(body);
            }
            Value::Array(a) if a.iter().all(is_scalar) => {
                out.push_str(&format!("{pad}- {}\n", flow(a)));
            }
            other => out.push_str(&format!("{pad}- {}\n", flow_value(other))),
        }
    }
}

fn is_scalar(v: &Value) -> bool {
    !matches!(v, Value::Array(_) | Value::Object(_))
}

fn flow(items: &[Value]) -> String {
    let parts: Vec<String> = items.iter().map(scalar).collect();
    format!("[{}]", parts.join(", "))
}

fn flow_value(v: &Value) -> String {
    match v {
        Value::Array(a) => format!(
            "[{}]",
            a.iter().map(flow_value).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(_) => serde_json::to_string(v).unwrap_or_default(),
        s => scalar(s),
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => string(s),
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

/// A string scalar, plain when that is unambiguous, double-quoted otherwise.
pub fn string(s: &str) -> String {
    if plain_is_safe(s) {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
    }
}

fn plain_is_safe(s: &str) -> bool {
    if s.is_empty() {
        return false;
    }
    // Only characters that never start or end syntax, in block or flow context.
    if !s
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ':'))
    {
        return false;
    }
    if s.starts_with(['-', ':', '.']) || s.ends_with(':') || s.contains(": ") {
        return false;
    }
    // YAML 1.1 booleans and nulls, any case.
    const RESERVED: &[&str] = &[
        "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~",
    ];
    if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(s)) {
        return false;
    }
    // Anything that looks numeric (ints, floats, octal, hex, sexagesimal, `1e3`, `.inf`).
    let first = s.chars().next().unwrap_or('a');
    if first.is_ascii_digit() || first == '+' {
        return false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn quotes_what_yaml_would_misread() {
        for s in [
            "on", "No", "1.0", "", "~", "0x1F", "12:30", "-a", "*ref", "a b", "<group>", "null",
        ] {
            assert!(string(s).starts_with('"'), "{s} should be quoted");
        }
        for s in [
            "pods",
            "apps",
            "rbac.authorization.k8s.io",
            "system:masters",
            "deployments/scale",
        ] {
            assert_eq!(string(s), s);
        }
    }

    #[test]
    fn renders_rules_like_kubectl() {
        let v = json!({"kind": "Role", "metadata": {"name": "x", "labels": {}}, "rules": [
            {"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]}
        ], "subjects": []});
        assert_eq!(
            to_yaml(&v),
            "kind: Role\nmetadata:\n  name: x\n  labels: {}\nrules:\n  - apiGroups: [\"\"]\n    resources: [pods]\n    verbs: [get, list]\nsubjects: []\n"
        );
    }
}
