//! The compiled form of a checked model.
//!
//! A pack is compiled once into a [`Program`]:
//!
//! - **Slots.** Every top-level fact, every definition and the evaluation date get a slot:
//!   one `i64` plus a "known" bit. Booleans are 0/1, options their index, sets a bit mask,
//!   money cents, dates days since 1970-01-01. Text lives in a side table.
//! - **Atoms.** Every comparison of a slot with a constant (`x == a`, `n >= 10`,
//!   `s contains b`, `x is known`) becomes an atom: one bit. Atoms on the same slot share a
//!   [`SlotTable`]: the slot's value selects, by table lookup, the bits of all its atoms at
//!   once. Anything else (arithmetic between facts, quantifiers over groups, text) is a
//!   [`Complex`] atom evaluated by a small tree interpreter.
//! - **Rules.** A condition is a formula over atoms, compiled to disjunctive normal form:
//!   a list of conjunctions, each a few `(word, must-be-true, must-be-false)` masks, so a
//!   rule is decided by a handful of word operations on the atoms' true/false bitsets, in
//!   Kleene logic. Conditions too large for that keep a small stack program ([`Tape`]).
//!
//! The same tables serve a columnar batch evaluator: one pass per slot over a column.
//!
//! **Architecture invariant:** compiling never fails on a model without errors, and the
//! compiled program computes exactly what `passerelle_check::semantics` specifies (tested
//! by differential property tests in `passerelle-eval`).

mod compile;
mod expr;
mod reach;

pub use compile::compile;
pub use expr::{CExpr, Cv, SlotTy, TEXT_SLOT_BASE};
pub use reach::{ConjNeed, MAX_PROBES, Reach, ReachSlot, reach};

use passerelle_check::model::{FactId, GroupId, MythId, RuleId};

/// Index of a slot.
pub type Slot = u32;

