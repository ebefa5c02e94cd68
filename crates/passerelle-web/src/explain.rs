//! "Why this applies": the explanation tree of an obligation as nested HTML lists.

use crate::i18n::Tr;
use passerelle::verdict::{Because, ExplanationNode};

/// Escapes text for HTML content and attributes.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn mark(t: &Tr<'_>, v: Option<bool>) -> String {
    let (class, id) = match v {
        Some(true) => ("yes", "explain-holds"),
        Some(false) => ("no", "explain-not-holds"),
        None => ("unknown", "explain-unknown"),
    };
    format!(
        "<span class=\"pw-mark pw-mark--{class}\">{}</span>",
        esc(&t.s(id))
    )
}

fn node(t: &Tr<'_>, n: &ExplanationNode, out: &mut String, depth: usize) {
    out.push_str("<li>");
    match n.op {
        "always" => out.push_str(&esc(&t.s("explain-always"))),
        "all" | "any" | "not" => {
            let id = match n.op {
                "all" => "explain-all",
                "any" => "explain-any",
                _ => "explain-not",
            };
            out.push_str(&esc(&t.s(id)));
            out.push(' ');
            out.push_str(&mark(t, n.value));
        }
        _ => {
            out.push_str(&esc(n.text.as_deref().unwrap_or("")));
            out.push_str(" — ");
            out.push_str(&mark(t, n.value));
            for a in &n.answers {
                out.push_str("<br><span class=\"pw-answer\">");
                let line = match &a.answer {
                    Some(ans) if a.answered => t.cat.args(
                        t.lang,
                        "explain-your-answer",
                        &[
                            ("question", crate::i18n::Arg::Str(&a.question)),
                            ("answer", crate::i18n::Arg::Str(ans)),
                        ],
                    ),
                    Some(ans) => t.cat.args(
                        t.lang,
                        "explain-implied-answer",
                        &[
                            ("question", crate::i18n::Arg::Str(&a.question)),
                            ("answer", crate::i18n::Arg::Str(ans)),
                        ],
                    ),
                    None => t.v("explain-no-answer", "question", &a.question),
                };
                out.push_str(&esc(&line));
                out.push_str("</span>");
            }
            for (label, value) in &n.derived {
                out.push_str("<br><span class=\"pw-answer\">");
                let v = value
                    .clone()
                    .unwrap_or_else(|| t.s("explain-unknown").into_owned());
                out.push_str(&esc(&format!("{label}: {v}")));
                out.push_str("</span>");
            }
        }
    }
    if !n.children.is_empty() && depth < 32 {
        out.push_str("<ul>");
        for c in &n.children {
            node(t, c, out, depth + 1);
        }
        out.push_str("</ul>");
    }
    out.push_str("</li>");
}

/// The explanation as HTML (every text escaped).
pub fn because_html(t: &Tr<'_>, b: &Because) -> String {
    let mut out = String::new();
    out.push_str("<p>");
    out.push_str(&esc(&t.s("explain-intro")));
    out.push_str("</p><ul class=\"pw-explain\">");
    node(t, &b.condition, &mut out, 0);
    out.push_str("</ul>");
    if !b.exceptions.is_empty() {
        out.push_str("<p>");
        out.push_str(&esc(&t.s("explain-exceptions")));
        out.push_str("</p><ul class=\"pw-explain\">");
        for e in &b.exceptions {
            out.push_str("<li>");
            out.push_str(&esc(&e.text));
            out.push_str(" — ");
            let id = match e.holds {
                Some(true) => "explain-exception-holds",
                Some(false) => "explain-exception-not",
                None => "explain-unknown",
            };
            out.push_str(&esc(&t.s(id)));
            out.push_str("</li>");
        }
        out.push_str("</ul>");
    }
    out
}
