//! Model → Program.

use crate::expr::{CExpr, Cv, SlotTy, TEXT_SLOT_BASE};
use crate::*;
use passerelle_check::model::{Cmp, DefId, Expr, ExprKind, FactType, Model, RuleKind, Type, Value};
use std::collections::HashMap;

/// Largest number of conjunctions a condition may have in normal form before it is kept
/// as a stack program instead.
const MAX_CONJS: usize = 64;
/// Largest total number of literals in a normal form.
const MAX_LITS: usize = 512;

/// A simple predicate on one slot's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Pred {
    /// Boolean or option (index) equal to.
    Is(i64),
    /// Option within mask.
    InMask(u64),
    /// Set intersects mask.
    SetAny(u64),
    /// Number compared with a constant.
    Cmp(Cmp, i64),
    /// Known (true) / unknown (false).
    Known(bool),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum AtomKey {
    Simple(Slot, Pred),
    Complex(CExpr),
}

struct Compiler<'m> {
    m: &'m Model,
    fact_slot: Vec<Option<Slot>>,
    def_slot: Vec<Slot>,
    slot_ty: Vec<SlotTy>,
    /// For enum and set slots, the number of options.
    slot_options: Vec<usize>,
    as_of_slot: Slot,
    text_index: Vec<Option<u32>>,
    texts: Vec<String>,
    text_ids: HashMap<String, u32>,
    atoms: Vec<AtomKey>,
    atom_ids: HashMap<AtomKey, u32>,
    atom_exprs: Vec<Expr>,
    leaves: Vec<Expr>,
    def_deps_memo: HashMap<DefId, Deps>,
    gate_guard: Vec<passerelle_check::model::FactId>,
}

fn days(d: jiff::civil::Date) -> i64 {
    date_to_days(d)
}

fn lit_cv(v: &Value, c: &mut Compiler<'_>) -> Cv {
    match v {
        Value::Bool(b) => Cv::B(*b),
        Value::Int(i) | Value::Money(i) => Cv::N(*i),
        Value::Date(d) => Cv::N(days(*d)),
        Value::Opt(o) => Cv::N(i64::from(*o)),
        Value::Set(s) => Cv::N(*s as i64),
        Value::Text(t) => Cv::T(c.text_literal(t)),
        Value::Duration(..) => Cv::U,
    }
}

fn slot_ty_of(t: Type) -> SlotTy {
    match t {
        Type::Bool => SlotTy::Bool,
        Type::Text => SlotTy::Text,
        _ => SlotTy::Num,
    }
}

