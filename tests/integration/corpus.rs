//! Checks against `../shared/corpus` (real `az provider operation show` output); skipped with a note when
//! the corpus is absent, so a fresh clone passes.

use rolegen::azure::operations::Operations;
use rolegen::azure::pattern::Pattern;
use rolegen::catalogue::Catalogue;

use super::support::corpus;

#[test]
fn every_catalogue_operation_exists_in_its_plane() {
    let Some(dir) = corpus("catalogue-vs-operations check") else {
        return;
    };
    let ops = Operations::load(&dir.join("azure/provider-operations")).unwrap();
    assert!(ops.len() > 20_000, "{} operations", ops.len());
    let cat = Catalogue::embedded().unwrap();
    let mut checked = 0;
    for t in &cat.targets {
        for p in &t.permissions {
            let pattern = Pattern::new(&p.operation);
            if pattern.is_wildcard() {
                let matched: Vec<_> = ops.matching(&pattern).collect();
                assert!(
                    !matched.is_empty(),
                    "{}: {} matches nothing",
                    t.target,
                    p.operation
                );
                assert!(
                    matched.iter().all(|m| m.in_plane(p.plane)),
                    "{}: {} crosses planes",
                    t.target,
                    p.operation
                );
            } else {
                let info = ops
                    .get(&p.operation)
                    .unwrap_or_else(|| panic!("{}: {} does not exist", t.target, p.operation));
                assert!(
                    info.in_plane(p.plane),
                    "{}: {} is not {:?}",
                    t.target,
                    p.operation,
                    p.plane
                );
                // Written in the catalogue's own casing.
                assert_eq!(info.name, p.operation, "{}: casing", t.target);
            }
            checked += 1;
        }
        for d in &t.dropped {
            assert!(
                ops.get(&d.source).is_none(),
                "{} was dropped but exists",
                d.source
            );
        }
        for p in &t.permissions {
            if let Some(c) = &p.correction {
                assert!(
                    ops.get(&c.source).is_none(),
                    "{} was corrected but exists",
                    c.source
                );
            }
        }
    }
    eprintln!(
        "note: corpus: {checked} catalogue operations checked against {} operations",
        ops.len()
    );
    let slots = Pattern::new("Microsoft.Web/sites/slots/*/Read");
    assert_eq!(ops.matching(&slots).count(), 71);
}
