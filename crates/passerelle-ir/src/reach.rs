//! What each fact's answer can change, for the next question.
//!
//! Choosing a question means trying each possible answer (a probe value) of a candidate fact
//! and seeing which statuses change. For most facts the answer only decides the atoms of
//! the fact's own tables: then the rules, myths and process steps that can change are
//! known in advance (those whose conditions mention these atoms, and the rules they
//! displace, transitively), and the truth of each atom under each probe value is a fixed
//! bit mask over the probes. The engine then decides every probe at once, one bit per probe,
//! over only those conditions. Facts whose answer reaches further (gated facts, facts read
//! by gates, definitions, complex atoms or per-item rules, text facts) have no entry and
//! are tried by evaluating the whole program per probe.

use crate::{Cond, Lit, Program, SlotTy, TableKind, Tape};

/// Most probe values tried per fact when testing whether a question matters.
pub const MAX_PROBES: usize = 40;

/// What each fact slot's answer can change (see the module documentation).
#[derive(Clone, Debug, Default)]
pub struct Reach {
    /// Per fact slot: its entry, or `None` when its answer reaches further than its atoms.
    pub slots: Vec<Option<ReachSlot>>,
    /// Atoms of the slots' tables: bit position, probes where the atom is true, probes
    /// where it is false (bit `i`: the `i`-th probe value of the slot).
    pub atoms: Vec<(u32, u64, u64)>,
    /// Compiled indexes of the rules that can change, each slot's in evaluation order.
    pub rules: Vec<u32>,
    /// Myths that can change.
    pub myths: Vec<u32>,
    /// Verified process steps (process, step) that can change, in order.
    pub steps: Vec<(u32, u32)>,
    /// Per atom bit: the one fact slot it reads, when it reads exactly one and no group
    /// (`u32::MAX` otherwise).
    pub atom_slot: Vec<u32>,
    /// The rules' conditions in normal form laid out one after the other, for the walks
    /// over every open rule: per compiled rule its conjunctions in `dnf_conjs` (`None`
    /// when not in normal form), each conjunction a range of `dnf_lits`.
    pub rule_dnf: Vec<Option<(u32, u32)>>,
    /// Conjunctions: ranges of `dnf_lits`.
    pub dnf_conjs: Vec<(u32, u32)>,
    /// Their word masks.
    pub dnf_lits: Vec<Lit>,
    /// Per conjunction (as `dnf_conjs`): what it needs while alive, for counting what
    /// open rules need (see [`ConjNeed`]).
    pub conj_need: Vec<ConjNeed>,
    /// Fact-slot words of the conjunctions' plain atoms: ranges of this list are
    /// [`ConjNeed::slots`].
    pub need_masks: Vec<(u32, u64)>,
    /// Per atom word: the plain atoms, each one a table's value test on a fact slot that
    /// reads nothing else (no gate): unknown exactly when its fact is unanswered.
    pub plain_atoms: Vec<u64>,
}

/// What a conjunction of [`Reach::dnf_conjs`] needs while it is alive: the fact slots of its
/// plain atoms (a range of [`Reach::need_masks`], one fact-slot word and its bits per
/// entry), and whether it also has atoms that are not plain (`is known` tests, complex
/// atoms, atoms over gated facts or definitions), which are looked at one by one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ConjNeed {
    /// Range of [`Reach::need_masks`].
    pub slots: (u32, u32),
    /// Whether some atom is not plain.
    pub other: bool,
}

/// One slot's ranges in [`Reach`]'s lists.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReachSlot {
    /// Number of probe values tried (at most [`MAX_PROBES`]).
    pub n_probes: u32,
    /// Range in `atoms`.
    pub atoms: (u32, u32),
    /// Range in `rules`.
    pub rules: (u32, u32),
    /// Range in `myths`.
    pub myths: (u32, u32),
    /// Range in `steps`.
    pub steps: (u32, u32),
}

