//! A bounded search for answers that make conditions true together.
//!
//! Used by the checker to prove that a rule's condition can never hold (warning) and to find
//! an example where a lower layer would relax a higher layer's obligation (error). The
//! search assigns the facts a condition reads, one at a time, to candidate values drawn from
//! the constants the condition compares them with (each constant, one below and one above,
//! and "unanswered"); after each assignment the conditions are evaluated with the reference
//! semantics, where unassigned facts are unknown. Kleene logic is monotone, so a condition
//! that is already false cannot become true: that branch is dropped. A found example is
//! genuine; "impossible" is exact for the candidate values (which cover every comparison
//! with a constant); the budget bounds the work on large conditions.

use crate::model::*;
use crate::semantics::{Env, Tri};
use jiff::civil::Date;
use std::collections::HashMap;

/// What the search found.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// An example: the answers and evaluation date that make every condition true.
    Found(Example),
    /// No candidate assignment makes them all true.
    Impossible,
    /// The budget ran out.
    GaveUp,
}

/// A satisfying example.
#[derive(Clone, Debug, PartialEq)]
pub struct Example {
    /// The answers (only the facts that matter are set).
    pub answers: Answers,
    /// The facts that were set, in order.
    pub set: Vec<FactId>,
    /// The groups that were set.
    pub groups: Vec<GroupId>,
    /// The date, when the conditions read `as_of`.
    pub as_of: Option<Date>,
}

/// One condition to satisfy; `per_item` binds variable 0 to an item of that group.
pub struct Goal<'e> {
    /// The condition.
    pub cond: &'e Expr,
    /// The group whose item variable 0 is.
    pub per_item: Option<GroupId>,
}

#[derive(Clone, Copy, Debug)]
enum Var {
    Fact(FactId),
    Group(GroupId),
    Field(GroupId, usize, usize),
    AsOf,
}

struct Search<'m, 'g> {
    m: &'m Model,
    goals: &'g [Goal<'g>],
    budget: usize,
    answers: Answers,
    unassigned: Vec<bool>,
    unassigned_groups: Vec<bool>,
    as_of: Option<Date>,
    constants: HashMap<FactId, Vec<Value>>,
    date_constants: Vec<Date>,
    int_pool: Vec<i64>,
    money_pool: Vec<i64>,
    /// Whether a found example is kept (otherwise only whether one exists matters).
    examples: bool,
}

/// Buffers sized for a model, reused across searches (each search leaves them as it found
/// them), so that a search costs what its conditions read, not the size of the model.
pub(crate) struct Scratch {
    answers: Answers,
    facts: Vec<bool>,
    groups: Vec<bool>,
    defs: Vec<bool>,
}

impl Scratch {
    /// Empty buffers for a model.
    pub(crate) fn new(m: &Model) -> Scratch {
        Scratch {
            answers: Answers::empty(m),
            facts: vec![false; m.facts.len()],
            groups: vec![false; m.groups.len()],
            defs: vec![false; m.defs.len()],
        }
    }
}

/// Searches for answers making every goal true, within `budget` evaluations.
pub fn satisfy<'g>(m: &Model, goals: &'g [Goal<'g>], budget: usize) -> Outcome {
    satisfy_in(m, goals, budget, &mut Scratch::new(m), true)
}

