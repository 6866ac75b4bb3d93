//! Azure action strings and wildcard patterns.
//!
//! Semantics (https://learn.microsoft.com/azure/role-based-access-control/role-definitions#actions):
//! comparison is case-insensitive; `*` matches any run of characters, `/` included (`*/read` = every read;
//! `Microsoft.Compute/virtualMachines/*` = VM operations and those of child types); at most one `*` per string
//! (https://learn.microsoft.com/azure/role-based-access-control/custom-roles). Azure does not document whether
//! `*` may match nothing; rolegen lets it, which can only make a grant look wider, never narrower.

/// ASCII case fold, the comparison Azure uses for operation names.
pub fn fold(s: &str) -> String {
    s.to_ascii_lowercase()
}

/// A folded pattern split at its wildcard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    folded: String,
    /// Byte offset of the single `*`, if any.
    star: Option<usize>,
}

impl Pattern {
    /// Builds a pattern. With more than one `*` the string is treated as a literal: Azure rejects such a
    /// string, so it grants nothing (lint reports it).
    pub fn new(raw: &str) -> Pattern {
        let folded = fold(raw);
        let star = if folded.matches('*').count() == 1 {
            folded.find('*')
        } else {
            None
        };
        Pattern { folded, star }
    }

    pub fn as_str(&self) -> &str {
        &self.folded
    }

    pub fn is_wildcard(&self) -> bool {
        self.star.is_some()
    }

    fn parts(&self) -> (&str, &str) {
        match self.star {
            Some(i) => (&self.folded[..i], &self.folded[i + 1..]),
            None => (&self.folded, ""),
        }
    }

    /// The folded text before the wildcard (all of it for an operation): every match starts with it.
    pub fn prefix(&self) -> &str {
        self.parts().0
    }

    /// Whether this pattern grants the concrete (already folded) operation `op`.
    pub fn matches_folded(&self, op: &str) -> bool {
        match self.star {
            None => self.folded == op,
            Some(_) => {
                let (p, s) = self.parts();
                op.len() >= p.len() + s.len() && op.starts_with(p) && op.ends_with(s)
            }
        }
    }

    pub fn matches(&self, op: &str) -> bool {
        self.matches_folded(&fold(op))
    }

    /// Whether everything `other` can match, this pattern matches too (this is at least as broad).
    pub fn covers(&self, other: &Pattern) -> bool {
        match (self.star, other.star) {
            (_, None) => self.matches_folded(&other.folded),
            (None, Some(_)) => false,
            (Some(_), Some(_)) => {
                let (pa, sa) = self.parts();
                let (pb, sb) = other.parts();
                pb.starts_with(pa) && sb.ends_with(sa)
            }
        }
    }

    /// Whether some operation could be matched by both patterns.
    pub fn overlaps(&self, other: &Pattern) -> bool {
        match (self.star, other.star) {
            (None, None) => self.folded == other.folded,
            (Some(_), None) => self.matches_folded(&other.folded),
            (None, Some(_)) => other.matches_folded(&self.folded),
            (Some(_), Some(_)) => {
                // Two globs `P1*S1` and `P2*S2` share a string iff one prefix extends the other and one
                // suffix extends the other (then `longer-prefix + x + longer-suffix` matches both).
                let (p1, s1) = self.parts();
                let (p2, s2) = other.parts();
                (p1.starts_with(p2) || p2.starts_with(p1)) && (s1.ends_with(s2) || s2.ends_with(s1))
            }
        }
    }
}

/// What is wrong with an action string's syntax, if anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyntaxProblem {
    Blank,
    Whitespace,
    TooManyWildcards(usize),
    EmptySegment,
    TrailingSlash,
    /// Not `{Company}.{Provider}/{type}/…/{operation}` (nor `*` / `*/…`).
    Shape,
}

impl SyntaxProblem {
    pub fn describe(&self) -> String {
        match self {
            SyntaxProblem::Blank => "is blank".into(),
            SyntaxProblem::Whitespace => "contains white space".into(),
            SyntaxProblem::TooManyWildcards(n) => {
                format!("contains {n} wildcards; Azure allows only one `*` per action")
            }
            SyntaxProblem::EmptySegment => "has an empty segment (`//`)".into(),
            SyntaxProblem::TrailingSlash => "ends with `/`".into(),
            SyntaxProblem::Shape => {
                "is not of the form `{Company}.{Provider}/{resourceType}/…/{operation}`".into()
            }
        }
    }
}

