//! Answers in the compiled layout.

use passerelle_check::model::{Answers, ItemAnswers, Model, Value};
use passerelle_ir::{Program, date_to_days};

/// One set of answers, laid out for the engine.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Case {
    /// One value per fact slot.
    pub vals: Vec<i64>,
    /// Known bits per fact slot.
    pub known: Vec<u64>,
    /// Text answers by text index.
    pub texts: Vec<Option<String>>,
    /// Group answers (`None`: unanswered).
    pub groups: Vec<Option<Vec<ItemAnswers>>>,
}

/// Encodes a value in a slot's `i64`.
pub fn encode(v: &Value) -> i64 {
    match v {
        Value::Bool(b) => i64::from(*b),
        Value::Int(i) | Value::Money(i) => *i,
        Value::Date(d) => date_to_days(*d),
        Value::Opt(o) => i64::from(*o),
        Value::Set(s) => *s as i64,
        Value::Text(_) | Value::Duration(..) => 0,
    }
}

impl Case {
    /// An empty case (nothing answered) for a program.
    pub fn empty(p: &Program) -> Case {
        Case {
            vals: vec![0; p.n_fact_slots],
            known: vec![0; p.n_fact_slots.div_ceil(64)],
            texts: vec![None; p.n_texts],
            groups: vec![None; p.group_fields.len()],
        }
    }

    /// Lays out model answers.
    pub fn from_answers(p: &Program, m: &Model, a: &Answers) -> Case {
        let mut c = Case::empty(p);
        for (slot, f) in p.slot_fact.iter().enumerate() {
            let Some(v) = a.get(*f) else { continue };
            if let (Value::Text(t), Some(Some(ti))) = (v, p.text_index.get(slot))
                && let Some(x) = c.texts.get_mut(*ti as usize)
            {
                *x = Some(t.clone());
            }
            c.set(slot, encode(v));
            let _ = m;
        }
        for (g, items) in a.groups.iter().enumerate() {
            if let Some(slot) = c.groups.get_mut(g) {
                slot.clone_from(items);
            }
        }
        c
    }

    /// Sets a slot's value and marks it known.
    pub fn set(&mut self, slot: usize, v: i64) {
        if let Some(x) = self.vals.get_mut(slot) {
            *x = v;
        }
        if let Some(w) = self.known.get_mut(slot / 64) {
            *w |= 1u64 << (slot % 64);
        }
    }

    /// Marks a slot unknown.
    pub fn unset(&mut self, slot: usize) {
        if let Some(w) = self.known.get_mut(slot / 64) {
            *w &= !(1u64 << (slot % 64));
        }
    }

    /// Whether a slot is answered.
    pub fn is_known(&self, slot: usize) -> bool {
        self.known
            .get(slot / 64)
            .is_some_and(|w| w & (1u64 << (slot % 64)) != 0)
    }
}
