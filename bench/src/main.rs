//! `passerelle-bench`: the benchmark suite.
//!
//! ```text
//! passerelle-bench all [--cases N] [--reps R] [--no-pin]   every benchmark, one process each, one report
//! passerelle-bench check [--reps R]                        load + check + compile at 1k, 10k, 100k rules
//! passerelle-bench engine NAME [--cases N] [--reps R]      one engine on the 50-rule workload
//! passerelle-bench load10k [--reps R]                      10,000 rules: Passerelle vs Cedar load
//! passerelle-bench next [--reps R]                         next question, 30 % unknown, 300 and 10k rules
//! passerelle-bench vs-native [--cases N] [--reps R]         Passerelle and native-bf interleaved, ratio per rep
//! passerelle-bench gen-native                              rewrites src/native_gen.rs
//! ```
//!
//! Engines: passerelle, native, regorus, regorus-rvm, zen-isolate, zen-expr, zen-table, cel,
//! cedar. Each child prints human-readable lines and `RESULT {json}` lines that `all`
//! gathers into the final tables.

use passerelle::generate::{generate, to_loaded};
use passerelle_bench::native_gen;
use passerelle_bench::nativegen;
use passerelle_bench::peers::{self, Peer};
use passerelle_bench::timing::{self, Stat};
use passerelle_bench::workload::{self, RuleSet, as_of, gen_options};
use passerelle_check::model::Answers;
use passerelle_check::semantics::{Env, Status3};
use passerelle_eval::next::Asker;
use passerelle_eval::{Case, Evaluator, Status, explain};
use serde_json::{Value as J, json};
use std::process::{Command, ExitCode};
use std::time::Instant;

/// The allocator of the `passerelle` binary, so the figures are the product's; the peers
/// in this process use it too.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ENGINES: [&str; 9] = [
    "passerelle",
    "native",
    "zen-isolate",
    "cel",
    "zen-table",
    "regorus-rvm",
    "zen-expr",
    "cedar",
    "regorus",
];

struct Opts {
    cases: usize,
    reps: usize,
    pin: bool,
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut o = Opts {
        cases: 100_000,
        reps: 5,
        pin: true,
    };
    let mut pos = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut num = |what: &str| -> Result<usize, String> {
            it.next()
                .and_then(|x| x.replace('_', "").parse().ok())
                .ok_or_else(|| format!("{what} needs a number"))
        };
        match a.as_str() {
            "--cases" => o.cases = num("--cases")?,
            "--reps" => o.reps = num("--reps")?.max(1),
            "--no-pin" => o.pin = false,
            _ => pos.push(a.clone()),
        }
    }
    match pos.first().map(String::as_str) {
        Some("all") => all(&o),
        Some("check") => check(&o),
        Some("engine") => engine(pos.get(1).map(String::as_str).unwrap_or(""), &o),
        Some("load10k") => load10k(&o),
        Some("vs-native") => vs_native(&o),
        Some("next") => next(&o),
        Some("gen-native") => gen_native(),
        Some("profile") => profile(pos.get(1).map(String::as_str).unwrap_or(""), &o),
        _ => Err("usage: passerelle-bench all|check|engine NAME|load10k|next|gen-native [--cases N] [--reps R] [--no-pin]".to_string()),
    }
}

fn result(v: J) {
    println!("RESULT {v}");
}

fn ms(ns: f64) -> f64 {
    ns / 1e6
}

// ---------------------------------------------------------------------------------------
// check (issue 2)

