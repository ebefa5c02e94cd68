//! zen-engine 2.1 / zen-expression 2.1 (GoRules ZEN): (a) `isolate`: one precompiled ZEN
//! expression per obligation run by one `Isolate`; (b) `expr`: a JDM graph input →
//! expression node (one keyed expression per obligation) → output; (c) `table`: a JDM
//! decision table with hit policy `collect`, one input column per fact, one row per
//! disjunct of each obligation's normal form, the obligation id as output. The graphs are
//! precompiled (`Decision::compile`) and driven by a current-thread tokio runtime.

use super::Peer;
use crate::workload::{Atom, F, Kind, RuleSet};
use serde_json::{Value as J, json};
use std::collections::HashMap;
use std::sync::Arc;
use zen_engine::Decision;
use zen_engine::model::GraphContent;
use zen_expression::expression::Standard;
use zen_expression::{Expression, Isolate, Variable};

fn quoted(names: &[String], mask: u64) -> Vec<String> {
    names
        .iter()
        .enumerate()
        .filter(|(i, _)| *i < 64 && mask & (1u64 << i) != 0)
        .map(|(_, n)| format!("'{n}'"))
        .collect()
}

fn atom(rs: &RuleSet, a: &Atom, x: &str) -> String {
    let f = &rs.facts[a.fact()];
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

/// A ZEN expression for a formula.
pub fn expr(rs: &RuleSet, f: &F) -> String {
    match f {
        F::Const(b) => b.to_string(),
        F::Atom(a) => format!("({})", atom(rs, a, &rs.facts[a.fact()].name)),
        F::Not(x) => format!("not ({})", expr(rs, x)),
        F::And(xs) => format!(
            "({})",
            xs.iter()
                .map(|x| expr(rs, x))
                .collect::<Vec<_>>()
                .join(" and ")
        ),
        F::Or(xs) => format!(
            "({})",
            xs.iter()
                .map(|x| expr(rs, x))
                .collect::<Vec<_>>()
                .join(" or ")
        ),
    }
}

/// The expression-node graph (JDM).
pub fn expression_graph(rs: &RuleSet) -> J {
    let exprs: Vec<J> = rs
        .obligations
        .iter()
        .enumerate()
        .map(|(k, o)| json!({"id": format!("e{k}"), "key": o.id, "value": expr(rs, &o.f)}))
        .collect();
    graph(json!({
        "id": "rules", "name": "rules", "type": "expressionNode",
        "content": { "expressions": exprs }
    }))
}

/// The decision-table graph (JDM).
pub fn table_graph(rs: &RuleSet) -> J {
    let inputs: Vec<J> = rs
        .facts
        .iter()
        .enumerate()
        .map(|(i, f)| json!({"id": format!("i{i}"), "name": f.name, "field": f.name}))
        .collect();
    let mut rows = Vec::new();
    for o in &rs.obligations {
        for conj in o.f.dnf() {
            let mut row = serde_json::Map::new();
            for (a, neg) in &conj {
                let cell = atom(rs, a, "$");
                let cell = if *neg { format!("not ({cell})") } else { cell };
                row.insert(format!("i{}", a.fact()), J::String(cell));
            }
            row.insert("o0".to_string(), J::String(format!("'{}'", o.id)));
            rows.push(J::Object(row));
        }
    }
    graph(json!({
        "id": "rules", "name": "rules", "type": "decisionTableNode",
        "content": {
            "hitPolicy": "collect",
            "inputs": inputs,
            "outputs": [{"id": "o0", "name": "obligation", "field": "ob"}],
            "rules": rows,
        }
    }))
}

fn graph(node: J) -> J {
    json!({
        "nodes": [
            {"id": "in", "name": "request", "type": "inputNode", "content": {}},
            node,
            {"id": "out", "name": "response", "type": "outputNode", "content": {}},
        ],
        "edges": [
            {"id": "e1", "sourceId": "in", "targetId": "rules"},
            {"id": "e2", "sourceId": "rules", "targetId": "out"},
        ]
    })
}

/// Isolate with one precompiled expression per obligation.
pub struct Iso {
    isolate: Isolate,
    exprs: Vec<Expression<Standard>>,
}

impl Iso {
    /// Compiles every expression.
    pub fn load(rs: &RuleSet) -> Result<Iso, String> {
        let mut isolate = Isolate::new();
        let exprs = rs
            .obligations
            .iter()
            .map(|o| {
                isolate
                    .compile_standard(&expr(rs, &o.f))
                    .map_err(|e| e.to_string())
            })
            .collect::<Result<_, _>>()?;
        Ok(Iso { isolate, exprs })
    }
}

impl Peer for Iso {
    type Input = Variable;

    fn input(&self, _rs: &RuleSet, _row: &[i64], json: &J) -> Result<Variable, String> {
        Ok(Variable::from(json))
    }

    fn eval(&mut self, x: &Variable) -> Result<u64, String> {
        self.isolate.set_environment(x.clone());
        let mut m = 0u64;
        for (k, e) in self.exprs.iter().enumerate() {
            let v = self
                .isolate
                .run_compiled(e.bytecode())
                .map_err(|e| e.to_string())?;
            if v.as_bool().ok_or("not a boolean")? {
                m |= 1u64 << k;
            }
        }
        Ok(m)
    }

    fn e2e(&mut self, _rs: &RuleSet, text: &str) -> Result<u64, String> {
        let v: Variable = serde_json::from_str(text).map_err(|e| e.to_string())?;
        self.eval(&v)
    }
}

/// Which JDM graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GraphKind {
    /// Expression node.
    Expr,
    /// Decision table.
    Table,
}

