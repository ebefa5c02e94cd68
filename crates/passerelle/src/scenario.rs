//! Running a pack's scenarios (`passerelle test`).

use crate::pack::Pack;
use crate::verdict::{Raw, evaluate_raw, today};
use passerelle_check::model::{MythId, RuleRef, Scenario, Status as RuleStatus};
use passerelle_check::semantics::Tri;
use passerelle_diag::{Lang, Span};
use passerelle_eval::Status;
use passerelle_eval::next::Target;

/// One failed expectation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// Where the expectation is written.
    pub span: Span,
    /// What was expected and what happened, in English.
    pub en: String,
    /// The same in French.
    pub fr: String,
}

impl Failure {
    /// The message in a language.
    pub fn message(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Fr => &self.fr,
        }
    }
}

/// The result of one scenario.
#[derive(Clone, Debug)]
pub struct ScenarioResult {
    /// Scenario id.
    pub id: String,
    /// Where it is declared.
    pub span: Span,
    /// What failed (empty when it passed).
    pub failures: Vec<Failure>,
}

fn status_words(s: Option<Status>) -> (&'static str, &'static str) {
    match s {
        Some(Status::Applies) => ("applies", "s'applique"),
        Some(Status::NotApplies) => ("does not apply", "ne s'applique pas"),
        Some(Status::Undetermined) => ("is undetermined", "est indéterminée"),
        Some(Status::Displaced) => ("is displaced", "est supplantée"),
        Some(Status::NotInForce) => ("is not in force", "n'est pas en vigueur"),
        None => ("has no such item", "n'a pas cet élément"),
    }
}

fn status_of(pack: &Pack, raw: &Raw, r: &RuleRef) -> Option<Status> {
    let p = &pack.program;
    let ci = *p.rule_index.get(r.rule.idx())? as usize;
    let rule = &p.rules[ci];
    match (rule.per_item, r.item) {
        (None, _) => Some(raw.outcome.status[ci]),
        (Some(_), Some(i)) => raw
            .outcome
            .items
            .iter()
            .find(|x| x.rule as usize == ci && x.item == u32::try_from(i).ok())
            .map(|x| x.status),
        (Some(_), None) => {
            // Without an index: the best status over the items.
            let mut best = None;
            for x in raw.outcome.items.iter().filter(|x| x.rule as usize == ci) {
                best = Some(match (best, x.status) {
                    (Some(Status::Applies), _) | (_, Status::Applies) => Status::Applies,
                    (Some(Status::Undetermined), _) | (_, Status::Undetermined) => {
                        Status::Undetermined
                    }
                    (_, s) => s,
                });
            }
            best.or(Some(Status::NotApplies))
        }
    }
}

fn name(pack: &Pack, r: &RuleRef) -> String {
    let id = &pack.model.rule(r.rule).id;
    match r.item {
        Some(i) => format!("{id}[{i}]"),
        None => id.clone(),
    }
}

