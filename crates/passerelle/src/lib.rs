//! Passerelle's public facade: what the command line, the web service and the publisher
//! call. It loads pack folders from disk ([`load`]), checks them, compiles them, evaluates
//! answers, runs scenarios and generates synthetic packs.
//!
//! **API boundary:** this is the only crate below the interfaces that reads files.

pub mod describe;
pub mod generate;
pub mod load;
pub mod pack;
pub mod scenario;
pub mod sources;
pub mod text;
pub mod verdict;
pub mod verdict_json;

pub use load::{LoadedPacks, load_packs};
pub use pack::{Pack, PackError};
pub use verdict::{BatchEvaluator, EvalOptions, OutcomeIds, Verdict, evaluate, outcome_ids, today};
