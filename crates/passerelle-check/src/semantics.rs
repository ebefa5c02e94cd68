//! The reference semantics: a direct, unoptimised Kleene evaluator over the model.
//!
//! It is the specification the compiled engine (`passerelle-eval`) is tested against, and
//! the evaluator the checker's satisfiability search uses. Clarity over speed.

use crate::model::*;
use jiff::civil::Date;
use passerelle_syntax::Unit;
use std::cell::RefCell;
use std::collections::HashMap;

/// Kleene truth values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tri {
    /// False.
    False,
    /// Not yet known.
    Unknown,
    /// True.
    True,
}

impl Tri {
    /// From a boolean.
    #[inline]
    pub fn of(b: bool) -> Tri {
        if b { Tri::True } else { Tri::False }
    }

    /// Kleene conjunction.
    #[must_use]
    #[inline]
    pub fn and(self, o: Tri) -> Tri {
        self.min(o)
    }

    /// Kleene disjunction.
    #[must_use]
    #[inline]
    pub fn or(self, o: Tri) -> Tri {
        self.max(o)
    }

    /// Kleene negation.
    #[must_use]
    #[allow(
        clippy::should_implement_trait,
        reason = "read as Kleene logic beside `and` and `or`; `Not` is implemented too"
    )]
    #[inline]
    pub fn not(self) -> Tri {
        match self {
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
            Tri::True => Tri::False,
        }
    }
}

impl std::ops::Not for Tri {
    type Output = Tri;
    fn not(self) -> Tri {
        Tri::not(self)
    }
}

/// A value during evaluation.
#[derive(Clone, Debug, PartialEq)]
pub enum V {
    /// Not known.
    Unknown,
    /// Boolean.
    Bool(bool),
    /// Integer.
    Int(i64),
    /// Cents.
    Money(i64),
    /// Date.
    Date(Date),
    /// Text.
    Text(String),
    /// Option.
    Opt(u32),
    /// Set.
    Set(u64),
    /// Duration.
    Dur(i64, Unit),
}

impl V {
    /// As a truth value.
    pub fn tri(&self) -> Tri {
        match self {
            V::Bool(b) => Tri::of(*b),
            _ => Tri::Unknown,
        }
    }

    fn from_value(v: &Value) -> V {
        match v {
            Value::Bool(b) => V::Bool(*b),
            Value::Int(i) => V::Int(*i),
            Value::Money(c) => V::Money(*c),
            Value::Date(d) => V::Date(*d),
            Value::Text(t) => V::Text(t.clone()),
            Value::Opt(o) => V::Opt(*o),
            Value::Set(s) => V::Set(*s),
            Value::Duration(n, u) => V::Dur(*n, *u),
        }
    }

    /// Whether known.
    pub fn is_known(&self) -> bool {
        !matches!(self, V::Unknown)
    }
}

/// Moves a date by a duration, saturating at the ends of the calendar.
pub fn shift_date(d: Date, n: i64, unit: Unit, minus: bool) -> Date {
    let n = if minus { n.saturating_neg() } else { n };
    let span = match unit {
        Unit::Days => jiff::Span::new().try_days(n),
        Unit::Weeks => jiff::Span::new().try_weeks(n),
        Unit::Months => jiff::Span::new().try_months(n),
        Unit::Years => jiff::Span::new().try_years(n),
    };
    match span.and_then(|s| d.checked_add(s)) {
        Ok(x) => x,
        Err(_) => {
            if n < 0 {
                Date::MIN
            } else {
                Date::MAX
            }
        }
    }
}

