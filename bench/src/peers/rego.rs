//! regorus 0.14 (Rego v1): one module, `obligations contains "<id>" if { … }` with one body
//! per disjunct of the obligation's normal form; the interpreter (`eval_rule`) and the
//! RVM (`compile_with_entrypoint` → `Compiler::compile_from_policy` → `RegoVM::execute`).

use super::Peer;
use crate::workload::{Atom, Kind, RuleSet};
use regorus::languages::rego::compiler::Compiler;
use regorus::rvm::vm::RegoVM;
use regorus::{Engine, Rc, Value};
use serde_json::Value as J;
use std::collections::HashMap;
use std::fmt::Write;

const ENTRY: &str = "data.policy.obligations";

fn lit(rs: &RuleSet, a: &Atom, neg: bool) -> String {
    let f = &rs.facts[a.fact()];
    let x = format!("input.{}", f.name);
    let names = |mask: u64| match &f.kind {
        Kind::Enum(o) | Kind::Set(o) => o
            .iter()
            .enumerate()
            .filter(|(i, _)| *i < 64 && mask & (1u64 << i) != 0)
            .map(|(_, n)| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(", "),
        _ => String::new(),
    };
    let not = if neg { "not " } else { "" };
    match a {
        Atom::Bool { v, .. } => format!("{x} == {}", *v != neg),
        Atom::Opt { mask, .. } => format!("{not}{x} in {{{}}}", names(*mask)),
        Atom::Num { op, k, .. } => {
            let op = if neg { op.negate() } else { *op };
            format!("{x} {} {k}", op.text())
        }
        Atom::Has { opt, .. } => format!("{not}{} in {x}", names(1u64 << opt)),
    }
}

/// The Rego module of a rule set.
pub fn module(rs: &RuleSet) -> String {
    let mut s = String::from("package policy\n");
    for o in &rs.obligations {
        for conj in o.f.dnf() {
            let _ = writeln!(s, "\nobligations contains \"{}\" if {{", o.id);
            if conj.is_empty() {
                s.push_str("\ttrue\n");
            }
            for (a, neg) in &conj {
                let _ = writeln!(s, "\t{}", lit(rs, a, *neg));
            }
            s.push_str("}\n");
        }
    }
    s
}

fn mask_of(bit: &HashMap<String, u32>, v: &Value) -> Result<u64, String> {
    match v {
        Value::Undefined => Ok(0),
        Value::Set(s) => {
            let mut m = 0u64;
            for x in s.iter() {
                let id = x.as_string().map_err(|e| e.to_string())?;
                m |= 1u64
                    << bit
                        .get(id.as_ref())
                        .ok_or_else(|| format!("unknown id {id}"))?;
            }
            Ok(m)
        }
        other => Err(format!("unexpected result {other}")),
    }
}

fn engine(src: &str) -> Result<Engine, String> {
    let mut e = Engine::new();
    e.add_policy("policy.rego".to_string(), src.to_string())
        .map_err(|e| e.to_string())?;
    Ok(e)
}

/// The regorus interpreter.
pub struct Interp {
    engine: Engine,
    bit: HashMap<String, u32>,
}

impl Interp {
    /// Parses and prepares the module.
    pub fn load(rs: &RuleSet, src: &str) -> Result<Interp, String> {
        let mut engine = engine(src)?;
        // The same preparation the first evaluation would do.
        engine
            .compile_with_entrypoint(&Rc::from(ENTRY))
            .map_err(|e| e.to_string())?;
        Ok(Interp {
            engine,
            bit: rs.bit_of(),
        })
    }
}

impl Peer for Interp {
    type Input = Value;

    fn input(&self, _rs: &RuleSet, _row: &[i64], json: &J) -> Result<Value, String> {
        Ok(Value::from(json.clone()))
    }

    fn eval(&mut self, x: &Value) -> Result<u64, String> {
        self.engine.set_input(x.clone());
        let v = self
            .engine
            .eval_rule(ENTRY.to_string())
            .map_err(|e| e.to_string())?;
        mask_of(&self.bit, &v)
    }

    fn e2e(&mut self, _rs: &RuleSet, text: &str) -> Result<u64, String> {
        let v = Value::from_json_str(text).map_err(|e| e.to_string())?;
        self.eval(&v)
    }
}

/// The regorus virtual machine.
pub struct Rvm {
    vm: RegoVM,
    bit: HashMap<String, u32>,
}

impl Rvm {
    /// Parses the module and compiles it to an RVM program.
    pub fn load(rs: &RuleSet, src: &str) -> Result<Rvm, String> {
        let mut engine = engine(src)?;
        let compiled = engine
            .compile_with_entrypoint(&Rc::from(ENTRY))
            .map_err(|e| e.to_string())?;
        let program =
            Compiler::compile_from_policy(&compiled, &[ENTRY]).map_err(|e| e.to_string())?;
        let mut vm = RegoVM::new();
        vm.load_program(program);
        vm.set_data(Value::new_object())
            .map_err(|e| e.to_string())?;
        Ok(Rvm {
            vm,
            bit: rs.bit_of(),
        })
    }
}

impl Peer for Rvm {
    type Input = Value;

    fn input(&self, _rs: &RuleSet, _row: &[i64], json: &J) -> Result<Value, String> {
        Ok(Value::from(json.clone()))
    }

    fn eval(&mut self, x: &Value) -> Result<u64, String> {
        self.vm.set_input(x.clone());
        let v = self.vm.execute().map_err(|e| e.to_string())?;
        mask_of(&self.bit, &v)
    }

    fn e2e(&mut self, _rs: &RuleSet, text: &str) -> Result<u64, String> {
        let v = Value::from_json_str(text).map_err(|e| e.to_string())?;
        self.eval(&v)
    }
}
