//! The benchmark workload: a generated pack, its answers, and every obligation's
//! condition as a small formula that the peer encodings and the native generator share.
//!
//! Everything is derived from the typed model that `passerelle check` produces, so every
//! engine receives the same rules: an obligation holds when its condition is true and no
//! verified displacer holds (`when and not (x and y)` for the generated exceptions).

use passerelle::Pack;
use passerelle::generate::{GenOptions, answers, generate, to_loaded};
use passerelle_check::model::{
    Answers, Cmp, Expr, ExprKind, FactType, Model, RuleId, RuleKind, Value,
};
use passerelle_eval::{Case, Evaluator, Status};
use passerelle_ir::{Program, date_to_days};
use serde_json::{Map, Value as J};

/// Seed of the generated pack.
pub const PACK_SEED: u64 = 1;
/// Seed of the generated answers.
pub const ANSWER_SEED: u64 = 20_261_129;
/// Rules of the engine workload.
pub const ENGINE_RULES: usize = 50;
/// Facts of the engine workload.
pub const ENGINE_FACTS: usize = 30;

/// The evaluation date: 2026-11-29 (every generated rule is in force from 2020-01-01).
pub fn as_of() -> i64 {
    date_to_days(jiff::civil::Date::constant(2026, 11, 29))
}

/// The generator's options for `rules` rules over `facts` facts.
pub fn gen_options(rules: usize, facts: usize) -> GenOptions {
    GenOptions {
        rules,
        facts,
        seed: PACK_SEED,
        rules_per_file: 500,
    }
}

/// Loads generated files (text → model → program), with the search lints, parsing on one
/// thread.
pub fn load(files: &[(String, String)]) -> Result<Pack, String> {
    load_with(files, 1)
}

/// [`load`] with `threads` parsing threads (0: one per core).
pub fn load_with(files: &[(String, String)], threads: usize) -> Result<Pack, String> {
    Pack::from_loaded(
        to_loaded(files),
        &passerelle_check::Options {
            search_lints: true,
            threads,
        },
    )
    .map_err(|e| {
        format!(
            "generated pack does not check: {e}: {:?}",
            e.diags.iter().next()
        )
    })
}

/// A comparison of a number with a constant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `==`
    Eq,
    /// `!=`
    Ne,
}

impl Op {
    /// As written in every target language.
    pub fn text(self) -> &'static str {
        match self {
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Eq => "==",
            Op::Ne => "!=",
        }
    }

    /// The complement (`not (a < k)` is `a >= k`).
    pub fn negate(self) -> Op {
        match self {
            Op::Lt => Op::Ge,
            Op::Le => Op::Gt,
            Op::Gt => Op::Le,
            Op::Ge => Op::Lt,
            Op::Eq => Op::Ne,
            Op::Ne => Op::Eq,
        }
    }

    fn flip(self) -> Op {
        match self {
            Op::Lt => Op::Gt,
            Op::Le => Op::Ge,
            Op::Gt => Op::Lt,
            Op::Ge => Op::Le,
            x => x,
        }
    }

    fn holds(self, a: i64, k: i64) -> bool {
        match self {
            Op::Lt => a < k,
            Op::Le => a <= k,
            Op::Gt => a > k,
            Op::Ge => a >= k,
            Op::Eq => a == k,
            Op::Ne => a != k,
        }
    }
}

/// A test of one fact against constants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Atom {
    /// A boolean equals `v`.
    Bool {
        /// Fact index.
        fact: usize,
        /// Expected value.
        v: bool,
    },
    /// An option is one of `mask`.
    Opt {
        /// Fact index.
        fact: usize,
        /// Options.
        mask: u64,
    },
    /// A number (integer, cents, days since 1970-01-01) compared with `k`.
    Num {
        /// Fact index.
        fact: usize,
        /// Comparison.
        op: Op,
        /// Constant.
        k: i64,
    },
    /// A set contains option `opt`.
    Has {
        /// Fact index.
        fact: usize,
        /// Option index.
        opt: u32,
    },
}

