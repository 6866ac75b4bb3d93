//! Findings about a role, shared by every platform and command: a stable kebab-case code, a severity, a
//! one-line message and the position in the file where rolegen knows it.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
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

/// Gives every finding in `findings` the position `pos`, when known (findings about one entry).
pub fn place(findings: &mut [Finding], pos: Option<(usize, usize)>) {
    if let Some((l, c)) = pos {
        for f in findings {
            f.line = Some(l);
            f.column = Some(c);
        }
    }
}

/// The findings of one object of a file: those about the whole file (`None`) and those about object `i`.
pub fn for_object(findings: &[(Option<usize>, Finding)], i: usize) -> Vec<Finding> {
    findings
        .iter()
        .filter(|(r, _)| r.is_none() || *r == Some(i))
        .map(|(_, f)| f.clone())
        .collect()
}
