//! SARIF output checked against the SARIF 2.1.0 JSON schema: the copy serde-sarif ships and generates its
//! types from (located through `cargo metadata`, so nothing is copied into this repository), walked by a
//! small validator for the keywords that schema uses (draft-07: $ref, type, required, properties,
//! additionalProperties, items, enum, anyOf, oneOf, minimum, maximum, minItems, uniqueItems; `pattern` and
//! `format` are checked by hand below for the values rolegen writes).

use std::path::PathBuf;

use serde_json::Value;

use crate::support::{corpus, root, run};

fn schema() -> Value {
    // Only the host's packages: the others (Windows console crates) need not be downloaded.
    let rustc = std::process::Command::new("rustc")
        .arg("-vV")
        .output()
        .expect("rustc runs");
    let info = String::from_utf8_lossy(&rustc.stdout);
    let host = info
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .expect("rustc -vV names the host");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--offline",
            "--filter-platform",
            host,
        ])
        .current_dir(root())
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: Value = serde_json::from_slice(&out.stdout).expect("cargo metadata prints JSON");
    let manifest = meta["packages"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["name"] == "serde-sarif"))
        .and_then(|p| p["manifest_path"].as_str())
        .expect("serde-sarif is a dependency");
    let path = PathBuf::from(manifest).with_file_name("src/schema.json");
    let text = std::fs::read_to_string(&path).expect("serde-sarif ships src/schema.json");
    let s: Value = serde_json::from_str(&text).expect("the schema is JSON");
    assert_eq!(s["properties"]["version"]["enum"][0], "2.1.0");
    s
}

struct Validator<'s> {
    root: &'s Value,
    errors: Vec<String>,
}

impl<'s> Validator<'s> {
    fn resolve(&self, schema: &'s Value) -> &'s Value {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                let name = r
                    .strip_prefix("#/definitions/")
                    .unwrap_or_else(|| panic!("unsupported $ref {r}"));
                self.resolve(&self.root["definitions"][name])
            }
            None => schema,
        }
    }

    /// Whether `v` matches `schema` (without recording errors), for anyOf/oneOf.
    fn matches(&mut self, v: &Value, schema: &'s Value, at: &str) -> bool {
        let before = self.errors.len();
        self.check(v, schema, at);
        let ok = self.errors.len() == before;
        self.errors.truncate(before);
        ok
    }

    fn check(&mut self, v: &Value, schema: &'s Value, at: &str) {
        let schema = self.resolve(schema);
        if let Some(t) = schema.get("type").and_then(Value::as_str) {
            let ok = match t {
                "object" => v.is_object(),
                "array" => v.is_array(),
                "string" => v.is_string(),
                "integer" => v.is_i64() || v.is_u64(),
                "number" => v.is_number(),
                "boolean" => v.is_boolean(),
                "null" => v.is_null(),
                other => panic!("unsupported type {other}"),
            };
            if !ok {
                self.errors.push(format!("{at}: expected {t}, found {v}"));
                return;
            }
        }
        if let Some(e) = schema.get("enum").and_then(Value::as_array) {
            if !e.contains(v) {
                self.errors.push(format!("{at}: {v} is not one of {e:?}"));
            }
        }
        if let Some(m) = schema.get("minimum").and_then(Value::as_f64) {
            if v.as_f64().is_some_and(|x| x < m) {
                self.errors.push(format!("{at}: {v} < minimum {m}"));
            }
        }
        if let Some(m) = schema.get("maximum").and_then(Value::as_f64) {
            if v.as_f64().is_some_and(|x| x > m) {
                self.errors.push(format!("{at}: {v} > maximum {m}"));
            }
        }
        if let Some(any) = schema.get("anyOf").and_then(Value::as_array) {
            if !any.iter().any(|s| self.matches(v, s, at)) {
                self.errors.push(format!("{at}: matches none of anyOf"));
            }
        }
        if let Some(one) = schema.get("oneOf").and_then(Value::as_array) {
            let n = one.iter().filter(|s| self.matches(v, s, at)).count();
            if n != 1 {
                self.errors
                    .push(format!("{at}: matches {n} of oneOf, not exactly one"));
            }
        }
        if let Value::Object(o) = v {
            for r in schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let r = r.as_str().unwrap_or_default();
                if !o.contains_key(r) {
                    self.errors
                        .push(format!("{at}: required property {r} is missing"));
                }
            }
            let props = schema.get("properties").and_then(Value::as_object);
            for (k, x) in o {
                let here = format!("{at}.{k}");
                match props.and_then(|p| p.get(k)) {
                    Some(s) => self.check(x, s, &here),
                    None => match schema.get("additionalProperties") {
                        Some(Value::Bool(false)) => {
                            self.errors.push(format!("{here}: property not allowed"))
                        }
                        Some(s @ Value::Object(_)) => self.check(x, s, &here),
                        _ => {}
                    },
                }
            }
        }
        if let Value::Array(a) = v {
            if let Some(m) = schema.get("minItems").and_then(Value::as_u64) {
                if (a.len() as u64) < m {
                    self.errors.push(format!("{at}: fewer than {m} items"));
                }
            }
            if schema.get("uniqueItems") == Some(&Value::Bool(true)) {
                for (i, x) in a.iter().enumerate() {
                    if a[..i].contains(x) {
                        self.errors.push(format!("{at}[{i}]: duplicate item"));
                    }
                }
            }
            if let Some(items) = schema.get("items") {
                for (i, x) in a.iter().enumerate() {
                    self.check(x, items, &format!("{at}[{i}]"));
                }
            }
        }
    }
}

