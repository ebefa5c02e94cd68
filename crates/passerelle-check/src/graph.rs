//! Whole-model analyses after lowering: displacements, definition and gate cycles,
//! layers, unused facts, unverified rules, conditions that can never hold.

use crate::lower::Lowerer;
use crate::model::*;
use crate::search::{Goal, Outcome, satisfy};
use passerelle_diag::{Bi, Code, Diag, Label, Span, did_you_mean};

/// Search budget per question (node evaluations).
pub const SEARCH_BUDGET: usize = 20_000;

impl Lowerer<'_> {
    pub(crate) fn resolve_displaces(&mut self) {
        self.m.displaced_by = vec![Vec::new(); self.m.rules.len()];
        for (r, names) in std::mem::take(&mut self.pending_displaces) {
            let spans = self
                .displaces_spans
                .get(r.idx())
                .cloned()
                .unwrap_or_default();
            for (i, n) in names.iter().enumerate() {
                let span = spans.get(i).copied().unwrap_or(self.m.rules[r.idx()].span);
                match self.m.rule_ids.get(n).copied() {
                    Some(target) => {
                        if target == r {
                            self.err_at(
                                Code::DisplacementCycle,
                                span,
                                Bi::new(
                                    "a rule cannot displace itself",
                                    "une règle ne peut pas se supplanter elle-même",
                                ),
                                Bi::new("itself", "elle-même"),
                            );
                            continue;
                        }
                        let (dr, tr) = (&self.m.rules[r.idx()], &self.m.rules[target.idx()]);
                        if dr.per_item.is_some() && tr.per_item.is_none() {
                            self.err_at(
                                Code::BadValue,
                                span,
                                Bi::new(
                                    "an exception for each item cannot displace a rule about the whole project",
                                    "une exception par élément ne peut pas supplanter une règle sur l'ensemble du projet",
                                ),
                                Bi::new("per-item displacer", "supplantation par élément"),
                            );
                            continue;
                        }
                        if let (Some((_, a)), Some((_, b))) = (&dr.per_item, &tr.per_item)
                            && a != b
                        {
                            self.err_at(
                                    Code::BadValue,
                                    span,
                                    Bi::new(
                                        "a per-item exception must be over the same group as the rule it displaces",
                                        "une exception par élément doit porter sur le même groupe que la règle qu'elle supplante",
                                    ),
                                    Bi::new("different groups", "groupes différents"),
                                );
                            continue;
                        }
                        self.m.rules[r.idx()].displaces.push(target);
                        self.m.displaced_by[target.idx()].push(r);
                    }
                    None => {
                        let sugg = did_you_mean(n, self.m.rule_ids.keys().map(String::as_str))
                            .map(str::to_string);
                        let d = self.err_at(
                            Code::UnknownDisplaced,
                            span,
                            Bi::new(
                                format!("`displaces` names `{n}`, which is not a rule"),
                                format!("« displaces » nomme « {n} », qui n'est pas une règle"),
                            ),
                            Bi::new("no such rule", "aucune règle de ce nom"),
                        );
                        if let Some(s) = sugg {
                            d.help = Some(Bi::new(
                                format!("did you mean `{s}`?"),
                                format!("vouliez-vous dire « {s} » ?"),
                            ));
                        }
                    }
                }
            }
        }
        // Cycles among displacements.
        let n = self.m.rules.len();
        let mut state = vec![0u8; n]; // 0 new, 1 on stack, 2 done
        for start in 0..n {
            if state[start] != 0 {
                continue;
            }
            let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
            state[start] = 1;
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                let targets = &self.m.rules[node].displaces;
                if *next < targets.len() {
                    let t = targets[*next].idx();
                    *next += 1;
                    match state[t] {
                        0 => {
                            state[t] = 1;
                            stack.push((t, 0));
                        }
                        1 => {
                            let path: Vec<String> = stack
                                .iter()
                                .skip_while(|(x, _)| *x != t)
                                .map(|(x, _)| self.m.rules[*x].id.clone())
                                .collect();
                            let span = self.m.rules[node]
                                .displaces_span
                                .unwrap_or(self.m.rules[node].span);
                            let chain = format!("{} → {}", path.join(" → "), self.m.rules[t].id);
                            self.err_at(
                                Code::DisplacementCycle,
                                span,
                                Bi::new(
                                    format!("rules displace each other in a cycle: {chain}"),
                                    format!("des règles se supplantent en cycle : {chain}"),
                                ),
                                Bi::new("closes the cycle", "ferme le cycle"),
                            )
                            .help = Some(Bi::new(
                                "precedence must go one way: remove one `displaces`",
                                "la préséance doit aller dans un seul sens : retirez un « displaces »",
                            ));
                        }
                        _ => {}
                    }
                } else {
                    state[node] = 2;
                    stack.pop();
                }
            }
        }
    }

    /// Definitions each definition reads.
    fn def_deps(&self, d: DefId) -> Vec<DefId> {
        let def = self.m.def(d);
        let mut out = Vec::new();
        let mut visit = |e: &Expr| {
            e.walk(&mut |x| {
                if let ExprKind::Def(t) = x.kind
                    && !out.contains(&t)
                {
                    out.push(t);
                }
            })
        };
        for (c, v) in &def.cases {
            visit(c);
            visit(v);
        }
        visit(&def.default);
        out
    }

    pub(crate) fn order_defs(&mut self) -> bool {
        let n = self.m.defs.len();
        let deps: Vec<Vec<DefId>> = (0..n).map(|i| self.def_deps(DefId(id32(i)))).collect();
        let mut state = vec![0u8; n];
        let mut order = Vec::with_capacity(n);
        let mut ok = true;
        for start in 0..n {
            if state[start] != 0 {
                continue;
            }
            let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
            state[start] = 1;
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                if *next < deps[node].len() {
                    let t = deps[node][*next].idx();
                    *next += 1;
                    match state[t] {
                        0 => {
                            state[t] = 1;
                            stack.push((t, 0));
                        }
                        1 => {
                            ok = false;
                            let path: Vec<String> = stack
                                .iter()
                                .skip_while(|(x, _)| *x != t)
                                .map(|(x, _)| self.m.defs[*x].name.clone())
                                .collect();
                            let chain = format!("{} → {}", path.join(" → "), self.m.defs[t].name);
                            let span = self.m.defs[node].span;
                            self.err_at(
                                Code::DefinitionCycle,
                                span,
                                Bi::new(format!("definitions depend on each other in a cycle: {chain}"), format!("des définitions dépendent les unes des autres en cycle : {chain}")),
                                Bi::new("part of the cycle", "fait partie du cycle"),
                            )
                            .help = Some(Bi::new(
                                "a definition cannot use itself, directly or through others",
                                "une définition ne peut pas s'utiliser elle-même, directement ou par d'autres",
                            ));
                        }
                        _ => {}
                    }
                } else {
                    state[node] = 2;
                    order.push(DefId(id32(node)));
                    stack.pop();
                }
            }
        }
        self.m.def_order = order;
        ok
    }

    /// Facts an expression reads, through definitions (not through gates).
    fn facts_read(&self, e: &Expr, out: &mut Vec<FactId>, seen_defs: &mut Vec<DefId>) {
        let mut defs = Vec::new();
        e.walk(&mut |x| match x.kind {
            ExprKind::Fact(f) if !out.contains(&f) => {
                out.push(f);
            }
            ExprKind::Def(d) => defs.push(d),
            _ => {}
        });
        for d in defs {
            if seen_defs.contains(&d) {
                continue;
            }
            seen_defs.push(d);
            let def = self.m.def(d);
            for (c, v) in &def.cases {
                self.facts_read(c, out, seen_defs);
                self.facts_read(v, out, seen_defs);
            }
            self.facts_read(&def.default, out, seen_defs);
        }
    }

    pub(crate) fn check_gates(&mut self) {
        let n = self.m.facts.len();
        let mut gate_deps: Vec<Vec<FactId>> = vec![Vec::new(); n];
        for (i, f) in self.m.facts.iter().enumerate() {
            if let Some(g) = &f.gate {
                let mut out = Vec::new();
                self.facts_read(g, &mut out, &mut Vec::new());
                gate_deps[i] = out;
            }
        }
        // A fact is self-gated when following gates from it leads back to it.
        for start in 0..n {
            if gate_deps[start].is_empty() {
                continue;
            }
            let mut seen = vec![false; n];
            let mut stack: Vec<usize> = gate_deps[start].iter().map(|f| f.idx()).collect();
            let mut hit = false;
            while let Some(x) = stack.pop() {
                if x == start {
                    hit = true;
                    break;
                }
                if std::mem::replace(&mut seen[x], true) {
                    continue;
                }
                stack.extend(gate_deps[x].iter().map(|f| f.idx()));
            }
            if hit {
                let f = &self.m.facts[start];
                let span = f.gate.as_ref().map(|g| g.span).unwrap_or(f.span);
                let name = f.name.clone();
                self.err_at(
                    Code::SelfGated,
                    span,
                    Bi::new(
                        format!("`{name}` is asked only when a condition that depends on `{name}` holds"),
                        format!("« {name} » n'est posée que si une condition qui dépend de « {name} » est vraie"),
                    ),
                    Bi::new("this gate depends on the fact itself", "cette condition dépend du fait lui-même"),
                )
                .help = Some(Bi::new(
                    "the question could never be asked: gate it on other facts",
                    "la question ne pourrait jamais être posée : conditionnez-la à d'autres faits",
                ));
            }
        }
    }

    pub(crate) fn lint_unused(&mut self) {
        for (i, used) in self.used_facts.clone().into_iter().enumerate() {
            // Document facts are used by templates (checked with the templates).
            if used || self.m.facts[i].for_documents {
                continue;
            }
            let f = &self.m.facts[i];
            let name = f.name.clone();
            self.diags.push(
                Diag::warning(
                    Code::UnusedFact,
                    Bi::new(format!("fact `{name}` is never used"), format!("le fait « {name} » n'est jamais utilisé")),
                )
                .at(f.span, Bi::new("asked for nothing", "posée pour rien"))
                .help(Bi::new(
                    "no rule, definition, myth or gate reads it: remove it or use it, so people are not asked needless questions",
                    "aucune règle, définition, mythe ou condition ne la lit : retirez-la ou utilisez-la, pour ne pas poser de questions inutiles",
                )),
            );
        }
    }

    pub(crate) fn lint_unverified(&mut self) {
        for r in &self.m.rules {
            if let Status::Unverified(why) = &r.status {
                let kind = if r.kind == RuleKind::Exception {
                    ("exception", "exception")
                } else {
                    ("rule", "règle")
                };
                let reason = |t: &str, colon: &str| {
                    let t = t.trim().trim_end_matches('.');
                    if t.is_empty() {
                        String::new()
                    } else {
                        format!("{colon} {t}")
                    }
                };
                let why_en = reason(&why.en, ":");
                let why_fr = reason(&why.fr, " :");
                self.diags.push(
                    Diag::warning(
                        Code::UnverifiedRule,
                        Bi::new(
                            format!("{} `{}` is marked unverified{why_en}", kind.0, r.id),
                            format!("{} « {} » est marquée non vérifiée{why_fr}", kind.1, r.id),
                        ),
                    )
                    .at(r.name_span, Bi::new("unverified", "non vérifiée"))
                    .help(Bi::new(
                        "it is never shown as an obligation; it is listed under “to confirm” when it would apply",
                        "elle n'est jamais présentée comme une obligation; elle figure sous « à confirmer » lorsqu'elle s'appliquerait",
                    )),
                );
            }
        }
    }

    pub(crate) fn lint_never_true(&mut self, threads: usize) {
        // Rules in contiguous runs, one per thread, each with its own scratch; the
        // warnings are joined in rule order, so the outcome never depends on the threads.
        let n = self.m.rules.len();
        let threads = threads
            .clamp(1, crate::MAX_THREADS)
            .min(n.div_ceil(NEVER_TRUE_RUN).max(1));
        let m = &self.m;
        let run = |from: usize, to: usize| -> Vec<Diag> {
            let mut scratch = crate::search::Scratch::new(m);
            (from..to)
                .filter_map(|i| never_true(m, &m.rules[i], &mut scratch))
                .collect()
        };
        let share = n.div_ceil(threads);
        let found: Vec<Diag> = if threads <= 1 {
            run(0, n)
        } else {
            std::thread::scope(|scope| {
                let others: Vec<_> = (1..threads)
                    .map(|t| scope.spawn(move || run((t * share).min(n), ((t + 1) * share).min(n))))
                    .collect();
                let mut found = run(0, share.min(n));
                for h in others {
                    found.extend(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
                }
                found
            })
        };
        self.diags.extend(found);
    }

    /// A lower layer may not relax a higher layer's must / must not without delegation.
    pub(crate) fn check_layers(&mut self) {
        for d in 0..self.m.rules.len() {
            for &t in &self.m.rules[d].displaces.clone() {
                let (dr, tr) = (&self.m.rules[d], &self.m.rules[t.idx()]);
                if dr.layer.rank() <= tr.layer.rank() {
                    continue;
                }
                if !matches!(tr.modal(), Some(Modal::Must | Modal::MustNot)) {
                    continue;
                }
                if tr.delegates.iter().any(|k| k == dr.layer.kind_word()) {
                    continue;
                }
                let per_item = tr.per_item.as_ref().map(|(_, g)| *g);
                let truth = Expr::truth(tr.span);
                let goals = [
                    Goal {
                        cond: tr.when.as_ref().unwrap_or(&truth),
                        per_item,
                    },
                    Goal {
                        cond: dr.when.as_ref().unwrap_or(&truth),
                        per_item: dr.per_item.as_ref().map(|(_, g)| *g),
                    },
                ];
                let outcome = satisfy(&self.m, &goals, SEARCH_BUDGET);
                let example = match &outcome {
                    Outcome::Found(ex) => Some(ex.describe(&self.m)),
                    Outcome::GaveUp => None,
                    Outcome::Impossible => continue,
                };
                let span = self
                    .displaces_spans
                    .get(d)
                    .and_then(|v| v.first().copied())
                    .unwrap_or(dr.span);
                let (did, tid) = (dr.id.clone(), tr.id.clone());
                let (dl, tl) = (dr.layer.label(), tr.layer.label());
                let modal = tr.modal().map(Modal::word).unwrap_or("must");
                let tspan: Span = tr.span;
                let mut diag = Diag::error(
                    Code::LayerConflict,
                    Bi::new(
                        format!("`{did}` ({dl}) relaxes `{tid}`, a `{modal}` of a higher layer ({tl}), which does not delegate it"),
                        format!("« {did} » ({dl}) assouplit « {tid} », une règle « {modal} » d'une couche supérieure ({tl}), qui ne la délègue pas"),
                    ),
                )
                .at(span, Bi::new("relaxes a higher layer", "assouplit une couche supérieure"));
                diag.secondary.push(Label {
                    span: tspan,
                    text: Bi::new(
                        "the higher layer's rule",
                        "la règle de la couche supérieure",
                    ),
                });
                diag.help = Some(match example {
                    Some(ex) => Bi::new(
                        format!(
                            "both conditions hold, for example, with: {ex}. A lower layer may add or tighten, not relax; if the higher authority allows it, add `delegates {}` to `{tid}`",
                            dr.layer.kind_word()
                        ),
                        format!(
                            "les deux conditions sont vraies, par exemple, avec : {ex}. Une couche inférieure peut ajouter ou resserrer, pas assouplir; si l'autorité supérieure le permet, ajoutez « delegates {} » à « {tid} »",
                            dr.layer.kind_word()
                        ),
                    ),
                    None => Bi::new(
                        "no example was found within the search limit, but the conditions were not shown exclusive; make them exclusive or add `delegates` to the higher rule",
                        "aucun exemple trouvé dans la limite de recherche, mais les conditions ne sont pas démontrées exclusives; rendez-les exclusives ou ajoutez « delegates » à la règle supérieure",
                    ),
                });
                self.diags.push(diag);
            }
        }
    }
}

