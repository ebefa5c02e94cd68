//! Property tests of the engine against the reference semantics.
//!
//! - differential: the compiled engine gives exactly the statuses of
//!   `passerelle_check::semantics` (rules, per-item rules, displacers, myths), on generated
//!   packs and on the example pack, for random partial answers;
//! - soundness under refinement: a rule decided on partial answers keeps its status when
//!   more answers are added (generated packs: no `is known` and no gates, which are
//!   deliberately not monotone);
//! - relevance: for every next question, two of its possible answers give different
//!   verdicts (checked with the reference semantics);
//! - validation never panics on arbitrary JSON.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

use passerelle::Pack;
use passerelle::generate::{GenOptions, answers, generate, group_items, to_loaded};
use passerelle_check::model::{Answers, FactType, Model, Value};
use passerelle_check::semantics::{Env, RefVerdict, Status3, Tri};
use passerelle_eval::next::Target;
use passerelle_eval::{Case, Evaluator, Outcome, Status};
use passerelle_ir::{date_to_days, days_to_date};
use proptest::prelude::*;
use std::path::PathBuf;

fn generated(rules: usize, facts: usize, seed: u64) -> Pack {
    let files = generate(&GenOptions {
        rules,
        facts,
        seed,
        rules_per_file: 7,
    });
    match Pack::from_loaded(
        to_loaded(&files),
        &passerelle_check::Options {
            search_lints: false,
            ..Default::default()
        },
    ) {
        Ok(p) => p,
        Err(e) => panic!("generated pack does not check: {:?}", e.diags.iter().next()),
    }
}

fn example() -> Pack {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../packs/example");
    match Pack::load(&[dir]) {
        Ok(p) => p,
        Err(e) => panic!("example pack does not check: {:?}", e.diags.iter().next()),
    }
}

fn map_status(s: Status) -> &'static str {
    match s {
        Status::NotInForce => "not-in-force",
        Status::NotApplies => "not-applies",
        Status::Applies => "applies",
        Status::Undetermined => "undetermined",
        Status::Displaced => "displaced",
    }
}

fn map_ref(s: &Status3) -> &'static str {
    match s {
        Status3::NotInForce => "not-in-force",
        Status3::NotApplies => "not-applies",
        Status3::Applies => "applies",
        Status3::Undetermined => "undetermined",
        Status3::Displaced(_) => "displaced",
    }
}

/// The fast engine's statuses in the reference layout.
fn fast_statuses(pack: &Pack, o: &Outcome) -> Vec<Vec<&'static str>> {
    let p = &pack.program;
    pack.model
        .rules
        .iter()
        .enumerate()
        .map(|(ri, _)| {
            let ci = p.rule_index[ri] as usize;
            match p.rules[ci].per_item {
                None => vec![map_status(o.status[ci])],
                Some(_) => o
                    .items
                    .iter()
                    .filter(|x| x.rule as usize == ci)
                    .map(|x| map_status(x.status))
                    .collect(),
            }
        })
        .collect()
}

fn ref_statuses(v: &RefVerdict) -> Vec<Vec<&'static str>> {
    v.rules
        .iter()
        .map(|r| r.iter().map(map_ref).collect())
        .collect()
}

fn compare(pack: &Pack, a: &Answers, as_of: jiff::civil::Date) -> Result<(), TestCaseError> {
    compare_with(pack, &mut pack.evaluator(), a, as_of)
}

