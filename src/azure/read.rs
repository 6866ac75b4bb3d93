//! Reads Azure role definitions from every shape real files come in
//! (https://learn.microsoft.com/azure/role-based-access-control/role-definitions):
//!
//! * REST/portal body (`properties.roleName`, `properties.permissions[]`), ARM/Bicep resources of type
//!   `Microsoft.Authorization/roleDefinitions`, and whole ARM templates holding them (nested deployments too);
//! * `az role definition create` input and `az role definition list` output (an array of roles);
//! * PowerShell JSON, flat (`Actions`, … at the top) and `Permissions[]` (Az.Resources 10+).
//!
//! Keys are matched case-insensitively, as Newtonsoft (PowerShell) does. `//` and `/* */` comments, which
//! PowerShell accepts, are blanked (keeping line and column) and reported. ARM expressions are kept as text and
//! reported as unresolved, except `[parameters('x')]`, which takes the parameter's `defaultValue`.

use serde_json::{Map, Value};

use super::model::{Finding, List, PermissionBlock, RoleDefinition, Severity, Spans};
use crate::error::{Error, Result};

/// What a file held.
#[derive(Debug, Clone, Default)]
pub struct AzureFile {
    pub roles: Vec<RoleDefinition>,
    /// Findings about the file as a whole (comments, unresolved expressions), by role index or for all.
    pub findings: Vec<(Option<usize>, Finding)>,
}

/// Whether the text looks like JSON at all (for routing a file between the Azure and Kubernetes readers).
pub fn looks_like_json(text: &str) -> bool {
    let t = strip_comments(text);
    matches!(t.trim_start().chars().next(), Some('{') | Some('['))
}

/// Parses `text` (already decoded) from the file `name`. `Ok` with no roles means the file is JSON but holds
/// no role definition.
pub fn read(name: &str, text: &str) -> Result<AzureFile> {
    let mut file = AzureFile::default();
    let cleaned = strip_comments(text);
    if cleaned != text {
        let pos = text
            .find("//")
            .or_else(|| text.find("/*"))
            .map(|i| line_col(text, i));
        file.findings.push((
            None,
            Finding::new(
                "json-comments",
                Severity::Warning,
                "the file has comments; PowerShell reads it, but `az` and ARM reject comments in JSON",
            )
            .at(pos),
        ));
    }
    let value: Value = serde_json::from_str(&cleaned).map_err(|e| {
        let msg = e.to_string();
        let msg = msg
            .rfind(" at line ")
            .map_or(msg.as_str(), |i| &msg[..i])
            .to_string();
        Error::input(format!(
            "{name}:{}:{}: not valid JSON: {msg}",
            e.line(),
            e.column()
        ))
    })?;
    let mut ctx = Ctx {
        text,
        params: Map::new(),
        file: &mut file,
        newlines: text
            .bytes()
            .enumerate()
            .filter(|(_, b)| *b == b'\n')
            .map(|(i, _)| i)
            .collect(),
        window: 0,
        reach: 0,
        spans: Spans::default(),
    };
    ctx.walk(&value, 0);
    Ok(file)
}

struct Ctx<'a> {
    text: &'a str,
    /// ARM template parameters in scope.
    params: Map<String, Value>,
    file: &'a mut AzureFile,
    /// Byte offsets of the text's newlines, for line and column.
    newlines: Vec<usize>,
    /// Where the current role's strings are searched from: roles are read in document order, so a role's
    /// strings lie after everything found for the roles before it (JSON values carry no positions).
    window: usize,
    /// The furthest byte found so far.
    reach: usize,
    /// Positions of the current role's entries.
    spans: Spans,
}

/// Case-insensitive key lookup.
fn get<'v>(obj: &'v Map<String, Value>, key: &str) -> Option<&'v Value> {
    obj.get(key).or_else(|| {
        obj.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

fn get_str<'v>(obj: &'v Map<String, Value>, key: &str) -> Option<&'v str> {
    get(obj, key).and_then(Value::as_str)
}