/// Checks an action or data action string against Azure's grammar
/// (`{Company}.{Provider}/{resourceType}[/{childType}…]/{operation}`, or `*`-prefixed forms such as `*/read`).
pub fn syntax_problems(s: &str) -> Vec<SyntaxProblem> {
    let mut problems = Vec::new();
    if s.trim().is_empty() {
        problems.push(SyntaxProblem::Blank);
        return problems;
    }
    if s.chars().any(char::is_whitespace) {
        problems.push(SyntaxProblem::Whitespace);
    }
    let stars = s.matches('*').count();
    if stars > 1 {
        problems.push(SyntaxProblem::TooManyWildcards(stars));
    }
    if s.ends_with('/') {
        problems.push(SyntaxProblem::TrailingSlash);
    }
    let trimmed = s.trim_end_matches('/');
    if trimmed.split('/').any(str::is_empty) && !trimmed.is_empty() {
        problems.push(SyntaxProblem::EmptySegment);
    }
    if s == "*" {
        return problems;
    }
    let mut segments = trimmed.split('/');
    let namespace = segments.next().unwrap_or("");
    let rest = segments.count();
    let namespace_ok = namespace == "*"
        || (namespace.contains('.')
            && namespace.split('.').all(|w| {
                !w.is_empty()
                    && w.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '*' || c == '-' || c == '_')
            }));
    if !namespace_ok || rest == 0 {
        problems.push(SyntaxProblem::Shape);
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_spans_slashes_and_ignores_case() {
        let p = Pattern::new("*/read");
        assert!(p.matches("Microsoft.Web/sites/Read"));
        assert!(!p.matches("Microsoft.Web/sites/write"));
        let p = Pattern::new("Microsoft.Web/sites/slots/*/Read");
        assert!(p.matches("microsoft.web/sites/slots/deployments/read"));
        assert!(p.matches("Microsoft.Web/sites/slots/config/appsettings/read"));
        assert!(!p.matches("Microsoft.Web/sites/slots/read"));
        assert!(Pattern::new("*").matches("anything/at/all"));
    }

    #[test]
    fn covers_follows_prefix_and_suffix() {
        let web = Pattern::new("Microsoft.Web/*");
        assert!(web.covers(&Pattern::new("Microsoft.Web/sites/slots/*/Read")));
        assert!(!Pattern::new("Microsoft.Web/sites/slots/*/Read").covers(&web));
        assert!(Pattern::new("*/read").covers(&Pattern::new("Microsoft.Web/sites/slots/*/Read")));
        assert!(!Pattern::new("Microsoft.Web/sites/slots/deployments/read")
            .covers(&Pattern::new("Microsoft.Web/sites/slots/*/Read")));
    }

    #[test]
    fn overlap_of_two_globs() {
        assert!(Pattern::new("Microsoft.Web/*").overlaps(&Pattern::new("*/read")));
        assert!(!Pattern::new("Microsoft.Web/*").overlaps(&Pattern::new("Microsoft.Sql/*")));
        assert!(!Pattern::new("*/read").overlaps(&Pattern::new("*/write")));
    }

    #[test]
    fn grammar() {
        assert!(syntax_problems("Microsoft.Web/sites/Read").is_empty());
        assert!(syntax_problems("*").is_empty());
        assert!(syntax_problems("*/read").is_empty());
        assert!(syntax_problems("Microsoft.Support/*").is_empty());
        assert_eq!(
            syntax_problems("Microsoft.Web/*/slots/*"),
            vec![SyntaxProblem::TooManyWildcards(2)]
        );
        assert!(syntax_problems("Microsoft.Insights/alertRules/")
            .contains(&SyntaxProblem::TrailingSlash));
        assert!(syntax_problems("Microsoft.Network/virtualNetworks/read ")
            .contains(&SyntaxProblem::Whitespace));
        assert!(
            syntax_problems("Microsoft.Container Registries/registries/*")
                .contains(&SyntaxProblem::Whitespace)
        );
        assert_eq!(syntax_problems("read"), vec![SyntaxProblem::Shape]);
        assert_eq!(syntax_problems(""), vec![SyntaxProblem::Blank]);
    }
}
