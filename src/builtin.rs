//! Built-in Azure roles: a small embedded set (the roles the seed names, with their documented GUIDs and
//! permissions, https://learn.microsoft.com/azure/role-based-access-control/built-in-roles), or a full
//! `az role definition list` dump supplied with `--builtin-roles`.

use crate::azure::model::RoleDefinition;
use crate::azure::read;
use crate::error::{Error, Result};

pub const EMBEDDED_BUILTINS: (&str, &str) = (
    "data/builtin-roles.json",
    include_str!("../data/builtin-roles.json"),
);

pub struct BuiltinRoles {
    pub source: String,
    pub roles: Vec<RoleDefinition>,
}

impl BuiltinRoles {
    pub fn embedded() -> Result<BuiltinRoles> {
        let f = read::read(EMBEDDED_BUILTINS.0, EMBEDDED_BUILTINS.1)?;
        Ok(BuiltinRoles {
            source: EMBEDDED_BUILTINS.0.into(),
            roles: f.roles,
        })
    }

    pub fn load(path: &std::path::Path) -> Result<BuiltinRoles> {
        let text = crate::input::read_text(path)?;
        let name = path.display().to_string();
        let f = read::read(&name, &text)?;
        if f.roles.is_empty() {
            return Err(Error::input(format!(
                "{name}: holds no role definitions; pass the output of `az role definition list`"
            )));
        }
        Ok(BuiltinRoles {
            source: name,
            roles: f.roles,
        })
    }

    /// Finds a role by display name (case-insensitive) or GUID.
    pub fn find(&self, key: &str) -> Result<&RoleDefinition> {
        self.roles
            .iter()
            .find(|r| r.name.eq_ignore_ascii_case(key) || r.id.as_deref().is_some_and(|i| i.eq_ignore_ascii_case(key)))
            .ok_or_else(|| {
                let names: Vec<&str> = self.roles.iter().map(|r| r.name.as_str()).collect();
                let hint = crate::text::closest(key, &names)
                    .map(|c| format!(" (did you mean `{c}`?)"))
                    .unwrap_or_default();
                let listed = if names.len() <= 12 {
                    format!("; known: {}", names.join(", "))
                } else {
                    String::new()
                };
                Error::usage(format!(
                    "--builtin `{key}` is not a built-in role in {}{hint}{listed}; pass a full `az role definition list` dump with --builtin-roles",
                    self.source
                ))
            })
    }
}