/// Same, with buffers reused across calls; without `examples`, a found example is empty
/// (for callers that only ask whether the goals can hold: copying the answers of a large
/// model for every condition would cost more than the search).
pub(crate) fn satisfy_in<'g>(
    m: &Model,
    goals: &'g [Goal<'g>],
    budget: usize,
    scratch: &mut Scratch,
    examples: bool,
) -> Outcome {
    let mut vars = Vec::new();
    let mut seen_facts = std::mem::take(&mut scratch.facts);
    let mut seen_groups = std::mem::take(&mut scratch.groups);
    let mut seen_defs = std::mem::take(&mut scratch.defs);
    let mut touched_defs = Vec::new();
    let mut uses_as_of = false;
    let mut constants: HashMap<FactId, Vec<Value>> = HashMap::new();
    let mut date_constants = Vec::new();
    for g in goals {
        if let Some(group) = g.per_item
            && !seen_groups[group.idx()]
        {
            seen_groups[group.idx()] = true;
            vars.push(Var::Group(group));
        }
        collect(
            m,
            g.cond,
            &mut vars,
            &mut seen_facts,
            &mut seen_groups,
            &mut seen_defs,
            &mut touched_defs,
            &mut uses_as_of,
            &mut constants,
            &mut date_constants,
        );
    }
    if uses_as_of {
        vars.insert(0, Var::AsOf);
    }
    // Every integer and amount written in the goals and the definitions they read.
    let mut int_pool = Vec::new();
    let mut money_pool = Vec::new();
    let mut pool = |e: &Expr| {
        e.walk(&mut |x| match x.kind {
            ExprKind::Lit(Value::Int(i)) => int_pool.push(i),
            ExprKind::Lit(Value::Money(c)) => money_pool.push(c),
            _ => {}
        })
    };
    for g in goals {
        pool(g.cond);
    }
    for (d, seen) in m.defs.iter().zip(&seen_defs) {
        if *seen {
            for (c, v) in &d.cases {
                pool(c);
                pool(v);
            }
            pool(&d.default);
        }
    }
    for p in [&mut int_pool, &mut money_pool] {
        p.sort_unstable();
        p.dedup();
        p.truncate(16);
    }
    let mut s = Search {
        m,
        goals,
        budget,
        answers: std::mem::take(&mut scratch.answers),
        unassigned: seen_facts,
        unassigned_groups: seen_groups,
        as_of: None,
        constants,
        date_constants,
        int_pool,
        money_pool,
        examples,
    };
    if !uses_as_of {
        s.as_of = Some(Date::constant(2026, 1, 1));
    }
    let out = s.dfs(vars.clone());
    // Leave the buffers as they were found.
    let Search {
        mut answers,
        unassigned: mut facts,
        unassigned_groups: mut groups,
        ..
    } = s;
    for v in &vars {
        match *v {
            Var::Fact(f) => {
                answers.set(f, None);
                if let Some(x) = facts.get_mut(f.idx()) {
                    *x = false;
                }
            }
            Var::Group(g) => {
                if let Some(x) = answers.groups.get_mut(g.idx()) {
                    *x = None;
                }
                if let Some(x) = groups.get_mut(g.idx()) {
                    *x = false;
                }
            }
            Var::Field(..) | Var::AsOf => {}
        }
    }
    for d in touched_defs {
        if let Some(x) = seen_defs.get_mut(d) {
            *x = false;
        }
    }
    *scratch = Scratch {
        answers,
        facts,
        groups,
        defs: seen_defs,
    };
    out
}