/// Fewest rules per thread for the never-true lint.
const NEVER_TRUE_RUN: usize = 512;

/// The warning for a rule whose condition can never be true, if it is one.
fn never_true(
    m: &Model,
    r: &crate::model::Rule,
    scratch: &mut crate::search::Scratch,
) -> Option<Diag> {
    let when = r.when.as_ref()?;
    if r.per_item.is_none() && crate::search::plainly_satisfiable(m, when) {
        return None;
    }
    let goal = [Goal {
        cond: when,
        per_item: r.per_item.as_ref().map(|(_, g)| *g),
    }];
    if crate::search::satisfy_in(m, &goal, SEARCH_BUDGET, scratch, false) != Outcome::Impossible {
        return None;
    }
    let (id, span) = (&r.id, when.span);
    Some(
        Diag::warning(
            Code::NeverTrue,
            Bi::new(
                format!("the condition of `{id}` can never be true"),
                format!("la condition de « {id} » ne peut jamais être vraie"),
            ),
        )
        .at(
            span,
            Bi::new(
                "no answers make this true",
                "aucune réponse ne rend ceci vrai",
            ),
        )
        .help(Bi::new(
            "the rule can never apply: check the comparisons and options",
            "la règle ne peut jamais s'appliquer : vérifiez les comparaisons et les options",
        )),
    )
}