/// A JDM decision, precompiled.
pub struct Graph {
    kind: GraphKind,
    decision: Decision,
    rt: tokio::runtime::Runtime,
    bit: HashMap<String, u32>,
}

impl Graph {
    /// Deserializes and compiles the graph.
    pub fn load(rs: &RuleSet, kind: GraphKind, src: &str) -> Result<Graph, String> {
        let content: GraphContent = serde_json::from_str(src).map_err(|e| e.to_string())?;
        let mut decision = Decision::from(Arc::new(content));
        decision.compile();
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Graph {
            kind,
            decision,
            rt,
            bit: rs.bit_of(),
        })
    }

    /// The graph's source.
    pub fn source(rs: &RuleSet, kind: GraphKind) -> String {
        match kind {
            GraphKind::Expr => expression_graph(rs),
            GraphKind::Table => table_graph(rs),
        }
        .to_string()
    }
}

impl Peer for Graph {
    type Input = Variable;

    // The graph may write into its input: the harness builds a fresh input for every
    // evaluation (just before it, untimed).
    fn input(&self, _rs: &RuleSet, _row: &[i64], json: &J) -> Result<Variable, String> {
        Ok(Variable::from(json))
    }

    fn eval(&mut self, x: &Variable) -> Result<u64, String> {
        self.eval_var(x.clone())
    }

    fn e2e(&mut self, _rs: &RuleSet, text: &str) -> Result<u64, String> {
        let v: Variable = serde_json::from_str(text).map_err(|e| e.to_string())?;
        self.eval_var(v)
    }
}

impl Graph {
    /// Evaluates a fresh input.
    pub fn eval_var(&mut self, v: Variable) -> Result<u64, String> {
        let r = self
            .rt
            .block_on(self.decision.evaluate(v))
            .map_err(|e| e.to_string())?;
        let mut m = 0u64;
        match self.kind {
            GraphKind::Expr => {
                let obj = r.result.as_object().ok_or("result is not an object")?;
                let obj = obj.borrow();
                for (id, b) in &self.bit {
                    if obj.get_str(id).and_then(Variable::as_bool) == Some(true) {
                        m |= 1u64 << b;
                    }
                }
            }
            GraphKind::Table => {
                let arr = r.result.as_array().ok_or("result is not an array")?;
                for row in arr.borrow().iter() {
                    let id = row.dot("ob").ok_or("row without output")?;
                    let id = id.as_str().ok_or("output is not a string")?;
                    m |= 1u64 << self.bit.get(id).ok_or("unknown id")?;
                }
            }
        }
        Ok(m)
    }
}