impl Atom {
    /// The fact it reads.
    pub fn fact(&self) -> usize {
        match self {
            Atom::Bool { fact, .. }
            | Atom::Opt { fact, .. }
            | Atom::Num { fact, .. }
            | Atom::Has { fact, .. } => *fact,
        }
    }

    /// Its value on a row of encoded answers.
    pub fn eval(&self, row: &[i64]) -> bool {
        let v = row[self.fact()];
        match self {
            Atom::Bool { v: b, .. } => (v != 0) == *b,
            Atom::Opt { mask, .. } => (0..64).contains(&v) && mask & (1u64 << v) != 0,
            Atom::Num { op, k, .. } => op.holds(v, *k),
            Atom::Has { opt, .. } => (v as u64) & (1u64 << opt) != 0,
        }
    }
}

/// A condition over atoms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum F {
    /// Constant.
    Const(bool),
    /// Atom.
    Atom(Atom),
    /// Negation.
    Not(Box<F>),
    /// Conjunction.
    And(Vec<F>),
    /// Disjunction.
    Or(Vec<F>),
}

impl F {
    /// Two-valued value on complete answers.
    pub fn eval(&self, row: &[i64]) -> bool {
        match self {
            F::Const(b) => *b,
            F::Atom(a) => a.eval(row),
            F::Not(x) => !x.eval(row),
            F::And(xs) => xs.iter().all(|x| x.eval(row)),
            F::Or(xs) => xs.iter().any(|x| x.eval(row)),
        }
    }

    /// Disjunctive normal form: disjuncts of (atom, negated) literals.
    pub fn dnf(&self) -> Vec<Vec<(Atom, bool)>> {
        fn go(f: &F, neg: bool) -> Vec<Vec<(Atom, bool)>> {
            match (f, neg) {
                (F::Const(b), n) => {
                    if *b != n {
                        vec![vec![]]
                    } else {
                        vec![]
                    }
                }
                (F::Atom(a), n) => vec![vec![(a.clone(), n)]],
                (F::Not(x), n) => go(x, !n),
                (F::And(xs), false) | (F::Or(xs), true) => {
                    let mut acc: Vec<Vec<(Atom, bool)>> = vec![vec![]];
                    for x in xs {
                        let d = go(x, neg);
                        let mut next = Vec::with_capacity(acc.len() * d.len());
                        for a in &acc {
                            for b in &d {
                                let mut c = a.clone();
                                c.extend(b.iter().cloned());
                                next.push(c);
                            }
                        }
                        acc = next;
                    }
                    acc
                }
                (F::Or(xs), false) | (F::And(xs), true) => {
                    xs.iter().flat_map(|x| go(x, neg)).collect()
                }
            }
        }
        go(self, false)
    }
}

/// What a fact is, for the encodings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Boolean.
    Bool,
    /// One of these options.
    Enum(Vec<String>),
    /// Integer.
    Int,
    /// Amount in cents.
    Money,
    /// Date, as days since 1970-01-01.
    Date,
    /// A subset of these options.
    Set(Vec<String>),
}

/// A fact of the workload.
#[derive(Clone, Debug)]
pub struct FactInfo {
    /// Name (`f12`).
    pub name: String,
    /// Kind.
    pub kind: Kind,
}

/// An obligation of the workload.
#[derive(Clone, Debug)]
pub struct Obligation {
    /// Its id (`r12`).
    pub id: String,
    /// Model rule index.
    pub rule: usize,
    /// Compiled rule index.
    pub ci: usize,
    /// When it applies: its condition and not any verified displacer.
    pub f: F,
}

/// A generated rule set with everything the encodings need.
pub struct RuleSet {
    /// The generated files.
    pub files: Vec<(String, String)>,
    /// The loaded pack.
    pub pack: Pack,
    /// Facts, by model index.
    pub facts: Vec<FactInfo>,
    /// Obligations, in model order; bit `k` of a mask is obligation `k`.
    pub obligations: Vec<Obligation>,
    /// Compiled index of each obligation (all verified, whole-project, in force).
    pub obligation_ci: Vec<usize>,
    /// When every obligation is among the first 64 compiled rules: the runs of
    /// obligations on consecutive rules (first rule, length, first obligation), so that
    /// `mask_of` reads the statuses as one bit mask and moves each run into place.
    obligation_runs: Option<Vec<(u32, u32, u32)>>,
}