/// An evaluation environment for one set of answers.
pub struct Env<'m> {
    m: &'m Model,
    ans: &'m Answers,
    as_of: Date,
    /// Search mode: facts not yet assigned (their `is known` is unknown, gates are cautious).
    unassigned: Option<&'m [bool]>,
    /// Search mode: groups not yet assigned.
    unassigned_groups: Option<&'m [bool]>,
    /// When `as_of` itself is being searched: `None` means unassigned.
    as_of_known: bool,
    /// Values already worked out (sparse: an environment costs what it reads, not the size
    /// of the model).
    defs: RefCell<HashMap<u32, V>>,
    facts: RefCell<HashMap<u32, V>>,
}

impl<'m> Env<'m> {
    /// An environment for complete or partial answers.
    pub fn new(m: &'m Model, ans: &'m Answers, as_of: Date) -> Env<'m> {
        Env {
            m,
            ans,
            as_of,
            unassigned: None,
            unassigned_groups: None,
            as_of_known: true,
            defs: RefCell::new(HashMap::new()),
            facts: RefCell::new(HashMap::new()),
        }
    }

    /// A search-mode environment (see [`crate::search`]).
    pub(crate) fn search(
        m: &'m Model,
        ans: &'m Answers,
        as_of: Option<Date>,
        unassigned: &'m [bool],
        unassigned_groups: &'m [bool],
    ) -> Env<'m> {
        Env {
            m,
            ans,
            as_of: as_of.unwrap_or(Date::MIN),
            unassigned: Some(unassigned),
            unassigned_groups: Some(unassigned_groups),
            as_of_known: as_of.is_some(),
            defs: RefCell::new(HashMap::new()),
            facts: RefCell::new(HashMap::new()),
        }
    }

    /// The evaluation date.
    pub fn as_of(&self) -> Date {
        self.as_of
    }

    fn is_unassigned(&self, f: FactId) -> bool {
        self.unassigned
            .is_some_and(|u| u.get(f.idx()).copied().unwrap_or(false))
    }

    /// The value of a top-level fact, its gate taken into account.
    pub fn fact(&self, f: FactId) -> V {
        if let Some(v) = self.facts.borrow().get(&f.0) {
            return v.clone();
        }
        let fact = self.m.fact(f);
        let answer = self.ans.get(f).map(V::from_value).unwrap_or(V::Unknown);
        let v = match &fact.gate {
            None => answer,
            Some(g) => match self.eval(g, &mut Vec::new()).tri() {
                Tri::True => answer,
                Tri::False => fact
                    .otherwise
                    .as_ref()
                    .map(V::from_value)
                    .unwrap_or(V::Unknown),
                Tri::Unknown => {
                    if self.unassigned.is_some() {
                        // Cautious in search mode: the value could still change with the gate.
                        let other = fact
                            .otherwise
                            .as_ref()
                            .map(V::from_value)
                            .unwrap_or(V::Unknown);
                        if other == answer { answer } else { V::Unknown }
                    } else {
                        answer
                    }
                }
            },
        };
        if f.idx() < self.m.facts.len() {
            self.facts.borrow_mut().insert(f.0, v.clone());
        }
        v
    }

    /// The items of a group, its gate taken into account (`None`: unknown).
    pub fn items(&self, g: GroupId) -> Option<&'m Vec<ItemAnswers>> {
        static EMPTY: Vec<ItemAnswers> = Vec::new();
        let group = self.m.group(g);
        if let Some(gate) = &group.gate {
            match self.eval(gate, &mut Vec::new()).tri() {
                Tri::False => return Some(&EMPTY),
                Tri::Unknown if self.unassigned.is_some() => return None,
                _ => {}
            }
        }
        if self
            .unassigned_groups
            .is_some_and(|u| u.get(g.idx()).copied().unwrap_or(false))
        {
            return None;
        }
        self.ans.items(g)
    }

    /// The value of a definition.
    pub fn def(&self, d: DefId) -> V {
        if let Some(v) = self.defs.borrow().get(&d.0) {
            return v.clone();
        }
        let def = self.m.def(d);
        let mut out = None;
        for (c, v) in &def.cases {
            match self.eval(c, &mut Vec::new()).tri() {
                Tri::True => {
                    out = Some(self.eval(v, &mut Vec::new()));
                    break;
                }
                Tri::Unknown => {
                    out = Some(V::Unknown);
                    break;
                }
                Tri::False => {}
            }
        }
        let v = out.unwrap_or_else(|| self.eval(&def.default, &mut Vec::new()));
        if d.idx() < self.m.defs.len() {
            self.defs.borrow_mut().insert(d.0, v.clone());
        }
        v
    }

    /// Evaluates a condition.
    pub fn cond(&self, e: &Expr, vars: &mut Vec<(GroupId, usize)>) -> Tri {
        self.eval(e, vars).tri()
    }

    /// Evaluates an expression. `vars` binds items: (group, index).
    pub fn eval(&self, e: &Expr, vars: &mut Vec<(GroupId, usize)>) -> V {
        match &e.kind {
            ExprKind::Lit(v) => V::from_value(v),
            ExprKind::Fact(f) => self.fact(*f),
            ExprKind::Def(d) => self.def(*d),
            ExprKind::Unknown => V::Unknown,
            ExprKind::AsOf => {
                if self.as_of_known {
                    V::Date(self.as_of)
                } else {
                    V::Unknown
                }
            }
            ExprKind::ItemField(var, f) => {
                let Some(&(g, i)) = vars.get(*var as usize) else {
                    return V::Unknown;
                };
                let Some(pos) = self.m.field_position(*f) else {
                    return V::Unknown;
                };
                self.items(g)
                    .and_then(|items| items.get(i))
                    .and_then(|item| item.get(pos))
                    .and_then(Option::as_ref)
                    .map(V::from_value)
                    .unwrap_or(V::Unknown)
            }
            ExprKind::Not(a) => V::from_tri(self.cond(a, vars).not()),
            ExprKind::Neg(a) => match self.eval(a, vars) {
                V::Int(i) => V::Int(i.saturating_neg()),
                V::Money(i) => V::Money(i.saturating_neg()),
                _ => V::Unknown,
            },
            ExprKind::And(a, b) => {
                let x = self.cond(a, vars);
                if x == Tri::False {
                    return V::Bool(false);
                }
                V::from_tri(x.and(self.cond(b, vars)))
            }
            ExprKind::Or(a, b) => {
                let x = self.cond(a, vars);
                if x == Tri::True {
                    return V::Bool(true);
                }
                V::from_tri(x.or(self.cond(b, vars)))
            }
            ExprKind::Cmp(c, a, b) => {
                let x = self.eval(a, vars);
                let y = self.eval(b, vars);
                compare(*c, &x, &y)
            }
            ExprKind::Arith(op, a, b) => {
                let x = self.eval(a, vars);
                let y = self.eval(b, vars);
                arith(*op, &x, &y)
            }
            ExprKind::Shift(a, n, u, minus) => match self.eval(a, vars) {
                V::Date(d) => V::Date(shift_date(d, *n, *u, *minus)),
                _ => V::Unknown,
            },
            ExprKind::InOptions(a, mask) => match self.eval(a, vars) {
                V::Opt(o) => V::Bool(o < 64 && mask & (1u64 << o) != 0),
                _ => V::Unknown,
            },
            ExprKind::SetHas(a, mask) => match self.eval(a, vars) {
                V::Set(s) => V::Bool(s & mask != 0),
                _ => V::Unknown,
            },
            ExprKind::Known(a, known) => {
                let v = self.eval(a, vars);
                if v.is_known() {
                    V::Bool(*known)
                } else if self.unassigned.is_some() && self.depends_on_unassigned(a, vars) {
                    V::Unknown
                } else {
                    V::Bool(!*known)
                }
            }
            ExprKind::If(c, a, b) => match self.cond(c, vars) {
                Tri::True => self.eval(a, vars),
                Tri::False => self.eval(b, vars),
                Tri::Unknown => {
                    let x = self.eval(a, vars);
                    let y = self.eval(b, vars);
                    if x == y && x.is_known() {
                        x
                    } else {
                        V::Unknown
                    }
                }
            },
            ExprKind::Any(_, g, p) => self.quant(*g, p, vars, true),
            ExprKind::All(_, g, p) => self.quant(*g, p, vars, false),
            ExprKind::Count(_, g, p) => {
                let Some(items) = self.items(*g) else {
                    return V::Unknown;
                };
                let mut n: i64 = 0;
                for i in 0..items.len() {
                    vars.push((*g, i));
                    let t = self.cond(p, vars);
                    vars.pop();
                    match t {
                        Tri::True => n += 1,
                        Tri::Unknown => return V::Unknown,
                        Tri::False => {}
                    }
                }
                V::Int(n)
            }
            ExprKind::CountSet(a) => match self.eval(a, vars) {
                V::Set(s) => V::Int(i64::from(s.count_ones())),
                _ => V::Unknown,
            },
        }
    }

    fn quant(&self, g: GroupId, p: &Expr, vars: &mut Vec<(GroupId, usize)>, any: bool) -> V {
        let Some(items) = self.items(g) else {
            return V::Unknown;
        };
        let mut acc = Tri::of(!any);
        for i in 0..items.len() {
            vars.push((g, i));
            let t = self.cond(p, vars);
            vars.pop();
            acc = if any { acc.or(t) } else { acc.and(t) };
            if (any && acc == Tri::True) || (!any && acc == Tri::False) {
                break;
            }
        }
        V::from_tri(acc)
    }

    /// Whether an expression reads an unassigned fact or group (search mode).
    fn depends_on_unassigned(&self, e: &Expr, vars: &[(GroupId, usize)]) -> bool {
        let mut hit = false;
        let mut seen_defs = Vec::new();
        self.deps_walk(e, vars, &mut hit, &mut seen_defs);
        hit
    }

    fn deps_walk(
        &self,
        e: &Expr,
        vars: &[(GroupId, usize)],
        hit: &mut bool,
        seen: &mut Vec<DefId>,
    ) {
        e.walk(&mut |x| match &x.kind {
            ExprKind::Fact(f) => {
                if self.is_unassigned(*f) {
                    *hit = true;
                }
                if let Some(g) = &self.m.fact(*f).gate {
                    let mut inner = false;
                    self.deps_walk(g, vars, &mut inner, seen);
                    *hit |= inner;
                }
            }
            ExprKind::ItemField(var, _) => {
                if let Some((g, _)) = vars.get(*var as usize)
                    && self
                        .unassigned_groups
                        .is_some_and(|u| u.get(g.idx()).copied().unwrap_or(false))
                {
                    *hit = true;
                }
                // Items come from assigned groups: their fields are assigned too.
            }
            ExprKind::Any(_, g, _) | ExprKind::All(_, g, _) | ExprKind::Count(_, g, _)
                if self
                    .unassigned_groups
                    .is_some_and(|u| u.get(g.idx()).copied().unwrap_or(false)) =>
            {
                *hit = true;
            }
            ExprKind::AsOf if !self.as_of_known => {
                *hit = true;
            }
            ExprKind::Def(d) if !seen.contains(d) => {
                seen.push(*d);
                let def = self.m.def(*d);
                let mut inner = false;
                for (c, v) in &def.cases {
                    self.deps_walk(c, vars, &mut inner, seen);
                    self.deps_walk(v, vars, &mut inner, seen);
                }
                self.deps_walk(&def.default, vars, &mut inner, seen);
                *hit |= inner;
            }
            _ => {}
        });
    }
}