fn is_role_type(obj: &Map<String, Value>) -> bool {
    get_str(obj, "type")
        .is_some_and(|t| t.eq_ignore_ascii_case("Microsoft.Authorization/roleDefinitions"))
}

fn has_any(obj: &Map<String, Value>, keys: &[&str]) -> bool {
    keys.iter().any(|k| get(obj, k).is_some())
}

const PERMISSION_KEYS: &[&str] = &[
    "permissions",
    "actions",
    "dataActions",
    "notActions",
    "notDataActions",
];

impl Ctx<'_> {
    fn walk(&mut self, v: &Value, depth: usize) {
        if depth > 16 {
            return;
        }
        match v {
            Value::Array(items) => {
                for i in items {
                    self.walk(i, depth + 1);
                }
            }
            Value::Object(obj) => self.object(obj, depth),
            _ => {}
        }
    }

    fn object(&mut self, obj: &Map<String, Value>, depth: usize) {
        // An ARM template (or a nested deployment's template): its roleDefinitions resources.
        if let Some(Value::Array(resources)) = get(obj, "resources") {
            let saved = self.params.clone();
            if let Some(Value::Object(p)) = get(obj, "parameters") {
                for (k, v) in p {
                    self.params.insert(k.to_ascii_lowercase(), v.clone());
                }
            }
            for r in resources {
                if let Value::Object(ro) = r {
                    if is_role_type(ro) {
                        self.role(ro, "arm");
                    } else if let Some(Value::Object(props)) = get(ro, "properties") {
                        if let Some(t @ Value::Object(_)) = get(props, "template") {
                            self.walk(t, depth + 1);
                        }
                    }
                }
            }
            self.params = saved;
            return;
        }
        if let Some(Value::Object(props)) = get(obj, "properties") {
            if has_any(props, &["roleName", "permissions"]) {
                let shape = if is_role_type(obj) { "arm" } else { "portal" };
                self.role(obj, shape);
                return;
            }
        }
        if has_any(obj, PERMISSION_KEYS) {
            let shape = if get(obj, "roleName").is_some() {
                "az-list"
            } else if obj
                .keys()
                .any(|k| k == "IsCustom" || k == "Permissions" || k == "Actions")
            {
                "powershell"
            } else {
                "cli"
            };
            self.role(obj, shape);
        }
    }

    /// Byte offset of the JSON string `needle` at or after `from` (else anywhere), and its end.
    fn find(&self, needle: &str, from: usize) -> Option<(usize, usize)> {
        let quoted = serde_json::to_string(needle).ok()?;
        let after = self
            .text
            .get(from..)
            .and_then(|t| t.find(&quoted))
            .map(|i| i + from);
        let i = after.or_else(|| self.text.find(&quoted))?;
        Some((i, i + quoted.len()))
    }

    /// 1-based line and column (in characters) of byte offset `i`.
    fn line_col(&self, i: usize) -> (usize, usize) {
        let line = self.newlines.partition_point(|&n| n < i);
        let start = if line == 0 {
            0
        } else {
            self.newlines[line - 1] + 1
        };
        let col = self.text.get(start..i).map_or(0, |t| t.chars().count()) + 1;
        (line + 1, col)
    }

    fn pos_of(&mut self, needle: &str) -> Option<(usize, usize)> {
        let (i, end) = self.find(needle, self.window)?;
        if i >= self.window {
            self.reach = self.reach.max(end);
        }
        Some(self.line_col(i))
    }

    fn finding(&mut self, role: usize, f: Finding) {
        self.file.findings.push((Some(role), f));
    }

    /// Resolves a value that may be an ARM expression.
    fn resolve(&mut self, v: &Value, role: usize, what: &str) -> Option<Value> {
        if let Value::String(s) = v {
            if let Some(expr) = arm_expression(s) {
                if let Some(name) = parameter_reference(expr) {
                    if let Some(Value::Object(p)) = self.params.get(&name.to_ascii_lowercase()) {
                        if let Some(d) = get(p, "defaultValue") {
                            let d = d.clone();
                            let pos = self.pos_of(s);
                            self.finding(
                                role,
                                Finding::new(
                                    "arm-parameter-default",
                                    Severity::Info,
                                    format!("{what} is `{s}`; audited with the parameter's defaultValue"),
                                )
                                .at(pos),
                            );
                            return Some(d);
                        }
                    }
                }
                let pos = self.pos_of(s);
                let f = if what == "assignableScopes" && is_deployment_scope(expr) {
                    Finding::new(
                        "arm-deployment-scope",
                        Severity::Info,
                        format!("{what} is `{s}`, the scope the template is deployed to; it is known only at deployment"),
                    )
                } else {
                    Finding::new(
                        "unresolved-expression",
                        Severity::Warning,
                        format!("{what} is the ARM expression `{s}`, which rolegen cannot resolve"),
                    )
                };
                self.finding(role, f.at(pos));
                return None;
            }
        }
        Some(v.clone())
    }

    fn string_list(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        role: usize,
        slot: (usize, List),
    ) -> Vec<String> {
        let Some(v) = get(obj, key) else {
            return Vec::new();
        };
        let Some(v) = self.resolve(v, role, key) else {
            return Vec::new();
        };
        match v {
            Value::Null => Vec::new(),
            Value::Array(items) => {
                let mut out = Vec::new();
                let mut cursor = self.window;
                for i in items {
                    let resolved = self.resolve(&i, role, key);
                    if let Value::String(written) = &i {
                        // Entries of a list are in document order: each is searched after the one before.
                        if let Some((at, end)) = self.find(written, cursor) {
                            if at >= cursor {
                                cursor = end;
                                self.reach = self.reach.max(end);
                            }
                            let pos = self.line_col(at);
                            self.spans.set(slot.0, slot.1, out.len(), pos);
                        }
                    }
                    match (resolved, &i) {
                        (Some(Value::String(s)), _) => out.push(s),
                        (Some(Value::Array(inner)), _) => out.extend(
                            inner
                                .into_iter()
                                .filter_map(|x| x.as_str().map(str::to_string)),
                        ),
                        // Kept as text, already reported as unresolved.
                        (None, Value::String(s)) => out.push(s.clone()),
                        (Some(Value::Null), _) | (None, _) => {}
                        (Some(other), _) => {
                            let f = Finding::new(
                                "not-a-string",
                                Severity::Error,
                                format!("`{key}` holds {other}, which is not a string"),
                            );
                            self.finding(role, f);
                        }
                    }
                }
                out
            }
            Value::String(s) => {
                let pos = self.pos_of(&s);
                if let Some(p) = pos {
                    self.spans.set(slot.0, slot.1, 0, p);
                }
                let f = Finding::new(
                    "not-a-list",
                    Severity::Warning,
                    format!("`{key}` is a string, not a list; read as a list of one"),
                )
                .at(pos);
                self.finding(role, f);
                vec![s]
            }
            other => {
                let f = Finding::new(
                    "not-a-list",
                    Severity::Error,
                    format!("`{key}` holds {other}, not a list of strings"),
                );
                self.finding(role, f);
                Vec::new()
            }
        }
    }

    fn block(&mut self, obj: &Map<String, Value>, role: usize, index: usize) -> PermissionBlock {
        PermissionBlock {
            actions: self.string_list(obj, "actions", role, (index, List::Actions)),
            not_actions: self.string_list(obj, "notActions", role, (index, List::NotActions)),
            data_actions: self.string_list(obj, "dataActions", role, (index, List::DataActions)),
            not_data_actions: self.string_list(
                obj,
                "notDataActions",
                role,
                (index, List::NotDataActions),
            ),
            condition: get_str(obj, "condition")
                .filter(|c| !c.trim().is_empty())
                .map(str::to_string),
        }
    }

    fn role(&mut self, outer: &Map<String, Value>, shape: &'static str) {
        let role = self.file.roles.len();
        self.window = self.reach;
        self.spans = Spans::default();
        // Shapes A/B keep the definition under `properties`.
        let body = match get(outer, "properties") {
            Some(Value::Object(p))
                if has_any(p, &["roleName", "permissions", "assignableScopes"]) =>
            {
                p
            }
            _ => outer,
        };
        let guid_of = |s: &str| {
            let last = s.rsplit('/').next().unwrap_or(s);
            super::scope::is_guid(last).then(|| last.to_string())
        };
        let name_field = get_str(outer, "name").or_else(|| get_str(body, "name"));
        let display = get_str(body, "roleName")
            .map(str::to_string)
            .or_else(|| {
                name_field
                    .filter(|n| !super::scope::is_guid(n))
                    .map(str::to_string)
            })
            .unwrap_or_default();
        let id = name_field
            .and_then(guid_of)
            .or_else(|| get_str(outer, "id").and_then(guid_of));
        let line = (!display.is_empty())
            .then(|| self.pos_of(&display).map(|p| p.0))
            .flatten();
        let display = match arm_expression(&display) {
            Some(_) => match self.resolve(&Value::String(display.clone()), role, "roleName") {
                Some(Value::String(s)) => s,
                _ => display,
            },
            None => display,
        };
        let mut permissions = Vec::new();
        match get(body, "permissions") {
            Some(Value::Array(blocks)) => {
                for b in blocks {
                    if let Value::Object(bo) = b {
                        let index = permissions.len();
                        permissions.push(self.block(bo, role, index));
                    }
                }
            }
            _ => {
                if has_any(
                    body,
                    &["actions", "dataActions", "notActions", "notDataActions"],
                ) {
                    permissions.push(self.block(body, role, 0));
                }
            }
        }
        let scopes = self.string_list(body, "assignableScopes", role, (0, List::AssignableScopes));
        self.file.roles.push(RoleDefinition {
            name: if display.is_empty() {
                "(unnamed)".into()
            } else {
                display
            },
            id,
            description: get_str(body, "description").map(str::to_string),
            permissions,
            assignable_scopes: scopes,
            line,
            spans: std::mem::take(&mut self.spans),
            builtin: get_str(body, "roleType")
                .is_some_and(|t| t.eq_ignore_ascii_case("BuiltInRole"))
                || get(body, "IsCustom") == Some(&Value::Bool(false)),
            shape,
        });
    }
}