/// [`compare`] with a given evaluator (which must be for `pack`'s program), also checked
/// against an evaluator that lays the program out anew.
fn compare_with(
    pack: &Pack,
    ev: &mut Evaluator<'_>,
    a: &Answers,
    as_of: jiff::civil::Date,
) -> Result<(), TestCaseError> {
    let case = Case::from_answers(&pack.program, &pack.model, a);
    let o = ev.run(&case, date_to_days(as_of)).clone();
    let fresh = Evaluator::new(&pack.program)
        .run(&case, date_to_days(as_of))
        .clone();
    // Everything a verdict reads (the values of unknown slots and the displacer of a rule
    // that is not displaced are scratch).
    let seen = |o: &Outcome| {
        let known_vals: Vec<Option<i64>> = (0..o.vals.len())
            .map(|s| o.slot_known(s as u32).then(|| o.vals[s]))
            .collect();
        let by: Vec<Option<u32>> = o
            .status
            .iter()
            .zip(&o.by)
            .map(|(s, b)| (*s == Status::Displaced).then_some(*b))
            .collect();
        format!(
            "{:?} {by:?} {:?} {:?} {:?} {:?} {:?} {:?} {known_vals:?}",
            o.status, o.items, o.myths, o.processes, o.steps, o.t, o.f
        )
    };
    prop_assert_eq!(
        seen(&o),
        seen(&fresh),
        "a reused evaluator gives another outcome"
    );
    let env = Env::new(&pack.model, a, as_of);
    let reference = env.verdict();
    let fast = fast_statuses(pack, &o);
    let refs = ref_statuses(&reference);
    for (ri, (f, r)) in fast.iter().zip(&refs).enumerate() {
        prop_assert_eq!(
            f,
            r,
            "rule {} differs (answers {:?})",
            pack.model.rules[ri].id,
            a
        );
    }
    prop_assert_eq!(&o.myths, &reference.myths, "myths differ");
    let fast_proc: Vec<(Tri, Vec<Tri>)> = o
        .processes
        .iter()
        .cloned()
        .zip(o.steps.iter().cloned())
        .collect();
    prop_assert_eq!(&fast_proc, &reference.processes, "processes differ");
    Ok(())
}

