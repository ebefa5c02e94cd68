//! The case log: every situation a team brings, kept so the answer can be reused.
//!
//! This crate holds what does not depend on a database: the [`screen`] for personal
//! information in free text. The store (`passerelle-store`) keeps situations; the web
//! service and the CLI put the two together.

pub mod jsonl;
pub mod recheck;
pub mod screen;
pub mod search;
pub mod snapshot;
