//! Generated documents in the web service: the "Documents" section of the results page, the
//! page of one document (it asks the facts the document still needs), the files, and the
//! JSON API (`/api/v1/documents/{kind}`, `/api/v1/results/{id}/documents`).
//!
//! Addresses (one table, [`Route`]):
//! - `/en/results/{id}/documents/{kind}` ↔ `/fr/resultats/{id}/documents/{kind}`: the
//!   document's page. GET shows the questions still to answer (and the download links once
//!   the document is ready); POST `action=answer` saves a **new** result with the added
//!   answers (results never change) and redirects to it; POST `action=interview` continues
//!   the interview from this result (the results page's "edit" flow).
//! - `/en/results/{id}/documents/{kind}/{lang}.{ext}` (`ext`: `pdf`, `html`, `md`): the file
//!   in `lang`, whatever the interface language of the prefix. PDF and Markdown are
//!   attachments; HTML opens in the browser, ready to print.
//!
//! Where a missing fact is asked: `for_documents` facts, and interview questions that a
//! finished interview never asked, on the document's page (same fields and validation as
//! the interview); interview questions of an unfinished interview, by continuing the
//! interview, because their answers can change what applies.
//!
//! Filling a template is cheap (minijinja); making a PDF is not (typst). PDFs are made on
//! tokio's blocking pool, at most [`Docs::workers`] at a time (a semaphore), and kept in
//! memory: a result never changes and the packs and templates do not change while the
//! service runs, so a result's PDF is made once.

use crate::api::{Problem, json_response};
use crate::i18n::{Arg, Tr};
use crate::interview::{
    Form, Problem as FieldProblem, Shown, field_names, load_answers, read_fact, shown_from_form,
    walk,
};
use crate::route::{Route, encode};
use crate::views::{ErrorLink, FieldInput, Layout};
use crate::{App, is_id, new_id, now, status_response};
use askama::Template;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::Response;
use passerelle::{EvalOptions, Pack};
use passerelle_check::model::{Answers, FactId, Model};
use passerelle_diag::{Bi, Lang};
use passerelle_docs::{DocError, Format, PDF_SUPPORTED, Rendered, Templates};
use passerelle_store::{Interview, SavedResult};
use serde_json::{Map, Value as J, json};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, OnceLock};
use tokio::sync::Semaphore;

/// Both languages, in the order versions are listed.
const LANGS: [Lang; 2] = [Lang::En, Lang::Fr];

/// Most bytes of PDFs kept in memory.
const CACHE_BYTES: usize = 64 * 1024 * 1024;

// ---------------------------------------------------------------- the service's documents

/// The documents the packs define, and the PDF workers.
pub struct Docs {
    /// The templates of every pack of the stack (a higher pack's template of a document and
    /// language replaces a lower one's).
    pub templates: Templates,
    permits: Arc<Semaphore>,
    workers: usize,
    cache: Mutex<Cache>,
}

impl std::fmt::Debug for Docs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Docs")
            .field("documents", &self.templates.documents())
            .field("workers", &self.workers)
            .finish()
    }
}

#[derive(Default)]
struct Cache {
    map: HashMap<String, Bytes>,
    order: VecDeque<String>,
    bytes: usize,
}

impl Docs {
    /// Reads and checks the templates of every pack folder; an error in a template stops the
    /// service from starting, as an error in a pack does.
    pub fn load(pack: &Pack) -> Result<Docs, String> {
        let mut map = pack.map.clone();
        let mut diags = Vec::new();
        let mut templates = Templates::default();
        for dir in pack.dirs.iter().rev() {
            for t in passerelle_docs::load_templates(dir, &mut map, &mut diags).items {
                if templates.get(&t.document, t.lang).is_none() {
                    templates.items.push(t);
                }
            }
        }
        diags.extend(passerelle_docs::check_templates(
            &pack.model,
            &templates,
            &map,
        ));
        let errors: Vec<String> = diags
            .iter()
            .filter(|d| d.is_error())
            .take(20)
            .map(|d| {
                passerelle_diag::render_human(d, &map, Lang::En, passerelle_diag::Style::Plain)
            })
            .collect();
        if !errors.is_empty() {
            return Err(format!(
                "the document templates have errors:\n{}",
                errors.join("\n")
            ));
        }
        let workers = std::thread::available_parallelism()
            .map(|n| (n.get() / 2).max(1))
            .unwrap_or(1);
        Ok(Docs {
            templates,
            permits: Arc::new(Semaphore::new(workers)),
            workers,
            cache: Mutex::new(Cache::default()),
        })
    }

    /// How many PDFs are made at once: half the processors, at least one, so that the
    /// interview always has a processor.
    pub fn workers(&self) -> usize {
        self.workers
    }

    fn knows(&self, kind: &str) -> bool {
        self.templates.items.iter().any(|t| t.document == kind)
    }

    fn cached(&self, key: &str) -> Option<Bytes> {
        self.cache.lock().ok()?.map.get(key).cloned()
    }