/// The runs of consecutive compiled rules among the obligations' (see
/// `RuleSet::obligation_runs`).
fn runs_of(ci: &[usize]) -> Option<Vec<(u32, u32, u32)>> {
    if ci.len() > 64 || ci.iter().any(|&c| c >= 64) {
        return None;
    }
    let mut runs: Vec<(u32, u32, u32)> = Vec::new();
    for (k, &c) in ci.iter().enumerate() {
        let (c, k) = (c as u32, k as u32);
        match runs.last_mut() {
            Some(r) if r.0 + r.1 == c && r.2 + r.1 == k => r.1 += 1,
            _ => runs.push((c, 1, k)),
        }
    }
    Some(runs)
}

fn lit_num(v: &Value) -> Option<i64> {
    match v {
        Value::Int(i) | Value::Money(i) => Some(*i),
        Value::Date(d) => Some(date_to_days(*d)),
        _ => None,
    }
}

fn op_of(c: Cmp) -> Op {
    match c {
        Cmp::Eq => Op::Eq,
        Cmp::Ne => Op::Ne,
        Cmp::Lt => Op::Lt,
        Cmp::Le => Op::Le,
        Cmp::Gt => Op::Gt,
        Cmp::Ge => Op::Ge,
    }
}

/// Translates a typed condition into a formula (the shapes the generator writes).
pub fn formula(m: &Model, e: &Expr) -> Result<F, String> {
    let fact_of = |x: &Expr| match &x.kind {
        ExprKind::Fact(f) => Some(f.idx()),
        _ => None,
    };
    Ok(match &e.kind {
        ExprKind::Lit(Value::Bool(b)) => F::Const(*b),
        ExprKind::Fact(f) if m.fact(*f).ty == FactType::Bool => F::Atom(Atom::Bool {
            fact: f.idx(),
            v: true,
        }),
        ExprKind::Not(x) => F::Not(Box::new(formula(m, x)?)),
        ExprKind::And(a, b) => {
            let mut xs = Vec::new();
            for x in [formula(m, a)?, formula(m, b)?] {
                match x {
                    F::And(ys) => xs.extend(ys),
                    y => xs.push(y),
                }
            }
            F::And(xs)
        }
        ExprKind::Or(a, b) => {
            let mut xs = Vec::new();
            for x in [formula(m, a)?, formula(m, b)?] {
                match x {
                    F::Or(ys) => xs.extend(ys),
                    y => xs.push(y),
                }
            }
            F::Or(xs)
        }
        ExprKind::InOptions(x, mask) => F::Atom(Atom::Opt {
            fact: fact_of(x).ok_or("`in` on something else than a fact")?,
            mask: *mask,
        }),
        ExprKind::SetHas(x, mask) => {
            let fact = fact_of(x).ok_or("`contains` on something else than a fact")?;
            let atoms: Vec<F> = (0..64u32)
                .filter(|o| mask & (1u64 << o) != 0)
                .map(|opt| F::Atom(Atom::Has { fact, opt }))
                .collect();
            if atoms.len() == 1 {
                atoms.into_iter().next().unwrap_or(F::Const(false))
            } else {
                F::Or(atoms)
            }
        }
        ExprKind::Cmp(c, a, b) => {
            let (fact, lit, op) = match (&a.kind, &b.kind) {
                (ExprKind::Fact(f), ExprKind::Lit(v)) => (f.idx(), v, op_of(*c)),
                (ExprKind::Lit(v), ExprKind::Fact(f)) => (f.idx(), v, op_of(*c).flip()),
                _ => return Err(format!("unsupported comparison {e:?}")),
            };
            match (lit, op) {
                (Value::Bool(v), Op::Eq) => F::Atom(Atom::Bool { fact, v: *v }),
                (Value::Bool(v), Op::Ne) => F::Atom(Atom::Bool { fact, v: !*v }),
                (Value::Opt(o), Op::Eq) => F::Atom(Atom::Opt {
                    fact,
                    mask: 1u64 << o,
                }),
                (Value::Opt(o), Op::Ne) => F::Not(Box::new(F::Atom(Atom::Opt {
                    fact,
                    mask: 1u64 << o,
                }))),
                (v, op) => F::Atom(Atom::Num {
                    fact,
                    op,
                    k: lit_num(v).ok_or_else(|| format!("unsupported literal {v:?}"))?,
                }),
            }
        }
        _ => return Err(format!("unsupported expression {:?}", e.kind)),
    })
}

