//! The HTML pages: one dispatcher parses the address ([`Route`]) and the method.

use crate::explain::because_html;
use crate::i18n::{Arg, Tr};
use crate::interview::{
    self, Form, NONE, Problem, Walk, field_names, load_answers, read_fact, shown_from_form,
    shown_from_json, target_by_name, target_name, walk,
};
use crate::route::Route;
use crate::views::*;
use crate::{App, BodyError, is_id, new_id, now, read_body, status_response};
use askama::Template;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use passerelle::EvalOptions;
use passerelle::describe::{describe, value_label};
use passerelle_check::answers::{from_json, to_json};
use passerelle_check::model::{
    Answers, Citation, ContactId, Domain, FactId, FactType, GroupId, InstrumentKind, Model, Period,
    RuleKind, Status as VStatus,
};
use passerelle_diag::Lang;
use passerelle_eval::next::{Next, Target};
use passerelle_store::{Interview, SavedResult};
use serde_json::{Map, Value as J};
use std::sync::Arc;

// ---------------------------------------------------------------- responses

pub(crate) fn html(
    status: StatusCode,
    lang: Option<Lang>,
    body: Result<String, askama::Error>,
) -> Response {
    match body {
        Ok(s) => {
            let mut r = status_response(status, "text/html; charset=utf-8", s.into_bytes());
            if let Some(l) = lang {
                r.headers_mut()
                    .insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(l.code()));
            }
            r
        }
        Err(e) => status_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            "text/plain; charset=utf-8",
            format!("template error: {e}").into_bytes(),
        ),
    }
}

pub(crate) fn see_other(to: &str) -> Response {
    let mut r = Response::new(Body::empty());
    *r.status_mut() = StatusCode::SEE_OTHER;
    if let Ok(v) = HeaderValue::from_str(to) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

fn public(mut r: Response) -> Response {
    r.headers_mut()
        // Private: every page carries the visitor's CSRF token (and their name when signed in).
        .insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-cache"),
        );
    r
}

pub(crate) fn tr(app: &App, lang: Lang) -> Tr<'_> {
    Tr {
        cat: &app.cat,
        lang,
    }
}

pub(crate) fn layout<'a>(
    app: &'a App,
    lang: Lang,
    title: String,
    here: &Route,
    has_error: bool,
) -> Layout<'a> {
    layout_alt(
        app,
        lang,
        title,
        here.path(lang.other()),
        here.private(),
        has_error,
    )
}

pub(crate) fn layout_alt<'a>(
    app: &'a App,
    lang: Lang,
    title: String,
    alt_href: String,
    private: bool,
    has_error: bool,
) -> Layout<'a> {
    let t = tr(app, lang);
    // In this order (a JSON object from serde_json would sort its keys).
    let footer_links = format!(
        "{{{}:{},{}:{},{}:{}}}",
        J::String(t.s("nav-rules").into_owned()),
        J::String(Route::Rules.path(lang)),
        J::String(t.s("nav-myths").into_owned()),
        J::String(Route::Myths.path(lang)),
        J::String(t.s("nav-instruments").into_owned()),
        J::String(Route::Instruments.path(lang)),
    );
    Layout {
        t,
        title,
        alt_href,
        other_code: lang.other().code(),
        robots: private.then_some("noindex, nofollow"),
        version: crate::VERSION,
        has_error,
        footer_links,
        rules_href: Route::Rules.path(lang),
        myths_href: Route::Myths.path(lang),
        instruments_href: Route::Instruments.path(lang),
        account: crate::auth::nav(lang),
    }
}

/// An error page in the person's language.
pub(crate) fn error_page(
    app: &App,
    lang: Lang,
    status: StatusCode,
    alt_href: String,
    back: Option<(String, String)>,
) -> Response {
    let t = tr(app, lang);
    let (title, msg) = match status {
        StatusCode::NOT_FOUND => ("error-404-title", "error-404-text"),
        StatusCode::PAYLOAD_TOO_LARGE => ("error-413-title", "error-413-text"),
        StatusCode::METHOD_NOT_ALLOWED => ("error-405-title", "error-405-text"),
        StatusCode::BAD_REQUEST => ("error-400-title", "error-400-text"),
        _ => ("error-500-title", "error-500-text"),
    };
    let page = ErrorPage {
        layout: layout_alt(app, lang, t.s(title).into_owned(), alt_href, true, true),
        t,
        heading: t.s(title).into_owned(),
        message: t.s(msg).into_owned(),
        errors: Vec::new(),
        back,
    };
    let mut r = html(status, Some(lang), page.render());
    if status == StatusCode::METHOD_NOT_ALLOWED {
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD, POST"));
    }
    r
}

pub(crate) fn not_found(app: &App, lang: Lang, alt: String) -> Response {
    error_page(app, lang, StatusCode::NOT_FOUND, alt, None)
}

pub(crate) fn server_error(app: &App, lang: Lang, what: &str) -> Response {
    eprintln!("passerelle: {what}");
    error_page(
        app,
        lang,
        StatusCode::INTERNAL_SERVER_ERROR,
        format!("/{}", lang.other().code()),
        None,
    )
}

// ---------------------------------------------------------------- dispatch

/// `/`: the bilingual splash page.
pub async fn splash(State(app): State<Arc<App>>) -> Response {
    let en = tr(&app, Lang::En);
    let fr = tr(&app, Lang::Fr);
    let page = SplashPage {
        en_tagline: en.s("app-tagline").into_owned(),
        fr_tagline: fr.s("app-tagline").into_owned(),
        en_terms: en.s("terms-url").into_owned(),
        fr_terms: fr.s("terms-url").into_owned(),
        version: crate::VERSION,
    };
    public(html(StatusCode::OK, None, page.render()))
}