    fn keep(&self, key: String, bytes: Bytes) {
        let Ok(mut c) = self.cache.lock() else {
            return;
        };
        if bytes.len() > CACHE_BYTES || c.map.contains_key(&key) {
            return;
        }
        while c.bytes + bytes.len() > CACHE_BYTES {
            let Some(old) = c.order.pop_front() else {
                break;
            };
            if let Some(b) = c.map.remove(&old) {
                c.bytes = c.bytes.saturating_sub(b.len());
            }
        }
        c.bytes += bytes.len();
        c.order.push_back(key.clone());
        c.map.insert(key, bytes);
    }

    /// The title of a document in a language (the template's).
    fn title(&self, kind: &str, lang: Lang) -> String {
        let t = self
            .templates
            .get(kind, lang)
            .map(|t| t.title.clone())
            .unwrap_or_else(|| passerelle_docs::document_title(kind, lang));
        match lang {
            Lang::En => t,
            Lang::Fr => passerelle_diag::french_spacing(&t),
        }
    }
}

/// Keeps the answers to `for_documents` facts when a result is saved from an interview:
/// they are never on the interview's path, and would otherwise be lost when a person
/// changes an answer of a result that has them.
pub fn with_document_answers(m: &Model, mut saved: J, from: &J) -> J {
    if let (J::Object(out), Some(from)) = (&mut saved, from.as_object()) {
        for f in m
            .facts
            .iter()
            .filter(|f| f.for_documents && f.group.is_none())
        {
            if let Some(v) = from.get(&f.name).filter(|v| !v.is_null())
                && !out.contains_key(&f.name)
            {
                out.insert(f.name.clone(), v.clone());
            }
        }
    }
    saved
}

// ---------------------------------------------------------------- a result's documents

/// One document for one result: the filled Markdown in each language, or why not.
struct DocState {
    kind: String,
    versions: Vec<(Lang, Result<Rendered, DocError>)>,
}

impl DocState {
    /// The document applies to the answers (its `when` holds) in at least one language.
    fn applies(&self) -> bool {
        self.versions
            .iter()
            .any(|(_, r)| !matches!(r, Err(DocError::NotApplicable(_) | DocError::NoTemplate(_))))
    }

    /// The facts missing in either language, English first, without repeats.
    fn missing(&self) -> Vec<FactId> {
        let mut out: Vec<FactId> = Vec::new();
        for (_, r) in &self.versions {
            if let Err(DocError::Missing(fs)) = r {
                for f in fs {
                    if !out.contains(f) {
                        out.push(*f);
                    }
                }
            }
        }
        out
    }
}

/// Fills the documents `kinds` in both languages.
fn fill(app: &App, answers: &Answers, as_of: jiff::civil::Date, kinds: &[String]) -> Vec<DocState> {
    let verdicts: Vec<(Lang, passerelle::Verdict)> = LANGS
        .iter()
        .map(|l| {
            (
                *l,
                passerelle::evaluate(
                    &app.pack,
                    answers,
                    as_of,
                    *l,
                    EvalOptions { explain: false },
                ),
            )
        })
        .collect();
    kinds
        .iter()
        .map(|k| DocState {
            kind: k.clone(),
            versions: verdicts
                .iter()
                .map(|(l, v)| {
                    (
                        *l,
                        passerelle_docs::render(
                            &app.pack,
                            &app.docs.templates,
                            answers,
                            v,
                            as_of,
                            k,
                            *l,
                            Format::Markdown,
                        ),
                    )
                })
                .collect(),
        })
        .collect()
}

/// Where a missing fact is answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ask {
    /// On the document's page.
    Here,
    /// By continuing the interview.
    Interview,
}

/// `for_documents` facts are asked on the document's page. So are interview questions when
/// the interview is finished: it will never ask them (nothing that applies depends on them).
/// While the interview is unfinished, its questions are answered there, because they can
/// change what applies; a question of a repeated group is always answered there.
fn where_asked(m: &Model, f: FactId, unfinished: bool) -> Ask {
    let fact = m.fact(f);
    if fact.group.is_some() || (!fact.for_documents && unfinished) {
        Ask::Interview
    } else {
        Ask::Here
    }
}

fn classify(
    app: &App,
    answers: &Answers,
    as_of: jiff::civil::Date,
    st: &DocState,
) -> Vec<(FactId, Ask)> {
    let m = &app.pack.model;
    let missing = st.missing();
    let needs_walk = missing.iter().any(|f| !m.fact(*f).for_documents);
    let unfinished = needs_walk && walk(&app.pack, answers, as_of).pending.is_some();
    missing
        .into_iter()
        .map(|f| (f, where_asked(m, f, unfinished)))
        .collect()
}

/// The date of a saved result.
fn result_date(r: &SavedResult) -> jiff::civil::Date {
    passerelle_check::answers::parse_date(&r.as_of).unwrap_or_else(passerelle::today)
}

// ---------------------------------------------------------------- making the files

/// Why a file was not made.
#[derive(Debug)]
enum FileError {
    /// This build has no PDF support.
    NoPdf,
    /// The renderer failed.
    Doc(DocError),
}