/// Random answers for the example pack, groups included.
fn example_answers(m: &Model, seed: u64) -> Answers {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut a = answers(m, 1, seed, 0.35)
        .pop()
        .unwrap_or_else(|| Answers::empty(m));
    // Dates near the interesting thresholds.
    for (i, f) in m.facts.iter().enumerate() {
        if f.ty == FactType::Date && a.facts[i].is_some() {
            a.facts[i] = Some(Value::Date(days_to_date(
                date_to_days(jiff::civil::Date::constant(2026, 3, 1)) + i64::from(rng.u32(0..1500))
                    - 300,
            )));
        }
        if f.ty == FactType::Money && a.facts[i].is_some() {
            a.facts[i] = Some(Value::Money(i64::from(rng.u32(0..400_000))));
        }
    }
    for (g, group) in m.groups.iter().enumerate() {
        if rng.f64() < 0.3 {
            continue;
        }
        a.groups[g] = Some(group_items(m, group, &mut rng, 4, 0.2));
    }
    a
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    #[test]
    fn engine_matches_reference_on_generated_packs(
        seed in 0u64..10_000,
        rules in 1usize..40,
        facts in 5usize..25,
        unknown in 0.0f64..0.8,
        day in 0i64..3000,
    ) {
        let pack = generated(rules, facts, seed);
        let as_of = days_to_date(date_to_days(jiff::civil::Date::constant(2019, 6, 1)) + day);
        for a in answers(&pack.model, 20, seed ^ 0x5eed, unknown) {
            compare(&pack, &a, as_of)?;
        }
    }

    /// Complete answers, on packs the size of the benchmark's (their rules decided by the
    /// rule planes) and smaller ones.
    #[test]
    fn engine_matches_reference_on_complete_answers(
        seed in 0u64..10_000,
        rules in 1usize..70,
        facts in 5usize..31,
        day in 0i64..3000,
    ) {
        let pack = generated(rules, facts, seed);
        let as_of = days_to_date(date_to_days(jiff::civil::Date::constant(2019, 6, 1)) + day);
        for a in answers(&pack.model, 20, seed ^ 0xc0de, 0.0) {
            compare(&pack, &a, as_of)?;
        }
    }

    /// An evaluator reused across cases gives what a fresh one gives, and a layout made
    /// for another program is never used for this one.
    #[test]
    fn evaluators_share_a_layout_only_with_their_own_program(
        seed in 0u64..10_000,
        unknown in 0.0f64..0.8,
    ) {
        let pack = generated(30, 12, seed);
        let other = generated(12, 6, seed ^ 1);
        prop_assert!(pack.prepared.is_for(&pack.program));
        prop_assert!(!other.prepared.is_for(&pack.program));
        let as_of = jiff::civil::Date::constant(2024, 6, 1);
        let mut reused = pack.evaluator();
        let mut foreign = Evaluator::prepared(&pack.program, &other.prepared);
        for a in answers(&pack.model, 10, seed ^ 0x5eed, unknown) {
            compare_with(&pack, &mut reused, &a, as_of)?;
            compare_with(&pack, &mut foreign, &a, as_of)?;
        }
    }

    #[test]
    fn engine_matches_reference_on_the_example_pack(seed in 0u64..100_000, day in 0i64..2000) {
        let pack = example();
        let as_of = days_to_date(date_to_days(jiff::civil::Date::constant(2024, 1, 1)) + day);
        let a = example_answers(&pack.model, seed);
        compare(&pack, &a, as_of)?;
    }

    #[test]
    fn decided_rules_stay_decided_when_answers_are_added(
        seed in 0u64..10_000,
        rules in 1usize..30,
        unknown in 0.1f64..0.9,
    ) {
        let pack = generated(rules, 12, seed);
        let as_of = jiff::civil::Date::constant(2026, 6, 1);
        let full = answers(&pack.model, 10, seed, 0.0);
        let mut rng = fastrand::Rng::with_seed(seed);
        let mut ev = Evaluator::new(&pack.program);
        let mut ev2 = Evaluator::new(&pack.program);
        for b in full {
            let mut a = b.clone();
            for v in a.facts.iter_mut() {
                if rng.f64() < unknown {
                    *v = None;
                }
            }
            let pa = ev.run(&Case::from_answers(&pack.program, &pack.model, &a), date_to_days(as_of)).clone();
            let pb = ev2.run(&Case::from_answers(&pack.program, &pack.model, &b), date_to_days(as_of));
            // Applying or not applying is kept (a rule that does not apply may be found to be
            // displaced once its own condition is known: it still does not apply).
            let applies = |s: Status| s == Status::Applies;
            for (ci, s) in pa.status.iter().enumerate() {
                if *s != Status::Undetermined {
                    prop_assert_ne!(pb.status[ci], Status::Undetermined, "rule {} became undetermined", ci);
                    prop_assert_eq!(applies(*s), applies(pb.status[ci]), "rule {} changed after refinement", ci);
                }
            }
            for (mi, t) in pa.myths.iter().enumerate() {
                if *t != Tri::Unknown {
                    prop_assert_eq!(*t, pb.myths[mi]);
                }
            }
        }
    }

    #[test]
    fn every_next_question_can_change_the_verdict(
        seed in 0u64..10_000,
        rules in 1usize..30,
        unknown in 0.2f64..1.0,
    ) {
        let pack = generated(rules, 10, seed);
        let as_of = jiff::civil::Date::constant(2026, 6, 1);
        // As a server asks: the pack's shared layout for both.
        let mut ev = pack.evaluator();
        let mut asker = pack.asker();
        for a in answers(&pack.model, 10, seed, unknown) {
            let case = Case::from_answers(&pack.program, &pack.model, &a);
            let o = ev.run(&case, date_to_days(as_of)).clone();
            let Some(next) = asker.next(&case, &o) else { continue };
            let Target::Fact(f) = next.target else { continue };
            prop_assert!(a.get(f).is_none(), "asked an answered fact");
            // Two possible answers with different reference verdicts.
            let slot = pack.program.fact_slot[f.idx()].unwrap_or(0) as usize;
            let fact = pack.model.fact(f);
            let mut verdicts = Vec::new();
            for &v in &pack.program.probes[slot] {
                let val = match fact.ty {
                    FactType::Bool => Value::Bool(v != 0),
                    FactType::Int => Value::Int(v),
                    FactType::Money => Value::Money(v),
                    FactType::Date => Value::Date(days_to_date(v)),
                    FactType::Enum => Value::Opt(u32::try_from(v).unwrap_or(0)),
                    FactType::Set => Value::Set(v as u64),
                    FactType::Text => Value::Text(String::new()),
                };
                let mut b = a.clone();
                b.set(f, Some(val));
                verdicts.push(Env::new(&pack.model, &b, as_of).verdict());
            }
            prop_assert!(verdicts.windows(2).any(|w| w[0] != w[1]) || verdicts.iter().any(|v| *v != Env::new(&pack.model, &a, as_of).verdict()),
                "next question {} cannot change the verdict", fact.name);
        }
    }
}