/// Every HTML page under `/en` and `/fr`, and the 404 page elsewhere.
pub async fn dispatch(State(app): State<Arc<App>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_string();
    let query = parts.uri.query().unwrap_or("").to_string();
    let (lang, route) = Route::parse(&path);
    if path.starts_with("/api/") {
        return crate::api::not_found();
    }
    let Some(lang) = lang else {
        return not_found(&app, Lang::En, "/fr".to_string());
    };
    let Some(route) = route else {
        return not_found(&app, lang, Route::Start.path(lang.other()));
    };
    match parts.method {
        Method::GET | Method::HEAD => get(&app, lang, route, &query).await,
        Method::POST => {
            let body = match read_body(&parts.headers, body).await {
                Ok(b) => b,
                Err(BodyError::TooLarge) => {
                    let back = (
                        route.path(lang),
                        tr(&app, lang).s("error-go-back").into_owned(),
                    );
                    return error_page(
                        &app,
                        lang,
                        StatusCode::PAYLOAD_TOO_LARGE,
                        route.path(lang.other()),
                        Some(back),
                    );
                }
                Err(BodyError::Broken) => {
                    return error_page(
                        &app,
                        lang,
                        StatusCode::BAD_REQUEST,
                        route.path(lang.other()),
                        None,
                    );
                }
            };
            let form_type = parts
                .headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| {
                    v.split(';').next().is_some_and(|m| {
                        m.trim()
                            .eq_ignore_ascii_case("application/x-www-form-urlencoded")
                    })
                });
            if !form_type {
                let back = (
                    route.path(lang),
                    tr(&app, lang).s("error-go-back").into_owned(),
                );
                return error_page(
                    &app,
                    lang,
                    StatusCode::BAD_REQUEST,
                    route.path(lang.other()),
                    Some(back),
                );
            }
            // Every form carries its CSRF token (crate::auth); the handlers never see it.
            match crate::auth::check_form(Form::parse(&body)) {
                Ok(form) => post(&app, lang, route, &form).await,
                Err(form) => crate::cases::csrf_refused(&app, lang, &route, &form).await,
            }
        }
        _ => error_page(
            &app,
            lang,
            StatusCode::METHOD_NOT_ALLOWED,
            route.path(lang.other()),
            None,
        ),
    }
}

async fn get(app: &App, lang: Lang, route: Route, query: &str) -> Response {
    match &route {
        Route::Start => public(start_page(app, lang)),
        Route::NewInterview => see_other(&Route::Start.path(lang)),
        Route::Interview(id) => match load(app, id).await {
            Loaded::Found(iv) => {
                let (answers, _) = load_answers(&app.pack.model, &iv.answers);
                let w = walk(&app.pack, &answers, as_of(&iv));
                see_other(&current_step(app, lang, id, &w, false))
            }
            Loaded::Missing => interview_not_found(app, lang, &route),
            Loaded::Failed(e) => server_error(app, lang, &e),
        },
        Route::Question(id, fact) => {
            let change = query.split('&').any(|p| p == "change=1");
            question_get(app, lang, id, fact, change).await
        }
        Route::CheckAnswers(id) => check_get(app, lang, id).await,
        Route::Results(id) => results_get(app, lang, id).await,
        Route::Document(id, kind) => crate::documents::page_get(app, lang, id, kind).await,
        Route::DocumentFile(id, kind, dl, f) => {
            crate::documents::file_get(app, lang, id, kind, *dl, *f).await
        }
        Route::Rules => public(rules_page(app, lang)),
        Route::Rule(id) => public(rule_page(app, lang, id)),
        Route::Myths => public(myths_page(app, lang)),
        Route::Myth(id) => public(myth_page(app, lang, id)),
        Route::Instruments => public(instruments_page(app, lang)),
        Route::Instrument(id) => public(instrument_page(app, lang, id)),
        Route::CaseLog(p) => crate::cases::get(app, lang, p, query).await,
    }
}

async fn post(app: &App, lang: Lang, route: Route, form: &Form) -> Response {
    match &route {
        Route::NewInterview => new_interview(app, lang, form).await,
        Route::Question(id, fact) => question_post(app, lang, id, fact, form).await,
        Route::CheckAnswers(id) => check_post(app, lang, id).await,
        Route::Results(id) => results_post(app, lang, id, form).await,
        Route::Document(id, kind) => crate::documents::page_post(app, lang, id, kind, form).await,
        Route::CaseLog(p) => crate::cases::post(app, lang, p, form).await,
        _ => error_page(
            app,
            lang,
            StatusCode::METHOD_NOT_ALLOWED,
            route.path(lang.other()),
            None,
        ),
    }
}

// ---------------------------------------------------------------- interview state

enum Loaded<T> {
    Found(T),
    Missing,
    Failed(String),
}

async fn load(app: &App, id: &str) -> Loaded<Interview> {
    if !is_id(id) {
        return Loaded::Missing;
    }
    match app.store.interview(id).await {
        Ok(Some(i)) => Loaded::Found(i),
        Ok(None) => Loaded::Missing,
        Err(e) => Loaded::Failed(e.to_string()),
    }
}

fn as_of(iv: &Interview) -> jiff::civil::Date {
    iv.as_of
        .as_deref()
        .and_then(passerelle_check::answers::parse_date)
        .unwrap_or_else(passerelle::today)
}

fn interview_not_found(app: &App, lang: Lang, route: &Route) -> Response {
    let t = tr(app, lang);
    let page = ErrorPage {
        layout: layout(
            app,
            lang,
            t.s("error-interview-title").into_owned(),
            route,
            true,
        ),
        t,
        heading: t.s("error-interview-title").into_owned(),
        message: t.s("error-interview-text").into_owned(),
        errors: Vec::new(),
        back: Some((
            Route::Start.path(lang),
            t.s("error-start-again").into_owned(),
        )),
    };
    html(StatusCode::NOT_FOUND, Some(lang), page.render())
}

/// Where the person is: the next unanswered question, else "check your answers".
fn current_step(app: &App, lang: Lang, id: &str, w: &Walk, change: bool) -> String {
    match &w.pending {
        Some(n) => {
            let p = Route::Question(
                id.to_string(),
                target_name(&app.pack.model, n.target).to_string(),
            )
            .path(lang);
            if change { format!("{p}?change=1") } else { p }
        }
        None => Route::CheckAnswers(id.to_string()).path(lang),
    }
}

async fn new_interview(app: &App, lang: Lang, form: &Form) -> Response {
    let m = &app.pack.model;
    if let Some(bad) = form.unknown(&["journey".to_string()]) {
        let _ = bad;
        return error_page(
            app,
            lang,
            StatusCode::BAD_REQUEST,
            Route::Start.path(lang.other()),
            None,
        );
    }
    let jid = form.get("journey").unwrap_or("");
    let (journey, answers) = if jid.is_empty() {
        (None, J::Object(Map::new()))
    } else {
        match m.journeys.iter().find(|j| j.id == jid) {
            Some(j) => (Some(j.id.clone()), to_json(m, &j.preset)),
            None => {
                return error_page(
                    app,
                    lang,
                    StatusCode::BAD_REQUEST,
                    Route::Start.path(lang.other()),
                    Some((
                        Route::Start.path(lang),
                        tr(app, lang).s("error-start-again").into_owned(),
                    )),
                );
            }
        }
    };
    let id = match new_id() {
        Ok(id) => id,
        Err(e) => return server_error(app, lang, &e),
    };
    let ts = now();
    let iv = Interview {
        id: id.clone(),
        answers,
        drafts: J::Object(Map::new()),
        journey,
        as_of: None,
        packs: app.stamps.clone(),
        created_at: ts.clone(),
        updated_at: ts,
    };
    if let Err(e) = app.store.create_interview(&iv).await {
        return server_error(app, lang, &e.to_string());
    }
    see_other(&Route::Interview(id).path(lang))
}

