//! Reads Kubernetes RBAC objects from YAML (any number of `---` documents) and JSON, including `kind: List`
//! (`apiVersion: v1`, `items: [...]`): Role, ClusterRole, RoleBinding and ClusterRoleBinding in
//! `rbac.authorization.k8s.io/v1` and `v1beta1`. Documents of other kinds are skipped and counted. Keys are
//! case-sensitive, as the API server reads them.
//!
//! Documents are read shallowly: only the fields RBAC needs are decoded, everything else (a Deployment's
//! `spec`, say) is skipped without building it, and each object and rule keeps its line and column.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;
use serde_saphyr::{Location, Spanned};

use super::model::{
    BindingKind, BindingSubject, K8sBinding, K8sRole, Object, Requirement, RoleKind, RoleRef, Rule,
    Selector,
};
use crate::error::{Error, Result};
use crate::finding::{Finding, Severity};

pub const RBAC_API_VERSIONS: &[&str] = &[
    "rbac.authorization.k8s.io/v1",
    "rbac.authorization.k8s.io/v1beta1",
    "rbac.authorization.k8s.io/v1alpha1",
];

/// What a file held.
#[derive(Debug, Clone, Default)]
pub struct K8sFile {
    pub objects: Vec<Object>,
    /// Documents (or List items) of other kinds.
    pub skipped: usize,
    /// Findings by object index (`None` = the whole file).
    pub findings: Vec<(Option<usize>, Finding)>,
}

