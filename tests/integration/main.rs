//! One integration-test binary (links once): CLI golden cases, catalogue checks, corpus checks.

mod audit_corpus;
mod catalogue;
mod cli_behaviour;
mod cli_cases;
mod corpus;
mod properties;
mod sarif;
mod support;