#[allow(clippy::too_many_arguments)]
fn collect(
    m: &Model,
    e: &Expr,
    vars: &mut Vec<Var>,
    seen_facts: &mut [bool],
    seen_groups: &mut [bool],
    seen_defs: &mut [bool],
    touched_defs: &mut Vec<usize>,
    uses_as_of: &mut bool,
    constants: &mut HashMap<FactId, Vec<Value>>,
    dates: &mut Vec<Date>,
) {
    let mut pending_exprs: Vec<&Expr> = vec![e];
    while let Some(e) = pending_exprs.pop() {
        e.walk(&mut |x| match &x.kind {
            ExprKind::Fact(f) => {
                if let Some(seen) = seen_facts.get_mut(f.idx())
                    && !*seen
                {
                    *seen = true;
                    vars.push(Var::Fact(*f));
                    if let Some(g) = &m.fact(*f).gate {
                        pending_exprs.push(g);
                    }
                }
            }
            ExprKind::Def(d) => {
                if let Some(seen) = seen_defs.get_mut(d.idx())
                    && !*seen
                {
                    *seen = true;
                    touched_defs.push(d.idx());
                    let def = m.def(*d);
                    for (c, v) in &def.cases {
                        pending_exprs.push(c);
                        pending_exprs.push(v);
                    }
                    pending_exprs.push(&def.default);
                }
            }
            ExprKind::Any(_, g, _) | ExprKind::All(_, g, _) | ExprKind::Count(_, g, _) => {
                if let Some(seen) = seen_groups.get_mut(g.idx())
                    && !*seen
                {
                    *seen = true;
                    vars.push(Var::Group(*g));
                    if let Some(gate) = &m.group(*g).gate {
                        pending_exprs.push(gate);
                    }
                }
            }
            ExprKind::AsOf => *uses_as_of = true,
            ExprKind::Cmp(_, a, b) => {
                for (one, other) in [(a, b), (b, a)] {
                    let target = match &one.kind {
                        ExprKind::Fact(f) | ExprKind::ItemField(_, f) => Some(*f),
                        _ => None,
                    };
                    if let ExprKind::Lit(v) = &other.kind {
                        if let Value::Date(d) = v {
                            dates.push(*d);
                        }
                        if let Some(f) = target {
                            constants.entry(f).or_default().push(v.clone());
                        }
                    }
                    if matches!(one.kind, ExprKind::AsOf)
                        && let ExprKind::Lit(Value::Date(d)) = &other.kind
                    {
                        dates.push(*d);
                    }
                }
            }
            _ => {}
        });
    }
}

impl Search<'_, '_> {
    fn eval(&mut self) -> Tri {
        if self.budget == 0 {
            return Tri::Unknown;
        }
        self.budget -= 1;
        let env = Env::search(
            self.m,
            &self.answers,
            self.as_of,
            &self.unassigned,
            &self.unassigned_groups,
        );
        let mut acc = Tri::True;
        for g in self.goals {
            let mut vars = Vec::new();
            if let Some(group) = g.per_item {
                match self.answers.items(group) {
                    Some(items) if !items.is_empty() => vars.push((group, 0)),
                    Some(_) => return Tri::False,
                    None => {}
                }
            }
            acc = acc.and(env.cond(g.cond, &mut vars));
            if acc == Tri::False {
                break;
            }
        }
        acc
    }

    fn candidates(&self, f: FactId) -> Vec<Option<Value>> {
        let fact = self.m.fact(f);
        let consts = self.constants.get(&f).cloned().unwrap_or_default();
        let mut out: Vec<Option<Value>> = match fact.ty {
            FactType::Bool => vec![Some(Value::Bool(true)), Some(Value::Bool(false))],
            FactType::Enum => (0..fact.options.len())
                .map(|i| Some(Value::Opt(id32(i))))
                .collect(),
            FactType::Set => {
                let n = fact.options.len().min(64);
                let mut v = vec![Some(Value::Set(0))];
                for i in 0..n.min(12) {
                    v.push(Some(Value::Set(1 << i)));
                }
                let all = if n >= 64 { u64::MAX } else { (1u64 << n) - 1 };
                v.push(Some(Value::Set(all)));
                v
            }
            FactType::Int | FactType::Money => {
                let money = fact.ty == FactType::Money;
                let unit: i64 = if money { 100 } else { 1 };
                // Small, one, large and negative values cover sums and products; the
                // constants (this fact's and every other of its type) cover comparisons.
                let mut nums: Vec<i64> = vec![0, unit, 1_000_000 * unit, -unit];
                let pool = if money {
                    &self.money_pool
                } else {
                    &self.int_pool
                };
                for x in consts
                    .iter()
                    .filter_map(|c| match c {
                        Value::Int(x) | Value::Money(x) => Some(*x),
                        _ => None,
                    })
                    .chain(pool.iter().copied())
                {
                    nums.extend([x.saturating_sub(1), x, x.saturating_add(1)]);
                }
                nums.sort_unstable();
                nums.dedup();
                nums.into_iter()
                    .map(|x| {
                        Some(if money {
                            Value::Money(x)
                        } else {
                            Value::Int(x)
                        })
                    })
                    .collect()
            }
            FactType::Date => {
                let mut ds: Vec<Date> = Vec::new();
                for c in consts.iter().filter_map(|c| match c {
                    Value::Date(d) => Some(*d),
                    _ => None,
                }) {
                    ds.extend(neighbours(c));
                }
                for d in &self.date_constants {
                    ds.extend(neighbours(*d));
                }
                ds.extend(far_dates());
                ds.sort_unstable();
                ds.dedup();
                ds.into_iter().map(|d| Some(Value::Date(d))).collect()
            }
            FactType::Text => {
                let mut v: Vec<Option<Value>> = consts.into_iter().map(Some).collect();
                v.push(Some(Value::Text("example".to_string())));
                v
            }
        };
        out.push(None);
        out
    }