/// Days since 1970-01-01 (proleptic Gregorian calendar).
pub fn date_to_days(d: jiff::civil::Date) -> i64 {
    // Howard Hinnant's days_from_civil.
    let (y, m, dd) = (
        i64::from(d.year()),
        i64::from(d.month()),
        i64::from(d.day()),
    );
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + dd - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `days` after 1970-01-01 (clamped to the calendar jiff supports).
pub fn days_to_date(days: i64) -> jiff::civil::Date {
    // Howard Hinnant's civil_from_days.
    let z = days.clamp(-4_000_000, 3_000_000) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let y = i16::try_from(y.clamp(-9999, 9999)).unwrap_or(9999);
    jiff::civil::Date::new(y, m as i8, d as i8).unwrap_or(if days < 0 {
        jiff::civil::Date::MIN
    } else {
        jiff::civil::Date::MAX
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip() {
        let epoch = jiff::civil::Date::constant(1970, 1, 1);
        assert_eq!(date_to_days(epoch), 0);
        assert_eq!(
            date_to_days(jiff::civil::Date::constant(2024, 10, 9)),
            20_005
        );
        for days in (-800_000..800_000).step_by(997) {
            assert_eq!(date_to_days(days_to_date(days)), days);
        }
        assert_eq!(
            days_to_date(i64::MAX),
            jiff::civil::Date::constant(9999, 12, 31).min(days_to_date(3_000_000))
        );
    }
}

/// How a slot's value is computed before atoms are evaluated.
#[derive(Clone, Debug)]
pub enum Prep {
    /// A gated fact: the answer counts unless the gate is false; then `otherwise`.
    Gate {
        /// The fact's slot.
        slot: Slot,
        /// The gate.
        gate: CExpr,
        /// The value when the gate is false (`None`: unknown).
        otherwise: Option<Cv>,
    },
    /// A definition.
    Def {
        /// Its slot.
        slot: Slot,
        /// `case` conditions and values.
        cases: Vec<(CExpr, CExpr)>,
        /// The default.
        default: CExpr,
    },
}

/// The atoms of one slot (at most 64), decided together by the slot's value.
#[derive(Clone, Debug)]
pub struct SlotTable {
    /// The slot.
    pub slot: Slot,
    /// Word of the atom bitsets the atoms live in.
    pub word: u32,
    /// Bit offset of the first atom in that word.
    pub shift: u32,
    /// Atoms true when the slot is known, whatever the value (`is known`).
    pub known_true: u64,
    /// Atoms true when the slot is unknown (`is unknown`).
    pub unknown_true: u64,
    /// Atoms that depend on the value.
    pub value_mask: u64,
    /// How the value selects its atoms' bits.
    pub kind: TableKind,
}

/// How a value selects bits.
#[derive(Clone, Debug)]
pub enum TableKind {
    /// Booleans and options: `bits[value]`.
    ByValue(Vec<u64>),
    /// Numbers, amounts and dates: `bits[number of cuts <= value]`.
    Cuts {
        /// Sorted cut points.
        cuts: Vec<i64>,
        /// One entry per interval.
        bits: Vec<u64>,
    },
    /// Sets: the union of `bits[o]` for each option `o` in the set.
    SetElems(Vec<u64>),
    /// Only `is known` / `is unknown` atoms.
    KnownOnly,
}

/// An atom evaluated by the tree interpreter.
#[derive(Clone, Debug)]
pub struct Complex {
    /// Its bit.
    pub atom: u32,
    /// The condition.
    pub expr: CExpr,
}

/// A conjunction of atoms: a few sparse word masks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lit {
    /// Word index.
    pub word: u32,
    /// Atoms that must be true.
    pub pos: u64,
    /// Atoms that must be false.
    pub neg: u64,
}

/// A small stack program over atom truth values, for formulas whose normal form is too big.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tape {
    /// Push an atom.
    Atom(u32),
    /// Push a constant.
    Const(bool),
    /// Negate the top.
    Not,
    /// Combine the top two.
    And,
    /// Combine the top two.
    Or,
}

/// A compiled condition.
#[derive(Clone, Debug)]
pub enum Cond {
    /// Always true.
    True,
    /// A disjunction of conjunctions: `conjs[i]` is `lits[start..end]`.
    Dnf {
        /// (start, end) into `lits`.
        conjs: Vec<(u32, u32)>,
        /// The conjunctions' words.
        lits: Vec<Lit>,
    },
    /// A stack program.
    Tape(Vec<Tape>),
    /// Evaluated per item by the tree interpreter (per-item rules).
    Tree(CExpr),
}

/// A formula over atoms, kept for explanations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Formula {
    /// Constant.
    Const(bool),
    /// A leaf of the written condition: an atom (bit position), possibly negated, and the
    /// index of the leaf's expression as written (in [`Program::leaves`]).
    Lit {
        /// Bit position of the atom.
        atom: u32,
        /// Whether the leaf is the atom's negation.
        neg: bool,
        /// The written leaf.
        leaf: u32,
    },
    /// Negation.
    Not(Box<Formula>),
    /// Conjunction.
    And(Vec<Formula>),
    /// Disjunction.
    Or(Vec<Formula>),
}

/// A condition over the fields of one item, for explanations of per-item rules.
#[derive(Clone, Debug, PartialEq)]
pub enum TFormula {
    /// Conjunction.
    And(Vec<TFormula>),
    /// Disjunction.
    Or(Vec<TFormula>),
    /// Negation.
    Not(Box<TFormula>),
    /// A written leaf: its compiled expression and its index in [`Program::leaves`].
    Leaf(CExpr, u32),
}