/// The PDF of a filled document, made on the blocking pool (at most [`Docs::workers`] at a
/// time) and kept in memory.
async fn pdf(
    app: &App,
    id: &str,
    kind: &str,
    lang: Lang,
    md: &Rendered,
) -> Result<Bytes, FileError> {
    if !PDF_SUPPORTED {
        return Err(FileError::NoPdf);
    }
    let key = format!("{id}/{kind}/{}", lang.code());
    if let Some(b) = app.docs.cached(&key) {
        return Ok(b);
    }
    let permit = app
        .docs
        .permits
        .clone()
        .acquire_owned()
        .await
        .map_err(|e| FileError::Doc(DocError::Pdf(e.to_string())))?;
    // Another request may have made it while this one waited.
    if let Some(b) = app.docs.cached(&key) {
        return Ok(b);
    }
    let title = md.title.clone();
    let text = String::from_utf8_lossy(&md.bytes).into_owned();
    let made = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        passerelle_docs::markdown_to_pdf(&title, &text, lang)
    })
    .await;
    match made {
        Ok(Ok(b)) => {
            let b = Bytes::from(b);
            app.docs.keep(key, b.clone());
            Ok(b)
        }
        Ok(Err(e)) => Err(FileError::Doc(e)),
        Err(e) => Err(FileError::Doc(DocError::Pdf(format!(
            "the PDF task failed: {e}"
        )))),
    }
}

/// A filled document in a format.
async fn produce(
    app: &App,
    id: &str,
    kind: &str,
    lang: Lang,
    format: Format,
    md: &Rendered,
) -> Result<Bytes, FileError> {
    match format {
        Format::Markdown => Ok(Bytes::from(md.bytes.clone())),
        Format::Html => Ok(Bytes::from(
            passerelle_docs::markdown_to_html(&md.title, &String::from_utf8_lossy(&md.bytes), lang)
                .into_bytes(),
        )),
        Format::Pdf => pdf(app, id, kind, lang, md).await,
    }
}

/// The formats offered, in the order of the links.
fn formats() -> Vec<Format> {
    let mut v = Vec::with_capacity(3);
    if PDF_SUPPORTED {
        v.push(Format::Pdf);
    }
    v.push(Format::Html);
    v.push(Format::Markdown);
    v
}

fn format_name(f: Format) -> &'static str {
    match f {
        Format::Pdf => "PDF",
        Format::Html => "HTML",
        Format::Markdown => "Markdown",
    }
}

/// A file name safe in a header: the document id's letters, digits, `-` and `_`.
fn file_name(kind: &str, lang: Lang, format: Format) -> String {
    let safe: String = kind
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{safe}-{}.{}", lang.code(), format.extension())
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let n = (b(0) << 16) | (b(1) << 8) | b(2);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The Content-Security-Policy of an HTML document: nothing runs, nothing loads, only its
/// own stylesheet (by hash) applies, and it is sandboxed.
pub fn document_csp() -> &'static str {
    static CSP: OnceLock<String> = OnceLock::new();
    CSP.get_or_init(|| {
        use sha2::{Digest, Sha256};
        let hash = base64(&Sha256::digest(passerelle_docs::DOC_CSS.as_bytes()));
        format!(
            "default-src 'none'; style-src 'sha256-{hash}'; img-src data:; base-uri 'none'; \
             form-action 'none'; frame-ancestors 'none'; sandbox"
        )
    })
}

/// The response carrying a file.
fn file_response(bytes: Bytes, kind: &str, lang: Lang, format: Format) -> Response {
    let mut r = Response::new(Body::from(bytes));
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    let how = if format == Format::Html {
        "inline"
    } else {
        "attachment"
    };
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{how}; filename=\"{}\"",
        file_name(kind, lang, format)
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(lang.code()),
    );
    h.insert(
        header::HeaderName::from_static("x-robots-tag"),
        HeaderValue::from_static("noindex, nofollow"),
    );
    if format == Format::Html
        && let Ok(v) = HeaderValue::from_str(document_csp())
    {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    r
}

// ---------------------------------------------------------------- views

/// The "Documents" section of the results page.
pub struct Section {
    /// The packs define documents (else the section is not shown).
    pub shown: bool,
    /// The documents that apply.
    pub docs: Vec<DocView>,
}

/// One document in the section, or on its own page.
pub struct DocView {
    /// Document id.
    pub kind: String,
    /// Anchor on the results page (`doc-privacy-notice`).
    pub anchor: String,
    /// Title in the page's language.
    pub title: String,
    /// English and French versions.
    pub versions: Vec<VersionView>,
    /// Questions to answer first.
    pub missing: Vec<MissingView>,
    /// The document's page.
    pub page_href: String,
}

impl DocView {
    /// At least one version can be downloaded.
    pub fn any_ready(&self) -> bool {
        self.versions.iter().any(|v| !v.files.is_empty())
    }
}

/// One language version.
pub struct VersionView {
    /// "English", "French" in the page's language.
    pub label: String,
    /// Download links (empty: not ready).
    pub files: Vec<FileLink>,
}

/// A download link, whose text is in the document's language.
pub struct FileLink {
    /// Address.
    pub href: String,
    /// `en` / `fr`: `lang` and `hreflang`.
    pub lang: &'static str,
    /// MIME type (`type`).
    pub mime: &'static str,
    /// The document's title (read by screen readers before the format).
    pub title: String,
    /// "PDF, 45 KB".
    pub text: String,
}