impl V {
    fn from_tri(t: Tri) -> V {
        match t {
            Tri::True => V::Bool(true),
            Tri::False => V::Bool(false),
            Tri::Unknown => V::Unknown,
        }
    }
}

fn compare(c: Cmp, x: &V, y: &V) -> V {
    use std::cmp::Ordering;
    let o: Option<Ordering> = match (x, y) {
        (V::Int(a), V::Int(b)) | (V::Money(a), V::Money(b)) => Some(a.cmp(b)),
        (V::Date(a), V::Date(b)) => Some(a.cmp(b)),
        (V::Bool(a), V::Bool(b)) => Some(a.cmp(b)),
        (V::Opt(a), V::Opt(b)) => Some(a.cmp(b)),
        (V::Text(a), V::Text(b)) => Some(a.cmp(b)),
        _ => None,
    };
    match o {
        Some(o) => V::Bool(c.holds(o)),
        None => V::Unknown,
    }
}

fn arith(op: Arith, x: &V, y: &V) -> V {
    let (a, b, money) = match (x, y) {
        (V::Int(a), V::Int(b)) => (*a, *b, false),
        (V::Money(a), V::Money(b)) => (*a, *b, true),
        (V::Money(a), V::Int(b)) | (V::Int(b), V::Money(a)) => (*a, *b, true),
        _ => return V::Unknown,
    };
    let r = match op {
        Arith::Add => a.saturating_add(b),
        Arith::Sub => a.saturating_sub(b),
        Arith::Mul => a.saturating_mul(b),
        Arith::Div => {
            if b == 0 {
                return V::Unknown;
            }
            div_round(a, b)
        }
    };
    if money { V::Money(r) } else { V::Int(r) }
}