fn arb_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(|i| serde_json::json!(i)),
        any::<f64>().prop_map(|f| serde_json::json!(f)),
        ".{0,12}".prop_map(serde_json::Value::String),
        prop_oneof![
            Just("collects_pi"),
            Just("pi_items"),
            Just("tools"),
            Just("gift_value"),
            Just("name"),
            Just("video"),
            Just("direct"),
            Just("2026-02-30"),
            Just("12.345"),
            Just("$1,000.00")
        ]
        .prop_map(|s| serde_json::Value::String(s.to_string())),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("collects_pi".to_string()),
                    Just("pi_items".to_string()),
                    Just("tools".to_string()),
                    Just("gift_value".to_string()),
                    Just("name".to_string()),
                    Just("stores_in".to_string()),
                    Just("participants".to_string()),
                    Just("last_admin_use".to_string()),
                    ".{0,8}".prop_map(|s| s)
                ],
                inner,
                0..6
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, .. ProptestConfig::default() })]

    #[test]
    fn validation_never_panics(v in arb_json()) {
        let pack = example_cached();
        match passerelle_check::answers::from_json(&pack.model, &v) {
            Ok(a) => {
                // Valid answers evaluate without panicking.
                let _ = passerelle::evaluate(pack, &a, jiff::civil::Date::constant(2026, 1, 1), passerelle_diag::Lang::Fr, passerelle::EvalOptions::default());
            }
            Err(errs) => {
                prop_assert!(!errs.is_empty());
                for e in errs {
                    prop_assert!(e.pointer.is_empty() || e.pointer.starts_with('/'));
                }
            }
        }
    }
}

/// The benchmark's pack (50 obligations over 30 facts) decides complete answers with the
/// rule planes, so the property above covers them.
#[test]
fn the_benchmark_pack_uses_the_rule_planes() {
    let pack = generated(53, 30, 7);
    let d = format!("{:?}", pack.prepared);
    assert!(d.contains("complete_answers: \"planes\""), "{d}");
}

fn example_cached() -> &'static Pack {
    static P: std::sync::OnceLock<Pack> = std::sync::OnceLock::new();
    P.get_or_init(example)
}

#[test]
fn kleene_laws_hold_exhaustively() {
    let all = [Tri::False, Tri::Unknown, Tri::True];
    for a in all {
        assert_eq!(a.not().not(), a);
        for b in all {
            assert_eq!(a.and(b), b.and(a));
            assert_eq!(a.or(b), b.or(a));
            assert_eq!(a.and(b).not(), a.not().or(b.not()));
            assert_eq!(a.or(b).not(), a.not().and(b.not()));
            assert_eq!(a.and(a.or(b)), a);
            assert_eq!(a.or(a.and(b)), a);
            for c in all {
                assert_eq!(a.and(b.or(c)), a.and(b).or(a.and(c)));
                assert_eq!(a.or(b.and(c)), a.or(b).and(a.or(c)));
                assert_eq!(a.and(b).and(c), a.and(b.and(c)));
            }
        }
    }
    // Unknown is not excluded-middle: `a or not a` is unknown for unknown a.
    assert_eq!(Tri::Unknown.or(Tri::Unknown.not()), Tri::Unknown);
}
