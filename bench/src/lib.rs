//! Passerelle's benchmark suite: load and check at scale, the engine against the peers
//! and a native baseline on the same generated workload, the next question.
//!
//! See `run.sh` and `src/main.rs`.

pub mod nativegen;
pub mod peers;
pub mod timing;
pub mod workload;

/// The native baseline, generated from the engine workload (`nativegen`).
#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic)]
pub mod native_gen;