fn check(o: &Opts) -> Result<(), String> {
    // One parsing thread (CPU time of this thread), then one per core (wall time).
    let opts = passerelle_check::Options {
        search_lints: true,
        threads: 1,
    };
    let quick = passerelle_check::Options {
        search_lints: false,
        threads: 1,
    };
    let par = passerelle_check::Options {
        search_lints: true,
        threads: 0,
    };
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    for (rules, facts) in [(1_000, 100), (10_000, 1_000), (100_000, 10_000)] {
        let files = generate(&gen_options(rules, facts));
        let bytes: usize = files.iter().map(|(_, c)| c.len()).sum();
        let full = |opts: &passerelle_check::Options| {
            let files = &files;
            let opts = *opts;
            move || {
                passerelle::Pack::from_loaded(to_loaded(files), &opts)
                    .map(|p| p.program.rules.len() as u64)
                    .unwrap_or(0)
            }
        };
        let (t_full, n) = timing::batch(o.reps, 1, true, full(&opts));
        if n == 0 {
            return Err(format!("{rules}-rule pack does not check"));
        }
        let (t_nosearch, _) = timing::batch(o.reps, 1, true, full(&quick));
        let (t_check, _) = timing::batch(o.reps, 1, true, || {
            let lp = to_loaded(&files);
            passerelle_check::check(&lp.map, &lp.inputs, &opts)
                .model
                .rules
                .len() as u64
        });
        let pack = workload::load(&files)?;
        let (t_compile, _) = timing::batch(o.reps, 1, true, || {
            passerelle_ir::compile(&pack.model).rules.len() as u64
        });
        let (p_check, _) = timing::batch_wall(o.reps, 1, || {
            let lp = to_loaded(&files);
            passerelle_check::check(&lp.map, &lp.inputs, &par)
                .model
                .rules
                .len() as u64
        });
        let (p_full, _) = timing::batch_wall(o.reps, 1, full(&par));
        println!(
            "check {rules:>7} rules / {facts:>6} facts ({:.1} MB of text): parse+check+compile {:>9.1} ms (min {:.1}), {:>9.0} rules/s; parse+check {:.1} ms; compile {:.1} ms; without search lints {:.1} ms",
            bytes as f64 / 1e6,
            ms(t_full.med),
            ms(t_full.min),
            rules as f64 / (t_full.med / 1e9),
            ms(t_check.med),
            ms(t_compile.med),
            ms(t_nosearch.med),
        );
        println!(
            "check {rules:>7} rules, parsing on {cores} threads (wall time): parse+check {:.1} ms (min {:.1}), {:.0} rules/s; parse+check+compile {:.1} ms (min {:.1})",
            ms(p_check.med),
            ms(p_check.min),
            rules as f64 / (p_check.med / 1e9),
            ms(p_full.med),
            ms(p_full.min),
        );
        result(json!({
            "kind": "check", "rules": rules, "facts": facts, "bytes": bytes, "cores": cores,
            "par_check_med": p_check.med, "par_check_min": p_check.min,
            "par_full_med": p_full.med, "par_full_min": p_full.min,
            "full_med": t_full.med, "full_min": t_full.min,
            "check_med": t_check.med, "check_min": t_check.min,
            "compile_med": t_compile.med, "compile_min": t_compile.min,
            "nosearch_med": t_nosearch.med, "nosearch_min": t_nosearch.min,
        }));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// engine (issue 3)

struct Work {
    rs: RuleSet,
    answers: Vec<Answers>,
    rows: Vec<Vec<i64>>,
    expected: Vec<u64>,
}

fn work(n: usize) -> Result<Work, String> {
    let rs = RuleSet::new(workload::ENGINE_RULES, workload::ENGINE_FACTS)?;
    if rs.obligations.len() > 64 {
        return Err("the engine workload must have at most 64 obligations".to_string());
    }
    let answers = rs.answers(n, 0.0);
    let rows: Vec<Vec<i64>> = answers.iter().map(workload::row).collect();
    let cases: Vec<Case> = answers
        .iter()
        .map(|a| Case::from_answers(rs.program(), rs.model(), a))
        .collect();
    let expected = rs.passerelle_masks(&cases);
    // The translation's own check: the formulas give Passerelle's obligations.
    let mut bad = 0;
    for (i, r) in rows.iter().enumerate() {
        let f = rs.formula_mask(r);
        if f != expected[i] {
            if bad < 5 {
                eprintln!(
                    "case {i}: formulas {:?}, passerelle {:?}",
                    rs.ids(f),
                    rs.ids(expected[i])
                );
            }
            bad += 1;
        }
    }
    if bad > 0 {
        return Err(format!(
            "{bad} cases where the formulas disagree with Passerelle"
        ));
    }
    let fired: u32 = expected.iter().map(|m| m.count_ones()).sum();
    println!(
        "workload: {} obligations ({} rules and exceptions), {} facts, {} cases, {:.2} obligations per case",
        rs.obligations.len(),
        rs.model().rules.len(),
        rs.facts.len(),
        n,
        f64::from(fired) / n.max(1) as f64
    );
    Ok(Work {
        rs,
        answers,
        rows,
        expected,
    })
}

fn report_mismatches(w: &Work, name: &str, got: &[(usize, u64)]) -> Result<(), String> {
    let bad: Vec<&(usize, u64)> = got.iter().filter(|(i, m)| *m != w.expected[*i]).collect();
    for (i, m) in bad.iter().take(10) {
        eprintln!(
            "{name}: case {i}: got {:?}, Passerelle {:?}",
            w.rs.ids(*m),
            w.rs.ids(w.expected[*i])
        );
    }
    if bad.is_empty() {
        println!(
            "{name}: obligations equal Passerelle's on all {} cases",
            got.len()
        );
        Ok(())
    } else {
        Err(format!("{name}: {} mismatching cases", bad.len()))
    }
}

fn engine_result(
    name: &str,
    mode: &str,
    cases: usize,
    eval: Stat,
    e2e: Option<Stat>,
    load_ns: Option<f64>,
) {
    println!(
        "{name:<14} {mode:<10} eval {:>10.1} ns/case (min {:.1}), {:>12.0} cases/s{}{}",
        eval.med,
        eval.min,
        1e9 / eval.med,
        e2e.map(|e| format!("; e2e {:.1} ns/case (min {:.1})", e.med, e.min))
            .unwrap_or_default(),
        load_ns
            .map(|l| format!("; load {:.3} ms", ms(l)))
            .unwrap_or_default()
    );
    result(json!({
        "kind": "engine", "name": name, "mode": mode, "cases": cases,
        "eval_med": eval.med, "eval_min": eval.min,
        "e2e_med": e2e.map(|e| e.med), "e2e_min": e2e.map(|e| e.min),
        "load_ns": load_ns,
    }));
}

fn load_time<T>(reps: usize, mut f: impl FnMut() -> Result<T, String>) -> Result<(f64, T), String> {
    let mut xs = Vec::new();
    let mut last = None;
    for _ in 0..reps.max(1) {
        let (ns, x) = timing::once(&mut f);
        xs.push(ns);
        last = Some(x?);
    }
    let x = last.ok_or("no load")?;
    Ok((Stat::of(xs).med, x))
}

fn engine(name: &str, o: &Opts) -> Result<(), String> {
    let w = work(o.cases)?;
    match name {
        "passerelle" => engine_passerelle(&w, o),
        "native" => engine_native(&w, o),
        "regorus" => {
            let src = peers::rego::module(&w.rs);
            run_peer(&w, o, "regorus", || peers::rego::Interp::load(&w.rs, &src))
        }
        "regorus-rvm" => {
            let src = peers::rego::module(&w.rs);
            run_peer(&w, o, "regorus-rvm", || peers::rego::Rvm::load(&w.rs, &src))
        }
        "zen-isolate" => run_peer(&w, o, "zen-isolate", || peers::zen::Iso::load(&w.rs)),
        "zen-expr" | "zen-table" => {
            let kind = if name == "zen-expr" {
                peers::zen::GraphKind::Expr
            } else {
                peers::zen::GraphKind::Table
            };
            let src = peers::zen::Graph::source(&w.rs, kind);
            run_peer(&w, o, name, || peers::zen::Graph::load(&w.rs, kind, &src))
        }
        "cel" => run_peer(&w, o, "cel", || peers::cel::Cel::load(&w.rs)),
        "cedar" => {
            let src = peers::cedar::policies(&w.rs);
            run_peer(&w, o, "cedar", || peers::cedar::Cedar::load(&w.rs, &src))
        }
        _ => Err(format!(
            "unknown engine `{name}`; one of {}",
            ENGINES.join(", ")
        )),
    }
}

fn engine_passerelle(w: &Work, o: &Opts) -> Result<(), String> {
    let rs = &w.rs;
    let (m, p) = (rs.model(), rs.program());
    let d = as_of();
    let n = w.answers.len();
    let (load_ns, _) = load_time(o.reps, || workload::load(&rs.files))?;
    // Reference semantics, on every case.
    let date = passerelle_ir::days_to_date(d);
    let mut bad = 0usize;
    for (i, a) in w.answers.iter().enumerate() {
        let v = Env::new(m, a, date).verdict();
        let mut mask = 0u64;
        for (k, ob) in rs.obligations.iter().enumerate() {
            if v.rules[ob.rule].first() == Some(&Status3::Applies) {
                mask |= 1u64 << k;
            }
        }
        if mask != w.expected[i] {
            bad += 1;
        }
    }
    if bad > 0 {
        return Err(format!(
            "passerelle: {bad} cases differ from the reference semantics"
        ));
    }
    println!("passerelle: engine equals the reference semantics on all {n} cases");
    let cases: Vec<Case> = w
        .answers
        .iter()
        .map(|a| Case::from_answers(p, m, a))
        .collect();
    let mut ev = Evaluator::new(p);
    let (eval, _) = timing::batch(o.reps, n, true, || {
        let mut s = 0u64;
        for c in &cases {
            s = s.wrapping_add(rs.mask_of(&ev.run(c, d).status));
        }
        s
    });
    // With an explanation of every applying obligation.
    let obl: Vec<usize> = rs.obligations.iter().map(|x| x.ci).collect();
    let mut buf = Vec::with_capacity(256);
    let mut nodes = 0u64;
    let (with_explain, _) = timing::batch(o.reps, n, true, || {
        let mut s = 0u64;
        for c in &cases {
            let out = ev.run(c, d);
            buf.clear();
            let mut mask = 0u64;
            for (k, &ci) in obl.iter().enumerate() {
                let r = &p.rules[ci];
                if out.status[ci] == Status::Applies && r.obligation && r.verified {
                    mask |= 1u64 << k;
                    explain::rule(p, out, ci, &mut buf);
                }
            }
            s = s.wrapping_add(mask ^ buf.len() as u64);
        }
        nodes = s;
        s
    });
    let _ = nodes;
    // From Passerelle's JSON (the API form) to the obligations.
    let texts: Vec<String> = w
        .answers
        .iter()
        .map(|a| workload::passerelle_json(m, a))
        .collect();
    let mut got = Vec::with_capacity(n);
    for (i, t) in texts.iter().enumerate() {
        got.push((i, e2e_passerelle(rs, &mut ev, t)?));
    }
    report_mismatches(w, "passerelle e2e", &got)?;
    let (e2e, _) = timing::batch(o.reps, n, false, || {
        let mut s = 0u64;
        for t in &texts {
            s = s.wrapping_add(e2e_passerelle(rs, &mut ev, t).unwrap_or(u64::MAX));
        }
        s
    });
    // Answers (typed) to the engine's layout alone.
    let (conv, _) = timing::batch(o.reps, n, true, || {
        let mut s = 0u64;
        for a in &w.answers {
            s = s.wrapping_add(Case::from_answers(p, m, a).vals.len() as u64);
        }
        s
    });
    let text_bytes: usize = texts.iter().map(String::len).sum::<usize>() / n.max(1);
    println!(
        "passerelle: Answers → Case {:.1} ns/case; JSON {} bytes/case",
        conv.med, text_bytes
    );
    engine_result("passerelle", "verdict", n, eval, Some(e2e), Some(load_ns));
    engine_result("passerelle", "explain", n, with_explain, None, None);
    Ok(())
}

fn e2e_passerelle(rs: &RuleSet, ev: &mut Evaluator<'_>, text: &str) -> Result<u64, String> {
    let j: J = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let a = passerelle_check::answers::from_json(rs.model(), &j)
        .map_err(|e| format!("invalid answers: {e:?}"))?;
    let c = Case::from_answers(rs.program(), rs.model(), &a);
    Ok(rs.mask_of(&ev.run(&c, as_of()).status))
}

/// Passerelle (verdict, and with explanations) and the branch-free native baseline timed
/// in turns in one process, `reps` rounds (at least nine) of the three: the machine's drift then moves
/// both sides of each ratio alike. The ratio is the median of the rounds' ratios.
fn vs_native(o: &Opts) -> Result<(), String> {
    let w = work(o.cases)?;
    let rs = &w.rs;
    let (m, p) = (rs.model(), rs.program());
    let d = as_of();
    let n = w.answers.len();
    let facts: Vec<native_gen::Facts> = w.rows.iter().map(|r| native_gen::from_row(r)).collect();
    let cases: Vec<Case> = w
        .answers
        .iter()
        .map(|a| Case::from_answers(p, m, a))
        .collect();
    let mut ev = Evaluator::new(p);
    // Both sides give the same obligations on every case.
    for (i, (f, c)) in facts.iter().zip(&cases).enumerate() {
        let (a, b) = (
            native_gen::obligations_bf(f),
            rs.mask_of(&ev.run(c, d).status),
        );
        if a != b || a != w.expected[i] {
            return Err(format!("case {i}: native {a:#x}, Passerelle {b:#x}"));
        }
    }
    let obl = &rs.obligation_ci;
    let mut buf = Vec::with_capacity(256);
    let (mut nat, mut ver, mut exp) = (Vec::new(), Vec::new(), Vec::new());
    let mut sink = 0u64;
    // At least nine rounds: one ratio per round.
    let rounds = o.reps.max(9);
    for r in 0..=rounds {
        let (tn, s1) = timing::once(|| {
            facts.iter().fold(0u64, |s, f| {
                s.wrapping_add(native_gen::obligations_bf(std::hint::black_box(f)))
            })
        });
        let (tv, s2) = timing::once(|| {
            let mut s = 0u64;
            for c in &cases {
                s = s.wrapping_add(rs.mask_of(&ev.run(c, d).status));
            }
            s
        });
        let (te, s3) = timing::once(|| {
            let mut s = 0u64;
            for c in &cases {
                let out = ev.run(c, d);
                buf.clear();
                let mut mask = 0u64;
                for (k, &ci) in obl.iter().enumerate() {
                    if out.status[ci] == Status::Applies {
                        mask |= 1u64 << k;
                        explain::rule(p, out, ci, &mut buf);
                    }
                }
                s = s.wrapping_add(mask ^ buf.len() as u64);
            }
            s
        });
        sink = sink.wrapping_add(std::hint::black_box(s1 ^ s2 ^ s3));
        // Round 0 warms up.
        if r > 0 {
            let per = n.max(1) as f64;
            nat.push(tn / per);
            ver.push(tv / per);
            exp.push(te / per);
        }
    }
    let ratio = |xs: &[f64]| Stat::of(xs.iter().zip(&nat).map(|(x, b)| x / b).collect());
    let (rv, re) = (ratio(&ver), ratio(&exp));
    let (sn, sv, se) = (
        Stat::of(nat.clone()),
        Stat::of(ver.clone()),
        Stat::of(exp.clone()),
    );
    println!(
        "interleaved, {} rounds of {n} cases (checksum {:x}): native-bf {:.1} ns, Passerelle {:.1} ns (× {:.2}, rounds {:.2}–{:.2}), with explanations {:.1} ns (× {:.2})",
        rounds,
        sink & 0xff,
        sn.med,
        sv.med,
        rv.med,
        rv.min,
        ver.iter().zip(&nat).map(|(x, b)| x / b).fold(0.0, f64::max),
        se.med,
        re.med
    );
    result(json!({
        "kind": "vs_native", "cases": n, "rounds": rounds,
        "native_med": sn.med, "native_min": sn.min,
        "verdict_med": sv.med, "verdict_min": sv.min,
        "explain_med": se.med, "explain_min": se.min,
        "ratio_med": rv.med, "ratio_min": rv.min,
        "explain_ratio_med": re.med, "explain_ratio_min": re.min,
    }));
    Ok(())
}

fn engine_native(w: &Work, o: &Opts) -> Result<(), String> {
    let n = w.rows.len();
    if native_gen::OBLIGATIONS.len() != w.rs.obligations.len()
        || native_gen::OBLIGATIONS
            .iter()
            .zip(&w.rs.obligations)
            .any(|(a, b)| *a != b.id)
    {
        return Err("src/native_gen.rs is stale: run `passerelle-bench gen-native`".to_string());
    }
    let facts: Vec<native_gen::Facts> = w.rows.iter().map(|r| native_gen::from_row(r)).collect();
    let texts: Vec<String> = w
        .rows
        .iter()
        .map(|r| workload::peer_json(&w.rs.facts, r).to_string())
        .collect();
    let bf: Vec<(usize, u64)> = facts
        .iter()
        .enumerate()
        .map(|(i, f)| (i, native_gen::obligations_bf(f)))
        .collect();
    report_mismatches(w, "native-bf", &bf)?;
    let chain: Vec<(usize, u64)> = facts
        .iter()
        .enumerate()
        .map(|(i, f)| (i, native_gen::obligations_if(f)))
        .collect();
    report_mismatches(w, "native-if", &chain)?;
    let mut e = Vec::with_capacity(n);
    for (i, t) in texts.iter().enumerate() {
        let j: J = serde_json::from_str(t).map_err(|e| e.to_string())?;
        let f = native_gen::from_json(&j).ok_or("native: invalid JSON case")?;
        e.push((i, native_gen::obligations_bf(&f)));
    }
    report_mismatches(w, "native e2e", &e)?;
    let (t_bf, _) = timing::batch(o.reps, n, true, || {
        facts.iter().fold(0u64, |s, f| {
            s.wrapping_add(native_gen::obligations_bf(std::hint::black_box(f)))
        })
    });
    let (t_if, _) = timing::batch(o.reps, n, true, || {
        facts.iter().fold(0u64, |s, f| {
            s.wrapping_add(native_gen::obligations_if(std::hint::black_box(f)))
        })
    });
    let (t_e2e, _) = timing::batch(o.reps, n, true, || {
        let mut s = 0u64;
        for t in &texts {
            let m = serde_json::from_str::<J>(t)
                .ok()
                .as_ref()
                .and_then(native_gen::from_json)
                .map(|f| native_gen::obligations_bf(&f))
                .unwrap_or(u64::MAX);
            s = s.wrapping_add(m);
        }
        s
    });
    engine_result("native-bf", "verdict", n, t_bf, Some(t_e2e), None);
    engine_result("native-if", "verdict", n, t_if, None, None);
    Ok(())
}

fn run_peer<P: Peer>(
    w: &Work,
    o: &Opts,
    name: &str,
    mut load: impl FnMut() -> Result<P, String>,
) -> Result<(), String> {
    let rs = &w.rs;
    let n = w.rows.len();
    let (load_ns, mut peer) = load_time(o.reps, &mut load)?;
    // Verification pass (also the warm-up): every case.
    let mut got = Vec::with_capacity(n);
    for (i, r) in w.rows.iter().enumerate() {
        let j = workload::peer_json(&rs.facts, r);
        let x = peer.input(rs, r, &j)?;
        got.push((i, peer.eval(&x)?));
    }
    report_mismatches(w, name, &got)?;
    // eval: building each input, with and without evaluating it; the difference is the
    // evaluation alone (inputs built just before use, as a fresh value each time).
    let (conv, _) = timing::batch(o.reps, n, false, || {
        let mut s = 0u64;
        for r in &w.rows {
            let j = workload::peer_json(&rs.facts, r);
            if let Ok(x) = peer.input(rs, r, &j) {
                std::hint::black_box(&x);
                s += 1;
            }
        }
        s
    });
    let peer_cell = std::cell::RefCell::new(&mut peer);
    let build_only = || {
        let mut s = 0u64;
        for r in &w.rows {
            let j = workload::peer_json(&rs.facts, r);
            if let Ok(x) = peer_cell.borrow().input(rs, r, &j) {
                std::hint::black_box(&x);
                s += 1;
            }
        }
        s
    };
    let build_and_eval = || {
        let mut s = 0u64;
        for r in &w.rows {
            let j = workload::peer_json(&rs.facts, r);
            let mut p = peer_cell.borrow_mut();
            if let Ok(x) = p.input(rs, r, &j) {
                s = s.wrapping_add(p.eval(&x).unwrap_or(u64::MAX));
            }
        }
        s
    };
    let (eval, _) = timing::difference(o.reps, n, false, build_only, build_and_eval);
    // e2e: from the JSON text, verified on every case first (also the warm-up).
    let texts: Vec<String> = w
        .rows
        .iter()
        .map(|r| workload::peer_json(&rs.facts, r).to_string())
        .collect();
    let mut got = Vec::with_capacity(n);
    for (i, t) in texts.iter().enumerate() {
        got.push((i, peer.e2e(rs, t)?));
    }
    report_mismatches(w, &format!("{name} e2e"), &got)?;
    let (e2e, _) = timing::batch(o.reps, n, false, || {
        let mut s = 0u64;
        for t in &texts {
            s = s.wrapping_add(peer.e2e(rs, t).unwrap_or(u64::MAX));
        }
        s
    });
    println!(
        "{name}: building the input (peers' JSON value → engine input) {:.1} ns/case",
        conv.med
    );
    engine_result(name, "verdict", n, eval, Some(e2e), Some(load_ns));
    Ok(())
}

// ---------------------------------------------------------------------------------------
// load and compile at 10,000 rules

fn load10k(o: &Opts) -> Result<(), String> {
    let rs = RuleSet::new(10_000, 1_000)?;
    let (pass, _) = timing::batch(o.reps, 1, true, || {
        workload::load(&rs.files)
            .map(|p| p.program.rules.len() as u64)
            .unwrap_or(0)
    });
    let (pass_par, _) = timing::batch_wall(o.reps, 1, || {
        workload::load_with(&rs.files, 0)
            .map(|p| p.program.rules.len() as u64)
            .unwrap_or(0)
    });
    let src = peers::cedar::policies(&rs);
    let (cedar, _) = timing::batch(o.reps, 1, true, || {
        peers::cedar::parse(&src)
            .map(|p| p.policies().count() as u64)
            .unwrap_or(0)
    });
    let n = peers::cedar::parse(&src)?.policies().count();
    if n != rs.obligations.len() {
        return Err(format!("cedar parsed {n} policies"));
    }
    // Per-case latency at 10k rules (Passerelle; Cedar on fewer cases).
    let answers = rs.answers(2_000, 0.0);
    let p = rs.program();
    let cases: Vec<Case> = answers
        .iter()
        .map(|a| Case::from_answers(p, rs.model(), a))
        .collect();
    let mut ev = Evaluator::new(p);
    let d = as_of();
    let count = |st: &[Status]| {
        rs.obligations
            .iter()
            .filter(|x| st[x.ci] == Status::Applies)
            .count() as u64
    };
    let (per_case, _) = timing::batch(o.reps, cases.len(), true, || {
        cases
            .iter()
            .fold(0u64, |s, c| s.wrapping_add(count(&ev.run(c, d).status)))
    });
    let cedar_peer = peers::cedar::Cedar::load(&rs, &src)?;
    let few = 50usize;
    let mut cedar_ns = Vec::new();
    for _ in 0..3 {
        let mut ns = 0.0;
        for (i, a) in answers.iter().take(few).enumerate() {
            let r = workload::row(a);
            let x = cedar_peer.input(&rs, &r, &J::Null)?;
            let t = Instant::now();
            let resp = cedar_peer.eval_count(&x);
            ns += t.elapsed().as_nanos() as f64;
            let ours = count(&ev.run(&cases[i], d).status);
            if resp != ours {
                return Err(format!(
                    "10k rules, case {i}: Cedar {resp} obligations, Passerelle {ours}"
                ));
            }
        }
        cedar_ns.push(ns / few as f64);
    }
    let cedar_case = Stat::of(cedar_ns);
    println!(
        "10,000 rules / 1,000 facts: Passerelle text → model → program {:.1} ms (min {:.1}); Cedar PolicySet::from_str {:.1} ms (min {:.1}); ratio {:.1}×",
        ms(pass.med),
        ms(pass.min),
        ms(cedar.med),
        ms(cedar.min),
        cedar.med / pass.med
    );
    println!(
        "10,000 rules, parsing on every core (wall time): Passerelle {:.1} ms (min {:.1}); ratio to Cedar (one thread) {:.1}×",
        ms(pass_par.med),
        ms(pass_par.min),
        cedar.med / pass_par.med
    );
    println!(
        "10,000 rules, one case: Passerelle {:.1} µs ({:.2} ns per rule), Cedar {:.1} µs ({} cases, same obligation counts)",
        per_case.med / 1e3,
        per_case.med / 10_000.0,
        cedar_case.med / 1e3,
        few
    );
    result(json!({
        "kind": "load10k", "pass_med": pass.med, "pass_min": pass.min,
        "pass_par_med": pass_par.med, "pass_par_min": pass_par.min,
        "cedar_med": cedar.med, "cedar_min": cedar.min,
        "case_med": per_case.med, "case_min": per_case.min,
        "cedar_case_med": cedar_case.med, "cedar_case_min": cedar_case.min,
    }));
    Ok(())
}

// ---------------------------------------------------------------------------------------
// next question

fn next(o: &Opts) -> Result<(), String> {
    for (rules, facts, n) in [(300, 30, 10_000), (10_000, 1_000, 300)] {
        let files = generate(&gen_options(rules, facts));
        let pack = workload::load(&files)?;
        let (m, p) = (&pack.model, &pack.program);
        let answers = passerelle::generate::answers(m, n, workload::ANSWER_SEED, 0.3);
        let cases: Vec<Case> = answers
            .iter()
            .map(|a| Case::from_answers(p, m, a))
            .collect();
        let d = as_of();
        let mut ev = pack.evaluator();
        let mut asker = Asker::prepared(p, &pack.prepared);
        let (run, _) = timing::batch(o.reps, n, true, || {
            let mut s = 0u64;
            for c in &cases {
                s = s.wrapping_add(
                    ev.run(c, d)
                        .status
                        .iter()
                        .filter(|x| **x == Status::Undetermined)
                        .count() as u64,
                );
            }
            s
        });
        let mut asked = 0u64;
        let (step, _) = timing::batch(o.reps, n, true, || {
            let mut s = 0u64;
            for c in &cases {
                let out = ev.run(c, d);
                if asker.next(c, out).is_some() {
                    s += 1;
                }
            }
            asked = s;
            s
        });
        let open: usize = cases
            .iter()
            .map(|c| {
                ev.run(c, d)
                    .status
                    .iter()
                    .filter(|x| **x == Status::Undetermined)
                    .count()
            })
            .sum();
        println!(
            "next question, {rules} rules / {facts} facts, 30 % unknown ({n} cases, {:.1} undetermined rules per case, a question in {asked} cases): step (evaluate + choose) {:.2} µs (min {:.2}); evaluate {:.2} µs; choose {:.2} µs",
            open as f64 / n as f64,
            step.med / 1e3,
            step.min / 1e3,
            run.med / 1e3,
            (step.med - run.med) / 1e3
        );
        result(json!({
            "kind": "next", "rules": rules, "facts": facts, "cases": n,
            "step_med": step.med, "step_min": step.min, "run_med": run.med, "run_min": run.min,
            "asked": asked,
        }));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// profile: one loop, for a profiler (`--reps` passes over `--cases` cases)

fn profile(what: &str, o: &Opts) -> Result<(), String> {
    let d = as_of();
    if what == "load10k" || what == "load10k-cores" {
        // Text → model → program of the 10,000-rule pack, `--reps` times (parsing on one
        // thread, or on every core).
        let threads = if what == "load10k" { 1 } else { 0 };
        let files = generate(&gen_options(10_000, 1_000));
        let t = std::time::Instant::now();
        let mut n = 0;
        for _ in 0..o.reps {
            n += workload::load_with(&files, threads)?.program.rules.len();
        }
        println!(
            "{what}: {:.1} ms per load, wall time ({n})",
            t.elapsed().as_nanos() as f64 / o.reps as f64 / 1e6
        );
        return Ok(());
    }
    let (rules, facts, unknown) = match what {
        "eval" | "explain" | "e2e" => (workload::ENGINE_RULES, workload::ENGINE_FACTS, 0.0),
        "next300" => (300, 30, 0.3),
        "next10k" => (10_000, 1_000, 0.3),
        _ => {
            return Err(
                "profile eval|explain|e2e|next300|next10k|load10k|load10k-cores".to_string(),
            );
        }
    };
    let pack = workload::load(&generate(&gen_options(rules, facts)))?;
    let (m, p) = (&pack.model, &pack.program);
    let (mut dnf, mut conjs, mut lits, mut tapes) = (0, 0, 0, 0);
    for r in &p.rules {
        match &r.cond {
            passerelle_ir::Cond::Dnf { conjs: c, lits: l } => {
                dnf += 1;
                conjs += c.len();
                lits += l.len();
            }
            passerelle_ir::Cond::Tape(_) => tapes += 1,
            _ => {}
        }
    }
    eprintln!(
        "program: {} rules ({dnf} in normal form: {conjs} conjunctions, {lits} word masks; {tapes} stack programs), {} atoms in {} words, {} tables, {} complex atoms",
        p.rules.len(),
        p.n_atoms,
        p.n_words,
        p.tables.len(),
        p.complex.len()
    );
    eprintln!(
        "reach: {} rule entries over {} slots with an entry; {} atoms entries",
        p.reach.rules.len(),
        p.reach.slots.iter().filter(|x| x.is_some()).count(),
        p.reach.atoms.len()
    );
    let answers = passerelle::generate::answers(m, o.cases, workload::ANSWER_SEED, unknown);
    let cases: Vec<Case> = answers
        .iter()
        .map(|a| Case::from_answers(p, m, a))
        .collect();
    let texts: Vec<String> = answers
        .iter()
        .map(|a| workload::passerelle_json(m, a))
        .collect();
    let mut ev = pack.evaluator();
    let mut asker = Asker::prepared(p, &pack.prepared);
    let mut buf = Vec::new();
    let t = timing::now();
    let mut s = 0u64;
    for _ in 0..o.reps {
        for (c, text) in cases.iter().zip(&texts) {
            match what {
                "eval" => s += ev.run(c, d).status.len() as u64,
                "explain" => {
                    let out = ev.run(c, d);
                    buf.clear();
                    for ci in 0..p.rules.len() {
                        if out.status[ci] == Status::Applies && p.rules[ci].obligation {
                            explain::rule(p, out, ci, &mut buf);
                        }
                    }
                    s += buf.len() as u64;
                }
                "e2e" => {
                    let j: J = serde_json::from_str(text).map_err(|e| e.to_string())?;
                    let a = passerelle_check::answers::from_json(m, &j)
                        .map_err(|e| format!("{e:?}"))?;
                    let c = Case::from_answers(p, m, &a);
                    s += ev.run(&c, d).status.len() as u64;
                }
                _ => {
                    let out = ev.run(c, d);
                    s += u64::from(asker.next(c, out).is_some());
                }
            }
        }
    }
    println!(
        "{what}: {:.1} ns per case ({s})",
        timing::since(t) / (o.reps * o.cases) as f64
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------
// native generator

fn native_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/native_gen.rs")
}

fn gen_native() -> Result<(), String> {
    let rs = RuleSet::new(workload::ENGINE_RULES, workload::ENGINE_FACTS)?;
    let src = nativegen::source(&rs);
    let path = native_path();
    std::fs::write(&path, src).map_err(|e| format!("{}: {e}", path.display()))?;
    println!("wrote {}", path.display());
    Ok(())
}

// ---------------------------------------------------------------------------------------
// all: one process per benchmark, pinned, then the tables

fn child(exe: &std::path::Path, args: &[&str], o: &Opts) -> Result<Vec<J>, String> {
    let mut cmd = if o.pin {
        let mut c = Command::new("taskset");
        c.arg("-c").arg("1").arg(exe);
        c
    } else {
        Command::new(exe)
    };
    cmd.args(args)
        .arg("--reps")
        .arg(o.reps.to_string())
        .arg("--cases")
        .arg(o.cases.to_string());
    eprintln!("# {}", args.join(" "));
    let out = cmd
        .output()
        .map_err(|e| format!("{}: {e}", args.join(" ")))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut results = Vec::new();
    for line in stdout.lines() {
        if let Some(r) = line.strip_prefix("RESULT ") {
            results.push(serde_json::from_str(r).map_err(|e| e.to_string())?);
        } else {
            eprintln!("  {line}");
        }
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    for line in stderr.lines() {
        eprintln!("  ! {line}");
    }
    if out.status.success() {
        Ok(results)
    } else {
        Err(format!("`{}` failed", args.join(" ")))
    }
}

fn f(v: &J, k: &str) -> f64 {
    v.get(k).and_then(J::as_f64).unwrap_or(f64::NAN)
}

fn all(o: &Opts) -> Result<(), String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let pin = o.pin
        && Command::new("taskset")
            .args(["-c", "1", "true"])
            .status()
            .is_ok_and(|s| s.success());
    let o = Opts {
        cases: o.cases,
        reps: o.reps,
        pin,
    };
    let started = Instant::now();
    let mut failures = Vec::new();
    let mut res: Vec<J> = Vec::new();
    let mut jobs: Vec<Vec<&str>> = vec![vec!["check"]];
    for e in ENGINES {
        jobs.push(vec!["engine", e]);
    }
    jobs.push(vec!["vs-native"]);
    jobs.push(vec!["load10k"]);
    jobs.push(vec!["next"]);
    for args in &jobs {
        // The check and load jobs also parse on every core: not pinned (their one-thread
        // figures are the measuring thread's CPU time either way).
        let spread = matches!(args.first(), Some(&"check" | &"load10k"));
        let oj = Opts {
            pin: o.pin && !spread,
            ..o
        };
        match child(&exe, args, &oj) {
            Ok(r) => res.extend(r),
            Err(e) => failures.push(e),
        }
    }
    println!();
    println!(
        "Passerelle benchmark suite — {} repetitions after a warm-up, median (min); {}; {:.0} s",
        o.reps,
        if pin {
            "each benchmark in its own process pinned to core 1"
        } else {
            "not pinned"
        },
        started.elapsed().as_secs_f64()
    );
    println!("Build: release, codegen-units 16, no LTO, baseline x86-64 (no target-cpu).");
    let kind = |k: &'static str| res.iter().filter(move |r| r["kind"] == k);

    // check
    println!(
        "\n## 1. Check (`passerelle check`: parse + check) and load (+ compile), in memory, search lints on\n"
    );
    println!(
        "Parsing on one thread: CPU time of the thread. On every core (`cores`): wall time of the whole step; the files are parsed in parallel, the rest runs on one thread.\n"
    );
    println!(
        "| rules | facts | text MB | parse+check ms, 1 thread | rules/s | parse+check ms, all cores | rules/s | parse+check+compile ms, 1 thread | all cores | compile ms | without search lints ms (1 thread) |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let checks: Vec<&J> = kind("check").collect();
    for c in &checks {
        let rules = f(c, "rules");
        println!(
            "| {:.0} | {:.0} | {:.1} | {:.1} ({:.1}) | {:.0} | {:.1} ({:.1}), {:.0} cores | {:.0} | {:.1} ({:.1}) | {:.1} ({:.1}) | {:.1} ({:.1}) | {:.1} |",
            rules,
            f(c, "facts"),
            f(c, "bytes") / 1e6,
            ms(f(c, "check_med")),
            ms(f(c, "check_min")),
            rules / (f(c, "check_med") / 1e9),
            ms(f(c, "par_check_med")),
            ms(f(c, "par_check_min")),
            f(c, "cores"),
            rules / (f(c, "par_check_med") / 1e9),
            ms(f(c, "full_med")),
            ms(f(c, "full_min")),
            ms(f(c, "par_full_med")),
            ms(f(c, "par_full_min")),
            ms(f(c, "compile_med")),
            ms(f(c, "compile_min")),
            ms(f(c, "nosearch_med")),
        );
    }
    for w in checks.windows(2) {
        let (a, b) = (w[0], w[1]);
        let e = (f(b, "check_med") / f(a, "check_med")).ln() / (f(b, "rules") / f(a, "rules")).ln();
        println!(
            "growth of parse+check (1 thread) {:.0} → {:.0} rules: time × {:.1} for rules × {:.0} (exponent {:.2}; 1.00 is linear)",
            f(a, "rules"),
            f(b, "rules"),
            f(b, "check_med") / f(a, "check_med"),
            f(b, "rules") / f(a, "rules"),
            e
        );
    }
    let k10 = checks.iter().find(|c| f(c, "rules") == 10_000.0);
    let rate10 = k10
        .map(|c| 1e4 / (f(c, "check_med") / 1e9))
        .unwrap_or(f64::NAN);
    let rate10_par = k10
        .map(|c| 1e4 / (f(c, "par_check_med") / 1e9))
        .unwrap_or(f64::NAN);
    // engines
    let engines: Vec<&J> = kind("engine").collect();
    let get = |name: &str, mode: &str| {
        engines
            .iter()
            .find(|r| r["name"] == name && r["mode"] == mode)
            .copied()
    };
    let native = get("native-bf", "verdict")
        .map(|r| f(r, "eval_med"))
        .unwrap_or(f64::NAN);
    println!(
        "\n## 2. Engine: {} rules over {} facts, complete answers, {} cases (ratio: × native-bf eval)\n",
        workload::ENGINE_RULES,
        workload::ENGINE_FACTS,
        o.cases
    );
    println!(
        "| engine | eval ns/case | eval cases/s | × native | e2e ns/case (from JSON) | conversion ns/case | load/compile ms |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for r in &engines {
        let name = r["name"].as_str().unwrap_or("");
        let mode = r["mode"].as_str().unwrap_or("");
        let label = if mode == "explain" {
            format!("{name} + explanations")
        } else {
            name.to_string()
        };
        let (em, emin) = (f(r, "eval_med"), f(r, "eval_min"));
        let e2e = r["e2e_med"].as_f64();
        println!(
            "| {label} | {em:.1} ({emin:.1}) | {:.0} | {:.1} | {} | {} | {} |",
            1e9 / em,
            em / native,
            e2e.map(|e| format!("{e:.1} ({:.1})", f(r, "e2e_min")))
                .unwrap_or_else(|| "–".to_string()),
            e2e.map(|e| format!("{:.1}", e - em))
                .unwrap_or_else(|| "–".to_string()),
            r["load_ns"]
                .as_f64()
                .map(|l| format!("{:.3}", ms(l)))
                .unwrap_or_else(|| "compiled in".to_string()),
        );
    }
    if let Some(r) = kind("vs_native").next() {
        println!(
            "\nInterleaved in one process ({:.0} rounds of native-bf, Passerelle, Passerelle + explanations; the ratio is the median of the rounds' ratios, so the machine's drift moves both sides alike): native-bf {:.1} ns, Passerelle {:.1} ns (× {:.2}; lowest round × {:.2}), with explanations {:.1} ns (× {:.2}).",
            f(r, "rounds"),
            f(r, "native_med"),
            f(r, "verdict_med"),
            f(r, "ratio_med"),
            f(r, "ratio_min"),
            f(r, "explain_med"),
            f(r, "explain_ratio_med"),
        );
    }
    // load 10k
    let l10 = kind("load10k").next();
    if let Some(l) = l10 {
        println!("\n## 3. Load and compile, 10,000 rules / 1,000 facts\n");
        println!("| engine | load ms | per case at 10k rules |");
        println!("|---|---:|---:|");
        println!(
            "| Passerelle (text → model → program) | {:.1} ({:.1}) | {:.1} µs ({:.2} ns per rule) |",
            ms(f(l, "pass_med")),
            ms(f(l, "pass_min")),
            f(l, "case_med") / 1e3,
            f(l, "case_med") / 1e4
        );
        println!(
            "| Passerelle, parsing on every core (wall time) | {:.1} ({:.1}) | |",
            ms(f(l, "pass_par_med")),
            ms(f(l, "pass_par_min")),
        );
        println!(
            "| Cedar (PolicySet::from_str, no validation) | {:.1} ({:.1}) | {:.1} µs |",
            ms(f(l, "cedar_med")),
            ms(f(l, "cedar_min")),
            f(l, "cedar_case_med") / 1e3
        );
    }
    // next
    let nx: Vec<&J> = kind("next").collect();
    if !nx.is_empty() {
        println!("\n## 4. Next question, 30 % of facts unknown\n");
        println!(
            "| rules | facts | cases | step µs (evaluate + choose) | evaluate µs | choose µs |"
        );
        println!("|---:|---:|---:|---:|---:|---:|");
        for r in &nx {
            println!(
                "| {:.0} | {:.0} | {:.0} | {:.2} ({:.2}) | {:.2} | {:.2} |",
                f(r, "rules"),
                f(r, "facts"),
                f(r, "cases"),
                f(r, "step_med") / 1e3,
                f(r, "step_min") / 1e3,
                f(r, "run_med") / 1e3,
                (f(r, "step_med") - f(r, "run_med")) / 1e3
            );
        }
    }
    // targets
    println!("\n## 5. Targets\n");
    let pv = get("passerelle", "verdict")
        .map(|r| f(r, "eval_med"))
        .unwrap_or(f64::NAN);
    let px = get("passerelle", "explain")
        .map(|r| f(r, "eval_med"))
        .unwrap_or(f64::NAN);
    let peer = |n: &str| get(n, "verdict").map(|r| f(r, "eval_med"));
    let peer_names = [
        "zen-isolate",
        "zen-expr",
        "zen-table",
        "cel",
        "regorus",
        "regorus-rvm",
        "cedar",
    ];
    let fastest = peer_names
        .iter()
        .filter_map(|n| peer(n).map(|v| (v, *n)))
        .min_by(|a, b| a.0.total_cmp(&b.0));
    let line = |ok: bool, what: String| {
        println!("- [{}] {what}", if ok { "met" } else { "MISSED" });
    };
    line(
        rate10.max(rate10_par) >= 100_000.0,
        format!(
            "check: ≥ 100,000 rules/s at 10k rules (10k in ≤ 100 ms) on this machine: {rate10_par:.0} rules/s parsing on every core, {rate10:.0} on one thread"
        ),
    );
    if let Some((v, n)) = fastest {
        line(
            pv * 25.0 <= v,
            format!(
                "verdict ≥ 25× faster than the fastest peer ({n}, {v:.0} ns): {:.1}×",
                v / pv
            ),
        );
    }
    for n in ["regorus", "regorus-rvm", "cedar"] {
        if let Some(v) = peer(n) {
            line(
                pv * 100.0 <= v,
                format!("verdict ≥ 100× faster than {n} ({v:.0} ns): {:.0}×", v / pv),
            );
        }
    }
    line(
        pv <= 5.0 * native,
        format!(
            "verdict within 5× of native-bf ({native:.1} ns): {:.2}×",
            pv / native
        ),
    );
    line(
        px <= 15.0 * native,
        format!(
            "verdict with explanations within 15× of native-bf: {:.2}×",
            px / native
        ),
    );
    if let Some(l) = l10 {
        let r = f(l, "cedar_med") / f(l, "pass_med");
        let rp = f(l, "cedar_med") / f(l, "pass_par_med");
        line(
            r.max(rp) >= 4.0,
            format!(
                "load + compile of 10k rules ≥ 4× faster than Cedar's: {r:.1}× on one thread, {rp:.1}× parsing on every core (Cedar on one)"
            ),
        );
    }
    for r in &nx {
        let (rules, step) = (f(r, "rules"), f(r, "step_med"));
        let limit = if rules <= 300.0 { 5_000.0 } else { 1_000_000.0 };
        line(
            step <= limit,
            format!(
                "next question at {rules:.0} rules ≤ {:.0} µs: {:.2} µs per step",
                limit / 1e3,
                step / 1e3
            ),
        );
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("; "))
    }
}