impl Compiler<'_> {
    fn text_literal(&mut self, t: &str) -> u32 {
        if let Some(i) = self.text_ids.get(t) {
            return *i;
        }
        let i = u32::try_from(self.texts.len())
            .unwrap_or(u32::MAX - 1)
            .min(TEXT_SLOT_BASE - 1);
        self.texts.push(t.to_string());
        self.text_ids.insert(t.to_string(), i);
        i
    }

    /// The slot an expression reads directly, if it is a plain fact, definition or `as_of`.
    fn slot_of(&self, e: &Expr) -> Option<Slot> {
        match e.kind {
            ExprKind::Fact(f) => self.fact_slot.get(f.idx()).copied().flatten(),
            ExprKind::Def(d) => self.def_slot.get(d.idx()).copied(),
            ExprKind::AsOf => Some(self.as_of_slot),
            _ => None,
        }
    }

    fn cexpr(&mut self, e: &Expr) -> CExpr {
        let b = |x: CExpr| Box::new(x);
        match &e.kind {
            ExprKind::Lit(v) => CExpr::Lit(lit_cv(v, self)),
            ExprKind::Unknown => CExpr::Lit(Cv::U),
            ExprKind::Fact(_) | ExprKind::Def(_) | ExprKind::AsOf => match self.slot_of(e) {
                Some(s) => CExpr::Slot(s, self.slot_ty[s as usize]),
                None => CExpr::Lit(Cv::U),
            },
            ExprKind::ItemField(var, f) => {
                let pos = self.m.field_position(*f).unwrap_or(0);
                let ty = match self.m.fact(*f).ty {
                    FactType::Bool => SlotTy::Bool,
                    FactType::Text => SlotTy::Text,
                    _ => SlotTy::Num,
                };
                CExpr::Item(*var, u32::try_from(pos).unwrap_or(0), ty)
            }
            ExprKind::Not(a) => CExpr::Not(b(self.cexpr(a))),
            ExprKind::Neg(a) => CExpr::Neg(b(self.cexpr(a))),
            ExprKind::And(x, y) => CExpr::And(b(self.cexpr(x)), b(self.cexpr(y))),
            ExprKind::Or(x, y) => CExpr::Or(b(self.cexpr(x)), b(self.cexpr(y))),
            ExprKind::Cmp(c, x, y) => CExpr::Cmp(*c, b(self.cexpr(x)), b(self.cexpr(y))),
            ExprKind::Arith(op, x, y) => CExpr::Arith(*op, b(self.cexpr(x)), b(self.cexpr(y))),
            ExprKind::Shift(x, n, u, minus) => CExpr::Shift(b(self.cexpr(x)), *n, *u, *minus),
            ExprKind::InOptions(x, mask) => CExpr::InMask(b(self.cexpr(x)), *mask),
            ExprKind::SetHas(x, mask) => CExpr::SetHas(b(self.cexpr(x)), *mask),
            ExprKind::Known(x, k) => CExpr::Known(b(self.cexpr(x)), *k),
            ExprKind::If(c, x, y) => {
                CExpr::If(b(self.cexpr(c)), b(self.cexpr(x)), b(self.cexpr(y)))
            }
            ExprKind::Any(_, g, p) => CExpr::Any(*g, b(self.cexpr(p))),
            ExprKind::All(_, g, p) => CExpr::All(*g, b(self.cexpr(p))),
            ExprKind::Count(_, g, p) => CExpr::Count(*g, b(self.cexpr(p))),
            ExprKind::CountSet(x) => CExpr::CountSet(b(self.cexpr(x))),
        }
    }

    /// A simple atom for a boolean leaf, if it is one.
    fn simple(&self, e: &Expr) -> Option<(Slot, Pred, bool)> {
        // Returns (slot, predicate, negated).
        match &e.kind {
            ExprKind::Fact(_) | ExprKind::Def(_) if e.ty == Type::Bool => {
                Some((self.slot_of(e)?, Pred::Is(1), false))
            }
            ExprKind::Cmp(c, x, y) => {
                let (slot_side, lit, cmp) = match (&x.kind, &y.kind) {
                    (_, ExprKind::Lit(v)) if self.slot_of(x).is_some() => (x, v, *c),
                    (ExprKind::Lit(v), _) if self.slot_of(y).is_some() => (y, v, c.flip()),
                    _ => return None,
                };
                let s = self.slot_of(slot_side)?;
                let k = match lit {
                    Value::Bool(b) => i64::from(*b),
                    Value::Int(i) | Value::Money(i) => *i,
                    Value::Date(d) => days(*d),
                    Value::Opt(o) => i64::from(*o),
                    _ => return None,
                };
                match slot_side.ty {
                    Type::Bool => match cmp {
                        Cmp::Eq => Some((s, Pred::Is(1), k == 0)),
                        Cmp::Ne => Some((s, Pred::Is(1), k != 0)),
                        _ => None,
                    },
                    Type::Enum(_) => match cmp {
                        Cmp::Eq if (0..64).contains(&k) => {
                            Some((s, Pred::InMask(1u64 << k), false))
                        }
                        Cmp::Ne if (0..64).contains(&k) => Some((s, Pred::InMask(1u64 << k), true)),
                        _ => None,
                    },
                    Type::Int | Type::Money | Type::Date => match cmp {
                        Cmp::Ne => Some((s, Pred::Cmp(Cmp::Eq, k), true)),
                        c => Some((s, Pred::Cmp(c, k), false)),
                    },
                    _ => None,
                }
            }
            ExprKind::InOptions(x, mask) => Some((self.slot_of(x)?, Pred::InMask(*mask), false)),
            ExprKind::SetHas(x, mask) => Some((self.slot_of(x)?, Pred::SetAny(*mask), false)),
            ExprKind::Known(x, k) => Some((self.slot_of(x)?, Pred::Known(*k), false)),
            _ => None,
        }
    }

    fn atom(&mut self, key: AtomKey, e: &Expr) -> u32 {
        if let Some(i) = self.atom_ids.get(&key) {
            return *i;
        }
        let i = u32::try_from(self.atoms.len()).unwrap_or(u32::MAX);
        self.atoms.push(key.clone());
        self.atom_ids.insert(key, i);
        self.atom_exprs.push(e.clone());
        i
    }

    /// A boolean expression as a formula over atoms.
    fn formula(&mut self, e: &Expr) -> Formula {
        match &e.kind {
            ExprKind::Lit(Value::Bool(b)) => Formula::Const(*b),
            ExprKind::Not(a) => Formula::Not(Box::new(self.formula(a))),
            ExprKind::And(a, b) => {
                let mut v = Vec::new();
                for x in [self.formula(a), self.formula(b)] {
                    match x {
                        Formula::And(inner) => v.extend(inner),
                        other => v.push(other),
                    }
                }
                Formula::And(v)
            }
            ExprKind::Or(a, b) => {
                let mut v = Vec::new();
                for x in [self.formula(a), self.formula(b)] {
                    match x {
                        Formula::Or(inner) => v.extend(inner),
                        other => v.push(other),
                    }
                }
                Formula::Or(v)
            }
            _ => {
                let leaf = u32::try_from(self.leaves.len()).unwrap_or(u32::MAX);
                self.leaves.push(e.clone());
                match self.simple(e) {
                    Some((s, p, neg)) => {
                        let atom = self.atom(AtomKey::Simple(s, p), e);
                        Formula::Lit { atom, neg, leaf }
                    }
                    None => {
                        let c = self.cexpr(e);
                        let atom = self.atom(AtomKey::Complex(c), e);
                        Formula::Lit {
                            atom,
                            neg: false,
                            leaf,
                        }
                    }
                }
            }
        }
    }

    /// The structure of a per-item condition, with compiled leaves.
    fn tree_formula(&mut self, e: &Expr) -> TFormula {
        match &e.kind {
            ExprKind::And(a, b) => {
                let mut v = Vec::new();
                for x in [self.tree_formula(a), self.tree_formula(b)] {
                    match x {
                        TFormula::And(inner) => v.extend(inner),
                        other => v.push(other),
                    }
                }
                TFormula::And(v)
            }
            ExprKind::Or(a, b) => {
                let mut v = Vec::new();
                for x in [self.tree_formula(a), self.tree_formula(b)] {
                    match x {
                        TFormula::Or(inner) => v.extend(inner),
                        other => v.push(other),
                    }
                }
                TFormula::Or(v)
            }
            ExprKind::Not(a) => TFormula::Not(Box::new(self.tree_formula(a))),
            _ => {
                let leaf = u32::try_from(self.leaves.len()).unwrap_or(u32::MAX);
                self.leaves.push(e.clone());
                TFormula::Leaf(self.cexpr(e), leaf)
            }
        }
    }

    fn def_deps(&mut self, d: DefId) -> Deps {
        if let Some(x) = self.def_deps_memo.get(&d) {
            return x.clone();
        }
        // Guard against cycles (already reported by the checker).
        self.def_deps_memo.insert(d, Deps::default());
        let def = self.m.def(d);
        let mut out = Deps::default();
        for (c, v) in &def.cases {
            self.deps_into(c, &mut out);
            self.deps_into(v, &mut out);
        }
        self.deps_into(&def.default, &mut out);
        self.def_deps_memo.insert(d, out.clone());
        out
    }

    fn deps_into(&mut self, e: &Expr, out: &mut Deps) {
        let mut facts = Vec::new();
        let mut defs = Vec::new();
        let mut groups = Vec::new();
        e.walk(&mut |x| match x.kind {
            ExprKind::Fact(f) => facts.push(f),
            ExprKind::Def(d) => defs.push(d),
            ExprKind::Any(_, g, _) | ExprKind::All(_, g, _) | ExprKind::Count(_, g, _) => {
                groups.push(g)
            }
            _ => {}
        });
        for f in facts {
            if let Some(s) = self.fact_slot.get(f.idx()).copied().flatten()
                && !out.slots.contains(&s)
            {
                out.slots.push(s);
            }
            if let Some(g) = self.m.fact(f).gate.clone() {
                if !out.slots.is_empty() && self.gate_guard.contains(&f) {
                    continue;
                }
                self.gate_guard.push(f);
                self.deps_into(&g, out);
                self.gate_guard.pop();
            }
        }
        for d in defs {
            let dd = self.def_deps(d);
            for s in dd.slots {
                if !out.slots.contains(&s) {
                    out.slots.push(s);
                }
            }
            for g in dd.groups {
                if !out.groups.contains(&g) {
                    out.groups.push(g);
                }
            }
        }
        for g in groups {
            if !out.groups.contains(&g) {
                out.groups.push(g);
            }
            if let Some(gate) = self.m.group(g).gate.clone() {
                self.deps_into(&gate, out);
            }
        }
    }
}