// ---------------------------------------------------------------- questions

/// What an answer settles: rules, then myths.
fn settles_text(m: &Model, n: &Next, lang: Lang) -> (Vec<String>, Vec<String>) {
    let mut rules: Vec<String> = n
        .settles_rules
        .iter()
        .map(|r| m.rule(*r).text.get(lang).to_string())
        .collect();
    rules.dedup();
    let myths = n
        .settles_myths
        .iter()
        .filter_map(|x| m.myths.get(x.idx()))
        .map(|x| x.claim.get(lang).to_string())
        .collect();
    (rules, myths)
}

/// The field of a fact, showing `shown`.
pub(crate) fn field_input(
    m: &Model,
    fid: FactId,
    id: &str,
    heading: bool,
    shown: &interview::Shown,
    error: Option<String>,
    t: &Tr<'_>,
) -> FieldInput {
    let f = m.fact(fid);
    let lang = t.lang;
    let kind = f.ty.word();
    let mut choices = Vec::new();
    match f.ty {
        FactType::Bool => {
            for (i, (v, label)) in [("true", "yes"), ("false", "no")].iter().enumerate() {
                choices.push(Choice {
                    id: if i == 0 {
                        id.to_string()
                    } else {
                        format!("{id}-{v}")
                    },
                    value: (*v).to_string(),
                    label: t.s(label).into_owned(),
                    checked: shown.value == *v,
                });
            }
        }
        FactType::Enum | FactType::Set => {
            for (i, o) in f.options.iter().enumerate() {
                let checked = if f.ty == FactType::Set {
                    shown.ticked.contains(&o.name)
                } else {
                    shown.value == o.name
                };
                choices.push(Choice {
                    id: if i == 0 {
                        id.to_string()
                    } else {
                        format!("{id}-{}", o.name)
                    },
                    value: o.name.clone(),
                    label: o.label.get(lang).to_string(),
                    checked,
                });
            }
        }
        _ => {}
    }
    FieldInput {
        id: id.to_string(),
        kind,
        label: f.question.get(lang).to_string(),
        hint: f.help.get(lang).to_string(),
        heading,
        choices,
        none_checked: shown.ticked.iter().any(|x| x == NONE),
        value: shown.value.clone(),
        year: shown.year.clone(),
        month: shown.month.clone(),
        day: shown.day.clone(),
        unit: f.unit.as_ref().map(|u| u.get(lang).to_string()),
        error,
    }
}

fn problem_text(t: &Tr<'_>, p: &Problem) -> String {
    match p.message() {
        (id, Some(v)) => t.v(id, "value", v),
        (id, None) => t.s(id).into_owned(),
    }
}

/// What was typed in a form that had problems.
struct Typed<'a> {
    form: &'a Form,
    /// The problem of a single question.
    problem: Option<Problem>,
    /// The problems of a group item's fields, by field id.
    fields: Vec<(String, Problem)>,
}

struct Place {
    /// Index on the path (steps.len() for the pending question).
    index: usize,
    next: Next,
}

fn place(w: &Walk, target: Target) -> Option<Place> {
    if let Some(i) = w.steps.iter().position(|s| s.target == target) {
        return w.steps.get(i).map(|n| Place {
            index: i,
            next: n.clone(),
        });
    }
    match &w.pending {
        Some(n) if n.target == target => Some(Place {
            index: w.steps.len(),
            next: n.clone(),
        }),
        _ => None,
    }
}

fn back_href(app: &App, lang: Lang, id: &str, w: &Walk, index: usize) -> String {
    match index.checked_sub(1).and_then(|i| w.steps.get(i)) {
        Some(prev) => Route::Question(
            id.to_string(),
            target_name(&app.pack.model, prev.target).to_string(),
        )
        .path(lang),
        None => Route::Start.path(lang),
    }
}

fn progress(t: &Tr<'_>, index: usize) -> String {
    t.n("progress-question", "number", index + 1)
}

async fn question_get(app: &App, lang: Lang, id: &str, fact: &str, change: bool) -> Response {
    let route = Route::Question(id.to_string(), fact.to_string());
    let iv = match load(app, id).await {
        Loaded::Found(iv) => iv,
        Loaded::Missing => return interview_not_found(app, lang, &route),
        Loaded::Failed(e) => return server_error(app, lang, &e),
    };
    let m = &app.pack.model;
    let Some(target) = target_by_name(m, fact) else {
        let back = (
            Route::Interview(id.to_string()).path(lang),
            tr(app, lang).s("error-back-to-interview").into_owned(),
        );
        return error_page(
            app,
            lang,
            StatusCode::NOT_FOUND,
            route.path(lang.other()),
            Some(back),
        );
    };
    let (answers, answers_json) = load_answers(m, &iv.answers);
    let w = walk(&app.pack, &answers, as_of(&iv));
    let Some(pl) = place(&w, target) else {
        // Not on the person's path (an old link): go to where they are.
        return see_other(&current_step(app, lang, id, &w, change));
    };
    render_question(
        app,
        lang,
        &iv,
        &answers_json,
        &w,
        &pl,
        change,
        Vec::new(),
        None,
        StatusCode::OK,
    )
}

