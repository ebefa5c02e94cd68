//! The native baseline cannot drift from the workload, and every peer agrees with
//! Passerelle on a sample of cases (the benchmark itself checks all cases before timing).

use passerelle_bench::nativegen;
use passerelle_bench::peers::{self, Peer};
use passerelle_bench::workload::{self, ENGINE_FACTS, ENGINE_RULES, RuleSet};
use passerelle_eval::Case;

fn rule_set() -> RuleSet {
    match RuleSet::new(ENGINE_RULES, ENGINE_FACTS) {
        Ok(rs) => rs,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn native_gen_is_up_to_date() {
    let rs = rule_set();
    let fresh = nativegen::source(&rs);
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/native_gen.rs");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        fresh == committed,
        "src/native_gen.rs is stale: run `cargo run --release -- gen-native` in bench/"
    );
}

fn check_peer<P: Peer>(rs: &RuleSet, rows: &[Vec<i64>], expected: &[u64], mut p: P) {
    for (i, r) in rows.iter().enumerate() {
        let j = workload::peer_json(&rs.facts, r);
        let x = p.input(rs, r, &j).expect("input");
        assert_eq!(p.eval(&x).expect("eval"), expected[i], "case {i}");
        assert_eq!(
            p.e2e(rs, &j.to_string()).expect("e2e"),
            expected[i],
            "case {i} from JSON"
        );
    }
}

#[test]
fn every_engine_agrees_with_passerelle() {
    let rs = rule_set();
    let answers = rs.answers(300, 0.0);
    let rows: Vec<Vec<i64>> = answers.iter().map(workload::row).collect();
    let cases: Vec<Case> = answers
        .iter()
        .map(|a| Case::from_answers(rs.program(), rs.model(), a))
        .collect();
    let expected = rs.passerelle_masks(&cases);
    assert!(expected.iter().any(|m| *m != 0));
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(rs.formula_mask(r), expected[i], "formulas, case {i}");
        let f = passerelle_bench::native_gen::from_row(r);
        assert_eq!(
            passerelle_bench::native_gen::obligations_bf(&f),
            expected[i]
        );
        assert_eq!(
            passerelle_bench::native_gen::obligations_if(&f),
            expected[i]
        );
    }
    let rego = peers::rego::module(&rs);
    check_peer(
        &rs,
        &rows,
        &expected,
        peers::rego::Interp::load(&rs, &rego).expect("regorus"),
    );
    check_peer(
        &rs,
        &rows,
        &expected,
        peers::rego::Rvm::load(&rs, &rego).expect("rvm"),
    );
    check_peer(
        &rs,
        &rows,
        &expected,
        peers::zen::Iso::load(&rs).expect("zen"),
    );
    for kind in [peers::zen::GraphKind::Expr, peers::zen::GraphKind::Table] {
        let src = peers::zen::Graph::source(&rs, kind);
        check_peer(
            &rs,
            &rows,
            &expected,
            peers::zen::Graph::load(&rs, kind, &src).expect("jdm"),
        );
    }
    check_peer(
        &rs,
        &rows,
        &expected,
        peers::cel::Cel::load(&rs).expect("cel"),
    );
    let cedar = peers::cedar::policies(&rs);
    check_peer(
        &rs,
        &rows,
        &expected,
        peers::cedar::Cedar::load(&rs, &cedar).expect("cedar"),
    );
}