/// Negation normal form, then distribution into conjunctions of (atom, positive) literals.
/// `None` when the normal form exceeds the caps.
fn dnf(f: &Formula, negate: bool, budget: &mut usize) -> Option<Vec<Vec<(u32, bool)>>> {
    match f {
        Formula::Const(b) => {
            if *b != negate {
                Some(vec![Vec::new()])
            } else {
                Some(Vec::new())
            }
        }
        Formula::Lit { atom, neg, .. } => Some(vec![vec![(*atom, !(negate ^ neg))]]),
        Formula::Not(x) => dnf(x, !negate, budget),
        Formula::And(xs) | Formula::Or(xs) => {
            let is_and = matches!(f, Formula::And(_)) != negate;
            if is_and {
                let mut acc: Vec<Vec<(u32, bool)>> = vec![Vec::new()];
                for x in xs {
                    let d = dnf(x, negate, budget)?;
                    let mut next = Vec::with_capacity(acc.len() * d.len());
                    for a in &acc {
                        for b in &d {
                            let mut c = a.clone();
                            c.extend_from_slice(b);
                            *budget = budget.checked_sub(c.len().max(1))?;
                            next.push(c);
                        }
                    }
                    if next.len() > MAX_CONJS {
                        return None;
                    }
                    acc = next;
                }
                Some(acc)
            } else {
                let mut acc = Vec::new();
                for x in xs {
                    acc.extend(dnf(x, negate, budget)?);
                    if acc.len() > MAX_CONJS {
                        return None;
                    }
                }
                Some(acc)
            }
        }
    }
}

