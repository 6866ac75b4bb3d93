//! Assignable scopes: the `--scope` shorthands, full scope ids, validation by Azure's rules, and ids the user
//! did not give, which each output format names in its own way.
//!
//! Rules (https://learn.microsoft.com/azure/role-based-access-control/custom-roles#assignablescopes):
//! `/` is not allowed for custom roles; no wildcards; at most one management group; a role with data actions
//! cannot be assigned at management-group scope. Scope grammar as Az PowerShell's `ValidateScope`: a leading
//! `/`, no empty segment, an even number of segments, `subscriptions/{id}[/resourceGroups/{rg}[/providers/…]]`
//! or `providers/Microsoft.Management/managementGroups/{id}`.

use crate::catalogue::ScopeLevel;
use crate::error::{Error, Result};

/// A piece of a scope id: literal text, or an id the user did not give.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Lit(String),
    SubscriptionId,
    ResourceGroup,
    ManagementGroup,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub level: ScopeLevel,
    pub parts: Vec<Part>,
}

pub const SUBSCRIPTION_PLACEHOLDER: &str = "<subscription-id>";
pub const RESOURCE_GROUP_PLACEHOLDER: &str = "<resource-group>";
pub const MANAGEMENT_GROUP_PLACEHOLDER: &str = "<management-group-id>";

impl Scope {
    /// The scope with clearly marked placeholders for missing ids (portal, cli, powershell).
    pub fn placeholder_string(&self) -> String {
        self.render(|p| match p {
            Part::Lit(s) => s.clone(),
            Part::SubscriptionId => SUBSCRIPTION_PLACEHOLDER.into(),
            Part::ResourceGroup => RESOURCE_GROUP_PLACEHOLDER.into(),
            Part::ManagementGroup => MANAGEMENT_GROUP_PLACEHOLDER.into(),
        })
    }

    pub fn render(&self, mut f: impl FnMut(&Part) -> String) -> String {
        self.parts.iter().map(&mut f).collect()
    }

    pub fn missing(&self) -> impl Iterator<Item = &Part> {
        self.parts.iter().filter(|p| !matches!(p, Part::Lit(_)))
    }

    /// The subscription part, if the scope sits in a subscription.
    pub fn subscription_part(&self) -> Option<&Part> {
        match self.level {
            ScopeLevel::ManagementGroup => None,
            _ => self.parts.get(1),
        }
    }
}

/// The ids given on the command line.
#[derive(Debug, Clone, Default)]
pub struct ScopeIds {
    pub subscription: Option<String>,
    pub resource_group: Option<String>,
    pub management_group: Option<String>,
}

impl ScopeIds {
    pub fn validate(&self) -> Result<()> {
        if let Some(s) = &self.subscription {
            if !is_guid(s) {
                return Err(Error::usage(format!(
                    "--subscription {s:?} is not a subscription id; give the GUID shown by `az account show --query id` (like 00000000-0000-0000-0000-000000000000)"
                )));
            }
        }
        if let Some(rg) = &self.resource_group {
            // https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftresources
            let ok = !rg.is_empty()
                && rg.chars().count() <= 90
                && !rg.ends_with('.')
                && rg
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '(' | ')'));
            if !ok {
                return Err(Error::usage(format!(
                    "--resource-group {rg:?} is not a valid resource group name; use 1 to 90 letters, digits, `-`, `_`, `.`, `(` or `)`, not ending in `.`"
                )));
            }
        }
        if let Some(mg) = &self.management_group {
            let ok = !mg.is_empty()
                && mg.len() <= 90
                && mg
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '(' | ')'));
            if !ok {
                return Err(Error::usage(format!(
                    "--management-group {mg:?} is not a valid management group id; use 1 to 90 letters, digits, `-`, `_`, `.`, `(` or `)`"
                )));
            }
        }
        Ok(())
    }
}