#[allow(clippy::too_many_arguments)]
fn render_question(
    app: &App,
    lang: Lang,
    iv: &Interview,
    answers_json: &J,
    w: &Walk,
    pl: &Place,
    ret: bool,
    errors: Vec<ErrorLink>,
    typed: Option<Typed<'_>>,
    status: StatusCode,
) -> Response {
    let m = &app.pack.model;
    let t = tr(app, lang);
    let name = target_name(m, pl.next.target).to_string();
    let route = Route::Question(iv.id.clone(), name.clone());
    let action = route.path(lang);
    let back = if ret {
        Route::CheckAnswers(iv.id.clone()).path(lang)
    } else {
        back_href(app, lang, &iv.id, w, pl.index)
    };
    let (settles, settles_myths) = settles_text(m, &pl.next, lang);
    let has_error = !errors.is_empty();
    match pl.next.target {
        Target::Fact(fid) => {
            let (shown, problem) = match &typed {
                Some(ty) => (
                    shown_from_form(m.fact(fid), &name, ty.form),
                    ty.problem.clone(),
                ),
                None => (
                    shown_from_json(m.fact(fid), answers_json.get(&name), lang),
                    None,
                ),
            };
            let field = field_input(
                m,
                fid,
                &name,
                true,
                &shown,
                problem.map(|p| problem_text(&t, &p)),
                &t,
            );
            let page = QuestionPage {
                layout: layout(app, lang, field.label.clone(), &route, has_error),
                t,
                back,
                errors,
                progress: progress(&t, pl.index),
                action,
                ret,
                field,
                settles,
                settles_myths,
            };
            html(status, Some(lang), page.render())
        }
        Target::Group(g) => {
            let group = m.group(g);
            let items_json = interview::group_items(m, g, answers_json, &iv.drafts);
            let items = item_rows(app, lang, g, &items_json);
            let field_problems: Vec<(String, Problem)> =
                typed.as_ref().map(|x| x.fields.clone()).unwrap_or_default();
            let fields = group
                .fields
                .iter()
                .map(|fid| {
                    let fname = &m.fact(*fid).name;
                    let fidstr = format!("{name}-{fname}");
                    let shown = match &typed {
                        Some(ty) => shown_from_form(m.fact(*fid), &fidstr, ty.form),
                        None => interview::Shown::default(),
                    };
                    let err = field_problems
                        .iter()
                        .find(|(k, _)| *k == fidstr)
                        .map(|(_, p)| problem_text(&t, p));
                    field_input(m, *fid, &fidstr, false, &shown, err, &t)
                })
                .collect();
            let title = group.question.get(lang).to_string();
            let page = GroupPage {
                layout: layout(app, lang, title.clone(), &route, has_error),
                t,
                back,
                errors,
                progress: progress(&t, pl.index),
                action,
                ret,
                title,
                help: group.help.get(lang).to_string(),
                settles,
                settles_myths,
                items_heading: t.n("group-added", "count", items.len()),
                can_add: items.len() < 200,
                add_heading: t.s("group-add-heading").into_owned(),
                add_button: t.s("group-add-button").into_owned(),
                fields,
                continue_note: if items.is_empty() {
                    t.s("group-continue-none").into_owned()
                } else {
                    t.n("group-continue-some", "count", items.len())
                },
                items,
            };
            html(status, Some(lang), page.render())
        }
    }
}

fn item_rows(app: &App, lang: Lang, g: GroupId, items: &[J]) -> Vec<ItemRow> {
    let m = &app.pack.model;
    let group = m.group(g);
    let parsed = from_json(
        m,
        &serde_json::json!({ group.name.clone(): J::Array(items.to_vec()) }),
    )
    .ok();
    let t = tr(app, lang);
    items
        .iter()
        .enumerate()
        .map(|(i, _)| {
            let vals = parsed
                .as_ref()
                .and_then(|a| a.items(g))
                .and_then(|x| x.get(i))
                .cloned()
                .unwrap_or_default();
            let label = group
                .label_field
                .and_then(|lf| {
                    m.field_position(lf)
                        .and_then(|p| vals.get(p).cloned().flatten())
                        .map(|v| value_label(m, lf, &v, lang))
                })
                .unwrap_or_else(|| t.n("group-item", "number", i + 1));
            let details = group
                .fields
                .iter()
                .enumerate()
                .filter(|(_, f)| Some(**f) != group.label_field)
                .map(|(p, f)| {
                    let v = vals
                        .get(p)
                        .cloned()
                        .flatten()
                        .map(|v| value_label(m, *f, &v, lang))
                        .unwrap_or_else(|| t.s("not-answered").into_owned());
                    (m.fact(*f).question.get(lang).to_string(), v)
                })
                .collect();
            ItemRow {
                index: i,
                label,
                details,
            }
        })
        .collect()
}

