//! The evaluator: slots, atom bitsets, rules, myths.

use crate::case::Case;
use crate::tree::{Ctx, tri};
use passerelle_check::model::GroupId;
use passerelle_check::semantics::Tri;
use passerelle_ir::{Cond, Cv, Lit, Prep, Program, SlotTy, TableKind, Tape};
use std::sync::Arc;

/// A rule's status in one evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    /// Not in force on the date.
    NotInForce,
    /// Does not apply.
    NotApplies,
    /// Applies.
    Applies,
    /// Still undetermined.
    Undetermined,
    /// Its condition holds but a displacer holds too.
    Displaced,
}

/// One item of a per-item rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ItemStatus {
    /// Compiled rule index.
    pub rule: u32,
    /// Item index, or `None` when the list itself is unknown.
    pub item: Option<u32>,
    /// Status.
    pub status: Status,
    /// Displacer (compiled index) when displaced.
    pub by: u32,
}

/// The result of one evaluation. Indexes are compiled rule indexes
/// ([`Program::rule_index`] maps model rules to them).
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    /// Status per compiled rule (per-item rules: see `items`).
    pub status: Vec<Status>,
    /// Displacer of each displaced rule.
    pub by: Vec<u32>,
    /// Per-item rule results.
    pub items: Vec<ItemStatus>,
    /// Relevance of each myth.
    pub myths: Vec<Tri>,
    /// Whether each process applies.
    pub processes: Vec<Tri>,
    /// Whether each step of each process is needed.
    pub steps: Vec<Vec<Tri>>,
    /// Atoms known true.
    pub t: Vec<u64>,
    /// Atoms known false.
    pub f: Vec<u64>,
    /// Every slot after gates and definitions.
    pub vals: Vec<i64>,
    /// Known bits of every slot.
    pub known: Vec<u64>,
    /// Texts of definition slots.
    pub def_texts: Vec<Option<String>>,
    /// The evaluation date (days since 1970-01-01).
    pub as_of: i64,
    /// With the kill layout (see `Plan::kill_words`): the conjunctions found false, in
    /// that layout's numbering, and which layout (`layout_key`) numbered them; empty and 0
    /// otherwise. The next question reads them instead of walking the conjunctions again.
    pub(crate) conj_dead: Vec<u64>,
    pub(crate) layout: usize,
    /// With the kill layout: the conjunctions with an atom on an unanswered fact's value
    /// (alive and untouched: true).
    pub(crate) conj_touch: Vec<u64>,
}

/// Whether a rule holds (its condition true and nothing displacing it), by its status:
/// a rule that applies holds, one still undetermined may, and the others do not. (So the
/// evaluation writes one byte per rule.)
const STATUS_HOLDS: [Tri; 5] = [Tri::False, Tri::False, Tri::True, Tri::Unknown, Tri::False];

#[inline(always)]
fn holds_of(s: Status) -> Tri {
    STATUS_HOLDS[s as usize]
}

impl Outcome {
    /// Whether a (whole-project) compiled rule holds: its condition true and nothing
    /// displacing it.
    pub fn holds(&self, ci: usize) -> Tri {
        self.status.get(ci).map_or(Tri::False, |s| holds_of(*s))
    }

    /// The truth of an atom (bit position).
    pub fn atom(&self, bit: u32) -> Tri {
        let (w, b) = ((bit / 64) as usize, bit % 64);
        let m = 1u64 << b;
        if self.t.get(w).is_some_and(|x| x & m != 0) {
            Tri::True
        } else if self.f.get(w).is_some_and(|x| x & m != 0) {
            Tri::False
        } else {
            Tri::Unknown
        }
    }

    /// The truth of an atom (bit position), negated when `neg`, without a branch on the
    /// data (explanations read one per leaf).
    #[inline]
    pub fn lit(&self, bit: u32, neg: bool) -> Tri {
        // By (negated, true bit, false bit); both bits set cannot happen.
        const OF: [[Tri; 4]; 2] = [
            [Tri::Unknown, Tri::False, Tri::True, Tri::True],
            [Tri::Unknown, Tri::True, Tri::False, Tri::False],
        ];
        let (w, b) = ((bit / 64) as usize, bit % 64);
        let t = self.t.get(w).map_or(0, |x| (x >> b) & 1);
        let f = self.f.get(w).map_or(0, |x| (x >> b) & 1);
        OF[usize::from(neg)][(t << 1 | f) as usize]
    }

    /// Whether a slot is known after gates and definitions.
    pub fn slot_known(&self, s: u32) -> bool {
        self.known
            .get(s as usize / 64)
            .is_some_and(|w| w & (1u64 << (s % 64)) != 0)
    }
}

/// Reusable evaluation state for one program.
pub struct Evaluator<'p> {
    p: &'p Program,
    out: Outcome,
    stack: Vec<(bool, bool)>,
    vars: Vec<(GroupId, usize)>,
    plan: Arc<Plan>,
}

/// A program laid out for the evaluation loops, made once and shared by every evaluator of
/// that program ([`Evaluator::prepared`]): laying out costs more than an evaluation, so a
/// server keeps one per pack instead of one per request.
#[derive(Clone)]
pub struct Prepared {
    pub(crate) plan: Arc<Plan>,
    of: ProgramKey,
}

/// What identifies a program for [`Prepared`]: where its rules live and its sizes (the
/// rules' buffer does not move when the program does).
#[derive(Clone, Copy, PartialEq, Eq)]
struct ProgramKey(usize, usize, usize, usize);

impl ProgramKey {
    fn of(p: &Program) -> ProgramKey {
        ProgramKey(
            p.rules.as_ptr() as usize,
            p.rules.len(),
            p.n_words,
            p.n_slots,
        )
    }
}

/// What identifies a layout in [`Outcome::layout`]: its address, which cannot be reused while
/// a [`Prepared`] or an evaluator holds it.
pub(crate) fn layout_key(plan: &Arc<Plan>) -> usize {
    Arc::as_ptr(plan) as usize
}

impl Prepared {
    /// Lays out `p`.
    pub fn new(p: &Program) -> Prepared {
        let mut plan = Plan::new(p);
        plan.ask = crate::next::KillAsk::new(p, &plan).map(Arc::new);
        Prepared {
            plan: Arc::new(plan),
            of: ProgramKey::of(p),
        }
    }

    /// Whether this is `p`'s layout.
    pub fn is_for(&self, p: &Program) -> bool {
        self.of == ProgramKey::of(p)
    }
}

impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prepared")
            .field("rules", &self.plan.rules.len())
            .field("complete_answers", &self.plan.complete_layout())
            .finish_non_exhaustive()
    }
}

/// The program laid out for the evaluation loops, built once per evaluator.
///
/// - **Tables**: every slot table as one small record, with the bits (and cut points) of
///   all tables in two flat arrays.
/// - **Rules**: consecutive rules whose condition is in normal form form a *run*; the word
///   masks of all their conjunctions are one stream, each mask marked when it ends a
///   conjunction and when it ends a rule, so a run is decided by a single pass over the
///   stream without dispatch, pointer chasing or per-conjunction bounds. Other rules (stack
///   programs, per-item rules, conditions never true) keep the generic path.
/// - **Layouts by table lookups** when every atom is a table's: the *kill layout*
///   (`kill_words`: each table value gives the conjunctions it makes false) and, for
///   complete answers, the *rule planes* (`plane_words`: the same, numbered by rule, so
///   the rules are decided word by word and their statuses written eight at a time).
pub(crate) struct Plan {
    /// Tables, grouped by way: `table_groups[k]` is the range of way `k` (in the order of
    /// [`TableWay`]).
    tables: Vec<TablePlan>,
    table_groups: [(u32, u32); 4],
    table_bits: Vec<u64>,
    table_cuts: Vec<i64>,
    pub(crate) rules: Vec<RulePlan>,
    /// Displacers, rule after rule.
    disps: Vec<u32>,
    segments: Vec<Segment>,
    lits: Vec<FlatLit>,
    /// Every atom's bit, by word: when `t | f` covers it, every atom is decided and the
    /// runs are evaluated in two-valued logic.
    valid: Vec<u64>,
    /// Whether every literal of the runs is an atom of `valid`.
    two_valued: bool,
    /// When the atoms fit in at most [`DENSE_WORDS`] words: every conjunction of the runs
    /// as `(care, pos)` masks for each word (`dense_words` entries per conjunction), for the
    /// two-valued case.
    dense_words: usize,
    dense: Vec<(u64, u64)>,
    /// The latest first day and earliest last day of the rules: between them, every rule
    /// is in force.
    pub(crate) all_from: i64,
    pub(crate) all_to: i64,
    /// Dense layout, first pass: the flat rules without displacers (they depend on nothing
    /// else, so they go first, in any order) that have one conjunction: its masks, and
    /// the rule.
    simple: Vec<(u64, u64)>,
    simple_rule: Vec<u32>,
    simple_rules: Vec<u32>,
    /// Same, for the rules with several conjunctions: the masks, and each rule with its
    /// number of conjunctions.
    simple_n: Vec<(u64, u64)>,
    simple_n_rule: Vec<(u32, u32)>,
    /// Dense layout, second pass: the flat rules with displacers, segment by segment
    /// (`Segment::others`), their conjunctions in `dense`.
    others: Vec<u32>,
    /// Slots read by tables, by word of `known`: when all are known and there are no
    /// complex atoms, only the true bits are computed (the false bits are the rest of
    /// `valid`).
    table_slots: Vec<u64>,
    all_known_ok: bool,
    /// Kill layout, when every atom is a table's and the conjunctions fit in at most
    /// [`KILL_WORDS`] words: the conjunctions of the flat rules are numbered (a rule's
    /// within one word), and each table value gives, for `kill_words` words, the
    /// conjunctions it makes false. A conjunction holds when no table kills it, so a
    /// case costs one lookup per table and one bit test per rule. With partial answers,
    /// a table whose slot is unknown kills the conjunctions its `is known` atoms make
    /// false and leaves open (`touch`) those with an atom on its value: a conjunction is
    /// true when alive and untouched, false when killed, otherwise unknown.
    pub(crate) kill_words: usize,
    /// The conjunctions killed by the `is known` / `is unknown` atoms (all slots known).
    kill0: Vec<u64>,
    /// Partial answers, per table (in `tables` order, `3 * kill_words` each): the
    /// conjunctions its `is known` / `is unknown` atoms kill when the slot is known, those
    /// they kill when it is unknown, and those with an atom on its value (unknown then).
    kill_state: Vec<u64>,
    /// Per value class of value and cut tables (`TablePlan::kills + class`): the true
    /// bits in the table's word (shifted), then the killed conjunctions.
    kill_class: Vec<u64>,
    /// The flat rules without displacers, for the first pass: rule, word and bits of its
    /// conjunctions.
    kill_simple: Vec<(u32, u32, u64)>,
    /// The other rules, in order, for the second pass.
    kill_others: Vec<u32>,
    /// Per atom of set tables: killed when the atom is true, then when it is false.
    kill_atom: Vec<u64>,
    /// Rule planes, for complete answers, when they fit in [`KILL_WORDS`] words: the same
    /// tables (`plane_class`, `plane_atom`, `plane0`, entries of `plane_words` words
    /// instead of `kill_words`, in the same order), but a conjunction is numbered by its
    /// rule: conjunction `j` of compiled rule `ci` is bit `ci % 64` of word
    /// `j * rule_words + ci / 64`. A rule then holds when its bit is alive in one of the
    /// planes, so a case's flat rules are decided with a few word operations and their
    /// statuses written eight at a time. Bits of rules that are not flat, and of
    /// conjunctions a rule does not have, are always killed (`plane0`).
    plane_words: usize,
    rule_words: usize,
    plane0: Vec<u64>,
    plane_class: Vec<u64>,
    plane_atom: Vec<u64>,
    /// Per conjunction of the kill layout: the fact slots of its atoms, as a range of
    /// `kill_need_masks` (fact-slot word and bits), for the next question. Its atoms are
    /// all plain ([`passerelle_ir::Reach::plain_atoms`]) when its rule's
    /// `RulePlan::kill_plain` is set.
    pub(crate) kill_need: Vec<(u32, u32)>,
    pub(crate) kill_need_masks: Vec<(u32, u64)>,
    /// What the kill layout gives the next question (made with the shared layout,
    /// [`Prepared::new`]).
    pub(crate) ask: Option<Arc<crate::next::KillAsk>>,
}

