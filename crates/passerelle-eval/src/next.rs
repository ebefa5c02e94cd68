//! The next question: the unanswered fact (or group) whose answer can settle the most
//! undetermined rules and myths.
//!
//! 1. Every undetermined obligation and myth names what it still needs: the unanswered
//!    facts behind its atoms that are still unknown (in conjunctions not already false),
//!    and those behind undetermined exceptions to it.
//! 2. Each askable fact scores the number of open items that need it. A fact behind a gate
//!    that is still unknown passes its score to the facts of its gate, so the gate's
//!    question comes first.
//! 3. Candidates are tried by score, then declaration order. A candidate is kept only if
//!    two of its possible answers give different verdicts (checked by evaluating each
//!    probe answer); "why this question" lists the items whose status it changes.

use crate::case::Case;
use crate::engine::{Evaluator, Outcome, Status, cond};
use passerelle_check::model::{FactId, GroupId, MythId, RuleId};
use passerelle_check::semantics::Tri;
use passerelle_ir::{Cond, Deps, Program, SlotTy};

/// What is asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// A fact.
    Fact(FactId),
    /// A whole repeated group.
    Group(GroupId),
}

/// The chosen question and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Next {
    /// The question.
    pub target: Target,
    /// Obligations whose status some answer changes.
    pub settles_rules: Vec<RuleId>,
    /// Myths whose relevance some answer changes.
    pub settles_myths: Vec<MythId>,
    /// Process steps (process, step) whose need some answer changes.
    pub settles_steps: Vec<(usize, usize)>,
}

/// Scratch for choosing questions; reuse it across calls.
pub struct Asker<'p> {
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
/// Most probe answers per candidate.
const MAX_PROBES: usize = 40;

impl<'p> Asker<'p> {
    /// Scratch for a program.
    pub fn new(p: &'p Program) -> Asker<'p> {
        Asker {
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
                o.holds[d as usize] == Tri::Unknown
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
    pub fn next(&mut self, case: &Case, o: &Outcome) -> Option<Next> {
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