async fn question_post(app: &App, lang: Lang, id: &str, fact: &str, form: &Form) -> Response {
    let route = Route::Question(id.to_string(), fact.to_string());
    let iv = match load(app, id).await {
        Loaded::Found(iv) => iv,
        Loaded::Missing => return interview_not_found(app, lang, &route),
        Loaded::Failed(e) => return server_error(app, lang, &e),
    };
    let m = &app.pack.model;
    let t = tr(app, lang);
    let Some(target) = target_by_name(m, fact) else {
        let back = (
            Route::Interview(id.to_string()).path(lang),
            t.s("error-back-to-interview").into_owned(),
        );
        return error_page(
            app,
            lang,
            StatusCode::NOT_FOUND,
            route.path(lang.other()),
            Some(back),
        );
    };
    let (answers, mut answers_json) = load_answers(m, &iv.answers);
    let w = walk(&app.pack, &answers, as_of(&iv));
    let ret = form.get("return") == Some("check");
    let Some(pl) = place(&w, target) else {
        return see_other(&current_step(app, lang, id, &w, ret));
    };
    let mut drafts = match &iv.drafts {
        J::Object(o) => o.clone(),
        _ => Map::new(),
    };
    let bad_form = |answers_json: &J, w: &Walk, pl: &Place| {
        let errors = vec![ErrorLink {
            href: String::new(),
            text: t.s("err-bad-form").into_owned(),
        }];
        render_question(
            app,
            lang,
            &iv,
            answers_json,
            w,
            pl,
            ret,
            errors,
            None,
            StatusCode::BAD_REQUEST,
        )
    };
    match target {
        Target::Fact(fid) => {
            let mut allowed = field_names(m.fact(fid), fact);
            allowed.push("return".to_string());
            if form.unknown(&allowed).is_some() {
                return bad_form(&answers_json, &w, &pl);
            }
            match read_fact(m, fid, fact, form, lang) {
                Ok(v) => {
                    if let J::Object(o) = &mut answers_json {
                        o.insert(fact.to_string(), v);
                    }
                }
                Err(p) => {
                    let errors = vec![ErrorLink {
                        href: format!("#{fact}"),
                        text: problem_text(&t, &p),
                    }];
                    return render_question(
                        app,
                        lang,
                        &iv,
                        &answers_json,
                        &w,
                        &pl,
                        ret,
                        errors,
                        Some(Typed {
                            form,
                            problem: Some(p),
                            fields: Vec::new(),
                        }),
                        StatusCode::BAD_REQUEST,
                    );
                }
            }
        }
        Target::Group(g) => {
            let group = m.group(g);
            let current = interview::group_items(m, g, &answers_json, &iv.drafts);
            match form.get("action").unwrap_or("") {
                "add" => {
                    let mut allowed = vec!["action".to_string(), "return".to_string()];
                    for f in &group.fields {
                        allowed.extend(field_names(
                            m.fact(*f),
                            &format!("{fact}-{}", m.fact(*f).name),
                        ));
                    }
                    if form.unknown(&allowed).is_some() {
                        return bad_form(&answers_json, &w, &pl);
                    }
                    if current.len() >= 200 {
                        return bad_form(&answers_json, &w, &pl);
                    }
                    let mut item = Map::new();
                    let mut problems = Vec::new();
                    for f in &group.fields {
                        let fname = &m.fact(*f).name;
                        let fid = format!("{fact}-{fname}");
                        match read_fact(m, *f, &fid, form, lang) {
                            Ok(v) => {
                                item.insert(fname.clone(), v);
                            }
                            Err(p) => problems.push((fid, p)),
                        }
                    }
                    if !problems.is_empty() {
                        let errors = problems
                            .iter()
                            .map(|(fid, p)| ErrorLink {
                                href: format!("#{fid}"),
                                text: problem_text(&t, p),
                            })
                            .collect();
                        return render_question(
                            app,
                            lang,
                            &iv,
                            &answers_json,
                            &w,
                            &pl,
                            ret,
                            errors,
                            Some(Typed {
                                form,
                                problem: None,
                                fields: problems,
                            }),
                            StatusCode::BAD_REQUEST,
                        );
                    }
                    let mut items = current;
                    items.push(J::Object(item));
                    drafts.insert(fact.to_string(), J::Array(items));
                    return save_then(app, lang, id, &answers_json, &J::Object(drafts), || {
                        let p = route.path(lang);
                        if ret {
                            format!("{p}?change=1#items")
                        } else {
                            format!("{p}#items")
                        }
                    })
                    .await;
                }
                "remove" => {
                    let allowed = ["action", "index", "return"].map(str::to_string);
                    let index = form.get("index").and_then(|i| i.parse::<usize>().ok());
                    let (Some(index), None) = (index, form.unknown(&allowed)) else {
                        return bad_form(&answers_json, &w, &pl);
                    };
                    let mut items = current;
                    if index >= items.len() {
                        return bad_form(&answers_json, &w, &pl);
                    }
                    items.remove(index);
                    drafts.insert(fact.to_string(), J::Array(items));
                    return save_then(app, lang, id, &answers_json, &J::Object(drafts), || {
                        let p = route.path(lang);
                        if ret {
                            format!("{p}?change=1#items")
                        } else {
                            format!("{p}#items")
                        }
                    })
                    .await;
                }
                "continue" => {
                    let allowed = ["action", "return"].map(str::to_string);
                    if form.unknown(&allowed).is_some() {
                        return bad_form(&answers_json, &w, &pl);
                    }
                    drafts.remove(fact);
                    if let J::Object(o) = &mut answers_json {
                        o.insert(fact.to_string(), J::Array(current));
                    }
                }
                _ => return bad_form(&answers_json, &w, &pl),
            }
        }
    }
    // Safety net: the whole set of answers must still be valid.
    let new_answers = match from_json(m, &answers_json) {
        Ok(a) => a,
        Err(_) => return bad_form(&answers_json, &w, &pl),
    };
    let w2 = walk(&app.pack, &new_answers, as_of(&iv));
    let next = if ret {
        current_step(app, lang, id, &w2, true)
    } else {
        let i = w2.steps.iter().position(|s| s.target == target);
        match i.and_then(|i| w2.steps.get(i + 1)) {
            Some(n) => {
                Route::Question(id.to_string(), target_name(m, n.target).to_string()).path(lang)
            }
            None => current_step(app, lang, id, &w2, false),
        }
    };
    save_then(app, lang, id, &answers_json, &J::Object(drafts), || next).await
}

async fn save_then(
    app: &App,
    lang: Lang,
    id: &str,
    answers: &J,
    drafts: &J,
    to: impl FnOnce() -> String,
) -> Response {
    match app
        .store
        .update_interview(id, answers, drafts, &now())
        .await
    {
        Ok(true) => see_other(&to()),
        Ok(false) => interview_not_found(app, lang, &Route::Interview(id.to_string())),
        Err(e) => server_error(app, lang, &e.to_string()),
    }
}

// ---------------------------------------------------------------- check your answers

pub(crate) fn answer_lines(
    app: &App,
    lang: Lang,
    answers: &Answers,
    target: Target,
) -> Vec<String> {
    let m = &app.pack.model;
    let t = tr(app, lang);
    match target {
        Target::Fact(f) => vec![
            answers
                .get(f)
                .map(|v| value_label(m, f, v, lang))
                .unwrap_or_else(|| t.s("not-answered").into_owned()),
        ],
        Target::Group(g) => {
            let items = answers.items(g).cloned().unwrap_or_default();
            if items.is_empty() {
                return vec![t.s("group-none").into_owned()];
            }
            let group = m.group(g);
            items
                .iter()
                .enumerate()
                .map(|(i, it)| {
                    let parts: Vec<String> = group
                        .fields
                        .iter()
                        .zip(it)
                        .filter_map(|(f, v)| v.as_ref().map(|v| value_label(m, *f, v, lang)))
                        .collect();
                    if parts.is_empty() {
                        t.n("group-item", "number", i + 1)
                    } else {
                        parts.join(" — ")
                    }
                })
                .collect()
        }
    }
}

async fn check_get(app: &App, lang: Lang, id: &str) -> Response {
    let route = Route::CheckAnswers(id.to_string());
    let iv = match load(app, id).await {
        Loaded::Found(iv) => iv,
        Loaded::Missing => return interview_not_found(app, lang, &route),
        Loaded::Failed(e) => return server_error(app, lang, &e),
    };
    let m = &app.pack.model;
    let t = tr(app, lang);
    let (answers, _) = load_answers(m, &iv.answers);
    let w = walk(&app.pack, &answers, as_of(&iv));
    let rows = w
        .steps
        .iter()
        .map(|s| {
            let name = target_name(m, s.target);
            let question = match s.target {
                Target::Fact(f) => m.fact(f).question.get(lang).to_string(),
                Target::Group(g) => m.group(g).question.get(lang).to_string(),
            };
            AnswerRow {
                question,
                lines: answer_lines(app, lang, &w.answers, s.target),
                change: format!(
                    "{}?change=1",
                    Route::Question(id.to_string(), name.to_string()).path(lang)
                ),
            }
        })
        .collect();
    let pending = w
        .pending
        .as_ref()
        .map(|n| Route::Question(id.to_string(), target_name(m, n.target).to_string()).path(lang));
    let back = match (&pending, w.steps.last()) {
        (Some(p), _) => p.clone(),
        (None, Some(s)) => {
            Route::Question(id.to_string(), target_name(m, s.target).to_string()).path(lang)
        }
        (None, None) => Route::Start.path(lang),
    };
    let journey = iv
        .journey
        .as_ref()
        .and_then(|j| m.journeys.iter().find(|x| x.id == *j))
        .map(|j| j.title.get(lang).to_string());
    let page = CheckPage {
        layout: layout(app, lang, t.s("check-title").into_owned(), &route, false),
        t,
        back,
        rows,
        pending,
        journey,
        action: route.path(lang),
    };
    html(StatusCode::OK, Some(lang), page.render())
}

