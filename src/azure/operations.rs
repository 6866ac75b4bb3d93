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

/// Every known operation, sorted by folded name (binary search for lookups, a scan for patterns).
#[derive(Debug, Default, Clone)]
pub struct Operations {
    /// (folded name, info); sorted and deduplicated by `finish`.
    entries: Vec<(String, OperationInfo)>,
    /// Folded provider namespaces, for "unknown provider" diagnostics.
    providers: HashMap<String, String>,
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
    /// Loads a dump file or a directory of per-provider files (`*.json`, in name order). Files are read and
    /// parsed on worker threads; the result does not depend on their number.
    pub fn load(path: &Path) -> Result<Operations> {
        let ops = Operations::load_any(path)?;
        if ops.is_empty() {
            return Err(Error::input(format!(
                "{}: holds no operations; pass the output of `az provider operation list`, or a directory of `az provider operation show --namespace <ns>` outputs",
                path.display()
            )));
        }
        Ok(ops)
    }

    fn load_any(path: &Path) -> Result<Operations> {
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        if !meta.is_dir() {
            let mut ops = Operations::default();
            ops.add_file(path)?;
            ops.finish();
            return Ok(ops);
        }
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
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(files.len());
        let per = files.len().div_ceil(threads);
        let parts: Vec<Result<Operations>> = std::thread::scope(|scope| {
            let handles: Vec<_> = files
                .chunks(per)
                .map(|chunk| {
                    scope.spawn(move || {
                        let mut part = Operations::default();
                        for f in chunk {
                            part.add_file(f)?;
                        }
                        Ok(part)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        });
        // Chunks are in file order, so the first spelling of a name stays the one from the first file.
        let mut ops = Operations::default();
        for part in parts {
            let part = part?;
            ops.entries.extend(part.entries);
            for (k, v) in part.providers {
                ops.providers.entry(k).or_insert(v);
            }
        }
        ops.finish();
        Ok(ops)
    }

    fn add_file(&mut self, path: &Path) -> Result<()> {
        let text = crate::input::read_text(path)?;
        self.add_text(&path.display().to_string(), &text)
    }

    /// Adds the providers in one JSON document; `name` is used in error messages. Call `finish` after the
    /// last one.
    pub fn add_text(&mut self, name: &str, text: &str) -> Result<()> {
        let located = |e: serde_json::Error| {
            Error::input(format!(
                "{name}:{}:{}: not an `az provider operation` dump: {}",
                e.line(),
                e.column(),
                strip_position(&e.to_string())
            ))
        };
        // `list` prints an array of providers, `show` one provider. Deciding by the first character instead
        // of an untagged enum keeps serde from buffering the whole document to try each shape.
        let text = text.trim_start_matches('\u{feff}');
        let providers: Vec<ProviderDoc> = if text.trim_start().starts_with('[') {
            serde_json::from_str(text).map_err(located)?
        } else {
            vec![serde_json::from_str(text).map_err(located)?]
        };
        for p in providers {
            if let Some(n) = &p.name {
                self.providers
                    .entry(n.to_ascii_lowercase())
                    .or_insert_with(|| n.to_string());
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

    /// Adds one operation (also used by tests to build small catalogues). Call `finish` after the last one.
    pub fn add(&mut self, name: &str, description: &str, is_data: bool) {
        if let Some(ns) = name.split('/').next() {
            self.providers
                .entry(ns.to_ascii_lowercase())
                .or_insert_with(|| ns.to_string());
        }
        self.entries.push((
            name.to_ascii_lowercase(),
            OperationInfo {
                name: name.to_string(),
                description: description.to_string(),
                control: !is_data,
                data: is_data,
            },
        ));
    }

    /// Sorts and merges: one entry per folded name, keeping the first spelling and description seen and
    /// the union of the planes it was listed in.
    pub fn finish(&mut self) {
        // Stable: among equal names the first added stays first.
        self.entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut merged: Vec<(String, OperationInfo)> = Vec::with_capacity(self.entries.len());
        for (k, info) in self.entries.drain(..) {
            match merged.last_mut() {
                Some((last, kept)) if *last == k => {
                    kept.control |= info.control;
                    kept.data |= info.data;
                }
                _ => merged.push((k, info)),
            }
        }
        self.entries = merged;
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&self, name: &str) -> Option<&OperationInfo> {
        let key = name.to_ascii_lowercase();
        self.entries
            .binary_search_by(|(k, _)| k.as_str().cmp(&key))
            .ok()
            .map(|i| &self.entries[i].1)
    }

    pub fn has_provider(&self, namespace: &str) -> bool {
        self.providers.contains_key(&namespace.to_ascii_lowercase())
    }

    /// Every operation a pattern matches, in folded-name order.
    pub fn matching<'a>(
        &'a self,
        pattern: &'a super::pattern::Pattern,
    ) -> impl Iterator<Item = &'a OperationInfo> + 'a {
        self.matching_folded(pattern).map(|(_, i)| i)
    }

    /// Every operation a pattern matches with its folded name, in folded-name order. Only the run of names
    /// that start with the pattern's text before `*` is scanned (the table is sorted).
    pub fn matching_folded<'a>(
        &'a self,
        pattern: &'a super::pattern::Pattern,
    ) -> impl Iterator<Item = (&'a str, &'a OperationInfo)> + 'a {
        let prefix = pattern.prefix();
        let start = self.entries.partition_point(|(k, _)| k.as_str() < prefix);
        self.entries[start..]
            .iter()
            .take_while(move |(k, _)| k.starts_with(prefix))
            .filter(move |(k, _)| pattern.matches_folded(k))
            .map(|(k, i)| (k.as_str(), i))
    }

    /// All operations with their folded names, in folded-name order.
    pub fn iter_folded(&self) -> impl Iterator<Item = (&str, &OperationInfo)> {
        self.entries.iter().map(|(n, i)| (n.as_str(), i))
    }

    /// All operations, in folded-name order.
    pub fn iter(&self) -> impl Iterator<Item = &OperationInfo> {
        self.entries.iter().map(|(_, i)| i)
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
