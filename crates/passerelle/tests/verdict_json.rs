//! The verdict's JSON written directly (`verdict_json`) equals the serde path
//! (`serde_json::to_vec(&evaluate(…))`), the reference: on every scenario of every pack in
//! `packs/` and on generated partial answers (groups and awkward texts included), in both
//! languages, with and without explanations.

#![allow(clippy::panic, reason = "tests fail by panicking")]

use passerelle::generate::{answers, group_items};
use passerelle::verdict_json::evaluate_json;
use passerelle::{EvalOptions, Pack, evaluate};
use passerelle_check::model::{Answers, FactType, Model, Value};
use passerelle_diag::Lang;
use proptest::prelude::*;
use std::path::PathBuf;
use std::sync::OnceLock;

fn packs() -> &'static [(String, Pack)] {
    static PACKS: OnceLock<Vec<(String, Pack)>> = OnceLock::new();
    PACKS.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../packs");
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
            .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        dirs.retain(|d| d.join("pack.toml").is_file());
        dirs.sort();
        assert!(dirs.len() >= 4, "packs not found under {}", root.display());
        dirs.into_iter()
            .map(|d| match Pack::load(std::slice::from_ref(&d)) {
                Ok(p) => (d.display().to_string(), p),
                Err(e) => panic!("{} does not check: {e}", d.display()),
            })
            .collect()
    })
}

/// Compares both paths for one set of answers in every language and explain option.
fn same(pack: &Pack, a: &Answers, as_of: jiff::civil::Date, what: &str) {
    for lang in [Lang::En, Lang::Fr] {
        for explain in [true, false] {
            let opts = EvalOptions { explain };
            let reference = serde_json::to_vec(&evaluate(pack, a, as_of, lang, opts))
                .unwrap_or_else(|e| panic!("{what}: serde failed: {e}"));
            let fast = evaluate_json(pack, a, as_of, lang, opts);
            let rv: serde_json::Value = serde_json::from_slice(&reference)
                .unwrap_or_else(|e| panic!("{what}: reference JSON: {e}"));
            let fv: serde_json::Value = serde_json::from_slice(&fast).unwrap_or_else(|e| {
                panic!(
                    "{what} {lang:?} explain={explain}: the fast JSON does not parse: {e}\n{}",
                    String::from_utf8_lossy(&fast)
                )
            });
            if rv != fv {
                let (r, f) = (rv.to_string(), fv.to_string());
                let at = r
                    .bytes()
                    .zip(f.bytes())
                    .position(|(x, y)| x != y)
                    .unwrap_or(r.len().min(f.len()));
                let from = at.saturating_sub(300);
                panic!(
                    "{what} {lang:?} explain={explain}: values differ at byte {at}\n\
                     reference: …{}\nfast:      …{}",
                    r.get(from..(at + 300).min(r.len())).unwrap_or(""),
                    f.get(from..(at + 300).min(f.len())).unwrap_or(""),
                );
            }
            // Same layout and escaping too: byte for byte.
            assert!(
                reference == fast,
                "{what} {lang:?} explain={explain}: same value, different bytes"
            );
        }
    }
}

#[test]
fn every_scenario_of_every_pack() {
    let mut n = 0;
    for (name, pack) in packs() {
        same(
            pack,
            &Answers::empty(&pack.model),
            jiff::civil::date(2026, 1, 1),
            &format!("{name}: no answers"),
        );
        for s in &pack.model.scenarios {
            let as_of = s.as_of.unwrap_or(jiff::civil::date(2026, 6, 1));
            same(pack, &s.given, as_of, &format!("{name}: scenario {}", s.id));
            n += 1;
        }
    }
    assert!(n > 10, "only {n} scenarios found");
}

#[test]
fn the_load_test_answers() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let body = std::fs::read(root.join("web/load/research-answers.json"))
        .unwrap_or_else(|e| panic!("research answers: {e}"));
    let v: serde_json::Value =
        serde_json::from_slice(&body).unwrap_or_else(|e| panic!("research answers: {e}"));
    let Some((_, pack)) = packs().iter().find(|(n, _)| n.ends_with("gc-digital")) else {
        panic!("no gc-digital pack");
    };
    let a = passerelle_check::answers::from_json(&pack.model, &v)
        .unwrap_or_else(|e| panic!("research answers do not fit: {:?}", e.first()));
    for as_of in [
        jiff::civil::date(2019, 1, 1),
        jiff::civil::date(2026, 11, 29),
        jiff::civil::date(2031, 7, 1),
    ] {
        same(pack, &a, as_of, "research answers");
    }
}

/// Texts that need escaping, or are not ASCII.
const TEXTS: &[&str] = &[
    "Lookback",
    "tool \"quoted\" \\ back",
    "line\nbreak\ttab\r\u{8}\u{c}\u{1}\u{1f}",
    "Élément « français » — \u{a0}✓",
    "",
];

/// Partial answers for a model: some facts unanswered, some groups absent, empty or full.
fn partial(m: &Model, seed: u64, unknown: f64) -> Answers {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut a = answers(m, 1, seed, unknown)
        .pop()
        .unwrap_or_else(|| Answers::empty(m));
    for (i, f) in m.facts.iter().enumerate() {
        if f.ty == FactType::Text && a.facts[i].is_some() {
            a.facts[i] = Some(Value::Text(TEXTS[rng.usize(0..TEXTS.len())].to_string()));
        }
    }
    for (g, group) in m.groups.iter().enumerate() {
        if rng.f64() < unknown {
            continue;
        }
        let mut items = group_items(m, group, &mut rng, 4, 0.2);
        // Texts that need escaping in JSON.
        for v in items.iter_mut().flatten().flatten() {
            if let Value::Text(t) = v {
                *t = TEXTS[rng.usize(0..TEXTS.len())].to_string();
            }
        }
        a.groups[g] = Some(items);
    }
    a
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn generated_partial_answers(
        which in 0usize..16,
        seed in 0u64..1_000_000,
        unknown in 0.0f64..1.0,
        day in 17_000i64..22_000,
    ) {
        let all = packs();
        let (name, pack) = &all[which % all.len()];
        let a = partial(&pack.model, seed, unknown);
        same(pack, &a, passerelle_ir::days_to_date(day), &format!("{name}: seed {seed}"));
    }
}