async fn check_post(app: &App, lang: Lang, id: &str) -> Response {
    let route = Route::CheckAnswers(id.to_string());
    let iv = match load(app, id).await {
        Loaded::Found(iv) => iv,
        Loaded::Missing => return interview_not_found(app, lang, &route),
        Loaded::Failed(e) => return server_error(app, lang, &e),
    };
    let m = &app.pack.model;
    let (answers, _) = load_answers(m, &iv.answers);
    let date = as_of(&iv);
    let w = walk(&app.pack, &answers, date);
    let rid = match new_id() {
        Ok(x) => x,
        Err(e) => return server_error(app, lang, &e),
    };
    let r = SavedResult {
        id: rid.clone(),
        answers: crate::documents::with_document_answers(m, to_json(m, &w.answers), &iv.answers),
        journey: iv.journey.clone(),
        as_of: date.to_string(),
        packs: app.stamps.clone(),
        created_at: now(),
    };
    if let Err(e) = app.store.create_result(&r).await {
        return server_error(app, lang, &e.to_string());
    }
    see_other(&Route::Results(rid).path(lang))
}

// ---------------------------------------------------------------- results

pub(crate) fn cite_views(m: &Model, cs: &[Citation], lang: Lang) -> Vec<CiteView> {
    cs.iter()
        .filter_map(|c| {
            let inst = m.instruments.get(c.instrument.idx())?;
            Some(CiteView {
                label: format!("{}, § {}", inst.title.get(lang), c.section),
                url: inst.source.get(lang).to_string(),
                paraphrase: inst
                    .provisions
                    .get(c.provision)
                    .map(|p| p.paraphrase.get(lang).to_string())
                    .unwrap_or_default(),
            })
        })
        .collect()
}

fn cites_out(cs: &[passerelle::verdict::CitationOut]) -> Vec<CiteView> {
    cs.iter()
        .map(|c| CiteView {
            label: format!("{}, § {}", c.title, c.section),
            url: c.url.clone(),
            paraphrase: c.paraphrase.clone(),
        })
        .collect()
}

async fn results_get(app: &App, lang: Lang, id: &str) -> Response {
    let route = Route::Results(id.to_string());
    let r = match load_result(app, id).await {
        Loaded::Found(r) => r,
        Loaded::Missing => return not_found(app, lang, route.path(lang.other())),
        Loaded::Failed(e) => return server_error(app, lang, &e),
    };
    let m = &app.pack.model;
    let t = tr(app, lang);
    let (answers, _) = load_answers(m, &r.answers);
    let date = passerelle_check::answers::parse_date(&r.as_of).unwrap_or_else(passerelle::today);
    let v = passerelle::evaluate(
        &app.pack,
        &answers,
        date,
        lang,
        EvalOptions { explain: true },
    );
    let mut phases: Vec<PhaseGroup> = Vec::new();
    for (word, phase) in passerelle_check::model::Phase::ALL {
        let mut domains: Vec<DomainGroup> = Vec::new();
        let mut count = 0;
        for (dword, domain) in Domain::ALL {
            let items: Vec<ObligationView> = v
                .obligations
                .iter()
                .filter(|o| o.phase == *word && o.domain == *dword)
                .map(|o| ObligationView {
                    anchor: o.id.replace(['[', ']'], "-"),
                    kind: o.kind,
                    kind_label: o.kind_label.clone(),
                    text: o.text.clone(),
                    intent: o.intent.clone(),
                    item: o.item.as_ref().map(|i| t.v("for-item", "item", &i.label)),
                    owner: o
                        .owner
                        .as_ref()
                        .map(|c| format!("{} ({})", c.name, c.role_label)),
                    citations: cites_out(&o.citations),
                    rule_href: Route::Rule(o.id.split('[').next().unwrap_or(&o.id).to_string())
                        .path(lang),
                    because_html: o
                        .because
                        .as_ref()
                        .map(|b| because_html(&t, b))
                        .unwrap_or_default(),
                })
                .collect();
            if !items.is_empty() {
                count += items.len();
                domains.push(DomainGroup {
                    label: domain.label().get(lang).to_string(),
                    items,
                });
            }
        }
        // Obligations without a phase or domain still show, last.
        if count > 0 {
            phases.push(PhaseGroup {
                id: word,
                label: phase.label().get(lang).to_string(),
                count,
                domains,
            });
        }
    }
    let to_confirm = v
        .to_confirm
        .iter()
        .map(|c| ConfirmView {
            text: c.text.clone(),
            item: c.item.as_ref().map(|i| t.v("for-item", "item", &i.label)),
            reason: c.reason.clone(),
            citations: cites_out(&c.citations),
        })
        .collect();
    let undetermined = v.undetermined.iter().map(|u| u.text.clone()).collect();
    let displaced = v
        .displaced
        .iter()
        .map(|d| (d.text.clone(), d.reason.clone()))
        .collect();
    let myths = v
        .myths
        .iter()
        .map(|x| MythView {
            href: Route::Myth(x.id.clone()).path(lang),
            claim: x.claim.clone(),
            verdict: x.verdict,
            verdict_label: x.verdict_label.clone(),
            explanation: x.explanation.clone(),
            citations: cites_out(&x.citations),
        })
        .collect();
    let contacts = v
        .contacts
        .iter()
        .map(|c| ContactView {
            name: c.name.clone(),
            role: c.role_label.clone(),
            ask: c.ask.clone(),
            url: c.url.clone(),
        })
        .collect();
    let changed = r.packs != app.stamps;
    let summary = t.cat.args(
        lang,
        "results-summary",
        &[
            ("pack", Arg::Str(&v.pack.title)),
            ("version", Arg::Str(&v.pack.version)),
            ("date", Arg::Str(&v.as_of)),
            (
                "count",
                Arg::Num(i64::try_from(v.obligations.len()).unwrap_or(0)),
            ),
        ],
    );
    let permalink = route.path(lang);
    let documents = crate::documents::section(app, lang, id, &answers, date).await;
    let case_log = crate::cases::results_extras(app, lang, id, &v).await;
    let page = ResultsPage {
        layout: layout(app, lang, t.s("results-title").into_owned(), &route, false),
        t,
        id: id.to_string(),
        summary,
        changed,
        complete: v.complete,
        phases,
        to_confirm,
        undetermined,
        displaced,
        myths,
        contacts,
        permalink_text: permalink.clone(),
        permalink,
        json_href: format!("/api/v1/results/{id}?lang={}", lang.code()),
        documents,
        case_log,
    };
    html(StatusCode::OK, Some(lang), page.render())
}