fn tape(f: &Formula, out: &mut Vec<Tape>) {
    match f {
        Formula::Const(b) => out.push(Tape::Const(*b)),
        Formula::Lit { atom, neg, .. } => {
            out.push(Tape::Atom(*atom));
            if *neg {
                out.push(Tape::Not);
            }
        }
        Formula::Not(x) => {
            tape(x, out);
            out.push(Tape::Not);
        }
        Formula::And(xs) | Formula::Or(xs) => {
            let op = if matches!(f, Formula::And(_)) {
                Tape::And
            } else {
                Tape::Or
            };
            if xs.is_empty() {
                out.push(Tape::Const(matches!(f, Formula::And(_))));
                return;
            }
            for (i, x) in xs.iter().enumerate() {
                tape(x, out);
                if i > 0 {
                    out.push(op.clone());
                }
            }
        }
    }
}

/// Compiles a formula given where each atom's bit is.
fn cond_of(f: &Formula, bit_of: &[(u32, u32)]) -> Cond {
    if matches!(f, Formula::And(v) if v.is_empty()) || *f == Formula::Const(true) {
        return Cond::True;
    }
    let mut budget = MAX_LITS;
    match dnf(f, false, &mut budget) {
        Some(conjs) => {
            let mut lits = Vec::new();
            let mut ranges = Vec::with_capacity(conjs.len());
            for c in conjs {
                let start = lits.len();
                let mut by_word: Vec<Lit> = Vec::new();
                for (a, pos) in c {
                    let Some(&(word, bit)) = bit_of.get(a as usize) else {
                        continue;
                    };
                    let mask = 1u64 << bit;
                    let entry = match by_word.iter_mut().find(|l| l.word == word) {
                        Some(e) => e,
                        None => {
                            by_word.push(Lit {
                                word,
                                pos: 0,
                                neg: 0,
                            });
                            let last = by_word.len() - 1;
                            &mut by_word[last]
                        }
                    };
                    if pos {
                        entry.pos |= mask;
                    } else {
                        entry.neg |= mask;
                    }
                }
                by_word.sort_by_key(|l| l.word);
                lits.extend(by_word);
                ranges.push((
                    u32::try_from(start).unwrap_or(0),
                    u32::try_from(lits.len()).unwrap_or(0),
                ));
            }
            Cond::Dnf {
                conjs: ranges,
                lits,
            }
        }
        None => {
            let mut t = Vec::new();
            tape(f, &mut t);
            // Atoms become bit positions: encode as word * 64 + bit.
            for op in &mut t {
                if let Tape::Atom(a) = op
                    && let Some(&(w, b)) = bit_of.get(*a as usize)
                {
                    *a = w * 64 + b;
                }
            }
            Cond::Tape(t)
        }
    }
}