/// The `visit_bool` and number methods of a lenient visitor: each hands `$make` the name of what it saw
/// (`a boolean`, `a number`) instead of failing.
macro_rules! visit_other_scalars {
    ($value:ty, $make:expr) => {
        fn visit_bool<E: de::Error>(self, _: bool) -> std::result::Result<$value, E> {
            Ok(($make)("a boolean"))
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> std::result::Result<$value, E> {
            Ok(($make)("a number"))
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> std::result::Result<$value, E> {
            Ok(($make)("a number"))
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> std::result::Result<$value, E> {
            Ok(($make)("a number"))
        }
    };
}

/// A list-valued field, decoded leniently: a sequence of spanned elements, or a note of what it was instead.
#[derive(Debug)]
enum SpannedList<T> {
    Items(Vec<Spanned<T>>),
    Invalid(&'static str),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for SpannedList<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = SpannedList<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list")
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                let mut items = Vec::new();
                while let Some(x) = seq.next_element::<Spanned<T>>()? {
                    items.push(x);
                }
                Ok(SpannedList::Items(items))
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(SpannedList::Invalid("a mapping"))
            }
            fn visit_unit<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
                Ok(SpannedList::Items(Vec::new()))
            }
            fn visit_none<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
                Ok(SpannedList::Items(Vec::new()))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> std::result::Result<Self::Value, E> {
                Ok(SpannedList::Invalid("a string"))
            }
            visit_other_scalars!(Self::Value, |what| SpannedList::Invalid(what));
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// A list of strings as written: absent or null, strings, or what it holds or is instead (for the message).
#[derive(Debug, Default)]
enum StrList {
    #[default]
    Absent,
    Strings(Vec<String>),
    /// An element that is not a string.
    BadItem(&'static str),
    /// Not a list: what it is, and how to write it as one.
    NotList(&'static str, String),
}

impl StrList {
    /// The same reading from a JSON value (selectors, which are read as values).
    fn from_value(v: Option<&Value>) -> StrList {
        match v {
            None | Some(Value::Null) => StrList::Absent,
            Some(Value::Array(a)) => match a.iter().find(|x| !x.is_string()) {
                Some(bad) => StrList::BadItem(type_name(bad)),
                None => StrList::Strings(
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect(),
                ),
            },
            Some(Value::String(s)) => StrList::NotList("a string", s.clone()),
            Some(other) => StrList::NotList(type_name(other), other.to_string()),
        }
    }
}

/// One element of a string list: a string, or the kind of value it is instead.
enum StrItem {
    Str(String),
    Other(&'static str),
}

impl<'de> Deserialize<'de> for StrItem {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        // Decoded as a JSON value: rare shapes (a mapping inside `verbs`) keep serde's own handling.
        Ok(match Value::deserialize(d)? {
            Value::String(s) => StrItem::Str(s),
            other => StrItem::Other(type_name(&other)),
        })
    }
}

impl<'de> Deserialize<'de> for StrList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = StrList;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of strings")
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<StrList, A::Error> {
                let mut out = Vec::new();
                let mut bad = None;
                while let Some(x) = seq.next_element::<StrItem>()? {
                    match x {
                        StrItem::Str(s) => out.push(s),
                        StrItem::Other(what) => {
                            bad.get_or_insert(what);
                        }
                    }
                }
                Ok(match bad {
                    Some(what) => StrList::BadItem(what),
                    None => StrList::Strings(out),
                })
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                map: A,
            ) -> std::result::Result<StrList, A::Error> {
                let v = Value::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(StrList::NotList("a mapping", v.to_string()))
            }
            fn visit_unit<E: de::Error>(self) -> std::result::Result<StrList, E> {
                Ok(StrList::Absent)
            }
            fn visit_none<E: de::Error>(self) -> std::result::Result<StrList, E> {
                Ok(StrList::Absent)
            }
            fn visit_str<E: de::Error>(self, s: &str) -> std::result::Result<StrList, E> {
                Ok(StrList::NotList("a string", s.to_string()))
            }
            fn visit_bool<E: de::Error>(self, b: bool) -> std::result::Result<StrList, E> {
                Ok(StrList::NotList("a boolean", b.to_string()))
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> std::result::Result<StrList, E> {
                Ok(StrList::NotList("a number", Value::from(n).to_string()))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> std::result::Result<StrList, E> {
                Ok(StrList::NotList("a number", Value::from(n).to_string()))
            }
            fn visit_f64<E: de::Error>(self, n: f64) -> std::result::Result<StrList, E> {
                Ok(StrList::NotList("a number", Value::from(n).to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// One rule as written: its lists, or what it is instead of a mapping.
#[derive(Debug)]
enum RawRule {
    Rule {
        verbs: StrList,
        api_groups: StrList,
        resources: StrList,
        resource_names: StrList,
        non_resource_urls: StrList,
    },
    NotMap(&'static str),
}

impl<'de> Deserialize<'de> for RawRule {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawRule;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a rule")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<RawRule, A::Error> {
                let mut lists: [StrList; 5] = Default::default();
                while let Some(key) = map.next_key::<KeyName>()? {
                    let slot = match key.0.as_deref() {
                        Some("verbs") => 0,
                        Some("apiGroups") => 1,
                        Some("resources") => 2,
                        Some("resourceNames") => 3,
                        Some("nonResourceURLs") => 4,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                            continue;
                        }
                    };
                    lists[slot] = map.next_value()?;
                }
                let [verbs, api_groups, resources, resource_names, non_resource_urls] = lists;
                Ok(RawRule::Rule {
                    verbs,
                    api_groups,
                    resources,
                    resource_names,
                    non_resource_urls,
                })
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<RawRule, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(RawRule::NotMap("a list"))
            }
            fn visit_unit<E: de::Error>(self) -> std::result::Result<RawRule, E> {
                Ok(RawRule::NotMap("null"))
            }
            fn visit_none<E: de::Error>(self) -> std::result::Result<RawRule, E> {
                Ok(RawRule::NotMap("null"))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> std::result::Result<RawRule, E> {
                Ok(RawRule::NotMap("a string"))
            }
            visit_other_scalars!(RawRule, RawRule::NotMap);
        }
        d.deserialize_any(V)
    }
}

/// One document, decoded shallowly. Anything that is not a mapping is `not_object`.
#[derive(Debug, Default)]
struct RawDoc {
    not_object: bool,
    api_version: Option<Value>,
    kind: Option<Value>,
    metadata: Option<Value>,
    rules: Option<SpannedList<RawRule>>,
    aggregation_rule: Option<Value>,
    subjects: Option<Value>,
    role_ref: Option<Value>,
    items: Option<SpannedList<RawDoc>>,
}

impl<'de> Deserialize<'de> for RawDoc {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawDoc;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a Kubernetes object")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<RawDoc, A::Error> {
                let mut doc = RawDoc::default();
                while let Some(key) = map.next_key::<KeyName>()? {
                    match key.0.as_deref() {
                        Some("apiVersion") => doc.api_version = Some(map.next_value()?),
                        Some("kind") => doc.kind = Some(map.next_value()?),
                        Some("metadata") => doc.metadata = Some(map.next_value()?),
                        Some("rules") => doc.rules = Some(map.next_value()?),
                        Some("aggregationRule") => doc.aggregation_rule = Some(map.next_value()?),
                        Some("subjects") => doc.subjects = Some(map.next_value()?),
                        Some("roleRef") => doc.role_ref = Some(map.next_value()?),
                        Some("items") => doc.items = Some(map.next_value()?),
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(doc)
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<RawDoc, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(RawDoc {
                    not_object: true,
                    ..RawDoc::default()
                })
            }
            fn visit_str<E: de::Error>(self, _: &str) -> std::result::Result<RawDoc, E> {
                Ok(RawDoc {
                    not_object: true,
                    ..RawDoc::default()
                })
            }
            visit_other_scalars!(RawDoc, |_| RawDoc {
                not_object: true,
                ..RawDoc::default()
            });
            fn visit_unit<E: de::Error>(self) -> std::result::Result<RawDoc, E> {
                Ok(RawDoc {
                    not_object: true,
                    ..RawDoc::default()
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// A mapping key: a string, or anything else (kept as `None`, its value skipped).
struct KeyName(Option<String>);

impl<'de> Deserialize<'de> for KeyName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = KeyName;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> std::result::Result<KeyName, E> {
                Ok(KeyName(Some(s.to_string())))
            }
            visit_other_scalars!(KeyName, |_| KeyName(None));
            fn visit_unit<E: de::Error>(self) -> std::result::Result<KeyName, E> {
                Ok(KeyName(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<KeyName, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(KeyName(None))
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<KeyName, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(KeyName(None))
            }
        }
        d.deserialize_any(V)
    }
}

fn pos_of<T>(s: &Spanned<T>) -> Option<(usize, usize)> {
    let l = s.referenced;
    let (line, col) = (l.line() as usize, l.column() as usize);
    (line > 0).then_some((line, col.max(1)))
}

fn at(name: &str, pos: Option<(usize, usize)>) -> String {
    match pos {
        Some((l, c)) => format!("{name}:{l}:{c}"),
        None => name.to_string(),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// Reads `text` (already decoded) from file `name`. `Ok` with no objects and nothing skipped means the file
/// held nothing Kubernetes-shaped.
pub fn read(name: &str, text: &str) -> Result<K8sFile> {
    let docs: Vec<Spanned<RawDoc>> = match serde_saphyr::from_multiple(text) {
        Ok(d) => d,
        Err(e) => {
            // JSON that YAML refuses (tab indentation, say) is still JSON.
            if crate::azure::read::looks_like_json(text) {
                if let Ok(v) = serde_json::from_str::<Value>(text) {
                    return read_json_value(name, &v);
                }
            }
            let pos = e
                .location()
                .map(|l| format!(":{}:{}", l.line(), l.column()))
                .unwrap_or_default();
            let msg = e.to_string();
            let mut first = msg.lines().next().unwrap_or("").trim();
            first = first.strip_prefix("error:").unwrap_or(first).trim_start();
            if first.starts_with("line ") {
                if let Some((_, rest)) = first.split_once(": ") {
                    first = rest;
                }
            }
            return Err(Error::input(format!(
                "{name}{pos}: not valid YAML: {first}"
            )));
        }
    };
    let mut file = K8sFile::default();
    for d in docs {
        let pos = pos_of(&d);
        take_doc(name, d.value, pos, &mut file, 0)?;
    }
    Ok(file)
}

/// JSON that only serde_json accepts: the same decoding, without positions.
fn read_json_value(name: &str, v: &Value) -> Result<K8sFile> {
    fn raw(v: &Value) -> RawDoc {
        let Value::Object(o) = v else {
            return RawDoc {
                not_object: true,
                ..RawDoc::default()
            };
        };
        RawDoc {
            not_object: false,
            api_version: o.get("apiVersion").cloned(),
            kind: o.get("kind").cloned(),
            metadata: o.get("metadata").cloned(),
            rules: o.get("rules").map(|v| match v {
                Value::Array(a) => SpannedList::Items(
                    a.iter()
                        .map(|r| {
                            let raw =
                                RawRule::deserialize(r).unwrap_or(RawRule::NotMap(type_name(r)));
                            Spanned::new(raw, Location::UNKNOWN, Location::UNKNOWN)
                        })
                        .collect(),
                ),
                Value::Null => SpannedList::Items(Vec::new()),
                other => SpannedList::Invalid(type_name(other)),
            }),
            aggregation_rule: o.get("aggregationRule").cloned(),
            subjects: o.get("subjects").cloned(),
            role_ref: o.get("roleRef").cloned(),
            items: o.get("items").map(|v| match v {
                Value::Array(a) => SpannedList::Items(
                    a.iter()
                        .map(|i| Spanned::new(raw(i), Location::UNKNOWN, Location::UNKNOWN))
                        .collect(),
                ),
                Value::Null => SpannedList::Items(Vec::new()),
                other => SpannedList::Invalid(type_name(other)),
            }),
        }
    }
    let mut file = K8sFile::default();
    take_doc(name, raw(v), None, &mut file, 0)?;
    Ok(file)
}

fn str_field<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    v.get(key).and_then(Value::as_str)
}

fn take_doc(
    name: &str,
    doc: RawDoc,
    pos: Option<(usize, usize)>,
    file: &mut K8sFile,
    depth: usize,
) -> Result<()> {
    if doc.not_object {
        file.skipped += 1;
        return Ok(());
    }
    let kind = doc.kind.as_ref().and_then(Value::as_str).unwrap_or("");
    let api_version = doc
        .api_version
        .as_ref()
        .and_then(Value::as_str)
        .unwrap_or("");
    if kind == "List" || kind.ends_with("List") && doc.items.is_some() {
        match doc.items {
            Some(SpannedList::Items(items)) if depth < 4 => {
                for i in items {
                    let p = pos_of(&i).or(pos);
                    take_doc(name, i.value, p, file, depth + 1)?;
                }
                return Ok(());
            }
            Some(SpannedList::Invalid(what)) => {
                return Err(Error::input(format!(
                    "{}: the {kind}'s `items` is {what}; it must be a list of objects",
                    at(name, pos)
                )));
            }
            _ => {
                file.skipped += 1;
                return Ok(());
            }
        }
    }
    let role_kind = match kind {
        "Role" => Some(RoleKind::Role),
        "ClusterRole" => Some(RoleKind::ClusterRole),
        _ => None,
    };
    let binding_kind = match kind {
        "RoleBinding" => Some(BindingKind::RoleBinding),
        "ClusterRoleBinding" => Some(BindingKind::ClusterRoleBinding),
        _ => None,
    };
    if role_kind.is_none() && binding_kind.is_none() {
        file.skipped += 1;
        return Ok(());
    }
    if !RBAC_API_VERSIONS.contains(&api_version) {
        // A `Role` of another API group (a CRD's kind that happens to be named Role) is not RBAC.
        if api_version.contains('/') && !api_version.starts_with("rbac.authorization.k8s.io/") {
            file.skipped += 1;
            return Ok(());
        }
        return Err(Error::input(format!(
            "{}: a {kind} with apiVersion {api_version:?}; RBAC objects use rbac.authorization.k8s.io/v1 (or the older v1beta1)",
            at(name, pos)
        )));
    }
    let index = file.objects.len();
    if api_version != "rbac.authorization.k8s.io/v1" {
        file.findings.push((
            Some(index),
            Finding::new(
                "deprecated-api-version",
                Severity::Warning,
                format!(
                    "{api_version} was removed in Kubernetes 1.22; current servers accept only rbac.authorization.k8s.io/v1 (the fields are the same)"
                ),
            )
            .at(pos),
        ));
    }
    let meta = doc.metadata.unwrap_or(Value::Null);
    if !meta.is_null() && !meta.is_object() {
        return Err(Error::input(format!(
            "{}: metadata is {}; it must be a mapping",
            at(name, pos),
            type_name(&meta)
        )));
    }
    let obj_name = str_field(&meta, "name").unwrap_or("").to_string();
    let generate_name = str_field(&meta, "generateName");
    if obj_name.is_empty() && generate_name.is_none() {
        return Err(Error::input(format!(
            "{}: the {kind} has no metadata.name; every RBAC object needs one",
            at(name, pos)
        )));
    }
    let obj_name = if obj_name.is_empty() {
        format!("{}*", generate_name.unwrap_or(""))
    } else {
        obj_name
    };
    let namespace = str_field(&meta, "namespace")
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    let mut labels = BTreeMap::new();
    if let Some(Value::Object(l)) = meta.get("labels") {
        for (k, v) in l {
            let v = match v {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                other => other.to_string(),
            };
            labels.insert(k.clone(), v);
        }
    }
    let here = |what: &str| format!("{}: {kind} {obj_name}: {what}", at(name, pos));

    if let Some(rk) = role_kind {
        let mut rules = Vec::new();
        match doc.rules {
            None => {}
            Some(SpannedList::Invalid(what)) => {
                return Err(Error::input(here(&format!(
                    "rules is {what}; it must be a list of rules"
                ))))
            }
            Some(SpannedList::Items(items)) => {
                for (i, r) in items.into_iter().enumerate() {
                    let rpos = pos_of(&r).or(pos);
                    rules.push(rule(r.value, rpos).map_err(|e| {
                        // `rules[0].verbs is …`, but `rules[0] is a string; …`.
                        let dot = if e.starts_with(' ') { "" } else { "." };
                        Error::input(format!(
                            "{}: {kind} {obj_name}: rules[{i}]{dot}{e}",
                            at(name, rpos)
                        ))
                    })?);
                }
            }
        }
        let aggregation = match &doc.aggregation_rule {
            None | Some(Value::Null) => None,
            Some(a) => {
                if rk == RoleKind::Role {
                    return Err(Error::input(here(
                        "a Role cannot have an aggregationRule (only a ClusterRole can)",
                    )));
                }
                Some(selectors(a).map_err(|e| Error::input(here(&e)))?)
            }
        };
        file.objects.push(Object::Role(K8sRole {
            kind: rk,
            name: obj_name,
            namespace,
            labels,
            rules,
            aggregation,
            api_version: api_version.to_string(),
            pos,
        }));
        return Ok(());
    }

    let bk = binding_kind.unwrap_or(BindingKind::RoleBinding);
    let rr = doc.role_ref.unwrap_or(Value::Null);
    if !rr.is_object() {
        return Err(Error::input(here(
            "has no roleRef; a binding needs roleRef {kind, name}",
        )));
    }
    let mut role_ref = RoleRef {
        api_group: str_field(&rr, "apiGroup").unwrap_or("").to_string(),
        kind: str_field(&rr, "kind").unwrap_or("").to_string(),
        name: str_field(&rr, "name").unwrap_or("").to_string(),
    };
    if role_ref.api_group.is_empty() {
        role_ref.api_group = super::generate::RBAC_GROUP.into();
    }
    let allowed: &[&str] = match bk {
        BindingKind::RoleBinding => &["Role", "ClusterRole"],
        BindingKind::ClusterRoleBinding => &["ClusterRole"],
    };
    if !allowed.contains(&role_ref.kind.as_str()) {
        return Err(Error::input(here(&format!(
            "roleRef.kind is {:?}; a {kind} may refer to {}",
            role_ref.kind,
            allowed.join(" or ")
        ))));
    }
    if role_ref.name.is_empty() {
        return Err(Error::input(here("roleRef.name is empty")));
    }
    let mut subjects = Vec::new();
    match doc.subjects.unwrap_or(Value::Null) {
        Value::Null => {}
        Value::Array(a) => {
            for (i, s) in a.iter().enumerate() {
                if !s.is_object() {
                    return Err(Error::input(here(&format!(
                        "subjects[{i}] is {}; it must be a mapping with kind and name",
                        type_name(s)
                    ))));
                }
                let kind = str_field(s, "kind").unwrap_or("").to_string();
                if !["User", "Group", "ServiceAccount"].contains(&kind.as_str()) {
                    return Err(Error::input(here(&format!(
                        "subjects[{i}].kind is {kind:?}; it must be User, Group or ServiceAccount"
                    ))));
                }
                subjects.push(
                    BindingSubject {
                        kind,
                        name: str_field(s, "name").unwrap_or("").to_string(),
                        api_group: str_field(s, "apiGroup").unwrap_or("").to_string(),
                        namespace: str_field(s, "namespace").map(str::to_string),
                    }
                    .defaulted(namespace.as_deref()),
                );
            }
        }
        other => {
            return Err(Error::input(here(&format!(
                "subjects is {}; it must be a list",
                type_name(&other)
            ))))
        }
    }
    file.objects.push(Object::Binding(K8sBinding {
        kind: bk,
        name: obj_name,
        namespace,
        role_ref,
        subjects,
        pos,
    }));
    Ok(())
}

fn strings(v: StrList, field: &str) -> std::result::Result<Vec<String>, String> {
    match v {
        StrList::Absent => Ok(Vec::new()),
        StrList::Strings(s) => Ok(s),
        StrList::BadItem(what) => Err(format!(
            "{field} holds {what}; it must be a list of strings"
        )),
        StrList::NotList(what, shown) => Err(format!(
            "{field} is {what}; it must be a list of strings (write [{shown}])"
        )),
    }
}

fn rule(v: RawRule, pos: Option<(usize, usize)>) -> std::result::Result<Rule, String> {
    match v {
        RawRule::NotMap(what) => Err(format!(
            " is {what}; a rule is a mapping of verbs, apiGroups, resources"
        )),
        RawRule::Rule {
            verbs,
            api_groups,
            resources,
            resource_names,
            non_resource_urls,
        } => Ok(Rule {
            verbs: strings(verbs, "verbs")?,
            api_groups: strings(api_groups, "apiGroups")?,
            resources: strings(resources, "resources")?,
            resource_names: strings(resource_names, "resourceNames")?,
            non_resource_urls: strings(non_resource_urls, "nonResourceURLs")?,
            pos,
        }),
    }
}

fn selectors(a: &Value) -> std::result::Result<Vec<Selector>, String> {
    let list = match a.get("clusterRoleSelectors") {
        Some(Value::Array(l)) => l,
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(other) => {
            return Err(format!(
                "aggregationRule.clusterRoleSelectors is {}; it must be a list of label selectors",
                type_name(other)
            ))
        }
    };
    let mut out = Vec::new();
    for (i, s) in list.iter().enumerate() {
        let mut sel = Selector::default();
        if let Some(Value::Object(m)) = s.get("matchLabels") {
            for (k, v) in m {
                let v = match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                sel.match_labels.insert(k.clone(), v);
            }
        }
        if let Some(exprs) = s.get("matchExpressions") {
            let Value::Array(exprs) = exprs else {
                return Err(format!(
                    "aggregationRule.clusterRoleSelectors[{i}].matchExpressions must be a list"
                ));
            };
            for e in exprs {
                sel.match_expressions.push(Requirement {
                    key: str_field(e, "key").unwrap_or("").to_string(),
                    operator: str_field(e, "operator").unwrap_or("").to_string(),
                    values: strings(StrList::from_value(e.get("values")), "values")?,
                });
            }
        }
        out.push(sel);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_document_yaml_with_lists_and_other_kinds() {
        let text = "\
apiVersion: v1
kind: ServiceAccount
metadata: {name: sa}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: r
  namespace: ns
rules:
- apiGroups: [\"\"]
  resources: [pods]
  verbs: [get]
---
apiVersion: v1
kind: List
items:
- apiVersion: rbac.authorization.k8s.io/v1beta1
  kind: RoleBinding
  metadata: {name: b, namespace: ns}
  roleRef: {kind: Role, name: r}
  subjects:
  - {kind: Group, name: g}
  - {kind: ServiceAccount, name: sa}
";
        let f = read("t.yaml", text).unwrap();
        assert_eq!(f.skipped, 1);
        assert_eq!(f.objects.len(), 2);
        let Object::Role(r) = &f.objects[0] else {
            panic!()
        };
        assert_eq!(r.rules[0].pos, Some((11, 3)));
        assert_eq!(r.pos.map(|p| p.0), Some(5));
        let Object::Binding(b) = &f.objects[1] else {
            panic!()
        };
        assert_eq!(b.role_ref.api_group, "rbac.authorization.k8s.io");
        assert_eq!(b.subjects[0].api_group, "rbac.authorization.k8s.io");
        assert_eq!(b.subjects[1].namespace.as_deref(), Some("ns"));
        assert_eq!(f.findings[0].1.code, "deprecated-api-version");
    }

    #[test]
    fn bad_fields_point_at_the_rule() {
        let text = "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r, namespace: n}\nrules:\n- apiGroups: [\"\"]\n  resources: [pods]\n  verbs: get\n";
        let e = read("t.yaml", text).unwrap_err().to_string();
        assert!(
            e.starts_with("t.yaml:5:3: Role r: rules[0].verbs is a string"),
            "{e}"
        );
        let e = read("t.yaml", "a: [\n").unwrap_err().to_string();
        assert!(e.starts_with("t.yaml:"), "{e}");
    }

    #[test]
    fn every_bad_rule_shape_is_named() {
        let head = "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r, namespace: n}\nrules:\n";
        for (rule, expected) in [
            (
                "- verbs: 5",
                "rules[0].verbs is a number; it must be a list of strings (write [5])",
            ),
            (
                "- verbs: [get, 1]",
                "rules[0].verbs holds a number; it must be a list of strings",
            ),
            (
                "- verbs: {a: 1}",
                "rules[0].verbs is a mapping; it must be a list of strings (write [{\"a\":1}])",
            ),
            (
                "- verbs: true",
                "rules[0].verbs is a boolean; it must be a list of strings (write [true])",
            ),
            (
                "- verbs: [get]\n  resources: [pods, [x]]",
                "rules[0].resources holds a list; it must be a list of strings",
            ),
            (
                "- x",
                "rules[0] is a string; a rule is a mapping of verbs, apiGroups, resources",
            ),
            (
                "- null",
                "rules[0] is null; a rule is a mapping of verbs, apiGroups, resources",
            ),
            (
                "- [a]",
                "rules[0] is a list; a rule is a mapping of verbs, apiGroups, resources",
            ),
        ] {
            let e = read("t.yaml", &format!("{head}{rule}\n"))
                .unwrap_err()
                .to_string();
            assert_eq!(e, format!("t.yaml:5:3: Role r: {expected}"), "{rule}");
        }
        // Null lists are empty; unknown keys are ignored.
        let f = read(
            "t.yaml",
            &format!("{head}- verbs: [get]\n  resources: [pods]\n  resourceNames: ~\n  x: 1\n"),
        )
        .unwrap();
        let Object::Role(r) = &f.objects[0] else {
            panic!()
        };
        assert!(r.rules[0].resource_names.is_empty());
        // The JSON fallback (tab-indented) reads rules the same way.
        let e = read("t.json", "{\n\t\"apiVersion\": \"rbac.authorization.k8s.io/v1\",\n\t\"kind\": \"Role\",\n\t\"metadata\": {\"name\": \"r\"},\n\t\"rules\": [3]\n}").unwrap_err().to_string();
        assert!(
            e.ends_with(
                "Role r: rules[0] is a number; a rule is a mapping of verbs, apiGroups, resources"
            ),
            "{e}"
        );
    }

    #[test]
    fn non_object_documents_are_skipped() {
        let f = read("t.yaml", "- a\n- b\n").unwrap();
        assert_eq!((f.objects.len(), f.skipped), (0, 1));
        let f = read("t.json", "{\n\t\"kind\": \"ClusterRole\",\n\t\"apiVersion\": \"rbac.authorization.k8s.io/v1\",\n\t\"metadata\": {\"name\": \"x\"},\n\t\"rules\": []\n}").unwrap();
        assert_eq!(f.objects.len(), 1);
    }
}