/// A question to answer before the document can be made.
pub struct MissingView {
    /// Where it is answered.
    pub href: String,
    /// The question, in the page's language.
    pub question: String,
    /// It is answered in the interview.
    pub interview: bool,
}

fn file_text(app: &App, lang: Lang, format: Format, size: usize) -> String {
    let kb = i64::try_from(size.div_ceil(1024).max(1)).unwrap_or(i64::MAX);
    app.cat.args(
        lang,
        "doc-file",
        &[
            ("format", Arg::Str(format_name(format))),
            ("size", Arg::Num(kb)),
        ],
    )
}

async fn doc_view(
    app: &App,
    lang: Lang,
    id: &str,
    st: &DocState,
    missing: &[(FactId, Ask)],
) -> DocView {
    let m = &app.pack.model;
    let t = Tr {
        cat: &app.cat,
        lang,
    };
    let page = Route::Document(id.to_string(), st.kind.clone()).path(lang);
    let mut versions = Vec::new();
    for (dl, res) in &st.versions {
        if matches!(
            res,
            Err(DocError::NotApplicable(_) | DocError::NoTemplate(_))
        ) {
            continue;
        }
        let mut files = Vec::new();
        if let Ok(md) = res {
            for format in formats() {
                match produce(app, id, &st.kind, *dl, format, md).await {
                    Ok(b) => files.push(FileLink {
                        href: Route::DocumentFile(id.to_string(), st.kind.clone(), *dl, format)
                            .path(lang),
                        lang: dl.code(),
                        mime: format.content_type(),
                        title: app.docs.title(&st.kind, *dl),
                        text: file_text(app, *dl, format, b.len()),
                    }),
                    Err(e) => eprintln!("passerelle: {} {}: {e:?}", st.kind, dl.code()),
                }
            }
        }
        versions.push(VersionView {
            label: t
                .s(match dl {
                    Lang::En => "doc-version-en",
                    Lang::Fr => "doc-version-fr",
                })
                .into_owned(),
            files,
        });
    }
    let missing = missing
        .iter()
        .map(|(f, ask)| {
            let name = &m.fact(*f).name;
            MissingView {
                href: match ask {
                    Ask::Here => format!("{page}#{}", encode(name)),
                    Ask::Interview => format!("{page}#interview-{}", encode(name)),
                },
                question: m.fact(*f).question.get(lang).to_string(),
                interview: *ask == Ask::Interview,
            }
        })
        .collect();
    DocView {
        kind: st.kind.clone(),
        anchor: format!("doc-{}", encode(&st.kind)),
        title: app.docs.title(&st.kind, lang),
        versions,
        missing,
        page_href: page,
    }
}

/// The "Documents" section of a result's page.
pub async fn section(
    app: &App,
    lang: Lang,
    id: &str,
    answers: &Answers,
    as_of: jiff::civil::Date,
) -> Section {
    let kinds = app.docs.templates.documents();
    if kinds.is_empty() {
        return Section {
            shown: false,
            docs: Vec::new(),
        };
    }
    let mut docs = Vec::new();
    for st in fill(app, answers, as_of, &kinds) {
        if !st.applies() {
            continue;
        }
        let missing = classify(app, answers, as_of, &st);
        docs.push(doc_view(app, lang, id, &st, &missing).await);
    }
    Section { shown: true, docs }
}

// ---------------------------------------------------------------- pages

fn html(status: StatusCode, lang: Lang, body: Result<String, askama::Error>) -> Response {
    match body {
        Ok(s) => {
            let mut r = status_response(status, "text/html; charset=utf-8", s.into_bytes());
            r.headers_mut().insert(
                header::CONTENT_LANGUAGE,
                HeaderValue::from_static(lang.code()),
            );
            r
        }
        Err(e) => status_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            "text/plain; charset=utf-8",
            format!("template error: {e}").into_bytes(),
        ),
    }
}