/// Compiles a checked model. The model must have no error diagnostics.
pub fn compile(m: &Model) -> Program {
    // ---- slots
    let mut fact_slot = vec![None; m.facts.len()];
    let mut slot_ty = Vec::new();
    let mut slot_options = Vec::new();
    let mut slot_fact = Vec::new();
    for (i, f) in m.facts.iter().enumerate() {
        if f.group.is_some() {
            continue;
        }
        fact_slot[i] = Some(u32::try_from(slot_ty.len()).unwrap_or(0));
        slot_fact.push(passerelle_check::model::FactId(
            u32::try_from(i).unwrap_or(0),
        ));
        slot_ty.push(match f.ty {
            FactType::Bool => SlotTy::Bool,
            FactType::Text => SlotTy::Text,
            _ => SlotTy::Num,
        });
        slot_options.push(f.options.len());
    }
    let n_fact_slots = slot_ty.len();
    let mut def_slot = Vec::with_capacity(m.defs.len());
    for d in &m.defs {
        def_slot.push(u32::try_from(slot_ty.len()).unwrap_or(0));
        slot_ty.push(slot_ty_of(d.ty));
        slot_options.push(0);
    }
    let as_of_slot = u32::try_from(slot_ty.len()).unwrap_or(0);
    slot_ty.push(SlotTy::Num);
    slot_options.push(0);
    let mut text_index = vec![None; slot_ty.len()];
    let mut n_texts = 0u32;
    for (i, t) in slot_ty.iter().enumerate() {
        if *t == SlotTy::Text {
            text_index[i] = Some(n_texts);
            n_texts += 1;
        }
    }
    let mut c = Compiler {
        m,
        fact_slot,
        def_slot,
        slot_ty,
        slot_options,
        as_of_slot,
        text_index,
        texts: Vec::new(),
        text_ids: HashMap::new(),
        atoms: Vec::new(),
        atom_ids: HashMap::new(),
        atom_exprs: Vec::new(),
        leaves: Vec::new(),
        def_deps_memo: HashMap::new(),
        gate_guard: Vec::new(),
    };

    // ---- prep order: gated facts and definitions, dependencies first
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Node {
        Fact(usize),
        Def(usize),
    }
    let mut nodes = Vec::new();
    for (i, f) in m.facts.iter().enumerate() {
        if f.group.is_none() && f.gate.is_some() {
            nodes.push(Node::Fact(i));
        }
    }
    for i in 0..m.defs.len() {
        nodes.push(Node::Def(i));
    }
    let reads = |n: Node| -> Vec<Node> {
        let mut out = Vec::new();
        let mut visit = |e: &Expr| {
            e.walk(&mut |x| match x.kind {
                ExprKind::Fact(f) if m.fact(f).gate.is_some() => out.push(Node::Fact(f.idx())),
                ExprKind::Def(d) => out.push(Node::Def(d.idx())),
                _ => {}
            })
        };
        match n {
            Node::Fact(i) => {
                if let Some(g) = &m.facts[i].gate {
                    visit(g);
                }
            }
            Node::Def(i) => {
                let d = &m.defs[i];
                for (c, v) in &d.cases {
                    visit(c);
                    visit(v);
                }
                visit(&d.default);
            }
        }
        out
    };
    let mut order: Vec<Node> = Vec::new();
    let mut state: HashMap<(bool, usize), u8> = HashMap::new();
    let key = |n: Node| match n {
        Node::Fact(i) => (true, i),
        Node::Def(i) => (false, i),
    };
    for &start in &nodes {
        if state.get(&key(start)).copied().unwrap_or(0) != 0 {
            continue;
        }
        let mut stack = vec![(start, reads(start), 0usize)];
        state.insert(key(start), 1);
        while let Some((node, deps, next)) = stack.last_mut() {
            if *next < deps.len() {
                let t = deps[*next];
                *next += 1;
                if state.get(&key(t)).copied().unwrap_or(0) == 0 {
                    state.insert(key(t), 1);
                    let r = reads(t);
                    stack.push((t, r, 0));
                }
            } else {
                let n = *node;
                state.insert(key(n), 2);
                order.push(n);
                stack.pop();
            }
        }
    }
    let mut prep = Vec::new();
    for n in order {
        match n {
            Node::Fact(i) => {
                let f = &m.facts[i];
                let (Some(slot), Some(g)) = (c.fact_slot[i], &f.gate) else {
                    continue;
                };
                let gate = c.cexpr(g);
                let otherwise = f.otherwise.as_ref().map(|v| lit_cv(v, &mut c));
                prep.push(Prep::Gate {
                    slot,
                    gate,
                    otherwise,
                });
            }
            Node::Def(i) => {
                let d = &m.defs[i];
                let cases = d
                    .cases
                    .iter()
                    .map(|(a, b)| (c.cexpr(a), c.cexpr(b)))
                    .collect();
                let default = c.cexpr(&d.default);
                prep.push(Prep::Def {
                    slot: c.def_slot[i],
                    cases,
                    default,
                });
            }
        }
    }

    // ---- formulas (this discovers the atoms)
    let rule_formulas: Vec<Formula> = m
        .rules
        .iter()
        .map(|r| match (&r.when, &r.per_item) {
            (_, Some(_)) => Formula::Const(true),
            (Some(w), None) => c.formula(w),
            (None, None) => Formula::And(Vec::new()),
        })
        .collect();
    let myth_formulas: Vec<Formula> = m
        .myths
        .iter()
        .map(|x| {
            x.relevant_when
                .as_ref()
                .map(|w| c.formula(w))
                .unwrap_or(Formula::And(Vec::new()))
        })
        .collect();
    let gate_formulas: Vec<Option<Formula>> = m
        .facts
        .iter()
        .map(|f| {
            f.gate
                .as_ref()
                .filter(|_| f.group.is_none())
                .map(|g| c.formula(g))
        })
        .collect();
    let process_formulas: Vec<(Formula, Vec<Formula>)> = m
        .processes
        .iter()
        .map(|pr| {
            let f = pr
                .when
                .as_ref()
                .map(|w| c.formula(w))
                .unwrap_or(Formula::And(Vec::new()));
            let steps = pr
                .steps
                .iter()
                .map(|s| {
                    s.when
                        .as_ref()
                        .map(|w| c.formula(w))
                        .unwrap_or(Formula::And(Vec::new()))
                })
                .collect();
            (f, steps)
        })
        .collect();
    let group_gate_formulas: Vec<Option<Formula>> = m
        .groups
        .iter()
        .map(|g| g.gate.as_ref().map(|x| c.formula(x)))
        .collect();

    // ---- atom bits: tables per slot (never straddling a word), then complex atoms
    let n_atoms_total = c.atoms.len();
    let mut bit_of: Vec<(u32, u32)> = vec![(0, 0); n_atoms_total];
    let mut by_slot: Vec<Vec<u32>> = vec![Vec::new(); c.slot_ty.len()];
    let mut complex_atoms = Vec::new();
    for (i, k) in c.atoms.iter().enumerate() {
        match k {
            AtomKey::Simple(s, _) => by_slot[*s as usize].push(u32::try_from(i).unwrap_or(0)),
            AtomKey::Complex(_) => complex_atoms.push(u32::try_from(i).unwrap_or(0)),
        }
    }
    let mut word: u32 = 0;
    let mut used: u32 = 0;
    let mut tables = Vec::new();
    for (slot, atoms) in by_slot.iter().enumerate() {
        for chunk in atoms.chunks(64) {
            let n = u32::try_from(chunk.len()).unwrap_or(64);
            if used + n > 64 {
                word += 1;
                used = 0;
            }
            let shift = used;
            for (j, a) in chunk.iter().enumerate() {
                bit_of[*a as usize] = (word, shift + u32::try_from(j).unwrap_or(0));
            }
            used += n;
            tables.push(build_table(
                &c,
                u32::try_from(slot).unwrap_or(0),
                chunk,
                word,
                shift,
            ));
        }
    }
    let mut complex = Vec::new();
    for a in complex_atoms {
        if used + 1 > 64 {
            word += 1;
            used = 0;
        }
        bit_of[a as usize] = (word, used);
        used += 1;
        if let AtomKey::Complex(e) = &c.atoms[a as usize] {
            complex.push(Complex {
                atom: word * 64 + bit_of[a as usize].1,
                expr: e.clone(),
            });
        }
    }
    let n_words = if n_atoms_total == 0 {
        0
    } else {
        word as usize + 1
    };

    // ---- what each atom reads, by bit position
    let atom_exprs = std::mem::take(&mut c.atom_exprs);
    let mut atoms: Vec<AtomInfo> = vec![AtomInfo::default(); n_words * 64];
    for (i, e) in atom_exprs.iter().enumerate() {
        let mut d = Deps::default();
        c.deps_into(e, &mut d);
        let (w, b) = bit_of[i];
        if let Some(slot) = atoms.get_mut((w * 64 + b) as usize) {
            slot.deps = d;
        }
    }
    // ---- probe values per fact slot: one value in each interval the tables cut
    let mut probes: Vec<Vec<i64>> = vec![Vec::new(); n_fact_slots];
    for (slot, pr) in probes.iter_mut().enumerate() {
        let ty = c.slot_ty[slot];
        let opts = c.slot_options[slot];
        let Some(f) = slot_fact.get(slot).map(|x| m.fact(*x)) else {
            continue;
        };
        match (ty, f.ty) {
            (SlotTy::Bool, _) => pr.extend([0, 1]),
            (_, FactType::Enum) => pr.extend((0..opts.min(64)).map(|o| o as i64)),
            (_, FactType::Set) => {
                pr.push(0);
                pr.extend((0..opts.min(63)).map(|o| 1i64 << o));
                if opts > 0 && opts < 63 {
                    pr.push((1i64 << opts) - 1);
                }
            }
            (SlotTy::Text, _) => {}
            _ => pr.extend([0, 1, 100, 1_000_000, 100_000_000]),
        }
    }
    for t in &tables {
        if let (TableKind::Cuts { cuts, .. }, Some(pr)) = (&t.kind, probes.get_mut(t.slot as usize))
        {
            pr.extend(cuts.iter().map(|k| k.saturating_sub(1)));
            pr.extend(cuts.iter().copied());
        }
    }
    for pr in &mut probes {
        pr.sort_unstable();
        pr.dedup();
    }
    let remap = |f: &Formula| remap_formula(f, &bit_of);

    // ---- rules in displacement order
    let n_rules = m.rules.len();
    let mut rule_order = Vec::with_capacity(n_rules);
    let mut st = vec![0u8; n_rules];
    for start in 0..n_rules {
        if st[start] != 0 {
            continue;
        }
        let mut stack = vec![(start, 0usize)];
        st[start] = 1;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            let ds = &m.displaced_by[node];
            if *next < ds.len() {
                let t = ds[*next].idx();
                *next += 1;
                if st[t] == 0 {
                    st[t] = 1;
                    stack.push((t, 0));
                }
            } else {
                st[node] = 2;
                rule_order.push(node);
                stack.pop();
            }
        }
    }
    let mut rule_index = vec![0u32; n_rules];
    for (ci, &ri) in rule_order.iter().enumerate() {
        rule_index[ri] = u32::try_from(ci).unwrap_or(0);
    }
    let mut rules = Vec::with_capacity(n_rules);
    let mut dated_rules = Vec::new();
    for &ri in &rule_order {
        let r = &m.rules[ri];
        let formula = remap(&rule_formulas[ri]);
        let item_formula = match (&r.per_item, &r.when) {
            (Some(_), Some(w)) => Some(c.tree_formula(w)),
            _ => None,
        };
        let cond = match (&r.per_item, &r.when) {
            (Some(_), Some(w)) => Cond::Tree(c.cexpr(w)),
            (Some(_), None) => Cond::True,
            (None, _) => cond_of(&rule_formulas[ri], &bit_of),
        };
        let mut deps = Deps::default();
        if let Some(w) = &r.when {
            c.deps_into(w, &mut deps);
        }
        if let Some((_, g)) = &r.per_item
            && !deps.groups.contains(g)
        {
            deps.groups.push(*g);
        }
        let period = (
            r.period.from.map(days).unwrap_or(i64::MIN),
            r.period.to.map(days).unwrap_or(i64::MAX),
        );
        if r.period.from.is_some() || r.period.to.is_some() {
            dated_rules.push(rule_index[ri]);
        }
        let displacers = m.displaced_by[ri]
            .iter()
            .filter(|d| m.rule(**d).status.is_verified())
            .map(|d| rule_index[d.idx()])
            .collect();
        rules.push(CRule {
            id: passerelle_check::model::RuleId(u32::try_from(ri).unwrap_or(0)),
            cond,
            formula,
            item_formula,
            displacers,
            per_item: r.per_item.as_ref().map(|(_, g)| *g),
            period,
            obligation: r.kind != RuleKind::Exception,
            verified: r.status.is_verified(),
            deps,
        });
    }
    let myths = m
        .myths
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let mut deps = Deps::default();
            if let Some(w) = &x.relevant_when {
                c.deps_into(w, &mut deps);
            }
            CMyth {
                id: passerelle_check::model::MythId(u32::try_from(i).unwrap_or(0)),
                cond: cond_of(&myth_formulas[i], &bit_of),
                formula: remap(&myth_formulas[i]),
                deps,
            }
        })
        .collect();
    let mut processes = Vec::with_capacity(m.processes.len());
    for (pi, (pf, sfs)) in process_formulas.iter().enumerate() {
        let pr = &m.processes[pi];
        let mut deps = Deps::default();
        if let Some(w) = &pr.when {
            c.deps_into(w, &mut deps);
        }
        let steps = sfs
            .iter()
            .zip(&pr.steps)
            .map(|(f, s)| {
                let mut d = Deps::default();
                if let Some(w) = &s.when {
                    c.deps_into(w, &mut d);
                }
                (cond_of(f, &bit_of), d)
            })
            .collect();
        let verified = pr.steps.iter().map(|s| s.status.is_verified()).collect();
        processes.push(CProcess {
            cond: cond_of(pf, &bit_of),
            deps,
            steps,
            verified,
        });
    }
    let mut gates = vec![None; n_fact_slots];
    for (i, gf) in gate_formulas.iter().enumerate() {
        if let (Some(f), Some(slot)) = (gf, c.fact_slot[i]) {
            let mut deps = Deps::default();
            if let Some(g) = &m.facts[i].gate {
                c.deps_into(g, &mut deps);
            }
            gates[slot as usize] = Some((cond_of(f, &bit_of), deps));
        }
    }
    let group_gate_exprs = m
        .groups
        .iter()
        .map(|g| g.gate.as_ref().map(|x| c.cexpr(x)))
        .collect();
    let mut group_gates = Vec::with_capacity(m.groups.len());
    for (i, gf) in group_gate_formulas.iter().enumerate() {
        group_gates.push(gf.as_ref().map(|f| {
            let mut deps = Deps::default();
            if let Some(g) = &m.groups[i].gate {
                c.deps_into(g, &mut deps);
            }
            (cond_of(f, &bit_of), deps)
        }));
    }
    let mut program = Program {
        n_slots: c.slot_ty.len(),
        n_fact_slots,
        slot_ty: c.slot_ty.clone(),
        fact_slot: c.fact_slot.clone(),
        slot_fact,
        as_of_slot,
        text_index: c.text_index.clone(),
        n_texts: n_texts as usize,
        text_literals: std::mem::take(&mut c.texts),
        prep,
        tables,
        complex,
        n_atoms: n_atoms_total,
        n_words,
        atoms,
        leaves: std::mem::take(&mut c.leaves),
        group_gate_exprs,
        probes,
        rules,
        rule_index,
        myths,
        processes,
        dated_rules,
        gates,
        group_gates,
        group_fields: m.groups.iter().map(|g| g.fields.clone()).collect(),
        reach: crate::Reach::default(),
    };
    program.reach = crate::reach(&program);
    program
}

