//! Azure RBAC: action patterns, scopes, the operations catalogue, role generation and output formats.

pub mod formats;
pub mod generate;
pub mod operations;
pub mod pattern;
pub mod scope;
