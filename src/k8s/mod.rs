//! Kubernetes RBAC: the built-in API table, name rules and Role/RoleBinding generation.

pub mod api;
pub mod generate;
pub mod names;
