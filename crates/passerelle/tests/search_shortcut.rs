//! The never-true lint skips the search for conditions that are plainly satisfiable; the
//! search must never call such a condition impossible (generated packs with many shapes
//! of conditions, and the repository's packs).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

use passerelle::Pack;
use passerelle::generate::{GenOptions, generate, to_loaded};
use passerelle_check::search::{Goal, Outcome, plainly_satisfiable, satisfy};
use std::path::PathBuf;

fn check_pack(pack: &Pack) -> usize {
    let m = &pack.model;
    let mut plain = 0;
    for r in &m.rules {
        let Some(when) = &r.when else { continue };
        if r.per_item.is_some() || !plainly_satisfiable(m, when) {
            continue;
        }
        plain += 1;
        let goal = [Goal {
            cond: when,
            per_item: None,
        }];
        assert_ne!(
            satisfy(m, &goal, 20_000),
            Outcome::Impossible,
            "the condition of {} is plainly satisfiable but the search finds it impossible",
            r.id
        );
    }
    plain
}

#[test]
fn plainly_satisfiable_conditions_are_never_impossible() {
    let mut plain = 0;
    for seed in 0..40 {
        let files = generate(&GenOptions {
            rules: 60,
            facts: 8 + (seed as usize % 20),
            seed,
            rules_per_file: 20,
        });
        let pack = Pack::from_loaded(
            to_loaded(&files),
            &passerelle_check::Options {
                search_lints: false,
                ..Default::default()
            },
        )
        .expect("generated pack checks");
        plain += check_pack(&pack);
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../packs");
    for d in [
        "example",
        "example-department",
        "example-partner",
        "gc-digital",
    ] {
        let pack = Pack::load(&[root.join(d)]).expect("pack checks");
        plain += check_pack(&pack);
    }
    assert!(
        plain > 1000,
        "only {plain} plainly satisfiable conditions were tried"
    );
}
