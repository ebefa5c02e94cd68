//! cedar-policy 4.14: one `permit(principal, action, resource) when { … };` per obligation,
//! the facts in the request context, no entities, one `is_authorized` call per case. The
//! obligations are the determining policies (`diagnostics().reason()`).

use super::Peer;
use crate::workload::{Atom, F, Kind, RuleSet};
use cedar_policy::{
    Authorizer, Context, Entities, EntityUid, PolicySet, Request, RestrictedExpression,
};
use serde_json::Value as J;
use std::collections::HashMap;
use std::fmt::Write;
use std::str::FromStr;

fn quoted(names: &[String], mask: u64) -> Vec<String> {
    names
        .iter()
        .enumerate()
        .filter(|(i, _)| *i < 64 && mask & (1u64 << i) != 0)
        .map(|(_, n)| format!("\"{n}\""))
        .collect()
}

fn atom(rs: &RuleSet, a: &Atom) -> String {
    let f = &rs.facts[a.fact()];
    let x = format!("context.{}", f.name);
    let opts = match &f.kind {
        Kind::Enum(o) | Kind::Set(o) => o.as_slice(),
        _ => &[],
    };
    match a {
        Atom::Bool { v, .. } => format!("{x} == {v}"),
        Atom::Opt { mask, .. } => {
            let q = quoted(opts, *mask);
            if q.len() == 1 {
                format!("{x} == {}", q[0])
            } else {
                format!("[{}].contains({x})", q.join(", "))
            }
        }
        Atom::Num { op, k, .. } => format!("{x} {} {k}", op.text()),
        Atom::Has { opt, .. } => format!("{x}.contains({})", quoted(opts, 1u64 << opt).join("")),
    }
}

/// A Cedar condition for a formula.
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

/// The policy text: policy `k` (id `policyk`) is obligation `k`.
pub fn policies(rs: &RuleSet) -> String {
    let mut s = String::new();
    for o in &rs.obligations {
        let _ = writeln!(
            s,
            "// {}\npermit(principal, action, resource) when {{ {} }};",
            o.id,
            expr(rs, &o.f)
        );
    }
    s
}

/// Parses the policy set (no schema, no validation).
pub fn parse(src: &str) -> Result<PolicySet, String> {
    PolicySet::from_str(src).map_err(|e| e.to_string())
}

/// Cedar, loaded.
pub struct Cedar {
    policies: PolicySet,
    authorizer: Authorizer,
    entities: Entities,
    principal: EntityUid,
    action: EntityUid,
    resource: EntityUid,
    bit: HashMap<String, u32>,
}

impl Cedar {
    /// Parses the policies.
    pub fn load(rs: &RuleSet, src: &str) -> Result<Cedar, String> {
        let uid = |s: &str| EntityUid::from_str(s).map_err(|e| e.to_string());
        Ok(Cedar {
            policies: parse(src)?,
            authorizer: Authorizer::new(),
            entities: Entities::empty(),
            principal: uid(r#"User::"team""#)?,
            action: uid(r#"Action::"assess""#)?,
            resource: uid(r#"Project::"p""#)?,
            bit: (0..rs.obligations.len())
                .map(|k| (format!("policy{k}"), u32::try_from(k).unwrap_or(u32::MAX)))
                .collect(),
        })
    }

    /// The number of determining policies (for rule sets beyond 64 obligations).
    pub fn eval_count(&self, x: &Request) -> u64 {
        self.authorizer
            .is_authorized(x, &self.policies, &self.entities)
            .diagnostics()
            .reason()
            .count() as u64
    }

    fn request(&self, ctx: Context) -> Result<Request, String> {
        Request::new(
            self.principal.clone(),
            self.action.clone(),
            self.resource.clone(),
            ctx,
            None,
        )
        .map_err(|e| e.to_string())
    }
}

impl Peer for Cedar {
    type Input = Request;

    fn input(&self, rs: &RuleSet, row: &[i64], _json: &J) -> Result<Request, String> {
        let pairs = rs.facts.iter().zip(row).map(|(f, v)| {
            let e = match &f.kind {
                Kind::Bool => RestrictedExpression::new_bool(*v != 0),
                Kind::Enum(o) => RestrictedExpression::new_string(
                    usize::try_from(*v)
                        .ok()
                        .and_then(|i| o.get(i))
                        .cloned()
                        .unwrap_or_default(),
                ),
                Kind::Int | Kind::Money | Kind::Date => RestrictedExpression::new_long(*v),
                Kind::Set(o) => RestrictedExpression::new_set(
                    o.iter()
                        .enumerate()
                        .filter(|(i, _)| *i < 64 && (*v as u64) & (1u64 << i) != 0)
                        .map(|(_, n)| RestrictedExpression::new_string(n.clone())),
                ),
            };
            (f.name.clone(), e)
        });
        let ctx = Context::from_pairs(pairs).map_err(|e| e.to_string())?;
        self.request(ctx)
    }

    fn eval(&mut self, x: &Request) -> Result<u64, String> {
        let r = self
            .authorizer
            .is_authorized(x, &self.policies, &self.entities);
        if r.diagnostics().errors().next().is_some() {
            return Err(format!(
                "evaluation errors: {:?}",
                r.diagnostics().errors().collect::<Vec<_>>()
            ));
        }
        super::bits_of_ids(&self.bit, r.diagnostics().reason().map(AsRef::as_ref))
    }

    fn e2e(&mut self, _rs: &RuleSet, text: &str) -> Result<u64, String> {
        let ctx = Context::from_json_str(text, None).map_err(|e| e.to_string())?;
        let req = self.request(ctx)?;
        self.eval(&req)
    }
}
