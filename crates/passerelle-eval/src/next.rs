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
//!    one of its possible answers (probe values) changes a status; "why this question"
//!    lists the items whose status some answer changes. For most facts only the
//!    conditions that mention the fact's atoms can change ([`passerelle_ir::Reach`]): those
//!    are decided for every probe value at once, one bit per probe, from the current
//!    outcome. Other facts and groups are tried by evaluating the whole program per probe.

use crate::case::Case;
use crate::engine::{Evaluator, Outcome, Status, cond};
use passerelle_check::model::{FactId, GroupId, MythId, RuleId};
use passerelle_check::semantics::Tri;
use passerelle_ir::{Cond, Deps, Lit, MAX_PROBES, Program, ReachSlot, SlotTy, Tape};

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
    /// For candidates without a [`ReachSlot`]: the whole program per probe.
    probe_eval: Option<Evaluator<'p>>,
    /// Probe masks of the candidate's atoms (by bit), and its atoms by word.
    pt: Vec<u64>,
    pf: Vec<u64>,
    smask: Vec<u64>,
    /// Probe masks of whether each rule reached holds.
    ht: Vec<u64>,
    hf: Vec<u64>,
    reached: Vec<u32>,
    reach_stamp: u32,
    tape: Vec<(u64, u64)>,
    /// Obligations that drive questions (verified, whole-project), in order.
    askers: Vec<u32>,
    open: Vec<u32>,
    cands: Vec<(u32, u32, Target)>,
    found_rules: Vec<(u32, u32)>,
    found_myths: Vec<(u32, u32)>,
    found_steps: Vec<(u32, u32, u32)>,
    slot_score: Vec<u32>,
    group_score: Vec<u32>,
    slot_stamp: Vec<u32>,
    group_stamp: Vec<u32>,
    stamp: u32,
    stack: Vec<(bool, bool)>,
}

/// Most candidates tried before giving up.
const MAX_CANDIDATES: usize = 24;