/// Most words of conjunctions for the kill layout.
const KILL_WORDS: usize = 8;

/// Most words of atoms for the dense layout.
const DENSE_WORDS: usize = 4;

#[derive(Clone, Copy, PartialEq, Eq)]
enum TableWay {
    ByValue,
    Cuts,
    SetElems,
    KnownOnly,
}

#[derive(Clone, Copy)]
struct TablePlan {
    way: TableWay,
    slot: u32,
    word: u32,
    shift: u32,
    /// Offset of the table's bits in `table_bits`, and their number: per value (value
    /// tables), per rank (cut tables), or sixteen per group of four options (set tables:
    /// the atoms each combination of the group makes true).
    bits: u32,
    n_bits: u32,
    /// Offset of the cut points in `table_cuts`, and their number.
    cuts: u32,
    n_cuts: u32,
    known_true: u64,
    unknown_true: u64,
    value_mask: u64,
    /// Kill layout: offset of the table's entries in `Plan::kill_class` (values and cut
    /// tables, one entry per value class) or `Plan::kill_atom` (set tables, two per atom).
    kills: u32,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Way {
    /// In a run.
    Flat,
    /// By [`cond`].
    Generic,
    /// Per item (see `run_items`).
    PerItem,
}

#[derive(Clone, Copy)]
pub(crate) struct RulePlan {
    way: Way,
    from: i64,
    to: i64,
    disps: (u32, u32),
    /// Number of conjunctions (flat rules).
    conjs: u32,
    /// Kill layout: the word and the bits of the rule's conjunctions.
    pub(crate) kill_word: u32,
    pub(crate) kill_mask: u64,
    /// Kill layout: whether every atom of the rule is plain, so that what an open
    /// conjunction needs is the unanswered part of its `Plan::kill_need`.
    pub(crate) kill_plain: bool,
}

/// Consecutive rules `rules`, evaluated in a run over `lits` when flat, or one generic rule.
#[derive(Clone, Copy)]
struct Segment {
    flat: bool,
    rules: (u32, u32),
    lits: (u32, u32),
    /// Conjunctions (flat segments), in the numbering of `dense`.
    conjs: (u32, u32),
    /// Flat rules with displacers (flat segments), in `Plan::others`.
    others: (u32, u32),
}

/// A word mask of a conjunction, marked at the end of a conjunction and of a rule.
#[derive(Clone, Copy)]
struct FlatLit {
    word: u32,
    mark: u32,
    pos: u64,
    neg: u64,
}

const END_CONJ: u32 = 1;
const END_RULE: u32 = 2;

impl Plan {
    fn new(p: &Program) -> Plan {
        let n32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let mut plan = Plan {
            tables: Vec::with_capacity(p.tables.len()),
            table_groups: [(0, 0); 4],
            table_bits: Vec::new(),
            table_cuts: Vec::new(),
            rules: Vec::with_capacity(p.rules.len()),
            disps: Vec::new(),
            segments: Vec::new(),
            lits: Vec::new(),
            valid: vec![0; p.n_words],
            two_valued: true,
            dense_words: 0,
            dense: Vec::new(),
            all_from: i64::MIN,
            all_to: i64::MAX,
            simple: Vec::new(),
            simple_rule: Vec::new(),
            simple_rules: Vec::new(),
            simple_n: Vec::new(),
            simple_n_rule: Vec::new(),
            others: Vec::new(),
            table_slots: vec![0; p.n_slots.div_ceil(64)],
            all_known_ok: p.complex.is_empty(),
            kill_words: 0,
            kill0: Vec::new(),
            kill_state: Vec::new(),
            kill_class: Vec::new(),
            kill_atom: Vec::new(),
            plane_words: 0,
            rule_words: 0,
            plane0: Vec::new(),
            plane_class: Vec::new(),
            plane_atom: Vec::new(),
            kill_simple: Vec::new(),
            kill_others: Vec::new(),
            kill_need: Vec::new(),
            kill_need_masks: Vec::new(),
            ask: None,
        };
        // Tables.
        for tb in &p.tables {
            let (bits, cuts) = (n32(plan.table_bits.len()), n32(plan.table_cuts.len()));
            let way = match &tb.kind {
                TableKind::ByValue(b) => {
                    plan.table_bits.extend_from_slice(b);
                    TableWay::ByValue
                }
                TableKind::Cuts { cuts: c, bits: b } => {
                    plan.table_cuts.extend_from_slice(c);
                    plan.table_bits.extend_from_slice(b);
                    // `bits[rank]` for every rank 0..=cuts.len().
                    plan.table_bits.extend(std::iter::repeat_n(
                        0,
                        (c.len() + 1).saturating_sub(b.len()),
                    ));
                    TableWay::Cuts
                }
                TableKind::SetElems(per) => {
                    // By groups of four options: the atoms each combination makes true,
                    // so that a set value costs one lookup per group and no loop over
                    // its elements (whose count is data, a branch to mispredict).
                    let per = &per[..per.len().min(64)];
                    for chunk in per.chunks(4) {
                        for x in 0..16usize {
                            plan.table_bits.push(
                                chunk
                                    .iter()
                                    .enumerate()
                                    .filter(|(j, _)| x & (1 << j) != 0)
                                    .fold(0, |m, (_, b)| m | b),
                            );
                        }
                    }
                    TableWay::SetElems
                }
                TableKind::KnownOnly => TableWay::KnownOnly,
            };
            let ok = (tb.slot as usize) < p.n_slots && (tb.word as usize) < p.n_words;
            if let Some(w) = plan.table_slots.get_mut(tb.slot as usize / 64) {
                *w |= 1u64 << (tb.slot % 64);
            }
            let table_bits = &plan.table_bits[bits as usize..];
            plan.all_known_ok &= ok
                && table_bits.iter().all(|b| b & !tb.value_mask == 0)
                && tb.value_mask & tb.known_true == 0
                && tb.value_mask & tb.unknown_true == 0
                && tb.known_true & tb.unknown_true == 0;
            plan.tables.push(TablePlan {
                way: if ok { way } else { TableWay::KnownOnly },
                slot: if ok { tb.slot } else { 0 },
                word: if ok { tb.word } else { 0 },
                shift: tb.shift % 64,
                bits,
                n_bits: n32(plan.table_bits.len()) - bits,
                cuts,
                n_cuts: n32(plan.table_cuts.len()) - cuts,
                known_true: if ok { tb.known_true } else { 0 },
                unknown_true: if ok { tb.unknown_true } else { 0 },
                value_mask: tb.value_mask,
                kills: 0,
            });
            if let Some(w) = plan.valid.get_mut(tb.word as usize) {
                let bits = tb.value_mask | tb.known_true | tb.unknown_true;
                *w |= bits.checked_shl(tb.shift).unwrap_or(0);
            }
        }
        for cx in &p.complex {
            if let Some(w) = plan.valid.get_mut((cx.atom / 64) as usize) {
                *w |= 1u64 << (cx.atom % 64);
            }
        }
        // By way, then word (the kill layout's table pass gathers a word's bits while
        // the tables stay on it).
        plan.tables.sort_by_key(|tb| (tb.way as u8, tb.word));
        for (k, g) in plan.table_groups.iter_mut().enumerate() {
            let start = plan.tables.partition_point(|tb| (tb.way as usize) < k);
            let end = plan.tables.partition_point(|tb| (tb.way as usize) <= k);
            *g = (n32(start), n32(end));
        }
        // Rules and runs.
        let mut n_conjs = 0u32;
        for (ci, r) in p.rules.iter().enumerate() {
            let lits0 = plan.lits.len();
            let conjs0 = n_conjs;
            let word_ok = |l: &Lit| (l.word as usize) < p.n_words;
            let way = if r.per_item.is_some() {
                Way::PerItem
            } else {
                match &r.cond {
                    Cond::True if p.n_words > 0 => {
                        plan.lits.push(FlatLit {
                            word: 0,
                            mark: END_CONJ,
                            pos: 0,
                            neg: 0,
                        });
                        Way::Flat
                    }
                    Cond::Dnf { conjs, lits }
                        if !conjs.is_empty()
                            && conjs.iter().all(|&(s, e)| {
                                s <= e
                                    && (e as usize) <= lits.len()
                                    && lits[s as usize..e as usize].iter().all(word_ok)
                            }) =>
                    {
                        for &(s, e) in conjs {
                            let ls = &lits[s as usize..e as usize];
                            if ls.is_empty() {
                                // An empty conjunction always holds.
                                plan.lits.push(FlatLit {
                                    word: 0,
                                    mark: END_CONJ,
                                    pos: 0,
                                    neg: 0,
                                });
                            }
                            for (i, l) in ls.iter().enumerate() {
                                plan.lits.push(FlatLit {
                                    word: l.word,
                                    mark: if i + 1 == ls.len() { END_CONJ } else { 0 },
                                    pos: l.pos,
                                    neg: l.neg,
                                });
                            }
                        }
                        Way::Flat
                    }
                    _ => Way::Generic,
                }
            };
            if way == Way::Flat {
                if let Some(last) = plan.lits.last_mut() {
                    last.mark |= END_RULE;
                }
                n_conjs += n32(plan.lits[lits0..]
                    .iter()
                    .filter(|l| l.mark & END_CONJ != 0)
                    .count());
            }
            plan.all_from = plan.all_from.max(r.period.0);
            plan.all_to = plan.all_to.min(r.period.1);
            let d0 = n32(plan.disps.len());
            plan.disps.extend_from_slice(&r.displacers);
            plan.rules.push(RulePlan {
                way,
                from: r.period.0,
                to: r.period.1,
                disps: (d0, n32(plan.disps.len())),
                conjs: n_conjs - conjs0,
                kill_word: 0,
                kill_mask: 0,
                kill_plain: false,
            });
            let (ci, l0, l1) = (n32(ci), n32(lits0), n32(plan.lits.len()));
            match plan.segments.last_mut() {
                Some(sg) if way == Way::Flat && sg.flat => {
                    sg.rules.1 = ci + 1;
                    sg.lits.1 = l1;
                    sg.conjs.1 = n_conjs;
                }
                _ => plan.segments.push(Segment {
                    flat: way == Way::Flat,
                    rules: (ci, ci + 1),
                    lits: (l0, l1),
                    conjs: (conjs0, n_conjs),
                    others: (0, 0),
                }),
            }
        }
        plan.two_valued = plan.lits.iter().all(|l| {
            plan.valid
                .get(l.word as usize)
                .is_some_and(|v| v & (l.pos | l.neg) == l.pos | l.neg)
        });
        if plan.two_valued && (1..=DENSE_WORDS).contains(&p.n_words) {
            let nw = p.n_words;
            plan.dense_words = nw;
            // Each flat rule's conjunctions as dense masks.
            let mut per_rule: Vec<Vec<(u64, u64)>> = vec![Vec::new(); p.rules.len()];
            let mut rule_at = plan
                .rules
                .iter()
                .enumerate()
                .filter(|(_, rp)| rp.way == Way::Flat)
                .map(|(ci, _)| ci);
            let mut cur = rule_at.next();
            let mut conj = vec![(0u64, 0u64); nw];
            for l in &plan.lits {
                let e = &mut conj[l.word as usize];
                e.0 |= l.pos | l.neg;
                e.1 |= l.pos;
                if l.mark & END_CONJ != 0 {
                    if let Some(ci) = cur {
                        per_rule[ci].extend_from_slice(&conj);
                    }
                    conj.fill((0, 0));
                }
                if l.mark & END_RULE != 0 {
                    cur = rule_at.next();
                }
            }
            for (ci, rp) in plan.rules.iter().enumerate() {
                if rp.way != Way::Flat {
                    continue;
                }
                let masks = &per_rule[ci];
                let n = masks.len() / nw;
                if rp.disps.0 == rp.disps.1 {
                    plan.simple_rules.push(n32(ci));
                    if n == 1 {
                        plan.simple.extend_from_slice(masks);
                        plan.simple_rule.push(n32(ci));
                    } else {
                        plan.simple_n.extend_from_slice(masks);
                        plan.simple_n_rule.push((n32(ci), n32(n)));
                    }
                }
            }
            plan.dense.clear();
            for sg in plan.segments.iter_mut().filter(|sg| sg.flat) {
                let (c0, o0) = (n32(plan.dense.len() / nw), n32(plan.others.len()));
                for ci in sg.rules.0..sg.rules.1 {
                    let rp = &plan.rules[ci as usize];
                    if rp.disps.0 != rp.disps.1 {
                        plan.others.push(ci);
                        plan.dense.extend_from_slice(&per_rule[ci as usize]);
                    }
                }
                sg.conjs = (c0, n32(plan.dense.len() / nw));
                sg.others = (o0, n32(plan.others.len()));
            }
        }
        if plan.all_known_ok && plan.two_valued {
            plan.build_kills(p);
        }
        plan
    }

