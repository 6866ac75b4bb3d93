//! Azure role definitions as read from files (any shape), and the findings attached to them.

use serde::Serialize;

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
    /// Which shape the role was read from (`portal`, `arm`, `cli`, `az-list`, `powershell`, …).
    pub shape: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

/// A finding about a role: stable kebab-case code, severity, one-line message, position where known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
}

impl Finding {
    pub fn new(code: &'static str, severity: Severity, message: impl Into<String>) -> Finding {
        Finding {
            code,
            severity,
            message: message.into(),
            line: None,
            column: None,
        }
    }

    pub fn at(mut self, pos: Option<(usize, usize)>) -> Finding {
        if let Some((l, c)) = pos {
            self.line = Some(l);
            self.column = Some(c);
        }
        self
    }
}
