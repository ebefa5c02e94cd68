//! Checking templates against the pack: syntax, names, both languages.

use crate::template::Templates;
use passerelle_check::model::{Model, NameRef, Type};
use passerelle_diag::{Bi, Code, Diag, Lang, SourceMap, Span, did_you_mean};

/// Top-level names a template may read.
pub const ROOTS: [&str; 11] = [
    "answers", "answered", "values", "groups", "applies", "myths", "verdict", "pack", "as_of",
    "lang", "document",
];

fn span_of(map: &SourceMap, t: &crate::Template, needle: &str) -> Span {
    let text = map.text(t.file);
    match text.get(t.body_offset..).and_then(|b| b.find(needle)) {
        Some(i) => Span::new(t.file, t.body_offset + i, t.body_offset + i + needle.len()),
        None => Span::new(t.file, 0, 3),
    }
}

fn line_span(map: &SourceMap, t: &crate::Template, line_in_body: usize) -> Span {
    let text = map.text(t.file);
    let body = text.get(t.body_offset..).unwrap_or("");
    let mut off = t.body_offset;
    for (i, l) in body.split_inclusive('\n').enumerate() {
        if i + 1 == line_in_body {
            return Span::new(t.file, off, off + l.trim_end().len());
        }
        off += l.len();
    }
    Span::new(t.file, t.body_offset, t.body_offset)
}

/// Checks every template; returns diagnostics (errors and warnings).
pub fn check_templates(m: &Model, templates: &Templates, map: &SourceMap) -> Vec<Diag> {
    let mut out = Vec::new();
    let mut used: Vec<String> = Vec::new();
    let env = minijinja::Environment::new();
    for t in &templates.items {
        // Both languages.
        let other = t.lang.other();
        if templates.get(&t.document, other).is_none() {
            let (en, fr) = match other {
                Lang::En => ("English", "anglaise"),
                Lang::Fr => ("French", "française"),
            };
            out.push(
                Diag::error(
                    Code::MissingTranslation,
                    Bi::new(
                        format!("document `{}` has no {en} template", t.document),
                        format!(
                            "le document « {} » n'a pas de modèle en version {fr}",
                            t.document
                        ),
                    ),
                )
                .at(
                    Span::new(t.file, 0, 3),
                    Bi::new("only this language", "seulement cette langue"),
                ),
            );
        }
        let tmpl = match env.template_from_str(&t.body) {
            Ok(x) => x,
            Err(e) => {
                let span = e
                    .line()
                    .map(|l| line_span(map, t, l))
                    .unwrap_or(Span::new(t.file, 0, 3));
                let msg = e.detail().unwrap_or("syntax error").to_string();
                out.push(
                    Diag::error(
                        Code::BadTemplate,
                        Bi::new(
                            format!("template syntax: {msg}"),
                            format!("syntaxe du modèle : {msg}"),
                        ),
                    )
                    .at(span, Bi::new("here", "ici")),
                );
                continue;
            }
        };
        let mut names: Vec<String> = tmpl.undeclared_variables(true).into_iter().collect();
        names.sort();
        for n in names {
            let mut parts = n.splitn(2, '.');
            let root = parts.next().unwrap_or("");
            let rest = parts.next();
            if !ROOTS.contains(&root) {
                let sugg = did_you_mean(root, ROOTS.iter().copied()).map(str::to_string);
                let mut d = Diag::error(
                    Code::BadTemplate,
                    Bi::new(
                        format!("unknown placeholder `{n}`"),
                        format!("espace réservé inconnu « {n} »"),
                    ),
                )
                .at(
                    span_of(map, t, root),
                    Bi::new(
                        "not something a template can read",
                        "pas une donnée accessible aux modèles",
                    ),
                );
                d.help = Some(match sugg {
                    Some(s) => Bi::new(
                        format!("did you mean `{s}`?"),
                        format!("vouliez-vous dire « {s} » ?"),
                    ),
                    None => Bi::new(
                        format!("templates read: {}", ROOTS.join(", ")),
                        format!("les modèles lisent : {}", ROOTS.join(", ")),
                    ),
                });
                out.push(d);
                continue;
            }
            let (Some(name), true) = (rest, matches!(root, "answers" | "values" | "groups")) else {
                continue;
            };
            let name = name.split('.').next().unwrap_or(name);
            let ok = matches!(
                (root, m.names.get(name)),
                ("groups", Some(NameRef::Group(_)))
                    | (
                        "answers" | "values",
                        Some(NameRef::Fact(_) | NameRef::Def(_))
                    )
            );
            if ok {
                used.push(name.to_string());
            } else {
                let sugg =
                    did_you_mean(name, m.names.keys().map(String::as_str)).map(str::to_string);
                let mut d = Diag::error(
                    Code::BadTemplate,
                    Bi::new(
                        format!("the placeholder `{root}.{name}` names no fact of the pack"),
                        format!("l'espace réservé « {root}.{name} » ne nomme aucun fait du paquet"),
                    ),
                )
                .at(
                    span_of(map, t, name),
                    Bi::new("unknown fact", "fait inconnu"),
                );
                if let Some(s) = sugg {
                    d.help = Some(Bi::new(
                        format!("did you mean `{s}`?"),
                        format!("vouliez-vous dire « {s} » ?"),
                    ));
                }
                out.push(d);
            }
        }
        for r in t.requires.iter().chain(t.when.iter()) {
            match m.names.get(r) {
                Some(NameRef::Fact(_)) => used.push(r.clone()),
                Some(NameRef::Def(d))
                    if Some(r) == t.when.as_ref() && m.def(*d).ty == Type::Bool => {}
                _ => out.push(
                    Diag::error(
                        Code::BadTemplate,
                        Bi::new(
                            format!("`{r}` in the front matter names no fact of the pack"),
                            format!("« {r} » dans l'en-tête ne nomme aucun fait du paquet"),
                        ),
                    )
                    .at(span_of(map, t, r), Bi::new("unknown fact", "fait inconnu")),
                ),
            }
        }
    }
    for f in &m.facts {
        if f.for_documents && !used.contains(&f.name) {
            out.push(
                Diag::warning(
                    Code::UnusedFact,
                    Bi::new(
                        format!("document fact `{}` is used by no template", f.name),
                        format!(
                            "le fait de document « {} » n'est utilisé par aucun modèle",
                            f.name
                        ),
                    ),
                )
                .at(f.span, Bi::new("asked for nothing", "posée pour rien")),
            );
        }
    }
    out
}