pub fn is_guid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// Resolves one `--scope` value: `subscription`, `rg` (or `resource-group`), `mg` (or `management-group`),
/// or a full scope id.
pub fn resolve(spec: &str, ids: &ScopeIds) -> Result<Scope> {
    let sub = || {
        ids.subscription
            .clone()
            .map_or(Part::SubscriptionId, Part::Lit)
    };
    match spec.to_ascii_lowercase().as_str() {
        "subscription" | "sub" => Ok(Scope {
            level: ScopeLevel::Subscription,
            parts: vec![Part::Lit("/subscriptions/".into()), sub()],
        }),
        "rg" | "resource-group" | "resourcegroup" => Ok(Scope {
            level: ScopeLevel::ResourceGroup,
            parts: vec![
                Part::Lit("/subscriptions/".into()),
                sub(),
                Part::Lit("/resourceGroups/".into()),
                ids.resource_group
                    .clone()
                    .map_or(Part::ResourceGroup, Part::Lit),
            ],
        }),
        "mg" | "management-group" | "managementgroup" => Ok(Scope {
            level: ScopeLevel::ManagementGroup,
            parts: vec![
                Part::Lit("/providers/Microsoft.Management/managementGroups/".into()),
                ids.management_group
                    .clone()
                    .map_or(Part::ManagementGroup, Part::Lit),
            ],
        }),
        _ if spec.starts_with('/') || spec.contains('*') => {
            let level =
                validate_id(spec).map_err(|why| Error::usage(format!("--scope {spec:?} {why}")))?;
            Ok(Scope {
                level,
                parts: vec![Part::Lit(spec.to_string())],
            })
        }
        _ => {
            let hint = crate::text::closest(spec, &["subscription", "rg", "mg"])
                .map(|c| format!(" (did you mean `{c}`?)"))
                .unwrap_or_default();
            Err(Error::usage(format!(
                "--scope {spec:?} is not a scope{hint}; use subscription, rg, mg, or a full scope id such as /subscriptions/<id>/resourceGroups/<name>"
            )))
        }
    }
}

/// Checks a full scope id; returns its level, or why it is not a valid assignable scope of a custom role.
pub fn validate_id(scope: &str) -> std::result::Result<ScopeLevel, String> {
    if scope == "/" {
        return Err("is the root scope `/`, which Azure does not allow in a custom role's assignable scopes".into());
    }
    if scope.contains('*') {
        return Err("contains a wildcard; assignable scopes cannot use wildcards".into());
    }
    if scope.chars().any(char::is_whitespace) {
        return Err("contains white space".into());
    }
    if !scope.starts_with('/') {
        return Err("does not start with `/`".into());
    }
    if scope.len() > 1 && scope.ends_with('/') {
        return Err("ends with `/`".into());
    }
    let segs: Vec<&str> = scope[1..].split('/').collect();
    if segs.iter().any(|s| s.is_empty()) {
        return Err("has an empty segment".into());
    }
    if !segs.len().is_multiple_of(2) {
        return Err("has an odd number of segments; scope ids alternate type and name".into());
    }
    level_of_segments(&segs).ok_or_else(|| {
        "is not a subscription (/subscriptions/{id}), resource group (/subscriptions/{id}/resourceGroups/{name}), resource (…/providers/{namespace}/{type}/{name}) or management group (/providers/Microsoft.Management/managementGroups/{id}) scope".into()
    })
}

fn level_of_segments(segs: &[&str]) -> Option<ScopeLevel> {
    let eq = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
    match segs {
        [p, ns, t, _]
            if eq(p, "providers")
                && eq(ns, "Microsoft.Management")
                && eq(t, "managementGroups") =>
        {
            Some(ScopeLevel::ManagementGroup)
        }
        [s, _] if eq(s, "subscriptions") => Some(ScopeLevel::Subscription),
        [s, _, r, _] if eq(s, "subscriptions") && eq(r, "resourceGroups") => {
            Some(ScopeLevel::ResourceGroup)
        }
        [s, _, r, _, p, _, _, _, ..]
            if eq(s, "subscriptions") && eq(r, "resourceGroups") && eq(p, "providers") =>
        {
            Some(ScopeLevel::Resource)
        }
        _ => None,
    }
}

