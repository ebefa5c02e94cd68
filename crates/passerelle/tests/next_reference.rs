//! The next question: the engine's choice equals a straightforward reference
//! implementation that evaluates the whole program for every probe answer of every
//! candidate (the engine decides most candidates from the conditions their answer reaches,
//! every probe at once). Generated packs, and the repository's packs (gates, definitions,
//! groups, `is known`) along random interviews.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

use passerelle::Pack;
use passerelle::generate::{GenOptions, answers, generate, group_items, to_loaded};
use passerelle_check::model::{Answers, FactType, GroupId, Model, MythId, RuleId, Value};
use passerelle_check::semantics::Tri;
use passerelle_eval::next::{Asker, Next, Target};
use passerelle_eval::{Case, Evaluator, Outcome, Status};
use passerelle_ir::{Cond, Deps, MAX_PROBES, Program, SlotTy, Tape, date_to_days, days_to_date};
use proptest::prelude::*;
use std::path::PathBuf;
use std::sync::OnceLock;

/// Kleene value of a compiled condition over atom bitsets.
fn cond(c: &Cond, t: &[u64], f: &[u64], _stack: &mut Vec<(bool, bool)>) -> Tri {
    let atom = |bit: u32| {
        let (w, m) = ((bit / 64) as usize, 1u64 << (bit % 64));
        (t[w] & m != 0, f[w] & m != 0)
    };
    match c {
        Cond::True => Tri::True,
        Cond::Dnf { conjs, lits } => {
            let (mut any_true, mut all_false) = (false, true);
            for &(s, e) in conjs {
                let ls = &lits[s as usize..e as usize];
                let ct = ls.iter().all(|l| {
                    let w = l.word as usize;
                    t[w] & l.pos == l.pos && f[w] & l.neg == l.neg
                });
                let cf = ls.iter().any(|l| {
                    let w = l.word as usize;
                    (f[w] & l.pos) | (t[w] & l.neg) != 0
                });
                any_true |= ct;
                all_false &= cf;
            }
            if any_true {
                Tri::True
            } else if all_false {
                Tri::False
            } else {
                Tri::Unknown
            }
        }
        Cond::Tape(ops) => {
            let mut st: Vec<(bool, bool)> = Vec::new();
            for op in ops {
                match op {
                    Tape::Atom(b) => st.push(atom(*b)),
                    Tape::Const(b) => st.push((*b, !*b)),
                    Tape::Not => {
                        if let Some(x) = st.last_mut() {
                            *x = (x.1, x.0);
                        }
                    }
                    Tape::And | Tape::Or => {
                        let (Some(b), Some(a)) = (st.pop(), st.pop()) else {
                            return Tri::Unknown;
                        };
                        st.push(if matches!(op, Tape::And) {
                            (a.0 && b.0, a.1 || b.1)
                        } else {
                            (a.0 || b.0, a.1 && b.1)
                        });
                    }
                }
            }
            match st.pop() {
                Some((true, _)) => Tri::True,
                Some((_, true)) => Tri::False,
                _ => Tri::Unknown,
            }
        }
        Cond::Tree(_) => Tri::Unknown,
    }
}

/// Scratch for choosing questions; reuse it across calls.
struct RefAsker<'p> {
    p: &'p Program,
    probe_eval: Evaluator<'p>,
    slot_score: Vec<u32>,
    group_score: Vec<u32>,
    slot_stamp: Vec<u32>,
    group_stamp: Vec<u32>,
    stamp: u32,
    stack: Vec<(bool, bool)>,
}

/// Most candidates tried before giving up.
const MAX_CANDIDATES: usize = 24;