fn holds(m: &Model, r: RuleId, depth: usize) -> Result<F, String> {
    if depth > 16 {
        return Err("displacement chain too deep".to_string());
    }
    let rule = m.rule(r);
    let mut parts = vec![match &rule.when {
        Some(w) => formula(m, w)?,
        None => F::Const(true),
    }];
    for &d in &m.displaced_by[r.idx()] {
        if m.rule(d).status.is_verified() {
            parts.push(F::Not(Box::new(holds(m, d, depth + 1)?)));
        }
    }
    Ok(if parts.len() == 1 {
        parts.pop().unwrap_or(F::Const(true))
    } else {
        let mut xs = Vec::new();
        for x in parts {
            match x {
                F::And(ys) => xs.extend(ys),
                y => xs.push(y),
            }
        }
        F::And(xs)
    })
}

impl RuleSet {
    /// Generates, checks and compiles `rules` rules over `facts` facts.
    pub fn new(rules: usize, facts: usize) -> Result<RuleSet, String> {
        let files = generate(&gen_options(rules, facts));
        let pack = load(&files)?;
        let m = &pack.model;
        let p = &pack.program;
        let facts = m
            .facts
            .iter()
            .map(|f| {
                let names = || f.options.iter().map(|o| o.name.clone()).collect();
                let kind = match f.ty {
                    FactType::Bool => Kind::Bool,
                    FactType::Enum => Kind::Enum(names()),
                    FactType::Int => Kind::Int,
                    FactType::Money => Kind::Money,
                    FactType::Date => Kind::Date,
                    FactType::Set => Kind::Set(names()),
                    FactType::Text => Kind::Int,
                };
                FactInfo {
                    name: f.name.clone(),
                    kind,
                }
            })
            .collect();
        let mut obligations = Vec::new();
        let d = as_of();
        for (ri, rule) in m.rules.iter().enumerate() {
            if !matches!(rule.kind, RuleKind::Obligation(_)) || !rule.status.is_verified() {
                continue;
            }
            let ci = p.rule_index[ri] as usize;
            let (from, to) = p.rules[ci].period;
            if d < from
                || d > to
                || rule.per_item.is_some()
                || !p.rules[ci].obligation
                || !p.rules[ci].verified
            {
                return Err(format!("rule {} is not a plain rule in force", rule.id));
            }
            obligations.push(Obligation {
                id: rule.id.clone(),
                rule: ri,
                ci,
                f: holds(m, RuleId(u32::try_from(ri).unwrap_or(0)), 0)?,
            });
        }
        let obligation_ci: Vec<usize> = obligations.iter().map(|o| o.ci).collect();
        let obligation_runs = runs_of(&obligation_ci);
        Ok(RuleSet {
            files,
            pack,
            facts,
            obligations,
            obligation_ci,
            obligation_runs,
        })
    }

    /// The model.
    pub fn model(&self) -> &Model {
        &self.pack.model
    }

    /// The program.
    pub fn program(&self) -> &Program {
        &self.pack.program
    }

    /// Random answers (`unknown`: share of facts left unanswered).
    pub fn answers(&self, n: usize, unknown: f64) -> Vec<Answers> {
        answers(&self.pack.model, n, ANSWER_SEED, unknown)
    }

