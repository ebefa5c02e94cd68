//! The evaluator: slots, atom bitsets, rules, myths.

use crate::case::Case;
use crate::tree::{Ctx, tri};
use passerelle_check::model::GroupId;
use passerelle_check::semantics::Tri;
use passerelle_ir::{Cond, Cv, Prep, Program, SlotTy, TableKind, Tape};

/// A rule's status in one evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    /// Not in force on the date.
    NotInForce,
    /// Does not apply.
    NotApplies,
    /// Applies.
    Applies,
    /// Still undetermined.
    Undetermined,
    /// Its condition holds but a displacer holds too.
    Displaced,
}

/// One item of a per-item rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ItemStatus {
    /// Compiled rule index.
    pub rule: u32,
    /// Item index, or `None` when the list itself is unknown.
    pub item: Option<u32>,
    /// Status.
    pub status: Status,
    /// Displacer (compiled index) when displaced.
    pub by: u32,
}

/// The result of one evaluation. Indexes are compiled rule indexes
/// ([`Program::rule_index`] maps model rules to them).
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    /// Status per compiled rule (per-item rules: see `items`).
    pub status: Vec<Status>,
    /// Displacer of each displaced rule.
    pub by: Vec<u32>,
    /// Whether each (whole-project) rule holds: its condition true and nothing displacing it.
    pub holds: Vec<Tri>,
    /// Per-item rule results.
    pub items: Vec<ItemStatus>,
    /// Relevance of each myth.
    pub myths: Vec<Tri>,
    /// Whether each process applies.
    pub processes: Vec<Tri>,
    /// Whether each step of each process is needed.
    pub steps: Vec<Vec<Tri>>,
    /// Atoms known true.
    pub t: Vec<u64>,
    /// Atoms known false.
    pub f: Vec<u64>,
    /// Every slot after gates and definitions.
    pub vals: Vec<i64>,
    /// Known bits of every slot.
    pub known: Vec<u64>,
    /// Texts of definition slots.
    pub def_texts: Vec<Option<String>>,
    /// The evaluation date (days since 1970-01-01).
    pub as_of: i64,
}

impl Outcome {
    /// The truth of an atom (bit position).
    pub fn atom(&self, bit: u32) -> Tri {
        let (w, b) = ((bit / 64) as usize, bit % 64);
        let m = 1u64 << b;
        if self.t.get(w).is_some_and(|x| x & m != 0) {
            Tri::True
        } else if self.f.get(w).is_some_and(|x| x & m != 0) {
            Tri::False
        } else {
            Tri::Unknown
        }
    }

    /// Whether a slot is known after gates and definitions.
    pub fn slot_known(&self, s: u32) -> bool {
        self.known
            .get(s as usize / 64)
            .is_some_and(|w| w & (1u64 << (s % 64)) != 0)
    }
}

/// Reusable evaluation state for one program.
pub struct Evaluator<'p> {
    p: &'p Program,
    out: Outcome,
    stack: Vec<(bool, bool)>,
    vars: Vec<(GroupId, usize)>,
}

fn set_known(known: &mut [u64], s: usize, k: bool) {
    if let Some(w) = known.get_mut(s / 64) {
        if k {
            *w |= 1u64 << (s % 64);
        } else {
            *w &= !(1u64 << (s % 64));
        }
    }
}

