//! The Passerelle engine: evaluates a compiled [`Program`] over answers that may be
//! partial, as of a date, in Kleene's three-valued logic.
//!
//! - [`Case`]: answers in the compiled layout (one `i64` and a known bit per fact).
//! - [`Evaluator`]: reusable scratch space; [`Evaluator::run`] decides every rule and myth
//!   without allocating.
//! - [`explain`]: the tree of conditions behind a rule's status, each leaf with its value.
//! - [`next`]: the unanswered question that settles the most undetermined rules.
//!
//! **Architecture invariant:** pure and panic-free on any answers; the result equals the
//! reference semantics of `passerelle_check::semantics` (differential tests in `tests/`).

mod case;
mod engine;
pub mod explain;
pub mod next;
mod tree;

pub use case::Case;
pub use engine::{Evaluator, Outcome, Prepared, Status};
pub use passerelle_check::semantics::Tri;
pub use passerelle_ir::Program;