fn n32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Atom bit positions a condition reads.
fn cond_bits(c: &Cond, out: &mut Vec<u32>) -> bool {
    match c {
        Cond::True => true,
        Cond::Dnf { lits, .. } => {
            for l in lits {
                let mut m = l.pos | l.neg;
                while m != 0 {
                    out.push(l.word * 64 + m.trailing_zeros());
                    m &= m - 1;
                }
            }
            true
        }
        Cond::Tape(ops) => {
            for op in ops {
                if let Tape::Atom(b) = op {
                    out.push(*b);
                }
            }
            true
        }
        Cond::Tree(_) => false,
    }
}

/// The value bits of a table for a known value, as the evaluator computes them.
fn table_value(kind: &TableKind, v: i64) -> u64 {
    match kind {
        TableKind::ByValue(bits) => {
            if (v as u64) < bits.len() as u64 {
                bits.get(v as usize).copied().unwrap_or(0)
            } else {
                0
            }
        }
        TableKind::Cuts { cuts, bits } => {
            let rank = cuts.partition_point(|k| *k <= v);
            bits.get(rank).copied().unwrap_or(0)
        }
        TableKind::SetElems(per) => {
            let mut acc = 0u64;
            let mut set = v as u64;
            while set != 0 {
                let e = set.trailing_zeros() as usize;
                acc |= per.get(e).copied().unwrap_or(0);
                set &= set - 1;
            }
            acc
        }
        TableKind::KnownOnly => 0,
    }
}