async fn load_result(app: &App, id: &str) -> Loaded<SavedResult> {
    if !is_id(id) {
        return Loaded::Missing;
    }
    match app.store.result(id).await {
        Ok(Some(r)) => Loaded::Found(r),
        Ok(None) => Loaded::Missing,
        Err(e) => Loaded::Failed(e.to_string()),
    }
}

async fn results_post(app: &App, lang: Lang, id: &str, form: &Form) -> Response {
    let route = Route::Results(id.to_string());
    let r = match load_result(app, id).await {
        Loaded::Found(r) => r,
        Loaded::Missing => return not_found(app, lang, route.path(lang.other())),
        Loaded::Failed(e) => return server_error(app, lang, &e),
    };
    if form.get("action") != Some("edit") || form.unknown(&["action".to_string()]).is_some() {
        let back = (
            route.path(lang),
            tr(app, lang).s("error-go-back").into_owned(),
        );
        return error_page(
            app,
            lang,
            StatusCode::BAD_REQUEST,
            route.path(lang.other()),
            Some(back),
        );
    }
    let nid = match new_id() {
        Ok(x) => x,
        Err(e) => return server_error(app, lang, &e),
    };
    let ts = now();
    let iv = Interview {
        id: nid.clone(),
        answers: r.answers,
        drafts: J::Object(Map::new()),
        journey: r.journey,
        as_of: None,
        packs: app.stamps.clone(),
        created_at: ts.clone(),
        updated_at: ts,
    };
    if let Err(e) = app.store.create_interview(&iv).await {
        return server_error(app, lang, &e.to_string());
    }
    see_other(&Route::CheckAnswers(nid).path(lang))
}

// ---------------------------------------------------------------- start, rules, myths, instruments

fn start_page(app: &App, lang: Lang) -> Response {
    let m = &app.pack.model;
    let t = tr(app, lang);
    let journeys = m
        .journeys
        .iter()
        .map(|j| JourneyCard {
            id: j.id.clone(),
            title: j.title.get(lang).to_string(),
            description: j.description.get(lang).to_string(),
        })
        .collect();
    let packs = m
        .packs
        .iter()
        .map(|p| {
            t.cat.args(
                lang,
                "pack-line",
                &[
                    ("title", Arg::Str(p.title.get(lang))),
                    ("version", Arg::Str(&p.version)),
                ],
            )
        })
        .collect();
    let page = StartPage {
        layout: layout(
            app,
            lang,
            t.s("start-title").into_owned(),
            &Route::Start,
            false,
        ),
        t,
        journeys,
        new_action: Route::NewInterview.path(lang),
        n_rules: m.rules.iter().filter(|r| r.modal().is_some()).count(),
        n_myths: m.myths.len(),
        n_instruments: m.instruments.len(),
        packs,
    };
    html(StatusCode::OK, Some(lang), page.render())
}

fn contact_line(m: &Model, c: ContactId, lang: Lang) -> Option<String> {
    let x = m.contacts.get(c.idx())?;
    Some(format!(
        "{} ({})",
        x.name.get(lang),
        x.role.label().get(lang)
    ))
}

fn period_text(t: &Tr<'_>, p: &Period) -> String {
    match (p.from, p.to) {
        (Some(a), Some(b)) => t.cat.args(
            t.lang,
            "period-from-to",
            &[
                ("from", Arg::Str(&a.to_string())),
                ("to", Arg::Str(&b.to_string())),
            ],
        ),
        (Some(a), None) => t.v("period-from", "from", &a.to_string()),
        (None, Some(b)) => t.v("period-to", "to", &b.to_string()),
        (None, None) => String::new(),
    }
}

fn status_text(t: &Tr<'_>, s: &VStatus) -> String {
    match s {
        VStatus::Verified(d) => t.v("verified-on", "date", &d.to_string()),
        VStatus::Unverified(why) => t.v("unverified-because", "reason", why.get(t.lang)),
    }
}

fn rule_kind(t: &Tr<'_>, k: RuleKind) -> (&'static str, String) {
    match k {
        RuleKind::Obligation(m) => (m.word(), m.label().get(t.lang).to_string()),
        RuleKind::Exception => ("exception", t.s("kind-exception").into_owned()),
    }
}

fn rules_page(app: &App, lang: Lang) -> Response {
    let m = &app.pack.model;
    let t = tr(app, lang);
    let link = |r: &passerelle_check::model::Rule| {
        let (_, kl) = rule_kind(&t, r.kind);
        let mut meta = kl;
        if let Some(p) = r.phase {
            meta.push_str(" · ");
            meta.push_str(p.label().get(lang));
        }
        if !r.status.is_verified() {
            meta.push_str(" · ");
            meta.push_str(&t.s("to-confirm-short"));
        }
        IndexLink {
            href: Route::Rule(r.id.clone()).path(lang),
            text: r.text.get(lang).to_string(),
            meta,
        }
    };
    let mut domains = Vec::new();
    for (word, d) in Domain::ALL {
        let items: Vec<IndexLink> = m
            .rules
            .iter()
            .filter(|r| r.modal().is_some() && r.domain == Some(*d))
            .map(link)
            .collect();
        if !items.is_empty() {
            domains.push(IndexGroup {
                id: (*word).to_string(),
                label: d.label().get(lang).to_string(),
                items,
            });
        }
    }
    let other: Vec<IndexLink> = m
        .rules
        .iter()
        .filter(|r| r.modal().is_some() && r.domain.is_none())
        .map(link)
        .collect();
    if !other.is_empty() {
        domains.push(IndexGroup {
            id: "other".to_string(),
            label: t.s("domain-other").into_owned(),
            items: other,
        });
    }
    let exceptions = m
        .rules
        .iter()
        .filter(|r| r.modal().is_none())
        .map(link)
        .collect();
    let page = RulesPage {
        layout: layout(
            app,
            lang,
            t.s("rules-title").into_owned(),
            &Route::Rules,
            false,
        ),
        t,
        domains,
        exceptions,
    };
    html(StatusCode::OK, Some(lang), page.render())
}