/// A compiled rule or exception.
#[derive(Clone, Debug)]
pub struct CRule {
    /// The rule in the model.
    pub id: RuleId,
    /// Its condition.
    pub cond: Cond,
    /// The condition as a formula over atoms (empty `And` for always).
    pub formula: Formula,
    /// For per-item rules: the condition's structure with compiled leaves.
    pub item_formula: Option<TFormula>,
    /// Verified displacers (rules and exceptions), compiled indexes.
    pub displacers: Vec<u32>,
    /// Per-item over this group.
    pub per_item: Option<GroupId>,
    /// In force: first and last day (days since epoch), inclusive.
    pub period: (i64, i64),
    /// An obligation (not an exception).
    pub obligation: bool,
    /// Verified.
    pub verified: bool,
    /// Facts (slots) and groups the condition depends on, through definitions and gates.
    pub deps: Deps,
}

/// What a condition reads.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Deps {
    /// Fact slots.
    pub slots: Vec<Slot>,
    /// Groups.
    pub groups: Vec<GroupId>,
}

/// What each atom reads.
#[derive(Clone, Debug, Default)]
pub struct AtomInfo {
    /// Fact slots and groups it reads (through definitions and gates).
    pub deps: Deps,
}

/// A compiled myth.
#[derive(Clone, Debug)]
pub struct CMyth {
    /// The myth.
    pub id: MythId,
    /// Relevance.
    pub cond: Cond,
    /// As a formula.
    pub formula: Formula,
    /// What it reads.
    pub deps: Deps,
}

/// A compiled process: when it applies, and when each step is needed.
#[derive(Clone, Debug)]
pub struct CProcess {
    /// Whether the process applies.
    pub cond: Cond,
    /// What that reads.
    pub deps: Deps,
    /// Each step's condition and what it reads.
    pub steps: Vec<(Cond, Deps)>,
    /// Whether each step is verified (unverified steps do not drive questions).
    pub verified: Vec<bool>,
}

/// A compiled pack.
#[derive(Clone, Debug)]
pub struct Program {
    /// Number of slots.
    pub n_slots: usize,
    /// Slots holding answers (the first `n_fact_slots`).
    pub n_fact_slots: usize,
    /// Kind of each slot.
    pub slot_ty: Vec<SlotTy>,
    /// Slot of each fact (`None` for group fields).
    pub fact_slot: Vec<Option<Slot>>,
    /// Fact of each fact slot.
    pub slot_fact: Vec<FactId>,
    /// The evaluation date's slot.
    pub as_of_slot: Slot,
    /// Text slots: slot → index into the text table.
    pub text_index: Vec<Option<u32>>,
    /// Number of text entries.
    pub n_texts: usize,
    /// Text literals used by compiled expressions.
    pub text_literals: Vec<String>,
    /// Gates and definitions, in dependency order.
    pub prep: Vec<Prep>,
    /// Atom tables.
    pub tables: Vec<SlotTable>,
    /// Complex atoms.
    pub complex: Vec<Complex>,
    /// Number of atom bits.
    pub n_atoms: usize,
    /// Number of 64-bit words for atoms.
    pub n_words: usize,
    /// What each atom reads, by bit position.
    pub atoms: Vec<AtomInfo>,
    /// The leaves of conditions as written, for explanations.
    pub leaves: Vec<passerelle_check::model::Expr>,
    /// Group gates as expressions.
    pub group_gate_exprs: Vec<Option<CExpr>>,
    /// Values worth trying for each fact slot when testing whether a question matters.
    pub probes: Vec<Vec<i64>>,
    /// Rules in evaluation order (displacers before what they displace).
    pub rules: Vec<CRule>,
    /// Compiled index of each model rule.
    pub rule_index: Vec<u32>,
    /// Myths.
    pub myths: Vec<CMyth>,
    /// Processes.
    pub processes: Vec<CProcess>,
    /// Rules whose period is not open-ended (checked per evaluation).
    pub dated_rules: Vec<u32>,
    /// Gate of each fact slot as a condition, and the facts it reads.
    pub gates: Vec<Option<(Cond, Deps)>>,
    /// Gates of groups.
    pub group_gates: Vec<Option<(Cond, Deps)>>,
    /// For each group, its field facts.
    pub group_fields: Vec<Vec<FactId>>,
    /// What each fact's answer can change, for the next question.
    pub reach: Reach,
}
