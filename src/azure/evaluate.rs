//! Azure RBAC evaluation (https://learn.microsoft.com/azure/role-based-access-control/role-definitions):
//! an operation is granted when some permission block allows it in the right plane and that same block's
//! NotActions/NotDataActions do not remove it; `actions` never grant data actions; NotActions are not a deny
//! across blocks or roles. A block with an ABAC condition grants only conditionally.
//!
//! A requirement that is itself a pattern (`Microsoft.Web/sites/slots/*/Read`) is granted only when one allow
//! pattern of a block covers the whole pattern and no exclusion of that block overlaps it: listing today's
//! matching operations one by one does not grant tomorrow's.

use super::model::PermissionBlock;
use super::pattern::Pattern;
use crate::catalogue::Plane;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    Granted,
    /// Only by a block with a condition.
    Conditional,
    Denied,
}

impl Grant {
    /// The stronger of two answers (one operation judged in each plane it belongs to).
    pub fn or(self, other: Grant) -> Grant {
        match (self, other) {
            (Grant::Granted, _) | (_, Grant::Granted) => Grant::Granted,
            (Grant::Conditional, _) | (_, Grant::Conditional) => Grant::Conditional,
            _ => Grant::Denied,
        }
    }
}

fn lists(block: &PermissionBlock, plane: Plane) -> (&[String], &[String]) {
    match plane {
        Plane::Control => (&block.actions, &block.not_actions),
        Plane::Data => (&block.data_actions, &block.not_data_actions),
    }
}

/// A role's permission blocks with their patterns parsed once, for judging many operations.
pub struct Compiled {
    blocks: Vec<CompiledBlock>,
}

struct CompiledBlock {
    /// Allow and exclusion patterns, control plane first.
    allow: [Vec<Pattern>; 2],
    deny: [Vec<Pattern>; 2],
    conditional: bool,
}

fn plane_index(plane: Plane) -> usize {
    match plane {
        Plane::Control => 0,
        Plane::Data => 1,
    }
}

impl Compiled {
    pub fn new(blocks: &[PermissionBlock]) -> Compiled {
        let parse = |l: &[String]| l.iter().map(|a| Pattern::new(a)).collect::<Vec<_>>();
        Compiled {
            blocks: blocks
                .iter()
                .map(|b| CompiledBlock {
                    allow: [parse(&b.actions), parse(&b.data_actions)],
                    deny: [parse(&b.not_actions), parse(&b.not_data_actions)],
                    conditional: b.condition.is_some(),
                })
                .collect(),
        }
    }

    /// How the blocks grant `required` (an operation or a pattern) in `plane`: one block must allow all of
    /// it, and none of that block's exclusions may touch it.
    pub fn grant(&self, required: &Pattern, plane: Plane) -> Grant {
        self.judge(plane, |a| a.covers(required), |n| n.overlaps(required))
    }

    /// How the blocks grant one concrete operation, given folded (the fast path of [`Compiled::grant`]:
    /// for an operation, covering and overlapping are both matching).
    pub fn grant_folded(&self, op: &str, plane: Plane) -> Grant {
        self.judge(plane, |a| a.matches_folded(op), |n| n.matches_folded(op))
    }

    /// Granted by a block without a condition whose allow list grants and whose exclusions do not remove;
    /// conditional when only blocks with a condition do.
    fn judge(
        &self,
        plane: Plane,
        allows: impl Fn(&Pattern) -> bool,
        removes: impl Fn(&Pattern) -> bool,
    ) -> Grant {
        let i = plane_index(plane);
        let mut conditional = false;
        for b in &self.blocks {
            if b.allow[i].iter().any(&allows) && !b.deny[i].iter().any(&removes) {
                if !b.conditional {
                    return Grant::Granted;
                }
                conditional = true;
            }
        }
        if conditional {
            Grant::Conditional
        } else {
            Grant::Denied
        }
    }

    /// Whether some allow pattern in `plane` could match an operation `p` matches (not whether it is granted).
    pub fn touches(&self, p: &Pattern, plane: Plane) -> bool {
        let i = plane_index(plane);
        self.blocks
            .iter()
            .any(|b| b.allow[i].iter().any(|a| a.overlaps(p)))
    }
}