    /// Builds the kill layout (see `Plan::kill_words`), when the conjunctions fit.
    fn build_kills(&mut self, p: &Program) {
        // Number the conjunctions, each rule's within one word.
        let mut conj_lits: Vec<Vec<(u32, u64, u64)>> = Vec::new();
        let mut cur: Vec<(u32, u64, u64)> = Vec::new();
        let mut per_rule: Vec<Vec<Vec<(u32, u64, u64)>>> = Vec::new();
        let mut this_rule: Vec<Vec<(u32, u64, u64)>> = Vec::new();
        for l in &self.lits {
            cur.push((l.word, l.pos, l.neg));
            if l.mark & END_CONJ != 0 {
                this_rule.push(std::mem::take(&mut cur));
            }
            if l.mark & END_RULE != 0 {
                per_rule.push(std::mem::take(&mut this_rule));
            }
        }
        let mut at = 0usize;
        let mut flat_rules = per_rule.into_iter();
        for rp in self.rules.iter_mut().filter(|rp| rp.way == Way::Flat) {
            let Some(conjs) = flat_rules.next() else {
                return;
            };
            let n = conjs.len();
            if n == 0 || n > 64 {
                return;
            }
            if at % 64 + n > 64 {
                at = at.div_ceil(64) * 64;
            }
            while conj_lits.len() < at {
                conj_lits.push(Vec::new());
            }
            rp.kill_word = u32::try_from(at / 64).unwrap_or(u32::MAX);
            rp.kill_mask = if n == 64 {
                u64::MAX
            } else {
                ((1u64 << n) - 1) << (at % 64)
            };
            let plain = &p.reach.plain_atoms;
            rp.kill_plain = conjs.iter().flatten().all(|&(w, pos, neg)| {
                (pos | neg) & !plain.get(w as usize).copied().unwrap_or(0) == 0
            });
            conj_lits.extend(conjs);
            at += n;
        }
        let k = at.div_ceil(64).max(1);
        if k > KILL_WORDS {
            for rp in &mut self.rules {
                rp.kill_word = 0;
                rp.kill_mask = 0;
            }
            return;
        }
        let k = k.next_power_of_two();
        let killed =
            |w: u32, bits: u64, truth: u64| killed_conjs(&conj_lits, k, w, bits, truth, Some);
        let (mut n_class, mut n_atom) = (0u32, 0u32);
        let mut kill_state = Vec::with_capacity(self.tables.len() * 3 * k);
        for tb in &mut self.tables {
            let sh = |m: u64| m << tb.shift;
            // `is known` atoms are true and `is unknown` atoms false.
            let constant = sh(tb.known_true | tb.unknown_true);
            let vm = sh(tb.value_mask);
            kill_state.extend(killed(tb.word, constant, sh(tb.known_true)));
            kill_state.extend(killed(tb.word, constant, sh(tb.unknown_true)));
            // Conjunctions with a literal on the value: `killed` by either truth.
            let touch = killed(tb.word, vm, 0)
                .into_iter()
                .zip(killed(tb.word, vm, vm))
                .map(|(a, b)| a | b);
            kill_state.extend(touch);
            match tb.way {
                TableWay::ByValue | TableWay::Cuts => {
                    tb.kills = n_class;
                    n_class += tb.n_bits + 1;
                }
                TableWay::SetElems => {
                    tb.kills = n_atom;
                    n_atom += tb.value_mask.count_ones();
                }
                TableWay::KnownOnly => {}
            }
        }
        let (kill0, kill_class, kill_atom) = self.class_entries(k, &killed);
        self.build_planes(&conj_lits);
        // What each conjunction needs: the fact slots of its atoms.
        self.kill_need.clear();
        self.kill_need_masks.clear();
        let mut words: Vec<(u32, u64)> = Vec::new();
        for ls in &conj_lits {
            words.clear();
            for &(w, pos, neg) in ls {
                let mut m = pos | neg;
                while m != 0 {
                    let bit = w as usize * 64 + m.trailing_zeros() as usize;
                    m &= m - 1;
                    let Some(&slot) = p.reach.atom_slot.get(bit) else {
                        continue;
                    };
                    if slot as usize >= p.n_fact_slots {
                        continue;
                    }
                    let (sw, b) = (slot / 64, 1u64 << (slot % 64));
                    match words.iter_mut().find(|x| x.0 == sw) {
                        Some(x) => x.1 |= b,
                        None => words.push((sw, b)),
                    }
                }
            }
            let n0 = u32::try_from(self.kill_need_masks.len()).unwrap_or(u32::MAX);
            self.kill_need_masks.extend_from_slice(&words);
            let n1 = u32::try_from(self.kill_need_masks.len()).unwrap_or(u32::MAX);
            self.kill_need.push((n0, n1));
        }
        self.kill_words = k;
        self.kill_simple.clear();
        self.kill_others.clear();
        for (ci, rp) in self.rules.iter().enumerate() {
            let ci = u32::try_from(ci).unwrap_or(u32::MAX);
            if rp.way == Way::Flat && rp.disps.0 == rp.disps.1 {
                self.kill_simple.push((ci, rp.kill_word, rp.kill_mask));
            } else {
                self.kill_others.push(ci);
            }
        }
        self.kill0 = kill0;
        self.kill_state = kill_state;
        self.kill_class = kill_class;
        self.kill_atom = kill_atom;
    }