    fn dfs(&mut self, mut rest: Vec<Var>) -> Outcome {
        match self.eval() {
            Tri::False => return Outcome::Impossible,
            Tri::True => return Outcome::Found(self.example()),
            Tri::Unknown => {}
        }
        if self.budget == 0 {
            return Outcome::GaveUp;
        }
        let Some(var) = (!rest.is_empty()).then(|| rest.remove(0)) else {
            // Everything assigned and still unknown: not an example.
            return Outcome::Impossible;
        };
        let mut gave_up = false;
        match var {
            Var::AsOf => {
                let mut ds: Vec<Date> = self
                    .date_constants
                    .iter()
                    .flat_map(|d| neighbours(*d))
                    .collect();
                ds.extend(far_dates());
                ds.sort_unstable();
                ds.dedup();
                for d in ds {
                    self.as_of = Some(d);
                    match self.dfs(rest.clone()) {
                        Outcome::Found(x) => return Outcome::Found(x),
                        Outcome::GaveUp => gave_up = true,
                        Outcome::Impossible => {}
                    }
                }
                self.as_of = None;
            }
            Var::Fact(f) => {
                for c in self.candidates(f) {
                    self.answers.set(f, c);
                    self.unassigned[f.idx()] = false;
                    match self.dfs(rest.clone()) {
                        Outcome::Found(x) => return Outcome::Found(x),
                        Outcome::GaveUp => gave_up = true,
                        Outcome::Impossible => {}
                    }
                }
                self.answers.set(f, None);
                self.unassigned[f.idx()] = true;
            }
            Var::Group(g) => {
                let nfields = self.m.group(g).fields.len();
                for len in [Some(1usize), Some(0), Some(2), None] {
                    self.unassigned_groups[g.idx()] = false;
                    if let Some(slot) = self.answers.groups.get_mut(g.idx()) {
                        *slot = len.map(|n| vec![vec![None; nfields]; n]);
                    }
                    let mut next = Vec::new();
                    for item in 0..len.unwrap_or(0) {
                        for pos in 0..nfields {
                            next.push(Var::Field(g, item, pos));
                        }
                    }
                    next.extend(rest.iter().copied());
                    match self.dfs(next) {
                        Outcome::Found(x) => return Outcome::Found(x),
                        Outcome::GaveUp => gave_up = true,
                        Outcome::Impossible => {}
                    }
                }
                if let Some(slot) = self.answers.groups.get_mut(g.idx()) {
                    *slot = None;
                }
                self.unassigned_groups[g.idx()] = true;
            }
            Var::Field(g, item, pos) => {
                let Some(&fid) = self.m.group(g).fields.get(pos) else {
                    return Outcome::Impossible;
                };
                let mut cands = self.candidates(fid);
                cands.pop(); // item fields are always answered in examples
                for c in cands {
                    if let Some(Some(items)) = self.answers.groups.get_mut(g.idx())
                        && let Some(cell) = items.get_mut(item).and_then(|it| it.get_mut(pos))
                    {
                        *cell = c;
                    }
                    match self.dfs(rest.clone()) {
                        Outcome::Found(x) => return Outcome::Found(x),
                        Outcome::GaveUp => gave_up = true,
                        Outcome::Impossible => {}
                    }
                }
                if let Some(Some(items)) = self.answers.groups.get_mut(g.idx())
                    && let Some(cell) = items.get_mut(item).and_then(|it| it.get_mut(pos))
                {
                    *cell = None;
                }
            }
        }
        if gave_up {
            Outcome::GaveUp
        } else {
            Outcome::Impossible
        }
    }

