//! The Azure operations catalogue, supplied by the user at run time: the output of
//! `az provider operation list` (one JSON array of providers) or a directory of
//! `az provider operation show --namespace <ns>` outputs, one provider per file.
//!
//! The valid set is every provider's `operations[]` plus every `resourceTypes[].operations[]`; names are
//! compared case-insensitively. A name listed both as a data action and not is accepted in either list.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::catalogue::Plane;
use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationInfo {
    /// The name as the catalogue spells it (first spelling seen).
    pub name: String,
    pub description: String,
    pub control: bool,
    pub data: bool,
}

impl OperationInfo {
    pub fn in_plane(&self, plane: Plane) -> bool {
        match plane {
            Plane::Control => self.control,
            Plane::Data => self.data,
        }
    }

    /// The plane to report for this operation (control wins when listed as both).
    pub fn plane(&self) -> Plane {
        if self.control {
            Plane::Control
        } else {
            Plane::Data
        }
    }
}

/// Every known operation, keyed by its folded name.
#[derive(Debug, Default, Clone)]
pub struct Operations {
    by_name: HashMap<String, OperationInfo>,
    /// Folded provider namespaces, for "unknown provider" diagnostics.
    providers: HashMap<String, String>,
    /// Folded names in a stable (sorted) order, for pattern expansion.
    sorted: Vec<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Dump<'a> {
    #[serde(borrow)]
    Many(Vec<ProviderDoc<'a>>),
    #[serde(borrow)]
    One(ProviderDoc<'a>),
}

#[derive(Deserialize)]
struct ProviderDoc<'a> {
    #[serde(borrow, default)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    operations: Option<Vec<OperationDoc<'a>>>,
    #[serde(borrow, default, rename = "resourceTypes")]
    resource_types: Option<Vec<ResourceTypeDoc<'a>>>,
}

#[derive(Deserialize)]
struct ResourceTypeDoc<'a> {
    #[serde(borrow, default)]
    operations: Option<Vec<OperationDoc<'a>>>,
}

#[derive(Deserialize)]
struct OperationDoc<'a> {
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow, default)]
    description: Option<Cow<'a, str>>,
    #[serde(default, rename = "isDataAction")]
    is_data_action: Option<bool>,
}

