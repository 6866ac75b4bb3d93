//! Reader dispatch: decides per file whether it holds Azure role definitions or Kubernetes RBAC objects
//! (or neither), by structure rather than by name or mentions, and reads it. Pure: text in, roles out.

use crate::azure::read::{self as azread, AzureFile};
use crate::error::Result;
use crate::k8s::read::{self as k8sread, K8sFile};

/// Which reader to use (`--input-format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum InputFormat {
    /// Decide per file.
    #[default]
    Auto,
    /// Azure role definitions in any shape (portal/REST, ARM, az CLI, PowerShell).
    Azure,
    /// Kubernetes RBAC YAML or JSON.
    Kubernetes,
}

/// What one file held.
#[derive(Debug, Clone)]
pub enum Loaded {
    Azure(AzureFile),
    Kubernetes(K8sFile),
    /// Nothing rolegen reads (not an error: a directory walk meets such files).
    Nothing,
}

/// Reads the decoded text of file `name`.
pub fn read(name: &str, text: &str, format: InputFormat) -> Result<Loaded> {
    match format {
        InputFormat::Azure => Ok(Loaded::Azure(azread::read(name, text)?)),
        InputFormat::Kubernetes => Ok(Loaded::Kubernetes(k8sread::read(name, text)?)),
        InputFormat::Auto => {
            if azread::looks_like_json(text) {
                let azure = azread::read(name, text)?;
                if !azure.roles.is_empty() {
                    return Ok(Loaded::Azure(azure));
                }
                // JSON without Azure roles: Kubernetes objects in JSON, or nothing. The Kubernetes reader
                // fails only on RBAC-kind objects it cannot read, which must be reported, not skipped.
                return match k8sread::read(name, text)? {
                    k if !k.objects.is_empty() => Ok(Loaded::Kubernetes(k)),
                    _ => Ok(Loaded::Nothing),
                };
            }
            let k = k8sread::read(name, text);
            match k {
                Ok(k) if !k.objects.is_empty() => Ok(Loaded::Kubernetes(k)),
                Ok(_) => Ok(Loaded::Nothing),
                // YAML that does not parse is an error only when it means to be RBAC.
                Err(e) if mentions_rbac(text) => Err(e),
                Err(_) => Ok(Loaded::Nothing),
            }
        }
    }
}

/// Whether a YAML text that does not parse was meant to hold RBAC objects: an RBAC `apiVersion` line.
fn mentions_rbac(text: &str) -> bool {
    text.lines().any(|l| {
        l.trim_start_matches(['-', ' '])
            .strip_prefix("apiVersion:")
            .is_some_and(|v| {
                v.trim()
                    .trim_matches(['"', '\''])
                    .starts_with("rbac.authorization.k8s.io/")
            })
    })
}
