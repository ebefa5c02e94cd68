//! Compiled expressions, for what the atom tables do not cover.

use crate::Slot;
use passerelle_check::model::{Arith, Cmp, GroupId};
use passerelle_syntax::Unit;

/// A compiled value. Numbers, amounts, dates (days), options and sets are all `N`:
/// types were checked, so the compiled code knows which is which.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cv {
    /// Unknown.
    U,
    /// Boolean.
    B(bool),
    /// Number, cents, days, option index or set mask.
    N(i64),
    /// Text: a literal (`< TEXT_SLOT_BASE`) or a text slot (`TEXT_SLOT_BASE + index`).
    T(u32),
}

/// Text ids at or above this refer to text slots.
pub const TEXT_SLOT_BASE: u32 = 1 << 31;

/// What a slot holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SlotTy {
    /// 0/1.
    Bool,
    /// An `i64`.
    Num,
    /// Text.
    Text,
}

/// A compiled expression.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum CExpr {
    /// A constant.
    Lit(Cv),
    /// A slot.
    Slot(Slot, SlotTy),
    /// A field of a bound item: variable, field position, kind.
    Item(u32, u32, SlotTy),
    /// Negation.
    Not(Box<CExpr>),
    /// Conjunction.
    And(Box<CExpr>, Box<CExpr>),
    /// Disjunction.
    Or(Box<CExpr>, Box<CExpr>),
    /// Comparison.
    Cmp(Cmp, Box<CExpr>, Box<CExpr>),
    /// Arithmetic.
    Arith(Arith, Box<CExpr>, Box<CExpr>),
    /// Unary minus.
    Neg(Box<CExpr>),
    /// Date moved by a duration (minus when true).
    Shift(Box<CExpr>, i64, Unit, bool),
    /// Option in mask.
    InMask(Box<CExpr>, u64),
    /// Set intersects mask.
    SetHas(Box<CExpr>, u64),
    /// `is known` (true) / `is unknown` (false).
    Known(Box<CExpr>, bool),
    /// Choice.
    If(Box<CExpr>, Box<CExpr>, Box<CExpr>),
    /// Some item satisfies.
    Any(GroupId, Box<CExpr>),
    /// Every item satisfies.
    All(GroupId, Box<CExpr>),
    /// Items satisfying.
    Count(GroupId, Box<CExpr>),
    /// Options in a set.
    CountSet(Box<CExpr>),
}