impl<'p> RefAsker<'p> {
    /// Scratch for a program.
    fn new(p: &'p Program) -> RefAsker<'p> {
        RefAsker {
            p,
            probe_eval: Evaluator::new(p),
            slot_score: vec![0; p.n_fact_slots],
            group_score: vec![0; p.group_fields.len()],
            slot_stamp: vec![0; p.n_fact_slots],
            group_stamp: vec![0; p.group_fields.len()],
            stamp: 0,
            stack: Vec::new(),
        }
    }

    fn need_deps(&mut self, d: &Deps, o: &Outcome, case: &Case) {
        self.need_deps_at(d, o, case, 0);
    }

    /// Counts, once per open item, the unanswered facts and groups it needs. A fact behind a
    /// gate that is still unknown cannot be asked yet: the facts of its gate are counted
    /// instead, so the gate's question comes first.
    fn need_deps_at(&mut self, d: &Deps, o: &Outcome, case: &Case, depth: usize) {
        let p = self.p;
        for &s in &d.slots {
            let si = s as usize;
            if si >= p.n_fact_slots
                || case.is_known(si)
                || o.slot_known(s)
                || self.slot_stamp[si] == self.stamp
            {
                continue;
            }
            self.slot_stamp[si] = self.stamp;
            if let Some(Some((gc, gdeps))) = p.gates.get(si)
                && cond(gc, &o.t, &o.f, &mut self.stack) == Tri::Unknown
            {
                if depth < 8 {
                    self.need_deps_at(gdeps, o, case, depth + 1);
                }
                continue;
            }
            self.slot_score[si] += 1;
        }
        for g in &d.groups {
            let gi = g.idx();
            if !case.groups.get(gi).is_some_and(Option::is_none)
                || self.group_stamp.get(gi).is_none_or(|x| *x == self.stamp)
            {
                continue;
            }
            self.group_stamp[gi] = self.stamp;
            if let Some(Some((gc, gdeps))) = p.group_gates.get(gi)
                && cond(gc, &o.t, &o.f, &mut self.stack) == Tri::Unknown
            {
                if depth < 8 {
                    self.need_deps_at(gdeps, o, case, depth + 1);
                }
                continue;
            }
            self.group_score[gi] += 1;
        }
    }

    /// Records what a condition still needs.
    fn need_cond(&mut self, c: &Cond, fallback: &Deps, o: &Outcome, case: &Case) {
        match c {
            Cond::Dnf { conjs, lits } => {
                for &(s, e) in conjs {
                    let ls = &lits[s as usize..e as usize];
                    let dead = ls.iter().any(|l| {
                        let w = l.word as usize;
                        ((o.f[w] & l.pos) | (o.t[w] & l.neg)) != 0
                    });
                    if dead {
                        continue;
                    }
                    for l in ls {
                        let w = l.word as usize;
                        let mut unknown = (l.pos | l.neg) & !(o.t[w] | o.f[w]);
                        while unknown != 0 {
                            let b = unknown.trailing_zeros();
                            unknown &= unknown - 1;
                            let bit = (w as u32) * 64 + b;
                            let p = self.p;
                            if let Some(info) = p.atoms.get(bit as usize) {
                                self.need_deps(&info.deps, o, case);
                            }
                        }
                    }
                }
            }
            _ => self.need_deps(fallback, o, case),
        }
    }

    fn need_rule(&mut self, ci: usize, o: &Outcome, case: &Case, depth: usize) {
        let p = self.p;
        let r = &p.rules[ci];
        self.need_cond(&r.cond, &r.deps, o, case);
        if depth > 8 {
            return;
        }
        for &d in &r.displacers {
            let open = if p.rules[d as usize].per_item.is_some() {
                true
            } else {
                o.holds(d as usize) == Tri::Unknown
            };
            if open {
                self.need_rule(d as usize, o, case, depth + 1);
            }
        }
    }

    fn bump(&mut self) {
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.slot_stamp.iter_mut().for_each(|x| *x = 0);
            self.group_stamp.iter_mut().for_each(|x| *x = 0);
            self.stamp = 1;
        }
    }