    fn example(&self) -> Example {
        if !self.examples {
            return Example {
                answers: Answers::default(),
                set: Vec::new(),
                groups: Vec::new(),
                as_of: None,
            };
        }
        let set = self
            .unassigned
            .iter()
            .enumerate()
            .filter(|(i, u)| !**u && self.answers.facts.get(*i).is_some_and(Option::is_some))
            .map(|(i, _)| FactId(id32(i)))
            .collect();
        let groups = self
            .unassigned_groups
            .iter()
            .enumerate()
            .filter(|(i, u)| !**u && self.answers.groups.get(*i).is_some_and(Option::is_some))
            .map(|(i, _)| GroupId(id32(i)))
            .collect();
        Example {
            answers: self.answers.clone(),
            set,
            groups,
            as_of: if self.date_constants.is_empty() {
                None
            } else {
                self.as_of
            },
        }
    }
}

/// A date long ago, one now and one far ahead: they settle comparisons between dates and
/// dates moved by durations.
fn far_dates() -> [Date; 3] {
    [
        Date::constant(1900, 1, 1),
        Date::constant(2026, 1, 1),
        Date::constant(2150, 1, 1),
    ]
}

/// Whether a condition is plainly true for some of the values the search tries: a
/// conjunction of comparisons, each of a different ungated fact with a constant, each true
/// for one of that fact's candidate values (of a disjunction, one side is enough: the
/// other does not matter when it is true). The search would then find an example (or run
/// out of budget), never answer "impossible", so a caller that only looks for "impossible"
/// need not run it.
pub fn plainly_satisfiable(m: &Model, e: &Expr) -> bool {
    let mut seen: Vec<FactId> = Vec::new();
    plain_conjunction(m, e, &mut seen)
}

fn plain_conjunction(m: &Model, e: &Expr, seen: &mut Vec<FactId>) -> bool {
    match &e.kind {
        ExprKind::And(a, b) => plain_conjunction(m, a, seen) && plain_conjunction(m, b, seen),
        ExprKind::Or(a, b) => {
            let n = seen.len();
            if plain_conjunction(m, a, seen) {
                return true;
            }
            seen.truncate(n);
            plain_conjunction(m, b, seen)
        }
        _ => match plain_leaf(m, e) {
            Some((f, true)) if !seen.contains(&f) => {
                seen.push(f);
                true
            }
            _ => false,
        },
    }
}