fn validate(schema: &Value, log: &Value) -> Vec<String> {
    let mut v = Validator {
        root: schema,
        errors: Vec::new(),
    };
    v.check(log, schema, "$");
    v.errors
}

/// The values the schema constrains by `format: uri(-reference)` or patterns rolegen writes.
fn check_formats(log: &Value) {
    for run in log["runs"].as_array().unwrap() {
        let uris = run["results"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| r["locations"].as_array().unwrap().iter())
            .filter_map(|l| l["physicalLocation"]["artifactLocation"]["uri"].as_str());
        for u in uris {
            assert!(
                !u.is_empty() && u.bytes().all(|b| b.is_ascii_graphic() && b != b'\\'),
                "{u:?} is not a URI reference"
            );
        }
    }
}

fn sarif(args: &[&str], cwd: &std::path::Path) -> (Value, i32) {
    let out = run(args, cwd);
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    let v: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{args:?} printed no JSON ({e}): {text}"));
    (v, out.status.code().unwrap_or(-1))
}

#[test]
fn audit_and_lint_sarif_meet_the_schema() {
    let schema = schema();
    let cases = root().join("tests/cases");
    let runs: &[&[&str]] = &[
        &["lint", "--format", "sarif", "roles/"],
        &["lint", "--format", "sarif", "generated/"],
        &[
            "audit",
            "--target",
            "aks,acr,k8s",
            "--format",
            "sarif",
            "roles/",
        ],
        &[
            "audit",
            "--target",
            "webapp",
            "--format",
            "sarif",
            "roles/conditional.json",
        ],
        &[
            "audit",
            "--target",
            "aks",
            "--together",
            "--format",
            "sarif",
            "roles/seed-aks-permissions.json",
            "roles/risky.json",
        ],
        &[
            "audit",
            "--target",
            "acr",
            "--builtin",
            "AcrPull",
            "--format",
            "sarif",
        ],
        &[
            "audit",
            "--target",
            "acr",
            "--format",
            "sarif",
            "roles/nothing-here-*.json",
            "roles/k8s-bad.json",
        ],
    ];
    for args in runs {
        let (log, code) = sarif(args, &cases);
        assert!(
            code == 0 || code == 1 || code == 2,
            "{args:?} exited {code}"
        );
        let errors = validate(&schema, &log);
        assert!(errors.is_empty(), "{args:?}: {errors:#?}");
        check_formats(&log);
        let run = &log["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        for r in run["results"].as_array().unwrap() {
            // Every result names a rule with a real description (the tables are complete).
            let i = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[i]["id"], r["ruleId"], "{args:?}");
            assert_ne!(
                rules[i]["shortDescription"]["text"]
                    .as_str()
                    .unwrap()
                    .trim_end_matches('.')
                    .to_lowercase(),
                r["ruleId"].as_str().unwrap().to_lowercase(),
                "{args:?}: rule {} has no description in lint::RULES or audit::CODES",
                r["ruleId"]
            );
        }
        // Input errors make the invocation unsuccessful and are notifications.
        let notes = run["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .unwrap();
        assert_eq!(
            run["invocations"][0]["executionSuccessful"],
            notes.is_empty(),
            "{args:?}"
        );
        assert_eq!(code == 2, !notes.is_empty(), "{args:?}");
    }
}