    /// Chooses the next question for `case` given its outcome `o` (from the same program).
    fn next(&mut self, case: &Case, o: &Outcome) -> Option<Next> {
        let p = self.p;
        self.slot_score.iter_mut().for_each(|x| *x = 0);
        self.group_score.iter_mut().for_each(|x| *x = 0);
        // 1–2. What open items need.
        for (ci, r) in p.rules.iter().enumerate() {
            if !r.obligation || !r.verified {
                continue;
            }
            if r.per_item.is_none() && o.status[ci] == Status::Undetermined {
                self.bump();
                self.need_rule(ci, o, case, 0);
            }
        }
        for it in &o.items {
            let r = &p.rules[it.rule as usize];
            if r.obligation && r.verified && it.status == Status::Undetermined {
                self.bump();
                self.need_rule(it.rule as usize, o, case, 0);
            }
        }
        for (mi, my) in p.myths.iter().enumerate() {
            if o.myths[mi] == Tri::Unknown {
                self.bump();
                self.need_cond(&my.cond, &my.deps, o, case);
            }
        }
        for (pi, pr) in p.processes.iter().enumerate() {
            if o.processes[pi] == Tri::False {
                continue;
            }
            if o.processes[pi] == Tri::Unknown {
                self.bump();
                self.need_cond(&pr.cond, &pr.deps, o, case);
            }
            for (si, (sc, sd)) in pr.steps.iter().enumerate() {
                if pr.verified.get(si).copied().unwrap_or(false) && o.steps[pi][si] == Tri::Unknown
                {
                    self.bump();
                    self.need_cond(sc, sd, o, case);
                }
            }
        }
        // Askable candidates, best first.
        let mut cands: Vec<(u32, u32, Target)> = Vec::new();
        for s in 0..p.n_fact_slots {
            let score = self.slot_score[s];
            if score == 0 || case.is_known(s) || o.slot_known(s as u32) {
                continue;
            }
            if let Some(Some((gc, _))) = p.gates.get(s)
                && cond(gc, &o.t, &o.f, &mut self.stack) != Tri::True
            {
                continue;
            }
            let f = p.slot_fact[s];
            cands.push((score, f.0, Target::Fact(f)));
        }
        for (g, &score) in self.group_score.iter().enumerate() {
            if score == 0 || case.groups.get(g).is_some_and(Option::is_some) {
                continue;
            }
            if let Some(Some((gc, _))) = p.group_gates.get(g)
                && cond(gc, &o.t, &o.f, &mut self.stack) != Tri::True
            {
                continue;
            }
            let order = p.group_fields[g]
                .iter()
                .map(|f| f.0)
                .min()
                .unwrap_or(u32::MAX);
            cands.push((
                score,
                order,
                Target::Group(GroupId(u32::try_from(g).unwrap_or(0))),
            ));
        }
        cands.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        // 3. Keep the first candidate that really matters.
        let mut probe = case.clone();
        for &(_, _, target) in cands.iter().take(MAX_CANDIDATES) {
            let (rules, myths, steps) = self.settles(&mut probe, case, o, target);
            if !rules.is_empty() || !myths.is_empty() || !steps.is_empty() {
                return Some(Next {
                    target,
                    settles_rules: rules,
                    settles_myths: myths,
                    settles_steps: steps,
                });
            }
        }
        None
    }

