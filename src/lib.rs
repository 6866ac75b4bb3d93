//! rolegen: least-privilege Azure custom roles and Kubernetes RBAC for deployment pipelines, from an embedded,
//! reviewed permission catalogue.
//!
//! The binary (`src/main.rs`) only parses arguments and maps results to exit codes; everything else lives
//! here: [`catalogue`] (the embedded data), [`azure`] and [`k8s`] (models, formats, generation), [`report`]
//! (tables and JSON), [`cli`] (argument definitions and the commands they run).

pub mod audit;
pub mod azure;
pub mod builtin;
pub mod catalogue;
pub mod cli;
mod commands;
pub mod diff;
pub mod error;
pub mod explain;
pub mod finding;
pub mod input;
pub mod inputs;
pub mod k8s;
pub mod lint;
pub mod notes;
pub mod output;
pub mod report;
pub mod roles;
pub mod text;
pub mod yaml;

pub use error::{Error, Result};

/// Exit codes: 0 ok / no findings, 1 findings, 2 usage or input error.
pub mod exit {
    pub const OK: u8 = 0;
    pub const FINDINGS: u8 = 1;
    pub const ERROR: u8 = 2;
}