fn see_other(to: &str) -> Response {
    let mut r = Response::new(Body::empty());
    *r.status_mut() = StatusCode::SEE_OTHER;
    if let Ok(v) = HeaderValue::from_str(to) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

fn not_found(app: &App, lang: Lang, route: &Route) -> Response {
    crate::pages::error_page(
        app,
        lang,
        StatusCode::NOT_FOUND,
        route.path(lang.other()),
        None,
    )
}

fn server_error(app: &App, lang: Lang, what: &str) -> Response {
    eprintln!("passerelle: {what}");
    crate::pages::error_page(
        app,
        lang,
        StatusCode::INTERNAL_SERVER_ERROR,
        format!("/{}", lang.other().code()),
        None,
    )
}

enum Found {
    Result(Box<SavedResult>),
    Missing,
    Failed(String),
}

async fn load_result(app: &App, id: &str) -> Found {
    if !is_id(id) {
        return Found::Missing;
    }
    match app.store.result(id).await {
        Ok(Some(r)) => Found::Result(Box::new(r)),
        Ok(None) => Found::Missing,
        Err(e) => Found::Failed(e.to_string()),
    }
}

/// `/en/results/{id}/documents/{kind}/{lang}.{ext}`: a file. A document that still needs
/// answers redirects to its page, which asks them.
pub async fn file_get(
    app: &App,
    page: Lang,
    id: &str,
    kind: &str,
    lang: Lang,
    format: Format,
) -> Response {
    let route = Route::DocumentFile(id.to_string(), kind.to_string(), lang, format);
    let r = match load_result(app, id).await {
        Found::Result(r) => r,
        Found::Missing => return not_found(app, page, &route),
        Found::Failed(e) => return server_error(app, page, &e),
    };
    if !app.docs.knows(kind) || (format == Format::Pdf && !PDF_SUPPORTED) {
        return not_found(app, page, &route);
    }
    let (answers, _) = load_answers(&app.pack.model, &r.answers);
    let as_of = result_date(&r);
    let v = passerelle::evaluate(
        &app.pack,
        &answers,
        as_of,
        lang,
        EvalOptions { explain: false },
    );
    let md = match passerelle_docs::render(
        &app.pack,
        &app.docs.templates,
        &answers,
        &v,
        as_of,
        kind,
        lang,
        Format::Markdown,
    ) {
        Ok(md) => md,
        Err(DocError::Missing(_)) => {
            return see_other(&Route::Document(id.to_string(), kind.to_string()).path(page));
        }
        Err(DocError::NotApplicable(_) | DocError::NoTemplate(_)) => {
            return not_found(app, page, &route);
        }
        Err(e) => return server_error(app, page, &format!("{kind}: {e:?}")),
    };
    match produce(app, id, kind, lang, format, &md).await {
        Ok(b) => file_response(b, kind, lang, format),
        Err(FileError::NoPdf) => not_found(app, page, &route),
        Err(FileError::Doc(e)) => server_error(app, page, &format!("{kind}: {e:?}")),
    }
}

/// The document's page.
#[derive(Template)]
#[template(path = "document-page.html")]
pub struct DocumentPage<'a> {
    /// Frame.
    pub layout: Layout<'a>,
    /// Catalog.
    pub t: Tr<'a>,
    /// Back to the results.
    pub back: String,
    /// Error summary.
    pub errors: Vec<ErrorLink>,
    /// The document's title.
    pub title: String,
    /// Questions asked here.
    pub fields: Vec<FieldInput>,
    /// Form action.
    pub action: String,
    /// Questions answered in the interview: (fact, question).
    pub interview: Vec<(String, String)>,
    /// The document and its links.
    pub doc: DocView,
}

/// What the document's page needs.
struct Ctx {
    r: SavedResult,
    /// The stored answers that still fit the packs.
    json: J,
    state: DocState,
    missing: Vec<(FactId, Ask)>,
}

impl Ctx {
    fn here(&self) -> Vec<FactId> {
        self.missing
            .iter()
            .filter(|(_, a)| *a == Ask::Here)
            .map(|(f, _)| *f)
            .collect()
    }
}

async fn context(app: &App, lang: Lang, id: &str, kind: &str) -> Result<Ctx, Response> {
    let route = Route::Document(id.to_string(), kind.to_string());
    let r = match load_result(app, id).await {
        Found::Result(r) => *r,
        Found::Missing => return Err(not_found(app, lang, &route)),
        Found::Failed(e) => return Err(server_error(app, lang, &e)),
    };
    if !app.docs.knows(kind) {
        return Err(not_found(app, lang, &route));
    }
    let (answers, json) = load_answers(&app.pack.model, &r.answers);
    let as_of = result_date(&r);
    let Some(state) = fill(app, &answers, as_of, &[kind.to_string()]).pop() else {
        return Err(not_found(app, lang, &route));
    };
    if !state.applies() {
        return Err(not_found(app, lang, &route));
    }
    let missing = classify(app, &answers, as_of, &state);
    Ok(Ctx {
        r,
        json,
        state,
        missing,
    })
}

fn problem_text(t: &Tr<'_>, p: &FieldProblem) -> String {
    match p.message() {
        (id, Some(v)) => t.v(id, "value", v),
        (id, None) => t.s(id).into_owned(),
    }
}

async fn render_page(
    app: &App,
    lang: Lang,
    id: &str,
    ctx: &Ctx,
    errors: Vec<ErrorLink>,
    typed: Option<(&Form, &[(String, FieldProblem)])>,
    status: StatusCode,
) -> Response {
    let m = &app.pack.model;
    let t = Tr {
        cat: &app.cat,
        lang,
    };
    let kind = &ctx.state.kind;
    let route = Route::Document(id.to_string(), kind.clone());
    let fields = ctx
        .here()
        .into_iter()
        .map(|f| {
            let fact = m.fact(f);
            let (shown, err) = match typed {
                Some((form, problems)) => (
                    shown_from_form(fact, &fact.name, form),
                    problems
                        .iter()
                        .find(|(k, _)| *k == fact.name)
                        .map(|(_, p)| problem_text(&t, p)),
                ),
                None => (Shown::default(), None),
            };
            crate::pages::field_input(m, f, &fact.name, false, &shown, err, &t)
        })
        .collect();
    let interview = ctx
        .missing
        .iter()
        .filter(|(_, a)| *a == Ask::Interview)
        .map(|(f, _)| {
            (
                encode(&m.fact(*f).name),
                m.fact(*f).question.get(lang).to_string(),
            )
        })
        .collect();
    let doc = doc_view(app, lang, id, &ctx.state, &ctx.missing).await;
    let title = doc.title.clone();
    let page = DocumentPage {
        layout: crate::pages::layout(app, lang, title.clone(), &route, !errors.is_empty()),
        t,
        back: format!(
            "{}#{}",
            Route::Results(id.to_string()).path(lang),
            doc.anchor
        ),
        errors,
        title,
        fields,
        action: route.path(lang),
        interview,
        doc,
    };
    html(status, lang, page.render())
}

