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
//!    Only rules that can still change are tried: a rule that applies, is displaced, is
//!    not in force, or does not apply with nothing that could displace it keeps its status
//!    whatever else is answered.
//!
//! How step 1–2 is done. What an item needs is gathered as a bit set of fact slots, and
//! answered facts and gates are applied once per case (`Asker::classify`). With the
//! pack's shared layout ([`Asker::prepared`]) and the evaluator's kill layout, the outcome
//! carries which conjunctions are false and which still read an unanswered fact: most
//! askers (plain atoms, at most `BULK_CONJS` conjunctions, no displacers) are then
//! counted all at once, fact by fact, as the population count of the live conjunctions
//! that read the fact; the others rule by rule from their live conjunctions' fact masks.
//! Without it, each open rule's literals are walked.

use crate::case::Case;
use crate::engine::{Evaluator, Outcome, Plan, Prepared, Status, cond, layout_key};
use passerelle_check::model::{FactId, GroupId, MythId, RuleId};
use passerelle_check::semantics::Tri;
use passerelle_ir::{Cond, Deps, Lit, MAX_PROBES, Program, ReachSlot, SlotTy, Tape};
use std::sync::Arc;

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
    /// The fact slots the current open item needs (by fact-slot word), and the words set.
    item: Vec<u64>,
    touched: Vec<u32>,
    /// For the case at hand, by fact-slot word: unanswered fact slots that can be asked or
    /// are behind a gate that is true (`count`), and those behind a gate still unknown
    /// (`redirect`: their gate's facts are counted instead).
    count: Vec<u64>,
    redirect: Vec<u64>,
    /// Fact slots with a gate.
    gated: Vec<u32>,
    /// Per compiled rule, its range of `disps`: its displacers, with [`PER_ITEM`] set on
    /// per-item ones.
    disp_of: Vec<(u32, u32)>,
    disps: Vec<u32>,
    /// Per compiled rule: its id and whether it is an obligation.
    rule_ids: Vec<(u32, bool)>,
    /// The evaluator's kill layout, when made with one ([`Asker::prepared`]): it keeps the
    /// layout alive so that its key in outcomes names it alone.
    layout: Option<Prepared>,
    layout_key: usize,
    /// What the layout's kill layout gives the next question (`Plan::ask`), when there is
    /// one.
    kill: Option<Arc<KillAsk>>,
    /// Scratch: the askers counted by conjunction, per word.
    bulk: Vec<u64>,
}

/// What the evaluator's kill layout gives the next question, made once per layout
/// (`Plan::ask`, built by [`Prepared::new`]) and shared by every asker of the pack.
pub(crate) struct KillAsk {
    /// Words of conjunctions.
    k: usize,
    /// Per compiled rule: its word and bits of conjunctions, when every atom of the rule is
    /// plain (0 otherwise).
    rule: Vec<(u32, u64)>,
    /// Per conjunction: its fact slots, a range of `masks` (fact-slot word and bits).
    need: Vec<(u32, u32)>,
    masks: Vec<(u32, u64)>,
    /// With at most 64 fact slots: each conjunction's fact slots as one word.
    need1: Vec<u64>,
    /// Counting by conjunctions ([`Asker::score_bulk`]): the conjunctions of the askers
    /// with plain atoms, at most [`BULK_CONJS`] conjunctions and no displacers;
    /// `bulk_lead[(n - 1) * k + w]`, the first conjunction of each such asker with `n`
    /// conjunctions (the others follow it in word `w`); per fact slot, the conjunctions that
    /// read it (`k` words each); each conjunction's rule; each rule's word and bits of
    /// conjunctions; the askers counted rule by rule; the dates between which every rule is
    /// in force.
    bulk_conjs: Vec<u64>,
    bulk_lead: Vec<u64>,
    slot_conjs: Vec<u64>,
    conj_rule: Vec<u32>,
    masks_of: Vec<(u32, u64)>,
    other_askers: Vec<u32>,
    in_force: (i64, i64),
}