/// `[expr]` (but not `[[literal`) is an ARM template expression.
pub fn arm_expression(s: &str) -> Option<&str> {
    let t = s.trim();
    if t.starts_with('[') && !t.starts_with("[[") && t.ends_with(']') {
        Some(&t[1..t.len() - 1])
    } else {
        None
    }
}

/// The ARM functions naming the scope a template is deployed to
/// (https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-scope): the
/// ordinary way to write a role's assignable scope in a template, not something left unresolved.
fn is_deployment_scope(expr: &str) -> bool {
    let e: String = expr.chars().filter(|c| !c.is_whitespace()).collect();
    matches!(
        e.to_ascii_lowercase().as_str(),
        "subscription().id" | "resourcegroup().id" | "managementgroup().id"
    )
}

/// `parameters('name')` → `name`.
fn parameter_reference(expr: &str) -> Option<&str> {
    let inner = expr
        .trim()
        .strip_prefix("parameters(")?
        .strip_suffix(')')?
        .trim();
    let inner = inner.strip_prefix('\'')?.strip_suffix('\'')?;
    (!inner.contains('\'')).then_some(inner)
}

/// 1-based line and column (in characters) of byte offset `i`.
pub fn line_col(text: &str, i: usize) -> (usize, usize) {
    let before = &text[..i.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Blanks `//` and `/* */` comments outside strings with spaces (newlines kept), so positions stay right.
pub fn strip_comments(text: &str) -> String {
    if !text.contains("//") && !text.contains("/*") {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if c == '\\' {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match (c, chars.peek()) {
            ('"', _) => {
                in_string = true;
                out.push(c);
            }
            ('/', Some('/')) => {
                while let Some(&n) = chars.peek() {
                    if n == '\n' {
                        break;
                    }
                    out.push(' ');
                    chars.next();
                }
                out.push(' ');
            }
            ('/', Some('*')) => {
                out.push(' ');
                let mut prev = ' ';
                for n in chars.by_ref() {
                    out.push(if n == '\n' { '\n' } else { ' ' });
                    if prev == '*' && n == '/' {
                        break;
                    }
                    prev = n;
                }
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_shape() {
        let portal = r#"{"id":"/subscriptions/x/providers/Microsoft.Authorization/roleDefinitions/11111111-2222-3333-4444-555555555555",
            "properties":{"roleName":"R","assignableScopes":["/subscriptions/x"],"permissions":[{"actions":["a.b/c/read"],"notActions":[],"dataActions":[],"notDataActions":[]}]}}"#;
        let f = read("p.json", portal).unwrap();
        assert_eq!(f.roles[0].name, "R");
        assert_eq!(
            f.roles[0].id.as_deref(),
            Some("11111111-2222-3333-4444-555555555555")
        );
        assert_eq!(f.roles[0].shape, "portal");
        let flat = r#"{"Name":"F","IsCustom":true,"Actions":["a.b/c/read"],"NotActions":[],"AssignableScopes":["/"]}"#;
        let f = read("f.json", flat).unwrap();
        assert_eq!(
            (f.roles[0].name.as_str(), f.roles[0].shape),
            ("F", "powershell")
        );
        assert_eq!(f.roles[0].permissions[0].actions, ["a.b/c/read"]);
        let list = r#"[{"roleName":"A","name":"11111111-2222-3333-4444-555555555555","permissions":[{"actions":["*"],"condition":null}]},
                       {"roleName":"B","name":"21111111-2222-3333-4444-555555555555","permissions":[{"actions":["*/read"],"condition":"x == y"}]}]"#;
        let f = read("l.json", list).unwrap();
        assert_eq!(f.roles.len(), 2);
        assert_eq!(
            f.roles[1].permissions[0].condition.as_deref(),
            Some("x == y")
        );
        assert_eq!(f.roles[0].permissions[0].condition, None);
        let mixed = r#"{"Name":"M","permissions":[{"actions":["x.y/z/read"],"dataActions":["x.y/z/d/action"]}],"assignableScopes":["/subscriptions/s"]}"#;
        let f = read("m.json", mixed).unwrap();
        assert_eq!(f.roles[0].permissions[0].data_actions, ["x.y/z/d/action"]);
        assert!(read("n.json", r#"{"kind":"Pod"}"#)
            .unwrap()
            .roles
            .is_empty());
    }

    #[test]
    fn arm_parameters_and_expressions() {
        let t = r#"{"parameters":{"actions":{"type":"array","defaultValue":["a.b/c/read"]}},
            "resources":[{"type":"Microsoft.Authorization/roleDefinitions","name":"[guid(subscription().id)]",
              "properties":{"roleName":"[parameters('missing')]","permissions":[{"actions":"[parameters('actions')]","notActions":"[variables('n')]"}],
              "assignableScopes":["[subscription().id]"]}}]}"#;
        let f = read("t.json", t).unwrap();
        let r = &f.roles[0];
        assert_eq!(r.permissions[0].actions, ["a.b/c/read"]);
        assert_eq!(r.assignable_scopes, ["[subscription().id]"]);
        let codes: Vec<&str> = f.findings.iter().map(|(_, f)| f.code).collect();
        assert!(codes.contains(&"arm-parameter-default"));
        assert!(codes.contains(&"arm-deployment-scope"), "{codes:?}");
    }

    #[test]
    fn comments_are_blanked_and_bad_json_located() {
        let text = "{\n  // a comment\n  \"Name\": \"C\", /* x */ \"Actions\": [\"a.b/c/read\"]\n}";
        let f = read("c.json", text).unwrap();
        assert_eq!(f.roles[0].name, "C");
        assert_eq!(f.findings[0].1.code, "json-comments");
        assert_eq!(f.findings[0].1.line, Some(2));
        let err = read(
            "bad.json",
            "{\n  \"Name\": \"x\",\n  \"Actions\": [\"a\" \"b\"]\n}",
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("bad.json:3:"), "{err}");
        assert_eq!(strip_comments("\"http://x\" // c"), "\"http://x\"     ");
    }
}