/// GET `/en/results/{id}/documents/{kind}`.
pub async fn page_get(app: &App, lang: Lang, id: &str, kind: &str) -> Response {
    match context(app, lang, id, kind).await {
        Ok(ctx) => render_page(app, lang, id, &ctx, Vec::new(), None, StatusCode::OK).await,
        Err(r) => r,
    }
}

/// POST `/en/results/{id}/documents/{kind}`: `action=answer` with the missing facts, or
/// `action=interview`.
pub async fn page_post(app: &App, lang: Lang, id: &str, kind: &str, form: &Form) -> Response {
    let ctx = match context(app, lang, id, kind).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let t = Tr {
        cat: &app.cat,
        lang,
    };
    let bad_form = || {
        vec![ErrorLink {
            href: String::new(),
            text: t.s("err-bad-form").into_owned(),
        }]
    };
    match form.get("action") {
        Some("answer") => answer(app, lang, id, &ctx, form).await,
        Some("interview") if form.unknown(&["action".to_string()]).is_none() => {
            continue_interview(app, lang, &ctx).await
        }
        _ => {
            render_page(
                app,
                lang,
                id,
                &ctx,
                bad_form(),
                None,
                StatusCode::BAD_REQUEST,
            )
            .await
        }
    }
}

async fn answer(app: &App, lang: Lang, id: &str, ctx: &Ctx, form: &Form) -> Response {
    let m = &app.pack.model;
    let t = Tr {
        cat: &app.cat,
        lang,
    };
    let here = ctx.here();
    let back = format!(
        "{}#doc-{}",
        Route::Results(id.to_string()).path(lang),
        encode(&ctx.state.kind)
    );
    if here.is_empty() {
        // Nothing left to ask here (a form sent twice): back to the results.
        return see_other(&back);
    }
    let mut allowed = vec!["action".to_string()];
    for f in &here {
        allowed.extend(field_names(m.fact(*f), &m.fact(*f).name));
    }
    let bad = vec![ErrorLink {
        href: String::new(),
        text: t.s("err-bad-form").into_owned(),
    }];
    if form.unknown(&allowed).is_some() {
        return render_page(app, lang, id, ctx, bad, None, StatusCode::BAD_REQUEST).await;
    }
    let mut obj: Map<String, J> = ctx.json.as_object().cloned().unwrap_or_default();
    let mut problems: Vec<(String, FieldProblem)> = Vec::new();
    for f in &here {
        let name = &m.fact(*f).name;
        match read_fact(m, *f, name, form, lang) {
            Ok(v) => {
                obj.insert(name.clone(), v);
            }
            Err(p) => problems.push((name.clone(), p)),
        }
    }
    if !problems.is_empty() {
        let errors = problems
            .iter()
            .map(|(name, p)| ErrorLink {
                href: format!("#{}", encode(name)),
                text: problem_text(&t, p),
            })
            .collect();
        return render_page(
            app,
            lang,
            id,
            ctx,
            errors,
            Some((form, &problems)),
            StatusCode::BAD_REQUEST,
        )
        .await;
    }
    let answers = J::Object(obj);
    if passerelle_check::answers::from_json(m, &answers).is_err() {
        return render_page(app, lang, id, ctx, bad, None, StatusCode::BAD_REQUEST).await;
    }
    let nid = match new_id() {
        Ok(x) => x,
        Err(e) => return server_error(app, lang, &e),
    };
    let saved = SavedResult {
        id: nid.clone(),
        answers,
        journey: ctx.r.journey.clone(),
        as_of: ctx.r.as_of.clone(),
        packs: app.stamps.clone(),
        created_at: now(),
    };
    if let Err(e) = app.store.create_result(&saved).await {
        return server_error(app, lang, &e.to_string());
    }
    see_other(&format!(
        "{}#doc-{}",
        Route::Results(nid).path(lang),
        encode(&ctx.state.kind)
    ))
}

/// The results page's "edit" flow: a new interview with this result's answers, at its
/// next question.
async fn continue_interview(app: &App, lang: Lang, ctx: &Ctx) -> Response {
    let nid = match new_id() {
        Ok(x) => x,
        Err(e) => return server_error(app, lang, &e),
    };
    let ts = now();
    let iv = Interview {
        id: nid.clone(),
        answers: ctx.json.clone(),
        drafts: J::Object(Map::new()),
        journey: ctx.r.journey.clone(),
        as_of: None,
        packs: app.stamps.clone(),
        created_at: ts.clone(),
        updated_at: ts,
    };
    if let Err(e) = app.store.create_interview(&iv).await {
        return server_error(app, lang, &e.to_string());
    }
    see_other(&Route::Interview(nid).path(lang))
}

// ---------------------------------------------------------------- API

