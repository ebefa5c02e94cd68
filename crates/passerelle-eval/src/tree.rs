//! The tree interpreter for compiled expressions (definitions, gates, complex atoms,
//! per-item rules). It follows `passerelle_check::semantics` exactly.

use crate::case::{Case, encode};
use passerelle_check::model::{Arith, GroupId, ItemAnswers, Value};
use passerelle_check::semantics::{Tri, div_round, shift_date};
use passerelle_ir::TEXT_SLOT_BASE;
use passerelle_ir::{CExpr, Cv, Program, SlotTy, date_to_days, days_to_date};

/// What the interpreter reads.
pub(crate) struct Ctx<'a> {
    pub p: &'a Program,
    /// Every slot (facts, definitions, `as_of`).
    pub vals: &'a [i64],
    /// Known bits of every slot.
    pub known: &'a [u64],
    /// Fact texts and groups.
    pub case: &'a Case,
    /// Texts of definition slots, by text index.
    pub def_texts: &'a [Option<String>],
}

pub(crate) fn tri(v: Cv) -> Tri {
    match v {
        Cv::B(true) => Tri::True,
        Cv::B(false) => Tri::False,
        _ => Tri::Unknown,
    }
}

fn of_tri(t: Tri) -> Cv {
    match t {
        Tri::True => Cv::B(true),
        Tri::False => Cv::B(false),
        Tri::Unknown => Cv::U,
    }
}

fn item_value(v: &Value) -> Cv {
    match v {
        Value::Bool(b) => Cv::B(*b),
        Value::Text(_) => Cv::T(0),
        other => Cv::N(encode(other)),
    }
}