type Mutation = fn(&mut Value);

/// The validator itself must reject what the schema rejects, or the test above proves nothing.
#[test]
fn the_validator_rejects_broken_logs() {
    let schema = schema();
    let cases = root().join("tests/cases");
    let (log, _) = sarif(&["lint", "--format", "sarif", "roles/risky.json"], &cases);
    assert!(validate(&schema, &log).is_empty());
    let mutations: &[(&str, Mutation)] = &[
        ("no version", |l| {
            l.as_object_mut().unwrap().remove("version");
        }),
        ("wrong version", |l| l["version"] = "2.0.0".into()),
        ("no driver name", |l| {
            l["runs"][0]["tool"]["driver"]
                .as_object_mut()
                .unwrap()
                .remove("name");
        }),
        ("no result message", |l| {
            l["runs"][0]["results"][0]
                .as_object_mut()
                .unwrap()
                .remove("message");
        }),
        ("bad level", |l| {
            l["runs"][0]["results"][0]["level"] = "fatal".into()
        }),
        ("line 0", |l| {
            l["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
                0.into()
        }),
        ("rule without id", |l| {
            l["runs"][0]["tool"]["driver"]["rules"][0]
                .as_object_mut()
                .unwrap()
                .remove("id");
        }),
        ("invocation without executionSuccessful", |l| {
            l["runs"][0]["invocations"][0]
                .as_object_mut()
                .unwrap()
                .remove("executionSuccessful");
        }),
    ];
    for (what, m) in mutations {
        let mut broken = log.clone();
        m(&mut broken);
        assert!(
            !validate(&schema, &broken).is_empty(),
            "{what} passed the validator"
        );
    }
}

#[test]
fn sarif_positions_and_messages() {
    let cases = root().join("tests/cases");
    let (log, code) = sarif(
        &["lint", "--format", "sarif", "roles/k8s-seed-role.yaml"],
        &cases,
    );
    assert_eq!(code, 1);
    let results = log["runs"][0]["results"].as_array().unwrap();
    let nonexistent: Vec<&Value> = results
        .iter()
        .filter(|r| r["ruleId"] == "nonexistent-resource")
        .collect();
    assert_eq!(nonexistent.len(), 11);
    for r in &nonexistent {
        assert_eq!(r["level"], "error");
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "roles/k8s-seed-role.yaml");
        assert!(loc["region"]["startLine"].as_u64().unwrap() > 1, "{r}");
        assert!(
            r["message"]["text"].as_str().unwrap().starts_with("Role "),
            "{r}"
        );
    }
    // An audit's missing permissions are results too, at error level.
    let (log, code) = sarif(
        &[
            "audit",
            "--target",
            "aks",
            "--builtin",
            "Reader",
            "--format",
            "sarif",
        ],
        &cases,
    );
    assert_eq!(code, 1);
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["ruleId"] == "missing-permission"
        && r["level"] == "error"
        && r["message"]["text"].as_str().unwrap().contains(
            "Microsoft.ContainerService/managedClusters/listClusterUserCredential/action"
        )));
    // A built-in role has no file: a logical location only.
    assert!(results[0]["locations"][0].get("physicalLocation").is_none());
    assert_eq!(
        results[0]["locations"][0]["logicalLocations"][0]["name"],
        "Reader"
    );
}

#[test]
fn corpus_lint_sarif_meets_the_schema() {
    let Some(dir) = corpus("SARIF of the whole corpus") else {
        return;
    };
    let schema = schema();
    let d = dir.to_string_lossy().to_string();
    let (log, code) = sarif(&["lint", "--format", "sarif", &d], &root());
    assert!(code == 0 || code == 1, "exit {code}");
    let errors = validate(&schema, &log);
    assert!(errors.is_empty(), "{:#?}", &errors[..errors.len().min(20)]);
    assert!(log["runs"][0]["results"].as_array().unwrap().len() > 100);
}

/// Every rule id SARIF lists has a README entry (the lint table, the audit codes or the SARIF-only codes).
#[test]
fn every_rule_is_documented() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    for (id, _, _) in rolegen::report::sarif::rules() {
        assert!(
            readme.contains(&format!("| `{id}`"))
                || readme.contains(&format!("`{id}`, "))
                || readme.contains(&format!(", `{id}`")),
            "README does not document `{id}`"
        );
    }
}
