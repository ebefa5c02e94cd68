//! A verdict as indented text, in English or French (`eval --format text`).

use crate::verdict::{ExplanationNode, Verdict};
use passerelle_diag::Lang;
use std::fmt::Write;

fn mark(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "✓",
        Some(false) => "✗",
        None => "?",
    }
}

fn node(out: &mut String, n: &ExplanationNode, depth: usize, lang: Lang) {
    let pad = "    ".repeat(depth);
    let label = match (n.op, lang) {
        ("all", Lang::En) => "all of:".to_string(),
        ("all", Lang::Fr) => "toutes ces conditions :".to_string(),
        ("any", Lang::En) => "any of:".to_string(),
        ("any", Lang::Fr) => "l'une de ces conditions :".to_string(),
        ("not", Lang::En) => "not:".to_string(),
        ("not", Lang::Fr) => "non :".to_string(),
        ("always", Lang::En) => "always".to_string(),
        ("always", Lang::Fr) => "toujours".to_string(),
        _ => n.text.clone().unwrap_or_default(),
    };
    let _ = writeln!(out, "{pad}{} {label}", mark(n.value));
    for a in &n.answers {
        let ans = match (&a.answer, a.answered, lang) {
            (Some(x), true, Lang::En) => format!("answered: {x}"),
            (Some(x), true, Lang::Fr) => format!("réponse : {x}"),
            (Some(x), false, Lang::En) => format!("not asked, taken as: {x}"),
            (Some(x), false, Lang::Fr) => format!("non posée, considérée comme : {x}"),
            (None, _, Lang::En) => "not answered yet".to_string(),
            (None, _, Lang::Fr) => "pas encore de réponse".to_string(),
        };
        let _ = writeln!(out, "{pad}      — {} ({ans})", a.question);
    }
    for (label, v) in &n.derived {
        let v = v.clone().unwrap_or_else(|| {
            if lang == Lang::En {
                "unknown".into()
            } else {
                "inconnu".into()
            }
        });
        let colon = if lang == Lang::Fr { "\u{a0}:" } else { ":" };
        let _ = writeln!(out, "{pad}      — {label}{colon} {v}");
    }
    for c in &n.children {
        node(out, c, depth + 1, lang);
    }
}