/// How the union of `blocks` (one role, or several assigned together) grants `required`.
pub fn grant(blocks: &[PermissionBlock], required: &str, plane: Plane) -> Grant {
    Compiled::new(blocks).grant(&Pattern::new(required), plane)
}

/// Allow patterns that reach beyond the requirements: explicit extras, and wildcards no requirement covers.
pub fn excess<'b>(
    blocks: &'b [PermissionBlock],
    required: &[(String, Plane)],
) -> Vec<(&'b str, Plane)> {
    let mut out: Vec<(&str, Plane)> = Vec::new();
    for b in blocks {
        for plane in [Plane::Control, Plane::Data] {
            let (allow, _) = lists(b, plane);
            for a in allow {
                let pa = Pattern::new(a);
                let needed = required
                    .iter()
                    .any(|(r, rp)| *rp == plane && Pattern::new(r).covers(&pa));
                if !needed
                    && !out
                        .iter()
                        .any(|(o, op)| *op == plane && o.eq_ignore_ascii_case(a))
                {
                    out.push((a.as_str(), plane));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(actions: &[&str], not: &[&str]) -> PermissionBlock {
        PermissionBlock {
            actions: actions.iter().map(|s| s.to_string()).collect(),
            not_actions: not.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn not_actions_apply_to_their_block_only() {
        let b = vec![block(
            &["Microsoft.Web/*"],
            &["Microsoft.Web/sites/slots/slotsswap/Action"],
        )];
        assert_eq!(
            grant(
                &b,
                "Microsoft.Web/sites/slots/slotsswap/action",
                Plane::Control
            ),
            Grant::Denied
        );
        assert_eq!(
            grant(&b, "Microsoft.Web/sites/Read", Plane::Control),
            Grant::Granted
        );
        // The wildcard requirement overlaps nothing excluded: granted whole.
        assert_eq!(
            grant(&b, "Microsoft.Web/sites/slots/*/Read", Plane::Control),
            Grant::Granted
        );
        let two = vec![
            b[0].clone(),
            block(&["Microsoft.Web/sites/slots/slotsswap/Action"], &[]),
        ];
        assert_eq!(
            grant(
                &two,
                "Microsoft.Web/sites/slots/slotsswap/Action",
                Plane::Control
            ),
            Grant::Granted
        );
    }

    #[test]
    fn actions_never_grant_data_actions() {
        let owner = vec![block(&["*"], &[])];
        assert_eq!(
            grant(
                &owner,
                "Microsoft.ContainerService/managedClusters/pods/read",
                Plane::Data
            ),
            Grant::Denied
        );
        assert_eq!(
            grant(
                &owner,
                "Microsoft.ContainerService/managedClusters/read",
                Plane::Control
            ),
            Grant::Granted
        );
    }

    #[test]
    fn wildcard_requirement_needs_a_covering_pattern() {
        let listed = vec![block(
            &[
                "Microsoft.Web/sites/slots/config/read",
                "Microsoft.Web/sites/slots/deployments/read",
            ],
            &[],
        )];
        assert_eq!(
            grant(&listed, "Microsoft.Web/sites/slots/*/Read", Plane::Control),
            Grant::Denied
        );
        let trimmed = vec![block(
            &["Microsoft.Web/*"],
            &["Microsoft.Web/sites/slots/config/*"],
        )];
        assert_eq!(
            grant(&trimmed, "Microsoft.Web/sites/slots/*/Read", Plane::Control),
            Grant::Denied
        );
    }

    #[test]
    fn conditions_grant_conditionally() {
        let mut b = block(&["Microsoft.Authorization/roleAssignments/write"], &[]);
        b.condition = Some("@Request[...] ForAnyOfAnyValues:GuidEquals {x}".into());
        assert_eq!(
            grant(
                &[b],
                "Microsoft.Authorization/roleAssignments/write",
                Plane::Control
            ),
            Grant::Conditional
        );
    }

    #[test]
    fn excess_lists_what_reaches_beyond() {
        let b = vec![block(
            &[
                "*/read",
                "Microsoft.Web/sites/Read",
                "Microsoft.Web/sites/Write",
            ],
            &[],
        )];
        let req = vec![
            ("Microsoft.Web/sites/Read".to_string(), Plane::Control),
            ("Microsoft.Web/sites/Write".to_string(), Plane::Control),
        ];
        assert_eq!(excess(&b, &req), vec![("*/read", Plane::Control)]);
    }
}