/// A comparison of one ungated fact with a constant, and whether one of the fact's
/// candidate values makes it true.
fn plain_leaf(m: &Model, e: &Expr) -> Option<(FactId, bool)> {
    let fact_of = |x: &Expr| match x.kind {
        ExprKind::Fact(f) => {
            let fd = m.facts.get(f.idx())?;
            (fd.gate.is_none() && fd.group.is_none()).then_some(f)
        }
        _ => None,
    };
    let holds = |op: Cmp, o: std::cmp::Ordering| match op {
        Cmp::Eq => o.is_eq(),
        Cmp::Ne => o.is_ne(),
        Cmp::Lt => o.is_lt(),
        Cmp::Le => o.is_le(),
        Cmp::Gt => o.is_gt(),
        Cmp::Ge => o.is_ge(),
    };
    let all = |n: usize| if n >= 64 { u64::MAX } else { (1u64 << n) - 1 };
    match &e.kind {
        ExprKind::Fact(_) => {
            let f = fact_of(e)?;
            (m.fact(f).ty == FactType::Bool).then_some((f, true))
        }
        ExprKind::Not(a) => {
            let f = fact_of(a)?;
            (m.fact(f).ty == FactType::Bool).then_some((f, true))
        }
        ExprKind::InOptions(a, mask) => {
            let f = fact_of(a)?;
            let fd = m.fact(f);
            (fd.ty == FactType::Enum).then_some((f, mask & all(fd.options.len()) != 0))
        }
        ExprKind::SetHas(a, mask) => {
            let f = fact_of(a)?;
            let fd = m.fact(f);
            (fd.ty == FactType::Set).then_some((f, mask & all(fd.options.len().min(64)) != 0))
        }
        ExprKind::Cmp(op, a, b) => {
            let f = fact_of(a)?;
            let ExprKind::Lit(v) = &b.kind else {
                return None;
            };
            let fd = m.fact(f);
            let ok = match (fd.ty, v) {
                (FactType::Bool, Value::Bool(_)) => matches!(op, Cmp::Eq | Cmp::Ne),
                (FactType::Enum, Value::Opt(o)) => {
                    *op == Cmp::Eq && (*o as usize) < fd.options.len()
                }
                (FactType::Int, Value::Int(c)) | (FactType::Money, Value::Money(c)) => {
                    [c.saturating_sub(1), *c, c.saturating_add(1)]
                        .iter()
                        .any(|x| holds(*op, x.cmp(c)))
                }
                (FactType::Date, Value::Date(d)) => {
                    neighbours(*d).iter().any(|x| holds(*op, x.cmp(d)))
                }
                _ => return None,
            };
            Some((f, ok))
        }
        _ => None,
    }
}

fn neighbours(d: Date) -> [Date; 3] {
    [d.yesterday().unwrap_or(d), d, d.tomorrow().unwrap_or(d)]
}

/// Writes a value the way a pack author writes it.
pub fn show_value(m: &Model, f: FactId, v: &Value) -> String {
    let fact = m.fact(f);
    match v {
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Money(c) => {
            if c % 100 == 0 {
                format!("${}", c / 100)
            } else {
                format!("${}.{:02}", c / 100, (c % 100).abs())
            }
        }
        Value::Date(d) => d.to_string(),
        Value::Text(t) => format!("{t:?}"),
        Value::Opt(o) => fact
            .options
            .get(*o as usize)
            .map(|o| o.name.clone())
            .unwrap_or_else(|| o.to_string()),
        Value::Set(s) => {
            let names: Vec<String> = fact
                .options
                .iter()
                .enumerate()
                .filter(|(i, _)| *i < 64 && s & (1u64 << i) != 0)
                .map(|(_, o)| o.name.clone())
                .collect();
            format!("[{}]", names.join(", "))
        }
        Value::Duration(n, u) => format!("{n} {}", u.word(*n)),
    }
}

impl Example {
    /// The example as answers a pack author would write: `a true, b video`.
    pub fn describe(&self, m: &Model) -> String {
        let mut parts = Vec::new();
        for f in &self.set {
            if let Some(v) = self.answers.get(*f) {
                parts.push(format!("{} {}", m.fact(*f).name, show_value(m, *f, v)));
            }
        }
        for g in &self.groups {
            if let Some(items) = self.answers.items(*g) {
                let group = m.group(*g);
                let shown: Vec<String> = items
                    .iter()
                    .map(|item| {
                        let fields: Vec<String> = item
                            .iter()
                            .enumerate()
                            .filter_map(|(pos, v)| {
                                let fid = *group.fields.get(pos)?;
                                let v = v.as_ref()?;
                                Some(format!("{} {}", m.fact(fid).name, show_value(m, fid, v)))
                            })
                            .collect();
                        format!("{{ {} }}", fields.join(" "))
                    })
                    .collect();
                parts.push(format!("{} [{}]", group.name, shown.join(", ")));
            }
        }
        if let Some(d) = self.as_of {
            parts.push(format!("as_of {d}"));
        }
        if parts.is_empty() {
            "(any answers)".to_string()
        } else {
            parts.join(", ")
        }
    }
}
