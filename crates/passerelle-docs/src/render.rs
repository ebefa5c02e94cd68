//! Rendering a document: Markdown, HTML or PDF.

use crate::context::context;
use crate::template::Templates;
use passerelle::Pack;
use passerelle::verdict::Verdict;
use passerelle_check::model::{Answers, FactId, NameRef};
use passerelle_check::semantics::{Env, V};
use passerelle_diag::{Bi, Lang, french_spacing};
use pulldown_cmark::{Event, Options, Parser, html};

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// The filled Markdown.
    Markdown,
    /// A printable HTML page.
    Html,
    /// A tagged PDF.
    Pdf,
}

impl Format {
    /// Parses `md`, `html`, `pdf`.
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "md" | "markdown" => Some(Format::Markdown),
            "html" => Some(Format::Html),
            "pdf" => Some(Format::Pdf),
            _ => None,
        }
    }

    /// File extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Html => "html",
            Format::Pdf => "pdf",
        }
    }

    /// MIME type.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Markdown => "text/markdown; charset=utf-8",
            Format::Html => "text/html; charset=utf-8",
            Format::Pdf => "application/pdf",
        }
    }
}

/// Why a document was not produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DocError {
    /// The pack has no such document in that language.
    NoTemplate(String),
    /// The document does not apply to these answers (its `when` is not true).
    NotApplicable(String),
    /// These questions must be answered first.
    Missing(Vec<FactId>),
    /// The template failed (already checked templates should not).
    Template(String),
    /// Typst could not make the PDF.
    Pdf(String),
}

impl DocError {
    /// The reason, in both languages.
    pub fn message(&self, pack: &Pack) -> Bi {
        match self {
            DocError::NoTemplate(d) => Bi::new(
                format!("the pack has no document `{d}`"),
                format!("le paquet n'a pas de document « {d} »"),
            ),
            DocError::NotApplicable(d) => Bi::new(
                format!("the document `{d}` does not apply to these answers"),
                format!("le document « {d} » ne s'applique pas à ces réponses"),
            ),
            DocError::Missing(fs) => {
                let names: Vec<String> = fs
                    .iter()
                    .map(|f| pack.model.fact(*f).name.clone())
                    .collect();
                Bi::new(
                    format!("answer these questions first: {}", names.join(", ")),
                    format!("répondez d'abord à ces questions : {}", names.join(", ")),
                )
            }
            DocError::Template(e) => Bi::new(
                format!("the template failed: {e}"),
                format!("le modèle a échoué : {e}"),
            ),
            DocError::Pdf(e) => Bi::new(
                format!("the PDF could not be made: {e}"),
                format!("le PDF n'a pas pu être produit : {e}"),
            ),
        }
    }
}

/// A produced document.
#[derive(Clone, Debug)]
pub struct Rendered {
    /// The bytes.
    pub bytes: Vec<u8>,
    /// MIME type.
    pub content_type: &'static str,
    /// A file name for downloads.
    pub file_name: String,
    /// The document's title.
    pub title: String,
}