impl KillAsk {
    /// For `plan`, the layout made for `p` (`None` without a kill layout).
    pub(crate) fn new(p: &Program, plan: &Plan) -> Option<KillAsk> {
        let k = plan.kill_words;
        if k == 0 {
            return None;
        }
        let n32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let need1 = if p.n_fact_slots <= 64 {
            plan.kill_need
                .iter()
                .map(|&(x, y)| {
                    let masks = plan.kill_need_masks.get(x as usize..y as usize);
                    masks.unwrap_or(&[]).iter().fold(0, |acc, m| acc | m.1)
                })
                .collect()
        } else {
            Vec::new()
        };
        let mut ka = KillAsk {
            k,
            rule: plan
                .rules
                .iter()
                .map(|rp| {
                    if rp.kill_plain && rp.kill_mask != 0 {
                        (rp.kill_word, rp.kill_mask)
                    } else {
                        (0, 0)
                    }
                })
                .collect(),
            need: plan.kill_need.clone(),
            masks: plan.kill_need_masks.clone(),
            need1,
            bulk_conjs: vec![0; k],
            bulk_lead: vec![0; BULK_CONJS * k],
            slot_conjs: vec![0; p.n_fact_slots * k],
            conj_rule: vec![u32::MAX; k * 64],
            masks_of: plan
                .rules
                .iter()
                .map(|rp| (rp.kill_word, rp.kill_mask))
                .collect(),
            other_askers: Vec::new(),
            in_force: (plan.all_from, plan.all_to),
        };
        for (ci, rp) in plan.rules.iter().enumerate() {
            let mut m = rp.kill_mask;
            while m != 0 {
                let c = rp.kill_word as usize * 64 + m.trailing_zeros() as usize;
                m &= m - 1;
                if let Some(x) = ka.conj_rule.get_mut(c) {
                    *x = n32(ci);
                }
            }
        }
        for (c, &(x, y)) in plan.kill_need.iter().enumerate() {
            for &(w, bits) in plan
                .kill_need_masks
                .get(x as usize..y as usize)
                .unwrap_or(&[])
            {
                let mut m = bits;
                while m != 0 {
                    let s = w as usize * 64 + m.trailing_zeros() as usize;
                    m &= m - 1;
                    if let Some(x) = ka.slot_conjs.get_mut(s * k + c / 64) {
                        *x |= 1u64 << (c % 64);
                    }
                }
            }
        }
        for (ci, (r, rp)) in p.rules.iter().zip(&plan.rules).enumerate() {
            if !(r.obligation && r.verified && r.per_item.is_none()) {
                continue;
            }
            let n = rp.kill_mask.count_ones() as usize;
            if rp.kill_plain && (1..=BULK_CONJS).contains(&n) && r.displacers.is_empty() {
                let w = rp.kill_word as usize;
                if let Some(x) = ka.bulk_conjs.get_mut(w) {
                    *x |= rp.kill_mask;
                }
                if let Some(x) = ka.bulk_lead.get_mut((n - 1) * k + w) {
                    *x |= rp.kill_mask & rp.kill_mask.wrapping_neg();
                }
            } else {
                ka.other_askers.push(n32(ci));
            }
        }
        Some(ka)
    }
}

/// Most conjunctions of an asker counted by conjunctions ([`Asker::score_bulk`]).
const BULK_CONJS: usize = 4;

/// Marks a per-item displacer in [`Asker::disps`].
const PER_ITEM: u32 = 1 << 31;

/// Most candidates tried before giving up.
const MAX_CANDIDATES: usize = 24;

