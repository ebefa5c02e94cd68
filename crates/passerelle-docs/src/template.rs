//! Reading templates from a pack folder.

use passerelle_diag::{Bi, Code, Diag, FileId, Lang, SourceMap, Span};
use serde::Deserialize;
use std::path::Path;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Front {
    document: String,
    lang: String,
    title: String,
    #[serde(default)]
    requires: Vec<String>,
    when: Option<String>,
}

/// One template: one document in one language.
#[derive(Clone, Debug)]
pub struct Template {
    /// Document id (`privacy-notice`).
    pub document: String,
    /// Language.
    pub lang: Lang,
    /// Title of the document in that language.
    pub title: String,
    /// Facts that must be answered before the document can be produced.
    pub requires: Vec<String>,
    /// A boolean fact or definition that must be true for the document to apply.
    pub when: Option<String>,
    /// The Markdown template (after the front matter).
    pub body: String,
    /// Offset of the body in the file.
    pub body_offset: usize,
    /// The file.
    pub file: FileId,
}

/// A pack's templates.
#[derive(Clone, Debug, Default)]
pub struct Templates {
    /// All of them.
    pub items: Vec<Template>,
}

impl Templates {
    /// The template of a document in a language.
    pub fn get(&self, document: &str, lang: Lang) -> Option<&Template> {
        self.items
            .iter()
            .find(|t| t.document == document && t.lang == lang)
    }

    /// Document ids, in first-seen order.
    pub fn documents(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for t in &self.items {
            if !out.contains(&t.document) {
                out.push(t.document.clone());
            }
        }
        out
    }
}

/// Parses one template file already in the source map.
pub fn parse_template(file: FileId, text: &str, diags: &mut Vec<Diag>) -> Option<Template> {
    let name_span = Span::new(file, 0, text.lines().next().map(str::len).unwrap_or(0));
    let Some(rest) = text
        .strip_prefix("+++\n")
        .or_else(|| text.strip_prefix("+++\r\n"))
    else {
        diags.push(
            Diag::error(
                Code::BadTemplate,
                Bi::new(
                    "a template starts with TOML front matter between `+++` lines",
                    "un modèle commence par un en-tête TOML entre des lignes « +++ »",
                ),
            )
            .at(name_span, Bi::new("no front matter", "aucun en-tête")),
        );
        return None;
    };
    let fm_start = text.len() - rest.len();
    let Some(end) = rest.find("\n+++") else {
        diags.push(
            Diag::error(
                Code::BadTemplate,
                Bi::new(
                    "the front matter is not closed",
                    "l'en-tête n'est pas fermé",
                ),
            )
            .at(name_span, Bi::new("opened here", "ouvert ici")),
        );
        return None;
    };
    let fm = &rest[..end];
    let after = &rest[end + 4..];
    let body = after.strip_prefix('\n').unwrap_or(after);
    let body_offset = text.len() - body.len();
    let front: Front = match toml::from_str(fm) {
        Ok(f) => f,
        Err(e) => {
            let span = e
                .span()
                .map(|r| Span::new(file, fm_start + r.start, fm_start + r.end))
                .unwrap_or(name_span);
            let msg = e.message().to_string();
            diags.push(
                Diag::error(
                    Code::BadTemplate,
                    Bi::new(
                        format!("invalid template front matter: {msg}"),
                        format!("en-tête de modèle invalide : {msg}"),
                    ),
                )
                .at(span, Bi::new("here", "ici")),
            );
            return None;
        }
    };
    let Some(lang) = Lang::parse(&front.lang) else {
        diags.push(
            Diag::error(
                Code::BadTemplate,
                Bi::new("`lang` is `en` or `fr`", "« lang » vaut « en » ou « fr »"),
            )
            .at(name_span, Bi::new("unknown language", "langue inconnue")),
        );
        return None;
    };
    Some(Template {
        document: front.document,
        lang,
        title: front.title,
        requires: front.requires,
        when: front.when,
        body: body.to_string(),
        body_offset,
        file,
    })
}

/// Reads `DIR/templates/*.md` into the source map. A pack without templates has none.
pub fn load_templates(dir: &Path, map: &mut SourceMap, diags: &mut Vec<Diag>) -> Templates {
    let mut out = Templates::default();
    let tdir = dir.join("templates");
    let Ok(entries) = std::fs::read_dir(&tdir) else {
        return out;
    };
    let mut paths: Vec<_> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    paths.sort();
    for p in paths {
        let name = p.display().to_string();
        match std::fs::read(&p).map(String::from_utf8) {
            Ok(Ok(text)) => {
                let id = map.add(name, text.clone());
                if let Some(t) = parse_template(id, &text, diags) {
                    out.items.push(t);
                }
            }
            _ => diags.push(Diag::error(
                Code::BadTemplate,
                Bi::new(
                    format!("cannot read {name} as UTF-8 text"),
                    format!("impossible de lire {name} comme texte UTF-8"),
                ),
            )),
        }
    }
    out
}
