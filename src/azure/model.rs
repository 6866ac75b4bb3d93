//! Azure role definitions as read from files (any shape), and the findings attached to them.

pub use crate::finding::{Finding, Severity};

/// One `permissions[]` block.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PermissionBlock {
    pub actions: Vec<String>,
    pub not_actions: Vec<String>,
    pub data_actions: Vec<String>,
    pub not_data_actions: Vec<String>,
    /// An ABAC condition: the block grants only when it holds.
    pub condition: Option<String>,
}

/// A role definition, whatever shape it was read from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoleDefinition {
    /// Display name (`roleName`, `Name`).
    pub name: String,
    /// The GUID, when the file gives one.
    pub id: Option<String>,
    pub description: Option<String>,
    pub permissions: Vec<PermissionBlock>,
    pub assignable_scopes: Vec<String>,
    /// Where the role starts in its file (1-based), when known.
    pub line: Option<usize>,
    /// A built-in role (`roleType: BuiltInRole`, or `IsCustom: false`): Azure's own, assignable at `/`.
    pub builtin: bool,
    /// Which shape the role was read from (`portal`, `arm`, `cli`, `az-list`, `powershell`, …).
    pub shape: &'static str,
}