impl<'p> Asker<'p> {
    /// Scratch for a program.
    pub fn new(p: &'p Program) -> Asker<'p> {
        let mut a = Asker {
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
            item: vec![0; p.n_fact_slots.div_ceil(64)],
            touched: Vec::new(),
            count: vec![0; p.n_fact_slots.div_ceil(64)],
            redirect: vec![0; p.n_fact_slots.div_ceil(64)],
            gated: (0..p.n_fact_slots)
                .filter(|&s| p.gates.get(s).is_some_and(Option::is_some))
                .map(|s| u32::try_from(s).unwrap_or(u32::MAX))
                .collect(),
            disp_of: Vec::new(),
            disps: Vec::new(),
            rule_ids: p.rules.iter().map(|r| (r.id.0, r.obligation)).collect(),
            layout: None,
            layout_key: 0,
            kill: None,
            bulk: Vec::new(),
        };
        for r in &p.rules {
            let d0 = u32::try_from(a.disps.len()).unwrap_or(u32::MAX);
            for &d in &r.displacers {
                let item = p
                    .rules
                    .get(d as usize)
                    .is_some_and(|x| x.per_item.is_some());
                a.disps.push(d | if item { PER_ITEM } else { 0 });
            }
            let d1 = u32::try_from(a.disps.len()).unwrap_or(u32::MAX);
            a.disp_of.push((d0, d1));
        }
        a
    }

    /// Scratch for a program, reading what the evaluator's layout `prep` (made for `p`)
    /// already found: with the kill layout, the conjunctions still alive come from the
    /// outcome instead of a walk over every open rule's literals.
    pub fn prepared(p: &'p Program, prep: &Prepared) -> Asker<'p> {
        let mut a = Asker::new(p);
        let Some(kill) = prep.plan.ask.clone().filter(|_| prep.is_for(p)) else {
            return a;
        };
        a.bulk = vec![0; kill.k];
        a.kill = Some(kill);
        a.layout_key = layout_key(&prep.plan);
        a.layout = Some(prep.clone());
        a
    }

    /// Counting by conjunctions: each asker of `bulk_conjs` that is open adds one to each
    /// unanswered fact its live conjunctions read, counted for all of them at once per
    /// fact (`slot_conjs`). An asker is open when it has a live conjunction and none true
    /// (with every fact answered); a live conjunction with every fact answered adds
    /// nothing. Those reading a fact behind a gate still unknown go to `open`, counted
    /// rule by rule.
    fn score_bulk(&mut self, ka: &KillAsk, o: &Outcome, open: &mut Vec<u32>) {
        let k = ka.k;
        for (i, b) in self.bulk.iter_mut().enumerate() {
            let alive = ka.bulk_conjs[i] & !o.conj_dead.get(i).copied().unwrap_or(u64::MAX);
            // An asker with a conjunction true applies: all its conjunctions leave.
            let tru = alive & !o.conj_touch.get(i).copied().unwrap_or(0);
            let (mut any, mut gone) = (0u64, 0u64);
            for n in 0..BULK_CONJS {
                any |= tru >> n;
                let lead = ka.bulk_lead.get(n * k + i).copied().unwrap_or(0);
                // (Each lead bit spread over its asker's `n + 1` bits.)
                gone |= (any & lead).wrapping_mul((1u64 << (n + 1)) - 1);
            }
            *b = alive & !gone;
        }
        // Gates to follow: rule by rule (each of the rule's conjunctions leaves the bulk).
        for (w, &r) in self.redirect.iter().enumerate() {
            let mut m = r;
            while m != 0 {
                let s = w * 64 + m.trailing_zeros() as usize;
                m &= m - 1;
                for i in 0..k {
                    let reads = ka.slot_conjs.get(s * k + i).copied().unwrap_or(0);
                    while self.bulk[i] & reads != 0 {
                        let c = i * 64 + (self.bulk[i] & reads).trailing_zeros() as usize;
                        let ci = ka.conj_rule.get(c).copied().unwrap_or(u32::MAX);
                        let (rw, rm) = ka.masks_of.get(ci as usize).copied().unwrap_or((0, 0));
                        let rm = if rw as usize == i { rm } else { 0 } | (1u64 << (c % 64));
                        self.bulk[i] &= !rm;
                        if o.status.get(ci as usize) == Some(&Status::Undetermined) {
                            open.push(ci);
                        }
                    }
                }
            }
        }
        // Per fact: the askers with a live conjunction that reads it (for an asker with `n`
        // conjunctions, any of the `n` bits from its first).
        for (w, &cnt) in self.count.iter().enumerate() {
            let mut m = cnt;
            while m != 0 {
                let s = w * 64 + m.trailing_zeros() as usize;
                m &= m - 1;
                let reads = ka.slot_conjs.get(s * k..s * k + k).unwrap_or(&[]);
                let mut total = 0u32;
                for (i, (b, x)) in self.bulk.iter().zip(reads).enumerate() {
                    let live = b & x;
                    if live == 0 {
                        continue;
                    }
                    let mut any = live;
                    for n in 0..BULK_CONJS {
                        if n > 0 {
                            any |= live >> n;
                        }
                        let lead = ka.bulk_lead.get(n * k + i).copied().unwrap_or(0);
                        total += (any & lead).count_ones();
                    }
                }
                if let Some(x) = self.slot_score.get_mut(s) {
                    *x += total;
                }
            }
        }
        for &ci in &ka.other_askers {
            if o.status.get(ci as usize) == Some(&Status::Undetermined) {
                open.push(ci);
            }
        }
    }

    /// Sorts the case's unanswered fact slots into `count` and `redirect`.
    fn classify(&mut self, case: &Case, o: &Outcome) {
        let p = self.p;
        for (w, (c, r)) in self.count.iter_mut().zip(&mut self.redirect).enumerate() {
            let known =
                case.known.get(w).copied().unwrap_or(0) | o.known.get(w).copied().unwrap_or(0);
            let left = p.n_fact_slots - w * 64;
            let all = if left >= 64 {
                u64::MAX
            } else {
                (1u64 << left) - 1
            };
            *c = all & !known;
            *r = 0;
        }
        for &s in &self.gated {
            let (w, b) = ((s / 64) as usize, 1u64 << (s % 64));
            if self.count[w] & b == 0 {
                continue;
            }
            if let Some(Some((gc, _))) = p.gates.get(s as usize) {
                match cond(gc, &o.t, &o.f, &mut self.stack) {
                    Tri::True => {}
                    // Not askable: counting it would change nothing.
                    Tri::False => self.count[w] &= !b,
                    Tri::Unknown => {
                        self.count[w] &= !b;
                        self.redirect[w] |= b;
                    }
                }
            }
        }
    }

    /// Starts gathering what one open item needs.
    fn begin_item(&mut self) {
        self.bump();
    }

    /// Adds a fact slot the current item needs.
    #[inline]
    fn add_slot(&mut self, s: u32) {
        let w = (s / 64) as usize;
        if let Some(x) = self.item.get_mut(w) {
            if *x == 0 {
                self.touched.push(s / 64);
            }
            *x |= 1u64 << (s % 64);
        }
    }

    /// Adds what the current item needs through `d`: its fact slots, and its groups (a group
    /// behind a gate still unknown adds its gate's facts instead).
    fn add_deps(&mut self, d: &Deps, o: &Outcome, case: &Case, depth: usize) {
        let p = self.p;
        for &s in &d.slots {
            if (s as usize) < p.n_fact_slots {
                self.add_slot(s);
            }
        }
        for g in &d.groups {
            if let Some(gdeps) = self.need_group(g.idx(), o, case)
                && depth < 8
            {
                self.add_deps(gdeps, o, case, depth + 1);
            }
        }
    }

    /// Counts an unanswered group for the current item, once; when its gate is still
    /// unknown, counts nothing and gives the gate's facts and groups to count instead.
    fn need_group(&mut self, gi: usize, o: &Outcome, case: &Case) -> Option<&'p Deps> {
        let p = self.p;
        if !case.groups.get(gi).is_some_and(Option::is_none)
            || self.group_stamp.get(gi).is_none_or(|x| *x == self.stamp)
        {
            return None;
        }
        self.group_stamp[gi] = self.stamp;
        if let Some(Some((gc, gdeps))) = p.group_gates.get(gi)
            && cond(gc, &o.t, &o.f, &mut self.stack) == Tri::Unknown
        {
            return Some(gdeps);
        }
        self.group_score[gi] += 1;
        None
    }

    /// Counts the fact slots the current item needs, once each: those behind a gate still
    /// unknown pass their count to their gate's facts.
    fn end_item(&mut self, o: &Outcome, case: &Case) {
        if let ([item], [count], [redirect]) =
            (&mut self.item[..], &self.count[..], &self.redirect[..])
            && *item & redirect == 0
        {
            // One word of fact slots and no gate to follow.
            let mut m = *item & count;
            *item = 0;
            self.touched.clear();
            while m != 0 {
                if let Some(x) = self.slot_score.get_mut(m.trailing_zeros() as usize) {
                    *x += 1;
                }
                m &= m - 1;
            }
            return;
        }
        let mut touched = std::mem::take(&mut self.touched);
        let redirected = touched.iter().any(|&w| {
            let w = w as usize;
            self.item[w] & self.redirect[w] != 0
        });
        if redirected {
            // Mark every slot of the item as seen before following gates.
            for &w in &touched {
                let w = w as usize;
                let mut m = self.item[w] & (self.count[w] | self.redirect[w]);
                while m != 0 {
                    self.slot_stamp[w * 64 + m.trailing_zeros() as usize] = self.stamp;
                    m &= m - 1;
                }
            }
        }
        for &w in &touched {
            let w = w as usize;
            let mut m = self.item[w] & self.count[w];
            while m != 0 {
                self.slot_score[w * 64 + m.trailing_zeros() as usize] += 1;
                m &= m - 1;
            }
        }
        if redirected {
            let p = self.p;
            for &w in &touched {
                let w = w as usize;
                let mut m = self.item[w] & self.redirect[w];
                while m != 0 {
                    let s = w * 64 + m.trailing_zeros() as usize;
                    m &= m - 1;
                    if let Some(Some((_, gdeps))) = p.gates.get(s) {
                        self.need_deps_at(gdeps, o, case, 1);
                    }
                }
            }
        }
        for &w in &touched {
            self.item[w as usize] = 0;
        }
        touched.clear();
        self.touched = touched;
    }

    /// Counts, once per open item, the unanswered facts and groups it needs. A fact behind a
    /// gate that is still unknown cannot be asked yet: the facts of its gate are counted
    /// instead, so the gate's question comes first.
    fn need_deps_at(&mut self, d: &Deps, o: &Outcome, case: &Case, depth: usize) {
        for &s in &d.slots {
            self.need_slot(s, o, case, depth);
        }
        for g in &d.groups {
            if let Some(gdeps) = self.need_group(g.idx(), o, case)
                && depth < 8
            {
                self.need_deps_at(gdeps, o, case, depth + 1);
            }
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
            _ => self.add_deps(fallback, o, case, 0),
        }
    }

    /// [`Asker::need_cond`] for a condition in normal form (`conjs`: ranges of `lits`).
    fn need_dnf(&mut self, conjs: &[(u32, u32)], lits: &[Lit], o: &Outcome, case: &Case) {
        for &(s, e) in conjs {
            let ls = lits.get(s as usize..e as usize).unwrap_or(&[]);
            if self.conj_dead(ls, o) {
                continue;
            }
            self.need_lits(ls, u64::MAX, o, case);
        }
    }

    /// Whether a conjunction is false.
    #[inline]
    fn conj_dead(&self, ls: &[Lit], o: &Outcome) -> bool {
        let (t, f) = (&o.t[..], &o.f[..]);
        let mut dead = 0u64;
        for l in ls {
            let w = l.word as usize;
            dead |= (f[w] & l.pos) | (t[w] & l.neg);
        }
        dead != 0
    }

    /// Adds the facts behind the unknown atoms of a live conjunction's literals (only the
    /// atoms in `only`, per word: all, or those that are not plain).
    fn need_lits(&mut self, ls: &[Lit], only: u64, o: &Outcome, case: &Case) {
        let p = self.p;
        let (t, f) = (&o.t[..], &o.f[..]);
        let atom_slot = &p.reach.atom_slot[..];
        let plain = &p.reach.plain_atoms[..];
        for l in ls {
            let w = l.word as usize;
            let keep = if only == u64::MAX {
                u64::MAX
            } else {
                !plain.get(w).copied().unwrap_or(0)
            };
            let mut unknown = (l.pos | l.neg) & !(t[w] | f[w]) & keep;
            while unknown != 0 {
                let b = unknown.trailing_zeros();
                unknown &= unknown - 1;
                let bit = (w as u32) * 64 + b;
                // Most atoms read one fact.
                match atom_slot.get(bit as usize) {
                    Some(&s) if s != u32::MAX => {
                        if (s as usize) < p.n_fact_slots {
                            self.add_slot(s);
                        }
                    }
                    _ => {
                        if let Some(info) = p.atoms.get(bit as usize) {
                            self.add_deps(&info.deps, o, case, 0);
                        }
                    }
                }
            }
        }
    }

    fn need_rule(
        &mut self,
        ka: Option<&KillAsk>,
        ci: usize,
        o: &Outcome,
        case: &Case,
        depth: usize,
    ) {
        // With the kill layout, the rule's conjunctions still alive are known: each needs
        // its facts (the answered ones are left out when counting).
        let kill = ka.and_then(|ka| ka.rule.get(ci).copied()).unwrap_or((0, 0));
        if let (Some(ka), true) = (ka, kill.1 != 0) {
            let dead = o
                .conj_dead
                .get(kill.0 as usize)
                .copied()
                .unwrap_or(u64::MAX);
            let mut m = kill.1 & !dead;
            if !ka.need1.is_empty() {
                // One word of fact slots.
                let mut acc = 0u64;
                while m != 0 {
                    let c = kill.0 as usize * 64 + m.trailing_zeros() as usize;
                    m &= m - 1;
                    acc |= ka.need1.get(c).copied().unwrap_or(0);
                }
                if acc != 0 {
                    add_bits(&mut self.item, &mut self.touched, 0, acc);
                }
            }
            while m != 0 {
                let c = kill.0 as usize * 64 + m.trailing_zeros() as usize;
                m &= m - 1;
                let (a, b) = ka.need.get(c).copied().unwrap_or((0, 0));
                for &(w, bits) in ka.masks.get(a as usize..b as usize).unwrap_or(&[]) {
                    add_bits(&mut self.item, &mut self.touched, w, bits);
                }
            }
        } else {
            self.need_rule_conds(ci, o, case);
        }
        if depth > 8 {
            return;
        }
        let (d0, d1) = self.disp_of.get(ci).copied().unwrap_or((0, 0));
        for i in d0..d1 {
            let d = self.disps[i as usize];
            let di = (d & !PER_ITEM) as usize;
            if d & PER_ITEM != 0 || o.holds(di) == Tri::Unknown {
                self.need_rule(ka, di, o, case, depth + 1);
            }
        }
    }

    /// [`Asker::need_rule`] for the rule's own condition, by its literals.
    fn need_rule_conds(&mut self, ci: usize, o: &Outcome, case: &Case) {
        let p = self.p;
        match p.reach.rule_dnf.get(ci) {
            Some(&Some((c0, c1))) => {
                let reach = &p.reach;
                for c in c0 as usize..c1 as usize {
                    let (Some(&(s, e)), Some(need)) =
                        (reach.dnf_conjs.get(c), reach.conj_need.get(c))
                    else {
                        continue;
                    };
                    let ls = reach.dnf_lits.get(s as usize..e as usize).unwrap_or(&[]);
                    if self.conj_dead(ls, o) {
                        continue;
                    }
                    // Plain atoms are unknown exactly when their fact is unanswered: add
                    // their facts by word, and leave out the answered ones when counting.
                    let masks = reach
                        .need_masks
                        .get(need.slots.0 as usize..need.slots.1 as usize)
                        .unwrap_or(&[]);
                    for &(w, m) in masks {
                        add_bits(&mut self.item, &mut self.touched, w, m);
                    }
                    if need.other {
                        self.need_lits(ls, 0, o, case);
                    }
                }
            }
            _ => {
                let r = &p.rules[ci];
                self.need_cond(&r.cond, &r.deps, o, case);
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
        self.score(case, o);
        let cands = self.candidates(case, o);
        self.choose(cands, case, o)
    }

    /// 1–2. Counts what the open items need.
    fn score(&mut self, case: &Case, o: &Outcome) {
        let p = self.p;
        self.slot_score.iter_mut().for_each(|x| *x = 0);
        self.group_score.iter_mut().for_each(|x| *x = 0);
        self.classify(case, o);
        // (A clone of the shared tables' handle, so that they can be read while the scratch
        // is written.)
        let kill = self
            .kill
            .clone()
            .filter(|_| self.layout_key != 0 && o.layout == self.layout_key);
        let ka = kill.as_deref();
        let mut open = std::mem::take(&mut self.open);
        open.clear();
        let n = if let Some(ka) = ka
            && ka.in_force.0 <= o.as_of
            && o.as_of <= ka.in_force.1
        {
            // Most askers at once, by conjunction; the others below.
            self.score_bulk(ka, o, &mut open);
            open.len()
        } else {
            // The undetermined ones, gathered without a branch per rule.
            open.resize(self.askers.len(), 0);
            let mut n = 0;
            for &ci in &self.askers {
                open[n] = ci;
                n += usize::from(o.status.get(ci as usize) == Some(&Status::Undetermined));
            }
            n
        };
        for &ci in &open[..n] {
            self.begin_item();
            self.need_rule(ka, ci as usize, o, case, 0);
            self.end_item(o, case);
        }
        self.open = open;
        for it in &o.items {
            let r = &p.rules[it.rule as usize];
            if r.obligation && r.verified && it.status == Status::Undetermined {
                self.begin_item();
                self.need_rule(ka, it.rule as usize, o, case, 0);
                self.end_item(o, case);
            }
        }
        for (mi, my) in p.myths.iter().enumerate() {
            if o.myths[mi] == Tri::Unknown {
                self.begin_item();
                self.need_cond(&my.cond, &my.deps, o, case);
                self.end_item(o, case);
            }
        }
        for (pi, pr) in p.processes.iter().enumerate() {
            if o.processes[pi] == Tri::False {
                continue;
            }
            if o.processes[pi] == Tri::Unknown {
                self.begin_item();
                self.need_cond(&pr.cond, &pr.deps, o, case);
                self.end_item(o, case);
            }
            for (si, (sc, sd)) in pr.steps.iter().enumerate() {
                if pr.verified.get(si).copied().unwrap_or(false) && o.steps[pi][si] == Tri::Unknown
                {
                    self.begin_item();
                    self.need_cond(sc, sd, o, case);
                    self.end_item(o, case);
                }
            }
        }
    }

    /// Askable candidates (score, order, target), in no particular order.
    fn candidates(&mut self, case: &Case, o: &Outcome) -> Vec<(u32, u32, Target)> {
        let p = self.p;
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
        cands
    }

    /// 3. Keeps the first candidate that really matters.
    fn choose(
        &mut self,
        mut cands: Vec<(u32, u32, Target)>,
        case: &Case,
        o: &Outcome,
    ) -> Option<Next> {
        let p = self.p;
        let mut probe: Option<Case> = None;
        // Best first (highest score, then declaration order), taken one at a time: the first
        // is usually the one.
        for _ in 0..MAX_CANDIDATES {
            let best = cands
                .iter()
                .enumerate()
                .min_by_key(|(_, c)| (std::cmp::Reverse(c.0), c.1))
                .map(|(i, _)| i);
            let Some(best) = best else { break };
            let (_, _, target) = cands.swap_remove(best);
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

/// Adds fact-slot bits `bits` of word `w` to an item's slots (`touched`: its words set).
#[inline]
fn add_bits(item: &mut [u64], touched: &mut Vec<u32>, w: u32, bits: u64) {
    if let Some(x) = item.get_mut(w as usize) {
        if *x == 0 {
            touched.push(w);
        }
        *x |= bits;
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
        // A rule that applies, is displaced, is not in force, or does not apply and has
        // nothing that could displace it keeps its status and whether it holds whatever
        // else is answered (soundness under refinement): only the others are tried, and a
        // decided displacer counts with its value. (A rule that does not apply because a
        // displacer holds while its own condition is unknown becomes displaced when the
        // condition turns true.)
        // (`reached` marks the rules tried: displacers come first, so a displacer not
        // marked when a rule needs it is decided.)
        let rules = reach.rules.get(range(rs.rules)).unwrap_or(&[]);
        let (t, f) = (&o.t[..], &o.f[..]);
        let mut changed_rules = std::mem::take(&mut self.found_rules);
        changed_rules.clear();
        for &ci in rules {
            let ci = ci as usize;
            let open = match o.status[ci] {
                Status::Undetermined => true,
                Status::NotApplies => self.disp_of.get(ci).is_some_and(|d| d.0 != d.1),
                Status::Applies | Status::Displaced | Status::NotInForce => false,
            };
            if !open && o.holds(ci) != Tri::Unknown {
                continue;
            }
            self.reached[ci] = stamp;
            // (A rule not in force is decided, so every rule here is in force.)
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
                    &p.rules[ci].cond,
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
            let (d0, d1) = self.disp_of.get(ci).copied().unwrap_or((0, 0));
            for &d in self.disps.get(d0 as usize..d1 as usize).unwrap_or(&[]) {
                let d = (d & !PER_ITEM) as usize;
                let (a, b) = if self.reached[d] == stamp {
                    (self.ht[d], self.hf[d])
                } else {
                    tri_masks(o.holds(d), all)
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
            if changed != 0
                && let Some(&(id, true)) = self.rule_ids.get(ci)
            {
                changed_rules.push((changed.trailing_zeros(), id));
            }
        }
        let mut changed_myths = std::mem::take(&mut self.found_myths);
        changed_myths.clear();
        for &mi in reach.myths.get(range(rs.myths)).unwrap_or(&[]) {
            let (Some(my), Some(&base)) = (p.myths.get(mi as usize), o.myths.get(mi as usize))
            else {
                continue;
            };
            // (A decided myth stays decided.)
            if base != Tri::Unknown {
                continue;
            }
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
            let base = o.processes[pi as usize].and(o.steps[pi as usize][si as usize]);
            if base != Tri::Unknown {
                continue;
            }
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
        // (Found in evaluation order: a stable sort by probe keeps it within a probe.)
        changed_rules.sort_by_key(|&(first, _)| first);
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