fn problem_response(
    status: StatusCode,
    title: Bi,
    errors: Vec<Problem>,
    extra: Option<(&str, J)>,
) -> Response {
    let mut body = json!({ "status": status.as_u16(), "title": title, "errors": errors });
    if let (Some((k, v)), J::Object(o)) = (extra, &mut body) {
        o.insert(k.to_string(), v);
    }
    json_response(status, &body)
}

fn param(name: &str, expected: &str, message: Bi) -> Problem {
    Problem {
        pointer: None,
        parameter: Some(name.to_string()),
        expected: expected.to_string(),
        message,
    }
}

fn api_not_found(what: Bi) -> Response {
    problem_response(StatusCode::NOT_FOUND, what, Vec::new(), None)
}

fn api_failed(what: &str) -> Response {
    eprintln!("passerelle: {what}");
    problem_response(
        StatusCode::INTERNAL_SERVER_ERROR,
        Bi::new(
            "the document could not be made",
            "le document n'a pas pu être produit",
        ),
        Vec::new(),
        None,
    )
}

async fn api_result(app: &App, id: &str) -> Result<SavedResult, Response> {
    let unknown = || {
        api_not_found(Bi::new(
            format!("no result `{id}`"),
            format!("aucun résultat « {id} »"),
        ))
    };
    match load_result(app, id).await {
        Found::Result(r) => Ok(*r),
        Found::Missing => Err(unknown()),
        Found::Failed(e) => {
            eprintln!("passerelle: {e}");
            Err(problem_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                Bi::new("the database failed", "la base de données a échoué"),
                Vec::new(),
                None,
            ))
        }
    }
}

/// One missing fact, for the API.
fn missing_json(app: &App, id: &str, kind: &str, f: FactId, ask: Ask) -> J {
    let fact = app.pack.model.fact(f);
    let href = |l: Lang| {
        let page = Route::Document(id.to_string(), kind.to_string()).path(l);
        match ask {
            Ask::Here => format!("{page}#{}", encode(&fact.name)),
            Ask::Interview => format!("{page}#interview-{}", encode(&fact.name)),
        }
    };
    json!({
        "fact": fact.name,
        "question_en": fact.question.en,
        "question_fr": fact.question.fr,
        "asked": match ask { Ask::Here => "documents", Ask::Interview => "interview" },
        "href_en": href(Lang::En),
        "href_fr": href(Lang::Fr),
    })
}

/// `GET /api/v1/documents/{kind}?result={id}&lang=en|fr&format=pdf|html|md`.
pub async fn api_document(
    State(app): State<Arc<App>>,
    Path(kind): Path<String>,
    uri: Uri,
) -> Response {
    let mut result: Option<String> = None;
    let mut lang = Lang::En;
    let mut format = Format::Pdf;
    let mut errs = Vec::new();
    for (k, v) in form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()) {
        match k.as_ref() {
            "result" => result = Some(v.into_owned()),
            "lang" => match v.as_ref() {
                "en" => lang = Lang::En,
                "fr" => lang = Lang::Fr,
                _ => errs.push(param(
                    "lang",
                    "en or fr",
                    Bi::new(
                        format!("`{v}` is not a language: use en or fr"),
                        format!("« {v} » n'est pas une langue : utilisez en ou fr"),
                    ),
                )),
            },
            "format" => match Format::parse(&v) {
                Some(f) => format = f,
                None => errs.push(param(
                    "format",
                    "pdf, html or md",
                    Bi::new(
                        format!("`{v}` is not a format: use pdf, html or md"),
                        format!("« {v} » n'est pas un format : utilisez pdf, html ou md"),
                    ),
                )),
            },
            other => errs.push(param(
                other,
                "result, lang or format",
                Bi::new(
                    format!("unknown parameter `{other}`"),
                    format!("paramètre inconnu « {other} »"),
                ),
            )),
        }
    }
    if result.is_none() {
        errs.push(param(
            "result",
            "a result id",
            Bi::new(
                "`result` is required: the id of a saved result",
                "« result » est obligatoire : l'identifiant d'un résultat enregistré",
            ),
        ));
    }
    let Some(id) = result.filter(|_| errs.is_empty()) else {
        return problem_response(
            StatusCode::BAD_REQUEST,
            Bi::new(
                "invalid query parameters",
                "paramètres de requête invalides",
            ),
            errs,
            None,
        );
    };
    let r = match api_result(&app, &id).await {
        Ok(r) => r,
        Err(res) => return res,
    };
    if !app.docs.knows(&kind) {
        return api_not_found(Bi::new(
            format!("no document `{kind}`"),
            format!("aucun document « {kind} »"),
        ));
    }
    if format == Format::Pdf && !PDF_SUPPORTED {
        return problem_response(
            StatusCode::NOT_IMPLEMENTED,
            Bi::new(
                "this server was built without PDF support: ask for html or md",
                "ce serveur a été compilé sans PDF : demandez html ou md",
            ),
            Vec::new(),
            None,
        );
    }
    let m = &app.pack.model;
    let (answers, _) = load_answers(m, &r.answers);
    let as_of = result_date(&r);
    let Some(st) = fill(&app, &answers, as_of, std::slice::from_ref(&kind)).pop() else {
        return api_failed("no document state");
    };
    let res = st
        .versions
        .into_iter()
        .find(|(l, _)| *l == lang)
        .map(|(_, r)| r);
    match res {
        Some(Ok(md)) => match produce(&app, &id, &kind, lang, format, &md).await {
            Ok(b) => file_response(b, &kind, lang, format),
            Err(e) => api_failed(&format!("{kind}: {e:?}")),
        },
        Some(Err(DocError::Missing(fs))) => {
            let st = DocState {
                kind: kind.clone(),
                versions: vec![(lang, Err(DocError::Missing(fs)))],
            };
            let missing = classify(&app, &answers, as_of, &st);
            let errors = missing
                .iter()
                .map(|(f, _)| {
                    let fact = m.fact(*f);
                    Problem {
                        pointer: Some(format!(
                            "/{}",
                            fact.name.replace('~', "~0").replace('/', "~1")
                        )),
                        parameter: None,
                        expected: fact.ty.word().to_string(),
                        message: Bi::new(
                            format!("answer “{}”", fact.question.en),
                            format!("répondez à « {} »", fact.question.fr),
                        ),
                    }
                })
                .collect();
            let list: Vec<J> = missing
                .iter()
                .map(|(f, ask)| missing_json(&app, &id, &kind, *f, *ask))
                .collect();
            problem_response(
                StatusCode::UNPROCESSABLE_ENTITY,
                Bi::new(
                    "the document needs more answers",
                    "le document a besoin de plus de réponses",
                ),
                errors,
                Some(("missing", J::Array(list))),
            )
        }
        Some(Err(DocError::NotApplicable(_))) => problem_response(
            StatusCode::UNPROCESSABLE_ENTITY,
            Bi::new(
                format!("the document `{kind}` does not apply to these answers"),
                format!("le document « {kind} » ne s'applique pas à ces réponses"),
            ),
            Vec::new(),
            Some(("missing", J::Array(Vec::new()))),
        ),
        Some(Err(DocError::NoTemplate(_))) | None => api_not_found(Bi::new(
            format!("no document `{kind}` in this language"),
            format!("aucun document « {kind} » dans cette langue"),
        )),
        Some(Err(e)) => api_failed(&format!("{kind}: {e:?}")),
    }
}