/// The level of any scope string, leniently (for reading existing roles): `/` is above management groups;
/// unparseable scopes (placeholders, ARM expressions) give `None`.
pub fn level_of(scope: &str) -> Option<ScopeLevel> {
    let trimmed = scope.trim().trim_end_matches('/');
    if trimmed.is_empty() {
        return Some(ScopeLevel::ManagementGroup);
    }
    let segs: Vec<&str> = trimmed.trim_start_matches('/').split('/').collect();
    if !segs.len().is_multiple_of(2) || segs.iter().any(|s| s.is_empty()) {
        return None;
    }
    level_of_segments(&segs)
}

/// The Azure clouds rolegen knows (the seed's "Azure Global" and "US Government").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Environment {
    #[default]
    AzureCloud,
    AzureUsGovernment,
}

impl Environment {
    /// The name `az cloud set --name` and `Connect-AzAccount -Environment` take.
    pub fn cli_name(self) -> &'static str {
        match self {
            Environment::AzureCloud => "AzureCloud",
            Environment::AzureUsGovernment => "AzureUSGovernment",
        }
    }

    /// Resource Manager endpoint (Azure/azure-sdk-for-rust sdk/core/azure_core/src/constants.rs).
    pub fn resource_manager(self) -> &'static str {
        match self {
            Environment::AzureCloud => "https://management.azure.com",
            Environment::AzureUsGovernment => "https://management.usgovcloudapi.net",
        }
    }

    /// The azurerm provider's `environment` argument.
    pub fn terraform_name(self) -> &'static str {
        match self {
            Environment::AzureCloud => "public",
            Environment::AzureUsGovernment => "usgovernment",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorthands_and_placeholders() {
        let ids = ScopeIds::default();
        assert_eq!(
            resolve("rg", &ids).unwrap().placeholder_string(),
            "/subscriptions/<subscription-id>/resourceGroups/<resource-group>"
        );
        let ids = ScopeIds {
            subscription: Some("11111111-2222-3333-4444-555555555555".into()),
            ..Default::default()
        };
        assert_eq!(
            resolve("subscription", &ids).unwrap().placeholder_string(),
            "/subscriptions/11111111-2222-3333-4444-555555555555"
        );
        assert_eq!(
            resolve("mg", &ids).unwrap().placeholder_string(),
            "/providers/Microsoft.Management/managementGroups/<management-group-id>"
        );
    }

    #[test]
    fn full_ids_are_validated() {
        assert_eq!(
            validate_id("/subscriptions/x/resourceGroups/y"),
            Ok(ScopeLevel::ResourceGroup)
        );
        assert_eq!(
            validate_id("/subscriptions/x/resourceGroups/y/providers/Microsoft.Web/sites/z"),
            Ok(ScopeLevel::Resource)
        );
        assert_eq!(
            validate_id("/providers/Microsoft.Management/managementGroups/m"),
            Ok(ScopeLevel::ManagementGroup)
        );
        assert!(validate_id("/").unwrap_err().contains("root scope"));
        assert!(validate_id("/subscriptions/*")
            .unwrap_err()
            .contains("wildcard"));
        assert!(validate_id("/subscriptions").unwrap_err().contains("odd"));
        assert!(validate_id("/subscriptions/x/")
            .unwrap_err()
            .contains("ends with"));
        assert!(resolve("subscriptoin", &ScopeIds::default())
            .unwrap_err()
            .to_string()
            .contains("did you mean `subscription`"));
    }

    #[test]
    fn lenient_levels() {
        assert_eq!(level_of("/"), Some(ScopeLevel::ManagementGroup));
        assert_eq!(
            level_of("/subscriptions/<subscription-id>"),
            Some(ScopeLevel::Subscription)
        );
        assert_eq!(level_of("[subscription().id]"), None);
    }
}
