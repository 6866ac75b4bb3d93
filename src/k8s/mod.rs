//! Kubernetes RBAC: the built-in API table, name rules, the object model and reader, evaluation with
//! Kubernetes' own matching, and Role/RoleBinding generation.

pub mod api;
pub mod evaluate;
pub mod generate;
pub mod model;
pub mod names;
pub mod read;