fn rule_page(app: &App, lang: Lang, id: &str) -> Response {
    let m = &app.pack.model;
    let t = tr(app, lang);
    let route = Route::Rule(id.to_string());
    let Some(rid) = m.rule_ids.get(id) else {
        return not_found(app, lang, route.path(lang.other()));
    };
    let r = m.rule(*rid);
    let (kind, kind_label) = rule_kind(&t, r.kind);
    let links = |ids: &[passerelle_check::model::RuleId]| -> Vec<IndexLink> {
        ids.iter()
            .map(|x| {
                let o = m.rule(*x);
                IndexLink {
                    href: Route::Rule(o.id.clone()).path(lang),
                    text: o.text.get(lang).to_string(),
                    meta: rule_kind(&t, o.kind).1,
                }
            })
            .collect()
    };
    let displaced_by = m
        .displaced_by
        .get(rid.idx())
        .map(|v| links(v))
        .unwrap_or_default();
    let page = RulePage {
        layout: layout(app, lang, r.text.get(lang).to_string(), &route, false),
        t,
        id: r.id.clone(),
        kind,
        kind_label,
        text: r.text.get(lang).to_string(),
        intent: r
            .intent
            .as_ref()
            .map(|i| i.get(lang).to_string())
            .unwrap_or_default(),
        domain: r
            .domain
            .map(|d| d.label().get(lang).to_string())
            .unwrap_or_default(),
        phase: r
            .phase
            .map(|d| d.label().get(lang).to_string())
            .unwrap_or_default(),
        condition: r
            .when
            .as_ref()
            .map(|e| describe(m, e, lang))
            .unwrap_or_else(|| t.s("always").into_owned()),
        per_item: r
            .per_item
            .as_ref()
            .map(|(_, g)| t.v("per-item-text", "group", m.group(*g).question.get(lang))),
        owner: r.owner.and_then(|c| contact_line(m, c, lang)),
        layer: r.layer.label(),
        period: period_text(&t, &r.period),
        status: status_text(&t, &r.status),
        instrument: r.instrument.and_then(|i| {
            let inst = m.instruments.get(i.idx())?;
            Some((
                Route::Instrument(inst.id.clone()).path(lang),
                inst.title.get(lang).to_string(),
            ))
        }),
        citations: cite_views(m, &r.citations, lang),
        displaced_by,
        displaces: links(&r.displaces),
    };
    html(StatusCode::OK, Some(lang), page.render())
}

fn myths_page(app: &App, lang: Lang) -> Response {
    let m = &app.pack.model;
    let t = tr(app, lang);
    let myths = m
        .myths
        .iter()
        .map(|x| IndexLink {
            href: Route::Myth(x.id.clone()).path(lang),
            text: x.claim.get(lang).to_string(),
            meta: x.verdict.label().get(lang).to_string(),
        })
        .collect();
    let page = MythsPage {
        layout: layout(
            app,
            lang,
            t.s("myths-title").into_owned(),
            &Route::Myths,
            false,
        ),
        t,
        myths,
    };
    html(StatusCode::OK, Some(lang), page.render())
}

fn myth_page(app: &App, lang: Lang, id: &str) -> Response {
    let m = &app.pack.model;
    let t = tr(app, lang);
    let route = Route::Myth(id.to_string());
    let Some(x) = m.myth_ids.get(id).and_then(|i| m.myths.get(i.idx())) else {
        return not_found(app, lang, route.path(lang.other()));
    };
    let page = MythPage {
        layout: layout(app, lang, x.claim.get(lang).to_string(), &route, false),
        t,
        claim: x.claim.get(lang).to_string(),
        verdict: x.verdict.word(),
        verdict_label: x.verdict.label().get(lang).to_string(),
        explanation: x.explanation.get(lang).to_string(),
        relevant: x
            .relevant_when
            .as_ref()
            .map(|e| describe(m, e, lang))
            .unwrap_or_else(|| t.s("always-relevant").into_owned()),
        status: status_text(&t, &x.status),
        citations: cite_views(m, &x.citations, lang),
    };
    html(StatusCode::OK, Some(lang), page.render())
}

fn instruments_page(app: &App, lang: Lang) -> Response {
    let m = &app.pack.model;
    let t = tr(app, lang);
    let mut kinds: Vec<IndexGroup> = Vec::new();
    for inst in &m.instruments {
        let label = inst.kind.label().get(lang).to_string();
        let link = IndexLink {
            href: Route::Instrument(inst.id.clone()).path(lang),
            text: inst.title.get(lang).to_string(),
            meta: t.n("count-provisions", "count", inst.provisions.len()),
        };
        match kinds.iter_mut().find(|k| k.id == inst.kind.word()) {
            Some(k) => k.items.push(link),
            None => kinds.push(IndexGroup {
                id: inst.kind.word().to_string(),
                label,
                items: vec![link],
            }),
        }
    }
    let order = |k: &str| {
        InstrumentKind::parse(k)
            .map(|x| x as usize)
            .unwrap_or(usize::MAX)
    };
    kinds.sort_by_key(|k| order(&k.id));
    let page = InstrumentsPage {
        layout: layout(
            app,
            lang,
            t.s("instruments-title").into_owned(),
            &Route::Instruments,
            false,
        ),
        t,
        kinds,
    };
    html(StatusCode::OK, Some(lang), page.render())
}

fn instrument_page(app: &App, lang: Lang, id: &str) -> Response {
    let m = &app.pack.model;
    let t = tr(app, lang);
    let route = Route::Instrument(id.to_string());
    let Some((ii, inst)) = m
        .instrument_ids
        .get(id)
        .and_then(|i| m.instruments.get(i.idx()).map(|x| (*i, x)))
    else {
        return not_found(app, lang, route.path(lang.other()));
    };
    let provisions = inst
        .provisions
        .iter()
        .enumerate()
        .map(|(pi, p)| ProvisionView {
            section: p.section.clone(),
            title: p.title.clone(),
            paraphrase: p.paraphrase.get(lang).to_string(),
            rules: m
                .rules
                .iter()
                .filter(|r| {
                    r.citations
                        .iter()
                        .any(|c| c.instrument == ii && c.provision == pi)
                })
                .map(|r| IndexLink {
                    href: Route::Rule(r.id.clone()).path(lang),
                    text: r.text.get(lang).to_string(),
                    meta: String::new(),
                })
                .collect(),
        })
        .collect();
    let page = InstrumentPage {
        layout: layout(app, lang, inst.title.get(lang).to_string(), &route, false),
        t,
        kind: inst.kind.label().get(lang).to_string(),
        title: inst.title.get(lang).to_string(),
        owner: inst.owner.and_then(|c| contact_line(m, c, lang)),
        period: period_text(&t, &inst.period),
        layer: inst.layer.label(),
        source: inst.source.get(lang).to_string(),
        provisions,
    };
    html(StatusCode::OK, Some(lang), page.render())
}
