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

/// Which list of a role an entry sits in, for [`Spans`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum List {
    Actions,
    NotActions,
    DataActions,
    NotDataActions,
    AssignableScopes,
}

/// Where each permission entry and assignable scope was read: (block, list, index) → 1-based (line,
/// column). Layout, not meaning: two roles that differ only here compare equal.
#[derive(Debug, Clone, Default)]
pub struct Spans(std::collections::HashMap<(usize, List, usize), (usize, usize)>);

impl PartialEq for Spans {
    fn eq(&self, _: &Spans) -> bool {
        true
    }
}

impl Eq for Spans {}

impl Spans {
    pub fn get(&self, block: usize, list: List, index: usize) -> Option<(usize, usize)> {
        self.0.get(&(block, list, index)).copied()
    }

    pub fn set(&mut self, block: usize, list: List, index: usize, pos: (usize, usize)) {
        self.0.insert((block, list, index), pos);
    }
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
    /// Where its entries were read (lint points at them).
    pub spans: Spans,
    /// Which shape the role was read from (`portal`, `arm`, `cli`, `az-list`, `powershell`, …).
    pub shape: &'static str,
}