    /// Rules and myths whose status changes for some answer to `target`.
    fn settles(
        &mut self,
        probe: &mut Case,
        case: &Case,
        o: &Outcome,
        target: Target,
    ) -> (Vec<RuleId>, Vec<MythId>, Vec<(usize, usize)>) {
        let p = self.p;
        let mut changed_rules: Vec<RuleId> = Vec::new();
        let mut changed_myths: Vec<MythId> = Vec::new();
        let mut changed_steps: Vec<(usize, usize)> = Vec::new();
        let record = |out: &Outcome,
                      rules: &mut Vec<RuleId>,
                      myths: &mut Vec<MythId>,
                      steps: &mut Vec<(usize, usize)>| {
            for (pi, pr) in p.processes.iter().enumerate() {
                for si in 0..pr.steps.len() {
                    let need = |x: &Outcome| x.processes[pi].and(x.steps[pi][si]);
                    let verified = pr.verified.get(si).copied().unwrap_or(false);
                    if verified && need(out) != need(o) && !steps.contains(&(pi, si)) {
                        steps.push((pi, si));
                    }
                }
            }
            for (ci, r) in p.rules.iter().enumerate() {
                if !r.obligation || r.per_item.is_some() {
                    continue;
                }
                if out.status[ci] != o.status[ci] && !rules.contains(&r.id) {
                    rules.push(r.id);
                }
            }
            if out.items != o.items {
                for (ci, r) in p.rules.iter().enumerate() {
                    if !r.obligation || r.per_item.is_none() || rules.contains(&r.id) {
                        continue;
                    }
                    let ci = u32::try_from(ci).unwrap_or(u32::MAX);
                    let a = out.items.iter().filter(|x| x.rule == ci);
                    let b = o.items.iter().filter(|x| x.rule == ci);
                    if !a.eq(b) {
                        rules.push(r.id);
                    }
                }
            }
            for (mi, my) in p.myths.iter().enumerate() {
                if out.myths[mi] != o.myths[mi] && !myths.contains(&my.id) {
                    myths.push(my.id);
                }
            }
        };
        match target {
            Target::Fact(f) => {
                let Some(Some(slot)) = p.fact_slot.get(f.idx()).copied() else {
                    return (changed_rules, changed_myths, changed_steps);
                };
                let s = slot as usize;
                if p.slot_ty[s] == SlotTy::Text {
                    let ti = p.text_index[s].unwrap_or(0) as usize;
                    for v in [String::new(), "?".to_string()] {
                        if let Some(t) = probe.texts.get_mut(ti) {
                            *t = Some(v);
                        }
                        probe.set(s, 0);
                        let out = self.probe_eval.run(probe, o.as_of);
                        record(
                            out,
                            &mut changed_rules,
                            &mut changed_myths,
                            &mut changed_steps,
                        );
                    }
                    if let Some(t) = probe.texts.get_mut(ti) {
                        t.clone_from(&case.texts[ti]);
                    }
                } else {
                    for &v in p.probes[s].iter().take(MAX_PROBES) {
                        probe.set(s, v);
                        let out = self.probe_eval.run(probe, o.as_of);
                        record(
                            out,
                            &mut changed_rules,
                            &mut changed_myths,
                            &mut changed_steps,
                        );
                    }
                }
                probe.vals[s] = case.vals[s];
                if !case.is_known(s) {
                    probe.unset(s);
                }
            }
            Target::Group(g) => {
                let nf = p.group_fields.get(g.idx()).map(Vec::len).unwrap_or(0);
                for items in [Vec::new(), vec![vec![None; nf]]] {
                    if let Some(slot) = probe.groups.get_mut(g.idx()) {
                        *slot = Some(items);
                    }
                    let out = self.probe_eval.run(probe, o.as_of);
                    record(
                        out,
                        &mut changed_rules,
                        &mut changed_myths,
                        &mut changed_steps,
                    );
                }
                if let Some(slot) = probe.groups.get_mut(g.idx()) {
                    slot.clone_from(&case.groups[g.idx()]);
                }
            }
        }
        (changed_rules, changed_myths, changed_steps)
    }
}

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

/// The repository's packs, loaded once.
fn repo_packs() -> &'static [Pack] {
    static PACKS: OnceLock<Vec<Pack>> = OnceLock::new();
    PACKS.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../packs");
        [
            "example",
            "example-department",
            "example-partner",
            "gc-digital",
        ]
        .iter()
        .map(|d| match Pack::load(&[root.join(d)]) {
            Ok(p) => p,
            Err(e) => panic!("pack {d} does not check: {:?}", e.diags.iter().next()),
        })
        .collect()
    })
}