impl Operations {
    /// Loads a dump file or a directory of per-provider files (`*.json`, in name order).
    pub fn load(path: &Path) -> Result<Operations> {
        let mut ops = Operations::default();
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        if meta.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|e| Error::io(path, e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.extension()
                        .is_some_and(|x| x.eq_ignore_ascii_case("json"))
                })
                .collect();
            files.sort();
            if files.is_empty() {
                return Err(Error::input(format!(
                    "{}: the directory holds no *.json files; pass the output of `az provider operation list`, or a directory of `az provider operation show --namespace <ns>` outputs",
                    path.display()
                )));
            }
            for f in files {
                ops.add_file(&f)?;
            }
        } else {
            ops.add_file(path)?;
        }
        ops.finish();
        Ok(ops)
    }

    fn add_file(&mut self, path: &Path) -> Result<()> {
        let text = crate::input::read_text(path)?;
        self.add_text(&path.display().to_string(), &text)
    }

    /// Adds the providers in one JSON document; `name` is used in error messages.
    pub fn add_text(&mut self, name: &str, text: &str) -> Result<()> {
        let dump: Dump = serde_json::from_str(text).map_err(|e| {
            Error::input(format!(
                "{name}:{}:{}: not an `az provider operation` dump: {}",
                e.line(),
                e.column(),
                strip_position(&e.to_string())
            ))
        })?;
        let providers = match dump {
            Dump::Many(v) => v,
            Dump::One(p) => vec![p],
        };
        for p in providers {
            if let Some(n) = &p.name {
                self.providers.insert(n.to_ascii_lowercase(), n.to_string());
            }
            let lists = p.operations.into_iter().chain(
                p.resource_types
                    .into_iter()
                    .flatten()
                    .filter_map(|r| r.operations),
            );
            for list in lists {
                for op in list {
                    self.add(
                        &op.name,
                        op.description.as_deref().unwrap_or(""),
                        op.is_data_action.unwrap_or(false),
                    );
                }
            }
        }
        Ok(())
    }

    /// Adds one operation (also used by tests to build small catalogues).
    pub fn add(&mut self, name: &str, description: &str, is_data: bool) {
        let key = name.to_ascii_lowercase();
        if let Some(ns) = name.split('/').next() {
            self.providers
                .entry(ns.to_ascii_lowercase())
                .or_insert_with(|| ns.to_string());
        }
        let entry = self.by_name.entry(key).or_insert_with(|| OperationInfo {
            name: name.to_string(),
            description: description.to_string(),
            control: false,
            data: false,
        });
        if is_data {
            entry.data = true;
        } else {
            entry.control = true;
        }
    }

    /// Builds the sorted index; call after the last `add`.
    pub fn finish(&mut self) {
        let mut names: Vec<String> = self.by_name.keys().cloned().collect();
        names.sort();
        self.sorted = names;
    }

    pub fn len(&self) -> usize {
        self.by_name.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }

    pub fn get(&self, name: &str) -> Option<&OperationInfo> {
        self.by_name.get(&name.to_ascii_lowercase())
    }

    pub fn has_provider(&self, namespace: &str) -> bool {
        self.providers.contains_key(&namespace.to_ascii_lowercase())
    }

    /// Every operation a pattern matches, in folded-name order.
    pub fn matching<'a>(
        &'a self,
        pattern: &'a super::pattern::Pattern,
    ) -> impl Iterator<Item = &'a OperationInfo> + 'a {
        self.sorted
            .iter()
            .filter(move |n| pattern.matches_folded(n))
            .filter_map(move |n| self.by_name.get(n))
    }

    /// All operations with their folded names, in folded-name order.
    pub fn iter_folded(&self) -> impl Iterator<Item = (&str, &OperationInfo)> {
        self.sorted
            .iter()
            .filter_map(move |n| self.by_name.get(n).map(|i| (n.as_str(), i)))
    }

    /// All operations, in folded-name order.
    pub fn iter(&self) -> impl Iterator<Item = &OperationInfo> {
        self.sorted.iter().filter_map(move |n| self.by_name.get(n))
    }
}

/// serde_json appends " at line L column C"; rolegen puts the position first instead.
fn strip_position(msg: &str) -> &str {
    match msg.rfind(" at line ") {
        Some(i) => &msg[..i],
        None => msg,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_show_and_list_shapes() {
        let show = r#"{"name":"Microsoft.Web","operations":[{"name":"Microsoft.Web/register/action","isDataAction":false}],
            "resourceTypes":[{"name":"sites","operations":[{"name":"Microsoft.Web/sites/Read","description":"Get","isDataAction":false}]}]}"#;
        let mut ops = Operations::default();
        ops.add_text("show.json", show).unwrap();
        ops.add_text(
            "list.json",
            r#"[{"name":"X.Y","operations":[{"name":"X.Y/a/read","isDataAction":true},{"name":"x.y/A/READ","isDataAction":false}],"resourceTypes":null}]"#,
        )
        .unwrap();
        ops.finish();
        assert_eq!(ops.len(), 3);
        assert_eq!(
            ops.get("microsoft.web/sites/read").unwrap().name,
            "Microsoft.Web/sites/Read"
        );
        let both = ops.get("X.Y/a/read").unwrap();
        assert!(both.control && both.data);
        assert!(ops.has_provider("microsoft.web"));
        let p = super::super::pattern::Pattern::new("Microsoft.Web/*");
        assert_eq!(ops.matching(&p).count(), 2);
    }

    #[test]
    fn bad_dump_is_located() {
        let mut ops = Operations::default();
        let err = ops
            .add_text("d.json", "{\n \"operations\": 3}")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("d.json:"), "{err}");
        assert!(err.contains("not an `az provider operation` dump"), "{err}");
    }
}
