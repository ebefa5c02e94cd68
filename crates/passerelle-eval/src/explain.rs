//! Explanations: the tree of conditions behind a status, each leaf with its value.
//!
//! Trees are written in preorder into a flat buffer: a node's first child follows it, and
//! its next sibling is `size` entries later. Building one allocates nothing when the
//! buffer is reused.

use crate::case::Case;
use crate::engine::Outcome;
use crate::tree::{Ctx, tri};
use passerelle_check::semantics::Tri;
use passerelle_ir::{Formula, Program, TFormula};

/// What a node is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The rule has no condition.
    Always,
    /// Every child must hold.
    All,
    /// One child must hold.
    Any,
    /// The child must not hold.
    Not,
    /// A written condition: index into [`Program::leaves`].
    Leaf(u32),
}

/// One node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Node {
    /// What it is.
    pub kind: Kind,
    /// Its value.
    pub value: Tri,
    /// Number of nodes in its subtree, itself included.
    pub size: u32,
}

/// Appends the explanation of a whole-project rule's condition to `out`; returns the
/// root's index.
pub fn rule(p: &Program, o: &Outcome, ci: usize, out: &mut Vec<Node>) -> usize {
    let root = out.len();
    match p.rules.get(ci) {
        Some(r) => {
            push_formula(&r.formula, o, out);
        }
        None => out.push(Node {
            kind: Kind::Always,
            value: Tri::Unknown,
            size: 1,
        }),
    }
    root
}

/// Appends the explanation of a myth's relevance.
pub fn myth(p: &Program, o: &Outcome, mi: usize, out: &mut Vec<Node>) -> usize {
    let root = out.len();
    match p.myths.get(mi) {
        Some(m) => {
            push_formula(&m.formula, o, out);
        }
        None => out.push(Node {
            kind: Kind::Always,
            value: Tri::Unknown,
            size: 1,
        }),
    }
    root
}

fn push_formula(f: &Formula, o: &Outcome, out: &mut Vec<Node>) -> Tri {
    let at = out.len();
    match f {
        Formula::Const(b) => {
            out.push(Node {
                kind: Kind::Always,
                value: Tri::of(*b),
                size: 1,
            });
            Tri::of(*b)
        }
        Formula::Lit { atom, neg, leaf } => {
            let v = o.lit(*atom, *neg);
            out.push(Node {
                kind: Kind::Leaf(*leaf),
                value: v,
                size: 1,
            });
            v
        }
        Formula::Not(x) => {
            out.push(Node {
                kind: Kind::Not,
                value: Tri::Unknown,
                size: 1,
            });
            let v = push_formula(x, o, out).not();
            finish(out, at, v)
        }
        Formula::And(xs) | Formula::Or(xs) => {
            let all = matches!(f, Formula::And(_));
            if xs.is_empty() {
                out.push(Node {
                    kind: Kind::Always,
                    value: Tri::True,
                    size: 1,
                });
                return Tri::True;
            }
            out.push(Node {
                kind: if all { Kind::All } else { Kind::Any },
                value: Tri::Unknown,
                size: 1,
            });
            let mut acc = Tri::of(all);
            for x in xs {
                // Leaves (most children) without a call.
                let v = match x {
                    Formula::Lit { atom, neg, leaf } => {
                        let v = o.lit(*atom, *neg);
                        out.push(Node {
                            kind: Kind::Leaf(*leaf),
                            value: v,
                            size: 1,
                        });
                        v
                    }
                    _ => push_formula(x, o, out),
                };
                acc = if all { acc.and(v) } else { acc.or(v) };
            }
            finish(out, at, acc)
        }
    }
}

fn finish(out: &mut [Node], at: usize, v: Tri) -> Tri {
    let size = u32::try_from(out.len() - at).unwrap_or(u32::MAX);
    if let Some(n) = out.get_mut(at) {
        n.value = v;
        n.size = size;
    }
    v
}

/// Appends the explanation of a per-item rule for one item.
pub fn item(
    p: &Program,
    o: &Outcome,
    case: &Case,
    ci: usize,
    item: usize,
    out: &mut Vec<Node>,
) -> usize {
    let root = out.len();
    let Some(r) = p.rules.get(ci) else {
        out.push(Node {
            kind: Kind::Always,
            value: Tri::Unknown,
            size: 1,
        });
        return root;
    };
    let (Some(f), Some(g)) = (&r.item_formula, r.per_item) else {
        out.push(Node {
            kind: Kind::Always,
            value: Tri::True,
            size: 1,
        });
        return root;
    };
    let ctx = Ctx {
        p,
        vals: &o.vals,
        known: &o.known,
        case,
        def_texts: &o.def_texts,
    };
    let mut vars = vec![(g, item)];
    push_tree(f, &ctx, &mut vars, out);
    root
}

fn push_tree(
    f: &TFormula,
    ctx: &Ctx<'_>,
    vars: &mut Vec<(passerelle_check::model::GroupId, usize)>,
    out: &mut Vec<Node>,
) -> Tri {
    let at = out.len();
    match f {
        TFormula::Leaf(e, leaf) => {
            let v = tri(ctx.eval(e, vars));
            out.push(Node {
                kind: Kind::Leaf(*leaf),
                value: v,
                size: 1,
            });
            v
        }
        TFormula::Not(x) => {
            out.push(Node {
                kind: Kind::Not,
                value: Tri::Unknown,
                size: 1,
            });
            let v = push_tree(x, ctx, vars, out).not();
            finish(out, at, v)
        }
        TFormula::And(xs) | TFormula::Or(xs) => {
            let all = matches!(f, TFormula::And(_));
            out.push(Node {
                kind: if all { Kind::All } else { Kind::Any },
                value: Tri::Unknown,
                size: 1,
            });
            let mut acc = Tri::of(all);
            for x in xs {
                let v = push_tree(x, ctx, vars, out);
                acc = if all { acc.and(v) } else { acc.or(v) };
            }
            finish(out, at, acc)
        }
    }
}

/// The children of node `i` (indexes into the same buffer).
pub fn children(nodes: &[Node], i: usize) -> impl Iterator<Item = usize> + '_ {
    let end = i + nodes.get(i).map(|n| n.size as usize).unwrap_or(1);
    let mut next = i + 1;
    std::iter::from_fn(move || {
        if next >= end {
            return None;
        }
        let cur = next;
        next += nodes.get(cur).map(|n| n.size as usize).unwrap_or(1).max(1);
        Some(cur)
    })
}