/// Atoms renumbered to bit positions (word * 64 + bit).
fn remap_formula(f: &Formula, bit_of: &[(u32, u32)]) -> Formula {
    match f {
        Formula::Const(b) => Formula::Const(*b),
        Formula::Lit { atom, neg, leaf } => {
            let (w, b) = bit_of.get(*atom as usize).copied().unwrap_or((0, 0));
            Formula::Lit {
                atom: w * 64 + b,
                neg: *neg,
                leaf: *leaf,
            }
        }
        Formula::Not(x) => Formula::Not(Box::new(remap_formula(x, bit_of))),
        Formula::And(xs) => Formula::And(xs.iter().map(|x| remap_formula(x, bit_of)).collect()),
        Formula::Or(xs) => Formula::Or(xs.iter().map(|x| remap_formula(x, bit_of)).collect()),
    }
}

/// The value of a predicate on a known value.
fn holds(p: Pred, v: i64) -> bool {
    match p {
        Pred::Is(k) => v == k,
        Pred::InMask(mask) => (0..64).contains(&v) && mask & (1u64 << v) != 0,
        Pred::SetAny(mask) => (v as u64) & mask != 0,
        Pred::Cmp(c, k) => c.holds(v.cmp(&k)),
        Pred::Known(_) => true,
    }
}