impl Ctx<'_> {
    fn slot_known(&self, s: u32) -> bool {
        self.known
            .get(s as usize / 64)
            .is_some_and(|w| w & (1u64 << (s % 64)) != 0)
    }

    pub(crate) fn slot(&self, s: u32, ty: SlotTy) -> Cv {
        if !self.slot_known(s) {
            return Cv::U;
        }
        let v = self.vals.get(s as usize).copied().unwrap_or(0);
        match ty {
            SlotTy::Bool => Cv::B(v != 0),
            SlotTy::Num => Cv::N(v),
            SlotTy::Text => match self.p.text_index.get(s as usize).copied().flatten() {
                Some(ti) => Cv::T(TEXT_SLOT_BASE + ti),
                None => Cv::U,
            },
        }
    }

    pub(crate) fn items(&self, g: GroupId) -> Option<&Vec<ItemAnswers>> {
        static EMPTY: Vec<ItemAnswers> = Vec::new();
        if let Some(Some(gate)) = self.p.group_gate_exprs.get(g.idx())
            && tri(self.eval(gate, &mut Vec::new())) == Tri::False
        {
            return Some(&EMPTY);
        }
        self.case.groups.get(g.idx()).and_then(Option::as_ref)
    }

    fn item_field(&self, var: u32, pos: u32, vars: &[(GroupId, usize)]) -> Option<&Value> {
        let &(g, i) = vars.get(var as usize)?;
        self.items(g)?.get(i)?.get(pos as usize)?.as_ref()
    }

    /// The text of a text-valued expression, if known.
    fn text<'s>(&'s self, e: &CExpr, vars: &mut Vec<(GroupId, usize)>) -> Option<&'s str> {
        match e {
            CExpr::Lit(Cv::T(i)) => self.p.text_literals.get(*i as usize).map(String::as_str),
            CExpr::Slot(s, _) => {
                if !self.slot_known(*s) {
                    return None;
                }
                let ti = self.p.text_index.get(*s as usize).copied().flatten()? as usize;
                if (*s as usize) < self.p.n_fact_slots {
                    self.case.texts.get(ti)?.as_deref()
                } else {
                    self.def_texts.get(ti)?.as_deref()
                }
            }
            CExpr::Item(var, pos, _) => match self.item_field(*var, *pos, vars) {
                Some(Value::Text(t)) => Some(t.as_str()),
                _ => None,
            },
            CExpr::If(c, a, b) => match tri(self.eval(c, vars)) {
                Tri::True => self.text(a, vars),
                Tri::False => self.text(b, vars),
                Tri::Unknown => {
                    let x = self.text(a, vars)?;
                    let y = self.text(b, vars)?;
                    (x == y).then_some(x)
                }
            },
            _ => None,
        }
    }

    fn is_text(e: &CExpr) -> bool {
        matches!(
            e,
            CExpr::Lit(Cv::T(_)) | CExpr::Slot(_, SlotTy::Text) | CExpr::Item(_, _, SlotTy::Text)
        ) || matches!(e, CExpr::If(_, a, _) if Self::is_text(a))
    }

    pub(crate) fn eval(&self, e: &CExpr, vars: &mut Vec<(GroupId, usize)>) -> Cv {
        match e {
            CExpr::Lit(v) => *v,
            CExpr::Slot(s, ty) => self.slot(*s, *ty),
            CExpr::Item(var, pos, _) => self
                .item_field(*var, *pos, vars)
                .map(item_value)
                .unwrap_or(Cv::U),
            CExpr::Not(a) => of_tri(tri(self.eval(a, vars)).not()),
            CExpr::And(a, b) => {
                let x = tri(self.eval(a, vars));
                if x == Tri::False {
                    return Cv::B(false);
                }
                of_tri(x.and(tri(self.eval(b, vars))))
            }
            CExpr::Or(a, b) => {
                let x = tri(self.eval(a, vars));
                if x == Tri::True {
                    return Cv::B(true);
                }
                of_tri(x.or(tri(self.eval(b, vars))))
            }
            CExpr::Cmp(c, a, b) => {
                if Self::is_text(a) || Self::is_text(b) {
                    let x = self.text(a, vars).map(str::to_string);
                    let y = self.text(b, vars);
                    return match (x, y) {
                        (Some(x), Some(y)) => Cv::B(c.holds(x.as_str().cmp(y))),
                        _ => Cv::U,
                    };
                }
                let x = self.eval(a, vars);
                let y = self.eval(b, vars);
                match (x, y) {
                    (Cv::N(x), Cv::N(y)) => Cv::B(c.holds(x.cmp(&y))),
                    (Cv::B(x), Cv::B(y)) => Cv::B(c.holds(x.cmp(&y))),
                    _ => Cv::U,
                }
            }
            CExpr::Arith(op, a, b) => {
                let (Cv::N(x), Cv::N(y)) = (self.eval(a, vars), self.eval(b, vars)) else {
                    return Cv::U;
                };
                Cv::N(match op {
                    Arith::Add => x.saturating_add(y),
                    Arith::Sub => x.saturating_sub(y),
                    Arith::Mul => x.saturating_mul(y),
                    Arith::Div => {
                        if y == 0 {
                            return Cv::U;
                        }
                        div_round(x, y)
                    }
                })
            }
            CExpr::Neg(a) => match self.eval(a, vars) {
                Cv::N(x) => Cv::N(x.saturating_neg()),
                _ => Cv::U,
            },
            CExpr::Shift(a, n, u, minus) => match self.eval(a, vars) {
                Cv::N(d) => Cv::N(date_to_days(shift_date(days_to_date(d), *n, *u, *minus))),
                _ => Cv::U,
            },
            CExpr::InMask(a, mask) => match self.eval(a, vars) {
                Cv::N(o) => Cv::B((0..64).contains(&o) && mask & (1u64 << o) != 0),
                _ => Cv::U,
            },
            CExpr::SetHas(a, mask) => match self.eval(a, vars) {
                Cv::N(s) => Cv::B((s as u64) & mask != 0),
                _ => Cv::U,
            },
            CExpr::Known(a, k) => {
                let known = if Self::is_text(a) {
                    self.text(a, vars).is_some()
                } else {
                    self.eval(a, vars) != Cv::U
                };
                Cv::B(known == *k)
            }
            CExpr::If(c, a, b) => match tri(self.eval(c, vars)) {
                Tri::True => self.eval(a, vars),
                Tri::False => self.eval(b, vars),
                Tri::Unknown => {
                    let x = self.eval(a, vars);
                    let y = self.eval(b, vars);
                    if x == y && x != Cv::U { x } else { Cv::U }
                }
            },
            CExpr::Any(g, p) => self.quant(*g, p, vars, true),
            CExpr::All(g, p) => self.quant(*g, p, vars, false),
            CExpr::Count(g, p) => {
                let Some(n_items) = self.items(*g).map(Vec::len) else {
                    return Cv::U;
                };
                let mut n = 0i64;
                for i in 0..n_items {
                    vars.push((*g, i));
                    let t = tri(self.eval(p, vars));
                    vars.pop();
                    match t {
                        Tri::True => n += 1,
                        Tri::Unknown => return Cv::U,
                        Tri::False => {}
                    }
                }
                Cv::N(n)
            }
            CExpr::CountSet(a) => match self.eval(a, vars) {
                Cv::N(s) => Cv::N(i64::from((s as u64).count_ones())),
                _ => Cv::U,
            },
        }
    }

    fn quant(&self, g: GroupId, p: &CExpr, vars: &mut Vec<(GroupId, usize)>, any: bool) -> Cv {
        let Some(n_items) = self.items(g).map(Vec::len) else {
            return Cv::U;
        };
        let mut acc = Tri::of(!any);
        for i in 0..n_items {
            vars.push((g, i));
            let t = tri(self.eval(p, vars));
            vars.pop();
            acc = if any { acc.or(t) } else { acc.and(t) };
            if (any && acc == Tri::True) || (!any && acc == Tri::False) {
                break;
            }
        }
        of_tri(acc)
    }

    /// The text of a definition's value, for storing in a text slot.
    pub(crate) fn text_value(&self, e: &CExpr, vars: &mut Vec<(GroupId, usize)>) -> Option<String> {
        self.text(e, vars).map(str::to_string)
    }
}