    /// The obligations that apply, as a mask over obligations (at most 64).
    pub fn mask_of(&self, status: &[Status]) -> u64 {
        let mut m = 0u64;
        if let Some(runs) = &self.obligation_runs {
            // The first 64 statuses as one mask, eight at a time (a word of eight status
            // bytes, its bytes equal to `Applies` found without a branch, their top bits
            // gathered by one multiplication), then each run of obligations moved into
            // place.
            const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
            let applies_byte = 0x0101_0101_0101_0101u64 * Status::Applies as u64;
            let mut applies = 0u64;
            for (k, ch) in status.chunks(8).take(8).enumerate() {
                let mut b = [0u8; 8];
                for (x, s) in b.iter_mut().zip(ch) {
                    *x = *s as u8;
                }
                let y = u64::from_le_bytes(b) ^ applies_byte;
                // 0x80 in each byte of `y` that is zero (bytes past the statuses are 0,
                // not `Applies`).
                let z = !(((y & LOW7) + LOW7) | y | LOW7);
                let bits = ((z >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56;
                let bits = if ch.len() < 8 {
                    bits & ((1u64 << ch.len()) - 1)
                } else {
                    bits
                };
                applies |= bits << (8 * k);
            }
            for &(c, n, k) in runs {
                let bits = if n >= 64 { u64::MAX } else { (1u64 << n) - 1 };
                m |= ((applies >> c) & bits) << k;
            }
            return m;
        }
        for (k, &ci) in self.obligation_ci.iter().enumerate().take(64) {
            m |= u64::from(status[ci] == Status::Applies) << k;
        }
        m
    }

    /// Passerelle's masks for complete answers.
    pub fn passerelle_masks(&self, cases: &[Case]) -> Vec<u64> {
        let mut ev = Evaluator::new(self.program());
        let d = as_of();
        cases
            .iter()
            .map(|c| self.mask_of(&ev.run(c, d).status))
            .collect()
    }

    /// The formulas' masks for one row (the translation's own check).
    pub fn formula_mask(&self, row: &[i64]) -> u64 {
        let mut m = 0u64;
        for (k, o) in self.obligations.iter().enumerate().take(64) {
            if o.f.eval(row) {
                m |= 1u64 << k;
            }
        }
        m
    }

    /// Obligation ids of a mask, for messages.
    pub fn ids(&self, mask: u64) -> Vec<&str> {
        (0..self.obligations.len().min(64))
            .filter(|k| mask & (1u64 << k) != 0)
            .map(|k| self.obligations[k].id.as_str())
            .collect()
    }

    /// Map from obligation id to bit.
    pub fn bit_of(&self) -> std::collections::HashMap<String, u32> {
        self.obligations
            .iter()
            .enumerate()
            .map(|(k, o)| (o.id.clone(), u32::try_from(k).unwrap_or(u32::MAX)))
            .collect()
    }
}

/// Encodes complete answers as one number per fact (booleans 0/1, option index, integer,
/// cents, days since 1970-01-01, option bit set).
pub fn row(a: &Answers) -> Vec<i64> {
    a.facts
        .iter()
        .map(|v| match v {
            Some(Value::Bool(b)) => i64::from(*b),
            Some(Value::Int(i) | Value::Money(i)) => *i,
            Some(Value::Date(d)) => date_to_days(*d),
            Some(Value::Opt(o)) => i64::from(*o),
            Some(Value::Set(s)) => *s as i64,
            _ => 0,
        })
        .collect()
}

/// The peers' JSON for one case: booleans, option names, integers, amounts in cents,
/// dates as days since 1970-01-01, sets as arrays of option names.
pub fn peer_json(facts: &[FactInfo], row: &[i64]) -> J {
    let mut o = Map::new();
    for (f, v) in facts.iter().zip(row) {
        let j = match &f.kind {
            Kind::Bool => J::Bool(*v != 0),
            Kind::Enum(names) => J::String(
                usize::try_from(*v)
                    .ok()
                    .and_then(|i| names.get(i))
                    .cloned()
                    .unwrap_or_default(),
            ),
            Kind::Int | Kind::Money | Kind::Date => J::from(*v),
            Kind::Set(names) => J::Array(
                names
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i < 64 && (*v as u64) & (1u64 << i) != 0)
                    .map(|(_, n)| J::String(n.clone()))
                    .collect(),
            ),
        };
        o.insert(f.name.clone(), j);
    }
    J::Object(o)
}

/// Passerelle's own JSON for one case (the API form: amounts as `"12.34"`, dates as
/// `YYYY-MM-DD`).
pub fn passerelle_json(m: &Model, a: &Answers) -> String {
    passerelle_check::answers::to_json(m, a).to_string()
}