fn build_table(c: &Compiler<'_>, slot: Slot, atoms: &[u32], word: u32, shift: u32) -> SlotTable {
    let mut known_true = 0u64;
    let mut unknown_true = 0u64;
    let mut value_mask = 0u64;
    let mut preds = Vec::new();
    for (j, a) in atoms.iter().enumerate() {
        let AtomKey::Simple(_, p) = c.atoms[*a as usize] else {
            continue;
        };
        let bit = 1u64 << j;
        match p {
            Pred::Known(true) => known_true |= bit,
            Pred::Known(false) => unknown_true |= bit,
            _ => {
                value_mask |= bit;
                preds.push((bit, p));
            }
        }
    }
    let ty = c.slot_ty[slot as usize];
    let is_set = preds.iter().any(|(_, p)| matches!(p, Pred::SetAny(_)));
    let kind = if preds.is_empty() {
        TableKind::KnownOnly
    } else if is_set {
        let n = c.slot_options[slot as usize].min(64);
        let mut per = vec![0u64; n];
        for (bit, p) in &preds {
            if let Pred::SetAny(mask) = p {
                for (e, slot_bits) in per.iter_mut().enumerate() {
                    if mask & (1u64 << e) != 0 {
                        *slot_bits |= bit;
                    }
                }
            }
        }
        TableKind::SetElems(per)
    } else if ty == SlotTy::Bool || preds.iter().all(|(_, p)| matches!(p, Pred::InMask(_))) {
        let n = if ty == SlotTy::Bool {
            2
        } else {
            c.slot_options[slot as usize].clamp(1, 64)
        };
        let bits = (0..n)
            .map(|v| {
                preds
                    .iter()
                    .filter(|(_, p)| holds(*p, v as i64))
                    .fold(0u64, |acc, (b, _)| acc | b)
            })
            .collect();
        TableKind::ByValue(bits)
    } else {
        let mut cuts = Vec::new();
        for (_, p) in &preds {
            match p {
                Pred::Cmp(Cmp::Lt | Cmp::Ge, k) => cuts.push(*k),
                Pred::Cmp(Cmp::Le | Cmp::Gt, k) => cuts.push(k.saturating_add(1)),
                Pred::Cmp(Cmp::Eq | Cmp::Ne, k) | Pred::Is(k) => {
                    cuts.push(*k);
                    cuts.push(k.saturating_add(1));
                }
                Pred::InMask(_) | Pred::SetAny(_) | Pred::Known(_) => {}
            }
        }
        cuts.sort_unstable();
        cuts.dedup();
        // Interval i is [cuts[i-1], cuts[i]); its representative is its lower end
        // (or the value just below the first cut).
        let mut bits = Vec::with_capacity(cuts.len() + 1);
        for i in 0..=cuts.len() {
            let rep = if i == 0 {
                cuts.first().map(|k| k.saturating_sub(1)).unwrap_or(0)
            } else {
                cuts[i - 1]
            };
            bits.push(
                preds
                    .iter()
                    .filter(|(_, p)| holds(*p, rep))
                    .fold(0u64, |acc, (b, _)| acc | b),
            );
        }
        TableKind::Cuts { cuts, bits }
    };
    SlotTable {
        slot,
        word,
        shift,
        known_true,
        unknown_true,
        value_mask,
        kind,
    }
}