/// Builds the index for a compiled program.
pub fn reach(p: &Program) -> Reach {
    let nf = p.n_fact_slots;
    let n_bits = p.n_words * 64;
    // The table slot owning each atom bit.
    let mut owner: Vec<u32> = vec![u32::MAX; n_bits];
    for tb in &p.tables {
        let all = (tb.value_mask | tb.known_true | tb.unknown_true)
            .checked_shl(tb.shift)
            .unwrap_or(0);
        let mut m = all;
        while m != 0 {
            let b = (tb.word * 64 + m.trailing_zeros()) as usize;
            if let Some(o) = owner.get_mut(b) {
                *o = tb.slot;
            }
            m &= m - 1;
        }
    }
    let mut ok = vec![true; nf];
    for (s, ok) in ok.iter_mut().enumerate() {
        if p.slot_ty.get(s) == Some(&SlotTy::Text) {
            *ok = false;
        }
    }
    for pr in &p.prep {
        if let crate::Prep::Gate { slot, .. } = pr
            && let Some(x) = ok.get_mut(*slot as usize)
        {
            *x = false;
        }
    }
    // A fact read by an atom that is not one of its own tables' (through a gate, a
    // definition, or a complex atom) reaches further.
    for (b, info) in p.atoms.iter().enumerate() {
        for &s in &info.deps.slots {
            if owner.get(b).copied() != Some(s)
                && let Some(x) = ok.get_mut(s as usize)
            {
                *x = false;
            }
        }
    }
    // Conditions not over atoms read their facts directly.
    let mut mark_deps = |deps: &crate::Deps| {
        for &s in &deps.slots {
            if let Some(x) = ok.get_mut(s as usize) {
                *x = false;
            }
        }
    };
    let mut bits = Vec::new();
    for r in &p.rules {
        bits.clear();
        if r.per_item.is_some() || !cond_bits(&r.cond, &mut bits) {
            mark_deps(&r.deps);
        }
    }
    for my in &p.myths {
        bits.clear();
        if !cond_bits(&my.cond, &mut bits) {
            mark_deps(&my.deps);
        }
    }
    for pr in &p.processes {
        bits.clear();
        if !cond_bits(&pr.cond, &mut bits) {
            mark_deps(&pr.deps);
        }
        for (sc, sd) in &pr.steps {
            bits.clear();
            if !cond_bits(sc, &mut bits) {
                mark_deps(sd);
            }
        }
    }
    // Which slots' atoms each condition reads: slot → items.
    let slots_of = |c: &Cond, bits: &mut Vec<u32>, out: &mut Vec<u32>| {
        bits.clear();
        out.clear();
        cond_bits(c, bits);
        for &b in bits.iter() {
            if let Some(&s) = owner.get(b as usize)
                && (s as usize) < nf
                && !out.contains(&s)
            {
                out.push(s);
            }
        }
    };
    let mut direct_rules: Vec<Vec<u32>> = vec![Vec::new(); nf];
    let mut direct_myths: Vec<Vec<u32>> = vec![Vec::new(); nf];
    let mut direct_steps: Vec<Vec<(u32, u32)>> = vec![Vec::new(); nf];
    let mut ss = Vec::new();
    for (ci, r) in p.rules.iter().enumerate() {
        if r.per_item.is_some() {
            continue;
        }
        slots_of(&r.cond, &mut bits, &mut ss);
        for &s in &ss {
            direct_rules[s as usize].push(n32(ci));
        }
    }
    for (mi, my) in p.myths.iter().enumerate() {
        slots_of(&my.cond, &mut bits, &mut ss);
        for &s in &ss {
            direct_myths[s as usize].push(n32(mi));
        }
    }
    let mut ss2 = Vec::new();
    for (pi, pr) in p.processes.iter().enumerate() {
        slots_of(&pr.cond, &mut bits, &mut ss2);
        for (si, (sc, _)) in pr.steps.iter().enumerate() {
            if !pr.verified.get(si).copied().unwrap_or(false) {
                continue;
            }
            slots_of(sc, &mut bits, &mut ss);
            for &s in ss.iter().chain(&ss2) {
                let v = &mut direct_steps[s as usize];
                if !v.contains(&(n32(pi), n32(si))) {
                    v.push((n32(pi), n32(si)));
                }
            }
        }
    }
    // Rules displaced by each rule.
    let mut displaces: Vec<Vec<u32>> = vec![Vec::new(); p.rules.len()];
    for (ci, r) in p.rules.iter().enumerate() {
        for &d in &r.displacers {
            if let Some(v) = displaces.get_mut(d as usize) {
                v.push(n32(ci));
            }
        }
    }
    let mut out = Reach {
        slots: vec![None; nf],
        atom_slot: p
            .atoms
            .iter()
            .map(
                |a| match (a.deps.slots.as_slice(), a.deps.groups.is_empty()) {
                    ([s], true) => *s,
                    _ => u32::MAX,
                },
            )
            .collect(),
        ..Reach::default()
    };
    // Plain atoms: a table's value tests on an ungated fact slot.
    out.plain_atoms = vec![0; p.n_words];
    for tb in &p.tables {
        if tb.slot as usize >= p.n_fact_slots {
            continue;
        }
        let mut m = tb.value_mask;
        while m != 0 {
            let b = m.trailing_zeros();
            m &= m - 1;
            if b + tb.shift >= 64 {
                continue;
            }
            let bit = tb.word * 64 + b + tb.shift;
            if out.atom_slot.get(bit as usize) == Some(&tb.slot)
                && let Some(w) = out.plain_atoms.get_mut(tb.word as usize)
            {
                *w |= 1u64 << (b + tb.shift);
            }
        }
    }
    let mut words: Vec<(u32, u64)> = Vec::new();
    for r in &p.rules {
        let dnf = match &r.cond {
            Cond::Dnf { conjs, lits }
                if conjs
                    .iter()
                    .all(|&(s, e)| s <= e && (e as usize) <= lits.len()) =>
            {
                let c0 = n32(out.dnf_conjs.len());
                for &(s, e) in conjs {
                    let l0 = n32(out.dnf_lits.len());
                    let ls = &lits[s as usize..e as usize];
                    out.dnf_lits.extend_from_slice(ls);
                    out.dnf_conjs.push((l0, n32(out.dnf_lits.len())));
                    // The fact slots of its plain atoms, by fact-slot word.
                    words.clear();
                    let mut other = false;
                    for l in ls {
                        let plain = out.plain_atoms.get(l.word as usize).copied().unwrap_or(0);
                        let atoms = l.pos | l.neg;
                        other |= atoms & !plain != 0;
                        let mut m = atoms & plain;
                        while m != 0 {
                            let bit = l.word * 64 + m.trailing_zeros();
                            m &= m - 1;
                            let Some(&slot) = out.atom_slot.get(bit as usize) else {
                                continue;
                            };
                            let (w, b) = (slot / 64, 1u64 << (slot % 64));
                            match words.iter_mut().find(|x| x.0 == w) {
                                Some(x) => x.1 |= b,
                                None => words.push((w, b)),
                            }
                        }
                    }
                    words.sort_unstable();
                    let n0 = n32(out.need_masks.len());
                    out.need_masks.extend_from_slice(&words);
                    out.conj_need.push(ConjNeed {
                        slots: (n0, n32(out.need_masks.len())),
                        other,
                    });
                }
                Some((c0, n32(out.dnf_conjs.len())))
            }
            _ => None,
        };
        out.rule_dnf.push(dnf);
    }
    let mut seen = vec![u32::MAX; p.rules.len()];
    let mut stack = Vec::new();
    let mut closure = Vec::new();
    // Each fact slot's tables.
    let mut tables_of: Vec<Vec<&crate::SlotTable>> = vec![Vec::new(); nf];
    for tb in &p.tables {
        if let Some(v) = tables_of.get_mut(tb.slot as usize) {
            v.push(tb);
        }
    }
    let (mut tm, mut fm) = ([0u64; 64], [0u64; 64]);
    for s in 0..nf {
        if !ok[s] {
            continue;
        }
        // The rules it reaches, through displacement.
        closure.clear();
        stack.clear();
        for &ci in &direct_rules[s] {
            if seen[ci as usize] != n32(s) {
                seen[ci as usize] = n32(s);
                stack.push(ci);
            }
        }
        let mut per_item = false;
        while let Some(ci) = stack.pop() {
            closure.push(ci);
            if p.rules[ci as usize].per_item.is_some() {
                per_item = true;
            }
            for &x in &displaces[ci as usize] {
                if seen[x as usize] != n32(s) {
                    seen[x as usize] = n32(s);
                    stack.push(x);
                }
            }
        }
        if per_item {
            continue;
        }
        closure.sort_unstable();
        // Each atom of its tables under each probe value.
        let probes = p.probes.get(s).map(Vec::as_slice).unwrap_or(&[]);
        let probes = &probes[..probes.len().min(MAX_PROBES)];
        let a0 = n32(out.atoms.len());
        for tb in &tables_of[s] {
            let atoms = tb.value_mask | tb.known_true | tb.unknown_true;
            tm.fill(0);
            fm.fill(0);
            for (i, &v) in probes.iter().enumerate() {
                let vb = table_value(&tb.kind, v);
                let t = vb | tb.known_true;
                let f = (tb.value_mask & !vb) | tb.unknown_true;
                let mut m = atoms;
                while m != 0 {
                    let b = m.trailing_zeros() as usize;
                    if t & (1u64 << b) != 0 {
                        tm[b] |= 1u64 << i;
                    }
                    if f & (1u64 << b) != 0 {
                        fm[b] |= 1u64 << i;
                    }
                    m &= m - 1;
                }
            }
            let mut m = atoms;
            while m != 0 {
                let b = m.trailing_zeros();
                let bit = tb.word * 64 + ((b + tb.shift) % 64);
                if b + tb.shift < 64 {
                    out.atoms.push((bit, tm[b as usize], fm[b as usize]));
                }
                m &= m - 1;
            }
        }
        let r0 = n32(out.rules.len());
        out.rules.extend_from_slice(&closure);
        let m0 = n32(out.myths.len());
        out.myths.extend_from_slice(&direct_myths[s]);
        let s0 = n32(out.steps.len());
        let mut steps = direct_steps[s].clone();
        steps.sort_unstable();
        out.steps.extend_from_slice(&steps);
        out.slots[s] = Some(ReachSlot {
            n_probes: n32(probes.len()),
            atoms: (a0, n32(out.atoms.len())),
            rules: (r0, n32(out.rules.len())),
            myths: (m0, n32(out.myths.len())),
            steps: (s0, n32(out.steps.len())),
        });
    }
    out
}