/// Runs one scenario.
pub fn run(pack: &Pack, s: &Scenario) -> ScenarioResult {
    let as_of = s.as_of.unwrap_or_else(today);
    let raw = evaluate_raw(pack, &s.given, as_of);
    let m = &pack.model;
    let mut failures = Vec::new();
    let verified = |r: &RuleRef| m.rule(r.rule).status.is_verified();
    for r in &s.expect_applies {
        let st = status_of(pack, &raw, r);
        if st != Some(Status::Applies) || !verified(r) {
            let (en, fr) = status_words(st);
            let (en, fr) = if st == Some(Status::Applies) {
                (
                    "applies but is unverified (so it is only to confirm)",
                    "s'applique mais n'est pas vérifiée (elle est seulement à confirmer)",
                )
            } else {
                (en, fr)
            };
            failures.push(Failure {
                span: r.span,
                en: format!("expected `{}` to apply, but it {en}", name(pack, r)),
                fr: format!("« {} » devait s'appliquer, mais elle {fr}", name(pack, r)),
            });
        }
    }
    for r in &s.expect_not_applies {
        let st = status_of(pack, &raw, r);
        if st == Some(Status::Applies) && verified(r) {
            failures.push(Failure {
                span: r.span,
                en: format!("expected `{}` not to apply, but it applies", name(pack, r)),
                fr: format!(
                    "« {} » ne devait pas s'appliquer, mais elle s'applique",
                    name(pack, r)
                ),
            });
        }
    }
    for (list, want, en_w, fr_w) in [
        (
            &s.expect_displaced,
            Status::Displaced,
            "be displaced",
            "être supplantée",
        ),
        (
            &s.expect_undetermined,
            Status::Undetermined,
            "be undetermined",
            "être indéterminée",
        ),
    ] {
        for r in list {
            let st = status_of(pack, &raw, r);
            if st != Some(want) {
                let (en, fr) = status_words(st);
                failures.push(Failure {
                    span: r.span,
                    en: format!("expected `{}` to {en_w}, but it {en}", name(pack, r)),
                    fr: format!("« {} » devait {fr_w}, mais elle {fr}", name(pack, r)),
                });
            }
        }
    }
    for r in &s.expect_to_confirm {
        let st = status_of(pack, &raw, r);
        let ok = st == Some(Status::Applies)
            && matches!(m.rule(r.rule).status, RuleStatus::Unverified(_));
        if !ok {
            let (en, fr) = status_words(st);
            failures.push(Failure {
                span: r.span,
                en: format!("expected `{}` under “to confirm” (unverified and applying), but it {en}{}", name(pack, r), if verified(r) { " and is verified" } else { "" }),
                fr: format!("« {} » devait figurer sous « à confirmer » (non vérifiée et applicable), mais elle {fr}{}", name(pack, r), if verified(r) { " et est vérifiée" } else { "" }),
            });
        }
    }
    let myth_state = |id: MythId| {
        raw.outcome
            .myths
            .get(id.idx())
            .copied()
            .unwrap_or(Tri::Unknown)
    };
    for (my, span) in &s.expect_myths {
        let t = myth_state(*my);
        if t != Tri::True {
            let id = &m.myths[my.idx()].id;
            let (en, fr) = if t == Tri::Unknown {
                ("undetermined", "indéterminé")
            } else {
                ("not relevant", "non pertinent")
            };
            failures.push(Failure {
                span: *span,
                en: format!("expected myth `{id}` to be shown, but it is {en}"),
                fr: format!("le mythe « {id} » devait être présenté, mais il est {fr}"),
            });
        }
    }
    for (my, span) in &s.expect_no_myths {
        if myth_state(*my) == Tri::True {
            let id = &m.myths[my.idx()].id;
            failures.push(Failure {
                span: *span,
                en: format!("expected myth `{id}` not to be shown, but it is"),
                fr: format!("le mythe « {id} » ne devait pas être présenté, mais il l'est"),
            });
        }
    }
    if let Some((want, span)) = &s.expect_next {
        let got = raw.next.as_ref().map(|n| n.target);
        let name_of = |t: Option<Target>| match t {
            Some(Target::Fact(f)) => m.fact(f).name.clone(),
            Some(Target::Group(g)) => m.group(g).name.clone(),
            None => "none".to_string(),
        };
        let want_t = want.map(|w| match w {
            passerelle_check::model::NextRef::Fact(f) => Target::Fact(f),
            passerelle_check::model::NextRef::Group(g) => Target::Group(g),
        });
        if got != want_t {
            failures.push(Failure {
                span: *span,
                en: format!(
                    "expected the next question to be `{}`, but it is `{}`",
                    name_of(want_t),
                    name_of(got)
                ),
                fr: format!(
                    "la prochaine question devait être « {} », mais c'est « {} »",
                    name_of(want_t),
                    name_of(got)
                ),
            });
        }
    }
    if !s.expect_steps.is_empty() || !s.expect_no_steps.is_empty() || s.expect_weeks.is_some() {
        let v = crate::verdict::build(
            pack,
            &s.given,
            &raw,
            as_of,
            Lang::En,
            crate::EvalOptions { explain: false },
        );
        let needed = |pi: usize, si: usize| -> bool {
            raw.outcome
                .processes
                .get(pi)
                .copied()
                .unwrap_or(Tri::False)
                .and(
                    raw.outcome
                        .steps
                        .get(pi)
                        .and_then(|x| x.get(si))
                        .copied()
                        .unwrap_or(Tri::False),
                )
                == Tri::True
        };
        let step_name = |pi: usize, si: usize| {
            let p = &m.processes[pi];
            format!(
                "{}.{}",
                p.id,
                p.steps.get(si).map(|x| x.id.as_str()).unwrap_or("")
            )
        };
        for &(pi, si, span) in &s.expect_steps {
            if !needed(pi, si) {
                failures.push(Failure {
                    span,
                    en: format!("expected step `{}` in the plan, but it is not needed (or not yet known)", step_name(pi, si)),
                    fr: format!("l'étape « {} » devait figurer au plan, mais elle n'est pas nécessaire (ou pas encore connue)", step_name(pi, si)),
                });
            }
        }
        for &(pi, si, span) in &s.expect_no_steps {
            if needed(pi, si) {
                failures.push(Failure {
                    span,
                    en: format!(
                        "expected step `{}` not to be in the plan, but it is",
                        step_name(pi, si)
                    ),
                    fr: format!(
                        "l'étape « {} » ne devait pas figurer au plan, mais elle y est",
                        step_name(pi, si)
                    ),
                });
            }
        }
        if let Some((want, span)) = s.expect_weeks {
            let got = v.plans.iter().map(|p| p.weeks).max().unwrap_or(0);
            if got != want {
                failures.push(Failure {
                    span,
                    en: format!("expected the plan to take {want} weeks, but it takes {got}"),
                    fr: format!("le plan devait durer {want} semaines, mais il en dure {got}"),
                });
            }
        }
    }
    if let Some(want) = s.expect_complete {
        let v = crate::verdict::build(
            pack,
            &s.given,
            &raw,
            as_of,
            Lang::En,
            crate::EvalOptions { explain: false },
        );
        if v.complete != want {
            let open: Vec<String> = v.undetermined.iter().map(|u| u.id.clone()).collect();
            failures.push(Failure {
                span: s.span,
                en: format!("expected the verdict to be {}complete, but it is {}complete (undetermined: {})", if want { "" } else { "in" }, if v.complete { "" } else { "in" }, open.join(", ")),
                fr: format!("le verdict devait être {}, mais il est {} (indéterminées : {})", if want { "complet" } else { "incomplet" }, if v.complete { "complet" } else { "incomplet" }, open.join(", ")),
            });
        }
    }
    ScenarioResult {
        id: s.id.clone(),
        span: s.span,
        failures,
    }
}

/// Runs every scenario of every loaded pack.
pub fn run_all(pack: &Pack) -> Vec<ScenarioResult> {
    pack.model.scenarios.iter().map(|s| run(pack, s)).collect()
}