    /// For `k` words given by `killed`: what the `is known` / `is unknown` atoms kill when
    /// every slot is known, the entries of the value classes (value and cut tables: the
    /// true bits, then what `killed` gives) and those of the atoms of set tables (killed
    /// when true, then when false), table after table, in the order of `TablePlan::kills`.
    fn class_entries(
        &self,
        k: usize,
        killed: &dyn Fn(u32, u64, u64) -> Vec<u64>,
    ) -> (Vec<u64>, Vec<u64>, Vec<u64>) {
        let (mut zero, mut class, mut atom) = (vec![0u64; k], Vec::new(), Vec::new());
        for tb in &self.tables {
            let sh = |m: u64| m << tb.shift;
            let known = killed(
                tb.word,
                sh(tb.known_true | tb.unknown_true),
                sh(tb.known_true),
            );
            for (a, b) in zero.iter_mut().zip(&known) {
                *a |= b;
            }
            let vm = sh(tb.value_mask);
            match tb.way {
                TableWay::ByValue | TableWay::Cuts => {
                    let bits = &self.table_bits[tb.bits as usize..(tb.bits + tb.n_bits) as usize];
                    for &vb in bits.iter().chain(std::iter::once(&0)) {
                        class.push(sh(vb | tb.known_true));
                        class.extend(killed(tb.word, vm, sh(vb)));
                    }
                }
                TableWay::SetElems => {
                    let mut m = tb.value_mask;
                    while m != 0 {
                        let a = sh(1u64 << m.trailing_zeros());
                        atom.extend(killed(tb.word, a, a));
                        atom.extend(killed(tb.word, a, 0));
                        m &= m - 1;
                    }
                }
                TableWay::KnownOnly => {}
            }
        }
        (zero, class, atom)
    }

    /// Builds the rule planes (see `Plan::plane_words`) from the kill layout's
    /// conjunctions (`conj_lits`, numbered by `RulePlan::kill_word` / `kill_mask`).
    fn build_planes(&mut self, conj_lits: &[Vec<(u32, u64, u64)>]) {
        self.plane_words = 0;
        let rw = self.rules.len().div_ceil(64).max(1);
        let most = self
            .rules
            .iter()
            .filter(|rp| rp.way == Way::Flat)
            .map(|rp| rp.kill_mask.count_ones() as usize)
            .max()
            .unwrap_or(0);
        if most == 0 || most * rw > KILL_WORDS {
            return;
        }
        let k = (most * rw).next_power_of_two();
        // Each conjunction's bit in the planes.
        let mut at = vec![usize::MAX; conj_lits.len()];
        let mut plane0 = vec![u64::MAX; k];
        for (ci, rp) in self.rules.iter().enumerate() {
            if rp.way != Way::Flat {
                continue;
            }
            let first = rp.kill_word as usize * 64 + rp.kill_mask.trailing_zeros() as usize;
            for j in 0..rp.kill_mask.count_ones() as usize {
                let bit = (j * rw + ci / 64) * 64 + ci % 64;
                if let Some(a) = at.get_mut(first + j) {
                    *a = bit;
                }
                plane0[bit / 64] &= !(1u64 << (bit % 64));
            }
        }
        let killed = |w: u32, bits: u64, truth: u64| {
            killed_conjs(conj_lits, k, w, bits, truth, |c| {
                at.get(c).copied().filter(|b| *b != usize::MAX)
            })
        };
        let (zero, class, atom) = self.class_entries(k, &killed);
        for (a, b) in plane0.iter_mut().zip(&zero) {
            *a |= b;
        }
        self.plane_words = k;
        self.rule_words = rw;
        self.plane0 = plane0;
        self.plane_class = class;
        self.plane_atom = atom;
    }

    /// Which layout decides the rules for complete answers: `planes`, `kill`, `dense` or
    /// `runs` (in the order they are tried).
    fn complete_layout(&self) -> &'static str {
        if self.all_known_ok && self.plane_words > 0 {
            "planes"
        } else if self.all_known_ok && self.kill_words > 0 {
            "kill"
        } else if self.dense_words > 0 {
            "dense"
        } else {
            "runs"
        }
    }

    /// Whether every atom is decided.
    fn decided(&self, t: &[u64], f: &[u64]) -> bool {
        self.two_valued
            && self
                .valid
                .iter()
                .zip(t.iter().zip(f))
                .all(|(v, (t, f))| (t | f) & v == *v)
    }
}

/// The conjunctions (`k` words, conjunction `c` at bit `bit_of(c)`) that are false when
/// the atoms `truth` of word `w` (among `bits`) are the true ones.
fn killed_conjs(
    conj_lits: &[Vec<(u32, u64, u64)>],
    k: usize,
    w: u32,
    bits: u64,
    truth: u64,
    bit_of: impl Fn(usize) -> Option<usize>,
) -> Vec<u64> {
    let mut out = vec![0u64; k];
    for (c, ls) in conj_lits.iter().enumerate() {
        let dead = ls
            .iter()
            .any(|&(lw, pos, neg)| lw == w && ((pos & bits & !truth) | (neg & bits & truth)) != 0);
        if let Some(x) = bit_of(c)
            .filter(|_| dead)
            .and_then(|bit| out.get_mut(bit / 64).map(|x| (x, bit)))
        {
            *x.0 |= 1u64 << (x.1 % 64);
        }
    }
    out
}

/// The table pass for complete answers over `words` words of entries (those of the kill
/// layout or of the rule planes): the true bits of every atom, and the conjunctions some
/// table makes false.
fn table_kills(
    words: usize,
    plan: &Plan,
    vals: &[i64],
    t: &mut [u64],
    kill0: &[u64],
    kill_class: &[u64],
    kill_atom: &[u64],
) -> [u64; KILL_WORDS] {
    let mut k = [0u64; KILL_WORDS];
    match words {
        1 => k[..1].copy_from_slice(&table_kills_k::<1>(
            plan, vals, t, kill0, kill_class, kill_atom,
        )),
        2 => k[..2].copy_from_slice(&table_kills_k::<2>(
            plan, vals, t, kill0, kill_class, kill_atom,
        )),
        4 => k[..4].copy_from_slice(&table_kills_k::<4>(
            plan, vals, t, kill0, kill_class, kill_atom,
        )),
        _ => k = table_kills_k::<8>(plan, vals, t, kill0, kill_class, kill_atom),
    }
    k
}

/// [`table_kills`] for `K` words.
#[inline(always)]
fn table_kills_k<const K: usize>(
    plan: &Plan,
    vals: &[i64],
    t: &mut [u64],
    kill0: &[u64],
    kill_class: &[u64],
    kill_atom: &[u64],
) -> [u64; K] {
    let mut kill = [0u64; K];
    for (a, b) in kill.iter_mut().zip(kill0) {
        *a = *b;
    }
    let group = |g: usize| {
        let (a, b) = plan.table_groups[g];
        &plan.tables[a as usize..b as usize]
    };
    let bits = &plan.table_bits[..];
    let add = |kill: &mut [u64; K], words: &[u64]| {
        if let Ok(ws) = <&[u64; K]>::try_from(words) {
            for i in 0..K {
                kill[i] |= ws[i];
            }
        }
    };
    // The true bits of a word are gathered in a register while the tables stay on that
    // word (tables come in atom order within a group), then stored once: an `|=` into
    // `t` per table would chain every table through a store and a load.
    let mut word = (usize::MAX, 0u64);
    let mut class = |tb: &TablePlan, cls: usize, kill: &mut [u64; K], t: &mut [u64]| {
        let at = (tb.kills as usize + cls) * (K + 1);
        if let Some(e) = kill_class.get(at..at + K + 1) {
            let w = tb.word as usize;
            if w != word.0 {
                if let Some(x) = t.get_mut(word.0) {
                    *x |= word.1;
                }
                word = (w, 0);
            }
            word.1 |= e[0];
            add(kill, &e[1..]);
        }
    };
    for tb in group(0) {
        let v = vals[tb.slot as usize] as u64;
        // Values past the table share its last class (no atom true).
        let cls = v.min(u64::from(tb.n_bits)) as usize;
        class(tb, cls, &mut kill, t);
    }
    for tb in group(1) {
        let v = vals[tb.slot as usize];
        let cls = cut_rank(&plan.table_cuts, tb, v);
        class(tb, cls, &mut kill, t);
    }
    if let Some(x) = t.get_mut(word.0) {
        *x |= word.1;
    }
    for tb in group(2) {
        let vb = set_bits(bits, tb, vals[tb.slot as usize]);
        t[tb.word as usize] |= (vb | tb.known_true) << tb.shift;
        let mut m = tb.value_mask;
        let mut at = tb.kills as usize * 2 * K;
        while m != 0 {
            let bit = m & m.wrapping_neg();
            let off = if vb & bit != 0 { at } else { at + K };
            add(&mut kill, kill_atom.get(off..off + K).unwrap_or(&[]));
            at += 2 * K;
            m &= m - 1;
        }
    }
    for tb in group(3) {
        t[tb.word as usize] |= tb.known_true << tb.shift;
    }
    kill
}