/// Kleene value of a compiled condition over atom bitsets.
pub(crate) fn cond(c: &Cond, t: &[u64], f: &[u64], stack: &mut Vec<(bool, bool)>) -> Tri {
    match c {
        Cond::True => Tri::True,
        Cond::Dnf { conjs, lits } => {
            let mut any_true = false;
            let mut all_false = true;
            for &(s, e) in conjs {
                let mut ct = true;
                let mut cf = false;
                for l in &lits[s as usize..e as usize] {
                    let w = l.word as usize;
                    let (tw, fw) = (t[w], f[w]);
                    ct &= (tw & l.pos) == l.pos && (fw & l.neg) == l.neg;
                    cf |= ((fw & l.pos) | (tw & l.neg)) != 0;
                }
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
            stack.clear();
            for op in ops {
                match op {
                    Tape::Atom(bit) => {
                        let (w, b) = ((bit / 64) as usize, bit % 64);
                        let m = 1u64 << b;
                        stack.push((t[w] & m != 0, f[w] & m != 0));
                    }
                    Tape::Const(b) => stack.push((*b, !*b)),
                    Tape::Not => {
                        if let Some(x) = stack.last_mut() {
                            *x = (x.1, x.0);
                        }
                    }
                    Tape::And | Tape::Or => {
                        let (Some(b), Some(a)) = (stack.pop(), stack.pop()) else {
                            return Tri::Unknown;
                        };
                        stack.push(if matches!(op, Tape::And) {
                            (a.0 && b.0, a.1 || b.1)
                        } else {
                            (a.0 || b.0, a.1 && b.1)
                        });
                    }
                }
            }
            match stack.pop() {
                Some((true, _)) => Tri::True,
                Some((_, true)) => Tri::False,
                _ => Tri::Unknown,
            }
        }
        Cond::Tree(_) => Tri::Unknown,
    }
}

impl<'p> Evaluator<'p> {
    /// Scratch space for a program.
    pub fn new(p: &'p Program) -> Evaluator<'p> {
        let n_rules = p.rules.len();
        Evaluator {
            p,
            out: Outcome {
                status: vec![Status::NotApplies; n_rules],
                by: vec![u32::MAX; n_rules],
                holds: vec![Tri::False; n_rules],
                items: Vec::new(),
                myths: vec![Tri::False; p.myths.len()],
                processes: vec![Tri::False; p.processes.len()],
                steps: p
                    .processes
                    .iter()
                    .map(|x| vec![Tri::False; x.steps.len()])
                    .collect(),
                t: vec![0; p.n_words],
                f: vec![0; p.n_words],
                vals: vec![0; p.n_slots],
                known: vec![0; p.n_slots.div_ceil(64)],
                def_texts: vec![None; p.n_texts],
                as_of: 0,
            },
            stack: Vec::with_capacity(16),
            vars: Vec::with_capacity(4),
        }
    }

    /// The program.
    pub fn program(&self) -> &'p Program {
        self.p
    }

    /// The last outcome.
    pub fn outcome(&self) -> &Outcome {
        &self.out
    }

    /// Evaluates a case as of a date (days since 1970-01-01).
    pub fn run(&mut self, case: &Case, as_of: i64) -> &Outcome {
        let p = self.p;
        let o = &mut self.out;
        o.as_of = as_of;
        // 1. slots: answers, then the date.
        let nf = p.n_fact_slots;
        o.vals[..nf].copy_from_slice(&case.vals[..nf]);
        for w in o.known.iter_mut() {
            *w = 0;
        }
        let full = nf / 64;
        o.known[..full].copy_from_slice(&case.known[..full]);
        if !nf.is_multiple_of(64) {
            let mask = (1u64 << (nf % 64)) - 1;
            o.known[full] = case.known[full] & mask;
        }
        let aso = p.as_of_slot as usize;
        o.vals[aso] = as_of;
        set_known(&mut o.known, aso, true);
        // 2. gates and definitions.
        if !p.prep.is_empty() {
            for pr in &p.prep {
                let ctx = Ctx {
                    p,
                    vals: &o.vals,
                    known: &o.known,
                    case,
                    def_texts: &o.def_texts,
                };
                match pr {
                    Prep::Gate {
                        slot,
                        gate,
                        otherwise,
                    } => {
                        if tri(ctx.eval(gate, &mut self.vars)) == Tri::False {
                            let s = *slot as usize;
                            match otherwise {
                                Some(Cv::N(v)) => {
                                    o.vals[s] = *v;
                                    set_known(&mut o.known, s, true);
                                }
                                Some(Cv::B(b)) => {
                                    o.vals[s] = i64::from(*b);
                                    set_known(&mut o.known, s, true);
                                }
                                _ => set_known(&mut o.known, s, false),
                            }
                        }
                    }
                    Prep::Def {
                        slot,
                        cases,
                        default,
                    } => {
                        let s = *slot as usize;
                        let text_slot = p.slot_ty[s] == SlotTy::Text;
                        let mut chosen = Some(default);
                        for (c, v) in cases {
                            match tri(ctx.eval(c, &mut self.vars)) {
                                Tri::True => {
                                    chosen = Some(v);
                                    break;
                                }
                                Tri::Unknown => {
                                    chosen = None;
                                    break;
                                }
                                Tri::False => {}
                            }
                        }
                        if text_slot {
                            let t = chosen.and_then(|e| ctx.text_value(e, &mut self.vars));
                            let known = t.is_some();
                            if let Some(ti) = p.text_index[s] {
                                o.def_texts[ti as usize] = t;
                            }
                            set_known(&mut o.known, s, known);
                        } else {
                            let v = chosen.map(|e| ctx.eval(e, &mut self.vars)).unwrap_or(Cv::U);
                            match v {
                                Cv::N(x) => {
                                    o.vals[s] = x;
                                    set_known(&mut o.known, s, true);
                                }
                                Cv::B(b) => {
                                    o.vals[s] = i64::from(b);
                                    set_known(&mut o.known, s, true);
                                }
                                _ => set_known(&mut o.known, s, false),
                            }
                        }
                    }
                }
            }
        }
        // 3. atom tables.
        for w in o.t.iter_mut() {
            *w = 0;
        }
        for w in o.f.iter_mut() {
            *w = 0;
        }
        for tb in &p.tables {
            let s = tb.slot as usize;
            let known = o.known[s / 64] & (1u64 << (s % 64)) != 0;
            let (tv, fv) = if known {
                let v = o.vals[s];
                let vb = match &tb.kind {
                    TableKind::ByValue(bits) => usize::try_from(v)
                        .ok()
                        .and_then(|i| bits.get(i))
                        .copied()
                        .unwrap_or(0),
                    TableKind::Cuts { cuts, bits } => {
                        let rank = if cuts.len() <= 16 {
                            cuts.iter().map(|k| usize::from(v >= *k)).sum()
                        } else {
                            cuts.partition_point(|k| *k <= v)
                        };
                        bits[rank]
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
                };
                (vb | tb.known_true, (tb.value_mask & !vb) | tb.unknown_true)
            } else {
                (tb.unknown_true, tb.known_true)
            };
            let w = tb.word as usize;
            o.t[w] |= tv << tb.shift;
            o.f[w] |= fv << tb.shift;
        }
        // 4. complex atoms.
        if !p.complex.is_empty() {
            let ctx = Ctx {
                p,
                vals: &o.vals,
                known: &o.known,
                case,
                def_texts: &o.def_texts,
            };
            for cx in &p.complex {
                let (w, m) = ((cx.atom / 64) as usize, 1u64 << (cx.atom % 64));
                match tri(ctx.eval(&cx.expr, &mut self.vars)) {
                    Tri::True => o.t[w] |= m,
                    Tri::False => o.f[w] |= m,
                    Tri::Unknown => {}
                }
            }
        }
        // 5. rules, displacers first.
        o.items.clear();
        let mut has_items = false;
        for (ci, r) in p.rules.iter().enumerate() {
            if r.per_item.is_some() {
                has_items = true;
                o.holds[ci] = Tri::Unknown;
                o.status[ci] = Status::Undetermined;
                continue;
            }
            let in_force = as_of >= r.period.0 && as_of <= r.period.1;
            if !in_force {
                o.status[ci] = Status::NotInForce;
                o.holds[ci] = Tri::False;
                continue;
            }
            let when = cond(&r.cond, &o.t, &o.f, &mut self.stack);
            if when == Tri::False {
                o.status[ci] = Status::NotApplies;
                o.holds[ci] = Tri::False;
                continue;
            }
            let mut disp = Tri::False;
            let mut by = u32::MAX;
            for &d in &r.displacers {
                let h = o.holds[d as usize];
                if h == Tri::True {
                    disp = Tri::True;
                    by = d;
                    break;
                }
                disp = disp.or(h);
            }
            o.holds[ci] = when.and(disp.not());
            o.status[ci] = match (when, disp) {
                (Tri::True, Tri::False) => Status::Applies,
                (Tri::True, Tri::True) => Status::Displaced,
                (_, Tri::True) => Status::NotApplies,
                _ => Status::Undetermined,
            };
            o.by[ci] = by;
        }
        if has_items {
            self.run_items(case);
        }
        // 6. myths.
        let o = &mut self.out;
        for (i, my) in p.myths.iter().enumerate() {
            o.myths[i] = cond(&my.cond, &o.t, &o.f, &mut self.stack);
        }
        for (i, pr) in p.processes.iter().enumerate() {
            o.processes[i] = cond(&pr.cond, &o.t, &o.f, &mut self.stack);
            for (j, (sc, _)) in pr.steps.iter().enumerate() {
                o.steps[i][j] = cond(sc, &o.t, &o.f, &mut self.stack);
            }
        }
        &self.out
    }

    /// Per-item rules: one status per item, by the tree interpreter.
    fn run_items(&mut self, case: &Case) {
        let p = self.p;
        let o = &mut self.out;
        let ctx = Ctx {
            p,
            vals: &o.vals,
            known: &o.known,
            case,
            def_texts: &o.def_texts,
        };
        let mut items = std::mem::take(&mut o.items);
        for (ci, r) in p.rules.iter().enumerate() {
            let Some(g) = r.per_item else { continue };
            let in_force = o.as_of >= r.period.0 && o.as_of <= r.period.1;
            let ci32 = u32::try_from(ci).unwrap_or(u32::MAX);
            let Some(n) = ctx.items(g).map(Vec::len) else {
                // The list is unknown: the rule is decided only if it cannot apply to any
                // item, i.e. it does not apply to an item whose fields are all unknown.
                let status = if !in_force {
                    Status::NotInForce
                } else if item_status(p, &ctx, &o.holds, ci, usize::MAX, &mut self.vars).0
                    == Status::NotApplies
                {
                    Status::NotApplies
                } else {
                    Status::Undetermined
                };
                items.push(ItemStatus {
                    rule: ci32,
                    item: None,
                    status,
                    by: u32::MAX,
                });
                continue;
            };
            for i in 0..n {
                let (status, by) = if in_force {
                    item_status(p, &ctx, &o.holds, ci, i, &mut self.vars)
                } else {
                    (Status::NotInForce, u32::MAX)
                };
                items.push(ItemStatus {
                    rule: ci32,
                    item: Some(u32::try_from(i).unwrap_or(u32::MAX)),
                    status,
                    by,
                });
            }
        }
        o.items = items;
    }
}

fn item_when(
    p: &Program,
    ctx: &Ctx<'_>,
    ci: usize,
    item: usize,
    vars: &mut Vec<(GroupId, usize)>,
) -> Tri {
    let r = &p.rules[ci];
    let Some(g) = r.per_item else {
        return Tri::Unknown;
    };
    vars.clear();
    vars.push((g, item));
    let t = match &r.cond {
        Cond::Tree(e) => tri(ctx.eval(e, vars)),
        Cond::True => Tri::True,
        _ => Tri::Unknown,
    };
    vars.clear();
    t
}

fn item_holds(
    p: &Program,
    ctx: &Ctx<'_>,
    holds: &[Tri],
    ci: usize,
    item: usize,
    vars: &mut Vec<(GroupId, usize)>,
    depth: usize,
) -> Tri {
    let r = &p.rules[ci];
    if ctx
        .vals
        .get(p.as_of_slot as usize)
        .is_none_or(|d| *d < r.period.0 || *d > r.period.1)
    {
        return Tri::False;
    }
    let when = item_when(p, ctx, ci, item, vars);
    if when == Tri::False || depth > 64 {
        return Tri::False;
    }
    let mut disp = Tri::False;
    for &d in &r.displacers {
        let h = if p.rules[d as usize].per_item.is_some() {
            item_holds(p, ctx, holds, d as usize, item, vars, depth + 1)
        } else {
            holds[d as usize]
        };
        disp = disp.or(h);
        if disp == Tri::True {
            break;
        }
    }
    when.and(disp.not())
}

fn item_status(
    p: &Program,
    ctx: &Ctx<'_>,
    holds: &[Tri],
    ci: usize,
    item: usize,
    vars: &mut Vec<(GroupId, usize)>,
) -> (Status, u32) {
    let when = item_when(p, ctx, ci, item, vars);
    if when == Tri::False {
        return (Status::NotApplies, u32::MAX);
    }
    let mut disp = Tri::False;
    for &d in &p.rules[ci].displacers {
        let h = if p.rules[d as usize].per_item.is_some() {
            item_holds(p, ctx, holds, d as usize, item, vars, 1)
        } else {
            holds[d as usize]
        };
        if h == Tri::True {
            return (
                if when == Tri::True {
                    Status::Displaced
                } else {
                    Status::NotApplies
                },
                d,
            );
        }
        disp = disp.or(h);
    }
    match (when, disp) {
        (Tri::True, Tri::False) => (Status::Applies, u32::MAX),
        _ => (Status::Undetermined, u32::MAX),
    }
}