/// Division rounding half away from zero (amounts: to the cent).
pub fn div_round(a: i64, b: i64) -> i64 {
    if b == 0 {
        return 0;
    }
    let Some(q) = a.checked_div(b) else {
        return i64::MAX;
    };
    let r = a.checked_rem(b).unwrap_or(0);
    if r.unsigned_abs().saturating_mul(2) >= b.unsigned_abs() {
        if (a < 0) == (b < 0) {
            q.saturating_add(1)
        } else {
            q.saturating_sub(1)
        }
    } else {
        q
    }
}

/// The status of a rule for one evaluation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status3 {
    /// Not in force on the date.
    NotInForce,
    /// Applies.
    Applies,
    /// Does not apply.
    NotApplies,
    /// Displaced by that rule or exception.
    Displaced(RuleId),
    /// Still undetermined.
    Undetermined,
}

/// Reference verdict: statuses of every rule (per item for per-item rules) and myths.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefVerdict {
    /// For each rule: one status, or one per item.
    pub rules: Vec<Vec<Status3>>,
    /// For each myth: relevance.
    pub myths: Vec<Tri>,
    /// For each process: whether it applies, and whether each step is needed.
    pub processes: Vec<(Tri, Vec<Tri>)>,
}

impl Env<'_> {
    /// Whether a rule holds (its condition true and no displacer holding), for one item.
    pub fn holds(&self, r: RuleId, item: Option<usize>) -> Tri {
        let rule = self.m.rule(r);
        if !rule.period.contains(self.as_of) {
            return Tri::False;
        }
        let when = self.rule_when(r, item);
        if when == Tri::False {
            return Tri::False;
        }
        let mut displaced = Tri::False;
        for &d in &self.m.displaced_by[r.idx()] {
            displaced = displaced.or(self.displacer_holds(d, r, item));
            if displaced == Tri::True {
                break;
            }
        }
        when.and(displaced.not())
    }

    fn rule_when(&self, r: RuleId, item: Option<usize>) -> Tri {
        let rule = self.m.rule(r);
        let mut vars = Vec::new();
        if let (Some((_, g)), Some(i)) = (&rule.per_item, item) {
            vars.push((*g, i));
        }
        rule.when
            .as_ref()
            .map(|w| self.cond(w, &mut vars))
            .unwrap_or(Tri::True)
    }

    /// Whether displacer `d` holds against rule `r` (same item when both are per-item).
    fn displacer_holds(&self, d: RuleId, r: RuleId, item: Option<usize>) -> Tri {
        let dr = self.m.rule(d);
        if !dr.status.is_verified() {
            return Tri::False;
        }
        match (&dr.per_item, &self.m.rule(r).per_item) {
            (Some(_), Some(_)) => self.holds(d, item),
            (None, _) => self.holds(d, None),
            (Some((_, g)), None) => {
                // Checked: a per-item displacer cannot target a whole-project rule.
                let _ = g;
                Tri::False
            }
        }
    }

    /// The status of one rule (one item).
    pub fn status(&self, r: RuleId, item: Option<usize>) -> Status3 {
        let rule = self.m.rule(r);
        if !rule.period.contains(self.as_of) {
            return Status3::NotInForce;
        }
        let when = self.rule_when(r, item);
        if when == Tri::False {
            return Status3::NotApplies;
        }
        let mut any_unknown = false;
        for &d in &self.m.displaced_by[r.idx()] {
            match self.displacer_holds(d, r, item) {
                Tri::True => {
                    return if when == Tri::True {
                        Status3::Displaced(d)
                    } else {
                        Status3::NotApplies
                    };
                }
                Tri::Unknown => any_unknown = true,
                Tri::False => {}
            }
        }
        match (when, any_unknown) {
            (Tri::True, false) => Status3::Applies,
            _ => Status3::Undetermined,
        }
    }

    /// Every rule's and myth's status.
    pub fn verdict(&self) -> RefVerdict {
        let mut rules = Vec::with_capacity(self.m.rules.len());
        for (i, rule) in self.m.rules.iter().enumerate() {
            let r = RuleId(id32(i));
            match &rule.per_item {
                None => rules.push(vec![self.status(r, None)]),
                Some((_, g)) => match self.items(*g) {
                    Some(items) => {
                        rules.push((0..items.len()).map(|i| self.status(r, Some(i))).collect())
                    }
                    None => {
                        // The list itself is unknown: decided only if no item could make the
                        // rule apply (its condition is false for an item whose fields are
                        // all unknown, hence, by monotonicity, for every item).
                        let st = if !rule.period.contains(self.as_of) {
                            Status3::NotInForce
                        } else if self.status(r, Some(usize::MAX)) == Status3::NotApplies {
                            Status3::NotApplies
                        } else {
                            Status3::Undetermined
                        };
                        rules.push(vec![st]);
                    }
                },
            }
        }
        let myths = self
            .m
            .myths
            .iter()
            .map(|myth| {
                myth.relevant_when
                    .as_ref()
                    .map(|c| self.cond(c, &mut Vec::new()))
                    .unwrap_or(Tri::True)
            })
            .collect();
        let cond = |c: &Option<Expr>| {
            c.as_ref()
                .map(|w| self.cond(w, &mut Vec::new()))
                .unwrap_or(Tri::True)
        };
        let processes = self
            .m
            .processes
            .iter()
            .map(|p| {
                (
                    cond(&p.when),
                    p.steps.iter().map(|s| cond(&s.when)).collect(),
                )
            })
            .collect();
        RefVerdict {
            rules,
            myths,
            processes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kleene_tables() {
        use Tri::*;
        assert_eq!(False.and(Unknown), False);
        assert_eq!(True.and(Unknown), Unknown);
        assert_eq!(True.or(Unknown), True);
        assert_eq!(False.or(Unknown), Unknown);
        assert_eq!(Unknown.not(), Unknown);
    }

    #[test]
    fn rounding() {
        assert_eq!(div_round(5, 2), 3);
        assert_eq!(div_round(-5, 2), -3);
        assert_eq!(div_round(4, 3), 1);
        assert_eq!(div_round(i64::MIN, -1), i64::MAX);
        assert_eq!(div_round(7, 0), 0);
    }
}