/// The kill layout's table pass for partial answers: the true and false bits of every
/// atom, the conjunctions some table makes false, and those some unknown slot leaves
/// open (`touch`).
fn kill_tables_partial<const K: usize>(
    plan: &Plan,
    vals: &[i64],
    known: &[u64],
    t: &mut [u64],
    f: &mut [u64],
) -> ([u64; K], [u64; K]) {
    let mut kill = [0u64; K];
    let mut touch = [0u64; K];
    let bits = &plan.table_bits[..];
    let or = |acc: &mut [u64; K], words: &[u64]| {
        if let Ok(ws) = <&[u64; K]>::try_from(words) {
            for i in 0..K {
                acc[i] |= ws[i];
            }
        }
    };
    for (ti, tb) in plan.tables.iter().enumerate() {
        let s = tb.slot as usize;
        let w = tb.word as usize;
        let st = ti * 3 * K;
        let all = (tb.value_mask | tb.known_true | tb.unknown_true) << tb.shift;
        if known[s / 64] & (1u64 << (s % 64)) == 0 {
            t[w] |= tb.unknown_true << tb.shift;
            f[w] |= tb.known_true << tb.shift;
            or(
                &mut kill,
                plan.kill_state.get(st + K..st + 2 * K).unwrap_or(&[]),
            );
            or(
                &mut touch,
                plan.kill_state.get(st + 2 * K..st + 3 * K).unwrap_or(&[]),
            );
            continue;
        }
        or(&mut kill, plan.kill_state.get(st..st + K).unwrap_or(&[]));
        let v = vals[s];
        let cls = match tb.way {
            TableWay::ByValue => (v as u64).min(u64::from(tb.n_bits)) as usize,
            TableWay::Cuts => cut_rank(&plan.table_cuts, tb, v),
            TableWay::SetElems => {
                let vb = set_bits(bits, tb, v);
                let tv = (vb | tb.known_true) << tb.shift;
                t[w] |= tv;
                f[w] |= all & !tv;
                let mut m = tb.value_mask;
                let mut at = tb.kills as usize * 2 * K;
                while m != 0 {
                    let bit = m & m.wrapping_neg();
                    let off = if vb & bit != 0 { at } else { at + K };
                    or(&mut kill, plan.kill_atom.get(off..off + K).unwrap_or(&[]));
                    at += 2 * K;
                    m &= m - 1;
                }
                continue;
            }
            TableWay::KnownOnly => {
                let tv = tb.known_true << tb.shift;
                t[w] |= tv;
                f[w] |= all & !tv;
                continue;
            }
        };
        let at = (tb.kills as usize + cls) * (K + 1);
        if let Some(e) = plan.kill_class.get(at..at + K + 1) {
            t[w] |= e[0];
            f[w] |= all & !e[0];
            or(&mut kill, &e[1..]);
        }
    }
    (kill, touch)
}

/// The atoms a set value makes true, from the table's lookups by groups of four options.
#[inline(always)]
fn set_bits(bits: &[u64], tb: &TablePlan, v: i64) -> u64 {
    let tab = bits
        .get(tb.bits as usize..(tb.bits + tb.n_bits) as usize)
        .unwrap_or(&[]);
    let v = v as u64;
    tab.chunks_exact(16)
        .enumerate()
        .fold(0, |m, (c, per)| m | per[((v >> (4 * c)) & 15) as usize])
}

/// The number of a cut table's cut points at or below `v`.
#[inline(always)]
fn cut_rank(all: &[i64], tb: &TablePlan, v: i64) -> usize {
    let (at, n) = (tb.cuts as usize, tb.n_cuts as usize);
    rank(all.get(at..at + n).unwrap_or(&[]), v)
}

/// The number of cut points at or below `v` (sorted cuts): a branch-free count for short
/// lists, a binary search for long ones.
#[inline(always)]
fn rank(cuts: &[i64], v: i64) -> usize {
    if cuts.len() <= 16 {
        cuts.iter().map(|k| usize::from(*k <= v)).sum()
    } else {
        cuts.partition_point(|k| *k <= v)
    }
}

/// Status of a flat rule without displacers, by whether it holds.
const HOLDS_STATUS: [Status; 2] = [Status::NotApplies, Status::Applies];

/// The kill layout's rule pass: every rule in order, a flat rule holding when one of its
/// conjunctions is alive (not killed).
#[allow(clippy::too_many_arguments)]
fn kill_rules<const K: usize>(
    plan: &Plan,
    p: &Program,
    kill: [u64; K],
    touch: [u64; K],
    t: &[u64],
    f: &[u64],
    as_of: i64,
    stack: &mut Vec<(bool, bool)>,
    status: &mut [Status],
    bys: &mut [u32],
) -> bool {
    let alive = kill.map(|w| !w);
    // A flat rule: true when a conjunction is alive and untouched, false when none is alive.
    let when = |w: u32, mask: u64| {
        let w = w as usize;
        let a = alive.get(w).copied().unwrap_or(0) & mask;
        if a & !touch.get(w).copied().unwrap_or(0) != 0 {
            Tri::True
        } else if a == 0 {
            Tri::False
        } else {
            Tri::Unknown
        }
    };
    // First pass: the flat rules without displacers (they depend on nothing).
    if touch.iter().all(|w| *w == 0) {
        // Every conjunction is decided: a rule holds when one is alive.
        // (Branch-free: whether a rule holds is data, not a branch to predict.)
        for &(ci, w, mask) in &plan.kill_simple {
            let ci = ci as usize;
            let any = usize::from(alive[(w as usize) & (K - 1)] & mask != 0);
            status[ci] = HOLDS_STATUS[any];
        }
    } else {
        // By (an untouched conjunction is alive, a conjunction is alive): 0 false, 1
        // unknown, 3 true (2 cannot happen).
        const STATUS: [Status; 4] = [
            Status::NotApplies,
            Status::Undetermined,
            Status::NotApplies,
            Status::Applies,
        ];
        for &(ci, w, mask) in &plan.kill_simple {
            let ci = ci as usize;
            let w = (w as usize) & (K - 1);
            let a = alive[w] & mask;
            let k = usize::from(a & !touch[w] != 0) << 1 | usize::from(a != 0);
            status[ci] = STATUS[k];
        }
    }
    let when = |rp: &RulePlan, _: usize| when(rp.kill_word, rp.kill_mask);
    rest_rules(plan, p, as_of, t, f, stack, status, bys, when)
}

/// Statuses, eight rules at a time, by which of them hold (bit `j` of the index: rule `j`).
const SPREAD: [[Status; 8]; 256] = {
    let mut out = [[Status::NotApplies; 8]; 256];
    let mut i = 0;
    while i < 256 {
        let mut j = 0;
        while j < 8 {
            if (i >> j) & 1 == 1 {
                out[i][j] = Status::Applies;
            }
            j += 1;
        }
        i += 1;
    }
    out
};

/// The rule planes' rule pass (complete answers; `kill` from the planes' tables): a flat
/// rule holds when its bit is alive in one of the planes. Every rule's status is first
/// written from that, eight at a time; then the rules not in force, and the rules that
/// are not flat or have displacers, are done one by one, in order.
#[allow(clippy::too_many_arguments)]
fn plane_rules(
    plan: &Plan,
    p: &Program,
    kill: &[u64; KILL_WORDS],
    t: &[u64],
    f: &[u64],
    as_of: i64,
    stack: &mut Vec<(bool, bool)>,
    status: &mut [Status],
    bys: &mut [u32],
) -> bool {
    let rw = plan.rule_words;
    let mut holds = [0u64; KILL_WORDS];
    for (j, w) in kill[..plan.plane_words.min(KILL_WORDS)].iter().enumerate() {
        holds[(j % rw) & (KILL_WORDS - 1)] |= !w;
    }
    let byte = |i: usize| (holds[(i / 8) & (KILL_WORDS - 1)] >> ((i % 8) * 8)) & 0xff;
    // Whole groups of eight as fixed-size copies (no call to `memcpy`), then the rest.
    let mut groups = status.chunks_exact_mut(8);
    let mut n = 0;
    for ch in groups.by_ref() {
        ch.copy_from_slice(&SPREAD[byte(n) as usize]);
        n += 1;
    }
    let rest = groups.into_remainder();
    let last = &SPREAD[byte(n) as usize];
    for (s, v) in rest.iter_mut().zip(last) {
        *s = *v;
    }
    let holds_rule = |ci: usize| Tri::of(holds[(ci / 64) & (KILL_WORDS - 1)] >> (ci % 64) & 1 != 0);
    rest_rules(plan, p, as_of, t, f, stack, status, bys, |_, ci| {
        holds_rule(ci)
    })
}