impl<'p> Asker<'p> {
    /// Scratch for a program.
    pub fn new(p: &'p Program) -> Asker<'p> {
        Asker {
            p,
            probe_eval: None,
            pt: vec![0; p.n_words * 64],
            pf: vec![0; p.n_words * 64],
            smask: vec![0; p.n_words],
            ht: vec![0; p.rules.len()],
            hf: vec![0; p.rules.len()],
            reached: vec![0; p.rules.len()],
            reach_stamp: 0,
            tape: Vec::new(),
            askers: p
                .rules
                .iter()
                .enumerate()
                .filter(|(_, r)| r.obligation && r.verified && r.per_item.is_none())
                .map(|(ci, _)| u32::try_from(ci).unwrap_or(u32::MAX))
                .collect(),
            open: Vec::new(),
            cands: Vec::new(),
            found_rules: Vec::new(),
            found_myths: Vec::new(),
            found_steps: Vec::new(),
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
            self.need_slot(s, o, case, depth);
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

    /// Counts one fact slot (see [`Asker::need_deps_at`]).
    #[inline]
    fn need_slot(&mut self, s: u32, o: &Outcome, case: &Case, depth: usize) {
        let p = self.p;
        let si = s as usize;
        // (`slot_stamp` has one entry per fact slot.)
        match self.slot_stamp.get(si) {
            Some(&st) if st != self.stamp => {}
            _ => return,
        }
        if case.is_known(si) || o.slot_known(s) {
            return;
        }
        self.slot_stamp[si] = self.stamp;
        if let Some(Some((gc, gdeps))) = p.gates.get(si)
            && cond(gc, &o.t, &o.f, &mut self.stack) == Tri::Unknown
        {
            if depth < 8 {
                self.need_deps_at(gdeps, o, case, depth + 1);
            }
            return;
        }
        self.slot_score[si] += 1;
    }

    /// Records what a condition still needs.
    fn need_cond(&mut self, c: &Cond, fallback: &Deps, o: &Outcome, case: &Case) {
        match c {
            Cond::Dnf { conjs, lits } => self.need_dnf(conjs, lits, o, case),
            _ => self.need_deps(fallback, o, case),
        }
    }

    /// [`Asker::need_cond`] for a condition in normal form (`conjs`: ranges of `lits`).
    fn need_dnf(&mut self, conjs: &[(u32, u32)], lits: &[Lit], o: &Outcome, case: &Case) {
        let (t, f) = (&o.t[..], &o.f[..]);
        let p = self.p;
        let atom_slot = &p.reach.atom_slot[..];
        for &(s, e) in conjs {
            let ls = lits.get(s as usize..e as usize).unwrap_or(&[]);
            let mut dead = 0u64;
            for l in ls {
                let w = l.word as usize;
                dead |= (f[w] & l.pos) | (t[w] & l.neg);
            }
            if dead != 0 {
                continue;
            }
            for l in ls {
                let w = l.word as usize;
                let mut unknown = (l.pos | l.neg) & !(t[w] | f[w]);
                while unknown != 0 {
                    let b = unknown.trailing_zeros();
                    unknown &= unknown - 1;
                    let bit = (w as u32) * 64 + b;
                    // Most atoms read one fact.
                    match atom_slot.get(bit as usize) {
                        Some(&s) if s != u32::MAX => self.need_slot(s, o, case, 0),
                        _ => {
                            if let Some(info) = p.atoms.get(bit as usize) {
                                self.need_deps(&info.deps, o, case);
                            }
                        }
                    }
                }
            }
        }
    }

    fn need_rule(&mut self, ci: usize, o: &Outcome, case: &Case, depth: usize) {
        let p = self.p;
        let r = &p.rules[ci];
        match p.reach.rule_dnf.get(ci) {
            Some(&Some((c0, c1))) => {
                let reach = &p.reach;
                let conjs = reach.dnf_conjs.get(c0 as usize..c1 as usize).unwrap_or(&[]);
                self.need_dnf(conjs, &reach.dnf_lits, o, case);
            }
            _ => self.need_cond(&r.cond, &r.deps, o, case),
        }
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
        // The undetermined ones, gathered without a branch per rule.
        let mut open = std::mem::take(&mut self.open);
        open.clear();
        open.resize(self.askers.len(), 0);
        let mut n = 0;
        for &ci in &self.askers {
            open[n] = ci;
            n += usize::from(o.status.get(ci as usize) == Some(&Status::Undetermined));
        }
        for &ci in &open[..n] {
            self.bump();
            self.need_rule(ci as usize, o, case, 0);
        }
        self.open = open;
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
        let mut cands = std::mem::take(&mut self.cands);
        cands.clear();
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
        let mut probe: Option<Case> = None;
        for &(_, _, target) in cands.iter().take(MAX_CANDIDATES) {
            let reach = match target {
                Target::Fact(f) => p
                    .fact_slot
                    .get(f.idx())
                    .copied()
                    .flatten()
                    .and_then(|s| p.reach.slots.get(s as usize).copied().flatten()),
                Target::Group(_) => None,
            };
            let (rules, myths, steps) = match reach {
                Some(rs) => self.settles_reach(rs, o),
                None => {
                    let probe = probe.get_or_insert_with(|| case.clone());
                    self.settles(probe, case, o, target)
                }
            };
            if !rules.is_empty() || !myths.is_empty() || !steps.is_empty() {
                self.cands = cands;
                return Some(Next {
                    target,
                    settles_rules: rules,
                    settles_myths: myths,
                    settles_steps: steps,
                });
            }
        }
        self.cands = cands;
        None
    }

    /// Rules and myths whose status changes for some answer to `target`, by evaluating the
    /// whole program for each probe answer.
    fn settles(
        &mut self,
        probe: &mut Case,
        case: &Case,
        o: &Outcome,
        target: Target,
    ) -> (Vec<RuleId>, Vec<MythId>, Vec<(usize, usize)>) {
        let p = self.p;
        let probe_eval = self.probe_eval.get_or_insert_with(|| Evaluator::new(p));
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
                        let out = probe_eval.run(probe, o.as_of);
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
                        let out = probe_eval.run(probe, o.as_of);
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
                    let out = probe_eval.run(probe, o.as_of);
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

/// Probe masks of a known truth value.
fn tri_masks(t: Tri, all: u64) -> (u64, u64) {
    match t {
        Tri::True => (all, 0),
        Tri::False => (0, all),
        Tri::Unknown => (0, 0),
    }
}

/// The probes (bits of `all`) where a value is `t`, given where it is true and false.
fn tri_set(t: Tri, (yes, no): (u64, u64), all: u64) -> u64 {
    match t {
        Tri::True => yes,
        Tri::False => no,
        Tri::Unknown => all & !(yes | no),
    }
}

/// [`cond_masks`] for a condition in normal form (`conjs`: ranges of `lits`).
#[allow(clippy::too_many_arguments)]
fn dnf_masks(
    conjs: &[(u32, u32)],
    lits: &[Lit],
    t: &[u64],
    f: &[u64],
    smask: &[u64],
    pt: &[u64],
    pf: &[u64],
    all: u64,
) -> (u64, u64) {
    let (mut rt, mut rf) = (0u64, all);
    for &(s, e) in conjs {
        let (mut ct, mut cf) = (all, 0u64);
        for l in lits.get(s as usize..e as usize).unwrap_or(&[]) {
            let w = l.word as usize;
            let sm = smask[w];
            let (tw, fw) = (t[w], f[w]);
            let (rp, rn) = (l.pos & !sm, l.neg & !sm);
            // (Branch-free: all ones when the rest of the literal is true / false.)
            ct &= 0u64.wrapping_sub(u64::from(((tw & rp) ^ rp) | ((fw & rn) ^ rn) == 0));
            cf |= all & 0u64.wrapping_sub(u64::from((fw & rp) | (tw & rn) != 0));
            let mut m = l.pos & sm;
            while m != 0 {
                let b = w * 64 + m.trailing_zeros() as usize;
                ct &= pt[b];
                cf |= pf[b];
                m &= m - 1;
            }
            let mut m = l.neg & sm;
            while m != 0 {
                let b = w * 64 + m.trailing_zeros() as usize;
                ct &= pf[b];
                cf |= pt[b];
                m &= m - 1;
            }
        }
        rt |= ct;
        rf &= cf;
    }
    (rt, rf & !rt)
}

/// A condition under every probe at once: the probes where it is true, and where it is
/// false. Atoms of the candidate (`smask`) take their probe masks `pt`/`pf`; the others
/// keep their value in `t`/`f`. Bit for bit, this is [`cond`].
#[allow(clippy::too_many_arguments)]
fn cond_masks(
    c: &Cond,
    t: &[u64],
    f: &[u64],
    smask: &[u64],
    pt: &[u64],
    pf: &[u64],
    all: u64,
    stack: &mut Vec<(u64, u64)>,
) -> (u64, u64) {
    match c {
        Cond::True => (all, 0),
        Cond::Dnf { conjs, lits } => dnf_masks(conjs, lits, t, f, smask, pt, pf, all),
        Cond::Tape(ops) => {
            stack.clear();
            for op in ops {
                match op {
                    Tape::Atom(bit) => {
                        let (w, b) = ((bit / 64) as usize, bit % 64);
                        let m = 1u64 << b;
                        stack.push(if smask[w] & m != 0 {
                            (pt[*bit as usize], pf[*bit as usize])
                        } else {
                            (
                                if t[w] & m != 0 { all } else { 0 },
                                if f[w] & m != 0 { all } else { 0 },
                            )
                        });
                    }
                    Tape::Const(b) => stack.push(if *b { (all, 0) } else { (0, all) }),
                    Tape::Not => {
                        if let Some(x) = stack.last_mut() {
                            *x = (x.1, x.0);
                        }
                    }
                    Tape::And | Tape::Or => {
                        let (Some(b), Some(a)) = (stack.pop(), stack.pop()) else {
                            return (0, 0);
                        };
                        stack.push(if matches!(op, Tape::And) {
                            (a.0 & b.0, a.1 | b.1)
                        } else {
                            (a.0 | b.0, a.1 & b.1)
                        });
                    }
                }
            }
            match stack.pop() {
                Some((yes, no)) => (yes, no & !yes),
                None => (0, 0),
            }
        }
        Cond::Tree(_) => (0, 0),
    }
}

impl Asker<'_> {
    /// [`Asker::settles`] for a fact whose answer only decides its own atoms: every probe
    /// at once over the conditions it reaches.
    fn settles_reach(
        &mut self,
        rs: ReachSlot,
        o: &Outcome,
    ) -> (Vec<RuleId>, Vec<MythId>, Vec<(usize, usize)>) {
        let p = self.p;
        let reach = &p.reach;
        let n = rs.n_probes.min(64);
        let all = if n >= 64 { u64::MAX } else { (1u64 << n) - 1 };
        let range = |r: (u32, u32)| r.0 as usize..r.1 as usize;
        let atoms = reach.atoms.get(range(rs.atoms)).unwrap_or(&[]);
        for &(bit, t, f) in atoms {
            let (w, b) = ((bit / 64) as usize, bit % 64);
            if let (Some(m), Some(x), Some(y)) = (
                self.smask.get_mut(w),
                self.pt.get_mut(bit as usize),
                self.pf.get_mut(bit as usize),
            ) {
                *m |= 1u64 << b;
                *x = t;
                *y = f;
            }
        }
        self.reach_stamp = self.reach_stamp.wrapping_add(1);
        if self.reach_stamp == 0 {
            self.reached.iter_mut().for_each(|x| *x = 0);
            self.reach_stamp = 1;
        }
        let stamp = self.reach_stamp;
        let rules = reach.rules.get(range(rs.rules)).unwrap_or(&[]);
        for &ci in rules {
            self.reached[ci as usize] = stamp;
        }
        let (t, f) = (&o.t[..], &o.f[..]);
        let mut changed_rules = std::mem::take(&mut self.found_rules);
        changed_rules.clear();
        for &ci in rules {
            let ci = ci as usize;
            let r = &p.rules[ci];
            if o.as_of < r.period.0 || o.as_of > r.period.1 {
                (self.ht[ci], self.hf[ci]) = (0, all);
                continue;
            }
            let (wt, wf) = match reach.rule_dnf.get(ci) {
                Some(&Some((c0, c1))) => dnf_masks(
                    reach.dnf_conjs.get(c0 as usize..c1 as usize).unwrap_or(&[]),
                    &reach.dnf_lits,
                    t,
                    f,
                    &self.smask,
                    &self.pt,
                    &self.pf,
                    all,
                ),
                _ => cond_masks(
                    &r.cond,
                    t,
                    f,
                    &self.smask,
                    &self.pt,
                    &self.pf,
                    all,
                    &mut self.tape,
                ),
            };
            let (mut dt, mut df) = (0u64, all);
            for &d in &r.displacers {
                let d = d as usize;
                let (a, b) = if self.reached[d] == stamp {
                    (self.ht[d], self.hf[d])
                } else {
                    tri_masks(o.holds[d], all)
                };
                dt |= a;
                df &= b;
            }
            (self.ht[ci], self.hf[ci]) = (wt & df, wf | dt);
            let not_applies = wf | (dt & !wt);
            let applies = wt & df;
            let displaced = wt & dt;
            let same = match o.status[ci] {
                Status::Applies => applies,
                Status::NotApplies => not_applies,
                Status::Displaced => displaced,
                Status::Undetermined => all & !(not_applies | applies | displaced),
                Status::NotInForce => 0,
            };
            let changed = all & !same;
            if changed != 0 && r.obligation {
                changed_rules.push((changed.trailing_zeros(), r.id.0));
            }
        }
        let mut changed_myths = std::mem::take(&mut self.found_myths);
        changed_myths.clear();
        for &mi in reach.myths.get(range(rs.myths)).unwrap_or(&[]) {
            let (Some(my), Some(&base)) = (p.myths.get(mi as usize), o.myths.get(mi as usize))
            else {
                continue;
            };
            let m = cond_masks(
                &my.cond,
                t,
                f,
                &self.smask,
                &self.pt,
                &self.pf,
                all,
                &mut self.tape,
            );
            let changed = all & !tri_set(base, m, all);
            if changed != 0 {
                changed_myths.push((changed.trailing_zeros(), my.id.0));
            }
        }
        let mut changed_steps = std::mem::take(&mut self.found_steps);
        changed_steps.clear();
        for &(pi, si) in reach.steps.get(range(rs.steps)).unwrap_or(&[]) {
            let Some(pr) = p.processes.get(pi as usize) else {
                continue;
            };
            let Some((sc, _)) = pr.steps.get(si as usize) else {
                continue;
            };
            let (pt, pf) = cond_masks(
                &pr.cond,
                t,
                f,
                &self.smask,
                &self.pt,
                &self.pf,
                all,
                &mut self.tape,
            );
            let (st, sf) = cond_masks(
                sc,
                t,
                f,
                &self.smask,
                &self.pt,
                &self.pf,
                all,
                &mut self.tape,
            );
            let base = o.processes[pi as usize].and(o.steps[pi as usize][si as usize]);
            let changed = all & !tri_set(base, (pt & st, pf | sf), all);
            if changed != 0 {
                changed_steps.push((changed.trailing_zeros(), pi, si));
            }
        }
        for &(bit, _, _) in atoms {
            if let Some(m) = self.smask.get_mut((bit / 64) as usize) {
                *m = 0;
            }
        }
        // In the order the probes find them, as when evaluating probe after probe.
        changed_rules.sort_unstable_by_key(|&(first, id)| (first, p.rule_index[id as usize]));
        changed_myths.sort_unstable();
        changed_steps.sort_unstable();
        let out = (
            changed_rules.iter().map(|&(_, id)| RuleId(id)).collect(),
            changed_myths.iter().map(|&(_, id)| MythId(id)).collect(),
            changed_steps
                .iter()
                .map(|&(_, pi, si)| (pi as usize, si as usize))
                .collect(),
        );
        self.found_rules = changed_rules;
        self.found_myths = changed_myths;
        self.found_steps = changed_steps;
        out
    }
}
