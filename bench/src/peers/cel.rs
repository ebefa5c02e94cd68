//! cel-interpreter 0.10 (CEL): one `Program` per obligation; the facts are top-level
//! variables of a child `Context` of one root context holding the built-in functions.

use super::Peer;
use crate::workload::{Atom, F, Kind, RuleSet};
use cel_interpreter::{Context, Program, Value};
use serde_json::Value as J;
use std::sync::Arc;

fn quoted(names: &[String], mask: u64) -> Vec<String> {
    names
        .iter()
        .enumerate()
        .filter(|(i, _)| *i < 64 && mask & (1u64 << i) != 0)
        .map(|(_, n)| format!("'{n}'"))
        .collect()
}

fn atom(rs: &RuleSet, a: &Atom) -> String {
    let f = &rs.facts[a.fact()];
    let x = &f.name;
    let opts = match &f.kind {
        Kind::Enum(o) | Kind::Set(o) => o.as_slice(),
        _ => &[],
    };
    match a {
        Atom::Bool { v, .. } => format!("{x} == {v}"),
        Atom::Opt { mask, .. } => format!("{x} in [{}]", quoted(opts, *mask).join(", ")),
        Atom::Num { op, k, .. } => format!("{x} {} {k}", op.text()),
        Atom::Has { opt, .. } => format!("{} in {x}", quoted(opts, 1u64 << opt).join("")),
    }
}

/// A CEL expression for a formula.
pub fn expr(rs: &RuleSet, f: &F) -> String {
    match f {
        F::Const(b) => b.to_string(),
        F::Atom(a) => format!("({})", atom(rs, a)),
        F::Not(x) => format!("!({})", expr(rs, x)),
        F::And(xs) => format!(
            "({})",
            xs.iter()
                .map(|x| expr(rs, x))
                .collect::<Vec<_>>()
                .join(" && ")
        ),
        F::Or(xs) => format!(
            "({})",
            xs.iter()
                .map(|x| expr(rs, x))
                .collect::<Vec<_>>()
                .join(" || ")
        ),
    }
}

/// The CEL programs.
pub struct Cel {
    root: &'static Context<'static>,
    programs: Vec<Program>,
    names: Vec<String>,
}

impl Cel {
    /// Compiles one program per obligation (the root context is created once and lives
    /// as long as the process).
    pub fn load(rs: &RuleSet) -> Result<Cel, String> {
        let programs = rs
            .obligations
            .iter()
            .map(|o| Program::compile(&expr(rs, &o.f)).map_err(|e| e.to_string()))
            .collect::<Result<_, _>>()?;
        Ok(Cel {
            root: Box::leak(Box::new(Context::default())),
            programs,
            names: rs.facts.iter().map(|f| f.name.clone()).collect(),
        })
    }

    fn run(&self, ctx: &Context<'_>) -> Result<u64, String> {
        let mut m = 0u64;
        for (k, p) in self.programs.iter().enumerate() {
            match p.execute(ctx).map_err(|e| e.to_string())? {
                Value::Bool(true) => m |= 1u64 << k,
                Value::Bool(false) => {}
                other => return Err(format!("not a boolean: {other:?}")),
            }
        }
        Ok(m)
    }
}

impl Peer for Cel {
    type Input = Context<'static>;

    fn input(&self, rs: &RuleSet, row: &[i64], _json: &J) -> Result<Context<'static>, String> {
        let mut ctx = self.root.new_inner_scope();
        for (f, v) in rs.facts.iter().zip(row) {
            let val = match &f.kind {
                Kind::Bool => Value::Bool(*v != 0),
                Kind::Enum(o) => Value::String(Arc::new(
                    usize::try_from(*v)
                        .ok()
                        .and_then(|i| o.get(i))
                        .cloned()
                        .unwrap_or_default(),
                )),
                Kind::Int | Kind::Money | Kind::Date => Value::Int(*v),
                Kind::Set(o) => Value::List(Arc::new(
                    o.iter()
                        .enumerate()
                        .filter(|(i, _)| *i < 64 && (*v as u64) & (1u64 << i) != 0)
                        .map(|(_, n)| Value::String(Arc::new(n.clone())))
                        .collect(),
                )),
            };
            ctx.add_variable_from_value(f.name.clone(), val);
        }
        Ok(ctx)
    }

    fn eval(&mut self, x: &Context<'static>) -> Result<u64, String> {
        self.run(x)
    }

    fn e2e(&mut self, _rs: &RuleSet, text: &str) -> Result<u64, String> {
        let j: J = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let obj = j.as_object().ok_or("not an object")?;
        let mut ctx = self.root.new_inner_scope();
        for name in &self.names {
            let v = obj.get(name).ok_or("missing fact")?;
            let v = cel_interpreter::to_value(v).map_err(|e| e.to_string())?;
            ctx.add_variable_from_value(name.clone(), v);
        }
        self.run(&ctx)
    }
}