/// The end of the kill layout's and the planes' rule passes: the rules of the first pass
/// not in force on the date, then the others (not flat, or with displacers) one by one, in
/// order; `when(rule, ci)`: whether a flat rule's condition holds. Whether a per-item rule
/// was met.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn rest_rules(
    plan: &Plan,
    p: &Program,
    as_of: i64,
    t: &[u64],
    f: &[u64],
    stack: &mut Vec<(bool, bool)>,
    status: &mut [Status],
    bys: &mut [u32],
    when: impl Fn(&RulePlan, usize) -> Tri,
) -> bool {
    if !(plan.all_from <= as_of && as_of <= plan.all_to) {
        for &(ci, _, _) in &plan.kill_simple {
            let rp = &plan.rules[ci as usize];
            if as_of < rp.from || as_of > rp.to {
                not_in_force(ci as usize, status);
            }
        }
    }
    let mut has_items = false;
    for &ci in &plan.kill_others {
        let ci = ci as usize;
        let rp = &plan.rules[ci];
        let disps = &plan.disps[rp.disps.0 as usize..rp.disps.1 as usize];
        if rp.way == Way::PerItem {
            has_items = true;
            status[ci] = Status::Undetermined;
        } else if as_of < rp.from || as_of > rp.to {
            not_in_force(ci, status);
        } else if rp.way == Way::Flat {
            finish_rule(ci, when(rp, ci), disps, status, bys);
        } else {
            let when = cond(&p.rules[ci].cond, t, f, stack);
            finish_rule(ci, when, disps, status, bys);
        }
    }
    has_items
}

/// One group of tables whose slots are all known: only the true bits.
#[inline(always)]
fn known_pass(
    tables: &[TablePlan],
    vals: &[i64],
    t: &mut [u64],
    value: impl Fn(&TablePlan, i64) -> u64,
) {
    for tb in tables {
        let tv = value(tb, vals[tb.slot as usize]) | tb.known_true;
        t[tb.word as usize] |= tv << tb.shift;
    }
}

/// One group of tables: `value` gives the bits of a known value's atoms.
#[inline(always)]
fn table_pass(
    tables: &[TablePlan],
    vals: &[i64],
    known: &[u64],
    t: &mut [u64],
    f: &mut [u64],
    value: impl Fn(&TablePlan, i64) -> u64,
) {
    for tb in tables {
        let s = tb.slot as usize;
        let (tv, fv) = if known[s / 64] & (1u64 << (s % 64)) != 0 {
            let vb = value(tb, vals[s]);
            (vb | tb.known_true, (tb.value_mask & !vb) | tb.unknown_true)
        } else {
            (tb.unknown_true, tb.known_true)
        };
        let w = tb.word as usize;
        t[w] |= tv << tb.shift;
        f[w] |= fv << tb.shift;
    }
}

/// The first pass of the dense layout (two-valued, `NW` words of atoms): every flat rule
/// without displacers. A conjunction holds when, in every word, its atoms' true bits are
/// exactly its positive literals. (Such rules are never displaced: their `by` stays
/// `u32::MAX`.)
fn dense_simple<const NW: usize>(plan: &Plan, t: &[u64], status: &mut [Status]) {
    let mut tw = [0u64; NW];
    for (a, b) in tw.iter_mut().zip(t) {
        *a = *b;
    }
    let holds_of = |c: &[(u64, u64)]| {
        let mut off = 0u64;
        for w in 0..NW {
            off |= (tw[w] & c[w].0) ^ c[w].1;
        }
        off == 0
    };
    for (c, &ci) in plan.simple.chunks_exact(NW).zip(&plan.simple_rule) {
        let any = holds_of(c);
        let ci = ci as usize;
        status[ci] = if any {
            Status::Applies
        } else {
            Status::NotApplies
        };
    }
    let mut conjs = plan.simple_n.chunks_exact(NW);
    for &(ci, n) in &plan.simple_n_rule {
        let mut any = false;
        for c in conjs.by_ref().take(n as usize) {
            any |= holds_of(c);
        }
        let ci = ci as usize;
        status[ci] = if any {
            Status::Applies
        } else {
            Status::NotApplies
        };
    }
}

/// The second pass of the dense layout, for one segment: its flat rules with displacers,
/// in order.
fn dense_others<const NW: usize>(
    plan: &Plan,
    sg: &Segment,
    t: &[u64],
    as_of: i64,
    status: &mut [Status],
    bys: &mut [u32],
) {
    let mut tw = [0u64; NW];
    for (a, b) in tw.iter_mut().zip(t) {
        *a = *b;
    }
    let dense = &plan.dense[sg.conjs.0 as usize * NW..sg.conjs.1 as usize * NW];
    let mut conjs = dense.chunks_exact(NW);
    for &ci in &plan.others[sg.others.0 as usize..sg.others.1 as usize] {
        let (ci, rp) = (ci as usize, &plan.rules[ci as usize]);
        let mut any = false;
        for c in conjs.by_ref().take(rp.conjs as usize) {
            let mut off = 0u64;
            for w in 0..NW {
                off |= (tw[w] & c[w].0) ^ c[w].1;
            }
            any |= off == 0;
        }
        if as_of < rp.from || as_of > rp.to {
            not_in_force(ci, status);
        } else {
            let disps = &plan.disps[rp.disps.0 as usize..rp.disps.1 as usize];
            finish_rule(ci, Tri::of(any), disps, status, bys);
        }
    }
}

/// The end of a rule: its status from its condition and its displacers.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn finish_rule(ci: usize, when: Tri, disps: &[u32], status: &mut [Status], bys: &mut [u32]) {
    if when == Tri::False {
        status[ci] = Status::NotApplies;
        return;
    }
    let mut disp = Tri::False;
    let mut by = u32::MAX;
    for &d in disps {
        let h = holds_of(status[d as usize]);
        if h == Tri::True {
            disp = Tri::True;
            by = d;
            break;
        }
        disp = disp.or(h);
    }
    status[ci] = match (when, disp) {
        (Tri::True, Tri::False) => Status::Applies,
        (Tri::True, Tri::True) => Status::Displaced,
        (_, Tri::True) => Status::NotApplies,
        _ => Status::Undetermined,
    };
    bys[ci] = by;
}

/// The outcome of a rule that is not in force.
#[inline]
fn not_in_force(ci: usize, status: &mut [Status]) {
    status[ci] = Status::NotInForce;
}

fn set_known(known: &mut [u64], s: usize, k: bool) {
    if let Some(w) = known.get_mut(s / 64) {
        if k {
            *w |= 1u64 << (s % 64);
        } else {
            *w &= !(1u64 << (s % 64));
        }
    }
}

/// Kleene value of a compiled condition over atom bitsets.
pub(crate) fn cond(c: &Cond, t: &[u64], f: &[u64], stack: &mut Vec<(bool, bool)>) -> Tri {
    match c {
        Cond::True => Tri::True,
        Cond::Dnf { conjs, lits } => {
            let mut any_true = false;
            let mut all_false = true;
            for &(s, e) in conjs {
                let mut ct = true;
                let mut cf = false;
                for l in &lits[s as usize..e as usize] {
                    let w = l.word as usize;
                    let (tw, fw) = (t[w], f[w]);
                    ct &= (tw & l.pos) == l.pos && (fw & l.neg) == l.neg;
                    cf |= ((fw & l.pos) | (tw & l.neg)) != 0;
                }
                any_true |= ct;
                all_false &= cf;
            }
            if any_true {
                Tri::True
            } else if all_false {
                Tri::False
            } else {
                Tri::Unknown
            }
        }
        Cond::Tape(ops) => {
            stack.clear();
            for op in ops {
                match op {
                    Tape::Atom(bit) => {
                        let (w, b) = ((bit / 64) as usize, bit % 64);
                        let m = 1u64 << b;
                        stack.push((t[w] & m != 0, f[w] & m != 0));
                    }
                    Tape::Const(b) => stack.push((*b, !*b)),
                    Tape::Not => {
                        if let Some(x) = stack.last_mut() {
                            *x = (x.1, x.0);
                        }
                    }
                    Tape::And | Tape::Or => {
                        let (Some(b), Some(a)) = (stack.pop(), stack.pop()) else {
                            return Tri::Unknown;
                        };
                        stack.push(if matches!(op, Tape::And) {
                            (a.0 && b.0, a.1 || b.1)
                        } else {
                            (a.0 || b.0, a.1 && b.1)
                        });
                    }
                }
            }
            match stack.pop() {
                Some((true, _)) => Tri::True,
                Some((_, true)) => Tri::False,
                _ => Tri::Unknown,
            }
        }
        Cond::Tree(_) => Tri::Unknown,
    }
}

