//! The Passerelle rule language, as text.
//!
//! Pipeline inside this crate: a Markdown file is split ([`markdown::split`]) into front
//! matter, `§` provision headings with their `EN:`/`FR:` paraphrases, and fenced
//! `passerelle` blocks; each block is lexed ([`lexer`]) and parsed ([`parser`]) into a
//! generic [`ast::Body`] of fields whose values are [`ast::Expr`]essions.
//! [`fmt`] prints a body back in canonical layout.
//!
//! **Architecture invariant:** parsing never fails. Every function returns what it could
//! build plus diagnostics, so the checker and the formatter work on broken files. This
//! crate knows nothing of types, packs, storage or HTTP, and does no I/O.

pub mod ast;
pub mod fmt;
pub mod lexer;
pub mod markdown;
pub mod parser;

pub use ast::{BinOp, Body, Expr, ExprKind, Field, Ident, Item, QuantKind, Unit};
pub use markdown::{Block, ParsedFile, Provision, split};
pub use parser::{MAX_DEPTH, parse_body};

/// Largest file the loader accepts, in bytes.
pub const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;
