//! The peer engines, each encoded from the same formulas (`workload::Obligation::f`).
//!
//! Every peer receives the facts in its natural input type: booleans, option names as
//! strings, integers, amounts in cents, dates as days since 1970-01-01, sets as lists of
//! option names. The *eval* figure starts from the input already in the engine's type;
//! the *e2e* figure starts from the peers' JSON text (`workload::peer_json`).

pub mod cedar;
pub mod cel;
pub mod rego;
pub mod zen;

use crate::workload::RuleSet;
use serde_json::Value as J;

/// A peer engine, loaded.
pub trait Peer {
    /// Its input for one case.
    type Input;
    /// Builds the input of one case (not timed in *eval*).
    fn input(&self, rs: &RuleSet, row: &[i64], json: &J) -> Result<Self::Input, String>;
    /// The obligations that apply (bit `k`: obligation `k`).
    fn eval(&mut self, x: &Self::Input) -> Result<u64, String>;
    /// From the JSON text of a case to the obligations.
    fn e2e(&mut self, rs: &RuleSet, text: &str) -> Result<u64, String>;
}

/// Maps obligation ids to bits.
pub fn bits_of_ids<'a>(
    bit: &std::collections::HashMap<String, u32>,
    ids: impl Iterator<Item = &'a str>,
) -> Result<u64, String> {
    let mut m = 0u64;
    for id in ids {
        let b = bit
            .get(id)
            .ok_or_else(|| format!("unknown obligation id {id}"))?;
        m |= 1u64 << b;
    }
    Ok(m)
}