impl<'p> Evaluator<'p> {
    /// Scratch space for a program (laid out anew: see [`Evaluator::prepared`]).
    pub fn new(p: &'p Program) -> Evaluator<'p> {
        Evaluator::with_plan(p, Arc::new(Plan::new(p)))
    }

    /// Scratch space for a program, with its layout made beforehand. A layout made for
    /// another program is not used (the program is laid out anew).
    pub fn prepared(p: &'p Program, prep: &Prepared) -> Evaluator<'p> {
        if prep.is_for(p) {
            Evaluator::with_plan(p, Arc::clone(&prep.plan))
        } else {
            Evaluator::new(p)
        }
    }

    fn with_plan(p: &'p Program, plan: Arc<Plan>) -> Evaluator<'p> {
        let n_rules = p.rules.len();
        Evaluator {
            p,
            out: Outcome {
                status: vec![Status::NotApplies; n_rules],
                by: vec![u32::MAX; n_rules],
                items: Vec::new(),
                myths: vec![Tri::False; p.myths.len()],
                processes: vec![Tri::False; p.processes.len()],
                steps: p
                    .processes
                    .iter()
                    .map(|x| vec![Tri::False; x.steps.len()])
                    .collect(),
                t: vec![0; p.n_words],
                f: vec![0; p.n_words],
                vals: vec![0; p.n_slots],
                known: vec![0; p.n_slots.div_ceil(64)],
                def_texts: vec![None; p.n_texts],
                as_of: 0,
                conj_dead: Vec::with_capacity(KILL_WORDS),
                layout: 0,
                conj_touch: Vec::with_capacity(KILL_WORDS),
            },
            stack: Vec::with_capacity(16),
            vars: Vec::with_capacity(4),
            plan,
        }
    }

    /// The program.
    pub fn program(&self) -> &'p Program {
        self.p
    }

    /// The last outcome.
    pub fn outcome(&self) -> &Outcome {
        &self.out
    }

    /// The last outcome, keeping nothing (for a one-off evaluation: no copy).
    pub fn into_outcome(self) -> Outcome {
        self.out
    }

    /// Evaluates a case as of a date (days since 1970-01-01).
    pub fn run(&mut self, case: &Case, as_of: i64) -> &Outcome {
        let p = self.p;
        let o = &mut self.out;
        o.as_of = as_of;
        // 1. slots: answers, then the date.
        let nf = p.n_fact_slots;
        o.vals[..nf].copy_from_slice(&case.vals[..nf]);
        for w in o.known.iter_mut() {
            *w = 0;
        }
        let full = nf / 64;
        o.known[..full].copy_from_slice(&case.known[..full]);
        if !nf.is_multiple_of(64) {
            let mask = (1u64 << (nf % 64)) - 1;
            o.known[full] = case.known[full] & mask;
        }
        let aso = p.as_of_slot as usize;
        o.vals[aso] = as_of;
        set_known(&mut o.known, aso, true);
        // 2. gates and definitions.
        if !p.prep.is_empty() {
            for pr in &p.prep {
                let ctx = Ctx {
                    p,
                    vals: &o.vals,
                    known: &o.known,
                    case,
                    def_texts: &o.def_texts,
                };
                match pr {
                    Prep::Gate {
                        slot,
                        gate,
                        otherwise,
                    } => {
                        if tri(ctx.eval(gate, &mut self.vars)) == Tri::False {
                            let s = *slot as usize;
                            match otherwise {
                                Some(Cv::N(v)) => {
                                    o.vals[s] = *v;
                                    set_known(&mut o.known, s, true);
                                }
                                Some(Cv::B(b)) => {
                                    o.vals[s] = i64::from(*b);
                                    set_known(&mut o.known, s, true);
                                }
                                _ => set_known(&mut o.known, s, false),
                            }
                        }
                    }
                    Prep::Def {
                        slot,
                        cases,
                        default,
                    } => {
                        let s = *slot as usize;
                        let text_slot = p.slot_ty[s] == SlotTy::Text;
                        let mut chosen = Some(default);
                        for (c, v) in cases {
                            match tri(ctx.eval(c, &mut self.vars)) {
                                Tri::True => {
                                    chosen = Some(v);
                                    break;
                                }
                                Tri::Unknown => {
                                    chosen = None;
                                    break;
                                }
                                Tri::False => {}
                            }
                        }
                        if text_slot {
                            let t = chosen.and_then(|e| ctx.text_value(e, &mut self.vars));
                            let known = t.is_some();
                            if let Some(ti) = p.text_index[s] {
                                o.def_texts[ti as usize] = t;
                            }
                            set_known(&mut o.known, s, known);
                        } else {
                            let v = chosen.map(|e| ctx.eval(e, &mut self.vars)).unwrap_or(Cv::U);
                            match v {
                                Cv::N(x) => {
                                    o.vals[s] = x;
                                    set_known(&mut o.known, s, true);
                                }
                                Cv::B(b) => {
                                    o.vals[s] = i64::from(b);
                                    set_known(&mut o.known, s, true);
                                }
                                _ => set_known(&mut o.known, s, false),
                            }
                        }
                    }
                }
            }
        }
        // 3. atom tables (on local slices: the compiler then knows they do not alias).
        let mut kill: Option<[u64; KILL_WORDS]> = None;
        let mut planes: Option<[u64; KILL_WORDS]> = None;
        let mut touch = [0u64; KILL_WORDS];
        {
            let plan = &self.plan;
            let (t, f) = (&mut o.t[..], &mut o.f[..]);
            let (vals, known) = (&o.vals[..], &o.known[..]);
            t.fill(0);
            f.fill(0);
            let group = |k: usize| {
                let (a, b) = plan.table_groups[k];
                &plan.tables[a as usize..b as usize]
            };
            let bits = &plan.table_bits[..];
            let by_value = |tb: &TablePlan, v: i64| {
                if (v as u64) < u64::from(tb.n_bits) {
                    bits.get(tb.bits as usize + v as usize)
                        .copied()
                        .unwrap_or(0)
                } else {
                    0
                }
            };
            let by_cuts = |tb: &TablePlan, v: i64| {
                bits.get(tb.bits as usize + cut_rank(&plan.table_cuts, tb, v))
                    .copied()
                    .unwrap_or(0)
            };
            let by_elems = |tb: &TablePlan, v: i64| set_bits(bits, tb, v);
            let all_known = plan.all_known_ok
                && plan
                    .table_slots
                    .iter()
                    .zip(known)
                    .all(|(need, k)| k & need == *need);
            if !all_known && plan.kill_words > 0 {
                let (mut k, mut tc) = ([0u64; KILL_WORDS], [0u64; KILL_WORDS]);
                let mut put = |(a, b): (&[u64], &[u64])| {
                    k[..a.len()].copy_from_slice(a);
                    tc[..b.len()].copy_from_slice(b);
                };
                match plan.kill_words {
                    1 => {
                        let (a, b) = kill_tables_partial::<1>(plan, vals, known, t, f);
                        put((&a, &b));
                    }
                    2 => {
                        let (a, b) = kill_tables_partial::<2>(plan, vals, known, t, f);
                        put((&a, &b));
                    }
                    4 => {
                        let (a, b) = kill_tables_partial::<4>(plan, vals, known, t, f);
                        put((&a, &b));
                    }
                    _ => {
                        let (a, b) = kill_tables_partial::<8>(plan, vals, known, t, f);
                        put((&a, &b));
                    }
                }
                kill = Some(k);
                touch = tc;
            } else if all_known && (plan.plane_words > 0 || plan.kill_words > 0) {
                // Complete answers: the rule planes when they fit, else the kill layout.
                if plan.plane_words > 0 {
                    let (k0, c, a) = (&plan.plane0, &plan.plane_class, &plan.plane_atom);
                    planes = Some(table_kills(plan.plane_words, plan, vals, t, k0, c, a));
                } else {
                    let (k0, c, a) = (&plan.kill0, &plan.kill_class, &plan.kill_atom);
                    kill = Some(table_kills(plan.kill_words, plan, vals, t, k0, c, a));
                }
                for ((f, t), v) in f.iter_mut().zip(t.iter()).zip(&plan.valid) {
                    *f = v & !t;
                }
            } else if all_known {
                // Every table's slot is known: only the true bits, then the rest of the
                // atoms are false.
                known_pass(group(0), vals, t, by_value);
                known_pass(group(1), vals, t, by_cuts);
                known_pass(group(2), vals, t, by_elems);
                known_pass(group(3), vals, t, |_, _| 0);
                for ((f, t), v) in f.iter_mut().zip(t.iter()).zip(&plan.valid) {
                    *f = v & !t;
                }
            } else {
                table_pass(group(0), vals, known, t, f, by_value);
                table_pass(group(1), vals, known, t, f, by_cuts);
                table_pass(group(2), vals, known, t, f, by_elems);
                table_pass(group(3), vals, known, t, f, |_, _| 0);
            }
        }
        // 4. complex atoms.
        if !p.complex.is_empty() {
            let ctx = Ctx {
                p,
                vals: &o.vals,
                known: &o.known,
                case,
                def_texts: &o.def_texts,
            };
            for cx in &p.complex {
                let (w, m) = ((cx.atom / 64) as usize, 1u64 << (cx.atom % 64));
                match tri(ctx.eval(&cx.expr, &mut self.vars)) {
                    Tri::True => o.t[w] |= m,
                    Tri::False => o.f[w] |= m,
                    Tri::Unknown => {}
                }
            }
        }
        // 5. rules, displacers first.
        o.items.clear();
        let mut has_items = false;
        let plan = &self.plan;
        o.conj_dead.clear();
        o.conj_touch.clear();
        o.layout = 0;
        if let Some(k) = &kill {
            let kw = plan.kill_words.min(KILL_WORDS);
            o.conj_dead.extend_from_slice(&k[..kw]);
            o.conj_touch.extend_from_slice(&touch[..kw]);
            o.layout = layout_key(plan);
        }
        // Rules already decided by a layout.
        let laid = kill.is_some() || planes.is_some();
        let decided = !laid && plan.decided(&o.t, &o.f);
        let (t, f) = (&o.t[..], &o.f[..]);
        let (status, bys) = (&mut o.status[..], &mut o.by[..]);
        let stack = &mut self.stack;
        let disps_of = |rp: &RulePlan| &plan.disps[rp.disps.0 as usize..rp.disps.1 as usize];
        if let Some(k) = kill {
            let k1 = |k: &[u64]| {
                let mut a = [0u64; 1];
                a.copy_from_slice(&k[..1]);
                a
            };
            let k2 = |k: &[u64]| {
                let mut a = [0u64; 2];
                a.copy_from_slice(&k[..2]);
                a
            };
            let k4 = |k: &[u64]| {
                let mut a = [0u64; 4];
                a.copy_from_slice(&k[..4]);
                a
            };
            let tc = &touch;
            has_items = match plan.kill_words {
                1 => kill_rules::<1>(plan, p, k1(&k), k1(tc), t, f, as_of, stack, status, bys),
                2 => kill_rules::<2>(plan, p, k2(&k), k2(tc), t, f, as_of, stack, status, bys),
                4 => kill_rules::<4>(plan, p, k4(&k), k4(tc), t, f, as_of, stack, status, bys),
                _ => kill_rules::<8>(plan, p, k, *tc, t, f, as_of, stack, status, bys),
            };
        }
        if let Some(k) = planes {
            has_items = plane_rules(plan, p, &k, t, f, as_of, stack, status, bys);
        }
        let dense = !laid && decided && plan.dense_words > 0;
        if dense {
            match plan.dense_words {
                1 => dense_simple::<1>(plan, t, status),
                2 => dense_simple::<2>(plan, t, status),
                3 => dense_simple::<3>(plan, t, status),
                _ => dense_simple::<4>(plan, t, status),
            }
            if !(plan.all_from <= as_of && as_of <= plan.all_to) {
                for &ci in &plan.simple_rules {
                    let rp = &plan.rules[ci as usize];
                    if as_of < rp.from || as_of > rp.to {
                        not_in_force(ci as usize, status);
                    }
                }
            }
        }
        let segments = if laid {
            &plan.segments[..0]
        } else {
            &plan.segments[..]
        };
        for sg in segments {
            let rules = &plan.rules[sg.rules.0 as usize..sg.rules.1 as usize];
            if !sg.flat {
                for (i, rp) in rules.iter().enumerate() {
                    let ci = sg.rules.0 as usize + i;
                    if rp.way == Way::PerItem {
                        has_items = true;
                        status[ci] = Status::Undetermined;
                    } else if as_of < rp.from || as_of > rp.to {
                        not_in_force(ci, status);
                    } else {
                        let when = cond(&p.rules[ci].cond, t, f, stack);
                        finish_rule(ci, when, disps_of(rp), status, bys);
                    }
                }
                continue;
            }
            if dense {
                match plan.dense_words {
                    1 => dense_others::<1>(plan, sg, t, as_of, status, bys),
                    2 => dense_others::<2>(plan, sg, t, as_of, status, bys),
                    3 => dense_others::<3>(plan, sg, t, as_of, status, bys),
                    _ => dense_others::<4>(plan, sg, t, as_of, status, bys),
                }
                continue;
            }
            // A run: one pass over the word masks of its conjunctions.
            let lits = &plan.lits[sg.lits.0 as usize..sg.lits.1 as usize];
            let mut ci = sg.rules.0 as usize;
            let mut rps = rules.iter();
            if decided {
                let (mut off, mut any) = (0u64, false);
                for l in lits {
                    off |= (t[l.word as usize] & (l.pos | l.neg)) ^ l.pos;
                    if l.mark != 0 {
                        any |= off == 0;
                        off = 0;
                        if l.mark & END_RULE != 0 {
                            let Some(rp) = rps.next() else { break };
                            if as_of < rp.from || as_of > rp.to {
                                not_in_force(ci, status);
                            } else {
                                finish_rule(ci, Tri::of(any), disps_of(rp), status, bys);
                            }
                            ci += 1;
                            any = false;
                        }
                    }
                }
            } else {
                let (mut ct, mut cf) = (true, false);
                let (mut any_true, mut all_false) = (false, true);
                for l in lits {
                    let i = l.word as usize;
                    let (tw, fw) = (t[i], f[i]);
                    ct &= ((tw & l.pos) ^ l.pos) | ((fw & l.neg) ^ l.neg) == 0;
                    cf |= ((fw & l.pos) | (tw & l.neg)) != 0;
                    if l.mark != 0 {
                        any_true |= ct;
                        all_false &= cf;
                        (ct, cf) = (true, false);
                        if l.mark & END_RULE != 0 {
                            let Some(rp) = rps.next() else { break };
                            if as_of < rp.from || as_of > rp.to {
                                not_in_force(ci, status);
                            } else {
                                let when = if any_true {
                                    Tri::True
                                } else if all_false {
                                    Tri::False
                                } else {
                                    Tri::Unknown
                                };
                                finish_rule(ci, when, disps_of(rp), status, bys);
                            }
                            ci += 1;
                            (any_true, all_false) = (false, true);
                        }
                    }
                }
            }
        }
        if has_items {
            self.run_items(case);
        }
        // 6. myths.
        let o = &mut self.out;
        for (i, my) in p.myths.iter().enumerate() {
            o.myths[i] = cond(&my.cond, &o.t, &o.f, &mut self.stack);
        }
        for (i, pr) in p.processes.iter().enumerate() {
            o.processes[i] = cond(&pr.cond, &o.t, &o.f, &mut self.stack);
            for (j, (sc, _)) in pr.steps.iter().enumerate() {
                o.steps[i][j] = cond(sc, &o.t, &o.f, &mut self.stack);
            }
        }
        &self.out
    }

    /// Per-item rules: one status per item, by the tree interpreter.
    fn run_items(&mut self, case: &Case) {
        let p = self.p;
        let o = &mut self.out;
        let ctx = Ctx {
            p,
            vals: &o.vals,
            known: &o.known,
            case,
            def_texts: &o.def_texts,
        };
        let mut items = std::mem::take(&mut o.items);
        for (ci, r) in p.rules.iter().enumerate() {
            let Some(g) = r.per_item else { continue };
            let in_force = o.as_of >= r.period.0 && o.as_of <= r.period.1;
            let ci32 = u32::try_from(ci).unwrap_or(u32::MAX);
            let Some(n) = ctx.items(g).map(Vec::len) else {
                // The list is unknown: the rule is decided only if it cannot apply to any
                // item, i.e. it does not apply to an item whose fields are all unknown.
                let status = if !in_force {
                    Status::NotInForce
                } else if item_status(p, &ctx, &o.status, ci, usize::MAX, &mut self.vars).0
                    == Status::NotApplies
                {
                    Status::NotApplies
                } else {
                    Status::Undetermined
                };
                items.push(ItemStatus {
                    rule: ci32,
                    item: None,
                    status,
                    by: u32::MAX,
                });
                continue;
            };
            for i in 0..n {
                let (status, by) = if in_force {
                    item_status(p, &ctx, &o.status, ci, i, &mut self.vars)
                } else {
                    (Status::NotInForce, u32::MAX)
                };
                items.push(ItemStatus {
                    rule: ci32,
                    item: Some(u32::try_from(i).unwrap_or(u32::MAX)),
                    status,
                    by,
                });
            }
        }
        o.items = items;
    }
}

fn item_when(
    p: &Program,
    ctx: &Ctx<'_>,
    ci: usize,
    item: usize,
    vars: &mut Vec<(GroupId, usize)>,
) -> Tri {
    let r = &p.rules[ci];
    let Some(g) = r.per_item else {
        return Tri::Unknown;
    };
    vars.clear();
    vars.push((g, item));
    let t = match &r.cond {
        Cond::Tree(e) => tri(ctx.eval(e, vars)),
        Cond::True => Tri::True,
        _ => Tri::Unknown,
    };
    vars.clear();
    t
}

fn item_holds(
    p: &Program,
    ctx: &Ctx<'_>,
    status: &[Status],
    ci: usize,
    item: usize,
    vars: &mut Vec<(GroupId, usize)>,
    depth: usize,
) -> Tri {
    let r = &p.rules[ci];
    if ctx
        .vals
        .get(p.as_of_slot as usize)
        .is_none_or(|d| *d < r.period.0 || *d > r.period.1)
    {
        return Tri::False;
    }
    let when = item_when(p, ctx, ci, item, vars);
    if when == Tri::False || depth > 64 {
        return Tri::False;
    }
    let mut disp = Tri::False;
    for &d in &r.displacers {
        let h = if p.rules[d as usize].per_item.is_some() {
            item_holds(p, ctx, status, d as usize, item, vars, depth + 1)
        } else {
            holds_of(status[d as usize])
        };
        disp = disp.or(h);
        if disp == Tri::True {
            break;
        }
    }
    when.and(disp.not())
}

fn item_status(
    p: &Program,
    ctx: &Ctx<'_>,
    status: &[Status],
    ci: usize,
    item: usize,
    vars: &mut Vec<(GroupId, usize)>,
) -> (Status, u32) {
    let when = item_when(p, ctx, ci, item, vars);
    if when == Tri::False {
        return (Status::NotApplies, u32::MAX);
    }
    let mut disp = Tri::False;
    for &d in &p.rules[ci].displacers {
        let h = if p.rules[d as usize].per_item.is_some() {
            item_holds(p, ctx, status, d as usize, item, vars, 1)
        } else {
            holds_of(status[d as usize])
        };
        if h == Tri::True {
            return (
                if when == Tri::True {
                    Status::Displaced
                } else {
                    Status::NotApplies
                },
                d,
            );
        }
        disp = disp.or(h);
    }
    match (when, disp) {
        (Tri::True, Tri::False) => (Status::Applies, u32::MAX),
        _ => (Status::Undetermined, u32::MAX),
    }
}