/// Renders a verdict for a terminal.
pub fn render(v: &Verdict, lang: Lang) -> String {
    let t = |en: &str, fr: &str| {
        if lang == Lang::En {
            en.to_string()
        } else {
            fr.to_string()
        }
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} {} — {} {}",
        t("Verdict of", "Verdict de"),
        v.pack.title,
        v.pack.version,
        t("as of", "en date du"),
        v.as_of
    );
    let _ = writeln!(
        out,
        "{}",
        if v.complete {
            t(
                "Complete: every rule is decided.",
                "Complet : toutes les règles sont tranchées.",
            )
        } else {
            t(
                "Incomplete: some rules need more answers.",
                "Incomplet : certaines règles exigent d'autres réponses.",
            )
        }
    );
    let _ = writeln!(
        out,
        "\n{} ({})",
        t("Obligations", "Obligations"),
        v.obligations.len()
    );
    for phase in ["before", "during", "after"] {
        let in_phase: Vec<_> = v.obligations.iter().filter(|o| o.phase == phase).collect();
        if in_phase.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n  {}", in_phase[0].phase_label);
        for o in in_phase {
            let item = o
                .item
                .as_ref()
                .map(|i| format!(" [{}]", i.label))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "    • {} — {}{item}  ({}, {})",
                o.kind_label.to_uppercase(),
                o.text,
                o.domain_label,
                o.id
            );
            let _ = writeln!(out, "      {} {}", t("Intent:", "Intention :"), o.intent);
            for c in &o.citations {
                let _ = writeln!(
                    out,
                    "      {} {}, {} {} — {}",
                    t("Cites:", "Cite :"),
                    c.title,
                    t("s.", "art."),
                    c.section,
                    c.url
                );
            }
            if let Some(ow) = &o.owner {
                let _ = writeln!(
                    out,
                    "      {} {} ({})",
                    t("Ask:", "Qui consulter :"),
                    ow.name,
                    ow.role_label
                );
            }
            if let Some(b) = &o.because {
                let _ = writeln!(
                    out,
                    "      {}",
                    t("Why this applies:", "Pourquoi cela s'applique :")
                );
                node(&mut out, &b.condition, 2, lang);
                for e in &b.exceptions {
                    let st = match (e.holds, lang) {
                        (Some(false), Lang::En) => "does not hold",
                        (Some(false), Lang::Fr) => "ne s'applique pas",
                        (Some(true), Lang::En) => "holds",
                        (Some(true), Lang::Fr) => "s'applique",
                        (None, Lang::En) => "undetermined",
                        (None, Lang::Fr) => "indéterminée",
                    };
                    let _ = writeln!(
                        out,
                        "        {} {} ({st}): {}",
                        t("exception", "exception"),
                        e.id,
                        e.text
                    );
                }
            }
        }
    }
    for plan in &v.plans {
        let _ = writeln!(out, "\n{} — {}", t("Plan", "Plan"), plan.title);
        let _ = writeln!(out, "  {}", plan.summary);
        for st in &plan.steps {
            let maybe = match (st.needed, lang) {
                (None, Lang::En) => " (may be needed)",
                (None, Lang::Fr) => " (peut être nécessaire)",
                _ => "",
            };
            let confirm = if st.to_confirm {
                t(" [to confirm]", " [à confirmer]")
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "  {} {}–{}{} {}{maybe}{confirm} — {} → {}",
                t("weeks", "semaines"),
                st.start_week,
                st.end_week,
                t(":", "\u{a0}:"),
                st.title,
                st.actor.name,
                st.produces
            );
        }
    }
    if !v.thresholds.is_empty() {
        let _ = writeln!(out, "\n{}", t("Thresholds in force", "Seuils en vigueur"));
        for th in &v.thresholds {
            let val = th
                .value
                .clone()
                .unwrap_or_else(|| t("none in force", "aucun en vigueur"));
            let src = th
                .citations
                .first()
                .map(|c| format!(" ({} {})", c.title, c.section))
                .unwrap_or_default();
            let _ = writeln!(out, "  • {}{} {val}{src}", th.label, t(":", "\u{a0}:"));
        }
    }
    if !v.displaced.is_empty() {
        let _ = writeln!(out, "\n{}", t("Displaced", "Supplantées"));
        for d in &v.displaced {
            let _ = writeln!(
                out,
                "  • {} — {} {}: {}",
                d.id,
                t("displaced by", "supplantée par"),
                d.by,
                d.reason
            );
        }
    }
    if !v.undetermined.is_empty() {
        let _ = writeln!(out, "\n{}", t("Undetermined", "Indéterminées"));
        for u in &v.undetermined {
            let _ = writeln!(
                out,
                "  • {} — {} {}",
                u.id,
                t("needs:", "exige :"),
                u.needs.join(", ")
            );
        }
    }
    if !v.myths.is_empty() {
        let _ = writeln!(out, "\n{}", t("Myths", "Mythes"));
        for my in &v.myths {
            let _ = writeln!(out, "  • « {} » — {}", my.claim, my.verdict_label);
            let _ = writeln!(out, "    {}", my.explanation);
        }
    }
    if !v.to_confirm.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            t(
                "To confirm (not verified against the source)",
                "À confirmer (non vérifiées dans la source)"
            )
        );
        for c in &v.to_confirm {
            let _ = writeln!(out, "  • {} — {} ({})", c.id, c.text, c.reason);
        }
    }
    match &v.next_question {
        Some(q) => {
            let _ = writeln!(
                out,
                "\n{} {}",
                t("Next question:", "Prochaine question :"),
                q.text
            );
            let _ = writeln!(
                out,
                "  {} {}",
                t("Why we ask:", "Pourquoi cette question :"),
                q.settles_text.join(" / ")
            );
        }
        None => {
            let _ = writeln!(
                out,
                "\n{}",
                t("No question left.", "Aucune autre question.")
            );
        }
    }
    out
}