/// Renders a document for answers and their verdict.
#[allow(clippy::too_many_arguments, reason = "the inputs of a document")]
pub fn render(
    pack: &Pack,
    templates: &Templates,
    answers: &Answers,
    verdict: &Verdict,
    as_of: jiff::civil::Date,
    document: &str,
    lang: Lang,
    format: Format,
) -> Result<Rendered, DocError> {
    let Some(t) = templates.get(document, lang) else {
        return Err(DocError::NoTemplate(document.to_string()));
    };
    let m = &pack.model;
    if let Some(w) = &t.when {
        let holds = match m.names.get(w) {
            Some(NameRef::Fact(f)) => matches!(
                answers.get(*f),
                Some(passerelle_check::model::Value::Bool(true))
            ),
            Some(NameRef::Def(d)) => Env::new(m, answers, as_of).def(*d) == V::Bool(true),
            _ => false,
        };
        if !holds {
            return Err(DocError::NotApplicable(document.to_string()));
        }
    }
    let missing: Vec<FactId> = t
        .requires
        .iter()
        .filter_map(|r| match m.names.get(r) {
            Some(NameRef::Fact(f)) if answers.get(*f).is_none() => Some(*f),
            _ => None,
        })
        .collect();
    if !missing.is_empty() {
        return Err(DocError::Missing(missing));
    }
    let ctx = context(pack, answers, verdict, lang, document);
    let env = minijinja::Environment::new();
    let md = env
        .render_str(&t.body, minijinja::Value::from_serialize(&ctx))
        .map_err(|e| DocError::Template(e.to_string()))?;
    let md = tidy(&md);
    let md = if lang == Lang::Fr {
        french_spacing(&md)
    } else {
        md
    };
    let title = if lang == Lang::Fr {
        french_spacing(&t.title)
    } else {
        t.title.clone()
    };
    let file_name = format!("{document}-{}.{}", lang.code(), format.extension());
    let bytes = match format {
        Format::Markdown => md.into_bytes(),
        Format::Html => markdown_to_html(&title, &md, lang).into_bytes(),
        Format::Pdf => markdown_to_pdf(&title, &md, lang)?,
    };
    Ok(Rendered {
        bytes,
        content_type: format.content_type(),
        file_name,
        title,
    })
}

/// Whether this build makes PDF files (the `pdf` feature, with typst).
pub const PDF_SUPPORTED: bool = cfg!(feature = "pdf");

/// The PDF of a document already filled as Markdown (the bytes of [`render`] with
/// [`Format::Markdown`], and its title): the same file as [`render`] with [`Format::Pdf`].
/// Filling the template is cheap; this step (typst) is not, so a server can run it on
/// another thread, with a cap on how many run at once.
pub fn markdown_to_pdf(title: &str, md: &str, lang: Lang) -> Result<Vec<u8>, DocError> {
    #[cfg(feature = "pdf")]
    {
        crate::pdf::pdf(title, md, lang).map_err(DocError::Pdf)
    }
    #[cfg(not(feature = "pdf"))]
    {
        let _ = (title, md, lang);
        Err(DocError::Pdf("this build has no PDF support".to_string()))
    }
}

/// Removes the blank lines that template tags leave behind (at most one in a row).
fn tidy(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    let mut blank = 0;
    for line in md.lines() {
        let l = line.trim_end();
        if l.is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(l);
        out.push('\n');
    }
    out.trim_start_matches('\n').to_string()
}

/// The stylesheet of HTML documents: GC Design System colours and type scale, print-ready.
pub const DOC_CSS: &str = "body{font-family:'Noto Sans',sans-serif;color:#333;max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.5;font-size:1.125rem}h1,h2,h3{font-family:Lato,sans-serif;color:#333}h1{font-size:2.25rem;border-bottom:4px solid #af3c43;padding-bottom:.3rem}h2{font-size:1.6rem;margin-top:2rem}a{color:#284162}table{border-collapse:collapse}td,th{border:1px solid #767676;padding:.3rem .5rem}@media print{body{margin:0;max-width:none;font-size:11pt}a{color:#000}}";

/// The printable HTML page of a document already filled as Markdown (see
/// [`markdown_to_pdf`]): the same page as [`render`] with [`Format::Html`].
pub fn markdown_to_html(title: &str, md: &str, lang: Lang) -> String {
    let mut body = String::new();
    // Answers are typed by people: any HTML in them is shown as text, never interpreted.
    let events = Parser::new_ext(md, Options::ENABLE_TABLES).map(|e| match e {
        Event::Html(t) | Event::InlineHtml(t) => Event::Text(t),
        e => e,
    });
    html::push_html(&mut body, events);
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{DOC_CSS}</style>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n",
        lang.code(),
        esc(title)
    )
}