/// A value of a fact from a slot's encoding.
fn value_of(ty: FactType, v: i64) -> Value {
    match ty {
        FactType::Bool => Value::Bool(v != 0),
        FactType::Int => Value::Int(v),
        FactType::Money => Value::Money(v),
        FactType::Date => Value::Date(days_to_date(v)),
        FactType::Enum => Value::Opt(u32::try_from(v).unwrap_or(0)),
        FactType::Set => Value::Set(v as u64),
        FactType::Text => Value::Text(if v == 0 { String::new() } else { "x".into() }),
    }
}

/// Random answers with some groups answered.
fn random_answers(m: &Model, seed: u64, unknown: f64) -> Answers {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut a = answers(m, 1, seed, unknown)
        .pop()
        .unwrap_or_else(|| Answers::empty(m));
    for (g, group) in m.groups.iter().enumerate() {
        if rng.f64() < unknown {
            continue;
        }
        a.groups[g] = Some(group_items(m, group, &mut rng, 3, 0.2));
    }
    a
}

/// An interview: the engine's next question equals the reference's at every step; each
/// question is then answered with one of its probe values.
fn interview(pack: &Pack, mut a: Answers, as_of: i64, seed: u64, steps: usize) {
    let (m, p) = (&pack.model, &pack.program);
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut ev = Evaluator::new(p);
    let mut fast = Asker::new(p);
    // With the pack's shared layout, the asker reads the conjunctions the evaluator found
    // false (kill layout) instead of walking the literals.
    let mut shared_ev = pack.evaluator();
    let mut shared = Asker::prepared(p, &pack.prepared);
    let mut reference = RefAsker::new(p);
    for _ in 0..steps {
        let case = Case::from_answers(p, m, &a);
        let o = ev.run(&case, as_of).clone();
        let want = reference.next(&case, &o);
        let got = fast.next(&case, &o);
        assert_eq!(got, want, "next question differs (answers {a:?})");
        let got = shared.next(&case, shared_ev.run(&case, as_of));
        assert_eq!(
            got, want,
            "next question with the shared layout differs (answers {a:?})"
        );
        // An outcome from another layout is read by walking the literals.
        assert_eq!(shared.next(&case, &o), want);
        let Some(next) = got else { return };
        match next.target {
            Target::Fact(f) => {
                let slot = p.fact_slot[f.idx()].unwrap_or(0) as usize;
                let probes = &p.probes[slot];
                let v = if probes.is_empty() {
                    0
                } else {
                    probes[rng.usize(0..probes.len())]
                };
                a.set(f, Some(value_of(m.fact(f).ty, v)));
            }
            Target::Group(g) => {
                let nf = m.groups[g.idx()].fields.len();
                a.groups[g.idx()] = Some(if rng.bool() {
                    Vec::new()
                } else {
                    vec![vec![None; nf]]
                });
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn next_question_equals_the_reference_on_generated_packs(
        seed in 0u64..10_000,
        rules in 1usize..60,
        facts in 5usize..25,
        unknown in 0.2f64..1.0,
        day in 0i64..3000,
    ) {
        let pack = generated(rules, facts, seed);
        let as_of = date_to_days(jiff::civil::Date::constant(2019, 6, 1)) + day;
        for (i, a) in answers(&pack.model, 4, seed ^ 0x5eed, unknown).into_iter().enumerate() {
            interview(&pack, a, as_of, seed + i as u64, 6);
        }
    }

    #[test]
    fn next_question_equals_the_reference_on_the_packs(
        seed in 0u64..100_000,
        unknown in 0.3f64..1.0,
        day in 0i64..2000,
    ) {
        let as_of = date_to_days(jiff::civil::Date::constant(2024, 1, 1)) + day;
        for pack in repo_packs() {
            let a = random_answers(&pack.model, seed, unknown);
            interview(pack, a, as_of, seed, 12);
        }
    }
}
