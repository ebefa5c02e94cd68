//! Rendering diagnostics: miette for people (graphical or narrated), JSON for tools.

use crate::{Diag, Lang, Severity, SourceMap};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource, Report,
};
use serde::Serialize;

/// How to draw a diagnostic for people.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Unicode boxes and colours (terminals).
    Fancy,
    /// Unicode boxes, no colour (files, snapshots).
    Plain,
    /// Sentences only, for screen readers.
    Narrated,
}

fn severity(s: Severity) -> miette::Severity {
    match s {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Note => miette::Severity::Advice,
    }
}

fn report(d: &Diag, map: &SourceMap, lang: Lang) -> Report {
    let mut md = MietteDiagnostic::new(d.message.get(lang).to_string())
        .with_code(d.code.as_str())
        .with_severity(severity(d.severity));
    let mut help = d.help.as_ref().map(|h| h.get(lang).to_string());
    if let Some(ctx) = &d.context {
        let ctx_line = match lang {
            Lang::En => format!("in {ctx}"),
            Lang::Fr => format!("dans {ctx}"),
        };
        help = Some(match help {
            Some(h) => format!("{h}\n{ctx_line}"),
            None => ctx_line,
        });
    }
    if let Some(h) = help {
        md = md.with_help(h);
    }
    let Some(primary) = &d.primary else {
        return Report::new(md);
    };
    let file = primary.span.file;
    let mut labels = vec![LabeledSpan::new_primary_with_span(
        non_empty(primary.text.get(lang)),
        (primary.span.start as usize, primary.span.len()),
    )];
    let mut elsewhere = Vec::new();
    for l in &d.secondary {
        if l.span.file == file {
            labels.push(LabeledSpan::new_with_span(
                non_empty(l.text.get(lang)),
                (l.span.start as usize, l.span.len()),
            ));
        } else {
            elsewhere.push(l);
        }
    }
    md = md.with_labels(labels);
    let (name, text) = map
        .get(file)
        .map(|f| (f.name.clone(), f.text.to_string()))
        .unwrap_or_default();
    let mut rep = Report::new(md).with_source_code(NamedSource::new(name, text));
    for l in elsewhere {
        let (name, text) = map
            .get(l.span.file)
            .map(|f| (f.name.clone(), f.text.to_string()))
            .unwrap_or_default();
        let note = MietteDiagnostic::new(l.text.get(lang).to_string())
            .with_severity(miette::Severity::Advice)
            .with_label(LabeledSpan::new_with_span(
                None,
                (l.span.start as usize, l.span.len()),
            ));
        let related = Report::new(note).with_source_code(NamedSource::new(name, text));
        rep = rep.wrap_err(format!("{related:?}"));
    }
    rep
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

/// Renders one diagnostic for people, in `lang`.
pub fn render_human(d: &Diag, map: &SourceMap, lang: Lang, style: Style) -> String {
    let rep = report(d, map, lang);
    let mut out = String::new();
    let res = match style {
        Style::Fancy => GraphicalReportHandler::new_themed(GraphicalTheme::unicode())
            .with_width(100)
            .render_report(&mut out, rep.as_ref()),
        Style::Plain => GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
            .with_width(100)
            .with_links(false)
            .render_report(&mut out, rep.as_ref()),
        Style::Narrated => {
            return narrate(d, map, lang);
        }
    };
    if res.is_err() {
        out = format!("{}: {}", d.code.as_str(), d.message.get(lang));
    }
    out
}

/// Sentences only, in the reader's language, for screen readers and logs.
fn narrate(d: &Diag, map: &SourceMap, lang: Lang) -> String {
    let sev = match (d.severity, lang) {
        (Severity::Error, Lang::En) => "Error",
        (Severity::Error, Lang::Fr) => "Erreur",
        (Severity::Warning, Lang::En) => "Warning",
        (Severity::Warning, Lang::Fr) => "Avertissement",
        (Severity::Note, Lang::En) => "Note",
        (Severity::Note, Lang::Fr) => "Remarque",
    };
    let colon = match lang {
        Lang::En => ":",
        Lang::Fr => "\u{a0}:",
    };
    let mut out = format!(
        "{sev} {code}{colon} {msg}.\n",
        code = d.code.as_str(),
        msg = d.message.get(lang)
    );
    let mut place = |label: &crate::Label| {
        if let Some(f) = map.get(label.span.file) {
            let lc = f.line_col(label.span.start as usize);
            let at = match lang {
                Lang::En => format!("At {}, line {}, column {}", f.name, lc.line, lc.column),
                Lang::Fr => format!("À {}, ligne {}, colonne {}", f.name, lc.line, lc.column),
            };
            out.push_str(&at);
            let text = label.text.get(lang);
            if !text.is_empty() {
                out.push_str(&format!("{colon} {text}"));
            }
            out.push_str(".\n");
            out.push_str(&format!("    {}\n", f.line_text(lc.line).trim_end()));
        }
    };
    if let Some(p) = &d.primary {
        place(p);
    }
    for l in &d.secondary {
        place(l);
    }
    if let Some(h) = &d.help {
        let word = match lang {
            Lang::En => "Help",
            Lang::Fr => "Aide",
        };
        out.push_str(&format!("{word}{colon} {}\n", h.get(lang)));
    }
    if let Some(ctx) = &d.context {
        let word = match lang {
            Lang::En => "In",
            Lang::Fr => "Dans",
        };
        out.push_str(&format!("{word} {ctx}.\n"));
    }
    out
}

/// The JSON form of a diagnostic (`--format json`).
#[derive(Clone, Debug, Serialize)]
pub struct DiagJson {
    /// Stable code.
    pub code: &'static str,
    /// `error`, `warning` or `note`.
    pub severity: Severity,
    /// File as shown to people, or null.
    pub file: Option<String>,
    /// 1-based line, or null.
    pub line: Option<usize>,
    /// 1-based column in characters, or null.
    pub column: Option<usize>,
    /// 1-based line of the span's end.
    pub end_line: Option<usize>,
    /// 1-based column of the span's end.
    pub end_column: Option<usize>,
    /// The message in the requested language.
    pub message: String,
    /// The primary label.
    pub label: Option<String>,
    /// The help, or null.
    pub help: Option<String>,
    /// The enclosing provision, if any.
    pub context: Option<String>,
    /// Language of the texts.
    pub lang: Lang,
}

impl DiagJson {
    /// Builds the JSON form.
    pub fn new(d: &Diag, map: &SourceMap, lang: Lang) -> DiagJson {
        let loc = d.primary.as_ref().and_then(|p| {
            let f = map.get(p.span.file)?;
            let a = f.line_col(p.span.start as usize);
            let b = f.line_col(p.span.end as usize);
            Some((f.name.clone(), a, b))
        });
        DiagJson {
            code: d.code.as_str(),
            severity: d.severity,
            file: loc.as_ref().map(|l| l.0.clone()),
            line: loc.as_ref().map(|l| l.1.line),
            column: loc.as_ref().map(|l| l.1.column),
            end_line: loc.as_ref().map(|l| l.2.line),
            end_column: loc.as_ref().map(|l| l.2.column),
            message: d.message.get(lang).to_string(),
            label: d.primary.as_ref().and_then(|p| non_empty(p.text.get(lang))),
            help: d.help.as_ref().map(|h| h.get(lang).to_string()),
            context: d.context.clone(),
            lang,
        }
    }
}

/// One diagnostic as a single line of JSON.
pub fn render_json_line(d: &Diag, map: &SourceMap, lang: Lang) -> String {
    serde_json::to_string(&DiagJson::new(d, map, lang)).unwrap_or_else(|_| "{}".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Bi, Code, Span};

    fn sample() -> (Diag, SourceMap) {
        let mut map = SourceMap::new();
        let f = map.add("facts.md", "fact x: boool {\n}\n");
        let d = Diag::error(
            Code::UnknownName,
            Bi::new("unknown type `boool`", "type inconnu « boool »"),
        )
        .at(Span::new(f, 8, 13), Bi::new("not a type", "pas un type"))
        .help(Bi::new(
            "did you mean `bool`?",
            "vouliez-vous dire « bool »?",
        ));
        (d, map)
    }

    #[test]
    fn human_rendering_names_file_line_and_column() {
        let (d, map) = sample();
        let out = render_human(&d, &map, Lang::En, Style::Plain);
        insta::assert_snapshot!(out);
    }

    #[test]
    fn french_rendering() {
        let (d, map) = sample();
        let out = render_human(&d, &map, Lang::Fr, Style::Narrated);
        insta::assert_snapshot!(out);
    }

    #[test]
    fn json_rendering_has_position() {
        let (d, map) = sample();
        let j = DiagJson::new(&d, &map, Lang::En);
        assert_eq!(j.line, Some(1));
        assert_eq!(j.column, Some(9));
        assert_eq!(j.code, "unknown-name");
        let line = render_json_line(&d, &map, Lang::Fr);
        assert!(line.contains("type inconnu"));
    }
}