/// `GET /api/v1/results/{id}/documents`: the documents that apply to a result, whether each
/// version is ready, the questions still to answer and the file addresses.
pub async fn api_documents(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    uri: Uri,
) -> Response {
    let errs: Vec<Problem> = form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
        .map(|(k, _)| {
            param(
                &k,
                "no parameter",
                Bi::new(
                    format!("unknown parameter `{k}`"),
                    format!("paramètre inconnu « {k} »"),
                ),
            )
        })
        .collect();
    if !errs.is_empty() {
        return problem_response(
            StatusCode::BAD_REQUEST,
            Bi::new(
                "invalid query parameters",
                "paramètres de requête invalides",
            ),
            errs,
            None,
        );
    }
    let r = match api_result(&app, &id).await {
        Ok(r) => r,
        Err(res) => return res,
    };
    let (answers, _) = load_answers(&app.pack.model, &r.answers);
    let as_of = result_date(&r);
    let kinds = app.docs.templates.documents();
    let mut list = Vec::new();
    for st in fill(&app, &answers, as_of, &kinds) {
        if !st.applies() {
            continue;
        }
        let missing = classify(&app, &answers, as_of, &st);
        let mut versions = Map::new();
        for (l, res) in &st.versions {
            if matches!(
                res,
                Err(DocError::NotApplicable(_) | DocError::NoTemplate(_))
            ) {
                continue;
            }
            let files: Map<String, J> = formats()
                .into_iter()
                .map(|f| {
                    (
                        f.extension().to_string(),
                        J::String(format!(
                            "/api/v1/documents/{}?result={id}&lang={}&format={}",
                            encode(&st.kind),
                            l.code(),
                            f.extension()
                        )),
                    )
                })
                .collect();
            let files = if res.is_ok() {
                J::Object(files)
            } else {
                J::Null
            };
            versions.insert(
                l.code().to_string(),
                json!({ "ready": res.is_ok(), "files": files }),
            );
        }
        let missing: Vec<J> = missing
            .iter()
            .map(|(f, a)| missing_json(&app, &id, &st.kind, *f, *a))
            .collect();
        let page = |l: Lang| Route::Document(id.clone(), st.kind.clone()).path(l);
        list.push(json!({
            "kind": st.kind,
            "title": {
                "en": app.docs.title(&st.kind, Lang::En),
                "fr": app.docs.title(&st.kind, Lang::Fr),
            },
            "versions": versions,
            "missing": missing,
            "page": { "en": page(Lang::En), "fr": page(Lang::Fr) },
        }));
    }
    json_response(
        StatusCode::OK,
        &json!({ "result": id, "pdf": PDF_SUPPORTED, "documents": list }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn file_names_are_safe_in_a_header() {
        assert_eq!(
            file_name("privacy-notice", Lang::Fr, Format::Pdf),
            "privacy-notice-fr.pdf"
        );
        assert_eq!(
            file_name("a\"b/é", Lang::En, Format::Markdown),
            "a_b__-en.md"
        );
    }
}
