//! Azure RBAC: action patterns, scopes, the operations catalogue, role generation and output formats.

pub mod evaluate;
pub mod formats;
pub mod generate;
pub mod model;
pub mod operations;
pub mod pattern;
pub mod read;
pub mod scope;
