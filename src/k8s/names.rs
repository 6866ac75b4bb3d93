//! Kubernetes' own name rules (k8s.io/apimachinery validation), used to refuse bad names before YAML is
//! written. https://kubernetes.io/docs/concepts/overview/working-with-objects/names/

/// DNS-1123 label: lower-case alphanumerics and `-`, at most 63, alphanumeric at both ends (namespaces).
pub fn dns1123_label(s: &str) -> Result<(), String> {
    if s.is_empty() || s.len() > 63 {
        return Err("must be 1 to 63 characters".into());
    }
    let ok_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
    let alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    if !s.chars().all(ok_char) {
        return Err("may contain only lower-case letters, digits and `-`".into());
    }
    if !s.starts_with(alnum) || !s.ends_with(alnum) {
        return Err("must start and end with a lower-case letter or digit".into());
    }
    Ok(())
}

/// DNS-1123 subdomain: DNS-1123 labels joined by `.`, at most 253 (service account names).
pub fn dns1123_subdomain(s: &str) -> Result<(), String> {
    if s.is_empty() || s.len() > 253 {
        return Err("must be 1 to 253 characters".into());
    }
    for label in s.split('.') {
        let ok = !label.is_empty()
            && label
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && label.starts_with(|c: char| c.is_ascii_alphanumeric())
            && label.ends_with(|c: char| c.is_ascii_alphanumeric());
        if !ok {
            return Err(
                "must be lower-case letters, digits, `-` and `.`, starting and ending with a letter or digit".into(),
            );
        }
    }
    Ok(())
}

/// RBAC object names: the path-segment rule only (`:` and upper case are legal), kept within the 253
/// characters every object name allows.
pub fn path_segment(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err("must not be empty".into());
    }
    if s == "." || s == ".." {
        return Err("may not be `.` or `..`".into());
    }
    if s.contains('/') || s.contains('%') {
        return Err("may not contain `/` or `%`".into());
    }
    if s.len() > 253 {
        return Err("must be at most 253 characters".into());
    }
    if s.chars().any(char::is_control) {
        return Err("may not contain control characters".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert!(dns1123_label("default").is_ok());
        assert!(dns1123_label("team-a1").is_ok());
        assert!(dns1123_label("Default").is_err());
        assert!(dns1123_label("-a").is_err());
        assert!(dns1123_label("a_b").is_err());
        assert!(dns1123_label(&"a".repeat(64)).is_err());
        assert!(dns1123_subdomain("deployer.ci").is_ok());
        assert!(dns1123_subdomain("Deployer").is_err());
        assert!(path_segment("system:controller:x").is_ok());
        assert!(path_segment("a/b").is_err());
        assert!(path_segment("..").is_err());
    }
}
